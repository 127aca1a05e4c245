"""formulaic glue for :mod:`glmformula.design`: materializer, default names, R column names.

The materializer differs from formulaic's pandas one in two R habits: a
logical (bool) variable is a factor with levels FALSE < TRUE, and replaying a
model spec on new data with a factor level it has not seen is an error rather
than a warning and a row of zeros.

>>> r_column_name("wool[T.B]:tension[T.M]", [("wool", "wool", {"B": "B"}),
...                                           ("tension", "tension", {"M": "M"})])
'woolB:tensionM'
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
from formulaic.errors import FactorEvaluationError
from formulaic.materializers import PandasMaterializer
from formulaic.materializers.types import ScopedFactor, ScopedTerm
from formulaic.parser.types import Factor
from formulaic.transforms import encode_contrasts
from formulaic.utils.cast import as_columns
from formulaic.utils.null_handling import drop_rows as drop_nulls
from interface_meta import override

from glmformula.contrast_calls import C, RContrastsRegistry, r_contrast_calls
from glmformula.contrasts import chosen_contrasts
from glmformula.design_dates import as_factor_call, check_no_dates, expression_columns
from glmformula.design_parse import r_expr
from glmformula.errors import DataError, GLMError, shorten
from glmformula.factors import without_unused_categories
from glmformula.polynomials import poly
from glmformula.powers import POWER_NAME, power, power_calls
from glmformula.rfunctions import c, log
from glmformula.splines import bs, ns
from glmformula.transforms import center, scale


def cbind(*columns: Any) -> np.ndarray:
    """R's ``cbind`` for a binomial response: columns stacked as float64; a single number
    is repeated down the rows, as R recycles it (``cbind(y, 5)``: 5 trials' failures).

    >>> cbind([1, 2], 3).tolist()
    [[1.0, 3.0], [2.0, 3.0]]
    """
    try:
        arrays = [np.asarray(c, dtype=np.float64) for c in columns]
    except (TypeError, ValueError) as e:
        raise DataError(
            f"cbind() needs numeric columns (successes, failures): {shorten(e, 200, False)}"
        ) from None
    rows = max((len(a) for a in arrays if a.ndim), default=1)
    arrays = [np.full(rows, float(a)) if a.size == 1 and a.ndim < 2 else a for a in arrays]
    lengths = sorted({len(a) for a in arrays if a.ndim})
    if len(lengths) > 1:
        raise DataError(f"cbind() got columns of {' and '.join(map(str, lengths))} rows; give "
                        "each column one value per row of the data (or a single number)")
    return np.column_stack(arrays)


def factor(x: Any, levels: Any = None) -> pd.Series:
    """R's ``factor``: a categorical with sorted levels (or the given `levels`)."""
    return pd.Series(pd.Categorical(x, categories=levels), index=getattr(x, "index", None))


DEFAULT_CONTEXT: dict[str, Any] = {
    "np": np,
    "numpy": np,
    **{f: getattr(np, f) for f in ("exp", "sqrt", "log10", "log2", "log1p", "expm1")},
    "log": log,  # R's log(x, base)
    "c": c,
    **{f: getattr(np, f) for f in ("abs", "sin", "cos", "tan", "floor", "sign", "tanh")},
    "ceiling": np.ceil,
    "pmin": np.minimum,
    "pmax": np.maximum,
    "pi": np.pi,
    "TRUE": True,
    "FALSE": False,
    "cbind": cbind,
    "factor": factor,
    "scale": scale,
    "center": center,
    "poly": poly,  # R's poly, bs and ns (knots and names as R)
    "bs": bs,
    "ns": ns,
    POWER_NAME: power,  # ``a ** b`` (see glmformula.powers)
    "C": C,  # R's C(g, sum), and contr.sum/helmert/poly with R's column names
    "contr": RContrastsRegistry,
}


def level_label(level: Any) -> str:
    """R's printed form of a factor level: TRUE/FALSE, 2 rather than 2.0."""
    if isinstance(level, bool | np.bool_):
        return "TRUE" if level else "FALSE"
    if isinstance(level, float | np.floating) and math.isfinite(level) and level == int(level):
        return str(int(level))
    return str(level)


def _values(values: Any) -> Any:
    return getattr(values, "__wrapped__", values)


class GLMMaterializer(PandasMaterializer):
    """formulaic's pandas materializer with R's handling of logicals and unseen levels."""

    REGISTER_NAME = "glmformula_pandas"
    REGISTER_INPUTS = ()
    REGISTER_OUTPUTS = ("pandas", "numpy", "sparse")
    _encoding = ""  # the expression of the factor being coded

    @override
    def _evaluate(self, expr: str, metadata: Any, spec: Any) -> Any:
        """formulaic's evaluation, with ``a ** b`` correctly rounded (glmformula.powers) and
        R's ``C(g, sum)`` (glmformula.contrasts)."""
        return super()._evaluate(power_calls(r_contrast_calls(expr)), metadata, spec)

    @override
    def _is_categorical(self, values: Any) -> bool:
        dtype = getattr(_values(values), "dtype", None)
        if dtype is not None and pd.api.types.is_bool_dtype(dtype):
            return True
        if isinstance(dtype, pd.StringDtype):  # "string" (pd.NA) as well as pandas' "str"
            return True
        return super()._is_categorical(values)

    @override
    def _get_scoped_terms(self, terms: Any, ensure_full_rank: bool = True) -> Iterator[Any]:
        """R's coding of factors (``TermCode`` in R's model.c) instead of formulaic's.

        A factor in a term is coded by contrasts when the term without it is
        empty or contained in an earlier term, else by one dummy per level;
        without an intercept, the first factor of the first term that has one
        gets dummies. ``y ~ a:b`` so gives R's rank-deficient columns.
        """
        terms = list(terms)
        literal = Factor.EvalMethod.LITERAL
        keys = [frozenset(f.expr for f in t.factors if f.eval_method is not literal) for t in terms]
        dummy_first = all(keys)  # no intercept term
        for k, term in enumerate(terms):
            evaled = [self.factor_cache[f.expr] for f in term.factors]
            if not any(e.values.__wrapped__ is not None for e in evaled):
                yield term, []
                continue
            scale, scoped = 1, []
            for e in evaled:
                if e.metadata.kind is Factor.Kind.CONSTANT:
                    scale *= e.values
                elif e.metadata.spans_intercept:
                    rest = keys[k] - {e.expr}
                    reduced = not dummy_first and (not rest or any(rest <= p for p in keys[:k]))
                    dummy_first = False
                    scoped.append(ScopedFactor(e, reduced=reduced))
                else:
                    scoped.append(ScopedFactor(e))
            yield term, [ScopedTerm(scoped, scale=scale)]

    @override
    def _encode_categorical(
        self, values: Any, metadata: Any, encoder_state: dict[str, Any], spec: Any,
        drop_rows: Any, reduced_rank: bool = False,
    ) -> Any:
        """R's contrasts: ``contrasts=``'s for the factor, else polynomial for ordered
        factors and treatment otherwise (see glmformula.contrasts); a replay uses the fit's.
        A replay codes new data's categorical column by the values it holds: categories
        of its dtype that no row has are left out (the fit may not know them, and coding
        by levels that exclude a dtype's category is deprecated in pandas)."""
        if self.params.get("replay"):
            values = without_unused_categories(values)
        expr = self._encoding
        contrasts = chosen_contrasts(values, encoder_state, self.params.get("contrasts"), expr,
                                     r_expr(expr) if expr else "")
        if contrasts is None:
            return super()._encode_categorical(
                values, metadata, encoder_state, spec, drop_rows, reduced_rank=reduced_rank
            )
        if drop_rows:
            values = drop_nulls(values, indices=drop_rows)
        encoded = as_columns(encode_contrasts(
            values, contrasts=contrasts, reduced_rank=reduced_rank, _metadata=metadata,
            _state=encoder_state, _spec=spec,
        ))
        encoder_state["glmformula_contrasts"] = contrasts
        return encoded

    @override
    def _evaluate_factor(self, factor: Any, spec: Any, drop_rows: Any) -> Any:
        """formulaic's evaluation, after a check that no column used holds dates; a
        glmformula error raised by a transform is passed on as it is."""
        if factor.expr not in self.factor_cache:
            if factor.eval_method is Factor.EvalMethod.LOOKUP:
                used = {factor.expr}
            elif as_factor_call(factor.expr):
                used = set()
            else:
                used = expression_columns(factor.expr, self.data.columns)
            check_no_dates(self.data, sorted(used))
        try:
            return super()._evaluate_factor(factor, spec, drop_rows)
        except FactorEvaluationError as e:
            if isinstance(e.__cause__, GLMError):
                raise e.__cause__ from None
            raise

    @override
    def _encode_evaled_factor(
        self, factor: Any, spec: Any, drop_rows: Any, reduced_rank: bool = False
    ) -> dict[str, Any]:
        kind, state = spec.encoder_state.get(factor.expr, (None, {}))
        if self.params.get("replay") and kind is Factor.Kind.CATEGORICAL and "categories" in state:
            known = list(state["categories"])
            values = _values(factor.values)
            if not isinstance(values, pd.Series):
                values = pd.Series(np.asarray(values, dtype=object))
            unseen = [v for v in values.dropna().unique() if v not in set(known)]
            if unseen:
                raise DataError(
                    f"{shorten(r_expr(factor.expr))} has level(s) {_levels(unseen, True)} "
                    f"not seen when the model was fitted; known levels: "
                    f"{_levels(known, False)}. "
                    "Drop those rows or map them to a known level."
                )
        self._encoding = factor.expr  # the factor _encode_categorical codes
        return super()._encode_evaled_factor(factor, spec, drop_rows, reduced_rank=reduced_rank)


def _levels(levels: list[Any], quote: bool, limit: int = 20) -> str:
    """Factor levels for a message: each cut short, at most `limit` of them."""
    shown = [shorten(level, quote=quote) for level in levels[:limit]]
    more = f", ... ({len(levels) - limit} more)" if len(levels) > limit else ""
    return ", ".join(shown) + more


def categorical_factors(spec: Any) -> dict[str, dict[str, Any]]:
    """The categorical factors of a fitted model spec: formulaic expression -> its coding
    state (``"categories"``: the levels, the first the reference)."""
    return {expr: dict(state) for expr, (kind, state) in spec.encoder_state.items()
            if kind is Factor.Kind.CATEGORICAL}


def factor_labels(spec: Any, expr: str) -> dict[str, str]:
    """formulaic's level strings -> R's, for a categorical factor of a fitted model spec."""
    kind, state = spec.encoder_state.get(expr, (None, {}))
    if kind is not Factor.Kind.CATEGORICAL:
        return {}
    return {str(level): level_label(level) for level in state.get("categories", ())}


def r_column_name(name: str, factors: list[tuple[str, str, Mapping[str, str]]]) -> str:
    """Map a formulaic column name ("wool[T.B]:x") to R's ("woolB:x").

    `factors`: (formulaic expr, R expr, level labels) for each factor of the term,
    in the order R names them.
    """
    if name == "Intercept":
        return "(Intercept)"
    found = _match(name, 0, factors)
    if found is None:  # unexpected layout: keep formulaic's name rather than fail
        return name
    order = {expr: k for k, (expr, _, _) in enumerate(factors)}
    return ":".join(part for _, part in sorted(found, key=lambda item: order[item[0]]))


def _match(
    name: str, pos: int, factors: list[tuple[str, str, Mapping[str, str]]]
) -> list[tuple[str, str]] | None:
    """Parse `name` from `pos` as ':'-joined parts, one per factor in any order."""
    for k, (expr, rexpr, labels) in enumerate(factors):
        if not name.startswith(expr, pos):
            continue
        rest = factors[:k] + factors[k + 1 :]
        end = pos + len(expr)
        options = [(rexpr, end)]
        if end < len(name) and name[end] == "[":
            for close in (i for i in range(end + 1, len(name)) if name[i] == "]"):
                field = name[end + 1 : close]
                if field.startswith("T.") and field[2:] in labels:
                    field = field[2:]
                options.append((rexpr + labels.get(field, field), close + 1))
        for part, stop in options:
            if stop == len(name):  # formulaic may leave out a factor's columns
                return [(expr, part)]
            if stop < len(name) and name[stop] == ":" and rest:
                tail = _match(name, stop + 1, rest)
                if tail is not None:
                    return [(expr, part), *tail]
    return None
