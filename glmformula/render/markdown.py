"""Markdown (GitHub pipe tables) for summaries and anova tables.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
>>> print(render_summary_markdown(m.summary()).splitlines()[6])
| (Intercept) |    3.43518 |      0.03454 |    99.443 |      \\< 2e-16 | \\*\\*\\* |
"""

from __future__ import annotations

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
    from glmformula.summary import Summary

_SPECIAL = "\\`*_|<>[]"


def escape_markdown(text: str) -> str:
    """Backslash-escape the characters markdown (and pipe tables) would interpret.

    >>> escape_markdown("Pr(>|z|) ***")
    'Pr(\\\\>\\\\|z\\\\|) \\\\*\\\\*\\\\*'
    """
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def _grid(rownames: list[str], headers: list[str], cells: list[list[str]]) -> str:
    rows = [[escape_markdown(r), *(escape_markdown(c) for c in row)]
            for r, row in zip(rownames, cells, strict=True)]
    return tabulate(rows, headers=["", *(escape_markdown(h) for h in headers)],
                    tablefmt="pipe", disable_numparse=True,
                    colalign=("left", *(["right"] * len(headers))))


def render_summary_markdown(summary: Summary) -> str:
    """The summary as markdown: call, coefficient table, legend and fit statistics."""
    p = summary_parts(summary)
    out = ["**Call:** `" + p.call.replace("`", "'") + "`", "", f"**{p.coefficient_title}**", ""]
    if p.headers:
        out += [_grid(p.rownames, p.headers, p.cells), ""]
    if p.legend:
        out += ["Signif. codes: " + escape_markdown(p.legend.split(":", 1)[1].strip()), ""]
    out += [escape_markdown(line) + "  " for line in summary_footer(p)]
    out[-1] = out[-1].rstrip()
    if p.correlation:
        out += ["", "**Correlation of Coefficients:**", "", _grid(*p.correlation)]
    if summary.explanations:
        out += ["", f"**{EXPLANATIONS_TITLE}**", ""]
        out += [f"- {escape_markdown(note)}" for note in summary.explanations]
    return "\n".join(out) + "\n"


def render_anova_markdown(table: AnovaTable) -> str:
    """The anova table as markdown: heading, pipe table and legend."""
    rows, headers, cells, legend = anova_parts(table)
    out = []
    for paragraph in heading_paragraphs(table.heading):
        out += ["  \n".join(escape_markdown(line) for line in paragraph), ""]
    out.append(_grid(rows, headers, cells))
    if legend:
        out += ["", "Signif. codes: " + escape_markdown(legend.split(":", 1)[1].strip())]
    return "\n".join(out) + "\n"
