"""R's ``scale()`` and ``center()`` for formulas: stateful, and blind to missing values.

Their state (mean, standard deviation, and the count of values they came
from) is learned on the data the model is fitted to and replayed on new data
by ``predict``. As in R, missing values are left out of the mean and the
standard deviation (and stay missing, so their rows are dropped).

>>> import numpy as np
>>> state = {}
>>> scale(np.array([1.0, np.nan, 3.0, 4.0, 8.0, 2.0]), _state=state).round(4).tolist()[:2]
[-0.9623, nan]
>>> float(state["center"]), round(state["scale"], 6), state["n"]
(3.6, 2.701851, 5)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
from formulaic.utils.stateful_transforms import stateful_transform as _stateful_transform

_Transform = TypeVar("_Transform", bound=Callable[..., Any])


def stateful_transform(func: _Transform) -> _Transform:
    """formulaic's decorator, typed: its wrapper takes the arguments of ``func``."""
    return cast(_Transform, _stateful_transform(func))


def _setting(value: bool | float, learned: float) -> float | None:
    if value is True:
        return learned
    if value is False or value is None:
        return None
    return float(value)


@stateful_transform
def scale(data: Any, center: bool | float = True, scale: bool | float = True,
          _state: dict[str, Any] = {}) -> np.ndarray:  # noqa: B006 - formulaic replaces it
    """(x - mean) / sd as R's ``scale(x)``; ``center``/``scale`` may be False or numbers."""
    values = np.asarray(data, dtype=np.float64)
    if "center" not in _state:
        present = values[~np.isnan(values)]
        _state["n"] = int(present.size)
        _state["ddof"] = 1
        _state["learned"] = [center is True, scale is True]
        _state["center"] = _setting(center, float(np.mean(present)) if present.size else np.nan)
        shift = 0.0 if _state["center"] is None else _state["center"]
        spread = (float(np.sqrt(np.sum((present - shift) ** 2) / (present.size - 1)))
                  if present.size > 1 else np.nan)
        _state["scale"] = _setting(scale, spread)
    out = values
    if _state["center"] is not None:
        out = out - _state["center"]
    if _state["scale"] is not None:
        out = out / _state["scale"]
    return out


@stateful_transform
def center(data: Any, _state: dict[str, Any] = {}) -> np.ndarray:  # noqa: B006
    """x - mean(x), as R's ``scale(x, scale = FALSE)``."""
    return scale(data, center=True, scale=False, _state=_state)
