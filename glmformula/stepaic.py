"""Stepwise selection by AIC: R's ``step`` for glm fits, MASS's ``stepAIC`` for glm.nb fits.

Each step compares the current model with the models one term smaller
(``drop1``) and one term larger (``add1``) within the scope and moves to the
best by AIC, until no move lowers it. A :func:`glmformula.glm_nb` fit steps as
MASS's ``stepAIC``: every candidate is a new glm.nb fit (theta estimated
again), AIC is ``-2 logLik + k edf`` (theta not counted), and the chosen model
is a glm_nb fit.

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool", data=wb, family="poisson")
>>> step(m, scope="~ .^2", data=wb, trace=False).design.term_names
['wool']
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from glmformula.anova_negbin import is_negbin
from glmformula.errors import ArgumentTypeError, DataError, GLMWarning
from glmformula.formula_text import formula_lines
from glmformula.refit import extract_aic, refit
from glmformula.result import require_model
from glmformula.rformula import update_formula
from glmformula.rtables import RFrame, frame_text
from glmformula.scope import Scope, factor_scope, model_data, parse_scope

if TYPE_CHECKING:
    from glmformula.result import GLMResult


def _fmt_aic(value: float) -> str:
    if not math.isfinite(value):  # R's format(): Inf, -Inf, NaN
        return "NaN" if math.isnan(value) else ("Inf" if value > 0 else "-Inf")
    return f"{round(value, 2):.7g}"


def _candidates(current: GLMResult, names: list[str], sign: str, k: float, data: Any,
                context: Any, negbin: bool) -> pd.DataFrame:
    """The drop (``sign`` "-") or add ("+") table, rows named ``- term`` / ``+ term``."""
    from glmformula.dropterm import addterm, dropterm
    from glmformula.stepwise import add1, drop1

    if sign == "-":
        table = (dropterm(current, names, k=k, data=data, context=context) if negbin
                 else drop1(current, k=k, scope=names))
    else:
        table = (addterm(current, names, k=k, data=data, context=context) if negbin
                 else add1(current, names, data=data, k=k, context=context))
    frame = table.data
    frame.index = ["<none>", *(f"{sign} {t}" for t in frame.index[1:])]
    return frame


def _zero_df_change(table: pd.DataFrame, mass: bool) -> str | None:
    """A 0-df deletion to make first (the last listed), as step / stepAIC choose it."""
    zero = [i for i, df in enumerate(table["Df"]) if df == 0]
    if mass and zero:  # MASS: a 0-df term that changes AIC is not dropped for free
        changing = [i for i in zero if abs(table["AIC"].iloc[i] - table["AIC"].iloc[0]) > 0.01]
        if changing:
            warnings.warn("0 df terms are changing AIC", GLMWarning, stacklevel=4)
            zero = [i for i in zero if i not in changing]
    return str(table.index[zero[-1]]) if zero else None


def _print_table(table: pd.DataFrame) -> str:
    from glmformula.anova import AnovaTable
    from glmformula.render.anova_text import render_anova_text

    shown = AnovaTable(data=table, heading="", test=None, kind="drop1")
    return render_anova_text(shown).lstrip("\n")


def step(model: GLMResult, scope: Scope = None,
         direction: Literal["both", "backward", "forward"] | None = None, k: float = 2,
         data: Any = None, trace: bool = True, context: Any = None,
         weights: Any = None, offset: Any = None, steps: int = 1000) -> GLMResult:
    """Stepwise selection by AIC, as R's ``step(model, scope, direction, k)``.

    ``scope`` is the upper model as a formula string, read as R's
    ``update.formula`` reads it (``"~ .^2"``: the model's terms squared;
    ``"~ . + x"``), or a dict ``{"lower": ..., "upper": ...}`` (terms of
    ``lower`` are never dropped). Without a scope only backward steps are
    taken, unless ``direction`` is given: then, as R, a term dropped may be
    added back (the initial model is the upper scope). ``direction`` is
    "both" when not given. ``k`` is the penalty per parameter (``k=math.log(m.nobs)`` for
    BIC-like steps; the printed criterion is still called AIC, as R's).
    Each chosen model is refitted on ``data``, the fit's own data unless
    given. ``weights``/``offset`` are passed to the refits; by default the
    fit's own are reused. With ``trace`` each step is printed as R prints it.
    Returns the chosen fitted model (a glm_nb fit for a glm_nb model), whose
    ``step_path`` is R's ``$anova`` (:class:`StepPath`): a DataFrame with
    columns Step, Df, Deviance, Resid. Df, Resid. Dev and AIC, one row per
    model on the path, R's heading (initial and final model) in
    ``.attrs["heading"]``, printed as MASS prints it. ``Resid. Df`` is
    ``nobs(m)`` minus R's ``extractAIC`` edf, as R's.

    >>> import glmformula as gf
    >>> wb = gf.datasets.load("warpbreaks")
    >>> m = gf.glm("breaks ~ wool * tension", data=wb, family="poisson")
    >>> path = step(m, scope={"lower": "~ 1", "upper": "~ .^2"}, trace=False).step_path
    >>> print(path)  # doctest: +NORMALIZE_WHITESPACE
    Stepwise Model Path
    Analysis of Deviance Table
    <BLANKLINE>
    Initial Model:
    breaks ~ wool * tension
    <BLANKLINE>
    Final Model:
    breaks ~ wool * tension
    <BLANKLINE>
    <BLANKLINE>
      Step Df Deviance Resid. Df Resid. Dev      AIC
    1                         48   182.3051 468.9692
    """
    model = require_model(model, "step()")
    return _select(model, scope, direction, k, data, trace, context, weights, offset, steps,
                   mass=is_negbin(model))


def stepAIC(model: GLMResult, scope: Scope = None,  # MASS's name
            direction: Literal["both", "backward", "forward"] | None = None, k: float = 2,
            data: Any = None, trace: bool = True, context: Any = None,
            weights: Any = None, offset: Any = None, steps: int = 1000) -> GLMResult:
    """MASS's ``stepAIC``: :func:`step` with MASS's conventions on a glm fit too.

    The path's ``Df`` is the size of each change (R's ``step`` gives the change
    in residual df, negative when a term is added), and a 0-df term that
    changes AIC by more than 0.01 is not dropped first ("0 df terms are
    changing AIC"). A glm_nb fit steps the same way with either function.
    """
    model = require_model(model, "stepAIC()")
    return _select(model, scope, direction, k, data, trace, context, weights, offset, steps,
                   mass=True)


def _select(model: GLMResult, scope: Scope, direction: str | None, k: float, data: Any,
            trace: bool, context: Any, weights: Any, offset: Any, steps: int,
            mass: bool) -> GLMResult:
    """The stepwise loop of R's ``step`` (``mass``: MASS's ``stepAIC``)."""
    given = direction is not None
    direction = "both" if direction is None else direction
    if direction not in ("both", "backward", "forward"):
        raise ArgumentTypeError("direction must be 'both', 'backward' or 'forward'")
    data = model_data(model, data, "step()")
    edf, best = extract_aic(model, k)
    if math.isnan(best) or best == -math.inf:  # R lets +Inf through (zero weights)
        raise DataError("AIC is not defined for this model, so 'step' cannot proceed"
                        if math.isnan(best) else
                        "AIC is -infinity for this model, so 'step' cannot proceed")
    lower, upper = parse_scope(model, scope, data, context, "step()")
    if scope is None and given:  # R: a direction given adds back the initial model's terms
        upper = list(model.design.term_names)
    backward = direction in ("both", "backward")
    forward = direction in ("both", "forward") and upper is not None
    negbin = is_negbin(model)
    n = model.nobs  # R's nobs(): rows with nonzero prior weight
    current = model
    out = [f"Start:  AIC={_fmt_aic(best)}\n{formula_lines(current, data)}\n"]
    path = [{"change": "", "AIC": best, "deviance": current.deviance, "df_residual": n - edf}]
    while steps > 0:
        steps -= 1
        terms = list(current.design.term_names)
        drop_c, add_c = factor_scope(terms, lower, upper)
        tables = []
        change = None
        if backward and drop_c:
            d = _candidates(current, drop_c, "-", k, data, context, negbin)
            change = _zero_df_change(d, mass)
            tables.append(d)
        if change is None:
            if forward and add_c:
                a = _candidates(current, add_c, "+", k, data, context, negbin)
                tables.append(a.iloc[1:] if tables else a)
            if not tables:
                break
            aod = pd.concat(tables)
            aod = aod[aod["Df"].isna() | (aod["Df"] != 0)]
            aod = aod.iloc[np.argsort(aod["AIC"].to_numpy(), kind="stable")]
            if trace:
                out.append(_print_table(aod))
            if aod.index[0] == "<none>":
                break
            change = str(aod.index[0])
        # R: update(fit, paste("~ .", change)), its formula simplified by update.formula
        current = refit(current, update_formula(current.formula, f"~ . {change}"), data,
                        context=context, weights=weights, offset=offset, quiet=True)
        edf, aic = extract_aic(current, k)
        out.append(f"\nStep:  AIC={_fmt_aic(aic)}\n{formula_lines(current, data)}\n")
        if aic >= best + 1e-7:
            break
        best = aic
        path.append({"change": change, "AIC": aic, "deviance": current.deviance,
                     "df_residual": n - edf})
    if trace:
        print("\n".join(out))
    frame = _path_frame(path, model, current, data, mass=mass)
    return dataclasses.replace(current, step_path=frame)


class StepPath(RFrame):
    """R's ``$anova`` of a stepwise selection: a DataFrame (Step, Df, Deviance, Resid. Df,
    Resid. Dev, AIC) that prints as MASS prints it ("Stepwise Model Path", the initial and
    final models, then the table with blanks for NA); the heading is in ``.attrs``."""

    def r_text(self) -> str:
        return str(self.attrs.get("heading", "")) + "\n" + frame_text(self, na="")


def _path_frame(path: list[dict[str, Any]], initial: GLMResult, final: GLMResult,
                data: Any, mass: bool) -> StepPath:
    """R's ``step.results``: the models on the path, their changes, deviances and AIC.

    ``Df`` is the change in residual df (``step``), or its size (``stepAIC``, ``mass``).
    """
    deviance = np.array([p["deviance"] for p in path], dtype=float)
    df_residual = np.array([p["df_residual"] for p in path], dtype=float)
    ddf = np.abs(np.diff(df_residual)) if mass else np.diff(df_residual)
    frame = StepPath({
        "Step": [p["change"] for p in path],
        "Df": np.concatenate([[np.nan], ddf]),
        "Deviance": np.concatenate([[np.nan], np.abs(np.diff(deviance))]),
        "Resid. Df": df_residual.astype(int),
        "Resid. Dev": deviance,
        "AIC": [p["AIC"] for p in path],
    }, index=[str(i + 1) for i in range(len(path))])
    frame.attrs["heading"] = (
        "Stepwise Model Path \nAnalysis of Deviance Table\n\nInitial Model:\n"
        f"{formula_lines(initial, data)}\n\nFinal Model:\n{formula_lines(final, data)}\n\n"
    )
    return frame


__all__ = ["StepPath", "step", "stepAIC"]
