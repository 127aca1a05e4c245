"""step() and stepAIC() against R on fits with zero prior weights (R's nobs() in
the path's Resid. Df; a gaussian fit whose AIC is +Inf steps on as in R), an
offset term, a lower scope, forward selection and k = log(n); the path prints
as MASS prints ``stepAIC(m)$anova``.

Reference values: tests/golden/step_weights_golden.json, written by
tests/golden/make_golden_step_weights.R.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf
from glmformula.stepaic import step, stepAIC

CASES = golden_cases("step_weights")
IDS = [c["id"] for c in CASES]


def _ascii(text: str) -> list[str]:
    text = text.replace("\u2018", "'").replace("\u2019", "'")
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def _run(case: dict) -> tuple[gf.GLMResult, str]:
    frame = case_frame(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = gf.glm(case["formula"], data=frame, family=case["family"], link=case["link"],
                       weights=case["weights"])
        kwargs = {}
        if case["scope"] is not None:
            kwargs["scope"] = case["scope"]
        if case["direction"] is not None:
            kwargs["direction"] = case["direction"]
        if case["k"] is not None:
            kwargs["k"] = case["k"]
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            best = (step if case["fun"] == "step" else stepAIC)(model, **kwargs)
    return best, buf.getvalue()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_path_equals_r(case):
    best, _ = _run(case)
    path, exp = best.step_path, case["expected"]
    assert list(path["Step"]) == exp["changes"]
    assert list(path["Resid. Df"]) == exp["df_residual"]
    for ours, theirs, infinite in zip(path["AIC"], exp["aic"], exp["aic_infinite"],
                                      strict=True):
        if infinite:
            assert ours == math.inf
        else:
            assert_close(ours, theirs, 1e-8)
    right = exp["final_formula"].split("~")[1]
    expected_terms = [t.strip() for t in right.split("+")
                      if t.strip() != "1" and not t.strip().startswith("offset(")]
    assert sorted(best.design.term_names) == sorted(expected_terms)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_printed_trace_and_path_equal_r(case):
    best, printed = _run(case)
    assert _ascii(printed) == _ascii(case["expected"]["trace_text"])
    assert _ascii(str(best.step_path)) == _ascii(case["expected"]["path_text"])
