"""The structured (tabmat) model matrix gives the same model as the dense formulaic path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.matrices import DenseModelMatrix
from glmformula.structured import StructuredModelMatrix


def _data(n: int = 3000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "x1": rng.standard_normal(n),
        "x2": rng.standard_normal(n),
        "k": rng.integers(0, 5, n),
        "g": pd.Categorical(rng.choice(["b", "a", "c"], n), categories=["c", "b", "a"]),
        "s": rng.choice(["lo", "mid", "hi", "top"], n),
        "expo": rng.uniform(0.5, 2.0, n),
        "w": rng.uniform(0.2, 3.0, n),
    })
    eta = 0.3 + 0.2 * frame["x1"] - 0.1 * frame["x2"] + frame["g"].cat.codes * 0.2
    frame["y"] = rng.poisson(np.exp(eta) * frame["expo"])
    frame["z"] = rng.gamma(2.0, np.exp(eta) / 2.0)
    frame.loc[[3, 17], "x2"] = np.nan
    frame.loc[[25], "g"] = np.nan
    return frame


FORMULAS = [
    "y ~ x1 + x2 + g + s",
    "y ~ x1 + g + x1:s",
    "y ~ s + x2:g",
    "y ~ 0 + g + x1",
    "y ~ x1*g + k",
    "y ~ g + x1 + x1:x2",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_structured_equals_dense(formula, monkeypatch):
    frame = _data()
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 100)
    fast = gf.glm(formula, frame, family="poisson", context={})
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 10**12)
    slow = gf.glm(formula, frame, family="poisson", context={})
    assert isinstance(fast.design.X, StructuredModelMatrix)
    assert isinstance(slow.design.X, np.ndarray)
    assert fast.column_names == slow.column_names
    np.testing.assert_allclose(fast.design.X.dense(), slow.design.X, rtol=0, atol=0)
    # two paths, two orders of summation: equal to rounding, on the scale of the standard
    # errors for the coefficients (one may be near 0) and of the largest value otherwise
    same_coef(fast, slow)
    assert_close(fast.std_errors, slow.std_errors, rtol=1e-10)
    assert fast.deviance == pytest.approx(slow.deviance, rel=1e-12)
    assert fast.design.n_dropped == slow.design.n_dropped > 0
    assert fast.iterations == slow.iterations
    pd.testing.assert_index_equal(fast.design.row_index, slow.design.row_index)
    newdata = frame.dropna().head(7)
    close(fast.predict(newdata, se_fit=True), slow.predict(newdata, se_fit=True))
    close(fast.predict(se_fit=True), slow.predict(se_fit=True))


def same_coef(fast: gf.GLMResult, slow: gf.GLMResult) -> None:
    """Coefficients equal to 1e-10 relative or 1e-10 of the largest standard error."""
    np.testing.assert_allclose(fast.coef, slow.coef, rtol=1e-10,
                               atol=1e-10 * float(slow.std_errors.max()))


def close(a: object, b: object, rtol: float = 1e-10) -> None:
    """Equal to `rtol` relative, or `rtol` of the largest |value| (a log mean may be ~0)."""
    expected = np.asarray(b, dtype=float)
    np.testing.assert_allclose(a, expected, rtol=rtol, atol=rtol * np.nanmax(np.abs(expected)))


def test_structured_with_weights_and_offset(monkeypatch):
    frame = _data()
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 100)
    frame["log_expo"] = np.log(frame["expo"])
    fast = gf.glm("y ~ x1 + g", frame, family="poisson", weights="w", offset="log_expo")
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 10**12)
    slow = gf.glm("y ~ x1 + g", frame, family="poisson", weights="w", offset="log_expo")
    assert isinstance(fast.design.X, StructuredModelMatrix)
    same_coef(fast, slow)
    assert fast.null_deviance == pytest.approx(slow.null_deviance, rel=1e-12)
    assert fast.aic == pytest.approx(slow.aic, rel=1e-12)


def test_transforms_use_the_general_path(monkeypatch):
    frame = _data()
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 100)
    for formula in ("y ~ log(expo) + g", "y ~ I(x1^2)"):
        model = gf.glm(formula, frame, family="poisson")
        assert isinstance(model.design.X, np.ndarray), formula


@pytest.mark.parametrize("offset", [None, "log_expo"])
def test_formula_offsets_stay_structured(offset, monkeypatch):
    frame = _data()
    frame["log_expo"] = np.log(frame["expo"])
    formula = "y ~ x1 + g + s + offset(log(expo)) + offset(0.5 * x1)"
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 100)
    fast = gf.glm(formula, frame, family="poisson", weights="w", offset=offset)
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 10**12)
    slow = gf.glm(formula, frame, family="poisson", weights="w", offset=offset)
    assert isinstance(fast.design.X, StructuredModelMatrix)
    assert isinstance(slow.design.X, np.ndarray)
    close(fast.design.offset, slow.design.offset, rtol=1e-15)
    same_coef(fast, slow)
    assert_close(fast.std_errors, slow.std_errors, rtol=1e-10)
    assert fast.deviance == pytest.approx(slow.deviance, rel=1e-12)
    assert fast.null_deviance == pytest.approx(slow.null_deviance, rel=1e-12)
    assert fast.aic == pytest.approx(slow.aic, rel=1e-12)
    newdata = frame.dropna().head(7)
    close(fast.predict(newdata, type="response"), slow.predict(newdata, type="response"))


def test_formula_offsets_with_missing_or_infinite_values_take_the_general_path(monkeypatch):
    frame = _data()
    frame.loc[[40, 41], "expo"] = np.nan  # R drops these rows
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 100)
    model = gf.glm("y ~ x1 + g + offset(log(expo))", frame, family="poisson")
    assert isinstance(model.design.X, np.ndarray)
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 10**12)
    slow = gf.glm("y ~ x1 + g + offset(log(expo))", frame, family="poisson")
    assert model.design.n_dropped == slow.design.n_dropped == 3  # g at row 25, expo at 40, 41
    frame.loc[[40, 41], "expo"] = 0.0  # log(0): the general path's error
    messages = []
    for rows in (100, 10**12):
        monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", rows)
        with pytest.raises(gf.errors.GLMError) as error:
            gf.glm("y ~ x1 + g + offset(log(expo))", frame, family="poisson")
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_caller_frame_unchanged(monkeypatch):
    frame = _data()
    before = frame.copy(deep=True)
    monkeypatch.setattr("glmformula.design.STRUCTURED_MIN_ROWS", 100)
    gf.glm("y ~ x1 + s + g", frame, family="poisson")
    pd.testing.assert_frame_equal(frame, before)


def test_dense_model_matrix_reductions():
    rng = np.random.default_rng(0)
    values = rng.standard_normal((50, 4))
    w = rng.uniform(size=50)
    X = DenseModelMatrix(values)
    # sums of 50 terms in another order: equal to rounding on the scale of the terms
    scale = np.abs(values).max() ** 2 * w.sum()
    np.testing.assert_allclose(X.gram(w), values.T @ (values * w[:, None]), rtol=1e-12,
                               atol=1e-14 * scale)
    np.testing.assert_allclose(X.rmatvec(w), values.T @ w, rtol=1e-12, atol=1e-14 * scale)
    np.testing.assert_allclose(X.matvec(np.ones(4)), values.sum(axis=1), rtol=1e-12,
                               atol=1e-14 * np.abs(values).sum(axis=1).max())
