# make_golden_margins.R -- predictions, slopes and comparisons with delta-method
# standard errors, as marginaleffects defines them, for tests/test_margins_golden.py.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_margins.R
# Writes tests/golden/margins_golden.json.
#
# R's marginaleffects is not used: every number is computed here by hand with
# EXACT derivatives, so that the references do not depend on a step size:
#   * the model matrix of new rows from the model's terms (predvars replay
#     poly() and ns()) and xlevels, the offset from model.offset();
#   * the derivative of each design column with respect to the variable x,
#     written out per case (dX below; poly() by the derivative of its
#     three-term recurrence, ns() by splineDesign(derivs = 1) through ns()'s
#     own basis transformation);
#   * family$mu.eta and the second derivative of the inverse link (mu_eta2);
#   * the analytic Jacobian with respect to the coefficients, and
#     se = sqrt(diag(J V J')) with V = vcov(m) or sandwich::vcovHC(m, "HC3").
# Definitions (marginaleffects' defaults, type = "response"):
#   predictions      mu at each row of newdata            avg: mean over the data
#   slopes           d mu / d x at each row               avg: mean (by: within groups)
#   comparisons      factor g: mu(g = level) - mu(g = reference level), each row
#                    numeric x: mu(x + 0.5) - mu(x - 0.5)  ("+1", centred)
#   avg_comparisons  "difference": mean of the unit differences;
#                    "ratio": mean(mu_hi) / mean(mu_lo) (marginaleffects'
#                    "ratioavg", what it computes when it averages a ratio)
# Each case holds id, formula (glmformula), r_formula, family, link, negbin,
# vcov ("model" | "HC3"), x, g, data, newdata (encode_data) and results.

out_path <- file.path("tests", "golden", "margins_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages({
  library(splines)
  library(sandwich)
})

# --- data --------------------------------------------------------------------
set.seed(20261130)
d01 <- data.frame(x = round(runif(120, 1, 5), 3),
                  g = factor(sample(c("a", "b", "c"), 120, replace = TRUE)))
d01$y <- rbinom(120, 1, plogis(-2 + 0.6 * d01$x + c(a = 0, b = 0.8, c = -0.5)[as.character(d01$g)]))

set.seed(7)
dp <- data.frame(x = round(runif(80, 0.2, 3), 3),
                 g = factor(sample(c("lo", "mid", "hi"), 80, replace = TRUE),
                            levels = c("lo", "mid", "hi")),
                 time = round(runif(80, 0.5, 4), 2))
dp$y <- rpois(80, dp$time * exp(0.3 + 0.5 * dp$x - 0.1 * dp$x^2 +
                                c(lo = 0, mid = 0.4, hi = 0.7)[as.character(dp$g)]))

set.seed(99)
dnb <- data.frame(x = round(rnorm(100, 2, 1), 3),
                  g = factor(sample(c("p", "q"), 100, replace = TRUE)))
dnb$y <- rnbinom(100, size = 2.5, mu = exp(1 + 0.3 * dnb$x + 0.5 * (dnb$g == "q")))

clot <- data.frame(u = rep(clotting$u, 2),
                   time = c(clotting$lot1, clotting$lot2),
                   lot = factor(rep(c("one", "two"), each = 9)))

# --- derivatives of the inverse link ------------------------------------------
mu_eta2 <- function(link, eta) {
  switch(link,
         identity = rep(0, length(eta)),
         log = exp(eta),
         logit = { mu <- plogis(eta); mu * (1 - mu) * (1 - 2 * mu) },
         probit = -eta * dnorm(eta),
         inverse = 2 / eta^3,
         stop("no mu_eta2 for link ", link))
}

design_of <- function(m, nd) {
  tt <- delete.response(terms(m))
  mf <- model.frame(tt, nd, xlev = m$xlevels)
  X <- model.matrix(tt, mf, contrasts.arg = m$contrasts)
  off <- model.offset(mf)
  if (is.null(off)) off <- rep(0, nrow(X))
  list(X = X, off = off)
}

# value and Jacobian (rows) on the response scale, or the link scale
pred <- function(m, nd, type = "response") {
  d <- design_of(m, nd)
  eta <- drop(d$X %*% coef(m)) + d$off
  if (type == "link") return(list(value = eta, J = d$X))
  fam <- m$family
  list(value = fam$linkinv(eta), J = fam$mu.eta(eta) * d$X)
}

slope <- function(m, nd, dX, type = "response") {
  d <- design_of(m, nd)
  D <- dX(nd, d$X)
  stopifnot(identical(dim(D), dim(d$X)))
  D <- unname(D)
  eta <- drop(d$X %*% coef(m)) + d$off
  deta <- drop(D %*% coef(m))
  if (type == "link") return(list(value = deta, J = D))
  fam <- m$family
  first <- fam$mu.eta(eta)
  second <- mu_eta2(fam$link, eta)
  list(value = first * deta, J = (second * deta) * d$X + first * D)
}

