"""Data that arrive in chunks: a Dask DataFrame or Parquet/CSV files read lazily.

A first pass over every partition learns what the formula needs from all the
data: the levels of every factor (so that each partition codes them alike)
and the state of the stateful transforms ``center()`` and ``scale()``. Each
later pass turns one partition at a time into a :class:`Chunk` (the rows used,
their response, weights, offset and model matrix) with the plan of that
first pass; nothing but one partition per worker is ever in memory.

>>> import pandas as pd
>>> frame = pd.DataFrame({"y": [1.0, 2, 4], "g": ["b", "a", "b"]})
>>> plan = make_plan("y ~ g", frame.columns, {"g": ["a", "b"]}, weights=None, offset=None,
...                  context={}, prototype=None)
>>> chunk = prepare_chunk(frame, plan)
>>> chunk.column_names, chunk.n_rows
(['(Intercept)', 'gb'], 3)
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from glmformula.chunked_files import CSV_SUFFIXES, PARQUET_SUFFIXES
from glmformula.chunked_kinds import check_level_kinds
from glmformula.design import Design, build_design
from glmformula.design_formulaic import DEFAULT_CONTEXT
from glmformula.errors import ArgumentTypeError, DataError, FormulaError
from glmformula.matrices import ModelMatrix
from glmformula.optional import optional_dependency_message

#: stateful transforms whose state can be combined across partitions
MERGEABLE_TRANSFORMS = ("center", "scale")
#: R's ``.`` on the right-hand side: every column of the data
_DOT = re.compile(r"(?<![\w.`])\.(?![\w.`])")


def _dask_collection(data: object, name: str) -> bool:
    kind = type(data)
    return kind.__module__.startswith(("dask.", "dask_expr")) and kind.__name__ == name and (
        hasattr(data, "npartitions"))


def is_dask_frame(data: object) -> bool:
    """True for a Dask DataFrame (without importing dask when it is not loaded)."""
    return _dask_collection(data, "DataFrame")


def is_dask_series(data: object) -> bool:
    """True for a Dask Series (a column of a Dask DataFrame, or computed from columns)."""
    return _dask_collection(data, "Series")


#: the columns that hold weights= and offset= given as Dask Series
WEIGHTS_COLUMN, OFFSET_COLUMN = "(weights)", "(offset)"


def aligned_assign(ddf: Any, name: str, series: Any, what: str) -> Any:
    """``ddf`` with a Dask Series of its rows as column ``name`` (for weights=, offset=)."""
    if series.npartitions != ddf.npartitions:
        raise ArgumentTypeError(
            f"{what} is a Dask Series of {series.npartitions} partitions but the data have "
            f"{ddf.npartitions}; compute it from the data's columns (e.g. "
            f"np.log(ddf['exposure'])) or add it as a column and pass its name as {what}="
        )
    try:
        return ddf.assign(**{name: series})
    except (ValueError, TypeError, NotImplementedError) as error:
        raise ArgumentTypeError(
            f"{what} is a Dask Series that cannot be matched to the rows of the data "
            f"({error}); add it as a column and pass its name as {what}="
        ) from None


def is_chunked_input(data: object) -> bool:
    """A Dask DataFrame, or a path (or glob) of Parquet or CSV files."""
    if is_dask_frame(data):
        return True
    if isinstance(data, (str, Path)):
        text = str(data).lower().rstrip("/")
        return text.endswith(PARQUET_SUFFIXES + CSV_SUFFIXES) or Path(data).is_dir()
    return False


def import_dask() -> Any:
    """dask.dataframe, or an error that says how to install it."""
    try:
        import dask.dataframe as dd
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ArgumentTypeError(optional_dependency_message(
            "dask", "fitting a Dask DataFrame or Parquet/CSV files", "dask", error)) from None
    return dd


def as_dask_frame(data: object, used: Callable[[Sequence[str]], list[str]] | None = None
                  ) -> tuple[Any, int | None]:
    """The data as a Dask DataFrame, and the rows of its files when they are known.

    Local Parquet and CSV paths (a glob or a directory too) are checked file by
    file and read lazily (see :mod:`glmformula.chunked_files`); ``used`` picks
    the columns to read from all the files' columns (default: all). URLs are
    read by Dask's own readers.
    """
    if is_dask_frame(data):
        return data, None
    dd = import_dask()
    text = str(data)
    if "://" not in text:
        from glmformula.chunked_files import open_files

        return open_files(text, used or list)
    if text.lower().rstrip("/").endswith(CSV_SUFFIXES):
        return dd.read_csv(text), None
    return dd.read_parquet(text), None


@dataclass(frozen=True)
class ChunkPlan:
    """What every partition needs to be coded as the whole data would be."""

    formula: str
    columns: tuple[str, ...]  # the columns of the data that the fit reads
    levels: Mapping[str, list[Any]]  # factor column -> its levels over all partitions
    weights: str | None
    offset: str | None
    context: Mapping[str, Any]
    column_names: tuple[str, ...]  # model-matrix columns, as on the whole data
    model_spec: Any = None  # formulaic specs with the merged transform state, if any
    transform_state: Mapping[str, Any] | None = None  # that state: center(), scale()
    prototype: Design | None = None  # the design on a few rows, whose coding chunks reuse
    safe: bool = False  # the formula is evaluated in safe mode (see formula_safety)


@dataclass(frozen=True, eq=False)
class Chunk:
    """One partition, ready for the fitter: the rows kept and their model matrix."""

    X: np.ndarray | ModelMatrix
    response: np.ndarray
    response_levels: tuple[str, ...] | None
    prior_weights: np.ndarray
    offset: np.ndarray
    row_index: pd.Index
    n_rows: int  # rows of the partition, kept or not
    column_names: list[str]

    @property
    def n_dropped(self) -> int:
        """Rows of the partition left out for missing values."""
        return self.n_rows - len(self.row_index)


def formula_columns(formula: str, columns: Sequence[Any], *names: str | None) -> list[str]:
    """The data columns that the formula (or the weights/offset names) mention.

    A ``.`` on the right-hand side stands for every column, so all are used.

    >>> formula_columns("y ~ . - x", ["y", "x", "z"]), formula_columns("y ~ I(x * .5)", ["x", "y"])
    (['y', 'x', 'z'], ['x', 'y'])
    """
    if _DOT.search(formula.split("~", 1)[-1]):
        return [str(c) for c in columns]
    words = set(re.findall(r"[A-Za-z_.][A-Za-z0-9_.]*", formula))
    words.update(n for n in names if n is not None)
    quoted = set(re.findall(r"`([^`]+)`", formula))
    return [str(c) for c in columns if str(c) in words or str(c) in quoted]


def factor_columns(dtypes: Mapping[str, Any], columns: Sequence[str]) -> list[str]:
    """Columns coded as factors: strings, objects, booleans and categoricals."""
    out = []
    for c in columns:
        dtype = dtypes[c]
        if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(
            dtype
        ) or pd.api.types.is_string_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            out.append(c)
    return out


def partition_levels(frame: pd.DataFrame, columns: Sequence[str]
                     ) -> dict[str, tuple[bool, list[Any]]]:
    """Per factor column of one partition: whether it is categorical, and its levels.

    Only the complete rows of ``frame`` (its columns are those the model uses)
    count, as R's ``model.frame`` drops unused levels after ``na.omit``: a
    categorical gives the categories those rows use, in their order; other
    columns their distinct values.
    """
    rows = frame[frame.notna().all(axis=1)] if len(frame.columns) else frame
    out: dict[str, tuple[bool, list[Any]]] = {}
    for c in columns:
        series = rows[c]
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = np.unique(np.asarray(series.cat.codes))
            out[c] = (True, list(series.cat.categories[codes[codes >= 0]]))
        else:
            out[c] = (False, list(pd.unique(series.dropna())))
    return out


def merge_levels(parts: Sequence[Mapping[str, tuple[bool, list[Any]]]],
                 dtypes: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Levels over all partitions, as R's ``factor`` would give them on the whole data.

    Categoricals keep their categories' order (the first partition's, then any
    new ones as they appear) less the categories no row uses (R's
    ``drop.unused.levels``); other columns get their sorted distinct values.
    """
    out: dict[str, list[Any]] = {}
    for c in parts[0] if parts else {}:
        dtype = dtypes[c]
        seen: dict[Any, None] = {}
        for part in parts:
            seen.update(dict.fromkeys(part[c][1]))
        if isinstance(dtype, pd.CategoricalDtype) and dtype.categories is not None and (
            len(dtype.categories) and not _unknown_categories(dtype)
        ):
            out[c] = [level for level in dtype.categories if level in seen]
            continue
        check_level_kinds(c, [part[c][1] for part in parts])
        categorical = all(part[c][0] for part in parts)
        out[c] = list(seen) if categorical else sorted(seen, key=lambda v: (str(type(v)), v))
    return out


