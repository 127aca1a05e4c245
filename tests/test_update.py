"""update(), update.formula() and what a fit remembers (formula, data, call), against R.

Golden values: tests/golden/workflow_golden.json (make_golden_workflow.R): R's
``update.formula`` text, and ``update()`` fits (formula, coefficients, deviance,
rows, AIC, theta) for formula and family updates, glm and glm.nb.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close
from workflow import GOLDEN, fit_difference, fit_spec, frame, python_family

import glmformula as gf
from glmformula.rformula import deparse_formula, expand_terms, update_formula

FORMULAS = GOLDEN["formulas"]
UPDATES = GOLDEN["update"]
RTOL = 1e-8


@pytest.mark.parametrize("case", FORMULAS, ids=[f"{c['old']} | {c['new']}" for c in FORMULAS])
def test_update_formula_as_r(case):
    assert update_formula(case["old"], case["new"]) == case["expected"]


def _updated(case):
    model = fit_spec(case["base"])
    options = {}
    if case["update"]["family"] is not None:
        options["family"] = python_family(case["update"]["family"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model, model.update(case["update"]["formula"], **options)


@pytest.mark.parametrize("case", UPDATES, ids=[c["id"] for c in UPDATES])
def test_update_as_r(case):
    model, updated = _updated(case)
    expected = case["expected"]
    assert updated.formula == expected["formula"]
    rtol = 1e-6 if expected["theta"] is not None else RTOL
    assert fit_difference(updated, expected) <= rtol
    assert updated.data is model.data  # the same data, not a copy
    assert type(updated) is type(model)


def test_update_function_and_method_agree():
    case = next(c for c in UPDATES if c["id"] == "budworm_sex_times_centred_dose")
    model, updated = _updated(case)
    again = gf.update(model, case["update"]["formula"])
    np.testing.assert_array_equal(again.coef.to_numpy(), updated.coef.to_numpy())


def test_model_remembers_formula_data_and_family():
    wb = gf.datasets.load("warpbreaks")
    before = wb.copy()
    m = gf.glm("breaks~wool*tension", data=wb, family="poisson")
    assert m.data is wb
    assert m.formula == "breaks ~ wool * tension"  # R's deparse of formula(m)
    assert m.family.name == "poisson"
    dot = gf.glm("breaks ~ .", data=wb, family="poisson")
    assert dot.formula == "breaks ~ wool + tension"  # "." expanded, as R's formula(m)
    gf.step(m, trace=False)
    m.update(". ~ . - wool:tension")
    pd.testing.assert_frame_equal(wb, before)  # never modified


def test_update_without_formula_keeps_the_dot_and_reads_new_data():
    """R keeps the call's formula: its "." is expanded anew on new data."""
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ .", data=wb[["breaks", "wool"]], family="poisson")
    m2 = m.update(data=wb)
    assert m2.formula == "breaks ~ wool + tension"
    assert m2.data is wb
    assert "data = wb" in m2.call


def test_update_drops_rows_with_missing_values_of_a_new_variable():
    aq = gf.datasets.load("airquality")
    m = gf.glm("Ozone ~ Wind", data=aq)
    m2 = m.update("~ . + Solar.R")
    assert (m.n_rows, m2.n_rows) == (116, 111)


def test_update_keeps_array_weights_and_offset_over_the_data_rows():
    ins = gf.datasets.load("Insurance").astype({"Claims": float})
    ins.loc[3, "Claims"] = np.nan
    offset = np.log(ins["Holders"].to_numpy())
    weights = np.linspace(0.5, 2.0, len(ins))
    m = gf.glm("Claims ~ District", data=ins, family="poisson", offset=offset, weights=weights)
    m2 = m.update(". ~ . + Age")
    direct = gf.glm("Claims ~ District + Age", data=ins, family="poisson", offset=offset,
                    weights=weights)
    assert_close(m2.coef, direct.coef, rtol=1e-12)
    assert m2.update(". ~ . - Age").deviance == pytest.approx(m.deviance, rel=1e-12)


