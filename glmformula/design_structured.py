"""The fast path of :mod:`glmformula.design`: a structured model matrix for large data.

When every term is a product of plain numeric columns and at most one factor
(``y ~ x1 + x2 + g + x1:h``), the model matrix is built from the columns and
the factors' integer codes directly, as a dense block, categorical blocks and
sparse blocks (see :mod:`glmformula.matrices`): no one-hot expansion, no copy
of a column that is already float64. Coding (contrasts or dummies), column
names and the model spec for prediction come from formulaic, run on a few
complete rows whose factors already carry every level of the full data, so
both paths give the same columns.

>>> import numpy as np, pandas as pd
>>> df = pd.DataFrame({"y": [1.0, 2, 3, 4], "x": [0.5, 1, 2, 3], "g": list("abab")})
>>> d = build_structured("y ~ x + g", df, weights=None, offset=None, context={},
...                      build_general=None, min_rows=0)
>>> d.column_names, d.X.dense().tolist()[1]
(['(Intercept)', 'x', 'gb'], [1.0, 1.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from formulaic.parser.types import Factor

from glmformula.design_checks import (
    argument,
    as_frame,
    check_magnitude,
    check_width,
    plainly_finite,
    row_labels,
)
from glmformula.design_formulaic import DEFAULT_CONTEXT, GLMMaterializer
from glmformula.design_parse import extract_offsets, split_formula
from glmformula.errors import DataError, shorten
from glmformula.structured import build_structured_matrix

#: Data with fewer rows go through formulaic's dense path ...
STRUCTURED_MIN_ROWS = 20_000
#: ... or fewer rows, when their dense model matrix would have fewer cells than this.
LARGE_MATRIX_CELLS = 2_000_000
_PROTOTYPE_ROWS = 20


def _width_estimate(data: Mapping[str, pd.Series], columns: list[str]) -> int:
    """Roughly the model matrix's columns: one per numeric column, one per factor level."""
    width = 1
    for c in columns:
        series = data[c]
        if isinstance(series.dtype, pd.CategoricalDtype):
            width += len(series.cat.categories)
        elif _is_factor_dtype(series):
            width += int(series.nunique())
        else:
            width += 1
    return width


def _is_factor_dtype(series: pd.Series) -> bool:
    dtype = series.dtype
    return isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(
        dtype
    ) or pd.api.types.is_string_dtype(dtype)


