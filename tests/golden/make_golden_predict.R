# make_golden_predict.R -- reference predict.glm() values from R for glmformula's tests.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_predict.R
# Writes tests/golden/predict_golden.json.
#
# Each case is a glm() fit described as in glm_golden.json (formula, family,
# link, variance, weights, offset, data with factors and levels) plus a
# `newdata` frame in the same columns/factors format, and `expected` holds
#
#   newdata.link.{fit, se_fit}       predict(m, newdata, type = "link",     se.fit = TRUE)
#   newdata.response.{fit, se_fit}   predict(m, newdata, type = "response", se.fit = TRUE)
#   newdata.link_nose, newdata.response_nose
#                                    the same without se.fit (a plain vector)
#   newdata.warnings                 warnings R gave in those predict() calls
#   fitted.link / fitted.response / fitted.*_nose / fitted.warnings
#                                    the same with newdata omitted (the rows used by the fit)
#   fitted.row_names                 R's names of those predictions: data row numbers,
#                                    1-based (rows dropped for NA are absent)
#   residual_scale                   predict(...)$residual.scale = sqrt(dispersion)
#
# plus coefficients and dispersion of the fit, for diagnosis.
#
# What R does with offsets (predict.lm, which predict.glm calls):
#   * offset() terms in the formula are evaluated in newdata;
#   * the offset= argument of glm() is re-evaluated in newdata:
#     eval(object$call$offset, newdata), so offset = log_service reads
#     newdata$log_service (and offset = log(t) would compute log(newdata$t));
#   * with newdata omitted, object$offset (the fit's total offset) is used.
#
# Numbers are written with sprintf("%.17g") (see golden_helpers.R for why).
# The JSON writer, the glm() fit and the data sets are shared with
# make_golden.R through golden_helpers.R.

