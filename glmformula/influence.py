"""Regression diagnostics for a fitted GLM, as R's ``influence.measures``.

Everything is computed from the weighted model matrix ``sqrt(W) X`` of the
last IRLS iteration (non-aliased columns, rows with a non-zero prior
weight), as R's ``lm.influence`` does with the QR that ``glm.fit`` keeps:

* ``hat``: diagonal of the hat matrix (R's ``hatvalues``);
* ``cooks_d``: ``(r_P / (1 - h))^2 h / (phi p)`` with Pearson residuals
  ``r_P``, dispersion ``phi`` and rank ``p`` (``cooks.distance``);
* ``rstandard_deviance``, ``rstandard_pearson``: ``r / sqrt(phi (1 - h))``
  (``rstandard(type = "deviance" / "pearson")``);
* ``rstudent``: ``sign(r_D) sqrt(r_D^2 + h r_P^2 / (1 - h))``, divided by
  the leave-one-out sigma except for the binomial and poisson families
  (``rstudent.glm``);
* ``dfb_<coefficient>``: R's ``dfbetas``. As in R, the leave-one-out
  coefficient changes are one-step approximations built from the
  *deviance* residuals, scaled by the leave-one-out sigma (also computed
  from deviance residuals).

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> infl = m.influence()
>>> list(infl.columns)[:5]
['hat', 'cooks_d', 'rstandard_deviance', 'rstandard_pearson', 'rstudent']
>>> round(float(infl["hat"].sum()), 10)   # the trace of the hat matrix is the rank
4.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from glmformula.result import GLMResult

_EPS = np.finfo(float).eps


def weighted_qr(result: GLMResult, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Thin QR (Q, R) of ``sqrt(W) X`` on the given rows and the non-aliased columns."""
    keep = ~np.asarray(result.fit.aliased, dtype=bool)
    X = result.model_matrix()[np.ix_(rows, keep)]
    sw = np.sqrt(result.fit.working_weights[rows])
    q, r = np.linalg.qr(sw[:, None] * X)
    return q, r


@dataclass(frozen=True)
class LeaveOneOut:
    """What R's ``lm.influence`` gives for a glm, on the rows with non-zero prior weight."""

    rows: np.ndarray  # bool, over the fitted rows
    hat: np.ndarray
    deviance: np.ndarray  # deviance residuals (those below rounding noise set to 0)
    pearson: np.ndarray
    sigma: np.ndarray  # leave-one-out sigma from the deviance residuals
    coef_change: np.ndarray  # n x k one-step coefficient changes (R's dfbeta)
    xxi_diag: np.ndarray  # diagonal of (X'WX)^-1 over the non-aliased columns


def leave_one_out(result: GLMResult) -> LeaveOneOut:
    """R's ``lm.influence(model)`` of a glm (the weighted QR of the last iteration)."""
    rows = result.response.weights != 0
    q, r = weighted_qr(result, rows)
    n, k = q.shape
    hat = np.sum(q**2, axis=1)
    hat[hat > 1 - 10 * _EPS] = 1.0

    dev = result.rows.unpad(result.residuals("deviance")).to_numpy()[rows].copy()
    med = np.median(np.abs(dev)) if dev.size else 0.0
    dev[np.abs(dev) < 100 * _EPS * med] = 0.0
    pear = result.rows.unpad(result.residuals("pearson")).to_numpy()[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        one_minus = 1.0 - hat
        total = np.sum(dev**2)
        loo = np.where(hat < 1, total - dev**2 / one_minus, total)
        sigma = np.sqrt(loo / (n - k - 1))
        # R: t(backsolve(R, t(Q))) * e / (1 - h)
        inv_r_qt = np.linalg.solve(r, q.T).T  # n x k
        scale = np.where(hat == 1, 0.0, dev / one_minus)
        coef_change = inv_r_qt * scale[:, None]
    r_inv = np.linalg.inv(r)
    return LeaveOneOut(rows, hat, dev, pear, sigma, coef_change, np.sum(r_inv**2, axis=1))


def influence_measures(result: GLMResult) -> pd.DataFrame:
    """The diagnostics DataFrame of :meth:`GLMResult.influence`."""
    loo = leave_one_out(result)
    rows, hat, dev, pear, sigma = loo.rows, loo.hat, loo.deviance, loo.pearson, loo.sigma
    phi = result.dispersion
    p = result.rank

    with np.errstate(divide="ignore", invalid="ignore"):
        one_minus = 1.0 - hat
        cooks = (pear / one_minus) ** 2 * hat / (phi * p)
        std_dev = _inf_to_nan(dev / np.sqrt(phi * one_minus))
        std_pear = _inf_to_nan(pear / np.sqrt(phi * one_minus))
        stud = _inf_to_nan(np.sign(dev) * np.sqrt(dev**2 + hat * pear**2 / one_minus))
        if not result.family.unit_dispersion:  # rstudent.glm: not binomial or poisson
            stud = stud / sigma
        # R: dfbeta / outer(sigma, sqrt(diag(xxi)))
        dfbetas = loo.coef_change / np.outer(sigma, np.sqrt(loo.xxi_diag))

    names = [name for name, a in zip(result.column_names, result.fit.aliased, strict=True)
             if not a]
    columns: dict[str, np.ndarray] = {
        "hat": hat,
        "cooks_d": cooks,
        "rstandard_deviance": std_dev,
        "rstandard_pearson": std_pear,
        "rstudent": stud,
    }
    for j, name in enumerate(names):
        columns[f"dfb_{name}"] = dfbetas[:, j]
    return pd.DataFrame(columns, index=result.design.row_index[rows])


def influence_table(result: GLMResult) -> pd.DataFrame:
    """:func:`influence_measures` over the data's rows for na_action="exclude": NaN for
    the rows left out, but a leverage (hat) of 0, as R's ``lm.influence`` pads them."""
    table = influence_measures(result)
    padded = result.rows.pad(table)
    if len(padded) != len(table):
        padded["hat"] = padded["hat"].fillna(0.0)
    return padded


def _inf_to_nan(values: np.ndarray) -> np.ndarray:
    return np.where(np.isinf(values), np.nan, values)
