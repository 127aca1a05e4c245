"""What a family does is asked of the family (its attributes), never read off its name.

R's code tests family names in several places (summary.glm, rstudent.glm, profile.glm,
anova.glm, drop1.glm, glm.fit, sandwich's bread.glm); each such rule is one attribute of
:class:`glmformula.family_base.Family`, defined for every registered family. The negative
binomial is where R's rules part (tests/golden/family_rules_golden.json, written by
tests/golden/make_golden_family_rules.R).
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from compare import assert_close, load_golden

import glmformula as gf
from glmformula.families import FAMILIES, Family
from glmformula.families_extra import NegativeBinomial
from glmformula.negbin import NegativeBinomialML
from glmformula.robust import vcov_hc

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "glmformula"
GOLDEN = load_golden("family_rules")
REGISTERED = {cls.name.lower() for cls in FAMILIES.values()}
RESPONSE_KINDS = {"probability", "count", "positive", "real"}
FLAGS = ("fixed_dispersion", "unit_dispersion", "dispersion_free", "separation_possible",
         "normal_likelihood", "whole_counts")


def _instance(cls: type[Family]) -> Family:
    return cls(2.0) if issubclass(cls, NegativeBinomial) else cls()


FAMILY_OBJECTS = {cls.name: _instance(cls) for cls in FAMILIES.values()}
FAMILY_OBJECTS["glm_nb"] = NegativeBinomialML(2.0)

# name -> (fixed_dispersion, unit_dispersion, dispersion_free, response_kind): R's rules
EXPECTED = {
    "gaussian": (False, False, False, "real"),
    "binomial": (True, True, True, "probability"),
    "quasibinomial": (False, False, False, "probability"),
    "poisson": (True, True, True, "count"),
    "quasipoisson": (False, False, False, "count"),
    "Gamma": (False, False, False, "positive"),
    "inverse.gaussian": (False, False, False, "positive"),
    "quasi": (False, False, False, "real"),
    "negative.binomial": (False, False, True, "count"),
    "glm_nb": (True, False, True, "count"),
    "Tweedie": (False, False, False, "real"),
}


def test_every_registered_family_is_described() -> None:
    assert set(FAMILY_OBJECTS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(FAMILY_OBJECTS))
def test_family_defines_every_attribute(name: str) -> None:
    family = FAMILY_OBJECTS[name]
    assert family.response_kind in RESPONSE_KINDS
    for flag in FLAGS:
        assert isinstance(getattr(family, flag), bool), flag
    assert isinstance(family.allowed_links, tuple)
    assert all(isinstance(a, str) for a in family.call_arguments())
    fixed, unit, free, kind = EXPECTED[name]
    assert (family.fixed_dispersion, family.unit_dispersion, family.dispersion_free,
            family.response_kind) == (fixed, unit, free, kind)
    if family.unit_dispersion:  # R's binomial and poisson: no dispersion at all
        assert family.fixed_dispersion and family.dispersion_free
    assert family.separation_possible == (name in ("binomial", "quasibinomial"))
    assert family.normal_likelihood == (name == "gaussian")
    assert family.whole_counts == (name in ("binomial", "poisson"))
    base = family.dispersion_base  # a quasi family scales its likelihood family's errors
    assert base == {"quasibinomial": "binomial", "quasipoisson": "poisson"}.get(name)
    assert base is None or FAMILY_OBJECTS[base].unit_dispersion


def test_tweedie_response_kind_follows_its_variance() -> None:
    assert gf.families.get_family("tweedie", var_power=0).response_kind == "real"
    assert gf.families.get_family("tweedie", var_power=1.5).response_kind == "positive"


def test_call_arguments_as_r_prints_the_call() -> None:
    get = gf.families.get_family
    assert get("poisson").call_arguments() == []
    assert get("poisson", link="sqrt").call_arguments() == ['link = "sqrt"']
    assert get("quasi", variance="mu").call_arguments() == [
        'link = "identity"', 'variance = "mu"']
    wb = gf.datasets.load("warpbreaks")
    m = gf.glm("breaks ~ wool", data=wb, family="quasi", link="log", variance="mu")
    assert 'family = quasi(link = "log", variance = "mu")' in m.call


def _compared_strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for elt in node.elts for s in _compared_strings(elt)]
    return []


def family_name_comparisons(source: str) -> list[int]:
    """Lines where something is compared with a registered family name, or where a
    collection literal lists two or more family names."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            strings = [s.lower() for o in operands for s in _compared_strings(o)]
            if any(s in REGISTERED for s in strings):
                lines.append(node.lineno)
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            strings = [s.lower() for s in _compared_strings(node)]
            if len(strings) >= 2 and all(s in REGISTERED for s in strings):
                lines.append(node.lineno)
    return lines


