"""The model's task — binary, multiclass or regression — and the form of its predictions.

:func:`infer_task` reads the target and prediction columns of both tables and returns a
:class:`TaskInfo`.  The rules, in one place (every cut-off is a named constant of this module):

Task, from the distinct non-missing target values of both sides together
    * no value at all -> :class:`~drift.core.errors.AllMissingError`; one value only ->
      :class:`~drift.core.errors.ConstantColumnError` (nothing to predict);
    * exactly 2 values -> ``binary`` (whatever their type);
    * numbers that are not all integers (a fraction is never a class code) -> ``regression``; with at
      most :data:`FEW_VALUES` distinct values a note says so, in case they are codes;
    * integers with more than :data:`MAX_INTEGER_CLASSES` distinct values -> ``regression`` (counts,
      amounts); with 3 to :data:`MAX_INTEGER_CLASSES` -> ``multiclass`` (codes), with a note naming the
      override for counts;
    * text (or a mix of text and numbers) -> ``multiclass``; more than :data:`MAX_CLASSES` labels ->
      :class:`~drift.core.errors.TooManyCategoriesError` (names or ids, not labels).

    Numbers written as text (``"3.5"``) count as numbers; booleans as two labels.

Prediction kind, given the task
    * ``binary``: values that are all labels of the target -> ``label``; otherwise numbers in [0, 1] ->
      ``probability`` of the *positive class*, the second class in sorted order (1 of 0/1, True of
      False, "yes" of "no"/"yes"); anything else -> :class:`~drift.core.errors.TaskMismatchError`.
    * ``multiclass``: values that share at least one label with the target -> ``label`` (predicted labels
      the target never holds join the classes, with a note); none shared ->
      :class:`~drift.core.errors.TaskMismatchError`.
    * ``regression``: numbers -> ``forecast``; text -> :class:`~drift.core.errors.UnsupportedValuesError`.
    * no prediction column, but one probability column per class named ``proba_<class>``
      (:data:`PROBA_PREFIX` followed by the class label as text: ``proba_neutral``, ``proba_3``) ->
      ``class_probabilities``.  With a label column *and* such columns, the kind is ``label`` and the
      columns are listed in :attr:`TaskInfo.probability_columns` as well.  Columns for only some classes
      raise :class:`~drift.core.errors.TaskMismatchError` (a log-loss needs them all); values outside [0, 1]
      raise too.  For a binary task one column ``proba_<positive class>`` is enough.
    * neither -> ``prediction_kind`` is None (no model output to study).

Override
    ``task=`` forces the task; the data is still checked against it and a contradiction raises
    :class:`~drift.core.errors.TaskContradictionError` (a DriftParameterError) naming the column, what it
    holds, the tasks it fits and the fix: ``binary`` with more than two target values, ``multiclass`` on
    fractional numbers or ``regression`` on text.  ``multiclass`` on a two-value target and ``regression``
    on a two-value numeric target are accepted, with a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from drift.core.errors import (
    AllMissingError,
    ConstantColumnError,
    DriftParameterError,
    TaskContradictionError,
    TaskMismatchError,
    TooManyCategoriesError,
)
from drift.core.inputs import check_cells, numeric_values
from drift.core.jsonsafe import python_scalar
from drift.data.roles import TARGET_MAX_CLASSES
from drift.data.schema import source_name

TASKS = ("binary", "multiclass", "regression")
PREDICTION_KINDS = ("probability", "label", "class_probabilities", "forecast")
#: Per-class probability columns are named this prefix followed by the class label as text.
PROBA_PREFIX = "proba_"
#: Integer targets with more distinct values than this are counts or amounts (regression), not codes.
MAX_INTEGER_CLASSES = 20
#: A fractional numeric target with at most this many distinct values gets a note (codes, perhaps).
FEW_VALUES = 20
#: A multiclass target has at most this many labels (more: names or ids).
MAX_CLASSES = TARGET_MAX_CLASSES
#: Labels quoted in a message.
LABELS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """The task of a model and how its predictions are given.

    Attributes
    ----------
    task : {"binary", "multiclass", "regression"}
    prediction_kind : {"probability", "label", "class_probabilities", "forecast"} or None
        None when there is no prediction column and no per-class probability columns.
    target, prediction : str or None
        The columns the task was read from.
    classes : tuple
        Class labels in a fixed (sorted) order; empty for regression.  The positive class of a binary
        task is ``classes[1]``.
    probability_columns : Mapping
        Class -> column holding P(class): ``proba_<class>`` columns, or the prediction column of a
        binary probability (under the positive class).  Empty when there is none.
    notes : tuple of str
        Why each guess was made, and anything a user should check.
    """

    task: str
    prediction_kind: str | None
    target: str | None
    prediction: str | None
    classes: tuple = ()
    probability_columns: Mapping = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "probability_columns", MappingProxyType(dict(self.probability_columns)))

    @property
    def positive_class(self):
        """The positive class of a binary task (``classes[1]``); None otherwise."""
        return self.classes[1] if self.task == "binary" else None

    def __reduce__(self):  # a mappingproxy cannot be pickled (st.cache_data)
        return (type(self), (self.task, self.prediction_kind, self.target, self.prediction, self.classes,
                             dict(self.probability_columns), self.notes))

    def to_dict(self) -> dict:
        return {"task": self.task, "prediction_kind": self.prediction_kind, "target": self.target,
                "prediction": self.prediction, "classes": [python_scalar(c) for c in self.classes],
                "probability_columns": {str(k): v for k, v in self.probability_columns.items()},
                "notes": list(self.notes)}


# --- labels ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Values:
    """The distinct non-missing values of one role over both sides, as plain Python labels."""

    labels: tuple
    numeric: bool
    integers: bool


def _column_values(frames: list[tuple[pd.DataFrame, str]], column: str) -> list[tuple[pd.Series, str]]:
    return [(frame[column], side) for frame, side in frames if column in frame.columns]


def _distinct(columns: list[tuple[pd.Series, str]], column: str) -> _Values:
    """Distinct values of ``column`` over the sides; numbers (also written as text) as int or float."""
    parts, all_numeric = [], True
    for series, side in columns:
        check_cells(series, side=side, column=column)
        unique = pd.Series(np.asarray(pd.unique(series.dropna()), dtype=object))
        if unique.map(lambda v: isinstance(v, bool | np.bool_)).all() and len(unique):
            parts.append(unique.astype(bool).to_numpy(dtype=object))
            all_numeric = False
            continue
        as_numbers = pd.to_numeric(unique, errors="coerce")
        if as_numbers.notna().all():
            parts.append(as_numbers.to_numpy(dtype=np.float64))
        else:
            parts.append(unique.astype(str).to_numpy(dtype=object))
            all_numeric = False
    merged = np.concatenate([np.asarray(p, dtype=object) for p in parts]) if parts else np.empty(0, object)
    if all_numeric:
        numbers = np.unique(merged.astype(np.float64))
        integers = bool(np.all(numbers == np.round(numbers)))
        labels = tuple(int(v) for v in numbers) if integers else tuple(float(v) for v in numbers)
        return _Values(labels, True, integers)
    if all(isinstance(v, bool | np.bool_) for v in merged):
        return _Values(tuple(sorted({bool(v) for v in merged})), False, False)
    return _Values(tuple(sorted({_label_text(v) for v in merged})), False, False)


def _label_text(value) -> str:
    if isinstance(value, float) and value == round(value):
        return str(int(value))
    return str(value)


def _label_text_shown(value) -> str:
    """A label as a message quotes it: text in quotes, a number as written (``0.66``, not
    ``0.6599999999999999``)."""
    value = python_scalar(value)
    return format(value, ".6g") if isinstance(value, float) else repr(value)


def _shown(labels) -> str:
    text = ", ".join(_label_text_shown(v) for v in list(labels)[:LABELS_SHOWN])
    return text + (", ..." if len(labels) > LABELS_SHOWN else "")


def _as_labels(values: _Values, target: _Values) -> tuple:
    """Prediction values in the target's label type (text when the target is text)."""
    if target.numeric or values.numeric is target.numeric:
        return values.labels
    return tuple(_label_text(v) for v in values.labels)


