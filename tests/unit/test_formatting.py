"""The one p-value convention (drift.core.formatting)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drift.core.formatting import MISSING, PVALUE_FLOOR, format_pvalue


@pytest.mark.parametrize(("p", "table", "sentence"), [
    (0.0342, "0.034", "p = 0.034"),
    (0.0346, "0.035", "p = 0.035"),           # rounded, not cut
    (0.5, "0.500", "p = 0.500"),
    (1.0, "1.000", "p = 1.000"),
    (PVALUE_FLOOR, "0.001", "p = 0.001"),      # the floor itself is written out
    (0.00099, "< 0.001", "p < 0.001"),
    (0.0, "< 0.001", "p < 0.001"),
    (1e-300, "< 0.001", "p < 0.001"),
    (math.nan, MISSING, "p n/a"),
    (None, MISSING, "p n/a"),
    (np.float64(0.0342), "0.034", "p = 0.034"),
    (np.float32(np.nan), MISSING, "p n/a"),
])
def test_format_pvalue(p, table, sentence):
    assert format_pvalue(p) == table
    assert format_pvalue(p, prefix=True) == sentence


def test_the_app_uses_the_shared_formatter():
    """The app's tables and metrics write p-values as the report and the readings do."""
    from ui import charts

    assert charts.format_pvalue is format_pvalue