def _unknown_categories(dtype: pd.CategoricalDtype) -> bool:
    return "__UNKNOWN_CATEGORIES__" in map(str, dtype.categories)


def with_levels(frame: pd.DataFrame, plan: ChunkPlan) -> pd.DataFrame:
    """The partition's columns that the fit reads, factors coded with the global levels."""
    absent = [c for c in plan.columns if c not in frame.columns]
    if absent:
        raise DataError(f"a partition lacks the column(s) {absent} that the model uses")
    out = frame.loc[:, list(plan.columns)]
    for c, levels in plan.levels.items():
        values = out[c]
        dtype = values.dtype
        categorical = isinstance(dtype, pd.CategoricalDtype)
        if not (categorical and list(values.cat.categories) == list(levels)):
            ordered = isinstance(dtype, pd.CategoricalDtype) and bool(dtype.ordered)  # contr.poly
            out[c] = pd.Categorical(np.asarray(values, dtype=object), categories=levels,
                                    ordered=ordered)
    return out


def make_plan(formula: str, columns: Sequence[Any], levels: Mapping[str, list[Any]], *,
              weights: str | None, offset: str | None, context: Mapping[str, Any],
              prototype: Design | None, transform_state: Mapping[str, Any] | None = None,
              ) -> ChunkPlan:
    """The plan; ``prototype`` (a design on a few rows) gives the column names."""
    used = formula_columns(formula, columns, weights, offset)
    plan = ChunkPlan(formula=formula, columns=tuple(used), levels=dict(levels),
                     weights=weights, offset=offset, context=dict(context), column_names=())
    if prototype is None:
        return plan
    spec = None
    if transform_state:
        specs = prototype.model_spec
        parts = {k: specs[k] for k in ("rhs", "offset") if k in specs}
        parts["rhs"] = parts["rhs"].update(transform_state=dict(transform_state))
        spec = type(specs)(**parts)
    return dataclasses.replace(plan, column_names=tuple(prototype.column_names), model_spec=spec,
                               transform_state=dict(transform_state) if transform_state else None,
                               prototype=None if transform_state else prototype,
                               safe=bool(getattr(prototype, "safe", False)))


