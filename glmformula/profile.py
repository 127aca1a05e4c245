"""Profile-likelihood confidence intervals, as R's ``confint.glm``.

R 4.2 takes them from ``MASS:::profile.glm`` and ``MASS:::confint.profile.glm``
(R 4.4 moved the same code into stats). Each coefficient is profiled by
refitting the model with that coefficient fixed (its column times the fixed
value joins the offset) on a grid of ``del * std_error`` steps, ``del =
zmax / 5``, at most ``maxsteps - 1`` steps each side, until the signed root
deviance ``z = sign(b - b_hat) * sqrt((dev(b) - dev_hat) / dispersion)``
passes ``zmax``. ``zmax = sqrt(qchisq(1 - alpha, 1))`` for the binomial and
poisson families and ``sqrt(qf(1 - alpha, 1, n - p))`` for the others, with
``alpha = (1 - level) / 4``. The interval ends are then read off
``spline(x = beta, y = z)`` (R's "fmm" cubic spline on ``3 * k`` points)
with ``approx()`` at ``qnorm((1 - level) / 2)`` and ``qnorm((1 + level) / 2)``.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> ci = profile_confint(m)
>>> list(ci.columns)
['2.5 %', '97.5 %']
>>> ci.loc["woolB"].round(4).tolist()
[-0.3073, -0.1051]
>>> spline_fmm([0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 8.0, 27.0], [1.5])[1].tolist()
[3.375]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from glmformula.distributions import normal_quantile
from glmformula.errors import ArgumentTypeError, FitError
from glmformula.irls import fit

if TYPE_CHECKING:
    from glmformula.result import GLMResult


def _regularize(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R's ``regularize.values(x, y, ties = mean)``: sort by x, average y over tied x."""
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    ux, inverse = np.unique(x, return_inverse=True)
    if len(ux) < len(x):
        sums = np.bincount(inverse, weights=y)
        counts = np.bincount(inverse)
        y = sums / counts
        x = ux
    return x, y


