"""The IRLS iteration in one pass over row chunks, in parallel, with fixed bits.

For each chunk of rows (a fixed size that depends on the matrix's width only)
one task computes eta = X b + offset, mu and dmu/deta, the chunk's deviance,
whether eta and mu are valid, and, for the next step, the working weights and
response with the chunk's share of X'WX and X'Wz, all while the chunk is in
cache. The tasks run on a thread pool (numpy, BLAS and the compiled sums of
:mod:`glmformula.sums_kernel` release the GIL; BLAS and OpenMP run on one
thread inside each task) and their partial sums are added in chunk order, so
1, 2 or 16 threads give the same bits.

It serves a dense model matrix and a structured one with at most one dense
and one categorical block (:class:`~glmformula.structured.StructuredModelMatrix`);
:func:`kernel_for` says None for other layouts, which keep the general path.

>>> import numpy as np
>>> from glmformula.families import Poisson
>>> from glmformula.matrices import DenseModelMatrix
>>> X = DenseModelMatrix(np.column_stack([np.ones(4), [0.0, 1.0, 2.0, 3.0]]))
>>> y = np.array([1.0, 2.0, 4.0, 8.0])
>>> kernel = kernel_for(X, y, np.ones(4), np.zeros(4), Poisson())
>>> state = kernel.run(np.array([0.0, 0.7]), None, threads=2)
>>> round(state.deviance, 4), bool(state.valid), state.sums is not None
(0.0043, True, True)
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from glmformula.errors import FitError
from glmformula.matrices import DenseModelMatrix, ModelMatrix, serial_blas
from glmformula.structured import StructuredModelMatrix, chunk_rows
from glmformula.sums_kernel import chunk_sums, linear_predictor, uses_compiled
from glmformula.thread_pool import pool

Array = np.ndarray

_NO_CHANGE = contextlib.nullcontext()


_WORKER = threading.local()


def _one_openmp_thread() -> None:
    """This worker's OpenMP runs on one thread (OpenMP's setting is per thread), set once
    per worker after tabmat's OpenMP kernels are loaded (a controller made earlier would
    not know their OpenMP library)."""
    if not getattr(_WORKER, "openmp_limited", False):
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="openmp")
        _WORKER.openmp_limited = True


@dataclass
class ChunkResult:
    """One chunk's share of a pass."""

    deviance: float
    valid: bool
    products: Array | None  # [X z]'W[X z], or None when the chunk's sums were not made
    by_level: Array | None
    var_nan: bool = False  # R's checks on V(mu) and dmu/deta (rows with a positive weight)
    var_zero: bool = False
    mu_eta_nan: bool = False
    any_good: bool = True
    all_good: bool = True


class Buffers(NamedTuple):
    """The full-length arrays of a :class:`KernelState`."""

    eta: Array
    mu: Array
    mu_eta: Array
    w2: Array


@dataclass
class KernelState:
    """The fit at one coefficient vector: full-length eta, mu, dmu/deta, working weights,
    and, when the pass made them, X'WX and X'Wz for the next step."""

    eta: Array
    mu: Array
    mu_eta: Array
    w2: Array
    deviance: float
    valid: bool
    sums: tuple[Array, Array] | None  # (X'WX, X'Wz) in X's columns
    chunks: list[ChunkResult]

    def check(self) -> None:
        """R's errors for V(mu) and dmu/deta, as the general path raises them."""
        if any(c.var_nan for c in self.chunks):
            raise FitError("NAs in V(mu): the variance function is undefined at the fitted values")
        if any(c.var_zero for c in self.chunks):
            raise FitError("0s in V(mu): the variance is zero at some fitted values")
        if any(c.mu_eta_nan for c in self.chunks):
            raise FitError("NAs in d(mu)/d(eta)")

    @property
    def any_good(self) -> bool:
        """Some row is informative."""
        return any(c.any_good for c in self.chunks)

    @property
    def all_good(self) -> bool:
        """Every row is informative."""
        return all(c.all_good for c in self.chunks)


