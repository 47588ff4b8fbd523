"""What the subcommands of ``python -m drift`` share: argument types, and errors that name the files.

Each argument type is a function ``text -> value`` for ``argparse``'s ``type=``; a bad value raises
:class:`argparse.ArgumentTypeError`, which argparse prints as a usage error (exit code 2).
"""

from __future__ import annotations

import argparse
import sys

from drift.core.errors import DriftError, DriftInputError

__all__ = ["probability", "non_negative", "positive_int", "name_list", "choice_list", "renamed",
           "with_file_names", "emit"]


def _parsed(text: str, convert, ok, allowed: str):
    """``convert(text)`` when it succeeds and passes ``ok``; otherwise "must be <allowed>, got ..."."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"must be {allowed}, got {text!r}")
    return value


def probability(text: str) -> float:
    """A number strictly between 0 and 1 (``--alpha 0.01``)."""
    return _parsed(text, float, lambda v: 0 < v < 1, "a number in (0, 1)")


def non_negative(text: str) -> float:
    """A finite number >= 0 (``--max-expanded-mb 500``)."""
    return _parsed(text, float, lambda v: 0 <= v < float("inf"), "a finite number >= 0")


def positive_int(text: str) -> int:
    """A whole number >= 1 (``--size 5000``)."""
    return _parsed(text, int, lambda v: v >= 1, "a whole number >= 1")


def name_list(text: str) -> tuple[str, ...]:
    """Comma-separated names, blanks dropped, first occurrence kept (``--mute a,b``)."""
    names = tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    if not names:
        raise argparse.ArgumentTypeError("expected one or more column names separated by commas")
    return names


def choice_list(text: str, choices: tuple[str, ...], what: str) -> tuple[str, ...]:
    """Comma-separated names, each one of ``choices`` (``--detectors features,domain``)."""
    names = tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    bad = [n for n in names if n not in choices]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"unknown {what}(s) {', '.join(bad) or '(none)'}; "
                                         f"choose among {', '.join(choices)}")
    return names


def renamed(err: DriftInputError, file: str) -> DriftInputError:
    """The same error (same class, column and fix) naming ``file`` instead of a side."""
    return type(err)(err.problem, file=file, column=err.column, fix=err.fix)


def with_file_names(err: DriftError, reference: str | None, current: str | None) -> DriftError:
    """``err`` naming the files rather than the sides: the library says ``reference`` / ``current`` for
    in-memory data, a command line user knows the files by name."""
    names = {"reference": reference, "current": current}
    if reference and current:
        names["reference and current"] = f"{reference} and {current}"
    if isinstance(err, DriftInputError) and names.get(err.file):
        return renamed(err, names[err.file])
    return err


def emit(*parts: object) -> None:
    """Progress and errors go to stderr (results go to stdout), flushed at once."""
    print(*parts, file=sys.stderr, flush=True)
