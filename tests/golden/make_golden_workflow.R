# make_golden_workflow.R -- reference results for R's model workflow:
# update() and update.formula(), AIC()/BIC()/logLik() on several models,
# step()/stepAIC() with lower/upper scopes and k = log(n), MASS's dose.p(),
# and the GLM parts of MASS's scripts/ch07.R (Venables & Ripley, chapter 7),
# step by step. Run from the repository root:
#     Rscript tests/golden/make_golden_workflow.R
# Writes tests/golden/workflow_golden.json:
#   formulas: [{old, new, expected}]                 update.formula() text
#   update:   [{id, base {fn, formula, family, data, weights}, update {formula,
#              family}, expected {formula, coefficients, deviance, df_residual,
#              nobs, aic, theta}}]
#   models:   {name: model spec} of the tables
#   tables:   [{id, kind (AIC | BIC | logLik), models [names], k,
#              expected {row_names, df, values, print_text, warnings}}]
#   steps:    [{id, fn (step | stepAIC), model, scope, k, direction (null: not given),
#              expected {changes, df, aic, deviance, df_residual, final_formula,
#              coefficients, theta, print_text (the path as MASS prints it),
#              trace_text}}]
#   dose:     [{id, model, cf (R's, 1-based), p, expected {dose, se, print_text}}]
#   ch07:     {step name: R's numbers and printed text}
# Models are given as {fn, formula, family (R code), data (a bundled data set
# name; "bwt" is MASS's birthwt recoded as in ch07.R), weights}. Formulas are
# the same text in R and Python.
source(file.path("tests", "golden", "golden_helpers.R"))
data(anorexia, birthwt, housing, package = "MASS", envir = environment())

budworm_w <- transform(budworm, prop = numdead / 20)
bwt <- with(birthwt, {
  race <- factor(race, labels = c("white", "black", "other"))
  ptd <- factor(ptl > 0)
  ftv <- factor(ftv)
  levels(ftv)[-(1:2)] <- "2+"
  data.frame(low = factor(low), age, lwt, race, smoke = (smoke > 0), ptd,
             ht = (ht > 0), ui = (ui > 0), ftv)
})
frames <- list(budworm = budworm, budworm_w = budworm_w, cars = cars,
               airquality = airquality, warpbreaks = warpbreaks, quine = quine,
               Insurance = Insurance, bwt = bwt, anorexia = anorexia,
               housing = housing)

spec <- function(fn, formula, family = NULL, data, weights = NULL) {
  list(fn = fn, formula = formula, family = family, data = data, weights = weights)
}

# Fit a model spec in the global environment, so that update(), step() and
# stepAIC() re-evaluate its call as they do for a user.
fit_spec <- function(s) {
  assign(s$data, frames[[s$data]], envir = globalenv())
  f <- as.formula(s$formula, env = globalenv())
  cl <- if (s$fn == "glm.nb") {
    call("glm.nb", formula = f, data = as.name(s$data))
  } else {
    call("glm", formula = f, family = str2lang(s$family), data = as.name(s$data))
  }
  if (!is.null(s$weights)) cl$weights <- as.name(s$weights)
  eval(cl, globalenv())
}

one_line <- function(f) paste(deparse(f, width.cutoff = 500L), collapse = " ")
printed <- function(x) paste(capture.output(print(x)), collapse = "\n")
nullable <- function(x) if (is.null(x)) NULL else x

fit_numbers <- function(fit) {
  list(formula = one_line(formula(fit)), coefficients = obj(coef(fit)),
       deviance = deviance(fit), df_residual = fit$df.residual,
       nobs = length(fit$y), aic = fit$aic, theta = nullable(fit$theta),
       theta_se = nullable(fit$SE.theta))
}

coef_table <- function(fit) {
  tab <- coef(summary(fit))
  list(names = arr(rownames(tab)), estimate = arr(tab[, 1]), se = arr(tab[, 2]),
       statistic = arr(tab[, 3]), p = arr(tab[, 4]))
}

frame_numbers <- function(tab) {
  columns <- list()
  for (nm in colnames(tab)) {
    v <- tab[[nm]]
    columns[[nm]] <- if (is.numeric(v)) arr(as.double(v)) else arr(as.character(v))
  }
  list(row_names = arr(rownames(tab)), columns = columns, print_text = printed(tab))
}

