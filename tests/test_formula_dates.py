"""Dates, times and time differences in a formula: a DataError that says how to convert.

R reads a Date as the number of days since 1970-01-01; formulaic has no reading
of pandas' datetimes, timedeltas or periods (a raw numpy error), and coded
Python date objects as a factor with one level per day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import glmformula as gf
from glmformula.errors import DataError

N = 12
COLUMNS = {
    "datetime64": (lambda: pd.date_range("2020-01-01", periods=N), "dates and times",
                   '(df["d"] - pd.Timestamp("1970-01-01")).dt.days'),
    "tz-aware": (lambda: pd.date_range("2020-01-01", periods=N, tz="Europe/Paris"),
                 "dates and times", 'pd.Timestamp("1970-01-01", tz="UTC")'),
    "date objects": (lambda: [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(N)],
                     "dates", 'pd.to_datetime(df["d"])'),
    "timedelta64": (lambda: pd.to_timedelta(np.arange(N), unit="D"), "time differences",
                    'df["d"].dt.total_seconds() / 86400'),
    "periods": (lambda: pd.period_range("2020-01", periods=N, freq="M"), "periods",
                'df["d"].dt.to_timestamp()'),
    "timestamps (object)": (lambda: pd.Series(list(pd.date_range("2020", periods=N)),
                                              dtype=object), "dates", "pd.to_datetime"),
}


def _frame(kind: str) -> pd.DataFrame:
    make = COLUMNS[kind][0]
    return pd.DataFrame({"y": np.arange(N) % 4, "x": np.linspace(0, 1, N), "d": make()})


@pytest.mark.parametrize("kind", list(COLUMNS))
@pytest.mark.parametrize("formula", ["y ~ d", "y ~ x + log(d)", "y ~ ns(d, df = 3)",
                                     "y ~ I(d - 1)", "d ~ x"])
def test_a_date_column_is_a_data_error_with_the_conversion(kind: str, formula: str) -> None:
    _, what, conversion = COLUMNS[kind]
    with pytest.raises(DataError, match="column 'd' holds " + what) as info:
        gf.glm(formula, data=_frame(kind), family="gaussian")
    assert conversion in str(info.value)
    assert "R would use" in str(info.value)


def test_safe_mode_and_unused_date_columns() -> None:
    frame = _frame("datetime64")
    with pytest.raises(DataError, match="days since 1970-01-01"):
        gf.glm("y ~ d", data=frame, safe=True)
    assert list(gf.glm("y ~ x", data=frame).coef.index) == ["(Intercept)", "x"]
    days = frame.assign(days=(frame["d"] - pd.Timestamp("1970-01-01")).dt.days)
    model = gf.glm("y ~ ns(days, df = 2)", data=days)
    assert list(model.coef.index)[1:] == ["ns(days, df = 2)1", "ns(days, df = 2)2"]


def test_dates_as_a_factor_are_allowed() -> None:
    frame = _frame("datetime64").iloc[:4]
    assert len(gf.glm("y ~ factor(d)", data=frame).coef) == 4


def test_predict_on_new_data_with_dates_is_a_data_error() -> None:
    frame = _frame("datetime64").assign(d=lambda f: np.arange(N, dtype=float))
    model = gf.glm("y ~ d", data=frame)
    with pytest.raises(DataError, match="must be numeric, as it was when the model was fitted; "
                       "it has dtype datetime64"):
        model.predict(pd.DataFrame({"d": pd.date_range("2021-01-01", periods=2)}))


def test_caller_data_is_unchanged() -> None:
    frame = _frame("tz-aware")
    before = frame.copy()
    with pytest.raises(DataError):
        gf.glm("y ~ d", data=frame)
    pd.testing.assert_frame_equal(frame, before)
