"""The rows that marginal effects are computed over: the fitted data, ``newdata``, a datagrid.

:func:`datagrid` holds the model's variables at their mean (numbers) or mode
(factors, text, booleans) except those given, as marginaleffects' ``datagrid``;
the other helpers read the kind and the levels of a variable, set a variable
to a value in a copy of the rows, and group rows by ``by`` columns.

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
>>> datagrid(m, tension=["L", "H"]).astype(str).values.tolist()
[['L', 'A'], ['H', 'A']]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.chunked_source import is_dask_frame
from glmformula.design_checks import as_frame, names_list
from glmformula.design_formulaic import categorical_factors
from glmformula.design_parse import name_in
from glmformula.errors import ArgumentTypeError, DataError
from glmformula.rows import needs_rows

if TYPE_CHECKING:
    from glmformula.result import GLMResult

DASK_HINT = ("; or pass newdata= a pandas DataFrame (a sample of the data, "
             "ddf.sample(frac=0.01).compute(), or gf.datagrid(m, ...)); the avg_* functions "
             "and predictions(by=) average over Dask data in one pass")


def model_variables(m: GLMResult) -> list[str]:
    """The data columns the model uses (the formula's variables, offset variables included,
    and an ``offset=`` column)."""
    columns = list(m.design.data_columns)
    if m.design.offset_column is not None and m.design.offset_column not in columns:
        columns.append(m.design.offset_column)
    return columns


def fitted_rows(m: GLMResult, what: str) -> pd.DataFrame:
    """The rows of the data the fit used, as a pandas DataFrame (``newdata=None``)."""
    if not m.rows.in_memory or is_dask_frame(m.data):
        raise needs_rows(what, "gives a row for every row of the data", DASK_HINT)
    if m.data is None:
        raise ArgumentTypeError(f"{what}: the model keeps no data; pass newdata=")
    data = as_frame(m.data, "data")
    rows = pd.Index(m.design.row_index)
    if not rows.isin(data.index).all():
        raise DataError(f"{what}: the model's data no longer has the rows of the fit; pass "
                        "newdata=")
    return data.loc[rows]


def rows_frame(m: GLMResult, newdata: Any, what: str) -> pd.DataFrame:
    """``newdata`` as a pandas DataFrame (checked for the model's columns), or the fitted rows."""
    if newdata is None:
        return fitted_rows(m, what)
    if is_dask_frame(newdata):
        raise DataError(
            f"{what}: newdata is a Dask DataFrame, which it does not read; pass a pandas "
            "DataFrame (ddf.compute(), a sample ddf.sample(frac=0.01).compute(), or "
            "gf.datagrid(m, ...)); averages over the Dask data a model was fitted on need no "
            "newdata (one pass)"
        )
    frame = as_frame(newdata, "newdata")
    absent = [c for c in model_variables(m) if c not in frame.columns]
    if absent:
        raise DataError(
            f"newdata lacks column(s) {names_list(absent)} that the model uses; add them, or "
            "build newdata with gf.datagrid(m, ...), which holds the other variables at their "
            "mean or mode"
        )
    return frame


def _factor_state(m: GLMResult, name: str) -> dict[str, Any] | None:
    """The coding state of the factor the formula makes of variable ``name`` (itself, or an
    expression of it such as ``factor(cyl)`` or ``C(g, contr.sum)``); None if none."""
    for key, state in categorical_factors(m.design.model_spec["rhs"]).items():
        if key == name or name_in(name, key):
            return state
    return None


def is_factor(m: GLMResult, name: str, frame: pd.DataFrame) -> bool:
    """True when the model reads ``name`` as a factor (text, categorical, boolean, or a
    number in ``factor()``)."""
    if _factor_state(m, name) is not None:
        return True
    if name in m.design.numeric_columns:
        return False
    dtype = frame[name].dtype if name in frame.columns else None
    return dtype is None or not (pd.api.types.is_numeric_dtype(dtype)
                                 and not pd.api.types.is_bool_dtype(dtype))


def levels(m: GLMResult, name: str, frame: pd.DataFrame) -> list[Any]:
    """The levels of a factor as the model coded them (the first is the reference)."""
    state = _factor_state(m, name)
    if state is not None and "categories" in state:
        return list(state["categories"])
    values = frame[name]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    if pd.api.types.is_bool_dtype(values.dtype):
        return [False, True]
    return sorted(values.dropna().unique().tolist())


def with_value(frame: pd.DataFrame, name: str, value: Any) -> pd.DataFrame:
    """A shallow copy of ``frame`` with column ``name`` set to ``value`` (a scalar keeps a
    categorical column's categories when it is one of them; the model codes the others)."""
    out = frame.copy(deep=False)
    column = frame[name]
    if (np.isscalar(value) and isinstance(column.dtype, pd.CategoricalDtype)
            and value in column.dtype.categories):
        out[name] = pd.Series([value] * len(frame), index=frame.index).astype(column.dtype)
    else:
        out[name] = value
    return out


def groups(frame: pd.DataFrame, by: str | Sequence[str] | None
           ) -> tuple[list[str], list[tuple[Any, ...]], list[np.ndarray]]:
    """The ``by`` columns, each group's values and row positions (all rows: one group)."""
    if by is None:
        return [], [()], [np.arange(len(frame))]
    names = [by] if isinstance(by, str) else list(by)
    absent = [b for b in names if b not in frame.columns]
    if absent:
        raise DataError(
            f"by names {names_list(absent)}, not a column of the data; its columns are "
            f"{names_list(frame.columns, quote=False)} (pass newdata= with that column to group "
            "by it)"
        )
    codes = frame[names].reset_index(drop=True)
    grouped = codes.groupby(names, sort=True, observed=True, dropna=False).indices
    keys = [k if isinstance(k, tuple) else (k,) for k in grouped]
    return names, keys, [np.asarray(grouped[k]) for k in grouped]


def _typical(values: pd.Series, factor: bool) -> Any:
    """The mean of a numeric column; the mode (first seen among ties, as R) of the others."""
    if not factor:
        return float(values.mean())
    counts = values.value_counts(sort=False, dropna=True)
    firsts = pd.Index(values.dropna().drop_duplicates())
    return firsts[np.argmax(counts.reindex(firsts).to_numpy())]


def datagrid(m: GLMResult, /, **values: Any) -> pd.DataFrame:
    """marginaleffects' ``datagrid(model = m, x = ..., g = ...)``: every combination of the
    values given, the model's other variables at their mean (numbers) or mode (factors,
    text, booleans; the first seen among ties, as R) in the fitted data.

    A grid to pass as ``newdata=`` to :func:`~glmformula.margins.predictions`,
    :func:`~glmformula.margins.slopes` or :func:`~glmformula.margins.comparisons`. For a
    model fitted on Dask data the means and modes take one pass over it (a tie for the
    mode goes to the first level).
    """
    from glmformula.margins_dask import coded, is_dask_fit, typical_values
    from glmformula.result import require_model

    m = require_model(m, "datagrid()")
    dask = is_dask_fit(m)
    data = coded(m.data._meta, m.rows.source.plan.levels) if dask else (  # type: ignore
        fitted_rows(m, "datagrid()"))
    unknown = [name for name in values if name not in data.columns]
    if unknown:
        raise DataError(f"datagrid(): {names_list(unknown)} not a column of the model's data; "
                        f"its variables are {names_list(model_variables(m))}")
    given = {name: list(v) if isinstance(v, Sequence | np.ndarray | pd.Series)
             and not isinstance(v, str) else [v] for name, v in values.items()}
    others = {name: is_factor(m, name, data) for name in model_variables(m) if name not in given}
    typical = typical_values(m, others) if dask else {
        name: _typical(data[name], factor) for name, factor in others.items()}
    grid = pd.DataFrame(list(itertools.product(*given.values())), columns=list(given))
    for name, value in typical.items():
        grid[name] = value
    for name in grid.columns:
        dtype = data[name].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            known = list(dtype.categories)
            unknown = [v for v in grid[name].unique() if v not in known]
            if unknown:
                raise DataError(f"datagrid(): {names_list(unknown)} not a level of {name!r}; "
                                f"its levels are {names_list(known)}")
            grid[name] = grid[name].astype(dtype)
    return grid
