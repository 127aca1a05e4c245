"""formulaic's materialized matrices -> a Design's parts (helpers of :mod:`glmformula.design`):
the response, the dense model matrix, R's column and term names, the offset, the data
columns used.

>>> import pandas as pd
>>> X = dense(pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]}))
>>> X.tolist(), X.flags.f_contiguous
([[1.0, 0.5], [2.0, 1.5]], True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from formulaic.model_spec import ModelSpec
from formulaic.parser.types import Factor

from glmformula.design_formulaic import GLMMaterializer, factor_labels, level_label, r_column_name
from glmformula.design_parse import clean_message, r_expr, r_name
from glmformula.errors import DataError, FormulaError, GLMError, shorten


@dataclass(frozen=True, eq=False)
class Response:
    """The response: float64 values, shape (n,) or (n, 2) for ``cbind(successes, failures)``.

    For a factor/str/bool response, `levels` holds its levels and `values` is 0.0
    for the first level and 1.0 for any other (as R's binomial family reads it).
    """

    values: np.ndarray
    name: str
    levels: tuple[str, ...] | None





def materialize(
    materializer: GLMMaterializer, specs: Any, drop: set[int], formula: str
) -> dict[str, Any]:
    try:
        mm = materializer.get_model_matrix(specs, drop_rows=drop)
        return {k: getattr(mm, k) for k in ("lhs", "rhs", "offset") if hasattr(mm, k)}
    except GLMError as e:
        raise type(e)(str(e)) from None
    except RecursionError:
        raise FormulaError(f"formula {shorten(formula)} is too deeply nested to evaluate") from None
    except Exception as e:
        raise FormulaError(
            f"cannot evaluate formula {shorten(formula)} on the data: "
            f"{shorten(clean_message(e), 300, False)}"
        ) from None


def dense(matrix: pd.DataFrame) -> np.ndarray:
    """float64 Fortran-ordered copy of a model matrix, filled column by column (at once when
    every column holds real numbers in a numpy dtype)."""
    if all(isinstance(t, np.dtype) and t.kind in "biuf" for t in matrix.dtypes):
        return np.array(matrix.to_numpy(dtype=np.float64), dtype=np.float64, order="F")
    X = np.empty(matrix.shape, dtype=np.float64, order="F")
    for j in range(matrix.shape[1]):
        column = matrix.iloc[:, j].to_numpy()
        if np.iscomplexobj(column):
            raise DataError(
                f"model matrix column {shorten(str(matrix.columns[j]))} has complex values; a GLM "
                "needs real numbers (use the real part, the modulus or the angle)"
            )
        try:
            X[:, j] = column
        except (TypeError, ValueError):
            raise DataError(
                f"model matrix column {shorten(str(matrix.columns[j]))} does not hold numbers "
                f"(its values are {column.dtype} that cannot be read as numbers); a term must "
                "evaluate to numbers or a factor"
            ) from None
    return X


def response(lhs: str, matrix: pd.DataFrame, cbind: bool) -> Response:
    spec = matrix.model_spec
    (factor,) = spec.formula[0].factors
    labels = factor_labels(spec, factor.expr)
    values = matrix.to_numpy(dtype=np.float64)
    if labels:
        levels = tuple(level_label(c) for c in spec.encoder_state[factor.expr][1]["categories"])
        return Response(np.ascontiguousarray(1.0 - values[:, 0]), lhs, levels)
    if values.shape[1] != (2 if cbind else 1):
        raise DataError(
            f"response {shorten(lhs)} gives {values.shape[1]} columns; it should give "
            + ("2 (successes, failures)" if cbind else "1")
        )
    return Response(np.ascontiguousarray(values if cbind else values[:, 0]), lhs, None)


def names_and_terms(spec: ModelSpec) -> tuple[list[str], list[str], dict[str, slice]]:
    names: list[str] = []
    terms: list[str] = []
    slices: dict[str, slice] = {}
    for term, _, cols in spec.structure:
        info: list[tuple[str, str, Mapping[str, str]]] = [
            (f.expr, r_factor(f), factor_labels(spec, f.expr)) for f in term.factors
        ]
        label = "(Intercept)" if term.degree == 0 else ":".join(r for _, r, _ in info)
        terms.append(label)
        slices[label] = slice(len(names), len(names) + len(cols))
        names.extend(r_column_name(c, info) for c in cols)
    return names, terms, slices


def r_factor(factor: Factor) -> str:
    """A factor as R labels it: a column backticked unless syntactic, code in R's spelling."""
    if factor.eval_method is Factor.EvalMethod.LOOKUP:
        return r_name(factor.expr)
    return r_expr(factor.expr)


def offset_total(mm: dict[str, Any], extra: np.ndarray | None) -> np.ndarray | None:
    if "offset" not in mm:
        return extra
    values = mm["offset"].to_numpy(dtype=np.float64)
    if values.shape[1] != 1:
        (term,) = mm["offset"].model_spec.formula
        raise DataError(f"offset terms must be numeric; {r_expr(str(term))[2:-1]} is a factor")
    return values[:, 0] if extra is None else values[:, 0] + extra


def data_columns(
    mm: dict[str, Any], frame: pd.DataFrame, parts: tuple[str, ...], named: tuple[str, ...]
) -> list[str]:
    """The data columns the parts use, in data order: those the formula code names (read by
    :mod:`glmformula.formula_safety`) and any other that formulaic's transforms required."""
    names = set(named) | {
        str(v) for k in parts if k in mm for v in mm[k].model_spec.required_variables
    }
    return [c for c in frame.columns if str(c) in names]
