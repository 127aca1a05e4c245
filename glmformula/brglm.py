"""Bias-reduced fits, as R's ``glm(..., method = "brglmFit", type = ...)`` from brglm2.

``gf.glm(formula, data, family, method="brglmFit", type="AS_mixed")`` fits by
adjusted score equations (Kosmidis and Firth; Kosmidis, Kenne Pagui and
Sartori 2020) instead of maximum likelihood: ``type`` "AS_mean" is Firth's
mean bias reduction, "AS_median" median bias reduction, "AS_mixed" (brglm2's
default) mean reduction for the coefficients and median reduction for the
dispersion (so the same as "AS_mean" for binomial and poisson), "MPL_Jeffreys"
the likelihood penalised by Jeffreys' prior, "correction" the ML estimate
minus its estimated bias, "ML" maximum likelihood (with the ML dispersion).
The reduced-bias estimates are finite where separation makes the maximum
likelihood estimates infinite. The fit is a :class:`BRGLMResult` (a
:class:`~glmformula.result.GLMResult`), whose summary is brglm2's.

>>> import glmformula as gf
>>> d = {"x": [0, 0, 0, 0, 1, 1, 1, 1], "y": [0, 0, 1, 1, 1, 1, 1, 1]}
>>> m = gf.glm("y ~ x", data=d, family="binomial", method="brglmFit", type="AS_mean")
>>> round(float(m.coef["x"]), 4), m.converged
(2.1972, True)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from glmformula.brglm_adjustments import family_pieces, second_derivative
from glmformula.brglm_call import brglm_call
from glmformula.brglm_control import BRControl
from glmformula.brglm_fit import StepFailedError, adjusted_score_fit, null_fit_mu
from glmformula.brglm_result import BRGLMResult, BRInfo
from glmformula.errors import BoundaryWarning, ConvergenceWarning, DataError, FitError
from glmformula.families import Family
from glmformula.irls import IRLSFit, IRLSRun, coefficients, user_stacklevel, warn_aliased
from glmformula.matrices import as_dense
from glmformula.rows import ArrayRows
from glmformula.solvers import LeastSquares, solve_least_squares

Array = np.ndarray

#: R's qr() tolerance, with which brglm2 finds the aliased columns of X
QR_TOLERANCE = 1e-7


def refuse_chunked() -> None:
    """A brglm fit needs the rows in memory (its adjustment needs every hat value)."""
    raise DataError(
        "method='brglmFit' needs the data in memory (the adjusted scores use every row's "
        "hat value); pass a pandas DataFrame, e.g. gf.glm(formula, data=ddf.compute(), "
        "method='brglmFit')")


def aliasing(X: Array) -> tuple[Array, Array]:
    """The kept and the aliased columns of X (R's qr(x), LINPACK pivoting, tol 1e-7)."""
    p = X.shape[1]
    ls = solve_least_squares(X, np.zeros(X.shape[0]), QR_TOLERANCE)
    kept = np.sort(ls.pivot[: ls.rank])
    return kept, np.setdiff1d(np.arange(p), kept)


def fit_brglm(design: Any, family: Family, response: Any, offset: Array,
              start: Array | None, control: BRControl, *, method: str, type: str | None,
              call: str, data: Any, call_args: Mapping[str, Any]) -> BRGLMResult:
    """The brglm fit of a design (see :func:`glmformula.glm`)."""
    family_pieces(family)
    second_derivative(family.link)
    X = as_dense(design.X)
    n, p = X.shape
    if p == 0:
        raise DataError("method='brglmFit' needs at least one coefficient; the model has none")
    kept, aliased = aliasing(X)
    y, weights = response.y, response.weights
    if family_pieces(family).afuns is not None and control.type != "ML" \
            and np.count_nonzero(weights > 0) <= kept.size:
        raise DataError(
            f"the {family.label} family's dispersion cannot be estimated: the model has "
            f"{kept.size} coefficient(s) and {np.count_nonzero(weights > 0)} observation(s) "
            "(no residual degrees of freedom), and its adjusted scores need it; use fewer "
            "terms or more data (brglm2 fixes it at 1 and its estimates run off)")
    run = adjusted_score_fit(X[:, kept], y, weights, offset, family, control,
                             start=None if start is None else start[kept])
    if not run.converged:
        warnings.warn(
            "brglmFit: algorithm did not converge; raise control maxit or epsilon, or change "
            "slowit or response_adjustment", ConvergenceWarning, stacklevel=user_stacklevel())
    q = run.quantities
    boundary = family.boundary_message(q.mu)
    if boundary:
        warnings.warn(boundary.replace("glm.fit:", "brglmFit:"), BoundaryWarning,
                      stacklevel=user_stacklevel())
    fit = _irls_fit(X, kept, aliased, run, y, weights, family)
    null = _null_deviance(design, X, y, weights, offset, family, control)
    warn_aliased(fit.aliased, design.column_names)
    info = BRInfo(type=control.type, method=method, dispersion=run.dispersion,
                  dispersion_ml=run.dispersion_ml)
    return BRGLMResult(
        design=design, family=family, response=response, fit=fit, null_deviance=null,
        offset=offset, control=control, rows=ArrayRows.of(design, response, offset, fit, family),
        call=brglm_call(call, method, type, start), data=data, call_args=call_args, brglm=info)


def _irls_fit(X: Array, kept: Array, aliased: Array, run: Any, y: Array, weights: Array,
              family: Family) -> IRLSFit:
    """The fit as the rest of the package reads it (R's fit object): coefficients with NaN
    where aliased, (X'WX)^-1 at the estimates, R's working weights and residuals."""
    q = run.quantities
    p = X.shape[1]
    coef = np.zeros(p)
    coef[kept] = run.coef
    root = np.sqrt(q.working)
    ls = solve_least_squares(X[:, kept] * root[:, None], np.zeros(X.shape[0]), QR_TOLERANCE)
    if ls.rank < kept.size:
        raise FitError("the weighted model matrix is singular at the brglm estimates")
    ls = LeastSquares(coef, ls.rank, np.concatenate([kept[ls.pivot], aliased]), ls.r_matrix)
    loop = IRLSRun(coef, None, None, ls, run.iterations, run.converged, False, [])
    parts = coefficients(loop)
    keep = weights > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        working_residuals = (y - q.mu) / q.d1
    return IRLSFit(**parts, eta=q.eta, mu=q.mu,
                   deviance=float(np.sum(family.dev_resids(y, q.mu, weights))),
                   working_weights=np.where(keep, q.working, 0.0),
                   working_residuals=working_residuals)


def _null_deviance(design: Any, X: Array, y: Array, weights: Array, offset: Array,
                   family: Family, control: BRControl) -> float:
    """The null deviance as R's glm() with brglmFit gives it: with an intercept and an
    offset, glm() refits the intercept-only model with the offset by the method (same
    control and type); else brglmFit's own rule: the intercept-only fit of the same type
    started at linkfun(mean(y)), or linkinv(offset) without an intercept."""
    if not design.has_intercept:
        return float(np.sum(family.dev_resids(y, family.linkinv(offset), weights)))
    column = X[:, [list(design.column_names).index("(Intercept)")]]
    try:
        if design.offset is not None:
            run = adjusted_score_fit(column, y, weights, offset, family, control)
            if not run.converged:
                warnings.warn("fitting to calculate the null deviance did not converge -- "
                              "increase maxit?", ConvergenceWarning,
                              stacklevel=user_stacklevel())
            null_mu = run.quantities.mu
        else:
            null_mu = null_fit_mu(column, y, weights, offset, family, control)
    except (StepFailedError, FitError):
        return math.nan
    return float(np.sum(family.dev_resids(y, null_mu, weights)))


def refit_columns(model: BRGLMResult, X: Array) -> IRLSFit:
    """The model's estimator (type, control) on other columns X of the same rows."""
    X = np.asarray(X, dtype=float)
    if X.shape[1] == 0:
        from glmformula.irls import fit

        r = model.response
        return fit(X, r.y, r.weights, model.offset, model.family, mustart=r.mustart)
    kept, aliased = aliasing(X)
    r = model.response
    control = model.control if isinstance(model.control, BRControl) else BRControl()
    run = adjusted_score_fit(X[:, kept], r.y, r.weights, model.offset, model.family, control)
    return _irls_fit(X, kept, aliased, run, r.y, r.weights, model.family)
