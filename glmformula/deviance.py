"""Deviance totals for the IRLS loop, without temporary arrays.

Each factory takes the fixed response and prior weights once and returns a
function of mu that gives the same total as summing the family's unit
deviances (``dev_resids``), reusing two scratch buffers. They differ from the
plain sum only in summation order.

>>> import numpy as np
>>> y, wt = np.array([0.0, 1.0, 3.0]), np.ones(3)
>>> total = poisson_deviance(y, wt)
>>> round(total(np.array([0.5, 1.0, 2.0])), 6)
1.432791
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Array = np.ndarray
DevianceFunction = Callable[[Array], float]


def _weighted_sum(values: Array, wt: Array, unit: bool) -> float:
    return float(np.sum(values) if unit else np.dot(wt, values))


def poisson_deviance(y: Array, wt: Array) -> DevianceFunction:
    """2 sum wt (y log(y/mu) - (y - mu)), with y log(y/mu) = 0 where y == 0."""
    zero = y == 0
    unit = bool(np.all(wt == 1))
    scratch, diff = np.empty_like(y, dtype=float), np.empty_like(y, dtype=float)

    def total(mu: Array) -> float:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            np.divide(y, mu, out=scratch)
            np.putmask(scratch, zero, 1.0)
            np.log(scratch, out=scratch)
            np.multiply(scratch, y, out=scratch)
            np.subtract(y, mu, out=diff)
            np.subtract(scratch, diff, out=scratch)
        return 2.0 * _weighted_sum(scratch, wt, unit)

    return total


def binomial_deviance(y: Array, wt: Array) -> DevianceFunction:
    """2 sum wt (y log(y/mu) + (1-y) log((1-y)/(1-mu))), zero terms where y is 0 or 1.

    For 0/1 responses that is 2 sum wt log(1 / (mu or 1 - mu)), computed as R computes it.
    """
    if np.all((y == 0) | (y == 1)):
        return _binary_deviance(y == 1, wt)
    one_minus_y = 1.0 - y
    y_zero, rest_zero = y == 0, one_minus_y == 0
    unit = bool(np.all(wt == 1))
    scratch, other = np.empty_like(y, dtype=float), np.empty_like(y, dtype=float)

    def total(mu: Array) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(y, mu, out=scratch)
            np.putmask(scratch, y_zero, 1.0)
            np.log(scratch, out=scratch)
            np.multiply(scratch, y, out=scratch)
            np.subtract(1.0, mu, out=other)
            np.divide(one_minus_y, other, out=other)
            np.putmask(other, rest_zero, 1.0)
            np.log(other, out=other)
            np.multiply(other, one_minus_y, out=other)
            np.add(scratch, other, out=scratch)
        return 2.0 * _weighted_sum(scratch, wt, unit)

    return total


def _binary_deviance(success: Array, wt: Array) -> DevianceFunction:
    unit = bool(np.all(wt == 1))
    scratch = np.empty(success.shape, dtype=float)

    def total(mu: Array) -> float:
        np.subtract(1.0, mu, out=scratch)
        np.copyto(scratch, mu, where=success)
        with np.errstate(divide="ignore"):
            np.divide(1.0, scratch, out=scratch)
            np.log(scratch, out=scratch)
        return 2.0 * _weighted_sum(scratch, wt, unit)

    return total


def gamma_deviance(y: Array, wt: Array) -> DevianceFunction:
    """-2 sum wt (log(y/mu) - (y - mu)/mu), with log(y/mu) = 0 where y == 0."""
    zero = y == 0
    unit = bool(np.all(wt == 1))
    scratch, diff = np.empty_like(y, dtype=float), np.empty_like(y, dtype=float)

    def total(mu: Array) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(y, mu, out=scratch)
            np.putmask(scratch, zero, 1.0)
            np.log(scratch, out=scratch)
            np.subtract(y, mu, out=diff)
            np.divide(diff, mu, out=diff)
            np.subtract(scratch, diff, out=scratch)
        return -2.0 * _weighted_sum(scratch, wt, unit)

    return total


def squared_error_deviance(y: Array, wt: Array) -> DevianceFunction:
    """sum wt (y - mu)^2."""
    unit = bool(np.all(wt == 1))
    scratch = np.empty_like(y, dtype=float)

    def total(mu: Array) -> float:
        np.subtract(y, mu, out=scratch)
        np.multiply(scratch, scratch, out=scratch)
        return _weighted_sum(scratch, wt, unit)

    return total
