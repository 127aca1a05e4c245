# make_golden_predict_offset.R -- predict.glm() with offsets on newdata, for
# tests/test_predict_offset.py.
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_predict_offset.R
# Writes tests/golden/predict_offset_golden.json.
#
# MASS's Insurance data, Claims ~ District (poisson), with the offset given as
#   "call"     glm(..., offset = log(Holders))      -- glmformula: an array
#   "column"   glm(..., offset = logH), logH a column  -- glmformula: offset="logH"
#   "formula"  Claims ~ District + offset(log(Holders))
#   "both"     Claims ~ District + offset(log(Holders)), offset = ageoff (a column)
# R's predict.glm (through predict.lm) evaluates the formula's offset() terms
# and the call's offset= in newdata and adds them; without newdata it uses the
# fit's total offset. Each case holds
#   id, r_formula, offset_kind, coefficients,
#   newdata (encode_data), and for type in link/response:
#   expected.<type>.{fit, se_fit}   predict(m, newdata, type, se.fit = TRUE)
#   fitted.<type>.{fit, se_fit}     the same without newdata.
# Numbers are written with sprintf("%.17g") (see golden_helpers.R).

out_path <- file.path("tests", "golden", "predict_offset_golden.json")
if (!dir.exists(dirname(out_path))) stop("run from the repository root")
source(file.path("tests", "golden", "golden_helpers.R"))

ins <- Insurance[, c("District", "Age", "Holders", "Claims")]
ins$logH <- log(ins$Holders)
ins$ageoff <- 0.1 * as.numeric(ins$Age)  # 0.1 .. 0.4 by age band

# newdata: every other row, with Holders changed so that an offset not read
# from newdata would show
nd <- ins[seq(1, 64, by = 3), ]
nd$Holders <- nd$Holders * c(2, 0.5, 1, 3)[seq_len(nrow(nd)) %% 4 + 1]
nd$logH <- log(nd$Holders)
nd$ageoff <- rev(nd$ageoff)
rownames(nd) <- NULL

fits <- list(
  call = glm(Claims ~ District, family = poisson, data = ins, offset = log(Holders)),
  column = glm(Claims ~ District, family = poisson, data = ins, offset = logH),
  formula = glm(Claims ~ District + offset(log(Holders)), family = poisson, data = ins),
  both = glm(Claims ~ District + offset(log(Holders)), family = poisson, data = ins,
             offset = ageoff)
)

frame_of <- function(d) {
  d <- d[, c("District", "Holders", "Claims", "logH", "ageoff")]
  d$District <- factor(as.character(d$District), levels = levels(ins$District))
  encode_data(d)
}

cases <- list()
for (kind in names(fits)) {
  m <- fits[[kind]]
  pieces <- list()
  for (type in c("link", "response")) {
    p <- predict(m, newdata = nd, type = type, se.fit = TRUE)
    f <- predict(m, type = type, se.fit = TRUE)
    pieces[[type]] <- list(
      newdata = list(fit = arr(p$fit), se_fit = arr(p$se.fit)),
      fitted = list(fit = arr(f$fit), se_fit = arr(f$se.fit))
    )
  }
  cases[[length(cases) + 1]] <- list(
    id = paste0("insurance_offset_", kind),
    r_formula = paste(deparse(formula(m)), collapse = " "),
    offset_kind = kind,
    coefficients = obj(coef(m)),
    data = frame_of(ins),
    newdata = frame_of(nd),
    expected = pieces
  )
}

write_golden(cases, out_path, "tests/golden/make_golden_predict_offset.R")
