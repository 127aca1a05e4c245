# make_golden.R -- reference ("golden") glm() fits from R for glmformula's tests.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden.R
# Writes tests/golden/glm_golden.json (schema: see tests/golden/README.md).
#
# Needs R with the recommended package MASS and jsonlite (jsonlite is only
# used to escape strings and to validate the output; numbers are written by
# to_json() below with 17 significant digits, because jsonlite caps numbers
# at 15 significant digits, which does not round-trip a double).

suppressPackageStartupMessages({
  library(MASS)
  library(jsonlite)
})

# Plain ASCII quotes in the "Signif. codes" legend whatever the locale
# (R prints curly quotes in a UTF-8 locale by default).
options(useFancyQuotes = FALSE)

out_path <- file.path("tests", "golden", "glm_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")

# ---------------------------------------------------------------------------
# A small JSON writer that keeps full double precision.
#   NULL / NA / NaN     -> null
#   named list          -> object        unnamed list  -> array
#   atomic, length 1    -> scalar        atomic, other -> array
#   double              -> "%.17g"       (round-trips exactly)
# Wrap a vector in arr() to force an array even when it has length 1, and
# use obj() for a named vector that must become an object.
# ---------------------------------------------------------------------------
arr <- function(x) as.list(unname(x))
obj <- function(x) { l <- as.list(x); names(l) <- names(x); l }

json_scalar <- function(v) {
  if (is.factor(v)) v <- as.character(v)
  if (length(v) != 1) stop("json_scalar: length ", length(v))
  if (is.na(v)) return("null")
  if (is.logical(v)) return(if (v) "true" else "false")
  if (is.integer(v)) return(as.character(v))
  if (is.double(v)) {
    if (!is.finite(v)) stop("non-finite number in output: ", v)
    return(sprintf("%.17g", v))
  }
  if (is.character(v)) return(as.character(jsonlite::toJSON(v, auto_unbox = TRUE)))
  stop("json_scalar: unsupported type ", typeof(v))
}

to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    nm <- names(x)
    if (!is.null(nm) && length(x) > 0) {
      if (any(nm == "")) stop("partly named list")
      parts <- vapply(seq_along(x), function(i)
        paste0(json_scalar(nm[i]), ":", to_json(x[[i]])), "")
      return(paste0("{", paste(parts, collapse = ","), "}"))
    }
    if (!is.null(nm) && length(x) == 0) return("{}")
    parts <- vapply(x, to_json, "")
    return(paste0("[", paste(parts, collapse = ","), "]"))
  }
  if (is.matrix(x)) stop("convert matrices explicitly")
  if (length(x) == 1) return(json_scalar(x))
  if (is.factor(x)) x <- as.character(x)
  paste0("[", paste(vapply(seq_along(x), function(i) json_scalar(x[i]), ""),
                    collapse = ","), "]")
}

# ---------------------------------------------------------------------------
# Fitting and extraction
# ---------------------------------------------------------------------------
cases <- list()
default_control <- list(epsilon = 1e-8, maxit = 25)

# Evaluate expr, collecting warnings instead of printing them.
with_warnings <- function(expr) {
  w <- character(0)
  val <- withCallingHandlers(expr, warning = function(cond) {
    w <<- c(w, conditionMessage(cond))
    invokeRestart("muffleWarning")
  })
  list(value = val, warnings = w)
}

null_if_na <- function(v) if (length(v) != 1 || is.na(v)) NULL else v

encode_data <- function(d) {
  columns <- list()
  factors <- list()
  for (nm in names(d)) {
    col <- d[[nm]]
    if (is.factor(col)) {
      columns[[nm]] <- arr(as.character(col))
      factors[[nm]] <- list(levels = arr(levels(col)), ordered = is.ordered(col))
    } else if (is.numeric(col)) {
      columns[[nm]] <- arr(as.double(col))
    } else {
      stop("column ", nm, ": unsupported type ", class(col)[1])
    }
  }
  if (length(factors) == 0) factors <- structure(list(), names = character(0))
  list(columns = columns, factors = factors)
}

