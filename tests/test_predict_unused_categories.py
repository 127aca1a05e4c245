"""New data whose categorical dtype has categories the fit never saw, but no row uses:
predictions code the rows by the values they hold, as R's factors do, with no warning
(pandas deprecates coding a Categorical by levels that leave out one of its categories)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf


def _with_unused_category() -> pd.DataFrame:
    data = gf.datasets.load("warpbreaks").copy()
    data["tension"] = pd.Categorical(data["tension"].astype(str), ["L", "M", "H", "Z"])
    return data


@pytest.mark.parametrize(("formula", "contrasts"), [
    ("breaks ~ wool + tension", None),
    ("breaks ~ wool + C(tension, sum)", None),
    ("breaks ~ wool * tension", {"tension": "contr.helmert"}),
])
def test_unused_categories_of_new_data_change_nothing(formula: str, contrasts: object) -> None:
    plain = gf.datasets.load("warpbreaks")
    data = _with_unused_category()
    rows = [0, 20, 40, 53]
    expected = gf.glm(formula, plain, family="poisson", contrasts=contrasts).predict(
        newdata=plain.iloc[rows], se_fit=True)
    fit = gf.glm(formula, data, family="poisson", contrasts=contrasts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = fit.predict(newdata=data.iloc[rows], se_fit=True)
    assert_close(np.asarray(got["fit"]), np.asarray(expected["fit"]), 1e-12)
    assert_close(np.asarray(got["se_fit"]), np.asarray(expected["se_fit"]), 1e-12)


def test_a_row_with_a_category_the_fit_never_saw_is_still_refused() -> None:
    data = _with_unused_category()
    fit = gf.glm("breaks ~ wool + tension", data, family="poisson")
    new = data.iloc[:2].copy()
    new["tension"] = pd.Categorical(["L", "Z"], ["L", "M", "H", "Z"])
    with pytest.raises(gf.DataError, match="'Z' not seen when the model was fitted"):
        fit.predict(newdata=new)