def _fmm_coef(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients b, c, d of R's ``fmm_spline`` (Forsythe, Malcolm & Moler)."""
    n = len(x)
    b = np.zeros(n)
    c = np.zeros(n)
    d = np.zeros(n)
    if n < 2:
        raise FitError("spline needs at least two distinct points")
    if n < 3:
        b[0] = b[1] = (y[1] - y[0]) / (x[1] - x[0])
        return b, c, d
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, n - 1):
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0] = -d[0]
    b[n - 1] = -d[n - 2]
    c[0] = c[n - 1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[n - 1] = c[n - 2] / (x[n - 1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[n - 1] = -c[n - 1] * d[n - 2] * d[n - 2] / (x[n - 1] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[n - 1] = c[n - 1] / b[n - 1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[n - 1] = (y[n - 1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[n - 1])
    for i in range(n - 1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[n - 1] = 3.0 * c[n - 1]
    d[n - 1] = d[n - 2]
    return b, c, d


def spline_fmm(
    x: ArrayLike, y: ArrayLike, xout: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """R's ``spline(x, y)`` with the default ``method = "fmm"`` and ``n = 3 * length(x)``.

    Returns ``(xout, values)``; without ``xout``, ``3 * len(x)`` equally
    spaced points from ``min(x)`` to ``max(x)``.

    >>> xs, ys = spline_fmm([1.0, 2.0, 3.0], [1.0, 4.0, 9.0])
    >>> len(xs), float(ys[-1])
    (9, 9.0)
    """
    x_arr = np.asarray(x, dtype=float)
    y_arr = np.asarray(y, dtype=float)
    n_out = 3 * len(x_arr)
    xs, ys = _regularize(x_arr, y_arr)
    if xout is None:
        out = np.linspace(xs[0], xs[-1], n_out) if n_out > 1 else xs[:1].copy()
    else:
        out = np.asarray(xout, dtype=float)
    b, c, d = _fmm_coef(xs, ys)
    idx = np.clip(np.searchsorted(xs, out, side="right") - 1, 0, len(xs) - 1)
    dx = out - xs[idx]
    values = ys[idx] + dx * (b[idx] + dx * (c[idx] + dx * d[idx]))
    return out, values


def _approx(x: np.ndarray, y: np.ndarray, xout: np.ndarray) -> np.ndarray:
    """R's ``approx(x, y, xout)`` (linear, ``rule = 1``: NaN outside the range)."""
    xs, ys = _regularize(x, y)
    if len(xs) == 0:
        return np.full(len(xout), np.nan)
    values = np.interp(xout, xs, ys)
    values[(xout < xs[0]) | (xout > xs[-1])] = np.nan
    return values


def percent_names(probs: Sequence[float]) -> list[str]:
    """``paste(round(100 * a, 1), "%")`` as ``confint.profile.glm`` names its columns.

    >>> percent_names([0.05, 0.95])
    ['5 %', '95 %']
    """
    return [f"{round(100 * float(p), 1):.15g} %" for p in probs]


def profile_glm(
    model: GLMResult, alpha: float = 0.01, maxsteps: int = 10,
    which: Sequence[str] | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """MASS's ``profile.glm``: per coefficient, the sorted ``(z, beta)`` profile.

    Aliased coefficients are left out, and those not in ``which`` (coefficient
    names; None: all). ``z`` is the signed root of the deviance increase over
    the dispersion ("z" or "tau" in R).
    """
    from scipy.stats import chi2, f  # imported when needed: it takes most of a second

    names = list(model.column_names)
    b0 = model.fit.coef
    non_aliased = ~model.fit.aliased
    p = len(names)
    X = model.model_matrix()
    y = model.response.y
    weights = model.response.weights
    offset = np.asarray(model.offset, dtype=float)
    n = X.shape[0]
    family = model.family
    dispersion = float(model.dispersion)
    std_err = np.full(p, np.nan)
    std_err[non_aliased] = np.sqrt(
        dispersion * np.diag(model.fit.cov_unscaled)[non_aliased]
    )
    dev0 = float(model.fit.deviance)
    if family.unit_dispersion:  # profile.glm: z for binomial and poisson, else F
        zmax = float(np.sqrt(chi2.ppf(1 - alpha, 1)))
    else:
        zmax = float(np.sqrt(f.ppf(1 - alpha, 1, n - p)))
    delta = zmax / 5
    lp0 = X[:, non_aliased] @ b0[non_aliased] + offset
    profiles: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for i, name in enumerate(names):
        if not non_aliased[i] or (which is not None and name not in which):
            continue
        keep = non_aliased.copy()
        keep[i] = False
        Xi = X[:, keep]
        zs = [0.0]
        betas = [float(b0[i])]
        for sgn in (-1.0, 1.0):
            step = 0
            z = 0.0
            lp = lp0
            while (step := step + 1) < maxsteps and abs(z) < zmax:
                bi = b0[i] + sgn * step * delta * std_err[i]
                o = offset + X[:, i] * bi
                fm = fit(Xi, y, weights, o, family, mustart=model.response.mustart,
                         etastart=lp, control=model.control)
                lp = fm.eta
                zz = (fm.deviance - dev0) / dispersion
                if zz > -0.001:
                    zz = max(zz, 0.0)
                else:
                    raise FitError(
                        "profiling has found a better solution, so original fit had not "
                        "converged"
                    )
                z = sgn * float(np.sqrt(zz))
                zs.append(z)
                betas.append(float(bi))
        order = np.argsort(np.asarray(zs), kind="stable")
        profiles[name] = (np.asarray(zs)[order], np.asarray(betas)[order])
    return profiles


def profile_confint(model: GLMResult, level: float = 0.95,
                    which: Sequence[str] | None = None) -> pd.DataFrame:
    """R's ``confint(m)`` for a glm (``MASS:::confint.glm``): profile-likelihood intervals.

    Rows for the coefficients named in ``which`` (None: all), in that order.
    Aliased coefficients get NaN rows; an end the profile does not reach is NaN.
    """
    if not (isinstance(level, int | float) and 0 < level < 1):
        raise ArgumentTypeError(f"level must be a number between 0 and 1, got {level!r}")
    a = (1 - level) / 2
    probs = [a, 1 - a]
    cutoff = normal_quantile(np.array(probs))
    profiles = profile_glm(model, alpha=(1 - level) / 4, which=which)
    names = list(model.column_names) if which is None else list(which)
    values = np.full((len(names), 2), np.nan)
    for row, name in enumerate(names):
        if name not in profiles:
            continue
        zs, betas = profiles[name]
        sp_x, sp_y = spline_fmm(betas, zs)
        values[row] = _approx(sp_y, sp_x, cutoff)
    return pd.DataFrame(values, index=names, columns=percent_names(probs))
