"""Input checks for :mod:`glmformula.design`: data, weights/offset, formula names, infinities.

Every message names the problem and the fix.

>>> names_list(["a", "b"])
"'a', 'b'"
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from glmformula.data_input import as_pandas, unsupported
from glmformula.errors import ArgumentTypeError, DataError, shorten


def names_list(items: Any, quote: bool = True, limit: int = 30) -> str:
    """Comma-separated names, quoted, at most `limit` of them."""
    items = [shorten(str(i), quote=quote) for i in items]
    more = f", ... ({len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def row_labels(index: pd.Index, rows: Any, limit: int = 5) -> str:
    """Index labels of the first few of `rows` (positions)."""
    rows = list(rows)
    more = ", ..." if len(rows) > limit else ""
    return ", ".join(shorten(index[r], quote=False) for r in rows[:limit]) + more


def as_frame(data: Any, what: str) -> pd.DataFrame:
    """`data` as a non-empty DataFrame with unique column names (a dict, polars and Arrow
    data are converted: see :mod:`glmformula.data_input`)."""
    data = as_pandas(data, what)
    if isinstance(data, Mapping):  # a DataFrame is not a Mapping
        try:
            data = pd.DataFrame(dict(data))
        except (ValueError, TypeError) as e:
            raise DataError(
                f"{what} given as a dict cannot be made a DataFrame: {shorten(e, 200, False)}"
            ) from None
    if not isinstance(data, pd.DataFrame):
        raise unsupported(data, what)
    if data.columns.has_duplicates:
        dups = data.columns[data.columns.duplicated()].unique()
        raise DataError(f"{what} has duplicated column names {names_list(dups)}; rename them")
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise DataError(f"{what} is empty ({data.shape[0]} rows, {data.shape[1]} columns)")
    return data


def unknown_column(name: str, columns: list[Any], what: str = "column") -> DataError:
    close = difflib.get_close_matches(name, [str(c) for c in columns], n=1)
    hint = f" (did you mean {shorten(close[0])}?)" if close else ""
    return DataError(
        f"{what} {shorten(name)} is not in the data{hint}; available columns: "
        f"{names_list(columns, quote=False)}"
    )


def numeric(values: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    """float64 values (no infinities) and their missing-value mask."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not (
        pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)
    ):
        raise DataError(f"{what} must be numeric; it has dtype {series.dtype}")
    arr = series.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(arr).any():
        rows = ", ".join(map(str, np.flatnonzero(np.isinf(arr))[:5]))
        raise DataError(f"{what} has infinite values (at positions {rows}); drop or fix those rows")
    return arr, np.isnan(arr)


def argument(value: Any, what: str, frame: pd.DataFrame) -> tuple[np.ndarray | None, np.ndarray]:
    """weights= / offset=: a column name or an array aligned with the rows (positions) of data."""
    n = len(frame)
    if value is None:
        return None, np.zeros(n, dtype=bool)
    if isinstance(value, str):
        if value not in frame.columns:
            raise unknown_column(value, list(frame.columns), f"{what} column")
        return numeric(frame[value], f"{what} column {shorten(value)}")
    if not isinstance(value, np.ndarray | pd.Series | pd.Index | list | tuple):
        raise ArgumentTypeError(
            f"{what} must be a column name or an array of length {n}; got {type(value).__name__}"
        )
    if np.ndim(value) != 1 or len(value) != n:
        raise DataError(
            f"{what} has shape {np.shape(value)} but data has {n} rows; "
            f"give one value per row of data (before dropping missing values)"
        )
    return numeric(value.reset_index(drop=True) if isinstance(value, pd.Series) else value, what)


def check_finite(
    values: np.ndarray,
    names: list[str],
    frame: pd.DataFrame,
    keep: np.ndarray,
    used: list[str],
    what: str,
) -> None:
    """DataError naming the data column (or else the model matrix column) with infinities."""
    finite = np.isfinite(values)
    if finite.all():
        return
    bad_rows = np.flatnonzero(~finite.all(axis=1) if finite.ndim == 2 else ~finite)
    rows = keep[bad_rows]
    bad = [
        c
        for c in used
        if pd.api.types.is_numeric_dtype(frame[c].dtype)
        and np.isinf(frame[c].to_numpy(dtype=np.float64, na_value=np.nan)[rows]).any()
    ]
    if not bad:  # infinite after a transform such as log(0)
        bad = [names[j] for j in np.flatnonzero(~finite.all(axis=0))] if finite.ndim == 2 else names
        source = f"{what} column(s)" if finite.ndim == 2 else what
    else:
        source = "column(s)"
    raise DataError(
        f"infinite values in {source} {names_list(bad)} (rows {row_labels(frame.index, rows)}); "
        "drop or fix those rows before fitting"
    )


