"""Estimated marginal means as R's emmeans package computes and prints them.

:func:`emmeans` averages the model's predictions over the reference grid
(:mod:`glmformula.emmeans_grid`) with equal weights; :func:`emtrends` gives
slopes by emmeans' difference quotient; :func:`~glmformula.emmeans_contrast.contrast`
and :func:`~glmformula.emmeans_contrast.pairs` compare them. Each returns an
:class:`EmmGrid`: ``.frame`` is R's ``summary()`` as a DataFrame with emmeans'
column names, ``print()`` gives R's layout.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> emm = emmeans(m, "tension", type="response")
>>> list(emm.frame.columns)
['tension', 'rate', 'SE', 'df', 'asymp.LCL', 'asymp.UCL']
>>> print(emm)  # doctest: +NORMALIZE_WHITESPACE
 tension rate   SE  df asymp.LCL asymp.UCL
 L       36.2 1.42 Inf      33.5      39.1
 M       26.2 1.21 Inf      24.0      28.7
 H       21.6 1.09 Inf      19.5      23.8
<BLANKLINE>
Results are averaged over the levels of: wool
Confidence level used: 0.95
Intervals are back-transformed from the log scale
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from glmformula.design_formulaic import level_label
from glmformula.emmeans_adjust import Family, adjusted_pvalues, check_adjust, critical_values
from glmformula.emmeans_grid import ReferenceGrid, note_interactions, parse_specs, reference_grid
from glmformula.errors import ArgumentTypeError
from glmformula.result import GLMResult, require_model

TYPES = ("link", "response")


@dataclass(frozen=True, eq=False, repr=False)  # repr: R's printed layout
class EmmGrid:
    """Estimates of linear functions of a model's coefficients (R's ``emmGrid``)."""

    model: GLMResult
    grid: pd.DataFrame  # label columns: factor levels as text, numbers as floats
    levels: dict[str, list[Any]]  # the values of each label column, in order
    linfct: np.ndarray
    offset: np.ndarray
    bhat: np.ndarray
    vcov: np.ndarray
    df: float
    tran: str | None
    inv_label: str
    est_name: str = "emmean"
    est_type: str = "prediction"  # "prediction", "contrast" or "pairs"
    by: tuple[str, ...] = ()
    avgd_over: tuple[str, ...] = ()
    fam_size: int = 1
    adjust: str = "none"
    infer: tuple[bool, bool] = (True, False)
    type: str = "link"
    init_mesg: tuple[str, ...] = ()
    log_contrast: bool = False
    pair_by: tuple[str, ...] | None = None
    numeric: frozenset[str] = field(default_factory=frozenset)

    def summary(self, infer: tuple[bool, bool] | None = None, level: float = 0.95,
                adjust: str | None = None, by: Sequence[str] | None = None,
                type: str | None = None, null: float = 0.0) -> pd.DataFrame:
        """R's ``summary(object, infer, level, adjust, by, type, null)`` as a DataFrame;
        the printed footer lines are in ``.attrs["messages"]``. ``null``: the value
        tested against, on the link scale (R's two-sided test of ``estimate = null``)."""
        return summarize(self, infer, level, adjust, by, type, null)

    def confint(self, level: float = 0.95, adjust: str | None = None) -> pd.DataFrame:
        """R's ``confint()``: the estimates with confidence limits (a DataFrame that
        prints as R does through :func:`glmformula.emmeans_print.summary_text`)."""
        return self.summary(infer=(True, False), level=level, adjust=adjust)

    def to_frame(self) -> pd.DataFrame:
        """The default summary as a DataFrame (R's ``as.data.frame(summary(x))``)."""
        return self.summary()

    @property
    def frame(self) -> pd.DataFrame:
        return self.summary()

    def __str__(self) -> str:
        from glmformula.emmeans_print import summary_text

        return summary_text(self.summary())

    def __repr__(self) -> str:
        return self.__str__()

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(str(self))}</pre>"


class EmmSummary(pd.DataFrame):
    """A summary DataFrame that prints R's layout."""

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def __str__(self) -> str:
        from glmformula.emmeans_print import summary_text

        return summary_text(self)

    def __repr__(self) -> str:
        return self.__str__()


def _check_type(type: str | None) -> str | None:
    if type is not None and type not in TYPES:
        raise ArgumentTypeError(f"type must be 'link' or 'response', not {type!r}")
    return type


