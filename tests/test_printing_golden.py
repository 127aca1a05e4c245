"""print(m), summary(correlation=, digits=), predict(type="terms"), partial residuals,
confint(parm=) and predictions for newdata with missing predictors, against R
(tests/golden/printing_golden.json, made by make_golden_printing.R)."""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import _data_name, case_frame, fit_case, golden_cases, relative_difference

import glmformula as gf

ALL = golden_cases("printing")
ALL_IDS = [case["id"] for case in ALL]
CASES = [case for case in ALL if not case.get("print_only")]  # those with every part
IDS = [case["id"] for case in CASES]
RTOL = 1e-8
PROFILE_RTOL = 1e-6  # R's profile intervals come from a spline through a few refits
_FITS: dict[str, gf.GLMResult] = {}


def fit(case: dict[str, Any]) -> gf.GLMResult:
    if case["id"] not in _FITS:
        if case.get("glm_nb"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _FITS[case["id"]] = gf.glm_nb(case["formula"], data=case_frame(case),
                                              control=case["control"],
                                              data_name=_data_name(case))
        else:
            _FITS[case["id"]] = fit_case(case)[0]
    return _FITS[case["id"]]


def newdata(case: dict[str, Any]) -> pd.DataFrame:
    return case_frame({"data": case["newdata"]})


def matrix(expected: dict[str, Any]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in expected["values"]],
                    dtype=float)


def plain_quotes(text: str) -> str:
    return text.replace("\u2018", "'").replace("\u2019", "'")


@pytest.mark.parametrize("case", ALL, ids=ALL_IDS)
def test_print_is_rs_print_glm(case):
    model = fit(case)
    assert repr(model) == case["expected"]["print_text"]
    assert str(model) == repr(model)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_correlation_equals_r(case):
    exp = case["expected"]["correlation"]
    summary = fit(case).summary(correlation=True)
    assert summary.correlation is not None
    assert list(summary.correlation.index) == exp["rownames"]
    assert list(summary.correlation.columns) == exp["colnames"]
    assert relative_difference(summary.correlation.to_numpy(), matrix(exp)) <= RTOL
    assert fit(case).summary().correlation is None


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_printed_correlation_equals_r(case):
    text = str(fit(case).summary(correlation=True))
    block = text[text.index("Correlation of Coefficients:"):]
    block = re.sub(r"\n\n +Theta:.*$", "", block, flags=re.DOTALL)  # glm.nb's lines after
    assert block == case["expected"]["correlation_text"]


@pytest.mark.parametrize("digits", ["3", "6"])
@pytest.mark.parametrize("case", ALL, ids=ALL_IDS)
def test_summary_digits_as_r(case, digits):
    ours = plain_quotes(str(fit(case).summary(digits=int(digits))))
    theirs = case["expected"]["summary_digits"][digits]
    assert ours.rstrip("\n").split("\n") == theirs.rstrip("\n").split("\n")


@pytest.mark.parametrize("case", [c for c in ALL if c.get("print_only")],
                         ids=[c["id"] for c in ALL if c.get("print_only")])
def test_summary_without_correlation_block_as_r(case):
    """One coefficient or none: summary(correlation=True) prints no correlation block."""
    ours = plain_quotes(str(fit(case).summary(correlation=True)))
    theirs = case["expected"]["summary_text"]
    assert ours.rstrip("\n").split("\n") == theirs.rstrip("\n").split("\n")


def _compare_terms(ours: pd.DataFrame, exp: dict[str, Any]) -> None:
    assert list(ours["fit"].columns) == exp["fit"]["colnames"]
    assert relative_difference(ours["fit"].to_numpy(), matrix(exp["fit"])) <= RTOL
    assert relative_difference(ours["se_fit"].to_numpy(), matrix(exp["se_fit"])) <= RTOL
    assert relative_difference(ours.attrs["constant"], exp["constant"]) <= RTOL


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_predict_terms_equals_r(case):
    model = fit(case)
    _compare_terms(model.predict(type="terms", se_fit=True), case["expected"]["terms"])
    plain = model.predict(type="terms")
    exp = case["expected"]["terms"]
    assert list(plain.columns) == exp["fit"]["colnames"]
    assert relative_difference(plain.to_numpy(), matrix(exp["fit"])) <= RTOL
    assert relative_difference(plain.attrs["constant"], exp["constant"]) <= RTOL


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_predict_terms_on_newdata_equals_r(case):
    model = fit(case)
    new = newdata(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the aliased fit's warning
        ours = model.predict(new, type="terms", se_fit=True)
    assert list(ours.index) == list(new.index)
    _compare_terms(ours, case["expected"]["terms_newdata"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_partial_residuals_equal_r(case):
    exp = case["expected"]["partial"]
    ours = fit(case).residuals("partial")
    assert list(ours.columns) == exp["colnames"]
    assert relative_difference(ours.to_numpy(), matrix(exp)) <= RTOL


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_predict_newdata_with_missing_predictors_equals_r(case):
    model = fit(case)
    new = newdata(case)
    exp = case["expected"]["predict_newdata"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kind in ("link", "response"):
            ours = model.predict(new, type=kind, se_fit=True)
            assert len(ours) == len(new)
            assert relative_difference(ours["fit"].to_numpy(), exp[kind]["fit"]) <= RTOL
            assert relative_difference(ours["se_fit"].to_numpy(), exp[kind]["se_fit"]) <= RTOL
            as_dict = model.predict({c: new[c].tolist() for c in new.columns}, type=kind)
            assert relative_difference(as_dict.to_numpy(), exp[kind]["fit"]) <= RTOL


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_confint_parm_equals_r(case):
    model = fit(case)
    for item in case["expected"]["confint"]:
        parm = item["parm"]
        for method, rtol in (("wald", RTOL), ("profile", PROFILE_RTOL)):
            exp = item[method]
            ours = model.confint(method=method, parm=parm)
            assert list(ours.index) == exp["rownames"] == parm
            assert list(ours.columns) == exp["colnames"]
            assert relative_difference(ours.to_numpy(), matrix(exp)) <= rtol, method


def test_golden_case_count():
    assert len(CASES) >= 10 and len(ALL) >= 12
    assert sum(len(c["expected"]["confint"]) for c in CASES) >= 10
