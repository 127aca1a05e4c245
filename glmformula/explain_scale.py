"""What a change on the link scale does on the response scale, in words.

A ratio ``exp(b)`` for log links, an odds ratio for logit links, a difference
for identity links; for the others the direction on the response scale and
what the link makes of it (cloglog: the cumulative hazard; inverse: reversed).

>>> s = Scale("log", "expected count", "breaks")
>>> link_effect(-0.2, s)
'multiplies the expected count of breaks by 0.819 (an 18.1% decrease)'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from glmformula.explain import fmt

__all__ = ["Scale", "link_effect", "percent_change"]


@dataclass(frozen=True)
class Scale:
    """How a coefficient reads on the response scale: the link and the words for the mean."""

    link: str
    mean_word: str  # 'expected count', 'probability', 'expected value', 'expected rate'
    response: str
    #: factors coded by sum, Helmert or polynomial contrasts (their columns average to 0)
    contrasted: frozenset[str] = frozenset()
    #: factors coded by one column per level (no intercept): their columns are baselines
    full: frozenset[str] = frozenset()
    inverse: Callable[[np.ndarray], np.ndarray] = np.exp
    #: the model's data columns (the names the marginal-effects pointers use)
    columns: tuple[str, ...] = ()
    #: 'sum' or 'helmert' by factor (R's contr.sum, contr.helmert)
    coding: tuple[tuple[str, str], ...] = ()

    @property
    def target(self) -> str:
        if self.link == "logit":
            return f"the odds of {self.response}"
        return f"the {self.mean_word} of {self.response}"


def percent_change(ratio: float) -> str:
    """The change a ratio makes, in percent (``a 3.7% increase``).

    >>> percent_change(1.037), percent_change(0.000309)
    ('a 3.7% increase', 'a decrease to 0.0309% of the value')
    """
    if ratio < 0.001:
        return f"a decrease to {fmt(ratio * 100)}% of the value"
    change = (ratio - 1) * 100
    direction = "increase" if change >= 0 else "decrease"
    number = f"{abs(change):.1f}"
    whole = number.split(".")[0]
    article = "an" if whole.startswith("8") or whole in ("11", "18") else "a"
    return f"{article} {number}% {direction}"


def link_effect(b: float, s: Scale) -> str:
    """What a change of b on the link scale does, as a verb phrase."""
    if s.link in ("log", "logit"):
        ratio = math.exp(b) if b < 700 else math.inf
        label = "odds ratio; " if s.link == "logit" else ""
        return f"multiplies {s.target} by {fmt(ratio)} ({label}{percent_change(ratio)})"
    if s.link == "identity":
        return f"{'raises' if b >= 0 else 'lowers'} {s.target} by {fmt(abs(b))}"
    change = f"{'raises' if b >= 0 else 'lowers'} the linear predictor ({s.link} link) by " \
             f"{fmt(abs(b))}"
    if s.link == "cloglog":
        return (f"{change}: it multiplies -log(1 - p), the cumulative hazard of {s.response}, "
                f"by exp({fmt(b)}) = {fmt(math.exp(b))}, so it "
                f"{'raises' if b >= 0 else 'lowers'} the probability")
    if s.link in ("inverse", "1/mu^2"):
        what = "the squared mean" if s.link == "1/mu^2" else "the mean"
        return (f"{change}; as the link is a reciprocal of {what}, this "
                f"{'lowers' if b >= 0 else 'raises'} {s.target} (for positive means)")
    if s.link in ("probit", "cauchit", "sqrt", "loglog"):
        return (f"{change}, which {'raises' if b >= 0 else 'lowers'} {s.target}; the size of the "
                "change on that scale depends on where you start (no constant ratio or "
                "difference)")
    return f"{change}; this link has no simple ratio or difference reading on the response scale"
