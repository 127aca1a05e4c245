"""predict(interval="confidence") against bounds derived from R's predict.glm(se.fit=TRUE).

tests/golden/predict_golden.json holds R's link-scale fit and se.fit; the expected
bounds are fit -/+ qnorm((1 + level) / 2) * se.fit, mapped by the inverse link for
type="response".
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from compare import case_frame, fit_case, golden_cases, relative_difference
from scipy import stats

import glmformula as gf

CASES = golden_cases("predict")
BY_ID = {case["id"]: case for case in CASES}
RTOL = 1e-8
pytestmark = pytest.mark.filterwarnings("ignore:prediction from a rank-deficient fit")


@cache
def _model(case_id: str):
    model, _ = fit_case(BY_ID[case_id])
    return model


def _expected(model, link: dict, kind: str, level: float):
    z = stats.norm.ppf((1 + level) / 2)
    fit = np.asarray(link["fit"], dtype=float)
    se = np.asarray(link["se_fit"], dtype=float)
    lo, hi = fit - z * se, fit + z * se
    if kind == "response":
        lo, hi = model.family.linkinv(lo), model.family.linkinv(hi)
        lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    return lo, hi


def _params():
    for case in CASES:
        for kind in ("link", "response"):
            for where in ("newdata", "fitted"):
                yield pytest.param(case, kind, where, id=f"{case['id']}-{kind}-{where}")


@pytest.mark.parametrize(("case", "kind", "where"), list(_params()))
@pytest.mark.parametrize("level", [0.95, 0.8])
def test_confidence_bounds_equal_r(case, kind, where, level):
    model = _model(case["id"])
    newdata = case_frame({"data": case["newdata"]}) if where == "newdata" else None
    pred = model.predict(newdata, type=kind, interval="confidence", level=level)
    assert list(pred.columns) == ["fit", "lwr", "upr"]
    expected = case["expected"][where]
    lo, hi = _expected(model, expected["link"], kind, level)
    assert relative_difference(pred["fit"].to_numpy(), expected[kind]["fit"]) <= RTOL
    assert relative_difference(pred["lwr"].to_numpy(), lo) <= RTOL
    assert relative_difference(pred["upr"].to_numpy(), hi) <= RTOL
    assert np.all(pred["lwr"] <= pred["fit"]) and np.all(pred["fit"] <= pred["upr"])


def test_interval_with_se_fit_adds_the_column():
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
    pred = m.predict(wb.head(3), type="response", se_fit=True, interval="confidence")
    assert list(pred.columns) == ["fit", "lwr", "upr", "se_fit"]
    plain = m.predict(wb.head(3), type="response", se_fit=True)
    assert np.allclose(pred["se_fit"], plain["se_fit"], rtol=1e-14)


def test_default_signature_unchanged():
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool", data=wb, family="poisson")
    assert isinstance(m.predict(), pd.Series)
    assert list(m.predict(se_fit=True).columns) == ["fit", "se_fit"]
    assert isinstance(m.predict(interval=None), pd.Series)


def test_bad_interval_or_level_is_refused():
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool", data=wb, family="poisson")
    with pytest.raises(gf.ArgumentTypeError, match="interval"):
        m.predict(interval="prediction")
    with pytest.raises(gf.ArgumentTypeError, match="level"):
        m.predict(interval="confidence", level=95)


def largest_difference() -> float:
    worst = 0.0
    for case in CASES:
        model = _model(case["id"])
        for where in ("newdata", "fitted"):
            newdata = case_frame({"data": case["newdata"]}) if where == "newdata" else None
            for kind in ("link", "response"):
                pred = model.predict(newdata, type=kind, interval="confidence")
                lo, hi = _expected(model, case["expected"][where]["link"], kind, 0.95)
                worst = max(worst, relative_difference(pred["lwr"].to_numpy(), lo),
                            relative_difference(pred["upr"].to_numpy(), hi))
    return worst


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    print(f"{len(CASES)} cases, largest relative difference {largest_difference():.3g}")
