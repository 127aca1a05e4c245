"""Factor levels on chunked data are those of the rows the model uses, as in memory and in R.

R's glm() drops the levels no complete row uses (``drop.unused.levels`` after
``na.omit``); a Dask DataFrame or Parquet files must give the pandas fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf

dd = pytest.importorskip("dask.dataframe")


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 40
    return pd.DataFrame({
        "y": rng.poisson(3, n).astype(float),
        "x": rng.normal(size=n),
        "g": pd.Categorical(rng.choice(["a", "b", "c"], n), categories=["b", "a", "c", "d"]),
    })


def _same(chunked: gf.GLMResult, memory: gf.GLMResult) -> None:
    assert list(chunked.coef.index) == list(memory.coef.index)
    assert_close(chunked.coef.to_numpy(), memory.coef.to_numpy(), 1e-8)
    assert_close(chunked.std_errors.to_numpy(), memory.std_errors.to_numpy(), 1e-8)
    assert chunked.deviance == pytest.approx(memory.deviance, rel=1e-10)
    assert chunked.aic == pytest.approx(memory.aic, rel=1e-10)


def test_unused_category_is_dropped_on_dask_and_parquet(tmp_path) -> None:
    df = _frame()
    memory = gf.glm("y ~ x + g", df, family="poisson")
    assert list(memory.coef.index) == ["(Intercept)", "x", "ga", "gc"]
    _same(gf.glm("y ~ x + g", dd.from_pandas(df, npartitions=3), family="poisson"), memory)
    for i, part in enumerate(np.array_split(np.arange(len(df)), 2)):
        df.iloc[part].to_parquet(tmp_path / f"p{i}.parquet", index=False)
    _same(gf.glm("y ~ x + g", str(tmp_path / "*.parquet"), family="poisson"), memory)


@pytest.mark.parametrize("categorical", [False, True])
def test_level_only_in_incomplete_rows_is_dropped(categorical: bool) -> None:
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6, 7, 8], "x": [1.0, 2, np.nan, 4, 5, 6, 7, 9],
                       "g": ["a", "b", "c", "a", "b", "a", "b", "a"]})
    if categorical:
        df["g"] = pd.Categorical(df["g"])
    memory = gf.glm("y ~ x + g", df)
    assert list(memory.coef.index) == ["(Intercept)", "x", "gb"]  # as R: c only where x is NA
    _same(gf.glm("y ~ x + g", dd.from_pandas(df, npartitions=2)), memory)


def test_csv_logical_column_with_missing_values_is_logical(tmp_path) -> None:
    """R's read.csv reads True/False/empty as logical with NA: a factor with level TRUE."""
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6, 7, 8, 2, 3],
                       "b": [True, False, None, True, False, True, False, True, None, False],
                       "yl": [True, False, True, None, False, True, False, True, True, False]})
    df.to_csv(tmp_path / "d.csv", index=False)
    memory = gf.glm("y ~ b", df.assign(b=df["b"].astype("boolean")))
    files = gf.glm("y ~ b", str(tmp_path / "d.csv"))
    assert list(memory.coef.index) == ["(Intercept)", "bTRUE"]
    _same(files, memory)
    new = pd.DataFrame({"b": [True, False]})
    assert_close(files.predict(newdata=new).to_numpy(), memory.predict(newdata=new).to_numpy(),
                 1e-8)
    response = gf.glm("yl ~ y", str(tmp_path / "d.csv"), family="binomial")
    _same(response, gf.glm("yl ~ y", df.assign(yl=df["yl"].astype("boolean")),
                           family="binomial"))


def test_ordered_factor_keeps_polynomial_contrasts_on_dask_and_parquet(tmp_path) -> None:
    """An ordered categorical is R's ordered(): contr.poly (g.L, g.Q), its unused level
    dropped, on every container."""
    df = _frame()
    df["g"] = df["g"].cat.as_ordered()
    memory = gf.glm("y ~ x + g", df, family="poisson")
    assert list(memory.coef.index) == ["(Intercept)", "x", "g.L", "g.Q"]
    _same(gf.glm("y ~ x + g", dd.from_pandas(df, npartitions=3), family="poisson"), memory)
    df.to_parquet(tmp_path / "d.parquet", index=False)
    _same(gf.glm("y ~ x + g", str(tmp_path / "d.parquet"), family="poisson"), memory)
