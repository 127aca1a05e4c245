"""Invariances of a GLM fit, on data that hypothesis generates.

Integer weights equal duplicated rows; an offset equals the model with that
coefficient fixed; row order does not matter; rescaling a column rescales its
coefficient; relabelling factor levels permutes the coefficients consistently;
``predict(newdata=data)`` equals the fitted values; and the same data in other
dtypes gives the same fit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from compare import assert_close
from hypothesis import given, settings
from hypothesis import strategies as st

import glmformula as gf

FAMILIES = ["gaussian", "poisson", "binomial", "Gamma"]
LEVELS = ["lo", "mid", "hi"]
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)
RTOL = 1e-7

seeds = st.integers(0, 2**32 - 1)
sizes = st.integers(30, 80)
families = st.sampled_from(FAMILIES)


def make_data(seed: int, n: int, family: str) -> pd.DataFrame:
    """x, z numeric; g a 3-level factor (every level present); w integer weights 1-3; y."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, n)
    z = rng.uniform(0, 2, n)
    codes = rng.permutation(np.arange(n) % 3)
    eta = 0.2 + 0.3 * x - 0.2 * z + np.array([0.0, 0.3, -0.3])[codes]
    if family == "gaussian":
        y = eta + rng.normal(0, 1, n)
    elif family == "poisson":
        y = rng.poisson(np.exp(eta)).astype(float)
    elif family == "binomial":
        y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
        y[:2] = [0.0, 1.0]
    else:
        y = rng.gamma(3.0, np.exp(eta) / 3.0)
    return pd.DataFrame({"y": y, "x": x, "z": z, "g": np.array(LEVELS)[codes],
                         "w": rng.integers(1, 4, n)})


def fit(formula: str, data: pd.DataFrame, family: str, **kw: object) -> gf.GLMResult:
    """glm() with the log link for Gamma (always valid) and warnings silenced."""
    link = "log" if family == "Gamma" else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gf.glm(formula, data, family, link=link, **kw)


def assert_same(a: gf.GLMResult, b: gf.GLMResult, rtol: float = RTOL) -> None:
    np.testing.assert_allclose(a.coef.to_numpy(), b.coef.to_numpy(), rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(a.deviance, b.deviance, rtol=rtol, atol=1e-9)


def same_mle(a: gf.GLMResult, b: gf.GLMResult) -> None:
    """Two fits that start or stop IRLS at different points reach the same estimates.

    IRLS stops when the deviance changes by less than epsilon (1e-13 here) relative,
    so an estimate is within about sqrt(epsilon * (n - p)) standard errors of the
    maximum: the coefficients agree to 1e-5 standard errors, whatever their size
    (a coefficient near 0 has no relative precision to promise).
    """
    within_se(a.coef.to_numpy(), b.coef.to_numpy(), a.std_errors.to_numpy(), 1e-5)
    np.testing.assert_allclose(a.deviance, b.deviance, rtol=1e-9, atol=1e-9)


def within_se(a: np.ndarray, b: np.ndarray, se: np.ndarray, share: float) -> None:
    """|a - b| <= share * se, element by element."""
    gap = np.abs(a - b)
    assert np.all(gap <= share * se), f"differences {gap} exceed {share} x SE {se}"


def same_fitted(a: pd.Series | np.ndarray, b: pd.Series | np.ndarray, rtol: float) -> None:
    """Fitted values equal to `rtol` of their largest size (a Gaussian mean may be ~0)."""
    scale = float(np.max(np.abs(np.asarray(b, dtype=float))))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)


FORMULA = "y ~ x + z + g"


@SETTINGS
@given(seeds, sizes, families)
def test_integer_weights_equal_duplicated_rows(seed: int, n: int, family: str) -> None:
    data = make_data(seed, n, family)
    tight = {"epsilon": 1e-13, "maxit": 100}  # starting values differ (binomial's use weights)
    weighted = fit(FORMULA, data, family, weights="w", control=tight)
    duplicated = data.loc[data.index.repeat(data["w"])].reset_index(drop=True)
    plain = fit(FORMULA, duplicated, family, control=tight)
    same_mle(weighted, plain)
    # the same X'WX; an estimated dispersion divides by n - p, with n the rows or their weights
    assert_close(weighted.std_errors * np.sqrt(
        plain.dispersion / weighted.dispersion), plain.std_errors, rtol=1e-6)


