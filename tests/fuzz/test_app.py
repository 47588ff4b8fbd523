"""A subset of the fuzz cases uploaded through the app's file uploaders (AppTest) and shown on the pages:
no exception, no bug notice from the error boundary, refused files named, names never rendered as
Markdown, within the budget."""

from __future__ import annotations

import pytest

import drift
from tests.fuzz.app_surface import SURFACE, run_app
from tests.fuzz.conftest import assert_allowed
from tests.fuzz.corpus import case_names

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def umap_compiled() -> None:
    """UMAP compiled before the first case (seconds once per process): the app's own warm-up thread,
    started by its first run, would otherwise burn CPU seconds charged to the pages."""
    drift.warm_up_umap()


@pytest.mark.parametrize("name", case_names("app"))
def test_app(name: str, corpus, tally, monkeypatch) -> None:
    case = corpus[name]
    for var, value in case.limit_env().items():   # the app reads the DRIFT_MAX_* limits on every load
        monkeypatch.setenv(var, value)
    outcomes, seconds, grown = run_app(case)
    tally.add(outcomes)
    tally.measure(SURFACE, name, seconds, grown)
    assert_allowed(outcomes, case)
