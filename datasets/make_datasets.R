# make_datasets.R -- export bundled teaching data from R and write its metadata.
#
# Run from the repository root:
#     Rscript datasets/make_datasets.R
# Writes datasets/<name>.csv for every dataset below and datasets/datasets.json.
# Every dataset comes from R's datasets package or from MASS (Venables & Ripley),
# both distributed with R; budworm and clotting are typed in from the books;
# endometrial comes from brglm2.

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)
})
if (!dir.exists("datasets")) stop("run from the repository root")

R_LICENSE <- paste(
  "Distributed with R's datasets package (part of R, GPL-2 | GPL-3);",
  "published data, facts in the public domain.")
MASS_LICENSE <- paste(
  "Distributed with the R package MASS (GPL-2 | GPL-3), Venables & Ripley (2002)",
  "Modern Applied Statistics with S, 4th ed., Springer; published data, facts",
  "in the public domain.")

meta <- list()

# Writes <name>.csv and records its metadata. `columns` names a description for
# every column of `df`, in order; dtypes and levels come from the columns' R types.
add <- function(name, df, title, description, source, license, columns,
                formula, family) {
  stopifnot(identical(names(columns), names(df)))
  out <- df
  cols <- list()
  for (col in names(df)) {
    x <- df[[col]]
    info <- list(description = unname(columns[[col]]))
    if (is.factor(x)) {
      info$dtype <- "category"
      info$levels <- I(levels(x))
      info$ordered <- is.ordered(x)
      out[[col]] <- as.character(x)
    } else if (is.logical(x)) {
      info$dtype <- "bool"
    } else if (is.numeric(x) && all(is.na(x) | x == round(x)) && all(abs(x) < 2^31, na.rm = TRUE)) {
      info$dtype <- "int"
      out[[col]] <- as.integer(x)
    } else if (is.numeric(x)) {
      info$dtype <- "float"
    } else {
      stop("unexpected column type in ", name, "$", col)
    }
    cols[[col]] <- info
  }
  chars <- vapply(out, function(v) is.character(v) && any(grepl("[,\"]", v)), logical(1))
  write.csv(out, file.path("datasets", paste0(name, ".csv")), row.names = FALSE,
            quote = any(chars), na = "")
  meta[[name]] <<- list(
    title = title, description = description, source = source, license = license,
    n_rows = nrow(df), columns = cols,
    suggested_model = list(formula = formula, family = family))
  # row names that are names, not numbers (mtcars' car names), become the index
  if (!all(grepl("^[0-9]+$", rownames(df)))) meta[[name]]$row_names <<- I(rownames(df))
}

# ---- R's datasets package ---------------------------------------------------
data(warpbreaks, InsectSprays, esoph, mtcars, PlantGrowth, ToothGrowth, infert,
     UCBAdmissions, Titanic, airquality, cars, chickwts,
     package = "datasets", envir = environment())

add("warpbreaks",
    data.frame(breaks = as.integer(warpbreaks$breaks), wool = warpbreaks$wool,
               tension = warpbreaks$tension),
    "The Number of Breaks in Yarn during Weaving",
    paste(
      "The number of warp breaks per loom, where a loom corresponds to a fixed",
      "length of yarn, for two types of wool (A, B) woven at three levels of",
      "tension (L, M, H); nine looms per combination, 54 observations.",
      "Exported from R's datasets::warpbreaks."),
    paste(
      "Tippett, L. H. C. (1950) Technological Applications of Statistics.",
      "Wiley. Page 106. Also in Tukey, J. W. (1977) Exploratory Data Analysis,",
      "Addison-Wesley, and R's datasets package (datasets::warpbreaks)."),
    paste(
      "Data from a 1950 publication, distributed with R's datasets package",
      "(part of R, GPL-2 | GPL-3); facts in the public domain."),
    c(breaks = "The number of breaks", wool = "The type of wool (A or B)",
      tension = "The level of tension (L = low, M = medium, H = high)"),
    "breaks ~ wool + tension", "poisson")

