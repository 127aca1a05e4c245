"""Parquet and CSV files for a chunked fit: every file checked, every row read.

A fit on files uses every row of every file, or says why not. Before the
first pass, the footer of every Parquet file (or the header and first rows of
every CSV file) is read: a file that is empty, that is not of its format, that
lacks a column the model uses, or a column whose type differs between files
(numbers in one, text in another) is a :class:`~glmformula.errors.DataError`
naming the file and the column. Integer and floating columns mix, as R's
``rbind`` mixes them. Each file (a large Parquet file's row groups, a large CSV
file's blocks of :data:`CSV_BLOCK` bytes) then gives one or more partitions,
read by :class:`PieceReader`, which names the file of any error it meets.

>>> resolve_files("no-such-directory/*.parquet")
Traceback (most recent call last):
...
glmformula.errors.DataError: no file matches 'no-such-directory/*.parquet'; give ...
"""

from __future__ import annotations

import glob
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from glmformula.chunked_kinds import (
    KIND_TEXT,
    arrow_kind,
    arrow_type_name,
    describe,
    error_text,
    kind_of_values,
)
from glmformula.errors import DataError, shorten
from glmformula.optional import optional_dependency_message

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".csv.zst")
#: a CSV file larger than this is read in blocks of this many bytes (split at line ends)
CSV_BLOCK = 64 * 2**20
#: consecutive row groups of a Parquet file are read together up to this many bytes
PARQUET_BLOCK = 256 * 2**20
#: rows of each CSV file read to learn its columns and their types
CSV_SAMPLE_ROWS = 1000
_GLOB = "*?["


@dataclass(frozen=True)
class Piece:
    """A part of one file that becomes one partition."""

    path: str
    format: str  # "parquet" or "csv"
    row_groups: tuple[int, ...] = ()  # Parquet: the row groups read
    first_row: int = 0  # Parquet: the row of the file that the piece starts at
    offset: int = 0  # CSV: bytes of the block (length None: the whole file)
    length: int | None = None
    range_index: tuple[int, int] | None = None  # Parquet: (start, step) of a stored RangeIndex


@dataclass(frozen=True)
class FileColumns:
    """One file: its path, its columns with their kind and type, its rows if known."""

    path: str
    kinds: dict[str, tuple[str, str]]  # column -> (kind, type name)
    rows: int | None
    pieces: tuple[Piece, ...]
    types: dict[str, Any] = field(repr=False)  # column -> its arrow type (Parquet) or dtype
    meta: dict[str, pd.Series] = field(repr=False)  # column -> an empty series of its dtype


@dataclass(frozen=True)
class FileSet:
    """The files of a chunked fit, checked; :meth:`frame` reads them lazily with Dask."""

    format: str
    files: tuple[FileColumns, ...]

    @property
    def columns(self) -> list[str]:
        """Every column of any file, in order of first appearance."""
        seen: dict[str, None] = {}
        for f in self.files:
            seen.update(dict.fromkeys(f.kinds))
        return list(seen)

    @property
    def n_rows(self) -> int | None:
        """Rows of all files together (None for CSV files, which are not counted beforehand)."""
        rows = [f.rows for f in self.files]
        return None if any(r is None for r in rows) else sum(r for r in rows if r is not None)

    def check_columns(self, columns: Sequence[str]) -> dict[str, FileColumns]:
        """Every file has every column, of one kind; returns the first file that types each.

        A column with no value in a file (all missing) takes the type of the others.
        """
        typed: dict[str, FileColumns] = {}
        for f in self.files:
            absent = [c for c in columns if c not in f.kinds]
            if absent:
                holder = next(g.path for g in self.files if absent[0] in g.kinds)
                raise DataError(
                    f"file {f.path} lacks the column(s) "
                    f"{', '.join(shorten(c) for c in absent[:5])} that the model uses (file "
                    f"{holder} has {shorten(absent[0])}); every file must have every column "
                    "of the model, or its rows would be lost: add the column "
                    "(missing values are fine) or leave the file out"
                )
            for c in columns:
                kind, type_name = f.kinds[c]
                if kind == "missing":
                    continue
                if c not in typed:
                    typed[c] = f
                elif kind != typed[c].kinds[c][0]:
                    k0, t0 = typed[c].kinds[c]
                    raise DataError(
                        f"column {shorten(c)} holds {describe(k0, t0)} in file {typed[c].path} but "
                        f"{describe(kind, type_name)} in file {f.path}; a column must have "
                        "the same type in every file (convert it where it differs)"
                    )
        return {c: typed.get(c, self.files[0]) for c in columns}

    def frame(self, columns: Sequence[str]) -> Any:
        """A Dask DataFrame of these columns of every file, one partition per piece."""
        from glmformula.chunked_source import import_dask

        dd = import_dask()
        typed = self.check_columns(columns)
        meta = pd.DataFrame({c: typed[c].meta[c] for c in columns})
        reader = PieceReader(
            columns=tuple(columns), kinds={c: typed[c].kinds[c][0] for c in columns},
            types={c: typed[c].types[c] for c in columns} if self.format == "parquet" else {},
        )
        pieces = [p for f in self.files for p in f.pieces]
        return dd.from_map(reader, pieces, meta=meta, label="glmformula-read",
                           enforce_metadata=False)


