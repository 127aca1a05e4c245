"""``x ** k`` in a formula, correctly rounded for whole exponents on every numpy and CPU.

numpy's float power is not correctly rounded everywhere: numpy 1.24-1.26 on
AVX-512 CPUs uses SVML's ``pow``, which gives ``13.0 ** 4`` as 28560.999999999996.
One wrong bit in a polynomial column is enough to cost NIST's Wampler5 seven of
its certified digits. R computes ``x^k`` with the C library's ``pow`` (glibc's is
within 0.52 units in the last place, exact for whole results). Formulas are
therefore evaluated with ``a ** b`` rewritten as :func:`power`
(:func:`power_calls`): for float data and a whole exponent 3 <= k <= 64 it
multiplies in double-double precision (each product and its rounding error kept
exactly), which is exact for integers below 2**53 and correctly rounded
otherwise; everything else is numpy's own ``**``.

>>> import numpy as np
>>> power(np.array([13.0, 0.1, -3.0]), 4).tolist()
[28561.0, 0.00010000000000000002, 81.0]
>>> power_calls("I(x ** 4) + log(y)")
'I(__glmformula_power__(x, 4)) + log(y)'
"""

from __future__ import annotations

import ast
import operator
import re
from typing import Any

import numpy as np
import pandas as pd

Array = np.ndarray

#: The name :func:`power_calls` gives :func:`power` in a formula's evaluation context.
POWER_NAME = "__glmformula_power__"
#: Whole exponents computed in double-double; others go to numpy (0, 1, 2 are exact there).
MIN_EXPONENT, MAX_EXPONENT = 3, 64
_BACKTICKED = re.compile(r"`[^`]*`")
#: Results outside this magnitude range (overflow, subnormal parts) are numpy's.
_SAFE_RANGE = (1e-280, 1e280)


def _two_product(a: Array, b: Array) -> tuple[Array, Array]:
    """a * b and its rounding error, exactly (Dekker's product, Veltkamp's split)."""
    product = a * b
    t = 134217729.0 * a
    a_hi = t - (t - a)
    a_lo = a - a_hi
    t = 134217729.0 * b
    b_hi = t - (t - b)
    b_lo = b - b_hi
    return product, ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _whole_power(x: Array, k: int) -> Array:
    """x ** k for a float64 array and 3 <= k <= 64, correctly rounded (double-double)."""
    high, low = x.copy(), np.zeros_like(x)
    with np.errstate(all="ignore"):
        for _ in range(k - 1):
            product, error = _two_product(high, x)
            error = error + low * x
            high = product + error
            low = error - (high - product)
        plain = np.power(x, float(k))
        size = np.abs(plain)
        keep = np.isfinite(high) & (size > _SAFE_RANGE[0]) & (size < _SAFE_RANGE[1])
    return np.where(keep, high, plain)


def _whole_exponent(exponent: Any) -> int | None:
    """The exponent as an int when it is a whole number in the double-double range."""
    if isinstance(exponent, bool | np.bool_):
        return None
    if isinstance(exponent, int | np.integer | float | np.floating):
        value = float(exponent)
        if value.is_integer() and MIN_EXPONENT <= value <= MAX_EXPONENT:
            return int(value)
    return None


def power(base: Any, exponent: Any) -> Any:
    """``base ** exponent``, correctly rounded for float data and a whole exponent 3..64."""
    k = _whole_exponent(exponent)
    if k is not None:
        if isinstance(base, pd.Series) and base.dtype == np.float64:
            values = _whole_power(base.to_numpy(), k)
            return pd.Series(values, index=base.index, name=base.name)
        if isinstance(base, np.ndarray) and base.dtype == np.float64:
            return _whole_power(base, k)
        if isinstance(base, float | np.float64):
            return float(_whole_power(np.array([base]), k)[0])
    return operator.pow(base, exponent)


class _PowerCalls(ast.NodeTransformer):
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            return ast.copy_location(ast.Call(
                func=ast.Name(id=POWER_NAME, ctx=ast.Load()), args=[node.left, node.right],
                keywords=[]), node)
        return node


def power_calls(code: str) -> str:
    """Python code with each ``a ** b`` written as ``__glmformula_power__(a, b)``.

    Backticked names (formulaic's quoting) are kept as they are; code that does
    not parse is returned unchanged (formulaic reports the error).
    """
    if "**" not in code:
        return code
    quoted: list[str] = []

    def hide(match: re.Match[str]) -> str:
        quoted.append(match.group(0))
        return f"__glmformula_quoted_{len(quoted) - 1}__"

    hidden = _BACKTICKED.sub(hide, code)
    try:
        tree = ast.parse(hidden, mode="eval")
    except SyntaxError:
        return code
    if not any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(tree)):
        return code
    text = ast.unparse(ast.fix_missing_locations(_PowerCalls().visit(tree)))
    return re.sub(r"__glmformula_quoted_(\d+)__", lambda m: quoted[int(m.group(1))], text)
