"""R's ``logLik()``, ``AIC()`` and ``BIC()`` on one or several fitted models.

:func:`logLik` is a float with R's ``df`` and ``nobs`` that prints as R
prints it (``'log Lik.' -18.43373 (df=3)``). The df is the fit's rank, plus
one for an estimated scale (gaussian, Gamma, inverse.gaussian: R's
``logLik.glm``) or for theta (:func:`glmformula.glm_nb`: MASS's
``logLik.negbin``). ``AIC(m)`` is ``-2 logLik + k df``; ``BIC(m)`` is
``-2 logLik + log(nobs) df``, nobs counting every row used (zero weights too,
as R). With several models they give R's table: a DataFrame with columns
``df`` and ``AIC`` (or ``BIC``), one row per model named by the caller's
variable for it (``m1``, ``m2`` for a model without a name, as R's row names
are the arguments as written), printed as R prints it.

>>> import glmformula as gf
>>> bw = gf.datasets.load("budworm")
>>> small = gf.glm("cbind(numdead, numalive) ~ sex + ldose - 1", data=bw, family="binomial")
>>> large = small.update(". ~ sex * ldose")
>>> print(logLik(small))
'log Lik.' -18.43373 (df=3)
>>> print(AIC(small, large))
      df      AIC
small  3 42.86747
large  4 43.10413
>>> round(BIC(small), 5), round(float(logLik(large)), 5)
(44.32219, -17.55206)
"""

from __future__ import annotations

import math
import sys
import warnings
from types import FrameType
from typing import TYPE_CHECKING

from glmformula.errors import ArgumentTypeError, GLMWarning
from glmformula.rformat import format_number
from glmformula.rtables import RFrame

if TYPE_CHECKING:
    from glmformula.result import GLMResult


class LogLik(float):
    """A log-likelihood with R's attributes ``df`` and ``nobs``; prints as R's ``logLik``."""

    df: int
    nobs: int

    def __new__(cls, value: float, df: int, nobs: int) -> LogLik:
        self = super().__new__(cls, value)
        self.df, self.nobs = df, nobs
        return self

    def __repr__(self) -> str:
        return f"'log Lik.' {format_number(float(self))} (df={self.df})"

    __str__ = __repr__


def logLik(model: GLMResult) -> LogLik:  # R's name
    """R's ``logLik(m)``: the log-likelihood with its df (NaN for quasi families).

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"))
    >>> ll = logLik(m)
    >>> print(ll)
    'log Lik.' -214.093 (df=3)
    >>> ll.df, ll.nobs, round(float(ll), 4)
    (3, 54, -214.093)
    """
    from glmformula.result import require_model

    model = require_model(model, "logLik()")
    return LogLik(model.loglik, int(model.df_loglik), int(model.n_rows))


def _table(models: tuple[GLMResult, ...], caller: FrameType | None, column: str,
           penalty: list[float]) -> RFrame:
    from glmformula.update import name_in_frame

    lls = [logLik(m) for m in models]
    if len({ll.nobs for ll in lls}) > 1:
        warnings.warn("models are not all fitted to the same number of observations",
                      GLMWarning, stacklevel=3)
    names = [name_in_frame(caller, m) or f"m{i + 1}" for i, m in enumerate(models)]
    return RFrame({"df": [ll.df for ll in lls],
                   column: [-2 * float(ll) + k * ll.df for ll, k in zip(lls, penalty,
                                                                         strict=True)]},
                  index=names)


def _check(models: tuple[GLMResult, ...], function: str) -> None:
    if not models:
        raise ArgumentTypeError(f"{function} needs at least one fitted model")


def AIC(*models: GLMResult, k: float = 2) -> float | RFrame:  # R's name
    """R's ``AIC(m1, m2, ..., k = 2)``: a number for one model, else R's table.

    ``k = log(n)`` gives the BIC-like penalty that ``step(k=)`` uses.
    """
    _check(models, "AIC()")
    if len(models) == 1:
        ll = logLik(models[0])
        return -2 * float(ll) + k * ll.df
    return _table(models, sys._getframe(1), "AIC", [k] * len(models))


def BIC(*models: GLMResult) -> float | RFrame:  # R's name
    """R's ``BIC(m1, m2, ...)``: a number for one model, else R's table."""
    _check(models, "BIC()")
    if len(models) == 1:
        ll = logLik(models[0])
        return -2 * float(ll) + math.log(ll.nobs) * ll.df
    penalty = [math.log(logLik(m).nobs) for m in models]
    return _table(models, sys._getframe(1), "BIC", penalty)


__all__ = ["AIC", "BIC", "LogLik", "logLik"]
