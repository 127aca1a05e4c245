"""emmeans-style functions: bad input, invariances and the rules R's numbers rest on.

The numbers themselves are checked against R in test_emmeans_golden.py.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf
from glmformula.emmeans import EmmGrid, emmeans, emtrends
from glmformula.emmeans_adjust import p_adjust, qdunnx, zeroin
from glmformula.emmeans_contrast import confint, contrast, pairs
from glmformula.emmeans_grid import reference_grid
from glmformula.errors import ArgumentTypeError, DataError


@pytest.fixture(scope="module")
def warp() -> pd.DataFrame:
    return gf.datasets.load("warpbreaks")


@pytest.fixture(scope="module")
def pois(warp: pd.DataFrame) -> gf.GLMResult:
    return gf.glm("breaks ~ wool * tension", data=warp, family="poisson")


@pytest.fixture(scope="module")
def tooth() -> gf.GLMResult:
    return gf.glm("len ~ supp * log(dose)", data=gf.datasets.load("ToothGrowth"))


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda m: emmeans(m, "tensoin"), "'tensoin' is not a variable of the model"),
    (lambda m: emmeans(m, "tension", type="probability"), "type must be 'link' or 'response'"),
    (lambda m: emmeans(m, "tension", by="woolx"), "'woolx' is not a variable"),
    (lambda m: emmeans(m, 3), "specs must be a variable name"),
    (lambda m: emmeans(m, "tension", at={"x": [1]}), "not a variable of the model"),
    (lambda m: emmeans(m, "tension", at={"tension": ["Q"]}), "not one of its levels"),
    (lambda m: contrast(emmeans(m, "tension"), "allpairs"), "unknown contrast method"),
    (lambda m: contrast(emmeans(m, "tension"), adjust="tukeyy"), "unknown adjust 'tukeyy'"),
    (lambda m: pairs(emmeans(m, "tension"), adjust="mvt"), "unknown adjust 'mvt'"),
    (lambda m: contrast(emmeans(m, "tension"), "trt.vs.ctrl", ref="Q"), "ref='Q' is not one"),
    (lambda m: contrast(emmeans(m, "tension"), "trt.vs.ctrl", ref=4), "out of range"),
    (lambda m: contrast(m, "pairwise"), "takes the result of emmeans()"),
    (lambda m: contrast(emmeans(m, "tension"), type="odds"), "type must be 'link' or"),
    (lambda m: emmeans(m, "pairwise ~ tension"), "has a left-hand side"),
    (lambda m: emmeans(m, "tension").summary(level=1.5), "level must be a number"),
    (lambda m: emmeans(m, "tension", vcov=np.eye(2)), "vcov must be a 6 x 6"),
    (lambda m: emtrends(m, "wool", var="tension"), "var must name a numeric variable"),
])
def test_bad_input_names_the_fix(pois: gf.GLMResult, call: object, message: str) -> None:
    with pytest.raises(ArgumentTypeError if "levels" not in message else DataError,
                       match=message.replace("(", r"\(").replace(")", r"\)")):
        call(pois)  # type: ignore[operator]


def test_numeric_spec_is_one_row_at_its_mean(tooth: gf.GLMResult) -> None:
    """As R: emmeans(m, "dose") for a covariate is one row, the covariate at its mean,
    averaged over the factors."""
    tg = gf.datasets.load("ToothGrowth")
    frame = emmeans(tooth, "dose").frame
    assert len(frame) == 1
    grid = pd.DataFrame({"supp": ["OJ", "VC"], "dose": [tg["dose"].mean()] * 2})
    expected = float(np.mean(tooth.predict(grid, type="link")))
    assert abs(float(frame["emmean"].iloc[0]) - expected) < 1e-12 * abs(expected)
    assert len(emmeans(tooth, "dose", at={"dose": [0.5, 1]}).frame) == 2


def test_not_a_model() -> None:
    with pytest.raises(ArgumentTypeError, match="emmeans"):
        emmeans("m", "g")  # type: ignore[arg-type]


def test_without_the_data_in_memory(pois: gf.GLMResult) -> None:
    with pytest.raises(DataError, match="needs the data the model was fitted on"):
        emmeans(dataclasses.replace(pois, data=None), "tension")


def test_rows_used_with_missing_values_and_duplicate_labels() -> None:
    data = gf.datasets.load("airquality")[["Ozone", "Wind"]].assign(g=["a", "b"] * 76 + ["a"])
    fit = gf.glm("Ozone ~ Wind + g", data=data, family="Gamma", link="log")
    rg = reference_grid(fit)
    assert rg.levels["Wind"] == [pytest.approx(data.dropna()["Wind"].mean())]
    doubled = data.set_axis([0] * len(data))
    fit = gf.glm("Ozone ~ Wind + g", data=doubled, family="Gamma", link="log")
    with pytest.raises(DataError, match="reset_index"):
        emmeans(fit, "g")


# --- invariances ------------------------------------------------------------------------


def test_marginal_means_average_the_predictions_of_the_grid(pois: gf.GLMResult,
                                                            warp: pd.DataFrame) -> None:
    grid = warp[["wool", "tension"]].drop_duplicates()
    link = pd.Series(np.asarray(pois.predict(grid)), index=grid["tension"].to_numpy())
    expected = link.groupby(level=0, observed=True).mean().reindex(["L", "M", "H"])
    assert_close(emmeans(pois, "tension").frame["emmean"], expected, 1e-12)


def test_text_columns_give_the_same_means_as_categoricals(warp: pd.DataFrame) -> None:
    text = warp.assign(wool=warp["wool"].astype(str), tension=warp["tension"].astype(str))
    a = gf.glm("breaks ~ wool + tension", data=warp, family="poisson")
    b = gf.glm("breaks ~ wool + tension", data=text, family="poisson")
    fa = emmeans(a, "wool").frame
    fb = emmeans(b, "wool").frame
    assert fb["wool"].tolist() == ["A", "B"]
    assert_close(fb["emmean"], fa["emmean"], 1e-12)
    assert_close(fb["SE"], fa["SE"], 1e-12)


def test_caller_data_is_not_modified(warp: pd.DataFrame) -> None:
    data = warp.copy()
    m = gf.glm("breaks ~ wool + tension", data=data, family="poisson")
    emmeans(m, "tension", at={"wool": ["A"]})
    pd.testing.assert_frame_equal(data, warp)


def test_robust_covariance_from_with_cov_or_vcov(pois: gf.GLMResult) -> None:
    case = next(c for c in golden_cases("emmeans") if c["vcov"] == "HC3")
    expected = case["calls"][0]["frame"]
    robust = pois.with_cov("HC3")
    for emm in (emmeans(robust, "tension", type="response"),
                emmeans(pois, "tension", type="response", vcov="HC3"),
                emmeans(pois, "tension", type="response", vcov=robust.vcov)):
        assert_close(emm.frame["SE"], expected["SE"], 1e-8)
    assert not np.allclose(emmeans(pois, "tension").frame["SE"],
                           emmeans(robust, "tension").frame["SE"])


def test_formula_specs_list_specs_and_by(pois: gf.GLMResult) -> None:
    a = emmeans(pois, "~ tension | wool").frame
    b = emmeans(pois, "tension", by="wool").frame
    c = emmeans(pois, ["tension", "wool"]).frame
    pd.testing.assert_frame_equal(a, b)
    assert_close(a["emmean"], c["emmean"], 1e-14)
    assert list(a.columns[:2]) == ["tension", "wool"]
    assert str(emmeans(pois, "tension", by="wool")).startswith("wool = A:\n")


def test_pairs_reverse_is_revpairwise(pois: gf.GLMResult) -> None:
    emm = emmeans(pois, "tension")
    a = pairs(emm, reverse=True).frame
    b = contrast(emm, "revpairwise").frame
    pd.testing.assert_frame_equal(a, b)
    assert a["contrast"].tolist() == ["M - L", "H - L", "H - M"]


def test_at_keeps_the_chosen_levels(pois: gf.GLMResult) -> None:
    frame = emmeans(pois, "tension", at={"wool": "B"}).frame
    full = emmeans(pois, "tension", by="wool").frame
    assert_close(frame["emmean"], full.loc[full["wool"] == "B", "emmean"], 1e-14)


def test_offset_argument_replaces_the_grid_offset() -> None:
    ins = gf.datasets.load("Insurance")
    m = gf.glm("Claims ~ Age + offset(log(Holders))", data=ins, family="poisson")
    mean_offset = float(np.mean(np.log(ins["Holders"])))  # emmeans: mean of the offsets
    default = emmeans(m, "Age").frame["emmean"]
    zero = emmeans(m, "Age", offset=0.0).frame["emmean"]
    assert_close(default - zero, np.full(4, mean_offset), 1e-12)


def test_emtrends_is_emmeans_difference_quotient(tooth: gf.GLMResult) -> None:
    data = gf.datasets.load("ToothGrowth")
    h = 0.001 * (data["dose"].max() - data["dose"].min())
    x0 = data["dose"].mean()
    lo = emmeans(tooth, "supp", at={"dose": [x0]}).frame["emmean"]
    hi = emmeans(tooth, "supp", at={"dose": [x0 + h]}).frame["emmean"]
    trend = emtrends(tooth, "supp", var="dose").frame
    assert_close(trend["dose.trend"], (hi - lo) / h, 1e-9)
    assert list(trend.columns) == ["supp", "dose.trend", "SE", "df", "lower.CL", "upper.CL"]


def test_emtrends_of_a_linear_term_is_its_coefficient() -> None:
    bud = case_frame(next(c for c in golden_cases("emmeans")
                          if c["id"] == "binomial_probit_budworm"))
    m = gf.glm("cbind(numdead, numalive) ~ sex + ldose", data=bud, family="binomial")
    trend = emtrends(m, "sex", var="ldose").frame
    assert_close(trend["ldose.trend"], np.full(2, m.coef["ldose"]), 1e-9)
    assert_close(trend["SE"], np.full(2, m.std_errors["ldose"]), 1e-9)


def test_summary_confint_and_html(pois: gf.GLMResult) -> None:
    emm = emmeans(pois, "tension", type="response")
    assert isinstance(emm, EmmGrid)
    pd.testing.assert_frame_equal(emm.to_frame(), emm.frame)
    ci = confint(pairs(emm), level=0.9)
    assert list(ci.columns) == ["contrast", "ratio", "SE", "df", "asymp.LCL", "asymp.UCL"]
    assert "Confidence level used: 0.9 " in str(ci)
    tests = emm.summary(infer=(False, True))
    assert list(tests.columns) == ["tension", "rate", "SE", "df", "null", "z.ratio", "p.value"]
    assert emm._repr_html_().startswith("<pre>") and "rate" in emm._repr_html_()
    assert repr(emm) == str(emm)


def test_reference_grid_keeps_two_valued_covariates_and_means() -> None:
    case = next(c for c in golden_cases("emmeans") if c["id"] == "binomial_birthwt")
    data = case_frame(case)
    m = gf.glm(case["formula"], data=data, family="binomial")
    rg = reference_grid(m)
    assert rg.levels["smoke"] == [0.0, 1.0] and rg.levels["ht"] == [0.0, 1.0]
    assert rg.levels["age"] == [pytest.approx(data["age"].mean())]
    assert rg.variables == ["age", "lwt", "race", "smoke", "ht"]
    assert emmeans(m, "race").avgd_over == ("smoke", "ht")


# --- adjustments ------------------------------------------------------------------------


def test_p_adjust_as_r() -> None:
    p = [0.01, 0.04, 0.03, float("nan")]
    # R: p.adjust(c(0.01, 0.04, 0.03, NA), m) for each method
    assert p_adjust(p, "holm")[:3] == pytest.approx([0.03, 0.06, 0.06])
    assert p_adjust(p, "bonferroni")[:3] == pytest.approx([0.03, 0.12, 0.09])
    assert p_adjust(p, "hochberg")[:3] == pytest.approx([0.03, 0.04, 0.04])
    assert p_adjust(p, "BH")[:3] == pytest.approx([0.03, 0.04, 0.04])
    assert p_adjust(p, "BY")[:3] == pytest.approx([0.055, 0.07333333, 0.07333333])
    assert np.isnan(p_adjust(p, "holm")[3])
    assert p_adjust([0.5], "holm", n=3) == [1.0]


def test_zeroin_and_dunnett_quantile() -> None:
    root = zeroin(lambda x: x**2 - 2, 0.0, 2.0, -2.0, 2.0, 1e-12)
    assert root == pytest.approx(2**0.5, abs=1e-11)
    # R: emmeans:::.qdunnx(0.95, 5, Inf) (uniroot with tol = 5e-4)
    assert qdunnx(0.95, 5, float("inf")) == pytest.approx(2.52388581359386, rel=1e-9)
