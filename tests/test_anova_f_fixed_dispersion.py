"""anova(test="F") where the dispersion is fixed or given: R's F and Pr(>F) with its warning.

R's ``stat.anova`` takes Pr(>F) from the F distribution with infinite denominator
degrees of freedom; scipy gives NaN there, so the p-values were left out. The
golden tables (seq_/cmp_ poisson and binomial ``_F`` cases of anova_golden.json)
check the numbers and the printed layout; these check the warnings and the
``dispersion=`` form (numbers from R 4.2.2, printed by tests/golden/make_golden_anova.R's
budworm data: ``anova(m, test = "F", dispersion = 2)``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.anova import f_sf


def _budworm() -> pd.DataFrame:
    dead = [1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16]
    return pd.DataFrame({"ldose": list(range(6)) * 2, "numdead": dead,
                         "numalive": [20 - d for d in dead],
                         "sex": pd.Categorical(["M"] * 6 + ["F"] * 6, categories=["F", "M"])})


@pytest.mark.parametrize("family", ["poisson", "binomial"])
def test_f_test_warns_as_r_and_gives_p_values(family: str) -> None:
    if family == "poisson":
        data, formula = gf.datasets.load("warpbreaks"), "breaks ~ wool + tension"
        small = "breaks ~ wool"
    else:
        data, formula = _budworm(), "cbind(numdead, numalive) ~ sex + ldose"
        small = "cbind(numdead, numalive) ~ ldose"
    m = gf.glm(formula, data=data, family=family)
    m0 = gf.glm(small, data=data, family=family)
    message = f"using F test with a '{family}' family is inappropriate"
    with pytest.warns(gf.GLMWarning, match=message):
        seq = gf.anova(m, test="F").data
    with pytest.warns(gf.GLMWarning, match=message):
        cmp = gf.anova(m0, m, test="F").data
    for table in (seq, cmp):
        assert table["Pr(>F)"].iloc[1:].notna().all()


def test_f_test_with_given_dispersion_equals_r() -> None:
    m = gf.glm("cbind(numdead, numalive) ~ sex + ldose", data=_budworm(), family="binomial")
    with pytest.warns(gf.GLMWarning, match="'binomial' family is inappropriate"):
        table = gf.anova(m, test="F", dispersion=2).data
    assert [round(v, 4) for v in table["F"].iloc[1:]] == [3.0385, 56.0208]
    assert round(table["Pr(>F)"].iloc[1], 5) == 0.08131
    assert abs(table["Pr(>F)"].iloc[2] / 7.171e-14 - 1) < 1e-3


def test_f_sf_infinite_denominator_is_the_chi_squared_limit() -> None:
    f = np.array([0.5, 3.0, 16.039])
    df1 = np.array([1.0, 2.0, 1.0])
    # the limit in closed form (scipy's F(df1, 1e12) is off by 5e-5 in scipy 1.11):
    # chi2(1).sf(x) = erfc(sqrt(x / 2)), chi2(2).sf(x) = exp(-x / 2)
    limit = [math.erfc(math.sqrt(0.5 / 2)), math.exp(-3.0), math.erfc(math.sqrt(16.039 / 2))]
    assert_close(f_sf(f, df1, math.inf), limit, rtol=1e-12)
