# make_golden_brglm.R -- reference bias-reduced fits from R's brglm2
# (glm(..., method = "brglmFit", type = ...)) and separation tables.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_brglm.R
# Writes tests/golden/brglm_golden.json. Needs brglm2 (Debian's r-cran-brglm2),
# lpSolve and jsonlite.
#
# Every fit is run with epsilon = 1e-12 and a large maxit (`control`, with
# brglm2's other settings where a case sets them), so that the
# estimates are at the limit of brglm2's iteration (its default epsilon 1e-6
# stops about 1e-6 from it); the recorded call leaves these settings out, so
# `summary_text` is print(summary(m)) as a default-control call prints it.
# Each case has the fields of fit_case() in golden_helpers.R that the tests
# read (id, formula, r_formula, r_call, family, link, data) plus
#
#   weights            the column given as weights=, or null
#   start              starting coefficients, or null
#   type               the estimator (brglm2's `type`; null: the default)
#   method             the method string given to glm()
#   expected           coefficients (null where aliased), std_errors,
#                      statistic, p_values (summary's z tests), dispersion,
#                      deviance, null_deviance (brglm2's rule: an
#                      intercept-only fit of the same type), aic, df_residual,
#                      df_null, iter, converged, fitted, summary_text,
#                      print_text (print(m): R's print.glm)
#   trace_text         (some cases) what brglmFit prints with trace = TRUE
#   anova              (some cases) anova(m): R's anova.glm refits each submodel
#                      with brglmFit and the fit's control (the same type)
#   separation         for binomial fits: Konis's primal linear program as
#                      detectseparation::detect_separation sets it up (rows
#                      with 0 < y < 1 both as a success and as a failure,
#                      -1 <= beta_j <= 1, tolerance 1e-3; aliased columns
#                      NA), solved here by lpSolve: brglm2 0.9 no longer has
#                      detect_separation (it moved to the detectseparation
#                      package, which Debian does not ship). `outcome` and
#                      `coefficients` (0, "Inf", "-Inf", null).

out_path <- file.path("tests", "golden", "brglm_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages({
  library(brglm2)
  library(lpSolve)
})

TIGHT <- list(epsilon = 1e-12, maxit = 10000)
data("endometrial", package = "brglm2", envir = environment())

# Konis's primal LP (maximise sum(xbar) b subject to xbar b >= 0, |b_j| <= 1)
separation_lp <- function(x, y, weights) {
  qrx <- qr(x)
  names_all <- colnames(x)
  out <- setNames(rep(NA_real_, ncol(x)), names_all)
  if (qrx$rank < ncol(x)) x <- x[, -qrx$pivot[seq.int(qrx$rank + 1, ncol(x))], drop = FALSE]
  keep <- weights > 0
  x <- x[keep, , drop = FALSE]
  y <- y[keep]
  ones <- y == 1
  zeros <- y == 0
  mid <- !(ones | zeros)
  x <- x[c(which(ones), which(zeros), rep(which(mid), 2)), , drop = FALSE]
  y <- c(y[ones], y[zeros], rep(c(0, 1), each = sum(mid)))
  xbar <- ifelse(y == 1, 1, -1) * x
  p <- ncol(x)
  # b = u - 1 with 0 <= u <= 2 (lpSolve's variables are non-negative)
  cons <- rbind(xbar, diag(p))
  rhs <- c(drop(xbar %*% rep(1, p)), rep(2, p))
  dir <- c(rep(">=", nrow(xbar)), rep("<=", p))
  sol <- lp("max", colSums(xbar), cons, dir, rhs)
  if (sol$status != 0) stop("lpSolve failed")
  beta <- sol$solution - 1
  b <- ifelse(abs(beta) < 1e-3, 0, Inf * beta)
  out[colnames(x)] <- b
  list(outcome = any(b != 0), coefficients = out)
}

cases <- list()

