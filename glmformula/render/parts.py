"""The formatted pieces of a summary, shared by the markdown, HTML and LaTeX renderers.

Every number is formatted exactly as in the text summary (R's rules).

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> p = summary_parts(m.summary())
>>> p.deviance_lines[1], p.aic_line
('Residual deviance: 210.39 on 50 degrees of freedom', 'AIC: 493.06')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from glmformula.render.text import coefficient_cells, correlation_cells, separation_note
from glmformula.rformat import SIGNIF_LEGEND, format_number, format_numbers

#: the heading of summary(explain=True)'s notes in every format
EXPLANATIONS_TITLE = "What these numbers mean:"

if TYPE_CHECKING:
    from glmformula.anova import AnovaTable
    from glmformula.summary import Summary


@dataclass(frozen=True)
class SummaryParts:
    """Strings for every part of ``print(summary(m))``; cells of the coefficient grid."""

    call: str
    coefficient_title: str
    rownames: list[str]
    headers: list[str]  # the stars column, when shown, has header ""
    cells: list[list[str]]  # stars stripped of padding
    legend: str | None
    dispersion_line: str
    deviance_lines: list[str]
    dropped_line: str | None
    aic_line: str
    iterations_line: str
    separation_lines: list[str]  # the note on infinite estimates (binomial separation)
    #: summary(correlation=True): row names, column names and cells (lower triangle)
    correlation: tuple[list[str], list[str], list[list[str]]] | None = None


def summary_parts(summary: Summary) -> SummaryParts:
    """Format the summary's numbers once, as :func:`render_summary` does."""
    k = summary.n_aliased
    headers: list[str]
    cells: list[list[str]]
    if len(summary.table) == 0:
        title, headers, cells = "No Coefficients", [], []
    else:
        title = (f"Coefficients: ({k} not defined because of singularities)" if k
                 else "Coefficients:")
        headers, cells = coefficient_cells(summary.table, summary.digits)
    stars = bool(headers) and headers[-1] == ""
    cells = [[c.strip() for c in row] for row in cells]
    digits = summary.digits
    devs = format_numbers([summary.null_deviance, summary.deviance], max(5, digits + 1))
    dropped = None
    if summary.n_dropped:
        noun = "observation" if summary.n_dropped == 1 else "observations"
        dropped = f"({summary.n_dropped} {noun} deleted due to missingness)"
    aic = "NA" if math.isnan(summary.aic) else format_number(summary.aic, max(4, digits + 1))
    correlation = None
    if summary.correlation is not None and summary.correlation.shape[0] > 1:
        rows, columns, grid = correlation_cells(summary.correlation)
        correlation = rows, columns, [[c.strip() for c in row] for row in grid]
    return SummaryParts(
        call=summary.call,
        coefficient_title=title,
        rownames=[str(i) for i in summary.table.index],
        headers=headers,
        cells=cells,
        legend=SIGNIF_LEGEND if stars else None,
        dispersion_line=(f"(Dispersion parameter for {summary.family} family taken to be "
                         f"{format_number(summary.dispersion)})"),
        deviance_lines=[
            f"Null deviance: {devs[0]} on {summary.df_null} degrees of freedom",
            f"Residual deviance: {devs[1]} on {summary.df_residual} degrees of freedom",
        ],
        dropped_line=dropped,
        aic_line=f"AIC: {aic}",
        iterations_line=f"Number of Fisher Scoring iterations: {summary.iterations}",
        separation_lines=[" ".join(separation_note(summary.infinite))] if summary.infinite
        else [],
        correlation=correlation,
    )


def summary_footer(parts: SummaryParts) -> list[str]:
    """The lines after the coefficient grid, in R's order."""
    lines = [parts.dispersion_line, *parts.deviance_lines]
    if parts.dropped_line:
        lines.append(parts.dropped_line)
    return [*lines, parts.aic_line, parts.iterations_line, *parts.separation_lines]


def anova_parts(table: AnovaTable) -> tuple[list[str], list[str], list[list[str]], str | None]:
    """Row names, headers, row-wise cells (stars stripped) and the legend, if any."""
    from glmformula.render.anova_text import anova_cells

    rows, headers, columns, stars = anova_cells(table)
    cells = [[col[i].strip() for col in columns] for i in range(len(rows))]
    return rows, headers, cells, SIGNIF_LEGEND if stars else None


def heading_paragraphs(heading: str) -> list[list[str]]:
    """An anova heading split into paragraphs (blank-line separated) of lines."""
    return [[line for line in block.splitlines() if line.strip()]
            for block in heading.strip("\n").split("\n\n") if block.strip()]
