"""Dates and times in a formula: a DataError that says how to make numbers of them.

R reads a ``Date`` as the number of days since 1970-01-01 (and a ``difftime`` as
a number in its units); pandas' datetimes, timedeltas and periods, and Python's
date objects, are neither numbers nor factors to formulaic. A formula that
uses such a column stops with the conversion to write.

>>> import pandas as pd
>>> frame = pd.DataFrame({"d": pd.date_range("2020-01-01", periods=2), "x": [1.0, 2.0]})
>>> sorted(expression_columns("ns(d, df=3) + x", frame.columns))
['d', 'x']
>>> try:
...     check_no_dates(frame, ["d"])
... except DataError as e:
...     print(str(e)[:32])
column 'd' holds dates and times
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from glmformula.errors import DataError, shorten

_QUOTED = re.compile(r"`([^`]*)`")
_EPOCH = 'pd.Timestamp("1970-01-01")'


def expression_columns(expr: str, columns: Iterable[Any]) -> set[str]:
    """The columns that the Python expression `expr` names (backticked or plain)."""
    names = {str(c) for c in columns}
    quoted = {m for m in _QUOTED.findall(expr) if m in names}
    try:
        tree = ast.parse(_QUOTED.sub(" _glmformula_quoted ", expr).strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return quoted
    return quoted | {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in names}


def as_factor_call(expr: str) -> bool:
    """``factor(d)`` or ``C(d, ...)``: dates as a factor's levels, which formulaic can code."""
    try:
        body = ast.parse(_QUOTED.sub(" _glmformula_quoted ", expr).strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return (isinstance(body, ast.Call) and isinstance(body.func, ast.Name)
            and body.func.id in ("factor", "C"))


def _kind(series: pd.Series) -> tuple[str, str] | None:
    """(what the column holds, the conversion to write) for a date/time column, else None."""
    dtype = series.dtype
    name = f"df[{json.dumps(series.name)}]" if isinstance(series.name, str) else "df[...]"
    if isinstance(dtype, pd.DatetimeTZDtype):
        return (f"dates and times ({dtype})",
                f'({name} - pd.Timestamp("1970-01-01", tz="UTC")).dt.days')
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return f"dates and times ({dtype})", f"({name} - {_EPOCH}).dt.days"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return (f"time differences ({dtype})",
                f"{name}.dt.total_seconds() / 86400 (days; R's difftime is a number "
                "in its units)")
    if isinstance(dtype, pd.PeriodDtype):
        return f"periods ({dtype})", f"({name}.dt.to_timestamp() - {_EPOCH}).dt.days"
    if pd.api.types.is_object_dtype(dtype):
        first = series.first_valid_index()
        value = None if first is None else series.loc[first]
        if isinstance(value, pd.Series):
            value = value.iloc[0]
        if isinstance(value, dt.date | np.datetime64):
            return (f"dates ({type(value).__name__} objects)",
                    f"(pd.to_datetime({name}) - {_EPOCH}).dt.days")
        if isinstance(value, dt.timedelta | np.timedelta64):
            return (f"time differences ({type(value).__name__} objects)",
                    f"pd.to_timedelta({name}).dt.total_seconds() / 86400")
        if isinstance(value, dt.time | pd.Period):
            return (f"times of day or periods ({type(value).__name__} objects)",
                    "a numeric column (e.g. hours since midnight) or a factor (str)")
    return None


def check_no_dates(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """DataError for the first of `columns` of `frame` that holds dates, times or periods."""
    for column in columns:
        if column not in frame.columns:
            continue
        series: Any = frame[column]
        if isinstance(series, pd.DataFrame):  # a duplicated column name
            series = series.iloc[:, 0]
        found = _kind(series)
        if found is not None:
            what, conversion = found
            r_reads = ("a time difference (difftime) as a number in its units"
                       if what.startswith("time differences")
                       else "a Date as the number of days since 1970-01-01")
            raise DataError(
                f"column {shorten(column)} holds {what}; a formula needs numbers or a factor. "
                f"R would use {r_reads}: add a numeric column, e.g. "
                f"df[\"days\"] = {conversion}, and use it in the formula (or a factor: "
                f"factor({column}))"
            )
