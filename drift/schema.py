"""Column roles: which columns are features of which kind, and which play a special role.

``infer_schema`` guesses; the user overrides any role with :meth:`Schema.with_roles`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import pandas as pd

#: Kinds a column can have.  Only ``numeric`` and ``categorical`` columns are tested per feature.
KINDS = ("numeric", "categorical", "text", "embedding", "datetime", "id", "empty")
#: Special roles; a column with a role is not a feature.
ROLES = ("target", "prediction", "time", "batch")
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
        from .errors import DriftParameterError

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
#: A target guessed from a weak name (``churn``, ``default``, ``is_*``) has at most this many classes.
TARGET_MAX_CLASSES = 10
#: A batch column has at most this many distinct values in the current data.
BATCH_MAX_VALUES = 100

#: Target names that win whatever the content, best first.
_TARGET_STRONG = ("target", "label", "labels", "y_true", "ground_truth", "class_label", "outcome", "y")
_TARGET_WEAK = {"default", "defaulted", "churn", "churned", "fraud", "is_fraud", "class", "response",
                "actual", "converted", "bad", "bad_flag"}
_PRED_STRONG = {"prediction", "predictions", "predicted", "pred", "preds", "y_pred", "y_hat", "yhat",
                "y_score", "proba", "probability", "pred_proba", "predict_proba", "prediction_proba",
                "predicted_proba", "predicted_probability", "model_score", "model_output", "model_prediction"}
_PRED_WEAK_SUFFIX = ("_pred", "_prediction", "_predicted", "_proba", "_probability", "_prob", "_score")
_TIME_NAMES = {"date", "time", "timestamp", "datetime", "ts", "event_time", "event_date", "created_at",
               "created", "updated_at", "month", "week", "day", "period", "date_time"}
_BATCH_NAMES = {"batch", "batch_id", "batch_no", "batch_number", "chunk", "chunk_id", "period", "window",
                "month", "week", "quarter", "year_month", "run", "run_id"}
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
        short reason for each guess in ``notes``.  Override anything with :meth:`Schema.with_roles`.

    Notes
    -----
    Kinds (checked in this order, on a seeded sample of :data:`SAMPLE_ROWS` rows):

    - ``empty``: no value at all (on either side).
    - ``datetime``: a datetime dtype, or strings of which >= :data:`PARSE_MIN_SHARE` parse as dates.
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

    Roles, by name first and content second: target (``target``, ``label``, ``y``... any content;
    ``churn``, ``default``, ``is_*``... with at most :data:`TARGET_MAX_CLASSES` classes), prediction
    (``prediction``, ``y_pred``, ``proba``... any content; ``p_*``, ``*_score``, ``*_proba``... when in [0, 1]
    or within the target's values), time (a datetime column, by name when there are several), batch
    (``batch``, ``chunk``, ``period``, ``month``, ``week``... with at most :data:`BATCH_MAX_VALUES` values).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [31, 45, 27, 52], "city": ["a", "b", "a", "c"], "default": [0, 1, 0, 0]})
    >>> s = infer_schema(df)
    >>> dict(s.kinds), s.target
    ({'age': 'numeric', 'city': 'categorical', 'default': 'numeric'}, 'default')
    """
    from .errors import DriftParameterError

    for arg, frame in (("reference", reference), ("current", current)):
        if frame is not None and not isinstance(frame, pd.DataFrame):
            raise DriftParameterError.invalid(arg, "infer_schema", "a pandas DataFrame", type(frame).__name__)
        if frame is not None:
            _check_unique_columns(frame, arg)
    if (isinstance(max_categories, bool) or not isinstance(max_categories, (int, np.integer))
            or max_categories < 1):
        raise DriftParameterError.invalid("max_categories", "infer_schema", "an int >= 1", max_categories)

    ref_sample = _sample(reference)
    cur_sample = _sample(current) if current is not None else None
    columns = list(reference.columns)
    if current is not None:
        columns += [c for c in current.columns if c not in set(reference.columns)]

    kinds: dict[str, str] = {}
    notes: list[str] = []
    excluded: list[str] = []
    for col in columns:
        side, sample, full = "reference", None, None
        if col in reference.columns and _has_values(reference[col], ref_sample[col]):
            sample, full = ref_sample[col], reference[col]
        elif current is not None and col in current.columns and _has_values(current[col], cur_sample[col]):
            side, sample, full = "current", cur_sample[col], current[col]
        if sample is None:
            kinds[col], why = "empty", "no values"
        else:
            kinds[col], why = _column_kind(col, full, sample, max_categories)
            if side == "current":
                why += " (judged on current: no values in reference)" if col in reference.columns \
                    else " (current only)"
        if why.startswith("durations"):
            excluded.append(col)
        notes.append(f"{col!r}: {kinds[col]} — {why}")
    notes = _group_embedding_notes(notes, kinds)

    roles, role_notes = _suggest_roles(columns, kinds, reference, ref_sample, current, cur_sample)
    return Schema(kinds, **roles, excluded=tuple(excluded), notes=tuple(role_notes + notes))