def _grid_labels(rg: ReferenceGrid, names: list[str]) -> dict[str, list[Any]]:
    labels: dict[str, list[Any]] = {}
    for n in names:
        if pd.api.types.is_bool_dtype(rg.data[n].dtype):  # R keeps TRUE/FALSE logical
            labels[n] = [bool(v) for v in rg.levels[n]]
        elif n in rg.factors - rg.coerced:
            labels[n] = [level_label(v) for v in rg.levels[n]]
        else:
            labels[n] = [float(v) for v in rg.levels[n]]
    return labels


def _check_specs(rg: ReferenceGrid, names: list[str], at: dict[str, Any]) -> None:
    for name in names:
        if name == "1":
            continue
        if name not in rg.variables:
            raise ArgumentTypeError(
                f"{name!r} is not a variable of the model; specs and by name among: "
                f"{', '.join(rg.variables)}"
            )


def emmeans(model: GLMResult, specs: Any, by: Any = None, type: str = "link",
            at: dict[str, Any] | None = None, vcov: Any = None,
            offset: float | None = None, weights: str = "equal",
            regrid: str | None = None, cov_reduce: Any = None) -> EmmGrid:
    """R's ``emmeans(m, specs, by, type, at, vcov., offset, weights, regrid)``.

    ``specs``: a factor name, a list of names or a formula such as
    ``"~ tension | wool"`` (after ``|``: the ``by`` variables). The marginal
    means average the predictions over the other factors of the reference grid
    with equal weights, on the link scale; ``type="response"`` back-transforms
    them (``rate``, ``prob`` or ``response``, with delta-method SEs). ``vcov``:
    a covariance matrix of the coefficients or a ``with_cov`` name such as
    ``"HC3"``; the model's own (``m.vcov``) by default. ``offset`` replaces
    the grid's offset (the mean of the fit's). ``weights``: ``"equal"``,
    ``"proportional"``, ``"outer"``, ``"cells"`` or ``"flat"``, as emmeans'
    (:mod:`glmformula.emmeans_weights`). ``regrid="response"``: average the
    predictions on the response scale (R's ``regrid = "response"``), not the link's.
    ``cov_reduce``: the covariates' values in the grid, as R's ``cov.reduce`` (a
    function such as ``np.median``, a dict of them by name, or False for every value).
    """
    model = require_model(model, "emmeans()")
    _check_type(type)
    names, by_names = parse_specs(specs, by)
    rg = reference_grid(model, at, vcov, cov_reduce)
    _check_specs(rg, names + by_names, dict(at or {}))
    note_interactions(model, list(dict.fromkeys(names + by_names)))
    if regrid is not None and regrid != "response":
        raise ArgumentTypeError(f"regrid must be 'response' or None, not {regrid!r}")
    if regrid is None or rg.tran is None:
        return _marginal(model, rg, names, by_names, type, offset, weights=weights)
    eta = rg.linfct @ rg.bhat + (rg.offset if offset is None else float(offset))
    link = model.family.link
    gradient = np.asarray(link.mu_eta(eta), dtype=float)[:, None] * rg.linfct
    rg = dataclasses.replace(rg, linfct=np.eye(len(eta)), bhat=np.asarray(link.inverse(eta)),
                             vcov=gradient @ rg.vcov @ gradient.T, offset=0.0, tran=None)
    return _marginal(model, rg, names, by_names, type, None, rg.inv_label, weights=weights)


def _marginal(model: GLMResult, rg: ReferenceGrid, names: list[str], by_names: list[str],
              type: str, offset: float | None, est_name: str = "emmean",
              linfct: np.ndarray | None = None, weights: str = "equal") -> EmmGrid:
    from glmformula.emmeans_weights import averaging_weights, check_weights, grid_weights

    facs = list(dict.fromkeys(names + by_names))
    wopt = check_weights(weights)
    w = averaging_weights(rg, grid_weights(model, rg), facs, wopt) if wopt != "equal" else None
    levels = _grid_labels(rg, [f for f in facs if f != "1"])
    if "1" in facs:
        levels["1"] = ["overall"]
    L = rg.linfct if linfct is None else linfct
    codes = {f: np.zeros(len(rg.frame), dtype=int) if f == "1"
             else pd.Categorical(rg.frame[f].to_numpy(dtype=object),  # at= may drop levels
                                 categories=rg.levels[f]).codes for f in facs}
    combos = list(itertools.product(*(range(len(levels[f])) for f in reversed(facs))))
    rows, labels = [], []
    for combo in combos:
        combo = combo[::-1]
        mask = np.ones(len(rg.frame), dtype=bool)
        for f, code in zip(facs, combo, strict=True):
            mask &= codes[f] == code
        if w is None:
            rows.append(L[mask].mean(axis=0))
        else:
            with np.errstate(invalid="ignore", divide="ignore"):  # R: 0/0, empty cells
                rows.append(w[mask] @ L[mask] / w[mask].sum())
        labels.append([levels[f][c] for f, c in zip(facs, combo, strict=True)])
    grid = pd.DataFrame(labels, columns=facs)
    avgd = tuple(v for v in rg.variables if len(rg.levels[v]) > 1 and v not in facs)
    off = rg.offset if offset is None else float(offset)
    return EmmGrid(
        model=model, grid=grid, levels=levels, linfct=np.vstack(rows),
        offset=np.full(len(grid), 0.0 if linfct is not None else off), bhat=rg.bhat,
        vcov=rg.vcov, df=rg.df, tran=rg.tran if linfct is None else None,
        inv_label=rg.inv_label, est_name=est_name, by=tuple(by_names), avgd_over=avgd,
        fam_size=len(grid), type=type,
        numeric=frozenset(f for f in facs if f != "1" and f not in rg.factors - rg.coerced),
    )


