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
    # log(u) is read per doubling of u: 2^b, and b as an elasticity
    assert "doubling u (log(u) up by 0.693) multiplies the expected value of time by 0.667" in text
    assert "a 1% increase in u changes the expected value of time by about -0.585%" in text
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


# --- the structured (large-data) path sees the factor levels as the dense path does -------------
def _large_frame(n: int = 30_000):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(5)
    frame = pd.DataFrame({
        # category order is not alphabetical: the reference level must be "mid"
        "g": pd.Categorical(rng.choice(["lo", "mid", "hi"], n), categories=["mid", "lo", "hi"]),
        "h": rng.choice(["v", "u"], n),  # strings: sorted levels, reference "u"
        "x": rng.normal(size=n),
    })
    eta = 0.3 + 0.4 * (frame["g"] == "lo") - 0.2 * (frame["h"] == "v") + 0.25 * frame["x"]
    frame["y"] = rng.poisson(np.exp(eta))
    return frame


def _fit_both(monkeypatch, formula, frame):
    from glmformula.structured import StructuredModelMatrix

    fast = gf.glm(formula, data=frame, family="poisson")
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 10**12)
    dense = gf.glm(formula, data=frame, family="poisson")
    monkeypatch.undo()
    assert isinstance(fast.design.X, StructuredModelMatrix)
    assert not isinstance(dense.design.X, StructuredModelMatrix)
    return fast, dense


@pytest.mark.parametrize("formula", ["y ~ g + h + x", "y ~ h + x:g", "y ~ g * x + h"])
def test_structured_path_names_levels_as_dense_path(monkeypatch, formula):
    from glmformula.explain import column_parts, factor_levels

    fast, dense = _fit_both(monkeypatch, formula, _large_frame())
    assert factor_levels(fast) == factor_levels(dense) == {"g": ["mid", "lo", "hi"],
                                                           "h": ["u", "v"]}
    assert column_parts(fast) == column_parts(dense)
    fast_notes = fast.summary(explain=True).explanations
    dense_notes = dense.summary(explain=True).explanations
    # one per coefficient, the response-scale note, and the model's notes after them
    assert len(fast_notes) == len(dense_notes) == len(fast.coef) + 4
    for a, b in zip(fast_notes, dense_notes, strict=True):
        assert a.split(":")[0] == b.split(":")[0]
    text = "\n".join(fast_notes)
    assert "hv: being at level v of h (relative to the reference level u of h)" in text
    if "g + " in formula or "g *" in formula:
        assert "glo: being at level lo of g (relative to the reference level mid of g)" in text
        assert "ghi: being at level hi of g (relative to the reference level mid of g)" in text
    else:
        # no x term on its own: x:gmid is the slope of x within level mid of g
        assert ("x:gmid: each one-unit increase in x multiplies the expected count of y by "
                f"{fmt(math.exp(fast.coef['x:gmid']))}") in text
        assert "when g is mid (the model has no x term on its own" in text
    assert "each one-unit increase in x" in text or "x:g" in formula


def test_factor_with_a_non_syntactic_name_is_read_as_a_level() -> None:
    wb = gf.datasets.load("warpbreaks").rename(columns={"wool": "wool type"})
    m = gf.glm("breaks ~ `wool type` + tension", data=wb, family="poisson")
    text = str(m.summary(explain=True))
    assert "being at level B of `wool type`" in text
    assert "reference level A" in text
