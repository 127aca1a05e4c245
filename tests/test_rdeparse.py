"""Term labels as R's deparse writes them (the column names of R's model matrix).

The expected texts are R 4.2's ``deparse(str2lang(...))`` of the same expressions
written in R (the right column); the left column is the Python code formulaic
keeps for the term. Python loses the brackets a user wrote; those that R's or
Python's precedence needs are written back.
"""

from __future__ import annotations

import pytest

from glmformula.design_parse import python_code, r_expr
from glmformula.rdeparse import deparse, r_number

R_DEPARSE = [
    ("I((x - 1) * -y ** 2)", "I((x - 1) * -y^2)"),
    ("I(x / (y * 2))", "I(x/(y * 2))"),
    ("I((x + 1) / 2)", "I((x + 1)/2)"),
    ("I(x ** (1 / 3))", "I(x^(1/3))"),
    ("I((-x) ** 2)", "I((-x)^2)"),
    ("I(-x ** 2)", "I(-x^2)"),
    ("I(0.0001 * x)", "I(1e-04 * x)"),
    ("I(123456 * x)", "I(123456 * x)"),
    ("I(1e15 * x)", "I(1e+15 * x)"),
    ("I(0.3333333333333333 * x)", "I(0.333333333333333 * x)"),
    ("I(x == 'a')", 'I(x == "a")'),
    ("I((x > 1) & (y < 2))", "I((x > 1) & (y < 2))"),
    ("I(not (x > 1))", "I(!(x > 1))"),
    ("f(x, base=exp(1))", "f(x, base = exp(1))"),
    ("I(2.5e-10 + x)", "I(2.5e-10 + x)"),
    ("I(1234567.1 + x)", "I(1234567.1 + x)"),
    ("I(x - (y - z))", "I(x - (y - z))"),
    ("I(x - y - z)", "I(x - y - z)"),
    ("I(x ** y ** z)", "I(x^y^z)"),
    ("I((x ** y) ** z)", "I((x^y)^z)"),
    ("I(100 * x)", "I(100 * x)"),
    ("I(100000.0 + x)", "I(1e+05 + x)"),
    ("I(x % 2 * 3)", "I(x%%2 * 3)"),
    ("I(x * (y % 3))", "I(x * (y%%3))"),  # brackets Python needs are kept
    ("poly(x, 2, raw=True)", "poly(x, 2, raw = TRUE)"),
    ("poly(x, 2, raw=TRUE)", "poly(x, 2, raw = TRUE)"),
    ("ns(x, df=3.0)", "ns(x, df = 3)"),
    ("bs(x, knots=c(10, 15.5), Boundary_knots=c(0, 30))",
     "bs(x, knots = c(10, 15.5), Boundary.knots = c(0, 30))"),
    ("log(`Solar.R`, 2)", "log(Solar.R, 2)"),
    ("log(`my col`)", "log(`my col`)"),
]


@pytest.mark.parametrize(("python", "r"), R_DEPARSE)
def test_deparse_as_r(python: str, r: str) -> None:
    assert deparse(python) == r
    assert r_expr(python) == r


def test_numbers_as_r_prints_doubles() -> None:
    # R: deparse(c(1e5, 123456, 0.001, 1e-4, 1/3, -2.5, 1e300, 3))
    assert [r_number(v) for v in (1e5, 123456.0, 0.001, 1e-4, 1 / 3, -2.5, 1e300, 3.0)] == [
        "1e+05", "123456", "0.001", "1e-04", "0.333333333333333", "-2.5", "1e+300", "3"]


def test_unreadable_code_keeps_the_old_spelling() -> None:
    assert deparse("I(x ** ") is None
    assert r_expr("I(x ** ") == "I(x^"


def test_r_boundary_knots_argument_is_read_as_python() -> None:
    assert python_code("bs(x, Boundary.knots = c(0, 3)) + ns(z, Boundary.knots=c(1, 2))",
                       []) == "bs(x, Boundary_knots = c(0, 3)) + ns(z, Boundary_knots=c(1, 2))"
    assert python_code("I(Boundary.knots == 2)", ["Boundary.knots"]) == "I(`Boundary.knots` == 2)"
