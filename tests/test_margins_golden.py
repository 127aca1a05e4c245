"""Predictions, slopes and comparisons against R references with exact derivatives
(tests/golden/margins_golden.json, made by make_golden_margins.R).

R's marginaleffects is not the reference: the R script writes out each design column's
derivative, family$mu.eta and the Jacobian of the delta method by hand, with vcov(m) or
sandwich::vcovHC(m, "HC3"). Estimates and standard errors agree to 1e-8 (1e-6 for
glm.nb, whose theta R iterates).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf
from glmformula.margins import (
    avg_comparisons,
    avg_predictions,
    avg_slopes,
    comparisons,
    predictions,
    slopes,
)

CASES = golden_cases("margins")
IDS = [c["id"] for c in CASES]


def fit(case: dict[str, Any]) -> tuple[gf.GLMResult, pd.DataFrame, pd.DataFrame]:
    """The case's model (robust covariance for the HC3 cases), data and newdata."""
    data = case_frame(case)
    newdata = case_frame({"data": case["newdata"]})
    if case["negbin"]:
        m = gf.glm_nb(case["formula"], data=data)
    else:
        m = gf.glm(case["formula"], data=data,
                   family=gf.get_family(case["family"], link=case["link"]),
                   control={"epsilon": 1e-12, "maxit": 100})
    if case["vcov"] == "HC3":
        m = m.with_cov("HC3")
    return m, data, newdata


def rtol(case: dict[str, Any]) -> float:
    return 1e-6 if case["negbin"] else 1e-8


def check(ours: pd.DataFrame, expected: dict[str, list[float]], case: dict[str, Any],
          what: str) -> float:
    """Compare estimate and std_error; return the largest relative difference."""
    worst = 0.0
    for ours_col, r_col in (("estimate", "estimate"), ("std_error", "std_error")):
        actual = ours[ours_col].to_numpy(dtype=float)
        desired = np.asarray(expected[r_col], dtype=float)
        assert_close(actual, desired, rtol(case), err_msg=f"{case['id']} {what} {ours_col}")
        worst = max(worst, float(np.max(np.abs(actual - desired) / np.abs(desired))))
    return worst


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_predictions(case: dict[str, Any]) -> None:
    m, data, newdata = fit(case)
    r = case["results"]
    check(predictions(m, newdata=newdata), r["predictions"], case, "predictions")
    check(predictions(m, newdata=newdata, type="link"), r["predictions_link"], case,
          "predictions link")
    check(avg_predictions(m), r["avg_predictions"], case, "avg_predictions")
    by = avg_predictions(m, by=case["g"])
    assert [str(v) for v in by[case["g"]]] == r["levels"]
    check(by, r["avg_predictions_by"], case, "avg_predictions by")
    assert_close(predictions(m, by=case["g"])["estimate"], r["avg_predictions_by"]["estimate"],
                 rtol(case))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_slopes(case: dict[str, Any]) -> None:
    m, data, newdata = fit(case)
    r, x = case["results"], case["x"]
    unit = slopes(m, variables=x, newdata=newdata)
    assert set(unit["contrast"]) == {"dY/dX"} and set(unit["term"]) == {x}
    check(unit, r["slopes"], case, "slopes")
    check(slopes(m, variables=x, newdata=newdata, type="link"), r["slopes_link"], case,
          "slopes link")
    check(avg_slopes(m, variables=x), r["avg_slopes"], case, "avg_slopes")
    check(avg_slopes(m, variables=x, by=case["g"]), r["avg_slopes_by"], case, "avg_slopes by")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_comparisons(case: dict[str, Any]) -> None:
    m, data, newdata = fit(case)
    r, g = case["results"], case["g"]
    unit = comparisons(m, variables=g, newdata=newdata)
    assert list(dict.fromkeys(unit["contrast"])) == r["contrasts"]
    check(unit, r["comparisons"], case, "comparisons")
    avg = avg_comparisons(m, variables=g)
    assert avg["contrast"].tolist() == r["contrasts"]
    check(avg, r["avg_comparisons"], case, "avg_comparisons")
    ratio = avg_comparisons(m, variables=g, comparison="ratio")
    assert ratio["contrast"].tolist() == [c.replace(" - ", " / ") for c in r["contrasts"]]
    check(ratio, r["avg_comparisons_ratio"], case, "avg_comparisons ratio")
    check(avg_comparisons(m, variables=g, comparison="ratio", by=g),
          r["avg_comparisons_ratio_by"], case, "avg_comparisons ratio by")
    numeric = avg_comparisons(m, variables=case["x"])
    assert numeric["contrast"].tolist() == ["+1"]
    check(numeric, r["avg_comparisons_x"], case, "avg_comparisons +1")


def test_vcov_argument_equals_with_cov() -> None:
    """vcov="HC3" is m.with_cov("HC3"); a covariance DataFrame is used as given."""
    case = next(c for c in CASES if c["vcov"] == "HC3")
    robust, data, _ = fit(case)
    plain = gf.glm(case["formula"], data=data, family="binomial",
                   control={"epsilon": 1e-12, "maxit": 100})
    expected = case["results"]["avg_slopes"]
    check(avg_slopes(plain, variables="x", vcov="HC3"), expected, case, "vcov='HC3'")
    check(avg_slopes(plain, variables="x", vcov=robust.vcov), expected, case, "vcov=frame")
    check(avg_slopes(plain, variables="x", vcov=robust.vcov.to_numpy()), expected, case,
          "vcov=array")
    model_based = avg_slopes(plain, variables="x")
    assert model_based["std_error"].iloc[0] != pytest.approx(expected["std_error"][0])
