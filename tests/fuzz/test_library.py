"""Every fuzz case through the library (load, schema, validation, drift, diagnosis, multivariate tests) in
a worker process, under a time and memory budget: a DriftError or a correct result, never anything else."""

from __future__ import annotations

import pytest

from tests.fuzz.budget import Measured
from tests.fuzz.conftest import assert_allowed
from tests.fuzz.corpus import case_names
from tests.fuzz.library import SURFACE, run_library
from tests.fuzz.outcomes import MEMORY_BUDGET_MB, TIME_BUDGET, Outcome


def budget_outcomes(name: str, measured: Measured) -> list[Outcome]:
    """The chain's outcomes, plus one for the budget when the chain as a whole passed it."""
    if measured.killed:
        return [Outcome(SURFACE, name, "whole chain", "over_budget",
                        f"stopped: {measured.killed} ({measured.seconds:.1f} s, +{measured.peak_mb:.0f} MiB)",
                        measured.seconds)]
    if measured.error:
        return [Outcome(SURFACE, name, "whole chain", "other", measured.error, measured.seconds)]
    outcomes = list(measured.value)
    if measured.seconds > TIME_BUDGET or measured.peak_mb > MEMORY_BUDGET_MB:
        outcomes.append(Outcome(SURFACE, name, "budget", "over_budget",
                                f"{measured.seconds:.1f} s, peak +{measured.peak_mb:.0f} MiB",
                                measured.seconds))
    return outcomes


@pytest.mark.parametrize("name", case_names())
def test_library(name: str, corpus, written, worker, tally) -> None:
    case = corpus[name]
    measured = worker.run(run_library, case, written[name], seconds=TIME_BUDGET, memory_mb=MEMORY_BUDGET_MB)
    outcomes = budget_outcomes(name, measured)
    tally.add(outcomes)
    tally.measure(SURFACE, name, measured.seconds, measured.peak_mb)
    assert_allowed(outcomes, case)
