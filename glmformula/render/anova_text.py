"""Analysis-of-deviance tables in R's ``print.anova`` layout (``printCoefmat`` rules).

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
>>> print(render_anova_text(gf.anova(m, test=False)).splitlines()[-2])
NULL                    53     297.37
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from glmformula.rformat import SIGNIF_LEGEND, format_numbers, format_pvalues, significance_stars

if TYPE_CHECKING:
    from glmformula.anova import AnovaTable

DIGITS = 5  # max(getOption("digits") - 2, 3)
DIG_TST = 4  # max(1, min(5, digits - 1))


def _zapsmall(values: list[float], digits: int) -> list[float]:
    finite = [abs(v) for v in values if not math.isnan(v)]
    if not finite:
        return values
    mx = max(finite)
    # R 4.2's zapsmall: digits - log10(max), which round() takes to the nearest integer
    d = math.floor(max(0.0, digits - math.log10(mx)) + 0.5) if mx > 0 else digits
    return [v if math.isnan(v) else round(v, d) for v in values]


def anova_cells(table: AnovaTable) -> tuple[list[str], list[str], list[list[str]], bool]:
    """Row names, headers, formatted columns and whether stars (and legend) are shown.

    The columns are formatted by R's ``printCoefmat`` rules; with stars the last
    header is ``""`` and the last column holds the (left-justified) stars.
    """
    frame = table.data
    if table.kind == "negbin":
        return _frame_cells(frame)
    names = [str(c) for c in frame.columns]
    rows = [str(r) for r in frame.index]
    cols = {name: [float(v) for v in frame[name].to_numpy(dtype=float)] for name in names}
    has_p = bool(names) and (names[-1].startswith("P(") or names[-1].startswith("Pr("))
    tst = [n for n in names if n[1:7] == " value" or n in ("F", "Cp", "Chisq")]
    cells: dict[str, list[str]] = {}
    for name in names[:-1] if has_p else names:
        values = cols[name]
        if name in tst:
            cells[name] = format_numbers(
                [v if math.isnan(v) else round(v, DIG_TST) for v in values], DIGITS)
            continue
        if not name.endswith("Df"):
            values = _zapsmall(values, DIGITS)
            cols[name] = values
        cells[name] = format_numbers(values, DIGITS)
    # printCoefmat: a nonzero number that printed as zero is reformatted with digits - 1
    fixes = [(name, i) for name in cells if name not in tst
             for i, v in enumerate(cols[name])
             if not math.isnan(v) and (v == 0) != (float(cells[name][i]) == 0)]
    if fixes:
        redone = format_numbers([cols[n][i] for n, i in fixes], max(1, DIGITS - 1))
        for (name, i), text in zip(fixes, redone, strict=True):
            cells[name][i] = text
    for name, column in cells.items():
        cells[name] = ["" if math.isnan(v) else s for v, s in zip(cols[name], column,
                                                                   strict=True)]
    stars_column: list[str] | None = None
    if has_p:
        pv = cols[names[-1]]
        ok = [i for i, p in enumerate(pv) if not math.isnan(p)]
        column = [""] * len(pv)
        for i, text in zip(ok, format_pvalues([pv[i] for i in ok], DIG_TST), strict=True):
            column[i] = text
        cells[names[-1]] = column
        if ok and any(pv[i] < 0.1 for i in ok):
            stars_column = significance_stars(pv)
    headers = list(names)
    body = [cells[n] for n in names]
    if stars_column is not None:
        headers.append("")
        body.append(stars_column)
    return rows, headers, body, stars_column is not None


def _frame_cells(frame: pd.DataFrame) -> tuple[list[str], list[str], list[list[str]], bool]:
    """R's ``print.data.frame`` cells: text as it is, numbers to 7 digits, NA blank."""
    body = []
    for name in frame.columns:
        values = frame[name]
        if not pd.api.types.is_numeric_dtype(values.dtype):
            body.append([str(v) for v in values])
            continue
        numbers = [float(v) for v in values]
        texts = format_numbers(numbers, 7)
        body.append(["" if math.isnan(v) else t for v, t in zip(numbers, texts, strict=True)])
    return [str(r) for r in frame.index], [str(c) for c in frame.columns], body, False


def _blocks(widths: list[int], row_width: int, width: int) -> list[list[int]]:
    """Columns split into blocks of lines shorter than `width`, as R wraps a wide table."""
    blocks: list[list[int]] = [[]]
    used = row_width
    for j, w in enumerate(widths):
        if blocks[-1] and used + 1 + w >= width:
            blocks.append([])
            used = row_width
        blocks[-1].append(j)
        used += 1 + w
    return blocks


def render_anova_text(table: AnovaTable, width: int = 80) -> str:
    """The table as R prints it: heading, aligned columns, significance stars and legend.

    A table wider than `width` characters is printed in blocks of columns (as R
    does for the data-frame tables of ``anova.negbin``).
    """
    rows, headers, body, stars = anova_cells(table)
    row_width = max(len(r) for r in rows) if rows else 0
    widths = [max([len(h)] + [len(s) for s in col]) for h, col in zip(headers, body,
                                                                    strict=True)]
    blocks = (_blocks(widths, row_width, width) if table.kind == "negbin"
              else [list(range(len(headers)))])
    lines = []
    for block in blocks:
        lines.append(" " * row_width + "".join(" " + headers[j].rjust(widths[j])
                                               for j in block))
        for i, row in enumerate(rows):
            lines.append(row.ljust(row_width) + "".join(
                " " + body[j][i].rjust(widths[j]) for j in block))
    if stars:
        lines += ["---", SIGNIF_LEGEND]
    return table.heading + "\n" + "\n".join(lines)
