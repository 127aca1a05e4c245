"""Separation in binomial data: which maximum likelihood estimates are infinite.

When a combination of the columns of X is >= 0 on every row with a success
and <= 0 on every row with a failure, the likelihood keeps rising along it
and the estimates that it moves run to +Inf or -Inf (complete separation if
the combination is strictly positive or negative on every row, quasi-complete
otherwise). R's ``glm`` only says "fitted probabilities numerically 0 or 1
occurred"; the linear program of Konis (2007), used by R's ``detectseparation``
package (method "primal"), says which estimates are infinite:

    maximise sum_i s_i x_i' b  subject to  s_i x_i' b >= 0,  -1 <= b_j <= 1

with s_i = +1 for a success and -1 for a failure (a row with both gives both
constraints). The optimum is 0 unless the data are separated; the non-zero
entries of the solution are the infinite estimates, with their signs.

>>> import numpy as np
>>> X = np.column_stack([np.ones(6), np.arange(6.0)])
>>> y = np.array([0.0, 0, 0, 1, 1, 1])
>>> separation_lp(X, y, np.ones(6)).directions.tolist()
[-1, 1]

:func:`detect_separation` is R's ``detectseparation::detect_separation`` (the
``glm(..., method = "detect_separation")`` of brglm2 before 0.8): the table of
which maximum likelihood estimates are finite (0), +Inf or -Inf, before any fit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from glmformula.errors import FamilyError, GLMWarning, SeparationWarning
from glmformula.matrices import as_dense
from glmformula.rprint import named_vector_lines

Array = np.ndarray

#: Only binomial fits whose fitted probabilities come this close to 0 or 1 are checked.
BOUNDARY = 1e-8
#: Larger data are not checked (the linear program grows with the rows).
MAX_ROWS = 100_000
MAX_CELLS = 10_000_000
#: An entry of the (column-scaled) solution beyond this is an infinite estimate.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Separation:
    """The outcome of the check: a direction per column, +1 (+Inf), -1 (-Inf) or 0."""

    directions: Array  # int, one per column of X (0 for aliased columns)
    complete: bool

    @property
    def separated(self) -> bool:
        return bool(np.any(self.directions))

    def infinite(self, names: list[str]) -> pd.Series:
        """'+Inf' / '-Inf' for the infinite estimates, indexed by column name."""
        marks = {1: "+Inf", -1: "-Inf"}
        return pd.Series({n: marks[int(d)] for n, d in zip(names, self.directions, strict=True)
                          if d}, dtype=object)


def _signed_rows(X: Array, y: Array, weights: Array) -> Array:
    """s_i x_i: successes as they are, failures negated; rows with both give both."""
    success = (weights > 0) & (y > 0)
    failure = (weights > 0) & (y < 1)
    return np.vstack([X[success], -X[failure]])


def separation_lp(X: Array, y: Array, weights: Array) -> Separation:
    """Konis's linear program on a full-rank X; y the proportions, weights the trials."""
    from scipy.optimize import linprog  # imported when needed: it takes a while

    p = X.shape[1]
    rows = _signed_rows(np.asarray(X, dtype=float), y, weights)
    if p == 0 or rows.shape[0] == 0:
        return Separation(np.zeros(p, dtype=int), False)
    scale = np.max(np.abs(rows), axis=0)
    scale[scale == 0] = 1.0
    rows = rows / scale  # directions keep their signs; the box means the same for every column
    bounds = [(-1.0, 1.0)] * p
    found = linprog(-rows.sum(axis=0), A_ub=-rows, b_ub=np.zeros(rows.shape[0]),
                    bounds=bounds, method="highs")
    # x and fun are None unless the solver succeeded (status 0)
    if found.status != 0 or found.x is None or found.fun is None or -found.fun <= TOLERANCE:
        return Separation(np.zeros(p, dtype=int), False)
    beta = found.x
    directions = np.where(np.abs(beta) > TOLERANCE, np.sign(beta), 0).astype(int)
    # complete separation: some b makes every s_i x_i' b strictly positive
    strict = linprog(np.r_[np.zeros(p), -1.0],
                     A_ub=np.hstack([-rows, np.ones((rows.shape[0], 1))]),
                     b_ub=np.zeros(rows.shape[0]), bounds=[*bounds, (None, 1.0)],
                     method="highs")
    complete = strict.status == 0 and strict.fun is not None and -strict.fun > TOLERANCE
    return Separation(directions, bool(complete))


def check_separation(family: Any, design: Any, response: Any, fit: Any) -> pd.Series | None:
    """For a binomial fit at the boundary: warn (SeparationWarning) naming the infinite
    estimates and return them ('+Inf' / '-Inf' by column name); else None."""
    if not family.separation_possible:
        return None
    n, p = design.X.shape
    if n > MAX_ROWS or n * p > MAX_CELLS:
        return None
    used = response.weights > 0
    mu = fit.mu[used]
    if not mu.size or min(float(mu.min()), float(1 - mu.max())) >= BOUNDARY:
        return None
    kept = np.flatnonzero(~fit.aliased)
    X = as_dense(design.X)[np.ix_(used, kept)]
    found = separation_lp(X, response.y[used], response.weights[used])
    if not found.separated:
        return None
    directions = np.zeros(p, dtype=int)
    directions[kept] = found.directions
    names = list(design.column_names)
    infinite = Separation(directions, found.complete).infinite(names)
    kind = "complete" if found.complete else "quasi-complete"
    listed = ", ".join(f"{name} ({mark})" for name, mark in infinite.items())
    warnings.warn(
        f"{kind} separation: the maximum likelihood estimates of {len(infinite)} "
        f"coefficient(s) are infinite: {listed}. Their estimates and standard errors are "
        "artefacts of stopping; remove or merge the separating terms, or fit by bias reduction, "
        "whose estimates stay finite: gf.glm(..., method=\"brglmFit\") (R's brglm2; "
        "gf.detect_separation() lists the infinite estimates)",
        SeparationWarning,
        stacklevel=3,
    )
    return infinite


