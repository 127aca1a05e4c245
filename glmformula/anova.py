"""Analysis of deviance, as R's ``anova.glm`` (one model) and ``anova.glmlist`` (several).

One model gives the sequential table: the model is refitted adding its terms
one at a time, from the null model (intercept and offset) to the full model.

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
>>> tab = gf.anova(m)
>>> tab.data.round(4)
          Df  Deviance  Resid. Df  Resid. Dev  Pr(>Chi)
NULL     NaN       NaN         53    297.3722       NaN
wool     1.0   16.0388         52    281.3335    0.0001
tension  2.0   70.9416         50    210.3919    0.0000

Several models give the comparison table, one row per model:

>>> m0 = gf.glm("breaks ~ wool", data=wb, family="poisson")
>>> gf.anova(m0, m).data.round(4)
   Resid. Df  Resid. Dev   Df  Deviance  Pr(>Chi)
1         52    281.3335  NaN       NaN       NaN
2         50    210.3919  2.0   70.9416       0.0
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from glmformula.anova_negbin import WARNING as NEGBIN_WARNING
from glmformula.anova_negbin import compare_negbin, is_negbin
from glmformula.errors import ArgumentTypeError, DataError, GLMWarning
from glmformula.result import require_model

if TYPE_CHECKING:
    from glmformula.result import GLMResult

TestName = Literal["Chisq", "LRT", "F", "Rao", "Cp"]
_TESTS = ("Chisq", "LRT", "F", "Rao", "Cp")


@dataclass(frozen=True)
class AnovaTable:
    """An analysis-of-deviance table as data: R's columns, row names and heading.

    ``str()`` (or ``print()``) gives R's ``print.anova`` layout.
    """

    data: pd.DataFrame
    heading: str
    test: str | None
    kind: Literal["sequential", "comparison", "drop1", "add1", "type2", "type3", "negbin"]

    def __str__(self) -> str:
        from glmformula.render.anova_text import render_anova_text

        return render_anova_text(self)

    def __repr__(self) -> str:
        """R's layout, as the console shows it (not the dataclass fields)."""
        return str(self)

    def to_text(self) -> str:
        """R's printed layout (same as ``str()``)."""
        return str(self)

    def to_markdown(self) -> str:
        """Markdown: heading, a pipe table with R's formatted numbers, and the legend.

        >>> import glmformula as gf
        >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
        >>> print(gf.anova(m, test=False).to_markdown().splitlines()[-1])
        | wool |    1 |     16.039 |          52 |       281.33 |
        """
        from glmformula.render.markdown import render_anova_markdown

        return render_anova_markdown(self)

    def to_html(self) -> str:
        """An HTML fragment with the same content (escaped); see :meth:`to_markdown`."""
        from glmformula.render.html import render_anova_html

        return render_anova_html(self)

    def to_latex(self) -> str:
        """A LaTeX fragment (booktabs tabular, escaped); see :meth:`to_markdown`."""
        from glmformula.render.latex import render_anova_latex

        return render_anova_latex(self)

    def to_polars(self) -> Any:
        """The table as a polars DataFrame, R's row names in a first column "term"."""
        from glmformula.data_input import to_polars

        return to_polars(self.data)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # pragma: no cover
        printer.text(str(self))


