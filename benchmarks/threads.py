"""Seconds per IRLS iteration on 1 and 2 (or more) threads, and whether the bits agree.

    python benchmarks/threads.py                  # W1, threads 1 and 2
    python benchmarks/threads.py --workload W2 --threads 1,2,4 --repeat 5

The data and the model matrix are made once; each run fits with
``Control(threads=t)`` and times :func:`glmformula.irls.iterate` alone (the
fused passes over the rows), the thread counts taking turns in each of
``--repeat`` rounds; seconds per pass are each count's best run divided by the
passes made. The coefficients of every
thread count are compared bit for bit with those of the first.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workloads import make  # noqa: E402


def main() -> None:
    from glmformula.design import build_design
    from glmformula.families import get_family
    from glmformula.irls import Control, iterate
    from glmformula.irls_memory import MemoryData

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="W1")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    frame, spec = make(args.workload, args.rows)
    family = get_family(spec.family, link=spec.link)
    design = build_design(spec.formula, frame)
    values = design.response.values
    weights, offset = np.ones(values.shape[0]), np.zeros(values.shape[0])
    prepared = family.initialize(values, weights, design.response.levels, user_start=False)
    rows = len(frame)
    print(f"{args.workload}: {rows} rows, {design.X.shape[1]} columns, "
          f"{type(design.X).__name__}")
    counts = [int(t) for t in args.threads.split(",")]
    best = dict.fromkeys(counts, float("inf"))
    coef: dict[int, np.ndarray] = {}
    iterations = 0
    for _ in range(args.repeat):  # in rounds: a change in the machine's load reaches all alike
        for threads in counts:
            data = MemoryData(design.X, prepared.y, prepared.weights, offset, family,
                              mustart=prepared.mustart)
            start = time.perf_counter()
            run = iterate(data, Control(threads=threads))
            best[threads] = min(best[threads], time.perf_counter() - start)
            iterations, coef[threads] = run.iterations, run.coef
    base = best[counts[0]] / (iterations + 1)
    for threads in counts:
        same = "" if threads == counts[0] else (
            "bitwise identical" if np.array_equal(coef[threads], coef[counts[0]])
            else "DIFFERENT BITS")
        per = best[threads] / (iterations + 1)  # passes: the start, then one per iteration
        print(f"threads {threads}: {best[threads]:.3f} s for {iterations} iterations, "
              f"{1000 * per:.1f} ms per pass, speedup {base / per:.2f} {same}")


if __name__ == "__main__":
    main()