#: the links for which separation means infinite estimates (detectseparation's list)
RELIABLE_LINKS = ("logit", "probit", "cauchit", "cloglog", "log")


@dataclass(frozen=True)
class DetectSeparation:
    """R's ``detect_separation`` result: whether the data are separated and, per
    coefficient, 0 (finite maximum likelihood estimate), inf or -inf (NaN: aliased)."""

    coefficients: pd.Series
    separation: bool
    #: complete (True) or quasi-complete (False) separation; None when not separated
    complete: bool | None
    link: str

    @property
    def frame(self) -> pd.DataFrame:
        """One row per coefficient: its estimate's limit (0, inf, -inf) and R's label."""
        labels = [_r_value(v) for v in self.coefficients]
        return pd.DataFrame({"estimate": self.coefficients, "label": labels},
                            index=self.coefficients.index)

    def __str__(self) -> str:
        kind = "" if self.complete is None else \
            (" (complete)" if self.complete else " (quasi-complete)")
        lines = ["Implementation: glmformula | Linear program: primal (Konis, 2007) | "
                 "Solver: scipy HiGHS",
                 f"Separation: {'TRUE' if self.separation else 'FALSE'}{kind}",
                 "Existence of maximum likelihood estimates",
                 *named_vector_lines(list(self.coefficients.index),
                                     [_r_value(v) for v in self.coefficients], gap=1),
                 "0: finite value, Inf: infinity, -Inf: -infinity"]
        return "\n".join(line.rstrip() for line in lines)

    def __repr__(self) -> str:
        return str(self)


def _r_value(value: float) -> str:
    if np.isnan(value):
        return "NA"
    return "0" if value == 0 else ("Inf" if value > 0 else "-Inf")


def detect_separation(formula: str, data: Any, family: Any = "binomial", link: Any = None,
                      *, weights: Any = None, subset: Any = None, na_action: str | None = None,
                      contrasts: Any = None, context: Any = None) -> DetectSeparation:
    """Which maximum likelihood estimates of a binomial model are infinite, before a fit:
    R's ``detect_separation`` (Konis's linear program on the model matrix).

    >>> import glmformula as gf
    >>> d = {"x": [0, 0, 0, 0, 1, 1, 1, 1], "y": [0, 0, 1, 1, 1, 1, 1, 1]}
    >>> found = gf.separation.detect_separation("y ~ x", d, "binomial")
    >>> found.separation, found.frame["label"].tolist()
    (True, ['0', 'Inf'])
    """
    from glmformula.families import get_family
    from glmformula.fit_arguments import FitArguments, design_for
    from glmformula.model import formula_namespace

    fam = get_family(family, link)
    if not fam.separation_possible:
        raise FamilyError(
            f"detect_separation() is for binomial responses; the {fam.label} family has no "
            "separation (for counts, a zero cell gives an infinite estimate: fit with "
            "method='brglmFit' for finite ones)")
    if fam.link.name not in RELIABLE_LINKS:
        warnings.warn(
            "detect_separation() results may be unreliable for binomial-response GLMs with "
            f"links other than {', '.join(RELIABLE_LINKS)}", GLMWarning, stacklevel=2)
    design = design_for(formula, data, weights=weights, offset=None,
                        context=formula_namespace(context, formula, False),
                        safe=False, arguments=FitArguments.of(subset, na_action, contrasts))
    n = design.X.shape[0]
    prior = np.ones(n) if design.prior_weights is None else \
        np.asarray(design.prior_weights, float)
    response = fam.initialize(design.response.values, prior, design.response.levels, False)
    X = as_dense(design.X)
    names = list(design.column_names)
    from glmformula.brglm import aliasing

    kept, _ = aliasing(X) if X.shape[1] else (np.zeros(0, dtype=int), None)
    used = response.weights > 0
    Xk = X[np.ix_(used, kept)]
    y = response.y[used]
    found = separation_lp(Xk, y, response.weights[used])
    directions = found.directions.astype(float)
    if fam.link.name == "log":
        directions = _log_binomial_directions(Xk, y).astype(float)
    values = np.full(len(names), np.nan)
    values[kept] = np.select([directions > 0, directions < 0], [np.inf, -np.inf], 0.0)
    return DetectSeparation(pd.Series(values, index=names, name="estimate"),
                            found.separated, found.complete if found.separated else None,
                            fam.link.name)


def _log_binomial_directions(X: Array, y: Array) -> Array:
    """Infinite estimates of a log-binomial model (Schwendinger, Gruen and Hornik's linear
    program, bounded): maximise -sum_i x_i'b with x_i'b <= 0 for failures and = 0 for
    successes; a positive optimum is a direction in which the likelihood rises."""
    from scipy.optimize import linprog

    p = X.shape[1]
    success, failure = y > 0, y < 1
    equal, below = X[success], X[failure & ~success]
    # linprog minimises: sum_i x_i'b is the negated objective
    found = linprog(X.sum(axis=0), A_ub=below if below.size else None,
                    b_ub=np.zeros(below.shape[0]) if below.size else None,
                    A_eq=equal if equal.size else None,
                    b_eq=np.zeros(equal.shape[0]) if equal.size else None,
                    bounds=[(-1.0, 1.0)] * p, method="highs")
    if found.status != 0 or found.x is None or found.fun is None or -found.fun <= TOLERANCE:
        return np.zeros(p, dtype=int)
    return np.where(np.abs(found.x) > TOLERANCE, np.sign(found.x), 0).astype(int)
