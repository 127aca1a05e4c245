"""summary(explain=True) on sum and Helmert contrasts: what each column compares (R's
coefficients of glm(breaks ~ C(tension, contr.helmert) + wool, poisson) and contr.sum)."""

from __future__ import annotations

import math

import glmformula as gf
from glmformula.explain import explain, fmt

WB = gf.datasets.load("warpbreaks")


def _by_name(m: gf.GLMResult) -> dict[str, str]:
    notes = explain(m)
    return {str(k): next(n for n in notes if n.startswith(f"{k}: ")) for k in m.coef.index}


def test_helmert_column_compares_a_level_with_the_levels_before_it() -> None:
    m = gf.glm("breaks ~ C(tension, contr.helmert) + wool", data=WB, family="poisson")
    s = _by_name(m)
    # R: C(tension, contr.helmert)1 = -0.1606602, 2 = -0.1192761
    assert abs(m.coef["C(tension, contr.helmert)2"] + 0.1192761) < 1e-6
    one, two = s["C(tension, contr.helmert)1"], s["C(tension, contr.helmert)2"]
    assert "level M of C(tension, contr.helmert) rather than at the average of the levels " \
        "before it (L)" in one
    assert f"by {fmt(math.exp(2 * -0.1606602))}" in one  # M against L: exp(2 b1) = 0.725
    assert "level H" in two and "(L, M)" in two
    assert f"by {fmt(math.exp(3 * -0.1192761))}" in two  # H against mean(L, M): exp(3 b2)
    assert "one unit of it" not in one


def test_sum_column_compares_a_level_with_the_average_of_all_levels() -> None:
    m = gf.glm("breaks ~ tension", data=WB, family="poisson",
               contrasts={"tension": "contr.sum"})
    s = _by_name(m)
    treat = gf.glm("breaks ~ tension", data=WB, family="poisson").coef
    eta = [0.0, treat["tensionM"], treat["tensionH"]]
    assert abs(m.coef["tension1"] - (eta[0] - sum(eta) / 3)) < 1e-8
    text = s["tension1"]
    assert "level L of tension rather than at the average of its 3 levels" in text
    assert "sum coding" in text and "one unit of it" not in text
    assert "level M of tension" in s["tension2"]
