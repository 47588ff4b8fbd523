"""What one call on one fuzz case gave, and whether that is allowed.

Every call of every surface ends in one of five kinds (:data:`KINDS`):

* ``drift_error`` — a :class:`~drift.core.errors.DriftError` with a usable message (an input error names a
file
  and a fix; a load error names the very file loaded);
* ``result`` — a result that passed the checks of its step;
* ``other`` — any other exception (a traceback: a bug);
* ``over_budget`` — more than :data:`TIME_BUDGET` CPU seconds, or a peak memory growth over
  :data:`MEMORY_BUDGET_MB` (see :mod:`tests.fuzz.budget`);
* ``wrong`` — a result that failed its checks, a ``DriftError`` without file or fix, or not the outcome
  the case expects (a refusal where a table was expected, a table where a refusal was, another error class).

Only the first two are allowed.  :class:`Tally` counts outcomes by surface for the closing report.
"""

from __future__ import annotations

import math
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass
from typing import Any

from drift.core.errors import DriftError, DriftInputError

KINDS = ("drift_error", "result", "other", "over_budget", "wrong")
ALLOWED = ("drift_error", "result")
LABELS = {"drift_error": "DriftError", "result": "correct result", "other": "other exception",
          "over_budget": "over budget", "wrong": "wrong result"}
SURFACES = ("library", "cli", "app")
#: CPU seconds one case may take on one surface (the whole chain of calls; the app: one page run).
TIME_BUDGET = 10.0
#: Growth of the peak resident memory over the level before the case, in MiB.
MEMORY_BUDGET_MB = 500.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """One call of one surface on one case."""

    surface: str
    case: str
    step: str
    kind: str
    detail: str = ""
    seconds: float = 0.0

    @property
    def allowed(self) -> bool:
        return self.kind in ALLOWED

    def __str__(self) -> str:
        return (f"[{self.surface}] {self.case} / {self.step}: {LABELS[self.kind]} ({self.seconds:.1f} s) "
                f"{self.detail}")


def message_flaw(err: DriftError, file: str | None = None) -> str | None:
    """Why a DriftError's message is not good enough, or ``None``: an input error must name a file (``file``
    itself when given) and a fix."""
    if not str(err).strip():
        return "empty message"
    if isinstance(err, DriftInputError):
        if not err.file:
            return "names no file"
        if file is not None and file not in err.file:
            return f"names {err.file!r}, not the file {file!r}"
        if not err.fix:
            return "gives no fix"
    return None


def attempt(surface: str, case: str, step: str, call: Callable[[], Any],
            check: Callable[[Any], Iterable[str]] = lambda value: (), *,
            expected_error: type[DriftError] | None = None, file: str | None = None,
            required: bool = False, words: tuple[str, ...] = ()) -> tuple[Outcome, Any]:
    """Run ``call`` and classify what it gave.

    Parameters
    ----------
    check : callable
        The problems of a returned value (empty when the result is correct).
    expected_error : DriftError subclass, optional
        The call must raise this (a result, or another error, is ``wrong``); by default a result is expected
        but any well-formed ``DriftError`` is allowed.
    file : str, optional
        The file a ``DriftInputError`` must name.
    required : bool, default False
        A result is required: even a well-formed ``DriftError`` is ``wrong`` (the case expects a result).
    words : tuple of str
        Words the message of the expected error must hold.

    Returns
    -------
    (Outcome, value)
        ``value`` is the call's result, or ``None`` when it raised.
    """
    started = time.perf_counter()

    def outcome(kind: str, detail: str = "") -> Outcome:
        return Outcome(surface, case, step, kind, detail, time.perf_counter() - started)

    try:
        value = call()
    except DriftError as err:
        flaw = message_flaw(err, file)
        if flaw is not None:
            return outcome("wrong", f"{type(err).__name__} {flaw}: {err}"), None
        if expected_error is not None and not isinstance(err, expected_error):
            return outcome("wrong", f"expected {expected_error.__name__}, got {type(err).__name__}: "
                                    f"{err}"), None
        if required:
            return outcome("wrong", f"expected a result, got {type(err).__name__}: {err}"), None
        missing = [w for w in words if w not in str(err)]
        if missing:
            return outcome("wrong", f"the message lacks {missing}: {err}"), None
        return outcome("drift_error", f"{type(err).__name__}: {err}"), None
    except Exception:  # noqa: BLE001 - what the fuzz suite is looking for
        return outcome("other", traceback.format_exc(limit=-8)), None
    if expected_error is not None:
        return outcome("wrong", f"expected {expected_error.__name__}, got a result"), value
    try:
        problems = list(check(value))
    except Exception:  # noqa: BLE001 - a check that cannot even read the result: the result is wrong
        problems = [f"the result cannot be checked: {traceback.format_exc(limit=-3)}"]
    if problems:
        return outcome("wrong", "; ".join(problems)), value
    return outcome("result"), value


