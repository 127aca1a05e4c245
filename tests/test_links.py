"""Link functions against R's ``make.link`` (src/library/stats/R/family.R, src/family.c)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats

from glmformula.errors import FamilyError
from glmformula.links import (
    LINKS,
    CLogLog,
    Identity,
    Inverse,
    InverseSquared,
    Link,
    Log,
    Logit,
    LogLog,
    Power,
    Probit,
    Sqrt,
    get_link,
)

EPS = float(np.finfo(float).eps)

# Every link under test: the registry (aliases included) plus R's power() family.
ALL_LINKS: list[tuple[str, Link]] = [(key, make()) for key, make in LINKS.items()] + [
    ("power(1/3)", Power.of(1 / 3)),
    ("power(2)", Power.of(2)),
    ("power(-1)", Power.of(-1)),
    ("power(1)", Power.of(1)),
]
IDS = [key for key, _ in ALL_LINKS]

# (mu grid, eta grid) inside each link's domain, keyed by the link's R name. The eta
# grids stay where R does not clamp the inverse or its derivative.
UNIT = np.linspace(0.01, 0.99, 41)
POSITIVE = np.linspace(0.1, 10.0, 41)
DOMAINS: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "identity": (np.linspace(-5, 5, 41), np.linspace(-5, 5, 41)),
    "log": (POSITIVE, np.linspace(-5, 5, 41)),
    "logit": (UNIT, np.linspace(-10, 10, 41)),
    "probit": (UNIT, np.linspace(-5, 5, 41)),
    "cauchit": (UNIT, np.linspace(-20, 20, 41)),
    "cloglog": (UNIT, np.linspace(-5, 2.5, 41)),
    "loglog": (UNIT, np.linspace(-2.5, 5, 41)),
    "inverse": (np.concatenate([-POSITIVE, POSITIVE]),
                np.concatenate([np.linspace(-5, -0.1, 21), np.linspace(0.1, 5, 21)])),
    "1/mu^2": (POSITIVE, np.linspace(0.1, 5, 41)),
    "sqrt": (POSITIVE, np.linspace(0.1, 5, 41)),
    "mu^0.333": (POSITIVE, np.linspace(0.1, 5, 41)),
    "mu^2": (POSITIVE, np.linspace(0.1, 5, 41)),
}
UNIT_LINKS = ["logit", "probit", "cauchit", "cloglog", "loglog"]


def test_every_link_has_a_test_domain() -> None:
    assert {link.name for _, link in ALL_LINKS} == set(DOMAINS)


@pytest.mark.parametrize(("key", "link"), ALL_LINKS, ids=IDS)
def test_inverse_undoes_link(key: str, link: Link) -> None:
    mu, eta = DOMAINS[link.name]
    np.testing.assert_allclose(link.inverse(link.link(mu)), mu, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(link.link(link.inverse(eta)), eta, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("key", "link"), ALL_LINKS, ids=IDS)
def test_mu_eta_is_derivative_of_inverse(key: str, link: Link) -> None:
    _, eta = DOMAINS[link.name]
    h = 1e-6 * np.maximum(1.0, np.abs(eta))
    numeric = (link.inverse(eta + h) - link.inverse(eta - h)) / (2 * h)
    np.testing.assert_allclose(link.mu_eta(eta), numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("name", UNIT_LINKS)
def test_unit_inverse_stays_inside_zero_one_for_extreme_eta(name: str) -> None:
    link = get_link(name)
    eta = np.concatenate([[-1e300], np.linspace(-1000, 1000, 4001), [1e300]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # R computes these silently
        mu = link.inverse(eta)
        d = link.mu_eta(eta)
    assert np.all(np.isfinite(mu))
    assert np.all(mu > 0) and np.all(mu < 1)
    assert np.all(np.diff(mu) >= 0)  # the clamps keep the inverse monotone
    assert np.all(np.isfinite(d)) and np.all(d > 0)
    assert np.all(d >= EPS)


def test_log_inverse_overflows_silently_as_r() -> None:
    # R: exp(1000) is Inf without a warning; pmax(Inf, eps) is Inf.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mu = Log().inverse(np.array([-1000.0, 0.5, 1000.0]))
        d = Log().mu_eta(np.array([-1000.0, 0.5, 1000.0]))
    assert mu[0] == EPS and mu[1] == pytest.approx(math.exp(0.5)) and mu[2] == np.inf
    assert d[2] == np.inf


def test_log_inverse_is_kept_at_machine_epsilon() -> None:
    # R: pmax(exp(eta), .Machine$double.eps)
    assert Log().inverse(np.array([-1000.0]))[0] == EPS
    assert Log().mu_eta(np.array([-1000.0]))[0] == EPS
    assert Log().inverse(np.array([1.0]))[0] == pytest.approx(math.e, rel=1e-15)


def test_logit_thresholds_match_r_c_code() -> None:
    link = Logit()
    # R's logit_linkinv: x / (1 + x) with x = INVEPS above 30 and DBL_EPSILON below -30.
    inveps = 1.0 / EPS
    assert link.inverse(np.array([31.0]))[0] == inveps / (1.0 + inveps)
    assert link.inverse(np.array([1000.0]))[0] == inveps / (1.0 + inveps)
    assert link.inverse(np.array([-31.0]))[0] == EPS / (1.0 + EPS)
    # Inside the thresholds it is the plain logistic function.
    assert link.inverse(np.array([30.0]))[0] == math.exp(30) / (1 + math.exp(30))
    assert link.inverse(np.array([0.5]))[0] == pytest.approx(1 / (1 + math.exp(-0.5)), rel=1e-15)
    # logit_mu_eta: DBL_EPSILON outside |eta| <= 30, else exp(eta) / (1 + exp(eta))^2.
    assert link.mu_eta(np.array([31.0]))[0] == EPS
    assert link.mu_eta(np.array([-31.0]))[0] == EPS
    assert link.mu_eta(np.array([0.0]))[0] == 0.25
    assert link.mu_eta(np.array([30.0]))[0] == pytest.approx(
        math.exp(30) / (1 + math.exp(30)) ** 2, rel=1e-12
    )
    assert link.link(np.array([0.25]))[0] == pytest.approx(math.log(1 / 3), rel=1e-15)


def test_probit_and_cauchit_clamp_at_eps_quantiles() -> None:
    # R: thresh <- -qnorm(.Machine$double.eps); pnorm(pmin(pmax(eta, -thresh), thresh))
    probit = Probit()
    assert probit.inverse(np.array([-1000.0]))[0] == pytest.approx(EPS, rel=1e-9)
    assert 1.0 - probit.inverse(np.array([1000.0]))[0] == pytest.approx(EPS, rel=0.5)
    assert probit.inverse(np.array([1.0]))[0] == pytest.approx(0.8413447460685429, rel=1e-15)
    assert probit.mu_eta(np.array([0.0]))[0] == pytest.approx(1 / math.sqrt(2 * math.pi))
    assert probit.mu_eta(np.array([100.0]))[0] == EPS  # pmax(dnorm(eta), eps)
    cauchit = get_link("cauchit")
    assert cauchit.inverse(np.array([1.0]))[0] == pytest.approx(0.75, rel=1e-15)
    assert cauchit.inverse(np.array([-1.0]))[0] == pytest.approx(0.25, rel=1e-15)
    assert cauchit.mu_eta(np.array([0.0]))[0] == pytest.approx(1 / math.pi, rel=1e-15)
    # -qcauchy(eps) is about 1.43e15; beyond it the inverse is pcauchy(thresh), about eps.
    assert cauchit.inverse(np.array([-1e20]))[0] == pytest.approx(EPS, rel=1e-6)
    assert cauchit.inverse(np.array([1e20]))[0] < 1.0


def test_cloglog_and_loglog_closed_forms() -> None:
    cll = CLogLog()
    # R: pmax(pmin(-expm1(-exp(eta)), 1 - eps), eps)
    assert cll.inverse(np.array([0.0]))[0] == pytest.approx(1 - math.exp(-1), rel=1e-15)
    assert cll.inverse(np.array([1000.0]))[0] == 1 - EPS
    assert cll.inverse(np.array([-1000.0]))[0] == EPS
    # mu.eta: eta <- pmin(eta, 700); pmax(exp(eta) * exp(-exp(eta)), eps)
    assert cll.mu_eta(np.array([0.0]))[0] == pytest.approx(math.exp(-1), rel=1e-15)
    assert cll.mu_eta(np.array([1000.0]))[0] == EPS
    ll = LogLog()
    assert ll.inverse(np.array([0.0]))[0] == pytest.approx(math.exp(-1), rel=1e-15)
    assert ll.inverse(np.array([-1000.0]))[0] == EPS
    assert ll.inverse(np.array([1000.0]))[0] == 1 - EPS
    assert ll.link(np.array([math.exp(-1)]))[0] == pytest.approx(0.0, abs=1e-15)


def test_positive_domain_links_closed_forms() -> None:
    assert Inverse().inverse(np.array([4.0]))[0] == 0.25
    assert Inverse().mu_eta(np.array([2.0]))[0] == -0.25
    assert InverseSquared().inverse(np.array([4.0]))[0] == 0.5
    assert InverseSquared().mu_eta(np.array([4.0]))[0] == -1 / 16
    assert InverseSquared().link(np.array([2.0]))[0] == 0.25
    assert Sqrt().inverse(np.array([3.0]))[0] == 9.0
    assert Sqrt().mu_eta(np.array([3.0]))[0] == 6.0
    cube = Power.of(1 / 3)
    assert cube.inverse(np.array([2.0]))[0] == pytest.approx(8.0, rel=1e-14)
    assert cube.mu_eta(np.array([2.0]))[0] == pytest.approx(12.0, rel=1e-14)  # 3 eta^2
    square = Power.of(2)
    assert square.link(np.array([3.0]))[0] == 9.0
    assert square.inverse(np.array([9.0]))[0] == pytest.approx(3.0, rel=1e-15)
    assert square.mu_eta(np.array([4.0]))[0] == pytest.approx(0.25, rel=1e-15)


def test_power_of_gives_r_links() -> None:
    # R's power(): log for lambda <= 0, identity for 1, else make.link(lambda) "mu^<round 3>"
    assert isinstance(Power.of(-1), Log)
    assert isinstance(Power.of(0), Log)
    assert isinstance(Power.of(1), Identity)
    assert Power.of(1 / 3).name == "mu^0.333"
    assert Power.of(2).name == "mu^2"
    assert Power.of(0.5).name == "mu^0.5"
    assert Power.of(1.23456).name == "mu^1.235"
    with pytest.raises(FamilyError, match="finite"):
        Power.of(float("nan"))
    with pytest.raises(FamilyError, match="finite"):
        Power(float("inf"))


@pytest.mark.parametrize(
    ("link", "bad", "good"),
    [
        (Inverse(), [0.0], [-2.0, 3.0]),
        (Sqrt(), [0.0, -1.0], [0.5, 2.0]),
        (InverseSquared(), [0.0, -1.0], [0.5, 2.0]),
        (Power.of(1 / 3), [0.0, -1.0], [0.5, 2.0]),
        (Power.of(2), [0.0, -0.5], [0.5, 2.0]),
    ],
    ids=["inverse", "sqrt", "1/mu^2", "mu^0.333", "mu^2"],
)
def test_valid_eta_rejects_outside_domain(link: Link, bad: list[float], good: list[float]) -> None:
    assert link.valid_eta(np.array(good)) is True
    for value in bad:
        assert link.valid_eta(np.array([*good, value])) is False
    assert link.valid_eta(np.array([*good, np.nan])) is False
    assert link.valid_eta(np.array([*good, np.inf])) is False


@pytest.mark.parametrize("name", ["identity", "log", *UNIT_LINKS])
def test_valid_eta_accepts_whole_line(name: str) -> None:
    assert get_link(name).valid_eta(np.array([-50.0, 0.0, 50.0])) is True


@pytest.mark.parametrize("key", list(LINKS))
def test_get_link_by_registry_name(key: str) -> None:
    link = get_link(key)
    assert isinstance(link, Link)
    assert link == LINKS[key]()
    assert get_link(f"  {key} ") == link


def test_get_link_names_are_r_names() -> None:
    assert get_link("inverse_squared").name == "1/mu^2"
    assert get_link("1/mu^2").name == "1/mu^2"
    assert [get_link(n).name for n in UNIT_LINKS] == UNIT_LINKS


@pytest.mark.parametrize(
    ("text", "name", "lam"),
    [
        ("power(1/3)", "mu^0.333", 1 / 3),
        ("power( 0.5 )", "mu^0.5", 0.5),
        ("mu^0.5", "mu^0.5", 0.5),
        ("mu^2", "mu^2", 2.0),
        ("power(2)", "mu^2", 2.0),
    ],
)
def test_get_link_power_forms(text: str, name: str, lam: float) -> None:
    link = get_link(text)
    assert isinstance(link, Power)
    assert link.name == name
    assert link.lam == pytest.approx(lam, rel=1e-15)


def test_get_link_power_special_cases() -> None:
    assert get_link("power(0)") == Log()
    assert get_link("power(-1)") == Log()
    assert get_link("power(1)") == Identity()
    with pytest.raises(FamilyError, match="cannot read the power"):
        get_link("power(abc)")
    with pytest.raises(FamilyError, match="cannot read the power"):
        get_link("power(1/0)")


def test_get_link_passes_link_objects_through() -> None:
    link = Power.of(1 / 3)
    assert get_link(link) is link


def test_unknown_link_lists_known_links() -> None:
    with pytest.raises(FamilyError, match="unknown link 'logitt'") as info:
        get_link("logitt")
    message = str(info.value)
    for name in ["identity", "log", "logit", "probit", "cauchit", "cloglog", "loglog",
                 "inverse", "1/mu^2", "sqrt", "power(lambda)"]:
        assert name in message


def test_link_of_wrong_type() -> None:
    with pytest.raises(FamilyError, match="not int"):
        get_link(3)  # type: ignore[arg-type]


def test_probit_quantile_threshold_is_r_value() -> None:
    # -qnorm(.Machine$double.eps) in R is 8.125890664701906
    link = Probit()
    assert link.inverse(np.array([8.125890664701906]))[0] == link.inverse(np.array([50.0]))[0]
    assert link.inverse(np.array([8.0]))[0] == pytest.approx(stats.norm.cdf(8.0), rel=1e-15)
