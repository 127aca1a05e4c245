"""Sandwich (heteroskedasticity- and cluster-robust) covariances, as R's sandwich package.

``vcov_hc`` equals ``sandwich::vcovHC(m, type = ...)`` and ``vcov_cluster``
equals ``sandwich::vcovCL(m, cluster = groups)`` with its defaults for a
``glm``. Both are ``B M B / n`` with R's bread ``B`` (the unscaled
covariance times the number of observations times the dispersion) and meat
``M`` built from the estimating functions ``w_i r_i x_i / phi`` (working
weights times working residuals); the dispersion cancels.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> v = vcov_hc(m, "HC0")
>>> list(v.columns) == list(m.vcov.columns)
True
>>> round(float(v.loc["woolB", "woolB"]), 6)
0.010883
>>> robust = m.with_cov("HC3")
>>> bool(robust.std_errors["woolB"] > m.std_errors["woolB"])
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.errors import ArgumentTypeError, DataError

if TYPE_CHECKING:
    from glmformula.result import GLMResult

HC_TYPES = ("HC0", "HC1", "HC2", "HC3", "HC4", "HC4m", "HC5")
_EPS = np.finfo(float).eps


def _pieces(result: GLMResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, list[str]]:
    """X (non-aliased columns), w * r (working), bread B, dispersion and column names."""
    keep = ~np.asarray(result.fit.aliased, dtype=bool)
    X = result.model_matrix()[:, keep]
    ww = result.fit.working_weights
    wres = np.where(ww > 0, result.fit.working_residuals * ww, 0.0)
    if result.family.dispersion_free:
        phi = 1.0
    else:
        phi = float(np.sum(wres**2) / np.sum(ww))
    unscaled = result.fit.cov_unscaled[np.ix_(keep, keep)]
    bread = unscaled * (result.rank + result.df_residual) * phi
    names = [n for n, k in zip(result.column_names, keep, strict=True) if k]
    return X, wres / phi, bread, phi, names


def _sandwich(bread: np.ndarray, meat: np.ndarray, n: int, names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(bread @ meat @ bread / n, index=names, columns=names)


def vcov_hc(result: GLMResult, type: str = "HC0") -> pd.DataFrame:
    """Heteroskedasticity-consistent covariance, as ``sandwich::vcovHC(m, type = type)``.

    ``type`` is "HC0" (White), "HC1" (times ``n / (n - k)``), "HC2" (squared
    residuals divided by ``1 - h``), "HC3" (by ``(1 - h)^2``), "HC4" (by
    ``(1 - h)^d``, ``d = min(4, n h / k)``), "HC4m" (``d = min(1, n h / k) +
    min(1.5, n h / k)``) or "HC5" (by ``sqrt((1 - h)^d)``, ``d = min(n h / k,
    max(4, 0.7 n max(h) / k))``), with ``h`` the GLM hat values. Note that R's
    default type is "HC3"; here it is "HC0". Rows with zero prior weight get
    hat value 0 (sandwich 3.0 recycles the shorter ``hatvalues()`` over all
    rows there, with a warning, so its HC2-HC5 differ from these).
    """
    if type not in HC_TYPES:
        raise ArgumentTypeError(f"unknown HC type {type!r}; use one of {', '.join(HC_TYPES)}")
    X, res, bread, _, names = _pieces(result)
    n, k = X.shape
    ef = res[:, None] * X
    res = np.where(np.all(np.abs(ef) < _EPS, axis=1), 0.0, res)
    omega = res**2
    if type == "HC1":
        omega = omega * n / (n - k)
    elif type != "HC0":
        omega = _hat_adjust(omega, _hat_all_rows(result, X), type, n, k)
    root = np.sqrt(omega)[:, None] * X
    meat = root.T @ root / n
    return _sandwich(bread, meat, n, names)


def _hat_adjust(omega: np.ndarray, hat: np.ndarray, type: str, n: int, k: int) -> np.ndarray:
    """sandwich's ``meatHC`` weights for the hat-value types HC2-HC5."""
    if type == "HC2":
        return omega / (1 - hat)
    if type == "HC3":
        return omega / (1 - hat) ** 2
    ratio = n * hat / k
    if type == "HC4":
        return omega / (1 - hat) ** np.minimum(4.0, ratio)
    if type == "HC4m":
        return omega / (1 - hat) ** (np.minimum(1.0, ratio) + np.minimum(1.5, ratio))
    delta = np.minimum(ratio, max(4.0, n * 0.7 * float(np.max(hat)) / k))
    return omega / np.sqrt((1 - hat) ** delta)


def _hat_all_rows(result: GLMResult, X: np.ndarray) -> np.ndarray:
    ww = result.fit.working_weights
    q, _ = np.linalg.qr(np.sqrt(ww)[:, None] * X)
    hat = np.sum(q**2, axis=1)
    hat[hat > 1 - 10 * _EPS] = 1.0
    return hat


def cluster_codes(result: GLMResult, groups: Any) -> tuple[np.ndarray, int]:
    """Integer cluster codes for the rows used, and the number of clusters G.

    ``groups`` is a sequence with one value per row used by the fit, or a
    pandas Series indexed like the data (it is aligned on the rows used, so
    rows dropped for missing values are left out). For a categorical, G
    counts its categories (as R counts factor levels); otherwise the
    distinct values.
    """
    rows = result.design.row_index
    n = len(rows)
    if isinstance(groups, str):
        raise ArgumentTypeError("groups must be values (an array or Series), not a column name")
    if isinstance(groups, pd.Series) and not (len(groups) == n and groups.index.equals(rows)):
        if not rows.isin(groups.index).all():
            raise DataError("groups: the Series index does not contain every row used by the fit")
        groups = groups.loc[rows]
    values = pd.Series(np.asarray(groups) if not isinstance(groups, pd.Series) else groups)
    if len(values) != n:
        raise DataError(
            f"groups has {len(values)} values but the fit uses {n} rows"
            + (f" ({result.design.n_dropped} rows were dropped for missing values)"
               if result.design.n_dropped else "")
        )
    if values.isna().any():
        raise DataError("groups contains missing values")
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), len(values.cat.categories)
    codes, uniques = pd.factorize(values)
    return codes, len(uniques)


def vcov_cluster(result: GLMResult, groups: Any, type: str = "HC0") -> pd.DataFrame:
    """Cluster-robust covariance, as ``sandwich::vcovCL(m, cluster = groups)``.

    With sandwich's defaults for a ``glm``: ``type = "HC0"`` and
    ``cadjust = TRUE``, i.e. the meat ``sum_g s_g s_g' / n`` (``s_g`` the sum
    of the estimating functions of cluster g) is multiplied by the
    small-sample factor ``G / (G - 1)``, G the number of clusters.
    ``type="HC1"`` multiplies further by ``(n - 1) / (n - k)`` (as vcovCL's
    HC1). See :func:`cluster_codes` for what ``groups`` may be.
    """
    if type not in ("HC0", "HC1"):
        raise ArgumentTypeError(f"cluster type must be 'HC0' or 'HC1', got {type!r}")
    codes, g = cluster_codes(result, groups)
    X, res, bread, _, names = _pieces(result)
    n, k = X.shape
    ef = res[:, None] * X
    sums = np.zeros((g, k))
    np.add.at(sums, codes, ef)
    meat = (g / (g - 1) if g > 1 else np.nan) * (sums.T @ sums) / n
    if type == "HC1":
        meat = meat * (n - 1) / (n - k)
    return _sandwich(bread, meat, n, names)
