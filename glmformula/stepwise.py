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

import dataclasses
import re
import warnings
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from glmformula.anova import AnovaTable, response_text, score_statistic
from glmformula.errors import ArgumentTypeError, DataError, FormulaError, GLMWarning
from glmformula.matrices import as_dense

if TYPE_CHECKING:
    from glmformula.result import GLMResult

_TESTS = (None, "none", "Chisq", "LRT", "F", "Rao")


def _key(term: str) -> frozenset[str]:
    return frozenset(term.split(":"))


def drop_scope(terms: list[str]) -> list[str]:
    """R's ``drop.scope``: the terms not contained in another term of the model.

    >>> drop_scope(["wool", "tension", "wool:tension"])
    ['wool:tension']
    """
    keys = [_key(t) for t in terms]
    return [t for i, t in enumerate(terms)
            if not any(keys[i] <= keys[j] for j in range(len(terms)) if j != i)]


def add_scope(terms: list[str], upper: list[str]) -> list[str]:
    """R's ``add.scope``: terms of ``upper`` not in the model whose margins are all present.

    >>> add_scope(["wool"], ["wool", "tension", "wool:tension"])
    ['tension']
    """
    have = {_key(t) for t in terms}
    missing = [t for t in terms if _key(t) not in {_key(u) for u in upper}]
    if missing:
        raise FormulaError(
            f"the scope does not contain the model's term(s) {', '.join(missing)}; "
            "give a scope that includes every term of the model"
        )
    cand = [u for u in upper if _key(u) not in have]
    keys = [_key(c) for c in cand]
    return [c for j, c in enumerate(cand)
            if not any(keys[i] < keys[j] for i in range(len(cand)) if i != j)]


def _check_test(test: str | None) -> str:
    if test not in _TESTS:
        raise ArgumentTypeError(f"unknown test {test!r}; use None, 'Chisq', 'LRT', 'F' or 'Rao'")
    if test is None or test == "none":
        return "none"
    return "LRT" if test == "Chisq" else test


def _extract_aic(model: GLMResult, k: float) -> float:
    """R's ``extractAIC.glm``: aic + (k - 2) * edf."""
    edf = model.response.y.size - model.df_residual
    return float(model.aic + (k - 2) * edf)


def _criteria(model: GLMResult, dev: np.ndarray, ranks: np.ndarray,
              k: float) -> tuple[np.ndarray, np.ndarray, float]:
    n = model.response.y.size
    dispersion = float(model.dispersion)
    if model.family.name == "gaussian":
        loglik = n * np.log(dev / n)
    else:
        loglik = dev / dispersion
    aic = loglik + k * ranks
    aic = aic + (_extract_aic(model, k) - aic[0])
    return loglik, aic, dispersion


def _f_warning(model: GLMResult) -> None:
    if model.family.name in ("binomial", "poisson"):
        warnings.warn(f"F test assumes 'quasi{model.family.name}' family", GLMWarning,
                      stacklevel=3)


def _table(model: GLMResult, names: list[str], dev: np.ndarray, dfs: np.ndarray,
           aic: np.ndarray, loglik: np.ndarray, score: np.ndarray, dispersion: float,
           test: str, drop: bool) -> pd.DataFrame:
    from scipy import stats  # imported when needed: it takes most of a second

    table = pd.DataFrame({"Df": dfs, "Deviance": dev, "AIC": aic}, index=names)
    if np.all(np.isnan(aic)):
        table = table.drop(columns="AIC")
    with np.errstate(invalid="ignore", divide="ignore"):
        if test == "LRT":
            stat = np.maximum(0.0, loglik - loglik[0] if drop else loglik[0] - loglik)
            stat[0] = np.nan
            table["LRT" if dispersion == 1 else "scaled dev."] = stat
            table["Pr(>Chi)"] = stats.chi2.sf(stat, dfs)
        elif test == "Rao":
            stat = np.maximum(0.0, score) / dispersion
            table["Rao score" if dispersion == 1 else "scaled Rao sc."] = stat
            table["Pr(>Chi)"] = stats.chi2.sf(stat, dfs)
        elif test == "F":
            _f_warning(model)
            rdf = model.df_residual
            if drop:
                rms = dev[0] / rdf
                fs = np.maximum(0.0, dev - dev[0]) / dfs / rms
                fs[~(dfs >= 1e-4)] = np.nan
                p = stats.f.sf(fs, dfs, rdf)
            else:
                diff = np.maximum(0.0, (dev[0] - dev) / dfs)
                fs = diff / (dev / (rdf - dfs))
                fs[~(dfs >= np.finfo(float).eps)] = np.nan
                p = stats.f.sf(fs, dfs, rdf - dfs)
            table["F value"] = fs
            table["Pr(>F)"] = p
    return table


