"""marginaleffects-style functions: their agreement with predict(), datagrid, labels,
offsets, Dask fits and the errors for bad input (R's numbers: test_margins_golden.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.errors import ArgumentTypeError, DataError
from glmformula.margins import (
    avg_comparisons,
    avg_predictions,
    avg_slopes,
    comparisons,
    datagrid,
    predictions,
    slopes,
)

COLUMNS = ["estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    wb = gf.datasets.load("warpbreaks")
    rng = np.random.default_rng(5)
    return wb.assign(x=rng.uniform(1, 5, len(wb)).round(3),
                     big=rng.uniform(0, 1, len(wb)) > 0.5,
                     exposure=rng.uniform(0.5, 2, len(wb)).round(2))


@pytest.fixture(scope="module")
def model(data: pd.DataFrame) -> gf.GLMResult:
    return gf.glm("breaks ~ wool * log(x) + tension + big + offset(log(exposure))",
                  data=data, family="poisson")


def test_predictions_equal_predict(model: gf.GLMResult, data: pd.DataFrame) -> None:
    new = data.iloc[[0, 10, 40]]
    for type in ("response", "link"):
        ours = predictions(model, newdata=new, type=type)
        theirs = model.predict(new, type=type, se_fit=True)
        assert_close(ours["estimate"], theirs["fit"], 1e-12)
        assert_close(ours["std_error"], theirs["se_fit"], 1e-12)
    ours = predictions(model)
    assert list(ours.columns[:7]) == ["rowid", *COLUMNS]
    assert_close(ours["estimate"], model.fitted, 1e-12)
    assert ours["rowid"].tolist() == list(range(len(data)))
    assert set(data.columns) <= set(ours.columns)  # the rows' columns come along


def test_statistics_and_conf_level(model: gf.GLMResult) -> None:
    out = avg_predictions(model, by="tension", conf_level=0.9)
    z = 1.6448536269514722
    assert_close(out["statistic"], out["estimate"] / out["std_error"], 1e-14)
    assert_close(out["conf_high"] - out["conf_low"], 2 * z * out["std_error"], 1e-12)
    from scipy.stats import norm
    assert_close(out["p_value"], 2 * norm.sf(np.abs(out["statistic"])), 1e-10)
    with pytest.raises(ArgumentTypeError, match="conf_level"):
        avg_predictions(model, conf_level=95)


def test_robust_covariance_by_default(model: gf.GLMResult, data: pd.DataFrame) -> None:
    robust = model.with_cov("HC3")
    new = data.head(3)
    assert_close(predictions(robust, newdata=new)["std_error"],
                 robust.predict(new, type="response", se_fit=True)["se_fit"], 1e-12)
    assert_close(avg_slopes(model, "x", vcov="HC3")["std_error"],
                 avg_slopes(robust, "x")["std_error"], 1e-14)
    with pytest.raises(ArgumentTypeError, match="vcov must be a 7 x 7"):
        avg_slopes(model, "x", vcov=np.eye(3))


def test_slopes_match_a_fine_difference(model: gf.GLMResult, data: pd.DataFrame) -> None:
    """Exact slopes against a symmetric difference of predict (which has error ~h^2)."""
    new = data.iloc[[3, 30]]
    h = 1e-5
    up = model.predict(new.assign(x=new["x"] + h), type="response")
    down = model.predict(new.assign(x=new["x"] - h), type="response")
    assert_close(slopes(model, "x", new)["estimate"], (up - down) / (2 * h), 1e-8)


def test_labels_and_variables(model: gf.GLMResult) -> None:
    cmp = avg_comparisons(model)
    assert cmp["term"].tolist() == ["wool", "tension", "tension", "x", "big"]  # data order
    assert cmp["contrast"].tolist() == ["B - A", "M - L", "H - L", "+1", "True - False"]
    assert avg_comparisons(model, "tension", "ratio")["contrast"].tolist() == ["M / L", "H / L"]
    assert avg_slopes(model)["term"].tolist() == ["x"]  # every numeric predictor
    step = avg_comparisons(model, {"x": 2})
    assert step["contrast"].tolist() == ["+2"]
    # +2 centred: mu(x + 1) - mu(x - 1), as +1 is mu(x + 0.5) - mu(x - 0.5)
    frame = model.data
    hi = model.predict(frame.assign(x=frame["x"] + 1), type="response")
    lo = model.predict(frame.assign(x=frame["x"] - 1), type="response")
    assert_close(step["estimate"], [np.mean(hi - lo)], 1e-12)


def test_boolean_variable_equals_its_factor(data: pd.DataFrame) -> None:
    as_factor = data.assign(big=pd.Categorical(data["big"].map({False: "no", True: "yes"}),
                                               categories=["no", "yes"]))
    f = "breaks ~ x + big"
    a = avg_comparisons(gf.glm(f, data=data, family="poisson"), "big")
    b = avg_comparisons(gf.glm(f, data=as_factor, family="poisson"), "big")
    assert a["contrast"].tolist() == ["True - False"] and b["contrast"].tolist() == ["yes - no"]
    assert_close(a["estimate"], b["estimate"], 1e-12)
    assert_close(a["std_error"], b["std_error"], 1e-12)


def test_ratio_is_the_ratio_of_average_predictions(model: gf.GLMResult) -> None:
    frame = model.data
    hi = model.predict(frame.assign(wool=pd.Categorical(["B"] * len(frame),
                                                        categories=["A", "B"])), type="response")
    lo = model.predict(frame.assign(wool=pd.Categorical(["A"] * len(frame),
                                                        categories=["A", "B"])), type="response")
    ratio = avg_comparisons(model, "wool", comparison="ratio")
    assert_close(ratio["estimate"], [hi.mean() / lo.mean()], 1e-12)
    unit = comparisons(model, "wool", comparison="ratio")
    assert_close(unit["estimate"], (hi / lo).to_numpy(), 1e-12)


def test_by_groups(model: gf.GLMResult, data: pd.DataFrame) -> None:
    by = avg_slopes(model, "x", by=["wool", "tension"])
    assert list(by.columns[:4]) == ["term", "contrast", "wool", "tension"]
    assert len(by) == 6 and isinstance(by["tension"].dtype, pd.CategoricalDtype)
    rows = (data["wool"] == "B") & (data["tension"] == "M")
    alone = avg_slopes(model, "x", newdata=data[rows])
    assert_close(by["estimate"].iloc[4], alone["estimate"].iloc[0], 1e-12)
    assert_close(by["std_error"].iloc[4], alone["std_error"].iloc[0], 1e-12)
    # a by column that is not in the model but in newdata
    grouped = avg_predictions(model, by="half", newdata=data.assign(half=np.arange(54) < 27))
    assert grouped["half"].tolist() == [False, True]


def test_datagrid(model: gf.GLMResult, data: pd.DataFrame) -> None:
    grid = datagrid(model, x=[1, 2], tension=["L", "H"])
    assert grid[["x", "tension"]].astype(str).values.tolist() == [
        ["1", "L"], ["1", "H"], ["2", "L"], ["2", "H"]]
    assert set(grid.columns) == {"x", "tension", "wool", "big", "exposure"}
    assert grid["exposure"].iloc[0] == pytest.approx(data["exposure"].mean())
    counts = data["wool"].value_counts()
    assert grid["wool"].iloc[0] == counts.idxmax() or counts.nunique() == 1
    assert grid["tension"].cat.categories.tolist() == ["L", "M", "H"]
    out = predictions(model, newdata=grid)
    assert_close(out["estimate"], model.predict(grid, type="response"), 1e-12)
    with pytest.raises(DataError, match="not a column of the model's data"):
        datagrid(model, nope=[1])
    with pytest.raises(DataError, match="'X' not a level of 'tension'"):
        datagrid(model, tension=["L", "X"])


def test_cbind_predictions_are_probabilities() -> None:
    bw = pd.DataFrame({"ldose": np.tile(np.arange(6.0), 2),
                       "dead": [1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16],
                       "sex": pd.Categorical(np.repeat(["M", "F"], 6), categories=["F", "M"])})
    bw["alive"] = 20 - bw["dead"]
    m = gf.glm("cbind(dead, alive) ~ sex * ldose", data=bw, family="binomial")
    p = predictions(m)
    assert ((p["estimate"] > 0) & (p["estimate"] < 1)).all()
    assert_close(p["estimate"], m.fitted, 1e-12)


def test_array_offset(data: pd.DataFrame) -> None:
    m = gf.glm("breaks ~ tension + x", data=data, family="poisson",
               offset=np.log(data["exposure"].to_numpy()))
    assert_close(predictions(m)["estimate"], m.fitted, 1e-12)
    assert np.isfinite(avg_slopes(m, "x")["std_error"]).all()
    new = data.head(4)
    with pytest.raises(ArgumentTypeError, match="offset="):
        predictions(m, newdata=new)
    given = predictions(m, newdata=new, offset=np.log(new["exposure"]))
    assert_close(given["estimate"], m.fitted.iloc[:4], 1e-12)


def test_missing_values_in_newdata(model: gf.GLMResult, data: pd.DataFrame) -> None:
    new = data.head(4).copy()
    new.loc[new.index[1], "x"] = np.nan
    out = predictions(model, newdata=new)
    assert np.isnan(out["estimate"].iloc[1]) and np.isfinite(out["estimate"].iloc[[0, 2, 3]]).all()
    avg = avg_predictions(model, newdata=new)  # rows with a missing value are left out
    assert_close(avg["estimate"], [out["estimate"].iloc[[0, 2, 3]].mean()], 1e-12)


def test_data_left_unchanged(model: gf.GLMResult, data: pd.DataFrame) -> None:
    before = data.copy()
    avg_slopes(model, "x")
    avg_comparisons(model)
    pd.testing.assert_frame_equal(data, before)


def test_rank_deficient_model(data: pd.DataFrame) -> None:
    frame = data.assign(x2=2 * data["x"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gf.glm("breaks ~ x + x2 + tension", data=frame, family="poisson")
        out = avg_slopes(m, "x")
    assert np.isfinite(out["std_error"]).all()


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda m, d: slopes(m, "tension"), ArgumentTypeError, "is a factor.*comparisons"),
    (lambda m, d: avg_slopes(m, "nope"), DataError, "not a column of the data"),
    (lambda m, d: avg_comparisons(m, "exposure"), DataError,
     "not a predictor of the model"),
    (lambda m, d: avg_comparisons(m, "replicate", newdata=d), DataError,
     "not a predictor of the model"),
    (lambda m, d: avg_predictions(m, by="nope"), DataError, "by names 'nope'"),
    (lambda m, d: predictions(m, newdata=d[["wool", "x"]]), DataError,
     "newdata lacks column.*gf.datagrid"),
    (lambda m, d: predictions(m, type="terms"), ArgumentTypeError, "type must be"),
    (lambda m, d: avg_comparisons(m, "wool", comparison="lift"), ArgumentTypeError,
     "comparison must be"),
    (lambda m, d: avg_comparisons(m, {"x": "sd"}), ArgumentTypeError, "must be a number"),
    (lambda m, d: avg_slopes(m, 3), ArgumentTypeError, "variables must be"),
    (lambda m, d: avg_slopes("model"), ArgumentTypeError, "takes fitted models"),
])
def test_bad_input(model: gf.GLMResult, data: pd.DataFrame, call, error, message) -> None:
    frame = data.assign(replicate=1)
    with pytest.raises(error, match=message):
        call(model, frame)


def test_dask_fit() -> None:
    dd = pytest.importorskip("dask.dataframe")
    wb = gf.datasets.load("warpbreaks").assign(x=np.linspace(1, 5, 54))
    formula = "breaks ~ wool + tension + log(x)"
    lazy = gf.glm(formula, data=dd.from_pandas(wb, npartitions=3), family="poisson")
    eager = gf.glm(formula, data=wb, family="poisson")
    new = wb.iloc[[0, 20, 50]]
    for function, args in ((predictions, {}), (slopes, {"variables": "x"}),
                           (comparisons, {"variables": "tension"})):
        a, b = function(lazy, newdata=new, **args), function(eager, newdata=new, **args)
        assert_close(a["estimate"], b["estimate"], 1e-9)
        assert_close(a["std_error"], b["std_error"], 1e-9)
    with pytest.raises(DataError, match="newdata is a Dask DataFrame"):
        predictions(lazy, newdata=dd.from_pandas(new, npartitions=1))
    sample = avg_slopes(lazy, "x", newdata=wb)
    assert_close(sample["estimate"], avg_slopes(eager, "x")["estimate"], 1e-9)


def test_dask_averages_in_one_pass() -> None:
    """avg_* on a Dask fit sum over its partitions: equal to the in-memory averages (rows
    with a missing value dropped, as the fit drops them)."""
    dd = pytest.importorskip("dask.dataframe")
    wb = gf.datasets.load("warpbreaks")
    rng = np.random.default_rng(2)
    wb = wb.assign(x=rng.uniform(1, 5, 54).round(3), exposure=rng.uniform(1, 3, 54).round(2),
                   half=np.arange(54) % 2 == 0)
    wb.loc[[3, 30], "x"] = np.nan
    wb.loc[7, "breaks"] = np.nan
    formula = "breaks ~ wool * log(x) + tension + offset(log(exposure))"
    lazy = gf.glm(formula, data=dd.from_pandas(wb, npartitions=4), family="poisson")
    eager = gf.glm(formula, data=wb, family="poisson")
    calls = [
        lambda m: avg_predictions(m, by="tension"),
        lambda m: predictions(m, by=["half", "wool"]),
        lambda m: avg_slopes(m, "x", by="wool"),
        lambda m: avg_comparisons(m, comparison="ratio"),
        lambda m: avg_comparisons(m, "tension", by="half"),
    ]
    for call in calls:
        a, b = call(lazy), call(eager)
        assert a.drop(columns=COLUMNS).astype(str).equals(b.drop(columns=COLUMNS).astype(str))
        for column in ("estimate", "std_error"):
            assert_close(a[column], b[column], 1e-9)
    grid_a, grid_b = datagrid(lazy, x=[2.0]), datagrid(eager, x=[2.0])
    assert grid_a.astype(str).equals(grid_b.astype(str))
    with pytest.raises(ArgumentTypeError, match="a factor"):
        avg_slopes(lazy, "wool")
    with pytest.raises(DataError, match="by names 'nope'"):
        avg_predictions(lazy, by="nope")
    with pytest.raises(DataError, match="chunked"):  # robust covariances need the rows
        avg_predictions(lazy, vcov="HC0")
    with pytest.raises(DataError, match="gives a row for every row.*pass newdata="):
        slopes(lazy, "x")


def test_number_made_a_factor_in_the_formula() -> None:
    """factor(cyl) of a numeric column: compared level by level, held at its mode in a
    datagrid, and refused by slopes (was shifted as a number: unseen levels)."""
    mt = gf.datasets.load("mtcars")
    m = gf.glm("mpg ~ wt + factor(cyl)", data=mt)
    as_factor = gf.glm("mpg ~ wt + cyl", data=mt.assign(cyl=mt["cyl"].astype("category")))
    a, b = avg_comparisons(m), avg_comparisons(as_factor)
    assert a["contrast"].tolist() == ["6 - 4", "8 - 4", "+1"] == b["contrast"].tolist()
    assert_close(a["estimate"], b["estimate"], 1e-12)
    assert_close(a["std_error"], b["std_error"], 1e-12)
    assert datagrid(m, wt=[3.0])["cyl"].tolist() == [8]
    with pytest.raises(ArgumentTypeError, match="'cyl' is a factor"):
        avg_slopes(m, "cyl")


def test_newdata_factor_with_fewer_categories(model: gf.GLMResult, data: pd.DataFrame) -> None:
    """A newdata factor whose categories lack a level still gets every contrast."""
    new = data.head(2).assign(tension=pd.Categorical(["L", "L"]))
    out = comparisons(model, "tension", newdata=new)
    assert out["contrast"].tolist() == ["M - L", "M - L", "H - L", "H - L"]
    assert np.isfinite(out["estimate"]).all()
    expected = comparisons(model, "tension", newdata=data.head(2).assign(
        tension=pd.Categorical(["L", "L"], categories=["L", "M", "H"])))
    assert_close(out["estimate"], expected["estimate"], 1e-12)


def test_slope_through_an_offset(data: pd.DataFrame) -> None:
    """x in the formula's offset too: its derivative is part of the slope."""
    m = gf.glm("breaks ~ tension + log(x) + offset(log(x))", data=data, family="poisson")
    new = data.iloc[[2, 9]]
    h = 1e-5
    up = m.predict(new.assign(x=new["x"] + h), type="response")
    down = m.predict(new.assign(x=new["x"] - h), type="response")
    assert_close(slopes(m, "x", new)["estimate"], (up - down) / (2 * h), 1e-8)


