"""The README's Python code runs: every ```python block, in order, in one namespace.

Blocks run from a temporary working directory (so files they write go there). A block
is skipped only when it needs an optional module that is not installed (matplotlib).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
OPTIONAL_MODULES = ("matplotlib",)


def python_blocks(text: str) -> list[str]:
    """The bodies of the ```python fenced blocks of a Markdown text, in order."""
    return re.findall(r"^```python[ \t]*\n(.*?)^```[ \t]*$", text, flags=re.M | re.S)


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def test_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 3
    assert any("gf.anova(" in block for block in BLOCKS)
    assert any("m.plot()" in block for block in BLOCKS)


def test_python_blocks_are_found() -> None:
    text = "x\n```python\na = 1\n```\n```bash\nls\n```\n```python\nb = 2\n```\n"
    assert python_blocks(text) == ["a = 1\n", "b = 2\n"]


@pytest.fixture(scope="module")
def namespace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("readme"))
        yield {"__name__": "__readme__"}


def _missing_optional(error: ImportError) -> str | None:
    name = (error.name or "").split(".")[0]
    if name in OPTIONAL_MODULES:
        return name
    cause = error.__cause__
    if isinstance(cause, ImportError):
        return _missing_optional(cause)
    return next((m for m in OPTIONAL_MODULES if m in str(error)), None)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index: int, namespace: dict[str, object],
                           capsys: pytest.CaptureFixture[str]) -> None:
    code = compile(BLOCKS[index], f"README.md python block {index + 1}", "exec")
    try:
        exec(code, namespace)
    except ImportError as error:
        module = _missing_optional(error)
        if module is None:
            raise
        pytest.skip(f"README block {index + 1} needs {module}, which is not installed")
    capsys.readouterr()


def test_only_missing_optional_modules_skip() -> None:
    assert _missing_optional(ModuleNotFoundError("No module", name="matplotlib")) == "matplotlib"
    assert _missing_optional(ModuleNotFoundError("x", name="matplotlib.pyplot")) == "matplotlib"
    wrapped = ImportError('plotting needs matplotlib; pip install "glmformula[plot]"')
    assert _missing_optional(wrapped) == "matplotlib"
    assert _missing_optional(ModuleNotFoundError("No module", name="glmformula_x")) is None
