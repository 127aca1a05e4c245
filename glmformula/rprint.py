"""R's ``print.default`` layouts: a named vector and a character matrix, wrapped at 80 columns.

A named vector prints its names over its values, both right-justified to a common
width, as many per line as fit (``print.default(x, print.gap = 2)``):

>>> for line in named_vector_lines(["(Intercept)", "woolB"], ["3.6920", "-0.2060"]):
...     print(repr(line))
'(Intercept)        woolB  '
'     3.6920      -0.2060  '

A character matrix with ``quote = FALSE`` left-justifies its entries and column labels;
columns that do not fit in the width continue in a block below:

>>> for line in character_matrix_lines(["b", "c"], ["a", "b"], [["-0.51", ""], ["0.4", "0.00"]]):
...     print(repr(line))
'  a     b   '
'b -0.51     '
'c 0.4   0.00'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

WIDTH = 80  # getOption("width")


def signif(value: float, digits: int) -> float:
    """R's ``signif(x, digits)``: ``value`` rounded to ``digits`` significant digits.

    >>> signif(297.3722, 4), signif(0.016732, 4), signif(-1093.15, 4)
    (297.4, 0.01673, -1093.0)
    """
    if not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{max(1, digits) - 1}e}")


def named_vector_lines(names: Sequence[str], values: Sequence[str], gap: int = 2,
                       width: int = WIDTH) -> list[str]:
    """R's print of a named character vector (``quote = FALSE``): lines of names and values.

    Names and values are right-justified to the widest name or value, each
    followed by ``gap`` spaces.
    """
    if not names:
        return []
    w = max(max(len(n) for n in names), max(len(v) for v in values))
    per_line = max(1, width // (w + gap))
    lines = []
    for start in range(0, len(names), per_line):
        chunk = range(start, min(start + per_line, len(names)))
        lines.append("".join(names[k].rjust(w) + " " * gap for k in chunk))
        lines.append("".join(values[k].rjust(w) + " " * gap for k in chunk))
    return lines


def character_matrix_lines(rownames: Sequence[str], colnames: Sequence[str],
                           cells: Sequence[Sequence[str]], width: int = WIDTH) -> list[str]:
    """R's print of a character matrix with ``quote = FALSE`` (left-justified, gap 1).

    Row names are left-justified; a column joins a block while the line stays
    narrower than ``width`` (R's ``printMatrix``).
    """
    label_width = max((len(r) for r in rownames), default=0)
    widths = [max([len(colnames[j])] + [len(row[j]) for row in cells]) + 1
              for j in range(len(colnames))]
    lines: list[str] = []
    start = 0
    while start < len(colnames):
        end, used = start, label_width
        while True:
            used += widths[end]
            end += 1
            if end >= len(colnames) or used + widths[end] >= width:
                break
        block = range(start, end)
        lines.append(" " * label_width
                     + "".join(" " + colnames[j].ljust(widths[j] - 1) for j in block))
        for name, row in zip(rownames, cells, strict=True):
            lines.append(name.ljust(label_width)
                         + "".join(" " + row[j].ljust(widths[j] - 1) for j in block))
        start = end
    return lines