se_of <- function(J, V) sqrt(pmax(rowSums((J %*% V) * J), 0))
summ <- function(v, V) list(estimate = arr(v$value), std_error = arr(se_of(v$J, V)))
avg <- function(v, rows = seq_along(v$value)) {
  list(value = mean(v$value[rows]), J = matrix(colMeans(v$J[rows, , drop = FALSE]), 1))
}
diff_of <- function(hi, lo) list(value = hi$value - lo$value, J = hi$J - lo$J)
ratio_avg <- function(hi, lo, rows) {
  a <- avg(hi, rows); b <- avg(lo, rows)
  list(value = a$value / b$value, J = a$J / b$value - a$value / b$value^2 * b$J)
}
stack <- function(parts) list(value = unlist(lapply(parts, `[[`, "value")),
                              J = do.call(rbind, lapply(parts, `[[`, "J")))
set_col <- function(nd, name, value) {
  if (is.factor(nd[[name]])) nd[[name]] <- factor(rep(value, nrow(nd)), levels = levels(nd[[name]]))
  else nd[[name]] <- value
  nd
}

# --- one case -------------------------------------------------------------------
cases <- list()
record <- function(id, r_formula, formula, family_call, data, x, g, dX, rows,
                   negbin = FALSE, vcov_type = "model", notes = NULL) {
  f <- as.formula(r_formula)
  vars <- unique(all.vars(f))
  d <- data[, vars, drop = FALSE]
  rownames(d) <- NULL
  m <- if (negbin) glm.nb(f, data = d) else
    glm(f, family = eval(str2lang(family_call)), data = d, control = list(epsilon = 1e-12, maxit = 100))
  V <- if (vcov_type == "HC3") sandwich::vcovHC(m, type = "HC3") else vcov(m)
  nd <- d[rows, , drop = FALSE]
  rownames(nd) <- NULL
  dX_given <- dX
  dX <- function(nd, X) {  # constant columns written as scalars: one row per row
    D <- dX_given(nd, X)
    if (nrow(D) == 1 && nrow(X) > 1) D <- D[rep(1, nrow(X)), , drop = FALSE]
    unname(D)
  }
  # check the analytic design derivative against a central difference (a sanity check only)
  h <- 1e-6
  num <- (design_of(m, set_col(nd, x, nd[[x]] + h))$X - design_of(m, set_col(nd, x, nd[[x]] - h))$X) / (2 * h)
  stopifnot(max(abs(num - dX(nd, design_of(m, nd)$X))) < 1e-5)
  levs <- levels(d[[g]])
  by_rows <- lapply(levs, function(l) which(d[[g]] == l))
  p_all <- pred(m, d)
  s_all <- slope(m, d, dX)
  lo_all <- pred(m, set_col(d, g, levs[1]))
  his <- lapply(levs[-1], function(l) pred(m, set_col(d, g, l)))
  x_hi <- pred(m, set_col(d, x, d[[x]] + 0.5))
  x_lo <- pred(m, set_col(d, x, d[[x]] - 0.5))
  lo_nd <- pred(m, set_col(nd, g, levs[1]))
  results <- list(
    predictions = summ(pred(m, nd), V),
    predictions_link = summ(pred(m, nd, "link"), V),
    avg_predictions = summ(avg(p_all), V),
    avg_predictions_by = summ(stack(lapply(by_rows, function(r) avg(p_all, r))), V),
    slopes = summ(slope(m, nd, dX), V),
    slopes_link = summ(slope(m, nd, dX, "link"), V),
    avg_slopes = summ(avg(s_all), V),
    avg_slopes_by = summ(stack(lapply(by_rows, function(r) avg(s_all, r))), V),
    comparisons = summ(stack(lapply(levs[-1], function(l) diff_of(pred(m, set_col(nd, g, l)), lo_nd))), V),
    avg_comparisons = summ(stack(lapply(his, function(hi) avg(diff_of(hi, lo_all)))), V),
    avg_comparisons_ratio = summ(stack(lapply(his, function(hi) ratio_avg(hi, lo_all, seq_len(nrow(d))))), V),
    avg_comparisons_ratio_by = summ(stack(lapply(his, function(hi)
      stack(lapply(by_rows, function(r) ratio_avg(hi, lo_all, r))))), V),
    avg_comparisons_x = summ(avg(diff_of(x_hi, x_lo)), V),
    contrasts = arr(paste(levs[-1], "-", levs[1])),
    levels = arr(levs)
  )
  fam <- m$family
  cases[[length(cases) + 1]] <<- list(
    id = id, formula = formula, r_formula = r_formula,
    family = if (negbin) "negbin" else fam$family, link = fam$link,
    negbin = negbin, vcov = vcov_type, x = x, g = g, notes = notes,
    coefficients = obj(coef(m)), data = encode_data(d), newdata = encode_data(nd),
    results = results)
  cat(sprintf("%-24s avg slope %.6g (se %.4g)\n", id, results$avg_slopes$estimate[[1]],
              results$avg_slopes$std_error[[1]]))
}

