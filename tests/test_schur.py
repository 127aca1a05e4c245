"""The block elimination of a large diagonal block (glmformula.schur): the same fit as the
full Cholesky path, R's aliasing kept by the fallback to R's QR."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
import glmformula.schur as schur
import glmformula.solvers as solvers


def _many_levels(n: int, levels: int = 300, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.integers(0, levels, n)
    h = rng.integers(0, 20, n)
    x1 = rng.standard_normal(n)
    eta = 0.5 + rng.normal(0, 0.3, levels)[g] + rng.normal(0, 0.1, 20)[h] * x1
    return pd.DataFrame({
        "y": rng.poisson(np.exp(eta)),
        "g": pd.Categorical.from_codes(g, [f"c{i:03d}" for i in range(levels)]),
        "h": pd.Categorical.from_codes(h, [f"d{i:02d}" for i in range(20)]),
        "x1": x1})


def _fit(frame: pd.DataFrame, formula: str, blocks: bool, monkeypatch) -> gf.GLMResult:
    monkeypatch.setattr(schur, "MIN_DIAGONAL_COLUMNS", 200 if blocks else 10**9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gf.glm(formula, frame, family="poisson")


@pytest.mark.parametrize("n", [6_000, 40_000])  # dense and structured model matrices
def test_block_elimination_equals_the_full_cholesky(n, monkeypatch):
    frame = _many_levels(n)
    calls = []
    original = solvers._solve_by_blocks

    def spy(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(solvers, "_solve_by_blocks", spy)
    fast = _fit(frame, "y ~ g + x1:h", True, monkeypatch)
    assert calls, "the block elimination was not used"
    full = _fit(frame, "y ~ g + x1:h", False, monkeypatch)
    assert fast.iterations == full.iterations
    assert_close(fast.coef.to_numpy(), full.coef.to_numpy(), 1e-10)
    assert_close(fast.vcov.to_numpy(), full.vcov.to_numpy(), 1e-10)
    assert_close(fast.deviance, full.deviance, 1e-12)


def test_aliasing_is_r_rule_through_the_fallback(monkeypatch):
    frame = _many_levels(6_000)
    frame["x2"] = (frame["g"] == "c005").astype(float) * 2.0  # a level's dummy, doubled
    fast = _fit(frame, "y ~ g + x2 + x1:h", True, monkeypatch)
    full = _fit(frame, "y ~ g + x2 + x1:h", False, monkeypatch)
    assert fast.coef.isna().tolist() == full.coef.isna().tolist()
    assert bool(np.isnan(fast.coef["x2"]))  # R: the later column is the aliased one
    assert_close(fast.coef.dropna().to_numpy(), full.coef.dropna().to_numpy(), 1e-10)


def test_diagonal_block_finds_the_disjoint_dummies():
    rng = np.random.default_rng(0)
    dummies = np.eye(250)[rng.integers(0, 250, 3000)]
    X = np.column_stack([np.ones(3000), dummies[:, 1:], rng.standard_normal(3000)])
    split = schur.diagonal_block(X.T @ X)
    assert split is not None
    assert split[1:250].all() and not split[0] and not split[-1]


def test_sparse_cross_product_equals_the_dense_one(monkeypatch):
    import glmformula.structured as structured
    from glmformula.design import build_design

    frame = _many_levels(30_000)
    X = build_design("y ~ g + x1:h", frame).X
    assert isinstance(X, structured.StructuredModelMatrix)
    rng = np.random.default_rng(4)
    w, z = rng.random(30_000), rng.standard_normal(30_000)
    gram, rhs = X.gram_and_rhs(w, z)
    monkeypatch.setattr(structured, "SPARSE_INNER_MIN", 10**9)  # tabmat's dense Z'WZ
    dense_gram, dense_rhs = X.gram_and_rhs(w, z)
    assert_close(gram, dense_gram, 1e-13)
    assert_close(rhs, dense_rhs, 1e-13)