# --- update.formula ------------------------------------------------------
formula_pairs <- list(
  c("y ~ x + offset(o)", ". ~ . + z"), c("y ~ a*b", ". ~ . - a"), c("y ~ a*b", "~ . + x"),
  c("SF ~ sex + ldose - 1", ". ~ sex * I(ldose-3)"),
  c("SF ~ sex + ldose - 1", ". ~ sex + I(ldose-3) - 1"), c("y ~ x", "log(.) ~ ."),
  c("y ~ x + z", ". ~ . - 1"), c("y ~ x + z - 1", ". ~ . + 1"), c("y ~ b:a + a", ". ~ ."),
  c("y ~ x", "w ~ ."), c("y ~ x + offset(log(t))", ". ~ . - offset(log(t))"),
  c("y ~ x*z", ". ~ .^2 - x:z"), c("y ~ a+b", ". ~ (.)^2"), c("y ~ a/b", ". ~ ."),
  c("y ~ x", ". ~ . + I(x^2)"), c("y ~ 0 + x", ". ~ ."), c("y ~ x", "~ 1"),
  c("y ~ x", ". ~ . - x"), c("cbind(a, b) ~ x", ". ~ . + z"),
  c("y ~ poly(x, 2) + z", ". ~ . - z"), c("y ~ x + z", ". ~ z + x"),
  c("y ~ x:z + x", ". ~ ."), c("y ~ x %in% z", ". ~ ."),
  c("y ~ a*b*c", ". ~ . - a:b:c - b:c"), c("y ~ x + offset(o) - 1", ". ~ . + z"),
  c("y ~ x", ". ~ . -x - 1"), c("y ~ x", ". ~ 0"), c("y ~ x + offset(o)", ". ~ 1"),
  c("y ~ x + offset(o)", ". ~ . - 1"), c("y ~ -1 + x", ". ~ ."), c("y ~ x", ". ~ . + 0"),
  c("y ~ x", ". ~ . + log(x, base=10)"), c("y ~ x", ". ~ . + poly(x,2,raw=TRUE)"),
  c("y ~ x", ". ~ . + I(x>0.5)"), c("y ~ x", ". ~ . + (a+b)^2"),
  c("y ~ x", "sqrt(.) ~ . + z"), c("y ~ x + z", ". ~ . - z + w"),
  c("cbind(d, 20-d) ~ x", ". ~ ."), c("y ~ a+b+c", ". ~ . - b:c"),
  c("y ~ (a+b+c)^2", ". ~ . - a:c"), c("y ~ a*b + c", ". ~ .:c"),
  c("y ~ a + b", ". ~ a %in% (b + c)"), c("y ~ Eth*Sex*Age*Lrn", ". ~ . - Eth:Sex:Age:Lrn"),
  c("Freq ~ Infl*Type*Cont + Sat", ". ~ . + Sat:(Infl+Type+Cont)"))
formulas <- lapply(formula_pairs, function(p) {
  list(old = p[1], new = p[2],
       expected = one_line(update.formula(as.formula(p[1]), as.formula(p[2]))))
})

# --- update() --------------------------------------------------------------
update_cases <- list()
record_update <- function(id, base, formula = NULL, family = NULL) {
  m <- fit_spec(base)
  cl <- call("update", quote(m))
  if (!is.null(formula)) cl$formula. <- as.formula(formula, env = globalenv())
  if (!is.null(family)) cl$family <- str2lang(family)
  fit <- suppressWarnings(eval(cl))
  update_cases[[length(update_cases) + 1]] <<- list(
    id = id, base = base, update = list(formula = formula, family = family),
    expected = fit_numbers(fit))
}
bud_lg <- spec("glm", "cbind(numdead, numalive) ~ sex*ldose", "binomial", "budworm")
bud_lg0 <- spec("glm", "cbind(numdead, numalive) ~ sex + ldose - 1", "binomial", "budworm")
record_update("budworm_sex_times_centred_dose", bud_lg, ". ~ sex * I(ldose - 3)")
record_update("budworm_add_quadratic", bud_lg, ". ~ . + sex * I(ldose^2)")
record_update("budworm_probit_family", bud_lg0, family = "binomial(link = probit)")
record_update("budworm_cloglog_family_and_formula", bud_lg0, ". ~ . + sex:ldose",
              family = "binomial(link = cloglog)")
