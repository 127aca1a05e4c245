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
        scaled = self.values * np.sqrt(weights)[:, None]
        return scaled.T @ scaled

    def dense(self) -> Array:
        return self.values


class StructuredModelMatrix:
    """A tabmat ``SplitMatrix`` (dense, categorical and sparse blocks) in R's column order."""

    def __init__(self, split: object) -> None:
        self.split = split

    @property
    def shape(self) -> tuple[int, int]:
        return self.split.shape  # type: ignore[attr-defined,no-any-return]

    def matvec(self, coef: Array) -> Array:
        return np.asarray(self.split.matvec(np.ascontiguousarray(coef)))  # type: ignore[attr-defined]

    def rmatvec(self, values: Array) -> Array:
        return np.asarray(self.split.transpose_matvec(np.ascontiguousarray(values)))  # type: ignore[attr-defined]

    def gram(self, weights: Array) -> Array:
        return np.asarray(self.split.sandwich(np.ascontiguousarray(weights)))  # type: ignore[attr-defined]

    def dense(self) -> Array:
        return np.asfortranarray(self.split.toarray())  # type: ignore[attr-defined]


def as_model_matrix(X: Array | ModelMatrix) -> ModelMatrix:
    """Wrap a numpy array; pass a ModelMatrix through."""
    if isinstance(X, np.ndarray):
        return DenseModelMatrix(X)
    return X


def build_split_matrix(
    blocks: list[tuple[str, object, list[int]]], p: int, n: int, subset: Array | None
) -> StructuredModelMatrix:
    """Assemble a structured matrix from column blocks placed at given positions.

    Blocks are ("dense", values or None for the intercept, positions) and
    ("categorical", (codes, drop_first, n_levels, values or None), positions).
    ``subset`` selects rows (None: all ``n`` rows).
    """
    import scipy.sparse as sp
    import tabmat

    rows = n if subset is None else subset.size
    dense_blocks = [b for b in blocks if b[0] == "dense"]
    matrices: list[object] = []
    indices: list[Array] = []
    if dense_blocks:
        dense = np.empty((rows, len(dense_blocks)), dtype=np.float64, order="F")
        for j, (_, values, _) in enumerate(dense_blocks):
            if values is None:
                dense[:, j] = 1.0
            else:
                dense[:, j] = values if subset is None else values[subset]  # type: ignore[index]
        matrices.append(tabmat.DenseMatrix(dense))
        indices.append(np.array([b[2][0] for b in dense_blocks]))
    for kind, payload, positions in blocks:
        if kind != "categorical":
            continue
        codes, drop_first, n_levels, values = payload  # type: ignore[misc]
        codes = codes if subset is None else codes[subset]
        if values is None:
            categories = pd.Categorical.from_codes(codes, categories=np.arange(n_levels))
            matrices.append(tabmat.CategoricalMatrix(categories, drop_first=drop_first))
        else:
            values = values if subset is None else values[subset]
            columns = codes.astype(np.int64) - int(drop_first)
            used = columns >= 0
            matrix = sp.csc_matrix(
                (values[used], (np.flatnonzero(used), columns[used])),
                shape=(rows, n_levels - int(drop_first)),
            )
            matrices.append(tabmat.SparseMatrix(matrix))
        indices.append(np.asarray(positions))
    del p
    return StructuredModelMatrix(tabmat.SplitMatrix(matrices, indices=indices))
