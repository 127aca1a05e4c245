"""anova(type=2 | 3) against car::Anova (tests/golden/anova_types_golden.json)."""

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

CASES = golden_cases("anova_types")
RTOL = 1e-8
ATOL = 1e-10  # for values that are 0 up to rounding noise


def _table(case):
    frame = case_frame(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = gf.glm(case["formula"], data=frame, family=case["family_call"],
                       context={"log": np.log})
    return anova(model, type=case["type"], test=case["test"])


def largest_difference() -> float:
    """The largest relative difference over every golden number."""
    return largest_table_difference(CASES, _table, ATOL)


def test_golden_case_counts():
    lr = [c["type"] for c in CASES if c["test"] == "LR"]
    assert lr.count(2) >= 4
    assert lr.count(3) >= 4


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_numbers_equal_car(case):
    check_table(_table(case), case, RTOL, ATOL)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_printed_table_equals_car(case):
    def normalise(text: str) -> list[str]:
        text = text.replace("\u2018", "'").replace("\u2019", "'")
        return [line.rstrip() for line in text.splitlines()]

    assert normalise(str(_table(case))) == normalise(case["expected"]["print_text"])


def test_type3_without_intercept_is_refused():
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ 0 + wool + tension", data=wb, family="poisson")
    with pytest.raises(gf.ArgumentTypeError, match="intercept"):
        anova(m, type=3)
    assert list(anova(m, type=2).data.index) == ["wool", "tension"]


def test_type2_and_type3_take_one_model():
    wb = gf.datasets.load("warpbreaks")
    m0 = gf.glm("breaks ~ wool", data=wb, family="poisson")
    m1 = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
    with pytest.raises(gf.ArgumentTypeError, match="single model"):
        anova(m0, m1, type=2)
    with pytest.raises(gf.ArgumentTypeError):
        anova(m1, type=4)


def test_last_term_type2_equals_sequential():
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool * tension", data=wb, family="poisson")
    seq = anova(m).data
    t2 = anova(m, type=2).data
    assert t2.loc["wool:tension", "LR Chisq"] == pytest.approx(
        seq.loc["wool:tension", "Deviance"], rel=1e-10)


if __name__ == "__main__":
    print(f"{len(CASES)} cases, largest relative difference {largest_difference():.3g}")
