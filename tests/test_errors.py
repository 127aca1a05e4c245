"""Bad input gives a glmformula error that names the problem, and leaves the caller's data alone.

Missing values follow R's ``na.omit``: rows with NaN in a variable the model uses (formula
variables, ``weights=``, ``offset=``) are dropped, including rows whose weight is NaN;
infinite values are an error.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.errors import (
    AliasingWarning,
    ArgumentTypeError,
    BoundaryWarning,
    ConvergenceWarning,
    DataError,
    FamilyError,
    FitError,
    FormulaError,
    GLMError,
    ResponseError,
)


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame({
        "y": [1.0, 0, 3, 2, 5, 4, 2, 1],
        "x": [1.0, 2, 3, 4, 5, 6, 7, 8],
        "g": list("abababab"),
        "w": [1.0, 2, 1, 2, 1, 2, 1, 2],
        "p": [0.2, 0.5, 0.0, 1.0, 0.4, 0.6, 0.8, 0.1],
    })


def raises_unchanged(
    frame: pd.DataFrame, error: type[Exception], match: str, call: Callable[[], Any]
) -> pytest.ExceptionInfo[Exception]:
    """Assert `call()` raises `error` matching `match` and leaves `frame` as it was."""
    before = frame.copy(deep=True)
    with pytest.raises(error, match=match) as info:
        call()
    pd.testing.assert_frame_equal(frame, before)
    assert isinstance(info.value, GLMError)
    return info


def test_error_classes_derive_from_builtins() -> None:
    for cls in (DataError, FormulaError, FamilyError, ResponseError, FitError):
        assert issubclass(cls, ValueError) and issubclass(cls, GLMError)
    assert issubclass(ArgumentTypeError, TypeError)
    assert issubclass(ResponseError, DataError)


# --- columns, formula -----------------------------------------------------------------


def test_unknown_column_names_it_and_lists_columns(df: pd.DataFrame) -> None:
    info = raises_unchanged(df, DataError, "column 'z' is not in the data",
                            lambda: gf.glm("y ~ x + z", df, "poisson"))
    assert "available columns: y, x, g, w, p" in str(info.value)


def test_unknown_response_column_suggests_close_name(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, r"column 'yy' is not in the data \(did you mean 'y'\?\)",
                     lambda: gf.glm("yy ~ x", df, "poisson"))


def test_unknown_backquoted_column(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "column 'no such' is not in the data",
                     lambda: gf.glm("y ~ `no such`", df, "poisson"))


def test_formula_not_a_string(df: pd.DataFrame) -> None:
    raises_unchanged(df, ArgumentTypeError, "formula must be a str .* got int",
                     lambda: gf.glm(123, df, "poisson"))  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [[1, 2, 3], np.ones((3, 2)), None, "df"])
def test_data_not_a_dataframe(data: Any) -> None:
    with pytest.raises(ArgumentTypeError, match="data must be a pandas DataFrame"):
        gf.glm("y ~ x", data, "poisson")


@pytest.mark.parametrize("formula", ["y x", "y", ""])
def test_formula_without_tilde(df: pd.DataFrame, formula: str) -> None:
    raises_unchanged(df, FormulaError, "has no '~'", lambda: gf.glm(formula, df, "poisson"))


@pytest.mark.parametrize(
    ("formula", "match"),
    [
        ("y ~ x +", r"cannot parse formula 'y ~ x \+'"),
        ("y ~ x:", "cannot parse formula 'y ~ x:'"),
        ("y ~ (x", r"unclosed '\('"),
        ("y ~ I(x^)", r"cannot parse formula 'y ~ I\(x\^\)'"),
        ("y ~ x ~ g", "more than one '~'"),
        ("~ x", "has no response"),
        ("y ~", "nothing right of '~'"),
        ("cbind(y, x, w) ~ g", r"cbind\(\) on the left of '~' takes two columns"),
    ],
)
def test_formula_syntax_errors(df: pd.DataFrame, formula: str, match: str) -> None:
    raises_unchanged(df, FormulaError, match, lambda: gf.glm(formula, df, "poisson"))


def test_unknown_function_in_formula(df: pd.DataFrame) -> None:
    raises_unchanged(df, FormulaError, r"unknown function 'foo' in 'foo\(x\)'.*context=",
                     lambda: gf.glm("y ~ foo(x)", df, "poisson"))


def test_function_failing_on_the_data(df: pd.DataFrame) -> None:
    raises_unchanged(df, FormulaError, r"cannot evaluate formula .*log\(g\)",
                     lambda: gf.glm("y ~ log(g)", df, "poisson"))


def test_duplicated_column_names(df: pd.DataFrame) -> None:
    frame = pd.concat([df, df[["x"]]], axis=1)
    raises_unchanged(frame, DataError, "duplicated column names 'x'",
                     lambda: gf.glm("y ~ x", frame, "poisson"))


# --- family and link ------------------------------------------------------------------


def test_unknown_family_long_name_is_cut(df: pd.DataFrame) -> None:
    with pytest.raises(FamilyError) as info:
        gf.glm("y ~ x", df, "p" * 100_000)
    assert len(str(info.value)) < 1_000 and "100,000 characters" in str(info.value)


def test_unknown_family(df: pd.DataFrame) -> None:
    info = raises_unchanged(df, FamilyError, "unknown family 'poison'",
                            lambda: gf.glm("y ~ x", df, "poison"))
    listed = str(info.value).split("known families are: ")[1].split(" (")[0].split(", ")
    from glmformula.families import FAMILIES
    assert sorted(listed) == sorted({cls.name for cls in FAMILIES.values()})
    assert "Gamma" in listed and "negative.binomial" in listed


def test_family_of_wrong_type(df: pd.DataFrame) -> None:
    raises_unchanged(df, FamilyError, "family must be a name .* not int",
                     lambda: gf.glm("y ~ x", df, 3))  # type: ignore[arg-type]


def test_unknown_link(df: pd.DataFrame) -> None:
    raises_unchanged(df, FamilyError, "unknown link 'blah' for the poisson family",
                     lambda: gf.glm("y ~ x", df, "poisson", link="blah"))
    raises_unchanged(df, FamilyError, "unknown link 'blah'; known links are: .*logit",
                     lambda: gf.glm("y ~ x", df, "quasi", link="blah"))


def test_link_not_allowed_lists_allowed(df: pd.DataFrame) -> None:
    raises_unchanged(df, FamilyError, "link 'logit' is not available for the poisson family; "
                                      "allowed links are: log, identity, sqrt",
                     lambda: gf.glm("y ~ x", df, "poisson", link="logit"))


def test_link_of_wrong_type(df: pd.DataFrame) -> None:
    raises_unchanged(df, FamilyError, "a link is a name .* not int",
                     lambda: gf.glm("y ~ x", df, "poisson", link=3))  # type: ignore[arg-type]


# --- the response does not suit the family --------------------------------------------


def test_non_count_response_for_poisson(df: pd.DataFrame) -> None:
    frame = df.assign(y=df["y"] + 0.5)
    raises_unchanged(frame, ResponseError, r"poisson family needs counts .* has 1\.5.*quasipoisson",
                     lambda: gf.glm("y ~ x", frame, "poisson"))


def test_negative_counts_for_poisson(df: pd.DataFrame) -> None:
    frame = df.assign(y=df["y"] - 1)
    raises_unchanged(frame, ResponseError, "negative values are not allowed for the poisson",
                     lambda: gf.glm("y ~ x", frame, "poisson"))
    raises_unchanged(frame, ResponseError, "negative values .* quasipoisson",
                     lambda: gf.glm("y ~ x", frame, "quasipoisson"))


def test_binomial_response_outside_unit_interval(df: pd.DataFrame) -> None:
    raises_unchanged(df, ResponseError, r"y values must be 0 <= y <= 1 .* \(found 3, 2, 5\)",
                     lambda: gf.glm("y ~ x", df, "binomial"))


def test_binomial_negative_cbind_counts(df: pd.DataFrame) -> None:
    frame = df.assign(w=-df["w"])
    raises_unchanged(frame, ResponseError, r"cbind\(successes, failures\) has negative counts",
                     lambda: gf.glm("cbind(y, w) ~ x", frame, "binomial"))


def test_cbind_response_for_poisson(df: pd.DataFrame) -> None:
    raises_unchanged(df, ResponseError, "two-column cbind.* only for the binomial",
                     lambda: gf.glm("cbind(y, w) ~ x", df, "poisson"))


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_non_positive_response_for_gamma(df: pd.DataFrame, bad: float) -> None:
    frame = df.assign(y=df["x"].where(df["x"] != 4, bad))
    raises_unchanged(frame, ResponseError, f"non-positive values .* Gamma family .*{bad:g}",
                     lambda: gf.glm("y ~ x", frame, "Gamma"))


@pytest.mark.parametrize("bad", [0.0, -2.5])
def test_non_positive_response_for_inverse_gaussian(df: pd.DataFrame, bad: float) -> None:
    frame = df.assign(y=df["x"].where(df["x"] != 4, bad))
    raises_unchanged(frame, ResponseError, f"only positive values .* inverse.gaussian .*{bad:g}",
                     lambda: gf.glm("y ~ x", frame, "inverse_gaussian"))


@pytest.mark.parametrize("family", ["poisson", "gaussian", "Gamma"])
def test_categorical_response_for_numeric_family(df: pd.DataFrame, family: str) -> None:
    raises_unchanged(df, ResponseError, f"response is categorical \\(levels a, b\\); the {family}",
                     lambda: gf.glm("g ~ x", df, family))


def test_boolean_response_for_poisson(df: pd.DataFrame) -> None:
    frame = df.assign(b=df["y"] > 1)
    raises_unchanged(frame, ResponseError, "categorical",
                     lambda: gf.glm("b ~ x", frame, "poisson"))


def test_gaussian_log_link_needs_positive_response(df: pd.DataFrame) -> None:
    raises_unchanged(df, ResponseError, "valid starting values .* log link.*start=",
                     lambda: gf.glm("y ~ x", df, "gaussian", link="log"))


# --- missing and infinite values, empty data ------------------------------------------


def test_nan_rows_are_dropped_as_r(df: pd.DataFrame) -> None:
    frame = df.assign(x=df["x"].where(df["x"] != 3), p=np.nan)  # p is not used
    before = frame.copy(deep=True)
    m = gf.glm("y ~ x", frame, "poisson")
    pd.testing.assert_frame_equal(frame, before)
    assert m.nobs == 7 and m.design.n_dropped == 1
    assert 2 not in m.fitted.index
    ref = gf.glm("y ~ x", df[df["x"] != 3], "poisson")
    assert_close(m.coef, ref.coef, rtol=1e-12)
    assert "(1 observation deleted due to missingness)" in str(m.summary())


def test_all_nan_used_column_leaves_no_rows(df: pd.DataFrame) -> None:
    frame = df.assign(x=np.nan)
    raises_unchanged(frame, DataError, "no rows left: all 8 rows .* missing value",
                     lambda: gf.glm("y ~ x", frame, "poisson"))


def test_missing_values_spread_over_columns_leave_no_rows(df: pd.DataFrame) -> None:
    frame = df.assign(x=[np.nan, 1, np.nan, 1, np.nan, 1, np.nan, 1],
                      y=[1, np.nan, 1, np.nan, 1, np.nan, 1, np.nan])
    raises_unchanged(frame, DataError, "no rows left",
                     lambda: gf.glm("y ~ x", frame, "poisson"))


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_predictor_names_column(df: pd.DataFrame, value: float) -> None:
    frame = df.assign(x=df["x"].where(df["x"] != 3, value))
    raises_unchanged(frame, DataError, r"infinite values in column\(s\) 'x' \(rows 2\)",
                     lambda: gf.glm("y ~ x", frame, "poisson"))


def test_infinite_response_names_column(df: pd.DataFrame) -> None:
    frame = df.assign(y=df["y"].where(df["x"] != 5, np.inf))
    raises_unchanged(frame, DataError, r"infinite values in column\(s\) 'y'",
                     lambda: gf.glm("y ~ x", frame, "gaussian"))


def test_infinite_after_transform_names_term(df: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's log(0) warning
        raises_unchanged(df, DataError, r"infinite values .*'log\(x - 1\)'",
                         lambda: gf.glm("y ~ log(x - 1)", df, "poisson"))


def test_empty_dataframe() -> None:
    raises_unchanged(pd.DataFrame(), DataError, r"data is empty \(0 rows, 0 columns\)",
                     lambda: gf.glm("y ~ x", pd.DataFrame(), "poisson"))
    frame = pd.DataFrame({"y": pd.Series(dtype=float), "x": pd.Series(dtype=float)})
    raises_unchanged(frame, DataError, r"data is empty \(0 rows, 2 columns\)",
                     lambda: gf.glm("y ~ x", frame, "poisson"))


# --- weights and offset ---------------------------------------------------------------


def test_weights_of_wrong_length(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, r"weights has shape \(2,\) but data has 8 rows",
                     lambda: gf.glm("y ~ x", df, "poisson", weights=[1.0, 2.0]))


def test_weights_of_wrong_type(df: pd.DataFrame) -> None:
    raises_unchanged(df, ArgumentTypeError, "weights must be a column name or an array",
                     lambda: gf.glm("y ~ x", df, "poisson", weights=2.0))


def test_negative_weights(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "weights must be non-negative",
                     lambda: gf.glm("y ~ x", df, "poisson", weights=-df["w"].to_numpy()))
    frame = df.assign(w=df["w"] - 1.5)
    raises_unchanged(frame, DataError, "weights must be non-negative",
                     lambda: gf.glm("y ~ x", frame, "poisson", weights="w"))


def test_all_zero_weights(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "all 8 rows have zero weight",
                     lambda: gf.glm("y ~ x", df, "poisson", weights=np.zeros(8)))
    frame = df.assign(s=0.0, f=0.0)
    raises_unchanged(frame, DataError, "zero weight .* binomial trials",
                     lambda: gf.glm("cbind(s, f) ~ x", frame, "binomial"))


def test_nan_weights_drop_rows_as_r(df: pd.DataFrame) -> None:
    # R's model.frame carries "(weights)" and na.omit drops its NA rows; we do the same.
    weights = df["w"].where(df["x"] != 3).to_numpy()
    m = gf.glm("y ~ x", df, "poisson", weights=weights)
    ref = gf.glm("y ~ x", df[df["x"] != 3], "poisson", weights="w")
    assert m.nobs == 7 and m.design.n_dropped == 1
    assert_close(m.coef, ref.coef, rtol=1e-12)
    assert m.deviance == pytest.approx(ref.deviance, rel=1e-12)
    frame = df.assign(w=weights)
    before = frame.copy(deep=True)
    by_name = gf.glm("y ~ x", frame, "poisson", weights="w")
    pd.testing.assert_frame_equal(frame, before)
    assert_close(by_name.coef, ref.coef, rtol=1e-12)


def test_infinite_weights(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "weights has infinite values",
                     lambda: gf.glm("y ~ x", df, "poisson",
                                    weights=np.where(df["x"] == 3, np.inf, 1.0)))


def test_unknown_weights_column(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "weights column 'ww' is not in the data .*available "
                                    "columns: y, x, g, w, p",
                     lambda: gf.glm("y ~ x", df, "poisson", weights="ww"))


def test_non_numeric_weights_column(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "weights column 'g' must be numeric",
                     lambda: gf.glm("y ~ x", df, "poisson", weights="g"))


def test_offset_of_wrong_length(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, r"offset has shape \(3,\) but data has 8 rows",
                     lambda: gf.glm("y ~ x", df, "poisson", offset=np.zeros(3)))


def test_unknown_offset_column(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "offset column 'off' is not in the data",
                     lambda: gf.glm("y ~ x", df, "poisson", offset="off"))


def test_factor_in_formula_offset(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "offset terms must be numeric; g is a factor",
                     lambda: gf.glm("y ~ x + offset(g)", df, "poisson"))


# --- start and control ----------------------------------------------------------------


def test_start_of_wrong_length(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "start has 3 values but the model has 2 coefficients",
                     lambda: gf.glm("y ~ x", df, "poisson", start=[0.1, 0.1, 0.1]))


def test_start_not_finite_or_not_numbers(df: pd.DataFrame) -> None:
    raises_unchanged(df, DataError, "start values must be finite",
                     lambda: gf.glm("y ~ x", df, "poisson", start=[np.nan, 0.1]))
    raises_unchanged(df, ArgumentTypeError, "start must be a sequence of numbers",
                     lambda: gf.glm("y ~ x", df, "poisson", start="ab"))


def test_control_unknown_key(df: pd.DataFrame) -> None:
    raises_unchanged(df, ArgumentTypeError, r"unknown control setting\(s\) \['bogus'\]",
                     lambda: gf.glm("y ~ x", df, "poisson", control={"bogus": 1}))


@pytest.mark.parametrize("maxit", [0, -3, 2.5, float("inf")])
def test_control_bad_maxit(df: pd.DataFrame, maxit: object) -> None:
    raises_unchanged(df, FitError, "control maxit must be a whole number >= 1",
                     lambda: gf.glm("y ~ x", df, "poisson", control={"maxit": maxit}))


@pytest.mark.parametrize("control", [{"maxit": "10"}, {"maxit": True}, {"epsilon": "1e-8"},
                                     {"trace": "yes"}, {"trace": 1}])
def test_control_wrong_types(df: pd.DataFrame, control: dict[str, object]) -> None:
    raises_unchanged(df, ArgumentTypeError, f"control {next(iter(control))} must be",
                     lambda: gf.glm("y ~ x", df, "poisson", control=control))


def test_control_bad_epsilon_and_type(df: pd.DataFrame) -> None:
    raises_unchanged(df, FitError, "control epsilon must be a finite number > 0",
                     lambda: gf.glm("y ~ x", df, "poisson", control={"epsilon": 0}))
    raises_unchanged(df, ArgumentTypeError, "control must be a dict",
                     lambda: gf.glm("y ~ x", df, "poisson", control=[25]))  # type: ignore


# --- methods of the fitted model ------------------------------------------------------


@pytest.fixture
def fitted(df: pd.DataFrame) -> gf.GLMResult:
    return gf.glm("y ~ g + x", df, "poisson")


def test_residuals_bogus_type(fitted: gf.GLMResult) -> None:
    with pytest.raises(ArgumentTypeError, match="unknown residual type 'bogus'; use 'deviance'"):
        fitted.residuals(type="bogus")  # type: ignore[arg-type]


def test_predict_bogus_type(fitted: gf.GLMResult) -> None:
    with pytest.raises(ArgumentTypeError,
                       match="type must be 'link', 'response' or 'terms', not 'bogus'"):
        fitted.predict(type="bogus")  # type: ignore[arg-type]


def test_predict_unseen_level_names_column_and_level(fitted: gf.GLMResult) -> None:
    new = pd.DataFrame({"g": ["a", "c"], "x": [1.0, 2.0]})
    raises_unchanged(new, DataError, r"'g' has level\(s\) 'c' not seen .*known levels: a, b",
                     lambda: fitted.predict(new))
    cat = pd.DataFrame({"g": pd.Categorical(["zz"]), "x": [1.0]})
    raises_unchanged(cat, DataError, r"'g' has level\(s\) 'zz'", lambda: fitted.predict(cat))


def test_predict_missing_column(fitted: gf.GLMResult) -> None:
    new = pd.DataFrame({"g": ["a"]})
    raises_unchanged(new, DataError, r"newdata lacks column\(s\) 'x' .*it has: g",
                     lambda: fitted.predict(new))


def test_predict_missing_value_gives_nan_as_r_na_pass(fitted: gf.GLMResult) -> None:
    new = pd.DataFrame({"g": ["a", None], "x": [1.0, 2.0]})
    before = new.copy(deep=True)
    got = fitted.predict(new)
    assert np.isfinite(got.iloc[0]) and np.isnan(got.iloc[1])
    pd.testing.assert_frame_equal(new, before)


def test_predict_newdata_not_a_dataframe(fitted: gf.GLMResult) -> None:
    with pytest.raises(ArgumentTypeError, match="newdata must be a pandas DataFrame"):
        fitted.predict([1.0, 2.0])  # type: ignore[arg-type]


def test_predict_non_numeric_value_in_numeric_column(fitted: gf.GLMResult) -> None:
    new = pd.DataFrame({"g": ["a"], "x": ["u"]})
    with pytest.raises(DataError, match="'x'.*numeric"):
        fitted.predict(new)


def test_successful_fit_and_predict_leave_data_unchanged(df: pd.DataFrame) -> None:
    frame = df.assign(g=pd.Categorical(df["g"]), t=np.arange(1.0, 9.0))
    before = frame.copy(deep=True)
    m = gf.glm("y ~ g * x + I(x^2) + offset(log(t))", frame, "poisson", weights="w")
    m.predict(frame, type="response", se_fit=True)
    m.residuals("pearson")
    str(m.summary())
    pd.testing.assert_frame_equal(frame, before)


# --- warnings -------------------------------------------------------------------------


def test_non_convergence_warns(df: pd.DataFrame) -> None:
    with pytest.warns(ConvergenceWarning, match="algorithm did not converge"):
        m = gf.glm("y ~ x", df, "poisson", control={"maxit": 2})
    assert m.converged is False
    assert m.iterations == 2


def test_separation_warns_boundary(df: pd.DataFrame) -> None:
    frame = pd.DataFrame({"y": [0.0, 0, 0, 0, 1, 1, 1, 1], "x": np.arange(8.0)})
    with pytest.warns(BoundaryWarning, match="fitted probabilities numerically 0 or 1"):
        m = gf.glm("y ~ x", frame, "binomial")
    assert m.fitted.min() < 1e-8 and m.fitted.max() > 1 - 1e-8


def test_aliasing_warns_naming_column(df: pd.DataFrame) -> None:
    frame = df.assign(x2=2 * df["x"])
    with pytest.warns(AliasingWarning, match=r"1 coefficient\(s\) not defined .*x2"):
        m = gf.glm("y ~ x + x2", frame, "poisson")
    assert np.isnan(m.coef["x2"]) and not np.isnan(m.coef["x"])


def test_a_clean_fit_does_not_warn(df: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gf.glm("y ~ g + x", df, "poisson")
        gf.glm("p ~ x", df, "binomial", weights=np.full(8, 10.0))


def test_model_keeps_only_the_callers_names_the_formula_uses() -> None:
    def double(x):
        return 2 * x

    unrelated = np.zeros(10)  # noqa: F841 - must not be kept by the model
    frame = pd.DataFrame({"y": [1.0, 3, 2, 5, 4], "x": [0.5, 1, 2, 3, 4]})
    m = gf.glm("y ~ double(x)", frame)
    assert set(m.design.context) == {"double"}
    assert m.predict(pd.DataFrame({"x": [1.0]})).iloc[0] == pytest.approx(
        m.coef.iloc[0] + 2 * m.coef.iloc[1]
    )


def test_fitted_rates_numerically_zero_warn_as_r() -> None:
    # started where the rate of group a is exp(-50); one iteration keeps it there
    frame = pd.DataFrame({"y": [0, 0, 0, 0, 3, 5, 4, 6], "g": list("aaaabbbb")})
    with pytest.warns(gf.BoundaryWarning, match="fitted rates numerically 0 occurred"):
        m = gf.glm("y ~ g", frame, family="poisson", start=[-50.0, 51.5],
                   control={"maxit": 1})
    assert m.fitted.iloc[0] < 10 * np.finfo(float).eps
    assert gf.families.Poisson().boundary_message(np.array([1.0, 2.0])) is None


@pytest.mark.parametrize("context", [[1], "abc", 3.0])
def test_context_that_is_not_a_mapping(df: pd.DataFrame, context: object) -> None:
    before = df.copy(deep=True)
    with pytest.raises(ArgumentTypeError, match="context must be a dict"):
        gf.glm("y ~ x", data=df, context=context)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(df, before)


# -- long values are cut short in messages ----------------------------------------------
BIG = "L" * 1_000_000  # a data cell, column name or row label of a megabyte


def _short_message(call: Callable[[], Any], error: type[Exception] = gf.GLMError) -> str:
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert len(message) < 1000, message[:200]
    return message


def test_shorten_cuts_and_says_the_length() -> None:
    from glmformula.errors import shorten

    assert shorten("abc") == "'abc'"
    assert shorten("abc", quote=False) == "abc"
    text = shorten(BIG)
    assert len(text) < 100 and text.endswith("...' (1,000,000 characters)")
    assert shorten(2.5) == "2.5"


def test_unseen_level_of_a_huge_cell_is_cut(df: pd.DataFrame) -> None:
    m = gf.glm("y ~ x + g", df)
    message = _short_message(lambda: m.predict(pd.DataFrame({"x": [1.0], "g": [BIG]})))
    assert "not seen when the model was fitted" in message
    assert "(1,000,000 characters)" in message


def test_many_unseen_levels_are_not_all_listed(df: pd.DataFrame) -> None:
    m = gf.glm("y ~ x + g", df)
    new = pd.DataFrame({"x": np.ones(500), "g": [f"level{i}" for i in range(500)]})
    assert "more)" in _short_message(lambda: m.predict(new))


def test_huge_column_name_is_cut(df: pd.DataFrame) -> None:
    frame = df.assign(**{BIG: df["x"].where(df.index != 2, np.inf)})
    assert "(1,000,000 characters)" in _short_message(lambda: gf.glm("y ~ .", frame))
    assert "(1,000,000 characters)" in _short_message(lambda: gf.glm("y ~ zz", frame))


def test_huge_row_label_is_cut(df: pd.DataFrame) -> None:
    frame = df.assign(x=df["x"].where(df.index != 2, np.inf))
    frame.index = [f"{BIG}{i}" for i in range(len(frame))]
    assert "infinite values" in _short_message(lambda: gf.glm("y ~ x", frame))


def test_huge_cell_in_cbind_is_cut(df: pd.DataFrame) -> None:
    frame = df.assign(s=[BIG, *["1"] * (len(df) - 1)])
    _short_message(lambda: gf.glm("cbind(s, y) ~ x", frame, family="binomial"))


def test_huge_formula_is_cut(df: pd.DataFrame) -> None:
    assert "unmatched" in _short_message(lambda: gf.glm("y ~ " + "x + " * 200_000 + "x)", df))
    _short_message(lambda: gf.glm("y ~ I(" + "x + " * 200_000 + "x", df))
