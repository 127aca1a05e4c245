"""HTML for summaries and anova tables (what notebooks show through ``_repr_html_``).

Every text is escaped; the grid is tabulate's ``html`` format, which escapes cells.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
>>> html = render_summary_html(m.summary())
>>> html.count("<tr>"), "Pr(&gt;|z|)" in html
(3, True)
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from tabulate import tabulate

from glmformula.render.parts import (
    EXPLANATIONS_TITLE,
    anova_parts,
    heading_paragraphs,
    summary_footer,
    summary_parts,
)

if TYPE_CHECKING:
    from glmformula.anova import AnovaTable
    from glmformula.print_glm import PrintedModel
    from glmformula.summary import Summary

CORRELATION_TITLE = "Correlation of Coefficients:"


def _grid(rownames: list[str], headers: list[str], cells: list[list[str]]) -> str:
    rows = [[r, *row] for r, row in zip(rownames, cells, strict=True)]
    return tabulate(rows, headers=["", *headers], tablefmt="html", disable_numparse=True,
                    colalign=("left", *(["right"] * len(headers))))


def _legend(legend: str | None) -> list[str]:
    return [f"<p><small>{escape(legend)}</small></p>"] if legend else []


def render_summary_html(summary: Summary) -> str:
    """The summary as an HTML fragment: call, coefficient table, legend, fit statistics."""
    p = summary_parts(summary)
    out = ['<div class="glmformula-summary">',
           f"<p><b>Call:</b> <code>{escape(p.call)}</code></p>",
           f"<p><b>{escape(p.coefficient_title)}</b></p>"]
    if p.headers:
        out.append(_grid(p.rownames, p.headers, p.cells))
    out += _legend(p.legend)
    out.append("<p>" + "<br>\n".join(escape(line) for line in summary_footer(p)) + "</p>")
    if p.correlation:
        out += [f"<p><b>{CORRELATION_TITLE}</b></p>", _grid(*p.correlation)]
    if summary.explanations:
        out += [f"<p><b>{escape(EXPLANATIONS_TITLE)}</b></p>", "<ul>"]
        out += [f"<li>{escape(note)}</li>" for note in summary.explanations]
        out.append("</ul>")
    out.append("</div>")
    return "\n".join(out)


def render_model_html(p: PrintedModel) -> str:
    """R's ``print.glm`` as an HTML fragment: call, a row of coefficients, deviances, AIC.

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
    >>> html = m._repr_html_()
    >>> html.count("<tr>"), "Residual Deviance: 281.3" in html
    (2, True)
    """
    out = ['<div class="glmformula-glm">',
           f"<p><b>Call:</b> <code>{escape(p.call)}</code></p>"]
    if p.names:
        table = tabulate([[v.strip() for v in p.values]], headers=p.names, tablefmt="html",
                         disable_numparse=True, colalign=["right"] * len(p.names))
        out += ["<p><b>Coefficients:</b></p>", f'<div style="overflow-x: auto">{table}</div>']
    else:
        out.append("<p><b>No coefficients</b></p>")
    lines = [f"Degrees of Freedom: {p.df_null} Total (i.e. Null); {p.df_residual} Residual"]
    if p.dropped:
        lines.append(f"({p.dropped})")
    lines += [f"Null Deviance: {p.null_deviance}",
              f"Residual Deviance: {p.deviance} AIC: {p.aic}"]
    out.append("<p>" + "<br>\n".join(escape(line) for line in lines) + "</p>")
    out.append("</div>")
    return "\n".join(out)


def render_anova_html(table: AnovaTable) -> str:
    """The anova table as an HTML fragment: heading paragraphs, table and legend."""
    rows, headers, cells, legend = anova_parts(table)
    out = ['<div class="glmformula-anova">']
    out += ["<p>" + "<br>\n".join(escape(line) for line in paragraph) + "</p>"
            for paragraph in heading_paragraphs(table.heading)]
    out.append(_grid(rows, headers, cells))
    out += _legend(legend)
    out.append("</div>")
    return "\n".join(out)
