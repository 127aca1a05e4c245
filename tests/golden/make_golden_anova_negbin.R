# make_golden_anova_negbin.R -- MASS's anova() for glm.nb fits (anova.negbin).
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_anova_negbin.R
# Writes tests/golden/anova_negbin_golden.json. Needs MASS.
#
# Each case fits glm.nb() to one data set for each formula in `formulas`
# (given in the order passed to anova()) and records:
#   comparison   anova(m1, m2, ...): the "Likelihood ratio tests of Negative
#                Binomial Models" table -- Model, theta, Resid. df,
#                2 x log-lik., Test, df, LR stat., Pr(Chi) (NA as null) --
#                and its printed text
#   sequential   anova(m_last): anova.glm with theta fixed, dispersion 1 and
#                Chisq tests (columns Df, Deviance, Resid. Df, Resid. Dev,
#                Pr(>Chi)), its printed text and R's warning
#
# Numbers are written with sprintf("%.17g") (see golden_helpers.R).

out_path <- file.path("tests", "golden", "anova_negbin_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))

cases <- list()
column <- function(x) arr(ifelse(is.na(x), NA, x))

record <- function(id, formulas, data, data_name) {
  models <- lapply(formulas, function(f) glm.nb(as.formula(f), data = data))
  cmp <- do.call(anova, unname(models))
  cmp_text <- paste(capture.output(print(cmp)), collapse = "\n")
  seq_run <- with_warnings(anova(models[[length(models)]]))
  seq_tab <- seq_run$value
  seq_text <- paste(capture.output(print(seq_tab)), collapse = "\n")
  cases[[length(cases) + 1]] <<- list(
    id = id, data_name = data_name, formulas = arr(formulas),
    data = encode_data(data),
    comparison = list(
      model = arr(as.character(cmp$Model)),
      theta = column(cmp$theta),
      resid_df = column(cmp[["Resid. df"]]),
      twologlik = column(cmp[["   2 x log-lik."]]),
      test = arr(as.character(cmp$Test)),
      df = column(cmp[["   df"]]),
      lr_stat = column(cmp[["LR stat."]]),
      p_value = column(cmp[["Pr(Chi)"]]),
      print_text = cmp_text
    ),
    sequential = list(
      rows = arr(rownames(seq_tab)),
      df = column(seq_tab$Df),
      deviance = column(seq_tab$Deviance),
      resid_df = column(seq_tab[["Resid. Df"]]),
      resid_dev = column(seq_tab[["Resid. Dev"]]),
      p_value = column(seq_tab[["Pr(>Chi)"]]),
      print_text = seq_text,
      warnings = arr(seq_run$warnings)
    )
  )
  cat(id, "\n")
}

record("quine_two", c("Days ~ Eth + Sex + Age", "Days ~ Eth + Sex + Age + Lrn"),
       quine, "quine")
record("quine_three", c("Days ~ Eth", "Days ~ Eth + Sex + Age", "Days ~ Eth + Sex + Age + Lrn"),
       quine, "quine")
record("quine_unsorted", c("Days ~ Eth * Lrn", "Days ~ Eth"), quine, "quine")
wb <- warpbreaks
record("warpbreaks_interaction", c("breaks ~ wool + tension", "breaks ~ wool * tension"),
       wb, "warpbreaks")

write_golden(cases, out_path, "tests/golden/make_golden_anova_negbin.R")