add("InsectSprays", InsectSprays,
    "Effectiveness of Insect Sprays",
    paste("Counts of insects in agricultural experimental units treated with six",
          "insecticides (A-F), twelve units each. Exported from datasets::InsectSprays."),
    paste("Beall, G. (1942) The transformation of data from entomological field",
          "experiments. Biometrika 29, 243-262; R's datasets::InsectSprays."),
    R_LICENSE,
    c(count = "Insect count", spray = "The type of spray (A to F)"),
    "count ~ spray", "poisson")

add("esoph", esoph,
    "Smoking, Alcohol and (O)esophageal Cancer",
    paste("A case-control study of oesophageal cancer in Ille-et-Vilaine, France:",
          "numbers of cases and controls by age group, alcohol and tobacco",
          "consumption (ordered factors). Exported from datasets::esoph (R 4.2)."),
    paste("Breslow, N. E. and Day, N. E. (1980) Statistical Methods in Cancer",
          "Research. Volume 1: The Analysis of Case-Control Studies. IARC Lyon;",
          "R's datasets::esoph."),
    R_LICENSE,
    c(agegp = "Age group (ordered)", alcgp = "Alcohol consumption, g/day (ordered)",
      tobgp = "Tobacco consumption, g/day (ordered)", ncases = "Number of cases",
      ncontrols = "Number of controls"),
    "cbind(ncases, ncontrols) ~ agegp + tobgp * alcgp", "binomial")

add("mtcars", mtcars,
    "Motor Trend Car Road Tests",
    paste("Fuel consumption and ten aspects of design and performance for 32",
          "automobiles (1973-74 models). Exported from datasets::mtcars;",
          "the car names, R's row names, are the index."),
    paste("Henderson and Velleman (1981) Building multiple regression models",
          "interactively. Biometrics 37, 391-411; R's datasets::mtcars."),
    R_LICENSE,
    c(mpg = "Miles per (US) gallon", cyl = "Number of cylinders",
      disp = "Displacement (cu. in.)", hp = "Gross horsepower",
      drat = "Rear axle ratio", wt = "Weight (1000 lbs)", qsec = "1/4 mile time",
      vs = "Engine (0 = V-shaped, 1 = straight)",
      am = "Transmission (0 = automatic, 1 = manual)",
      gear = "Number of forward gears", carb = "Number of carburetors"),
    "am ~ hp + wt", "binomial")

add("PlantGrowth", PlantGrowth,
    "Results from an Experiment on Plant Growth",
    paste("Dried weights of plants under a control and two treatment conditions,",
          "ten plants each. Exported from datasets::PlantGrowth."),
    paste("Dobson, A. J. (1983) An Introduction to Statistical Modelling.",
          "Chapman and Hall; R's datasets::PlantGrowth."),
    R_LICENSE,
    c(weight = "Dried weight of the plant", group = "Condition (ctrl, trt1, trt2)"),
    "weight ~ group", "gaussian")

add("ToothGrowth", ToothGrowth,
    "The Effect of Vitamin C on Tooth Growth in Guinea Pigs",
    paste("Length of odontoblasts in 60 guinea pigs given vitamin C at three doses",
          "(0.5, 1, 2 mg/day) by orange juice (OJ) or ascorbic acid (VC).",
          "Exported from datasets::ToothGrowth."),
    paste("Crampton, E. W. (1947) The growth of the odontoblast of the incisor",
          "teeth as a criterion of vitamin C intake of the guinea pig. The Journal",
          "of Nutrition 33, 491-504; R's datasets::ToothGrowth."),
    R_LICENSE,
    c(len = "Tooth length", supp = "Supplement type (OJ or VC)",
      dose = "Dose in milligrams/day"),
    "len ~ supp * log(dose)", "gaussian")

