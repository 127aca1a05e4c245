"""Files and Dask frames as chunked inputs: every row is used, or the error names the file."""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula import chunked_files
from glmformula.cli import main
from glmformula.errors import DataError

dd = pytest.importorskip("dask.dataframe")
pytest.importorskip("pyarrow")

RTOL = 1e-10


def _frame(n: int = 300, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"x": rng.normal(size=n), "g": rng.choice(["a", "b", "c"], size=n),
                       "k": rng.integers(0, 5, size=n)})
    df["y"] = rng.poisson(np.exp(0.3 + 0.2 * df.x + 0.1 * df.k))
    return df


def _write(directory, parts, kind="parquet") -> None:
    directory.mkdir(exist_ok=True)
    for i, part in enumerate(parts):
        if kind == "parquet":
            part.to_parquet(directory / f"part{i}.parquet")
        else:
            part.to_csv(directory / f"part{i}.csv", index=False)


def _thirds(df: pd.DataFrame) -> list[pd.DataFrame]:
    return [df.iloc[:100], df.iloc[100:200], df.iloc[200:]]


def _same_fit(m0: gf.GLMResult, m1: gf.GLMResult) -> None:
    assert_close(m1.coef, m0.coef, rtol=RTOL)
    assert_close(m1.deviance, m0.deviance, rtol=RTOL)
    assert (m1.n_rows, m1.nobs, m1.design.n_dropped) == (m0.n_rows, m0.nobs, m0.design.n_dropped)


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_a_file_lacking_a_model_column_is_an_error_naming_it(tmp_path, kind):
    df = _frame()
    parts = _thirds(df)
    parts[1] = parts[1].drop(columns="x")  # not the first file: its rows were lost
    _write(tmp_path / "d", parts, kind)
    with pytest.raises(DataError, match=r"part1\.\w+ lacks the column\(s\) 'x'"):
        gf.glm("y ~ x", data=str(tmp_path / "d" / f"*.{kind}"), family="poisson")
    # a column the model does not use may be absent
    m = gf.glm("y ~ g", data=str(tmp_path / "d" / f"*.{kind}"), family="poisson")
    assert m.n_rows == len(df)


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_text_in_one_file_and_numbers_in_another_is_an_error(tmp_path, kind):
    df = _frame()
    parts = _thirds(df)
    parts[1] = parts[1].assign(g=(parts[1].g == "a").astype(int))  # extra levels 0 and 1
    _write(tmp_path / "d", parts, kind)
    with pytest.raises(DataError, match=r"column 'g' holds text .* in file \S*part0\.\w+ but "
                                        r"numbers \(int64\) in file \S*part1"):
        gf.glm("y ~ x + g", data=str(tmp_path / "d" / f"*.{kind}"), family="poisson")


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_integers_in_one_file_and_floats_in_another_fit_as_numbers(tmp_path, kind):
    df = _frame()
    parts = _thirds(df)
    parts[1] = parts[1].assign(k=parts[1].k + 0.5)
    parts[2] = parts[2].assign(k=parts[2].k.where(parts[2].index % 7 > 0))  # NA: floats
    _write(tmp_path / "d", parts, kind)
    whole = pd.concat(parts)
    m0 = gf.glm("y ~ x + k", data=whole, family="poisson")
    m1 = gf.glm("y ~ x + k", data=str(tmp_path / "d" / f"*.{kind}"), family="poisson")
    _same_fit(m0, m1)
    assert m1.n_rows + m1.design.n_dropped == len(df)  # every row of every file


