"""``glm()`` on a Dask DataFrame or on Parquet/CSV files: the chunked front end.

The first pass learns the factor levels (and the state of ``center()`` and
``scale()``) from all partitions; IRLS then makes one pass per iteration
(:mod:`glmformula.chunked_irls`), each partition adding its share of
``X'WX``, ``X'Wz`` and the deviance; a last pass adds the dispersion, the AIC
and the null deviance. The result is a :class:`GLMResult` whose rows are lazy
(:class:`~glmformula.chunked_result.DaskRows`), with the same summary as an
in-memory fit. Dask runs the passes: its threaded scheduler by default, or the
cluster of an active ``dask.distributed.Client``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from glmformula.chunked_irls import ChunkedData, add_shares, fitted_coefficients
from glmformula.chunked_pass import PassRequest, chunk_pass
from glmformula.chunked_result import ChunkedSource, ChunkTotals, DaskRows, chunked_result
from glmformula.chunked_source import (
    OFFSET_COLUMN,
    WEIGHTS_COLUMN,
    aligned_assign,
    as_dask_frame,
    factor_columns,
    formula_columns,
    is_dask_frame,
    is_dask_series,
    make_plan,
    merge_levels,
    merge_transform_state,
    partition_levels,
    partition_transform_state,
    with_levels,
)
from glmformula.design import build_design
from glmformula.errors import ArgumentTypeError, DataError
from glmformula.factors import one_level_error
from glmformula.families import Family
from glmformula.formula_safety import formula_code
from glmformula.irls import Control, conclude, iterate
from glmformula.progress import IterationProgress
from glmformula.result import GLMResult

_PROTOTYPE_ROWS = 1000


def _column_arguments(ddf: Any, data: Any, formula: str, weights: object, offset: object
                      ) -> tuple[Any, str | None, str | None, bool]:
    """weights= and offset= as column names: a Dask Series of the data's rows becomes a
    column of ``ddf``. Returns the frame, the two names and whether offset= was a Series."""
    names: dict[str, str | None] = {}
    for what, value, column in (("weights", weights, WEIGHTS_COLUMN),
                                ("offset", offset, OFFSET_COLUMN)):
        if value is None or isinstance(value, str):
            names[what] = value
            continue
        if not (is_dask_series(value) and is_dask_frame(data)):
            raise ArgumentTypeError(
                f"with chunked data, {what} must be a column name (an array cannot be matched "
                "to the partitions) or, with a Dask DataFrame, a Dask Series computed from it "
                f"(e.g. np.log(ddf['exposure'])); else add it as a column and pass its name "
                f"as {what}="
            )
        if formula_columns(formula, [column, "y"]) == [column, "y"]:  # a "." in the formula
            raise ArgumentTypeError(
                f"with '.' in the formula, give {what} as a column name: '.' stands for every "
                "column of the data, which a Series is not"
            )
        ddf = aligned_assign(ddf, column, value, what)
        names[what] = column
    return ddf, names["weights"], names["offset"], names["offset"] == OFFSET_COLUMN


def _name(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _compute(tasks: list[Any]) -> list[Any]:
    import dask

    return list(dask.compute(*tasks))


def _first_pass(ddf: Any, formula: str, weights: str | None, offset: str | None,
                context: Mapping[str, Any], safe: bool = False) -> Any:
    """Factor levels over all partitions, the prototype design and the merged transform state."""
    import dask

    dtypes = dict(ddf.dtypes.items())
    used = formula_columns(formula, ddf.columns, weights, offset)
    factors = factor_columns(dtypes, used)
    parts = ddf.to_delayed()
    if factors:  # reads the columns the model uses: levels of its complete rows only
        found = _compute([dask.delayed(partition_levels)(part, factors)
                          for part in ddf[used].to_delayed()])
        levels = merge_levels(found, dtypes)
        predictors = formula_code(formula, list(ddf.columns), context, safe=safe).model_columns
        for column in predictors:
            if column not in (weights, offset) and len(levels.get(column, ())) == 1:
                raise one_level_error(column, levels[column][0])
    else:
        levels = {}
    plan = make_plan(formula, ddf.columns, levels, weights=weights, offset=offset,
                     context=context, prototype=None)
    columns = ddf[used] if list(ddf.columns) != used else ddf
    with warnings.catch_warnings():  # a short first partition: Dask warns, we read on
        warnings.filterwarnings("ignore", message="Insufficient elements for `head`")
        sample = columns.head(_PROTOTYPE_ROWS, npartitions=1, compute=True)
        if len(sample) < _PROTOTYPE_ROWS and ddf.npartitions > 1:  # as many as it takes
            sample = columns.head(_PROTOTYPE_ROWS, npartitions=-1, compute=True)
    sample = with_levels(sample, plan)
    sample = sample[sample.notna().all(axis=1)]
    if sample.empty:
        raise DataError("no complete row in the data: every row has a missing value in a "
                        "variable the model uses")
    # safe: the formula is checked before anything evaluates it; chunks keep the setting
    prototype = build_design(formula, sample.reset_index(drop=True), weights=weights,
                             offset=offset, context=context, structured=False, safe=safe)
    state = None
    if prototype.model_spec["rhs"].transform_state:
        rhs_spec = prototype.model_spec["rhs"]
        found_states = _compute([dask.delayed(partition_transform_state)(part, plan, rhs_spec)
                                 for part in parts])
        state = merge_transform_state(found_states)
    plan = make_plan(formula, ddf.columns, levels, weights=weights, offset=offset,
                     context=context, prototype=prototype, transform_state=state)
    return plan, prototype


def partition_runner(ddf: Any, plan: Any) -> Callable[..., dict[str, Any]]:
    """``run(func, *args)``: ``func(partition, plan, *args)`` on every partition, the shares
    added in partition order (see :func:`glmformula.chunked_irls.add_shares`)."""
    import dask

    columns = list(plan.columns)
    if list(ddf.columns) != columns:  # read only the columns the fit uses
        ddf = ddf[columns]
    parts = ddf.to_delayed()
    # whole objects, not containers for Dask to search for collections (and rebuild per task)
    static = dask.delayed(plan, traverse=False)

    def run(func: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        values = [dask.delayed(value, traverse=False) for value in args]
        tasks = [dask.delayed(func, pure=False)(part, static, *values) for part in parts]
        return add_shares(_compute(tasks))

    return run


def make_runner(ddf: Any, plan: Any, family: Family, user_start: bool) -> Any:
    """A function that runs one pass (a :class:`PassRequest`) over every partition."""
    run_any = partition_runner(ddf, plan)

    def run(request: PassRequest) -> dict[str, Any]:
        return run_any(chunk_pass, family, request, user_start)

    return run


def glm_chunked(
    formula: str, data: Any, family: Family, *, weights: object, offset: object,
    start: np.ndarray | None, control: Control, context: Mapping[str, Any], call: str,
    verbose: bool | None, safe: bool = False,
) -> GLMResult:
    """Fit on a Dask DataFrame or Parquet/CSV path; see :func:`glmformula.glm`."""
    ddf, n_file_rows = as_dask_frame(
        data, lambda columns: formula_columns(formula, columns, _name(weights), _name(offset)))
    ddf, weights_name, offset_name, offset_series = _column_arguments(
        ddf, data, formula, weights, offset)
    plan, prototype = _first_pass(ddf, formula, weights_name, offset_name, context, safe)
    p = len(plan.column_names)
    user_start = start is not None
    run = make_runner(ddf, plan, family, user_start)
    progress = IterationProgress(verbose, control.maxit)
    has_offset = prototype.offset is not None
    intercept = prototype.has_intercept
    # families with a fixed dispersion whose AIC needs no deviance: the AIC and the null
    # deviance are collected in the IRLS passes, and no last pass is needed
    fold = family.fixed_dispersion and family.aic_dispersion_basis is None

    def collect(first: dict[str, Any]) -> dict[str, Any]:
        if not fold:
            return {}
        return {"totals": True, "null_offset": not intercept,
                "null_mean": first["sum_wy"] / first["sum_w"] if intercept and not has_offset
                else None, "weight_totals": (first["sum_w"], first["rows"])}

    data = ChunkedData(run, p, range(p), start=start, extra=collect)
    try:
        done = iterate(data, control, progress)
    finally:
        progress.close()
    fit = fitted_coefficients(done)
    final = done.state.totals
    if "boundary" not in final:  # the sums the IRLS passes did not collect: one more pass
        final = data.pass_over(PassRequest(
            coef=done.weights_state.coef, columns=np.arange(p), gram=False,
            final=np.where(np.isnan(fit.coef), 0.0, fit.coef),
            null_mean=data.null_mean() if intercept and not has_offset else None,
            null_offset=not intercept, deviance=fit.deviance,
            weight_totals=(final["sum_w"], final["rows"]),
        ))
    data.final = final
    null_dev = conclude(data, done.state, boundary=final.get("boundary"), intercept=intercept,
                        has_offset=has_offset, aliased=fit.aliased, names=plan.column_names,
                        control=control)
    aic = float(final.get("aic", np.nan))
    if family.aic_dispersion_basis is not None:
        aic += family.aic_constant
    rows, dropped = int(final["rows"]), int(final.get("dropped", 0))
    _check_row_count(n_file_rows, rows + dropped)
    totals = ChunkTotals(rows=rows, nobs=int(final["nobs"]),
                         pearson=float(final.get("pearson", np.nan)), aic=aic,
                         passes=data.passes)
    source = ChunkedSource(ddf=ddf, plan=plan, family=family, user_start=user_start,
                           run=run, has_offset=has_offset)
    row_data = DaskRows(source, totals, np.where(np.isnan(fit.coef), 0.0, fit.coef),
                        done.weights_state.coef)
    return chunked_result(prototype, plan, dropped, context, weights_name is not None,
                          offset_series, family=family, fit=fit, null_deviance=float(null_dev),
                          control=control, call=call, rows=row_data)


def _check_row_count(in_files: int | None, read: int) -> None:
    """Every row of the files was read (used, or dropped for missing values)."""
    if in_files is not None and read != in_files:
        raise DataError(
            f"the files hold {in_files} rows but {read} were read; a file changed while "
            "it was read? Fit again"
        )