@dataclass(frozen=True)
class PieceReader:
    """Reads one piece as a pandas DataFrame of the model's columns (runs on a worker)."""

    columns: tuple[str, ...]
    kinds: dict[str, str]  # column -> its kind in the files ("missing": in none)
    types: dict[str, Any]  # Parquet: column -> the arrow type an all-missing column is read as

    def __call__(self, piece: Piece) -> pd.DataFrame:
        try:
            if piece.format == "parquet":
                return self._parquet(piece)
            frame = _read_csv_piece(piece, list(self.columns))
        except (ValueError, OSError) as error:  # pyarrow's errors and UnicodeDecodeError too
            if isinstance(error, DataError):
                raise
            where = f" (the block from byte {piece.offset})" if piece.offset else ""
            raise DataError(f"cannot read file {piece.path}{where}: {error_text(error)}") from None
        self._check_kinds(frame, piece)
        return _logical_as_boolean(frame, [c for c in self.columns if self.kinds[c] == "logical"])

    def _parquet(self, piece: Piece) -> pd.DataFrame:
        pa, pq = _import_pyarrow()

        with pq.ParquetFile(piece.path) as handle:
            table = handle.read_row_groups(list(piece.row_groups), columns=list(self.columns),
                                           use_pandas_metadata=True)
        for i, name in enumerate(table.schema.names):
            target = self.types.get(name)
            if pa.types.is_null(table.schema.field(i).type) and target is not None:
                if pa.types.is_dictionary(target):
                    target = target.value_type
                table = table.set_column(i, name, table.column(i).cast(target))
        frame = table.to_pandas(split_blocks=True, self_destruct=True)  # no second copy
        del table
        if piece.range_index is not None:
            start, step = piece.range_index
            begin = start + step * piece.first_row
            frame.index = pd.RangeIndex(begin, begin + step * len(frame), step,
                                        name=frame.index.name)
        return frame

    def _check_kinds(self, frame: pd.DataFrame, piece: Piece) -> None:
        """CSV: each block's types are inferred anew; they must be those of the first rows."""
        for c in self.columns:
            expected = self.kinds[c]
            found = kind_of_values(frame[c])
            if expected != "missing" and found not in ("missing", expected):
                where = f"from byte {piece.offset} of" if piece.offset else "in"
                raise DataError(
                    f"column {shorten(c)} holds {describe(found, str(frame[c].dtype))} {where} "
                    f"file {piece.path} but {KIND_TEXT.get(expected, expected)} in the first rows "
                    "of the files; a column must have the same type in every file and row "
                    "(convert the values that differ)"
                )


# --- finding and checking the files ---------------------------------------------------
def _format_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    try:
        with path.open("rb") as handle:
            return "parquet" if handle.read(4) == b"PAR1" else None
    except OSError:
        return None


def _directory_files(directory: Path) -> list[Path]:
    """Files under a directory, as Arrow lists them: names starting with _ or . left out."""
    out = []
    for path in sorted(directory.rglob("*")):
        parts = path.relative_to(directory).parts
        if path.is_file() and not any(p.startswith(("_", ".")) for p in parts):
            out.append(path)
    return out


def resolve_files(source: str | Path) -> tuple[str, list[Path]]:
    """The format ("parquet" or "csv") and the files that a path, glob or directory names."""
    text = str(source)
    if any(ch in text for ch in _GLOB):
        paths = [Path(p) for p in sorted(glob.glob(text))]
        if not paths:
            raise DataError(f"no file matches {text!r}; give an existing path or a glob")
        for path in paths:
            if path.is_dir():
                raise DataError(f"{path} (matched by {text!r}) is a directory; give a glob "
                                f"that matches files only, such as {path / '*.parquet'}")
    elif not Path(text).exists():
        raise DataError(f"no file or directory {text!r}; give an existing path or a glob")
    elif Path(text).is_dir():
        paths = _directory_files(Path(text))
        if not paths:
            raise DataError(f"directory {text} has no data files; pass a glob such as "
                            f"{Path(text) / '*.parquet'}")
    else:
        paths = [Path(text)]
    formats: dict[str, Path] = {}
    for path in paths:
        kind = _format_of(path)
        if kind is None:
            raise DataError(
                f"file {path} is neither Parquet (.parquet) nor CSV (.csv); "
                + (f"pass a glob that selects the data files only, such as "
                   f"{Path(text) / '*.parquet'}" if Path(text).is_dir() or len(paths) > 1
                   else "give a Parquet or CSV file")
            )
        formats.setdefault(kind, path)
    if len(formats) > 1:
        raise DataError(
            f"{text} mixes Parquet and CSV files ({formats['parquet']}, {formats['csv']}); "
            "pass a glob that selects one kind, such as *.parquet"
        )
    return next(iter(formats)), paths


