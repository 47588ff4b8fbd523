"""Check a reference / current pair column by column before any statistic is computed.

Each problem becomes a :class:`ColumnProblem` holding a specific :class:`~drift.core.errors.DriftInputError`
(its message names the file, the column and the fix) and what was done about it: ``"excluded"`` (the
column leaves the analysis) or ``"kept"`` (a warning; the column is still analysed).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.core.errors import (
    AllMissingError,
    ColumnMismatchError,
    ConstantColumnError,
    DriftInputError,
    DriftParameterError,
    DuplicateColumnsError,
    InfiniteValuesError,
    MixedTypeError,
    TooManyCategoriesError,
    TypeChangeError,
    check_int,
)
from drift.data.columnwise import any_values, numeric_facts
from drift.data.schema import MAX_CATEGORIES, Schema, infer_schema, source_name

__all__ = ["ACTIONS", "MAX_EXAMPLES", "TYPE_CHANGE_MIN_SHARE", "ColumnProblem", "Validation",
           "infinite_values_problem", "missing_side_problems", "validate_pair"]

#: What validation did with a problem column.
ACTIONS = ("excluded", "kept")
#: Offending values quoted in a message.
MAX_EXAMPLES = 3
#: A text column is read as "true/false" (or as "numbers stored as text") when at least this share of
#: its values are the words true / false (or parse as numbers); below it, the column holds text.
TYPE_CHANGE_MIN_SHARE = 0.5
#: Look for a misspelt counterpart of a one-sided column among at most this many one-sided columns
#: (difflib compares every pair); above it, only case and spacing differences are matched.
NEAR_MATCH_MAX_CANDIDATES = 200
#: Roles whose column may be missing from one side: reported as a warning, not excluded.
_ONE_SIDED_ROLES = ("target", "prediction", "time", "batch")


@dataclass(frozen=True, slots=True)
class ColumnProblem:
    """One problem found in one column.

    Attributes
    ----------
    column : str
        The column at fault (also ``error.column``).
    error : DriftInputError
        The specific error; ``str(error)`` names the file, the column and the fix.
    action : {"excluded", "kept"}
        ``"excluded"``: the column was added to ``Schema.excluded``; ``"kept"``: warning only.
    """

    column: str
    error: DriftInputError
    action: str

    @property
    def problem(self) -> str:
        """The error's class name, e.g. ``"InfiniteValuesError"``."""
        return type(self.error).__name__

    @property
    def message(self) -> str:
        """The full message (file, column, what was found, fix)."""
        return str(self.error)


@dataclass(frozen=True, slots=True)
class Validation:
    """Outcome of :func:`validate_pair`.

    Attributes
    ----------
    schema : Schema
        The input (or inferred) schema with every problem column added to ``excluded``.
    problems : tuple of ColumnProblem
        In column order; a column can have several (e.g. a missing target warning and nothing else).
    """

    schema: Schema
    problems: tuple[ColumnProblem, ...] = ()

    @property
    def excluded(self) -> tuple[str, ...]:
        """Columns this validation excluded (not those the schema already excluded)."""
        return tuple(dict.fromkeys(p.column for p in self.problems if p.action == "excluded"))

    @property
    def warnings(self) -> tuple[ColumnProblem, ...]:
        """Problems of columns that stay in the analysis."""
        return tuple(p for p in self.problems if p.action == "kept")

    @property
    def ok(self) -> bool:
        """True when no column had to be excluded."""
        return not self.excluded

    def raise_for_excluded(self) -> None:
        """Raise the first excluded problem's error; do nothing when none was excluded."""
        for p in self.problems:
            if p.action == "excluded":
                raise p.error

    def to_frame(self) -> pd.DataFrame:
        """One row per problem: ``column, problem, action, file, message, fix``."""
        rows = [{"column": p.column, "problem": p.problem, "action": p.action, "file": p.error.file,
                 "message": p.message, "fix": p.error.fix} for p in self.problems]
        return pd.DataFrame(rows, columns=["column", "problem", "action", "file", "message", "fix"])