record <- function(id, r_formula, family_call, data, data_name, formula = r_formula,
                   type = NULL, method = "brglmFit", notes = NULL, control = TIGHT,
                   anova = FALSE, weights = NULL, trace = FALSE, start = NULL) {
  if (id %in% vapply(cases, `[[`, "", "id")) stop("duplicate id ", id)
  f <- as.formula(r_formula, env = globalenv())
  d <- data[, unique(c(all.vars(f), weights)), drop = FALSE]
  rownames(d) <- NULL
  # in the order of R's match.call: glm's own arguments in its order, then `...`
  cl <- call("glm", formula = f, family = str2lang(family_call), data = as.name(data_name))
  if (!is.null(weights)) cl$weights <- as.name(weights)
  if (!is.null(start)) cl$start <- start
  cl$method <- method
  if (!is.null(type)) cl$type <- type
  tight <- cl
  for (setting in names(control)) tight[[setting]] <- control[[setting]]
  env <- new.env(parent = globalenv())
  assign(data_name, d, envir = env)
  fit <- with_warnings(eval(tight, env))
  m <- fit$value
  m$call <- cl
  s <- summary(m)
  cf <- coef(s)
  txt <- paste(capture.output(print(s)), collapse = "\n")
  se <- setNames(cf[, 2], rownames(cf))
  z <- setNames(cf[, 3], rownames(cf))
  pv <- setNames(cf[, 4], rownames(cf))
  case <- list(
    id = id, formula = formula, r_formula = r_formula,
    r_call = paste(deparse(cl, width.cutoff = 500L), collapse = " "),
    family = m$family$family, link = m$family$link,
    py_family = family_call, data_name = data_name,
    type = type, method = method, notes = notes, weights = weights,
    start = if (is.null(start)) NULL else arr(start),
    control = lapply(control, function(v) if (v == round(v) && v > 1) as.integer(v) else v),
    r_warnings = arr(fit$warnings),
    data = encode_data(d),
    expected = list(
      coefficients = obj(coef(m)), std_errors = obj(se), statistic = obj(z),
      p_values = obj(pv), statistic_name = colnames(cf)[3],
      dispersion = s$dispersion, deviance = m$deviance, null_deviance = m$null.deviance,
      aic = m$aic, df_residual = m$df.residual, df_null = m$df.null,
      iter = as.integer(m$iter), converged = m$converged, type = m$type,
      fitted = arr(fitted(m)), summary_text = txt,
      print_text = paste(capture.output(print(m)), collapse = "\n"))
  )
  if (trace) {  # brglm2's trace of the iterations (control trace = TRUE)
    traced <- tight
    traced$trace <- TRUE
    case$trace_text <- paste(capture.output(invisible(eval(traced, env))), collapse = "\n")
  }
  if (anova) {  # anova.glm refits with brglmFit and the same type
    a <- eval(call("anova", m), env)
    case$anova <- list(resid_dev = arr(a$`Resid. Dev`), deviance = arr(a$Deviance),
                       df = arr(a$Df))
  }
  if (m$family$family == "binomial") {
    X <- model.matrix(m)
    sep <- separation_lp(X, m$y, m$prior.weights)
    case$separation <- list(outcome = sep$outcome,
                            coefficients = obj(ifelse(is.na(sep$coefficients), NA,
                              ifelse(sep$coefficients == 0, "0",
                                     ifelse(sep$coefficients > 0, "Inf", "-Inf")))))
  }
  cases[[length(cases) + 1]] <<- case
  invisible(m)
}

# Data -----------------------------------------------------------------------
# a separated 2 x 2 table as binary rows: every x = 1 is a success
sep2 <- data.frame(x = rep(c(0, 1), c(10, 10)), y = c(rep(0:1, c(4, 6)), rep(1, 10)))
# a Poisson two-way layout with an empty cell (q, w), two replicates per cell
pois0 <- data.frame(a = factor(rep(c("p", "q"), each = 6)),
                    b = factor(rep(rep(c("u", "v", "w"), each = 2), 2)),
                    count = c(12, 9, 7, 10, 3, 5, 9, 11, 5, 4, 0, 0))
# budworm restricted to low doses: probabilities stay below 1 on the log link
budlow <- subset(budworm, ldose <= 2)
endo_alias <- endometrial
endo_alias$NV2 <- 2 * endo_alias$NV
endo_one <- endometrial
cars_d <- cars

