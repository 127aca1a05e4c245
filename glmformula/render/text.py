"""Plain text in R's layout (``print.summary.glm`` and ``printCoefmat``)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from glmformula.design_parse import split_arguments
from glmformula.errors import FormulaError
from glmformula.rformat import (
    SIGNIF_LEGEND,
    format_number,
    format_numbers,
    format_pvalues,
    significance_stars,
)
from glmformula.rformula import SPACED_OPERATORS, Node, parse_formula
from glmformula.rprint import character_matrix_lines

if TYPE_CHECKING:
    from glmformula.summary import Summary

DIGITS = 4  # R: max(3, getOption("digits") - 3)


def _with_na(texts: list[str], values: np.ndarray) -> list[str]:
    return ["NA" if math.isnan(v) else t for t, v in zip(texts, values, strict=True)]


def coefficient_cells(
    table: pd.DataFrame, digits: int = DIGITS
) -> tuple[list[str], list[list[str]]]:
    """The formatted cells of R's ``printCoefmat`` for an (Estimate, SE, stat, p) table."""
    values = table.to_numpy(dtype=float)
    n = values.shape[0]
    est_se = values[:, :2]
    finite = np.abs(est_se[np.isfinite(est_se) & (est_se != 0)])
    cells = [[""] * 4 for _ in range(n)]
    if finite.size:
        digmin = 1 + np.floor(np.log10([finite.min(), finite.max()]))
        decimals = int(max(1, *(digits - digmin)))
        rounded = np.round(est_se, decimals)
        texts = format_numbers(list(rounded.ravel(order="F")), digits)
        texts = _with_na(texts, est_se.ravel(order="F"))
        for j in range(2):
            for i in range(n):
                cells[i][j] = texts[j * n + i]
    else:
        for i in range(n):
            for j in range(2):
                cells[i][j] = "NA" if math.isnan(est_se[i, j]) else format_number(est_se[i, j])
    dig_tst = max(1, min(5, digits - 1))
    stat = values[:, 2]
    for i, text in enumerate(_with_na(format_numbers(list(np.round(stat, dig_tst)), digits), stat)):
        cells[i][2] = text
    pv = values[:, 3]
    ok = ~np.isnan(pv)
    ptexts = format_pvalues(list(pv[ok]), dig_tst)
    it = iter(ptexts)
    for i in range(n):
        cells[i][3] = next(it) if ok[i] else "NA"
    headers = [str(c) for c in table.columns]
    if ok.any() and np.any(pv[ok] < 0.1):
        stars = significance_stars(list(pv))
        for i in range(n):
            cells[i].append(stars[i])
        headers.append("")
    return headers, cells


def matrix_lines(rownames: list[str], headers: list[str], cells: list[list[str]]) -> list[str]:
    """R's print of a character matrix: row names left, columns right-justified."""
    name_width = max((len(r) for r in rownames), default=0)
    widths = [max([len(headers[j])] + [len(row[j]) for row in cells]) for j in range(len(headers))]
    lines = [" " * name_width + "".join(" " + h.rjust(w) for h, w in zip(headers, widths,
                                                                           strict=True))]
    for name, row in zip(rownames, cells, strict=True):
        lines.append(name.ljust(name_width)
                     + "".join(" " + c.rjust(w) for c, w in zip(row, widths, strict=True)))
    return lines


def coefficient_lines(table: pd.DataFrame, digits: int = DIGITS) -> list[str]:
    """The coefficient block with the significance legend when stars are shown."""
    headers, cells = coefficient_cells(table, digits)
    lines = matrix_lines([str(i) for i in table.index], headers, cells)
    if headers[-1] == "":
        lines += ["---", SIGNIF_LEGEND]
    return lines


def _split_arguments(call: str) -> tuple[str, list[str]]:
    """'glm(a = 1, b = f(x, y))' -> ('glm(', ['a = 1', 'b = f(x, y)'])."""
    head, _, body = call.partition("(")
    body = body[:-1] if body.endswith(")") else body
    return head + "(", [a for a in split_arguments(body) if a]


def call_lines(call: str, cutoff: int = 60) -> list[str]:
    """The call broken between arguments as R's deparse does (width.cutoff = 60).

    As R's ``args2buff``, a line is ended after the ", " of any call's argument,
    nested calls' too (``family = quasi(link = "inverse", variance = "mu^2")``),
    once it is longer than ``cutoff``; each nested call that breaks indents its
    continuation lines by one more level.
    """
    deparser = _Deparser(cutoff)
    deparser.deparse(call)
    return [*deparser.lines, deparser.line]


def formula_lines(formula: str, cutoff: int = 60) -> list[str]:
    """A formula's lines as R's deparse writes them (a formula on its own, as selection
    tables print it)."""
    deparser = _Deparser(cutoff)
    deparser.formula(formula)
    return [*deparser.lines, deparser.line]


