"""The result of a bias-reduced fit: a GLMResult with brglm2's dispersion and summary.

brglm2's ``summary.brglmFit`` is R's ``summary.glm`` with the dispersion that
brglmFit estimated (so z tests, also for Gamma or gaussian fits), the
deviance residuals' quantiles, and the line "Type of estimator: ...".
Confidence intervals are Wald intervals (brglm2's ``confint`` is
``confint.default``); refits (``anova(m)``, ``drop1``, ``step``) use the same
estimator.

>>> import glmformula as gf
>>> d = {"x": [0, 0, 0, 0, 1, 1, 1, 1], "y": [0, 0, 1, 1, 1, 1, 1, 1]}
>>> m = gf.glm("y ~ x", data=d, family="binomial", method="brglmFit")
>>> print(str(m.summary()).splitlines()[-2])
Type of estimator: AS_mixed (mixed bias-reducing adjusted score equations)
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from glmformula.brglm_adjustments import TYPES
from glmformula.errors import ArgumentTypeError
from glmformula.irls import IRLSFit
from glmformula.render.anova_text import _zapsmall
from glmformula.render.text import render_summary
from glmformula.result import GLMResult
from glmformula.rformat import format_numbers
from glmformula.rprint import named_vector_lines
from glmformula.summary import Summary


@dataclass(frozen=True)
class BRInfo:
    """What a brglm fit adds: the estimator, the method as given, the dispersion brglmFit
    estimated (1 for binomial and poisson; NaN with no residual degrees of freedom) and its
    maximum likelihood estimate at the starting values."""

    type: str
    method: str
    dispersion: float
    dispersion_ml: float

    @property
    def description(self) -> str:
        """brglm2's description of the estimator."""
        return TYPES[self.type]


