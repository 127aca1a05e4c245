"""Data from the Python ecosystem as the pandas frame the formula layer reads.

``data=`` and ``newdata=`` accept a pandas DataFrame (any dtype backend: the
design converts Arrow-backed and nullable columns, see
:mod:`glmformula.design_dtypes`), a dict of columns, a polars DataFrame or
LazyFrame, a pyarrow Table or RecordBatch, or any object that exports an Arrow
stream (``__arrow_c_stream__``). Polars and Arrow data are converted once,
through Arrow, to the pandas frame that pandas itself would give for the same
values, so the fit is the pandas fit to the bit:

- a null (polars or Arrow) is a missing value: its row is dropped, as R's
  ``na.omit``; integers with nulls become floats with NaN, as in pandas;
- an Arrow dictionary column is a factor with the dictionary's order (ordered
  if the dictionary is); a polars ``Enum`` a factor with the Enum's categories
  in their order (unused ones too; not an ordered factor: write
  ``C(x, contr.poly)`` for polynomial contrasts);
- a polars ``Categorical`` has no level list of its own (its categories are an
  encoding shared by the process, and polars sorts it by its strings): it reads
  as a text column, a factor with sorted levels as R's ``factor()``. Cast to an
  ``Enum`` to choose the order.

A LazyFrame is collected, unless it reads files: data given lazily from
Parquet or CSV may be beyond memory, and it is refused with how to fit it
chunked (the path itself, or a Dask DataFrame) or in memory (``.collect()``).
The fit keeps the converted pandas frame as ``m.data``; results stay pandas
objects, and :func:`to_polars` turns a result table into a polars DataFrame.

>>> import pyarrow as pa
>>> frame = as_pandas(pa.table({"y": [1, None, 3], "g": ["a", "b", None]}), "data")
>>> frame["y"].tolist()[0], str(frame["y"].dtype), int(frame["g"].isna().sum())
(1.0, 'float64', 1)
>>> type_name(pa.table({"y": [1]})), type_name([1])
('pyarrow.Table', 'list')
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

import pandas as pd

from glmformula.errors import ArgumentTypeError, DataError, shorten
from glmformula.optional import optional_dependency_message

ACCEPTED = ("a pandas DataFrame, a dict of columns, a polars DataFrame or LazyFrame, "
            "or a pyarrow Table or RecordBatch")


def type_name(value: object) -> str:
    """The type of ``value`` with its package: "polars.DataFrame", "numpy.ndarray", "list"."""
    kind = type(value)
    package = kind.__module__.split(".")[0]
    return kind.__name__ if package == "builtins" else f"{package}.{kind.__name__}"


def unsupported(value: object, what: str) -> ArgumentTypeError:
    """The error for a ``data=``/``newdata=`` of a type glmformula does not read."""
    files = " (or a Dask DataFrame, or a Parquet/CSV path)" if what == "data" else ""
    got = "None" if value is None else f"a {type_name(value)}"
    return ArgumentTypeError(f"{what} must be {ACCEPTED}{files}; {what}= got {got}")


def _polars() -> Any:
    return sys.modules.get("polars")


def _pyarrow() -> Any:
    return sys.modules.get("pyarrow")


def is_polars_frame(value: object) -> bool:
    """A polars DataFrame or LazyFrame (polars is not imported to tell)."""
    pl = _polars()
    return pl is not None and isinstance(value, pl.DataFrame | pl.LazyFrame)


def as_pandas(data: Any, what: str) -> Any:
    """``data`` as a pandas DataFrame when it is polars or Arrow data; anything else as it is
    (a pandas DataFrame, a dict, a Dask DataFrame or a path are read by their own code)."""
    if isinstance(data, pd.DataFrame | Mapping | str) or data is None:
        return data
    if is_polars_frame(data):
        return _from_polars(data, what)
    pa = _pyarrow()
    if pa is not None and isinstance(data, pa.Table | pa.RecordBatch):
        return _from_arrow(data if isinstance(data, pa.Table) else pa.Table.from_batches([data]),
                           what)
    if hasattr(data, "__arrow_c_stream__") and not isinstance(data, pd.Series | pd.Index) and (
            not _is_dask(data)):
        try:
            table = _import_pyarrow(what).table(data)
        except (TypeError, ValueError):  # a stream of something else than a table
            return data
        return _from_arrow(table, what)
    return data


def _is_dask(data: object) -> bool:
    return type(data).__module__.split(".")[0] in ("dask", "dask_expr")


def _import_pyarrow(what: str) -> Any:
    try:
        import pyarrow as pa
    except ImportError as error:  # pragma: no cover - polars data without pyarrow
        raise ArgumentTypeError(optional_dependency_message(
            "pyarrow", f"reading polars or Arrow data as {what}=", "parquet", error)) from None
    return pa


def _from_arrow(table: Any, what: str) -> pd.DataFrame:
    """An Arrow table as pandas reads it (dictionaries unified: one level order per column;
    unsigned dictionary indices, which older pyarrow cannot convert, made signed)."""
    pa = _pyarrow()
    schema = pa.schema([
        field.with_type(pa.dictionary(pa.int64(), field.type.value_type, field.type.ordered))
        if pa.types.is_dictionary(field.type) and pa.types.is_unsigned_integer(
            field.type.index_type) else field
        for field in table.schema])
    try:
        return table.cast(schema).unify_dictionaries().to_pandas()
    except (TypeError, ValueError, NotImplementedError) as e:
        raise DataError(f"{what}= has columns pandas cannot hold: {shorten(e, 200, False)}"
                        ) from None


def _from_polars(data: Any, what: str) -> pd.DataFrame:
    pl = _polars()
    if isinstance(data, pl.LazyFrame):
        _refuse_file_scan(data, what)
        data = data.collect()
    schema = data.schema
    categorical = [name for name, dtype in schema.items() if dtype == pl.Categorical]
    enums = [name for name, dtype in schema.items() if isinstance(dtype, pl.Enum)]
    if categorical:  # no level list of its own: a text column, sorted levels as R's factor()
        data = data.with_columns(pl.col(categorical).cast(pl.String))
    _import_pyarrow(what)
    frame = _from_arrow(data.to_arrow(), what)
    for name in enums:  # polars exports an Enum as an ordered dictionary: its order, unordered
        frame[name] = frame[name].cat.as_unordered()
    return frame


_SCAN = re.compile(r"\b(?:Parquet|CSV|IPC|NDJSON|JSON|PYTHON)? ?SCAN\b")


def _refuse_file_scan(lazy: Any, what: str) -> None:
    """A LazyFrame over files may be beyond memory: it is not collected without asking."""
    plan = lazy.explain(optimized=False)
    scans = [line.strip() for line in plan.splitlines() if _SCAN.search(line)]
    if not scans:
        return
    raise ArgumentTypeError(
        f"{what}= got a polars LazyFrame that reads files ({shorten(scans[0], 80, False)}); "
        "glmformula does not collect it, as the files may be beyond memory. For data beyond "
        "memory pass the Parquet or CSV path itself (data=\"dir/*.parquet\") or a Dask "
        "DataFrame (dask.dataframe.read_parquet(path)): the fit then makes one pass over the "
        "files per iteration. For data that fits in memory pass lazy_frame.collect()."
    )


def to_polars(frame: pd.DataFrame, index: str | None = "term") -> Any:
    """A pandas result table as a polars DataFrame; its index (R's row names) becomes the
    first column, named ``index`` (None: the index is left out).

    >>> import pandas as pd
    >>> table = pd.DataFrame({"Estimate": [1.5]}, index=["(Intercept)"])
    >>> to_polars(table).columns  # doctest: +SKIP
    ['term', 'Estimate']
    """
    try:
        import polars as pl
    except ImportError as error:
        raise ArgumentTypeError(optional_dependency_message(
            "polars", "to_polars()", "polars", error)) from None
    out = frame.copy(deep=False)
    out.columns = [str(c) for c in out.columns]
    if index is not None:
        out.insert(0, index, [str(i) for i in out.index])
    return pl.from_pandas(out.reset_index(drop=True))
