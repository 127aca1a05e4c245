"""R's spellings of functions a formula calls: ``log(x, base)`` and ``c(...)``.

>>> import numpy as np
>>> [round(float(v), 6) for v in log(np.array([8.0, 100.0]), 2)]
[3.0, 6.643856]
>>> log(np.array([1000.0]), base=10).tolist(), c(3, 5.5).tolist(), c('a', 'b').tolist()
([3.0], [3.0, 5.5], ['a', 'b'])
"""

from __future__ import annotations

from typing import Any

import numpy as np


def log(x: Any, base: Any = None) -> Any:
    """R's ``log(x, base = exp(1))``: base 10 and 2 by log10 and log2, others as
    log(x)/log(base), as R's ``logbase``."""
    if base is None:
        return np.log(x)
    if np.ndim(base) == 0:
        if base == 10:
            return np.log10(x)
        if base == 2:
            return np.log2(x)
    return np.log(x) / np.log(base)


def c(*values: Any) -> np.ndarray:
    """R's ``c(...)``: the values as one vector (``knots = c(10, 20)``)."""
    if not values:
        return np.zeros(0)
    return np.concatenate([np.atleast_1d(np.asarray(v)).ravel() for v in values])
