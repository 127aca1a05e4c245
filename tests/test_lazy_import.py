"""``import glmformula`` imports what a call needs, when the call needs it."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import glmformula as gf


def _modules_after(code: str) -> set[str]:
    """The modules imported by ``code`` in a fresh interpreter."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_import_alone_imports_nothing_heavy():
    modules = _modules_after("import glmformula")
    for heavy in ("pandas", "scipy", "formulaic", "tabmat", "polars", "matplotlib"):
        assert heavy not in modules, heavy


def test_a_small_fit_leaves_out_what_it_does_not_use():
    modules = _modules_after(
        "import glmformula as gf\n"
        "m = gf.glm('breaks ~ wool + tension', gf.datasets.load('warpbreaks'), 'poisson')\n"
        "str(m.summary())")
    for unused in ("tabmat", "polars", "scipy.optimize", "matplotlib", "dask"):
        assert unused not in modules, unused


def test_every_public_name_resolves():
    for name in gf.__all__:
        assert getattr(gf, name) is not None, name
    assert set(gf.__all__) <= set(dir(gf))


def test_a_submodule_import_leaves_the_function_its_name():
    modules = _modules_after(
        "import glmformula.anova, glmformula.update, glmformula.dropterm\n"
        "import glmformula as gf\n"
        "assert callable(gf.anova) and callable(gf.update) and callable(gf.dropterm)\n"
        "assert gf.datasets.__name__ == 'glmformula.datasets'")
    assert "glmformula.anova" in modules
    assert callable(gf.anova) and not isinstance(gf.anova, types.ModuleType)