def validate_pair(reference: pd.DataFrame, current: pd.DataFrame, schema: Schema | None = None, *,
                  reference_name: str | None = None, current_name: str | None = None,
                  max_categories: int = MAX_CATEGORIES) -> Validation:
    """Check every column of a reference / current pair and exclude the ones no test can use.

    Parameters
    ----------
    reference, current : pandas.DataFrame
        Training and production data.
    schema : Schema, optional
        Kinds and roles; inferred with :func:`drift.infer_schema` when omitted.  Columns it already
        excludes are not checked; columns it does not list are ignored.
    reference_name, current_name : str, optional
        File names used in messages.  Default: the file :func:`drift.load_table` read the frame from
        (``frame.attrs["drift_load"]["file"]``), else ``"reference"`` / ``"current"``; two equal names
        get ``(reference)`` / ``(current)`` appended so a message never leaves the side in doubt.
    max_categories : int, default 1000
        A categorical column with more distinct values (both sides together) is excluded.

    Returns
    -------
    Validation
        The schema with problem columns added to ``excluded``, and every problem found.

    Notes
    -----
    Checks, in this order per column (the first that excludes a column ends its checks):

    ======================================================  ==============================  ========
    finding                                                 error                           action
    ======================================================  ==============================  ========
    in one file only                                        ColumnMismatchError             excluded
    ... but it is the target / prediction / time / batch    ColumnMismatchError             kept
    no value in reference                                   AllMissingError                 excluded
    no value in current (a broken pipeline?)                AllMissingError                 kept
    the type changed between the files: numbers or          TypeChangeError                 excluded
    true/false in the reference, true/false (booleans or    (a MixedTypeError)
    the words), text, or numbers in the current file
    numbers on one side, some text on the other (numeric    MixedTypeError                  excluded
    or categorical kinds; also numbers stored as text)
    +inf / -inf in a numeric column                         InfiniteValuesError             excluded
    categorical with > ``max_categories`` values            TooManyCategoriesError          excluded
    the same single value on both sides                     ConstantColumnError             kept
    ======================================================  ==============================  ========

    A text side counts as true/false (or numbers stored as text) when at least
    :data:`TYPE_CHANGE_MIN_SHARE` of its values are; a numeric column whose current values are mostly
    other text is a type change, one with a few stray words is a MixedTypeError listing them.

    A time or batch column present in current only is normal (training data rarely has one) and is
    not reported.  Every check is vectorised: plain numeric columns are checked block by block
    (:mod:`drift.data.columnwise`) and nothing is done per pair of columns, so the time is linear in the
    number of cells (10^6 rows x 50 columns, or 300 rows x 20,000 columns, take about a second).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> ref = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": ["a", "b", "a"]})
    >>> cur = pd.DataFrame({"x": [1.0, np.inf, 2.0], "y": ["a", "a", "b"]})
    >>> v = validate_pair(ref, cur, reference_name="train.csv", current_name="prod.csv")
    >>> v.excluded, v.problems[0].problem
    (('x',), 'InfiniteValuesError')
    """
    for arg, frame in (("reference", reference), ("current", current)):
        if not isinstance(frame, pd.DataFrame):
            raise DriftParameterError.invalid(arg, "validate_pair", "a pandas DataFrame",
                                              type(frame).__name__)
    check_int(max_categories, "max_categories", "validate_pair", 1)
    reference_name = source_name(reference, "reference") if reference_name is None else str(reference_name)
    current_name = source_name(current, "current") if current_name is None else str(current_name)
    if reference_name == current_name:
        reference_name, current_name = f"{reference_name} (reference)", f"{current_name} (current)"
    for frame, name in ((reference, reference_name), (current, current_name)):
        if not frame.columns.is_unique:
            dups = list(dict.fromkeys(frame.columns[frame.columns.duplicated()]))
            raise DuplicateColumnsError(f"column names {', '.join(map(repr, dups))} appear more than once",
                                        file=name, column=str(dups[0]),
                                        fix="rename the duplicates so every column name is unique")
    if schema is None:
        schema = infer_schema(reference, current, max_categories=max_categories)
    elif not isinstance(schema, Schema):
        raise DriftParameterError.invalid("schema", "validate_pair", "a drift.Schema or None",
                                          type(schema).__name__)

    already = set(schema.excluded)
    checked = [c for c in schema.kinds if c not in already]
    checker = _Checker(reference, current, schema, reference_name, current_name, max_categories,
                       _Columns.of(reference, current, checked))
    problems: list[ColumnProblem] = []
    for col in checked:
        problems.extend(checker.check(col))
    new_excluded = tuple(dict.fromkeys(p.column for p in problems if p.action == "excluded"))
    if new_excluded:
        schema = schema.with_roles(excluded=tuple(schema.excluded) + new_excluded)
    return Validation(schema, tuple(problems))


