# make_golden_tidy.R -- reference broom::tidy(), glance() and augment() for glm
# fits, for tests/test_tidy.py.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_tidy.R
# Writes tests/golden/tidy_golden.json. Needs the broom package (tested with
# broom 1.0.3 on R 4.2.2).
#
# Each case is a glm() fit described as in glm_golden.json (fit_case() in
# golden_helpers.R) plus `expected` with
#   tidy                tidy(m): {column: [values]} (aliased rows are NA -> null)
#   tidy_ci95, tidy_ci90  tidy(m, conf.int = TRUE, conf.level = 0.95 / 0.9)
#   tidy_exp            tidy(m, conf.int = TRUE, exponentiate = TRUE)
#   glance              glance(m): {column: value}
#   augment_<pred>_<res>  the dot columns of augment(m, type.predict = pred,
#                       type.residuals = res) for pred in link/response and
#                       res in deviance/pearson
#   augment_new         augment(m, newdata = first 5 rows, se_fit = TRUE) dot columns
#   augment_new_plain   names(augment(m, newdata = first 5 rows))

out_path <- file.path("tests", "golden", "tidy_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages(library(broom))

cases <- list()

cols <- function(df) {
  out <- lapply(names(df), function(n) arr(df[[n]]))
  names(out) <- names(df)
  out
}
dots <- function(df) cols(df[, grepl("^\\.", names(df)), drop = FALSE])

record <- function(id, r_formula, family_call, data, data_name, formula = r_formula,
                   weights = NULL) {
  fc <- fit_case(cases, id, r_formula, family_call, data, data_name,
                 formula = formula, weights = weights)
  m <- fc$model
  new <- fc$data[1:5, , drop = FALSE]
  q <- function(expr) suppressMessages(expr)
  expected <- list(
    tidy = cols(tidy(m)),
    tidy_ci95 = cols(q(tidy(m, conf.int = TRUE))),
    tidy_ci90 = cols(q(tidy(m, conf.int = TRUE, conf.level = 0.9))),
    tidy_exp = cols(q(tidy(m, conf.int = TRUE, exponentiate = TRUE))),
    glance = as.list(as.data.frame(glance(m))),
    augment_new = dots(augment(m, newdata = new, se_fit = TRUE)),
    augment_new_plain = arr(names(augment(m, newdata = new)))
  )
  for (pred in c("link", "response")) for (res in c("deviance", "pearson")) {
    a <- augment(m, data = fc$data, type.predict = pred, type.residuals = res)
    expected[[paste0("augment_", pred, "_", res)]] <- dots(a)
  }
  expected$augment_names <- arr(names(augment(m, data = fc$data)))
  fc$case$expected <- expected
  cases[[length(cases) + 1]] <<- fc$case
}

record("poisson_warpbreaks", "breaks ~ wool + tension", "poisson", warpbreaks, "warpbreaks")
record("quasipoisson_warpbreaks", "breaks ~ wool * tension", "quasipoisson", warpbreaks,
       "warpbreaks")
record("gaussian_aliased", "mpg ~ wt + hp + whp", "gaussian", mt, "mt")
record("binomial_budworm", "cbind(numdead, numalive) ~ ldose + sex", "binomial", budworm,
       "budworm")
record("gamma_clotting_weights", "lot1 ~ log(u)", "Gamma", clotting, "clotting",
       weights = "w")

write_golden(cases, out_path, "tests/golden/make_golden_tidy.R (broom 1.0.3)")
