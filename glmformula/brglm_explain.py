"""Plain-language notes on what a bias-reduced fit changes (``summary(explain=True)``).

>>> import glmformula as gf
>>> d = {"x": [0, 0, 0, 0, 1, 1, 1, 1], "y": [0, 0, 1, 1, 1, 1, 1, 1]}
>>> m = gf.glm("y ~ x", data=d, family="binomial", method="brglmFit", type="AS_mean")
>>> print(explain_brglm(m)[0][:60])
These estimates are not maximum likelihood estimates: they s
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glmformula.brglm_result import BRGLMResult

_WHAT = {
    "AS_mean": "the mean bias-reducing adjusted score equations (Firth's method), so each "
               "estimate's bias is of a smaller order than the maximum likelihood estimate's",
    "AS_median": "the median bias-reducing adjusted score equations, so each estimate is "
                 "as likely to fall below its true value as above it (to a smaller order "
                 "than the maximum likelihood estimate)",
    "AS_mixed": "the mixed bias-reducing adjusted score equations: mean bias reduction for "
                "the coefficients and median bias reduction for the dispersion",
    "MPL_Jeffreys": "the likelihood penalised by Jeffreys' prior, which pulls the estimates "
                    "towards zero and keeps them finite",
    "correction": "the maximum likelihood estimates minus their estimated bias (one explicit "
                  "correction step)",
}


def explain_brglm(model: BRGLMResult) -> list[str]:
    """What the estimator changes compared with R's glm() (maximum likelihood)."""
    kind = model.type
    if kind == "ML":
        return ["The estimates are maximum likelihood estimates computed by brglmFit; where "
                "the dispersion is estimated it is its maximum likelihood estimate, not R "
                "glm()'s Pearson estimate."]
    first = f"These estimates are not maximum likelihood estimates: they solve {_WHAT[kind]}."
    if model.family.separation_possible:
        first += (" They stay finite when the data are separated (where some maximum "
                  "likelihood estimates are infinite), and with few events they are less "
                  "extreme than maximum likelihood's.")
    elif model.family.fixed_dispersion:
        first += (" They stay finite when a group has only zero counts (where the maximum "
                  "likelihood estimate is -Inf on the log scale).")
    notes = [first]
    notes.append("The standard errors come from the Fisher information at these estimates "
                 "and the tests are z tests (Wald); the residual deviance is that of these "
                 "estimates, so it is a little larger than the maximum likelihood deviance, "
                 "and the null deviance is that of the intercept-only fit of the same kind.")
    if not model.family.fixed_dispersion:
        notes.append(f"The dispersion ({model.dispersion:.4g}) is estimated by brglmFit's own "
                     "adjusted score equation, not by R glm()'s Pearson statistic.")
    return notes
