"""broom's ``tidy``, ``glance`` and ``augment`` for a fitted GLM, as pandas DataFrames.

Column names and meanings are broom's (``broom::tidy.glm``, ``glance.glm``,
``augment.glm``, checked against broom 1.0.3):

* :func:`tidy`: one row per coefficient, ``term``, ``estimate``,
  ``std.error``, ``statistic``, ``p.value`` from R's ``summary(m)$coefficients``
  and, with ``conf_int=True``, ``conf.low`` and ``conf.high`` from R's
  ``confint(m)`` (profile likelihood). Aliased coefficients keep their row,
  all NaN, as broom joins the summary table onto ``coef(m)``.
  ``exponentiate=True`` applies ``exp`` to ``estimate``, ``conf.low`` and
  ``conf.high`` (not to ``std.error``), as broom does.
* :func:`glance`: one row, ``null.deviance``, ``df.null``, ``logLik``,
  ``AIC``, ``BIC``, ``deviance``, ``df.residual``, ``nobs``.
* :func:`augment`: one row per observation used, the data columns (those of
  ``data`` when given, else the fit's data columns that the model uses, as
  broom's ``model.frame``) then ``.fitted``, ``.resid``, ``.std.resid``, ``.hat``,
  ``.sigma``, ``.cooksd``; with ``newdata``, the new data then ``.fitted``
  (and ``.se.fit`` with ``se_fit=True``).

>>> import glmformula as gf
>>> wb = gf.datasets.load("warpbreaks")
>>> m = gf.glm("breaks ~ wool + tension", data=wb, family="poisson")
>>> m.tidy().drop(columns="p.value").round(4)
          term  estimate  std.error  statistic
0  (Intercept)    3.6920     0.0454    81.3016
1        woolB   -0.2060     0.0516    -3.9943
2     tensionM   -0.3213     0.0603    -5.3317
3     tensionH   -0.5185     0.0640    -8.1065
>>> m.glance().round(2)
   null.deviance  df.null  logLik     AIC     BIC  deviance  df.residual  nobs
0         297.37       53 -242.53  493.06  501.01    210.39           50    54
>>> list(m.augment(data=wb).columns)
['breaks', 'wool', 'tension', '.fitted', '.resid', '.std.resid', '.hat', '.sigma', '.cooksd']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from glmformula.data_input import as_pandas
from glmformula.errors import ArgumentTypeError
from glmformula.influence import influence_measures

if TYPE_CHECKING:
    from glmformula.result import GLMResult

GLANCE_COLUMNS = ["null.deviance", "df.null", "logLik", "AIC", "BIC", "deviance",
                  "df.residual", "nobs"]
_EPS = np.finfo(float).eps


def tidy(result: GLMResult, conf_int: bool = False, conf_level: float = 0.95,
         exponentiate: bool = False) -> pd.DataFrame:
    """broom's ``tidy(m, conf.int, conf.level, exponentiate)``; see the module docstring.

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
    >>> t = m.tidy(conf_int=True, exponentiate=True)
    >>> list(t.columns)
    ['term', 'estimate', 'std.error', 'statistic', 'p.value', 'conf.low', 'conf.high']
    >>> t.loc[1, ["estimate", "conf.low", "conf.high"]].astype(float).round(4).tolist()
    [0.8138, 0.7355, 0.9003]
    """
    table = result.summary().table
    frame = pd.DataFrame({
        "term": list(table.index),
        "estimate": table.iloc[:, 0].to_numpy(dtype=float),
        "std.error": table.iloc[:, 1].to_numpy(dtype=float),
        "statistic": table.iloc[:, 2].to_numpy(dtype=float),
        "p.value": table.iloc[:, 3].to_numpy(dtype=float),
    })
    if conf_int:
        ci = result.confint(level=conf_level).reindex(table.index)
        frame["conf.low"] = ci.iloc[:, 0].to_numpy(dtype=float)
        frame["conf.high"] = ci.iloc[:, 1].to_numpy(dtype=float)
    if exponentiate:
        for column in ("estimate", "conf.low", "conf.high"):
            if column in frame:
                frame[column] = np.exp(frame[column])
    return frame


def glance(result: GLMResult) -> pd.DataFrame:
    """broom's ``glance(m)``: the one-row model summary; see the module docstring.

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ wool", data=gf.datasets.load("warpbreaks"), family="poisson")
    >>> m.glance()[["df.null", "df.residual", "nobs"]].iloc[0].tolist()
    [53, 52, 54]
    """
    values = [result.null_deviance, result.df_null, result.loglik, result.aic, result.bic,
              result.deviance, result.df_residual, result.nobs]
    return pd.DataFrame([dict(zip(GLANCE_COLUMNS, values, strict=True))])


def augment(result: GLMResult, data: pd.DataFrame | None = None,
            newdata: pd.DataFrame | None = None, type_predict: str = "link",
            type_residuals: str = "deviance", se_fit: bool = False,
            offset: Any = None) -> pd.DataFrame:
    """broom's ``augment(m, data, newdata, type.predict, type.residuals, se_fit)``.

    Without ``newdata``: one row per row used in the fit, the columns of
    ``data`` (default: the columns of the fit's own data that the model uses,
    broom's ``model.frame(m)``; for a fit on data that are not a pandas frame,
    the response as modelled when it is a single column) then ``.fitted`` (``predict(type=
    type_predict)``), ``.resid`` (``residuals(type=type_residuals)``, "deviance"
    or "pearson"), ``.std.resid`` (standardized residuals), ``.hat``,
    ``.sigma`` (the leave-one-out residual scale of R's ``influence(m)$sigma``)
    and ``.cooksd``. Rows with zero prior weight get NaN diagnostics. With
    ``na_action="exclude"`` every row of the data (after ``subset``), NaN where a
    row was left out (R's ``naresid``). With ``newdata``: its columns then
    ``.fitted`` (and ``.se.fit`` if ``se_fit``); ``offset`` is the offset for newdata's rows, as in
    :meth:`~glmformula.result.GLMResult.predict`.

    >>> import glmformula as gf
    >>> wb = gf.datasets.load("warpbreaks")
    >>> m = gf.glm("breaks ~ wool", data=wb, family="poisson")
    >>> list(m.augment(newdata=wb.head(2), se_fit=True).columns)
    ['breaks', 'wool', 'tension', '.fitted', '.se.fit']
    >>> round(float(m.augment()[".hat"].sum()), 8)
    2.0
    """
    if type_predict not in ("link", "response"):
        raise ArgumentTypeError(
            f"type_predict must be 'link' or 'response', not {type_predict!r}")
    if type_residuals not in ("deviance", "pearson"):
        raise ArgumentTypeError(
            f"type_residuals must be 'deviance' or 'pearson', not {type_residuals!r}")
    # both checked just above: mypy does not narrow a str by `in`
    predict_type = cast(Literal["link", "response"], type_predict)
    residual_type = cast(Literal["deviance", "pearson"], type_residuals)
    if newdata is not None:
        pred = result.predict(newdata, type=predict_type, se_fit=True, offset=offset)
        frame = pd.DataFrame(newdata).loc[pred.index].copy()
        frame[".fitted"] = pred["fit"].to_numpy()
        if se_fit:
            frame[".se.fit"] = pred["se_fit"].to_numpy()
        return frame

    index = result.design.row_index
    if data is None and isinstance(result.data, pd.DataFrame):  # broom's model.frame(m)
        data = result.data[_model_columns(result)]
    if data is not None:
        data = as_pandas(data, "data")  # polars and Arrow data, as glm() reads them
        if not isinstance(data, pd.DataFrame):
            raise ArgumentTypeError(
                f"data must be a pandas DataFrame, not {type(data).__name__}")
        frame = data.loc[index].copy()
    else:
        frame = pd.DataFrame(index=index)
        if result.response.y.ndim == 1:
            frame[result.design.response.name] = result.response.y
    rows = result.rows  # predictions and residuals of the rows used, padded at the end
    pred = rows.unpad(result.predict(type=predict_type, se_fit=se_fit, offset=offset))
    if se_fit:
        frame[".fitted"] = pred["fit"].to_numpy()
        frame[".se.fit"] = pred["se_fit"].to_numpy()
    else:
        frame[".fitted"] = pred.to_numpy()
    frame[".resid"] = rows.unpad(result.residuals(residual_type)).to_numpy()
    for column, values in _diagnostics(result).items():
        frame[column] = values
    return _padded(result, frame, data)


def _padded(result: GLMResult, frame: pd.DataFrame, data: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` over every row of the data for na_action="exclude" (NaN where dropped),
    as R's ``naresid`` pads; the data's own columns are taken from ``data``."""
    computed = [c for c in frame.columns if c.startswith(".")]
    padded = result.rows.pad(frame[computed])
    if len(padded) == len(frame):
        return frame
    full = (data.loc[padded.index].copy() if data is not None
            else result.rows.pad(frame.drop(columns=computed)))
    for column in computed:
        full[column] = padded[column].to_numpy()
    return full


def _model_columns(result: GLMResult) -> list[str]:
    """The columns of the fit's data that its formula uses, the response's first."""
    from glmformula.design_parse import lhs_variables, split_formula

    frame = result.data
    response = lhs_variables(split_formula(result.design.formula)[0])
    used = [c for c in frame.columns if c in response]
    used += [c for c in result.design.data_columns if c in frame.columns and c not in used]
    return used


def _diagnostics(result: GLMResult) -> dict[str, np.ndarray]:
    """.std.resid, .hat, .sigma and .cooksd for every row used (NaN where the weight is 0)."""
    rows = result.response.weights != 0
    infl = influence_measures(result)  # the rows used with a weight
    hat = infl["hat"].to_numpy()
    dev = result.rows.unpad(result.residuals("deviance")).to_numpy()[rows].copy()
    med = np.median(np.abs(dev)) if dev.size else 0.0
    dev[np.abs(dev) < 100 * _EPS * med] = 0.0
    n, k = dev.size, result.rank
    with np.errstate(divide="ignore", invalid="ignore"):
        total = np.sum(dev**2)
        loo = np.where(hat < 1, total - dev**2 / (1.0 - hat), total)
        sigma = np.sqrt(loo / (n - k - 1))
    out = {
        ".std.resid": infl["rstandard_deviance"].to_numpy(),
        ".hat": hat,
        ".sigma": sigma,
        ".cooksd": infl["cooks_d"].to_numpy(),
    }
    full = {}
    for name, values in out.items():
        column = np.full(rows.size, np.nan)
        column[rows] = values
        full[name] = column
    return full
