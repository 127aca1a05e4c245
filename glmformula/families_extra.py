"""Families outside base R: MASS's ``negative.binomial`` and statmod's ``tweedie``.

Both are looked up by :func:`glmformula.families.get_family` under R's and
Python's spellings:

>>> from glmformula.families import get_family
>>> get_family("negative.binomial(2)").label
'Negative Binomial(2)'
>>> get_family("negative_binomial", theta=1.5, link="sqrt")
NegativeBinomial(theta=1.5, link='sqrt')
>>> get_family("tweedie", var_power=1.5, link_power=0)
Tweedie(var_power=1.5, link_power=0.0)
>>> import numpy as np
>>> NegativeBinomial(2).variance(np.array([2.0])).tolist()
[4.0]

With ``glm()`` (the summary estimates the dispersion, as R's ``summary.glm``
does for these families):

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family=NegativeBinomial(10))
>>> m.summary().family
'Negative Binomial(10)'
>>> t = gf.glm("breaks ~ wool + tension", data=wb, family=Tweedie(1.5, link_power=0))
>>> bool(np.isnan(t.aic)), t.family.link.name
(True, 'mu^0')
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from glmformula.errors import FamilyError, ResponseError
from glmformula.family_base import Family, PreparedResponse, log_factorial
from glmformula.links import Link, Log

Array = np.ndarray


def _r_format(value: float) -> str:
    """A number as R's ``format()`` prints it with 7 significant digits ("2", "1.2346")."""
    return f"{value:.7g}"


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise FamilyError(f"{what} must be a number, not {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise FamilyError(f"{what} must be finite, not {value!r}")
    return out


class NegativeBinomial(Family):
    """Negative binomial errors with a known theta, as ``MASS::negative.binomial(theta)``.

    Variance ``mu + mu^2 / theta``; links log (default), sqrt and identity.
    The family is not poisson or binomial, so ``summary()`` *estimates* the
    dispersion (t tests), exactly as R's ``summary.glm`` does for
    ``glm(..., family = negative.binomial(theta))``; MASS's ``glm.nb`` instead
    fixes it at 1.

    >>> import numpy as np
    >>> fam = NegativeBinomial(2)
    >>> fam.dev_resids(np.array([0.0, 3.0]), np.array([1.0, 2.0]), np.ones(2)).round(6).tolist()
    [1.62186, 0.201355]
    """

    name = "negative.binomial"
    default_link = "log"
    allowed_links = ("log", "identity", "sqrt")
    response_kind = "count"
    dispersion_free = True

    def __init__(self, theta: float, link: str | Link | None = None) -> None:
        self.theta = _number(theta, "theta")
        if self.theta <= 0:
            raise FamilyError(f"theta must be positive, not {theta!r}")
        super().__init__(link)

    def variance(self, mu: Array) -> Array:
        mu = np.asarray(mu, dtype=float)
        return mu + mu**2 / self.theta

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        th = self.theta
        with np.errstate(divide="ignore", invalid="ignore"):
            return 2.0 * wt * (y * np.log(np.maximum(1.0, y) / mu)
                               - (y + th) * np.log((y + th) / (mu + th)))

    def aic(self, y: Array, n: Array, mu: Array, wt: Array, dev: float) -> float:
        th = self.theta
        with np.errstate(divide="ignore", invalid="ignore"):
            term = ((y + th) * np.log(mu + th) - special.xlogy(y, mu) + log_factorial(y)
                    - th * math.log(th) + special.gammaln(th) - special.gammaln(th + y))
        return float(2.0 * np.sum(term * wt))

    def check_response(self, y: Array) -> None:
        if np.any(y < 0):
            raise ResponseError(
                "negative values not allowed for the negative binomial family "
                f"(smallest response {np.min(y):g})"
            )

    def start_mu(self, y: Array, weights: Array) -> Array:
        return y + (y == 0) / 6.0

    @property
    def label(self) -> str:
        return f"Negative Binomial({_r_format(round(self.theta, 4))})"

    def __repr__(self) -> str:
        return f"NegativeBinomial(theta={self.theta!r}, link={self.link.name!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, NegativeBinomial) and super().__eq__(other)
                and other.theta == self.theta)

    def __hash__(self) -> int:
        return hash(("NegativeBinomial", self.theta, self.link.name))


