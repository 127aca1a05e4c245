"""The outputs of a fitted model: residuals, diagnostics, predictions, tables and printing.

:class:`ModelOutputs` is the part of :class:`~glmformula.result.GLMResult` that
presents a fit (each method hands the model to the module that does the work);
``result.py`` keeps what the fit is: its estimates, covariance and statistics.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
>>> m.residuals("pearson").size, list(m.predict(se_fit=True).columns)
(54, ['fit', 'se_fit'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from glmformula.rows import check_residual_type

if TYPE_CHECKING:
    from glmformula.equation import Equation
    from glmformula.result import GLMResult
    from glmformula.summary import Summary

ResidualType = Literal["deviance", "pearson", "working", "response", "partial"]


class ModelOutputs:
    """R's accessors that present a fit; mixed into :class:`~glmformula.result.GLMResult`."""

    def _model(self) -> GLMResult:
        return cast("GLMResult", self)

    def residuals(self, type: ResidualType = "deviance") -> Any:
        """Residuals of the given type, as R's ``residuals.glm``: a Series, or for
        ``type="partial"`` a DataFrame (see :func:`glmformula.terms_predict.partial_residuals`).
        """
        if type == "partial":
            from glmformula.terms_predict import partial_residuals

            return partial_residuals(self._model())
        check_residual_type(type)
        return self._model().rows.series(f"{type}_residuals")

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

        return influence_table(self._model())

    def plot(self, id_n: int = 3, figsize: tuple[float, float] = (10, 8)) -> object:
        """R's ``plot(glm)``: four diagnostic panels as a matplotlib Figure.

        Residuals vs Fitted, Q-Q Residuals, Scale-Location, Residuals vs
        Leverage (with Cook's distance contours at 0.5 and 1); the ``id_n``
        most extreme points are labelled by row label, as R 4.x's ``plot.lm``
        (Pearson residuals, standardized in panels 2-4; a constant-leverage
        panel for one-factor models). Needs matplotlib
        (``pip install "glmformula[plot]"``). See :mod:`glmformula.plots_diagnostic`.

        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import glmformula as gf
        >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
        >>> fig = m.plot()
        >>> len(fig.axes)
        4
        """
        from glmformula.plots import diagnostic_plot

        return diagnostic_plot(self._model(), id_n, figsize)

    # --- prediction ----------------------------------------------------------
    def predict(
        self,
        newdata: pd.DataFrame | None = None,
        type: Literal["link", "response", "terms"] = "link",
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

            return predict_terms(self._model(), newdata, se_fit, terms, interval)
        model = self._model()
        return model.rows.predict(model, newdata, type, se_fit, interval, level, offset)

    # --- broom-style tables ------------------------------------------------
    def tidy(self, conf_int: bool = False, conf_level: float = 0.95,
             exponentiate: bool = False) -> pd.DataFrame:
        """broom's ``tidy``: term, estimate, std.error, statistic, p.value (+ conf.low/high).

        See :func:`glmformula.tidy.tidy`.
        """
        from glmformula.tidy import tidy

        return tidy(self._model(), conf_int, conf_level, exponentiate)

    def glance(self) -> pd.DataFrame:
        """broom's ``glance``: one row of fit statistics. See :func:`glmformula.tidy.glance`."""
        from glmformula.tidy import glance

        return glance(self._model())

    def augment(self, newdata: pd.DataFrame | None = None, type_predict: str = "link",
                type_residuals: str = "deviance", data: pd.DataFrame | None = None,
                se_fit: bool = False, offset: Any = None) -> pd.DataFrame:
        """broom's ``augment``: per-row fitted values and diagnostics.

        See :func:`glmformula.tidy.augment`.
        """
        from glmformula.tidy import augment

        return augment(self._model(), data, newdata, type_predict, type_residuals, se_fit, offset)

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

        return make_summary(self._model(), explain=explain, correlation=correlation, digits=digits)

    def equation(self, digits: int = 2) -> Equation:
        """The fitted model as a LaTeX equation, as R's ``equatiomatic``; see
        :func:`glmformula.equation.equation`."""
        from glmformula.equation import equation

        return equation(self._model(), digits)

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

        return print_glm(self._model())

    def _repr_html_(self) -> str:
        from glmformula.print_glm import printed_model
        from glmformula.render.html import render_model_html

        return render_model_html(printed_model(self._model()))
