"""emmeans' NOTE when the marginal means average over an interaction (R prints it as a
message; here a GLMWarning), on the cases R was run on by hand."""

import warnings

import pytest

import glmformula as gf
from glmformula.emmeans_grid import INTERACTION_NOTE


def _notes(call) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if issubclass(w.category, gf.GLMWarning)]


@pytest.fixture(scope="module")
def warpbreaks():
    return gf.datasets.load("warpbreaks")


def test_note_when_averaging_over_an_interaction(warpbreaks) -> None:
    m = gf.glm("breaks ~ wool * tension", data=warpbreaks, family="poisson")
    assert _notes(lambda: gf.emmeans(m, "tension")) == [INTERACTION_NOTE]
    assert _notes(lambda: gf.emmeans(m, "~ tension | wool")) == []


def test_no_note_without_interactions(warpbreaks) -> None:
    m = gf.glm("breaks ~ wool + tension", data=warpbreaks)
    assert _notes(lambda: gf.emmeans(m, "tension")) == []


def test_emtrends_counts_its_variable() -> None:
    m = gf.glm("len ~ supp * dose", data=gf.datasets.load("ToothGrowth"))
    assert _notes(lambda: gf.emtrends(m, "supp", var="dose")) == []
    assert _notes(lambda: gf.emmeans(m, "supp")) == [INTERACTION_NOTE]
