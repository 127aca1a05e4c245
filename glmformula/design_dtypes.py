"""Arrow-backed columns (``dtype_backend="pyarrow"``, ``pd.ArrowDtype``) as the formula layer
reads numpy-backed ones, so that both give the same model.

Strings become object columns (a factor with sorted levels, as R's ``factor()``),
dictionary columns categoricals with the dictionary's order (ordered if the
dictionary is), numbers and booleans numpy arrays; a null is a missing value
(its row is dropped, as R's ``na.omit``). Other Arrow types are left as they are.

>>> import pandas as pd, pyarrow as pa
>>> df = pd.DataFrame({"g": pd.array(["b", None, "a"], dtype=pd.ArrowDtype(pa.string())),
...                    "n": pd.array([1, 2, None], dtype=pd.ArrowDtype(pa.int64()))})
>>> out = numpy_backed(df, ["g", "n"])
>>> out["g"].tolist(), out["n"].tolist()[:2], str(out["n"].dtype)
(['b', nan, 'a'], [1.0, 2.0], 'float64')
>>> str(df["g"].dtype)  # the caller's frame is untouched
'string[pyarrow]'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd


def numpy_backed(frame: pd.DataFrame, columns: Iterable[Any]) -> pd.DataFrame:
    """`frame` with its Arrow-backed `columns` converted (a new frame if any is)."""
    converted = {
        c: _numpy_column(frame[c])
        for c in dict.fromkeys(columns)
        if c in frame.columns and isinstance(frame[c].dtype, pd.ArrowDtype)
    }
    converted = {c: v for c, v in converted.items() if v is not None}
    if not converted:
        return frame
    out = frame.copy(deep=False)
    for c, values in converted.items():
        out[c] = values
    return out


def _numpy_column(series: pd.Series) -> pd.Series | None:
    import pyarrow as pa

    dtype = series.dtype
    assert isinstance(dtype, pd.ArrowDtype)
    kind = dtype.pyarrow_dtype
    missing = bool(series.isna().any())
    if pa.types.is_dictionary(kind):
        chunks = series.array.__arrow_array__()
        if isinstance(chunks, pa.ChunkedArray):
            chunks = chunks.unify_dictionaries()
        values = chunks.to_pandas()
        return pd.Series(pd.Categorical(values), index=series.index, name=series.name)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or _is_string_view(kind):
        values = series.to_numpy(dtype=object, na_value=np.nan)
    elif pa.types.is_boolean(kind):
        values = (pd.array(series.astype(object).where(series.notna(), None).tolist(),
                           dtype="boolean")
                  if missing else series.to_numpy(dtype=bool))
    elif pa.types.is_integer(kind) and not missing:
        values = series.to_numpy(dtype=kind.to_pandas_dtype())
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        return None
    return pd.Series(values, index=series.index, name=series.name)


def _is_string_view(kind: Any) -> bool:
    import pyarrow as pa

    check = getattr(pa.types, "is_string_view", None)
    return bool(check(kind)) if check is not None else False
