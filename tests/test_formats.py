"""Markdown, HTML and LaTeX renderings carry the same numbers as R's text summary."""

from __future__ import annotations

import re
import warnings
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import glmformula as gf
from glmformula.render.anova_text import anova_cells
from glmformula.render.text import coefficient_cells


def _aliased_binomial():
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    df = pd.DataFrame({"y": (x + rng.normal(size=60) > 0).astype(int), "x_1": x,
                       "x2": 2 * x})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gf.glm("y ~ x_1 + x2", data=df, family="binomial")


def _models():
    bw = gf.datasets.load("warpbreaks")
    return {
        "poisson": gf.glm("breaks ~ wool + tension", data=bw, family="poisson"),
        "gaussian": gf.glm("breaks ~ wool * tension", data=bw, family="gaussian"),
        "binomial_aliased": _aliased_binomial(),
        "quasipoisson": gf.glm("breaks ~ tension", data=bw, family="quasipoisson"),
    }


MODELS = _models()


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = self.rows = 0
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br",):
            return
        self.stack.append(tag)
        self.tables += tag == "table"
        self.rows += tag == "tr"

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    return parser


def _latex_rows(tex: str) -> list[list[str]]:
    body = re.search(r"\\begin\{tabular\}\{(\w+)\}(.*?)\\end\{tabular\}", tex, re.S)
    assert body is not None and tex.count(r"\begin{tabular}") == tex.count(r"\end{tabular}")
    spec, inner = body.groups()
    lines = [ln.strip() for ln in inner.strip().splitlines()
             if ln.strip() and not ln.strip().startswith(("\\toprule", "\\midrule",
                                                         "\\bottomrule"))]
    rows = []
    for ln in lines:
        assert ln.endswith(r"\\")
        cells = [c.strip() for c in re.split(r"(?<!\\)&", ln[:-2])]
        assert len(cells) == len(spec)
        rows.append(cells)
    return rows


@pytest.mark.parametrize("name", list(MODELS))
def test_summary_formats_carry_the_text_numbers(name):
    s = MODELS[name].summary()
    text = s.to_text()
    headers, cells = coefficient_cells(s.table)
    numbers = [c.strip() for row in cells for c in row[:4]]
    md, html, tex = s.to_markdown(), s.to_html(), s.to_latex()
    for number in numbers:
        assert number in text
        escaped = number.replace("<", r"\<")
        assert escaped in md
        assert number.replace("<", "&lt;") in html
        assert number.replace("<", r"\ensuremath{<}") in tex
    # fit statistics as in the text
    for pattern in (r"Null deviance: (\S+)  on\s+(\d+)", r"Residual deviance: (\S+)  on\s+(\d+)"):
        dev, df = re.search(pattern, text).groups()
        for out in (md, html, tex):
            assert f"{dev} on {df} degrees of freedom" in out
    aic = re.search(r"AIC: (\S+)", text).group(1)
    disp = re.search(r"taken to be (\S+)\)", text).group(1)
    iters = re.search(r"iterations: (\d+)", text).group(1)
    for out in (md, html, tex):
        assert f"AIC: {aic}" in out
        assert f"taken to be {disp})" in out
        assert f"Number of Fisher Scoring iterations: {iters}" in out
        assert ("Signif. codes" in out) == ("Signif. codes" in text)
    # structure
    p = _parse(html)
    assert p.tables == 1 and p.rows == 1 + len(s.table)
    rows = _latex_rows(tex)
    assert len(rows) == 1 + len(s.table)
    grid = [ln for ln in md.splitlines() if ln.startswith("|")]
    assert len(grid) == 2 + len(s.table)
    assert len({ln.count("|") - ln.count(r"\|") for ln in grid}) == 1
    assert s._repr_html_() == html


def test_headers_and_escaping():
    s = MODELS["poisson"].summary()
    md, html, tex = s.to_markdown(), s.to_html(), s.to_latex()
    assert r"Pr(\>\|z\|)" in md and "Estimate" in md and "Std. Error" in md
    assert "Pr(&gt;|z|)" in html and "Pr(>|z|)" not in html
    assert r"Pr(\ensuremath{>}\textbar{}z\textbar{})" in tex
    assert r"breaks \textasciitilde{} wool" in tex
    assert r"\*\*\*" in md and "<td" in html
    g = MODELS["gaussian"].summary()
    assert "Pr(&gt;|t|)" in g.to_html() and "t value" in g.to_latex()
    assert "Pr(>|t|)" in str(g)


def test_aliased_note_and_underscore():
    s = MODELS["binomial_aliased"].summary()
    assert s.n_aliased == 1
    note = "Coefficients: (1 not defined because of singularities)"
    assert note in s.to_text()
    for out in (s.to_markdown(), s.to_html(), s.to_latex()):
        assert note in out
    assert r"x\_1" in s.to_latex() and r"x\_1" in s.to_markdown()
    assert re.search(r"^\| x2 +\| +NA \| +NA \| +NA \| +NA \|", s.to_markdown(), re.M)


def test_quasipoisson_aic_na():
    s = MODELS["quasipoisson"].summary()
    assert "AIC: NA" in s.to_text()
    for out in (s.to_markdown(), s.to_html(), s.to_latex()):
        assert "AIC: NA" in out


def test_latex_escapes_specials():
    from glmformula.render.latex import escape_latex

    out = escape_latex(r"a_b ^ 5% & $x# {y} ~ \ <|>")
    for special in "_^%&$#{}~<|>":
        assert re.search(r"(?<!\\)" + re.escape(special), out.replace("{}", "")) is None \
            or special in "{}"
    assert r"\%" in out and r"\_" in out and r"\textasciicircum{}" in out


@pytest.mark.parametrize("kind", ["sequential", "none", "comparison", "F"])
def test_anova_formats(kind):
    bw = gf.datasets.load("warpbreaks")
    m1 = gf.glm("breaks ~ wool", data=bw, family="poisson")
    m2 = gf.glm("breaks ~ wool + tension", data=bw, family="poisson")
    table = {
        "sequential": lambda: gf.anova(m2),
        "none": lambda: gf.anova(m2, test=False),
        "comparison": lambda: gf.anova(m1, m2),
        "F": lambda: gf.anova(gf.glm("breaks ~ wool + tension", data=bw,
                                     family="quasipoisson")),
    }[kind]()
    text = str(table)
    rows, headers, columns, stars = anova_cells(table)
    md, html, tex = table.to_markdown(), table.to_html(), table.to_latex()
    for column in columns[: len(columns) - stars]:
        for cell in column:
            if cell.strip():
                assert cell.strip() in text
                assert cell.strip().replace("<", r"\<") in md
                assert cell.strip().replace("<", "&lt;") in html
                assert cell.strip().replace("<", r"\ensuremath{<}") in tex
    for line in table.heading.strip().splitlines():
        if line.strip():
            assert line.strip() in html.replace("&#x27;", "'").replace("&quot;", '"') \
                or "~" in line or "&" in line
    for out in (md, html, tex):
        assert ("Signif. codes" in out) == stars
    p = _parse(html)
    assert p.tables == 1 and p.rows == 1 + len(rows)
    assert len(_latex_rows(tex)) == 1 + len(rows)
    assert table._repr_html_() == html
    last = headers[-2] if stars else headers[-1]
    if last.startswith("Pr("):
        assert last.replace(">", "&gt;") in html
        assert last.replace(">", r"\>") in md
        assert last.replace(">", r"\ensuremath{>}") in tex
