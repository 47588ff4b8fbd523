"""HistoryStore: round trip, one transaction per batch, a writer killed mid-batch, readers during writes."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import drift.monitoring.store as store_module
from drift import DriftError, DriftInputError, DriftParameterError
from drift.core.errors import StoreError
from drift.data.scenarios import load_scenario
from drift.monitoring.monitor import monitor
from drift.monitoring.store import SCHEMA_VERSION, HistoryStore, default_store_path

ROOT = Path(__file__).resolve().parents[2]


def metric_rows(k: int, n: int = 20) -> list[dict]:
    """``n`` metrics for batch ``k``; every third one alerts."""
    return [{"metric": f"m{j}", "detector": "features", "value": k + j / 100, "threshold": 0.5,
             "direction": "up", "alert": j % 3 == 0} for j in range(n)]


@pytest.fixture(scope="module")
def small_result():
    sc = load_scenario("credit", n_train=1000, batch_size=300)
    return monitor(sc.reference, sc.current, batch_col="batch", target="default", prediction="score",
                   detectors=("features", "prediction", "performance", "quality"), n_calibration=5)


def test_created_on_first_use_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("DRIFT_EXPLORER_DATA", str(tmp_path / "data"))
    assert default_store_path() == tmp_path / "data" / "history.sqlite"
    store = HistoryStore()
    assert not store.path.exists()
    assert store.runs().empty
    assert store.path.is_file() and store.schema_version == SCHEMA_VERSION == 1
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"runs", "batches", "metrics", "alerts", "features", "actions"} <= tables
    monkeypatch.delenv("DRIFT_EXPLORER_DATA")
    assert default_store_path() == Path.home() / ".drift-explorer" / "history.sqlite"


def test_monitor_result_round_trip(tmp_path, small_result):
    store = HistoryStore(tmp_path / "h.sqlite")
    run = store.record_monitor(small_result, reference_name="credit")
    assert store.runs().loc[0, "params"]["n_calibration"] == 5
    batches = store.batches(run)
    assert list(batches["label"]) == small_result.labels and list(batches["position"]) == list(range(12))
    assert list(batches["status"]) == list(small_result.batches["status"])
    stored = store.metrics(run)
    expected = small_result.metrics
    assert list(stored["metric"]) == list(expected["metric"])
    np.testing.assert_allclose(stored["value"], expected["value"].astype(float))
    np.testing.assert_allclose(stored["threshold"], expected["threshold"].astype(float))   # nan stays nan
    assert (stored["alert"].to_numpy() == expected["alert"].to_numpy()).all()
    pd.testing.assert_frame_equal(store.wide(run), small_result.wide(), check_dtype=False, check_names=False)
    pd.testing.assert_frame_equal(store.severity(run), small_result.severity, check_names=False)
    assert list(store.alerts(run)["reason"]) == list(small_result.alerts["reason"])
    assert batches.loc[4, "metrics"]["quality_issues"] == 1.0                              # 2025-05
    assert store.alerts(run, batch="2025-05")["detector"].tolist()[-1] == "quality"
    assert list(store.metrics(run, metric="max_psi")["batch"]) == small_result.labels
    # appending the same result again: an error, or nothing with skip_existing
    with pytest.raises(DriftInputError, match="already recorded"):
        store.record_monitor(small_result, run_id=run)
    store.record_monitor(small_result, run_id=run, skip_existing=True)
    assert len(store.batches(run)) == 12


def test_actions_log(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite")
    run = store.start_run("pricing", source="autopilot", params={"policy": "drift-triggered"})
    store.record_action(run, 3, "retrain", reason="PSI above threshold", cost=250.0, details={"window": 4})
    store.record_action(run, 1, "alert", reason="first signs")
    log = store.actions(run)
    assert list(log["step"]) == [1, 3] and list(log["action"]) == ["alert", "retrain"]
    assert log.loc[1, "details"] == {"window": 4} and log.loc[1, "cost"] == 250.0
    with pytest.raises(DriftInputError, match="no run 99"):
        store.record_action(99, 1, "retrain")
    assert store.find_run("pricing", source="autopilot", params={"policy": "drift-triggered"}) == run
    assert store.find_run("pricing", source="autopilot", params={"policy": "never"}) is None


def test_an_error_inside_the_transaction_writes_nothing(tmp_path, monkeypatch):
    store = HistoryStore(tmp_path / "h.sqlite")
    run = store.start_run("ref")
    store.record_batch(run, "ok", n_rows=10, metrics=metric_rows(0))

    def boom() -> None:
        raise RuntimeError("crash after the rows, before COMMIT")

    monkeypatch.setattr(store_module, "_in_transaction_hook", boom)
    with pytest.raises(RuntimeError):
        store.record_batch(run, "broken", n_rows=10, metrics=metric_rows(1), alerts=[{"metric": "m0"}])
    assert list(store.batches(run)["label"]) == ["ok"]
    assert len(store.metrics(run)) == 20 and store.alerts(run).empty


CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import drift.monitoring.store as store_module
    from drift.monitoring.store import HistoryStore
    store = HistoryStore({path!r})
    run = store.start_run("ref")
    for k in range(2):
        store.record_batch(run, f"batch-{{k}}", n_rows=100,
                           metrics=[{{"metric": f"m{{j}}", "value": j, "alert": j == 0}} for j in range(20)],
                           alerts=[{{"metric": "m0", "reason": "x"}}])
    def block():
        print("INSIDE", flush=True)
        time.sleep(120)
    store_module._in_transaction_hook = block
    store.record_batch(run, "half-written", n_rows=100,
                       metrics=[{{"metric": f"m{{j}}", "value": j}} for j in range(20)],
                       alerts=[{{"metric": "m0", "reason": "x"}}])
    print("COMMITTED", flush=True)
""")


