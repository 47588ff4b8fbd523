"""Regenerate the credit sample files in ``data/`` from the seeded generator.

Usage::

    .venv/bin/python data/make_samples.py            # writes next to this script
    .venv/bin/python data/make_samples.py --out DIR  # writes into DIR

Writes ``credit_reference_sample.csv`` (the first 3,000 rows of the reference: features, ``default``,
``score``) and ``credit_production_sample.csv`` (the first 1,000 rows of three production months --
2025-01 clean, 2025-03 covariate shift, 2025-05 income recorded in thousands -- with ``batch`` and
``month``), all from ``drift.data.scenarios.credit.generate()`` with its defaults (seed 0).  The reference
rows are i.i.d., so its first rows are a random sample of it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the repository's `drift` importable
    sys.path.insert(0, str(ROOT))

from drift.data.scenarios.base import Scenario  # noqa: E402
from drift.data.scenarios.credit import generate  # noqa: E402

REFERENCE_FILE = "credit_reference_sample.csv"
PRODUCTION_FILE = "credit_production_sample.csv"
REFERENCE_ROWS = 3_000
PRODUCTION_ROWS_PER_BATCH = 1_000
#: A clean month, the covariate-shift month, the income-in-thousands month.
PRODUCTION_BATCHES = ("2025-01", "2025-03", "2025-05")


def build_samples(scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two sample tables cut from a credit scenario: (reference sample, production sample)."""
    reference = scenario.reference.head(REFERENCE_ROWS).reset_index(drop=True)
    parts = [scenario.get_batch(b).head(PRODUCTION_ROWS_PER_BATCH) for b in PRODUCTION_BATCHES]
    production = pd.concat(parts, ignore_index=True)
    return reference, production


def write_samples(scenario: Scenario, out_dir: str | Path) -> tuple[Path, Path]:
    """Write both sample CSVs (UTF-8, comma, header, no index) into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    reference, production = build_samples(scenario)
    paths = out / REFERENCE_FILE, out / PRODUCTION_FILE
    for frame, path in zip((reference, production), paths, strict=True):
        frame.to_csv(path, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return paths


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent), help="output folder")
    args = parser.parse_args(argv)
    for path in write_samples(generate(), args.out):
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
