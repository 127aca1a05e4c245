"""MASS's ``anova()`` for negative binomial fits with theta estimated (``anova.negbin``).

Several :func:`glmformula.glm_nb` fits are compared by likelihood-ratio tests
on their log-likelihoods (each at its own theta), ordered by decreasing
residual degrees of freedom. A single fit gets the sequential table of
``anova.glm`` with theta held at its estimate, and MASS's warning that theta
was not re-estimated.

>>> import glmformula as gf
>>> quine = gf.datasets.load("quine")
>>> small = gf.glm_nb("Days ~ Eth", data=quine)
>>> large = gf.glm_nb("Days ~ Eth + Lrn", data=quine)
>>> table = gf.anova(small, large)
>>> list(table.data["Test"]), int(table.data["   df"].iloc[1])
(['', '1 vs 2'], 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeGuard

import numpy as np
import pandas as pd

from glmformula.errors import ArgumentTypeError

if TYPE_CHECKING:
    from glmformula.anova import AnovaTable
    from glmformula.negbin import NegBinResult
    from glmformula.result import GLMResult

WARNING = "tests made without re-estimating 'theta'"
HEADING = "Likelihood ratio tests of Negative Binomial Models\n"


def is_negbin(model: object) -> TypeGuard[NegBinResult]:
    """True for a :func:`glmformula.glm_nb` fit (theta estimated)."""
    return hasattr(model, "twologlik") and hasattr(model, "theta")


def _sides(model: GLMResult) -> tuple[str, str]:
    """Response and right-hand side as R prints them (a formula's ``.`` expanded)."""
    from glmformula.formula_text import display_formula

    lhs, rhs = display_formula(model).split("~", 1)
    return " ".join(lhs.split()), " ".join(rhs.split())


def compare_negbin(models: Sequence[GLMResult], test: str | bool | None) -> AnovaTable:
    """The likelihood-ratio table of ``anova(m1, m2, ...)`` for glm.nb fits."""
    from glmformula.anova import AnovaTable

    if not all(is_negbin(m) for m in models):
        raise ArgumentTypeError(
            "not all models are negative binomial fits from gf.glm_nb(); compare glm_nb "
            "fits with each other"
        )
    if test not in (None, "Chisq", "LRT"):
        raise ArgumentTypeError(
            f"only likelihood-ratio (Chisq) tests compare negative binomial fits, not {test!r}"
        )
    order = np.argsort([-m.df_residual for m in models], kind="stable")
    ordered = [models[i] for i in order]
    responses = list(dict.fromkeys(_sides(m)[0] for m in ordered))
    from scipy import stats  # imported when needed: it takes most of a second

    dfs = np.array([m.df_residual for m in ordered], dtype=float)
    loglik = np.array([m.twologlik for m in ordered], dtype=float)
    df = np.concatenate([[np.nan], -np.diff(dfs)])
    lr = np.concatenate([[np.nan], np.diff(loglik)])
    with np.errstate(invalid="ignore"):
        p = np.concatenate([[np.nan], 1 - stats.chi2.cdf(lr[1:], df[1:])])
    n = len(ordered)
    data = pd.DataFrame({
        "Model": [_sides(m)[1] for m in ordered],
        "theta": [float(m.theta) for m in ordered],
        "Resid. df": dfs,
        "   2 x log-lik.": loglik,
        "Test": [""] + [f"{i} vs {i + 1}" for i in range(1, n)],
        "   df": df,
        "LR stat.": lr,
        "Pr(Chi)": p,
    }, index=[str(i + 1) for i in range(n)])
    heading = HEADING + "\n" + f"Response: {' '.join(responses)}"
    return AnovaTable(data=data, heading=heading, test="Chisq", kind="negbin")
