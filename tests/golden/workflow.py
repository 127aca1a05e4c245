"""R's model workflow golden file (workflow_golden.json, make_golden_workflow.R): the data
sets and model specs it names, fitted with glmformula as R fitted them."""

from __future__ import annotations

import math
import re
import warnings
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from compare import load_golden

import glmformula as gf

GOLDEN = load_golden("workflow")


def bwt_frame() -> pd.DataFrame:
    """MASS's birthwt recoded as ch07.R does (``bwt``)."""
    b = gf.datasets.load("birthwt")
    ftv = b["ftv"].clip(upper=2).map({0: "0", 1: "1", 2: "2+"})
    truth = ["FALSE", "TRUE"]
    return pd.DataFrame({
        "low": pd.Categorical(b["low"].astype(str), ["0", "1"]), "age": b["age"],
        "lwt": b["lwt"], "race": b["race"], "smoke": b["smoke"] > 0,
        "ptd": pd.Categorical((b["ptl"] > 0).map({False: "FALSE", True: "TRUE"}), truth),
        "ht": b["ht"] > 0, "ui": b["ui"] > 0, "ftv": pd.Categorical(ftv, ["0", "1", "2+"]),
    })


@cache
def frame(name: str) -> pd.DataFrame:
    """A data set of the golden file by its R name (one object per name: fits share it)."""
    if name == "bwt":
        return bwt_frame()
    if name == "budworm_w":
        bw = gf.datasets.load("budworm")
        return bw.assign(prop=bw["numdead"] / 20, total=20)
    return gf.datasets.load(name)


def python_family(text: str | None) -> str:
    """R's family call as glmformula reads it (the link quoted)."""
    return re.sub(r"link = (\w+)", r'link = "\1"', text or "gaussian")


def fit_spec(spec: dict[str, Any]) -> gf.GLMResult:
    """A model spec of the golden file ({fn, formula, family, data, weights}), fitted."""
    data = frame(spec["data"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec["fn"] == "glm.nb":
            return gf.glm_nb(spec["formula"], data=data, data_name=spec["data"])
        return gf.glm(spec["formula"], data=data, family=python_family(spec["family"]),
                      weights=spec["weights"], data_name=spec["data"])


def rel(ours: Any, theirs: Any, atol: float = 1e-10) -> float:
    """Largest relative difference (absolute where R's value is below ``atol``); NaN = None."""
    a = np.atleast_1d(np.asarray(ours, dtype=float))
    e = np.atleast_1d(np.asarray([np.nan if v is None else v for v in np.ravel(theirs)],
                                 dtype=float))
    if a.shape != e.shape or np.any(np.isnan(a) != np.isnan(e)):
        return math.inf
    keep = ~np.isnan(e)
    a, e = a[keep], e[keep]
    if a.size == 0:
        return 0.0
    return float(np.max(np.where(np.abs(e) < atol, np.abs(a - e),
                                 np.abs(a - e) / np.maximum(np.abs(e), atol))))


def coefficient_difference(model: gf.GLMResult, expected: dict[str, Any]) -> float:
    """R's named coefficients (NA as None) against the model's, names and order included."""
    names = list(expected)
    if list(model.coef.index) != names:
        return math.inf
    return rel(model.coef.to_numpy(), [expected[n] for n in names])


def fit_difference(model: gf.GLMResult, expected: dict[str, Any]) -> float:
    """The worst difference of a fit's numbers (fit_numbers of the R script)."""
    worst = max(coefficient_difference(model, expected["coefficients"]),
                rel(model.deviance, expected["deviance"]),
                rel(model.aic, expected["aic"]) if expected["aic"] is not None else 0.0)
    if model.df_residual != expected["df_residual"] or model.n_rows != expected["nobs"]:
        return math.inf
    if expected.get("theta") is not None:
        worst = max(worst, rel(model.theta, expected["theta"]))
    return worst
