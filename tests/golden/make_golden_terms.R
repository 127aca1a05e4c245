# make_golden_terms.R -- reference values for the terms R users write: splines::ns and
# splines::bs (knots, boundary knots, degree, intercept), poly() orthogonal and raw,
# log(x, base), exp and sqrt, as glm() fits and as predictions on new data.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_terms.R
# Writes tests/golden/terms_golden.json.
#
# Each case is a glm() fit as in glm_golden.json (formula, family, link, data) plus
#   expected.coefficients / std_errors   named by R (e.g. "ns(speed, df = 3)1")
#   expected.deviance, aic, df_residual
#   expected.predvars                    the fitted terms' replay call, deparsed
#                                        (R's makepredictcall: the learnt knots)
#   expected.newdata.{link, se_fit, response}
#                                        predict(m, newdata, se.fit = TRUE), newdata holding
#                                        values beyond the boundary knots
#   expected.newdata.warnings            R's warnings in those predict() calls
#                                        (bs() beyond its boundary knots)
# `formula` is the same model as glmformula reads it (R's spelling works unchanged; a
# case's `python_formula`, when present, is the Python spelling of the same model).
#
# The knots of ns()/bs() and the coefficients of poly() are learnt by model.frame on
# every row of the data before rows with missing values are dropped (airquality).

