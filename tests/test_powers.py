"""``x ** k`` in formulas: correctly rounded for whole exponents, on every numpy and CPU.

numpy's float power is off by one bit for some inputs (SVML's pow on AVX-512
with numpy 1.24-1.26; other bits with numpy 2.x): NIST's Wampler5 lost its
certified digits to ``13.0 ** 4 == 28560.999999999996``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.powers import POWER_NAME, power, power_calls


def _rounded(x: float, k: int) -> float:
    """The float nearest to x ** k, from exact rational arithmetic."""
    return float(Fraction(x) ** k)


def test_whole_numbers_are_exact():
    x = np.arange(-30.0, 31.0)
    for k in range(3, 11):
        assert power(x, k).tolist() == [float(int(v) ** k) for v in x]


@pytest.mark.parametrize("k", [3, 4, 5, 7, 10, 17])
def test_powers_are_correctly_rounded(k):
    x = np.random.default_rng(k).standard_normal(400) * 7
    assert power(x, k).tolist() == [_rounded(v, k) for v in x.tolist()]


def test_series_scalars_and_other_exponents():
    s = pd.Series([13.0, 0.5], index=[4, 9], name="x")
    out = power(s, 4)
    assert isinstance(out, pd.Series) and out.name == "x" and list(out.index) == [4, 9]
    assert out.tolist() == [28561.0, 0.0625]
    assert power(13.0, 4) == 28561.0
    assert power(np.array([2.0, 9.0]), 0.5).tolist() == [2.0**0.5, 3.0]  # numpy's
    assert power(3, 4) == 81 and isinstance(power(3, 4), int)
    assert power(2.0, np.array([1.0, 3.0])).tolist() == [2.0, 8.0]


def test_special_values_follow_numpy():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e200, 1e-200])
    with np.errstate(all="ignore"):
        expected = np.power(x, 3.0)
    np.testing.assert_array_equal(power(x, 3), expected)


def test_power_calls_rewrites_only_the_operator():
    assert power_calls("I(x ** 4)") == f"I({POWER_NAME}(x, 4))"
    assert power_calls("I(`Solar.R` ** 2 + x**3)") == (
        f"I({POWER_NAME}(`Solar.R`, 2) + {POWER_NAME}(x, 3))")
    assert power_calls("log(x) * 2") == "log(x) * 2"
    assert power_calls("x **") == "x **"  # formulaic reports the syntax error


def test_formula_powers_are_correctly_rounded():
    x = np.random.default_rng(7).standard_normal(300) * 5
    data = pd.DataFrame({"x": x, "y": np.random.default_rng(8).standard_normal(300)})
    m = gf.glm("y ~ x + I(x^4) + I(x**5)", data)
    X = m.model_matrix()
    assert X[:, 2].tolist() == [_rounded(v, 4) for v in x.tolist()]
    assert X[:, 3].tolist() == [_rounded(v, 5) for v in x.tolist()]
    new = pd.DataFrame({"x": [13.0, x[0]]})
    expected = m.coef.iloc[0] + m.coef.iloc[1] * new["x"] + m.coef.iloc[2] * new["x"].map(
        lambda v: _rounded(v, 4)) + m.coef.iloc[3] * new["x"].map(lambda v: _rounded(v, 5))
    assert_close(m.predict(new), expected, rtol=1e-12)
