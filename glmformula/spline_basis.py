"""The numbers of R's ``splines`` package: ``splineDesign``, ``bs()``, ``ns()`` bases and
the type-7 ``quantile`` that places their knots.

Each function follows R's code step by step (``splines/R/splines.R`` and
``splines/src/splines.c``, ``stats::quantile``), so that the bases agree with
R's to rounding: B-splines by de Boor's recursion with R's cursor rule (the
right boundary knot belongs to the last interval), ``bs()`` extrapolated
beyond the boundary knots by the Taylor polynomial at a pivot a quarter of
the way to the next knot, ``ns()`` extrapolated linearly and projected on the
complement of the second derivatives at the boundary knots by R's
Householder QR (:mod:`glmformula.linpack_qr`).

>>> import numpy as np
>>> [round(float(q), 4) for q in r_quantile(np.array([4.0, 7, 8, 9, 10, 10, 12]), [1/3, 2/3])]
[8.0, 10.0]
>>> b = bs_basis(np.array([0.0, 0.5, 1.0]), knots=[], boundary=(0.0, 1.0), degree=3,
...              intercept=False)
>>> [round(float(v), 4) for v in b[1]]
[0.375, 0.375, 0.125]
"""

from __future__ import annotations

from collections.abc import Sequence
from math import gamma

import numpy as np

from glmformula.linpack_qr import dqrdc2


def r_probabilities(count: int) -> np.ndarray:
    """``seq.int(0, 1, length.out = count + 2)`` without its ends, as R computes it."""
    step = 1.0 / (count + 1)
    return np.array([i * step for i in range(1, count + 1)], dtype=np.float64)


def r_quantile(x: np.ndarray, probs: Sequence[float] | np.ndarray) -> np.ndarray:
    """R's ``quantile(x, probs)`` (type 7) of values without missing ones."""
    values = np.sort(np.asarray(x, dtype=np.float64))
    n = values.size
    index = 1.0 + max(n - 1, 0) * np.asarray(probs, dtype=np.float64)
    lo = np.floor(index).astype(int)
    hi = np.ceil(index).astype(int)
    qs = values[lo - 1]
    upper = values[hi - 1]
    blend = (index > lo) & (upper != qs)
    h = index - lo
    return np.where(blend, (1.0 - h) * qs + h * upper, qs)


