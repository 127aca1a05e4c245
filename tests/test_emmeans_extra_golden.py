"""More of emmeans on GLMs against R's emmeans 1.8.4 (tests/golden/emmeans_extra_golden.json,
made by tests/golden/make_golden_emmeans_extra.R): the contrast methods poly, eff,
del.eff, identity, consec and mean_chg; summary(infer, null); confint(adjust);
contrast(by=NULL); at= choosing and ordering a factor's levels; text levels as by
groups; a test statistic that rounds to zero; emmeans()/emtrends() weights=; regrid;
interaction contrasts; cov_reduce; contrasts of contrasts. Numbers at
1e-8 relative (Tukey and dunnettx limits and p-values at 1e-6), the printed text line
by line.
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
from glmformula.emmeans import EmmGrid, emmeans, emtrends, r_character
from glmformula.emmeans_contrast import contrast, regrid

CASES = golden_cases("emmeans_extra")
CALLS = [(case, i) for case in CASES for i in range(len(case["calls"]))]
RTOL = 1e-8
MODELS: dict[str, gf.GLMResult] = {}


def fitted(case: dict[str, Any]) -> gf.GLMResult:
    if case["id"] not in MODELS:
        MODELS[case["id"]] = gf.glm(case["formula"], data=case_frame(case),
                                    family=case["family"], link=case["link"],
                                    weights=case["weights"])
    return MODELS[case["id"]]


REDUCERS: dict[str, Any] = {"range": lambda x: [np.min(x), np.max(x)], "median": np.median,
                            "q25": lambda x: np.quantile(x, 0.25), "FALSE": False}


def reducer(spec: Any) -> Any:
    """The golden's cov.reduce names as cov_reduce= values."""
    if spec is None:
        return None
    if isinstance(spec, dict):
        return {name: REDUCERS[value] for name, value in spec.items()}
    return REDUCERS[spec]


def run_call(case: dict[str, Any], call: dict[str, Any]) -> tuple[EmmGrid, pd.DataFrame]:
    specs = call["specs"][0] if len(call["specs"]) == 1 else call["specs"]
    with warnings.catch_warnings():  # emmeans' notes (interactions, tukey -> sidak)
        warnings.simplefilter("ignore", gf.errors.GLMWarning)
        if call["var"] is not None:
            emm = emtrends(fitted(case), specs, var=call["var"], by=call["by"], at=call["at"],
                           weights=call["weights"] or "equal",
                           cov_reduce=reducer(call["cov_reduce"]))
        else:
            emm = emmeans(fitted(case), specs, by=call["by"], type=call["type"] or "link",
                          at=call["at"], weights=call["weights"] or "equal",
                          regrid="response" if call["regrid"] == "argument" else None,
                          cov_reduce=reducer(call["cov_reduce"]))
        if call["regrid"] == "before":
            emm = regrid(emm)
        if call["contrast"] is not None:
            spec = call["contrast"]
            by = spec.get("by")
            emm = contrast(emm, spec.get("method", "pairwise"), adjust=spec.get("adjust"),
                           ref=spec.get("ref"), by=[] if by == "NULL" else by,
                           interaction=spec.get("interaction"))
        if call["contrast2"] is not None:
            spec = call["contrast2"]
            by = spec.get("by")
            emm = contrast(emm, spec["method"], adjust=spec.get("adjust"),
                           by=[] if by == "NULL" else by)
        if call["regrid"] == "after":
            emm = regrid(emm)
        options = dict(call["summary"] or {})
        if "infer" in options:
            options["infer"] = tuple(options["infer"])
        if call["confint"]:
            frame = emm.confint(**options)
        else:
            frame = emm.summary(**options)
    return emm, frame


def _numbers(values: list[Any]) -> np.ndarray:
    return np.array([math.nan if v is None else math.inf if v == "Inf" else
                     -math.inf if v == "-Inf" else v for v in values], dtype=float)


