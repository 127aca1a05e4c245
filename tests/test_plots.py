"""m.plot() (R's plot.lm panels for a glm) and gf.plot_predictions: figure content."""

import dataclasses
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402

import glmformula as gf  # noqa: E402
from glmformula.plots import lowess  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def warp():
    wb = gf.datasets.load("warpbreaks")
    return wb, gf.glm("breaks ~ wool + tension", data=wb, family="poisson")


def _scatter_points(ax):
    sets = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(sets) == 1
    return np.asarray(sets[0].get_offsets())


def test_diagnostic_panels_titles_labels_and_points(warp):
    _, m = warp
    fig = m.plot()
    assert len(fig.axes) == 4
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Residuals vs Fitted", "Q-Q Residuals", "Scale-Location",
                      "Residuals vs Leverage"]
    xlabels = [ax.get_xlabel() for ax in fig.axes]
    assert xlabels == ["Predicted values", "Theoretical Quantiles", "Predicted values",
                       "Leverage"]
    assert fig.axes[0].get_ylabel() == "Residuals"
    # R 4.x's plot.lm on a glm: standardized Pearson residuals in panels 2, 3 and 5
    assert fig.axes[1].get_ylabel() == "Std. Pearson resid."
    assert "Std. Pearson resid." in fig.axes[2].get_ylabel().replace(r"\ ", " ")
    assert fig.axes[3].get_ylabel() == "Std. Pearson resid."
    for ax in fig.axes:
        assert len(_scatter_points(ax)) == m.nobs == 54


def test_panel_coordinates_are_the_diagnostics(warp):
    _, m = warp
    fig = m.plot()
    infl = m.influence()
    p1, p2, p3, p4 = (_scatter_points(ax) for ax in fig.axes)
    np.testing.assert_allclose(p1[:, 0], m.linear_predictor)
    np.testing.assert_allclose(p1[:, 1], m.residuals("pearson"))
    np.testing.assert_allclose(p2[:, 1], infl["rstandard_pearson"])
    # Q-Q: theoretical quantiles are monotone in the sample values
    order = np.argsort(p2[:, 1], kind="stable")
    distinct = np.diff(p2[order, 1]) > 1e-9  # equal residuals are ranked by position, as R
    assert np.all(np.diff(p2[order, 0])[distinct] > 0)
    np.testing.assert_allclose(p3[:, 1], np.sqrt(np.abs(infl["rstandard_pearson"])))
    np.testing.assert_allclose(p4[:, 0], infl["hat"])
    np.testing.assert_allclose(p4[:, 1], infl["rstandard_pearson"])


def test_three_most_extreme_points_are_labelled(warp):
    _, m = warp
    fig = m.plot()
    ax1, ax2, ax3, ax4 = fig.axes
    infl = m.influence()
    res = m.residuals("pearson").abs()

    def labels(ax):
        return sorted(t.get_text() for t in ax.texts if t.get_gid() == "id")

    def r_names(index):  # R's row names: 1-based positions
        return sorted(str(i + 1) for i in index)

    assert labels(ax1) == r_names(res.nlargest(3).index)
    std = infl["rstandard_pearson"].abs()
    assert labels(ax2) == labels(ax3) == r_names(std.nlargest(3).index)
    assert labels(ax4) == r_names(infl["cooks_d"].nlargest(3).index)
    assert len(m.plot(id_n=5).axes[0].texts) == 5


def test_row_labels_come_from_the_data_index():
    mt = gf.datasets.load("mtcars")
    mt.index = [f"car{i}" for i in range(len(mt))]
    m = gf.glm("am ~ wt", data=mt, family="binomial")
    texts = [t.get_text() for t in m.plot().axes[3].texts if t.get_gid() == "id"]
    assert set(texts) <= set(mt.index)
    assert len(texts) == 3


def test_qq_reference_line_and_cooks_contours(warp):
    _, m = warp
    fig = m.plot()
    ax2, ax4 = fig.axes[1], fig.axes[3]
    assert len(ax2.lines) == 1  # qqline
    cook = [ln for ln in ax4.lines if ln.get_linestyle() == "--"]
    assert len(cook) == 4  # +/- at 0.5 and 1
    legend = ax4.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Cook's distance"]
    # the smooths (red solid lines) in panels 1, 3, 4
    for ax in (fig.axes[0], fig.axes[2], ax4):
        assert any(ln.get_linestyle() == "-" for ln in ax.lines)


def test_gaussian_with_estimated_dispersion():
    cars = gf.datasets.load("cars")
    m = gf.glm("dist ~ speed", data=cars)
    fig = m.plot()
    for ax in fig.axes:
        assert len(_scatter_points(ax)) == 50


def test_lowess_recovers_a_line_and_resists_an_outlier():
    x = np.linspace(0, 10, 60)
    y = 3 - 0.5 * x
    xs, ys = lowess(x, y)
    np.testing.assert_allclose(ys, 3 - 0.5 * xs, atol=1e-8)
    y2 = y.copy()
    y2[30] += 50
    xs, ys = lowess(x, y2)
    assert np.max(np.abs(ys - (3 - 0.5 * xs))) < 0.5


def test_plot_predictions_numeric_x_by_factor():
    mt = gf.datasets.load("mtcars")
    m = gf.glm("am ~ wt + hp + factor(cyl)", data=mt, family="binomial")
    fig = gf.plot_predictions(m, "wt", by="cyl", data=mt, points=40)
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    assert len(ax.lines) == 3
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "cyl = 4", "cyl = 6", "cyl = 8"]
    assert ax.get_xlabel() == "wt" and ax.get_ylabel() == "am"
    # the line is predict(type="response") with hp at its mean and the by level
    line = ax.lines[1]
    x, y = line.get_data()
    assert len(x) == 40
    new = pd.DataFrame({"wt": x, "hp": mt["hp"].mean(), "cyl": 6})
    np.testing.assert_allclose(y, m.predict(new, type="response"))
    pred = m.predict(new, type="response", interval="confidence")
    assert np.all((pred["lwr"] <= pred["fit"]) & (pred["fit"] <= pred["upr"]))


