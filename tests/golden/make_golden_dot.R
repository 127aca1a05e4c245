# make_golden_dot.R -- what R's `.` means in a formula, for tests/test_dot_formula.py.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_dot.R
# Writes tests/golden/dot_golden.json. `.` stands for every column of the data
# not named on the left-hand side (also inside cbind() or a function such as
# log()); offset and weights columns are not left-hand-side variables, so `.`
# includes them. Each case holds the data (encode_data()), the formula, the
# family, the weights column (if any) and R's coefficients (names and values).

out_path <- file.path("tests", "golden", "dot_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))

cases <- list()

record <- function(id, formula, family, data, weights = NULL) {
  call <- if (is.null(weights)) {
    substitute(glm(f, family = fam, data = d),
               list(f = as.formula(formula), fam = as.name(family), d = data))
  } else {
    substitute(glm(f, family = fam, data = d, weights = w),
               list(f = as.formula(formula), fam = as.name(family), d = data,
                    w = as.name(weights)))
  }
  m <- eval(call)
  cf <- coef(m)
  cases[[length(cases) + 1]] <<- list(
    id = id, formula = formula, family = family,
    weights = if (is.null(weights)) NULL else weights,
    data = encode_data(data),
    term_labels = arr(attr(terms(m), "term.labels")),
    coef_names = arr(names(cf)), coef = arr(unname(cf)),
    deviance = deviance(m)
  )
}

aq <- na.omit(airquality)
rownames(aq) <- NULL
record("airquality_solar", "Solar.R ~ .", "gaussian", aq)
record("iris_sepal", "Sepal.Length ~ .", "gaussian", iris)

set.seed(20240612)
n <- 60
sim <- data.frame(
  y.count = rpois(n, 4),
  a.b = round(runif(n, 0.5, 3), 3),
  x.z = round(rnorm(n), 3),
  g.f = factor(sample(c("lo", "mid", "hi"), n, replace = TRUE), levels = c("lo", "mid", "hi")),
  t.t = round(runif(n, 1, 5), 3),
  w.w = sample(1:4, n, replace = TRUE),
  succ.s = rbinom(n, 10, 0.4)
)
sim$fail.f <- 10 - sim$succ.s
sim$y.pos <- round(exp(rnorm(n, 1, 0.3)), 4)

record("sim_count_dot", "y.count ~ .", "poisson", sim[c("y.count", "a.b", "x.z", "g.f")])
record("sim_cbind_dot", "cbind(succ.s, fail.f) ~ .", "binomial",
       sim[c("succ.s", "fail.f", "a.b", "x.z")])
record("sim_log_lhs_dot", "log(y.pos) ~ .", "gaussian", sim[c("y.pos", "a.b", "x.z", "g.f")])
record("sim_dot_minus", "y.count ~ . - x.z", "poisson", sim[c("y.count", "a.b", "x.z", "g.f")])
record("sim_dot_square", "y.count ~ .^2", "poisson", sim[c("y.count", "a.b", "x.z", "g.f")])
record("sim_dot_offset", "y.count ~ . + offset(log(t.t))", "poisson",
       sim[c("y.count", "a.b", "t.t")])
record("sim_dot_weights", "y.count ~ .", "poisson", sim[c("y.count", "a.b", "w.w")],
       weights = "w.w")
record("sim_dot_repeat", "y.count ~ log(a.b) + .", "poisson", sim[c("y.count", "a.b", "x.z")])
record("sim_dot_interaction", "y.count ~ g.f:. ", "poisson", sim[c("y.count", "x.z", "g.f")])

write_golden(cases, out_path, "tests/golden/make_golden_dot.R")
