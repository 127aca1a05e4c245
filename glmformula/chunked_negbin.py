"""``glm_nb()`` on chunked data: MASS's ``glm.nb`` with every row sum made by a pass.

theta's starting value, its score and information (MASS's ``theta.ml``) and
the log-likelihood are sums over rows at fixed fitted means, so each is one
pass over the partitions (the means are those of a coefficient vector);
the coefficients at fixed theta are a chunked IRLS fit. :class:`ChunkedTheta`
answers :func:`glmformula.negbin.alternate` (the one alternation of both paths)
with those passes, so the numbers are those of the in-memory fit.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from glmformula.chunked_irls import ChunkedData, ChunkedFit, PassState, fit_chunked
from glmformula.chunked_model import make_runner, partition_runner
from glmformula.chunked_pass import _linear_predictor, _prepared
from glmformula.chunked_result import ChunkTotals, DaskRows
from glmformula.chunked_source import ChunkPlan, prepare_chunk
from glmformula.irls import Control, IRLSFit
from glmformula.negbin import (
    Alternation,
    NegativeBinomialML,
    _loglik,
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


class ChunkedTheta:
    """:class:`~glmformula.negbin.ThetaData` on chunks: the fitted means are those of a
    family and its coefficients, every sum is a pass."""

    def __init__(self, first: GLMResult, control: Control) -> None:
        assert isinstance(first.rows, DaskRows) and first.rows.source is not None
        self.first, self.source, self.control = first, first.rows.source, control
        self.p = len(first.column_names)
        self.run_any = partition_runner(self.source.ddf, self.source.plan)
        self.passes = first.rows.passes
        self.last: ChunkedFit | None = None
        self.null: ChunkedData | None = None  # the source of the null deviance

    def means_of(self, model: GLMResult) -> tuple[Any, Array]:
        """The family and coefficients (0 where aliased) of a chunked fit."""
        return model.family, _full(model.fit.coef)

    def _sums(self, family: Any, request: ThetaRequest) -> dict[str, float]:
        self.passes += 1
        return self.run_any(theta_share, family, request)

    def theta(self, means: tuple[Any, Array]) -> tuple[float, float, str | None]:
        """MASS's theta.ml at these means: one pass per Newton step."""
        family, coef = means
        begin = self._sums(family, ThetaRequest(coef, "start"))

        def score_info(th: float) -> tuple[float, float]:
            share = self._sums(family, ThetaRequest(coef, "score", th))
            return share["score"], share["info"]

        return newton_theta(score_info, begin["sum_w"] / begin["pearson"], self.control.maxit,
                            THETA_EPS)

    def loglik(self, theta: float, means: tuple[Any, Array]) -> float:
        """glm.nb's log-likelihood: one pass."""
        family, coef = means
        return self._sums(family, ThetaRequest(coef, "loglik", theta))["loglik"]

    def refit(self, family: NegativeBinomialML, means: tuple[Any, Array]
              ) -> tuple[IRLSFit, tuple[Any, Array]]:
        """Chunked IRLS from eta = g(means) (the means' coefficients start it)."""
        run = make_runner(self.source.ddf, self.source.plan, family, False)
        self.last = fit_chunked(run, self.p, range(self.p), self.control, start_full=means[1])
        self.passes += self.last.passes
        return self.last.fit, (family, _full(self.last.fit.coef))

    def irls_data(self, family: Any) -> ChunkedData:
        """The chunked IRLS source with ``family`` (the response sums known, if fitted)."""
        data = ChunkedData(make_runner(self.source.ddf, self.source.plan, family, False),
                           self.p, range(self.p))
        if self.last is not None:
            data.first = {"sum_wy": self.last.sum_wy, "sum_w": self.last.sum_w}
        self.null = data
        return data

    def final_state(self, nb: Alternation) -> PassState:
        """The last coefficients (their fitted means start the null model)."""
        return PassState({}, nb.means[1])

    def rows(self, first: GLMResult, nb: Alternation) -> DaskRows:
        """Lazy rows with the family of the last fit."""
        source = dataclasses.replace(
            self.source, family=nb.used, user_start=False,
            run=make_runner(self.source.ddf, self.source.plan, nb.used, False))
        totals = ChunkTotals(rows=first.n_rows, nobs=first.nobs, pearson=math.nan,
                             aic=math.nan,
                             passes=self.passes + (self.null.passes if self.null else 0))
        first_rows = first.rows
        assert isinstance(first_rows, DaskRows)
        weights = first_rows.coef_weights if self.last is None else self.last.coef_weights
        return DaskRows(source, totals, nb.means[1], weights)


def _full(coef: Array) -> Array:
    return np.where(np.isnan(coef), 0.0, coef)
