"""Multiplicity adjustments of R's emmeans: adjusted p-values and critical values.

``tukey`` uses the studentized range distribution, ``scheffe`` the F
distribution with the rank of the linear functions, ``dunnettx`` emmeans'
approximation to Dunnett's distribution (a weighted mean of the Tukey and
Sidak probabilities), ``sidak`` ``1 - (1 - p)^n``; ``holm``, ``hochberg``,
``bonferroni``, ``BH``/``fdr`` and ``BY`` are R's ``p.adjust``.

>>> [round(p, 4) for p in p_adjust([0.01, 0.04, 0.03], "holm")]
[0.03, 0.06, 0.06]
>>> round(float(pdunnx(2.0, 3, math.inf)[0]), 6)  # R: emmeans:::.pdunnx(2, 3, Inf)
0.88175
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from glmformula.errors import ArgumentTypeError, GLMWarning

P_ADJUST = ("holm", "hochberg", "bonferroni", "BH", "BY", "fdr", "none")
ADJUSTMENTS = ("tukey", "scheffe", "sidak", "dunnettx", *P_ADJUST)


def check_adjust(adjust: str) -> str:
    """R's spelling of an adjustment (lower case, ``BH``/``BY`` upper), or an error."""
    if not isinstance(adjust, str):
        raise ArgumentTypeError(f"adjust must be a string such as 'tukey', not {adjust!r}")
    name = adjust.lower()
    if name in ("bh", "by"):
        name = name.upper()
    if name not in ADJUSTMENTS:
        raise ArgumentTypeError(
            f"unknown adjust {adjust!r}; use one of {', '.join(repr(a) for a in ADJUSTMENTS)}"
        )
    return name