# record(): fit one reference model and append it to `cases`.
#   id          unique case id
#   r_formula   formula text given to R
#   family_call family constructor as R code, e.g. 'binomial(link = "probit")'
#   data        data frame; reduced to the columns the model uses
#   data_name   name the data frame has in the recorded call (cosmetic)
#   formula     the same model in glmformula (Python) syntax (default: r_formula)
#   weights, offset   names of columns passed as weights= / offset=
#   control     list(epsilon=, maxit=) (only non-default ones appear in the call)
#   start       starting coefficients
#   link_power  for power() links: the exponent
#   tags, notes free text for the Python tests (what the case exercises)
record <- function(id, r_formula, family_call, data, data_name,
                   formula = r_formula, weights = NULL, offset = NULL,
                   control = NULL, start = NULL, link_power = NULL,
                   tags = character(0), notes = NULL) {
  if (id %in% vapply(cases, `[[`, "", "id")) stop("duplicate id ", id)
  f <- as.formula(r_formula, env = globalenv())
  vars <- unique(c(all.vars(f), weights, offset))
  d <- data[, vars, drop = FALSE]
  rownames(d) <- NULL

  ctrl <- modifyList(default_control, if (is.null(control)) list() else control)
  cl <- call("glm", formula = f, family = str2lang(family_call),
             data = as.name(data_name))
  if (!is.null(weights)) cl$weights <- as.name(weights)
  if (!is.null(offset)) cl$offset <- as.name(offset)
  if (!is.null(start)) cl$start <- start
  if (!is.null(control)) cl$control <- as.call(c(as.name("list"), control))

  env <- new.env(parent = globalenv())
  assign(data_name, d, envir = env)
  fit <- with_warnings(eval(cl, env))
  m <- fit$value
  s <- summary(m)
  fam <- m$family

  cf <- coef(m)
  ct <- s$coefficients
  cov_scaled <- s$cov.scaled
  stopifnot(identical(rownames(ct), rownames(cov_scaled)))

  ll <- tryCatch(as.numeric(logLik(m)), error = function(e) NA_real_)
  bic <- tryCatch(BIC(m), error = function(e) NA_real_)
  ll_df <- tryCatch(attr(logLik(m), "df"), error = function(e) NA_integer_)

  expected <- list(
    coefficients = obj(cf),
    std_errors = obj(setNames(ct[, 2], rownames(ct))),
    statistic = obj(setNames(ct[, 3], rownames(ct))),
    p_values = obj(setNames(ct[, 4], rownames(ct))),
    statistic_name = colnames(ct)[3],
    aliased = obj(s$aliased),
    deviance = m$deviance,
    null_deviance = m$null.deviance,
    df_residual = as.integer(m$df.residual),
    df_null = as.integer(m$df.null),
    aic = null_if_na(m$aic),
    dispersion = s$dispersion,
    iter = as.integer(m$iter),
    converged = m$converged,
    boundary = m$boundary,
    rank = as.integer(m$rank),
    nobs_used = length(m$y),
    nobs = as.integer(nobs(m)),
    n_dropped_na = if (is.null(m$na.action)) 0L else length(m$na.action),
    fitted = arr(fitted(m)),
    linear_predictor = arr(m$linear.predictors),
    y = arr(m$y),
    prior_weights = arr(m$prior.weights),
    working_weights = arr(m$weights),
    residuals = list(
      deviance = arr(residuals(m, type = "deviance")),
      pearson = arr(residuals(m, type = "pearson")),
      working = arr(residuals(m, type = "working")),
      response = arr(residuals(m, type = "response"))
    ),
    vcov_names = arr(rownames(cov_scaled)),
    vcov = lapply(seq_len(nrow(cov_scaled)), function(i) arr(cov_scaled[i, ])),
    loglik = null_if_na(ll),
    loglik_df = null_if_na(ll_df),
    bic = null_if_na(bic),
    summary_text = paste(capture.output(print(s)), collapse = "\n")
  )

  case <- list(
    id = id,
    formula = formula,
    r_formula = r_formula,
    r_call = paste(deparse(cl, width.cutoff = 500L), collapse = " "),
    family = fam$family,
    link = fam$link,
    link_power = link_power,
    variance = if (fam$family == "quasi") fam$varfun else NULL,
    weights = weights,
    offset = offset,
    control = list(epsilon = ctrl$epsilon, maxit = as.integer(ctrl$maxit)),
    start = if (is.null(start)) NULL else arr(start),
    tags = arr(tags),
    notes = notes,
    r_warnings = arr(fit$warnings),
    data = encode_data(d),
    expected = expected
  )
  cases[[length(cases) + 1]] <<- case
  cat(sprintf("%-50s iter=%2d conv=%-5s rank=%d/%d warn=%s\n", id, m$iter,
              m$converged, m$rank, length(cf),
              paste(unique(fit$warnings), collapse = " | ")))
  invisible(m)
}

