"""The row-level data of a fitted model, from a provider: arrays in memory, lazy on Dask.

A :class:`~glmformula.result.GLMResult` asks its ``rows`` for everything that
has one value per row (fitted values, the linear predictor, residuals, y,
prior and working weights, the model matrix) and for the sums over rows that
its statistics need (observations, the Pearson statistic, the AIC).
:class:`ArrayRows` answers from numpy arrays; the chunked provider
(:class:`glmformula.chunked_result.DaskRows`) answers with lazy Dask series
and the sums of its passes, and raises :func:`needs_rows`'s error for what
needs every row in memory at once.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
>>> m.rows.in_memory, m.rows.nobs, round(m.rows.pearson(), 4)
(True, 54, 299.5378)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

import numpy as np
import pandas as pd

from glmformula.errors import ArgumentTypeError, DataError
from glmformula.matrices import ModelMatrix, as_dense

if TYPE_CHECKING:
    from glmformula.design import Design
    from glmformula.families import Family, PreparedResponse
    from glmformula.fit_arguments import RowPadding
    from glmformula.irls import Control, IRLSFit
    from glmformula.result import GLMResult

Array = np.ndarray

IN_MEMORY_HINT = ("fit the data in memory for this: gf.glm(formula, data=ddf.compute()), or "
                  "a sample of it (ddf.sample(frac=0.1).compute())")
RESIDUAL_TYPES = ("deviance", "pearson", "working", "response")
#: per-row quantities that na_action="exclude" pads to the data's rows (R's naresid)
PADDED = frozenset({"fitted", "linear_predictor", *(f"{t}_residuals" for t in RESIDUAL_TYPES)})


def needs_rows(what: str, needs: str = "needs every row in memory", more: str = "") -> DataError:
    """The one error for what a model fitted on chunked data cannot give.

    >>> print(needs_rows("influence()"))  # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    influence() needs every row in memory and is not available for a model fitted on
    chunked (Dask) data; fit the data in memory for this: gf.glm(formula, ...
    """
    return DataError(f"{what} {needs} and is not available for a model fitted on chunked "
                     f"(Dask) data; {IN_MEMORY_HINT}{more}")


def check_residual_type(type: str) -> None:
    """R's residual types: deviance, pearson, working, response."""
    if type not in RESIDUAL_TYPES:
        raise ArgumentTypeError(
            f"unknown residual type {type!r}; use 'deviance', 'pearson', 'working' or "
            "'response'"
        )


def residual_values(family: Family, type: str, y: Array, mu: Array,
                    wt: Array, working: Array, df_residual: int | None) -> Array:
    """Residuals of one type from the response, fitted means and prior weights (R's rules:
    deviance residuals are all 0 when no residual degree of freedom is left)."""
    check_residual_type(type)
    if type == "deviance" and df_residual == 0:
        return np.zeros_like(mu)
    if type == "deviance":
        d = np.sqrt(np.maximum(family.dev_resids(y, mu, wt), 0.0))
        return np.where(y > mu, d, -d)
    if type == "pearson":
        return (y - mu) * np.sqrt(wt) / np.sqrt(family.variance(mu))
    if type == "working":
        return working
    return y - mu


class RowData(Protocol):
    """What a fitted model asks of its rows."""

    @property
    def in_memory(self) -> bool:
        """True when every row is at hand as arrays."""
        ...

    @property
    def nobs(self) -> int:
        """Rows with non-zero prior weight."""
        ...

    @property
    def n_rows(self) -> int:
        """Rows used."""
        ...

    def pearson(self) -> float:
        """Sum of the last working weights times squared working residuals (used rows)."""
        ...

    def aic_base(self) -> float:
        """The family's AIC without the 2 * rank term."""
        ...

    def series(self, what: str) -> Any:
        """A per-row quantity: fitted, linear_predictor, y, prior_weights, working_weights,
        or <type>_residuals."""
        ...

    def model_matrix(self) -> Array:
        """The model matrix of the rows used."""
        ...

    def pad(self, values: Any) -> Any:
        """Per-row values of the rows used (Series or DataFrame) over the data's rows, NaN
        where dropped, for na_action="exclude" (R's naresid); else as they are."""
        ...

    def unpad(self, values: Any) -> Any:
        """The rows used of per-row values that :meth:`pad` padded."""
        ...

    def refit(self, X: Array, control: Control) -> IRLSFit:
        """The same response on other columns X (an array of the rows used)."""
        ...

    def column_fitter(self, control: Control) -> Callable[[list[int]], IRLSFit]:
        """A function that refits on a subset of the model-matrix columns."""
        ...

    def predict(self, model: GLMResult, newdata: Any, type: str, se_fit: bool,
                interval: str | None, level: float, offset: Any) -> Any:
        """Predictions of ``model`` (see :meth:`GLMResult.predict`)."""
        ...


class FitRows(Protocol):
    """The per-row arrays of a fit (an :class:`~glmformula.irls.IRLSFit` has them)."""

    @property
    def eta(self) -> Array: ...
    @property
    def mu(self) -> Array: ...
    @property
    def working_weights(self) -> Array: ...
    @property
    def working_residuals(self) -> Array: ...
    @property
    def deviance(self) -> float: ...


class WholeFitRows(FitRows, Protocol):
    """A whole fit's per-row arrays and its rank."""

    @property
    def rank(self) -> int: ...


class ArrayRows:
    """The rows of an in-memory fit (or of one chunk): model matrix, row labels, the prepared
    response, the offset and the fit's per-row arrays."""

    in_memory = True

    def __init__(self, X: Array | ModelMatrix, row_index: pd.Index, response: PreparedResponse,
                 offset: Array, fit: FitRows, family: Family,
                 padding: RowPadding | None = None, df_residual: int | None = None) -> None:
        self.X, self.row_index, self.response, self.offset = X, row_index, response, offset
        self.fit, self.family, self.padding = fit, family, padding
        #: the whole fit's residual degrees of freedom (None for one chunk of a larger fit)
        self.df_residual = df_residual

    @classmethod
    def of(cls, design: Design, response: PreparedResponse, offset: Array,
           fit: WholeFitRows, family: Family) -> ArrayRows:
        """The rows of a design (padded as its ``na_action="exclude"`` asks)."""
        padding = None if design.arguments is None else design.arguments.padding
        df_residual = int(np.count_nonzero(response.weights)) - fit.rank
        return cls(design.X, design.row_index, response, offset, fit, family, padding,
                   df_residual)

    def pad(self, values: Any) -> Any:
        """Values of the rows used, padded with NaN to the data's rows (na_action="exclude")."""
        return values if self.padding is None else self.padding.pad(values)

    def unpad(self, values: Any) -> Any:
        """The rows used of padded values."""
        return values if self.padding is None else self.padding.unpad(values)

    @property
    def nobs(self) -> int:
        """Rows with non-zero prior weight (R's ``nobs``)."""
        return int(np.sum(self.response.weights != 0))

    @property
    def n_rows(self) -> int:
        """Rows used, zero prior weights included (R's ``length(y)``)."""
        return int(self.response.y.size)

    def pearson(self) -> float:
        """Sum of w (working residual)^2 over the rows with a positive working weight."""
        ww, residuals = self.fit.working_weights, self.fit.working_residuals
        used = ww > 0
        if not used.all():
            ww, residuals = ww[used], residuals[used]
        return float(np.einsum("i,i,i->", ww, residuals, residuals))  # no temporaries

    def aic_base(self) -> float:
        """The family's AIC at the fitted means, without 2 * rank."""
        r = self.response
        return float(self.family.aic(r.y, r.n, self.fit.mu, r.weights, self.fit.deviance))

    def values(self, what: str) -> Array:
        """A per-row quantity as an array."""
        if what == "fitted":
            return self.fit.mu
        if what == "linear_predictor":
            return self.fit.eta
        if what == "working_weights":
            return self.fit.working_weights
        if what == "y":
            return self.response.y
        if what == "prior_weights":
            return self.response.weights
        r = self.response
        return residual_values(self.family, what.removesuffix("_residuals"), r.y, self.fit.mu,
                               r.weights, self.fit.working_residuals, self.df_residual)

    def series(self, what: str) -> pd.Series:
        """A per-row quantity as a Series indexed by the rows used (fitted values, the
        linear predictor and residuals padded as :meth:`pad` pads)."""
        values = pd.Series(self.values(what), index=self.row_index, name=what)
        return self.pad(values) if what in PADDED else values

    def model_matrix(self) -> Array:
        """The model matrix as a dense array."""
        return as_dense(self.X)

    def refit(self, X: Array, control: Control) -> IRLSFit:
        """The same response, weights, offset and family on other columns X."""
        from glmformula.irls import fit

        r = self.response
        return fit(X, r.y, r.weights, self.offset, self.family, mustart=r.mustart,
                   control=control)

    def column_fitter(self, control: Control) -> Callable[[list[int]], IRLSFit]:
        """Refits on subsets of the columns of the model matrix (formed once)."""
        X = self.model_matrix()
        return lambda columns: self.refit(X[:, columns], control)

    def predict(self, model: GLMResult, newdata: Any, type: str, se_fit: bool,
                interval: str | None, level: float, offset: Any) -> Any:
        """:func:`glmformula.prediction.predict`."""
        from glmformula.prediction import predict

        predicted = predict(model, newdata, type, se_fit, interval, level, offset)
        return self.pad(predicted) if newdata is None else predicted


def not_in_memory(what: str) -> Any:
    """A :class:`NotInMemory` where a field holds a per-row array (typed as that array)."""
    return NotInMemory(what)


class NotInMemory:
    """Stands for a per-row array of a chunked fit (the response, the model matrix, the
    fitted values...), which is never in memory: any use of it raises :func:`needs_rows`'s
    DataError.

    >>> y = NotInMemory("the response")
    >>> try:
    ...     y.size
    ... except DataError as error:
    ...     print(str(error)[:41])
    the response needs every row in memory an
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, what: str) -> None:
        self.what = what

    def _refuse(self, *_: object, **__: object) -> NoReturn:
        raise needs_rows(self.what)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):  # copy, pickle and numpy probes
            raise AttributeError(name)
        self._refuse()

    def __repr__(self) -> str:
        return f"<{self.what}: not in memory (chunked fit)>"

    __array__ = __array_ufunc__ = __array_function__ = _refuse
    __len__ = __iter__ = __getitem__ = __bool__ = __float__ = __int__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __matmul__ = __rmatmul__ = _refuse
    __neg__ = __abs__ = __invert__ = __and__ = __or__ = _refuse
