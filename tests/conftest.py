"""Shared pytest setup: the repository root and the sample files, for app and browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_REFERENCE = ROOT / "data" / "credit_reference_sample.csv"
SAMPLE_PRODUCTION = ROOT / "data" / "credit_production_sample.csv"


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
