# make_golden_emmeans_extra.R -- more of R's emmeans on GLMs: the contrast methods
# poly, eff, del.eff, identity, consec and mean_chg (the last two with an explicit
# adjust=, their default "mvt" being a Monte Carlo adjustment), summary(..., infer,
# null), confint(..., adjust), contrast(..., by = NULL), at= reordering a factor's
# levels, text levels as by groups ("source = soy:", no padding), and a test
# statistic that is zero but for rounding ("0.000", not "-0.000").
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_emmeans_extra.R
# Writes tests/golden/emmeans_extra_golden.json (emmeans 1.8.4.1, R 4.2.2).
#
# The case layout is that of make_golden_emmeans.R (id, formula, family, link,
# offset, weights, data, calls), each call with, besides specs/by/type/at:
#   contrast   null, or {method, adjust, ref, by, interaction}: by given (a list of
#              names, or the string "NULL" for by = NULL) only when the call sets it;
#              interaction (a list of methods) instead of method for interaction
#              contrasts
#   summary    null, or {infer: [ci, test], null, adjust, level}: the arguments given
#              to summary() (or, with confint = true, to confint())
#   confint    true: the result is confint(object, level, adjust)
#   weights    null, or emmeans' weights= ("proportional", "outer", "cells", "flat")
#   var        null, or emtrends()' var= (the call is then emtrends(m, specs, var))
#   cov_reduce null, or cov.reduce by name: "range", "median", "q25" (first quartile),
#              "FALSE" (every value), or {variable: name}
#   contrast2  null, or {method, adjust, by}: a second contrast() of the first's result
#   regrid     null; "argument": emmeans(..., regrid = "response"); "before":
#              regrid(emmeans(...)) before the contrast; "after": regrid(contrast(...))
#   columns, frame, text   as in make_golden_emmeans.R

