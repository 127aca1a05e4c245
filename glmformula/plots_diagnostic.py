"""R's ``plot.lm`` panels 1, 2, 3 and 5 for a fitted GLM (``m.plot()``), as R 4.x draws them.

Panel 1 plots the Pearson residuals against the linear predictor; panels 2, 3
and 5 the standardized Pearson residuals (``rstandard(type = "pearson")``).
The smoother is R's ``panel.smooth`` with ``iter = 0`` (a glm); the ``id_n``
points with the largest absolute residual (panels 1-3) or Cook's distance
(panel 5) carry their row labels: the data's index labels, or 1-based row
positions when the index is pandas' default ``0 .. n-1`` (R's row names).
When every leverage is the same, panel 5 is R's "Constant Leverage:
Residuals vs Factor Levels".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.distributions import normal_quantile
from glmformula.factors import present_levels
from glmformula.influence import influence_measures
from glmformula.lowess import lowess as lowess
from glmformula.optional import optional_dependency_message

if TYPE_CHECKING:
    from glmformula.result import GLMResult

TITLES = ("Residuals vs Fitted", "Q-Q Residuals", "Scale-Location", "Residuals vs Leverage")
CONSTANT_TITLE = "Constant Leverage:\n Residuals vs Factor Levels"
YLAB = "Std. Pearson resid."
POINT = {"s": 14, "facecolors": "none", "edgecolors": "black", "linewidths": 0.8}


def pyplot() -> Any:
    """matplotlib.pyplot, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        # missing, or installed but not importable (matplotlib < 3.9 with IPython >= 8.24)
        raise ImportError(
            optional_dependency_message("matplotlib", "plotting", "plot", exc)) from exc
    return plt


def row_labels(index: pd.Index) -> np.ndarray:
    """R's row names: 1-based positions for pandas' default index 0..n-1, else the labels.

    >>> [str(v) for v in row_labels(pd.RangeIndex(3))]
    ['1', '2', '3']
    >>> [str(v) for v in row_labels(pd.Index(["Mazda RX4", "Datsun 710"]))]
    ['Mazda RX4', 'Datsun 710']
    """
    if pd.api.types.is_integer_dtype(index.dtype) and not isinstance(index, pd.MultiIndex):
        return np.asarray([str(int(v) + 1) for v in index])
    return np.asarray([str(v) for v in index])


def extend_range(lo: float, hi: float, f: float) -> tuple[float, float]:
    """R's ``extendrange(r = c(lo, hi), f = f)``."""
    d = (hi - lo) * f
    return lo - d, hi + d


def _set_ylim(ax: Any, lo: float, hi: float) -> None:
    """R's ylim drawn with R's default 4% axis margin (``yaxs = "r"``)."""
    ax.set_ylim(*extend_range(lo, hi, 0.04))


def _smooth(ax: Any, x: np.ndarray, y: np.ndarray) -> None:
    xs, ys = lowess(x, y, iterations=0)  # panel.smooth(iter = 0) for a glm, as R
    if xs.size > 1:
        ax.plot(xs, ys, color="red", linewidth=1)


def _label(ax: Any, x: np.ndarray, y: np.ndarray, top: np.ndarray, labels: np.ndarray) -> None:
    """Label the points ``top`` as R's text.id: right of a point in the left half, else left."""
    left, right = ax.get_xlim()
    middle = (left + right) / 2
    for i in top:
        if not (np.isfinite(x[i]) and np.isfinite(y[i])):
            continue
        on_right = x[i] <= middle
        ax.annotate(str(labels[i]), (x[i], y[i]), xytext=(4 if on_right else -4, 0),
                    textcoords="offset points", fontsize=8,
                    ha="left" if on_right else "right", va="center", gid="id")


