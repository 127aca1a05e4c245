"""Hostile input: malformed or extreme calls of ``glm()``.

Each case ends in one of three outcomes, named in the table: ``error`` (a
glmformula exception, which is also a ValueError or TypeError), ``warning`` (a
warning whose message says what to do, and a fit that is checked) or ``fit``
(a fit checked against a reference: a closed form or an equivalent model).
Never a raw traceback, a hang or a silently wrong number; and the caller's
objects are left as they were. Cases already in ``test_errors.py`` are not
repeated here.
"""

from __future__ import annotations

import copy
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.errors import (
    AliasingWarning,
    ArgumentTypeError,
    ConvergenceWarning,
    DataError,
    FamilyError,
    FitError,
    FormulaError,
    GLMError,
    GLMWarning,
    ResponseError,
    SeparationWarning,
)

N = 30
RNG = np.random.default_rng(20261125)
BASE = pd.DataFrame({
    "y": RNG.poisson(3, N).astype(float),
    "x": RNG.standard_normal(N),
    "g": list("abc") * (N // 3),
    "b": RNG.integers(0, 2, N),
    "pos": RNG.gamma(2.0, 1.5, N),
})


def df(**columns: Any) -> pd.DataFrame:
    """A fresh copy of the base data, with some columns replaced or added."""
    return BASE.assign(**columns)


def ref(formula: str, data: pd.DataFrame | None = None, family: str = "gaussian",
        **kwargs: Any) -> gf.GLMResult:
    """A reference fit of an equivalent, well-behaved model."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gf.glm(formula, BASE if data is None else data, family, **kwargs)


def same_fit(reference: gf.GLMResult, rtol: float = 1e-9) -> Callable[[gf.GLMResult], None]:
    """Check: the same coefficients (by position) and deviance as `reference`."""
    def check(m: gf.GLMResult) -> None:
        np.testing.assert_allclose(m.coef.to_numpy(), reference.coef.to_numpy(), rtol=rtol,
                                   atol=1e-12)
        assert m.deviance == pytest.approx(reference.deviance, rel=rtol, abs=1e-12)
    return check


def all_of(*checks: Callable[[gf.GLMResult], None]) -> Callable[[gf.GLMResult], None]:
    def check(m: gf.GLMResult) -> None:
        for c in checks:
            c(m)
    return check


@dataclass(frozen=True)
class Case:
    """A call of glm(), its expected outcome and what to check."""

    id: str
    outcome: str  # "error" | "warning" | "fit"
    call: Callable[[], dict[str, Any]]  # the keyword arguments of glm()
    expect: type[BaseException] | None = None  # error or warning class
    match: str = ""
    check: Callable[[gf.GLMResult], None] | None = None
    bug: str = ""  # a known bug outside this test's reach: the case is a strict xfail


def E(id: str, call: Callable[[], dict[str, Any]], error: type[Exception], match: str) -> Case:
    return Case(id, "error", call, error, match)


def W(id: str, call: Callable[[], dict[str, Any]], warning: type[Warning], match: str,
      check: Callable[[gf.GLMResult], None]) -> Case:
    return Case(id, "warning", call, warning, match, check)


def F(id: str, call: Callable[[], dict[str, Any]], check: Callable[[gf.GLMResult], None]) -> Case:
    return Case(id, "fit", call, None, "", check)


def args(formula: Any = "y ~ x", data: Any = None, family: Any = "gaussian",
         **kw: Any) -> Callable[[], dict[str, Any]]:
    """A factory of glm() keyword arguments (data defaults to a fresh copy of the base)."""
    return lambda: {"formula": formula, "data": df() if data is None else data,
                    "family": family, **kw}


def lazy(**kw: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    """Like :func:`args`, each value made when the case runs (fresh objects every time)."""
    def make() -> dict[str, Any]:
        out = {"formula": "y ~ x", "family": "gaussian"}
        out.update({k: v() for k, v in kw.items()})
        out.setdefault("data", df())
        return out
    return make


def _huge_counts() -> pd.DataFrame:
    return df(y=np.round(BASE["y"] * 1e15 + 1e15))


def _group_log_means(m: gf.GLMResult) -> None:
    means = _huge_counts().groupby("g")["y"].mean()
    expected = [np.log(means["a"]), np.log(means["b"] / means["a"]),
                np.log(means["c"] / means["a"])]
    assert_close(m.coef.to_numpy(), expected, rtol=1e-8)


def _single_row_poisson(m: gf.GLMResult) -> None:
    assert m.coef.iloc[0] == pytest.approx(np.log(BASE["y"].iloc[0]), rel=1e-8, abs=1e-8)
    assert np.isnan(m.coef.iloc[1]) and abs(m.deviance) < 1e-10


def _saturated(m: gf.GLMResult) -> None:
    # A saturated fit reproduces y up to rounding on the scale of y: a response of 0 may come
    # back as 1e-16, so the tolerance is absolute, 1e-8 times the largest |y|.
    y = BASE["y"].head(4).to_numpy()
    assert abs(m.deviance) < 1e-8 * float(np.sum(y**2))
    np.testing.assert_allclose(m.fitted.to_numpy(), y, rtol=0, atol=1e-8 * np.abs(y).max())


def _constant_response(m: gf.GLMResult) -> None:
    assert m.coef.iloc[0] == pytest.approx(2.0, rel=1e-12)
    assert abs(m.coef.iloc[1]) < 1e-12 and m.deviance < 1e-20


def _zero_counts(m: gf.GLMResult) -> None:
    assert m.fitted.max() < 1e-8 and m.deviance < 1e-8 and m.coef.iloc[0] < -15


def _empty_gaussian(m: gf.GLMResult) -> None:
    assert m.coef.size == 0
    assert m.deviance == pytest.approx(float(np.sum(BASE["y"] ** 2)), rel=1e-12)


def _single_row_intercept(m: gf.GLMResult) -> None:
    assert m.coef.iloc[0] == BASE["y"].iloc[0] and m.df_residual == 0


def _unused_level(m: gf.GLMResult) -> None:
    """R's model frame drops a level no row has (drop.unused.levels): no column gz."""
    assert "gz" not in m.coef.index
    same_fit(ref("y ~ g"))(_Coef(m.coef, m.deviance))


@dataclass
class _Coef:
    """Coefficients and deviance in the shape :func:`same_fit` reads."""

    coef: pd.Series
    deviance: float


def _scaled_coef(reference: gf.GLMResult, factors: list[float],
                 shift: list[float] | None = None) -> Callable[[gf.GLMResult], None]:
    """Check: coefficient j is reference's times factors[j] (plus shift[j])."""
    def check(m: gf.GLMResult) -> None:
        expected = reference.coef.to_numpy() * np.array(factors) + np.array(shift or 0.0)
        assert_close(m.coef.to_numpy(), expected, rtol=1e-8)
    return check


def _binary_of_level_a() -> pd.DataFrame:
    return df(z=(BASE["g"] != "a").astype(float))


def _nullable_with_na() -> pd.DataFrame:
    return df(x=pd.array([None, *np.round(BASE["x"].iloc[1:] * 100).astype(int)], dtype="Int64"))


def _big_factor() -> pd.DataFrame:
    levels = [f"l{i:06d}" for i in range(100_000)]
    return pd.DataFrame({"y": np.tile([1.0, 2.0], 50_000), "f": pd.Categorical(levels)})


CASES = [
    # -- arguments of the wrong type --------------------------------------------------------
    E("formula-bytes", args(b"y ~ x"), ArgumentTypeError, "formula must be a str"),
    E("formula-none", args(None), ArgumentTypeError, "formula must be a str"),
    E("formula-list", args(["y", "x"]), ArgumentTypeError, "formula must be a str"),
    E("data-series", lazy(data=lambda: BASE["y"].copy()), ArgumentTypeError,
      "data must be a pandas DataFrame"),
    E("data-ragged-dict", args(data={"y": [1.0, 2.0], "x": [1.0]}), DataError,
      "cannot be made a DataFrame"),
    E("family-none", args(family=None), FamilyError, "family must be a name"),
    E("family-list", args(family=["poisson"]), FamilyError, "family must be a name"),
    E("link-list", args(link=["log"]), FamilyError, "a link is a name"),
    E("weights-dict", args(weights={"a": 1.0}), ArgumentTypeError, "weights must be a column"),
    E("weights-2d", lazy(weights=lambda: np.ones((N, 2))), DataError, r"weights has shape"),
    E("weights-strings", lazy(weights=lambda: ["1"] * N), DataError, "must be numeric"),
    E("weights-scalar", args(weights=2.0), ArgumentTypeError, "weights must be a column"),
    E("weights-all-nan", lazy(weights=lambda: np.full(N, np.nan)), DataError, "no rows left"),
    E("offset-scalar", args(offset=1.0), ArgumentTypeError, "offset must be a column"),
    E("offset-minus-inf", lazy(offset=lambda: np.r_[-np.inf, np.zeros(N - 1)]), DataError,
      "offset has infinite values"),
    E("offset-strings", lazy(offset=lambda: ["a"] * N), DataError, "offset must be numeric"),
    E("start-str", args(start="ab"), ArgumentTypeError, "start must be a sequence"),
    E("start-dict", args(start={"a": 1.0}), ArgumentTypeError, "start must be a sequence"),
    E("control-list", args(control=[1]), ArgumentTypeError, "control must be a dict"),
    E("control-epsilon-str", args(control={"epsilon": "small"}), ArgumentTypeError, "epsilon"),
    E("control-epsilon-inf", args(control={"epsilon": float("inf")}), FitError, "epsilon"),
    E("control-maxit-bool", args(control={"maxit": True}), ArgumentTypeError, "maxit"),
    E("control-maxit-fraction", args(control={"maxit": 2.5}), FitError, "whole number"),
    E("control-trace-str", args(control={"trace": "yes"}), ArgumentTypeError, "trace"),
    E("control-epsilon-nan", args(control={"epsilon": float("nan")}), FitError, "epsilon"),
    E("variance-int", args(family="quasi", variance=3), FamilyError, "quasi variance 3"),
    E("variance-unknown", args(family="quasi", variance="mu^7"), FamilyError, "mu\\^7"),
    E("variance-not-quasi", args(family="poisson", variance="mu"), FamilyError, "poisson"),
    # -- data that cannot be used ---------------------------------------------------------
    E("all-nan-response", lazy(data=lambda: df(y=np.nan)), DataError, "no rows left"),
    E("all-none-factor", lazy(formula=lambda: "y ~ g", data=lambda: df(g=None)), DataError,
      "no rows left"),
    E("datetime-predictor", lazy(data=lambda: df(x=pd.date_range("2020", periods=N))),
      DataError, "holds dates and times .* days since 1970-01-01"),
    E("complex-predictor", lazy(data=lambda: df(x=BASE["x"] + 1j)), DataError,
      "complex values"),
    E("numeric-strings-response", lazy(data=lambda: df(y=BASE["y"].astype(str))),
      ResponseError, "categorical"),
    E("cbind-zero-trials", lazy(formula=lambda: "cbind(b, b) ~ x", family=lambda: "binomial",
                                data=lambda: df(b=0)), DataError, "zero weight"),
    E("multiindex-columns", lazy(data=lambda: pd.concat({"a": df()}, axis=1)), DataError,
      "column 'y' is not in the data"),
    E("integer-column-names", lazy(data=lambda: df().set_axis(range(5), axis=1)), DataError,
      "column 'y' is not in the data"),
    E("response-1e-300", lazy(data=lambda: df(y=BASE["y"] * 1e-300)), DataError,
      "response 'y' .* rescale"),
    E("response-1e300", lazy(data=lambda: df(y=BASE["y"] * 1e300)), DataError, "rescale"),
    E("predictor-1e-300", lazy(data=lambda: df(x=BASE["x"] * 1e-300)), DataError,
      "column 'x' has values of magnitude .* rescale"),
    E("predictor-1e300", lazy(data=lambda: df(x=BASE["x"] * 1e300)), DataError, "rescale"),
    E("factor-100000-levels", lazy(formula=lambda: "y ~ f", family=lambda: "poisson",
                                   data=_big_factor), DataError, "GiB of memory"),
    # -- formulas -------------------------------------------------------------------------
    E("unmatched-close-paren", args("y ~ x)"), FormulaError, r"unmatched '\)'"),
    E("double-star", args("y ~ x * * g"), FormulaError, "cannot parse formula"),
    E("unknown-module-function", args("y ~ np.foo(x)"), FormulaError,
      "cannot evaluate formula"),
    E("attribute-of-column", args("y ~ x.foo"), DataError, "'x.foo' is not in the data"),
    E("bar-operator", args("y ~ x | g"), FormulaError, "cannot parse formula"),
    E("string-literal", args("y ~ 'x'"), FormulaError, "String literals"),
    E("unicode-name", args("y ~ x²"), DataError, "did you mean 'x'"),
    E("unknown-function-in-offset", args("y ~ x + offset(foo(pos))"), FormulaError,
      "unknown function 'foo'"),
    # -- warnings with a fit ----------------------------------------------------------------
    F("unused-factor-level-dropped", lazy(formula=lambda: "y ~ g", data=lambda: df(
        g=pd.Categorical(BASE["g"], categories=list("abcz")))), _unused_level),
    W("more-columns-than-rows", lazy(formula=lambda: "y ~ g * x", data=lambda: df().head(4)),
      AliasingWarning, "not defined because of singularities", _saturated),
    W("single-row-poisson", lazy(family=lambda: "poisson", data=lambda: df().head(1)),
      AliasingWarning, "aliased columns: x", _single_row_poisson),
    W("constant-predictor", lazy(data=lambda: df(x=3.0)), AliasingWarning,
      "aliased columns: x", lambda m: same_fit(ref("y ~ 1"))(_Coef(m.coef.dropna(), m.deviance))),
    W("maxit-one", args(family="Gamma", formula="pos ~ x", control={"maxit": 1}),
      ConvergenceWarning, "raise control maxit",
      lambda m: assert_close(m.coef, ref("pos ~ x", family="Gamma").coef,
                                           rtol=0.5)),
    W("cbind-non-integer", lazy(formula=lambda: "cbind(s, f) ~ x", family=lambda: "binomial",
                                data=lambda: df(s=BASE["pos"], f=BASE["y"] + 0.5)),
      GLMWarning, "non-integer counts",
      same_fit(ref("p ~ x", df(p=BASE["pos"] / (BASE["pos"] + BASE["y"] + 0.5)), "binomial",
                   weights=(BASE["pos"] + BASE["y"] + 0.5).to_numpy()))),
    W("all-successes", lazy(formula=lambda: "b ~ x", family=lambda: "binomial",
                            data=lambda: df(b=1)), SeparationWarning,
      r"\(Intercept\) \(\+Inf\)", lambda m: _contains(str(m.summary()), "(Intercept) (+Inf)")),
    W("separated-by-x", lazy(formula=lambda: "b ~ x", family=lambda: "binomial",
                             data=lambda: df(b=(BASE["x"] > 0).astype(int))), SeparationWarning,
      r"x \(\+Inf\)", lambda m: _contains(str(m.summary()), "x (+Inf)")),
    # -- correct fits ---------------------------------------------------------------------
    F("family-class", args(family=gf.families.Poisson), same_fit(ref("y ~ x", family="poisson"))),
    F("control-numpy-numbers", args(control={"maxit": np.int64(25), "epsilon": np.float32(1e-8),
                                             "trace": np.bool_(False)}), same_fit(ref("y ~ x"))),
    F("control-maxit-float", args(control={"maxit": 25.0}), same_fit(ref("y ~ x"))),
    F("data-name-int", args(data_name=5), all_of(
        same_fit(ref("y ~ x")), lambda m: _contains(str(m.summary()), "data = 5"))),
    F("single-row-intercept", lazy(formula=lambda: "y ~ 1", data=lambda: df().head(1)),
      _single_row_intercept),
    F("constant-response", lazy(data=lambda: df(y=2.0)), _constant_response),
    F("all-zero-counts", lazy(family=lambda: "poisson", data=lambda: df(y=0.0)), _zero_counts),
    E("one-level-factor", lazy(formula=lambda: "y ~ g", data=lambda: df(g="a")), DataError,
      "factor 'g' has only one level"),  # R: contrasts need 2 or more levels
    F("unary-plus", args("y ~ x + + g"), same_fit(ref("y ~ x + g"))),
    F("repeated-term", args("y ~ x + x"), same_fit(ref("y ~ x"))),
    F("newlines-in-formula", args("y ~\n\tx +\n g"), same_fit(ref("y ~ x + g"))),
    F("no-columns", args("y ~ 0"), _empty_gaussian),
    F("dot-formula", lazy(formula=lambda: "y ~ .", data=lambda: df()[["y", "x"]]),
      same_fit(ref("y ~ x"))),
    F("nan-weight-binomial", lazy(formula=lambda: "b ~ x", family=lambda: "binomial",
                                  weights=lambda: np.r_[np.nan, np.ones(N - 1)]),
      same_fit(ref("b ~ x", BASE.iloc[1:], "binomial"))),
    F("boolean-weights", lazy(weights=lambda: np.arange(N) % 2 == 0),
      same_fit(ref("y ~ x", BASE.iloc[::2]))),
    F("counts-1e15", lazy(formula=lambda: "y ~ g", family=lambda: "poisson",
                          data=_huge_counts), _group_log_means),
    Case("gamma-response-1e-50", "fit", lazy(
        formula=lambda: "pos ~ x", family=lambda: "Gamma", link=lambda: "log",
        data=lambda: df(pos=BASE["pos"] * 1e-50)),
        check=_scaled_coef(ref("pos ~ x", family="Gamma", link="log"), [1, 1], [np.log(1e-50), 0]),
        bug="the log link's inverse clamps mu at 2.2e-16 (R's pmax(exp(eta), eps)), so means "
            "below it are silently wrong, in R too"),
    Case("weights-1e-100", "fit", lazy(family=lambda: "poisson",
                                       weights=lambda: np.full(N, 1e-100)),
         check=lambda m: assert_close(m.coef, ref("y ~ x", family="poisson").coef,
                                                    rtol=1e-8),
         bug="IRLS's test |dev - devold| / (|dev| + 0.1) < epsilon (R's) passes at once when "
             "the weights make the deviance tiny: one iteration, reported as converged"),
    F("gamma-response-1e-10", lazy(formula=lambda: "pos ~ x", family=lambda: "Gamma",
                                    link=lambda: "log", data=lambda: df(pos=BASE["pos"] * 1e-10)),
      _scaled_coef(ref("pos ~ x", family="Gamma", link="log"), [1, 1], [np.log(1e-10), 0])),
    F("response-1e-140", lazy(data=lambda: df(y=BASE["y"] * 1e-140)),
      _scaled_coef(ref("y ~ x"), [1e-140, 1e-140])),
    F("predictor-1e100", lazy(data=lambda: df(x=BASE["x"] * 1e100)),
      _scaled_coef(ref("y ~ x"), [1, 1e-100])),
    F("weights-1e12", lazy(family=lambda: "poisson", weights=lambda: np.full(N, 1e12)),
      same_fit(ref("y ~ x", family="poisson", weights=np.full(N, 1e12)))),
    F("weights-1e-3", lazy(family=lambda: "poisson", weights=lambda: np.full(N, 1e-3)),
      lambda m: assert_close(m.coef, ref("y ~ x", family="poisson").coef,
                                           rtol=1e-6)),
    F("boolean-predictor", lazy(formula=lambda: "y ~ b", data=lambda: df(b=BASE["b"] == 1)),
      same_fit(ref("y ~ b"))),
    F("nullable-int-with-na", lazy(data=_nullable_with_na),
      same_fit(ref("y ~ x", _nullable_with_na().astype({"x": float}).iloc[1:]))),
    F("mixed-object-predictor", lazy(formula=lambda: "y ~ g",
                                     data=lambda: df(g=[1, "a"] * (N // 2))),
      same_fit(ref("y ~ g", df(g=["1", "a"] * (N // 2))))),
    F("three-level-binomial-response", args("g ~ x", family="binomial"),
      same_fit(ref("z ~ x", _binary_of_level_a(), "binomial"))),
    F("duplicated-index", lazy(data=lambda: df().set_axis([7] * N)), same_fit(ref("y ~ x"))),
    F("dict-of-arrays", lazy(data=lambda: {k: BASE[k].to_numpy().copy() for k in ("y", "x")}),
      same_fit(ref("y ~ x"))),
]


def _contains(text: str, part: str) -> None:
    assert part in text, text


def _equal(a: Any, b: Any) -> bool:
    """Deep equality for the argument types used here (NaN equals NaN)."""
    if isinstance(a, pd.DataFrame | pd.Series):
        return type(a) is type(b) and a.equals(b) and list(a.index) == list(b.index)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(
            a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(
            _equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(
            _equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    if isinstance(a, type):
        return a is b
    return bool(a == b)


def test_table_covers_each_outcome():
    counts = Counter(case.outcome for case in CASES)
    assert len(CASES) >= 40 and set(counts) == {"error", "warning", "fit"}, counts
    assert len({case.id for case in CASES}) == len(CASES)


PARAMS = [pytest.param(c, id=f"{c.outcome}-{c.id}",
                       marks=[pytest.mark.xfail(reason=c.bug, strict=True)] if c.bug else [])
          for c in CASES]


@pytest.mark.parametrize("case", PARAMS)
def test_hostile(case: Case) -> None:
    kwargs = case.call()
    before = {k: copy.deepcopy(v) for k, v in kwargs.items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.outcome == "error":
            assert case.expect is not None
            with pytest.raises(case.expect, match=case.match) as info:
                gf.glm(**kwargs)
            assert isinstance(info.value, GLMError)
            assert isinstance(info.value, ValueError | TypeError)
            model = None
        else:
            model = gf.glm(**kwargs)
    for key, value in kwargs.items():
        assert _equal(value, before[key]), f"glm() modified its argument {key!r}"
    if model is None:
        return
    ours = [w for w in caught if issubclass(w.category, GLMWarning | UserWarning)]
    if case.outcome == "warning":
        assert case.expect is not None
        hits = [w for w in ours if issubclass(w.category, case.expect)
                and pd.Series([str(w.message)]).str.contains(case.match).iloc[0]]
        assert hits, [str(w.message) for w in caught]
    else:
        assert not ours, [str(w.message) for w in ours]
    assert case.check is not None
    case.check(model)
    assert "Coefficients" in str(model.summary())
