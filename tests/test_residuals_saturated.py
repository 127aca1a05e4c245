"""A fit with no residual degree of freedom: R's ``residuals.glm`` gives deviance residuals
of exactly 0 (``rep.int(0, length(mu))``), whatever rounding leaves in the fitted means."""

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf


@pytest.mark.parametrize("family", ["poisson", "gaussian", "Gamma"])
def test_deviance_residuals_are_zero_without_residual_df(family: str) -> None:
    data = pd.DataFrame({"y": [1.0, 3.0, 2.0], "g": ["a", "b", "c"]})
    m = gf.glm("y ~ g", data=data, family=family)
    assert m.df_residual == 0
    assert np.array_equal(m.residuals("deviance").to_numpy(), np.zeros(3))
    # the other types keep R's formulas (the response residuals are y - mu)
    np.testing.assert_allclose(m.residuals("response").to_numpy(), data["y"] - m.fitted,
                               atol=1e-12)


def test_zero_weight_rows_do_not_count_as_residual_df() -> None:
    data = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0], "g": ["a", "b", "c", "c"],
                         "w": [1.0, 1.0, 1.0, 0.0]})
    m = gf.glm("y ~ g", data=data, family="poisson", weights="w")
    assert m.df_residual == 0
    assert np.array_equal(m.residuals().to_numpy(), np.zeros(4))


def test_deviance_residuals_with_residual_df_are_unchanged() -> None:
    data = pd.DataFrame({"y": [1.0, 3.0, 2.0, 4.0], "x": [1.0, 2.0, 3.0, 4.0]})
    m = gf.glm("y ~ x", data=data, family="poisson")
    d = m.residuals().to_numpy()
    assert np.all(np.abs(d) > 1e-3)
    assert_close(np.sum(d ** 2), m.deviance, rtol=1e-12)
