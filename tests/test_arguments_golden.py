"""glm()'s arguments R has, against R: subset, na_action, contrasts, C(), relevel, family calls.

Reference values: tests/golden/arguments_golden.json, written by
tests/golden/make_golden_arguments.R (R's glm, MASS::glm.nb, predict, residuals,
hatvalues, cooks.distance, rstandard on bundled data sets).
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import RTOL, golden_cases, relative_difference

import glmformula as gf
from glmformula.errors import DataError

CASES = golden_cases("arguments")
BY_ID = {case["id"]: case for case in CASES}
FITS = [case for case in CASES if "error" not in case["expected"]]
NB_RTOL = 1e-6  # glm.nb iterates theta and the coefficients in turn
ITEMS = ("subset", "na_action", "contrasts", "C", "relevel", "family")


def _tolerance(case: dict[str, Any]) -> float:
    return NB_RTOL if case["glm_nb"] else RTOL


def _close(case: dict[str, Any], name: str, ours: Any, theirs: Any) -> float:
    diff = relative_difference(ours, theirs)
    assert diff <= _tolerance(case), f"{case['id']} {name}: relative difference {diff:.3e}"
    return diff


def _contrast(value: Any) -> Any:
    """The JSON form of a contrast -> glm()'s: a list is (name, base), a dict a matrix."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        matrix = np.array(value["matrix"], dtype=float).reshape(len(value["matrix"]), -1)
        if value["names"]:
            return pd.DataFrame(matrix, columns=value["names"])
        return matrix
    return value


def _data(case: dict[str, Any]) -> pd.DataFrame:
    frame = gf.datasets.load(case["dataset"])
    for column, ref in case["python"].get("relevel", {}).items():
        frame[column] = gf.relevel(frame[column], ref=ref)
    return frame


def _fit(case: dict[str, Any]) -> tuple[gf.GLMResult, list[str]]:
    python = case["python"]
    options: dict[str, Any] = {"data_name": case["data_name"]}
    if "subset" in python:
        options["subset"] = python["subset"]
    if "subset_mask" in python:  # R's logical vector, NA included
        mask = pd.array(python["subset_mask"], dtype="boolean")
        options["subset"] = mask
    if "na_action" in python:
        options["na_action"] = python["na_action"]
    if "contrasts" in python:
        options["contrasts"] = {k: _contrast(v) for k, v in python["contrasts"].items()}
    data = _data(case)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case["glm_nb"]:
            model: gf.GLMResult = gf.glm_nb(case["formula"], data, **options)
        else:
            model = gf.glm(case["formula"], data, family=case["family"], **options)
    return model, [str(w.message) for w in caught]


@cache
def _model(case_id: str) -> tuple[gf.GLMResult, list[str]]:
    return _fit(BY_ID[case_id])


def _unwrapped_call(text: str) -> str:
    return " ".join(text.split())


def _theta_free(text: str) -> str:
    return re.sub(r"init\.theta = [0-9.e+-]+", "init.theta = <theta>", text)


def test_the_golden_cases_cover_every_item() -> None:
    counts = {item: sum(case["item"] == item for case in CASES) for item in ITEMS}
    assert all(counts[item] >= 2 for item in ITEMS), counts
    kinds = {k for case in CASES for v in case["python"].get("contrasts", {}).values()
             for k in ([v] if isinstance(v, str) else [])}
    assert {"contr.sum", "contr.helmert", "contr.poly", "contr.SAS", "contr.treatment"} <= kinds
    assert {"subset", "subset_mask"} <= {k for case in CASES for k in case["python"]}
    assert {"omit", "exclude", "fail"} <= {case["python"].get("na_action") for case in CASES}


@pytest.mark.parametrize("case", FITS, ids=[case["id"] for case in FITS])
def test_fit_equals_r(case: dict[str, Any]) -> None:
    model, caught = _model(case["id"])
    exp = case["expected"]
    assert list(model.coef.index) == list(exp["coefficients"])  # R's names
    _close(case, "coefficients", model.coef.to_numpy(), list(exp["coefficients"].values()))
    _close(case, "std_errors", model.std_errors.dropna().to_numpy(),
           list(exp["std_errors"].values()))
    for name in ("deviance", "null_deviance"):
        _close(case, name, getattr(model, name), exp[name])
    if exp["aic"] is not None:
        _close(case, "aic", model.aic, exp["aic"])
    if case["glm_nb"]:
        _close(case, "theta", model.theta, exp["theta"])  # type: ignore[attr-defined]
    assert (model.df_residual, model.df_null, model.nobs) == (
        exp["df_residual"], exp["df_null"], exp["nobs"])
    assert model.design.n_dropped == exp["n_dropped"]
    assert caught == exp["warnings"]


