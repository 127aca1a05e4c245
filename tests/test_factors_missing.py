"""The model frame's missing values and factor levels read cheaply (glmformula.factors):
the same rows and levels as pandas' isna over the columns and set(unique()) of the
complete rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import glmformula as gf
from glmformula.design_parts import dense
from glmformula.errors import DataError
from glmformula.factors import (
    check_factor_levels,
    drop_unused_levels,
    incomplete_rows,
    missing_values,
    model_frame_levels,
    present_levels,
)


def columns() -> dict[str, pd.Series]:
    return {
        "float": pd.Series([1.0, np.nan, 3.0, 4.0]),
        "float_inf": pd.Series([np.inf, -np.inf, 1.0, np.nan]),
        "float32": pd.Series([1.0, 2.0, np.nan, 4.0], dtype=np.float32),
        "int": pd.Series([1, 2, 3, 4]),
        "bool": pd.Series([True, False, True, True]),
        "categorical": pd.Series(pd.Categorical(["a", None, "b", "a"])),
        "object": pd.Series(["a", None, "b", np.nan], dtype=object),
        "string": pd.Series(["a", None, "b", "c"], dtype="string"),
        "nullable_int": pd.Series([1, None, 3, 4], dtype="Int64"),
        "datetime": pd.Series(pd.to_datetime(["2020-01-01", None, "2020-01-03", "2020-01-04"])),
        "clean_float": pd.Series([0.5, 1.5, 2.5, 3.5]),
        "clean_object": pd.Series(["u", "v", "u", "v"], dtype=object),
    }


@pytest.mark.parametrize("name", list(columns()))
def test_missing_values_is_pandas_isna(name: str) -> None:
    column = columns()[name]
    expected = column.isna().to_numpy()
    got = missing_values(column)
    if expected.any():
        assert got is not None
        assert got.tolist() == expected.tolist()
    else:
        assert got is None


def test_incomplete_rows_is_isna_any_over_columns() -> None:
    frame = pd.DataFrame(columns())
    for used in (["float", "clean_float"], ["categorical", "int"], ["object", "float32"],
                 list(frame.columns), ["clean_float", "int", "bool", "clean_object"]):
        expected = frame[used].isna().to_numpy().any(axis=1)
        got = incomplete_rows(frame, used)
        assert (got is None and not expected.any()) or got.tolist() == expected.tolist()
    extra = np.array([False, False, False, True])
    got = incomplete_rows(frame, ["clean_float", "absent"], extra)
    assert got is not None and got.tolist() == extra.tolist()
    assert got is not extra
    assert incomplete_rows(frame, ["clean_float"], np.zeros(4, dtype=bool)) is None


def test_levels_present_after_dropping_incomplete_rows() -> None:
    frame = pd.DataFrame({
        "g": pd.Categorical(["b", "a", "c", "b", "d"], categories=["d", "c", "b", "a", "e"]),
        "x": [1.0, np.nan, 2.0, 3.0, 4.0],
        "h": pd.Categorical(["u", "v", None, "u", "v"]),
    })
    before = frame.copy()
    trimmed = drop_unused_levels(frame, ["g", "x", "h"], np.array([0, 0, 0, 0, 1], dtype=bool))
    # row 1 (x missing), row 2 (h missing), row 4 (incomplete): b only
    assert trimmed["g"].cat.categories.tolist() == ["b"]
    assert trimmed["h"].cat.categories.tolist() == ["u"]
    assert trimmed["g"].tolist() == ["b", np.nan, np.nan, "b", np.nan]
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is untouched
    kept = drop_unused_levels(frame, ["g"])
    assert kept["g"].cat.categories.tolist() == ["d", "c", "b", "a"]
    assert kept["g"].cat.categories.dtype == frame["g"].cat.categories.dtype
    assert drop_unused_levels(frame.iloc[:0], ["g"])["g"].cat.categories.tolist() == []


def test_one_level_left_by_missing_values_is_an_error() -> None:
    frame = pd.DataFrame({"g": pd.Categorical(["a", "b", "a"]), "t": ["u", "v", "u"],
                          "y": [1.0, np.nan, 2.0]})
    with pytest.raises(DataError, match="factor 'g' has only one level"):
        model_frame_levels(frame, ["y", "g"], None, ["g"])
    with pytest.raises(DataError, match="factor 't' has only one level"):
        check_factor_levels(frame, ["y", "t"])
    check_factor_levels(frame, ["t"])  # both levels in the complete rows
    check_factor_levels(frame, ["y", "t"], np.ones(3, dtype=bool))  # no row used: no check
    with pytest.raises(DataError, match="factor 't'"):
        check_factor_levels(frame, ["t"], np.array([False, True, False]))


def test_model_frame_levels_without_factors_is_the_frame() -> None:
    frame = pd.DataFrame({"y": [1.0, np.nan], "x": [1, 2]})
    assert model_frame_levels(frame, ["y", "x"], None, ["x"]) is frame


def test_present_levels_from_codes() -> None:
    values = pd.Series(pd.Categorical(["c", None, "a", "c"], categories=["a", "b", "c"]))
    assert present_levels(values) == ["a", "c"]
    assert present_levels(values.iloc[:2]) == ["c"]


def test_glm_drops_levels_of_incomplete_rows_and_keeps_the_data() -> None:
    rng = np.random.default_rng(3)
    n = 60
    frame = pd.DataFrame({
        "y": rng.poisson(2.0, n).astype(float),
        "x": rng.standard_normal(n),
        "g": pd.Categorical(rng.choice(["a", "b", "c"], n), categories=["z", "a", "b", "c"]),
        "t": rng.choice(["p", "q"], n).astype(object),
    })
    frame.loc[frame["g"] == "c", "x"] = np.nan
    frame.loc[0, "t"] = None
    before = frame.copy()
    m = gf.glm("y ~ x + g + t", frame, family="poisson")
    assert [c for c in m.coef.index if c.startswith("g")] == ["gb"]
    assert m.nobs == int((frame["g"] != "c").sum()) - int(frame.loc[0, "g"] != "c")
    pd.testing.assert_frame_equal(frame, before)


def test_dense_at_once_equals_column_by_column() -> None:
    matrix = pd.DataFrame({"a": [1, 2, 3], "b": [True, False, True],
                           "c": np.array([0.5, 1.5, 2.5], dtype=np.float32),
                           "d": [0.1, 0.2, 0.3]})
    X = dense(matrix)
    assert X.flags.f_contiguous and X.dtype == np.float64
    for j, name in enumerate(matrix.columns):
        np.testing.assert_array_equal(X[:, j], matrix[name].to_numpy(dtype=np.float64))
    mixed = matrix.assign(e=pd.array([1, 2, 3], dtype="Int64"))
    np.testing.assert_array_equal(dense(mixed)[:, :4], X)


def big_frame(n: int = 25_000) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    return pd.DataFrame({
        "y": rng.poisson(2.0, n).astype(float),
        "x": rng.standard_normal(n),
        "z": rng.standard_normal(n),
        "g": pd.Categorical(rng.choice(["a", "b", "c"], n), categories=["a", "b", "c", "d"]),
    })


def test_structured_design_with_columns_scanned_once_equals_the_general_path() -> None:
    from glmformula.fit_arguments import design_for

    frame = big_frame()
    frame.loc[[3, 17], "x"] = np.nan
    frame.loc[frame["g"] == "c", "z"] = np.nan  # level c only in incomplete rows
    frame.loc[5, "g"] = None
    before = frame.copy()
    fast = design_for("y ~ x + z + g", frame, weights=None, offset=None, context={},
                      safe=False, arguments=None)
    assert not isinstance(fast.X, np.ndarray)  # the structured path
    plain = build_design_general(frame)
    assert fast.column_names == plain.column_names == ["(Intercept)", "x", "z", "gb"]
    np.testing.assert_array_equal(fast.X.dense(), plain.X)
    np.testing.assert_array_equal(fast.response.values, plain.response.values)
    assert list(fast.row_index) == list(plain.row_index) and fast.n_dropped == plain.n_dropped
    pd.testing.assert_frame_equal(frame, before)


def build_design_general(frame: pd.DataFrame) -> object:
    from glmformula.design import build_design
    from glmformula.factors import drop_unused_levels

    return build_design("y ~ x + z + g", drop_unused_levels(frame, ["y", "x", "z", "g"]),
                        structured=False)


@pytest.mark.parametrize("column", ["y", "x"])
def test_structured_design_still_refuses_infinite_and_huge_values(column: str) -> None:
    frame = big_frame()
    frame.loc[7, column] = np.inf
    with pytest.raises(DataError, match=f"infinite values in column '{column}'"):
        gf.glm("y ~ x + g", frame, family="poisson")
    frame.loc[7, column] = 1e200
    with pytest.raises(DataError, match="magnitude"):
        gf.glm("y ~ x + g", frame, family="poisson")


def test_structured_design_copies_weights_and_offsets_given_as_arrays() -> None:
    from glmformula.design import build_design

    frame = big_frame()
    weights = np.full(len(frame), 2.0)
    offset = np.zeros(len(frame))
    design = build_design("y ~ x + g", frame, weights=weights, offset=offset)
    assert not isinstance(design.X, np.ndarray)
    assert design.prior_weights is not None and design.offset is not None
    assert not np.shares_memory(design.prior_weights, weights)
    assert not np.shares_memory(design.offset, offset)
    assert design.n_dropped == 0 and len(design.row_index) == len(frame)
