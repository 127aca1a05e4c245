"""summary(explain=True) on interactions of factors that are all coded in full: each column
is one cell (R's coefficients of glm(breaks ~ wool:tension [- 1], poisson))."""

from __future__ import annotations

import math
import warnings

import glmformula as gf
from glmformula.explain import explain, fmt

WB = gf.datasets.load("warpbreaks")


def _by_name(m: gf.GLMResult) -> dict[str, str]:
    notes = explain(m)
    return {str(k): next(n for n in notes if n.startswith(f"{k}: ")) for k in m.coef.index}


def test_cells_without_intercept_are_baselines_not_ratios() -> None:
    m = gf.glm("breaks ~ wool:tension - 1", data=WB, family="poisson")
    s = _by_name(m)
    # R: coef woolA:tensionL = 3.796737 (log of the cell mean 44.56)
    assert abs(m.coef["woolA:tensionL"] - 3.796737) < 1e-6
    text = s["woolA:tensionL"]
    assert "relative to the reference level" not in text and "multiplies" not in text
    assert "baseline of the cell wool A, tension L" in text
    assert f"an expected count of breaks of {fmt(math.exp(3.796737))}" in text
    assert "baseline of the cell wool B, tension H" in s["woolB:tensionH"]


def test_cells_with_intercept_are_relative_to_the_aliased_cell() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gf.glm("breaks ~ wool:tension", data=WB, family="poisson")
    s = _by_name(m)
    # R: (Intercept) 2.9326741, woolA:tensionL 0.8640627, woolB:tensionH NA
    assert abs(m.coef["woolA:tensionL"] - 0.8640627) < 1e-6
    text = s["woolA:tensionL"]
    assert "relative to the reference level L of tension" not in text
    assert "the cell wool A, tension L rather than the cell wool B, tension H" in text
    assert f"by {fmt(math.exp(0.8640627))}" in text
    intercept = s["(Intercept)"]
    assert "in the cell wool B, tension H" in intercept
    assert "factors are at their reference levels" not in intercept


def test_nested_factor_is_still_a_within_level_effect() -> None:
    m = gf.glm("breaks ~ wool + wool:tension", data=WB, family="poisson")
    text = _by_name(m)["woolA:tensionM"]
    assert "relative to the reference level L of tension" in text and "when wool is A" in text


def test_baselines_only_have_no_note_about_the_ratios_above() -> None:
    for formula in ("breaks ~ wool:tension - 1", "breaks ~ tension - 1"):
        notes = explain(gf.glm(formula, data=WB, family="poisson"))
        assert not any(n.startswith("Response scale: the ratios above") for n in notes)
    notes = explain(gf.glm("breaks ~ tension + wool - 1", data=WB, family="poisson"))
    assert any(n.startswith("Response scale: the ratios above") for n in notes)
