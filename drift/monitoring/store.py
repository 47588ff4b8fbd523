"""History store: monitored batches, their metrics and alerts, and autopilot actions in one SQLite file.

Built on the standard library's :mod:`sqlite3`; the file is created on first use (with its directory)
at :func:`default_store_path` unless a path is given.

Durability and concurrency (the rules)
--------------------------------------
* **One batch, one transaction.**  :meth:`HistoryStore.record_batch` writes the batch row, its metrics,
  alerts and per-feature results between ``BEGIN IMMEDIATE`` and ``COMMIT``; any error rolls all of it
  back.  A process killed mid-batch leaves the file as it was before the batch: SQLite's journal undoes
  the uncommitted part when the file is next opened.  :meth:`HistoryStore.record_monitor` writes one
  transaction per batch, so a crash mid-run keeps every batch already recorded.
* **WAL mode** (``PRAGMA journal_mode=WAL``, persistent in the file): readers never block the writer
  and the writer never blocks readers; a reader sees the last committed state, never a half-written
  batch.  ``synchronous=FULL``: a committed batch survives an OS crash or power loss, not only a
  process crash (one fsync per batch, negligible next to computing it).  Writers wait up to
  :data:`BUSY_TIMEOUT` seconds for each other.
* **A connection per call**: the store object holds only the path, so it is safe to share between
  threads (Streamlit's script threads) and processes (the CLI under cron while the app reads).

Schema versioning
-----------------
The version is SQLite's ``PRAGMA user_version``.  :data:`MIGRATIONS` maps each version to the function
that upgrades the file *to* it; opening a file applies the missing ones in order, each in its own
transaction together with the version bump.  A file newer than this code raises
:class:`~drift.core.errors.StoreError` instead of being touched.

Files that are not a store
--------------------------
Opening a file reads it before writing anything: a file that is not SQLite, another program's database
(version 0 with tables of its own, or a version whose tables and columns are not the ones
:data:`MIGRATIONS` create), a directory, or a path under a file raise :class:`~drift.core.errors.StoreError`,
naming the file and the fix, and the file is left as it was.  Every SQLite failure later (read-only file
or directory, corrupt pages, a writer holding the lock past :data:`BUSY_TIMEOUT`, a full disk) is a
:class:`~drift.core.errors.StoreError` too.  :meth:`HistoryStore.check` opens the file at once, runs SQLite's
``quick_check`` and a rolled-back write, so a command can refuse a bad ``--store`` before computing.

Tables (version 1)
------------------
``runs(id, created, reference_name, source, params)`` — one monitoring configuration (``params`` JSON);
``batches(id, run_id, label, position, n_rows, status, verdict, created, metrics)`` — unique
``(run_id, label)``, ``metrics`` a JSON object ``{metric: value}``;
``metrics(batch_id, metric, detector, value, threshold, baseline, direction, alert)``;
``alerts(id, batch_id, metric, detector, value, threshold, reason)``;
``features(batch_id, feature, psi, severity)`` — for the feature × batch heatmap;
``actions(id, run_id, step, action, reason, cost, details, created)`` — the autopilot's log.
Times are UTC ISO-8601 strings.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError, StoreError
from drift.core.jsonsafe import dumps
from drift.core.paths import nearest_existing

#: Environment variable naming the data directory.
DATA_DIR_ENV = "DRIFT_EXPLORER_DATA"
#: File name of the store inside the data directory.
STORE_FILE = "history.sqlite"
#: Seconds a writer waits for another writer's transaction before giving up.
BUSY_TIMEOUT = 30.0

_FIX_PATH = "point --store at a Drift Explorer history file or a new path (this file was not changed)"
_FIX_READ_ONLY = ("make the file and its directory writable (SQLite writes -wal and -shm files next to it), "
                  "or point --store at a writable path")
_FIX_CORRUPT = "restore the file from a backup, or point --store at a new path"
_FIX_BUSY = (f"another process held the write lock for over {BUSY_TIMEOUT:.0f} s (another monitor run?): "
             "retry when it has finished")
#: SQLite result codes (``sqlite_errorname`` prefixes) -> what happened and the fix.
_SQLITE_PROBLEMS = (
    ("SQLITE_READONLY", "the history store is read-only", _FIX_READ_ONLY),
    ("SQLITE_PERM", "the history store is read-only", _FIX_READ_ONLY),
    ("SQLITE_CANTOPEN", "the history store cannot be opened", _FIX_READ_ONLY),
    ("SQLITE_NOTADB", "not a SQLite database", _FIX_PATH),
    ("SQLITE_CORRUPT", "the history store is corrupt", _FIX_CORRUPT),
    ("SQLITE_BUSY", "the history store is busy", _FIX_BUSY),
    ("SQLITE_LOCKED", "the history store is busy", _FIX_BUSY),
    ("SQLITE_FULL", "the disk is full", "free some space, or point --store at another disk"),
    ("SQLITE_IOERR", "the history store could not be read or written", _FIX_READ_ONLY),
)
#: Test seam: called inside :meth:`HistoryStore.record_batch`'s transaction, after every row is
#: written and before ``COMMIT`` (the durability test blocks here and kills the process).
_in_transaction_hook: Callable[[], None] | None = None


def default_store_path() -> Path:
    """``$DRIFT_EXPLORER_DATA/history.sqlite``, else ``~/.drift-explorer/history.sqlite``."""
    base = os.environ.get(DATA_DIR_ENV)
    return (Path(base).expanduser() if base else Path.home() / ".drift-explorer") / STORE_FILE


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    for statement in (
        """CREATE TABLE runs (
               id INTEGER PRIMARY KEY, created TEXT NOT NULL, reference_name TEXT NOT NULL DEFAULT '',
               source TEXT NOT NULL DEFAULT '', params TEXT NOT NULL DEFAULT '{}')""",
        """CREATE TABLE batches (
               id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
               label TEXT NOT NULL, position INTEGER NOT NULL, n_rows INTEGER NOT NULL,
               status TEXT NOT NULL DEFAULT '', verdict TEXT NOT NULL DEFAULT '', created TEXT NOT NULL,
               metrics TEXT NOT NULL DEFAULT '{}', UNIQUE (run_id, label))""",
        """CREATE TABLE metrics (
               batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE, metric TEXT NOT NULL,
               detector TEXT, value REAL, threshold REAL, baseline REAL,
               direction TEXT NOT NULL DEFAULT 'none', alert INTEGER NOT NULL DEFAULT 0,
               PRIMARY KEY (batch_id, metric))""",
        """CREATE TABLE alerts (
               id INTEGER PRIMARY KEY, batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
               metric TEXT NOT NULL, detector TEXT, value REAL, threshold REAL,
               reason TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE features (
               batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE, feature TEXT NOT NULL,
               psi REAL, severity TEXT, PRIMARY KEY (batch_id, feature))""",
        """CREATE TABLE actions (
               id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
               step INTEGER NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
               cost REAL NOT NULL DEFAULT 0, details TEXT NOT NULL DEFAULT '{}', created TEXT NOT NULL)""",
        "CREATE INDEX batches_run ON batches(run_id, position)",
        "CREATE INDEX alerts_batch ON alerts(batch_id)",
        "CREATE INDEX actions_run ON actions(run_id, step)",
    ):
        conn.execute(statement)


#: Version -> function upgrading a file from the previous version to it (run inside a transaction).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_to_1}
#: The schema version this code writes.
SCHEMA_VERSION = max(MIGRATIONS)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_RECORD_BATCH = "HistoryStore.record_batch"


def _num(value, name: str = "metrics", func: str = _RECORD_BATCH,
         allowed: str = "rows whose values are numbers (or None when missing)") -> float | None:
    """A float for SQLite, ``None`` for missing / nan / inf (SQLite has no NaN); anything else that is not
    a number raises :class:`~drift.core.errors.DriftParameterError` naming the parameter."""
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise DriftParameterError.invalid(name, func, allowed, value) from None
    return value if math.isfinite(value) else None


def _whole(value, name: str, func: str, minimum: int | None = None) -> int:
    """An integer SQLite can store, or :class:`~drift.core.errors.DriftParameterError`."""
    ok = (isinstance(value, int | np.integer) and not isinstance(value, bool)) \
        or (isinstance(value, float | np.floating) and float(value).is_integer())
    if ok:
        value = int(value)
        ok = -(2**63) <= value < 2**63 and (minimum is None or value >= minimum)
    if not ok:
        allowed = "an integer" + ("" if minimum is None else f" >= {minimum}")
        raise DriftParameterError.invalid(name, func, allowed, value)
    return value


def _dumps(obj) -> str:
    """The stored JSON text: sorted keys, ASCII only, so equal params give equal text (``find_run``)."""
    return dumps(obj, sort_keys=True, ensure_ascii=True)


class HistoryStore:
    """The monitoring history in one SQLite file (module docstring for the rules).

    Parameters
    ----------
    path : str or Path, optional
        The database file; default :func:`default_store_path`.  Created (with its directory) on first use.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = HistoryStore(pathlib.Path(tempfile.mkdtemp()) / "h.sqlite")
    >>> run = store.start_run("train.csv", source="example")
    >>> metrics = [{"metric": "max_psi", "value": 0.3, "threshold": 0.1, "alert": True}]
    >>> batch = store.record_batch(run, "2025-01", n_rows=100, metrics=metrics)
    >>> store.batches()[["label", "status"]].values.tolist(), store.schema_version
    ([['2025-01', 'alert']], 1)
    """

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self._ready = False

    def __repr__(self) -> str:
        return f"HistoryStore({str(self.path)!r})"

    def check(self, *, writable: bool = True) -> HistoryStore:
        """Open the file now and make sure this store can use it; returns the store.

        Creates the file (and its directories) on first use, migrates an older one, then runs SQLite's
        ``PRAGMA quick_check`` and, with ``writable``, a write that is rolled back.  Call it before a long
        computation whose results go to the store.

        Raises
        ------
        StoreError
            A directory, a path under a file, not a SQLite file, another program's database, a newer schema,
            a corrupt, read-only or locked file; the message names the file and the fix.
        """
        with self._errors(), closing(self._connect()) as conn:
            found = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)").fetchall()]
            if found != ["ok"]:
                lines = [line for text in found for line in text.splitlines() if not line.startswith("***")]
                raise StoreError(f"the history store is corrupt ({'; '.join(lines[:3])})",
                                 file=str(self.path), fix=_FIX_CORRUPT)
            if writable:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.execute(f"PRAGMA user_version = {version}")
                finally:
                    conn.execute("ROLLBACK")
        return self

    # ------------------------------------------------------------------------------- connections
    @contextmanager
    def _errors(self):
        """Turn SQLite and file-system failures into :class:`~drift.core.errors.StoreError` naming the
        file."""
        try:
            yield
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise                                    # misuse of the API: a bug, not the file's fault
        except sqlite3.DatabaseError as err:
            raise self._store_error(err) from err
        except pd.errors.DatabaseError as err:       # pandas.read_sql_query wraps the SQLite error
            cause = err.__cause__
            raise (self._store_error(cause) if isinstance(cause, sqlite3.DatabaseError)
                   else StoreError(f"the history store could not be read ({err})", file=str(self.path),
                                   fix=_FIX_CORRUPT)) from err
        except OSError as err:
            raise StoreError(f"the history store cannot be used ({err.strerror or err})", file=str(self.path),
                             fix=_FIX_READ_ONLY) from err

    def _store_error(self, err: sqlite3.DatabaseError) -> StoreError:
        name = getattr(err, "sqlite_errorname", "") or ""
        for prefix, problem, fix in _SQLITE_PROBLEMS:
            if name.startswith(prefix):
                return StoreError(f"{problem} ({err})", file=str(self.path), fix=fix)
        return StoreError(f"the history store failed ({err})", file=str(self.path), fix=_FIX_CORRUPT)

    def _connect(self) -> sqlite3.Connection:
        with self._errors():
            if self.path.is_dir():
                raise StoreError("the store path is a directory", file=str(self.path),
                                 fix="give a file path, e.g. history.sqlite inside that directory")
            base = nearest_existing(self.path.parent)
            if not base.is_dir():
                raise StoreError(f"{str(base)!r} is a file, not a directory", file=str(self.path),
                                 fix="point --store at a path inside a directory")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():       # first use, or the file was removed: (re)create the tables
                self._ready = False
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA synchronous = FULL")
                if not self._ready:
                    self._initialise(conn)
                    self._ready = True
            except BaseException:
                conn.close()
                raise
            return conn

    def _initialise(self, conn: sqlite3.Connection) -> None:
        """Check the file is a store this code can use (reading only), then WAL mode and migrations."""
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(f"the history store has schema version {version}, newer than this Drift "
                             f"Explorer understands ({SCHEMA_VERSION})", file=str(self.path),
                             fix="upgrade Drift Explorer, or point --store at a new path")
        tables = _tables(conn)
        if version == 0 and tables:
            raise StoreError("not a Drift Explorer history store: it holds other tables ("
                             + ", ".join(sorted(tables)[:8]) + ")", file=str(self.path), fix=_FIX_PATH)
        if version > 0:
            gaps = [f"{table}.{column}" for table, columns in _expected_tables(version).items()
                    for column in sorted(columns - tables.get(table, set()))]
            if gaps:
                raise StoreError(f"not a Drift Explorer history store of version {version}: missing "
                                 + ", ".join(gaps[:6]) + (" …" if len(gaps) > 6 else ""), file=str(self.path),
                                 fix=_FIX_PATH)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. a read-only medium
            raise StoreError(f"cannot switch the history store to WAL mode (got {mode!r})",
                             file=str(self.path), fix=_FIX_READ_ONLY)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction(conn):
                # another process may have migrated meanwhile: re-check under the write lock
                if conn.execute("PRAGMA user_version").fetchone()[0] >= target:
                    continue
                MIGRATIONS[target](conn)
                conn.execute(f"PRAGMA user_version = {int(target)}")

    @staticmethod
    @contextmanager
    def _transaction(conn: sqlite3.Connection):
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def _write(self):
        with self._errors(), closing(self._connect()) as conn, self._transaction(conn):
            yield conn

    def _read(self, sql: str, params: Iterable = ()) -> pd.DataFrame:
        with self._errors(), closing(self._connect()) as conn:
            return pd.read_sql_query(sql, conn, params=tuple(params))

    @property
    def schema_version(self) -> int:
        """``PRAGMA user_version`` of the file."""
        with self._errors(), closing(self._connect()) as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    # ------------------------------------------------------------------------------------ writers
    def start_run(self, reference_name: str = "", *, source: str = "", params: Mapping | None = None) -> int:
        """Create a run (one monitoring configuration) and return its id."""
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO runs (created, reference_name, source, params) VALUES (?, ?, ?, ?)",
                (_now(), str(reference_name), str(source), _dumps(dict(params or {}))))
            return int(cur.lastrowid)

    def find_run(self, reference_name: str, *, source: str = "", params: Mapping | None = None) -> int | None:
        """The latest run with this reference name, source and (JSON-equal) params, or ``None``."""
        with self._errors(), closing(self._connect()) as conn:
            row = conn.execute("SELECT id FROM runs WHERE reference_name = ? AND source = ? AND params = ? "
                               "ORDER BY id DESC LIMIT 1",
                               (str(reference_name), str(source), _dumps(dict(params or {})))).fetchone()
        return None if row is None else int(row[0])

    def record_batch(self, run_id: int, label: str, *, n_rows: int, metrics=(), alerts=(), features=None,
                     status: str | None = None, verdict: str = "", position: int | None = None) -> int:
        """Write one batch with all its metrics, alerts and feature results in one transaction.

        Parameters
        ----------
        run_id : int
            From :meth:`start_run`.
        label : str
            Unique within the run.
        n_rows : int
        metrics : DataFrame or iterable of dict
            Rows with ``metric, value`` and optionally ``detector, threshold, baseline, direction, alert``.
        alerts : DataFrame or iterable of dict
            Rows with ``metric, reason`` and optionally ``detector, value, threshold``.
        features : DataFrame, optional
            ``feature, psi, severity`` per feature.
        status : str, optional
            Default ``"alert"`` when any metric alerts, else ``"ok"``.
        verdict : str
            The diagnosis' verdict kind, when one was run.
        position : int, optional
            Order within the run; default: after the last batch.

        Returns
        -------
        int
            The batch id.

        Raises
        ------
        DriftInputError
            The label is already recorded in this run, or the run does not exist.
        """
        run_id = _whole(run_id, "run_id", _RECORD_BATCH)
        n_rows = _whole(n_rows, "n_rows", _RECORD_BATCH, minimum=0)
        if position is not None:
            position = _whole(position, "position", _RECORD_BATCH)
        metric_rows = _rows(metrics, "metrics", "metric")
        alert_rows = _rows(alerts, "alerts", "metric")
        feature_rows = _rows(features, "features", "feature")
        for rows, key in ((metric_rows, "metric"), (feature_rows, "feature")):
            counts = Counter(str(r[key]) for r in rows)
            twice = next((name for name, n in counts.items() if n > 1), None)
            if twice is not None:
                raise DriftInputError(f"{key} {twice!r} appears twice in batch {label!r}",
                                      file=str(self.path), fix=f"give each {key} of a batch one row")
        if status is None:
            status = "alert" if any(bool(m.get("alert", False)) for m in metric_rows) or alert_rows else "ok"
        summary = {str(m["metric"]): _num(m.get("value")) for m in metric_rows}
        metric_values = [(str(m["metric"]), _text(m.get("detector")), _num(m.get("value")),
                          _num(m.get("threshold")), _num(m.get("baseline")),
                          str(m.get("direction") or "none"), int(bool(m.get("alert", False))))
                         for m in metric_rows]
        alert_values = [(str(a["metric"]), _text(a.get("detector")), _num(a.get("value"), "alerts"),
                         _num(a.get("threshold"), "alerts"), str(a.get("reason") or "")) for a in alert_rows]
        feature_values = [(str(f["feature"]), _num(f.get("psi"), "features"), _text(f.get("severity")))
                          for f in feature_rows]
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM runs WHERE id = ?", (int(run_id),)).fetchone() is None:
                raise DriftInputError(f"no run {run_id} in the history store", file=str(self.path),
                                      fix="create it with start_run()")
            if conn.execute("SELECT 1 FROM batches WHERE run_id = ? AND label = ?",
                            (int(run_id), str(label))).fetchone():
                raise DriftInputError(f"batch {label!r} is already recorded in run {run_id}",
                                      file=str(self.path),
                                      fix="give the batch another label, or record it in a new run")
            if position is None:
                position = conn.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM batches WHERE run_id = ?",
                                        (int(run_id),)).fetchone()[0]
            cur = conn.execute(
                "INSERT INTO batches (run_id, label, position, n_rows, status, verdict, created, metrics) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (int(run_id), str(label), int(position), int(n_rows), str(status), str(verdict or ""), _now(),
                 _dumps(summary)))
            batch_id = int(cur.lastrowid)
            conn.executemany(
                "INSERT INTO metrics (batch_id, metric, detector, value, threshold, baseline, direction, "
                "alert) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [(batch_id, *row) for row in metric_values])
            conn.executemany(
                "INSERT INTO alerts (batch_id, metric, detector, value, threshold, reason) "
                "VALUES (?, ?, ?, ?, ?, ?)", [(batch_id, *row) for row in alert_values])
            conn.executemany("INSERT INTO features (batch_id, feature, psi, severity) VALUES (?, ?, ?, ?)",
                             [(batch_id, *row) for row in feature_values])
            if _in_transaction_hook is not None:
                _in_transaction_hook()
            return batch_id

    def record_monitor(self, result, *, run_id: int | None = None, reference_name: str = "",
                       source: str = "monitor", skip_existing: bool = False,
                       progress: Callable[[str, int, int], None] | None = None) -> int:
        """Append every batch of a :class:`~drift.monitoring.monitor.MonitorResult`
        (one transaction per batch).

        Parameters
        ----------
        result : MonitorResult
        run_id : int, optional
            Append to this run; default: a new run with the result's parameters.
        skip_existing : bool, default False
            Skip batches whose label the run already holds instead of raising.

        Returns
        -------
        int
            The run id.
        """
        if run_id is None:
            run_id = self.start_run(reference_name, source=source, params=result.params)
        existing = set(self.batches(run_id)["label"]) if skip_existing else set()
        metrics = result.metrics
        verdicts = {} if result.verdicts is None else dict(zip(result.verdicts["batch"],
                                                               result.verdicts["verdict"],
                                                               strict=True))
        todo = [b for b in result.batches.itertuples(index=False) if b.batch not in existing]
        for i, b in enumerate(todo):
            features = None
            if b.batch in result.psi.columns:
                features = pd.DataFrame({"feature": result.psi.index, "psi": result.psi[b.batch].to_numpy(),
                                         "severity": result.severity[b.batch].to_numpy()})
            self.record_batch(run_id, b.batch, n_rows=int(b.n_rows),
                              metrics=metrics[metrics["batch"] == b.batch],
                              alerts=result.alerts[result.alerts["batch"] == b.batch], features=features,
                              status=b.status, verdict=verdicts.get(b.batch, ""))
            if progress is not None:
                progress(f"stored batch {b.batch}", i + 1, len(todo))
        return run_id

    def record_action(self, run_id: int, step: int, action: str, *, reason: str = "", cost: float = 0.0,
                      details: Mapping | None = None) -> int:
        """Log one autopilot decision (``action`` e.g. ``"retrain"``) and return its id."""
        func = "HistoryStore.record_action"
        if not isinstance(action, str) or not action:
            raise DriftParameterError.invalid("action", func, "a non-empty string", action)
        run_id, step = _whole(run_id, "run_id", func), _whole(step, "step", func)
        cost = _num(cost, "cost", func, "a finite number")
        if cost is None:
            raise DriftParameterError.invalid("cost", func, "a finite number", cost)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM runs WHERE id = ?", (int(run_id),)).fetchone() is None:
                raise DriftInputError(f"no run {run_id} in the history store", file=str(self.path),
                                      fix="create it with start_run()")
            cur = conn.execute(
                "INSERT INTO actions (run_id, step, action, reason, cost, details, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (int(run_id), int(step), action, str(reason), float(cost), _dumps(dict(details or {})),
                 _now()))
            return int(cur.lastrowid)

    # ------------------------------------------------------------------------------------ readers
    def runs(self) -> pd.DataFrame:
        """``id, created, reference_name, source, params, n_batches, n_alerts`` (params as dict)."""
        df = self._read("SELECT r.id, r.created, r.reference_name, r.source, r.params, "
                        "(SELECT COUNT(*) FROM batches b WHERE b.run_id = r.id) AS n_batches, "
                        "(SELECT COUNT(*) FROM alerts a JOIN batches b ON a.batch_id = b.id "
                        " WHERE b.run_id = r.id) AS n_alerts FROM runs r ORDER BY r.id")
        df["params"] = df["params"].map(json.loads)
        return df

    def batches(self, run_id: int | None = None) -> pd.DataFrame:
        """``id, run_id, label, position, n_rows, status, verdict, created, metrics`` (metrics as dict)."""
        where, params = _where(run_id=run_id, run_column="run_id")
        df = self._read(f"SELECT id, run_id, label, position, n_rows, status, verdict, created, metrics "
                        f"FROM batches {where} ORDER BY run_id, position", params)
        df["metrics"] = df["metrics"].map(json.loads)
        return df

    def metrics(self, run_id: int | None = None, *, batch: str | None = None,
                metric: str | None = None) -> pd.DataFrame:
        """Long table ``run_id, batch_id, batch, position, metric, detector, value, threshold, baseline,
        direction, alert`` (missing values as nan)."""
        where, params = _where(run_id=run_id, label=batch, metric=metric)
        df = self._read("SELECT b.run_id, m.batch_id, b.label AS batch, b.position, m.metric, m.detector, "
                        "m.value, m.threshold, m.baseline, m.direction, m.alert FROM metrics m "
                        f"JOIN batches b ON m.batch_id = b.id {where} ORDER BY b.run_id, b.position, m.rowid",
                        params)
        for col in ("value", "threshold", "baseline"):
            df[col] = df[col].astype(float)
        df["alert"] = df["alert"].astype(bool)
        return df

    def wide(self, run_id: int, column: str = "value") -> pd.DataFrame:
        """Batch × metric table of one run (as :meth:`MonitorResult.wide`)."""
        m = self.metrics(run_id)
        if m.empty:
            return pd.DataFrame()
        order = list(dict.fromkeys(m["batch"]))
        metrics_order = list(dict.fromkeys(m["metric"]))
        return m.pivot(index="batch", columns="metric", values=column).reindex(index=order,
                                                                               columns=metrics_order) \
            .rename_axis(columns=None)

    def alerts(self, run_id: int | None = None, *, batch: str | None = None) -> pd.DataFrame:
        """``run_id, batch_id, batch, metric, detector, value, threshold, reason``."""
        where, params = _where(run_id=run_id, label=batch)
        df = self._read("SELECT b.run_id, a.batch_id, b.label AS batch, a.metric, a.detector, a.value, "
                        "a.threshold, a.reason FROM alerts a JOIN batches b ON a.batch_id = b.id "
                        f"{where} ORDER BY b.run_id, b.position, a.id", params)
        for col in ("value", "threshold"):
            df[col] = df[col].astype(float)
        return df

    def features(self, run_id: int | None = None) -> pd.DataFrame:
        """Long table ``run_id, batch, position, feature, psi, severity``."""
        where, params = _where(run_id=run_id)
        df = self._read("SELECT b.run_id, b.label AS batch, b.position, f.feature, f.psi, f.severity "
                        f"FROM features f JOIN batches b ON f.batch_id = b.id {where} "
                        "ORDER BY b.run_id, b.position, f.rowid", params)
        df["psi"] = df["psi"].astype(float)
        return df

    def severity(self, run_id: int) -> pd.DataFrame:
        """Feature × batch severity of one run (as :attr:`MonitorResult.severity`), for the heatmap."""
        f = self.features(run_id)
        if f.empty:
            return pd.DataFrame()
        return f.pivot(index="feature", columns="batch", values="severity") \
            .reindex(index=list(dict.fromkeys(f["feature"])), columns=list(dict.fromkeys(f["batch"]))) \
            .rename_axis(index=None, columns=None)

    def actions(self, run_id: int | None = None) -> pd.DataFrame:
        """``id, run_id, step, action, reason, cost, details, created`` (details as dict)."""
        where, params = _where(run_id=run_id, run_column="run_id")
        df = self._read("SELECT id, run_id, step, action, reason, cost, details, created FROM actions "
                        f"{where} ORDER BY run_id, step, id", params)
        df["details"] = df["details"].map(json.loads)
        return df


def _tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """The file's own tables and their columns."""
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: {row[1] for row in conn.execute(f"PRAGMA table_info({_quoted(name)})")} for name in names}


