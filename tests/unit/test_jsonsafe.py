"""The library's one JSON converter (drift.core.jsonsafe)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import numpy as np
import pandas as pd

from drift.core.jsonsafe import dumps, json_float, jsonable, python_scalar


def test_python_scalar_unwraps_numpy_only():
    assert type(python_scalar(np.int64(3))) is int
    assert type(python_scalar(np.float32(0.5))) is float
    assert type(python_scalar(np.bool_(True))) is bool
    assert python_scalar("a") == "a" and python_scalar(None) is None


def test_missing_values_become_null():
    out = jsonable([math.nan, np.float64("inf"), -math.inf, None, pd.NA, pd.NaT, np.datetime64("NaT")])
    assert out == [None] * 7


def test_times_become_iso_text():
    # NaT is a datetime: it must be null, not the text "NaT"; datetime64 must not become nanoseconds
    out = jsonable([pd.Timestamp("2024-05-01 12:00"), np.datetime64("2024-05-01"), datetime(2024, 5, 1),
                    date(2024, 5, 1), np.timedelta64(90, "s")])
    assert out == ["2024-05-01T12:00:00", "2024-05-01T00:00:00", "2024-05-01T00:00:00", "2024-05-01",
                   "P0DT0H1M30S"]


def test_containers_and_frames():
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, np.nan], "t": pd.to_datetime(["2024-01-01", None])})
    out = jsonable({1: frame, "s": pd.Series([np.int64(1)]), "arr": np.array([[1.0, np.nan]]),
                    "set": {3}, "tup": (np.bool_(False),)})
    assert out == {"1": [{"a": 1, "b": 0.5, "t": "2024-01-01T00:00:00"}, {"a": 2, "b": None, "t": None}],
                   "s": [1], "arr": [[1.0, None]], "set": [3], "tup": [False]}
    assert type(out["1"][0]["a"]) is int


def test_dumps_is_strict_json():
    text = dumps({"b": np.float64("nan"), "a": "Préstamo"}, sort_keys=True)
    assert text == '{"a": "Préstamo", "b": null}'
    assert dumps({"a": "é"}, ensure_ascii=True) == '{"a": "\\u00e9"}'
    json.loads(text)


def test_json_float():
    assert json_float(np.float32(0.25)) == 0.25
    assert json_float(math.nan) is None and json_float(math.inf) is None
