"""glmformula: R's ``glm()`` for Python.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> round(m.aic, 2)
493.06
"""

from glmformula import datasets, families, links
from glmformula.anova import AnovaTable, anova
from glmformula.dose import dose_p
from glmformula.dropterm import addterm, dropterm
from glmformula.errors import (
    AliasingWarning,
    ArgumentTypeError,
    BoundaryWarning,
    ConvergenceWarning,
    DataError,
    FamilyError,
    FitError,
    FormulaError,
    GLMError,
    GLMWarning,
    ResponseError,
)
from glmformula.factors import relevel
from glmformula.families import get_family
from glmformula.irls import Control
from glmformula.links import get_link
from glmformula.model import glm
from glmformula.model_tables import AIC, BIC, logLik
from glmformula.negbin import glm_nb
from glmformula.plots import plot_predictions as plot_predictions
from glmformula.result import GLMResult
from glmformula.stepaic import stepAIC
from glmformula.stepwise import add1, drop1, step
from glmformula.summary import Summary
from glmformula.update import update

__version__ = "0.1.0"

__all__ = [
    "AliasingWarning", "ArgumentTypeError", "BoundaryWarning", "Control", "ConvergenceWarning",
    "DataError", "FamilyError", "FitError", "FormulaError", "GLMError", "GLMResult",
    "GLMWarning", "ResponseError", "Summary", "datasets", "families", "get_family",
    "get_link", "glm", "glm_nb", "links", "AnovaTable", "anova", "add1", "drop1", "step",
    "addterm", "dropterm", "AIC", "BIC", "logLik", "dose_p", "update",
    "stepAIC", "relevel",
]
