"""Optional dependencies: "missing" only when the module is not installed.

A module that is installed but fails to import (pyarrow built for numpy 2
under numpy 1.26, say) is reported with its real import error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from glmformula.optional import optional_dependency_message

BROKEN = "raise ImportError('pyarrow requires NumPy 2.0 or newer, found 1.26.4')\n"


def _broken_package(root: Path, name: str) -> Path:
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text(BROKEN)
    return root


def test_missing_module_names_the_extra():
    message = optional_dependency_message("no_such_module_xyz", "reading Parquet", "parquet")
    assert message == 'reading Parquet needs no_such_module_xyz: pip install "glmformula[parquet]"'


def test_blocked_module_counts_as_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert "pip install" in optional_dependency_message("pyarrow", "reading Parquet", "parquet")


def test_installed_but_broken_module_names_the_import_error(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(_broken_package(tmp_path, "brokenmod_xyz")))
    message = optional_dependency_message("brokenmod_xyz", "reading Parquet", "parquet")
    assert "installed but cannot be imported" in message
    assert "requires NumPy 2.0 or newer, found 1.26.4" in message
    assert "pip install" not in message


def test_importable_module_reports_the_original_error():
    message = optional_dependency_message("json", "reading Parquet", "parquet",
                                          ImportError("pyarrow 9 is too old"))
    assert message == "reading Parquet failed: pyarrow 9 is too old"


def _cli_with_broken_pyarrow(tmp_path, *options):
    """`glmformula fit <a Parquet file> "y ~ x" *options` where pyarrow cannot be imported."""
    data = tmp_path / "wb.parquet"
    pd.DataFrame({"y": [1.0, 2.0, 4.0, 3.0], "x": [1.0, 2.0, 3.0, 4.0]}).to_parquet(data)
    (tmp_path / "fake").mkdir()
    fake = _broken_package(tmp_path / "fake", "pyarrow")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(fake), str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "glmformula", "fit", str(data), "y ~ x",
                           *options], capture_output=True, text=True, env=env, timeout=120)


def test_cli_does_not_call_an_unimportable_pyarrow_missing(tmp_path):
    pytest.importorskip("pyarrow")
    run = _cli_with_broken_pyarrow(tmp_path)
    assert run.returncode != 0
    assert "installed but cannot be imported" in run.stderr, run.stderr
    assert "requires NumPy 2.0 or newer" in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_dask_with_an_unimportable_pyarrow_is_a_clear_error(tmp_path):
    pytest.importorskip("pyarrow")
    pytest.importorskip("dask")
    run = _cli_with_broken_pyarrow(tmp_path, "--dask")
    assert run.returncode != 0
    assert "pyarrow requires NumPy 2.0 or newer" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_parquet_reader_with_an_unimportable_pyarrow_is_a_data_error(tmp_path, monkeypatch):
    from glmformula import chunked_files
    from glmformula.errors import DataError

    monkeypatch.syspath_prepend(str(_broken_package(tmp_path, "brokenarrow_xyz")))
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(DataError, match="reading Parquet files needs pyarrow"):
        chunked_files._import_pyarrow()


def test_plot_with_an_unimportable_pyplot_shows_the_import_error(tmp_path):
    # matplotlib < 3.9 under IPython >= 8.24: matplotlib imports, pyplot does not
    fake = tmp_path / "matplotlib"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "pyplot.py").write_text(
        "raise ImportError(\"cannot import name 'backend2gui' from 'IPython.core.pylabtools'\")\n")
    code = ("import glmformula as gf\n"
            "m = gf.glm('breaks ~ wool', gf.datasets.load('warpbreaks'), 'poisson')\n"
            "try:\n    m.plot()\nexcept ImportError as e:\n    print(e)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(tmp_path), str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert "backend2gui" in run.stdout, run.stdout + run.stderr
    assert "pip install" not in run.stdout
