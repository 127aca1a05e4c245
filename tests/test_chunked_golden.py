"""Every golden R case fitted on Dask partitions: R's numbers, as in memory."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from compare import (
    NO_FINITE_MLE,
    RTOL,
    case_family,
    case_frame,
    load_cases,
    relative_difference,
)

import glmformula as gf

dd = pytest.importorskip("dask.dataframe")

CASES = load_cases()


def _fit(case: dict, npartitions: int) -> gf.GLMResult:
    frame = case_frame(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gf.glm(
            case["formula"], data=dd.from_pandas(frame, npartitions=npartitions),
            family=case_family(case), weights=case["weights"], offset=case["offset"],
            start=case["start"], control=case["control"], context={"np": np},
        )


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_chunked_numbers_equal_r(case):
    model = _fit(case, npartitions=3)
    exp = case["expected"]
    pairs = {
        "deviance": (model.deviance, exp["deviance"]),
        "null_deviance": (model.null_deviance, exp["null_deviance"]),
        "df_residual": (model.df_residual, exp["df_residual"]),
        "iterations": (model.iterations, exp["iter"]),
        "converged": (float(model.converged), float(exp["converged"])),
        "rank": (model.rank, exp["rank"]),
        "nobs": (model.nobs, exp["nobs"]),
        "n_dropped": (model.design.n_dropped, exp["n_dropped_na"]),
    }
    if case["id"] not in NO_FINITE_MLE:
        kept = list(exp["std_errors"])
        pairs.update({
            "coefficients": (model.coef.to_numpy(), list(exp["coefficients"].values())),
            "std_errors": (model.std_errors[kept].to_numpy(),
                           [exp["std_errors"][k] for k in kept]),
            "dispersion": (model.dispersion, exp["dispersion"]),
            "aic": (model.aic, exp["aic"]),
            "bic": (model.bic, exp["bic"]),
            "fitted": (model.fitted.compute().to_numpy(), exp["fitted"]),
        })
    failures = {}
    for name, (ours, theirs) in pairs.items():
        if theirs is None:
            assert ours is None or math.isnan(ours), name
            continue
        diff = relative_difference(ours, theirs)
        if not diff <= RTOL:
            failures[name] = diff
    assert not failures, f"relative differences above {RTOL}: {failures}"
