"""``glm_nb()``: negative binomial regression with theta estimated, as ``MASS::glm.nb``.

IRLS for the coefficients at fixed theta alternates with Newton's method for
theta on its score (MASS's ``theta.ml``), until the log-likelihood and theta
settle. The summary fixes the dispersion at 1 (z tests), as MASS's
``summary.negbin`` does, and prints theta and 2 x log-likelihood after it.

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> nb = gf.glm_nb("breaks ~ wool + tension", data=wb, data_name="warpbreaks")
>>> round(nb.theta, 4), round(nb.theta_se, 4), round(nb.twologlik, 3)
(9.9444, 2.5613, -398.764)
>>> round(nb.aic, 3), nb.summary().family
(408.764, 'Negative Binomial(9.9444)')
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import special

from glmformula.errors import ConvergenceWarning
from glmformula.families_extra import NegativeBinomial
from glmformula.fit_arguments import call_parts
from glmformula.irls import Control, IRLSData, IRLSFit, fit, null_deviance
from glmformula.irls_memory import MemoryData
from glmformula.model import _control, formula_namespace, glm
from glmformula.result import GLMResult
from glmformula.rformula import call_formula
from glmformula.rows import ArrayRows, RowData
from glmformula.summary import Summary, make_summary
from glmformula.update import call_arguments

Array = np.ndarray


class NegativeBinomialML(NegativeBinomial):
    """negative.binomial(theta) with theta estimated: dispersion 1, theta counted by logLik."""

    fixed_dispersion = True
    scale_parameters = 1


def _loglik(th: float, mu: Array, y: Array, w: Array) -> float:
    """glm.nb's log-likelihood."""
    return float(np.sum(w * (special.gammaln(th + y) - special.gammaln(th)
                             - special.gammaln(y + 1) + th * math.log(th)
                             + y * np.log(mu + (y == 0)) - (th + y) * np.log(th + mu))))


def theta_ml(
    y: Array, mu: Array, n: float, weights: Array, limit: int = 10,
    eps: float = float(np.finfo(float).eps) ** 0.25,
) -> tuple[float, float, str | None]:
    """ML estimate of theta for fixed means by Newton's method (``MASS::theta.ml``).

    Returns theta, its standard error and MASS's warning (or None).

    >>> import numpy as np
    >>> y = np.array([0.0, 1, 3, 7, 2, 0, 5])
    >>> th, se, warn = theta_ml(y, np.full(7, y.mean()), 7.0, np.ones(7))
    >>> round(th, 6), warn
    (1.290324, None)
    """
    t0 = n / float(np.sum(weights * (y / mu - 1) ** 2))
    return newton_theta(lambda th: theta_score_info(th, y, mu, weights), t0, limit, eps)


def theta_score_info(th: float, y: Array, mu: Array, w: Array) -> tuple[float, float]:
    """The score of theta and its information at ``th`` (sums over rows, as theta.ml's)."""
    score = float(np.sum(w * (special.digamma(th + y) - special.digamma(th) + math.log(th)
                              + 1 - np.log(th + mu) - (y + th) / (mu + th))))
    info = float(np.sum(w * (-special.polygamma(1, th + y) + special.polygamma(1, th)
                             - 1 / th + 2 / (mu + th) - (y + th) / (mu + th) ** 2)))
    return score, info


def newton_theta(score_info: Callable[[float], tuple[float, float]], t0: float, limit: int,
                 eps: float) -> tuple[float, float, str | None]:
    """theta.ml's Newton iteration from ``t0``; ``score_info(th)`` gives the score and the
    information at th (on chunked data, one pass over the rows each)."""
    it, delta, i = 0, 1.0, math.nan
    while True:
        it += 1
        if not (it < limit and abs(delta) > eps):
            break
        t0 = abs(t0)
        score, i = score_info(t0)
        delta = score / i
        t0 = t0 + delta
    warn = None
    if t0 < 0:
        t0 = 0.0
        warn = "estimate truncated at zero"
        warnings.warn(warn, ConvergenceWarning, stacklevel=3)
    if it == limit:
        warn = "iteration limit reached"
        warnings.warn(warn, ConvergenceWarning, stacklevel=3)
    return t0, math.sqrt(1 / i) if i > 0 else math.nan, warn


