# make_golden_help_examples.R -- examples in the style of R's help pages (?glm,
# ?anova.glm, ?add1) whose printed tables once differed from R: the Rao score
# tests (sequential, two models, add1 with an offset), a deviance that rounds to
# zero, and the AIC line of a gaussian fit with a zero weight.
# Run from the repository root:
#     Rscript tests/golden/make_golden_help_examples.R
# Writes tests/golden/help_examples_golden.json. Each case has
#   id, formula (Python and R syntax: the same), small (the smaller model's
#   formula, for two-model tables), family_call, family, link, variance (quasi),
#   weights,
#   data (as encode_data), calls: [{what ("anova" | "anova2" | "add1" | "drop1"
#   | "summary_aic" | "summary_call"), test (null: none), scope (add1), row_names,
#   columns {name: [values]} (NA as null, Inf as "Inf"), print_text (print() output; for
#   summary_aic the "AIC:" line and r_warnings, summary()'s warnings; for summary_call
#   the lines of summary's Call: block),
#   print_glm (summary_call: print(m)'s "Call:  ..." lines)}]; the call's data is d.
source(file.path("tests", "golden", "golden_helpers.R"))

counts <- c(18, 17, 15, 20, 10, 20, 25, 13, 12)
D93 <- data.frame(counts = counts, outcome = gl(3, 1, 9), treatment = gl(3, 3))

ano <- anorexia
set.seed(5)
ano$wt <- round(runif(72, 0.2, 3), 2)
ano$wt[c(4, 30)] <- 0

set.seed(20240101)
ex <- data.frame(x = round(runif(40, 0, 2), 3), time = round(runif(40, 0.5, 3), 2),
                 g = factor(sample(c("a", "b", "c"), 40, TRUE)))
ex$y <- rpois(40, ex$time * 10 * exp(-1 + 0.7 * ex$x))
ex$w <- round(runif(40, 0.5, 2), 2)
ex$w[7] <- 0

wbz <- warpbreaks
wbz$wz <- 1
wbz$wz[c(2, 20, 41)] <- 0
wbz$wz[c(5, 6)] <- 2.5

table_fields <- function(tab) {
  columns <- list()
  for (nm in colnames(tab)) {  # Inf as the string "Inf" (JSON has no infinity)
    v <- as.double(tab[[nm]])
    columns[[nm]] <- lapply(v, function(x) if (is.infinite(x)) format(x) else x)
  }
  list(row_names = arr(rownames(tab)), columns = columns,
       print_text = paste(capture.output(print(tab)), collapse = "\n"))
}

cases <- list()
record <- function(id, formula, family_call, data, calls, small = NULL,
                   weights = NULL) {
  fit <- function(f) {
    cl <- call("glm", formula = as.formula(f, env = globalenv()),
               family = str2lang(family_call), data = as.name("d"))
    if (!is.null(weights)) cl$weights <- as.name(weights)
    eval(cl, globalenv())
  }
  assign("d", data, envir = globalenv())  # add1() re-evaluates the call's data
  m <- fit(formula)
  out <- lapply(calls, function(cl) {
    test <- cl$test
    tab <- suppressWarnings(switch(cl$what,
      anova = anova(m, test = test),
      anova2 = anova(fit(small), m, test = test),
      add1 = add1(m, as.formula(cl$scope), test = if (is.null(test)) "none" else test),
      drop1 = drop1(m, test = if (is.null(test)) "none" else test),
      NULL))
    if (cl$what == "summary_aic") {
      s <- with_warnings(summary(m))
      lines <- capture.output(print(s$value))
      return(list(what = cl$what, test = NULL, scope = NULL,
                  print_text = grep("^AIC:", lines, value = TRUE),
                  r_warnings = arr(s$warnings)))
    }
    if (cl$what == "summary_call") {  # the Call: block of summary() and of print()
      lines <- capture.output(print(suppressWarnings(summary(m))))
      end <- which(lines == "")[2]
      printed <- capture.output(print(m))
      return(list(what = cl$what, test = NULL, scope = NULL,
                  print_text = paste(lines[3:(end - 1)], collapse = "\n"),
                  print_glm = paste(printed[2:(which(printed == "")[2] - 1)],
                                    collapse = "\n")))
    }
    c(list(what = cl$what, test = test, scope = cl$scope), table_fields(tab))
  })
  vars <- unique(c(all.vars(as.formula(formula)), weights))
  fam <- m$family
  cases[[length(cases) + 1]] <<- list(
    id = id, formula = formula, small = small, family_call = family_call,
    family = fam$family, link = fam$link,
    variance = if (fam$family == "quasi") fam$varfun else NULL, weights = weights,
    data = encode_data(data[, vars, drop = FALSE]), calls = out)
}

