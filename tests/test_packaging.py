"""The package ships its type hints (PEP 561): glmformula/py.typed is in the package."""

from __future__ import annotations

from importlib import resources


def test_py_typed_marker_is_in_the_package() -> None:
    marker = resources.files("glmformula").joinpath("py.typed")
    assert marker.is_file()
    assert marker.read_text(encoding="utf-8") == ""
