"""Contrasts of estimated marginal means, as R's ``emmeans::contrast`` and ``pairs``.

Methods: ``pairwise`` and ``revpairwise`` (Tukey-adjusted by default),
``trt.vs.ctrl`` (each level against ``ref``, the first by default) and
``trt.vs.ctrlk`` (against the last), adjusted by ``dunnettx`` by default;
``poly`` (integer orthogonal polynomials, unadjusted), ``eff`` and ``del.eff``
(each level against the mean of all, or of the others; ``fdr``), ``identity``,
and ``consec`` and ``mean_chg``, whose default ``mvt`` adjustment is not
computed here: they need ``adjust=``.
Labels are built as emmeans builds them: the levels of the compared variables
pasted with a space, a numeric variable's values prefixed by its name
(``dose0.5``), and a label holding ``-``, ``+``, ``/`` or ``*`` wrapped in
parentheses (emmeans' ``parens`` option), as in ``(40-79) - (0-39g/day)``.
On the response scale the contrasts of a log or logit model are ratios
(``ratio``, ``odds.ratio``), with ``/`` in the labels.

>>> import glmformula as gf
>>> from glmformula.emmeans import emmeans
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> p = pairs(emmeans(m, "tension", type="response"))
>>> p.frame["contrast"].tolist()
['L / M', 'L / H', 'M / H']
>>> [round(v, 4) for v in p.frame["ratio"]]
[1.3789, 1.6795, 1.2179]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from glmformula.emmeans import (
    EmmGrid,
    _by_rows,
    estimates,
    link_functions,
    r_character,
    with_options,
)
from glmformula.emmeans_adjust import check_adjust
from glmformula.errors import ArgumentTypeError

METHODS = ("pairwise", "revpairwise", "trt.vs.ctrl", "trt.vs.ctrlk", "poly", "eff", "del.eff",
           "consec", "mean_chg", "identity")
POLY_NAMES = ("linear", "quadratic", "cubic", "quartic", *(f"degree {d}" for d in range(5, 21)))
PARENS = re.compile(r"-|\+|/|\*")  # emmeans' default get_emm_option("parens")
LOG_TRANS = ("log", "log2", "log10", "logit", "log.o.r.")


def _labels(grid: pd.DataFrame, numeric: frozenset[str]) -> list[str]:
    """emmeans' level labels: values pasted with a space, numbers prefixed by the name,
    parentheses around a label with an operator character."""
    parts = []
    for name in grid.columns:
        values = [r_character(v) for v in grid[name]]
        if name in numeric or all(_is_number(v) for v in values):
            values = [f"{name}{v}" for v in values]
        parts.append(values)
    labels = [" ".join(row) for row in zip(*parts, strict=True)] if parts else []
    return [f"({label})" if PARENS.search(label) else label for label in labels]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _ref_index(ref: Any, labels: list[str], raw: list[str]) -> int:
    if isinstance(ref, bool) or not isinstance(ref, int | str | np.integer):
        raise ArgumentTypeError(f"ref must be a level or a 1-based position, not {ref!r}")
    if isinstance(ref, str):
        for candidates in (raw, labels):
            if ref in candidates:
                return candidates.index(ref)
        raise ArgumentTypeError(
            f"ref={ref!r} is not one of the levels compared: {', '.join(raw)}"
        )
    if not 1 <= int(ref) <= len(labels):
        raise ArgumentTypeError(
            f"ref={ref} is out of range: give a level or a position from 1 to {len(labels)} "
            "(as R, positions start at 1)"
        )
    return int(ref) - 1


def _poly(labels: list[str]) -> tuple[np.ndarray, list[str], str]:
    """emmeans' ``poly.emmc``: R's ``poly(1:k)`` columns (degree up to 6) scaled to the
    smallest integers, as ``linear``, ``quadratic``, ..."""
    k = len(labels)
    degree = min(6, k - 1)
    x = np.arange(1, k + 1, dtype=float)
    x -= x.mean()
    basis: list[np.ndarray] = []
    for d in range(1, degree + 1):  # Gram-Schmidt: the leading coefficient stays positive
        v = x**d
        for b in [np.ones(k), *basis]:
            v = v - (v @ b) / (b @ b) * b
        basis.append(v)
    rows = []
    for v in basis:
        con = v / np.sqrt(v @ v)
        con = con / np.min(con[con > 0.01])
        z = np.max(np.abs(con - np.round(con)))
        while z > 0.05:
            con = con / z
            z = np.max(np.abs(con - np.round(con)))
        rows.append(np.round(con))
    return np.array(rows).reshape(len(rows), k), list(POLY_NAMES[:degree]), "none"


def _eff(labels: list[str]) -> tuple[np.ndarray, list[str], str]:
    """emmeans' ``eff.emmc``: each level minus the mean of all levels."""
    k = len(labels)
    return np.eye(k) - 1.0 / k, [f"{label} effect" for label in labels], "fdr"


