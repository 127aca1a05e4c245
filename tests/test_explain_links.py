"""summary(explain=True): the wording each link and term kind needs (inverse.gaussian's
1/mu^2, loglog's direction, an intercept outside the link's range, I(x^2)'s slope, an
offset given by offset=)."""

from __future__ import annotations

import numpy as np

import glmformula as gf
from glmformula.explain import explain, fmt

MT = gf.datasets.load("mtcars")


def _by_name(m: gf.GLMResult) -> dict[str, str]:
    notes = explain(m)
    return {str(k): next(n for n in notes if n.startswith(f"{k}: ")) for k in m.coef.index}


def test_inverse_gaussian_is_a_reciprocal_of_the_squared_mean() -> None:
    m = gf.glm("mpg ~ wt", data=MT, family="inverse.gaussian")
    s = _by_name(m)
    assert "reciprocal of the squared mean" in s["wt"]
    # R: coef(glm(mpg ~ wt, inverse.gaussian, mtcars))[1] = -0.00135 < 0: no mean
    assert m.coef["(Intercept)"] < 0
    assert "no valid expected value for the inverse.gaussian family" in s["(Intercept)"]
    assert "a expected" not in s["(Intercept)"]


def test_gamma_inverse_intercept_with_a_negative_mean_is_not_a_mean() -> None:
    d = MT.assign(y=1 / (0.01 + 0.02 * MT["wt"] - 0.05))
    d = d[d["y"] > 0]
    m = gf.glm("y ~ wt", data=d, family="Gamma")
    assert 1 / m.coef["(Intercept)"] < 0
    assert "no valid expected value for the Gamma family" in _by_name(m)["(Intercept)"]


def test_loglog_gives_the_direction_on_the_probability() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gf.glm("am ~ wt", data=MT, family="binomial(link = loglog)")
    text = _by_name(m)["wt"]
    assert "lowers the probability of am" in text and "odds" not in text


def test_squared_term_slope_is_twice_its_coefficient() -> None:
    m = gf.glm("mpg ~ hp + I(hp^2)", data=MT)
    text = _by_name(m)["I(hp^2)"]
    b = m.coef["I(hp^2)"]
    assert f"the slope grows by 2 x {fmt(b)} = {fmt(2 * b)} per unit of hp" in text
    assert "curvature" not in text


def test_offset_argument_is_not_spelled_as_log_of_a_phrase() -> None:
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool", data=wb, family="poisson", offset=np.log(np.full(54, 2.0)))
    notes = explain(m)
    assert "log(the exposure" not in " ".join(notes)
    assert notes[0].startswith("Offset: the model has an offset (the offset= values)")


def test_factor_beside_orthogonal_poly_is_the_average_over_the_data_not_at_zero() -> None:
    m = gf.glm("mpg ~ poly(hp, 2) * factor(am)", data=MT)
    s = _by_name(m)
    # R: coef 'factor(am)1' 3.550155 = mean over rows of predict(am = 1) - predict(am = 0)
    d0, d1 = MT.assign(am=0), MT.assign(am=1)
    avg = float((m.predict(newdata=d1) - m.predict(newdata=d0)).mean())
    assert abs(m.coef["factor(am)1"] - 3.550155) < 1e-6 and abs(avg - 3.550155) < 1e-6
    text = s["factor(am)1"]
    assert "poly(hp, 2) is 0" not in text
    assert "hp is averaged over the data's rows on the link scale" in text
    assert "hp is averaged over the data's rows" in s["(Intercept)"]


def test_ns_intercept_is_at_the_lower_boundary_knot() -> None:
    m = gf.glm("mpg ~ ns(hp, 3)", data=MT)
    assert "lower boundary knot of ns(hp, 3)" in _by_name(m)["(Intercept)"]


def test_a_probability_below_one_is_not_printed_as_one() -> None:
    m = gf.glm("am ~ wt + hp", data=MT, family="binomial")
    # R: plogis(18.87) = 0.9999999936
    text = _by_name(m)["(Intercept)"]
    assert "a probability of 1)" not in text and "above 0.999" in text
