"""R's ``influence.measures(model)``: the table of influence measures and its flags.

``infmat`` has R's columns ``dfb.<abbreviated coefficient>`` (``dfbetas``),
``dffit``, ``cov.r``, ``cook.d`` and ``hat``, one row per observation with a
non-zero prior weight; ``is_inf`` flags, as R's ``is.influential``, the values
beyond R's thresholds (``|dfbetas| > 1``, ``|dffit| > 3 sqrt(k / (n - k))``,
``|1 - cov.r| > 3k / (n - k)``, ``pf(cook.d, k, n - k) > 0.5``,
``hat > 3k / n``; NA where the measure is NaN). ``print()`` gives R's
``print.infl`` layout, an ``inf`` column starring a row with any flag. With
``na_action="exclude"`` the rows left out are kept as R's ``naresid`` pads them
(dfbetas 0, cov.r 1, hat 0, dffit and cook.d NA).

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> im = influence_measures(m)
>>> list(im.infmat.columns)
['dfb.1_', 'dfb.wolB', 'dfb.tnsM', 'dfb.tnsH', 'dffit', 'cov.r', 'cook.d', 'hat']
>>> int(im.is_inf.any(axis=1).sum())   # R: no row of this fit is flagged
0
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from glmformula.influence import leave_one_out
from glmformula.render.anova_text import _blocks
from glmformula.render.text import call_lines
from glmformula.result import require_model
from glmformula.rformat import format_numbers

if TYPE_CHECKING:
    from glmformula.result import GLMResult


@dataclass(frozen=True)
class InfluenceMeasures:
    """R's ``infl`` object: ``infmat`` (numbers), ``is_inf`` (flags) and the call."""

    infmat: pd.DataFrame
    is_inf: pd.DataFrame
    call: str
    excluded: list[object] = field(default_factory=list)  # rows padded (R prints NA)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def to_text(self, digits: int = 3, width: int = 80) -> str:
        """R's ``print.infl``: the call, then the table with its ``inf`` column."""
        star = ["*" if any(row) else " "
                for row in self.is_inf.fillna(False).to_numpy(dtype=bool)]
        headers = [_make_name(c) for c in self.infmat.columns] + ["inf"]
        na = self.infmat.index.isin(self.excluded)
        body = [_format_column(self.infmat[c].tolist(), na, digits)
                for c in self.infmat.columns] + [star]
        rows = [str(r) for r in self.infmat.index]
        row_width = max(len(r) for r in rows) if rows else 0
        widths = [max([len(h)] + [len(s) for s in col]) for h, col in zip(headers, body,
                                                                        strict=True)]
        lines = [f"Influence measures of\n\t {' '.join(call_lines(self.call))} :", ""]
        for block in _blocks(widths, row_width, width):
            lines.append(" " * row_width + "".join(" " + headers[j].rjust(widths[j])
                                                   for j in block))
            lines += [row.ljust(row_width) + "".join(" " + body[j][i].rjust(widths[j])
                                                     for j in block)
                      for i, row in enumerate(rows)]
        return "\n".join(lines)

    def summary(self, digits: int = 2) -> str:
        """R's printed ``summary(influence.measures(m))``: the rows with a flag, values
        rounded to ``digits``, each flagged value marked ``_*`` (or ``NONE``)."""
        return _summary_text(self, digits)


def _summary_text(im: InfluenceMeasures, digits: int) -> str:
    """R's ``summary(influence.measures(m))``: the flagged rows, flagged values ``_*``."""
    head = f"Potentially influential observations of\n\t {' '.join(call_lines(im.call))} :"
    flags = im.is_inf.fillna(False).to_numpy(dtype=bool)
    star: np.ndarray = np.asarray(flags.any(axis=1), dtype=bool)
    if not star.any():
        return head + "\nNONE"
    values = np.round(im.infmat.to_numpy(dtype=float)[star], digits)
    na = np.broadcast_to(im.infmat.index.isin(im.excluded)[star][:, None], values.shape)
    texts = _format_column(list(values.ravel()), na.ravel(), 7)  # R: one format for all
    width = max(len(t) for t in texts)
    cells = [t.rjust(width) + ("_*" if f else "")
             for t, f in zip(texts, flags[star].ravel(), strict=True)]
    grid = np.array(cells, dtype=object).reshape(values.shape)
    rows = [str(r) for r, s in zip(im.infmat.index, star, strict=True) if s]
    headers = list(im.infmat.columns)
    widths = [max(len(h), *(len(c) for c in grid[:, j])) for j, h in enumerate(headers)]
    row_width = max(len(r) for r in rows)
    lines = [head, "", " " * row_width + "".join(" " + h.ljust(w)
                                                 for h, w in zip(headers, widths, strict=True))]
    lines += [row.ljust(row_width) + "".join(" " + str(c).ljust(w)
                                             for c, w in zip(grid[i], widths, strict=True))
              for i, row in enumerate(rows)]
    return "\n".join(lines)


def _format_column(values: list[float], na: np.ndarray, digits: int) -> list[str]:
    """R's ``format`` of a column of ``infmat``: NaN (an infinite value) prints ``NaN``,
    a row left out by na_action="exclude" ``NA``."""
    texts = format_numbers(values, digits)
    return [("NA" if missing else "NaN") if math.isnan(v) else t.strip()
            for v, t, missing in zip(values, texts, na, strict=True)]


