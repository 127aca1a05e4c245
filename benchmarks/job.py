"""One timed job in a fresh process: fit a workload with one tool, print JSON.

    python benchmarks/job.py glmformula W1 [--n ROWS] [--csv PATH]

The data are generated first (not timed). The timer covers the whole job:
from the pandas DataFrame and the formula string to a result with standard
errors and its printed summary. Peak memory is the process's peak RSS as the
operating system reports it (VmHWM), so it includes the data. Imports happen
before the timer starts, for every tool.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import resource
import sys
import time
import warnings
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workloads import make

STATSMODELS_FAMILIES = {"poisson": "Poisson", "binomial": "Binomial", "Gamma": "Gamma",
                        "gaussian": "Gaussian"}
STATSMODELS_LINKS = {"log": "Log", "logit": "Logit", "identity": "Identity"}
GLUM_FAMILIES = {"poisson": "poisson", "binomial": "binomial", "Gamma": "gamma",
                 "gaussian": "normal"}


def fit_glmformula(frame, spec, tight=False):
    import glmformula as gf

    control = {"epsilon": 1e-13, "maxit": 100} if tight else None
    model = gf.glm(spec.formula, frame, family=spec.family, link=spec.link, control=control)
    text = str(model.summary())
    return model.coef, text


def fit_statsmodels(frame, spec, tight=False):
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    link = getattr(sm.families.links, STATSMODELS_LINKS[spec.link])()
    family = getattr(sm.families, STATSMODELS_FAMILIES[spec.family])(link=link)
    options = {"tol": 1e-13, "maxiter": 100} if tight else {}
    result = smf.glm(spec.formula, frame, family=family).fit(**options)
    text = str(result.summary())
    return result.params, text


def fit_glum(frame, spec):
    from glum import GeneralizedLinearRegressor

    model = GeneralizedLinearRegressor(
        family=GLUM_FAMILIES[spec.family], link=spec.link, alpha=0, formula=spec.formula,
        drop_first=True, fit_intercept=True,
    )
    model.fit(frame)
    table = model.coef_table(X=frame, y=frame[spec.formula.split("~")[0].strip()])
    text = table.to_string()
    return table["coef"], text


TOOLS = {"glmformula": fit_glmformula, "statsmodels": fit_statsmodels, "glum": fit_glum}
# glmformula imports its modules when first used: import what a fit uses before the timer
MODULES = {"glmformula": ["glmformula", "glmformula.model", "glmformula.result",
                          "glmformula.summary", "tabmat.ext.split"], "glum": ["glum"],
           "statsmodels": ["statsmodels.api", "statsmodels.formula.api"]}


def peak_rss_mb() -> float:
    """The process's peak resident set size (VmHWM) as the kernel reports it."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool", choices=sorted(TOOLS))
    parser.add_argument("workload")
    parser.add_argument("--n", type=int, default=None, help="rows (default: the workload's)")
    args = parser.parse_args()
    frame, spec = make(args.workload, args.n)
    for module in MODULES[args.tool]:  # imports are not part of the job
        importlib.import_module(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        sink = io.StringIO()
        with redirect_stdout(sink):
            coef, text = TOOLS[args.tool](frame, spec)
            print(text)
        seconds = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    print(json.dumps({"tool": args.tool, "workload": args.workload, "seconds": seconds,
                      "peak_mb": peak_mb, "n_coef": int(len(coef)),
                      "summary_chars": len(sink.getvalue())}))


if __name__ == "__main__":
    main()
