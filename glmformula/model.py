"""``glm()``: the front end that joins formula, family and fitter.

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
>>> round(m.deviance, 4)
210.3919
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from glmformula.brglm_call import call_with_start
from glmformula.brglm_control import brglm_settings
from glmformula.collector import collector_paused
from glmformula.data_input import as_pandas
from glmformula.design_checks import check_design_scale
from glmformula.errors import ArgumentTypeError, DataError
from glmformula.families import Family, get_family
from glmformula.fit_arguments import FitArguments, call_parts, design_for
from glmformula.irls import Control, conclude, fit_from
from glmformula.irls_memory import MemoryData
from glmformula.links import Link
from glmformula.result import GLMResult
from glmformula.rformula import call_formula
from glmformula.rows import ArrayRows
from glmformula.update import call_arguments, remember


def _chunked(data: object) -> bool:
    """Dask data or files, read by chunks (a pandas frame never is: the chunked reader's
    modules are imported only for the others)."""
    if isinstance(data, pd.DataFrame):
        return False
    from glmformula.chunked_source import is_chunked_input

    return is_chunked_input(data)


def _control(control: Control | Mapping[str, Any] | None) -> Control:
    if control is None:
        return Control()
    if isinstance(control, Control):
        return control
    if isinstance(control, Mapping):
        unknown = set(control) - {"epsilon", "maxit", "trace"}
        if unknown:
            raise ArgumentTypeError(
                f"unknown control setting(s) {sorted(unknown)}; use epsilon, maxit or trace"
            )
        return Control(**control)
    raise ArgumentTypeError(
        "control must be a dict such as {'epsilon': 1e-8, 'maxit': 25} or a Control object"
    )


def _caller_namespace(depth: int, formula: object) -> dict[str, Any]:
    """The caller's variables and functions that the formula names (kept with the model
    for prediction, so only those: the model must not hold the caller's other objects)."""
    frame = sys._getframe(depth)
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula if isinstance(formula, str) else ""))
    namespace = {k: v for k, v in frame.f_globals.items() if k in names}
    namespace.update({k: v for k, v in frame.f_locals.items() if k in names})
    return namespace


def formula_namespace(context: Mapping[str, Any] | None, formula: object, safe: bool,
                      depth: int = 3) -> dict[str, Any]:
    """The names a formula may use besides the columns: ``context`` if given, else (not in
    safe mode) the caller's variables and functions that it names."""
    if context is not None:
        return dict(context)
    return {} if safe else _caller_namespace(depth, formula)


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _caller_name_of(depth: int, value: object) -> str | None:
    """The caller's variable name for `value` (R's ``data = warpbreaks`` in the call), in
    the first frame outside glmformula (glm_nb's caller, not glm_nb)."""
    if isinstance(value, str | bytes | int | float) or value is None:
        return None
    frame = sys._getframe(depth)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    for scope in (frame.f_locals, frame.f_globals):
        for name, bound in scope.items():
            if bound is value and name.isidentifier() and not name.startswith("_"):
                return name
    return None


