"""Factors as R handles them: ``relevel()`` and the levels a model frame keeps.

>>> import pandas as pd
>>> relevel(pd.Series(["a", "b", "c", "b"]), ref="b").cat.categories.tolist()
['b', 'a', 'c']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from glmformula.errors import ArgumentTypeError, DataError, shorten


def relevel(x: Any, ref: Any) -> Any:
    """R's ``relevel(x, ref)``: the factor with level ``ref`` first (the reference of
    treatment contrasts), the other levels in their order.

    A pandas Series gives a Series (same index and name), anything else a
    pandas Categorical; strings become a factor with sorted levels first (as
    glm() reads them). An unknown level or an ordered factor is an error, as in R.
    """
    values = x.array if isinstance(x, pd.Series) else x
    categorical = values if isinstance(values, pd.Categorical) else None
    if categorical is None:
        try:
            categorical = pd.Categorical(values)
        except (TypeError, ValueError):
            raise ArgumentTypeError(
                f"relevel() takes a factor (a pandas Series or Categorical); got "
                f"{type(x).__name__}"
            ) from None
    if categorical.ordered:
        raise ArgumentTypeError("'relevel' only for unordered factors (R's rule); this "
                                "factor is ordered")
    levels = list(categorical.categories)
    matches = [level for level in levels if level == ref] or [
        level for level in levels if _label(level) == str(ref)]
    if not matches:
        raise DataError(
            f"'ref' must be an existing level: {shorten(ref)} is not one of "
            f"{', '.join(shorten(_label(v)) for v in levels[:20])}"
        )
    first = matches[0]
    result = categorical.reorder_categories([first, *(v for v in levels if v is not first)])
    if isinstance(x, pd.Series):
        return pd.Series(result, index=x.index, name=x.name)
    return result


def _label(level: Any) -> str:
    from glmformula.design_formulaic import level_label

    return level_label(level)




def present_levels(values: pd.Series) -> list[Any]:
    """The levels a factor column takes (missing values aside): a categorical's in the order
    of its categories, others sorted (R's ``factor()``).

    >>> present_levels(pd.Series(pd.Categorical(["b", "a"], categories=["c", "b", "a"])))
    ['b', 'a']
    >>> present_levels(pd.Series(["y", "x", None, "x"]))
    ['x', 'y']
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    return sorted(values.dropna().unique())


def drop_unused_levels(frame: pd.DataFrame, columns: Sequence[str],
                       incomplete: np.ndarray | None = None) -> pd.DataFrame:
    """R's ``model.frame(..., drop.unused.levels = TRUE)``: each categorical column among
    ``columns`` keeps only the levels that occur in the complete rows (no missing value in
    ``columns``, nor where ``incomplete`` is True), in their order. A new frame when a
    level goes; the caller's frame is never changed.

    >>> df = pd.DataFrame({"g": pd.Categorical(["a", "b"], categories=["a", "b", "c"]),
    ...                    "y": [1.0, None]})
    >>> drop_unused_levels(df, ["g", "y"])["g"].cat.categories.tolist()
    ['a']
    """
    used = [c for c in dict.fromkeys(columns) if c in frame.columns]
    factors = [c for c in used if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not factors:
        return frame
    complete = ~frame[used].isna().to_numpy().any(axis=1)
    if incomplete is not None:
        complete &= ~incomplete
    trimmed: dict[str, pd.Series] = {}
    for c in factors:
        column = frame[c]
        present = set(column.iloc[np.flatnonzero(complete)].dropna().unique())
        levels = [level for level in column.cat.categories if level in present]
        if len(levels) < len(column.cat.categories):
            trimmed[c] = column.cat.set_categories(levels)
    return frame.assign(**trimmed) if trimmed else frame


def one_level_error(column: str, level: Any) -> DataError:
    """R's "contrasts can be applied only to factors with 2 or more levels", named."""
    return DataError(
        f"the factor {shorten(column)} has only one level ({shorten(level)}) in the rows "
        "used; contrasts need 2 or more levels (R: 'contrasts can be applied only to "
        "factors with 2 or more levels'): remove it from the formula, or check subset "
        "and the rows dropped for missing values"
    )


def check_factor_levels(frame: pd.DataFrame, columns: Sequence[str],
                        incomplete: np.ndarray | None = None,
                        predictors: Sequence[str] | None = None) -> None:
    """R's ``contrasts<-`` check: a factor (or text) predictor needs 2 or more levels in the
    rows used (complete in ``columns``); one level (after ``subset`` and missing values) is
    a DataError, as in R. ``predictors``: the columns to check (default: ``columns``).

    >>> df = pd.DataFrame({"g": pd.Categorical(["a", "a"]), "y": [1.0, 2.0]})
    >>> try:
    ...     check_factor_levels(df, ["g"])
    ... except DataError as e:
    ...     print(str(e)[:56])
    the factor 'g' has only one level ('a') in the rows used
    """
    used = [c for c in dict.fromkeys(columns) if c in frame.columns]
    if not used:
        return
    complete = ~frame[used].isna().to_numpy().any(axis=1)
    if incomplete is not None:
        complete &= ~incomplete
    rows = np.flatnonzero(complete)
    for c in used if predictors is None else [p for p in predictors if p in used]:
        column = frame[c]
        categorical = isinstance(column.dtype, pd.CategoricalDtype)
        if not (categorical or pd.api.types.is_string_dtype(column.dtype)):
            continue
        levels = (list(column.cat.categories) if categorical
                  else column.iloc[rows].dropna().unique().tolist())
        if len(levels) == 1 and rows.size > 0:
            raise one_level_error(c, levels[0])


__all__ = ["check_factor_levels", "drop_unused_levels", "one_level_error", "relevel"]
