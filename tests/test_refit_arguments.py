"""Refits in selection use the weights and offset the fit was given, never a look-alike column.

An array given as ``offset=`` is recorded in the call as ``offset = offset``;
a data column that happens to be named ``offset`` (or ``weights``) must not be
taken for it when ``step``/``drop1`` refit the model.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import glmformula as gf


@pytest.fixture()
def insurance():
    ins = gf.datasets.load("Insurance")
    return ins.assign(offset=0.0, weights=5.0, logH=np.log(ins["Holders"]),
                      w=np.linspace(0.5, 2.0, len(ins)),
                      noise=np.random.default_rng(2).normal(size=len(ins)))


def _quiet_step(model, data):
    with contextlib.redirect_stdout(io.StringIO()):
        return gf.step(model, data=data)


def test_step_with_array_offset_ignores_a_column_named_offset(insurance):
    array_fit = gf.glm("Claims ~ District * Age", data=insurance, family="poisson",
                       offset=np.log(insurance["Holders"].to_numpy()))
    column_fit = gf.glm("Claims ~ District * Age", data=insurance, family="poisson",
                        offset="logH")
    chosen, reference = _quiet_step(array_fit, insurance), _quiet_step(column_fit, insurance)
    assert chosen.deviance == pytest.approx(reference.deviance, rel=1e-10)
    assert list(chosen.coef.index) == list(reference.coef.index)


def test_step_with_array_weights_ignores_a_column_named_weights(insurance):
    array_fit = gf.glm("Claims ~ District + Age + noise", data=insurance, family="poisson",
                       offset="logH", weights=insurance["w"].to_numpy())
    column_fit = gf.glm("Claims ~ District + Age + noise", data=insurance, family="poisson",
                        offset="logH", weights="w")
    chosen = _quiet_step(array_fit, insurance)
    assert "noise" not in chosen.coef.index
    assert chosen.deviance == pytest.approx(_quiet_step(column_fit, insurance).deviance,
                                            rel=1e-10)
    column_named_weights = gf.glm("Claims ~ District + Age", data=insurance, family="poisson",
                                  offset="logH", weights="weights")
    assert chosen.deviance != pytest.approx(column_named_weights.deviance, rel=1e-3)


def test_array_offset_with_dropped_rows(insurance):
    """On the fit's own data the array is evaluated again over every row, as R's update
    re-evaluates the call; on other data (a copy) it must be given again."""
    data = insurance.astype({"Claims": float})
    data.loc[data.index[0], "Claims"] = np.nan
    fit = gf.glm("Claims ~ District * Age", data=data, family="poisson",
                 offset=np.log(insurance["Holders"].to_numpy()))
    column_fit = gf.glm("Claims ~ District * Age", data=data, family="poisson", offset="logH")
    assert _quiet_step(fit, data).deviance == pytest.approx(
        _quiet_step(column_fit, data).deviance, rel=1e-10)
    with pytest.raises(gf.ArgumentTypeError, match="pass the same offset="):
        _quiet_step(fit, data.copy())