#: Values beyond these magnitudes have squares that overflow or underflow float64,
#: so cross-products and deviances would be silently wrong.
MAX_MAGNITUDE = 1e150
MIN_MAGNITUDE = 1e-150


def check_magnitude(values: np.ndarray, names: list[str], what: str) -> None:
    """DataError for columns whose largest finite absolute value is beyond 1e150 or,
    being non-zero, below 1e-150: the fitter squares them."""
    if values.size == 0:
        return
    table = values.reshape(values.shape[0], -1)
    with np.errstate(invalid="ignore"):
        largest = np.nanmax(np.abs(table), axis=0) if table.shape[0] else np.zeros(0)
    bad = (largest > MAX_MAGNITUDE) | ((largest > 0) & (largest < MIN_MAGNITUDE))
    if not bad.any():
        return
    j = int(np.flatnonzero(bad)[0])
    name = names[j] if j < len(names) else names[0]
    raise DataError(
        f"{what} {shorten(name)} has values of magnitude {largest[j]:.0e}, outside the range "
        f"[{MIN_MAGNITUDE:g}, {MAX_MAGNITUDE:g}] where their squares are representable in "
        "double precision; rescale it (divide or multiply by a power of 10) before fitting"
    )


def plainly_finite(values: np.ndarray) -> bool:
    """True when a column has no NaN or infinity and needs no magnitude warning.

    In the common case of clean data one pass that allocates nothing decides:
    the sum of squares is finite only without NaN and infinity, and it lies
    between ``largest**2`` and ``n * largest**2``. Otherwise min and max
    (which NaN propagates through) decide.

    >>> plainly_finite(np.array([1.0, -2.0])), plainly_finite(np.array([1.0, np.nan]))
    (True, False)
    """
    if not values.size:
        return False
    if values.dtype == np.float64 and values.ndim == 1:
        squares = float(np.einsum("i,i->", values, values))  # not BLAS: no thread wake-ups
        if MIN_MAGNITUDE**2 * values.size <= squares <= MAX_MAGNITUDE**2:
            return True
    lo, hi = float(np.min(values)), float(np.max(values))
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return False
    largest = max(abs(lo), abs(hi))
    return largest <= MAX_MAGNITUDE and (largest == 0 or largest >= MIN_MAGNITUDE)


def check_design_scale(design: Any) -> None:
    """:func:`check_magnitude` on a design's response and dense model matrix (a structured
    one has its data columns, the response among them, checked as it is built)."""
    from glmformula.structured import StructuredModelMatrix

    structured = isinstance(design.X, StructuredModelMatrix)
    if isinstance(design.response.values, np.ndarray) and not structured:
        check_magnitude(design.response.values, [design.response.name], "response")
    if isinstance(design.X, np.ndarray):
        check_magnitude(design.X, list(design.column_names), "model matrix column")


def physical_memory() -> int | None:
    """Bytes of physical memory, or None where the system does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def check_width(p: int, widest: str = "") -> None:
    """DataError when the fitter's p x p cross-product (with its factor and inverse)
    would not fit in memory; ``widest`` names the term that makes it wide."""
    needed = 3 * 8 * p * p
    memory = physical_memory()
    if memory is None or needed <= memory:
        return
    raise DataError(
        f"the model matrix has {p:,} columns{widest}; the fitter's {p:,} x {p:,} "
        f"cross-product would need {needed / 2**30:.1f} GiB, more than this machine's "
        f"{memory / 2**30:.1f} GiB of memory; merge rare levels of a factor or fit fewer columns"
    )


def widest_term(term_slices: dict[str, slice]) -> str:
    """The term with most columns, as a phrase for :func:`check_width`."""
    if not term_slices:
        return ""
    name = max(term_slices, key=lambda t: term_slices[t].stop - term_slices[t].start)
    return f" (term {shorten(name)} alone has {term_slices[name].stop - term_slices[name].start:,})"