def in_unit_interval(value: float) -> bool:
    """``nan`` (with a note somewhere) or a number in [0, 1]."""
    return value is None or math.isnan(value) or 0.0 <= value <= 1.0


class Tally:
    """Outcomes of every surface, counted by case (the worst outcome of a case's calls) for the report."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self.measures: list[tuple[str, str, float, float]] = []

    def add(self, outcomes: Iterable[Outcome]) -> None:
        self.outcomes.extend(outcomes)

    def measure(self, surface: str, case: str, seconds: float, peak_mb: float) -> None:
        """What one case cost on one surface: seconds and growth of the peak memory (MiB)."""
        self.measures.append((surface, case, seconds, peak_mb))

    def to_wire(self) -> dict[str, list[tuple]]:
        """The tally as plain lists of tuples (what a pytest-xdist worker can send to the controller)."""
        return {"outcomes": [astuple(o) for o in self.outcomes], "measures": list(self.measures)}

    def merge(self, wire: dict[str, list[tuple]]) -> None:
        """Add a tally sent by :meth:`to_wire` (another process's share of the run)."""
        self.outcomes.extend(Outcome(*fields) for fields in wire["outcomes"])
        self.measures.extend(tuple(m) for m in wire["measures"])

    def by_case(self, surface: str) -> Counter:
        """Cases of ``surface`` by their worst outcome (a case counts once)."""
        rank = {kind: i for i, kind in enumerate(("result", "drift_error", "wrong", "over_budget", "other"))}
        worst: dict[str, str] = {}
        for o in self.outcomes:
            if o.surface == surface and rank[o.kind] >= rank.get(worst.get(o.case, "result"), 0):
                worst[o.case] = o.kind
        return Counter(worst.values())

    def by_call(self, surface: str) -> Counter:
        return Counter(o.kind for o in self.outcomes if o.surface == surface)

    def lines(self) -> list[str]:
        """The closing table: cases x surface by outcome, then every outcome that is not allowed."""
        head = f"{'surface':<8} {'cases':>5} {'calls':>5}  " + "  ".join(f"{LABELS[k]:>15}" for k in KINDS)
        rows = [head]
        for surface in SURFACES:
            cases, calls = self.by_case(surface), self.by_call(surface)
            if not calls:
                continue
            rows.append(f"{surface:<8} {sum(cases.values()):>5} {sum(calls.values()):>5}  "
                        + "  ".join(f"{cases.get(k, 0):>15}" for k in KINDS))
        for surface in SURFACES:
            costs = [m for m in self.measures if m[0] == surface]
            if costs:
                slow, big = max(costs, key=lambda m: m[2]), max(costs, key=lambda m: m[3])
                rows.append(f"{surface}: slowest case {slow[2]:.1f} s ({slow[1]}), largest memory growth "
                            f"{big[3]:.0f} MiB ({big[1]})")
        bad = [o for o in self.outcomes if not o.allowed]
        budget = f"budget per case {TIME_BUDGET:g} s, {MEMORY_BUDGET_MB:g} MiB"
        rows += [f"(cases counted by their worst call; {budget})", f"not allowed: {len(bad)}"]
        return rows + [str(o) for o in bad]
