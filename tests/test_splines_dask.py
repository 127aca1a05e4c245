"""ns(), bs() and poly() on Dask data.

Their knots (poly's coefficients) are learnt from all the data, by R's exact
quantiles: the chunked path refuses them with one FormulaError naming the term.
log(x, base), exp and sqrt need no state and fit as in memory. A spline with its
knots and boundary knots given, or a raw polynomial, learns nothing from the
data (its state says ``fixed``): the chunked path takes it, the same state on
every partition.
"""

from __future__ import annotations

import numpy as np
import pytest

import glmformula as gf
from glmformula.errors import FormulaError

dd = pytest.importorskip("dask.dataframe")


def _cars() -> object:
    return dd.from_pandas(gf.datasets.load("cars"), npartitions=3)


@pytest.mark.parametrize("term", ["ns(speed, df = 3)", "bs(speed, df = 4)", "poly(speed, 2)"])
def test_learnt_knots_are_refused_on_dask_with_a_clear_error(term: str) -> None:
    with pytest.raises(FormulaError, match=r"needs the whole data at once"):
        gf.glm(f"dist ~ {term}", data=_cars(), family="poisson")


def test_log_base_on_dask_equals_in_memory() -> None:
    formula = "dist ~ log(speed, 2) + sqrt(speed)"
    chunked = gf.glm(formula, data=_cars(), family="poisson")
    memory = gf.glm(formula, data=gf.datasets.load("cars"), family="poisson")
    assert list(chunked.coef.index) == ["(Intercept)", "log(speed, 2)", "sqrt(speed)"]
    assert np.allclose(chunked.coef.to_numpy(), memory.coef.to_numpy(), rtol=1e-9)


@pytest.mark.parametrize(("term", "fixed"), [
    ("ns(speed, knots = c(10, 15), Boundary.knots = c(4, 25))", True),
    ("bs(speed, df = 3, Boundary.knots = c(0, 30))", True),  # no interior knot to learn
    ("bs(speed, df = 4, Boundary.knots = c(0, 30))", False),
    ("ns(speed, knots = c(10, 15))", False),  # the boundary knots are the data's range
    ("poly(speed, 2, raw = TRUE)", True),
    ("poly(speed, 2)", False),
])
def test_states_say_whether_they_were_learnt_from_the_data(term: str, fixed: bool) -> None:
    model = gf.glm(f"dist ~ {term}", data=gf.datasets.load("cars"))
    (state,) = model.design.model_spec["rhs"].transform_state.values()
    assert state["fixed"] is fixed


@pytest.mark.parametrize("term", [
    "ns(speed, knots = c(10, 15), Boundary.knots = c(4, 25))",
    "bs(speed, knots = c(10, 15), Boundary.knots = c(4, 25))",
    "poly(speed, 2, raw = TRUE)",
])
def test_terms_that_learn_nothing_fit_on_dask(term: str) -> None:
    formula = f"dist ~ {term}"
    chunked = gf.glm(formula, data=_cars(), family="poisson")
    memory = gf.glm(formula, data=gf.datasets.load("cars"), family="poisson")
    assert np.allclose(chunked.coef.to_numpy(), memory.coef.to_numpy(), rtol=1e-9)