def _largest(score: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest finite scores (R's sort.list(decreasing = TRUE))."""
    finite = np.where(np.isfinite(score))[0]
    return finite[np.argsort(-score[finite], kind="stable")[:count]]


FactorCodes = tuple[np.ndarray, list[str], list[Any], list[float], list[int]]


def factor_codes(result: GLMResult, index: pd.Index) -> FactorCodes | None:
    """R's facval of plot.lm's constant-leverage panel: the factor combinations as 0, 1, ...

    Returns (facval, the factor names, the first factor's levels, R's ff, the
    numbers of levels), or None when the model has no factor (or no data frame).
    """
    data = result.data
    if not isinstance(data, pd.DataFrame):
        return None
    numeric = set(result.design.numeric_columns)
    factors = [c for c in result.design.data_columns if c not in numeric]
    if not factors:
        return None
    frame = data.loc[index, factors]
    codes: list[np.ndarray] = []
    nlev: list[int] = []
    levels0: list[Any] = []
    for k, column in enumerate(factors):
        values = frame[column]
        levels = present_levels(values)
        position = {v: j for j, v in enumerate(levels)}
        codes.append(np.asarray([position.get(v, np.nan) for v in values], dtype=float))
        nlev.append(len(levels))
        if k == 0:
            levels0 = levels
    nf = len(factors)
    ff = [1.0] if nf == 1 else [float(v) for v in np.cumprod([1.0] + nlev[:0:-1])[::-1]]
    facval = np.sum([c * f for c, f in zip(codes, ff, strict=True)], axis=0)
    return np.asarray(facval, dtype=float), factors, levels0, ff, nlev


def clear_legend(ax: Any, x: np.ndarray, y: np.ndarray) -> None:
    """Lower the y-range until no point (x, y) sits under the axes' legend box."""
    legend = ax.get_legend()
    if legend is None:
        return
    renderer = ax.figure.canvas.get_renderer()
    ok = np.isfinite(x) & np.isfinite(y)
    data = np.column_stack([x[ok], y[ok]])
    for _ in range(10):
        to_axes = ax.transAxes.inverted()
        box = legend.get_window_extent(renderer).transformed(to_axes)
        pts = to_axes.transform(ax.transData.transform(data))
        under = ((pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1)
                 & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1))
        if not under.any():
            return
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo - (hi - lo) * (box.y1 - float(pts[under, 1].min()) + 0.02), hi)