out_path <- file.path("tests", "golden", "terms_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages(library(splines))
data(menarche, birthwt, package = "MASS", envir = environment())

cases <- list()

record <- function(id, r_formula, family_call, data, data_name, newdata,
                   python_formula = NULL, tags = character(0), notes = NULL) {
  fc <- fit_case(cases, id, r_formula, family_call, data, data_name,
                 formula = r_formula, tags = tags, notes = notes)
  m <- fc$model
  nd <- newdata[, intersect(names(newdata), all.vars(fc$formula[[3]])), drop = FALSE]
  rownames(nd) <- NULL
  pl <- with_warnings(predict(m, newdata = nd, type = "link", se.fit = TRUE))
  pr <- with_warnings(predict(m, newdata = nd, type = "response"))
  s <- summary(m)
  predvars <- attr(terms(m), "predvars")
  expected <- list(
    coefficients = obj(coef(m)),
    std_errors = obj(s$coefficients[, 2]),
    deviance = m$deviance,
    null_deviance = m$null.deviance,
    aic = if (is.finite(m$aic)) m$aic else NULL,
    df_residual = as.integer(m$df.residual),
    dispersion = s$dispersion,
    nobs = as.integer(length(m$y)),
    predvars = paste(deparse(predvars, width.cutoff = 500L), collapse = " "),
    newdata = list(
      link = arr(pl$value$fit),
      se_fit = arr(pl$value$se.fit),
      response = arr(pr$value),
      warnings = arr(unique(c(pl$warnings, pr$warnings)))
    )
  )
  case <- c(fc$case, list(newdata = encode_data(nd), expected = expected))
  if (!is.null(python_formula)) case$python_formula <- python_formula
  cases[[length(cases) + 1]] <<- case
  cat(sprintf("%-34s n=%3d p=%d new=%d warn=%s\n", id, length(m$y), length(coef(m)),
              nrow(nd), paste(unique(c(fc$warnings, expected$newdata$warnings)),
                              collapse = " | ")))
  invisible(m)
}

speeds <- data.frame(speed = c(2, 4, 10.5, 13, 25, 30))  # beyond both boundary knots (4, 25)

cat("\n--- ns\n")
record("ns_df3_cars", "dist ~ ns(speed, df = 3)", 'gaussian(link = "identity")',
       cars, "cars", speeds, tags = c("ns", "extrapolation"))
record("ns_knots_intercept_cars", "dist ~ ns(speed, knots = c(10, 15, 20), intercept = TRUE) - 1",
       'poisson(link = "log")', cars, "cars", speeds,
       python_formula = "dist ~ ns(speed, knots=[10, 15, 20], intercept=True) - 1",
       tags = c("ns", "knots", "intercept"))
record("ns_boundary_cars", "dist ~ ns(speed, df = 4, Boundary.knots = c(5, 24))",
       'Gamma(link = "log")', cars, "cars", speeds,
       python_formula = "dist ~ ns(speed, df=4, Boundary_knots=[5, 24])",
       tags = c("ns", "boundary_knots"),
       notes = "knots at quantiles of the speeds within the boundary knots only")
record("ns_df2_mtcars_binomial", "am ~ ns(wt, df = 2)", 'binomial(link = "logit")',
       mtcars, "mtcars", data.frame(wt = c(1, 1.513, 3.2, 5.424, 6)),
       tags = c("ns", "binomial"))
record("ns_df3_menarche", "cbind(Menarche, Total - Menarche) ~ ns(Age, df = 3)",
       'binomial(link = "logit")', menarche, "menarche",
       data.frame(Age = c(8, 9.21, 13, 17.58, 19)), tags = c("ns", "binomial", "cbind"))

cat("\n--- bs\n")
record("bs_df5_cars", "dist ~ bs(speed, df = 5)", 'gaussian(link = "identity")',
       cars, "cars", speeds, tags = c("bs", "extrapolation"))
record("bs_df4_degree2_cars", "dist ~ bs(speed, df = 4, degree = 2)", 'poisson(link = "log")',
       cars, "cars", speeds, tags = c("bs", "degree"))
record("bs_knots_boundary_cars",
       "dist ~ bs(speed, knots = c(10, 15), Boundary.knots = c(0, 30))",
       'gaussian(link = "identity")', cars, "cars",
       data.frame(speed = c(-1, 0, 12.5, 30, 32)),
       python_formula = "dist ~ bs(speed, knots=[10, 15], Boundary_knots=[0, 30])",
       tags = c("bs", "knots", "boundary_knots"))
record("bs_degree1_intercept_cars", "dist ~ bs(speed, df = 4, degree = 1, intercept = TRUE) - 1",
       'gaussian(link = "identity")', cars, "cars", speeds,
       python_formula = "dist ~ bs(speed, df=4, degree=1, intercept=True) - 1",
       tags = c("bs", "intercept", "degree"))

cat("\n--- poly\n")
record("poly_raw_cars", "dist ~ poly(speed, 2, raw = TRUE)", 'gaussian(link = "identity")',
       cars, "cars", speeds, python_formula = "dist ~ poly(speed, 2, raw=True)",
       tags = c("poly", "raw"))
record("poly_orthogonal_cars", "dist ~ poly(speed, 3)", 'poisson(link = "log")',
       cars, "cars", speeds, tags = c("poly", "orthogonal"))
record("poly_degree_mtcars", "mpg ~ poly(hp, degree = 2) + wt", 'Gamma(link = "log")',
       mtcars, "mtcars", data.frame(hp = c(52, 150, 335, 400), wt = c(2, 3, 4, 5)),
       tags = c("poly", "orthogonal"))

cat("\n--- log, exp, sqrt\n")
record("log2_cars", "dist ~ log(speed, 2)", 'poisson(link = "log")', cars, "cars", speeds,
       tags = "log_base")
record("log_base10_sqrt_cars", "dist ~ log(speed, base = 10) + sqrt(speed)",
       'Gamma(link = "log")', cars, "cars", speeds, tags = c("log_base", "sqrt"))
record("exp_mtcars", "mpg ~ exp(wt/2) + log(hp)", 'gaussian(link = "identity")',
       mtcars, "mtcars", data.frame(wt = c(2, 3, 4), hp = c(100, 150, 250)),
       tags = c("exp", "log"))

cat("\n--- with missing values and several terms\n")
record("ns_bs_airquality_na", "Ozone ~ ns(Temp, df = 3) + bs(Wind, df = 4)",
       'Gamma(link = "log")', airquality, "airquality",
       data.frame(Temp = c(50, 56, 80, 97, 100), Wind = c(1, 1.7, 10, 20.7, 22)),
       tags = c("ns", "bs", "missing"),
       notes = "knots from all 153 rows, though 37 rows with missing Ozone are dropped")
record("poly_ns_birthwt", "low ~ poly(age, 2) + ns(lwt, df = 3) + smoke",
       'binomial(link = "logit")', birthwt, "birthwt",
       data.frame(age = c(14, 25, 45), lwt = c(80, 130, 260), smoke = c(0, 1, 0)),
       tags = c("poly", "ns", "binomial"))

cat("\n--- interactions with a factor\n")
tooth_new <- data.frame(supp = factor(c("OJ", "VC", "VC", "OJ"), levels = c("OJ", "VC")),
                        dose = c(0.25, 0.5, 1.5, 2.5))
record("poly_interaction_toothgrowth", "len ~ supp * poly(dose, 2)", 'gaussian(link = "identity")',
       ToothGrowth, "ToothGrowth", tooth_new, tags = c("poly", "interaction"))
record("ns_interaction_toothgrowth", "len ~ supp:ns(dose, df = 2)", 'Gamma(link = "log")',
       ToothGrowth, "ToothGrowth", tooth_new, tags = c("ns", "interaction"),
       notes = "no main effects: R codes supp by dummies in each ns column")

write_golden(cases, out_path, "tests/golden/make_golden_terms.R")
