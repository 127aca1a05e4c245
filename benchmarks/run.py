"""Benchmark glmformula against statsmodels, glum and R on the workloads W1-W5.

    python benchmarks/run.py                      # everything (R only if Rscript is found)
    python benchmarks/run.py --workloads W1,W2 --tools glmformula,glum --repeat 5

First it checks, on a sample of each workload, that glmformula's coefficients
agree with statsmodels' (and glum's); then it times each tool in a fresh
process per run (``benchmarks/job.py``, ``benchmarks/job.R``) and prints one
table: seconds (the best of ``--repeat`` runs, or with ``--median`` their median;
one run for the slow peers), peak RSS of the process in MB, and both as ratios to glmformula.
Install the peers with ``pip install ".[bench]"``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from job import fit_glmformula, fit_glum, fit_statsmodels  # noqa: E402
from workloads import WORKLOADS, make  # noqa: E402

SLOW = {"statsmodels", "R"}


def _canonical(name: str) -> str:
    """One spelling for the coefficient names of all three tools."""
    name = str(name)
    if name.lower() in ("intercept", "(intercept)"):
        return "(Intercept)"
    return re.sub(r"\[(?:T\.)?([^\]]*)\]", r"\1", name)


def check_coefficients(workload: str, rows: int, tolerance: float = 1e-6) -> float:
    """Largest relative difference between glmformula and statsmodels/glum on a sample.

    Both glmformula and statsmodels iterate to 1e-13 here, so that the check
    compares the estimates rather than two stopping rules; glum's difference
    (its own convergence criterion) is reported, not checked.
    """
    frame, spec = make(workload, rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, _ = fit_glmformula(frame, spec, tight=True)
        reference = {"statsmodels": fit_statsmodels(frame, spec, tight=True)[0]}
        try:
            glum_coef = fit_glum(frame, spec)[0]
            reference["glum"] = glum_coef
        except ImportError:
            pass
    ours = {_canonical(k): v for k, v in ours.items()}
    scale = max(abs(v) for v in ours.values())
    worst = 0.0
    for tool, coef in reference.items():
        theirs = {_canonical(k): v for k, v in coef.items()}
        if set(theirs) != set(ours):
            raise SystemExit(f"{workload}: {tool} has other coefficients than glmformula: "
                             f"{sorted(set(theirs) ^ set(ours))[:6]}")
        diff = max(abs(ours[k] - theirs[k]) / max(abs(theirs[k]), 1e-3 * scale) for k in ours)
        if tool == "statsmodels" and diff > tolerance:
            raise SystemExit(f"{workload}: coefficients differ from statsmodels by {diff:.2e}")
        worst = max(worst, diff) if tool == "statsmodels" else worst
        print(f"  {workload}: largest relative difference from {tool}: {diff:.1e}")
    return worst


def _run(command: list[str], timeout: float) -> dict:
    """Run one job; its JSON line, or the reason it gave none."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {timeout:.0f} s"}
    if done.returncode != 0:
        if done.returncode < 0:
            return {"error": f"killed by signal {-done.returncode} (out of memory?)"}
        lines = done.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_python_job(tool: str, workload: str, rows: int | None, timeout: float) -> dict:
    command = [sys.executable, str(HERE / "job.py"), tool, workload]
    if rows is not None:
        command += ["--n", str(rows)]
    return _run(command, timeout)


def run_r_job(workload: str, rows: int | None, folder: Path, timeout: float) -> dict:
    spec = WORKLOADS[workload]
    path = folder / f"{workload}_{rows}.csv"
    if not path.exists():
        frame, _ = make(workload, rows)
        frame.to_csv(path, index=False)
    family = "Gamma" if spec.family == "Gamma" else spec.family
    command = ["Rscript", str(HERE / "job.R"), str(path), spec.formula, family, spec.link]
    return _run(command, timeout)


def best_of(runs: list[dict], statistic: str = "best") -> dict:
    """The runs' seconds (their minimum, or their median) and largest peak memory."""
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[-1]
    seconds = sorted(r["seconds"] for r in good)
    middle = len(seconds) // 2
    median = seconds[middle] if len(seconds) % 2 else (seconds[middle - 1] + seconds[middle]) / 2
    return {"seconds": seconds[0] if statistic == "best" else median,
            "peak_mb": max(r["peak_mb"] for r in good), "runs": len(good),
            "all_seconds": [round(x, 3) for x in seconds]}


def table(results: dict[tuple[str, str], dict], workloads: list[str], tools: list[str]) -> str:
    lines = ["| workload | tool | seconds | peak MB | time / glmformula | memory / glmformula |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for workload in workloads:
        base = results.get((workload, "glmformula"), {})
        for tool in tools:
            r = results.get((workload, tool))
            if r is None:
                continue
            if "error" in r:
                lines.append(f"| {workload} | {tool} | {r['error'][:60]} | | | |")
                continue
            t_ratio = r["seconds"] / base["seconds"] if "seconds" in base else float("nan")
            m_ratio = r["peak_mb"] / base["peak_mb"] if "peak_mb" in base else float("nan")
            lines.append(f"| {workload} | {tool} | {r['seconds']:.3f} | {r['peak_mb']:.0f} | "
                         f"{t_ratio:.2f} | {m_ratio:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--tools", default="glmformula,glum,statsmodels,R")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast tools")
    parser.add_argument("--rows", type=int, default=None, help="override every row count")
    parser.add_argument("--check-rows", type=int, default=20_000)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per job")
    parser.add_argument("--median", action="store_true",
                        help="report the median of the runs instead of the best")
    args = parser.parse_args()
    workloads = args.workloads.split(",")
    tools = [t for t in args.tools.split(",") if t != "R" or shutil.which("Rscript")]
    print("Checking coefficients against statsmodels (and glum) on samples:")
    for workload in workloads:
        check_coefficients(workload, args.check_rows)
    results: dict[tuple[str, str], dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        for workload in workloads:
            for tool in tools:
                repeat = 1 if tool in SLOW else args.repeat
                runs = []
                for _ in range(repeat):
                    if tool == "R":
                        runs.append(run_r_job(workload, args.rows, Path(folder), args.timeout))
                    else:
                        runs.append(run_python_job(tool, workload, args.rows, args.timeout))
                results[(workload, tool)] = best_of(runs, "median" if args.median else "best")
                print(f"  {workload} {tool}: {results[(workload, tool)]}", flush=True)
    print()
    print(table(results, workloads, tools))
    statistic = "median" if args.median else "best"
    print(f"\nseconds: {statistic} of {args.repeat} fresh processes for glmformula and glum, "
          "one run for statsmodels and R; peak MB: the process's peak RSS (data included).")


if __name__ == "__main__":
    main()
