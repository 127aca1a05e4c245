"""emmeans' reference grid: every factor at each level, covariates at their means.

The variables are those of the model's formula, in the order they appear. A
factor (a categorical, text or logical column, or a number made a factor in the
formula, as ``factor(cyl)``) takes each of its levels; a numeric covariate its
mean over the fitted rows (``log(u)`` in the formula is evaluated at the mean
of ``u``), or each of its values when it has at most two (emmeans'
``cov.keep = "2"``: a 0/1 covariate is kept at 0 and 1); ``at=`` gives other
values, ``cov_reduce`` another summary than the mean (R's ``cov.reduce``). The
model matrix of the grid's rows comes from the model's own newdata builder
(:func:`glmformula.prediction.model_rows`), so factor codings and stateful
transforms (``poly``, ``ns``, ``scale``) are replayed. The offset is the mean of
the fit's total offset, as emmeans' ``.offset.``.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> rg = reference_grid(m)
>>> rg.frame.shape, rg.levels["tension"]
((6, 2), ['L', 'M', 'H'])
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.design_checks import as_frame
from glmformula.design_formulaic import categorical_factors, level_label
from glmformula.design_parse import name_in
from glmformula.errors import ArgumentTypeError, DataError, GLMWarning
from glmformula.factors import present_levels

if TYPE_CHECKING:
    from glmformula.result import GLMResult


@dataclass(frozen=True)
class ReferenceGrid:
    """The grid of a model (R's ``ref_grid``) and what the estimates need."""

    variables: list[str]  # the predictors, in the formula's order
    levels: dict[str, list[Any]]  # reference values of each predictor
    factors: frozenset[str]  # predictors whose values are factor levels
    coerced: frozenset[str]  # ... of them, numbers made factors in the formula (factor(cyl))
    frame: pd.DataFrame  # one row per combination, the first variable varying fastest
    linfct: np.ndarray  # model-matrix rows of the grid (non-aliased columns)
    offset: float  # added to every linear predictor
    bhat: np.ndarray
    vcov: np.ndarray
    df: float
    tran: str | None  # the link's name when it is not the identity
    inv_label: str  # the response-scale estimate's name: prob, rate or response
    data: pd.DataFrame  # the predictors on the fitted rows


def used_data(model: GLMResult) -> pd.DataFrame:
    """The model's predictor columns on the rows the fit used (R's recovered data)."""
    if model.data is None or not model.rows.in_memory:
        raise DataError(
            "emmeans needs the data the model was fitted on, in memory; refit with "
            "gf.glm(formula, data=<a pandas DataFrame>)"
        )
    frame = as_frame(model.data, "data")
    columns = list(model.design.data_columns)
    rows = model.design.row_index
    if frame.index.is_unique:
        used = frame.loc[rows, columns]
    elif len(rows) == len(frame):
        used = frame[columns]
    else:
        raise DataError(
            "emmeans cannot tell which rows the fit used: the data's index has duplicate "
            "labels; refit on data.reset_index(drop=True)"
        )
    return used.reset_index(drop=True)


def predictor_order(model: GLMResult) -> list[str]:
    """The model's data columns in the order the formula's right-hand side names them."""
    formula = model.design.formula
    rhs = formula.split("~", 1)[1] if "~" in formula else formula

    def position(column: str) -> int:
        found = name_in(column, rhs)
        return found.start() if found else len(rhs)

    columns = list(model.design.data_columns)
    return sorted(columns, key=lambda c: (position(c), columns.index(c)))


def _categorical_states(model: GLMResult) -> dict[str, list[Any]]:
    """Factor expressions of the model matrix and their levels (formulaic's state)."""
    return {expr: list(state.get("categories", ()))
            for expr, state in categorical_factors(model.design.model_spec["rhs"]).items()}


def _mentions(expr: str, column: str) -> bool:
    return name_in(column, expr) is not None


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype)


def _reduce(cov_reduce: Any, name: str, x: np.ndarray) -> list[float]:
    """emmeans' ``cov.reduce``: the mean (None or True), every value (False), a function
    of the values, or a dict of them by variable (the mean for the others)."""
    if isinstance(cov_reduce, dict):
        cov_reduce = cov_reduce.get(name)
    if cov_reduce is None or cov_reduce is True:
        return [float(np.mean(x))]
    if cov_reduce is False:
        return np.unique(x).tolist()
    values = np.atleast_1d(np.asarray(cov_reduce(x), dtype=float)).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise DataError(f"cov_reduce gave {values.tolist()} for {name}: it must give one "
                        "or more finite numbers")
    return [float(v) for v in values]


