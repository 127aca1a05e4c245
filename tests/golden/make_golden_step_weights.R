# make_golden_step_weights.R -- step() and MASS::stepAIC() on glm fits with
# prior weights that include zeros (nobs() below the number of rows; a gaussian
# fit whose AIC is +Inf), an offset term, a lower scope, forward selection and
# k = log(n). Run from the repository root:
#     Rscript tests/golden/make_golden_step_weights.R
# Writes tests/golden/step_weights_golden.json. Each case has id, fun ("step" |
# "stepAIC"), formula, family, link, weights (column or null), scope (null, a
# formula, or {lower, upper}), direction (null or given), k (null or a number),
# data (as encode_data), expected {trace_text, path_text (fit$anova printed as MASS's Anova class),
# changes, df_residual, aic (null where +Inf), aic_infinite, final_formula}.
source(file.path("tests", "golden", "golden_helpers.R"))

set.seed(20261202)
n <- 40
d <- data.frame(x = rnorm(n),
                g = factor(sample(c("a", "b", "c"), n, TRUE)),
                h = factor(rep(c("p", "q"), n / 2)),
                u = seq(0, 1, length.out = n)^2,
                w = sample(0:3, n, TRUE), e = runif(n, 1, 3))
d$y <- rpois(n, exp(0.3 + 0.4 * d$x))
d$yb <- rbinom(n, 1, plogis(d$x))
d$yg <- rgamma(n, 2, 2 / exp(1 + 0.2 * d$x))

cases <- list()
record <- function(id, fun, formula, family, link, weights = NULL, scope = NULL,
                   direction = NULL, k = NULL) {
  args <- list(formula = as.formula(formula), family = get(family)(link = link), data = d)
  if (!is.null(weights)) args$weights <- d[[weights]]
  m <- do.call(glm, args)
  sargs <- list(m)
  if (is.list(scope)) sargs$scope <- lapply(scope, as.formula)
  else if (!is.null(scope)) sargs$scope <- as.formula(scope)
  if (!is.null(direction)) sargs$direction <- direction
  if (!is.null(k)) sargs$k <- k
  f <- if (fun == "step") step else MASS::stepAIC
  trace <- capture.output(fit <- suppressWarnings(do.call(f, sargs)))
  a <- fit$anova
  cases[[length(cases) + 1]] <<- list(
    id = id, fun = fun, formula = formula, family = family, link = link, weights = weights,
    scope = if (is.list(scope)) obj(unlist(scope)) else scope, direction = direction, k = k,
    data = encode_data(d),
    expected = list(trace_text = paste(trace, collapse = "\n"),
                    # MASS's print of the path (glmformula prints step()'s as stepAIC's)
                    path_text = paste(capture.output(print(structure(
                      a, class = c("Anova", "data.frame")))), collapse = "\n"),
                    changes = arr(as.character(a$Step)), df_residual = arr(a[["Resid. Df"]]),
                    aic = arr(ifelse(is.finite(a$AIC), a$AIC, NA)),  # +Inf as null
                    aic_infinite = arr(is.infinite(a$AIC)),
                    final_formula = paste(deparse(formula(fit), width.cutoff = 500L),
                                          collapse = " ")))
}

scope1 <- list(lower = "~ 1", upper = "~ x * g + h + u")
record("step_gaussian_zero_weights_aic_inf", "step", "yg ~ x + g", "gaussian", "identity",
       weights = "w", scope = scope1)
record("stepAIC_gaussian_zero_weights_aic_inf", "stepAIC", "yg ~ x + g", "gaussian",
       "identity", weights = "w", scope = scope1)
record("step_binomial_forward", "step", "yb ~ 1", "binomial", "logit",
       scope = "~ x + g + h + u", direction = "forward")
record("step_poisson_offset_lower", "step", "y ~ g + h + offset(log(e))", "poisson", "log",
       scope = list(lower = "~ h", upper = "~ g * h + u + x"))
record("stepAIC_gamma_bic", "stepAIC", "yg ~ x * g + u", "Gamma", "log", k = log(n))
record("step_binomial_zero_weights", "step", "yb ~ x + g + h + u", "binomial", "logit",
       weights = "w")
record("stepAIC_binomial_zero_weights", "stepAIC", "yb ~ x + g + h + u", "binomial", "logit",
       weights = "w")

write_golden(cases, file.path("tests", "golden", "step_weights_golden.json"),
             "tests/golden/make_golden_step_weights.R")
