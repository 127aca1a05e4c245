"""Plots of a fitted GLM: R's ``plot.lm`` diagnostics and predicted-response curves.

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
from glmformula.distributions import normal_quantile
from glmformula.errors import ArgumentTypeError, DataError, shorten
from glmformula.influence import influence_measures
from glmformula.optional import optional_dependency_message

if TYPE_CHECKING:
    from glmformula.result import GLMResult

TITLES = ("Residuals vs Fitted", "Q-Q Residuals", "Scale-Location", "Residuals vs Leverage")


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        # missing, or installed but not importable (matplotlib < 3.9 with IPython >= 8.24)
        raise ImportError(
            optional_dependency_message("matplotlib", "plotting", "plot", exc)) from exc
    return plt


def lowess(x: np.ndarray, y: np.ndarray, frac: float = 2 / 3, iterations: int = 3,
           points: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """A locally weighted linear smooth (Cleveland's lowess, R's defaults f=2/3, iter=3).

    Evaluated at up to ``points`` x values spread over the data (R's ``delta``
    idea); returns the sorted evaluation points and the smooth there.

    >>> x = np.linspace(0, 1, 50)
    >>> xs, ys = lowess(x, 2 * x + 1)
    >>> bool(np.allclose(ys, 2 * xs + 1))
    True
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = x.size
    if n < 2:
        return x, y
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    k = max(2, min(n, int(np.ceil(frac * n))))
    grid = np.unique(x) if np.unique(x).size <= points else np.linspace(x[0], x[-1], points)
    robust = np.ones(n)

    def fit_at(x0: np.ndarray) -> np.ndarray:
        out = np.empty(x0.size)
        for i, v in enumerate(x0):
            dist = np.abs(x - v)
            h = np.partition(dist, k - 1)[k - 1]
            if h <= 0:
                h = dist.max() or 1.0
            u = np.clip(dist / (h * 1.000001), 0, 1)
            w = (1 - u**3) ** 3 * robust
            sw = w.sum()
            if sw <= 0:
                out[i] = np.nan
                continue
            xm = np.sum(w * x) / sw
            ym = np.sum(w * y) / sw
            sxx = np.sum(w * (x - xm) ** 2)
            slope = np.sum(w * (x - xm) * (y - ym)) / sxx if sxx > 1e-12 * (h * h) * sw else 0.0
            out[i] = ym + slope * (v - xm)
        return out

    for it in range(iterations + 1):
        smooth = fit_at(grid)
        if it == iterations:
            break
        resid = y - np.interp(x, grid, smooth)
        s = np.median(np.abs(resid))
        if s <= 0:
            break
        u = np.clip(resid / (6 * s), -1, 1)
        robust = (1 - u**2) ** 2
    return grid, smooth


def _label_extremes(ax: Any, x: np.ndarray, y: np.ndarray, score: np.ndarray,
                    labels: np.ndarray, count: int) -> None:
    """Label the ``count`` points with the largest ``score`` by their row labels, as R."""
    finite = np.where(np.isfinite(score) & np.isfinite(x) & np.isfinite(y))[0]
    top = finite[np.argsort(-score[finite], kind="stable")[:count]]
    for i in top:
        ax.annotate(str(labels[i]), (x[i], y[i]), xytext=(4, 0), textcoords="offset points",
                    fontsize=8, ha="left", va="center")


def _smooth(ax: Any, x: np.ndarray, y: np.ndarray) -> None:
    xs, ys = lowess(x, y)
    if xs.size > 1:
        ax.plot(xs, ys, color="red", linewidth=1)


