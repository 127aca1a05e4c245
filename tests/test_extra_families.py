"""negative.binomial(theta), statmod's tweedie and MASS's glm.nb against R, at 1e-8 relative."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from compare import (
    RTOL,
    _data_name,
    case_frame,
    coefficient_block,
    golden_cases,
    relative_difference,
)

import glmformula as gf
from glmformula.families_extra import NegativeBinomial, Tweedie

CASES = golden_cases("extra_families")


def fit(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case.get("glm_nb"):
            return gf.glm_nb(case["formula"], data=case_frame(case), control=case["control"],
                             context={"np": np, "log": np.log}, data_name=_data_name(case))
        return gf.glm(case["formula"], data=case_frame(case),
                      family=gf.get_family(case["py_family"]), control=case["control"],
                      context={"np": np, "log": np.log}, data_name=_data_name(case))


def quantities(model, exp):
    summary = model.summary().coefficients
    names = list(exp["coefficients"])
    return {
        "coefficients": (model.coef.to_numpy(), [exp["coefficients"][k] for k in names]),
        "std_errors": (summary["Std. Error"].to_numpy(), list(exp["std_errors"].values())),
        "statistic": (summary.iloc[:, 2].to_numpy(), list(exp["statistic"].values())),
        "p_values": (summary.iloc[:, 3].to_numpy(), list(exp["p_values"].values())),
        "deviance": (model.deviance, exp["deviance"]),
        "null_deviance": (model.null_deviance, exp["null_deviance"]),
        "df_residual": (model.df_residual, exp["df_residual"]),
        "df_null": (model.df_null, exp["df_null"]),
        "dispersion": (model.dispersion, exp["dispersion"]),
        "iterations": (model.iterations, exp["iter"]),
        "converged": (float(model.converged), float(exp["converged"])),
        "fitted": (model.fitted.to_numpy(), exp["fitted"]),
        **{k: (getattr(model, k), exp[k]) for k in ("theta", "theta_se", "twologlik", "loglik")
           if k in exp},
    }


def test_cases_cover_both_families():
    families = [c["expected"]["family"] for c in CASES]
    assert sum(f.startswith("Negative Binomial") for f in families) >= 2
    assert sum(f == "Tweedie" for f in families) >= 3
    assert sum(bool(c.get("glm_nb")) for c in CASES) >= 2


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_numbers_equal_r(case):
    model = fit(case)
    exp = case["expected"]
    failures = {}
    for name, (ours, theirs) in quantities(model, exp).items():
        diff = relative_difference(ours, theirs)
        if not diff <= RTOL:
            failures[name] = diff
    if exp["aic"] is None:
        assert math.isnan(model.aic)
    elif not relative_difference(model.aic, exp["aic"]) <= RTOL:
        failures["aic"] = relative_difference(model.aic, exp["aic"])
    assert list(model.coef.index) == list(exp["coefficients"])
    assert model.summary().statistic_name == exp["statistic_name"]
    assert not failures, f"relative differences above {RTOL}: {failures}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_labels_and_printed_summary_equal_r(case):
    model = fit(case)
    exp = case["expected"]
    assert model.family.label == exp["family"]
    assert model.family.link.name == exp["link"]
    ours, theirs = str(model.summary()), exp["summary_text"]
    assert coefficient_block(ours) == coefficient_block(theirs)
    tail = "Number of Fisher Scoring"  # glm.nb: theta, its SE and 2 x log-likelihood follow
    assert ours.split(tail)[1].rstrip() == theirs.split(tail)[1].rstrip()


def test_lookup_spellings():
    assert gf.get_family("negative.binomial(2)") == NegativeBinomial(2)
    assert gf.get_family("negative_binomial", theta=2) == NegativeBinomial(2)
    assert gf.get_family("negative_binomial", link="sqrt", theta=2).link.name == "sqrt"
    assert gf.get_family("tweedie", var_power=1.5, link_power=0) == Tweedie(1.5, 0)
    assert gf.get_family("tweedie(var.power = 2.5)").link.name == "mu^-1.5"
    assert Tweedie(1.5, link="log") == Tweedie(1.5, link_power=0)
    assert NegativeBinomial(1.234567).label == "Negative Binomial(1.2346)"


def test_bad_arguments():
    with pytest.raises(gf.FamilyError):
        NegativeBinomial(0)
    with pytest.raises(gf.FamilyError):
        NegativeBinomial(2, link="logit")
    with pytest.raises(gf.FamilyError):
        gf.get_family("negative_binomial")
    with pytest.raises(gf.FamilyError):
        Tweedie(1.5, link="probit")
    with pytest.raises(gf.ResponseError):
        gf.glm("y ~ 1", data={"y": [-1.0, 2.0, 3.0]}, family=NegativeBinomial(2))
