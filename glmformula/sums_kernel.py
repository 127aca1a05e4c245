"""One chunk's weighted sums and linear predictor: the compiled kernel when it is built,
else numpy and BLAS.

A pass of IRLS adds up, chunk by chunk, ``[X z]' W [X z]`` and, for a
categorical block, the sums by level of ``w X_j``, ``w z`` and ``w``. The
package's wheel carries a small C extension (``_glmformula_sums``, built from
``csrc/`` when the package is installed) that makes both in one read of the
chunk without Python's lock, so chunks run in parallel on the pool's threads;
OpenBLAS's rank-k update of a tall, narrow chunk and tabmat's sums by level do
not run in parallel from two threads. Where the extension is not built (no C
compiler at install time), the numpy path gives the same sums, to rounding.
Either path adds in an order fixed by the chunk's rows, so the bits do not
depend on the thread that computes a chunk.

>>> import numpy as np
>>> X = np.asfortranarray([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
>>> products, by_level = chunk_sums(X, slice(0, 3), np.ones(3), np.zeros(3), None, 0)
>>> float(products[0, 0]), float(products[0, 1]), by_level is None
(35.0, 44.0, True)
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import numpy as np

Array = np.ndarray

#: The compiled kernel's module (a top-level module beside the package).
COMPILED_MODULE = "_glmformula_sums"

#: Set to 1 to use the numpy path even where the compiled kernel is built.
PURE_ENV = "GLMFORMULA_PURE_PYTHON"

#: Up to this many columns the compiled kernel is faster than BLAS on one thread, and
#: it runs in parallel; wider blocks go to BLAS, whose blocked update wins there.
MAX_COMPILED_COLUMNS = 48


def _load() -> ModuleType | None:
    if os.environ.get(PURE_ENV, "").strip() not in ("", "0"):
        return None
    try:
        return importlib.import_module(COMPILED_MODULE)
    except ImportError:
        return None


compiled: ModuleType | None = _load()


def uses_compiled(dense: Array) -> bool:
    """The compiled kernel serves this dense block (column-major float64, narrow enough)."""
    return (compiled is not None and dense.ndim == 2 and dense.dtype == np.float64
            and dense.flags.f_contiguous and dense.shape[1] <= MAX_COMPILED_COLUMNS)


def chunk_sums(dense: Array, rows: slice, weights: Array, z: Array | None,
               codes: Array | None, n_levels: int) -> tuple[Array, Array | None]:
    """The sums over ``dense[rows]`` with the chunk's ``weights`` and ``z`` (None: no z
    column) and int32 ``codes`` (None: no sums by level).

    Returns ``[X z]'W[X z]`` (its upper triangle holds the sums; the lower one may
    not) and the sums by level (``n_levels`` x (columns + 2), or None).
    """
    if z is not None and uses_compiled(dense):
        assert compiled is not None
        width = dense.shape[1] + 1
        products = np.zeros((width, width))
        by_level = None if codes is None else np.zeros((n_levels, width + 1))
        first, stop, _ = rows.indices(dense.shape[0])
        compiled.sums(dense, first, stop, np.ascontiguousarray(weights, dtype=float),
                      np.ascontiguousarray(z, dtype=float),
                      None if codes is None else np.ascontiguousarray(codes, dtype=np.int32),
                      products, by_level)
        return products, by_level
    return blas_chunk_sums(dense[rows], weights, z, codes, n_levels)


def linear_predictor(dense: Array, rows: slice, coef: Array, codes: Array | None,
                     level_coef: Array | None, offset: Array | None, eta: Array) -> None:
    """Write ``dense[rows] @ coef`` (+ ``level_coef[codes]``, + ``offset``) into ``eta``;
    ``codes`` and ``offset`` hold the chunk's rows.

    >>> X = np.asfortranarray([[1.0, 2.0], [3.0, 4.0]])
    >>> eta = np.empty(2)
    >>> linear_predictor(X, slice(0, 2), np.array([1.0, 0.5]), None, None, None, eta)
    >>> [float(v) for v in eta]
    [2.0, 5.0]
    """
    if uses_compiled(dense) and (codes is None) == (level_coef is None):
        assert compiled is not None
        first, stop, _ = rows.indices(dense.shape[0])
        compiled.linear_predictor(
            dense, first, stop, np.ascontiguousarray(coef, dtype=float),
            None if codes is None else np.ascontiguousarray(codes, dtype=np.int32),
            None if level_coef is None else np.ascontiguousarray(level_coef, dtype=float),
            None if offset is None else np.ascontiguousarray(offset, dtype=float), eta)
        return
    if dense.shape[1]:
        np.einsum("ij,j->i", dense[rows], coef, out=eta)
    else:
        eta[:] = 0.0
    if level_coef is not None and codes is not None:
        eta += level_coef[codes]
    if offset is not None:
        eta += offset


def blas_chunk_sums(X: Array, weights: Array, z: Array | None, codes: Array | None,
               n_levels: int) -> tuple[Array, Array | None]:
    """The numpy path of :func:`chunk_sums`: ``[X z]' W [X z]`` (both triangles
    as BLAS leaves them) and, given int32 codes, the sums by level of w X_j, w z and w.

    Negative weights (never in IRLS) are taken as their positive and negative parts.
    """
    m, k = X.shape
    width = k + int(z is not None) + 1
    chunk = np.empty((m, width), order="F")
    root = chunk[:, -1]
    products = np.zeros((width - 1, width - 1))
    by_level = None if codes is None else np.zeros((n_levels, width))
    signs = (1.0, -1.0) if weights.size and weights.min() < 0 else (1.0,)
    for sign in signs:
        if len(signs) == 1:
            np.sqrt(weights, out=root)
        else:
            np.sqrt(np.maximum(sign * weights, 0.0), out=root)
        np.multiply(X, root[:, None], out=chunk[:, :k])
        if z is not None:
            np.multiply(z, root, out=chunk[:, k])
        scaled = chunk[:, :-1]
        if sign > 0:
            products += scaled.T @ scaled
        else:
            products -= scaled.T @ scaled
        if by_level is not None and codes is not None:
            from tabmat.ext.split import sandwich_cat_dense  # imports polars: only here

            by_level += sandwich_cat_dense(
                codes, n_levels, sign * root if sign < 0 else root, chunk,
                np.arange(m, dtype=np.int32), np.arange(width, dtype=np.int32), False,
                has_missings=False, drop_first=False)
    return products, by_level
