"""Plain-language annotations of a fitted model's summary (``m.summary(explain=True)``).

Each coefficient is read on the response scale its link allows (a ratio
``exp(b)`` for log links, an odds ratio for logit links, an additive
difference for identity links, otherwise the direction on the link scale),
in the units of its term and at the levels its interactions fix
(:mod:`glmformula.explain_coefficients`).
Then what the deviance lines say (with an overdispersion check for poisson
and binomial fits) and what the p-values do and do not mean.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> notes = explain(m)
>>> print(notes[1][:90])
woolB: being at level B of wool (relative to the reference level A of wool) multiplies the
>>> "by 0.814 (an 18.6% decrease)" in notes[1]
True
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glmformula.result import GLMResult

__all__ = ["ColumnPart", "column_parts", "explain", "factor_codings", "factor_levels"]


@dataclass(frozen=True)
class ColumnPart:
    """One factor of a model-matrix column: a variable and, for a factor, its level."""

    variable: str
    level: str | None  # None for a numeric variable
    reference: str | None  # the factor's reference (first) level


def factor_levels(result: GLMResult) -> dict[str, list[str]]:
    """The levels of each categorical variable of the model (R's ``xlevels``)."""
    from glmformula.design_formulaic import factor_labels
    from glmformula.design_parts import r_factor

    levels: dict[str, list[str]] = {}
    try:
        spec = result.design.model_spec["rhs"]
        for term, _, _ in spec.structure:
            for factor in term.factors:
                labels = factor_labels(spec, factor.expr)
                if labels:
                    levels[r_factor(factor)] = list(labels.values())
    except (KeyError, AttributeError, TypeError):  # a design without formulaic specs
        pass
    return levels


def factor_codings(result: GLMResult) -> dict[str, str]:
    """'sum' or 'helmert' for each factor of the model coded by R's contr.sum/contr.helmert.

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ C(tension, contr.helmert) + wool",
    ...            data=gf.datasets.load("warpbreaks"), family="poisson")
    >>> factor_codings(m)
    {'C(tension, contr.helmert)': 'helmert'}
    """
    from glmformula.contrasts import RHelmert, RSum
    from glmformula.design_parts import r_factor

    out: dict[str, str] = {}
    try:
        spec = result.design.model_spec["rhs"]
        for term, _, _ in spec.structure:
            for factor in term.factors:
                _, state = spec.encoder_state.get(factor.expr, (None, {}))
                contrasts = getattr(state.get("contrasts"), "contrasts", None)
                kind = ("sum" if isinstance(contrasts, RSum) else
                        "helmert" if isinstance(contrasts, RHelmert) else None)
                if kind:
                    out[r_factor(factor)] = kind
    except (KeyError, AttributeError, TypeError):  # a design without formulaic specs
        pass
    return out


def column_parts(result: GLMResult) -> dict[str, list[ColumnPart]]:
    """Split each non-intercept column name into its variables and factor levels.

    >>> import glmformula as gf
    >>> m = gf.glm("breaks ~ wool * tension", data=gf.datasets.load("warpbreaks"),
    ...            family="poisson")
    >>> [(p.variable, p.level, p.reference) for p in column_parts(m)["woolB:tensionM"]]
    [('wool', 'B', 'A'), ('tension', 'M', 'L')]
    """
    design = result.design
    levels = factor_levels(result)
    names = list(design.column_names)
    out: dict[str, list[ColumnPart]] = {}
    for term, where in design.term_slices.items():
        if term == "(Intercept)":
            continue
        variables = term.split(":")
        for name in names[where]:
            pieces = name.split(":")
            if len(pieces) != len(variables):
                out[name] = [ColumnPart(name, None, None)]
                continue
            parts = []
            for var, piece in zip(variables, pieces, strict=True):
                if var in levels and piece.startswith(var) and piece != var:
                    parts.append(ColumnPart(var, piece[len(var):], levels[var][0]))
                else:
                    parts.append(ColumnPart(piece, None, None))
            out[name] = parts
    return out


def fmt(x: float) -> str:
    """A number for prose: three significant digits, no exponent for ordinary sizes.

    >>> fmt(1.23456), fmt(0.0004567), fmt(12345.6), fmt(-0.2)
    ('1.23', '0.000457', '12346', '-0.2')
    """
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= 1000:
        return f"{x:.0f}"
    if x != 0 and abs(x) < 1e-4:
        return f"{x:.2e}"
    text = f"{x:.3g}"
    return text if "e" not in text else f"{x:f}".rstrip("0").rstrip(".")


def fmt_mean(x: float, kind: str) -> str:
    """A fitted mean for prose: a probability that rounds to 0 or 1 but is neither says so.

    >>> fmt_mean(0.99999999, "probability"), fmt_mean(0.5, "probability"), fmt_mean(1.0, "count")
    ('above 0.999', '0.5', '1')
    """
    text = fmt(x)
    if kind == "probability" and text == "1" and x < 1:
        return "above 0.999"
    if kind == "probability" and text == "0" and x > 0:
        return f"{x:.2e}"
    return text


def response_words(result: GLMResult) -> tuple[str, str]:
    """(what the mean is called, the response's name) for sentences."""
    name = result.design.response.name
    match = re.fullmatch(r"\s*cbind\(\s*([^,]+?)\s*,.*\)\s*", name)
    kind = result.family.response_kind
    if kind == "probability":
        if match:
            return "probability", match.group(1)
        levels = result.design.response.levels
        if levels:
            return "probability", f"{name} = {levels[-1]}" if len(levels) == 2 else name
        return "probability", name
    if kind == "count":
        return "expected count", name
    return "expected value", name


def _computed(value: Any) -> Any:
    """A value of a chunked fit's lazy (Dask) rows, computed; any other as it is."""
    return value.compute() if hasattr(value, "compute") else value


def _theta_sentences(result: GLMResult) -> list[str]:
    """What the negative binomial's theta says (estimated by glm_nb, or fixed)."""
    theta = getattr(result.family, "theta", None)
    if theta is None:
        return []
    se = getattr(result, "theta_se", math.nan)
    how = (f"estimated as {fmt(theta)} (standard error {fmt(se)})" if math.isfinite(se)
           else f"fixed at {fmt(theta)}")
    mean = float(_computed(result.fitted.mean()))
    return [
        f"Theta: the negative binomial variance is mu + mu^2 / theta, with theta {how}. "
        "The smaller theta, the more the counts vary beyond a Poisson model (variance mu); "
        f"at the average fitted count ({fmt(mean)}) the variance is {fmt(1 + mean / theta)} "
        "times the Poisson variance."
    ]


def _has_offset(result: GLMResult) -> bool:
    """Whether the model has an offset (read from the call: a chunked fit's rows are lazy)."""
    from glmformula.explain_terms import offset_expression

    return offset_expression(result) is not None or result.design.offset_argument is not None


def _null_model(result: GLMResult) -> str:
    """The model R's null deviance belongs to: the intercept alone, or (without an intercept)
    the linear predictor 0, each with the offset if there is one."""
    offset = _has_offset(result)
    if result.design.has_intercept:
        return "a model with only an intercept" + (" (and the offset)" if offset else "")
    import numpy as np

    with np.errstate(all="ignore"):
        zero = float(np.asarray(result.family.link.inverse(np.array([0.0])))[0])
    where = ("the offset alone" if offset else
             f"a mean of {fmt(zero)} for every row" if math.isfinite(zero) else "no mean")
    return (f"a model whose linear predictor is 0 (this model has no intercept, so R's null "
            f"model is not an intercept-only model: it has no coefficients and gives "
            f"{where})")


def _null_terms(result: GLMResult) -> str:
    return ("predictors" if result.design.has_intercept
            else "coefficients (including the overall level an intercept would take)")


def _fit_sentences(result: GLMResult) -> list[str]:
    """Warnings that the numbers below are not ordinary estimates: infinite estimates
    (separation), a fit that did not converge or stopped at the boundary, fitted 0/1."""
    out = []
    infinite = result.infinite_estimates
    if infinite is not None and len(infinite):
        names = ", ".join(f"{k} ({v})" for k, v in infinite.items())
        out.append(
            f"Separation: the maximum likelihood estimates of {names} are infinite (the "
            "data are separated: the predictors fit some responses exactly, at 0 or 1). Their "
            "estimates, ratios, standard errors and p-values below are where the algorithm "
            "stopped, not estimates of anything: do not read them; fit by bias reduction "
            "(method=\"brglmFit\") or change the model.")
    if not result.converged:
        out.append(
            "Convergence: the fitting algorithm did not converge, so the coefficients below "
            "may not be the maximum likelihood estimates and the sentences about them may not "
            "hold; raise control maxit or check the model before reading them.")
    if bool(getattr(result.fit, "boundary", False)):
        out.append(
            "Boundary: the fitting algorithm stopped at the boundary of the parameter space "
            "(a fitted mean at the edge of what the family allows); the estimates below may "
            "not be the maximum likelihood estimates.")
    return out


def _deviance_sentences(result: GLMResult) -> list[str]:
    null, dev = result.null_deviance, result.deviance
    df_null, df_res = result.df_null, result.df_residual
    out = []
    if null > 0 and math.isfinite(null):
        drop = null - dev
        out.append(
            f"Deviance: the null deviance ({fmt(null)} on {df_null} df) measures the lack of fit "
            f"of {_null_model(result)}; the residual deviance ({fmt(dev)} on {df_res} "
            f"df) that of this model. The {_null_terms(result)} reduce the deviance by "
            f"{fmt(drop)} ({drop / null * 100:.1f}%) at the cost of {df_null - df_res} degrees "
            "of freedom."
        )
    family = result.family.name
    if result.family.unit_dispersion and df_res > 0:
        ratio = dev / df_res
        binary = result.family.response_kind == "probability" and bool(
            _computed(((result.y == 0) | (result.y == 1)).all())
            and _computed((result.prior_weights == 1).all())
        )
        if binary:
            out.append(
                "Dispersion check: for 0/1 (Bernoulli) responses the residual deviance / df "
                f"(here {fmt(ratio)}) says nothing about the fit or the dispersion."
            )
        elif ratio > 1.5:
            alt = f"family='quasi{family}'" + (
                " or a negative binomial model (glm_nb)"
                if result.family.response_kind == "count" else "")
            out.append(
                f"Overdispersion: residual deviance / df = {fmt(dev)} / {df_res} = {fmt(ratio)}, "
                f"well above 1: the data vary more than the {family} model assumes, so its "
                f"standard errors are too small and its p-values too optimistic. Consider {alt}."
            )
        elif ratio < 2 / 3:
            out.append(
                f"Underdispersion: residual deviance / df = {fmt(dev)} / {df_res} = "
                f"{fmt(ratio)}, well below 1: the data vary less than the {family} model "
                "assumes (or the model is overfitted), so its standard errors are too large and "
                f"its p-values too conservative. Consider family='quasi{family}', whose "
                "estimated dispersion takes this into account."
            )
        else:
            out.append(
                f"Dispersion check: residual deviance / df = {fmt(ratio)}, close enough to 1 "
                f"for the {family} variance assumption to look reasonable."
            )
    elif result.dispersion_estimated and math.isfinite(result.dispersion):
        root = math.sqrt(result.dispersion)
        base = result.family.dispersion_base or ""
        scaled = (f"the standard errors are the {base} ones times its square root "
                  f"({fmt(root)}), the estimates are the {base} ones" if base else
                  f"standard errors are scaled by its square root ({fmt(root)})")
        out.append(
            f"Dispersion: estimated as {fmt(result.dispersion)} (fixed at 1 for poisson and "
            f"binomial); {scaled}, and the tests use t distributions."
        )
    return out


P_VALUE_NOTE = (
    "P-values: a small p-value (Pr(>|z|) or Pr(>|t|)) is evidence against the coefficient "
    "being 0, given that the model is right. It is not the probability that the hypothesis "
    "is true, and it says nothing about the size or importance of the effect: look at the "
    "estimates and their confidence intervals for that."
)


def explain(result: GLMResult) -> list[str]:
    """Plain-language sentences on the coefficients, deviances and p-values of ``result``."""
    from glmformula.explain_coefficients import explain_coefficients

    out = _fit_sentences(result)
    out += explain_coefficients(result)
    out += _theta_sentences(result)
    out += _deviance_sentences(result)
    out.append(P_VALUE_NOTE)
    return out