def _check_unique_columns(frame: pd.DataFrame, name: str) -> None:
    if not frame.columns.is_unique:
        from .errors import DuplicateColumnsError

        dups = list(dict.fromkeys(frame.columns[frame.columns.duplicated()]))
        raise DuplicateColumnsError(f"column names {', '.join(map(repr, dups))} appear more than once",
                                    file=name, column=str(dups[0]),
                                    fix="rename the duplicates so every column name is unique")


def _sample(frame: pd.DataFrame, n: int = SAMPLE_ROWS) -> pd.DataFrame:
    """Seeded sample of ``n`` rows in their original order (the whole frame when smaller)."""
    if len(frame) <= n:
        return frame
    idx = np.sort(np.random.default_rng(0).choice(len(frame), size=n, replace=False))
    return frame.iloc[idx]


def _has_values(full: pd.Series, sample: pd.Series) -> bool:
    return bool(sample.notna().any()) or bool(full.notna().any())


def _norm(name: object) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def _id_named(name: object) -> bool:
    raw = str(name).strip()
    return bool(_ID_NAME.fullmatch(_norm(raw)) or re.search(r"[a-z](?:Id|ID)$", raw))


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
        return _numeric_kind(name, full, values)
    return _object_kind(name, values, max_categories)


def _numeric_kind(name: object, full: pd.Series, values: pd.Series) -> tuple[str, str]:
    if _EMBEDDING_NAME.fullmatch(_norm(name)):
        return "embedding", "named like an embedding dimension"
    n_unique = values.nunique()
    integral = (pd.api.types.is_integer_dtype(full.dtype)
                or bool(np.all(np.mod(values.to_numpy(float), 1) == 0)))
    if integral and _id_named(name):
        if n_unique >= ID_MIN_UNIQUE_SHARE * len(values):
            return "id", "id-like name, mostly distinct values"
        return "categorical", f"id-like name but only {n_unique} distinct values: treated as codes"
    if (pd.api.types.is_integer_dtype(full.dtype) and len(values) >= ID_MIN_VALUES and n_unique == len(values)
            and full.is_monotonic_increasing and full.iloc[-1] - full.iloc[0] == len(full) - 1):
        return "id", "counts rows (0, 1, 2, ... in order)"
    sampled = f" in a sample of {len(values):,}" if len(values) < full.notna().sum() else ""
    return "numeric", f"{full.dtype} with {n_unique:,} distinct values{sampled}"


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
    named = [c for c, k in kinds.items() if k == "embedding" and _EMBEDDING_NAME.fullmatch(_norm(c))]
    if len(named) <= 3:
        return notes
    drop = {f"{c!r}: embedding — named like an embedding dimension" for c in named}
    kept = [n for n in notes if n not in drop]
    return kept + [f"{named[0]!r} … {named[-1]!r} ({len(named)} columns): embedding — named like "
                   "embedding dimensions"]


