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
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from glmformula.design import Design
from glmformula.errors import ArgumentTypeError
from glmformula.families import Family, PreparedResponse
from glmformula.irls import Control, IRLSFit
from glmformula.rows import RowData, check_residual_type, needs_rows

if TYPE_CHECKING:
    from glmformula.equation import Equation
    from glmformula.summary import Summary

ResidualType = Literal["deviance", "pearson", "working", "response", "partial"]
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


@dataclass(frozen=True, eq=False)
class GLMResult:
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
    cov_type: str = "nonrobust"  # "nonrobust", "HC0".."HC3" or "cluster"; see with_cov()
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

        ``cov_type`` is "HC0", "HC1", "HC2", "HC3" (:func:`glmformula.robust.vcov_hc`,
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

    def residuals(self, type: ResidualType = "deviance") -> Any:  # noqa: A002
        """Residuals of the given type, as R's ``residuals.glm``: a Series, or for
        ``type="partial"`` a DataFrame (see :func:`glmformula.terms_predict.partial_residuals`).
        """
        if type == "partial":
            from glmformula.terms_predict import partial_residuals

            return partial_residuals(self)
        check_residual_type(type)
        return self.rows.series(f"{type}_residuals")

    def influence(self) -> pd.DataFrame:
        """Regression diagnostics, one row per observation with non-zero prior weight.

        Columns ``hat``, ``cooks_d``, ``rstandard_deviance``,
        ``rstandard_pearson``, ``rstudent`` and ``dfb_<coefficient>`` (one per
        non-aliased coefficient), equal to R's ``hatvalues``,
        ``cooks.distance``, ``rstandard``, ``rstudent`` and ``dfbetas``.
        See :mod:`glmformula.influence`.

        >>> import glmformula as gf
        >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
        >>> m.influence().shape
        (54, 7)
        """
        from glmformula.influence import influence_table

        return influence_table(self)

    def plot(self, id_n: int = 3, figsize: tuple[float, float] = (10, 8)) -> object:
        """R's ``plot(glm)``: four diagnostic panels as a matplotlib Figure.

        Residuals vs Fitted, Q-Q Residuals, Scale-Location, Residuals vs
        Leverage (with Cook's distance contours at 0.5 and 1); the ``id_n``
        most extreme points are labelled by row label. Needs matplotlib
        (``pip install "glmformula[plot]"``). See :mod:`glmformula.plots`.

        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import glmformula as gf
        >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
        >>> fig = m.plot()
        >>> len(fig.axes)
        4
        """
        from glmformula.plots import diagnostic_plot

        return diagnostic_plot(self, id_n, figsize)

    # --- prediction ----------------------------------------------------------
    def predict(
        self,
        newdata: pd.DataFrame | None = None,
        type: Literal["link", "response", "terms"] = "link",  # noqa: A002
        se_fit: bool = False,
        interval: Literal["confidence"] | None = None,
        level: float = 0.95,
        offset: str | Sequence[float] | np.ndarray | pd.Series | None = None,
        terms: Sequence[str] | None = None,
    ) -> pd.Series | pd.DataFrame:
        """Predictions on the link or response scale, optionally with standard errors.

        ``newdata`` is a DataFrame or a dict of columns; a row with a missing
        predictor gets NaN (R's ``na.pass``). ``type="terms"``: the centred
        contribution of each term, with R's ``attr(, "constant")`` in
        ``.attrs["constant"]`` (see :func:`glmformula.terms_predict.predict_terms`;
        ``terms`` picks some of them).

        Factor levels and stateful transforms are replayed from the model
        spec; an unseen factor level in ``newdata`` is an error. With
        ``se_fit=True`` a DataFrame with columns ``fit`` and ``se_fit``.

        ``interval="confidence"`` gives a DataFrame with columns ``fit``,
        ``lwr``, ``upr`` (and ``se_fit`` if asked): a ``level`` confidence
        interval for the mean, ``fit ± z * se`` on the link scale with the
        normal quantile ``z`` (as R users build it from
        ``predict(..., se.fit = TRUE)``), mapped by the inverse link when
        ``type="response"``.

        The offset of ``newdata`` is, as in R, the formula's ``offset()`` terms
        evaluated on it plus the fit's ``offset=``: read from ``newdata`` when
        that was a column name. When it was an array, give the values for the
        rows of ``newdata`` as ``offset=`` (an array aligned with ``newdata``
        or the name of one of its columns); they also replace a column-name
        offset. Without ``newdata``, the predictions of the fitted rows use the
        fit's offset.

        >>> import numpy as np
        >>> import glmformula as gf
        >>> ins = gf.datasets.load("Insurance")
        >>> m = gf.glm("Claims ~ District", data=ins, family="poisson",
        ...            offset=np.log(ins["Holders"]))
        >>> new = ins.head(2)
        >>> m.predict(new, type="response", offset=np.log(new["Holders"])).round(2).tolist()
        [25.8, 34.57]

        >>> bw = gf.datasets.load("warpbreaks")
        >>> m = gf.glm("breaks ~ wool", data=bw, family="poisson")
        >>> ci = m.predict(bw.head(1), type="link", interval="confidence", level=0.9)
        >>> list(ci.columns), bool(ci["lwr"].iloc[0] < ci["fit"].iloc[0] < ci["upr"].iloc[0])
        (['fit', 'lwr', 'upr'], True)
        """
        if type == "terms":
            from glmformula.terms_predict import predict_terms

            return predict_terms(self, newdata, se_fit, terms, interval)
        return self.rows.predict(self, newdata, type, se_fit, interval, level, offset)

    # --- broom-style tables ------------------------------------------------
    def tidy(self, conf_int: bool = False, conf_level: float = 0.95,
             exponentiate: bool = False) -> pd.DataFrame:
        """broom's ``tidy``: term, estimate, std.error, statistic, p.value (+ conf.low/high).

        See :func:`glmformula.tidy.tidy`.
        """
        from glmformula.tidy import tidy

        return tidy(self, conf_int, conf_level, exponentiate)

    def glance(self) -> pd.DataFrame:
        """broom's ``glance``: one row of fit statistics. See :func:`glmformula.tidy.glance`."""
        from glmformula.tidy import glance

        return glance(self)

    def augment(self, newdata: pd.DataFrame | None = None, type_predict: str = "link",
                type_residuals: str = "deviance", data: pd.DataFrame | None = None,
                se_fit: bool = False, offset: Any = None) -> pd.DataFrame:
        """broom's ``augment``: per-row fitted values and diagnostics.

        See :func:`glmformula.tidy.augment`.
        """
        from glmformula.tidy import augment

        return augment(self, data, newdata, type_predict, type_residuals, se_fit, offset)

    # --- output --------------------------------------------------------------
    def summary(self, explain: bool = False, correlation: bool = False,
                digits: int | None = None) -> Summary:
        """R's ``summary.glm`` as data; ``print()`` it for R's layout.

        ``correlation=True`` adds ``Summary.correlation``, the correlation of
        the estimates, printed as R prints it; ``digits`` is the significant
        digits of the printed numbers (R's ``print(summary(m), digits = )``,
        default 4).

        ``explain=True`` adds ``Summary.explanations``, plain-language notes on
        the coefficients, deviances and p-values printed after the layout
        (see :mod:`glmformula.explain`).

        >>> import glmformula as gf
        >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
        >>> "What these numbers mean:" in str(m.summary(explain=True))
        True
        """
        from glmformula.summary import make_summary

        return make_summary(self, explain=explain, correlation=correlation, digits=digits)

    def equation(self, digits: int = 2) -> Equation:
        """The fitted model as a LaTeX equation, as R's ``equatiomatic``; see
        :func:`glmformula.equation.equation`."""
        from glmformula.equation import equation

        return equation(self, digits)

    @property
    def pvalues(self) -> pd.Series:
        """p-values of the coefficient tests (statsmodels' name), NaN where aliased.

        The last column of ``summary().table``: z tests, or t tests when the
        dispersion is estimated.
        """
        return self.summary().table.iloc[:, 3].rename("pvalues")

    def __repr__(self) -> str:
        """R's ``print(m)`` (``print.glm``); see :mod:`glmformula.print_glm`."""
        from glmformula.print_glm import print_glm

        return print_glm(self)

    def _repr_html_(self) -> str:
        from glmformula.print_glm import printed_model
        from glmformula.render.html import render_model_html

        return render_model_html(printed_model(self))