record_update("cars_log_response", spec("glm", "dist ~ speed", "gaussian", "cars"),
              "log(.) ~ .")
record_update("cars_no_intercept", spec("glm", "dist ~ speed", "gaussian", "cars"),
              ". ~ . - 1")
record_update("airquality_added_variable_with_na",
              spec("glm", "Ozone ~ Wind", "gaussian", "airquality"), "~ . + Solar.R")
record_update("airquality_new_response",
              spec("glm", "Ozone ~ Wind + Temp", "poisson", "airquality"), "Solar.R ~ .")
record_update("warpbreaks_minus_interaction",
              spec("glm", "breaks ~ wool * tension", "poisson", "warpbreaks"),
              ". ~ . - wool:tension")
record_update("warpbreaks_quasipoisson_family",
              spec("glm", "breaks ~ wool + tension", "poisson", "warpbreaks"),
              family = "quasipoisson")
record_update("insurance_formula_offset_kept",
              spec("glm", "Claims ~ District + offset(log(Holders))", "poisson", "Insurance"),
              ". ~ . + Age")
record_update("budworm_weights_kept",
              spec("glm", "prop ~ ldose", "binomial", "budworm_w", weights = "total"),
              ". ~ . + sex")
record_update("quine_glm_nb_add_term", spec("glm.nb", "Days ~ Eth + Sex", data = "quine"),
              ". ~ . + Age")
record_update("quine_glm_nb_drop_term", spec("glm.nb", "Days ~ Eth + Sex + Age + Lrn",
                                             data = "quine"), ". ~ . - Lrn")
record_update("quine_negative_binomial_2_nested",
              spec("glm", "Days ~ .^4", "negative.binomial(2)", "quine"),
              ". ~ Sex/(Age + Eth*Lrn)")

# --- AIC(), BIC(), logLik() --------------------------------------------------
table_cases <- list()
model_specs <- list(small = bud_lg0, large = bud_lg,
                    gauss = spec("glm", "dist ~ speed", "gaussian", "cars"),
                    gamma = spec("glm", "dist ~ speed", "Gamma", "cars"),
                    quasi = spec("glm", "breaks ~ wool", "quasipoisson", "warpbreaks"),
                    pois = spec("glm", "breaks ~ wool", "poisson", "warpbreaks"),
                    nb1 = spec("glm.nb", "Days ~ Eth + Sex", data = "quine"),
                    nb2 = spec("glm.nb", "Days ~ Eth + Sex + Age + Lrn", data = "quine"),
                    air1 = spec("glm", "Ozone ~ Wind", "gaussian", "airquality"),
                    air2 = spec("glm", "Ozone ~ Wind + Solar.R", "gaussian", "airquality"))
fits <- lapply(model_specs, fit_spec)
record_table <- function(id, kind, models, k = NULL) {
  env <- list2env(fits[models])
  args <- lapply(models, as.name)
  cl <- as.call(c(as.name(kind), args))
  if (!is.null(k)) cl$k <- k
  res <- with_warnings(eval(cl, env))
  v <- res$value
  expected <- if (kind == "logLik") {
    list(row_names = NULL, df = attr(v, "df"), values = arr(as.double(v)),
         nobs = attr(v, "nobs"))
  } else if (is.data.frame(v)) {
    list(row_names = arr(rownames(v)), df = arr(v$df), values = arr(v[[2]]))
  } else {
    list(row_names = NULL, df = NULL, values = arr(v))
  }
  expected$print_text <- printed(v)
  expected$warnings <- arr(res$warnings)
  table_cases[[length(table_cases) + 1]] <<- list(
    id = id, kind = kind, models = arr(models), k = k, expected = expected)
}
record_table("aic_budworm_two", "AIC", c("small", "large"))
record_table("bic_budworm_two", "BIC", c("small", "large"))
record_table("aic_budworm_two_k3", "AIC", c("small", "large"), k = 3)
record_table("aic_budworm_one", "AIC", "small")
record_table("aic_one_k_log_n", "AIC", "large", k = log(12))
record_table("bic_budworm_one", "BIC", "small")
record_table("aic_three_families", "AIC", c("gauss", "gamma", "small"))
record_table("bic_gaussian_gamma", "BIC", c("gauss", "gamma"))
record_table("aic_quasi_is_na", "AIC", c("quasi", "pois"))
record_table("aic_negbin_theta_counted", "AIC", c("nb1", "nb2"))
record_table("bic_negbin", "BIC", c("nb1", "nb2"))
record_table("aic_different_nobs_warns", "AIC", c("air1", "air2"))
for (nm in c("small", "gauss", "gamma", "quasi", "nb1", "air2")) {
  record_table(paste0("loglik_", nm), "logLik", nm)
}

