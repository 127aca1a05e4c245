# make_golden_predict.R -- reference predict.glm() values from R for glmformula's tests.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_predict.R
# Writes tests/golden/predict_golden.json.
#
# Each case is a glm() fit described as in glm_golden.json (formula, family,
# link, variance, weights, offset, data with factors and levels) plus a
# `newdata` frame in the same columns/factors format, and `expected` holds
#
#   newdata.link.{fit, se_fit}       predict(m, newdata, type = "link",     se.fit = TRUE)
#   newdata.response.{fit, se_fit}   predict(m, newdata, type = "response", se.fit = TRUE)
#   newdata.link_nose, newdata.response_nose
#                                    the same without se.fit (a plain vector)
#   newdata.warnings                 warnings R gave in those predict() calls
#   fitted.link / fitted.response / fitted.*_nose / fitted.warnings
#                                    the same with newdata omitted (the rows used by the fit)
#   fitted.row_names                 R's names of those predictions: data row numbers,
#                                    1-based (rows dropped for NA are absent)
#   residual_scale                   predict(...)$residual.scale = sqrt(dispersion)
#
# plus coefficients and dispersion of the fit, for diagnosis.
#
# What R does with offsets (predict.lm, which predict.glm calls):
#   * offset() terms in the formula are evaluated in newdata;
#   * the offset= argument of glm() is re-evaluated in newdata:
#     eval(object$call$offset, newdata), so offset = log_service reads
#     newdata$log_service (and offset = log(t) would compute log(newdata$t));
#   * with newdata omitted, object$offset (the fit's total offset) is used.
#
# Numbers are written with sprintf("%.17g") (see make_golden.R for why).

suppressPackageStartupMessages({
  library(MASS)
  library(jsonlite)
})
options(useFancyQuotes = FALSE)

out_path <- file.path("tests", "golden", "predict_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")

# ---------------------------------------------------------------------------
# JSON writer with full double precision (the same as make_golden.R)
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

with_warnings <- function(expr) {
  w <- character(0)
  val <- withCallingHandlers(expr, warning = function(cond) {
    w <<- c(w, conditionMessage(cond))
    invokeRestart("muffleWarning")
  })
  list(value = val, warnings = w)
}

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

# ---------------------------------------------------------------------------
# record(): fit one model, predict, append to `cases`
#   newdata: a data frame; it is reduced to the variables of the formula's
#   right-hand side (offset() terms included) and the offset= column.
# ---------------------------------------------------------------------------
cases <- list()

record <- function(id, r_formula, family_call, data, data_name, newdata,
                   formula = r_formula, weights = NULL, offset = NULL,
                   link_power = NULL, tags = character(0), notes = NULL) {
  if (id %in% vapply(cases, `[[`, "", "id")) stop("duplicate id ", id)
  f <- as.formula(r_formula, env = globalenv())
  vars <- unique(c(all.vars(f), weights, offset))
  d <- data[, vars, drop = FALSE]
  rownames(d) <- NULL
  nd_vars <- unique(c(all.vars(f[[3]]), offset))
  nd <- newdata[, nd_vars, drop = FALSE]
  rownames(nd) <- NULL

  cl <- call("glm", formula = f, family = str2lang(family_call),
             data = as.name(data_name))
  if (!is.null(weights)) cl$weights <- as.name(weights)
  if (!is.null(offset)) cl$offset <- as.name(offset)

  env <- new.env(parent = globalenv())
  assign(data_name, d, envir = env)
  fit <- with_warnings(eval(cl, env))
  m <- fit$value
  fam <- m$family

  pred <- function(...) with_warnings(predict(m, ...))
  nl <- pred(newdata = nd, type = "link", se.fit = TRUE)
  nr <- pred(newdata = nd, type = "response", se.fit = TRUE)
  nl0 <- pred(newdata = nd, type = "link")
  nr0 <- pred(newdata = nd, type = "response")
  fl <- pred(type = "link", se.fit = TRUE)
  fr <- pred(type = "response", se.fit = TRUE)
  fl0 <- pred(type = "link")
  fr0 <- pred(type = "response")
  stopifnot(nrow(nd) == length(nl$value$fit),
            identical(names(fl$value$fit), names(fl0$value)),
            all.equal(nl$value$residual.scale, fl$value$residual.scale))

  se_pair <- function(p) list(fit = arr(p$fit), se_fit = arr(p$se.fit))
  expected <- list(
    coefficients = obj(coef(m)),
    dispersion = summary(m)$dispersion,
    rank = as.integer(m$rank),
    residual_scale = nl$value$residual.scale,
    newdata = list(
      link = se_pair(nl$value),
      response = se_pair(nr$value),
      link_nose = arr(nl0$value),
      response_nose = arr(nr0$value),
      warnings = arr(unique(c(nl$warnings, nr$warnings, nl0$warnings, nr0$warnings)))
    ),
    fitted = list(
      row_names = arr(as.integer(names(fl$value$fit))),
      link = se_pair(fl$value),
      response = se_pair(fr$value),
      link_nose = arr(fl0$value),
      response_nose = arr(fr0$value),
      warnings = arr(unique(c(fl$warnings, fr$warnings, fl0$warnings, fr0$warnings)))
    )
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
    control = list(epsilon = 1e-8, maxit = 25L),
    start = NULL,
    tags = arr(tags),
    notes = notes,
    r_warnings = arr(fit$warnings),
    data = encode_data(d),
    newdata = encode_data(nd),
    expected = expected
  )
  cases[[length(cases) + 1]] <<- case
  cat(sprintf("%-46s n=%3d new=%2d rank=%d/%d warn=%s\n", id, nrow(d), nrow(nd),
              m$rank, length(coef(m)),
              paste(unique(c(fit$warnings, expected$newdata$warnings)), collapse = " | ")))
  invisible(m)
}

