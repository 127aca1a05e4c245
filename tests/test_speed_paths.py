"""The fast code paths of the structured model matrix agree with the plain formulas.

The chunked X'WX of a dense block, the bincount sums of a categorical block and
the branch-free deviances must equal the straightforward computations (to
1e-12 of the sums' scale) and give the same bits on every call of the same
path; two different paths (other shapes for BLAS) agree to rounding only.
"""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from glmformula import deviance, structured
from glmformula.families import Binomial, Gamma, Gaussian, Poisson
from glmformula.structured import build_structured_matrix, weighted_sums


def weighted_products(X, weights, z=None):
    """X' diag(w) X and X' diag(w) z of a dense block, from the one-pass sums."""
    sums = weighted_sums(X, weights, z)
    return sums.products, sums.products_z


def _dense_and_codes(n: int, k: int, levels: int, seed: int = 5):
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, k)))
    codes = rng.integers(0, levels, n)
    return X, codes, rng.uniform(0.1, 2.0, n), rng.standard_normal(n)


@pytest.mark.parametrize("n", [1, 100, structured.CHUNK_ROWS, 3 * structured.CHUNK_ROWS + 7])
@pytest.mark.parametrize("k", [1, 10, 40])
def test_weighted_products_equal_the_plain_products(n, k):
    X, _, w, z = _dense_and_codes(n, k, 3)
    products, products_z = weighted_products(X, w, z)
    scale = np.abs(X).max() ** 2 * w.sum()
    np.testing.assert_allclose(products, X.T @ (X * w[:, None]), rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(products_z, X.T @ (w * z), rtol=0,
                               atol=1e-12 * scale * np.abs(z).max())
    assert np.array_equal(products, products.T)
    again = weighted_products(X, w, z)
    assert products.tobytes() == again[0].tobytes() and products_z.tobytes() == again[1].tobytes()


def test_weighted_products_with_negative_weights():
    X, _, w, _ = _dense_and_codes(5000, 4, 3)
    w = w - 1.0
    products, _ = weighted_products(X, w)
    np.testing.assert_allclose(products, X.T @ (X * w[:, None]), rtol=1e-12, atol=1e-9)


def test_structured_gram_rhs_and_products_equal_the_dense_matrix():
    n = 2 * structured.CHUNK_ROWS + 11
    X, codes, w, z = _dense_and_codes(n, 3, 6)
    blocks = [("dense", None, [0]), ("dense", X[:, 0].copy(), [1]),
              ("dense", X[:, 1].copy(), [2]), ("dense", X[:, 2].copy(), [3]),
              ("categorical", (codes, True, 6, None), [4, 5, 6, 7, 8])]
    M = build_structured_matrix(blocks, p=9, n=n, subset=None)
    D = M.dense()
    gram, rhs = M.gram_and_rhs(w, z)
    np.testing.assert_allclose(gram, D.T @ (D * w[:, None]), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(rhs, D.T @ (w * z), rtol=1e-12, atol=1e-9)
    # gram() alone multiplies an n x k chunk, gram_and_rhs() an n x (k + 1) one: BLAS may
    # block them differently, so the two agree to rounding, not to the bit
    scale = np.abs(D).max() ** 2 * w.sum()
    np.testing.assert_allclose(M.gram(w), gram, rtol=0, atol=1e-13 * scale)
    coef = np.linspace(-1, 1, 9)
    np.testing.assert_allclose(M.matvec(coef), D @ coef, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(M.rmatvec(z), D.T @ z, rtol=1e-12, atol=1e-9)
    for _ in range(3):
        g, r = M.gram_and_rhs(w, z)
        assert g.tobytes() == gram.tobytes() and r.tobytes() == rhs.tobytes()


@pytest.mark.parametrize("family, response", [
    (Binomial(), lambda rng, n: (rng.random(n) < 0.3).astype(float)),
    (Binomial(), lambda rng, n: np.round(rng.random(n) * 4) / 4),
    (Poisson(), lambda rng, n: rng.poisson(1.2, n).astype(float)),
    (Gamma(), lambda rng, n: rng.gamma(2.0, 1.0, n)),
])
@pytest.mark.parametrize("weighted", [False, True])
def test_fast_deviances_equal_the_unit_deviances(family, response, weighted):
    rng = np.random.default_rng(2)
    n = 5000
    y = response(rng, n)
    wt = rng.uniform(0.5, 2.0, n) if weighted else np.ones(n)
    mu = rng.uniform(0.05, 0.95, n) * (1.0 if family.name == "binomial" else 3.0)
    total = family.deviance_function(y, wt)
    expected = float(np.sum(family.dev_resids(y, mu, wt)))
    assert total(mu) == pytest.approx(expected, rel=1e-12)
    assert total(mu) == total(mu)


@pytest.mark.parametrize("family, y", [
    (Binomial(), np.array([0.0, 1.0, 1.0])), (Binomial(), np.array([0.25, 1.0, 0.5])),
    (Poisson(), np.array([0.0, 1.0, 3.0])), (Gamma(), np.array([0.5, 1.0, 3.0])),
    (Gaussian(), np.array([0.5, 1.0, 3.0])),
])
def test_deviance_functions_are_freed_without_the_cycle_collector(family, y):
    # a closure that refers to itself would keep its scratch arrays until gc runs: in a
    # chunked fit, one per partition and pass (gigabytes, before the collector ran)
    gc.disable()
    try:
        total = family.deviance_function(y, np.ones(3))
        total(np.array([0.4, 0.5, 0.6]))
        ref = weakref.ref(total)
        del total
        assert ref() is None
    finally:
        gc.enable()


def test_deviances_at_the_boundary_fall_back_to_the_plain_sum():
    y = np.array([0.0, 1.0, 2.0])
    assert deviance.poisson_deviance(y, np.ones(3))(np.array([0.0, 1.0, 2.0])) == 0.0
    y = np.array([0.0, 1.0, 1.0])
    total = deviance.binomial_deviance(y, np.ones(3))
    assert total(np.array([0.0, 1.0, 0.5])) == pytest.approx(2 * np.log(2.0))
    assert np.isnan(total(np.array([np.nan, 0.5, 0.5])))
    assert total(np.array([1.0, 1.0, 0.5])) == np.inf
