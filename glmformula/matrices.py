"""The model matrix as the fitter sees it: a few reductions, never the matrix itself.

An IRLS iteration needs ``X b``, ``X' v`` and ``X' W X`` only. A
:class:`ModelMatrix` gives those, whatever holds the numbers: a dense numpy
array, or a structured matrix (a dense block, categorical codes and sparse
parts, held by tabmat) that never expands factors into one-hot columns.

>>> import numpy as np
>>> X = DenseModelMatrix(np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]]))
>>> X.gram(np.ones(3)).tolist()
[[3.0, 10.0], [10.0, 38.0]]
>>> X.rmatvec(np.array([1.0, 1.0, 1.0])).tolist()
[3.0, 10.0]
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.linalg import blas

Array = np.ndarray


@runtime_checkable
class ModelMatrix(Protocol):
    """What the fitter asks of a model matrix."""

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        ...

    def matvec(self, coef: Array) -> Array:
        """X b."""
        ...

    def rmatvec(self, values: Array) -> Array:
        """X' v."""
        ...

    def gram(self, weights: Array) -> Array:
        """X' diag(w) X as a dense p x p array."""
        ...

    def gram_and_rhs(self, weights: Array, z: Array) -> tuple[Array, Array]:
        """X' diag(w) X and X' diag(w) z together (one pass where the layout allows)."""
        ...

    def dense(self) -> Array:
        """The matrix as a Fortran-ordered float64 array (for the QR fallback)."""
        ...