def _r_format_decimals(value: float, digits: int, nsmall: int) -> str:
    """R's ``format(round(value, digits), nsmall = nsmall)`` (7 significant digits)."""
    x = round(value, digits)
    magnitude = math.floor(math.log10(abs(x))) + 1 if x != 0 else 1
    decimals = min(digits, max(0, 7 - magnitude))
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    shown = len(text.split(".")[1]) if "." in text else 0
    return f"{x:.{max(shown, nsmall)}f}"


@dataclass(frozen=True, repr=False)  # Summary's repr: R's layout, not every field
class NegBinSummary(Summary):
    """``summary()`` of a :func:`glm_nb` fit: summary.glm with dispersion 1, then theta."""

    theta: float
    theta_se: float
    twologlik: float
    theta_warning: str | None

    def to_text(self) -> str:
        dp = max(2 - math.floor(math.log10(self.theta_se)), 0) if self.theta_se > 0 else 0
        lines = ["", f"              Theta:  {_r_format_decimals(self.theta, dp, dp)} ",
                 f"          Std. Err.:  {_r_format_decimals(self.theta_se, dp, dp)} "]
        if self.theta_warning:
            lines.append(f"Warning while fitting theta: {self.theta_warning} ")
        lines += ["", f" 2 x log-likelihood:  {_r_format_decimals(self.twologlik, 3, dp)} ", ""]
        return super().to_text() + "\n" + "\n".join(lines)


@dataclass(frozen=True, eq=False, repr=False)  # GLMResult's repr (print.glm), not every field
class NegBinResult(GLMResult):
    """A :func:`glm_nb` fit: a GLMResult plus ``theta``, ``theta_se`` and ``twologlik``."""

    theta: float = math.nan
    theta_se: float = math.nan
    twologlik: float = math.nan
    theta_warning: str | None = None

    @property
    def aic(self) -> float:
        """MASS's AIC: -2 log-likelihood + 2 (rank + 1), theta counted."""
        return -self.twologlik + 2 * self.rank + 2

    @property
    def loglik(self) -> float:
        """The log-likelihood at the estimated theta (MASS's ``logLik.negbin``)."""
        return self.twologlik / 2

    def summary(self, explain: bool = False, correlation: bool = False,
                digits: int | None = None) -> NegBinSummary:
        """MASS's ``summary.negbin``: z tests (dispersion 1), then theta and 2 x logLik.

        ``explain``, ``correlation`` and ``digits`` as in :meth:`GLMResult.summary`.
        """
        base = make_summary(self, explain=explain, correlation=correlation, digits=digits)
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        return NegBinSummary(**fields, theta=self.theta, theta_se=self.theta_se,
                             twologlik=self.twologlik, theta_warning=self.theta_warning)