def scan_files(source: str | Path) -> FileSet:
    """Find the files that ``source`` names and read each one's columns (footer or first rows)."""
    fmt, paths = resolve_files(source)
    infos = []
    for path in paths:
        if path.stat().st_size == 0:
            raise DataError(f"file {path} is empty (0 bytes); remove it or write its data")
        infos.append(_parquet_columns(path) if fmt == "parquet" else _csv_columns(path))
    return FileSet(fmt, tuple(infos))


def _import_pyarrow() -> tuple[Any, Any]:
    """pyarrow and pyarrow.parquet, or a DataError that tells missing from broken."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as error:
        raise DataError(optional_dependency_message(
            "pyarrow", "reading Parquet files", "parquet", error)) from None
    return pa, pq


def _parquet_columns(path: Path) -> FileColumns:
    pa, pq = _import_pyarrow()

    try:
        metadata = pq.read_metadata(path)
        schema = metadata.schema.to_arrow_schema()
    except (pa.ArrowException, OSError) as error:
        raise DataError(f"file {path} is not a Parquet file, or it is damaged (truncated?): "
                        f"{error_text(error)}") from None
    pandas_meta = schema.pandas_metadata or {}
    index_columns = pandas_meta.get("index_columns", [])
    stored = {c for c in index_columns if isinstance(c, str)}
    ranges = [c for c in index_columns if isinstance(c, dict) and c.get("kind") == "range"]
    range_index = (int(ranges[0]["start"]), int(ranges[0]["step"])) if len(
        index_columns) == 1 and ranges else None
    kinds = {name: (arrow_kind(schema.field(name).type), arrow_type_name(schema.field(name).type))
             for name in schema.names if name not in stored}
    pieces: list[Piece] = []
    group: list[int] = []
    size = first = 0
    row = 0
    for i in range(metadata.num_row_groups):
        rg = metadata.row_group(i)
        if group and size + rg.total_byte_size > PARQUET_BLOCK:
            pieces.append(Piece(str(path), "parquet", tuple(group), first,
                                range_index=range_index))
            group, size, first = [], 0, row
        group.append(i)
        size += rg.total_byte_size
        row += rg.num_rows
    if group or not pieces:
        pieces.append(Piece(str(path), "parquet", tuple(group), first, range_index=range_index))
    empty = schema.empty_table().to_pandas()
    return FileColumns(str(path), kinds, int(metadata.num_rows), tuple(pieces),
                       types={c: schema.field(c).type for c in kinds},
                       meta={c: empty[c] for c in kinds})


def _csv_columns(path: Path) -> FileColumns:
    try:
        sample = pd.read_csv(path, nrows=CSV_SAMPLE_ROWS)
    except pd.errors.EmptyDataError:
        raise DataError(f"file {path} has no header line; a CSV file starts with the "
                        "names of its columns") from None
    except UnicodeDecodeError as error:
        raise DataError(f"file {path} is not a CSV text file (byte {error.start} is not "
                        "UTF-8 text)") from None
    except (ValueError, OSError) as error:
        raise DataError(f"file {path} cannot be read as CSV (is it a CSV file?): "
                        f"{error_text(error)}") from None
    kinds = {str(c): (kind_of_values(sample[c]), str(sample[c].dtype)) for c in sample.columns}
    size = path.stat().st_size
    compressed = not path.name.lower().endswith(".csv")
    pieces: tuple[Piece, ...] = (Piece(str(path), "csv"),)
    if not compressed and size > CSV_BLOCK:
        pieces = tuple(Piece(str(path), "csv", offset=o, length=CSV_BLOCK)
                       for o in range(0, size, CSV_BLOCK))
    sample = _logical_as_boolean(sample, [c for c in sample.columns
                                          if kinds[str(c)][0] == "logical"])
    return FileColumns(str(path), kinds, None, pieces,
                       types={str(c): sample[c].dtype for c in sample.columns},
                       meta={str(c): sample[c].iloc[:0] for c in sample.columns})


def _logical_as_boolean(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """CSV columns of TRUE/FALSE values as pandas' nullable booleans (R's read.csv reads them
    as logical, NA too): pandas reads them as bool, or as objects where a value is missing,
    which a Dask DataFrame turns into the text 'True'/'False'."""
    if not columns:
        return frame
    return frame.assign(**{str(c): frame[c].astype("boolean") for c in columns})


def _read_csv_piece(piece: Piece, columns: list[str]) -> pd.DataFrame:
    if piece.length is None:
        return pd.read_csv(piece.path, usecols=columns)
    from fsspec.utils import read_block

    with open(piece.path, "rb") as handle:
        header = handle.readline() if piece.offset else b""
        block = read_block(handle, piece.offset, piece.length, delimiter=b"\n")
    return pd.read_csv(io.BytesIO(header + block), usecols=columns)


def open_files(source: str | Path, used: Callable[[Sequence[str]], list[str]]
               ) -> tuple[Any, int | None]:
    """A Dask DataFrame of the columns ``used(all columns)`` of the files, and their row count.

    ``used`` picks the columns the model needs from every column the files have.
    """
    files = scan_files(source)
    columns = used(files.columns)
    return files.frame(columns), files.n_rows


__all__ = ["FileSet", "Piece", "PieceReader", "open_files", "resolve_files", "scan_files"]
