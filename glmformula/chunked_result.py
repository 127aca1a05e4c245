"""The rows of a model fitted on chunked data: lazy Dask series, and the sums of the passes.

A fit on a Dask DataFrame or Parquet/CSV files is a :class:`GLMResult` like any
other; its ``rows`` are a :class:`DaskRows`. Coefficients, standard errors,
deviances, AIC and the summary are those of an in-memory fit. Per-row
quantities (fitted values, residuals, working weights, predictions) are lazy
Dask series computed partition by partition, each partition by the in-memory
provider (:class:`~glmformula.rows.ArrayRows`); what needs every row in memory
at once (the model matrix, influence, plots, robust covariances, profile
intervals, selection refits) raises :func:`~glmformula.rows.needs_rows`'s error.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from glmformula.chunked_irls import fit_chunked
from glmformula.chunked_pass import ChunkFit, _prepared
from glmformula.chunked_source import (
    OFFSET_COLUMN,
    ChunkPlan,
    aligned_assign,
    is_dask_frame,
    is_dask_series,
    prepare_chunk,
)
from glmformula.design import Response
from glmformula.errors import ArgumentTypeError
from glmformula.families import Family
from glmformula.family_base import PreparedResponse
from glmformula.irls import Control, IRLSFit
from glmformula.result import GLMResult
from glmformula.rows import ArrayRows, needs_rows, not_in_memory

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class ChunkedSource:
    """Where a chunked model's rows come from, and how to run a pass over them."""

    ddf: Any
    plan: ChunkPlan
    family: Family
    user_start: bool
    run: Callable[..., Any]
    has_offset: bool


@dataclass(frozen=True)
class ChunkTotals:
    """Sums over all rows that an in-memory fit takes from its per-row arrays."""

    rows: int
    nobs: int
    pearson: float  # sum of working weights times squared working residuals
    aic: float  # the family's AIC without the 2 * rank term
    passes: int


def _partition_values(frame: pd.DataFrame, plan: ChunkPlan, family: Family, user_start: bool,
                      coef: Array, coef_weights: Array | None, what: str) -> pd.Series:
    """Per-row values of one partition, indexed by the rows used (as in memory)."""
    chunk = prepare_chunk(frame, plan)
    if chunk is None or not len(chunk.row_index):
        return pd.Series(np.zeros(0), index=frame.index[:0], name=what)
    fit = ChunkFit(chunk, family, _prepared(chunk, family, user_start), coef, coef_weights)
    return pd.Series(np.array(fit.rows().values(what), dtype=float), index=chunk.row_index,
                     name=what)


def _partition_predict(frame: pd.DataFrame, model: GLMResult, levels: dict[str, list[Any]],
                       kind: str, se_fit: bool, interval: str | None, level: float,
                       offset: str | None) -> Any:
    """Predictions for one partition, its factors coded with the levels of the fit."""
    from glmformula.prediction import predict

    coded = frame.copy(deep=False)
    for column, values in levels.items():
        if column in coded.columns:
            coded[column] = pd.Categorical(np.asarray(coded[column], dtype=object),
                                           categories=values)
    return predict(model, coded, kind, se_fit, interval, level, offset)


def _partition_predict_fitted(frame: pd.DataFrame, model: GLMResult, plan: ChunkPlan,
                              kind: str, se_fit: bool, interval: str | None, level: float
                              ) -> Any:
    """Predictions for the rows of one partition that the fit used (R's ``predict(m)``)."""
    from glmformula.prediction import predict

    chunk = prepare_chunk(frame, plan)
    if chunk is None or not len(chunk.row_index):
        return _predict_meta(se_fit, interval)
    design = dataclasses.replace(model.design, X=chunk.X, row_index=chunk.row_index)
    rows = ArrayRows(chunk.X, chunk.row_index, model.response, chunk.offset, model.fit,
                     model.family)
    view = dataclasses.replace(model, design=design, offset=chunk.offset, rows=rows,
                               cov_override=model.vcov.to_numpy())
    return predict(view, None, kind, se_fit, interval, level)


