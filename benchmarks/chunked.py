"""Data beyond memory: W1's schema with 50 million rows in Parquet, fitted on Dask.

Writes the files once (``--dir``, default /tmp/glmformula-w1-parquet), then in
fresh processes fits W1 (Poisson, 10 numeric columns, factors of 50 and 5
levels) from the Parquet glob with Dask's threaded scheduler, and the
in-memory path on 1 million rows of the same schema, and prints one table:
seconds, passes over the data, rows per second, seconds per pass per million
rows, and the peak RSS of the whole process tree (sampled with psutil).

    python benchmarks/chunked.py --rows 50000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261125
NUMERIC = [f"x{i}" for i in range(1, 11)]
FORMULA = "y ~ " + " + ".join(NUMERIC) + " + g50 + g5"
ROWS_PER_FILE = 1_000_000


def _levels(prefix: str, k: int) -> list[str]:
    width = len(str(k))
    return [f"{prefix}{i:0{width}d}" for i in range(1, k + 1)]


def w1_frame(n: int, part: int) -> pd.DataFrame:
    """n rows of W1's schema and model; `part` seeds the rows, the effects are fixed."""
    effects = np.random.default_rng(SEED)
    beta = effects.normal(0, 0.1, 10)
    effect50 = effects.normal(0, 0.2, 50)
    effect5 = effects.normal(0, 0.2, 5)
    rng = np.random.default_rng([SEED, part])
    X = rng.standard_normal((n, 10))
    frame = pd.DataFrame(X, columns=NUMERIC)
    c50 = rng.integers(0, 50, size=n)
    c5 = rng.integers(0, 5, size=n)
    frame["g50"] = pd.Categorical.from_codes(c50, categories=_levels("a", 50))
    frame["g5"] = pd.Categorical.from_codes(c5, categories=_levels("b", 5))
    eta = 0.5 + X @ beta + effect50[c50] + effect5[c5]
    frame.insert(0, "y", rng.poisson(np.exp(eta)).astype(np.float64))
    return frame


def write_files(directory: Path, rows: int) -> None:
    """The Parquet files (one per million rows), unless they are there already."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = directory / "ROWS"
    if stamp.exists() and stamp.read_text().strip() == str(rows):
        return
    for old in directory.glob("*.parquet"):
        old.unlink()
    for part, start in enumerate(range(0, rows, ROWS_PER_FILE)):
        n = min(ROWS_PER_FILE, rows - start)
        w1_frame(n, part).to_parquet(directory / f"part-{part:04d}.parquet", index=False)
    stamp.write_text(str(rows))


def _job(kind: str, directory: str, rows: int) -> dict[str, float]:
    import dask

    import glmformula as gf

    if kind == "memory":
        frame = w1_frame(rows, 0)
        start = time.perf_counter()
        m = gf.glm(FORMULA, data=frame, family="poisson")
        str(m.summary())
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "passes": m.iterations, "rows": m.n_rows,
                "deviance": m.deviance}
    with dask.config.set(scheduler="threads"):
        start = time.perf_counter()
        m = gf.glm(FORMULA, data=f"{directory}/*.parquet", family="poisson", verbose=False)
        str(m.summary())
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "passes": m.rows.passes, "rows": m.n_rows, "deviance": m.deviance}


def _peak_tree_rss(process: subprocess.Popen[str], stop: threading.Event, out: list[int]) -> None:
    import psutil

    peak = 0
    try:
        root = psutil.Process(process.pid)
        while not stop.is_set():
            try:
                total = root.memory_info().rss + sum(
                    c.memory_info().rss for c in root.children(recursive=True))
            except psutil.Error:
                total = 0
            peak = max(peak, total)
            time.sleep(0.05)
    except psutil.Error:
        pass
    out.append(peak)


def measured_run(args: list[str]) -> tuple[int, str, float | None]:
    """Run a command: its exit code, its standard output and the peak RSS (MB) of its
    process tree (None if it could not be read)."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    stop, peak = threading.Event(), []
    watcher = threading.Thread(target=_peak_tree_rss, args=(process, stop, peak))
    watcher.start()
    output, _ = process.communicate()
    stop.set()
    watcher.join()
    return process.returncode, output, peak[0] / 2**20 if peak else None


def run_job(kind: str, directory: Path, rows: int) -> dict[str, float]:
    """One fit in a fresh process, with the peak RSS of its process tree."""
    code, output, peak_mb = measured_run(
        [sys.executable, __file__, "--job", kind, "--dir", str(directory), "--rows", str(rows)])
    if code != 0:
        raise SystemExit(f"{kind} job failed with exit code {code}")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = float("nan") if peak_mb is None else peak_mb
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--memory-rows", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/glmformula-w1-parquet"))
    parser.add_argument("--job", choices=["memory", "chunked"])
    args = parser.parse_args()
    if args.job:
        print(json.dumps(_job(args.job, str(args.dir), args.memory_rows if args.job == "memory"
                              else args.rows)))
        return
    started = time.perf_counter()
    write_files(args.dir, args.rows)
    print(f"Parquet files ready in {args.dir} ({time.perf_counter() - started:.0f} s)")
    memory = run_job("memory", args.dir, args.memory_rows)
    chunked = run_job("chunked", args.dir, args.rows)
    rows = [("in memory (pandas)", memory), ("chunked (Dask, Parquet)", chunked)]
    print("| path | rows | seconds | passes | rows/s | s per pass per 1M rows | peak MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    per_pass = {}
    for label, r in rows:
        per_pass[label] = r["seconds"] / r["passes"] / (r["rows"] / 1e6)
        print(f"| {label} | {int(r['rows']):,} | {r['seconds']:.1f} | {int(r['passes'])} | "
              f"{r['rows'] / r['seconds']:,.0f} | {per_pass[label]:.3f} | {r['peak_mb']:.0f} |")
    ratio = per_pass["chunked (Dask, Parquet)"] / per_pass["in memory (pandas)"]
    print(f"\nchunked time per pass per row / in-memory time per iteration per row: {ratio:.2f}")
    print("(in memory: the whole fit's time divided by its IRLS iterations; chunked: the whole "
          "fit's time, the first pass over the data included, divided by its passes)")


if __name__ == "__main__":
    main()
