"""Predictions from a fitted GLM, on the link or the response scale (R's ``predict.glm``)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from glmformula.errors import AliasingWarning, ArgumentTypeError

if TYPE_CHECKING:
    from glmformula.result import GLMResult


def _model_rows(result: GLMResult, newdata: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray,
                                                                          pd.Index]:
    if newdata is None:
        design = result.design
        X = design.X if isinstance(design.X, np.ndarray) else design.X.dense()
        return X, result.offset, design.row_index
    if not isinstance(newdata, pd.DataFrame):
        raise ArgumentTypeError(
            f"newdata must be a pandas DataFrame, not {type(newdata).__name__}"
        )
    X, offset, index = result.design.transform(newdata)
    if offset is None:
        offset = np.zeros(X.shape[0])
    return X, offset, index


def predict(
    result: GLMResult, newdata: pd.DataFrame | None, type: str, se_fit: bool  # noqa: A002
) -> pd.Series | pd.DataFrame:
    """See :meth:`GLMResult.predict`."""
    if type not in ("link", "response"):
        raise ArgumentTypeError(f"type must be 'link' or 'response', not {type!r}")
    X, offset, index = _model_rows(result, newdata)
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
    eta = Xk @ beta + offset
    fit = result.family.linkinv(eta) if type == "response" else eta
    if not se_fit:
        return pd.Series(fit, index=index, name="fit")
    cov = result.vcov.to_numpy()
    se = np.sqrt(np.einsum("ij,jk,ik->i", Xk, cov, Xk))
    if type == "response":
        se = se * np.abs(result.family.mu_eta(eta))
    return pd.DataFrame({"fit": fit, "se_fit": se}, index=index)
