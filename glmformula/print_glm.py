"""R's ``print.glm``: what ``print(m)`` and ``repr(m)`` show, and its HTML for notebooks.

>>> import glmformula as gf
>>> warpbreaks = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=warpbreaks, family="poisson")
>>> print(m)  # doctest: +NORMALIZE_WHITESPACE
<BLANKLINE>
Call:  glm(formula = breaks ~ wool + tension, family = poisson, data = warpbreaks)
<BLANKLINE>
Coefficients:
(Intercept)        woolB     tensionM     tensionH
     3.6920      -0.2060      -0.3213      -0.5185
<BLANKLINE>
Degrees of Freedom: 53 Total (i.e. Null);  50 Residual
Null Deviance:	    297.4
Residual Deviance: 210.4 	AIC: 493.1

The lines end with the spaces R prints (trimmed above by the doctest); quasi
families print ``AIC: NA`` as R does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from glmformula.render.text import DIGITS, call_lines
from glmformula.rformat import format_number, format_numbers
from glmformula.rprint import named_vector_lines, signif

if TYPE_CHECKING:
    from glmformula.result import GLMResult


@dataclass(frozen=True)
class PrintedModel:
    """The strings of R's ``print.glm``, formatted once for the text and HTML renderers."""

    call: str
    names: list[str]
    values: list[str]  # format(coef, digits = 4): common layout, NA where aliased
    df_null: int
    df_residual: int
    dropped: str | None  # naprint: "4 observations deleted due to missingness"
    null_deviance: str
    deviance: str
    aic: str


def printed_model(model: GLMResult, digits: int = DIGITS) -> PrintedModel:
    """Format a fitted model's call, coefficients, degrees of freedom and deviances as R."""
    n_dropped = model.design.n_dropped
    dropped = None
    if n_dropped:
        noun = "observation" if n_dropped == 1 else "observations"
        dropped = f"{n_dropped} {noun} deleted due to missingness"
    return PrintedModel(
        call=model.call,
        names=[str(n) for n in model.coef.index],
        values=format_numbers(model.coef.to_numpy(dtype=float).tolist(), digits),
        df_null=model.df_null,
        df_residual=model.df_residual,
        dropped=dropped,
        null_deviance=_signif_text(model.null_deviance, digits),
        deviance=_signif_text(model.deviance, digits),
        aic=_signif_text(model.aic, digits),
    )


def _signif_text(value: float, digits: int) -> str:
    """``format(signif(x, digits))`` (7 significant digits after rounding)."""
    return format_number(signif(float(value), digits))


def print_glm(model: GLMResult, digits: int = DIGITS) -> str:
    """R's ``print(m)`` for a glm (and a ``glm.nb`` fit, which MASS prints the same way).

    The text is what R writes, without its final newline (``print()`` adds it).
    """
    p = printed_model(model, digits)
    lines = ["", "Call:  " + "\n".join(call_lines(p.call)), ""]
    if p.names:
        lines += ["Coefficients:", *named_vector_lines(p.names, p.values)]
    else:
        lines += ["No coefficients", ""]
    lines += ["", f"Degrees of Freedom: {p.df_null} Total (i.e. Null);  {p.df_residual} Residual"]
    if p.dropped:
        lines.append(f"  ({p.dropped})")
    lines += [f"Null Deviance:\t    {p.null_deviance} ",
              f"Residual Deviance: {p.deviance} \tAIC: {p.aic}"]
    return "\n".join(lines)
