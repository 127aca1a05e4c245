"""summary(explain=True) on interactions, transformed terms, offsets, every family and link,
and on a table of textbook models: the facts of each sentence (level, scale, number)."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import glmformula as gf
from glmformula.explain import fmt
from glmformula.explain_coefficients import HOLD
from glmformula.explain_terms import term_info

load = gf.datasets.load


def _sentences(m: gf.GLMResult) -> dict[str, str]:
    """The coefficient sentences of m by coefficient name."""
    notes = m.summary(explain=True).explanations
    out = {}
    for name in m.coef.index:
        hits = [n for n in notes if n.startswith(f"{name}: ")]
        assert len(hits) == 1, (name, notes)
        out[str(name)] = hits[0]
    return out


# --- interactions --------------------------------------------------------------------------
def test_poisson_interaction_main_effects_at_reference_and_ratio_of_ratios() -> None:
    m = gf.glm("breaks ~ wool * tension", data=load("warpbreaks"), family="poisson")
    s = _sentences(m)
    assert "when tension is L (its reference level)" in s["woolB"]
    assert f"by {fmt(math.exp(m.coef['woolB']))}" in s["woolB"]
    assert "when wool is A (its reference level)" in s["tensionM"]
    for name in ("woolB", "tensionM", "tensionH", "woolB:tensionM", "woolB:tensionH"):
        assert HOLD not in s[name]
    inter = s["woolB:tensionM"]
    assert "when tension is M rather than L" in inter and "a ratio of ratios" in inter
    assert f"multiplied by {fmt(math.exp(m.coef['woolB:tensionM']))}" in inter
    assert fmt(math.exp(m.coef["woolB:tensionM"])) == "1.89"
    both = math.exp(m.coef["woolB"] + m.coef["woolB:tensionM"])
    assert f"when tension is M is 0.633 x 1.89 = {fmt(both)}" in inter


def test_gaussian_interaction_difference_of_effects_at_zero() -> None:
    m = gf.glm("len ~ supp * dose", data=load("ToothGrowth"))
    s = _sentences(m)
    # -8.255 (R: -8.255): its last bits decide 8.25 or 8.26, so compare with fmt of it
    assert abs(m.coef["suppVC"] + 8.255) < 1e-10
    assert f"lowers the expected value of len by {fmt(-m.coef['suppVC'])}" in s["suppVC"]
    assert "the effect when dose is 0" in s["suppVC"]
    assert "the effect when supp is OJ (its reference level)" in s["dose"]
    assert "per one-unit increase in dose: +3.9" in s["suppVC:dose"]
    assert "a difference of effects" in s["suppVC:dose"]
    both = m.coef["suppVC"] + m.coef["suppVC:dose"]
    assert f"when dose is 1 is {fmt(m.coef['suppVC'])} + 3.9 = {fmt(both)}" in s["suppVC:dose"]


def test_interaction_with_a_log_term_per_doubling() -> None:
    m = gf.glm("len ~ supp * log(dose)", data=load("ToothGrowth"))
    s = _sentences(m)["suppVC:log(dose)"]
    b = m.coef["suppVC:log(dose)"]
    assert f"changes per doubling of dose: +{fmt(b * math.log(2))} on the expected value" in s
    both = m.coef["suppVC"] + b * math.log(2)  # log(dose) = log(2) at dose 2
    assert f"when dose is 2 is {fmt(m.coef['suppVC'])} + {fmt(b * math.log(2))} = {fmt(both)}" in s


def test_no_intercept_factor_levels_are_baselines() -> None:
    m = gf.glm("breaks ~ 0 + tension + wool", data=load("warpbreaks"), family="poisson")
    s = _sentences(m)
    assert "relative to the reference level" not in s["tensionL"]
    assert "the model has no intercept" in s["tensionM"]
    assert f"expected count of breaks of {fmt(math.exp(m.coef['tensionM']))}" in s["tensionM"]
    assert "relative to the reference level A of wool" in s["woolB"]


def test_logit_interaction_ratio_of_odds_ratios() -> None:
    m = gf.glm("cbind(numdead, numalive) ~ sex * ldose", data=load("budworm"),
               family="binomial")
    s = _sentences(m)
    assert "odds ratio" in s["sexM"] and "when ldose is 0" in s["sexM"]
    assert "a ratio of odds ratios" in s["sexM:ldose"]
    assert f"multiplied by {fmt(math.exp(m.coef['sexM:ldose']))}" in s["sexM:ldose"]


def test_three_way_interaction_conditions_two_way() -> None:
    m = gf.glm("Freq ~ Infl * Type * Cont", data=load("housing"), family="poisson")
    s = _sentences(m)
    two = next(n for n in s if n.count(":") == 1)
    three = next(n for n in s if n.count(":") == 2)
    assert "3-way interaction" in s[three]
    assert "(its reference level)" in s[two] and HOLD not in s[two]


def test_sum_contrasts_condition_on_the_average_not_a_reference() -> None:
    m = gf.glm("breaks ~ wool * tension", data=load("warpbreaks"), family="poisson",
               contrasts={"tension": "contr.sum"})
    s = _sentences(m)
    assert "tension is averaged over its levels" in s["woolB"]
    assert s["tension1"].startswith("tension1: being at level L of tension rather than at "
                                    "the average of its 3 levels")
    assert "relative to the reference level" not in s["tension1"]


def test_factor_nested_without_its_margin_is_an_effect_within_a_level() -> None:
    m = gf.glm("len ~ supp + dose:supp", data=load("ToothGrowth"))
    s = _sentences(m)
    text = s["suppOJ:dose"]
    assert "each one-unit increase in dose" in text and "when supp is OJ" in text
    assert f"raises the expected value of len by {fmt(m.coef['suppOJ:dose'])}" in text
    assert "rather than" not in text


# --- transformed terms ---------------------------------------------------------------------
def test_scale_is_one_standard_deviation_with_its_size() -> None:
    mt = load("mtcars")
    m = gf.glm("mpg ~ scale(wt) + center(hp)", data=mt)
    s = _sentences(m)
    assert f"one standard deviation in wt (1 SD = {fmt(mt['wt'].std())})" in s["scale(wt)"]
    assert f"lowers the expected value of mpg by {fmt(-m.coef['scale(wt)'])}" in s["scale(wt)"]
    assert "centered at its mean" in s["center(hp)"]
    assert "scale()/center() terms at the mean" in s["(Intercept)"]


def test_log_predictor_is_a_ratio_per_doubling_and_an_elasticity() -> None:
    m = gf.glm("time ~ log(u)", data=load("clotting"), family=gf.get_family("Gamma", "log"))
    b = m.coef["log(u)"]
    s = _sentences(m)["log(u)"]
    assert f"doubling u (log(u) up by 0.693) multiplies the expected value of time by {fmt(2**b)}" \
        in s
    assert f"about {fmt(b)}%" in s and "elasticity" in s
    m2 = gf.glm("time ~ log2(u)", data=load("clotting"), family="gaussian")
    s2 = _sentences(m2)["log2(u)"]
    assert f"by {fmt(abs(m2.coef['log2(u)']))}" in s2 and "up by 1)" in s2


def test_log_log_model_is_an_elasticity_of_the_geometric_mean() -> None:
    m = gf.glm("log(CW) ~ log(CL) + sp + sex", data=load("crabs"))
    s = _sentences(m)["log(CL)"]
    assert f"changes the geometric mean of CW by about {fmt(m.coef['log(CL)'])}%" in s


def test_tiny_odds_ratio_is_not_a_hundred_percent_decrease() -> None:
    m = gf.glm("am ~ hp + wt", data=load("mtcars"), family="binomial")
    s = _sentences(m)["wt"]
    assert "100.0%" not in s
    assert f"a decrease to {fmt(math.exp(m.coef['wt']) * 100)}% of the value" in s


@pytest.mark.parametrize("term", ["poly(disp, 2)", "ns(disp, df=3)", "bs(disp, df=3)"])
def test_basis_columns_have_no_per_unit_reading(term: str) -> None:
    m = gf.glm(f"mpg ~ wt + {term}", data=load("mtcars"))
    s = _sentences(m)
    basis = [n for n in s if n not in ("(Intercept)", "wt")]
    assert basis
    for name in basis:
        assert "no per-unit reading" in s[name] and "%" not in s[name]
        assert 'gf.plot_predictions(m, x="disp")' in s[name]


def test_poly_on_log_link_has_no_huge_percent() -> None:
    m = gf.glm("mpg ~ poly(hp, 3)", data=load("mtcars"), family=gf.get_family("gaussian", "log"))
    text = "\n".join(m.summary(explain=True).explanations)
    assert "% increase" not in text and "% decrease" not in text


def test_square_with_plain_term_is_one_curve() -> None:
    m = gf.glm("dist ~ speed + I(speed^2)", data=load("cars"))
    s = _sentences(m)
    assert "one curve in speed, not a separate effect" in s["I(speed^2)"]
    assert "the slope of its curve at 0 only" in s["speed"] and HOLD not in s["speed"]


# --- offsets -------------------------------------------------------------------------------
def test_log_offset_makes_rates_per_unit_of_exposure() -> None:
    m = gf.glm("Claims ~ District + Age + offset(log(Holders))", data=load("Insurance"),
               family="poisson")
    notes = m.summary(explain=True).explanations
    assert notes[0].startswith("Offset: ") and "rate of Claims per unit of Holders" in notes[0]
    s = _sentences(m)
    assert "expected rate (per unit of Holders) of Claims" in s["(Intercept)"]
    assert f"= {fmt(math.exp(m.coef['(Intercept)']))}" in s["(Intercept)"]
    assert "expected rate (per unit of Holders)" in s["District2"]
    assert "expected count" not in "\n".join(n for n in notes
                                              if not n.startswith("Response scale: "))
    # the average differences are in counts, each row at its own exposure
    note = next(n for n in notes if n.startswith("Response scale: "))
    assert note.startswith("Response scale: the ratios above")
    assert note.endswith("(over the rows, each at its own Holders).")


def test_offset_argument_column_of_logs() -> None:
    d = load("Insurance").assign(lh=lambda f: np.log(f["Holders"]))
    m = gf.glm("Claims ~ District", data=d, family="poisson", offset="lh")
    assert "per unit of exp(lh)" in m.summary(explain=True).explanations[0]


def test_identity_offset_of_a_predictor_reads_the_difference() -> None:
    m = gf.glm("Postwt ~ Prewt + Treat + offset(Prewt)", data=load("anorexia"))
    notes = m.summary(explain=True).explanations
    assert "the model describes Postwt - Prewt" in notes[0]
    s = _sentences(m)
    assert f"lowers the expected value of Postwt - Prewt by {fmt(-m.coef['Prewt'])}" in s["Prewt"]
    assert "offset is 0" not in s["(Intercept)"]


def test_offset_of_a_log_column_in_the_formula_names_its_exponential() -> None:
    d = load("Insurance").assign(lh=lambda f: np.log(f["Holders"]))
    m = gf.glm("Claims ~ District + offset(lh)", data=d, family="poisson")
    assert "per unit of exp(lh)" in m.summary(explain=True).explanations[0]


def test_ordered_factor_polynomial_contrasts_are_trends() -> None:
    m = gf.glm("Claims ~ Age", data=load("Insurance"), family="poisson")
    s = _sentences(m)
    assert s["Age.L"].startswith("Age.L: the linear trend across the ordered levels of Age")
    assert "reference level" not in s["Age.Q"]


# --- families and links --------------------------------------------------------------------
BUD = "cbind(numdead, numalive) ~ sex + ldose"


@pytest.mark.parametrize("link, words", [
    ("probit", "raises the linear predictor (probit link)"),
    ("cloglog", "multiplies -log(1 - p), the cumulative hazard of numdead"),
    ("cauchit", "raises the linear predictor (cauchit link)"),
])
def test_binomial_links(link: str, words: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gf.glm(BUD, data=load("budworm"), family=gf.get_family("binomial", link))
    s = _sentences(m)
    assert words in s["ldose"]
    mean = float(m.family.link.inverse(np.array([m.coef["(Intercept)"]]))[0])
    assert fmt(mean) in s["(Intercept)"]


def test_inverse_link_direction_is_reversed() -> None:
    m = gf.glm("time ~ log(u)", data=load("clotting"), family="Gamma")
    s = _sentences(m)["log(u)"]
    assert m.coef["log(u)"] > 0
    assert "raises the linear predictor (inverse link)" in s and "lowers the expected value" in s


def test_negative_binomial_expected_count_and_theta() -> None:
    m = gf.glm_nb("Days ~ Eth * Sex", data=load("quine"))
    notes = m.summary(explain=True).explanations
    s = _sentences(m)
    assert "expected count of Days" in s["EthN"] and "when Sex is F" in s["EthN"]
    assert any(n.startswith("Theta: ") for n in notes)


@pytest.mark.parametrize("family", ["quasipoisson", "quasibinomial"])
def test_quasi_families_dispersion_in_standard_errors(family: str) -> None:
    if family == "quasipoisson":
        m = gf.glm("breaks ~ wool", data=load("warpbreaks"), family=family)
        word = "expected count of breaks"
    else:
        m = gf.glm(BUD, data=load("budworm"), family=family)
        word = "odds of numdead"
    text = "\n".join(m.summary(explain=True).explanations)
    assert word in text and f"estimated as {fmt(m.dispersion)}" in text
    base = family[len("quasi"):]
    assert (f"the standard errors are the {base} ones times its square root "
            f"({fmt(math.sqrt(m.dispersion))})") in text


# --- every renderer ------------------------------------------------------------------------
def test_explanations_in_every_format() -> None:
    m = gf.glm("breaks ~ wool * tension", data=load("warpbreaks"), family="poisson")
    s = m.summary(explain=True)
    key = "when tension is L"
    assert key in s.to_markdown() and key in s.to_html() and key in s._repr_html_()
    assert key in s.to_latex() and key in str(s)
    plain = m.summary()
    for text in (plain.to_markdown(), plain.to_html(), plain.to_latex()):
        assert key not in text and "What these numbers mean" not in text
    assert "&lt;" not in s.to_html() or "<li>" in s.to_html()
    assert r"\begin{itemize}" in s.to_latex()


# --- textbook models -----------------------------------------------------------------------
def _suggested() -> list[tuple[str, str, str]]:
    table = gf.datasets.list()
    return [(r["name"], r["suggested_formula"], r["suggested_family"])
            for _, r in table.iterrows()]


EXTRA = [
    ("warpbreaks", "breaks ~ wool * tension", "poisson"),
    ("ToothGrowth", "len ~ supp * dose", "gaussian"),
    ("ToothGrowth", "len ~ supp * poly(dose, 2)", "gaussian"),
    ("mtcars", "mpg ~ scale(wt) * am + log(hp)", "gaussian"),
    ("mtcars", "mpg ~ ns(hp, df=3) + wt", "gaussian"),
    ("mtcars", "am ~ bs(hp, df=4)", "binomial"),
    ("cars", "dist ~ speed + I(speed^2)", "gaussian"),
    ("clotting", "time ~ log(u) * lot", "Gamma"),
    ("clotting", "time ~ log(u)", "inverse.gaussian"),
    ("budworm", "cbind(numdead, numalive) ~ sex * ldose", "quasibinomial"),
    ("quine", "Days ~ Eth * Sex + Age", "quasipoisson"),
]


@pytest.mark.parametrize("name, formula, family", _suggested() + EXTRA)
def test_textbook_models_explained_without_unsupported_claims(name: str, formula: str,
                                                              family: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gf.glm(formula, data=load(name), family=family)
    s = _sentences(m)
    infos = term_info(m)
    names = list(m.design.column_names)
    for term, where in m.design.term_slices.items():
        if term == "(Intercept)":
            continue
        info = infos[term]
        for column in names[where]:
            text = s[column]
            if m.aliased[column]:
                continue
            if info.conditioned_on or len(info.variables) > 1:
                assert HOLD not in text, text
            if any(v.kind == "basis" for v in info.variables):
                assert "%" not in text and "no per-unit reading" in text, text
            assert not re.search(r"\bnan\b", text), text
    assert len(m.summary(explain=True).explanations) >= len(m.coef) + 2
    assert pd.notna(m.deviance)


def test_at_least_twenty_textbook_models() -> None:
    assert len(_suggested() + EXTRA) >= 20


@pytest.mark.parametrize("fmt_name", ["text", "markdown", "html", "latex"])
def test_cli_explain_in_every_format(fmt_name: str, capsys: pytest.CaptureFixture[str]) -> None:
    from glmformula.cli import main

    code = main(["fit", "warpbreaks", "breaks ~ wool * tension", "--family", "poisson",
                 "--explain", "--format", fmt_name])
    out = capsys.readouterr().out
    assert code == 0
    assert "when tension is L" in out and "a ratio of ratios" in out
    assert "What these numbers mean" in out
