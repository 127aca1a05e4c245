"""print(m) and _repr_html_, summary(correlation=, digits=), confint(parm=),
predict(type="terms"), partial residuals, predict on a dict or with missing
values, m.pvalues: behaviour beyond R's numbers (those are in test_printing_golden)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.errors import ArgumentTypeError, DataError

WB = gf.datasets.load("warpbreaks")


@pytest.fixture(scope="module")
def model() -> gf.GLMResult:
    return gf.glm("breaks ~ wool * tension", data=WB, family="poisson", data_name="warpbreaks")


@pytest.fixture(scope="module")
def aliased() -> gf.GLMResult:
    data = WB.assign(x=np.arange(len(WB), dtype=float), x2=lambda d: 2 * d.x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gf.glm("breaks ~ x + x2 + wool", data=data, family="quasipoisson")


def test_repr_html_is_print_glm_content(model):
    html = model._repr_html_()
    assert html.startswith('<div class="glmformula-glm">')
    assert "woolB:tensionM" in html and "Degrees of Freedom: 53 Total" in html
    assert "glm(formula = breaks ~ wool * tension, family = poisson" in html


def test_repr_html_escapes_and_prints_na_and_quasi_aic(aliased):
    html = aliased._repr_html_()
    assert "<td" in html and "NA</td>" in html and "AIC: NA" in html
    assert "AIC: NA" in repr(aliased)
    m = gf.glm("breaks ~ I(tension == 'L')", data=WB, family="poisson")
    assert "I(tension == &quot;L&quot;)" in m._repr_html_() and "<td>" not in repr(m)


def test_correlation_in_every_format(model):
    s = model.summary(correlation=True)
    assert "Correlation of Coefficients:" in str(s)
    assert "Correlation of Coefficients:" in s.to_html()
    assert "Correlation of Coefficients:" in s.to_markdown()
    assert "Correlation of Coefficients:" in s.to_latex()
    assert "Correlation" not in model.summary().to_html()
    corr = s.correlation
    assert corr is not None and np.allclose(np.diag(corr), 1.0) and np.allclose(corr, corr.T)


def test_correlation_leaves_out_aliased_columns(aliased):
    corr = aliased.summary(correlation=True).correlation
    assert corr is not None and "x2" not in corr.index and corr.shape == (3, 3)


def test_summary_digits_change_every_format(model):
    three, six = model.summary(digits=3), model.summary(digits=6)
    assert str(three) != str(six) and three.to_markdown() != six.to_markdown()
    assert "AIC: 469\n" in str(three) and "AIC: 468.9692\n" in str(six)


@pytest.mark.parametrize("digits", [0, 23, 2.5, "4", True])
def test_summary_digits_checked(model, digits):
    with pytest.raises(ArgumentTypeError, match="digits must be a whole number from 1 to 22"):
        model.summary(digits=digits)


def test_confint_parm_names_keep_their_order(model):
    both = model.confint(method="wald", parm=["tensionH", "woolB"])
    assert list(both.index) == ["tensionH", "woolB"]
    full = model.confint(method="wald")
    pd.testing.assert_frame_equal(both, full.loc[["tensionH", "woolB"]])


@pytest.mark.parametrize("parm, match", [
    ([1, 2], r"parm takes coefficient names \(e.g. parm=\['woolB'\]\), not positions"),
    (2, "parm must be a coefficient name or a list of them"),
    ([], "parm must be a coefficient name or a list of them"),
    ("woolb", "did you mean 'woolB'"),
])
@pytest.mark.parametrize("method", ["wald", "profile"])
def test_confint_parm_checked(model, parm, match, method):
    with pytest.raises(ArgumentTypeError, match=match):
        model.confint(method=method, parm=parm)


def test_confint_parm_of_an_aliased_coefficient_is_nan(aliased):
    ci = aliased.confint(method="wald", parm=["x2", "x"])
    assert ci.loc["x2"].isna().all() and ci.loc["x"].notna().all()


def test_terms_add_up_to_the_linear_predictor(model):
    terms = model.predict(type="terms")
    eta = terms.sum(axis=1) + terms.attrs["constant"]
    assert_close(eta, model.linear_predictor, rtol=1e-12)
    assert list(terms.index) == list(model.linear_predictor.index)


def test_terms_subset_and_se_layout(model):
    both = model.predict(WB.head(3), type="terms", se_fit=True)
    assert list(both.columns.levels[0]) == ["fit", "se_fit"]
    assert list(both["fit"].columns) == ["wool", "tension", "wool:tension"]
    one = model.predict(WB.head(3), type="terms", se_fit=True, terms=["tension"])
    pd.testing.assert_frame_equal(one["se_fit"], both["se_fit"][["tension"]])
    assert one.attrs["constant"] == both.attrs["constant"]


def test_terms_checked(model):
    with pytest.raises(ArgumentTypeError, match="'tension:wool', not a term of the model"):
        model.predict(type="terms", terms=["tension:wool"])
    with pytest.raises(ArgumentTypeError, match='interval= is not available with type="terms"'):
        model.predict(type="terms", interval="confidence")


def test_terms_ignore_the_offset():
    ins = gf.datasets.load("Insurance")
    m = gf.glm("Claims ~ District", data=ins, family="poisson", offset=np.log(ins["Holders"]))
    new = ins.head(3)
    terms = m.predict(new, type="terms")  # no offset= needed: no term has the offset
    link = m.predict(new, offset=np.log(new["Holders"]))
    assert_close(terms.sum(axis=1) + terms.attrs["constant"],
                               link - np.log(new["Holders"]), rtol=1e-12)


def test_partial_residuals_are_working_plus_terms(model):
    partial = model.residuals("partial")
    expected = model.predict(type="terms").add(model.residuals("working"), axis=0)
    pd.testing.assert_frame_equal(partial, expected)


def test_unknown_residual_type_still_refused(model):
    with pytest.raises(ArgumentTypeError, match="unknown residual type 'partials'"):
        model.residuals("partials")  # type: ignore[arg-type]


def test_predict_dict_missing_values_and_intervals(model):
    new = {"wool": ["A", None, "B"], "tension": ["L", "M", None]}
    before = {k: list(v) for k, v in new.items()}
    got = model.predict(new, type="response", se_fit=True, interval="confidence")
    assert len(got) == 3 and got.iloc[0].notna().all()
    assert got.iloc[1:].isna().all().all()
    assert new == before
    one = model.predict({"wool": ["B"], "tension": ["H"]}, type="response")
    expected = model.predict(pd.DataFrame({"wool": ["B"], "tension": ["H"]}), type="response")
    pd.testing.assert_series_equal(one, expected)


def test_predict_terms_missing_value_blanks_only_its_terms(model):
    new = pd.DataFrame({"wool": ["A", None], "tension": ["L", "M"]})
    terms = model.predict(new, type="terms")
    assert terms.iloc[0].notna().all()
    assert np.isnan(terms.loc[1, "wool"]) and np.isnan(terms.loc[1, "wool:tension"])
    assert np.isfinite(terms.loc[1, "tension"])


def test_predict_with_a_column_missing_throughout(model):
    new = pd.DataFrame({"wool": [None, None], "tension": ["L", "M"]})
    assert model.predict(new).isna().all()


def test_predict_missing_offset_column_value():
    data = WB.assign(expo=np.linspace(1.0, 2.0, len(WB)))
    m = gf.glm("breaks ~ wool", data=data, family="poisson", offset="expo")
    new = data.head(3).copy()
    new.loc[1, "expo"] = np.nan
    got = m.predict(new)
    assert np.isnan(got.iloc[1]) and got.drop(index=1).notna().all()


def test_predict_dict_errors_are_clear(model):
    with pytest.raises(DataError, match="newdata given as a dict cannot be made a DataFrame"):
        model.predict({"wool": "A", "tension": "L"})
    with pytest.raises(DataError, match="newdata lacks column"):
        model.predict({"wool": ["A"]})


def test_pvalues(model, aliased):
    p = model.pvalues
    assert list(p.index) == model.column_names and p.name == "pvalues"
    pd.testing.assert_series_equal(p, model.summary().table["Pr(>|z|)"], check_names=False)
    q = aliased.pvalues
    assert np.isnan(q["x2"]) and q.drop("x2").notna().all()
    np.testing.assert_allclose(q.drop("x2"), aliased.summary().coefficients["Pr(>|t|)"])
    robust = model.with_cov("HC0")
    assert not np.allclose(robust.pvalues, p)


def test_dask_newdata_with_missing_values():
    dd = pytest.importorskip("dask.dataframe")
    m = gf.glm("breaks ~ wool + tension", data=dd.from_pandas(WB, npartitions=2),
               family="poisson")
    new = WB.head(6).copy()
    new.loc[2, "tension"] = None
    got = m.predict(dd.from_pandas(new, npartitions=2)).compute()
    pd.testing.assert_series_equal(got, m.predict(new), check_names=False)
    assert np.isnan(got.iloc[2]) and got.drop(index=2).notna().all()


def test_console_shows_rs_layout_for_summaries_and_tables(model):
    """Siblings of print(m): a glm_nb summary and an anova table showed every dataclass
    field in the console (repr), not R's layout."""
    nb = gf.glm_nb("breaks ~ wool", data=WB)
    assert repr(nb.summary()) == str(nb.summary()) and "Theta:" in repr(nb.summary())
    table = gf.anova(model)
    assert repr(table) == str(table) and repr(table).startswith("Analysis of Deviance Table")


def test_terms_and_partial_residuals_padded_for_na_exclude():
    """R's napredict/naresid: with na_action="exclude" the fitted rows' terms and the
    partial residuals have a row per data row, NaN where the fit dropped one."""
    data = WB.assign(x=np.linspace(0.0, 1.0, len(WB)))
    data.loc[[3, 10], "x"] = np.nan
    omit = gf.glm("breaks ~ wool + x", data=data, family="poisson")
    exclude = gf.glm("breaks ~ wool + x", data=data, family="poisson", na_action="exclude")
    for ours, used in ((exclude.predict(type="terms", se_fit=True),
                        omit.predict(type="terms", se_fit=True)),
                       (exclude.residuals("partial"), omit.residuals("partial"))):
        assert list(ours.index) == list(data.index)
        assert ours.loc[[3, 10]].isna().all().all()
        pd.testing.assert_frame_equal(ours.drop(index=[3, 10]), used)
        assert ours.attrs["constant"] == used.attrs["constant"]