def _as_factor(series: pd.Series) -> pd.Series:
    """A categorical with R's levels: the categories' order, or sorted distinct values."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series
    return pd.Series(pd.Categorical(series), index=series.index, name=series.name)


def _numeric_column(series: pd.Series, name: str,
                    plain: Collection[str] = ()) -> tuple[np.ndarray, bool] | None:
    """The column as float64 and whether it is plainly finite (None: not a plain number).
    ``plain``: float64 columns already found plainly finite (not read again)."""
    if name in plain and series.dtype == np.float64:
        return series.to_numpy(), True
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        return None
    if pd.api.types.is_complex_dtype(series.dtype):
        return None  # the general path explains
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    if plainly_finite(values):
        return values, True
    if np.isinf(values).any():
        rows = row_labels(series.index, np.flatnonzero(np.isinf(values)))
        raise DataError(
            f"infinite values in column {shorten(name)} (rows {rows}); drop or fix those rows "
            "before fitting"
        )
    check_magnitude(values, [name], "column")
    return values, False


def _plain_columns(formula: str, frame: pd.DataFrame) -> tuple[str, list[str]] | None:
    """(response, right-hand-side columns) when every term is a product of column names."""
    lhs, rhs = split_formula(formula)
    rhs, _ = extract_offsets(rhs)  # offset(...) terms: evaluated by the prototype's spec
    rhs = rhs.replace("(", " ").replace(")", " ")  # names only: the prototype gives the terms
    columns = {str(c) for c in frame.columns}
    if lhs not in columns:
        return None
    names: list[str] = []
    for term in rhs.replace("*", "+").replace("-", "+").split("+"):
        for piece in term.split(":"):
            piece = piece.strip()
            if len(piece) > 2 and piece[0] == piece[-1] == "`":
                piece = piece[1:-1]
            if piece in ("", "0", "1"):
                continue
            if piece not in columns:
                return None
            names.append(piece)
    return lhs, list(dict.fromkeys(names))


def build_structured(
    formula: str,
    data: Any,
    *,
    weights: Any,
    offset: Any,
    context: Mapping[str, Any] | None,
    build_general: Callable[..., Any] | None,
    min_rows: int = STRUCTURED_MIN_ROWS,
    prototype: Any = None,
    safe: bool = False,
    plain: Collection[str] = (),
    code: Any = None,
) -> Any:
    """A Design with a structured X, or None when the formula needs the general path.

    ``prototype``: the formula's design on a few rows coded alike (else one is
    built on the first complete rows). ``plain``: float64 columns known plainly
    finite (see :func:`glmformula.design_checks.plainly_finite`). ``code``: the formula's
    checked code (:func:`glmformula.formula_safety.formula_code`), for the prototype.
    """
    if build_general is None:
        from glmformula.design import build_design

        build_general = build_design
    frame = as_frame(data, "data")
    parsed = _plain_columns(formula, frame)
    if parsed is None:
        return None
    response_name, rhs_columns = parsed
    data = {c: frame[c] for c in dict.fromkeys([response_name, *rhs_columns])}  # read once
    width = _width_estimate(data, rhs_columns)
    if len(frame) < min_rows and len(frame) * width < LARGE_MATRIX_CELLS:
        return None
    check_width(width, " (about one per numeric column and factor level)")
    response = _numeric_column(data[response_name], response_name, plain)
    if response is None:
        return None
    y = response[0]
    factors = {c: _as_factor(data[c]) for c in rhs_columns if _is_factor_dtype(data[c])}
    numerics: dict[str, np.ndarray] = {}
    unclean: list[np.ndarray] = []
    for c in rhs_columns:
        if c in factors:
            continue
        column = _numeric_column(data[c], c, plain)
        if column is None:  # booleans and other kinds: the general path codes them
            return None
        numerics[c] = column[0]
        if not column[1]:
            unclean.append(column[0])
    w_values, w_missing = argument(weights, "weights", frame)
    o_values, o_missing = argument(offset, "offset", frame)
    if not response[1]:
        unclean.append(y)
    missing = w_missing | o_missing
    for values in unclean:
        missing |= np.isnan(values)
    codes = {c: f.cat.codes.to_numpy() for c, f in factors.items()}
    for c_codes in codes.values():
        if c_codes.size and c_codes.min() < 0:
            missing |= c_codes < 0
    keep = np.flatnonzero(~missing) if missing.any() else None  # None: every row
    if keep is not None and keep.size == 0:
        return None  # the general path explains
    first = keep[:_PROTOTYPE_ROWS] if keep is not None else np.arange(
        min(len(frame), _PROTOTYPE_ROWS))
    proto = prototype if prototype is not None else _prototype(
        formula, frame, factors, first, w_values, o_values, context, build_general, safe,
        code)
    found = _blocks(proto.model_spec["rhs"], numerics, codes, factors)
    if found is None:
        return None
    formula_offset = None
    if "offset" in proto.model_spec:
        formula_offset = _formula_offset(proto, frame, keep)
        if formula_offset is None:
            return None
    blocks, dense_names = found
    dense_values = None
    if keep is None and dense_names and None not in dense_names:
        dense_values = frame[dense_names].to_numpy(dtype=np.float64)
    matrix = build_structured_matrix(blocks, len(proto.column_names), len(frame), keep,
                                     dense_values)

    def kept(values: np.ndarray) -> np.ndarray:  # a copy: never the caller's array
        return values.copy() if keep is None else values[keep]

    kept_offset = None if o_values is None else kept(o_values)
    total_offset = kept_offset if formula_offset is None else (
        formula_offset if kept_offset is None else formula_offset + kept_offset)
    return replace(
        proto,
        response=replace(proto.response, values=y if keep is None else y[keep]),
        X=matrix,
        prior_weights=None if w_values is None else kept(w_values),
        offset=total_offset,
        row_index=frame.index if keep is None else frame.index[keep],
        n_dropped=0 if keep is None else len(frame) - keep.size,
        offset_column=offset if isinstance(offset, str) else None,
        offset_argument=kept_offset,
        weights_column=weights if isinstance(weights, str) else None,
    )


def _formula_offset(proto: Any, frame: pd.DataFrame, keep: np.ndarray | None
                    ) -> np.ndarray | None:
    """The formula's ``offset(...)`` terms on the rows kept, evaluated by the prototype's
    fitted spec (as ``predict(newdata)`` evaluates them); None where a value is missing or
    not finite, or the terms are not one numeric column: the general path then drops or
    refuses as R does."""
    spec = proto.model_spec["offset"]
    names = {str(v) for v in spec.required_variables}
    columns = [c for c in frame.columns if str(c) in names]
    rows = frame[columns] if keep is None else frame[columns].iloc[keep]
    drop: set[int] = set()
    try:
        values = GLMMaterializer(
            rows.set_axis(pd.RangeIndex(len(rows)), axis=0),
            {**DEFAULT_CONTEXT, **proto.context}, replay=True,
        ).get_model_matrix(spec, drop_rows=drop).to_numpy(dtype=np.float64)
    except Exception:  # the general path says what is wrong
        return None
    if drop or values.shape != (len(rows), 1) or not np.all(np.isfinite(values)):
        return None
    return values[:, 0]


def _prototype(
    formula: str, frame: pd.DataFrame, factors: dict[str, pd.Series], rows: np.ndarray,
    w_values: np.ndarray | None, o_values: np.ndarray | None,
    context: Mapping[str, Any] | None, build_general: Callable[..., Any], safe: bool,
    code: Any = None,
) -> Any:
    """The general path's design on a few complete rows, factors with all their levels
    (``code``: the formula's code read on these columns, passed on when given)."""
    prototype_frame = frame.iloc[rows].copy()
    for c, f in factors.items():
        prototype_frame[c] = f.iloc[rows].array
    read = {} if code is None else {"code": code}
    return build_general(
        formula, prototype_frame,
        weights=None if w_values is None else w_values[rows],
        offset=None if o_values is None else o_values[rows],
        context=context, structured=False, safe=safe, **read,
    )


def _blocks(
    spec: Any, numerics: dict[str, np.ndarray], codes: dict[str, np.ndarray],
    factors: dict[str, pd.Series],
) -> tuple[list[tuple[str, Any, list[int]]], list[str | None]] | None:
    """Blocks ("dense", values, positions), ("categorical", (codes, ...), positions), and
    for each non-intercept dense block the data column it is (None for a product)."""
    blocks: list[tuple[str, Any, list[int]]] = []
    dense_names: list[str | None] = []
    position = 0
    for term, scoped_terms, columns in spec.structure:
        positions = list(range(position, position + len(columns)))
        position += len(columns)
        if term.degree == 0:
            blocks.append(("dense", None, positions))
            continue
        if len(scoped_terms) != 1 or scoped_terms[0].scale != 1:
            return None
        numeric_parts, categorical = [], None
        for scoped in scoped_terms[0].factors:
            expr = scoped.factor.expr
            kind = spec.encoder_state.get(expr, (None, {}))[0]
            if kind is Factor.Kind.CATEGORICAL and expr in codes:
                if categorical is not None:
                    return None
                state = spec.encoder_state[expr][1]
                if state.get("glmformula_poly") or list(state["categories"]) != list(
                    factors[expr].cat.categories
                ):
                    return None
                categorical = (codes[expr], scoped.reduced, len(state["categories"]))
            elif kind is Factor.Kind.NUMERICAL and expr in numerics:
                numeric_parts.append(numerics[expr])
            else:
                return None
        values = None
        if numeric_parts:
            values = numeric_parts[0]
            for extra in numeric_parts[1:]:
                values = values * extra
        if categorical is None:
            blocks.append(("dense", values, positions))
            plain = len(numeric_parts) == 1
            dense_names.append(scoped_terms[0].factors[0].factor.expr if plain else None)
        else:
            c_codes, reduced, n_levels = categorical
            if len(positions) != n_levels - int(reduced):
                return None
            blocks.append(("categorical", (c_codes, reduced, n_levels, values), positions))
    return blocks, dense_names
