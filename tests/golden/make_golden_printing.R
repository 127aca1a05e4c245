# make_golden_printing.R -- reference printing and accessors from R for glmformula's tests.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_printing.R
# Writes tests/golden/printing_golden.json.
#
# Each case is a glm() fit described as in glm_golden.json (fit_case() in
# golden_helpers.R; glm.nb cases carry `glm_nb: true` instead of a family),
# with `newdata` (rows of the data, some of them with a missing predictor) and
# `expected` (cases with `print_only: true`, whose right-hand side has no
# variables, have print_text, summary_digits and summary_text, the whole of
# print(summary(m, correlation = TRUE)) without the deviance residuals):
#
#   print_text          capture.output(print(m)) joined by "\n" (print.glm)
#   correlation         summary(m, correlation = TRUE)$correlation as a matrix
#                       {rownames, colnames, values (rows)}
#   correlation_text    the printed block from "Correlation of Coefficients:" to the end
#                       of print(summary(m, correlation = TRUE)) (for glm.nb: up to Theta)
#   summary_digits      {"3": text, "6": text}: print(summary(m), digits = d), the
#                       "Deviance Residuals" block removed (R >= 4.3 prints none)
#   terms               predict(m, type = "terms", se.fit = TRUE): fit and se_fit
#                       matrices and attr(fit, "constant")
#   terms_newdata       the same with newdata = newdata
#   partial             residuals(m, type = "partial") as a matrix
#   predict_newdata     predict(m, newdata, type = "link" | "response", se.fit = TRUE):
#                       {link: {fit, se_fit}, response: {fit, se_fit}}; NA where a
#                       predictor is missing (predict.glm's na.action = na.pass)
#   confint             for each parm set: {parm, profile (confint(m, parm)), wald
#                       (confint.default(m, parm))} as matrices
#
# Numbers are written with sprintf("%.17g") (see golden_helpers.R); R's profile
# intervals come from MASS's confint.glm in R < 4.4.

