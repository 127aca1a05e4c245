"""``method=`` and ``type=`` of ``glm()``, and brglm2's control settings.

>>> brglm_settings("glm.fit", None, None) is None
True
>>> settings = brglm_settings("brglmFit", None, None)
>>> settings.type, settings.epsilon, settings.maxit
('AS_mixed', 1e-06, 100)
>>> brglm_settings("brglm_fit", "AS_mean", {"epsilon": 1e-10}).epsilon
1e-10
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from glmformula.errors import ArgumentTypeError
from glmformula.irls import Control

#: the fitting methods of glm(): R's default and brglm2's (with its alias)
METHODS = ("glm.fit", "brglmFit", "brglm_fit")
#: brglm2's control settings (brglmControl) that glmformula reads
SETTINGS = ("epsilon", "maxit", "trace", "type", "slowit", "max_step_factor",
            "response_adjustment", "a")


@dataclass(frozen=True)
class BRControl(Control):
    """brglm2's ``brglmControl``: tolerance and iteration limit (brglm2's defaults), the
    estimator ``type``, the step's ``slowit`` and halvings, the response adjustment of the
    starting values, and the power ``a`` of Jeffreys' prior (type MPL_Jeffreys)."""

    epsilon: float = 1e-6
    maxit: int = 100
    type: str = "AS_mixed"
    slowit: float = 1.0
    max_step_factor: int = 12
    response_adjustment: float | None = None
    a: float = 0.5

    def __post_init__(self) -> None:
        super().__post_init__()
        check_type(self.type)
        for name, low in (("slowit", "> 0"), ("a", ">= 0")):  # a = 0: no penalty (ML)
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not (math.isfinite(value) and (value > 0 or low == ">= 0" and value == 0)):
                raise ArgumentTypeError(f"control {name} must be a number {low}, got {value!r}")
        steps = self.max_step_factor
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ArgumentTypeError(
                f"control max_step_factor must be a whole number >= 1, got {steps!r}")
        adj = self.response_adjustment
        if adj is not None and (isinstance(adj, bool) or not isinstance(adj, int | float)
                                or not math.isfinite(adj) or adj < 0):
            raise ArgumentTypeError(
                f"control response_adjustment must be a number >= 0 or None, got {adj!r}")


def check_type(type: object) -> str:
    """One of brglm2's estimator types, else an ArgumentTypeError listing them."""
    from glmformula.brglm_adjustments import TYPES  # (scipy.special's polygamma): when asked

    if not isinstance(type, str) or type not in TYPES:
        raise ArgumentTypeError(
            f"unknown type {type!r} for method='brglmFit'; use one of "
            f"{', '.join(repr(t) for t in TYPES)}")
    return type


def check_method(method: object) -> bool:
    """True for brglm2's method, False for R's glm.fit; else an ArgumentTypeError."""
    if not isinstance(method, str) or method not in METHODS:
        raise ArgumentTypeError(
            f"unknown method {method!r}; use one of {', '.join(repr(m) for m in METHODS)}")
    return method != "glm.fit"


def brglm_settings(method: object, type: object, control: Any) -> BRControl | None:
    """None for ``method="glm.fit"`` (where ``type`` is an error); else brglm2's control
    from ``control`` (a dict of :data:`SETTINGS`, or a Control) and ``type``."""
    if not check_method(method):
        if type is not None:
            raise ArgumentTypeError(
                f"type={type!r} chooses a bias-reduced estimator and needs "
                "method='brglmFit' (e.g. gf.glm(..., method='brglmFit', type='AS_mean'))")
        return None
    values: dict[str, Any] = {}
    if isinstance(control, Control):
        values = {"epsilon": control.epsilon, "maxit": control.maxit, "trace": control.trace}
        if isinstance(control, BRControl):
            values = {name: getattr(control, name) for name in SETTINGS}
    elif isinstance(control, Mapping):
        unknown = set(control) - set(SETTINGS)
        if unknown:
            raise ArgumentTypeError(
                f"unknown control setting(s) {sorted(unknown)} for method='brglmFit'; use "
                f"{', '.join(SETTINGS)}")
        values = dict(control)
    elif control is not None:
        raise ArgumentTypeError(
            "control must be a dict such as {'epsilon': 1e-8, 'maxit': 100} or a Control")
    if type is not None:
        if "type" in values and values["type"] != type:
            raise ArgumentTypeError(
                f"type={type!r} and control type {values['type']!r} differ; give one")
        values["type"] = check_type(type)
    return BRControl(**values)
