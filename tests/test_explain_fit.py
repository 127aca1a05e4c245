"""summary(explain=True) on what the fit itself says: R's null model without an intercept,
separation, a fit that did not converge or stopped at the boundary."""

from __future__ import annotations

import warnings

import pandas as pd

import glmformula as gf
from glmformula.explain import explain

load = gf.datasets.load


def _notes(formula: str, data: pd.DataFrame, **kw: object) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return explain(gf.glm(formula, data=data, **kw))  # type: ignore[arg-type]


def _deviance(notes: list[str]) -> str:
    return next(n for n in notes if n.startswith("Deviance: "))


def test_null_deviance_without_intercept_is_not_an_intercept_only_model() -> None:
    # R: glm(mpg ~ wt - 1, data = mtcars)$null.deviance == sum(mtcars$mpg^2) = 14042.31
    mt = load("mtcars")
    m = gf.glm("mpg ~ wt - 1", data=mt)
    assert abs(m.null_deviance - float((mt["mpg"] ** 2).sum())) < 1e-6
    text = _deviance(explain(m))
    assert "a model with only an intercept" not in text
    assert "linear predictor is 0" in text and "a mean of 0 for every row" in text
    pois = _deviance(_notes("breaks ~ tension - 1", load("warpbreaks"), family="poisson"))
    assert "only an intercept" not in pois and "a mean of 1 for every row" in pois


def test_null_deviance_with_intercept_and_offset_names_the_offset() -> None:
    text = _deviance(_notes("Claims ~ Age + offset(log(Holders))", load("Insurance"),
                            family="poisson"))
    assert "a model with only an intercept (and the offset)" in text
    plain = _deviance(_notes("breaks ~ wool", load("warpbreaks"), family="poisson"))
    assert "a model with only an intercept;" in plain


def test_separation_says_the_estimates_are_not_estimates() -> None:
    sep = pd.DataFrame({"y": [0, 0, 0, 0, 1, 1, 1, 1], "x": [1, 2, 3, 4, 5, 6, 7, 8.0]})
    notes = _notes("y ~ x", sep, family="binomial")
    assert notes[0].startswith("Separation: ") and "x (+Inf)" in notes[0]
    assert "brglmFit" in notes[0]
    clean = _notes("am ~ wt", load("mtcars"), family="binomial")
    assert not any(n.startswith(("Separation", "Convergence", "Boundary")) for n in clean)


def test_no_convergence_and_boundary_are_said() -> None:
    mt = load("mtcars")
    notes = _notes("am ~ wt + hp", mt, family="binomial", control={"maxit": 2})
    assert notes[0].startswith("Convergence: ") and "did not converge" in notes[0]
    # R: glm(vs ~ mpg, binomial(link = "log"), start = c(-3, 0.05)) stops at the boundary
    notes = _notes("vs ~ mpg", mt, family="binomial(link = log)", start=[-3, 0.05])
    assert any(n.startswith("Boundary: ") for n in notes)


def test_underdispersion_is_not_close_to_one() -> None:
    # R: glm(gear ~ am, poisson, mtcars): deviance / df.residual = 0.0541
    m = gf.glm("gear ~ am", data=load("mtcars"), family="poisson")
    assert abs(m.deviance / m.df_residual - 0.0541) < 1e-3
    notes = explain(m)
    assert not any("close enough to 1" in n for n in notes)
    assert any(n.startswith("Underdispersion: ") and "well below 1" in n for n in notes)
