"""R's contrasts: ``glm(..., contrasts=)``, ``C(g, sum)`` in formulas, with R's column names.

formulaic's contrast classes code the factors; the subclasses here name the
columns as R does: ``g1``, ``g2`` for ``contr.sum`` and ``contr.helmert`` (R's
matrices have no column names), ``g.L``, ``g.Q``, ``g.C``, ``g^4`` for
``contr.poly``, the levels for ``contr.treatment`` and ``contr.SAS``, the level
numbers for R's ``contr.treatment(n, base = k)``. (``C()`` in formulas:
:mod:`glmformula.contrast_calls`.) A contrast is given as R
writes it ("contr.sum", or "sum" as ``C()`` takes it), as ``("contr.treatment",
2)`` or ``{"contrasts": "contr.treatment", "base": 2}`` for R's
``contr.treatment(n, base = 2)``, or as a matrix with one row per level.

>>> spec = contrast_spec("contr.helmert", "g")
>>> spec.get_coding_matrix(["a", "b", "c"]).to_numpy().tolist()
[[-1.0, -1.0], [1.0, -1.0], [0.0, 2.0]]
>>> spec.get_coding_column_names(["a", "b", "c"])
['1', '2']
>>> contrast_spec(("contr.treatment", 2), "g").get_coding_column_names(["a", "b", "c"])
['1', '3']
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from formulaic.transforms.contrasts import (
    Contrasts,
    HelmertContrasts,
    PolyContrasts,
    SASContrasts,
    SumContrasts,
    TreatmentContrasts,
)
from interface_meta import override

from glmformula.errors import ArgumentTypeError, DataError, shorten

#: The names ``C(g, name)`` takes without ``contr.`` (R's ``C()`` reads them so).
R_CONTRAST_NAMES = ("poly", "helmert", "sum", "treatment", "SAS")
R_FUNCTIONS = tuple(f"contr.{name}" for name in R_CONTRAST_NAMES)


def _numbers(levels: Sequence[Hashable], skip: int | None = None) -> list[Hashable]:
    """R's column names of a contrast matrix without names: 1, 2, ... (as text)."""
    return [str(i + 1) for i in range(len(levels)) if i != skip]


@dataclass
class RSum(SumContrasts):
    """``contr.sum``: columns named 1, 2, ... as R (no ``S.`` prefix)."""

    FACTOR_FORMAT_REDUCED = "{name}[{field}]"

    @override
    def get_coding_column_names(self, levels: Sequence[Hashable],
                                reduced_rank: bool = True) -> Sequence[Hashable]:
        return _numbers(levels[:-1]) if reduced_rank else levels

    @override
    def get_drop_field(self, levels: Sequence[Hashable], reduced_rank: bool = True) -> Hashable:
        return None  # a full coding is cached apart from the reduced one


@dataclass
class RHelmert(HelmertContrasts):
    """``contr.helmert`` (unscaled, as R): columns named 1, 2, ..."""

    FACTOR_FORMAT_REDUCED = "{name}[{field}]"

    @override
    def get_coding_column_names(self, levels: Sequence[Hashable],
                                reduced_rank: bool = True) -> Sequence[Hashable]:
        return _numbers(levels[1:]) if reduced_rank else levels

    @override
    def get_drop_field(self, levels: Sequence[Hashable], reduced_rank: bool = True) -> Hashable:
        return None


@dataclass
class RPoly(PolyContrasts):
    """``contr.poly``: columns .L, .Q, .C, ^4, ... (formulaic's names, R's too)."""

    @override
    def get_drop_field(self, levels: Sequence[Hashable], reduced_rank: bool = True) -> Hashable:
        return None


@dataclass
class RTreatmentBase(TreatmentContrasts):
    """R's ``contr.treatment(n, base = k)``: level k (from 1) is the reference and the
    columns are named by level number, as R names that matrix's columns."""

    FACTOR_FORMAT_REDUCED = "{name}[{field}]"
    base: Any = 1

    @override
    def _find_base_index(self, levels: Sequence[Hashable]) -> int:
        base = int(self.base)
        if not 1 <= base <= len(levels):
            raise DataError(
                f"contr.treatment(n, base = {base}) needs a base between 1 and the number of "
                f"levels, {len(levels)}"
            )
        return base - 1

    @override
    def _apply(self, dummies: Any, levels: Sequence[Hashable], reduced_rank: bool = True,
               sparse: bool = False) -> Any:
        # formulaic's columns are named by level; these are renamed by number
        kept = super()._apply(dummies, levels, reduced_rank=reduced_rank, sparse=sparse)
        return kept.to_numpy() if isinstance(kept, pd.DataFrame) else kept

    @override
    def get_coding_column_names(self, levels: Sequence[Hashable],
                                reduced_rank: bool = True) -> Sequence[Hashable]:
        return _numbers(levels, self._find_base_index(levels)) if reduced_rank else levels

    @override
    def get_drop_field(self, levels: Sequence[Hashable], reduced_rank: bool = True) -> Hashable:
        return None