# Binomial ------------------------------------------------------------------
record("endometrial_AS_mixed_default", "HG ~ NV + PI + EH", "binomial", endometrial,
       "endometrial", notes = "separated (NV); brglm2's default type", trace = TRUE)
record("endometrial_AS_mean", "HG ~ NV + PI + EH", "binomial", endometrial, "endometrial",
       type = "AS_mean", anova = TRUE)
record("endometrial_AS_median", "HG ~ NV + PI + EH", "binomial", endometrial, "endometrial",
       type = "AS_median")
record("endometrial_MPL_Jeffreys", "HG ~ NV + PI + EH", "binomial", endometrial,
       "endometrial", type = "MPL_Jeffreys")
record("endometrial_slowit_AS_median", "HG ~ NV + PI + EH", "binomial", endometrial,
       "endometrial", type = "AS_median",
       control = list(epsilon = 1e-12, maxit = 10000, slowit = 0.5, max_step_factor = 3,
                      response_adjustment = 0.5),
       notes = "brglm2's other control settings: half steps, 3 halvings, adjustment 0.5")
record("endometrial_probit_AS_mean", "HG ~ NV + PI + EH", 'binomial(link = "probit")',
       endometrial, "endometrial", type = "AS_mean")
record("endometrial_aliased_AS_mixed", "HG ~ NV + PI + EH + NV2", "binomial", endo_alias,
       "endo_alias", type = "AS_mixed", notes = "NV2 = 2 NV is aliased")
record("sep2x2_AS_mean", "y ~ x", "binomial", sep2, "sep2", type = "AS_mean",
       method = "brglm_fit", notes = "quasi-complete separation; brglm2's alias brglm_fit")
record("sep2x2_AS_mixed", "y ~ x", "binomial", sep2, "sep2", type = "AS_mixed")
record("sep2x2_MPL_Jeffreys", "y ~ x", "binomial", sep2, "sep2", type = "MPL_Jeffreys")
record("budworm_probit_AS_mixed", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "probit")', budworm, "budworm", type = "AS_mixed")
record("budworm_cloglog_AS_median", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "cloglog")', budworm, "budworm", type = "AS_median")
record("budworm_cauchit_AS_mean", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "cauchit")', budworm, "budworm", type = "AS_mean")
record("budworm_log_AS_mean", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "log")', budlow, "budlow", type = "AS_mean")
record("budworm_logit_correction", "cbind(numdead, numalive) ~ sex + ldose", "binomial",
       budworm, "budworm", type = "correction")
record("budworm_logit_ML", "cbind(numdead, numalive) ~ sex + ldose", "binomial",
       budworm, "budworm", type = "ML")

# Poisson -------------------------------------------------------------------
record("poisson_zero_cell_AS_mixed", "count ~ a * b", "poisson", pois0, "pois0",
       type = "AS_mixed", notes = "the (q, w) cell is empty: its ML interaction is -Inf")
record("poisson_zero_cell_AS_mean", "count ~ a * b", "poisson", pois0, "pois0",
       type = "AS_mean")
record("warpbreaks_poisson_correction", "breaks ~ wool + tension", "poisson", warpbreaks,
       "warpbreaks", type = "correction")
record("warpbreaks_poisson_AS_median", "breaks ~ wool + tension", "poisson", warpbreaks,
       "warpbreaks", type = "AS_median")

record("expo_poisson_offset_AS_mixed", "y ~ x + offset(log_persons)", "poisson", expo,
       "expo", type = "AS_mixed",
       notes = "an offset with an intercept: brglm2's null deviance is the model's deviance")
record("expo_poisson_offset_no_intercept", "y ~ 0 + x + offset(log_persons)", "poisson",
       expo, "expo", type = "AS_mean", notes = "no intercept: null deviance at linkinv(offset)")

# brglm2's ?brglmFit example: the lizards, Jeffreys' prior to the power a (a = 0 is
# no penalty: the maximum likelihood fit; larger a shrinks the estimates). (The
# example's formula, ~ height + diameter + light + time, is shortened so that the
# printed call fits on a line.)
data("lizards", package = "brglm2", envir = environment())
record("lizards_MPL_Jeffreys_a0", "cbind(grahami, opalinus) ~ height + time",
       "binomial", lizards, "lizards", type = "MPL_Jeffreys", control = c(TIGHT, list(a = 0)),
       notes = "a = 0: no penalty, the ML estimates")
