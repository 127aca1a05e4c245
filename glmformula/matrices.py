"""The model matrix as the fitter sees it: a few reductions, never the matrix itself.

An IRLS iteration needs ``X b``, ``X' v`` and ``X' W X`` only. A
:class:`ModelMatrix` gives those, whatever holds the numbers: a dense numpy
array here, or a structured matrix (:mod:`glmformula.structured`) that never
expands factors into one-hot columns.

>>> import numpy as np
>>> X = DenseModelMatrix(np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]]))
>>> X.gram(np.ones(3)).tolist()
[[3.0, 10.0], [10.0, 38.0]]
>>> X.rmatvec(np.array([1.0, 1.0, 1.0])).tolist()
[3.0, 10.0]
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar, runtime_checkable

import numpy as np
from scipy.linalg import blas

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController

Array = np.ndarray
P = ParamSpec("P")
R = TypeVar("R")

_LOCK = threading.Lock()
_SERIAL: dict[str, Any] = {"depth": 0, "limiter": None, "controller": None}
_SMALL = threading.local()  # inside a block on a small matrix (this thread)

#: OpenBLAS runs a matrix-vector product of at most this many elements on one thread
#: whatever its setting (2304 x GEMM_MULTITHREAD_THRESHOLD 4 in its gemv); its rank-k
#: update and matrix products stay on one thread up to 65536 x 4 multiply-adds, which
#: (p + 1) p n is below when n p is below this and p <= 16
SMALL_ELEMENTS = 9216
#: and it factorises (potrf, lauum, trtri) a p x p matrix with p at most this on one
#: thread (half its DTB_ENTRIES, which is 32 or more)
SMALL_COLUMNS = 16


def serial(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate `function` to run inside :func:`serial_blas`, given the shape of its first
    argument when that is a matrix (the largest one it works on)."""
    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        shape = getattr(args[0], "shape", None) if args else None
        with serial_blas(*shape) if shape is not None and len(shape) == 2 else serial_blas():
            return function(*args, **kwargs)
    return wrapper


def threadpool_controller() -> ThreadpoolController:
    """The process's one ThreadpoolController (finding the libraries takes a while)."""
    if _SERIAL["controller"] is None:
        from threadpoolctl import ThreadpoolController

        _SERIAL["controller"] = ThreadpoolController()
    return _SERIAL["controller"]


def single_threaded(rows: int, columns: int) -> bool:
    """Whether BLAS and LAPACK work on an ``rows`` x ``columns`` matrix (its products,
    its rank-k update, a factorisation of its columns x columns cross product) runs on one
    thread whatever BLAS's thread count: a small fit needs no thread limit then.

    >>> single_threaded(54, 4), single_threaded(100_000, 4), single_threaded(50, 40)
    (True, False, False)
    """
    return rows * columns <= SMALL_ELEMENTS and columns <= SMALL_COLUMNS


@contextmanager
def serial_blas(rows: int | None = None, columns: int | None = None) -> Iterator[None]:
    """Run BLAS on one thread inside the block: the same bits whatever the thread count.

    A multi-threaded BLAS splits a product between its threads, and how it
    splits (so the order of the additions, so the last bits) depends on the
    number of threads. The fitter's reductions (X'WX, X'Wz, Xb, X'v) and
    factorisations run inside this block, so a fit gives the same bits with
    1 and with 2 threads. BLAS's thread count is one setting for the whole
    process: it is set to 1 on the first entry and restored on the last exit
    (nested and concurrent blocks share it).

    Given the shape of the largest matrix the block works on, a block whose work BLAS
    runs on one thread anyway (:func:`single_threaded`) changes nothing, nor do blocks
    without a shape inside it: a small fit then never loads threadpoolctl's controller,
    which scans every loaded library.
    """
    if rows is not None and columns is not None and single_threaded(rows, columns):
        _SMALL.depth = int(getattr(_SMALL, "depth", 0)) + 1  # blocks inside: smaller ones
        try:
            yield
        finally:
            _SMALL.depth -= 1
        return
    if rows is None and int(getattr(_SMALL, "depth", 0)):
        yield
        return
    with _LOCK:
        if _SERIAL["depth"] == 0:
            _SERIAL["limiter"] = threadpool_controller().limit(limits=1, user_api="blas")
        _SERIAL["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _SERIAL["depth"] -= 1
            if _SERIAL["depth"] == 0:
                _SERIAL["limiter"].restore_original_limits()
                _SERIAL["limiter"] = None


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
        return self.values.shape

    def matvec(self, coef: Array) -> Array:
        with serial_blas(*self.shape):
            return self.values @ coef

    def rmatvec(self, values: Array) -> Array:
        with serial_blas(*self.shape):
            return self.values.T @ values

    def gram(self, weights: Array) -> Array:
        return self.gram_and_rhs(weights, np.zeros(self.shape[0]))[0]

    def gram_and_rhs(self, weights: Array, z: Array) -> tuple[Array, Array]:
        with serial_blas(*self.shape):
            return self._gram_and_rhs(weights, z)

    def _gram_and_rhs(self, weights: Array, z: Array) -> tuple[Array, Array]:
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


def as_dense(X: Array | ModelMatrix) -> Array:
    """The matrix as a numpy array (a dense one is returned as it is)."""
    return X if isinstance(X, np.ndarray) else X.dense()


def as_model_matrix(X: Array | ModelMatrix) -> ModelMatrix:
    """Wrap a numpy array; pass a ModelMatrix through."""
    if isinstance(X, np.ndarray):
        return DenseModelMatrix(X)
    return X
