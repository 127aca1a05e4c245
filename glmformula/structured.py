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

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import tabmat

Array = np.ndarray

#: Factors are merged into one block of joint levels when there are at most this many.
MAX_JOINT_LEVELS = 4096


class StructuredModelMatrix:
    """X = Z M for a tabmat ``SplitMatrix`` Z and a sparse placement map M."""

    def __init__(self, blocks: list[tuple[str, Any, int]], expand: sp.csr_matrix) -> None:
        self.blocks = blocks  # (kind, data, width): "dense" array, "codes" ints, "sparse" csc
        self.expand = sp.csr_matrix(expand)
        self._expand_t = self.expand.T.tocsr()
        parts: list[object] = []
        for kind, data, width in blocks:
            if kind == "dense":
                parts.append(tabmat.DenseMatrix(data))
            elif kind == "codes":
                levels = pd.Categorical.from_codes(data, categories=np.arange(width))
                parts.append(tabmat.CategoricalMatrix(levels))
            else:
                parts.append(tabmat.SparseMatrix(data))
        self.split = tabmat.SplitMatrix(parts)
        self.n_rows = int(blocks[0][1].shape[0])

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_rows, self.expand.shape[1])

    def matvec(self, coef: Array) -> Array:
        inner = self.expand @ np.asarray(coef, dtype=float)
        out: Array | None = None
        start = 0
        for kind, data, width in self.blocks:
            part = inner[start:start + width]
            start += width
            values = part[data] if kind == "codes" else data @ part  # a new array
            if out is None:
                out = np.asarray(values, dtype=float)
            else:
                out += values
        assert out is not None
        return out

    def rmatvec(self, values: Array) -> Array:
        pieces = []
        for kind, data, width in self.blocks:
            if kind == "codes":
                pieces.append(np.bincount(data, weights=values, minlength=width))
            else:
                pieces.append(np.asarray(data.T @ values))
        return self._expand_t @ np.concatenate(pieces)

    def gram(self, weights: Array) -> Array:
        inner = np.asarray(self.split.sandwich(np.ascontiguousarray(weights)))  # type: ignore[attr-defined]
        half = self._expand_t @ inner
        return np.asarray(self._expand_t @ half.T)

    def gram_and_rhs(self, weights: Array, z: Array) -> tuple[Array, Array]:
        return self.gram(weights), self.rmatvec(weights * z)

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
