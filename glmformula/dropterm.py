"""MASS's ``dropterm`` and ``addterm``: single-term deletions and additions.

For a :func:`glmformula.glm` fit they are R's ``drop1``/``add1`` tables
(MASS's ``dropterm.glm``/``addterm.glm``: tests "Chisq" or "F", p-value
columns ``Pr(Chi)``/``Pr(F)``). For a :func:`glmformula.glm_nb` fit each
candidate is a new ``glm.nb`` fit, theta estimated again (MASS's
``dropterm.negbin``): columns ``Df`` and ``AIC`` (-2 logLik + k edf, theta not
counted), and with ``test="Chisq"`` the likelihood-ratio statistic ``LRT``.

>>> import glmformula as gf
>>> quine = gf.datasets.load("quine")
>>> nb = gf.glm_nb("Days ~ Eth + Sex + Age + Lrn", data=quine)
>>> table = dropterm(nb, test="Chisq", data=quine)
>>> table.data["AIC"].round(2).tolist()
[1107.15, 1117.67, 1105.4, 1112.67, 1107.65]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.anova import AnovaTable
from glmformula.anova_negbin import is_negbin
from glmformula.errors import ArgumentTypeError, GLMError
from glmformula.refit import added_columns, extract_aic, new_formula, refit
from glmformula.result import require_model
from glmformula.scope import key, model_data
from glmformula.stepwise import add1, add_terms, chi2_sf, drop1, drop_terms, table_heading

if TYPE_CHECKING:
    from glmformula.negbin import NegBinResult
    from glmformula.result import GLMResult

_P_NAMES = {"Pr(>Chi)": "Pr(Chi)", "Pr(>F)": "Pr(F)"}


def _check_test(model: GLMResult, test: str | None) -> str | None:
    allowed = (None, "none", "Chisq") if is_negbin(model) else (None, "none", "Chisq", "F")
    if test not in allowed:
        names = "None or 'Chisq'" if is_negbin(model) else "None, 'Chisq' or 'F'"
        raise ArgumentTypeError(f"unknown test {test!r} for this model; use {names}")
    return None if test == "none" else test


def _glm_table(table: AnovaTable, sorted_: bool) -> AnovaTable:
    data = table.data.rename(columns=_P_NAMES)
    if sorted_:
        data = data.iloc[np.argsort(data["AIC"].to_numpy(), kind="stable")]
    return AnovaTable(data=data, heading=table.heading, test=table.test, kind=table.kind)


def _negbin_table(model: GLMResult, names: list[str], rows: list[tuple[float, float]],
                  test: str | None, k: float, drop: bool, sorted_: bool,
                  heading: str) -> AnovaTable:
    """MASS's dropterm.default / addterm.default table from each fit's (edf, AIC)."""
    ans = np.asarray(rows, dtype=float)
    dfs = ans[0, 0] - ans[:, 0] if drop else ans[:, 0] - ans[0, 0]
    dfs[0] = np.nan
    table = pd.DataFrame({"Df": dfs, "AIC": ans[:, 1]}, index=["<none>", *names])
    if test == "Chisq":
        dev = ans[:, 1] - k * ans[:, 0]
        dev = dev - dev[0] if drop else dev[0] - dev
        dev[0] = np.nan
        table["LRT"] = dev
        table["Pr(Chi)"] = chi2_sf(dev, dfs)
    if sorted_:
        table = table.iloc[np.argsort(table["AIC"].to_numpy(), kind="stable")]
    return AnovaTable(data=table, heading=heading, test=test,
                      kind="drop1" if drop else "add1")


def _nb_aic(model: NegBinResult, X: np.ndarray, k: float) -> tuple[float, float]:
    """(edf, AIC) of glm.nb on the columns X, started at the model's theta."""
    from glmformula.negbin import refit_columns

    try:
        nb = refit_columns(model, X)
    except GLMError:
        return np.nan, np.nan
    w = model.response.weights
    edf = float(model.response.y.size - (int(np.sum(w != 0)) - nb.fit.rank))
    return edf, -2 * nb.loglik + k * edf


def dropterm(model: GLMResult, scope: str | Sequence[str] | None = None,
             test: str | None = None, k: float = 2, *, sorted: bool = False,
             data: Any = None, context: Any = None) -> AnovaTable:
    """MASS's ``dropterm(model, scope, test=, k=, sorted=)``.

    ``scope``: None (R's ``drop.scope``), a formula (``.`` is the model's
    terms) or a list of term labels. ``test``: None or "Chisq" ("F" too for a
    glm fit). For a :func:`glmformula.glm_nb` fit, a candidate whose columns
    are the model's less its own is fitted on those columns; any other (a
    term that another term contains) is refitted from its formula, which needs
    ``data``.
    """
    model = require_model(model, "dropterm()")
    test = _check_test(model, test)
    if not is_negbin(model):
        table = drop1(model, test=test, k=k, scope=scope, data=data, context=context)
        return _glm_table(table, sorted)
    names = drop_terms(model, scope, data, context, "dropterm() with a scope formula")
    terms = list(model.design.term_names)
    X = model.model_matrix()
    rows = [extract_aic(model, k)]
    for term in names:
        others = [key(t) for t in terms if t != term]
        if any(key(term) < other for other in others):
            rest = [t for t in terms if t != term]
            frame = model_data(model, data, "dropterm() of a term that another term contains")
            rows.append(extract_aic(refit(model, new_formula(model, rest), frame,
                                          context=context, quiet=True), k))
            continue
        sl = model.design.term_slices[term]
        keep = [j for j in range(X.shape[1]) if not sl.start <= j < sl.stop]
        rows.append(_nb_aic(model, X[:, keep], k))
    return _negbin_table(model, names, rows, test, k, True, sorted,
                         table_heading("Single term deletions", model, data))


def addterm(model: GLMResult, scope: str | Sequence[str], test: str | None = None,
            k: float = 2, *, sorted: bool = False,
            data: Any = None, context: Any = None) -> AnovaTable:
    """MASS's ``addterm(model, scope, test=, k=, sorted=)``.

    ``scope``: a formula of the larger model (``"~ .^2"``, ``"~ . + x"``) or a
    list of term labels; ``data`` the model's data frame. For a
    :func:`glmformula.glm_nb` fit each candidate is a new glm.nb fit (theta
    estimated again, started at the model's).
    """
    model = require_model(model, "addterm()")
    test = _check_test(model, test)
    if not is_negbin(model):
        return _glm_table(add1(model, scope, data=data, test=test, k=k, context=context), sorted)
    frame = model_data(model, data, "addterm()")
    names = add_terms(model, scope, frame, context, "addterm()")
    terms = list(model.design.term_names)
    rows = [extract_aic(model, k)]
    # a candidate inside a model term would change that term's columns: refit from formulas
    by_columns = not any(key(c) < key(t) for c in names for t in terms)
    if by_columns:
        X, base, columns = added_columns(model, names, frame, context)
    for term in names:
        if by_columns:
            rows.append(_nb_aic(model, X[:, np.sort(np.asarray(base + columns[term]))], k))
        else:
            rows.append(extract_aic(refit(model, new_formula(model, [*terms, term]), frame,
                                          context=context, quiet=True), k))
    return _negbin_table(model, names, rows, test, k, False, sorted,
                         table_heading("Single term additions", model, frame))


__all__ = ["addterm", "dropterm"]
