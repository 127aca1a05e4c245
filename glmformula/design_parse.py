"""R formula text -> formulaic formula text (private helper of :mod:`glmformula.design`).

R and formulaic agree on the formula operators (``+ - * : / ^ 0 1``) but not on
the Python code inside function calls: R's ``I(x^2)`` is formulaic's
``I(x**2)``. This module does the string work: it splits the two sides, pulls
``offset(...)`` terms out of the right-hand side, rewrites the code inside calls,
and turns formulaic's spelling of expressions back into R's for column names.

>>> split_formula("cbind(dead, alive) ~ ldose + offset(log(n))")
('cbind(dead, alive)', 'ldose + offset(log(n))')
>>> extract_offsets("x + offset(log(t)) + offset(z)")
('x', ['log(t)', 'z'])
>>> python_code("I(x^2) + (a + b)^2", columns=[])
'I(x**2) + (a + b)^2'
>>> r_expr("I(x ** 2)")
'I(x^2)'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from glmformula.errors import FormulaError, shorten
from glmformula.rdeparse import R_KEYWORDS, deparse

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}
_NAME_CHAR = re.compile(r"[A-Za-z0-9_.]")


def name_in(name: str, expr: str) -> re.Match[str] | None:
    """Where ``name`` occurs in ``expr`` as a whole R name (not inside ``x.1`` or ``wx``).

    >>> bool(name_in("cyl", "factor(cyl)")), bool(name_in("x", "x.1 + wx"))
    (True, False)
    """
    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", expr)
_DOTTED_NAME = re.compile(
    r"(?<![A-Za-z0-9_.`])([A-Za-z.][A-Za-z0-9_.]*\.[A-Za-z0-9_.]*)(?![\w.(`])"
)
_R_SYNTACTIC = re.compile(r"^(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*$")
_R_NAME = re.compile(r"(?<![A-Za-z0-9_.])(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_R_KEYWORD = re.compile(
    "(" + "|".join(re.escape(k) for k in R_KEYWORDS) + r")(?=\s*=(?!=))"
)


def _scan(text: str) -> tuple[list[int], list[bool], list[bool]]:
    """Per character: bracket depth, inside a quote, inside a function call's parentheses.

    One pass, constant work per character (deeply nested text stays linear).
    """
    depth, quoted, in_call = [], [], []
    stack: list[tuple[str, bool]] = []
    open_calls = 0  # entries of `stack` that are calls
    previous = ""  # the last non-blank character before the current one
    quote = ""
    for i, ch in enumerate(text):
        calls = open_calls > 0
        if quote:
            depth.append(len(stack))
            quoted.append(True)
            in_call.append(calls)
            if ch == quote and text[i - 1] != "\\":
                quote = ""
            if not ch.isspace():
                previous = ch
            continue
        if ch in "'\"`":
            quote = ch
        elif ch in _OPEN:
            is_call = ch != "(" or bool(
                previous and (_NAME_CHAR.match(previous) or previous == "`")
            )
            stack.append((ch, is_call))
            open_calls += is_call
        elif ch in _CLOSE:
            if not stack or _OPEN[stack[-1][0]] != ch:
                raise FormulaError(
                    f"formula {shorten(text)} has an unmatched {ch!r}; check its brackets"
                )
            open_calls -= stack.pop()[1]
        depth.append(len(stack) if ch not in _CLOSE else len(stack) + 1)
        quoted.append(ch in "'\"`")
        in_call.append(calls or open_calls > 0)
        if not ch.isspace():
            previous = ch
    if quote:
        raise FormulaError(f"formula {shorten(text)} has an unclosed quote {quote}")
    if stack:
        raise FormulaError(
            f"formula {shorten(text)} has an unclosed {stack[-1][0]!r}; check its brackets"
        )
    return depth, quoted, in_call


def _top_level(text: str, char: str) -> list[int]:
    """Positions of `char` outside brackets and quotes."""
    depth, quoted, _ = _scan(text)
    return [i for i, ch in enumerate(text) if ch == char and depth[i] == 0 and not quoted[i]]


#: The deepest nesting of brackets a formula may have (Python's parser stops at 200).
MAX_NESTING = 100


def split_formula(formula: str) -> tuple[str, str]:
    """Split ``"lhs ~ rhs"`` at its one top-level tilde; raise FormulaError otherwise."""
    depth, quoted, _ = _scan(formula)
    deepest = max(depth, default=0)
    if deepest > MAX_NESTING:
        raise FormulaError(
            f"formula {shorten(formula)} nests brackets {deepest:,} levels deep; "
            f"at most {MAX_NESTING} are supported: write the expression more simply"
        )
    tildes = [i for i, ch in enumerate(formula) if ch == "~" and depth[i] == 0 and not quoted[i]]
    if not tildes:
        raise FormulaError(
            f"formula {shorten(formula)} has no '~'; write it as 'response ~ predictors', "
            "e.g. 'y ~ x'"
        )
    if len(tildes) > 1:
        raise FormulaError(
            f"formula {shorten(formula)} has more than one '~'; use one: 'y ~ x1 + x2'"
        )
    lhs, rhs = formula[: tildes[0]].strip(), formula[tildes[0] + 1 :].strip()
    if not lhs:
        raise FormulaError(
            f"formula {shorten(formula)} has no response; put the response left of '~', "
            f"e.g. {shorten('y ' + formula)}"
        )
    if not rhs:
        raise FormulaError(
            f"formula {shorten(formula)} has nothing right of '~'; "
            f"write {shorten(lhs + ' ~ 1')} for an intercept-only model"
        )
    return lhs, rhs


def r_name(column: str) -> str:
    """A column name as R writes it in a formula: backticked unless syntactic.

    >>> r_name("Solar.R"), r_name("my col")
    ('Solar.R', '`my col`')
    """
    return column if _R_SYNTACTIC.match(column) else f"`{column}`"


def lhs_variables(lhs: str) -> set[str]:
    """Every name on a formula's left-hand side (also inside calls, as R's ``.`` excludes).

    >>> sorted(lhs_variables("cbind(a.b, `c d`)"))
    ['a.b', 'c d', 'cbind']
    """
    _, quoted, _ = _scan(lhs)
    names = set(re.findall(r"`([^`]*)`", lhs))
    for m in _R_NAME.finditer(lhs):
        if not quoted[m.start()]:
            names.add(m.group(0))
    return names


def expand_dot(formula: str, columns: Iterable[Any]) -> str:
    """R's ``.`` on the right of ``~``: every column not named on the left-hand side.

    Only a ``.`` standing alone outside function calls is expanded (as R), into
    the columns in data order, in parentheses (``y ~ .^2``, ``y ~ g:.``).

    >>> expand_dot("Solar.R ~ . - Day", ["Ozone", "Solar.R", "Wind", "Day"])
    'Solar.R ~ (Ozone + Wind + Day) - Day'
    """
    lhs, rhs = split_formula(formula)
    _, quoted, in_call = _scan(rhs)
    dots = [
        i for i, ch in enumerate(rhs)
        if ch == "." and not quoted[i] and not in_call[i]
        and (i == 0 or not _NAME_CHAR.match(rhs[i - 1]))
        and (i + 1 == len(rhs) or not _NAME_CHAR.match(rhs[i + 1]))
    ]
    if not dots:
        return formula
    excluded = lhs_variables(lhs) | {"."}
    names = [r_name(c) for c in columns if isinstance(c, str) and c not in excluded]
    text = "(" + " + ".join(names) + ")" if names else "1"
    for i in reversed(dots):
        rhs = rhs[:i] + text + rhs[i + 1 :]
    return f"{lhs} ~ {rhs}"


def split_arguments(text: str) -> list[str]:
    """Split a call's argument text at its top-level commas."""
    cuts = [-1, *_top_level(text, ","), len(text)]
    return [text[a + 1 : b].strip() for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def call_arguments(text: str, name: str) -> list[str] | None:
    """Arguments of ``name(...)`` if `text` is exactly that call, else None."""
    match = re.match(rf"^{re.escape(name)}\s*\(", text)
    if not match:
        return None
    depth, quoted, _ = _scan(text)
    open_at = match.end() - 1
    close_at = next(
        i
        for i in range(open_at + 1, len(text))
        if text[i] == ")" and depth[i] == 1 and not quoted[i]
    )
    if close_at != len(text) - 1:
        return None
    return split_arguments(text[open_at + 1 : close_at])


def extract_offsets(rhs: str) -> tuple[str, list[str]]:
    """Remove top-level ``offset(expr)`` terms from `rhs`; return the rest and the exprs."""
    offsets: list[str] = []
    while True:
        depth, quoted, _ = _scan(rhs)
        hits = [
            m for m in re.finditer(r"(?<![A-Za-z0-9_.])offset\s*\(", rhs) if not quoted[m.start()]
        ]
        if not hits:
            break
        m = hits[0]
        start, open_at = m.start(), m.end() - 1
        close_at = next(
            i for i in range(open_at + 1, len(rhs)) if rhs[i] == ")" and depth[i] == depth[open_at]
        )
        before, after = rhs[:start].rstrip(), rhs[close_at + 1 :].lstrip()
        if (
            depth[start] != 0
            or not (before == "" or before.endswith("+"))
            or not (after == "" or after[0] in "+-")
        ):
            raise FormulaError(
                f"offset() must be a term of its own, added at the top level of the formula, "
                f"e.g. 'y ~ x + offset(log(exposure))'; got {shorten(rhs.strip())}"
            )
        offsets.append(rhs[open_at + 1 : close_at].strip())
        if before.endswith("+"):
            rhs = before[:-1].rstrip() + (" " + after if after else "")
        else:
            rhs = after[1:].lstrip() if after.startswith("+") else after
    rhs = rhs.strip()
    if not rhs:
        rhs = "1"
    elif rhs.startswith("-"):
        rhs = "1 " + rhs
    return rhs, offsets


_R_OPERATORS = {"%/%": " // ", "%%": " % "}


def python_code(text: str, columns: Iterable[str]) -> str:
    """Rewrite R code inside function calls as Python: ``^`` -> ``**``, ``%%`` -> ``%``,
    ``%/%`` -> ``//``, dotted column names quoted.

    A ``^`` outside calls is formula syntax (``(a + b)^2``) and is left alone.

    >>> python_code("I(x %% 3) + I(x %/% 2)", columns=[])
    'I(x  %  3) + I(x  //  2)'
    """
    _, quoted, in_call = _scan(text)
    known = set(columns)
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if in_call[i] and not quoted[i]:
            if ch == "^":
                out.append("**")
                i += 1
                continue
            operator = next((op for op in _R_OPERATORS if text.startswith(op, i)), None)
            if operator is not None:  # R's %/% and %% are Python's // and %
                out.append(_R_OPERATORS[operator])
                i += len(operator)
                continue
            keyword = _R_KEYWORD.match(text, i)
            if keyword and (i == 0 or not _NAME_CHAR.match(text[i - 1])):
                out.append(R_KEYWORDS[keyword.group(1)])  # R's Boundary.knots= is Python's
                i += len(keyword.group(1))                # Boundary_knots=
                continue
            m = _DOTTED_NAME.match(text, i)
            if m and m.group(1) in known and (i == 0 or not _NAME_CHAR.match(text[i - 1])):
                out.append(f"`{m.group(1)}`")
                i = m.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def lhs_code(lhs: str, columns: list[str]) -> str:
    """The response's formulaic code: a column, ``cbind(successes, failures)`` or ``I(expr)``."""
    args = call_arguments(lhs, "cbind")
    if args is not None:
        if len(args) != 2 or not all(args):
            raise FormulaError(
                f"cbind() on the left of '~' takes two columns, successes and failures, "
                f"e.g. cbind(dead, alive); got {shorten(lhs)}"
            )
        return python_code(lhs, columns)
    if lhs in columns and lhs.isidentifier():
        return lhs
    return python_code(f"I({lhs})", columns)


def r_expr(expr: str) -> str:
    """R's spelling of a formulaic (Python) expression, for column and term names
    (R's deparse: :func:`glmformula.rdeparse.deparse`)."""
    deparsed = deparse(expr)
    if deparsed is not None:
        return deparsed
    text = re.sub(r"\s*\*\*\s*", "^", expr)
    text = re.sub(r"\s+/\s+", "/", text)
    return re.sub(
        r"`([^`]*)`", lambda m: m.group(1) if _R_SYNTACTIC.match(m.group(1)) else m.group(0), text
    )


def clean_message(error: BaseException) -> str:
    """A formulaic error message without terminal colour codes and markers."""
    text = _ANSI.sub("", str(error)).replace("⧛", "»").replace("⧚", "«")
    return " ".join(line.strip() for line in text.splitlines() if line.strip())
