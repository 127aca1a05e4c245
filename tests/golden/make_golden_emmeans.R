# make_golden_emmeans.R -- reference emmeans(), contrast(), pairs(), confint() and
# emtrends() results from R's emmeans package, for tests/test_emmeans*.py.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_emmeans.R
# Writes tests/golden/emmeans_golden.json. Needs emmeans (tested with 1.8.4.1 on
# R 4.2.2) and sandwich (for the robust-covariance case).
#
# Each case is one model:
#   id, r_formula, formula (glmformula syntax), family, link, fitter ("glm" or
#   "glm.nb"), offset (name of the column given as offset=, or null), vcov
#   (null, or "HC3": vcov. = sandwich::vcovHC(m, type = "HC3")), data (as in
#   glm_golden.json: columns and factors with their levels)
# and `calls`, each one emmeans()/emtrends() call, optionally followed by a
# contrast() and confint():
#   fn              "emmeans" or "emtrends"
#   specs, by, type, at, var   the arguments given (null: not given)
#   contrast        null, or {method, adjust (null: the method's default), ref}
#   confint         true: the result printed is confint() of the object
#   level           the confidence level given to confint() (null: 0.95)
#   columns         names of the summary's columns, in order
#   frame           {column: [values]}: labels as strings, numbers with 17
#                   digits, Inf as the string "Inf", NA as null
#   text            capture.output(print(object)): R's printed lines
#
# Numbers are written with sprintf("%.17g") (see golden_helpers.R).
#
# Agreement (PYTHONPATH=tests/golden python tests/test_emmeans_golden.py prints it):
# 21 models, 105 calls, every printed line identical; largest relative differences
# estimates 4e-13, SE 4e-13, test statistics 3e-13, limits 2e-8 (Tukey: R's qtukey
# against scipy's studentized range), p-values 6e-9 (p-values below 1e-4 differ
# by at most 7e-12 absolute: R's ptukey is accurate to about 1e-12 there).
# R's rules kept as they are: df is the residual df only for gaussian and Gamma
# (quasipoisson and quasibinomial get df = Inf, z intervals); glm.nb's response-scale
# estimate is "response" (emmeans reads "Negative Binomial", not "binomial"); the
# offset of the grid is the mean of the fit's offsets (mean(log(Holders)), not
# log(mean(Holders))).

out_path <- file.path("tests", "golden", "emmeans_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages({
  library(emmeans)
  library(sandwich)
  library(splines)
})
emm_options(msg.interaction = FALSE)

cases <- list()

num_or_inf <- function(x) {
  lapply(as.double(x), function(v) {
    if (is.na(v)) NULL else if (is.infinite(v)) (if (v > 0) "Inf" else "-Inf") else v
  })
}

frame_of <- function(s) {
  s <- as.data.frame(s)
  out <- lapply(names(s), function(n) {
    col <- s[[n]]
    if (is.factor(col) || is.character(col)) arr(as.character(col)) else num_or_inf(col)
  })
  names(out) <- names(s)
  out
}

# one call: build the object in R, record its summary and printed text
emm_call <- function(m, fn = "emmeans", specs, by = NULL, type = NULL, at = NULL,
                     var = NULL, contrast = NULL, confint = FALSE, level = NULL,
                     vcov = NULL) {
  args <- list(m, specs = if (is.character(specs) && grepl("~", specs[1]))
    as.formula(specs) else specs)
  if (!is.null(by)) args$by <- by
  if (!is.null(type)) args$type <- type
  if (!is.null(at)) args$at <- at
  if (!is.null(var)) args$var <- var
  if (!is.null(vcov)) args$vcov. <- vcov
  obj <- do.call(if (fn == "emmeans") emmeans else emtrends, args)
  if (!is.null(contrast)) {
    cargs <- list(obj, method = contrast$method)
    if (!is.null(contrast$adjust)) cargs$adjust <- contrast$adjust
    if (!is.null(contrast$ref)) cargs$ref <- contrast$ref
    obj <- do.call(emmeans::contrast, cargs)
  }
  s <- if (confint) confint(obj, level = if (is.null(level)) 0.95 else level) else summary(obj)
  text <- capture.output(print(s))
  list(fn = fn, specs = arr(specs), by = if (is.null(by)) NULL else arr(by),
       type = type, at = if (is.null(at)) NULL else lapply(at, arr), var = var,
       contrast = contrast, confint = confint, level = level,
       columns = arr(names(s)), frame = frame_of(s), text = arr(text))
}

