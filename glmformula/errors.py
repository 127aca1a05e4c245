"""Exception and warning classes raised by glmformula.

Every error a user can provoke is one of these classes, so that callers can
catch ``glmformula.GLMError`` (or the built-in base it also derives from).

>>> issubclass(DataError, ValueError)
True
>>> shorten("x" * 100)
"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (100 characters)"
"""

from __future__ import annotations

#: The most characters of a value that an error message quotes.
MAX_QUOTED = 80


def shorten(value: object, limit: int = MAX_QUOTED, quote: bool = True) -> str:
    """`value` as an error message quotes it (its repr; str with ``quote=False``), cut to
    about `limit` characters with its full length said: data cells, column names and
    formulas can be megabytes long."""
    text = value if isinstance(value, str) else (repr(value) if quote else str(value))
    quoted = quote and isinstance(value, str)
    if len(text) <= limit:
        shown = repr(text) if quoted else text
        if len(shown) <= limit + 2:
            return shown
    cut = max(limit - 12, 1)
    if quoted:
        head = repr(text[:cut])
        return f"{head[:-1]}...{head[-1]} ({len(text):,} characters)"
    return f"{text[:cut]}... ({len(text):,} characters)"


class GLMError(Exception):
    """Base class of every glmformula error."""


class DataError(GLMError, ValueError):
    """The data cannot be used as given (missing column, NaN, wrong length...)."""


class FormulaError(GLMError, ValueError):
    """The formula cannot be parsed or evaluated on the data."""


class FamilyError(GLMError, ValueError):
    """Unknown family or link, or a link the family does not allow."""


class ResponseError(DataError):
    """The response does not suit the family (negative counts, y outside [0, 1]...)."""


class ArgumentTypeError(GLMError, TypeError):
    """An argument has the wrong type."""


class FitError(GLMError, ValueError):
    """IRLS cannot produce a fit (no valid starting values, inner loop failure)."""


class GLMWarning(UserWarning):
    """Base class of glmformula warnings."""


class ConvergenceWarning(GLMWarning):
    """IRLS stopped without meeting its convergence criterion."""


class BoundaryWarning(GLMWarning):
    """Fitted values at the boundary (probabilities 0 or 1, rates 0)."""


class AliasingWarning(GLMWarning):
    """Columns of the design matrix are linearly dependent."""


class SeparationWarning(GLMWarning):
    """Binomial data are separated: some maximum likelihood estimates are infinite."""
