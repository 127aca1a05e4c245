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

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from glmformula.matrices import serial_blas
from glmformula.sums_kernel import chunk_sums

Array = np.ndarray

#: Factors are merged into one block of joint levels when there are at most this many.
MAX_JOINT_LEVELS = 4096


class StructuredModelMatrix:
    """X = Z M for blocks of Z (dense, categorical codes, sparse) and a sparse placement map M.

    A dense block and a categorical block (the common case) are handled
    here, in one pass over the rows (:func:`weighted_sums`): the dense
    block's products by BLAS on chunks that stay in cache, and its sums by
    level from the same chunks by tabmat's categorical-by-dense kernel, on
    one thread, so the results are the same bit for bit from run to run;
    ``X b`` and ``X' v`` of the dense block by numpy's ``einsum``. Other
    combinations (sparse blocks, several factor blocks) use a tabmat
    ``SplitMatrix``.
    """

    def __init__(self, blocks: list[tuple[str, Any, int]], expand: sp.csr_matrix) -> None:
        self.blocks = blocks  # (kind, data, width): "dense" array, "codes" ints, "sparse" csc
        self.expand = sp.csr_matrix(expand)
        self._expand_t = self.expand.T.tocsr()
        self.n_rows = int(blocks[0][1].shape[0])
        kinds = [kind for kind, _, _ in blocks]
        self._direct = "sparse" not in kinds and kinds.count("codes") <= 1
        self._split: Any = None
        self._codes32: dict[int, Array] = {}  # int32 codes by block, made when first needed
        self._parts: list[Any] | None = None  # the blocks as sparse matrices, when needed

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the caches."""
        return {**self.__dict__, "_split": None, "_codes32": {}, "_parts": None}

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_rows, self.expand.shape[1])

    @property
    def split(self) -> Any:
        """Z as a tabmat ``SplitMatrix`` (made when first needed)."""
        if self._split is None:
            import tabmat  # imports polars: only when a fit needs it

            parts: list[object] = []
            for kind, data, width in self.blocks:
                if kind == "dense":
                    parts.append(tabmat.DenseMatrix(data))
                elif kind == "codes":
                    levels = pd.Categorical.from_codes(data, categories=pd.Index(np.arange(width)))
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
        elif self.shape[1] >= SPARSE_INNER_MIN:
            return self._sparse_gram(weights, z)
        else:
            with serial_blas():  # tabmat's OpenMP product on one thread: a fixed order
                inner = np.asarray(_single_threaded(self.split.sandwich, weights))
            inner_rhs = None if z is None else self._inner_rmatvec(weights * z)
        half = self._expand_t @ inner
        gram = np.asarray(self._expand_t @ half.T)
        return gram, None if inner_rhs is None else self._expand_t @ inner_rhs

    def _sparse_gram(self, weights: Array, z: Array | None) -> tuple[Array, Array | None]:
        """M'(Z'WZ)M with Z'WZ as a sparse matrix, block by block: a factor's block is
        diagonal (its levels are disjoint), products with it are sums by level. For many
        levels (W4's 2,000) this replaces a dense Z'WZ of (levels)^2 entries."""
        if getattr(self, "_parts", None) is None:  # (None too in objects pickled before)
            self._parts = [self._sparse_block(kind, data, width)
                           for kind, data, width in self.blocks]
        parts: list[Any] = self._parts or []
        weighted = [_scale_rows(part, weights) for part in parts]
        rows: list[list[Any]] = []
        with serial_blas():
            for i, left in enumerate(parts):
                row: list[Any] = []
                for j, right in enumerate(weighted):
                    if i == j and self.blocks[i][0] == "codes":
                        row.append(sp.diags(np.bincount(
                            self.blocks[i][1], weights=weights, minlength=self.blocks[i][2])))
                    else:
                        row.append(sp.csr_matrix(left.T @ right))
                rows.append(row)
            inner: Any = sp.bmat(rows, format="csr")
            gram = np.asarray((self._expand_t @ inner @ self.expand).toarray())
        inner_rhs = None if z is None else self._inner_rmatvec(weights * z)
        return gram, None if inner_rhs is None else self._expand_t @ inner_rhs

    def _sparse_block(self, kind: str, data: Any, width: int) -> Any:
        """Block of Z as an array (dense) or a sparse matrix (one-hot codes, sparse)."""
        if kind == "codes":
            return sp.csr_matrix((np.ones(self.n_rows), (np.arange(self.n_rows), data)),
                                 shape=(self.n_rows, width))
        return data

    def _inner_gram(self, weights: Array, z: Array | None) -> tuple[Array, Array | None]:
        """Z'WZ (and Z'Wz) for at most one dense and one categorical block, in one pass.

        :func:`weighted_sums` reads each chunk of rows once: the dense block's
        products and, from the same chunk while it is in cache, its sums by
        level. It runs on a worker thread whose OpenMP pool is one thread, so
        every sum has a fixed order: the same bits from run to run, whatever
        the machine's number of cores.
        """
        offsets = np.cumsum([0] + [width for _, _, width in self.blocks])
        inner = np.zeros((offsets[-1], offsets[-1]))
        inner_rhs = None if z is None else np.zeros(offsets[-1])
        dense = next((b for b, block in enumerate(self.blocks) if block[0] == "dense"), None)
        codes = next((b for b, block in enumerate(self.blocks) if block[0] == "codes"), None)
        X = self.blocks[dense][1] if dense is not None else np.empty((self.n_rows, 0))
        codes32 = None if codes is None else self._codes(codes)
        n_levels = 0 if codes is None else self.blocks[codes][2]
        with serial_blas():
            sums = _single_threaded(weighted_sums, X, weights, z, codes32, n_levels)
        k = X.shape[1]
        if dense is not None:
            span = slice(offsets[dense], offsets[dense + 1])
            inner[span, span] = sums.products
            if inner_rhs is not None:
                inner_rhs[span] = sums.products_z
        if codes is not None and sums.by_level is not None:
            span = slice(offsets[codes], offsets[codes + 1])
            inner[span, span] = np.diag(sums.by_level[:, -1])
            if inner_rhs is not None:
                inner_rhs[span] = sums.by_level[:, k]
            if dense is not None:
                other = slice(offsets[dense], offsets[dense + 1])
                inner[span, other] = sums.by_level[:, :k]
                inner[other, span] = sums.by_level[:, :k].T
        return inner, inner_rhs

    def _codes(self, b: int) -> Array:
        """The codes of block b as int32 (made once)."""
        if b not in self._codes32:
            self._codes32[b] = np.ascontiguousarray(self.blocks[b][1], dtype=np.int32)
        return self._codes32[b]

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


def _scale_rows(block: Any, weights: Array) -> Any:
    """diag(weights) block, for an array or a sparse matrix."""
    if isinstance(block, np.ndarray):
        return block * weights[:, None]
    return sp.csr_matrix(block.multiply(weights[:, None]))


_WORKER: ThreadPoolExecutor | None = None


def _single_threaded(function: Callable[..., Any], *args: Any) -> Any:
    """Call ``function`` on a worker thread whose OpenMP pool has one thread.

    OpenMP's thread count is a per-thread setting, so the caller's own
    threads (and the libraries they use) keep theirs.
    """
    global _WORKER
    import tabmat.ext.split  # noqa: F401  (its OpenMP library: loaded before the worker limits it)

    if _WORKER is None:
        from threadpoolctl import threadpool_limits

        _WORKER = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="glmformula",
            initializer=lambda: threadpool_limits(limits=1, user_api="openmp"),
        )
    return _WORKER.submit(function, *args).result()


#: From this many columns of X, Z'WZ is formed as a sparse matrix (:meth:`_sparse_gram`).
SPARSE_INNER_MIN = 256

#: Rows per chunk of :func:`weighted_sums` and of the fused IRLS pass for a narrow matrix:
#: a chunk's columns stay in the shared cache, and its fixed cost (some 40 numpy calls,
#: 70 microseconds) is spread over enough rows (measured: 65,536 rows of W1 make a pass
#: 8 % faster than 32,768 on two threads, 16,384 slower again)
CHUNK_ROWS = 65536


@dataclass(frozen=True)
class WeightedSums:
    """What one pass of :func:`weighted_sums` adds up."""

    products: Array  # X' W X (k x k, exactly symmetric)
    products_z: Array  # X' W z (zeros without z)
    by_level: Array | None  # per level: sums of w X_j (k columns), of w z, of w


def weighted_sums(
    X: Array, weights: Array, z: Array | None = None, codes: Array | None = None,
    n_levels: int = 0,
) -> WeightedSums:
    """X'WX and X'Wz of a dense block and, given int32 level codes, the sums by level.

    One pass over the rows in chunks that stay in cache: each chunk of
    ``sqrt(w) [X z]`` goes to BLAS (``A'A``, a symmetric rank-k update) and,
    with ``sqrt(w)`` as the row weights, to tabmat's categorical-by-dense
    kernel for the sums by level of ``w X_j``, ``w z`` and ``w``. The chunks
    are added in row order, so the bits are the same on every run. Negative
    weights (never in IRLS) are taken as their positive and negative parts.
    """
    n, k = X.shape
    with_z = z is not None
    width = k + int(with_z) + 1  # the last column holds sqrt(w)
    step = chunk_rows(width)
    products = np.zeros((width - 1, width - 1))
    by_level = None if codes is None else np.zeros((n_levels, width))
    for first in range(0, n, step):
        rows = slice(first, min(first + step, n))
        part, part_by_level = chunk_sums(X, rows, weights[rows], None if z is None else z[rows],
                                         None if codes is None else codes[rows], n_levels)
        products += part
        if by_level is not None and part_by_level is not None:
            by_level += part_by_level
    products = np.triu(products) + np.triu(products, 1).T
    return WeightedSums(products[:k, :k], products[:k, k] if with_z else np.zeros(k), by_level)


def chunk_rows(width: int) -> int:
    """Rows per chunk for ``width`` columns (with z and sqrt(w)): about 16 MB at most.

    It depends on the width only, never on the number of threads, so that sums
    added chunk by chunk in row order have the same bits on every machine.
    """
    return CHUNK_ROWS if width <= 32 else max(1024, (1 << 21) // width)


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