def _del_eff(labels: list[str]) -> tuple[np.ndarray, list[str], str]:
    """emmeans' ``del.eff.emmc``: each level minus the mean of the others."""
    matrix, names, adjust = _eff(labels)
    return matrix / np.diag(matrix)[:, None], names, adjust


def _consec(labels: list[str]) -> tuple[np.ndarray, list[str], str]:
    """emmeans' ``consec.emmc``: each level minus the one before."""
    k = len(labels)
    matrix = np.zeros((k - 1, k))
    for i in range(k - 1):
        matrix[i, i], matrix[i, i + 1] = -1.0, 1.0
    return matrix, [f"{labels[i + 1]} - {labels[i]}" for i in range(k - 1)], "mvt"


def _mean_chg(labels: list[str]) -> tuple[np.ndarray, list[str], str]:
    """emmeans' ``mean_chg.emmc``: the mean of the levels after a point minus the mean
    of those before it."""
    k = len(labels)
    matrix = np.zeros((k - 1, k))
    for i in range(1, k):
        matrix[i - 1, :i], matrix[i - 1, i:] = -1.0 / i, 1.0 / (k - i)
    return matrix, [f"{labels[i]}|{labels[i + 1]}" for i in range(k - 1)], "mvt"


def _identity(labels: list[str]) -> tuple[np.ndarray, list[str], str]:
    return np.eye(len(labels)), list(labels), "none"


OTHER_METHODS = {"poly": _poly, "eff": _eff, "del.eff": _del_eff, "consec": _consec,
                 "mean_chg": _mean_chg, "identity": _identity}


def contrast_matrix(method: str, labels: list[str], raw: list[str],
                    ref: Any = None) -> tuple[np.ndarray, list[str], str, str | None]:
    """Coefficients (one row per contrast), names, default adjustment and R's type."""
    k = len(labels)
    rows, names = [], []
    if method in ("pairwise", "revpairwise"):
        pairs = ([(i, j) for i in range(k - 1) for j in range(i + 1, k)] if method == "pairwise"
                 else [(i, j) for i in range(1, k) for j in range(i)])
        for i, j in pairs:
            con = np.zeros(k)
            con[i], con[j] = 1.0, -1.0
            rows.append(con)
            names.append(f"{labels[i]} - {labels[j]}")
        return np.array(rows).reshape(len(rows), k), names, "tukey", "pairs"
    if method in ("trt.vs.ctrl", "trt.vs.ctrlk"):
        default = 1 if method == "trt.vs.ctrl" else k
        r = _ref_index(default if ref is None else ref, labels, raw)
        for i in range(k):
            if i == r:
                continue
            con = np.zeros(k)
            con[i], con[r] = 1.0, -1.0
            rows.append(con)
            names.append(f"{labels[i]} - {labels[r]}")
        return np.array(rows).reshape(len(rows), k), names, "dunnettx", None
    if method in OTHER_METHODS:
        matrix, other_names, adjust = OTHER_METHODS[method](labels)
        return matrix, other_names, adjust, None
    raise ArgumentTypeError(
        f"unknown contrast method {method!r}; use one of {', '.join(map(repr, METHODS))}"
    )


