"""R's ``splines::bs()`` and ``splines::ns()`` for formulas: stateful, with R's knots.

Fitted, they learn R's knots from the data (``df=`` places ``knots`` at R's
type-7 quantiles of the values within the boundary knots, which default to
the range of the values); ``predict`` replays the knots, boundary knots,
degree and intercept, as R's ``makepredictcall`` does. Beyond the boundary
knots ``bs()`` extrapolates its polynomial pieces and warns as R does, and
``ns()`` extrapolates linearly without a warning. Missing values stay missing
(their rows are dropped). Columns are named as R names them:
``ns(x, df = 3)1``, ``ns(x, df = 3)2``, ... R's ``Boundary.knots=`` is spelled
``Boundary_knots=`` in Python (the formula's R spelling is rewritten).

>>> import numpy as np
>>> state = {}
>>> b = ns(np.array([1.0, 2, 3, 4, 5, 6, 7, 8]), df=2, _state=state)
>>> b.shape, [round(float(k), 4) for k in state["knots"]], state["boundary"]
((8, 2), [4.5], [1.0, 8.0])
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

import formulaic
import interface_meta
import numpy as np
from formulaic.materializers.types import FactorValues
from formulaic.utils.stateful_transforms import stateful_transform as _stateful_transform

from glmformula.errors import DataError, FormulaError, GLMWarning, shorten
from glmformula.spline_basis import bs_basis, ns_basis, r_probabilities, r_quantile

_Transform = TypeVar("_Transform", bound=Callable[..., Any])

#: R's warning when ``bs()`` meets values beyond its boundary knots
BEYOND_BOUNDARY = "some 'x' values beyond boundary knots may cause ill-conditioned bases"


def stateful(func: _Transform) -> _Transform:
    """formulaic's ``stateful_transform``, typed: its wrapper takes the arguments of `func`."""
    return cast(_Transform, _stateful_transform(func))


