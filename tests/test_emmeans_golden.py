"""emmeans(), contrast(), pairs(), confint() and emtrends() against R's emmeans 1.8.4.

Reference: tests/golden/emmeans_golden.json, made by tests/golden/make_golden_emmeans.R.
Each call's summary is compared column by column: label columns exactly, numbers at
1e-8 relative (Tukey and dunnettx p-values and limits at 1e-6: R's ptukey/qtukey and
scipy's studentized range differ there), and the printed text line by line.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf
from glmformula.emmeans import EmmGrid, emmeans, emtrends
from glmformula.emmeans_contrast import contrast

CASES = golden_cases("emmeans")
CALLS = [(case, i) for case in CASES for i in range(len(case["calls"]))]
RTOL = 1e-8
MODELS: dict[str, gf.GLMResult] = {}


def fitted(case: dict[str, Any]) -> gf.GLMResult:
    if case["id"] not in MODELS:
        data = case_frame(case)
        with warnings.catch_warnings():  # the empty-cell case is rank-deficient, as in R
            warnings.simplefilter("ignore", gf.errors.AliasingWarning)
            if case["fitter"] == "glm.nb":
                model = gf.glm_nb(case["formula"], data=data)
            else:
                model = gf.glm(case["formula"], data=data, family=case["family"],
                               link=case["link"], offset=case["offset"])
        MODELS[case["id"]] = model
    return MODELS[case["id"]]


def run_call(case: dict[str, Any], call: dict[str, Any]) -> tuple[EmmGrid, pd.DataFrame]:
    model = fitted(case)
    specs = call["specs"][0] if len(call["specs"]) == 1 else call["specs"]
    at = call["at"]
    if call["fn"] == "emtrends":
        emm = emtrends(model, specs, var=call["var"], by=call["by"], at=at, vcov=case["vcov"])
    else:
        emm = emmeans(model, specs, by=call["by"], type=call["type"] or "link", at=at,
                      vcov=case["vcov"])
    if call["contrast"] is not None:
        spec = call["contrast"]
        emm = contrast(emm, spec["method"], adjust=spec.get("adjust"), ref=spec.get("ref"))
    level = call.get("level") or 0.95
    return emm, emm.confint(level=level) if call["confint"] else emm.frame


def _numbers(values: list[Any]) -> np.ndarray:
    return np.array([math.nan if v is None else math.inf if v == "Inf" else
                     -math.inf if v == "-Inf" else v for v in values], dtype=float)


def _tolerance(call: dict[str, Any], column: str) -> float:
    adjust = (call["contrast"] or {}).get("adjust")
    method = (call["contrast"] or {}).get("method", "")
    if adjust is None:
        adjust = "tukey" if "pairwise" in method else "dunnettx" if "trt" in method else "none"
    multiple = adjust in ("tukey", "dunnettx")
    if column == "p.value" or column.endswith("CL"):
        return 1e-6 if multiple else RTOL
    return RTOL


@pytest.mark.parametrize("case,index", CALLS,
                         ids=[f"{c['id']}-{i}" for c, i in CALLS])
def test_summary_matches_r(case: dict[str, Any], index: int) -> None:
    call = case["calls"][index]
    _, frame = run_call(case, call)
    assert list(frame.columns) == call["columns"]
    for column in call["columns"]:
        expected = call["frame"][column]
        if expected and isinstance(expected[0], str) and expected[0] not in ("Inf", "-Inf"):
            assert [str(v) for v in frame[column]] == expected, column
            continue
        want = _numbers(expected)
        got = frame[column].to_numpy(dtype=float)
        assert np.array_equal(np.isinf(got), np.isinf(want)), column
        finite = np.isfinite(want)
        rtol = _tolerance(call, column)
        message = f"{case['id']} call {index} column {column}"
        if column == "p.value" and rtol > RTOL:  # R's ptukey is exact to ~1e-12 absolute
            np.testing.assert_allclose(got[finite], want[finite], rtol=rtol, atol=1e-9,
                                       err_msg=message)
        else:
            assert_close(got[finite], want[finite], rtol, err_msg=message)


@pytest.mark.parametrize("case,index", CALLS,
                         ids=[f"{c['id']}-{i}" for c, i in CALLS])
def test_printed_text_matches_r(case: dict[str, Any], index: int) -> None:
    call = case["calls"][index]
    emm, frame = run_call(case, call)
    text = str(frame) if call["confint"] else str(emm)
    assert text.split("\n") == call["text"]


def largest_differences() -> dict[str, tuple[float, str]]:
    """Largest relative difference from R by kind of column, with the call it is in."""
    kinds = {"estimate": ("emmean", "estimate", "rate", "prob", "response", "ratio",
                          "odds.ratio"), "SE": ("SE",), "limits": ("lower.CL", "upper.CL",
                                                                   "asymp.LCL", "asymp.UCL"),
             "statistic": ("z.ratio", "t.ratio"), "p.value": ("p.value",)}
    worst: dict[str, tuple[float, str]] = {}
    for case, index in CALLS:
        call = case["calls"][index]
        _, frame = run_call(case, call)
        for column in call["columns"]:
            kind = next((k for k, names in kinds.items()
                         if column in names or column.endswith(".trend")), None)
            if kind is None:
                continue
            want = _numbers(call["frame"][column])
            got = frame[column].to_numpy(dtype=float)
            ok = np.isfinite(want) & (want != 0)
            if kind == "p.value":  # below 1e-4 (printed <.0001): the absolute difference
                tiny = np.isfinite(want) & (want < 1e-4)
                if tiny.any():
                    gap = float(np.max(np.abs(got[tiny] - want[tiny])))
                    if gap > worst.get("p < 1e-4 (abs)", (-1.0, ""))[0]:
                        worst["p < 1e-4 (abs)"] = (gap, f"{case['id']} call {index}")
                ok &= ~tiny
            if ok.any():
                rel = float(np.max(np.abs(got[ok] / want[ok] - 1)))
                if rel > worst.get(kind, (-1.0, ""))[0]:
                    worst[kind] = (rel, f"{case['id']} call {index} ({column})")
    return worst


if __name__ == "__main__":  # PYTHONPATH=tests/golden python tests/test_emmeans_golden.py
    print(f"{len(CASES)} models, {len(CALLS)} calls")
    for kind, (rel, where) in largest_differences().items():
        print(f"{kind:10s} {rel:.2e}  {where}")
