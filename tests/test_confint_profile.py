"""confint(method="profile") against R's confint.glm (MASS:::confint.glm in R 4.2).

Reference values: tests/golden/profile_golden.json, written by
tests/golden/make_golden_profile.R.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from compare import fit_case, golden_cases, relative_difference

from glmformula.profile import _approx, percent_names, spline_fmm

CASES = golden_cases("profile")
PAIRS = [(case, key) for case in CASES for key in case["expected"]["confint"]]
RTOL = 1e-6


def test_golden_case_count():
    assert len(CASES) >= 8
    assert len(PAIRS) >= 12


def _nan(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


@pytest.mark.parametrize(("case", "key"), PAIRS, ids=[f"{c['id']}-{k}" for c, k in PAIRS])
def test_profile_confint_equals_r(case, key):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, _ = fit_case(case)
        expected = case["expected"]["confint"][key]
        ci = model.confint(level=expected["level"], method="profile")
    assert list(ci.columns) == expected["names"]
    assert list(ci.index) == list(case["expected"]["coefficients"])
    for col, values in zip(ci.columns, (expected["lower"], expected["upper"]), strict=True):
        want = _nan(values)
        got = ci[col].to_numpy()
        assert np.array_equal(np.isnan(got), np.isnan(want))
        ok = ~np.isnan(want)
        diff = relative_difference(got[ok], want[ok])
        assert diff <= RTOL, f"{col}: relative difference {diff:.3e}"


def test_profile_is_default():
    case = CASES[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, _ = fit_case(case)
    assert model.confint().equals(model.confint(method="profile"))


def test_spline_fmm_matches_r():
    # spline(c(0, 1, 2.5, 3, 5), c(0, 1, 3, 2, 7)) in R 4.2.2
    xs, ys = spline_fmm([0, 1, 2.5, 3, 5], [0, 1, 3, 2, 7])
    assert len(xs) == 15
    assert ys[1] == pytest.approx(0.00118576215134, rel=1e-10)
    assert ys[6] == pytest.approx(3.09798432521552, rel=1e-12)
    assert ys[13] == pytest.approx(3.87788462933148, rel=1e-12)


def test_spline_fmm_reproduces_cubic_and_ties():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    _, ys = spline_fmm(x, x**3, [0.5, 3.5])
    assert ys.tolist() == pytest.approx([0.125, 42.875])
    # tied x values are averaged, as regularize.values(ties = mean)
    _, ys = spline_fmm([0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 3.0, 4.0], [1.0])
    assert ys[0] == pytest.approx(2.0)


def test_approx_outside_range_is_nan():
    got = _approx(np.array([0.0, 1.0]), np.array([0.0, 2.0]), np.array([-1.0, 0.5, 2.0]))
    assert np.isnan(got[0]) and got[1] == 1.0 and np.isnan(got[2])


def test_percent_names():
    assert percent_names([0.025, 0.975]) == ["2.5 %", "97.5 %"]
    assert percent_names([0.05, 0.95]) == ["5 %", "95 %"]