@dataclass(frozen=True)
class WeightFacts:
    """What the fitter asks of the prior weights, found once."""

    positive: Array  # weights > 0
    all_positive: bool
    unit: bool  # every weight is 1

    @classmethod
    def of(cls, weights: Array) -> WeightFacts:
        positive = weights > 0
        return cls(positive, bool(np.all(positive)), bool(np.all(weights == 1)))


class ChunkKernel:
    """The fixed inputs of the fused pass: the matrix's blocks, y, weights, offset, family."""

    def __init__(self, dense: Array, codes: Array | None, n_levels: int,
                 expand: Any, y: Array, weights: Array, offset: Array | None,
                 family: Any, facts: WeightFacts | None = None) -> None:
        self.dense, self.codes, self.n_levels = dense, codes, n_levels
        self.expand = expand  # inner columns -> X's columns (None: X is the dense block)
        self.y, self.weights, self.offset, self.family = y, weights, offset, family
        n, k = dense.shape
        self.n, self.k = n, k
        step = chunk_rows(k + 2)
        self.slices = [slice(first, min(first + step, n)) for first in range(0, n, step)]
        facts = WeightFacts.of(weights) if facts is None else facts
        self.positive, self.all_positive = facts.positive, facts.all_positive
        self.unit_weights = facts.unit
        self.deviance_functions = [family.deviance_function(y[s], weights[s])
                                   for s in self.slices]
        # tabmat's OpenMP kernel makes the sums by level where the compiled one does not
        self.openmp = codes is not None and not uses_compiled(dense)

    def run(self, coef: Array | None, eta: Array | None, threads: int,
            sums: bool = True, reuse: Buffers | None = None,
            mustart: Array | None = None) -> KernelState:
        """One pass at ``coef`` (or at a given ``eta``, or at eta = linkfun(``mustart``) made
        chunk by chunk, for the starting values); ``sums``: also the working weights and
        the sums for the next step. ``reuse``: full-length arrays no longer needed, which
        the pass writes over (fresh memory costs page faults)."""
        n = self.n
        if reuse is not None and eta is None:
            state = KernelState(eta=reuse.eta, mu=reuse.mu, mu_eta=reuse.mu_eta, w2=reuse.w2,
                                deviance=0.0, valid=True, sums=None, chunks=[])
        else:
            state = KernelState(
                eta=np.empty(n) if eta is None else eta, mu=np.empty(n), mu_eta=np.empty(n),
                w2=np.zeros(n), deviance=0.0, valid=True, sums=None, chunks=[])
        dense_coef, level_coef = (None, None) if coef is None else self._split(coef)
        with serial_blas(self.n, self.k + 2):  # a small fit needs no thread limit
            state.chunks = self._map(
                lambda c: self._chunk(c, state, dense_coef, level_coef, sums, mustart),
                threads)
        deviance = 0.0
        for part in state.chunks:  # in row order: the same bits whatever the threads
            deviance += part.deviance
        state.deviance = deviance
        state.valid = all(part.valid for part in state.chunks)
        if sums and all(part.products is not None for part in state.chunks):
            state.sums = self._reduce(state.chunks)
        return state

    def add_sums(self, state: KernelState, threads: int) -> None:
        """The working weights and the sums of a state whose pass did not make them."""
        def work(c: int) -> None:
            rows, part = self.slices[c], state.chunks[c]
            if part.products is None:
                if self.openmp:
                    _one_openmp_thread()
                self._working(c, state.eta[rows], state.mu[rows], state.mu_eta[rows],
                              state.w2[rows], part)

        with serial_blas(self.n, self.k + 2):
            self._map(work, threads)
        state.sums = self._reduce(state.chunks)

    def deviance(self, mu: Array | float, threads: int) -> float:
        """The family's deviance at ``mu`` (full length, or one value for every row), chunk
        by chunk in row order."""
        def chunk_deviance(c: int) -> float:
            rows = self.slices[c]
            chunk_mu = (mu[rows] if isinstance(mu, np.ndarray)
                        else np.full(rows.stop - rows.start, mu))
            return float(self.deviance_functions[c](chunk_mu))

        total = 0.0
        for part in self._map(chunk_deviance, threads):
            total += part
        return total

    def _map(self, task: Callable[[int], Any], threads: int) -> list[Any]:
        """``task`` of each chunk, in chunk order: on the pool, or here for one chunk of a
        dense matrix (no OpenMP kernel then; BLAS is on one thread either way)."""
        if len(self.slices) == 1 and not self.openmp:
            return [task(0)]
        return list(pool(threads).map(task, range(len(self.slices))))

    def _split(self, coef: Array) -> tuple[Array, Array | None]:
        """The dense block's coefficients and the effect of each level."""
        if self.expand is None:
            return np.ascontiguousarray(coef, dtype=float), None
        inner = self.expand @ np.asarray(coef, dtype=float)
        return inner[: self.k], (inner[self.k:] if self.codes is not None else None)

    def _chunk(self, c: int, state: KernelState, dense_coef: Array | None,
               level_coef: Array | None, want_sums: bool,
               mustart: Array | None = None) -> ChunkResult:
        """Chunk ``c``: eta (unless given), mu, dmu/deta, deviance, validity, and the sums."""
        family, rows = self.family, self.slices[c]
        if self.openmp:
            _one_openmp_thread()
        eta = state.eta[rows]
        if dense_coef is not None:
            linear_predictor(self.dense, rows, dense_coef,
                             None if level_coef is None or self.codes is None
                             else self.codes[rows], level_coef,
                             None if self.offset is None else self.offset[rows], eta)
        elif mustart is not None:
            eta[:] = family.linkfun(mustart[rows])
        valid_eta = bool(family.valid_eta(eta))  # else the inverse link may divide by 0
        with np.errstate(all="ignore") if not valid_eta else _NO_CHANGE:
            mu, mu_eta = family.linkinv_and_mu_eta(eta)
            deviance = float(self.deviance_functions[c](mu))
        state.mu[rows] = mu
        state.mu_eta[rows] = mu_eta
        valid = valid_eta and bool(family.valid_mu(mu))
        result = ChunkResult(deviance, valid, None, None)
        if want_sums and valid and np.isfinite(deviance):
            self._working(c, eta, mu, mu_eta, state.w2[rows], result)
        return result

    def _working(self, c: int, eta: Array, mu: Array, mu_eta: Array, w2: Array,
                 result: ChunkResult) -> None:
        """Chunk ``c``'s working weights (into ``w2``) and response, and its sums."""
        rows = self.slices[c]
        varmu = self.family.variance(mu)
        positive = self.positive[rows]
        v, m = (varmu, mu_eta) if self.all_positive else (varmu[positive], mu_eta[positive])
        if v.size and not np.min(v) > 0:
            result.var_nan = bool(np.any(np.isnan(v)))
            result.var_zero = bool(np.any(v == 0))
        if m.size and np.isnan(np.sum(m)):
            result.mu_eta_nan = bool(np.any(np.isnan(m)))
        good = positive & (mu_eta != 0)
        result.all_good = bool(np.all(good))
        result.any_good = result.all_good or bool(np.any(good))
        z = np.empty(mu.size)
        weights = None if self.unit_weights else self.weights[rows]
        offset = None if self.offset is None else self.offset[rows]
        working_values(self.y[rows], mu, eta, mu_eta, varmu, weights, offset, good,
                       result.all_good, z, w2)
        result.products, result.by_level = chunk_sums(
            self.dense, rows, w2, z, None if self.codes is None else self.codes[rows],
            self.n_levels)

    def _reduce(self, chunks: list[ChunkResult]) -> tuple[Array, Array]:
        """X'WX and X'Wz from the chunks' sums, added in row order."""
        k = self.k
        products = np.zeros((k + 1, k + 1))
        by_level = None if self.codes is None else np.zeros((self.n_levels, k + 2))
        for part in chunks:
            assert part.products is not None
            products += part.products
            if by_level is not None and part.by_level is not None:
                by_level += part.by_level
        products = np.triu(products) + np.triu(products, 1).T
        if self.expand is None:
            return products[:k, :k], products[:k, k]
        width = k + self.n_levels
        inner = np.zeros((width, width))
        inner_rhs = np.zeros(width)
        inner[:k, :k] = products[:k, :k]
        inner_rhs[:k] = products[:k, k]
        if by_level is not None:
            inner[k:, k:] = np.diag(by_level[:, -1])
            inner_rhs[k:] = by_level[:, k]
            inner[k:, :k] = by_level[:, :k]
            inner[:k, k:] = by_level[:, :k].T
        expand_t = self.expand.T.tocsr()
        half = expand_t @ inner
        gram = np.asarray(expand_t @ half.T)
        return gram, np.asarray(expand_t @ inner_rhs)