def contrast(emm: EmmGrid, method: str = "pairwise", adjust: str | None = None,
             by: Any = None, ref: Any = None, type: str | None = None,
             interaction: str | Sequence[str] | None = None,
             name: str = "contrast") -> EmmGrid:
    """R's ``contrast(emm, method, adjust, by, ref, type, interaction, name)``.

    Within each ``by`` group (the emmeans' ``by`` by default) the estimates are
    compared as ``method`` says; ``adjust`` defaults to the method's (tukey for
    pairwise comparisons, dunnettx against a control). ``ref`` (trt.vs.ctrl): a
    level, or its 1-based position as in R. ``interaction``: a method, or one per
    variable, for interaction contrasts (contrasts of contrasts, one column
    ``<variable>_<method>`` each, unadjusted unless ``adjust`` says otherwise).
    ``name``: the new column's, numbered as R numbers it when a ``by`` column holds
    the name already (``contrast1`` for contrasts of contrasts by ``contrast``).
    """
    if not isinstance(emm, EmmGrid):
        raise ArgumentTypeError(
            f"contrast() takes the result of emmeans() or emtrends(); got {type_name(emm)}")
    if interaction is not None:
        return _interaction(emm, interaction, adjust, by, type)
    if not isinstance(method, str):
        raise ArgumentTypeError(f"method must be a name such as 'pairwise', not {method!r}")
    if not isinstance(name, str) or not name:
        raise ArgumentTypeError(f"name must be a column name such as 'contrast', not {name!r}")
    if adjust is not None:
        adjust = check_adjust(adjust)
    if type not in (None, "link", "response"):
        raise ArgumentTypeError(f"type must be 'link' or 'response', not {type!r}")
    by_names = list(emm.by) if by is None else [by] if isinstance(by, str) else list(by)
    unknown = [b for b in by_names if b not in emm.grid.columns]
    if unknown:
        raise ArgumentTypeError(f"by names {unknown}, not a column of the estimates: "
                                f"{', '.join(emm.grid.columns)}")
    groups = _by_rows(emm.grid, by_names)
    inner = emm.grid[[c for c in emm.grid.columns if c not in by_names]]
    first = inner.iloc[groups[0]]
    labels = _labels(first, emm.numeric)
    raw = [" ".join(r_character(v) for v in row) for row in first.itertuples(index=False)]
    cmat, names, default_adjust, kind = contrast_matrix(method, labels, raw, ref)
    if adjust is None and default_adjust == "mvt":
        raise ArgumentTypeError(
            f"method={method!r} is adjusted by emmeans' 'mvt' by default (a Monte Carlo "
            "multivariate t), which glmformula does not compute; give adjust= ('sidak', "
            "'bonferroni', 'holm', 'none', ...)"
        )
    linfct, offset, grid_rows = [], [], []
    for rows in groups:
        block = emm.linfct[rows]
        missing = np.isnan(block).any(axis=1)  # not estimable: so is any contrast using it
        values = cmat @ np.nan_to_num(block)
        values[(cmat[:, missing] != 0).any(axis=1)] = np.nan
        linfct.append(values)
        offset.append(cmat @ emm.offset[rows])
        for label in names:
            grid_rows.append([label, *(emm.grid[b].iloc[rows[0]] for b in by_names)])
    taken = sum(1 for b in by_names if re.match(f"^{re.escape(name)}[0-p]?", b))
    column = f"{name}{taken}" if taken else name
    grid = pd.DataFrame(grid_rows, columns=[column, *by_names])
    levels = {column: list(dict.fromkeys(grid[column]))}
    levels.update({b: emm.levels[b] for b in by_names})
    if kind is None:
        kind = "contrast" if np.all(np.abs(cmat.sum(axis=1)) < 0.001) else "prediction"
    true_contrast = bool(np.all(np.abs(cmat.sum(axis=1) / (1e-6 + np.abs(cmat).max(axis=1)))
                                < 1e-6))
    tran, inv_label, log_contrast, notes = emm.tran, emm.inv_label, False, list(emm.init_mesg)
    if tran is not None:
        if true_contrast and tran in LOG_TRANS:
            log_contrast = True
            if tran == "logit":
                inv_label, tran = "odds.ratio", "log.o.r."
            elif tran != "log.o.r.":
                inv_label = "ratio"
        else:
            notes = [*notes, f"Note: contrasts are still on the {tran} scale"]
            tran = None
    return with_options(
        emm, grid=grid, levels=levels, linfct=np.vstack(linfct),
        offset=np.concatenate(offset), est_name="estimate", est_type=kind,
        by=tuple(by_names), fam_size=len(labels),
        adjust=default_adjust if adjust is None else adjust, infer=(False, True),
        type=emm.type if type is None else type, init_mesg=tuple(notes), tran=tran,
        inv_label=inv_label, log_contrast=log_contrast,
        pair_by=tuple(by_names) if kind == "pairs" else None,
        numeric=frozenset(b for b in by_names if b in emm.numeric),
    )


