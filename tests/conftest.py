"""Shared by the tests: R's golden files and their helpers (tests/golden/compare.py).

The folder tests/golden goes on ``sys.path`` once, here, so a test module reads
a golden file with ``from compare import golden_cases`` and
``CASES = golden_cases("anova")`` (tests/golden/anova_golden.json). Cases are
loaded at import, as ``pytest.mark.parametrize`` needs them at collection.
"""

from __future__ import annotations

import sys
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"

if str(GOLDEN_DIR) not in sys.path:
    sys.path.insert(0, str(GOLDEN_DIR))
