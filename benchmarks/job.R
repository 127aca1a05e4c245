# One timed R job: read a workload's CSV (not timed), then time glm() and print(summary()).
# Usage: Rscript benchmarks/job.R PATH FORMULA FAMILY LINK
args <- commandArgs(trailingOnly = TRUE)
frame <- read.csv(args[1], stringsAsFactors = TRUE)
family <- get(args[3])(link = args[4])
start <- proc.time()[["elapsed"]]
model <- glm(as.formula(args[2]), data = frame, family = family)
invisible(capture.output(print(summary(model))))
seconds <- proc.time()[["elapsed"]] - start
status <- readLines("/proc/self/status")
peak_kb <- as.numeric(gsub("[^0-9]", "", status[grepl("^VmHWM", status)]))
cat(sprintf('{"seconds": %.6f, "peak_mb": %.1f, "n_coef": %d}\n', seconds, peak_kb / 1024,
            length(coef(model))))