add("infert", infert,
    "Infertility after Spontaneous and Induced Abortion",
    paste("A matched case-control study of infertility: two controls per case,",
          "matched on age, parity and education. Exported from datasets::infert."),
    paste("Trichopoulos et al. (1976) Br. J. of Obst. and Gynaec. 83, 645-650;",
          "R's datasets::infert."),
    R_LICENSE,
    c(education = "Years of education", age = "Age in years of case",
      parity = "Count of prior pregnancies",
      induced = "Number of prior induced abortions (2 = 2 or more)",
      case = "1 = case, 0 = control",
      spontaneous = "Number of prior spontaneous abortions (2 = 2 or more)",
      stratum = "Matched set number", pooled.stratum = "Pooled stratum number"),
    "case ~ age + parity + education + spontaneous + induced", "binomial")

ucb <- as.data.frame(UCBAdmissions)
ucb <- data.frame(
  Gender = ucb$Gender[ucb$Admit == "Admitted"],
  Dept = ucb$Dept[ucb$Admit == "Admitted"],
  Admitted = ucb$Freq[ucb$Admit == "Admitted"],
  Rejected = ucb$Freq[ucb$Admit == "Rejected"])
add("UCBAdmissions", ucb,
    "Student Admissions at UC Berkeley",
    paste("Applicants to graduate school at Berkeley in 1973 for the six largest",
          "departments, admitted and rejected, by gender: the classic example of",
          "Simpson's paradox. The 2 x 2 x 6 table datasets::UCBAdmissions as a",
          "data frame of counts, one row per gender and department."),
    paste("Bickel, P. J., Hammel, E. A., and O'Connell, J. W. (1975) Sex bias in",
          "graduate admissions: Data from Berkeley. Science 187, 398-403;",
          "R's datasets::UCBAdmissions."),
    R_LICENSE,
    c(Gender = "Gender of the applicants", Dept = "Department (A to F)",
      Admitted = "Number admitted", Rejected = "Number rejected"),
    "cbind(Admitted, Rejected) ~ Gender + Dept", "binomial")

add("Titanic", as.data.frame(Titanic),
    "Survival of Passengers on the Titanic",
    paste("Numbers of people aboard the Titanic by economic status (class), sex,",
          "age and survival: the 4 x 2 x 2 x 2 table datasets::Titanic as a",
          "data frame of counts (some cells are zero)."),
    paste("Dawson, Robert J. MacG. (1995) The 'unusual episode' data revisited.",
          "Journal of Statistics Education 3; R's datasets::Titanic."),
    R_LICENSE,
    c(Class = "1st, 2nd, 3rd class or Crew", Sex = "Male or Female",
      Age = "Child or Adult", Survived = "No or Yes", Freq = "Number of people"),
    "Freq ~ Class * Sex * Age + Survived * (Class + Sex + Age)", "poisson")

add("airquality", airquality,
    "New York Air Quality Measurements",
    paste("Daily air quality measurements in New York, May to September 1973;",
          "Ozone and Solar.R have missing values (empty in the CSV).",
          "Exported from datasets::airquality."),
    paste("New York State Department of Conservation (ozone data) and the National",
          "Weather Service (meteorological data); Chambers, J. M., Cleveland, W. S.,",
          "Kleiner, B. and Tukey, P. A. (1983) Graphical Methods for Data Analysis.",
          "Wadsworth; R's datasets::airquality."),
    R_LICENSE,
    c(Ozone = "Mean ozone in parts per billion, 13:00-15:00 at Roosevelt Island",
      Solar.R = "Solar radiation in Langleys, 08:00-12:00 at Central Park",
      Wind = "Average wind speed in miles per hour, 07:00 and 10:00 at LaGuardia",
      Temp = "Maximum daily temperature in degrees Fahrenheit at LaGuardia",
      Month = "Month (5 to 9)", Day = "Day of month (1 to 31)"),
    "Ozone ~ Solar.R + Wind + Temp", "Gamma")

add("cars", cars,
    "Speed and Stopping Distances of Cars",
    paste("The speed of 50 cars and the distances taken to stop, recorded in the",
          "1920s. Exported from datasets::cars."),
    paste("Ezekiel, M. (1930) Methods of Correlation Analysis. Wiley;",
          "R's datasets::cars."),
    R_LICENSE,
    c(speed = "Speed (mph)", dist = "Stopping distance (ft)"),
    "dist ~ speed + I(speed^2)", "gaussian")

