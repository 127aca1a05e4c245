"""tidy(), glance() and augment() against broom 1.0.3.

Reference values: tests/golden/tidy_golden.json, written by
tests/golden/make_golden_tidy.R.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from compare import RTOL, case_frame, fit_case, golden_cases, relative_difference

import glmformula as gf
from glmformula.errors import ArgumentTypeError

CASES = golden_cases("tidy")
IDS = [c["id"] for c in CASES]
PROFILE_RTOL = 1e-5  # profile intervals are found by interpolation, as in MASS


def _fit(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, _ = fit_case(case)
    return model


def _values(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _check_frame(actual, expected, rtol=RTOL):
    assert list(actual.columns) == list(expected)
    for name, values in expected.items():
        if name == "term":
            assert list(actual[name]) == values
            continue
        got = actual[name].to_numpy(dtype=float)
        want = _values(values)
        assert np.array_equal(np.isnan(got), np.isnan(want)), name
        ok = ~np.isnan(want)
        tol = PROFILE_RTOL if name.startswith("conf.") else rtol
        diff = relative_difference(got[ok], want[ok]) if ok.any() else 0.0
        assert diff <= tol, f"{name}: relative difference {diff:.3e}"


def test_case_count():
    assert len(CASES) == 5


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_tidy_equals_broom(case):
    m = _fit(case)
    exp = case["expected"]
    _check_frame(m.tidy(), exp["tidy"])
    _check_frame(m.tidy(conf_int=True), exp["tidy_ci95"])
    _check_frame(m.tidy(conf_int=True, conf_level=0.9), exp["tidy_ci90"])
    _check_frame(m.tidy(conf_int=True, exponentiate=True), exp["tidy_exp"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_glance_equals_broom(case):
    g = _fit(case).glance()
    expected = case["expected"]["glance"]
    assert list(g.columns) == list(expected)
    assert g.shape == (1, 8)
    for name, value in expected.items():
        got = float(g[name].iloc[0])
        if name in ("df.null", "df.residual", "nobs"):
            assert got == value, name
        else:
            assert relative_difference(np.array([got]), [value]) <= RTOL, name


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("pred", ["link", "response"])
@pytest.mark.parametrize("res", ["deviance", "pearson"])
def test_augment_equals_broom(case, pred, res):
    m = _fit(case)
    data = case_frame(case)
    aug = m.augment(data=data, type_predict=pred, type_residuals=res)
    _check_frame(aug.filter(like="."), case["expected"][f"augment_{pred}_{res}"])
    assert list(aug.columns)[: len(data.columns)] == list(data.columns)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_augment_newdata_equals_broom(case):
    m = _fit(case)
    new = case_frame(case).head(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = m.augment(newdata=new)
        with_se = m.augment(newdata=new, se_fit=True)
    assert list(plain.columns) == case["expected"]["augment_new_plain"]
    _check_frame(with_se[[".fitted", ".se.fit"]], case["expected"]["augment_new"])


def test_augment_names_as_broom_with_data():
    case = CASES[0]
    aug = _fit(case).augment(data=case_frame(case))
    assert list(aug.columns) == case["expected"]["augment_names"]


def test_tidy_matches_summary_and_confint():
    m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
               family="poisson")
    t = m.tidy(conf_int=True, conf_level=0.9)
    table = m.summary().coefficients
    assert np.allclose(t["estimate"], table["Estimate"])
    assert np.allclose(t["p.value"], table["Pr(>|z|)"])
    assert np.allclose(t[["conf.low", "conf.high"]], m.confint(level=0.9))
    infl = m.influence()
    aug = m.augment()
    assert list(aug.columns)[0] == "breaks"
    assert np.allclose(aug[".hat"], infl["hat"])
    assert np.allclose(aug[".cooksd"], infl["cooks_d"])


def test_zero_weight_rows_get_nan_diagnostics():
    wb = gf.datasets.load("warpbreaks").assign(w=1.0)
    wb.loc[[1, 5], "w"] = 0.0
    m = gf.glm("breaks ~ wool", data=wb, family="poisson", weights="w")
    aug = m.augment(data=wb)
    assert aug[".hat"].isna().sum() == 2
    assert np.isnan(aug.loc[1, ".cooksd"]) and np.isfinite(aug.loc[0, ".cooksd"])


def test_bad_arguments():
    m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
    with pytest.raises(ArgumentTypeError):
        m.augment(type_residuals="response")
    with pytest.raises(ArgumentTypeError):
        m.augment(type_predict="terms")
    with pytest.raises(ArgumentTypeError):
        m.augment(data=[1, 2])
