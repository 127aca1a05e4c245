"""Public entry points given something other than a fitted model: a clear ArgumentTypeError.

``anova()`` has a parameter named ``type`` (R's), which shadowed the builtin: a
non-model raised ``TypeError: 'int' object is not callable``.
"""

from __future__ import annotations

import pytest

import glmformula as gf


@pytest.fixture(scope="module")
def model() -> gf.GLMResult:
    return gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")


@pytest.mark.parametrize("bad", ["x", 3, None, [1, 2]])
@pytest.mark.parametrize("type_", [1, 2, 3])
def test_anova_refuses_a_non_model(bad: object, type_: int) -> None:
    with pytest.raises(gf.ArgumentTypeError, match=r"anova\(\) takes fitted models"):
        gf.anova(bad, type=type_)  # type: ignore[arg-type]


def test_anova_refuses_a_non_model_among_models(model: gf.GLMResult) -> None:
    with pytest.raises(gf.ArgumentTypeError, match="got dict"):
        gf.anova(model, {})  # type: ignore[arg-type]


def test_anova_test_name_given_as_a_model_says_how(model: gf.GLMResult) -> None:
    with pytest.raises(gf.ArgumentTypeError, match=r"pass test='Chisq'"):
        gf.anova(model, "Chisq")  # type: ignore[arg-type]


def test_plot_predictions_refuses_a_non_model() -> None:
    pytest.importorskip("matplotlib")
    wb = gf.datasets.load("warpbreaks")
    with pytest.raises(gf.ArgumentTypeError, match=r"plot_predictions\(\) takes fitted models"):
        gf.plot_predictions("x", "wool", data=wb)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["drop1", "step", "dropterm"])
@pytest.mark.parametrize("bad", ["x", 3, None])
def test_selection_refuses_a_non_model(name: str, bad: object) -> None:
    with pytest.raises(gf.ArgumentTypeError, match=rf"{name}\(\) takes fitted models"):
        getattr(gf, name)(bad)


@pytest.mark.parametrize("name", ["add1", "addterm"])
def test_adding_refuses_a_non_model(name: str) -> None:
    with pytest.raises(gf.ArgumentTypeError, match=rf"{name}\(\) takes fitted models"):
        getattr(gf, name)("x", "~ . + tension")
