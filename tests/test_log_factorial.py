"""log(y!) by table look-up (family_base.log_factorial) and the Poisson AIC built on it:
the same function evaluations as scipy's gammaln(y + 1)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import special

from glmformula.families import Poisson
from glmformula.family_base import log_factorial


@pytest.mark.parametrize("y", [
    np.array([0.0, 1.0, 2.0, 17.0, 3.0, 0.0]),
    np.arange(0.0, 300.0),
    np.array([0.5, 1.0, 2.0]),  # not whole numbers
    np.array([-1.0, 2.0]),  # negative
    np.array([np.nan, 2.0]),
    np.array([2.0e6, 1.0]),  # beyond the table
    np.array([-1e300, 3.0]),  # would overflow a cast
    np.array([], dtype=float),
    np.array([3, 0, 5]),  # integers
])
def test_log_factorial_is_gammaln(y: np.ndarray) -> None:
    expected = special.gammaln(y + 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no invalid-cast warning
        got = log_factorial(y)
    np.testing.assert_array_equal(got, expected)  # the same evaluations: the same bits


def test_poisson_aic_is_r_formula() -> None:
    rng = np.random.default_rng(7)
    mu = np.exp(rng.normal(0.5, 1.0, 5000))
    y = rng.poisson(mu).astype(float)
    wt = rng.uniform(0.5, 2.0, y.size)
    expected = -2.0 * np.sum((special.xlogy(y, mu) - mu - special.gammaln(y + 1.0)) * wt)
    got = Poisson().aic(y, np.ones_like(y), mu, wt, 0.0)
    assert got == pytest.approx(expected, rel=1e-14)
    y_before = y.copy()
    Poisson().aic(y, np.ones_like(y), mu, wt, 0.0)
    np.testing.assert_array_equal(y, y_before)


def test_poisson_aic_with_a_fitted_zero_where_y_is_zero() -> None:
    y, mu, wt = np.array([0.0, 1.0, 3.0]), np.array([0.0, 1.5, 2.5]), np.ones(3)
    expected = -2.0 * np.sum(special.xlogy(y, mu) - mu - special.gammaln(y + 1.0))
    assert np.isfinite(expected)
    assert Poisson().aic(y, np.ones_like(y), mu, wt, 0.0) == pytest.approx(expected, rel=1e-14)
