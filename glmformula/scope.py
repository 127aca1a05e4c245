"""Scopes of model selection, as R reads them: ``update.formula`` on a scope, then
``factor.scope``.

In a scope, ``.`` is the model's own right-hand side (R's ``update.formula``):
``~ . + x`` is the model's terms plus ``x`` and ``~ .^2`` its terms squared.
It is *not* every column of the data (that is the ``.`` of a model formula).

>>> substitute_dot("~ .^2 + Solar.R + I(x * .5)", "(wool + tension)")
'~ (wool + tension)^2 + Solar.R + I(x * .5)'
>>> factor_scope(["a", "b", "a:b", "c"], lower=["c"], upper=["a", "b", "c", "a:b", "b:c"])
(['a:b'], ['b:c'])
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from glmformula.errors import ArgumentTypeError, DataError, FormulaError

if TYPE_CHECKING:
    from glmformula.result import GLMResult

#: a ``.`` that is neither part of a name (``Solar.R``) nor of a number (``.5``)
DOT = re.compile(r"(?<![\w.])\.(?![\w.])")
QUOTED = re.compile(r"(`[^`]*`|'[^']*'|\"[^\"]*\")")

Scope = str | Sequence[str] | Mapping[str, Any] | None


def key(term: str) -> frozenset[str]:
    """A term's factors as a set: ``a:b`` and ``b:a`` are one term."""
    return frozenset(term.split(":"))


def drop_scope(terms: list[str]) -> list[str]:
    """R's ``drop.scope``: the terms not contained in another term of the model.

    >>> drop_scope(["wool", "tension", "wool:tension"])
    ['wool:tension']
    """
    keys = [key(t) for t in terms]
    return [t for i, t in enumerate(terms)
            if not any(keys[i] <= keys[j] for j in range(len(terms)) if j != i)]


def add_scope(terms: list[str], upper: list[str]) -> list[str]:
    """R's ``add.scope``: terms of ``upper`` not in the model whose margins are all present.

    >>> add_scope(["wool"], ["wool", "tension", "wool:tension"])
    ['tension']
    """
    missing = _outside(terms, upper)
    if missing:
        raise FormulaError(
            f"the upper scope does not contain the model's term(s) {', '.join(missing)}; "
            "give a scope that includes every term of the model (e.g. '~ . + x')"
        )
    have = {key(t) for t in terms}
    cand = [u for u in upper if key(u) not in have]
    keys = [key(c) for c in cand]
    return [c for j, c in enumerate(cand)
            if not any(keys[i] < keys[j] for i in range(len(cand)) if i != j)]


def _outside(terms: list[str], within: list[str]) -> list[str]:
    """The terms of ``terms`` that ``within`` does not have (terms compared as sets)."""
    have = {key(t) for t in within}
    return [t for t in terms if key(t) not in have]


def factor_scope(terms: list[str], lower: list[str] | None,
                 upper: list[str] | None) -> tuple[list[str], list[str]]:
    """R's ``factor.scope``: the terms that may be dropped and those that may be added.

    A term of ``lower`` is never dropped; among the others only those that no
    other of them contains (marginality). ``upper`` None adds nothing.
    """
    rest = list(terms)
    if lower:
        outside = _outside(lower, terms)
        if outside:
            raise FormulaError(
                f"the lower scope has term(s) {', '.join(outside)} not included in the model; "
                "give a lower scope whose terms are all in the model"
            )
        low = {key(t) for t in lower}
        rest = [t for t in terms if key(t) not in low]
    return drop_scope(rest), add_scope(terms, upper) if upper is not None else []


def substitute_dot(text: str, replacement: str) -> str:
    """``text`` with each standalone ``.`` (outside quotes) replaced by ``replacement``."""
    parts = QUOTED.split(text)
    return "".join(p if i % 2 else DOT.sub(lambda _: replacement, p)
                   for i, p in enumerate(parts))


def model_rhs(model: GLMResult) -> str:
    """The model's terms as one parenthesised sum: what ``.`` means in a scope."""
    terms = list(model.design.term_names)
    return f"({' + '.join(terms)})" if terms else "1"


def scope_formula(model: GLMResult, scope: str) -> str:
    """``response ~ rhs`` of a scope formula, its ``.`` replaced by the model's terms.

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
    >>> scope_formula(m, "~ .^2 + tension")
    'breaks ~ (wool)^2 + tension'
    """
    from glmformula.anova import response_text

    if not isinstance(scope, str) or "~" not in scope:
        raise ArgumentTypeError(
            f"a scope must be a formula string such as '~ . + x' or '~ .^2', a list of term "
            f"labels, or a dict with 'lower' and 'upper'; got {scope!r}"
        )
    rhs = scope.split("~", 1)[1].strip()
    if not rhs:
        raise FormulaError(f"the scope {scope!r} has nothing right of '~'; write '~ 1' for none")
    return f"{response_text(model)} ~ {substitute_dot(rhs, model_rhs(model))}"


def model_data(model: GLMResult, data: Any, what: str) -> Any:
    """``data``, or else the data the model remembers; an error saying how to pass it."""
    if data is None:
        data = getattr(model, "data", None)
    if data is None:
        raise ArgumentTypeError(f"{what} needs data= (the model's data frame) to build its terms")
    return data


def scope_terms(model: GLMResult, scope: str | Sequence[str], data: Any,
                context: Any, what: str) -> list[str]:
    """The term labels of a scope: a formula (``.`` is the model's terms) or a list of labels."""
    if isinstance(scope, Sequence) and not isinstance(scope, str):
        labels = list(scope)
        if not all(isinstance(t, str) for t in labels):
            raise ArgumentTypeError("a scope given as a list must hold term labels (str)")
        return labels
    from glmformula.design import build_design

    formula = scope_formula(model, scope)
    frame = model_data(model, data, what)
    env = context if context is not None else model.design.context
    return list(build_design(formula, frame, context=env, safe=model.design.safe).term_names)


def parse_scope(model: GLMResult, scope: Scope, data: Any, context: Any,
                what: str) -> tuple[list[str] | None, list[str] | None]:
    """(lower, upper) term labels of a step scope: a formula is the upper scope."""
    if scope is None:
        return None, None
    if isinstance(scope, Mapping):
        unknown = set(scope) - {"lower", "upper"}
        if unknown:
            raise ArgumentTypeError(
                f"a scope dict has the keys 'lower' and 'upper' only; got {sorted(unknown)}")
        lower, upper = scope.get("lower"), scope.get("upper")
        return (None if lower is None else scope_terms(model, lower, data, context, what),
                None if upper is None else scope_terms(model, upper, data, context, what))
    return None, scope_terms(model, scope, data, context, what)


def check_rows(model: GLMResult, rows: int) -> None:
    """R's check that a refit used as many rows as the model."""
    if rows != model.response.y.size:
        raise DataError(
            f"number of rows in use has changed ({model.response.y.size} -> {rows}): remove "
            "the rows with missing values in the scope's variables from the data first"
        )
