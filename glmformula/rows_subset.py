"""``glm(..., subset=)``: the rows a model is fitted on, as R's ``subset`` argument.

``subset`` is a boolean mask aligned with the data, or an expression in R's
syntax evaluated on the data's columns: ``'Sex == "F" & Age != "F3"'``,
``"!is.na(Ozone) & Month %in% c(5, 6)"``. The expression is read with R's
precedence (``&`` binds looser than ``==``, ``!`` looser than comparisons),
turned into Python and checked by :mod:`glmformula.formula_safety` before it
is evaluated (so ``safe=True`` restricts it as it restricts formulas). As in
R, a comparison with a missing value is missing, and a missing result leaves
the row out.

>>> import pandas as pd
>>> df = pd.DataFrame({"g": ["a", "b", None, "a"], "x": [1.0, 5.0, 2.0, None]})
>>> subset_mask('g == "a" | x > 4', df, {}, safe=True).tolist()  # TRUE | NA is TRUE
[True, True, <NA>, True]
>>> subset_mask('g == "a" & x > 0', df, {}, safe=True).tolist()  # TRUE & NA is NA
[True, False, <NA>, <NA>]
>>> r_subset_text('g=="a"|x>4')
'g == "a" | x > 4'
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from keyword import iskeyword
from typing import Any

import numpy as np
import pandas as pd

from glmformula.errors import ArgumentTypeError, DataError, FormulaError, GLMError, shorten
from glmformula.rdeparse import r_number, r_symbol

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?L?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>`[^`]+`|(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*)
  | (?P<op>%[^%]*%|==|!=|<=|>=|&&|\|\||\*\*|<-|->|[-+*/^<>!&|(),=:~\[\]$@])
""", re.VERBOSE)

# R's binary operators: (binding power, R's deparse spacing); higher binds tighter.
_BINARY = {
    "|": (2, True), "||": (2, True), "&": (3, True), "&&": (3, True),
    "==": (5, True), "!=": (5, True), "<": (5, True), ">": (5, True), "<=": (5, True),
    ">=": (5, True), "+": (6, True), "-": (6, True), "*": (7, True), "/": (7, False),
    "%%": (8, False), "%/%": (8, False), "%in%": (8, True), "^": (11, False),
}
_NOT, _UNARY, _CALL = 4, 10, 12
_COMPARE = {"==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, ">": ast.Gt, "<=": ast.LtE,
            ">=": ast.GtE}
_ARITH = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult, "/": ast.Div, "%%": ast.Mod,
          "%/%": ast.FloorDiv, "^": ast.Pow}
_CONSTANTS = {"TRUE": True, "FALSE": False, "T": True, "F": False, "Inf": float("inf")}
#: R functions with a Python spelling for the subset's evaluation
_R_FUNCTIONS = {"is.na": "is_na"}
_HELPERS = ("is_na", "in_set", "as_logical")
_COLUMN = "_subset_column_"


@dataclass(frozen=True)
class _Node:
    """A node of an R expression: kind "num", "str", "name", "call", "op", "unary",
    "paren"; ``parts`` its children (a call's are its arguments, (name, node) pairs)."""

    kind: str
    text: str
    parts: tuple[Any, ...] = ()


