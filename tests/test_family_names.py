"""Family-name checks that can match, and explanations for negative binomial fits.

``explain`` compared the family's name with "Negative Binomial", which no family
is called (the negative binomial's name is "negative.binomial"; "Negative
Binomial(θ)" is its label), so a negative binomial mean was an "expected value".
"""

from __future__ import annotations

import pytest

import glmformula as gf
from glmformula import explain, influence, profile, robust, separation
from glmformula.families import FAMILIES
from glmformula.families_extra import NegativeBinomial

REGISTERED = {cls.name for cls in FAMILIES.values()}


@pytest.mark.parametrize("names", [
    explain.COUNT_FAMILIES, explain.PROBABILITY_FAMILIES, profile.Z_FAMILIES,
    influence._NO_SIGMA_FAMILIES, robust._UNIT_DISPERSION, separation.FAMILIES,
], ids=["explain.COUNT", "explain.PROBABILITY", "profile.Z", "influence.NO_SIGMA",
        "robust.UNIT_DISPERSION", "separation.FAMILIES"])
def test_family_name_sets_use_registered_names(names: tuple[str, ...]) -> None:
    assert set(names) <= REGISTERED, set(names) - REGISTERED


def test_glm_nb_summary_explains() -> None:
    nb = gf.glm_nb("Days ~ Eth + Sex + Age + Lrn", data=gf.datasets.load("quine"))
    text = str(nb.summary(explain=True))
    assert "What these numbers mean:" in text
    assert "multiplies the expected count of Days by 0.566" in text
    assert "expected value" not in text
    assert "theta estimated as 1.27 (standard error 0.161)" in text
    assert text.index("2 x log-likelihood") < text.index("What these numbers mean:")


def test_fixed_theta_family_explains_counts() -> None:
    m = gf.glm("Days ~ Eth", data=gf.datasets.load("quine"), family=NegativeBinomial(2))
    notes = m.summary(explain=True).explanations
    assert "expected count of Days" in notes[1]
    assert any("theta fixed at 2" in note for note in notes)
