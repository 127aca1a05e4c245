"""Plots of a fitted GLM: predicted-response curves drawn from ``gf.predictions`` (the grid,
table and drawing shared with ``plot_slopes`` in plots_margins; R's ``plot.lm``
diagnostics are in plots_diagnostic).

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

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.chunked_source import is_dask_frame
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


def numeric_columns(result: GLMResult) -> set[str]:
    """The data columns the model reads as numbers: numeric columns but those it uses only
    as factors (``factor(cyl)``, ``C(gear)``)."""
    states = result.design.model_spec["rhs"].encoder_state
    out = set()
    for column in result.design.numeric_columns:
        kinds = {getattr(state[0], "value", None) for key, state in states.items()
                 if column in re.findall(r"[A-Za-z_.][A-Za-z0-9_.]*", str(key))}
        if kinds != {"categorical"}:
            out.add(column)
    return out


def _reference_row(result: GLMResult, data: pd.DataFrame) -> dict[str, Any]:
    """Numeric columns at their means, factors at their reference (first) level."""
    row: dict[str, Any] = {}
    numeric = numeric_columns(result)
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


def model_frame_for(result: GLMResult, data: Any, what: str) -> pd.DataFrame:
    """The data frame the plot's grid is read from: ``data``, else the fit's own data."""
    if data is None:
        data = result.data
    if is_dask_frame(data):
        raise ArgumentTypeError(f"{what} reads its grid from a pandas DataFrame and the model's "
                                "data is a Dask one; pass data= a sample of it, e.g. "
                                "data=ddf.sample(frac=0.01).compute()")
    if data is None or not isinstance(data, pd.DataFrame):
        raise ArgumentTypeError(f"{what} needs the data frame the model was fitted on "
                                "(data=...)")
    return data


def _levels_of(values: pd.Series) -> list[Any]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    return sorted(values.dropna().unique())


@dataclass(frozen=True)
class ConditionGrid:
    """The rows a conditional plot is computed on: ``x`` over its grid, one block of rows per
    group of ``by`` (in level order), the other variables held (see :func:`condition_grid`)."""

    frame: pd.DataFrame
    x: str
    by: str | None
    values: list[Any]
    groups: list[Any]
    numeric: bool

    def block(self, k: int) -> slice:
        """The rows of the k-th group."""
        return slice(k * len(self.values), (k + 1) * len(self.values))


def condition_grid(result: GLMResult, data: pd.DataFrame, x: str, by: str | None,
                   points: int) -> ConditionGrid:
    """``x`` over ``points`` evenly spaced values of its range in ``data`` (a factor: its
    levels) for each level of ``by``; the other numeric columns at their means in ``data``,
    factors at their reference (first) level."""
    for name in (x, by):
        if name is not None and name not in result.design.data_columns:
            raise DataError(f"column {shorten(name)} is not used by the model; it uses "
                            f"{names_list(result.design.data_columns)}")
    base = _reference_row(result, data)
    numeric = x in numeric_columns(result)
    if numeric:
        xv = data[x].to_numpy(dtype=float)
        values: list[Any] = list(np.linspace(np.nanmin(xv), np.nanmax(xv), points))
    else:
        values = _levels_of(data[x])
    groups: list[Any] = [None] if by is None else _levels_of(data[by])
    blocks = []
    for group in groups:
        block = pd.DataFrame({c: [v] * len(values) for c, v in base.items()})
        block[x] = values
        if by is not None:
            block[by] = [group] * len(values)
        blocks.append(block)
    frame = pd.concat(blocks, ignore_index=True)
    for column in result.design.data_columns:
        if isinstance(data[column].dtype, pd.CategoricalDtype):
            frame[column] = pd.Categorical(frame[column], categories=data[column].cat.categories)
    held = _held_offset(result, len(frame))
    if held is not None and result.design.offset_column is not None:
        frame[result.design.offset_column] = held  # offset="column": held at its mean
    return ConditionGrid(frame, x, by, values, groups, numeric)


def grid_offset(result: GLMResult, grid: ConditionGrid) -> np.ndarray | None:
    """The offset for the grid when the fit's ``offset=`` was an array: held at its mean (an
    ``offset=`` column is in the grid, formula ``offset()`` terms are computed on it)."""
    return _held_offset(result, len(grid.frame)) if result.design.offset_array else None


def prediction_table(result: GLMResult, grid: ConditionGrid, type: str, level: float
                     ) -> pd.DataFrame:
    """``gf.predictions(result, newdata=grid.frame)`` as the plot draws it.

    On the response scale the interval is the link-scale one mapped by the inverse link (R
    marginaleffects' ``type="invlink(link)"``, its default for GLMs; it stays within the
    range of the mean): ``predictions(..., type="invlink(link)")``, whose link-scale
    ``std_error`` and ``statistic`` are dropped (kept for an identity link, where both
    scales are one).
    """
    from glmformula.margins import predictions

    if type not in ("response", "link"):
        raise ArgumentTypeError(f"type must be 'response' or 'link', not {type!r}")
    return predictions(result, newdata=grid.frame,
                       type="link" if type == "link" else "invlink(link)", conf_level=level,
                       offset=grid_offset(result, grid))


def draw_conditions(ax: Any, grid: ConditionGrid, table: pd.DataFrame, k: int) -> None:
    """The k-th group's estimates over ``grid.x``: a line and band for a numeric ``x``, points
    with error bars (dodged by group) for a factor."""
    rows = table.iloc[grid.block(k)]
    fit, lo, hi = (rows[c].to_numpy(dtype=float) for c in ("estimate", "conf_low", "conf_high"))
    label = None if grid.by is None else f"{grid.by} = {grid.groups[k]}"
    color = f"C{k % 10}"
    if grid.numeric:
        ax.plot(grid.values, fit, color=color, label=label)
        ax.fill_between(grid.values, lo, hi, color=color, alpha=0.2, linewidth=0)
    else:
        pos = np.arange(len(grid.values)) + dodge(k, len(grid.groups))
        ax.plot(pos, fit, color=color, marker="o", label=label)
        ax.vlines(pos, lo, hi, color=color)


def dodge(k: int, n: int) -> float:
    """The horizontal shift of the k-th of n groups at a factor's level."""
    return (k - (n - 1) / 2) * 0.1


