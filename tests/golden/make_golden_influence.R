# make_golden_influence.R -- reference confint.default(), influence measures
# and sandwich covariances from R for glmformula's tests.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_influence.R
# Writes tests/golden/influence_golden.json. Needs the sandwich package.
#
# Each case is a glm() fit described as in glm_golden.json (fit_case() in
# golden_helpers.R: formula, family, link, weights, data ...) plus `parts`,
# the groups of results it holds, and `expected` with
#
#   coefficients, dispersion          of the fit, for diagnosis
#   confint.{level95, level90}        confint.default(m, level = 0.95 / 0.9):
#                                     {names: [the two column names], lower, upper}
#                                     (aliased coefficients are null)
#   influence.hat                     hatvalues(m)
#   influence.cooks_d                 cooks.distance(m)
#   influence.rstandard_deviance      rstandard(m, type = "deviance")
#   influence.rstandard_pearson       rstandard(m, type = "pearson")
#   influence.rstudent                rstudent(m)
#   influence.dfbetas                 {coefficient name: column of dfbetas(m)}
#   robust.{HC0, HC1, HC2, HC3}       sandwich::vcovHC(m, type = ...), list of rows
#   robust.CL                         sandwich::vcovCL(m, cluster = data[[cluster]])
#                                     with its defaults (type "HC0" for a glm,
#                                     cadjust = TRUE: G / (G - 1))
#   robust.names                      row/column order of those matrices
#   cluster                           the data column used as cluster (or null)
#
# Numbers are written with sprintf("%.17g") (see golden_helpers.R).

out_path <- file.path("tests", "golden", "influence_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages(library(sandwich))

cases <- list()

rows <- function(m) lapply(seq_len(nrow(m)), function(i) arr(m[i, ]))

record <- function(id, r_formula, family_call, data, data_name, parts,
                   formula = r_formula, weights = NULL, cluster = NULL,
                   tags = character(0)) {
  d <- data
  fc <- fit_case(cases, id, r_formula, family_call, d, data_name,
                 formula = formula, weights = weights, tags = tags)
  m <- fc$model
  if (!is.null(cluster) && is.null(fc$case$data$columns[[cluster]])) {
    # a cluster variable the model does not use: added to `data` as strings
    fc$case$data$columns[[cluster]] <- arr(as.character(data[[cluster]]))
  }
  expected <- list(coefficients = obj(coef(m)),
                   dispersion = summary(m)$dispersion)
  if ("confint" %in% parts) {
    ci <- function(level) {
      x <- confint.default(m, level = level)
      list(names = arr(colnames(x)), lower = arr(x[, 1]), upper = arr(x[, 2]))
    }
    expected$confint <- list(level95 = ci(0.95), level90 = ci(0.9))
  }
  if ("influence" %in% parts) {
    dfb <- dfbetas(m)
    cf <- coef(m)
    colnames(dfb) <- names(cf)[!is.na(cf)]
    expected$influence <- list(
      hat = arr(hatvalues(m)),
      cooks_d = arr(cooks.distance(m)),
      rstandard_deviance = arr(rstandard(m, type = "deviance")),
      rstandard_pearson = arr(rstandard(m, type = "pearson")),
      rstudent = arr(rstudent(m)),
      dfbetas = lapply(as.data.frame(dfb), arr)
    )
  }
  if ("robust" %in% parts) {
    r <- list()
    for (type in c("HC0", "HC1", "HC2", "HC3")) r[[type]] <- rows(vcovHC(m, type = type))
    r$CL <- rows(vcovCL(m, cluster = data[[cluster]]))
    r$names <- arr(colnames(vcovHC(m, type = "HC0")))
    expected$robust <- r
  }
  case <- c(fc$case, list(parts = arr(parts), cluster = cluster, expected = expected))
  cases[[length(cases) + 1L]] <<- case
  invisible(m)
}

all3 <- c("confint", "influence", "robust")

# Clusters are not model terms: within the levels of a factor in the model the
# score sums are 0, and those covariance entries would be rounding noise.
wb_cl <- warpbreaks
wb_cl$cell <- interaction(wb_cl$wool, wb_cl$tension)

record("poisson_log_warpbreaks", "breaks ~ wool + tension", "poisson", wb_cl,
       "warpbreaks", all3, cluster = "cell")
record("binomial_logit_budworm_cbind", "cbind(numdead, numalive) ~ sex + ldose",
       "binomial", budworm, "budworm", all3, cluster = "ldose")
record("Gamma_inverse_clotting", "lot1 ~ log(u)", "Gamma", clotting, "clotting",
       c("confint", "influence"))
record("gaussian_identity_mtcars_weights", "mpg ~ wt + hp", "gaussian", mt, "mt",
       c("influence", "robust"), weights = "w", cluster = "cyl")
record("quasipoisson_log_quine", "Days ~ Eth + Sex + Age", "quasipoisson", quine,
       "quine", c("influence", "robust"), cluster = "Lrn")
record("gaussian_identity_mtcars_aliased", "mpg ~ wt + hp + whp", "gaussian", mt, "mt",
       c("confint"), tags = "aliased")

write_golden(cases, out_path, "tests/golden/make_golden_influence.R")
