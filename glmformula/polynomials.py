"""R's ``poly()`` for formulas: orthogonal or raw polynomials, stateful, named as R.

``poly(x, 2)`` is R's orthogonal basis: the centred powers of x orthogonalised by
R's Householder QR; its recurrence coefficients (``alpha`` and ``norm2``, R's
``attr(, "coefs")``) are learned on the data and replayed by ``predict`` as R's
``predict.poly``/``makepredictcall`` do. ``poly(x, 2, raw=TRUE)`` is x, x^2.
Columns are named as R: ``poly(x, 2)1``, ``poly(x, 2)2``,
``poly(x, 2, raw = TRUE)1``. Unlike R, an orthogonal ``poly()`` of a variable with
missing values is learned on its non-missing values (R stops with "missing
values are not allowed in 'poly'"); those rows are then dropped.

>>> import numpy as np
>>> state = {}
>>> z = poly(np.array([1.0, 2, 3, 4, 5]), 2, _state=state)
>>> [round(float(v), 6) for v in z[:, 0]], [round(float(a), 6) for a in state["alpha"]]
([-0.632456, -0.316228, 0.0, 0.316228, 0.632456], [3.0, 3.0])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from formulaic.materializers.types import FactorValues

from glmformula.errors import DataError, FormulaError, shorten
from glmformula.linpack_qr import dqrdc2
from glmformula.splines import numeric_values, stateful


def r_power(x: np.ndarray, n: int) -> np.ndarray:
    """``x^n`` for a whole n as R computes it (``R_pow_di``: repeated squaring)."""
    result = np.ones_like(x)
    base = x.copy()
    while True:
        if n & 1:
            result = result * base
        n >>= 1
        if not n:
            return result
        base = base * base


def r_mean(x: np.ndarray) -> float:
    """R's ``mean(x)``: the sum accurately, then one refinement pass."""
    mean = math.fsum(x) / x.size
    return mean + math.fsum(x - mean) / x.size


def _degree(args: tuple[Any, ...], degree: Any) -> int:
    if args:
        if len(args) > 1 or np.ndim(args[0]) != 0:
            raise FormulaError(
                "poly() of several variables (R's polym) is not supported; use one poly() "
                "per variable, e.g. poly(x, 2) + poly(z, 2) + x:z"
            )
        degree = args[0]
    if isinstance(degree, bool) or not isinstance(degree, int | float | np.integer | np.floating) \
            or not float(degree).is_integer() or degree < 1:
        raise FormulaError(f"poly(): 'degree' must be a whole number >= 1; got {shorten(degree)}")
    return int(degree)


def _learn(x: np.ndarray, degree: int) -> tuple[dict[str, Any], np.ndarray]:
    """R's ``poly(x, degree)`` on non-missing x: its coefficients (``alpha``, ``norm2``)
    and its columns."""
    if np.unique(x).size <= degree:
        raise DataError(
            f"poly(): 'degree' must be less than number of unique points (degree {degree}, "
            f"{np.unique(x).size} distinct value(s))"
        )
    xbar = r_mean(x)
    centred = x - xbar
    X = np.column_stack([r_power(centred, k) for k in range(degree + 1)])
    qr = dqrdc2(X)
    if qr.rank < degree:
        raise DataError("poly(): 'degree' must be less than number of unique points")
    z = np.zeros((degree + 1, x.size))
    z[np.arange(degree + 1), np.arange(degree + 1)] = np.diag(qr.qr)[: degree + 1]
    Z = qr.qy(z).T
    norm2 = np.sum(Z**2, axis=0)
    alpha = (np.sum(centred[:, None] * Z**2, axis=0) / norm2 + xbar)[:degree]
    coefs = {"alpha": [float(a) for a in alpha], "norm2": [1.0, *(float(v) for v in norm2)]}
    return coefs, (Z / np.sqrt(norm2))[:, 1:]


def _replay(x: np.ndarray, degree: int, alpha: list[float], norm2: list[float]) -> np.ndarray:
    """R's ``poly(x, degree, coefs = list(alpha, norm2))`` (the recurrence)."""
    Z = np.ones((x.size, degree + 1))
    Z[:, 1] = x - alpha[0]
    for i in range(1, degree):
        Z[:, i + 1] = (x - alpha[i]) * Z[:, i] - (norm2[i + 1] / norm2[i]) * Z[:, i - 1]
    return (Z / np.sqrt(np.asarray(norm2[1:])))[:, 1:]


@stateful
def poly(x: Any, *args: Any, degree: Any = 1, coefs: Any = None, raw: bool = False,
         simple: bool = False, _state: dict[str, Any] = {},  # noqa: B006
         ) -> FactorValues[np.ndarray]:
    """R's ``poly(x, degree)``: orthogonal polynomials (``raw=TRUE``: the powers of x)."""
    values = numeric_values(x, "poly")
    present = ~np.isnan(values)
    fitted = None
    if "degree" not in _state:
        _state["degree"] = _degree(args, degree)
        _state["raw"] = bool(raw)
        _state["fixed"] = bool(raw) or coefs is not None  # nothing learned from the data
        if coefs is not None:
            _state["alpha"] = [float(a) for a in coefs["alpha"]]
            _state["norm2"] = [float(v) for v in coefs["norm2"]]
        elif not raw:
            learned, fitted = _learn(values[present], _state["degree"])
            _state.update(learned)
    degree = _state["degree"]
    out = np.full((values.size, degree), np.nan)
    if _state["raw"]:
        out[present] = np.column_stack([r_power(values[present], k)
                                        for k in range(1, degree + 1)])
    else:  # on the fit's data, R's QR columns; on new data, the recurrence (predict.poly)
        out[present] = fitted if fitted is not None else _replay(
            values[present], degree, _state["alpha"], _state["norm2"])
    return FactorValues(out, column_names=tuple(str(j) for j in range(1, degree + 1)))