class DaskRows:
    """The rows of a chunked fit: lazy Dask series and the totals of the fit's passes.

    ``coef`` are the final coefficients (0 where aliased), ``coef_weights``
    those whose eta gave the last working weights (None: the starting means).
    ``source`` is None in the copy that travels with predictions to the workers.
    """

    in_memory = False

    def __init__(self, source: ChunkedSource | None, totals: ChunkTotals, coef: Array,
                 coef_weights: Array | None) -> None:
        self.source, self.totals = source, totals
        self.coef, self.coef_weights = coef, coef_weights

    @property
    def nobs(self) -> int:
        """Rows with non-zero prior weight."""
        return self.totals.nobs

    @property
    def n_rows(self) -> int:
        """Rows used."""
        return self.totals.rows

    @property
    def passes(self) -> int:
        """Passes over the data that the fit took (IRLS iterations, halvings, the last)."""
        return self.totals.passes

    @cached_property
    def _pearson(self) -> float:
        if not math.isnan(self.totals.pearson):
            return self.totals.pearson
        ww, wres = self.series("working_weights"), self.series("working_residuals")
        return float((ww * wres**2)[ww > 0].sum().compute())

    def pearson(self) -> float:
        """The Pearson statistic of the working values: added in the fit's last pass, or
        (families with a fixed dispersion, whose fit does not need it) by a pass when asked."""
        return self._pearson

    def aic_base(self) -> float:
        """The family's AIC without 2 * rank, added in the fit's passes."""
        return self.totals.aic

    def _source(self) -> ChunkedSource:
        if self.source is None:
            raise needs_rows("this")
        return self.source

    def series(self, what: str) -> Any:
        """A per-row quantity: a lazy Dask series over the rows used."""
        source = self._source()
        return source.ddf.map_partitions(
            _partition_values, source.plan, source.family, source.user_start, self.coef,
            self.coef_weights, what, meta=pd.Series(np.zeros(0), name=what))

    def pad(self, values: Any) -> Any:
        """As they are (na_action="exclude" is refused on chunked data)."""
        return values

    def unpad(self, values: Any) -> Any:
        """As they are."""
        return values

    def model_matrix(self) -> Array:
        """Never in memory: refused."""
        raise needs_rows("the model matrix")

    def refit(self, X: Array, control: Control) -> IRLSFit:
        """A refit on a matrix of every row: refused (gf.anova refits on the chunks)."""
        raise needs_rows("refit(X)")

    def column_fitter(self, control: Control) -> Callable[[list[int]], IRLSFit]:
        """Refits on subsets of the columns, one pass over the chunks per iteration."""
        source = self._source()
        p = self.coef.size

        def refit(columns: list[int]) -> IRLSFit:
            return fit_chunked(source.run, p, columns, control).fit

        return refit

    def detached(self) -> DaskRows:
        """A copy without the data source, light to send to the workers."""
        return DaskRows(None, self.totals, self.coef, self.coef_weights)

    def predict(self, model: GLMResult, newdata: Any, type: str, se_fit: bool,
                interval: str | None, level: float, offset: Any) -> Any:
        """Predictions; lazy (a Dask series or frame) for Dask data or ``newdata=None``.

        Without ``newdata``: the rows the fit used, with the fit's offset. With
        ``newdata``, ``offset=`` is the fit's ``offset=`` for its rows, as in memory
        (see :meth:`GLMResult.predict`); for Dask ``newdata`` a column name of it
        or a Dask Series of its rows.
        """
        from glmformula.prediction import _newdata_offset, predict

        slim = dataclasses.replace(model, rows=self.detached())
        meta = _predict_meta(se_fit, interval)
        if newdata is None and offset is None:
            source = self._source()
            return source.ddf.map_partitions(_partition_predict_fitted, slim, source.plan,
                                             type, se_fit, interval, level, meta=meta)
        if not is_dask_frame(newdata):  # in memory, or the in-memory error
            return predict(slim, newdata, type, se_fit, interval, level, offset)
        newdata, offset_name = _dask_offset(newdata, offset)
        _newdata_offset(slim, newdata._meta, offset_name)  # the in-memory checks, at once
        levels = dict(self._source().plan.levels)
        return newdata.map_partitions(_partition_predict, slim, levels, type, se_fit, interval,
                                      level, offset_name, meta=meta)


def chunked_result(prototype: Any, plan: ChunkPlan, dropped: int, context: Mapping[str, Any],
                   weighted: bool, offset_series: bool, **fields: Any) -> GLMResult:
    """A :class:`GLMResult` of a chunked fit: the prototype's coding, ``fields`` (family,
    fit, rows, ...), and the per-row arrays of the in-memory fields not in memory.

    An offset= given as a Dask Series stands as an array offset does in memory
    (``predict(newdata)`` then needs ``offset=``).
    """
    offset_argument = prototype.offset_argument
    design = dataclasses.replace(
        prototype, X=not_in_memory("the model matrix"),
        response=Response(not_in_memory("the response"), prototype.response.name,
                          prototype.response.levels),
        prior_weights=not_in_memory("the prior weights") if weighted else None,
        offset=None if prototype.offset is None else not_in_memory("the offset"),
        offset_argument=None if offset_argument is None else not_in_memory("the offset= values"),
        offset_column=None if offset_series else prototype.offset_column,
        row_index=not_in_memory("the row labels"), n_dropped=dropped,
        model_spec=plan.model_spec if plan.model_spec is not None else prototype.model_spec,
        context=dict(context),
    )
    response = PreparedResponse(*(not_in_memory(f"the {what}") for what in (
        "response", "prior weights", "binomial trials", "starting means")))
    return GLMResult(design=design, response=response, offset=not_in_memory("the offset"),
                     **fields)


def _predict_meta(se_fit: bool, interval: str | None) -> pd.Series | pd.DataFrame:
    """The empty series or frame that :meth:`GLMResult.predict` returns for these options."""
    if not se_fit and interval is None:
        return pd.Series(np.zeros(0), name="fit")
    columns = ["fit", "se_fit"] if interval is None else ["fit", "lwr", "upr"]
    if interval is not None and se_fit:
        columns.append("se_fit")
    return pd.DataFrame({c: np.zeros(0) for c in columns})


def _dask_offset(newdata: Any, offset: Any) -> tuple[Any, str | None]:
    """Dask newdata and its offset= as a column name (a Dask Series becomes a column)."""
    if offset is None or isinstance(offset, str):
        return newdata, offset
    if is_dask_series(offset):
        name = OFFSET_COLUMN
        return aligned_assign(newdata, name, offset, "offset"), name
    raise ArgumentTypeError(
        "with Dask newdata, offset= must be a column name of newdata or a Dask Series of its "
        "rows (e.g. np.log(newdata['exposure'])); an array cannot be matched to the partitions"
    )