out_path <- file.path("tests", "golden", "printing_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))

cases <- list()

mat <- function(x) {
  x <- as.matrix(x)
  list(rownames = arr(rownames(x)), colnames = arr(colnames(x)),
       values = lapply(seq_len(nrow(x)), function(i) arr(as.double(x[i, ]))))
}

text_of <- function(expr) paste(capture.output(expr), collapse = "\n")

# print.summary.glm of R < 4.3 prints the deviance residuals; R >= 4.3 does not.
without_residuals <- function(text) {
  sub("(?s)Deviance Residuals: \n.*?\n\n(No )?Coefficients", "\\1Coefficients", text,
      perl = TRUE)
}

correlation_block <- function(text) {
  block <- sub("^.*\n(Correlation of Coefficients:\n)", "\\1", text)
  sub("\n\n +Theta:.*$", "", block)  # glm.nb: what print.summary.negbin adds
}

confint_matrix <- function(ci, parm) {
  ci <- rbind(ci)  # one parm: a named vector
  if (nrow(ci) == 1L) rownames(ci) <- parm
  mat(ci)
}

expected_of <- function(m, newdata, parms) {
  s <- summary(m, correlation = TRUE)
  terms <- predict(m, type = "terms", se.fit = TRUE)
  terms_new <- predict(m, newdata, type = "terms", se.fit = TRUE)
  link <- predict(m, newdata, type = "link", se.fit = TRUE)
  response <- predict(m, newdata, type = "response", se.fit = TRUE)
  stopifnot(nrow(terms_new$fit) == nrow(newdata))
  confints <- lapply(parms, function(parm) list(
    parm = arr(parm),
    profile = confint_matrix(suppressMessages(confint(m, parm = parm)), parm),
    wald = confint_matrix(confint.default(m, parm = parm), parm)))
  list(
    print_text = text_of(print(m)),
    correlation = mat(s$correlation),
    correlation_text = correlation_block(text_of(print(s))),
    summary_digits = list(
      "3" = without_residuals(text_of(print(summary(m), digits = 3))),
      "6" = without_residuals(text_of(print(summary(m), digits = 6)))),
    terms = list(fit = mat(terms$fit), se_fit = mat(terms$se.fit),
                 constant = attr(terms$fit, "constant")),
    terms_newdata = list(fit = mat(terms_new$fit), se_fit = mat(terms_new$se.fit),
                         constant = attr(terms_new$fit, "constant")),
    partial = mat(residuals(m, type = "partial")),
    predict_newdata = list(
      link = list(fit = arr(link$fit), se_fit = arr(link$se.fit)),
      response = list(fit = arr(response$fit), se_fit = arr(response$se.fit))),
    confint = confints
  )
}

# newdata: rows `rows` of the fit's data, reduced to the right-hand side's variables,
# and the offset= column, then `missing` (a list column = row numbers) set to NA.
make_newdata <- function(data, f, rows, missing, offset = NULL) {
  nd <- data[rows, intersect(c(all.vars(f[[3]]), offset), names(data)), drop = FALSE]
  rownames(nd) <- NULL
  for (nm in names(missing)) nd[[nm]][missing[[nm]]] <- NA
  nd
}

record <- function(id, r_formula, family_call, data, data_name, rows, missing, parms,
                   formula = r_formula, offset = NULL, tags = character(0), notes = NULL) {
  fc <- fit_case(cases, id, r_formula, family_call, data, data_name, formula = formula,
                 offset = offset, tags = tags, notes = notes)
  nd <- make_newdata(fc$data, fc$formula, rows, missing, offset)
  expected <- expected_of(fc$model, nd, parms)
  cases[[length(cases) + 1L]] <<- c(fc$case, list(newdata = encode_data(nd),
                                                  expected = expected))
  cat(sprintf("%-36s coef=%2d new=%d\n", id, length(coef(fc$model)), nrow(nd)))
}

# A model whose right-hand side has no variables: only the printed texts.
record_print <- function(id, r_formula, family_call, data, data_name, tags = character(0)) {
  fc <- fit_case(cases, id, r_formula, family_call, data, data_name, formula = r_formula,
                 tags = tags)
  m <- fc$model
  expected <- list(
    print_text = text_of(print(m)),
    summary_text = without_residuals(text_of(print(summary(m, correlation = TRUE)))),
    summary_digits = list(
      "3" = without_residuals(text_of(print(summary(m), digits = 3))),
      "6" = without_residuals(text_of(print(summary(m), digits = 6)))))
  cases[[length(cases) + 1L]] <<- c(fc$case, list(print_only = TRUE, expected = expected))
  cat(sprintf("%-36s coef=%2d (printing only)\n", id, length(coef(m))))
}

record_nb <- function(id, r_formula, data, data_name, rows, missing, parms,
                      formula = r_formula, tags = character(0)) {
  f <- as.formula(r_formula, env = globalenv())
  d <- data[, all.vars(f), drop = FALSE]
  rownames(d) <- NULL
  env <- new.env(parent = globalenv())
  assign(data_name, d, envir = env)
  cl <- call("glm.nb", formula = f, data = as.name(data_name))
  fit <- with_warnings(eval(cl, env))
  nd <- make_newdata(d, f, rows, missing)
  expected <- expected_of(fit$value, nd, parms)
  cases[[length(cases) + 1L]] <<- list(
    id = id, glm_nb = TRUE, formula = formula, r_formula = r_formula,
    r_call = paste(deparse(cl, width.cutoff = 500L), collapse = " "),
    control = list(epsilon = 1e-8, maxit = 25L), tags = arr(tags),
    r_warnings = arr(fit$warnings), data = encode_data(d), newdata = encode_data(nd),
    expected = expected)
  cat(sprintf("%-36s coef=%2d new=%d\n", id, length(coef(fit$value)), nrow(nd)))
}

# ---------------------------------------------------------------------------
# Cases (data sets from golden_helpers.R)
# ---------------------------------------------------------------------------
record("poisson_warpbreaks", "breaks ~ wool + tension", "poisson", warpbreaks, "warpbreaks",
       rows = c(1, 10, 20, 30, 40, 50), missing = list(wool = 2, tension = c(2, 5)),
       parms = list("woolB", c("woolB", "tensionH")))
record("binomial_esoph", "cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp", "binomial",
       esoph, "esoph", rows = c(1, 17, 40, 60, 88), missing = list(alcgp = 3),
       parms = list(c("agegp.L", "tobgp.L:alcgp.L")),
       tags = c("ordered factors", "wide: the coefficients wrap"))
record("binomial_budworm_probit", "cbind(numdead, numalive) ~ sex * ldose",
       'binomial(link = "probit")', budworm, "budworm",
       rows = c(1, 4, 8, 12), missing = list(ldose = 2), parms = list("ldose"),
       tags = "interaction of a factor and a number")
record("gamma_clotting", "lot1 ~ log(u)", "Gamma", clotting, "clotting",
       rows = c(1, 5, 9), missing = list(u = 2), parms = list("log(u)"),
       tags = "a transformed term")
record("quasipoisson_warpbreaks", "breaks ~ wool * tension", "quasipoisson", warpbreaks,
       "warpbreaks", rows = c(1, 12, 30, 54), missing = list(tension = 4),
       parms = list(c("(Intercept)", "woolB:tensionH")), tags = "AIC: NA")
record("gaussian_aliased_mtcars", "mpg ~ wt + hp + whp", "gaussian", mt, "mt",
       rows = c(1, 5, 10, 20), missing = list(hp = 1), parms = list("wt"),
       tags = "an aliased coefficient prints NA")
record("poisson_missing_rows", "y ~ g + x", "poisson", nadat, "nadat",
       rows = c(1, 2, 4, 5), missing = list(g = 1, x = 4), parms = list("x"),
       tags = "rows deleted due to missingness")
record("poisson_ships_offset", "incidents ~ type + year", "poisson", ships2, "ships2",
       offset = "log_service", rows = c(1, 9, 20, 30), missing = list(type = 2),
       parms = list("typeB"), tags = c("offset= argument", "long call"))
record("gaussian_no_intercept", "breaks ~ tension - 1", "gaussian", warpbreaks, "warpbreaks",
       rows = c(1, 20, 40), missing = list(tension = 3), parms = list("tensionM"),
       tags = "no intercept: terms not centred")
record_nb("negbin_quine", "Days ~ Eth + Sex + Age + Lrn", quine, "quine",
          rows = c(1, 30, 70, 146), missing = list(Age = 2), parms = list("SexM"),
          tags = "glm.nb")
record_print("poisson_intercept_only", "breaks ~ 1", "poisson", warpbreaks, "warpbreaks",
             tags = "one coefficient: no correlation block")
record_print("poisson_no_coefficients", "breaks ~ 0", "poisson", warpbreaks, "warpbreaks",
             tags = "No coefficients")

write_golden(cases, out_path, "tests/golden/make_golden_printing.R")
