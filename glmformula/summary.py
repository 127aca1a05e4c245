"""R's ``summary.glm`` as data: the coefficient table and the fit statistics.

Rendering lives in :mod:`glmformula.render`; ``str(summary)`` gives R's layout.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> list(m.summary().coefficients.columns)
['Estimate', 'Std. Error', 'z value', 'Pr(>|z|)']
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.distributions import normal_sf, t_sf
from glmformula.errors import ArgumentTypeError, GLMWarning
from glmformula.render.text import DIGITS

if TYPE_CHECKING:
    from glmformula.result import GLMResult


@dataclass(frozen=True)
class Summary:
    """Everything ``print(summary(m))`` shows in R, as plain data."""

    call: str
    family: str
    link: str
    table: pd.DataFrame  # every column of X, aliased rows all NaN
    aliased: pd.Series
    dispersion: float
    dispersion_estimated: bool
    null_deviance: float
    df_null: int
    deviance: float
    df_residual: int
    aic: float
    iterations: int
    n_dropped: int
    # plain-language notes from summary(explain=True); printed after R's layout
    explanations: list[str] = field(default_factory=list, kw_only=True)
    # binomial separation: '+Inf' / '-Inf' by coefficient name for the infinite estimates
    infinite: dict[str, str] = field(default_factory=dict, kw_only=True)
    #: summary(correlation=True): the correlation matrix of the estimates (non-aliased)
    correlation: pd.DataFrame | None = field(default=None, kw_only=True)
    #: significant digits of the printed numbers (R's print.summary.glm digits)
    digits: int = field(default=DIGITS, kw_only=True)

    @property
    def coefficients(self) -> pd.DataFrame:
        """The coefficient table without aliased rows (R's ``coef(summary(m))``)."""
        return self.table.loc[~self.aliased.to_numpy()]

    @property
    def n_aliased(self) -> int:
        """Coefficients not defined because of singularities."""
        return int(self.aliased.sum())

    @property
    def statistic_name(self) -> str:
        """'t value' when the dispersion is estimated, else 'z value'."""
        return str(self.table.columns[2])

    def to_polars(self) -> Any:
        """The coefficient table (:attr:`coefficients`) as a polars DataFrame, the
        coefficient names in a first column "term"."""
        from glmformula.data_input import to_polars

        return to_polars(self.coefficients)

    def to_text(self) -> str:
        """R's printed layout."""
        from glmformula.render.text import render_summary

        return render_summary(self)

    def to_markdown(self) -> str:
        """Markdown: the call, a pipe table of coefficients, legend and fit statistics.

        >>> import glmformula as gf
        >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
        >>> print(m.summary().to_markdown().splitlines()[-2].strip())
        AIC: 560
        """
        from glmformula.render.markdown import render_summary_markdown

        return render_summary_markdown(self)

    def to_html(self) -> str:
        """An HTML fragment with the same content (escaped); see :meth:`to_markdown`."""
        from glmformula.render.html import render_summary_html

        return render_summary_html(self)

    def to_latex(self) -> str:
        """A LaTeX fragment (booktabs tabular, escaped); see :meth:`to_markdown`."""
        from glmformula.render.latex import render_summary_latex

        return render_summary_latex(self)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _text_with_explanations(self) -> str:
        text = self.to_text()
        if not self.explanations:
            return text
        notes = "\n".join(f"* {note}" for note in self.explanations)
        return f"{text}\nWhat these numbers mean:\n{notes}\n"

    def __str__(self) -> str:
        return self._text_with_explanations()

    def __repr__(self) -> str:
        return self._text_with_explanations()


def make_summary(result: GLMResult, explain: bool = False, correlation: bool = False,
                 digits: int | None = None) -> Summary:
    """Collect the summary of a fitted model; ``explain`` adds plain-language notes,
    ``correlation`` the correlation matrix of the estimates, ``digits`` sets the printed
    significant digits (R's default 4)."""
    digits = check_digits(digits)
    estimates = result.coef.to_numpy()
    se = result.std_errors.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = estimates / se
    df_r = result.df_residual
    _zero_weight_warning(result)
    robust = result.cov_type != "nonrobust"  # as lmtest::coeftest(m, vcov. = ...) on a glm
    if not result.dispersion_estimated or robust:
        names = ["z value", "Pr(>|z|)"]
        pvalues = 2 * normal_sf(np.abs(statistic))
    elif df_r > 0:
        names = ["t value", "Pr(>|t|)"]
        pvalues = 2 * t_sf(np.abs(statistic), df_r)
    else:
        names = ["t value", "Pr(>|t|)"]
        se = np.full_like(se, np.nan)
        statistic = np.full_like(se, np.nan)
        pvalues = np.full_like(se, np.nan)
    table = pd.DataFrame(
        {"Estimate": estimates, "Std. Error": se, names[0]: statistic, names[1]: pvalues},
        index=result.column_names,
    )
    return Summary(
        call=result.call,
        family=result.family.label,
        link=result.family.link.name,
        table=table,
        aliased=result.aliased,
        dispersion=result.dispersion,
        dispersion_estimated=result.dispersion_estimated,
        null_deviance=result.null_deviance,
        df_null=result.df_null,
        deviance=result.deviance,
        df_residual=df_r,
        aic=result.aic,  # Inf as R prints it (gaussian with a zero weight); NaN: NA
        iterations=result.iterations,
        n_dropped=result.design.n_dropped,
        explanations=_explanations(result) if explain else [],
        infinite={str(k): str(v) for k, v in result.infinite_estimates.items()}
        if result.infinite_estimates is not None else {},
        correlation=correlation_matrix(result.vcov) if correlation else None,
        digits=digits,
    )


def _zero_weight_warning(result: GLMResult) -> None:
    """R's summary.glm warning when it estimates the dispersion of a fit with zero weights."""
    weights = result.fit.working_weights  # R: object$weights
    if (result.dispersion_estimated and result.df_residual > 0
            and isinstance(weights, np.ndarray) and bool(np.any(weights == 0))):
        warnings.warn("observations with zero weight not used for calculating dispersion",
                      GLMWarning, stacklevel=4)


def check_digits(digits: object) -> int:
    """R's ``digits``: a whole number from 1 to 22 (None: R's default, 4).

    >>> check_digits(None), check_digits(6)
    (4, 6)
    """
    if digits is None:
        return DIGITS
    if isinstance(digits, bool) or not isinstance(digits, int | np.integer) \
            or not 1 <= digits <= 22:
        raise ArgumentTypeError(f"digits must be a whole number from 1 to 22, not {digits!r}")
    return int(digits)


def correlation_matrix(vcov: pd.DataFrame) -> pd.DataFrame:
    """The correlation of the estimates, ``V / outer(sd, sd)`` (R's ``summary.glm``).

    >>> import pandas as pd
    >>> v = pd.DataFrame([[4.0, -1.0], [-1.0, 1.0]], index=["a", "b"], columns=["a", "b"])
    >>> float(correlation_matrix(v).loc["a", "b"])
    -0.5
    """
    sd = np.sqrt(np.diag(vcov.to_numpy()))
    with np.errstate(divide="ignore", invalid="ignore"):
        values = vcov.to_numpy() / np.outer(sd, sd)
    return pd.DataFrame(values, index=vcov.index, columns=vcov.columns)


def _explanations(result: GLMResult) -> list[str]:
    from glmformula.explain import explain

    return explain(result)
