"""Shared argument checks (drift.core.errors) and numeric-matrix coercion (drift.core.inputs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drift.core.errors import (
    DriftInputError,
    DriftParameterError,
    InfiniteValuesError,
    check_fraction,
    check_int,
    is_int,
)
from drift.core.inputs import numeric_matrices


def test_argument_checks_use_one_template():
    assert is_int(3) and is_int(np.int64(3)) and not is_int(True) and not is_int(3.0)
    check_int(np.int32(2), "bins", "f", 2)
    for bad in (1, True, 2.0, "2", None):
        with pytest.raises(DriftParameterError, match=r"The 'bins' parameter of f must be an int >= 2\. Got"):
            check_int(bad, "bins", "f", 2)
    check_fraction(np.float32(0.5), "alpha", "f")
    for bad in (0, 1, -0.1, float("nan"), True, "0.5", 1j):
        with pytest.raises(DriftParameterError, match=r"'alpha' parameter of f must be a number in \(0, 1\)"):
            check_fraction(bad, "alpha", "f")


def test_numeric_matrices_names_the_side_and_column():
    ref = pd.DataFrame({"a": [1.0, 2.0], "b": [3, 4]}, index=["r1", "r2"])
    cur = pd.DataFrame({"b": [5, 6], "a": [0.5, np.nan]})
    x, y, lx, ly = numeric_matrices(ref, cur, purpose="P", column_fix="fix")
    assert x.tolist() == [[1.0, 3.0], [2.0, 4.0]] and np.isnan(y[1, 0]) and y[0].tolist() == [0.5, 5.0]
    assert lx.tolist() == ["r1", "r2"] and ly.tolist() == [0, 1]
    x, y, lx, ly = numeric_matrices([1, 2, 3], np.ones((2, 1)), purpose="P", column_fix="fix")
    assert x.shape == (3, 1) and ly.tolist() == [0, 1]
    cases = [
        (ref, cur.drop(columns="b"), "current: column 'b': the column is present on one side only"),
        (ref.drop(columns="b"), cur, "reference: column 'b': the column is present on one side only"),
        (ref.assign(b=["x", "y"]), cur, "reference: column 'b': P needs numeric columns. Fix: fix"),
        (np.ones((2, 2)), np.ones((2, 3)), "current: the samples have 2 and 3 columns"),
        (np.ones((2, 2, 2)), np.ones((2, 2)), "reference: expected a 2-D array, got 3 dimensions"),
        (np.float64(1.0), np.ones((2, 1)), "reference: expected a 2-D array, got 0 dimensions"),
        (np.ones((2, 0)), np.ones((2, 0)), "reference: no columns"),
        (np.ones((2, 1)), [["a"], ["b"]], "current: the data is not numeric"),
    ]
    for a, b, message in cases:
        with pytest.raises(DriftInputError) as err:
            numeric_matrices(a, b, purpose="P", column_fix="fix")
        assert str(err.value).startswith(message), str(err.value)
    with pytest.raises(DriftInputError, match=r"current: missing values \(first in row 1\)\. Fix: impute"):
        numeric_matrices(ref, cur, purpose="P", column_fix="fix", missing_fix="impute")
    with pytest.raises(InfiniteValuesError, match="current: infinite values"):
        numeric_matrices(ref, cur.fillna(np.inf), purpose="P", column_fix="fix")
