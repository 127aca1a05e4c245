"""``GLMResult``: a fitted model as data, with R's accessors.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> m.coef.round(5).tolist()
[3.69196, -0.20599, -0.32132, -0.51849]
>>> m.df_residual, m.df_null, m.converged
(50, 53, True)
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from glmformula.design import Design
from glmformula.errors import ArgumentTypeError
from glmformula.families import Family, PreparedResponse
from glmformula.irls import Control, IRLSFit
from glmformula.result_outputs import ModelOutputs
from glmformula.rows import RowData, needs_rows

if TYPE_CHECKING:
    pass

#: functions that take a fitted model but need its rows in memory (selection refits, plots)
IN_MEMORY_FUNCTIONS = frozenset({"drop1()", "add1()", "step()", "dropterm()", "addterm()",
                                 "plot_predictions()"})


def require_model(value: object, function: str) -> GLMResult:
    """``value`` when it is a fitted model, else an ArgumentTypeError naming ``function``.

    >>> try:
    ...     require_model("x", "anova()")
    ... except ArgumentTypeError as e:
    ...     print(e)
    anova() takes fitted models from glmformula.glm() or glm_nb(); got str
    """
    if isinstance(value, GLMResult):
        value.check_usable_in(function)
        return value
    hint = ""
    if isinstance(value, str) and value in ("Chisq", "LRT", "F", "Rao", "Cp"):
        hint = f" (to choose the test, pass test={value!r})"
    raise ArgumentTypeError(
        f"{function} takes fitted models from glmformula.glm() or glm_nb(); "
        f"got {type(value).__name__}{hint}"
    )


@dataclass(frozen=True, eq=False, repr=False)  # repr: R's print.glm (ModelOutputs)
class GLMResult(ModelOutputs):
    """A fitted generalized linear model. Build it with :func:`glmformula.glm`."""

    design: Design
    family: Family
    response: PreparedResponse
    fit: IRLSFit
    null_deviance: float
    offset: np.ndarray
    control: Control
    call: str
    #: the row-level data: arrays in memory (:class:`~glmformula.rows.ArrayRows`), lazy on Dask
    rows: RowData
    cov_type: str = "nonrobust"  # "nonrobust", "HC0".."HC5", "HC4m" or "cluster"; see with_cov()
    cov_override: np.ndarray | None = None  # the robust covariance (non-aliased columns)
    #: after :func:`glmformula.step`: R's ``$anova``, the stepwise model path
    step_path: pd.DataFrame | None = None
    #: binomial separation: '+Inf' / '-Inf' by coefficient name for the infinite estimates
    infinite_estimates: pd.Series | None = None
    #: the caller's data object (a reference, never copied or modified): refits use it
    data: Any = field(default=None, repr=False)
    #: the other arguments of the glm()/glm_nb() call, as given (update() reuses them)
    call_args: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def formula(self) -> str:
        """R's ``formula(m)``: the model formula, its ``.`` expanded into the data's columns,
        deparsed as R writes it. See :mod:`glmformula.update`."""
        from glmformula.update import model_formula

        return model_formula(self)

    def update(self, formula: str | None = None, **arguments: Any) -> GLMResult:
        """R's ``update(m, formula, ...)``: refit with an updated formula or arguments; see
        :func:`glmformula.update.update`."""
        from glmformula.update import update_model

        return update_model(self, formula, arguments, sys._getframe(1))

    def check_usable_in(self, function: str) -> None:
        """Model selection and prediction plots refit or read the rows in memory: a chunked
        fit refuses them (:data:`IN_MEMORY_FUNCTIONS`)."""
        if function in IN_MEMORY_FUNCTIONS and not self.rows.in_memory:
            raise needs_rows(function, "refits models on data in memory",
                             ", and pass that data to it. gf.anova(m) and gf.anova(m0, m1) "
                             "compare chunked fits (refitting on the chunks)")

    # --- coefficients and their covariance ----------------------------------
    @property
    def column_names(self) -> list[str]:
        """Names of the model-matrix columns (R's coefficient names)."""
        return list(self.design.column_names)

    @cached_property
    def coef(self) -> pd.Series:
        """Estimates; NaN where a column is aliased, as R reports NA."""
        return pd.Series(self.fit.coef, index=self.column_names, name="coef")

    @property
    def aliased(self) -> pd.Series:
        """True for columns dropped as linearly dependent on earlier ones."""
        return pd.Series(self.fit.aliased, index=self.column_names, name="aliased")

    @property
    def rank(self) -> int:
        """Number of estimable coefficients."""
        return self.fit.rank

    def model_matrix(self) -> np.ndarray:
        """The model matrix of the rows used, as a numpy array (R's ``model.matrix``)."""
        return self.rows.model_matrix()

    def refit(self, X: np.ndarray) -> IRLSFit:
        """Fit the same response, weights, offset, family and control on other columns X."""
        return self.rows.refit(X, self.control)

    def column_refitter(self) -> Callable[[list[int]], IRLSFit]:
        """A function that refits the model on a subset of its columns (by position).

        >>> import glmformula as gf
        >>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
        ...            family="poisson")
        >>> round(m.column_refitter()([0, 1]).deviance, 4)
        281.3335
        """
        return self.rows.column_fitter(self.control)

    @cached_property
    def dispersion(self) -> float:
        """1 where the family fixes it; else R's Pearson-type estimate from the working weights."""
        if self.family.fixed_dispersion:
            return 1.0
        if self.df_residual <= 0:
            return math.nan
        return self.rows.pearson() / self.df_residual

    @property
    def dispersion_estimated(self) -> bool:
        """True when the dispersion is estimated (t tests), False when fixed (z tests)."""
        return not self.family.fixed_dispersion

    @cached_property
    def vcov(self) -> pd.DataFrame:
        """Covariance of the estimable coefficients: dispersion times (X'WX)^-1.

        After :meth:`with_cov`, the robust covariance chosen there.
        """
        keep = ~self.fit.aliased
        names = [n for n, k in zip(self.column_names, keep, strict=True) if k]
        if self.cov_override is not None:
            cov = self.cov_override
        else:
            cov = self.fit.cov_unscaled[np.ix_(keep, keep)] * self.dispersion
        return pd.DataFrame(cov, index=names, columns=names)

    @cached_property
    def std_errors(self) -> pd.Series:
        """Standard errors; NaN where aliased."""
        se = np.full(len(self.column_names), np.nan)
        se[~self.fit.aliased] = np.sqrt(np.diag(self.vcov.to_numpy()))
        return pd.Series(se, index=self.column_names, name="std_errors")

    def confint(self, level: float = 0.95, method: str = "profile",
                parm: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Confidence intervals for the coefficients, as R's ``confint``.

        ``method="profile"`` (the default, R's ``confint.glm``, from MASS in
        R < 4.4): profile-likelihood intervals, see :mod:`glmformula.profile`.
        ``method="wald"`` (R's ``confint.default``): ``coef +/- qnorm((1 +
        level) / 2) * std_error`` with normal quantiles, also when the
        dispersion is estimated (as R). Columns are named as R names them
        ("2.5 %", "97.5 %"); aliased coefficients get NaN rows. ``parm``: a
        coefficient name or a list of names (R's ``parm``; positions are refused,
        see :mod:`glmformula.confint`) gives only their rows, profiling only them.

        >>> import glmformula as gf
        >>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
        ...            family="poisson")
        >>> ci = m.confint(level=0.9, method="wald")
        >>> list(ci.columns)
        ['5 %', '95 %']
        >>> ci.loc["woolB"].round(4).tolist()
        [-0.2908, -0.1212]
        >>> m.confint(parm="woolB").round(4).values.tolist()
        [[-0.3073, -0.1051]]
        """
        from glmformula.confint import model_confint

        return model_confint(self, level, method, parm)

    def with_cov(self, cov_type: str, groups: object = None) -> GLMResult:
        """A copy whose ``vcov``, ``std_errors``, ``summary()`` and ``predict`` SEs are robust.

        ``cov_type`` is "HC0" to "HC5" or "HC4m" (:func:`glmformula.robust.vcov_hc`,
        R's ``sandwich::vcovHC``), "cluster" with ``groups``
        (:func:`glmformula.robust.vcov_cluster`, R's ``sandwich::vcovCL``) or
        "nonrobust" (the model-based covariance). Test statistics become
        z tests in ``summary()``, as ``lmtest::coeftest(m, vcov. = ...)`` gives
        for a GLM (normal reference distribution, also for estimated dispersions).

        >>> import glmformula as gf
        >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
        >>> robust = m.with_cov("HC0")
        >>> bool(robust.std_errors["woolB"] > m.std_errors["woolB"])
        True
        """
        import dataclasses

        from glmformula.robust import HC_TYPES, vcov_cluster, vcov_hc

        if cov_type == "nonrobust":
            cov = None
        elif cov_type in HC_TYPES:
            cov = vcov_hc(self, cov_type).to_numpy()
        elif cov_type == "cluster":
            if groups is None:
                raise ArgumentTypeError("cov_type='cluster' needs groups")
            cov = vcov_cluster(self, groups).to_numpy()
        else:
            raise ArgumentTypeError(
                f"unknown cov_type {cov_type!r}; use 'nonrobust', 'HC0', 'HC1', 'HC2', "
                "'HC3' or 'cluster'"
            )
        if groups is not None and cov_type != "cluster":
            raise ArgumentTypeError("groups is only used with cov_type='cluster'")
        return dataclasses.replace(self, cov_type=cov_type, cov_override=cov)

    # --- fit statistics ----------------------------------------------------
    @property
    def deviance(self) -> float:
        """Residual deviance."""
        return float(self.fit.deviance)

    @property
    def nobs(self) -> int:
        """Observations with non-zero prior weight (R's ``nobs``)."""
        return self.rows.nobs

    @property
    def n_rows(self) -> int:
        """Rows used in the fit, zero prior weights included (R's ``length(y)``)."""
        return self.rows.n_rows

    @property
    def df_residual(self) -> int:
        """Residual degrees of freedom: informative rows minus rank."""
        return self.nobs - self.rank

    @property
    def df_null(self) -> int:
        """Degrees of freedom of the null model."""
        return self.nobs - int(self.design.has_intercept)

    @property
    def iterations(self) -> int:
        """Fisher scoring iterations taken."""
        return self.fit.iterations

    @property
    def converged(self) -> bool:
        """Whether IRLS met its convergence criterion."""
        return bool(self.fit.converged)

    @cached_property
    def aic(self) -> float:
        """Akaike's criterion as R computes it; NaN for quasi families."""
        return float(self.rows.aic_base() + 2 * self.rank)

    @property
    def df_loglik(self) -> int:
        """Parameters counted by the log-likelihood: rank plus an estimated scale."""
        return self.rank + self.family.scale_parameters

    @property
    def loglik(self) -> float:
        """Log-likelihood (R's ``logLik``); NaN for quasi families."""
        return float(self.df_loglik - self.aic / 2)

    @property
    def bic(self) -> float:
        """Schwarz's criterion, -2 logLik + log(n) df, n counting every row used (as R)."""
        return float(-2 * self.loglik + math.log(self.n_rows) * self.df_loglik)

    @property
    def pearson_chi2(self) -> float:
        """Sum of squared Pearson residuals (the error estimate of car's F tests)."""
        total = (self.residuals("pearson") ** 2).sum()  # NaN skipped; lazy on Dask
        return float(total.compute() if hasattr(total, "compute") else total)

    # --- per-row quantities: a pandas Series in memory, a lazy Dask series on Dask ---------
    @property
    def fitted(self) -> pd.Series:
        """Fitted means mu for the rows used."""
        return self.rows.series("fitted")

    @property
    def linear_predictor(self) -> pd.Series:
        """eta = X b + offset for the rows used."""
        return self.rows.series("linear_predictor")

    @property
    def prior_weights(self) -> pd.Series:
        """Prior weights as used in the fit (times the trials for cbind responses)."""
        return self.rows.series("prior_weights")

    @property
    def working_weights(self) -> pd.Series:
        """IRLS weights of the last iteration (R's ``weights(m, "working")``)."""
        return self.rows.series("working_weights")

    @property
    def y(self) -> pd.Series:
        """The response as modelled (a proportion for binomial families)."""
        return self.rows.series("y")