def test_update_keeps_control_and_safe_mode():
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool", data=wb, family="poisson", control={"epsilon": 1e-12},
               safe=True)
    m2 = m.update(". ~ . + tension")
    assert m2.control.epsilon == 1e-12 and m2.design.safe
    with pytest.raises(gf.FormulaError):
        m.update(". ~ . + __import__('os').getcwd()")


def test_update_of_glm_nb_starts_from_its_theta_and_refuses_family():
    quine = gf.datasets.load("quine")
    nb = gf.glm_nb("Days ~ Eth + Sex", data=quine)
    same = nb.update()
    assert same.theta == pytest.approx(nb.theta, rel=1e-6)
    assert f"init.theta = {float(f'{nb.theta:.10g}'):.15g}" in nb.call
    with pytest.raises(gf.ArgumentTypeError, match="no family="):
        nb.update(family="poisson")
    assert nb.update(init_theta=5.0, link="sqrt").family.link.name == "sqrt"


def test_update_uses_the_callers_new_functions():
    def twice(x):
        return 2 * x

    cars = gf.datasets.load("cars")
    m = gf.glm("dist ~ speed", data=cars)
    m2 = m.update(". ~ twice(speed)")
    assert m2.coef.iloc[1] == pytest.approx(m.coef.iloc[1] / 2, rel=1e-12)


def test_update_errors():
    cars = gf.datasets.load("cars")
    m = gf.glm("dist ~ speed", data=cars)
    with pytest.raises(gf.ArgumentTypeError, match="family with its link"):
        m.update(link="log")
    with pytest.raises(gf.ArgumentTypeError, match="formula must be a str"):
        m.update(3)
    with pytest.raises(gf.FormulaError, match="invalid power"):
        m.update(". ~ .^x")
    with pytest.raises(gf.FormulaError):
        m.update(". ~ (speed")
    with pytest.raises(gf.ArgumentTypeError, match="fitted models"):
        gf.update("dist ~ speed")


def test_terms_and_deparse():
    t = expand_terms("y ~ (a + b)/c + offset(log(n)) - 1")
    assert (t.labels, t.intercept, t.offsets) == (["a", "b", "a:b:c"], False,
                                                  ["offset(log(n))"])
    assert deparse_formula("y~a%in%b+I(x^2)+log(x,base=10)") == (
        "y ~ a %in% b + I(x^2) + log(x, base = 10)")
    assert deparse_formula("cbind(s, n-s) ~ -1 + x") == "cbind(s, n - s) ~ -1 + x"


def test_selection_headings_deparse_the_formula_as_r():
    """drop1/step print the model's formula as R's deparse (spaces around * and +)."""
    h = gf.datasets.load("housing")
    m = gf.glm("Freq ~ Infl*Type*Cont + Sat", data=h, family="poisson")
    assert "Model:\nFreq ~ Infl * Type * Cont + Sat\n" in str(gf.drop1(m))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        gf.step(gf.glm("breaks~wool", data=frame("warpbreaks"), family="poisson"),
                scope="~.*tension")
    assert "Start:  AIC=560\nbreaks ~ wool\n" in out.getvalue()


def test_update_keeps_subset_and_contrasts():
    """R's update re-evaluates the whole call: the subset and the contrasts stay."""
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool", data=wb, family="poisson", subset='tension != "H"',
               contrasts={"wool": "contr.sum"})
    m2 = m.update(". ~ . + tension")
    direct = gf.glm("breaks ~ wool + tension", data=wb, family="poisson",
                    subset='tension != "H"', contrasts={"wool": "contr.sum"})
    assert m2.n_rows == m.n_rows == 36
    assert_close(m2.coef, direct.coef, rtol=1e-12)
    assert list(m2.coef.index) == ["(Intercept)", "wool1", "tensionM"]
    assert m.update(subset=None).n_rows == 54  # an argument given anew replaces the fit's