out_path <- file.path("tests", "golden", "predict_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))

# ---------------------------------------------------------------------------
# record(): fit one model, predict, append to `cases`
#   newdata: a data frame; it is reduced to the variables of the formula's
#   right-hand side (offset() terms included) and the offset= column.
#   The other arguments are those of fit_case() in golden_helpers.R.
# ---------------------------------------------------------------------------
cases <- list()

record <- function(id, r_formula, family_call, data, data_name, newdata,
                   formula = r_formula, weights = NULL, offset = NULL,
                   link_power = NULL, tags = character(0), notes = NULL) {
  fc <- fit_case(cases, id, r_formula, family_call, data, data_name,
                 formula = formula, weights = weights, offset = offset,
                 link_power = link_power, tags = tags, notes = notes)
  m <- fc$model
  nd_vars <- unique(c(all.vars(fc$formula[[3]]), offset))
  nd <- newdata[, nd_vars, drop = FALSE]
  rownames(nd) <- NULL

  pred <- function(...) with_warnings(predict(m, ...))
  nl <- pred(newdata = nd, type = "link", se.fit = TRUE)
  nr <- pred(newdata = nd, type = "response", se.fit = TRUE)
  nl0 <- pred(newdata = nd, type = "link")
  nr0 <- pred(newdata = nd, type = "response")
  fl <- pred(type = "link", se.fit = TRUE)
  fr <- pred(type = "response", se.fit = TRUE)
  fl0 <- pred(type = "link")
  fr0 <- pred(type = "response")
  stopifnot(nrow(nd) == length(nl$value$fit),
            identical(names(fl$value$fit), names(fl0$value)),
            all.equal(nl$value$residual.scale, fl$value$residual.scale))

  se_pair <- function(p) list(fit = arr(p$fit), se_fit = arr(p$se.fit))
  expected <- list(
    coefficients = obj(coef(m)),
    dispersion = summary(m)$dispersion,
    rank = as.integer(m$rank),
    residual_scale = nl$value$residual.scale,
    newdata = list(
      link = se_pair(nl$value),
      response = se_pair(nr$value),
      link_nose = arr(nl0$value),
      response_nose = arr(nr0$value),
      warnings = arr(unique(c(nl$warnings, nr$warnings, nl0$warnings, nr0$warnings)))
    ),
    fitted = list(
      row_names = arr(as.integer(names(fl$value$fit))),
      link = se_pair(fl$value),
      response = se_pair(fr$value),
      link_nose = arr(fl0$value),
      response_nose = arr(fr0$value),
      warnings = arr(unique(c(fl$warnings, fr$warnings, fl0$warnings, fr0$warnings)))
    )
  )

  cases[[length(cases) + 1]] <<- c(fc$case, list(newdata = encode_data(nd),
                                                 expected = expected))
  cat(sprintf("%-46s n=%3d new=%2d rank=%d/%d warn=%s\n", id, nrow(fc$data), nrow(nd),
              m$rank, length(coef(m)),
              paste(unique(c(fc$warnings, expected$newdata$warnings)), collapse = " | ")))
  invisible(m)
}

# The data sets (budworm, clotting, mt, ships2, aq, wb_zero, wb_cell, expo,
# nadat, igd) are built in golden_helpers.R.

# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------
cat("\n--- poisson\n")
record("poisson_log_warpbreaks_newlevels", "breaks ~ wool + tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks",
       newdata = data.frame(
         wool = factor(c("B", "A", "B", "A", "B"), levels = c("B", "A")),
         tension = factor(c("H", "H", "L", "L", "H"), levels = c("H", "L"))),
       tags = c("factor", "newdata_levels"),
       notes = paste("newdata factors have their own level order (wool: B, A) and a subset of",
                     "the levels (tension: H, L; no M); R matches levels by label"))
record("poisson_log_warpbreaks_interaction", "breaks ~ wool * tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks",
       newdata = data.frame(wool = c("A", "B", "B", "A", "B", "A"),
                            tension = c("M", "H", "L", "H", "M", "L"), stringsAsFactors = TRUE),
       tags = c("factor", "interaction"))
record("poisson_log_expo_offset_formula", "y ~ x + offset(log(time))", 'poisson(link = "log")',
       expo, "expo",
       newdata = data.frame(x = c(0, 0.5, 1.25, 2, 2.5), time = c(1, 0.5, 2.75, 4, 1.3)),
       tags = "offset_formula",
       notes = "newdata has its own time; R evaluates offset(log(time)) in newdata")
record("poisson_log_ships_offset_formula",
       "incidents ~ type + year + period + offset(log(service))", 'poisson(link = "log")',
       ships2, "ships",
       newdata = data.frame(
         type = factor(c("E", "A", "C", "B"), levels = c("A", "B", "C", "D", "E")),
         year = factor(c("75", "60", "65", "70"), levels = c("60", "65", "70", "75")),
         period = factor(c("75", "60", "75", "60"), levels = c("60", "75")),
         service = c(1000, 250.5, 12000, 45)),
       tags = c("offset_formula", "factor"))
record("poisson_log_ships_offset_arg", "incidents ~ type + year + period", 'poisson(link = "log")',
       ships2, "ships", offset = "log_service",
       newdata = data.frame(
         type = factor(c("E", "A", "C", "B"), levels = c("A", "B", "C", "D", "E")),
         year = factor(c("75", "60", "65", "70"), levels = c("60", "65", "70", "75")),
         period = factor(c("75", "60", "75", "60"), levels = c("60", "75")),
         log_service = log(c(1000, 250.5, 12000, 45))),
       tags = c("offset_arg", "factor"),
       notes = paste("offset = log_service: predict.lm re-evaluates the offset= argument in",
                     "newdata (eval(object$call$offset, newdata)), so newdata's log_service",
                     "is used; same predictions as poisson_log_ships_offset_formula"))
record("poisson_log_offset_formula_and_arg", "y ~ x + offset(log(time))",
       'poisson(link = "log")', expo, "expo", offset = "log_persons",
       newdata = data.frame(x = c(0.3, 1.1, 1.9), time = c(2, 0.7, 1),
                            log_persons = log(c(10, 40, 25))),
       tags = c("offset_formula", "offset_arg"),
       notes = "formula offset and offset= argument both taken from newdata and added")
record("poisson_sqrt_insectsprays", "count ~ spray", 'poisson(link = "sqrt")',
       InsectSprays, "InsectSprays",
       newdata = data.frame(spray = factor(c("F", "A", "C"), levels = c("F", "C", "A"))),
       tags = "factor")
record("poisson_log_warpbreaks_zero_weights", "breaks ~ wool + tension", 'poisson(link = "log")',
       wb_zero, "warpbreaks", weights = "wz",
       newdata = warpbreaks[c(2, 20, 41, 1), c("wool", "tension")],
       tags = c("weights", "zero_weights", "factor"),
       notes = "rows with prior weight 0 are predicted too (fitted rows: all 54)")
record("poisson_log_na_factor_numeric", "y ~ g + x", 'poisson(link = "log")', nadat, "nadat",
       newdata = data.frame(g = factor(c("c", "a", "c"), levels = c("c", "a")),
                            x = c(-1.5, 0, 2.25)),
       tags = c("na", "factor"),
       notes = paste("NA in g (rows 3, 17) and x (rows 8, 17, 25): those rows are absent from",
                     "the predictions with newdata omitted (na.omit); row_names gives the rows"))
record("poisson_log_warpbreaks_empty_cell_aliased", "breaks ~ wool * tension",
       'poisson(link = "log")', wb_cell, "warpbreaks_sub",
       newdata = data.frame(wool = c("B", "A", "B", "A"), tension = c("H", "H", "L", "M"),
                            stringsAsFactors = TRUE),
       tags = c("factor", "interaction", "aliased"),
       notes = paste("woolB:tensionH is aliased (NA); newdata asks for the empty cell B/H.",
                     "R drops the aliased column and warns 'prediction from a rank-deficient",
                     "fit may be misleading'"))

cat("\n--- binomial\n")
record("binomial_logit_budworm_cbind_interaction", "cbind(numdead, numalive) ~ sex * ldose",
       'binomial(link = "logit")', budworm, "budworm",
       newdata = data.frame(ldose = c(0.5, 2.25, 3, 4.75, 6, -1),
                            sex = factor(c("M", "F", "M", "F", "F", "M"))),
       tags = c("cbind", "interaction"),
       notes = "newdata has no response columns (numdead, numalive)")
record("binomial_probit_budworm_prop_weights", "prop ~ sex + ldose",
       'binomial(link = "probit")', budworm, "budworm", weights = "total",
       newdata = data.frame(ldose = c(1.5, 2.5, 3.5, 0.25),
                            sex = factor(c("F", "F", "M", "M"), levels = c("M", "F"))),
       tags = c("proportion_response", "weights"),
       notes = "newdata has no weights column: predictions do not use prior weights")
record("binomial_cloglog_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "cloglog")', budworm, "budworm",
       newdata = data.frame(ldose = c(0.1, 2.9, 5.5), sex = factor(c("M", "M", "F"))),
       tags = "cbind")
record("binomial_logit_mtcars_factor_response", "vs_f ~ mpg",
       'binomial(link = "logit")', mt, "mtcars",
       newdata = data.frame(mpg = c(12, 18.5, 21, 30.4)),
       tags = "factor_response")

cat("\n--- gaussian\n")
record("gaussian_identity_mtcars_quadratic_factor", "mpg ~ wt + I(wt^2) + cyl",
       'gaussian(link = "identity")', mt, "mtcars",
       newdata = data.frame(wt = c(1.8, 2.62, 3.5, 5),
                            cyl = factor(c("8", "4", "6", "8"), levels = c("8", "6", "4"))),
       tags = c("I()", "factor"))
record("gaussian_identity_mtcars_aliased", "mpg ~ wt + hp + whp",
       'gaussian(link = "identity")', mt, "mtcars",
       newdata = data.frame(wt = c(2.5, 3.2, 4), hp = c(100, 150, 210), whp = c(-95, 0, 7)),
       tags = "aliased",
       notes = paste("whp = 2*wt - hp in the data, so whp is aliased (NA). newdata's whp is",
                     "not that combination; R ignores the aliased column (and warns)"))
record("gaussian_identity_airquality_na", "Ozone ~ Solar_R + Wind + Temp",
       'gaussian(link = "identity")', aq, "airquality",
       newdata = data.frame(Solar_R = c(100, 250, 320), Wind = c(5.5, 10, 15.2),
                            Temp = c(90, 75, 60)),
       tags = "na")

cat("\n--- Gamma\n")
record("Gamma_inverse_clotting", "lot1 ~ log(u)", 'Gamma(link = "inverse")', clotting, "clotting",
       newdata = data.frame(u = c(7.5, 12, 25, 50, 90, 120)), tags = "log()")
record("Gamma_log_clotting", "lot2 ~ log(u)", 'Gamma(link = "log")', clotting, "clotting",
       newdata = data.frame(u = c(3, 45, 150)), tags = "log()")

cat("\n--- inverse.gaussian\n")
record("inverse.gaussian_log_sim", "y ~ x", 'inverse.gaussian(link = "log")', igd, "igd",
       newdata = data.frame(x = c(1, 2.2, 3.7, 4.5)))
record("inverse.gaussian_1mu2_sim", "y ~ x", 'inverse.gaussian(link = "1/mu^2")', igd, "igd",
       newdata = data.frame(x = c(1.2, 2.5, 3.9)))

cat("\n--- quasi\n")
record("quasipoisson_log_quine", "Days ~ Eth + Sex + Age + Lrn",
       'quasipoisson(link = "log")', quine, "quine",
       newdata = quine[c(140, 3, 77, 12, 100), c("Eth", "Sex", "Age", "Lrn")],
       tags = "factor",
       notes = "estimated dispersion: se.fit is scaled by residual_scale = sqrt(dispersion)")
record("quasibinomial_logit_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'quasibinomial(link = "logit")', budworm, "budworm",
       newdata = data.frame(ldose = c(1, 3.3), sex = factor(c("F", "M"))), tags = "cbind")
record("quasi_power13_mu_warpbreaks", "breaks ~ wool + tension",
       'quasi(link = power(1/3), variance = "mu")', warpbreaks, "warpbreaks",
       newdata = data.frame(wool = c("B", "A"), tension = c("L", "M"), stringsAsFactors = TRUE),
       link_power = 1/3, tags = c("factor", "power_link"))

# ---------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------
write_golden(cases, out_path, "tests/golden/make_golden_predict.R")
