"""subset=, na_action=, contrasts=, C(), relevel(), family calls and the CLI's options:
bad input, safe mode, refits and the rules R's numbers do not show (the numbers against R
are in test_arguments_golden.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close
from formulaic.transforms.contrasts import SumContrasts

import glmformula as gf
from glmformula.cli import main, parse_contrasts
from glmformula.errors import (
    ArgumentTypeError,
    DataError,
    FamilyError,
    FormulaError,
    GLMWarning,
)


@pytest.fixture
def wb() -> pd.DataFrame:
    return gf.datasets.load("warpbreaks")


@pytest.fixture
def aq() -> pd.DataFrame:
    return gf.datasets.load("airquality")


# --- subset -------------------------------------------------------------------------------


def test_subset_expression_equals_the_fit_on_the_rows_it_keeps(wb: pd.DataFrame) -> None:
    before = wb.copy()
    m = gf.glm("breaks ~ wool + tension", wb, "poisson", subset='wool == "A" | breaks < 30')
    kept = wb[(wb.wool == "A") | (wb.breaks < 30)]
    ref = gf.glm("breaks ~ wool + tension", kept, "poisson")
    assert_close(m.coef, ref.coef, rtol=1e-12)
    assert list(m.fitted.index) == list(kept.index)
    pd.testing.assert_frame_equal(wb, before)  # the caller's data unchanged


def test_subset_reads_r_precedence_and_missing_values(aq: pd.DataFrame) -> None:
    """& binds looser than ==, ! looser than comparisons; NA & TRUE leaves the row out
    of the subset but R keeps it as a row of missing values (counted as deleted)."""
    m = gf.glm("Ozone ~ Wind", aq, "poisson", subset="!Month == 5 & Temp > 70")
    kept = aq[(aq.Month != 5) & (aq.Temp > 70)]
    assert m.nobs == kept.Ozone.notna().sum()
    m2 = gf.glm("Ozone ~ Wind", aq, "poisson", subset="Solar.R > 150")
    expected_na = (aq["Solar.R"] > 150) & aq.Ozone.isna() | aq["Solar.R"].isna()
    assert m2.design.n_dropped == int(expected_na.sum())


def test_subset_mask_series_weights_and_offset_arrays_follow(wb: pd.DataFrame) -> None:
    weights = np.linspace(1, 2, len(wb))
    mask = wb.breaks > 20
    m = gf.glm("breaks ~ tension", wb, "poisson", subset=mask, weights=weights)
    ref = gf.glm("breaks ~ tension", wb[mask], "poisson", weights=weights[mask.to_numpy()])
    assert_close(m.coef, ref.coef, rtol=1e-12)
    assert "subset = mask" in m.call
    shuffled = mask.sample(frac=1.0, random_state=1)  # aligned by the data's index
    m2 = gf.glm("breaks ~ tension", wb, "poisson", subset=shuffled, weights=weights)
    assert_close(m2.coef, m.coef, rtol=1e-12)


@pytest.mark.parametrize(("subset", "error", "match"), [
    ("breaks", DataError, "subset must be logical"),
    (np.ones(3, dtype=bool), DataError, "3 values for the 54 rows"),
    ("breaks > 1000", DataError, "keeps none of the 54 rows"),
    ("breaks > 1 and wool == 'A'", FormulaError, "unexpected 'and'"),
    ("1 < breaks < 30", FormulaError, "does not chain comparisons"),
    ("x <- 3", FormulaError, "'<-' is not supported"),
    ("nosuch > 1", DataError, "'nosuch' is not in the data"),
    (3, ArgumentTypeError, "subset must be a boolean mask"),
    (pd.Series([True], index=[999]), DataError, "index does not match"),
])
def test_bad_subsets_are_clear_errors(wb: pd.DataFrame, subset: object,
                                      error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        gf.glm("breaks ~ tension", wb, "poisson", subset=subset)


def test_subset_goes_through_the_formula_checker_in_safe_mode(wb: pd.DataFrame) -> None:
    with pytest.raises(FormulaError, match="safe mode"):
        gf.glm("breaks ~ tension", wb, "poisson", subset="`__import__`('os') == 1", safe=True)
    cutoff = 30  # noqa: F841 (read from the caller's frame, as R's subset reads its env)
    m = gf.glm("breaks ~ tension", wb, "poisson", subset="breaks < cutoff")
    assert m.nobs == int((wb.breaks < 30).sum())
    with pytest.raises(DataError, match="'cutoff' is not in the data"):
        gf.glm("breaks ~ tension", wb, "poisson", subset="breaks < cutoff", safe=True)
    m2 = gf.glm("breaks ~ tension", wb, "poisson", subset="breaks < cutoff", safe=True,
                context={"cutoff": 30})
    np.testing.assert_allclose(m2.coef, m.coef)


def test_glm_nb_takes_subset_and_refits_keep_it() -> None:
    quine = gf.datasets.load("quine")
    nb = gf.glm_nb("Days ~ Sex + Age", quine, subset='Eth == "A"',
                   contrasts={"Age": "contr.sum"})
    ref = gf.glm_nb("Days ~ Sex + Age", quine[quine.Eth == "A"], contrasts={"Age": "contr.sum"})
    assert_close(nb.coef, ref.coef, rtol=1e-7)
    bigger = nb.update(". ~ . + Lrn")
    assert bigger.nobs == nb.nobs and "Age1" in bigger.coef.index


def test_selection_refits_use_the_subset_rows_and_contrasts(wb: pd.DataFrame) -> None:
    m = gf.glm("breaks ~ wool", wb, "poisson", subset='tension != "H"',
               contrasts={"wool": "contr.sum"})
    table = gf.add1(m, "~ . + tension")
    ref = gf.glm("breaks ~ wool + tension", wb[wb.tension != "H"], "poisson")
    assert table.data["Deviance"].iloc[1] == pytest.approx(ref.deviance, rel=1e-10)
    dropped = gf.drop1(m)
    assert dropped.data["Deviance"].iloc[0] == pytest.approx(m.deviance, rel=1e-12)


def test_subset_and_na_action_refused_on_dask(tmp_path: object) -> None:
    dd = pytest.importorskip("dask.dataframe")
    ddf = dd.from_pandas(gf.datasets.load("warpbreaks"), npartitions=2)
    for options in ({"subset": "breaks > 20"}, {"na_action": "exclude"},
                    {"contrasts": {"tension": "contr.sum"}}):
        with pytest.raises(DataError, match="not available for a model fitted on chunked"):
            gf.glm("breaks ~ tension", ddf, "poisson", **options)


# --- na_action ----------------------------------------------------------------------------


def test_na_action_names_and_errors(aq: pd.DataFrame) -> None:
    m = gf.glm("Ozone ~ Wind", aq, "poisson", na_action="na.exclude")  # R's spelling too
    assert len(m.fitted) == len(aq) and "na.action = na.exclude" in m.call
    with pytest.raises(ArgumentTypeError, match="unknown na_action 'drop'"):
        gf.glm("Ozone ~ Wind", aq, "poisson", na_action="drop")
    with pytest.raises(DataError, match="missing values in object"):
        gf.glm("Ozone ~ Wind", aq, "poisson", na_action="fail", weights=np.ones(len(aq)))


def test_na_fail_sees_values_the_formula_makes_missing() -> None:
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "x": [1.0, -1, 2, 3, 4]})
    with np.errstate(invalid="ignore"), pytest.raises(DataError, match="missing values"):
        gf.glm("y ~ log(x)", df, na_action="fail")


def test_na_exclude_pads_and_predict_on_newdata_does_not(aq: pd.DataFrame) -> None:
    m = gf.glm("Ozone ~ Wind + Temp", aq, "poisson", na_action="exclude")
    omit = gf.glm("Ozone ~ Wind + Temp", aq, "poisson")
    assert_close(m.coef, omit.coef, rtol=1e-12)
    assert m.fitted.isna().sum() == 37 and m.fitted.index.equals(aq.index)
    assert_close(m.fitted.dropna(), omit.fitted, rtol=1e-12)
    assert len(m.predict(aq.dropna().head(3))) == 3
    assert len(m.y) == m.nobs  # the response as modelled: the rows used (R's m$y)
    assert m.augment().shape[0] == len(aq)
    assert m.residuals("pearson").pow(2).sum() == pytest.approx(omit.pearson_chi2)


def test_na_exclude_with_repeated_row_labels(aq: pd.DataFrame) -> None:
    data = aq.set_axis([0, 0, *range(len(aq) - 2)], axis=0)
    m = gf.glm("Ozone ~ Wind", data, "poisson", na_action="exclude")
    assert list(m.fitted.index) == list(data.index)
    assert np.isnan(m.fitted.to_numpy()[4]) and not np.isnan(m.fitted.to_numpy()[0])


# --- contrasts ----------------------------------------------------------------------------


def test_contrasts_arguments_bad_input(wb: pd.DataFrame) -> None:
    with pytest.raises(ArgumentTypeError, match="did you mean 'contr.sum'"):
        gf.glm("breaks ~ tension", wb, "poisson", contrasts={"tension": "contr.summ"})
    with pytest.raises(ArgumentTypeError, match="must be a dict"):
        gf.glm("breaks ~ tension", wb, "poisson", contrasts=["contr.sum"])  # type: ignore
    with pytest.raises(DataError, match="contrasts apply only to factors"):
        gf.glm("breaks ~ tension", wb, "poisson", contrasts={"breaks": "contr.sum"})
    with pytest.raises(DataError, match="4 rows but the factor has 3 levels"):
        gf.glm("breaks ~ tension", wb, "poisson", contrasts={"tension": np.ones((4, 2))})
    with pytest.raises(DataError, match="base between 1 and"):
        gf.glm("breaks ~ tension", wb, "poisson", contrasts={"tension": ("contr.treatment", 5)})
    with pytest.raises(ArgumentTypeError, match="base must be a level number"):
        gf.glm("breaks ~ tension", wb, "poisson", contrasts={"tension": ("contr.treatment", "M")})
    with pytest.warns(GLMWarning, match="variable 'foo' is absent, its contrast will be ignored"):
        gf.glm("breaks ~ tension", wb, "poisson", contrasts={"foo": "contr.sum"})


def test_contrasts_spellings_agree(wb: pd.DataFrame) -> None:
    names = []
    for spec in ("contr.sum", "sum", SumContrasts()):
        names.append(list(gf.glm("breaks ~ tension", wb, "poisson",
                                 contrasts={"tension": spec}).coef.index))
    dict_spec = gf.glm("breaks ~ tension", wb, "poisson",
                       contrasts={"tension": {"contrasts": "contr.treatment", "base": 2}})
    assert names[0] == names[1] == names[2] == ["(Intercept)", "tension1", "tension2"]
    assert list(dict_spec.coef.index) == ["(Intercept)", "tension1", "tension3"]


def test_c_in_formulas_is_safe_and_checked(wb: pd.DataFrame) -> None:
    m = gf.glm("breaks ~ C(tension, sum)", wb, "poisson", safe=True)
    assert list(m.coef.index) == ["(Intercept)", "C(tension, sum)1", "C(tension, sum)2"]
    with pytest.raises(DataError, match="'nosuch' is not in the data"):
        gf.glm("breaks ~ C(tension, nosuch)", wb, "poisson")
    with pytest.raises(FormulaError, match="base only for treatment"):
        gf.glm("breaks ~ C(tension, sum, base = 2)", wb, "poisson")


def test_dropped_level_is_unseen_in_prediction(wb: pd.DataFrame) -> None:
    m = gf.glm("breaks ~ tension", wb, "poisson", subset='tension != "L"')
    assert list(m.coef.index) == ["(Intercept)", "tensionH"]
    with pytest.raises(DataError, match="not seen when the model was fitted"):
        m.predict(wb.head(1))


# --- relevel and family calls ------------------------------------------------------------


def test_relevel(wb: pd.DataFrame) -> None:
    releveled = gf.relevel(wb.tension, ref="M")
    assert list(releveled.cat.categories) == ["M", "L", "H"]
    assert releveled.index.equals(wb.index) and releveled.name == "tension"
    assert list(wb.tension.cat.categories) == ["L", "M", "H"]  # the input unchanged
    assert list(gf.relevel(["b", "a", "c"], ref="c").categories) == ["c", "a", "b"]
    assert list(gf.relevel(pd.Series([1.0, 2.0, 3.0]), ref="2").cat.categories) == [2, 1, 3]
    with pytest.raises(DataError, match="'ref' must be an existing level: 'X'"):
        gf.relevel(wb.tension, ref="X")
    ordered = pd.Series(pd.Categorical(["a", "b"], ordered=True))
    with pytest.raises(ArgumentTypeError, match="only for unordered factors"):
        gf.relevel(ordered, ref="b")


@pytest.mark.parametrize(("family", "link"), [
    ("binomial(link = probit)", "probit"), ("poisson(link = identity)", "identity"),
    ("Gamma(link = log)", "log"), ('quasi(link = "log", variance = "mu")', "log"),
    ("quasi(link = log, variance = mu^2)", "log"), ("binomial(probit)", "probit"),
])
def test_family_calls_as_r_writes_them(family: str, link: str) -> None:
    assert gf.get_family(family).link.name == link


def test_did_you_mean_for_families_and_links(wb: pd.DataFrame) -> None:
    with pytest.raises(FamilyError, match="did you mean 'poisson'"):
        gf.glm("breaks ~ tension", wb, "poison")
    with pytest.raises(FamilyError, match="did you mean 'probit'"):
        gf.get_link("probti")
    with pytest.raises(FamilyError) as info:
        gf.get_family("xyzzy")
    assert "did you mean" not in str(info.value)


# --- command line --------------------------------------------------------------------------


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"glmformula {gf.__version__}"


def test_cli_subset_contrasts_na_action(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["fit", "warpbreaks", "breaks ~ wool + tension", "--family", "poisson",
                   "--subset", 'tension != "L"', "--contrasts", "tension=contr.sum",
                   "--contrasts", "wool=contr.helmert", "--na-action", "exclude"])
    out = capsys.readouterr().out
    assert status == 0
    assert 'subset = tension != "L", na.action = na.exclude' in " ".join(out.split())
    assert "wool1" in out and "tension1" in out and "tension2" not in out
    assert main(["fit", "warpbreaks", "breaks ~ tension", "--family", "poison"]) == 2
    assert "did you mean 'poisson'" in capsys.readouterr().err
    assert main(["fit", "warpbreaks", "breaks ~ tension", "--subset",
                 "`__import__`('os') == 1"]) == 2
    assert "safe mode" in capsys.readouterr().err
    assert main(["fit", "warpbreaks", "breaks ~ tension", "--contrasts", "tension"]) == 2
    assert "--contrasts takes name=contrasts" in capsys.readouterr().err


def test_parse_contrasts() -> None:
    assert parse_contrasts(None) is None
    assert parse_contrasts(["a=contr.sum,b=contr.treatment(base = 3)"]) == {
        "a": "contr.sum", "b": ("contr.treatment", 3)}


def test_no_warning_for_the_defaults(wb: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gf.glm("breaks ~ tension", wb, "poisson", na_action="omit", contrasts={})


def test_glm_nb_call_names_the_callers_data_and_mask() -> None:
    """R's glm.nb call: data = quine, subset = keep (the caller's names, not glm_nb's)."""
    quine = gf.datasets.load("quine")
    keep = quine.Eth == "A"
    nb = gf.glm_nb("Days ~ Sex", quine, subset=keep)
    assert nb.call.startswith("glm.nb(formula = Days ~ Sex, data = quine, subset = keep, ")


@pytest.mark.parametrize("how", ["subset", "filtered data", "text column"])
def test_a_factor_left_with_one_level_is_an_error_as_in_r(how: str) -> None:
    # R: "contrasts can be applied only to factors with 2 or more levels"
    wb = gf.datasets.load("warpbreaks")
    if how == "subset":
        call = dict(data=wb, subset='wool == "A"')
    elif how == "filtered data":
        call = dict(data=wb[wb["wool"] == "A"])
    else:
        call = dict(data=wb[wb["wool"] == "A"].astype({"wool": str}))
    with pytest.raises(gf.DataError, match="factor 'wool' has only one level"):
        gf.glm("breaks ~ wool + tension", family="poisson", **call)


def test_a_text_factor_with_one_level_on_dask_is_an_error_as_in_memory() -> None:
    dd = pytest.importorskip("dask.dataframe")
    wb = gf.datasets.load("warpbreaks")
    only_a = wb[wb["wool"] == "A"].astype({"wool": str})
    with pytest.raises(gf.DataError, match="factor 'wool' has only one level"):
        gf.glm("breaks ~ wool + tension", data=dd.from_pandas(only_a, npartitions=2),
               family="poisson")