unorder <- function(d) {
  for (nm in names(d)) if (is.ordered(d[[nm]])) d[[nm]] <- factor(d[[nm]], ordered = FALSE)
  d
}

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
data(warpbreaks, InsectSprays, esoph, mtcars, cars, airquality,
     package = "datasets", envir = environment())
data(ships, quine, Insurance, package = "MASS", envir = environment())

# MASS (Venables & Ripley) budworm data
budworm <- data.frame(
  ldose = rep(0:5, 2),
  numdead = c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16),
  sex = factor(rep(c("M", "F"), c(6, 6)))          # levels F, M
)
budworm$numalive <- 20 - budworm$numdead
budworm$total <- 20
budworm$prop <- budworm$numdead / budworm$total

# Dobson / McCullagh & Nelder clotting times
clotting <- data.frame(
  u = c(5, 10, 15, 20, 30, 40, 60, 80, 100),
  lot1 = c(118, 58, 42, 35, 27, 25, 21, 19, 18),
  lot2 = c(69, 35, 26, 21, 18, 16, 13, 12, 12)
)
clotting_long <- data.frame(
  u = rep(clotting$u, 2),
  conc = c(clotting$lot1, clotting$lot2),
  lot = factor(rep(c("lot1", "lot2"), each = 9))
)
clotting$w <- c(1.5, 0.5, 2.25, 1, 0.75, 1.25, 3.1, 0.4, 1.7)   # non-integer weights

mt <- mtcars
mt$cyl <- factor(mt$cyl)                                   # levels 4, 6, 8
mt$vs_f <- factor(ifelse(mt$vs == 1, "S", "V"), levels = c("V", "S"))
mt$w <- round(100 / mt$disp, 4)                            # non-integer weights
mt$whp <- 2 * mt$wt - mt$hp                                # exact linear combination

ships2 <- subset(ships, service > 0)
ships2$year <- factor(ships2$year)
ships2$period <- factor(ships2$period)
ships2$log_service <- log(ships2$service)

insurance <- unorder(Insurance)       # Group and Age are ordered in MASS

esoph_u <- unorder(esoph)

aq <- airquality
names(aq)[names(aq) == "Solar.R"] <- "Solar_R"

wb_zero <- warpbreaks
wb_zero$wz <- 1
wb_zero$wz[c(2, 20, 41)] <- 0

wb_cell <- subset(warpbreaks, !(wool == "B" & tension == "H"))  # empty cell

# Simulated data ------------------------------------------------------------
set.seed(20240101)
expo <- data.frame(x = round(runif(40, 0, 2), 3),
                   time = round(runif(40, 0.5, 3), 2),
                   persons = sample(5:50, 40, replace = TRUE))
expo$y <- rpois(40, expo$time * expo$persons * exp(-3 + 0.7 * expo$x))
expo$log_persons <- log(expo$persons)
expo$log_time <- log(expo$time)

set.seed(7)
lowp <- data.frame(x = round(seq(0, 1, length.out = 25), 3), n = 40)
lowp$succ <- rbinom(25, lowp$n, exp(-2.5 + 1.2 * lowp$x))
lowp$fail <- lowp$n - lowp$succ

