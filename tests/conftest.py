"""Shared pytest setup: the repository root and the sample files, for app and browser tests; the fuzz
suite's closing table (a plugin, so it prints under pytest-xdist too); how pytest-xdist groups tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_REFERENCE = ROOT / "data" / "credit_reference_sample.csv"
SAMPLE_PRODUCTION = ROOT / "data" / "credit_production_sample.csv"
#: The pytest-xdist group of the browser tests that share the session's streamlit server.
SESSION_SERVER_GROUP = "e2e-session-server"

pytest_plugins = ("tests.fuzz.summary",)


def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist (``--dist loadgroup``), keep each test file on one worker, as ``loadfile`` does
    (module- and session-scoped fixtures are built once), and every browser test that uses the session's
    streamlit server on the same worker (one server, one warm cache; see tests/e2e/conftest.py)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        shares_server = "server" in item.fixturenames and not hasattr(getattr(item, "module", None), "server")
        group = SESSION_SERVER_GROUP if shares_server else item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))


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