# ---------------------------------------------------------------------------
# Data (as in make_golden.R)
# ---------------------------------------------------------------------------
data(warpbreaks, InsectSprays, mtcars, airquality, package = "datasets",
     envir = environment())
data(ships, quine, package = "MASS", envir = environment())

budworm <- data.frame(
  ldose = rep(0:5, 2),
  numdead = c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16),
  sex = factor(rep(c("M", "F"), c(6, 6)))          # levels F, M
)
budworm$numalive <- 20 - budworm$numdead
budworm$total <- 20
budworm$prop <- budworm$numdead / budworm$total

clotting <- data.frame(
  u = c(5, 10, 15, 20, 30, 40, 60, 80, 100),
  lot1 = c(118, 58, 42, 35, 27, 25, 21, 19, 18),
  lot2 = c(69, 35, 26, 21, 18, 16, 13, 12, 12)
)

mt <- mtcars
mt$cyl <- factor(mt$cyl)                                   # levels 4, 6, 8
mt$vs_f <- factor(ifelse(mt$vs == 1, "S", "V"), levels = c("V", "S"))
mt$whp <- 2 * mt$wt - mt$hp                                # exact linear combination

ships2 <- subset(ships, service > 0)
ships2$year <- factor(ships2$year)
ships2$period <- factor(ships2$period)
ships2$log_service <- log(ships2$service)

aq <- airquality
names(aq)[names(aq) == "Solar.R"] <- "Solar_R"

wb_zero <- warpbreaks
wb_zero$wz <- 1
wb_zero$wz[c(2, 20, 41)] <- 0

wb_cell <- subset(warpbreaks, !(wool == "B" & tension == "H"))  # empty cell

set.seed(20240101)
expo <- data.frame(x = round(runif(40, 0, 2), 3),
                   time = round(runif(40, 0.5, 3), 2),
                   persons = sample(5:50, 40, replace = TRUE))
expo$y <- rpois(40, expo$time * expo$persons * exp(-3 + 0.7 * expo$x))
expo$log_persons <- log(expo$persons)
expo$log_time <- log(expo$time)

set.seed(11)
nadat <- data.frame(g = factor(sample(c("a", "b", "c"), 30, replace = TRUE)),
                    x = round(rnorm(30), 3))
nadat$y <- rpois(30, exp(0.5 + 0.4 * nadat$x + 0.3 * (nadat$g == "b")))
nadat$g[c(3, 17)] <- NA
nadat$x[c(8, 17, 25)] <- NA

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
cat("\n--- poisson\n")
record("poisson_log_warpbreaks_newlevels", "breaks ~ wool + tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks",
       newdata = data.frame(
         wool = factor(c("B", "A", "B", "A", "B"), levels = c("B", "A")),
         tension = factor(c("H", "H", "L", "L", "H"), levels = c("H", "L"))),
       tags = c("factor", "newdata_levels"),
       notes = paste("newdata factors have their own level order (wool: B, A) and a subset of",
                     "the levels (tension: H, L; no M); R matches levels by label"))
record("poisson_log_warpbreaks_interaction", "breaks ~ wool * tension", 'poisson(link = "log")',
       warpbreaks, "warpbreaks",
       newdata = data.frame(wool = c("A", "B", "B", "A", "B", "A"),
                            tension = c("M", "H", "L", "H", "M", "L"), stringsAsFactors = TRUE),
       tags = c("factor", "interaction"))
