"""Families against R's ``family.R``: look-up, links, variance, deviance, initialize, AIC."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from compare import assert_close
from scipy import special

import glmformula as gf
from glmformula.errors import FamilyError
from glmformula.families import (
    FAMILIES,
    Binomial,
    Family,
    Gamma,
    Gaussian,
    InverseGaussian,
    Poisson,
    Quasi,
    QuasiBinomial,
    QuasiPoisson,
    get_family,
)
from glmformula.links import Power

# --- look-up ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "cls", "name"),
    [
        ("gaussian", Gaussian, "gaussian"),
        ("binomial", Binomial, "binomial"),
        ("quasibinomial", QuasiBinomial, "quasibinomial"),
        ("poisson", Poisson, "poisson"),
        ("quasipoisson", QuasiPoisson, "quasipoisson"),
        ("Gamma", Gamma, "Gamma"),
        ("gamma", Gamma, "Gamma"),
        ("inverse.gaussian", InverseGaussian, "inverse.gaussian"),
        ("inverse_gaussian", InverseGaussian, "inverse.gaussian"),
        ("quasi", Quasi, "quasi"),
        ("  poisson ", Poisson, "poisson"),
    ],
)
def test_lookup_by_r_and_python_spelling(spelling: str, cls: type[Family], name: str) -> None:
    family = get_family(spelling)
    assert type(family) is cls
    assert family.name == name


@pytest.mark.parametrize(
    ("cls", "link"),
    [(Gaussian, "identity"), (Binomial, "logit"), (QuasiBinomial, "logit"), (Poisson, "log"),
     (QuasiPoisson, "log"), (Gamma, "inverse"), (InverseGaussian, "1/mu^2"),
     (Quasi, "identity")],
)
def test_default_links(cls: type[Family], link: str) -> None:
    assert cls().link.name == link
    assert get_family(cls).link.name == link
    assert get_family(cls.name).link.name == link


def test_lookup_by_class_and_object() -> None:
    assert get_family(Poisson, link="sqrt") == Poisson(link="sqrt")
    family = Gamma(link="log")
    assert get_family(family) is family
    assert get_family(family, link="log") is family
    with pytest.raises(FamilyError, match="conflicts with the family object's link 'log'"):
        get_family(family, link="identity")


@pytest.mark.parametrize(
    ("text", "cls", "link"),
    [
        ('binomial(link = "probit")', Binomial, "probit"),
        ("binomial(link='cloglog')", Binomial, "cloglog"),
        ('binomial("cauchit")', Binomial, "cauchit"),
        ('Gamma(link = "log")', Gamma, "log"),
        ('inverse.gaussian(link = "inverse")', InverseGaussian, "inverse"),
        ('quasipoisson(link = "sqrt")', QuasiPoisson, "sqrt"),
        ("poisson()", Poisson, "log"),
    ],
)
def test_lookup_by_r_call(text: str, cls: type[Family], link: str) -> None:
    family = get_family(text)
    assert type(family) is cls
    assert family.link.name == link


def test_quasi_with_variance_and_any_link() -> None:
    family = get_family("quasi", link="log", variance="mu^2")
    assert isinstance(family, Quasi)
    assert family.variance_name == "mu^2"
    assert family.link.name == "log"
    parsed = get_family('quasi(link = "power(1/3)", variance = "mu")')
    assert parsed.link.name == "mu^0.333"
    assert parsed.variance_name == "mu"  # type: ignore[attr-defined]
    assert get_family("quasi", link=Power.of(2)).link.name == "mu^2"
    assert get_family("quasi", link="cloglog").link.name == "cloglog"
    assert get_family("quasi").variance_name == "constant"  # type: ignore[attr-defined]
    assert Quasi(variance="mu") != Quasi(variance="mu^2")
    assert Quasi(link="log", variance="mu") == get_family("quasi", link="log", variance="mu")


def test_quasi_unknown_variance_lists_choices() -> None:
    with pytest.raises(FamilyError, match="quasi variance 'mu\\^4' is not known") as info:
        get_family("quasi", variance="mu^4")
    for choice in ("constant", "mu(1-mu)", "mu", "mu^2", "mu^3"):
        assert choice in str(info.value)


ALLOWED = {
    "gaussian": ("identity", "log", "inverse"),
    "binomial": ("logit", "probit", "cauchit", "log", "cloglog", "loglog"),
    "quasibinomial": ("logit", "probit", "cauchit", "log", "cloglog", "loglog"),
    "poisson": ("log", "identity", "sqrt"),
    "quasipoisson": ("log", "identity", "sqrt"),
    "Gamma": ("inverse", "identity", "log"),
    "inverse.gaussian": ("1/mu^2", "inverse", "identity", "log"),
}
DISALLOWED = {
    "gaussian": "logit", "binomial": "identity", "quasibinomial": "sqrt", "poisson": "logit",
    "quasipoisson": "probit", "Gamma": "sqrt", "inverse.gaussian": "cloglog",
}
ALLOWED_CASES = [(f, link) for f, links in ALLOWED.items() for link in links]


@pytest.mark.parametrize(("family", "link"), ALLOWED_CASES,
                         ids=[f"{f}-{k}" for f, k in ALLOWED_CASES])
def test_allowed_links_accepted(family: str, link: str) -> None:
    assert get_family(family, link=link).link.name == link
    assert get_family(f'{family}(link = "{link}")').link.name == link


@pytest.mark.parametrize("family", list(DISALLOWED))
def test_disallowed_link_rejected_listing_allowed(family: str) -> None:
    bad = DISALLOWED[family]
    with pytest.raises(FamilyError, match=f"link '{bad}' is not available for the "
                                          f"{family.replace('.', '[.]')} family") as info:
        get_family(family, link=bad)
    allowed_part = str(info.value).split("allowed links are:")[1]
    assert sorted(x.strip() for x in allowed_part.split(",")) == sorted(ALLOWED[family])


def test_unknown_link_for_family_says_unknown() -> None:
    with pytest.raises(FamilyError, match="unknown link 'logitt' for the binomial family; "
                                          "allowed links are: logit, probit"):
        get_family("binomial", link="logitt")


def test_link_alias_accepted_by_family() -> None:
    assert get_family("inverse_gaussian", link="inverse_squared").link.name == "1/mu^2"


def test_unknown_family_lists_known_families() -> None:
    with pytest.raises(FamilyError, match="unknown family 'poison'") as info:
        get_family("poison")
    for name in ("gaussian", "binomial", "poisson", "Gamma", "inverse.gaussian", "quasi",
                 "quasibinomial", "quasipoisson"):
        assert name in str(info.value)


@pytest.mark.parametrize(
    ("family", "pattern"),
    [
        (3, "family must be a name"),
        ("binomial(link = x.y(1))", "cannot read the arguments"),
        ('binomial(link = "probit"', "cannot read the family"),
        ('poisson(foo = "x")', "bad arguments for the poisson family"),
        ("negbin(2)", "unknown family"),
    ],
)
def test_bad_family_arguments(family: object, pattern: str) -> None:
    with pytest.raises(FamilyError, match=pattern):
        get_family(family)  # type: ignore[arg-type]


def test_registry_names_all_resolve() -> None:
    needs = {"NegativeBinomial": {"theta": 1.0}}  # families with a required argument
    for key, cls in FAMILIES.items():
        assert type(get_family(key, **needs.get(cls.__name__, {}))) is cls


# --- variance and deviance --------------------------------------------------------------

MU = np.array([0.05, 0.2, 0.5, 0.7, 0.95])


@pytest.mark.parametrize(
    ("family", "expected"),
    [
        (Gaussian(), np.ones_like(MU)),
        (Binomial(), MU * (1 - MU)),
        (QuasiBinomial(), MU * (1 - MU)),
        (Poisson(), MU),
        (QuasiPoisson(), MU),
        (Gamma(), MU**2),
        (InverseGaussian(), MU**3),
        (Quasi(variance="constant"), np.ones_like(MU)),
        (Quasi(variance="mu(1-mu)"), MU * (1 - MU)),
        (Quasi(variance="mu"), MU),
        (Quasi(variance="mu^2"), MU**2),
        (Quasi(variance="mu^3"), MU**3),
    ],
    ids=repr,
)
def test_variance_functions(family: Family, expected: np.ndarray) -> None:
    assert_close(family.variance(MU), expected, rtol=1e-15)


# (family, y values in its support, mu values in its support)
UNIT_Y = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
COUNT_Y = np.array([0.0, 1.0, 2.0, 5.0, 20.0])
POS_Y = np.array([0.1, 0.5, 1.0, 3.0, 20.0])
DEVIANCE_CASES = [
    (Gaussian(), np.array([-3.0, 0.0, 1.5, 4.0, 10.0]), np.array([-2.0, 0.5, 1.0, 7.0, 11.0])),
    (Binomial(), UNIT_Y, np.array([0.01, 0.3, 0.5, 0.6, 0.99])),
    (QuasiBinomial(), UNIT_Y, np.array([0.2, 0.05, 0.7, 0.99, 0.5])),
    (Poisson(), COUNT_Y, np.array([0.5, 1.5, 2.0, 8.0, 3.0])),
    (QuasiPoisson(), COUNT_Y, np.array([2.0, 0.1, 4.0, 5.5, 19.0])),
    (Gamma(), POS_Y, np.array([0.3, 0.5, 2.0, 1.0, 15.0])),
    (InverseGaussian(), POS_Y, np.array([0.2, 0.4, 3.0, 3.5, 1.0])),
    (Quasi(variance="constant"), POS_Y, np.array([0.2, 0.4, 3.0, 3.5, 1.0])),
    (Quasi(variance="mu(1-mu)"), UNIT_Y, np.array([0.2, 0.05, 0.7, 0.99, 0.5])),
    (Quasi(variance="mu"), COUNT_Y, np.array([2.0, 0.1, 4.0, 5.5, 19.0])),
    (Quasi(variance="mu^2"), POS_Y, np.array([0.3, 0.5, 2.0, 1.0, 15.0])),
    (Quasi(variance="mu^3"), POS_Y, np.array([0.2, 0.4, 3.0, 3.5, 1.0])),
]


@pytest.mark.parametrize(("family", "y", "mu"), DEVIANCE_CASES, ids=repr)
def test_unit_deviances_nonnegative_and_zero_at_mu(family: Family, y: np.ndarray,
                                                  mu: np.ndarray) -> None:
    wt = np.array([1.0, 2.0, 0.5, 1.0, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = family.dev_resids(y, mu, wt)
    assert np.all(np.isfinite(d))
    assert np.all(d >= 0)
    assert np.all(d[y != mu] > 0)
    # zero where mu equals y (inside the support, where mu = y is a valid mean)
    inside = (y > 0) & (y < 1) if np.all(y <= 1) else y > 0
    np.testing.assert_allclose(family.dev_resids(y[inside], y[inside], wt[inside]), 0.0,
                               atol=1e-14)
    # the deviance scales with the prior weight
    assert_close(family.dev_resids(y, mu, 2 * wt), 2 * d, rtol=1e-14)


def test_unit_deviance_closed_forms() -> None:
    one = np.ones(1)
    # poisson: 2 * (y log(y/mu) - (y - mu)); at y = 0 it is 2 mu
    assert Poisson().dev_resids(np.array([0.0]), np.array([1.5]), one)[0] == 3.0
    assert Poisson().dev_resids(np.array([2.0]), np.array([1.0]), one)[0] == pytest.approx(
        2 * (2 * math.log(2) - 1), rel=1e-15)
    # binomial: 2 * (y log(y/mu) + (1-y) log((1-y)/(1-mu))); y = 1 gives -2 log(mu)
    assert Binomial().dev_resids(np.array([1.0]), np.array([0.25]), one)[0] == pytest.approx(
        -2 * math.log(0.25), rel=1e-15)
    # Gamma: -2 * (log(y/mu) - (y - mu)/mu)
    assert Gamma().dev_resids(np.array([2.0]), np.array([1.0]), one)[0] == pytest.approx(
        -2 * (math.log(2) - 1), rel=1e-15)
    # inverse.gaussian: (y - mu)^2 / (y mu^2)
    assert InverseGaussian().dev_resids(np.array([2.0]), np.array([1.0]), one)[0] == 0.5
    assert Gaussian().dev_resids(np.array([2.0]), np.array([-1.0]), 2 * one)[0] == 18.0


def test_valid_mu() -> None:
    assert Binomial().valid_mu(np.array([0.2, 0.8]))
    assert not Binomial().valid_mu(np.array([0.2, 1.0]))
    assert not Binomial().valid_mu(np.array([0.0, 0.5]))
    assert Poisson().valid_mu(np.array([0.1, 10.0]))
    assert not Poisson().valid_mu(np.array([0.0, 1.0]))
    assert not Poisson().valid_mu(np.array([np.nan, 1.0]))
    assert Gaussian().valid_mu(np.array([-5.0, 0.0]))
    assert InverseGaussian().valid_mu(np.array([-5.0]))  # R: validmu is TRUE


def test_dispersion_flags() -> None:
    assert Binomial.fixed_dispersion and Poisson.fixed_dispersion
    for cls in (Gaussian, QuasiBinomial, QuasiPoisson, Gamma, InverseGaussian, Quasi):
        assert not cls.fixed_dispersion


# --- binomial initialize ----------------------------------------------------------------


def _init(family: Family, values: np.ndarray, weights: np.ndarray, levels=None):
    return family.initialize(np.asarray(values, float), np.asarray(weights, float), levels,
                             user_start=False)


def test_binomial_initialize_zero_one() -> None:
    r = _init(Binomial(), [0, 1, 1, 0, 1], np.ones(5))
    np.testing.assert_array_equal(r.y, [0, 1, 1, 0, 1])
    np.testing.assert_array_equal(r.weights, np.ones(5))
    np.testing.assert_array_equal(r.n, np.ones(5))
    # mustart = (weights * y + 0.5) / (weights + 1)
    assert_close(r.mustart, [0.25, 0.75, 0.75, 0.25, 0.75], rtol=1e-15)


def test_binomial_initialize_factor_response() -> None:
    # a two-level factor arrives as 0/1 (first level 0), with its levels
    r = _init(Binomial(), [0, 1, 1], np.ones(3), levels=("no", "yes"))
    np.testing.assert_array_equal(r.y, [0, 1, 1])
    np.testing.assert_allclose(r.mustart, [0.25, 0.75, 0.75])


def test_binomial_initialize_proportion_with_weights() -> None:
    y = np.array([0.2, 0.5, 1.0, 0.0])
    w = np.array([5.0, 4.0, 3.0, 2.0])
    r = _init(Binomial(), y, w)
    np.testing.assert_array_equal(r.y, y)
    np.testing.assert_array_equal(r.weights, w)
    np.testing.assert_array_equal(r.n, np.ones(4))
    assert_close(r.mustart, [1.5 / 6, 2.5 / 5, 3.5 / 4, 0.5 / 3], rtol=1e-15)


def test_binomial_initialize_zero_weight_rows_set_y_to_zero() -> None:
    # R: y[weights == 0] <- 0 before the 0 <= y <= 1 check
    r = _init(Binomial(), [0.5, 7.0], np.array([2.0, 0.0]))
    np.testing.assert_array_equal(r.y, [0.5, 0.0])
    np.testing.assert_allclose(r.mustart, [1.5 / 3, 0.5])


def test_binomial_initialize_cbind() -> None:
    counts = np.array([[3.0, 1.0], [0.0, 4.0], [2.0, 2.0], [0.0, 0.0], [5.0, 0.0]])
    r = _init(Binomial(), counts, np.array([2.0, 1.0, 1.0, 1.0, 1.0]))
    n = np.array([4.0, 4.0, 4.0, 0.0, 5.0])
    assert_close(r.y, [0.75, 0.0, 0.5, 0.0, 1.0], rtol=1e-15)
    np.testing.assert_array_equal(r.n, n)
    np.testing.assert_array_equal(r.weights, [8.0, 4.0, 4.0, 0.0, 5.0])  # weights * n
    # mustart = (n * y + 0.5) / (n + 1)
    assert_close(r.mustart, [3.5 / 5, 0.5 / 5, 2.5 / 5, 0.5, 5.5 / 6], rtol=1e-15)


@pytest.mark.parametrize("y, warns", [(0.0005, False), (0.9995, False), (0.002, True),
                                      (0.998, True), (0.5, True), (1.0, False)])
def test_binomial_unit_weight_rule_is_r_rule(y: float, warns: bool) -> None:
    # R warns when any(abs(m - round(m)) > 1e-3) with m = weights * y; unit weights here
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = _init(Binomial(), [0.0, y], np.ones(2))
    assert any("non-integer" in str(w.message) for w in caught) == warns
    np.testing.assert_array_equal(r.mustart, [0.25, (y + 0.5) / 2])


def test_binomial_non_integer_warnings() -> None:
    with pytest.warns(UserWarning, match="non-integer #successes in a binomial glm!"):
        _init(Binomial(), [0.3], np.array([1.0]))
    with pytest.warns(UserWarning, match="non-integer counts in a binomial glm!"):
        _init(Binomial(), np.array([[1.5, 2.0]]), np.array([1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _init(QuasiBinomial(), [0.3], np.array([1.0]))


def test_other_families_initialize_as_r() -> None:
    y = np.array([0.0, 1.0, 3.0])
    np.testing.assert_allclose(_init(Poisson(), y, np.ones(3)).mustart, y + 0.1)
    pos = np.array([0.5, 1.0, 3.0])
    np.testing.assert_array_equal(_init(Gamma(), pos, np.ones(3)).mustart, pos)
    np.testing.assert_array_equal(_init(InverseGaussian(), pos, np.ones(3)).mustart, pos)
    np.testing.assert_array_equal(_init(Gaussian(), y, np.ones(3)).mustart, y)
    np.testing.assert_allclose(_init(Quasi(variance="mu"), y, np.ones(3)).mustart,
                               [0.1, 1.0, 3.0])
    np.testing.assert_allclose(_init(Quasi(variance="mu(1-mu)"), [0.0, 0.5, 1.0],
                                     np.ones(3)).mustart, [0.001, 0.5, 0.999])
    for family in (Poisson(), Gamma(), Gaussian()):
        np.testing.assert_array_equal(_init(family, y + 1, np.ones(3)).n, np.ones(3))


# --- AIC ----------------------------------------------------------------------------------


def _poisson_loglik(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """log dpois(y, mu) from its closed form."""
    return y * np.log(mu) - mu - special.gammaln(y + 1)


def test_poisson_aic_is_minus_two_loglik() -> None:
    y = np.array([0.0, 1.0, 4.0, 7.0, 2.0])
    mu = np.array([0.5, 1.2, 3.3, 6.1, 2.9])
    wt = np.array([1.0, 2.0, 1.0, 0.5, 3.0])
    expected = -2 * np.sum(wt * _poisson_loglik(y, mu))
    assert Poisson().aic(y, np.ones(5), mu, wt, dev=0.0) == pytest.approx(expected, rel=1e-13)
    assert math.isnan(QuasiPoisson().aic(y, np.ones(5), mu, wt, dev=0.0))


def test_poisson_aic_of_fitted_model() -> None:
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
    y = wb["breaks"].to_numpy(float)
    expected = -2 * np.sum(_poisson_loglik(y, m.fitted.to_numpy())) + 2 * 4
    assert m.aic == pytest.approx(expected, rel=1e-12)
    assert round(m.aic, 2) == 493.06


def test_binomial_aic_is_minus_two_loglik() -> None:
    counts = np.array([[3.0, 1.0], [0.0, 4.0], [2.0, 3.0]])
    mu = np.array([0.6, 0.2, 0.45])
    r = _init(Binomial(), counts, np.ones(3))
    k, n = counts[:, 0], counts.sum(axis=1)
    logc = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    expected = -2 * np.sum(logc + k * np.log(mu) + (n - k) * np.log(1 - mu))
    assert Binomial().aic(r.y, r.n, mu, r.weights, 0.0) == pytest.approx(expected, rel=1e-13)
    # 0/1 data: n = 1, m = weights = 1, so the AIC is -2 sum log Bernoulli
    y01 = np.array([0.0, 1.0, 1.0])
    expected01 = -2 * np.sum(y01 * np.log(mu) + (1 - y01) * np.log(1 - mu))
    assert Binomial().aic(y01, np.ones(3), mu, np.ones(3), 0.0) == pytest.approx(expected01)


def test_gamma_aic_formula() -> None:
    y = np.array([0.5, 1.5, 2.0, 4.0])
    mu = np.array([0.8, 1.2, 2.5, 3.5])
    wt = np.ones(4)
    family = Gamma()
    dev = float(np.sum(family.dev_resids(y, mu, wt)))
    shape = 1 / (dev / 4)  # R: disp <- dev/n; dgamma(y, 1/disp, scale = mu*disp)
    logpdf = ((shape - 1) * np.log(y) - y * shape / mu - special.gammaln(shape)
              - shape * np.log(mu / shape))
    assert family.aic(y, np.ones(4), mu, wt, dev) == pytest.approx(-2 * logpdf.sum() + 2,
                                                                   rel=1e-12)
