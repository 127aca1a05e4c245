"""The command line imports and sets up only what a small fit uses (its start-up time)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

import pytest

from glmformula.cli import import_paused, main

FIT = ["fit", "warpbreaks", "breaks ~ wool + tension", "--family", "poisson"]


def _modules_after(code: str) -> set[str]:
    """The modules imported by ``code`` in a fresh interpreter."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_command_imports_nothing_heavy() -> None:
    modules = _modules_after("import glmformula.cli")
    for heavy in ("pandas", "numpy", "scipy", "formulaic", "tabmat", "polars"):
        assert heavy not in modules, heavy


def test_a_small_fit_on_the_command_line_leaves_out_what_it_does_not_use() -> None:
    modules = _modules_after(
        "import contextlib, io\n"
        "from glmformula.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({FIT!r}) == 0")
    for unused in ("scipy.stats", "scipy.optimize", "tabmat", "polars", "matplotlib",
                   "dask", "glmformula.anova", "tabulate",
                   # BLAS runs a small fit's work on one thread anyway: no thread limit
                   "threadpoolctl",
                   # the chunked reader and brglm2's adjustments: a pandas fit by glm.fit
                   "glmformula.chunked_source", "glmformula.chunked_files",
                   "glmformula.brglm_adjustments",
                   # the separation check's linear program (binomial fits only) and the
                   # subset= reader (a fit given subset= only)
                   "glmformula.separation", "glmformula.rows_subset"):
        assert unused not in modules, unused


def test_a_binomial_fit_at_the_boundary_still_finds_separation() -> None:
    import numpy as np
    import pandas as pd

    import glmformula as gf
    from glmformula.errors import BoundaryWarning, SeparationWarning

    data = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": np.arange(6.0)})
    with pytest.warns(SeparationWarning), pytest.warns(BoundaryWarning):
        fit = gf.glm("y ~ x", data, family="binomial")
    assert fit.infinite_estimates is not None
    assert fit.infinite_estimates["x"] == "+Inf"


def test_the_imports_pause_the_collector_and_restore_it() -> None:
    assert gc.isenabled()
    main(FIT)  # the heavy modules are imported by now (here or by an earlier test)
    assert gc.isenabled()
    gc.disable()
    try:
        import_paused(["glmformula.anova"])
        assert not gc.isenabled()  # a caller's disabled collector stays disabled
    finally:
        gc.enable()


def test_a_fresh_command_freezes_what_its_imports_made() -> None:
    done = subprocess.run(
        [sys.executable, "-c",
         "import contextlib, gc, io, json\n"
         "from glmformula.cli import main\n"
         "with contextlib.redirect_stdout(io.StringIO()):\n"
         f"    main({FIT!r})\n"
         "print(json.dumps([gc.isenabled(), gc.get_freeze_count()]))"],
        capture_output=True, text=True, check=True)
    enabled, frozen = json.loads(done.stdout.strip().splitlines()[-1])
    assert enabled
    assert frozen > 10_000


@pytest.mark.parametrize("command", [["datasets"], FIT])
def test_the_command_prints_the_same_in_a_fresh_process(command: list[str],
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    assert main(command) == 0
    here = capsys.readouterr().out
    done = subprocess.run([sys.executable, "-m", "glmformula", *command],
                          capture_output=True, text=True, check=True)
    assert done.stdout == here
