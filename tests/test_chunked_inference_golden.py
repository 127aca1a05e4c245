"""R's golden inference numbers from fits on Dask partitions.

The cases of predict_golden.json, anova_golden.json, anova_types_golden.json,
extra_families_golden.json (Tweedie, negative.binomial, glm.nb) and
tidy_golden.json (broom's tidy, glance, augment with newdata), each data set
split into 3 partitions: R's numbers, as in memory. What needs the model
matrix in memory (Rao's score test, profile intervals) is the one clear error.
"""

from __future__ import annotations

import math
import warnings
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import RTOL, case_frame, check_table, fit_case, golden_cases, relative_difference

import glmformula as gf
from glmformula.errors import DataError

dd = pytest.importorskip("dask.dataframe")
pytestmark = pytest.mark.filterwarnings("ignore:prediction from a rank-deficient fit")

PREDICT = golden_cases("predict")
PREDICT_BY_ID = {case["id"]: case for case in PREDICT}
ANOVA = golden_cases("anova")
ANOVA_TYPES = golden_cases("anova_types")


def _partitions(case: dict[str, Any]) -> Any:
    return dd.from_pandas(case_frame(case), npartitions=3)


@cache
def _predict_model(case_id: str) -> gf.GLMResult:
    case = PREDICT_BY_ID[case_id]
    return fit_case(case, _partitions(case))[0]


def _close(name: str, ours: Any, theirs: Any) -> None:
    diff = relative_difference(ours, theirs)
    assert diff <= RTOL, f"{name}: relative difference {diff:.3e} > {RTOL}"


@pytest.mark.parametrize("kind", ["link", "response"])
@pytest.mark.parametrize("case_id", sorted(PREDICT_BY_ID))
def test_chunked_predict_equals_r(case_id: str, kind: str) -> None:
    case, model = PREDICT_BY_ID[case_id], _predict_model(case_id)
    assert not model.rows.in_memory
    newdata = case_frame({"data": case["newdata"]})
    expected = case["expected"]
    pred = model.predict(newdata, type=kind, se_fit=True)
    _close("newdata fit", pred["fit"].to_numpy(), expected["newdata"][kind]["fit"])
    _close("newdata se_fit", pred["se_fit"].to_numpy(), expected["newdata"][kind]["se_fit"])
    rows = model.predict(type=kind, se_fit=True).compute()
    assert list(rows.index) == [r - 1 for r in expected["fitted"]["row_names"]]
    _close("fitted fit", rows["fit"].to_numpy(), expected["fitted"][kind]["fit"])
    _close("fitted se_fit", rows["se_fit"].to_numpy(), expected["fitted"][kind]["se_fit"])
    plain = model.predict(type=kind).compute()
    _close("fitted, no se", plain.to_numpy(), expected["fitted"][f"{kind}_nose"])
    _close("residual_scale", math.sqrt(model.dispersion), expected["residual_scale"])


def _fits(case: dict[str, Any], models: list[dict[str, Any]], family: str) -> list[Any]:
    data = _partitions(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [gf.glm(m["formula"], data=data, family=family, context={"log": np.log})
                for m in models]


@pytest.mark.parametrize("case", ANOVA, ids=[c["id"] for c in ANOVA])
def test_chunked_anova_equals_r(case: dict[str, Any]) -> None:
    models = _fits(case, case["models"], case["models"][0]["family_call"])
    test = case["test"] if case["test"] is not None else False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if test == "Rao":
            with pytest.raises(DataError, match=r"chunked \(Dask\) data; fit the data in memory"):
                gf.anova(*models, test=test)
            return
        table = gf.anova(*models, test=test)
    check_table(table, case, 1e-8)


@pytest.mark.parametrize("case", ANOVA_TYPES, ids=[c["id"] for c in ANOVA_TYPES])
def test_chunked_anova_types_equal_car(case: dict[str, Any]) -> None:
    [model] = _fits(case, [{"formula": case["formula"]}], case["family_call"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = gf.anova(model, type=case["type"], test=case["test"])
    check_table(table, case, 1e-8)


def test_the_partitioning_does_not_change_the_numbers() -> None:
    case = PREDICT_BY_ID[sorted(PREDICT_BY_ID)[0]]
    fits = [fit_case(case, dd.from_pandas(case_frame(case), npartitions=k))[0]
            for k in (1, 2, 5)]
    for other in fits[1:]:
        pd.testing.assert_series_equal(other.coef, fits[0].coef, rtol=1e-12)


EXTRA = golden_cases("extra_families")
TIDY = golden_cases("tidy")


def _extra_fit(case: dict[str, Any]) -> gf.GLMResult:
    data = _partitions(case)
    options = {"control": case["control"], "context": {"np": np, "log": np.log}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case.get("glm_nb"):
            return gf.glm_nb(case["formula"], data=data, **options)
        return gf.glm(case["formula"], data=data, family=gf.get_family(case["py_family"]),
                      **options)


@pytest.mark.parametrize("case", EXTRA, ids=[c["id"] for c in EXTRA])
def test_chunked_extra_families_equal_r(case: dict[str, Any]) -> None:
    """Tweedie, negative.binomial(theta) and glm.nb (theta by passes) on partitions."""
    model, exp = _extra_fit(case), case["expected"]
    summary = model.summary().coefficients
    pairs = {
        "coefficients": (model.coef.to_numpy(), list(exp["coefficients"].values())),
        "std_errors": (summary["Std. Error"].to_numpy(), list(exp["std_errors"].values())),
        "p_values": (summary.iloc[:, 3].to_numpy(), list(exp["p_values"].values())),
        "deviance": (model.deviance, exp["deviance"]),
        "null_deviance": (model.null_deviance, exp["null_deviance"]),
        "dispersion": (model.dispersion, exp["dispersion"]),
        "fitted": (model.fitted.compute().to_numpy(), exp["fitted"]),
        **{k: (getattr(model, k), exp[k]) for k in ("theta", "theta_se", "twologlik", "loglik")
           if k in exp},
    }
    if exp["aic"] is not None:
        pairs["aic"] = (model.aic, exp["aic"])
    failures = {name: relative_difference(ours, theirs)
                for name, (ours, theirs) in pairs.items()
                if not relative_difference(ours, theirs) <= RTOL}
    assert not failures, f"relative differences above {RTOL}: {failures}"
    assert model.iterations == exp["iter"]


def _frame_close(actual: pd.DataFrame, expected: dict[str, list[Any]]) -> None:
    assert list(actual.columns) == list(expected)
    for name, values in expected.items():
        if name == "term":
            assert list(actual[name]) == values
            continue
        want = np.array([np.nan if v is None else v for v in values], dtype=float)
        got = actual[name].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(got), np.isnan(want)), name
        _close(name, got[~np.isnan(want)], want[~np.isnan(want)])


@pytest.mark.parametrize("case", TIDY, ids=[c["id"] for c in TIDY])
def test_chunked_tidy_and_glance_equal_broom(case: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit_case(case, _partitions(case))[0]
    exp = case["expected"]
    _frame_close(model.tidy(), exp["tidy"])
    glance = model.glance()
    for name, value in exp["glance"].items():
        _close(name, float(glance[name].iloc[0]), value)
    with pytest.raises(DataError, match=r"chunked \(Dask\) data"):
        model.tidy(conf_int=True)  # profile intervals: a refit per point
    new = case_frame(case).head(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        augmented = model.augment(newdata=new, se_fit=True)
    _frame_close(augmented[[".fitted", ".se.fit"]], exp["augment_new"])
