# make_golden_extra_families.R -- reference fits from R for the families
# outside base R: MASS::negative.binomial(theta) and statmod::tweedie().
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_extra_families.R
# Writes tests/golden/extra_families_golden.json. Needs MASS and statmod.
#
# Each case is a glm() fit described as in glm_golden.json (fit_case() in
# golden_helpers.R), with `py_family` (the family as glmformula's
# get_family() reads it: R's spelling of the call) and `expected`:
#
#   family, link                   family$family and family$link (R's labels)
#   coefficients, std_errors, statistic, p_values, statistic_name
#                                  coef(summary(m)) with R's default dispersion
#   deviance, null_deviance, df_residual, df_null, aic (null when NA)
#   dispersion                     summary(m)$dispersion (estimated: these
#                                  families are neither poisson nor binomial)
#   iter, converged, fitted
#   summary_text                   print(summary(m))
#
# Numbers are written with sprintf("%.17g") (see golden_helpers.R).

out_path <- file.path("tests", "golden", "extra_families_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages(library(statmod))

cases <- list()

record <- function(id, r_formula, family_call, data, data_name, formula = r_formula,
                   tags = character(0), notes = NULL) {
  fc <- fit_case(cases, id, r_formula, family_call, data, data_name,
                 formula = formula, tags = tags, notes = notes)
  m <- fc$model
  s <- summary(m)
  cf <- coef(s)
  na_to_null <- function(x) if (is.na(x)) NULL else x
  expected <- list(
    family = m$family$family,
    link = m$family$link,
    coefficients = obj(coef(m)),
    std_errors = obj(cf[, 2]),
    statistic = obj(cf[, 3]),
    p_values = obj(cf[, 4]),
    statistic_name = colnames(cf)[3],
    deviance = m$deviance,
    null_deviance = m$null.deviance,
    df_residual = m$df.residual,
    df_null = m$df.null,
    aic = na_to_null(m$aic),
    dispersion = s$dispersion,
    iter = m$iter,
    converged = m$converged,
    fitted = arr(fitted(m)),
    summary_text = paste(capture.output(print(s)), collapse = "\n")
  )
  cases[[length(cases) + 1L]] <<- c(fc$case, list(py_family = family_call,
                                                  expected = expected))
  invisible(m)
}

cat("--- negative.binomial(theta)\n")
record("negbin2_log_quine", "Days ~ Eth + Sex + Age + Lrn", "negative.binomial(2)",
       quine, "quine", tags = "negative.binomial")
record("negbin2_log_warpbreaks", "breaks ~ wool * tension", "negative.binomial(2)",
       warpbreaks, "warpbreaks", tags = "negative.binomial")
record("negbin5_sqrt_warpbreaks", "breaks ~ wool + tension",
       'negative.binomial(5, link = "sqrt")', warpbreaks, "warpbreaks",
       tags = c("negative.binomial", "sqrt"))
record("negbin1.3_identity_warpbreaks", "breaks ~ tension",
       'negative.binomial(1.3, link = "identity")', warpbreaks, "warpbreaks",
       tags = c("negative.binomial", "identity", "non-integer theta"))

cat("--- statmod::tweedie\n")
record("tweedie1.5_canonical_quine", "Days ~ Eth + Sex + Age + Lrn",
       "tweedie(var.power = 1.5)", quine, "quine",
       tags = "tweedie", notes = "link mu^-0.5; zeros in the response")
record("tweedie1.5_log_quine", "Days ~ Eth + Sex + Age + Lrn",
       "tweedie(var.power = 1.5, link.power = 0)", quine, "quine",
       tags = c("tweedie", "log"))
record("tweedie2.5_canonical_clotting", "lot1 ~ log(u)", "tweedie(var.power = 2.5)",
       clotting, "clotting", tags = "tweedie", notes = "link mu^-1.5")
record("tweedie2.5_log_clotting", "lot2 ~ log(u)",
       "tweedie(var.power = 2.5, link.power = 0)", clotting, "clotting",
       tags = c("tweedie", "log"))
record("tweedie1.5_identity_warpbreaks", "breaks ~ wool + tension",
       "tweedie(var.power = 1.5, link.power = 1)", warpbreaks, "warpbreaks",
       tags = c("tweedie", "identity"))

cat("--- MASS::glm.nb (theta estimated)\n")
# glm.nb cases carry `glm_nb: true`, no family call, and in `expected` also
# theta, theta_se (SE.theta), twologlik, aic (MASS's: -twologlik + 2 rank + 2);
# the dispersion is 1 (summary.negbin) and family/iter/deviance are those of
# the last glm.fit inside glm.nb.
record_nb <- function(id, r_formula, data, data_name, formula = r_formula, tags = character(0)) {
  f <- as.formula(r_formula, env = globalenv())
  d <- data[, all.vars(f), drop = FALSE]
  rownames(d) <- NULL
  env <- new.env(parent = globalenv())
  assign(data_name, d, envir = env)
  cl <- call("glm.nb", formula = f, data = as.name(data_name))
  fit <- with_warnings(eval(cl, env))
  m <- fit$value
  s <- summary(m)
  cf <- coef(s)
  expected <- list(
    family = m$family$family, link = m$family$link,
    coefficients = obj(coef(m)), std_errors = obj(cf[, 2]), statistic = obj(cf[, 3]),
    p_values = obj(cf[, 4]), statistic_name = colnames(cf)[3],
    deviance = m$deviance, null_deviance = m$null.deviance,
    df_residual = m$df.residual, df_null = m$df.null, aic = m$aic,
    dispersion = s$dispersion, iter = m$iter, converged = m$converged,
    fitted = arr(fitted(m)), theta = m$theta, theta_se = m$SE.theta,
    twologlik = m$twologlik, loglik = as.numeric(logLik(m)),
    summary_text = paste(capture.output(print(s)), collapse = "\n")
  )
  cases[[length(cases) + 1L]] <<- list(
    id = id, glm_nb = TRUE, formula = formula, r_formula = r_formula,
    r_call = paste(deparse(cl, width.cutoff = 500L), collapse = " "),
    control = list(epsilon = 1e-8, maxit = 25L), tags = arr(tags),
    r_warnings = arr(fit$warnings), data = encode_data(d), expected = expected)
  invisible(m)
}
record_nb("glmnb_log_quine", "Days ~ Eth + Sex + Age + Lrn", quine, "quine", tags = "glm.nb")
record_nb("glmnb_log_quine_interactions", "Days ~ Sex/(Age + Eth * Lrn)", quine, "quine",
          tags = "glm.nb")
record_nb("glmnb_log_warpbreaks", "breaks ~ wool + tension", warpbreaks, "warpbreaks",
          tags = "glm.nb")
record_nb("glmnb_log_ships_offset", "incidents ~ type + year + offset(log_service)", ships2,
          "ships2", tags = c("glm.nb", "offset"))

write_golden(cases, out_path, "tests/golden/make_golden_extra_families.R")
