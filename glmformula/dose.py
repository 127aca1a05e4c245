"""MASS's ``dose.p``: the dose at which the response probability is ``p`` (LD50, ...).

For a model whose linear predictor is ``b0 + b1 * dose`` (``cf`` picks the
intercept-like and the slope coefficients) the dose for probability ``p`` is
``x_p = (g(p) - b0) / b1`` with ``g`` the family's link, and its standard
error comes from the delta method with the coefficients' covariance (MASS's
``SE``). ``cf`` holds two positions in ``m.coef``, **0-based** as Python
counts (R's ``cf = c(1, 3)`` is ``cf=[0, 2]``), or two coefficient names.

The result is a DataFrame with columns ``Dose`` and ``SE`` and rows named as
R names them (``p = 0.25:``), printed as R prints a ``glm.dose`` object.

>>> import glmformula as gf
>>> bw = gf.datasets.load("budworm")
>>> m = gf.glm("cbind(numdead, numalive) ~ sex + ldose - 1", data=bw, family="binomial")
>>> print(dose_p(m, cf=[0, 2], p=[0.25, 0.5, 0.75]))
              Dose        SE
p = 0.25: 2.231265 0.2499089
p = 0.50: 3.263587 0.2297539
p = 0.75: 4.295910 0.2746874
>>> round(float(dose_p(m, cf=["sexF", "ldose"])["Dose"].iloc[0]), 6)
3.263587
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from glmformula.errors import ArgumentTypeError, DataError
from glmformula.result import GLMResult, require_model
from glmformula.rformat import format_numbers
from glmformula.rtables import RFrame


class DoseTable(RFrame):
    """``dose_p``'s table: ``Dose`` and ``SE`` per probability (R's ``glm.dose``)."""


def _positions(model: GLMResult, cf: Sequence[int | str]) -> list[int]:
    names = model.column_names
    if isinstance(cf, str | bytes) or len(cf) != 2:
        raise ArgumentTypeError(
            "cf must hold two coefficients, the intercept and the slope of the dose, as "
            "0-based positions in m.coef (R's cf = c(1, 3) is cf=[0, 2]) or names")
    positions = []
    for c in cf:
        if isinstance(c, str):
            if c not in names:
                raise DataError(f"no coefficient named {c!r}; the model has {names}")
            positions.append(names.index(c))
        elif isinstance(c, int | np.integer) and not isinstance(c, bool) and 0 <= c < len(
                names):
            positions.append(int(c))
        else:
            raise ArgumentTypeError(
                f"cf holds 0-based positions (0 to {len(names) - 1}) or names; got {c!r}")
    aliased = [names[i] for i in positions if model.fit.aliased[i]]
    if aliased:
        raise DataError(f"the coefficient(s) {aliased} are aliased (NA); pick others")
    return positions


def dose_p(model: GLMResult, cf: Sequence[int | str] = (0, 1),
           p: float | Sequence[float] = 0.5) -> DoseTable:
    """MASS's ``dose.p(obj, cf, p)``: doses for the probabilities ``p`` and their SEs."""
    model = require_model(model, "dose_p()")
    first, second = _positions(model, cf)
    probs = np.atleast_1d(np.asarray(p, dtype=float))
    if probs.ndim != 1 or not np.all((probs > 0) & (probs < 1)):
        raise DataError("p must hold probabilities strictly between 0 and 1")
    eta = np.asarray(model.family.link.link(probs), dtype=float)
    b0, b1 = float(model.coef.iloc[first]), float(model.coef.iloc[second])
    dose = (eta - b0) / b1
    names = [model.column_names[first], model.column_names[second]]
    cov = model.vcov.loc[names, names].to_numpy()
    gradient = -np.column_stack([np.ones_like(dose), dose]) / b1
    se = np.sqrt(np.einsum("ij,jk,ik->i", gradient, cov, gradient))
    labels = [f"p = {text}:" for text in format_numbers(list(probs), 7)]
    return DoseTable({"Dose": dose, "SE": se}, index=labels)


__all__ = ["DoseTable", "dose_p"]
