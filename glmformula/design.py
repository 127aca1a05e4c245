"""Formula + data -> response, model matrix, weights, offset: R's ``model.frame``/``model.matrix``.

This is the only module of glmformula that imports formulaic (with its helpers
``design_parse``, ``design_formulaic``, ``design_parts``, ``design_checks`` and
``formula_safety``, which reads every formula before anything evaluates it). The
formula is R's: ``I(x^2)`` squares, ``offset(log(t))`` adds an offset,
``cbind(dead, alive)`` is a binomial response, ``.`` is every other column; column
names are R's ("(Intercept)", "woolB", "woolB:tensionM").

Factors get treatment contrasts with the first level as reference: sorted
levels for str/object/bool columns (as R's ``factor()``), the category order
for pandas categoricals. Ordered categoricals get R's polynomial contrasts
(``contr.poly``: columns ``x.L``, ``x.Q``, ``x.C``, ``x^4``...).

>>> import pandas as pd
>>> df = pd.DataFrame({"y": [1.0, 3, 2, 5], "g": ["a", "b", "a", "b"], "x": [1.0, 2, 3, 4]})
>>> d = build_design("y ~ g + I(x^2)", df)
>>> d.column_names
['(Intercept)', 'gb', 'I(x^2)']
>>> d.X[:, 2].tolist()
[1.0, 4.0, 9.0, 16.0]
>>> d.transform(pd.DataFrame({"g": ["b"], "x": [3.0]}))[0].tolist()
[[1.0, 1.0, 9.0]]
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from formulaic import Formula
from formulaic.formula import SimpleFormula
from formulaic.model_spec import ModelSpec, ModelSpecs
from formulaic.parser import DefaultFormulaParser
from formulaic.parser.types import Term

from glmformula.contrasts import ContrastsArgument
from glmformula.design_checks import (
    argument,
    as_frame,
    check_finite,
    check_width,
    names_list,
    numeric,
    row_labels,
    widest_term,
)
from glmformula.design_dtypes import numpy_backed
from glmformula.design_formulaic import (
    DEFAULT_CONTEXT,
    GLMMaterializer,
)
from glmformula.design_parse import call_arguments, clean_message, split_formula
from glmformula.design_parts import (
    Response,
    data_columns,
    dense,
    materialize,
    names_and_terms,
    offset_total,
)
from glmformula.design_parts import response as response_of
from glmformula.design_structured import STRUCTURED_MIN_ROWS, build_structured
from glmformula.errors import (
    ArgumentTypeError,
    DataError,
    FormulaError,
    GLMError,
    GLMWarning,
    shorten,
)
from glmformula.formula_safety import FormulaCode, check_factors, formula_code
from glmformula.irls import user_stacklevel
from glmformula.matrices import ModelMatrix

if TYPE_CHECKING:
    from glmformula.fit_arguments import FitArguments

__all__ = ["Design", "Response", "build_design"]


@dataclass(frozen=True, eq=False)
class Design:
    """Everything a GLM fit needs from formula and data, and the means to replay it on new data."""

    response: Response
    X: np.ndarray | ModelMatrix
    column_names: list[str]
    term_names: list[str]
    term_slices: dict[str, slice]
    has_intercept: bool
    prior_weights: np.ndarray | None
    offset: np.ndarray | None
    row_index: pd.Index
    n_dropped: int
    formula: str
    model_spec: ModelSpecs = field(repr=False)  # formulaic specs: "rhs" and, if any, "offset"
    context: Mapping[str, Any] = field(repr=False)  # the caller's context (defaults not included)
    offset_column: str | None = field(repr=False)
    data_columns: tuple[str, ...] = field(repr=False)  # columns of data the formula uses
    numeric_columns: tuple[str, ...] = field(default=(), repr=False)  # ... that were numbers
    safe: bool = field(default=False, repr=False)  # built in safe mode (refits keep it)
    #: the values of the offset= argument (a column's or an array's) on the rows used
    offset_argument: np.ndarray | None = field(default=None, repr=False)
    #: the weights= argument when it named a column (None: no weights, or an array)
    weights_column: str | None = field(default=None, repr=False)
    #: glm()'s subset=, na_action= and contrasts= (refits reuse them; see fit_arguments)
    arguments: FitArguments | None = field(default=None, repr=False)

    @property
    def offset_array(self) -> bool:
        """offset= was an array: it cannot be evaluated on newdata (``predict(offset=)``)."""
        return self.offset_argument is not None and self.offset_column is None

    def transform(self, newdata: Any) -> tuple[np.ndarray, np.ndarray | None, pd.Index]:
        """Model matrix, offset and row index for `newdata`, with the fitted levels and transforms.

        Formula offsets are evaluated on `newdata`; an ``offset=`` given as a column
        name is read from it, one given as an array is not (``predict(newdata, offset=)``
        passes its values for newdata).
        Missing values or unseen factor levels raise DataError.
        """
        frame = as_frame(newdata, "newdata")
        needed = list(self.data_columns)
        if self.offset_column is not None and self.offset_column not in needed:
            needed.append(self.offset_column)
        absent = [c for c in needed if c not in frame.columns]
        if absent:
            raise DataError(
                f"newdata lacks column(s) {names_list(absent)} that the model uses; "
                f"it has: {names_list(frame.columns, quote=False)}"
            )
        frame = numpy_backed(frame, needed)
        if self.safe:  # the code formulaic replays, checked again (see formula_safety)
            check_factors(
                (f for spec in self.model_spec for term in spec.formula for f in term.factors),
                list(frame.columns), {**DEFAULT_CONTEXT, **self.context}, safe=True,
                trusted=set(self.context),
            )
        for column in self.numeric_columns:
            if not _is_number_dtype(frame[column].dtype):
                raise DataError(
                    f"column {shorten(column)} of newdata must be numeric, as it was when the "
                    f"model was fitted; it has dtype {frame[column].dtype}"
                )
        plain = frame.set_axis(pd.RangeIndex(len(frame)), axis=0)
        drop: set[int] = set()
        mm = materialize(
            GLMMaterializer(plain, {**DEFAULT_CONTEXT, **self.context}, replay=True),
            self.model_spec,
            drop,
            self.formula,
        )
        extra = None
        if self.offset_column is not None:
            extra, missing = numeric(
                frame[self.offset_column], f"offset column {shorten(self.offset_column)}"
            )
            drop.update(np.flatnonzero(missing).tolist())
        if drop:
            rows = sorted(drop)
            bad = [c for c in needed if frame[c].iloc[rows].isna().any()]
            where = f"column(s) {names_list(bad)}" if bad else "the formula's terms"
            raise DataError(
                f"newdata has missing values in {where} (rows {row_labels(frame.index, rows)}); "
                "drop or fill those rows before predicting"
            )
        X = dense(mm["rhs"])
        offset = offset_total(mm, extra)
        return X, offset, frame.index


def build_design(
    formula: str,
    data: Any,
    *,
    weights: Any = None,
    offset: Any = None,
    context: Mapping[str, Any] | None = None,
    structured: bool | None = None,
    transform_state: Mapping[str, Any] | None = None,
    prototype: Design | None = None,
    safe: bool = False,
    contrasts: Mapping[str, Any] | ContrastsArgument | None = None,
    plain_columns: Collection[str] = (),
    code: FormulaCode | None = None,
) -> Design:
    """Build response, model matrix, weights and offset from an R formula and a data frame.

    `weights` and `offset`: a column name or an array aligned with the rows of
    `data`. `structured`: build a structured (tabmat) model matrix for large data
    whose terms are plain columns and factors (None: when the data are large).
    `context`: the caller's variables and functions used in the formula
    (numpy's log, exp, sqrt... are always there). Rows with a missing value in
    any variable used are dropped, as R's ``na.omit``. `transform_state`: the
    state of stateful transforms such as ``scale(x)`` to use instead of learning
    it from `data` (for data that come in parts). `prototype`: this formula's
    design on a few rows of data coded alike (the same factor levels), whose
    coding the structured path reuses instead of building it again. `safe`:
    evaluate only column names, numbers, arithmetic and a fixed list of
    functions (see :mod:`glmformula.formula_safety`); a prototype's setting is kept.
    `contrasts`: R's ``contrasts.arg``, contrasts by factor name (see
    :mod:`glmformula.contrasts`). `plain_columns`: float64 columns of `data` already found
    free of NaN and infinity, within the magnitudes the fitter squares (see
    :func:`glmformula.factors.incomplete_rows`), not read again. `code`: the formula as
    :func:`glmformula.formula_safety.formula_code` read it on these columns with this
    `context` and `safe` (not read again).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"n": [3, 5, 4], "t": [1.0, 2, 4], "w": ["A", "B", "A"]})
    >>> d = build_design("n ~ w + offset(log(t))", df)
    >>> d.column_names, d.term_names, d.offset.round(3).tolist()
    (['(Intercept)', 'wB'], ['w'], [0.0, 0.693, 1.386])
    """
    if not isinstance(formula, str):
        raise ArgumentTypeError(
            f"formula must be a str such as 'y ~ x1 + x2'; got {type(formula).__name__}"
        )
    if context is not None and not isinstance(context, Mapping):
        raise ArgumentTypeError(
            f"context must be a dict of names to values; got {type(context).__name__}"
        )
    safe = bool(safe) or (prototype is not None and prototype.safe)
    frame = as_frame(data, "data")
    if code is None:
        code = formula_code(formula, list(frame.columns), context, safe=safe)
    named = [n for n in (weights, offset) if isinstance(n, str)]
    frame = numpy_backed(frame, [*code.response_columns, *code.model_columns, *named])
    if structured is not False and not transform_state and not contrasts:
        fast = build_structured(
            code.r_formula, frame, weights=weights, offset=offset, context=context,
            build_general=build_design, min_rows=0 if structured else STRUCTURED_MIN_ROWS,
            prototype=prototype, safe=safe, plain=plain_columns, code=code,
        )
        if fast is not None:
            check_width(len(fast.column_names), widest_term(fast.term_slices))
            return replace(fast, formula=formula, safe=safe)
    return _general(formula, code, frame, weights, offset, context, transform_state, safe,
                    contrasts)


def _general(
    formula: str, code: FormulaCode, frame: pd.DataFrame, weights: Any, offset: Any,
    context: Mapping[str, Any] | None, transform_state: Mapping[str, Any] | None, safe: bool,
    contrasts: Mapping[str, Any] | ContrastsArgument | None = None,
) -> Design:
    """build_design's general path: formulaic materializes the checked formula code."""
    env = {**DEFAULT_CONTEXT, **(context or {})}
    columns = list(frame.columns)
    w_values, w_missing = argument(weights, "weights", frame)
    o_values, o_missing = argument(offset, "offset", frame)
    if w_values is not None and (w_values[~w_missing] < 0).any():
        raise DataError("weights must be non-negative; fix or drop the rows with negative weights")

    parts = _parse(code, formula, columns)
    plain = frame.set_axis(pd.RangeIndex(len(frame)), axis=0)
    drop = set(np.flatnonzero(w_missing | o_missing).tolist())
    specs = ModelSpec.from_spec(
        parts, materializer=GLMMaterializer, na_action="drop", output="pandas"
    )
    if transform_state:
        specs = _with_transform_state(specs, transform_state)
    coding = contrasts if isinstance(contrasts, ContrastsArgument) else ContrastsArgument.of(
        contrasts)
    mm = materialize(GLMMaterializer(plain, env, contrasts=coding), specs, drop, formula)
    kept = np.ones(len(frame), dtype=bool)
    kept[list(drop)] = False
    keep = np.flatnonzero(kept)
    if keep.size == 0:
        raise DataError(
            f"no rows left: all {len(frame)} rows of the data have a missing value in a variable "
            "that the formula, weights or offset uses"
        )
    lhs = split_formula(code.r_formula)[0]
    response = response_of(lhs, mm["lhs"], cbind=call_arguments(lhs, "cbind") is not None)
    X = dense(mm["rhs"])
    names, terms, slices = names_and_terms(mm["rhs"].model_spec)
    argument_offset = None if o_values is None else o_values[keep]
    total_offset = offset_total(mm, argument_offset)
    model_columns = data_columns(mm, frame, ("rhs", "offset"), code.model_columns)
    used = data_columns(mm, frame, ("lhs",), code.response_columns) + model_columns
    check_finite(response.values, [response.name], frame, keep, used, "response")
    check_finite(X, names, frame, keep, used, "model matrix")
    if total_offset is not None:
        check_finite(total_offset, ["offset"], frame, keep, used, "offset")
    check_width(len(names), widest_term(slices))
    numeric_columns = tuple(c for c in model_columns if _is_number_dtype(frame[c].dtype))
    if coding is not None:  # R's model.matrix: a numeric variable is an error, else a warning
        for message in coding.check_used([c for c in used if _is_number_dtype(frame[c].dtype)]):
            warnings.warn(message, GLMWarning, stacklevel=user_stacklevel())
    rhs_specs = {k: mm[k].model_spec for k in ("rhs", "offset") if k in mm}
    return Design(
        response=response,
        X=X,
        column_names=names,
        term_names=[t for t in terms if t != "(Intercept)"],
        term_slices={t: s for t, s in slices.items() if t != "(Intercept)"},
        has_intercept="(Intercept)" in terms,
        prior_weights=None if w_values is None else w_values[keep],
        offset=total_offset,
        row_index=frame.index[keep],
        n_dropped=len(frame) - keep.size,
        formula=formula,
        model_spec=ModelSpecs(**rhs_specs),
        context=dict(context or {}),
        offset_column=offset if isinstance(offset, str) else None,
        offset_argument=argument_offset,
        weights_column=weights if isinstance(weights, str) else None,
        data_columns=tuple(model_columns),
        numeric_columns=numeric_columns,
        safe=safe,
    )


