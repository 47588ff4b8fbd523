"""Per-column facts of a wide frame, computed block by block in linear time.

Checking 20,000 columns one ``Series`` at a time costs tens of microseconds of pandas overhead per call
and per column; these helpers compute the same facts on blocks of columns with one NumPy call each, so
schema inference and validation stay linear in the number of cells with a small constant.  Blocks hold
at most :data:`MAX_BLOCK_CELLS` cells, so a tall frame (10^6 rows) is read a few columns at a time and
never copied whole.

Only plain NumPy numeric dtypes (``float*``, ``int*``, ``uint*``) are handled here; bool, nullable,
Arrow and object columns are left to the caller's per-column path (:func:`numeric_facts` omits them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Cells (rows x columns) converted to one NumPy block at a time.
MAX_BLOCK_CELLS = 4_000_000


@dataclass(frozen=True, slots=True)
class NumericFacts:
    """What one numeric column holds (missing values and NaN ignored).

    Attributes
    ----------
    n_values : int
        Non-missing values.
    n_unique : int or None
        Distinct non-missing values (``None`` when not asked for).
    integral : bool
        Every non-missing value is a whole number (an infinity is not).
    n_inf : int
        Values that are +inf or -inf.
    minimum, maximum : float
        Smallest and largest non-missing value (``nan`` when there is none).
    """

    n_values: int
    n_unique: int | None
    integral: bool
    n_inf: int
    minimum: float
    maximum: float


def column_blocks(frame: pd.DataFrame, columns: Sequence, *,
                  max_cells: int = MAX_BLOCK_CELLS) -> Iterator[list]:
    """Consecutive slices of ``columns`` holding at most ``max_cells`` cells of ``frame`` each."""
    width = max(1, max_cells // max(1, len(frame)))
    columns = list(columns)
    for start in range(0, len(columns), width):
        yield columns[start:start + width]


def any_values(frame: pd.DataFrame, columns: Sequence | None = None, *, facts: Mapping | None = None) -> dict:
    """Column -> whether it holds at least one non-missing value (one vectorised pass per block).

    ``facts`` (from :func:`numeric_facts` on the same frame) answers for the columns it holds.
    """
    columns = frame.columns.tolist() if columns is None else list(columns)
    facts = facts or {}
    out: dict = {c: facts[c].n_values > 0 for c in columns if c in facts}
    for block in column_blocks(frame, [c for c in columns if c not in facts]):
        out.update(zip(block, frame[block].notna().any(axis=0).to_numpy().tolist()))
    return out


#: NumPy dtype kind -> the dtype its columns are read as, in one block.
_BLOCK_DTYPES = {"f": np.dtype(np.float64), "i": np.dtype(np.int64), "u": np.dtype(np.uint64)}


def _block_kind(dtype) -> str:
    """``"f"``, ``"i"`` or ``"u"`` for a plain NumPy numeric dtype; ``""`` for the per-column path."""
    return dtype.kind if isinstance(dtype, np.dtype) and dtype.kind in _BLOCK_DTYPES else ""


def numeric_facts(frame: pd.DataFrame, columns: Sequence | None = None, *,
                  unique: bool = False) -> dict:
    """Column -> :class:`NumericFacts` for the plain NumPy numeric columns among ``columns``.

    Columns are read by position, in runs of neighbours that share a dtype, so a frame of 20,000
    separately stored columns (as a CSV reader returns it) costs one conversion per run, not one
    selection per column.

    Parameters
    ----------
    frame : pandas.DataFrame
    columns : sequence, optional
        Columns to look at (default: all); the others are left out of the result.
    unique : bool, default False
        Also count distinct values (a sort of every column: ask only on samples).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, np.nan, 1.0], "b": [1, 2, 3], "c": ["x", "y", "z"]})
    >>> f = numeric_facts(df, unique=True)
    >>> sorted(f), f["a"].n_values, f["a"].n_unique, f["b"].maximum
    (['a', 'b'], 2, 1, 3.0)
    """
    names = frame.columns.tolist()
    if not len(frame):
        return {}
    wanted = None if columns is None else set(columns)
    kinds = [_block_kind(d) if wanted is None or c in wanted else "" for c, d in zip(names, frame.dtypes)]
    out: dict = {}
    width = max(1, MAX_BLOCK_CELLS // len(frame))
    start = 0
    while start < len(names):
        kind, stop = kinds[start], start + 1
        while stop < len(names) and kinds[stop] == kind and stop - start < width:
            stop += 1
        if kind:
            part = frame if (start, stop) == (0, len(names)) else frame.iloc[:, start:stop]
            out.update(_facts(part.to_numpy(dtype=_BLOCK_DTYPES[kind]), names[start:stop], unique))
        start = stop
    return out


def _facts(values: np.ndarray, names: list, unique: bool) -> dict:
    n_rows = values.shape[0]
    if values.dtype.kind == "f":
        lo, hi = np.minimum.reduce(values, axis=0), np.maximum.reduce(values, axis=0)
        n_values = np.full(values.shape[1], n_rows)
        gappy = np.flatnonzero(np.isnan(lo))  # minimum propagates NaN: only these columns miss values
        if gappy.size:
            part = values[:, gappy]
            n_values[gappy] = n_rows - np.isnan(part).sum(axis=0)
            with np.errstate(invalid="ignore"):
                lo[gappy], hi[gappy] = np.fmin.reduce(part, axis=0), np.fmax.reduce(part, axis=0)
        n_inf = np.zeros(values.shape[1], dtype=int)
        unbounded = np.flatnonzero(np.isinf(lo) | np.isinf(hi))  # only these can hold an infinity
        if unbounded.size:
            n_inf[unbounded] = np.isinf(values[:, unbounded]).sum(axis=0)
        integral = _integral(values)
    else:
        n_values = np.full(values.shape[1], n_rows)
        n_inf = np.zeros(values.shape[1], dtype=int)
        integral = np.ones(values.shape[1], dtype=bool)
        lo, hi = values.min(axis=0).astype(float), values.max(axis=0).astype(float)
    n_unique = _n_unique(values) if unique else [None] * len(names)
    return {name: NumericFacts(int(n_values[i]), None if n_unique[i] is None else int(n_unique[i]),
                               bool(integral[i]), int(n_inf[i]), float(lo[i]), float(hi[i]))
            for i, name in enumerate(names)}


#: Rows :func:`_integral` looks at first: a column of measurements shows a fraction in them.
_INTEGRAL_HEAD = 64


def _integral(values: np.ndarray) -> np.ndarray:
    """Per column of floats: every non-missing value is a whole number (``mod(v, 1) == 0``; an infinity
    is not).

    ``np.mod`` costs more than every other fact together, so it runs on the first :data:`_INTEGRAL_HEAD`
    rows of every column, then on all rows only of the columns that are whole there (columns of
    measurements show a fraction in their first rows and are settled without a full pass)."""
    head = values[:_INTEGRAL_HEAD]
    with np.errstate(invalid="ignore"):  # mod(inf, 1) is nan: an infinity is not integral
        out = np.all(np.isnan(head) | (np.mod(head, 1) == 0), axis=0)
        whole = np.flatnonzero(out)
        if whole.size and values.shape[0] > _INTEGRAL_HEAD:
            part = values[:, whole]
            out[whole] = np.all(np.isnan(part) | (np.mod(part, 1) == 0), axis=0)
    return out


def _n_unique(values: np.ndarray) -> np.ndarray:
    """Distinct non-NaN values per column: sort each column (NaN last) and count the steps."""
    ordered = np.sort(values, axis=0)
    if ordered.shape[0] == 0:
        return np.zeros(ordered.shape[1], dtype=int)
    steps = ordered[1:] != ordered[:-1]
    if ordered.dtype.kind == "f":
        valid = ~np.isnan(ordered)
        return (steps & valid[1:]).sum(axis=0) + valid[0]
    return steps.sum(axis=0) + 1
