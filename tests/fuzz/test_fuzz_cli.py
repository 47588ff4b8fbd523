"""A representative subset of the fuzz cases through ``python -m drift check`` and ``report`` (real
processes): exit 0, 1 or 2 with a message naming the file, never 3 nor a traceback, within the budget."""

from __future__ import annotations

import pytest

from tests.fuzz.command_line import COMMANDS, SURFACE, run_cli
from tests.fuzz.conftest import assert_allowed
from tests.fuzz.corpus import case_names

pytestmark = pytest.mark.slow

#: The clean pair runs first: its peak memory is the baseline the other cases are measured against.
BASELINE = "clean_pair"


RUNS = sorted(((name, command) for command in COMMANDS for name in case_names(command)),
              key=lambda run: run[0] != BASELINE)


@pytest.fixture(scope="module")
def baseline(corpus, written, fuzz_dir) -> dict[str, tuple]:
    """Each command on the clean pair: its outcome and its peak RSS (interpreter and imports)."""
    return {command: run_cli(command, corpus[BASELINE], written[BASELINE], fuzz_dir / "cli")
            for command in COMMANDS}


@pytest.mark.parametrize("name, command", RUNS)
def test_cli(name: str, command: str, corpus, written, fuzz_dir, baseline, tally) -> None:
    case = corpus[name]
    base_outcome, base_peak = baseline[command]
    if name == BASELINE:
        outcome, peak = base_outcome, base_peak
    else:
        outcome, peak = run_cli(command, case, written[name], fuzz_dir / "cli", baseline_mb=base_peak)
    tally.add([outcome])
    tally.measure(SURFACE, f"{name} ({command})", outcome.seconds, peak - base_peak)
    assert_allowed([outcome], case)
