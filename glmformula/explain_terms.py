"""What each variable of a model term is, for the explanations (:mod:`glmformula.explain`).

A term's variables are read from their spelling: ``scale(x)`` is one standard
deviation of ``x``, ``center(x)`` is ``x`` about its mean, ``log(x)`` is read
per doubling, ``poly()``/``ns()``/``bs()`` columns are basis functions with no
per-unit reading, ``I(x^2)`` next to ``x`` is the curvature of one curve. The
terms that contain a term (its interactions) say where its coefficient is
measured: at the reference level or at zero of the other variables.

>>> import glmformula as gf
>>> m = gf.glm("mpg ~ scale(wt) + poly(disp, 2)", data=gf.datasets.load("mtcars"))
>>> info = term_info(m)
>>> info["scale(wt)"].variables[0].kind, round(info["scale(wt)"].variables[0].scale or 0, 3)
('scaled', 0.978)
>>> info["poly(disp, 2)"].variables[0].kind
'basis'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from glmformula.explain import fmt

if TYPE_CHECKING:
    from glmformula.explain_scale import Scale
    from glmformula.result import GLMResult

__all__ = ["TermInfo", "VariableInfo", "basis_zero", "offset_exposure", "offset_expression",
           "split_term", "term_info", "variable_change"]

_BASIS = re.compile(r"^(poly|ns|bs|cr|cs|cc|te|splines::ns|splines::bs|s)\(")
_LOG = re.compile(r"^log(2|10|1p)?\((.+)\)$")
_POWER = re.compile(r"^I\(\s*(.+?)\s*(\^|\*\*)\s*([0-9.]+)\s*\)$")


@dataclass(frozen=True)
class VariableInfo:
    """One variable of a term: its spelling, its kind and what its unit is."""

    name: str  # as spelled in the term, e.g. 'scale(wt)', 'wool'
    kind: str  # 'factor', 'numeric', 'scaled', 'centered', 'log', 'basis', 'power'
    base: str  # the underlying variable: 'wt' for scale(wt)
    scale: float | None = None  # the standard deviation of scale(x)
    center: float | None = None  # the mean subtracted by scale(x) / center(x)
    log_base: str = "e"  # 'e', '2', '10' (log1p is read as 'e')
    power: float | None = None  # the exponent of I(x^p)


@dataclass(frozen=True)
class TermInfo:
    """A term's variables and the higher-order terms that contain it."""

    variables: tuple[VariableInfo, ...]
    #: variables of the terms that contain this one, beyond its own (R's marginality)
    conditioned_on: tuple[VariableInfo, ...]
    #: for I(x^p): whether the plain x (or a lower power) is in the model too
    in_curve: bool = False


def split_term(term: str) -> list[str]:
    """A term's variables: the pieces between top-level ``:``.

    >>> split_term("supp:log(dose)"), split_term("I(a:b):c")
    (['supp', 'log(dose)'], ['I(a:b)', 'c'])
    """
    out, depth, start = [], 0, 0
    for i, c in enumerate(term):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == ":" and depth == 0 and term[i + 1:i + 2] != ":" and term[i - 1:i] != ":":
            out.append(term[start:i])
            start = i + 1
    out.append(term[start:])
    return [p.strip() for p in out]


def _inner(name: str) -> str:
    """The first argument of a call ``f(x, ...)``."""
    body = name[name.index("(") + 1:-1]
    depth = 0
    for i, c in enumerate(body):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            return body[:i].strip()
    return body.strip()


def _variable(name: str, factors: set[str], state: dict[str, Any]) -> VariableInfo:
    if name in factors:
        return VariableInfo(name, "factor", name)
    if _BASIS.match(name):
        return VariableInfo(name, "basis", _inner(name))
    if name.startswith("scale("):
        st = state.get(name, {})
        sd = st.get("scale")
        kind = "scaled" if sd is not None else "centered"
        return VariableInfo(name, kind, _inner(name), scale=sd, center=st.get("center"))
    if name.startswith("center("):
        return VariableInfo(name, "centered", _inner(name), center=state.get(name, {}).get(
            "center"))
    log = _LOG.match(name)
    if log and "," not in log.group(2):
        base = {"2": "2", "10": "10"}.get(log.group(1) or "", "e")
        return VariableInfo(name, "log", log.group(2).strip(), log_base=base)
    power = _POWER.match(name)
    if power:
        return VariableInfo(name, "power", power.group(1), power=float(power.group(3)))
    return VariableInfo(name, "numeric", name)


