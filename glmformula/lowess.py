"""R's ``lowess()`` (Cleveland's clowess, as in R's ``src/library/stats/src/lowess.c``).

The smoother of R's ``panel.smooth``, so ``m.plot()`` draws R's curve: the
same window (``f``), robustness iterations (``iter``) and interpolation over
``delta = 0.01 * diff(range(x))``.
"""

from __future__ import annotations

import numpy as np


def _lowest(x: np.ndarray, y: np.ndarray, xs: float, nleft: int, nright: int,
            robust: np.ndarray | None) -> float | None:
    """The local linear fit at ``xs`` over x[nleft..] (0-based), or None (all weights 0)."""
    n = x.size
    span = x[-1] - x[0]
    h = max(xs - x[nleft], x[nright] - xs)
    h9, h1 = 0.999 * h, 0.001 * h
    w = np.zeros(n)
    a = 0.0
    j = nleft
    while j < n:
        r = abs(x[j] - xs)
        if r <= h9:
            w[j] = 1.0 if r <= h1 else (1 - (r / h) ** 3) ** 3
            if robust is not None:
                w[j] *= robust[j]
            a += w[j]
        elif x[j] > xs:
            break
        j += 1
    nrt = j - 1
    if a <= 0:
        return None
    seg = slice(nleft, nrt + 1)
    ww = w[seg] / a
    xx = x[seg]
    if h > 0:
        centre = float(np.sum(ww * xx))
        b = xs - centre
        c = float(np.sum(ww * (xx - centre) ** 2))
        if np.sqrt(c) > 0.001 * span:
            ww = ww * (b / c * (xx - centre) + 1)
    return float(np.sum(ww * y[seg]))


def lowess(x: np.ndarray, y: np.ndarray, frac: float = 2 / 3, iterations: int = 3,
           delta: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """R's ``lowess(x, y, f = frac, iter = iterations)``: the sorted x and the smooth there.

    Non-finite pairs are dropped first (as ``panel.smooth``); ties in x keep their order.

    >>> x = np.linspace(0, 1, 50)
    >>> xs, ys = lowess(x, 2 * x + 1)
    >>> bool(np.allclose(ys, 2 * xs + 1))
    True
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    order = np.argsort(x[ok], kind="stable")
    x, y = x[ok][order], y[ok][order]
    n = x.size
    if n < 2:
        return x, y.copy()
    if delta is None:
        delta = 0.01 * (x[-1] - x[0])
    ns = max(min(int(frac * n + 1e-7), n), 2)
    ys = np.empty(n)
    robust: np.ndarray | None = None
    for step in range(iterations + 1):
        nleft, nright, last, i = 0, ns - 1, -1, 0
        while True:
            if nright < n - 1:
                if x[i] - x[nleft] > x[nright + 1] - x[i]:
                    nleft += 1
                    nright += 1
                    continue
            fit = _lowest(x, y, x[i], nleft, nright, robust)
            ys[i] = y[i] if fit is None else fit
            if last < i - 1:
                denom = x[i] - x[last]
                for j in range(last + 1, i):
                    alpha = (x[j] - x[last]) / denom
                    ys[j] = alpha * ys[i] + (1 - alpha) * ys[last]
            last = i
            cut = x[last] + delta
            i = last + 1
            while i < n:
                if x[i] > cut:
                    break
                if x[i] == x[last]:
                    ys[i] = ys[last]
                    last = i
                i += 1
            i = max(last + 1, i - 1)
            if last >= n - 1:
                break
        res = y - ys
        if step == iterations:
            break
        scale = float(np.mean(np.abs(res)))
        sorted_abs = np.sort(np.abs(res))
        m1 = n // 2
        cmad = (3 * (sorted_abs[m1] + sorted_abs[n - m1 - 1]) if n % 2 == 0
                else 6 * sorted_abs[m1])
        if cmad < 1e-7 * scale:
            break
        r = np.abs(res)
        robust = np.where(r <= 0.001 * cmad, 1.0,
                          np.where(r <= 0.999 * cmad, (1 - (r / cmad) ** 2) ** 2, 0.0))
    return x, ys
