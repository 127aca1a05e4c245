"""Formulas are code: safe mode (``glm(..., safe=True)``, the command line's default)
evaluates only column names, numbers, arithmetic and a fixed list of functions, refuses
anything else before anything is evaluated, and never reads the caller's variables."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import glmformula as gf
from glmformula.cli import main
from glmformula.design import build_design
from glmformula.errors import ArgumentTypeError, FormulaError


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 40
    x = rng.uniform(0.5, 5, n).round(3)
    return pd.DataFrame({
        "y": rng.poisson(np.exp(0.2 + 0.3 * x)).astype(float), "x": x,
        "t": rng.uniform(1, 3, n).round(3), "g": rng.choice(["a", "b", "c"], n),
        "s": rng.integers(0, 6, n).astype(float),
    }).assign(f=lambda d: 6 - d["s"])


def _marker_formula(path: Path) -> str:
    return f"y ~ I(__import__('os').system('touch {path}'))"


def test_cli_refuses_code_and_runs_nothing(tmp_path: Path, frame: pd.DataFrame,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data, marker = tmp_path / "d.csv", tmp_path / "created-by-formula"
    frame.to_csv(data, index=False)
    assert main(["fit", str(data), _marker_formula(marker)]) == 2
    err = capsys.readouterr().err
    assert not marker.exists()
    assert "a call to __import__()" in err
    assert "--unsafe-formula" in err


def test_cli_unsafe_flag_allows_any_python(tmp_path: Path, frame: pd.DataFrame,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    frame.to_csv(data, index=False)
    formula = "y ~ I(x.__abs__())"
    assert main(["fit", str(data), formula]) == 2
    assert "an attribute access (.__abs__)" in capsys.readouterr().err
    assert main(["fit", str(data), formula, "--unsafe-formula"]) == 0
    assert "I(x.__abs__())" in capsys.readouterr().out


def test_cli_help_says_the_flag_allows_arbitrary_code(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["fit", "--help"])
    assert "arbitrary code" in " ".join(capsys.readouterr().out.split())


def test_stateful_transform_arguments_are_not_evaluated_while_parsing(
        tmp_path: Path, frame: pd.DataFrame) -> None:
    """formulaic evaluates a stateful transform's arguments as it parses: the check comes
    first."""
    marker = tmp_path / "created-while-parsing"
    with pytest.raises(FormulaError, match=r"a call to __import__\(\)"):
        gf.glm(f"y ~ scale(__import__('os').system('touch {marker}'))", frame, safe=True)
    assert not marker.exists()


@pytest.mark.parametrize(("formula", "construct"), [
    ("y ~ I(__import__('os').getcwd())", "a call to __import__()"),
    ("y ~ I(x.__class__)", "an attribute access (.__class__)"),
    ("y ~ x + np", "the name 'np'"),
    ("y ~ I(x + __import__)", "the name '__import__'"),
    ("y ~ I(x[0] + x)", "indexing ([...])"),
    ("y ~ I((lambda v: v)(x))", "a lambda function"),
    ("y ~ I(sum([v for v in x]))", "a call to sum()"),
    ("y ~ I(x if True else x)", "a conditional expression"),
    ("y ~ np.load('f.npy')", "a call to np.load()"),
    ("y ~ I(getattr(x, 'real'))", "a call to getattr()"),
    ("y ~ open('f')", "a call to open()"),
    ("y ~ I(x) + Q('x')", "a call to Q()"),
    ("y ~ I(x and x)", "'and'/'or'"),
    ("y ~ np.log(**{'x': x})", "keyword unpacking (**)"),
    ("y ~ x + offset(eval('t'))", "a call to eval()"),
    ("eval('y') ~ x", "a call to eval()"),
    ("y ~ poly(x, *[2])", "argument unpacking (*)"),
])
def test_safe_mode_names_the_construct_it_refuses(frame: pd.DataFrame, formula: str,
                                                  construct: str) -> None:
    with pytest.raises(FormulaError) as info:
        gf.glm(formula, frame, safe=True)
    message = str(info.value)
    assert construct in message
    assert "safe=False" in message


SAFE_FORMULAS = [
    "y ~ log(x) + exp(x / 10) + sqrt(x) + np.log1p(x) + numpy.log2(x) + I(x^2) + I(-x)",
    "y ~ I(x > 3) + abs(x - 2) + log10(x) + np.exp(x / 10)",
    "y ~ poly(x, 2) + scale(x) + center(t) + C(g, contr.sum) + factor(g)",
    "y ~ bs(x, df=4) + g:x",
    "y ~ x + offset(log(t))",
    "cbind(s, f) ~ x + g",
    "log(y + 1) ~ x * g",
]


@pytest.mark.parametrize("formula", SAFE_FORMULAS)
def test_safe_mode_fits_what_it_allows_as_unsafe_mode_does(frame: pd.DataFrame,
                                                          formula: str) -> None:
    family = "binomial" if formula.startswith("cbind") else "gaussian"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        safe = gf.glm(formula, frame, family=family, safe=True)
        unsafe = gf.glm(formula, frame, family=family)
    pd.testing.assert_series_equal(safe.coef, unsafe.coef)
    assert safe.design.safe and not unsafe.design.safe


def test_safe_mode_does_not_read_the_callers_variables(frame: pd.DataFrame) -> None:
    def fit(safe: bool) -> str:
        secret = "s3cr3t-token-value"  # noqa: F841 - read by the formula, or not
        try:
            gf.glm("y ~ x + I(secret)", frame, safe=safe)
        except Exception as error:  # the message is what is checked
            return str(error)
        return ""

    message = fit(True)
    assert "column 'secret' is not in the data" in message  # not read: unknown
    assert "s3cr3t" not in message


def test_an_explicit_context_is_trusted(frame: pd.DataFrame) -> None:
    def double(v: np.ndarray) -> np.ndarray:
        return 2 * np.asarray(v)

    m = gf.glm("y ~ I(k * x) + double(t)", frame, safe=True,
               context={"k": 3.0, "double": double})
    assert list(m.coef.index) == ["(Intercept)", "I(k * x)", "double(t)"]


def test_safe_fit_predicts_and_keeps_its_setting(frame: pd.DataFrame) -> None:
    m = gf.glm("y ~ log(x) + g", frame, family="poisson", safe=True)
    assert m.design.safe
    unsafe = gf.glm("y ~ log(x) + g", frame, family="poisson")
    new = frame.iloc[:5]
    np.testing.assert_allclose(m.predict(new).to_numpy(), unsafe.predict(new).to_numpy())


def test_safe_structured_path(frame: pd.DataFrame) -> None:
    d = build_design("y ~ x + g", frame, structured=True, safe=True)
    assert d.safe and not isinstance(d.X, np.ndarray)
    with pytest.raises(FormulaError, match="a call to open"):
        build_design("y ~ x + open('f')", frame, structured=True, safe=True)


def test_a_prototype_passes_its_setting_on(frame: pd.DataFrame) -> None:
    proto = build_design("y ~ x + g", frame.iloc[:10], safe=True)
    assert build_design("y ~ x + g", frame, prototype=proto).safe


def test_glm_nb_safe(frame: pd.DataFrame) -> None:
    with pytest.raises(FormulaError, match="a call to open"):
        gf.glm_nb("y ~ x + open('f')", frame, safe=True)
    assert gf.glm_nb("y ~ log(x)", frame, safe=True).design.safe


def test_safe_must_be_a_bool(frame: pd.DataFrame) -> None:
    with pytest.raises(ArgumentTypeError, match="safe must be True or False"):
        gf.glm("y ~ x", frame, safe="yes")  # type: ignore[arg-type]


def test_safe_is_keyword_only(frame: pd.DataFrame) -> None:
    with pytest.raises(TypeError):
        gf.glm("y ~ x", frame, "gaussian", None, None, None, None, None, None, None, None,
               None, True)  # type: ignore[misc]


def test_unsafe_mode_still_names_unknown_columns_and_functions(frame: pd.DataFrame) -> None:
    with pytest.raises(gf.errors.DataError, match="'z' is not in the data"):
        gf.glm("y ~ x + z", frame)
    with pytest.raises(FormulaError, match="unknown function 'foo'"):
        gf.glm("y ~ foo(x)", frame, context={})


def test_selection_refits_stay_safe() -> None:
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool + tension", wb, family="poisson", safe=True)
    best = gf.step(m, scope="~ wool * tension", data=wb, trace=False)
    assert best.design.safe
    with pytest.raises(FormulaError, match="a call to open"):
        gf.add1(m, "~ wool * tension + open('f')", data=wb)


def test_safe_mode_on_a_dask_frame(frame: pd.DataFrame, tmp_path: Path) -> None:
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(frame, npartitions=2)
    marker = tmp_path / "created-by-a-partition"
    with pytest.raises(FormulaError, match=r"a call to __import__\(\)"):
        gf.glm(_marker_formula(marker), ddf, safe=True)
    assert not marker.exists()
    assert gf.glm("y ~ log(x) + g", ddf, family="poisson", safe=True).design.safe
