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
import difflib
import warnings
from collections.abc import Callable

import numpy as np
from scipy import special

from glmformula.deviance import (
    binomial_deviance,
    gamma_deviance,
    poisson_deviance,
    squared_error_deviance,
)
from glmformula.errors import FamilyError, GLMWarning, ResponseError, shorten
from glmformula.families_extra import EXTRA_FAMILIES, R_SPELLINGS, NegativeBinomial, Tweedie
from glmformula.families_quasi import Quasi
from glmformula.family_base import (
    Family,
    PreparedResponse,
    is_nonint,
    log_factorial,
    log_ratio,
    y_log_y,
)
from glmformula.links import EPS, Link, get_link

Array = np.ndarray


class Gaussian(Family):
    """Normal errors; dispersion sigma^2 estimated."""

    name = "gaussian"
    marginal_means_t = True
    default_link = "identity"
    allowed_links = ("identity", "log", "inverse")
    response_kind = "real"
    normal_likelihood = True
    scale_parameters = 1
    aic_dispersion_basis = "rows"
    aic_constant = 2.0

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
    mean_label = "prob"
    default_link = "logit"
    allowed_links = ("logit", "probit", "cloglog", "cauchit", "log", "loglog")
    fixed_dispersion = True
    unit_dispersion = True
    dispersion_free = True
    response_kind = "probability"
    separation_possible = True
    whole_counts = True

    def variance(self, mu: Array) -> Array:
        out = np.subtract(1.0, mu)
        out *= mu
        return out

    def boundary_message(self, mu: Array) -> str | None:
        if np.any((mu > 1 - 10 * EPS) | (mu < 10 * EPS)):
            return "glm.fit: fitted probabilities numerically 0 or 1 occurred"
        return None

    def valid_mu(self, mu: Array) -> bool:
        if not np.size(mu):
            return True
        return bool(np.min(mu) > 0 and np.max(mu) < 1)

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        return 2.0 * wt * (y_log_y(y, mu) + y_log_y(1.0 - y, 1.0 - mu))

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
            logp = (log_factorial(size) - log_factorial(successes)
                    - log_factorial(size - successes) + special.xlogy(successes, mu)
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
            if self.whole_counts and np.any(np.abs(values - np.round(values)) > 1e-3):
                warnings.warn("non-integer counts in a binomial glm!", GLMWarning, stacklevel=4)
            n = values[:, 0] + values[:, 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.where(n == 0, 0.0, values[:, 0] / np.where(n == 0, 1.0, n))
            return PreparedResponse(y, weights * n, n, (n * y + 0.5) / (n + 1))
        if values.size and np.all(weights == 1):
            unit = np.array(values, dtype=float)
            if unit.min() >= 0 and unit.max() <= 1:
                return self._unit_weight_response(unit, weights)
        y = np.where(weights == 0, 0.0, values)
        if np.any((y < 0) | (y > 1)):
            bad = y[(y < 0) | (y > 1)][:3]
            raise ResponseError(
                f"y values must be 0 <= y <= 1 for the {self.name} family (found "
                f"{', '.join(f'{v:g}' for v in bad)}); give counts as cbind(successes, failures) "
                "or proportions with weights= the number of trials"
            )
        m = weights * y
        if self.whole_counts and np.any(np.abs(m - np.round(m)) > 1e-3):
            warnings.warn(
                "non-integer #successes in a binomial glm!", UserWarning, stacklevel=4
            )
        return PreparedResponse(y, weights, np.ones_like(y), (weights * y + 0.5) / (weights + 1))

    def _unit_weight_response(self, y: Array, weights: Array) -> PreparedResponse:
        """:meth:`initialize` for 0 <= y <= 1 with every weight 1, in fewer passes."""
        # |y - round(y)| > 1e-3 for y in [0, 1]: y strictly inside (1e-3, 1 - 1e-3)
        if self.whole_counts and np.any(np.abs(y - 0.5) < 0.5 - 1e-3):
            warnings.warn(
                "non-integer #successes in a binomial glm!", UserWarning, stacklevel=5
            )
        return PreparedResponse(y, weights, np.ones_like(y), (y + 0.5) / 2)


class QuasiBinomial(Binomial):
    """Binomial variance with the dispersion estimated; no likelihood, so no AIC."""

    name = "quasibinomial"
    dispersion_base = "binomial"
    fixed_dispersion = False
    unit_dispersion = False
    dispersion_free = False
    whole_counts = False

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        return float("nan")

    def boundary_message(self, mu: Array) -> str | None:
        return None  # glm.fit warns for the binomial family only


class Poisson(Family):
    """Poisson errors for counts; dispersion fixed at 1."""

    name = "poisson"
    mean_label = "rate"
    default_link = "log"
    allowed_links = ("log", "identity", "sqrt")
    fixed_dispersion = True
    unit_dispersion = True
    dispersion_free = True
    response_kind = "count"
    whole_counts = True

    def variance(self, mu: Array) -> Array:
        return np.asarray(mu, dtype=float)

    def boundary_message(self, mu: Array) -> str | None:
        if np.any(mu < 10 * EPS):
            return "glm.fit: fitted rates numerically 0 occurred"
        return None

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        out = log_ratio(y, mu)
        out *= y
        out -= y - mu
        out *= 2.0 * wt
        return out

    def deviance_function(self, y: Array, wt: Array) -> Callable[[Array], float]:
        return poisson_deviance(y, wt)

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            logp = np.log(mu)  # numpy's vector log; y log(mu) = xlogy where mu > 0
            logp *= y
        logp -= mu
        logp -= log_factorial(y)
        logp *= wt
        total = float(-2.0 * np.sum(logp))
        if np.isnan(total):  # a fitted 0 where y is 0 too: 0 log 0 is 0
            logp = special.xlogy(y, mu) - mu - log_factorial(y)
            total = float(-2.0 * np.sum(logp * wt))
        return total

    def check_response(self, y: Array) -> None:
        if np.any(y < 0):
            raise ResponseError(
                f"negative values are not allowed for the {self.name} family "
                f"(smallest response {np.min(y):g})"
            )
        if self.whole_counts and not np.array_equal(y, np.round(y)) and np.any(
            is_nonint(y)
        ):
            bad = y[is_nonint(y)][0]
            raise ResponseError(
                f"the poisson family needs counts (whole numbers), but the response has {bad:g}; "
                "use family='quasipoisson' for non-integer data, or round the response"
            )

    def start_mu(self, y: Array, weights: Array) -> Array:
        return y + 0.1


class QuasiPoisson(Poisson):
    """Poisson variance with the dispersion estimated; no AIC."""

    name = "quasipoisson"
    dispersion_base = "poisson"
    fixed_dispersion = False
    unit_dispersion = False
    dispersion_free = False
    whole_counts = False

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        return float("nan")

    def boundary_message(self, mu: Array) -> str | None:
        return None  # glm.fit warns for the poisson family only


class Gamma(Family):
    """Gamma errors: variance mu^2, dispersion estimated."""

    name = "Gamma"
    marginal_means_t = True
    default_link = "inverse"
    allowed_links = ("inverse", "log", "identity")
    response_kind = "positive"
    scale_parameters = 1
    aic_dispersion_basis = "weights"
    aic_constant = 2.0

    def variance(self, mu: Array) -> Array:
        return np.asarray(mu, dtype=float) ** 2

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        return -2.0 * wt * (log_ratio(y, mu) - (y - mu) / mu)

    def deviance_function(self, y: Array, wt: Array) -> Callable[[Array], float]:
        return gamma_deviance(y, wt)

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        # R: -2 sum(dgamma(y, 1/disp, scale = mu disp, log = TRUE) wt) + 2, disp = dev/sum(wt);
        # the log density (shape-1) log y - y/scale - lgamma(shape) - shape log(scale), in place
        disp = float(dev / np.sum(wt))
        shape = 1.0 / disp
        logpdf = np.log(y)
        logpdf *= shape - 1.0
        term = np.divide(y, mu)
        term *= shape  # y / scale
        logpdf -= term
        np.log(mu, out=term)
        term += np.log(disp)
        term *= shape  # shape log(scale)
        logpdf -= term
        logpdf -= special.gammaln(shape)
        logpdf *= wt
        return float(-2.0 * np.sum(logpdf) + 2.0)

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
    response_kind = "positive"
    scale_parameters = 1
    aic_dispersion_basis = "weights"
    aic_constant = 2.0

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
    **EXTRA_FAMILIES,
}


def _parse_call(text: str) -> tuple[str, list[object], dict[str, object]]:
    """Split 'binomial(link = "probit")' into name, positional and keyword arguments.

    As R writes them, names need no quotes: ``binomial(link = probit)``,
    ``quasi(link = log, variance = mu^2)`` (R's code of an argument is its text).
    """
    try:
        for r_name, py_name in {"inverse.gaussian": "inverse_gaussian", **R_SPELLINGS}.items():
            text = text.replace(r_name, py_name)
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise FamilyError(f"cannot read the family {shorten(text)}") from None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        raise FamilyError(f"cannot read the family {shorten(text)}")

    def value(argument: ast.expr) -> object:
        try:
            return ast.literal_eval(argument)
        except ValueError:
            pass
        if isinstance(argument, ast.Name):  # link = probit
            return argument.id
        code = ast.get_source_segment(text, argument)  # variance = mu^2, link = power(1/3)
        if code is None or any(isinstance(n, ast.Call) and not isinstance(n.func, ast.Name)
                               for n in ast.walk(argument)):
            raise FamilyError(f"cannot read the arguments of {shorten(text)}")
        return " ".join(code.split())

    args = [value(a) for a in node.args]
    kwargs = {k.arg: value(k.value) for k in node.keywords if k.arg}
    return node.func.id, args, kwargs


def known_families() -> str:
    """The registered families, once each, by their R names.

    >>> known_families().split(", ")[:3]
    ['gaussian', 'binomial', 'quasibinomial']
    """
    names: list[str] = []
    for cls in FAMILIES.values():
        if cls.name not in names:
            names.append(cls.name)
    return ", ".join(names)


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
    args: list[object] = []
    kwargs: dict[str, object] = {}
    name = family.strip()
    if "(" in name:
        name, args, kwargs = _parse_call(name)
    key = name.lower().replace("inverse_gaussian", "inverse.gaussian")
    cls = FAMILIES.get(key)
    if cls is None:
        close = difflib.get_close_matches(key, FAMILIES, n=1, cutoff=0.6)
        hint = f" (did you mean {FAMILIES[close[0]].name!r}?)" if close else ""
        raise FamilyError(
            f"unknown family {shorten(family)}{hint}; known families are: {known_families()} "
            "(R's or Python's spelling, e.g. 'inverse_gaussian')"
        )
    kwargs.update(options)
    if link is not None:
        kwargs["link"] = link
    # the arguments come from the caller's text: the constructor checks them (TypeError)
    factory: Callable[..., Family] = cls
    try:
        return factory(*args, **kwargs)
    except TypeError as exc:
        raise FamilyError(f"bad arguments for the {cls.name} family: {exc}") from None


__all__ = ["FAMILIES", "Binomial", "Family", "Gamma", "Gaussian", "InverseGaussian", "Link",
           "NegativeBinomial", "Poisson", "PreparedResponse", "Quasi", "QuasiBinomial",
           "QuasiPoisson", "Tweedie", "get_family", "known_families"]
