"""Every bundled dataset loads with its documented dtypes and fits its suggested model."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import glmformula as gf
from glmformula.cli import main

META = gf.datasets.metadata()
NAMES = sorted(META)


def test_at_least_twenty_datasets() -> None:
    assert len(NAMES) >= 20
    listing = gf.datasets.list()
    assert sorted(listing["name"]) == NAMES
    assert list(listing.columns) == [
        "name", "title", "rows", "suggested_formula", "suggested_family"]


@pytest.mark.parametrize("name", NAMES)
def test_dataset_loads_with_documented_dtypes(name: str) -> None:
    meta = META[name]
    for key in ("title", "description", "source", "license", "n_rows", "columns",
                "suggested_model"):
        assert meta.get(key) not in (None, ""), key
    frame = gf.datasets.load(name)
    assert len(frame) == meta["n_rows"]
    assert list(frame.columns) == list(meta["columns"])
    for column, info in meta["columns"].items():
        assert info["description"]
        series = frame[column]
        if info["dtype"] == "category":
            assert isinstance(series.dtype, pd.CategoricalDtype), column
            assert series.cat.categories.tolist() == info["levels"], column
            assert series.cat.ordered == bool(info.get("ordered", False)), column
            assert not series.isna().any(), f"{column}: values outside the listed levels"
        elif info["dtype"] == "int":
            assert series.dtype in (np.int64, np.float64), column
            if not series.isna().any():
                assert series.dtype == np.int64, column
        elif info["dtype"] == "float":
            assert series.dtype == np.float64, column
        else:
            raise AssertionError(f"unexpected dtype {info['dtype']!r}")


@pytest.mark.parametrize("name", NAMES)
def test_suggested_model_fits(name: str) -> None:
    model = META[name]["suggested_model"]
    frame = gf.datasets.load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = gf.glm(model["formula"], frame, family=model["family"], data_name=name)
    assert fit.converged
    assert np.isfinite(fit.deviance)
    assert np.all(np.isfinite(fit.coef.to_numpy()))


def test_cli_datasets_lists_every_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["name", "title", "rows"]
    body = "\n".join(lines[2:])
    for name in NAMES:
        assert any(line.split()[0] == name for line in lines[2:]), name
    assert "breaks ~ wool + tension" in body
    assert "poisson" in body
