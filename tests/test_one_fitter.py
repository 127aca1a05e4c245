"""One IRLS loop for both data sources: what R's glm.fit does, the same on pandas and Dask.

Before, the Dask path had its own loop: with ``control={"trace": True}`` it printed
the deviance after step halving where R prints it before (golden case
``poisson_identity_step_halving``, iteration 1: R's 13.11141, then "Step halved:
new deviance = 21.7265"; Dask printed 21.726499), and numbers with 8 digits where
R's cat() prints 7. R's error at iteration 1 on both paths: test_irls_invalid_start.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import glmformula as gf

dd = pytest.importorskip("dask.dataframe")
sys.path.insert(0, str(Path(__file__).parent / "golden"))

from compare import case_family, case_frame, load_cases  # noqa: E402

CASES = {case["id"]: case for case in load_cases()}
#: R's trace lines (tests/golden/make_golden_trace.R): the cases that halve the step, and
#: a few plain ones (one with an offset, whose null deviance is a second traced fit)
with open(Path(__file__).parent / "golden" / "trace_golden.json", encoding="utf-8") as handle:
    R_TRACE: dict[str, list[str]] = json.load(handle)["cases"]
TRACED = sorted(R_TRACE)


def _trace(case: dict, chunked: bool) -> str:
    frame = case_frame(case)
    data = dd.from_pandas(frame, npartitions=3) if chunked else frame
    out = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(out):
        warnings.simplefilter("ignore")
        gf.glm(case["formula"], data=data, family=case_family(case), weights=case["weights"],
               offset=case["offset"], start=case["start"],
               control={**case["control"], "trace": True}, context={"np": np})
    return out.getvalue()


@pytest.mark.parametrize("chunked", [False, True], ids=["pandas", "dask"])
@pytest.mark.parametrize("case_id", TRACED)
def test_trace_output_is_rs_on_both_paths(case_id: str, chunked: bool) -> None:
    """R prints the deviance before step halving ('Deviance = 13.11141 Iterations - 1'),
    then 'Step halved: new deviance = 21.7265', numbers as its cat() prints them."""
    assert _trace(CASES[case_id], chunked).splitlines() == R_TRACE[case_id]


DATA = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "x": [1.0, 2, 3, 4, 5, 6]})


@pytest.mark.parametrize("family", ["poisson(link = 'sqrt')", "gaussian(link = 'inverse')"])
def test_invalid_start_is_rs_error_on_both_paths_without_numpy_warnings(family: str) -> None:
    """eta = 0 is outside these links' domain: R's error, before the inverse link divides by
    0 (on Dask it was evaluated first, with numpy's RuntimeWarning)."""
    for data in (DATA, dd.from_pandas(DATA, npartitions=2)):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            with pytest.raises(gf.FitError, match="cannot find valid starting values"):
                gf.glm("y ~ x", data=data, family=family, start=[0, 0])