def _check_cov_reduce(cov_reduce: Any) -> None:
    specs = list(cov_reduce.values()) if isinstance(cov_reduce, dict) else [cov_reduce]
    if not all(s is None or isinstance(s, bool) or callable(s) for s in specs):
        raise ArgumentTypeError(
            f"cov_reduce must be a function of a covariate's values (np.median, ...), a "
            f"dict of them by variable, True or False; got {cov_reduce!r}")


def _reference_levels(model: GLMResult, data: pd.DataFrame, variables: list[str],
                      at: dict[str, Any], cov_reduce: Any = None,
                      ) -> tuple[dict[str, list[Any]], set[str], set[str]]:
    states = _categorical_states(model)
    levels: dict[str, list[Any]] = {}
    factors: set[str] = set()
    coerced: set[str] = set()
    for name in variables:
        x = data[name]
        if not _is_number(x):
            factors.add(name)
            if name in states:
                known = states[name]
            else:
                known = present_levels(x)
            levels[name] = _at_levels(name, at[name], known) if name in at else known
            continue
        values = np.sort(np.unique(x.to_numpy(dtype=float)))
        if any(_mentions(expr, name) for expr in states if expr != name):
            factors.add(name)  # a number made a factor in the formula: its values
            coerced.add(name)
            known = values.tolist()
            levels[name] = _at_levels(name, at[name], known) if name in at else known
        elif name in at:
            levels[name] = [float(v) for v in np.atleast_1d(np.asarray(at[name], dtype=float))]
        elif len(values) <= 2:
            levels[name] = values.tolist()
        else:
            levels[name] = _reduce(cov_reduce, name, x.to_numpy(dtype=float))
    return levels, factors, coerced


def _at_levels(name: str, given: Any, known: list[Any]) -> list[Any]:
    wanted = [given] if isinstance(given, str) or np.ndim(given) == 0 else list(given)
    labels = {level_label(k): k for k in known}
    out = []
    for value in wanted:
        if value in known:
            out.append(value)
        elif level_label(value) in labels:
            out.append(labels[level_label(value)])
        else:
            raise DataError(
                f"at= gives {value!r} for the factor {name}, not one of its levels: "
                f"{', '.join(level_label(k) for k in known)}"
            )
    return out


