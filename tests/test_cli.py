"""The ``glmformula`` command line: ``glmformula fit DATA FORMULA [--family ...]``."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import glmformula as gf
from glmformula.cli import main, read_data, run

WARPBREAKS_TABLE = [
    "(Intercept)  3.69196    0.04541  81.302  < 2e-16 ***",
    "woolB       -0.20599    0.05157  -3.994 6.49e-05 ***",
    "tensionM    -0.32132    0.06027  -5.332 9.73e-08 ***",
    "tensionH    -0.51849    0.06396  -8.107 5.21e-16 ***",
]
ARGS = ["fit", "warpbreaks", "breaks ~ wool + tension", "--family", "poisson"]


def test_fit_warpbreaks_prints_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ARGS) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "glm(formula = breaks ~ wool + tension, family = poisson, data = warpbreaks)" in out
    assert "            Estimate Std. Error z value Pr(>|z|)    " in out
    for line in WARPBREAKS_TABLE:
        assert line in out
    assert "(Dispersion parameter for poisson family taken to be 1)" in out
    assert "Residual deviance: 210.39  on 50  degrees of freedom" in out
    assert "AIC: 493.06" in out
    assert "Number of Fisher Scoring iterations: 4" in out


def test_cli_output_equals_library_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ARGS) == 0
    out = capsys.readouterr().out
    m = gf.glm("breaks ~ wool + tension", gf.datasets.load("warpbreaks"), "poisson",
               data_name="warpbreaks")
    assert out == f"{m.summary()}\n"


def test_link_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--link", "identity"]) == 0
    out = capsys.readouterr().out
    assert 'family = poisson(link = "identity")' in out
    assert "(Intercept)   38.440      1.600  24.025  < 2e-16 ***" in out
    assert "AIC: 497.36" in out


def test_default_family_is_gaussian(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", "warpbreaks", "breaks ~ wool"]) == 0
    out = capsys.readouterr().out
    assert "family = gaussian" in out
    assert "(Dispersion parameter for gaussian family taken to be" in out
    assert " t value Pr(>|t|)" in out


@pytest.fixture
def warpbreaks() -> pd.DataFrame:
    return gf.datasets.load("warpbreaks")


def test_csv_path(tmp_path: Path, warpbreaks: pd.DataFrame,
                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "breaks.csv"
    warpbreaks.to_csv(path, index=False)
    assert main(["fit", str(path), "breaks ~ wool + tension", "--family", "poisson"]) == 0
    out = capsys.readouterr().out
    assert "data = breaks)" in out
    # read from CSV, tension's levels are sorted (H, L, M) as R's read.csv makes them
    assert "tensionL     0.51849    0.06396   8.107 5.21e-16 ***" in out
    assert "AIC: 493.06" in out


def test_parquet_path_keeps_categories(tmp_path: Path, warpbreaks: pd.DataFrame,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "wb.parquet"
    warpbreaks.to_parquet(path)
    assert main(["fit", str(path), "breaks ~ wool + tension", "--family", "poisson"]) == 0
    out = capsys.readouterr().out
    assert "data = wb)" in out
    for line in WARPBREAKS_TABLE:  # the categorical order L, M, H survives Parquet
        assert line in out
    assert "AIC: 493.06" in out


def test_weights_and_offset_columns(tmp_path: Path, warpbreaks: pd.DataFrame,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    frame = warpbreaks.assign(t=np.arange(54) % 3 + 1.0, logt=np.log(np.arange(54) % 3 + 1.0))
    path = tmp_path / "wbt.csv"
    frame.to_csv(path, index=False)
    args = ["fit", str(path), "breaks ~ wool", "--family", "poisson", "--weights", "t",
            "--offset", "logt"]
    assert main(args) == 0
    out = capsys.readouterr().out
    expected = gf.glm("breaks ~ wool", pd.read_csv(path), "poisson", weights="t", offset="logt",
                      data_name="wbt")
    assert out == f"{expected.summary()}\n"
    call = " ".join(out.split("Coefficients:")[0].split())
    assert "data = wbt, weights = t, offset = logt)" in call
    unweighted = gf.glm("breaks ~ wool", frame, "poisson")
    assert f"AIC: {expected.aic:.5g}" in out
    assert expected.aic != pytest.approx(unweighted.aic)


def test_call_is_wrapped_between_arguments(tmp_path: Path, warpbreaks: pd.DataFrame,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "wbt.csv"
    warpbreaks.assign(t=1.0, logt=0.0).to_csv(path, index=False)
    assert main(["fit", str(path), "breaks ~ wool", "--family", "poisson", "--weights", "t",
                 "--offset", "logt"]) == 0
    out = capsys.readouterr().out
    assert "weights = t" in out and "offset = logt" in out


def test_unknown_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", "nosuchdata", "y ~ x"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("glmformula: error: no bundled dataset named 'nosuchdata'")
    assert "available: " in err and "warpbreaks" in err and "budworm" in err
    assert "Traceback" not in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.csv"
    assert main(["fit", str(missing), "y ~ x"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"glmformula: error: no such file: {missing}" in err


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.csv", ""), ("broken.csv", 'a,b\n1,"2\n3,4\n'), ("broken.parquet", "not parquet")],
)
def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                         content: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    assert main(["fit", str(path), "a ~ b"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"glmformula: error: cannot read {path}")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--family", "poison"], "unknown family 'poison'"),
        (["--family", "poisson", "--link", "logit"], "link 'logit' is not available"),
        (["--family", "binomial"], "y values must be 0 <= y <= 1"),
        (["--family", "poisson", "--offset", "zz"], "offset column 'zz' is not in the data"),
        (["--family", "poisson", "--weights", "wool"], "weights column 'wool' must be numeric"),
    ],
)
def test_model_errors_exit_2(capsys: pytest.CaptureFixture[str], extra: list[str],
                             message: str) -> None:
    assert main(["fit", "warpbreaks", "breaks ~ wool", *extra]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("glmformula: error: ")
    assert message in err


def test_bad_formula_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", "warpbreaks", "breaks ~ wol", "--family", "poisson"]) == 2
    err = capsys.readouterr().err
    assert "column 'wol' is not in the data (did you mean 'wool'?)" in err


def test_warnings_go_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sep.csv"
    pd.DataFrame({"y": [0, 0, 0, 0, 1, 1, 1, 1], "x": range(8)}).to_csv(path, index=False)
    assert main(["fit", str(path), "y ~ x", "--family", "binomial"]) == 0
    out, err = capsys.readouterr()
    assert "Warning: glm.fit: fitted probabilities numerically 0 or 1 occurred" in err
    assert "Coefficients:" in out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["fit", "warpbreaks"])
    assert info.value.code == 2
    assert "the following arguments are required: formula" in capsys.readouterr().err


def test_read_data_sources(tmp_path: Path, warpbreaks: pd.DataFrame) -> None:
    frame, name = read_data("warpbreaks")
    pd.testing.assert_frame_equal(frame, warpbreaks)
    assert name == "warpbreaks"
    path = tmp_path / "x.pq"
    warpbreaks.to_parquet(path)
    frame, name = read_data(str(path))
    assert name == "x"
    pd.testing.assert_frame_equal(frame, warpbreaks)


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env,
                          check=False)


def test_python_dash_m(tmp_path: Path) -> None:
    result = _run([sys.executable, "-m", "glmformula", *ARGS])
    assert result.returncode == 0, result.stderr
    for line in WARPBREAKS_TABLE:
        assert line in result.stdout
    assert "AIC: 493.06" in result.stdout
    assert "Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1" in result.stdout


def test_python_dash_m_error_status() -> None:
    result = _run([sys.executable, "-m", "glmformula", "fit", "nosuchdata", "y ~ x"])
    assert result.returncode == 2
    assert result.stdout == ""
    assert "glmformula: error: no bundled dataset named 'nosuchdata'" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_script_is_declared() -> None:
    scripts = metadata.entry_points(group="console_scripts")
    (entry,) = [e for e in scripts if e.name == "glmformula"]
    assert entry.value == "glmformula.cli:run"
    assert entry.load() is run


def test_console_script_runs() -> None:
    script = Path(sys.executable).with_name("glmformula")
    if not script.is_file():
        pytest.skip(f"no console script next to {sys.executable} (package not installed)")
    result = _run([str(script), *ARGS])
    assert result.returncode == 0, result.stderr
    for line in WARPBREAKS_TABLE:
        assert line in result.stdout
    assert "AIC: 493.06" in result.stdout


# --- output formats and extra tables ------------------------------------------------


def test_format_text_is_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--format", "text"]) == 0
    out = capsys.readouterr().out
    m = gf.glm("breaks ~ wool + tension", gf.datasets.load("warpbreaks"), "poisson",
               data_name="warpbreaks")
    assert out == f"{m.summary()}\n"


@pytest.mark.parametrize(
    ("fmt", "method", "marker"),
    [("markdown", "to_markdown", "|:"), ("html", "to_html", "<table>"),
     ("latex", "to_latex", "\\begin{tabular}")],
)
def test_format_option(capsys: pytest.CaptureFixture[str], fmt: str, method: str,
                       marker: str) -> None:
    assert main([*ARGS, "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    m = gf.glm("breaks ~ wool + tension", gf.datasets.load("warpbreaks"), "poisson",
               data_name="warpbreaks")
    assert out == getattr(m.summary(), method)() + "\n"
    assert marker in out
    assert "3.69196" in out and "493.06" in out


def test_bad_format_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([*ARGS, "--format", "pdf"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --format: invalid choice: 'pdf'" in err


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "latex"])
def test_anova_option(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    assert main([*ARGS, "--anova", "--format", fmt]) == 0
    out = capsys.readouterr().out
    m = gf.glm("breaks ~ wool + tension", gf.datasets.load("warpbreaks"), "poisson",
               data_name="warpbreaks")
    table = gf.anova(m)
    expected = table.to_text() if fmt == "text" else getattr(table, f"to_{fmt}")()
    assert expected in out
    assert out.index("Coefficients") < out.index("Analysis of Deviance Table")
    assert "16.039" in out and "70.942" in out


def test_anova_text_matches_print(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--anova"]) == 0
    out = capsys.readouterr().out
    m = gf.glm("breaks ~ wool + tension", gf.datasets.load("warpbreaks"), "poisson",
               data_name="warpbreaks")
    assert out == f"{m.summary()}\n\n{gf.anova(m)}\n"


@pytest.mark.parametrize(("fmt", "marker"), [("text", "conf.high"), ("markdown", "| term"),
                                             ("html", "<td>woolB"), ("latex", "conf.low")])
def test_exponentiate_option(capsys: pytest.CaptureFixture[str], fmt: str,
                             marker: str) -> None:
    assert main([*ARGS, "--exponentiate", "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert marker in out
    # exp(-0.20599) = 0.81384: the rate ratio for wool B, with its profile interval
    assert "0.81384" in out
    assert "0.73546" in out and "0.90027" in out
    assert "40.124" in out  # exp(intercept)
    assert out.index("AIC") < out.index("0.81384")


def test_exponentiate_after_anova(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--anova", "--exponentiate"]) == 0
    out = capsys.readouterr().out
    assert out.index("AIC: 493.06") < out.index("Analysis of Deviance") < out.index("conf.low")


def test_explain_unavailable(monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from glmformula.result import GLMResult

    original = GLMResult.summary
    monkeypatch.setattr(GLMResult, "summary", lambda self: original(self))
    assert main([*ARGS, "--explain"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "--explain is not available in this version" in err
    assert "Traceback" not in err


def test_explain_passed_to_summary(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from glmformula.result import GLMResult

    original = GLMResult.summary
    calls: list[bool] = []

    def summary(self: GLMResult, explain: bool = False) -> object:
        calls.append(explain)
        return original(self)

    monkeypatch.setattr(GLMResult, "summary", summary)
    assert main([*ARGS, "--explain"]) == 0
    assert calls[0] is True
    assert "Coefficients:" in capsys.readouterr().out


def test_explain_with_installed_summary(capsys: pytest.CaptureFixture[str]) -> None:
    import inspect

    from glmformula.result import GLMResult

    status = main([*ARGS, "--explain"])
    out, err = capsys.readouterr()
    if "explain" in inspect.signature(GLMResult.summary).parameters:
        assert status == 0
        assert "Coefficients:" in out
    else:
        assert status == 2
        assert "--explain is not available in this version" in err


def test_dask_option_fits_a_parquet_glob(tmp_path: Path, warpbreaks: pd.DataFrame,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("dask.dataframe")
    warpbreaks.iloc[:30].to_parquet(tmp_path / "wb-1.parquet")
    warpbreaks.iloc[30:].to_parquet(tmp_path / "wb-2.parquet")
    args = ["fit", str(tmp_path / "wb-*.parquet"), "breaks ~ wool + tension", "--family",
            "poisson", "--dask"]
    assert main(args) == 0
    out = capsys.readouterr().out
    for line in WARPBREAKS_TABLE:
        assert line in out
    assert "data = wb)" in out and "AIC: 493.06" in out


def test_the_quick_exit_keeps_the_output_and_the_status(tmp_path: Path) -> None:
    # stdout to a file is block-buffered: everything must be flushed before the exit
    out = tmp_path / "summary.txt"
    with out.open("w") as sink:
        done = subprocess.run([sys.executable, "-m", "glmformula", *ARGS], stdout=sink,
                              stderr=subprocess.PIPE, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "AIC: 493.06" in out.read_text()
    failed = subprocess.run([sys.executable, "-m", "glmformula", "fit", "warpbreaks",
                             "breaks ~ nothere", "--family", "poisson"],
                            capture_output=True, text=True, check=False, timeout=120)
    assert failed.returncode == 2
    assert "glmformula: error:" in failed.stderr