@dataclass
class RSASNumbered(RTreatmentBase):
    """R's ``contr.SAS(n)``: the last level is the reference, columns named by number."""

    @override
    def _find_base_index(self, levels: Sequence[Hashable]) -> int:
        return len(levels) - 1


@dataclass
class RMatrix(Contrasts):
    """A contrast matrix given by the user: one row per level, columns named as given
    (else 1, 2, ...); R's ``contrasts = list(g = matrix)``."""

    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    names: tuple[str, ...] | None = None

    FACTOR_FORMAT_REDUCED = "{name}[{field}]"

    def _check(self, levels: Sequence[Hashable]) -> None:
        if self.matrix.shape[0] != len(levels):
            raise DataError(
                f"the contrast matrix has {self.matrix.shape[0]} rows but the factor has "
                f"{len(levels)} levels; give one row per level"
            )

    @override
    def _get_coding_matrix(self, levels: Sequence[Hashable], reduced_rank: bool = True,
                           sparse: bool = False) -> Any:
        self._check(levels)
        return self.matrix if reduced_rank else np.eye(len(levels))

    @override
    def get_coding_column_names(self, levels: Sequence[Hashable],
                                reduced_rank: bool = True) -> Sequence[Hashable]:
        if not reduced_rank:
            return levels
        return list(self.names) if self.names else [str(i + 1)
                                                    for i in range(self.matrix.shape[1])]

    @override
    def get_coefficient_row_names(self, levels: Sequence[Hashable],
                                  reduced_rank: bool = True) -> Sequence[Hashable]:
        return list(levels)

    @override
    def get_spans_intercept(self, levels: Sequence[Hashable], reduced_rank: bool = True) -> bool:
        return not reduced_rank

    @override
    def get_drop_field(self, levels: Sequence[Hashable], reduced_rank: bool = True) -> Hashable:
        return None


def _named(name: str) -> Contrasts | None:
    """The contrasts R calls ``name`` ("contr.sum" or "sum"), or None."""
    short = name.removeprefix("contr.")
    if short == "sum":
        return RSum()
    if short == "helmert":
        return RHelmert()
    if short == "poly":
        return RPoly()
    if short == "SAS":
        return SASContrasts()
    if short == "treatment":
        return TreatmentContrasts()
    return None