def _suggest_roles(columns: list, kinds: Mapping[str, str], reference: pd.DataFrame, ref_sample: pd.DataFrame,
                   current: pd.DataFrame | None, cur_sample: pd.DataFrame | None) -> tuple[dict, list[str]]:
    roles: dict[str, str | None] = {}
    notes: list[str] = []
    usable = {"numeric", "categorical"}

    def values(col: object) -> pd.Series:
        if col in ref_sample.columns and ref_sample[col].notna().any():
            return ref_sample[col].dropna()
        if cur_sample is not None and col in cur_sample.columns:
            return cur_sample[col].dropna()
        return ref_sample[col]

    # target
    strong = sorted((c for c in columns if kinds[c] in usable and _norm(c) in _TARGET_STRONG),
                    key=lambda c: _TARGET_STRONG.index(_norm(c)))
    weak = [c for c in columns if kinds[c] in usable and c not in strong
            and (_norm(c) in _TARGET_WEAK or _norm(c).endswith(("_target", "_label")))
            and values(c).nunique() <= TARGET_MAX_CLASSES]
    flags = [c for c in columns if kinds[c] in usable and c not in strong + weak
             and _norm(c).startswith("is_") and values(c).nunique() == 2]
    target = None
    if strong:
        target, why = strong[0], "named like a target"
    elif weak:
        target, why = weak[0], f"named like a target, {values(weak[0]).nunique()} classes"
    elif len(flags) == 1:
        target, why = flags[0], "the only binary is_* column"
    elif flags:
        listed = ", ".join(map(repr, flags[:4]))
        notes.append(f"target: not guessed — several binary is_* columns ({listed}); choose one")
    if target is not None:
        notes.append(f"target → {target!r}: {why}")
    roles["target"] = target

    # prediction
    tvals = set(values(target).unique()) if target is not None else None

    def fits(col: object) -> str | None:
        v = values(col)
        if kinds[col] == "numeric" and len(v) and v.min() >= 0 and v.max() <= 1:
            return "values within [0, 1]"
        if tvals is not None and len(v) and set(v.unique()) <= tvals:
            return "values within the target's"
        return None

    pred = None
    for col in columns:
        n = _norm(col)
        if col == target or kinds[col] not in usable:
            continue
        if n in _PRED_STRONG:
            pred, why = col, "named like a prediction"
            break
        if (n.startswith("p_") or n.endswith(_PRED_WEAK_SUFFIX) or n in ("score", "scores", "prob")) \
                and (reason := fits(col)):
            pred, why = col, f"named like a prediction, {reason}"
            break
    if pred is not None:
        notes.append(f"prediction → {pred!r}: {why}")
    roles["prediction"] = pred

    # time
    dates = [c for c in columns if kinds[c] == "datetime"]
    exact = [c for c in dates if _norm(c) in _TIME_NAMES]
    named = exact + [c for c in dates if c not in exact
                     and (_norm(c).endswith(("_date", "_time", "_at", "_timestamp"))
                          or _norm(c).startswith(("date_", "time_")))]
    time = (named or dates or [None])[0]
    if time is not None:
        notes.append(f"time → {time!r}: " + ("datetime column named like a time" if named
                                            else "the only datetime column" if len(dates) == 1
                                            else "first datetime column"))
    roles["time"] = time

    # batch
    batch = None
    for col in columns:
        n = _norm(col)
        if col in (target, pred, time) or kinds[col] in ("embedding", "text", "empty"):
            continue
        if n in _BATCH_NAMES or n.startswith(("batch_", "chunk_")):
            frame = current if current is not None and col in current.columns else reference
            k = frame[col].nunique()
            if 1 <= k <= BATCH_MAX_VALUES:
                batch = col
                side = "current" if frame is current else "reference"
                notes.append(f"batch → {col!r}: named like a batch, {k} distinct values in {side}")
                break
    roles["batch"] = batch
    return roles, notes


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
