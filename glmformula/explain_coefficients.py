"""One sentence per coefficient, on the scale its link allows (see :mod:`glmformula.explain`).

A main effect of a term that is part of an interaction is read at the reference
level (or zero) of the other variables; an interaction is a difference of
effects (identity link), a ratio of ratios (log) or of odds ratios (logit).
Transformed variables are read in their own units: one standard deviation for
``scale(x)``, a doubling for ``log(x)``; basis columns (``poly``, ``ns``, ``bs``)
and ``I(x^2)`` next to ``x`` have no per-unit reading.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool * tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> "when tension is L (its reference level)" in explain_coefficients(m)[1]
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from glmformula.explain import fmt, fmt_mean
from glmformula.explain_cells import (
    base_cell,
    baseline_sentence,
    cell_sentence,
    cell_terms,
    nested_sentence,
)
from glmformula.explain_pointers import data_column, predictions_pointer, response_scale_note
from glmformula.explain_scale import Scale, link_effect
from glmformula.explain_terms import (
    TermInfo,
    VariableInfo,
    basis_zero,
    offset_exposure,
    offset_expression,
    term_info,
    variable_change,
)

if TYPE_CHECKING:
    from glmformula.explain import ColumnPart
    from glmformula.result import GLMResult

__all__ = ["explain_coefficients"]

HOLD = "holding the other predictors fixed"


def _reference(v: VariableInfo, level: str | None, contrasted: frozenset[str]) -> str:
    """Where a conditioning variable sits when a lower-order coefficient is read."""
    if v.kind == "factor" and v.name in contrasted:
        return f"{v.name} is averaged over its levels (its contrast columns are 0)"
    if v.kind == "factor":
        return f"{v.name} is {level} (its reference level)" if level else \
            f"{v.name} is at its reference level"
    if v.kind == "scaled":
        return f"{v.base} is at its mean ({fmt(v.center or 0.0)}; {v.name} = 0)"
    if v.kind == "centered":
        return f"{v.base} is at its mean ({fmt(v.center or 0.0)})"
    if v.kind == "log":
        return f"{v.name} is 0 ({v.base} = 1)"
    if v.kind == "basis":
        return basis_zero(v)
    return f"{v.name} is 0"


_POLY = {".L": "linear", ".Q": "quadratic", ".C": "cubic"}


def is_contrast(part: ColumnPart, levels: dict[str, list[str]]) -> bool:
    """A factor column that is a contrast (sum, Helmert, polynomial), not one level."""
    return part.level is not None and part.level not in levels.get(part.variable, [part.level])


def _contrast_what(part: ColumnPart, s: Scale,
                   levels: dict[str, list[str]]) -> tuple[str, float]:
    """(what one contrast column compares, the multiple of its coefficient that compares it)."""
    level = part.level or ""
    degree = _POLY.get(level) or (f"degree-{level[1:]}" if level.startswith("^") else None)
    if degree:
        return (f"the {degree} trend across the ordered levels of {part.variable} (an "
                "orthogonal polynomial contrast, not one level against a reference): one unit "
                "of its contrast score"), 1.0
    coding, names = dict(s.coding).get(part.variable), levels.get(part.variable, [])
    j = int(level) if level.isdigit() else 0
    if coding == "sum" and 0 < j < len(names):
        return (f"being at level {names[j - 1]} of {part.variable} rather than at the average "
                f"of its {len(names)} levels (sum coding: the unweighted average of the "
                "levels' linear predictors, not a reference level)"), 1.0
    if coding == "helmert" and 0 < j < len(names):
        return (f"being at level {names[j]} of {part.variable} rather than at the average of "
                f"the levels before it ({', '.join(names[:j])}) (Helmert coding: on the link "
                f"scale that difference is {j + 1} times the coefficient)"), float(j + 1)
    return (f"the contrast column {level} of {part.variable} (not one level against a "
            "reference; see the contrasts the model used): one unit of it"), 1.0


def _power_slope(v: VariableInfo, b: float) -> str:
    """What the coefficient b of I(x^p) adds to the slope of x on the link scale."""
    p = v.power or 2.0
    if p == 2:
        return (f"on the link scale the slope grows by 2 x {fmt(b)} = {fmt(2 * b)} per unit "
                f"of {v.base}")
    return f"on the link scale it adds {fmt(p)} x {fmt(b)} x {v.base}^{fmt(p - 1)} to the slope"


def _main_sentence(name: str, b: float, part: ColumnPart, v: VariableInfo, info: TermInfo,
                   s: Scale, levels: dict[str, list[str]], curve: set[str]) -> str:
    if v.kind == "basis":
        return (f"{name}: one basis column of {v.name}; its coefficient has no per-unit "
                f"reading (the columns of {v.name} together make one curve in {v.base}): "
                f"{predictions_pointer(data_column(s.columns, v.base))}.")
    if v.kind == "power" and info.in_curve:
        return (f"{name}: together with the other powers of {v.base} this makes one curve in "
                f"{v.base}, not a separate effect: the slope of {v.base} changes with "
                f"{v.base} itself ({_power_slope(v, b)}); "
                f"{predictions_pointer(data_column(s.columns, v.base))}.")
    if part.level is not None and part.variable in s.full:
        return baseline_sentence(name, b, part, s)
    if is_contrast(part, levels):
        what, times = _contrast_what(part, s, levels)
        delta, note = b * times, ""
    elif part.level is not None:
        what, delta, note = (f"being at level {part.level} of {part.variable} (relative to "
                             f"the reference level {part.reference} of {part.variable})"), b, ""
    else:
        what, delta, note = variable_change(v, b, s)
    where = _conditions(info, levels, s.contrasted)
    if v.kind == "numeric" and v.name in curve:
        where = [f"{v.name} is 0 (the model also has powers of {v.name}: the slope of its "
                 "curve at 0 only)"] + where
    tail = f", {HOLD}." if not where else (
        f" — the effect when {' and '.join(where)}; the interaction terms say how it "
        "differs elsewhere." if info.conditioned_on else f" — the effect when {where[0]}.")
    return f"{name}: {what} {link_effect(delta, s)}{tail}{note}"


def _conditions(info: TermInfo, levels: dict[str, list[str]],
                contrasted: frozenset[str]) -> list[str]:
    return [_reference(o, next(iter(levels.get(o.name, [])), None), contrasted)
            for o in info.conditioned_on]


def _part_phrase(part: ColumnPart, v: VariableInfo) -> tuple[str, str, float]:
    """(the effect of this part, the change of this part, the coefficient's multiplier)."""
    if part.level is not None:
        return (f"{part.variable}{part.level} ({part.variable} {part.level} rather than "
                f"{part.reference})", f"when {part.variable} is {part.level} rather than "
                f"{part.reference}", 1.0)
    if v.kind == "scaled":
        return (f"one SD of {v.base}", f"per SD increase in {v.base}", 1.0)
    if v.kind == "log":
        step = {"2": 1.0, "10": math.log10(2)}.get(v.log_base, math.log(2))
        return f"doubling {v.base}", f"per doubling of {v.base}", step
    return (f"a one-unit increase in {v.name}", f"per one-unit increase in {v.name}", 1.0)


def _interaction_sentence(name: str, b: float, parts: list[ColumnPart],
                          variables: tuple[VariableInfo, ...], info: TermInfo, s: Scale,
                          levels: dict[str, list[str]], terms: set[frozenset[str]],
                          coef: dict[str, float] | None = None) -> str:
    names = [v.name for v in variables]
    for i, p in enumerate(parts):
        margin = frozenset(n for j, n in enumerate(names) if j != i)
        if p.level is not None and margin not in terms:
            return nested_sentence(name, b, parts, variables, i, s)
    curved = [v.kind == "basis" or (v.kind == "power" and info.in_curve) for v in variables]
    if any(curved):
        at = curved.index(True)
        x = data_column(s.columns, variables[at].base)
        others = [v for j, v in enumerate(variables) if j != at]
        by = data_column(s.columns, others[0].base) if len(others) == 1 else None
        return (f"{name}: an interaction with a basis or power column; it has no per-unit "
                f"reading: {predictions_pointer(x, by, others[0].kind == 'factor')}.")
    if any(is_contrast(p, levels) for p in parts):
        specs = "[" + ", ".join(f'"{data_column(s.columns, v.base)}"' for v in variables) + "]"
        return (f"{name}: an interaction of contrast-coded columns ({fmt(b)} on the link "
                f"scale, {s.link}); it has no single-level reading: compare the fitted means "
                f"of the level combinations instead, gf.emmeans(m, specs={specs}) (pairs() "
                "of it for their differences).")
    phrases = [_part_phrase(p, v) for p, v in zip(parts, variables, strict=True)]
    first = phrases[0][0]
    cond = " and ".join(phrase[1] for phrase in phrases[1:])
    b = b * math.prod(phrase[2] for phrase in phrases)
    if len(parts) > 2:
        lead = (f"a {len(parts)}-way interaction: how the effect of {first} changes {cond} "
                "beyond the lower-order interactions")
    else:
        lead = f"how the effect of {first} changes {cond}"
    if s.link == "identity":
        body = (f"{lead}: {'+' if b >= 0 else '-'}{fmt(abs(b))} on {s.target} "
                "(a difference of effects)")
    elif s.link == "log":
        body = (f"{lead}: its ratio is multiplied by {fmt(math.exp(b))} "
                "(a ratio of ratios)")
    elif s.link == "logit":
        body = (f"{lead}: its odds ratio is multiplied by {fmt(math.exp(b))} "
                "(a ratio of odds ratios)")
    else:
        body = (f"{lead}: {'+' if b >= 0 else '-'}{fmt(abs(b))} on the linear predictor "
                f"({s.link} link), a difference of effects on that scale")
    where = _conditions(info, levels, s.contrasted)
    tail = f", when {' and '.join(where)}." if where else "."
    return f"{name}: {body}{tail}{_combined(parts, variables, b, phrases, s, coef, where)}"


def _combined(parts: list[ColumnPart], variables: tuple[VariableInfo, ...], b: float,
              phrases: list[tuple[str, str, float]], s: Scale, coef: dict[str, float] | None,
              where: list[str]) -> str:
    """For a two-way interaction: the first part's effect at the other part's level/unit."""
    main = (f"{parts[0].variable}{parts[0].level}" if parts[0].level is not None
            else variables[0].name)
    if len(parts) != 2 or where or not coef or not math.isfinite(coef.get(main, math.nan)):
        return ""
    a = coef[main] * phrases[0][2]
    if parts[1].level is None and variables[1].kind not in ("numeric", "scaled", "log"):
        return ""
    v = variables[1]
    at = (f"when {parts[1].variable} is {parts[1].level}" if parts[1].level is not None
          else f"when {v.base} is one SD above its mean" if v.kind == "scaled"
          else f"when {v.base} is 2" if v.kind == "log" else f"when {v.name} is 1")
    if s.link == "identity":
        return f" So the effect of {phrases[0][0]} {at} is {fmt(a)} + {fmt(b)} = {fmt(a + b)}."
    if s.link in ("log", "logit"):
        kind = "ratio" if s.link == "log" else "odds ratio"
        return (f" So the {kind} for {phrases[0][0]} {at} is {fmt(math.exp(a))} x "
                f"{fmt(math.exp(b))} = {fmt(math.exp(a + b))}.")
    return ""


def _intercept_sentence(b: float, s: Scale, result: GLMResult, infos: dict[str, TermInfo],
                        exposure: str | None, contrasted: bool, cell: str | None) -> str:
    kinds = {v.kind for i in infos.values() for v in i.variables}
    base = "when all numeric predictors are 0 and factors are at their reference levels"
    if cell:
        base = (f"when all numeric predictors are 0, in the cell {cell} (the cell whose own "
                "column is aliased), and other factors at their reference levels")
    extras = [text for kind, text in (("scaled", "scale()/center() terms at the mean"),
                                      ("centered", "scale()/center() terms at the mean"),
                                      ("log", "x = 1 for log(x)")) if kind in kinds]
    if contrasted:
        extras.append("factors with sum, Helmert or polynomial contrasts at the average of "
                      "their levels instead")
    extras += [basis_zero(v) for i in infos.values() for v in i.variables
               if v.kind == "basis" and len(i.variables) == 1]
    if extras:
        base += " (" + ", ".join(dict.fromkeys(extras)) + ")"
    if exposure and s.link != "log" and not s.response.endswith(
            f" - {offset_expression(result)}"):
        base += " and the offset is 0"
    with np.errstate(all="ignore"):
        mean = float(np.asarray(result.family.link.inverse(np.array([b])))[0])
    kind = result.family.response_kind
    if s.link == "log":
        return (f"(Intercept): the {s.mean_word} of {s.response} {base} is exp({fmt(b)}) = "
                f"{fmt_mean(mean, kind)}.")
    if s.link == "logit":
        return (f"(Intercept): the odds of {s.response} {base} are exp({fmt(b)}) = "
                f"{fmt(math.exp(b))} (a probability of {fmt_mean(mean, kind)}).")
    if s.link == "identity":
        return f"(Intercept): the {s.mean_word} of {s.response} {base} is {fmt(b)}."
    article = "an" if s.mean_word[0] in "aeiou" else "a"
    valid = math.isfinite(mean) and result.family.valid_mu(np.array([mean]))
    value = (f", {article} {s.mean_word} of {fmt_mean(mean, kind)}" if valid
             else f", which gives no valid {s.mean_word} for the {result.family.name} family "
                  "(the intercept lies outside the data: no case has these values)")
    return f"(Intercept): the linear predictor ({s.link} link) {base} is {fmt(b)}{value}."


def explain_coefficients(result: GLMResult) -> list[str]:
    """One sentence per coefficient of ``result`` (aliased ones say so)."""
    from glmformula.explain import (
        ColumnPart,
        column_parts,
        factor_codings,
        factor_levels,
        response_words,
    )

    link = result.family.link.name
    mean_word, response = response_words(result)
    words = (mean_word, response)  # before an offset makes them rates
    exposure = offset_exposure(result)
    out = []
    if exposure and link == "log":
        given = "an offset (the offset= values)" if exposure == "exp(offset)" else \
            f"log({exposure}) as an offset"
        out.append(f"Offset: the model has {given}, so it describes the "
                   f"rate of {response} per unit of {exposure}: the intercept is a rate and "
                   "the ratios below are rate ratios.")
        mean_word = f"expected rate (per unit of {exposure})"
    elif exposure and link == "identity" and offset_expression(result):
        expr = offset_expression(result)
        out.append(f"Offset: {expr} enters the model with coefficient 1, so the model describes "
                   f"{response} - {expr} (the change from {expr}); the coefficients below are "
                   "read on that difference.")
        response = f"{response} - {expr}"
    elif exposure:
        out.append(f"Offset: the offset is added to the linear predictor ({link} link) with "
                   "coefficient 1; the coefficients below are read with it held fixed.")
    parts = column_parts(result)
    infos = term_info(result)
    scale_note = response_scale_note(result, link, words, infos)
    levels = factor_levels(result)
    contrasted = frozenset(p.variable for c in parts.values() for p in c
                           if is_contrast(p, levels))
    full = frozenset(c[0].variable for c in parts.values()
                     if len(c) == 1 and c[0].level is not None and c[0].level == c[0].reference)
    s = Scale(link, mean_word, response, contrasted, full, result.family.link.inverse,
              tuple(result.design.data_columns), tuple(factor_codings(result).items()))
    curve = {v.base for i in infos.values() if i.in_curve for v in i.variables}
    term_of = {name: term for term, where in result.design.term_slices.items()
               for name in list(result.design.column_names)[where]}
    terms = {frozenset(v.name for v in i.variables) for i in infos.values()}
    coef = {str(k): float(v) for k, v in result.coef.items()}
    aliased = result.aliased
    cells = cell_terms(parts, term_of, levels, {str(k): bool(v) for k, v in aliased.items()})
    intercept = result.design.has_intercept
    effects = False  # a coefficient read as a change (not only baselines of cells/levels)
    for label, value in result.coef.items():
        name, b = str(label), float(value)
        if aliased[name]:
            out.append(f"{name}: not estimable (aliased with earlier columns).")
            continue
        if name == "(Intercept)":
            out.append(_intercept_sentence(b, s, result, infos, exposure, bool(contrasted),
                                           base_cell(cells, parts)))
            continue
        info = infos.get(term_of.get(name, ""))
        column = parts.get(name, [ColumnPart(name, None, None)])
        if info is None or len(info.variables) != len(column):
            v = VariableInfo(name, "numeric", name)
            info = TermInfo((v,), ())
        cell = cells.get(term_of.get(name, ""))
        effects |= not (cell is not None and not intercept and not cell.shared or len(column) == 1
                        and column[0].level is not None and column[0].variable in s.full)
        if cell is not None:
            base = parts.get(cell.base or "")
            specs = "[" + ", ".join(f'"{data_column(s.columns, p.variable)}"' for p in column) + "]"
            out.append(cell_sentence(name, b, column, cell, base, intercept, s, specs))
        elif len(column) == 1:
            out.append(_main_sentence(name, b, column[0], info.variables[0], info, s, levels,
                                      curve))
        else:
            out.append(_interaction_sentence(name, b, column, info.variables, info, s, levels,
                                             terms, coef))
    return out + (scale_note if effects else [])
