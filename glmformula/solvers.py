"""Weighted least squares for one IRLS step: Cholesky where safe, else R's pivoted QR.

The fast path solves the normal equations X'WX c = X'Wz by Cholesky of the
scaled cross-product when LAPACK's condition estimate says that is as
accurate as QR; otherwise, and to decide which columns are aliased, it uses a
Householder QR with R's limited column pivoting (LINPACK dqrdc2).

>>> import numpy as np
>>> X = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 4.0]])
>>> solve_least_squares(X, np.array([3.0, 5.0, 9.0]), 1e-11).coef.round(6).tolist()
[1.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack, solve_triangular

from glmformula.errors import FitError
from glmformula.matrices import DenseModelMatrix, ModelMatrix, serial
from glmformula.schur import (
    BlockSolution,
    condition,
    diagonal_block,
    factor_blocks,
    one_norm,
)

Array = np.ndarray


@dataclass(frozen=True)
class LeastSquares:
    """A weighted least-squares solve with R's limited column pivoting (LINPACK dqrdc2)."""

    coef: Array  # length p, in the original column order; 0 for aliased columns
    rank: int
    pivot: Array  # column order: the kept columns, then the aliased ones
    r_matrix: Array  # rank x rank upper triangle for the kept columns (pivoted order)
    rcond: float = 1.0  # the normal equations' condition estimate (1 on the QR path)
    #: the block elimination of :mod:`glmformula.schur` (solves and the inverse of X'WX for
    #: the kept columns, pivoted order) when it solved; ``r_matrix`` is then empty
    blocks: BlockSolution | None = None


@serial
def solve_least_squares(A: Array, b: Array, tol: float) -> LeastSquares:
    """Minimise ||A c - b|| by Householder QR, moving negligible columns to the end.

    A column is negligible when the norm of its part orthogonal to the columns
    kept before it falls below ``tol`` times its own norm, as in R's dqrdc2.
    """
    n, p = A.shape
    norms = np.sqrt(np.einsum("ij,ij->j", A, A))
    zero = norms == 0  # always negligible; set aside first, it changes no other test
    norms = np.where(zero, 1.0, norms)
    kept = [j for j in range(p) if not zero[j]]
    moved: list[int] = [j for j in range(p) if zero[j]]
    while True:
        aug = np.empty((n, len(kept) + 1), order="F")
        aug[:, :-1] = A[:, kept]
        aug[:, -1] = b
        qr, _tau, _work, info = lapack.dgeqrf(aug, overwrite_a=1)
        if info != 0:
            raise FitError(f"QR factorisation failed (LAPACK info {info})")
        limit = min(len(kept), n)
        diag = np.abs(np.diag(qr[:limit, :limit]))
        small = np.flatnonzero(diag < tol * norms[kept[:limit]])
        if small.size == 0:
            break
        moved.append(kept.pop(int(small[0])))
    rank = min(len(kept), n)
    r_matrix = np.triu(qr[:rank, :rank])
    qtb = qr[:rank, len(kept)]
    coef = np.zeros(p)
    if rank:
        coef[kept[:rank]] = solve_triangular(r_matrix, qtb, lower=False, check_finite=False)
    pivot = np.array(kept + moved, dtype=int)
    return LeastSquares(coef, rank, pivot, r_matrix)


#: The Cholesky fast path is used only when the scaled X'WX is this well conditioned
#: (LAPACK's estimate of the reciprocal 1-norm condition number, which bounds the
#: 2-norm one); worse problems go to R's QR.
MIN_RCOND = 1e-9
#: ... and when every column keeps this share of its squared norm after projecting
#: out the columns before it; below it R's QR rule decides whether it is aliased.
MIN_PIVOT = 1e-10
#: Below this estimate the normal equations have lost about five digits or more; the
#: solution on a dense matrix is then refined with residuals in double-double precision
#: (:func:`refine`) ...
REFINE_RCOND = 1e-5
#: ... up to this many cells (the refinement holds a few arrays of the matrix's size).
REFINE_MAX_CELLS = 10_000_000


@serial
def solve_normal_equations(gram: Array, rhs: Array) -> LeastSquares | None:
    """Solve X'WX c = X'Wz by Cholesky of the scaled cross-product, or None if unsafe.

    Columns that are zero on the weighted rows are aliased (as in R's QR);
    None means the rest is ill-conditioned or near rank-deficient, and the
    caller falls back to :func:`solve_least_squares` (R's pivoted QR).
    """
    p = gram.shape[0]
    diag = np.diag(gram).copy()
    if not np.all(np.isfinite(gram)) or np.any(diag < 0):
        return None
    zero = diag == 0
    kept = np.flatnonzero(~zero)
    if kept.size == 0:
        return LeastSquares(np.zeros(p), 0, np.arange(p), np.zeros((0, 0)))
    if zero.any():
        gram = gram[np.ix_(kept, kept)]
        rhs = rhs[kept]
        diag = diag[kept]
    scale = np.sqrt(diag)
    split = diagonal_block(gram)
    if split is not None:
        return _solve_by_blocks(gram, rhs, scale, split, kept, zero, p)
    scaled = gram / scale[:, None] / scale[None, :]
    upper, info = lapack.dpotrf(scaled, lower=0, clean=1)
    if info != 0:
        return None
    pivots = np.diag(upper) ** 2
    if pivots.size and pivots.min() < MIN_PIVOT:
        return None
    anorm = float(np.max(np.sum(np.abs(scaled), axis=0))) if kept.size else 0.0
    rcond, info = lapack.dpocon(upper, anorm)
    if info != 0 or rcond < MIN_RCOND:
        return None
    solution, info = lapack.dpotrs(upper, rhs / scale, lower=0)
    if info != 0:
        return None
    coef = np.zeros(p)
    coef[kept] = solution / scale
    pivot = np.concatenate([kept, np.flatnonzero(zero)])
    return LeastSquares(coef, kept.size, pivot, upper * scale[None, :], rcond)


