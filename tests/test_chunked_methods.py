"""Every public member of a fitted model, on a fit from a Dask DataFrame of 3 partitions:
the in-memory fit's numbers, or a DataError that says the rows are not in memory.

A chunked fit keeps no per-row arrays; before, the members inherited from
GLMResult ran on empty placeholders (zero rows, wrong nobs, an equation without
its offset, glm_nb's ZeroDivisionError, step's "model 0").
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.errors import DataError
from glmformula.negbin import NegBinResult

dd = pytest.importorskip("dask.dataframe")

RTOL = 1e-9
RESIDUALS = ("deviance", "pearson", "working", "response")


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(20261130)
    n = 600
    df = pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(["u", "v", "w"], size=n),
                       "t": rng.uniform(1.0, 3.0, size=n), "wt": rng.integers(1, 4, size=n)})
    eta = 0.3 + 0.4 * df.x - 0.3 * (df.g == "v")
    df["count"] = rng.negative_binomial(3, 3 / (3 + np.exp(eta + np.log(df.t))))
    df["s"] = rng.binomial(6, 1 / (1 + np.exp(-eta)))
    df["f"] = 6 - df["s"]
    df["yes"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    df["cost"] = rng.gamma(2.0, np.exp(eta) / 2.0)
    df.loc[[4, 77, 400], "x"] = np.nan
    df.loc[[9], "g"] = None
    return df


FRAME = _frame()
NEW = FRAME.dropna().iloc[::40]
MODELS: dict[str, Callable[[Any], gf.GLMResult]] = {
    "poisson_offset": lambda d: gf.glm("count ~ x + g + offset(log(t))", data=d,
                                       family="poisson", data_name="d"),
    "binomial_cbind": lambda d: gf.glm("cbind(s, f) ~ x * g", data=d, family="binomial",
                                       weights="wt", data_name="d"),
    "bernoulli": lambda d: gf.glm("yes ~ x + g", data=d, family="binomial", data_name="d"),
    "gamma": lambda d: gf.glm("cost ~ x + g", data=d, family='Gamma(link = "log")',
                              data_name="d"),
    "negbin": lambda d: gf.glm_nb("count ~ x + g + offset(log(t))", data=d, data_name="d"),
}
_FITS: dict[tuple[str, bool], gf.GLMResult] = {}


def _fit(name: str, chunked: bool) -> gf.GLMResult:
    if (name, chunked) not in _FITS:
        data = dd.from_pandas(FRAME, npartitions=3) if chunked else FRAME
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _FITS[name, chunked] = MODELS[name](data)
    return _FITS[name, chunked]


def _computed(value: Any) -> Any:
    return value.compute() if hasattr(value, "compute") else value


def _summary(m: gf.GLMResult) -> list[Any]:
    """The summary in every format, its data, and its plain-language notes."""
    s = m.summary()
    full = m.summary(correlation=True, digits=3)
    return [str(s), s.to_markdown(), s.to_html(), s.to_latex(), s._repr_html_(),
            s.coefficients, m.summary(explain=True).explanations, str(full), full.to_html()]


def _anova(m: gf.GLMResult) -> list[Any]:
    """Sequential (and its formats), Type II and III tables."""
    table = gf.anova(m, test="Chisq")
    return [table.data, str(table), table.to_markdown(), table.to_html(), table.to_latex(),
            gf.anova(m, type=2).data, gf.anova(m, type=3, test="F").data]


def _predict(m: gf.GLMResult) -> list[Any]:
    """Fitted rows and newdata, both scales, standard errors and confidence intervals."""
    return [_computed(m.predict()), _computed(m.predict(type="response", se_fit=True)),
            _computed(m.predict(type="response", interval="confidence")),
            m.predict(NEW, type="response", se_fit=True),
            m.predict(NEW, type="link", interval="confidence", level=0.9, se_fit=True),
            _computed(m.predict(NEW if m.rows.in_memory else dd.from_pandas(NEW, npartitions=2),
                                type="response", interval="confidence"))]


#: members whose value on a chunked fit is the in-memory fit's
EQUAL: dict[str, Callable[[gf.GLMResult], Any]] = {
    name: (lambda attr: lambda m: getattr(m, attr))(name) for name in (
        "aic", "aliased", "bic", "coef", "column_names", "converged", "cov_override",
        "cov_type", "deviance", "df_loglik", "df_null", "df_residual", "dispersion",
        "dispersion_estimated", "infinite_estimates", "iterations", "loglik", "n_rows", "nobs",
        "null_deviance", "pearson_chi2", "rank", "std_errors", "step_path", "vcov", "call",
        "control", "theta", "theta_se", "twologlik", "theta_warning")
}
EQUAL.update({
    "fitted": lambda m: _computed(m.fitted),
    "linear_predictor": lambda m: _computed(m.linear_predictor),
    "prior_weights": lambda m: _computed(m.prior_weights),
    "y": lambda m: _computed(m.y),
    "residuals": lambda m: [_computed(m.residuals(kind)) for kind in RESIDUALS],
    "predict": _predict,
    "anova": _anova,
    "confint": lambda m: m.confint(level=0.9, method="wald"),
    "column_refitter": lambda m: m.column_refitter()([0, 1]).deviance,
    "summary": _summary,
    "equation": lambda m: str(m.equation()),
    "tidy": lambda m: m.tidy(exponentiate=True),
    "glance": lambda m: m.glance(),
    "augment": lambda m: m.augment(newdata=NEW, type_predict="response", se_fit=True),
    "family": lambda m: (m.family.label, m.family.link.name),
    "working_weights": lambda m: _computed(m.working_weights),
    "rows": lambda m: [m.rows.nobs, m.rows.n_rows, m.rows.pearson(),
                       _computed(m.rows.series("working_weights"))],
    "check_usable_in": lambda m: m.check_usable_in("anova()"),
    "pvalues": lambda m: m.pvalues,
    "formula": lambda m: m.formula,
    "data": lambda m: list(m.data.columns),  # the caller's object: a Dask or pandas frame
    "call_args": lambda m: sorted(m.call_args),
    "update": lambda m: m.update(". ~ . - g").coef,
})
#: members that need the rows in memory: refused on a chunked fit with a DataError
REFUSED: dict[str, Callable[[gf.GLMResult], Any]] = {
    "model_matrix": lambda m: m.model_matrix(),
    "refit": lambda m: m.refit(np.ones((m.n_rows, 1))),
    "influence": lambda m: m.influence(),
    "plot": lambda m: m.plot(),
    "with_cov": lambda m: m.with_cov("HC0"),
    "design": lambda m: np.asarray(m.design.X).sum() + m.design.row_index[0],
    "response": lambda m: float(np.sum(m.response.y)),
    "fit": lambda m: float(m.fit.mu.mean()),
    "offset": lambda m: m.offset + 1.0,
}
#: further calls of members listed above: refused too
REFUSED_CALLS: dict[str, Callable[[gf.GLMResult], Any]] = {
    "confint(profile)": lambda m: m.confint(),
    "tidy(conf_int)": lambda m: m.tidy(conf_int=True),
    "augment()": lambda m: m.augment(),
    "check_usable_in(step)": lambda m: m.check_usable_in("step()"),
    "with_cov(HC3)": lambda m: m.with_cov("HC3"),
    "with_cov(cluster)": lambda m: m.with_cov("cluster", groups=np.arange(m.n_rows) % 7),
    "anova(Rao)": lambda m: gf.anova(m, test="Rao"),
    "predict(terms)": lambda m: m.predict(NEW, type="terms"),
    "residuals(partial)": lambda m: m.residuals("partial"),
}


def _members(cls: type) -> set[str]:
    public = {n for n in dir(cls) if not n.startswith("_")}
    return public | {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]


#: names in EQUAL that are functions of a model rather than members
FUNCTIONS = {"anova"}


def test_every_public_member_is_checked():
    assert _members(NegBinResult) == (set(EQUAL) - FUNCTIONS) | set(REFUSED)


def test_one_result_type_without_overrides():
    """A chunked fit is a GLMResult (a NegBinResult for glm_nb) like an in-memory fit: the
    rows provider, not a subclass, differs."""
    for name in MODELS:
        assert type(_fit(name, True)) is type(_fit(name, False))


def _same(got: Any, expected: Any, what: str) -> None:
    if isinstance(expected, (list, tuple)):
        assert len(got) == len(expected), what
        for a, b in zip(got, expected, strict=True):
            _same(a, b, what)
    elif isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected, rtol=RTOL, obj=what)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(got, expected, rtol=RTOL, obj=what)
    elif isinstance(expected, (float, np.floating)):
        assert math.isclose(got, expected, rel_tol=RTOL, abs_tol=1e-12) or (
            math.isnan(got) and math.isnan(expected)), (what, got, expected)
    else:
        assert got == expected, (what, got, expected)


def _available(name: str, member: str) -> bool:
    return member not in ("theta", "theta_se", "twologlik", "theta_warning") or (
        name == "negbin")


@pytest.mark.parametrize("member", sorted(EQUAL))
@pytest.mark.parametrize("name", sorted(MODELS))
def test_chunked_member_equals_in_memory(name: str, member: str):
    if not _available(name, member):
        pytest.skip("a glm_nb member")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = EQUAL[member](_fit(name, False))
        got = EQUAL[member](_fit(name, True))
    _same(got, expected, f"{name}.{member}")


@pytest.mark.parametrize("member", sorted(REFUSED) + sorted(REFUSED_CALLS))
@pytest.mark.parametrize("name", ["poisson_offset", "negbin"])
def test_chunked_member_refused_when_it_needs_the_rows(name: str, member: str):
    call = REFUSED.get(member) or REFUSED_CALLS[member]
    if member == "check_usable_in(step)":
        _fit(name, False).check_usable_in("step()")
    elif member != "plot":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(_fit(name, False))  # in memory it works
    with pytest.raises(DataError, match=r"chunked \(Dask\) data"):
        call(_fit(name, True))


@pytest.mark.parametrize("function", [
    lambda m: gf.drop1(m), lambda m: gf.add1(m, "~ . + t"), lambda m: gf.step(m, trace=False),
    lambda m: gf.dropterm(m), lambda m: gf.addterm(m, "~ . + t"),
    lambda m: gf.plot_predictions(m, "x"),
], ids=["drop1", "add1", "step", "dropterm", "addterm", "plot_predictions"])
@pytest.mark.parametrize("name", ["poisson_offset", "negbin"])
def test_selection_on_a_chunked_fit_is_one_clear_error(name: str, function: Callable):
    with pytest.raises(DataError, match=r"refits models on data in memory .* chunked \(Dask\) "
                                        r"data; fit the data in memory for this: "
                                        r"gf\.glm\(formula, data=ddf\.compute\(\)\)"):
        function(_fit(name, True))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_anova_of_a_chunked_fit_equals_in_memory(name: str):
    m0, m1 = _fit(name, False), _fit(name, True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = [(lambda m: gf.anova(m, test="Chisq")), (lambda m: gf.anova(m, type=2)),
                  (lambda m: gf.anova(m, type=3, test="F"))]
        for table in tables:
            pd.testing.assert_frame_equal(table(m1).data, table(m0).data, rtol=RTOL)
    with pytest.raises(DataError, match="model matrix"):
        gf.anova(m1, test="Rao")


@pytest.mark.parametrize("test", ["Chisq", "F", "Cp"])
def test_nested_anova_of_two_chunked_fits_equals_in_memory(test: str):
    fits = {}
    complete = FRAME.dropna()
    for chunked in (False, True):
        data = dd.from_pandas(complete, npartitions=3) if chunked else complete
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits[chunked] = [gf.glm(f, data=data, family='Gamma(link = "log")', data_name="d")
                             for f in ("cost ~ x", "cost ~ x + g", "cost ~ x * g")]
    tables = {chunked: gf.anova(*models, test=test) for chunked, models in fits.items()}
    pd.testing.assert_frame_equal(tables[True].data, tables[False].data, rtol=RTOL)
    assert str(tables[True]) == str(tables[False])


def test_glm_nb_on_dask_equals_in_memory_and_two_fits_compare():
    """Before: ZeroDivisionError (theta from empty arrays)."""
    small = {chunked: gf.glm_nb("count ~ x + offset(log(t))",
                                data=(dd.from_pandas(FRAME, npartitions=3) if chunked
                                      else FRAME), data_name="d")
             for chunked in (False, True)}
    big0, big1 = _fit("negbin", False), _fit("negbin", True)
    assert isinstance(big1, NegBinResult)
    assert_close([big1.theta, big1.theta_se, big1.twologlik],
                               [big0.theta, big0.theta_se, big0.twologlik], rtol=RTOL)
    pd.testing.assert_frame_equal(gf.anova(small[True], big1).data,
                                  gf.anova(small[False], big0).data, rtol=RTOL)
    pd.testing.assert_frame_equal(gf.anova(small[True], big1, test="Chisq").data,
                                  gf.anova(small[False], big0, test="Chisq").data, rtol=RTOL)


def test_glm_nb_on_parquet_files_and_init_theta(tmp_path):
    for i, part in enumerate((FRAME.iloc[:200], FRAME.iloc[200:450], FRAME.iloc[450:])):
        part.to_parquet(tmp_path / f"p{i}.parquet")
    for extra in ({}, {"init_theta": 2.0}, {"link": "sqrt"}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m0 = gf.glm_nb("count ~ x + g", data=FRAME, data_name="d", **extra)
            m1 = gf.glm_nb("count ~ x + g", data=str(tmp_path / "*.parquet"), data_name="d",
                           **extra)
        assert_close(m1.coef, m0.coef, rtol=RTOL)
        np.testing.assert_allclose(
            [m1.theta, m1.theta_se, m1.twologlik, m1.aic, m1.deviance, m1.null_deviance],
            [m0.theta, m0.theta_se, m0.twologlik, m0.aic, m0.deviance, m0.null_deviance],
            rtol=RTOL)
        assert m1.call == m0.call and m1.iterations == m0.iterations


@pytest.mark.parametrize("name", sorted(MODELS))
def test_repr_is_rs_print_glm(name: str):
    """Before: a chunked fit (and a glm_nb fit) printed every dataclass field; R's print.glm
    on both paths (the HTML too)."""
    text = repr(_fit(name, True))
    assert text == repr(_fit(name, False)) and text.startswith("\nCall:  glm")
    assert _fit(name, True)._repr_html_() == _fit(name, False)._repr_html_()
