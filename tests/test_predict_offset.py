"""predict(newdata) with offsets, against R's predict.glm (predict_offset_golden.json).

R evaluates the formula's offset() terms and the glm() call's offset= in newdata and
adds them. glmformula reads a column-name offset from newdata; an offset given as an
array must be passed to predict as offset= (an array or a column name of newdata).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf
from glmformula.design import build_design

CASES = {c["offset_kind"]: c for c in golden_cases("predict_offset")}
RTOL = 1e-8


def _frames(kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    case = CASES[kind]
    return case_frame(case), case_frame({"data": case["newdata"]})


def _fit(kind: str, offset_as_array: bool = True) -> gf.GLMResult:
    data, _ = _frames(kind)
    if kind == "call":
        return gf.glm("Claims ~ District", data=data, family="poisson",
                      offset=np.log(data["Holders"]))
    if kind == "column":
        return gf.glm("Claims ~ District", data=data, family="poisson", offset="logH")
    if kind == "formula":
        return gf.glm("Claims ~ District + offset(log(Holders))", data=data, family="poisson")
    offset = data["ageoff"].to_numpy() if offset_as_array else "ageoff"
    return gf.glm("Claims ~ District + offset(log(Holders))", data=data, family="poisson",
                  offset=offset)


def _check(pred: pd.DataFrame, expected: dict[str, list[float]]) -> None:
    assert_close(pred["fit"], expected["fit"], rtol=RTOL)
    assert_close(pred["se_fit"], expected["se_fit"], rtol=RTOL)


def _offset_for(kind: str, new: pd.DataFrame) -> np.ndarray | None:
    return {"call": np.log(new["Holders"]).to_numpy(), "column": new["logH"].to_numpy(),
            "formula": None, "both": new["ageoff"].to_numpy()}[kind]


@pytest.mark.parametrize("kind", ["call", "column", "formula", "both"])
@pytest.mark.parametrize("type_", ["link", "response"])
def test_newdata_predictions_equal_r(kind: str, type_: str) -> None:
    _, new = _frames(kind)
    expected = CASES[kind]["expected"][type_]["newdata"]
    m = _fit(kind)
    _check(m.predict(new, type=type_, se_fit=True, offset=_offset_for(kind, new)), expected)
    if kind in ("column", "both"):  # a column-name offset is read from newdata
        named = _fit(kind, offset_as_array=False)
        _check(named.predict(new, type=type_, se_fit=True), expected)
    if kind == "call":  # offset= may name a column of newdata
        extended = new.assign(logH_new=np.log(new["Holders"]))
        _check(m.predict(extended, type=type_, se_fit=True, offset="logH_new"), expected)


@pytest.mark.parametrize("kind", ["call", "column", "formula", "both"])
@pytest.mark.parametrize("type_", ["link", "response"])
def test_fitted_rows_keep_the_fits_offset(kind: str, type_: str) -> None:
    expected = CASES[kind]["expected"][type_]["fitted"]
    _check(_fit(kind).predict(type=type_, se_fit=True), expected)


def test_array_offset_without_offset_argument_is_refused() -> None:
    """Before: the array offset was dropped (0.131 instead of R's 25.80)."""
    ins = gf.datasets.load("Insurance")
    m = gf.glm("Claims ~ District", data=ins, family="poisson", offset=np.log(ins["Holders"]))
    with pytest.raises(gf.ArgumentTypeError, match=r"m\.predict\(newdata, offset="):
        m.predict(newdata=ins.head(), type="response")
    got = m.predict(newdata=ins.head(), type="response", offset=np.log(ins.head()["Holders"]))
    assert abs(got.iloc[0] - 25.79962) < 1e-4


def test_formula_and_array_offsets_are_both_needed() -> None:
    _, new = _frames("both")
    with pytest.raises(gf.ArgumentTypeError, match="offset="):
        _fit("both").predict(new)


def test_offset_argument_replaces_a_column_offset() -> None:
    _, new = _frames("column")
    m = _fit("column")
    zero = m.predict(new, offset=np.zeros(len(new)))
    assert_close(zero + new["logH"].to_numpy(), m.predict(new), rtol=1e-12)


def test_offset_argument_needs_an_offset_in_the_fit() -> None:
    _, new = _frames("formula")
    with pytest.raises(gf.ArgumentTypeError, match="without one"):
        _fit("formula").predict(new, offset=np.zeros(len(new)))


def test_offset_argument_needs_newdata() -> None:
    with pytest.raises(gf.ArgumentTypeError, match="without newdata"):
        _fit("call").predict(offset=np.zeros(64))


def test_offset_argument_checked_against_newdata() -> None:
    _, new = _frames("call")
    m = _fit("call")
    with pytest.raises(gf.DataError, match="rows"):
        m.predict(new, offset=np.zeros(len(new) + 1))
    with_na = m.predict(new, offset=np.r_[np.nan, np.zeros(len(new) - 1)])  # R's na.pass
    assert np.isnan(with_na.iloc[0]) and np.isfinite(with_na.iloc[1:]).all()
    with pytest.raises(gf.DataError, match="no_such"):
        m.predict(new, offset="no_such")


def test_interval_uses_the_offset() -> None:
    _, new = _frames("call")
    m = _fit("call")
    got = m.predict(new, type="response", interval="confidence", se_fit=True,
                    offset=np.log(new["Holders"]))
    expected = CASES["call"]["expected"]
    eta = np.asarray(expected["link"]["newdata"]["fit"])
    se = np.asarray(expected["link"]["newdata"]["se_fit"])
    assert_close(got["fit"], expected["response"]["newdata"]["fit"], rtol=RTOL)
    assert_close(got["lwr"], np.exp(eta - 1.959963984540054 * se), rtol=RTOL)
    assert_close(got["upr"], np.exp(eta + 1.959963984540054 * se), rtol=RTOL)


@pytest.mark.parametrize("structured", [False, True])
def test_designs_record_an_array_offset(structured: bool) -> None:
    data, _ = _frames("call")
    by_array = build_design("Claims ~ District", data, offset=np.log(data["Holders"]),
                            structured=structured)
    by_name = build_design("Claims ~ District", data, offset="logH", structured=structured)
    assert by_array.offset_array and not by_name.offset_array
    assert by_name.offset_column == "logH"


def test_large_fit_with_array_offset_refuses_newdata() -> None:
    data, new = _frames("call")
    big = pd.concat([data] * 320, ignore_index=True)  # the structured path (20,480 rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = gf.glm("Claims ~ District", data=big, family="poisson",
                   offset=np.log(big["Holders"]))
    with pytest.raises(gf.ArgumentTypeError, match="offset="):
        m.predict(new)
    assert_close(m.predict(new, offset=np.log(new["Holders"])),
                               CASES["call"]["expected"]["link"]["newdata"]["fit"], rtol=1e-8)


