"""A model's formula as R prints it in selection tables: ``deparse(formula(fit))``.

R expands the ``.`` of a model formula into the data's columns
(``Days ~ .^4`` prints as ``Days ~ (Eth + Sex + Age + Lrn)^4``) and breaks a
line longer than 60 characters after a binary operator, going on with four
spaces (``deparse``'s ``width.cutoff = 60``).

>>> deparse_lines("y ~ " + " + ".join(f"x{i}" for i in range(20)))[1]
'    x12 + x13 + x14 + x15 + x16 + x17 + x18 + x19'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from glmformula.errors import FormulaError
from glmformula.rformula import deparse_formula
from glmformula.scope import DOT, QUOTED

if TYPE_CHECKING:
    from glmformula.result import GLMResult

_NAME = re.compile(r"[A-Za-z.][A-Za-z0-9._]*")


def deparse_lines(text: str, cutoff: int = 60) -> list[str]:
    """Lines of ``text`` broken as R's ``deparse`` breaks a formula (``width.cutoff``):
    after a spaced binary operator once the line is longer than ``cutoff``."""
    from glmformula.render.text import formula_lines

    return formula_lines(" ".join(text.split()), cutoff)


def _dot_columns(model: GLMResult, data: Any) -> list[str]:
    lhs = model.design.formula.split("~", 1)[0]
    if data is None:
        data = model.data
    if data is not None and hasattr(data, "columns"):
        response = set(_NAME.findall(lhs))
        return [str(c) for c in data.columns if str(c) not in response]
    return list(model.design.data_columns)


def display_formula(model: GLMResult, data: Any = None) -> str:
    """R's ``formula(m)`` as deparse writes it: the model's formula, its ``.`` expanded into
    the data's columns (the fit's own data unless given), R's spacing."""
    text = _expand_dot(model, data)
    try:
        return deparse_formula(text)
    except FormulaError:  # not R's formula syntax: as written, single-spaced
        return text


def _expand_dot(model: GLMResult, data: Any) -> str:
    text = " ".join(model.design.formula.split())
    lhs, rhs = text.split("~", 1)
    parts = QUOTED.split(rhs)
    if not any(DOT.search(p) for p in parts[::2]):
        return text
    columns = _dot_columns(model, data)
    plain = " + ".join(columns)

    def replace(match: re.Match[str], part: str) -> str:
        before = part[:match.start()].rstrip()
        after = part[match.end():].lstrip()
        alone = (before == "" or before.endswith("+")) and (after == "" or after[0] == "+")
        return plain if alone or len(columns) == 1 else f"({plain})"

    rhs = "".join(p if i % 2 else DOT.sub(lambda m, p=p: replace(m, p), p)
                  for i, p in enumerate(parts))
    return f"{lhs}~{rhs}"


def formula_lines(model: GLMResult, data: Any = None) -> str:
    """:func:`display_formula` broken into R's deparse lines, joined by newlines."""
    return "\n".join(deparse_lines(display_formula(model, data)))
