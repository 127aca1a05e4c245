"""LaTeX (booktabs) for summaries and anova tables.

The grids are tabulate's ``latex_booktabs`` (which escapes ``& % $ # _ { } ~ ^ \\ < >``);
``|`` becomes ``\\textbar{}``. Needs ``\\usepackage{booktabs}``.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
>>> tex = render_summary_latex(m.summary())
>>> tex.count(r"\\begin{tabular}"), r"Pr(\\ensuremath{>}\\textbar{}z\\textbar{})" in tex
(1, True)
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

_RULES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}


def escape_latex(text: str) -> str:
    """Escape LaTeX's special characters in running text.

    >>> print(escape_latex("y ~ x_1 ^ 2, 5% & |z|"))
    y \\textasciitilde{} x\\_1 \\textasciicircum{} 2, 5\\% \\& \\textbar{}z\\textbar{}
    """
    return "".join(_RULES.get(c, c) for c in text)


def _grid(rownames: list[str], headers: list[str], cells: list[list[str]]) -> str:
    rows = [[r, *row] for r, row in zip(rownames, cells, strict=True)]
    tex = tabulate(rows, headers=["", *headers], tablefmt="latex_booktabs",
                   disable_numparse=True, colalign=("left", *(["right"] * len(headers))))
    return tex.replace("|", r"\textbar{}")  # booktabs column specs have no rules


def _legend(legend: str | None) -> list[str]:
    return [r"{\small " + escape_latex(legend) + r"}\par"] if legend else []


def render_summary_latex(summary: Summary) -> str:
    """The summary as a LaTeX fragment: call, booktabs table, legend, fit statistics."""
    p = summary_parts(summary)
    out = [r"\noindent\textbf{Call:} \texttt{" + escape_latex(p.call) + r"}\par",
           r"\noindent\textbf{" + escape_latex(p.coefficient_title) + r"}\par"]
    if p.headers:
        out += [r"\noindent", _grid(p.rownames, p.headers, p.cells) + r"\par"]
    out += _legend(p.legend)
    out += [r"\noindent " + escape_latex(line) + r"\par" for line in summary_footer(p)]
    if p.correlation:
        out += [r"\noindent\textbf{Correlation of Coefficients:}\par", r"\noindent",
                _grid(*p.correlation) + r"\par"]
    if summary.explanations:
        out += [r"\noindent\textbf{" + escape_latex(EXPLANATIONS_TITLE) + r"}\par",
                r"\begin{itemize}"]
        out += [r"\item " + escape_latex(note) for note in summary.explanations]
        out.append(r"\end{itemize}")
    return "\n".join(out) + "\n"


def render_anova_latex(table: AnovaTable) -> str:
    """The anova table as a LaTeX fragment: heading, booktabs table and legend."""
    rows, headers, cells, legend = anova_parts(table)
    out = [r"\noindent " + r"\\ ".join(escape_latex(line) for line in paragraph) + r"\par"
           for paragraph in heading_paragraphs(table.heading)]
    out += [r"\noindent", _grid(rows, headers, cells) + r"\par"]
    out += _legend(legend)
    return "\n".join(out) + "\n"
