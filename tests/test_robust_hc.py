"""vcovHC types HC0-HC5 and vcovCL against R's sandwich, for fits with prior
weights, an offset, an aliased column, an unused factor level, a quasi family
and na_action="exclude".

Reference values: tests/golden/robust_hc_golden.json, written by
tests/golden/make_golden_robust_hc.R.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from compare import RTOL, case_frame, golden_cases, relative_difference

import glmformula as gf
from glmformula.robust import HC_TYPES, vcov_cluster, vcov_hc

CASES = golden_cases("robust_hc")
IDS = [c["id"] for c in CASES]


def _fit(case: dict) -> tuple[gf.GLMResult, object]:
    frame = case_frame(case)
    if case["offset"]:
        frame["log_offset"] = np.log(frame[case["offset"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = gf.glm(case["formula"], data=frame, family=case["family"], link=case["link"],
                       weights=case["weights"],
                       offset="log_offset" if case["offset"] else None,
                       na_action=case["na_action"])
    return model, frame[case["cluster"]]


def _check(ours, case: dict, key: str) -> None:
    expected = case["expected"]
    assert list(ours.columns) == expected["names"]
    diff = relative_difference(ours.to_numpy(), np.array(expected[key]))
    assert diff <= RTOL, f"{key}: relative difference {diff:.3e}"


def test_golden_case_count():
    assert len(CASES) == 5


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("kind", HC_TYPES)
def test_vcov_hc_all_types_equal_r(case, kind):
    model, _ = _fit(case)
    _check(vcov_hc(model, kind), case, kind)


def test_hc_types_are_sandwich_s():
    assert HC_TYPES == ("HC0", "HC1", "HC2", "HC3", "HC4", "HC4m", "HC5")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_vcov_cluster_equals_r(case):
    model, groups = _fit(case)
    _check(vcov_cluster(model, groups), case, "CL")
    _check(vcov_cluster(model, groups, type="HC1"), case, "CL_HC1")


@pytest.mark.parametrize("kind", ["HC4", "HC5"])
def test_with_cov_accepts_the_new_types(kind):
    case = CASES[0]
    model, _ = _fit(case)
    robust = model.with_cov(kind)
    expected = np.sqrt(np.diag(np.array(case["expected"][kind])))
    assert relative_difference(robust.std_errors.dropna().to_numpy(), expected) <= RTOL
