# make_golden_step.R -- reference drop1 / add1 / step results from R's
# drop1.glm, add1.glm and step. Run from the repository root:
#     Rscript tests/golden/make_golden_step.R
# Writes tests/golden/step_golden.json. Each case has
#   id, kind ("drop1" | "add1" | "step"), formula (Python = R text),
#   family_call, test (null or R's test name), scope (add1/step: the upper
#   formula, or null), direction (step), data (as encode_data), expected:
#   drop1/add1: {row_names, columns {name: [values]} (NA as null),
#                print_text (print() output, lines joined by "\n")};
#   step: {changes (the Step column of fit$anova), aic, deviance,
#          df_residual (per model on the path), final_formula,
#          coefficients {name: value}, trace_text (step's printed output)}.
source(file.path("tests", "golden", "golden_helpers.R"))

cases <- list()

fit_model <- function(formula, family_call, data) {
  # step() re-evaluates the updated call, so d lives in the global environment
  assign("d", data, envir = globalenv())
  cl <- call("glm", formula = as.formula(formula, env = globalenv()),
             family = str2lang(family_call), data = as.name("d"))
  eval(cl, globalenv())
}

table_expected <- function(tab) {
  columns <- list()
  for (nm in colnames(tab)) columns[[nm]] <- arr(as.double(tab[[nm]]))
  list(row_names = arr(rownames(tab)), columns = columns,
       print_text = paste(capture.output(print(tab)), collapse = "\n"))
}

record_table <- function(id, kind, formula, family_call, data, test = NULL,
                         scope = NULL) {
  m <- fit_model(formula, family_call, data)
  t <- if (is.null(test)) "none" else test
  tab <- suppressWarnings(if (kind == "drop1") drop1(m, test = t) else
    add1(m, as.formula(scope), test = t))
  cases[[length(cases) + 1]] <<- list(
    id = id, kind = kind, formula = formula, family_call = family_call,
    test = test, scope = scope, direction = NULL, data = encode_data(data),
    expected = table_expected(tab))
}

record_step <- function(id, formula, family_call, data, scope = NULL,
                        direction = "backward") {
  m <- fit_model(formula, family_call, data)
  trace <- if (is.null(scope)) {
    capture.output(s <- step(m, direction = direction))
  } else {
    capture.output(s <- step(m, scope = as.formula(scope), direction = direction))
  }
  a <- s$anova
  cases[[length(cases) + 1]] <<- list(
    id = id, kind = "step", formula = formula, family_call = family_call,
    test = NULL, scope = scope, direction = direction, data = encode_data(data),
    expected = list(
      changes = arr(as.character(a$Step)),
      aic = arr(a$AIC),
      deviance = arr(a[["Resid. Dev"]]),
      df_residual = arr(a[["Resid. Df"]]),
      final_formula = paste(deparse(formula(s), width.cutoff = 500L), collapse = " "),
      coefficients = obj(coef(s)),
      trace_text = paste(trace, collapse = "\n")))
}

wb <- warpbreaks[, c("breaks", "wool", "tension")]
bw <- budworm[, c("numdead", "numalive", "sex", "ldose")]
mtd <- mt[, c("mpg", "wt", "hp", "cyl", "am", "qsec", "disp")]
qn <- quine

# --- drop1 ---------------------------------------------------------------
record_table("drop1_poisson_warpbreaks_interaction_chisq", "drop1",
             "breaks ~ wool * tension", "poisson", wb, test = "Chisq")
record_table("drop1_poisson_warpbreaks_main_none", "drop1",
             "breaks ~ wool + tension", "poisson", wb)
record_table("drop1_poisson_warpbreaks_main_rao", "drop1",
             "breaks ~ wool + tension", "poisson", wb, test = "Rao")
record_table("drop1_binomial_budworm_lrt", "drop1",
             "cbind(numdead, numalive) ~ sex + ldose", "binomial", bw, test = "LRT")
record_table("drop1_binomial_budworm_F", "drop1",
             "cbind(numdead, numalive) ~ sex + ldose", "binomial", bw, test = "F")
record_table("drop1_gaussian_mtcars_F", "drop1",
             "mpg ~ wt + hp + cyl + am", "gaussian", mtd, test = "F")
record_table("drop1_gaussian_mtcars_chisq", "drop1",
             "mpg ~ wt + hp + cyl + am", "gaussian", mtd, test = "Chisq")

# --- add1 ----------------------------------------------------------------
record_table("add1_poisson_warpbreaks_chisq", "add1", "breaks ~ wool + tension",
             "poisson", wb, test = "Chisq", scope = "~ wool * tension")
record_table("add1_poisson_warpbreaks_from_wool", "add1", "breaks ~ wool",
             "poisson", wb, test = "Chisq", scope = "~ wool * tension")
record_table("add1_gaussian_mtcars_F", "add1", "mpg ~ wt", "gaussian", mtd,
             test = "F", scope = "~ wt + hp + cyl + am + qsec")

# --- step ----------------------------------------------------------------
record_step("step_gaussian_mtcars_backward", "mpg ~ wt + hp + cyl + am + qsec + disp",
            "gaussian", mtd, direction = "backward")
record_step("step_poisson_quine_backward", "Days ~ Eth * Sex * Age",
            "poisson", qn[, c("Days", "Eth", "Sex", "Age")], direction = "backward")
record_step("step_poisson_warpbreaks_both", "breaks ~ 1", "poisson", wb,
            scope = "~ wool * tension", direction = "both")

write_golden(cases, file.path("tests", "golden", "step_golden.json"),
             "tests/golden/make_golden_step.R")
