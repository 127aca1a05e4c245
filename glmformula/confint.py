"""Confidence intervals for coefficients: R's ``confint`` (profile) and ``confint.default``
(Wald), for all coefficients or those named in ``parm``.

``parm`` takes coefficient names only: R also takes 1-based positions, which
Python users would read as 0-based, so a position is refused with the names to
use (``list(m.coef.index[[1, 2]])`` picks them by 0-based position).

>>> format_percent([0.025, 0.975])
['2.5 %', '97.5 %']
>>> format_percent([0.0005, 0.9995])
['0.05 %', '99.95 %']
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from glmformula.distributions import normal_quantile
from glmformula.errors import ArgumentTypeError
from glmformula.rows import needs_rows

if TYPE_CHECKING:
    from glmformula.result import GLMResult


def _decimals(value: float, digits: int) -> int:
    """Decimals R's format(digits=) needs to show value with `digits` significant digits."""
    if value == 0 or not math.isfinite(value):
        return 0
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        frac = mantissa.split(".")[1].rstrip("0") if "." in mantissa else ""
        return max(0, len(frac) - int(exp))
    frac = text.split(".")[1].rstrip("0") if "." in text else ""
    return len(frac)


def format_percent(probs: Sequence[float], digits: int = 3) -> list[str]:
    """R's ``.format_perc``: ``paste(format(100 * probs, trim = TRUE, digits = 3), "%")``."""
    values = [100 * float(p) for p in probs]
    decimals = max(_decimals(v, digits) for v in values)
    return [f"{v:.{decimals}f} %" for v in values]


def wald_confint(coef: pd.Series, std_errors: pd.Series, level: float) -> pd.DataFrame:
    """coef +/- z * se with normal quantiles; NaN where the coefficient is NaN."""
    if not (isinstance(level, int | float) and 0 < level < 1):
        raise ArgumentTypeError(f"level must be a number between 0 and 1, got {level!r}")
    alpha = (1 - level) / 2
    probs = [alpha, 1 - alpha]
    fac = normal_quantile(probs)
    est = coef.to_numpy(dtype=float)
    se = std_errors.to_numpy(dtype=float)
    values = est[:, None] + se[:, None] * fac[None, :]
    return pd.DataFrame(values, index=coef.index, columns=format_percent(probs))


def parm_names(parm: object, names: Sequence[str]) -> list[str] | None:
    """The coefficient names ``parm`` selects (None: all); an ArgumentTypeError otherwise.

    >>> parm_names("b", ["a", "b"]), parm_names(None, ["a"])
    (['b'], None)
    >>> try:
    ...     parm_names([1], ["a", "b"])
    ... except ArgumentTypeError as error:
    ...     print(str(error)[:61])
    parm takes coefficient names (e.g. parm=['b']), not positions
    """
    if parm is None:
        return None
    chosen = [parm] if isinstance(parm, str) else parm
    if not isinstance(chosen, Sequence | pd.Index | np.ndarray) or len(chosen) == 0:
        raise ArgumentTypeError(
            f"parm must be a coefficient name or a list of them, not {parm!r}"
        )
    chosen = list(chosen)
    if not all(isinstance(p, str) for p in chosen):
        example = [names[min(1, len(names) - 1)]] if names else ["x"]
        raise ArgumentTypeError(
            f"parm takes coefficient names (e.g. parm={example!r}), not positions: R counts "
            "them from 1, Python from 0; pick names by position with m.coef.index[[...]] "
            f"(the names are {', '.join(names)})"
        )
    unknown = [p for p in chosen if p not in names]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(names), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ArgumentTypeError(
            f"parm names {', '.join(repr(u) for u in unknown)}, not a coefficient{hint}; "
            f"the coefficients are {', '.join(names)}"
        )
    return chosen


def model_confint(model: GLMResult, level: float, method: str, parm: object) -> pd.DataFrame:
    """See :meth:`glmformula.result.GLMResult.confint`."""
    from glmformula.profile import profile_confint

    which = parm_names(parm, list(model.column_names))
    if method == "profile":
        if not model.rows.in_memory:  # a refit per profile point
            raise needs_rows("profile confint()",
                             more='; or use Wald intervals: m.confint(method="wald")')
        return profile_confint(model, level, which)
    if method != "wald":
        raise ArgumentTypeError(
            f"unknown confint method {method!r}; use 'profile' or 'wald'"
        )
    if which is None:
        return wald_confint(model.coef, model.std_errors, level)
    return wald_confint(model.coef[which], model.std_errors[which], level)
