"""Plain JSON from NumPy / pandas results: the library's one converter.

Every ``to_dict()``, the JSON report, the CLI's ``--json`` and the history store go through
:func:`jsonable` (values) and :func:`dumps` (text).  The rules:

* NumPy scalars become the Python scalar they hold (:func:`python_scalar`); arrays, tuples, sets, Series
  become lists; a DataFrame becomes a list of row records; mapping keys become strings;
* ``nan``, ``inf``, ``None``, ``pd.NA`` and ``NaT`` become ``None`` (strict JSON has no nan);
* timestamps become ISO 8601 text; any other object becomes ``str(obj)``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

__all__ = ["json_float", "python_scalar", "jsonable", "dumps"]


def json_float(value) -> float | None:
    """A finite float, or ``None`` for nan / inf."""
    value = float(value)
    return value if math.isfinite(value) else None


def python_scalar(value):
    """A NumPy scalar as the Python scalar it holds (``np.int64(3)`` → ``3``); anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def jsonable(obj):
    """``obj`` with NumPy / pandas values turned into plain JSON types (rules in the module docstring).

    Examples
    --------
    >>> jsonable({"a": np.float64("nan"), 1: (np.int64(3), pd.Timestamp("2024-05-01"), pd.NaT)})
    {'a': None, '1': [3, '2024-05-01T00:00:00', None]}
    """
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, pd.DataFrame):
        return [jsonable(r) for r in obj.to_dict("records")]
    if isinstance(obj, pd.Series):
        return jsonable(obj.tolist())
    if isinstance(obj, (list, tuple, set, frozenset, np.ndarray)):
        return [jsonable(v) for v in (obj.tolist() if isinstance(obj, np.ndarray) else obj)]
    if isinstance(obj, np.datetime64 | np.timedelta64):   # .item() would give integer nanoseconds
        obj = pd.Timestamp(obj) if isinstance(obj, np.datetime64) else pd.Timedelta(obj)
    if obj is None or obj is pd.NA or obj is pd.NaT:       # NaT is a datetime: test it first
        return None
    obj = python_scalar(obj)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, (date, pd.Timedelta)):
        return obj.isoformat()
    return str(obj)


def dumps(obj, *, indent: int | None = None, sort_keys: bool = False, ensure_ascii: bool = False) -> str:
    """Strict JSON text of ``jsonable(obj)``: no ``NaN``; non-ASCII kept unless ``ensure_ascii``."""
    return json.dumps(jsonable(obj), indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii,
                      allow_nan=False)
