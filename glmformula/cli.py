"""The ``glmformula`` command: fit a model to a CSV/Parquet file or a bundled dataset.

``glmformula datasets`` lists the bundled datasets with a suggested model for each.

>>> main(["fit", "warpbreaks", "breaks ~ wool + tension", "--family", "poisson"])
... # doctest: +ELLIPSIS
<BLANKLINE>
Call:
glm(formula = breaks ~ wool + tension, family = poisson, data = warpbreaks)
...
"""

from __future__ import annotations

import argparse
import gc
import inspect
import os
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from glmformula.collector import collector_paused
from glmformula.errors import DataError, GLMError, shorten
from glmformula.optional import optional_dependency_message

if TYPE_CHECKING:
    import pandas as pd

    from glmformula.result import GLMResult

# The command imports pandas, formulaic and the fitter only once its arguments are read
# (``glmformula --help`` and argument errors stay quick), with the collector paused.
_FIT_MODULES = ("pandas", "glmformula.datasets", "glmformula.model", "glmformula.summary")


def import_paused(modules: Sequence[str]) -> None:
    """Import ``modules`` with Python's cycle collector paused, then freeze what exists.

    Importing numpy, pandas, scipy and formulaic makes a few hundred thousand objects
    that live as long as the process; the collector would walk them again and again
    while they are made (a tenth of a small fit's run time). Frozen, later collections
    skip them. Only the first call in a process pauses and freezes.
    """
    missing = [name for name in modules if name not in sys.modules]
    if not missing:
        return
    with collector_paused():
        try:
            for name in missing:
                __import__(name)
        finally:
            gc.freeze()


def read_data(source: str) -> tuple[pd.DataFrame, str]:
    """A DataFrame from a CSV or Parquet path, or a bundled dataset's name."""
    import pandas as pd

    from glmformula import datasets

    path = Path(source)
    if path.is_dir() or any(ch in source for ch in "*?["):
        raise DataError(f"{source} is a directory or a glob of files: add --dask to fit them "
                        "as one data set (read lazily, checked file by file)")
    if path.suffix.lower() in (".csv", ".parquet", ".pq") or path.is_file():
        if not path.is_file():
            raise DataError(f"no such file: {source}")
        try:
            if path.suffix.lower() in (".parquet", ".pq"):
                return pd.read_parquet(path), path.stem
            return pd.read_csv(path), path.stem
        except ImportError as error:  # pyarrow missing, or installed but not importable
            raise DataError(
                optional_dependency_message("pyarrow", "reading Parquet", "parquet", error)
            ) from None
        except (ValueError, OSError) as error:  # empty or malformed file, unreadable path
            raise DataError(f"cannot read {source}: {shorten(error, 300, False)}") from None
    return datasets.load(source), source


def _glob_name(source: str) -> str:
    """A name for files given by a path or glob: "flights" for "flights-*.parquet"."""
    path = Path(source)
    stem = re.split(r"[*?\[]", path.name)[0].split(".")[0].rstrip("-_")
    return stem or path.parent.name or "data"


FORMATS = ("text", "markdown", "html", "latex")
_TABULATE_FORMATS = {"text": "simple", "markdown": "pipe", "html": "html",
                     "latex": "latex_booktabs"}


def render(table: object, fmt: str) -> str:
    """A Summary or AnovaTable in one of :data:`FORMATS` (``text`` is R's layout)."""
    method = "to_text" if fmt == "text" else f"to_{fmt}"
    return str(getattr(table, method)())


def tidy_table(frame: pd.DataFrame, fmt: str) -> str:
    """A tidy() data frame as a text, Markdown, HTML or LaTeX table."""
    from tabulate import tabulate

    # types-tabulate leaves out the DataFrame that tabulate documents and reads as a table
    return str(tabulate(frame, headers="keys",  # type: ignore[arg-type]
                        tablefmt=_TABULATE_FORMATS[fmt], showindex=False, floatfmt=".5g"))


def _explain_supported(model: GLMResult) -> bool:
    try:
        parameters = inspect.signature(model.summary).parameters
    except (TypeError, ValueError):
        return False
    return "explain" in parameters


def parse_contrasts(texts: Sequence[str] | None) -> dict[str, object] | None:
    """``--contrasts tension=contr.sum,wool=contr.helmert`` (repeatable) as glm()'s
    ``contrasts=``; ``g=contr.treatment(base = 2)`` is R's ``contr.treatment(n, base = 2)``.

    >>> parse_contrasts(["tension=contr.sum", "wool=contr.treatment(3, base = 2)"])
    {'tension': 'contr.sum', 'wool': ('contr.treatment', 2)}
    """
    if not texts:
        return None
    from glmformula.design_parse import split_arguments

    out: dict[str, object] = {}
    for text in texts:
        for item in split_arguments(text):
            name, sep, value = item.partition("=")
            if not sep or not name.strip() or not value.strip():
                raise DataError(f"--contrasts takes name=contrasts, e.g. tension=contr.sum; "
                                f"got {shorten(item)}")
            value = value.strip()
            base = re.fullmatch(r"contr\.treatment\((?:\s*\d+\s*,)?\s*base\s*=\s*(\d+)\s*\)",
                                value)
            out[name.strip()] = ("contr.treatment", int(base.group(1))) if base else value
    return out


