"""Tests of glmformula.design: formula + data -> response, model matrix, weights, offset."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, case_frame, load_golden
from hypothesis import given, settings
from hypothesis import strategies as st

from glmformula.design import Design, build_design
from glmformula.errors import ArgumentTypeError, DataError, FormulaError

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = load_golden("glm")
POLY_CASES = {"binomial_logit_esoph_ordered_poly"}  # R's contr.poly: not implemented
PREDICT = load_golden("predict")


@pytest.fixture
def warpbreaks() -> pd.DataFrame:
    df = pd.read_csv(ROOT / "datasets" / "warpbreaks.csv")
    df["tension"] = pd.Categorical(df["tension"], categories=["L", "M", "H"])
    return df


@pytest.fixture
def small() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "y": [1.0, 3, 2, 5, 4, 6],
            "x": [1.0, 2, 3, 4, 5, 6],
            "i": [1, 2, 3, 4, 5, 6],
            "b": [True, False, True, True, False, False],
            "s": ["b", "a", "c", "a", "b", "c"],
            "n": [10, 10, 12, 12, 8, 8],
        }
    )


# -- R's names and numbers, against the golden R fits --------------------------------------


@pytest.mark.parametrize(
    "case", [c for c in GOLDEN["cases"] if c["id"] not in POLY_CASES], ids=lambda c: c["id"]
)
def test_matches_r_model_matrix(case: dict) -> None:
    df = case_frame(case)
    d = build_design(case["formula"], df, weights=case["weights"], offset=case["offset"])
    expected = case["expected"]
    assert d.column_names == list(expected["coefficients"])
    assert len(d.row_index) == expected["nobs_used"]
    assert d.n_dropped == expected["n_dropped_na"]
    y = d.response.values
    if y.ndim == 2:  # binomial cbind: R's y is the proportion
        y = y[:, 0] / y.sum(axis=1)
    assert_close(y, expected["y"], rtol=1e-12)
    # eta = X beta + offset, an aliased coefficient (NA in R) counting as 0
    beta = np.array([0.0 if b is None else b for b in expected["coefficients"].values()])
    offset = 0.0 if d.offset is None else d.offset
    eta = d.X @ beta + offset
    np.testing.assert_allclose(eta, expected["linear_predictor"], rtol=1e-9, atol=1e-9)
    if case["weights"] is not None and d.response.values.ndim == 1:
        np.testing.assert_allclose(d.prior_weights, expected["prior_weights"])


@pytest.mark.parametrize("case", PREDICT["cases"], ids=lambda c: c["id"])
def test_transform_matches_r_predict(case: dict) -> None:
    d = build_design(
        case["formula"], case_frame(case), weights=case["weights"], offset=case["offset"]
    )
    X, offset, index = d.transform(case_frame({"data": case["newdata"]}))
    beta = [0.0 if b is None else b for b in case["expected"]["coefficients"].values()]
    eta = X @ np.array(beta) + (0.0 if offset is None else offset)
    assert_close(eta, case["expected"]["newdata"]["link_nose"], rtol=1e-10)
    assert len(index) == X.shape[0]


def test_warpbreaks_interaction_names(warpbreaks: pd.DataFrame) -> None:
    d = build_design("breaks ~ wool * tension", warpbreaks)
    assert d.column_names == [
        "(Intercept)",
        "woolB",
        "tensionM",
        "tensionH",
        "woolB:tensionM",
        "woolB:tensionH",
    ]
    assert d.term_names == ["wool", "tension", "wool:tension"]
    assert d.term_slices == {
        "wool": slice(1, 2),
        "tension": slice(2, 4),
        "wool:tension": slice(4, 6),
    }
    assert d.has_intercept
    assert d.X.dtype == np.float64 and d.X.flags.f_contiguous
    assert d.X.shape == (54, 6)
    assert d.response.name == "breaks" and d.response.levels is None
    assert d.prior_weights is None and d.offset is None and d.n_dropped == 0
    assert d.formula == "breaks ~ wool * tension"
    assert isinstance(d, Design)


def test_colon_only_is_r_coding(warpbreaks: pd.DataFrame) -> None:
    """R codes both factors of a:b by dummies when neither main effect is present."""
    d = build_design("breaks ~ wool:tension", warpbreaks)
    assert d.column_names == [
        "(Intercept)",
        "woolA:tensionL",
        "woolB:tensionL",
        "woolA:tensionM",
        "woolB:tensionM",
        "woolA:tensionH",
        "woolB:tensionH",
    ]
    assert np.linalg.matrix_rank(d.X) == 6


def test_interaction_factor_order_follows_first_appearance(warpbreaks: pd.DataFrame) -> None:
    d = build_design("breaks ~ tension:wool + wool", warpbreaks)
    assert d.term_names == ["wool", "tension:wool"]
    # R: tension is coded by contrasts (the term without it, wool, came before), wool by dummies
    assert d.column_names == [
        "(Intercept)",
        "woolB",
        "tensionM:woolA",
        "tensionH:woolA",
        "tensionM:woolB",
        "tensionH:woolB",
    ]


def test_power_of_sum_is_interactions(warpbreaks: pd.DataFrame) -> None:
    a = build_design("breaks ~ (wool + tension)^2", warpbreaks)
    b = build_design("breaks ~ wool * tension", warpbreaks)
    assert a.column_names == b.column_names
    np.testing.assert_array_equal(a.X, b.X)


# -- column types --------------------------------------------------------------------------


def test_numeric_integer_and_bool_columns(small: pd.DataFrame) -> None:
    d = build_design("y ~ x + i + b", small)
    assert d.column_names == ["(Intercept)", "x", "i", "bTRUE"]
    np.testing.assert_array_equal(d.X[:, 2], small["i"].to_numpy(float))
    np.testing.assert_array_equal(d.X[:, 3], small["b"].to_numpy(float))


def test_str_column_sorted_levels(small: pd.DataFrame) -> None:
    d = build_design("y ~ s", small)
    assert d.column_names == ["(Intercept)", "sb", "sc"]
    np.testing.assert_array_equal(d.X[:, 1], (small["s"] == "b").to_numpy(float))


def test_object_column(small: pd.DataFrame) -> None:
    df = small.assign(s=small["s"].astype(object))
    assert build_design("y ~ s", df).column_names == ["(Intercept)", "sb", "sc"]


def test_category_keeps_category_order(small: pd.DataFrame) -> None:
    df = small.assign(s=pd.Categorical(small["s"], categories=["c", "b", "a"]))
    assert build_design("y ~ s", df).column_names == ["(Intercept)", "sb", "sa"]


def test_ordered_category_uses_polynomial_contrasts_as_r(small: pd.DataFrame) -> None:
    df = small.assign(s=pd.Categorical(small["s"], categories=["c", "a", "b"], ordered=True))
    d = build_design("y ~ s", df)
    assert d.column_names == ["(Intercept)", "s.L", "s.Q"]
    # R: contr.poly(3) rows for levels c, a, b
    poly = {"c": (-0.7071067811865475, 0.4082482904638631), "a": (0.0, -0.8164965809277261),
            "b": (0.7071067811865475, 0.4082482904638631)}
    expected = np.array([poly[v] for v in df["s"].astype(str)])
    np.testing.assert_allclose(d.X[:, 1:], expected, atol=1e-15)
    new = d.transform(pd.DataFrame({"s": ["b"], "x": [1.0], "i": [1]}))[0]
    np.testing.assert_allclose(new[0, 1:], poly["b"], atol=1e-15)


def test_C_and_factor(small: pd.DataFrame) -> None:
    d = build_design("y ~ C(s) + factor(i)", small)
    assert d.column_names[:3] == ["(Intercept)", "C(s)b", "C(s)c"]
    assert d.column_names[3:] == [
        "factor(i)2",
        "factor(i)3",
        "factor(i)4",
        "factor(i)5",
        "factor(i)6",
    ]
    assert d.term_names == ["C(s)", "factor(i)"]


def test_no_intercept_spellings(small: pd.DataFrame) -> None:
    for formula in ("y ~ s - 1", "y ~ 0 + s", "y ~ s + 0", "y ~ -1 + s"):
        d = build_design(formula, small)
        assert d.column_names == ["sa", "sb", "sc"], formula
        assert not d.has_intercept
        assert d.term_slices == {"s": slice(0, 3)}


def test_no_intercept_second_factor_uses_contrasts(small: pd.DataFrame) -> None:
    d = build_design("y ~ s + b - 1", small)
    assert d.column_names == ["sa", "sb", "sc", "bTRUE"]


def test_intercept_only(small: pd.DataFrame) -> None:
    d = build_design("y ~ 1", small)
    assert d.column_names == ["(Intercept)"] and d.term_names == [] and d.term_slices == {}


def test_dot_means_all_other_columns(small: pd.DataFrame) -> None:
    d = build_design("y ~ .", small[["y", "x", "s"]])
    assert d.column_names == ["(Intercept)", "x", "sb", "sc"]


# -- functions and I() ---------------------------------------------------------------------


def test_I_with_r_power(small: pd.DataFrame) -> None:
    d = build_design("y ~ x + I(x^2) + I((x - 1)^2)", small)
    assert d.column_names == ["(Intercept)", "x", "I(x^2)", "I((x - 1)^2)"]
    np.testing.assert_array_equal(d.X[:, 2], small["x"] ** 2)
    np.testing.assert_array_equal(d.X[:, 3], (small["x"] - 1) ** 2)


def test_numpy_functions(small: pd.DataFrame) -> None:
    funcs = ["log", "exp", "sqrt", "log10", "log2", "log1p", "abs"]
    d = build_design("y ~ " + " + ".join(f"{f}(x)" for f in funcs) + " + np.cos(x)", small)
    assert d.column_names[1:] == [f"{f}(x)" for f in funcs] + ["np.cos(x)"]
    for j, f in enumerate(funcs, start=1):
        np.testing.assert_allclose(d.X[:, j], getattr(np, f)(small["x"].to_numpy()))


def test_caret_inside_function_call(small: pd.DataFrame) -> None:
    d = build_design("y ~ log(x^2)", small)
    assert d.column_names == ["(Intercept)", "log(x^2)"]
    np.testing.assert_allclose(d.X[:, 1], np.log(small["x"] ** 2))


def test_user_function_from_context(small: pd.DataFrame) -> None:
    def tenfold(v):
        return 10 * v

    d = build_design("y ~ tenfold(x)", small, context={"tenfold": tenfold})
    assert d.column_names == ["(Intercept)", "tenfold(x)"]
    np.testing.assert_array_equal(d.X[:, 1], 10 * small["x"])
    new = d.transform(pd.DataFrame({"x": [7.0]}))[0]
    np.testing.assert_array_equal(new, [[1.0, 70.0]])


def test_context_variable(small: pd.DataFrame) -> None:
    d = build_design("y ~ I(x * k)", small, context={"k": 3.0})
    np.testing.assert_array_equal(d.X[:, 1], 3 * small["x"])


def test_logical_expression_is_a_factor(small: pd.DataFrame) -> None:
    d = build_design("y ~ I(x > 3)", small)
    assert d.column_names == ["(Intercept)", "I(x > 3)TRUE"]


def test_dotted_column_names(small: pd.DataFrame) -> None:
    df = small.rename(columns={"x": "Sepal.Length"})
    d = build_design("y ~ Sepal.Length + I(Sepal.Length^2)", df)
    assert d.column_names == ["(Intercept)", "Sepal.Length", "I(Sepal.Length^2)"]
    np.testing.assert_array_equal(d.X[:, 2], small["x"] ** 2)


# -- response ------------------------------------------------------------------------------


def test_cbind_response(small: pd.DataFrame) -> None:
    df = small.assign(dead=small["i"], alive=small["n"] - small["i"])
    d = build_design("cbind(dead, alive) ~ x", df)
    assert d.response.values.shape == (6, 2)
    assert d.response.name == "cbind(dead, alive)"
    np.testing.assert_array_equal(d.response.values[:, 0], df["dead"])
    np.testing.assert_array_equal(d.response.values[:, 1], df["alive"])
    e = build_design("cbind(i, n - i) ~ x", small)
    np.testing.assert_array_equal(e.response.values, d.response.values)


@pytest.mark.parametrize(
    ("column", "levels", "expected"),
    [
        ("s", ("a", "b", "c"), [1, 0, 1, 0, 1, 1]),
        ("b", ("FALSE", "TRUE"), [1, 0, 1, 1, 0, 0]),
    ],
)
def test_factor_response(small: pd.DataFrame, column: str, levels: tuple, expected: list) -> None:
    d = build_design(f"{column} ~ x", small)
    assert d.response.levels == levels
    assert d.response.values.dtype == np.float64
    np.testing.assert_array_equal(d.response.values, expected)


def test_category_response_uses_first_category(small: pd.DataFrame) -> None:
    df = small.assign(s=pd.Categorical(small["s"], categories=["c", "a", "b"]))
    d = build_design("s ~ x", df)
    assert d.response.levels == ("c", "a", "b")
    np.testing.assert_array_equal(d.response.values, [1, 1, 0, 1, 1, 0])


def test_response_expression(small: pd.DataFrame) -> None:
    d = build_design("log(y) ~ x", small)
    assert d.response.name == "log(y)"
    np.testing.assert_allclose(d.response.values, np.log(small["y"]))
    d = build_design("y > 2 ~ x", small)
    assert d.response.levels == ("FALSE", "TRUE")
    np.testing.assert_array_equal(d.response.values, (small["y"] > 2).to_numpy(float))


# -- offsets and weights -------------------------------------------------------------------


def test_formula_offsets_add_up_and_are_not_columns(small: pd.DataFrame) -> None:
    d = build_design("y ~ x + offset(log(n)) + offset(i)", small)
    assert d.column_names == ["(Intercept)", "x"]
    assert d.term_names == ["x"]
    np.testing.assert_allclose(d.offset, np.log(small["n"]) + small["i"])


def test_offset_only_rhs(small: pd.DataFrame) -> None:
    d = build_design("y ~ offset(log(n))", small)
    assert d.column_names == ["(Intercept)"]
    d = build_design("y ~ offset(log(n)) - 1", small)
    assert d.column_names == [] and d.X.shape == (6, 0)


def test_offset_and_weights_arguments(small: pd.DataFrame) -> None:
    arr = np.arange(6.0)
    d = build_design("y ~ x + offset(x)", small, offset=arr, weights="n")
    np.testing.assert_allclose(d.offset, small["x"] + arr)
    np.testing.assert_array_equal(d.prior_weights, small["n"])
    e = build_design("y ~ x", small, offset="i", weights=small["n"].to_numpy())
    np.testing.assert_array_equal(e.offset, small["i"])
    np.testing.assert_array_equal(e.prior_weights, small["n"])


def test_weights_list_and_series_are_positional(small: pd.DataFrame) -> None:
    w = pd.Series([1.0, 2, 3, 4, 5, 6], index=list("abcdef"))
    d = build_design("y ~ x", small, weights=w)
    np.testing.assert_array_equal(d.prior_weights, w.to_numpy())
    d = build_design("y ~ x", small, weights=[1, 1, 1, 1, 1, 2])
    np.testing.assert_array_equal(d.prior_weights, [1, 1, 1, 1, 1, 2])


# -- missing and infinite values -----------------------------------------------------------


@pytest.fixture
def holes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "y": [1.0, 2, np.nan, 4, 5, 6, 7, 8, 9],
            "x": [1.0, 2, 3, np.nan, 5, 6, 7, 8, 9],
            "g": ["a", "b", "a", "b", None, "b", "a", "b", "a"],
            "c": pd.Categorical(["u", "v", "u", "v", "u", np.nan, "u", "v", "v"]),
            "i": pd.array([1, 2, 3, 4, 5, 6, pd.NA, 8, 9], dtype="Int64"),
            "w": [1.0, 1, 1, 1, 1, 1, 1, np.nan, 1],
            "unused": [np.nan] * 9,
        },
        index=list("ABCDEFGHI"),
    )


def test_rows_with_missing_values_are_dropped(holes: pd.DataFrame) -> None:
    d = build_design("y ~ x + g + c + i", holes, weights="w", offset=np.arange(9.0))
    assert d.row_index.tolist() == ["A", "B", "I"]
    assert d.n_dropped == 6
    np.testing.assert_array_equal(d.response.values, [1, 2, 9])
    np.testing.assert_array_equal(d.offset, [0, 1, 8])
    np.testing.assert_array_equal(d.prior_weights, [1, 1, 1])
    assert d.X.shape == (3, 5)


def test_only_used_variables_cause_drops(holes: pd.DataFrame) -> None:
    d = build_design("y ~ x", holes)
    assert d.row_index.tolist() == ["A", "B", "E", "F", "G", "H", "I"]
    assert d.n_dropped == 2


def test_missing_offset_array_drops_row(small: pd.DataFrame) -> None:
    d = build_design("y ~ x", small, offset=[0, np.nan, 0, 0, 0, 0])
    assert d.n_dropped == 1 and d.row_index.tolist() == [0, 2, 3, 4, 5]


def test_no_rows_left(holes: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="no rows left"):
        build_design("y ~ unused", holes)


def test_infinite_value_names_the_column(small: pd.DataFrame) -> None:
    df = small.assign(x=[1.0, np.inf, 3, 4, 5, 6])
    with pytest.raises(DataError, match=r"infinite values in column\(s\) 'x'.*drop or fix"):
        build_design("y ~ x", df)


def test_infinite_after_transform_names_the_term(small: pd.DataFrame) -> None:
    df = small.assign(x=[0.0, 1, 3, 4, 5, 6])
    with pytest.raises(DataError, match=r"'log\(x\)'"), np.errstate(divide="ignore"):
        build_design("y ~ log(x)", df)


def test_infinite_weights(small: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="infinite"):
        build_design("y ~ x", small, weights=[1, 1, np.inf, 1, 1, 1])


def test_data_is_not_modified(holes: pd.DataFrame) -> None:
    before = copy.deepcopy(holes)
    d = build_design("y ~ x + g + c + I(x^2) + offset(log(x))", holes, weights="w")
    d.transform(holes.dropna(subset=["x", "g", "c"]))
    pd.testing.assert_frame_equal(holes, before)


def test_dict_data(small: pd.DataFrame) -> None:
    d = build_design("y ~ x", {k: small[k].tolist() for k in ("y", "x")})
    assert d.column_names == ["(Intercept)", "x"]


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "kwargs", "error", "pattern"),
    [
        (5, {}, ArgumentTypeError, "formula must be a str"),
        (
            "brakes ~ wool",
            {},
            DataError,
            "column 'brakes' is not in the data.*available columns: breaks, wool, tension",
        ),
        ("breaks ~ I(tensoin^2)", {}, DataError, "'tensoin' is not in the data"),
        ("breaks ~ wool +", {}, FormulaError, "cannot parse formula"),
        ("breaks ~ (wool", {}, FormulaError, "unclosed"),
        ("breaks ~ wool)", {}, FormulaError, "unmatched"),
        ("breaks ~ foo(wool)", {}, FormulaError, "unknown function 'foo'.*context="),
        ("~ wool", {}, FormulaError, "no response"),
        ("breaks wool", {}, FormulaError, "no '~'"),
        ("breaks ~ wool ~ tension", {}, FormulaError, "more than one '~'"),
        ("breaks ~ wool:offset(tension)", {}, FormulaError, "offset\\(\\) must be a term"),
        ("cbind(breaks) ~ wool", {}, FormulaError, "cbind\\(\\) on the left"),
        ("breaks ~ log(wool)", {}, FormulaError, "cannot evaluate.*log\\(wool\\)"),
        ("breaks ~ offset(wool)", {}, DataError, "offset terms must be numeric"),
        ("breaks ~ wool", {"weights": [1, 2]}, DataError, "weights has shape \\(2,\\).*54 rows"),
        ("breaks ~ wool", {"offset": np.ones((54, 2))}, DataError, "offset has shape"),
        ("breaks ~ wool", {"weights": "n"}, DataError, "weights column 'n' is not in the data"),
        ("breaks ~ wool", {"offset": "wool"}, DataError, "must be numeric"),
        ("breaks ~ wool", {"weights": 3}, ArgumentTypeError, "column name or an array"),
        ("breaks ~ wool", {"weights": -np.ones(54)}, DataError, "non-negative"),
        ("breaks ~ wool", {"context": [1]}, ArgumentTypeError, "context must be a dict"),
    ],
)
def test_bad_input(warpbreaks, formula, kwargs, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        build_design(formula, warpbreaks, **kwargs)


def test_bad_data() -> None:
    with pytest.raises(ArgumentTypeError, match="DataFrame"):
        build_design("y ~ x", [[1, 2]])
    with pytest.raises(DataError, match="empty"):
        build_design("y ~ x", pd.DataFrame({"y": [], "x": []}))
    with pytest.raises(DataError, match="duplicated column names 'x'"):
        build_design("y ~ x", pd.DataFrame([[1.0, 2.0, 3.0]], columns=["y", "x", "x"]))
    with pytest.raises(DataError, match="dict"):
        build_design("y ~ x", {"y": [1, 2], "x": [1, 2, 3]})


def test_errors_are_value_errors(warpbreaks: pd.DataFrame) -> None:
    with pytest.raises(ValueError):
        build_design("breaks ~ nosuch", warpbreaks)


# -- transform (predict on new data) -------------------------------------------------------


def test_transform_replays_levels_and_transforms(warpbreaks: pd.DataFrame) -> None:
    df = warpbreaks.assign(t=np.arange(1.0, 55))
    d = build_design("breaks ~ wool * tension + scale(t) + offset(log(t))", df)
    X, offset, index = d.transform(df)
    np.testing.assert_array_equal(X, d.X)
    np.testing.assert_allclose(offset, d.offset)
    new = pd.DataFrame({"wool": ["B"], "tension": ["H"], "t": [27.5]}, index=["row"])
    X, offset, index = d.transform(new)
    assert X.shape == (1, len(d.column_names)) and X.flags.f_contiguous
    row = dict(zip(d.column_names, X[0], strict=True))
    assert row["woolB"] == 1 and row["tensionH"] == 1 and row["tensionM"] == 0
    assert row["woolB:tensionH"] == 1
    assert row["scale(t)"] == pytest.approx(0.0)  # centred with the fitted mean
    np.testing.assert_allclose(offset, np.log(27.5))
    assert index.tolist() == ["row"]


def test_transform_offset_argument(small: pd.DataFrame) -> None:
    d = build_design("y ~ x", small, offset="i")
    _, offset, _ = d.transform(pd.DataFrame({"x": [1.0], "i": [5]}))
    np.testing.assert_array_equal(offset, [5.0])
    d = build_design("y ~ x", small, offset=np.ones(6))
    assert d.transform(pd.DataFrame({"x": [1.0]}))[1] is None


def test_transform_bool_and_str(small: pd.DataFrame) -> None:
    d = build_design("y ~ b + s", small)
    X, _, _ = d.transform(pd.DataFrame({"b": [True], "s": ["c"]}))
    np.testing.assert_array_equal(X, [[1.0, 1.0, 0.0, 1.0]])


def test_transform_unseen_level(warpbreaks: pd.DataFrame) -> None:
    d = build_design("breaks ~ wool + C(tension)", warpbreaks)
    new = pd.DataFrame({"wool": ["A", "C"], "tension": ["L", "L"]})
    with pytest.raises(DataError, match="'wool' has level\\(s\\) 'C'.*known levels: A, B"):
        d.transform(new)
    new = pd.DataFrame({"wool": ["A"], "tension": ["X"]})
    with pytest.raises(DataError, match="'C\\(tension\\)' has level\\(s\\) 'X'"):
        d.transform(new)


def test_transform_missing_values_and_columns(warpbreaks: pd.DataFrame) -> None:
    d = build_design("breaks ~ wool + tension", warpbreaks)
    with pytest.raises(DataError, match="missing values in column\\(s\\) 'tension'"):
        d.transform(pd.DataFrame({"wool": ["A", "B"], "tension": ["L", None]}))
    with pytest.raises(DataError, match="lacks column\\(s\\) 'tension'"):
        d.transform(pd.DataFrame({"wool": ["A"]}))
    with pytest.raises(ArgumentTypeError):
        d.transform([1, 2])


# -- properties ----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(-1e6, 1e6)),
            st.sampled_from(["p", "q", "r", None]),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_drop_is_na_omit(rows: list) -> None:
    df = pd.DataFrame(rows, columns=["x", "g", "b"])
    df["y"] = np.arange(len(df), dtype=float)
    complete = df.dropna(subset=["x", "g"])
    if complete.empty:
        with pytest.raises(DataError, match="no rows left"):
            build_design("y ~ x + g + b", df)
        return
    d = build_design("y ~ x + g + b", df)
    assert d.row_index.equals(complete.index)
    assert d.n_dropped == len(df) - len(complete)
    np.testing.assert_array_equal(d.response.values, complete["y"])
    np.testing.assert_array_equal(d.X[:, d.column_names.index("x")], complete["x"])
    assert d.X.shape == (len(complete), len(d.column_names))


def test_factor_function_replays_levels(small: pd.DataFrame) -> None:
    d = build_design("y ~ factor(i)", small)
    X, _, _ = d.transform(pd.DataFrame({"i": [3, 1]}))
    np.testing.assert_array_equal(X[:, d.column_names.index("factor(i)3")], [1.0, 0.0])
    with pytest.raises(DataError, match="'factor\\(i\\)' has level\\(s\\) 9"):
        d.transform(pd.DataFrame({"i": [9]}))


def test_nullable_dtypes(small: pd.DataFrame) -> None:
    df = small.assign(
        nb=pd.array([True, None, False, True, False, True], dtype="boolean"),
        w=pd.array([1, 2, None, 1, 1, 1], dtype="Int64"),
    )
    d = build_design("y ~ nb", df, weights=df["w"].set_axis(list("abcdef")))
    assert d.column_names == ["(Intercept)", "nbTRUE"]
    assert d.row_index.tolist() == [0, 3, 4, 5]
    np.testing.assert_array_equal(d.prior_weights, [1, 1, 1, 1])


def test_design_pickles(warpbreaks: pd.DataFrame) -> None:
    import pickle

    df = warpbreaks.assign(t=np.arange(1.0, 55))
    d = build_design("breaks ~ wool * tension + scale(t) + offset(log(t))", df)
    again = pickle.loads(pickle.dumps(d))
    X, offset, _ = again.transform(df)
    np.testing.assert_array_equal(X, d.X)
    np.testing.assert_allclose(offset, d.offset)


# -- deep nesting: a linear scanner, and FormulaError rather than RecursionError --------
def test_bracket_scanner_is_linear_in_the_nesting_depth() -> None:
    """50,000 levels: the old scanner (the open calls searched and the text before each
    bracket copied, per character) took minutes on this; one pass takes milliseconds."""
    from glmformula.design_parse import _scan

    levels = 50_000
    text = "I(" * levels + "x" + ")" * levels
    depth, quoted, in_call = _scan(text)
    assert max(depth) == levels and depth[2 * levels] == levels
    assert all(in_call[1:]) and not in_call[0] and not any(quoted)
    plain = "(" * levels + "x" + ")" * levels
    depth, _, in_call = _scan(plain)
    assert max(depth) == levels and not any(in_call)


@pytest.mark.parametrize("formula", [
    "y ~ " + "I(" * 8000 + "x" + ")" * 8000,
    "y ~ " + "(" * 8000 + "x" + ")" * 8000,
    "y ~ I(x" + " + x" * 20_000 + ")",
    "y ~ I(" + "-" * 20_000 + "x)",
])
def test_deeply_nested_formula_is_a_formula_error(formula: str) -> None:
    frame = pd.DataFrame({"y": [1.0, 2, 4, 3], "x": [1.0, 2, 3, 5]})
    with pytest.raises(FormulaError):
        build_design(formula, frame)


def test_moderately_nested_formula_works() -> None:
    frame = pd.DataFrame({"y": [1.0, 2, 4, 3], "x": [1.0, 2, 3, 5]})
    d = build_design("y ~ I(" + "(" * 60 + "x + 1" + ")" * 60 + ")", frame)
    assert d.X[:, 1].tolist() == [2.0, 3.0, 4.0, 6.0]
