"""R's ``C()`` in a formula: ``C(g, sum)``, ``C(g, contr.helmert)``, ``C(g, treatment, base = 2)``.

formulaic's ``C()`` and its ``contr`` registry with R's column names and R's
way of reading a bare name as the contrasts' name (``C(g, sum)`` is
``contr.sum``, see :mod:`glmformula.contrasts`). The formula's label stays as
written (``C(tension, sum)1``); only the code evaluated is rewritten.

>>> r_contrast_calls("C(tension, sum)"), r_contrast_calls("C(`my g`, helmert)")
('C(tension, "contr.sum")', 'C(`my g`, "contr.helmert")')
"""

from __future__ import annotations

import ast
import re
from typing import Any

import numpy as np
import pandas as pd
from formulaic.materializers.types import FactorValues
from formulaic.transforms.contrasts import (
    Contrasts,
    ContrastsRegistry,
    TreatmentContrasts,
    encode_contrasts,
)

from glmformula.contrasts import (
    R_CONTRAST_NAMES,
    RHelmert,
    RPoly,
    RSASNumbered,
    RSum,
    RTreatmentBase,
    chosen_contrasts,
    contrast_spec,
)
from glmformula.errors import ArgumentTypeError, DataError, FormulaError
from glmformula.factors import without_unused_categories


def C(data: Any, contr: Any = None, how_many: Any = None, *, levels: Any = None,
      base: Any = None) -> FactorValues:
    """R's ``C(object, contr)`` in a formula: ``C(g, sum)``, ``C(g, contr.helmert)``,
    ``C(g, "contr.SAS")``, ``C(g, treatment, base = 2)``, with R's column names."""
    if how_many is not None:
        raise FormulaError("C()'s how.many is not supported; give a contrast matrix instead")
    if base is not None:
        if contr not in ("contr.treatment", "treatment", contr_treatment):
            raise FormulaError("C(g, contr, base = k) takes a base only for treatment contrasts")
        contrasts: Contrasts | None = contrast_spec(("contr.treatment", base), "C()")
    elif contr is None:
        contrasts = None
    elif contr is contr_treatment or contr is contr_SAS:  # R's function: contr(nlevels)
        contrasts = contr()
    else:
        try:
            contrasts = contrast_spec(contr, "C()")
        except (ArgumentTypeError, DataError) as error:
            raise FormulaError(str(error)) from None

    def encoder(values: Any, reduced_rank: bool, drop_rows: list[int],
                encoder_state: dict[str, Any], model_spec: Any) -> FactorValues:
        series = pd.Series(values.__wrapped__ if isinstance(values, FactorValues) else values)
        series = without_unused_categories(series.drop(index=series.index[drop_rows]))
        chosen = contrasts
        if chosen is None:
            chosen = chosen_contrasts(values, encoder_state, None, "", "") or TreatmentContrasts()
        return encode_contrasts(series, contrasts=chosen, levels=levels,
                                reduced_rank=reduced_rank, _state=encoder_state,
                                _spec=model_spec)

    return FactorValues(data, kind="categorical", spans_intercept=True, encoder=encoder)


def contr_treatment(n: Any = None, base: Any = 1) -> Contrasts:
    """R's ``contr.treatment(n, base = k)`` in a formula (a level value as ``base``:
    formulaic's treatment contrasts with that reference, columns named by level)."""
    if isinstance(base, int) and not isinstance(base, bool):
        return RTreatmentBase(base=base)
    return TreatmentContrasts(base=base)


def contr_SAS(n: Any = None) -> Contrasts:  # R's name
    """R's ``contr.SAS(n)`` in a formula."""
    return RSASNumbered()


class RContrastsRegistry(ContrastsRegistry):
    """``contr.<name>`` in a formula, as R's functions: ``contr.sum``, ``contr.helmert``,
    ``contr.poly`` and (called or not) ``contr.treatment``, ``contr.SAS``. Given as a
    function, R names the treatment and SAS columns by level number
    (``C(g, contr.treatment)2``); given by name (``C(g, treatment)``), by level."""

    helmert = RHelmert
    poly = RPoly
    sum = RSum
    treatment = staticmethod(contr_treatment)
    SAS = staticmethod(contr_SAS)


_C_NAME = re.compile(r"(?<![\w.])C\s*\(")


def r_contrast_calls(expr: str) -> str:
    """``C(g, sum)`` as Python can evaluate it: ``C(g, "contr.sum")`` (R's ``C()`` reads a
    bare name as the contrasts' name; only the code evaluated is changed, not the label).

    >>> r_contrast_calls("C(tension, sum)"), r_contrast_calls("C(`my g`, helmert)")
    ('C(tension, "contr.sum")', 'C(`my g`, "contr.helmert")')
    """
    if not _C_NAME.search(expr):
        return expr
    same_width = re.sub(r"`[^`]*`", lambda m: "_" * len(m.group(0)), expr)
    try:
        tree = ast.parse(same_width, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return expr
    lines = same_width.split("\n")
    starts = np.cumsum([0, *[len(line) + 1 for line in lines]])
    spans = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "C" and len(node.args) >= 2
                and isinstance(node.args[1], ast.Name)
                and node.args[1].id in R_CONTRAST_NAMES):
            arg = node.args[1]
            start = int(starts[arg.lineno - 1]) + arg.col_offset
            spans.append((start, start + len(arg.id), f'"contr.{arg.id}"'))
    for start, stop, text in sorted(spans, reverse=True):
        expr = expr[:start] + text + expr[stop:]
    return expr


__all__ = ["C", "RContrastsRegistry", "r_contrast_calls"]