def _quoted(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _expected_tables(version: int) -> dict[str, set[str]]:
    """Tables and columns of a store of ``version``: :data:`MIGRATIONS` 1..version on an empty database."""
    with closing(sqlite3.connect(":memory:")) as memory:
        for step in range(1, version + 1):
            MIGRATIONS[step](memory)
        return _tables(memory)


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _rows(data, name: str, key: str) -> list[dict]:
    """Rows of a DataFrame or an iterable of mappings, each with ``key``; else DriftParameterError."""
    if data is None:
        return []
    if isinstance(data, pd.DataFrame):
        rows = data.to_dict("records")
    else:
        try:
            rows = [dict(r) for r in data]
        except (TypeError, ValueError):
            raise DriftParameterError.invalid(name, _RECORD_BATCH, f"a DataFrame or dicts with a {key!r} key",
                                              data) from None
    bad = next((r for r in rows if key not in r), None)
    if bad is not None:
        raise DriftParameterError.invalid(name, _RECORD_BATCH, f"rows with a {key!r} key", bad)
    return rows


def _where(*, run_id=None, label=None, metric=None, run_column: str = "b.run_id") -> tuple[str, list]:
    """A ``WHERE`` clause and its parameters for the optional filters."""
    clauses, params = [], []
    if run_id is not None:
        clauses.append(f"{run_column} = ?")
        params.append(_whole(run_id, "run_id", "HistoryStore"))
    if label is not None:
        clauses.append("b.label = ?")
        params.append(str(label))
    if metric is not None:
        clauses.append("m.metric = ?")
        params.append(str(metric))
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