# encode_data() of golden_helpers.R, plus text and logical columns (as strings and
# true/false, not factors)
encode_frame <- function(d) {
  plain <- names(d)[vapply(d, function(x) is.character(x) || is.logical(x), TRUE)]
  out <- encode_data(d[, setdiff(names(d), plain), drop = FALSE])
  for (nm in plain) out$columns[[nm]] <- arr(d[[nm]])
  out$columns <- out$columns[names(d)]
  out
}

record <- function(id, m, r_formula, formula, data, calls_fn, fitter = "glm",
                   offset = NULL, vcov = NULL, notes = NULL) {
  fam <- m$family
  vc <- if (is.null(vcov)) NULL else sandwich::vcovHC(m, type = vcov)
  calls <- calls_fn(function(...) emm_call(m, ..., vcov = vc))
  cases[[length(cases) + 1]] <<- list(
    id = id, r_formula = r_formula, formula = formula,
    family = if (fitter == "glm.nb") "negative.binomial" else fam$family,
    link = fam$link, fitter = fitter, offset = offset, vcov = vcov, notes = notes,
    theta = if (fitter == "glm.nb") m$theta else NULL,
    coefficients = obj(coef(m)),
    data = encode_frame(data), calls = calls)
}

ctr <- function(method, adjust = NULL, ref = NULL) {
  out <- list(method = method)
  if (!is.null(adjust)) out$adjust <- adjust
  if (!is.null(ref)) out$ref <- ref
  out
}

# ---------------------------------------------------------------------------
# 1. gaussian, two factors with interaction (t-based, residual df)
wb <- warpbreaks[, c("breaks", "wool", "tension")]
m <- glm(breaks ~ wool * tension, data = wb)
record("gaussian_warpbreaks", m, "breaks ~ wool * tension", "breaks ~ wool * tension", wb,
       function(call) list(
         call(specs = "tension"),
         call(specs = "~ tension | wool"),
         call(specs = "tension", by = "wool", contrast = ctr("pairwise")),
         call(specs = "tension", contrast = ctr("pairwise")),
         call(specs = "tension", contrast = ctr("pairwise", "holm")),
         call(specs = "~ tension | wool", contrast = ctr("pairwise", "holm")),
         call(specs = "~ tension | wool", contrast = ctr("pairwise", "sidak")),
         call(specs = "tension", contrast = ctr("trt.vs.ctrl")),
         call(specs = "tension", contrast = ctr("trt.vs.ctrlk")),
         call(specs = "tension", contrast = ctr("revpairwise", "bonferroni")),
         call(specs = "tension", contrast = ctr("pairwise"), confint = TRUE),
         call(specs = c("wool", "tension")),
         call(specs = "wool", contrast = ctr("pairwise"))))

# 2. gaussian with a covariate used as log(dose): the grid holds dose at its mean
tg <- ToothGrowth
m <- glm(len ~ supp * log(dose), data = tg)
record("gaussian_toothgrowth_log", m, "len ~ supp * log(dose)", "len ~ supp * log(dose)", tg,
       function(call) list(
         call(specs = "supp"),
         call(specs = "supp", contrast = ctr("pairwise")),
         call(specs = "~ supp | dose", at = list(dose = c(0.5, 1, 2))),
         call(specs = "~ dose | supp", at = list(dose = c(0.5, 1, 2)),
              contrast = ctr("pairwise")),
         call(fn = "emtrends", specs = "supp", var = "dose"),
         call(fn = "emtrends", specs = "supp", var = "dose", contrast = ctr("pairwise"))))

# 3. gaussian with poly() of a covariate
m <- glm(len ~ supp + poly(dose, 2), data = tg)
record("gaussian_toothgrowth_poly", m, "len ~ supp + poly(dose, 2)",
       "len ~ supp + poly(dose, 2)", tg,
       function(call) list(
         call(specs = "supp"),
         call(fn = "emtrends", specs = "supp", var = "dose"),
         call(specs = "dose", at = list(dose = c(0.5, 1, 2)), contrast = ctr("pairwise"))))

