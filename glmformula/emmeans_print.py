"""R's ``print.summary_emm``: the layout emmeans prints its results in.

Numbers are first zapped as ``zapsmall``; the estimate, SE, df, limits (and
``null``) columns share emmeans' ``.opt.dig`` significant digits (enough to
show the estimate to a fraction of its SE, at least 3), formatted column by
column as R's ``format()``; test statistics have 3 decimals, p-values 4
(``<.0001`` below). Factor columns are left-justified, the rest right-justified,
each line starts with a space (R's empty row names). With ``by`` variables,
each group is printed under ``"wool = A:"``. The footer lines end with a
space, as R's ``cat(paste(msg, "\\n"))``.

>>> import pandas as pd
>>> frame = pd.DataFrame({"g": ["a", "b"], "emmean": [1.2345, 2.5], "SE": [0.1, 0.1],
...                       "df": [10.0, 10.0]})
>>> frame.attrs.update(est_name="emmean", by=[], messages=["Confidence level used: 0.95"])
>>> print(summary_text(frame))  # doctest: +NORMALIZE_WHITESPACE
 g emmean  SE df
 a   1.23 0.1 10
 b   2.50 0.1 10
<BLANKLINE>
Confidence level used: 0.95
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from glmformula.rformat import format_numbers

WIDTH = 80
TEST_STATISTICS = ("t.ratio", "z.ratio")


def zapsmall(values: np.ndarray, digits: int = 7) -> np.ndarray:
    """R's ``zapsmall(x, digits)``: round to ``digits`` significant digits of the largest."""
    x = np.asarray(values, dtype=float)
    finite = x[~np.isnan(x)]
    if finite.size == 0:
        return x
    mx = float(np.max(np.abs(finite)))
    # R 4.2's zapsmall: round(x, digits - log10(max)), and round() takes the digits to
    # the nearest integer (not the ceiling of log10, as R 4.4 does)
    if mx > 0:
        places = 0 if math.isinf(mx) else math.floor(max(0.0, digits - math.log10(mx)) + 0.5)
    else:
        places = digits
    out = [v if not math.isfinite(v) else round(v, places) + 0.0 for v in x.ravel().tolist()]
    return np.array(out, dtype=float).reshape(x.shape)  # + 0.0: R prints -0 as 0


def opt_digits(values: np.ndarray) -> int:
    """emmeans' ``.opt.dig`` for the three numbers est - 2 SE, est, est + 2 SE."""
    x = np.asarray(values, dtype=float)
    top = float(np.max(np.abs(x)))
    if not math.isfinite(top) or top == 0:
        return 3
    z = np.array([x.min(), x.max()]) / top
    dz = float(zapsmall(np.array([z[1] - z[0], *z]), 8)[0])
    if dz <= 0:
        return 3
    zz = round(1.51 - math.log10(dz))
    return max(zz, 3)


def _numeric_cells(values: np.ndarray, digits: int) -> list[str]:
    return format_numbers(list(values), digits)


def _cells(frame: pd.DataFrame, est_name: str) -> tuple[dict[str, list[str]], dict[str, bool]]:
    """Each column's printed cells (before padding) and whether it is right-justified."""
    logical = {c: pd.api.types.is_bool_dtype(frame[c].dtype) for c in frame.columns}
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c].dtype) and not logical[c]
               for c in frame.columns}
    values = {c: zapsmall(frame[c].to_numpy(dtype=float)) if numeric[c] else None
              for c in frame.columns}
    digits = None
    if "SE" in frame.columns and est_name in frame.columns:
        est, se = values[est_name], values["SE"]
        assert est is not None and se is not None
        digits = max([opt_digits(np.array([e - 2 * s, e, e + 2 * s]))
                      for e, s in zip(est, se, strict=True) if math.isfinite(e + s)] or [3])
    cells: dict[str, list[str]] = {}
    for column in frame.columns:
        v = values[column]
        if v is None:
            text = [("TRUE" if x else "FALSE") if logical[column] else str(x)
                    for x in frame[column]]
            width = max((len(t) for t in text), default=0)  # R right-justifies TRUE/FALSE
            cells[column] = [t.rjust(width) if logical[column] else t.ljust(width)
                             for t in text]
        elif column in TEST_STATISTICS:
            cells[column] = _fixed(v, 3)
        elif column == "p.value":
            cells[column] = ["<.0001" if t == "0.0000" else t for t in _fixed(v, 4)]
        else:
            if column == "df":
                v = np.round(v, 2)
            cells[column] = _numeric_cells(v, digits if digits is not None else 7)
            if column == est_name:
                cells[column] = ["nonEst" if c.strip() == "NA" else c for c in cells[column]]
    return cells, numeric


def _fixed(values: np.ndarray, decimals: int) -> list[str]:
    """R's ``format(round(x, decimals), nsmall = decimals)``; NA for a missing value."""
    return ["NA" if math.isnan(x) else f"{round(float(x), decimals) + 0.0:.{decimals}f}"
            for x in values]


def _table_lines(columns: list[str], cells: dict[str, list[str]], right: dict[str, bool],
                 rows: list[int]) -> list[str]:
    widths = {c: max([len(c)] + [len(cell) for cell in cells[c]]) for c in columns}
    blocks: list[list[str]] = [[]]
    used = 0
    for c in columns:
        if blocks[-1] and used + widths[c] + 1 > WIDTH:
            blocks.append([])
            used = 0
        blocks[-1].append(c)
        used += widths[c] + 1
    lines = []
    for block in blocks:
        head = "".join(" " + (c.rjust(widths[c]) if right[c] else c.ljust(widths[c]))
                       for c in block)
        lines.append(head)
        for i in rows:
            lines.append("".join(
                " " + (cells[c][i].rjust(widths[c]) if right[c] else cells[c][i].ljust(widths[c]))
                for c in block))
    return lines


def _order_key(frame: pd.DataFrame, by: list[str], levels: dict[str, list[Any]]) -> list[int]:
    keys = []
    for column in reversed(by):
        known = levels.get(column)
        series = frame[column]
        if known is not None and not pd.api.types.is_numeric_dtype(series.dtype):
            position = {str(v): k for k, v in enumerate(known)}
            keys.append([position.get(str(v), len(position)) for v in series])
        else:
            keys.append(list(series))
    return sorted(range(len(frame)), key=lambda i: tuple(k[i] for k in keys))


def summary_text(frame: pd.DataFrame) -> str:
    """The summary as R's ``print(summary(object))`` prints it."""
    est_name = frame.attrs.get("est_name", "")
    by = list(frame.attrs.get("by", []))
    cells, numeric = _cells(frame, est_name)
    right = dict(numeric)
    lines: list[str] = []
    if not by:
        lines += _table_lines(list(frame.columns), cells, right, list(range(len(frame))))
        lines.append("")
    else:
        shown = [c for c in frame.columns if c not in by]
        order = _order_key(frame, by, frame.attrs.get("levels", {}))
        # R's format.data.frame pads numbers and TRUE/FALSE to a common width, not text
        text = {b: not numeric[b] and not pd.api.types.is_bool_dtype(frame[b].dtype)
                for b in by}
        headers = [", ".join(f"{b} = {cells[b][i].rstrip() if text[b] else cells[b][i]}"
                             for b in by) for i in order]
        for header in dict.fromkeys(headers):
            rows = [i for i, h in zip(order, headers, strict=True) if h == header]
            lines.append(f"{header}:")
            lines += _table_lines(shown, cells, right, rows)
            lines.append("")
    for message in frame.attrs.get("messages", []):
        lines.append(f"{message} ")
    return "\n".join(lines)