def glm_nb(
    formula: str,
    data: pd.DataFrame | Mapping[str, Any],
    *,
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    offset: str | Sequence[float] | np.ndarray | pd.Series | None = None,
    start: Sequence[float] | np.ndarray | None = None,
    init_theta: float | None = None,
    link: str | None = None,
    control: Control | Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    data_name: str | None = None,
    safe: bool = False,
    subset: Any = None,
    na_action: str | None = None,
    contrasts: Mapping[str, Any] | None = None,
) -> NegBinResult:
    """Negative binomial GLM with theta estimated by ML, as ``MASS::glm.nb``.

    The first fit is Poisson (or ``negative.binomial(init_theta)``); then
    theta (``theta_ml``) and the coefficients (IRLS) alternate until
    ``|Lm0 - Lm| / d1 + |dtheta| / d2 <= epsilon``. ``link`` is "log"
    (the default), "sqrt" or "identity". ``safe``, ``subset``, ``na_action`` and ``contrasts``: as
    :func:`glmformula.glm`'s.

    >>> import glmformula as gf
    >>> nb = gf.glm_nb("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"))
    >>> round(nb.theta, 3), nb.summary().statistic_name
    (9.944, 'z value')
    """
    given = dict(locals())  # the call's arguments, kept on the fit for update()
    link_given = link is not None
    link = "log" if link is None else link
    from glmformula.refit import call_argument
    settings = _control(control)
    namespace = formula_namespace(
        context, f"{formula} {subset}" if isinstance(subset, str) else formula, safe)
    family0: Any = "poisson" if init_theta is None else NegativeBinomial(init_theta, link)
    first = glm(formula, data, family0, link if init_theta is None else None, weights=weights,
                offset=offset, start=start, control=settings, context=namespace,
                data_name=data_name, safe=safe, subset=subset, na_action=na_action,
                contrasts=contrasts)
    if first.rows.in_memory:
        rows: ThetaData = MemoryTheta(first.design.X, first.response.y,
                                      first.response.weights, first.offset, settings)
    else:  # theta's sums by passes over the chunks
        from glmformula.chunked_negbin import ChunkedTheta

        rows = ChunkedTheta(first, settings)
    nb = alternate(rows, first.fit, rows.means_of(first), first.df_residual, link, settings)
    if nb.warning == "alternation limit reached":
        warnings.warn(nb.warning, ConvergenceWarning, stacklevel=2)
    has_offset = first.design.offset is not None
    null_family = NegativeBinomialML(nb.theta, link) if has_offset else nb.used
    null_dev = null_deviance(rows.irls_data(null_family), intercept=first.design.has_intercept,
                             has_offset=has_offset, final=rows.final_state(nb), control=settings)
    return NegBinResult(
        design=first.design, family=nb.used, response=first.response, fit=nb.fit,
        null_deviance=null_dev, offset=first.offset, control=settings,
        call=negbin_call(formula, data_name or call_argument(first, "data"), weights, offset,
                         nb.theta, link, call_parts(first.design),
                         link_first=link_given and init_theta is None),
        rows=rows.rows(first, nb), theta=nb.theta, theta_se=nb.theta_se,
        twologlik=2 * nb.loglik, theta_warning=nb.warning,
        data=first.data, call_args=call_arguments(given),  # polars/Arrow: converted once
    )


@dataclass(frozen=True)
class Alternation:
    """The outcome of glm.nb's alternation: the last IRLS fit, its family and theta."""

    fit: IRLSFit
    used: NegativeBinomialML  # the family of the last IRLS fit (R's fit$family)
    theta: float
    theta_se: float
    warning: str | None
    loglik: float  # at theta and the last fitted means
    means: Any = None  # the last fitted means, as the data source holds them


class ThetaData(Protocol):
    """What glm.nb's alternation asks of the rows, at fitted means that the source holds
    its own way (an array in memory; a family and coefficients on chunks)."""

    def means_of(self, model: GLMResult) -> Any:
        """The fitted means of a model."""
        ...

    def theta(self, means: Any) -> tuple[float, float, str | None]:
        """MASS's theta.ml at these means: theta, its standard error, its warning."""
        ...

    def loglik(self, theta: float, means: Any) -> float:
        """glm.nb's log-likelihood."""
        ...

    def refit(self, family: NegativeBinomialML, means: Any) -> tuple[IRLSFit, Any]:
        """IRLS at this family from eta = g(means): the fit and its fitted means."""
        ...

    def irls_data(self, family: Any) -> IRLSData:
        """The IRLS data source of these rows with ``family`` (for the null deviance)."""
        ...

    def final_state(self, nb: Alternation) -> Any:
        """The state where the alternation's last fit stopped (for the null deviance)."""
        ...

    def rows(self, first: GLMResult, nb: Alternation) -> RowData:
        """The row provider of the glm.nb fit."""
        ...


class MemoryTheta:
    """:class:`ThetaData` on rows in memory."""

    def __init__(self, X: Any, y: Array, w: Array, offset: Array, control: Control) -> None:
        self.X, self.y, self.w, self.offset, self.control = X, y, w, offset, control

    def means_of(self, model: GLMResult) -> Array:
        """Fitted means of an in-memory fit."""
        return model.fit.mu

    def theta(self, means: Array) -> tuple[float, float, str | None]:
        """:func:`theta_ml` at these means."""
        return theta_ml(self.y, means, float(np.sum(self.w)), self.w, limit=self.control.maxit)

    def loglik(self, theta: float, means: Array) -> float:
        """glm.nb's log-likelihood."""
        return _loglik(theta, means, self.y, self.w)

    def refit(self, family: NegativeBinomialML, means: Array) -> tuple[IRLSFit, Array]:
        """IRLS from eta = g(means)."""
        prepared = family.initialize(self.y, self.w, None, user_start=False)
        result = fit(self.X, self.y, self.w, self.offset, family, mustart=prepared.mustart,
                     etastart=family.linkfun(means), control=self.control)
        return result, result.mu

    def irls_data(self, family: Any) -> MemoryData:
        """The in-memory IRLS source with ``family``."""
        return MemoryData(self.X, self.y, self.w, self.offset, family, mustart=self.y)

    def final_state(self, nb: Alternation) -> IRLSFit:
        """The last fit (its mu starts the null model)."""
        return nb.fit

    def rows(self, first: GLMResult, nb: Alternation) -> ArrayRows:
        """Arrays."""
        return ArrayRows.of(first.design, first.response, self.offset, nb.fit, nb.used)


