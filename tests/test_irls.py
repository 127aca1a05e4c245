"""The fitter's two solvers: Cholesky of X'WX where safe, R's pivoted QR otherwise."""

from __future__ import annotations

import numpy as np
import pytest
from compare import assert_close

from glmformula import irls, solvers
from glmformula.families import Binomial, Gaussian, Poisson
from glmformula.solvers import solve_least_squares, solve_normal_equations


def _design(n: int = 500, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([np.ones(n), rng.standard_normal((n, 3))])


def test_cholesky_and_qr_agree_on_a_well_conditioned_problem():
    X = _design()
    rng = np.random.default_rng(1)
    w = rng.uniform(0.5, 2.0, X.shape[0])
    z = X @ np.array([1.0, -0.5, 0.25, 2.0]) + rng.standard_normal(X.shape[0])
    fast = solve_normal_equations(X.T @ (X * w[:, None]), X.T @ (w * z))
    slow = solve_least_squares(X * np.sqrt(w)[:, None], z * np.sqrt(w), 1e-11)
    assert fast is not None
    assert_close(fast.coef, slow.coef, rtol=1e-12)
    assert_close(fast.r_matrix.T @ fast.r_matrix, slow.r_matrix.T @ slow.r_matrix,
                               rtol=1e-10)


def test_near_collinear_columns_leave_the_fast_path():
    X = _design()
    noise = np.random.default_rng(7).standard_normal(X.shape[0])
    X = np.column_stack([X, X[:, 1] + 1e-7 * noise])
    gram = X.T @ X
    assert solve_normal_equations(gram, X.T @ np.ones(X.shape[0])) is None
    qr = solve_least_squares(X, np.ones(X.shape[0]), 1e-11)
    assert qr.rank == 5  # R keeps a column whose residual is 1e-7 of its norm


def test_exactly_dependent_column_is_aliased_as_in_r():
    X = _design()
    X = np.column_stack([X[:, :2], X[:, 1] * 2 - X[:, 0], X[:, 2:]])
    qr = solve_least_squares(X, np.ones(X.shape[0]), 1e-11)
    assert qr.rank == 4
    assert list(qr.pivot[qr.rank:]) == [2]
    assert qr.coef[2] == 0


def test_zero_column_is_aliased_on_the_fast_path():
    X = np.column_stack([_design(), np.zeros(500)])
    solved = solve_normal_equations(X.T @ X, X.T @ np.ones(500))
    assert solved is not None and solved.rank == 4 and list(solved.pivot[4:]) == [4]


@pytest.mark.parametrize("family", [Poisson(), Binomial(), Gaussian()])
def test_fit_is_the_same_with_the_fast_path_switched_off(family, monkeypatch):
    rng = np.random.default_rng(3)
    X = _design(400, 3)
    eta = X @ np.array([0.2, 0.3, -0.2, 0.1])
    y = {"poisson": lambda: rng.poisson(np.exp(eta)).astype(float),
         "binomial": lambda: (rng.random(400) < 1 / (1 + np.exp(-eta))).astype(float),
         "gaussian": lambda: eta + rng.standard_normal(400)}[family.name]()
    prepared = family.initialize(y, np.ones(400), None, False)
    fast = irls.fit(X, prepared.y, prepared.weights, np.zeros(400), family,
                    mustart=prepared.mustart)
    monkeypatch.setattr(solvers, "solve_normal_equations", lambda gram, rhs: None)
    slow = irls.fit(X, prepared.y, prepared.weights, np.zeros(400), family,
                    mustart=prepared.mustart)
    assert_close(fast.coef, slow.coef, rtol=1e-10)
    assert_close(fast.cov_unscaled, slow.cov_unscaled, rtol=1e-9)
    assert fast.iterations == slow.iterations
    assert fast.deviance == pytest.approx(slow.deviance, rel=1e-13)