@pytest.mark.parametrize("kind", ["parquet", "csv"])
@pytest.mark.parametrize("damage,message", [
    ("empty", r"part1\.\w+ is empty \(0 bytes\)"),
    ("garbage", r"part1\.(parquet is not a Parquet file|csv (cannot be read as CSV|is not a CSV))"),
    ("truncated", r"part1\.(parquet is not a Parquet file|csv)"),
])
def test_damaged_files_are_errors_naming_the_file(tmp_path, kind, damage, message):
    df = _frame()
    _write(tmp_path / "d", _thirds(df), kind)
    path = tmp_path / "d" / f"part1.{kind}"
    content = path.read_bytes()
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "garbage":
        path.write_bytes(bytes(range(256)) * 20)
    else:
        path.write_bytes(content[: len(content) // 2] + (b'"' if kind == "csv" else b""))
    with pytest.raises(DataError, match=message):
        gf.glm("y ~ x", data=str(tmp_path / "d" / f"*.{kind}"), family="poisson")
    status, err = _cli(str(tmp_path / "d"), "y ~ x")
    assert status == 2 and re.search(message, err), err


def _cli(data: str, formula: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["fit", data, formula, "--family", "poisson", "--dask"])
    return status, err.getvalue()


def test_a_directory_of_files_is_read_as_dask_reads_it(tmp_path, capsys):
    df = _frame()
    _write(tmp_path / "pq", _thirds(df))
    (tmp_path / "pq" / "_SUCCESS").write_text("")  # as Spark leaves it: skipped
    m0 = gf.glm("y ~ x + g", data=df, family="poisson")
    for source in (tmp_path / "pq", f"{tmp_path / 'pq'}/"):
        _same_fit(m0, gf.glm("y ~ x + g", data=str(source), family="poisson"))
    assert main(["fit", str(tmp_path / "pq"), "y ~ x + g", "--family", "poisson",
                 "--dask"]) == 0
    assert "Residual deviance" in capsys.readouterr().out
    _write(tmp_path / "csv", _thirds(df), "csv")
    _same_fit(m0, gf.glm("y ~ x + g", data=str(tmp_path / "csv"), family="poisson"))


def test_directories_that_cannot_be_read_say_what_to_pass(tmp_path):
    df = _frame()
    _write(tmp_path / "d", _thirds(df))
    (tmp_path / "d" / "notes.txt").write_text("not data")
    with pytest.raises(DataError, match=r"notes\.txt is neither Parquet .* glob .*\*\.parquet"):
        gf.glm("y ~ x", data=str(tmp_path / "d"), family="poisson")
    _write(tmp_path / "d2", _thirds(df)[:1], "csv")
    df.to_parquet(tmp_path / "d2" / "more.parquet")
    with pytest.raises(DataError, match="mixes Parquet and CSV"):
        gf.glm("y ~ x", data=str(tmp_path / "d2"), family="poisson")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="has no data files"):
        gf.glm("y ~ x", data=str(tmp_path / "empty"), family="poisson")
    (tmp_path / "d" / "sub.parquet").mkdir()
    with pytest.raises(DataError, match="is a directory"):
        gf.glm("y ~ x", data=str(tmp_path / "d" / "*.parquet"), family="poisson")
    status, err = _cli(str(tmp_path / "empty"), "y ~ x")
    assert status == 2 and "has no data files" in err
    for source in (tmp_path / "d", tmp_path / "d" / "*.parquet"):  # without --dask
        err_text = io.StringIO()
        with contextlib.redirect_stderr(err_text):
            assert main(["fit", str(source), "y ~ x"]) == 2
        assert "add --dask" in err_text.getvalue()  # was: no bundled dataset / no such file


def test_every_row_of_every_file_is_used_or_dropped_as_na(tmp_path):
    df = _frame(900)
    df.loc[[5, 400, 850], "x"] = np.nan
    parts = [df.iloc[:500], df.iloc[500:]]
    parts[1] = parts[1].assign(x=np.nan)  # a file with no value of x: arrow type null in it
    parts[1].loc[parts[1].index[:3], "x"] = None
    (tmp_path / "d").mkdir()
    parts[0].to_parquet(tmp_path / "d" / "a.parquet", row_group_size=120)  # 5 row groups
    parts[1].assign(x=pd.Series([None] * len(parts[1]), dtype=object, index=parts[1].index)
                    ).to_parquet(tmp_path / "d" / "b.parquet")
    m1 = gf.glm("y ~ x + g", data=str(tmp_path / "d" / "*.parquet"), family="poisson")
    m0 = gf.glm("y ~ x + g", data=pd.concat(parts), family="poisson")
    _same_fit(m0, m1)
    assert m1.n_rows == 500 - 2 and m1.design.n_dropped == 400 + 2
    fitted = m1.fitted.compute()
    pd.testing.assert_series_equal(fitted, m0.fitted, rtol=1e-10)  # the files' row labels


def test_large_csv_files_are_read_in_blocks_each_checked(tmp_path, monkeypatch):
    df = _frame(2000)
    df.to_csv(tmp_path / "big.csv", index=False)
    monkeypatch.setattr(chunked_files, "CSV_BLOCK", 7000)
    m1 = gf.glm("y ~ x + g + k", data=str(tmp_path / "big.csv"), family="poisson")
    assert m1.rows.source.ddf.npartitions > 5
    _same_fit(gf.glm("y ~ x + g + k", data=df, family="poisson"), m1)
    bad = df.astype({"k": object})
    bad.loc[1500, "k"] = "five"  # text far beyond the first rows
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match=r"column 'k' holds text \(\w+\) from byte \d+ of file "
                                        r"\S*bad\.csv but numbers"):
        gf.glm("y ~ x + k", data=str(tmp_path / "bad.csv"), family="poisson")


def test_dask_partitions_with_text_and_numbers_in_one_column_are_an_error():
    import dask

    frames = _thirds(_frame())
    frames[2] = frames[2].assign(g=(frames[2].g == "a").astype(int))  # as a reader may give
    ddf = dd.from_delayed([dask.delayed(f.copy)() for f in frames], meta=frames[0].iloc[:0],
                          verify_meta=False)
    with pytest.raises(DataError, match=r"column 'g' holds text in partition 0 but numbers in "
                                        r"partition 2"):
        gf.glm("y ~ x + g", data=ddf, family="poisson")


def test_dot_formula_uses_every_column_on_dask(tmp_path):
    df = _frame()
    m0 = gf.glm("y ~ .", data=df, family="poisson")
    assert m0.column_names == ["(Intercept)", "x", "gb", "gc", "k"]
    _same_fit(m0, gf.glm("y ~ .", data=dd.from_pandas(df, npartitions=3), family="poisson"))
    _write(tmp_path / "d", _thirds(df))
    _same_fit(m0, gf.glm("y ~ .", data=str(tmp_path / "d"), family="poisson"))
