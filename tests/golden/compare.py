"""Fit every golden case with glmformula and compare with R's numbers.

Run as a script for a per-case report and the largest relative difference:

    python tests/golden/compare.py
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import glmformula as gf

GOLDEN_DIR = Path(__file__).parent
RTOL = 1e-8

# Cases whose coefficients diverge in R too (no finite MLE): compare what is defined.
NO_FINITE_MLE = {"binomial_logit_complete_separation"}


def assert_close(actual: Any, desired: Any, rtol: float, err_msg: str = "") -> None:
    """``np.testing.assert_allclose`` with an absolute tolerance of ``rtol`` times the
    largest ``|desired|``: entries near 0 (a fitted 0, a residual, a link-scale prediction,
    an off-diagonal covariance) are held to the scale of the values they stand among, not
    to their own size, which another BLAS may round differently."""
    desired_values = np.asarray(desired, dtype=float)
    finite = desired_values[np.isfinite(desired_values)]
    scale = float(np.max(np.abs(finite))) if finite.size else 0.0
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=rtol * scale,
                               err_msg=err_msg)


def load_golden(topic: str) -> dict[str, Any]:
    """The golden file ``<topic>_golden.json`` of this folder, parsed (every test's loader)."""
    path = GOLDEN_DIR / f"{topic}_golden.json"
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def golden_cases(topic: str) -> list[dict[str, Any]]:
    """The cases of ``<topic>_golden.json``, e.g. ``golden_cases("anova")``."""
    return load_golden(topic)["cases"]


def load_cases() -> list[dict[str, Any]]:
    """All glm() golden cases (glm_golden.json)."""
    return golden_cases("glm")


def influence_cases(part: str) -> list[dict[str, Any]]:
    """The cases of influence_golden.json with results of one part: confint, influence
    or robust."""
    return [case for case in golden_cases("influence") if part in case["parts"]]


def case_frame(case: dict[str, Any]) -> pd.DataFrame:
    """The case's data, factors as pandas categoricals with R's level order."""
    columns = case["data"]["columns"]
    frame = pd.DataFrame({k: [np.nan if v is None else v for v in vals]
                          if k not in case["data"]["factors"] else vals
                          for k, vals in columns.items()})
    for name, info in case["data"]["factors"].items():
        frame[name] = pd.Categorical(columns[name], categories=info["levels"],
                                     ordered=info["ordered"])
    return frame


def case_family(case: dict[str, Any]) -> gf.families.Family:
    """The family object R used."""
    link = case["link"]
    if case.get("link_power") is not None:
        link = gf.links.Power.of(case["link_power"])
    if case["family"] == "quasi":
        return gf.families.Quasi(link=link, variance=case["variance"])
    return gf.get_family(case["family"], link=link)


def fit_case(
    case: dict[str, Any], frame: pd.DataFrame | None = None
) -> tuple[gf.GLMResult, list[str]]:
    """Fit the case with glmformula; also return the warning messages."""
    frame = case_frame(case) if frame is None else frame
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = gf.glm(
            case["formula"], data=frame, family=case_family(case),
            weights=case["weights"], offset=case["offset"], start=case["start"],
            control=case["control"], context={"np": np}, data_name=_data_name(case),
        )
    return model, [str(w.message) for w in caught]


def _data_name(case: dict[str, Any]) -> str:
    match = re.search(r"data = ([^,)]+)", case["r_call"])
    return match.group(1) if match else "data"


def relative_difference(actual: Any, expected: Any) -> float:
    """Largest |a - e| / max(|e|, scale * 1e-?) over a vector; absolute near zero.

    Values whose size is below 1e-6 of the vector's largest value are compared
    on the vector's scale (absolute), as values near 0 carry no relative digits.
    """
    a = np.asarray(actual, dtype=float).ravel()
    e = np.asarray([np.nan if v is None else v for v in np.ravel(expected)], dtype=float)
    if a.shape != e.shape:
        return math.inf
    both_nan = np.isnan(a) & np.isnan(e)
    if np.any(np.isnan(a) != np.isnan(e)):
        return math.inf
    a, e = a[~both_nan], e[~both_nan]
    if a.size == 0:
        return 0.0
    scale = np.max(np.abs(e))
    denom = np.maximum(np.abs(e), 1e-6 * scale)
    denom = np.where(denom == 0, 1.0, denom)
    return float(np.max(np.abs(a - e) / denom))


def table_difference(ours: float, theirs: float, atol: float = 1e-10) -> float:
    """Relative difference, absolute for R values that are 0 up to rounding noise."""
    if abs(theirs) < atol:
        return abs(ours - theirs)
    return abs(ours - theirs) / abs(theirs)


def check_table(table: Any, case: dict[str, Any], rtol: float = RTOL,
                atol: float = 1e-10) -> None:
    """An anova-like table (``.data``, ``.heading``) equals R's: rows, columns, numbers
    (NA where R gives NA) and heading."""
    expected = case["expected"]
    assert list(table.data.index) == expected["row_names"]
    assert list(table.data.columns) == list(expected["columns"])
    for name, values in expected["columns"].items():
        for row, ours, theirs in zip(expected["row_names"], table.data[name], values,
                                     strict=True):
            if theirs is None:
                assert math.isnan(ours), f"{name}[{row}]: R gives NA, we give {ours}"
            else:
                diff = table_difference(float(ours), theirs, atol)
                assert diff <= rtol, f"{name}[{row}]: {ours} vs R {theirs} ({diff:.2e})"
    assert table.heading == expected["heading"]


def largest_table_difference(cases: list[dict[str, Any]], table: Any,
                             atol: float = 1e-10) -> float:
    """The largest difference over every number of golden tables (anova-like cases)."""
    worst = 0.0
    for case in cases:
        data = table(case).data
        for name, values in case["expected"]["columns"].items():
            for ours, theirs in zip(data[name], values, strict=True):
                if theirs is not None:
                    worst = max(worst, table_difference(float(ours), theirs, atol))
    return worst


def quantities(model: gf.GLMResult, case: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """(ours, R's) for every compared quantity of a case."""
    exp = case["expected"]
    summary = model.summary().coefficients
    pairs: dict[str, tuple[Any, Any]] = {
        "deviance": (model.deviance, exp["deviance"]),
        "null_deviance": (model.null_deviance, exp["null_deviance"]),
        "df_residual": (model.df_residual, exp["df_residual"]),
        "df_null": (model.df_null, exp["df_null"]),
        "iterations": (model.iterations, exp["iter"]),
        "converged": (float(model.converged), float(exp["converged"])),
        "rank": (model.rank, exp["rank"]),
        "nobs": (model.nobs, exp["nobs"]),
        "n_dropped": (model.design.n_dropped, exp["n_dropped_na"]),
    }
    if case["id"] in NO_FINITE_MLE:
        return pairs
    names = list(exp["coefficients"])
    kept = list(exp["std_errors"])
    pairs.update({
        "coef_names": (float(list(model.coef.index) == names), 1.0),
        "coefficients": (model.coef.to_numpy(), [exp["coefficients"][k] for k in names]),
        "std_errors": (summary["Std. Error"].to_numpy(), [exp["std_errors"][k] for k in kept]),
        "statistic": (summary.iloc[:, 2].to_numpy(), [exp["statistic"][k] for k in kept]),
        "p_values": (summary.iloc[:, 3].to_numpy(), [exp["p_values"][k] for k in kept]),
        "statistic_name": (float(summary.columns[2] == exp["statistic_name"]), 1.0),
        "dispersion": (model.dispersion, exp["dispersion"]),
        "aic": (model.aic, exp["aic"]),
        "loglik": (model.loglik, exp["loglik"]),
        "bic": (model.bic, exp["bic"]),
        "vcov": (model.vcov.to_numpy(), np.asarray(exp["vcov"], dtype=float)),
        "fitted": (model.fitted.to_numpy(), exp["fitted"]),
        "linear_predictor": (model.linear_predictor.to_numpy(), exp["linear_predictor"]),
        "working_weights": (model.working_weights.to_numpy(), exp["working_weights"]),
        "prior_weights": (model.prior_weights.to_numpy(), exp["prior_weights"]),
    })
    for kind in ("deviance", "pearson", "working", "response"):
        pairs[f"residuals_{kind}"] = (model.residuals(kind).to_numpy(), exp["residuals"][kind])
    return pairs


def coefficient_block(text: str) -> list[str]:
    """The printed summary from 'Coefficients' to the iteration count, quotes normalised."""
    lines = text.replace("\u2018", "'").replace("\u2019", "'").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("Coefficients",
                                                                         "No Coefficients")))
    end = next(i for i, line in enumerate(lines) if line.startswith("Number of Fisher"))
    return [line.rstrip() for line in lines[start:end + 1]]


def main() -> None:
    """Print the largest relative difference per case and overall."""
    worst_overall = (0.0, "", "")
    for case in load_cases():
        model, _ = fit_case(case)
        diffs = {k: relative_difference(a, e) for k, (a, e) in quantities(model, case).items()
                 if not (e is None and (a is None or (isinstance(a, float) and math.isnan(a))))}
        key = max(diffs, key=diffs.get)
        print(f"{case['id']:<48} {diffs[key]:.2e}  ({key})")
        if diffs[key] > worst_overall[0]:
            worst_overall = (diffs[key], case["id"], key)
    print(f"\nlargest relative difference: {worst_overall[0]:.3e} "
          f"({worst_overall[1]}, {worst_overall[2]})")


if __name__ == "__main__":
    main()
