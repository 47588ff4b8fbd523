"""Which columns play the target, prediction, time and batch roles: the guess and the other candidates.

A role is *guessed* only on unambiguous evidence; a column that could play it but is as often an
ordinary feature is listed as a *candidate* for the user to confirm (the Data page, or
:func:`drift.role_candidates`), never chosen silently.  A wrong guess costs more than no guess: the
column leaves the features, and the pages fit models to it.

Target (names compared after :func:`normalized_name`: lower case, ``camelCase`` split, punctuation
as ``_``)

- guessed from :data:`TARGET_NAMES` (``target``, ``label``, ``labels``, ``class_label``,
  ``true_label``, ``y_true``, ``ground_truth``, ``outcome``, ``y``): numeric content, or at most
  :data:`TARGET_MAX_CLASSES` classes.  ``y`` is only a candidate when a column ``x`` exists too (a pair
  of coordinates).  The first name of the list wins when several match.
- guessed from :data:`OUTCOME_NAMES` (``default``, ``defaulted``, ``churn``, ``churned``,
  ``converted``, ``fraud``, ``survived``) only with exactly two values: these words name a yes/no
  outcome; with other content (a continuous ``default`` setting) they are candidates.
- candidates only: yes/no flags ``is_*`` / ``isX`` (``is_fraud`` is a label, ``is_weekend`` and
  ``is_holiday`` are features: the prefix says nothing); ``class`` (the label of many UCI data sets,
  the passenger class in Titanic); ``response``, ``actual``, ``bad``, ``bad_flag``, ``status``,
  ``result``, ``diagnosis``; names ending in ``_target`` or ``_label`` (a sales target, a display label).

Prediction

- guessed from :data:`PREDICTION_NAMES` (``prediction``, ``pred``, ``y_pred``, ``y_hat``, ``y_score``,
  ``model_output``...): numeric content, or at most :data:`TARGET_MAX_CLASSES` classes;
- guessed from :data:`PROBABILITY_NAMES` (``score``, ``proba``, ``probability``, ``prob``...) when the
  values lie within [0, 1] (or within the target's labels); else a candidate;
- guessed from a name ending in ``_pred`` / ``_prediction`` / ``_predicted`` (numeric, or few classes);
- a score-like name (``p_*``, ``*_score``, ``*_proba``, ``*_prob``, ``*_probability``) in [0, 1] is
  guessed only when it is named after the target (``p_default`` for ``default``, ``conversion_score``
  for ``converted``: a shared stem of :data:`PREDICTION_STEM_MIN` letters); otherwise it is a candidate
  (``risk_score`` in [0, 1] may be a vendor's feature).  Out of [0, 1] (``credit_score``) it is ignored.

Time

- datetime columns only (a datetime dtype, or text parsed as dates by :func:`drift.infer_schema`):
  the only one, or the only one named in :data:`TIME_NAMES` (``date``, ``timestamp``, ``event_time``,
  ``created_at``...).  Several datetime columns and no single time name: candidates, no guess.
- a number that reads as a date (``20240105`` as YYYYMMDD, ``202401`` as YYYYMM) is not a datetime:
  it is listed as a candidate and stays a numeric feature unless the user picks it.

Batch (never the target, prediction or time; not an embedding, text or empty column)

- guessed from :data:`BATCH_NAMES` (``batch``, ``batch_id``, ``chunk``, ``run_id``, ``batch_*``,
  ``chunk_*``) with 1 to :data:`BATCH_MAX_VALUES` distinct values in the production data;
- :data:`PERIOD_NAMES` (``month``, ``week``, ``quarter``, ``period``, ``window``, ``year_month``,
  ``run``) are guessed only for a column found in the production data alone: present in both files,
  ``month`` is as often a seasonal feature;
- any other column of the production data only, with 2 to :data:`BATCH_MAX_VALUES` values, is a
  candidate.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Special roles; a column with a role is not a feature.
ROLES = ("target", "prediction", "time", "batch")
#: Columns of :func:`drift.role_candidates`.
CANDIDATE_COLUMNS = ("role", "column", "reason", "chosen")
#: Kinds a target or prediction can have.
LABEL_KINDS = ("numeric", "categorical")

#: Unambiguous target names, best first.
TARGET_NAMES = ("target", "label", "labels", "class_label", "true_label", "y_true", "ground_truth", "outcome",
                "y")
#: Names of a yes/no outcome: a target only with exactly two values.
OUTCOME_NAMES = ("default", "defaulted", "churn", "churned", "converted", "fraud", "survived")
#: Names that are the target in some data sets and a feature in others: candidates, with why.
TARGET_HINTS = {
    "class": "the label of many UCI data sets, but as often a feature (a passenger class)",
    "response": "the label in marketing data, but also a survey answer or a response time",
    "actual": "may hold the observed outcome, or an actual amount used as a feature",
    "bad": "a credit 'bad' flag is often the label, but the name is too short to be sure",
    "bad_flag": "a credit 'bad' flag is often the label, but the name is too short to be sure",
    "status": "may be an outcome status, or an account status used as a feature",
    "result": "may be the outcome, or a test result used as a feature",
    "diagnosis": "the label of medical data sets, or a recorded diagnosis used as a feature",
}
#: Name endings that hint at a target: candidates only.
TARGET_HINT_SUFFIXES = ("_target", "_label")
#: A categorical target has at most this many classes (more: names or ids, not labels).
TARGET_MAX_CLASSES = 100

#: Unambiguous prediction names (numeric content, or at most TARGET_MAX_CLASSES classes).
PREDICTION_NAMES = ("prediction", "predictions", "predicted", "pred", "preds", "y_pred", "y_hat", "yhat",
                    "y_score", "model_prediction", "model_output", "model_score", "predicted_class",
                    "predicted_label")
#: Probability names: the prediction when the values lie in [0, 1].
PROBABILITY_NAMES = ("score", "scores", "prob", "proba", "probability", "pred_proba", "predict_proba",
                     "prediction_proba", "predicted_proba", "predicted_probability", "y_prob", "y_proba")
#: Endings of an unambiguous prediction name.
PREDICTION_SUFFIXES = ("_pred", "_preds", "_prediction", "_predicted")
#: A score-like name: ``p_*`` or these endings.
SCORE_PREFIXES = ("p_", "prob_", "proba_")
SCORE_SUFFIXES = ("_score", "_proba", "_prob", "_probability")
#: A score is named after the target when both names share a stem of at least this many letters.
PREDICTION_STEM_MIN = 5

#: Time names: among several datetime columns, the one named so is the time.
TIME_NAMES = ("date", "time", "timestamp", "datetime", "date_time", "ts", "event_time", "event_date",
              "event_timestamp", "created_at", "created", "updated_at", "month", "week", "day", "period")
#: Bounds of a number read as YYYYMMDD or YYYYMM.
NUMERIC_DATE_RANGES = ((19000101, 21001231), (190001, 210012))

#: Unambiguous batch names, and prefixes.
BATCH_NAMES = ("batch", "batch_id", "batch_no", "batch_number", "batch_name", "chunk", "chunk_id", "run_id")
BATCH_PREFIXES = ("batch_", "chunk_")
#: Period names: a batch only when the column is in the production data alone.
PERIOD_NAMES = ("period", "window", "month", "week", "quarter", "year_month", "run")
#: A batch column has at most this many distinct values in the production data.
BATCH_MAX_VALUES = 100
#: Candidates quoted in a note.
NOTE_CANDIDATES = 4

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class RoleCandidate:
    """A column that could play a role, why, and whether it is the guess."""

    role: str
    column: str
    reason: str
    chosen: bool = False


def normalized_name(name: object) -> str:
    """``"isFraud "`` -> ``"is_fraud"``: camelCase split, lower case, runs of other characters as ``_``."""
    text = _CAMEL.sub("_", str(name).strip())
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


@dataclass(frozen=True, slots=True)
class _Data:
    kinds: Mapping
    reference: pd.DataFrame
    current: pd.DataFrame | None
    ref_sample: pd.DataFrame
    cur_sample: pd.DataFrame | None
    ref_columns: frozenset
    cur_columns: frozenset
    ranges: Mapping
    names: Mapping  # column -> normalized_name(column)

    def values(self, col: object) -> pd.Series:
        """Non-missing sampled values, from the reference when it has any."""
        if col in self.ref_columns:
            values = self.ref_sample[col].dropna()
            if len(values) or col not in self.cur_columns:
                return values
        if col in self.cur_columns:
            return self.cur_sample[col].dropna()
        return pd.Series(dtype=float)

    def n_distinct(self, col: object) -> int:
        try:
            return int(self.values(col).nunique())
        except TypeError:  # unhashable cells
            return 0

    def only_current(self, col: object) -> bool:
        return self.current is not None and col in self.cur_columns and col not in self.ref_columns


def suggest_roles(kinds: Mapping, reference: pd.DataFrame, current: pd.DataFrame | None = None, *,
                  reference_sample: pd.DataFrame | None = None, current_sample: pd.DataFrame | None = None,
                  ranges: Mapping | None = None) -> tuple[RoleCandidate, ...]:
    """Candidates for every role, the guesses marked ``chosen`` (rules in the module docstring).

    Parameters
    ----------
    kinds : Mapping
        Column -> kind, as :func:`drift.infer_schema` found them (column order matters: first wins).
    reference, current : pandas.DataFrame
        The data; ``current`` decides the batch column's number of values.
    reference_sample, current_sample : pandas.DataFrame, optional
        Row samples used for content checks (default: the whole frames).
    ranges : Mapping, optional
        Column -> :class:`drift.data.columnwise.NumericFacts` (with ``n_unique``) of the sampled numeric
        columns, so that the rules need not read their values.

    Returns
    -------
    tuple of RoleCandidate
        By role (:data:`ROLES` order); within a role the guess first, then the others in column order.
    """
    data = _Data(kinds, reference, current, reference if reference_sample is None else reference_sample,
                 current if current_sample is None else current_sample, frozenset(reference.columns),
                 frozenset(current.columns) if current is not None else frozenset(), ranges or {},
                 {col: normalized_name(col) for col in kinds})
    target = _target(data)
    target_col = _chosen(target)
    prediction = _prediction(data, target_col)
    time = _time(data)
    taken = {c for c in (target_col, _chosen(prediction), _chosen(time)) if c is not None}
    return tuple(target + prediction + time + _batch(data, taken))


def chosen_roles(candidates: tuple[RoleCandidate, ...]) -> dict[str, str | None]:
    """Role -> the guessed column (``None`` when not guessed)."""
    return {role: _chosen([c for c in candidates if c.role == role]) for role in ROLES}


def role_notes(candidates: tuple[RoleCandidate, ...]) -> list[str]:
    """One line per role that was guessed or has candidates, e.g. ``target → 'default': ...``."""
    notes = []
    for role in ROLES:
        rows = [c for c in candidates if c.role == role]
        chosen = [c for c in rows if c.chosen]
        if chosen:
            notes.append(f"{role} → {chosen[0].column!r}: {chosen[0].reason}")
        elif rows:
            listed = ", ".join(repr(c.column) for c in rows[:NOTE_CANDIDATES])
            more = f" and {len(rows) - NOTE_CANDIDATES} more" if len(rows) > NOTE_CANDIDATES else ""
            notes.append(f"{role}: not guessed — candidates {listed}{more} (none is unambiguous); pick one")
    return notes


def candidates_frame(candidates: tuple[RoleCandidate, ...]) -> pd.DataFrame:
    """The candidates as a table with columns :data:`CANDIDATE_COLUMNS`."""
    return pd.DataFrame([(c.role, c.column, c.reason, c.chosen) for c in candidates],
                        columns=list(CANDIDATE_COLUMNS)).astype({"chosen": bool})


def _chosen(candidates: list[RoleCandidate]) -> str | None:
    return next((c.column for c in candidates if c.chosen), None)


def _rank(role: str, ranked: list[tuple[tuple, object, str]], others: list[tuple[int, RoleCandidate]],
          order: Mapping) -> list[RoleCandidate]:
    """The best-ranked ``(key, column, reason)`` is the guess; the rest become candidates (column order)."""
    ranked = sorted(ranked, key=lambda r: r[0])
    out: list[tuple[int, RoleCandidate]] = list(others)
    guess = []
    if ranked:
        _, winner, why = ranked[0]
        guess = [RoleCandidate(role, winner, why, True)]
        out += [(order[col], RoleCandidate(role, col, f"also named like a {role}; {winner!r} ranks first"))
                for _, col, _ in ranked[1:]]
    out.sort(key=lambda r: r[0])
    return guess + [c for _, c in out]


def _target(d: _Data) -> list[RoleCandidate]:
    names = d.names
    has_x = "x" in names.values()
    order = {col: i for i, col in enumerate(d.kinds)}
    ranked, others = [], []
    for col, kind in d.kinds.items():
        if kind not in LABEL_KINDS:
            continue
        name = names[col]

        def other(reason: str, col=col) -> None:
            others.append((order[col], RoleCandidate("target", col, reason)))

        if name in TARGET_NAMES:
            k = d.n_distinct(col) if kind == "categorical" else 0
            if name == "y" and has_x:
                other("named 'y' beside a column 'x': coordinates as often as a target")
            elif k > TARGET_MAX_CLASSES:
                other(f"named like a target, but {k:,} distinct values (a label has at most "
                      f"{TARGET_MAX_CLASSES})")
            else:
                ranked.append(((0, TARGET_NAMES.index(name), order[col]), col,
                               f"guessed from the name {col!r}"))
        elif name in OUTCOME_NAMES:
            k = d.n_distinct(col)
            if k == 2:
                ranked.append(((1, OUTCOME_NAMES.index(name), order[col]), col,
                               f"guessed from the name {col!r}: a yes/no outcome with 2 values"))
            else:
                other(f"named like a yes/no outcome, but {k:,} distinct value{'s' if k != 1 else ''}, not 2")
        elif name.startswith("is_"):
            if d.n_distinct(col) == 2:
                other("a yes/no flag (is_…): the label only if the model predicts it; as often a feature")
        elif ((name in TARGET_HINTS or name.endswith(TARGET_HINT_SUFFIXES))
              and not name.startswith(BATCH_PREFIXES)):
            if kind == "numeric" or d.n_distinct(col) <= TARGET_MAX_CLASSES:
                other(TARGET_HINTS.get(name, f"ends in {'_' + name.rsplit('_', 1)[-1]!r}: the label, or a "
                                             "feature (a sales target, a display label)"))
    return _rank("target", ranked, others, order)


def _prediction(d: _Data, target: str | None) -> list[RoleCandidate]:
    order = {col: i for i, col in enumerate(d.kinds)}
    labels = _label_set(d, target)
    stem = normalized_name(target) if target is not None else None
    ranked, others = [], []
    for col, kind in d.kinds.items():
        if kind not in LABEL_KINDS or col == target:
            continue
        name = d.names[col]
        scoreish = name.startswith(SCORE_PREFIXES) or name.endswith(SCORE_SUFFIXES)
        tier = (0 if name in PREDICTION_NAMES else 1 if name in PROBABILITY_NAMES
                else 2 if name.endswith(PREDICTION_SUFFIXES) else 3 if scoreish else None)
        if tier is None:
            continue
        values = d.values(col)
        few = kind == "numeric" or d.n_distinct(col) <= TARGET_MAX_CLASSES
        unit = kind == "numeric" and _in_unit_interval(values)
        within = labels is not None and _within(values, labels)
        key = (tier, order[col])
        if tier in (0, 2):
            if few:
                ranked.append((key, col, f"guessed from the name {col!r}"))
            else:
                others.append((order[col], RoleCandidate(
                    "prediction", col, f"named like a prediction, but {d.n_distinct(col):,} distinct "
                                       "values")))
        elif tier == 1:
            if unit or within:
                ranked.append((key, col, f"guessed from the name {col!r}: values within "
                                         + ("[0, 1]" if unit else "the target's labels")))
            else:
                others.append((order[col], RoleCandidate(
                    "prediction", col, f"named like a probability, but values {_span(values)} are not "
                                       "in [0, 1]")))
        elif unit or within:
            if stem is not None and _named_after(name, stem):
                ranked.append((key, col, f"guessed: a score named after the target {target!r}, values within "
                                         + ("[0, 1]" if unit else "its labels")))
            else:
                others.append((order[col], RoleCandidate(
                    "prediction", col, "a score within [0, 1]: the model's output, or a feature (a vendor's "
                                       "risk score)")))
    return _rank("prediction", ranked, others, order)


def _time(d: _Data) -> list[RoleCandidate]:
    order = {col: i for i, col in enumerate(d.kinds)}
    dates = [c for c, k in d.kinds.items() if k == "datetime"]
    named = [c for c in dates if d.names[c] in TIME_NAMES]
    ranked, others = [], []
    if len(named) == 1:
        ranked.append(((0,), named[0], f"guessed from the name {named[0]!r}: datetime values"))
    elif len(dates) == 1:
        ranked.append(((0,), dates[0], "guessed: the only datetime column"))
    for col in dates:
        if ranked and col == ranked[0][1]:
            continue
        why = ("datetime values, named like a time — so are others: pick the one that orders the rows"
               if len(named) > 1 and col in named else "datetime values")
        others.append((order[col], RoleCandidate("time", col, why)))
    for col, kind in d.kinds.items():
        if kind == "numeric" and (example := _numeric_date(d, col)) is not None:
            others.append((order[col], RoleCandidate(
                "time", col, f"numbers such as {example} read as dates; a number is not a datetime: "
                             "tested as a feature unless you pick it")))
    return _rank("time", ranked, others, order)


def _batch(d: _Data, taken: set) -> list[RoleCandidate]:
    order = {col: i for i, col in enumerate(d.kinds)}
    ranked, others = [], []
    for col, kind in d.kinds.items():
        if col in taken or kind in ("embedding", "text", "empty"):
            continue
        name = d.names[col]
        strong = name in BATCH_NAMES or name.startswith(BATCH_PREFIXES)
        alone = d.only_current(col)
        if not (strong or name in PERIOD_NAMES or alone):
            continue
        if not (strong or name in PERIOD_NAMES):  # unnamed, production only: judged on the sample
            k = _sampled_distinct(d, col, kind)
            if k is not None and 2 <= k <= BATCH_MAX_VALUES:
                others.append((order[col], RoleCandidate(
                    "batch", col, f"only in the production data, {k:,} distinct values: a batch label?")))
            continue
        frame, where = ((d.current, "the production data") if col in d.cur_columns
                        else (d.reference, "the reference"))
        try:
            k = int(frame[col].nunique())
        except TypeError:  # unhashable cells
            continue
        if not 1 <= k <= BATCH_MAX_VALUES:
            others.append((order[col], RoleCandidate(
                "batch", col, f"named like a batch, but {k:,} distinct values (a batch column has at most "
                              f"{BATCH_MAX_VALUES})")))
        elif strong or alone:
            ranked.append(((order[col],), col,
                           f"guessed from the name {col!r}: {k:,} distinct values in {where}"))
        else:
            others.append((order[col], RoleCandidate(
                "batch", col, f"named like a period, but in both files ({k:,} values): as often a "
                              "seasonal feature")))
    return _rank("batch", ranked, others, order)


# --- content checks ---------------------------------------------------------------------------------
def _sampled_distinct(d: _Data, col: object, kind: str) -> int | None:
    """Distinct sampled values of a column that could label batches: not a non-integral number."""
    facts = d.ranges.get(col)
    if kind == "numeric" and facts is not None:
        return facts.n_unique if facts.integral else None
    return d.n_distinct(col)


def _label_set(d: _Data, target: str | None) -> set | None:
    if target is None:
        return None
    values = d.values(target)
    try:
        uniques = values.unique()
    except TypeError:
        return None
    return set(uniques) if len(uniques) <= TARGET_MAX_CLASSES else None


def _numbers(values: pd.Series) -> np.ndarray | None:
    if pd.api.types.is_bool_dtype(values.dtype):
        return None
    parsed = pd.to_numeric(values, errors="coerce") if not pd.api.types.is_numeric_dtype(values.dtype) \
        else values
    arr = parsed.to_numpy(dtype=float, na_value=np.nan)
    return arr if len(arr) and not np.isnan(arr).any() else None


def _in_unit_interval(values: pd.Series) -> bool:
    arr = _numbers(values)
    return arr is not None and bool(arr.min() >= 0 and arr.max() <= 1)


def _within(values: pd.Series, labels: set) -> bool:
    try:
        uniques = values.unique()
        return 0 < len(uniques) <= len(labels) and set(uniques) <= labels
    except TypeError:
        return False


def _span(values: pd.Series) -> str:
    arr = _numbers(values)
    if arr is None:
        return "that are not numbers"
    return f"{arr.min():g} to {arr.max():g}"


def _named_after(name: str, target: str) -> bool:
    stem = name
    for prefix in SCORE_PREFIXES:
        stem = stem.removeprefix(prefix)
    for suffix in SCORE_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return stem == target or len(os.path.commonprefix([stem, target])) >= PREDICTION_STEM_MIN


def _numeric_date(d: _Data, col: object) -> str | None:
    """An example value when every sampled value reads as YYYYMMDD or YYYYMM; else ``None``."""
    facts = d.ranges.get(col)
    if facts is not None:
        if not facts.integral or not any(lo <= facts.minimum and facts.maximum <= hi
                                         for lo, hi in NUMERIC_DATE_RANGES):
            return None
    arr = _numbers(d.values(col))
    if arr is None or not np.all(np.mod(arr, 1) == 0):
        return None
    ints = arr.astype(np.int64)
    for (lo, hi), day in zip(NUMERIC_DATE_RANGES, (True, False)):
        if ints.min() < lo or ints.max() > hi:
            continue
        months = (ints // 100 % 100) if day else ints % 100
        days = ints % 100 if day else np.ones_like(ints)
        if np.all((months >= 1) & (months <= 12) & (days >= 1) & (days <= 31)):
            return str(ints[0])
    return None