def _empty_chunk(plan: ChunkPlan, n_rows: int) -> Chunk:
    """A partition with no complete row: nothing to fit, its rows still counted."""
    return Chunk(np.zeros((0, len(plan.column_names))), np.zeros(0), None, np.zeros(0),
                 np.zeros(0), pd.RangeIndex(0), n_rows, list(plan.column_names))


def prepare_chunk(frame: pd.DataFrame, plan: ChunkPlan) -> Chunk | None:
    """One partition as a :class:`Chunk`; None when it has no complete row."""
    n_rows = len(frame)
    data = with_levels(frame, plan)
    data = data.set_axis(pd.RangeIndex(n_rows), axis=0)
    if n_rows == 0:
        return _empty_chunk(plan, n_rows)
    try:
        design = build_design(plan.formula, data, weights=plan.weights, offset=plan.offset,
                              context=plan.context, transform_state=plan.transform_state,
                              prototype=plan.prototype, safe=plan.safe)
    except DataError:
        if not data.notna().all(axis=1).any():  # no complete row in this partition
            return _empty_chunk(plan, n_rows)
        raise
    names = list(design.column_names)
    if plan.column_names and names != list(plan.column_names):
        raise DataError(
            "a partition gives other model-matrix columns than the whole data "
            f"({names} instead of {list(plan.column_names)})"
        )
    X: np.ndarray | ModelMatrix = design.X
    offset = design.offset
    n = len(design.row_index)
    prior = np.ones(n) if design.prior_weights is None else np.asarray(
        design.prior_weights, float)
    return Chunk(
        X=X, response=design.response.values, response_levels=design.response.levels,
        prior_weights=prior, offset=np.zeros(n) if offset is None else np.asarray(offset, float),
        row_index=frame.index if design.n_dropped == 0 else frame.index[
            np.asarray(design.row_index)],
        n_rows=n_rows, column_names=names,
    )