def test_writer_killed_mid_batch_leaves_earlier_batches_and_nothing_half_written(tmp_path):
    path = tmp_path / "h.sqlite"
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path))],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "INSIDE", child.stderr.read()
        # the writer holds its transaction open: a reader still sees the two committed batches (WAL)
        reader = HistoryStore(path)
        assert list(reader.batches()["label"]) == ["batch-0", "batch-1"]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    store = HistoryStore(path)
    assert list(store.batches()["label"]) == ["batch-0", "batch-1"]
    assert len(store.metrics()) == 40 and len(store.alerts()) == 2
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute("SELECT COUNT(*) FROM metrics WHERE batch_id NOT IN (SELECT id FROM batches)")
        assert orphans.fetchone()[0] == 0
    # the store is usable after the crash, and the label that never committed is free
    store.record_batch(1, "half-written", n_rows=100, metrics=metric_rows(2))
    assert store.batches()["label"].tolist()[-1] == "half-written"


WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from drift.monitoring.store import HistoryStore
    store = HistoryStore({path!r})
    run = store.start_run("ref")
    print("READY", flush=True)
    for k in range({n}):
        metrics = [{{"metric": f"m{{j}}", "value": k + j, "alert": j == 0}} for j in range(50)]
        store.record_batch(run, f"b{{k:03d}}", n_rows=100, metrics=metrics)
