"""emmeans' ``weights=``: how the reference grid's rows are averaged into marginal means.

Each grid row carries R's ``.wgt.``: the total prior weight (1 per row when the
fit has none) of the fitted rows with its factor levels (and the values of the
covariates kept at their two values). ``"equal"`` (the default) averages with
equal weights; ``"proportional"`` weights each combination of the averaged-over
factors by its frequency in the data; ``"outer"`` by the product of each
averaged-over factor's marginal frequencies; ``"cells"`` weights each grid row
by its own frequency, ``"flat"`` equally over the rows present in the data.

>>> import glmformula as gf
>>> from glmformula.emmeans import emmeans
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb.iloc[:40], family="poisson")
>>> [round(v, 4) for v in emmeans(m, "tension", weights="cells").frame["emmean"]]  # as R
[3.5828, 3.1908, 3.2009]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from glmformula.emmeans_grid import ReferenceGrid
from glmformula.errors import ArgumentTypeError
from glmformula.result import GLMResult

WEIGHTS = ("equal", "proportional", "outer", "cells", "flat")


def check_weights(weights: object) -> str:
    """One of :data:`WEIGHTS` (R's partial matching of the name), or an error."""
    if isinstance(weights, str):
        found = [w for w in WEIGHTS if w.startswith(weights)] if weights else []
        if len(found) == 1:
            return found[0]
    raise ArgumentTypeError(
        f"weights must be one of {', '.join(map(repr, WEIGHTS))}, not {weights!r}"
    )


def grid_weights(model: GLMResult, rg: ReferenceGrid) -> np.ndarray:
    """R's ``.wgt.``: the prior weight of the data rows matching each grid row on the
    factors and the covariates kept at their values (all zero: all one)."""
    keys = [v for v in rg.variables if v in rg.factors or len(rg.levels[v]) > 1
            and _kept(rg, v)]
    prior = model.design.prior_weights
    w = np.ones(len(rg.data)) if prior is None else np.asarray(prior, dtype=float)
    if not keys:
        return np.ones(len(rg.frame))
    data_key = _row_keys(rg.data, keys)
    totals = pd.Series(w).groupby(data_key, sort=False).sum()
    out = pd.Series(_row_keys(rg.frame, keys)).map(totals).fillna(0.0).to_numpy(dtype=float)
    return out + 1.0 if np.all(out == 0) else out


def _kept(rg: ReferenceGrid, name: str) -> bool:
    """A covariate kept at each of its (at most two) values, as emmeans' cov.keep."""
    values = np.unique(rg.data[name].to_numpy(dtype=float))
    return len(values) <= 2 and sorted(rg.levels[name]) == sorted(values.tolist())


def _row_keys(frame: pd.DataFrame, keys: list[str]) -> list[str]:
    """Each row's values of ``keys`` pasted together (R's ``paste`` keys)."""
    columns = [frame[k].astype(object).map(_text).tolist() for k in keys]
    return ["\x1f".join(row) for row in zip(*columns, strict=True)]


def _text(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def averaging_weights(rg: ReferenceGrid, wgt: np.ndarray, facs: list[str],
                      weights: str) -> np.ndarray:
    """The weight of each grid row in the mean of its group (rows with the same levels
    of ``facs``), before normalising within the group."""
    if weights == "equal":
        return np.ones(len(rg.frame))
    if weights == "cells":
        return wgt
    if weights == "flat":
        return (wgt > 0).astype(float)
    avgd = [v for v in rg.variables if len(rg.levels[v]) > 1 and v not in facs]
    if not avgd:
        return np.ones(len(rg.frame))
    keys = _row_keys(rg.frame, avgd)
    if weights == "proportional":
        totals = pd.Series(wgt).groupby(keys, sort=False).sum()
        return np.asarray(pd.Series(keys).map(totals), dtype=float)
    out = np.ones(len(rg.frame))  # outer: the product of each factor's margin
    for name in avgd:
        key = _row_keys(rg.frame, [name])
        margin = pd.Series(wgt).groupby(key, sort=False).sum()
        out *= np.asarray(pd.Series(key).map(margin), dtype=float)
    return out
