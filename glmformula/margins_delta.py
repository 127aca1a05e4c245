"""Predictions, exact slopes and their Jacobians, and the delta-method table.

:class:`Predictor` evaluates a fitted model on rows (the model matrix from
:func:`glmformula.prediction.model_rows`, the one builder of newdata
matrices): each quantity comes with its Jacobian with respect to the
estimable coefficients, so that ``table`` gives standard errors
``sqrt(J V J')`` with the model's (or a given) covariance ``V``.

The derivative of the design with respect to a variable, ``dX/dx``, is a
Richardson-extrapolated central difference of model matrices at steps of
0.1%, 0.05% and 0.025% of ``|x|`` (exact for the linear columns; accurate to
about 1e-11 for ``log(x)``, ``poly``, splines, and to about 1e-8 where a
spline knot lies within 0.1% of ``x``), and the second derivative of the
inverse link one of ``mu_eta``.

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
>>> p = Predictor(m, None, None)
>>> value, jac = p.values(p.design(wb.head(1)), "response")
>>> round(float(value[0]), 3), jac.shape
(40.124, (1, 4))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.distributions import normal_quantile, normal_sf
from glmformula.errors import ArgumentTypeError
from glmformula.prediction import model_rows

if TYPE_CHECKING:
    from glmformula.result import GLMResult

Array = np.ndarray
#: Richardson weights of central differences at steps h, h/2, h/4 (error O(h^6))
_RICHARDSON = ((1.0, 1.0), (-20.0, 0.5), (64.0, 0.25))
TYPES = ("response", "link")
#: R marginaleffects' back-transformed type: the link scale's interval through the inverse link
INVLINK = "invlink(link)"


def covariance(m: GLMResult, vcov: Any) -> Array:
    """The covariance of the estimable coefficients: the model's (``vcov=None``, robust after
    ``m.with_cov``), a type such as "HC3" (``m.with_cov(type)``), or a matrix."""
    names = list(m.vcov.index)
    if vcov is None or vcov is True:
        return m.vcov.to_numpy()
    if isinstance(vcov, str):
        return m.with_cov(vcov).vcov.to_numpy()
    if isinstance(vcov, pd.DataFrame):
        if set(vcov.index) >= set(names) and set(vcov.columns) >= set(names):
            return vcov.loc[names, names].to_numpy(dtype=float)
        vcov = vcov.to_numpy(dtype=float)
    matrix = np.asarray(vcov, dtype=float)
    if matrix.shape != (len(names), len(names)):
        raise ArgumentTypeError(
            f"vcov must be a {len(names)} x {len(names)} covariance of the coefficients "
            f"({', '.join(names)}), a DataFrame labelled by them, or a type such as 'HC3'; "
            f"got shape {matrix.shape}"
        )
    return matrix


class Predictor:
    """A model evaluated on rows: model matrices, values and Jacobians."""

    def __init__(self, m: GLMResult, offset: Any, vcov: Any) -> None:
        self.m = m
        self.offset = offset
        self.keep = ~m.fit.aliased
        self.beta = m.fit.coef[self.keep]
        self.cov = covariance(m, vcov)

    def design(self, frame: pd.DataFrame) -> tuple[Array, Array]:
        """The estimable model-matrix columns and the offset of ``frame``'s rows."""
        offset = self.offset
        if offset is None and self.m.design.offset_array and frame is not None:
            offset = self._fit_offset(frame)
        X, off, _ = model_rows(self.m, frame, offset)
        return np.asarray(X, dtype=float)[:, self.keep], np.asarray(off, dtype=float)

    def _fit_offset(self, frame: pd.DataFrame) -> Any:
        """The fit's array offset for its own rows (``newdata=None``); else None (the error of
        model_rows asks for ``offset=``)."""
        rows = self.m.design.row_index
        if len(frame) == len(rows) and frame.index.equals(pd.Index(rows)):
            return self.m.design.offset_argument
        return None

    def values(self, design: tuple[Array, Array], type: str) -> tuple[Array, Array]:
        """Predictions on the ``type`` scale and their Jacobian (one row per row)."""
        X, off = design
        eta = X @ self.beta + off
        if type == "link":
            return eta, X
        family = self.m.family
        return family.linkinv(eta), family.mu_eta(eta)[:, None] * X

    def slope(self, frame: pd.DataFrame, name: str, type: str) -> tuple[Array, Array]:
        """d(prediction)/d(name) at each row, exact up to the design's derivative, and its
        Jacobian ``mu_eta'(eta) (dX b + doff) X + mu_eta(eta) dX``."""
        X, off = self.design(frame)
        dX, doff = self._design_derivative(frame, name)
        eta = X @ self.beta + off
        deta = dX @ self.beta + doff
        if type == "link":
            return deta, dX
        family = self.m.family
        first = family.mu_eta(eta)
        second = _richardson(family.mu_eta, eta, 1e-3 * np.maximum(np.abs(eta), 1e-2))
        return first * deta, (second * deta)[:, None] * X + first[:, None] * dX

    def _design_derivative(self, frame: pd.DataFrame, name: str) -> tuple[Array, Array]:
        x = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
        scale = float(np.nanmax(np.abs(x))) if np.any(np.isfinite(x) & (x != 0)) else 1.0
        h = 1e-3 * np.where(x != 0, np.abs(x), scale)
        dX = doff = None
        for weight, fraction in _RICHARDSON:
            step = h * fraction
            up = self.design(_shifted(frame, name, x + step))
            down = self.design(_shifted(frame, name, x - step))
            dX_k = (up[0] - down[0]) / (2 * step)[:, None]
            doff_k = (up[1] - down[1]) / (2 * step)
            dX = weight * dX_k if dX is None else dX + weight * dX_k
            doff = weight * doff_k if doff is None else doff + weight * doff_k
        assert dX is not None and doff is not None
        return dX / 45.0, doff / 45.0


