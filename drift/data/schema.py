"""Column roles: which columns are features of which kind, and which play a special role.

``infer_schema`` guesses; the user overrides any role with :meth:`Schema.with_roles`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from types import MappingProxyType

import numpy as np
import pandas as pd

from drift.core.errors import DriftParameterError, DuplicateColumnsError, check_int
from drift.data.columnwise import NumericFacts, any_values, numeric_facts
from drift.data.roles import (
    ROLES,
    RoleCandidate,
    candidates_frame,
    chosen_roles,
    normalized_name,
    role_notes,
    suggest_roles,
)

#: Kinds a column can have.  Only ``numeric`` and ``categorical`` columns are tested per feature.
KINDS = ("numeric", "categorical", "text", "embedding", "datetime", "id", "empty")
FEATURE_KINDS = ("numeric", "categorical")


@dataclass(frozen=True, slots=True)
class Schema:
    """Kinds of every column and the special roles.

    Attributes
    ----------
    kinds : Mapping[str, str]
        Column name -> one of :data:`KINDS`.
    target, prediction, time, batch : str or None
        Columns with a special role (never tested as features).
    excluded : tuple of str
        Columns the user (or validation) took out of the analysis.
    notes : tuple of str
        Why each guess was made, for display.
    """

    kinds: Mapping[str, str]
    target: str | None = None
    prediction: str | None = None
    time: str | None = None
    batch: str | None = None
    excluded: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", MappingProxyType(dict(self.kinds)))

    @property
    def roles(self) -> dict[str, str]:
        """Column -> role for the columns that have one."""
        return {getattr(self, r): r for r in ROLES if getattr(self, r) is not None}

    @property
    def features(self) -> tuple[str, ...]:
        """Numeric and categorical columns with no special role and not excluded, in column order."""
        special = set(self.roles) | set(self.excluded)
        return tuple(c for c, k in self.kinds.items() if k in FEATURE_KINDS and c not in special)

    def columns_of(self, kind: str) -> tuple[str, ...]:
        """Columns of one kind (whatever their role)."""
        return tuple(c for c, k in self.kinds.items() if k == kind)

    def with_roles(self, *, kinds: Mapping[str, str] | None = None, **roles: str | None) -> Schema:
        """A copy with some kinds or roles overridden, e.g. ``schema.with_roles(target="default")``."""

        for name, col in roles.items():
            if name not in ROLES + ("excluded",):
                raise DriftParameterError.invalid(name, "Schema.with_roles",
                                                  f"one of {ROLES + ('excluded',)}", name)
            if name != "excluded" and col is not None and col not in self.kinds:
                raise DriftParameterError.invalid(name, "Schema.with_roles", "an existing column", col)
        new_kinds = dict(self.kinds)
        for col, kind in (kinds or {}).items():
            if kind not in KINDS:
                raise DriftParameterError.invalid(f"kinds[{col!r}]", "Schema.with_roles",
                                                  f"one of {KINDS}", kind)
            new_kinds[col] = kind
        if "excluded" in roles:
            roles["excluded"] = tuple(roles["excluded"] or ())
        return replace(self, kinds=new_kinds, **roles)

    def __reduce__(self):  # a mappingproxy cannot be pickled: rebuild from a dict (st.cache_data, joblib)
        return (type(self), (dict(self.kinds), self.target, self.prediction, self.time, self.batch,
                             self.excluded, self.notes))

    def to_dict(self) -> dict:
        """Plain-JSON form."""
        return {"kinds": dict(self.kinds), **{r: getattr(self, r) for r in ROLES},
                "excluded": list(self.excluded), "notes": list(self.notes)}


# --- inference ---------------------------------------------------------------------------------------
#: Rows sampled (seeded, without replacement) for content checks; whole columns are never scanned twice.
SAMPLE_ROWS = 10_000
#: A string column with more distinct values than this is not treated as categories.
MAX_CATEGORIES = 1000
#: Text: mean length above this many characters...
TEXT_MIN_MEAN_LENGTH = 30
#: ... and at least this share of distinct values in the sample.
TEXT_MIN_UNIQUE_SHARE = 0.5
#: Share of sampled strings that must parse as dates (or as numbers) to call the column so.
PARSE_MIN_SHARE = 0.95
#: Strings sampled for the date and number parse checks.
PARSE_SAMPLE = 500
#: An unnamed column must have at least this many non-missing values, all distinct, to be called an id.
ID_MIN_VALUES = 20
#: An id-named column needs at least this share of distinct values (else its values are categories).
ID_MIN_UNIQUE_SHARE = 0.5
_EMBEDDING_NAME = re.compile(r"(?:emb|embedding|embeddings)_?\d+|embeddings?_.+")
_ID_NAME = re.compile(r"(?:.+_)?(?:id|uuid|guid)|index|unnamed_0|row|row_?(?:number|num|no)|pk|key")
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}|\d{4}/\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
                        r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2} [A-Za-z]{3,9}\.? \d{4}")
_LEADING_ZERO_CODE = re.compile(r"0\d+")
_NUMBER_OBJECTS = ("integer", "floating", "mixed-integer-float", "decimal")


def infer_schema(reference: pd.DataFrame, current: pd.DataFrame | None = None, *,
                 max_categories: int = MAX_CATEGORIES) -> Schema:
    """Guess each column's kind and suggest target, prediction, time and batch columns.

    Parameters
    ----------
    reference : pandas.DataFrame
        Training (reference) data; kinds come from it.
    current : pandas.DataFrame, optional
        Production data: columns found only here get a kind from it, and a batch column is judged on
        how many distinct values it has here.
    max_categories : int, default 1000
        A string column with more distinct values (in the sample) is not treated as categories: it
        becomes ``id`` or ``text`` when it looks like one, else stays ``categorical`` with a note
        (:func:`drift.validate_pair` then excludes it).

    Returns
    -------
    Schema
        Kinds of every column (reference order, then current-only columns), suggested roles, and a
        short reason for each guess in ``notes``.  Override anything with :meth:`Schema.with_roles`;
        :func:`role_candidates` lists every column that could play a role, with why.

    Notes
    -----
    Kinds (checked in this order, on a seeded sample of :data:`SAMPLE_ROWS` rows):

    - ``empty``: no value at all (on either side).
    - ``datetime``: a datetime dtype, or strings of which >= :data:`PARSE_MIN_SHARE` parse as dates.
      A number such as ``20240105`` stays numeric (the user may pick it as the time).
    - ``embedding``: numeric columns named ``emb_0``, ``embedding_3``, ``embedding_x``...; or a column
      whose values are lists / arrays of numbers.
    - ``categorical``: bool and category dtypes; strings of manageable cardinality; codes with leading
      zeros; id-named columns with few distinct values.
    - ``id``: integers or strings named like an id (``id``, ``*_id``, ``uuid``, ``index``) with mostly
      distinct values; any string column whose sampled values are all distinct; integers counting rows
      (0, 1, 2, ... in order).
    - ``text``: strings longer than :data:`TEXT_MIN_MEAN_LENGTH` characters on average and mostly distinct.
    - ``numeric``: any other numeric dtype, whatever its number of distinct values (a 0/1 integer stays
      numeric); strings of which >= :data:`PARSE_MIN_SHARE` parse as numbers ("numbers stored as text",
      which validation then reports); durations (timedelta) are numeric but excluded until converted.

    Roles are guessed only from unambiguous evidence (the rules and name lists are in
    :mod:`drift.data.roles`): a target from ``target``, ``label``, ``y``, ``outcome``... or a yes/no
    ``default``, ``churn``, ``converted``, ``fraud``, ``survived`` — never from a prefix such as ``is_``
    nor from ``class``, ``status``, ``response`` (candidates only); a prediction from ``prediction``,
    ``y_pred``..., a probability name within [0, 1], or a score named after the target; the time from
    the only datetime column (or the only one named like a time); a batch from ``batch``, ``chunk``...,
    or a ``month`` / ``week`` column of the production data alone.

    Inference is linear in the number of cells: numeric columns are summarised block by block
    (:mod:`drift.data.columnwise`), and nothing is computed per pair of columns.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [31, 45, 27, 52], "city": ["a", "b", "a", "c"], "default": [0, 1, 0, 0]})
    >>> s = infer_schema(df)
    >>> dict(s.kinds), s.target
    ({'age': 'numeric', 'city': 'categorical', 'default': 'numeric'}, 'default')
    """
    return _infer(reference, current, max_categories, "infer_schema")[0]


def role_candidates(reference: pd.DataFrame, current: pd.DataFrame | None = None, *,
                    schema: Schema | None = None, max_categories: int = MAX_CATEGORIES) -> pd.DataFrame:
    """Every column that could be the target, the prediction, the time or the batch, and why.

    Parameters
    ----------
    reference, current : pandas.DataFrame
        As for :func:`infer_schema`.
    schema : Schema, optional
        Use its kinds instead of inferring them again (e.g. the schema :func:`infer_schema` returned,
        or one whose kinds the user changed).
    max_categories : int, default 1000
        As for :func:`infer_schema` (ignored when ``schema`` is given).

    Returns
    -------
    pandas.DataFrame
        Columns ``role, column, reason, chosen``: one row per plausible column and role; ``chosen`` is
        True for the column :func:`infer_schema` guesses (at most one per role, listed first).  A role
        with rows but no ``chosen`` one was not guessed: the user picks among the candidates.  Reasons
        are plain text without any confidence figure.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [0.1, 0.5, 0.9, 0.3], "is_weekend": [0, 1, 0, 1]})
    >>> role_candidates(df)[["role", "column", "chosen"]].values.tolist()
    [['target', 'is_weekend', False]]
    """

    if schema is None:
        return candidates_frame(_infer(reference, current, max_categories, "role_candidates")[1])
    if not isinstance(schema, Schema):
        raise DriftParameterError.invalid("schema", "role_candidates", "a drift.Schema or None",
                                          type(schema).__name__)
    _check_frames(reference, current, "role_candidates")
    ref_sample = _sample(reference)
    cur_sample = _sample(current) if current is not None else None
    present = set(reference.columns) | (set(current.columns) if current is not None else set())
    kinds = {c: k for c, k in schema.kinds.items() if c in present}
    ranges = numeric_facts(ref_sample, unique=True)
    if cur_sample is not None:
        only_current = [c for c in cur_sample.columns if c not in ranges]
        ranges = numeric_facts(cur_sample, only_current, unique=True) | ranges
    return candidates_frame(suggest_roles(kinds, reference, current, reference_sample=ref_sample,
                                          current_sample=cur_sample, ranges=ranges))


def _check_frames(reference, current, func: str) -> None:

    for arg, frame in (("reference", reference), ("current", current)):
        if frame is not None and not isinstance(frame, pd.DataFrame):
            raise DriftParameterError.invalid(arg, func, "a pandas DataFrame", type(frame).__name__)
        if frame is not None:
            _check_unique_columns(frame, arg)


def _infer(reference: pd.DataFrame, current: pd.DataFrame | None, max_categories: int,
           func: str) -> tuple[Schema, tuple[RoleCandidate, ...]]:

    _check_frames(reference, current, func)
    check_int(max_categories, "max_categories", func, 1)

    ref_sample = _sample(reference)
    cur_sample = _sample(current) if current is not None else None
    columns = reference.columns.tolist()
    ref_columns = set(columns)
    if current is not None:
        columns += [c for c in current.columns.tolist() if c not in ref_columns]
    ref_facts = numeric_facts(ref_sample, unique=True)
    ref_has = _values_present(reference, ref_sample, ref_facts, reference.columns.tolist())
    cur_facts, cur_has = {}, {}
    if current is not None:  # the current data decides only for columns without values in reference
        cur_set = set(current.columns)
        need = [c for c in columns if not ref_has.get(c) and c in cur_set]
        cur_facts = numeric_facts(cur_sample, need, unique=True)
        cur_has = _values_present(current, cur_sample, cur_facts, need)
    dtypes = {"reference": dict(zip(reference.columns, reference.dtypes)),
              "current": dict(zip(current.columns, current.dtypes)) if current is not None else {}}
    sampled = {"reference": len(ref_sample) < len(reference),
               "current": current is not None and len(cur_sample) < len(current)}

    kinds: dict[str, str] = {}
    notes: list[str] = []
    excluded: list[str] = []
    for col in columns:
        side = "reference" if ref_has.get(col) else "current" if cur_has.get(col) else None
        if side is None:
            kinds[col], why = "empty", "no values"
        else:
            frame, sample, facts = ((reference, ref_sample, ref_facts) if side == "reference"
                                    else (current, cur_sample, cur_facts))
            if col in facts and facts[col].n_values:
                kinds[col], why = _numeric_kind(col, dtypes[side][col], facts[col],
                                                partial(frame.__getitem__, col), sampled=sampled[side])
            else:
                kinds[col], why = _column_kind(col, frame[col], sample[col], max_categories)
            if side == "current":
                why += " (judged on current: no values in reference)" if col in ref_columns \
                    else " (current only)"
        if why.startswith("durations"):
            excluded.append(col)
        notes.append(f"{col!r}: {kinds[col]} — {why}")
    notes = _group_embedding_notes(notes, kinds)

    candidates = suggest_roles(kinds, reference, current, reference_sample=ref_sample,
                               current_sample=cur_sample, ranges={**cur_facts, **ref_facts})
    schema = Schema(kinds, **chosen_roles(candidates), excluded=tuple(excluded),
                    notes=tuple(role_notes(candidates) + notes))
    return schema, candidates


def source_name(frame: pd.DataFrame, default: str) -> str:
    """The file a frame was read from (as :func:`drift.load_table` records it in ``attrs``), else ``default``.

    Messages about a column name this file rather than the side ("current").
    """
    info = frame.attrs.get("drift_load") if isinstance(frame, pd.DataFrame) else None
    name = info.get("file") if isinstance(info, Mapping) else None
    return str(name) if name else default


def _check_unique_columns(frame: pd.DataFrame, name: str) -> None:
    if not frame.columns.is_unique:

        dups = list(dict.fromkeys(frame.columns[frame.columns.duplicated()]))
        raise DuplicateColumnsError(f"column names {', '.join(map(repr, dups))} appear more than once",
                                    file=source_name(frame, name), column=str(dups[0]),
                                    fix="rename the duplicates so every column name is unique")


def _sample(frame: pd.DataFrame, n: int = SAMPLE_ROWS) -> pd.DataFrame:
    """Seeded sample of ``n`` rows in their original order (the whole frame when smaller)."""
    if len(frame) <= n:
        return frame
    idx = np.sort(np.random.default_rng(0).choice(len(frame), size=n, replace=False))
    return frame.iloc[idx]


def _values_present(frame: pd.DataFrame, sample: pd.DataFrame, facts: Mapping, columns: list) -> dict:
    """Column -> has at least one value (numeric columns from their ``facts``); the whole column is read
    only when the sample has none."""
    present = any_values(sample, columns, facts=facts)
    if len(sample) < len(frame):
        unseen = [c for c, has in present.items() if not has]
        present.update(any_values(frame, unseen))
    return present


def _id_named(name: object, normalized: str | None = None) -> bool:
    raw = str(name).strip()
    normalized = normalized_name(raw) if normalized is None else normalized
    return bool(_ID_NAME.fullmatch(normalized) or re.search(r"[a-z](?:Id|ID)$", raw))


def _column_kind(name: object, full: pd.Series, sample: pd.Series, max_categories: int) -> tuple[str, str]:
    """(kind, reason) of one column with at least one value."""
    dtype = full.dtype
    values = sample.dropna()
    if values.empty:  # values exist, but outside the sample
        values = full.dropna().iloc[:SAMPLE_ROWS]
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        return "datetime", f"{dtype} dtype"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "numeric", "durations (timedelta): excluded; convert to seconds to test them"
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical", "true/false values"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical", f"category dtype with {len(dtype.categories)} categories"
    if pd.api.types.is_numeric_dtype(dtype):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        integral = pd.api.types.is_integer_dtype(dtype) or bool(np.all(np.mod(arr, 1) == 0))
        facts = NumericFacts(len(values), int(values.nunique()), integral, int(np.isinf(arr).sum()),
                             float(np.min(arr, initial=np.inf)), float(np.max(arr, initial=-np.inf)))
        return _numeric_kind(name, dtype, facts, lambda: full, sampled=len(values) < len(full))
    return _object_kind(name, values, max_categories)


def _numeric_kind(name: object, dtype, facts: NumericFacts, column: Callable[[], pd.Series], *,
                  sampled: bool) -> tuple[str, str]:
    """(kind, reason) of a numeric column from the facts of its sampled values; ``column()`` gives the
    whole column, read only for the two checks that need it."""
    normalized = normalized_name(name)
    if _EMBEDDING_NAME.fullmatch(normalized):
        return "embedding", "named like an embedding dimension"
    n_values, n_unique = facts.n_values, facts.n_unique
    if facts.integral and _id_named(name, normalized):
        if n_unique >= ID_MIN_UNIQUE_SHARE * n_values:
            return "id", "id-like name, mostly distinct values"
        return "categorical", f"id-like name but only {n_unique} distinct values: treated as codes"
    if pd.api.types.is_integer_dtype(dtype) and n_values >= ID_MIN_VALUES and n_unique == n_values:
        full = column()
        if full.is_monotonic_increasing and full.iloc[-1] - full.iloc[0] == len(full) - 1:
            return "id", "counts rows (0, 1, 2, ... in order)"
    note = f" in a sample of {n_values:,}" if sampled and n_values < column().notna().sum() else ""
    return "numeric", f"{dtype} with {n_unique:,} distinct values{note}"


def _object_kind(name: object, values: pd.Series, max_categories: int) -> tuple[str, str]:
    first = values.iloc[: min(len(values), 50)]
    if any(isinstance(v, (list, tuple, np.ndarray)) for v in first):
        lengths = {len(v) for v in first if isinstance(v, (list, tuple, np.ndarray))}
        numeric = all(isinstance(x, (int, float, np.number)) and not isinstance(x, bool)
                      for v in first if isinstance(v, (list, tuple, np.ndarray)) for x in list(v)[:8])
        if numeric and len(lengths) == 1:
            return "embedding", f"lists of {lengths.pop()} numbers"
        return "text", "lists that are not equal-length vectors of numbers: not tested"
    if any(isinstance(v, dict) for v in first):
        return "text", "nested records (dicts): not tested"
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in _NUMBER_OBJECTS:
        return "numeric", "numbers in an object column"
    strings = values.astype(str)
    parse = strings.iloc[:PARSE_SAMPLE]
    numbers = pd.to_numeric(parse, errors="coerce")
    share_num = float(numbers.notna().mean())
    if share_num >= PARSE_MIN_SHARE:
        if share_num == 1 and parse.str.fullmatch(_LEADING_ZERO_CODE).any():
            return "categorical", "codes with leading zeros (e.g. postcodes)"
        bad = parse[numbers.isna()].unique()[:3]
        extra = f" except {', '.join(map(repr, bad))}" if len(bad) else ""
        return "numeric", f"numbers stored as text{extra}"
    if _looks_like_dates(parse):
        return "datetime", "text that parses as dates"
    n_unique = strings.nunique()
    share_unique = n_unique / len(strings)
    mean_len = float(strings.str.len().mean())
    if mean_len > TEXT_MIN_MEAN_LENGTH and share_unique > TEXT_MIN_UNIQUE_SHARE:
        return "text", f"free text (mean {mean_len:.0f} characters, {share_unique:.0%} distinct)"
    if _id_named(name):
        if share_unique >= ID_MIN_UNIQUE_SHARE or n_unique > max_categories:
            return "id", "id-like name, mostly distinct values"
        return "categorical", f"id-like name but only {n_unique} distinct values: treated as codes"
    if len(strings) >= ID_MIN_VALUES and n_unique == len(strings):
        return "id", "every value is distinct"
    if n_unique > max_categories:
        return "categorical", (f"more than {max_categories} categories in a sample of {len(strings)}: "
                               "treat it as an id or text, or bucket rare values")
    return "categorical", f"{n_unique} categor{'y' if n_unique == 1 else 'ies'}"


def _looks_like_dates(strings: pd.Series) -> bool:
    head = strings.iloc[:200]
    if head.empty or head.str.contains(_DATE_LIKE).mean() < PARSE_MIN_SHARE:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(head, errors="coerce")
        if parsed.notna().mean() < PARSE_MIN_SHARE:
            parsed = pd.to_datetime(head, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= PARSE_MIN_SHARE)


def _group_embedding_notes(notes: list[str], kinds: Mapping[str, str]) -> list[str]:
    """One note for a block of embedding columns named like dimensions, instead of one per column."""
    named = [c for c, k in kinds.items()
             if k == "embedding" and _EMBEDDING_NAME.fullmatch(normalized_name(c))]
    if len(named) <= 3:
        return notes
    drop = {f"{c!r}: embedding — named like an embedding dimension" for c in named}
    kept = [n for n in notes if n not in drop]
    return kept + [f"{named[0]!r} … {named[-1]!r} ({len(named)} columns): embedding — named like "
                   "embedding dimensions"]


def feature_kind(series: pd.Series) -> str | None:
    """The model-facing kind of a column by dtype alone: ``"numeric"``, ``"categorical"`` (bool, category,
    string, object) or ``None`` (datetime, timedelta, complex…) — what a classifier can take as is."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "numeric"
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype) \
            or pd.api.types.is_object_dtype(dtype):
        return "categorical"
    return None
