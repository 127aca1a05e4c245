"""Build the compiled sums kernel (csrc/_glmformula_sums.c) into the wheel.

The kernel is optional: where no C compiler is found, the wheel is built
without it and glmformula uses its numpy path (same sums, to rounding).
Set GLMFORMULA_NO_COMPILE=1 to build a pure-Python wheel on purpose.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("csrc") / "_glmformula_sums.c"
MODULE = "_glmformula_sums"


def compile_kernel(root: Path, folder: Path) -> Path:
    """Compile the kernel into ``folder``; the built file's path."""
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    extension = Extension(MODULE, [str(root / SOURCE)], extra_compile_args=["-O3"])
    command = build_ext(Distribution({"name": MODULE, "ext_modules": [extension]}))
    command.build_lib = str(folder / "lib")
    command.build_temp = str(folder / "temp")
    command.ensure_finalized()
    command.run()
    return Path(command.get_ext_fullpath(MODULE))


class CompiledSumsHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds the compiled kernel to the wheel (and to an editable install) when it builds."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("GLMFORMULA_NO_COMPILE"):
            return
        self._folder = Path(tempfile.mkdtemp(prefix="glmformula-build-"))
        try:
            built = compile_kernel(Path(self.root), self._folder)
        except Exception as error:  # no compiler, no headers: the numpy path serves
            print(f"glmformula: the compiled sums kernel was not built ({error}); "
                  "the numpy path will be used", file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version == "editable":  # this map replaces the configured one: keep both
            include = build_data["force_include_editable"]
            if not include:
                include.update(self.build_config.get_force_include())
        else:
            include = build_data["force_include"]
        include[str(built)] = built.name

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
