"""Bias-reduced fits against R's brglm2 (tests/golden/make_golden_brglm.R).

Every case is fitted with ``method="brglmFit"`` and the case's ``type`` at
brglm2's tight setting (epsilon 1e-12), and compared with brglm2: coefficients,
standard errors, the z tests, the dispersion brglmFit estimates, deviance,
null deviance (brglm2's intercept-only fit of the same type), AIC, the
iteration count and convergence, the fitted values, the whole printed
summary (brglm2's layout with "Type of estimator") and print(m) (R's print.glm).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf
from glmformula.brglm_result import BRGLMResult

CASES = golden_cases("brglm")
IDS = [case["id"] for case in CASES]
RTOL = 1e-8


def plain_quotes(text: str) -> str:
    return text.replace("\u2018", "'").replace("\u2019", "'")


def fit(case: dict[str, Any]) -> BRGLMResult:
    extra = {} if case["type"] is None else {"type": case["type"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gf.errors.AliasingWarning)
        warnings.simplefilter("ignore", gf.errors.ConvergenceWarning)
        model = gf.glm(case["formula"], data=case_frame(case), family=case["py_family"],
                       method=case["method"], control=case["control"],
                       data_name=case["data_name"], weights=case["weights"],
                       start=case["start"],
                       **extra)
    assert isinstance(model, BRGLMResult)
    return model


def values(named: dict[str, float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in named.values()], dtype=float)


def test_the_golden_file_covers_what_the_issue_asks() -> None:
    types = {case["type"] or "AS_mixed" for case in CASES}
    assert types == {"AS_mixed", "AS_mean", "AS_median", "correction", "MPL_Jeffreys", "ML"}
    families = {(case["family"], case["link"]) for case in CASES}
    assert {("binomial", link) for link in ("logit", "probit", "cloglog", "cauchit", "log")} \
        <= families
    assert {"poisson", "Gamma", "inverse.gaussian", "gaussian"} <= {f for f, _ in families}
    assert len(CASES) >= 8


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_estimates_and_standard_errors_are_brglm2s(case: dict[str, Any]) -> None:
    model, expected = fit(case), case["expected"]
    assert list(model.coef.index) == list(expected["coefficients"])
    assert_close(model.coef.to_numpy(), values(expected["coefficients"]), RTOL)
    table = model.summary().coefficients
    assert_close(table["Std. Error"].to_numpy(), values(expected["std_errors"]), RTOL)
    assert_close(table.iloc[:, 2].to_numpy(), values(expected["statistic"]), RTOL)
    assert_close(table.iloc[:, 3].to_numpy(), values(expected["p_values"]), 1e-6)
    assert table.columns[2] == expected["statistic_name"]
    assert_close(model.fitted.to_numpy(), expected["fitted"], RTOL)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fit_statistics_are_brglm2s(case: dict[str, Any]) -> None:
    model, expected = fit(case), case["expected"]
    ours = [model.dispersion, model.deviance, model.null_deviance, model.aic]
    theirs = [np.nan if expected[k] is None else expected[k]
              for k in ("dispersion", "deviance", "null_deviance", "aic")]
    assert_close(ours, theirs, RTOL)
    assert (model.df_residual, model.df_null) == (expected["df_residual"], expected["df_null"])
    assert model.iterations == expected["iter"]
    assert model.converged == expected["converged"]
    assert model.type == expected["type"]


def exact_zero_estimate(case: dict[str, Any]) -> bool:
    """A coefficient that is 0 in exact arithmetic (all-zero responses): R prints its
    rounding noise, which no other computation reproduces."""
    b = np.abs(values(case["expected"]["coefficients"]))
    return bool(np.nanmin(b) < 1e-12 * np.nanmax(b))


TEXT_CASES = [case for case in CASES if not exact_zero_estimate(case)]


@pytest.mark.parametrize("case", TEXT_CASES, ids=[case["id"] for case in TEXT_CASES])
def test_summary_prints_as_brglm2(case: dict[str, Any]) -> None:
    ours = plain_quotes(str(fit(case).summary())).rstrip("\n")
    assert ours == case["expected"]["summary_text"].rstrip("\n")


@pytest.mark.parametrize("case", TEXT_CASES, ids=[case["id"] for case in TEXT_CASES])
def test_print_is_rs_print_glm(case: dict[str, Any]) -> None:
    assert repr(fit(case)).rstrip("\n") == case["expected"]["print_text"].rstrip("\n")


def test_default_type_is_as_mixed_and_the_call_records_method_and_type() -> None:
    case = next(c for c in CASES if c["type"] is None)
    model = fit(case)
    assert model.type == "AS_mixed"
    assert 'method = "brglmFit"' in model.call and "type =" not in model.call
    other = next(c for c in CASES if c["method"] == "brglm_fit")
    assert fit(other).call.endswith('method = "brglm_fit", type = "AS_mean")')


ANOVA = [case for case in CASES if "anova" in case]


@pytest.mark.parametrize("case", ANOVA, ids=[case["id"] for case in ANOVA])
def test_sequential_anova_refits_with_the_same_estimator(case: dict[str, Any]) -> None:
    table = gf.anova(fit(case)).data
    expected = case["anova"]
    assert_close(table["Resid. Dev"].to_numpy(), expected["resid_dev"], RTOL)
    assert_close(table["Deviance"].to_numpy(), values(dict(enumerate(expected["deviance"]))),
                 RTOL)


TRACED = [case for case in CASES if "trace_text" in case]


@pytest.mark.parametrize("case", TRACED, ids=[case["id"] for case in TRACED])
def test_trace_prints_as_brglm2(case: dict[str, Any], capsys: pytest.CaptureFixture[str]
                                ) -> None:
    fit({**case, "control": {**case["control"], "trace": True}})
    printed = capsys.readouterr().out
    assert printed.rstrip("\n") == case["trace_text"].rstrip("\n")
