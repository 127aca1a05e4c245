"""Structured model matrices: X = Z M, with Z held by tabmat and M a sparse 0/1 map.

Z has a dense block (the numeric columns, used in place when the data frame
already stores them as one float64 block), one categorical block for the
joint levels of the factors (codes, never one-hot), and sparse blocks for
numeric-by-factor terms. M (sparse, Z columns x X columns) places them in R's
column order and builds the intercept and each factor's contrast columns from
the joint levels, so that X'WX = M'(Z'WZ)M costs one pass over the codes.

>>> import numpy as np
>>> codes = np.array([0, 1, 1, 2])
>>> X = build_structured_matrix(
...     [("dense", None, [0]), ("dense", np.array([1.0, 2, 3, 4]), [1]),
...      ("categorical", (codes, True, 3, None), [2, 3])], p=4, n=4, subset=None)
>>> X.dense().tolist()[2]
[1.0, 3.0, 1.0, 0.0]
>>> X.gram(np.ones(4))[0].tolist()
[4.0, 10.0, 2.0, 1.0]
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import tabmat
from scipy.linalg import blas
from tabmat.ext.categorical import sandwich_categorical_fast

Array = np.ndarray

#: Factors are merged into one block of joint levels when there are at most this many.
MAX_JOINT_LEVELS = 4096


class StructuredModelMatrix:
    """X = Z M for blocks of Z (dense, categorical codes, sparse) and a sparse placement map M.

    A dense block and a categorical block (the common case) are handled
    here: the dense block's products by BLAS ``dsyrk`` on chunks that stay in
    cache (where BLAS stays single-threaded), on one worker thread, while the
    calling thread sums the categorical block by level with tabmat's
    single-threaded kernel (the same bits as ``np.bincount``); ``X b`` and
    ``X' v`` of the dense block by numpy's ``einsum``. Every sum has a fixed
    order, so the results are the same bit for bit from run to run and
    whatever the number of threads, and no BLAS or OpenMP worker threads spin
    against each other on a small or busy machine. Other combinations (sparse
    blocks, several factor blocks) use a tabmat ``SplitMatrix``.
    """

    def __init__(self, blocks: list[tuple[str, Any, int]], expand: sp.csr_matrix) -> None:
        self.blocks = blocks  # (kind, data, width): "dense" array, "codes" ints, "sparse" csc
        self.expand = sp.csr_matrix(expand)
        self._expand_t = self.expand.T.tocsr()
        self.n_rows = int(blocks[0][1].shape[0])
        kinds = [kind for kind, _, _ in blocks]
        self._direct = "sparse" not in kinds and kinds.count("codes") <= 1
        self._split: Any = None
        self._codes32: dict[int, Array] | None = None
        self._all_rows: Array | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the caches."""
        return {**self.__dict__, "_split": None, "_codes32": None, "_all_rows": None}

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_rows, self.expand.shape[1])

    @property
    def split(self) -> Any:
        """Z as a tabmat ``SplitMatrix`` (made when first needed)."""
        if self._split is None:
            parts: list[object] = []
            for kind, data, width in self.blocks:
                if kind == "dense":
                    parts.append(tabmat.DenseMatrix(data))
                elif kind == "codes":
                    levels = pd.Categorical.from_codes(data, categories=np.arange(width))
                    parts.append(tabmat.CategoricalMatrix(levels))
                else:
                    parts.append(tabmat.SparseMatrix(data))
            self._split = tabmat.SplitMatrix(parts)
        return self._split

    def matvec(self, coef: Array) -> Array:
        inner = self.expand @ np.asarray(coef, dtype=float)
        order = sorted(range(len(self.blocks)), key=lambda b: self.blocks[b][0] != "dense")
        offsets = np.cumsum([0] + [width for _, _, width in self.blocks])
        out: Array | None = None
        for b in order:
            kind, data, width = self.blocks[b]
            part = inner[offsets[b]:offsets[b] + width]
            if kind == "dense":  # numpy's own loop: one pass, single-threaded, no BLAS threads
                values = np.einsum("ij,j->i", data, part)
            elif kind == "codes":
                values = part[data]
            else:
                values = np.asarray(data @ part)
            if out is None:
                out = np.asarray(values, dtype=float)
            else:
                out += values
        assert out is not None
        return out

    def rmatvec(self, values: Array) -> Array:
        return self._expand_t @ self._inner_rmatvec(np.ascontiguousarray(values, dtype=float))

    def _inner_rmatvec(self, values: Array) -> Array:
        """Z' v."""
        pieces = []
        for kind, data, width in self.blocks:
            if kind == "dense":
                pieces.append(np.einsum("ij,i->j", data, values))
            elif kind == "codes":
                pieces.append(np.bincount(data, weights=values, minlength=width))
            else:
                pieces.append(np.asarray(data.T @ values))
        return np.concatenate(pieces)

    def gram(self, weights: Array) -> Array:
        return self._gram_and_rhs(np.ascontiguousarray(weights, dtype=float), None)[0]

    def gram_and_rhs(self, weights: Array, z: Array) -> tuple[Array, Array]:
        weights = np.ascontiguousarray(weights, dtype=float)
        gram, rhs = self._gram_and_rhs(weights, np.ascontiguousarray(z, dtype=float))
        assert rhs is not None
        return gram, rhs

    def _gram_and_rhs(self, weights: Array, z: Array | None) -> tuple[Array, Array | None]:
        """M'(Z'WZ)M and, given z, M'Z'Wz."""
        if self._direct:
            inner, inner_rhs = self._inner_gram(weights, z)
        else:
            inner = np.asarray(self.split.sandwich(weights))
            inner_rhs = None if z is None else self._inner_rmatvec(weights * z)
        half = self._expand_t @ inner
        gram = np.asarray(self._expand_t @ half.T)
        return gram, None if inner_rhs is None else self._expand_t @ inner_rhs

    def _inner_gram(self, weights: Array, z: Array | None) -> tuple[Array, Array | None]:
        """Z'WZ (and Z'Wz) for at most one dense and one categorical block.

        The dense block's products over the first three quarters of the rows
        are formed on a worker thread while this one takes the categorical
        block's sums and then the dense block's last quarter; the two parts are
        added in that order (so too on one core). Each sum is single-threaded
        and taken in a fixed order, so the result is the same bit for bit from
        run to run and whatever the number of threads (tabmat's threaded
        sandwich kernels give bits that depend on it).
        """
        offsets = np.cumsum([0] + [width for _, _, width in self.blocks])
        inner = np.zeros((offsets[-1], offsets[-1]))
        inner_rhs = None if z is None else np.zeros(offsets[-1])
        dense = next((b for b, block in enumerate(self.blocks) if block[0] == "dense"), None)
        pending: Any = None
        split = (self.n_rows * 3 // 4 // CHUNK_ROWS) * CHUNK_ROWS  # rows [0, split): worker
        if dense is not None:
            pool = _worker()
            X = self.blocks[dense][1]
            head = (X[:split], weights[:split], None if z is None else z[:split])
            pending = weighted_products(*head) if pool is None else pool.submit(
                weighted_products, *head)
        for b, (kind, _, _) in enumerate(self.blocks):
            if kind != "codes":
                continue
            span = slice(offsets[b], offsets[b + 1])
            inner[span, span] = np.diag(self._level_sums(b, weights))
            scratch = np.empty(self.n_rows)
            if inner_rhs is not None and z is not None:
                inner_rhs[span] = self._level_sums(b, np.multiply(weights, z, out=scratch))
            if dense is not None:
                X = self.blocks[dense][1]
                other = slice(offsets[dense], offsets[dense + 1])
                for j in range(X.shape[1]):
                    column = np.multiply(X[:, j], weights, out=scratch)
                    inner[span, offsets[dense] + j] = self._level_sums(b, column)
                inner[other, span] = inner[span, other].T
        if dense is not None:  # the rest of the dense rows here, then the two parts in order
            X = self.blocks[dense][1]
            rest = weighted_products(X[split:], weights[split:], None if z is None else z[split:])
            products, products_z = pending if isinstance(pending, tuple) else pending.result()
            products, products_z = products + rest[0], products_z + rest[1]
            span = slice(offsets[dense], offsets[dense + 1])
            inner[span, span] = products
            if inner_rhs is not None:
                inner_rhs[span] = products_z
        return inner, inner_rhs

    def _level_sums(self, b: int, values: Array) -> Array:
        """Sums of ``values`` by level of the codes of block b, in row order.

        tabmat's kernel gives the same bits as ``np.bincount`` (it adds in row
        order on one thread, whatever the number of threads), a little faster.
        """
        if self._codes32 is None:
            self._codes32 = {
                i: np.ascontiguousarray(data, dtype=np.int32)
                for i, (kind, data, _) in enumerate(self.blocks) if kind == "codes"
            }
            self._all_rows = np.arange(self.n_rows, dtype=np.int32)
        width = self.blocks[b][2]
        return np.asarray(sandwich_categorical_fast(self._codes32[b], values, self._all_rows,
                                                    values.dtype, width))

    def dense(self) -> Array:
        columns = []
        for kind, data, width in self.blocks:
            if kind == "dense":
                columns.append(np.asarray(data))
            elif kind == "codes":
                one_hot = np.zeros((self.n_rows, width))
                one_hot[np.arange(self.n_rows), data] = 1.0
                columns.append(one_hot)
            else:
                columns.append(data.toarray())
        Z = np.hstack(columns)
        return np.asfortranarray(np.asarray((self._expand_t @ Z.T).T))


_WORKER: ThreadPoolExecutor | None = None


def _worker() -> ThreadPoolExecutor | None:
    """One worker thread for the dense products, where there is a second core."""
    global _WORKER
    if _WORKER is None and (os.cpu_count() or 1) > 1:
        _WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="glmformula")
    return _WORKER


