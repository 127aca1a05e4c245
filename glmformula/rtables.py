"""Small tables that are pandas DataFrames and print as R prints them.

:class:`RFrame` is a DataFrame whose ``print()`` is R's text (R's
``print.data.frame``, ``print.default`` of a matrix, or MASS's
``print.Anova``): every column formatted on its own to 7 significant digits,
right-justified under its right-justified name, row names on the left. A
slice or a computation on it is a plain DataFrame.

>>> t = RFrame({"df": [3, 4], "AIC": [42.867466, 43.10413]}, index=["m0", "m2"])
>>> print(t)
   df      AIC
m0  3 42.86747
m2  4 43.10413
>>> type(t[["AIC"]]).__name__
'DataFrame'
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from glmformula.rformat import format_numbers


def column_cells(values: pd.Series, na: str = "NA") -> list[str]:
    """R's ``format()`` of one column: numbers to 7 significant digits, text as it is."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype):
        numbers = [float(v) for v in values]
        texts = format_numbers(numbers, 7)
        return [na if math.isnan(v) else t for v, t in zip(numbers, texts, strict=True)]
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            for v in values]


def frame_text(frame: pd.DataFrame, na: str = "NA") -> str:
    """The lines R prints for a data frame or matrix: names and cells right-justified."""
    rows = [str(r) for r in frame.index]
    headers = [str(c) for c in frame.columns]
    body = [column_cells(frame[c], na) for c in frame.columns]
    row_width = max((len(r) for r in rows), default=0)
    widths = [max([len(h)] + [len(s) for s in col]) for h, col in zip(headers, body,
                                                                    strict=True)]
    lines = [" " * row_width + "".join(" " + h.rjust(w) for h, w in zip(headers, widths,
                                                                        strict=True))]
    for i, row in enumerate(rows):
        lines.append(row.ljust(row_width) + "".join(
            " " + col[i].rjust(w) for col, w in zip(body, widths, strict=True)))
    return "\n".join(lines)


class RFrame(pd.DataFrame):
    """A DataFrame printed as R prints it (:func:`frame_text`); subclasses add a heading
    or another missing-value text."""

    @property
    def _constructor(self) -> Any:  # a slice or a computation is a plain DataFrame
        return pd.DataFrame

    def r_text(self) -> str:
        """The text R prints."""
        return frame_text(self)

    def __repr__(self) -> str:
        return self.r_text()

    def __str__(self) -> str:
        return self.r_text()


__all__ = ["RFrame", "column_cells", "frame_text"]