# --- the task ---------------------------------------------------------------------------------------------
def _guess_task(values: _Values, column: str, file: str, notes: list[str]) -> str:
    n = len(values.labels)
    if n == 2:
        notes.append(f"task binary: target {column!r} has 2 values ({_shown(values.labels)})")
        return "binary"
    if values.numeric and not values.integers:
        notes.append(f"task regression: target {column!r} holds {n} distinct numbers, not all integers")
        if n <= FEW_VALUES:
            notes.append(f"only {n} distinct target values: pass task='multiclass' if they are class codes")
        return "regression"
    if values.numeric and n > MAX_INTEGER_CLASSES:
        notes.append(f"task regression: target {column!r} holds {n} distinct integers (more than "
                     f"{MAX_INTEGER_CLASSES}: counts or amounts, not class codes)")
        return "regression"
    _check_class_count(values, column, file)
    if values.numeric:
        notes.append(f"task multiclass: target {column!r} holds {n} distinct integers (at most "
                     f"{MAX_INTEGER_CLASSES}: class codes); pass task='regression' if they are counts")
    else:
        notes.append(f"task multiclass: target {column!r} holds {n} labels ({_shown(values.labels)})")
    return "multiclass"


def _check_class_count(values: _Values, column: str, file: str) -> None:
    if len(values.labels) > MAX_CLASSES:
        raise TooManyCategoriesError(
            f"the target has {len(values.labels)} distinct labels, more than the {MAX_CLASSES} a "
            "classifier's target can have", file=file, column=column,
            fix="pick the column of class labels as the target (this one holds names or ids)")