@dataclass(frozen=True, eq=False, repr=False)
class BRGLMResult(GLMResult):
    """A bias-reduced fit (``gf.glm(..., method="brglmFit")``)."""

    brglm: BRInfo | None = None

    @property
    def info(self) -> BRInfo:
        """The estimator and its dispersion."""
        if self.brglm is None:  # set by fit_brglm; None only as the dataclass default
            raise ArgumentTypeError("this result was not made by method='brglmFit'")
        return self.brglm

    @property
    def type(self) -> str:
        """The estimator (brglm2's ``type``)."""
        return self.info.type

    @cached_property
    def dispersion(self) -> float:
        """The dispersion as brglmFit estimates it (by its own adjusted score equation)."""
        return float(self.info.dispersion)

    @property
    def dispersion_estimated(self) -> bool:
        """False: brglm2's summary passes the dispersion to summary.glm, so tests are z tests."""
        return False

    def confint(self, level: float = 0.95, method: str = "wald",
                parm: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Wald intervals, as brglm2's ``confint`` (``confint.default``); profile intervals
        of the likelihood do not apply to adjusted score estimates."""
        if method == "profile":
            raise ArgumentTypeError(
                "profile-likelihood intervals are not available for a bias-reduced fit "
                "(brglm2's confint gives Wald intervals); use m.confint(method='wald')")
        return super().confint(level, method, parm)

    def refit(self, X: np.ndarray) -> IRLSFit:
        """The same estimator on other columns X (R's anova.glm refits with the method)."""
        from glmformula.brglm import refit_columns

        return refit_columns(self, X)

    def column_refitter(self) -> Callable[[list[int]], IRLSFit]:
        X = self.model_matrix()
        return lambda columns: self.refit(X[:, columns])

    def summary(self, explain: bool = False, correlation: bool = False,
                digits: int | None = None) -> Summary:
        """brglm2's ``summary``: R's layout with the deviance residuals and the estimator."""
        base = super().summary(explain=explain, correlation=correlation, digits=digits)
        values = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        if explain:
            from glmformula.brglm_explain import explain_brglm

            values["explanations"] = [*explain_brglm(self), *values["explanations"]]
        return BRSummary(**values, type=self.type,
                         deviance_residuals=self._deviance_residuals())

    def _deviance_residuals(self) -> pd.Series:
        """R's ``summary.glm`` deviance residuals: of every row (0 where the prior weight is
        0; every one 0 without residual degrees of freedom, as ``residuals.glm``)."""
        if self.df_residual <= 0:
            return pd.Series(np.zeros(self.n_rows), dtype=float)
        residuals = self.residuals("deviance")
        values = np.asarray(residuals, dtype=float)
        if self.df_residual > 5:
            return pd.Series(np.nanquantile(values, [0, 0.25, 0.5, 0.75, 1]),
                             index=["Min", "1Q", "Median", "3Q", "Max"])
        return pd.Series(values, index=r_row_labels(residuals.index))


def r_row_labels(index: pd.Index) -> list[str]:
    """R's row names: 1-based numbers for a default integer index, else the labels."""
    if isinstance(index, pd.RangeIndex) or pd.api.types.is_integer_dtype(index):
        return [str(int(i) + 1) for i in index]
    return [str(i) for i in index]


@dataclass(frozen=True)
class BRSummary(Summary):
    """brglm2's summary: R's with the deviance residuals and the type of estimator."""

    type: str = "AS_mixed"
    deviance_residuals: pd.Series | None = None

    def to_text(self) -> str:
        return render_brglm_summary(self)

    @property
    def estimator_line(self) -> str:
        """brglm2's "Type of estimator: AS_mixed (mixed bias-reducing ...)"."""
        return f"Type of estimator: {self.type} ({TYPES[self.type]})"

    def _before_iterations(self, text: str, line: str) -> str:
        mark = "Number of Fisher Scoring iterations"
        head, found, tail = text.rpartition(mark)
        if not found:
            return text
        start = head.rfind("\n") + 1  # the line's prefix (LaTeX's \noindent)
        return head[:start] + line + head[start:] + mark + tail

    def to_markdown(self) -> str:
        return self._before_iterations(super().to_markdown(), f"{self.estimator_line}  \n")

    def to_html(self) -> str:
        return self._before_iterations(super().to_html(),
                                       f"{html.escape(self.estimator_line)}<br>\n")

    def to_latex(self) -> str:
        return self._before_iterations(super().to_latex(),
                                       f"\\noindent {self.estimator_line}\\par\n")


def _residual_lines(residuals: pd.Series, digits: int) -> list[str]:
    values = _zapsmall([float(v) for v in residuals], digits + 1)
    texts = [s.strip() for s in format_numbers(values, digits)]
    if isinstance(residuals.index, pd.RangeIndex):  # unnamed: R's [1] prefix
        width = max(len(t) for t in texts)
        return ["[1]" + "".join("  " + t.rjust(width) for t in texts)]
    return named_vector_lines([str(i) for i in residuals.index], texts)


def render_brglm_summary(summary: BRSummary) -> str:
    """R's ``print(summary(m))`` for a brglm fit (brglm2's ``print.summary.brglmFit``)."""
    lines = render_summary(summary).split("\n")
    start = lines.index("Coefficients:") if "Coefficients:" in lines else \
        next(k for k, line in enumerate(lines) if line.startswith(("Coefficients", "No Coef")))
    residuals = [] if summary.deviance_residuals is None else \
        ["Deviance Residuals: ", *_residual_lines(summary.deviance_residuals, summary.digits),
         ""]
    lines[start:start] = residuals
    aic = next(k for k, line in enumerate(lines) if line.startswith("AIC: "))
    value = "NA" if math.isnan(summary.aic) else format_numbers(
        [summary.aic], max(4, summary.digits + 1))[0]
    lines[aic] = f"AIC:  {value}"
    iterations = next(k for k, line in enumerate(lines)
                      if line.startswith("Number of Fisher Scoring"))
    lines[iterations - 1: iterations + 1] = [
        "", f"Type of estimator: {summary.type} ({TYPES[summary.type]})", lines[iterations]]
    while lines and lines[-1] == "":  # brglm2 ends without summary.glm's blank line
        lines.pop()
    return "\n".join(lines)

