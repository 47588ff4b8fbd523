"""Shared pytest setup: the repository root and the sample files, for app and browser tests; the fuzz
suite's closing table (a plugin, so it prints under pytest-xdist too); the order of files under xdist; a
disk cache of the session's own (never the user's ``~/.cache``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_REFERENCE = ROOT / "data" / "credit_reference_sample.csv"
SAMPLE_PRODUCTION = ROOT / "data" / "credit_production_sample.csv"

pytest_plugins = ("tests.fuzz.summary",)


def pytest_collection_modifyitems(config, items) -> None:
    """On a pytest-xdist worker, the browser tests that use the session's streamlit server come first.

    ``make test`` runs ``--dist loadfile --no-loadscope-reorder``: each file stays on one worker (module-
    and session-scoped fixtures are built once per worker) and the workers take files in this order, so
    the longest files — the browser tests, one server per worker (tests/e2e/conftest.py), then the files of
    :data:`LONG_FILES` — start first and the many short unit files fill in at the end.  (``--dist
    loadgroup`` would keep all browser tests on one worker, but pytest-xdist 3.8 cannot rename the node
    ids of pytest 9.2, so its groups are lost.)
    """
    if hasattr(config, "workerinput"):   # set on pytest-xdist workers only; the order must be the same
        items.sort(key=lambda item: (not uses_session_server(item), item.path.name not in LONG_FILES))


#: Files holding a test of a minute or more, or many of half a minute (``--durations`` of a full run,
#: 2026-12-06): scheduled right after the browser tests, so no worker starts one of them last while the
#: other sits idle.
LONG_FILES = frozenset({"test_scorecard.py", "test_monitor_pages.py", "test_cache.py", "test_diagnosis.py",
                        "test_sentiment.py", "test_prediction_performance.py", "test_diagnosis_pages.py",
                        "test_monitor.py", "test_text_pages.py"})


def uses_session_server(item) -> bool:
    """Whether ``item`` is a browser test on the session's server (not a module's own ``server``)."""
    return "server" in item.fixturenames and not hasattr(getattr(item, "module", None), "server")


@pytest.fixture(scope="session", autouse=True)
def session_disk_cache(tmp_path_factory, worker_id) -> Iterator[Path]:
    """``DRIFT_CACHE_DIR`` for the whole run (app tests and the browser tests' servers inherit it).

    Under pytest-xdist every worker (and every server it starts) shares one folder of the run's base
    temporary directory, so a scenario's results computed on one worker are read, not recomputed, on the
    other.  Entries are written atomically (:mod:`drift.core.diskcache`); two workers that compute the same
    entry at once both store it and the last rename wins.
    """
    if worker_id == "master":
        folder = tmp_path_factory.mktemp("drift-cache")
    else:
        folder = tmp_path_factory.getbasetemp().parent / "drift-cache"
        folder.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRIFT_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (where app.py lives)."""
    return ROOT


@pytest.fixture(scope="session")
def sample_files() -> tuple[Path, Path]:
    """The credit-scoring sample CSVs shipped in data/ (reference, production)."""
    for path in (SAMPLE_REFERENCE, SAMPLE_PRODUCTION):
        if not path.is_file():
            pytest.fail(f"sample file {path.relative_to(ROOT)} is missing; it ships with the repository")
    return SAMPLE_REFERENCE, SAMPLE_PRODUCTION
