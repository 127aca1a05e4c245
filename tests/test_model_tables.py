"""AIC/BIC/logLik tables, step/stepAIC with lower/upper scopes and k = log(n), and MASS's
dose.p, against R (tests/golden/workflow_golden.json, make_golden_workflow.R): numbers
and the printed text."""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import numpy as np
import pytest
from workflow import GOLDEN, coefficient_difference, fit_spec, rel

import glmformula as gf
from glmformula.errors import GLMWarning

TABLES = GOLDEN["tables"]
STEPS = GOLDEN["steps"]
DOSES = GOLDEN["dose"]
MODELS = GOLDEN["models"]


def _models(names):
    return [fit_spec(MODELS[n]) for n in names]


def _table(case):
    fits = _models(case["models"])
    named = dict(zip(case["models"], fits, strict=True))  # the caller's variables name rows
    call = {"AIC": "gf.AIC", "BIC": "gf.BIC", "logLik": "gf.logLik"}[case["kind"]]
    args = ", ".join(case["models"])
    if case["k"] is not None:
        args += f", k={case['k']!r}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = eval(f"{call}({args})", {"gf": gf, **named})  # noqa: S307 (test's own text)
    return value, [str(w.message) for w in caught if issubclass(w.category, GLMWarning)]


@pytest.mark.parametrize("case", TABLES, ids=[c["id"] for c in TABLES])
def test_model_table_as_r(case):
    value, caught = _table(case)
    exp = case["expected"]
    assert caught == exp["warnings"]
    if case["kind"] == "logLik":
        assert value.df == exp["df"] and value.nobs == exp["nobs"]
        assert rel(float(value), exp["values"]) <= 1e-8
        assert str(value) == exp["print_text"]
    elif exp["row_names"] is None:
        assert isinstance(value, float)
        assert rel(value, exp["values"]) <= 1e-8
    else:
        assert list(value.index) == exp["row_names"]
        assert value["df"].tolist() == exp["df"]
        rtol = 1e-6 if "nb1" in case["models"] else 1e-8
        assert rel(value.iloc[:, 1], exp["values"]) <= rtol
        assert str(value) == exp["print_text"]


def test_aic_tables_name_unnamed_models_by_position():
    wb = gf.datasets.load("warpbreaks")
    table = gf.AIC(gf.glm("breaks ~ wool", data=wb, family="poisson"),
                   gf.glm("breaks ~ tension", data=wb, family="poisson"))
    assert list(table.index) == ["m1", "m2"]
    assert list(table.columns) == ["df", "AIC"]
    with pytest.raises(gf.ArgumentTypeError, match="at least one"):
        gf.AIC()
    with pytest.raises(gf.ArgumentTypeError, match="fitted models"):
        gf.BIC(table)


def _step(case):
    model = fit_spec(case["model"])
    function = gf.stepAIC if case["fn"] == "stepAIC" else gf.step
    options = {"k": case["k"]}
    if case["scope"] is not None:
        options["scope"] = case["scope"]
    if case["direction"] is not None:
        options["direction"] = case["direction"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        best = function(model, **options)
    return best, out.getvalue()


@pytest.mark.parametrize("case", STEPS, ids=[c["id"] for c in STEPS])
def test_step_as_r(case):
    best, printed = _step(case)
    exp, path = case["expected"], best.step_path
    rtol = 1e-6
    assert list(path["Step"]) == exp["changes"]
    assert rel(path["Df"], exp["df"]) == 0
    assert rel(path["AIC"], exp["aic"]) <= rtol
    assert rel(path["Resid. Dev"], exp["deviance"]) <= rtol
    assert path["Resid. Df"].tolist() == exp["df_residual"]
    assert best.formula == exp["final_formula"]
    assert coefficient_difference(best, exp["coefficients"]) <= rtol
    if exp["theta"] is not None:
        assert rel(best.theta, exp["theta"]) <= rtol
    assert str(path) == exp["print_text"]
    assert printed.rstrip() == exp["trace_text"].rstrip()


@pytest.mark.parametrize("case", DOSES, ids=[c["id"] for c in DOSES])
def test_dose_p_as_r(case):
    model = fit_spec(case["model"])
    cf = [c - 1 for c in case["cf"]]  # R's 1-based positions
    table = gf.dose_p(model, cf=cf, p=case["p"])
    exp = case["expected"]
    assert list(table.columns) == ["Dose", "SE"]
    assert rel(table["Dose"], exp["dose"]) <= 1e-8
    assert rel(table["SE"], exp["se"]) <= 1e-8
    assert str(table) == exp["print_text"]
    by_name = gf.dose_p(model, cf=[model.column_names[i] for i in cf], p=case["p"])
    np.testing.assert_array_equal(by_name.to_numpy(), table.to_numpy())


def test_dose_p_errors():
    bw = gf.datasets.load("budworm")
    m = gf.glm("cbind(numdead, numalive) ~ ldose", data=bw, family="binomial")
    assert math.isclose(float(gf.dose_p(m)["Dose"].iloc[0]),
                        -m.coef.iloc[0] / m.coef.iloc[1], rel_tol=1e-12)
    with pytest.raises(gf.ArgumentTypeError, match="0-based"):
        gf.dose_p(m, cf=[1, 2])
    with pytest.raises(gf.ArgumentTypeError, match="two coefficients"):
        gf.dose_p(m, cf=[0])
    with pytest.raises(gf.DataError, match="no coefficient named"):
        gf.dose_p(m, cf=["(Intercept)", "dose"])
    with pytest.raises(gf.DataError, match="between 0 and 1"):
        gf.dose_p(m, p=[0.5, 1.0])