#: Rows per chunk of the dense block's cross-products, so that a chunk stays in cache.
CHUNK_ROWS = 8192


def weighted_products(X: Array, weights: Array, z: Array | None = None) -> tuple[Array, Array]:
    """X' diag(w) X (exactly symmetric) and X' diag(w) z, for a dense n x k block.

    One pass over the rows in chunks: each chunk of ``sqrt(w) [X z]`` goes to
    BLAS ``dsyrk``. For a narrow block the chunks stay in cache and BLAS stays
    single-threaded, so no BLAS worker threads are woken to compete with
    tabmat's; either way the chunks are summed in a fixed order (the same bits
    on every run). Negative weights (never in IRLS) are split into their
    positive and negative parts.
    """
    n, k = X.shape
    width = k + (z is not None)
    # narrow blocks: chunks that stay in cache; wide ones: chunks of about 16 MB,
    # on which BLAS is efficient (and may use its threads, as it splits the output)
    step = CHUNK_ROWS if width <= 32 else max(1024, (1 << 21) // width)
    buffer = np.empty((min(step, n), width), order="F")
    root = np.empty(min(step, n))
    upper = np.zeros((width, width))
    signs = (1.0, -1.0) if weights.size and weights.min() < 0 else (1.0,)
    for sign in signs:
        for first in range(0, n, step):
            last = min(first + step, n)
            r = root[:last - first]
            if len(signs) == 1:
                np.sqrt(weights[first:last], out=r)
            else:
                np.sqrt(np.maximum(sign * weights[first:last], 0.0), out=r)
            chunk = buffer[:last - first]
            np.multiply(X[first:last], r[:, None], out=chunk[:, :k])
            if z is not None:
                np.multiply(z[first:last], r, out=chunk[:, k])
            upper = blas.dsyrk(sign, chunk, beta=1.0, c=upper, trans=1, lower=0, overwrite_c=1)
    upper = np.triu(upper)
    products = upper + np.triu(upper, 1).T
    return products[:k, :k], products[:k, k] if z is not None else np.zeros(k)


def build_structured_matrix(
    blocks: list[tuple[str, Any, list[int]]], p: int, n: int, subset: Array | None,
    dense_values: Array | None = None,
) -> StructuredModelMatrix:
    """Assemble X from term blocks placed at column positions.

    ``blocks``: ("dense", values or None for the intercept, positions) and
    ("categorical", (codes, drop_first, n_levels, values or None), positions).
    ``subset`` selects rows (None: all ``n``). ``dense_values``, when given and
    no rows are dropped, is an (n, k) float64 array holding the non-intercept
    dense columns in order (used in place, without a copy).
    """
    rows = n if subset is None else subset.size

    def take(values: Array) -> Array:
        return values if subset is None else values[subset]

    z_blocks: list[tuple[str, Any, int]] = []
    placements: list[sp.csr_matrix] = []
    intercept = next((b[2][0] for b in blocks if b[0] == "dense" and b[1] is None), None)
    dense = [b for b in blocks if b[0] == "dense" and b[1] is not None]
    if dense:
        if dense_values is not None and subset is None:
            values = np.asfortranarray(dense_values, dtype=np.float64)
        else:
            values = np.empty((rows, len(dense)), dtype=np.float64, order="F")
            for j, block in enumerate(dense):
                values[:, j] = take(block[1])
        z_blocks.append(("dense", values, len(dense)))
        placements.append(_unit_rows([b[2][0] for b in dense], p))
    factors = [b for b in blocks if b[0] == "categorical" and b[1][3] is None]
    levels = [b[1][2] for b in factors]
    if factors and int(np.prod(levels)) <= min(MAX_JOINT_LEVELS, max(rows // 8, 1)):
        joint = np.zeros(rows, dtype=np.intp)
        for (codes, _, n_levels, _) in (b[1] for b in factors):
            joint *= n_levels
            joint += take(codes)
        z_blocks.append(("codes", joint, int(np.prod(levels))))
        placements.append(_joint_rows(factors, p, intercept))
        factors, intercept = [], None
    for k, (_, (codes, _, n_levels, _), _) in enumerate(factors):
        spans_intercept = k == 0 and intercept is not None
        z_blocks.append(("codes", take(codes).astype(np.intp), n_levels))
        placements.append(_joint_rows([factors[k]], p, intercept if spans_intercept else None))
        if spans_intercept:
            intercept = None
    if intercept is not None:
        z_blocks.append(("codes", np.zeros(rows, dtype=np.intp), 1))
        placements.append(_unit_rows([intercept], p))
    numeric_by_factor = [b for b in blocks if b[0] == "categorical" and b[1][3] is not None]
    for _, (codes, drop_first, n_levels, values), positions in numeric_by_factor:
        columns = take(codes).astype(np.int64) - int(drop_first)
        used = columns >= 0
        matrix = sp.csc_matrix(
            (take(values)[used], (np.flatnonzero(used), columns[used])),
            shape=(rows, n_levels - int(drop_first)),
        )
        z_blocks.append(("sparse", matrix, matrix.shape[1]))
        placements.append(_unit_rows(positions, p))
    return StructuredModelMatrix(z_blocks, sp.vstack(placements).tocsr())


def _unit_rows(positions: list[int], p: int) -> sp.csr_matrix:
    """Rows of M for Z columns that are X's columns at ``positions``."""
    count = len(positions)
    return sp.csr_matrix((np.ones(count), (np.arange(count), positions)), shape=(count, p))


def _joint_rows(factors: list[Any], p: int, intercept: int | None) -> sp.csr_matrix:
    """Rows of M for the joint levels of factors: each sets the intercept and its columns."""
    n_cells = int(np.prod([b[1][2] for b in factors]))
    rows = np.zeros((n_cells, p))
    if intercept is not None:
        rows[:, intercept] = 1.0
    cells = np.arange(n_cells)
    for _, (_, drop_first, n_levels, _), positions in reversed(factors):
        level = cells % n_levels
        cells = cells // n_levels
        column = level - int(drop_first)
        has = column >= 0
        rows[np.flatnonzero(has), np.asarray(positions)[column[has]]] = 1.0
    return sp.csr_matrix(rows)