def _with_transform_state(specs: ModelSpecs, state: Mapping[str, Any]) -> ModelSpecs:
    parts = {k: specs[k] for k in ("lhs", "rhs", "offset") if k in specs}
    parts["rhs"] = parts["rhs"].update(transform_state=dict(state))
    return ModelSpecs(**parts)


def _is_number_dtype(dtype: Any) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


# -- formula parsing -----------------------------------------------------------------------


def _parse(code: FormulaCode, formula: str, columns: list[str]) -> Formula:
    """formulaic formula with parts lhs, rhs (terms in R's order) and offset (if any)."""
    parser = DefaultFormulaParser(feature_flags={"twosided"})
    try:
        parsed = Formula(
            f"{code.lhs} ~ {code.rhs}",
            _parser=parser,
            _ordering="none",
            _context={"__formulaic_variables_available__": columns},
        )
        offset = None
        if code.offset is not None:
            offset = Formula(code.offset, _parser=DefaultFormulaParser(include_intercept=False))
    except GLMError:
        raise
    except RecursionError:
        raise FormulaError(f"formula {shorten(formula)} is too deeply nested to read") from None
    except Exception as e:
        raise FormulaError(
            f"cannot parse formula {shorten(formula)}: {shorten(clean_message(e), 300, False)}"
        ) from None
    # R orders the factors of an interaction by first appearance, the terms by degree.
    first: dict[str, int] = {}
    for term in parsed.rhs:
        for f in term.factors:
            first.setdefault(f.expr, len(first))
    terms = [Term(sorted(t.factors, key=lambda f: first[f.expr])) for t in parsed.rhs]
    rhs_formula = SimpleFormula(sorted(terms, key=lambda t: t.degree), _ordering="none")
    if offset is None:
        return Formula(lhs=parsed.lhs, rhs=rhs_formula)
    return Formula(lhs=parsed.lhs, rhs=rhs_formula, offset=offset)