def test_plot_predictions_factor_reference_level_and_categorical_x(warp):
    wb, m = warp
    fig = gf.plot_predictions(m, "wool", data=wb)
    ax = fig.axes[0]
    assert len(ax.lines) == 1
    _, y = ax.lines[0].get_data()
    # tension held at its reference level L
    np.testing.assert_allclose(y, np.exp(m.coef["(Intercept)"] + np.array([0,
                                                                             m.coef["woolB"]])))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B"]
    fig = gf.plot_predictions(m, "tension", by="wool", data=wb)
    assert len(fig.axes[0].lines) == 2


def test_plot_predictions_single_line_and_errors():
    mt = gf.datasets.load("mtcars")
    m = gf.glm("mpg ~ wt", data=mt)
    fig = gf.plot_predictions(m, "wt", data=mt)
    ax = fig.axes[0]
    assert len(ax.lines) == 1 and ax.get_legend() is None
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 1
    own = gf.plot_predictions(m, "wt").axes[0]  # the fit's own data unless given
    np.testing.assert_array_equal(own.lines[0].get_ydata(), ax.lines[0].get_ydata())
    with pytest.raises(gf.ArgumentTypeError, match="data"):
        gf.plot_predictions(dataclasses.replace(m, data=None), "wt")
    with pytest.raises(gf.DataError, match="not used"):
        gf.plot_predictions(m, "hp", data=mt)


def test_import_does_not_load_matplotlib():
    code = "import sys, glmformula; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_missing_matplotlib_names_the_extra(warp, monkeypatch):
    _, m = warp
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "glmformula\[plot\]"'):
        m.plot()


@pytest.mark.parametrize("formula", ["Ozone ~ Solar.R + Wind + Temp",
                                     "Ozone ~ log(Solar.R) + Wind + I(Temp^2)"])
@pytest.mark.parametrize("x", ["Wind", "Solar.R"])
def test_plot_predictions_with_dotted_column_names(formula, x):
    """Columns with dots (R's airquality) inside calls are columns the model uses."""
    aq = gf.datasets.load("airquality").dropna()
    m = gf.glm(formula, data=aq)
    assert set(m.design.data_columns) == {"Solar.R", "Wind", "Temp"}
    fig = gf.plot_predictions(m, x, data=aq, points=7)
    line = fig.axes[0].lines[0]
    grid = np.linspace(aq[x].min(), aq[x].max(), 7)
    row = {c: aq[c].mean() for c in ("Solar.R", "Wind", "Temp")}
    new = pd.DataFrame({**{c: [v] * 7 for c, v in row.items()}, x: grid})
    np.testing.assert_allclose(line.get_ydata(), m.predict(new, type="response").to_numpy())
    assert fig.axes[0].get_ylabel() == "Ozone"


def _observed_points(ax):
    sets = [c for c in ax.collections if c.get_gid() == "observed"]
    return sets


def test_plot_predictions_shows_binomial_proportions_sized_by_trials():
    bw = gf.datasets.load("budworm")
    bw.loc[0, "numalive"] = 39  # 40 trials in the first row
    m = gf.glm("cbind(numdead, numalive) ~ sex * ldose", data=bw, family="binomial")
    fig = gf.plot_predictions(m, "ldose", by="sex")  # no data=: the model's data
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Proportion numdead"
    assert ax.get_title() == "cbind(numdead, numalive) ~ sex * ldose\nbinomial, logit link"
    sets = _observed_points(ax)
    assert len(sets) == 2  # one per level of sex, in the level order F, M
    trials = bw["numdead"] + bw["numalive"]
    for level, points in zip(["F", "M"], sets, strict=True):
        rows = bw["sex"] == level
        xy = np.asarray(points.get_offsets())
        np.testing.assert_allclose(xy[:, 0], bw.loc[rows, "ldose"])
        np.testing.assert_allclose(xy[:, 1], bw.loc[rows, "numdead"] / trials[rows])
        np.testing.assert_allclose(points.get_sizes(), 20 * trials[rows] / trials.mean())


def test_plot_predictions_observed_counts_and_title_on_glm_nb():
    q = gf.datasets.load("quine")
    nb = gf.glm_nb("Days ~ Eth + Sex + Age + Lrn", data=q)
    fig = gf.plot_predictions(nb, "Age", by="Eth")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Days"
    assert ax.get_title().startswith("Days ~ Eth + Sex + Age + Lrn\nNegative Binomial(1.2749)")
    sets = _observed_points(ax)
    assert sum(len(s.get_offsets()) for s in sets) == len(q)
    assert sorted(np.concatenate([np.asarray(s.get_offsets())[:, 1] for s in sets])) == sorted(
        q["Days"].astype(float))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Eth = A", "Eth = N"]


def test_plot_predictions_by_with_four_levels_and_no_observed():
    q = gf.datasets.load("quine")
    m = gf.glm("Days ~ Age + Lrn", data=q, family="poisson")
    ax = gf.plot_predictions(m, "Lrn", by="Age").axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        f"Age = {a}" for a in ("F0", "F1", "F2", "F3")]
    assert len(_observed_points(ax)) == 4
    ax = gf.plot_predictions(m, "Lrn", by="Age", observed=False).axes[0]
    assert _observed_points(ax) == []
