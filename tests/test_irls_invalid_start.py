"""Starting values from which IRLS cannot make a first step: FitError with R's text.

R's glm.fit stops with "cannot find valid starting values: please specify some"
when the start gives invalid eta or mu; from a start where no row is informative
(dmu/deta = 0) or the working values are not finite it fails as well (R gives
"object 'fit' not found" and "NA/NaN/Inf in 'x'"). glmformula raised a bare
AssertionError or UnboundLocalError there.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import glmformula as gf
from glmformula.families_extra import Tweedie

DATA = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "x": [1.0, 2, 3, 4, 5]})
R_TEXT = "cannot find valid starting values: please specify some"


@pytest.mark.parametrize("chunked", [False, True], ids=["pandas", "dask"])
@pytest.mark.parametrize(("family", "reason"), [
    (Tweedie(0, link_power=0.5), "no observations informative at iteration 1"),
    (Tweedie(0, link_power=-1), "non-finite coefficients at iteration 1"),
    (Tweedie(1.5), "non-finite coefficients at iteration 1"),
])
def test_start_without_a_first_step_is_a_fit_error(family: gf.families.Family,
                                                    reason: str, chunked: bool) -> None:
    """The same on Dask partitions (there, non-finite coefficients at iteration 1 gave a
    fit at the start values with a warning)."""
    data = pytest.importorskip("dask.dataframe").from_pandas(DATA, 2) if chunked else DATA
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(gf.FitError, match=reason) as caught:
            gf.glm("y ~ x", data=data, family=family, start=[0, 0])
    assert R_TEXT in str(caught.value)


@pytest.mark.parametrize("family", ["poisson(link = 'sqrt')", "gaussian(link = 'inverse')"])
def test_invalid_start_is_r_error(family: str) -> None:
    """R: 'cannot find valid starting values: please specify some' for these too."""
    with pytest.raises(gf.FitError, match=R_TEXT):
        gf.glm("y ~ x", data=DATA, family=family, start=[0, 0])


def test_good_start_still_fits() -> None:
    m = gf.glm("y ~ x", data=DATA, family=Tweedie(1.5, link_power=0.5), start=[1, 0.1])
    assert m.converged


def test_tweedie_from_the_families_module_with_a_zero_start_is_a_fit_error() -> None:
    wb = gf.datasets.load("warpbreaks")
    with pytest.raises(gf.FitError, match="cannot find valid starting values"):
        gf.glm("breaks ~ wool", data=wb, family=gf.families.Tweedie(0, link_power=0.5),
               start=[0, 0])
