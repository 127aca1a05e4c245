"""The printed call deparses the formula as R does, whatever spacing the caller typed
(``tests/golden/make_golden_call_deparse.R``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import glmformula as gf

GOLDEN = json.loads((Path(__file__).parent / "golden" / "call_deparse_golden.json")
                    .read_text(encoding="utf-8"))
DATA = {"quine": "quine", "wb": "warpbreaks", "mtcars": "mtcars", "esoph": "esoph"}


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_the_call_prints_the_formula_as_r_deparses_it(case: dict[str, Any]) -> None:
    d = gf.datasets.load(DATA[case["data"]])
    if case["family"] is None:
        fit = gf.glm_nb(case["formula"], d)
        # theta is estimated: its printed digits are compared apart
        head, theta = case["call"].rsplit("init.theta = ", 1)
        assert fit.call.startswith(head)
        assert fit.call.endswith(", link = log)")
        return
    fit = gf.glm(case["formula"], d, family=case["family"])
    assert fit.call == case["call"]
    printed = str(fit.summary())
    assert "Call:\n" + "\n".join(case["summary_call"]) + "\n\n" in printed


def test_a_formula_r_cannot_read_is_shown_as_written() -> None:
    d = gf.datasets.load("warpbreaks")
    fit = gf.glm("breaks ~ {breaks  * 0 + 1} + wool", d, family="poisson")
    assert fit.call.startswith("glm(formula = breaks ~ {breaks * 0 + 1} + wool,")