def anova(
    model: GLMResult,
    *more_models: GLMResult,
    test: TestName | Literal["LR", "Wald"] | None | Literal[False] = None,
    dispersion: float | None = None,
    type: Literal[1, 2, 3] = 1,
) -> AnovaTable:
    """Analysis of deviance for one model (sequential terms) or several (comparison).

    For :func:`glmformula.glm_nb` fits, several models give MASS's
    likelihood-ratio table and one model the sequential table with theta
    fixed (:mod:`glmformula.anova_negbin`).

    ``type=2`` or ``type=3`` (one model) gives the Type II or Type III tests of
    ``car::Anova(m, type=..., test.statistic="LR")`` (see
    :mod:`glmformula.anova_types`); ``test="F"`` or ``test="Wald"`` there gives
    car's ``test.statistic="F"`` or ``"Wald"`` tables.

    ``test`` is one of R's "Chisq" (same as "LRT"), "F", "Rao", "Cp"; ``None``
    picks R >= 4.3's default ("Chisq" when the dispersion is fixed or given,
    "F" when estimated) and ``False`` gives no test. ``dispersion`` fixes the
    dispersion used by the tests (else that of the largest model).

    >>> import glmformula as gf
    >>> bw = gf.datasets.load("warpbreaks")
    >>> m = gf.glm("breaks ~ wool", data=bw, family="quasipoisson")
    >>> list(gf.anova(m).data.columns)
    ['Df', 'Deviance', 'Resid. Df', 'Resid. Dev', 'F', 'Pr(>F)']
    >>> list(gf.anova(m, test=False).data.columns)
    ['Df', 'Deviance', 'Resid. Df', 'Resid. Dev']
    """
    models = tuple(require_model(m, "anova()") for m in (model, *more_models))
    if type in (2, 3, "II", "III"):
        if more_models:
            raise ArgumentTypeError("type=2 and type=3 tests take a single model")
        from glmformula.anova_types import anova_types

        return anova_types(model, type=type,
                           test="LR" if test in (None, "LR", "Chisq", "LRT") else str(test))
    if type != 1:
        raise ArgumentTypeError(f"type must be 1, 2 or 3, not {type!r}")
    if test is not False and test is not None and test not in _TESTS:
        raise ArgumentTypeError(
            f"unknown test {test!r}; use 'Chisq', 'LRT', 'F', 'Rao', 'Cp', None or False"
        )
    if any(is_negbin(m) for m in models):
        if more_models:
            return compare_negbin(models, test)
        warnings.warn(NEGBIN_WARNING, GLMWarning, stacklevel=2)
        test = "Chisq" if test is None else test
    if test is None:
        big = min(models, key=lambda m: m.df_residual)
        test = "Chisq" if dispersion is not None or big.family.fixed_dispersion else "F"
    chosen: str | None = None if test is False else test
    if more_models:
        return _comparison(list(models), chosen, dispersion)
    return _sequential(model, chosen, dispersion)


# --- helpers -------------------------------------------------------------------
def response_text(model: GLMResult) -> str:
    return " ".join(model.design.formula.split("~", 1)[0].split())


def _formula_text(model: GLMResult) -> str:
    from glmformula.formula_text import display_formula  # a formula's "." expanded, as R

    return display_formula(model)


def score_statistic(X: np.ndarray, r: np.ndarray, w: np.ndarray, intercept: bool,
                    offset: np.ndarray | None = None) -> float:
    """R's score statistic: gaussian ``glm.fit(X, r, w, offset=)``'s null minus residual deviance.

    glm.fit's null deviance ignores the offset when there is an intercept (the
    weighted mean of ``r``), so with an offset (``add1.glm`` passes the model's)
    the difference is taken as R takes it and may be negative. Without one it is
    the weighted sum of squares of the fit's projection (minus the null fit's), the
    same number computed so that it cannot come out below zero by rounding.
    """
    keep = w > 0
    X, r, w = X[keep], r[keep], w[keep]
    sw = np.sqrt(w)
    mean = float(np.sum(w * r) / np.sum(w)) if intercept else 0.0
    target = r if offset is None else r - offset[keep]
    if X.shape[1] == 0:
        fitted = np.zeros_like(r)
    else:
        coef = np.linalg.lstsq(X * sw[:, None], target * sw, rcond=None)[0]
        fitted = X @ coef
    if offset is None and (not intercept or _spans_constant(X * sw[:, None], sw)):
        return float(np.sum(w * (fitted - mean) ** 2))
    null = float(np.sum(w * (r - mean) ** 2))
    return null - float(np.sum(w * (target - fitted) ** 2))


