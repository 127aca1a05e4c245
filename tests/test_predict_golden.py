"""predict() against R's predict.glm: fit and se.fit on both scales, with and without newdata.

Reference values: tests/golden/predict_golden.json, written by
tests/golden/make_golden_predict.R.
"""

from __future__ import annotations

import math
import warnings
from functools import cache

import pandas as pd
import pytest
from compare import RTOL, assert_close, case_frame, fit_case, golden_cases, relative_difference

# R warns on predictions from rank-deficient fits and so do we; that warning is
# checked in test_rank_deficient_prediction_warns_as_r, not in the value tests.
pytestmark = pytest.mark.filterwarnings("ignore:prediction from a rank-deficient fit")

CASES = golden_cases("predict")
BY_ID = {case["id"]: case for case in CASES}
TYPES = ("link", "response")

@cache
def _model(case_id: str):
    model, _ = fit_case(BY_ID[case_id])
    return model


def _newdata(case: dict) -> pd.DataFrame:
    return case_frame({"data": case["newdata"]})


def _params(cases=CASES):
    for case in cases:
        for kind in TYPES:
            yield pytest.param(case, kind, id=f"{case['id']}-{kind}")


def _close(name: str, ours, theirs) -> None:
    diff = relative_difference(ours, theirs)
    assert diff <= RTOL, f"{name}: relative difference {diff:.3e} > {RTOL}"


def test_there_are_at_least_ten_cases():
    assert len(CASES) >= 10
    families = {case["family"] for case in CASES}
    assert {"gaussian", "binomial", "poisson", "Gamma", "inverse.gaussian",
            "quasipoisson"} <= families


@pytest.mark.parametrize(("case", "kind"), list(_params()))
def test_predict_newdata_equals_r(case, kind):
    newdata = _newdata(case)
    pred = _model(case["id"]).predict(newdata, type=kind, se_fit=True)
    expected = case["expected"]["newdata"][kind]
    assert isinstance(pred, pd.DataFrame)
    assert list(pred.columns) == ["fit", "se_fit"]
    assert pred.index.equals(newdata.index)
    _close("fit", pred["fit"].to_numpy(), expected["fit"])
    _close("se_fit", pred["se_fit"].to_numpy(), expected["se_fit"])


@pytest.mark.parametrize(("case", "kind"),
                         list(_params([c for c in CASES if c["newdata"]["factors"]])))
def test_predict_newdata_factors_as_strings(case, kind):
    """The same newdata with plain string columns instead of categoricals."""
    newdata = _newdata(case)
    for name in case["newdata"]["factors"]:
        newdata[name] = newdata[name].astype(str).astype(object)
    pred = _model(case["id"]).predict(newdata, type=kind, se_fit=True)
    expected = case["expected"]["newdata"][kind]
    _close("fit", pred["fit"].to_numpy(), expected["fit"])
    _close("se_fit", pred["se_fit"].to_numpy(), expected["se_fit"])


@pytest.mark.parametrize(("case", "kind"), list(_params()))
def test_predict_fitted_rows_equals_r(case, kind):
    pred = _model(case["id"]).predict(type=kind, se_fit=True)
    expected = case["expected"]["fitted"]
    assert isinstance(pred, pd.DataFrame)
    # R names the rows by data row number (1-based); case_frame has a 0-based RangeIndex
    assert list(pred.index) == [r - 1 for r in expected["row_names"]]
    _close("fit", pred["fit"].to_numpy(), expected[kind]["fit"])
    _close("se_fit", pred["se_fit"].to_numpy(), expected[kind]["se_fit"])


@pytest.mark.parametrize(("case", "kind"), list(_params()))
@pytest.mark.parametrize("where", ["newdata", "fitted"])
def test_predict_without_se_is_the_fit(case, kind, where):
    model = _model(case["id"])
    newdata = _newdata(case) if where == "newdata" else None
    plain = model.predict(newdata, type=kind)
    with_se = model.predict(newdata, type=kind, se_fit=True)
    assert isinstance(plain, pd.Series)
    assert plain.index.equals(with_se.index)
    assert relative_difference(plain.to_numpy(), with_se["fit"].to_numpy()) <= 1e-12
    _close("fit", plain.to_numpy(), case["expected"][where][f"{kind}_nose"])


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_residual_scale_equals_r(case):
    """predict.glm's residual.scale is sqrt(dispersion), the factor in every se.fit."""
    model = _model(case["id"])
    _close("residual_scale", math.sqrt(model.dispersion), case["expected"]["residual_scale"])


def _rank_deficient_params():
    for case in CASES:
        if case["expected"]["newdata"]["warnings"]:
            yield pytest.param(case, id=case["id"])


@pytest.mark.parametrize("case", list(_rank_deficient_params()))
def test_rank_deficient_prediction_warns_as_r(case):
    assert case["expected"]["rank"] < len(case["expected"]["coefficients"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _model(case["id"]).predict(_newdata(case), type="link", se_fit=True)
    ours = " | ".join(str(w.message) for w in caught)
    assert "rank-deficient" in ours, f"R warned {case['expected']['newdata']['warnings']}"


def test_offset_argument_and_formula_offset_predict_alike():
    """offset= log_service (read from newdata, as R) and offset(log(service)) agree."""
    by_arg = BY_ID["poisson_log_ships_offset_arg"]
    by_formula = BY_ID["poisson_log_ships_offset_formula"]
    a = _model(by_arg["id"]).predict(_newdata(by_arg), type="response", se_fit=True)
    b = _model(by_formula["id"]).predict(_newdata(by_formula), type="response", se_fit=True)
    assert_close(a.to_numpy(), b.to_numpy(), rtol=1e-10)
