# golden_helpers.R -- code shared by make_golden.R and make_golden_predict.R.
#
# Both scripts source this file from the repository root:
#     source(file.path("tests", "golden", "golden_helpers.R"))
# It loads MASS and jsonlite, sets options(useFancyQuotes = FALSE), and
# defines
#   * the JSON writer: arr(), obj(), json_scalar(), to_json(), write_golden();
#   * with_warnings(), encode_data();
#   * fit_case(): the glm() fit and the case fields both JSON files share;
#   * the data sets both scripts fit (budworm, clotting, mt, ships2, aq,
#     wb_zero, wb_cell, expo, nadat, igd).
#
# jsonlite is only used to escape strings and to validate the output;
# numbers are written by to_json() with 17 significant digits, because
# jsonlite caps numbers at 15 significant digits, which does not round-trip
# a double.

suppressPackageStartupMessages({
  library(MASS)
  library(jsonlite)
})

# Plain ASCII quotes in the "Signif. codes" legend whatever the locale
# (R prints curly quotes in a UTF-8 locale by default).
options(useFancyQuotes = FALSE)

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

# Write the top-level document {"r_version", "mass_version", "generated_by",
# "cases"} to out_path.
write_golden <- function(cases, out_path, generated_by) {
  doc <- list(
    r_version = R.version.string,
    mass_version = as.character(packageVersion("MASS")),
    generated_by = generated_by,
    cases = cases
  )
  txt <- to_json(doc)
  stopifnot(jsonlite::validate(txt))
  writeLines(txt, out_path, useBytes = TRUE)
  cat(sprintf("\nwrote %d cases to %s (%d bytes)\n", length(cases), out_path, nchar(txt)))
}

# ---------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------
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

# A data frame as {"columns": {name: [values]}, "factors": {name: {"levels",
# "ordered"}}}; factors as strings, NA as null.
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

# fit_case(): fit one glm() as the scripts' record() functions describe it.
#   cases       the cases recorded so far (to reject a duplicate id)
#   id          unique case id
#   r_formula   formula text given to R
#   family_call family constructor as R code, e.g. 'binomial(link = "probit")'
#   data        data frame; reduced to the columns the model uses
#   data_name   name the data frame has in the recorded call (cosmetic)
#   formula     the same model in glmformula (Python) syntax
#   weights, offset   names of columns passed as weights= / offset=
#   control     list(epsilon=, maxit=) (only non-default ones appear in the call)
#   start       starting coefficients
#   link_power  for power() links: the exponent
#   tags, notes free text for the Python tests (what the case exercises)
# Returns list(model, warnings, formula (the R formula object), data (the
# reduced frame), case): `case` holds the case fields from `id` to `data`, in
# the order of the JSON files; the caller appends its own fields.
fit_case <- function(cases, id, r_formula, family_call, data, data_name,
                     formula, weights = NULL, offset = NULL, control = NULL,
                     start = NULL, link_power = NULL, tags = character(0),
                     notes = NULL) {
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
  fam <- fit$value$family

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
    data = encode_data(d)
  )
  list(model = fit$value, warnings = fit$warnings, formula = f, data = d, case = case)
}

# ---------------------------------------------------------------------------
# Data: the R data sets either script uses, and the frames derived from them
# that both scripts fit. Each simulated data set sets its own seed, so the
# blocks do not depend on one another's order.
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
