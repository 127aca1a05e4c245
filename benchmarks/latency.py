"""Small-data latency: seconds of fresh processes, glmformula vs statsmodels and R.

    python benchmarks/latency.py               # median of 7 fresh processes per task
    python benchmarks/latency.py --runs 11

Three tasks, each in a new process timed from outside (wall clock, interpreter
start-up included), after the floor that any fit pays (importing numpy, pandas,
scipy and formulaic alone; and the same with Python's cycle collector paused
during the imports, as the command line imports them): importing the package,
fitting warpbreaks
(``breaks ~ wool + tension``, poisson) and printing its summary, and the
command line ``glmformula fit warpbreaks "breaks ~ wool + tension" --family
poisson``. statsmodels has no command line: its row repeats its script; R's
is ``Rscript -e`` with the same call. Python runs with bytecode caching allowed
(``PYTHONDONTWRITEBYTECODE`` unset, caches under a temporary
``PYTHONPYCACHEPREFIX``, one untimed warm-up run first), as an installed
package has its ``.pyc`` files. The runs go round the commands in turn (one run
of each, then the next round), so a change in the machine's load reaches every
row alike.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: what any fit imports: formulaic imports scipy.sparse.linalg (so scipy.linalg), the
#: families scipy.special
DEPENDENCIES = "numpy, pandas, scipy.special, scipy.sparse.linalg, formulaic"
FIT_R = ("print(summary(glm(breaks ~ wool + tension, family = poisson, "
         "data = warpbreaks)))")


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def tasks(csv: Path) -> dict[str, dict[str, list[str]]]:
    """Task -> tool -> command."""
    glmformula_cli = shutil.which("glmformula") or ""
    cli = ([glmformula_cli] if glmformula_cli else [sys.executable, "-m", "glmformula"])
    fit_sm = ("import pandas as pd, statsmodels.api as sm, statsmodels.formula.api as smf\n"
              f"d = pd.read_csv({str(csv)!r})\n"
              "print(smf.glm('breaks ~ wool + tension', d, family=sm.families.Poisson())"
              ".fit().summary())")
    out: dict[str, dict[str, list[str]]] = {
        "dependencies alone": {"glmformula": _python(f"import {DEPENDENCIES}")},
        "dependencies, collector paused": {"glmformula": _python(
            f"import gc\ngc.disable()\nimport {DEPENDENCIES}\ngc.freeze()\ngc.enable()")},
        "import": {"glmformula": _python("import glmformula"),
                   "statsmodels": _python("import statsmodels.api, statsmodels.formula.api"),
                   "R": ["Rscript", "-e", "invisible(stats::glm)"]},
        "fit + summary": {
            "glmformula": _python(
                "import glmformula as gf\n"
                "m = gf.glm('breaks ~ wool + tension', gf.datasets.load('warpbreaks'), "
                "family='poisson')\nprint(m.summary())"),
            "statsmodels": _python(fit_sm),
            "R": ["Rscript", "-e", FIT_R]},
        "CLI fit": {"glmformula": [*cli, "fit", "warpbreaks", "breaks ~ wool + tension",
                                   "--family", "poisson"],
                    "statsmodels": _python(fit_sm),
                    "R": ["Rscript", "-e", FIT_R]},
    }
    return out


def available(tool: str) -> bool:
    if tool == "R":
        return shutil.which("Rscript") is not None
    if tool == "statsmodels":
        return importlib.util.find_spec("statsmodels") is not None
    return True


def seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    import glmformula as gf

    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "warpbreaks.csv"
        gf.datasets.load("warpbreaks").to_csv(csv, index=False)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        commands = {(task, tool): command for task, by_tool in tasks(csv).items()
                    for tool, command in by_tool.items() if available(tool)}
        for command in commands.values():
            seconds(command, env)  # warm-up: writes the bytecode caches
        times: dict[tuple[str, str], list[float]] = {key: [] for key in commands}
        for _ in range(args.runs):  # round after round: load changes reach every row
            for key, command in commands.items():
                times[key].append(seconds(command, env))
        rows = []
        for (task, tool), values in times.items():
            value = statistics.median(values)
            base = statistics.median(times.get((task, "glmformula"), [float("nan")]))
            rows.append(f"| {task} | {tool} | {value:.3f} | {value / base:.2f} |")
    print("| task | tool | seconds (median) | / glmformula |")
    print("| --- | --- | ---: | ---: |")
    print("\n".join(rows))
    print(f"\nmedian of {args.runs} fresh processes each (in rounds), after one untimed "
          "warm-up; Python with "
          "bytecode caching allowed (PYTHONDONTWRITEBYTECODE unset, PYTHONPYCACHEPREFIX "
          "set), as an installed package has its .pyc files.")


if __name__ == "__main__":
    main()