# 4. binomial cbind() with ordered factors: labels such as (0-39g/day), (120+)
es <- esoph
m <- glm(cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp, data = es, family = binomial)
record("binomial_esoph", m, "cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp",
       "cbind(ncases, ncontrols) ~ agegp + tobgp + alcgp", es,
       function(call) list(
         call(specs = "alcgp"),
         call(specs = "alcgp", type = "response"),
         call(specs = "alcgp", type = "response", contrast = ctr("pairwise")),
         call(specs = "alcgp", contrast = ctr("pairwise")),
         call(specs = "alcgp", type = "response", contrast = ctr("trt.vs.ctrl", ref = 2)),
         call(specs = "alcgp", contrast = ctr("revpairwise", "bonferroni")),
         call(specs = "alcgp", type = "response", contrast = ctr("pairwise"), confint = TRUE),
         call(specs = "tobgp", contrast = ctr("trt.vs.ctrl", "none"))))

# 5. binomial 0/1 with two 0/1 covariates (kept at both values and averaged over)
bw <- MASS::birthwt
bw$race <- factor(bw$race, labels = c("white", "black", "other"))
bw <- bw[, c("low", "age", "lwt", "race", "smoke", "ht")]
m <- glm(low ~ age + lwt + race + smoke + ht, data = bw, family = binomial)
record("binomial_birthwt", m, "low ~ age + lwt + race + smoke + ht",
       "low ~ age + lwt + race + smoke + ht", bw,
       function(call) list(
         call(specs = "race", type = "response"),
         call(specs = "race", type = "response", contrast = ctr("pairwise", "sidak")),
         call(specs = "race", contrast = ctr("pairwise", "none")),
         call(specs = "smoke", type = "response"),
         call(fn = "emtrends", specs = "race", var = "lwt")))

# 6. binomial probit: contrasts stay on the probit scale
bud <- data.frame(ldose = rep(0:5, 2),
                  numdead = c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16),
                  sex = factor(rep(c("M", "F"), c(6, 6))))
bud$numalive <- 20 - bud$numdead
m <- glm(cbind(numdead, numalive) ~ sex * ldose, data = bud, family = binomial(link = "probit"))
record("binomial_probit_budworm", m, "cbind(numdead, numalive) ~ sex * ldose",
       "cbind(numdead, numalive) ~ sex * ldose", bud,
       function(call) list(
         call(specs = "sex", type = "response"),
         call(specs = "sex", type = "response", contrast = ctr("pairwise")),
         call(specs = "~ sex | ldose", at = list(ldose = c(1, 4)), type = "response"),
         call(fn = "emtrends", specs = "sex", var = "ldose"),
         call(fn = "emtrends", specs = "sex", var = "ldose", contrast = ctr("pairwise"))))

# 7. binomial with a numeric variable coerced to a factor in the formula
mt <- mtcars[, c("am", "wt", "cyl")]
m <- glm(am ~ wt + factor(cyl), data = mt, family = binomial)
record("binomial_mtcars_factor", m, "am ~ wt + factor(cyl)", "am ~ wt + factor(cyl)", mt,
       function(call) list(
         call(specs = "cyl"),
         call(specs = "cyl", contrast = ctr("pairwise")),
         call(specs = "cyl", type = "response", contrast = ctr("pairwise", "holm"))))

# 8. poisson with offset(log(Holders)) in the formula
ins <- MASS::Insurance
m <- glm(Claims ~ District + Group + Age + offset(log(Holders)), data = ins, family = poisson)
record("poisson_insurance_offset", m,
       "Claims ~ District + Group + Age + offset(log(Holders))",
       "Claims ~ District + Group + Age + offset(log(Holders))", ins,
       function(call) list(
         call(specs = "Age"),
         call(specs = "Age", type = "response"),
         call(specs = "Age", type = "response", contrast = ctr("pairwise")),
         call(specs = "Age", contrast = ctr("pairwise")),
         call(specs = "Age", type = "response", contrast = ctr("trt.vs.ctrl")),
         call(specs = "Age", contrast = ctr("pairwise", "sidak")),
         call(specs = "Age", contrast = ctr("pairwise"), confint = TRUE),
         call(specs = "Age", type = "response", contrast = ctr("pairwise"), confint = TRUE),
         call(specs = "~ Group | District", type = "response")))

# 9. poisson with the offset given as the offset= argument (a column)
ins2 <- ins
ins2$logH <- log(ins2$Holders)
m <- glm(Claims ~ District + Group + Age, offset = logH, data = ins2, family = poisson)
record("poisson_insurance_offset_argument", m, "Claims ~ District + Group + Age",
       "Claims ~ District + Group + Age", ins2, offset = "logH",
       function(call) list(
         call(specs = "Group", type = "response"),
         call(specs = "Group", type = "response", contrast = ctr("revpairwise"))))

