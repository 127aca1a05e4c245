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
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from glmformula.chunked_irls import _linear_predictor, _prepared, fit_chunked
from glmformula.chunked_source import (
    OFFSET_COLUMN,
    ChunkPlan,
    aligned_assign,
    is_dask_frame,
    is_dask_series,
    prepare_chunk,
)
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


class NotInMemory:
    """Stands for a per-row array of a chunked fit (the response, the model matrix, the
    fitted values...), which is never in memory: any use of it raises a DataError.

    The inherited :class:`GLMResult` methods that need the rows fail with that
    error instead of computing on an empty array.

    >>> y = NotInMemory("the response")
    >>> try:
    ...     y.size
    ... except DataError as error:
    ...     print(str(error)[:46])
    this needs the response of every row in memory
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, what: str) -> None:
        self.what = what

    def _refuse(self, *_: object, **__: object) -> NoReturn:
        raise DataError(
            f"this needs {self.what} of every row in memory, which a model fitted on chunked "
            f"(Dask) data does not keep; {IN_MEMORY_HINT}"
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):  # copy, pickle and numpy probes
            raise AttributeError(name)
        self._refuse()

    def __repr__(self) -> str:
        return f"<{self.what}: not in memory (chunked fit)>"

    __array__ = __array_ufunc__ = __array_function__ = _refuse
    __len__ = __iter__ = __getitem__ = __bool__ = __float__ = __int__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse  # type: ignore[assignment]
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __matmul__ = __rmatmul__ = _refuse
    __neg__ = __abs__ = __invert__ = __and__ = __or__ = _refuse


#: functions that take a fitted model but need its rows in memory (selection refits)
IN_MEMORY_FUNCTIONS = frozenset({"drop1()", "add1()", "step()", "dropterm()", "addterm()",
                                 "plot_predictions()"})
def not_in_memory(what: str) -> Any:
    """A :class:`NotInMemory` where the fields of a result hold per-row arrays."""
    return NotInMemory(what)


IN_MEMORY_HINT = ("fit the data in memory for this: gf.glm(formula, data=ddf.compute()), or "
                  "a sample of it (ddf.sample(frac=0.1).compute())")


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
                       kind: str, se_fit: bool, interval: str | None, level: float,
                       offset: str | None) -> Any:
    """Predictions for one partition, its factors coded with the levels of the fit."""
    coded = frame.copy(deep=False)
    for column, values in levels.items():
        if column in coded.columns:
            coded[column] = pd.Categorical(np.asarray(coded[column], dtype=object),
                                           categories=values)
    return GLMResult.predict(model, coded, kind, se_fit, interval, level,  # type: ignore[arg-type]
                             offset=offset)


def _partition_predict_fitted(frame: pd.DataFrame, model: ChunkedGLMResult, plan: ChunkPlan,
                              kind: str, se_fit: bool, interval: str | None, level: float
                              ) -> Any:
    """Predictions for the rows of one partition that the fit used (R's ``predict(m)``)."""
    chunk = prepare_chunk(frame, plan)
    if chunk is None or not len(chunk.row_index):
        return _predict_meta(se_fit, interval)
    rows = dataclasses.replace(model.design, X=chunk.X, row_index=chunk.row_index)
    view = GLMResult(**{f.name: getattr(model, f.name) for f in dataclasses.fields(GLMResult)
                        if f.name not in ("design", "offset", "cov_override")},
                     design=rows, offset=chunk.offset, cov_override=model.vcov.to_numpy())
    return GLMResult.predict(view, None, kind, se_fit, interval, level)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False, repr=False)
class ChunkedGLMResult(GLMResult):
    """A GLM fitted on a Dask DataFrame or Parquet/CSV files (see :func:`glmformula.glm`)."""

    source: ChunkedSource | None = None
    totals: ChunkTotals | None = None

    def check_usable_in(self, function: str) -> None:
        """Model selection and prediction plots refit or read the rows in memory: refused."""
        if function in IN_MEMORY_FUNCTIONS:
            raise DataError(
                f"{function} refits models on data in memory and is not available for a model "
                f"fitted on chunked (Dask) data; {IN_MEMORY_HINT}, and pass that data to it. "
                "gf.anova(m) and gf.anova(m0, m1) compare chunked fits (refitting on the chunks)"
            )

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
                se_fit: bool = False, interval: str | None = None, level: float = 0.95,
                offset: Any = None) -> Any:
        """Predictions; lazy (a Dask series or frame) for Dask data or ``newdata=None``.

        Without ``newdata``: the rows the fit used, with the fit's offset. With
        ``newdata``, ``offset=`` is the fit's ``offset=`` for its rows, as in memory
        (see :meth:`GLMResult.predict`); for Dask ``newdata`` a column name of it
        or a Dask Series of its rows.
        """
        slim = dataclasses.replace(self, source=None)
        meta = _predict_meta(se_fit, interval)
        if newdata is None:
            if offset is not None:
                return GLMResult.predict(slim, None, type, se_fit, interval, level,  # type: ignore[arg-type]
                                         offset=offset)  # raises the in-memory error
            source = self._source
            return source.ddf.map_partitions(_partition_predict_fitted, slim, source.plan,
                                             type, se_fit, interval, level, meta=meta)
        if not is_dask_frame(newdata):
            return GLMResult.predict(slim, newdata, type, se_fit, interval, level,  # type: ignore[arg-type]
                                     offset=offset)
        newdata, offset_name = _dask_offset(newdata, offset)
        from glmformula.prediction import _newdata_offset

        _newdata_offset(slim, newdata._meta, offset_name)  # the in-memory checks, at once
        levels = dict(self._source.plan.levels)
        return newdata.map_partitions(_partition_predict, slim, levels, type, se_fit, interval,
                                      level, offset_name, meta=meta)

    # --- refits for analysis of deviance ----------------------------------------
    def column_refitter(self) -> Callable[[list[int]], IRLSFit]:
        """Fit the same response on a subset of the columns, one pass per iteration."""
        source = self._source
        p = len(self.column_names)

        def refit(columns: list[int]) -> IRLSFit:
            return rows_not_in_memory(fit_chunked(source.run, p, columns, self.control).fit)

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
                se_fit: bool = False, offset: Any = None) -> pd.DataFrame:
        if newdata is None:
            raise _not_chunked("augment() without newdata", "pass newdata=")
        return super().augment(newdata, type_predict, type_residuals, data, se_fit, offset)


def _predict_meta(se_fit: bool, interval: str | None) -> pd.Series | pd.DataFrame:
    """The empty series or frame that :meth:`GLMResult.predict` returns for these options."""
    if not se_fit and interval is None:
        return pd.Series(np.zeros(0), name="fit")
    columns = ["fit", "se_fit"] if interval is None else ["fit", "lwr", "upr"]
    if interval is not None and se_fit:
        columns.append("se_fit")
    return pd.DataFrame({c: np.zeros(0) for c in columns})


def rows_not_in_memory(fit: IRLSFit) -> IRLSFit:
    """A chunked IRLS fit whose per-row fields refuse use (they were never computed)."""
    return dataclasses.replace(
        fit, eta=not_in_memory("the linear predictor"), mu=not_in_memory("the fitted values"),
        working_weights=not_in_memory("the working weights"),
        working_residuals=not_in_memory("the working residuals"))


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