class _Deparser:
    """The line being written, its indent level and the lines written (R's deparse state)."""

    def __init__(self, cutoff: int) -> None:
        self.cutoff = cutoff
        self.line = ""
        self.indent = 0
        self.lines: list[str] = []

    def emit(self, text: str) -> None:
        if not self.line:
            self.line = "    " * min(self.indent, 4) + "  " * max(0, self.indent - 4)
        self.line += text

    def deparse(self, text: str) -> None:
        match = re.fullmatch(r"([A-Za-z.][A-Za-z0-9._]*)\((.*)\)", text, flags=re.DOTALL)
        if match is None or not _balanced(match.group(2)):
            self.emit(text)
            return
        self.emit(match.group(1) + "(")
        arguments = [a for a in split_arguments(match.group(2)) if a]
        broke = False
        for k, argument in enumerate(arguments):
            tag, eq, value = argument.partition(" = ")
            if eq and re.fullmatch(r"[A-Za-z.][A-Za-z0-9._]*", tag):
                self.emit(tag + " = ")
                if tag == "formula":
                    self.formula(value)
                else:
                    self.deparse(value)
            else:
                self.deparse(argument)
            if k < len(arguments) - 1:
                self.emit(", ")
                if len(self.line) > self.cutoff:
                    if not broke:
                        broke = True
                        self.indent += 1
                    self.lines.append(self.line)
                    self.line = ""
        if broke:
            self.indent -= 1
        self.emit(")")

    def formula(self, text: str) -> None:
        """A formula, broken as R's deparse breaks binary operators (a formula that is not
        R's syntax is written whole)."""
        try:
            node = parse_formula(text)
        except FormulaError:
            self.emit(text)
            return
        self._node(node)

    def _node(self, node: Node) -> None:
        kind = str(node[0])
        children = [child for child in node[1:] if isinstance(child, tuple)]
        if kind == "atom":
            self.deparse(str(node[1]))
        elif kind == "()":
            self.emit("(")
            self._node(children[0])
            self.emit(")")
        elif len(children) == 1:  # unary -, + and a one-sided ~
            self.emit({"neg": "-", "pos": "+"}.get(kind, kind))
            self._node(children[0])
        elif kind in SPACED_OPERATORS or kind.startswith("%"):
            # R's PP_BINARY: after "lhs op ", a line longer than the cutoff ends, and
            # the right operand goes on one indent level deeper
            self._node(children[0])
            self.emit(f" {kind} ")
            broke = len(self.line) > self.cutoff
            if broke:
                self.indent += 1
                self.lines.append(self.line)
                self.line = ""
            self._node(children[1])
            if broke:
                self.indent -= 1
        else:  # / : ^ (R's PP_BINARY2): no spaces, no line break
            self._node(children[0])
            self.emit(kind)
            self._node(children[1])


def _balanced(text: str) -> bool:
    """Whether the brackets outside quotes of ``text`` close in order (f(a)(b) is no call)."""
    depth, quote = 0, ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def separation_note(infinite: dict[str, str]) -> list[str]:
    """The note after R's layout when separation makes some estimates infinite."""
    if not infinite:
        return []
    listed = ", ".join(f"{name} ({mark})" for name, mark in infinite.items())
    return ["Separation: infinite maximum likelihood estimates (their values and standard",
            f"errors above are not meaningful): {listed}"]


def correlation_cells(correlation: pd.DataFrame) -> tuple[list[str], list[str], list[list[str]]]:
    """Row names, column names and cells of R's printed correlation of coefficients.

    ``format(round(correl, 2), nsmall = 2)`` for the whole matrix, the lower
    triangle kept, without the first row and the last column (R's
    ``print.summary.glm`` with ``symbolic.cor = FALSE``).
    """
    values = correlation.to_numpy(dtype=float)
    texts = [["NaN" if math.isnan(v) else f"{round(float(v), 2) + 0.0:.2f}" for v in row]
             for row in values]  # + 0.0: a rounded -0.00 prints as 0.00, as in R
    width = max(len(t) for row in texts for t in row)
    p = values.shape[0]
    grid = [[texts[i][j].rjust(width) if i > j else "" for j in range(p - 1)]
            for i in range(1, p)]
    names = [str(n) for n in correlation.index]
    return names[1:], names[:-1], grid


def correlation_lines(correlation: pd.DataFrame | None) -> list[str]:
    """The block R prints after the iterations for ``summary(m, correlation = TRUE)``."""
    if correlation is None or correlation.shape[0] < 2:
        return []
    return ["Correlation of Coefficients:", *character_matrix_lines(*correlation_cells(
        correlation)), ""]


def render_summary(summary: Summary) -> str:
    """The whole of R's ``print(summary(m))`` (R >= 4.3 layout)."""
    digits = summary.digits
    out = ["", "Call:", *call_lines(summary.call), ""]
    if len(summary.table) == 0:
        out += ["No Coefficients"]
    else:
        k = summary.n_aliased
        out.append(f"Coefficients: ({k} not defined because of singularities)" if k
                   else "Coefficients:")
        out += coefficient_lines(summary.table, digits)
    out += ["", f"(Dispersion parameter for {summary.family} family taken to be "
                f"{format_number(summary.dispersion)})", ""]
    devs = format_numbers([summary.null_deviance, summary.deviance], max(5, digits + 1))
    dfs = [str(summary.df_null), str(summary.df_residual)]
    width = max(len(d) for d in dfs)
    out.append(f"    Null deviance: {devs[0]}  on {dfs[0].rjust(width)}  degrees of freedom")
    out.append(f"Residual deviance: {devs[1]}  on {dfs[1].rjust(width)}  degrees of freedom")
    if summary.n_dropped:
        noun = "observation" if summary.n_dropped == 1 else "observations"
        out.append(f"  ({summary.n_dropped} {noun} deleted due to missingness)")
    aic = "NA" if math.isnan(summary.aic) else format_number(summary.aic, max(4, digits + 1))
    out += [f"AIC: {aic}", "", f"Number of Fisher Scoring iterations: {summary.iterations}", ""]
    out += correlation_lines(summary.correlation)
    note = separation_note(summary.infinite)
    out += [*note, ""] if note else []
    return "\n".join(out)
