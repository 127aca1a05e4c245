"""Refit a model on another formula, as R's ``update(fit, ~ . - term)`` does in selection.

A :func:`glmformula.glm` fit is refitted with its family, weights, offset and
control; a :func:`glmformula.glm_nb` fit with ``glm_nb`` started at its theta
(``init.theta`` of the fit's call), so theta is estimated again.

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
>>> new_formula(m, ["tension"])
'breaks ~ tension'
>>> round(refit(m, "breaks ~ tension", wb).deviance, 4)
226.4306
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from glmformula.anova_negbin import is_negbin
from glmformula.errors import ArgumentTypeError, FormulaError
from glmformula.matrices import as_dense
from glmformula.scope import check_rows, key

if TYPE_CHECKING:
    from glmformula.result import GLMResult

_OFFSET = re.compile(r"offset\([^()]*(?:\([^()]*\)[^()]*)*\)")


def extract_aic(model: GLMResult, k: float = 2) -> tuple[float, float]:
    """R's ``extractAIC``: (edf, AIC) with edf = rows - residual df.

    A glm fit gives ``aic + (k - 2) * edf``; a :func:`glmformula.glm_nb` fit
    ``-2 logLik + k * edf`` (MASS's ``extractAIC.negbin``: theta not counted).
    """
    edf = float(model.response.y.size - model.df_residual)
    if is_negbin(model):
        return edf, float(-model.twologlik + k * edf)
    return edf, float(model.aic + (k - 2) * edf)


def call_argument(model: GLMResult, name: str) -> str | None:
    """The name given for ``name`` in the model's recorded call, if any."""
    found = re.search(rf"\b{name} = ([A-Za-z_][A-Za-z0-9_.]*)", model.call)
    return found.group(1) if found else None


def new_formula(model: GLMResult, terms: list[str]) -> str:
    """``response ~ terms`` in R's order (by degree), with the model's offsets and intercept."""
    from glmformula.anova import response_text

    rhs = model.design.formula.split("~", 1)[1]
    parts = [*sorted(terms, key=lambda t: len(t.split(":"))), *_OFFSET.findall(rhs)]
    if not model.design.has_intercept:
        parts.append("- 1")
    text = " + ".join(parts) if parts else "1"
    return f"{response_text(model)} ~ {text}".replace("+ - 1", "- 1")


def _argument(model: GLMResult, name: str, given: Any, data: Any) -> Any:
    """The weights or offset to refit with: as given, else as the model was fitted with them.

    The fit's own argument (a column name, or an array over the rows of its
    data) is reused on its data, as R's ``update`` re-evaluates the call. On
    other data, a column name is looked up in them again; an array is reused
    when it covers every row of ``data`` (no rows were dropped). The decision
    rests on what the fit recorded, never on the call's text (an array's text
    is ``offset``, which may also be a column of ``data``).
    """
    if given is not None:
        return given
    if name in model.call_args and data is model.data:
        return model.call_args[name]
    design = model.design
    column = design.weights_column if name == "weights" else design.offset_column
    if column is not None:
        return column
    values = design.prior_weights if name == "weights" else design.offset_argument
    if values is None:
        return None
    if design.n_dropped == 0 and len(values) == len(data):
        return values
    raise ArgumentTypeError(
        f"the model was fitted with {name}= given as an array and rows with missing values "
        f"were dropped; pass the same {name}= (a column name or an array over the rows of "
        "data) to refit it"
    )


def carried_arguments(model: GLMResult) -> dict[str, Any]:
    """The fit's call arguments that a refit keeps (subset, na_action, ... as given)."""
    from glmformula.update import NOT_CARRIED

    return {k: v for k, v in model.call_args.items()
            if k not in NOT_CARRIED and k not in ("weights", "offset", "init_theta")}


def refit(model: GLMResult, formula: str, data: Any, *, context: Any = None,
          weights: Any = None, offset: Any = None, quiet: bool = False,
          same_rows: bool = True, family: Any = None, **arguments: Any) -> GLMResult:
    """The model refitted on ``formula`` over ``data``, as R's ``update`` re-evaluates its call.

    The family, weights, offset, control, safe mode and the call's other
    arguments are the model's unless given; a glm_nb fit is refitted by
    ``glm_nb`` from its theta (no ``family``). ``same_rows``: R's check in
    selection that the refit used as many rows (DataError otherwise).
    """
    import warnings

    from glmformula.model import glm
    from glmformula.negbin import glm_nb

    env = context if context is not None else model.design.context
    options: dict[str, Any] = {
        **carried_arguments(model),
        "weights": _argument(model, "weights", weights, data),
        "offset": _argument(model, "offset", offset, data),
        "control": model.control, "context": env,
        "data_name": call_argument(model, "data"), "safe": model.design.safe,
        **arguments,
    }
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore")
        if is_negbin(model):
            if family is not None:
                raise ArgumentTypeError(
                    "a glm_nb() fit takes no family= (R's update of a glm.nb fit refuses it "
                    "too); fit another family with gf.glm(m.formula, data=m.data, family=...)")
            options.setdefault("init_theta", float(f"{model.theta:.10g}"))
            options.setdefault("link", model.family.link.name)
            fitted: GLMResult = glm_nb(formula, data, **options)
        else:
            fitted = glm(formula, data, family=model.family if family is None else family,
                         **options)
    if same_rows:
        check_rows(model, fitted.response.y.size)
    return fitted


def added_columns(model: GLMResult, candidates: list[str], data: Any, context: Any
                  ) -> tuple[np.ndarray, list[int], dict[str, list[int]]]:
    """R's ``add1`` model matrix: the model's terms plus every candidate, built once.

    Returns the matrix, the positions of the model's columns (intercept
    included) and those of each candidate.
    """
    from glmformula.fit_arguments import design_for

    formula = new_formula(model, [*model.design.term_names, *candidates])
    env = context if context is not None else model.design.context
    upper = design_for(formula, data, weights=None, offset=None, context=env,  # R's model
                       safe=model.design.safe, arguments=model.design.arguments)  # frame
    check_rows(model, upper.X.shape[0])
    lookup = {key(t): upper.term_slices[t] for t in upper.term_names}
    unknown = [t for t in [*model.design.term_names, *candidates] if key(t) not in lookup]
    if unknown:
        raise FormulaError(f"cannot find the term(s) {', '.join(unknown)} in {formula!r}")
    base = [0] if model.design.has_intercept else []
    for t in model.design.term_names:
        base += list(range(lookup[key(t)].start, lookup[key(t)].stop))
    columns = {c: list(range(lookup[key(c)].start, lookup[key(c)].stop)) for c in candidates}
    return as_dense(upper.X), sorted(base), columns
