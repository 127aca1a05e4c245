# make_golden.R -- reference ("golden") glm() fits from R for glmformula's tests.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden.R
# Writes tests/golden/glm_golden.json (schema: see tests/golden/README.md).
#
# Needs R with the recommended package MASS and jsonlite. The JSON writer,
# the glm() fit and the data sets it shares with make_golden_predict.R are in
# golden_helpers.R.

out_path <- file.path("tests", "golden", "glm_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))

# ---------------------------------------------------------------------------
# Fitting and extraction
# ---------------------------------------------------------------------------
cases <- list()

null_if_na <- function(v) if (length(v) != 1 || is.na(v)) NULL else v

# record(): fit one reference model and append it to `cases`. The arguments
# are those of fit_case() in golden_helpers.R; formula defaults to r_formula.
record <- function(id, r_formula, family_call, data, data_name,
                   formula = r_formula, weights = NULL, offset = NULL,
                   control = NULL, start = NULL, link_power = NULL,
                   tags = character(0), notes = NULL) {
  fc <- fit_case(cases, id, r_formula, family_call, data, data_name,
                 formula = formula, weights = weights, offset = offset,
                 control = control, start = start, link_power = link_power,
                 tags = tags, notes = notes)
  m <- fc$model
  s <- summary(m)

  cf <- coef(m)
  ct <- s$coefficients
  cov_scaled <- s$cov.scaled
  stopifnot(identical(rownames(ct), rownames(cov_scaled)))

  ll <- tryCatch(as.numeric(logLik(m)), error = function(e) NA_real_)
  bic <- tryCatch(BIC(m), error = function(e) NA_real_)
  ll_df <- tryCatch(attr(logLik(m), "df"), error = function(e) NA_integer_)

  expected <- list(
    coefficients = obj(cf),
    std_errors = obj(setNames(ct[, 2], rownames(ct))),
    statistic = obj(setNames(ct[, 3], rownames(ct))),
    p_values = obj(setNames(ct[, 4], rownames(ct))),
    statistic_name = colnames(ct)[3],
    aliased = obj(s$aliased),
    deviance = m$deviance,
    null_deviance = m$null.deviance,
    df_residual = as.integer(m$df.residual),
    df_null = as.integer(m$df.null),
    aic = null_if_na(m$aic),
    dispersion = s$dispersion,
    iter = as.integer(m$iter),
    converged = m$converged,
    boundary = m$boundary,
    rank = as.integer(m$rank),
    nobs_used = length(m$y),
    nobs = as.integer(nobs(m)),
    n_dropped_na = if (is.null(m$na.action)) 0L else length(m$na.action),
    fitted = arr(fitted(m)),
    linear_predictor = arr(m$linear.predictors),
    y = arr(m$y),
    prior_weights = arr(m$prior.weights),
    working_weights = arr(m$weights),
    residuals = list(
      deviance = arr(residuals(m, type = "deviance")),
      pearson = arr(residuals(m, type = "pearson")),
      working = arr(residuals(m, type = "working")),
      response = arr(residuals(m, type = "response"))
    ),
    vcov_names = arr(rownames(cov_scaled)),
    vcov = lapply(seq_len(nrow(cov_scaled)), function(i) arr(cov_scaled[i, ])),
    loglik = null_if_na(ll),
    loglik_df = null_if_na(ll_df),
    bic = null_if_na(bic),
    summary_text = paste(capture.output(print(s)), collapse = "\n")
  )

  cases[[length(cases) + 1]] <<- c(fc$case, list(expected = expected))
  cat(sprintf("%-50s iter=%2d conv=%-5s rank=%d/%d warn=%s\n", id, m$iter,
              m$converged, m$rank, length(cf),
              paste(unique(fc$warnings), collapse = " | ")))
  invisible(m)
}

unorder <- function(d) {
  for (nm in names(d)) if (is.ordered(d[[nm]])) d[[nm]] <- factor(d[[nm]], ordered = FALSE)
  d
}

# ---------------------------------------------------------------------------
# Data used only here (the shared data sets are in golden_helpers.R)
# ---------------------------------------------------------------------------
clotting_long <- data.frame(
  u = rep(clotting$u, 2),
  conc = c(clotting$lot1, clotting$lot2),
  lot = factor(rep(c("lot1", "lot2"), each = 9))
)

insurance <- unorder(Insurance)       # Group and Age are ordered in MASS

esoph_u <- unorder(esoph)

# Simulated data ------------------------------------------------------------
set.seed(7)
lowp <- data.frame(x = round(seq(0, 1, length.out = 25), 3), n = 40)
lowp$succ <- rbinom(25, lowp$n, exp(-2.5 + 1.2 * lowp$x))
lowp$fail <- lowp$n - lowp$succ

# Poisson identity link: from start = c(mean(y), 0) the first IRLS step leaves
# mu > 0 (found by simulation, values fixed here)
pid <- data.frame(
  x = c(8.2, 3.3, 1.5, 5, 4.6, 8.9, 6.2, 2.7, 7.9, 8.1, 5.5, 4.1, 7.4, 1, 1.6),
  y = c(15, 3, 3, 7, 5, 15, 5, 3, 15, 13, 4, 5, 8, 0, 3)
)

# Gamma identity link: an IRLS step gives mu < 0 and a NaN deviance
gid <- data.frame(
  x = c(7.8, 2, 0.9, 9.9, 2.4, 4.9, 1.7, 2.4, 0.3, 8.2, 7.5, 5.9, 2.4, 1.5, 2.1),
  y = c(7.563, 3.355, 1.339, 34.657, 2.089, 5.152, 3.053, 1.526, 0.885,
        19.382, 7.374, 0.46, 3.93, 4.767, 2.155)
)

# Overlapping but extreme binomial data: MLE exists, some mu are 0/1 numerically
sep01 <- data.frame(x = c(-300, -200, -150, -100, -2, -1, 0, 0, 1, 2, 100, 150, 200, 300),
                    y = c(0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1))
# Complete separation
sep <- data.frame(x = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                  y = c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1))

# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------
cat("\n--- gaussian\n")
record("gaussian_identity_cars", "dist ~ speed", 'gaussian(link = "identity")', cars, "cars")
record("gaussian_identity_cars_quadratic", "dist ~ speed + I(speed^2)",
       'gaussian(link = "identity")', cars, "cars", tags = "I()")
record("gaussian_identity_cars_noint_zero_plus", "dist ~ 0 + speed + I(speed^2)",
       'gaussian(link = "identity")', cars, "cars", tags = c("no_intercept", "I()"))
record("gaussian_log_mtcars", "mpg ~ wt + hp", 'gaussian(link = "log")', mt, "mtcars")
record("gaussian_inverse_mtcars", "mpg ~ wt + hp", 'gaussian(link = "inverse")', mt, "mtcars")
record("gaussian_identity_mtcars_factor_by_numeric", "mpg ~ cyl * wt",
       'gaussian(link = "identity")', mt, "mtcars", tags = c("factor", "interaction"),
       notes = "cyl is a factor column (R: factor(cyl))")
record("gaussian_identity_mtcars_weights_nonint", "mpg ~ wt + cyl",
       'gaussian(link = "identity")', mt, "mtcars", weights = "w",
       tags = c("weights", "non_integer_weights", "factor"),
       notes = "w = round(100/disp, 4); gaussian AIC uses sum(log(w))")
record("gaussian_identity_mtcars_aliased", "mpg ~ wt + hp + whp",
       'gaussian(link = "identity")', mt, "mtcars", tags = "aliased",
       notes = "whp = 2*wt - hp is an exact linear combination: coefficient NA")
record("gaussian_identity_airquality_na", "Ozone ~ Solar_R + Wind + Temp",
       'gaussian(link = "identity")', aq, "airquality", tags = "na",
       notes = "airquality with Solar.R renamed Solar_R; 42 rows dropped by na.omit")