def caller_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside glmformula, formulaic and the
    functools wrapper (a warning raised while formulaic evaluates a formula points at
    the caller's line)."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and _internal(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    return level


def _internal(filename: str) -> bool:
    if filename in ("", "<string>"):  # formulaic's compiled expressions
        return True
    if filename == functools.__file__:
        return True
    return any(filename.startswith(p) for p in _PACKAGES)


_PACKAGES = tuple(os.path.dirname(os.path.abspath(m.__file__ or "")) + os.sep
                  for m in (formulaic, interface_meta)) + (
    os.path.dirname(os.path.abspath(__file__)) + os.sep,)


def numeric_values(x: Any, call: str) -> np.ndarray:
    """The variable of a basis as float64 (missing values as NaN), or a DataError."""
    values = getattr(x, "__wrapped__", x)
    try:
        out = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        kind = getattr(values, "dtype", type(values).__name__)
        raise DataError(
            f"{call}() needs a numeric variable; got values of type {kind}: convert it "
            "to numbers first"
        ) from None
    if out.ndim != 1:
        raise DataError(f"{call}() takes one variable (a column); got an array of shape "
                        f"{out.shape}")
    if np.isinf(out).any():
        raise DataError(
            f"{call}() needs finite values; the variable has {int(np.isinf(out).sum())} "
            "infinite value(s): drop or fix those rows"
        )
    return out


def _whole(value: Any, name: str, call: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating) \
            or not float(value).is_integer() or value < minimum:
        raise FormulaError(f"{call}(): {name} must be a whole number >= {minimum}; "
                           f"got {shorten(value)}")
    return int(value)


def _vector(value: Any, name: str, call: str) -> list[float]:
    try:
        out = np.atleast_1d(np.asarray(value, dtype=np.float64)).ravel()
    except (TypeError, ValueError):
        raise FormulaError(f"{call}(): {name} must be numbers, e.g. {name}=c(10, 20); got "
                           f"{shorten(value)}") from None
    if not np.isfinite(out).all():
        raise FormulaError(f"{call}(): {name} must be finite numbers; got {shorten(value)}")
    return [float(v) for v in out]


def _boundary(value: Any, call: str) -> list[float]:
    bounds = sorted(_vector(value, "Boundary.knots", call))
    if len(bounds) != 2:
        raise FormulaError(f"{call}(): Boundary.knots must be two numbers, e.g. "
                           f"Boundary.knots=c(0, 100); got {shorten(value)}")
    return bounds


def _learn(values: np.ndarray, call: str, df: Any, knots: Any, boundary: Any,
           degree: int, intercept: bool, spare: int) -> dict[str, Any]:
    """R's knots: `spare` is how many of df the boundary and degree take (R's ``nIknots``)."""
    present = values[~np.isnan(values)]
    if present.size == 0:
        raise DataError(f"{call}() has no non-missing values to place its knots")
    if boundary is not None:
        bounds = _boundary(boundary, call)
        outside = (present < bounds[0]) | (present > bounds[1])
    else:
        bounds = [float(present.min()), float(present.max())]
        if call == "ns" and present.size == 1:  # R: x * c(7, 9) / 8
            bounds = [float(present[0] * 7 / 8), float(present[0] * 9 / 8)]
        outside = np.zeros(present.size, dtype=bool)
    if bounds[0] == bounds[1]:
        raise DataError(f"{call}() needs at least two distinct values (or Boundary.knots); "
                        f"all values are {bounds[0]:g}")
    if knots is not None:
        inner = _vector(knots, "knots", call)
    elif df is not None:
        count = _whole(df, "df", call, 1) - spare
        if count < 0:
            warnings.warn(f"'df' was too small; have used {spare}", GLMWarning,
                          stacklevel=caller_stacklevel())
            count = 0
        inner = ([float(k) for k in r_quantile(present[~outside], r_probabilities(count))]
                 if count > 0 else [])
    else:
        inner = []
    # fixed: nothing was learned from the data (knots and boundary knots given), so data
    # that come in parts give every part the same state
    fixed = boundary is not None and (knots is not None or not inner)
    return {"knots": inner, "boundary": bounds, "degree": degree, "intercept": intercept,
            "fixed": fixed}


def _columns(values: np.ndarray, basis: Callable[[np.ndarray], np.ndarray],
             width: int) -> FactorValues[np.ndarray]:
    """The basis on the non-missing values, NaN rows kept, columns named 1, 2, ... as R."""
    present = ~np.isnan(values)
    out = np.full((values.size, width), np.nan)
    out[present] = basis(values[present])
    return FactorValues(out, column_names=tuple(str(j) for j in range(1, width + 1)))


@stateful
def bs(x: Any, df: Any = None, knots: Any = None, degree: Any = 3, intercept: bool = False,
       Boundary_knots: Any = None, _state: dict[str, Any] = {},  # noqa: B006
       ) -> FactorValues[np.ndarray]:
    """R's ``splines::bs``: a B-spline basis of `degree`, ``df`` columns (less the intercept's)."""
    values = numeric_values(x, "bs")
    if "boundary" not in _state:
        degree = _whole(degree, "degree", "bs", 1)
        _state.update(_learn(values, "bs", df, knots, Boundary_knots, degree, bool(intercept),
                             spare=degree + 1 - (1 - bool(intercept))))
        given = Boundary_knots is not None
    else:
        given = True
    state = _state
    bounds = state["boundary"]
    present = values[~np.isnan(values)]
    if given and ((present < bounds[0]) | (present > bounds[1])).any():
        warnings.warn(BEYOND_BOUNDARY, GLMWarning, stacklevel=caller_stacklevel())
    width = len(state["knots"]) + state["degree"] + int(state["intercept"])
    return _columns(values, lambda v: bs_basis(v, state["knots"], bounds, state["degree"],
                                               state["intercept"]), width)


@stateful
def ns(x: Any, df: Any = None, knots: Any = None, intercept: bool = False,
       Boundary_knots: Any = None, _state: dict[str, Any] = {},  # noqa: B006
       ) -> FactorValues[np.ndarray]:
    """R's ``splines::ns``: a natural cubic spline basis with ``df`` columns."""
    values = numeric_values(x, "ns")
    if "boundary" not in _state:
        _state.update(_learn(values, "ns", df, knots, Boundary_knots, 3, bool(intercept),
                             spare=1 + bool(intercept)))
    state = _state
    width = len(state["knots"]) + 1 + int(state["intercept"])
    return _columns(values, lambda v: ns_basis(v, state["knots"], state["boundary"],
                                               state["intercept"]), width)