def grid_frame(levels: dict[str, list[Any]], data: pd.DataFrame) -> pd.DataFrame:
    """R's ``expand.grid``: every combination, the first variable varying fastest; each
    column with the data's dtype (a categorical keeps its categories: the model's
    coding of new data leaves out those no row has)."""
    names = list(levels)
    sizes = [len(levels[n]) for n in names]
    total = int(np.prod(sizes)) if sizes else 1
    columns: dict[str, Any] = {}
    repeat = 1
    for name, size in zip(names, sizes, strict=True):
        index = np.tile(np.repeat(np.arange(size), repeat), total // (size * repeat))
        repeat *= size
        values = [levels[name][i] for i in index]
        dtype = data[name].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            columns[name] = pd.Categorical(values, dtype=dtype)
        elif _is_number(data[name]):
            columns[name] = np.asarray(values, dtype=float)
        else:
            columns[name] = (np.asarray(values, dtype=bool) if pd.api.types.is_bool_dtype(dtype)
                             else np.asarray(values, dtype=object))
    return pd.DataFrame(columns, index=pd.RangeIndex(total))


def grid_matrix(model: GLMResult, frame: pd.DataFrame) -> np.ndarray:
    """Model-matrix rows (non-aliased columns) of ``frame``, by the model's newdata builder;
    rows that are not estimable (a rank-deficient fit) are NaN."""
    from glmformula.prediction import model_rows

    newdata = frame
    if model.design.offset_column is not None and model.design.offset_column not in frame:
        newdata = frame.assign(**{model.design.offset_column: 0.0})
    X, _, _ = model_rows(model, newdata, with_offset=False)
    X = np.asarray(X, dtype=float)
    keep = ~model.fit.aliased
    if not keep.all():
        X = _mark_nonestimable(model, X)
    return X[:, keep]


def _mark_nonestimable(model: GLMResult, X: np.ndarray) -> np.ndarray:
    """NaN rows for linear functions outside the row space of the fitted model matrix
    (the estimability test of R's ``estimability`` package, tolerance 1e-8)."""
    fitted = np.asarray(model.model_matrix(), dtype=float)
    _, s, vt = np.linalg.svd(fitted, full_matrices=True)
    rank = int(np.sum(s > s[0] * 1e-10)) if s.size else 0
    null = vt[rank:].T
    if null.size == 0:
        return X
    size = np.sum(X**2, axis=1)
    outside = np.sum((X @ null) ** 2, axis=1) > 1e-8 * size
    X = X.copy()
    X[outside] = np.nan
    return X


def _covariance(model: GLMResult, vcov: Any) -> np.ndarray:
    if vcov is None:
        return model.vcov.to_numpy()
    if isinstance(vcov, str):
        return model.with_cov(vcov).vcov.to_numpy()
    matrix = np.asarray(vcov.to_numpy() if isinstance(vcov, pd.DataFrame) else vcov,
                        dtype=float)
    k = int((~model.fit.aliased).sum())
    if matrix.shape != (k, k):
        raise ArgumentTypeError(
            f"vcov must be a {k} x {k} covariance of the non-aliased coefficients (as "
            f"m.vcov), or a name such as 'HC3'; got shape {matrix.shape}"
        )
    return matrix


def link_labels(model: GLMResult) -> tuple[str | None, str]:
    """emmeans' ``.std.link.labels``: the transformation (the link, None for identity) and
    the name of the back-transformed estimate (prob for binomial families, rate for
    poisson ones, response otherwise: the family's ``mean_label``)."""
    link = model.family.link.name
    if link == "identity":
        return None, "response"
    return link, model.family.mean_label


def reference_grid(model: GLMResult, at: dict[str, Any] | None = None,
                   vcov: Any = None, cov_reduce: Any = None) -> ReferenceGrid:
    """The reference grid of ``model`` (R's ``ref_grid(m, at, vcov., cov.reduce)``)."""
    data = used_data(model)
    variables = predictor_order(model)
    at = dict(at or {})
    unknown = [k for k in at if k not in variables]
    if unknown:
        raise ArgumentTypeError(
            f"at= names {', '.join(map(repr, unknown))}, not a variable of the model; its "
            f"variables are {', '.join(variables)}"
        )
    _check_cov_reduce(cov_reduce)
    levels, factors, coerced = _reference_levels(model, data, variables, at, cov_reduce)
    frame = grid_frame(levels, data)
    tran, label = link_labels(model)
    df = float(model.df_residual) if model.family.marginal_means_t else np.inf
    return ReferenceGrid(
        variables=variables, levels=levels, factors=frozenset(factors),
        coerced=frozenset(coerced), frame=frame,
        linfct=grid_matrix(model, frame), offset=float(np.mean(model.offset)),
        bhat=np.asarray(model.fit.coef[~model.fit.aliased], dtype=float),
        vcov=_covariance(model, vcov), df=df, tran=tran, inv_label=label, data=data,
    )


INTERACTION_NOTE = "NOTE: Results may be misleading due to involvement in interactions"


def note_interactions(model: GLMResult, facs: Sequence[str]) -> None:
    """emmeans' note when a term holds every one of ``facs`` and more variables (an
    interaction the marginal means average over), given as a :class:`GLMWarning`.

    As emmeans, a term "holds" a name when the name occurs in its label.
    """
    for term in model.design.term_names:
        if all(f in term for f in facs):
            held = [c for c in model.design.data_columns if _mentions(term, c)]
            if len(held) > len(set(facs)):
                warnings.warn(INTERACTION_NOTE, GLMWarning, stacklevel=3)
                return


def parse_specs(specs: Any, by: Any) -> tuple[list[str], list[str]]:
    """``"tension"``, ``["wool", "tension"]`` or ``"~ tension | wool"`` -> (specs, by)."""
    by_list = [] if by is None else [by] if isinstance(by, str) else list(by)
    if isinstance(specs, str) and ("~" in specs or "|" in specs or "*" in specs
                                   or "+" in specs or ":" in specs):
        lhs, _, rest = specs.partition("~")
        if "~" in specs and lhs.strip():
            raise ArgumentTypeError(
                f"specs {specs!r} has a left-hand side (R's emmeans then also returns "
                f"contrasts); write pairs(emmeans(m, '~{rest}')) or "
                f"contrast(emmeans(m, '~{rest}'), method={lhs.strip()!r})"
            )
        text = rest if "~" in specs else specs
        main, _, after = text.partition("|")
        names = [n.strip() for n in _split_terms(main)]
        extra = [n.strip() for n in _split_terms(after)] if after else []
        by_list = [b for b in dict.fromkeys(extra + by_list) if b not in names]
        return names, by_list
    if isinstance(specs, str):
        return [specs], by_list
    if isinstance(specs, Sequence) and specs and all(isinstance(s, str) for s in specs):
        return list(specs), by_list
    raise ArgumentTypeError(
        f"specs must be a variable name, a list of names or a formula such as "
        f"'~ tension | wool'; got {specs!r}"
    )


def _split_terms(text: str) -> list[str]:
    parts = [p for chunk in text.replace("*", "+").replace(":", "+").split("+")
             if (p := chunk.strip())]
    return list(dict.fromkeys(parts))
