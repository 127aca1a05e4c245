"""Conditional slopes drawn from :func:`glmformula.margins.slopes` (R marginaleffects'
``plot_slopes``); the predictions' plot is :func:`glmformula.plots.plot_predictions`.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import glmformula as gf
>>> mt = gf.datasets.load("mtcars")
>>> m = gf.glm("am ~ wt + hp", data=mt, family="binomial")
>>> fig = plot_slopes(m, variables="wt", condition="hp", points=20)
>>> ax = fig.axes[0]
>>> ax.get_xlabel(), ax.get_ylabel()
('hp', 'Slope of am on wt (dY/dX)')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glmformula.errors import ArgumentTypeError
from glmformula.plots import (
    condition_grid,
    draw_conditions,
    finish_axes,
    grid_offset,
    model_frame_for,
    response_label,
)
from glmformula.plots_diagnostic import pyplot

if TYPE_CHECKING:
    import pandas as pd

    from glmformula.result import GLMResult

__all__ = ["plot_slopes"]


def plot_slopes(result: GLMResult, variables: str, condition: str, by: str | None = None, *,
                data: pd.DataFrame | None = None, type: str = "response", level: float = 0.95,
                points: int = 100, draw: bool = True, ax: Any = None) -> Any:
    """The slope dY/dX of ``variables`` over a grid of ``condition`` (the x axis), with its
    confidence band, as R marginaleffects' ``plot_slopes(m, variables, condition)``.

    The grid is :func:`glmformula.plots.plot_predictions`' (``points`` values over the
    range of a numeric ``condition`` in ``data``, the levels of a factor; other numeric
    columns at their means, factors at their reference level; one line per level of ``by``)
    and the numbers are ``gf.slopes(m, variables=variables, newdata=grid, type=type)``:
    exact derivatives with delta-method intervals on the ``type`` scale. A numeric
    ``condition`` gets a line and band, a factor points with error bars. ``draw=False``
    returns that table instead of a Figure, as R's ``draw = FALSE``.
    """
    from glmformula.margins import slopes
    from glmformula.result import require_model

    result = require_model(result, "plot_slopes()")
    if not isinstance(variables, str):
        raise ArgumentTypeError(f"plot_slopes draws the slope of one variable: variables must "
                                f"be a column name, not {variables!r}")
    data = model_frame_for(result, data, "plot_slopes")
    grid = condition_grid(result, data, condition, by, points)
    table = slopes(result, variables=variables, newdata=grid.frame, type=type,
                   conf_level=level, offset=grid_offset(result, grid))
    if not draw:
        return table
    if ax is None:
        fig, ax = pyplot().subplots(figsize=(6, 4.5))
    else:
        fig = ax.figure
    for k in range(len(grid.groups)):
        draw_conditions(ax, grid, table, k)
    scale = "" if type == "response" else ", link scale"
    finish_axes(ax, grid, f"Slope of {response_label(result)} on {variables} (dY/dX{scale})",
                result)
    return fig
