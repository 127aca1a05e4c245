"""R's `.` in a formula, with dotted column names: every column not named on the left.

Reference: tests/golden/dot_golden.json (tests/golden/make_golden_dot.R), R's
term labels and coefficients for `Solar.R ~ .`, `cbind(a.b, c) ~ .`,
`log(y.x) ~ .`, `y ~ . - x.z`, `y ~ .^2`, offsets and weights.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf
from glmformula.design import build_design
from glmformula.design_parse import expand_dot, lhs_variables
from glmformula.matrices import as_dense

CASES = golden_cases("dot")
IDS = [case["id"] for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_dot_matches_r(case: dict[str, Any]) -> None:
    frame = case_frame(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gf.glm(case["formula"], data=frame, family=case["family"],
                   weights=case.get("weights"))
    assert m.design.term_names == case["term_labels"]
    assert list(m.coef.index) == case["coef_names"]
    np.testing.assert_allclose(m.coef.to_numpy(), case["coef"], rtol=1e-8, atol=1e-10)
    assert m.deviance == pytest.approx(case["deviance"], rel=1e-8, abs=1e-10)
    assert m.design.formula == case["formula"]  # as given, as R's call keeps it


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_dot_structured_path_builds_the_same_columns(case: dict[str, Any]) -> None:
    frame = case_frame(case)
    dense = build_design(case["formula"], frame, weights=case.get("weights"), structured=False)
    fast = build_design(case["formula"], frame, weights=case.get("weights"), structured=True)
    assert fast.column_names == dense.column_names == case["coef_names"]
    np.testing.assert_array_equal(as_dense(fast.X), dense.X)
    assert fast.formula == case["formula"]


def test_airquality_solar_is_not_its_own_predictor() -> None:
    aq = gf.datasets.load("airquality").dropna()
    m = gf.glm("Solar.R ~ .", data=aq)
    assert "Solar.R" not in m.coef.index
    assert m.deviance > 1e4  # not the perfect fit of Solar.R on itself


def test_the_structured_path_is_taken_for_a_dot_formula() -> None:
    aq = gf.datasets.load("airquality").dropna()
    d = build_design("Solar.R ~ .", aq, structured=True)
    assert not isinstance(d.X, np.ndarray)  # a structured matrix, not the general path's
    assert d.column_names == ["(Intercept)", "Ozone", "Wind", "Temp", "Month", "Day"]


@pytest.mark.parametrize(("formula", "expected"), [
    ("y.x ~ .", "y.x ~ (a.b + `c d`)"),
    ("log(y.x) ~ . - a.b", "log(y.x) ~ (a.b + `c d`) - a.b"),
    ("cbind(y.x, a.b) ~ .^2", "cbind(y.x, a.b) ~ (`c d`)^2"),
    ("y.x ~ a.b + log(.)", "y.x ~ a.b + log(.)"),  # inside a call `.` is not expanded (as R)
    ("y.x ~ a.b.c + x.", "y.x ~ a.b.c + x."),  # dots inside names are names
    ("y.x ~ `.` + .", "y.x ~ `.` + (a.b + `c d`)"),
])
def test_expand_dot(formula: str, expected: str) -> None:
    assert expand_dot(formula, ["y.x", "a.b", "c d"]) == expected


def test_dot_with_no_column_left_is_the_intercept() -> None:
    assert expand_dot("y ~ .", ["y"]) == "y ~ 1"
    d = build_design("y ~ .", pd.DataFrame({"y": [1.0, 2.0, 4.0]}))
    assert d.column_names == ["(Intercept)"]


def test_lhs_variables_reads_names_inside_calls_and_backticks() -> None:
    assert lhs_variables("log(y.x + `a b`) * 2e5") == {"log", "y.x", "a b"}


def test_non_syntactic_names_are_backticked_as_r_labels_them() -> None:
    frame = pd.DataFrame({"y": [1.0, 3, 2, 5, 4], "my col": [1.0, 2, 3, 4, 6],
                          "g h": list("ababa")})
    d = build_design("y ~ .", frame)
    assert d.term_names == ["`my col`", "`g h`"]  # R: attr(terms(m), "term.labels")
    assert d.column_names == ["(Intercept)", "`my col`", "`g h`b"]  # R: names(coef(m))


def test_dot_on_a_dask_frame_matches_in_memory() -> None:
    dd = pytest.importorskip("dask.dataframe")
    aq = gf.datasets.load("airquality").dropna().reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chunked = gf.glm("Solar.R ~ .", data=dd.from_pandas(aq, npartitions=3))
    expected = CASES[IDS.index("airquality_solar")]
    assert list(chunked.coef.index) == expected["coef_names"]
    assert_close(chunked.coef.to_numpy(), expected["coef"], rtol=1e-8)
