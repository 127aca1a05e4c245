# make_golden_robust_hc.R -- sandwich::vcovHC types HC0-HC5 and vcovCL for
# glm fits with prior weights, an offset, an aliased column, a factor with an
# unused level, a quasi family and na.action = na.exclude (sandwich 3.0).
# Run from the repository root:
#     Rscript tests/golden/make_golden_robust_hc.R
# Writes tests/golden/robust_hc_golden.json. Each case has
#   id, formula (Python and R alike), family, link, weights / offset (column
#   names or null; the offset enters R as offset = log(column)), na_action
#   ("omit" | "exclude"), cluster (column name), data (as encode_data),
#   expected: names (non-aliased coefficients), HC0..HC5 and HC4m, CL, CL_HC1
#   (vcovCL(m, cluster = ~cl, type = "HC1")) as lists of rows.
# Weights are all positive: with zero weights sandwich 3.0 recycles the
# shorter hatvalues() over all rows (with a warning), see robust.py.
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages(library(sandwich))

set.seed(20261130)
n <- 40
d <- data.frame(x = rnorm(n),
                g = factor(sample(c("a", "b", "c"), n, TRUE), levels = c("a", "b", "c", "z")),
                w = sample(1:3, n, TRUE), e = runif(n, 1, 3), cl = sample(1:7, n, TRUE))
d$y <- rpois(n, exp(0.3 + 0.4 * d$x))
d$yb <- rbinom(n, 1, plogis(d$x))
d$yg <- rgamma(n, 2, 2 / exp(1 + 0.2 * d$x))
d$x2 <- 2 * d$x
d$y[3] <- NA
d$x[7] <- NA

cases <- list()
rows <- function(v) lapply(seq_len(nrow(v)), function(i) arr(unname(v[i, ])))

record <- function(id, formula, family, link, weights = NULL, offset = NULL,
                   na_action = "omit") {
  fam <- get(family)(link = link)
  args <- list(formula = as.formula(formula), family = fam, data = d,
               na.action = if (na_action == "exclude") na.exclude else na.omit)
  if (!is.null(weights)) args$weights <- d[[weights]]
  if (!is.null(offset)) args$offset <- log(d[[offset]])
  m <- do.call(glm, args)
  ex <- list(names = arr(colnames(vcovHC(m, type = "HC0"))))
  for (t in c("HC0", "HC1", "HC2", "HC3", "HC4", "HC4m", "HC5")) ex[[t]] <- rows(vcovHC(m, type = t))
  ex$CL <- rows(vcovCL(m, cluster = ~cl))
  ex$CL_HC1 <- rows(vcovCL(m, cluster = ~cl, type = "HC1"))
  cases[[length(cases) + 1]] <<- list(
    id = id, formula = formula, family = family, link = link, weights = weights,
    offset = offset, na_action = na_action, cluster = "cl", data = encode_data(d),
    expected = ex)
}

record("poisson_weights_offset_exclude", "y ~ x + g", "poisson", "log", weights = "w",
       offset = "e", na_action = "exclude")
record("quasipoisson_aliased", "y ~ x + x2 + g", "quasipoisson", "log")
record("binomial_unused_level", "yb ~ x + g", "binomial", "logit")
record("gamma_log_weights", "yg ~ x", "Gamma", "log", weights = "w")
record("gaussian_exclude", "yg ~ x * g", "gaussian", "identity", na_action = "exclude")

write_golden(cases, file.path("tests", "golden", "robust_hc_golden.json"),
             "tests/golden/make_golden_robust_hc.R")
