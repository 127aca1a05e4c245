"""gf.detect_separation: which maximum likelihood estimates are infinite, before a fit.

The golden tables (tests/golden/make_golden_brglm.R, field ``separation``) come
from Konis's primal linear program set up as detectseparation does it and
solved by R's lpSolve; glmformula solves it with scipy's HiGHS.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import case_frame, golden_cases

import glmformula as gf
from glmformula.errors import FamilyError, SeparationWarning
from glmformula.separation import detect_separation

CASES = [case for case in golden_cases("brglm") if "separation" in case]
IDS = [case["id"] for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_table_is_detect_separations(case: dict[str, Any]) -> None:
    found = detect_separation(case["formula"], case_frame(case), case["py_family"])
    expected = case["separation"]
    assert found.separation == expected["outcome"]
    labels = {k: "NA" if v is None else v for k, v in expected["coefficients"].items()}
    assert dict(zip(found.frame.index, found.frame["label"], strict=True)) == labels
    values = found.coefficients.to_numpy()
    assert np.isnan(values).tolist() == [v == "NA" for v in labels.values()]


def endometrial() -> pd.DataFrame:
    case = next(c for c in CASES if c["id"] == "endometrial_AS_mean")
    return case_frame(case)


def test_endometrial_prints_as_r() -> None:
    found = detect_separation("HG ~ NV + PI + EH", endometrial(), "binomial")
    lines = str(found).splitlines()
    assert lines[1] == "Separation: TRUE (quasi-complete)"
    assert lines[2:] == [
        "Existence of maximum likelihood estimates",
        "(Intercept)          NV          PI          EH",
        "          0         Inf           0           0",
        "0: finite value, Inf: infinity, -Inf: -infinity"]
    assert found.coefficients["NV"] == np.inf and found.complete is False


def test_complete_separation_with_a_negative_direction() -> None:
    d = pd.DataFrame({"x": np.arange(8.0), "y": [1, 1, 1, 1, 0, 0, 0, 0]})
    found = detect_separation("y ~ x", d)
    assert found.separation and found.complete
    assert found.frame["label"].tolist() == ["Inf", "-Inf"]


def test_overlap_is_all_finite() -> None:
    d = pd.DataFrame({"x": np.arange(8.0), "y": [0, 1, 0, 0, 1, 1, 0, 1]})
    found = detect_separation("y ~ x", d)
    assert not found.separation and found.complete is None
    assert found.coefficients.tolist() == [0.0, 0.0]
    assert "Separation: FALSE" in str(found)


def test_non_binomial_families_are_refused() -> None:
    d = pd.DataFrame({"x": np.arange(8.0), "y": [0, 1, 0, 0, 1, 1, 0, 1]})
    with pytest.raises(FamilyError, match="binomial responses"):
        detect_separation("y ~ x", d, "poisson")


def test_the_data_are_not_modified() -> None:
    d = endometrial()
    before = d.copy()
    detect_separation("HG ~ NV + PI + EH", d, "binomial")
    pd.testing.assert_frame_equal(d, before)


def test_ml_warning_names_the_bias_reduced_call() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gf.glm("HG ~ NV + PI + EH", data=endometrial(), family="binomial")
    messages = [str(w.message) for w in caught if issubclass(w.category, SeparationWarning)]
    assert len(messages) == 1
    assert 'gf.glm(..., method="brglmFit")' in messages[0]
    assert "NV (+Inf)" in messages[0]
