"""R's ``deparse()`` of a formula term written in Python: the term labels R prints.

R names a model matrix column by the term's expression as ``deparse`` writes
it: ``poly(x, 2, raw = TRUE)``, ``ns(x, df = 3)``, ``log(x, base = 10)``,
``I(x^2)``, ``exp(x/10)``, ``I(1e+05 * x)``. formulaic keeps the Python code
of a term (``poly(x, 2, raw=True)``); :func:`deparse` reads it and writes it
back with R's spelling and spacing: spaces around ``+ - * = ==`` and
comparisons, none around ``/ ^ %% :``, ``TRUE``/``FALSE``/``NULL``, numbers as
R prints doubles (15 significant digits, fixed or scientific notation by
width), strings in double quotes, non-syntactic names in backticks.

>>> deparse("poly(x, 2, raw=True)"), deparse("poly(x, 2, raw=TRUE)"), deparse("I(x ** 2 / 10)")
('poly(x, 2, raw = TRUE)', 'poly(x, 2, raw = TRUE)', 'I(x^2/10)')
>>> deparse("I(100000.0 * x)"), deparse("I((x - 1) * -y ** 2)"), deparse("I(`a b` > 0.0001)")
('I(1e+05 * x)', 'I((x - 1) * -y^2)', 'I(`a b` > 1e-04)')
>>> deparse("bs(`Solar.R`, Boundary_knots=[0, 340.5])")
'bs(Solar.R, Boundary.knots = c(0, 340.5))'
"""

from __future__ import annotations

import ast
import math
import re

