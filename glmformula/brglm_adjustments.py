"""The pieces of brglm2's adjusted score equations: derivatives and score adjustments.

Bias reduction (R's ``brglm2::brglmFit``) solves ``score + A = 0`` for an
adjustment ``A`` that depends on the estimator (``type``). Besides the link's
``dmu/deta`` and the family's variance it needs ``d2mu/deta2`` (per link),
``dV/dmu`` (per family) and, for the families with a dispersion, the first
three derivatives of the function ``a(zeta)`` of the exponential dispersion
family in the parametrisation ``zeta = -weight / dispersion`` (as the
``enrichwith`` package gives them to brglm2). The tables below are keyed by
the link and family classes of :mod:`glmformula.links` and
:mod:`glmformula.families`.

>>> import numpy as np
>>> from glmformula.links import Logit
>>> d2 = second_derivative(Logit())
>>> round(float(d2(np.array([0.5]))[0]), 6)
-0.057557
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from glmformula.errors import FamilyError
from glmformula.families import Binomial, Family, Gamma, Gaussian, InverseGaussian, Poisson
from glmformula.links import (
    EPS,
    Cauchit,
    CLogLog,
    Identity,
    Inverse,
    InverseSquared,
    Link,
    Log,
    Logit,
    Probit,
    Sqrt,
)

Array = np.ndarray

#: brglm2's estimators, with the description its summary prints
TYPES: dict[str, str] = {
    "AS_mixed": "mixed bias-reducing adjusted score equations",
    "AS_mean": "mean bias-reducing adjusted score equations",
    "AS_median": "median bias-reducing adjusted score equations",
    "correction": "bias correction",
    "MPL_Jeffreys": "maximum penalized likelihood with Jeffreys'-prior penalty",
    "ML": "maximum likelihood",
}


def _logit_d2(link: Link) -> Callable[[Array], Array]:
    return lambda eta: link.mu_eta(eta) * (1 - 2 * link.inverse(eta))


def _probit_d2(eta: Array) -> Array:
    return -eta * np.maximum(np.exp(-0.5 * eta**2) / np.sqrt(2 * np.pi), EPS)


def _cauchit_d2(eta: Array) -> Array:
    return -2 * np.pi * eta * np.maximum((1 / (np.pi * (1 + eta**2))) ** 2, EPS)


def _cloglog_d2(eta: Array) -> Array:
    with np.errstate(over="ignore"):
        e = np.exp(eta)
        return (1 - e) * np.maximum(e * np.exp(-e), EPS)


_SECOND: dict[type[Link], Callable[[Link], Callable[[Array], Array]]] = {
    Logit: _logit_d2,
    Probit: lambda link: _probit_d2,
    Cauchit: lambda link: _cauchit_d2,
    CLogLog: lambda link: _cloglog_d2,
    Identity: lambda link: lambda eta: np.zeros_like(eta),
    Log: lambda link: lambda eta: np.maximum(np.exp(eta), EPS),
    Sqrt: lambda link: lambda eta: np.full_like(eta, 2.0),
    Inverse: lambda link: lambda eta: 2 / eta**3,
    InverseSquared: lambda link: lambda eta: 3 / (4 * eta**2.5),
}


def second_derivative(link: Link) -> Callable[[Array], Array]:
    """d2mu/deta2 for the links brglm2 supports (enrichwith's ``d2mu.deta``)."""
    maker = _SECOND.get(type(link))
    if maker is None:
        raise FamilyError(
            f"method='brglmFit' does not support the {link.name!r} link; use one of the "
            "links brglm2 supports: logit, probit, cauchit, cloglog, identity, log, sqrt, "
            "inverse, 1/mu^2")
    return maker(link)


def _gamma_d1(z: Array) -> Array:
    # enrichwith's d1afun, less the 2 that brglmFit takes off for the Gamma family
    return -2 * special.digamma(-z) + 2 * np.log(-z)


@dataclass(frozen=True)
class FamilyPieces:
    """What the adjusted scores need from a family beyond its variance and deviance."""

    d1variance: Callable[[Array], Array]
    #: d1afun, d2afun, d3afun in zeta = -weight / dispersion (None: no dispersion)
    afuns: tuple[Callable[[Array], Array], ...] | None
    #: brglm2's adjusted response for the starting fit: (y, weights, adj) -> (y, weights,
    #: mustart); None: the response as it is, the family's starting means
    adjusted_response: Callable[[Array, Array, float], tuple[Array, Array, Array]] | None = None


def _binomial_response(y: Array, weights: Array, adj: float) -> tuple[Array, Array, Array]:
    """adj / 2 added to the successes and to the failures; binomial's mustart on them."""
    w_adj = weights + adj
    with np.errstate(divide="ignore", invalid="ignore"):
        y_adj = np.where(w_adj > 0, (weights * y + 0.5 * adj) / w_adj, 0.0)
    return y_adj, w_adj, (w_adj * y_adj + 0.5) / (w_adj + 1)


def _poisson_response(y: Array, weights: Array, adj: float) -> tuple[Array, Array, Array]:
    """adj / 2 added to the counts; poisson's mustart (y + 0.1) on them."""
    y_adj = y + 0.5 * adj
    return y_adj, weights, y_adj + 0.1


_NORMAL_AFUNS: tuple[Callable[[Array], Array], ...] = (
    lambda z: -1 / z, lambda z: 1 / z**2, lambda z: -2 / z**3)

_FAMILIES: dict[type[Family], FamilyPieces] = {
    Binomial: FamilyPieces(lambda mu: 1 - 2 * mu, None, _binomial_response),
    Poisson: FamilyPieces(lambda mu: np.ones_like(mu), None, _poisson_response),
    Gaussian: FamilyPieces(lambda mu: np.zeros_like(mu), _NORMAL_AFUNS),
    Gamma: FamilyPieces(lambda mu: 2 * mu, (
        _gamma_d1,
        lambda z: 2 * special.polygamma(1, -z) + 2 / z,
        lambda z: -2 * special.polygamma(2, -z) - 2 / z**2)),
    InverseGaussian: FamilyPieces(lambda mu: 3 * mu**2, _NORMAL_AFUNS),
}

SUPPORTED_FAMILIES = "binomial, poisson, gaussian, Gamma, inverse.gaussian"


def family_pieces(family: Family) -> FamilyPieces:
    """The family's pieces; a FamilyError for the families brglmFit does not support."""
    pieces = _FAMILIES.get(type(family))
    if pieces is not None:
        return pieces
    if family.name.startswith("quasi"):
        raise FamilyError(
            "method='brglmFit' does not support the quasi, quasipoisson and quasibinomial "
            f"families (as brglm2); use one of {SUPPORTED_FAMILIES}")
    raise FamilyError(
        f"method='brglmFit' does not support the {family.label} family; use one of "
        f"{SUPPORTED_FAMILIES}")


def hat_adjustment(hats: Array, d1: Array, d2: Array, X: Array) -> Array:
    """The mean bias-reducing adjustment of the coefficients' scores:
    colSums(h/2 d2mu/deta2 / dmu/deta x) (AS_mean, AS_mixed, correction)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray((0.5 * hats * d2 / d1) @ X)


def jeffreys_adjustment(hats: Array, d1: Array, d2: Array, varmu: Array, d1var: Array,
                        X: Array, a: float) -> Array:
    """The scores' adjustment of Jeffreys-prior penalised likelihood (power ``a``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(2 * a * ((0.5 * hats * (2 * d2 / d1 - d1var * d1 / varmu)) @ X))


def median_adjustment(hats: Array, d1: Array, d2: Array, varmu: Array, d1var: Array,
                      X: Array, working: Array, info: Array, inverse: Array) -> Array:
    """The median bias-reducing adjustment (Kenne Pagui, Salvan and Sartori, 2017):
    the mean adjustment plus ``info b``, with b_j from the hat values of the
    j-th coefficient's own direction."""
    Z = X @ inverse
    with np.errstate(divide="ignore", invalid="ignore"):
        hats_j = Z**2 / np.diag(inverse)[None, :] * working[:, None]
        c = d1 * d1var / (6 * varmu) - 0.5 * d2 / d1
    b = np.sum(Z * hats_j * c[:, None], axis=0)
    return hat_adjustment(hats, d1, d2, X) + info @ b


def dispersion_adjustment(type: str, p: int, dispersion: float, s1: float, s2: float,
                          a: float) -> float:
    """The adjustment of the dispersion's score (identity transformation), with
    ``s1 = sum(w^3 a'''(zeta))`` and ``s2 = sum(w^2 a''(zeta))``."""
    if type in ("AS_mean", "correction"):
        return (p - 2) / (2 * dispersion) + s1 / (2 * dispersion**2 * s2)
    if type == "MPL_Jeffreys":
        return 2 * a * (-(p + 4) / (2 * dispersion) + s1 / (2 * dispersion**2 * s2))
    if type in ("AS_median", "AS_mixed"):
        return p / (2 * dispersion) + s1 / (6 * dispersion**2 * s2)
    return 0.0
