"""glm()'s ``subset=``, ``na_action=`` and ``contrasts=``: the rows and the coding of a fit.

R applies ``subset`` first, then the ``na.action`` to the rows left:
``"omit"`` (R's ``na.omit``, the default) drops the rows with a missing value
in a variable the model uses; ``"fail"`` (``na.fail``) refuses them;
``"exclude"`` (``na.exclude``) drops them from the fit as omit does, but the
per-row results (fitted values, residuals, the linear predictor, predict()
without newdata, influence measures, augment) are padded with NaN back to the
rows of the data after ``subset``, in their order, as R's ``naresid`` and
``napredict`` pad them. The padding lives in the row provider
(:class:`glmformula.rows.ArrayRows`), from the :class:`RowPadding` here.

>>> import numpy as np
>>> import pandas as pd
>>> padding = RowPadding(pd.Index([10, 11, 12]), np.array([0, 2]))
>>> padding.pad(pd.Series([1.5, 2.5], index=[10, 12])).tolist()
[1.5, nan, 2.5]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.contrasts import ContrastsArgument, contrasts_text
from glmformula.design_checks import as_frame, names_list, row_labels
from glmformula.errors import ArgumentTypeError, DataError, FormulaError, shorten

if TYPE_CHECKING:
    from glmformula.design import Design

NA_ACTIONS = ("omit", "exclude", "fail")


@dataclass(frozen=True)
class RowPadding:
    """``na_action="exclude"``: the rows of the data (after ``subset``) and the positions
    among them of the rows the fit used."""

    index: pd.Index
    positions: np.ndarray

    def pad(self, values: Any) -> Any:
        """A Series or DataFrame over the rows used -> over every row, NaN where dropped
        (values over some of the rows used, e.g. those with a weight: by row label)."""
        if not isinstance(values, pd.Series | pd.DataFrame):
            return values
        if len(values) != len(self.positions):
            return values.reindex(self.index) if self.index.is_unique else values
        shape = (len(self.index), *values.shape[1:])
        out = np.full(shape, np.nan)
        out[self.positions] = values.to_numpy(dtype=float)
        if isinstance(values, pd.Series):
            return pd.Series(out, index=self.index, name=values.name)
        return pd.DataFrame(out, index=self.index, columns=values.columns)

    def unpad(self, values: Any) -> Any:
        """The rows used of a padded Series or DataFrame."""
        if isinstance(values, pd.Series | pd.DataFrame) and len(values) == len(self.index):
            return values.iloc[self.positions]
        return values


def _na_action(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ArgumentTypeError(
            f"na_action must be 'omit', 'exclude' or 'fail'; got {type(value).__name__}")
    short = value.strip().removeprefix("na.")
    if short not in NA_ACTIONS:
        raise ArgumentTypeError(
            f"unknown na_action {shorten(value)}; use 'omit' (drop rows with missing values), "
            "'exclude' (drop them, and pad per-row results with NaN) or 'fail' (refuse them)")
    return short


@dataclass(frozen=True)
class FitArguments:
    """The ``subset``, ``na_action`` and ``contrasts`` of a glm() call, checked."""

    subset: Any = None  # as given: a mask or an R expression
    subset_text: str | None = None  # as R's call prints it
    na_action: str | None = None  # "omit", "exclude", "fail"; None: not given (omit)
    contrasts: ContrastsArgument | None = None
    padding: RowPadding | None = None

    @classmethod
    def of(cls, subset: Any, na_action: str | None, contrasts: Any,
           subset_name: str | None = None) -> FitArguments | None:
        """The arguments read and checked; None when none is given."""
        action = _na_action(na_action)
        coding = ContrastsArgument.of(contrasts)
        if subset is None and action is None and coding is None:
            return None
        text = None
        if isinstance(subset, str):
            from glmformula.rows_subset import r_subset_text

            text = r_subset_text(subset)
        elif subset is not None:
            text = subset_name or "subset"
        return cls(subset, text, action, coding)

    def refuse_chunked(self) -> None:
        """subset=, na_action= and contrasts= need the rows in memory (one clear error)."""
        from glmformula.rows import needs_rows

        given = [name for name, value in (("subset=", self.subset),
                                          ("na_action=", self.na_action),
                                          ("contrasts=", self.contrasts)) if value is not None]
        raise needs_rows(f"glm()'s {' and '.join(given)}")

    def select(self, data: Any, weights: Any, offset: Any, namespace: Mapping[str, Any],
               safe: bool) -> tuple[pd.DataFrame, Any, Any]:
        """The rows ``subset`` keeps of the data, and of weights/offset given as arrays."""
        frame = as_frame(data, "data")
        if self.subset is None:
            return frame, weights, offset
        from glmformula.rows_subset import subset_mask

        values = subset_mask(self.subset, frame, namespace, safe=safe)
        unknown = np.asarray(values.isna(), dtype=bool)
        keep = np.flatnonzero(np.asarray(values.fillna(False), dtype=bool) | unknown)
        if keep.size == 0:
            raise DataError(f"subset {shorten(self.subset_text)} keeps none of the "
                            f"{len(frame)} rows of the data")
        missing = unknown[keep]  # R's x[NA, ]: a row of missing values (na.action's)

        def rows_of(argument: Any) -> Any:
            if argument is None or isinstance(argument, str):
                return argument
            array = np.asarray(argument)
            if array.ndim != 1 or len(array) != len(frame):
                return argument  # the design reports the wrong length
            kept = array[keep]
            return np.where(missing, np.nan, kept.astype(float)) if missing.any() else kept

        kept_frame = frame.iloc[keep]
        if missing.any():
            kept_frame = kept_frame.mask(np.broadcast_to(missing[:, None], kept_frame.shape))
        return kept_frame, rows_of(weights), rows_of(offset)

    def check_missing(self, frame: pd.DataFrame, columns: list[str], weights: Any,
                      offset: Any) -> None:
        """``na_action="fail"``: R's ``na.fail`` on the variables the model uses."""
        if self.na_action != "fail":
            return
        from glmformula.factors import missing_values

        used = [c for c in dict.fromkeys(columns) if c in frame.columns]
        missing = {c: missing_values(frame[c]) for c in used}
        for name, argument in (("weights", weights), ("offset", offset)):
            missing[f"{name}="] = _missing(argument, None, len(frame))
        masks = {c: mask for c, mask in missing.items() if mask is not None and mask.any()}
        if masks:
            bad = list(masks)
            rows = np.flatnonzero(np.logical_or.reduce(list(masks.values())))
            raise DataError(
                f"missing values in object (na_action='fail', R's na.fail): rows "
                f"{row_labels(frame.index, list(rows))} have missing values in "
                f"{names_list(bad)}; drop or fill them, or pass na_action='omit' (or "
                "'exclude') to leave those rows out"
            )

    def finish(self, design: Design, frame: pd.DataFrame) -> Design:
        """The design with these arguments kept, the padding of ``na_action="exclude"``,
        and ``na_action="fail"``'s check of the values made missing by the formula."""
        padding = None
        if self.na_action == "fail" and design.n_dropped:
            raise DataError(
                f"missing values in object (na_action='fail', R's na.fail): the formula's "
                f"terms are missing or not a number in {design.n_dropped} row(s); drop them "
                "or pass na_action='omit'")
        if self.na_action == "exclude":
            if frame.index.is_unique:
                positions = frame.index.get_indexer(design.row_index)
            else:  # built on positions (unique_rows): back to the data's labels
                positions = np.asarray(design.row_index)
                design = dataclasses.replace(design, row_index=frame.index[positions])
            padding = RowPadding(frame.index, positions)
        return dataclasses.replace(design, arguments=dataclasses.replace(self, padding=padding))

    def call_parts(self, design: Design) -> dict[str, str]:
        """R's call arguments ``subset``, ``na.action`` and ``contrasts`` (those given)."""
        parts: dict[str, str] = {}
        if self.subset_text is not None:
            parts["subset"] = self.subset_text
        if self.na_action is not None:
            parts["na.action"] = f"na.{self.na_action}"
        coding = contrasts_text(self.contrasts, _level_counts(design))
        if coding is not None:
            parts["contrasts"] = coding
        return parts


