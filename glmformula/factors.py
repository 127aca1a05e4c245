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
        codes = values.cat.codes.to_numpy()
        return _kept(values.cat.categories, _codes_present(codes[codes >= 0],
                                                           len(values.cat.categories)))
    return sorted(values.dropna().unique())


def _codes_present(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """Which of ``n_levels`` levels occur among non-negative category codes."""
    return np.bincount(codes, minlength=n_levels) > 0


def _kept(levels: pd.Index, present: np.ndarray) -> list[Any]:
    return [level for level, kept in zip(levels, present, strict=True) if kept]


def missing_values(column: pd.Series) -> np.ndarray | None:
    """Where a column is missing (R's ``is.na``, pandas' ``isna``); None when no value is.

    Read cheaply: a categorical's codes (-1), NaN in a float column (a sum of squares
    decides when there is none), nothing in an integer or logical column; pandas' ``isna``
    otherwise.

    >>> missing_values(pd.Series([1.0, float("nan")])).tolist()
    [False, True]
    >>> missing_values(pd.Series(pd.Categorical(["a", None]))).tolist()
    [False, True]
    >>> missing_values(pd.Series(["a", None], dtype=object)).tolist()
    [False, True]
    >>> missing_values(pd.Series([1, 2])) is None, missing_values(pd.Series([0.5])) is None
    (True, True)
    """
    return _scan(column)[0]


def _scan(column: pd.Series) -> tuple[np.ndarray | None, bool]:
    """:func:`missing_values`, and whether the column is float64 and plainly finite
    (:func:`glmformula.design_checks.plainly_finite`: the same pass decides both)."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        return (codes < 0 if codes.size and codes.min() < 0 else None), False
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return None, False
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = column.to_numpy()
        if dtype == np.float64:
            from glmformula.design_checks import plainly_finite

            if plainly_finite(values):
                return None, True
        else:
            with np.errstate(all="ignore"):
                if not np.isnan(np.add.reduce(values, axis=None)):  # NaN propagates
                    return None, False
        mask = np.isnan(values)
    else:
        mask = np.asarray(column.isna(), dtype=bool)
    return (mask if mask.any() else None), False


def incomplete_rows(frame: pd.DataFrame, columns: Sequence[str],
                    incomplete: np.ndarray | None = None,
                    plain: set[str] | None = None) -> np.ndarray | None:
    """The rows of R's model frame that ``na.omit`` drops: a missing value in one of
    ``columns`` (those in ``frame``), or True in ``incomplete``; None when every row is
    complete. One pass per column (see :func:`missing_values`), no copy of the frame.
    ``plain``: gets the names of the float64 columns found plainly finite (the structured
    design reads them without a second pass).

    >>> df = pd.DataFrame({"x": [1.0, None, 3.0], "g": pd.Categorical(["a", "b", None])})
    >>> incomplete_rows(df, ["x", "g"]).tolist(), incomplete_rows(df, ["x"]).tolist()
    ([False, True, True], [False, True, False])
    >>> incomplete_rows(df.iloc[:1], ["x", "g"]) is None
    True
    """
    missing = None
    if incomplete is not None and incomplete.any():
        missing = np.array(incomplete, dtype=bool)
    for c in dict.fromkeys(columns):
        if c not in frame.columns:
            continue
        here, clean = _scan(frame[c])
        if clean and plain is not None:
            plain.add(c)
        if here is not None:
            missing = here.copy() if missing is None else np.logical_or(missing, here, out=missing)
    return missing


def drop_unused_levels(frame: pd.DataFrame, columns: Sequence[str],
                       incomplete: np.ndarray | None = None, *,
                       complete_known: bool = False) -> pd.DataFrame:
    """R's ``model.frame(..., drop.unused.levels = TRUE)``: each categorical column among
    ``columns`` keeps only the levels that occur in the complete rows (no missing value in
    ``columns``, nor where ``incomplete`` is True), in their order. A new frame when a
    level goes; the caller's frame is never changed. ``complete_known``: ``incomplete`` is
    already :func:`incomplete_rows` of ``columns`` (None: every row is complete).

    >>> df = pd.DataFrame({"g": pd.Categorical(["a", "b"], categories=["a", "b", "c"]),
    ...                    "y": [1.0, None]})
    >>> drop_unused_levels(df, ["g", "y"])["g"].cat.categories.tolist()
    ['a']
    """
    used = [c for c in dict.fromkeys(columns) if c in frame.columns]
    dtypes = _dtypes(frame)
    factors = [c for c in used if isinstance(dtypes[c], pd.CategoricalDtype)]
    if not factors:
        return frame
    missing = incomplete if complete_known else incomplete_rows(frame, used, incomplete)
    trimmed: dict[str, pd.Series] = {}
    for c in factors:
        column = frame[c]
        categories = column.cat.categories
        codes = column.cat.codes.to_numpy()  # no -1 in the complete rows: c is used
        present = _codes_present(codes if missing is None else codes[~missing],
                                 len(categories))
        if not present.all():
            trimmed[c] = column.cat.set_categories(_kept(categories, present))
    return frame.assign(**trimmed) if trimmed else frame


def _dtypes(frame: pd.DataFrame) -> dict[Any, Any]:
    """Each column's dtype (without building a Series per column)."""
    return dict(zip(frame.columns, frame.dtypes, strict=True))


def _factor_like(dtype: Any) -> bool:
    return isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype)


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
                        predictors: Sequence[str] | None = None, *,
                        complete_known: bool = False) -> None:
    """R's ``contrasts<-`` check: a factor (or text) predictor needs 2 or more levels in the
    rows used (complete in ``columns``); one level (after ``subset`` and missing values) is
    a DataError, as in R. ``predictors``: the columns to check (default: ``columns``).
    ``complete_known``: as in :func:`drop_unused_levels`.

    >>> df = pd.DataFrame({"g": pd.Categorical(["a", "a"]), "y": [1.0, 2.0]})
    >>> try:
    ...     check_factor_levels(df, ["g"])
    ... except DataError as e:
    ...     print(str(e)[:56])
    the factor 'g' has only one level ('a') in the rows used
    """
    used = [c for c in dict.fromkeys(columns) if c in frame.columns]
    dtypes = _dtypes(frame)
    checked = [c for c in (used if predictors is None else
                           [p for p in predictors if p in used])
               if _factor_like(dtypes[c])]
    if not any(not isinstance(dtypes[c], pd.CategoricalDtype)
               or len(dtypes[c].categories) == 1 for c in checked):
        return  # categoricals with 0 or 2+ levels: nothing to check
    missing = incomplete if complete_known else incomplete_rows(frame, used, incomplete)
    rows = None if missing is None else np.flatnonzero(~missing)
    if rows is not None and rows.size == 0:
        return
    for c in checked:
        column = frame[c]
        if isinstance(column.dtype, pd.CategoricalDtype):
            levels = list(column.cat.categories)
        else:
            kept = column if rows is None else column.iloc[rows]
            levels = kept.dropna().unique().tolist()
        if len(levels) == 1:
            raise one_level_error(c, levels[0])


