"""NIST StRD linear regression: certified values to at least 7 significant digits.

The eleven datasets of the NIST Statistical Reference Datasets for linear
least squares are read from their original ``.dat`` files (``tests/data/nist``),
fitted with ``family="gaussian"`` and compared with the certified estimates,
standard deviations, residual standard deviation and R-squared by the log
relative error LRE = -log10(|estimate - certified| / |certified|) (the log
absolute error where the certified value is 0, as NIST and McCullough do).
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import glmformula as gf

DATA = Path(__file__).parent / "data" / "nist"
DATASETS = ["Norris", "Pontius", "NoInt1", "NoInt2", "Filip", "Longley",
            "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"]
MIN_LRE = 7.0


@dataclass(frozen=True)
class Certified:
    """A NIST StRD linear regression file: its model, data and certified values."""

    model: str
    estimates: dict[int, float]
    std_devs: dict[int, float]
    residual_sd: float
    r_squared: float
    data: np.ndarray  # y in the first column, then the predictors


def _line_range(header: str, label: str) -> tuple[int, int]:
    match = re.search(label + r"\s*\(lines (\d+) to (\d+)\)", header)
    assert match, f"no {label} line range in the header"
    return int(match[1]), int(match[2])


def parse_strd(path: Path) -> Certified:
    """Read the certified-values block and the data block of a StRD ``.dat`` file."""
    lines = path.read_text().splitlines()
    header = "\n".join(lines[:30])
    first, last = _line_range(header, "Certified Values")
    data_first, data_last = _line_range(header, "Data")
    estimates: dict[int, float] = {}
    std_devs: dict[int, float] = {}
    stats: dict[str, float] = {}
    for line in lines[first - 1:last]:
        if match := re.match(r"\s*B(\d+)\s+(\S+)\s+(\S+)\s*$", line):
            estimates[int(match[1])] = float(match[2])
            std_devs[int(match[1])] = float(match[3])
        elif match := re.match(r"\s*Standard Deviation\s+(\S+)", line):
            stats["sd"] = float(match[1])
        elif match := re.match(r"\s*R-Squared\s+(\S+)", line):
            stats["r2"] = float(match[1])
    rows = [[float(v) for v in line.split()] for line in lines[data_first - 1:data_last]
            if line.strip()]
    model = re.search(r"^\s*y = (.*)$", header, re.MULTILINE)
    assert model, "no model line in the header"
    return Certified(model[1].strip(), estimates, std_devs, stats["sd"], stats["r2"],
                     np.array(rows))


def formula_for(cert: Certified) -> tuple[str, list[str]]:
    """The formula of the file's model and the parameter names in coefficient order.

    One predictor: ``Bk`` multiplies ``x**k`` (a polynomial; B0 the intercept).
    Several predictors: ``Bk`` multiplies ``xk``. Each term is checked against the
    model line, whose "..." stands for the powers between those it writes.
    """
    params = sorted(cert.estimates)
    n_predictors = cert.data.shape[1] - 1
    terms = []
    for k in (k for k in params if k != 0):
        if n_predictors == 1:
            terms.append("x" if k == 1 else f"I(x**{k})")
            written = "x" if k == 1 else f"(x**{k})"
        else:
            terms.append(f"x{k}")
            written = f"x{k}"
        assert f"B{k}*{written}" in cert.model or "..." in cert.model, cert.model
    if params[0] == 0:
        assert re.match(r"B0\s*\+", cert.model), cert.model
    formula = "y ~ " + " + ".join(terms) + ("" if params[0] == 0 else " - 1")
    return formula, [f"B{k}" for k in params]


def lre(estimate: float, certified: float) -> float:
    """Log relative error, capped at 15; the log absolute error where certified is 0."""
    error = abs(estimate - certified)
    if error == 0:
        return 15.0
    scale = abs(certified) if certified != 0 else 1.0
    return min(15.0, -math.log10(error / scale))


def fit_strd(name: str) -> tuple[Certified, gf.GLMResult]:
    """Fit a StRD dataset's model by glm(family="gaussian")."""
    cert = parse_strd(DATA / f"{name}.dat")
    formula, _ = formula_for(cert)
    columns = ["y", "x"] if cert.data.shape[1] == 2 else [
        "y", *[f"x{k}" for k in range(1, cert.data.shape[1])]]
    frame = pd.DataFrame(cert.data, columns=columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error", gf.errors.AliasingWarning)
        model = gf.glm(formula, data=frame, family="gaussian")
    return cert, model


def test_parser_reads_filip():
    cert = parse_strd(DATA / "Filip.dat")
    assert cert.data.shape == (82, 2)
    assert sorted(cert.estimates) == list(range(11))
    assert cert.estimates[10] == pytest.approx(-0.402962525080404e-04, rel=1e-15)
    assert formula_for(cert)[0].endswith("+ I(x**10)")


def test_lre_counts_correct_digits():
    assert lre(1.0000001, 1.0) == pytest.approx(7.0, abs=1e-6)
    assert lre(3e-9, 0.0) == pytest.approx(-math.log10(3e-9))
    assert lre(2.0, 2.0) == 15.0


@pytest.mark.parametrize("name", DATASETS)
def test_certified_values(name):
    cert, model = fit_strd(name)
    _, params = formula_for(cert)
    assert model.coef.size == len(params)
    assert not model.coef.isna().any(), "no column may be aliased"
    keys = sorted(cert.estimates)
    coef = [lre(model.coef.iloc[i], cert.estimates[k]) for i, k in enumerate(keys)]
    ses = [lre(model.std_errors.iloc[i], cert.std_devs[k]) for i, k in enumerate(keys)]
    sd = lre(math.sqrt(model.dispersion), cert.residual_sd)
    # R^2 from the deviances: centred with an intercept, uncentred without (as NIST)
    r2 = lre(1 - model.deviance / model.null_deviance, cert.r_squared)
    assert min(coef) >= MIN_LRE, dict(zip(params, coef, strict=True))
    assert min(ses) >= MIN_LRE, dict(zip(params, ses, strict=True))
    assert sd >= MIN_LRE
    assert r2 >= MIN_LRE


def test_accurate_sum_is_exact_to_double_rounding():
    from fractions import Fraction

    from glmformula.solvers import _accurate_sum

    rng = np.random.default_rng(3)
    terms = rng.standard_normal((999, 2)) * 10.0 ** rng.integers(-9, 9, (999, 2))
    terms[500, 0] = -terms[:, 0].sum()  # heavy cancellation
    high, _ = _accurate_sum(terms)
    exact = [float(sum(Fraction(v) for v in terms[:, j])) for j in range(2)]
    assert high.tolist() == exact


def test_refinement_recovers_the_digits_the_normal_equations_lose():
    from glmformula.solvers import refine, solve_normal_equations

    t = np.arange(21.0)
    A = np.column_stack([t**k for k in range(6)])  # Wampler's design
    b = A @ np.ones(6)
    rough = solve_normal_equations(A.T @ A, A.T @ b)
    assert rough is not None
    refined = refine(A, b, rough)
    assert np.max(np.abs(refined.coef - 1)) < 1e-12 < np.max(np.abs(rough.coef - 1))
