"""m.summary(explain=True): plain-language notes on several families."""

import math

import pytest

import glmformula as gf
from glmformula.explain import fmt


def _notes(formula, data, family):
    m = gf.glm(formula, data=gf.datasets.load(data), family=family)
    s = m.summary(explain=True)
    return m, s, "\n".join(s.explanations)


def test_poisson_warpbreaks_ratios_levels_overdispersion():
    m, s, text = _notes("breaks ~ wool + tension", "warpbreaks", "poisson")
    assert f"multiplies the expected count of breaks by {fmt(math.exp(m.coef['woolB']))}" in text
    assert "0.814" in text and "0.725" in text and "0.595" in text
    assert "relative to the reference level A of wool" in text
    assert "relative to the reference level L of tension" in text
    assert "Overdispersion" in text and "quasipoisson" in text and "glm_nb" in text
    assert "not the probability that the hypothesis is true" in text
    printed = str(s)
    assert printed.startswith(s.to_text()) and s.explanations[-1] in printed
    assert m.summary().explanations == [] and "What these" not in str(m.summary())


def test_binomial_budworm_odds_ratios_no_overdispersion():
    m, _, text = _notes("cbind(numdead, numalive) ~ sex + ldose", "budworm", "binomial")
    assert "multiplies the odds of numdead by 3.01 (odds ratio" in text
    assert "each one-unit increase in ldose multiplies the odds of numdead by 2.9" in text
    assert "reference level F of sex" in text
    assert "overdispersion" not in text.lower() and "0.751" in text


def test_gaussian_identity_differences():
    _, _, text = _notes("weight ~ group", "PlantGrowth", "gaussian")
    assert "lowers the expected value of weight by 0.371" in text
    assert "raises the expected value of weight by 0.494" in text
    assert "reference level ctrl of group" in text
    assert "overdispersion" not in text.lower()


def test_gamma_log_ratios():
    fam = gf.get_family("Gamma", link="log")
    _, _, text = _notes("time ~ log(u) + lot", "clotting", fam)
    assert "each one-unit increase in log(u) multiplies the expected value of time by 0.557" in text
    assert "reference level lot1 of lot" in text and "0.625" in text
    assert "overdispersion" not in text.lower()


def test_quasipoisson_dispersion_no_remark():
    _, _, text = _notes("Days ~ Eth + Sex", "quine", "quasipoisson")
    assert "by 0.573" in text and "reference level A of Eth" in text
    assert "estimated as 14.8" in text
    assert "overdispersion" not in text.lower()


def test_poisson_without_overdispersion():
    _, _, text = _notes("breaks ~ wool", "warpbreaks", "poisson")
    assert "Overdispersion" in text  # warpbreaks is overdispersed
    m = gf.glm("count ~ spray", data=gf.datasets.load("InsectSprays"), family="poisson")
    ratio = m.deviance / m.df_residual
    notes = "\n".join(m.summary(explain=True).explanations)
    assert ("Overdispersion" in notes) == (ratio > 1.5)


@pytest.mark.parametrize("value, text", [(1.23456, "1.23"), (12345.6, "12346")])
def test_fmt(value, text):
    assert fmt(value) == text