# --- the cases ------------------------------------------------------------------
record("gaussian_quadratic", "mpg ~ wt + I(wt^2) + cyl", "mpg ~ wt + I(wt^2) + cyl",
       "gaussian()", mt, "wt", "cyl",
       function(nd, X) cbind(0, 1, 2 * nd$wt, 0, 0), c(1, 5, 20))
record("gaussian_interaction", "mpg ~ wt * vs_f + hp", "mpg ~ wt * vs_f + hp",
       "gaussian()", mt, "wt", "vs_f",
       function(nd, X) cbind(0, 1, 0, 0, as.numeric(nd$vs_f == "S")), c(1, 3, 30))
record("binomial_logit", "y ~ x + g", "y ~ x + g", "binomial()", d01, "x", "g",
       function(nd, X) cbind(0, 1, 0, 0), c(1, 2, 60))
record("binomial_probit_log", "y ~ log(x) + g", "y ~ log(x) + g",
       'binomial(link = "probit")', d01, "x", "g",
       function(nd, X) cbind(0, 1 / nd$x, 0, 0), c(4, 8, 99))
record("binomial_logit_hc3", "y ~ x * g", "y ~ x * g", "binomial()", d01, "x", "g",
       function(nd, X) cbind(0, 1, 0, 0, nd$g == "b", nd$g == "c"), c(1, 2, 60),
       vcov_type = "HC3", notes = "sandwich::vcovHC(m, type = 'HC3')")
record("binomial_cbind", "cbind(numdead, numalive) ~ sex * ldose",
       "cbind(numdead, numalive) ~ sex * ldose", "binomial()", budworm, "ldose", "sex",
       function(nd, X) cbind(0, 0, 1, as.numeric(nd$sex == "M")), c(1, 7, 12))
record("poisson_offset", "y ~ x + g + offset(log(time))", "y ~ x + g + offset(log(time))",
       "poisson()", dp, "x", "g",
       function(nd, X) cbind(0, 1, 0, 0), c(1, 2, 3))
poly_d <- function(nd, X) {
  pc <- attr(poly(dp$x, 2), "coefs")
  a <- pc$alpha; n2 <- pc$norm2
  cbind(0, 1 / sqrt(n2[3]), ((nd$x - a[1]) + (nd$x - a[2])) / sqrt(n2[4]), 0, 0)
}
record("poisson_poly_offset", "y ~ poly(x, 2) + g + offset(log(time))",
       "y ~ poly(x, 2) + g + offset(log(time))", "poisson()", dp, "x", "g", poly_d, c(5, 6, 7))
ns_d <- function(nd, X) {
  b <- ns(dp$x, df = 3)
  knots <- attr(b, "knots"); bk <- attr(b, "Boundary.knots")
  Aknots <- sort(c(rep(bk, 4L), knots))
  basis <- splineDesign(Aknots, nd$x, 4L, derivs = rep(1L, length(nd$x)))[, -1L, drop = FALSE]
  const <- splineDesign(Aknots, bk, 4L, c(2L, 2L))[, -1L, drop = FALSE]
  qr.const <- qr(t(const))
  dbasis <- as.matrix((t(qr.qty(qr.const, t(basis))))[, -(1L:2L), drop = FALSE])
  cbind(0, dbasis, 0, 0)
}
record("quasipoisson_ns", "y ~ ns(x, df = 3) + g", "y ~ ns(x, df = 3) + g",
       "quasipoisson()", dp, "x", "g", ns_d, c(1, 10, 40))
record("gamma_log", "time ~ log(u) + lot", "time ~ log(u) + lot", 'Gamma(link = "log")',
       clot, "u", "lot", function(nd, X) cbind(0, 1 / nd$u, 0), c(1, 5, 12))
record("gamma_inverse", "time ~ log(u) + lot", "time ~ log(u) + lot", "Gamma()",
       clot, "u", "lot", function(nd, X) cbind(0, 1 / nd$u, 0), c(2, 9, 18))
record("negbin", "y ~ x + g", "y ~ x + g", NULL, dnb, "x", "g",
       function(nd, X) cbind(0, 1, 0), c(1, 50, 100), negbin = TRUE,
       notes = "MASS::glm.nb; theta iterated (compare at 1e-6)")

write_golden(cases, out_path, "tests/golden/make_golden_margins.R")
