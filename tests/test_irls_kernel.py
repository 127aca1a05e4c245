"""The fused, parallel IRLS pass (glmformula.irls_kernel): fixed bits, same numbers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, fit_case, load_cases
from threadpoolctl import threadpool_limits

import glmformula as gf
import glmformula.irls_memory as irls_memory
from glmformula import sums_kernel
from glmformula.errors import ArgumentTypeError
from glmformula.thread_pool import THREADS_ENV, resolve_threads


def _w1_like(n: int = 150_000, seed: int = 3) -> pd.DataFrame:
    """W1's design (10 numeric columns, factors of 50 and 5 levels), on fewer rows: a few
    chunks of rows."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 10))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(1, 11)])
    g50, g5 = rng.integers(0, 50, n), rng.integers(0, 5, n)
    frame["g50"] = pd.Categorical.from_codes(g50, [f"a{i:02d}" for i in range(50)])
    frame["g5"] = pd.Categorical.from_codes(g5, [f"b{i}" for i in range(5)])
    eta = 0.5 + X @ rng.normal(0, 0.1, 10) + rng.normal(0, 0.2, 50)[g50]
    frame["y"] = rng.poisson(np.exp(eta))
    return frame


FORMULA = "y ~ " + " + ".join(f"x{i}" for i in range(1, 11)) + " + g50 + g5"


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled sums", "numpy sums"])
@pytest.mark.parametrize("family", ["poisson", "binomial"])
def test_one_and_two_threads_give_the_same_bits(family, compiled, monkeypatch):
    if compiled and sums_kernel.compiled is None:
        pytest.skip("the compiled kernel is not built here")
    if not compiled:
        monkeypatch.setattr(sums_kernel, "compiled", None)
    frame = _w1_like()
    if family == "binomial":
        frame["y"] = (frame["y"] > 1).astype(int)
    fits = []
    for threads, blas in [(1, 1), (2, 2), (2, 1), (1, 2), (3, 2)]:
        with threadpool_limits(limits=blas, user_api="blas"):
            fits.append(gf.glm(FORMULA, frame, family=family, control=gf.Control(threads=threads)))
    first = fits[0]
    assert first.converged
    for other in fits[1:]:
        assert np.array_equal(other.coef.to_numpy(), first.coef.to_numpy())
        assert np.array_equal(other.vcov.to_numpy(), first.vcov.to_numpy())
        assert other.deviance == first.deviance
        assert other.null_deviance == first.null_deviance
        assert np.array_equal(other.fitted.to_numpy(), first.fitted.to_numpy())


def test_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "3")
    assert resolve_threads(None) == 3
    assert resolve_threads(1) == 1
    monkeypatch.setenv(THREADS_ENV, "many")
    with pytest.raises(ArgumentTypeError, match=THREADS_ENV):
        resolve_threads(None)


@pytest.mark.parametrize("threads", [0, 1.5, "2"])
def test_threads_must_be_a_whole_number(threads):
    with pytest.raises(ArgumentTypeError, match="threads"):
        gf.Control(threads=threads)


def _general_path(monkeypatch):
    monkeypatch.setattr(irls_memory, "kernel_for", lambda *args, **kwargs: None)


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_the_fused_pass_equals_the_general_path(case, monkeypatch):
    fused, _ = fit_case(case)
    _general_path(monkeypatch)
    general, _ = fit_case(case)
    assert fused.iterations == general.iterations
    # separated data: no finite estimate, the coefficients are where the iterations stopped
    rtol = 1e-9 if "separation" in case["id"] else 1e-12
    assert_close(fused.coef.fillna(0).to_numpy(), general.coef.fillna(0).to_numpy(), rtol)
    assert_close(fused.deviance, general.deviance, rtol)
    assert_close(fused.null_deviance, general.null_deviance, rtol)
    assert_close(fused.fitted.to_numpy(), general.fitted.to_numpy(), rtol)
    assert_close(fused.vcov.to_numpy(), general.vcov.to_numpy(), rtol)
    # the last step's weights and the final eta survive the reuse of the states' arrays
    assert_close(fused.working_weights.to_numpy(), general.working_weights.to_numpy(), rtol)
    assert_close(fused.linear_predictor.to_numpy(), general.linear_predictor.to_numpy(),
                 rtol)


def test_the_fused_pass_equals_the_general_path_on_many_chunks(monkeypatch):
    frame = _w1_like(n=140_000, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fused = gf.glm(FORMULA, frame, family="poisson")
        _general_path(monkeypatch)
        general = gf.glm(FORMULA, frame, family="poisson")
    assert_close(fused.coef.to_numpy(), general.coef.to_numpy(), 1e-12)
    assert_close(fused.vcov.to_numpy(), general.vcov.to_numpy(), 1e-12)
    assert_close(fused.deviance, general.deviance, 1e-12)
    assert_close(fused.null_deviance, general.null_deviance, 1e-12)
    assert_close(fused.working_weights.to_numpy(), general.working_weights.to_numpy(), 1e-12)
    assert_close(fused.linear_predictor.to_numpy(), general.linear_predictor.to_numpy(), 1e-12)


def test_a_wide_matrix_makes_its_sums_only_when_asked(monkeypatch):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((5_000, 70))
    frame = pd.DataFrame(X, columns=[f"z{i}" for i in range(70)])
    frame["y"] = rng.poisson(np.exp(0.3 + X @ rng.normal(0, 0.05, 70)))
    formula = "y ~ " + " + ".join(f"z{i}" for i in range(70))
    passes = []
    original = irls_memory.MemoryData._pass

    def counting(self, coef, eta, sums=True, reuse=None, mustart=None):
        passes.append(sums)
        return original(self, coef, eta, sums, reuse, mustart)

    monkeypatch.setattr(irls_memory.MemoryData, "_pass", counting)
    fused = gf.glm(formula, frame, family="poisson", control=gf.Control(threads=2))
    assert passes[0] and not any(passes[1:])  # the start, then no sums the steps do not use
    one = gf.glm(formula, frame, family="poisson", control=gf.Control(threads=1))
    assert np.array_equal(one.coef.to_numpy(), fused.coef.to_numpy())
    _general_path(monkeypatch)
    general = gf.glm(formula, frame, family="poisson")
    assert_close(fused.coef.to_numpy(), general.coef.to_numpy(), 1e-12)
    assert_close(fused.vcov.to_numpy(), general.vcov.to_numpy(), 1e-12)


def _fit_in_child(queue):
    frame = _w1_like(n=40_000)
    queue.put(gf.glm(FORMULA, frame, family="poisson",
                     control=gf.Control(threads=2)).coef.to_numpy())


def test_a_forked_process_fits_with_its_own_pool():
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    frame = _w1_like(n=40_000)
    parent = gf.glm(FORMULA, frame, family="poisson", control=gf.Control(threads=2))
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_fit_in_child, args=(queue,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads running
        child.start()
    coef = queue.get(timeout=120)
    child.join(timeout=30)
    assert np.array_equal(coef, parent.coef.to_numpy())
