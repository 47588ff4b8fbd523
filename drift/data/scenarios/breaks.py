"""Seeded injectors of pipeline breaks into a real table: the ground truth of ``data_quality``.

Each injector takes a frame and one column and returns a *new* frame in which only that column is
broken, the way a real pipeline breaks it:

======================  =============================================================================
injector                what it does to the column
======================  =============================================================================
:func:`unit_change`     multiplies the values by ``factor`` (x100 cents, x1000 grams, /1000 thousands)
:func:`missing_burst`   blanks a ``share`` of the rows (an upstream join or sensor drops out)
:func:`rename_levels`   replaces the levels of a small categorical by new spellings or codes
                        (``"male"`` -> ``"M"``, ``1`` -> ``"F"``); the old levels disappear
:func:`type_change`     numbers become text: ``"12.5%"`` strings with ``"N/A"`` sprinkled in, or
                        ``True`` / ``False`` flags (value above the column's median)
:func:`stuck_value`     a ``share`` of the rows carries one value: a sensor stuck at its last reading,
                        or a default fill such as 0 or -999
======================  =============================================================================

:data:`BREAKS` maps each name to its injector and the column kind it applies to.  Every injector is
deterministic given ``rng`` and leaves the other columns and the row order untouched.

Examples
--------
>>> import pandas as pd
>>> from drift.data.scenarios.breaks import unit_change
>>> unit_change(pd.DataFrame({"price": [1.5, 2.0]}), "price", factor=100)["price"].tolist()
[150.0, 200.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError

#: Text written in place of a number by ``type_change(style="percent")`` on :data:`NA_TEXT_SHARE` of rows.
NA_TEXT = "N/A"
NA_TEXT_SHARE = 0.05
#: Fill values a pipeline writes for "unknown".
DEFAULT_FILLS = (0, -999)
#: Styles of :func:`type_change`.
TYPE_STYLES = ("percent", "bool")


def _check_column(frame: pd.DataFrame, column: str, func: str, *, numeric: bool = False) -> None:
    if column not in frame.columns:
        raise DriftInputError("no such column", file="frame", column=column,
                              fix=f"choose one of {list(frame.columns)[:10]} for {func}")
    if numeric and not pd.api.types.is_numeric_dtype(frame[column]):
        raise DriftInputError(f"{func} needs a numeric column, got {frame[column].dtype}", file="frame",
                              column=column, fix="choose a numeric column")


def _check_share(share: float, func: str) -> None:
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise DriftParameterError.invalid("share", func, "a float in (0, 1]", share)


def _rows(n: int, share: float, gen: np.random.Generator) -> np.ndarray:
    """A boolean mask selecting round(share * n) rows at random (all rows when share is 1)."""
    mask = np.zeros(n, dtype=bool)
    mask[gen.choice(n, size=int(round(share * n)), replace=False)] = True
    return mask


def unit_change(frame: pd.DataFrame, column: str, *, factor: float, share: float = 1.0,
                rng: int | np.random.Generator = 0) -> pd.DataFrame:
    """The column is recorded in another unit: its values times ``factor`` on ``share`` of the rows.

    Parameters
    ----------
    frame : DataFrame
    column : str
        A numeric column.
    factor : float
        The unit ratio, e.g. 100 (dollars -> cents), 1000 (kg -> g), 0.001 (-> thousands); not 0 or 1.
    share : float, default 1.0
        Share of rows recorded in the new unit (1.0: the whole batch, as after a release).
    rng : int or numpy.random.Generator
        Seed of the row choice when ``share`` < 1.
    """
    _check_column(frame, column, "unit_change", numeric=True)
    _check_share(share, "unit_change")
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or factor in (0, 1) \
            or not np.isfinite(factor):
        raise DriftParameterError.invalid("factor", "unit_change", "a finite number other than 0 and 1",
                                          factor)
    out = frame.copy()
    mask = _rows(len(out), share, np.random.default_rng(rng))
    values = out[column].astype(float)
    values[mask] = values[mask] * factor
    out[column] = values
    return out


def missing_burst(frame: pd.DataFrame, column: str, *, share: float,
                  rng: int | np.random.Generator = 0) -> pd.DataFrame:
    """``share`` of the rows lose their value in ``column`` (set to missing).

    Parameters
    ----------
    frame : DataFrame
    column : str
    share : float
        Share of rows blanked, in (0, 1]; rows already missing may be drawn again.
    rng : int or numpy.random.Generator
    """
    _check_column(frame, column, "missing_burst")
    _check_share(share, "missing_burst")
    out = frame.copy()
    mask = _rows(len(out), share, np.random.default_rng(rng))
    if pd.api.types.is_bool_dtype(out[column]):
        out[column] = out[column].astype(object)
    elif pd.api.types.is_integer_dtype(out[column]):
        out[column] = out[column].astype(float)
    out.loc[mask, column] = np.nan
    return out


def default_renaming(levels) -> dict:
    """New spellings for a small categorical's levels: text -> its first letter in upper case when those
    are distinct (``"male"`` -> ``"M"``), else the text with its case swapped (``"rain"`` -> ``"RAIN"``,
    ``"UA"`` -> ``"ua"``); numeric codes -> letters ``"A"``, ``"B"``, ... in sorted order."""
    levels = sorted(levels, key=str)
    if all(isinstance(v, str) for v in levels):
        initials = [v[:1].upper() for v in levels]
        if len(set(initials)) == len(levels) and not set(initials) & set(levels):
            return dict(zip(levels, initials, strict=True))
        return {v: v.swapcase() if v.swapcase() != v else f"{v}_v2" for v in levels}
    return {v: chr(ord("A") + i) if i < 26 else f"L{i}" for i, v in enumerate(levels)}


def rename_levels(frame: pd.DataFrame, column: str, *, mapping: dict | None = None) -> pd.DataFrame:
    """Every level of ``column`` is replaced by a new spelling or code (an upstream re-coding).

    Parameters
    ----------
    frame : DataFrame
    column : str
        A column with few distinct values (text or integer codes).
    mapping : dict, optional
        Old level -> new level; default :func:`default_renaming`.  Every present level must be mapped
        to a value that is not an old level, so no old level survives.
    """
    _check_column(frame, column, "rename_levels")
    levels = list(frame[column].dropna().unique())
    mapping = default_renaming(levels) if mapping is None else dict(mapping)
    unmapped = [v for v in levels if v not in mapping]
    if unmapped:
        raise DriftParameterError.invalid("mapping", "rename_levels", f"a dict covering {levels}", mapping)
    if set(mapping.values()) & set(levels):
        raise DriftParameterError.invalid("mapping", "rename_levels",
                                          "a dict whose new levels are not old levels", mapping)
    out = frame.copy()
    values = out[column].astype(object)
    out[column] = values.map(lambda v: mapping.get(v, v) if pd.notna(v) else v)
    return out


def type_change(frame: pd.DataFrame, column: str, *, style: str = "percent",
                rng: int | np.random.Generator = 0) -> pd.DataFrame:
    """Numbers arrive as something else.

    Parameters
    ----------
    frame : DataFrame
    column : str
        A numeric column.
    style : {"percent", "bool"}
        ``"percent"``: each value becomes the text ``f"{value:g}%"`` and :data:`NA_TEXT_SHARE` of the
        rows the text :data:`NA_TEXT`; ``"bool"``: each value becomes ``True`` when above the column's
        median, else ``False`` (a flag replaced the measurement).  Missing values stay missing.
    rng : int or numpy.random.Generator
        Seed of the ``"N/A"`` rows.
    """
    _check_column(frame, column, "type_change", numeric=True)
    if style not in TYPE_STYLES:
        raise DriftParameterError.invalid("style", "type_change", f"one of {TYPE_STYLES}", style)
    out = frame.copy()
    values = out[column].astype(float)
    missing = values.isna().to_numpy()
    if style == "percent":
        text = np.array([f"{v:g}%" for v in values.fillna(0)], dtype=object)
        text[_rows(len(out), NA_TEXT_SHARE, np.random.default_rng(rng))] = NA_TEXT
    else:
        text = (values > values.median()).to_numpy().astype(object)
    text[missing] = np.nan
    out[column] = pd.Series(text, index=out.index, dtype=object)
    return out


def stuck_value(frame: pd.DataFrame, column: str, *, share: float, value=None,
                rng: int | np.random.Generator = 0) -> pd.DataFrame:
    """``share`` of the rows carry one value in ``column``.

    Parameters
    ----------
    frame : DataFrame
    column : str
    share : float
        Share of rows overwritten, in (0, 1].
    value : scalar, optional
        The value written: a default fill such as 0 or -999 (:data:`DEFAULT_FILLS`).  Default: a
        sensor stuck at its reading -- one value of the column drawn at random from its non-missing
        rows.
    rng : int or numpy.random.Generator
    """
    _check_column(frame, column, "stuck_value")
    _check_share(share, "stuck_value")
    gen = np.random.default_rng(rng)
    out = frame.copy()
    if value is None:
        present = out[column].dropna()
        if present.empty:
            raise DriftInputError("the column has no value to get stuck at", file="frame", column=column,
                                  fix="choose a column with values")
        value = present.iloc[int(gen.integers(len(present)))]
    mask = _rows(len(out), share, gen)
    if pd.api.types.is_integer_dtype(out[column]) and not float(value).is_integer():
        out[column] = out[column].astype(float)
    out.loc[mask, column] = value
    return out


class BreakSpec(NamedTuple):
    """An injector and the column kind it applies to (``"numeric"``, ``"categorical"`` or ``"any"``)."""

    inject: Callable[..., pd.DataFrame]
    applies_to: str


#: Break name -> injector.  The names are what the benchmark's case names carry.
BREAKS: dict[str, BreakSpec] = {
    "unit_change": BreakSpec(unit_change, "numeric"),
    "missing_burst": BreakSpec(missing_burst, "any"),
    "rename_levels": BreakSpec(rename_levels, "categorical"),
    "type_change": BreakSpec(type_change, "numeric"),
    "stuck_value": BreakSpec(stuck_value, "any"),
}
