"""Every golden case from R, compared quantity by quantity at 1e-8 relative."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from compare import (
    RTOL,
    case_frame,
    coefficient_block,
    fit_case,
    load_cases,
    quantities,
    relative_difference,
)

CASES = load_cases()
SKIP: dict[str, str] = {}


def _params():
    for case in CASES:
        marks = [pytest.mark.skip(reason=SKIP[case["id"]])] if case["id"] in SKIP else []
        yield pytest.param(case, id=case["id"], marks=marks)


def test_there_are_at_least_thirty_cases():
    assert len(CASES) - len(SKIP) >= 30


@pytest.mark.parametrize("case", list(_params()))
def test_numbers_equal_r(case):
    model, _ = fit_case(case)
    failures = {}
    for name, (ours, theirs) in quantities(model, case).items():
        if theirs is None:
            assert ours is None or math.isnan(ours), f"{name}: R gives NA, we give {ours}"
            continue
        diff = relative_difference(ours, theirs)
        if not diff <= RTOL:
            failures[name] = diff
    assert not failures, f"relative differences above {RTOL}: {failures}"


@pytest.mark.parametrize("case", list(_params()))
def test_printed_summary_equals_r(case):
    model, _ = fit_case(case)
    ours = coefficient_block(str(model.summary()))
    theirs = coefficient_block(case["expected"]["summary_text"])
    assert len(ours) == len(theirs)
    for our_line, their_line in zip(ours, theirs, strict=True):
        if our_line != their_line:
            # an estimate that is 0 up to rounding noise (|x| < 1e-12) prints as noise in both
            ours_tokens, their_tokens = our_line.split(), their_line.split()
            assert len(ours_tokens) == len(their_tokens), (our_line, their_line)
            for a, b in zip(ours_tokens, their_tokens, strict=True):
                assert a == b or (_noise(a) and _noise(b)), (our_line, their_line)


def _noise(token: str) -> bool:
    try:
        return abs(float(token)) < 1e-12
    except ValueError:
        return False


@pytest.mark.parametrize("case", list(_params()))
def test_warnings_as_r(case):
    _, ours = fit_case(case)
    text = " | ".join(ours)
    for needle in ("did not converge", "fitted probabilities numerically 0 or 1",
                   "step size truncated"):
        r_says = any(needle in w for w in case["r_warnings"])
        assert r_says == (needle in text), f"R warned {case['r_warnings']}, we warned {ours}"


@pytest.mark.parametrize("case", list(_params()))
def test_caller_data_unchanged(case):
    frame = case_frame(case)
    before = frame.copy(deep=True)
    fit_case(case, frame)
    pd.testing.assert_frame_equal(frame, before)
