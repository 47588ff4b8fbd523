"""Entry checks for in-memory data: which cells a computation can use, and columns read as numbers.

The library's public functions take DataFrames, Series and arrays built anywhere (a file loader, a
notebook, another program).  A cell holding a nested value (dict, list, tuple, set, array) has no order
and no equality a test can use; raw bytes are not text; text is not a number.  These helpers find the
first such cell and raise :class:`~drift.core.errors.UnsupportedValuesError` naming the side (or file), the
column, the row and the fix, so the computations only ever see data they can handle.

The rules, in one place:

* **nested** cells (:data:`NESTED_TYPES`) are refused wherever a column is used as a feature, a score, a
  label or a text;
* **bytes** cells (:data:`BYTES_TYPES`) are refused where text or numbers are needed; as categories (the
  domain classifier, one-hot encoding) they are values like any other, compared by equality;
* **text** in a column that must hold numbers (scores, labels) is refused with the first offending
  values shown; numbers written as text (``"0.25"``) are read as numbers, booleans as 0 / 1.

Rows are numbered from 0 by position, as in every other message of the library.

Huge but finite numbers (``1e308``) overflow when a computation squares them; :func:`scale_exponents`
gives the power of two that brings them near 1, a scaling that is exact in floating point, so results
are unchanged wherever nothing overflowed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, InfiniteValuesError, UnsupportedValuesError

__all__ = ["NESTED_TYPES", "BYTES_TYPES", "find_unusable_cell", "check_cells", "numeric_values",
           "numeric_matrices", "scale_exponents"]

#: Cell types no test can use as a value.
NESTED_TYPES = (dict, list, tuple, set, frozenset, np.ndarray)
#: Cell types that are not text (refused where text or numbers are needed).
BYTES_TYPES = (bytes, bytearray, memoryview)
#: Offending values quoted in a message.
EXAMPLES_SHOWN = 3

_FIX_NESTED = "flatten it into columns of numbers or text, or leave the column out"
_FIX_BYTES = "decode it to text first (e.g. series.str.decode('utf-8')), or leave the column out"


def _object_cells(values) -> np.ndarray | None:
    """The cells as an object array when they can hold arbitrary Python objects, else ``None``."""
    if isinstance(values, pd.Series | pd.Index):
        if not pd.api.types.is_object_dtype(values.dtype):
            return None
        return values.to_numpy(dtype=object)
    if isinstance(values, np.ndarray):
        return values.ravel() if values.dtype == object else None
    return np.fromiter(values, dtype=object) if not isinstance(values, str | bytes) else None


def find_unusable_cell(values, *, allow_bytes: bool = False) -> tuple[int, object] | None:
    """Position and value of the first nested (or, unless ``allow_bytes``, bytes) cell, else ``None``.

    Parameters
    ----------
    values : Series, ndarray or iterable
        One column.  Typed columns (numbers, booleans, categories, strings) cannot hold such cells and
        are not scanned.
    allow_bytes : bool, default False
        Accept bytes cells (where values are only compared for equality, as categories).
    """
    cells = _object_cells(values)
    if cells is None or cells.size == 0:
        return None
    bad = NESTED_TYPES if allow_bytes else NESTED_TYPES + BYTES_TYPES
    if not any(issubclass(t, bad) for t in set(map(type, cells))):   # one C-speed pass in the usual case
        return None
    for i, value in enumerate(cells):
        if isinstance(value, bad):
            return i, value
    return None  # pragma: no cover - the type scan found one


def _describe(value: object) -> str:
    if isinstance(value, BYTES_TYPES):
        return "raw bytes"
    return f"a {type(value).__name__}"


def check_cells(values, *, side: str | None, column: object | None, allow_bytes: bool = False,
                fix: str | None = None) -> None:
    """Raise :class:`~drift.core.errors.UnsupportedValuesError` when a cell is nested (or bytes).

    Parameters
    ----------
    values : Series, ndarray or iterable
        One column.
    side : str
        The file name, or ``"reference"`` / ``"current"`` for in-memory data.
    column : str, optional
        The column's name, for the message.
    allow_bytes : bool, default False
        Accept bytes cells (see :func:`find_unusable_cell`).
    fix : str, optional
        What the user can do; by default how to flatten (nested) or decode (bytes) the column.
    """
    found = find_unusable_cell(values, allow_bytes=allow_bytes)
    if found is None:
        return
    row, value = found
    nested = isinstance(value, NESTED_TYPES)
    raise UnsupportedValuesError(
        f"row {row} holds {_describe(value)}, " + ("not a single value" if nested else "not text"),
        file=side, column=None if column is None else str(column),
        fix=fix or (_FIX_NESTED if nested else _FIX_BYTES))


def numeric_values(values, *, side: str | None, column: object | None, fix: str) -> np.ndarray:
    """One column as a float64 array (missing values as ``nan``), or an error naming the cells that are not
    numbers.

    Parameters
    ----------
    values : Series, ndarray or sequence
        One column (1-D).  Booleans read as 0 / 1 and numbers written as text as numbers.
    side : str
        The file name, or ``"reference"`` / ``"current"``.
    column : str, optional
        The column's name, for the message.
    fix : str
        What the user can do when the column holds text.

    Returns
    -------
    numpy.ndarray of float64, 1-D

    Raises
    ------
    UnsupportedValuesError
        Nested or bytes cells, text that is not a number, complex numbers, dates.
    """
    col = None if column is None else str(column)
    series = values if isinstance(values, pd.Series) else _as_series(values, side, col, fix)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or (pd.api.types.is_numeric_dtype(dtype)
                                             and not pd.api.types.is_complex_dtype(dtype)):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_complex_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype) \
            or pd.api.types.is_timedelta64_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        raise UnsupportedValuesError(f"the values are {dtype}, not real numbers", file=side, column=col,
                                     fix=fix)
    check_cells(series, side=side, column=col)
    as_numbers = pd.to_numeric(series.astype(object), errors="coerce")
    bad = as_numbers.isna().to_numpy() & series.notna().to_numpy()
    if bad.any():
        shown = ", ".join(repr(v) for v in pd.unique(series[bad].astype(str))[:EXAMPLES_SHOWN])
        raise UnsupportedValuesError(f"holds text, not numbers (e.g. {shown}; first in row "
                                     f"{int(np.flatnonzero(bad)[0])})", file=side, column=col, fix=fix)
    return as_numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def _as_series(values, side, column, fix) -> pd.Series:
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise UnsupportedValuesError(f"expected one column of values, got {values.ndim} dimensions",
                                         file=side, column=column, fix=fix)
        return pd.Series(values)
    return pd.Series(list(values))


def scale_exponents(arr: np.ndarray, axis: int | None = None) -> np.ndarray:
    """Exponents ``e`` such that ``numpy.ldexp(arr, -e)`` has its largest absolute value in [0.5, 1).

    Parameters
    ----------
    arr : numpy.ndarray of float
        Finite values and ``nan`` (ignored).
    axis : int, optional
        Per column with ``axis=0``; over the whole array by default.

    Returns
    -------
    numpy.ndarray of int
        0 where there is no non-zero value.  Multiplying by a power of two is exact (short of underflow
        below 1e-308), so any computation invariant to the scale gives bit-identical results.
    """
    with np.errstate(all="ignore"):
        peak = np.nanmax(np.abs(arr), axis=axis, initial=0.0, where=~np.isnan(arr))
    _, exponent = np.frexp(np.where(np.isfinite(peak) & (peak > 0), peak, 1.0))
    return np.where(np.isfinite(peak) & (peak > 0), exponent, 0).astype(np.int64)


def numeric_matrices(reference, current, *, purpose: str, column_fix: str, missing_fix: str | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Both samples as float64 matrices with the same columns, and their row labels.

    Used by the multivariate tests (MMD, projection), which take a numeric DataFrame (matched by column
    name) or any 2-D array-like (a 1-D one is one column).

    Parameters
    ----------
    reference, current : DataFrame or array-like
    purpose : str
        What needs the numbers, for the messages (``"MMD"``: "MMD needs numeric columns").
    column_fix : str
        The fix for a non-numeric DataFrame column.
    missing_fix : str, optional
        When given, a missing value raises :class:`~drift.core.errors.DriftInputError` with this fix;
        otherwise missing values stay ``nan``.

    Returns
    -------
    x, y : numpy.ndarray of float64, shapes (n, d) and (m, d)
    x_labels, y_labels : numpy.ndarray
        The DataFrame index, or row positions for arrays.

    Raises
    ------
    DriftInputError
        A column on one side only (naming the side that lacks it), a non-numeric column or array,
        more than two dimensions, different widths, no column at all; missing values with ``missing_fix``.
    InfiniteValuesError
        An infinite value.
    """
    if isinstance(reference, pd.DataFrame) and isinstance(current, pd.DataFrame):
        for name, frame, other in (("current", current, reference), ("reference", reference, current)):
            for c in other.columns:
                if c not in frame.columns:
                    raise DriftInputError("the column is present on one side only", file=name, column=str(c),
                                          fix="use the same columns on both sides")
        current = current[list(reference.columns)]
    out = []
    for name, data in (("reference", reference), ("current", current)):
        arr, labels = _numeric_matrix(data, name, purpose, column_fix)
        if missing_fix is not None and np.isnan(arr).any():
            row = int(np.flatnonzero(np.isnan(arr).any(axis=1))[0])
            raise DriftInputError(f"missing values (first in row {row})", file=name, fix=missing_fix)
        if np.isinf(arr).any():
            raise InfiniteValuesError("infinite values", file=name, fix="drop or clip infinite values")
        out.append((arr, labels))
    (x, x_labels), (y, y_labels) = out
    if x.shape[1] != y.shape[1]:
        raise DriftInputError(f"the samples have {x.shape[1]} and {y.shape[1]} columns", file="current",
                              fix="use the same features (embedding size) on both sides")
    if x.shape[1] == 0:
        raise DriftInputError("no columns", file="reference", fix="pass at least one numeric column")
    return x, y, x_labels, y_labels


def _numeric_matrix(data, name: str, purpose: str, column_fix: str) -> tuple[np.ndarray, np.ndarray]:
    """One side as a float64 matrix (``nan`` for missing) and its row labels."""
    if isinstance(data, pd.DataFrame):
        for c in data.columns:
            if not (pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c])) \
                    or pd.api.types.is_complex_dtype(data[c]):
                raise DriftInputError(f"{purpose} needs numeric columns", file=name, column=str(c),
                                      fix=column_fix)
        arr, labels = data.to_numpy(dtype=np.float64, na_value=np.nan), data.index.to_numpy()
    else:
        try:
            if np.iscomplexobj(data):
                raise TypeError("complex numbers")
            arr = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise DriftInputError(f"the data is not numeric ({exc})", file=name,
                                  fix="pass a 2-D numeric array or a numeric DataFrame") from exc
        labels = np.arange(len(arr)) if arr.ndim else np.arange(0)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise DriftInputError(f"expected a 2-D array, got {arr.ndim} dimensions", file=name,
                              fix="pass one row per sample")
    return arr, labels