record("poisson_log_expo_offset_formula", "y ~ x + offset(log(time))", 'poisson(link = "log")',
       expo, "expo",
       newdata = data.frame(x = c(0, 0.5, 1.25, 2, 2.5), time = c(1, 0.5, 2.75, 4, 1.3)),
       tags = "offset_formula",
       notes = "newdata has its own time; R evaluates offset(log(time)) in newdata")
record("poisson_log_ships_offset_formula",
       "incidents ~ type + year + period + offset(log(service))", 'poisson(link = "log")',
       ships2, "ships",
       newdata = data.frame(
         type = factor(c("E", "A", "C", "B"), levels = c("A", "B", "C", "D", "E")),
         year = factor(c("75", "60", "65", "70"), levels = c("60", "65", "70", "75")),
         period = factor(c("75", "60", "75", "60"), levels = c("60", "75")),
         service = c(1000, 250.5, 12000, 45)),
       tags = c("offset_formula", "factor"))
record("poisson_log_ships_offset_arg", "incidents ~ type + year + period", 'poisson(link = "log")',
       ships2, "ships", offset = "log_service",
       newdata = data.frame(
         type = factor(c("E", "A", "C", "B"), levels = c("A", "B", "C", "D", "E")),
         year = factor(c("75", "60", "65", "70"), levels = c("60", "65", "70", "75")),
         period = factor(c("75", "60", "75", "60"), levels = c("60", "75")),
         log_service = log(c(1000, 250.5, 12000, 45))),
       tags = c("offset_arg", "factor"),
       notes = paste("offset = log_service: predict.lm re-evaluates the offset= argument in",
                     "newdata (eval(object$call$offset, newdata)), so newdata's log_service",
                     "is used; same predictions as poisson_log_ships_offset_formula"))
record("poisson_log_offset_formula_and_arg", "y ~ x + offset(log(time))",
       'poisson(link = "log")', expo, "expo", offset = "log_persons",
       newdata = data.frame(x = c(0.3, 1.1, 1.9), time = c(2, 0.7, 1),
                            log_persons = log(c(10, 40, 25))),
       tags = c("offset_formula", "offset_arg"),
       notes = "formula offset and offset= argument both taken from newdata and added")
record("poisson_sqrt_insectsprays", "count ~ spray", 'poisson(link = "sqrt")',
       InsectSprays, "InsectSprays",
       newdata = data.frame(spray = factor(c("F", "A", "C"), levels = c("F", "C", "A"))),
       tags = "factor")
record("poisson_log_warpbreaks_zero_weights", "breaks ~ wool + tension", 'poisson(link = "log")',
       wb_zero, "warpbreaks", weights = "wz",
       newdata = warpbreaks[c(2, 20, 41, 1), c("wool", "tension")],
       tags = c("weights", "zero_weights", "factor"),
       notes = "rows with prior weight 0 are predicted too (fitted rows: all 54)")
record("poisson_log_na_factor_numeric", "y ~ g + x", 'poisson(link = "log")', nadat, "nadat",
       newdata = data.frame(g = factor(c("c", "a", "c"), levels = c("c", "a")),
                            x = c(-1.5, 0, 2.25)),
       tags = c("na", "factor"),
       notes = paste("NA in g (rows 3, 17) and x (rows 8, 17, 25): those rows are absent from",
                     "the predictions with newdata omitted (na.omit); row_names gives the rows"))
record("poisson_log_warpbreaks_empty_cell_aliased", "breaks ~ wool * tension",
       'poisson(link = "log")', wb_cell, "warpbreaks_sub",
       newdata = data.frame(wool = c("B", "A", "B", "A"), tension = c("H", "H", "L", "M"),
                            stringsAsFactors = TRUE),
       tags = c("factor", "interaction", "aliased"),
       notes = paste("woolB:tensionH is aliased (NA); newdata asks for the empty cell B/H.",
                     "R drops the aliased column and warns 'prediction from a rank-deficient",
                     "fit may be misleading'"))

cat("\n--- binomial\n")
record("binomial_logit_budworm_cbind_interaction", "cbind(numdead, numalive) ~ sex * ldose",
       'binomial(link = "logit")', budworm, "budworm",
       newdata = data.frame(ldose = c(0.5, 2.25, 3, 4.75, 6, -1),
                            sex = factor(c("M", "F", "M", "F", "F", "M"))),
       tags = c("cbind", "interaction"),
       notes = "newdata has no response columns (numdead, numalive)")
