"""ns(), bs(), poly(), log(x, base), exp and sqrt in formulas against R.

Reference values: tests/golden/terms_golden.json, written by
tests/golden/make_golden_terms.R (R's splines::ns/bs, stats::poly, glm and
predict.glm on new data beyond the boundary knots).
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import RTOL, case_frame, fit_case, golden_cases, relative_difference

import glmformula as gf
from glmformula.design import build_design
from glmformula.errors import DataError, FormulaError, GLMWarning
from glmformula.splines import BEYOND_BOUNDARY

CASES = golden_cases("terms")
BY_ID = {case["id"]: case for case in CASES}
SPELLINGS = [(case, key) for case in CASES for key in ("formula", "python_formula")
             if key in case]


@cache
def _model(case_id: str, key: str, safe: bool = False) -> tuple[gf.GLMResult, list[str]]:
    case = BY_ID[case_id]
    if not safe:
        return fit_case(dict(case, formula=case[key]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = gf.glm(case[key], data=case_frame(case),
                       family=gf.get_family(case["family"], link=case["link"]), safe=True)
    return model, [str(w.message) for w in caught]


def _close(name: str, ours: Any, theirs: Any) -> None:
    diff = relative_difference(ours, theirs)
    assert diff <= RTOL, f"{name}: relative difference {diff:.3e} > {RTOL}"


def _ids(pairs: list[tuple[dict[str, Any], str]]) -> list[str]:
    return [f"{case['id']}-{key}" for case, key in pairs]


def test_the_golden_cases_cover_every_term() -> None:
    tags = {tag for case in CASES for tag in case["tags"]}
    assert len(CASES) >= 15
    assert {"ns", "bs", "poly", "raw", "orthogonal", "knots", "boundary_knots", "intercept",
            "degree", "log_base", "exp", "sqrt", "extrapolation", "missing", "interaction"} <= tags
    assert {case["family"] for case in CASES} >= {"gaussian", "poisson", "binomial", "Gamma"}


@pytest.mark.parametrize(("case", "key"), SPELLINGS, ids=_ids(SPELLINGS))
def test_fit_equals_r(case: dict[str, Any], key: str) -> None:
    model, fit_warnings = _model(case["id"], key)
    exp = case["expected"]
    assert list(model.coef.index) == list(exp["coefficients"])  # R's names
    _close("coefficients", model.coef.to_numpy(), list(exp["coefficients"].values()))
    _close("std_errors", model.std_errors.dropna().to_numpy(),
           list(exp["std_errors"].values()))
    _close("deviance", model.deviance, exp["deviance"])
    _close("null_deviance", model.null_deviance, exp["null_deviance"])
    assert model.df_residual == exp["df_residual"] and model.nobs == exp["nobs"]
    if exp["aic"] is not None:
        _close("aic", model.aic, exp["aic"])
    assert fit_warnings == list(case["r_warnings"])


@pytest.mark.parametrize(("case", "key"), SPELLINGS, ids=_ids(SPELLINGS))
def test_predict_on_new_data_equals_r(case: dict[str, Any], key: str) -> None:
    """The knots (poly's coefficients) learnt at the fit, replayed beyond the boundary
    knots as R's predict does, with R's warning for bs() only."""
    model, _ = _model(case["id"], key)
    newdata = case_frame({"data": case["newdata"]})
    exp = case["expected"]["newdata"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        link = model.predict(newdata, type="link", se_fit=True)
        response = model.predict(newdata, type="response")
    _close("link", link["fit"].to_numpy(), exp["link"])
    _close("se_fit", link["se_fit"].to_numpy(), exp["se_fit"])
    _close("response", np.asarray(response), exp["response"])
    ours = sorted({str(w.message) for w in caught if issubclass(w.category, GLMWarning)})
    assert ours == sorted(exp["warnings"])
    assert all(w.filename == __file__ for w in caught if str(w.message) == BEYOND_BOUNDARY)


@pytest.mark.parametrize(("case", "key"), SPELLINGS, ids=_ids(SPELLINGS))
def test_safe_mode_gives_the_same_fit(case: dict[str, Any], key: str) -> None:
    """df=, degree=, knots=c(...), Boundary.knots=, intercept=TRUE, raw=TRUE/True and base=
    are allowed in safe mode."""
    model, _ = _model(case["id"], key, safe=True)
    _close("coefficients", model.coef.to_numpy(),
           list(case["expected"]["coefficients"].values()))


def test_knots_are_learnt_on_every_row_before_missing_ones_are_dropped() -> None:
    """R's model.frame evaluates ns(Temp) on all 153 rows of airquality, then drops the
    rows whose Ozone is missing: the knots are quantiles of all Temp values."""
    case = BY_ID["ns_bs_airquality_na"]
    model, _ = _model(case["id"], "formula")
    frame = case_frame(case)
    state = model.design.model_spec["rhs"].transform_state["ns(Temp, df=3)"]
    assert "ns(Temp, knots = c(`33.33333%` = 75, `66.66667%` = 82)" in \
        case["expected"]["predvars"]
    assert state["knots"] == [75.0, 82.0] == list(np.quantile(frame["Temp"], [1 / 3, 2 / 3]))
    complete = frame["Temp"][frame["Ozone"].notna()]
    assert list(np.quantile(complete, [1 / 3, 2 / 3])) != state["knots"]


def test_column_names_as_r_for_every_spelling() -> None:
    cars = gf.datasets.load("cars")
    names = {
        "dist ~ poly(speed, 2, raw=TRUE)": ["poly(speed, 2, raw = TRUE)1",
                                             "poly(speed, 2, raw = TRUE)2"],
        "dist ~ poly(speed, 2, raw=True)": ["poly(speed, 2, raw = TRUE)1",
                                             "poly(speed, 2, raw = TRUE)2"],
        "dist ~ poly(speed, degree=2)": ["poly(speed, degree = 2)1", "poly(speed, degree = 2)2"],
        "dist ~ log(speed,2)": ["log(speed, 2)"],
        "dist ~ log(speed, base=10)": ["log(speed, base = 10)"],
        "dist ~ ns(speed, df=2)": ["ns(speed, df = 2)1", "ns(speed, df = 2)2"],
        "dist ~ bs(speed, knots=c(10,15), Boundary.knots=c(0, 30))": [
            f"bs(speed, knots = c(10, 15), Boundary.knots = c(0, 30)){j}" for j in range(1, 6)],
        "dist ~ bs(speed, knots=[10, 15])": [f"bs(speed, knots = c(10, 15)){j}"
                                             for j in range(1, 6)],
        "dist ~ exp(speed/10) + sqrt(speed)": ["exp(speed/10)", "sqrt(speed)"],
    }
    for formula, expected in names.items():
        assert list(gf.glm(formula, data=cars).coef.index)[1:] == expected, formula


def test_large_data_falls_back_from_the_structured_path() -> None:
    """Terms computed from columns are not plain columns: 25,000 rows (the structured
    path's size) give the general path's model matrix, knots as R's."""
    rng = np.random.default_rng(7)
    n = 25_000
    frame = pd.DataFrame({"x": rng.uniform(0, 10, n), "z": rng.uniform(1, 5, n),
                          "g": rng.choice(list("abc"), n)})
    frame["y"] = rng.poisson(np.exp(0.5 + np.sin(frame["x"] / 3)))
    formula = "y ~ ns(x, df = 3) + g + poly(z, 2) + log(z, 2)"
    big = build_design(formula, frame)
    plain = build_design(formula, frame, structured=False)
    assert big.column_names == plain.column_names
    assert big.column_names[1:4] == ["ns(x, df = 3)1", "ns(x, df = 3)2", "ns(x, df = 3)3"]
    assert np.array_equal(np.asarray(big.X), np.asarray(plain.X))
    knots = big.model_spec["rhs"].transform_state["ns(x, df=3)"]["knots"]
    assert np.allclose(knots, np.quantile(frame["x"], [1 / 3, 2 / 3]), rtol=1e-14)
    model = gf.glm(formula, data=frame, family="poisson")
    assert list(model.coef.index) == big.column_names


def test_fit_does_not_change_the_callers_data() -> None:
    cars = gf.datasets.load("cars")
    before = cars.copy()
    gf.glm("dist ~ ns(speed, df = 3) + log(speed, 2)", data=cars)
    pd.testing.assert_frame_equal(cars, before)


@pytest.mark.parametrize(("formula", "error", "match"), [
    ("dist ~ ns(g, df=3)", DataError, "ns\\(\\) needs a numeric variable"),
    ("dist ~ bs(speed, degree=0)", FormulaError, "degree must be a whole number >= 1"),
    ("dist ~ bs(speed, df=2.5)", FormulaError, "df must be a whole number"),
    ("dist ~ ns(speed, knots=c(10, 'a'))", FormulaError, "knots must be numbers"),
    ("dist ~ ns(speed, Boundary.knots=c(1, 2, 3))", FormulaError,
     "Boundary.knots must be two numbers"),
    ("dist ~ poly(speed, 30)", DataError, "'degree' must be less than number of unique points"),
    ("dist ~ poly(speed, speed, 2)", FormulaError, "several variables"),
    ("dist ~ ns(one, df=3)", DataError, "at least two distinct values"),
    ("dist ~ ns(inf, df=3)", DataError, "needs finite values"),
])
def test_bad_arguments_are_clear_errors(formula: str, error: type, match: str) -> None:
    cars = gf.datasets.load("cars").assign(g=lambda d: np.where(d.speed > 10, "a", "b"),
                                            one=1.0, inf=lambda d: d.speed.replace(4, np.inf))
    with pytest.raises(error, match=match):
        gf.glm(formula, data=cars)


def test_df_too_small_warns_as_r() -> None:
    cars = gf.datasets.load("cars")
    with pytest.warns(GLMWarning, match="'df' was too small; have used 3"):
        model = gf.glm("dist ~ bs(speed, df = 2)", data=cars)
    assert len(model.coef) == 4


def test_missing_values_stay_missing_and_their_rows_are_dropped() -> None:
    cars = gf.datasets.load("cars").astype({"speed": float})
    cars.loc[[3, 20], "speed"] = np.nan
    for term in ("ns(speed, df = 3)", "bs(speed, df = 4)", "poly(speed, 2)",
                 "poly(speed, 2, raw = TRUE)"):
        model = gf.glm(f"dist ~ {term}", data=cars)
        assert model.nobs == 48 and model.design.n_dropped == 2
        complete = gf.glm(f"dist ~ {term}", data=cars.dropna())
        assert np.allclose(model.coef.to_numpy(), complete.coef.to_numpy(), rtol=1e-10)
    predicted = np.asarray(model.predict(pd.DataFrame({"speed": [np.nan, 5.0]})))
    assert np.isnan(predicted[0]) and np.isfinite(predicted[1])  # R's na.pass in predict


def test_ns_extrapolates_linearly_and_bs_warns_each_prediction() -> None:
    cars = gf.datasets.load("cars")
    model = gf.glm("dist ~ ns(speed, df = 3)", data=cars)
    beyond = pd.DataFrame({"speed": [26.0, 28.0, 30.0, 32.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eta = np.asarray(model.predict(beyond))
    assert np.allclose(np.diff(eta, 2), 0, atol=1e-9)  # a straight line beyond 25
    cubic = gf.glm("dist ~ bs(speed, df = 4)", data=cars)
    for _ in range(2):
        with pytest.warns(GLMWarning, match="beyond boundary knots"):
            cubic.predict(beyond)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cubic.predict(pd.DataFrame({"speed": [4.0, 25.0]}))  # the boundary knots themselves
