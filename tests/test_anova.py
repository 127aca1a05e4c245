"""anova() against R's anova.glm / anova.glmlist (tests/golden/anova_golden.json)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from compare import (
    case_frame,
    check_table,
    golden_cases,
    largest_table_difference,
)

import glmformula as gf
from glmformula.anova import anova

CASES = golden_cases("anova")
RTOL = 1e-8
ATOL = 1e-10  # for values that are 0 up to rounding noise


def _fit(case):
    frame = case_frame(case)
    family = case["models"][0]["family_call"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = [gf.glm(m["formula"], data=frame, family=family, context={"log": np.log})
                  for m in case["models"]]
    return models


def _table(case):
    models = _fit(case)
    test = case["test"] if case["test"] is not None else False
    return anova(*models, test=test)


def largest_difference() -> float:
    """The largest relative difference over every golden number."""
    return largest_table_difference(CASES, _table, ATOL)


def test_golden_case_counts():
    kinds = [c["kind"] for c in CASES]
    assert kinds.count("sequential") >= 6
    assert kinds.count("comparison") >= 4


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_numbers_equal_r(case):
    check_table(_table(case), case, RTOL, ATOL)


def _normalise(text: str) -> list[str]:
    text = text.replace("\u2018", "'").replace("\u2019", "'")
    return [line.rstrip() for line in text.splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_printed_table_equals_r(case):
    assert _normalise(str(_table(case))) == _normalise(case["expected"]["print_text"])


def test_default_test_follows_dispersion():
    wb = gf.datasets.load("warpbreaks")
    pois = gf.glm("breaks ~ wool", data=wb, family="poisson")
    quasi = gf.glm("breaks ~ wool", data=wb, family="quasipoisson")
    assert "Pr(>Chi)" in anova(pois).data.columns
    assert "Pr(>F)" in anova(quasi).data.columns
    assert "Pr(>Chi)" in anova(quasi, dispersion=2.0).data.columns
    assert list(anova(pois, test=False).data.columns) == [
        "Df", "Deviance", "Resid. Df", "Resid. Dev"]


def test_models_on_different_rows_are_refused():
    wb = gf.datasets.load("warpbreaks")
    m1 = gf.glm("breaks ~ wool", data=wb, family="poisson")
    m2 = gf.glm("breaks ~ wool", data=wb.iloc[:40], family="poisson")
    with pytest.raises(gf.DataError, match="same size of dataset"):
        anova(m1, m2)


def test_f_test_with_fixed_dispersion_warns():
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool", data=wb, family="poisson")
    with pytest.warns(gf.GLMWarning, match="inappropriate"):
        anova(m, test="F")


def test_unknown_test_is_refused():
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool", data=wb, family="poisson")
    with pytest.raises(gf.ArgumentTypeError):
        anova(m, test="Wald")


if __name__ == "__main__":
    print(f"{len(CASES)} cases, largest relative difference {largest_difference():.3g}")