def test_invlink_predictions_stay_in_range_and_match_the_link_scale() -> None:
    """R marginaleffects' type="invlink(link)": the link-scale interval through the inverse
    link (inside (0, 1) where the delta-method interval of type="response" is not)."""
    bw = gf.datasets.load("birthwt")
    m = gf.glm("low ~ lwt", data=bw, family="binomial")
    grid = gf.datagrid(m, lwt=[80.0, 250.0])
    link = gf.predictions(m, newdata=grid, type="link")
    back = gf.predictions(m, newdata=grid, type="invlink(link)")
    delta = gf.predictions(m, newdata=grid, type="response")
    inv = m.family.linkinv
    for column in ("estimate", "conf_low", "conf_high"):
        assert_close(back[column], inv(link[column].to_numpy()), rtol=1e-14)
    assert_close(back["p_value"], link["p_value"], rtol=1e-14)
    assert "std_error" not in back.columns and "statistic" not in back.columns
    assert (back["conf_low"] > 0).all() and (back["conf_high"] < 1).all()
    assert delta["conf_low"].iloc[1] < 0   # the symmetric interval leaves (0, 1) here
    with pytest.raises(gf.ArgumentTypeError, match="unit-level"):
        gf.predictions(m, by="lwt", type="invlink(link)")
