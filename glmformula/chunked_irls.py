"""R's ``glm.fit`` on chunked data: one pass over the partitions per iteration.

Each pass sends the current coefficients to every partition; a partition
returns its share of the deviance and of ``X'WX`` and ``X'Wz`` at those
coefficients (:mod:`glmformula.chunked_pass`), and the shares are added in
partition order (so the result does not depend on which worker finished first).
:class:`ChunkedData` is the data source that the one IRLS loop
(:func:`glmformula.irls.iterate`) asks, as it asks the in-memory one: R's
starting values, step halving, convergence and warnings are that loop's.

The normal equations are solved by Cholesky as in memory; when they are too
ill-conditioned for that, a Cholesky with R's limited pivoting decides which
columns are aliased (see :func:`solve_gram_pivoted`).

>>> import numpy as np
>>> gram = np.array([[4.0, 2.0, 4.0], [2.0, 5.0, 2.0], [4.0, 2.0, 4.0]])
>>> ls = solve_gram_pivoted(gram, np.array([1.0, 2.0, 1.0]))
>>> ls.rank, ls.pivot.tolist()
(2, [0, 1, 2])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg import solve_triangular

from glmformula.chunked_pass import PassRequest
from glmformula.errors import FitError
from glmformula.irls import Control, IRLSFit, IRLSRun, coefficients, iterate
from glmformula.rows import not_in_memory
from glmformula.solvers import LeastSquares, solve_normal_equations

Array = np.ndarray

#: On the normal equations a column is aliased when the part of it orthogonal to the
#: columns kept before it has a squared norm below this share of its own (R's QR
#: tolerance on the norms themselves cannot be resolved from X'WX).
GRAM_ALIAS_TOLERANCE = 1e-9


def solve_gram_pivoted(gram: Array, rhs: Array,
                       tolerance: float = GRAM_ALIAS_TOLERANCE) -> LeastSquares:
    """Solve X'WX c = X'Wz by a Cholesky that sets aside near-dependent columns.

    Columns are taken in order, as R's QR does; one whose squared residual norm
    after the columns kept before it is below ``tolerance`` times its own is
    aliased and moved to the end.
    """
    p = gram.shape[0]
    diag = np.diag(gram)
    scale = np.sqrt(np.where(diag > 0, diag, 1.0))
    scaled = gram / scale[:, None] / scale[None, :]
    kept: list[int] = []
    moved: list[int] = []
    upper = np.zeros((0, 0))
    for j in range(p):
        if not diag[j] > 0:
            moved.append(j)
            continue
        column = scaled[kept, j]
        s = solve_triangular(upper, column, trans="T", lower=False) if kept else np.zeros(0)
        residual = scaled[j, j] - float(s @ s)
        if residual <= tolerance * scaled[j, j]:
            moved.append(j)
            continue
        grown = np.zeros((len(kept) + 1, len(kept) + 1))
        grown[:-1, :-1] = upper
        grown[:-1, -1] = s
        grown[-1, -1] = math.sqrt(residual)
        upper = grown
        kept.append(j)
    coef = np.zeros(p)
    if kept:
        b = rhs[kept] / scale[kept]
        t = solve_triangular(upper, b, trans="T", lower=False)
        coef[kept] = solve_triangular(upper, t, lower=False) / scale[kept]
    r_matrix = upper * scale[kept][None, :] if kept else upper
    return LeastSquares(coef, len(kept), np.array(kept + moved, dtype=int), r_matrix)


def solve_gram(gram: Array, rhs: Array) -> LeastSquares:
    """The in-memory fast path (Cholesky) where safe, else :func:`solve_gram_pivoted`;
    non-finite coefficients where the sums are not finite (as R's QR gives them)."""
    if not (np.all(np.isfinite(gram)) and np.all(np.isfinite(rhs))):
        p = rhs.size
        return LeastSquares(np.full(p, np.nan), 0, np.arange(p), np.zeros((0, 0)))
    solved = solve_normal_equations(gram, rhs)
    return solved if solved is not None else solve_gram_pivoted(gram, rhs)


# --- the data source --------------------------------------------------------------------
Runner = Callable[[PassRequest], dict[str, Any]]

#: A pass also adds the AIC and null deviance (for families whose AIC needs no
#: dispersion) once the last relative change of the deviance is below this: IRLS
#: converges about quadratically, so the next pass or the one after is the last.
LIKELY_LAST_CHANGE = 1e-2


class PassState:
    """The fit at one coefficient vector: the totals of one pass over the chunks."""

    def __init__(self, totals: dict[str, Any], coef: Array | None) -> None:
        self.totals = totals
        self.coef = coef  # full width; None: the family's starting means

    @property
    def deviance(self) -> float:
        """The deviance, added over the chunks."""
        return float(self.totals["deviance"])

    @property
    def valid(self) -> bool:
        """eta and mu inside the family's domain in every chunk."""
        return not self.totals.get("invalid")


class ChunkedData:
    """The IRLS loop's data source on chunks: every evaluation is one pass (``run``).

    ``columns`` are the model-matrix columns fitted (of ``p``); ``start``
    coefficients for them, or ``start_full`` full-width coefficients whose
    fitted values start the fit (R's ``mustart = fitted``), else the family's
    starting values. ``extra`` maps the first pass's totals to more fields of
    the later pass requests (to collect the AIC on the way), from the pass
    after a change below :data:`LIKELY_LAST_CHANGE`.
    """

    def __init__(self, run: Runner, p: int, columns: Sequence[int], *,
                 start: Array | None = None, start_full: Array | None = None,
                 extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                 counter: list[int] | None = None) -> None:
        self.run, self.p = run, p
        self.columns = np.asarray(columns, dtype=int)
        self.start_coef = None if start is None else np.asarray(start, float)
        self.start_full = start_full
        self.extra = extra
        self.fields: dict[str, Any] = {}
        self.later_fields: dict[str, Any] = {}
        self.counter = [0] if counter is None else counter  # shared with the null model
        self.first: dict[str, Any] = {}  # the first pass's totals (rows, sums of weights)
        self.final: dict[str, Any] = {}  # totals at the final coefficients, once known

    def widen(self, coef: Array) -> Array:
        """Full-width coefficients, 0 outside the columns fitted."""
        full = np.zeros(self.p)
        full[self.columns] = coef
        return full

    @property
    def passes(self) -> int:
        """Passes over the data so far (this model's and its null model's)."""
        return self.counter[0]

    def pass_over(self, request: PassRequest) -> dict[str, Any]:
        """One pass over the chunks: the totals of ``request``."""
        self.counter[0] += 1
        return self.run(request)

    def _pass(self, coef_full: Array | None) -> PassState:
        request = PassRequest(coef=coef_full, columns=self.columns, **self.fields)
        return PassState(self.pass_over(request), coef_full)

    def start(self) -> tuple[PassState, Array | None]:
        """The state at the starting values (one pass), and the start coefficients if given."""
        coefold = self.start_coef
        state = self._pass(self.widen(coefold) if coefold is not None else self.start_full)
        if "deviance" not in state.totals:
            raise FitError("no rows left to fit: every partition is empty after dropping "
                           "missing values")
        self.first = state.totals
        if self.extra is not None:
            self.later_fields = self.extra(state.totals)
        return state, coefold

    def evaluate(self, coef: Array, last_change: float) -> PassState:
        """The state at ``coef``: one pass."""
        if last_change < LIKELY_LAST_CHANGE:  # the extra sums, near the end only
            self.fields.update(self.later_fields)
        return self._pass(self.widen(coef))

    def least_squares(self, state: PassState, tolerance: float) -> LeastSquares | None:
        """Solve the normal equations that the pass added (None: no informative row)."""
        if not state.totals.get("good"):
            return None
        return solve_gram(state.totals["gram"], state.totals["rhs"])

    def null_model(self, state: PassState) -> ChunkedData:
        """The intercept-only model (column 0), started from the fitted means of ``state``."""
        return ChunkedData(self.run, self.p, [0], start_full=state.coef, counter=self.counter)

    def mean_deviance(self, intercept: bool) -> float:
        """The deviance of the weighted mean (``intercept``), else of linkinv(offset): from
        the final totals when they hold it, else a pass."""
        if "null_deviance" not in self.final:
            self.final = {**self.final, **self.pass_over(PassRequest(
                coef=None, columns=self.columns, gram=False, totals=True,
                null_mean=self.null_mean() if intercept else None, null_offset=not intercept))}
        return float(self.final["null_deviance"])

    def null_mean(self) -> float:
        """The weighted mean of the response (from the first pass's sums, or a pass)."""
        if "sum_w" not in self.first:
            self.first = self.pass_over(PassRequest(coef=None, columns=self.columns, gram=False))
        return float(self.first["sum_wy"] / self.first["sum_w"])


@dataclass
class ChunkedFit:
    """A chunked IRLS fit: the estimates, and the totals that the per-row arrays give in memory."""

    fit: IRLSFit
    rows: int  # rows used
    nobs: int  # rows with non-zero prior weight
    dropped: int
    sum_w: float
    sum_wy: float
    coef_weights: Array | None  # the coefficients whose eta gave the last working weights
    passes: int = 0
    last: dict[str, Any] | None = None  # the last pass's totals, at the final coefficients
    extra: dict[str, Any] = field(default_factory=dict)


def add_shares(shares: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Add the partitions' shares in partition order; messages are collected."""
    total: dict[str, Any] = {}
    for share in shares:
        for key, value in share.items():
            if key == "boundary":  # the first message, "" when there is none
                total[key] = total.get(key) or value
            elif key in total:
                total[key] = total[key] + value
            else:
                total[key] = value
    return total


def fitted_coefficients(done: IRLSRun) -> IRLSFit:
    """The fit where the loop stopped; its per-row fields are never in memory here."""
    return IRLSFit(**coefficients(done), eta=not_in_memory("the linear predictor"),
                   mu=not_in_memory("the fitted values"), deviance=done.state.deviance,
                   working_weights=not_in_memory("the working weights"),
                   working_residuals=not_in_memory("the working residuals"))


def fit_chunked(run: Runner, p: int, columns: Sequence[int], control: Control, *,
                start: Array | None = None, start_full: Array | None = None,
                progress: Any = None,
                extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> ChunkedFit:
    """R's IRLS (:func:`glmformula.irls.iterate`) on the chunks; see :class:`ChunkedData`."""
    data = ChunkedData(run, p, columns, start=start, start_full=start_full, extra=extra)
    done = iterate(data, control, progress)
    state = done.state.totals
    fit = fitted_coefficients(done)
    return ChunkedFit(fit=fit, rows=int(state["rows"]), nobs=int(state["nobs"]),
                      dropped=int(state.get("dropped", 0)), sum_w=float(state["sum_w"]),
                      sum_wy=float(state["sum_wy"]), coef_weights=done.weights_state.coef,
                      passes=data.passes, last=state if "boundary" in state else None)