def test_augment_passes_the_offset() -> None:
    _, new = _frames("call")
    m = _fit("call")
    with pytest.raises(gf.ArgumentTypeError, match="offset="):
        m.augment(newdata=new)
    got = m.augment(newdata=new, type_predict="response", se_fit=True,
                    offset=np.log(new["Holders"]))
    expected = CASES["call"]["expected"]["response"]["newdata"]
    assert_close(got[".fitted"], expected["fit"], rtol=RTOL)
    assert_close(got[".se.fit"], expected["se_fit"], rtol=RTOL)


@pytest.mark.parametrize("kind", ["call", "column"])
def test_plot_predictions_holds_the_offset_at_its_mean(kind: str) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    data, _ = _frames(kind)
    data = data.assign(x=np.arange(len(data)) / 10)
    offset = np.log(data["Holders"]) if kind == "call" else "logH"
    m = gf.glm("Claims ~ District + x", data=data, family="poisson", offset=offset)
    fig = gf.plot_predictions(m, "x", data=data, points=5)
    grid = np.linspace(data["x"].min(), data["x"].max(), 5)
    expected = np.exp(m.coef["(Intercept)"] + m.coef["x"] * grid + data["logH"].mean())
    assert_close(fig.axes[0].lines[0].get_ydata(), expected, rtol=1e-10)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_refits_on_the_same_rows_keep_an_array_offset() -> None:
    """anova, drop1, add1, confint (profile) and influence refit or reuse the fit's rows:
    an array offset must give what the same offset as a formula term gives."""
    data, _ = _frames("call")
    data = data.assign(x=np.linspace(-1, 1, len(data)))
    by_array = gf.glm("Claims ~ District + x", data=data, family="poisson",
                      offset=np.log(data["Holders"]))
    by_term = gf.glm("Claims ~ District + x + offset(log(Holders))", data=data,
                     family="poisson")
    pd.testing.assert_frame_equal(gf.anova(by_array).data, gf.anova(by_term).data)
    pd.testing.assert_frame_equal(gf.anova(by_array, type=2).data,
                                  gf.anova(by_term, type=2).data)
    pd.testing.assert_frame_equal(gf.drop1(by_array).data, gf.drop1(by_term).data)
    pd.testing.assert_frame_equal(gf.add1(gf.glm("Claims ~ x", data=data, family="poisson",
                                                 offset=np.log(data["Holders"])),
                                          "~ x + District", data=data).data,
                                  gf.add1(gf.glm("Claims ~ x + offset(log(Holders))",
                                                 data=data, family="poisson"),
                                          "~ x + District", data=data).data)
    pd.testing.assert_frame_equal(by_array.confint(), by_term.confint())
    pd.testing.assert_frame_equal(by_array.influence(), by_term.influence())
