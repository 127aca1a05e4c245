"""The cases of influence_golden.json (written by make_golden_influence.R)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).with_name("influence_golden.json")

with open(GOLDEN, encoding="utf-8") as _handle:
    CASES: list[dict[str, Any]] = json.load(_handle)["cases"]


def cases_with(part: str) -> list[dict[str, Any]]:
    """The cases that hold results of one part: confint, influence or robust."""
    return [case for case in CASES if part in case["parts"]]
