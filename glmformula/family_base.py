"""The base of every family: the interface the fitter uses and shared unit-deviance helpers.

A family bundles a variance function, unit deviances, the AIC, starting
values and checks of the response with a link (see :mod:`glmformula.families`
for R's families).

>>> import numpy as np
>>> y_log_y(np.array([0.0, 2.0]), np.array([1.0, 1.0])).round(4).tolist()
[0.0, 1.3863]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from glmformula.errors import FamilyError, ResponseError
from glmformula.links import LINKS, Link, get_link

Array = np.ndarray


@dataclass(frozen=True)
class PreparedResponse:
    """The response as the fitter sees it, after the family's ``initialize``.

    ``y`` is the modelled response (a proportion for binomial families),
    ``weights`` the prior weights (times the trials for ``cbind`` responses),
    ``n`` the binomial trials (ones otherwise) and ``mustart`` R's starting means.
    """

    y: Array
    weights: Array
    n: Array
    mustart: Array


class Family:
    """Base class: subclasses set the class attributes and the variance/deviance methods."""

    name: str = ""
    default_link: str = "identity"
    #: the links R's family function accepts, listed once here (empty: any link)
    allowed_links: tuple[str, ...] = ()
    #: summary() fixes the dispersion at 1 and tests with z: R's ``summary.glm`` for
    #: binomial and poisson, MASS's ``summary.negbin`` for ``glm.nb``
    fixed_dispersion: bool = False
    #: binomial and poisson (not their quasi families, not the negative binomial): R's
    #: ``family$family %in% c("binomial", "poisson")`` in ``summary.glm``, ``rstudent.glm``
    #: (no division by sigma), ``profile.glm`` (z, not F), ``anova.glm`` and ``drop1.glm``
    #: (an F test "assumes 'quasi<family>'") and ``glm.fit``'s boundary warnings
    unit_dispersion: bool = False
    #: the likelihood has no dispersion parameter (binomial, poisson, the negative binomial
    #: with its theta): sandwich's ``bread.glm`` and ``estfun.glm`` take the dispersion as 1
    #: for ``substr(family, 1, 17) %in% c("poisson", "binomial", "Negative Binomial")``
    dispersion_free: bool = False
    #: what the mean is, for explanations: "probability", "count", "positive" or "real"
    response_kind: str
    #: the response is a probability whose likelihood can rise without bound along a
    #: separating direction of X (binomial responses, as ``detectseparation``)
    separation_possible: bool = False
    #: the likelihood is the normal one, so -2 log L with sigma profiled out is
    #: n log(deviance / n): R's ``drop1.glm`` and ``add1.glm`` test ``family == "gaussian"``
    normal_likelihood: bool = False
    #: the likelihood counts whole events: binomial warns about non-integer successes (R's
    #: ``binomial()$initialize``), poisson refuses non-integer counts; quasi families do not
    whole_counts: bool = False
    #: a quasi family's likelihood family, whose standard errors it scales by the square root
    #: of the estimated dispersion (quasipoisson: "poisson"); None for the others
    dispersion_base: str | None = None
    #: emmeans' name for a mean on the response scale (``.std.link.labels`` reads R's family
    #: name: "prob" for the binomial families, "rate" for the poisson ones, else "response")
    mean_label: str = "response"
    #: emmeans' intervals and tests use the residual degrees of freedom (t) rather than
    #: Inf (z): ``emm_basis.lm`` tests ``family %in% c("gaussian", "Gamma")``
    marginal_means_t: bool = False
    #: parameters beyond the coefficients counted by R's logLik (the scale)
    scale_parameters: int = 0
    #: how the AIC estimates the dispersion from the deviance: per row ("rows"), per unit
    #: of prior weight ("weights") or not at all (None); with the constant it adds
    aic_dispersion_basis: str | None = None
    aic_constant: float = 0.0

    def __init__(self, link: str | Link | None = None) -> None:
        chosen = self.default_link if link is None else link
        self.link = self._checked_link(chosen)

    def _checked_link(self, link: str | Link) -> Link:
        if isinstance(link, Link):
            return link
        if not isinstance(link, str):
            raise FamilyError(
                f"a link is a name such as 'log' or a Link object, not {type(link).__name__}"
            )
        allowed = self.allowed_links
        key = link.strip()
        if key in LINKS:  # a registry alias such as "inverse_squared" means its link's name
            key = LINKS[key]().name
        if allowed and key not in allowed:
            try:
                get_link(link)
                problem = f"link {link!r} is not available for"
            except FamilyError:
                problem = f"unknown link {link!r} for"
            raise FamilyError(
                f"{problem} the {self.name} family; allowed links are: {', '.join(allowed)}"
            )
        return get_link(link)

    # --- the link, delegated -------------------------------------------------
    def linkfun(self, mu: Array) -> Array:
        """eta = g(mu)."""
        return self.link.link(mu)

    def linkinv(self, eta: Array) -> Array:
        """mu = g^-1(eta)."""
        return self.link.inverse(eta)

    def mu_eta(self, eta: Array) -> Array:
        """dmu/deta."""
        return self.link.mu_eta(eta)

    def linkinv_and_mu_eta(self, eta: Array) -> tuple[Array, Array]:
        """mu and dmu/deta together; the two may be one array (log link): don't modify them."""
        return self.link.inverse_and_mu_eta(eta)

    def valid_eta(self, eta: Array) -> bool:
        """True when eta is inside the domain of the inverse link."""
        return self.link.valid_eta(eta)

    # --- the distribution ----------------------------------------------------
    def variance(self, mu: Array) -> Array:
        """V(mu)."""
        raise NotImplementedError

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        """Weighted unit deviances; they sum to the deviance."""
        raise NotImplementedError

    def deviance_function(self, y: Array, wt: Array) -> Callable[[Array], float]:
        """mu -> total deviance for fixed y and weights (the IRLS loop calls it often)."""
        return lambda mu: float(np.sum(self.dev_resids(y, mu, wt)))

    def valid_mu(self, mu: Array) -> bool:
        """True when every mu lies where the variance and deviance are defined."""
        if not np.size(mu):
            return True
        return bool(np.min(mu) > 0 and np.isfinite(np.max(mu)))

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        """-2 log-likelihood (+2 for an estimated scale), without the 2*rank term."""
        return float("nan")

    def initialize(
        self, values: Array, weights: Array, levels: tuple[str, ...] | None, user_start: bool
    ) -> PreparedResponse:
        """Check the response and return it with R's starting means."""
        y = self._plain_response(values, levels)
        self.check_response(y)
        return PreparedResponse(y, weights, np.ones_like(y), self.start_mu(y, weights))

    def check_response(self, y: Array) -> None:
        """Raise ResponseError when y is outside the family's support."""

    def start_mu(self, y: Array, weights: Array) -> Array:
        """R's ``mustart``."""
        return y.copy()

    def _plain_response(self, values: Array, levels: tuple[str, ...] | None) -> Array:
        if levels is not None:
            raise ResponseError(
                f"the response is categorical (levels {', '.join(map(str, levels))}); "
                f"the {self.name} family needs a numeric response. "
                "Use family='binomial' for a two-level factor, or convert the column to numbers."
            )
        if values.ndim == 2:
            raise ResponseError(
                "a two-column cbind(successes, failures) response is only for the binomial "
                f"and quasibinomial families, not {self.name}"
            )
        return values

    def boundary_message(self, mu: Array) -> str | None:
        """R's warning about fitted values at the edge of the family's range, if any."""
        return None

    @property
    def label(self) -> str:
        """How R's summary names the family, e.g. 'poisson' or 'Gamma'."""
        return self.name

    def call_arguments(self) -> list[str]:
        """The family's arguments in the call that summary() prints: the link unless default."""
        if self.link.name == self.default_link:
            return []
        return [f'link = "{self.link.name}"']

    def __repr__(self) -> str:
        return f"{type(self).__name__}(link={self.link.name!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Family)
            and type(other) is type(self)
            and other.link == self.link
            and other.label == self.label
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.link.name))


def y_log_y(y: Array, mu: Array) -> Array:
    """y * log(y / mu), taken as 0 where y == 0 (R's ``y_log_y``)."""
    nonzero = y != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(y, mu, out=np.zeros(np.shape(y)), where=nonzero)
        np.log(out, out=out, where=nonzero)
    out *= y
    return out


def log_ratio(y: Array, mu: Array) -> Array:
    """log(ifelse(y == 0, 1, y / mu)) as R writes it."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(y, mu, out=np.ones(np.shape(y)), where=y != 0)
        return np.log(out, out=out)


def log_factorial(y: Array) -> Array:
    """log(y!) for counts, by table look-up when the counts are small whole numbers."""
    top = float(np.max(y)) if y.size else 0.0
    if top < 1e6 and (not y.size or np.min(y) >= 0):  # no NaN, nothing to overflow a cast
        counts = y.astype(np.intp)  # y itself when y holds whole numbers
        if np.array_equal(counts, y):
            table = special.gammaln(np.arange(1.0, int(top) + 2.0))  # log(k!) at k
            return table[counts]
    return special.gammaln(y + 1.0)


def is_nonint(values: Array) -> Array:
    return np.abs(values - np.round(values)) > 1e-7 * np.maximum(1.0, np.abs(values))
