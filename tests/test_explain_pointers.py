"""The calls that summary(explain=True) names (gf.avg_slopes, gf.plot_predictions,
gf.plot_slopes, gf.emtrends, gf.emmeans, gf.avg_comparisons) run on the model explained."""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import glmformula as gf

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

load = gf.datasets.load


class _Names:
    """``gf`` for the named calls; plot_slopes from its module until the package exports it."""

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(gf, name)
        except AttributeError:
            from glmformula import plots_margins

            return getattr(plots_margins, name)


def _calls(text: str) -> list[str]:
    """Every ``gf.name(...)`` in ``text`` (balanced parentheses), but those with ``...``."""
    out = []
    for start in (m.start() for m in re.finditer(r"gf\.\w+\(", text)):
        depth = 0
        for end in range(text.index("(", start), len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        call = text[start:end + 1]
        if "..." not in call and not any(call in c for c in out):
            out.append(call)
    return out


def _mtcars() -> pd.DataFrame:
    return load("mtcars").assign(vsf=lambda f: f["vs"].map({0: "V", 1: "S"}))


def _warp() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    wb = load("warpbreaks")
    return wb.assign(big=rng.uniform(size=54) > 0.5, x=rng.uniform(1, 3, 54))


MODELS = {
    "boolean_first": ("breaks ~ big + x", _warp, "poisson"),
    "sum_contrasts": ("breaks ~ C(tension, contr.sum) + x", _warp, "poisson"),
    "basis": ("mpg ~ wt + ns(disp, df=3)", _mtcars, "gaussian"),
    "power": ("dist ~ speed + I(speed^2)", lambda: load("cars"), "gaussian"),
    "basis_by_factor": ("mpg ~ ns(hp, df=3) * factor(vs) + wt", _mtcars, "gaussian"),
    "basis_by_text": ("mpg ~ poly(hp, 2) * vsf", _mtcars, "gaussian"),
    "basis_by_numeric": ("mpg ~ poly(hp, 2) * wt", _mtcars, "gaussian"),
    "logit": ("am ~ wt + hp + factor(vs)", _mtcars, "binomial"),
    "log_factors": ("breaks ~ wool + tension", lambda: load("warpbreaks"), "poisson"),
    "offset": ("Claims ~ District + Age + offset(log(Holders))", lambda: load("Insurance"),
               "poisson"),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_named_call_runs_on_the_model(name: str) -> None:
    formula, data, family = MODELS[name]
    m = gf.glm(formula, data=data(), family=family)
    notes = "\n".join(m.summary(explain=True).explanations)
    calls = _calls(notes)
    assert calls, notes
    for call in calls:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = eval(call, {"gf": _Names(), "m": m})  # noqa: S307 - our own text
        if isinstance(out, pd.DataFrame):
            assert len(out) and out["estimate"].notna().all(), call
        elif hasattr(out, "axes"):
            assert len(out.axes[0].lines) >= 1, call
            plt.close(out)
        else:
            assert str(out).strip(), call  # an emmeans grid prints a table


def test_contrast_coded_interaction_points_to_emmeans() -> None:
    m = gf.glm("breaks ~ wool * tension", data=load("warpbreaks"), family="poisson",
               contrasts={"tension": "contr.sum"})
    notes = m.summary(explain=True).explanations
    hits = [n for n in notes if n.startswith("woolB:tension1: ")]
    assert 'gf.emmeans(m, specs=["wool", "tension"])' in hits[0]
    emm = gf.emmeans(m, specs=["wool", "tension"], type="response")
    assert "rate" in str(emm)


def test_named_variables_are_the_model_columns() -> None:
    """factor(vs) is named by its column vs; a basis in hp by hp; the logit note names the
    probability and both kinds of predictor."""
    m = gf.glm("am ~ wt + hp + factor(vs)", data=_mtcars(), family="binomial")
    note = [n for n in m.summary(explain=True).explanations
            if n.startswith("Response scale: ")]
    assert len(note) == 1
    assert note[0].startswith("Response scale: the odds ratios above do not say by how much "
                              "the probability of am changes")
    assert 'gf.avg_slopes(m, variables="wt")' in note[0]
    assert 'gf.avg_comparisons(m, variables="vs")' in note[0]
    gaussian = gf.glm("mpg ~ wt + factor(vs)", data=_mtcars())
    assert not any(n.startswith("Response scale: ")
                   for n in gaussian.summary(explain=True).explanations)
