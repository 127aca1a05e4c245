"""Error distributions ("families") of a GLM, as R's ``family.R`` defines them.

A family bundles a variance function, unit deviances, the AIC, starting
values and checks of the response, together with a link. Look-up accepts R's
spelling and Python's:

>>> get_family("Gamma", link="log").link.name
'log'
>>> get_family("inverse_gaussian").name
'inverse.gaussian'
>>> Poisson().variance(np.array([2.0]))
array([2.])
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from glmformula.deviance import (
    binomial_deviance,
    gamma_deviance,
    poisson_deviance,
    squared_error_deviance,
)
from glmformula.errors import FamilyError, ResponseError
from glmformula.links import EPS, LINKS, Link, get_link

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
    allowed_links: tuple[str, ...] = ()
    fixed_dispersion: bool = False
    #: parameters beyond the coefficients counted by R's logLik (the scale)
    scale_parameters: int = 0

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


def _y_log_y(y: Array, mu: Array) -> Array:
    """y * log(y / mu), taken as 0 where y == 0 (R's ``y_log_y``)."""
    nonzero = y != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(y, mu, out=np.zeros(np.shape(y)), where=nonzero)
        np.log(out, out=out, where=nonzero)
    out *= y
    return out


def _log_ratio(y: Array, mu: Array) -> Array:
    """log(ifelse(y == 0, 1, y / mu)) as R writes it."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(y, mu, out=np.ones(np.shape(y)), where=y != 0)
        return np.log(out, out=out)


def _log_factorial(y: Array) -> Array:
    """log(y!) for counts, by table look-up when the counts are small whole numbers."""
    top = float(np.max(y)) if y.size else 0.0
    if 0 <= top < 1e6 and np.array_equal(y, np.floor(y)) and np.min(y) >= 0:
        table = special.gammaln(np.arange(int(top) + 2, dtype=float))
        return table[(y + 1).astype(np.intp)]
    return special.gammaln(y + 1.0)


def _is_nonint(values: Array) -> Array:
    return np.abs(values - np.round(values)) > 1e-7 * np.maximum(1.0, np.abs(values))


class Gaussian(Family):
    """Normal errors; dispersion sigma^2 estimated."""

    name = "gaussian"
    default_link = "identity"
    allowed_links = ("identity", "log", "inverse")
    scale_parameters = 1

    def variance(self, mu: Array) -> Array:
        return np.ones_like(mu, dtype=float)

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        return wt * (y - mu) ** 2

    def deviance_function(self, y: Array, wt: Array) -> Callable[[Array], float]:
        return squared_error_deviance(y, wt)

    def valid_mu(self, mu: Array) -> bool:
        return True

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        nobs = y.size
        with np.errstate(divide="ignore"):
            return float(nobs * (np.log(2 * np.pi * dev / nobs) + 1) + 2 - np.sum(np.log(wt)))

    def initialize(
        self, values: Array, weights: Array, levels: tuple[str, ...] | None, user_start: bool
    ) -> PreparedResponse:
        y = self._plain_response(values, levels)
        if not user_start and (
            (self.link.name == "inverse" and np.any(y == 0))
            or (self.link.name == "log" and np.any(y <= 0))
        ):
            raise ResponseError(
                f"cannot find valid starting values for the gaussian family with the "
                f"{self.link.name} link: the response has values "
                f"{'equal to 0' if self.link.name == 'inverse' else '<= 0'}; "
                "please give start= values"
            )
        return PreparedResponse(y, weights, np.ones_like(y), y.copy())


class Binomial(Family):
    """Binomial errors for 0/1 data, proportions with trials, or cbind(successes, failures)."""

    name = "binomial"
    default_link = "logit"
    allowed_links = ("logit", "probit", "cloglog", "cauchit", "log", "loglog")
    fixed_dispersion = True
    warn_non_integer = True

    def variance(self, mu: Array) -> Array:
        out = np.subtract(1.0, mu)
        out *= mu
        return out

    def boundary_message(self, mu: Array) -> str | None:
        if self.name == "binomial" and np.any((mu > 1 - 10 * EPS) | (mu < 10 * EPS)):
            return "glm.fit: fitted probabilities numerically 0 or 1 occurred"
        return None

    def valid_mu(self, mu: Array) -> bool:
        if not np.size(mu):
            return True
        return bool(np.min(mu) > 0 and np.max(mu) < 1)

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        return 2.0 * wt * (_y_log_y(y, mu) + _y_log_y(1.0 - y, 1.0 - mu))

    def deviance_function(self, y: Array, wt: Array) -> Callable[[Array], float]:
        return binomial_deviance(y, wt)

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        m = n if np.any(n > 1) else wt
        if np.all(m == 1) and np.all((y == 0) | (y == 1)):  # one Bernoulli trial a row
            with np.errstate(divide="ignore"):
                return float(-2.0 * np.sum(np.log(np.where(y == 1, mu, 1.0 - mu))))
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(m > 0, wt / np.where(m > 0, m, 1.0), 0.0)
            size, successes = np.round(m), np.round(m * y)
            logp = (_log_factorial(size) - _log_factorial(successes)
                    - _log_factorial(size - successes) + special.xlogy(successes, mu)
                    + special.xlog1py(size - successes, -mu))
        return float(-2.0 * np.sum(np.where(factor != 0, factor * logp, 0.0)))

    def initialize(
        self, values: Array, weights: Array, levels: tuple[str, ...] | None, user_start: bool
    ) -> PreparedResponse:
        if values.ndim == 2:
            if np.any(values < 0):
                raise ResponseError(
                    "cbind(successes, failures) has negative counts; both columns must be >= 0"
                )
            if self.warn_non_integer and np.any(np.abs(values - np.round(values)) > 1e-3):
                warnings.warn("non-integer counts in a binomial glm!", UserWarning, stacklevel=4)
            n = values[:, 0] + values[:, 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.where(n == 0, 0.0, values[:, 0] / np.where(n == 0, 1.0, n))
            return PreparedResponse(y, weights * n, n, (n * y + 0.5) / (n + 1))
        y = np.where(weights == 0, 0.0, values)
        if np.any((y < 0) | (y > 1)):
            bad = y[(y < 0) | (y > 1)][:3]
            raise ResponseError(
                f"y values must be 0 <= y <= 1 for the {self.name} family (found "
                f"{', '.join(f'{v:g}' for v in bad)}); give counts as cbind(successes, failures) "
                "or proportions with weights= the number of trials"
            )
        m = weights * y
        if self.warn_non_integer and np.any(np.abs(m - np.round(m)) > 1e-3):
            warnings.warn(
                "non-integer #successes in a binomial glm!", UserWarning, stacklevel=4
            )
        return PreparedResponse(y, weights, np.ones_like(y), (weights * y + 0.5) / (weights + 1))


class QuasiBinomial(Binomial):
    """Binomial variance with the dispersion estimated; no likelihood, so no AIC."""

    name = "quasibinomial"
    allowed_links = ("logit", "probit", "cloglog", "cauchit", "log", "loglog")
    fixed_dispersion = False
    warn_non_integer = False

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        return float("nan")


class Poisson(Family):
    """Poisson errors for counts; dispersion fixed at 1."""

    name = "poisson"
    default_link = "log"
    allowed_links = ("log", "identity", "sqrt")
    fixed_dispersion = True

    def variance(self, mu: Array) -> Array:
        return np.asarray(mu, dtype=float)

    def boundary_message(self, mu: Array) -> str | None:
        if self.name == "poisson" and np.any(mu < 10 * EPS):
            return "glm.fit: fitted rates numerically 0 occurred"
        return None

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        out = _log_ratio(y, mu)
        out *= y
        out -= y - mu
        out *= 2.0 * wt
        return out

    def deviance_function(self, y: Array, wt: Array) -> Callable[[Array], float]:
        return poisson_deviance(y, wt)

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        logp = special.xlogy(y, mu) - mu - _log_factorial(y)
        return float(-2.0 * np.sum(logp * wt))

    def check_response(self, y: Array) -> None:
        if np.any(y < 0):
            raise ResponseError(
                f"negative values are not allowed for the {self.name} family "
                f"(smallest response {np.min(y):g})"
            )
        if self.name == "poisson" and not np.array_equal(y, np.round(y)) and np.any(
            _is_nonint(y)
        ):
            bad = y[_is_nonint(y)][0]
            raise ResponseError(
                f"the poisson family needs counts (whole numbers), but the response has {bad:g}; "
                "use family='quasipoisson' for non-integer data, or round the response"
            )

    def start_mu(self, y: Array, weights: Array) -> Array:
        return y + 0.1


class QuasiPoisson(Poisson):
    """Poisson variance with the dispersion estimated; no AIC."""

    name = "quasipoisson"
    fixed_dispersion = False

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        return float("nan")


class Gamma(Family):
    """Gamma errors: variance mu^2, dispersion estimated."""

    name = "Gamma"
    default_link = "inverse"
    allowed_links = ("inverse", "log", "identity")
    scale_parameters = 1

    def variance(self, mu: Array) -> Array:
        return np.asarray(mu, dtype=float) ** 2

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        return -2.0 * wt * (_log_ratio(y, mu) - (y - mu) / mu)

    def deviance_function(self, y: Array, wt: Array) -> Callable[[Array], float]:
        return gamma_deviance(y, wt)

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        disp = dev / np.sum(wt)
        shape, scale = 1.0 / disp, mu * disp
        logpdf = ((shape - 1.0) * np.log(y) - y / scale - special.gammaln(shape)
                  - shape * np.log(scale))
        return float(-2.0 * np.sum(logpdf * wt) + 2.0)

    def check_response(self, y: Array) -> None:
        if np.any(y <= 0):
            raise ResponseError(
                "non-positive values are not allowed for the Gamma family "
                f"(smallest response {np.min(y):g}); every response must be > 0"
            )


class InverseGaussian(Family):
    """Inverse Gaussian errors: variance mu^3, dispersion estimated."""

    name = "inverse.gaussian"
    default_link = "1/mu^2"
    allowed_links = ("1/mu^2", "inverse", "identity", "log")
    scale_parameters = 1

    def variance(self, mu: Array) -> Array:
        return np.asarray(mu, dtype=float) ** 3

    def valid_mu(self, mu: Array) -> bool:
        return True

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        return wt * (y - mu) ** 2 / (y * mu**2)

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        total = np.sum(wt)
        return float(
            total * (np.log(dev / total * 2 * np.pi) + 1) + 3 * np.sum(np.log(y) * wt) + 2
        )

    def check_response(self, y: Array) -> None:
        if np.any(y <= 0):
            raise ResponseError(
                "only positive values are allowed for the inverse.gaussian family "
                f"(smallest response {np.min(y):g})"
            )


QUASI_VARIANCES = ("constant", "mu(1-mu)", "mu", "mu^2", "mu^3")


class Quasi(Family):
    """Quasi-likelihood with a chosen link and variance (R's ``quasi``)."""

    name = "quasi"
    default_link = "identity"
    allowed_links = ()  # any link

    def __init__(self, link: str | Link | None = None, variance: str = "constant") -> None:
        super().__init__(link)
        if variance not in QUASI_VARIANCES:
            raise FamilyError(
                f"quasi variance {variance!r} is not known; choose one of: "
                + ", ".join(QUASI_VARIANCES)
            )
        self.variance_name = variance

    def variance(self, mu: Array) -> Array:
        mu = np.asarray(mu, dtype=float)
        return {
            "constant": lambda: np.ones_like(mu),
            "mu(1-mu)": lambda: mu * (1.0 - mu),
            "mu": lambda: mu,
            "mu^2": lambda: mu**2,
            "mu^3": lambda: mu**3,
        }[self.variance_name]()

    def valid_mu(self, mu: Array) -> bool:
        if self.variance_name == "constant":
            return True
        if self.variance_name == "mu(1-mu)":
            return bool(np.all(mu > 0) and np.all(mu < 1))
        return bool(np.all(mu > 0))

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        v = self.variance_name
        if v == "constant":
            return wt * (y - mu) ** 2
        if v == "mu(1-mu)":
            with np.errstate(divide="ignore", invalid="ignore"):
                right = (1 - y) * np.log(np.where(y == 1, 1.0, (1 - y) / (1 - mu)))
            return 2 * wt * (y * _log_ratio(y, mu) + right)
        if v == "mu":
            return 2 * wt * (y * _log_ratio(y, mu) - (y - mu))
        if v == "mu^2":
            with np.errstate(divide="ignore", invalid="ignore"):
                logy = np.log(np.where(y == 0, 1.0, y) / mu)
            return np.maximum(-2 * wt * (logy - (y - mu) / mu), 0.0)
        return wt * (y - mu) ** 2 / (y * mu**2)

    def start_mu(self, y: Array, weights: Array) -> Array:
        if self.variance_name == "constant":
            return y.copy()
        if self.variance_name == "mu(1-mu)":
            return np.maximum(0.001, np.minimum(0.999, y))
        return y + 0.1 * (y == 0)

    def __repr__(self) -> str:
        return f"Quasi(link={self.link.name!r}, variance={self.variance_name!r})"

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and other.variance_name == self.variance_name  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(("Quasi", self.link.name, self.variance_name))


FAMILIES: dict[str, type[Family]] = {
    "gaussian": Gaussian,
    "normal": Gaussian,
    "binomial": Binomial,
    "quasibinomial": QuasiBinomial,
    "poisson": Poisson,
    "quasipoisson": QuasiPoisson,
    "gamma": Gamma,
    "inverse.gaussian": InverseGaussian,
    "inverse_gaussian": InverseGaussian,
    "inversegaussian": InverseGaussian,
    "quasi": Quasi,
}


def _parse_call(text: str) -> tuple[str, list[object], dict[str, object]]:
    """Split 'binomial(link = "probit")' into name, positional and keyword arguments."""
    try:
        node = ast.parse(text.replace("inverse.gaussian", "inverse_gaussian"), mode="eval").body
    except SyntaxError:
        raise FamilyError(f"cannot read the family {text!r}") from None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        raise FamilyError(f"cannot read the family {text!r}")
    try:
        args = [ast.literal_eval(a) for a in node.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
    except ValueError:
        raise FamilyError(
            f"the arguments of {text!r} must be quoted names or numbers"
        ) from None
    return node.func.id, args, kwargs


def get_family(
    family: str | Family | type[Family], link: str | Link | None = None, **options: object
) -> Family:
    """Return the family named by R's or Python's spelling, with the given link.

    >>> get_family('binomial(link = "probit")').link.name
    'probit'
    >>> get_family("quasi", link="log", variance="mu^2")
    Quasi(link='log', variance='mu^2')
    """
    if isinstance(family, type) and issubclass(family, Family):
        family = family(link) if link is not None else family()
    if isinstance(family, Family):
        if link is not None and get_link(link) != family.link:
            raise FamilyError(
                f"link={link!r} conflicts with the family object's link {family.link.name!r}; "
                "give the link in one place"
            )
        return family
    if not isinstance(family, str):
        raise FamilyError(
            "family must be a name such as 'poisson' or a glmformula family object, "
            f"not {type(family).__name__}"
        )
    name, args, kwargs = family.strip(), [], {}
    if "(" in name:
        name, args, kwargs = _parse_call(name)
    key = name.lower().replace("inverse_gaussian", "inverse.gaussian")
    cls = FAMILIES.get(key)
    if cls is None:
        raise FamilyError(
            f"unknown family {family!r}; known families are: gaussian, binomial, poisson, "
            "Gamma, inverse.gaussian, quasi, quasibinomial, quasipoisson "
            "(R's or Python's spelling, e.g. 'inverse_gaussian')"
        )
    kwargs.update(options)
    if link is not None:
        kwargs["link"] = link
    try:
        return cls(*args, **kwargs)  # type: ignore[arg-type]
    except TypeError as exc:
        raise FamilyError(f"bad arguments for the {cls.name} family: {exc}") from None
