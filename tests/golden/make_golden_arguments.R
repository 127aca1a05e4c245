# make_golden_arguments.R -- reference values for glm()'s arguments R has: subset (an
# expression or a logical vector), na.action (na.omit, na.exclude, na.fail), contrasts
# (contr.sum, contr.helmert, contr.poly, contr.SAS, contr.treatment, contr.treatment(n,
# base = 2), a matrix), C() in formulas, relevel() and family calls as R writes them
# (binomial(link = probit)), for glm() and MASS::glm.nb, on bundled data sets (warpbreaks,
# esoph, quine, airquality).
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_arguments.R
# Writes tests/golden/arguments_golden.json.
#
# Each case:
#   id, item        the case and the part of the API it covers (subset, na_action,
#                   contrasts, C, relevel, family)
#   dataset         the bundled data set (gf.datasets.load(dataset) in Python)
#   data_name       the data's name in the call
#   formula         the formula (R's text; glmformula reads it as written)
#   family          the family as R's call writes it ("poisson", 'binomial(link = probit)'),
#                   null for glm.nb
#   glm_nb          true for MASS::glm.nb fits
#   python          glm()'s keyword arguments in glmformula: subset (an R expression),
#                   subset_mask (a list of true/false/null over the rows of the data: the
#                   Python test passes it as a boolean mask named `mask`), na_action
#                   ("omit", "exclude", "fail"), contrasts ({name: "contr.sum"}, {name:
#                   ["contr.treatment", 2]} for contr.treatment(n, base = 2), {name:
#                   {"matrix": rows, "names": [...] or null}}), relevel ({column: ref}: the
#                   column releveled before the fit)
#   r_call          deparse(m$call) on one line (what summary() prints, unwrapped)
#   expected        coefficients (named, NA as null), std_errors, deviance, null_deviance,
#                   df_residual, df_null, aic, nobs, n_dropped (length(m$na.action)),
#                   theta (glm.nb), deleted_line (summary's "(n observations deleted due
#                   to missingness)" line, or null);
#                   with na.exclude also `padded`: fitted, residuals (deviance, pearson,
#                   working, response), predict link/response and its se.fit, hatvalues,
#                   cooks.distance, rstandard, over every row of the data after subset
#                   (NA as null) with their row names;
#                   with `newdata` also `newdata` (rows as columns) and predict on it
#                   (link, se_fit, response);
#                   for na.fail `error`: R's error message (no fit)

