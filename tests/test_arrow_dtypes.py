"""pyarrow-backed and nullable pandas columns fit exactly as the numpy-backed frame.

``df.convert_dtypes(dtype_backend="pyarrow")``, ``pd.ArrowDtype`` columns
(dictionaries keep their dictionary order, as categoricals keep theirs) and
pandas' nullable dtypes; a null is a missing value (the row is dropped, as R).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.design import build_design
from glmformula.matrices import as_dense

pa = pytest.importorskip("pyarrow")

FORMULA = "y ~ x + k + g + f + d"
N = 60


def numpy_frame() -> pd.DataFrame:
    """The reference: numpy-backed columns, NaN/None for missing values."""
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "y": rng.poisson(3, N).astype(float),
        "x": rng.normal(size=N).round(3),
        "k": rng.integers(0, 5, N).astype(float),
        "g": pd.Series(rng.choice(["b", "a", "c"], N), dtype=object),
        "f": pd.Series(rng.choice([True, False], N), dtype=object),
        "d": pd.Categorical(rng.choice(["lo", "mid", "hi"], N), categories=["mid", "lo", "hi"]),
        "w": rng.integers(1, 4, N).astype(float),
    })
    frame.loc[3, "x"] = np.nan
    frame.loc[5, "g"] = None
    frame.loc[7, "y"] = np.nan
    frame.loc[9, "f"] = None
    frame.loc[11, "k"] = np.nan
    frame.loc[13, "d"] = np.nan
    return frame


def _arrow(values: pd.Series, kind: object) -> pd.Series:
    array = pa.array(values.astype(object).where(values.notna(), None).tolist(), type=kind)
    return pd.Series(pd.array(array, dtype=pd.ArrowDtype(kind)), index=values.index)


def arrow_frame() -> pd.DataFrame:
    base = numpy_frame()
    dictionary = pa.dictionary(pa.int32(), pa.string())
    d = pa.DictionaryArray.from_arrays(
        pa.array([["mid", "lo", "hi"].index(v) if isinstance(v, str) else None
                  for v in base["d"].astype(object)], type=pa.int32()),
        pa.array(["mid", "lo", "hi"]))
    return pd.DataFrame({
        "y": _arrow(base["y"].astype("Int64"), pa.int64()),
        "x": _arrow(base["x"], pa.float64()),
        "k": _arrow(base["k"].astype("Int64"), pa.int64()),
        "g": _arrow(base["g"], pa.string()),
        "f": _arrow(base["f"], pa.bool_()),
        "d": pd.Series(pd.array(d, dtype=pd.ArrowDtype(dictionary))),
        "w": _arrow(base["w"], pa.float64()),
    })


def nullable_frame() -> pd.DataFrame:
    base = numpy_frame()
    return base.assign(
        y=base["y"].astype("Int64"), x=base["x"].astype("Float64"), k=base["k"].astype("Int64"),
        g=base["g"].astype("string"), f=base["f"].astype("boolean"), w=base["w"].astype("Float64"))


VARIANTS = {
    "pyarrow_columns": arrow_frame,
    "convert_dtypes_pyarrow": lambda: numpy_frame().convert_dtypes(dtype_backend="pyarrow"),
    "nullable": nullable_frame,
    "convert_dtypes": lambda: numpy_frame().convert_dtypes(),
    "string_dtype": lambda: numpy_frame().assign(g=lambda f: f["g"].astype("string")),
}


def fit(frame: pd.DataFrame) -> gf.GLMResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gf.glm(FORMULA, data=frame, family="poisson", weights="w")


@pytest.mark.parametrize("variant", VARIANTS)
def test_fits_exactly_as_numpy_backed(variant: str) -> None:
    frame = VARIANTS[variant]()
    if variant == "convert_dtypes_pyarrow":  # a categorical stays one: only d's levels differ
        assert isinstance(frame["g"].dtype, pd.ArrowDtype)
    before = frame.dtypes.copy()
    reference, model = fit(numpy_frame()), fit(frame)
    assert list(model.coef.index) == list(reference.coef.index)
    assert_close(model.coef.to_numpy(), reference.coef.to_numpy(), rtol=1e-12)
    assert model.nobs == reference.nobs and model.design.n_dropped == 6
    assert model.deviance == pytest.approx(reference.deviance, rel=1e-12)
    pd.testing.assert_series_equal(frame.dtypes, before)  # the caller's frame is untouched


def test_dictionary_levels_keep_the_dictionary_order() -> None:
    model = fit(arrow_frame())
    assert [c for c in model.coef.index if c.startswith("d")] == ["dlo", "dhi"]  # ref: "mid"


@pytest.mark.parametrize("variant", VARIANTS)
def test_structured_path_builds_the_same_matrix(variant: str) -> None:
    frame = VARIANTS[variant]().drop(columns="f")  # booleans take the general path
    reference = build_design("y ~ x + k + g + d", numpy_frame().drop(columns="f"),
                             weights="w", structured=False)
    fast = build_design("y ~ x + k + g + d", frame, weights="w", structured=True)
    assert not isinstance(fast.X, np.ndarray)
    assert fast.column_names == reference.column_names
    np.testing.assert_array_equal(as_dense(fast.X), reference.X)
    np.testing.assert_array_equal(fast.response.values, reference.response.values)
    np.testing.assert_array_equal(fast.prior_weights, reference.prior_weights)


@pytest.mark.parametrize("variant", VARIANTS)
def test_predict_on_arrow_newdata(variant: str) -> None:
    model = fit(numpy_frame())
    new = VARIANTS[variant]().iloc[20:30]
    expected = model.predict(numpy_frame().iloc[20:30], type="response")
    got = model.predict(new, type="response")
    assert_close(got.to_numpy(), expected.to_numpy(), rtol=1e-12)
    arrow_model = fit(VARIANTS[variant]())
    assert_close(arrow_model.predict(new, type="response").to_numpy(),
                               expected.to_numpy(), rtol=1e-12)


def test_chunked_dictionary_keeps_one_order() -> None:
    """A dictionary column whose chunks have different dictionaries: one unified order."""
    first = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int32()), pa.array(["b", "a"]))
    second = pa.DictionaryArray.from_arrays(pa.array([0, 1], pa.int32()), pa.array(["c", "a"]))
    column = pa.chunked_array([first, second])
    frame = pd.DataFrame({"y": [1.0, 2, 3, 4, 6],
                          "g": pd.Series(pd.array(column, dtype=pd.ArrowDtype(column.type)))})
    d = build_design("y ~ g", frame)
    assert d.column_names == ["(Intercept)", "ga", "gc"]  # levels b, a, c
    assert d.X[:, 1:].tolist() == [[0, 0], [1, 0], [0, 0], [0, 1], [1, 0]]
