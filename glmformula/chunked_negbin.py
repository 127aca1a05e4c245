"""``glm_nb()`` on chunked data: MASS's ``glm.nb`` with every row sum made by a pass.

theta's starting value, its score and information (MASS's ``theta.ml``) and
the log-likelihood are sums over rows at fixed fitted means, so each is one
pass over the partitions (the means are those of a coefficient vector);
the coefficients at fixed theta are a chunked IRLS fit. The alternation is
:func:`glmformula.negbin.alternate`'s, step for step, so the numbers are
those of the in-memory fit.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glmformula.chunked_irls import (
    ChunkedData,
    PassState,
    _linear_predictor,
    _prepared,
    fit_chunked,
)
from glmformula.chunked_model import make_runner, partition_runner
from glmformula.chunked_result import ChunkedSource, ChunkTotals, DaskRows, rows_not_in_memory
from glmformula.chunked_source import ChunkPlan, prepare_chunk
from glmformula.errors import ConvergenceWarning
from glmformula.families_extra import NegativeBinomial
from glmformula.irls import Control, null_deviance
from glmformula.negbin import (
    NegativeBinomialML,
    NegBinResult,
    _loglik,
    negbin_call,
    newton_theta,
    theta_score_info,
)
from glmformula.result import GLMResult

Array = np.ndarray

#: theta.ml's tolerance (MASS: .Machine$double.eps^0.25), as :func:`~glmformula.negbin.theta_ml`
THETA_EPS = float(np.finfo(float).eps) ** 0.25


@dataclass(frozen=True)
class ThetaRequest:
    """What one pass asks of every partition, at the fitted means of ``coef``."""

    coef: Array  # full-width coefficients (0 where aliased)
    what: str  # "start": theta.ml's starting sums; "score": score and information; "loglik"
    theta: float = math.nan


def theta_share(frame: Any, plan: ChunkPlan, family: Any, request: ThetaRequest
                ) -> dict[str, float]:
    """One partition's share of theta's sums (runs on a Dask worker)."""
    chunk = prepare_chunk(frame, plan)
    if chunk is None or not len(chunk.row_index):
        return {}
    response = _prepared(chunk, family, False)
    y, w = response.y, response.weights
    mu = family.linkinv(_linear_predictor(chunk, request.coef))
    if request.what == "start":
        return {"sum_w": float(np.sum(w)), "pearson": float(np.sum(w * (y / mu - 1) ** 2))}
    if request.what == "loglik":
        return {"loglik": _loglik(request.theta, mu, y, w)}
    score, info = theta_score_info(request.theta, y, mu, w)
    return {"score": score, "info": info}


def glm_nb_chunked(
    formula: str, data: Any, *, weights: Any, offset: Any, start: Sequence[float] | Array | None,
    init_theta: float | None, link: str, control: Control, context: Mapping[str, Any],
    data_name: str | None, safe: bool,
) -> NegBinResult:
    """:func:`glmformula.glm_nb` on a Dask DataFrame or Parquet/CSV files."""
    from glmformula.model import glm

    family0: Any = "poisson" if init_theta is None else NegativeBinomial(init_theta, link)
    first = glm(formula, data, family0, link if init_theta is None else None, weights=weights,
                offset=offset, start=start, control=control, context=context,
                data_name=data_name, safe=safe)
    assert isinstance(first.rows, DaskRows) and first.rows.source is not None
    source = first.rows.source
    run_any = partition_runner(source.ddf, source.plan)
    p = len(first.column_names)
    passes = first.rows.passes

    def full(coef: Array) -> Array:
        return np.where(np.isnan(coef), 0.0, coef)

    def sums(family: Any, request: ThetaRequest) -> dict[str, float]:
        nonlocal passes
        passes += 1
        return run_any(theta_share, family, request)

    def theta_at(family: Any, coef: Array) -> tuple[float, float, str | None]:
        """MASS's theta.ml at the fitted means of ``coef``: one pass per Newton step."""
        begin = sums(family, ThetaRequest(coef, "start"))

        def score_info(th: float) -> tuple[float, float]:
            share = sums(family, ThetaRequest(coef, "score", th))
            return share["score"], share["info"]

        return newton_theta(score_info, begin["sum_w"] / begin["pearson"], control.maxit,
                            THETA_EPS)

    def loglik_at(family: Any, th: float, coef: Array) -> float:
        return sums(family, ThetaRequest(coef, "loglik", th))["loglik"]

    # glm.nb's alternation, as negbin.alternate: theta at the last means, then IRLS at theta
    maxit, epsilon = control.maxit, control.epsilon
    coef_mu, fam_mu = full(first.fit.coef), first.family
    th, se, warn = theta_at(fam_mu, coef_mu)
    fam = NegativeBinomialML(th, link)
    last, used = None, fam
    d1 = math.sqrt(2 * max(1, first.df_residual))
    d2 = delta = 1.0
    lm = loglik_at(fam_mu, th, coef_mu)
    lm0 = lm + 2 * d1
    it = 0
    while True:
        it += 1
        if not (it <= maxit and abs(lm0 - lm) / d1 + abs(delta) / d2 > epsilon):
            break
        run = make_runner(source.ddf, source.plan, fam, False)
        last = fit_chunked(run, p, range(p), control, start_full=coef_mu)  # etastart = g(mu)
        passes += last.passes
        used = fam
        t0 = th
        th, se, warn = theta_at(fam_mu, coef_mu)
        fam = NegativeBinomialML(th, link)
        coef_mu, fam_mu = full(last.fit.coef), used
        delta = t0 - th
        lm0 = lm
        lm = loglik_at(fam_mu, th, coef_mu)
    if it > maxit:
        warn = "alternation limit reached"
        warnings.warn(warn, ConvergenceWarning, stacklevel=3)
    fit = first.fit if last is None else last.fit
    means = None if last is None else (last.sum_wy, last.sum_w)
    null_dev, null_passes = _null_deviance(first, source, fam, used, coef_mu, control, means)
    totals = ChunkTotals(rows=first.n_rows, nobs=first.nobs, pearson=math.nan, aic=math.nan,
                         passes=passes + null_passes)
    source_used = ChunkedSource(ddf=source.ddf, plan=source.plan, family=used, user_start=False,
                                run=make_runner(source.ddf, source.plan, used, False),
                                has_offset=source.has_offset)
    rows = DaskRows(source_used, totals, full(fit.coef),
                    first.rows.coef_weights if last is None else last.coef_weights)
    return NegBinResult(
        design=first.design, family=used, response=first.response,
        fit=rows_not_in_memory(fit), null_deviance=null_dev, offset=first.offset,
        control=control, call=negbin_call(formula, data_name, weights, offset, th, link),
        rows=rows, theta=th, theta_se=se, twologlik=2 * lm, theta_warning=warn,
    )


def _null_deviance(first: GLMResult, source: ChunkedSource, fam: Any, used: Any,
                   coef: Array, control: Control, sums: tuple[float, float] | None
                   ) -> tuple[float, int]:
    """glm.nb's null deviance (:func:`glmformula.irls.null_deviance`): the intercept-only
    fit with the offset at the last theta, else the deviance of the weighted mean
    (``sums``: sum of w y and of w, if known) or of linkinv(offset) with the last fit's
    family. Returns it and the passes it took."""
    p = len(first.column_names)
    family = fam if source.has_offset else used
    data = ChunkedData(make_runner(source.ddf, source.plan, family, False), p, range(p))
    if sums is not None:
        data.first = {"sum_wy": sums[0], "sum_w": sums[1]}
    deviance = null_deviance(data, intercept=first.design.has_intercept,
                             has_offset=source.has_offset, final=PassState({}, coef),
                             control=control)
    return deviance, data.passes