def _solve_by_blocks(gram: Array, rhs: Array, scale: Array, split: Array, kept: Array,
                     zero: Array, p: int) -> LeastSquares | None:
    """:func:`solve_normal_equations` with the columns in ``split`` (a diagonal block)
    eliminated first: the same acceptance tests; the covariance from the same factor."""
    first, rest = np.flatnonzero(split), np.flatnonzero(~split)
    made = factor_blocks(gram, scale, first, rest)
    if made is None:
        return None
    factor, pivots = made
    if pivots.size and pivots.min() < MIN_PIVOT:
        return None
    rcond = condition(factor, one_norm(factor), kept.size)
    if rcond < MIN_RCOND:
        return None
    blocks = BlockSolution(factor, np.concatenate([first, rest]), scale)
    coef = np.zeros(p)
    coef[kept] = blocks.solve(rhs)
    pivot = np.concatenate([kept, np.flatnonzero(zero)])
    return LeastSquares(coef, kept.size, pivot, np.zeros((0, 0)), rcond, blocks)


def _two_sum(a: Array, b: Array) -> tuple[Array, Array]:
    """a + b and its rounding error, exactly (Knuth)."""
    total = a + b
    back = total - a
    return total, (a - (total - back)) + (b - back)


def _split(a: Array) -> tuple[Array, Array]:
    """a as a high and a low half of 26 bits each (Dekker)."""
    t = 134217729.0 * a
    high = t - (t - a)
    return high, a - high


def _two_product(a: Array, b: Array) -> tuple[Array, Array]:
    """a * b and its rounding error, exactly (Dekker)."""
    product = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    return product, ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _accurate_sum(terms: Array) -> tuple[Array, Array]:
    """Sums over axis 0 as a (high, low) pair: pairwise, each addition's error kept."""
    errors = np.zeros(terms.shape[1:])
    while terms.shape[0] > 1:
        if terms.shape[0] % 2:
            terms = np.concatenate([terms, np.zeros((1, *terms.shape[1:]))])
        terms, error = _two_sum(terms[0::2], terms[1::2])
        errors += error.sum(axis=0)
    return _two_sum(terms[0], errors)


@serial
def refine(A: Array, b: Array, solved: LeastSquares, steps: int = 2) -> LeastSquares:
    """Refine a least-squares solution with residuals in twice the working precision.

    Each step solves ``R'R d = A'(b - A c)`` with the factor already at hand
    (Björck's corrected semi-normal equations). The residual and its product
    with ``A'`` are summed with error-free transformations (double-double,
    the same bits on every platform), so the digits lost in forming the
    cross-product come back; a step converges at the rate eps / rcond.
    """
    kept = solved.pivot[: solved.rank]
    if kept.size == 0:
        return solved
    wide = np.ascontiguousarray(A[:, kept].T)  # p x n
    coef = solved.coef.copy()
    for _ in range(steps):
        products, errors = _two_product(wide, coef[kept][:, None])
        high, low = _accurate_sum(np.concatenate([b[None, :], -products, -errors]))
        products, errors = _two_product(wide, high[None, :])
        gradient = _accurate_sum(np.concatenate([products, errors, wide * low], axis=1).T)[0]
        if solved.blocks is not None:  # the block elimination's factor
            delta, info = solved.blocks.solve(gradient), 0
        else:
            delta, info = lapack.dpotrs(solved.r_matrix, gradient, lower=0)
        if info != 0 or not np.all(np.isfinite(delta)):
            return solved
        coef[kept] += delta
    return LeastSquares(coef, solved.rank, solved.pivot, solved.r_matrix, solved.rcond,
                        solved.blocks)


@serial
def weighted_least_squares(
    X: ModelMatrix, w2: Array, z: Array, good: Array, tol: float, dense: list[Array]
) -> tuple[LeastSquares, bool]:
    """One IRLS step: the fast normal equations if safe, else R's QR on the good rows.

    ``dense`` caches the dense matrix for repeated QR fallbacks. Returns the
    solution and whether the QR fallback was used.
    """
    sums = None if dense else X.gram_and_rhs(w2, z)
    return solve_step(X, sums, lambda: (w2, z, good), tol, dense)


@serial
def solve_step(
    X: ModelMatrix, sums: tuple[Array, Array] | None,
    working: Callable[[], tuple[Array, Array, Array]], tol: float, dense: list[Array],
) -> tuple[LeastSquares, bool]:
    """:func:`weighted_least_squares` from X'WX and X'Wz already summed (``sums``; None
    once the QR fallback is in use); ``working()`` gives w^2, z and the informative rows
    when the refinement or the QR fallback needs them."""
    if not dense:
        assert sums is not None
        solved = solve_normal_equations(*sums)
        if solved is not None:
            if (solved.rcond < REFINE_RCOND and isinstance(X, DenseModelMatrix)
                    and X.values.size <= REFINE_MAX_CELLS):
                w2, z, good = working()
                root = np.sqrt(w2[good])
                solved = refine(X.values[good] * root[:, None], z[good] * root, solved)
            return solved, False
        dense.append(X.dense())
    w2, z, good = working()
    w = np.sqrt(w2[good])
    A = dense[0][good] * w[:, None]
    return solve_least_squares(A, z[good] * w, tol), True
