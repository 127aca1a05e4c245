"""R's ``qr()`` (LINPACK dqrdc2, limited column pivoting) with ``qr.qty`` and ``qr.qy``.

The bases of ``ns()`` and ``poly()`` are products with R's Householder
factors; the orthogonal complement that ``ns()`` keeps is not unique, so it
is computed with R's reflectors, in R's order.

>>> import numpy as np
>>> f = dqrdc2(np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 4.0]]))
>>> f.rank, [round(float(v), 6) for v in np.diag(f.qr)[:2]]
(2, [-1.732051, -2.160247])
>>> y = np.array([[3.0, 5.0, 9.0]])  # a row: qty/qy act on the columns of its transpose
>>> back = f.qy(f.qty(y))
>>> bool(np.allclose(back, y))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: R's default tolerance of ``qr()``
QR_TOL = 1e-7


@dataclass(frozen=True)
class LinpackQR:
    """The compact QR of R's ``qr(x)``: ``qr`` (R and the reflectors), ``qraux``, rank,
    pivot (0-based)."""

    qr: np.ndarray
    qraux: np.ndarray
    rank: int
    pivot: np.ndarray

    def _reflectors(self) -> range:
        n = self.qr.shape[0]
        return range(min(self.rank, n - 1))

    def _apply(self, rows: np.ndarray, j: int) -> None:
        """Reflector `j` applied to each row of `rows` (R: to each column of t(rows))."""
        if self.qraux[j] == 0.0:
            return
        v = self.qr[j:, j].copy()
        v[0] = self.qraux[j]
        t = -(rows[:, j:] @ v) / v[0]
        rows[:, j:] += np.outer(t, v)

    def qty(self, rows: np.ndarray) -> np.ndarray:
        """``t(qr.qty(qr, t(rows)))``: Q'y for each row y of `rows`."""
        out = np.array(rows, dtype=np.float64, order="C", copy=True)
        for j in self._reflectors():
            self._apply(out, j)
        return out

    def qy(self, rows: np.ndarray) -> np.ndarray:
        """``t(qr.qy(qr, t(rows)))``: Qy for each row y of `rows`."""
        out = np.array(rows, dtype=np.float64, order="C", copy=True)
        for j in reversed(self._reflectors()):
            self._apply(out, j)
        return out


def dqrdc2(x: np.ndarray, tol: float = QR_TOL) -> LinpackQR:
    """LINPACK's dqrdc2 as R calls it: Householder QR, negligible columns moved to the end."""
    a = np.array(x, dtype=np.float64, order="F", copy=True)
    n, p = a.shape
    qraux = np.sqrt(np.einsum("ij,ij->j", a, a))
    work1 = qraux.copy()
    work2 = np.where(qraux == 0.0, 1.0, qraux)
    pivot = np.arange(p)
    k = p  # columns 0..k-1 are not (yet) moved to the end
    for col in range(min(n, p)):
        while col < k and qraux[col] < work2[col] * tol:  # to the end, as dqrdc2
            a[:, col:] = np.roll(a[:, col:], -1, axis=1)
            for vec in (qraux, work1, work2, pivot):
                vec[col:] = np.roll(vec[col:], -1)
            k -= 1
        if col == n - 1:
            break
        nrmxl = float(np.linalg.norm(a[col:, col]))
        if nrmxl == 0.0:
            continue
        if a[col, col] != 0.0:
            nrmxl = abs(nrmxl) if a[col, col] > 0 else -abs(nrmxl)
        a[col:, col] /= nrmxl
        a[col, col] += 1.0
        v = a[col:, col]
        for j in range(col + 1, p):
            t = -float(v @ a[col:, j]) / v[0]
            a[col:, j] += t * v
            if qraux[j] == 0.0:
                continue
            tt = max(1.0 - (abs(a[col, j]) / qraux[j]) ** 2, 0.0)
            if abs(tt) < 1e-6:
                qraux[j] = float(np.linalg.norm(a[col + 1 :, j]))
                work1[j] = qraux[j]
            else:
                qraux[j] *= np.sqrt(tt)
        qraux[col] = a[col, col]
        a[col, col] = -nrmxl
    rank = min(k, n)
    return LinpackQR(a, qraux, rank, pivot)