def _parser() -> argparse.ArgumentParser:
    from glmformula import __version__

    parser = argparse.ArgumentParser(prog="glmformula", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"glmformula {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    fit = commands.add_parser("fit", help="fit a GLM and print R's summary")
    fit.add_argument("data", help="CSV or Parquet path, or a bundled dataset name")
    fit.add_argument("formula", help='model formula, e.g. "breaks ~ wool + tension"')
    fit.add_argument("--family", default="gaussian", help="family (R or Python spelling)")
    fit.add_argument("--link", default=None, help="link function (default: the family's)")
    fit.add_argument("--weights", default=None, help="column of prior weights")
    fit.add_argument("--offset", default=None, help="column used as an offset")
    fit.add_argument("--subset", default=None,
                     help='rows to fit, an R expression such as \'tension != "L" & breaks > 15\'')
    fit.add_argument("--na-action", default=None, choices=("omit", "exclude", "fail"),
                     help="rows with missing values: omit (default) or exclude them, or fail")
    fit.add_argument("--contrasts", action="append", default=None, metavar="NAME=CONTRASTS",
                     help="contrasts of a factor, e.g. tension=contr.sum (contr.helmert, "
                          "contr.poly, contr.SAS, contr.treatment(base = 2)); repeatable or "
                          "comma-separated")
    fit.add_argument("--format", default="text", choices=FORMATS,
                     help="output format of the summary (default: text, R's layout)")
    fit.add_argument("--anova", action="store_true",
                     help="also print the sequential analysis of deviance table")
    fit.add_argument("--exponentiate", action="store_true",
                     help="also print exponentiated estimates with confidence intervals")
    fit.add_argument("--explain", action="store_true",
                     help="print the summary with plain-language explanations")
    fit.add_argument("--unsafe-formula", action="store_true",
                     help="evaluate the formula without restriction: it may then call any "
                          "Python function, so a formula can run arbitrary code (by default "
                          "only column names, numbers, arithmetic and functions such as log, "
                          "exp, sqrt, poly, scale are allowed)")
    fit.add_argument("--dask", action="store_true",
                     help="read the CSV/Parquet path (a glob too) lazily with Dask and fit "
                          "with one pass over the files per iteration: for data larger "
                          "than memory (needs the dask extra)")
    commands.add_parser("datasets", help="list the bundled datasets and a model for each")
    return parser


def datasets_table() -> str:
    """The bundled datasets as a text table: name, title, rows and suggested model."""
    from glmformula import datasets

    listing = datasets.list()
    rows = [("name", "title", "rows", "suggested model")]
    for item in listing.itertuples(index=False):
        model = f"{item.suggested_formula}, family = {item.suggested_family}"
        rows.append((str(item.name), str(item.title), str(item.rows), model))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for number, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2])]
        lines.append("  ".join([*cells, row[3]]).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in [*widths, len(row[3])]))
    return "\n".join(lines)


def run() -> None:
    """The installed ``glmformula`` command and ``python -m glmformula``: :func:`main`,
    then, once the output is flushed, an exit without Python's teardown (freeing every
    object the imports made: some 20 ms, a tenth of a small fit's run). A fit on Dask
    exits the usual way, as does output to a closed pipe."""
    code = main()
    if "dask" in sys.modules:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        raise SystemExit(code) from None
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    import_paused(_FIT_MODULES if args.command == "fit" else _FIT_MODULES[:2])
    if args.command == "datasets":
        try:
            print(datasets_table())
        except GLMError as error:
            print(f"glmformula: error: {error}", file=sys.stderr)
            return 2
        return 0
    from glmformula.model import glm

    try:
        if args.dask:
            data, name = args.data, _glob_name(args.data)
        else:
            data, name = read_data(args.data)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = _show_warning
            model = glm(args.formula, data, family=args.family, link=args.link,
                        weights=args.weights, offset=args.offset, context={}, data_name=name,
                        safe=not args.unsafe_formula, subset=args.subset,
                        na_action=args.na_action, contrasts=parse_contrasts(args.contrasts))
    except GLMError as error:
        print(f"glmformula: error: {error}", file=sys.stderr)
        return 2
    if args.explain and not _explain_supported(model):
        print("glmformula: error: --explain is not available in this version", file=sys.stderr)
        return 2
    try:
        summary = model.summary(explain=True) if args.explain else model.summary()
        # str() is R's layout followed by the explanations (render's to_text has R's only)
        print(str(summary) if args.format == "text" else render(summary, args.format))
        if args.anova:
            from glmformula.anova import anova

            with warnings.catch_warnings():
                warnings.simplefilter("always")
                warnings.showwarning = _show_warning
                table = anova(model)
            print()
            print(render(table, args.format))
        if args.exponentiate:
            frame = model.tidy(exponentiate=True, conf_int=True)
            print()
            print(tidy_table(frame, args.format))
    except GLMError as error:
        print(f"glmformula: error: {error}", file=sys.stderr)
        return 2
    return 0


def _show_warning(message: Warning | str, category: type[Warning], *_: object,
                  **__: object) -> None:
    print(f"Warning: {message}", file=sys.stderr)