def _multiple(call: dict[str, Any]) -> bool:
    spec = call["contrast"] or {}
    adjust = (call["summary"] or {}).get("adjust") or spec.get("adjust")
    method = spec.get("method", "")
    if adjust is None:
        adjust = "tukey" if "pairwise" in method else "dunnettx" if "trt" in method else "none"
    return adjust in ("tukey", "dunnettx")


@pytest.mark.parametrize("case,index", CALLS, ids=[f"{c['id']}-{i}" for c, i in CALLS])
def test_summary_matches_r(case: dict[str, Any], index: int) -> None:
    call = case["calls"][index]
    _, frame = run_call(case, call)
    assert list(frame.columns) == call["columns"]
    for column in call["columns"]:
        expected = call["frame"][column]
        if expected and isinstance(expected[0], str) and expected[0] not in ("Inf", "-Inf"):
            # R's contrast() makes a numeric by variable a factor ("25"); here it stays a
            # number, printed as R prints the factor
            assert [r_character(v) for v in frame[column]] == expected, column
            continue
        want = _numbers(expected)
        got = frame[column].to_numpy(dtype=float)
        assert np.array_equal(np.isinf(got), np.isinf(want)), column
        finite = np.isfinite(want)
        loose = _multiple(call) and (column == "p.value" or column.endswith("CL"))
        message = f"{case['id']} call {index} column {column}"
        if loose:
            np.testing.assert_allclose(got[finite], want[finite], rtol=1e-6, atol=1e-9,
                                       err_msg=message)
        elif column in ("z.ratio", "t.ratio", "estimate"):  # some are 0 but for rounding
            np.testing.assert_allclose(got[finite], want[finite], rtol=RTOL, atol=1e-12,
                                       err_msg=message)
        else:
            assert_close(got[finite], want[finite], RTOL, err_msg=message)


@pytest.mark.parametrize("case,index", CALLS, ids=[f"{c['id']}-{i}" for c, i in CALLS])
def test_printed_text_matches_r(case: dict[str, Any], index: int) -> None:
    call = case["calls"][index]
    _, frame = run_call(case, call)
    assert str(frame).split("\n") == call["text"]


def test_consec_needs_an_adjustment() -> None:
    m = fitted(CASES[0])
    with pytest.raises(gf.errors.ArgumentTypeError, match="mvt"):
        contrast(emmeans(m, "source"), "consec")


def test_weights_must_be_an_emmeans_option() -> None:
    m = fitted(CASES[0])
    with pytest.raises(gf.errors.ArgumentTypeError, match="proportional"):
        emmeans(m, "source", weights="counts")


def test_null_must_be_a_number() -> None:
    m = fitted(CASES[0])
    with pytest.raises(gf.errors.ArgumentTypeError, match="null"):
        emmeans(m, "source").summary(null="1")  # type: ignore[arg-type]


def test_at_choosing_factor_levels_raises_no_pandas_warning() -> None:
    m = fitted(CASES[3])  # poisson_warpbreaks (wool * tension)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas deprecates recoding to fewer categories
        warnings.simplefilter("ignore", gf.errors.GLMWarning)
        frame = emmeans(m, "tension", at={"tension": ["H", "L"]}).frame
    assert frame["tension"].tolist() == ["H", "L"]


def test_a_level_unused_in_the_fit_raises_no_pandas_warning() -> None:
    case = next(c for c in CASES if c["id"] == "quasipoisson_unused_level_poly")
    assert "Z" in list(case_frame(case)["tension"].cat.categories)
    m = fitted(case)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # new rows coded by the categories they hold (no Z)
        warnings.simplefilter("ignore", gf.errors.GLMWarning)
        frame = emmeans(m, "tension").frame
    assert frame["tension"].tolist() == ["L", "M", "H"]


def test_cov_reduce_must_give_numbers() -> None:
    m = fitted(CASES[0])
    with pytest.raises(gf.errors.ArgumentTypeError, match="cov_reduce"):
        emmeans(m, "source", cov_reduce="median")
