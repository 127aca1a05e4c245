"""Term-wise predictions (R's ``predict(m, type = "terms")``) and partial residuals.

Each column is one term's contribution ``X_term b_term``, its model-matrix
columns centred at their means over the fitted rows when the model has an
intercept (``predict.lm``); the prediction at those means is
``.attrs["constant"]``, so a row's columns plus the constant give its linear
predictor without the offset. Aliased columns contribute nothing.

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
>>> terms = m.predict(wb.head(2), type="terms")
>>> terms.round(4).values.tolist(), round(terms.attrs["constant"], 4)
([[0.103, 0.2799], [0.103, 0.2799]], 3.309)
>>> eta = terms.sum(axis=1) + terms.attrs["constant"]
>>> bool(abs(eta - m.predict(wb.head(2))).max() < 1e-12)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.errors import ArgumentTypeError
from glmformula.rows import needs_rows

if TYPE_CHECKING:
    from glmformula.result import GLMResult


def _selected_terms(model: GLMResult, terms: Sequence[str] | None) -> list[str]:
    names = list(model.design.term_slices)
    if terms is None:
        return names
    chosen = [terms] if isinstance(terms, str) else list(terms)
    unknown = [t for t in chosen if t not in names]
    if unknown:
        raise ArgumentTypeError(
            f"terms names {', '.join(repr(t) for t in unknown)}, not a term of the model; "
            f"its terms are {', '.join(names)}"
        )
    return chosen


def predict_terms(model: GLMResult, newdata: Any = None, se_fit: bool = False,
                  terms: Sequence[str] | None = None, interval: str | None = None
                  ) -> pd.DataFrame:
    """R's ``predict(m, newdata, type = "terms", se.fit, terms)`` for a glm.

    A DataFrame with a column per term (``terms`` picks some, by label) and one
    row per row of ``newdata`` (NaN where a predictor is missing), or per
    fitted row. With ``se_fit=True`` the columns have two levels, ``"fit"`` and
    ``"se_fit"`` (``pred["fit"]``, ``pred["se_fit"]``, as R's list). The
    constant is in ``.attrs["constant"]`` (0 without an intercept). The
    offset is not part of any term.
    """
    from glmformula.prediction import model_rows

    if interval not in (None, "none"):
        raise ArgumentTypeError('interval= is not available with type="terms" (as in R)')
    if not model.rows.in_memory:
        raise needs_rows('predict(type="terms")', "needs the column means of every row")
    chosen = _selected_terms(model, terms)
    fitted_X = model.model_matrix()
    if newdata is None:
        X, index = fitted_X, model.design.row_index
    else:
        X, _, index = model_rows(model, newdata, with_offset=False)
    keep = ~model.fit.aliased
    beta = np.where(keep, model.fit.coef, 0.0)
    if model.design.has_intercept:
        means = fitted_X.mean(axis=0)
        constant = float(means[keep] @ beta[keep])
        X = X - means
    else:
        constant = 0.0
    vcov = model.vcov
    fit, se = {}, {}
    for term in chosen:
        columns = [j for j in range(*model.design.term_slices[term].indices(X.shape[1]))
                   if keep[j]]
        if not columns:  # every column aliased: R's 0
            fit[term] = se[term] = np.zeros(X.shape[0])
            continue
        Xt = X[:, columns]
        fit[term] = Xt @ beta[columns]
        if se_fit:
            names = [model.column_names[j] for j in columns]
            V = vcov.loc[names, names].to_numpy()
            se[term] = np.sqrt(np.einsum("ij,jk,ik->i", Xt, V, Xt))
    frame = pd.DataFrame(fit, index=index, columns=chosen)
    if se_fit:
        frame = pd.concat({"fit": frame, "se_fit": pd.DataFrame(se, index=index,
                                                                 columns=chosen)}, axis=1)
    if newdata is None:  # na_action="exclude": NaN rows where the fit dropped one (napredict)
        frame = model.rows.pad(frame)
    frame.attrs["constant"] = constant
    return frame


def partial_residuals(model: GLMResult) -> pd.DataFrame:
    """R's ``residuals(m, type = "partial")``: working residuals plus the term predictions.

    One column per term, one row per fitted row (per row of the data for
    ``na_action="exclude"``, NaN where dropped); ``.attrs["constant"]`` as in
    :func:`predict_terms`.

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
    ...            family="poisson")
    >>> m.residuals("partial").head(2).round(4).values.tolist()
    [[-0.249, -0.0721], [-0.1493, 0.0276]]
    """
    if not model.rows.in_memory:
        raise needs_rows('residuals(type="partial")', "needs the column means of every row")
    terms = predict_terms(model)
    partial = terms.add(model.residuals("working"), axis=0)  # both over the same rows
    partial.attrs["constant"] = terms.attrs["constant"]
    return partial
