"""How a column reads in a file or a partition: numbers, text, logical values...

A chunked fit reads its data in parts; a column must read alike in all of
them, or its values would become extra factor levels ('1' and 1 apart) or its
rows be lost. These helpers name a column's kind and say it in errors.

>>> kind_of_values(pd.Series(["a", None, "b"], dtype=object))
'text'
>>> kind_of_values(pd.Series([1.5, None])), kind_of_values(pd.Series([None, None]))
('numeric', 'missing')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from glmformula.errors import DataError, shorten

KIND_TEXT = {"numeric": "numbers", "text": "text", "logical": "logical values",
             "missing": "only missing values"}


def kind_of_values(series: pd.Series) -> str:
    """How a column reads: "numeric", "text", "logical", "missing" (no value) or a type name."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "text" if pd.api.types.is_string_dtype(dtype.categories.dtype) or (
            pd.api.types.is_object_dtype(dtype.categories.dtype)) else "categorical"
    if pd.api.types.is_bool_dtype(dtype):
        return "logical"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric" if series.notna().any() else "missing"
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        inferred = pd.api.types.infer_dtype(series, skipna=True)
        if inferred == "empty":
            return "missing"
        if inferred == "boolean":
            return "logical"
        if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
            return "numeric"
        return "text"
    return str(dtype)


def arrow_kind(arrow_type: Any) -> str:
    """:func:`kind_of_values` for a Parquet column's arrow type."""
    import pyarrow as pa

    t = pa.types
    if t.is_null(arrow_type):
        return "missing"
    if t.is_boolean(arrow_type):
        return "logical"
    if t.is_integer(arrow_type) or t.is_floating(arrow_type) or t.is_decimal(arrow_type):
        return "numeric"
    if t.is_string(arrow_type) or t.is_large_string(arrow_type) or (
            hasattr(t, "is_string_view") and t.is_string_view(arrow_type)):
        return "text"
    if t.is_dictionary(arrow_type):
        return "text" if arrow_kind(arrow_type.value_type) == "text" else "categorical"
    return str(arrow_type)


def arrow_type_name(arrow_type: Any) -> str:
    """A short name of an arrow type for messages ("string", "category", "int64")."""
    import pyarrow as pa

    if pa.types.is_dictionary(arrow_type):
        return "category"
    if pa.types.is_large_string(arrow_type):
        return "string"
    return str(arrow_type)


def describe(kind: str, type_name: str = "") -> str:
    """A kind in words, with its type: "numbers (int64)"."""
    text = KIND_TEXT.get(kind, kind)
    return f"{text} ({type_name})" if type_name and type_name != kind else text


def error_text(error: BaseException) -> str:
    """A reader's error message on one line, cut to a few hundred characters."""
    return shorten(" ".join(str(error).split()), 300, quote=False)


def _value_kind(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "logical values"
    if isinstance(value, (int, float, np.number)):
        return "numbers"
    return "text" if isinstance(value, str) else type(value).__name__


def check_level_kinds(column: str, parts: Sequence[list[Any]]) -> None:
    """A factor whose values are text in one partition and numbers in another is an error.

    (Files of different types read as one Dask DataFrame: their values would
    become extra levels, '1' and 1 apart.)
    """
    kinds = [(i, frozenset(_value_kind(v) for v in values)) for i, values in enumerate(parts)
             if len(values)]
    if len({k for _, k in kinds}) > 1:
        first = kinds[0]
        other = next(item for item in kinds if item[1] != first[1])
        raise DataError(
            f"column {shorten(column)} holds {' and '.join(sorted(first[1]))} in partition "
            f"{first[0]} but {' and '.join(sorted(other[1]))} in partition {other[0]}; a "
            "column must have one type in all the data (convert it, e.g. with "
            f"ddf[{shorten(column)}].astype(str), or fix the file where it differs)"
        )