add("chickwts", chickwts,
    "Chicken Weights by Feed Type",
    paste("Weights in grams of 71 newly hatched chicks after six weeks on one of",
          "six feed supplements. Exported from datasets::chickwts."),
    paste("Anonymous (1948) Biometrika 35, 214; R's datasets::chickwts."),
    R_LICENSE,
    c(weight = "Chick weight (g)", feed = "Feed type"),
    "weight ~ feed", "gaussian")

# ---- MASS --------------------------------------------------------------------
data(quine, ships, Insurance, anorexia, birthwt, crabs, cabbages, housing,
     menarche, Melanoma, epil, Pima.tr, snails, package = "MASS",
     envir = environment())

add("quine", quine,
    "Absenteeism from School in Rural New South Wales",
    paste("Days absent from school in a year for 146 children, by ethnic background,",
          "sex, age group and learner status. Exported from MASS::quine."),
    paste("Quine, S. (1975) Achievement Orientation of Aboriginal and White",
          "Adolescents. PhD thesis, Australian National University; MASS::quine."),
    MASS_LICENSE,
    c(Eth = "Ethnic background: Aboriginal (A) or not (N)", Sex = "Sex (F or M)",
      Age = "Age group: primary (F0), forms F1, F2 or F3",
      Lrn = "Learner status: average (AL) or slow (SL)", Days = "Days absent"),
    "Days ~ Eth + Sex + Age + Lrn", "quasipoisson")

sh <- subset(ships, service > 0)
sh$year <- factor(sh$year)
sh$period <- factor(sh$period)
rownames(sh) <- NULL
add("ships", sh,
    "Ships Damage Data",
    paste("Damage incidents caused by waves to the forward section of cargo ships,",
          "by ship type, year of construction and period of operation, with",
          "aggregate months of service. From MASS::ships, keeping the 34 rows with",
          "service > 0 (the others are impossible combinations); year and period",
          "are factors."),
    paste("McCullagh, P. and Nelder, J. A. (1989) Generalized Linear Models.",
          "2nd ed. Chapman & Hall, p. 205; MASS::ships."),
    MASS_LICENSE,
    c(type = "Ship type (A to E)", year = "Year of construction: 1960-64 (60), 65-69, 70-74, 75-79",
      period = "Period of operation: 1960-74 (60) or 1975-79 (75)",
      service = "Aggregate months of service", incidents = "Number of damage incidents"),
    "incidents ~ type + year + period + offset(log(service))", "poisson")

add("Insurance", Insurance,
    "Numbers of Car Insurance Claims",
    paste("Numbers of policyholders and of claims in an insurance company in 1973",
          "(third quarter), by district, car group and driver age (ordered factors).",
          "Exported from MASS::Insurance."),
    paste("Baxter, L. A., Coutts, S. M. and Ross, G. A. F. (1980) Applications of",
          "linear models in motor insurance. 21st International Congress of",
          "Actuaries, Zurich, 11-29; MASS::Insurance."),
    MASS_LICENSE,
    c(District = "District of residence of the policyholder (1 to 4; 4 is major cities)",
      Group = "Group of car, by engine capacity (ordered)",
      Age = "Age of the insured in 4 groups (ordered)",
      Holders = "Number of policyholders", Claims = "Number of claims"),
    "Claims ~ District + Group + Age + offset(log(Holders))", "poisson")

budworm <- data.frame(
  ldose = rep(0:5, 2),
  numdead = c(1, 4, 9, 13, 18, 20, 0, 2, 6, 10, 12, 16),
  sex = factor(rep(c("M", "F"), c(6, 6))))
