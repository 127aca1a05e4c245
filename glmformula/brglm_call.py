"""The call of a fit as R records it: ``start``, ``method`` and ``type`` in R's order.

R's ``match.call`` puts glm's own arguments in the order of its formals
(``formula, family, data, weights, subset, na.action, start, etastart,
mustart, offset, control, model, method, ..., contrasts``) and the arguments
that go to ``...`` (brglm2's ``type``) after them.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def brglm_call(call: str, method: str, type: str | None, start: Array | None = None) -> str:
    """The call as R records it: ``start`` before the offset, ``method`` after it, ``type``
    last (R's match.call puts glm's own arguments in its order and ``...`` after them).

    >>> brglm_call("glm(formula = y ~ x, family = binomial, data = d)", "brglmFit", "AS_mean")
    'glm(formula = y ~ x, family = binomial, data = d, method = "brglmFit", type = "AS_mean")'
    """
    body = call_with_start(call, start)[:-1]
    body = _insert_before(body, (", contrasts = ",), f'method = "{method}"')
    if type is not None:
        body += f', type = "{type}"'
    return body + ")"


def call_with_start(call: str, start: Array | None) -> str:
    """The call with R's ``start = c(...)`` (as deparse writes the numbers) before the offset.

    >>> call_with_start("glm(formula = y ~ x, data = d)", np.array([0.5, -2.0]))
    'glm(formula = y ~ x, data = d, start = c(0.5, -2))'
    """
    if start is None:
        return call
    numbers = [f"{float(v):.15g}" for v in np.ravel(start)]
    text = numbers[0] if len(numbers) == 1 else f"c({', '.join(numbers)})"
    return _insert_before(call[:-1], (", offset = ", ", contrasts = "), f"start = {text}") + ")"


def _insert_before(body: str, marks: tuple[str, ...], argument: str) -> str:
    """``argument`` before the first of ``marks`` found in the call's ``body``, else last."""
    for mark in marks:
        head, found, tail = body.partition(mark)
        if found:
            return f"{head}, {argument}{mark}{tail}"
    return f"{body}, {argument}"