def _shifted(frame: pd.DataFrame, name: str, values: Array) -> pd.DataFrame:
    out = frame.copy(deep=False)
    out[name] = values
    return out


def _richardson(f: Any, x: Array, h: Array) -> Array:
    """f'(x) by Richardson-extrapolated central differences at steps h, h/2, h/4."""
    total = np.zeros_like(x)
    for weight, fraction in _RICHARDSON:
        step = h * fraction
        total += weight * (f(x + step) - f(x - step)) / (2 * step)
    return total / 45.0


def check_level(conf_level: object) -> None:
    """conf_level is a number between 0 and 1."""
    if not (isinstance(conf_level, float | int) and not isinstance(conf_level, bool)
            and 0 < conf_level < 1):
        raise ArgumentTypeError(f"conf_level must be a number between 0 and 1, not "
                                f"{conf_level!r}")


def table(estimate: Array, jac: Array, cov: Array, conf_level: float) -> pd.DataFrame:
    """marginaleffects' columns: estimate, std_error, statistic (z), p_value, conf_low,
    conf_high (``conf_level`` normal intervals)."""
    check_level(conf_level)
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", jac, cov, jac), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = estimate / se
    q = float(normal_quantile(np.asarray((1 + conf_level) / 2)))
    return pd.DataFrame({
        "estimate": estimate, "std_error": se, "statistic": z,
        "p_value": 2 * normal_sf(np.abs(z)),
        "conf_low": estimate - q * se, "conf_high": estimate + q * se,
    })


def back_transformed(table: pd.DataFrame, family: Any) -> pd.DataFrame:
    """A link-scale ``predictions`` table mapped by the inverse link (``type="invlink(link)"``):
    estimate and interval transformed, the link scale's ``std_error`` and ``statistic``
    dropped; an identity link's table is returned as it is."""
    if family.link.name == "identity":
        return table
    inverse = family.linkinv
    lo = inverse(table["conf_low"].to_numpy(dtype=float))
    hi = inverse(table["conf_high"].to_numpy(dtype=float))
    out = table.drop(columns=["std_error", "statistic"])
    out["estimate"] = inverse(out["estimate"].to_numpy(dtype=float))
    # a decreasing inverse link (Gamma's 1/mu) swaps the bounds
    out["conf_low"], out["conf_high"] = np.minimum(lo, hi), np.maximum(lo, hi)
    return out


def check_type(type: str) -> None:
    """type is "response" or "link"."""
    if type not in TYPES:
        raise ArgumentTypeError(f"type must be 'response' or 'link', not {type!r}")
