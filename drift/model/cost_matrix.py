"""The inputs of a multiclass model's business impact: the volume and a cost matrix, checked.

:func:`multiclass_inputs` builds :class:`MulticlassInputs` (which figures are assumed, as every task's
inputs); :func:`resolved_cost_matrix` lays the matrix over a model's classes.  The matrix is indexed (true
class, predicted class): rows the true class, columns the decision.  Its rules: square, at least 2 classes,
finite, non-negative; a DataFrame is matched to the classes by its labels (as text), an array is in the
classes' order (:func:`drift.data.task.sorted_labels`); a non-zero diagonal (a right decision that still
costs) is allowed, with a note.  Without a matrix every error costs :data:`DEFAULT_ERROR_COST` and a right
decision 0.  Every problem raises :class:`~drift.core.errors.DriftParameterError` naming the fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from drift.core.errors import DriftParameterError
from drift.core.jsonsafe import python_scalar
from drift.model.pricing import AssumedInputs, check_figures, format_money, supplied_names

#: The inputs of a multiclass model's impact, in display order, and their plain names.
MULTICLASS_INPUT_NAMES = ("decisions_per_month", "cost_matrix")
MULTICLASS_INPUT_LABELS = {"decisions_per_month": "decisions per month", "cost_matrix": "cost matrix"}
#: Default volume (as the binary default) and the cost of one error under the default matrix ``1 − I``.
DEFAULT_DECISIONS_PER_MONTH = 10_000.0
DEFAULT_ERROR_COST = 1.0


@dataclass(frozen=True, slots=True)
class MulticlassInputs(AssumedInputs):
    """The business figures of a multiclass model's impact, and which of them the user supplied.

    Build it with :func:`multiclass_inputs` (defaults and checks).

    Attributes
    ----------
    decisions_per_month : float
    cost_matrix : tuple of tuple of float, or None
        Rows the true class, columns the predicted class; None: every error costs
        :data:`DEFAULT_ERROR_COST`, a right decision 0.
    labels : tuple or None
        The classes of the matrix's rows and columns (in that order); None: the model's classes in the
        library's order (:func:`drift.data.task.sorted_labels`).
    supplied : frozenset of str
    currency : str
    """

    NAMES: ClassVar[tuple[str, ...]] = MULTICLASS_INPUT_NAMES
    LABELS: ClassVar[dict[str, str]] = MULTICLASS_INPUT_LABELS
    TASK: ClassVar[str] = "multiclass"

    decisions_per_month: float
    cost_matrix: tuple[tuple[float, ...], ...] | None
    labels: tuple | None
    supplied: frozenset[str]
    currency: str = "$"

    def value(self, name: str):
        """The value of input ``name`` (the matrix as nested lists, None for the default)."""
        if name == "cost_matrix":
            return None if self.cost_matrix is None else [list(row) for row in self.cost_matrix]
        return float(getattr(self, name))

    def display(self, name: str) -> str:
        """``10,000``; ``default (every error costs $1.00, …)`` or ``3×3 matrix ($1.00 to $20.00 …)``."""
        if name == "decisions_per_month":
            return f"{self.decisions_per_month:,.0f}"
        if self.cost_matrix is None:
            return (f"default (every error costs {format_money(DEFAULT_ERROR_COST, self.currency)}, a right "
                    f"decision {format_money(0, self.currency)})")
        m = np.asarray(self.cost_matrix)
        off = m[~np.eye(len(m), dtype=bool)]
        k = len(m)
        return (f"{k}×{k} matrix ({format_money(off.min(), self.currency)} to "
                f"{format_money(off.max(), self.currency)} per error)")

    def to_dict(self) -> dict:
        out = AssumedInputs.to_dict(self)
        out["cost_matrix"]["classes"] = (None if self.labels is None
                                         else [python_scalar(c) for c in self.labels])
        return out


def cost_matrix_error(found: str, fix: str) -> DriftParameterError:
    """``The 'cost_matrix' parameter {found}. Fix: {fix}.``"""
    return DriftParameterError(f"The 'cost_matrix' parameter {found}. Fix: {fix}.")


def _checked_matrix(cost_matrix) -> tuple[tuple[tuple[float, ...], ...], tuple | None]:
    """The matrix as nested tuples and its labels (a DataFrame's), checked square, finite, non-negative."""
    labels = None
    if isinstance(cost_matrix, pd.DataFrame):
        rows, cols = list(cost_matrix.index), list(cost_matrix.columns)
        if len(set(map(str, rows))) != len(rows) or set(map(str, rows)) != set(map(str, cols)):
            raise cost_matrix_error(f"has rows {rows!r} and columns {cols!r}",
                                    "label the rows (true class) and the columns (predicted class) with the "
                                    "same classes, once each")
        position = {str(c): j for j, c in enumerate(cols)}
        cost_matrix = cost_matrix.iloc[:, [position[str(r)] for r in rows]]
        labels = tuple(python_scalar(r) for r in rows)
    try:
        m = np.asarray(cost_matrix, dtype=np.float64)
    except (TypeError, ValueError):
        raise cost_matrix_error("holds values that are not numbers", "give a cost (a number >= 0) in every "
                                "cell") from None
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] < 2:
        raise cost_matrix_error(f"must be square with at least 2 classes; got shape {m.shape}",
                                "give one row (true class) and one column (predicted class) per class")
    if not np.isfinite(m).all():
        raise cost_matrix_error("holds a missing or infinite cost", "give a finite cost in every cell")
    if (m < 0).any():
        j, k = np.argwhere(m < 0)[0]
        raise cost_matrix_error(f"holds a negative cost ({m[j, k]:g} in row {int(j)}, column {int(k)})",
                                "give costs >= 0 (a saving is a smaller cost, not a negative one)")
    return tuple(tuple(float(v) for v in row) for row in m), labels


