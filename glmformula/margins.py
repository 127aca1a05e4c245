"""Predictions, slopes and comparisons with delta-method standard errors (marginaleffects).

The functions and columns follow R's and Python's ``marginaleffects``:
``predictions`` / ``avg_predictions``, ``slopes`` / ``avg_slopes`` (dY/dX),
``comparisons`` / ``avg_comparisons`` and ``datagrid``. Each returns a
DataFrame with ``term`` and ``contrast`` (slopes and comparisons),
``estimate``, ``std_error``, ``statistic`` (z), ``p_value``, ``conf_low``,
``conf_high``, and the ``by`` columns (averages) or the rows' columns
(unit-level results, with ``rowid``, their position in the rows).

Without ``newdata`` the rows are those the fit used; the ``avg_*`` functions
average over them (unweighted, as marginaleffects' default) or within the
groups of ``by``. Standard errors come from the delta method with the
model's covariance (robust after ``m.with_cov("HC3")``, or ``vcov=`` a
covariance or a type such as "HC3"); intervals are normal, ``conf_level``
(0.95).

- Slopes are exact derivatives ``mu_eta(eta) * deta/dx``, ``deta/dx`` the
  derivative of the model matrix (log(x), I(x^2), poly, splines,
  interactions), so they do not depend on a step as marginaleffects'
  finite differences do.
- Comparisons of a factor, text or boolean variable set it to each level
  and to the reference (first) level in every row: contrast "B - A"
  (``comparison="difference"``) or "B / A" (``"ratio"``). A numeric
  variable's "+1" compares ``x + 0.5`` with ``x - 0.5`` (marginaleffects'
  centred contrast; ``variables={"x": 10}`` for another step).
- ``avg_comparisons(comparison="ratio")`` is the ratio of the average
  predictions, ``mean(hi) / mean(lo)``, as marginaleffects computes it when
  it averages (its "ratioavg"); ``comparisons(comparison="ratio")`` gives
  the unit-level ratios.

>>> import glmformula as gf
>>> mt = gf.datasets.load("mtcars")
>>> m = gf.glm("am ~ hp + wt", data=mt, family="binomial")
>>> s = avg_slopes(m, variables="wt")
>>> row = s.iloc[0]
>>> row["contrast"], round(float(row["estimate"]), 4), round(float(row["std_error"]), 4)
('dY/dX', -0.3596, 0.0571)
>>> round(float(avg_predictions(m)["estimate"].iloc[0]), 4)
0.4062
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from glmformula.design_checks import names_list
from glmformula.errors import ArgumentTypeError, DataError
from glmformula.margins_delta import Predictor, check_type, table
from glmformula.margins_grid import (
    datagrid,
    groups,
    is_factor,
    levels,
    rows_frame,
    with_value,
)
from glmformula.result import GLMResult, require_model

__all__ = ["avg_comparisons", "avg_predictions", "avg_slopes", "comparisons", "datagrid",
           "predictions", "slopes"]

Array = np.ndarray
By = str | Sequence[str] | None
COMPARISONS = ("difference", "ratio")


@dataclass(frozen=True)
class _Piece:
    """One term/contrast: values and Jacobians of ``hi`` (and ``lo`` for comparisons)."""

    term: str | None
    contrast: str | None
    hi: tuple[Array, Array]
    lo: tuple[Array, Array] | None = None

    def unit(self, comparison: str) -> tuple[Array, Array]:
        """Row-level estimates and Jacobians."""
        if self.lo is None:
            return self.hi
        (h, jh), (lo, jl) = self.hi, self.lo
        if comparison == "difference":
            return h - lo, jh - jl
        return h / lo, jh / lo[:, None] - (h / lo**2)[:, None] * jl

    def average(self, rows: Array, comparison: str) -> tuple[float, Array]:
        """The average over ``rows`` (rows with a missing value left out); for a ratio, the
        ratio of the averages."""
        if self.lo is None or comparison == "difference":
            value, jac = self.unit(comparison)
            rows = rows[np.isfinite(value[rows])]
            return float(value[rows].mean()), jac[rows].mean(axis=0)
        (h, jh), (lo, jl) = self.hi, self.lo
        rows = rows[np.isfinite(h[rows]) & np.isfinite(lo[rows])]
        a, b = float(h[rows].mean()), float(lo[rows].mean())
        return a / b, jh[rows].mean(axis=0) / b - a / b**2 * jl[rows].mean(axis=0)


def _unit_table(pieces: list[_Piece], frame: pd.DataFrame, cov: Array, conf_level: float,
                comparison: str = "difference") -> pd.DataFrame:
    parts = []
    for piece in pieces:
        value, jac = piece.unit(comparison)
        out = table(value, jac, cov, conf_level)
        labels: dict[str, Any] = {"rowid": np.arange(len(frame))}
        if piece.term is not None:
            labels |= {"term": piece.term, "contrast": piece.contrast}
        columns = frame.reset_index(drop=True)
        columns = columns[[c for c in columns.columns if c not in out.columns
                           and c not in labels]]
        parts.append(pd.concat([pd.DataFrame(labels), out, columns], axis=1))
    return pd.concat(parts, ignore_index=True)


def _average_table(pieces: list[_Piece], frame: pd.DataFrame, by: By, cov: Array,
                   conf_level: float, comparison: str = "difference") -> pd.DataFrame:
    names, keys, positions = groups(frame, by)
    labels: dict[str, list[Any]] = {"term": [], "contrast": []} if pieces[0].term else {}
    labels |= {name: [] for name in names}
    estimates, jacobians = [], []
    for piece in pieces:
        for key, rows in zip(keys, positions, strict=True):
            value, jac = piece.average(rows, comparison)
            estimates.append(value)
            jacobians.append(jac)
            if piece.term is not None:
                labels["term"].append(piece.term)
                labels["contrast"].append(piece.contrast)
            for name, level in zip(names, key, strict=True):
                labels[name].append(level)
    out = table(np.array(estimates), np.vstack(jacobians), cov, conf_level)
    head = pd.DataFrame(labels)
    for name in names:  # a factor's groups keep its categories
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            head[name] = head[name].astype(frame[name].dtype)
    return pd.concat([head, out], axis=1)


def _setup(m: Any, newdata: Any, type: str, vcov: Any, offset: Any, what: str
           ) -> tuple[GLMResult, pd.DataFrame, Predictor]:
    model = require_model(m, what)
    check_type(type)
    frame = rows_frame(model, newdata, what)
    return model, frame, Predictor(model, offset, vcov)


def _variables(m: GLMResult, frame: pd.DataFrame, variables: Any, what: str
               ) -> dict[str, Any]:
    """The variables asked for (all the formula's predictors when None) with their step."""
    spec = m.design.model_spec["rhs"]
    predictors = [c for c in m.design.data_columns if c in spec.variable_indices]
    if variables is None:
        return dict.fromkeys(predictors, 1)
    if isinstance(variables, str):
        chosen: dict[str, Any] = {variables: 1}
    elif isinstance(variables, Mapping):
        chosen = dict(variables)
    elif isinstance(variables, Sequence):
        chosen = dict.fromkeys(variables, 1)
    else:
        raise ArgumentTypeError(f"{what}: variables must be a column name, a list of them or "
                                f"a dict name -> step; got {type(variables).__name__}")
    for name in chosen:
        if name not in predictors:
            where = ("a column of the data but not a predictor of the model"
                     if name in frame.columns else "not a column of the data")
            raise DataError(f"{what}: variables names {name!r}, {where}; the model's "
                            f"predictors are {names_list(predictors)}")
    return chosen


def _slope_pieces(m: GLMResult, frame: pd.DataFrame, p: Predictor, variables: Any,
                  type: str, what: str) -> list[_Piece]:
    chosen = _variables(m, frame, variables, what)
    if variables is None:
        chosen = {v: s for v, s in chosen.items() if not is_factor(m, v, frame)}
    factors = [v for v in chosen if is_factor(m, v, frame)]
    if factors:
        raise ArgumentTypeError(
            f"{what}: {names_list(factors)} is a factor, which has no slope; compare its "
            f"levels with gf.comparisons(m, variables={factors[0]!r}) or avg_comparisons"
        )
    return [_Piece(name, "dY/dX", p.slope(frame, name, type)) for name in chosen]


def _comparison_pieces(m: GLMResult, frame: pd.DataFrame, p: Predictor, variables: Any,
                       type: str, comparison: str, what: str) -> list[_Piece]:
    if comparison not in COMPARISONS:
        raise ArgumentTypeError(f"comparison must be 'difference' or 'ratio', not "
                                f"{comparison!r}")
    sign = " - " if comparison == "difference" else " / "
    pieces = []
    for name, step in _variables(m, frame, variables, what).items():
        if is_factor(m, name, frame):
            values = levels(m, name, frame)
            lo = p.values(p.design(with_value(frame, name, values[0])), type)
            for level in values[1:]:
                hi = p.values(p.design(with_value(frame, name, level)), type)
                pieces.append(_Piece(name, f"{level}{sign}{values[0]}", hi, lo))
            continue
        if not (isinstance(step, int | float) and not isinstance(step, bool)):
            raise ArgumentTypeError(f"{what}: the step of numeric variable {name!r} must be a "
                                    f"number, not {step!r}")
        x = pd.to_numeric(frame[name]).to_numpy(dtype=float)
        hi = p.values(p.design(with_value(frame, name, x + step / 2)), type)
        lo = p.values(p.design(with_value(frame, name, x - step / 2)), type)
        pieces.append(_Piece(name, f"+{step:g}", hi, lo))
    return pieces


def predictions(m: GLMResult, newdata: Any = None, by: By = None, type: str = "response", *,
                conf_level: float = 0.95, vcov: Any = None, offset: Any = None
                ) -> pd.DataFrame:
    """marginaleffects' ``predictions``: the prediction for each row of ``newdata`` (the
    fitted rows when None), or averaged within ``by`` groups.

    ``offset=`` gives the offset of newdata when the fit's ``offset=`` was an array
    (as :meth:`GLMResult.predict`).
    """
    model, frame, p = _setup(m, newdata, type, vcov, offset, "predictions()")
    pieces = [_Piece(None, None, p.values(p.design(frame), type))]
    if by is not None:
        return _average_table(pieces, frame, by, p.cov, conf_level)
    return _unit_table(pieces, frame, p.cov, conf_level)


def avg_predictions(m: GLMResult, by: By = None, type: str = "response", *,
                    newdata: Any = None, conf_level: float = 0.95, vcov: Any = None,
                    offset: Any = None) -> pd.DataFrame:
    """marginaleffects' ``avg_predictions``: the average prediction over the rows (the fitted
    rows, or ``newdata``), overall or by the groups of ``by``."""
    model, frame, p = _setup(m, newdata, type, vcov, offset, "avg_predictions()")
    pieces = [_Piece(None, None, p.values(p.design(frame), type))]
    return _average_table(pieces, frame, by, p.cov, conf_level)


def slopes(m: GLMResult, variables: str | Sequence[str] | None = None, newdata: Any = None,
           type: str = "response", *, conf_level: float = 0.95, vcov: Any = None,
           offset: Any = None) -> pd.DataFrame:
    """marginaleffects' ``slopes``: dY/dX of each numeric variable (all when None) at each
    row, exact derivatives of the prediction on the ``type`` scale."""
    model, frame, p = _setup(m, newdata, type, vcov, offset, "slopes()")
    pieces = _slope_pieces(model, frame, p, variables, type, "slopes()")
    return _unit_table(pieces, frame, p.cov, conf_level)


def avg_slopes(m: GLMResult, variables: str | Sequence[str] | None = None, by: By = None,
               type: str = "response", *, newdata: Any = None, conf_level: float = 0.95,
               vcov: Any = None, offset: Any = None) -> pd.DataFrame:
    """marginaleffects' ``avg_slopes``: the average marginal effect dY/dX of each numeric
    variable, overall or within ``by`` groups."""
    model, frame, p = _setup(m, newdata, type, vcov, offset, "avg_slopes()")
    pieces = _slope_pieces(model, frame, p, variables, type, "avg_slopes()")
    return _average_table(pieces, frame, by, p.cov, conf_level)


def comparisons(m: GLMResult, variables: Any = None, newdata: Any = None,
                comparison: str = "difference", type: str = "response", *,
                conf_level: float = 0.95, vcov: Any = None, offset: Any = None
                ) -> pd.DataFrame:
    """marginaleffects' ``comparisons``: at each row, the prediction with each level of a factor
    against its reference level, or with a numeric variable +1 (``x + 0.5`` vs ``x - 0.5``),
    as a difference or a ratio."""
    model, frame, p = _setup(m, newdata, type, vcov, offset, "comparisons()")
    pieces = _comparison_pieces(model, frame, p, variables, type, comparison, "comparisons()")
    return _unit_table(pieces, frame, p.cov, conf_level, comparison)


def avg_comparisons(m: GLMResult, variables: Any = None, comparison: str = "difference",
                    by: By = None, type: str = "response", *, newdata: Any = None,
                    conf_level: float = 0.95, vcov: Any = None, offset: Any = None
                    ) -> pd.DataFrame:
    """marginaleffects' ``avg_comparisons``: the average difference, or the ratio of the
    average predictions (``comparison="ratio"``), overall or within ``by`` groups."""
    model, frame, p = _setup(m, newdata, type, vcov, offset, "avg_comparisons()")
    pieces = _comparison_pieces(model, frame, p, variables, type, comparison,
                                "avg_comparisons()")
    return _average_table(pieces, frame, by, p.cov, conf_level, comparison)