class _Parser:
    """A Pratt parser of R's expression syntax (the part a subset uses)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                raise self.error(f"cannot read {text[pos:pos + 10]!r}")
            pos = m.end()
            kind = m.lastgroup or ""
            if kind != "space":
                self.tokens.append((kind, m.group(0)))
        self.pos = 0

    def error(self, why: str) -> FormulaError:
        return FormulaError(f"cannot read subset {shorten(self.text)} as an R expression: {why}")

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (text is not None and token[1] != text):
            raise self.error(f"expected {text or 'more'} at {token[1] or 'the end'}")
        self.pos += 1
        return token

    def parse(self) -> _Node:
        node = self.expression(0)
        if self.peek()[0] != "end":
            raise self.error(f"unexpected {self.peek()[1]!r}")
        return node

    def expression(self, power: int) -> _Node:
        left = self.prefix()
        while True:
            kind, op = self.peek()
            op = "^" if op == "**" else op
            if kind == "op" and op == "(" and power < _CALL:
                left = self.call(left)
                continue
            if kind != "op" or op not in _BINARY:
                if kind == "op" and op in ("<-", "->", "=", ":", "~", "[", "$", "@"):
                    raise self.error(f"the operator {op!r} is not supported in a subset")
                return left
            bp, _ = _BINARY[op]
            if bp <= power:
                return left
            self.pos += 1
            right = self.expression(bp - 1 if op == "^" else bp)  # ^ is right-associative
            if bp == 5 and (left.kind == "op" and _BINARY[left.text][0] == 5):
                raise self.error("R does not chain comparisons; write a < x & x < b")
            left = _Node("op", op, (left, right))

    def prefix(self) -> _Node:
        kind, text = self.take()
        if kind == "number":
            return _Node("num", text)
        if kind == "string":
            return _Node("str", ast.literal_eval(text))
        if kind == "name":
            return _Node("name", text[1:-1] if text.startswith("`") else text)
        if text == "(":
            inner = self.expression(0)
            self.take(")")
            return _Node("paren", "(", (inner,))
        if text == "!":
            return _Node("unary", "!", (self.expression(_NOT),))
        if text in ("-", "+"):
            return _Node("unary", text, (self.expression(_UNARY),))
        raise self.error(f"unexpected {text!r}")

    def call(self, function: _Node) -> _Node:
        if function.kind != "name":
            raise self.error("only a function's name can be called")
        self.take("(")
        arguments: list[tuple[str | None, _Node]] = []
        while self.peek()[1] != ")":
            name = None
            if self.peek()[0] == "name" and self.tokens[self.pos + 1:self.pos + 2] == [("op", "=")]:
                name = self.take()[1]
                self.take("=")
            arguments.append((name, self.expression(0)))
            if self.peek()[1] != ")":
                self.take(",")
        self.take(")")
        return _Node("call", function.text, tuple(arguments))


def r_deparse(node: _Node) -> str:
    """R's ``deparse`` of an expression node (spacing and numbers as R prints them)."""
    if node.kind == "num":
        return node.text if node.text.endswith("L") else r_number(float(node.text))
    if node.kind == "str":
        return '"' + node.text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if node.kind == "name":
        return node.text if node.text in _CONSTANTS else r_symbol(node.text)
    if node.kind == "paren":
        return f"({r_deparse(node.parts[0])})"
    if node.kind == "unary":
        return node.text + r_deparse(node.parts[0])
    if node.kind == "call":
        args = [r_deparse(a) if n is None else f"{n} = {r_deparse(a)}" for n, a in node.parts]
        return f"{r_symbol(node.text)}({', '.join(args)})"
    spaced = _BINARY[node.text][1]
    left, right = (r_deparse(p) for p in node.parts)
    return f"{left} {node.text} {right}" if spaced else f"{left}{node.text}{right}"


def r_subset_text(expression: str) -> str:
    """The subset expression as R's call prints it."""
    return r_deparse(_Parser(expression).parse())


