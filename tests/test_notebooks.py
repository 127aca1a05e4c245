"""The teaching notebooks run: every ``notebooks/*.ipynb`` executes top to bottom without an error.

Each notebook runs in a fresh IPython kernel started with this interpreter (a
kernel spec written to a temporary directory, so no other installed "python3"
kernel is picked up), with ``MPLBACKEND=Agg`` and ``notebooks/`` as the working
directory. The notebooks are stored without outputs; nothing is written back.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
LESSONS = (
    "01_from_linear_models_to_glms.ipynb",
    "02_reading_the_summary.ipynb",
    "03_deviance_and_model_selection.ipynb",
    "04_residuals_and_diagnostics.ipynb",
    "05_overdispersion.ipynb",
    "07_from_coefficients_to_answers.ipynb",
)  # 06 (large data, Dask) is matched by prefix
CELL_TIMEOUT = 120  # seconds per cell


def test_the_lessons_are_there() -> None:
    names = {p.name for p in PATHS}
    assert set(LESSONS) <= names, sorted(set(LESSONS) - names)
    assert any(name.startswith("06_") for name in names)  # a million rows, then beyond memory
    assert len(PATHS) >= 7


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_is_stored_clean(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert sum(cell.cell_type == "markdown" for cell in nb.cells) >= 5


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """A kernel spec manager that knows one kernel, "python3": this interpreter, Agg plots."""
    kernels = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(kernels / "python3", overrides={
        "display_name": "Python 3 (glmformula tests)",
        "env": {"MPLBACKEND": "Agg"},
    })
    manager = KernelSpecManager(kernel_dirs=[str(kernels)], ensure_native_kernel=False)
    assert manager.get_kernel_spec("python3").argv[0] == sys.executable
    return manager


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path: Path, kernel_specs: KernelSpecManager,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=kernel_specs)
    client = NotebookClient(nb, km=km, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)
    errors = [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert not errors
