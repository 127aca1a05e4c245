"""glm() pauses Python's cyclic collector while it fits and restores it afterwards."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pandas as pd
import pytest

import glmformula as gf
from glmformula import collector


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    x = rng.normal(size=200)
    return pd.DataFrame({"x": x, "y": rng.poisson(np.exp(0.3 + 0.2 * x))})


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_fit_pauses_the_collector_and_turns_it_back_on(collector_on, monkeypatch):
    seen = []
    import glmformula.model as model

    original = model.fit_from

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(model, "fit_from", watching)
    gf.glm("y ~ x", _frame(), family="poisson")
    assert seen == [False]
    assert gc.isenabled()


def test_a_fit_that_fails_turns_it_back_on(collector_on):
    with pytest.raises(gf.errors.GLMError):
        gf.glm("y ~ nothere", _frame(), family="poisson")
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off():
    was = gc.isenabled()
    gc.disable()
    try:
        gf.glm("y ~ x", _frame(), family="poisson")
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_overlapping_pauses_in_threads_restore_once(collector_on):
    inside = threading.Event()
    release = threading.Event()

    def hold():
        with collector.collector_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    inside.wait(5)
    with collector.collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's pause still holds
    release.set()
    worker.join(5)
    assert gc.isenabled()
