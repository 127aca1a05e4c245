"""Examples in the style of R's help pages (?glm, ?anova.glm, ?add1) against R
(tests/golden/help_examples_golden.json): Rao score tests, a deviance that rounds
to zero, a gaussian fit's infinite AIC and summary's zero-weight warning."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from compare import case_frame, golden_cases, table_difference

import glmformula as gf
from glmformula.anova import score_statistic
from glmformula.stepwise import add1, drop1

CASES = golden_cases("help_examples")
CALLS = [(case, i) for case in CASES for i in range(len(case["calls"]))]
RTOL = 1e-8
ATOL = 1e-10  # for values that are 0 up to rounding noise
# Tables whose Deviance column is a difference of two equal deviances: R prints
# its rounding noise (6.2e-15, ours is another), so only the numbers are compared.
NOISE = {("dobson_poisson", 1)}


def _fit(case, formula):
    family = (gf.families.Quasi(link=case["link"], variance=case["variance"])
              if case["family"] == "quasi" else gf.get_family(case["family"], link=case["link"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gf.glm(formula, data=case_frame(case), family=family,
                      weights=case["weights"], data_name="d")


def _run(case, call):
    model = _fit(case, case["formula"])
    test = call["test"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if call["what"] == "anova":
            return gf.anova(model, test=test if test is not None else False)
        if call["what"] == "anova2":
            return gf.anova(_fit(case, case["small"]), model, test=test)
        if call["what"] == "add1":
            return add1(model, call["scope"], data=case_frame(case), test=test)
        if call["what"] == "drop1":
            return drop1(model, test=test)
        if call["what"] == "summary_call":
            return model
        return model.summary()


def _normalise(text: str) -> list[str]:
    text = text.replace("\u2018", "'").replace("\u2019", "'")
    return [line.rstrip() for line in text.splitlines()]


def _id(item):
    case, i = item
    call = case["calls"][i]
    return f"{case['id']}-{call['what']}-{call['test']}"


@pytest.mark.parametrize("item", CALLS, ids=[_id(c) for c in CALLS])
def test_numbers_equal_r(item):
    case, i = item
    call = case["calls"][i]
    if call["what"] == "summary_aic":
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = _fit(case, case["formula"])
            summary = model.summary()
        printed = float(call["print_text"].split()[-1])  # Inf, or R's 5 digits
        assert summary.aic == printed or abs(summary.aic - printed) < 0.01
        assert [str(w.message) for w in caught] == call["r_warnings"]
        return
    if call["what"] == "summary_call":
        return
    table = _run(case, call).data
    assert list(table.index) == call["row_names"]
    assert list(table.columns) == list(call["columns"])
    for name, values in call["columns"].items():
        for row, ours, theirs in zip(call["row_names"], table[name], values, strict=True):
            if theirs is None:
                assert math.isnan(ours), f"{name}[{row}]: R gives NA, we give {ours}"
                continue
            if math.isinf(float(theirs)):
                assert float(ours) == float(theirs), f"{name}[{row}]: {ours} vs R {theirs}"
                continue
            diff = table_difference(float(ours), float(theirs), ATOL)
            assert diff <= RTOL, f"{name}[{row}]: {ours} vs R {theirs} ({diff:.2e})"


@pytest.mark.parametrize("item", [c for c in CALLS if (c[0]["id"], c[1]) not in NOISE],
                         ids=[_id(c) for c in CALLS if (c[0]["id"], c[1]) not in NOISE])
def test_printed_text_equals_r(item):
    case, i = item
    call = case["calls"][i]
    if call["what"] == "summary_call":  # R's deparse breaks inside the family's call
        model = _run(case, call)
        summary = _normalise(str(model.summary()))
        assert summary[2:2 + len(call["print_text"].splitlines())] == _normalise(
            call["print_text"])
        printed = _normalise(str(model))
        assert printed[1:1 + len(call["print_glm"].splitlines())] == _normalise(
            call["print_glm"])
        return
    text = str(_run(case, call))
    if call["what"] == "summary_aic":
        assert [line for line in _normalise(text) if line.startswith("AIC:")] == [
            call["print_text"]]
        return
    ours = _normalise(text)
    theirs = _normalise(call["print_text"])
    if call["what"] == "add1" and call["test"] == "F" and case["id"] == "dobson_poisson":
        # R prints the p-value of F = 0 on 0 denominator df as NaN, we leave it blank
        ours, theirs = ours[:-1], theirs[:-1]
    assert ours == theirs


def test_score_statistic_is_not_negative_when_zero():
    """A term that adds nothing has score 0 (p = 1), not a negative rounding error."""
    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(9), rng.normal(size=9)])
    r = rng.normal(size=9)
    w = rng.uniform(0.5, 2, size=9)
    fitted = X @ np.linalg.lstsq(X * np.sqrt(w)[:, None], r * np.sqrt(w), rcond=None)[0]
    assert score_statistic(X, r - fitted, w, True) >= 0.0


def test_negative_zero_prints_as_r():
    """R's printCoefmat rounds a test statistic of -5e-16 to -0 and prints it "0.0":
    printCoefmat(cbind(Estimate = c(3, -1e-16), "Std. Error" = c(.17, .2),
    "z value" = c(17.8, -5e-16), "Pr(>|z|)" = c(1e-50, 1)), digits = 4)."""
    import pandas as pd

    from glmformula.render.text import coefficient_cells

    table = pd.DataFrame({"Estimate": [3.0, -1e-16], "Std. Error": [0.17, 0.2],
                          "z value": [17.8, -5e-16], "Pr(>|z|)": [1e-50, 1.0]},
                         index=["a", "b"])
    _, cells = coefficient_cells(table, 4)
    assert [row[2].strip() for row in cells] == ["17.8", "0.0"]
    assert [row[0].strip() for row in cells] == ["3.0e+00", "-1.0e-16"]
