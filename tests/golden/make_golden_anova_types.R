# make_golden_anova_types.R -- reference Type II and Type III analysis-of-deviance
# tables from car::Anova(m, type = 2 | 3, test.statistic = "LR" | "F")
# (car 3.1; Debian r-cran-car). Run from the repository root:
#     Rscript tests/golden/make_golden_anova_types.R
# Writes tests/golden/anova_types_golden.json. Each case has
#   id, type (2 | 3), test ("LR" | "F"), formula (Python), r_formula,
#   family_call, data (as encode_data), expected: {row_names,
#   columns {name: [values]} (NA as null), heading (car's heading attribute
#   pasted with "\n"), print_text (print() output, lines joined by "\n")}.
# Models use R's default treatment contrasts, as glmformula does.
source(file.path("tests", "golden", "golden_helpers.R"))
suppressPackageStartupMessages(library(car))

cases <- list()

record <- function(id, formula, family_call, data, type, test = "LR") {
  env <- new.env(parent = globalenv())
  assign("d", data, envir = env)
  cl <- call("glm", formula = as.formula(formula, env = globalenv()),
             family = str2lang(family_call), data = as.name("d"))
  m <- eval(cl, env)
  tab <- Anova(m, type = type, test.statistic = test)
  columns <- list()
  for (nm in colnames(tab)) columns[[nm]] <- arr(as.double(tab[[nm]]))
  printed <- capture.output(print(tab))
  cases[[length(cases) + 1]] <<- list(
    id = id, type = type, test = test, formula = formula, r_formula = formula,
    family_call = family_call, data = encode_data(data),
    expected = list(
      row_names = arr(rownames(tab)),
      columns = columns,
      heading = paste(attr(tab, "heading"), collapse = "\n"),
      print_text = paste(printed, collapse = "\n")
    )
  )
}

wb <- warpbreaks[, c("breaks", "wool", "tension")]
bw <- budworm[, c("numdead", "numalive", "sex", "ldose")]
mtd <- mt[, c("mpg", "wt", "hp", "cyl")]
clot <- data.frame(u = rep(clotting$u, 2), time = c(clotting$lot1, clotting$lot2),
                   lot = factor(rep(c("lot1", "lot2"), each = 9)))

models <- list(
  list("poisson_warpbreaks_wool_x_tension", "breaks ~ wool * tension", "poisson", wb),
  list("binomial_budworm_sex_x_ldose", "cbind(numdead, numalive) ~ sex * ldose",
       "binomial", bw),
  list("gaussian_mtcars_cyl_wt_hp", "mpg ~ cyl * wt + hp", "gaussian", mtd),
  list("gamma_clotting_lot_x_logu", "time ~ lot * log(u)", "Gamma", clot),
  list("poisson_warpbreaks_additive", "breaks ~ tension + wool", "poisson", wb)
)
for (type in c(2, 3)) {
  for (mm in models) {
    record(sprintf("type%d_lr_%s", type, mm[[1]]), mm[[2]], mm[[3]], mm[[4]], type)
  }
  for (mm in models[c(3, 4)]) {
    record(sprintf("type%d_f_%s", type, mm[[1]]), mm[[2]], mm[[3]], mm[[4]], type,
           test = "F")
  }
}

write_golden(cases, file.path("tests", "golden", "anova_types_golden.json"),
             "tests/golden/make_golden_anova_types.R")
