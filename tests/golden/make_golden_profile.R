# make_golden_profile.R -- profile-likelihood confidence intervals, R's
# confint() for a glm (MASS:::confint.glm in R 4.2; stats in R >= 4.4), written
# to tests/golden/profile_golden.json. Run from the repository root:
#     Rscript tests/golden/make_golden_profile.R
#
# Each case has the fields fit_case() writes (see README.md) plus
#   expected.coefficients   coef(m) (null where aliased)
#   expected.dispersion     summary(m)$dispersion
#   expected.confint.<key>  {"level", "names", "lower", "upper"} from
#                           confint(m, level = level); null where R gives NA.
source(file.path("tests", "golden", "golden_helpers.R"))

cases <- list()

record <- function(id, r_formula, family_call, data, data_name, formula = r_formula,
                   weights = NULL, offset = NULL, levels = c(level95 = 0.95),
                   tags = character(0), notes = NULL) {
  fc <- fit_case(cases, id, r_formula, family_call, data, data_name,
                 formula = formula, weights = weights, offset = offset,
                 tags = tags, notes = notes)
  m <- fc$model
  ci <- lapply(levels, function(level) {
    x <- suppressMessages(confint(m, level = level))
    if (is.null(dim(x))) x <- matrix(x, nrow = 1, dimnames = list(names(coef(m)), names(x)))
    list(level = level, names = arr(colnames(x)), lower = arr(x[, 1]), upper = arr(x[, 2]))
  })
  names(ci) <- names(levels)
  fc$case$expected <- list(coefficients = obj(coef(m)),
                           dispersion = summary(m)$dispersion,
                           confint = ci)
  cases[[length(cases) + 1]] <<- fc$case
  cat(id, "\n")
}

both <- c(level95 = 0.95, level90 = 0.9)

record("poisson_log_warpbreaks", "breaks ~ wool + tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", levels = both, tags = "factor")
record("binomial_logit_budworm_cbind", "cbind(numdead, numalive) ~ sex * ldose",
       'binomial(link = "logit")', budworm, "budworm", tags = c("cbind", "interaction"))
record("binomial_logit_mtcars_01", "am ~ wt", 'binomial(link = "logit")', mt, "mtcars",
       levels = both, tags = "binary")
record("Gamma_inverse_clotting", "lot1 ~ log(u)", 'Gamma(link = "inverse")', clotting,
       "clotting", levels = both, tags = "estimated_dispersion")
record("gaussian_identity_mtcars", "mpg ~ wt + cyl", 'gaussian(link = "identity")', mt,
       "mtcars", tags = c("factor", "estimated_dispersion"))
record("quasipoisson_log_warpbreaks", "breaks ~ wool * tension", 'quasipoisson(link = "log")',
       warpbreaks, "warpbreaks", tags = c("factor", "estimated_dispersion"))
record("poisson_log_ships_offset_arg", "incidents ~ type + period", 'poisson(link = "log")',
       ships2, "ships", offset = "log_service", tags = c("offset_arg", "factor"))
record("inverse.gaussian_log_igd", "y ~ x", 'inverse.gaussian(link = "log")', igd,
       "igd", tags = "estimated_dispersion")
record("gaussian_identity_mtcars_aliased", "mpg ~ wt + hp + whp",
       'gaussian(link = "identity")', mt, "mtcars", tags = "aliased",
       notes = "whp = 2*wt - hp: coefficient NA, confint row NA")
record("poisson_log_intercept_only", "breaks ~ 1", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = "one_coefficient")
record("Gamma_log_clotting_weights", "lot2 ~ log(u)", 'Gamma(link = "log")', clotting,
       "clotting", weights = "w", tags = c("weights", "estimated_dispersion"))

write_golden(cases, file.path("tests", "golden", "profile_golden.json"),
             "tests/golden/make_golden_profile.R")