record("lizards_MPL_Jeffreys_a2", "cbind(grahami, opalinus) ~ height + time",
       "binomial", lizards, "lizards", type = "MPL_Jeffreys", control = c(TIGHT, list(a = 2)))
record("lizards_AS_median", "cbind(grahami, opalinus) ~ height + time",
       "binomial", lizards, "lizards", type = "AS_median")

# Families with a dispersion --------------------------------------------------
record("clotting_Gamma_AS_mean", "lot1 ~ log(u)", "Gamma", clotting, "clotting",
       type = "AS_mean", anova = TRUE)
record("clotting_Gamma_AS_mixed", "lot1 ~ log(u)", "Gamma", clotting, "clotting",
       type = "AS_mixed", trace = TRUE)
record("clotting_Gamma_start_AS_mean", "lot1 ~ log(u)", "Gamma", clotting, "clotting",
       type = "AS_mean", start = c(-0.01, 0.01),
       notes = "start=: the dispersion starts at its ML estimate there")
record("clotting_Gamma_ML", "lot1 ~ log(u)", "Gamma", clotting, "clotting", type = "ML",
       notes = "the ML dispersion, not glm's Pearson estimate")
record("clotting_Gamma_MPL_Jeffreys", "lot2 ~ log(u)", 'Gamma(link = "log")', clotting,
       "clotting", type = "MPL_Jeffreys")
record("igd_inverse_gaussian_AS_mean", "y ~ x", "inverse.gaussian", igd, "igd",
       type = "AS_mean")
record("clotting_Gamma_log_AS_median", "lot2 ~ log(u)", 'Gamma(link = "log")', clotting,
       "clotting", type = "AS_median", notes = "median adjustment with a non-canonical link")
record("igd_inverse_gaussian_log_AS_mixed", "y ~ x", 'inverse.gaussian(link = "log")', igd,
       "igd", type = "AS_mixed")
record("cars_gaussian_AS_mean", "dist ~ speed", "gaussian", cars_d, "cars_d",
       type = "AS_mean")
record("cars_gaussian_AS_median", "dist ~ speed", "gaussian", cars_d, "cars_d",
       type = "AS_median")

# Weights ---------------------------------------------------------------------
record("warpbreaks_zero_weights_AS_mean", "breaks ~ wool + tension", "poisson", wb_zero,
       "wb_zero", type = "AS_mean", weights = "wz",
       notes = "three rows with weight 0: not used, not counted in the residual df")
record("clotting_Gamma_weights_AS_median", "lot1 ~ log(u)", "Gamma", clotting, "clotting",
       type = "AS_median", weights = "w", notes = "non-integer weights in the dispersion")

# Hostile inputs --------------------------------------------------------------
zero_bin <- data.frame(x = 1:6, y = 0)
one_row <- data.frame(y = 1)
record("binomial_all_zero_AS_mixed", "y ~ x", "binomial", zero_bin, "zero_bin",
       notes = "no success: finite estimates; the null fit stays at logit(0)")
record("poisson_all_zero_AS_mean", "y ~ x", "poisson", zero_bin, "zero_bin", type = "AS_mean")
record("binomial_one_row_AS_mean", "y ~ 1", "binomial", one_row, "one_row", type = "AS_mean")
# (Gamma with as many coefficients as rows, lot1 ~ log(u) on clotting[1:2, ], is not
# recorded: brglm2 keeps the dispersion at 1 and its AS_mean estimates run off to
# about 1e-16, fitted means about 1e17; glmformula refuses such a fit.)
record("endometrial_maxit_2", "HG ~ NV + PI + EH", "binomial", endometrial, "endometrial",
       type = "AS_mixed", control = list(epsilon = 1e-12, maxit = 2),
       notes = "stops after 2 iterations: not converged, brglm2 warns")

write_golden(cases, out_path, "tests/golden/make_golden_brglm.R")
