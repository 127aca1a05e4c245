"""Optional dependencies: tell a missing module from an installed one that cannot be imported.

A module that is installed but fails to import (built for another numpy, say)
must not be reported as missing: "pip install" would change nothing. The
message names the real import error instead.

>>> optional_dependency_message("no_such_module_here", "reading Parquet", "parquet")
'reading Parquet needs no_such_module_here: pip install "glmformula[parquet]"'
"""

from __future__ import annotations

import importlib
import importlib.util
import sys


def optional_dependency_message(module: str, purpose: str, extra: str,
                                error: BaseException | None = None) -> str:
    """Why `purpose` cannot use `module`: not installed, not importable, or `error` itself."""
    if module in sys.modules and sys.modules[module] is None:  # import blocked on purpose
        installed = False
    else:
        try:
            installed = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            installed = False
    if not installed:
        return f'{purpose} needs {module}: pip install "glmformula[{extra}]"'
    try:
        importlib.import_module(module)
    except Exception as problem:  # any failure to import is reported as it is
        return (f"{purpose} needs {module}, which is installed but cannot be imported: "
                f"{type(problem).__name__}: {problem}")
    return f"{purpose} failed: {error}" if error is not None else f"{purpose} failed"