out_path <- file.path("tests", "golden", "arguments_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))

cases <- list()

null_or <- function(x) if (is.null(x)) NULL else x

padded_rows <- function(m) {
  pr <- predict(m, se.fit = TRUE)
  list(
    rows = arr(names(fitted(m))),
    fitted = arr(unname(fitted(m))),
    residuals = list(deviance = arr(unname(residuals(m, "deviance"))),
                     pearson = arr(unname(residuals(m, "pearson"))),
                     working = arr(unname(residuals(m, "working"))),
                     response = arr(unname(residuals(m, "response")))),
    link = arr(unname(predict(m))),
    response = arr(unname(predict(m, type = "response"))),
    se_fit = arr(unname(pr$se.fit)),
    hat = arr(unname(hatvalues(m))),
    cooks = arr(unname(cooks.distance(m))),
    rstandard = arr(unname(rstandard(m)))
  )
}

deleted_line <- function(m) {
  text <- capture.output(print(summary(m)))
  hit <- grep("deleted due to missingness", text, value = TRUE)
  if (length(hit)) trimws(hit[1]) else NULL
}

record <- function(id, item, dataset, data, formula, family = NULL, args = list(),
                   python = list(), newdata = NULL, data_name = dataset, nb = FALSE,
                   env = globalenv()) {
  if (id %in% vapply(cases, `[[`, "", "id")) stop("duplicate id ", id)
  f <- as.formula(formula, env = env)
  cl <- if (nb) call("glm.nb", formula = f, data = as.name(data_name))
        else call("glm", formula = f, family = str2lang(family), data = as.name(data_name))
  for (nm in names(args)) cl[[nm]] <- str2lang(args[[nm]])
  e <- new.env(parent = env)
  assign(data_name, data, envir = e)
  fit <- tryCatch(with_warnings(eval(cl, e)), error = function(err) err)
  case <- list(id = id, item = item, dataset = dataset, data_name = data_name,
               formula = formula, family = null_or(family), glm_nb = nb,
               python = if (length(python)) python else structure(list(), names = character(0)),
               r_call = paste(deparse(cl, width.cutoff = 500L), collapse = " "))
  if (inherits(fit, "error")) {
    case$expected <- list(error = conditionMessage(fit))
    cat(sprintf("%-36s error: %s\n", id, conditionMessage(fit)))
    cases[[length(cases) + 1]] <<- case
    return(invisible(NULL))
  }
  m <- fit$value
  case$r_call <- paste(deparse(m$call, width.cutoff = 500L), collapse = " ")
  s <- summary(m)
  expected <- list(
    coefficients = obj(coef(m)),
    std_errors = obj(s$coefficients[, 2]),
    deviance = m$deviance,
    null_deviance = m$null.deviance,
    df_residual = as.integer(m$df.residual),
    df_null = as.integer(m$df.null),
    aic = if (is.finite(m$aic)) m$aic else NULL,
    nobs = as.integer(nobs(m)),
    n_dropped = as.integer(length(m$na.action)),
    deleted_line = deleted_line(m),
    theta = if (nb) m$theta else NULL,
    warnings = arr(fit$warnings)
  )
  if (inherits(m$na.action, "exclude")) expected$padded <- padded_rows(m)
  if (!is.null(newdata)) {
    # predict() of a C() term warns "contrasts dropped from factor" while it rebuilds the
    # factor on newdata, then codes it with the fit's contrasts: the numbers are right
    pl <- suppressWarnings(predict(m, newdata = newdata, type = "link", se.fit = TRUE))
    pr <- suppressWarnings(predict(m, newdata = newdata, type = "response"))
    expected$newdata <- list(
      columns = lapply(newdata, function(col) arr(as.character(col))),
      link = arr(unname(pl$fit)), se_fit = arr(unname(pl$se.fit)), response = arr(unname(pr)))
  }
  case$expected <- expected
  cases[[length(cases) + 1]] <<- case
  cat(sprintf("%-36s n=%3d p=%d dropped=%d %s\n", id, nobs(m), length(coef(m)),
              length(m$na.action), paste(names(coef(m)), collapse = " ")))
  invisible(m)
}

data(warpbreaks, esoph, airquality, package = "datasets", envir = environment())
data(quine, package = "MASS", envir = environment())
wb_new <- expand.grid(wool = levels(warpbreaks$wool), tension = levels(warpbreaks$tension))
quine_new <- data.frame(Sex = factor(c("F", "M", "M"), levels = levels(quine$Sex)),
                        Age = factor(c("F0", "F2", "F3"), levels = levels(quine$Age)),
                        Eth = factor(c("A", "N", "A"), levels = levels(quine$Eth)))
esoph_new <- esoph[c(1, 20, 45, 70, 88), c("agegp", "alcgp", "tobgp")]

cat("\n--- subset\n")
record("subset_expression", "subset", "warpbreaks", warpbreaks, "breaks ~ wool + tension",
       "poisson", list(subset = 'tension != "L" & breaks > 15'),
       list(subset = 'tension != "L" & breaks > 15'))
mask <- with(warpbreaks, wool == "A" | breaks < 30)
record("subset_mask", "subset", "warpbreaks", warpbreaks, "breaks ~ wool + tension",
       "poisson", list(subset = "mask"), list(subset_mask = arr(mask)))
record("subset_in_not_na", "subset", "airquality", airquality, "Ozone ~ Wind + Temp",
       "Gamma(link = log)", list(subset = "!is.na(Solar.R) & Month %in% c(6, 7, 8)"),
       list(subset = "!is.na(Solar.R) & Month %in% c(6, 7, 8)"))
mask_na <- airquality$Solar.R > 150  # NA where Solar.R is: left out by subset, not counted
record("subset_mask_with_na", "subset", "airquality", airquality, "Ozone ~ Wind",
       "poisson", list(subset = "mask_na"), list(subset_mask = arr(mask_na)))
record("subset_then_na_omit", "subset", "airquality", airquality, "Ozone ~ Wind + Temp",
       "Gamma(link = log)", list(subset = "Month > 5"), list(subset = "Month > 5"))
record("subset_drops_ordered_level", "subset", "esoph", esoph,
       "cbind(ncases, ncontrols) ~ agegp + alcgp", "binomial",
       list(subset = 'agegp != "25-34" & tobgp != "30+"'),
       list(subset = 'agegp != "25-34" & tobgp != "30+"'), newdata = esoph_new[-1, ])
record("subset_nb", "subset", "quine", quine, "Days ~ Sex + Age + Lrn", nb = TRUE,
       args = list(subset = 'Eth == "A"'), python = list(subset = 'Eth == "A"'))

cat("\n--- na.action\n")
record("na_omit", "na_action", "airquality", airquality, "Ozone ~ Solar.R + Wind + Temp",
       "poisson", list(na.action = "na.omit"), list(na_action = "omit"))
record("na_exclude_poisson", "na_action", "airquality", airquality,
       "Ozone ~ Solar.R + Wind + Temp", "poisson", list(na.action = "na.exclude"),
       list(na_action = "exclude"))
record("na_exclude_gamma_subset", "na_action", "airquality", airquality,
       "Ozone ~ Wind + Temp", "Gamma(link = log)",
       list(subset = "Month > 5", na.action = "na.exclude"),
       list(subset = "Month > 5", na_action = "exclude"))
record("na_exclude_gaussian", "na_action", "airquality", airquality,
       "Ozone ~ Solar.R + Temp", "gaussian", list(na.action = "na.exclude"),
       list(na_action = "exclude"))
record("na_exclude_nb", "na_action", "airquality", airquality, "Ozone ~ Wind + Temp",
       nb = TRUE, args = list(na.action = "na.exclude"), python = list(na_action = "exclude"))
record("na_fail", "na_action", "airquality", airquality, "Ozone ~ Wind", "poisson",
       list(na.action = "na.fail"), list(na_action = "fail"))
record("na_fail_complete", "na_action", "warpbreaks", warpbreaks, "breaks ~ tension",
       "poisson", list(na.action = "na.fail"), list(na_action = "fail"))

cat("\n--- contrasts\n")
for (kind in c("contr.sum", "contr.helmert", "contr.poly", "contr.SAS", "contr.treatment")) {
  record(paste0("contrasts_", sub("contr.", "", kind, fixed = TRUE)), "contrasts",
         "warpbreaks", warpbreaks, "breaks ~ wool * tension", "poisson",
         list(contrasts = sprintf('list(tension = "%s")', kind)),
         list(contrasts = list(tension = kind)), newdata = wb_new)
}
record("contrasts_treatment_base2", "contrasts", "warpbreaks", warpbreaks,
       "breaks ~ wool + tension", "poisson",
       list(contrasts = 'list(tension = contr.treatment(3, base = 2), wool = "contr.helmert")'),
       list(contrasts = list(tension = list("contr.treatment", 2L), wool = "contr.helmert")),
       newdata = wb_new)
record("contrasts_matrix_named", "contrasts", "warpbreaks", warpbreaks,
       "breaks ~ tension", "quasipoisson",
       list(contrasts = 'list(tension = cbind(LvH = c(1, 0, -1), MvLH = c(-1, 2, -1)))'),
       list(contrasts = list(tension = list(matrix = list(c(1, -1), c(0, 2), c(-1, -1)),
                                            names = c("LvH", "MvLH")))),
       newdata = wb_new)
record("contrasts_matrix_one_column", "contrasts", "warpbreaks", warpbreaks,
       "breaks ~ tension", "poisson",
       list(contrasts = "list(tension = matrix(c(1, 0, -1), 3))"),
       list(contrasts = list(tension = list(matrix = list(1, 0, -1), names = NULL))))
record("contrasts_ordered_as_treatment", "contrasts", "esoph", esoph,
       "cbind(ncases, ncontrols) ~ agegp + alcgp", "binomial",
       list(contrasts = 'list(agegp = "contr.treatment", alcgp = "contr.sum")'),
       list(contrasts = list(agegp = "contr.treatment", alcgp = "contr.sum")),
       newdata = esoph_new)
record("contrasts_nb", "contrasts", "quine", quine, "Days ~ Eth + Sex + Age", nb = TRUE,
       args = list(contrasts = 'list(Age = "contr.sum", Eth = "contr.helmert")'),
       python = list(contrasts = list(Age = "contr.sum", Eth = "contr.helmert")),
       newdata = quine_new)
record("contrasts_no_intercept", "contrasts", "warpbreaks", warpbreaks,
       "breaks ~ 0 + tension + wool", "poisson",
       list(contrasts = 'list(tension = "contr.sum", wool = "contr.sum")'),
       list(contrasts = list(tension = "contr.sum", wool = "contr.sum")), newdata = wb_new)

cat("\n--- C()\n")
record("C_sum", "C", "warpbreaks", warpbreaks, "breaks ~ wool + C(tension, sum)", "poisson",
       newdata = wb_new)
record("C_helmert_interaction", "C", "warpbreaks", warpbreaks,
       "breaks ~ wool * C(tension, helmert)", "poisson", newdata = wb_new)
record("C_contr_SAS", "C", "warpbreaks", warpbreaks, "breaks ~ C(tension, contr.SAS)",
       "poisson", newdata = wb_new)
record("C_contr_treatment_function", "C", "warpbreaks", warpbreaks,
       "breaks ~ C(tension, contr.treatment) + wool", "poisson", newdata = wb_new)
record("C_SAS_by_name", "C", "warpbreaks", warpbreaks, "breaks ~ C(tension, SAS)", "poisson",
       newdata = wb_new)
record("C_treatment_base", "C", "warpbreaks", warpbreaks,
       "breaks ~ C(tension, treatment, base = 2)", "poisson", newdata = wb_new)
record("C_poly_unordered", "C", "quine", quine, "Days ~ C(Age, poly) + Sex", "poisson",
       newdata = quine_new)

cat("\n--- relevel\n")
wb_relevel <- warpbreaks
wb_relevel$tension <- relevel(wb_relevel$tension, ref = "M")
record("relevel_tension_M", "relevel", "warpbreaks", wb_relevel, "breaks ~ wool + tension",
       "poisson", python = list(relevel = list(tension = "M")), data_name = "wb_relevel",
       newdata = wb_new)
quine_relevel <- quine
quine_relevel$Age <- relevel(quine_relevel$Age, ref = "F2")
record("relevel_nb_age", "relevel", "quine", quine_relevel, "Days ~ Sex + Age", nb = TRUE,
       python = list(relevel = list(Age = "F2")), data_name = "quine_relevel")

cat("\n--- family calls as R writes them\n")
record("family_binomial_probit", "family", "esoph", esoph,
       "cbind(ncases, ncontrols) ~ agegp + alcgp", "binomial(link = probit)")
record("family_quasi_log_mu", "family", "warpbreaks", warpbreaks, "breaks ~ wool + tension",
       'quasi(link = "log", variance = "mu")')
record("family_quasi_unquoted", "family", "warpbreaks", warpbreaks,
       "breaks ~ wool + tension", "quasi(link = log, variance = mu^2)")
record("family_poisson_identity", "family", "warpbreaks", warpbreaks,
       "breaks ~ wool + tension", "poisson(link = identity)")
record("family_gamma_log", "family", "airquality", airquality, "Ozone ~ Wind + Temp",
       "Gamma(link = log)")

write_golden(cases, out_path, "tests/golden/make_golden_arguments.R")
