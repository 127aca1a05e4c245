"""A polars LazyFrame over Parquet: stream it through the chunked fit, or refuse it?

Measures, on W1's schema (see ``chunked.py``) in Parquet files, each in a fresh
process with the peak RSS of its process tree:

- ``dask``: the chunked fit from the Parquet glob (Dask, one pass per iteration);
- ``dask_read``: one Dask pass that only reads the partitions (the I/O floor of a pass);
- ``polars_read``: one pass of ``pl.scan_parquet(glob).collect_batches()`` with each
  batch converted to pandas (the floor of a streamed polars pass, before any X'WX);
- ``polars_collect``: ``pl.scan_parquet(glob).collect()`` and the in-memory fit (what a
  LazyFrame collected without asking would cost).

    python benchmarks/polars_lazy.py --rows 10000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from chunked import FORMULA, _peak_tree_rss, write_files  # noqa: E402


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

    frame = pl.scan_parquet(glob).collect()
    m = gf.glm(FORMULA, data=frame, family="poisson")
    return {"seconds": time.perf_counter() - start, "passes": m.iterations,
            "rows": m.n_rows, "deviance": m.deviance}


def run_job(kind: str, directory: Path) -> dict[str, float]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--job", kind, "--dir", str(directory)],
        stdout=subprocess.PIPE, text=True)
    stop, peak = threading.Event(), []
    watcher = threading.Thread(target=_peak_tree_rss, args=(process, stop, peak))
    watcher.start()
    output, _ = process.communicate()
    stop.set()
    watcher.join()
    if process.returncode != 0:
        return {"failed": float(process.returncode), "peak_mb": peak[0] / 2**20 if peak else 0}
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = peak[0] / 2**20 if peak else float("nan")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/glmformula-w1-parquet-10m"))
    parser.add_argument("--job", choices=["dask", "dask_read", "polars_read", "polars_collect"])
    parser.add_argument("--jobs", default="dask_read,polars_read,dask,polars_collect")
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