# Poisson identity link: from start = c(mean(y), 0) the first IRLS step leaves
# mu > 0 (found by simulation, values fixed here)
pid <- data.frame(
  x = c(8.2, 3.3, 1.5, 5, 4.6, 8.9, 6.2, 2.7, 7.9, 8.1, 5.5, 4.1, 7.4, 1, 1.6),
  y = c(15, 3, 3, 7, 5, 15, 5, 3, 15, 13, 4, 5, 8, 0, 3)
)

# Gamma identity link: an IRLS step gives mu < 0 and a NaN deviance
gid <- data.frame(
  x = c(7.8, 2, 0.9, 9.9, 2.4, 4.9, 1.7, 2.4, 0.3, 8.2, 7.5, 5.9, 2.4, 1.5, 2.1),
  y = c(7.563, 3.355, 1.339, 34.657, 2.089, 5.152, 3.053, 1.526, 0.885,
        19.382, 7.374, 0.46, 3.93, 4.767, 2.155)
)

# Overlapping but extreme binomial data: MLE exists, some mu are 0/1 numerically
sep01 <- data.frame(x = c(-300, -200, -150, -100, -2, -1, 0, 0, 1, 2, 100, 150, 200, 300),
                    y = c(0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1))
# Complete separation
sep <- data.frame(x = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                  y = c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1))

# NA in a factor and in a numeric column
set.seed(11)
nadat <- data.frame(g = factor(sample(c("a", "b", "c"), 30, replace = TRUE)),
                    x = round(rnorm(30), 3))
nadat$y <- rpois(30, exp(0.5 + 0.4 * nadat$x + 0.3 * (nadat$g == "b")))
nadat$g[c(3, 17)] <- NA
nadat$x[c(8, 17, 25)] <- NA

# Inverse Gaussian data
set.seed(3)
igd <- data.frame(x = round(runif(30, 1, 4), 3))
rinvgauss <- function(n, mean, shape) {  # Michael, Schucany & Haas (1976)
  nu <- rnorm(n)^2
  x1 <- mean + mean^2 * nu / (2 * shape) -
    mean / (2 * shape) * sqrt(4 * mean * shape * nu + mean^2 * nu^2)
  ifelse(runif(n) <= mean / (mean + x1), x1, mean^2 / x1)
}
igd$y <- round(rinvgauss(30, mean = 1 / sqrt(0.1 + 0.15 * igd$x), shape = 5), 4)

# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------
cat("\n--- gaussian\n")
record("gaussian_identity_cars", "dist ~ speed", 'gaussian(link = "identity")', cars, "cars")
record("gaussian_identity_cars_quadratic", "dist ~ speed + I(speed^2)",
       'gaussian(link = "identity")', cars, "cars", tags = "I()")
record("gaussian_identity_cars_noint_zero_plus", "dist ~ 0 + speed + I(speed^2)",
       'gaussian(link = "identity")', cars, "cars", tags = c("no_intercept", "I()"))
record("gaussian_log_mtcars", "mpg ~ wt + hp", 'gaussian(link = "log")', mt, "mtcars")
record("gaussian_inverse_mtcars", "mpg ~ wt + hp", 'gaussian(link = "inverse")', mt, "mtcars")
record("gaussian_identity_mtcars_factor_by_numeric", "mpg ~ cyl * wt",
       'gaussian(link = "identity")', mt, "mtcars", tags = c("factor", "interaction"),
       notes = "cyl is a factor column (R: factor(cyl))")
record("gaussian_identity_mtcars_weights_nonint", "mpg ~ wt + cyl",
       'gaussian(link = "identity")', mt, "mtcars", weights = "w",
       tags = c("weights", "non_integer_weights", "factor"),
       notes = "w = round(100/disp, 4); gaussian AIC uses sum(log(w))")
record("gaussian_identity_mtcars_aliased", "mpg ~ wt + hp + whp",
       'gaussian(link = "identity")', mt, "mtcars", tags = "aliased",
       notes = "whp = 2*wt - hp is an exact linear combination: coefficient NA")
record("gaussian_identity_airquality_na", "Ozone ~ Solar_R + Wind + Temp",
       'gaussian(link = "identity")', aq, "airquality", tags = "na",
       notes = "airquality with Solar.R renamed Solar_R; 42 rows dropped by na.omit")

