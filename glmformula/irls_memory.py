"""The in-memory data source of the IRLS loop: every row in numpy arrays.

:class:`MemoryData` holds the fixed inputs of a fit (model matrix, prepared
response, prior weights, offset, family, R's starting values); an
:class:`MemoryState` is the fit at one coefficient vector (eta, mu and,
when asked, the deviance and whether eta and mu are valid). The loop itself,
with R's rules, is :func:`glmformula.irls.iterate`.

>>> import numpy as np
>>> from glmformula.families import Poisson
>>> X = np.column_stack([np.ones(4), [0.0, 1.0, 2.0, 3.0]])
>>> y = np.array([1.0, 2.0, 4.0, 8.0])
>>> data = MemoryData(X, y, np.ones(4), np.zeros(4), Poisson(), mustart=y + 0.1)
>>> state, start = data.start()
>>> round(state.deviance, 4), bool(state.valid), start is None
(0.0179, True, True)
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from glmformula.errors import FitError
from glmformula.irls_kernel import (
    Buffers,
    ChunkKernel,
    KernelState,
    WeightFacts,
    kernel_for,
    working_values,
)
from glmformula.matrices import ModelMatrix, as_model_matrix
from glmformula.solvers import LeastSquares, solve_step, weighted_least_squares
from glmformula.thread_pool import resolve_threads

Array = np.ndarray


def _check_working_values(varmu: Array, mu_eta: Array, positive: Array | None) -> None:
    """R's checks: no NaN or 0 in V(mu), no NaN in dmu/deta (rows with weight > 0)."""
    v = varmu if positive is None else varmu[positive]
    smallest = np.min(v) if v.size else 1.0
    if not smallest > 0:
        if np.any(np.isnan(v)):
            raise FitError("NAs in V(mu): the variance function is undefined at the fitted values")
        if np.any(v == 0):
            raise FitError("0s in V(mu): the variance is zero at some fitted values")
    m = mu_eta if positive is None else mu_eta[positive]
    if m.size and np.isnan(np.sum(m)) and np.any(np.isnan(m)):
        raise FitError("NAs in d(mu)/d(eta)")


def informative_rows(varmu: Array, mu_eta: Array, positive: Array,
                     all_positive: bool) -> tuple[Array, bool]:
    """R's checks of V(mu) and dmu/deta, then the rows IRLS uses, and whether that is all.

    A row is used where its prior weight is positive and dmu/deta is not 0.
    """
    _check_working_values(varmu, mu_eta, None if all_positive else positive)
    if all_positive and np.count_nonzero(mu_eta) == mu_eta.size:
        return positive, True
    good = positive & (mu_eta != 0)
    return good, bool(np.all(good))


def working_weights_and_response(family: Any, y: Array, weights: Array, eta: Array,
                                 mu: Array, mu_eta: Array, offset: Array | None
                                 ) -> tuple[Array, Array, Array]:
    """R's working weights w^2 and response z at (eta, mu), 0 where a row is not informative,
    and the informative rows (for a chunk of rows: fresh arrays)."""
    varmu = family.variance(mu)
    positive = weights > 0
    good, all_good = informative_rows(varmu, mu_eta, positive, bool(np.all(positive)))
    z, w2 = np.empty(y.size), np.empty(y.size)
    working_values(y, mu, eta, mu_eta, varmu, weights, offset, good, all_good, z, w2)
    return w2, z, good


class MemoryState:
    """The fit at one coefficient vector (or at the starting values): eta, mu, deviance."""

    def __init__(self, data: MemoryData, eta: Array) -> None:
        self.data = data
        self.eta = eta

    @cached_property
    def _inverse(self) -> tuple[Array, Array]:
        return self.data.family.linkinv_and_mu_eta(self.eta)

    @property
    def mu(self) -> Array:
        """Fitted means."""
        return self._inverse[0]

    @property
    def mu_eta(self) -> Array:
        """dmu/deta."""
        return self._inverse[1]

    @cached_property
    def deviance(self) -> float:
        """The family's deviance at mu."""
        return self.data.deviance_function(self.mu)

    @cached_property
    def valid(self) -> bool:
        """eta and mu inside the family's domain (eta first: the inverse link may divide by 0)."""
        family = self.data.family
        return bool(family.valid_eta(self.eta) and family.valid_mu(self.mu))


