"""influence_measures() against R's influence.measures()
(tests/golden/influence_measures_golden.json): the table, the flags and the print."""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest
from compare import case_frame, golden_cases, table_difference

import glmformula as gf
from glmformula.influence_measures import abbreviate, influence_measures

CASES = golden_cases("influence_measures")
RTOL = 1e-6  # R iterates the fit to 1e-8
ATOL = 1e-8  # dfbetas that are 0 up to rounding noise


def _measures(case):
    frame = case_frame(case)
    frame.index = range(1, len(frame) + 1)  # R's row names
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        extra = {"na_action": "exclude"} if case["na_action"] else {}
        model = gf.glm(case["formula"], data=frame, family=case["family"],
                       link=case["link"], weights=case["weights"], data_name="d", **extra)
    return influence_measures(model)


def _noise_free(case) -> bool:
    """R prints rounding noise (1e-17) in some dfbetas; ours is other noise."""
    return all(v is None or v == 0 or abs(v) > 1e-10
               for values in case["expected"]["infmat"].values() for v in values)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_table_and_flags_equal_r(case):
    im = _measures(case)
    expected = case["expected"]
    assert [str(r) for r in im.infmat.index] == expected["row_names"]
    assert list(im.infmat.columns) == expected["columns"]
    for name, values in expected["infmat"].items():
        for row, ours, theirs in zip(expected["row_names"], im.infmat[name], values,
                                     strict=True):
            if theirs is None:
                assert math.isnan(ours), f"{name}[{row}]: R gives NaN, we give {ours}"
                continue
            diff = table_difference(float(ours), theirs, ATOL)
            assert diff <= RTOL, f"{name}[{row}]: {ours} vs R {theirs} ({diff:.2e})"
    for name, flags in expected["is_inf"].items():
        ours = [None if v is pd.NA else bool(v) for v in im.is_inf[name]]
        assert ours == flags, name


@pytest.mark.parametrize("case", [c for c in CASES if _noise_free(c)],
                         ids=[c["id"] for c in CASES if _noise_free(c)])
def test_printed_text_equals_r(case):
    assert str(_measures(case)).splitlines() == case["expected"]["print_text"].splitlines()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_summary_text_equals_r(case):
    """summary.infl rounds to 2 digits, so even the noise cases print as R's."""
    assert _measures(case).summary().splitlines() == case["expected"]["summary_text"].splitlines()


def test_noise_cases_print_r_layout():
    """Where R's dfbetas are rounding noise, the layout (headers, blocks, stars) still is R's."""
    for case in CASES:
        ours = str(_measures(case)).splitlines()
        theirs = case["expected"]["print_text"].splitlines()
        assert len(ours) == len(theirs)
        assert ours[:3] == theirs[:3]
        assert [line.split() for line in ours if "dfb." in line or "inf" in line] == [
            line.split() for line in theirs if "dfb." in line or "inf" in line]
        assert [line[-1:] for line in ours] == [line[-1:] for line in theirs]


def test_abbreviate_as_r():
    # R: abbreviate(c("TreatCont", "TreatCnt", "woolB:tensionH", "ns(age, df = 3)1", "abce"))
    assert abbreviate(["TreatCont", "TreatCnt", "woolB:tensionH", "ns(age, df = 3)1",
                       "abce"]) == ["TreatCont", "TreatCnt", "wB:H", "nd=3", "abce"]


def test_too_few_cases():
    frame = {"y": [1.0, 2.0, 4.0], "x": [0.0, 1.0, 2.0], "z": [1.0, 0.0, 3.0]}
    model = gf.glm("y ~ x + z", data=frame, family="poisson")
    with pytest.raises(gf.DataError, match="too few cases"):
        influence_measures(model)


def test_flags_are_booleans_over_the_table():
    im = _measures(CASES[0])
    assert im.is_inf.shape == im.infmat.shape
    assert (im.is_inf.dtypes == "boolean").all()
