"""Splitting production data into batches: by a batch column, by time period, or by a fixed size.

Exactly one of the three ways is used.  Batches come back in order as ``(label, frame)`` pairs, each
frame with a fresh ``RangeIndex``:

* ``batch_col`` — one batch per distinct value, in order of first appearance (labels are the values as
  text; ``Scenario.batches()`` orders its batches the same way);
* ``time_col`` + ``period`` — one batch per day (``"D"``, label ``2025-03-14``), week (``"W"``, weeks
  start on Monday, label = the Monday, ``2025-03-10``) or calendar month (``"M"``, label ``2025-03``),
  in chronological order; periods without rows give no batch;
* ``size`` — runs of ``size`` rows, in one of three orders that the caller chooses (data without a
  time or batch column has no natural order, and file order is an accident of how the file was
  written: a file sorted by one column makes every batch differ from the reference for that reason
  alone):

  - ``order=<column>``: the rows sorted by that column (stable; rows without a value last), labelled
    by the column's range, ``income 12,000–34,500``;
  - ``shuffle=True``: a seeded random permutation (``rng``), labelled ``chunk 1``, ``chunk 2`` … —
    every batch is then a random sample of the same rows, so batches can only differ by noise;
  - neither: file order, labelled ``rows 1-5000``, ``rows 5001-10000`` … (what a log appended in
    time order wants; :func:`describe_split` says so in words, and :func:`drift.monitor` puts that
    text in its result and notes).

:func:`describe_split` states the chosen way in one sentence (``MonitorResult.chunking``).

**Tiny last batch (decision).**  A last batch with fewer than ``min_rows`` rows (typically the period
still in progress, or the remainder of a fixed-size split) is *merged into the previous batch*, and a
:class:`UserWarning` says so.  The merged batch is labelled ``"<previous>+<last>"`` (``rows 4951-5020``
in file order, ``chunk 9+10`` for random chunks; an order-column label spans the merged range), so the
label never hides that two periods were pooled.  Merging keeps every row (dropping would lose data) and
avoids a batch whose statistics are noise; a lone batch is kept whatever its size, and tiny batches in
the middle are kept as they are (they are real periods — :func:`drift.monitor` calibrates their
thresholds at their own size, so they do not raise false alarms).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError, check_int

PERIODS = ("D", "W", "M")
#: Period code -> words, for :func:`describe_split`.
PERIOD_WORDS = {"D": "day", "W": "week (Monday to Sunday)", "M": "calendar month"}
#: A last batch below this many rows is merged into the previous one.
MIN_ROWS = 50
#: Whole numbers below this are written in full in order-column labels (``12,000``), others as ``1.2e+07``.
INTEGER_TEXT_BELOW = 10_000_000
_PERIOD_FORMAT = {"D": "%Y-%m-%d", "W": "%Y-%m-%d", "M": "%Y-%m"}


def split_batches(current: pd.DataFrame, *, batch_col: str | None = None, time_col: str | None = None,
                  period: str | None = None, size: int | None = None, order: str | None = None,
                  shuffle: bool = False, rng: int | np.random.Generator = 0,
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
        Rows per batch (>= 1), in file order unless ``order`` or ``shuffle`` is given.
    order : str, optional
        With ``size``: sort the rows by this column first (stable, missing values last).
    shuffle : bool, default False
        With ``size``: cut a seeded random permutation of the rows (``rng``) instead.
    rng : int or numpy.random.Generator, default 0
        Seed of ``shuffle``.
    min_rows : int, default 50
        A last batch with fewer rows is merged into the previous one.

    Returns
    -------
    list of (str, DataFrame)
        ``(label, rows)`` in batch order; rows keep every column of ``current``.

    Raises
    ------
    DriftParameterError
        None or several of the three ways given, an unknown ``period``, ``size < 1``, ``order`` or
        ``shuffle`` without ``size`` or both together.
    DriftInputError
        A missing column, missing batch labels or timestamps, timestamps that do not parse, an
        ``order`` column whose values cannot be sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": range(120)})
    >>> [(label, len(rows)) for label, rows in split_batches(df, size=50)]
    [('rows 1-50', 50), ('rows 51-120', 70)]
    >>> [label for label, _ in split_batches(df, size=60, shuffle=True)]
    ['chunk 1', 'chunk 2']
    >>> [label for label, _ in split_batches(df.iloc[::-1], size=60, order="x")]
    ['x 0–59', 'x 60–119']
    """
    func = "split_batches"
    if not isinstance(current, pd.DataFrame):
        raise DriftParameterError.invalid("current", func, "a pandas DataFrame", type(current).__name__)
    ways = [name for name, value in (("batch_col", batch_col), ("time_col", time_col), ("size", size))
            if value is not None]
    if len(ways) != 1:
        raise DriftParameterError.invalid("batch_col / time_col / size", func, "exactly one of the three",
                                          ways or None)
    check_int(min_rows, "min_rows", func, 1)
    if period is not None and time_col is None:
        raise DriftParameterError.invalid("period", func, "used only with time_col", period)
    if order is not None and shuffle:
        raise DriftParameterError.invalid("order / shuffle", func, "one of the two, not both",
                                          (order, shuffle))
    for name, value in (("order", order), ("shuffle", shuffle or None)):
        if value is not None and size is None:
            raise DriftParameterError.invalid(name, func, "used only with size", value)
    if len(current) == 0:
        raise DriftInputError("no rows to split into batches", file="current",
                              fix="pass production data with at least one row")
    if size is not None:
        check_int(size, "size", func, 1)
        return _split_by_size(current, int(size), order, shuffle, rng, min_rows)
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