def _leverage_panel(ax: Any, result: GLMResult, hat: np.ndarray, rs: np.ndarray,
                    index: pd.Index) -> np.ndarray | None:
    """Panel 5 (R's which = 5); returns its x coordinates (None: no plot, as R)."""
    valid = hat[np.isfinite(hat)]
    lo_h, hi_h = (float(valid.min()), float(valid.max())) if valid.size else (0.0, 0.0)
    constant = (lo_h == 0 and hi_h == 0) or (hi_h - lo_h) < 1e-10 * float(np.mean(valid))
    ylim = extend_range(float(np.nanmin(rs)), float(np.nanmax(rs)), 0.08)
    if constant:
        codes = factor_codes(result, index)
        ax.set_title(CONSTANT_TITLE)
        if codes is None:
            ax.text(0.5, 0.5, f"hat values (leverages) are all = {lo_h:.6g}\n"
                    "and there are no factor predictors; no plot no. 5",
                    ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return None
        facval, factors, levels0, ff, nlev = codes
        ax.scatter(facval, rs, **POINT)
        _smooth(ax, facval, rs)
        ax.axhline(0, color="grey", linestyle=":", linewidth=1)
        ax.set_xlim(-0.5, sum((n - 1) * f for n, f in zip(nlev, ff, strict=True)) + 0.5)
        ax.set_xticks(ff[0] * (np.arange(nlev[0]) + 0.5) - 0.5, [str(v) for v in levels0])
        for v in ff[0] * np.arange(nlev[0] + 1) - 0.5:
            ax.axvline(v, color="grey", linestyle=(0, (4, 4)), linewidth=0.8)
        _set_ylim(ax, *ylim)
        ax.set(xlabel=f"Factor Level Combinations ({factors[0]})", ylabel=YLAB)
        return facval
    xx = np.where(hat >= 1, np.nan, hat)
    ax.scatter(xx, rs, **POINT)
    _smooth(ax, xx, rs)
    ax.axhline(0, color="grey", linestyle=":", linewidth=1)
    ax.axvline(0, color="grey", linestyle=":", linewidth=1)
    xmax_data = float(np.nanmax(xx))
    usr = extend_range(0.0, xmax_data, 0.04)
    ax.set_xlim(*usr)
    _set_ylim(ax, *ylim)
    hh = np.linspace(min(lo_h, hi_h / 100), usr[1], 101)
    hh = hh[hh > 0]
    p = result.rank
    for level in (0.5, 1.0):
        bound = np.sqrt(level * p * (1 - hh) / hh)
        for sign in (1, -1):
            ax.plot(hh, sign * bound, color="red", linestyle="--", linewidth=0.8,
                    label="Cook's distance" if (level == 0.5 and sign == 1) else None)
    xmax = min(0.99, usr[1])
    ymult = np.sqrt(p * (1 - xmax) / xmax)
    from matplotlib.transforms import blended_transform_factory

    right = blended_transform_factory(ax.transAxes, ax.transData)
    for level in (0.5, 1.0):
        for sign in (1, -1):
            y = sign * np.sqrt(level) * ymult
            if ax.get_ylim()[0] < y < ax.get_ylim()[1]:
                ax.text(1.01, y, f"{level:g}", color="red", fontsize=8, va="center",
                        ha="left", transform=right, gid="cook")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    ax.set(title=TITLES[3], xlabel="Leverage", ylabel=YLAB)
    return xx


def diagnostic_plot(result: GLMResult, id_n: int = 3, figsize: tuple[float, float] = (10, 8),
                    ) -> Any:
    """The four panels of R's ``plot.lm`` for a GLM as a matplotlib Figure.

    See :meth:`glmformula.GLMResult.plot`.
    """
    plt = pyplot()
    infl = influence_measures(result)  # the rows used with a weight (unpadded)
    rows = result.response.weights != 0
    labels = row_labels(infl.index)
    eta = result.rows.unpad(result.linear_predictor).to_numpy()[rows]
    res = result.rows.unpad(result.residuals("pearson")).to_numpy()[rows]
    hat = infl["hat"].to_numpy()
    rs = np.where(hat >= 1, np.nan, infl["rstandard_pearson"].to_numpy())
    cooks = infl["cooks_d"].to_numpy()
    n = eta.size
    id_n = max(0, min(int(id_n), n))
    show_r = _largest(np.abs(res), id_n)
    show_rs = _largest(np.abs(rs), id_n)

    fig, axes = plt.subplots(2, 2, figsize=figsize)
    ax1, ax2, ax3, ax4 = axes.ravel()

    # (1) Pearson residuals vs the linear predictor
    ax1.scatter(eta, res, **POINT)
    _smooth(ax1, eta, res)
    ax1.axhline(0, color="grey", linestyle=":", linewidth=1)
    _set_ylim(ax1, *extend_range(float(np.nanmin(res)), float(np.nanmax(res)),
                                 0.08 if id_n else 0.0))
    ax1.set(title=TITLES[0], xlabel="Predicted values", ylabel="Residuals")
    _label(ax1, eta, res, show_r, labels)

    # (2) normal Q-Q of the standardized Pearson residuals, with R's qqline
    finite = np.isfinite(rs)
    m = int(finite.sum())
    theo = np.full(n, np.nan)
    a = 3 / 8 if m <= 10 else 0.5
    ranks = np.empty(m)
    # R's order(order(y)): ties by position; equal residuals differ in their last bits
    scale = float(np.max(np.abs(rs[finite]))) if m else 1.0
    key = np.round(rs[finite] / (scale or 1.0), 10)
    ranks[np.argsort(key, kind="stable")] = np.arange(1, m + 1)
    theo[finite] = normal_quantile((ranks - a) / (m + 1 - 2 * a))
    ax2.scatter(theo, rs, **POINT)
    if m >= 2:
        yq = np.quantile(rs[finite], [0.25, 0.75])
        xq = normal_quantile(np.array([0.25, 0.75]))
        slope = (yq[1] - yq[0]) / (xq[1] - xq[0])
        ax2.axline((xq[0], yq[0]), slope=slope, color="grey", linestyle=":", linewidth=1)
    lo, hi = float(np.nanmin(rs)), float(np.nanmax(rs))
    _set_ylim(ax2, lo, hi + (hi - lo) * 0.075)
    ax2.set(title=TITLES[1], xlabel="Theoretical Quantiles", ylabel=YLAB)
    _label(ax2, theo, rs, show_rs, labels)

    # (3) scale-location
    root = np.sqrt(np.abs(rs))
    ax3.scatter(eta, root, **POINT)
    _smooth(ax3, eta, root)
    _set_ylim(ax3, 0.0, float(np.nanmax(root)))
    ax3.set(title=TITLES[2], xlabel="Predicted values",
            ylabel=r"$\sqrt{|\mathrm{Std.\ Pearson\ resid.}|}$")
    _label(ax3, eta, root, show_rs, labels)

    # (5) standardized Pearson residuals vs leverage, Cook's distance contours
    xx = _leverage_panel(ax4, result, hat, rs, infl.index)
    if xx is not None:
        _label(ax4, xx, rs, _largest(cooks, id_n), labels)

    fig.tight_layout()
    if xx is not None:
        clear_legend(ax4, xx, rs)
    return fig
