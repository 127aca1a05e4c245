"""R's model-formula algebra on formula text: ``terms.formula`` and ``update.formula``.

A formula is parsed with R's operator precedence (``^``, unary ``-``, ``:``,
``%in%``, ``*`` ``/``, ``+`` ``-``, ``~``); everything else (names, calls such
as ``I(ldose - 3)`` or ``offset(log(t))``) is a variable, named by R's
``deparse`` of it. :func:`expand_terms` is R's ``terms.formula``: the term
labels (variables of an interaction in their order of first appearance, terms
sorted by degree and otherwise kept in order), the intercept and the offsets.
:func:`update_formula` is R's ``update.formula``: ``.`` on the left is the old
response, ``.`` on the right the old right-hand side, and the result is
simplified as R simplifies it (terms, then offsets, then ``- 1``).

>>> expand_terms("y ~ a*b*c - a:b").labels
['a', 'b', 'c', 'a:c', 'b:c', 'a:b:c']
>>> update_formula("SF ~ sex + ldose - 1", ". ~ sex * I(ldose-3)")
'SF ~ sex + I(ldose - 3) + sex:I(ldose - 3)'
>>> update_formula("y ~ x + offset(log(t))", "log(.) ~ . + z - 1")
'log(y) ~ x + z + offset(log(t)) - 1'
>>> deparse_formula("SF~sex*ldose + I(ldose^2)")
'SF ~ sex * ldose + I(ldose^2)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from glmformula.errors import FormulaError, shorten
from glmformula.rdeparse import deparse

#: a parsed formula: ("atom", text) or (operator, operand, ...) with "neg"/"pos" unary
Node = tuple[Union[str, "Node"], ...]

_OPERATOR = re.compile(r"%[^%\s]*%|\*\*|[~+\-*/:^()]")
_QUOTES = "`'\""
#: R's deparse puts spaces around these (and %op%), not / : ^
SPACED_OPERATORS = frozenset({"~", "+", "-", "*", "%in%"})


def _atom_end(text: str, i: int) -> int:
    """Where the variable starting at ``text[i]`` ends (a name, number, call or index)."""
    depth, quote = 0, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in _QUOTES:
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and (ch.isspace() or _OPERATOR.match(ch) or ch == "%"):
            # a number's exponent sign (1e-3) stays in the number
            if ch in "+-" and re.fullmatch(r"\d+\.?\d*[eE]", text[_start(text, i):i]):
                i += 1
                continue
            return i
        i += 1
    if quote or depth:
        raise FormulaError(f"formula {shorten(text)} has unbalanced brackets or quotes")
    return i


def _start(text: str, i: int) -> int:
    """Start of the run of name characters that ends before ``i``."""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "._"):
        j -= 1
    return j


def _tokens(text: str) -> list[str]:
    tokens, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        op = _OPERATOR.match(text, i)
        if op:
            tokens.append("^" if op.group(0) == "**" else op.group(0))
            i = op.end()
            continue
        end = _atom_end(text, i)
        if end == i:
            raise FormulaError(f"cannot read the formula {shorten(text)} at {text[i:i + 10]!r}")
        tokens.append(text[i:end])
        i = end
    return tokens


class _Parser:
    """Recursive descent with R's precedence of the formula operators."""

    def __init__(self, text: str) -> None:
        self.text, self.tokens, self.pos = text, _tokens(text), 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise FormulaError(f"the formula {shorten(self.text)} ends too early")
        self.pos += 1
        return token

    def formula(self) -> Node:
        if self.peek() == "~":
            self.take()
            node: Node = ("~", self.sum())
        else:
            left = self.sum()
            node = ("~", left, self.sum()) if self.peek() == "~" and self.take() else left
        if self.peek() is not None:
            raise FormulaError(f"cannot read the formula {shorten(self.text)} at "
                               f"{self.peek()!r}")
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()
            node = (op, node, self.product())
        return node

    def product(self) -> Node:
        node = self.special()
        while self.peek() in ("*", "/"):
            op = self.take()
            node = (op, node, self.special())
        return node

    def special(self) -> Node:
        node = self.colon()
        while (token := self.peek()) is not None and token.startswith("%"):
            node = (self.take(), node, self.colon())
        return node

    def colon(self) -> Node:
        node = self.unary()
        while self.peek() == ":":
            self.take()
            node = (":", node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek() in ("-", "+"):
            return ("neg" if self.take() == "-" else "pos", self.unary())
        return self.power()

    def power(self) -> Node:
        node = self.primary()
        if self.peek() == "^":
            self.take()
            node = ("^", node, self.unary())
        return node

    def primary(self) -> Node:
        token = self.take()
        if token == "(":
            node = self.sum()
            if self.take() != ")":
                raise FormulaError(f"formula {shorten(self.text)} has an unmatched '('")
            return ("()", node)
        if _OPERATOR.fullmatch(token):
            raise FormulaError(f"cannot read the formula {shorten(self.text)} at {token!r}")
        return ("atom", token)


def parse_formula(text: str) -> Node:
    """The formula's tree (``("~", lhs, rhs)``, or ``("~", rhs)`` without a response)."""
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be a str such as 'y ~ x'; got {type(text).__name__}")
    return _Parser(text).formula()


def atom_text(text: str) -> str:
    """A variable as R's deparse writes it (``I(ldose-3)`` -> ``I(ldose - 3)``)."""
    from glmformula.design_parse import python_code

    code = text if text.startswith("`") else python_code(text, ())
    written = deparse(code)
    if written is None or (written.startswith("(") and not text.startswith("(")):
        return " ".join(text.split())  # no R spelling (Python-only code): as written
    return written


def deparse_node(node: Node) -> str:
    """R's deparse of a formula tree."""
    kind = node[0]
    if kind == "atom":
        return atom_text(str(node[1]))
    if kind == "()":
        return f"({deparse_node(_child(node, 1))})"
    if kind in ("neg", "pos"):
        return ("-" if kind == "neg" else "+") + deparse_node(_child(node, 1))
    if kind == "~" and len(node) == 2:
        return "~" + deparse_node(_child(node, 1))
    left, right = deparse_node(_child(node, 1)), deparse_node(_child(node, 2))
    op = str(kind)
    spaced = op in SPACED_OPERATORS or op.startswith("%")
    return f"{left} {op} {right}" if spaced else f"{left}{op}{right}"


def _child(node: Node, i: int) -> Node:
    child = node[i]
    assert isinstance(child, tuple)
    return child


def deparse_formula(text: str) -> str:
    """R's ``deparse`` of a formula: R's spacing of operators and of the calls in it."""
    return deparse_node(parse_formula(text))


def call_formula(text: str) -> str:
    """The formula as a printed call shows it (R deparses the call: ``Eth*Sex+ Age`` prints
    as ``Eth * Sex + Age``); a formula R could not read (formulaic's Python syntax) is
    shown as written, its runs of spaces made one.

    >>> call_formula("Days ~ Eth*Sex+ Age"), call_formula("y ~ {x  if x > 0 else 0}")
    ('Days ~ Eth * Sex + Age', 'y ~ {x if x > 0 else 0}')
    """
    try:
        return deparse_formula(text)
    except FormulaError:
        return " ".join(text.split())


@dataclass(frozen=True)
class Terms:
    """R's ``terms.formula``: response text, term labels, intercept and offsets."""

    response: str | None
    labels: list[str]
    intercept: bool
    offsets: list[str]

    def formula(self) -> str:
        """The simplified formula R's ``update.formula`` returns."""
        parts = list(self.labels) or (["1"] if self.intercept or not self.offsets else [])
        rhs = " + ".join([*parts, *self.offsets])
        rhs = rhs if self.intercept else f"{rhs} - 1"
        return f"{self.response} ~ {rhs}" if self.response is not None else f"~{rhs}"


class _Encoder:
    """R's ``EncodeVars``: a term is the set of its variables' positions."""

    def __init__(self) -> None:
        self.variables: list[str] = []
        self.intercept = True
        self.parity = True

    def variable(self, text: str) -> int:
        name = atom_text(text)
        if name not in self.variables:
            self.variables.append(name)
        return self.variables.index(name)

    def encode(self, node: Node) -> list[frozenset[int]]:
        kind = node[0]
        if kind == "atom":
            text = str(node[1])
            if text in ("1", "0"):
                self.intercept = self.parity == (text == "1")
                return []
            return [frozenset({self.variable(text)})]
        if kind in ("()", "pos"):
            return self.encode(_child(node, 1))
        if kind == "neg":
            return self.delete([], _child(node, 1))
        left = self.encode(_child(node, 1))
        if kind == "-":
            return self.delete(left, _child(node, 2))
        if kind == "^":
            return self.power(left, _child(node, 2))
        right = self.encode(_child(node, 2))
        if kind == "+":
            return _unique(left + right)
        if kind == ":":
            return _unique([a | b for a in left for b in right])
        if kind == "*":
            return _unique(left + right + [a | b for a in left for b in right])
        if kind == "%in%":
            inner = frozenset().union(*right)
            return _unique([a | inner for a in left])
        if kind == "/":
            outer = frozenset().union(*left)
            return _unique(left + [outer | b for b in right])
        raise FormulaError(f"the operator {kind!r} has no meaning in a model formula")

    def delete(self, left: list[frozenset[int]], node: Node) -> list[frozenset[int]]:
        self.parity = not self.parity
        right = self.encode(node)
        self.parity = not self.parity
        return [t for t in left if t not in right]

    def power(self, left: list[frozenset[int]], node: Node) -> list[frozenset[int]]:
        exponent = deparse_node(node)
        if not re.fullmatch(r"\d+", exponent) or int(exponent) < 1:
            raise FormulaError(f"invalid power in formula: ^{exponent}; use a whole number >= 1")
        terms = left
        for _ in range(int(exponent) - 1):
            terms = _unique([a | b for a in left for b in terms])
        return terms


def _unique(terms: list[frozenset[int]]) -> list[frozenset[int]]:
    """R's ``TrimRepeats``: the first of equal terms, empty terms dropped."""
    seen: list[frozenset[int]] = []
    for t in terms:
        if t and t not in seen:
            seen.append(t)
    return seen


def expand_terms(formula: str) -> Terms:
    """R's ``terms.formula`` of a formula without ``.``: labels, intercept, offsets.

    >>> t = expand_terms("y ~ c + b:a + a + offset(log(n)) + a:c - 1")
    >>> t.labels, t.intercept, t.offsets
    (['c', 'a', 'b:a', 'c:a'], False, ['offset(log(n))'])
    """
    tree = parse_formula(formula)
    encoder = _Encoder()
    has_response = len(tree) == 3
    if has_response:
        encoder.variables.append(deparse_node(_child(tree, 1)))
    terms = encoder.encode(_child(tree, len(tree) - 1))
    names = encoder.variables
    offsets = [n for n in names if n.startswith("offset(")]
    kept = [t for t in terms if not any(names[v].startswith("offset(") for v in t)
            and not (has_response and t == frozenset({0}))]
    kept = sorted(kept, key=len)  # by degree, otherwise in order (a stable sort)
    labels = [":".join(names[v] for v in sorted(t)) for t in kept]
    return Terms(response=names[0] if has_response else None, labels=labels,
                 intercept=encoder.intercept, offsets=offsets)


def substitute_dots(new: str, old: str) -> str:
    """R's ``update.formula`` step one: ``.`` left of ``~`` is the old response, right of
    it the old right-hand side (in brackets); a new formula without a response keeps the
    old one."""
    from glmformula.scope import substitute_dot

    old_tree = parse_formula(old)
    if len(old_tree) != 3:
        raise FormulaError(f"the model's formula {shorten(old)} has no response")
    old_lhs, old_rhs = deparse_node(_child(old_tree, 1)), deparse_node(_child(old_tree, 2))
    tree = parse_formula(new)
    new_rhs = deparse_node(_child(tree, len(tree) - 1))
    new_lhs = old_lhs if len(tree) == 2 else substitute_dot(deparse_node(_child(tree, 1)),
                                                            old_lhs)
    return f"{new_lhs} ~ {substitute_dot(new_rhs, f'({old_rhs})')}"


def update_formula(old: str, new: str) -> str:
    """R's ``update.formula(old, new)``: ``.`` replaced, then simplified as R does.

    >>> update_formula("y ~ a * b", "~ . - a")
    'y ~ b + a:b'
    >>> update_formula("y ~ x", ". ~ . - x - 1")
    'y ~ 1 - 1'
    """
    return expand_terms(substitute_dots(new, old)).formula()


__all__ = ["SPACED_OPERATORS", "Node", "Terms", "call_formula", "deparse_formula",
           "expand_terms", "parse_formula", "substitute_dots", "update_formula"]
