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
covariance or a type such as "HC3"); ``statistic`` is the z test of 0 (for
ratios too, as marginaleffects), intervals are normal, ``conf_level``
(0.95). ``offset=`` gives newdata's offset when the fit's ``offset=`` was an
array (as :meth:`GLMResult.predict`).

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
- ``variables=None`` takes every predictor of the formula (the numeric ones
  for slopes); a factor given to ``slopes`` is an error that points to
  ``comparisons``.
- On a model fitted on Dask data the averages (``avg_*``,
  ``predictions(by=)``) take one pass over its partitions
  (:mod:`glmformula.margins_dask`); the unit-level functions need ``newdata=``
  a pandas DataFrame.

>>> import glmformula as gf
>>> mt = gf.datasets.load("mtcars")
>>> m = gf.glm("am ~ hp + wt", data=mt, family="binomial")
>>> s = avg_slopes(m, variables="wt")
>>> row = s.iloc[0]
>>> row["contrast"], round(float(row["estimate"]), 4), round(float(row["std_error"]), 4)
('dY/dX', -0.3596, 0.0571)
>>> round(float(avg_predictions(m)["estimate"].iloc[0]), 5)  # the mean of y: 13/32
0.40625
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from glmformula.design_checks import names_list
from glmformula.errors import ArgumentTypeError, DataError
from glmformula.margins_average import Piece, average_table, unit_table
from glmformula.margins_dask import dask_average, is_dask_fit
from glmformula.margins_delta import INVLINK, Predictor, back_transformed, check_level, check_type
from glmformula.margins_grid import datagrid, is_factor, levels, rows_frame, with_value
from glmformula.result import GLMResult, require_model

__all__ = ["avg_comparisons", "avg_predictions", "avg_slopes", "comparisons", "datagrid",
           "predictions", "slopes"]

Array = np.ndarray
By = str | Sequence[str] | None
COMPARISONS = ("difference", "ratio")


def _setup(m: Any, newdata: Any, type: str, vcov: Any, offset: Any, conf_level: float,
           what: str) -> tuple[GLMResult, pd.DataFrame, Predictor]:
    model = require_model(m, what)
    check_type(type)
    check_level(conf_level)
    frame = rows_frame(model, newdata, what)
    return model, frame, Predictor(model, offset, vcov)


Names = Callable[[GLMResult, pd.DataFrame], dict[str, Any]]
Build = Callable[[pd.DataFrame, Predictor, dict[str, Any]], list[Piece]]


def _averaged(m: Any, newdata: Any, by: By, type: str, vcov: Any, offset: Any,
              conf_level: float, what: str, names: Names, build: Build,
              comparison: str = "difference") -> pd.DataFrame:
    """The averages of ``build``'s pieces over the rows: in memory, or in one pass over the
    partitions of a Dask fit (:mod:`glmformula.margins_dask`)."""
    model = require_model(m, what)
    check_type(type)
    check_level(conf_level)
    if newdata is None and is_dask_fit(model):
        if offset is not None:
            raise ArgumentTypeError(f"{what}: offset= is for newdata; pass newdata= as well")
        return dask_average(model, by, vcov, conf_level,
                            lambda frame, p: build(frame, p, names(p.m, frame)),
                            comparison, what, lambda frame: names(model, frame))
    frame = rows_frame(model, newdata, what)
    p = Predictor(model, offset, vcov)
    return average_table(build(frame, p, names(model, frame)), frame, by, p.cov, conf_level,
                         comparison)


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


def _slope_variables(variables: Any, what: str) -> Names:
    """The numeric variables to differentiate (a factor is an error)."""
    def names(m: GLMResult, frame: pd.DataFrame) -> dict[str, Any]:
        chosen = _variables(m, frame, variables, what)
        if variables is None:
            chosen = {v: s for v, s in chosen.items() if not is_factor(m, v, frame)}
        factors = [v for v in chosen if is_factor(m, v, frame)]
        if factors:
            raise ArgumentTypeError(
                f"{what}: {names_list(factors)} is a factor, which has no slope; compare its "
                f"levels with gf.comparisons(m, variables={factors[0]!r}) or avg_comparisons"
            )
        return chosen
    return names


def _slope_pieces(type: str) -> Build:
    def build(frame: pd.DataFrame, p: Predictor, chosen: dict[str, Any]) -> list[Piece]:
        return [Piece(name, "dY/dX", p.slope(frame, name, type)) for name in chosen]
    return build


def _comparison_variables(variables: Any, comparison: str, what: str) -> Names:
    """The variables to compare, a numeric one with its step."""
    if comparison not in COMPARISONS:
        raise ArgumentTypeError(f"comparison must be 'difference' or 'ratio', not "
                                f"{comparison!r}")

    def names(m: GLMResult, frame: pd.DataFrame) -> dict[str, Any]:
        chosen = _variables(m, frame, variables, what)
        for name, step in chosen.items():
            if not is_factor(m, name, frame) and not (
                    isinstance(step, int | float) and not isinstance(step, bool)):
                raise ArgumentTypeError(f"{what}: the step of numeric variable {name!r} must "
                                        f"be a number, not {step!r}")
        return chosen
    return names


def _comparison_pieces(type: str, comparison: str) -> Build:
    sign = " - " if comparison == "difference" else " / "

    def build(frame: pd.DataFrame, p: Predictor, chosen: dict[str, Any]) -> list[Piece]:
        pieces = []
        for name, step in chosen.items():
            if is_factor(p.m, name, frame):
                values = levels(p.m, name, frame)
                lo = p.values(p.design(with_value(frame, name, values[0])), type)
                for level in values[1:]:
                    hi = p.values(p.design(with_value(frame, name, level)), type)
                    pieces.append(Piece(name, f"{level}{sign}{values[0]}", hi, lo))
                continue
            x = pd.to_numeric(frame[name]).to_numpy(dtype=float)
            hi = p.values(p.design(with_value(frame, name, x + step / 2)), type)
            lo = p.values(p.design(with_value(frame, name, x - step / 2)), type)
            pieces.append(Piece(name, f"+{step:g}", hi, lo))
        return pieces
    return build