# ?glm and ?anova.glm: Dobson's randomized controlled trial. The treatment term's
# score statistic is zero in exact arithmetic (R prints 0.00 and p = 1).
record("dobson_poisson", "counts ~ outcome + treatment", "poisson", D93,
       small = "counts ~ outcome",
       calls = list(list(what = "anova", test = "Rao"),
                    list(what = "anova2", test = "Rao"),
                    list(what = "drop1", test = "Rao"),
                    list(what = "add1", test = NULL, scope = "~ . + outcome:treatment"),
                    list(what = "add1", test = "F", scope = "~ . + outcome:treatment")))
# ?anova.glm: the saturated model, whose Rao statistic is Pearson's chi-squared.
record("dobson_saturated", "counts ~ treatment * outcome", "poisson", D93,
       small = "counts ~ outcome + treatment",
       calls = list(list(what = "anova2", test = "Rao")))
# ?glm: anorexia with offset(Prewt). add1.glm's score fit passes the model's
# offset to the gaussian glm.fit, whose null deviance ignores it.
record("anorexia_offset", "Postwt ~ Prewt + Treat + offset(Prewt)", "gaussian", ano,
       calls = list(list(what = "add1", test = "Rao", scope = "~ . + Prewt:Treat"),
                    list(what = "drop1", test = "Rao"),
                    list(what = "anova", test = "Rao")))
record("anorexia_offset_weights", "Postwt ~ Prewt + Treat + offset(Prewt)", "gaussian",
       ano, weights = "wt",
       calls = list(list(what = "add1", test = "Rao", scope = "~ . + Prewt:Treat"),
                    list(what = "add1", test = "F", scope = "~ . + Prewt:Treat"),
                    list(what = "summary_aic")))
# Poisson rates with an offset and weights: R's score is negative, shown as 0.
record("poisson_offset_weights", "y ~ x + g + offset(log(time))", "poisson", ex,
       weights = "w",
       calls = list(list(what = "add1", test = "Rao", scope = "~ . + x:g"),
                    list(what = "anova", test = "Rao"),
                    list(what = "summary_aic")))  # no warning: the dispersion is 1
record("quasipoisson_offset", "y ~ x + g + offset(log(time))", "quasipoisson", ex,
       calls = list(list(what = "add1", test = "Rao", scope = "~ . + x:g"),
                    list(what = "add1", test = "F", scope = "~ . + x:g")))
# gaussian with zero prior weights: glm's AIC is Inf (sum(log(wt))), printed so.
# ?family: a quasi family whose call R's deparse breaks inside quasi(...)
record("quasi_call_wraps", "lot2 ~ log(u)", 'quasi(link = "inverse", variance = "mu^2")',
       clotting, weights = "w", calls = list(list(what = "summary_call")))
record("gaussian_zero_weights", "breaks ~ wool + tension", "gaussian", wbz,
       weights = "wz", calls = list(list(what = "summary_aic")))

write_golden(cases, file.path("tests", "golden", "help_examples_golden.json"),
             "tests/golden/make_golden_help_examples.R")