budworm$numalive <- 20 - budworm$numdead
add("budworm", budworm,
    "Tobacco Budworm Dose-Response",
    paste("Numbers of tobacco budworm moths (Heliothis virescens) out of 20 of each",
          "sex killed by doses of trans-cypermethrin (1, 2, 4, ..., 32 micrograms),",
          "as constructed in Venables & Ripley, section 7.2."),
    paste("Collett, D. (1991) Modelling Binary Data. Chapman & Hall, p. 75;",
          "Venables, W. N. and Ripley, B. D. (2002) Modern Applied Statistics",
          "with S, 4th ed., section 7.2."),
    MASS_LICENSE,
    c(ldose = "log2 of the dose", numdead = "Number killed (of 20)",
      sex = "Sex of the moths (F or M)", numalive = "Number surviving (20 - numdead)"),
    "cbind(numdead, numalive) ~ sex * ldose", "binomial")

clot <- data.frame(
  u = rep(c(5, 10, 15, 20, 30, 40, 60, 80, 100), 2),
  lot = factor(rep(c("lot1", "lot2"), each = 9)),
  time = c(118, 58, 42, 35, 27, 25, 21, 19, 18, 69, 35, 26, 21, 18, 16, 13, 12, 12))
add("clotting", clot,
    "Blood Clotting Times",
    paste("Mean clotting times (seconds) of blood plasma at nine percentage",
          "concentrations of normal plasma, for two lots of clotting agent; the",
          "classic Gamma GLM example (the data of R's ?glm example, long form)."),
    paste("McCullagh, P. and Nelder, J. A. (1989) Generalized Linear Models.",
          "2nd ed. Chapman & Hall, p. 300 (from Hurn et al., 1945)."),
    paste("Published data (1945) reproduced in R's documentation of glm();",
          "facts in the public domain."),
    c(u = "Percentage concentration of normal plasma", lot = "Lot of clotting agent",
      time = "Clotting time (seconds)"),
    "time ~ log(u) * lot", "Gamma")

add("anorexia", anorexia,
    "Anorexia Data on Weight Change",
    paste("Weights (lbs) of 72 young female anorexia patients before and after",
          "a study period, under cognitive behavioural treatment (CBT), family",
          "treatment (FT) or control (Cont). Exported from MASS::anorexia."),
    paste("Hand, D. J., Daly, F., McConway, K., Lunn, D. and Ostrowski, E. (1993)",
          "A Handbook of Small Data Sets. Chapman & Hall; MASS::anorexia."),
    MASS_LICENSE,
    c(Treat = "Treatment: Cont, CBT or FT", Prewt = "Weight before the study period",
      Postwt = "Weight after the study period"),
    "Postwt ~ Prewt + Treat + offset(Prewt)", "gaussian")

bw <- birthwt
bw$race <- factor(bw$race, levels = 1:3, labels = c("white", "black", "other"))
add("birthwt", bw,
    "Risk Factors Associated with Low Infant Birth Weight",
    paste("189 births at Baystate Medical Center, Springfield, Mass., 1986: low",
          "birth weight (< 2.5 kg) and risk factors. From MASS::birthwt with race",
          "as a factor (white, black, other)."),
    paste("Hosmer, D. W. and Lemeshow, S. (1989) Applied Logistic Regression.",
          "Wiley; MASS::birthwt."),
    MASS_LICENSE,
    c(low = "Birth weight less than 2.5 kg (1) or not (0)", age = "Mother's age in years",
      lwt = "Mother's weight in pounds at last menstrual period", race = "Mother's race",
      smoke = "Smoking status during pregnancy (1 = smoker)",
      ptl = "Number of previous premature labours",
      ht = "History of hypertension (1 = yes)", ui = "Presence of uterine irritability (1 = yes)",
      ftv = "Number of physician visits during the first trimester",
      bwt = "Birth weight in grams"),
    "low ~ age + lwt + race + smoke + ptl + ht + ui", "binomial")