def model_frame_levels(frame: pd.DataFrame, columns: Sequence[str],
                       incomplete: np.ndarray | None, predictors: Sequence[str],
                       plain: set[str] | None = None) -> pd.DataFrame:
    """:func:`drop_unused_levels` then :func:`check_factor_levels` (R's model frame and its
    ``contrasts<-`` check), the complete rows found once, and only when a factor or text
    column among ``columns`` needs them. ``plain``: as in :func:`incomplete_rows`.

    >>> df = pd.DataFrame({"g": pd.Categorical(["a", "b"], categories=["a", "b", "c"]),
    ...                    "h": ["u", "v"], "y": [1.0, 2.0]})
    >>> model_frame_levels(df, ["y", "g", "h"], None, ["g", "h"])["g"].cat.categories.tolist()
    ['a', 'b']
    """
    used = [c for c in dict.fromkeys(columns) if c in frame.columns]
    dtypes = _dtypes(frame)
    if not any(_factor_like(dtypes[c]) for c in used):
        return frame
    missing = incomplete_rows(frame, used, incomplete, plain)
    frame = drop_unused_levels(frame, used, missing, complete_known=True)
    check_factor_levels(frame, used, missing, predictors, complete_known=True)
    return frame


def without_unused_categories(values: Any) -> Any:
    """A categorical Series or Categorical (or formulaic's wrapper of one) without the
    categories that none of its values has; other values as they are.

    >>> g = pd.Series(pd.Categorical(["L", "M"], categories=["L", "M", "H", "Z"]))
    >>> list(without_unused_categories(g).cat.categories)
    ['L', 'M']
    """
    inner = getattr(values, "__wrapped__", values)
    if isinstance(inner, pd.Series) and isinstance(inner.dtype, pd.CategoricalDtype):
        return inner.cat.remove_unused_categories()
    if isinstance(inner, pd.Categorical):
        return inner.remove_unused_categories()
    return values


__all__ = [
    "without_unused_categories",
    "check_factor_levels",
    "drop_unused_levels",
    "incomplete_rows",
    "missing_values",
    "model_frame_levels",
    "one_level_error",
    "present_levels",
    "relevel",
]
