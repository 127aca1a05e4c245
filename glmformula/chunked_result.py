"""A model fitted on chunked data: the same :class:`GLMResult`, with lazy per-row values.

Coefficients, standard errors, deviances, AIC and the summary are those of an
in-memory fit. Per-row quantities (fitted values, residuals, predictions) are
lazy Dask series computed partition by partition; what needs every row at
once in memory (influence, plots, robust covariances, profile intervals) says
so and names the alternative.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from glmformula.chunked_irls import _linear_predictor, _prepared, fit_chunked
from glmformula.chunked_source import ChunkPlan, is_dask_frame, prepare_chunk
from glmformula.errors import ArgumentTypeError, DataError
from glmformula.families import Family
from glmformula.irls import IRLSFit
from glmformula.result import GLMResult, residual_values


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


def _not_chunked(what: str, instead: str) -> DataError:
    return DataError(
        f"{what} needs every row in memory and is not available for a model fitted on "
        f"chunked (Dask) data; {instead}"
    )


def _partition_values(frame: pd.DataFrame, plan: ChunkPlan, family: Family, user_start: bool,
                      coef: np.ndarray, what: str) -> pd.Series:
    """Per-row values of one partition, indexed by the rows used."""
    chunk = prepare_chunk(frame, plan)
    if chunk is None or not len(chunk.row_index):
        return pd.Series(np.zeros(0), index=frame.index[:0], name=what)
    eta = _linear_predictor(chunk, coef)
    if what == "linear_predictor":
        return pd.Series(eta, index=chunk.row_index, name=what)
    response = _prepared(chunk, family, user_start)
    mu, mu_eta = family.linkinv_and_mu_eta(eta)
    if what == "fitted":
        values = mu
    elif what == "y":
        values = response.y
    elif what == "prior_weights":
        values = response.weights
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            working = (response.y - mu) / mu_eta
        values = residual_values(family, what.removesuffix("_residuals"), response.y, mu,
                                 response.weights, working)
    return pd.Series(np.array(values, dtype=float), index=chunk.row_index, name=what)


def _partition_predict(frame: pd.DataFrame, model: GLMResult, levels: dict[str, list[Any]],
                       kind: str, se_fit: bool, interval: str | None, level: float) -> Any:
    """Predictions for one partition, its factors coded with the levels of the fit."""
    coded = frame.copy(deep=False)
    for column, values in levels.items():
        if column in coded.columns:
            coded[column] = pd.Categorical(np.asarray(coded[column], dtype=object),
                                           categories=values)
    return GLMResult.predict(model, coded, kind, se_fit, interval, level)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class ChunkedGLMResult(GLMResult):
    """A GLM fitted on a Dask DataFrame or Parquet/CSV files (see :func:`glmformula.glm`)."""

    source: ChunkedSource | None = None
    totals: ChunkTotals | None = None

    @property
    def _totals(self) -> ChunkTotals:
        assert self.totals is not None
        return self.totals

    @property
    def nobs(self) -> int:
        """Observations with non-zero prior weight."""
        return self._totals.nobs

    @property
    def n_rows(self) -> int:
        """Rows used (R's ``length(y)``)."""
        return self._totals.rows

    @property
    def passes(self) -> int:
        """Passes over the data that the fit took (IRLS iterations, halvings, the last)."""
        return self._totals.passes

    @property
    def dispersion(self) -> float:  # type: ignore[override]
        """1 where the family fixes it; else the Pearson-type estimate, as in memory."""
        if self.family.fixed_dispersion:
            return 1.0
        if self.df_residual <= 0:
            return float("nan")
        return self._totals.pearson / self.df_residual

    @property
    def aic(self) -> float:  # type: ignore[override]
        """Akaike's criterion as R computes it; NaN for quasi families."""
        return float(self._totals.aic + 2 * self.rank)

    @property
    def pearson_chi2(self) -> float:
        """Sum of squared Pearson residuals, one pass over the data."""
        return float((self.residuals("pearson") ** 2).sum().compute())

    # --- per-row quantities, lazily ----------------------------------------------
    def _lazy(self, what: str) -> Any:
        source = self._source
        coef = np.where(np.isnan(self.fit.coef), 0.0, self.fit.coef)
        return source.ddf.map_partitions(
            _partition_values, source.plan, source.family, source.user_start, coef, what,
            meta=pd.Series(np.zeros(0), name=what),
        )

    @property
    def _source(self) -> ChunkedSource:
        if self.source is None:
            raise _not_chunked("this", "refit on the data")
        return self.source

    @property
    def fitted(self) -> Any:  # type: ignore[override]
        """Fitted means, a lazy Dask series over the rows used."""
        return self._lazy("fitted")

    @property
    def linear_predictor(self) -> Any:  # type: ignore[override]
        """eta = X b + offset, a lazy Dask series."""
        return self._lazy("linear_predictor")

    @property
    def y(self) -> Any:  # type: ignore[override]
        """The response as modelled, a lazy Dask series."""
        return self._lazy("y")

    @property
    def prior_weights(self) -> Any:  # type: ignore[override]
        """Prior weights as used in the fit, a lazy Dask series."""
        return self._lazy("prior_weights")

    @property
    def working_weights(self) -> Any:  # type: ignore[override]
        raise _not_chunked("working_weights", "use fitted and prior_weights")

    def residuals(self, type: str = "deviance") -> Any:  # type: ignore[override]  # noqa: A002
        """Residuals of the given type, a lazy Dask series."""
        if type not in ("deviance", "pearson", "working", "response"):
            raise ArgumentTypeError(
                f"unknown residual type {type!r}; use 'deviance', 'pearson', 'working' or "
                "'response'"
            )
        return self._lazy(f"{type}_residuals")

    def predict(self, newdata: Any = None, type: str = "link",  # type: ignore[override]  # noqa: A002
                se_fit: bool = False, interval: str | None = None, level: float = 0.95) -> Any:
        """Predictions; lazy (a Dask series or frame) for Dask data or ``newdata=None``."""
        if newdata is None:
            newdata = self._source.ddf
        slim = dataclasses.replace(self, source=None)
        if not is_dask_frame(newdata):
            return GLMResult.predict(slim, newdata, type, se_fit, interval, level)  # type: ignore[arg-type]
        levels = dict(self._source.plan.levels)
        return newdata.map_partitions(_partition_predict, slim, levels, type, se_fit, interval,
                                      level, meta=_predict_meta(se_fit, interval))

    # --- refits for analysis of deviance ----------------------------------------
    def column_refitter(self) -> Callable[[list[int]], IRLSFit]:
        """Fit the same response on a subset of the columns, one pass per iteration."""
        source = self._source
        p = len(self.column_names)

        def refit(columns: list[int]) -> IRLSFit:
            return fit_chunked(source.run, p, columns, self.control).fit

        return refit

    # --- what needs all rows in memory ---------------------------------------------
    def model_matrix(self) -> np.ndarray:
        raise _not_chunked("the model matrix", "compute it on a sample with "
                           "gf.glm(formula, data=ddf.head(n))")

    def refit(self, X: np.ndarray) -> IRLSFit:
        raise _not_chunked("refit(X)", "use gf.anova, which refits on the chunks")

    def influence(self) -> pd.DataFrame:
        raise _not_chunked("influence()", "fit a sample in memory for diagnostics")

    def plot(self, id_n: int = 3, figsize: tuple[float, float] = (10, 8)) -> object:
        raise _not_chunked("plot()", "fit a sample in memory for diagnostic plots")

    def with_cov(self, cov_type: str, groups: object = None) -> GLMResult:
        raise _not_chunked("with_cov()", "fit in memory for robust standard errors")

    def confint(self, level: float = 0.95, method: str = "profile") -> pd.DataFrame:
        """Wald intervals (``method="wald"``); profiling would need a refit per point."""
        if method == "profile":
            raise _not_chunked("profile confint()", 'use m.confint(method="wald")')
        return super().confint(level, method)

    def augment(self, newdata: pd.DataFrame | None = None, type_predict: str = "link",
                type_residuals: str = "deviance", data: pd.DataFrame | None = None,
                se_fit: bool = False) -> pd.DataFrame:
        if newdata is None:
            raise _not_chunked("augment() without newdata", "pass newdata=")
        return super().augment(newdata, type_predict, type_residuals, data, se_fit)


def _predict_meta(se_fit: bool, interval: str | None) -> pd.Series | pd.DataFrame:
    """The empty series or frame that :meth:`GLMResult.predict` returns for these options."""
    if not se_fit and interval is None:
        return pd.Series(np.zeros(0), name="fit")
    columns = ["fit", "se_fit"] if interval is None else ["fit", "lwr", "upr"]
    if interval is not None and se_fit:
        columns.append("se_fit")
    return pd.DataFrame({c: np.zeros(0) for c in columns})
