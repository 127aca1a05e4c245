"""The benchmark workloads W1-W5: data generated with a fixed seed.

>>> frame, spec = make("W1", n=1000)
>>> frame.shape, spec.family
((1000, 13), 'poisson')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SEED = 20261125


@dataclass(frozen=True)
class Workload:
    """A benchmark model: formula, family and link."""

    name: str
    formula: str
    family: str
    link: str
    n: int
    description: str


NUMERIC = [f"x{i}" for i in range(1, 11)]
W123_FORMULA = "y ~ " + " + ".join(NUMERIC) + " + g50 + g5"

WORKLOADS = {
    "W1": Workload("W1", W123_FORMULA, "poisson", "log", 1_000_000,
                   "Poisson, 10 numeric + factors of 50 and 5 levels (64 coefficients)"),
    "W2": Workload("W2", W123_FORMULA, "binomial", "logit", 1_000_000,
                   "binomial logit, 0/1 response, same design"),
    "W3": Workload("W3", W123_FORMULA, "Gamma", "log", 1_000_000,
                   "Gamma log, same design"),
    "W4": Workload("W4", "y ~ g2000 + x1:g20", "poisson", "log", 200_000,
                   "Poisson, a 2,000-level factor plus x1:g with a 20-level g"),
    "W5": Workload("W5", "y ~ " + " + ".join(f"z{i}" for i in range(1, 201)), "gaussian",
                   "identity", 200_000, "gaussian, 200 dense numeric columns"),
}


def _levels(prefix: str, k: int) -> list[str]:
    width = len(str(k))
    return [f"{prefix}{i:0{width}d}" for i in range(1, k + 1)]


def _categorical(rng: np.random.Generator, prefix: str, k: int, n: int) -> pd.Categorical:
    codes = rng.integers(0, k, size=n)
    return pd.Categorical.from_codes(codes, categories=_levels(prefix, k))


def make(name: str, n: int | None = None) -> tuple[pd.DataFrame, Workload]:
    """The data frame and the model of a workload (n overrides the row count)."""
    spec = WORKLOADS[name]
    n = spec.n if n is None else n
    rng = np.random.default_rng(SEED)
    if name in ("W1", "W2", "W3"):
        X = rng.standard_normal((n, 10))
        frame = pd.DataFrame(X, columns=NUMERIC)
        frame["g50"] = _categorical(rng, "a", 50, n)
        frame["g5"] = _categorical(rng, "b", 5, n)
        beta = rng.normal(0, 0.1, 10)
        effect50 = rng.normal(0, 0.2, 50)
        effect5 = rng.normal(0, 0.2, 5)
        eta = X @ beta + effect50[frame["g50"].cat.codes] + effect5[frame["g5"].cat.codes]
        if name == "W1":
            y = rng.poisson(np.exp(0.5 + eta))
        elif name == "W2":
            y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(np.int64)
        else:
            shape = 2.0
            y = rng.gamma(shape, np.exp(1.0 + eta) / shape)
        frame.insert(0, "y", y)
        return frame, spec
    if name == "W4":
        g2000 = _categorical(rng, "c", 2000, n)
        g20 = _categorical(rng, "d", 20, n)
        x1 = rng.standard_normal(n)
        eta = 0.5 + rng.normal(0, 0.3, 2000)[g2000.codes] + rng.normal(0, 0.1, 20)[g20.codes] * x1
        frame = pd.DataFrame({"y": rng.poisson(np.exp(eta)), "g2000": g2000, "g20": g20,
                              "x1": x1})
        return frame, spec
    Z = rng.standard_normal((n, 200))
    frame = pd.DataFrame(Z, columns=[f"z{i}" for i in range(1, 201)])
    frame.insert(0, "y", Z @ rng.normal(0, 0.1, 200) + rng.standard_normal(n))
    return frame, spec