out_path <- file.path("tests", "golden", "emmeans_extra_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages(library(emmeans))
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

emm_call <- function(m, specs, by = NULL, type = NULL, at = NULL, contrast = NULL,
                     confint = FALSE, summary = NULL, weights = NULL, var = NULL,
                     regrid = NULL, cov_reduce = NULL, contrast2 = NULL) {
  args <- list(m, specs = if (grepl("~", specs[1])) as.formula(specs) else specs)
  if (!is.null(by)) args$by <- by
  if (!is.null(type)) args$type <- type
  if (!is.null(at)) args$at <- at
  if (!is.null(weights)) args$weights <- weights
  if (!is.null(var)) args$var <- var
  if (identical(regrid, "argument")) args$regrid <- "response"
  if (!is.null(cov_reduce)) args$cov.reduce <- reducer(cov_reduce)
  obj <- do.call(if (is.null(var)) emmeans else emtrends, args)
  if (identical(regrid, "before")) obj <- emmeans::regrid(obj)
  if (!is.null(contrast)) {
    cargs <- list(obj)
    if (!is.null(contrast$method)) cargs$method <- contrast$method
    if (!is.null(contrast$interaction)) cargs$interaction <- contrast$interaction
    if (!is.null(contrast$adjust)) cargs$adjust <- contrast$adjust
    if (!is.null(contrast$ref)) cargs$ref <- contrast$ref
    if (!is.null(contrast$by)) cargs["by"] <- list(if (identical(contrast$by, "NULL"))
      NULL else contrast$by)
    obj <- do.call(emmeans::contrast, cargs)
  }
  if (!is.null(contrast2)) {  # a contrast of the contrasts
    cargs <- list(obj, method = contrast2$method)
    if (!is.null(contrast2$adjust)) cargs$adjust <- contrast2$adjust
    if (!is.null(contrast2$by)) cargs["by"] <- list(if (identical(contrast2$by, "NULL"))
      NULL else contrast2$by)
    obj <- do.call(emmeans::contrast, cargs)
  }
  if (identical(regrid, "after")) obj <- emmeans::regrid(obj)
  sargs <- c(list(obj), summary)
  s <- do.call(if (confint) stats::confint else base::summary, sargs)
  text <- capture.output(print(s))
  list(specs = arr(specs), by = if (is.null(by)) NULL else arr(by), type = type,
       at = if (is.null(at)) NULL else lapply(at, arr), contrast = contrast,
       confint = confint, summary = summary, weights = weights, var = var, regrid = regrid,
       cov_reduce = cov_reduce, contrast2 = contrast2,
       columns = arr(names(s)), frame = frame_of(s), text = arr(text))
}

# cov.reduce by name: "range", "median", "q25" (the first quartile), "FALSE"; or a
# list of them by variable
REDUCERS <- list(range = range, median = median, FALSE_ = FALSE,
                 q25 = function(x) quantile(x, 0.25, names = FALSE))
reducer <- function(spec) {
  if (is.list(spec)) return(lapply(spec, reducer))
  REDUCERS[[if (spec == "FALSE") "FALSE_" else spec]]
}

encode_frame <- function(d) {
  plain <- names(d)[vapply(d, function(x) is.character(x) || is.logical(x), TRUE)]
  out <- encode_data(d[, setdiff(names(d), plain), drop = FALSE])
  for (nm in plain) out$columns[[nm]] <- arr(d[[nm]])
  out$columns <- out$columns[names(d)]
  out
}

record <- function(id, m, formula, data, calls_fn, weights = NULL) {
  calls <- calls_fn(function(...) emm_call(m, ...))
  cases[[length(cases) + 1]] <<- list(
    id = id, formula = formula, family = m$family$family, link = m$family$link,
    weights = weights, coefficients = obj(coef(m)), data = encode_frame(data),
    calls = calls)
}

ctr <- function(method = NULL, adjust = NULL, ref = NULL, by = NULL, interaction = NULL) {
  out <- list()
  if (!is.null(method)) out$method <- method
  if (!is.null(interaction)) out$interaction <- arr(interaction)
  if (!is.null(adjust)) out$adjust <- adjust
  if (!is.null(ref)) out$ref <- ref
  if (!is.null(by)) out$by <- by
  out
}

# 1. emmeans' pigs with percent made a factor, Gamma with log link (t-based)
m <- glm(conc ~ source + factor(percent), data = pigs, family = Gamma(link = "log"))
record("gamma_log_pigs", m, "conc ~ source + factor(percent)", pigs,
       function(call) list(
         call("~ source | percent", type = "response"),
         call("~ percent | source", contrast = ctr("pairwise")),
         call("percent", contrast = ctr("pairwise"), confint = TRUE,
              summary = list(level = 0.99)),
         call("percent", contrast = ctr("poly")),
         call("percent", contrast = ctr("poly"), confint = TRUE),
         call("~ percent | source", type = "response", contrast = ctr("consec", "holm")),
         call("percent", contrast = ctr("eff", "tukey")),
         call("~ source * percent", contrast = ctr("eff")),
         call("source", type = "response", contrast = ctr("del.eff")),
         call("source", type = "response", contrast = ctr("mean_chg", "bonferroni"))))

# 2. binomial with labels that need parentheses: (0-5yrs) effect, (0-5yrs)|(6-11yrs)
inf <- infert[, c("case", "education", "spontaneous", "induced", "age")]
m <- glm(case ~ education + spontaneous + induced + age, data = inf, family = binomial)
record("binomial_infert", m, "case ~ education + spontaneous + induced + age", inf,
       function(call) list(
         call("education", contrast = ctr("eff")),
         call("education", contrast = ctr("consec", "sidak")),
         call("education", type = "response", contrast = ctr("poly")),
         call("education", type = "response", contrast = ctr("del.eff")),
         call("education", contrast = ctr("identity")),
         call("education", contrast = ctr("mean_chg", "none")),
         call("~ education | spontaneous", type = "response"),
         call("education", type = "response", contrast = ctr("revpairwise"),
              confint = TRUE)))

# 3. quasibinomial: two odds ratios of exactly 1 but for rounding (z.ratio 0.000)
m <- glm(case ~ education * age, data = inf, family = quasibinomial)
record("quasibinomial_infert", m, "case ~ education * age", inf,
       function(call) list(
         call("~ education | age", at = list(age = c(25, 35)), type = "response",
              contrast = ctr("pairwise", "holm"))))

# 4. poisson with interaction: null=, adjusted intervals, by = NULL, at= order
wb <- warpbreaks[, c("breaks", "wool", "tension")]
m <- glm(breaks ~ wool * tension, data = wb, family = poisson)
record("poisson_warpbreaks", m, "breaks ~ wool * tension", wb,
       function(call) list(
         call("~ tension | wool", type = "response", contrast = ctr("poly")),
         call("tension", contrast = ctr("trt.vs.ctrl", ref = "M")),
         call("tension", type = "response", summary = list(infer = c(TRUE, TRUE),
                                                           null = log(30))),
         call("tension", type = "response", contrast = ctr("pairwise"),
              summary = list(infer = c(TRUE, TRUE), null = log(1.2))),
         call("tension", summary = list(infer = c(TRUE, TRUE), null = 3)),
         call("tension", confint = TRUE, summary = list(adjust = "tukey")),
         call("tension", contrast = ctr("pairwise"), confint = TRUE,
              summary = list(adjust = "holm")),
         call("~ tension | wool", contrast = ctr("pairwise"), confint = TRUE,
              summary = list(adjust = "sidak", level = 0.9)),
         call("~ tension | wool", contrast = ctr("pairwise", by = "NULL")),
         call("~ tension | wool", at = list(tension = c("H", "L"), wool = "B"),
              contrast = ctr("pairwise")),
         call("tension", at = list(tension = c("L", "H")))))

# 5. six levels: poly up to degree 5, eff and del.eff with fdr
spr <- InsectSprays
m <- glm(count ~ spray, data = spr, family = poisson)
record("poisson_insectsprays", m, "count ~ spray", spr,
       function(call) list(
         call("spray", contrast = ctr("poly")),
         call("spray", type = "response", contrast = ctr("eff")),
         call("spray", contrast = ctr("del.eff", "none")),
         call("spray", contrast = ctr("consec", "BH"))))

# 6. a proportion with weights: a null on the logit scale
wp <- data.frame(p = warpbreaks$breaks / 80, wool = warpbreaks$wool,
                 tension = warpbreaks$tension, n = 80)
m <- glm(p ~ wool + tension, data = wp, family = binomial, weights = n)
record("binomial_proportion_weights", m, "p ~ wool + tension", wp, weights = "n",
       function(call) list(
         call("tension", summary = list(infer = c(TRUE, TRUE), null = qlogis(0.3))),
         call("tension", type = "response", confint = TRUE,
              summary = list(adjust = "none"))))

# 7. weights=: unbalanced data (tension H of wool B mostly dropped), 0/1 covariates
#    kept at both values (their cells count), prior weights summed in each cell
wbu <- warpbreaks[c(1:40, 45:50), c("breaks", "wool", "tension")]
wbu$x <- seq(0.1, 4.6, by = 0.1)
rownames(wbu) <- NULL
m <- glm(breaks ~ wool * x + tension, data = wbu, family = poisson)
record("poisson_unbalanced_weights", m, "breaks ~ wool * x + tension", wbu,
       function(call) list(
         call("tension", weights = "cells"),
         call("wool", weights = "proportional", type = "response"),
         call("1", weights = "outer"),
         call("wool", weights = "flat"),
         call("wool", var = "x", weights = "proportional"),
         call("tension", weights = "prop", contrast = ctr("pairwise"))))
bw <- MASS::birthwt
bw$race <- factor(bw$race, labels = c("white", "black", "other"))
bw <- bw[, c("low", "age", "lwt", "race", "smoke", "ht")]
m <- glm(low ~ age + lwt + race + smoke + ht, data = bw, family = binomial)
record("binomial_birthwt_weights", m, "low ~ age + lwt + race + smoke + ht", bw,
       function(call) list(
         call("race", weights = "proportional", type = "response"),
         call("race", weights = "cells"),
         call("smoke", weights = "outer", type = "response"),
         call("race", weights = "flat", contrast = ctr("pairwise"))))
wpw <- wp
wpw$n <- rep(c(80, 40, 20), 18)
m <- glm(p ~ wool + tension, data = wpw, family = binomial, weights = n)
record("binomial_prior_weights_cells", m, "p ~ wool + tension", wpw, weights = "n",
       function(call) list(
         call("tension", weights = "cells"),
         call("wool", weights = "proportional", type = "response")))

# 8. regrid: differences of rates and probabilities, symmetric intervals; a regridded
#    contrast of a logit model (odds ratios labelled "A/B"); an inverse link
m <- glm(breaks ~ wool + tension, data = wb, family = poisson)
record("poisson_warpbreaks_regrid", m, "breaks ~ wool + tension", wb,
       function(call) list(
         call("tension", regrid = "before"),
         call("tension", regrid = "before", contrast = ctr("pairwise")),
         call("tension", regrid = "before", contrast = ctr("pairwise"), confint = TRUE),
         call("tension", regrid = "argument"),
         call("~ tension | wool", regrid = "before", contrast = ctr("trt.vs.ctrl")),
         call("tension", regrid = "before", summary = list(type = "link"))))
m <- glm(case ~ education + spontaneous, data = inf, family = binomial)
record("binomial_infert_regrid", m, "case ~ education + spontaneous", inf,
       function(call) list(
         call("education", regrid = "before", contrast = ctr("pairwise", "holm")),
         call("education", contrast = ctr("pairwise"), regrid = "after"),
         call("education", type = "response", contrast = ctr("revpairwise"),
              regrid = "after"),
         call("~ education | spontaneous", at = list(spontaneous = c(0, 2)),
              regrid = "argument", contrast = ctr("pairwise"))))
clot <- data.frame(u = rep(c(5, 10, 15, 20, 30, 40, 60, 80, 100), 2),
                   time = c(118, 58, 42, 35, 27, 25, 21, 19, 18,
                            69, 35, 26, 21, 18, 16, 13, 12, 12),
                   lot = factor(rep(c("lot1", "lot2"), each = 9)))
m <- glm(time ~ lot + log(u), data = clot, family = Gamma)
record("gamma_inverse_regrid", m, "time ~ lot + log(u)", clot,
       function(call) list(
         call("lot", regrid = "before"),
         call("lot", regrid = "before", contrast = ctr("pairwise")),
         call("~ lot | u", at = list(u = c(10, 40)), regrid = "argument")))

# 9. interaction contrasts: <variable>_<method> columns, unadjusted by default
m <- glm(breaks ~ wool * tension, data = wb, family = poisson)
record("poisson_warpbreaks_interaction", m, "breaks ~ wool * tension", wb,
       function(call) list(
         call("~ wool * tension", contrast = ctr(interaction = "pairwise")),
         call("~ wool * tension", contrast = ctr(interaction = c("consec", "poly"))),
         call("~ wool * tension", type = "response",
              contrast = ctr(interaction = "pairwise")),
         call("~ wool * tension", contrast = ctr(interaction = "pairwise", by = "wool")),
         call("~ wool * tension",
              contrast = ctr(interaction = c("revpairwise", "trt.vs.ctrl"))),
         call("~ wool * tension", contrast = ctr(interaction = "pairwise"),
              confint = TRUE)))
es <- esoph
m <- glm(cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp, data = es, family = binomial)
record("binomial_esoph_interaction", m, "cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp",
       es, function(call) list(
         call("~ tobgp * alcgp", type = "response",
              contrast = ctr(interaction = "trt.vs.ctrl", adjust = "holm")),
         call("~ tobgp * alcgp", contrast = ctr(interaction = c("poly", "eff")))))

# 10. Scheffe adjustment: F with the rank of the linear functions (z and t based)
m <- glm(breaks ~ wool + tension, data = wb, family = poisson)
record("poisson_warpbreaks_scheffe", m, "breaks ~ wool + tension", wb,
       function(call) list(
         call("tension", contrast = ctr("pairwise", "scheffe")),
         call("tension", contrast = ctr("pairwise"), confint = TRUE,
              summary = list(adjust = "scheffe")),
         call("~ tension | wool", summary = list(infer = c(TRUE, TRUE),
                                                  adjust = "scheffe")),
         call("wool", contrast = ctr("pairwise", "scheffe"))))
tg <- ToothGrowth
m <- glm(len ~ supp * factor(dose), data = tg)
record("gaussian_toothgrowth_scheffe", m, "len ~ supp * factor(dose)", tg,
       function(call) list(
         call("~ dose | supp", contrast = ctr("pairwise", "scheffe")),
         call("~ dose | supp", contrast = ctr("poly", "scheffe"), confint = TRUE)))

# 11. a factor level unused in the fit (Z: no rows), poly() of a covariate; the SE
#     column 130.0795...: R 4.2's zapsmall keeps 5 decimals (digits - log10(max),
#     rounded), so it prints 130.080
wz <- warpbreaks[-c(2, 7), c("breaks", "wool", "tension")]
wz$x <- seq(0.1, 5.4, by = 0.1)[-c(2, 7)]
wz$tension <- factor(wz$tension, levels = c("L", "M", "H", "Z"))
rownames(wz) <- NULL
m <- glm(breaks ~ wool * poly(x, 2) + tension, data = wz, family = quasipoisson)
record("quasipoisson_unused_level_poly", m, "breaks ~ wool * poly(x, 2) + tension", wz,
       function(call) list(
         call("~ wool | x", at = list(x = c(1, 3, 5)), type = "response"),
         call("tension", type = "response"),
         call("wool", var = "x", contrast = ctr("pairwise"))))

# 12. cov.reduce: a range (two values), a median, every value, one per variable
m <- glm(conc ~ source * percent, data = pigs, family = Gamma(link = "log"))
record("gamma_log_pigs_cov_reduce", m, "conc ~ source * percent", pigs,
       function(call) list(
         call("~ source | percent", cov_reduce = "range", type = "response"),
         call("source", cov_reduce = "median"),
         call("~ percent | source", cov_reduce = "FALSE", contrast = ctr("pairwise"))))
m <- glm(low ~ age + lwt + race + smoke, data = bw, family = binomial)
record("binomial_birthwt_cov_reduce", m, "low ~ age + lwt + race + smoke", bw,
       function(call) list(
         call("race", cov_reduce = list(age = "median", lwt = "q25"), type = "response"),
         call("~ race | age", cov_reduce = list(age = "range")),
         call("race", var = "lwt", cov_reduce = "range")))

# 13. contrasts of contrasts: the new column is "contrast1" when "contrast" is a by
#     variable; labels of contrasts compared, "(L - H A) - (L - M A)"
m <- glm(breaks ~ wool * tension, data = wb, family = poisson)
record("poisson_warpbreaks_contrast_of_contrasts", m, "breaks ~ wool * tension", wb,
       function(call) list(
         call("~ tension | wool", contrast = ctr("pairwise"),
              contrast2 = ctr("pairwise", by = "contrast")),
         call("~ tension | wool", contrast = ctr("pairwise"),
              contrast2 = ctr("trt.vs.ctrl", "none", by = "NULL")),
         call("~ tension | wool", type = "response", contrast = ctr("pairwise"),
              contrast2 = ctr("pairwise", by = "contrast"))))

write_golden(cases, out_path, "tests/golden/make_golden_emmeans_extra.R")
