"""Chunked fits on Dask equal in-memory fits, whatever the partitioning."""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.errors import AliasingWarning, DataError
from glmformula.progress import IterationProgress

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

RTOL = 1e-10


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(20261125)
    n = 2400
    df = pd.DataFrame({
        "x": rng.normal(size=n),
        "z": rng.uniform(0.5, 2.0, size=n),
        "g": rng.choice(["north", "south", "east", "west"], size=n),
        "h": pd.Categorical(rng.choice(["lo", "mid", "hi"], size=n),
                            categories=["lo", "mid", "hi"]),
        "t": rng.uniform(1.0, 3.0, size=n),
        "w": rng.integers(1, 4, size=n).astype(float),
    })
    eta = 0.2 + 0.4 * df.x - 0.3 * (df.g == "south") + 0.2 * df.z
    df["count"] = rng.poisson(np.exp(eta + np.log(df.t)))
    df["success"] = rng.binomial(5, 1 / (1 + np.exp(-eta)))
    df["failure"] = 5 - df["success"]
    df["yes"] = np.where(rng.uniform(size=n) < 1 / (1 + np.exp(-eta)), "yes", "no")
    df["cost"] = rng.gamma(3.0, np.exp(eta) / 3.0)
    df["level"] = 1.0 + eta + rng.normal(scale=0.5, size=n)
    df.loc[[3, 50, 777], "x"] = np.nan
    df.loc[[10, 2000], "g"] = None
    return df


CASES = [
    ("count ~ x + g + h", "poisson", {}),
    ("count ~ x * g + offset(log(t))", "poisson", {}),
    ("count ~ x + g", "quasipoisson", {"offset": "t"}),
    ("cbind(success, failure) ~ x + h", "binomial", {}),
    ("yes ~ x + g + z", 'binomial(link = "probit")', {}),
    ("cost ~ x + g", 'Gamma(link = "log")', {}),
    ("level ~ x + h + z", "gaussian", {"weights": "w"}),
    ("level ~ 0 + x + g", "gaussian", {}),
    ("count ~ x + scale(z) + center(t) + g", "poisson", {}),
    ("cost ~ x + h", 'inverse.gaussian(link = "log")', {"weights": "w"}),
]


def _compare(m0: gf.GLMResult, m1: gf.GLMResult) -> None:
    np.testing.assert_allclose(m1.coef, m0.coef, rtol=RTOL, atol=1e-13)
    assert_close(m1.std_errors, m0.std_errors, rtol=RTOL)
    for name in ("deviance", "null_deviance", "aic", "bic", "dispersion"):
        assert_close(getattr(m1, name), getattr(m0, name), rtol=RTOL,
                                   err_msg=name)
    for name in ("df_residual", "df_null", "nobs", "rank", "iterations", "n_rows"):
        assert getattr(m1, name) == getattr(m0, name), name
    assert m1.design.n_dropped == m0.design.n_dropped
    assert list(m1.coef.index) == list(m0.coef.index)


@pytest.mark.parametrize("formula,family,extra", CASES)
@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_threaded_fit_equals_in_memory(frame, formula, family, extra, npartitions):
    m0 = gf.glm(formula, data=frame, family=family, **extra)
    with dask.config.set(scheduler="threads"):
        m1 = gf.glm(formula, data=dd.from_pandas(frame, npartitions=npartitions),
                    family=family, **extra)
    _compare(m0, m1)
    def text(m: gf.GLMResult) -> str:
        return re.sub(r"data = \w+", "data = ", str(m.summary()))

    assert text(m1) == text(m0)


def test_structured_partitions_and_parquet_path(tmp_path):
    rng = np.random.default_rng(7)
    n = 60_000
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n),
                       "g": rng.choice([f"g{i:02d}" for i in range(30)], size=n),
                       "s": pd.Categorical(rng.choice(["winter", "spring", "autumn"], size=n),
                                           categories=["winter", "spring", "autumn"])})
    df["y"] = rng.poisson(np.exp(0.1 + 0.3 * df.x1 - 0.2 * df.x2 + 0.1 * (df.s == "spring")))
    m0 = gf.glm("y ~ x1 + x2 + g + s", data=df, family="poisson")
    assert m0.column_names[-2:] == ["sspring", "sautumn"]
    for i, part in enumerate(np.array_split(np.arange(n), 3)):
        df.iloc[part].to_parquet(tmp_path / f"part{i}.parquet")
    m1 = gf.glm("y ~ x1 + x2 + g + s", data=str(tmp_path / "*.parquet"), family="poisson")
    _compare(m0, m1)
    df.assign(s=df.s.astype(str)).to_csv(tmp_path / "all.csv", index=False)
    m2 = gf.glm("y ~ x1 + x2 + g + s", data=str(tmp_path / "all.csv"), family="poisson")
    m3 = gf.glm("y ~ x1 + x2 + g + s", data=df.assign(s=df.s.astype(str)), family="poisson")
    _compare(m3, m2)


