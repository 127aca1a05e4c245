"""Numbers printed as R prints them: ``format()``, ``format.pval()`` and ``symnum`` stars.

R formats a vector with one common layout: enough significant digits (at most
``digits``) for every element, a shared number of decimals, and scientific
notation only when it is narrower than fixed notation.

>>> format_numbers([3.69196, -0.20599, 0.04541], digits=4)
[' 3.69196', '-0.20599', ' 0.04541']
>>> format_pvalues([1e-20, 6.49e-05, 0.5], digits=3)
['< 2e-16', '6.49e-05', '0.5']
>>> significance_stars([0.0001, 0.02, 0.3])
['***', '*  ', '   ']
"""

from __future__ import annotations

import math
from collections.abc import Sequence

EPS = 2.220446049250313e-16


def _sci_parts(x: float, digits: int) -> tuple[int, int]:
    """Exponent and the number of significant digits R needs for |x| at ``digits``."""
    if x == 0:
        return 0, 1
    mantissa, exponent = f"{abs(x):.{digits - 1}e}".split("e")
    sig = mantissa.replace(".", "").rstrip("0")
    return int(exponent), max(1, len(sig))


def _layout(values: Sequence[float], digits: int) -> tuple[bool, int, int]:
    """(scientific?, decimals, width) for the finite values, as R's formatReal."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return False, 0, 0
    neg = any(v < 0 for v in finite)
    left, right, sig, exps = 1, 0, 1, []
    for v in finite:
        kp, nsig = _sci_parts(v, digits)
        exps.append(kp)
        left = max(left, (kp + 1 if kp >= 0 else 1) + (1 if v < 0 else 0))
        right = max(right, nsig - kp - 1)
        sig = max(sig, nsig)
    right = min(max(right, 0), 350)
    width_fixed = left + right + (1 if right else 0)
    exp_digits = 2 if max(abs(e) for e in exps) >= 100 else 1
    decimals_sci = sig - 1
    width_sci = int(neg) + (1 if decimals_sci > 0 else 0) + decimals_sci + 4 + exp_digits
    if width_fixed <= width_sci:
        return False, right, width_fixed
    return True, decimals_sci, width_sci


def _special(v: float) -> str:
    if math.isnan(v):
        return "NA"
    return "Inf" if v > 0 else "-Inf"


def format_numbers(values: Sequence[float], digits: int = 7) -> list[str]:
    """R's ``format(x, digits=)`` for a numeric vector: common layout, right-justified.

    A negative zero (a small negative number rounded) prints as R prints it, ``0``.

    >>> format_numbers([-0.0, 5.56], 5)
    ['0.00', '5.56']
    """
    vals = [float(v) + 0.0 for v in values]  # + 0.0: -0.0 becomes 0.0
    scientific, decimals, width = _layout(vals, digits)
    out = []
    for v in vals:
        if not math.isfinite(v):
            out.append(_special(v))
        elif scientific:
            out.append(_r_exponent(f"{v:.{decimals}e}"))
        else:
            out.append(f"{v:.{decimals}f}")
    width = max([width] + [len(s) for s in out])
    return [s.rjust(width) for s in out]


def _r_exponent(text: str) -> str:
    """Python writes 1e-05 as '1e-05' and 1e+100 as '1e+100', as R does; keep two digits."""
    mantissa, exponent = text.split("e")
    sign, digits = exponent[0], exponent[1:].lstrip("0") or "0"
    return f"{mantissa}e{sign}{digits.zfill(2)}"


def format_number(value: float, digits: int = 7) -> str:
    """R's ``format(x, digits=)`` for one number.

    >>> format_number(0.0123456789)
    '0.01234568'
    """
    return format_numbers([value], digits)[0]


def format_pvalues(pvalues: Sequence[float], digits: int = 3, eps: float = EPS) -> list[str]:
    """R's ``format.pval``: tiny values as '< 2e-16', the rest formatted together."""
    pv = [float(p) for p in pvalues]
    out = ["NA"] * len(pv)
    regular = [i for i, p in enumerate(pv) if not math.isnan(p) and p >= eps]
    tiny = [i for i, p in enumerate(pv) if not math.isnan(p) and p < eps]
    exponents = {i: math.floor(math.log10(pv[i])) for i in regular}
    fixed = [i for i in regular if exponents[i] >= -3 or (exponents[i] == -4 and digits > 1)]
    sci = [i for i in regular if i not in fixed]
    for group in (fixed, sci):
        for i, text in zip(group, format_numbers([pv[i] for i in group], digits), strict=True):
            out[i] = text
    if tiny:
        tiny_digits = max(1, digits - 2)
        if regular:
            widest = max(len(out[i]) for i in regular)
            if tiny_digits > 1 and tiny_digits + 6 > widest:
                tiny_digits = max(1, widest - 7)
            sep = "" if tiny_digits == 1 and widest <= 6 else " "
        else:
            sep = "" if tiny_digits == 1 else " "
        label = "<" + sep + format_number(eps, tiny_digits)
        for i in tiny:
            out[i] = label
    return out


def significance_stars(pvalues: Sequence[float]) -> list[str]:
    """R's significance codes (***, **, *, ., blank), padded to a common width."""
    cuts = ((0.001, "***"), (0.01, "**"), (0.05, "*"), (0.1, "."), (1.0, " "))
    stars = []
    for p in pvalues:
        if math.isnan(p):
            stars.append("")
            continue
        stars.append(next((s for cut, s in cuts if p <= cut), " "))
    width = max((len(s) for s in stars), default=0)
    return [s.ljust(width) for s in stars]


SIGNIF_LEGEND = (
    "Signif. codes:  0 \u2018***\u2019 0.001 \u2018**\u2019 0.01 \u2018*\u2019 0.05 "
    "\u2018.\u2019 0.1 \u2018 \u2019 1"
)