def alternate(data: ThetaData, first: IRLSFit, means: Any, df_residual: int, link: str,
              settings: Control) -> Alternation:
    """glm.nb's loop from a first fit: theta by ``theta_ml``, then IRLS at that theta.

    Stops when ``|Lm0 - Lm| / d1 + |dtheta| / d2 <= epsilon`` (MASS's test).
    """
    maxit, epsilon = settings.maxit, settings.epsilon
    th, se, warn = data.theta(means)
    fam = NegativeBinomialML(th, link)
    result_fit, used = first, fam
    d1 = math.sqrt(2 * max(1, df_residual))
    d2 = delta = 1.0
    lm = data.loglik(th, means)
    lm0 = lm + 2 * d1
    it = 0
    while True:
        it += 1
        if not (it <= maxit and abs(lm0 - lm) / d1 + abs(delta) / d2 > epsilon):
            break
        result_fit, fitted = data.refit(fam, means)
        used = fam
        t0 = th
        th, se, warn = data.theta(means)  # at the means before this fit, as MASS
        fam = NegativeBinomialML(th, link)
        means = fitted
        delta = t0 - th
        lm0 = lm
        lm = data.loglik(th, means)
    if it > maxit:
        warn = "alternation limit reached"
    return Alternation(fit=result_fit, used=used, theta=th, theta_se=se, warning=warn,
                       loglik=lm, means=means)


def refit_columns(model: NegBinResult, X: Any) -> Alternation:
    """glm.nb on other columns X of the same rows, started as R's ``update()`` starts it.

    The first fit is ``negative.binomial(theta)`` at the model's theta (to 10
    significant digits, as the fit's call records it), then the alternation.
    """
    link = model.family.link.name
    fam0 = NegativeBinomial(float(f"{model.theta:.10g}"), link)
    y, w = model.response.y, model.response.weights
    prepared = fam0.initialize(y, w, None, user_start=False)
    first = fit(X, y, w, model.offset, fam0, mustart=prepared.mustart, control=model.control)
    df_residual = int(np.sum(w != 0)) - first.rank
    data = MemoryTheta(X, y, w, model.offset, model.control)
    return alternate(data, first, first.mu, df_residual, link, model.control)


def negbin_call(formula: str, data_name: str | None, weights: object, offset: object,
                theta: float, link: str, more: Mapping[str, str] | None = None,
                link_first: bool = False) -> str:
    """glm.nb's call as MASS records it, with the estimated theta as init.theta (``more``:
    subset, na.action and contrasts, after the weights).

    MASS sets ``Call$init.theta`` and ``Call$link`` on the matched call: an argument
    the caller gave keeps its place, one added goes last. So a call that names
    ``link`` but not ``init.theta`` (``link_first``) shows ``link`` first.
    """
    named = _named_arguments(weights, None) + "".join(
        f"{name} = {text}, " for name, text in (more or {}).items())
    ending = [f"init.theta = {float(f'{theta:.10g}'):.15g}", f"link = {link}"]
    if link_first:
        ending.reverse()
    return (f"glm.nb(formula = {call_formula(formula)}, data = {data_name or 'data'}, "
            f"{named}{_named_arguments(None, offset)}{', '.join(ending)})")


def _named_arguments(weights: object, offset: object) -> str:
    """``weights = w, offset = o, `` as glm.nb's call records them (R's match.call)."""
    parts = [f"{name} = {value if isinstance(value, str) else name}, "
             for name, value in (("weights", weights), ("offset", offset)) if value is not None]
    return "".join(parts)


__all__ = ["Alternation", "NegBinResult", "NegBinSummary", "NegativeBinomialML", "alternate",
           "glm_nb", "refit_columns", "theta_ml"]
