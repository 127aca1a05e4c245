# make_golden_family_rules.R -- where R's code treats families differently, for the family
# attributes of glmformula (unit_dispersion, dispersion_free, fixed_dispersion).
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_family_rules.R
# Writes tests/golden/family_rules_golden.json. Needs the sandwich package.
#
# R's rules test the family's name: summary.glm and rstudent.glm ask for
# family %in% c("binomial", "poisson"), profile.glm switches on it (z or F),
# anova.glm and drop1.glm warn about F tests for binomial and poisson, and
# sandwich's bread.glm takes the dispersion as 1 also for "Negative Binomial(theta)".
# The negative binomial (glm.nb, and negative.binomial(theta) with theta given) is where
# these rules part, so each case is breaks ~ wool + tension on warpbreaks with
#
#   family             "poisson", "quasipoisson", "glm.nb" or "negative.binomial(2)"
#   expected.dispersion          summary(m)$dispersion
#   expected.rstudent            rstudent(m)
#   expected.confint             confint(m) (profile): {lower, upper}
#   expected.HC0                 sandwich::vcovHC(m, type = "HC0"), list of rows
#   expected.drop1_F_warnings    warnings of drop1(m, test = "F")
#   expected.anova_F_warnings    warnings of anova(m, test = "F") (null for glm.nb)
#
# Numbers are written with sprintf("%.17g") (see golden_helpers.R).

out_path <- file.path("tests", "golden", "family_rules_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages(library(sandwich))

data(warpbreaks)
form <- breaks ~ wool + tension
fits <- list(
  poisson = glm(form, data = warpbreaks, family = poisson()),
  quasipoisson = glm(form, data = warpbreaks, family = quasipoisson()),
  glm.nb = glm.nb(form, data = warpbreaks),
  "negative.binomial(2)" = glm(form, data = warpbreaks, family = negative.binomial(2))
)

cases <- lapply(names(fits), function(fam) {
  m <- fits[[fam]]
  ci <- suppressMessages(confint(m))
  hc0 <- vcovHC(m, type = "HC0")
  anova_w <- if (fam == "glm.nb") NULL else arr(with_warnings(anova(m, test = "F"))$warnings)
  list(
    id = fam,
    family = fam,
    formula = "breaks ~ wool + tension",
    data = "warpbreaks",
    expected = list(
      dispersion = summary(m)$dispersion,
      rstudent = arr(rstudent(m)),
      confint = list(lower = arr(ci[, 1]), upper = arr(ci[, 2])),
      HC0 = lapply(seq_len(nrow(hc0)), function(i) arr(hc0[i, ])),
      drop1_F_warnings = arr(with_warnings(drop1(m, test = "F"))$warnings),
      anova_F_warnings = anova_w
    )
  )
})

write_golden(cases, out_path, "tests/golden/make_golden_family_rules.R")
