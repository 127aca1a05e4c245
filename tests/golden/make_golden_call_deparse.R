# make_golden_call_deparse.R -- the call a glm() or glm.nb() fit prints: R deparses
# the formula (operators spaced, ^ and : unspaced, strings in double quotes),
# whatever spacing the caller typed.
#     Rscript tests/golden/make_golden_call_deparse.R   (from the repository root)
suppressPackageStartupMessages({library(MASS); library(jsonlite)})

quine <- MASS::quine
wb <- warpbreaks
# python: the formula as a Python caller may type it; r: the same model in R
cases <- list(
  list(id = "spacing", data = "quine", python = "Days ~ Eth*Sex+ Age",
       r = Days ~ Eth*Sex+ Age, family = "poisson"),
  list(id = "power_and_in", data = "quine", python = "Days~(Eth+Sex)**2 + Age %in% Lrn",
       r = Days~(Eth+Sex)^2 + Age %in% Lrn, family = "poisson"),
  list(id = "I_string", data = "wb", python = "breaks ~ I(tension == 'L')+wool",
       r = breaks ~ I(tension == "L")+wool, family = "poisson"),
  list(id = "poly_raw", data = "mtcars", python = "carb ~ poly(wt,2,raw=True)+log(hp)",
       r = carb ~ poly(wt,2,raw=TRUE)+log(hp), family = "poisson"),
  list(id = "nested_minus_one", data = "wb", python = "breaks~wool/tension-1",
       r = breaks~wool/tension-1, family = "poisson"),
  list(id = "nb_spacing", data = "quine", python = "Days ~ Eth*Sex+ Age",
       r = Days ~ Eth*Sex+ Age, family = NULL),
  # long formulas: deparse breaks after a spaced binary operator (+, -, *, ~, %in%)
  # once the line is longer than 60 characters, one indent level more
  list(id = "long_gaussian", data = "mtcars",
       python = "mpg ~ cyl + disp + hp + drat + wt + qsec + vs + am + gear + carb",
       r = mpg ~ cyl + disp + hp + drat + wt + qsec + vs + am + gear + carb,
       family = "gaussian"),
  list(id = "long_binomial", data = "esoph",
       python = "cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp + agegp:tobgp",
       r = cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp + agegp:tobgp,
       family = "binomial"),
  list(id = "three_lines", data = "mtcars",
       python = paste("mpg ~ poly(disp, 2, raw=True) + log(hp) + I(wt**2) + qsec*vs +",
                      "am/gear + carb + I(drat - 3) + poly(wt, 3, raw=True) + cyl:disp"),
       r = mpg ~ poly(disp, 2, raw = TRUE) + log(hp) + I(wt^2) + qsec*vs + am/gear + carb +
         I(drat - 3) + poly(wt, 3, raw = TRUE) + cyl:disp,
       family = "gaussian"),
  list(id = "long_product", data = "mtcars",
       python = "mpg ~ cyl * disp * hp * drat - cyl:disp:hp:drat - cyl:disp:hp - cyl:hp:drat",
       r = mpg ~ cyl * disp * hp * drat - cyl:disp:hp:drat - cyl:disp:hp - cyl:hp:drat,
       family = "gaussian"),
  list(id = "long_nb", data = "quine",
       python = "Days ~ Eth + Sex + Age + Lrn + Eth:Sex + Eth:Age + Sex:Age + Eth:Lrn",
       r = Days ~ Eth + Sex + Age + Lrn + Eth:Sex + Eth:Age + Sex:Age + Eth:Lrn, family = NULL)
)

out <- lapply(cases, function(case) {
  d <- switch(case$data, quine = quine, wb = wb, mtcars = mtcars, esoph = esoph)
  fit <- if (is.null(case$family)) {
    eval(bquote(glm.nb(.(case$r), data = d)))
  } else {
    eval(bquote(glm(.(case$r), family = .(as.name(case$family)), data = d)))
  }
  list(id = case$id, data = case$data, formula = case$python,
       family = if (is.null(case$family)) NA else case$family,
       call = paste(deparse(fit$call, width.cutoff = 500L), collapse = " "),
       # the lines summary() prints under "Call:" (deparse's line breaks)
       summary_call = I(deparse(fit$call)))
})

golden <- list(r_version = R.version.string, generated_by = "tests/golden/make_golden_call_deparse.R",
               cases = out)
writeLines(toJSON(golden, auto_unbox = TRUE, pretty = FALSE, na = "null"),
           file.path("tests", "golden", "call_deparse_golden.json"))