# --- step() / stepAIC() ----------------------------------------------------------
step_cases <- list()
anova_text <- function(a) {
  class(a) <- c("Anova", "data.frame")  # MASS's print of a stepwise path
  printed(a)
}
record_step <- function(id, fn, model, scope = NULL, k = 2, direction = NULL) {
  m <- fit_spec(model)
  cl <- call(fn, quote(m), k = k)
  if (!is.null(scope)) {
    cl$scope <- if (is.list(scope)) {
      lapply(scope, function(x) as.formula(x, env = globalenv()))
    } else as.formula(scope, env = globalenv())
  }
  # a direction given (even "both") lets a step without scope add back the
  # initial model's terms; a missing one makes it backward only
  if (!is.null(direction)) cl$direction <- direction
  trace <- capture.output(fit <- suppressWarnings(eval(cl)))
  a <- fit$anova
  step_cases[[length(step_cases) + 1]] <<- list(
    id = id, fn = fn, model = model, scope = scope, k = k, direction = direction,
    expected = list(
      changes = arr(as.character(a$Step)), df = arr(as.double(a$Df)), aic = arr(a$AIC),
      deviance = arr(a[["Resid. Dev"]]), df_residual = arr(a[["Resid. Df"]]),
      final_formula = one_line(formula(fit)), coefficients = obj(coef(fit)),
      theta = nullable(fit$theta), print_text = anova_text(a),
      trace_text = paste(trace, collapse = "\n")))
}
bwt_glm <- spec("glm", "low ~ .", "binomial", "bwt")
quine_pois <- spec("glm", "Days ~ Eth + Sex + Age + Lrn", "poisson", "quine")
record_step("birthwt_stepAIC", "stepAIC", bwt_glm)
record_step("birthwt_stepAIC_quadratic_scope", "stepAIC", bwt_glm,
            scope = "~ .^2 + I(scale(age)^2) + I(scale(lwt)^2)")
record_step("birthwt_step_quadratic_scope", "step", bwt_glm,
            scope = "~ .^2 + I(scale(age)^2) + I(scale(lwt)^2)")
record_step("birthwt_step_bic", "step", bwt_glm, k = log(189))
record_step("birthwt_step_bic_direction_given", "step", bwt_glm, k = log(189),
            direction = "both")
record_step("birthwt_step_lower_upper_bic", "step", bwt_glm,
            scope = list(lower = "~ lwt + ptd", upper = "~ .^2"), k = log(189))
record_step("quine_poisson_lower_upper_bic", "step", quine_pois,
            scope = list(lower = "~ 1", upper = "~ .^2"), k = log(146))
record_step("quine_poisson_forward_upper_only", "stepAIC",
            spec("glm", "Days ~ 1", "poisson", "quine"),
            scope = list(upper = "~ Eth * Sex * Age"), direction = "forward")
record_step("quine_negbin_lower_upper_bic", "stepAIC",
            spec("glm.nb", "Days ~ Eth + Sex + Age + Lrn", data = "quine"),
            scope = list(lower = "~ 1", upper = "~ .^2"), k = log(146))

