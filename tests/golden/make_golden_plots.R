# make_golden_plots.R -- what R's plot.lm (stats, R 4.x) draws for a glm: the
# points of the panels which = c(1, 2, 3, 5) and the labelled points.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_plots.R
# writes tests/golden/plots_golden.json (and, with PLOTS_PNG_DIR set, R's
# png() of each model there, to look at beside ours).
#
# The coordinates repeat plot.lm's own expressions (print(stats:::plot.lm)):
# panel 1 Pearson residuals against the linear predictor; panels 2, 3 and 5
# rstandard(type = "pearson") (Inf where the hat value is 1 -> NaN); the id.n = 3
# labels by |residual| (panels 1, 2, 3) and by Cook's distance (panel 5); the
# smoother panel.smooth with iter = 0 for a glm.

source(file.path("tests", "golden", "golden_helpers.R"))

id_n <- 3L
cases <- list()
png_dir <- Sys.getenv("PLOTS_PNG_DIR")

plot_case <- function(id, fit, labels_from_rownames) {
  r <- residuals(fit, type = "pearson")
  yh <- predict(fit)
  w <- weights(fit)
  labels <- names(r)
  keep <- if (is.null(w)) rep(TRUE, length(r)) else w != 0
  r <- r[keep]; yh <- yh[keep]; labels <- labels[keep]
  infl <- influence(fit, do.coef = FALSE)
  hii <- infl$hat
  cook <- cooks.distance(fit, infl)
  rs <- rstandard(fit, type = "pearson")
  rs[is.infinite(rs) & hii >= 1] <- NaN
  r.hat <- range(hii, na.rm = TRUE)
  const <- all(r.hat == 0) || diff(r.hat) < 1e-10 * mean(hii, na.rm = TRUE)
  show.r <- sort.list(abs(r), decreasing = TRUE)[1:id_n]
  show.rs <- sort.list(abs(rs), decreasing = TRUE)[1:id_n]
  show.cook <- order(-cook)[1:id_n]
  qq <- qqnorm(rs, plot.it = FALSE)
  sm1 <- lowess(yh, r, f = 2/3, iter = 0)
  if (const) {
    xlev <- fit$xlevels
    mf <- model.frame(fit)[names(xlev)]
    nlev <- unname(lengths(xlev))
    nf <- length(xlev)
    ff <- if (nf == 1) 1 else rev(cumprod(c(1, nlev[nf:2])))
    x5 <- as.vector((data.matrix(mf) - 1) %*% ff)
  } else {
    x5 <- hii
    x5[x5 >= 1] <- NA
  }
  if (nzchar(png_dir)) {
    png(file.path(png_dir, paste0("R_", id, ".png")), width = 1000, height = 800, res = 100)
    par(mfrow = c(2, 2)); plot(fit); dev.off()
  }
  cases[[length(cases) + 1L]] <<- list(
    id = id,
    row_names = arr(labels),
    labels_from_rownames = labels_from_rownames,
    constant_leverage = const,
    rank = fit$rank,
    panel1 = list(x = arr(yh), y = arr(r), labels = arr(labels[show.r]),
                  smooth_x = arr(sm1$x), smooth_y = arr(sm1$y),
                  ylim = arr(extendrange(r = range(r, na.rm = TRUE), f = 0.08))),
    panel2 = list(x = arr(qq$x), y = arr(qq$y), labels = arr(labels[show.rs])),
    panel3 = list(x = arr(yh), y = arr(sqrt(abs(rs))), labels = arr(labels[show.rs])),
    panel5 = list(x = arr(x5), y = arr(rs), labels = arr(labels[show.cook]),
                  ylim = arr(extendrange(r = range(rs, na.rm = TRUE), f = 0.08)))
  )
}

mt <- mtcars
quine <- MASS::quine

plot_case("warpbreaks_poisson",
          glm(breaks ~ wool + tension, family = poisson, data = warpbreaks), FALSE)
plot_case("mtcars_binomial",
          glm(am ~ wt + hp, family = binomial, data = mt), TRUE)
plot_case("mtcars_gaussian",
          glm(mpg ~ wt + hp, family = gaussian, data = mt), TRUE)
plot_case("budworm_binomial",
          glm(cbind(numdead, numalive) ~ sex * ldose, family = binomial, data = budworm), FALSE)
plot_case("warpbreaks_one_factor",
          glm(breaks ~ tension, family = poisson, data = warpbreaks), FALSE)
plot_case("warpbreaks_two_factors",
          glm(breaks ~ wool * tension, family = poisson, data = warpbreaks), FALSE)
plot_case("warpbreaks_subset",
          glm(breaks ~ wool + tension, family = poisson, data = warpbreaks,
              subset = tension != "M"), FALSE)
w0 <- rep(1, nrow(warpbreaks)); w0[5] <- 0
plot_case("warpbreaks_zero_weight",
          glm(breaks ~ wool + tension, family = poisson, data = warpbreaks, weights = w0), FALSE)
plot_case("quine_negbin",
          glm.nb(Days ~ Eth + Sex + Age + Lrn, data = quine), FALSE)

write_golden(cases, file.path("tests", "golden", "plots_golden.json"),
             "tests/golden/make_golden_plots.R")