def diagnostic_plot(result: GLMResult, id_n: int = 3, figsize: tuple[float, float] = (10, 8),
                    ) -> Any:
    """The four panels of R's ``plot.lm`` for a GLM as a matplotlib Figure.

    See :meth:`glmformula.GLMResult.plot`.
    """
    plt = _pyplot()
    infl = influence_measures(result)  # the rows used with a weight (unpadded)
    rows = result.response.weights != 0
    labels = np.asarray(infl.index.astype(str))
    eta = result.rows.unpad(result.linear_predictor).to_numpy()[rows]
    res = result.rows.unpad(result.residuals("deviance")).to_numpy()[rows]
    std_dev = infl["rstandard_deviance"].to_numpy()
    std_pear = infl["rstandard_pearson"].to_numpy()
    hat = infl["hat"].to_numpy()
    cooks = infl["cooks_d"].to_numpy()
    n = eta.size

    fig, axes = plt.subplots(2, 2, figsize=figsize)
    ax1, ax2, ax3, ax4 = axes.ravel()
    point = {"s": 14, "facecolors": "none", "edgecolors": "black", "linewidths": 0.8}

    # (1) residuals vs linear predictor
    ax1.scatter(eta, res, **point)
    ax1.axhline(0, color="grey", linestyle=":", linewidth=1)
    _smooth(ax1, eta, res)
    _label_extremes(ax1, eta, res, np.abs(res), labels, id_n)
    ax1.set(title=TITLES[0], xlabel="Predicted values", ylabel="Residuals")

    # (2) normal Q-Q of the standardized deviance residuals, with R's qqline
    order = np.argsort(std_dev, kind="stable")
    theo = np.empty(n)
    theo[order] = normal_quantile((np.arange(1, n + 1) - (3 / 8 if n <= 10 else 0.5))
                                 / (n + (1 - 2 * (3 / 8) if n <= 10 else 0)))
    ax2.scatter(theo, std_dev, **point)
    finite = np.isfinite(std_dev)
    if finite.sum() >= 2:
        yq = np.quantile(std_dev[finite], [0.25, 0.75])
        xq = normal_quantile(np.array([0.25, 0.75]))
        slope = (yq[1] - yq[0]) / (xq[1] - xq[0])
        ax2.axline((xq[0], yq[0]), slope=slope, color="grey", linestyle=":", linewidth=1)
    _label_extremes(ax2, theo, std_dev, np.abs(std_dev), labels, id_n)
    ax2.set(title=TITLES[1], xlabel="Theoretical Quantiles", ylabel="Std. deviance resid.")

    # (3) scale-location
    root = np.sqrt(np.abs(std_dev))
    ax3.scatter(eta, root, **point)
    _smooth(ax3, eta, root)
    _label_extremes(ax3, eta, root, root, labels, id_n)
    ax3.set(title=TITLES[2], xlabel="Predicted values",
            ylabel=r"$\sqrt{|\mathrm{Std.\ deviance\ resid.}|}$")

    # (4) standardized Pearson residuals vs leverage, Cook's distance contours
    ax4.scatter(hat, std_pear, **point)
    ax4.axhline(0, color="grey", linestyle=":", linewidth=1)
    _smooth(ax4, hat, std_pear)
    ok = np.isfinite(hat) & (hat < 1)
    if ok.any():
        hmax = float(hat[ok].max())
        hh = np.linspace(max(hmax / 100, 1e-3), max(hmax * 1.05, 1e-2), 101)
        hh = hh[hh < 1]
        ylim = ax4.get_ylim()
        for level in (0.5, 1.0):
            bound = np.sqrt(level * result.rank * (1 - hh) / hh)
            for sign in (1, -1):
                ax4.plot(hh, sign * bound, color="red", linestyle="--", linewidth=0.8,
                         label="Cook's distance" if (level == 0.5 and sign == 1) else None)
        ax4.set_ylim(ylim)
        ax4.set_xlim(0, hh[-1])
        ax4.legend(loc="lower left", fontsize=8, frameon=False)
    _label_extremes(ax4, hat, std_pear, cooks, labels, id_n)
    ax4.set(title=TITLES[3], xlabel="Leverage", ylabel="Std. Pearson resid.")

    fig.tight_layout()
    return fig


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


def plot_predictions(result: GLMResult, x: str, by: str | None = None,
                     data: pd.DataFrame | None = None, level: float = 0.95,
                     points: int = 100, ax: Any = None) -> Any:
    """Predicted mean (response scale) over a grid of ``x``, with confidence bands.

    ``data`` is the fit's own data unless given. Other numeric columns are held
    at their means in ``data``, factors at
    their reference (first) level, the ``offset=`` of the fit at its mean
    (formula ``offset()`` terms are evaluated on those values); ``by`` draws one
    line and band per level of a column. A numeric ``x`` gets ``points`` evenly
    spaced values over its range in ``data``; a factor ``x`` its levels (points
    with error bars).
    Bands come from ``result.predict(..., type="response",
    interval="confidence", level=level)``. Returns the Figure.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import glmformula as gf
    >>> mt = gf.datasets.load("mtcars")
    >>> m = gf.glm("am ~ wt + hp", data=mt, family="binomial")
    >>> fig = plot_predictions(m, "wt")
    >>> len(fig.axes), len(fig.axes[0].lines), len(fig.axes[0].collections)
    (1, 1, 1)
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
        if numeric_x:
            ax.plot(grid, fit, color=color, label=label)
            ax.fill_between(grid, lo, hi, color=color, alpha=0.2, linewidth=0)
        else:
            pos = np.arange(len(grid)) + (k - (len(groups) - 1) / 2) * 0.1
            ax.plot(pos, fit, color=color, marker="o", label=label)
            ax.vlines(pos, lo, hi, color=color)
    if not numeric_x:
        ax.set_xticks(np.arange(len(grid)), [str(g) for g in grid])
    response = result.design.response.name
    ax.set(xlabel=x, ylabel=f"Predicted {response}" if response else "Predicted response",
           title=f"Predicted response ({round(100 * level)}% confidence)")
    if by is not None:
        ax.legend(title=by, fontsize=8)
    return fig
