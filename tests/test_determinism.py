"""Determinism: the same call gives bitwise-identical numbers, run after run.

Several families, on the dense path (small data, with the Cholesky, refined and
QR solvers) and on the structured path (n >= 20,000 rows), repeated in this
process, in two fresh interpreters, and in fresh interpreters whose BLAS and
OpenMP run 1 and 2 threads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import glmformula as gf


def make_data(n: int, seed: int = 11) -> pd.DataFrame:
    """Numeric columns, factors of 40 and 4 levels, and responses for several families."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.standard_normal(n), rng.standard_normal(n)
    g = pd.Categorical.from_codes(rng.integers(0, 40, n), [f"g{i:02d}" for i in range(40)])
    h = pd.Categorical.from_codes(rng.integers(0, 4, n), list("ABCD"))
    eta = 0.3 + 0.2 * x1 - 0.1 * x2 + rng.normal(0, 0.2, 40)[g.codes]
    return pd.DataFrame({
        "x1": x1, "x2": x2, "g": g, "h": h,
        "count": rng.poisson(np.exp(eta)).astype(float),
        "event": (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float),
        "time": rng.gamma(2.0, np.exp(eta) / 2.0),
        "level": eta + rng.standard_normal(n),
        "near": x1 + 1e-7 * rng.standard_normal(n),  # nearly collinear: the QR solver
        "t": np.linspace(0, 20, n),
    })


#: (label, rows, formula, family): dense paths below 20,000 rows, structured above.
CALLS = [
    ("poisson-dense", 600, "count ~ x1 + x2 + g", "poisson"),
    ("binomial-dense", 600, "event ~ x1 * h", "binomial"),
    ("gamma-dense", 600, "time ~ x1 + h", "Gamma"),
    ("gaussian-qr", 600, "level ~ x1 + near + x2", "gaussian"),
    ("gaussian-refined", 600, "level ~ t + I(t**2) + I(t**3) + I(t**4) + I(t**5)", "gaussian"),
    ("poisson-structured", 30_000, "count ~ x1 + x2 + g + h", "poisson"),
    ("binomial-structured", 30_000, "event ~ x1 + g", "binomial"),
    ("gamma-structured", 30_000, "time ~ x2 + g + h", 'Gamma(link = "log")'),
    ("poisson-structured-interaction", 30_000, "count ~ x2 + g:x1 + h", "poisson"),
]


def fingerprint(label: str) -> dict[str, str]:
    """The bytes (as hex) of the coefficients, standard errors and deviance of one call."""
    _, n, formula, family = next(c for c in CALLS if c[0] == label)
    data = make_data(n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gf.glm(formula, data, family)
    return {
        "coef": m.coef.to_numpy().tobytes().hex(),
        "se": m.std_errors.to_numpy().tobytes().hex(),
        "deviance": np.float64(m.deviance).tobytes().hex(),
    }


def test_structured_calls_take_the_structured_path():
    data = make_data(30_000)
    m = gf.glm("count ~ x1 + x2 + g + h", data, "poisson")
    assert not isinstance(m.design.X, np.ndarray)
    assert isinstance(gf.glm("count ~ x1 + g", data.head(600), "poisson").design.X, np.ndarray)


@pytest.mark.parametrize("label", [c[0] for c in CALLS])
def test_repeated_calls_are_bitwise_identical(label: str):
    first = fingerprint(label)
    for _ in range(3):
        assert fingerprint(label) == first


#: The environment variables that set the BLAS and OpenMP thread counts at start-up.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _fresh_fingerprints(threads: int | None = None) -> dict[str, dict[str, str]]:
    """Every call's fingerprint, computed in a new interpreter.

    `threads`: the BLAS and OpenMP thread count of that interpreter (None: as inherited).
    """
    tests = str(Path(__file__).parent)
    code = (
        f"import json, sys; sys.path.insert(0, {tests!r}); import test_determinism as t; "
        "print(json.dumps({c[0]: t.fingerprint(c[0]) for c in t.CALLS}))"
    )
    env = dict(os.environ)
    if threads is not None:
        env.update({name: str(threads) for name in THREAD_VARIABLES})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_fresh_interpreters_give_the_same_bits():
    # Two new processes with the same environment (the BLAS and OpenMP thread counts are
    # read from it at start-up, and the last bits of a threaded reduction depend on them).
    first = _fresh_fingerprints()
    assert len(first) == len(CALLS)
    assert _fresh_fingerprints() == first


def test_one_and_two_threads_give_the_same_bits():
    # The promise: the thread count of BLAS and OpenMP (set at start-up) does not change a
    # bit of the coefficients, standard errors or deviance.
    one = _fresh_fingerprints(threads=1)
    two = _fresh_fingerprints(threads=2)
    assert len(one) == len(CALLS)
    differ = sorted(label for label in one if one[label] != two[label])
    assert not differ, f"1 and 2 threads give different bits for {differ}"
