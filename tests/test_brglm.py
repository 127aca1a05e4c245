"""gf.glm(..., method="brglmFit"): arguments, the result's methods, hostile inputs.

The numbers themselves are checked against brglm2 in test_brglm_golden.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf
from glmformula.brglm_result import BRGLMResult
from glmformula.errors import (
    ArgumentTypeError,
    ConvergenceWarning,
    DataError,
    FamilyError,
    SeparationWarning,
)
from glmformula.separation import detect_separation

TIGHT = {"epsilon": 1e-12, "maxit": 1000}


@pytest.fixture(scope="module")
def endo() -> pd.DataFrame:
    return case_frame(next(c for c in golden_cases("brglm") if c["id"].startswith("endometrial")))


def brglm(formula: str, data: pd.DataFrame, **kwargs: object) -> BRGLMResult:
    kwargs.setdefault("family", "binomial")
    model = gf.glm(formula, data=data, method="brglmFit", control=TIGHT, **kwargs)
    assert isinstance(model, BRGLMResult)
    return model


# --- arguments ------------------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "match"), [
    ({"method": "brglm"}, "unknown method 'brglm'; use one of 'glm.fit', 'brglmFit'"),
    ({"method": "brglmFit", "type": "AS_foo"}, "unknown type 'AS_foo'.*'AS_mixed', 'AS_mean'"),
    ({"type": "AS_mean"}, "needs method='brglmFit'"),
    ({"method": "brglmFit", "control": {"tol": 1}}, r"unknown control setting\(s\) \['tol'\]"),
    ({"method": "brglmFit", "control": {"slowit": 0}}, "slowit must be a number > 0"),
    ({"method": "brglmFit", "type": "ML", "control": {"type": "AS_mean"}}, "differ"),
])
def test_bad_arguments_are_clear_errors(endo, kwargs, match):
    with pytest.raises(ArgumentTypeError, match=match):
        gf.glm("HG ~ NV + PI + EH", data=endo, family="binomial", **kwargs)


@pytest.mark.parametrize(("family", "match"), [
    ("quasibinomial", "does not support the quasi, quasipoisson and quasibinomial"),
    ('binomial(link = "loglog")', "does not support the 'loglog' link"),
    ("negative.binomial(2)", "does not support the Negative Binomial"),
])
def test_unsupported_families_and_links_are_refused(endo, family, match):
    with pytest.raises(FamilyError, match=match):
        gf.glm("HG ~ NV + PI + EH", data=endo, family=family, method="brglmFit")


def test_glm_fit_is_the_default_and_unchanged(endo):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = gf.glm("HG ~ PI + EH", data=endo, family="binomial")
        named = gf.glm("HG ~ PI + EH", data=endo, family="binomial", method="glm.fit")
    assert not isinstance(plain, BRGLMResult)
    assert plain.coef.tolist() == named.coef.tolist()


def test_brglm2_defaults_and_the_alias(endo):
    default = gf.glm("HG ~ NV + PI + EH", data=endo, family="binomial", method="brglmFit")
    assert (default.control.epsilon, default.control.maxit) == (1e-6, 100)
    alias = gf.glm("HG ~ NV + PI + EH", data=endo, family="binomial", method="brglm_fit")
    assert alias.coef.tolist() == default.coef.tolist()


def test_separated_data_give_finite_estimates_without_a_separation_warning(endo):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = brglm("HG ~ NV + PI + EH", endo, type="AS_mean")
    assert model.converged and np.all(np.isfinite(model.coef))
    assert not [w for w in caught if issubclass(w.category, SeparationWarning)]
    assert model.infinite_estimates is None


def test_the_data_are_not_modified(endo):
    before = endo.copy()
    brglm("HG ~ NV + PI + EH", endo)
    pd.testing.assert_frame_equal(endo, before)


# --- the result's methods -------------------------------------------------------------
def test_predict_uses_the_bias_reduced_estimates(endo):
    model = brglm("HG ~ NV + PI + EH", endo, type="AS_mean")
    new = endo.head(3)
    X = np.column_stack([np.ones(3), new[["NV", "PI", "EH"]].to_numpy()])
    eta = X @ model.coef.to_numpy()
    pred = model.predict(new, se_fit=True)
    assert_close(pred["fit"].to_numpy(), eta, 1e-12)
    se = np.sqrt(np.einsum("ij,jk,ik->i", X, model.vcov.to_numpy(), X))
    assert_close(pred["se_fit"].to_numpy(), se, 1e-12)
    assert_close(model.predict(new, type="response").to_numpy(), 1 / (1 + np.exp(-eta)), 1e-12)


def test_confint_is_wald_and_profile_is_refused(endo):
    model = brglm("HG ~ NV + PI + EH", endo)
    ci = model.confint()
    z = 1.959963984540054
    assert_close(ci.iloc[:, 0].to_numpy(), (model.coef - z * model.std_errors).to_numpy(), 1e-12)
    assert ci.equals(model.confint(method="wald"))
    with pytest.raises(ArgumentTypeError, match="method='wald'"):
        model.confint(method="profile")


def test_anova_compares_brglm_fits_and_refits_with_the_same_estimator(endo):
    small = brglm("HG ~ PI + EH", endo, type="AS_mean")
    large = brglm("HG ~ PI + EH + NV", endo, type="AS_mean")
    table = gf.anova(small, large, test="Chisq")
    assert_close(table.data["Deviance"].to_numpy()[1:], [small.deviance - large.deviance], 1e-12)
    sequential = gf.anova(large)
    assert_close(sequential.data["Resid. Dev"].to_numpy()[2], small.deviance, 1e-8)


def test_update_keeps_the_method_and_type(endo):
    model = brglm("HG ~ NV + PI + EH", endo, type="AS_median")
    smaller = model.update(". ~ . - PI")
    assert isinstance(smaller, BRGLMResult) and smaller.type == "AS_median"


def test_summary_explains_what_bias_reduction_changes(endo):
    notes = brglm("HG ~ NV + PI + EH", endo, type="AS_mean").summary(explain=True).explanations
    assert "not maximum likelihood estimates" in notes[0] and "Firth" in notes[0]
    assert "stay finite when the data are separated" in notes[0]
    gamma = case_frame(next(c for c in golden_cases("brglm") if "Gamma" in c["id"]))
    text = " ".join(brglm("lot1 ~ log(u)", gamma, family="Gamma").summary(
        explain=True).explanations)
    assert "dispersion" in text and "Pearson" in text and "separated" not in text
    pois = case_frame(next(c for c in golden_cases("brglm") if "zero_cell" in c["id"]))
    note = brglm("count ~ a * b", pois, family="poisson").summary(explain=True).explanations[0]
    assert "only zero counts" in note


def test_integer_weights_equal_duplicated_rows():
    d = pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5], "y": [0.0, 0, 1, 0, 1, 1],
                      "w": [2.0, 1, 3, 1, 2, 1]})
    long = d.loc[d.index.repeat(d["w"].astype(int))].reset_index(drop=True)
    weighted = brglm("y ~ x", d, weights="w", type="AS_mean")
    duplicated = brglm("y ~ x", long, type="AS_mean")
    assert_close(weighted.coef.to_numpy(), duplicated.coef.to_numpy(), 1e-8)
    assert_close(weighted.std_errors.to_numpy(), duplicated.std_errors.to_numpy(), 1e-8)


# --- hostile inputs -------------------------------------------------------------------
def test_one_row_with_a_constant_predictor_aliases_it():
    with pytest.warns(gf.errors.AliasingWarning, match="aliased columns: x"):
        model = brglm("y ~ x", pd.DataFrame({"x": [1.0], "y": [1.0]}), type="AS_mean")
    assert np.isnan(model.coef["x"]) and model.coef["(Intercept)"] == pytest.approx(np.log(3))


def test_no_residual_degrees_of_freedom_for_a_dispersion_is_an_error():
    d = pd.DataFrame({"u": [5.0, 10.0], "y": [118.0, 58.0]})
    with pytest.raises(DataError, match="dispersion cannot be estimated"):
        brglm("y ~ log(u)", d, family="Gamma", type="AS_mean")


def test_non_convergence_warns_and_says_so(endo):
    with pytest.warns(ConvergenceWarning, match="brglmFit: algorithm did not converge"):
        model = gf.glm("HG ~ NV + PI + EH", data=endo, family="binomial", method="brglmFit",
                       control={"maxit": 2})
    assert not model.converged and model.iterations == 2


def test_chunked_data_are_refused(endo):
    dd = pytest.importorskip("dask.dataframe")
    with pytest.raises(DataError, match="needs the data in memory"):
        gf.glm("HG ~ NV", data=dd.from_pandas(endo, npartitions=2), family="binomial",
               method="brglmFit")


def test_the_bundled_endometrial_data_are_brglm2s(endo):
    bundled = gf.datasets.load("endometrial")
    assert list(bundled.columns) == ["NV", "PI", "EH", "HG"] and len(bundled) == 79
    assert_close(bundled[["NV", "PI", "EH", "HG"]].to_numpy(float),
                 endo[["NV", "PI", "EH", "HG"]].to_numpy(float), 0)
    assert detect_separation("HG ~ NV + PI + EH", bundled).coefficients["NV"] == np.inf


def test_every_format_names_the_estimator(endo):
    summary = brglm("HG ~ NV + PI + EH", endo, type="MPL_Jeffreys").summary()
    line = "Type of estimator: MPL_Jeffreys (maximum penalized likelihood with Jeffreys'-prior"
    assert line in summary.to_markdown() and line in summary.to_latex()
    assert line.replace("'", "&#x27;") in summary.to_html()
    for text in (summary.to_markdown(), summary.to_latex(), summary.to_html()):
        assert text.index("Type of estimator") < text.index("Number of Fisher Scoring")


def test_the_call_records_start_as_r_does():
    wb = gf.datasets.load("warpbreaks")
    model = gf.glm("breaks ~ wool", wb, "poisson", start=[3.0, 0.25], data_name="wb")
    assert model.call == "glm(formula = breaks ~ wool, family = poisson, data = wb, " \
        "start = c(3, 0.25))"


@pytest.mark.parametrize(("name", "formula", "family"), [
    ("budworm", "cbind(numdead, numalive) ~ sex + ldose", "binomial"),
    ("warpbreaks", "breaks ~ wool + tension", "poisson"),
    ("clotting", "time ~ log(u) + lot", "Gamma"),
])
def test_type_ml_is_the_maximum_likelihood_fit(name, formula, family):
    data = gf.datasets.load(name)
    ml = gf.glm(formula, data=data, family=family, control=TIGHT)
    br = brglm(formula, data, family=family, type="ML")
    assert_close(br.coef.to_numpy(), ml.coef.to_numpy(), 1e-8)
    assert br.deviance == pytest.approx(ml.deviance, rel=1e-10)
    if family == "Gamma":  # ML dispersion: below the Pearson estimate here
        assert br.dispersion < ml.dispersion
    else:
        assert_close(br.std_errors.to_numpy(), ml.std_errors.to_numpy(), 1e-8)


def test_starting_values_outside_the_family_are_a_fit_error():
    d = pd.DataFrame({"x": [0.0, 1, 2, 3, 4, 5], "y": [0.0, 0, 1, 0, 1, 1]})
    with pytest.raises(gf.errors.FitError, match="brglmFit cannot start.*start="):
        gf.glm("y ~ x", data=d, family='binomial(link = "log")', method="brglmFit",
               start=[1.0, 1.0])
