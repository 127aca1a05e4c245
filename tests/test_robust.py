"""Sandwich covariances against R's sandwich::vcovHC and sandwich::vcovCL.

Reference values: tests/golden/influence_golden.json, written by
tests/golden/make_golden_influence.R.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import RTOL, assert_close, case_frame, fit_case, influence_cases, relative_difference
from scipy import stats

import glmformula as gf
from glmformula.robust import vcov_cluster, vcov_hc

CASES = influence_cases("robust")
IDS = [c["id"] for c in CASES]


def _fit(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, _ = fit_case(case)
    return model


def _check(ours: pd.DataFrame, case: dict, key: str) -> None:
    expected = case["expected"]["robust"]
    assert list(ours.columns) == expected["names"]
    assert list(ours.index) == expected["names"]
    diff = relative_difference(ours.to_numpy(), np.array(expected[key]))
    assert diff <= RTOL, f"{key}: relative difference {diff:.3e}"


def test_golden_case_count():
    assert len(CASES) == 4


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("kind", ["HC0", "HC1", "HC2", "HC3"])
def test_vcov_hc_equals_r(case, kind):
    _check(vcov_hc(_fit(case), kind), case, kind)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_vcov_cluster_equals_r(case):
    groups = case_frame(case)[case["cluster"]]
    _check(vcov_cluster(_fit(case), groups), case, "CL")
    # plain values (not a Series) in the same order give the same matrix
    _check(vcov_cluster(_fit(case), list(groups.astype(str))), case, "CL")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_with_cov_uses_the_robust_covariance(case):
    model = _fit(case)
    robust = model.with_cov("cluster", groups=case_frame(case)[case["cluster"]])
    _check(robust.vcov, case, "CL")
    se = np.sqrt(np.diag(np.array(case["expected"]["robust"]["CL"])))
    assert relative_difference(robust.std_errors.to_numpy(), se) <= RTOL
    table = robust.summary().coefficients
    assert relative_difference(table.iloc[:, 1].to_numpy(), se) <= RTOL
    # lmtest::coeftest on a glm: z tests with the robust standard errors
    assert list(table.columns) == ["Estimate", "Std. Error", "z value", "Pr(>|z|)"]
    z = np.array(list(case["expected"]["coefficients"].values())) / se
    assert relative_difference(table["z value"].to_numpy(), z) <= RTOL
    assert relative_difference(table["Pr(>|z|)"].to_numpy(),
                               2 * stats.norm.sf(np.abs(z))) <= RTOL
    hc3 = model.with_cov("HC3")
    _check(hc3.vcov, case, "HC3")
    # the original result is unchanged
    assert model.cov_type == "nonrobust"
    back = hc3.with_cov("nonrobust")
    np.testing.assert_allclose(back.vcov.to_numpy(), model.vcov.to_numpy(), rtol=0)


def _model():
    return gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
                  family="poisson")


def test_groups_of_the_wrong_length_is_a_data_error():
    with pytest.raises(gf.errors.DataError, match="54 rows"):
        _model().with_cov("cluster", groups=np.arange(10))


def test_series_groups_are_aligned_on_the_rows_used():
    data = gf.datasets.load("warpbreaks")
    data.loc[[3, 10], "breaks"] = np.nan
    m = gf.glm("breaks ~ wool + tension", data=data, family="poisson")
    full = vcov_cluster(m, data["tension"])
    kept = vcov_cluster(m, data["tension"].drop([3, 10]).to_numpy())
    assert_close(full.to_numpy(), kept.to_numpy(), rtol=1e-14)
    with pytest.raises(gf.errors.DataError, match="dropped"):
        vcov_cluster(m, data["tension"].to_numpy())


def test_bad_arguments():
    m = _model()
    with pytest.raises(gf.errors.GLMError):
        m.with_cov("HC9")
    with pytest.raises(gf.errors.GLMError):
        m.with_cov("cluster")
    with pytest.raises(gf.errors.GLMError):
        m.with_cov("HC0", groups=[1] * 54)
