"""m.equation(): equatiomatic-style LaTeX of fitted models."""

import glmformula as gf


def test_poisson_interaction_exact():
    m = gf.glm("breaks ~ wool * tension", data=gf.datasets.load("warpbreaks"), family="poisson")
    eq = m.equation()
    assert str(eq) == (
        r"\log(\widehat{E}(\text{breaks})) = 3.80 - 0.46(\operatorname{wool}_{\operatorname{B}})"
        r" - 0.62(\operatorname{tension}_{\operatorname{M}})"
        r" - 0.60(\operatorname{tension}_{\operatorname{H}})"
        r" + 0.64(\operatorname{wool}_{\operatorname{B}}"
        r" \times \operatorname{tension}_{\operatorname{M}})"
        r" + 0.19(\operatorname{wool}_{\operatorname{B}}"
        r" \times \operatorname{tension}_{\operatorname{H}})"
    )
    assert eq._repr_latex_() == f"$${eq}$$"
    assert "+ -" not in str(eq)


def test_binomial_logit_exact():
    m = gf.glm("cbind(numdead, numalive) ~ sex + ldose", data=gf.datasets.load("budworm"),
               family="binomial")
    assert str(m.equation()) == (
        r"\operatorname{logit}(\hat{p}) = -3.47 + 1.10(\operatorname{sex}_{\operatorname{M}})"
        r" + 1.06(\operatorname{ldose})"
    )


def test_gaussian_identity_digits():
    m = gf.glm("weight ~ group", data=gf.datasets.load("PlantGrowth"), family="gaussian")
    assert str(m.equation(digits=3)) == (
        r"\hat{\mu} = 5.032 - 0.371(\operatorname{group}_{\operatorname{trt1}})"
        r" + 0.494(\operatorname{group}_{\operatorname{trt2}})"
    )