def _pt_upper(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    """P(T > t), the normal distribution where df is infinite."""
    out = np.asarray(stats.norm.sf(t), dtype=float)
    finite = np.isfinite(df)
    if finite.any():
        out[finite] = stats.t.sf(t[finite], df[finite])
    return out


def _qt(p: float, df: float) -> float:
    return float(stats.norm.ppf(p) if math.isinf(df) else stats.t.ppf(p, df))


def ptukey_upper(q: np.ndarray, nmeans: float, df: np.ndarray) -> np.ndarray:
    """R's ``ptukey(q, nmeans, df, lower.tail = FALSE)``."""
    q = np.asarray(q, dtype=float)
    df = np.broadcast_to(np.asarray(df, dtype=float), q.shape)
    return np.asarray(stats.studentized_range.sf(q, nmeans, df), dtype=float)


def qtukey(p: float, nmeans: float, df: float) -> float:
    """R's ``qtukey(p, nmeans, df)``."""
    return float(stats.studentized_range.ppf(p, nmeans, df))


def _pf_upper(x: np.ndarray, rank: int, df: np.ndarray) -> np.ndarray:
    """R's ``pf(x, rank, df, lower.tail = FALSE)``; chi-squared / rank where df is
    infinite."""
    out = np.asarray(stats.chi2.sf(x * rank, rank), dtype=float)
    finite = np.isfinite(df)
    if finite.any():
        out[finite] = stats.f.sf(x[finite], rank, df[finite])
    return out


def _pf1(x: np.ndarray, df: np.ndarray) -> np.ndarray:
    """R's ``pf(x, 1, df)``; chi-squared with 1 df where df is infinite."""
    out = np.asarray(stats.chi2.cdf(x, 1), dtype=float)
    finite = np.isfinite(df)
    if finite.any():
        out[finite] = stats.f.cdf(x[finite], 1, df[finite])
    return out


def pdunnx(x: float | np.ndarray, k: float, df: float | np.ndarray) -> np.ndarray:
    """emmeans' ``.pdunnx``: an approximation to Dunnett's CDF for ``k`` comparisons.

    The Tukey probability for ``(1 + sqrt(1 + 8k)) / 2`` means at ``sqrt(2) x`` and the
    Sidak probability ``F(x^2; 1, df)^k``, weighted ``(k - 1) / k`` and ``1 / k``.
    """
    xv = np.atleast_1d(np.asarray(x, dtype=float))
    dfv = np.broadcast_to(np.asarray(df, dtype=float), xv.shape)
    weight = (k - 1) / k
    nmeans = (1 + math.sqrt(1 + 8 * k)) / 2
    tukey = 1.0 - ptukey_upper(math.sqrt(2) * xv, nmeans, dfv)
    sidak = _pf1(xv**2, dfv) ** k
    return np.asarray(weight * tukey + (1 - weight) * sidak, dtype=float)


def zeroin(f: Callable[[float], float], lower: float, upper: float, f_lower: float,
           f_upper: float, tol: float, maxiter: int = 1000) -> float:
    """Brent's root finder as R's ``uniroot`` runs it (the same steps, so the same root
    for a coarse ``tol``): inverse quadratic or linear interpolation, else bisection."""
    a, b, fa, fb = lower, upper, f_lower, f_upper
    c, fc = a, fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    eps = np.finfo(float).eps
    for _ in range(maxiter + 1):
        previous = b - a
        if abs(fc) < abs(fb):  # b is the best approximation so far
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * eps * abs(b) + tol / 2
        step = (c - b) / 2
        if abs(step) <= tol_act or fb == 0.0:
            return b
        if abs(previous) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:  # two points: secant
                t1 = fb / fa
                p, q = cb * t1, 1.0 - t1
            else:  # three points: inverse quadratic interpolation
                q, t1, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < 0.75 * cb * q - abs(tol_act * q) / 2 and p < abs(previous * q / 2):
                step = p / q
        if abs(step) < tol_act:
            step = tol_act if step > 0 else -tol_act
        a, fa = b, fb
        b += step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b


def qdunnx(level: float, k: float, df: float) -> float:
    """emmeans' ``.qdunnx``: the root of ``pdunnx(x) = level`` between the Tukey and
    Sidak quantiles, found as R's ``uniroot(tol = 5e-4)`` finds it."""
    if k < 1.005:
        return _qt(1 - 0.5 * (1 - level), df)
    xtuk = qtukey(level, (1 + math.sqrt(1 + 8 * k)) / 2, df) / math.sqrt(2)
    xsid = math.sqrt(float(stats.chi2.ppf(level ** (1 / k), 1) if math.isinf(df)
                           else stats.f.ppf(level ** (1 / k), 1, df)))
    if abs(xtuk - xsid) < 5e-4:
        return xtuk

    def fcn(x: float) -> float:
        return float(pdunnx(x, k, df)[0]) - level

    f_lower, f_upper = fcn(xtuk), fcn(xsid)
    if not xtuk < xsid or f_lower * f_upper > 0:
        warnings.warn("Root-finding failed; using qtukey approximation for Dunnett quantile",
                      GLMWarning, stacklevel=4)
        return xtuk
    return zeroin(fcn, xtuk, xsid, f_lower, f_upper, 5e-4)


def p_adjust(p: Sequence[float], method: str, n: int | None = None) -> list[float]:
    """R's ``p.adjust(p, method, n)`` for holm, hochberg, bonferroni, BH, BY, fdr, none."""
    given = np.asarray(p, dtype=float)
    present = ~np.isnan(given)  # R adjusts the p-values that are not NA, with n
    pv = given[present]
    n = len(pv) if n is None else n
    result = given.copy()
    result[present] = _p_adjust(pv, method, n)
    return result.tolist()


def _p_adjust(pv: np.ndarray, method: str, n: int) -> np.ndarray:
    if method == "none" or n <= 1 or len(pv) == 0:
        return pv
    if method == "bonferroni":
        return np.minimum(1.0, n * pv)
    i = np.arange(1, len(pv) + 1, dtype=float)
    factor: np.ndarray
    if method == "holm":
        order = np.argsort(pv, kind="stable")
        adjusted = np.minimum(1.0, np.maximum.accumulate((n - i + 1) * pv[order]))
    else:
        i = i[::-1]
        order = np.argsort(-pv, kind="stable")
        if method == "hochberg":
            factor = n + 1 - i
        elif method in ("BH", "fdr"):
            factor = n / i
        else:  # BY
            factor = np.sum(1.0 / np.arange(1, n + 1)) * n / i
        adjusted = np.minimum(1.0, np.minimum.accumulate(factor * pv[order]))
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


@dataclass(frozen=True)
class Family:
    """emmeans' ``fam.info``: the family size (levels compared), the number of
    estimates per ``by`` group and the kind of estimates (1 prediction, 2 contrast,
    3 pairwise comparisons)."""

    size: int
    n_contrasts: int
    kind: int
    rank: int = 1  # scheffe: the rank of the first by group's linear functions


def _family_adjust(adjust: str, family: Family) -> str:
    if family.n_contrasts == 1 and adjust != "scheffe":
        adjust = "none"
    if family.kind != 3 and adjust == "tukey":
        warnings.warn('adjust = "tukey" was changed to "sidak" because "tukey" is only '
                      "appropriate for one set of pairwise comparisons", GLMWarning,
                      stacklevel=5)
        adjust = "sidak"
    return adjust


def _size(size: float) -> str:
    return str(int(size)) if float(size).is_integer() else f"{size:.15g}"


def _message(adjust: str, size: float, n: int, what: str, prefix: str,
             rank: int = 1) -> str | None:
    """emmeans' footer naming the adjustment; none for 'none', nor for tukey or scheffe
    when fewer than 3 estimates are compared."""
    check = {"none": 1, "tukey": 2, "scheffe": 3}.get(adjust, 99)
    if check <= 1 or (size < 3 and check < 10):
        return None
    extra = (f"for comparing a family of {_size(size)} estimates" if adjust == "tukey"
             else f"with rank {rank}" if adjust == "scheffe" else f"for {n} {what}")
    return f"{prefix}: {adjust} method {extra}"


def adjusted_pvalues(t: np.ndarray, df: np.ndarray, adjust: str, fam: Family,
                     by_rows: list[np.ndarray]) -> tuple[np.ndarray, str | None]:
    """emmeans' ``.adj.p.value`` for two-sided tests: p-values and the footer line."""
    adjust = _family_adjust(adjust, fam)
    ragged = adjust in P_ADJUST
    groups = by_rows if ragged else [np.arange(len(t))]
    dfv = np.where(np.isnan(df), np.inf, df)
    unadjusted = 2 * _pt_upper(np.abs(t), dfv)
    pval = np.zeros(len(t))
    n_contr = fam.n_contrasts
    for rows in groups:
        p = unadjusted[rows]
        if ragged:
            n_contr = len(rows)
            pval[rows] = p_adjust(p.tolist(), adjust, n_contr)
        elif adjust == "sidak":
            pval[rows] = 1 - (1 - p) ** n_contr
        elif adjust == "scheffe":
            pval[rows] = _pf_upper(t[rows] ** 2 / fam.rank, fam.rank, dfv[rows])
        elif adjust == "tukey":
            pval[rows] = ptukey_upper(math.sqrt(2) * np.abs(t[rows]), fam.size, dfv[rows])
        else:  # dunnettx
            pval[rows] = 1 - pdunnx(np.abs(t[rows]), n_contr, dfv[rows])
    if ragged:
        size = (1 + math.sqrt(1 + 8 * max(len(r) for r in by_rows))) / 2
    else:
        size = fam.size
    return pval, _message(adjust, size, n_contr, "tests", "P value adjustment", fam.rank)


def critical_values(level: float, df: np.ndarray, adjust: str, fam: Family,
                    ) -> tuple[np.ndarray, str | None]:
    """emmeans' ``.adj.critval`` for two-sided intervals: multipliers of the SE and the
    footer line. Adjustments other than sidak, tukey, dunnettx and none are Bonferroni
    (as emmeans does for intervals)."""
    adjust = "none" if fam.n_contrasts == 1 and adjust != "scheffe" else adjust
    if adjust not in ("sidak", "tukey", "scheffe", "dunnettx", "bonferroni", "none"):
        adjust = "bonferroni"
    adjust = _family_adjust(adjust, fam)
    n = fam.n_contrasts
    dfv = np.where(np.isnan(df), np.inf, df)
    cv = np.empty(len(dfv))
    cache: dict[float, float] = {}
    for i, d in enumerate(dfv):
        if d in cache:
            cv[i] = cache[d]
            continue
        if adjust == "none":
            cv[i] = -_qt((1 - level) / 2, d)
        elif adjust == "sidak":
            cv[i] = -_qt((1 - level ** (1 / n)) / 2, d)
        elif adjust == "bonferroni":
            cv[i] = -_qt((1 - level) / n / 2, d)
        elif adjust == "tukey":
            cv[i] = qtukey(level, fam.size, d) / math.sqrt(2)
        elif adjust == "scheffe":
            cv[i] = math.sqrt(fam.rank * float(stats.chi2.ppf(level, fam.rank) / fam.rank
                                               if math.isinf(d) else
                                               stats.f.ppf(level, fam.rank, d)))
        else:
            cv[i] = qdunnx(level, n, d)
        cache[d] = cv[i]
    message = _message(adjust, fam.size, n, "estimates", "Conf-level adjustment", fam.rank)
    return cv, message
