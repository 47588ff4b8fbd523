"""The fuzz suite's closing table, printed at the end of the run, with or without pytest-xdist.

A plugin (registered by ``tests/conftest.py``), because the table is printed by the process that
reports: without xdist that is the one running the tests; with xdist it is the controller, which runs
no test and never loads ``tests/fuzz/conftest.py``.  Each worker sends its share of the tally back with
its results (``workeroutput``), and the controller adds the shares up before it prints.
"""

from __future__ import annotations

import pytest

from tests.fuzz.corpus import corpus_seed
from tests.fuzz.outcomes import Tally

TALLY_KEY = pytest.StashKey[Tally]()
#: Key of the tally in the ``workeroutput`` a pytest-xdist worker sends to the controller.
WIRE_KEY = "fuzz_tally"


def pytest_sessionfinish(session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)   # set on an xdist worker only
    tally = session.config.stash.get(TALLY_KEY, None)
    if workeroutput is not None and tally is not None:
        workeroutput[WIRE_KEY] = tally.to_wire()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    wire = getattr(node, "workeroutput", {}).get(WIRE_KEY)
    if wire:
        node.config.stash.setdefault(TALLY_KEY, Tally()).merge(wire)


def pytest_terminal_summary(terminalreporter, config) -> None:
    tally = config.stash.get(TALLY_KEY, None)
    if tally is not None and tally.outcomes:
        terminalreporter.section(f"fuzz outcomes (corpus seed {corpus_seed()})")
        for line in tally.lines():
            terminalreporter.write_line(line)