@SETTINGS
@given(seeds, sizes, families)
def test_offset_equals_the_coefficient_fixed(seed: int, n: int, family: str) -> None:
    data = make_data(seed, n, family)
    tight = {"epsilon": 1e-13, "maxit": 100}
    full = fit(FORMULA, data, family, control=tight)
    fixed = full.coef["z"] * data["z"].to_numpy()
    with_offset = fit("y ~ x + g", data, family, offset=fixed, control=tight)
    within_se(with_offset.coef.to_numpy(), full.coef.drop("z").to_numpy(),
              full.std_errors.drop("z").to_numpy(), 1e-5)  # see same_mle
    assert_close(with_offset.deviance, full.deviance, rtol=1e-9)
    same_fitted(with_offset.fitted, full.fitted, rtol=1e-6)


@SETTINGS
@given(seeds, sizes, families)
def test_row_order_does_not_matter(seed: int, n: int, family: str) -> None:
    data = make_data(seed, n, family)
    order = np.random.default_rng(seed + 1).permutation(n)
    shuffled = data.iloc[order]
    a, b = fit(FORMULA, data, family), fit(FORMULA, shuffled, family)
    assert_same(a, b)
    same_fitted(b.fitted.loc[data.index], a.fitted, rtol=1e-7)


@SETTINGS
@given(seeds, sizes, families, st.sampled_from([1e-6, 1e-3, 0.5, 7.0, 1e4, 1e8]))
def test_rescaling_a_column_rescales_its_coefficient(
    seed: int, n: int, family: str, scale: float
) -> None:
    data = make_data(seed, n, family)
    a = fit(FORMULA, data, family)
    b = fit(FORMULA, data.assign(x=data["x"] * scale), family)
    np.testing.assert_allclose(b.coef["x"] * scale, a.coef["x"], rtol=1e-6,
                               atol=1e-6 * a.std_errors["x"])
    assert_close(b.std_errors["x"] * scale, a.std_errors["x"], rtol=1e-6)
    np.testing.assert_allclose(b.coef.drop("x"), a.coef.drop("x"), rtol=1e-6, atol=1e-9)
    assert_close(b.deviance, a.deviance, rtol=1e-9)


@SETTINGS
@given(seeds, sizes, families, st.permutations(LEVELS))
def test_relabelling_levels_permutes_coefficients(
    seed: int, n: int, family: str, order: list[str]
) -> None:
    data = make_data(seed, n, family)
    a = fit(FORMULA, data.assign(g=pd.Categorical(data["g"], categories=LEVELS)), family)
    b = fit(FORMULA, data.assign(g=pd.Categorical(data["g"], categories=order)), family)
    assert_close(a.deviance, b.deviance, rtol=1e-9)
    same_fitted(a.fitted, b.fitted, rtol=1e-7)
    # treatment contrasts: level effects relative to the reference, in either coding
    effect_a = {lev: 0.0 if lev == LEVELS[0] else a.coef[f"g{lev}"] for lev in LEVELS}
    effect_b = {lev: 0.0 if lev == order[0] else b.coef[f"g{lev}"] for lev in LEVELS}
    shift = effect_a[order[0]]
    for lev in LEVELS:
        np.testing.assert_allclose(effect_b[lev], effect_a[lev] - shift, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b.coef["(Intercept)"], a.coef["(Intercept)"] + shift,
                               rtol=1e-6, atol=1e-8)
    # renaming the levels (same order) leaves every number as it was
    renamed = {lev: f"L{i}_{lev}" for i, lev in enumerate(LEVELS)}
    c = fit(FORMULA, data.assign(g=data["g"].map(renamed)), family)
    np.testing.assert_array_equal(c.coef.to_numpy(), a.coef.to_numpy())


@SETTINGS
@given(seeds, sizes, families)
def test_predict_on_the_data_equals_fitted(seed: int, n: int, family: str) -> None:
    data = make_data(seed, n, family)
    m = fit("y ~ x * g + log(z + 1)", data, family)
    same_fitted(m.predict(newdata=data, type="response"), m.fitted, rtol=1e-12)
    np.testing.assert_allclose(m.predict(newdata=data), m.predict(), rtol=1e-12, atol=1e-14)


@SETTINGS
@given(seeds, sizes, st.sampled_from(["poisson", "binomial"]))
def test_dtypes_do_not_change_the_fit(seed: int, n: int, family: str) -> None:
    data = make_data(seed, n, family)
    data = data.assign(x=np.round(data["x"] * 10))
    base = fit(FORMULA, data, family)
    variants = [
        data.assign(y=data["y"].astype(np.int64), x=data["x"].astype(np.int64)),
        data.assign(y=data["y"].astype(np.float32), x=data["x"].astype(np.int32)),
        data.assign(g=pd.Categorical(data["g"], categories=sorted(LEVELS))),
        data.assign(g=data["g"].astype("string")),
        data.assign(g=data["g"].astype(object), x=data["x"].astype("Int64")),
    ]
    for variant in variants:
        assert_same(fit(FORMULA, variant, family), base, rtol=1e-12)