def _cursor(knots: np.ndarray, x: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """R's ``set_cursor``: the first knot > x (the last interval for the right boundary)."""
    nk = knots.size
    curs = np.searchsorted(knots, x, side="right")
    at_end = curs == nk
    curs = np.where(at_end, np.where(x == knots[-1], nk - 1, -1), curs)
    last = nk - order
    boundary = (curs > last) & (x == knots[last])
    return np.where(boundary, last, curs), boundary


def _basis_values(knots: np.ndarray, x: np.ndarray, curs: np.ndarray, order: int) -> np.ndarray:
    """R's ``basis_funcs`` for every x: the `order` non-zero B-splines at x."""
    ordm1 = order - 1
    rdel = np.stack([knots[curs + i] - x for i in range(ordm1)], axis=1) if ordm1 else None
    ldel = np.stack([x - knots[curs - (i + 1)] for i in range(ordm1)], axis=1) if ordm1 else None
    b = np.zeros((x.size, order))
    b[:, 0] = 1.0
    for j in range(1, order):
        assert rdel is not None and ldel is not None
        saved = np.zeros(x.size)
        for r in range(j):
            den = rdel[:, r] + ldel[:, j - 1 - r]
            nonzero = den != 0
            term = np.divide(b[:, r], den, out=np.zeros(x.size), where=nonzero)
            keep = ~nonzero & (r == 0) & (rdel[:, r] == 0)
            b[:, r] = np.where(nonzero, saved + rdel[:, r] * term,
                               np.where(keep, b[:, r], saved))
            saved = np.where(nonzero, ldel[:, j - 1 - r] * term, 0.0)
        b[:, j] = saved
    return b


def _derivative(knots: np.ndarray, curs: int, boundary: bool, x: float, coef: list[float],
                nder: int, order: int) -> float:
    """R's ``evaluate``: the `nder`-th derivative at x of the spline with coefficients `coef`."""
    ordm1 = order - 1
    if boundary and nder == ordm1:
        return 0.0
    a = list(coef)
    outer = ordm1
    for _ in range(nder):
        for k in range(outer):
            a[k] = outer * (a[k + 1] - a[k]) / (knots[curs + k] - knots[curs - outer + k])
        outer -= 1
    rdel = [knots[curs + i] - x for i in range(outer)]
    ldel = [x - knots[curs - (i + 1)] for i in range(outer)]
    while outer > 0:
        outer -= 1
        for k in range(outer + 1):
            left, right = ldel[outer - k], rdel[k]
            a[k] = (a[k + 1] * left + a[k] * right) / (right + left)
    return float(a[0])


def spline_design(knots: Sequence[float] | np.ndarray, x: Sequence[float] | np.ndarray,
                  order: int = 4, derivs: Sequence[int] | int = 0) -> np.ndarray:
    """R's ``splineDesign(knots, x, ord, derivs)`` for x within the boundary knots."""
    sorted_knots = np.sort(np.asarray(knots, dtype=np.float64))
    points = np.asarray(x, dtype=np.float64)
    ncoef = sorted_knots.size - order
    design = np.zeros((points.size, ncoef))
    if points.size == 0:
        return design
    orders = np.resize(np.asarray(derivs, dtype=int), points.size)
    curs, boundary = _cursor(sorted_knots, points, order)
    values = np.empty((points.size, order))
    plain = orders == 0
    if plain.any():
        values[plain] = _basis_values(sorted_knots, points[plain], curs[plain], order)
    for i in np.flatnonzero(~plain):
        for ii in range(order):
            unit = [0.0] * order
            unit[ii] = 1.0
            values[i, ii] = _derivative(sorted_knots, int(curs[i]), bool(boundary[i]),
                                        float(points[i]), unit, int(orders[i]), order)
    rows = np.repeat(np.arange(points.size), order)
    cols = (curs - order)[:, None] + np.arange(order)[None, :]
    design[rows, cols.ravel()] = values.ravel()
    return design


def _all_knots(boundary: Sequence[float], knots: Sequence[float], order: int) -> np.ndarray:
    return np.sort(np.concatenate([np.repeat(np.asarray(boundary, dtype=np.float64), order),
                                   np.asarray(knots, dtype=np.float64)]))


def bs_basis(x: np.ndarray, knots: Sequence[float], boundary: Sequence[float], degree: int,
             intercept: bool) -> np.ndarray:
    """R's ``bs(x, knots=, Boundary.knots=, degree=, intercept=)`` basis (x without NA)."""
    order = degree + 1
    aknots = _all_knots(boundary, knots, order)
    ncoef = aknots.size - order
    left, right = x < boundary[0], x > boundary[1]
    basis = np.zeros((x.size, ncoef))
    inside = ~(left | right)
    basis[inside] = spline_design(aknots, x[inside], order)
    scale = np.array([gamma(k) for k in range(1, order + 1)])
    e = 0.25
    for side, pivot in ((left, (1 - e) * boundary[0] + e * aknots[order]),
                        (right, (1 - e) * boundary[1] + e * aknots[aknots.size - order - 1])):
        if side.any():
            powers = np.column_stack([np.ones(int(side.sum()))]
                                     + [(x[side] - pivot) ** k for k in range(1, order)])
            taylor = spline_design(aknots, np.repeat(pivot, order), order, list(range(order)))
            basis[side] = powers @ (taylor / scale[:, None])
    return basis if intercept else basis[:, 1:]


def ns_basis(x: np.ndarray, knots: Sequence[float], boundary: Sequence[float],
             intercept: bool) -> np.ndarray:
    """R's ``ns(x, knots=, Boundary.knots=, intercept=)`` basis (x without NA)."""
    aknots = _all_knots(boundary, knots, 4)
    ncoef = aknots.size - 4
    left, right = x < boundary[0], x > boundary[1]
    basis = np.zeros((x.size, ncoef))
    inside = ~(left | right)
    basis[inside] = spline_design(aknots, x[inside], 4)
    for side, pivot in ((left, boundary[0]), (right, boundary[1])):
        if side.any():
            line = np.column_stack([np.ones(int(side.sum())), x[side] - pivot])
            basis[side] = line @ spline_design(aknots, [pivot, pivot], 4, [0, 1])
    const = spline_design(aknots, boundary, 4, [2, 2])
    if not intercept:
        const, basis = const[:, 1:], basis[:, 1:]
    qr = dqrdc2(const.T)
    return qr.qty(basis)[:, 2:]