def _heading(kind: str, model: GLMResult) -> str:
    return f"{kind}\n\nModel:\n{' '.join(model.design.formula.split())}"


def drop1(model: GLMResult, test: str | None = None, k: float = 2) -> AnovaTable:
    """Refit without each droppable term in turn, as R's ``drop1.glm(model, test=, k=)``.

    The candidates are R's ``drop.scope`` (marginality). ``test`` is None
    (R's "none"), "Chisq"/"LRT", "F" or "Rao". Columns ``Df``, ``Deviance``,
    ``AIC`` (absent for quasi families) and the test's columns; first row
    ``<none>``. ``print()`` the table for R's layout.

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
    ...            family="poisson")
    >>> drop1(m).data.round(2)
              Df  Deviance     AIC
    <none>   NaN    210.39  493.06
    wool     1.0    226.43  507.09
    tension  2.0    281.33  560.00
    """
    test = _check_test(test)
    design = model.design
    X = model.model_matrix()
    scope = drop_scope(list(design.term_names))
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
    return AnovaTable(data=table, heading=_heading("Single term deletions", model),
                      test=None if test == "none" else test, kind="drop1")  # type: ignore[arg-type]


def _upper_formula(model: GLMResult, scope: str) -> str:
    if not isinstance(scope, str) or "~" not in scope:
        raise ArgumentTypeError("scope must be a formula string such as '~ wool * tension'")
    rhs = scope.split("~", 1)[1]
    return f"{response_text(model)} ~ {rhs}"


def _upper_design(model: GLMResult, scope: str, data: Any, context: Any) -> Any:
    from glmformula.design import build_design

    if data is None:
        raise ArgumentTypeError("add1() and step() with a scope need data= (the model's data)")
    upper = build_design(_upper_formula(model, scope), data, context=context)
    if upper.X.shape[0] != model.response.y.size:
        raise DataError(
            f"the scope's model uses {upper.X.shape[0]} rows but the model "
            f"{model.response.y.size}: remove missing values in the scope's variables first"
        )
    return upper


