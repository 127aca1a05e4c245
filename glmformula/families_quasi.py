"""R's ``quasi`` family: quasi-likelihood with a chosen link and variance function.

>>> import numpy as np
>>> fam = Quasi(link="log", variance="mu^2")
>>> fam.variance(np.array([2.0])).tolist(), fam.call_arguments()
([4.0], ['link = "log"', 'variance = "mu^2"'])
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from glmformula.errors import FamilyError
from glmformula.family_base import Family, log_ratio
from glmformula.links import Link

Array = np.ndarray


QUASI_VARIANCES = ("constant", "mu(1-mu)", "mu", "mu^2", "mu^3")


class Quasi(Family):
    """Quasi-likelihood with a chosen link and variance (R's ``quasi``)."""

    name = "quasi"
    default_link = "identity"
    allowed_links = ()  # any link
    response_kind = "real"

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
        variances: dict[str, Callable[[], Array]] = {
            "constant": lambda: np.ones_like(mu),
            "mu(1-mu)": lambda: mu * (1.0 - mu),
            "mu": lambda: mu,
            "mu^2": lambda: mu**2,
            "mu^3": lambda: mu**3,
        }
        return variances[self.variance_name]()

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
            return 2 * wt * (y * log_ratio(y, mu) + right)
        if v == "mu":
            return 2 * wt * (y * log_ratio(y, mu) - (y - mu))
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

    def call_arguments(self) -> list[str]:
        return [f'link = "{self.link.name}"', f'variance = "{self.variance_name}"']

    def __repr__(self) -> str:
        return f"Quasi(link={self.link.name!r}, variance={self.variance_name!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Quasi) and super().__eq__(other)
                and other.variance_name == self.variance_name)

    def __hash__(self) -> int:
        return hash(("Quasi", self.link.name, self.variance_name))
