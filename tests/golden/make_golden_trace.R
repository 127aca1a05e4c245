# make_golden_trace.R -- R's trace output of glm.fit (control = list(trace = TRUE)).
#
# Run from the repository root:
#     Rscript tests/golden/make_golden_trace.R
# Writes tests/golden/trace_golden.json: for some cases of glm_golden.json (the two
# that halve the step, and a few plain ones), the lines that glm() prints with
# trace = TRUE: "Deviance = <dev> Iterations - <iter>" after each IRLS step, before
# step halving, and "Step halved: new deviance = <dev>" after it.

suppressPackageStartupMessages(library(jsonlite))

golden <- fromJSON(file.path("tests", "golden", "glm_golden.json"), simplifyVector = FALSE)
traced <- c("poisson_identity_step_halving", "Gamma_identity_step_halving",
            "poisson_log_ships_offset_formula", "binomial_logit_budworm_cbind_interaction",
            "poisson_log_quine_maxit3")

case_data <- function(case) {
  columns <- case$data$columns
  frame <- data.frame(lapply(columns, function(v)
    vapply(v, function(x) if (is.null(x)) NA else x, if (is.character(v[[1]])) "" else 0)),
    check.names = FALSE, stringsAsFactors = FALSE)
  for (name in names(case$data$factors)) {
    info <- case$data$factors[[name]]
    frame[[name]] <- factor(unlist(lapply(columns[[name]], function(x)
      if (is.null(x)) NA else x)), levels = unlist(info$levels), ordered = info$ordered)
  }
  frame
}

out <- list()
for (case in golden$cases) {
  if (!(case$id %in% traced)) next
  call <- str2lang(case$r_call)
  env <- new.env()
  assign(as.character(call$data), case_data(case), envir = env)
  call$control <- call("glm.control", epsilon = case$control$epsilon,
                       maxit = case$control$maxit, trace = TRUE)
  lines <- capture.output(suppressWarnings(eval(call, env)), type = "output")
  lines <- lines[grepl("^(Deviance =|Step halved)", lines)]
  out[[case$id]] <- as.list(lines)
}
writeLines(toJSON(list(cases = out), auto_unbox = TRUE, pretty = TRUE),
           file.path("tests", "golden", "trace_golden.json"))
