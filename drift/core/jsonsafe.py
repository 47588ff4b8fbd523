"""Plain-JSON values from NumPy / pandas results: ``nan`` and ``inf`` become ``None`` (strict JSON)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

import numpy as np
import pandas as pd


def json_float(value) -> float | None:
    """A finite float, or ``None`` for nan / inf."""
    value = float(value)
    return value if math.isfinite(value) else None


def jsonable(obj):
    """``obj`` with NumPy / pandas values turned into plain JSON types and ``nan``/``inf`` into ``None``."""
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, pd.DataFrame):
        return [jsonable(r) for r in obj.to_dict("records")]
    if isinstance(obj, pd.Series):
        return jsonable(obj.tolist())
    if isinstance(obj, (list, tuple, set, np.ndarray)):
        return [jsonable(v) for v in (obj.tolist() if isinstance(obj, np.ndarray) else obj)]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, (pd.Timestamp, datetime)):
        return obj.isoformat()
    if obj is pd.NA or obj is pd.NaT:
        return None
    return str(obj)