def _interaction(emm: EmmGrid, interaction: str | Sequence[str], adjust: str | None,
                 by: Any, type: str | None) -> EmmGrid:
    """R's interaction contrasts: the last variable's contrasts within the others, then
    the one before it within the rest, ..., each column named ``<variable>_<method>``."""
    by_names = list(emm.by) if by is None else [by] if isinstance(by, str) else list(by)
    variables = [c for c in emm.grid.columns if c not in by_names]
    methods = [interaction] if isinstance(interaction, str) else list(interaction)
    if not methods or not all(isinstance(m, str) for m in methods):
        raise ArgumentTypeError(
            f"interaction must be a method name or a list of them, not {interaction!r}")
    methods = [methods[i % len(methods)] for i in range(len(variables))]
    out = emm
    for variable, method in reversed(list(zip(variables, methods, strict=True))):
        others = [c for c in out.grid.columns if c != variable]
        out = contrast(out, method, adjust="none", by=others, type=type,
                       name=f"{variable}_{method}")
    order = [f"{v}_{m}" for v, m in zip(variables, methods, strict=True)] + by_names
    return with_options(out, grid=out.grid[order], by=tuple(by_names), est_type="contrast",
                        adjust="none" if adjust is None else adjust, pair_by=None)


def type_name(value: object) -> str:
    return type(value).__name__


def pairs(emm: EmmGrid, adjust: str | None = None, by: Any = None, reverse: bool = False,
          type: str | None = None) -> EmmGrid:
    """R's ``pairs(emm)``: ``contrast(emm, "pairwise")`` (``"revpairwise"`` if ``reverse``)."""
    return contrast(emm, "revpairwise" if reverse else "pairwise", adjust=adjust, by=by,
                    type=type)


def regrid(emm: EmmGrid, transform: str = "response") -> EmmGrid:
    """R's ``regrid(object)``: the estimates back-transformed to the response scale and
    made the new grid, with delta-method covariances; later contrasts are differences
    of rates or probabilities (not ratios), intervals symmetric on that scale."""
    if not isinstance(emm, EmmGrid):
        raise ArgumentTypeError(f"regrid() takes the result of emmeans(); got {type_name(emm)}")
    if transform != "response":
        raise ArgumentTypeError(
            f"transform={transform!r} is not supported; regrid() back-transforms to the "
            "response scale (transform='response')")
    if emm.tran is None:
        return emm
    est, _ = estimates(emm)
    linkinv, mu_eta, _ = link_functions(emm)
    gradient = np.asarray(mu_eta(est), dtype=float)[:, None] * emm.linfct
    grid = emm.grid.copy()
    if emm.log_contrast:  # ratios: R's regrid writes "A/B" (no spaces, unlike summary's)
        for column in grid.columns:
            if column not in emm.by and column not in emm.numeric:
                grid[column] = grid[column].astype(str).str.replace(" - ", "/")
    return with_options(
        emm, grid=grid, linfct=np.eye(len(est)), offset=np.zeros(len(est)),
        bhat=np.asarray(linkinv(est), dtype=float),
        vcov=gradient @ emm.vcov @ gradient.T, tran=None, est_name=emm.inv_label,
        log_contrast=False, init_mesg=tuple(m for m in emm.init_mesg
                                            if not m.startswith("Note: contrasts are still")))


def confint(emm: EmmGrid, level: float = 0.95, adjust: str | None = None) -> pd.DataFrame:
    """R's ``confint(object)``: estimates with (adjusted) confidence limits."""
    return emm.confint(level=level, adjust=adjust)


__all__: Sequence[str] = ("contrast", "pairs", "regrid", "confint", "contrast_matrix")
