"""Iteratively reweighted least squares, rule for rule as R's ``glm.fit``.

The fitter sees numbers only: a model matrix, a prepared response, prior
weights, an offset and a family object with the methods ``linkfun``,
``linkinv``, ``mu_eta``, ``variance``, ``dev_resids``, ``valid_eta`` and
``valid_mu``. It knows no formula and no family by name.

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

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg import lapack

from glmformula.errors import ArgumentTypeError, BoundaryWarning, ConvergenceWarning, FitError
from glmformula.matrices import ModelMatrix, as_model_matrix, serial_blas
from glmformula.solvers import LeastSquares, weighted_least_squares

Array = np.ndarray


@dataclass(frozen=True)
class Control:
    """IRLS settings, as R's ``glm.control``: tolerance, iteration limit, tracing."""

    epsilon: float = 1e-8
    maxit: int = 25
    trace: bool = False

    def __post_init__(self) -> None:
        epsilon = _number(self.epsilon, "epsilon", "a number such as 1e-8")
        maxit = _number(self.maxit, "maxit", "a whole number such as 25")
        if not (np.isfinite(epsilon) and epsilon > 0):
            raise FitError(f"control epsilon must be a finite number > 0, got {epsilon!r}")
        if not (np.isfinite(maxit) and maxit >= 1 and float(maxit).is_integer()):
            raise FitError(f"control maxit must be a whole number >= 1, got {maxit!r}")
        if not isinstance(self.trace, bool | np.bool_):
            raise ArgumentTypeError(f"control trace must be True or False, got {self.trace!r}")
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
    #: the deviance of fitted means, for these y and weights (reused for the null deviance)
    deviance_function: Callable[[Array], float] | None = field(
        default=None, repr=False, compare=False)


def _deviance(family: Any, y: Array, mu: Array, weights: Array) -> float:
    return float(np.sum(family.dev_resids(y, mu, weights)))


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
    control = control or Control()
    X = as_model_matrix(X)
    n, p = X.shape
    if p == 0:
        return _empty_fit(y, weights, offset, family)
    has_offset = bool(np.any(offset != 0))
    unit_weights = bool(np.all(weights == 1))
    positive = weights > 0
    all_positive = bool(np.all(positive))

    def linear_predictor(coef: Array) -> Array:
        eta = X.matvec(coef)
        if has_offset:
            eta += offset
        return eta

    def evaluate(coef: Array) -> tuple[Array, Array, Array]:
        eta = linear_predictor(coef)
        return (eta, *family.linkinv_and_mu_eta(eta))

    coefold: Array | None = None
    if etastart is not None:
        eta = np.asarray(etastart, dtype=float)
    elif start is not None:
        coefold = np.asarray(start, dtype=float)
        if coefold.shape != (p,):
            raise FitError(
                f"start has length {coefold.size}, but the model has {p} coefficients; "
                "give one starting value per column of the model matrix"
            )
        eta = linear_predictor(coefold)
    else:
        eta = family.linkfun(mustart)
    invalid = FitError("cannot find valid starting values: please specify some with start=")
    if not family.valid_eta(eta):  # before the inverse link, which may divide by 0
        raise invalid
    mu, mu_eta = family.linkinv_and_mu_eta(eta)
    if not family.valid_mu(mu):
        raise invalid
    deviance = family.deviance_function(y, weights)
    devold = deviance(mu)
    boundary = converged = False
    z, w2 = np.empty(n), np.empty(n)
    coef = np.zeros(p) if coefold is None else coefold.copy()
    ls: LeastSquares | None = None
    good = None
    messages: list[str] = []
    dense_cache: list[Array] = []
    iteration = 0
    for iteration in range(1, control.maxit + 1):
        varmu = family.variance(mu)
        good, all_good = informative_rows(varmu, mu_eta, positive, all_positive)
        if not all_good and not np.any(good):
            if iteration == 1:
                raise FitError(_no_fit_message(
                    "no observations informative at iteration 1 (d(mu)/d(eta) is 0 at every "
                    "row with a positive weight)"))
            converged = False
            messages.append(f"no observations informative at iteration {iteration}")
            break
        working_values(y, mu, eta, mu_eta, varmu, None if unit_weights else weights,
                       offset if has_offset else None, good, all_good, z, w2)
        ls, _ = weighted_least_squares(X, w2, z, good, control.qr_tolerance, dense_cache)
        if not np.all(np.isfinite(ls.coef)):
            if iteration == 1:
                raise FitError(_no_fit_message(
                    "non-finite coefficients at iteration 1 (the working weights or responses "
                    "are not finite at the starting values)"))
            converged = False
            messages.append(f"non-finite coefficients at iteration {iteration}")
            break
        coef = ls.coef
        eta = linear_predictor(coef)
        mu, mu_eta = family.linkinv_and_mu_eta(eta)
        dev = deviance(mu)
        if control.trace:
            print(f"Deviance = {dev:.8g} Iterations - {iteration}")
        boundary = False
        if not np.isfinite(dev):
            messages.append("step size truncated due to divergence")
            coef, (eta, mu, mu_eta) = _halve_step(
                coef, coefold, evaluate, lambda state: np.isfinite(deviance(state[1])),
                control.maxit, "inner loop 1",
            )
            boundary = True
            dev = deviance(mu)
        if not (family.valid_eta(eta) and family.valid_mu(mu)):
            messages.append("step size truncated: out of bounds")
            coef, (eta, mu, mu_eta) = _halve_step(
                coef, coefold, evaluate,
                lambda state: family.valid_eta(state[0]) and family.valid_mu(state[1]),
                control.maxit, "inner loop 2",
            )
            boundary = True
            dev = deviance(mu)
        if abs(dev - devold) / (abs(dev) + 0.1) < control.epsilon:
            converged = True
            break
        devold = dev
        coefold = coef
    _warn_messages(messages, converged, boundary)
    if ls is None or good is None:  # maxit >= 1, and the first iteration either fits or raises
        raise FitError(_no_fit_message("IRLS made no iteration"))
    working_weights = w2 if good is positive and all_positive else np.where(good, w2, 0.0)
    return _finish(y, coef, eta, mu, mu_eta, dev, ls, working_weights, iteration,
                   converged, boundary, messages, deviance_function=deviance)


