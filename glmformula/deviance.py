"""Deviance totals for the IRLS loop, without temporary arrays.

Each factory takes the fixed response and prior weights once and returns a
function of mu that gives the same total as summing the family's unit
deviances (``dev_resids``), reusing two scratch buffers. They differ from the
plain sum only in summation order.

Where a term is zero for some responses (``y log(y/mu)`` at ``y == 0``), the
rows are not picked out with a mask, whose unpredictable branches cost more
than the arithmetic: a 0/1 array fixed at the start is added or multiplied
in, which gives the same values exactly while mu is finite and inside its
range. A total that comes out non-finite is recomputed the plain way.

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
    """sum(wt * values), overwriting ``values`` (numpy's pairwise sum, no BLAS call)."""
    if not unit:
        np.multiply(values, wt, out=values)
    return float(np.sum(values))


def _exact_when_needed(evaluate: Callable[[Array, bool], float]) -> DevianceFunction:
    """The fast evaluation, and the exact one where the fast one is not finite.

    (A closure that called itself would be a reference cycle, which keeps its
    scratch arrays alive until Python's cycle collector runs.)
    """
    def total(mu: Array, exact: bool = False) -> float:
        value = evaluate(mu, exact)
        return value if exact or np.isfinite(value) else evaluate(mu, True)

    return total


def poisson_deviance(y: Array, wt: Array) -> DevianceFunction:
    """2 sum wt (y log(y/mu) - (y - mu)), with y log(y/mu) = 0 where y == 0."""
    zero = y == 0
    zero_one = zero.astype(float) if zero.any() else None  # y/mu + 1 = 1 where y == 0
    unit = bool(np.all(wt == 1))
    scratch, diff = np.empty_like(y, dtype=float), np.empty_like(y, dtype=float)

    def evaluate(mu: Array, exact: bool) -> float:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            np.divide(y, mu, out=scratch)
            if exact:
                np.putmask(scratch, zero, 1.0)
            elif zero_one is not None:
                np.add(scratch, zero_one, out=scratch)
            np.log(scratch, out=scratch)
            np.multiply(scratch, y, out=scratch)
            np.subtract(y, mu, out=diff)
            np.subtract(scratch, diff, out=scratch)
        value = 2.0 * _weighted_sum(scratch, wt, unit)
        return value

    return _exact_when_needed(evaluate)


def binomial_deviance(y: Array, wt: Array) -> DevianceFunction:
    """2 sum wt (y log(y/mu) + (1-y) log((1-y)/(1-mu))), zero terms where y is 0 or 1.

    For 0/1 responses that is 2 sum wt log(1 / (mu or 1 - mu)), computed as R computes it.
    """
    if np.all((y == 0) | (y == 1)):
        return _binary_deviance(y == 1, wt)
    one_minus_y = 1.0 - y
    y_zero, rest_zero = y == 0, one_minus_y == 0
    y_zero_one, rest_zero_one = y_zero.astype(float), rest_zero.astype(float)
    unit = bool(np.all(wt == 1))
    scratch, other = np.empty_like(y, dtype=float), np.empty_like(y, dtype=float)

    def evaluate(mu: Array, exact: bool) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(y, mu, out=scratch)
            if exact:
                np.putmask(scratch, y_zero, 1.0)
            else:
                np.add(scratch, y_zero_one, out=scratch)
            np.log(scratch, out=scratch)
            np.multiply(scratch, y, out=scratch)
            np.subtract(1.0, mu, out=other)
            np.divide(one_minus_y, other, out=other)
            if exact:
                np.putmask(other, rest_zero, 1.0)
            else:
                np.add(other, rest_zero_one, out=other)
            np.log(other, out=other)
            np.multiply(other, one_minus_y, out=other)
            np.add(scratch, other, out=scratch)
        value = 2.0 * _weighted_sum(scratch, wt, unit)
        return value

    return _exact_when_needed(evaluate)


def _binary_deviance(success: Array, wt: Array) -> DevianceFunction:
    unit = bool(np.all(wt == 1))
    picks_mu = success.astype(float)
    picks_rest = 1.0 - picks_mu
    scratch, other = np.empty(success.shape, dtype=float), np.empty(success.shape, dtype=float)

    def evaluate(mu: Array, exact: bool) -> float:
        np.subtract(1.0, mu, out=scratch)
        if exact:
            np.copyto(scratch, mu, where=success)
        else:  # mu where y == 1, else 1 - mu: exactly, while both are finite
            np.multiply(scratch, picks_rest, out=scratch)
            np.multiply(mu, picks_mu, out=other)
            np.add(scratch, other, out=scratch)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(1.0, scratch, out=scratch)
            np.log(scratch, out=scratch)
        value = 2.0 * _weighted_sum(scratch, wt, unit)
        return value

    return _exact_when_needed(evaluate)


def gamma_deviance(y: Array, wt: Array) -> DevianceFunction:
    """-2 sum wt (log(y/mu) - (y - mu)/mu), with log(y/mu) = 0 where y == 0."""
    zero = y == 0
    any_zero = bool(zero.any())
    unit = bool(np.all(wt == 1))
    scratch, diff = np.empty_like(y, dtype=float), np.empty_like(y, dtype=float)

    def total(mu: Array) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(y, mu, out=scratch)
            if any_zero:
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