# 10. poisson, one factor with six levels (Tukey family of 6, Dunnett with 5)
spr <- InsectSprays
m <- glm(count ~ spray, data = spr, family = poisson)
record("poisson_insectsprays", m, "count ~ spray", "count ~ spray", spr,
       function(call) list(
         call(specs = "spray", type = "response"),
         call(specs = "spray", contrast = ctr("pairwise")),
         call(specs = "spray", type = "response", contrast = ctr("trt.vs.ctrl")),
         call(specs = "spray", contrast = ctr("trt.vs.ctrl", ref = 3)),
         call(specs = "spray", contrast = ctr("trt.vs.ctrlk", "bonferroni")),
         call(specs = "spray", contrast = ctr("trt.vs.ctrl"), confint = TRUE)))

# 11. poisson with interaction, by groups, every adjustment
m <- glm(breaks ~ wool * tension, data = wb, family = poisson)
record("poisson_warpbreaks", m, "breaks ~ wool * tension", "breaks ~ wool * tension", wb,
       function(call) list(
         call(specs = "tension", by = "wool", type = "response"),
         call(specs = "tension", by = "wool", contrast = ctr("pairwise")),
         call(specs = "tension", by = "wool", contrast = ctr("pairwise", "bonferroni")),
         call(specs = "tension", by = "wool", contrast = ctr("pairwise", "none")),
         call(specs = "tension", by = "wool", type = "response",
              contrast = ctr("trt.vs.ctrl")),
         call(specs = "wool", by = "tension", type = "response", contrast = ctr("pairwise"))))

# 12. the same model with HC3 robust covariance
record("poisson_warpbreaks_hc3", m, "breaks ~ wool * tension", "breaks ~ wool * tension", wb,
       vcov = "HC3",
       function(call) list(
         call(specs = "tension", type = "response"),
         call(specs = "tension", contrast = ctr("pairwise"))))

# 13. Gamma, log link: "response" and ratios, t-based
clot <- data.frame(u = rep(c(5, 10, 15, 20, 30, 40, 60, 80, 100), 2),
                   time = c(118, 58, 42, 35, 27, 25, 21, 19, 18,
                            69, 35, 26, 21, 18, 16, 13, 12, 12),
                   lot = factor(rep(c("lot1", "lot2"), each = 9)))
m <- glm(time ~ lot * log(u), data = clot, family = Gamma(link = "log"))
record("gamma_log_clotting", m, "time ~ lot * log(u)", "time ~ lot * log(u)", clot,
       function(call) list(
         call(specs = "lot"),
         call(specs = "lot", type = "response"),
         call(specs = "lot", type = "response", contrast = ctr("pairwise")),
         call(specs = "~ lot | u", at = list(u = c(10, 40)), type = "response"),
         call(fn = "emtrends", specs = "lot", var = "u"),
         call(fn = "emtrends", specs = "lot", var = "u", contrast = ctr("pairwise"))))

# 14. Gamma, inverse link: back-transformed intervals swap ends; contrasts stay on 1/mu
m <- glm(time ~ lot + log(u), data = clot, family = Gamma)
record("gamma_inverse_clotting", m, "time ~ lot + log(u)", "time ~ lot + log(u)", clot,
       function(call) list(
         call(specs = "lot"),
         call(specs = "lot", type = "response"),
         call(specs = "lot", type = "response", contrast = ctr("pairwise"))))

# 15. negative binomial (MASS::glm.nb)
qn <- MASS::quine
m <- glm.nb(Days ~ Eth + Sex + Age + Lrn, data = qn)
record("negbin_quine", m, "Days ~ Eth + Sex + Age + Lrn", "Days ~ Eth + Sex + Age + Lrn", qn,
       fitter = "glm.nb",
       function(call) list(
         call(specs = "Age"),
         call(specs = "Age", type = "response"),
         call(specs = "Age", type = "response", contrast = ctr("pairwise")),
         call(specs = "Age", contrast = ctr("pairwise", "holm")),
         call(specs = "Age", type = "response", contrast = ctr("trt.vs.ctrl")),
         call(specs = "~ Sex | Eth", type = "response", contrast = ctr("pairwise"))))

