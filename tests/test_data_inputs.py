"""data= and newdata= of every kind fit and predict exactly as the pandas frame.

One dataset (factors, missing values, an offset, weights) as pandas, a dict of
arrays, polars DataFrame and LazyFrame, pyarrow Table and RecordBatch, an Arrow
stream, and pandas with the pyarrow and numpy_nullable dtype backends: the
coefficients are equal to the bit, and so are predictions on newdata of the
same kind.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import glmformula as gf
from glmformula.data_input import to_polars
from glmformula.errors import ArgumentTypeError

pa = pytest.importorskip("pyarrow")

FORMULA = "y ~ x + k + g + f + offset(log(e))"
LEVELS = ["mid", "lo", "hi"]  # f's level order: not sorted
N = 80


def pandas_frame() -> pd.DataFrame:
    """The reference: numpy-backed columns, NaN/None for missing values."""
    rng = np.random.default_rng(19)
    frame = pd.DataFrame({
        "y": rng.poisson(4, N).astype(float),
        "x": rng.normal(size=N).round(4),
        "k": rng.integers(0, 6, N),
        "g": pd.Series(rng.choice(["b", "a", "c"], N), dtype=object),
        "f": pd.Categorical(rng.choice(LEVELS, N), categories=LEVELS),
        "e": rng.uniform(0.5, 3, N).round(3),
        "w": rng.integers(1, 4, N).astype(float),
    })
    frame.loc[2, "y"] = np.nan
    frame.loc[4, "x"] = np.nan
    frame.loc[6, "g"] = None
    frame.loc[8, "f"] = np.nan
    frame.loc[10, "w"] = np.nan
    return frame


def polars_frame(frame: pd.DataFrame) -> Any:
    pl = pytest.importorskip("polars")
    return pl.from_pandas(frame).with_columns(pl.col("f").cast(pl.String).cast(pl.Enum(LEVELS)))


class ArrowStream:
    """Any object exporting an Arrow stream (duckdb, narwhals...): the C interface only."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self.table.__arrow_c_stream__(requested_schema)


KINDS: dict[str, Callable[[pd.DataFrame], Any]] = {
    "pandas": lambda f: f,
    "dict": lambda f: {c: (f[c].array if c == "f" else f[c].to_numpy()) for c in f.columns},
    "polars": polars_frame,
    "polars_lazy": lambda f: polars_frame(f).lazy(),
    "arrow_table": lambda f: pa.Table.from_pandas(f, preserve_index=False),
    "arrow_batch": lambda f: pa.RecordBatch.from_pandas(f, preserve_index=False),
    "arrow_stream": lambda f: ArrowStream(pa.Table.from_pandas(f, preserve_index=False)),
    "pandas_pyarrow": lambda f: f.convert_dtypes(dtype_backend="pyarrow"),
    "pandas_nullable": lambda f: f.convert_dtypes(),
}


def fit(data: Any, **kwargs: Any) -> gf.GLMResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gf.glm(FORMULA, data=data, family="poisson", weights="w", **kwargs)


@pytest.fixture(scope="module")
def reference() -> gf.GLMResult:
    return fit(pandas_frame())


@pytest.mark.parametrize("kind", KINDS)
def test_fit_equals_the_pandas_fit_to_the_bit(kind: str, reference: gf.GLMResult) -> None:
    model = fit(KINDS[kind](pandas_frame()))
    assert list(model.coef.index) == list(reference.coef.index)
    assert [c for c in model.coef.index if c.startswith("f")] == ["flo", "fhi"]  # ref: "mid"
    assert np.array_equal(model.coef.to_numpy(), reference.coef.to_numpy())
    assert np.array_equal(model.std_errors.to_numpy(), reference.std_errors.to_numpy())
    assert model.deviance == reference.deviance and model.aic == reference.aic
    assert model.nobs == reference.nobs == N - 5  # nulls are NA: R's na.omit
    assert isinstance(model.data, pd.DataFrame | dict)  # results stay pandas


@pytest.mark.parametrize("kind", KINDS)
def test_predict_on_newdata_of_the_same_kind(kind: str, reference: gf.GLMResult) -> None:
    new = pandas_frame().iloc[:12].reset_index(drop=True)
    expected = reference.predict(new, type="response").to_numpy()
    assert np.isnan(expected[[4, 6, 8]]).all()  # a missing predictor: NaN, as R's na.pass
    model = fit(KINDS[kind](pandas_frame()))
    for m in (reference, model):
        got = m.predict(KINDS[kind](new), type="response").to_numpy()
        assert np.array_equal(got, expected, equal_nan=True)


def test_polars_categorical_reads_as_text_and_enum_keeps_its_order() -> None:
    pl = pytest.importorskip("polars")
    frame = pandas_frame()
    as_text = frame.assign(f=frame["f"].astype(object))  # pandas: levels sorted, as R
    expected = fit(as_text)
    categorical = polars_frame(frame).with_columns(pl.col("f").cast(pl.String)
                                                   .cast(pl.Categorical))
    model = fit(categorical)
    assert [c for c in model.coef.index if c.startswith("f")] == ["flo", "fmid"]  # ref: "hi"
    assert np.array_equal(model.coef.to_numpy(), expected.coef.to_numpy())
    unused = polars_frame(frame).with_columns(
        pl.col("f").cast(pl.String).cast(pl.Enum([*LEVELS, "none"])))
    enum_model = fit(unused)  # an unused Enum category is dropped, as an unused level in R
    assert list(enum_model.coef.index) == list(fit(frame).coef.index)


