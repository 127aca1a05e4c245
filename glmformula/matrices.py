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
