"""Iteratively reweighted least squares, rule for rule as R's ``glm.fit``: one loop.

:func:`iterate` holds R's rules (starting values checked, the step, trace
output, step halving, the convergence test, warnings); it talks to a data
source (:class:`IRLSData`) that gives the state at the starting values or at
a coefficient vector (deviance, validity of eta and mu) and the least-squares
step from a state (``X'WX`` and ``X'Wz``). The sources are
:class:`~glmformula.irls_memory.MemoryData` (numpy or structured matrices in
memory) and :class:`~glmformula.chunked_irls.ChunkedData` (a pass over Dask
partitions per evaluation). The fitter knows no formula and no family by name.

>>> import numpy as np
>>> from glmformula.families import Poisson
>>> X = np.column_stack([np.ones(4), [0.0, 1.0, 2.0, 3.0]])
>>> y = np.array([1.0, 2.0, 4.0, 8.0])
>>> fam = Poisson()
>>> res = fit(X, y, np.ones(4), np.zeros(4), fam, mustart=y + 0.1)
>>> bool(res.converged), round(float(res.coef[1]), 4)
(True, 0.6931)
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy.linalg import lapack

from glmformula.errors import (
    AliasingWarning,
    ArgumentTypeError,
    BoundaryWarning,
    ConvergenceWarning,
    FitError,
)
from glmformula.irls_memory import MemoryData
from glmformula.matrices import ModelMatrix, serial_blas
from glmformula.rformat import format_number
from glmformula.solvers import LeastSquares

Array = np.ndarray


@dataclass(frozen=True)
class Control:
    """IRLS settings, as R's ``glm.control``: tolerance, iteration limit, tracing; and
    ``threads``, the threads of an in-memory fit (None: ``$GLMFORMULA_THREADS``, else the
    number of CPUs), which changes its speed, never its bits."""

    epsilon: float = 1e-8
    maxit: int = 25
    trace: bool = False
    threads: int | None = None

    def __post_init__(self) -> None:
        epsilon = _number(self.epsilon, "epsilon", "a number such as 1e-8")
        maxit = _number(self.maxit, "maxit", "a whole number such as 25")
        if not (np.isfinite(epsilon) and epsilon > 0):
            raise FitError(f"control epsilon must be a finite number > 0, got {epsilon!r}")
        if not (np.isfinite(maxit) and maxit >= 1 and float(maxit).is_integer()):
            raise FitError(f"control maxit must be a whole number >= 1, got {maxit!r}")
        if not isinstance(self.trace, bool | np.bool_):
            raise ArgumentTypeError(f"control trace must be True or False, got {self.trace!r}")
        if self.threads is not None:
            threads = _number(self.threads, "threads", "a whole number such as 2, or None")
            if not (np.isfinite(threads) and threads >= 1 and float(threads).is_integer()):
                raise ArgumentTypeError(
                    f"control threads must be a whole number >= 1, got {threads!r}")
            object.__setattr__(self, "threads", int(threads))
        object.__setattr__(self, "epsilon", float(epsilon))
        object.__setattr__(self, "maxit", int(maxit))
        object.__setattr__(self, "trace", bool(self.trace))

    @property
    def qr_tolerance(self) -> float:
        """The tolerance R gives its QR: min(1e-7, epsilon / 1000)."""
        return min(1e-7, self.epsilon / 1000)


def _number(value: object, name: str, example: str) -> Any:
    """A control setting that must be a number (not a bool or a string)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ArgumentTypeError(f"control {name} must be {example}, got {value!r}")
    return value


@dataclass(frozen=True)
class IRLSFit:
    """What IRLS returns: estimates, the last weighted QR, and the state at convergence."""

    coef: Array  # length p, NaN where aliased
    eta: Array
    mu: Array
    deviance: float
    working_weights: Array  # R's fit$weights: w^2 of the last iteration, 0 where unused
    working_residuals: Array  # (y - mu) / mu_eta(eta)
    rank: int
    pivot: Array
    aliased: Array  # bool, length p
    cov_unscaled: Array  # p x p, NaN rows/columns where aliased
    iterations: int
    converged: bool
    boundary: bool
    messages: list[str] = field(default_factory=list)


class IRLSState(Protocol):
    """The fit at one coefficient vector, as a data source gives it."""

    @property
    def deviance(self) -> float:
        """The family's deviance at these coefficients."""
        ...

    @property
    def valid(self) -> bool:
        """eta and mu inside the family's domain."""
        ...


class IRLSData(Protocol):
    """What the IRLS loop asks of a data source (in memory, or chunks read by passes)."""

    def start(self) -> tuple[Any, Array | None]:
        """The state at R's starting values, and the start coefficients if given."""
        ...

    def evaluate(self, coef: Array, last_change: float) -> Any:
        """The state at ``coef`` (``last_change``: the last relative change of the deviance,
        a hint for a source that collects more sums in the last passes)."""
        ...

    def least_squares(self, state: Any, tolerance: float) -> LeastSquares | None:
        """The weighted least-squares step from ``state``: X'WX c = X'Wz; None when no row
        is informative."""
        ...

    def null_model(self, state: Any) -> IRLSData:
        """The intercept-only model on the same rows, started from the fitted means of
        ``state``."""
        ...

    def mean_deviance(self, intercept: bool) -> float:
        """The deviance of the weighted mean of y (``intercept``), else of linkinv(offset)."""
        ...