def test_arrow_dictionary_keeps_its_order_across_batches() -> None:
    first = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0, 1]), pa.array(["z", "a"]))
    second = pa.DictionaryArray.from_arrays(pa.array([0, 1, 1, 0]), pa.array(["a", "z"]))
    y = pa.array([1.0, 3.0, 2.0, 4.0, 5.0, 1.0, 2.0, 6.0])
    table = pa.Table.from_batches([
        pa.RecordBatch.from_arrays([y[:4], first], ["y", "d"]),
        pa.RecordBatch.from_arrays([y[4:], second], ["y", "d"])])
    model = gf.glm("y ~ d", data=table, family="poisson")
    assert list(model.coef.index) == ["(Intercept)", "da"]  # "z" first: the reference


def test_the_callers_data_is_untouched_and_refits_read_it_again() -> None:
    pl = pytest.importorskip("polars")
    data = polars_frame(pandas_frame())
    before = data.clone()
    model = fit(data)
    assert data.equals(before)
    assert "data = data" in model.call  # the caller's name, not the converted frame's
    smaller = model.update(". ~ . - k")
    reference = fit(pandas_frame()).update(". ~ . - k")
    assert np.array_equal(smaller.coef.to_numpy(), reference.coef.to_numpy())
    half = pandas_frame().iloc[:60]
    on_lazy = fit(pandas_frame()).update(data=polars_frame(half).lazy())
    assert np.array_equal(on_lazy.coef.to_numpy(), fit(half).coef.to_numpy())
    assert isinstance(on_lazy.data, pd.DataFrame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nb = gf.glm_nb("y ~ x + g + f", data=data)
        nb_pandas = gf.glm_nb("y ~ x + g + f", data=pandas_frame())
    assert np.array_equal(nb.coef.to_numpy(), nb_pandas.coef.to_numpy())
    assert nb.theta == nb_pandas.theta and isinstance(nb.data, pd.DataFrame)
    assert "data = data" in nb.call
    assert isinstance(data, pl.DataFrame)


def test_a_lazy_frame_over_files_is_refused_with_the_dask_route(tmp_path: Path) -> None:
    pl = pytest.importorskip("polars")
    path = tmp_path / "d.parquet"
    pandas_frame().to_parquet(path)
    with pytest.raises(ArgumentTypeError,
                       match=r"LazyFrame that reads files .*read_parquet\(path\).*collect\(\)"):
        fit(pl.scan_parquet(path))
    model = fit(pl.scan_parquet(path).collect())  # collected by the caller: fitted
    assert model.nobs == N - 5


@pytest.mark.parametrize(("value", "name"), [
    (np.ones((3, 2)), "numpy.ndarray"), ([1, 2], "list"),
    (pd.Series([1.0, 2.0]), "pandas.Series")])
def test_an_unsupported_type_is_named_with_its_module(value: Any, name: str) -> None:
    with pytest.raises(ArgumentTypeError, match=rf"data= got a {name}\b.*") as info:
        gf.glm("y ~ x", data=value)
    assert "polars DataFrame or LazyFrame" in str(info.value)
    assert "pyarrow Table" in str(info.value)
    model = fit(pandas_frame())
    with pytest.raises(ArgumentTypeError, match=rf"newdata= got a {name}\b"):
        model.predict(value)


def test_result_tables_to_polars() -> None:
    pl = pytest.importorskip("polars")
    model = fit(pandas_frame())
    coefficients = model.summary().to_polars()
    assert isinstance(coefficients, pl.DataFrame)
    assert coefficients["term"].to_list() == list(model.coef.index)
    assert coefficients["Estimate"].to_list() == model.coef.tolist()
    table = gf.anova(model, test="Chisq").to_polars()
    assert table["term"].to_list()[:2] == ["NULL", "x"]
    tidy = to_polars(model.tidy(), index=None)
    assert tidy.columns[0] == "term" and tidy.height == len(model.coef)


def test_fits_without_the_optional_packages() -> None:
    """As after ``pip install .``: polars and scikit-learn cannot be imported (tabmat
    imports polars when it is installed; glmformula itself never does)."""
    code = ("import sys; sys.modules['polars'] = sys.modules['sklearn'] = None; "
            "import glmformula as gf; import pyarrow as pa; "
            "wb = gf.datasets.load('warpbreaks'); "
            "m = gf.glm('breaks ~ wool', data=pa.Table.from_pandas(wb), family='poisson'); "
            "print(round(m.deviance, 4))")
    code += ("\ntry:\n    m.summary().to_polars()\nexcept TypeError as e:\n    print(e)"
             "\ntry:\n    import glmformula.sklearn\nexcept ImportError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip().splitlines() == [
        "281.3335", 'to_polars() needs polars: pip install "glmformula[polars]"',
        'glmformula.sklearn needs sklearn: pip install "glmformula[sklearn]"']
    code = ("import sys, glmformula, glmformula.data_input; "
            "print(sorted(k for k in ('polars', 'sklearn') if k in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"  # installed, but not imported by glmformula