def add1(model: GLMResult, scope: str, data: Any, test: str | None = None, k: float = 2,
         context: Any = None) -> AnovaTable:
    """Refit adding each addable term of ``scope`` in turn, as R's ``add1.glm``.

    ``scope`` is a formula string of the larger model (``"~ wool * tension"``;
    its terms must include every term of ``model``, else FormulaError).
    ``data`` is required: the model does not keep its data frame, and the
    larger model matrix is built from it (the same rows must be used).
    ``context`` gives functions used in the scope formula, as in ``glm``.

    >>> import glmformula as gf
    >>> wb = gf.datasets.load("warpbreaks")
    >>> m = gf.glm("breaks ~ wool", data=wb, family="poisson")
    >>> add1(m, "~ wool * tension", data=wb).data.round(2)
              Df  Deviance     AIC
    <none>   NaN    281.33  560.00
    tension  2.0    210.39  493.06
    """
    test = _check_test(test)
    upper = _upper_design(model, scope, data, context)
    cand = add_scope(list(model.design.term_names), list(upper.term_names))
    if not cand:
        raise FormulaError("no terms in scope for adding to the model")
    X = as_dense(upper.X)
    lookup = {_key(t): upper.term_slices[t] for t in upper.term_names}
    base = [0] if model.design.has_intercept else []
    for t in model.design.term_names:
        base += list(range(lookup[_key(t)].start, lookup[_key(t)].stop))
    z0 = model.refit(X[:, sorted(base)])
    dev, ranks, score = [z0.deviance], [z0.rank], [np.nan]
    for term in cand:
        sl = lookup[_key(term)]
        Xi = X[:, sorted(base + list(range(sl.start, sl.stop)))]
        z = model.refit(Xi)
        dev.append(z.deviance)
        ranks.append(z.rank)
        if test == "Rao":
            residuals = z0.working_residuals - model.offset
            score.append(score_statistic(Xi, residuals, z0.working_weights, True))
    dev_a, rank_a = np.asarray(dev, float), np.asarray(ranks, float)
    loglik, aic, dispersion = _criteria(model, dev_a, rank_a, k)
    dfs = rank_a - rank_a[0]
    dfs[0] = np.nan
    table = _table(model, ["<none>", *cand], dev_a, dfs, aic, loglik, np.asarray(score),
                   dispersion, test, drop=False)
    return AnovaTable(data=table, heading=_heading("Single term additions", model),
                      test=None if test == "none" else test, kind="add1")  # type: ignore[arg-type]


def _call_arg(model: GLMResult, name: str) -> str | None:
    found = re.search(rf"\b{name} = ([A-Za-z_][A-Za-z0-9_.]*)", model.call)
    return found.group(1) if found else None


def _new_formula(model: GLMResult, terms: list[str]) -> str:
    rhs = model.design.formula.split("~", 1)[1]
    offsets = re.findall(r"offset\([^()]*(?:\([^()]*\)[^()]*)*\)", rhs)
    parts = [*sorted(terms, key=lambda t: len(t.split(":"))), *offsets]
    if not model.design.has_intercept:
        parts.append("- 1")
    text = " + ".join(parts) if parts else "1"
    return f"{response_text(model)} ~ {text}".replace("+ - 1", "- 1")


def _fmt_aic(value: float) -> str:
    return f"{round(value, 2):.7g}"


