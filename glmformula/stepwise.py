"""Single-term deletions and additions, and stepwise selection by AIC: R's
``drop1.glm``, ``add1.glm`` and ``step``.

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool * tension", data=wb, family="poisson")
>>> drop1(m, test="Chisq").data.round(3)
               Df  Deviance      AIC     LRT  Pr(>Chi)
<none>        NaN   182.305  468.969     NaN       NaN
wool:tension  2.0   210.392  493.056  28.087       0.0

Only the interaction is a candidate: R's ``drop.scope`` keeps a main effect
while an interaction containing it stays in the model.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import special

from glmformula.anova import AnovaTable, score_statistic
from glmformula.errors import ArgumentTypeError, FormulaError, GLMWarning
from glmformula.formula_text import formula_lines
from glmformula.refit import added_columns, extract_aic
from glmformula.result import require_model
from glmformula.scope import add_scope, drop_scope, key, scope_terms

if TYPE_CHECKING:
    from glmformula.result import GLMResult

_TESTS = (None, "none", "Chisq", "LRT", "F", "Rao")


def _check_test(test: str | None) -> str:
    if test not in _TESTS:
        raise ArgumentTypeError(f"unknown test {test!r}; use None, 'Chisq', 'LRT', 'F' or 'Rao'")
    if test is None or test == "none":
        return "none"
    return "LRT" if test == "Chisq" else test


def _criteria(model: GLMResult, dev: np.ndarray, ranks: np.ndarray,
              k: float) -> tuple[np.ndarray, np.ndarray, float]:
    n = model.response.y.size
    dispersion = float(model.dispersion)
    if model.family.normal_likelihood:
        loglik = n * np.log(dev / n)
    else:
        loglik = dev / dispersion
    aic = loglik + k * ranks
    aic = aic + (extract_aic(model, k)[1] - aic[0])
    return loglik, aic, dispersion


def chi2_sf(stat: np.ndarray, dfs: np.ndarray) -> np.ndarray:
    """Upper chi-squared tail, NaN where df is not positive (MASS's ``safe_pchisq``)."""
    with np.errstate(invalid="ignore"):
        positive = dfs > 0
        return np.where(positive, special.chdtrc(np.where(positive, dfs, 1), stat), np.nan)


def _f_warning(model: GLMResult) -> None:
    if model.family.unit_dispersion:
        warnings.warn(f"F test assumes 'quasi{model.family.name}' family", GLMWarning,
                      stacklevel=3)


def _table(model: GLMResult, names: list[str], dev: np.ndarray, dfs: np.ndarray,
           aic: np.ndarray, loglik: np.ndarray, score: np.ndarray, dispersion: float,
           test: str, drop: bool) -> pd.DataFrame:
    table = pd.DataFrame({"Df": dfs, "Deviance": dev, "AIC": aic}, index=names)
    if np.all(np.isnan(aic)):
        table = table.drop(columns="AIC")
    with np.errstate(invalid="ignore", divide="ignore"):
        if test == "LRT":
            stat = np.maximum(0.0, loglik - loglik[0] if drop else loglik[0] - loglik)
            stat[0] = np.nan
            table["LRT" if dispersion == 1 else "scaled dev."] = stat
            table["Pr(>Chi)"] = chi2_sf(stat, dfs)
        elif test == "Rao":
            stat = np.maximum(0.0, score) / dispersion
            table["Rao score" if dispersion == 1 else "scaled Rao sc."] = stat
            table["Pr(>Chi)"] = chi2_sf(stat, dfs)
        elif test == "F":
            _f_warning(model)
            rdf = model.df_residual
            if drop:
                rms = dev[0] / rdf
                fs = np.maximum(0.0, dev - dev[0]) / dfs / rms
                fs[~(dfs >= 1e-4)] = np.nan
                p = special.fdtrc(dfs, rdf, fs)
            else:
                diff = np.maximum(0.0, (dev[0] - dev) / dfs)
                fs = diff / (dev / (rdf - dfs))
                fs[~(dfs >= np.finfo(float).eps)] = np.nan
                p = special.fdtrc(dfs, rdf - dfs, fs)
            table["F value"] = fs
            table["Pr(>F)"] = p
    return table


def table_heading(kind: str, model: GLMResult, data: Any = None) -> str:
    return f"{kind}\n\nModel:\n{formula_lines(model, data)}"


def drop_terms(model: GLMResult, scope: str | Sequence[str] | None, data: Any,
               context: Any, what: str) -> list[str]:
    """The terms to drop in turn: R's ``drop.scope``, or a scope's terms (all in the model)."""
    terms = list(model.design.term_names)
    if scope is None:
        return drop_scope(terms)
    wanted = scope_terms(model, scope, data, context, what)
    by_key = {key(t): t for t in terms}
    outside = [t for t in wanted if key(t) not in by_key]
    if outside:
        raise FormulaError(
            f"the scope's term(s) {', '.join(outside)} are not in the model; the scope of a "
            f"deletion names terms of the model (its terms are {', '.join(terms) or 'none'})"
        )
    return [by_key[key(t)] for t in wanted]


def drop1(model: GLMResult, test: str | None = None, k: float = 2,
          scope: str | Sequence[str] | None = None, data: Any = None,
          context: Any = None) -> AnovaTable:
    """Refit without each droppable term in turn, as R's ``drop1.glm(model, scope, test=, k=)``.

    The candidates are R's ``drop.scope`` (marginality), or the terms of
    ``scope``: a formula (``.`` is the model's terms; needs ``data``) or a
    list of term labels, each dropped whatever contains it. ``test`` is None
    (R's "none"), "Chisq"/"LRT", "F" or "Rao". Columns ``Df``, ``Deviance``,
    ``AIC`` (absent for quasi families; for a :func:`glmformula.glm_nb` fit
    theta is held and not counted, as R's ``extractAIC.negbin``) and the
    test's columns; first row ``<none>``. ``print()`` the table for R's layout.

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
    ...            family="poisson")
    >>> drop1(m).data.round(2)
              Df  Deviance     AIC
    <none>   NaN    210.39  493.06
    wool     1.0    226.43  507.09
    tension  2.0    281.33  560.00
    """
    model = require_model(model, "drop1()")
    test = _check_test(test)
    design = model.design
    X = model.model_matrix()
    scope = drop_terms(model, scope, data, context, "drop1() with a scope formula")
    dev, ranks, score = [model.deviance], [model.rank], [np.nan]
    for term in scope:
        sl = design.term_slices[term]
        cols = [j for j in range(X.shape[1]) if not sl.start <= j < sl.stop]
        z = model.refit(X[:, cols])
        dev.append(z.deviance)
        ranks.append(z.rank)
        if test == "Rao":
            score.append(score_statistic(X, z.working_residuals, z.working_weights, True))
    dev_a, rank_a = np.asarray(dev, float), np.asarray(ranks, float)
    loglik, aic, dispersion = _criteria(model, dev_a, rank_a, k)
    dfs = rank_a[0] - rank_a
    dfs[0] = np.nan
    table = _table(model, ["<none>", *scope], dev_a, dfs, aic, loglik, np.asarray(score),
                   dispersion, test, drop=True)
    return AnovaTable(data=table, heading=table_heading("Single term deletions", model, data),
                      test=None if test == "none" else test, kind="drop1")


def add_terms(model: GLMResult, scope: str | Sequence[str], data: Any, context: Any,
              what: str) -> list[str]:
    """The terms to add in turn: R's ``add.scope`` of a formula, or a list as given."""
    if scope is None:
        raise FormulaError(f"no terms in scope: {what} needs a scope such as '~ . + x'")
    if isinstance(scope, str):
        cand = add_scope(list(model.design.term_names),
                         scope_terms(model, scope, data, context, what))
    else:
        cand = scope_terms(model, scope, data, context, what)
    if not cand:
        raise FormulaError("no terms in scope for adding to the model")
    return cand


def add1(model: GLMResult, scope: str | Sequence[str], data: Any = None,
         test: str | None = None, k: float = 2, context: Any = None) -> AnovaTable:
    """Refit adding each addable term of ``scope`` in turn, as R's ``add1.glm``.

    ``scope`` is a formula of the larger model, read as R's ``update.formula``
    reads it: ``"~ . + x"`` is the model's terms plus ``x``, ``"~ .^2"`` its
    terms squared (its terms must include every term of ``model``, else
    FormulaError); or a list of term labels to add. ``data`` is the model's
    data frame (the larger model matrix is built from it on the same rows).
    ``context`` gives functions used in the scope formula, as in ``glm``.

    >>> import glmformula as gf
    >>> wb = gf.datasets.load("warpbreaks")
    >>> m = gf.glm("breaks ~ wool", data=wb, family="poisson")
    >>> add1(m, "~ . * tension", data=wb).data.round(2)
              Df  Deviance     AIC
    <none>   NaN    281.33  560.00
    tension  2.0    210.39  493.06
    """
    model = require_model(model, "add1()")
    from glmformula.scope import model_data

    test = _check_test(test)
    data = model_data(model, data, "add1()")
    cand = add_terms(model, scope, data, context, "add1()")
    X, base, columns = added_columns(model, cand, data, context)
    z0 = model.refit(X[:, base])
    dev, ranks, score = [z0.deviance], [z0.rank], [np.nan]
    for term in cand:
        Xi = X[:, sorted(base + columns[term])]
        z = model.refit(Xi)
        dev.append(z.deviance)
        ranks.append(z.rank)
        if test == "Rao":
            score.append(score_statistic(Xi, z0.working_residuals, z0.working_weights, True,
                                         offset=model.offset))
    dev_a, rank_a = np.asarray(dev, float), np.asarray(ranks, float)
    loglik, aic, dispersion = _criteria(model, dev_a, rank_a, k)
    dfs = rank_a - rank_a[0]
    dfs[0] = np.nan
    table = _table(model, ["<none>", *cand], dev_a, dfs, aic, loglik, np.asarray(score),
                   dispersion, test, drop=False)
    return AnovaTable(data=table, heading=table_heading("Single term additions", model, data),
                      test=None if test == "none" else test, kind="add1")


from glmformula.stepaic import step  # noqa: E402

__all__ = ["add1", "add_scope", "drop1", "drop_scope", "step"]
