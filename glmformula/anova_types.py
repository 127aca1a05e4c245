"""Type II and Type III tests, as ``car::Anova(model, type=, test.statistic=)``.

Reached through ``gf.anova(m, type=2 | 3, test="LR" | "F")``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from glmformula.anova import AnovaTable, response_text
from glmformula.errors import ArgumentTypeError
from glmformula.result import require_model

if TYPE_CHECKING:
    from glmformula.result import GLMResult


def _term_factors(name: str) -> frozenset[str]:
    """The variables of a term name such as ``"lot:log(u)"`` (split at top-level colons)."""
    parts, depth, current = [], 0, ""
    for char in name:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == ":" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return frozenset(p.strip() for p in parts)


def _conjugate_complement(x: np.ndarray, z: np.ndarray, ip: np.ndarray) -> np.ndarray:
    """car's ``ConjComp``: a basis of the part of span(z) orthogonal to span(x) in ``ip``."""
    cross = z.T @ ip @ x
    u, sv, _ = np.linalg.svd(cross, full_matrices=True)
    rank = int(np.sum(sv > 1e-7 * sv[0])) if sv.size and sv[0] > 0 else 0
    return z @ u[:, rank:]


def _wald_table(model: GLMResult, kind: int, names: list[str],
                factors: dict[str, frozenset[str]]) -> tuple[list[str], list[int], list[float]]:
    """car's ``Anova.default`` Wald chi-squared tests (type II or III) from ``vcov(m)``."""
    keep = ~np.asarray(model.fit.aliased, dtype=bool)
    position = np.cumsum(keep) - 1  # column j -> its place among the non-aliased
    coef = np.asarray(model.coef, dtype=float)[keep]
    vcov = model.vcov.to_numpy(dtype=float)
    slices = model.design.term_slices

    def columns(terms: list[str]) -> list[int]:
        return [int(position[j]) for t in terms for j in range(slices[t].start, slices[t].stop)
                if keep[j]]

    def hypothesis(rows: list[int]) -> np.ndarray:
        return np.eye(len(coef))[rows, :]

    labels, dfs, stats_ = [], [], []
    if kind == 3:
        tested = (["(Intercept)"] if model.design.has_intercept else []) + names
    else:
        tested = names
    for name in tested:
        if name == "(Intercept)":
            lmat = hypothesis([int(position[model.column_names.index("(Intercept)")])])
        elif kind == 3:
            lmat = hypothesis(columns([name]))
        else:
            rels = [o for o in names if o != name and factors[name] <= factors[o]]
            large = hypothesis(columns([*rels, name]))
            small = hypothesis(columns(rels))
            lmat = large if small.shape[0] == 0 else _conjugate_complement(
                small.T, large.T, vcov).T
        lmat = lmat[~np.all(lmat == 0, axis=1)]
        if lmat.shape[0] == 0:
            continue
        value = lmat @ coef
        stat = float(value @ np.linalg.solve(lmat @ vcov @ lmat.T, value))
        labels.append(name)
        dfs.append(lmat.shape[0])
        stats_.append(abs(stat))
    return labels, dfs, stats_


