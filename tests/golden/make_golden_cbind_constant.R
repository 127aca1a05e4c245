# make_golden_cbind_constant.R -- a binomial response cbind(successes, n) whose second
# column is one number: R recycles it down the rows.
#     Rscript tests/golden/make_golden_cbind_constant.R   (from the repository root)
suppressPackageStartupMessages(library(jsonlite))
d <- data.frame(y = c(1, 2, 3, 4, 2, 5, 0, 3), x = 0:7)
fits <- list(
  constant_failures = glm(cbind(y, 5) ~ x, family = binomial, data = d),
  constant_trials = glm(cbind(y, 8 - y) ~ x, family = binomial, data = d),
  constant_first = glm(cbind(6, y) ~ x, family = quasibinomial, data = d)
)
formulas <- c(constant_failures = "cbind(y, 5) ~ x", constant_trials = "cbind(y, 8 - y) ~ x",
              constant_first = "cbind(6, y) ~ x")
cases <- lapply(names(fits), function(id) {
  m <- fits[[id]]
  list(id = id, formula = formulas[[id]], family = family(m)$family,
       coefficients = unname(coef(m)), std_errors = unname(sqrt(diag(vcov(m)))),
       deviance = deviance(m), null_deviance = m$null.deviance,
       aic = if (is.na(AIC(m))) NA else AIC(m), call = deparse(m$call))
})
writeLines(toJSON(list(r_version = R.version.string,
                       generated_by = "tests/golden/make_golden_cbind_constant.R",
                       data = d, cases = cases),
                  auto_unbox = TRUE, digits = NA, na = "null", dataframe = "columns"),
           file.path("tests", "golden", "cbind_constant_golden.json"))