class _Spellings:
    """One-sided columns of one file, to suggest which of them another column's spelling matches."""

    def __init__(self, columns: list) -> None:
        self.columns = columns
        self.by_key = {_spelling_key(c): c for c in columns}

    def near(self, col: object) -> object | None:
        """A column that differs only in case, spaces or (among few candidates) a small typo."""
        key = _spelling_key(col)
        if key in self.by_key:
            return self.by_key[key]
        if len(self.by_key) > NEAR_MATCH_MAX_CANDIDATES:
            return None
        close = difflib.get_close_matches(key, list(self.by_key), n=1, cutoff=0.85)
        return self.by_key[close[0]] if close else None


def _spelling_key(col: object) -> str:
    return str(col).strip().lower().replace(" ", "_")


@dataclass(frozen=True, slots=True)
class _Columns:
    """What every checked column holds, computed once for the whole frame (linear in cells)."""

    ref_any: dict
    cur_any: dict
    ref_facts: dict
    cur_facts: dict
    ref_only: _Spellings
    cur_only: _Spellings

    @classmethod
    def of(cls, reference: pd.DataFrame, current: pd.DataFrame, checked: list) -> _Columns:
        ref_names, cur_names = reference.columns.tolist(), current.columns.tolist()
        ref_set, cur_set = set(ref_names), set(cur_names)
        both = [c for c in checked if c in ref_set and c in cur_set]
        ref_facts, cur_facts = numeric_facts(reference, both), numeric_facts(current, both)
        return cls(any_values(reference, [c for c in checked if c in ref_set], facts=ref_facts),
                   any_values(current, [c for c in checked if c in cur_set], facts=cur_facts),
                   ref_facts, cur_facts,
                   _Spellings([c for c in ref_names if c not in cur_set]),
                   _Spellings([c for c in cur_names if c not in ref_set]))