# --- dose.p ------------------------------------------------------------------------
dose_cases <- list()
record_dose <- function(id, model, cf, p) {
  m <- fit_spec(model)
  d <- dose.p(m, cf = cf, p = p)
  dose_cases[[length(dose_cases) + 1]] <<- list(
    id = id, model = model, cf = arr(cf), p = arr(p),
    expected = list(dose = arr(as.double(d)), se = arr(as.double(attr(d, "SE"))),
                    print_text = printed(d)))
}
record_dose("budworm_logit", bud_lg0, c(1, 3), 1:3 / 4)
record_dose("budworm_probit",
            spec("glm", "cbind(numdead, numalive) ~ sex + ldose - 1",
                 "binomial(link = probit)", "budworm"), c(1, 3), 1:3 / 4)
record_dose("budworm_logit_male", bud_lg0, c(2, 3), c(0.1, 0.5, 0.999))
record_dose("budworm_cloglog_default_cf",
            spec("glm", "cbind(numdead, numalive) ~ ldose", "binomial(link = cloglog)",
                 "budworm"), 1:2, 0.5)

# --- MASS's ch07.R, step by step --------------------------------------------------
options(contrasts = c("contr.treatment", "contr.poly"))
ch07 <- list()
ax.1 <- glm(Postwt ~ Prewt + Treat + offset(Prewt), family = gaussian, data = anorexia)
ch07$anorexia <- c(fit_numbers(ax.1), list(table = coef_table(ax.1),
                                           dispersion = summary(ax.1)$dispersion))

budworm.lg <- glm(cbind(numdead, numalive) ~ sex*ldose, family = binomial, data = budworm)
ch07$budworm_lg <- c(fit_numbers(budworm.lg), list(table = coef_table(budworm.lg)))
new_m <- data.frame(ldose = seq(0, 5, 0.1), sex = factor("M", levels = c("F", "M")))
new_f <- data.frame(ldose = seq(0, 5, 0.1), sex = factor("F", levels = c("F", "M")))
ch07$budworm_curves <- list(male = arr(predict(budworm.lg, new_m, type = "response")),
                            female = arr(predict(budworm.lg, new_f, type = "response")))
budworm.lgA <- update(budworm.lg, . ~ sex * I(ldose - 3))
ch07$budworm_lgA <- c(fit_numbers(budworm.lgA), list(table = coef_table(budworm.lgA)))
quad <- anova(update(budworm.lg, . ~ . + sex * I(ldose^2)), test = "Chisq")
ch07$budworm_quadratic_anova <- frame_numbers(quad)
budworm.lg0 <- glm(cbind(numdead, numalive) ~ sex + ldose - 1, family = binomial,
                   data = budworm)
ch07$budworm_lg0 <- c(fit_numbers(budworm.lg0), list(table = coef_table(budworm.lg0)))
d1 <- dose.p(budworm.lg0, cf = c(1, 3), p = 1:3 / 4)
d2 <- dose.p(update(budworm.lg0, family = binomial(link = probit)), cf = c(1, 3),
             p = 1:3 / 4)
ch07$dose_logit <- list(dose = arr(as.double(d1)), se = arr(as.double(attr(d1, "SE"))),
                        print_text = printed(d1))
ch07$dose_probit <- list(dose = arr(as.double(d2)), se = arr(as.double(attr(d2, "SE"))),
                         print_text = printed(d2))

birthwt.glm <- glm(low ~ ., family = binomial, data = bwt)
ch07$birthwt_glm <- c(fit_numbers(birthwt.glm), list(table = coef_table(birthwt.glm)))
birthwt.step <- stepAIC(birthwt.glm, trace = FALSE)
ch07$birthwt_step <- list(print_text = printed(birthwt.step$anova),
                          path_aic = arr(birthwt.step$anova$AIC))
birthwt.step2 <- stepAIC(birthwt.glm, ~ .^2 + I(scale(age)^2) + I(scale(lwt)^2),
                         trace = FALSE)
ch07$birthwt_step2 <- c(fit_numbers(birthwt.step2),
                        list(print_text = printed(birthwt.step2$anova),
                             path_aic = arr(birthwt.step2$anova$AIC),
                             table = coef_table(birthwt.step2)))
tab <- table(bwt$low, predict(birthwt.step2) > 0)
ch07$birthwt_confusion <- list(counts = arr(as.integer(tab)), rows = arr(rownames(tab)),
                               columns = arr(colnames(tab)))

