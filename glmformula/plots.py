"""Plots of a fitted GLM: predicted-response curves (R's ``plot.lm`` diagnostics are in
plots_diagnostic).

Needs matplotlib (``pip install "glmformula[plot]"``); it is imported only when a
plot is drawn, so ``import glmformula`` stays matplotlib-free.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
>>> fig = m.plot()
>>> len(fig.axes)
4
>>> [ax.get_title() for ax in fig.axes]
['Residuals vs Fitted', 'Q-Q Residuals', 'Scale-Location', 'Residuals vs Leverage']
>>> fig = gf.plot_predictions(m, "tension", by="wool", data=wb)
>>> len(fig.axes[0].lines)
2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.design_checks import names_list
from glmformula.design_parse import split_arguments
from glmformula.errors import ArgumentTypeError, DataError, shorten
from glmformula.plots_diagnostic import TITLES as TITLES
from glmformula.plots_diagnostic import diagnostic_plot as diagnostic_plot
from glmformula.plots_diagnostic import lowess as lowess
from glmformula.plots_diagnostic import pyplot

if TYPE_CHECKING:
    from glmformula.result import GLMResult

_pyplot = pyplot


def _reference_row(result: GLMResult, data: pd.DataFrame) -> dict[str, Any]:
    """Numeric columns at their means, factors at their reference (first) level."""
    row: dict[str, Any] = {}
    numeric = set(result.design.numeric_columns)
    for column in result.design.data_columns:
        values = data[column]
        if column in numeric:
            row[column] = float(np.nanmean(values.to_numpy(dtype=float)))
        elif isinstance(values.dtype, pd.CategoricalDtype):
            row[column] = values.cat.categories[0]
        else:
            row[column] = sorted(values.dropna().unique())[0]
    return row


def _held_offset(result: GLMResult, n: int) -> np.ndarray | None:
    """The fit's offset= argument held at its mean over the rows used (None: no offset=)."""
    values = result.design.offset_argument
    return None if values is None else np.full(n, float(np.mean(values)))


def response_label(result: GLMResult) -> str:
    """The y-axis label: ``Proportion numdead`` for ``cbind(numdead, numalive)``, else the
    response's name."""
    response = result.design.response
    name = response.name or "response"
    if np.ndim(response.values) == 2 and name.startswith("cbind(") and name.endswith(")"):
        return f"Proportion {split_arguments(name[len('cbind('):-1])[0]}"
    return name


def model_title(result: GLMResult) -> str:
    """The plot's title: the formula, the family and its link."""
    family = result.family
    link = getattr(family.link, "name", None) or str(family.link)
    return f"{result.formula}\n{family.label}, {link} link"


def _observed(result: GLMResult, data: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray,
                                                              np.ndarray]:
    """The rows used (from ``data``), the observed response (proportions for a binomial
    response) and the point sizes (prior weights times binomial trials, mean 20)."""
    rows = pd.Index(result.design.row_index)
    y = np.asarray(result.response.y, dtype=float)
    weights = np.asarray(result.response.weights, dtype=float)
    if rows.size != y.size or not rows.isin(data.index).all():
        return data.iloc[:0], y[:0], weights[:0]  # other data than the fit's: no points
    scale = float(np.mean(weights[weights > 0])) if np.any(weights > 0) else 1.0
    return data.loc[rows], y, 20 * weights / scale


