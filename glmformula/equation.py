r"""The fitted model as a LaTeX equation, as R's ``equatiomatic::extract_eq(use_coefs = TRUE)``.

The link of the mean is on the left, the rounded coefficients on the right;
factor levels are indicators, interactions products, and negative
coefficients are subtracted.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> for piece in str(m.equation()).split(" - "):
...     print(piece)
\log(\widehat{E}(\text{breaks})) = 3.69
0.21(\operatorname{wool}_{\operatorname{B}})
0.32(\operatorname{tension}_{\operatorname{M}})
0.52(\operatorname{tension}_{\operatorname{H}})
>>> m.equation()._repr_latex_().startswith("$$")
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from glmformula.explain import ColumnPart, column_parts

if TYPE_CHECKING:
    from glmformula.result import GLMResult

__all__ = ["Equation", "equation"]

_SPECIAL = {"\\": r"\textbackslash{}", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#",
            "$": r"\$", "{": r"\{", "}": r"\}", "^": r"\^{}", "~": r"\~{}"}


def _escape(text: str) -> str:
    return "".join(_SPECIAL.get(char, char) for char in text)


@dataclass(frozen=True)
class Equation:
    """A LaTeX equation: ``str()`` gives the LaTeX, notebooks render ``_repr_latex_``."""

    latex: str

    def _repr_latex_(self) -> str:
        return f"$${self.latex}$$"

    def __str__(self) -> str:
        return self.latex

    def __repr__(self) -> str:
        return f"Equation({self.latex!r})"


def _left_side(result: GLMResult) -> str:
    link = result.family.link.name
    response = rf"\text{{{_escape(result.design.response.name)}}}"
    mean = r"\hat{p}" if result.family.response_kind == "probability" else r"\hat{\mu}"
    if link == "identity":
        return mean
    if link == "log":
        return rf"\log(\widehat{{E}}({response}))"
    forms = {
        "logit": rf"\operatorname{{logit}}({mean})",
        "probit": rf"\Phi^{{-1}}({mean})",
        "cloglog": rf"\log(-\log(1 - {mean}))",
        "cauchit": rf"\tan(\pi({mean} - 1/2))",
        "inverse": rf"1/{mean}",
        "1/mu^2": rf"1/{mean}^{{2}}",
        "sqrt": rf"\sqrt{{{mean}}}",
    }
    return forms.get(link, rf"g({mean})")


def _factor_tex(part: ColumnPart) -> str:
    name = rf"\operatorname{{{_escape(part.variable)}}}"
    if part.level is None:
        return name
    return rf"{name}_{{\operatorname{{{_escape(part.level)}}}}}"


def _number(value: float, digits: int) -> str:
    return f"{abs(value):.{digits}f}"


def equation(result: GLMResult, digits: int = 2) -> Equation:
    r"""The fitted model of ``result`` as LaTeX, coefficients rounded to ``digits`` decimals.

    Aliased (NA) coefficients are left out; an offset appears as
    ``\operatorname{offset}``.

    >>> import glmformula as gf
    >>> m = gf.glm("cbind(numdead, numalive) ~ ldose", data=gf.datasets.load("budworm"),
    ...            family="binomial")
    >>> print(m.equation(digits=3))
    \operatorname{logit}(\hat{p}) = -2.766 + 1.007(\operatorname{ldose})
    """
    parts = column_parts(result)
    pieces: list[tuple[float, str]] = []
    for (name, b), aliased in zip(result.coef.items(), result.aliased, strict=True):
        if aliased or math.isnan(b):
            continue
        if name == "(Intercept)":
            pieces.append((float(b), ""))
            continue
        factors = parts.get(str(name), [ColumnPart(str(name), None, None)])
        body = r" \times ".join(_factor_tex(p) for p in factors)
        pieces.append((float(b), f"({body})"))
    right = ""
    for k, (b, body) in enumerate(pieces):
        number = _number(b, digits)
        negative = b < 0 and float(number) != 0
        if k == 0:
            right = ("-" if negative else "") + number + body
        else:
            right += (" - " if negative else " + ") + number + body
    if result.design.offset is not None:
        right += r" + \operatorname{offset}"
    if not right:
        right = "0"
    return Equation(f"{_left_side(result)} = {right}")