add("crabs", crabs,
    "Morphological Measurements on Leptograpsus Crabs",
    paste("Five morphological measurements (mm) on 200 crabs of the species",
          "Leptograpsus variegatus, 50 of each colour form (B = blue, O = orange)",
          "and sex. Exported from MASS::crabs."),
    paste("Campbell, N. A. and Mahon, R. J. (1974) A multivariate study of",
          "variation in two species of rock crab of genus Leptograpsus. Australian",
          "Journal of Zoology 22, 417-425; MASS::crabs."),
    MASS_LICENSE,
    c(sp = "Species / colour form: B (blue) or O (orange)", sex = "Sex (F or M)",
      index = "Index 1:50 within each of the four groups", FL = "Frontal lobe size (mm)",
      RW = "Rear width (mm)", CL = "Carapace length (mm)", CW = "Carapace width (mm)",
      BD = "Body depth (mm)"),
    "log(CW) ~ log(CL) + sp + sex", "gaussian")

add("cabbages", cabbages,
    "Data from a Cabbage Field Trial",
    paste("Weights and vitamin C contents of cabbages of two cultivars planted on",
          "three dates, ten heads each. Exported from MASS::cabbages."),
    paste("Rawlings, J. O. (1988) Applied Regression Analysis: A Research Tool.",
          "Wadsworth and Brooks/Cole, Example 8.4; MASS::cabbages."),
    MASS_LICENSE,
    c(Cult = "Cultivar: c39 or c52", Date = "Planting date: d16, d20 or d21",
      HeadWt = "Weight of the cabbage head (kg)", VitC = "Ascorbic acid content (units)"),
    "VitC ~ HeadWt + Cult + Date", "gaussian")

add("housing", housing,
    "Frequency Table from a Copenhagen Housing Conditions Survey",
    paste("Residents of rented housing in Copenhagen, classified by satisfaction",
          "with their housing (ordered), perceived influence on management, type",
          "of rental and contact with other residents. Exported from MASS::housing."),
    paste("Madsen, M. (1976) Statistical analysis of multiple contingency tables.",
          "Two examples. Scand. J. Statist. 3, 97-106; MASS::housing."),
    MASS_LICENSE,
    c(Sat = "Satisfaction with housing conditions (Low, Medium, High; ordered)",
      Infl = "Perceived degree of influence on the management (Low, Medium, High)",
      Type = "Type of rental accommodation", Cont = "Contact with other residents (Low, High)",
      Freq = "Number of residents in each class"),
    "Freq ~ Infl * Type * Cont + Sat * (Infl + Type + Cont)", "poisson")

add("menarche", menarche,
    "Age of Menarche in Warsaw",
    paste("Proportions of 3918 Warsaw girls who had reached menarche, by age group",
          "(mean age). Exported from MASS::menarche."),
    paste("Milicer, H. and Szczotka, F. (1966) Age at menarche in Warsaw girls in",
          "1965. Human Biology 38, 199-203; MASS::menarche."),
    MASS_LICENSE,
    c(Age = "Average age of the group (years)", Total = "Number of girls in the group",
      Menarche = "Number who have reached menarche"),
    "cbind(Menarche, Total - Menarche) ~ Age", "binomial")

add("Melanoma", Melanoma,
    "Survival from Malignant Melanoma",
    paste("205 patients with malignant melanoma operated on in Odense, Denmark,",
          "1962-77, followed until 1977. Exported from MASS::Melanoma."),
    paste("Andersen, P. K., Borgan, O., Gill, R. D. and Keiding, N. (1993)",
          "Statistical Models based on Counting Processes. Springer; MASS::Melanoma."),
    MASS_LICENSE,
    c(time = "Survival time in days",
      status = "1 = died from melanoma, 2 = alive, 3 = dead from other causes",
      sex = "1 = male, 0 = female", age = "Age in years", year = "Year of operation",
      thickness = "Tumour thickness in mm", ulcer = "1 = ulceration present, 0 = absent"),
    "I(status == 1) ~ log(thickness) + ulcer + sex + age", "binomial")

