"""Wald confidence intervals with R's column names (``confint.default``).

>>> format_percent([0.025, 0.975])
['2.5 %', '97.5 %']
>>> format_percent([0.0005, 0.9995])
['0.05 %', '99.95 %']
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from glmformula.distributions import normal_quantile
from glmformula.errors import ArgumentTypeError


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
