"""One partition's share of a pass over chunked data (runs on a Dask worker).

A pass sends a :class:`PassRequest` to every partition; :func:`chunk_pass`
turns the partition into a chunk (:func:`glmformula.chunked_source.prepare_chunk`)
and returns its share of the deviance, of ``X'WX`` and ``X'Wz``, and (in the
last passes) of the Pearson statistic, the AIC and the null deviance. The
per-row values are those of an in-memory fit (:class:`ChunkFit`, read through
:class:`~glmformula.rows.ArrayRows`), so that both paths compute them once.

>>> import pandas as pd
>>> from glmformula.chunked_source import make_plan
>>> from glmformula.families import Poisson
>>> frame = pd.DataFrame({"y": [1.0, 2, 4], "x": [0.0, 1, 2]})
>>> plan = make_plan("y ~ x", frame.columns, {}, weights=None, offset=None, context={},
...                  prototype=None)
>>> share = chunk_pass(frame, plan, Poisson(), PassRequest(None, np.arange(2)), False)
>>> share["rows"], share["good"], round(share["deviance"], 4)
(3, 3, 0.0167)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from glmformula.chunked_source import Chunk, ChunkPlan, prepare_chunk
from glmformula.irls_memory import working_weights_and_response
from glmformula.matrices import as_model_matrix
from glmformula.rows import ArrayRows

Array = np.ndarray


@dataclass(frozen=True)
class PassRequest:
    """What one pass asks of every partition."""

    coef: Array | None  # full-width coefficients (0 outside `columns`); None: mustart
    columns: Array  # the model-matrix columns of the model being fitted
    gram: bool = True  # X'WX and X'Wz at these coefficients
    final: Array | None = None  # the final pass: coefficients whose eta gives mu ...
    null_mean: float | None = None  # ... the weighted mean for the null deviance
    null_offset: bool = False  # ... or the null deviance at linkinv(offset) (no intercept)
    deviance: float | None = None  # ... and the total deviance, for the AIC
    weight_totals: tuple[float, int] | None = None  # (sum of prior weights, rows)
    totals: bool = False  # an iteration pass that also adds the AIC, null deviance, boundary


def _offset(chunk: Chunk) -> Array | None:
    """The chunk's offset, None when it is all 0."""
    return chunk.offset if chunk.offset.size and np.any(chunk.offset != 0) else None


def _linear_predictor(chunk: Chunk, coef: Array) -> Array:
    eta = as_model_matrix(chunk.X).matvec(coef)
    offset = _offset(chunk)
    return eta if offset is None else eta + offset


def _prepared(chunk: Chunk, family: Any, user_start: bool) -> Any:
    return family.initialize(chunk.response, chunk.prior_weights, chunk.response_levels,
                             user_start=user_start)


def chunk_pass(frame: Any, plan: ChunkPlan, family: Any, request: PassRequest,
               user_start: bool) -> dict[str, Any]:
    """One partition's share of a pass (runs on a Dask worker)."""
    chunk = prepare_chunk(frame, plan)
    out: dict[str, Any] = {"rows_total": chunk.n_rows if chunk else len(frame)}
    if chunk is None or not len(chunk.row_index):
        out["dropped"] = out["rows_total"]
        return out
    response = _prepared(chunk, family, user_start)
    y, wt = response.y, response.weights
    out.update(dropped=chunk.n_dropped, rows=y.size, nobs=int(np.count_nonzero(wt)),
               sum_w=float(np.sum(wt)), sum_wy=float(np.sum(wt * y)))
    if request.final is not None:
        out.update(_final_share(chunk, family, response, request))
        return out
    if request.coef is None:
        eta = family.linkfun(response.mustart)
    else:
        eta = _linear_predictor(chunk, request.coef)
    valid_eta = family.valid_eta(eta)  # outside its domain the inverse link may divide by 0:
    quiet = nullcontext() if valid_eta else np.errstate(divide="ignore", invalid="ignore")
    with quiet:  # the state is invalid (refused or halved) without a numpy warning, as in memory
        mu, mu_eta = family.linkinv_and_mu_eta(eta)
    out["invalid"] = int(not (valid_eta and family.valid_mu(mu)))
    deviance = family.deviance_function(y, wt)
    out["deviance"] = float(deviance(mu))
    if request.totals:
        out.update(_totals_share(chunk, family, response, mu, request, deviance))
    if request.gram and not out["invalid"]:
        w2, z, good = working_weights_and_response(family, y, wt, eta, mu, mu_eta,
                                                   _offset(chunk))
        gram, rhs = as_model_matrix(chunk.X).gram_and_rhs(w2, z)
        cols = request.columns
        out.update(gram=gram[np.ix_(cols, cols)], rhs=rhs[cols], good=int(np.sum(good)))
    return out


