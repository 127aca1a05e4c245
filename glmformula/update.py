"""R's ``update()``: a fitted model refitted with an updated formula or other arguments.

A fit remembers its formula, its data (a reference to the caller's pandas
object, never copied; for polars or Arrow input, the pandas frame it was read
into) and the other arguments of its call (``m.formula``, ``m.data``,
``m.family``, ``m.call_args``). ``update(m, ". ~ . + x", family=..., data=...)``
then does what R's ``update`` does: the formula is R's
``update.formula(formula(m), new)`` (:func:`glmformula.rformula.update_formula`:
``.`` on both sides, ``- term``, ``log(.) ~ .``, ``. ~ . - 1``), and the call
is evaluated again with the same data, weights, offset, control and safe mode
unless given anew. Rows are chosen again, as R's ``na.omit`` chooses them: a
row with a missing value in a newly added variable is dropped. A
:func:`glmformula.glm_nb` fit is refitted by ``glm_nb`` started at its theta
(``init.theta`` of the fit's call, 10 significant digits); it takes no
``family=`` (R's ``update`` of a glm.nb fit refuses it too).

``m.formula`` is R's ``formula(m)``: the formula as given with its ``.``
expanded into the data's columns and R's spacing (``SF ~ sex * ldose``); after
``update`` it is the simplified formula R's ``update.formula`` returns.

>>> import glmformula as gf
>>> bw = gf.datasets.load("budworm")
>>> m = gf.glm("cbind(numdead, numalive) ~ sex*ldose", data=bw, family="binomial")
>>> m.formula
'cbind(numdead, numalive) ~ sex * ldose'
>>> m2 = m.update(". ~ sex * I(ldose - 3)")
>>> m2.formula, m2.data is bw
('cbind(numdead, numalive) ~ sex + I(ldose - 3) + sex:I(ldose - 3)', True)
>>> abs(m2.deviance - m.deviance) < 1e-9  # the same model, reparametrised
True
>>> update(m, family='binomial(link = "probit")').family.link.name
'probit'
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from types import FrameType
from typing import TYPE_CHECKING, Any

from glmformula.data_input import as_pandas
from glmformula.errors import ArgumentTypeError

if TYPE_CHECKING:
    from glmformula.result import GLMResult

#: arguments of a call that update() never carries over: the formula and data (kept on the
#: fit), the family (its object is kept), the caller's namespace (the design keeps the
#: names the formula used) and start (it belongs to the old coefficients)
NOT_CARRIED = frozenset({"formula", "data", "family", "link", "variance", "context", "start",
                         "data_name"})


def call_arguments(given: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of a glm()/glm_nb() call that a fit keeps (all but formula and data)."""
    return {k: v for k, v in given.items() if k not in ("formula", "data")}


def remember(result: GLMResult, data: Any, given: Mapping[str, Any]) -> GLMResult:
    """``result`` holding its data and call arguments (for a front end that built it)."""
    import dataclasses

    return dataclasses.replace(result, data=data, call_args=call_arguments(given))


def model_formula(model: GLMResult) -> str:
    """R's ``formula(m)``: ``.`` expanded into the data's columns, deparsed as R."""
    from glmformula.formula_text import display_formula

    return display_formula(model, model.data)


def _caller_names(frame: FrameType | None, formula: str) -> dict[str, Any]:
    """The caller's variables and functions that a new formula names (R evaluates the
    updated call in the caller's frame)."""
    if frame is None:
        return {}
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula))
    found = {k: v for k, v in frame.f_globals.items() if k in names}
    found.update({k: v for k, v in frame.f_locals.items() if k in names})
    return found


def name_in_frame(frame: FrameType | None, value: object) -> str | None:
    """The caller's variable name for ``value`` (R's ``data = quine`` in the call)."""
    if frame is None:
        return None
    for scope in (frame.f_locals, frame.f_globals):
        for name, bound in scope.items():
            if bound is value and name.isidentifier() and not name.startswith("_"):
                return name
    return None


def update_model(model: GLMResult, formula: str | None, arguments: Mapping[str, Any],
                 caller: FrameType | None) -> GLMResult:
    """:func:`update` with the caller's frame (where R evaluates the updated call)."""
    from glmformula.anova_negbin import is_negbin
    from glmformula.refit import call_argument, refit
    from glmformula.result import require_model
    from glmformula.rformula import update_formula

    model = require_model(model, "update()")
    options = dict(arguments)
    data = options.pop("data", None)
    if data is None:
        data = model.data
        if data is None:
            raise ArgumentTypeError("this model does not hold its data: pass data= to update()")
        if "data_name" not in options:
            options["data_name"] = call_argument(model, "data")
    elif "data_name" not in options:
        options["data_name"] = name_in_frame(caller, data)
    data = as_pandas(data, "data")  # polars and Arrow data: read once, as glm() reads them
    if formula is None:
        new = model.design.formula  # R keeps the call's formula: its "." is read anew
    elif isinstance(formula, str):
        new = update_formula(model.formula, formula)
    else:
        raise ArgumentTypeError(
            f"update()'s formula must be a str such as '. ~ . + x'; got {type(formula).__name__}")
    if "link" in options and "family" not in options and not is_negbin(model):
        raise ArgumentTypeError(
            "give the family with its link: family='binomial', link='probit' "
            "(R: family = binomial(link = probit))")
    if "context" not in options and not model.design.safe:
        options["context"] = {**model.design.context, **_caller_names(caller, new)}
    return refit(model, new, data, same_rows=False, **options)


def update(model: GLMResult, formula: str | None = None, **arguments: Any) -> GLMResult:
    """R's ``update(m, formula, ...)``: ``m`` refitted with an updated formula or arguments.

    ``formula`` follows R's ``update.formula``: ``". ~ . + x"``, ``"~ . - x"``,
    ``". ~ sex * I(ldose - 3)"``, ``"log(.) ~ ."``, ``". ~ . - 1"``, or a new
    response. ``arguments`` are those of :func:`glmformula.glm` (``family``,
    ``data``, ``weights``, ``offset``, ``control``, ...) or, for a
    :func:`glmformula.glm_nb` fit, of ``glm_nb`` (``init_theta``, ``link``, ...);
    the others are the fit's own, and the data the fit's data. ``start`` is
    not carried over.

    >>> import glmformula as gf
    >>> quine = gf.datasets.load("quine")
    >>> nb = gf.glm_nb("Days ~ Eth + Sex", data=quine)
    >>> nb2 = update(nb, ". ~ . + Age")
    >>> nb2.formula, round(nb2.theta, 4)
    ('Days ~ Eth + Sex + Age', 1.2507)
    """
    return update_model(model, formula, arguments, sys._getframe(1))


__all__ = ["call_arguments", "model_formula", "name_in_frame", "remember", "update"]
