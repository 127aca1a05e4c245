"""The GLM parts of MASS's scripts/ch07.R (Venables & Ripley, "Modern Applied Statistics
with S", chapter 7), redone step by step with glmformula as an R user types them.

Every step compares with R's numbers (and printed text where glmformula prints the
same object) in tests/golden/workflow_golden.json, key "ch07" (make_golden_workflow.R).
Rows follow the script: 7.1 anorexia, 7.2 budworm and birthwt, 7.3 housing, 7.4 quine.
The budworm data are the bundled frame (R's script builds the matrix ``SF`` from
vectors), so formulas say ``cbind(numdead, numalive)`` where the script says ``SF``.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from workflow import GOLDEN, bwt_frame, coefficient_difference, fit_difference, rel

import glmformula as gf

R = GOLDEN["ch07"]
RTOL = 1e-8
RTOL_ITERATED = 1e-6  # stepwise paths and negative binomial fits (R iterates theta)


def _quiet(function, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _ascii(text: str) -> str:
    return text.replace("\u2018", "'").replace("\u2019", "'")


def _coefficient_table(model: gf.GLMResult, expected: dict, rtol: float = RTOL) -> None:
    table = model.summary().coefficients
    assert list(table.index) == expected["names"]
    for j, name in enumerate(("estimate", "se", "statistic", "p")):
        assert rel(table.iloc[:, j], expected[name]) <= rtol, name


def _frame(table: gf.AnovaTable, expected: dict, rtol: float = RTOL) -> None:
    data = table.data
    assert [str(r) for r in data.index] == expected["row_names"]
    for name, values in expected["columns"].items():
        if isinstance(values[0], str) or any(isinstance(v, str) for v in values):
            assert [str(v) for v in data[name]] == values
        else:
            assert rel(data[name], values) <= rtol, name
    assert _ascii(str(table)) == expected["print_text"]


# --- 7.1 anorexia: a gaussian GLM with an offset -------------------------------------
def test_anorexia_offset():
    anorexia = gf.datasets.load("anorexia")
    ax1 = gf.glm("Postwt ~ Prewt + Treat + offset(Prewt)", family="gaussian", data=anorexia)
    assert fit_difference(ax1, R["anorexia"]) <= RTOL
    _coefficient_table(ax1, R["anorexia"]["table"])
    assert rel(ax1.dispersion, R["anorexia"]["dispersion"]) <= RTOL


# --- 7.2 budworm: logistic regression, update() and dose.p ---------------------------
@pytest.fixture(scope="module")
def budworm():
    return gf.datasets.load("budworm")


@pytest.fixture(scope="module")
def budworm_lg(budworm):
    return gf.glm("cbind(numdead, numalive) ~ sex*ldose", family="binomial", data=budworm)


def test_budworm_interaction(budworm_lg):
    assert fit_difference(budworm_lg, R["budworm_lg"]) <= RTOL
    _coefficient_table(budworm_lg, R["budworm_lg"]["table"])


def test_budworm_fitted_curves(budworm_lg):
    ld = np.round(np.arange(0, 5.01, 0.1), 10)
    for sex, key in (("M", "male"), ("F", "female")):
        new = pd.DataFrame({"ldose": ld, "sex": pd.Categorical([sex] * len(ld),
                                                              categories=["F", "M"])})
        assert rel(budworm_lg.predict(new, type="response"), R["budworm_curves"][key]) <= RTOL


def test_budworm_update_centred_dose(budworm_lg):
    lga = budworm_lg.update(". ~ sex * I(ldose - 3)")
    assert lga.formula == R["budworm_lgA"]["formula"]
    _coefficient_table(lga, R["budworm_lgA"]["table"])


def test_budworm_quadratic_anova(budworm_lg):
    quadratic = budworm_lg.update(". ~ . + sex * I(ldose^2)")
    _frame(gf.anova(quadratic, test="Chisq"), R["budworm_quadratic_anova"])


@pytest.fixture(scope="module")
def budworm_lg0(budworm):
    return gf.glm("cbind(numdead, numalive) ~ sex + ldose - 1", family="binomial",
                  data=budworm)


def test_budworm_separate_intercepts(budworm_lg0):
    assert fit_difference(budworm_lg0, R["budworm_lg0"]) <= RTOL
    _coefficient_table(budworm_lg0, R["budworm_lg0"]["table"])


def test_budworm_dose_p_logit_and_probit(budworm_lg0):
    # R: dose.p(budworm.lg0, cf = c(1,3), p = 1:3/4); cf is 0-based here
    logit = gf.dose_p(budworm_lg0, cf=[0, 2], p=[0.25, 0.5, 0.75])
    probit = gf.dose_p(budworm_lg0.update(family='binomial(link = "probit")'), cf=[0, 2],
                       p=[0.25, 0.5, 0.75])
    for table, key in ((logit, "dose_logit"), (probit, "dose_probit")):
        assert rel(table["Dose"], R[key]["dose"]) <= RTOL
        assert rel(table["SE"], R[key]["se"]) <= RTOL
        assert str(table) == R[key]["print_text"]


# --- 7.2 birthwt: low ~ . and stepAIC --------------------------------------------------
@pytest.fixture(scope="module")
def bwt():
    return bwt_frame()


@pytest.fixture(scope="module")
def birthwt_glm(bwt):
    return gf.glm("low ~ .", family="binomial", data=bwt)


def test_birthwt_all_predictors(birthwt_glm):
    assert birthwt_glm.formula == R["birthwt_glm"]["formula"]
    assert fit_difference(birthwt_glm, R["birthwt_glm"]) <= RTOL
    _coefficient_table(birthwt_glm, R["birthwt_glm"]["table"])


def test_birthwt_stepaic(birthwt_glm):
    step = gf.stepAIC(birthwt_glm, trace=False)
    assert str(step.step_path) == R["birthwt_step"]["print_text"]
    assert rel(step.step_path["AIC"], R["birthwt_step"]["path_aic"]) <= RTOL_ITERATED


@pytest.fixture(scope="module")
def birthwt_step2(birthwt_glm):
    return gf.stepAIC(birthwt_glm, "~ .^2 + I(scale(age)^2) + I(scale(lwt)^2)", trace=False)


def test_birthwt_stepaic_with_quadratic_scope(birthwt_step2):
    expected = R["birthwt_step2"]
    assert str(birthwt_step2.step_path) == expected["print_text"]
    assert rel(birthwt_step2.step_path["AIC"], expected["path_aic"]) <= RTOL_ITERATED
    assert fit_difference(birthwt_step2, expected) <= RTOL_ITERATED
    _coefficient_table(birthwt_step2, expected["table"], RTOL_ITERATED)


def test_birthwt_classification_table(bwt, birthwt_step2):
    # R: table(bwt$low, predict(birthwt.step2) > 0)
    counts = pd.crosstab(bwt["low"], birthwt_step2.predict() > 0)
    expected = R["birthwt_confusion"]
    assert [str(r) for r in counts.index] == expected["rows"]
    assert [str(c).upper() for c in counts.columns] == expected["columns"]
    assert counts.to_numpy().ravel(order="F").tolist() == expected["counts"]


# --- 7.3 housing: Poisson log-linear models, addterm / dropterm ------------------------
@pytest.fixture(scope="module")
def housing():
    return gf.datasets.load("housing")


@pytest.fixture(scope="module")
def house_glm0(housing):
    return gf.glm("Freq ~ Infl*Type*Cont + Sat", family="poisson", data=housing)


@pytest.fixture(scope="module")
def house_glm1(house_glm0):
    return house_glm0.update(". ~ . + Sat:(Infl+Type+Cont)")


def test_housing_main_effects(house_glm0):
    assert fit_difference(house_glm0, R["house_glm0"]) <= RTOL
    _coefficient_table(house_glm0, R["house_glm0"]["table"])


def test_housing_addterm(house_glm0):
    _frame(gf.addterm(house_glm0, "~. + Sat:(Infl+Type+Cont)", test="Chisq"),
           R["house_addterm"])


def test_housing_update_and_goodness_of_fit(house_glm1):
    from scipy import stats

    assert house_glm1.formula == R["house_glm1"]["formula"]
    assert fit_difference(house_glm1, R["house_glm1"]) <= RTOL
    _coefficient_table(house_glm1, R["house_glm1"]["table"])
    p_fit = stats.chi2.sf(house_glm1.deviance, house_glm1.df_residual)
    assert rel(p_fit, R["house_glm1"]["p_fit"]) <= RTOL


def test_housing_dropterm_and_second_addterm(house_glm1):
    _frame(gf.dropterm(house_glm1, test="Chisq"), R["house_dropterm"])
    _frame(gf.addterm(house_glm1, "~. + Sat:(Infl+Type+Cont)^2", test="Chisq"),
           R["house_addterm2"])


def test_housing_fitted_probabilities(housing, house_glm1):
    # R: predict(house.glm1, expand.grid(hnames), type = "response"), rows of Sat summed
    names = ["Sat", "Infl", "Type", "Cont"]
    levels = [list(housing[c].cat.categories) for c in names]
    grid = pd.DataFrame([row[::-1] for row in itertools.product(*levels[::-1])],
                        columns=names)
    for c in names:
        grid[c] = pd.Categorical(grid[c], categories=housing[c].cat.categories,
                                 ordered=housing[c].cat.ordered)
    means = house_glm1.predict(grid, type="response").to_numpy().reshape(-1, 3)
    probabilities = means / means.sum(axis=1, keepdims=True)
    for j, key in enumerate(("low", "medium", "high")):
        assert rel(probabilities[:, j], R["house_probabilities"][key]) <= RTOL


# --- 7.4 quine: negative binomial family, glm.nb and stepAIC ---------------------------
@pytest.fixture(scope="module")
def quine():
    return gf.datasets.load("quine")


def test_quine_poisson_four_way(quine):
    pois = _quiet(gf.glm, "Days ~ .^4", family="poisson", data=quine)
    assert fit_difference(pois, R["quine_poisson"]) <= RTOL


def test_quine_negative_binomial_2_and_nested_anova(quine):
    nb = _quiet(gf.glm, "Days ~ .^4", family="negative.binomial(2)", data=quine)
    assert fit_difference(nb, R["quine_negbin2"]) <= RTOL
    nb0 = _quiet(nb.update, ". ~ Sex/(Age + Eth*Lrn)")
    assert nb0.formula == R["quine_negbin2_nested"]["formula"]
    assert fit_difference(nb0, R["quine_negbin2_nested"]) <= RTOL
    _frame(gf.anova(nb0, nb, test="Chisq"), R["quine_negbin2_anova"])


@pytest.fixture(scope="module")
def quine_nb(quine):
    return _quiet(gf.glm_nb, "Days ~ .^4", data=quine)


@pytest.fixture(scope="module")
def quine_nb2(quine_nb):
    return _quiet(gf.stepAIC, quine_nb, trace=False)


def test_quine_glm_nb(quine_nb):
    assert fit_difference(quine_nb, R["quine_glm_nb"]) <= RTOL_ITERATED
    assert rel(quine_nb.twologlik, R["quine_glm_nb"]["twologlik"]) <= RTOL_ITERATED


def test_quine_stepaic(quine_nb2):
    expected = R["quine_stepAIC"]
    assert str(quine_nb2.step_path) == expected["print_text"]
    assert rel(quine_nb2.step_path["AIC"], expected["path_aic"]) <= RTOL_ITERATED
    assert fit_difference(quine_nb2, expected) <= RTOL_ITERATED


def test_quine_dropterm(quine_nb2):
    _frame(_quiet(gf.dropterm, quine_nb2, test="Chisq"), R["quine_dropterm"], RTOL_ITERATED)


def test_quine_update_and_anova(quine_nb2):
    nb3 = _quiet(quine_nb2.update, ". ~ . - Eth:Age:Lrn - Sex:Age:Lrn")
    assert fit_difference(nb3, R["quine_nb3"]) <= RTOL_ITERATED
    table = _quiet(gf.anova, quine_nb2, nb3)
    expected = R["quine_nb_anova"]
    assert str(table) == expected["print_text"]
    assert rel(table.data["LR stat."], expected["lr"]) <= RTOL_ITERATED
    assert rel(table.data["Pr(Chi)"], expected["p"]) <= RTOL_ITERATED


def test_quine_theta_and_residuals(quine_nb2):
    # R: c(theta = quine.nb2$theta, SE = quine.nb2$SE.theta)
    assert rel([quine_nb2.theta, quine_nb2.theta_se],
               [R["quine_theta"]["theta"], R["quine_theta"]["se"]]) <= RTOL_ITERATED
    assert rel(quine_nb2.residuals("deviance"),
               R["quine_residuals"]["deviance"]) <= RTOL_ITERATED
    assert rel(quine_nb2.predict(), R["quine_residuals"]["link"]) <= RTOL_ITERATED
    assert coefficient_difference(quine_nb2, R["quine_stepAIC"]["coefficients"]) <= (
        RTOL_ITERATED)