def _level_counts(design: Design) -> dict[str, int]:
    """The number of levels of each factor of the design (R prints ``contr.treatment(n,
    base = k)`` with it)."""
    counts: dict[str, int] = {}
    for spec in design.model_spec:
        for expr, (_, state) in spec.encoder_state.items():
            if isinstance(state, Mapping) and "categories" in state:
                counts[expr.strip("`")] = len(state["categories"])
    return counts


def design_for(formula: Any, data: Any, *, weights: Any, offset: Any,
               context: Mapping[str, Any], safe: bool,
               arguments: FitArguments | None) -> Design:
    """:func:`glmformula.design.build_design` on R's model frame: the rows ``subset``
    keeps, then the ``na_action``, factors without the levels no row used has (R's
    ``drop.unused.levels``), coded with the ``contrasts``."""
    from glmformula.design import build_design
    from glmformula.factors import model_frame_levels
    from glmformula.formula_safety import formula_code

    if not isinstance(formula, str):  # build_design says what a formula is
        return build_design(formula, data, weights=weights, offset=offset, context=context,
                            safe=safe)
    if arguments is None:
        frame = as_frame(data, "data")
    else:
        frame, weights, offset = arguments.select(data, weights, offset, context, safe)
    code = formula_code(formula, list(frame.columns), context, safe=safe)
    named = [a for a in (weights, offset) if isinstance(a, str)]
    columns = [*code.response_columns, *code.model_columns, *named]
    if arguments is not None:
        arguments.check_missing(frame, columns, weights, offset)
    plain: set[str] = set()  # float64 columns read once here, not again by the design
    frame = model_frame_levels(frame, columns, _missing(weights, offset, len(frame)),
                               [c for c in code.model_columns if c not in named], plain)
    built = frame
    if arguments is not None and arguments.na_action == "exclude" and not frame.index.is_unique:
        built = frame.set_axis(pd.RangeIndex(len(frame)), axis=0)  # rows found by position
    design = build_design(formula, built, weights=weights, offset=offset, context=context,
                          safe=safe, contrasts=None if arguments is None else arguments.contrasts,
                          plain_columns=plain, code=code)
    return design if arguments is None else arguments.finish(design, frame)


def _missing(weights: Any, offset: Any, n: int) -> np.ndarray | None:
    """Rows where weights or offset given as arrays are missing."""
    missing = None
    for argument in (weights, offset):
        if argument is None or isinstance(argument, str):
            continue
        values = pd.to_numeric(pd.Series(np.asarray(argument).ravel()), errors="coerce")
        if len(values) == n:
            here = values.isna().to_numpy()
            missing = here if missing is None else missing | here
    return missing


def call_parts(design: Design, family: Any = None, label: str = "") -> dict[str, str]:
    """R's call arguments for the design's subset, na_action and contrasts (if given), and
    the family as the caller wrote it in R's syntax (``binomial(link = probit)``)."""
    parts = {} if design.arguments is None else design.arguments.call_parts(design)
    if isinstance(family, str) and "(" in family:
        from glmformula.rows_subset import r_subset_text

        try:
            text = r_subset_text(family)
            parts["family"] = label + text[text.index("("):]  # R's name: Gamma, not gamma
        except FormulaError:
            pass
    return parts


__all__ = ["NA_ACTIONS", "FitArguments", "RowPadding", "call_parts", "design_for"]