def multiclass_inputs(*, decisions_per_month: float | None = None, cost_matrix=None,
                      supplied: Iterable[str] | None = None, currency: str = "$") -> MulticlassInputs:
    """The inputs of :func:`multiclass_impact`, with defaults for those not given.

    Parameters
    ----------
    decisions_per_month : float, optional
        Default :data:`DEFAULT_DECISIONS_PER_MONTH`.
    cost_matrix : DataFrame or 2-D array-like, optional
        Rows the true class, columns the predicted class.  A DataFrame is matched to the classes by its
        labels (as text); an array is in the classes' order (:func:`drift.data.task.sorted_labels`).  Default:
        every error costs :data:`DEFAULT_ERROR_COST`, a right decision 0.
    supplied : iterable of str, optional
        The names the user supplied; default those given a value here.
    currency : str, default "$"

    Raises
    ------
    DriftParameterError
        A negative or non-finite volume; a matrix that is not square, has fewer than 2 classes, other labels
        on its rows than on its columns, or a missing, infinite, negative or non-numeric cost.
    """
    func = "multiclass_inputs"
    given = {"decisions_per_month": decisions_per_month, "cost_matrix": cost_matrix}
    check_figures({"decisions_per_month": decisions_per_month}, func)
    names = supplied_names(given, supplied, func, currency)
    matrix, labels = (None, None) if cost_matrix is None else _checked_matrix(cost_matrix)
    volume = DEFAULT_DECISIONS_PER_MONTH if decisions_per_month is None else float(decisions_per_month)
    return MulticlassInputs(volume, matrix, labels, names, currency)


def load_cost_matrix(path_or_buffer, *, name: str | None = None) -> pd.DataFrame:
    """A cost matrix from a file (CSV, TSV, Excel…, read by :func:`drift.load_table`): the first column holds
    the true classes, the header row the predicted classes (its first cell is free: ``true``, or empty).

    Returns the matrix as a DataFrame (index the true class, columns the predicted class) for
    :func:`multiclass_inputs`, which checks it.  Raises DriftInputError naming the file when it has fewer
    than 2 classes.
    """
    from drift.core.errors import DriftInputError
    from drift.data.io import load_table  # deferred: the file readers

    table = load_table(path_or_buffer)
    file = name or str(getattr(path_or_buffer, "name", path_or_buffer))
    if table.shape[1] < 3 or len(table) < 2:
        raise DriftInputError(f"a cost matrix needs a column of true classes and one column per predicted "
                              f"class, at least 2 of each; got {len(table)} row(s) and {table.shape[1]} "
                              "column(s)", file=file,
                              fix="write one row per true class: its name, then its cost for each predicted "
                                  "class, under a header row naming the predicted classes")
    matrix = table.set_index(table.columns[0])
    matrix.index = [python_scalar(v) for v in matrix.index]
    return matrix


def resolved_cost_matrix(inputs: MulticlassInputs, classes: Sequence) -> tuple[np.ndarray, list[str]]:
    """The cost matrix over ``classes`` (in that order) and notes; the default is ``1 − I`` times
    :data:`DEFAULT_ERROR_COST`.

    Raises DriftParameterError when the matrix has another size than the classes (an unlabelled matrix) or
    lacks a class (a labelled one).  Labels of the matrix that are not classes are left out, with a note.
    """
    classes = tuple(classes)
    k = len(classes)
    if inputs.cost_matrix is None:
        return DEFAULT_ERROR_COST * (1 - np.eye(k)), []
    m = np.asarray(inputs.cost_matrix)
    shown = ", ".join(repr(python_scalar(c)) for c in classes)
    notes = []
    if inputs.labels is None:
        if len(m) != k:
            raise cost_matrix_error(f"is {len(m)}×{len(m)} but the model has {k} classes ({shown})",
                                    f"give a {k}×{k} matrix in that order, or a DataFrame labelled by class")
    else:
        position = {str(c): j for j, c in enumerate(inputs.labels)}
        missing = [c for c in classes if str(c) not in position]
        if missing:
            raise cost_matrix_error(f"has no row and column for class {python_scalar(missing[0])!r} "
                                    f"(classes: {shown})", "add a row and a column for every class")
        extra = [c for c in inputs.labels if str(c) not in {str(x) for x in classes}]
        if extra:
            notes.append("cost matrix labels that are not classes of the data left out: "
                         + ", ".join(repr(c) for c in extra))
        order = [position[str(c)] for c in classes]
        m = m[np.ix_(order, order)]
    if np.diag(m).any():
        notes.append("the cost matrix charges some right decisions (its diagonal is not zero): those costs "
                     "count in every figure")
    return m, notes