def _split_by_size(current: pd.DataFrame, size: int, order: str | None, shuffle: bool, rng,
                   min_rows: int) -> list[tuple[str, pd.DataFrame]]:
    """Runs of ``size`` rows in file order, sorted by ``order``, or of a seeded permutation."""
    n = len(current)
    if order is not None:
        if order not in current.columns:
            raise DriftInputError(f"no column named {order!r} to order the rows by", file="current",
                                  column=str(order), fix=f"choose one of {list(current.columns)[:10]}")
        try:
            positions = current[order].reset_index(drop=True).sort_values(
                kind="stable", na_position="last").index.to_numpy()
        except TypeError:
            raise DriftInputError("its values cannot be put in order (text mixed with numbers?)",
                                  file="current", column=str(order),
                                  fix="order by a numeric, date or text column of one type") from None
    elif shuffle:
        positions = np.random.default_rng(rng).permutation(n)
    else:
        positions = np.arange(n)
    pieces = [positions[s:s + size] for s in range(0, n, size)]
    if len(pieces) > 1 and len(pieces[-1]) < min_rows:
        _warn_merge(_size_label(current, pieces[-1], len(pieces) - 1, size, order, shuffle), len(pieces[-1]),
                    min_rows, _size_label(current, pieces[-2], len(pieces) - 2, size, order, shuffle))
        pieces[-2:] = [np.concatenate(pieces[-2:])]
        merged = True
    else:
        merged = False
    labels = [_size_label(current, p, k, size, order, shuffle) for k, p in enumerate(pieces)]
    if merged and shuffle:
        labels[-1] = f"chunk {len(pieces)}+{len(pieces) + 1}"
    seen: dict[str, int] = {}
    for k, label in enumerate(labels):          # an order column with ties can repeat a range
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[k] = f"{label} #{seen[label]}"
    return [(label, current.iloc[p].reset_index(drop=True)) for label, p in zip(labels, pieces, strict=True)]


def _size_label(current: pd.DataFrame, positions: np.ndarray, k: int, size: int, order: str | None,
                shuffle: bool) -> str:
    if shuffle:
        return f"chunk {k + 1}"
    if order is None:
        return f"rows {k * size + 1}-{k * size + len(positions)}"
    values = current[order].iloc[positions].dropna()
    if values.empty:
        return f"{order} missing"
    return f"{order} {_value_text(values.iloc[0])}–{_value_text(values.iloc[-1])}"


def _value_text(value) -> str:
    """A short, plain rendering of one value of an order column."""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        if float(value).is_integer() and abs(value) < INTEGER_TEXT_BELOW:
            return f"{int(value):,}"
        return f"{value:.4g}"
    text = str(value)
    return text if len(text) <= 24 else text[:23] + "…"


def describe_split(*, batch_col: str | None = None, time_col: str | None = None, period: str | None = None,
                   size: int | None = None, order: str | None = None, shuffle: bool = False,
                   rng: int | np.random.Generator = 0) -> str:
    """One sentence saying how :func:`split_batches` cuts production with these arguments.

    Examples
    --------
    >>> describe_split(batch_col="month")
    "one batch per value of column 'month'"
    >>> describe_split(size=2000, shuffle=True)[:46]
    'random chunks of 2,000 rows (seed 0): every ba'
    """
    if batch_col is not None:
        return f"one batch per value of column {batch_col!r}"
    if time_col is not None:
        return f"one batch per {PERIOD_WORDS.get(period, period)} of time column {time_col!r}"
    if size is None:
        return "one batch: all the rows"
    if order is not None:
        return f"runs of {size:,} rows after sorting the rows by column {order!r} (rows without a value last)"
    if shuffle:
        seed = f"seed {rng}" if isinstance(rng, int | np.integer) else "a caller's random generator"
        return (f"random chunks of {size:,} rows ({seed}): every batch is a random sample of the same rows, "
                "so batches can only differ by noise; choose a time, batch or order column to follow a "
                "change over time")
    return (f"consecutive runs of {size:,} rows in file order: the order the rows were written in decides "
            "the batches, and a file sorted by some column gives batches that differ for that reason "
            "alone; choose a time, batch or order column, or random chunks")


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
