"""R's ``relevel()``: a factor with another reference level.

>>> import pandas as pd
>>> relevel(pd.Series(["a", "b", "c", "b"]), ref="b").cat.categories.tolist()
['b', 'a', 'c']
"""

from __future__ import annotations

from typing import Any

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


__all__ = ["relevel"]