def _no_variables(m: GLMResult, frame: pd.DataFrame) -> dict[str, Any]:
    return {}


def _prediction_pieces(type: str) -> Build:
    def build(frame: pd.DataFrame, p: Predictor, _: dict[str, Any]) -> list[Piece]:
        return [Piece(None, None, p.values(p.design(frame), type))]
    return build


def predictions(m: GLMResult, newdata: Any = None, by: By = None, type: str = "response", *,
                conf_level: float = 0.95, vcov: Any = None, offset: Any = None
                ) -> pd.DataFrame:
    """marginaleffects' ``predictions``: the prediction for each row of ``newdata`` (the
    fitted rows when None), or averaged within ``by`` groups.

    ``offset=`` gives the offset of newdata when the fit's ``offset=`` was an array
    (as :meth:`GLMResult.predict`). ``type="invlink(link)"`` (R marginaleffects' default
    for a GLM's unit-level predictions) maps the link-scale estimate and interval through
    the inverse link, so a probability's interval stays within (0, 1); ``std_error`` and
    ``statistic`` are then dropped (they are the link scale's) and ``p_value`` tests the
    linear predictor, as R's. ``type="response"`` gives delta-method intervals.
    """
    if type == INVLINK:
        if by is not None:
            raise ArgumentTypeError(f"predictions(): type={INVLINK!r} is for unit-level "
                                    "predictions; averages within by= groups use "
                                    "type='response'")
        table = predictions(m, newdata, None, "link", conf_level=conf_level, vcov=vcov,
                            offset=offset)
        return back_transformed(table, require_model(m, "predictions()").family)
    if by is not None:
        return _averaged(m, newdata, by, type, vcov, offset, conf_level, "predictions()",
                         _no_variables, _prediction_pieces(type))
    model, frame, p = _setup(m, newdata, type, vcov, offset, conf_level, "predictions()")
    return unit_table(_prediction_pieces(type)(frame, p, {}), frame, p.cov, conf_level)


def avg_predictions(m: GLMResult, by: By = None, type: str = "response", *,
                    newdata: Any = None, conf_level: float = 0.95, vcov: Any = None,
                    offset: Any = None) -> pd.DataFrame:
    """marginaleffects' ``avg_predictions``: the average prediction over the rows (the fitted
    rows, or ``newdata``), overall or by the groups of ``by``."""
    return _averaged(m, newdata, by, type, vcov, offset, conf_level, "avg_predictions()",
                     _no_variables, _prediction_pieces(type))


def slopes(m: GLMResult, variables: str | Sequence[str] | None = None, newdata: Any = None,
           type: str = "response", *, conf_level: float = 0.95, vcov: Any = None,
           offset: Any = None) -> pd.DataFrame:
    """marginaleffects' ``slopes``: dY/dX of each numeric variable (all when None) at each
    row, exact derivatives of the prediction on the ``type`` scale."""
    model, frame, p = _setup(m, newdata, type, vcov, offset, conf_level, "slopes()")
    chosen = _slope_variables(variables, "slopes()")(model, frame)
    return unit_table(_slope_pieces(type)(frame, p, chosen), frame, p.cov, conf_level)


def avg_slopes(m: GLMResult, variables: str | Sequence[str] | None = None, by: By = None,
               type: str = "response", *, newdata: Any = None, conf_level: float = 0.95,
               vcov: Any = None, offset: Any = None) -> pd.DataFrame:
    """marginaleffects' ``avg_slopes``: the average marginal effect dY/dX of each numeric
    variable, overall or within ``by`` groups."""
    return _averaged(m, newdata, by, type, vcov, offset, conf_level, "avg_slopes()",
                     _slope_variables(variables, "avg_slopes()"), _slope_pieces(type))


def comparisons(m: GLMResult, variables: Any = None, newdata: Any = None,
                comparison: str = "difference", type: str = "response", *,
                conf_level: float = 0.95, vcov: Any = None, offset: Any = None
                ) -> pd.DataFrame:
    """marginaleffects' ``comparisons``: at each row, the prediction with each level of a factor
    against its reference level, or with a numeric variable +1 (``x + 0.5`` vs ``x - 0.5``),
    as a difference or a ratio."""
    names = _comparison_variables(variables, comparison, "comparisons()")
    model, frame, p = _setup(m, newdata, type, vcov, offset, conf_level, "comparisons()")
    pieces = _comparison_pieces(type, comparison)(frame, p, names(model, frame))
    return unit_table(pieces, frame, p.cov, conf_level, comparison)


def avg_comparisons(m: GLMResult, variables: Any = None, comparison: str = "difference",
                    by: By = None, type: str = "response", *, newdata: Any = None,
                    conf_level: float = 0.95, vcov: Any = None, offset: Any = None
                    ) -> pd.DataFrame:
    """marginaleffects' ``avg_comparisons``: the average difference, or the ratio of the
    average predictions (``comparison="ratio"``), overall or within ``by`` groups."""
    return _averaged(m, newdata, by, type, vcov, offset, conf_level, "avg_comparisons()",
                     _comparison_variables(variables, comparison, "avg_comparisons()"),
                     _comparison_pieces(type, comparison), comparison)
