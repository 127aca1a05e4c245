"""Formulas are code: the one place that reads the Python a formula will run.

A formula's terms are Python expressions that formulaic evaluates (``log(x)``,
``I(x**2)``, ``np.sqrt(z)``), so a formula from an untrusted source can run any
code (``I(__import__('os').system('...'))``) or read the caller's variables.
:func:`check_formula_code` reads every expression of a formula (after the R to
Python rewrite of :func:`glmformula.design_parse.python_code`) before formulaic
evaluates anything, and returns the data columns the formula uses. With
``safe=True`` it walks each expression's syntax tree against a whitelist:
column names, numbers and strings, arithmetic, comparisons and the functions of
:data:`SAFE_FUNCTIONS` (and numpy's spelling of the maths ones); anything else
is refused with a FormulaError that names the construct. Names given in an
explicit ``context=`` are trusted (the caller chose them). With ``safe=False``
it only checks that every name is a column or a known function.

>>> check_formula_code("y ~ log(x) + I(x**2)", ["y", "x"], {}, safe=True)
['y', 'x']
>>> try:
...     check_formula_code("y ~ I(__import__('os').getcwd())", ["y"], {}, safe=True)
... except FormulaError as e:
...     print(str(e)[:60])
the formula uses a call to __import__() (in the term I(`__im
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from formulaic.parser.algos.tokenize import tokenize
from formulaic.parser.types import Factor, Token
from formulaic.transforms import TRANSFORMS
from formulaic.utils.code import UNQUOTED_BACKTICK_MATCHER

from glmformula.contrasts import R_CONTRAST_NAMES
from glmformula.design_checks import unknown_column
from glmformula.design_formulaic import DEFAULT_CONTEXT
from glmformula.design_parse import (
    clean_message,
    expand_dot,
    extract_offsets,
    lhs_code,
    python_code,
    r_expr,
    split_formula,
)
from glmformula.errors import FormulaError, GLMError, shorten

#: Functions a safe formula may call (numpy's maths functions by these names too).
MATH_FUNCTIONS = frozenset({
    "log", "exp", "sqrt", "log1p", "expm1", "log2", "log10", "abs", "sin", "cos", "tan",
    "tanh", "floor", "ceiling", "sign", "pmin", "pmax",
})
SAFE_FUNCTIONS = MATH_FUNCTIONS | frozenset({
    "I", "C", "poly", "bs", "ns", "cr", "cs", "cc", "scale", "center", "standardize", "factor",
    "cbind", "offset", "c",
})
#: ``np.<name>`` / ``numpy.<name>`` calls allowed in a safe formula.
NUMPY_FUNCTIONS = (MATH_FUNCTIONS - {"ceiling", "pmin", "pmax"}) | frozenset({
    "absolute", "ceil", "minimum", "maximum", "power", "square", "exp2", "arcsin", "arccos",
    "arctan",
})
#: ``contr.<name>`` contrasts for ``C()`` (formulaic's).
CONTRASTS = frozenset({"treatment", "sum", "helmert", "poly", "diff", "SAS", "custom"})
SAFE_CONSTANTS = frozenset({"pi", "TRUE", "FALSE"})

_SAFE_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Call, ast.keyword, ast.Name,
    ast.Constant, ast.List, ast.Tuple, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div,
    ast.FloorDiv, ast.Mod, ast.Pow, ast.BitAnd, ast.BitOr, ast.BitXor, ast.USub, ast.UAdd,
    ast.Invert, ast.Not, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
)
#: Parts of constructs (the construct itself is named, not its part).
_PARTS = (ast.arg, ast.arguments, ast.Store, ast.Del, ast.And, ast.Or, ast.comprehension,
          ast.keyword, ast.expr_context)
_DESCRIPTIONS: dict[type, str] = {
    ast.Subscript: "indexing ([...])",
    ast.Slice: "a slice",
    ast.Lambda: "a lambda function",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.NamedExpr: "an assignment (:=)",
    ast.IfExp: "a conditional expression (... if ... else ...)",
    ast.BoolOp: "'and'/'or'",
    ast.Starred: "argument unpacking (*)",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.JoinedStr: "an f-string",
    ast.MatMult: "the operator @",
    ast.Await: "await",
}
_PLACEHOLDER = "_glmformula_column_"


def _refuse(construct: str, expr: str, why: str = "") -> FormulaError:
    functions = ", ".join(sorted(SAFE_FUNCTIONS, key=str.lower))
    return FormulaError(
        f"the formula uses {construct} (in the term {shorten(r_expr(expr), quote=False)})"
        f"{why}; safe mode evaluates only column names, numbers, arithmetic (+ - * / ^), "
        f"comparisons, the functions {functions} (also as np.log, numpy.log, ...) and names "
        "given in context=. Pass safe=False (on the command line: --unsafe-formula) only if "
        "you trust the formula: it can then run any code"
    )


def _dotted(node: ast.AST) -> list[ast.AST] | None:
    """The nodes of a name chain ``a.b.c`` (outermost first), or None."""
    chain: list[ast.AST] = []
    while isinstance(node, ast.Attribute):
        chain.append(node)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [*chain, node]


def _chain_name(chain: list[ast.AST], columns: Mapping[str, str]) -> str:
    root = chain[-1]
    assert isinstance(root, ast.Name)
    parts = [columns.get(root.id, root.id)]
    parts.extend(a.attr for a in reversed(chain[:-1]) if isinstance(a, ast.Attribute))
    return ".".join(parts)


def _safe_call(name: str, trusted: Iterable[str]) -> bool:
    module, _, attr = name.rpartition(".")
    if not module:
        return name in SAFE_FUNCTIONS or name in trusted
    if module in ("np", "numpy"):
        return attr in NUMPY_FUNCTIONS
    return module == "contr" and attr in CONTRASTS


def _c_contrast_name(node: ast.Call) -> list[int]:
    """The node of ``sum`` in R's ``C(g, sum)`` (a contrasts' name, not a variable)."""
    if (isinstance(node.func, ast.Name) and node.func.id == "C" and len(node.args) >= 2
            and isinstance(node.args[1], ast.Name) and node.args[1].id in R_CONTRAST_NAMES):
        return [id(node.args[1])]
    return []


def _unquote(expr: str) -> tuple[str, dict[str, str]]:
    """`expr` with backticked names made identifiers (as formulaic does), and the map back."""
    parts = UNQUOTED_BACKTICK_MATCHER.split(expr)
    out: list[str] = []
    names: dict[str, str] = {}
    inside: list[str] | None = None
    for part in parts:
        if part == "`":
            if inside is None:
                inside = []
            else:
                placeholder = f"{_PLACEHOLDER}{len(names)}"
                names[placeholder] = "".join(inside)
                out.append(f" {placeholder} ")
                inside = None
        elif inside is not None:
            inside.append(part)
        else:
            out.append(part)
    if inside is not None:
        out.append("`" + "".join(inside))
    return "".join(out).strip(), names


def check_expression(
    expr: str, columns: Sequence[str], env: Mapping[str, Any], *, safe: bool,
    trusted: Collection[str] = (), formula: str | None = None,
) -> list[str]:
    """Check one Python expression of a formula; return the data columns it names."""
    code, quoted = _unquote(expr)
    try:
        tree = ast.parse(code, mode="eval")
        nodes = list(ast.walk(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        where = "" if formula is None else f"cannot parse formula {shorten(formula)}: "
        raise FormulaError(
            f"{where}cannot read the term {shorten(r_expr(expr), quote=False)} as an expression"
        ) from None
    column_set = set(map(str, columns))
    known = column_set | set(env) | set(TRANSFORMS) | set(dir(builtins))
    callee: set[int] = set()  # nodes that name the function of a call (checked at the call)
    contrasts: set[int] = set()  # nodes of contr.<name>, the contrasts of C()
    for node in nodes:
        if isinstance(node, ast.Call):
            callee.update(id(n) for n in _dotted(node.func) or ())
            contrasts.update(_c_contrast_name(node))
        elif isinstance(node, ast.Attribute) and id(node) not in callee:
            chain = _dotted(node)
            if chain and _chain_name(chain, quoted) in {f"contr.{c}" for c in CONTRASTS}:
                contrasts.update(id(n) for n in chain)
    used: list[str] = []
    unknown: list[str] = []  # names that are neither columns nor known (DataError)
    refused: list[tuple[int, str, str]] = []  # (rank, construct, why): the first is named
    for node in nodes:
        if isinstance(node, ast.Call):
            refused.extend(_check_call(node, expr, quoted, known, column_set, trusted, safe))
        elif isinstance(node, ast.Attribute):
            if safe and id(node) not in callee and id(node) not in contrasts:
                refused.append((2, f"an attribute access (.{node.attr})", ""))
        elif isinstance(node, ast.Name):
            original = quoted.get(node.id, node.id)
            if id(node) in callee or id(node) in contrasts or isinstance(node.ctx, ast.Store):
                continue
            if original in column_set:
                used.append(original)
            elif original not in known:
                unknown.append(original)
            elif safe and original not in SAFE_CONSTANTS and original not in trusted:
                refused.append((3, f"the name {shorten(original)}",
                                ", which is not a column of the data"))
        elif not safe or isinstance(node, _PARTS):
            continue
        elif not isinstance(node, _SAFE_NODES):
            construct = _DESCRIPTIONS.get(type(node), f"a Python {type(node).__name__}")
            refused.append((1 if type(node) in _DESCRIPTIONS else 4, construct, ""))
        elif isinstance(node, ast.Constant) and not isinstance(
            node.value, int | float | complex | str | bool | type(None)
        ):
            refused.append((4, f"the constant {shorten(node.value)}", ""))
    if refused:
        _, construct, why = min(refused, key=lambda item: item[0])
        raise _refuse(construct, expr, why)
    if unknown:
        raise unknown_column(unknown[0], list(columns))
    return list(dict.fromkeys(used))


def _check_call(
    node: ast.Call, expr: str, quoted: Mapping[str, str], known: set[str],
    columns: set[str], trusted: Collection[str], safe: bool,
) -> list[tuple[int, str, str]]:
    """What a call does that safe mode refuses, ranked; an unknown function raises."""
    chain = _dotted(node.func)
    refused: list[tuple[int, str, str]] = []
    if safe and any(k.arg is None for k in node.keywords):
        refused.append((1, "keyword unpacking (**)", ""))
    if chain is None:
        if safe:
            try:
                text = shorten(ast.unparse(node.func), 40, False)
            except RecursionError:
                text = "a deeply nested expression"
            refused.append((2, f"a call of the result of {text}", ""))
        return refused
    name = _chain_name(chain, quoted)
    root = chain[-1]
    assert isinstance(root, ast.Name)
    if safe and not _safe_call(name, trusted):
        if len(chain) > 1 and quoted.get(root.id, root.id) in columns | set(trusted):
            attribute = chain[0]
            assert isinstance(attribute, ast.Attribute)
            refused.append((0, f"an attribute access (.{attribute.attr})", ""))
        else:
            refused.append((0, f"a call to {shorten(name, 40, False)}()",
                            ", a function not on the safe list"))
    elif len(chain) == 1 and root.id not in known:
        raise FormulaError(
            f"unknown function {shorten(root.id)} in {shorten(r_expr(expr))}: "
            f"pass it to glm with context={{{root.id!r}: {root.id}}}, or use a "
            "numpy function such as log, exp, sqrt"
        )
    return refused


def check_formula_code(
    text: str, columns: Sequence[Any], env: Mapping[str, Any], *, safe: bool,
    trusted: Collection[str] = (), formula: str | None = None,
) -> list[str]:
    """Check every term of a formulaic formula text; return the data columns it names.

    `env`: the namespace the formula is evaluated in; `trusted`: the names of it
    that a safe formula may use besides the columns (an explicit context).
    Nothing is evaluated: formulaic's tokenizer splits the text, and each Python
    term is only parsed.
    """
    names = [str(c) for c in columns]
    column_set = set(names)
    try:
        tokens = list(tokenize(text))
    except GLMError:
        raise
    except Exception as e:
        raise FormulaError(
            f"cannot parse formula {shorten(formula or text)}: "
            f"{shorten(clean_message(e), 300, False)}"
        ) from None
    used: list[str] = []
    for token in tokens:
        if token.kind is Token.Kind.NAME:
            used.extend(check_name(token.token, names, column_set, env, safe=safe,
                                   trusted=trusted))
        elif token.kind is Token.Kind.PYTHON:
            used.extend(check_expression(token.token, names, env, safe=safe, trusted=trusted,
                                         formula=formula))
    return list(dict.fromkeys(used))


def check_name(
    name: str, columns: Sequence[str], column_set: set[str], env: Mapping[str, Any], *,
    safe: bool, trusted: Collection[str] = (),
) -> list[str]:
    """A name the formula looks up: a column, else a known (safe: trusted) name, else an
    error."""
    if name in column_set:
        return [name]
    if name not in set(env) | set(TRANSFORMS) | set(dir(builtins)):
        raise unknown_column(name, list(columns))
    if safe and name not in trusted and name not in SAFE_CONSTANTS:
        raise _refuse(f"the name {shorten(name)}", name, ", which is not a column of the data")
    return []


def check_factors(
    factors: Iterable[Factor], columns: Sequence[Any], env: Mapping[str, Any], *, safe: bool,
    trusted: Collection[str] = (),
) -> list[str]:
    """:func:`check_formula_code` for the factors of a parsed formula or model spec
    (predict replays these on new data)."""
    names = [str(c) for c in columns]
    used: list[str] = []
    for factor in factors:
        if factor.eval_method is Factor.EvalMethod.LOOKUP:
            used.extend(check_name(factor.expr, names, set(names), env, safe=safe,
                                   trusted=trusted))
        elif factor.eval_method is Factor.EvalMethod.PYTHON:
            used.extend(check_expression(factor.expr, names, env, safe=safe, trusted=trusted))
    return list(dict.fromkeys(used))


@dataclass(frozen=True)
class FormulaCode:
    """What formulaic evaluates for an R formula, checked: the code of each part and the
    data columns each part uses."""

    r_formula: str  # the R formula with its `.` expanded
    lhs: str
    rhs: str
    offset: str | None  # the offset terms' sum, as one I(...) term
    response_columns: tuple[str, ...]
    model_columns: tuple[str, ...]  # right-hand side and offsets


def formula_code(
    formula: str, columns: Sequence[Any], context: Mapping[str, Any] | None, *, safe: bool
) -> FormulaCode:
    """Read an R formula on data with `columns`: expand ``.``, rewrite R code as Python and
    check every expression (:func:`check_formula_code`) before anything is evaluated.

    >>> code = formula_code("Solar.R ~ . + log(Wind)", ["Solar.R", "Wind"], None, safe=True)
    >>> code.r_formula, code.rhs, code.model_columns
    ('Solar.R ~ (Wind) + log(Wind)', '(Wind) + log(Wind)', ('Wind',))
    """
    names = [str(c) for c in columns]
    expanded = expand_dot(formula, names)
    lhs, rhs = split_formula(expanded)
    rhs, offsets = extract_offsets(rhs)
    env = {**DEFAULT_CONTEXT, **(context or {})}
    trusted = set(context or {})
    lhs_text, rhs_text = lhs_code(lhs, names), python_code(rhs, names)
    offset = None
    if offsets:
        offset = python_code("I(" + " + ".join(f"({o})" for o in offsets) + ")", names)

    def check(text: str) -> list[str]:
        return check_formula_code(text, names, env, safe=safe, trusted=trusted, formula=formula)

    response = check(lhs_text)
    model = check(rhs_text)
    if offset is not None:
        model += check(offset)
    return FormulaCode(expanded, lhs_text, rhs_text, offset, tuple(response),
                       tuple(dict.fromkeys(model)))