def test_lazy_per_row_values_and_predict(frame):
    formula = "count ~ x + g + offset(log(t))"
    m0 = gf.glm(formula, data=frame, family="poisson")
    ddf = dd.from_pandas(frame, npartitions=4)
    m1 = gf.glm(formula, data=ddf, family="poisson")
    fitted = m1.fitted
    assert hasattr(fitted, "compute")
    pd.testing.assert_series_equal(fitted.compute(), m0.fitted, rtol=1e-10)
    for kind in ("deviance", "pearson", "response", "working"):
        pd.testing.assert_series_equal(m1.residuals(kind).compute(), m0.residuals(kind),
                                       rtol=1e-9)
    complete = frame.dropna(subset=["x", "g"])
    new = dd.from_pandas(complete, npartitions=3)
    lazy = m1.predict(new, type="response")
    assert hasattr(lazy, "compute")
    pd.testing.assert_series_equal(lazy.compute(), m0.predict(complete, type="response"),
                                   rtol=1e-10)
    bands = m1.predict(new, se_fit=True, interval="confidence").compute()
    expected = m0.predict(complete, se_fit=True, interval="confidence")
    pd.testing.assert_frame_equal(bands, expected, rtol=1e-9)


def test_anova_refits_on_chunks(frame):
    formula = "count ~ x + g + h"
    m0 = gf.glm(formula, data=frame, family="poisson")
    m1 = gf.glm(formula, data=dd.from_pandas(frame, npartitions=5), family="poisson")
    pd.testing.assert_frame_equal(gf.anova(m1).data, gf.anova(m0).data, rtol=1e-9)
    pd.testing.assert_frame_equal(gf.anova(m1, type=2).data, gf.anova(m0, type=2).data,
                                  rtol=1e-9)
    for kind in (2, 3):
        pd.testing.assert_frame_equal(gf.anova(m1, type=kind, test="F").data,
                                      gf.anova(m0, type=kind, test="F").data, rtol=1e-9)
    small0 = gf.glm("count ~ x", data=frame.dropna(subset=["g"]), family="poisson")
    small1 = gf.glm("count ~ x", data=dd.from_pandas(frame.dropna(subset=["g"]), 3),
                    family="poisson")
    pd.testing.assert_frame_equal(gf.anova(small1, m1).data, gf.anova(small0, m0).data,
                                  rtol=1e-9)


def test_aliased_columns_found_on_chunks(frame):
    df = frame.assign(x2=lambda d: 2.0 * d.x)
    with pytest.warns(AliasingWarning):
        m0 = gf.glm("count ~ x + x2 + g", data=df, family="poisson")
    with pytest.warns(AliasingWarning, match="x2"):
        m1 = gf.glm("count ~ x + x2 + g", data=dd.from_pandas(df, npartitions=4),
                    family="poisson")
    assert list(m1.aliased) == list(m0.aliased)
    _compare(m0, m1)


def test_local_cluster_with_two_processes(frame):
    distributed = pytest.importorskip("distributed")
    formula = "yes ~ x + g"
    m0 = gf.glm(formula, data=frame, family="binomial")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=":0") as cluster, \
                distributed.Client(cluster):
            m1 = gf.glm(formula, data=dd.from_pandas(frame, npartitions=4), family="binomial")
            fitted = m1.fitted.compute()
    _compare(m0, m1)
    pd.testing.assert_series_equal(fitted, m0.fitted, rtol=1e-10)


def test_progress_lines(frame):
    out = io.StringIO()
    progress = IterationProgress(verbose=True, maxit=25, stream=out, use_tqdm=False)
    progress.update(1, 10.0, 0.5, 0.1)
    progress.update(2, 9.0, 0.1, 0.2)
    lines = out.getvalue().splitlines()
    assert lines == ["IRLS iteration 1: deviance 10, change 0.5, 0.1 s",
                     "IRLS iteration 2: deviance 9, change 0.1, 0.2 s"]
    quiet = io.StringIO()
    silent = IterationProgress(verbose=False, maxit=25, stream=quiet, use_tqdm=False)
    silent.update(1, 10.0, 0.5, 100.0)
    assert quiet.getvalue() == ""