def _spans_constant(xw: np.ndarray, sw: np.ndarray) -> bool:
    """Whether the weighted columns ``xw`` span the weighted constant ``sw``."""
    if xw.shape[1] == 0:
        return False
    coef = np.linalg.lstsq(xw, sw, rcond=None)[0]
    return bool(np.linalg.norm(sw - xw @ coef) <= 1e-7 * np.linalg.norm(sw))


def f_sf(f: np.ndarray, df1: np.ndarray, df2: float) -> np.ndarray:
    """P(F > f) for the F(df1, df2) distribution, df2 = inf included (R's ``pf``).

    scipy gives NaN for an infinite denominator; the limit is chi-squared:
    P(F(df1, inf) > f) = P(chi2(df1) > df1 f).

    >>> [round(float(p), 6) for p in f_sf(np.array([3.0]), np.array([2.0]), math.inf)]
    [0.049787]
    """
    from scipy import stats  # imported when needed: it takes most of a second

    with np.errstate(invalid="ignore"):
        if math.isinf(df2):
            return np.asarray(stats.chi2.sf(f * df1, df1), dtype=float)
        return np.asarray(stats.f.sf(f, df1, df2), dtype=float)


def _f_warning(model: GLMResult) -> None:
    if model.family.unit_dispersion:
        message = f"using F test with a '{model.family.name}' family is inappropriate"
    else:
        message = "using F test with a fixed dispersion is inappropriate"
    warnings.warn(message, GLMWarning, stacklevel=4)


def _add_test(table: pd.DataFrame, test: str, scale: float, df_scale: float,
              n: int) -> pd.DataFrame:
    """R's ``stat.anova``."""
    from scipy import stats  # imported when needed: it takes most of a second

    table = table.copy()
    dfs = table["Df"].to_numpy(dtype=float)
    if test in ("Chisq", "LRT", "Rao"):
        col = "Rao" if test == "Rao" else "Deviance"
        with np.errstate(invalid="ignore"):
            vals = table[col].to_numpy(dtype=float) / scale * np.sign(dfs)
        vals[dfs == 0] = np.nan
        vals[~np.isnan(vals) & (vals < 0)] = np.nan
        table["Pr(>Chi)"] = stats.chi2.sf(vals, np.abs(dfs))
    elif test == "F":
        with np.errstate(invalid="ignore", divide="ignore"):
            fvalue = table["Deviance"].to_numpy(dtype=float) / dfs / scale
        fvalue[dfs == 0] = np.nan
        fvalue[~np.isnan(fvalue) & (fvalue < 0)] = np.nan
        table["F"] = fvalue
        table["Pr(>F)"] = f_sf(fvalue, np.abs(dfs), df_scale)
    else:  # Cp
        table["Cp"] = (table["Resid. Dev"].to_numpy(dtype=float)
                       + 2 * scale * (n - table["Resid. Df"].to_numpy(dtype=float)))
    return table


