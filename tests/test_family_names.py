"""Explanations for negative binomial fits.

``explain`` compared the family's name with "Negative Binomial", which no family
is called (the negative binomial's name is "negative.binomial"; "Negative
Binomial(θ)" is its label), so a negative binomial mean was an "expected value".
It now asks the family (``response_kind``).
"""

from __future__ import annotations

import glmformula as gf
from glmformula.families_extra import NegativeBinomial

# The sets of family names that modules kept are gone: each rule is a family attribute,
# and tests/test_family_attributes.py checks that no module compares a family's name.


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
