"""Predictions from a fitted GLM, on the link or the response scale (R's ``predict.glm``).

``newdata`` is a DataFrame or a dict of columns; a row with a missing predictor
(or offset) gets NaN, one value per row of ``newdata`` (R's ``na.pass``).

Confidence intervals for the mean are formed on the link scale, ``fit ± z * se``
with the normal quantile ``z``, and mapped to the response scale by the inverse
link (so they respect the range of the mean, e.g. (0, 1) for binomial):

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
>>> new = wb[["wool", "tension"]].drop_duplicates().head(2)
>>> m.predict(new, type="response", interval="confidence").round(3)
      fit     lwr     upr
0  40.124  36.707  43.858
9  29.097  26.309  32.180
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.design_checks import argument, as_frame
from glmformula.distributions import normal_quantile
from glmformula.errors import AliasingWarning, ArgumentTypeError

if TYPE_CHECKING:
    from glmformula.design import Design
    from glmformula.result import GLMResult


def model_rows(result: GLMResult, newdata: Any, offset: Any = None,
               with_offset: bool = True) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Model matrix, offset and row labels of the rows to predict (the fitted rows when
    ``newdata`` is None).

    As R's ``na.pass``, a missing value in newdata makes NaN the model-matrix
    columns built from that variable (and the offset, for an offset variable),
    in its row only. ``with_offset=False`` (``type="terms"``) leaves the fit's
    ``offset=`` out.
    """
    if newdata is None:
        if offset is not None:
            raise ArgumentTypeError(
                "offset= gives the offset for the rows of newdata; without newdata the "
                "predictions are those of the fitted rows, with the fit's offset"
            )
        design = result.design
        X = result.model_matrix()
        return X, result.offset, design.row_index
    frame = as_frame(newdata, "newdata")
    design = result.design
    extra = _newdata_offset(result, frame, offset) if with_offset else None
    if with_offset and extra is None and design.offset_column is not None:
        values, missing = argument(design.offset_column, "offset", frame)
        extra = None if values is None else np.where(missing, np.nan, values)
    # the offset= column is read above, the formula's offset() terms by the design
    X, formula_offset = _matrix_passing_missing(
        dataclasses.replace(design, offset_column=None), frame)
    total = np.zeros(len(frame)) if formula_offset is None else formula_offset
    return X, total if extra is None else total + extra, frame.index


def _matrix_passing_missing(design: Design, frame: pd.DataFrame
                            ) -> tuple[np.ndarray, np.ndarray | None]:
    """``design.transform(frame)``, NaN where a variable is missing (R's ``na.pass``).

    Each missing value is filled with another row's value of its column for the
    transform; then the columns that use the variable (formulaic's
    ``variable_indices``) are set to NaN in those rows.
    """
    missing = {c: mask for c in design.data_columns if c in frame.columns
               and (mask := frame[c].isna().to_numpy()).any()}
    if not missing:
        X, formula_offset, _ = design.transform(frame)
        return X, formula_offset
    if any(mask.all() for mask in missing.values()):  # nothing to fill with: all NaN
        X = np.full((len(frame), len(design.column_names)), np.nan)
        return X, np.full(len(frame), np.nan)
    filled = frame.copy(deep=False)
    for column, mask in missing.items():
        filled[column] = frame[column].where(~mask, frame[column][~mask].iloc[0])
    X, formula_offset, _ = design.transform(filled)
    X = np.array(X, dtype=float)
    formula_offset = None if formula_offset is None else np.array(formula_offset, dtype=float)
    columns = design.model_spec["rhs"].variable_indices
    offset_variables = (set(design.model_spec["offset"].variable_indices)
                        if "offset" in design.model_spec else set())
    for column, mask in missing.items():
        if column in columns:
            X[np.ix_(mask, columns[column])] = np.nan
        elif column not in offset_variables:  # not traced to columns: the whole row
            X[mask] = np.nan
        if column in offset_variables and formula_offset is not None:
            formula_offset[mask] = np.nan
    return X, formula_offset


def _newdata_offset(result: GLMResult, newdata: pd.DataFrame, offset: Any) -> np.ndarray | None:
    """The fit's ``offset=`` evaluated on newdata: the values given to predict, if any.

    As R's ``predict.glm``, the offset of newdata is the formula's ``offset()`` terms
    (evaluated on newdata by the design) plus the call's ``offset=``: a column of
    newdata when it was a column name, else the values given here.
    """
    design = result.design
    if offset is None:
        if design.offset_array:
            raise ArgumentTypeError(
                "the model was fitted with offset= given as an array, which cannot be "
                "evaluated on newdata: pass the offset for the rows of newdata, computed as "
                "for the fit, e.g. m.predict(newdata, offset=np.log(newdata[\"exposure\"])) "
                "(or fit with offset= a column name, or offset(log(exposure)) in the formula)"
            )
        return None
    if not (design.offset_array or design.offset_column is not None):
        raise ArgumentTypeError(
            "offset= replaces the offset= argument of the fit, but the model was fitted "
            "without one"
            + (" (its formula's offset() terms are evaluated on newdata)"
               if "offset" in design.model_spec else "")
            + "; refit with offset= (a column name or an array) to predict with one"
        )
    values, missing = argument(offset, "offset", newdata)
    if values is not None and missing.any():  # those rows predict NaN
        values = np.where(missing, np.nan, values)
    return values


def predict(
    result: GLMResult, newdata: pd.DataFrame | None, type: str, se_fit: bool,
    interval: str | None = None, level: float = 0.95, offset: Any = None,
) -> pd.Series | pd.DataFrame:
    """See :meth:`GLMResult.predict`."""
    if type not in ("link", "response"):
        raise ArgumentTypeError(
            f"type must be 'link', 'response' or 'terms', not {type!r}"
        )
    if interval not in (None, "none", "confidence"):
        raise ArgumentTypeError(
            f"interval must be None or 'confidence', not {interval!r} (prediction intervals "
            "for a new observation are not defined for a GLM in general)"
        )
    if interval == "none":
        interval = None
    if interval is not None and not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ArgumentTypeError(f"level must be a number between 0 and 1, not {level!r}")
    X, offset_values, index = model_rows(result, newdata, offset)
    keep = ~result.fit.aliased
    if newdata is not None and not keep.all():
        warnings.warn(
            "prediction from a rank-deficient fit may be misleading: the aliased columns "
            f"({', '.join(c for c, k in zip(result.column_names, keep, strict=True) if not k)}) "
            "are left out, as R does",
            AliasingWarning,
            stacklevel=3,
        )
    beta = result.fit.coef[keep]
    Xk = X[:, keep]
    eta = Xk @ beta + offset_values
    fit = result.family.linkinv(eta) if type == "response" else eta
    if not se_fit and interval is None:
        return pd.Series(fit, index=index, name="fit")
    cov = result.vcov.to_numpy()
    se_link = np.sqrt(np.einsum("ij,jk,ik->i", Xk, cov, Xk))
    se = se_link * np.abs(result.family.mu_eta(eta)) if type == "response" else se_link
    if interval is None:
        return pd.DataFrame({"fit": fit, "se_fit": se}, index=index)
    z = float(normal_quantile(np.asarray((1 + level) / 2)))
    lo, hi = eta - z * se_link, eta + z * se_link
    if type == "response":
        lo, hi = result.family.linkinv(lo), result.family.linkinv(hi)
        # a decreasing inverse link (e.g. Gamma's 1/mu) swaps the bounds
        lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    frame = pd.DataFrame({"fit": fit, "lwr": lo, "upr": hi}, index=index)
    if se_fit:
        frame["se_fit"] = se
    return frame