cat("\n--- binomial\n")
record("binomial_logit_budworm_cbind_interaction", "cbind(numdead, numalive) ~ sex * ldose",
       'binomial(link = "logit")', budworm, "budworm", tags = c("cbind", "interaction"))
record("binomial_logit_budworm_nested_noint", "cbind(numdead, numalive) ~ sex/ldose - 1",
       'binomial(link = "logit")', budworm, "budworm",
       tags = c("cbind", "nested", "no_intercept"),
       notes = "sex/ldose - 1 = separate intercepts and slopes (MASS budworm.lg0)")
record("binomial_probit_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "probit")', budworm, "budworm", tags = "cbind")
record("binomial_cauchit_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "cauchit")', budworm, "budworm", tags = "cbind")
record("binomial_cloglog_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "cloglog")', budworm, "budworm", tags = "cbind")
record("binomial_log_lowprob", "cbind(succ, fail) ~ x",
       'binomial(link = "log")', lowp, "lowp", tags = "cbind",
       notes = "simulated, all probabilities < 0.3 so the log link is valid")
record("binomial_logit_budworm_prop_weights", "prop ~ sex + ldose",
       'binomial(link = "logit")', budworm, "budworm", weights = "total",
       tags = c("proportion_response", "weights"),
       notes = "proportion response with weights = number of trials; same fit as cbind form")
record("binomial_logit_mtcars_01", "am ~ hp + wt",
       'binomial(link = "logit")', mt, "mtcars", tags = "binary_01")
record("binomial_logit_mtcars_factor_response", "vs_f ~ mpg",
       'binomial(link = "logit")', mt, "mtcars", tags = "factor_response",
       notes = "vs_f has levels V (failure, first level) and S (success)")
record("binomial_logit_esoph", "cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp",
       'binomial(link = "logit")', esoph_u, "esoph", tags = c("cbind", "factor"),
       notes = "esoph ordered factors converted to unordered (treatment contrasts)")
record("binomial_logit_esoph_ordered_poly", "cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp",
       'binomial(link = "logit")', esoph, "esoph", tags = c("cbind", "ordered_factor"),
       notes = paste("ordered factors kept: R uses contr.poly (.L, .Q, .C, ^4, ^5 columns);",
                     "skip unless polynomial contrasts for ordered factors are implemented"))
record("binomial_logit_fitted_0_1", "y ~ x", 'binomial(link = "logit")', sep01, "sep01",
       tags = c("binary_01", "fitted_0_1"),
       notes = "MLE exists but several fitted probabilities are numerically 0 or 1 (R warns)")
record("binomial_logit_complete_separation", "y ~ x", 'binomial(link = "logit")', sep, "sep",
       tags = c("binary_01", "fitted_0_1", "separation"),
       notes = paste("complete separation: no MLE. Coefficients/SEs depend on the exact",
                     "iteration path; R stops at maxit = 25 with converged = FALSE and both",
                     "warnings. Compare deviance (~0), iter, converged and warnings; compare",
                     "coefficients only loosely"))

cat("\n--- poisson\n")
record("poisson_log_warpbreaks", "breaks ~ wool + tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = "factor")
record("poisson_log_warpbreaks_interaction", "breaks ~ wool * tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = c("factor", "interaction"))
record("poisson_log_warpbreaks_colon_only", "breaks ~ wool:tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = c("factor", "interaction", "aliased"),
       notes = paste("R codes wool:tension without main effects with full dummies for both",
                     "factors (7 columns, rank 6): woolB:tensionH is NA"))
record("poisson_log_warpbreaks_minus1", "breaks ~ tension - 1", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = c("factor", "no_intercept"))
record("poisson_log_warpbreaks_zero_plus", "breaks ~ 0 + wool + tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = c("factor", "no_intercept"))
record("poisson_log_warpbreaks_empty_cell", "breaks ~ wool * tension", 'poisson(link = "log")',
       wb_cell, "warpbreaks_sub", tags = c("factor", "interaction", "aliased"),
       notes = "rows with wool B and tension H removed: woolB:tensionH is NA")
record("poisson_log_warpbreaks_start_eps", "breaks ~ wool + tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", start = c(3, 0, 0, 0),
       control = list(epsilon = 1e-12, maxit = 50), tags = c("start", "control"))
record("poisson_log_warpbreaks_zero_weights", "breaks ~ wool + tension", 'poisson(link = "log")',
       wb_zero, "warpbreaks", weights = "wz", tags = c("weights", "zero_weights", "factor"),
       notes = paste("prior weight 0 for rows 2, 20, 41: they stay in fitted/residuals (length 54)",
                     "but are not counted in nobs, df_residual, df_null"))
record("poisson_identity_insectsprays", "count ~ spray", 'poisson(link = "identity")',
       InsectSprays, "InsectSprays", tags = "factor")
record("poisson_sqrt_insectsprays", "count ~ spray", 'poisson(link = "sqrt")',
       InsectSprays, "InsectSprays", tags = "factor")
record("poisson_identity_step_halving", "y ~ x", 'poisson(link = "identity")', pid, "pid",
       start = c(mean(pid$y), 0), tags = c("step_halving", "start"),
       notes = paste("start = c(mean(y), 0). The first IRLS step from start gives mu <= 0",
                     "with finite deviance, so glm.fit halves the step ('step size truncated:",
                     "out of bounds'). Without start R stops: 'no valid set of coefficients",
                     "has been found: please supply starting values'."))
record("poisson_log_ships_offset_formula",
       "incidents ~ type + year + period + offset(log(service))", 'poisson(link = "log")',
       ships2, "ships", tags = c("offset_formula", "factor"),
       notes = "MASS::ships with service > 0; year and period are factor columns")
record("poisson_log_ships_offset_arg", "incidents ~ type + year + period", 'poisson(link = "log")',
       ships2, "ships", offset = "log_service", tags = c("offset_arg", "factor"),
       notes = "offset= argument, column log_service = log(service); same fit as the formula offset")
record("poisson_log_insurance_offset", "Claims ~ District + Group + Age + offset(log(Holders))",
       'poisson(link = "log")', insurance, "Insurance", tags = c("offset_formula", "factor"),
       notes = "MASS::Insurance with ordered Group and Age converted to unordered factors")
record("poisson_log_two_offsets", "y ~ x + offset(log(time)) + offset(log(persons))",
       'poisson(link = "log")', expo, "expo", tags = "offset_formula",
       notes = "two offset() terms in the formula add up")
record("poisson_log_offset_formula_and_arg", "y ~ x + offset(log(time))",
       'poisson(link = "log")', expo, "expo", offset = "log_persons",
       tags = c("offset_formula", "offset_arg"),
       notes = "formula offset log(time) plus offset= log_persons; same fit as poisson_log_two_offsets")
record("poisson_log_quine_maxit3", "Days ~ Eth + Sex + Age + Lrn", 'poisson(link = "log")',
       quine, "quine", control = list(maxit = 3), tags = c("not_converged", "control"),
       notes = "maxit = 3: R stops after 3 iterations, converged = FALSE, warns")
record("poisson_log_na_factor_numeric", "y ~ g + x", 'poisson(link = "log")', nadat, "nadat",
       tags = c("na", "factor"), notes = "NA in factor g (rows 3, 17) and in x (rows 8, 17, 25)")

cat("\n--- Gamma\n")
record("Gamma_inverse_clotting", "lot1 ~ log(u)", 'Gamma(link = "inverse")', clotting, "clotting",
       tags = "log()")
record("Gamma_identity_clotting", "lot1 ~ log(u)", 'Gamma(link = "identity")', clotting, "clotting",
       tags = "log()")
record("Gamma_log_clotting", "lot2 ~ log(u)", 'Gamma(link = "log")', clotting, "clotting",
       tags = "log()")
record("Gamma_inverse_clotting_lot_interaction", "conc ~ lot * log(u)", 'Gamma(link = "inverse")',
       clotting_long, "clotting_long", tags = c("log()", "factor", "interaction"))
record("Gamma_inverse_clotting_weights_nonint", "lot1 ~ log(u)", 'Gamma(link = "inverse")',
       clotting, "clotting", weights = "w", tags = c("weights", "non_integer_weights", "log()"))
record("Gamma_log_airquality_na", "Ozone ~ Solar_R + Wind + Temp", 'Gamma(link = "log")',
       aq, "airquality", tags = "na", notes = "airquality with Solar.R renamed Solar_R")
record("Gamma_identity_step_halving", "y ~ x", 'Gamma(link = "identity")', gid, "gid",
       tags = "step_halving",
       notes = paste("an IRLS step gives mu < 0 and a non-finite (NaN) deviance, so glm.fit",
                     "halves the step ('step size truncated due to divergence'; R also warns",
                     "'NaNs produced' from log() inside the deviance)"))

cat("\n--- inverse.gaussian\n")
record("inverse.gaussian_1mu2_sim", "y ~ x", 'inverse.gaussian(link = "1/mu^2")', igd, "igd")
record("inverse.gaussian_inverse_sim", "y ~ x", 'inverse.gaussian(link = "inverse")', igd, "igd")
record("inverse.gaussian_identity_sim", "y ~ x", 'inverse.gaussian(link = "identity")', igd, "igd")
record("inverse.gaussian_log_sim", "y ~ x", 'inverse.gaussian(link = "log")', igd, "igd")
record("inverse.gaussian_1mu2_clotting", "lot1 ~ log(u)", 'inverse.gaussian(link = "1/mu^2")',
       clotting, "clotting", tags = "log()")

cat("\n--- quasi\n")
record("quasi_identity_constant_cars", "dist ~ speed",
       'quasi(link = "identity", variance = "constant")', cars, "cars",
       notes = "same estimates as gaussian_identity_cars")
record("quasi_logit_mu1mu_budworm", "prop ~ sex + ldose",
       'quasi(link = "logit", variance = "mu(1-mu)")', budworm, "budworm", weights = "total",
       tags = c("proportion_response", "weights"),
       notes = "same estimates as binomial_logit_budworm_prop_weights")
record("quasi_log_mu_insectsprays", "count ~ spray",
       'quasi(link = "log", variance = "mu")', InsectSprays, "InsectSprays", tags = "factor")
record("quasi_inverse_mu2_clotting", "lot1 ~ log(u)",
       'quasi(link = "inverse", variance = "mu^2")', clotting, "clotting", tags = "log()",
       notes = "same estimates as Gamma_inverse_clotting")
record("quasi_1mu2_mu3_clotting", "lot1 ~ log(u)",
       'quasi(link = "1/mu^2", variance = "mu^3")', clotting, "clotting", tags = "log()",
       notes = "same estimates as inverse.gaussian_1mu2_clotting")
record("quasi_power13_mu_warpbreaks", "breaks ~ wool + tension",
       'quasi(link = power(1/3), variance = "mu")', warpbreaks, "warpbreaks",
       link_power = 1/3, tags = c("factor", "power_link"),
       notes = "link = power(1/3): R names it 'mu^0.333'")
record("quasi_sqrt_mu2_warpbreaks", "breaks ~ wool + tension",
       'quasi(link = "sqrt", variance = "mu^2")', warpbreaks, "warpbreaks", tags = "factor")

cat("\n--- quasibinomial / quasipoisson\n")
record("quasibinomial_logit_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'quasibinomial(link = "logit")', budworm, "budworm", tags = "cbind")
record("quasipoisson_log_quine", "Days ~ Eth + Sex + Age + Lrn",
       'quasipoisson(link = "log")', quine, "quine", tags = "factor")
record("quasipoisson_log_warpbreaks_interaction", "breaks ~ wool * tension",
       'quasipoisson(link = "log")', warpbreaks, "warpbreaks", tags = c("factor", "interaction"))

# ---------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------
write_golden(cases, out_path, "tests/golden/make_golden.R")
