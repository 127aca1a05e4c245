"""MASS's anova() for glm.nb fits, compared with R (tests/golden/make_golden_anova_negbin.R)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from compare import case_frame, golden_cases, relative_difference

import glmformula as gf

CASES = golden_cases("anova_negbin")
RTOL = 1e-6  # theta comes from glm.nb's alternating iterations (R iterates too)


def _models(case):
    frame = case_frame(case)
    return [gf.glm_nb(f, data=frame) for f in case["formulas"]]


def _text(table) -> str:
    return str(table).replace("\u2018", "'").replace("\u2019", "'")


def _values(values):
    return [np.nan if v is None else v for v in values]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_comparison_equals_r(case):
    table = gf.anova(*_models(case))
    exp = case["comparison"]
    data = table.data
    assert list(data.columns) == ["Model", "theta", "Resid. df", "   2 x log-lik.", "Test",
                                  "   df", "LR stat.", "Pr(Chi)"]
    assert list(data["Model"]) == exp["model"]
    assert list(data["Test"]) == exp["test"]
    for ours, key in [("theta", "theta"), ("Resid. df", "resid_df"),
                      ("   2 x log-lik.", "twologlik"), ("   df", "df"),
                      ("LR stat.", "lr_stat"), ("Pr(Chi)", "p_value")]:
        theirs = _values(exp[key])
        np.testing.assert_array_equal(np.isnan(data[ours].to_numpy(float)), np.isnan(theirs))
        keep = ~np.isnan(theirs)
        assert relative_difference(data[ours].to_numpy(float)[keep],
                                   np.asarray(theirs)[keep]) <= RTOL, ours
    assert _text(table) == exp["print_text"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_single_model_is_sequential_with_theta_fixed(case):
    model = _models(case)[-1]
    with pytest.warns(gf.errors.GLMWarning, match="without re-estimating 'theta'"):
        table = gf.anova(model)
    exp = case["sequential"]
    assert list(table.data.index) == exp["rows"]
    for ours, key in [("Deviance", "deviance"), ("Resid. Dev", "resid_dev"),
                      ("Pr(>Chi)", "p_value")]:
        theirs = np.asarray(_values(exp[key]), dtype=float)
        keep = ~np.isnan(theirs)
        assert relative_difference(table.data[ours].to_numpy(float)[keep],
                                   theirs[keep]) <= RTOL, ours
    assert _text(table) == exp["print_text"]


def test_negbin_and_poisson_models_are_not_compared():
    quine = gf.datasets.load("quine")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nb = gf.glm_nb("Days ~ Eth", data=quine)
    pois = gf.glm("Days ~ Eth", data=quine, family="poisson")
    with pytest.raises(gf.errors.ArgumentTypeError, match="glm_nb"):
        gf.anova(nb, pois)
    with pytest.raises(gf.errors.ArgumentTypeError, match="likelihood-ratio"):
        gf.anova(nb, nb, test="F")