house.glm0 <- glm(Freq ~ Infl*Type*Cont + Sat, family = poisson, data = housing)
ch07$house_glm0 <- c(fit_numbers(house.glm0), list(table = coef_table(house.glm0)))
ch07$house_addterm <- frame_numbers(addterm(house.glm0, ~. + Sat:(Infl+Type+Cont),
                                            test = "Chisq"))
house.glm1 <- update(house.glm0, . ~ . + Sat:(Infl+Type+Cont))
ch07$house_glm1 <- c(fit_numbers(house.glm1),
                     list(table = coef_table(house.glm1),
                          p_fit = 1 - pchisq(deviance(house.glm1), house.glm1$df.resid)))
ch07$house_dropterm <- frame_numbers(dropterm(house.glm1, test = "Chisq"))
ch07$house_addterm2 <- frame_numbers(addterm(house.glm1, ~. + Sat:(Infl+Type+Cont)^2,
                                             test = "Chisq"))
hnames <- lapply(housing[, -5], levels)
house.pm <- predict(house.glm1, expand.grid(hnames), type = "response")
house.pm <- matrix(house.pm, ncol = 3, byrow = TRUE, dimnames = list(NULL, hnames[[1]]))
house.pr <- house.pm / drop(house.pm %*% rep(1, 3))
ch07$house_probabilities <- list(low = arr(house.pr[, 1]), medium = arr(house.pr[, 2]),
                                 high = arr(house.pr[, 3]))

quine.pois <- glm(Days ~ .^4, family = poisson, data = quine)
ch07$quine_poisson <- fit_numbers(quine.pois)
quine.nb <- glm(Days ~ .^4, family = negative.binomial(2), data = quine)
ch07$quine_negbin2 <- fit_numbers(quine.nb)
quine.nb0 <- update(quine.nb, . ~ Sex/(Age + Eth*Lrn))
ch07$quine_negbin2_nested <- fit_numbers(quine.nb0)
ch07$quine_negbin2_anova <- frame_numbers(anova(quine.nb0, quine.nb, test = "Chisq"))
quine.nb <- glm.nb(Days ~ .^4, data = quine)
ch07$quine_glm_nb <- c(fit_numbers(quine.nb), list(twologlik = quine.nb$twologlik))
quine.nb2 <- stepAIC(quine.nb, trace = FALSE)
ch07$quine_stepAIC <- c(fit_numbers(quine.nb2),
                        list(print_text = printed(quine.nb2$anova),
                             path_aic = arr(quine.nb2$anova$AIC)))
ch07$quine_dropterm <- frame_numbers(dropterm(quine.nb2, test = "Chisq"))
quine.nb3 <- update(quine.nb2, . ~ . - Eth:Age:Lrn - Sex:Age:Lrn)
ch07$quine_nb3 <- fit_numbers(quine.nb3)
nb_anova <- suppressWarnings(anova(quine.nb2, quine.nb3))
ch07$quine_nb_anova <- list(print_text = printed(nb_anova),
                            lr = arr(as.double(nb_anova[["LR stat."]])),
                            p = arr(as.double(nb_anova[["Pr(Chi)"]])))
ch07$quine_theta <- list(theta = quine.nb2$theta, se = quine.nb2$SE.theta)
rs <- resid(quine.nb2, type = "deviance")
ch07$quine_residuals <- list(deviance = arr(rs), link = arr(predict(quine.nb2)))

doc <- list(r_version = R.version.string,
            mass_version = as.character(packageVersion("MASS")),
            generated_by = "tests/golden/make_golden_workflow.R",
            formulas = formulas, update = update_cases, models = model_specs,
            tables = table_cases,
            steps = step_cases, dose = dose_cases, ch07 = ch07)
out <- file.path("tests", "golden", "workflow_golden.json")
txt <- to_json(doc)
stopifnot(jsonlite::validate(txt))
writeLines(txt, out, useBytes = TRUE)
cat(sprintf("wrote %s: %d formulas, %d updates, %d tables, %d steps, %d doses, %d ch07 steps\n",
            out, length(formulas), length(update_cases), length(table_cases),
            length(step_cases), length(dose_cases), length(ch07)))