class ChunkFit:
    """A chunk's per-row fit at coefficients ``coef``, its working weights at
    ``coef_weights`` (None: the starting means), as :class:`~glmformula.rows.FitRows`."""

    def __init__(self, chunk: Chunk, family: Any, response: Any, coef: Array,
                 coef_weights: Array | None) -> None:
        self.chunk, self.family, self.response = chunk, family, response
        self.coef_weights = coef_weights
        self.eta = _linear_predictor(chunk, coef)
        self.mu, self.mu_eta = family.linkinv_and_mu_eta(self.eta)
        self.deviance = math.nan

    @cached_property
    def working_residuals(self) -> Array:
        """(y - mu) / (dmu/deta)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.response.y - self.mu) / self.mu_eta

    @cached_property
    def working_weights(self) -> Array:
        """R's working weights of the last step (0 where a row was not informative)."""
        r, family = self.response, self.family
        if self.coef_weights is None:
            eta = family.linkfun(r.mustart)
        else:
            eta = _linear_predictor(self.chunk, self.coef_weights)
        mu, mu_eta = family.linkinv_and_mu_eta(eta)
        return working_weights_and_response(family, r.y, r.weights, eta, mu, mu_eta,
                                            _offset(self.chunk))[0]

    def rows(self) -> ArrayRows:
        """The chunk's rows, as an in-memory fit's."""
        chunk = self.chunk
        return ArrayRows(chunk.X, chunk.row_index, self.response, chunk.offset, self,
                         self.family)


def _final_share(chunk: Chunk, family: Any, response: Any, request: PassRequest
                 ) -> dict[str, Any]:
    """Dispersion, AIC, null deviance and boundary shares at the final coefficients."""
    assert request.final is not None
    fit = ChunkFit(chunk, family, response, request.final, request.coef)
    out: dict[str, Any] = {"pearson": fit.rows().pearson()}
    out.update(_totals_share(chunk, family, response, fit.mu, request))
    return out


def _totals_share(chunk: Chunk, family: Any, response: Any, mu: Array, request: PassRequest,
                  deviance: Callable[[Array], float] | None = None) -> dict[str, Any]:
    """The null deviance, AIC and boundary shares at fitted means mu.

    ``deviance`` is the family's deviance function for this chunk's y and weights.
    """
    y, wt = response.y, response.weights
    if deviance is None:
        deviance = family.deviance_function(y, wt)
    out: dict[str, Any] = {}
    if request.null_mean is not None:
        out["null_deviance"] = float(deviance(np.full_like(y, request.null_mean)))
    elif request.null_offset:
        out["null_deviance"] = float(deviance(family.linkinv(chunk.offset)))
    if request.weight_totals is not None:
        total = math.nan if request.deviance is None else request.deviance
        out["aic"] = chunk_aic(family, y, response.n, mu, wt, total, request.weight_totals)
    out["boundary"] = family.boundary_message(mu) or ""
    return out


def chunk_aic(family: Any, y: Array, n: Array, mu: Array, wt: Array, deviance: float,
              totals: tuple[float, int]) -> float:
    """One chunk's share of the family's AIC, which uses the whole fit's dispersion.

    The families whose AIC estimates a dispersion (``aic_dispersion_basis``)
    get that chunk's share of the deviance, so that their estimate is the whole
    data's; their constant (``aic_constant``) is then counted once, by the caller.
    """
    basis = getattr(family, "aic_dispersion_basis", None)
    if basis is None:
        return float(family.aic(y, n, mu, wt, deviance))
    sum_w, rows = totals
    share = float(np.sum(wt)) / sum_w if basis == "weights" else y.size / rows
    return float(family.aic(y, n, mu, wt, deviance * share)) - family.aic_constant
