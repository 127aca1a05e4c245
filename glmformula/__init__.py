"""glmformula: R's ``glm()`` for Python.

>>> import glmformula as gf
>>> m = gf.glm("breaks ~ wool + tension", data=gf.datasets.load("warpbreaks"),
...            family="poisson")
>>> round(m.aic, 2)
493.06
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

# The public names are imported when first used (``import glmformula`` itself imports
# nothing heavy; ``gf.glm`` imports what a fit needs). To export a name, add it in
# three places: the TYPE_CHECKING imports (what mypy and editors see), _EXPORTS (the
# module that defines it) and __all__; a public submodule also goes in _SUBMODULES.
if TYPE_CHECKING:
    from glmformula import datasets, families, links
    from glmformula.anova import AnovaTable, anova
    from glmformula.dose import dose_p
    from glmformula.dropterm import addterm, dropterm
    from glmformula.emmeans import EmmGrid, emmeans, emtrends
    from glmformula.emmeans_contrast import contrast, pairs, regrid
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
    from glmformula.influence_measures import InfluenceMeasures, influence_measures
    from glmformula.irls import Control
    from glmformula.links import get_link
    from glmformula.margins import (
        avg_comparisons,
        avg_predictions,
        avg_slopes,
        comparisons,
        predictions,
        slopes,
    )
    from glmformula.margins_grid import datagrid
    from glmformula.model import glm
    from glmformula.model_tables import AIC, BIC, logLik
    from glmformula.negbin import glm_nb
    from glmformula.plots import plot_predictions as plot_predictions
    from glmformula.plots_margins import plot_slopes
    from glmformula.result import GLMResult
    from glmformula.separation import detect_separation
    from glmformula.stepaic import stepAIC
    from glmformula.stepwise import add1, drop1, step
    from glmformula.summary import Summary
    from glmformula.update import update

__version__ = "0.1.0"

#: public submodules (``gf.datasets``): the name is the module itself
_SUBMODULES = {"datasets", "families", "links"}

#: public name -> the module that defines it (or, for a name in _SUBMODULES, that is it)
_EXPORTS: dict[str, str] = {
    "datasets": "glmformula.datasets",
    "families": "glmformula.families",
    "links": "glmformula.links",
    "AnovaTable": "glmformula.anova",
    "anova": "glmformula.anova",
    "dose_p": "glmformula.dose",
    "addterm": "glmformula.dropterm",
    "dropterm": "glmformula.dropterm",
    "EmmGrid": "glmformula.emmeans",
    "emmeans": "glmformula.emmeans",
    "emtrends": "glmformula.emmeans",
    "contrast": "glmformula.emmeans_contrast",
    "pairs": "glmformula.emmeans_contrast",
    "regrid": "glmformula.emmeans_contrast",
    "InfluenceMeasures": "glmformula.influence_measures",
    "influence_measures": "glmformula.influence_measures",
    "avg_comparisons": "glmformula.margins",
    "avg_predictions": "glmformula.margins",
    "avg_slopes": "glmformula.margins",
    "comparisons": "glmformula.margins",
    "predictions": "glmformula.margins",
    "slopes": "glmformula.margins",
    "datagrid": "glmformula.margins_grid",
    "detect_separation": "glmformula.separation",
    "AliasingWarning": "glmformula.errors",
    "ArgumentTypeError": "glmformula.errors",
    "BoundaryWarning": "glmformula.errors",
    "ConvergenceWarning": "glmformula.errors",
    "DataError": "glmformula.errors",
    "FamilyError": "glmformula.errors",
    "FitError": "glmformula.errors",
    "FormulaError": "glmformula.errors",
    "GLMError": "glmformula.errors",
    "GLMWarning": "glmformula.errors",
    "ResponseError": "glmformula.errors",
    "relevel": "glmformula.factors",
    "get_family": "glmformula.families",
    "Control": "glmformula.irls",
    "get_link": "glmformula.links",
    "glm": "glmformula.model",
    "AIC": "glmformula.model_tables",
    "BIC": "glmformula.model_tables",
    "logLik": "glmformula.model_tables",
    "glm_nb": "glmformula.negbin",
    "plot_predictions": "glmformula.plots",
    "plot_slopes": "glmformula.plots_margins",
    "GLMResult": "glmformula.result",
    "stepAIC": "glmformula.stepaic",
    "add1": "glmformula.stepwise",
    "drop1": "glmformula.stepwise",
    "step": "glmformula.stepwise",
    "Summary": "glmformula.summary",
    "update": "glmformula.update",
}

__all__ = [
    "AliasingWarning", "ArgumentTypeError", "BoundaryWarning", "Control", "ConvergenceWarning",
    "DataError", "FamilyError", "FitError", "FormulaError", "GLMError", "GLMResult",
    "GLMWarning", "ResponseError", "Summary", "datasets", "families", "get_family",
    "get_link", "glm", "glm_nb", "links", "AnovaTable", "anova", "add1", "drop1", "step",
    "addterm", "dropterm", "AIC", "BIC", "logLik", "dose_p", "update",
    "stepAIC", "relevel", "EmmGrid", "emmeans", "emtrends", "contrast", "pairs",
    "avg_comparisons", "avg_predictions", "avg_slopes", "comparisons", "predictions",
    "slopes", "datagrid", "detect_separation", "plot_slopes", "regrid",
    "InfluenceMeasures", "influence_measures",
]


class _Package(types.ModuleType):
    """The package: importing a submodule that shares its name with a public function
    (``glmformula.anova``) leaves the name to the function, as an eager import did."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _EXPORTS and name not in _SUBMODULES:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used."""
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'glmformula' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if name in _SUBMODULES else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
