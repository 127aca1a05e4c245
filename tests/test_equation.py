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


def test_structured_path_equation_has_indicator_levels(monkeypatch):
    """30,000 rows take the structured path; the equation names levels as on the dense path."""
    import numpy as np
    import pandas as pd

    from glmformula.structured import StructuredModelMatrix

    rng = np.random.default_rng(11)
    n = 30_000
    frame = pd.DataFrame({
        "g": pd.Categorical(rng.choice(["lo", "mid", "hi"], n), categories=["mid", "lo", "hi"]),
        "x": rng.normal(size=n),
    })
    frame["y"] = rng.poisson(np.exp(0.5 + 0.6 * (frame["g"] == "hi") + 0.3 * frame["x"]))
    fast = gf.glm("y ~ g * x", data=frame, family="poisson")
    assert isinstance(fast.design.X, StructuredModelMatrix)
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 10**12)
    dense = gf.glm("y ~ g * x", data=frame, family="poisson")
    assert not isinstance(dense.design.X, StructuredModelMatrix)
    eq = str(fast.equation(digits=3))
    assert eq == str(dense.equation(digits=3))
    for piece in [r"(\operatorname{g}_{\operatorname{lo}})",
                  r"(\operatorname{g}_{\operatorname{hi}})",
                  r"(\operatorname{g}_{\operatorname{lo}} \times \operatorname{x})",
                  r"(\operatorname{g}_{\operatorname{hi}} \times \operatorname{x})"]:
        assert piece in eq
    assert r"\operatorname{g}_{\operatorname{mid}}" not in eq  # the reference level
    assert r"\operatorname{glo}" not in eq and r"\operatorname{ghi}" not in eq