@dataclass(frozen=True)
class IRLSRun:
    """Where the IRLS loop stopped: the coefficients, their state and the last step."""

    coef: Array
    state: Any  # the state at coef
    weights_state: Any  # the state whose working weights gave the last step
    ls: LeastSquares  # the last step's least squares (its R factor gives the covariance)
    iterations: int
    converged: bool
    boundary: bool
    messages: list[str]


INVALID_START = "cannot find valid starting values: please specify some with start="


def iterate(data: IRLSData, control: Control, progress: Any = None) -> IRLSRun:
    """R's ``glm.fit`` loop on any data source: steps, step halving, convergence, warnings.

    ``progress`` (optional) is told each iteration's deviance and change.
    """
    if isinstance(data, MemoryData):
        data.threads = control.threads
    state, coefold = data.start()
    if not state.valid:
        raise FitError(INVALID_START)
    devold = state.deviance
    coef = coefold
    weights_state = state
    boundary = converged = False
    messages: list[str] = []
    ls: LeastSquares | None = None
    change = math.inf
    started = time.perf_counter()
    iteration = 0
    for iteration in range(1, control.maxit + 1):
        step = data.least_squares(state, control.qr_tolerance)
        if step is None:
            stop = f"no observations informative at iteration {iteration}"
            if iteration == 1:
                raise FitError(_no_fit_message(
                    f"{stop} (d(mu)/d(eta) is 0 at every row with a positive weight)"))
            messages.append(stop)
            converged = False
            break
        ls, weights_state = step, state
        if not np.all(np.isfinite(ls.coef)):
            stop = f"non-finite coefficients at iteration {iteration}"
            if iteration == 1:
                raise FitError(_no_fit_message(
                    f"{stop} (the working weights or responses are not finite at the starting "
                    "values)"))
            messages.append(stop)
            converged = False
            break
        coef = ls.coef
        state = data.evaluate(coef, change)
        dev = state.deviance
        if control.trace:
            print(f"Deviance = {_r_number(dev)} Iterations - {iteration}")
        boundary = False
        if not math.isfinite(dev):
            messages.append("step size truncated due to divergence")
            coef, state = _halve_step(data, coef, coefold, change,
                                      lambda s: math.isfinite(s.deviance), control,
                                      "inner loop 1")
            boundary = True
        if not state.valid:
            messages.append("step size truncated: out of bounds")
            coef, state = _halve_step(data, coef, coefold, change, lambda s: s.valid, control,
                                      "inner loop 2")
            boundary = True
        dev = state.deviance
        change = abs(dev - devold) / (abs(dev) + 0.1)
        if progress is not None:
            progress.update(iteration, dev, change, time.perf_counter() - started)
        if change < control.epsilon:
            converged = True
            break
        devold = dev
        coefold = coef
    _warn_messages(messages, converged, boundary)
    if ls is None or coef is None:  # maxit >= 1, and the first iteration either steps or raises
        raise FitError(_no_fit_message("IRLS made no iteration"))
    return IRLSRun(coef, state, weights_state, ls, iteration, converged, boundary, messages)


def _r_number(value: float) -> str:
    """A number as R's ``cat`` prints it (7 significant digits)."""
    return "NaN" if math.isnan(value) else format_number(value)


def fit(
    X: Array | ModelMatrix,
    y: Array,
    weights: Array,
    offset: Array,
    family: Any,
    *,
    mustart: Array,
    start: Array | None = None,
    etastart: Array | None = None,
    control: Control | None = None,
) -> IRLSFit:
    """Fit by IRLS from R's starting values; warn as R warns."""
    data = MemoryData(X, y, weights, offset, family, mustart=mustart, start=start,
                      etastart=etastart)
    return fit_from(data, control or Control())


def fit_from(data: MemoryData, control: Control) -> IRLSFit:
    """:func:`fit` on the in-memory data source ``data``."""
    if data.p == 0:
        return _empty_fit(data.y, data.weights, data.offset, data.family)
    run = iterate(data, control)
    final = run.state
    with np.errstate(divide="ignore", invalid="ignore"):
        working_residuals = (data.y - final.mu) / final.mu_eta
    return IRLSFit(
        **coefficients(run), eta=final.eta, mu=final.mu, deviance=final.deviance,
        working_weights=data.working_weights(), working_residuals=working_residuals,
    )


def conclude(data: IRLSData, final: Any, *, boundary: str | None, intercept: bool,
             has_offset: bool, aliased: Array, names: Sequence[str], control: Control) -> float:
    """What R's ``glm`` does after the loop, for either data source: the family's boundary
    warning (``boundary``), the null deviance (returned), the aliasing warning."""
    if boundary:
        warnings.warn(boundary, BoundaryWarning, stacklevel=user_stacklevel())
    null = null_deviance(data, intercept=intercept, has_offset=has_offset, final=final,
                         control=control)
    warn_aliased(aliased, names)
    return null


