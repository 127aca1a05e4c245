# make_golden_step_scope.R -- reference results for model selection with
# scopes that use `.` (R's update.formula on the scope), lower/upper scopes,
# drop1 with a scope, MASS's dropterm / addterm, and negative binomial fits
# through selection (MASS's stepAIC, dropterm.negbin / addterm.negbin, and
# stats::drop1 / add1 on a glm.nb fit with theta held). Run from the
# repository root:
#     Rscript tests/golden/make_golden_step_scope.R
# Writes tests/golden/step_scope_golden.json. Each case has
#   id, kind ("drop1" | "add1" | "dropterm" | "addterm" | "step" | "stepAIC" |
#   "anova": several models compared; formula is then a list of formulas),
#   formula (Python = R text), family_call (R code, or "negbin" for glm.nb),
#   test (null or R's test name), scope (null, a formula, or an object
#   {lower, upper} with formulas or null), direction (steps), data
#   (as encode_data), expected:
#   tables: {row_names, columns {name: [values]} (NA as null),
#            print_text (print() output, lines joined by "\n")};
#   steps: {changes (the Step column of fit$anova), aic, deviance,
#           df_residual (per model on the path), final_formula,
#           final_terms (term labels of the chosen model),
#           coefficients {name: value} (NA as null), theta (glm.nb or null),
#           trace_text (the printed output)};
#   anova: {print_text}.
source(file.path("tests", "golden", "golden_helpers.R"))

cases <- list()

fit_model <- function(formula, family_call, data) {
  # step() and stepAIC() re-evaluate the updated call, so d lives in the
  # global environment
  assign("d", data, envir = globalenv())
  f <- as.formula(formula, env = globalenv())
  cl <- if (family_call == "negbin") {
    call("glm.nb", formula = f, data = as.name("d"))
  } else {
    call("glm", formula = f, family = str2lang(family_call), data = as.name("d"))
  }
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
  s <- if (is.null(scope)) NULL else as.formula(scope, env = globalenv())
  fun <- switch(kind, drop1 = drop1, add1 = add1, dropterm = dropterm,
                addterm = addterm)
  tab <- suppressWarnings(
    if (is.null(s)) fun(m, test = t) else fun(m, s, test = t))
  cases[[length(cases) + 1]] <<- list(
    id = id, kind = kind, formula = formula, family_call = family_call,
    test = test, scope = scope, direction = NULL, data = encode_data(data),
    expected = table_expected(tab))
}

scope_value <- function(scope) {
  if (is.null(scope)) return(NULL)
  if (is.list(scope)) {
    return(lapply(scope, function(s) as.formula(s, env = globalenv())))
  }
  as.formula(scope, env = globalenv())
}

record_step <- function(id, kind, formula, family_call, data, scope = NULL,
                        direction = "both") {
  m <- fit_model(formula, family_call, data)
  fun <- if (kind == "stepAIC") stepAIC else step
  s <- scope_value(scope)
  trace <- if (is.null(s)) {
    capture.output(fit <- suppressWarnings(fun(m, direction = direction)))
  } else {
    capture.output(fit <- suppressWarnings(fun(m, scope = s, direction = direction)))
  }
  a <- fit$anova
  cases[[length(cases) + 1]] <<- list(
    id = id, kind = kind, formula = formula, family_call = family_call,
    test = NULL, scope = scope, direction = direction, data = encode_data(data),
    expected = list(
      changes = arr(as.character(a$Step)),
      aic = arr(a$AIC),
      deviance = arr(a[["Resid. Dev"]]),
      df_residual = arr(a[["Resid. Df"]]),
      final_formula = paste(deparse(formula(fit), width.cutoff = 500L), collapse = " "),
      final_terms = arr(attr(terms(fit), "term.labels")),
      coefficients = obj(coef(fit)),
      theta = if (is.null(fit$theta)) NULL else fit$theta,
      trace_text = paste(trace, collapse = "\n")))
}

record_anova <- function(id, formulas, family_call, data) {
  fits <- lapply(formulas, fit_model, family_call = family_call, data = data)
  tab <- do.call(anova, fits)
  cases[[length(cases) + 1]] <<- list(
    id = id, kind = "anova", formula = arr(formulas), family_call = family_call,
    test = NULL, scope = NULL, direction = NULL, data = encode_data(data),
    expected = list(print_text = paste(capture.output(print(tab)), collapse = "\n")))
}

