"""Separation in binomial fits: Konis's linear program says which estimates are infinite."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula import separation
from glmformula.errors import BoundaryWarning, GLMWarning, SeparationWarning
from glmformula.separation import separation_lp


def fit_recording(*args, **kwargs) -> tuple[gf.GLMResult, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = gf.glm(*args, **kwargs)
    return model, caught


def separation_messages(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, SeparationWarning)]


def test_warning_class():
    assert issubclass(SeparationWarning, GLMWarning)


def test_lp_complete_separation_signs():
    X = np.column_stack([np.ones(8), np.arange(8.0)])
    y = (np.arange(8) >= 4).astype(float)
    found = separation_lp(X, y, np.ones(8))
    assert found.complete and found.directions.tolist() == [-1, 1]
    flipped = separation_lp(X, 1 - y, np.ones(8))
    assert flipped.directions.tolist() == [1, -1]


def test_lp_overlap_is_not_separated():
    X = np.column_stack([np.ones(8), np.arange(8.0)])
    y = np.array([0, 1, 0, 0, 1, 1, 0, 1], dtype=float)
    found = separation_lp(X, y, np.ones(8))
    assert not found.separated and not found.complete


def test_lp_rows_with_successes_and_failures_constrain_both_ways():
    # proportions strictly between 0 and 1 at x = 3 stop the separation at x >= 3
    X = np.column_stack([np.ones(6), np.arange(6.0)])
    y = np.array([0, 0, 0, 0.5, 1, 1])
    assert separation_lp(X, y, np.full(6, 2.0)).separated
    assert not separation_lp(X, np.array([0, 0, 0.5, 0.5, 1, 1]), np.full(6, 2.0)).separated


def test_complete_separation_names_both_coefficients():
    df = pd.DataFrame({"x": np.arange(1, 13.0), "y": (np.arange(1, 13) > 6).astype(float)})
    m, caught = fit_recording("y ~ x", df, "binomial")
    messages = separation_messages(caught)
    assert len(messages) == 1
    assert messages[0].startswith("complete separation")
    assert "(Intercept) (-Inf)" in messages[0] and "x (+Inf)" in messages[0]
    # R's own warning is kept
    assert any(issubclass(w.category, BoundaryWarning)
               and "fitted probabilities numerically 0 or 1" in str(w.message) for w in caught)
    assert m.infinite_estimates.to_dict() == {"(Intercept)": "-Inf", "x": "+Inf"}
    # every output format carries the note
    summary = m.summary()
    for text in (str(summary), summary.to_markdown(), summary.to_html(), summary.to_latex()):
        assert "infinite maximum likelihood estimates" in text
        assert "(Intercept) (-Inf), x (+Inf)" in text


def test_quasi_complete_separation_names_only_the_level():
    rng = np.random.default_rng(4)
    g = np.repeat(["a", "b", "c"], 20)
    y = rng.integers(0, 2, 60).astype(float)
    y[g == "c"] = 0.0
    df = pd.DataFrame({"y": y, "g": g, "x": rng.standard_normal(60)})
    m, caught = fit_recording("y ~ g + x", df, "binomial")
    (message,) = separation_messages(caught)
    assert message.startswith("quasi-complete separation") and "gc (-Inf)" in message
    assert m.infinite_estimates.to_dict() == {"gc": "-Inf"}
    text = str(m.summary())
    note = text[text.index("Separation: infinite"):]
    assert note.rstrip().endswith(": gc (-Inf)")  # only the infinite estimate is listed


def test_grouped_binomial_with_a_zero_count_group():
    df = pd.DataFrame({"dead": [0, 0, 3, 5, 7, 9], "alive": [10, 10, 7, 5, 3, 1],
                       "dose": ["a", "a", "b", "b", "c", "c"]})
    m, caught = fit_recording("cbind(dead, alive) ~ dose", df, "binomial")
    assert m.infinite_estimates.to_dict() == {"(Intercept)": "-Inf", "doseb": "+Inf",
                                              "dosec": "+Inf"}
    assert "quasi-complete" in separation_messages(caught)[0]


def test_no_warning_without_separation():
    rng = np.random.default_rng(5)
    x = rng.standard_normal(200)
    df = pd.DataFrame({"x": x, "y": (rng.random(200) < 1 / (1 + np.exp(-x))).astype(float)})
    m, caught = fit_recording("y ~ x", df, "binomial")
    assert not separation_messages(caught) and m.infinite_estimates is None
    assert "Separation" not in str(m.summary())


def test_poisson_is_not_checked(monkeypatch):
    monkeypatch.setattr(separation, "separation_lp", pytest.fail)
    df = pd.DataFrame({"x": np.arange(10.0), "y": [0.0] * 9 + [50.0]})
    fit_recording("y ~ x", df, "poisson")


def test_fits_away_from_the_boundary_are_not_checked(monkeypatch):
    monkeypatch.setattr(separation, "separation_lp", pytest.fail)
    df = pd.DataFrame({"x": np.arange(10.0), "y": [0, 1, 0, 0, 1, 0, 1, 1, 0, 1.0]})
    fit_recording("y ~ x", df, "binomial")


def test_large_data_are_not_checked(monkeypatch):
    monkeypatch.setattr(separation, "MAX_ROWS", 50)
    monkeypatch.setattr(separation, "separation_lp", pytest.fail)
    df = pd.DataFrame({"x": np.arange(60.0), "y": (np.arange(60) > 30).astype(float)})
    m, caught = fit_recording("y ~ x", df, "binomial")
    assert not separation_messages(caught) and m.infinite_estimates is None


def test_flagged_estimates_keep_growing_and_the_others_settle():
    rng = np.random.default_rng(4)
    g = np.repeat(["a", "b", "c"], 20)
    y = rng.integers(0, 2, 60).astype(float)
    y[g == "c"] = 0.0
    df = pd.DataFrame({"y": y, "g": g, "x": rng.standard_normal(60)})
    short, _ = fit_recording("y ~ g + x", df, "binomial", control={"epsilon": 1e-30, "maxit": 20})
    long, _ = fit_recording("y ~ g + x", df, "binomial", control={"epsilon": 1e-30, "maxit": 40})
    assert long.coef["gc"] < short.coef["gc"] - 10  # -Inf: about one unit per iteration
    finite = ["(Intercept)", "gb", "x"]
    assert_close(long.coef[finite], short.coef[finite], rtol=1e-6)