# --- the first pass: levels and transform state ---------------------------------------
def partition_transform_state(frame: pd.DataFrame, plan: ChunkPlan, rhs_spec: Any
                              ) -> tuple[dict[str, Any], int]:
    """The transform state formulaic learns on one partition, and its row count.

    ``rhs_spec`` is the right-hand side's model spec (from a few rows); its
    transforms are evaluated afresh on the partition, keeping rows with missing
    values (the state counts the values it used).
    """
    data = with_levels(frame, plan).set_axis(pd.RangeIndex(len(frame)), axis=0)
    if len(data) == 0:
        return {}, 0
    spec = rhs_spec.update(transform_state={}, na_action="ignore")
    with warnings.catch_warnings():  # missing factor values are kept here, on purpose
        warnings.simplefilter("ignore")
        matrix = spec.get_model_matrix(data, context={**DEFAULT_CONTEXT, **plan.context})
    return dict(matrix.model_spec.transform_state), len(data)


def merge_transform_state(parts: Sequence[tuple[Mapping[str, Any], int]]) -> dict[str, Any]:
    """Combine per-partition ``center``/``scale`` states into those of the whole data."""
    parts = [(state, n) for state, n in parts if n > 0]
    if not parts:
        return {}
    merged: dict[str, Any] = {}
    for expr, first in parts[0][0].items():
        name = expr.split("(", 1)[0].strip()
        if isinstance(first, dict) and first.get("fixed") is True:
            merged[expr] = _shared_fixed_state(expr, [state[expr] for state, _ in parts])
            continue
        if name not in MERGEABLE_TRANSFORMS or not isinstance(first, dict):
            raise FormulaError(
                f"{expr} needs the whole data at once; on chunked data only center(), "
                "scale() and terms that learn nothing from the data are supported (give "
                "ns()/bs() knots=c(...) and Boundary.knots=c(lo, hi), or poly(..., "
                "raw=TRUE)), or compute the transform beforehand as a column"
            )
        states = [(state[expr], n) for state, n in parts]
        merged[expr] = _merge_scale(states)
    return merged


def _shared_fixed_state(expr: str, states: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The state of a term that learns nothing from the data: the same in every partition."""
    first = states[0]
    for other in states[1:]:
        same = other.keys() == first.keys() and all(
            np.array_equal(np.asarray(other[k], dtype=object), np.asarray(first[k], dtype=object))
            for k in first
        )
        if not same:
            raise FormulaError(
                f"{expr} came out differently on two partitions of the data; give its "
                "arguments (knots, boundary knots) explicitly so that every partition agrees"
            )
    return dict(first)


def _merge_scale(states: Sequence[tuple[Mapping[str, Any], int]]) -> dict[str, Any]:
    """Pooled mean and (ddof-corrected) standard deviation of scale/center states.

    Each state counts the values it was learned from (``n``); a centre or scale
    given as a number (not learned) is kept as it is.
    """
    states = [(s, n) for s, n in states if s.get("n", n) > 0] or list(states[:1])
    first = states[0][0]
    ddof = first.get("ddof", 1)
    learned = first.get("learned", [True, True])
    counts = np.array([s.get("n", n) for s, n in states], dtype=float)
    total = counts.sum()
    out: dict[str, Any] = {**first, "n": int(total)}
    if first.get("center") is not None and learned[0]:
        centers = np.array([np.asarray(s["center"], float) for s, _ in states])
        out["center"] = np.tensordot(counts, centers, axes=1) / total
    if first.get("scale") is None or not learned[1]:
        return out
    shift = np.zeros(len(states)) if out["center"] is None else np.array(
        [np.asarray(s["center"], float) for s, _ in states]) - out["center"]
    scales = np.array([np.asarray(s["scale"], float) for s, _ in states])
    within = np.where(counts > ddof, (counts - ddof) * np.nan_to_num(scales) ** 2, 0.0)
    sums = within.sum() + float(np.sum(counts * shift**2))
    out["scale"] = float(np.sqrt(sums / (total - ddof)))
    return out