def _check_override(task: str, values: _Values, column: str, notes: list[str]) -> None:
    n = len(values.labels)

    def refuse(found: str, fix: str, tasks: tuple[str, ...]) -> None:
        raise TaskContradictionError(f"The 'task' parameter of infer_task is {task!r}, but target column "
                                     f"{column!r} {found}. Fix: {fix}.", task=task, column=column,
                                     found=found, tasks=tasks)

    if task == "binary" and n > 2:
        fits = ("regression",) if values.numeric and not values.integers else \
            ("multiclass", "regression") if values.numeric else ("multiclass",)
        refuse(f"has {n} distinct values ({_shown(values.labels)})",
               "pass task='multiclass' (or task='regression' for numbers), or task=None to infer it", fits)
    if task == "multiclass" and values.numeric and not values.integers:
        refuse("holds fractional numbers", "pass task='regression', or map the values to class labels",
               ("regression",))
    if task == "regression" and not values.numeric:
        refuse(f"holds text or booleans ({_shown(values.labels)})",
               "pass task='multiclass' (or 'binary' for two labels), or choose a numeric target",
               ("binary", "multiclass") if n == 2 else ("multiclass",))
    if task == "multiclass" and n == 2:
        notes.append(f"task multiclass (given) on a target with 2 values ({_shown(values.labels)})")
    elif task == "regression" and n == 2:
        notes.append(f"task regression (given) on a target with 2 values ({_shown(values.labels)}): "
                     "metrics are errors in the target's units")
    else:
        notes.append(f"task {task} (given)")