def _start_vector(start: Sequence[float] | np.ndarray | None, p: int) -> np.ndarray | None:
    if start is None:
        return None
    try:
        values = np.asarray(start, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ArgumentTypeError("start must be a sequence of numbers") from None
    if values.size != p:
        raise DataError(
            f"start has {values.size} values but the model has {p} coefficients; "
            "give one starting value per column of the model matrix"
        )
    if not np.all(np.isfinite(values)):
        raise DataError("start values must be finite numbers")
    return values


def glm(
    formula: str,
    data: pd.DataFrame | Mapping[str, Any],
    family: str | Family | type[Family] = "gaussian",
    link: str | Link | None = None,
    *,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    offset: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    start: Sequence[float] | np.ndarray | None = None,
    control: Control | Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    data_name: str | None = None,
    variance: str | None = None,
    verbose: bool | None = None,
    safe: bool = False,
    subset: Any = None,
    na_action: str | None = None,
    contrasts: Mapping[str, Any] | None = None,
    method: str = "glm.fit",
    type: str | None = None,
) -> GLMResult:
    """Fit a generalized linear model, as R's ``glm(formula, family, data, ...)``.

    ``family`` is a name in R's or Python's spelling ("poisson", "Gamma",
    "inverse_gaussian", 'binomial(link = "probit")') or a family object;
    ``weights`` and ``offset`` a column name or an array; ``control`` a dict
    with ``epsilon``, ``maxit`` and ``trace``. Functions and variables used in
    the formula are looked up in ``context`` or else in the caller's namespace.
    ``variance`` is the quasi family's variance ("mu", "mu^2", ...).

    A formula is code: its terms are Python expressions, evaluated as written
    (as R's are), so a formula can run any code and read the caller's
    variables. For a formula from an untrusted source (a web form, a file, a
    command line) pass ``safe=True``: then only column names, numbers,
    arithmetic, comparisons and a fixed list of functions (log, exp, sqrt,
    poly, scale, C, ..., see :mod:`glmformula.formula_safety`) are allowed,
    anything else is refused with a FormulaError before anything is evaluated,
    the caller's variables are not read (only an explicit ``context``), and
    the fit's refits (``step``, ``add1``, ``drop1``) and predictions stay safe. The
    command line is safe by default.

    ``data`` may also be a Dask DataFrame or a path (or glob) of Parquet or CSV
    files, read lazily: IRLS then makes one pass over the partitions per
    iteration (see :mod:`glmformula.chunked_model`); ``verbose`` shows the
    iterations of such a fit (None: once it has run a few seconds).

    R's ``subset``, ``na.action`` and ``contrasts`` (see
    :mod:`glmformula.fit_arguments`): ``subset`` a boolean mask or an R
    expression ('Sex == "F" & Age != "F3"', checked as formulas are);
    ``na_action`` "omit" (the default), "exclude" (fitted values, residuals and
    predictions padded with NaN to the data's rows) or "fail"; ``contrasts`` a
    dict such as ``{"tension": "contr.sum"}`` (see :mod:`glmformula.contrasts`).

    ``method="brglmFit"`` (or "brglm_fit") fits by brglm2's bias-reducing adjusted
    score equations, ``type`` the estimator ("AS_mixed", "AS_mean", "AS_median",
    "correction", "MPL_Jeffreys", "ML"); see :mod:`glmformula.brglm`.
    """
    given = dict(locals())  # the call's arguments, kept on the fit for update()
    fam = get_family(family, link) if variance is None else get_family(
        family, link, variance=variance
    )
    brglm = brglm_settings(method, type, control)
    settings = _control(control) if brglm is None else brglm
    if context is not None and not isinstance(context, Mapping):
        raise ArgumentTypeError(
            f"context must be a dict of names to values; got {context.__class__.__name__}"
        )
    if not isinstance(safe, bool):
        raise ArgumentTypeError(f"safe must be True or False; got {safe.__class__.__name__}")
    namespace = formula_namespace(
        context, f"{formula} {subset}" if isinstance(subset, str) else formula, safe)
    if data_name is None:
        data_name = _caller_name_of(2, data)
    data = as_pandas(data, "data")  # polars and Arrow data: the pandas frame, converted once
    arguments = FitArguments.of(subset, na_action, contrasts, _caller_name_of(2, subset))
    if _chunked(data):
        if brglm is not None:
            from glmformula.brglm import refuse_chunked  # scipy.optimize: only when asked

            refuse_chunked()
        if arguments is not None:
            arguments.refuse_chunked()
        from glmformula.chunked_model import glm_chunked

        return remember(glm_chunked(
            formula, data, fam, weights=weights, offset=offset,
            start=None if start is None else np.asarray(start, dtype=float),
            control=settings, context=namespace, verbose=verbose, safe=safe,
            call=_call_text(formula, fam, data_name, weights, offset),
        ), data, given)
    # a large fit's allocations would trigger a full collection of every object the
    # imports made (see glmformula.collector); the fit itself makes few cycles
    with collector_paused():
        design = design_for(formula, data, weights=weights, offset=offset, context=namespace,
                            safe=safe, arguments=arguments)
        n, p = design.X.shape
        prior = (
            np.ones(n) if design.prior_weights is None else np.asarray(design.prior_weights, float)
        )
        if np.any(prior < 0):
            raise DataError("negative weights are not allowed; weights must be >= 0")
        offset_values = np.zeros(n) if design.offset is None else np.asarray(design.offset, float)
        start_values = _start_vector(start, p)
        response = fam.initialize(design.response.values, prior, design.response.levels,
                                  user_start=start_values is not None)
        if not np.any(response.weights > 0):
            raise DataError(
                f"all {n} rows have zero weight (prior weights, or binomial trials), so no "
                "observation is informative; give some rows a positive weight"
            )
        check_design_scale(design)
        if brglm is not None:
            from glmformula.brglm import fit_brglm

            return fit_brglm(design, fam, response, offset_values, start_values, brglm,
                             method=method, type=type, data=data, call_args=call_arguments(given),
                             call=_call_text(formula, fam, data_name, weights, offset,
                                             call_parts(design, family, fam.label)))
        rows = MemoryData(design.X, response.y, response.weights, offset_values, fam,
                          mustart=response.mustart, start=start_values)
        irls_fit = fit_from(rows, settings)
        null_dev = conclude(rows, irls_fit, boundary=fam.boundary_message(irls_fit.mu),
                            intercept=design.has_intercept, has_offset=design.offset is not None,
                            aliased=irls_fit.aliased, names=design.column_names, control=settings)
        infinite = _infinite_estimates(fam, design, response, irls_fit)
        return GLMResult(
            design=design, family=fam, response=response, fit=irls_fit,
            null_deviance=null_dev, offset=offset_values, control=settings,
            rows=ArrayRows.of(design, response, offset_values, irls_fit, fam),
            call=call_with_start(_call_text(formula, fam, data_name, weights, offset,
                                            call_parts(design, family, fam.label)), start_values),
            infinite_estimates=infinite,
            data=data, call_args=call_arguments(given),
        )


def _infinite_estimates(family: Family, design: Any, response: Any, fit: Any) -> Any:
    """The separation check's infinite estimates (binomial fits only: the linear program's
    module is imported for the families that can separate)."""
    if not family.separation_possible:
        return None
    from glmformula.separation import check_separation

    return check_separation(family, design, response, fit)


def _call_text(
    formula: str, family: Family, data_name: str | None, weights: object, offset: object,
    more: Mapping[str, str] | None = None,
) -> str:
    """The call as R's summary prints it (``more``: subset, na.action, contrasts, and the
    family as the caller wrote it)."""
    more = dict(more or {})
    coding = more.pop("contrasts", None)
    arguments = family.call_arguments()
    fam = more.pop("family", None) or (
        f"{family.label}({', '.join(arguments)})" if arguments else family.label)
    parts = [f"formula = {call_formula(formula)}", f"family = {fam}",
             f"data = {data_name or 'data'}"]
    if weights is not None:
        parts.append(f"weights = {weights if isinstance(weights, str) else 'weights'}")
    parts += [f"{name} = {text}" for name, text in more.items()]
    if offset is not None:
        parts.append(f"offset = {offset if isinstance(offset, str) else 'offset'}")
    if coding is not None:
        parts.append(f"contrasts = {coding}")
    return f"glm({', '.join(parts)})"
