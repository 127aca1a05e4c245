# make_golden_anova_wald.R -- car::Anova(m, type = 2 | 3, test.statistic =
# "LR" | "F" | "Wald") for glm fits with prior weights, offsets (argument and
# formula term), na.action = na.exclude, a quasi family, a factor with an
# unused level and sum-to-zero contrasts (car 3.1). Run from the repository root:
#     Rscript tests/golden/make_golden_anova_wald.R
# Writes tests/golden/anova_wald_golden.json. Each case has
#   id, formula (Python and R alike), family, link, weights / offset (column
#   names or null; the offset enters R as offset = log(column)), na_action,
#   contrasts (null or a {factor: "contr.sum"} object), data (as encode_data),
#   tables: [{type, test, row_names, columns {name: [values]}, print_text}],
#   robust_wald: [{type, chisq}] (test.statistic = "Wald", vcov. = vcovHC(m, "HC3")).
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages({library(car); library(sandwich)})

set.seed(20261201)
n <- 40
d <- data.frame(x = rnorm(n),
                g = factor(sample(c("a", "b", "c"), n, TRUE), levels = c("a", "b", "c", "z")),
                h = factor(rep(c("p", "q"), n / 2)),
                w = sample(1:3, n, TRUE), e = runif(n, 1, 3))
d$y <- rpois(n, exp(0.3 + 0.4 * d$x))
d$yb <- rbinom(n, 1, plogis(d$x))
d$yg <- rgamma(n, 2, 2 / exp(1 + 0.2 * d$x))
d$y[3] <- NA
d$x[7] <- NA

cases <- list()
record <- function(id, formula, family, link, weights = NULL, offset = NULL,
                   na_action = "omit", contrasts = NULL) {
  args <- list(formula = as.formula(formula), family = get(family)(link = link), data = d,
               na.action = if (na_action == "exclude") na.exclude else na.omit)
  if (!is.null(weights)) args$weights <- d[[weights]]
  if (!is.null(offset)) args$offset <- log(d[[offset]])
  if (!is.null(contrasts)) args$contrasts <- contrasts
  m <- do.call(glm, args)
  tables <- list()
  for (type in c(2, 3)) for (test in c("LR", "F", "Wald")) {
    tab <- Anova(m, type = type, test.statistic = test)
    columns <- list()
    for (nm in colnames(tab)) columns[[nm]] <- arr(as.double(tab[[nm]]))
    tables[[length(tables) + 1]] <- list(
      type = type, test = test, row_names = arr(rownames(tab)), columns = columns,
      print_text = paste(capture.output(print(tab)), collapse = "\n"))
  }
  robust <- lapply(c(2, 3), function(type) list(type = type, chisq = arr(suppressMessages(
    Anova(m, type = type, test.statistic = "Wald", vcov. = vcovHC(m, type = "HC3")))$Chisq)))
  cases[[length(cases) + 1]] <<- list(
    id = id, formula = formula, family = family, link = link, weights = weights,
    offset = offset, na_action = na_action,
    contrasts = if (is.null(contrasts)) NULL else obj(contrasts),
    data = encode_data(d), tables = tables, robust_wald = robust)
}

record("poisson_weights_offset_exclude", "y ~ x * g", "poisson", "log", weights = "w",
       offset = "e", na_action = "exclude")
record("quasipoisson_treatment", "y ~ g * h + x", "quasipoisson", "log")
record("quasipoisson_sum", "y ~ g * h + x", "quasipoisson", "log",
       contrasts = list(g = "contr.sum", h = "contr.sum"))
record("binomial_sum", "yb ~ x + g * h", "binomial", "logit",
       contrasts = list(g = "contr.sum", h = "contr.sum"))
record("gamma_log_weights", "yg ~ x * h", "Gamma", "log", weights = "w")
record("quasipoisson_formula_offset_weights", "y ~ x + g + offset(log(e))", "quasipoisson",
       "log", weights = "w")

write_golden(cases, file.path("tests", "golden", "anova_wald_golden.json"),
             "tests/golden/make_golden_anova_wald.R")
