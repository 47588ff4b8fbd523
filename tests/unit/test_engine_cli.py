"""``python -m drift check --engine duckdb`` on a Parquet file larger than pandas can hold in the test's
memory budget, and the CLI's profile options.

The budget is an address-space limit (``RLIMIT_AS``) on the subprocess: 12 million rows × 10 integer
columns (a 45 MB file, ~1 GB as int64 in memory, about twice that while pyarrow converts it) cannot be
read by ``pandas.read_parquet`` under 2 GiB, while DuckDB streams it with a 200 MB memory limit.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.unit.test_features_equality import mixed_frames

ROOT = Path(__file__).resolve().parents[2]
#: Address space allowed to each subprocess.
BUDGET = 2 * 2**30
ROWS, COLUMNS = 12_000_000, 10


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (BUDGET, BUDGET))


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          preexec_fn=_limited)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS as Linux applies it")
def test_check_runs_out_of_core_where_pandas_cannot_read_the_file(tmp_path):
    big = tmp_path / "big.parquet"
    con = duckdb.connect()
    cols = ", ".join(f"(hash(i * {k + 1}) % 5)::BIGINT AS i{k}" for k in range(COLUMNS))
    con.execute(f"COPY (SELECT {cols} FROM range({ROWS}) t(i)) TO '{big}' (FORMAT parquet)")
    con.close()
    pandas = _run(["-c", f"import pandas as pd; pd.read_parquet({str(big)!r})"])
    assert pandas.returncode != 0 and ("MemoryError" in pandas.stderr or "bad_alloc" in pandas.stderr)
    duck = _run(["-m", "drift", "check", "--engine", "duckdb", "--memory-limit", "200MB", "--threads", "2",
                 "--reference", str(big), "--current", str(big)])
    assert duck.returncode == 0, duck.stderr
    assert f"big.parquet ({ROWS:,} rows): ok — 0 of {COLUMNS} feature(s)" in duck.stdout


def test_save_and_reuse_a_profile(tmp_path):
    ref, cur = mixed_frames(300, 250, 1)
    ref.to_parquet(tmp_path / "ref.parquet", index=False)
    cur.to_parquet(tmp_path / "cur.parquet", index=False)
    first = subprocess.run([sys.executable, "-m", "drift", "check", "--engine", "duckdb", "--reference",
                            str(tmp_path / "ref.parquet"), "--current", str(tmp_path / "cur.parquet"),
                            "--save-profile", str(tmp_path / "profile")], cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    again = subprocess.run([sys.executable, "-m", "drift", "check", "--reference-profile",
                            str(tmp_path / "profile"), "--current", str(tmp_path / "cur*.parquet")],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert first.returncode == again.returncode == 1, first.stderr + again.stderr
    assert first.stdout == again.stdout.replace("cur*.parquet", "cur.parquet") and "FAIL" in first.stdout
    assert (tmp_path / "profile" / "manifest.json").is_file()


def test_profile_options_need_the_duckdb_engine(tmp_path):
    ref, _ = mixed_frames(300, 250, 1)
    ref.to_csv(tmp_path / "ref.csv", index=False)
    run = subprocess.run([sys.executable, "-m", "drift", "check", "--reference", str(tmp_path / "ref.csv"),
                          "--current", str(tmp_path / "ref.csv"), "--save-profile", str(tmp_path / "p")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "--engine duckdb" in run.stderr
