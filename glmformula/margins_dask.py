"""Averages over a model fitted on Dask data, in one pass over its partitions.

Each partition gives the rows the fit used (:func:`glmformula.chunked_source.prepare_chunk`),
its factors coded with the fit's levels, and the sums of the values and
Jacobian rows of each term per ``by`` group (:class:`~glmformula.margins_average.Sums`);
the sums add up to those of the whole data, so the averages and their
standard errors equal the in-memory ones. :func:`typical_values` gives
:func:`~glmformula.margins_grid.datagrid` the means and modes, also in one pass.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.chunked_source import is_dask_frame, prepare_chunk
from glmformula.margins_average import GroupSums, Piece, group_sums, sums_table
from glmformula.margins_delta import Predictor, covariance
from glmformula.rows import needs_rows

if TYPE_CHECKING:
    from glmformula.result import GLMResult

Build = Callable[[pd.DataFrame, Predictor], list[Piece]]
Meta = list[tuple[str | None, str | None, bool]]


def is_dask_fit(m: GLMResult) -> bool:
    """The model was fitted on a Dask DataFrame, which it keeps as its data."""
    return not m.rows.in_memory and is_dask_frame(m.data)


def _plan(m: GLMResult) -> Any:
    source = getattr(m.rows, "source", None)
    if source is None:
        raise needs_rows("this average", "needs the data of the fit")
    return source.plan


def coded(frame: pd.DataFrame, levels: dict[str, list[Any]]) -> pd.DataFrame:
    """A partition with its factor columns coded with the fit's levels."""
    out = frame.copy(deep=False)
    for column, values in levels.items():
        if column in out.columns:
            out[column] = pd.Categorical(np.asarray(out[column], dtype=object),
                                         categories=values)
    return out


def _partition_sums(part: pd.DataFrame, model: GLMResult, plan: Any,
                    levels: dict[str, list[Any]], build: Build, by: Any
                    ) -> tuple[Meta, list[str], GroupSums] | None:
    chunk = prepare_chunk(part, plan)
    if chunk is None or not len(chunk.row_index):
        return None
    rows = coded(part, levels)
    if len(chunk.row_index) != len(part):  # rows with a missing value were dropped
        rows = rows.loc[chunk.row_index]
    pieces = build(rows, Predictor(model, None, None))
    names, sums = group_sums(pieces, rows, by)
    return [(p.term, p.contrast, p.lo is not None) for p in pieces], names, sums


def dask_average(m: GLMResult, by: Any, vcov: Any, conf_level: float, build: Build,
                 comparison: str, what: str, check: Callable[[pd.DataFrame], object]
                 ) -> pd.DataFrame:
    """The averages of ``build``'s pieces over the rows of a Dask fit, in one pass."""
    import dask

    if m.design.offset_array:
        raise needs_rows(what, "needs the offset= of every row",
                         "; or fit with offset= a column name of the data")
    plan = _plan(m)
    levels = {k: list(v) for k, v in plan.levels.items()}
    meta = coded(m.data._meta, levels)
    check(meta)  # the variables and by columns, before the pass
    group_sums([], meta, by)
    cov = covariance(m, vcov)
    slim = dataclasses.replace(m, rows=m.rows.detached(),  # type: ignore[attr-defined]
                               cov_override=cov, data=None, call_args={})
    tasks = [dask.delayed(_partition_sums)(part, slim, plan, levels, build, by)
             for part in m.data.to_delayed()]
    results = [r for r in dask.compute(*tasks) if r is not None]
    if not results:
        raise needs_rows(what, "found no complete row in the data")
    pieces, names = results[0][0], results[0][1]
    total: GroupSums = {}
    for _, _, sums in results:
        for key, group in sums.items():
            total[key] = group if key not in total else [
                a + b for a, b in zip(total[key], group, strict=True)]
    ordered = dict(sorted(total.items(), key=lambda item: _order(item[0], names, meta)))
    return sums_table(pieces, names, ordered, dict(meta.dtypes), cov, conf_level, comparison)


def _order(key: Sequence[Any], names: list[str], meta: pd.DataFrame) -> tuple[Any, ...]:
    """Sort keys of the by groups: a factor by its levels, others by value."""
    out = []
    for name, value in zip(names, key, strict=True):
        dtype = meta[name].dtype
        out.append(list(dtype.categories).index(value)
                   if isinstance(dtype, pd.CategoricalDtype) else value)
    return tuple(out)


def typical_values(m: GLMResult, factors: dict[str, bool]) -> dict[str, Any]:
    """The mean of each numeric column and the mode (the first level among ties) of the
    others, over the rows of the Dask data that the fit used, in one pass."""
    import dask

    plan = _plan(m)
    ddf = m.data.dropna(subset=list(plan.columns))  # the rows the fit used
    levels = {k: list(v) for k, v in plan.levels.items()}
    tasks = {name: ddf[name].value_counts() if factor else ddf[name].mean()
             for name, factor in factors.items()}
    computed = dict(zip(tasks, dask.compute(*tasks.values()), strict=True))
    out: dict[str, Any] = {}
    for name, factor in factors.items():
        if not factor:
            out[name] = float(computed[name])
            continue
        counts = computed[name]
        order = levels.get(name) or sorted(counts.index)
        counts = counts.reindex([v for v in order if v in counts.index])
        out[name] = counts.index[int(np.argmax(counts.to_numpy()))]
    return out