class MemoryData:
    """The fixed inputs of an in-memory fit, as the IRLS loop asks for them.

    ``mustart`` are R's starting means (``family$initialize``); ``start``
    coefficients or ``etastart`` replace them, as in R's ``glm.fit``. A dense
    matrix, or a structured one of a dense and a categorical block, is fitted
    by the fused parallel pass of :mod:`glmformula.irls_kernel` on ``threads``
    threads (None: ``$GLMFORMULA_THREADS``, else the number of CPUs; the
    coefficients have the same bits whatever the number).
    """

    #: a pass whose last relative change of the deviance is below this is likely the
    #: last one: it leaves the sums for the next step to a second pass, if one is asked
    LIKELY_LAST_CHANGE = 1e-5
    #: above this many dense columns X'WX costs much more than reading the rows again: a
    #: pass makes the sums only when the next step asks for them (never after the last step)
    EAGER_MAX_COLUMNS = 64

    def __init__(self, X: Array | ModelMatrix, y: Array, weights: Array, offset: Array,
                 family: Any, *, mustart: Array, start: Array | None = None,
                 etastart: Array | None = None) -> None:
        self.X = as_model_matrix(X)
        self.y, self.weights, self.offset, self.family = y, weights, offset, family
        self.mustart, self.start_coef, self.etastart = mustart, start, etastart
        n, self.p = self.X.shape
        self.has_offset = bool(np.any(offset != 0))
        facts = WeightFacts.of(weights)
        self.unit_weights, self.positive = facts.unit, facts.positive
        self.all_positive = facts.all_positive
        self.z, self.w2 = np.empty(n), np.empty(n)
        self.good = self.positive
        self._dense: list[Array] = []
        self.threads: int | None = None
        self.kernel: ChunkKernel | None = kernel_for(self.X, y, weights, offset, family,
                                                     facts=facts, has_offset=self.has_offset)
        self._last: KernelState | None = None  # the state of the last step (its weights)
        self._pending: KernelState | None = None  # the state evaluated last
        self._spare_w2: Array | None = None  # working weights no step needs any more

    @cached_property
    def deviance_function(self) -> Any:
        """The family's deviance total at mu, for these y and weights."""
        return self.family.deviance_function(self.y, self.weights)

    def _pass(self, coef: Array | None, eta: Array | None, sums: bool = True,
              reuse: Buffers | None = None, mustart: Array | None = None) -> KernelState:
        assert self.kernel is not None
        return self.kernel.run(coef, eta, resolve_threads(self.threads), sums, reuse, mustart)

    def linear_predictor(self, coef: Array) -> Array:
        """eta = X coef + offset."""
        eta = self.X.matvec(coef)
        if self.has_offset:
            eta += self.offset
        return eta

    def start(self) -> tuple[MemoryState | KernelState, Array | None]:
        """The state at R's starting values, and the start coefficients if given."""
        if self.kernel is not None:
            return self._kernel_start()
        if self.etastart is not None:
            return MemoryState(self, np.asarray(self.etastart, dtype=float)), None
        if self.start_coef is not None:
            coef = self._start_coefficients()
            return MemoryState(self, self.linear_predictor(coef)), coef
        return MemoryState(self, self.family.linkfun(self.mustart)), None

    def _start_coefficients(self) -> Array:
        """``start=`` as a vector, one value per column of the model matrix."""
        coef = np.asarray(self.start_coef, dtype=float)
        if coef.shape != (self.p,):
            raise FitError(
                f"start has length {coef.size}, but the model has {self.p} coefficients; "
                "give one starting value per column of the model matrix"
            )
        return coef

    def _kernel_start(self) -> tuple[KernelState, Array | None]:
        if self.etastart is not None:
            return self._pass(None, np.array(self.etastart, dtype=float)), None
        if self.start_coef is not None:
            coef = self._start_coefficients()
            return self._pass(coef, None), coef
        return self._pass(None, None, mustart=np.asarray(self.mustart, dtype=float)), None

    def evaluate(self, coef: Array, last_change: float) -> MemoryState | KernelState:
        """The state at ``coef``."""
        if self.kernel is not None:
            eager = (self.kernel.k <= self.EAGER_MAX_COLUMNS
                     and not last_change < self.LIKELY_LAST_CHANGE)
            self._pending = self._pass(coef, None, sums=eager, reuse=self._reusable())
            return self._pending
        return MemoryState(self, self.linear_predictor(coef))

    def _reusable(self) -> Buffers | None:
        """Arrays the next evaluation may write over. The loop reads a state's eta, mu and
        dmu/deta only until its step is solved, and the last step's working weights at the
        end; a state evaluated and not stepped from (step halving) is dropped whole."""
        pending, last = self._pending, self._last
        if pending is not None and pending is not last:
            return Buffers(pending.eta, pending.mu, pending.mu_eta, pending.w2)
        if last is None:
            return None
        w2, self._spare_w2 = self._spare_w2, None
        return Buffers(last.eta, last.mu, last.mu_eta, np.zeros(self.y.size) if w2 is None else w2)

    def least_squares(self, state: Any, tolerance: float) -> LeastSquares | None:
        """The weighted least-squares step from ``state`` (None: no row is informative)."""
        if isinstance(state, KernelState):
            return self._kernel_least_squares(state, tolerance)
        varmu = self.family.variance(state.mu)
        good, all_good = informative_rows(varmu, state.mu_eta, self.positive,
                                          self.all_positive)
        self.good = good
        if not all_good and not np.any(good):
            return None
        working_values(self.y, state.mu, state.eta, state.mu_eta, varmu,
                       None if self.unit_weights else self.weights,
                       self.offset if self.has_offset else None, good, all_good, self.z, self.w2)
        ls, _ = weighted_least_squares(self.X, self.w2, self.z, good, tolerance, self._dense)
        return ls

    def _kernel_least_squares(self, state: KernelState, tolerance: float
                              ) -> LeastSquares | None:
        assert self.kernel is not None
        if state.sums is None:  # the pass did not make them (or some chunk was invalid)
            self.kernel.add_sums(state, resolve_threads(self.threads))
        state.check()
        if self._last is not None and self._last is not state:
            self._spare_w2 = self._last.w2  # R's final weights are those of the last step
        self._last = state
        if not state.any_good:
            return None

        def working() -> tuple[Array, Array, Array]:
            varmu = self.family.variance(state.mu)
            good = self.positive & (state.mu_eta != 0)
            z = np.empty(self.y.size)
            working_values(self.y, state.mu, state.eta, state.mu_eta, varmu,
                           None if self.unit_weights else self.weights,
                           self.offset if self.has_offset else None, good, state.all_good,
                           z, np.empty(self.y.size))
            return state.w2, z, good

        ls, _ = solve_step(self.X, state.sums, working, tolerance, self._dense)
        return ls

    def working_weights(self) -> Array:
        """R's ``fit$weights``: the w^2 of the last step, 0 for rows it did not use."""
        if self._last is not None:
            return self._last.w2
        good = self.good
        if good is self.positive and self.all_positive:
            return self.w2
        return np.where(good, self.w2, 0.0)

    def null_model(self, state: MemoryState) -> MemoryData:
        """The intercept-only model, started from the fitted means of ``state``."""
        return MemoryData(np.ones((self.y.size, 1)), self.y, self.weights, self.offset,
                          self.family, mustart=state.mu)

    def mean_deviance(self, intercept: bool) -> float:
        """The deviance of the weighted mean of y (``intercept``), else of linkinv(offset)."""
        if intercept:
            # einsum's own loop, not BLAS's threaded dot: the same bits on any thread count
            value = float(np.einsum("i,i->", self.weights, self.y) / np.sum(self.weights))
            if self.kernel is not None:  # chunk by chunk, without a full-length copy
                return self.kernel.deviance(value, resolve_threads(self.threads))
            mean = np.full_like(self.y, value, dtype=float)
        else:
            mean = self.family.linkinv(self.offset)
        if self.kernel is not None:
            return self.kernel.deviance(mean, resolve_threads(self.threads))
        return self.deviance_function(mean)
