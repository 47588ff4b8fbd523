"""Splitting production data into batches: by a batch column, by time period, or by a fixed size.

Exactly one of the three ways is used.  Batches come back in order as ``(label, frame)`` pairs, each
frame with a fresh ``RangeIndex``:

* ``batch_col`` — one batch per distinct value, in order of first appearance (labels are the values as
  text; ``Scenario.batches()`` orders its batches the same way);
* ``time_col`` + ``period`` — one batch per day (``"D"``, label ``2025-03-14``), week (``"W"``, weeks
  start on Monday, label = the Monday, ``2025-03-10``) or calendar month (``"M"``, label ``2025-03``),
  in chronological order; periods without rows give no batch;
* ``size`` — consecutive runs of ``size`` rows in row order, labelled ``rows 1-5000``, ``rows
  5001-10000`` …

**Tiny last batch (decision).**  A last batch with fewer than ``min_rows`` rows (typically the period
still in progress, or the remainder of a fixed-size split) is *merged into the previous batch*, and a
:class:`UserWarning` says so.  The merged batch is labelled ``"<previous>+<last>"`` (``rows 4951-5020``
for a size split), so the label never hides that two periods were pooled.  Merging keeps every row
(dropping would lose data) and avoids a batch whose statistics are noise; a lone batch is kept
whatever its size, and tiny batches in the middle are kept as they are (they are real periods —
:func:`drift.monitor` calibrates their thresholds at their own size, so they do not raise false alarms).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .errors import DriftInputError, DriftParameterError

PERIODS = ("D", "W", "M")
#: A last batch below this many rows is merged into the previous one.
MIN_ROWS = 50
_PERIOD_FORMAT = {"D": "%Y-%m-%d", "W": "%Y-%m-%d", "M": "%Y-%m"}


def split_batches(current: pd.DataFrame, *, batch_col: str | None = None, time_col: str | None = None,
                  period: str | None = None, size: int | None = None,
                  min_rows: int = MIN_ROWS) -> list[tuple[str, pd.DataFrame]]:
    """Split production data into ordered batches (module docstring for the rules).

    Parameters
    ----------
    current : DataFrame
        Production rows.
    batch_col : str, optional
        Column whose values name the batches.
    time_col : str, optional
        Timestamp column (datetime, or text pandas can parse); needs ``period``.
    period : {"D", "W", "M"}, optional
        Day, week (Monday to Sunday) or calendar month.
    size : int, optional
        Rows per batch (>= 1).
    min_rows : int, default 50
        A last batch with fewer rows is merged into the previous one.

    Returns
    -------
    list of (str, DataFrame)
        ``(label, rows)`` in batch order; rows keep every column of ``current``.

    Raises
    ------
    DriftParameterError
        None or several of the three ways given, an unknown ``period``, ``size < 1``.
    DriftInputError
        A missing column, missing batch labels or timestamps, timestamps that do not parse.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": range(120)})
    >>> [(label, len(rows)) for label, rows in split_batches(df, size=50)]
    [('rows 1-50', 50), ('rows 51-120', 70)]
    """
    func = "split_batches"
    if not isinstance(current, pd.DataFrame):
        raise DriftParameterError.invalid("current", func, "a pandas DataFrame", type(current).__name__)
    ways = [name for name, value in (("batch_col", batch_col), ("time_col", time_col), ("size", size))
            if value is not None]
    if len(ways) != 1:
        raise DriftParameterError.invalid("batch_col / time_col / size", func, "exactly one of the three",
                                          ways or None)
    if isinstance(min_rows, bool) or not isinstance(min_rows, int | np.integer) or min_rows < 1:
        raise DriftParameterError.invalid("min_rows", func, "an int >= 1", min_rows)
    if period is not None and time_col is None:
        raise DriftParameterError.invalid("period", func, "used only with time_col", period)
    if len(current) == 0:
        raise DriftInputError("no rows to split into batches", file="current",
                              fix="pass production data with at least one row")
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
            raise DriftParameterError.invalid("size", func, "an int >= 1", size)
        starts = range(0, len(current), int(size))
        pieces = [(f"rows {s + 1}-{min(s + size, len(current))}", current.iloc[s:s + size]) for s in starts]
        if len(pieces) > 1 and len(pieces[-1][1]) < min_rows:
            (label_a, a), (label_b, b) = pieces[-2], pieces[-1]
            first = int(label_a.split()[1].split("-")[0])
            _warn_merge(label_b, len(b), min_rows, label_a)
            pieces[-2:] = [(f"rows {first}-{len(current)}", current.iloc[first - 1:])]
        return [(label, rows.reset_index(drop=True)) for label, rows in pieces]
    column = batch_col if batch_col is not None else time_col
    if column not in current.columns:
        raise DriftInputError(f"no column named {column!r}", file="current", column=str(column),
                              fix=f"choose one of {list(current.columns)[:10]}")
    if batch_col is not None:
        keys = current[batch_col]
        if keys.isna().any():
            raise DriftInputError(f"{int(keys.isna().sum())} row(s) have no batch label", file="current",
                                  column=batch_col, fix="fill or drop the rows without a batch label")
        labels = keys.astype(str).to_numpy()
        order = list(pd.unique(labels))
    else:
        labels, order = _period_labels(current[time_col], time_col, period)
    codes = pd.Categorical(labels, categories=order).codes
    positions = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[positions], np.arange(len(order) + 1))
    pieces = [(order[k], positions[bounds[k]:bounds[k + 1]]) for k in range(len(order))]
    if len(pieces) > 1 and len(pieces[-1][1]) < min_rows:
        (label_a, a), (label_b, b) = pieces[-2], pieces[-1]
        _warn_merge(label_b, len(b), min_rows, label_a)
        pieces[-2:] = [(f"{label_a}+{label_b}", np.sort(np.concatenate([a, b])))]
    return [(label, current.iloc[pos].reset_index(drop=True)) for label, pos in pieces]


def _period_labels(values: pd.Series, column: str, period: str | None) -> tuple[np.ndarray, list[str]]:
    """Period label of every row and the labels in chronological order."""
    if period not in PERIODS:
        raise DriftParameterError.invalid("period", "split_batches", f"one of {PERIODS}", period)
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values
    else:
        try:
            stamps = pd.to_datetime(values, errors="raise", format="mixed")
        except (ValueError, TypeError) as err:
            raise DriftInputError(f"the timestamps do not parse as dates ({err})", file="current",
                                  column=column,
                                  fix="write them as ISO dates, e.g. 2025-03-14 09:30") from None
    if stamps.isna().any():
        raise DriftInputError(f"{int(stamps.isna().sum())} row(s) have no timestamp", file="current",
                              column=column, fix="fill or drop the rows without a timestamp")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    starts = stamps.dt.to_period(period).dt.start_time
    labels = starts.dt.strftime(_PERIOD_FORMAT[period]).to_numpy()
    order = list(pd.unique(labels[np.argsort(starts.to_numpy(), kind="stable")]))
    return labels, order


def _warn_merge(label: str, n: int, min_rows: int, into: str) -> None:
    warnings.warn(f"the last batch {label!r} has {n} row(s) (< min_rows={min_rows}): merged into {into!r}",
                  UserWarning, stacklevel=3)
