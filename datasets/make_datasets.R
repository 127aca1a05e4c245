# make_datasets.R -- export bundled teaching data from R and write its metadata.
#
# Run from the repository root:
#     Rscript datasets/make_datasets.R
# Writes datasets/warpbreaks.csv and datasets/datasets.json.

suppressPackageStartupMessages(library(jsonlite))
if (!dir.exists("datasets")) stop("run from the repository root")

data(warpbreaks, package = "datasets", envir = environment())
wb <- data.frame(breaks = as.integer(warpbreaks$breaks),
                 wool = as.character(warpbreaks$wool),
                 tension = as.character(warpbreaks$tension))
stopifnot(all(wb$breaks == warpbreaks$breaks))
write.csv(wb, file.path("datasets", "warpbreaks.csv"), row.names = FALSE, quote = FALSE)

meta <- list(
  warpbreaks = list(
    title = "The Number of Breaks in Yarn during Weaving",
    description = paste(
      "The number of warp breaks per loom, where a loom corresponds to a fixed",
      "length of yarn, for two types of wool (A, B) woven at three levels of",
      "tension (L, M, H); nine looms per combination, 54 observations.",
      "Exported from R's datasets::warpbreaks."),
    source = paste(
      "Tippett, L. H. C. (1950) Technological Applications of Statistics.",
      "Wiley. Page 106. Also in Tukey, J. W. (1977) Exploratory Data Analysis,",
      "Addison-Wesley, and R's datasets package (datasets::warpbreaks)."),
    license = paste(
      "Data from a 1950 publication, distributed with R's datasets package",
      "(part of R, GPL-2 | GPL-3); facts in the public domain."),
    n_rows = nrow(wb),
    columns = list(
      breaks = list(description = "The number of breaks", dtype = "int"),
      wool = list(description = "The type of wool (A or B)", dtype = "category",
                  levels = levels(warpbreaks$wool), ordered = FALSE),
      tension = list(description = "The level of tension (L = low, M = medium, H = high)",
                     dtype = "category", levels = levels(warpbreaks$tension),
                     ordered = FALSE)
    ),
    suggested_model = list(formula = "breaks ~ wool + tension", family = "poisson")
  )
)
write_json(meta, file.path("datasets", "datasets.json"), auto_unbox = TRUE, pretty = TRUE)
cat("wrote datasets/warpbreaks.csv and datasets/datasets.json\n")
