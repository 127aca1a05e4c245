"""brglm2's printed summary ends as R prints it: the "Number of Fisher Scoring
iterations" line (or the correlation table) and no blank line after it, where
summary.glm prints one (tests/golden/make_golden_brglm.R records both as
capture.output lines)."""

from __future__ import annotations

from typing import Any

import pytest
from test_brglm_golden import TEXT_CASES, fit, plain_quotes

import glmformula as gf


@pytest.mark.parametrize("case", TEXT_CASES, ids=[case["id"] for case in TEXT_CASES])
def test_summary_lines_are_brglm2s_to_the_last(case: dict[str, Any]) -> None:
    printed = plain_quotes(str(fit(case).summary()) + "\n")  # what print() writes
    assert printed.split("\n")[:-1] == case["expected"]["summary_text"].split("\n")


def test_correlation_table_ends_the_summary() -> None:
    d = {"x": [0, 0, 0, 0, 1, 1, 1, 1], "y": [0, 0, 1, 1, 1, 1, 1, 1]}
    m = gf.glm("y ~ x", data=d, family="binomial", method="brglmFit")
    lines = str(m.summary(correlation=True)).split("\n")
    # R: print(summary(m, correlation = TRUE)) with brglm2 0.9
    assert lines[-4:] == ["", "Correlation of Coefficients:", "  (Intercept)",
                          "x -0.51      "]


def test_plain_glm_summary_keeps_its_blank_line() -> None:
    d = {"x": [0, 0, 0, 1, 1, 1], "y": [0, 1, 0, 1, 1, 0]}
    text = str(gf.glm("y ~ x", data=d, family="binomial").summary())
    assert text.endswith("Number of Fisher Scoring iterations: 4\n")
