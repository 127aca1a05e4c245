"""drop1 / add1 / step against R's drop1.glm, add1.glm and step (tests/golden/step_golden.json)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import warnings

import numpy as np
import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf
from glmformula.stepwise import add1, drop1, step

CASES = golden_cases("step")
TABLES = [c for c in CASES if c["kind"] in ("drop1", "add1")]
STEPS = [c for c in CASES if c["kind"] == "step"]
RTOL = 1e-8
ATOL = 1e-10


def _model(case):
    frame = case_frame(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = gf.glm(case["formula"], data=frame, family=case["family_call"])
    return model, frame


def _table(case):
    model, frame = _model(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case["kind"] == "drop1":
            return drop1(model, test=case["test"])
        return add1(model, case["scope"], data=frame, test=case["test"])


def _diff(ours: float, theirs: float) -> float:
    if abs(theirs) < ATOL:
        return abs(ours - theirs)
    return abs(ours - theirs) / abs(theirs)


def _key(name: str) -> str:
    sign = name[:2] if name[:2] in ("- ", "+ ") else ""
    return sign + ":".join(sorted(name[len(sign):].split(":")))


def largest_difference() -> float:
    """The largest relative difference over every golden number."""
    worst = 0.0
    for case in TABLES:
        data = _table(case).data
        for name, values in case["expected"]["columns"].items():
            for ours, theirs in zip(data[name], values, strict=True):
                if theirs is not None:
                    worst = max(worst, _diff(float(ours), theirs))
    for case in STEPS:
        path, best = _step(case)
        for p, aic, dev in zip(path, case["expected"]["aic"], case["expected"]["deviance"],
                               strict=True):
            worst = max(worst, _diff(p["AIC"], aic), _diff(p["deviance"], dev))
        for name, value in case["expected"]["coefficients"].items():
            worst = max(worst, _diff(float(best.coef[name]), value))
    return worst


@pytest.mark.parametrize("case", TABLES, ids=[c["id"] for c in TABLES])
def test_table_numbers(case):
    data = _table(case).data
    exp = case["expected"]
    assert [_key(r) for r in data.index] == [_key(r) for r in exp["row_names"]]
    assert list(data.columns) == list(exp["columns"])
    for name, values in exp["columns"].items():
        for ours, theirs in zip(data[name], values, strict=True):
            if theirs is None:
                assert np.isnan(ours), name
            else:
                assert _diff(float(ours), theirs) <= RTOL, (name, ours, theirs)


@pytest.mark.parametrize("case", TABLES, ids=[c["id"] for c in TABLES])
def test_table_text(case):
    ours = str(_table(case)).replace("\u2018", "'").replace("\u2019", "'")
    assert ours == case["expected"]["print_text"]


def _step(case):
    model, frame = _model(case)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        best = step(model, scope=case["scope"], direction=case["direction"], data=frame)
    return best.step_path, best


@pytest.mark.parametrize("case", STEPS, ids=[c["id"] for c in STEPS])
def test_step_path(case):
    path, best = _step(case)
    exp = case["expected"]
    assert list(path.columns) == ["Step", "Df", "Deviance", "Resid. Df", "Resid. Dev", "AIC"]
    assert [_key(c) for c in path["Step"]] == [_key(c) for c in exp["changes"]]
    for (_, p), aic, dev, df in zip(path.iterrows(), exp["aic"], exp["deviance"],
                                    exp["df_residual"], strict=True):
        assert _diff(p["AIC"], aic) <= RTOL
        assert _diff(p["Resid. Dev"], dev) <= RTOL
        assert p["Resid. Df"] == df
    assert np.isnan(path["Df"].iloc[0])
    np.testing.assert_array_equal(path["Df"].iloc[1:], np.diff(exp["df_residual"]))
    assert_close(path["Deviance"].iloc[1:], np.abs(np.diff(exp["deviance"])),
                               rtol=1e-9)
    assert path.attrs["heading"].startswith("Stepwise Model Path \nAnalysis of Deviance")
    assert path.attrs["heading"].rstrip().endswith(" ".join(best.design.formula.split()))
    if "*" not in exp["final_formula"]:
        assert sorted(_key(t) for t in best.design.term_names) == sorted(
            _key(t) for t in exp["final_formula"].split("~")[1].replace(" ", "").split("+"))
    for name, value in exp["coefficients"].items():
        assert _diff(float(best.coef[name]), value) <= RTOL, name


def test_step_trace_gaussian():
    case = next(c for c in STEPS if c["id"] == "step_gaussian_mtcars_backward")
    model, frame = _model(case)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        step(model, direction="backward", data=frame)
    assert out.getvalue().rstrip() == case["expected"]["trace_text"].rstrip()


def test_marginality_and_errors():
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool * tension", data=wb, family="poisson")
    assert list(drop1(m).data.index) == ["<none>", "wool:tension"]
    small = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
    with pytest.raises(gf.FormulaError):
        add1(small, "~ wool", data=wb)
    # step() refits on the model's own data (R re-evaluates the call's data)
    assert step(small, trace=False).step_path.equals(step(small, data=wb, trace=False).step_path)
    with pytest.raises(gf.ArgumentTypeError, match="data="):
        step(dataclasses.replace(small, data=None), scope="~ .^2")
    q = gf.glm("breaks ~ wool", data=wb, family="quasipoisson")
    assert "AIC" not in drop1(q).data.columns
    with pytest.raises(gf.DataError):
        step(q, data=wb)
