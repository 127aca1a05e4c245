"""Normal equations with a large diagonal block: eliminate it first (a Schur complement).

The dummy columns of a factor with many levels (W4's 2,000) are disjoint
indicators, so their block of X'WX is diagonal. Ordering those columns first,
the scaled cross-product is ``[[I, B'], [B, A]]``; its Cholesky factor needs
only the small Schur complement ``S = A - B B'``, and solves, the condition
estimate and the inverse (the covariance) follow from S's factor in
O(p a^2) and O(p^2 a) operations (a: the other columns) instead of O(p^3).
The acceptance tests are those of the full Cholesky path
(:func:`glmformula.solvers.solve_normal_equations`): the smallest pivot and
the reciprocal condition number of the scaled matrix; when they fail, the
caller falls back to R's pivoted QR, which keeps R's aliasing rule.

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> X = np.column_stack([np.eye(300)[rng.integers(0, 300, 2000)], rng.standard_normal(2000)])
>>> gram, rhs = X.T @ X, X.T @ rng.standard_normal(2000)
>>> split = diagonal_block(gram)
>>> int(split.sum())
300
>>> solved = solve_by_blocks(gram, rhs, split)
>>> bool(np.allclose(solved[0], np.linalg.solve(gram, rhs)))
True
>>> bool(np.allclose(solved[1], np.linalg.inv(gram)))
True
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack, solve_triangular

Array = np.ndarray

#: The block elimination is used when at least this many columns form a diagonal block.
MIN_DIAGONAL_COLUMNS = 200


def diagonal_block(gram: Array) -> Array | None:
    """Columns whose block of ``gram`` is diagonal (a boolean mask), chosen greedily from
    the sparsest; None when there are fewer than :data:`MIN_DIAGONAL_COLUMNS`."""
    p = gram.shape[0]
    if p < MIN_DIAGONAL_COLUMNS:
        return None
    linked = gram != 0
    np.fill_diagonal(linked, False)
    counts = linked.sum(axis=1)
    chosen = np.zeros(p, dtype=bool)
    blocked = np.diag(gram) == 0  # zero columns are aliased, never eliminated
    for j in np.argsort(counts, kind="stable"):
        if not blocked[j]:
            chosen[j] = True
            blocked |= linked[j]
    return chosen if chosen.sum() >= MIN_DIAGONAL_COLUMNS else None


class BlockFactor:
    """The Cholesky factor of a scaled ``[[I, B'], [B, A]]`` through ``S = A - B B'``."""

    def __init__(self, cross: Array, upper: Array, a_block: Array) -> None:
        self.cross = cross  # B (a x d)
        self.upper = upper  # S = U'U, U upper (a x a)
        self.a_block = a_block  # A

    def solve(self, rhs: Array) -> Array:
        """x with ``[[I, B'], [B, A]] x = rhs`` (diagonal-block entries first)."""
        d = self.cross.shape[1]
        first, second = rhs[:d], rhs[d:]
        tail, _ = lapack.dpotrs(self.upper, second - self.cross @ first, lower=0)
        return np.concatenate([first - self.cross.T @ tail, tail])

    def inverse(self) -> Array:
        """``[[I + W'W, -T'], [-T, S^-1]]`` with W = U'^-1 B and T = S^-1 B."""
        d = self.cross.shape[1]
        a = self.upper.shape[0]
        w = solve_triangular(self.upper, self.cross, trans="T", lower=False, check_finite=False)
        t = solve_triangular(self.upper, w, lower=False, check_finite=False)
        s_inv = solve_triangular(self.upper, solve_triangular(
            self.upper, np.eye(a), trans="T", lower=False, check_finite=False),
            lower=False, check_finite=False)
        out = np.empty((d + a, d + a))
        out[:d, :d] = w.T @ w
        out[:d, :d][np.diag_indices(d)] += 1.0
        out[:d, d:] = -t.T
        out[d:, :d] = -t
        out[d:, d:] = (s_inv + s_inv.T) / 2
        return out


def factor_blocks(gram: Array, scale: Array, first: Array, rest: Array
                  ) -> tuple[BlockFactor, Array] | None:
    """The block factor of the cross-product scaled to a unit diagonal (``scale``: the
    square roots of its diagonal), whose columns ``first`` (indices) form a diagonal
    block, with the columns ``rest`` after them; and the Cholesky pivots in that order.
    None when S is not positive definite."""
    cross = gram[np.ix_(rest, first)] / scale[rest][:, None] / scale[first][None, :]
    a_block = gram[np.ix_(rest, rest)] / scale[rest][:, None] / scale[rest][None, :]
    schur = a_block - cross @ cross.T
    upper, info = lapack.dpotrf(schur, lower=0, clean=1)
    if info != 0:
        return None
    pivots = np.concatenate([np.ones(first.size), np.diag(upper) ** 2])
    return BlockFactor(cross, upper, a_block), pivots


def one_norm(factor: BlockFactor) -> float:
    """The 1-norm of ``[[I, B'], [B, A]]`` (A = S + B B'), from its blocks."""
    cross, a_block = factor.cross, factor.a_block
    first = 1.0 + np.sum(np.abs(cross), axis=0)
    second = np.sum(np.abs(a_block), axis=0) + np.sum(np.abs(cross), axis=1)
    return float(max(first.max(initial=0.0), second.max(initial=0.0)))


class BlockSolution:
    """Solves and the inverse of the unscaled cross-product, in its column order."""

    def __init__(self, factor: BlockFactor, order: Array, scale: Array) -> None:
        self.factor, self.order, self.scale = factor, order, scale
        self.back = np.empty_like(order)
        self.back[order] = np.arange(order.size)

    def solve(self, rhs: Array) -> Array:
        """x with ``gram x = rhs``."""
        return self.factor.solve((rhs / self.scale)[self.order])[self.back] / self.scale

    def inverse(self) -> Array:
        """``gram^-1``."""
        out = self.factor.inverse()[np.ix_(self.back, self.back)]
        out /= self.scale[:, None]
        out /= self.scale[None, :]
        return out


def condition(factor: BlockFactor, anorm: float, n: int, steps: int = 5) -> float:
    """The reciprocal 1-norm condition number, estimated as LAPACK's ``dpocon`` does
    (Hager and Higham's estimate of the inverse's 1-norm, from solves)."""
    x = np.full(n, 1.0 / n)
    estimate = 0.0
    for _ in range(steps):
        y = factor.solve(x)
        estimate = float(np.sum(np.abs(y)))
        z = factor.solve(np.where(y >= 0, 1.0, -1.0))
        j = int(np.argmax(np.abs(z)))
        if abs(z[j]) <= z @ x:
            break
        x = np.zeros(n)
        x[j] = 1.0
    return 0.0 if estimate == 0 or not np.isfinite(estimate) else 1.0 / (anorm * estimate)


def solve_by_blocks(gram: Array, rhs: Array, split: Array) -> tuple[Array, Array] | None:
    """The solution and the inverse of ``gram`` (positive definite) by block elimination of
    the columns in ``split``, in the original column order; None if S is not definite."""
    first, rest = np.flatnonzero(split), np.flatnonzero(~split)
    scale = np.sqrt(np.diag(gram))
    made = factor_blocks(gram, scale, first, rest)
    if made is None:
        return None
    solution = BlockSolution(made[0], np.concatenate([first, rest]), scale)
    return solution.solve(rhs), solution.inverse()