def anova_types(
    model: GLMResult,
    type: Literal[2, 3, "II", "III"] = 2,
    test: Literal["LR", "F", "Wald"] | str = "LR",
) -> AnovaTable:
    """Type II or Type III tests, as ``car::Anova(model, type=, test.statistic=)``.

    Type II tests each term after every term that does not contain it
    (marginality): the model without the term and the terms containing it
    against the model without only the terms containing it. Type III drops
    each term's columns from the full model. Type III depends on the coding of
    the factors: it is meaningful with sum-to-zero contrasts; with the
    treatment contrasts glmformula uses, a main effect in a model with its
    interactions is tested at the reference levels of the other factors.
    Type III needs an intercept and a full-rank model.

    ``test="LR"`` gives likelihood-ratio tests (``LR Chisq``, ``Df``,
    ``Pr(>Chisq)``; deviance differences divided by the dispersion);
    ``test="F"`` gives car's F tests with the error estimated from the
    Pearson residuals (``Sum Sq``, ``Df``, ``F value``, ``Pr(>F)`` and a
    ``Residuals`` row). ``test="Wald"`` gives car's Wald chi-squared tests
    from ``vcov(m)`` (``Df``, ``Chisq``, ``Pr(>Chisq)``; Type III adds an
    ``(Intercept)`` row), as ``car::Anova(m, test.statistic="Wald")``.

    >>> import glmformula as gf
    >>> wb = gf.datasets.load("warpbreaks")
    >>> m = gf.glm("breaks ~ wool * tension", data=wb, family="poisson")
    >>> gf.anova(m, type=2).data.round(4)
                  LR Chisq  Df  Pr(>Chisq)
    wool           16.0388   1      0.0001
    tension        70.9416   2      0.0000
    wool:tension   28.0868   2      0.0000
    >>> gf.anova(m, type=3).data.round(4)
                  LR Chisq  Df  Pr(>Chisq)
    wool           33.2735   1         0.0
    tension        75.3531   2         0.0
    wool:tension   28.0868   2         0.0
    """
    from scipy import stats  # imported when needed: it takes most of a second

    model = require_model(model, "anova()")
    kind = {2: 2, "II": 2, "2": 2, 3: 3, "III": 3, "3": 3}.get(type)
    if kind is None:
        raise ArgumentTypeError(f"type must be 2 or 3, not {type!r}")
    if test not in ("LR", "F", "Wald"):
        raise ArgumentTypeError(
            f"test must be 'LR', 'Wald' or 'F' for Type II/III tests, not {test!r}")
    design = model.design
    names = list(design.term_slices)
    if not names:
        raise ArgumentTypeError("the model has no terms to test")
    if kind == 3:
        if not design.has_intercept:
            raise ArgumentTypeError(
                "Type III tests need a model with an intercept: without one, dropping a "
                "factor's columns does not test the factor; use type=2"
            )
        if bool(np.any(model.fit.aliased)):
            aliased = [c for c, a in zip(model.column_names, model.fit.aliased, strict=True)
                       if a]
            raise ArgumentTypeError(
                "Type III tests need a full-rank model: there are aliased coefficients "
                f"({', '.join(aliased)})"
            )
    factors = {name: _term_factors(name) for name in names}
    label = "II" if kind == 2 else "III"
    heading = (f"Analysis of Deviance Table (Type {label} tests)\n\n"
               f"Response: {response_text(model)}")
    if test == "Wald":
        rows, wald_df, chisq = _wald_table(model, kind, names, factors)
        table = pd.DataFrame({"Df": np.asarray(wald_df, dtype=int), "Chisq": chisq,
                              "Pr(>Chisq)": stats.chi2.sf(chisq, wald_df)}, index=rows)
        return AnovaTable(data=table, heading=heading, test="Wald",
                          kind="type2" if kind == 2 else "type3")
    ncol = len(model.column_names)
    fit_columns = model.column_refitter()

    def refit(exclude: list[str]) -> tuple[float, int]:
        drop: set[int] = set()
        for name in exclude:
            sl = design.term_slices[name]
            drop.update(range(sl.start, sl.stop))
        cols = [j for j in range(ncol) if j not in drop]
        step = fit_columns(cols)
        return float(step.deviance), int(step.rank)

    full = (float(model.deviance), int(model.rank))
    dev_diff, dfs = [], []
    for name in names:
        if kind == 2:
            rels = [other for other in names
                    if other != name and factors[name] <= factors[other]]
            small = refit([name, *rels])
            large = refit(rels) if rels else full
        else:
            small, large = refit([name]), full
        df = large[1] - small[1]
        dfs.append(df)
        dev_diff.append(np.nan if df == 0 else small[0] - large[0])
    dev = np.asarray(dev_diff, dtype=float)
    df_arr = np.asarray(dfs, dtype=float)
    if test == "LR":
        lr = dev / float(model.dispersion)
        with np.errstate(invalid="ignore"):
            p = stats.chi2.sf(lr, df_arr)
        table = pd.DataFrame({"LR Chisq": lr, "Df": np.asarray(dfs, dtype=int),
                              "Pr(>Chisq)": p}, index=names)
        return AnovaTable(data=table, heading=heading, test="LR",
                          kind="type2" if kind == 2 else "type3")
    df_res = int(model.df_residual)
    error_ss = model.pearson_chi2
    scale = error_ss / df_res
    with np.errstate(invalid="ignore", divide="ignore"):
        fvalue = dev / (scale * df_arr)
        p = stats.f.sf(fvalue, df_arr, df_res)
    table = pd.DataFrame({
        "Sum Sq": np.append(dev, error_ss),
        "Df": np.append(np.asarray(dfs, dtype=int), df_res),
        # car's Type III table spells this column "F values"
        "F value" if kind == 2 else "F values": np.append(fvalue, np.nan),
        "Pr(>F)": np.append(p, np.nan),
    }, index=[*names, "Residuals"])
    heading += "\nError estimate based on Pearson residuals \n"
    return AnovaTable(data=table, heading=heading, test="F",
                      kind="type2" if kind == 2 else "type3")