class DenseModelMatrix:
    """A dense numpy model matrix."""

    def __init__(self, values: Array) -> None:
        self.values = np.asfortranarray(values, dtype=np.float64)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape  # type: ignore[return-value]

    def matvec(self, coef: Array) -> Array:
        return self.values @ coef

    def rmatvec(self, values: Array) -> Array:
        return self.values.T @ values

    def gram(self, weights: Array) -> Array:
        return self.gram_and_rhs(weights, np.zeros(self.shape[0]))[0]

    def gram_and_rhs(self, weights: Array, z: Array) -> tuple[Array, Array]:
        n, p = self.shape
        gram = np.zeros((p, p))
        rhs = np.zeros(p)
        step = max(1024, (1 << 21) // max(p, 1))  # chunks of about 16 MB
        for start in range(0, n, step):
            rows = slice(start, min(start + step, n))
            root = np.sqrt(weights[rows])
            scaled = self.values[rows] * root[:, None]
            gram = blas.dsyrk(1.0, scaled, beta=1.0, c=gram, trans=1, lower=0,
                              overwrite_c=1)
            rhs += scaled.T @ (z[rows] * root)
        upper = np.triu(gram)
        return upper + np.triu(upper, 1).T, rhs

    def dense(self) -> Array:
        return self.values


class StructuredModelMatrix:
    """X = Z M: a tabmat ``SplitMatrix`` Z (dense, categorical and sparse blocks) times a
    small dense matrix M that places Z's columns in R's order.

    M lets several factors share one categorical block of their joint levels:
    X'WX = M' (Z'WZ) M then costs one pass over the codes instead of one per factor.
    The dense block has one spare column: IRLS writes its working response there,
    so that X'WX and X'Wz come out of one sandwich product.
    """

    def __init__(self, split: object, expand: object, with_spare: object | None = None,
                 spare: Array | None = None, spare_position: int = 0) -> None:
        self.split = split
        self.expand = sp.csr_matrix(expand)
        self._expand_t = self.expand.T.tocsr()
        self.with_spare = with_spare
        self.spare = spare
        self.spare_position = spare_position

    @property
    def shape(self) -> tuple[int, int]:
        return (self.split.shape[0], self.expand.shape[1])  # type: ignore[attr-defined]

    def matvec(self, coef: Array) -> Array:
        inner = np.ascontiguousarray(self.expand @ np.asarray(coef, dtype=float))
        return np.asarray(self.split.matvec(inner))  # type: ignore[attr-defined]

    def rmatvec(self, values: Array) -> Array:
        inner = self.split.transpose_matvec(np.ascontiguousarray(values))  # type: ignore[attr-defined]
        return self._expand_t @ np.asarray(inner)

    def gram(self, weights: Array) -> Array:
        inner = np.asarray(self.split.sandwich(np.ascontiguousarray(weights)))  # type: ignore[attr-defined]
        return self._outer(inner)

    def _outer(self, inner: Array) -> Array:
        """M' G M for a dense symmetric G, with M sparse."""
        half = self._expand_t @ inner  # p x q
        return np.asarray(self._expand_t @ half.T)

    def gram_and_rhs(self, weights: Array, z: Array) -> tuple[Array, Array]:
        if self.with_spare is None or self.spare is None:
            return self.gram(weights), self.rmatvec(weights * z)
        self.spare[:] = z
        full = np.asarray(self.with_spare.sandwich(np.ascontiguousarray(weights)))  # type: ignore[attr-defined]
        k = self.spare_position
        others = np.r_[0:k, k + 1:full.shape[0]]
        inner = full[np.ix_(others, others)]
        return self._outer(inner), self._expand_t @ full[others, k]

    def dense(self) -> Array:
        columns = []
        for j in range(self.expand.shape[1]):
            columns.append(self.matvec(np.eye(1, self.expand.shape[1], j).ravel()))
        return np.asfortranarray(np.column_stack(columns))


def as_model_matrix(X: Array | ModelMatrix) -> ModelMatrix:
    """Wrap a numpy array; pass a ModelMatrix through."""
    if isinstance(X, np.ndarray):
        return DenseModelMatrix(X)
    return X


#: Factors are merged into one block of joint levels when there are at most this many.
MAX_JOINT_LEVELS = 4096


def build_split_matrix(
    blocks: list[tuple[str, object, list[int]]], p: int, n: int, subset: Array | None
) -> StructuredModelMatrix:
    """Assemble a structured matrix from column blocks placed at given positions.

    Blocks are ("dense", values or None for the intercept, positions) and
    ("categorical", (codes, drop_first, n_levels, values or None), positions).
    ``subset`` selects rows (None: all ``n`` rows).
    """
    import tabmat

    rows = n if subset is None else subset.size
    matrices: list[object] = []
    placements: list[Array] = []  # per Z column block: its rows of M (p columns each)

    def take(values: Array) -> Array:
        return values if subset is None else values[subset]

    dense_blocks = [b for b in blocks if b[0] == "dense"]
    k = len(dense_blocks)
    storage = np.zeros((rows, k + 1), dtype=np.float64, order="F")  # + the spare column
    for j, (_, values, _) in enumerate(dense_blocks):
        storage[:, j] = 1.0 if values is None else take(values)  # type: ignore[arg-type]
    if k:
        matrices.append(tabmat.DenseMatrix(storage[:, :k]))
        placements.append(_unit_rows([b[2][0] for b in dense_blocks], p))
    factors = [b for b in blocks if b[0] == "categorical" and b[1][3] is None]  # type: ignore[index]
    joint_levels = int(np.prod([b[1][2] for b in factors])) if factors else 0  # type: ignore[index]
    if len(factors) >= 2 and joint_levels <= min(MAX_JOINT_LEVELS, max(rows // 8, 1)):
        joint = np.zeros(rows, dtype=np.int64)
        for _, (codes, _, n_levels, _), _ in factors:  # type: ignore[misc]
            joint = joint * n_levels + take(codes)
        categories = pd.Categorical.from_codes(joint, categories=np.arange(joint_levels))
        matrices.append(tabmat.CategoricalMatrix(categories))
        placements.append(_joint_rows(factors, joint_levels, p))
        factors = []
    for _, (codes, drop_first, n_levels, _), positions in factors:  # type: ignore[misc]
        categories = pd.Categorical.from_codes(take(codes), categories=np.arange(n_levels))
        matrices.append(tabmat.CategoricalMatrix(categories, drop_first=drop_first))
        placements.append(_unit_rows(positions, p))
    for kind, payload, positions in blocks:
        if kind != "categorical" or payload[3] is None:  # type: ignore[index]
            continue
        codes, drop_first, n_levels, values = payload  # type: ignore[misc]
        columns = take(codes).astype(np.int64) - int(drop_first)
        used = columns >= 0
        matrix = sp.csc_matrix(
            (take(values)[used], (np.flatnonzero(used), columns[used])),
            shape=(rows, n_levels - int(drop_first)),
        )
        matrices.append(tabmat.SparseMatrix(matrix))
        placements.append(_unit_rows(positions, p))
    rest = matrices[1:] if k else matrices
    with_spare = tabmat.SplitMatrix([tabmat.DenseMatrix(storage), *rest])
    return StructuredModelMatrix(tabmat.SplitMatrix(matrices), sp.vstack(placements),
                                 with_spare, storage[:, k], k)


def _unit_rows(positions: list[int], p: int) -> sp.csr_matrix:
    """Rows of M for Z columns that are X's columns at ``positions``."""
    count = len(positions)
    return sp.csr_matrix((np.ones(count), (np.arange(count), positions)), shape=(count, p))


def _joint_rows(
    factors: list[tuple[str, object, list[int]]], joint_levels: int, p: int
) -> sp.csr_matrix:
    """Rows of M for the joint levels of several factors: each sets its factors' columns."""
    rows = np.zeros((joint_levels, p))
    cells = np.arange(joint_levels)
    for _, (_, drop_first, n_levels, _), positions in reversed(factors):  # type: ignore[misc]
        level = cells % n_levels
        cells = cells // n_levels
        column = level - int(drop_first)
        has = column >= 0
        rows[np.flatnonzero(has), np.asarray(positions)[column[has]]] = 1.0
    return sp.csr_matrix(rows)
