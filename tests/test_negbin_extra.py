"""glm_nb against MASS::glm.nb with prior weights, an offset term, a link given
in the call and na_action="exclude": coefficients, theta, the recorded call,
predictions, confidence intervals, sandwich covariances and car::Anova.

Reference values: tests/golden/negbin_extra_golden.json, written by
tests/golden/make_golden_negbin_extra.R.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from compare import case_frame, golden_cases, relative_difference

import glmformula as gf
from glmformula.robust import vcov_hc

CASES = golden_cases("negbin_extra")
IDS = [c["id"] for c in CASES]
RTOL = 1e-6  # R iterates theta


def _fit(case: dict) -> tuple[gf.GLMResult, object]:
    frame = case_frame(case)
    kwargs = {"link": case["link"]} if case["link"] else {}
    if case["na_action"] != "omit":  # as the R call names na.action only when given
        kwargs["na_action"] = case["na_action"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = gf.glm_nb(case["formula"], data=frame, weights=case["weights"],
                          data_name="q", **kwargs)
    return model, frame.iloc[case["newrows"]]


def _close(ours, theirs, label: str) -> None:
    diff = relative_difference(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float))
    assert diff <= RTOL, f"{label}: relative difference {diff:.3e}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fit_equals_glm_nb(case):
    model, _ = _fit(case)
    ex = case["expected"]
    _close(model.summary().coefficients.to_numpy(), ex["coefficients"], "coefficients")
    _close([model.theta, model.theta_se, model.twologlik, model.aic, model.deviance,
            model.null_deviance],
           [ex["theta"], ex["theta_se"], ex["twologlik"], ex["aic"], ex["deviance"],
            ex["null_deviance"]], "theta and fit statistics")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_printed_call_equals_glm_nb(case):
    model, _ = _fit(case)
    lines = str(model.summary()).strip("\n").splitlines()
    expected = [line.rstrip() for line in case["expected"]["call"].splitlines()]
    start = lines.index("Call:") + 1
    assert [line.rstrip() for line in lines[start:start + len(expected)]] == expected


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_predict_confint_vcov_anova_equal_r(case):
    model, newrows = _fit(case)
    ex = case["expected"]
    pred = model.predict(newdata=newrows, type="response", se_fit=True)
    _close(pred.fit, ex["fit"], "fit")
    _close(pred.se_fit, ex["se_fit"], "se_fit")
    _close(model.confint().to_numpy(), ex["confint"], "profile confint")
    _close(model.confint(method="wald").to_numpy(), ex["confint_wald"], "Wald confint")
    _close(vcov_hc(model, "HC0").to_numpy(), ex["HC0"], "HC0")
    _close(vcov_hc(model, "HC3").to_numpy(), ex["HC3"], "HC3")
    lr = gf.anova(model, type=2)
    assert list(lr.data.index) == ex["anova2_lr_rows"]
    for name, values in ex["anova2_lr"].items():
        # LR statistics are differences of refitted deviances (theta re-estimated)
        np.testing.assert_allclose(lr.data[name].to_numpy(dtype=float), values,
                                   rtol=1e-5, atol=1e-8, err_msg=name)
    wald = gf.anova(model, type=2, test="Wald")
    for name, values in ex["anova2_wald"].items():
        _close(wald.data[name].to_numpy(dtype=float), values, name)