# --- the prediction ---------------------------------------------------------------------------------------
def _probability_columns(frames, classes: tuple, task: str, file: str) -> dict:
    """``proba_<class>`` columns present in any frame, checked as probabilities."""
    present = set().union(*(map(str, f.columns) for f, _ in frames))
    names = {c: f"{PROBA_PREFIX}{_label_text(c)}" for c in classes}
    found = {c: n for c, n in names.items() if n in present}
    if not found:
        return {}
    if task == "binary":
        if classes[1] not in found:
            raise TaskMismatchError(f"found {found[classes[0]]!r} but not {names[classes[1]]!r}", file=file,
                                    fix=f"give P({python_scalar(classes[1])!r}) in a column "
                                        f"{names[classes[1]]!r} "
                                        "(the positive class is the second label in sorted order)")
        found = {classes[1]: names[classes[1]]}
    elif task == "multiclass" and len(found) < len(classes):
        missing = [names[c] for c in classes if c not in found]
        raise TaskMismatchError(f"per-class probability columns for {len(found)} of {len(classes)} classes; "
                                f"missing {_shown(missing)}", file=file,
                                fix=f"add one column {PROBA_PREFIX}<class> per class, or rename or drop "
                                    "the partial ones")
    elif task == "regression":
        return {}
    for column in found.values():
        for series, side in _column_values(frames, column):
            _check_unit_interval(series, side, column, fix="give each class's probability in [0, 1]")
    return found


def _check_unit_interval(series: pd.Series, side: str, column: str, fix: str) -> np.ndarray:
    values = numeric_values(series, side=side, column=column, fix=fix)
    outside = np.flatnonzero((values < 0) | (values > 1))
    if outside.size:
        raise TaskMismatchError(f"a probability must lie in [0, 1], got {values[outside[0]]:g} (row "
                                f"{int(outside[0])})", file=side, column=column, fix=fix)
    return values


def _prediction_kind(task: str, prediction: str, frames, target: _Values, classes: tuple,
                     notes: list[str]) -> tuple[str, tuple]:
    columns = _column_values(frames, prediction)
    file = columns[0][1]
    if task == "regression":
        fix = "a regression model's prediction is a number in the target's units; pick that column"
        for series, side in columns:
            numeric_values(series, side=side, column=prediction, fix=fix)
        notes.append(f"prediction {prediction!r}: a numeric forecast")
        return "forecast", classes
    values = _distinct(columns, prediction)
    labels = _as_labels(values, target)
    if not labels:
        notes.append(f"prediction {prediction!r} has no value")
        return "label", classes
    unknown = [v for v in labels if v not in set(classes)]
    if target.numeric and target.integers and values.numeric and not values.integers and task != "binary":
        raise TaskMismatchError("holds fractional numbers, but the target's classes are integer codes",
                                file=file, column=prediction,
                                fix="give the predicted class code (per-class probabilities go in columns "
                                    f"{PROBA_PREFIX}<class>), or pass task='regression'")
    if not unknown:
        notes.append(f"prediction {prediction!r}: predicted labels ({_shown(labels)})")
        return "label", classes
    if task == "binary":
        fix = ("give P(positive class) in [0, 1], or the predicted labels "
               f"{_shown(classes)}")
        if not values.numeric:
            raise TaskMismatchError(f"holds {_shown(unknown)}, which are neither labels of the binary target "
                                    f"({_shown(classes)}) nor probabilities", file=file, column=prediction,
                                    fix=fix)
        for series, side in columns:
            _check_unit_interval(series, side, prediction, fix)
        notes.append(f"prediction {prediction!r}: P({python_scalar(classes[1])!r}) (numbers in [0, 1]; the "
                     "positive class is the second label in sorted order)")
        return "probability", classes
    if len(unknown) == len(labels):
        raise TaskMismatchError(f"holds {_shown(unknown)}, none of which is a label of the target "
                                f"({_shown(classes)})", file=file, column=prediction,
                                fix="give the predicted class label (per-class probabilities go in columns "
                                    f"{PROBA_PREFIX}<class>)")
    notes.append(f"prediction {prediction!r}: predicted labels; {_shown(unknown)} predicted but never in the "
                 "target (added to the classes)")
    return "label", sorted_labels(set(classes) | set(unknown))


def sorted_labels(labels) -> tuple:
    """Class labels in the library's fixed order: numbers by value first, then the rest by their text."""
    def key(label):
        numeric = isinstance(label, int | float | np.number) and not isinstance(label, bool | np.bool_)
        return (0, float(label), "") if numeric else (1, 0.0, str(label))
    return tuple(sorted(set(labels), key=key))


