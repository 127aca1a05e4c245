"""A binomial response ``cbind(y, 5)``: R recycles the single number down the rows
(``tests/golden/make_golden_cbind_constant.R``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.errors import DataError

GOLDEN = json.loads((Path(__file__).parent / "golden" / "cbind_constant_golden.json")
                    .read_text(encoding="utf-8"))
DATA = pd.DataFrame(GOLDEN["data"])


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_a_constant_column_of_cbind_is_recycled_as_in_r(case: dict[str, Any]) -> None:
    fit = gf.glm(case["formula"], DATA, family=case["family"])
    assert_close(fit.coef.to_numpy(), case["coefficients"], 1e-8)
    assert_close(fit.std_errors.to_numpy(), case["std_errors"], 1e-8)
    assert_close(fit.deviance, case["deviance"], 1e-8)
    assert_close(fit.null_deviance, case["null_deviance"], 1e-8)
    if case["aic"] is not None:
        assert_close(fit.aic, case["aic"], 1e-8)
    assert fit.call == case["call"].replace("data = d", "data = DATA")


def test_columns_of_different_lengths_are_refused_with_the_fix() -> None:
    with pytest.raises(DataError, match="one value per row"):
        gf.glm("cbind(y, [1, 2]) ~ x", DATA, family="binomial")