# 16. quasipoisson: dispersion estimated, but emmeans keeps df = Inf for it
m <- glm(Days ~ Eth + Sex + Age + Lrn, data = qn, family = quasipoisson)
record("quasipoisson_quine", m, "Days ~ Eth + Sex + Age + Lrn",
       "Days ~ Eth + Sex + Age + Lrn", qn,
       function(call) list(
         call(specs = "Age", type = "response"),
         call(specs = "Age", type = "response", contrast = ctr("pairwise")),
         call(specs = "Lrn", contrast = ctr("pairwise"))))

# 17. an empty cell (wool B, tension H): what is not estimable is NA (printed nonEst)
wb_cell <- subset(wb, !(wool == "B" & tension == "H"))
rownames(wb_cell) <- NULL
m <- glm(breaks ~ wool * tension, data = wb_cell, family = poisson)
record("poisson_warpbreaks_empty_cell", m, "breaks ~ wool * tension",
       "breaks ~ wool * tension", wb_cell,
       function(call) list(
         call(specs = "~ tension | wool"),
         call(specs = "~ tension | wool", contrast = ctr("pairwise")),
         call(specs = "tension"),
         call(specs = "~ tension | wool", contrast = ctr("pairwise", "holm"))))

# 18. the overall mean ("1"), BH and hochberg adjustments, a 90% interval
m <- glm(breaks ~ wool + tension, data = wb, family = poisson)
record("poisson_warpbreaks_additive", m, "breaks ~ wool + tension",
       "breaks ~ wool + tension", wb,
       function(call) list(
         call(specs = "1"),
         call(specs = "1", type = "response"),
         call(specs = "tension", contrast = ctr("pairwise", "BH")),
         call(specs = "tension", contrast = ctr("pairwise", "hochberg")),
         call(specs = "tension", confint = TRUE, level = 0.9),
         call(specs = "tension", type = "response", contrast = ctr("pairwise"),
              confint = TRUE, level = 0.9)))

# 19. a text column (levels sorted) and a logical one (TRUE/FALSE levels)
wbt <- data.frame(breaks = wb$breaks, w = as.character(wb$wool), hi = wb$tension == "H")
m <- glm(breaks ~ w + hi, data = wbt, family = poisson)
record("poisson_text_logical", m, "breaks ~ w + hi", "breaks ~ w + hi", wbt,
       function(call) list(
         call(specs = "hi"),
         call(specs = "w", type = "response", contrast = ctr("pairwise")),
         call(specs = "hi", contrast = ctr("pairwise"))))

# 20. a natural spline of a covariate and a numeric variable made a factor
mt2 <- mtcars[, c("mpg", "am", "hp")]
m <- glm(mpg ~ factor(am) + ns(hp, df = 3), data = mt2)
record("gaussian_mtcars_ns", m, "mpg ~ factor(am) + ns(hp, df = 3)",
       "mpg ~ factor(am) + ns(hp, df = 3)", mt2,
       function(call) list(
         call(specs = "am"),
         call(specs = "am", contrast = ctr("pairwise")),
         call(specs = "~ hp | am", at = list(hp = c(100, 150, 200))),
         call(fn = "emtrends", specs = "am", var = "hp")))

# 21. rows with a missing response are left out of the means of the covariates
aq <- airquality[, c("Ozone", "Wind", "Temp")]
aq$hot <- ifelse(aq$Temp > 80, "hot", "cool")
aq <- aq[, c("Ozone", "Wind", "hot")]
m <- glm(Ozone ~ Wind + hot, data = aq, family = Gamma(link = "log"))
record("gamma_log_airquality_missing", m, "Ozone ~ Wind + hot", "Ozone ~ Wind + hot", aq,
       function(call) list(
         call(specs = "hot", type = "response"),
         call(fn = "emtrends", specs = "hot", var = "Wind")))

doc <- list(
  r_version = R.version.string,
  emmeans_version = as.character(packageVersion("emmeans")),
  generated_by = "tests/golden/make_golden_emmeans.R",
  cases = cases
)
txt <- to_json(doc)
stopifnot(jsonlite::validate(txt))
writeLines(txt, out_path, useBytes = TRUE)
cat(sprintf("wrote %d cases (%d calls) to %s\n", length(cases),
            sum(vapply(cases, function(k) length(k$calls), 0L)), out_path))