def _no_fit_message(reason: str) -> str:
    """R's error for a fit that cannot start, with the reason."""
    return f"{reason}: cannot find valid starting values: please specify some with start="


def _halve_step(
    coef: Array, coefold: Array | None, evaluate: Callable[[Array], tuple[Array, Array, Array]],
    acceptable: Callable[[tuple[Array, Array, Array]], bool], maxit: int, loop: str,
) -> tuple[Array, tuple[Array, Array, Array]]:
    """Halve the step towards the previous coefficients until the fit is acceptable (R)."""
    if coefold is None:
        raise FitError("no valid set of coefficients has been found: please supply starting values")
    for _ in range(maxit):
        coef = (coef + coefold) / 2
        state = evaluate(coef)
        if acceptable(state):
            return coef, state
    raise FitError(f"{loop}; cannot correct step size")


def _warn_messages(messages: list[str], converged: bool, boundary: bool) -> None:
    for message in messages:
        warnings.warn(message, ConvergenceWarning, stacklevel=4)
    if not converged:
        warnings.warn(
            "glm.fit: algorithm did not converge; raise control maxit or check the model",
            ConvergenceWarning,
            stacklevel=4,
        )
    if boundary:
        warnings.warn("glm.fit: algorithm stopped at boundary value", BoundaryWarning,
                      stacklevel=4)


def _finish(
    y: Array, coef: Array, eta: Array, mu: Array, mu_eta: Array, dev: float,
    ls: LeastSquares, working_weights: Array, iteration: int, converged: bool,
    boundary: bool, messages: list[str],
    deviance_function: Callable[[Array], float] | None = None,
) -> IRLSFit:
    p = coef.size
    aliased = np.zeros(p, dtype=bool)
    aliased[ls.pivot[ls.rank:]] = True
    coef = coef.astype(float, copy=True)
    coef[aliased] = np.nan
    cov = np.full((p, p), np.nan)
    kept = ls.pivot[: ls.rank]
    if ls.rank:
        with serial_blas():  # OpenBLAS threads its dpotri: one thread, the same bits
            inv, info = lapack.dpotri(ls.r_matrix, lower=0)
        if info != 0:
            raise FitError(f"cannot invert the weighted cross-product matrix (info {info})")
        inv = np.triu(inv) + np.triu(inv, 1).T
        cov[np.ix_(kept, kept)] = inv
    with np.errstate(divide="ignore", invalid="ignore"):
        working_residuals = (y - mu) / mu_eta
    return IRLSFit(
        coef=coef, eta=eta, mu=mu, deviance=dev, working_weights=working_weights,
        working_residuals=working_residuals, rank=ls.rank, pivot=ls.pivot,
        aliased=aliased, cov_unscaled=cov, iterations=iteration, converged=converged,
        boundary=boundary, messages=messages, deviance_function=deviance_function,
    )


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
        coef=np.zeros(0), eta=eta, mu=mu, deviance=_deviance(family, y, mu, weights),
        working_weights=ww, working_residuals=(y - mu) / mu_eta, rank=0,
        pivot=np.zeros(0, dtype=int), aliased=np.zeros(0, dtype=bool),
        cov_unscaled=np.zeros((0, 0)), iterations=0, converged=True, boundary=True,
    )


def null_deviance(
    y: Array, weights: Array, offset: Array, family: Any, *, intercept: bool,
    has_offset: bool, fitted: Array, control: Control | None = None,
    deviance_function: Callable[[Array], float] | None = None,
) -> float:
    """The deviance of the null model, as R's ``glm`` computes it.

    With an intercept and an offset it is the deviance of the intercept-only
    fit with that offset (started from the full model's fitted values);
    with an intercept alone, of the weighted mean; without, of linkinv(offset).
    ``deviance_function`` is the family's for these y and weights, when at hand.
    """
    if intercept and has_offset:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            null = fit(np.ones((y.size, 1)), y, weights, offset, family, mustart=fitted,
                       control=control)
        if not null.converged:
            warnings.warn("fitting to calculate the null deviance did not converge -- "
                          "increase maxit?", ConvergenceWarning, stacklevel=3)
        del caught
        return null.deviance
    if intercept:
        mean = np.full_like(y, np.sum(weights * y) / np.sum(weights), dtype=float)
    else:
        mean = family.linkinv(offset)
    if deviance_function is None:
        deviance_function = family.deviance_function(y, weights)
    return deviance_function(mean)