""")


def test_reader_sees_only_complete_batches_while_another_process_writes(tmp_path):
    path = tmp_path / "h.sqlite"
    n = 60
    HistoryStore(path).runs()                                   # create the file before the race
    writer = subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), path=str(path), n=n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader = HistoryStore(path)
    seen, reads = [], 0
    try:
        assert writer.stdout.readline().strip() == "READY", writer.stderr.read()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sqlite3.connect(path, timeout=5) as conn:           # one snapshot per read
                counts = conn.execute("SELECT b.label, COUNT(m.metric) FROM batches b "
                                      "LEFT JOIN metrics m ON m.batch_id = b.id GROUP BY b.id").fetchall()
            assert all(c == 50 for _, c in counts), counts             # never a partial batch
            seen.append(len(counts))
            reads += 1
            if writer.poll() is not None and len(counts) == n:
                break
        assert writer.wait(timeout=60) == 0, writer.stderr.read()
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.stdout.close()
        writer.stderr.close()
    assert seen == sorted(seen)                                        # monotone: nothing disappears
    assert reads > 5 and len(set(seen)) > 2                            # the reads interleaved the writes
    assert len(reader.batches()) == n and len(reader.metrics()) == 50 * n


def test_schema_migrations(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite"
    HistoryStore(path).start_run("ref")

    def add_column(conn) -> None:
        conn.execute("ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT ''")

    monkeypatch.setitem(store_module.MIGRATIONS, 2, add_column)
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    store = HistoryStore(path)
    assert store.schema_version == 2
    with sqlite3.connect(path) as conn:
        assert "owner" in [row[1] for row in conn.execute("PRAGMA table_info(runs)")]
    assert len(store.runs()) == 1
    assert HistoryStore(path).schema_version == 2                       # applied once
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 1)
    with pytest.raises(DriftError, match="schema version 2, newer than"):
        HistoryStore(path).runs()


def test_bad_files_and_labels(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DriftInputError, match="junk.sqlite"):
        HistoryStore(junk).runs()
    with pytest.raises(DriftInputError, match="directory"):
        HistoryStore(tmp_path).runs()
    store = HistoryStore(tmp_path / "h.sqlite")
    with pytest.raises(DriftInputError, match="no run 5"):
        store.record_batch(5, "x", n_rows=1)
    run = store.start_run("ref")
    store.record_batch(run, "x", n_rows=1, metrics=[{"metric": "m", "value": float("nan")}])
    assert np.isnan(store.metrics(run)["value"].iloc[0])
    assert store.batches(run).loc[0, "status"] == "ok"
    with pytest.raises(DriftInputError, match="already recorded"):
        store.record_batch(run, "x", n_rows=1)


# --------------------------------------------------------------------- python -m drift monitor (the hook)
def run_cli(*argv: str) -> int:
    import argparse

    from drift.cli.monitor import add_monitor_parser

    parser = argparse.ArgumentParser(prog="python -m drift")
    add_monitor_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["monitor", *argv])
    return args.func(args)


def test_cli_monitor_appends_batches_and_sets_the_exit_code(tmp_path, capsys):
    rng = np.random.default_rng(4)

    def frame(n: int) -> pd.DataFrame:
        return pd.DataFrame({"income": rng.lognormal(10, 0.4, n).round(), "age": rng.integers(21, 70, n),
                             "region": rng.choice(["north", "south", "west"], n)})

    frame(2000).to_csv(tmp_path / "train.csv", index=False)
    frame(400).to_csv(tmp_path / "jan.csv", index=False)
    broken = frame(400)
    broken["income"] = broken["income"] / 1000                          # recorded in thousands
    broken.to_csv(tmp_path / "feb.csv", index=False)
    store_path = tmp_path / "store" / "history.sqlite"
    common = ["--reference", str(tmp_path / "train.csv"), "--store", str(store_path), "--detectors",
              "features,quality", "--n-calibration", "10"]
    assert run_cli(*common, "--batch", str(tmp_path / "jan.csv")) == 0
    out, err = capsys.readouterr()
    assert "jan: OK" in out and "calibrating thresholds for 400-row batches" in err
    assert run_cli(*common, "--batch", str(tmp_path / "feb.csv")) == 1
    out, _ = capsys.readouterr()
    assert "feb: ALERT" in out and "looks like a unit change" in out
    store = HistoryStore(store_path)
    batches = store.batches()
    assert list(batches["label"]) == ["jan", "feb"] and batches["run_id"].nunique() == 1   # one timeline
    assert run_cli(*common, "--batch", str(tmp_path / "jan.csv")) == 2                     # already recorded
    assert "already recorded" in capsys.readouterr().err
    assert run_cli(*common, "--batch", str(tmp_path / "jan.csv"), "--skip-existing") == 0
    assert len(HistoryStore(store_path).batches()) == 2
    assert run_cli(*common, "--batch", str(tmp_path / "jan.csv"), "--target", "nope") == 2
    assert "no column named 'nope'" in capsys.readouterr().err
    assert run_cli(*common, "--batch", str(tmp_path / "missing.csv")) == 2
    assert run_cli(*common, "--batch", str(tmp_path / "jan.csv"), "--period", "W") == 2
    assert "--period needs --time-col" in capsys.readouterr().err


# --------------------------------------------------------------------- files that are not a usable store
def _foreign(path: Path, version: int = 0, table: str = "invoices") -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE {table} (a)")
        conn.execute(f"INSERT INTO {table} VALUES (1)")
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("table, version, words", [
    ("runs", 0, "it holds other tables (runs)"),          # before: sqlite3 "table runs already exists"
    ("invoices", 0, "it holds other tables (invoices)"),  # before: our tables added to their database
    ("invoices", 1, "not a Drift Explorer history store of version 1: missing runs.created"),  # before:
])                                                        # "no such table: runs" after the whole run
def test_another_programs_database_is_refused_and_left_unchanged(tmp_path, table, version, words):
    path = tmp_path / "their.db"
    before = _foreign(path, version, table)
    for call in (lambda: HistoryStore(path).check(), lambda: HistoryStore(path).runs(),
                 lambda: HistoryStore(path).start_run("ref")):
        with pytest.raises(StoreError, match=re.escape(words)) as caught:
            call()
        assert caught.value.file == str(path) and "this file was not changed" in caught.value.fix
    assert path.read_bytes() == before and not Path(f"{path}-wal").exists()


def test_newer_corrupt_not_sqlite_directory_and_path_under_a_file(tmp_path):
    newer = tmp_path / "newer.sqlite"
    HistoryStore(newer).start_run("ref")
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 7")
    conn.close()
    with pytest.raises(StoreError, match="schema version 7, newer than.*Fix: upgrade Drift Explorer"):
        HistoryStore(newer).check()
    corrupt = tmp_path / "corrupt.sqlite"
    store = HistoryStore(corrupt)
    run = store.start_run("ref")
    for k in range(150):
        store.record_batch(run, f"b{k}", n_rows=1, metrics=metric_rows(k))
    with sqlite3.connect(corrupt) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(corrupt.read_bytes())
    for offset in range(4096 * 3, len(data), 4096):
        data[offset:offset + 64] = bytes(range(64))      # damage every page header after the third
    corrupt.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"corrupt \(.*Fix: restore the file from a backup"):
        HistoryStore(corrupt).check()                       # before: SQL text with no file and no fix
    with pytest.raises(StoreError, match="corrupt.sqlite: the history store is corrupt"):
        HistoryStore(corrupt).batches()                     # any later read too (pandas' wrapper unwrapped)
    text = tmp_path / "data.csv"
    text.write_text("a,b\n1,2\n" * 200)
    with pytest.raises(StoreError, match="data.csv: not a SQLite database"):
        HistoryStore(text).check()
    assert text.read_text() == "a,b\n1,2\n" * 200
    with pytest.raises(StoreError, match="store path is a directory"):
        HistoryStore(tmp_path).check()
    with pytest.raises(StoreError, match="data.csv' is a file, not a directory"):
        HistoryStore(text / "sub" / "h.sqlite").check()    # before: "Not a directory", no fix
    assert HistoryStore(tmp_path / "new" / "dir" / "h.sqlite").check().schema_version == SCHEMA_VERSION


def test_duplicate_metric_names_are_an_input_error(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite")
    run = store.start_run("ref")
    with pytest.raises(DriftInputError, match="metric 'm' appears twice in batch 'x'"):
        store.record_batch(run, "x", n_rows=1, metrics=[{"metric": "m", "value": v} for v in (1, 2)])
    assert store.batches(run).empty                        # before: IntegrityError from SQLite


READ_ONLY_CHILD = """
import sys
sys.path.insert(0, {root!r})
from drift.core.errors import StoreError
from drift.monitoring.store import HistoryStore
try:
    HistoryStore({path!r}).check(writable={writable})
