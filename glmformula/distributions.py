"""The few distribution functions the common path needs, from ``scipy.special``.

``scipy.stats`` takes most of a second to import; these are the formulas it
uses itself, so the values are the same.

>>> round(float(normal_sf(1.959963984540054)), 6), round(float(t_sf(2.0, 10)), 6)
(0.025, 0.036694)
>>> float(cauchy_cdf(0.0)), round(float(cauchy_quantile(0.75)), 12)
(0.5, 1.0)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

Array = np.ndarray

_SQRT_2PI = np.sqrt(2 * np.pi)


def normal_pdf(x: ArrayLike) -> Array:
    """The standard normal density."""
    x = np.asarray(x, dtype=float)
    return np.exp(-x**2 / 2.0) / _SQRT_2PI


def normal_sf(x: ArrayLike) -> Array:
    """P(Z > x) for a standard normal Z."""
    return special.ndtr(-np.asarray(x, dtype=float))


def normal_quantile(p: ArrayLike) -> Array:
    """The standard normal quantile."""
    return special.ndtri(np.asarray(p, dtype=float))


def t_sf(x: ArrayLike, df: float) -> Array:
    """P(T > x) for Student's t with ``df`` degrees of freedom."""
    return special.stdtr(df, -np.asarray(x, dtype=float))


def cauchy_pdf(x: ArrayLike) -> Array:
    """The standard Cauchy density."""
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore"):
        return 1.0 / np.pi / (1.0 + x * x)


def cauchy_cdf(x: ArrayLike) -> Array:
    """The standard Cauchy distribution function."""
    return np.arctan2(1.0, -np.asarray(x, dtype=float)) / np.pi


def cauchy_quantile(p: ArrayLike) -> Array:
    """The standard Cauchy quantile, tan(pi (p - 1/2))."""
    return np.tan(np.pi * (np.asarray(p, dtype=float) - 0.5))