record("binomial_probit_budworm_prop_weights", "prop ~ sex + ldose",
       'binomial(link = "probit")', budworm, "budworm", weights = "total",
       newdata = data.frame(ldose = c(1.5, 2.5, 3.5, 0.25),
                            sex = factor(c("F", "F", "M", "M"), levels = c("M", "F"))),
       tags = c("proportion_response", "weights"),
       notes = "newdata has no weights column: predictions do not use prior weights")
record("binomial_cloglog_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'binomial(link = "cloglog")', budworm, "budworm",
       newdata = data.frame(ldose = c(0.1, 2.9, 5.5), sex = factor(c("M", "M", "F"))),
       tags = "cbind")
record("binomial_logit_mtcars_factor_response", "vs_f ~ mpg",
       'binomial(link = "logit")', mt, "mtcars",
       newdata = data.frame(mpg = c(12, 18.5, 21, 30.4)),
       tags = "factor_response")

cat("\n--- gaussian\n")
record("gaussian_identity_mtcars_quadratic_factor", "mpg ~ wt + I(wt^2) + cyl",
       'gaussian(link = "identity")', mt, "mtcars",
       newdata = data.frame(wt = c(1.8, 2.62, 3.5, 5),
                            cyl = factor(c("8", "4", "6", "8"), levels = c("8", "6", "4"))),
       tags = c("I()", "factor"))
record("gaussian_identity_mtcars_aliased", "mpg ~ wt + hp + whp",
       'gaussian(link = "identity")', mt, "mtcars",
       newdata = data.frame(wt = c(2.5, 3.2, 4), hp = c(100, 150, 210), whp = c(-95, 0, 7)),
       tags = "aliased",
       notes = paste("whp = 2*wt - hp in the data, so whp is aliased (NA). newdata's whp is",
                     "not that combination; R ignores the aliased column (and warns)"))
record("gaussian_identity_airquality_na", "Ozone ~ Solar_R + Wind + Temp",
       'gaussian(link = "identity")', aq, "airquality",
       newdata = data.frame(Solar_R = c(100, 250, 320), Wind = c(5.5, 10, 15.2),
                            Temp = c(90, 75, 60)),
       tags = "na")

cat("\n--- Gamma\n")
record("Gamma_inverse_clotting", "lot1 ~ log(u)", 'Gamma(link = "inverse")', clotting, "clotting",
       newdata = data.frame(u = c(7.5, 12, 25, 50, 90, 120)), tags = "log()")
record("Gamma_log_clotting", "lot2 ~ log(u)", 'Gamma(link = "log")', clotting, "clotting",
       newdata = data.frame(u = c(3, 45, 150)), tags = "log()")

cat("\n--- inverse.gaussian\n")
record("inverse.gaussian_log_sim", "y ~ x", 'inverse.gaussian(link = "log")', igd, "igd",
       newdata = data.frame(x = c(1, 2.2, 3.7, 4.5)))
record("inverse.gaussian_1mu2_sim", "y ~ x", 'inverse.gaussian(link = "1/mu^2")', igd, "igd",
       newdata = data.frame(x = c(1.2, 2.5, 3.9)))

cat("\n--- quasi\n")
record("quasipoisson_log_quine", "Days ~ Eth + Sex + Age + Lrn",
       'quasipoisson(link = "log")', quine, "quine",
       newdata = quine[c(140, 3, 77, 12, 100), c("Eth", "Sex", "Age", "Lrn")],
       tags = "factor",
       notes = "estimated dispersion: se.fit is scaled by residual_scale = sqrt(dispersion)")
record("quasibinomial_logit_budworm", "cbind(numdead, numalive) ~ sex + ldose",
       'quasibinomial(link = "logit")', budworm, "budworm",
       newdata = data.frame(ldose = c(1, 3.3), sex = factor(c("F", "M"))), tags = "cbind")
record("quasi_power13_mu_warpbreaks", "breaks ~ wool + tension",
       'quasi(link = power(1/3), variance = "mu")', warpbreaks, "warpbreaks",
       newdata = data.frame(wool = c("B", "A"), tension = c("L", "M"), stringsAsFactors = TRUE),
       link_power = 1/3, tags = c("factor", "power_link"))

# ---------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------
doc <- list(
  r_version = R.version.string,
  mass_version = as.character(packageVersion("MASS")),
  generated_by = "tests/golden/make_golden_predict.R",
  cases = cases
)
txt <- to_json(doc)
stopifnot(jsonlite::validate(txt))
writeLines(txt, out_path, useBytes = TRUE)
cat(sprintf("\nwrote %d cases to %s (%d bytes)\n", length(cases), out_path, nchar(txt)))