def warn_aliased(aliased: Array, names: Sequence[str]) -> None:
    """R's note on coefficients not defined because of singularities, as a warning."""
    dropped = [name for name, a in zip(names, aliased, strict=True) if a]
    if dropped:
        warnings.warn(
            f"{len(dropped)} coefficient(s) not defined because of singularities "
            f"(aliased columns: {', '.join(dropped)})", AliasingWarning,
            stacklevel=user_stacklevel())


def _no_fit_message(reason: str) -> str:
    """R's error for a fit that cannot start, with the reason."""
    return f"{reason}: cannot find valid starting values: please specify some with start="


def _halve_step(data: IRLSData, coef: Array, coefold: Array | None, change: float,
                acceptable: Callable[[Any], bool], control: Control, loop: str
                ) -> tuple[Array, Any]:
    """Halve the step towards the previous coefficients until the fit is acceptable (R)."""
    if coefold is None:
        raise FitError("no valid set of coefficients has been found: please supply starting values")
    for _ in range(control.maxit):
        coef = (coef + coefold) / 2
        state = data.evaluate(coef, change)
        if acceptable(state):
            if control.trace:
                print(f"Step halved: new deviance = {_r_number(state.deviance)}")
            return coef, state
    raise FitError(f"{loop}; cannot correct step size")


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the caller's first frame outside
    glmformula (the user's call of ``glm()``, whatever path led to the warning)."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    return level


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _warn_messages(messages: list[str], converged: bool, boundary: bool) -> None:
    level = user_stacklevel()
    for message in messages:
        warnings.warn(message, ConvergenceWarning, stacklevel=level)
    if not converged:
        warnings.warn(
            "glm.fit: algorithm did not converge; raise control maxit or check the model",
            ConvergenceWarning,
            stacklevel=level,
        )
    if boundary:
        warnings.warn("glm.fit: algorithm stopped at boundary value", BoundaryWarning,
                      stacklevel=level)


def coefficients(run: IRLSRun) -> dict[str, Any]:
    """The coefficient-level fields of an :class:`IRLSFit` from where the loop stopped:
    NaN for aliased columns, and (X'WX)^-1 from the last step's R factor."""
    ls = run.ls
    p = run.coef.size
    aliased = np.zeros(p, dtype=bool)
    aliased[ls.pivot[ls.rank:]] = True
    coef = run.coef.astype(float, copy=True)
    coef[aliased] = np.nan
    cov = np.full((p, p), np.nan)
    kept = ls.pivot[: ls.rank]
    if ls.rank and ls.blocks is not None:  # the inverse from the block elimination's factor
        with serial_blas(p, p):
            cov[np.ix_(kept, kept)] = ls.blocks.inverse()
    elif ls.rank:
        with serial_blas(p, p):  # OpenBLAS threads its dpotri: one thread, the same bits
            inv, info = lapack.dpotri(ls.r_matrix, lower=0)
        if info != 0:
            raise FitError(f"cannot invert the weighted cross-product matrix (info {info})")
        inv = np.triu(inv) + np.triu(inv, 1).T
        cov[np.ix_(kept, kept)] = inv
    return {"coef": coef, "rank": ls.rank, "pivot": ls.pivot, "aliased": aliased,
            "cov_unscaled": cov, "iterations": run.iterations, "converged": run.converged,
            "boundary": run.boundary, "messages": run.messages}


def _empty_fit(y: Array, weights: Array, offset: Array, family: Any) -> IRLSFit:
    """A model with no coefficients: eta is the offset (R's EMPTY case)."""
    eta = offset.astype(float, copy=True)
    if not family.valid_eta(eta):
        raise FitError("invalid linear predictor values in empty model")
    mu = family.linkinv(eta)
    if not family.valid_mu(mu):
        raise FitError("invalid fitted means in empty model")
    mu_eta = family.mu_eta(eta)
    ww = weights * mu_eta**2 / family.variance(mu)
    return IRLSFit(
        coef=np.zeros(0), eta=eta, mu=mu, deviance=family.deviance_function(y, weights)(mu),
        working_weights=ww, working_residuals=(y - mu) / mu_eta, rank=0,
        pivot=np.zeros(0, dtype=int), aliased=np.zeros(0, dtype=bool),
        cov_unscaled=np.zeros((0, 0)), iterations=0, converged=True, boundary=True,
    )


def null_deviance(data: IRLSData, *, intercept: bool, has_offset: bool, final: Any,
                  control: Control) -> float:
    """The deviance of the null model, as R's ``glm`` computes it.

    With an intercept and an offset it is the deviance of the intercept-only
    fit with that offset (started from the fitted values at ``final``, the
    state where the model's fit stopped); with an intercept alone, of the
    weighted mean; without, of linkinv(offset).
    """
    if intercept and has_offset:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            null = iterate(data.null_model(final), control)
        if not null.converged:
            warnings.warn("fitting to calculate the null deviance did not converge -- "
                          "increase maxit?", ConvergenceWarning, stacklevel=3)
        return float(null.state.deviance)
    return data.mean_deviance(intercept)
