"""Where to read what a coefficient does not say: the tools of :mod:`glmformula.margins`
and the plots, named with the model's data columns (see :mod:`glmformula.explain`).

>>> data_column(("cyl", "mpg"), "factor(cyl)")
'cyl'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glmformula.design_parse import name_in
from glmformula.explain_terms import TermInfo, offset_exposure

if TYPE_CHECKING:
    from glmformula.result import GLMResult

__all__ = ["data_column", "predictions_pointer", "response_scale_note"]


def predictions_pointer(x: str, by: str | None = None, by_factor: bool = True) -> str:
    """Where to read an effect that no coefficient gives: the tools of
    :mod:`glmformula.margins` and the plots, for ``x`` (within ``by`` for an interaction)."""
    if by is None:
        return (f'for the average change in the response per unit of {x} use '
                f'gf.avg_slopes(m, variables="{x}"), and read the fitted curve with '
                f'gf.plot_predictions(m, x="{x}")')
    if by_factor:
        return (f'for the slope of {x} within each level of {by} use '
                f'gf.avg_slopes(m, variables="{x}", by="{by}") (or gf.emtrends(m, '
                f'specs="{by}", var="{x}") on the reference grid), and read the curves with '
                f'gf.plot_predictions(m, x="{x}", by="{by}")')
    return (f'for how the slope of {x} changes with {by} use gf.plot_slopes(m, '
            f'variables="{x}", condition="{by}"), and gf.slopes(m, variables="{x}", '
            f'newdata=gf.datagrid(m, {by}=[...])) at chosen values of {by}')


def data_column(columns: tuple[str, ...], base: str) -> str:
    """The data column a variable is built from (``cyl`` for ``factor(cyl)``)."""
    if base in columns:
        return base
    found = [c for c in columns if name_in(c, base)]
    return found[0] if found else base



def response_scale_note(result: GLMResult, link: str, words: tuple[str, str],
                         infos: dict[str, TermInfo]) -> list[str]:
    """For a link other than the identity: where to read effects on the response scale (the
    average marginal effects of :mod:`glmformula.margins`), naming a numeric predictor and a
    factor of the model."""
    if link == "identity":
        return []
    numeric: list[str] = []
    factors: list[str] = []
    columns = tuple(result.design.data_columns)
    mean_word, response = words
    for info in infos.values():
        for v in info.variables:
            (factors if v.kind == "factor" else numeric).append(data_column(columns, v.base))
    tools = []
    if numeric:
        tools.append(f'gf.avg_slopes(m, variables="{numeric[0]}") gives the average change in '
                     f"the {mean_word} per unit of {numeric[0]}")
    if factors:
        tools.append(f'gf.avg_comparisons(m, variables="{factors[0]}") gives the average '
                     f"difference in the {mean_word} between the levels of {factors[0]} "
                     '(comparison="ratio" for their ratio)')
    if not tools:
        return []
    exposure = offset_exposure(result)
    rows = f" (over the rows, each at its own {exposure})" if exposure else ""
    what = {"logit": "odds ratios", "log": "ratios"}.get(link, f"changes on the {link} scale")
    return [f"Response scale: the {what} above do not say by how much the {mean_word} of "
            f"{response} changes, which depends on where a case starts; "
            f"{', and '.join(tools)}{rows}."]