def emtrends(model: GLMResult, specs: Any, var: str, by: Any = None,
             at: dict[str, Any] | None = None, vcov: Any = None,
             delta_var: float | None = None, weights: str = "equal",
             cov_reduce: Any = None) -> EmmGrid:
    """R's ``emtrends(m, specs, var)``: the slope of the linear predictor in ``var``.

    As emmeans, the slope at each grid row is the difference quotient
    ``(X(var + h) - X(var)) b / h`` with ``h = delta_var``, by default 0.001 times
    the range of ``var`` over the fitted rows; the slopes are then averaged as
    :func:`emmeans` averages. The estimate column is ``<var>.trend``.
    """
    model = require_model(model, "emtrends()")
    names, by_names = parse_specs(specs, by)
    rg = reference_grid(model, at, vcov, cov_reduce)
    if var not in rg.variables or var in rg.factors:
        numeric = [v for v in rg.variables if v not in rg.factors]
        raise ArgumentTypeError(
            f"var must name a numeric variable of the model; {var!r} is not one "
            f"(numeric variables: {', '.join(numeric) or 'none'})"
        )
    _check_specs(rg, names + by_names, dict(at or {}))
    note_interactions(model, list(dict.fromkeys(names + by_names + [var])))
    x = rg.data[var].to_numpy(dtype=float)
    h = 0.001 * float(np.max(x) - np.min(x)) if delta_var is None else float(delta_var)
    if h == 0:
        raise ArgumentTypeError("delta_var must be non-zero (var takes a single value)")
    from glmformula.emmeans_grid import grid_matrix

    shifted = rg.frame.assign(**{var: rg.frame[var].to_numpy(dtype=float) + h})
    slopes = (grid_matrix(model, shifted) - rg.linfct) / h
    return _marginal(model, rg, names, by_names, "link", None, f"{var}.trend", slopes,
                     weights)


# --- summary: estimates, intervals and tests, as R's summary.emmGrid -------------------


def estimates(emm: EmmGrid) -> tuple[np.ndarray, np.ndarray]:
    """Estimates (link scale, offset included) and their standard errors."""
    est = emm.linfct @ emm.bhat + emm.offset
    se = np.sqrt(np.einsum("ij,jk,ik->i", emm.linfct, emm.vcov, emm.linfct))
    return est, se


def link_functions(emm: EmmGrid) -> tuple[Any, Any, str]:
    """Inverse link, its derivative and the name emmeans prints for the scale."""
    if emm.tran == "log.o.r.":
        return np.exp, np.exp, "log odds ratio"
    link = emm.model.family.link
    return link.inverse, link.mu_eta, str(emm.tran)


def _rank(linfct: np.ndarray) -> int:
    """R's ``qr(zapsmall(linfct))$rank`` (emmeans' Scheffe rank), tolerance 1e-7."""
    from glmformula.emmeans_print import zapsmall

    x = np.nan_to_num(linfct)
    x = zapsmall(x.ravel()).reshape(x.shape)
    s = np.linalg.svd(x, compute_uv=False) if x.size else np.zeros(0)
    return int(np.sum(s > 1e-7 * s[0])) if s.size and s[0] > 0 else 0


def _by_rows(grid: pd.DataFrame, by: Sequence[str]) -> list[np.ndarray]:
    if not by:
        return [np.arange(len(grid))]
    keys = [tuple(row) for row in grid[list(by)].itertuples(index=False)]
    order = list(dict.fromkeys(keys))
    return [np.array([i for i, k in enumerate(keys) if k == key]) for key in order]