def test_verbose_fit_reports_iterations(frame, capsys):
    m = gf.glm("count ~ x + g", data=dd.from_pandas(frame, npartitions=2), family="poisson",
               verbose=True)
    err = capsys.readouterr().err
    assert "IRLS" in err and f"{m.iterations}" in err
    gf.glm("count ~ x + g", data=dd.from_pandas(frame, npartitions=2), family="poisson",
           verbose=False)
    assert capsys.readouterr().err == ""


def test_clear_errors_for_chunked_data(frame, tmp_path):
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(gf.errors.ArgumentTypeError, match="column name"):
        gf.glm("count ~ x", data=ddf, family="poisson", weights=np.ones(len(frame)))
    with pytest.raises(DataError, match="no file"):
        gf.glm("count ~ x", data=str(tmp_path / "missing.parquet"), family="poisson")
    m = gf.glm("count ~ x", data=ddf, family="poisson")
    with pytest.raises(DataError, match="wald"):
        m.confint()
    assert m.confint(method="wald").shape == (2, 2)
    with pytest.raises(DataError, match="chunked"):
        m.influence()
    with pytest.raises(gf.errors.FormulaError, match="center"):
        gf.glm("count ~ poly(x, 2)", data=dd.from_pandas(frame.dropna(subset=["x"]), 2),
               family="poisson")


def test_caller_frame_untouched(frame):
    before = frame.copy(deep=True)
    gf.glm("yes ~ x + g + h", data=dd.from_pandas(frame, npartitions=3), family="binomial")
    pd.testing.assert_frame_equal(frame, before)


def test_scale_ignores_missing_values_as_r_and_merges_over_partitions():
    # R: x <- c(1, NA, 3, 4, 8, 2, 5, 7); y <- c(1, 2, 2, 3, 6, 2, 4, 5)
    #    coef(glm(y ~ scale(x))) -> 3.285714286, 1.783290280 (the NA row dropped)
    df = pd.DataFrame({"x": [1.0, np.nan, 3, 4, 8, 2, 5, 7],
                       "y": [1.0, 2, 2, 3, 6, 2, 4, 5]})
    m0 = gf.glm("y ~ scale(x)", data=df)
    assert_close(m0.coef, [3.285714286, 1.783290280], rtol=1e-9)
    for k in (1, 3, 4):
        m1 = gf.glm("y ~ scale(x) + center(x)", data=dd.from_pandas(df, npartitions=k))
        _compare(gf.glm("y ~ scale(x) + center(x)", data=df), m1)
    fixed = gf.glm("y ~ scale(x, center=2, scale=False)", data=dd.from_pandas(df, 3))
    assert_close(fixed.coef, gf.glm("y ~ I(x - 2)", data=df).coef, rtol=1e-12)


def test_logical_column_with_one_value_in_a_partition_and_start_values():
    rng = np.random.default_rng(3)
    n = 400
    df = pd.DataFrame({"x": rng.normal(size=n),
                       "flag": np.r_[np.ones(200, bool), rng.random(200) < 0.5]})
    df["y"] = rng.poisson(np.exp(0.2 + 0.3 * df.x + 0.2 * df.flag))
    m0 = gf.glm("y ~ x + flag", data=df, family="poisson")
    m1 = gf.glm("y ~ x + flag", data=dd.from_pandas(df, npartitions=4), family="poisson")
    _compare(m0, m1)
    s0 = gf.glm("y ~ x + flag", data=df, family="poisson", start=[0.1, 0.1, 0.1])
    s1 = gf.glm("y ~ x + flag", data=dd.from_pandas(df, npartitions=4), family="poisson",
                start=[0.1, 0.1, 0.1])
    _compare(s0, s1)


def test_call_names_the_callers_data_variable(frame):
    quine_like = frame.copy()
    m = gf.glm("count ~ x", data=quine_like, family="poisson")
    assert "data = quine_like" in m.call
    assert "data = given" in gf.glm("count ~ x", data=frame, family="poisson",
                                    data_name="given").call


def test_fixed_dispersion_fits_need_no_extra_pass(frame):
    # the AIC and null deviance are added in the passes near convergence: one pass for
    # the starting values and one per iteration; an estimated dispersion needs one more
    ddf = dd.from_pandas(frame, npartitions=3)
    poisson = gf.glm("count ~ x + g", data=ddf, family="poisson")
    assert poisson.rows.passes == poisson.iterations + 1
    _compare(gf.glm("count ~ x + g", data=frame, family="poisson"), poisson)
    gamma = gf.glm("t ~ x + g", data=ddf, family="Gamma")
    assert gamma.rows.passes == gamma.iterations + 2