def step(model: GLMResult, scope: str | None = None,
         direction: Literal["both", "backward", "forward"] = "both", k: float = 2,
         data: Any = None, trace: bool = True, context: Any = None,
         weights: Any = None, offset: Any = None, steps: int = 1000) -> GLMResult:
    """Stepwise selection by AIC, as R's ``step(model, scope, direction, k)``.

    Without ``scope`` only backward steps are taken (as R). ``scope`` is the
    upper model as a formula string. ``data`` (the model's data frame) is
    required: each chosen model is refitted with :func:`glmformula.glm`.
    ``weights``/``offset`` are passed to ``glm``; by default the column names
    recorded in the model's call are reused. With ``trace`` each step is
    printed as R prints it. Returns the chosen fitted model, whose
    ``step_path`` is R's ``$anova``: a DataFrame with columns Step, Df,
    Deviance, Resid. Df, Resid. Dev and AIC, one row per model on the path,
    and R's heading (initial and final model) in ``.attrs["heading"]``.

    >>> import glmformula as gf
    >>> wb = gf.datasets.load("warpbreaks")
    >>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
    >>> best = step(m, scope="~ wool * tension", data=wb, trace=False)
    >>> best.design.term_names
    ['wool', 'tension', 'wool:tension']
    """
    from glmformula.model import glm

    if data is None:
        raise ArgumentTypeError("step() needs data= (the model's data): it refits models")
    if direction not in ("both", "backward", "forward"):
        raise ArgumentTypeError("direction must be 'both', 'backward' or 'forward'")
    if not np.isfinite(model.aic):
        raise DataError("AIC is not defined for this model, so 'step' cannot proceed")
    backward = direction in ("both", "backward")
    forward = direction in ("both", "forward") and scope is not None
    upper_terms = (list(_upper_design(model, scope, data, context).term_names)
                   if scope is not None else [])
    if weights is None and model.design.prior_weights is not None:
        weights = _call_arg(model, "weights")
    if offset is None:
        offset = _call_arg(model, "offset")

    def refit(formula: str) -> GLMResult:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return glm(formula, data, family=model.family, weights=weights, offset=offset,
                       control=model.control, context=context)

    current = model
    best = _extract_aic(current, k)
    n = current.response.y.size
    out = [f"Start:  AIC={_fmt_aic(best)}\n{' '.join(current.design.formula.split())}\n"]
    path = [{"change": "", "AIC": best, "deviance": current.deviance,
             "df_residual": current.df_residual}]
    while steps > 0:
        steps -= 1
        terms = list(current.design.term_names)
        tables = []
        change = None
        if backward and drop_scope(terms):
            d = drop1(current, k=k).data
            d.index = ["<none>", *("- " + t for t in d.index[1:])]
            zero = [name for name, df in zip(d.index, d["Df"], strict=True) if df == 0]
            if zero:
                change = zero[-1]
            tables.append(d)
        if change is None:
            if forward:
                cand = add_scope(terms, upper_terms)
                if cand:
                    a = add1(current, scope, data, k=k, context=context).data
                    a.index = ["<none>", *("+ " + t for t in a.index[1:])]
                    tables.append(a.iloc[1:] if tables else a)
            if not tables:
                break
            aod = pd.concat(tables)
            aod = aod[aod["Df"].isna() | (aod["Df"] != 0)]
            aod = aod.iloc[np.argsort(aod["AIC"].to_numpy(), kind="stable")]
            if trace:
                from glmformula.render.anova_text import render_anova_text

                shown = AnovaTable(data=aod, heading="", test=None, kind="drop1")  # type: ignore[arg-type]
                out.append(render_anova_text(shown).lstrip("\n"))
            if aod.index[0] == "<none>":
                break
            change = str(aod.index[0])
        sign, term = change[0], change[2:]
        if sign == "-":
            new_terms = [t for t in terms if _key(t) != _key(term)]
        else:
            new_terms = [*terms, term]
        current = refit(_new_formula(current, new_terms))
        if current.response.y.size != n:
            raise DataError("number of rows in use has changed: remove missing values?")
        aic = _extract_aic(current, k)
        out.append(f"\nStep:  AIC={_fmt_aic(aic)}\n{' '.join(current.design.formula.split())}\n")
        if aic >= best + 1e-7:
            break
        best = aic
        path.append({"change": change, "AIC": aic, "deviance": current.deviance,
                     "df_residual": current.df_residual})
    if trace:
        print("\n".join(out))
    return dataclasses.replace(current, step_path=_path_frame(path, model, current))


def _path_frame(path: list[dict[str, Any]], initial: GLMResult, final: GLMResult
                ) -> pd.DataFrame:
    """R's ``step.results``: the models on the path, their changes, deviances and AIC."""
    deviance = np.array([p["deviance"] for p in path], dtype=float)
    df_residual = np.array([p["df_residual"] for p in path], dtype=int)
    frame = pd.DataFrame({
        "Step": [p["change"] for p in path],
        "Df": np.concatenate([[np.nan], np.diff(df_residual)]),
        "Deviance": np.concatenate([[np.nan], np.abs(np.diff(deviance))]),
        "Resid. Df": df_residual,
        "Resid. Dev": deviance,
        "AIC": [p["AIC"] for p in path],
    }, index=[str(i + 1) for i in range(len(path))])
    frame.attrs["heading"] = (
        "Stepwise Model Path \nAnalysis of Deviance Table\n\nInitial Model:\n"
        f"{' '.join(initial.design.formula.split())}\n\nFinal Model:\n"
        f"{' '.join(final.design.formula.split())}\n\n"
    )
    return frame