data(housing, package = "MASS", envir = environment())
wb <- warpbreaks[, c("breaks", "wool", "tension")]
mtd <- mt[, c("mpg", "wt", "hp", "cyl", "am", "qsec", "disp")]
qn <- quine[, c("Eth", "Sex", "Age", "Lrn", "Days")]

house0 <- "Freq ~ Infl * Type * Cont + Sat"
house1 <- "Freq ~ Infl * Type * Cont + Sat * (Infl + Type + Cont)"
quine4 <- "Days ~ Eth + Sex + Age + Lrn"

# --- `.` in scopes (MASS's housing script, warpbreaks, quine, mtcars) ----
record_table("add1_housing_dot_scope_chisq", "add1", house0, "poisson", housing,
             test = "Chisq", scope = "~ . + Sat:(Infl + Type + Cont)")
record_table("addterm_housing_dot_scope_chisq", "addterm", house0, "poisson",
             housing, test = "Chisq", scope = "~ . + Sat:(Infl + Type + Cont)")
record_table("dropterm_housing_chisq", "dropterm", house1, "poisson", housing,
             test = "Chisq")
record_table("drop1_housing_chisq", "drop1", house1, "poisson", housing,
             test = "Chisq")
record_table("add1_quine_poisson_dot_squared", "add1", quine4, "poisson", qn,
             test = "Chisq", scope = "~ .^2")
record_table("drop1_warpbreaks_scope_dot", "drop1", "breaks ~ wool * tension",
             "poisson", wb, test = "Chisq", scope = "~ .")
record_table("drop1_warpbreaks_scope_main_effect", "drop1",
             "breaks ~ wool * tension", "poisson", wb, scope = "~ wool")
record_table("dropterm_warpbreaks_scope_main_effect", "dropterm",
             "breaks ~ wool * tension", "poisson", wb, scope = "~ wool",
             test = "Chisq")
record_table("dropterm_mtcars_F", "dropterm", "mpg ~ wt + hp + cyl + am",
             "gaussian", mtd, test = "F")
record_table("addterm_mtcars_F", "addterm", "mpg ~ wt", "gaussian", mtd,
             test = "F", scope = "~ . + hp + cyl + am + qsec")

record_step("step_warpbreaks_dot_squared", "step", "breaks ~ wool", "poisson",
            wb, scope = "~ .^2")
record_step("step_warpbreaks_dot_times", "step", "breaks ~ wool", "poisson",
            wb, scope = "~ . * tension")
record_step("step_quine_poisson_lower_upper", "step", quine4, "poisson", qn,
            scope = list(lower = "~ 1", upper = "~ .^2"))
record_step("step_mtcars_lower_upper", "step",
            "mpg ~ wt + hp + cyl + am + qsec + disp", "gaussian", mtd,
            scope = list(lower = "~ hp + disp", upper = "~ ."))
record_step("step_mtcars_upper_only", "step", "mpg ~ wt", "gaussian", mtd,
            scope = list(upper = "~ . + hp + cyl + am + qsec"))

# --- negative binomial through selection ---------------------------------
record_table("drop1_quine_negbin", "drop1", quine4, "negbin", qn)
record_table("drop1_quine_negbin_chisq", "drop1", quine4, "negbin", qn,
             test = "Chisq")
record_table("add1_quine_negbin_chisq", "add1", quine4, "negbin", qn,
             test = "Chisq", scope = "~ .^2")
record_table("dropterm_quine_negbin", "dropterm", quine4, "negbin", qn)
record_table("dropterm_quine_negbin_chisq", "dropterm", quine4, "negbin", qn,
             test = "Chisq")
record_table("addterm_quine_negbin_chisq", "addterm", quine4, "negbin", qn,
             test = "Chisq", scope = "~ .^2")

record_step("stepAIC_quine_negbin_dot4", "stepAIC", "Days ~ .^4", "negbin", qn,
            direction = "backward")
record_step("stepAIC_quine_negbin_both", "stepAIC", quine4, "negbin", qn,
            scope = list(lower = "~ 1", upper = "~ .^2"))

# --- a model formula's `.` printed as R prints it (formula(fit)) ----------
record_table("drop1_quine_poisson_dot_formula", "drop1", "Days ~ .", "poisson", qn,
             test = "Chisq")
record_anova("anova_negbin_dot_formula", c(quine4, "Days ~ .^2"), "negbin", qn)
record_anova("anova_glm_dot_formula", c("Days ~ Eth", "Days ~ ."), "poisson", qn)

write_golden(cases, file.path("tests", "golden", "step_scope_golden.json"),
             "tests/golden/make_golden_step_scope.R")
