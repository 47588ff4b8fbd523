"""Errors raised by the drift library.

One root, :class:`DriftError` (a ``ValueError``).  Input problems are
:class:`DriftInputError` subclasses that carry the file, the column and the fix,
so a page can show ``str(err)`` as is; wrong parameters raise
:class:`DriftParameterError` with scikit-learn's message template.
"""

from __future__ import annotations

import numpy as np


class DriftError(ValueError):
    """Root of every error the library raises on purpose."""


class DriftParameterError(DriftError):
    """A function was called with a parameter outside its allowed values."""

    @classmethod
    def invalid(cls, name: str, func: str, allowed: str, got: object) -> DriftParameterError:
        """Build the message "The 'bins' parameter of psi_score must be >= 2. Got 1 instead."."""
        return cls(f"The {name!r} parameter of {func} must be {allowed}. Got {got!r} instead.")


class TaskContradictionError(DriftParameterError):
    """A model task given by the caller (``task=``) that the data contradicts.

    The message is the parameter template's; the parts are kept so that a command line can say the same in
    its own terms (its option, not a parameter).

    Attributes
    ----------
    task : str
        The task given.
    column : str
        The column whose values contradict it (the target, or the prediction without a target).
    found : str
        What the column holds, as a predicate: ``"has 442 distinct values (1.5, 2, ...)"``.
    tasks : tuple of str
        The tasks the column fits, best first.
    """

    def __init__(self, message: str, *, task: str, column: str, found: str, tasks: tuple[str, ...]) -> None:
        super().__init__(message)
        self.task, self.column, self.found, self.tasks = task, column, found, tuple(tasks)

    def __reduce__(self):  # keyword-only arguments: keep pickling working (st.cache_data)
        return (_rebuild_task, (str(self), self.task, self.column, self.found, self.tasks))


def _rebuild_task(message, task, column, found, tasks):
    return TaskContradictionError(message, task=task, column=column, found=found, tasks=tasks)


# --- argument checks on the template above -----------------------------------------------------
def is_int(value: object) -> bool:
    """True for a Python or NumPy integer; ``bool`` is not an integer parameter."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """True for a Python or NumPy real number (not ``bool``)."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def check_parameter(ok: bool, name: str, func: str, allowed: str, got: object) -> None:
    """Raise :meth:`DriftParameterError.invalid` ``(name, func, allowed, got)`` unless ``ok``.

    >>> check_parameter(0 < 1.5 < 1, "alpha", "f", "in (0, 1)", 1.5)
    Traceback (most recent call last):
    drift.core.errors.DriftParameterError: The 'alpha' parameter of f must be in (0, 1). Got 1.5 instead.
    """
    if not ok:
        raise DriftParameterError.invalid(name, func, allowed, got)


def check_int(value: object, name: str, func: str, minimum: int) -> None:
    """Require an integer ``>= minimum`` (message: ``"an int >= 2"``)."""
    check_parameter(is_int(value) and value >= minimum, name, func, f"an int >= {minimum}", value)


def check_fraction(value: object, name: str, func: str) -> None:
    """Require a number strictly between 0 and 1 (a level, a confidence, a quantile)."""
    check_parameter(is_number(value) and 0 < value < 1, name, func, "a number in (0, 1)", value)


class DriftInputError(DriftError):
    """Bad input data.  The message names the file, the column (when one is at fault) and the fix.

    Parameters
    ----------
    problem : str
        What was found, e.g. ``"the file is empty"``.
    file : str, optional
        Name of the file (or ``"reference"`` / ``"current"`` for in-memory data).
    column : str, optional
        The offending column.
    fix : str, optional
        What the user can do about it.
    """

    def __init__(self, problem: str, *, file: str | None = None, column: str | None = None,
                 fix: str | None = None) -> None:
        self.problem = problem
        self.file = file
        self.column = column
        self.fix = fix
        where = []
        if file:
            where.append(f"{file}")
        if column is not None:
            where.append(f"column {column!r}")
        text = (": ".join(where) + ": " if where else "") + problem
        if fix:
            text += f". Fix: {fix}"
        super().__init__(text)

    def __reduce__(self):  # keep pickling (st.cache_data, multiprocessing) working with kw-only args
        return (_rebuild, (type(self), self.problem, self.file, self.column, self.fix))


def _rebuild(cls, problem, file, column, fix):
    return cls(problem, file=file, column=column, fix=fix)


# --- file-level problems -----------------------------------------------------------------------
class UnsupportedFormatError(DriftInputError):
    """The file is not CSV/TSV, Parquet, JSON lines or Excel (or is binary junk)."""


class EmptyFileError(DriftInputError):
    """The file has no bytes, no header, or a header without rows."""


class DelimiterError(DriftInputError):
    """The delimiter could not be determined, or every row landed in one column."""


class EncodingError(DriftInputError):
    """The text could not be decoded as UTF-8 or a recognisable legacy encoding."""


class DuplicateColumnsError(DriftInputError):
    """Two columns share one name."""


class TooFewRowsError(DriftInputError):
    """Fewer rows than any test can use."""


class InputTooLargeError(DriftInputError):
    """The file expands past a :class:`drift.core.limits.LoadLimits` bound (bytes, cells, zip members...).

    The message names the file, the limit and its value, and how to raise it.
    """


# --- column-level problems ---------------------------------------------------------------------
class ColumnMismatchError(DriftInputError):
    """A column is present in one file only."""


class MixedTypeError(DriftInputError):
    """A column is numeric on one side and text on the other."""


class TypeChangeError(MixedTypeError):
    """A column changed type between the files: numbers in the reference arrive as true/false or as text
    (or the other way round) in the current file.

    A break in the pipeline, not drift: its distributions are not compared.  ``column`` names the
    column and ``file`` the current file, where the change arrived; the message names both files and
    what the column held in each.  A subclass of :class:`MixedTypeError`, so code that handles mixed
    types keeps working.
    """


class AllMissingError(DriftInputError):
    """A column has no value at all on one side."""


class ConstantColumnError(DriftInputError):
    """A column holds a single value on both sides: nothing to test."""


class InfiniteValuesError(DriftInputError):
    """A numeric column holds +inf or -inf."""


class TooManyCategoriesError(DriftInputError):
    """A categorical column has more distinct values than binning can use."""


class TaskMismatchError(DriftInputError):
    """The target and prediction columns do not fit one task (see :func:`drift.infer_task`): a binary
    target with a prediction outside [0, 1] that is not its labels, class labels the target never holds,
    per-class probability columns for only some classes."""


class UnsupportedValuesError(DriftInputError):
    """Cells a computation cannot use: nested values (dicts, lists, sets), raw bytes where text is needed,
    or text where numbers are needed."""


# --- files the library writes ------------------------------------------------------------------
class OutputPathError(DriftInputError):
    """A path given for an output (report, JSON, CSV) cannot be written."""


class StoreError(DriftInputError):
    """The history store file cannot be used: not a store, another program's database, read-only,
    corrupt, or written by a newer version."""
