"""influence() against R's hatvalues, cooks.distance, rstandard, rstudent and dfbetas.

Reference values: tests/golden/influence_golden.json, written by
tests/golden/make_golden_influence.R.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import RTOL, fit_case, influence_cases, relative_difference

import glmformula as gf

CASES = influence_cases("influence")
COLUMNS = ["hat", "cooks_d", "rstandard_deviance", "rstandard_pearson", "rstudent"]


def _fit(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, _ = fit_case(case)
    return model


def test_golden_case_count():
    assert len(CASES) == 5
    assert {c["family"] for c in CASES} == {"poisson", "binomial", "Gamma", "gaussian",
                                            "quasipoisson"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_influence_equals_r(case):
    infl = _fit(case).influence()
    expected = case["expected"]["influence"]
    dfb = {f"dfb_{k}": v for k, v in expected["dfbetas"].items()}
    assert list(infl.columns) == COLUMNS + list(dfb)
    for name in COLUMNS:
        diff = relative_difference(infl[name].to_numpy(), expected[name])
        assert diff <= RTOL, f"{name}: relative difference {diff:.3e}"
    for name, values in dfb.items():
        diff = relative_difference(infl[name].to_numpy(), values)
        assert diff <= RTOL, f"{name}: relative difference {diff:.3e}"


def test_structured_design_gives_the_same_diagnostics(monkeypatch):
    from glmformula.structured import StructuredModelMatrix

    rng = np.random.default_rng(7)
    n = 300
    frame = pd.DataFrame({"x": rng.normal(size=n),
                          "g": rng.choice(["a", "b", "c"], n)})
    frame["y"] = rng.poisson(np.exp(0.2 + 0.3 * frame["x"]))
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 100)
    fast = gf.glm("y ~ x + g", frame, family="poisson", context={})
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 10**12)
    slow = gf.glm("y ~ x + g", frame, family="poisson", context={})
    assert isinstance(fast.design.X, StructuredModelMatrix)
    pd.testing.assert_frame_equal(fast.influence(), slow.influence(), rtol=1e-9)
    assert np.isclose(slow.influence()["hat"].sum(), slow.rank)