def _unknown(name: str, variable: str) -> ArgumentTypeError:
    close = difflib.get_close_matches(name, [*R_FUNCTIONS, *R_CONTRAST_NAMES], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ArgumentTypeError(
        f"unknown contrasts {shorten(name)} for {shorten(variable)}{hint}; use one of "
        f"{', '.join(R_FUNCTIONS)}, ('contr.treatment', base) or a matrix with one row "
        "per level"
    )


def contrast_spec(value: Any, variable: str) -> Contrasts:
    """The formulaic contrasts, R-named, for one entry of ``contrasts=``."""
    if isinstance(value, str):
        found = _named(value.strip())
        if found is None:
            raise _unknown(value, variable)
        return found
    if isinstance(value, Mapping):
        unknown = set(value) - {"contrasts", "base"}
        if unknown or "contrasts" not in value:
            raise ArgumentTypeError(
                f"the contrasts for {shorten(variable)} as a dict need the key 'contrasts' "
                "(and 'base'), e.g. {'contrasts': 'contr.treatment', 'base': 2}"
            )
        value = (value["contrasts"], value["base"]) if "base" in value else value["contrasts"]
        return contrast_spec(value, variable)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        name, base = value
        if name.strip() not in ("contr.treatment", "treatment"):
            raise ArgumentTypeError(
                f"a base level is R's contr.treatment(n, base = k); got {shorten(name)} "
                f"for {shorten(variable)}"
            )
        if isinstance(base, bool) or not isinstance(base, int | np.integer):
            raise ArgumentTypeError(
                f"base must be a level number (1 for the first level, as R's), not "
                f"{shorten(base)}; to name the reference level, use gf.relevel()"
            )
        return RTreatmentBase(base=int(base))
    if isinstance(value, Contrasts):
        return _r_named(value)
    if inspect.isclass(value) and issubclass(value, Contrasts):
        return _r_named(value())
    return _matrix(value, variable)


def _r_named(value: Contrasts) -> Contrasts:
    """formulaic's contrasts with R's column names where R's are the same contrasts."""
    if type(value) is SumContrasts:
        return RSum()
    if type(value) is HelmertContrasts and value.reverse and not value.scale:
        return RHelmert()
    if type(value) is PolyContrasts:
        return RPoly(scores=value.scores)
    return value


def _matrix(value: Any, variable: str) -> RMatrix:
    names = None
    if isinstance(value, pd.DataFrame):
        columns: Any = value.columns
        if not isinstance(columns, pd.RangeIndex):
            names = tuple(str(c) for c in columns)
        value = value.to_numpy()
    try:
        matrix = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ArgumentTypeError(
            f"contrasts for {shorten(variable)} must be a name such as 'contr.sum', "
            f"('contr.treatment', base) or a numeric matrix; got {type(value).__name__}"
        ) from None
    if matrix.ndim != 2 or matrix.shape[1] == 0 or not np.all(np.isfinite(matrix)):
        raise ArgumentTypeError(
            f"a contrast matrix for {shorten(variable)} needs finite numbers, one row per "
            f"level and one column per contrast; got shape {matrix.shape}"
        )
    return RMatrix(matrix=matrix, names=names)


@dataclass
class ContrastsArgument:
    """``glm(contrasts=)`` read: R-named contrasts by variable, and which the fit used."""

    given: Mapping[str, Any]
    specs: dict[str, Contrasts]
    used: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, contrasts: Any) -> ContrastsArgument | None:
        """Check ``contrasts=`` (a dict of variable names to contrasts) and read it."""
        if contrasts is None:
            return None
        if not isinstance(contrasts, Mapping):
            raise ArgumentTypeError(
                "contrasts must be a dict of factor names to contrasts, e.g. "
                f"{{'tension': 'contr.sum'}}; got {type(contrasts).__name__}"
            )
        bad = [k for k in contrasts if not isinstance(k, str)]
        if bad:
            raise ArgumentTypeError(f"contrasts are keyed by variable name; got {bad[0]!r}")
        return cls(dict(contrasts), {k: contrast_spec(v, k) for k, v in contrasts.items()})

    def lookup(self, expr: str, r_text: str) -> Contrasts | None:
        """The contrasts for the factor with formulaic code ``expr`` (R's text ``r_text``)."""
        for key in (expr, r_text, expr.strip("`")):
            if key in self.specs:
                self.used.add(key)
                return self.specs[key]
        return None

    def check_used(self, numeric: Sequence[str]) -> list[str]:
        """R's rules for names not coded: a numeric variable is an error; the others are
        absent (returned, for R's warning)."""
        unused = [k for k in self.specs if k not in self.used]
        numbers = [k for k in unused if k in numeric]
        if numbers:
            raise DataError(
                f"contrasts apply only to factors: {shorten(numbers[0])} is numeric; make it a "
                "factor (df[col].astype('category')) or drop it from contrasts="
            )
        return [f"variable {k!r} is absent, its contrast will be ignored" for k in unused]


def chosen_contrasts(values: Any, state: Mapping[str, Any], argument: Any, expr: str,
                     r_text: str) -> Contrasts | None:
    """The contrasts for a factor: what the fit used (replay), else ``contrasts=``'s, else
    ``contr.poly`` for an ordered factor; None: formulaic's treatment contrasts."""
    if "categories" in state:
        if "glmformula_contrasts" in state:
            return state["glmformula_contrasts"]
        return RPoly() if state.get("glmformula_poly") else None
    if isinstance(argument, ContrastsArgument):
        found = argument.lookup(expr, r_text)
        if found is not None:
            return found
    dtype = getattr(getattr(values, "__wrapped__", values), "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
        return RPoly()
    return None


def contrasts_text(argument: ContrastsArgument | None, levels: Mapping[str, int]) -> str | None:
    """``list(g = "contr.sum")`` as R's call prints the ``contrasts`` argument
    (``levels``: the number of levels by variable, for ``contr.treatment(n, base = k)``)."""
    if argument is None:
        return None
    from glmformula.rdeparse import r_symbol

    parts = []
    for name, value in argument.given.items():
        spec = argument.specs[name]
        if isinstance(value, str):
            text = f'"{value.strip()}"'
        elif isinstance(spec, RTreatmentBase):
            text = f"contr.treatment({levels.get(name, 'n')}, base = {spec.base})"
        else:
            text = "contrasts"
        parts.append(f"{r_symbol(name)} = {text}")
    return f"list({', '.join(parts)})"


__all__ = ["ContrastsArgument", "RMatrix", "RPoly", "RSum", "RTreatmentBase", "contrast_spec"]