def finish_axes(ax: Any, grid: ConditionGrid, ylabel: str, result: GLMResult) -> None:
    """Factor tick labels, axis labels, the model as title, the legend of ``by``."""
    if not grid.numeric:
        ax.set_xticks(np.arange(len(grid.values)), [str(g) for g in grid.values])
    ax.set(xlabel=grid.x, ylabel=ylabel, title=model_title(result))
    if grid.by is not None:
        ax.legend(title=grid.by, fontsize=8)


def plot_predictions(result: GLMResult, x: str, by: str | None = None,
                     data: pd.DataFrame | None = None, level: float = 0.95,
                     points: int = 100, ax: Any = None, observed: bool = True, *,
                     type: str = "response", draw: bool = True) -> Any:
    """Predicted mean over a grid of ``x``, with confidence bands (R marginaleffects'
    ``plot_predictions(m, condition = c(x, by))``).

    ``data`` is the fit's own data unless given. Other numeric columns are held
    at their means in ``data``, factors at
    their reference (first) level, the ``offset=`` of the fit at its mean
    (formula ``offset()`` terms are evaluated on those values); ``by`` draws one
    line and band per level of a column. A numeric ``x`` gets ``points`` evenly
    spaced values over its range in ``data``; a factor ``x`` its levels (points
    with error bars).
    The line and band are ``gf.predictions(m, newdata=grid, type="link")`` mapped by the
    inverse link (see :func:`prediction_table`; the same as ``result.predict(...,
    type="response", interval="confidence", level=level)``); ``type="link"`` draws the
    linear predictor. ``draw=False`` returns that table instead of drawing (the grid's
    columns with ``estimate``, ``conf_low``, ``conf_high``), as R's ``draw = FALSE``.
    With ``observed`` the data are drawn
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
    >>> table = plot_predictions(m, "wt", points=3, draw=False)
    >>> list(table.columns)
    ['rowid', 'estimate', 'p_value', 'conf_low', 'conf_high', 'hp', 'wt']
    >>> [round(float(v), 4) for v in table.loc[1, ["wt", "estimate", "conf_low", "conf_high"]]]
    [3.4685, 0.0208, 0.0008, 0.3677]
    """
    from glmformula.result import require_model

    result = require_model(result, "plot_predictions()")
    data = model_frame_for(result, data, "plot_predictions")
    grid = condition_grid(result, data, x, by, points)
    table = prediction_table(result, grid, type, level)
    if not draw:
        return table
    plt = _pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4.5))
    else:
        fig = ax.figure
    show = observed and type == "response"
    seen, y_obs, sizes = _observed(result, data) if show else (data.iloc[:0], [], [])
    for k, group in enumerate(grid.groups):
        if len(seen):
            mine = np.ones(len(seen), bool) if by is None else (seen[by] == group).to_numpy()
            if grid.numeric:
                xo = seen[x].to_numpy(dtype=float)[mine]
            else:
                where = {g: i for i, g in enumerate(grid.values)}
                xo = np.asarray([where.get(v, np.nan) for v in seen[x][mine]], dtype=float)
                xo = xo + dodge(k, len(grid.groups))
            ax.scatter(xo, np.asarray(y_obs)[mine], s=np.asarray(sizes)[mine],
                       color=f"C{k % 10}" if by is not None else "grey", alpha=0.5,
                       linewidths=0, gid="observed")
        draw_conditions(ax, grid, table, k)
    label = response_label(result)
    finish_axes(ax, grid, label if type == "response" else f"{label} (link scale)", result)
    return fig