def plot_predictions(result: GLMResult, x: str, by: str | None = None,
                     data: pd.DataFrame | None = None, level: float = 0.95,
                     points: int = 100, ax: Any = None, observed: bool = True) -> Any:
    """Predicted mean (response scale) over a grid of ``x``, with confidence bands.

    ``data`` is the fit's own data unless given. Other numeric columns are held
    at their means in ``data``, factors at
    their reference (first) level, the ``offset=`` of the fit at its mean
    (formula ``offset()`` terms are evaluated on those values); ``by`` draws one
    line and band per level of a column. A numeric ``x`` gets ``points`` evenly
    spaced values over its range in ``data``; a factor ``x`` its levels (points
    with error bars).
    Bands come from ``result.predict(..., type="response",
    interval="confidence", level=level)``. With ``observed`` the data are drawn
    as points (proportions for a binomial response, sized by their trials and
    weights), coloured by ``by``. The y label names the response, the title the
    model. Returns the Figure.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import glmformula as gf
    >>> mt = gf.datasets.load("mtcars")
    >>> m = gf.glm("am ~ wt + hp", data=mt, family="binomial")
    >>> fig = plot_predictions(m, "wt")
    >>> len(fig.axes), len(fig.axes[0].lines), len(fig.axes[0].collections)
    (1, 1, 2)
    >>> fig.axes[0].get_ylabel()
    'am'
    """
    from glmformula.result import require_model

    result = require_model(result, "plot_predictions()")
    plt = _pyplot()
    if data is None:
        data = result.data
    if data is None or not isinstance(data, pd.DataFrame):
        raise ArgumentTypeError("plot_predictions needs the data frame the model was fitted on "
                                "(data=...)")
    for name in (x, by):
        if name is not None and name not in result.design.data_columns:
            raise DataError(f"column {shorten(name)} is not used by the model; it uses "
                            f"{names_list(result.design.data_columns)}")
    base = _reference_row(result, data)
    numeric_x = x in result.design.numeric_columns
    if numeric_x:
        xv = data[x].to_numpy(dtype=float)
        grid: Any = np.linspace(np.nanmin(xv), np.nanmax(xv), points)
    elif isinstance(data[x].dtype, pd.CategoricalDtype):
        grid = list(data[x].cat.categories)
    else:
        grid = sorted(data[x].dropna().unique())
    if by is None:
        groups: list[Any] = [None]
    elif isinstance(data[by].dtype, pd.CategoricalDtype):
        groups = list(data[by].cat.categories)
    else:
        groups = sorted(data[by].dropna().unique())

    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4.5))
    else:
        fig = ax.figure
    seen, y_obs, sizes = _observed(result, data) if observed else (data.iloc[:0], [], [])
    for k, group in enumerate(groups):
        frame = pd.DataFrame({c: [v] * len(grid) for c, v in base.items()})
        frame[x] = grid
        if by is not None:
            frame[by] = group
        for column in result.design.data_columns:
            if isinstance(data[column].dtype, pd.CategoricalDtype):
                frame[column] = pd.Categorical(frame[column],
                                               categories=data[column].cat.categories)
        pred = result.predict(frame, type="response", interval="confidence", level=level,
                              offset=_held_offset(result, len(frame)))
        fit, lo, hi = (pred[c].to_numpy() for c in ("fit", "lwr", "upr"))
        label = None if by is None else f"{by} = {group}"
        color = f"C{k % 10}"
        if len(seen):
            mine = np.ones(len(seen), bool) if by is None else (seen[by] == group).to_numpy()
            if numeric_x:
                xo = seen[x].to_numpy(dtype=float)[mine]
            else:
                where = {g: i for i, g in enumerate(grid)}
                xo = np.asarray([where.get(v, np.nan) for v in seen[x][mine]], dtype=float)
                xo = xo + (k - (len(groups) - 1) / 2) * 0.1
            ax.scatter(xo, np.asarray(y_obs)[mine], s=np.asarray(sizes)[mine],
                       color=color if by is not None else "grey", alpha=0.5,
                       linewidths=0, gid="observed")
        if numeric_x:
            ax.plot(grid, fit, color=color, label=label)
            ax.fill_between(grid, lo, hi, color=color, alpha=0.2, linewidth=0)
        else:
            pos = np.arange(len(grid)) + (k - (len(groups) - 1) / 2) * 0.1
            ax.plot(pos, fit, color=color, marker="o", label=label)
            ax.vlines(pos, lo, hi, color=color)
    if not numeric_x:
        ax.set_xticks(np.arange(len(grid)), [str(g) for g in grid])
    ax.set(xlabel=x, ylabel=response_label(result), title=model_title(result))
    if by is not None:
        ax.legend(title=by, fontsize=8)
    return fig
