"""Unit-level and averaged results of the marginal-effects functions.

A :class:`Piece` is one term and contrast: the values and Jacobians of its
``hi`` predictions (and of ``lo`` for a comparison) at each row. Averages are
formed from :class:`Sums` over the rows of each ``by`` group, so that the sums
of Dask partitions add up to those of the whole data (one pass; see
:mod:`glmformula.margins_dask`).

>>> import numpy as np
>>> piece = Piece("x", "dY/dX", (np.array([1.0, 3.0]), np.eye(2)))
>>> value, jac = average(piece.sums(np.arange(2)), False, "difference")
>>> value, jac.tolist()
(2.0, [0.5, 0.5])
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from glmformula.margins_delta import table
from glmformula.margins_grid import groups

Array = np.ndarray
By = str | Sequence[str] | None


@dataclass(frozen=True)
class Sums:
    """Row count and sums of the values and Jacobian rows of ``hi`` and ``lo``."""

    n: int
    hi: float
    jhi: Array
    lo: float
    jlo: Array

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.n + other.n, self.hi + other.hi, self.jhi + other.jhi,
                    self.lo + other.lo, self.jlo + other.jlo)


@dataclass(frozen=True)
class Piece:
    """One term/contrast: values and Jacobians of ``hi`` (and ``lo`` for comparisons)."""

    term: str | None
    contrast: str | None
    hi: tuple[Array, Array]
    lo: tuple[Array, Array] | None = None

    def unit(self, comparison: str) -> tuple[Array, Array]:
        """Row-level estimates and Jacobians."""
        if self.lo is None:
            return self.hi
        (h, jh), (lo, jl) = self.hi, self.lo
        if comparison == "difference":
            return h - lo, jh - jl
        return h / lo, jh / lo[:, None] - (h / lo**2)[:, None] * jl

    def sums(self, rows: Array) -> Sums:
        """The sums over ``rows``, rows with a missing value left out."""
        h, jh = self.hi
        finite = np.isfinite(h[rows])
        if self.lo is not None:
            finite &= np.isfinite(self.lo[0][rows])
        rows = rows[finite]
        lo, jl = self.lo if self.lo is not None else (np.zeros_like(h), np.zeros_like(jh))
        return Sums(len(rows), float(h[rows].sum()), jh[rows].sum(axis=0),
                    float(lo[rows].sum()), jl[rows].sum(axis=0))


def average(s: Sums, comparison_piece: bool, comparison: str) -> tuple[float, Array]:
    """The average and its Jacobian: of the predictions or slopes, of the unit differences,
    or the ratio of the average predictions (marginaleffects' "ratioavg")."""
    if not comparison_piece:
        return s.hi / s.n, s.jhi / s.n
    if comparison == "difference":
        return (s.hi - s.lo) / s.n, (s.jhi - s.jlo) / s.n
    a, b = s.hi / s.n, s.lo / s.n
    return a / b, s.jhi / s.n / b - a / b**2 * s.jlo / s.n


GroupSums = dict[tuple[Hashable, ...], list[Sums]]


def group_sums(pieces: list[Piece], frame: pd.DataFrame, by: By) -> tuple[list[str], GroupSums]:
    """The ``by`` columns and, per group, each piece's sums."""
    names, keys, positions = groups(frame, by)
    return names, {key: [piece.sums(rows) for piece in pieces]
                   for key, rows in zip(keys, positions, strict=True)}


def sums_table(pieces: Sequence[tuple[str | None, str | None, bool]], names: list[str],
               sums: GroupSums, dtypes: dict[str, Any], cov: Array, conf_level: float,
               comparison: str) -> pd.DataFrame:
    """The averaged table: term, contrast, the ``by`` columns, the estimates and their
    delta-method columns. ``pieces`` are (term, contrast, is a comparison)."""
    labeled = pieces[0][0] is not None
    labels: dict[str, list[Any]] = {"term": [], "contrast": []} if labeled else {}
    labels |= {name: [] for name in names}
    estimates, jacobians = [], []
    for i, (term, contrast, compares) in enumerate(pieces):
        for key, group in sums.items():
            value, jac = average(group[i], compares, comparison)
            estimates.append(value)
            jacobians.append(jac)
            if labeled:
                labels["term"].append(term)
                labels["contrast"].append(contrast)
            for name, level in zip(names, key, strict=True):
                labels[name].append(level)
    out = table(np.array(estimates), np.vstack(jacobians), cov, conf_level)
    head = pd.DataFrame(labels)
    for name in names:  # a factor's groups keep its categories
        if isinstance(dtypes.get(name), pd.CategoricalDtype):
            head[name] = head[name].astype(dtypes[name])
    return pd.concat([head, out], axis=1)


def average_table(pieces: list[Piece], frame: pd.DataFrame, by: By, cov: Array,
                  conf_level: float, comparison: str = "difference") -> pd.DataFrame:
    """The averages of the pieces over the rows of ``frame``, overall or by group."""
    names, sums = group_sums(pieces, frame, by)
    meta = [(p.term, p.contrast, p.lo is not None) for p in pieces]
    return sums_table(meta, names, sums, dict(frame.dtypes), cov, conf_level, comparison)


def unit_table(pieces: list[Piece], frame: pd.DataFrame, cov: Array, conf_level: float,
               comparison: str = "difference") -> pd.DataFrame:
    """One row per piece and row of ``frame``: rowid, term, contrast, the estimates, and the
    columns of the row."""
    parts = []
    for piece in pieces:
        value, jac = piece.unit(comparison)
        out = table(value, jac, cov, conf_level)
        labels: dict[str, Any] = {"rowid": np.arange(len(frame))}
        if piece.term is not None:
            labels |= {"term": piece.term, "contrast": piece.contrast}
        columns = frame.reset_index(drop=True)
        columns = columns[[c for c in columns.columns if c not in out.columns
                           and c not in labels]]
        parts.append(pd.concat([pd.DataFrame(labels), out, columns], axis=1))
    return pd.concat(parts, ignore_index=True)
