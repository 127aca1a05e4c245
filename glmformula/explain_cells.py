"""Coefficients of factors coded by one column per level (see :mod:`glmformula.explain`).

Without an intercept a factor's columns are baselines; inside an interaction whose margin
is missing they are effects within one level (nested); when every factor of an interaction
is coded in full (``a:b - 1``, or ``a:b`` whose last cell R aliases) each column is one
cell: its baseline, or its difference from the cell the intercept stands for.

>>> import glmformula as gf
>>> from glmformula.explain import explain
>>> m = gf.glm("breaks ~ wool:tension - 1", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> "the baseline of the cell wool A, tension L" in explain(m)[0]
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from glmformula.explain import fmt, fmt_mean
from glmformula.explain_scale import Scale, link_effect
from glmformula.explain_terms import VariableInfo, variable_change

if TYPE_CHECKING:
    from glmformula.explain import ColumnPart

__all__ = ["CellTerm", "base_cell", "baseline_sentence", "cell_sentence", "cell_terms",
           "nested_sentence"]


@dataclass(frozen=True)
class CellTerm:
    """An interaction of factors that are all coded in full: one column per cell."""

    #: whether another (non-intercept) term shares one of its variables
    shared: bool
    #: the cell the intercept stands for: the term's one aliased column, if exactly one
    base: str | None


def cell_terms(parts: Mapping[str, list[ColumnPart]], term_of: Mapping[str, str],
               levels: Mapping[str, list[str]],
               aliased: Mapping[str, bool]) -> dict[str, CellTerm]:
    """The interaction terms whose every variable is a factor seen at all its levels."""
    by_term: dict[str, list[str]] = {}
    for name, term in term_of.items():
        if len(parts.get(name, [])) > 1:
            by_term.setdefault(term, []).append(name)
    out = {}
    for term, names in by_term.items():
        seen: dict[str, set[str | None]] = {}
        for name in names:
            for p in parts[name]:
                seen.setdefault(p.variable, set()).add(p.level)
        if not all(v in levels and seen[v] == set(levels[v]) for v in seen):
            continue
        others = {p.variable for n, t in term_of.items() if t != term for p in parts.get(n, [])}
        lost = [n for n in names if aliased.get(n, False)]
        out[term] = CellTerm(bool(others & set(seen)), lost[0] if len(lost) == 1 else None)
    return out


def base_cell(cells: Mapping[str, CellTerm],
              parts: Mapping[str, list[ColumnPart]]) -> str | None:
    """The cell the intercept stands for (its column aliased), as words, if there is one."""
    bases = [c.base for c in cells.values() if not c.shared and c.base is not None]
    return _cell(parts[bases[0]]) if len(bases) == 1 else None


def _cell(parts: list[ColumnPart]) -> str:
    return ", ".join(f"{p.variable} {p.level}" for p in parts)


def cell_sentence(name: str, b: float, parts: list[ColumnPart], cell: CellTerm,
                  base: list[ColumnPart] | None, intercept: bool, s: Scale, specs: str) -> str:
    """One column of an interaction of factors all coded in full: one cell of them."""
    if not intercept and not cell.shared:
        return (f"{name}: the model has no intercept and gives each combination of "
                f"{' and '.join(p.variable for p in parts)} its own column, so this is the "
                f"baseline of the cell {_cell(parts)} (with numeric predictors at 0 and other "
                f"factors at their reference levels): {_value(b, s)}.")
    if intercept and not cell.shared and base is not None:
        return (f"{name}: being in the cell {_cell(parts)} rather than the cell {_cell(base)} "
                f"(the intercept stands for that cell: its own column is aliased) "
                f"{link_effect(b, s)}, holding the other predictors fixed.")
    return (f"{name}: the indicator of the cell {_cell(parts)} ({fmt(b)} on the link scale, "
            f"{s.link}); with the model's other columns it is not one level against a "
            f"reference: compare the fitted means of the cells instead, gf.emmeans(m, "
            f"specs={specs}) (pairs() of it for their differences).")


def _value(b: float, s: Scale) -> str:
    """The linear predictor b, and the mean it gives."""
    with np.errstate(all="ignore"):
        mean = float(np.asarray(s.inverse(np.array([b])))[0])
    value = (f"the linear predictor ({s.link} link) is {fmt(b)}" if s.link != "identity"
             else f"the {s.mean_word} of {s.response} is {fmt(b)}")
    if s.link != "identity" and math.isfinite(mean):
        article = "an" if s.mean_word[0] in "aeiou" else "a"
        kind = "probability" if s.mean_word == "probability" else ""
        value += f", {article} {s.mean_word} of {s.response} of {fmt_mean(mean, kind)}"
    return value


def baseline_sentence(name: str, b: float, part: ColumnPart, s: Scale) -> str:
    """A level of a factor coded in full in a model without an intercept: a baseline."""
    return (f"{name}: the model has no intercept, so each level of {part.variable} has its "
            f"own baseline: at level {part.level} of {part.variable}, with numeric predictors "
            f"at 0 and other factors at their reference levels, {_value(b, s)}.")


def nested_sentence(name: str, b: float, parts: list[ColumnPart],
                    variables: tuple[VariableInfo, ...], nested: int, s: Scale) -> str:
    """A column of a factor coded in full inside an interaction: an effect within one level."""
    by = parts[nested]
    rest = [(p, v) for i, (p, v) in enumerate(zip(parts, variables, strict=True)) if i != nested]
    others = " and ".join(v.name for _, v in rest)
    where = (f"when {by.variable} is {by.level} (the model has no {others} term on its own, "
             f"so each level of {by.variable} has its own effect)")
    if len(rest) == 1:
        p, v = rest[0]
        if p.level is not None:
            what, delta, note = (f"being at level {p.level} of {p.variable} (relative to "
                                 f"the reference level {p.reference} of {p.variable})"), b, ""
        else:
            what, delta, note = variable_change(v, b, s)
        return f"{name}: {what} {link_effect(delta, s)} {where}.{note}"
    return f"{name}: the effect of {others} {where}: {fmt(b)} on the link scale ({s.link})."