def test_the_scan_finds_name_tests() -> None:
    assert family_name_comparisons('if family.name == "poisson":\n    pass\n') == [1]
    assert family_name_comparisons('if self.name in ("binomial", "x"):\n    pass\n') == [1]
    assert family_name_comparisons('Z = {"binomial", "poisson"}\n') == [1]
    assert family_name_comparisons('if fam != "gaussian":\n    pass\n') == [1]
    assert family_name_comparisons('if link.name == "log":\n    pass\n') == []
    assert family_name_comparisons('f(family="poisson")\n') == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_tests_a_family_name(path: Path) -> None:
    found = family_name_comparisons(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name} compares family names at lines {found}: ask the family"


# -- the README's table of families and links is the registry's ----------------------------

def _readme_rows() -> list[tuple[list[str], str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Families and links", 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if not line.startswith("|") and rows:
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0].startswith(("family", "---")):
            continue
        spellings = [s.split("(")[0].lower() for s in re.findall(r"`([^`]+)`", cells[0])]
        rows.append(([s for s in spellings if s in FAMILIES], cells[1], cells[2]))
    return rows


README_ROWS = _readme_rows()


def test_readme_table_lists_every_family() -> None:
    listed = {FAMILIES[s] for spellings, _, _ in README_ROWS for s in spellings}
    assert listed == set(FAMILIES.values())


@pytest.mark.parametrize("row", README_ROWS, ids=lambda r: r[0][0])
def test_readme_links_are_the_registry_links(row: tuple[list[str], str, str]) -> None:
    spellings, default, others = row
    for spelling in spellings:
        family = _instance(FAMILIES[spelling])
        if others.startswith("any"):
            assert family.allowed_links == ()
            continue
        assert default == family.default_link
        listed = {link.strip() for link in others.split(",")}
        assert {default, *listed} == set(family.allowed_links)


# -- R's rules for the negative binomial, where they part ----------------------------------

def _fit(family: str) -> gf.GLMResult:
    wb = gf.datasets.load("warpbreaks")
    if family == "glm.nb":
        return gf.glm_nb("breaks ~ wool + tension", data=wb)
    fam = NegativeBinomial(2) if family == "negative.binomial(2)" else family
    return gf.glm("breaks ~ wool + tension", data=wb, family=fam)


def _messages(call) -> list[str]:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda c: c["id"])
def test_family_rules_equal_r(case: dict) -> None:
    expected = case["expected"]
    m = _fit(case["family"])
    assert m.dispersion == pytest.approx(expected["dispersion"], rel=1e-8)
    assert_close(m.influence()["rstudent"], expected["rstudent"], rtol=1e-8)
    ci = m.confint()
    assert_close(ci.iloc[:, 0], expected["confint"]["lower"], rtol=1e-6)
    assert_close(ci.iloc[:, 1], expected["confint"]["upper"], rtol=1e-6)
    assert_close(vcov_hc(m, "HC0"), np.array(expected["HC0"]), rtol=1e-8)
    assert _messages(lambda: gf.drop1(m, test="F")) == expected["drop1_F_warnings"]
    if expected["anova_F_warnings"] is not None:
        assert _messages(lambda: gf.anova(m, test="F")) == expected["anova_F_warnings"]