add("epil", epil,
    "Seizure Counts for Epileptics",
    paste("Two-week seizure counts for 59 epileptics in four successive periods of",
          "a trial of progabide against placebo, with an eight-week baseline count;",
          "236 rows. Exported from MASS::epil."),
    paste("Thall, P. F. and Vail, S. C. (1990) Some covariance models for",
          "longitudinal count data with over-dispersion. Biometrics 46, 657-671;",
          "MASS::epil."),
    MASS_LICENSE,
    c(y = "Seizure count in the two-week period", trt = "Treatment: placebo or progabide",
      base = "Counts in the baseline 8-week period", age = "Subject's age in years",
      V4 = "0/1 indicator of period 4", subject = "Subject number, 1 to 59",
      period = "Period, 1 to 4", lbase = "log(base/4), centred",
      lage = "log(age), centred"),
    "y ~ lbase * trt + lage + V4", "poisson")

add("Pima.tr", Pima.tr,
    "Diabetes in Pima Indian Women (training set)",
    paste("200 women of Pima Indian heritage, at least 21 years old, near Phoenix,",
          "Arizona, tested for diabetes by WHO criteria: the training set of",
          "MASS::Pima.tr."),
    paste("Smith, J. W. et al. (1988) Using the ADAP learning algorithm to forecast",
          "the onset of diabetes mellitus. Proc. Symposium on Computer Applications",
          "in Medical Care, 261-265; MASS::Pima.tr."),
    MASS_LICENSE,
    c(npreg = "Number of pregnancies", glu = "Plasma glucose concentration (oral glucose tolerance test)",
      bp = "Diastolic blood pressure (mm Hg)", skin = "Triceps skin fold thickness (mm)",
      bmi = "Body mass index (weight in kg / (height in m)^2)",
      ped = "Diabetes pedigree function", age = "Age in years",
      type = "Diabetic by WHO criteria: No or Yes"),
    "type ~ npreg + glu + bmi + ped + age", "binomial")

add("snails", snails,
    "Snail Mortality Data",
    paste("Numbers of snails of two species dying out of 20 after exposure of 1-4",
          "weeks at controlled temperature and relative humidity. Exported from",
          "MASS::snails."),
    paste("Zoology Department, University of Adelaide; Venables, W. N. and",
          "Ripley, B. D. (2002) Modern Applied Statistics with S; MASS::snails."),
    MASS_LICENSE,
    c(Species = "Snail species A or B", Exposure = "Exposure in weeks",
      Rel.Hum = "Relative humidity (percent)", Temp = "Temperature (degrees Celsius)",
      Deaths = "Number of deaths", N = "Number of snails exposed"),
    "cbind(Deaths, N - Deaths) ~ Species + Exposure + Rel.Hum + Temp", "binomial")

data("endometrial", package = "brglm2", envir = environment())
add("endometrial", endometrial,
    "Histology Grade and Risk Factors for Endometrial Cancer",
    paste("79 patients with endometrial cancer: the histology grade (low or high)",
          "and three risk factors. Every patient with neovasculization has a high",
          "grade, so the data are quasi-completely separated and the maximum likelihood",
          "estimate of NV is infinite: the classic example for bias-reduced fits",
          "(gf.glm(..., method=\"brglmFit\")) and gf.detect_separation.",
          "Exported from brglm2::endometrial."),
    paste("Heinze, G. and Schemper, M. (2002) A solution to the problem of separation",
          "in logistic regression. Statistics in Medicine 21, 2409-2419; Agresti, A.",
          "(2015) Foundations of Linear and Generalized Linear Models, Wiley;",
          "brglm2::endometrial."),
    paste("Distributed with the R package brglm2 (GPL-3), Kosmidis (2017-); published",
          "data, facts in the public domain."),
    c(NV = "Neovasculization: 1 present, 0 absent",
      PI = "Pulsatility index of arteria uterina",
      EH = "Endometrium height (mm)",
      HG = "Histology grade: 1 high, 0 low"),
    "HG ~ PI + EH", "binomial")

write_json(meta, file.path("datasets", "datasets.json"), auto_unbox = TRUE, pretty = TRUE,
           digits = NA)
cat("wrote", length(meta), "datasets to datasets/\n")
