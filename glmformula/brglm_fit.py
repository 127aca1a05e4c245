"""The adjusted score iteration of R's ``brglm2::brglmFit`` on numbers (no formula).

Each iteration takes a Fisher scoring step for the adjusted scores of the
coefficients, ``(X'WX)^-1 (X'W z-score + dispersion * A)``, and (for the
families with a dispersion) a scoring step for the dispersion's adjusted
score; a step whose size grows is followed by half steps, as brglm2 does.
The iteration stops when the sum of the absolute steps falls below
``epsilon``. Starting values are the maximum likelihood fit to the response
adjusted by brglm2's rule (half of ``p / n`` added to successes and failures,
or to counts), and the dispersion's maximum likelihood estimate there.

>>> import numpy as np
>>> from glmformula.brglm_control import BRControl
>>> from glmformula.families import Binomial
>>> X = np.column_stack([np.ones(4), [0.0, 0.0, 1.0, 1.0]])
>>> y = np.array([0.0, 1.0, 1.0, 1.0])
>>> run = adjusted_score_fit(X, y, np.ones(4), np.zeros(4), Binomial(),
...                          BRControl(type="AS_mean", epsilon=1e-10))
>>> [round(float(b), 4) + 0.0 for b in run.coef], run.converged  # + 0.0: no -0.0
([0.0, 1.6094], True)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import linalg, optimize

from glmformula.brglm_adjustments import (
    FamilyPieces,
    dispersion_adjustment,
    family_pieces,
    hat_adjustment,
    jeffreys_adjustment,
    median_adjustment,
    second_derivative,
)
from glmformula.brglm_control import BRControl
from glmformula.errors import ConvergenceWarning, FitError
from glmformula.families import Family
from glmformula.irls import Control, fit, user_stacklevel
from glmformula.links import EPS

Array = np.ndarray


@dataclass(frozen=True)
class Quantities:
    """The fit at (coefficients, dispersion): what the steps are made of."""

    eta: Array
    mu: Array
    d1: Array
    d2: Array
    varmu: Array
    d1var: Array
    working: Array  # prior weights * d1^2 / V
    r_matrix: Array  # R of the QR of sqrt(W) X


@dataclass(frozen=True)
class BRRun:
    """Where the iteration stopped."""

    coef: Array
    dispersion: float  # NaN when the residual degrees of freedom are 0
    dispersion_ml: float
    quantities: Quantities
    iterations: int
    converged: bool


class StepFailedError(Exception):
    """A step could not be computed (brglm2's try-error)."""


@dataclass(frozen=True)
class _Problem:
    X: Array
    y: Array
    weights: Array
    offset: Array
    family: Family
    pieces: FamilyPieces
    control: BRControl

    @property
    def keep(self) -> Array:
        return np.asarray(self.weights > 0)

    @property
    def has_dispersion(self) -> bool:
        return self.pieces.afuns is not None

    @property
    def df_residual(self) -> int:
        return int(np.count_nonzero(self.keep)) - self.X.shape[1]

    def quantities(self, beta: Array) -> Quantities:
        eta = self.X @ beta + self.offset
        fam = self.family
        with np.errstate(all="ignore"):
            mu = fam.linkinv(eta)
            d1 = fam.mu_eta(eta)
            d2 = second_derivative(fam.link)(eta)
            varmu = fam.variance(mu)
            working = self.weights * d1**2 / varmu
            wx = np.sqrt(working)[:, None] * self.X
        if not np.all(np.isfinite(wx)):
            raise StepFailedError
        r_matrix = linalg.qr(wx, mode="r", check_finite=False)[0][: self.X.shape[1]]
        return Quantities(eta, mu, d1, d2, varmu, self.pieces.d1variance(mu), working,
                          r_matrix)

    def beta_step(self, q: Quantities, dispersion: float) -> tuple[Array, Array]:
        """The step (inverse information times the adjusted score of the coefficients)
        and the adjusted score."""
        X, p = self.X, self.X.shape[1]
        diag = np.abs(np.diag(q.r_matrix))
        if not np.all(np.isfinite(q.r_matrix)) or (p and diag.min() == 0):
            raise StepFailedError("failed to invert the information matrix")
        r_inv = linalg.solve_triangular(q.r_matrix, np.eye(p), check_finite=False)
        inverse = r_inv @ r_inv.T  # (X'WX)^-1
        with np.errstate(all="ignore"):
            score = (self.weights * q.d1 * (self.y - q.mu) / q.varmu) @ X / dispersion
        adjustment = self._adjustment(q, inverse)
        if np.any(np.isnan(adjustment)):
            raise StepFailedError("failed to calculate score adjustment")
        gradient = score + adjustment
        return np.asarray(dispersion * inverse @ gradient), gradient

    def _adjustment(self, q: Quantities, inverse: Array) -> Array:
        kind = self.control.type
        if kind == "ML":
            return np.zeros(self.X.shape[1])
        q_factor = self.X * np.sqrt(q.working)[:, None]
        hats = np.sum((q_factor @ inverse) * q_factor, axis=1)
        if kind == "MPL_Jeffreys":
            return jeffreys_adjustment(hats, q.d1, q.d2, q.varmu, q.d1var, self.X,
                                       self.control.a)
        if kind == "AS_median":
            info = q.r_matrix.T @ q.r_matrix
            return median_adjustment(hats, q.d1, q.d2, q.varmu, q.d1var, self.X, q.working,
                                     info, inverse)
        return hat_adjustment(hats, q.d1, q.d2, self.X)

    def _afuns(self, dispersion: float) -> tuple[Array, Array, Array, Array]:
        assert self.pieces.afuns is not None
        keep = self.keep
        w = self.weights[keep]
        z = -w / dispersion
        d1, d2, d3 = (f(z) for f in self.pieces.afuns)
        return w, d1, d2, d3

    def dispersion_score(self, mu: Array, dispersion: float) -> float:
        """The dispersion's score: (sum of deviance residuals - their expectations) / 2phi^2."""
        w, d1, _, _ = self._afuns(dispersion)
        dev = self.family.dev_resids(self.y, mu, self.weights)[self.keep]
        return float(0.5 / dispersion**2 * np.sum(dev - w * d1))

    def dispersion_step(self, q: Quantities, dispersion: float) -> tuple[float, float]:
        """The dispersion's scoring step and adjusted score (NaN without a dispersion)."""
        if not self.has_dispersion or self.df_residual < 1:
            return math.nan, math.nan
        w, _, d2, d3 = self._afuns(dispersion)
        s1, s2 = float(np.sum(w**3 * d3)), float(np.sum(w**2 * d2))
        info = 0.5 * s2 / dispersion**4
        if not (math.isfinite(info) and info != 0):
            raise StepFailedError("failed to invert the information matrix")
        adjustment = dispersion_adjustment(self.control.type, self.X.shape[1], dispersion,
                                           s1, s2, self.control.a)
        if math.isnan(adjustment):
            raise StepFailedError("failed to calculate score adjustment")
        gradient = self.dispersion_score(q.mu, dispersion) + adjustment
        return gradient / info, gradient

    def ml_dispersion(self, beta: Array) -> float:
        """The dispersion's maximum likelihood estimate at ``beta`` (brglm2's uniroot on
        (eps, 10000)); NaN when the score has no root there."""
        if not self.has_dispersion:
            return 1.0
        if self.df_residual <= 0:
            return math.nan
        mu = self.family.linkinv(self.X @ beta + self.offset)
        with np.errstate(all="ignore"):
            def score(phi: float) -> float:
                return self.dispersion_score(mu, phi)

            try:
                return float(optimize.brentq(score, EPS, 10000.0, xtol=self.control.epsilon))
            except (ValueError, RuntimeError):
                return math.nan


def adjusted_score_fit(X: Array, y: Array, weights: Array, offset: Array, family: Family,
                       control: BRControl, start: Array | None = None,
                       start_dispersion: float | None = None) -> BRRun:
    """brglm2's iteration on a full-rank X (y a proportion for binomial families)."""
    problem = _Problem(X, y, weights, offset, family, family_pieces(family), control)
    if start is None:
        beta = _starting_coefficients(problem)
    else:
        beta = np.asarray(start, dtype=float)
    if start_dispersion is not None:
        dispersion = dispersion_ml = start_dispersion
    else:
        dispersion_ml = problem.ml_dispersion(beta) if problem.df_residual > 0 else math.nan
        dispersion = 1.0 if not problem.has_dispersion or problem.df_residual <= 0 \
            else dispersion_ml
        if math.isnan(dispersion):
            warnings.warn("the ML estimate of the dispersion could not be calculated; an "
                          "alternative estimate is used as starting value", ConvergenceWarning,
                          stacklevel=user_stacklevel())
            mean = np.sum(weights * y) / np.sum(weights)
            dispersion = float(np.var(y, ddof=1) / family.variance(np.array([mean]))[0])
    return _iterate(problem, beta, dispersion, dispersion_ml)


def _starting_coefficients(problem: _Problem) -> Array:
    """ML fit to brglm2's adjusted response (not adjusted for type="correction")."""
    control = problem.control
    n, p = problem.X.shape
    adj = p / n if control.response_adjustment is None else control.response_adjustment
    if control.type == "correction":
        adj = 0.0
    y, weights, fam = problem.y, problem.weights, problem.family
    adjust = problem.pieces.adjusted_response
    if adjust is None:
        y_adj, w_adj, mustart = y, weights, fam.start_mu(y, weights)
    else:
        y_adj, w_adj, mustart = adjust(y, weights, adj)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = fit(problem.X, y_adj, w_adj, problem.offset, fam, mustart=mustart,
                    control=Control(epsilon=control.epsilon, maxit=10000))
    return np.nan_to_num(found.coef)


def _iterate(problem: _Problem, beta: Array, dispersion: float, dispersion_ml: float
             ) -> BRRun:
    control = problem.control
    correction = control.type == "correction"
    maxit = 1 if correction else control.maxit
    max_step_factor = 1 if correction else control.max_step_factor
    slowit = 1.0 if correction else control.slowit
    fitting_dispersion = problem.has_dispersion and problem.df_residual > 0
    try:
        q = problem.quantities(beta)
        step_beta, grad_beta = problem.beta_step(q, dispersion)
        step_zeta, grad_zeta = problem.dispersion_step(q, dispersion)
    except StepFailedError as failure:
        raise FitError(f"brglmFit cannot start: {failure or 'invalid starting values'}; "
                       "give other starting values with start=") from None
    failed = False
    iteration = 0
    for iteration in range(1, maxit + 1):
        factor = 0
        halve = True
        while halve and factor < max_step_factor:
            beta0, dispersion0 = beta, dispersion
            previous = _size(step_beta, step_zeta)
            beta = beta + slowit * 2.0**-factor * step_beta
            if fitting_dispersion:
                dispersion = dispersion + 2.0**-factor * step_zeta
            try:
                q = problem.quantities(beta)
                step_beta, grad_beta = problem.beta_step(q, dispersion)
                step_zeta, grad_zeta = problem.dispersion_step(q, dispersion)
            except StepFailedError as failure:
                if str(failure) == "":
                    beta, dispersion = beta0, dispersion0
                warnings.warn(str(failure) or "failed to calculate score adjustment",
                              ConvergenceWarning, stacklevel=user_stacklevel())
                failed = True
                break
            halve = True if factor == 0 and iteration == 1 else \
                _size(step_beta, step_zeta) > previous
            factor += 1
            if control.trace:
                _trace(iteration, factor, step_beta, grad_beta, step_zeta, grad_zeta,
                       problem.has_dispersion)
        if failed or _size(step_beta, step_zeta) < control.epsilon:
            break
    converged = correction or not (failed or iteration >= maxit)
    q = problem.quantities(beta)
    if problem.has_dispersion and problem.df_residual == 0:
        dispersion = math.nan
    return BRRun(beta, dispersion, dispersion_ml, q, iteration, converged)


def _trace(iteration: int, factor: int, step_beta: Array, grad_beta: Array,
           step_zeta: float, grad_zeta: float, has_dispersion: bool) -> None:
    """brglm2's trace of one (inner) iteration: the largest step and adjusted score (of the
    dispersion's, when there is one, as brglm2 prints it)."""
    step = float(np.max(np.abs(step_beta)))
    grad = float(np.max(np.abs(grad_beta)))
    print(f"Coefficients update:\tOuter/Inner iteration:\t{iteration:03d}/{factor:03d}")
    if has_dispersion:
        step, grad = abs(step_zeta), abs(grad_zeta)
        print(f"Dispersion update:\tOuter iteration:\t {iteration:03d} ")
    print(f"max |step|: {step:.6f} \t max |gradient|: {grad:.6f} ")


def _size(step_beta: Array, step_zeta: float) -> float:
    """sum(|steps|), a NaN dispersion step left out (R's na.rm)."""
    total = float(np.nansum(np.abs(step_beta)))
    return total if math.isnan(step_zeta) else total + abs(step_zeta)


def null_fit_mu(X_intercept: Array, y: Array, weights: Array, offset: Array,
                family: Family, control: BRControl) -> Any:
    """The fitted means of brglm2's null model: the intercept-only fit of the same type
    (maxit 1000) started at linkfun(mean(y)) with dispersion 1."""
    settings = BRControl(epsilon=control.epsilon, maxit=1000, type=control.type,
                         slowit=control.slowit)
    with np.errstate(all="ignore"):
        start = family.linkfun(np.array([np.mean(y)]))
    if not np.all(np.isfinite(start)):
        # y all 0 or all 1: brglm2's null fit stays at its start, linkinv(+-Inf)
        return family.linkinv(np.full(y.size, start[0]) + offset)
    run = adjusted_score_fit(X_intercept, y, weights, offset, family, settings, start=start,
                             start_dispersion=None if family_pieces(family).afuns is None
                             else 1.0)
    return run.quantities.mu