def working_values(
    y: Array, mu: Array, eta: Array, mu_eta: Array, varmu: Array, weights: Array | None,
    offset: Array | None, good: Array, all_good: bool, z: Array, w2: Array,
) -> None:
    """R's working response and weights, written into ``z`` and ``w2``.

    z = eta - offset + (y - mu) / mu_eta and w2 = weights mu_eta^2 / V(mu),
    both 0 outside the rows in ``good`` (``weights`` None: all 1; ``offset``
    None: 0).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        np.subtract(y, mu, out=z)
        z /= mu_eta
        z += eta if offset is None else (eta - offset)
        np.multiply(mu_eta, mu_eta, out=w2)
        if weights is not None:
            w2 *= weights
        w2 /= varmu
    if not all_good:
        np.putmask(z, ~good, 0.0)
        np.putmask(w2, ~good, 0.0)


def kernel_for(X: ModelMatrix, y: Array, weights: Array, offset: Array,
               family: Any, *, facts: WeightFacts | None = None,
               has_offset: bool | None = None) -> ChunkKernel | None:
    """The fused kernel for ``X``, or None when its layout is not one the kernel serves
    (``facts`` and ``has_offset``: the weights' facts and whether an offset is not all 0,
    when the caller knows them)."""
    if has_offset is None:
        has_offset = bool(np.any(offset != 0))
    off = offset if has_offset else None
    if isinstance(X, DenseModelMatrix):
        return ChunkKernel(X.values, None, 0, None, y, weights, off, family, facts)
    if not isinstance(X, StructuredModelMatrix):
        return None
    kinds = [kind for kind, _, _ in X.blocks]
    if "sparse" in kinds or kinds.count("codes") > 1 or kinds.count("dense") > 1:
        return None
    blocks = {kind: (data, width) for kind, data, width in X.blocks}
    # the kernel's inner columns: the dense block, then the levels
    order = [b for b, block in enumerate(X.blocks) if block[0] == "dense"] + [
        b for b, block in enumerate(X.blocks) if block[0] == "codes"]
    offsets = np.cumsum([0] + [width for _, _, width in X.blocks])
    permutation = np.concatenate([np.arange(offsets[b], offsets[b + 1]) for b in order])
    expand = X.expand[permutation]
    dense = blocks["dense"][0] if "dense" in blocks else np.empty((X.n_rows, 0), order="F")
    codes = X._codes(order[-1]) if "codes" in blocks else None
    if codes is not None and not uses_compiled(dense):
        import tabmat.ext.split  # noqa: F401  (its OpenMP library, before the workers limit it)

    n_levels = blocks["codes"][1] if "codes" in blocks else 0
    return ChunkKernel(dense, codes, n_levels, expand, y, weights, off, family, facts)
