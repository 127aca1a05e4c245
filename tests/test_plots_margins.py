"""plot_predictions and plot_slopes draw the tables of gf.predictions and gf.slopes: the drawn
coordinates are the table's numbers, draw=False returns that table, labels and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402

import glmformula as gf  # noqa: E402
from glmformula.errors import ArgumentTypeError, DataError  # noqa: E402
from glmformula.margins import predictions, slopes  # noqa: E402
from glmformula.plots import plot_predictions  # noqa: E402
from glmformula.plots_margins import plot_slopes  # noqa: E402

TOL = 1e-12


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def mtcars() -> pd.DataFrame:
    return gf.datasets.load("mtcars")


@pytest.fixture(scope="module")
def logit(mtcars: pd.DataFrame) -> gf.GLMResult:
    return gf.glm("am ~ wt + hp + factor(vs)", data=mtcars, family="binomial")


def _band(ax, k: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, lower and upper edge of the k-th band (fill_between's polygon)."""
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    v = bands[k].get_paths()[0].vertices
    return v[1:n + 1, 0], v[1:n + 1, 1], v[n + 2:2 * n + 2, 1][::-1]


def _bars(ax, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, lower and upper end of the k-th set of error bars."""
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = np.asarray(bars[k].get_segments())
    return segments[:, 0, 0], segments[:, 0, 1], segments[:, 1, 1]


def test_plot_predictions_draws_its_table(logit: gf.GLMResult, mtcars: pd.DataFrame) -> None:
    table = plot_predictions(logit, "wt", by="vs", points=25, draw=False)
    assert isinstance(table, pd.DataFrame) and len(table) == 50
    assert {"estimate", "conf_low", "conf_high", "wt", "hp", "vs"} <= set(table.columns)
    ax = plot_predictions(logit, "wt", by="vs", points=25, observed=False).axes[0]
    for k, level in enumerate([0, 1]):
        rows = table[table["vs"] == level]
        x, y = ax.lines[k].get_data()
        assert_close(x, rows["wt"], TOL)
        assert_close(y, rows["estimate"], TOL)
        bx, lo, hi = _band(ax, k, 25)
        assert_close(bx, rows["wt"], TOL)
        assert_close(lo, rows["conf_low"], TOL)
        assert_close(hi, rows["conf_high"], TOL)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["vs = 0", "vs = 1"]
    assert ax.get_xlabel() == "wt" and ax.get_ylabel() == "am"
    assert ax.get_title() == "am ~ wt + hp + factor(vs)\nbinomial, logit link"


def test_prediction_table_is_the_link_interval_back_transformed(logit: gf.GLMResult,
                                                                mtcars: pd.DataFrame) -> None:
    """R marginaleffects' type="invlink(link)": gf.predictions on the link scale through the
    inverse link, which is predict(interval="confidence") and stays inside (0, 1)."""
    table = plot_predictions(logit, "hp", points=7, draw=False)
    grid = pd.DataFrame({"wt": mtcars["wt"].mean(), "vs": 0,
                         "hp": np.linspace(mtcars["hp"].min(), mtcars["hp"].max(), 7)})
    link = predictions(logit, newdata=grid, type="link")
    inverse = logit.family.linkinv
    assert_close(table["estimate"], inverse(link["estimate"].to_numpy()), TOL)
    assert_close(table["conf_low"], inverse(link["conf_low"].to_numpy()), TOL)
    assert_close(table["conf_high"], inverse(link["conf_high"].to_numpy()), TOL)
    pred = logit.predict(grid, type="response", interval="confidence")
    assert_close(table["conf_low"], pred["lwr"], TOL)
    assert_close(table["conf_high"], pred["upr"], TOL)
    assert "std_error" not in table.columns  # a link-scale SE beside response-scale numbers
    assert ((table["conf_low"] > 0) & (table["conf_high"] < 1)).all()
    on_link = plot_predictions(logit, "hp", points=7, type="link", draw=False)
    assert_close(on_link["std_error"], link["std_error"], TOL)
    ax = plot_predictions(logit, "hp", points=7, type="link").axes[0]
    assert_close(ax.lines[0].get_ydata(), link["estimate"], TOL)
    assert ax.get_ylabel() == "am (link scale)"


def test_identity_link_table_is_predictions(mtcars: pd.DataFrame) -> None:
    m = gf.glm("mpg ~ wt + hp", data=mtcars)
    table = plot_predictions(m, "wt", points=5, draw=False)
    grid = pd.DataFrame({"hp": mtcars["hp"].mean(),
                         "wt": np.linspace(mtcars["wt"].min(), mtcars["wt"].max(), 5)})
    expected = predictions(m, newdata=grid)
    for column in ("estimate", "std_error", "conf_low", "conf_high"):
        assert_close(table[column], expected[column], TOL)


def test_decreasing_inverse_link_keeps_bounds_ordered(mtcars: pd.DataFrame) -> None:
    m = gf.glm("mpg ~ wt", data=mtcars, family="Gamma")  # inverse link
    table = plot_predictions(m, "wt", points=9, draw=False)
    assert (table["conf_low"] < table["estimate"]).all()
    assert (table["estimate"] < table["conf_high"]).all()


def test_plot_predictions_factor_x_error_bars_are_the_table() -> None:
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool * tension", data=wb, family="poisson")
    table = plot_predictions(m, "tension", by="wool", draw=False)
    ax = plot_predictions(m, "tension", by="wool").axes[0]
    for k, level in enumerate(["A", "B"]):
        rows = table[table["wool"] == level]
        x, y = ax.lines[k].get_data()
        assert_close(y, rows["estimate"], TOL)
        bx, lo, hi = _bars(ax, k)
        assert_close(bx, x, TOL)
        assert_close(lo, rows["conf_low"], TOL)
        assert_close(hi, rows["conf_high"], TOL)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["L", "M", "H"]


def test_a_numeric_column_used_as_a_factor_is_held_at_a_level(mtcars: pd.DataFrame) -> None:
    """factor(cyl): cyl is held at its first level (not its mean, an unseen level) and as a
    condition it is a factor (its levels), not a numeric range."""
    m = gf.glm("mpg ~ wt * factor(cyl)", data=mtcars)
    table = plot_predictions(m, "wt", points=3, draw=False)
    assert (table["cyl"] == 4).all()
    by_cyl = plot_predictions(m, "cyl", draw=False)
    assert by_cyl["cyl"].tolist() == [4, 6, 8]
    s = plot_slopes(m, variables="wt", condition="cyl", draw=False)
    b = m.coef
    assert_close(s["estimate"], [b["wt"], b["wt"] + b["wt:factor(cyl)6"],
                                 b["wt"] + b["wt:factor(cyl)8"]], 1e-9)


def test_plot_slopes_draws_the_slopes_table(logit: gf.GLMResult, mtcars: pd.DataFrame) -> None:
    table = plot_slopes(logit, variables="wt", condition="hp", points=30, draw=False)
    grid = pd.DataFrame({"wt": mtcars["wt"].mean(), "vs": 0,
                         "hp": np.linspace(mtcars["hp"].min(), mtcars["hp"].max(), 30)})
    expected = slopes(logit, variables="wt", newdata=grid)
    for column in ("estimate", "std_error", "conf_low", "conf_high"):
        assert_close(table[column], expected[column], TOL)
    assert set(table["term"]) == {"wt"} and set(table["contrast"]) == {"dY/dX"}
    fig = plot_slopes(logit, variables="wt", condition="hp", points=30)
    ax = fig.axes[0]
    x, y = ax.lines[0].get_data()
    assert_close(x, grid["hp"], TOL)
    assert_close(y, table["estimate"], TOL)
    _, lo, hi = _band(ax, 0, 30)
    assert_close(lo, table["conf_low"], TOL)
    assert_close(hi, table["conf_high"], TOL)
    assert ax.get_xlabel() == "hp"
    assert ax.get_ylabel() == "Slope of am on wt (dY/dX)"
    assert ax.get_title() == "am ~ wt + hp + factor(vs)\nbinomial, logit link"
    assert ax.get_legend() is None


def test_plot_slopes_by_and_factor_condition(logit: gf.GLMResult) -> None:
    table = plot_slopes(logit, variables="hp", condition="wt", by="vs", points=10, draw=False)
    ax = plot_slopes(logit, variables="hp", condition="wt", by="vs", points=10).axes[0]
    for k, level in enumerate([0, 1]):
        rows = table[table["vs"] == level]
        assert_close(ax.lines[k].get_ydata(), rows["estimate"], TOL)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["vs = 0", "vs = 1"]
    table = plot_slopes(logit, variables="wt", condition="vs", draw=False)
    ax = plot_slopes(logit, variables="wt", condition="vs").axes[0]
    _, lo, hi = _bars(ax, 0)
    assert_close(ax.lines[0].get_ydata(), table["estimate"], TOL)
    assert_close(lo, table["conf_low"], TOL)
    assert_close(hi, table["conf_high"], TOL)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1"]
    link = plot_slopes(logit, variables="wt", condition="vs", type="link", draw=False)
    assert_close(link["estimate"], [logit.coef["wt"]] * 2, 1e-9)  # the coefficient


def test_plot_slopes_on_an_offset_model_holds_the_offset() -> None:
    wb = gf.datasets.load("warpbreaks").assign(x=np.linspace(1, 3, 54), t=np.linspace(2, 5, 54))
    m = gf.glm("breaks ~ x + wool + offset(log(t))", data=wb, family="poisson")
    table = plot_slopes(m, variables="x", condition="x", points=4, draw=False)
    mu = np.exp(m.coef["(Intercept)"] + m.coef["x"] * table["x"] + np.log(wb["t"].mean()))
    assert_close(table["estimate"], m.coef["x"] * mu, 1e-9)


def test_plot_errors(logit: gf.GLMResult) -> None:
    with pytest.raises(DataError, match="'cyl', not a column of the data"):
        plot_slopes(logit, variables="cyl", condition="hp")
    with pytest.raises(DataError, match="'nope', not a column of the data"):
        plot_slopes(logit, variables="nope", condition="hp")
    with pytest.raises(DataError, match="column 'gear' is not used by the model"):
        plot_slopes(logit, variables="wt", condition="gear")
    with pytest.raises(DataError, match="column 'nope' is not used by the model"):
        plot_slopes(logit, variables="wt", condition="hp", by="nope")
    with pytest.raises(ArgumentTypeError, match="is a factor, which has no slope"):
        plot_slopes(logit, variables="vs", condition="hp")
    with pytest.raises(ArgumentTypeError, match="one variable"):
        plot_slopes(logit, variables=["wt", "hp"], condition="hp")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="type must be"):
        plot_predictions(logit, "wt", type="probability")
    with pytest.raises(ArgumentTypeError, match=r"plot_slopes\(\) takes fitted models"):
        plot_slopes("m", variables="wt", condition="hp")  # type: ignore[arg-type]


def test_plot_slopes_on_given_axes_and_warning_free(logit: gf.GLMResult) -> None:
    fig, ax = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = plot_slopes(logit, variables="wt", condition="hp", ax=ax, points=5)
    assert out is fig and len(ax.lines) == 1


def test_plot_slopes_of_a_dask_fit_reads_a_pandas_sample() -> None:
    dd = pytest.importorskip("dask.dataframe")
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.normal(size=300), "g": rng.choice(["a", "b"], 300)})
    df["y"] = rng.poisson(np.exp(0.3 + 0.5 * df["x"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chunked = gf.glm("y ~ x + g", data=dd.from_pandas(df, npartitions=3),
                         family="poisson")
    with pytest.raises(ArgumentTypeError, match=r"Dask one; pass data= a sample"):
        plot_slopes(chunked, variables="x", condition="x")
    in_memory = gf.glm("y ~ x + g", data=df, family="poisson")
    ours = plot_slopes(chunked, variables="x", condition="x", data=df, points=4, draw=False)
    theirs = plot_slopes(in_memory, variables="x", condition="x", points=4, draw=False)
    assert_close(ours["estimate"], theirs["estimate"], 1e-8)
    assert_close(ours["std_error"], theirs["std_error"], 1e-8)
