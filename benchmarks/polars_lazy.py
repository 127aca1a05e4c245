"""A polars LazyFrame over Parquet: stream it through the chunked fit, or refuse it?

Measures, on W1's schema (see ``chunked.py``) in Parquet files, each in a fresh
process with the peak RSS of its process tree:

- ``dask``: the chunked fit from the Parquet glob (Dask, one pass per iteration);
- ``dask_read``: one Dask pass that only reads the partitions (the I/O floor of a pass);
- ``polars_read``: one pass of ``pl.scan_parquet(glob).collect_batches()`` with each
  batch converted to pandas (the floor of a streamed polars pass, before any X'WX);
- ``polars_slices``: the chunked fit of a Dask DataFrame whose partitions are row slices
  of the LazyFrame (``dd.from_map``: the LazyFrame streamed through the chunked design);
- ``polars_collect``: ``pl.scan_parquet(glob).collect()`` and the in-memory fit (what a
  LazyFrame collected without asking would cost).

On one machine (2 shared cores, 10 million rows, 10 files) it printed:

| job | seconds | passes | s per pass | peak MB |
| --- | ---: | ---: | ---: | ---: |
| dask_read | 2.1 | 1 | 2.09 | 951 |
| polars_read | 1.1 | 1 | 1.11 | 671 |
| dask | 12.2 | 6 | 2.04 | 999 |
| polars_slices | 61.2 | 6 | 10.2 | 1199 |
| polars_collect | 13.9 | 5 | 2.77 | 3421 |

So glm() refuses a LazyFrame over files and points to the path or
``dd.read_parquet``: streaming it by slices is 5 times slower than Dask on the
same files, and collecting it takes 3.4 times the memory (beyond memory at 10
times the rows); polars reads a pass in half Dask's time, which a native
polars pass could win back one day.

    python benchmarks/polars_lazy.py --rows 10000000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from chunked import FORMULA, measured_run, write_files  # noqa: E402


def _job(kind: str, directory: str) -> dict[str, float]:
    glob = f"{directory}/*.parquet"
    start = time.perf_counter()
    if kind == "dask":
        import dask

        import glmformula as gf

        with dask.config.set(scheduler="threads"):
            m = gf.glm(FORMULA, data=glob, family="poisson", verbose=False)
        return {"seconds": time.perf_counter() - start, "passes": m.rows.passes,
                "rows": m.n_rows, "deviance": m.deviance}
    if kind == "dask_read":
        import dask
        import dask.dataframe as dd

        with dask.config.set(scheduler="threads"):
            rows = int(dd.read_parquet(glob).map_partitions(len).compute().sum())
        return {"seconds": time.perf_counter() - start, "passes": 1, "rows": rows}
    import polars as pl

    if kind == "polars_read":
        rows = 0
        for batch in pl.scan_parquet(glob).collect_batches():
            part = batch.to_pandas()
            rows += len(part)
        return {"seconds": time.perf_counter() - start, "passes": 1, "rows": rows}
    import glmformula as gf

    if kind == "polars_slices":
        import dask
        import dask.dataframe as dd

        from glmformula.data_input import as_pandas

        lazy = pl.scan_parquet(glob)
        n, size = lazy.select(pl.len()).collect().item(), 1_000_000
        parts = dd.from_map(lambda i: as_pandas(lazy.slice(i * size, size).collect(), "data"),
                            list(range((n + size - 1) // size)),
                            meta=as_pandas(lazy.head(0).collect(), "data"))
        with dask.config.set(scheduler="threads"):
            m = gf.glm(FORMULA, data=parts, family="poisson", verbose=False)
        return {"seconds": time.perf_counter() - start, "passes": m.rows.passes,
                "rows": m.n_rows, "deviance": m.deviance}
    frame = pl.scan_parquet(glob).collect()
    m = gf.glm(FORMULA, data=frame, family="poisson")
    return {"seconds": time.perf_counter() - start, "passes": m.iterations,
            "rows": m.n_rows, "deviance": m.deviance}


def run_job(kind: str, directory: Path) -> dict[str, float]:
    code, output, peak_mb = measured_run(
        [sys.executable, __file__, "--job", kind, "--dir", str(directory)])
    if code != 0:
        return {"failed": float(code), "peak_mb": 0.0 if peak_mb is None else peak_mb}
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = float("nan") if peak_mb is None else peak_mb
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/glmformula-w1-parquet-10m"))
    parser.add_argument("--job", choices=["dask", "dask_read", "polars_read", "polars_slices",
                                          "polars_collect"])
    parser.add_argument("--jobs", default="dask_read,polars_read,dask,polars_slices,"
                                          "polars_collect")
    args = parser.parse_args()
    if args.job:
        print(json.dumps(_job(args.job, str(args.dir))))
        return
    write_files(args.dir, args.rows)
    print("| job | rows | seconds | passes | s per pass | peak MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind in args.jobs.split(","):
        r = run_job(kind, args.dir)
        if "failed" in r:
            print(f"| {kind} | failed ({int(r['failed'])}) | | | | {r['peak_mb']:.0f} |")
            continue
        print(f"| {kind} | {int(r['rows']):,} | {r['seconds']:.1f} | {int(r['passes'])} | "
              f"{r['seconds'] / r['passes']:.2f} | {r['peak_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