@pytest.mark.parametrize("case", FITS, ids=[case["id"] for case in FITS])
def test_call_and_missingness_line_as_r_prints_them(case: dict[str, Any]) -> None:
    """The call with subset, na.action, contrasts and the family as written; the summary's
    "(n observations deleted due to missingness)" for na.omit and na.exclude alike."""
    model, _ = _model(case["id"])
    theirs = case["r_call"].replace("subset = mask_na", "subset = mask")
    if "cbind(" not in theirs and "matrix(" not in theirs:  # R deparses a matrix's code
        assert _theta_free(_unwrapped_call(model.call)) == _theta_free(theirs)
    text = str(model.summary())
    line = case["expected"]["deleted_line"]
    assert (line in text) if line else ("deleted due to missingness" not in text)


EXCLUDED = [case for case in FITS if "padded" in case["expected"]]


@pytest.mark.parametrize("case", EXCLUDED, ids=[case["id"] for case in EXCLUDED])
def test_na_exclude_pads_per_row_results_as_r(case: dict[str, Any]) -> None:
    """fitted, residuals of each type, predict() without newdata (and its se), the linear
    predictor, influence() and augment() over every row of the data after subset, NaN
    where a row was dropped, in order (R's naresid/napredict)."""
    model, _ = _model(case["id"])
    padded = case["expected"]["padded"]
    rows = padded["rows"]  # R's row names: row numbers from 1
    fitted = model.fitted
    assert [str(i + 1) for i in fitted.index] == rows
    _close(case, "fitted", fitted.to_numpy(), padded["fitted"])
    for kind, values in padded["residuals"].items():
        residuals = model.residuals(kind)
        assert residuals.index.equals(fitted.index)
        _close(case, f"residuals {kind}", residuals.to_numpy(), values)
    _close(case, "linear_predictor", model.linear_predictor.to_numpy(), padded["link"])
    _close(case, "predict link", model.predict().to_numpy(), padded["link"])
    _close(case, "predict response", model.predict(type="response").to_numpy(),
           padded["response"])
    se = model.predict(se_fit=True)
    assert se.index.equals(fitted.index)
    _close(case, "se_fit", se["se_fit"].to_numpy(), padded["se_fit"])
    influence = model.influence()
    assert influence.index.equals(fitted.index)
    _close(case, "hat", influence["hat"].to_numpy(), padded["hat"])
    _close(case, "cooks", influence["cooks_d"].to_numpy(), padded["cooks"])
    _close(case, "rstandard", influence["rstandard_deviance"].to_numpy(), padded["rstandard"])
    augmented = model.augment()
    assert augmented.index.equals(fitted.index)
    _close(case, "augment .fitted", augmented[".fitted"].to_numpy(), padded["link"])
    left_out = np.array([v is None for v in padded["fitted"]])
    hat = augmented[".hat"].to_numpy()
    assert np.isnan(hat[left_out]).all()  # no fit there: NaN (influence()'s hat is 0, as R)
    _close(case, "augment .hat", np.where(left_out, 0.0, hat), padded["hat"])


WITH_NEWDATA = [case for case in FITS if "newdata" in case["expected"]]


@pytest.mark.parametrize("case", WITH_NEWDATA, ids=[case["id"] for case in WITH_NEWDATA])
def test_predict_on_new_data_keeps_the_contrasts(case: dict[str, Any]) -> None:
    model, _ = _model(case["id"])
    new = case["expected"]["newdata"]
    newdata = pd.DataFrame(new["columns"])
    link = model.predict(newdata, se_fit=True)
    _close(case, "newdata link", link["fit"].to_numpy(), new["link"])
    _close(case, "newdata se_fit", link["se_fit"].to_numpy(), new["se_fit"])
    _close(case, "newdata response", model.predict(newdata, type="response").to_numpy(),
           new["response"])


def test_na_fail_refuses_missing_values_naming_rows_and_columns() -> None:
    case = BY_ID["na_fail"]
    assert case["expected"]["error"] == "missing values in object"
    with pytest.raises(DataError, match="missing values in object") as info:
        _fit(case)
    assert "'Ozone'" in str(info.value) and "'Wind'" not in str(info.value)
    assert "rows 4, 9, 24" in str(info.value)  # row labels of the data (0-based index)


def test_largest_difference_from_r_per_item() -> None:
    """The note's numbers: per item, the largest relative difference over every compared
    quantity (coefficients, SEs, deviances, padded rows, predictions)."""
    worst = dict.fromkeys(ITEMS, 0.0)
    for case in FITS:
        model, _ = _model(case["id"])
        exp = case["expected"]
        pairs = [(model.coef.to_numpy(), list(exp["coefficients"].values())),
                 (model.std_errors.dropna().to_numpy(), list(exp["std_errors"].values())),
                 (model.deviance, exp["deviance"])]
        if "padded" in exp:
            pairs.append((model.fitted.to_numpy(), exp["padded"]["fitted"]))
        if "newdata" in exp:
            newdata = pd.DataFrame(exp["newdata"]["columns"])
            pairs.append((model.predict(newdata).to_numpy(), exp["newdata"]["link"]))
        for ours, theirs in pairs:
            worst[case["item"]] = max(worst[case["item"]], relative_difference(ours, theirs))
    assert max(worst.values()) <= NB_RTOL, worst
