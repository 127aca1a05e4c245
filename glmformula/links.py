"""Link functions: eta = g(mu), mu = g^-1(eta) and dmu/deta, as R's ``make.link``.

Each link is a small stateless object. Inverses and derivatives are clamped
where R clamps them, so that IRLS never sees 0, 1 or infinity from a link.

>>> import numpy as np
>>> link = get_link("logit")
>>> float(link.inverse(np.array([0.0]))[0])
0.5
>>> get_link("power(0.5)").name
'mu^0.5'
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable

import numpy as np
from scipy import special

from glmformula.distributions import cauchy_cdf, cauchy_pdf, cauchy_quantile, normal_pdf
from glmformula.errors import FamilyError

EPS = float(np.finfo(float).eps)
_LOGIT_THRESHOLD = 30.0
_PROBIT_THRESHOLD = -float(special.ndtri(EPS))
_CAUCHIT_THRESHOLD = -float(cauchy_quantile(EPS))

Array = np.ndarray


class Link:
    """A link function g with its inverse and derivative of the inverse.

    Subclasses define ``name``, ``link``, ``inverse`` and ``mu_eta``; override
    ``valid_eta`` when the inverse is defined on part of the real line only.
    """

    name: str = ""

    def link(self, mu: Array) -> Array:
        """eta = g(mu)."""
        raise NotImplementedError

    def inverse(self, eta: Array) -> Array:
        """mu = g^-1(eta), clamped as R clamps it."""
        raise NotImplementedError

    def mu_eta(self, eta: Array) -> Array:
        """dmu/deta at eta."""
        raise NotImplementedError

    def valid_eta(self, eta: Array) -> bool:
        """True when every eta lies in the domain of the inverse link."""
        return True

    def inverse_and_mu_eta(self, eta: Array) -> tuple[Array, Array]:
        """mu and dmu/deta together (one exp for the log link)."""
        return self.inverse(eta), self.mu_eta(eta)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


class Identity(Link):
    """mu = eta."""

    name = "identity"

    def link(self, mu: Array) -> Array:
        return np.asarray(mu, dtype=float)

    def inverse(self, eta: Array) -> Array:
        return np.asarray(eta, dtype=float)

    def mu_eta(self, eta: Array) -> Array:
        return np.ones_like(eta, dtype=float)


class Log(Link):
    """eta = log(mu); the inverse is kept at or above machine epsilon."""

    name = "log"

    def link(self, mu: Array) -> Array:
        return np.log(mu)

    def inverse(self, eta: Array) -> Array:
        eta = np.asarray(eta, dtype=float)
        with np.errstate(over="ignore"):  # exp(710) is inf, silently as in R
            out = np.exp(eta, out=np.empty_like(eta))
        return np.maximum(out, EPS, out=out)

    def mu_eta(self, eta: Array) -> Array:
        return self.inverse(eta)

    def inverse_and_mu_eta(self, eta: Array) -> tuple[Array, Array]:
        mu = self.inverse(eta)
        return mu, mu


class Logit(Link):
    """eta = log(mu / (1 - mu)); |eta| > 30 is treated as R's C code does."""

    name = "logit"

    def link(self, mu: Array) -> Array:
        mu = np.asarray(mu, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.subtract(1.0, mu)
            np.divide(mu, out, out=out)
            return np.log(out, out=out)

    def inverse(self, eta: Array) -> Array:
        tmp, _ = self._exp(eta)
        denominator = tmp + 1.0
        return np.divide(tmp, denominator, out=tmp)

    def mu_eta(self, eta: Array) -> Array:
        eta = np.asarray(eta, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(eta, out=np.empty_like(eta))
            denominator = e + 1.0
            denominator *= denominator
            out = np.divide(e, denominator, out=e)
        if eta.size and (eta.min() < -_LOGIT_THRESHOLD or eta.max() > _LOGIT_THRESHOLD):
            np.putmask(out, np.abs(eta) > _LOGIT_THRESHOLD, EPS)
        return out

    def inverse_and_mu_eta(self, eta: Array) -> tuple[Array, Array]:
        tmp, clamped = self._exp(eta)
        one_plus = tmp + 1.0
        mu = np.divide(tmp, one_plus, out=tmp)
        mu_eta = np.divide(mu, one_plus, out=one_plus)  # exp(eta) / (1 + exp(eta))^2
        if clamped:
            np.putmask(mu_eta, np.abs(np.asarray(eta)) > _LOGIT_THRESHOLD, EPS)
        return mu, mu_eta

    @staticmethod
    def _exp(eta: Array) -> tuple[Array, bool]:
        """exp(eta) with R's values EPS and 1/EPS beyond |eta| > 30, and whether any were."""
        eta = np.asarray(eta, dtype=float)
        with np.errstate(over="ignore"):
            tmp = np.exp(eta, out=np.empty_like(eta))
        clamped = bool(eta.size) and (eta.min() < -_LOGIT_THRESHOLD
                                      or eta.max() > _LOGIT_THRESHOLD)
        if clamped:
            np.putmask(tmp, eta < -_LOGIT_THRESHOLD, EPS)
            np.putmask(tmp, eta > _LOGIT_THRESHOLD, 1.0 / EPS)
        return tmp, clamped


class Probit(Link):
    """eta = Phi^-1(mu), the normal quantile."""

    name = "probit"

    def link(self, mu: Array) -> Array:
        return special.ndtri(mu)

    def inverse(self, eta: Array) -> Array:
        return special.ndtr(np.clip(eta, -_PROBIT_THRESHOLD, _PROBIT_THRESHOLD))

    def mu_eta(self, eta: Array) -> Array:
        with np.errstate(over="ignore"):  # eta^2 overflows for |eta| > 1e154; dnorm is 0
            return np.maximum(normal_pdf(eta), EPS)


class Cauchit(Link):
    """eta = tan(pi (mu - 1/2)), the Cauchy quantile."""

    name = "cauchit"

    def link(self, mu: Array) -> Array:
        return cauchy_quantile(mu)

    def inverse(self, eta: Array) -> Array:
        clipped = np.clip(eta, -_CAUCHIT_THRESHOLD, _CAUCHIT_THRESHOLD)
        return cauchy_cdf(clipped)

    def mu_eta(self, eta: Array) -> Array:
        return np.maximum(cauchy_pdf(eta), EPS)


class CLogLog(Link):
    """eta = log(-log(1 - mu)), the complementary log-log."""

    name = "cloglog"

    def link(self, mu: Array) -> Array:
        return np.log(-np.log1p(-np.asarray(mu, dtype=float)))

    def inverse(self, eta: Array) -> Array:
        with np.errstate(over="ignore"):  # exp(large) is inf; mu is then 1 - eps, as R
            mu = -np.expm1(-np.exp(eta))
        return np.maximum(np.minimum(mu, 1.0 - EPS), EPS)

    def mu_eta(self, eta: Array) -> Array:
        eta = np.minimum(eta, 700.0)
        return np.maximum(np.exp(eta) * np.exp(-np.exp(eta)), EPS)


class LogLog(Link):
    """eta = -log(-log(mu)), the log-log (Gumbel) link; clamped as cloglog."""

    name = "loglog"

    def link(self, mu: Array) -> Array:
        return -np.log(-np.log(np.asarray(mu, dtype=float)))

    def inverse(self, eta: Array) -> Array:
        with np.errstate(over="ignore"):  # exp(large) is inf; mu is then eps, as R
            mu = np.exp(-np.exp(-np.asarray(eta, dtype=float)))
        return np.maximum(np.minimum(mu, 1.0 - EPS), EPS)

    def mu_eta(self, eta: Array) -> Array:
        eta = np.maximum(eta, -700.0)
        return np.maximum(np.exp(-eta) * np.exp(-np.exp(-eta)), EPS)


class Inverse(Link):
    """eta = 1 / mu."""

    name = "inverse"

    def link(self, mu: Array) -> Array:
        return 1.0 / np.asarray(mu, dtype=float)

    def inverse(self, eta: Array) -> Array:
        return 1.0 / np.asarray(eta, dtype=float)

    def mu_eta(self, eta: Array) -> Array:
        return -1.0 / np.asarray(eta, dtype=float) ** 2

    def valid_eta(self, eta: Array) -> bool:
        return bool(np.all(np.isfinite(eta)) and np.all(eta != 0))


class InverseSquared(Link):
    """eta = 1 / mu^2, the canonical link of the inverse Gaussian."""

    name = "1/mu^2"

    def link(self, mu: Array) -> Array:
        return 1.0 / np.asarray(mu, dtype=float) ** 2

    def inverse(self, eta: Array) -> Array:
        return 1.0 / np.sqrt(eta)

    def mu_eta(self, eta: Array) -> Array:
        return -1.0 / (2.0 * np.asarray(eta, dtype=float) ** 1.5)

    def valid_eta(self, eta: Array) -> bool:
        return bool(np.all(np.isfinite(eta)) and np.all(eta > 0))


class Sqrt(Link):
    """eta = sqrt(mu)."""

    name = "sqrt"

    def link(self, mu: Array) -> Array:
        return np.sqrt(mu)

    def inverse(self, eta: Array) -> Array:
        return np.asarray(eta, dtype=float) ** 2

    def mu_eta(self, eta: Array) -> Array:
        return 2.0 * np.asarray(eta, dtype=float)

    def valid_eta(self, eta: Array) -> bool:
        return bool(np.all(np.isfinite(eta)) and np.all(eta > 0))


class Power(Link):
    """eta = mu^lambda for lambda not 0 or 1 (R's ``power(lambda)``).

    ``Power.of(lam)`` returns Log for lambda <= 0 and Identity for 1, as R does.
    """

    def __init__(self, lam: float) -> None:
        if not isinstance(lam, int | float) or not math.isfinite(lam):
            raise FamilyError(f"power link needs a finite number, got {lam!r}")
        self.lam = float(lam)
        self.name = f"mu^{_r_round3(self.lam)}"

    @staticmethod
    def of(lam: float) -> Link:
        """The link R's ``power(lam)`` gives: log, identity, sqrt or a power."""
        if not isinstance(lam, int | float) or not math.isfinite(lam):
            raise FamilyError(f"power link needs a finite number, got {lam!r}")
        if lam <= 0:
            return Log()
        if lam == 1:
            return Identity()
        return Power(lam)

    def link(self, mu: Array) -> Array:
        return np.asarray(mu, dtype=float) ** self.lam

    def inverse(self, eta: Array) -> Array:
        return np.maximum(np.asarray(eta, dtype=float) ** (1.0 / self.lam), EPS)

    def mu_eta(self, eta: Array) -> Array:
        eta = np.asarray(eta, dtype=float)
        return np.maximum((1.0 / self.lam) * eta ** (1.0 / self.lam - 1.0), EPS)

    def valid_eta(self, eta: Array) -> bool:
        return bool(np.all(np.isfinite(eta)) and np.all(eta > 0))

    def __repr__(self) -> str:
        return f"Power({self.lam!r})"


def _r_round3(value: float) -> str:
    """Format as R's ``round(value, 3)`` pastes it (no trailing zeros)."""
    text = f"{round(value, 3):.3f}".rstrip("0").rstrip(".")
    return text


LINKS: dict[str, Callable[[], Link]] = {
    "identity": Identity,
    "log": Log,
    "logit": Logit,
    "probit": Probit,
    "cauchit": Cauchit,
    "cloglog": CLogLog,
    "loglog": LogLog,
    "inverse": Inverse,
    "1/mu^2": InverseSquared,
    "inverse_squared": InverseSquared,
    "sqrt": Sqrt,
}

_POWER = re.compile(r"^\s*(?:power\s*\(\s*(?P<arg>[^)]*)\)|mu\s*\^\s*(?P<exp>.+))\s*$")


def _parse_number(text: str) -> float:
    """Parse '0.5', '1/3' or '-1' (the forms R users write inside power())."""
    text = text.strip()
    if "/" in text:
        num, _, den = text.partition("/")
        return float(num) / float(den)
    return float(text)


def get_link(link: str | Link) -> Link:
    """Look up a link by R's name ("logit", "1/mu^2", "power(1/3)") or pass one through.

    >>> get_link("cloglog").name
    'cloglog'
    >>> get_link("power(1/3)").name
    'mu^0.333'
    """
    if isinstance(link, Link):
        return link
    if not isinstance(link, str):
        raise FamilyError(
            f"a link is a name such as 'logit' or a Link object, not {type(link).__name__}"
        )
    key = link.strip()
    if key in LINKS:
        return LINKS[key]()
    match = _POWER.match(key)
    if match:
        text = match.group("arg") if match.group("arg") is not None else match.group("exp")
        try:
            lam = _parse_number(text)
        except (ValueError, ZeroDivisionError):
            raise FamilyError(f"cannot read the power in link {link!r}") from None
        return Power.of(lam)
    close = difflib.get_close_matches(key, LINKS, n=1, cutoff=0.6)
    raise FamilyError(
        f"unknown link {link!r}{f' (did you mean {close[0]!r}?)' if close else ''}; known "
        "links are: "
        + ", ".join(sorted(set(LINKS) - {"inverse_squared"}))
        + ", power(lambda)"
    )