class TweedieLink(Link):
    """statmod's power link: ``mu^lambda``, the log when lambda is 0; named ``mu^<lambda>``.

    Unlike R's ``power()``, the inverse is not clamped and every eta is valid.

    >>> TweedieLink(-0.5).name, TweedieLink(0).name
    ('mu^-0.5', 'mu^0')
    """

    def __init__(self, lam: float) -> None:
        self.lam = _number(lam, "link_power")
        self.name = f"mu^{self.lam:.15g}"
        self._log = Log() if self.lam == 0 else None

    def link(self, mu: Array) -> Array:
        if self._log is not None:
            return self._log.link(mu)
        return np.asarray(mu, dtype=float) ** self.lam

    def inverse(self, eta: Array) -> Array:
        if self._log is not None:
            return self._log.inverse(eta)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return np.asarray(eta, dtype=float) ** (1.0 / self.lam)

    def mu_eta(self, eta: Array) -> Array:
        if self._log is not None:
            return self._log.mu_eta(eta)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return (1.0 / self.lam) * np.asarray(eta, dtype=float) ** (1.0 / self.lam - 1.0)

    def inverse_and_mu_eta(self, eta: Array) -> tuple[Array, Array]:
        if self._log is not None:
            return self._log.inverse_and_mu_eta(eta)
        return self.inverse(eta), self.mu_eta(eta)

    def __repr__(self) -> str:
        return f"TweedieLink({self.lam!r})"


_TWEEDIE_LINK_NAMES = {"identity": 1.0, "log": 0.0, "inverse": -1.0}


class Tweedie(Family):
    """Tweedie errors, as ``statmod::tweedie(var.power, link.power)``.

    Variance ``mu^var_power``; the link is ``mu^link_power`` (the log for 0),
    by default ``link_power = 1 - var_power`` (the canonical link) as statmod.
    ``link`` may name "identity", "log" or "inverse" instead. The AIC is NaN,
    as statmod's family gives NA; the dispersion is estimated.

    >>> import numpy as np
    >>> fam = Tweedie(1.5)
    >>> fam.link.name
    'mu^-0.5'
    >>> fam.dev_resids(np.array([0.0, 2.0]), np.array([1.0, 1.0]), np.ones(2)).round(6).tolist()
    [4.0, 0.686292]
    """

    name = "Tweedie"
    link: TweedieLink

    def __init__(
        self, var_power: float = 0.0, link_power: float | str | None = None,
        link: str | Link | None = None,
    ) -> None:
        self.var_power = _number(var_power, "var_power")
        # the canonical link, and what the mean is: any real value for var_power 0 (the
        # normal variance), else a mean above 0
        self.default_link = f"mu^{1.0 - self.var_power:.15g}"
        self.response_kind = "real" if self.var_power == 0 else "positive"
        if link is not None and link_power is not None:
            raise FamilyError("give either link= or link_power= for the Tweedie family")
        chosen = link if link is not None else link_power
        if isinstance(chosen, TweedieLink):
            self.link = chosen
        else:
            if isinstance(chosen, str):
                if chosen not in _TWEEDIE_LINK_NAMES:
                    raise FamilyError(
                        f"the Tweedie link is given by link_power (a number) or one of "
                        f"{', '.join(_TWEEDIE_LINK_NAMES)}, not {chosen!r}"
                    )
                chosen = _TWEEDIE_LINK_NAMES[chosen]
            elif isinstance(chosen, Link):
                raise FamilyError("the Tweedie family takes its link as link_power (a number)")
            self.link = TweedieLink(1.0 - self.var_power if chosen is None else chosen)

    @property
    def link_power(self) -> float:
        """The exponent of the link (0 for the log)."""
        return self.link.lam

    def variance(self, mu: Array) -> Array:
        return np.asarray(mu, dtype=float) ** self.var_power

    def valid_mu(self, mu: Array) -> bool:
        p = self.var_power
        if p == 0 or not np.size(mu):
            return True
        return bool(np.all(mu >= 0)) if p > 0 else bool(np.all(mu > 0))

    def dev_resids(self, y: Array, mu: Array, wt: Array) -> Array:
        p = self.var_power
        y1 = y + 0.1 * (y == 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == 1:
                theta = np.log(y1 / mu)
            else:
                theta = (y1 ** (1 - p) - mu ** (1 - p)) / (1 - p)
            if p == 2:
                kappa = np.log(y1 / mu)
            else:
                kappa = (y ** (2 - p) - mu ** (2 - p)) / (2 - p)
        return 2.0 * wt * (y * theta - kappa)

    def initialize(
        self, values: Array, weights: Array, levels: tuple[str, ...] | None, user_start: bool
    ) -> PreparedResponse:
        y = self._plain_response(values, levels)
        return PreparedResponse(y, weights, np.ones_like(y), y + 0.1 * (y == 0))

    def __repr__(self) -> str:
        return f"Tweedie(var_power={self.var_power!r}, link_power={self.link_power!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Tweedie) and other.var_power == self.var_power
                and other.link_power == self.link_power)

    def __hash__(self) -> int:
        return hash(("Tweedie", self.var_power, self.link_power))


EXTRA_FAMILIES: dict[str, type[Family]] = {
    "negative_binomial": NegativeBinomial,
    "negative.binomial": NegativeBinomial,
    "negativebinomial": NegativeBinomial,
    "tweedie": Tweedie,
}

#: R's dotted spellings rewritten so that a call like "tweedie(var.power = 1.5)" parses
R_SPELLINGS = {"negative.binomial": "negative_binomial", "var.power": "var_power",
               "link.power": "link_power"}
