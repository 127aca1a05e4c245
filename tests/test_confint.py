"""confint() against R's confint.default.

Reference values: tests/golden/influence_golden.json, written by
tests/golden/make_golden_influence.R.
"""

from __future__ import annotations

import warnings

import pytest
from compare import RTOL, fit_case, influence_cases, relative_difference

import glmformula as gf
from glmformula.confint import format_percent

CASES = influence_cases("confint")
LEVELS = {"level95": 0.95, "level90": 0.9}


def test_golden_case_count():
    assert len(CASES) == 4


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
@pytest.mark.parametrize("key", list(LEVELS))
def test_confint_equals_r(case, key):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, _ = fit_case(case)
    expected = case["expected"]["confint"][key]
    ci = model.confint(level=LEVELS[key], method="wald")
    assert list(ci.columns) == expected["names"]
    assert list(ci.index) == list(case["expected"]["coefficients"])
    for col, values in zip(ci.columns, (expected["lower"], expected["upper"]), strict=True):
        diff = relative_difference(ci[col].to_numpy(), values)
        assert diff <= RTOL, f"{col}: relative difference {diff:.3e}"


@pytest.mark.parametrize(("probs", "names"), [
    ([0.025, 0.975], ["2.5 %", "97.5 %"]),
    ([0.05, 0.95], ["5 %", "95 %"]),
    ([0.005, 0.995], ["0.5 %", "99.5 %"]),
    ([0.0005, 0.9995], ["0.05 %", "99.95 %"]),
    ([0.1, 0.9], ["10 %", "90 %"]),
])
def test_percent_names_as_r(probs, names):
    assert format_percent(probs) == names


def _model():
    return gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
                  family="poisson")


def test_profile_is_the_default():
    m = _model()
    assert m.confint().equals(m.confint(method="profile"))


def test_bad_level_and_method():
    m = _model()
    with pytest.raises(gf.errors.GLMError):
        m.confint(level=1.5)
    with pytest.raises(gf.errors.GLMError):
        m.confint(level=1.5, method="wald")
    with pytest.raises(gf.errors.GLMError):
        m.confint(method="boot")
