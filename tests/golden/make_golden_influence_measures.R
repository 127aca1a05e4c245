# make_golden_influence_measures.R -- R's influence.measures() of glm fits: the
# table (dfbetas with abbreviated names, dffit, cov.r, cook.d, hat), the
# is.influential flags, print.infl's text and summary.infl's.
# Run from the repository root:
#     Rscript tests/golden/make_golden_influence_measures.R
# Writes tests/golden/influence_measures_golden.json. Each case has
#   id, formula (R's deparse; the same in Python), family, link, weights,
#   na_action (null or "na.exclude"),
#   data (as encode_data; row names 1..n), expected: {row_names, columns
#   (infmat's column names), infmat {name: [values]} (NaN and NA as null),
#   is_inf {name: [true/false/null]}, print_text (print() output), summary_text
#   (what summary(influence.measures(m)) prints)}.
source(file.path("tests", "golden", "golden_helpers.R"))

counts <- c(18, 17, 15, 20, 10, 20, 25, 13, 12)
D93 <- data.frame(counts = counts, outcome = gl(3, 1, 9), treatment = gl(3, 3))

ano <- anorexia
set.seed(5)
ano$wt <- round(runif(72, 0.2, 3), 2)
ano$wt[c(4, 30)] <- 0

bz <- budworm[, c("ldose", "numdead", "numalive", "sex")]
bz$numdead[3] <- 0
bz$numalive[3] <- 0

cases <- list()
record <- function(id, formula, family_call, data, weights = NULL, na_action = NULL) {
  rownames(data) <- NULL
  cl <- call("glm", formula = as.formula(formula, env = globalenv()),
             family = as.name(family_call), data = as.name("d"))
  if (!is.null(weights)) cl$weights <- as.name(weights)
  if (!is.null(na_action)) cl$na.action <- as.name(na_action)
  assign("d", data, envir = globalenv())
  m <- suppressWarnings(eval(cl, globalenv()))
  im <- influence.measures(m)
  infmat <- list()
  for (nm in colnames(im$infmat)) infmat[[nm]] <- arr(ifelse(is.nan(im$infmat[, nm]), NA, im$infmat[, nm]))
  is_inf <- list()
  for (nm in colnames(im$is.inf)) is_inf[[nm]] <- arr(im$is.inf[, nm])
  vars <- unique(c(all.vars(as.formula(formula)), weights))
  cases[[length(cases) + 1]] <<- list(
    id = id, formula = formula, family = m$family$family, link = m$family$link,
    weights = weights, na_action = na_action, data = encode_data(data[, vars, drop = FALSE]),
    expected = list(row_names = arr(rownames(im$infmat)), columns = arr(colnames(im$infmat)),
                    infmat = infmat, is_inf = is_inf,
                    print_text = paste(capture.output(print(im)), collapse = "\n"),
                    summary_text = paste(capture.output(invisible(summary(im))),
                                         collapse = "\n")))
}

# ?glm's Dobson example: the table wraps its inf column onto a second block
record("dobson_poisson", "counts ~ outcome + treatment", "poisson", D93)
# aliased interaction column (empty cell): dfb for the non-aliased columns only
record("warpbreaks_empty_cell", "breaks ~ wool * tension", "quasipoisson", wb_cell)
# ?glm's anorexia model with offset(Prewt), weights with zeros (rows left out)
record("anorexia_offset_weights", "Postwt ~ Prewt + Treat + offset(Prewt)", "gaussian",
       ano, weights = "wt")
# clotting, Gamma with its inverse link and non-integer weights
record("clotting_gamma_weights", "lot1 ~ log(u)", "Gamma", clotting, weights = "w")
# budworm, binomial with cbind(); a row with no trials has prior weight 0
record("budworm_binomial", "cbind(numdead, numalive) ~ sex * ldose", "binomial",
       budworm[, c("ldose", "numdead", "numalive", "sex")])
# a level with one observation: hat 1, R's NaN for its dffit and cov.r
single <- data.frame(y = c(2, 5, 3, 8, 6, 9, 7, 4), x = c(1, 2, 3, 4, 5, 6, 7, 8),
                     g = factor(c("a", "a", "a", "b", "b", "b", "b", "c")))
record("single_observation_level", "y ~ x + g", "poisson", single)
record("budworm_zero_trials", "cbind(numdead, numalive) ~ sex + ldose", "binomial", bz)

# na.exclude: the rows with a missing value padded as naresid pads them
record("airquality_na_exclude", "Ozone ~ Temp", "poisson", airquality[1:12, ],
       na_action = "na.exclude")

write_golden(cases, file.path("tests", "golden", "influence_measures_golden.json"),
             "tests/golden/make_golden_influence_measures.R")