@dataclass(frozen=True, slots=True)
class _Checker:
    reference: pd.DataFrame
    current: pd.DataFrame
    schema: Schema
    ref_name: str
    cur_name: str
    max_categories: int
    columns: _Columns

    def check(self, col: str) -> list[ColumnProblem]:
        cols = self.columns
        in_ref, in_cur = col in cols.ref_any, col in cols.cur_any
        if not (in_ref and in_cur):
            return self._mismatch(col, in_ref, in_cur)
        kind = self.schema.kinds[col]
        r_any, c_any = cols.ref_any[col], cols.cur_any[col]
        out = missing_side_problems(col, self.ref_name, self.cur_name, r_any, c_any)
        if not r_any:
            return out
        rf, cf = cols.ref_facts.get(col), cols.cur_facts.get(col)
        if rf is not None and cf is not None and kind == "numeric":  # plain numbers on both sides
            problem = self._infinite_from(col, {self.ref_name: rf.n_inf, self.cur_name: cf.n_inf})
            if problem is not None:
                return out + [problem]
            if c_any and rf.minimum == rf.maximum and cf.minimum == cf.maximum:
                out.extend(self._constant(col, self.reference[col], self.current[col]))
            return out
        r, c = self.reference[col], self.current[col]
        sides = [(self.ref_name, r)] + ([(self.cur_name, c)] if c_any else [])
        for check in (self._types, self._infinite, self._too_many_categories):
            problem = check(col, kind, sides)
            if problem is not None:
                return out + [problem]
        if c_any and kind in ("numeric", "categorical"):
            out.extend(self._constant(col, r, c))
        return out

    # -- one side only -----------------------------------------------------------------------------
    def _mismatch(self, col: str, in_ref: bool, in_cur: bool) -> list[ColumnProblem]:
        role = self.schema.roles.get(col)
        if not in_ref and not in_cur:
            return [_excluded(col, ColumnMismatchError(
                f"is in the schema but in neither {self.ref_name} nor {self.cur_name}", file=self.cur_name,
                column=col, fix="check the column name, or remove it from the schema"))]
        missing, present = (self.cur_name, self.ref_name) if in_ref else (self.ref_name, self.cur_name)
        if role in ("time", "batch") and not in_ref:
            return []  # production split into batches: the training data need not have the column
        near = (self.columns.cur_only if in_ref else self.columns.ref_only).near(col)
        rename = (f"rename {near!r} in {missing} to {col!r} (same column, different spelling?)"
                  if near else None)
        if role in _ONE_SIDED_ROLES:
            consequence = {
                "target": "checks that need labels (performance, concept drift) are skipped",
                "prediction": "prediction drift is skipped",
                "time": f"{self.cur_name} cannot be split by time",
                "batch": f"{self.cur_name} cannot be split into batches",
            }[role]
            return [_kept(col, ColumnMismatchError(
                f"the {role} column is in {present} but not in {missing}: {consequence}", file=missing,
                column=col,
                fix=rename or f"add the {role} to {missing} when it is available; the other checks still "
                              "run"))]
        return [_excluded(col, ColumnMismatchError(
            f"is in {present} but not in {missing}", file=missing, column=col,
            fix=rename or f"add the column to {missing}, or exclude it from the analysis"))]

    # -- per-side checks -------------------------------------------------------------------------
    def _types(self, col: str, kind: str, sides: list[tuple[str, pd.Series]]) -> ColumnProblem | None:
        """A type change between the files (TypeChangeError), else values of the wrong type
        (MixedTypeError)."""
        if kind not in ("numeric", "categorical"):
            return None
        typed = {name: _typed_family(s) for name, s in sides}
        if len(sides) == 2 and all(typed.values()):
            if typed[self.ref_name] == typed[self.cur_name]:
                return None
            return self._type_change(col, dict(sides), typed)
        if any(typed.values()) and len(sides) == 2:
            (t_name, t_family), (s_name, s) = next((n, f) for n, f in typed.items() if f), next(
                (n, s) for n, s in sides if not typed[n])
            family = _text_family(s)
            if family == "text" or (family == "true/false") != (t_family == "true/false"):
                return self._type_change(col, dict(sides), {**typed, s_name: family})
            if family == "true/false":  # booleans on one side, the words true/false on the other
                return _excluded(col, MixedTypeError(
                    f"true/false values in {t_name} but the words {_examples(s)} in {s_name}",
                    file=s_name, column=col,
                    fix="read both files the same way, or map the words to booleans on both sides "
                        "(e.g. .str.lower().map({'true': True, 'false': False}))"))
        return self._mixed_types(col, kind, sides)

    def _type_change(self, col: str, series: dict, families: dict) -> ColumnProblem:
        was, now = families[self.ref_name], families[self.cur_name]
        r, c = series[self.ref_name], series[self.cur_name]
        what = (f"was {_describe(was, r)} in {self.ref_name} and is now {_describe(now, c)} in "
                f"{self.cur_name} (e.g. {_examples(c)}): the column changed type, so its distributions "
                "cannot be compared")
        upstream = f"find the step that writes this column into {self.cur_name} (a schema change upstream?)"
        convert = {
            ("numbers", "true/false"): "; if true/false stand for 1/0, convert them with .astype(float) on "
                                       "both sides",
            ("true/false", "numbers"): "; if 1/0 stand for true/false, convert them with .astype(bool) on "
                                       "both sides",
            ("numbers", "text"): "; if the text holds numbers in another format, convert it with "
                                 "pd.to_numeric(..., errors='coerce')",
        }.get((was, now), "; or cast the column to one type on both sides (e.g. .astype(str)) if the values "
                          "mean the same")
        return _excluded(col, TypeChangeError(what, file=self.cur_name, column=col, fix=upstream + convert))

    def _mixed_types(self, col: str, kind: str, sides: list[tuple[str, pd.Series]]) -> ColumnProblem | None:
        numeric = {name: _is_number_dtype(s) or _holds_numbers(s) for name, s in sides}
        texts = [(name, s) for name, s in sides if not numeric[name]]
        if not texts or (kind == "categorical" and not any(numeric.values())):
            return None
        name, s = texts[0]
        values = s.dropna()
        parsed = pd.to_numeric(values.astype(str), errors="coerce") if len(values) else values
        bad = values[parsed.isna().to_numpy()]
        number_sides = [n for n, is_num in numeric.items() if is_num]
        where = f"numbers in {number_sides[0]} but text in {name}" if number_sides else f"text in {name}"
        if len(bad):
            examples = ", ".join(repr(str(v)) for v in bad.value_counts().index[:MAX_EXAMPLES])
            plural = "s are" if len(bad) > 1 else " is"
            found = f"{where}: {len(bad):,} value{plural} not a number (e.g. {examples})"
        else:
            examples = ", ".join(repr(str(v)) for v in values.unique()[:MAX_EXAMPLES])
            found = f"{where}: numbers stored as text (e.g. {examples})"
        if kind == "numeric":
            fix = (f"clean these values in {name} (leave the cells empty for missing), or convert the column "
                   "with pd.to_numeric(..., errors='coerce'); if it is really categorical, set its kind to "
                   "categorical")
        else:
            fix = ("read both files the same way, or cast the column to one type on both sides "
                   "(e.g. .astype(str))")
        return _excluded(col, MixedTypeError(found, file=name, column=col, fix=fix))

    def _infinite(self, col: str, kind: str, sides: list[tuple[str, pd.Series]]) -> ColumnProblem | None:
        return self._infinite_from(col, {name: _count_inf(s) for name, s in sides})

    def _infinite_from(self, col: str, counts: dict[str, int]) -> ColumnProblem | None:
        return infinite_values_problem(col, counts)

    def _too_many_categories(self, col: str, kind: str,
                             sides: list[tuple[str, pd.Series]]) -> ColumnProblem | None:
        if kind != "categorical" or any(pd.api.types.is_bool_dtype(s.dtype) for _, s in sides):
            return None
        uniques = [(name, _distinct(s)) for name, s in sides]
        too_many = next(((n, len(u)) for n, u in uniques if len(u) > self.max_categories), None)
        if too_many is not None:
            file, count = too_many
            found = f"{count:,} distinct values in {file}"
        else:
            count = len(set().union(*(set(u) for _, u in uniques)))
            if count <= self.max_categories:
                return None
            file, found = " and ".join(n for n, _ in uniques), f"{count:,} distinct values across both files"
        return _excluded(col, TooManyCategoriesError(
            f"{found}, more than max_categories={self.max_categories}", file=file, column=col,
            fix="set its kind to id or text if it identifies rows or holds free text, bucket rare values "
                "into 'other', or raise max_categories"))

    def _constant(self, col: str, r: pd.Series, c: pd.Series) -> list[ColumnProblem]:
        rv, cv = _single_value(r), _single_value(c)
        if rv is _NOT_CONSTANT or cv is _NOT_CONSTANT or rv != cv:
            return []
        return [_kept(col, ConstantColumnError(
            f"holds the single value {rv!r} in both {self.ref_name} and {self.cur_name}: nothing to compare",
            file=f"{self.ref_name} and {self.cur_name}", column=col,
            fix="nothing to do (its statistics are NaN); exclude the column to hide this note"))]


