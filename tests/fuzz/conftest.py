"""Fixtures of the fuzz suite: the corpus (generated once per session, written to a temporary directory),
the budgeted worker process, the tally of outcomes (printed at the end of the run by ``summary.py``), and
the Hypothesis profile (derandomized: the same examples on every run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz.budget import Worker
from tests.fuzz.corpus import Case, build_corpus, corpus_seed
from tests.fuzz.outcomes import Tally
from tests.fuzz.summary import TALLY_KEY

settings.register_profile("fuzz", derandomize=True, deadline=None, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("fuzz")

@pytest.fixture(scope="session")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="session")
def sentinel_dir(fuzz_dir: Path) -> Path:
    """Where a pickle payload would create its sentinel if it were ever unpickled."""
    path = fuzz_dir / "sentinels"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def corpus(sentinel_dir: Path) -> dict[str, Case]:
    return {case.name: case for case in build_corpus(seed=corpus_seed(), workdir=sentinel_dir)}


@pytest.fixture(scope="session")
def written(corpus: dict[str, Case], fuzz_dir: Path) -> dict[str, tuple[Path, Path]]:
    """Both files of every case, on disk (the library and the CLI read paths; the app gets bytes)."""
    return {name: case.write(fuzz_dir / "files") for name, case in corpus.items()}


@pytest.fixture(scope="session")
def worker():
    process = Worker()
    yield process
    process.close()


@pytest.fixture(scope="session")
def tally(request) -> Tally:
    return request.config.stash.setdefault(TALLY_KEY, Tally())


def assert_allowed(outcomes, case: Case) -> None:
    """Every outcome allowed, and the case's pickle payload (if any) never ran."""
    bad = [str(o) for o in outcomes if not o.allowed]
    if case.sentinel is not None and case.sentinel.exists():
        bad.append(f"{case.name}: the pickle payload ran ({case.sentinel} was created)")
    assert not bad, "\n".join(bad)
