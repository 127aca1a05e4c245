"""predict() of a chunked (Dask) fit with offsets: R's numbers (predict_offset_golden.json)
and the in-memory path's errors.

A chunked fit takes offset= as a column name or as a Dask Series of the data's
rows (which stands as an array offset does in memory: newdata needs offset=).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from compare import assert_close, case_frame, golden_cases

import glmformula as gf

dd = pytest.importorskip("dask.dataframe")

CASES = {c["offset_kind"]: c for c in golden_cases("predict_offset")}
RTOL = 1e-8
KINDS = ["call", "column", "formula", "both"]


def _frames(kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    case = CASES[kind]
    return case_frame(case), case_frame({"data": case["newdata"]})


def _fit(kind: str, data: object, series: bool = True) -> gf.GLMResult:
    """The golden case's model on ``data``; an array offset as an array (pandas data) or as
    a Dask Series of the data's rows (Dask data), else as a column name."""
    def array(column: str, log: bool) -> object:
        values = data[column]
        values = np.log(values) if log else values
        return values.to_numpy() if isinstance(values, pd.Series) else values

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "call":
            return gf.glm("Claims ~ District", data=data, family="poisson",
                          offset=array("Holders", True) if series else "logH")
        if kind == "column":
            return gf.glm("Claims ~ District", data=data, family="poisson", offset="logH")
        if kind == "formula":
            return gf.glm("Claims ~ District + offset(log(Holders))", data=data,
                          family="poisson")
        return gf.glm("Claims ~ District + offset(log(Holders))", data=data, family="poisson",
                      offset=array("ageoff", False) if series else "ageoff")


def _ddf(kind: str) -> object:
    data, _ = _frames(kind)
    return dd.from_pandas(data.assign(logH=np.log(data["Holders"])), npartitions=3)


def _new_offset(kind: str, new: pd.DataFrame) -> np.ndarray | None:
    return {"call": np.log(new["Holders"]).to_numpy(), "column": None, "formula": None,
            "both": new["ageoff"].to_numpy()}[kind]


def _check(pred: pd.DataFrame, expected: dict[str, list[float]]) -> None:
    assert_close(pred["fit"], expected["fit"], rtol=RTOL)
    assert_close(pred["se_fit"], expected["se_fit"], rtol=RTOL)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("type_", ["link", "response"])
def test_chunked_newdata_predictions_equal_r(kind: str, type_: str) -> None:
    _, new = _frames(kind)
    expected = CASES[kind]["expected"][type_]
    m = _fit(kind, _ddf(kind))
    offset = _new_offset(kind, new)
    _check(m.predict(new, type=type_, se_fit=True, offset=offset), expected["newdata"])
    lazy = dd.from_pandas(new.assign(logH=np.log(new["Holders"])), npartitions=2)
    dask_offset = None if offset is None else dd.from_pandas(pd.Series(offset, index=new.index),
                                                             npartitions=2)
    _check(m.predict(lazy, type=type_, se_fit=True, offset=dask_offset).compute(),
           expected["newdata"])
    _check(m.predict(type=type_, se_fit=True).compute(), expected["fitted"])


@pytest.mark.parametrize("kind", ["call", "both"])
def test_series_offset_refuses_newdata_without_offset_as_in_memory(kind: str) -> None:
    data, new = _frames(kind)
    in_memory, chunked = _fit(kind, data), _fit(kind, _ddf(kind))
    with pytest.raises(gf.ArgumentTypeError) as expected:
        in_memory.predict(new)
    with pytest.raises(gf.ArgumentTypeError) as got:
        chunked.predict(new)
    assert str(got.value) == str(expected.value)
    lazy = dd.from_pandas(new, npartitions=2)
    with pytest.raises(gf.ArgumentTypeError) as got_lazy:
        chunked.predict(lazy)  # at once, not when computed
    assert str(got_lazy.value) == str(expected.value)


@pytest.mark.parametrize("kind", KINDS)
def test_chunked_offset_fits_equal_in_memory(kind: str) -> None:
    data, _ = _frames(kind)
    m0, m1 = _fit(kind, data), _fit(kind, _ddf(kind))
    assert_close(m1.coef, m0.coef, rtol=1e-10)
    assert_close([m1.deviance, m1.null_deviance, m1.aic],
                               [m0.deviance, m0.null_deviance, m0.aic], rtol=1e-10)
    assert str(m1.equation()) == str(m0.equation())  # the offset was left out on Dask
    assert m1.design.offset_array == m0.design.offset_array


def test_offset_arguments_that_cannot_be_matched_to_partitions_are_refused() -> None:
    data, new = _frames("call")
    ddf = _ddf("call")
    with pytest.raises(gf.ArgumentTypeError, match="Dask Series computed from it"):
        gf.glm("Claims ~ District", data=ddf, family="poisson",
               offset=np.log(data["Holders"]).to_numpy())
    other = dd.from_pandas(np.log(data["Holders"]), npartitions=2)
    with pytest.raises(gf.ArgumentTypeError, match="partitions"):
        gf.glm("Claims ~ District", data=ddf, family="poisson", offset=other)
    m = _fit("call", ddf)
    with pytest.raises(gf.ArgumentTypeError, match="column name of newdata or a Dask Series"):
        m.predict(dd.from_pandas(new, npartitions=2), offset=np.log(new["Holders"]).to_numpy())
    with pytest.raises(gf.ArgumentTypeError, match="without newdata"):
        m.predict(offset=np.zeros(3))


def test_fitted_row_predictions_skip_rows_with_missing_values() -> None:
    data, _ = _frames("formula")
    data = data.assign(District=data["District"].astype(object))
    data.loc[[2, 30], "District"] = None
    m0 = _fit("formula", data)
    m1 = _fit("formula", dd.from_pandas(data, npartitions=3))
    got = m1.predict(type="response", se_fit=True, interval="confidence").compute()
    pd.testing.assert_frame_equal(got, m0.predict(type="response", se_fit=True,
                                                  interval="confidence"), rtol=1e-9)


def test_augment_newdata_takes_the_offset_as_in_memory() -> None:
    data, new = _frames("call")
    m0, m1 = _fit("call", data), _fit("call", _ddf("call"))
    offset = np.log(new["Holders"]).to_numpy()
    pd.testing.assert_frame_equal(m1.augment(newdata=new, offset=offset, se_fit=True),
                                  m0.augment(newdata=new, offset=offset, se_fit=True),
                                  rtol=1e-10)
