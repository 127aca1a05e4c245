"""R's golden predictions and analysis-of-deviance tables, from fits on Dask partitions.

The same cases as tests/test_predict_golden.py, tests/test_anova.py and
tests/test_anova_types.py (predict_golden.json, anova_golden.json,
anova_types_golden.json), each data set split into 3 partitions: R's numbers, as
in memory; Rao's score test, which needs the model matrix in memory, is the one
clear error.
"""

from __future__ import annotations

import math
import warnings
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import RTOL, case_frame, fit_case, golden_cases, relative_difference, table_difference

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


def _check_table(table: Any, case: dict[str, Any]) -> None:
    expected = case["expected"]
    assert list(table.data.index) == expected["row_names"]
    assert list(table.data.columns) == list(expected["columns"])
    for name, values in expected["columns"].items():
        for row, ours, theirs in zip(expected["row_names"], table.data[name], values,
                                     strict=True):
            if theirs is None:
                assert math.isnan(ours), f"{name}[{row}]: R gives NA, we give {ours}"
            else:
                diff = table_difference(float(ours), theirs)
                assert diff <= 1e-8, f"{name}[{row}]: {ours} vs R {theirs} ({diff:.2e})"
    assert table.heading == expected["heading"]


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
    _check_table(table, case)


@pytest.mark.parametrize("case", ANOVA_TYPES, ids=[c["id"] for c in ANOVA_TYPES])
def test_chunked_anova_types_equal_car(case: dict[str, Any]) -> None:
    [model] = _fits(case, [{"formula": case["formula"]}], case["family_call"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = gf.anova(model, type=case["type"], test=case["test"])
    _check_table(table, case)


def test_the_partitioning_does_not_change_the_numbers() -> None:
    case = PREDICT_BY_ID[sorted(PREDICT_BY_ID)[0]]
    fits = [fit_case(case, dd.from_pandas(case_frame(case), npartitions=k))[0]
            for k in (1, 2, 5)]
    for other in fits[1:]:
        pd.testing.assert_series_equal(other.coef, fits[0].coef, rtol=1e-12)