cat("\n--- binomial\n")
record("binomial_logit_budworm_cbind_interaction", "cbind(numdead, numalive) ~ sex * ldose",
       'binomial(link = "logit")', budworm, "budworm", tags = c("cbind", "interaction"))
record("binomial_logit_budworm_nested_noint", "cbind(numdead, numalive) ~ sex/ldose - 1",
       'binomial(link = "logit")', budworm, "budworm",
       tags = c("cbind", "nested", "no_intercept"),
       notes = "sex/ldose - 1 = separate intercepts and slopes (MASS budworm.lg0)")
record("binomial_probit_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "probit")', budworm, "budworm", tags = "cbind")
record("binomial_cauchit_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "cauchit")', budworm, "budworm", tags = "cbind")
record("binomial_cloglog_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "cloglog")', budworm, "budworm", tags = "cbind")
record("binomial_log_lowprob", "cbind(succ, fail) ~ x",
       'binomial(link = "log")', lowp, "lowp", tags = "cbind",
       notes = "simulated, all probabilities < 0.3 so the log link is valid")
record("binomial_logit_budworm_prop_weights", "prop ~ sex + ldose",
       'binomial(link = "logit")', budworm, "budworm", weights = "total",
       tags = c("proportion_response", "weights"),
       notes = "proportion response with weights = number of trials; same fit as cbind form")
record("binomial_logit_mtcars_01", "am ~ hp + wt",
       'binomial(link = "logit")', mt, "mtcars", tags = "binary_01")
record("binomial_logit_mtcars_factor_response", "vs_f ~ mpg",
       'binomial(link = "logit")', mt, "mtcars", tags = "factor_response",
       notes = "vs_f has levels V (failure, first level) and S (success)")
record("binomial_logit_esoph", "cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp",
       'binomial(link = "logit")', esoph_u, "esoph", tags = c("cbind", "factor"),
       notes = "esoph ordered factors converted to unordered (treatment contrasts)")
record("binomial_logit_esoph_ordered_poly", "cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp",
       'binomial(link = "logit")', esoph, "esoph", tags = c("cbind", "ordered_factor"),
       notes = paste("ordered factors kept: R uses contr.poly (.L, .Q, .C, ^4, ^5 columns);",
                     "skip unless polynomial contrasts for ordered factors are implemented"))
record("binomial_logit_fitted_0_1", "y ~ x", 'binomial(link = "logit")', sep01, "sep01",
       tags = c("binary_01", "fitted_0_1"),
       notes = "MLE exists but several fitted probabilities are numerically 0 or 1 (R warns)")
record("binomial_logit_complete_separation", "y ~ x", 'binomial(link = "logit")', sep, "sep",
       tags = c("binary_01", "fitted_0_1", "separation"),
       notes = paste("complete separation: no MLE. Coefficients/SEs depend on the exact",
                     "iteration path; R stops at maxit = 25 with converged = FALSE and both",
                     "warnings. Compare deviance (~0), iter, converged and warnings; compare",
                     "coefficients only loosely"))

cat("\n--- poisson\n")
record("poisson_log_warpbreaks", "breaks ~ wool + tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = "factor")
record("poisson_log_warpbreaks_interaction", "breaks ~ wool * tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = c("factor", "interaction"))
record("poisson_log_warpbreaks_colon_only", "breaks ~ wool:tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = c("factor", "interaction", "aliased"),
       notes = paste("R codes wool:tension without main effects with full dummies for both",
                     "factors (7 columns, rank 6): woolB:tensionH is NA"))
record("poisson_log_warpbreaks_minus1", "breaks ~ tension - 1", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = c("factor", "no_intercept"))
record("poisson_log_warpbreaks_zero_plus", "breaks ~ 0 + wool + tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", tags = c("factor", "no_intercept"))
record("poisson_log_warpbreaks_empty_cell", "breaks ~ wool * tension", 'poisson(link = "log")',
       wb_cell, "warpbreaks_sub", tags = c("factor", "interaction", "aliased"),
       notes = "rows with wool B and tension H removed: woolB:tensionH is NA")
record("poisson_log_warpbreaks_start_eps", "breaks ~ wool + tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks", start = c(3, 0, 0, 0),
       control = list(epsilon = 1e-12, maxit = 50), tags = c("start", "control"))
record("poisson_log_warpbreaks_zero_weights", "breaks ~ wool + tension", 'poisson(link = "log")',
       wb_zero, "warpbreaks", weights = "wz", tags = c("weights", "zero_weights", "factor"),
       notes = paste("prior weight 0 for rows 2, 20, 41: they stay in fitted/residuals (length 54)",
                     "but are not counted in nobs, df_residual, df_null"))
record("poisson_identity_insectsprays", "count ~ spray", 'poisson(link = "identity")',
       InsectSprays, "InsectSprays", tags = "factor")
record("poisson_sqrt_insectsprays", "count ~ spray", 'poisson(link = "sqrt")',
       InsectSprays, "InsectSprays", tags = "factor")
record("poisson_identity_step_halving", "y ~ x", 'poisson(link = "identity")', pid, "pid",
       start = c(mean(pid$y), 0), tags = c("step_halving", "start"),
       notes = paste("start = c(mean(y), 0). The first IRLS step from start gives mu <= 0",
                     "with finite deviance, so glm.fit halves the step ('step size truncated:",
                     "out of bounds'). Without start R stops: 'no valid set of coefficients",
                     "has been found: please supply starting values'."))
record("poisson_log_ships_offset_formula",
       "incidents ~ type + year + period + offset(log(service))", 'poisson(link = "log")',
       ships2, "ships", tags = c("offset_formula", "factor"),
       notes = "MASS::ships with service > 0; year and period are factor columns")
record("poisson_log_ships_offset_arg", "incidents ~ type + year + period", 'poisson(link = "log")',
       ships2, "ships", offset = "log_service", tags = c("offset_arg", "factor"),
       notes = "offset= argument, column log_service = log(service); same fit as the formula offset")
record("poisson_log_insurance_offset", "Claims ~ District + Group + Age + offset(log(Holders))",
       'poisson(link = "log")', insurance, "Insurance", tags = c("offset_formula", "factor"),
       notes = "MASS::Insurance with ordered Group and Age converted to unordered factors")
record("poisson_log_two_offsets", "y ~ x + offset(log(time)) + offset(log(persons))",
       'poisson(link = "log")', expo, "expo", tags = "offset_formula",
       notes = "two offset() terms in the formula add up")
record("poisson_log_offset_formula_and_arg", "y ~ x + offset(log(time))",
       'poisson(link = "log")', expo, "expo", offset = "log_persons",
       tags = c("offset_formula", "offset_arg"),
       notes = "formula offset log(time) plus offset= log_persons; same fit as poisson_log_two_offsets")
record("poisson_log_quine_maxit3", "Days ~ Eth + Sex + Age + Lrn", 'poisson(link = "log")',
       quine, "quine", control = list(maxit = 3), tags = c("not_converged", "control"),
       notes = "maxit = 3: R stops after 3 iterations, converged = FALSE, warns")
record("poisson_log_na_factor_numeric", "y ~ g + x", 'poisson(link = "log")', nadat, "nadat",
       tags = c("na", "factor"), notes = "NA in factor g (rows 3, 17) and in x (rows 8, 17, 25)")

cat("\n--- Gamma\n")
record("Gamma_inverse_clotting", "lot1 ~ log(u)", 'Gamma(link = "inverse")', clotting, "clotting",
       tags = "log()")
record("Gamma_identity_clotting", "lot1 ~ log(u)", 'Gamma(link = "identity")', clotting, "clotting",
       tags = "log()")
record("Gamma_log_clotting", "lot2 ~ log(u)", 'Gamma(link = "log")', clotting, "clotting",
       tags = "log()")
record("Gamma_inverse_clotting_lot_interaction", "conc ~ lot * log(u)", 'Gamma(link = "inverse")',
       clotting_long, "clotting_long", tags = c("log()", "factor", "interaction"))
record("Gamma_inverse_clotting_weights_nonint", "lot1 ~ log(u)", 'Gamma(link = "inverse")',
       clotting, "clotting", weights = "w", tags = c("weights", "non_integer_weights", "log()"))
record("Gamma_log_airquality_na", "Ozone ~ Solar_R + Wind + Temp", 'Gamma(link = "log")',
       aq, "airquality", tags = "na", notes = "airquality with Solar.R renamed Solar_R")
record("Gamma_identity_step_halving", "y ~ x", 'Gamma(link = "identity")', gid, "gid",
       tags = "step_halving",
       notes = paste("an IRLS step gives mu < 0 and a non-finite (NaN) deviance, so glm.fit",
                     "halves the step ('step size truncated due to divergence'; R also warns",
                     "'NaNs produced' from log() inside the deviance)"))

cat("\n--- inverse.gaussian\n")
record("inverse.gaussian_1mu2_sim", "y ~ x", 'inverse.gaussian(link = "1/mu^2")', igd, "igd")
record("inverse.gaussian_inverse_sim", "y ~ x", 'inverse.gaussian(link = "inverse")', igd, "igd")
record("inverse.gaussian_identity_sim", "y ~ x", 'inverse.gaussian(link = "identity")', igd, "igd")
record("inverse.gaussian_log_sim", "y ~ x", 'inverse.gaussian(link = "log")', igd, "igd")
record("inverse.gaussian_1mu2_clotting", "lot1 ~ log(u)", 'inverse.gaussian(link = "1/mu^2")',
       clotting, "clotting", tags = "log()")

cat("\n--- quasi\n")
record("quasi_identity_constant_cars", "dist ~ speed",
       'quasi(link = "identity", variance = "constant")', cars, "cars",
       notes = "same estimates as gaussian_identity_cars")
record("quasi_logit_mu1mu_budworm", "prop ~ sex + ldose",
       'quasi(link = "logit", variance = "mu(1-mu)")', budworm, "budworm", weights = "total",
       tags = c("proportion_response", "weights"),
       notes = "same estimates as binomial_logit_budworm_prop_weights")
record("quasi_log_mu_insectsprays", "count ~ spray",
       'quasi(link = "log", variance = "mu")', InsectSprays, "InsectSprays", tags = "factor")
record("quasi_inverse_mu2_clotting", "lot1 ~ log(u)",
       'quasi(link = "inverse", variance = "mu^2")', clotting, "clotting", tags = "log()",
       notes = "same estimates as Gamma_inverse_clotting")
record("quasi_1mu2_mu3_clotting", "lot1 ~ log(u)",
       'quasi(link = "1/mu^2", variance = "mu^3")', clotting, "clotting", tags = "log()",
       notes = "same estimates as inverse.gaussian_1mu2_clotting")
record("quasi_power13_mu_warpbreaks", "breaks ~ wool + tension",
       'quasi(link = power(1/3), variance = "mu")', warpbreaks, "warpbreaks",
       link_power = 1/3, tags = c("factor", "power_link"),
       notes = "link = power(1/3): R names it 'mu^0.333'")
record("quasi_sqrt_mu2_warpbreaks", "breaks ~ wool + tension",
       'quasi(link = "sqrt", variance = "mu^2")', warpbreaks, "warpbreaks", tags = "factor")

cat("\n--- quasibinomial / quasipoisson\n")
record("quasibinomial_logit_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'quasibinomial(link = "logit")', budworm, "budworm", tags = "cbind")
record("quasipoisson_log_quine", "Days ~ Eth + Sex + Age + Lrn",
       'quasipoisson(link = "log")', quine, "quine", tags = "factor")
record("quasipoisson_log_warpbreaks_interaction", "breaks ~ wool * tension",
       'quasipoisson(link = "log")', warpbreaks, "warpbreaks", tags = c("factor", "interaction"))

# ---------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------
doc <- list(
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  generated_by = "tests/golden/make_golden.R",
  cases = cases
)
txt <- to_json(doc)
stopifnot(jsonlite::validate(txt))
writeLines(txt, out_path, useBytes = TRUE)
cat(sprintf("\nwrote %d cases to %s (%d bytes)\n", length(cases), out_path, nchar(txt)))