except StoreError as err:
    print("StoreError:", err)
else:
    print("ok")
"""


def test_read_only_store_is_refused_when_opened_for_writing(tmp_path, unprivileged):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "h.sqlite"
    HistoryStore(path).start_run("ref")
    for child in folder.iterdir():
        child.chmod(0o444)
    folder.chmod(0o555)
    try:
        out = {}
        for writable in (True, False):
            code = READ_ONLY_CHILD.format(root=str(ROOT), path=str(path), writable=writable)
            proc = subprocess.run(unprivileged([sys.executable, "-c", code]), capture_output=True, text=True,
                                  timeout=120)
            out[writable] = proc.stdout.strip() + proc.stderr
    finally:
        folder.chmod(0o755)
    # before: this failed only when the results were written, after the whole computation
    assert out[True].startswith("StoreError:") and "read-only" in out[True] and "writable" in out[True], out
    assert str(path) in out[True]
    # SQLite cannot read a WAL file in a read-only directory either (it must create the -shm index): a
    # clear StoreError too, never a traceback
    assert out[False].startswith("StoreError:") and "read-only" in out[False], out


@pytest.mark.parametrize("call, words", [
    (lambda s, r: s.record_batch(r, "a", n_rows=1, metrics=[{"metric": "m", "value": "abc"}]),
     "'metrics' parameter of HistoryStore.record_batch must be rows whose values are numbers"),
    (lambda s, r: s.record_batch(r, "b", n_rows=1, metrics=[{"value": 1}]), "rows with a 'metric' key"),
    (lambda s, r: s.record_batch(r, "c", n_rows=1, metrics=[1, 2]), "a DataFrame or dicts"),
    (lambda s, r: s.record_batch(r, "d", n_rows=float("nan")), "'n_rows' parameter"),
    (lambda s, r: s.record_batch(r, "e", n_rows=10**30), "'n_rows' parameter"),
    (lambda s, r: s.record_batch("x", "f", n_rows=1), "'run_id' parameter"),
    (lambda s, r: s.record_action(r, "x", "retrain"), "'step' parameter of HistoryStore.record_action"),
    (lambda s, r: s.record_action(r, 1, "retrain", cost=float("nan")), "'cost' parameter"),
    (lambda s, r: s.batches("abc"), "'run_id' parameter"),
])
def test_bad_arguments_are_parameter_errors_not_tracebacks(tmp_path, call, words):
    store = HistoryStore(tmp_path / "h.sqlite")
    run = store.start_run("ref")
    with pytest.raises(DriftParameterError, match=re.escape(words)):   # before: ValueError, TypeError,
        call(store, run)                                               # KeyError, OverflowError
    assert store.batches().empty and store.actions().empty