def term_info(result: GLMResult) -> dict[str, TermInfo]:
    """Each non-intercept term of ``result``: its variables and what conditions its reading."""
    from glmformula.explain import factor_levels

    factors = set(factor_levels(result))
    try:
        state = dict(result.design.model_spec["rhs"].transform_state)
    except (KeyError, AttributeError, TypeError):
        state = {}
    terms = [t for t in result.design.term_slices if t != "(Intercept)"]
    variables = {t: tuple(_variable(v, factors, state) for v in split_term(t)) for t in terms}
    plain = {v.name for t in terms for v in variables[t] if len(variables[t]) == 1}
    out = {}
    for t in terms:
        own = {v.name for v in variables[t]}
        others: dict[str, VariableInfo] = {}
        for u in terms:
            names = {v.name for v in variables[u]}
            if u != t and own < names:
                for v in variables[u]:
                    if v.name not in own:
                        others.setdefault(v.name, v)
        vs = variables[t]
        curve = (len(vs) == 1 and vs[0].kind == "power"
                 and (vs[0].base in plain or any(
                     o.kind == "power" and o.base == vs[0].base and o.name != vs[0].name
                     for u in terms for o in variables[u])))
        out[t] = TermInfo(vs, tuple(others.values()), curve)
    return out


def variable_change(v: VariableInfo, b: float, s: Scale) -> tuple[str, float, str]:
    """(the change of one numeric variable, the link-scale change it causes, a closing note)."""
    if v.kind == "scaled":
        return (f"an increase of one standard deviation in {v.base} "
                f"(1 SD = {fmt(v.scale or math.nan)})"), b, ""
    if v.kind == "log":
        step = {"2": 1.0, "10": math.log10(2)}.get(v.log_base, math.log(2))
        note = ""
        logged = s.link == "identity" and s.response.startswith("log(")
        if s.link == "log" or logged:
            elasticity = b * math.log(2) / step
            target = (f"the geometric mean of {s.response[4:-1]}" if logged else s.target)
            note = (f" The coefficient on the log of {v.base} is an elasticity: a 1% increase "
                    f"in {v.base} changes {target} by about {fmt(elasticity)}%.")
        return f"doubling {v.base} ({v.name} up by {fmt(step)})", b * step, note
    if v.kind == "centered":
        return f"each one-unit increase in {v.base} (centered at its mean)", b, ""
    return f"each one-unit increase in {v.name}", b, ""



def basis_zero(v: VariableInfo) -> str:
    """Where the columns of a basis term are all 0 (what a coefficient beside it is read at).

    >>> basis_zero(VariableInfo("poly(hp, 2)", "basis", "hp"))[:53]
    "hp is averaged over the data's rows on the link scale"
    >>> basis_zero(VariableInfo("ns(hp, 3)", "basis", "hp"))[:45]
    'hp is at the lower boundary knot of ns(hp, 3)'
    """
    name = v.name.replace(" ", "")
    if name.startswith("poly(") and "raw=TRUE" not in name and "raw=T" not in name:
        return (f"{v.base} is averaged over the data's rows on the link scale: the columns of "
                f"{v.name} average to 0 over the rows, and no single value of {v.base} makes "
                "them all 0")
    if name.startswith("poly("):
        return f"{v.base} is 0"
    return (f"{v.base} is at the lower boundary knot of {v.name}, where its columns are 0 "
            f"(by default the smallest {v.base} of the data)")


_OFFSET = re.compile(r"offset\(\s*log\((.+?)\)\s*\)")
_ANY_OFFSET = re.compile(r"offset\(\s*(.+?)\s*\)\s*(?:[-+]|$)")


def offset_expression(result: GLMResult) -> str | None:
    """The offset as written: ``offset(x)``'s argument, or the ``offset=`` column's name.

    >>> import glmformula as gf
    >>> m = gf.glm("Postwt ~ Treat + offset(Prewt)", data=gf.datasets.load("anorexia"))
    >>> offset_expression(m)
    'Prewt'
    """
    design = result.design
    match = _ANY_OFFSET.search(str(design.formula).split("~", 1)[-1])
    if match:
        return match.group(1)
    return design.offset_column


def offset_exposure(result: GLMResult) -> str | None:
    """The exposure of an ``offset(log(E))`` (or ``offset=`` a column), if the model has one.

    >>> import glmformula as gf
    >>> d = gf.datasets.load("Insurance")
    >>> m = gf.glm("Claims ~ Age + offset(log(Holders))", data=d, family="poisson")
    >>> offset_exposure(m)
    'Holders'
    """
    design = result.design
    match = _OFFSET.search(str(design.formula))
    if match:
        return match.group(1).strip()
    if design.offset_column is not None:
        col = design.offset_column
        inner = _LOG.match(col)
        return inner.group(2) if inner else f"exp({col})"
    written = offset_expression(result)
    if written is not None:
        return f"exp({written})"
    if design.offset_argument is not None:
        return "exp(offset)"
    return None
