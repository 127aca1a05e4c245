# make_golden_negbin_extra.R -- MASS::glm.nb fits on quine with prior weights,
# an offset term, the sqrt link (given in the call) and na.action = na.exclude:
# coefficients table, theta and its SE, 2 x log-likelihood, AIC, the recorded
# call, predict(se.fit) on new rows, profile and Wald confint, sandwich::vcovHC,
# car::Anova Type II (LR and Wald) and anova() of two fits.
# Run from the repository root:
#     Rscript tests/golden/make_golden_negbin_extra.R
# Writes tests/golden/negbin_extra_golden.json. Each case has id, formula
# (Python and R alike), weights (column or null), link (null when not given),
# na_action, data (as encode_data; quine plus wt, k and Days2 = Days with
# three NA), newrows (0-based rows of data for predict), expected {...}.
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages({library(car); library(sandwich)})

q <- quine
q$wt <- rep(c(1, 2, 3), length.out = nrow(q))
q$k <- rep(c(1, 1.5, 2, 3), length.out = nrow(q))
q$Days2 <- q$Days
q$Days2[c(5, 40, 100)] <- NA
newrows <- c(1, 50, 120)
rows <- function(v) lapply(seq_len(nrow(v)), function(i) arr(unname(v[i, ])))
anova_cols <- function(a) { l <- list(); for (nm in colnames(a)) l[[nm]] <- arr(as.double(a[[nm]])); l }

cases <- list()
record <- function(id, formula, weights = NULL, link = NULL, na_action = "omit") {
  cl <- call("glm.nb", formula = as.formula(formula), data = as.name("q"))
  if (!is.null(weights)) cl$weights <- as.name(weights)
  if (na_action == "exclude") cl$na.action <- as.name("na.exclude")
  if (!is.null(link)) cl$link <- as.name(link)
  m <- eval(cl)
  s <- summary(m)
  p <- predict(m, newdata = q[newrows, ], type = "response", se.fit = TRUE)
  a2 <- Anova(m, type = 2)
  cases[[length(cases) + 1]] <<- list(
    id = id, formula = formula, weights = weights, link = link, na_action = na_action,
    data = encode_data(q), newrows = arr(newrows - 1),
    expected = list(
      coefficients = rows(s$coefficients), theta = m$theta, theta_se = m$SE.theta,
      twologlik = m$twologlik, aic = AIC(m), deviance = deviance(m),
      null_deviance = m$null.deviance, call = paste(deparse(m$call), collapse = "\n"),
      fit = arr(p$fit), se_fit = arr(p$se.fit),
      confint = rows(suppressMessages(confint(m))), confint_wald = rows(confint.default(m)),
      HC0 = rows(vcovHC(m, type = "HC0")), HC3 = rows(vcovHC(m, type = "HC3")),
      anova2_lr = anova_cols(a2), anova2_lr_rows = arr(rownames(a2)),
      anova2_wald = anova_cols(Anova(m, type = 2, test.statistic = "Wald"))))
}

record("weights", "Days ~ Eth * Sex + Age", weights = "wt")
record("offset_term", "Days ~ Eth + Lrn + offset(log(k))")
record("sqrt_link_given", "Days ~ Eth * Lrn", link = "sqrt")
record("na_exclude", "Days2 ~ Eth + Sex + Age", na_action = "exclude")

write_golden(cases, file.path("tests", "golden", "negbin_extra_golden.json"),
             "tests/golden/make_golden_negbin_extra.R")
