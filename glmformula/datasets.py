"""Bundled teaching datasets, as pandas DataFrames with proper dtypes.

>>> wb = load("warpbreaks")
>>> wb.shape, wb["tension"].cat.categories.tolist()
((54, 3), ['L', 'M', 'H'])
>>> "warpbreaks" in list()["name"].tolist()
True
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from glmformula.errors import DataError, shorten

_HERE = Path(__file__).resolve().parent
_CANDIDATES = (_HERE / "_datasets", _HERE.parent / "datasets")


def data_dir() -> Path:
    """The folder holding the CSV files and ``datasets.json``."""
    for folder in _CANDIDATES:
        if (folder / "datasets.json").is_file():
            return folder
    raise DataError(
        "the bundled datasets are missing from this installation; reinstall glmformula"
    )


@cache
def metadata() -> dict[str, Any]:
    """Title, description, source, licence and column meanings of every dataset."""
    with open(data_dir() / "datasets.json", encoding="utf-8") as handle:
        return json.load(handle)


def list() -> pd.DataFrame:  # mirrors R's data() listing
    """A table of the bundled datasets: name, title, rows and a suggested model."""
    rows = []
    for name, meta in metadata().items():
        model = meta.get("suggested_model", {})
        rows.append({
            "name": name,
            "title": meta.get("title", ""),
            "rows": meta.get("n_rows"),
            "suggested_formula": model.get("formula", ""),
            "suggested_family": model.get("family", ""),
        })
    return pd.DataFrame(rows)


def _typed(frame: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    for column, info in columns.items():
        kind = info.get("dtype")
        if kind == "category":
            values = frame[column]
            if values.dtype != object:
                values = values.astype("string").astype(object)
            frame[column] = pd.Categorical(
                values, categories=info.get("levels"),
                ordered=bool(info.get("ordered", False)),
            )
        elif kind == "int" and not frame[column].isna().any():
            frame[column] = frame[column].astype("int64")
        elif kind in ("float", "int"):
            frame[column] = frame[column].astype("float64")
        elif kind == "bool":
            frame[column] = frame[column].astype(bool)
    return frame


def load(name: str) -> pd.DataFrame:
    """Load a bundled dataset by name (see :func:`list`).

    R's row names that are names, not numbers, are the index:

    >>> load("mtcars").index[:2].tolist()
    ['Mazda RX4', 'Mazda RX4 Wag']
    """
    meta = metadata()
    if name not in meta:
        raise DataError(
            f"no bundled dataset named {shorten(name)}; available: {', '.join(sorted(meta))}"
        )
    columns = meta[name].get("columns", {})
    factors = {column: object for column, info in columns.items()
               if info.get("dtype") == "category"}  # read as text: no string dtype detour
    frame = pd.read_csv(data_dir() / f"{name}.csv", keep_default_na=True, dtype=factors)
    if "row_names" in meta[name]:  # R's row names that are names (mtcars' cars)
        frame.index = pd.Index(meta[name]["row_names"], dtype=object)
    return _typed(frame, columns)