class _Translator:
    """R expression node -> Python syntax tree: the code the formula checker reads and
    the code evaluated (columns as placeholder names)."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = set(columns)
        self.used: dict[str, str] = {}  # column -> placeholder

    def name(self, text: str) -> ast.expr:
        if text in self.columns:
            placeholder = self.used.setdefault(text, f"{_COLUMN}{len(self.used)}")
            return ast.Name(placeholder, ast.Load())
        if text in _CONSTANTS:
            return ast.Constant(_CONSTANTS[text])
        return ast.Name(text, ast.Load())

    def logical(self, node: _Node) -> ast.expr:
        tree = self.tree(node)
        if node.kind == "op" and (node.text in _COMPARE or node.text in ("&", "|", "&&", "||",
                                                                         "%in%")):
            return tree
        if node.kind == "unary" and node.text == "!":
            return tree
        return ast.Call(ast.Name("as_logical", ast.Load()), [tree], [])

    def tree(self, node: _Node) -> ast.expr:
        if node.kind == "num":
            value = float(node.text.rstrip("L"))
            return ast.Constant(int(value) if node.text.endswith("L") else value)
        if node.kind == "str":
            return ast.Constant(node.text)
        if node.kind == "name":
            return self.name(node.text)
        if node.kind == "paren":
            return self.tree(node.parts[0])
        if node.kind == "unary":
            if node.text == "!":
                return ast.UnaryOp(ast.Invert(), self.logical(node.parts[0]))
            sign: ast.unaryop = ast.USub() if node.text == "-" else ast.UAdd()
            return ast.UnaryOp(sign, self.tree(node.parts[0]))
        if node.kind == "call":
            func = ast.Name(_R_FUNCTIONS.get(node.text, node.text), ast.Load())
            if "." in node.text and node.text not in _R_FUNCTIONS:
                raise FormulaError(f"the function {node.text}() is not supported in a subset")
            args = [self.tree(a) for n, a in node.parts if n is None]
            keywords = [ast.keyword(n, self.tree(a)) for n, a in node.parts if n is not None]
            return ast.Call(func, args, keywords)
        left, right = node.parts
        if node.text in ("&", "&&", "|", "||"):
            op: ast.operator = ast.BitAnd() if node.text in ("&", "&&") else ast.BitOr()
            return ast.BinOp(self.logical(left), op, self.logical(right))
        if node.text in _COMPARE:
            return ast.Compare(self.tree(left), [_COMPARE[node.text]()], [self.tree(right)])
        if node.text == "%in%":
            return ast.Call(ast.Name("in_set", ast.Load()), [self.tree(left), self.tree(right)], [])
        return ast.BinOp(self.tree(left), _ARITH[node.text](), self.tree(right))


def _r_vector(column: pd.Series) -> pd.Series:
    """A column as R compares it: missing values stay missing (pandas' nullable types)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)
    return column.convert_dtypes()


def is_na(x: Any) -> Any:
    """R's ``is.na``."""
    return pd.Series(x).isna() if not isinstance(x, pd.Series) else x.isna()


def in_set(x: Any, table: Any) -> Any:
    """R's ``x %in% table``: never missing."""
    values = np.ravel(np.asarray(table, dtype=object))
    if isinstance(x, pd.Series):
        return x.isin(values)
    return pd.Series(np.atleast_1d(np.asarray(x, dtype=object))).isin(values)


def as_logical(x: Any) -> Any:
    """R's coercion of an operand of ``&``, ``|``, ``!``: numbers are TRUE when not 0."""
    if isinstance(x, pd.Series):
        if pd.api.types.is_bool_dtype(x.dtype):
            return x
        if pd.api.types.is_numeric_dtype(x.dtype):
            return (x != 0).astype("boolean")
        raise DataError(f"a subset's & | ! need logical values; got {x.dtype} values")
    return bool(x)


def subset_mask(subset: Any, data: pd.DataFrame, namespace: Mapping[str, Any], *,
                safe: bool) -> Any:
    """The rows ``subset`` keeps, as a nullable boolean array over the rows of ``data``:
    True, False, or NA where the subset's value is missing (R keeps such a row as a row of
    missing values, which the na.action then drops)."""
    n = len(data)
    if isinstance(subset, str):
        values = _evaluate(subset, data, namespace, safe)
    else:
        values = _mask_values(subset, data)
    if np.ndim(values) == 0:
        values = pd.Series([values] * n, dtype=object)
    series = values if isinstance(values, pd.Series) else pd.Series(
        np.asarray(values, dtype=object).ravel())
    if len(series) != n:
        raise DataError(f"subset gives {len(series)} values for the {n} rows of the data; it "
                        "must give one per row")
    if not (pd.api.types.is_bool_dtype(series.dtype) or all(
            isinstance(v, bool | np.bool_) or v is None or v is pd.NA
            or (isinstance(v, float) and np.isnan(v)) for v in series)):
        raise DataError(
            "subset must be logical (TRUE/FALSE for each row); for rows by position use "
            "data.iloc[...] and pass that as data"
        )
    return series.astype("boolean").array


def _mask_values(subset: Any, data: pd.DataFrame) -> Any:
    if isinstance(subset, pd.Series):
        if subset.index.equals(data.index):
            return subset.reset_index(drop=True)
        if subset.index.is_unique and data.index.isin(subset.index).all():
            return subset.reindex(data.index).reset_index(drop=True)
        raise DataError("subset is a Series whose index does not match the data's rows; "
                        "give a mask with the data's index, or an array")
    if isinstance(subset, bool | np.bool_ | int | float | dict | set) or subset is None:
        raise ArgumentTypeError(
            "subset must be a boolean mask with one value per row of the data, or an R "
            f"expression such as 'x > 2 & g == \"a\"'; got {type(subset).__name__}")
    try:
        return np.asarray(subset, dtype=object).ravel()
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"cannot read subset of type {type(subset).__name__} as a "
                                "mask") from None


def _evaluate(expression: str, data: pd.DataFrame, namespace: Mapping[str, Any],
              safe: bool) -> Any:
    from glmformula.design_formulaic import DEFAULT_CONTEXT
    from glmformula.formula_safety import check_expression

    columns = [str(c) for c in data.columns]
    translator = _Translator(columns)
    body = translator.tree(_Parser(expression).parse())
    code = ast.unparse(body)
    for column, placeholder in translator.used.items():
        quoted = column if column.isidentifier() and not iskeyword(column) else f"`{column}`"
        code = re.sub(rf"\b{placeholder}\b", lambda _: quoted, code)  # noqa: B023
    helpers = {"is_na": is_na, "in_set": in_set, "as_logical": as_logical}
    env = {**DEFAULT_CONTEXT, **namespace, **helpers}
    check_expression(code, columns, env, safe=safe, trusted={*namespace, *_HELPERS})
    scope = {**env, **{p: _r_vector(data[c]).reset_index(drop=True)
                       for c, p in translator.used.items()}}
    compiled = compile(ast.fix_missing_locations(ast.Expression(body)), "<subset>", "eval")
    try:
        with np.errstate(all="ignore"):
            return eval(compiled, {"__builtins__": {}}, scope)  # noqa: S307 (checked above)
    except GLMError:
        raise
    except Exception as error:  # noqa: BLE001 (any failure of the user's expression)
        raise DataError(f"cannot evaluate subset {shorten(expression)} on the data: "
                        f"{shorten(str(error), 200, False)}") from None


__all__ = ["r_subset_text", "subset_mask"]