def infer_task(reference: pd.DataFrame, current: pd.DataFrame | None, target: str,
               prediction: str | None = None, *, task: str | None = None) -> TaskInfo:
    """The model's task and the form of its predictions, guessed from the data (module docstring).

    Parameters
    ----------
    reference : pandas.DataFrame
        Training (reference) data with the target column.
    current : pandas.DataFrame or None
        Production data; its target may be missing or absent (labels not arrived yet).  Its values count
        in the guess when present.
    target : str
        The target column (in either table).
    prediction : str, optional
        The prediction column: a probability, a label or a forecast.  Without it, per-class probability
        columns ``proba_<class>`` are looked for.
    task : {"binary", "multiclass", "regression"}, optional
        Force the task; the data is checked against it (a contradiction raises DriftParameterError).

    Returns
    -------
    TaskInfo

    Raises
    ------
    AllMissingError, ConstantColumnError, TooManyCategoriesError
        The target has no value, a single value, or too many labels.
    TaskMismatchError, UnsupportedValuesError
        The prediction does not fit the task (module docstring).
    DriftParameterError
        A bad argument, or ``task`` contradicted by the data.

    Examples
    --------
    >>> import pandas as pd
    >>> ref = pd.DataFrame({"y": ["neg", "neu", "pos", "neu"], "proba_neg": [.7, .1, .1, .2],
    ...                     "proba_neu": [.2, .8, .2, .6], "proba_pos": [.1, .1, .7, .2]})
    >>> info = infer_task(ref, None, "y")
    >>> info.task, info.prediction_kind, info.classes
    ('multiclass', 'class_probabilities', ('neg', 'neu', 'pos'))
    """
    func = "infer_task"
    if not isinstance(reference, pd.DataFrame):
        raise DriftParameterError.invalid("reference", func, "a pandas DataFrame", type(reference).__name__)
    if current is not None and not isinstance(current, pd.DataFrame):
        raise DriftParameterError.invalid("current", func, "a pandas DataFrame or None",
                                          type(current).__name__)
    if task is not None and task not in TASKS:
        raise DriftParameterError.invalid("task", func, f"one of {TASKS} or None", task)
    frames = [(reference, source_name(reference, "reference"))]
    if current is not None:
        frames.append((current, source_name(current, "current")))
    for role, column in (("target", target), ("prediction", prediction)):
        if role == "target" or column is not None:
            if not any(column in f.columns for f, _ in frames):
                raise DriftParameterError.invalid(role, func, "a column of the reference or current data",
                                                  column)
    columns = _column_values(frames, target)
    file = columns[0][1]
    values = _distinct(columns, target)
    if not values.labels:
        raise AllMissingError("the target has no value", file=file, column=target,
                              fix="pick the column that holds the outcome, or label some rows")
    if len(values.labels) == 1:
        raise ConstantColumnError(f"the target holds a single value ({_shown(values.labels)}): nothing to "
                                  "predict", file=file, column=target,
                                  fix="pick the column that holds the outcome, with rows of every class")
    notes: list[str] = []
    if task is None:
        task = _guess_task(values, target, file, notes)
    else:
        _check_override(task, values, target, notes)
        if task == "multiclass":
            _check_class_count(values, target, file)
    classes = () if task == "regression" else values.labels
    kind = None
    if prediction is not None:
        kind, classes = _prediction_kind(task, prediction, frames, values, classes, notes)
    probabilities = _probability_columns(frames, classes, task, file)
    if kind == "probability":
        probabilities = {classes[1]: prediction}
    elif probabilities and kind is None:
        kind = "probability" if task == "binary" else "class_probabilities"
        notes.append(f"prediction: per-class probability columns {_shown(list(probabilities.values()))}")
    elif probabilities:
        notes.append(f"per-class probability columns {_shown(list(probabilities.values()))} also found")
    if kind is None:
        notes.append(f"no prediction column and no {PROBA_PREFIX}<class> columns: no model output to study")
    return TaskInfo(task, kind, target, prediction, classes, probabilities, tuple(notes))