def influence_measures(model: GLMResult) -> InfluenceMeasures:
    """R's ``influence.measures(model)`` for a glm: see the module docstring."""
    model = require_model(model, "influence_measures()")
    loo = leave_one_out(model)
    h, sigma, p = loo.hat, loo.sigma, model.rank
    e = model.rows.unpad(model.residuals("deviance")).to_numpy()[loo.rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sqrt(np.sum(e**2) / np.float64(model.df_residual))
        dfbetas = loo.coef_change / np.outer(sigma, np.sqrt(loo.xxi_diag))
        dffit = e * np.sqrt(h) / (sigma * (1 - h))
        cov_r = (sigma / s) ** (2 * p) / (1 - h)
        cook = (loo.pearson / (1 - h)) ** 2 * h / (model.dispersion * p)
    names = [n for n, a in zip(model.column_names, model.fit.aliased, strict=True) if not a]
    labels = ["dfb." + a for a in abbreviate(["1_" if n == "(Intercept)" else n
                                             for n in names])]
    infmat = pd.DataFrame(np.column_stack([dfbetas, dffit, cov_r, cook, h]),
                          columns=[*labels, "dffit", "cov.r", "cook.d", "hat"],
                          index=model.design.row_index[loo.rows])
    infmat = infmat.mask(np.isinf(infmat.to_numpy()))  # R: Inf -> NaN
    padded = model.rows.pad(infmat)
    missing: list[object] = []
    if len(padded) != len(infmat):  # na_action="exclude": R's naresid in lm.influence
        missing = list(padded.index[padded["hat"].isna()])
        padded.loc[missing, labels] = 0.0  # no change in the coefficients
        padded.loc[missing, "cov.r"] = 1.0  # sigma is s, h is 0
        padded.loc[missing, "hat"] = 0.0
    return InfluenceMeasures(padded, _is_influential(padded, int(np.sum(h > 0))),
                             model.call, missing)


def _is_influential(infmat: pd.DataFrame, n: int) -> pd.DataFrame:
    """R's ``is.influential``: the flags, NA where the measure is NaN (a nullable
    boolean DataFrame; ``print`` stars a row as R's ``any(na.rm = TRUE)``)."""
    from scipy import stats

    values = infmat.to_numpy(dtype=float)
    k = values.shape[1] - 4
    if n <= k:
        from glmformula.errors import DataError

        raise DataError("too few cases i with h_ii > 0), n < k")
    with np.errstate(invalid="ignore"):
        flags = np.column_stack([
            np.abs(values[:, :k]) > 1,
            np.abs(values[:, k]) > 3 * math.sqrt(k / (n - k)),
            np.abs(1 - values[:, k + 1]) > 3 * k / (n - k),
            stats.f.cdf(values[:, k + 2], k, n - k) > 0.5,
            values[:, k + 3] > 3 * k / n,
        ])
    table = pd.DataFrame(flags, index=infmat.index, columns=infmat.columns).astype("boolean")
    return table.mask(np.isnan(values))  # R: NA where the measure is NaN


def _make_name(name: str) -> str:
    """R's ``make.names`` for a column name (``data.frame(infmat)`` in ``print.infl``)."""
    return re.sub(r"[^A-Za-z0-9._]", ".", name)


_VOWELS = set("aeiou")


def _strip(name: str, minlength: int) -> str:
    """R's C ``stripchars`` (``abbreviate(use.classes = TRUE)``) for one name."""
    chars = list(name.strip())
    if len(chars) <= minlength:  # R: strlen < minlen, or any loop that ends at once
        return "".join(chars)

    def first(i: int) -> bool:  # the start of a word
        return chars[i - 1].isspace()

    def last(i: int) -> bool:  # the end of a word
        return not chars[i - 1].isspace() and (i + 1 == len(chars) or chars[i + 1].isspace())

    def size() -> int:
        return len(chars) - sum(c.isspace() for c in chars)

    passes: list[Callable[[int], bool]] = [
        lambda i: chars[i] in _VOWELS and last(i),
        lambda i: chars[i] in _VOWELS and not first(i),
        lambda i: chars[i].islower() and last(i),
        lambda i: chars[i].islower() and not first(i),
        lambda i: not first(i) and not chars[i].isspace(),
    ]
    for drop in passes:
        for i in range(len(chars) - 1, 0, -1):
            if i < len(chars) and drop(i):
                del chars[i]
            if size() <= minlength:
                return "".join(c for j, c in enumerate(chars) if j == 0 or not c.isspace())
    return "".join(chars)


def abbreviate(names: list[str], minlength: int = 4) -> list[str]:
    """R's ``abbreviate(names, minlength)``: longer until the abbreviations are unique.

    >>> abbreviate(["1_", "outcome2", "treatment3", "woolB:tensionM"])
    ['1_', 'otc2', 'trt3', 'wB:M']
    """
    out = [_strip(n, minlength) for n in names]
    redo = _duplicated(out)
    while any(redo):
        minlength += 1
        clash = {out[i] for i in range(len(out)) if redo[i]}
        redo = [r or out[i] in clash for i, r in enumerate(redo)]
        for i in range(len(out)):
            if redo[i]:
                out[i] = _strip(names[i], minlength)
        redo = _duplicated(out)
    return out


def _duplicated(values: list[str]) -> list[bool]:
    seen: set[str] = set()
    flags = []
    for v in values:
        flags.append(v in seen)
        seen.add(v)
    return flags
