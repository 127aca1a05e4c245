"""One timed job in a fresh process: fit a workload with one tool, print JSON.

    python benchmarks/job.py glmformula W1 [--n ROWS] [--csv PATH]

The data are generated first (not timed). The timer covers the whole job:
from the pandas DataFrame and the formula string to a result with standard
errors and its printed summary. Peak memory is the process's peak RSS as the
operating system reports it (getrusage), so it includes the data.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
import warnings
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workloads import make  # noqa: E402

STATSMODELS_FAMILIES = {"poisson": "Poisson", "binomial": "Binomial", "Gamma": "Gamma",
                        "gaussian": "Gaussian"}
STATSMODELS_LINKS = {"log": "Log", "logit": "Logit", "identity": "Identity"}
GLUM_FAMILIES = {"poisson": "poisson", "binomial": "binomial", "Gamma": "gamma",
                 "gaussian": "normal"}


def fit_glmformula(frame, spec):
    import glmformula as gf

    model = gf.glm(spec.formula, frame, family=spec.family, link=spec.link)
    text = str(model.summary())
    return model.coef, text


def fit_statsmodels(frame, spec):
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    link = getattr(sm.families.links, STATSMODELS_LINKS[spec.link])()
    family = getattr(sm.families, STATSMODELS_FAMILIES[spec.family])(link=link)
    result = smf.glm(spec.formula, frame, family=family).fit()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool", choices=sorted(TOOLS))
    parser.add_argument("workload")
    parser.add_argument("--n", type=int, default=None, help="rows (default: the workload's)")
    args = parser.parse_args()
    frame, spec = make(args.workload, args.n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        sink = io.StringIO()
        with redirect_stdout(sink):
            coef, text = TOOLS[args.tool](frame, spec)
            print(text)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"tool": args.tool, "workload": args.workload, "seconds": seconds,
                      "peak_mb": peak_mb, "n_coef": int(len(coef)),
                      "summary_chars": len(sink.getvalue())}))


if __name__ == "__main__":
    main()