#: R argument names that are not Python identifiers: R's spelling -> the Python keyword
R_KEYWORDS = {"Boundary.knots": "Boundary_knots"}
_PYTHON_KEYWORDS = {v: k for k, v in R_KEYWORDS.items()}
_SYNTACTIC = re.compile(r"^(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*$")
_RESERVED = frozenset({"if", "else", "repeat", "while", "function", "for", "next", "break",
                       "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "in"})
_QUOTED = re.compile(r"`([^`]*)`")
_PLACEHOLDER = "_glmformula_quoted_"

# R's operators: (text, precedence, spaced); higher binds tighter (R's ?Syntax).
_BINARY: dict[type, tuple[str, int, bool]] = {
    ast.Add: ("+", 8, True), ast.Sub: ("-", 8, True), ast.Mult: ("*", 9, True),
    ast.Div: ("/", 9, False), ast.Mod: ("%%", 10, False), ast.FloorDiv: ("%/%", 10, False),
    ast.Pow: ("^", 13, False), ast.BitAnd: ("&", 5, True), ast.BitOr: ("|", 4, True),
}
_COMPARE: dict[type, str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
}
_UNARY: dict[type, str] = {ast.USub: "-", ast.UAdd: "+", ast.Not: "!"}
_COMPARE_PREC, _UNARY_PREC, _NOT_PREC, _ATOM = 7, 12, 6, 20
# Python's precedence of the same nodes, for the parentheses the Python code needed.
_PY_BINARY: dict[type, int] = {
    ast.Add: 9, ast.Sub: 9, ast.Mult: 10, ast.Div: 10, ast.Mod: 10, ast.FloorDiv: 10,
    ast.Pow: 12, ast.BitAnd: 7, ast.BitOr: 5,
}


def r_number(value: float) -> str:
    """A double as R's deparse writes it (15 significant digits, the narrower notation).

    >>> r_number(3.0), r_number(0.0001), r_number(0.001), r_number(123456.0), r_number(-2.5)
    ('3', '1e-04', '0.001', '123456', '-2.5')
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, exponent = f"{abs(value):.14e}".split("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    nsig, kp = len(digits), int(exponent)
    if kp >= 0:
        decimals = max(0, nsig - kp - 1)
        fixed_width = kp + 1 + (decimals + 1 if decimals else 0)
    else:
        decimals = nsig - kp - 1
        fixed_width = 2 + decimals
    sci_width = (nsig + 1 if nsig > 1 else 1) + (5 if abs(kp) >= 100 else 4)
    if fixed_width <= sci_width:
        return sign + f"{abs(value):.{decimals}f}"
    head = digits[0] + ("." + digits[1:] if nsig > 1 else "")
    return f"{sign}{head}e{'-' if kp < 0 else '+'}{abs(kp):02d}"


def r_symbol(name: str) -> str:
    """A name as R writes it: backticked unless syntactic."""
    return name if _SYNTACTIC.match(name) and name not in _RESERVED else f"`{name}`"


def deparse(expr: str) -> str | None:
    """R's deparse of the Python expression `expr` (None if it cannot be read)."""
    quoted: dict[str, str] = {}

    def hold(match: re.Match[str]) -> str:
        key = f"{_PLACEHOLDER}{len(quoted)}"
        quoted[key] = match.group(1)
        return key

    try:
        tree = ast.parse(_QUOTED.sub(hold, expr).strip(), mode="eval")
        return _Writer(quoted).text(tree.body)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class _Writer:
    def __init__(self, quoted: dict[str, str]) -> None:
        self.quoted = quoted

    def text(self, node: ast.AST) -> str:
        return self._write(node)[0]

    def _write(self, node: ast.AST) -> tuple[str, int, int]:
        """(R text, R precedence, Python precedence) of `node`."""
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            op, prec, spaced = _BINARY[type(node.op)]
            py = _PY_BINARY[type(node.op)]
            right_assoc = isinstance(node.op, ast.Pow)
            left = self._child(node.left, prec, py, tight=right_assoc)
            right = self._child(node.right, prec, py, tight=not right_assoc)
            return (f"{left} {op} {right}" if spaced else f"{left}{op}{right}"), prec, py
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            prec, py = (_NOT_PREC, 3) if isinstance(node.op, ast.Not) else (_UNARY_PREC, 11)
            # R users bracket what ! negates (R parses !x > 1 as !(x > 1) all the same)
            tight = isinstance(node.op, ast.Not) and not isinstance(
                node.operand, ast.Name | ast.Constant | ast.Call)
            text = self._child(node.operand, _ATOM if tight else prec, py, False)
            return _UNARY[type(node.op)] + text, prec, py
        if isinstance(node, ast.Compare) and all(type(o) in _COMPARE for o in node.ops):
            parts = [self._child(node.left, _COMPARE_PREC, 4, True)]
            for cmp, operand in zip(node.ops, node.comparators, strict=True):
                parts += [_COMPARE[type(cmp)], self._child(operand, _COMPARE_PREC, 4, True)]
            return " ".join(parts), _COMPARE_PREC, 4
        if isinstance(node, ast.BoolOp):
            op, prec, py = ("&&", 5, 2) if isinstance(node.op, ast.And) else ("||", 4, 1)
            return f" {op} ".join(self._child(v, prec, py, True) for v in node.values), prec, py
        if isinstance(node, ast.Call):
            args = [self.text(a) for a in node.args]
            args += [f"{_PYTHON_KEYWORDS.get(k.arg, k.arg)} = {self.text(k.value)}"
                     if k.arg is not None else f"**{self.text(k.value)}" for k in node.keywords]
            return f"{self._child(node.func, _ATOM, 16, False)}({', '.join(args)})", _ATOM, 16
        if isinstance(node, ast.Name):
            if node.id in self.quoted:
                return r_symbol(self.quoted[node.id]), _ATOM, 16
            bare = node.id in _RESERVED  # TRUE, FALSE, NULL, Inf... name R's constants
            return (node.id if bare else r_symbol(node.id)), _ATOM, 16
        if isinstance(node, ast.Attribute):
            return f"{self._child(node.value, _ATOM, 16, False)}.{node.attr}", _ATOM, 16
        if isinstance(node, ast.Constant):
            return self._constant(node.value), _ATOM, 16
        if isinstance(node, ast.List | ast.Tuple):
            return f"c({', '.join(self.text(e) for e in node.elts)})", _ATOM, 16
        return f"({ast.unparse(node)})", _ATOM, 16  # no R spelling: Python's, bracketed

    def _child(self, node: ast.AST, prec: int, py: int, tight: bool) -> str:
        """`node`'s text, bracketed when R's or Python's precedence needs it; `tight`: the
        side where an equal precedence needs brackets too."""
        text, child_prec, child_py = self._write(node)
        if child_prec < prec or child_py < py or (tight and (child_prec == prec
                                                             or child_py == py)):
            return f"({text})"
        return text

    @staticmethod
    def _constant(value: object) -> str:
        if value is True:
            return "TRUE"
        if value is False:
            return "FALSE"
        if value is None:
            return "NULL"
        if isinstance(value, int | float):
            return r_number(float(value))
        if isinstance(value, str):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return repr(value)