def _sequential(model: GLMResult, test: str | None, dispersion: float | None) -> AnovaTable:
    design = model.design
    slices = list(design.term_slices.items())
    intercept = bool(design.has_intercept)
    base = [0] if intercept else []
    columns = list(base)
    resdf, resdev = [model.df_null], [model.null_deviance]
    scores: list[float] = []
    n_ok = model.nobs

    doscore = test == "Rao"
    refit = model.column_refitter()
    if doscore:
        X = model.model_matrix()
        current = refit(columns)
    for i, (_, sl) in enumerate(slices):
        columns = columns + list(range(sl.start, sl.stop))
        last = i == len(slices) - 1
        if doscore:
            scores.append(score_statistic(X[:, columns], current.working_residuals,
                                 current.working_weights, intercept))
        if last:
            break
        step = refit(columns)
        resdev.append(step.deviance)
        resdf.append(n_ok - step.rank)
        if doscore:
            current = step
    if slices:
        resdf.append(model.df_residual)
        resdev.append(model.deviance)
    names = ["NULL"] + [name for name, _ in slices]
    rdf = np.asarray(resdf, dtype=float)
    rdev = np.asarray(resdev, dtype=float)
    table = pd.DataFrame({
        "Df": np.concatenate([[np.nan], -np.diff(rdf)]),
        "Deviance": np.concatenate([[np.nan], np.maximum(0.0, -np.diff(rdev))]),
        "Resid. Df": np.asarray(resdf, dtype=int),
        "Resid. Dev": rdev,
    }, index=names)
    if doscore:
        table["Rao"] = [np.nan, *scores]
    heading = (
        "Analysis of Deviance Table\n\n"
        f"Model: {model.family.label}, link: {model.family.link.name}\n\n"
        f"Response: {response_text(model)}\n\n"
        "Terms added sequentially (first to last)\n\n"
    )
    if test is not None:
        if dispersion is None:
            scale = float(model.dispersion)
            df_scale = math.inf if scale == 1 else float(model.df_residual)
        else:
            scale, df_scale = float(dispersion), math.inf
        if test == "F" and df_scale == math.inf:
            _f_warning(model)
        table = _add_test(table, test, scale, df_scale, model.n_rows)
    return AnovaTable(data=table, heading=heading, test=test, kind="sequential")


def _comparison(models: list[GLMResult], test: str | None,
                dispersion: float | None) -> AnovaTable:
    responses = [response_text(m) for m in models]
    same = [resp == responses[0] for resp in responses]
    if not all(same):
        dropped = [resp for resp, s in zip(responses, same, strict=True) if not s]
        warnings.warn(f"models with response {dropped} removed because response differs "
                      "from model 1", GLMWarning, stacklevel=3)
        models = [m for m, s in zip(models, same, strict=True) if s]
    sizes = [m.n_rows for m in models]
    if any(size != sizes[0] for size in sizes):
        raise DataError(
            "models were not all fitted to the same size of dataset (rows used: "
            f"{', '.join(map(str, sizes))}); refit them on the same rows, e.g. after "
            "dropping the rows with missing values in any model's variables"
        )
    if len(models) == 1:
        return _sequential(models[0], test, dispersion)
    resdf = np.array([m.df_residual for m in models], dtype=float)
    resdev = np.array([m.deviance for m in models], dtype=float)
    table = pd.DataFrame({
        "Resid. Df": np.asarray(resdf, dtype=int),
        "Resid. Dev": resdev,
        "Df": np.concatenate([[np.nan], -np.diff(resdf)]),
        "Deviance": np.concatenate([[np.nan], -np.diff(resdev)]),
    }, index=[str(i + 1) for i in range(len(models))])
    if test == "Rao":
        df = -np.diff(resdf)
        score = [np.nan]
        for i in range(len(models) - 1):
            small, large = ((models[i], models[i + 1]) if df[i] > 0
                            else (models[i + 1], models[i]))
            value = score_statistic(large.model_matrix(), small.fit.working_residuals,
                           small.fit.working_weights, bool(small.design.has_intercept))
            score.append(-value if df[i] < 0 else value)
        table["Rao"] = score
    width = len(str(len(models)))
    topnote = "\n".join(f"Model {str(i + 1).rjust(width)}: {_formula_text(m)}"
                        for i, m in enumerate(models))
    heading = "Analysis of Deviance Table\n\n" + topnote
    if test is not None:
        big = models[int(np.argmin(resdf))]
        scale = float(big.dispersion) if dispersion is None else float(dispersion)
        df_scale = math.inf if scale == 1 else float(np.min(resdf))
        if test == "F" and df_scale == math.inf:
            _f_warning(big)
        table = _add_test(table, test, scale, df_scale, big.n_rows)
    return AnovaTable(data=table, heading=heading, test=test, kind="comparison")