def summarize(emm: EmmGrid, infer: tuple[bool, bool] | None, level: float,
              adjust: str | None, by: Sequence[str] | None, type: str | None,
              null: float = 0.0) -> pd.DataFrame:
    """R's ``summary.emmGrid`` for the two-sided case."""
    infer = emm.infer if infer is None else (bool(infer[0]), bool(infer[1]))
    adjust = check_adjust(emm.adjust if adjust is None else adjust)
    by = list(emm.by if by is None else ([by] if isinstance(by, str) else by))
    type = _check_type(type) or emm.type
    if not (isinstance(level, float | int) and 0 < level < 1):
        raise ArgumentTypeError(f"level must be a number between 0 and 1, not {level!r}")
    if isinstance(null, bool) or not isinstance(null, float | int) or not math.isfinite(null):
        raise ArgumentTypeError(f"null must be a finite number (on the link scale), not "
                                f"{null!r}")
    est_type = emm.est_type
    if est_type == "pairs" and tuple(by) != emm.pair_by:
        est_type = "contrast"
    est, se = estimates(emm)
    df = np.where(np.isnan(est), np.nan, emm.df)  # R's NA for what is not estimable
    z_flag = bool(np.all(np.isinf(df) | np.isnan(df)))
    inv = type == "response" and emm.tran is not None
    linkinv, mu_eta, link_name = link_functions(emm)
    labels = emm.grid.copy()
    est_name = emm.est_name
    messages = list(emm.init_mesg)
    if inv:
        est_name = emm.inv_label
        if emm.log_contrast:
            for column in labels.columns:
                if column not in emm.numeric:
                    labels[column] = labels[column].astype(str).str.replace(" - ", " / ")
    elif emm.tran is not None:
        messages.append(f"Results are given on the {link_name} (not the response) scale.")
    by_size = len(est)
    for name in by:
        by_size //= max(1, len(pd.unique(emm.grid[name])))
    kind = {"prediction": 1, "contrast": 2, "pairs": 3}[est_type]
    fam = Family(emm.fam_size, by_size, kind, _rank(emm.linfct[_by_rows(emm.grid, by)[0]]))
    columns: dict[str, Any] = {est_name: est, "SE": se, "df": df}
    cl_names: list[str] = []
    if infer[0]:
        cv, note = critical_values(level, df, adjust, fam)
        cl_names = ["asymp.LCL", "asymp.UCL"] if z_flag else ["lower.CL", "upper.CL"]
        lower, upper = est - cv * se, est + cv * se
        messages.append(f"Confidence level used: {level:.15g}")
        if note:
            messages.append(note)
        if inv:
            lower, upper = linkinv(lower), linkinv(upper)
            if not np.all(np.nan_to_num(upper - lower) >= 0):
                lower, upper = upper, lower
            messages.append(f"Intervals are back-transformed from the {link_name} scale")
        columns[cl_names[0]], columns[cl_names[1]] = lower, upper
    if infer[1]:
        shown = float(linkinv(np.array([float(null)]))[0]) if inv else float(null)
        if shown != 0:  # R drops a null column of zeros
            columns["null"] = np.full(len(est), shown)
        t = (est - null) / se
        columns["z.ratio" if z_flag else "t.ratio"] = t
        pval, note = adjusted_pvalues(t, df, adjust, fam, _by_rows(emm.grid, by))
        columns["p.value"] = pval
        if note:
            messages.append(note)
        if inv:
            messages.append(f"Tests are performed on the {link_name} scale")
    if inv:
        columns["SE"] = np.abs(mu_eta(est) * se)
        columns[est_name] = linkinv(est)
    if emm.avgd_over:
        messages.insert(0, "Results are averaged over the levels of: "
                        + ", ".join(emm.avgd_over))
    frame = pd.concat([labels.reset_index(drop=True), pd.DataFrame(columns)], axis=1)
    frame = EmmSummary(frame)
    frame.attrs.update(est_name=est_name, cl_names=cl_names, by=by,
                       messages=list(dict.fromkeys(messages)),
                       numeric=sorted(emm.numeric), levels=emm.levels)
    return frame


def with_options(emm: EmmGrid, **changes: Any) -> EmmGrid:
    """A copy of ``emm`` with some of its settings changed (R's ``update()``)."""
    return dataclasses.replace(emm, **changes)


def r_character(value: Any) -> str:
    """R's ``as.character`` of a level: numbers with up to 15 significant digits."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isfinite(number) and number == int(number) and abs(number) < 1e15:
            return str(int(number))
        return f"{number:.15g}"
    return str(value)
