# make_golden_anova.R -- reference analysis-of-deviance tables from R's
# anova.glm (sequential, one model) and anova.glmlist (model comparison).
# Run from the repository root:
#     Rscript tests/golden/make_golden_anova.R
# Writes tests/golden/anova_golden.json. Each case has
#   id, kind ("sequential" | "comparison"), test (null or R's test name),
#   models: [{formula (Python), r_formula, family_call, weights}],
#   data (as encode_data), expected: {row_names, columns {name: [values]}
#   (NA as null), heading (R's heading attribute, pasted with "\n" as
#   print.anova's cat(sep = "\n") joins it), print_text (print() output,
#   lines joined by "\n")}.
source(file.path("tests", "golden", "golden_helpers.R"))

cases <- list()

record <- function(id, kind, formulas, family_call, data, test = NULL,
                   weights = NULL) {
  env <- new.env(parent = globalenv())
  models <- lapply(formulas, function(f) {
    cl <- call("glm", formula = as.formula(f, env = globalenv()),
               family = str2lang(family_call), data = as.name("d"))
    if (!is.null(weights)) cl$weights <- as.name(weights)
    assign("d", data, envir = env)
    eval(cl, env)
  })
  tab <- if (kind == "sequential") {
    anova(models[[1]], test = test)
  } else {
    do.call(anova, c(models, list(test = test)))
  }
  columns <- list()
  for (nm in colnames(tab)) columns[[nm]] <- arr(as.double(tab[[nm]]))
  printed <- capture.output(print(tab))
  cases[[length(cases) + 1]] <<- list(
    id = id,
    kind = kind,
    test = test,
    models = lapply(formulas, function(f) list(formula = f, r_formula = f,
                                               family_call = family_call,
                                               weights = weights)),
    data = encode_data(data),
    expected = list(
      row_names = arr(rownames(tab)),
      columns = columns,
      heading = paste(attr(tab, "heading"), collapse = "\n"),
      print_text = paste(printed, collapse = "\n")
    )
  )
}

wb <- warpbreaks[, c("breaks", "wool", "tension")]
bw <- budworm[, c("numdead", "numalive", "sex", "ldose")]
cl <- clotting[, c("u", "lot1")]
mtd <- mt[, c("mpg", "wt", "hp", "cyl", "am")]
ins <- InsectSprays

# --- sequential tables (anova.glm) -----------------------------------------
record("seq_poisson_warpbreaks_chisq", "sequential", "breaks ~ wool * tension",
       "poisson", wb, test = "Chisq")
record("seq_poisson_warpbreaks_lrt", "sequential", "breaks ~ tension + wool",
       "poisson", wb, test = "LRT")
record("seq_binomial_budworm_chisq", "sequential", "cbind(numdead, numalive) ~ sex * ldose",
       "binomial", bw, test = "Chisq")
record("seq_binomial_budworm_rao", "sequential", "cbind(numdead, numalive) ~ sex * ldose",
       "binomial", bw, test = "Rao")
record("seq_Gamma_clotting_F", "sequential", "lot1 ~ log(u)",
       "Gamma", cl, test = "F")
record("seq_gaussian_mtcars_F", "sequential", "mpg ~ wt + hp + cyl + am",
       "gaussian", mtd, test = "F")
record("seq_gaussian_mtcars_Cp", "sequential", "mpg ~ wt + hp + cyl + am",
       "gaussian", mtd, test = "Cp")
record("seq_quasipoisson_insectsprays_F", "sequential", "count ~ spray",
       "quasipoisson", ins, test = "F")
record("seq_quasipoisson_warpbreaks_F", "sequential", "breaks ~ wool * tension",
       "quasipoisson", wb, test = "F")
record("seq_poisson_warpbreaks_notest", "sequential", "breaks ~ wool + tension",
       "poisson", wb, test = NULL)
record("seq_Gamma_clotting_rao", "sequential", "lot1 ~ log(u)",
       "Gamma", cl, test = "Rao")
# F tests with a fixed dispersion: R warns that they are inappropriate, and
# gives Pr(>F) from the F distribution with infinite denominator df
record("seq_poisson_warpbreaks_F", "sequential", "breaks ~ wool * tension",
       "poisson", wb, test = "F")
record("seq_binomial_budworm_F", "sequential", "cbind(numdead, numalive) ~ sex * ldose",
       "binomial", bw, test = "F")

# --- model comparisons (anova.glmlist) -------------------------------------
record("cmp_poisson_warpbreaks_chisq", "comparison",
       c("breaks ~ wool", "breaks ~ wool + tension", "breaks ~ wool * tension"),
       "poisson", wb, test = "Chisq")
record("cmp_binomial_budworm_chisq", "comparison",
       c("cbind(numdead, numalive) ~ ldose", "cbind(numdead, numalive) ~ sex + ldose"),
       "binomial", bw, test = "Chisq")
record("cmp_binomial_budworm_rao", "comparison",
       c("cbind(numdead, numalive) ~ sex + ldose", "cbind(numdead, numalive) ~ ldose"),
       "binomial", bw, test = "Rao")
record("cmp_Gamma_clotting_F", "comparison",
       c("lot1 ~ 1", "lot1 ~ log(u)"), "Gamma", cl, test = "F")
record("cmp_gaussian_mtcars_F", "comparison",
       c("mpg ~ wt", "mpg ~ wt + hp + cyl"), "gaussian", mtd, test = "F")
record("cmp_gaussian_mtcars_Cp", "comparison",
       c("mpg ~ wt", "mpg ~ wt + hp", "mpg ~ wt + hp + cyl"), "gaussian", mtd, test = "Cp")
record("cmp_poisson_warpbreaks_F", "comparison",
       c("breaks ~ wool", "breaks ~ wool + tension", "breaks ~ wool * tension"),
       "poisson", wb, test = "F")
record("cmp_binomial_budworm_F", "comparison",
       c("cbind(numdead, numalive) ~ ldose", "cbind(numdead, numalive) ~ sex + ldose"),
       "binomial", bw, test = "F")
record("cmp_quasipoisson_warpbreaks_F", "comparison",
       c("breaks ~ wool + tension", "breaks ~ wool * tension"), "quasipoisson", wb,
       test = "F")

write_golden(cases, file.path("tests", "golden", "anova_golden.json"),
             "tests/golden/make_golden_anova.R")
