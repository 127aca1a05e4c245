"""The compiled sums kernel against the numpy path, and the numpy path on its own."""

from __future__ import annotations

import numpy as np
import pytest
from compare import assert_close

from glmformula import sums_kernel
from glmformula.sums_kernel import blas_chunk_sums, chunk_sums, linear_predictor

compiled = pytest.mark.skipif(sums_kernel.compiled is None,
                              reason="the compiled kernel is not built here")


def _data(n: int, k: int, levels: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, k)))
    weights = rng.random(n)
    z = rng.standard_normal(n)
    codes = rng.integers(0, levels, n).astype(np.int32)
    return X, weights, z, codes


def _reference(X, weights, z, codes, levels):
    """Plain sums: [X z]'W[X z] and the sums by level of w X, w z, w."""
    A = np.column_stack([X, z])
    products = A.T @ (A * weights[:, None])
    by_level = np.zeros((levels, A.shape[1] + 1))
    for level in range(levels):
        rows = codes == level
        by_level[level, :-1] = (A[rows] * weights[rows, None]).sum(axis=0)
        by_level[level, -1] = weights[rows].sum()
    return products, by_level


@compiled
@pytest.mark.parametrize("n, k, levels, first, stop", [
    (1000, 10, 25, 0, 1000), (1000, 3, 7, 129, 1000), (517, 1, 3, 5, 517),
    (300, 0, 4, 0, 300), (70, 12, 5, 13, 14), (2000, 40, 100, 0, 2000)])
def test_the_compiled_sums_equal_plain_sums(n, k, levels, first, stop):
    X, weights, z, codes = _data(n, k, levels)
    rows = slice(first, stop)
    products, by_level = chunk_sums(X, rows, weights[rows], z[rows], codes[rows], levels)
    expected, expected_by_level = _reference(X[rows], weights[rows], z[rows], codes[rows],
                                             levels)
    assert_close(np.triu(products), np.triu(expected), 1e-13)
    assert by_level is not None
    assert_close(by_level, expected_by_level, 1e-13)


@pytest.mark.parametrize("use_compiled", [True, False])
def test_negative_weights_and_no_levels(use_compiled, monkeypatch):
    if use_compiled and sums_kernel.compiled is None:
        pytest.skip("the compiled kernel is not built here")
    if not use_compiled:
        monkeypatch.setattr(sums_kernel, "compiled", None)
    X, weights, z, codes = _data(400, 4, 3)
    weights[::3] *= -1.0
    products, by_level = chunk_sums(X, slice(0, 400), weights, z, None, 0)
    expected, _ = _reference(X, weights, z, codes, 3)
    assert by_level is None
    assert_close(np.triu(products), np.triu(expected), 1e-12)


def test_the_numpy_path_equals_plain_sums():
    X, weights, z, codes = _data(3000, 6, 11)
    products, by_level = blas_chunk_sums(X, weights, z, codes, 11)
    expected, expected_by_level = _reference(X, weights, z, codes, 11)
    assert_close(np.triu(products), np.triu(expected), 1e-12)
    assert by_level is not None
    assert_close(by_level, expected_by_level, 1e-12)


@compiled
def test_bad_codes_are_refused_not_written_out_of_bounds():
    X, weights, z, codes = _data(100, 2, 5)
    codes[50] = 5
    with pytest.raises(ValueError, match="codes within its levels"):
        sums_kernel.compiled.sums(X, 0, 100, weights, z, codes, np.zeros((3, 3)),
                                  np.zeros((5, 4)))
    with pytest.raises(ValueError, match="outside x"):
        sums_kernel.compiled.sums(X, 0, 101, weights, z, None, np.zeros((3, 3)), None)


def test_wide_or_row_major_blocks_take_the_numpy_path():
    X, weights, z, _ = _data(50, sums_kernel.MAX_COMPILED_COLUMNS + 1, 2)
    assert not sums_kernel.uses_compiled(X)
    assert not sums_kernel.uses_compiled(np.ascontiguousarray(X[:, :3]))
    products, _ = chunk_sums(np.ascontiguousarray(X[:, :3]), slice(0, 50), weights, z, None, 0)
    expected, _ = _reference(X[:, :3], weights, z, np.zeros(50, dtype=np.int32), 1)
    assert_close(np.triu(products), np.triu(expected), 1e-12)


def test_the_environment_turns_the_compiled_kernel_off(monkeypatch):
    monkeypatch.setenv(sums_kernel.PURE_ENV, "1")
    assert sums_kernel._load() is None


@pytest.mark.parametrize("use_compiled", [True, False])
@pytest.mark.parametrize("levels, with_offset, k", [(0, False, 5), (7, True, 5), (7, False, 0),
                                                     (0, True, 1)])
def test_the_linear_predictor(use_compiled, levels, with_offset, k, monkeypatch):
    if use_compiled and sums_kernel.compiled is None:
        pytest.skip("the compiled kernel is not built here")
    if not use_compiled:
        monkeypatch.setattr(sums_kernel, "compiled", None)
    X, _, offset, codes = _data(700, k, max(levels, 1))
    coef = np.linspace(-1.0, 2.0, k)
    level_coef = np.linspace(0.5, -0.5, levels) if levels else None
    rows = slice(123, 700)
    eta = np.full(577, np.nan)
    linear_predictor(X, rows, coef, codes[rows] if levels else None, level_coef,
                     offset[rows] if with_offset else None, eta)
    expected = X[rows] @ coef
    if levels:
        expected = expected + level_coef[codes[rows]]
    if with_offset:
        expected = expected + offset[rows]
    assert_close(eta, expected, 1e-13)


@compiled
def test_the_linear_predictor_refuses_bad_codes():
    X, _, _, codes = _data(50, 2, 4)
    codes[3] = -1
    with pytest.raises(ValueError, match="codes within its levels"):
        sums_kernel.compiled.linear_predictor(X, 0, 50, np.ones(2), codes, np.ones(4), None,
                                              np.empty(50))