def infinite_values_problem(col: str, counts: dict[str, int]) -> ColumnProblem | None:
    """The problem of a numeric column holding ``counts[file]`` ±inf values per file (None when none
    does): excluded, with an :class:`InfiniteValuesError` naming the files, the column and the fix."""
    bad = [name for name, n in counts.items() if n]
    if not bad:
        return None
    detail = ", ".join(f"{n:,} in {name}" for name, n in counts.items())
    total = sum(counts.values())
    return _excluded(col, InfiniteValuesError(
        f"{total:,} value{'s are' if total > 1 else ' is'} +inf or -inf ({detail}); no statistic can use "
        "them",
        file=" and ".join(bad), column=col,
        fix="replace them with NaN (df[col].replace([np.inf, -np.inf], np.nan)) or cap them at a finite "
            "value"))


def missing_side_problems(col: str, ref_name: str, cur_name: str, ref_any: bool,
                          cur_any: bool) -> list[ColumnProblem]:
    """The problems of a column without any value on a side (``ref_any`` / ``cur_any``: it has some):
    all missing in the reference excludes it; all missing in the current file only is a warning."""
    out: list[ColumnProblem] = []
    if not ref_any:
        also = f" (and in {cur_name})" if not cur_any else ""
        return [_excluded(col, AllMissingError(
            f"every value is missing in {ref_name}{also}: nothing to compare against",
            file=ref_name, column=col,
            fix="check how this column is produced for the training data, or exclude it"))]
    if not cur_any:
        out.append(_kept(col, AllMissingError(
            f"every value is missing in {cur_name} but not in {ref_name}: a broken pipeline "
            "or a renamed source field", file=cur_name, column=col,
            fix="check the production pipeline that fills this column (the model now sees only "
                "missing values)")))
    return out


