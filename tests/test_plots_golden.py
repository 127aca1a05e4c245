"""m.plot() against R's plot.lm (tests/golden/make_golden_plots.R): every panel's points
and labelled points, for nine models."""

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, load_golden

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402

import glmformula as gf  # noqa: E402

GOLDEN = load_golden("plots")
CASES = {case["id"]: case for case in GOLDEN["cases"]}


def _fit(case_id: str):
    if case_id.startswith("mtcars"):
        data = gf.datasets.load("mtcars")
        data.index = CASES[case_id]["row_names"]  # R's row names, the car names
        formula, family = (("am ~ wt + hp", "binomial") if case_id == "mtcars_binomial"
                           else ("mpg ~ wt + hp", "gaussian"))
        return gf.glm(formula, data=data, family=family)
    if case_id == "warpbreaks_poisson":
        return gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
                      family="poisson")
    if case_id == "warpbreaks_subset":  # labels: the original row names 1..54
        wb = gf.datasets.load("warpbreaks")
        return gf.glm("breaks ~ wool + tension", data=wb, family="poisson",
                      subset=wb["tension"] != "M")
    if case_id == "warpbreaks_zero_weight":  # a zero weight drops the row, as R
        weights = np.ones(54)
        weights[4] = 0
        return gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
                      family="poisson", weights=weights)
    if case_id == "warpbreaks_two_factors":  # constant leverage, wool x tension cells
        return gf.glm("breaks ~ wool * tension", data=gf.datasets.load("warpbreaks"),
                      family="poisson")
    if case_id == "warpbreaks_one_factor":
        return gf.glm("breaks ~ tension", data=gf.datasets.load("warpbreaks"),
                      family="poisson")
    if case_id == "budworm_binomial":
        return gf.glm("cbind(numdead, numalive) ~ sex * ldose",
                      data=gf.datasets.load("budworm"), family="binomial")
    return gf.glm_nb("Days ~ Eth + Sex + Age + Lrn", data=gf.datasets.load("quine"))


@pytest.fixture(scope="module", params=sorted(CASES))
def drawn(request):
    fig = _fit(request.param).plot()
    yield CASES[request.param], fig
    plt.close(fig)


def _points(ax):
    sets = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(sets) == 1
    return np.ma.filled(np.ma.asarray(sets[0].get_offsets(), dtype=float), np.nan)


def _labels(ax):
    return [t.get_text() for t in ax.texts if t.get_gid() == "id"]


def _close(actual, expected):
    expected = np.array([np.nan if v is None else v for v in expected], dtype=float)
    np.testing.assert_allclose(actual, expected, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("panel", [0, 1, 2, 3])
def test_points_as_r(drawn, panel):
    case, fig = drawn
    want = case[("panel1", "panel2", "panel3", "panel5")[panel]]
    xy = _points(fig.axes[panel])
    _close(xy[:, 1], want["y"])
    if panel == 1:
        # Q-Q: residuals equal to 1e-10 take their quantiles in either order (R's order
        # of such residuals depends on their last bits): compare the quantiles of each tie
        y = np.round(xy[:, 1], 9)
        expected_x = np.array(want["x"], dtype=float)
        mine = np.lexsort((xy[:, 0], y))
        theirs = np.lexsort((expected_x, y))
        np.testing.assert_allclose(xy[mine, 0], expected_x[theirs], rtol=1e-8, atol=1e-10)
    else:
        _close(xy[:, 0], want["x"])


@pytest.mark.parametrize("panel", [0, 1, 2, 3])
def test_labelled_points_as_r(drawn, panel):
    case, fig = drawn
    want = case[("panel1", "panel2", "panel3", "panel5")[panel]]
    assert _labels(fig.axes[panel]) == want["labels"]


def test_label_sits_at_its_point(drawn):
    case, fig = drawn
    ax = fig.axes[0]
    xy = _points(ax)
    names = [str(v) for v in case["row_names"]]
    for text in (t for t in ax.texts if t.get_gid() == "id"):
        i = names.index(text.get_text())
        assert_close(text.xy, xy[i], rtol=1e-12)


def test_leverage_panel_ranges_and_constant_panel(drawn):
    case, fig = drawn
    ax = fig.axes[3]
    lo, hi = case["panel5"]["ylim"]
    y0, y1 = ax.get_ylim()
    assert y0 < lo and y1 > hi  # R's extendrange(f = 0.08), then the axis margin
    ys = _points(ax)[:, 1]
    assert np.nanmin(ys) > y0 and np.nanmax(ys) < y1
    if case["constant_leverage"]:
        assert ax.get_title() == "Constant Leverage:\n Residuals vs Factor Levels"
        first = ["A", "B"] if case["id"] == "warpbreaks_two_factors" else ["L", "M", "H"]
        assert [t.get_text() for t in ax.get_xticklabels()] == first
    else:
        assert ax.get_title() == "Residuals vs Leverage"
        cook = [t for t in ax.texts if t.get_gid() == "cook"]
        assert {t.get_text() for t in cook} <= {"0.5", "1"}
        assert all(y0 < t.get_position()[1] < y1 for t in cook)  # R's axis(4) in range
        xmax = min(0.99, ax.get_xlim()[1])
        ymult = np.sqrt(case["rank"] * (1 - xmax) / xmax)
        inside = {f"{level:g}" for level in (0.5, 1.0) for sign in (1, -1)
                  if y0 < sign * np.sqrt(level) * ymult < y1}
        assert {t.get_text() for t in cook} == inside
        if case["id"] == "warpbreaks_poisson":
            assert inside == {"0.5"}  # as R draws it


def test_panel1_ylim_is_r_extendrange(drawn):
    case, fig = drawn
    lo, hi = case["panel1"]["ylim"]
    d = (hi - lo) * 0.04
    assert_close(fig.axes[0].get_ylim(), (lo - d, hi + d), rtol=1e-10)


def test_default_index_labels_are_one_based():
    wb = gf.datasets.load("warpbreaks")
    assert isinstance(wb.index, pd.RangeIndex)
    fig = gf.glm("breaks ~ wool + tension", data=wb, family="poisson").plot()
    assert _labels(fig.axes[0]) == ["5", "9", "24"]
    plt.close(fig)


def test_panel1_smoother_is_r_lowess(drawn):
    case, fig = drawn
    smooth = [ln for ln in fig.axes[0].lines if ln.get_color() == "red"]
    assert len(smooth) == 1  # panel.smooth(iter = 0): R's lowess
    _close(smooth[0].get_xdata(), case["panel1"]["smooth_x"])
    _close(smooth[0].get_ydata(), case["panel1"]["smooth_y"])


def test_no_point_under_the_cooks_legend():
    from glmformula.plots_diagnostic import clear_legend

    fig, ax = plt.subplots()
    x = np.array([0.0, 0.01, 0.5, 1.0])
    y = np.array([-1.0, -0.95, 0.0, 1.0])  # two points in the lower left corner
    ax.scatter(x, y)
    ax.plot([0, 1], [0, 0], label="Cook's distance")
    ax.legend(loc="lower left", frameon=False)
    ax.set_ylim(-1.05, 1.05)

    def under(ax):
        fig.canvas.draw()
        box = ax.get_legend().get_window_extent()
        pts = ax.transData.transform(np.column_stack([x, y]))
        return [box.contains(px, py) for px, py in pts]

    assert any(under(ax))
    clear_legend(ax, x, y)
    assert not any(under(ax))
    plt.close(fig)