_NOT_CONSTANT = object()


def _single_value(s: pd.Series) -> object:
    """The one non-missing value of ``s`` (as a Python scalar), or ``_NOT_CONSTANT``."""
    try:
        if s.iloc[:1000].nunique() > 1:  # cheap early exit: almost every column differs in its first rows
            return _NOT_CONSTANT
    except TypeError:  # unhashable values (lists)
        return _NOT_CONSTANT
    if _is_number_dtype(s) and not pd.api.types.is_bool_dtype(s.dtype):
        lo, hi = s.min(), s.max()
        if lo != hi:
            return _NOT_CONSTANT
        return lo.item() if hasattr(lo, "item") else lo
    values = s.dropna()
    first = values.iloc[0]
    try:
        same = bool((values == first).all())
    except (TypeError, ValueError):  # unhashable / incomparable objects (lists): not a constant we report
        return _NOT_CONSTANT
    return (first.item() if hasattr(first, "item") else first) if same else _NOT_CONSTANT


def _distinct(s: pd.Series):
    """The distinct non-missing values of ``s`` (``s.dropna().unique()`` without copying the column)."""
    values = s.unique()
    return values[~pd.isna(values)]


def _is_number_dtype(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype)


def _holds_numbers(s: pd.Series) -> bool:
    """An object column of Python / NumPy numbers (not strings): numeric in all but dtype."""
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in _NUMBER_OBJECTS


_NUMBER_OBJECTS = ("integer", "floating", "mixed-integer-float", "decimal")


def _typed_family(s: pd.Series) -> str | None:
    """``"true/false"`` or ``"numbers"`` for a column typed as such; ``None`` for text (strings)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return "true/false"
    if _is_number_dtype(s) or _holds_numbers(s):
        return "numbers"
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) == "boolean":
        return "true/false"
    return None


def _text_family(s: pd.Series) -> str:
    """What a text column mostly holds: ``"true/false"``, ``"numbers as text"`` or ``"text"``."""
    values = s.dropna().astype(str)
    if values.str.strip().str.lower().isin(("true", "false")).mean() >= TYPE_CHANGE_MIN_SHARE:
        return "true/false"
    if pd.to_numeric(values, errors="coerce").notna().mean() >= TYPE_CHANGE_MIN_SHARE:
        return "numbers as text"
    return "text"


def _describe(family: str, s: pd.Series) -> str:
    if family == "numbers":
        return f"{s.dtype} numbers" if _is_number_dtype(s) else "numbers"
    return {"numbers as text": "numbers stored as text"}.get(family, family)


def _examples(s: pd.Series) -> str:
    return ", ".join(repr(str(v)) for v in pd.unique(s.dropna())[:MAX_EXAMPLES])


def _count_inf(s: pd.Series) -> int:
    if not pd.api.types.is_float_dtype(s.dtype):
        return 0
    values = s.to_numpy(dtype=float, na_value=np.nan)
    if np.isfinite(np.fmax.reduce(values)) and np.isfinite(np.fmin.reduce(values)):  # NaN-skipping, no copy
        return 0
    return int(np.isinf(values).sum())


def _excluded(col: str, error: DriftInputError) -> ColumnProblem:
    return ColumnProblem(col, error, "excluded")


def _kept(col: str, error: DriftInputError) -> ColumnProblem:
    return ColumnProblem(col, error, "kept")
