"""``python -m drift monitor``: monitor production batch files headless and append them to the history store.

For cron and CI: each run reads the reference and one or more batch files, monitors every batch with
thresholds calibrated on the reference (:func:`drift.monitor`), appends the batches to the SQLite
history store (:class:`drift.monitoring.store.HistoryStore`, one transaction per batch) and prints each
batch's
status and alerts.  Progress goes to stderr.

Runs in the store: invocations with the same reference file (same name and content hash) and the same
settings append to the same run, so a daily cron job builds one timeline; anything else starts a new
run.  Batch labels are unique within a run: a file without ``--batch-col`` / ``--time-col`` / ``--size``
is one batch labelled by ``--label`` (default: the file name without extension); ``--size`` labels
are prefixed with the file name (``prod rows 1-5000``).  Recording a label twice is an error unless
``--skip-existing``.

Exit codes: 0 no alert, 1 at least one alert in the batches of this invocation, 2 bad input (message on
stderr: unreadable file, missing column, bad option, label already recorded, a ``--store`` that is not a
usable history store …).  The store is opened and checked before any data is read.

Wiring (in :mod:`drift.cli.main`)::

    from drift.cli.monitor import add_monitor_parser
    add_monitor_parser(sub)          # sets args.func = run_monitor
"""

from __future__ import annotations

import argparse
import hashlib
import time
import warnings
from functools import partial
from pathlib import Path

from drift.cli.args import choice_list, emit, name_list, positive_int, probability, with_file_names
from drift.core.errors import DriftError, DriftInputError
from drift.data.batching import describe_split, split_batches
from drift.data.io import load_table
from drift.monitoring.monitor import DEFAULT_DETECTORS, DETECTORS, monitor
from drift.monitoring.store import HistoryStore

EXIT_OK, EXIT_ALERT, EXIT_INPUT = 0, 1, 2
PROG = "python -m drift monitor"

_EPILOG = f"""\
examples:
  # one monthly file = one batch, appended to the default store
  {PROG} --reference train.parquet --batch prod-2025-05.csv --target default --prediction score

  # a file holding many batches, split by a column, into a given store
  {PROG} --reference train.csv --batch prod.csv --batch-col batch --store /data/history.sqlite

  # weekly batches from a timestamp column; skip weeks already recorded (idempotent cron job)
  {PROG} --reference train.csv --batch events.parquet --time-col ts --period W --skip-existing

  # no time column: random chunks of 5,000 rows (they can only show noise), or runs ordered by a column;
  # a calendar feature whose change is expected is muted (shown, never alerting; the scores are compared
  # with the reference reweighted to each batch's season)
  {PROG} --reference train.csv --batch prod.csv --size 5000 --shuffle
  {PROG} --reference train.csv --batch prod.csv --size 5000 --order signup_date --mute seasonality

Exit codes: 0 no alert, 1 at least one alert, 2 bad input.  Progress on stderr, results on stdout.
The default store is $DRIFT_EXPLORER_DATA/history.sqlite, else ~/.drift-explorer/history.sqlite.
"""


def add_monitor_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``monitor`` subcommand to ``python -m drift``'s subparsers; sets ``func=run_monitor``."""

    p = subparsers.add_parser(
        "monitor", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_EPILOG,
        help="monitor batch files with calibrated thresholds and append them to the history store",
        description="Monitor production batches against the training data with alert thresholds calibrated "
                    "on the training data, print alerts, and append every batch to the history store.")
    d = p.add_argument_group("data")
    d.add_argument("--reference", required=True, metavar="PATH",
                   help="training (reference) data: CSV/TSV, Parquet, JSON lines or Excel, "
                        "e.g. --reference train.csv")
    d.add_argument("--batch", required=True, metavar="PATH", action="append", dest="batch_files",
                   help="production file to monitor (repeatable, in order), e.g. --batch 2025-05.csv")
    how = d.add_mutually_exclusive_group()
    how.add_argument("--batch-col", metavar="COL",
                     help="split each file into batches by this column's values, e.g. --batch-col month")
    how.add_argument("--time-col", metavar="COL",
                     help="split each file by time period of this timestamp column, e.g. --time-col ts")
    how.add_argument("--size", metavar="N", type=positive_int,
                     help="split each file into runs of N rows (in file order unless --order or --shuffle), "
                          "e.g. --size 5000")
    order = d.add_mutually_exclusive_group()
    order.add_argument("--order", metavar="COL",
                       help="with --size: sort the rows by this column first, e.g. --order signup_date")
    order.add_argument("--shuffle", action="store_true",
                       help="with --size: cut random chunks (seeded by --seed); they can only show noise, "
                            "e.g. --size 5000 --shuffle")
    d.add_argument("--period", choices=("D", "W", "M"),
                   help="with --time-col: day, week or month (default M), e.g. --period W")
    d.add_argument("--label", metavar="TEXT",
                   help="label of an unsplit file (default: its name without extension), "
                        "e.g. --label 2025-05")
    d.add_argument("--target", metavar="COL", help="label column (default: guessed), e.g. --target default")
    d.add_argument("--prediction", metavar="COL",
                   help="model score column (default: guessed), e.g. --prediction score")
    s = p.add_argument_group("monitoring")
    s.add_argument("--store", metavar="PATH",
                   help="history store file (default: see below), e.g. --store history.sqlite")
    s.add_argument("--skip-existing", action="store_true",
                   help="skip batches whose label the run already holds, e.g. for a re-run cron job")
    s.add_argument("--detectors", type=partial(choice_list, choices=tuple(DETECTORS), what="detector"),
                   default=DEFAULT_DETECTORS,
                   help="comma-separated detectors among " + ",".join(DETECTORS)
                        + " (default: all whose inputs exist but domain, the slow one), "
                          "e.g. --detectors features,prediction")
    s.add_argument("--mute", type=name_list, default=(), metavar="COL[,COL]",
                   help="features whose change is expected: compared and shown, never alerting; the "
                        "score-based detectors (prediction drift, performance) compare each batch with the "
                        "reference reweighted to its distribution of them, e.g. --mute seasonality")
    s.add_argument("--alpha", type=probability, default=0.05,
                   help="significance level of per-feature tests, e.g. --alpha 0.01")
    s.add_argument("--quantile", type=probability, default=0.95,
                   help="threshold quantile of the null (default 0.95), e.g. --quantile 0.99")
    s.add_argument("--n-calibration", type=positive_int, default=40,
                   help="null batches per calibration, e.g. --n-calibration 100")
    s.add_argument("--seed", type=int, default=0, help="random seed (default 0), e.g. --seed 7")
    p.set_defaults(func=run_monitor)
    return p


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _progress():
    """A progress callback printing to stderr when the stage changes or every 10 %."""
    state = {"stage": None, "decile": -1, "t0": time.perf_counter()}

    def report(message: str, done: int, total: int) -> None:
        stage = message.split(" (")[0]
        decile = 10 * done // max(total, 1)
        if stage != state["stage"] or decile != state["decile"] or done == total:
            state["stage"], state["decile"] = stage, decile
            emit(f"[{done}/{total} {time.perf_counter() - state['t0']:5.1f}s] {message}")
    return report


def _batches(args: argparse.Namespace) -> list[tuple[str, object]]:
    pairs = []
    if args.label is not None and (len(args.batch_files) > 1 or args.batch_col or args.time_col or args.size):
        raise DriftInputError("--label names one unsplit batch file", file=None,
                              fix="drop --label, or pass a single --batch file without a split option")
    if (args.order or args.shuffle) and not args.size:
        raise DriftInputError("--order and --shuffle say how to cut --size batches", file=None,
                              fix="add --size N, or drop --order / --shuffle")
    for path in args.batch_files:
        frame = load_table(path)
        stem = Path(path).stem
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if args.batch_col or args.time_col:
                split = split_batches(frame, batch_col=args.batch_col, time_col=args.time_col,
                                      period=args.period or "M" if args.time_col else None)
            elif args.size:
                split = [(f"{stem} {label}", rows) for label, rows in split_batches(
                    frame, size=args.size, order=args.order, shuffle=args.shuffle, rng=args.seed)]
            else:
                split = [(args.label or stem, frame)]
        for w in caught:
            emit(f"warning: {Path(path).name}: {w.message}")
        pairs.extend(split)
    labels = [label for label, _ in pairs]
    dup = next((lab for lab in labels if labels.count(lab) > 1), None)
    if dup is not None:
        raise DriftInputError(f"batch label {dup!r} appears twice among the batch files", file=None,
                              fix="give each file its own labels (e.g. --label, or distinct batch values)")
    return pairs


def _chunking(args: argparse.Namespace) -> str:
    """How the batch files were cut, in words (``MonitorResult.chunking``)."""

    if not (args.batch_col or args.time_col or args.size):
        return "one batch per file"
    how = describe_split(batch_col=args.batch_col, time_col=args.time_col,
                         period=(args.period or "M") if args.time_col else None, size=args.size,
                         order=args.order, shuffle=args.shuffle, rng=args.seed)
    return how + (" (within each file)" if len(args.batch_files) > 1 else "")


def run_monitor(args: argparse.Namespace) -> int:
    """Run ``python -m drift monitor`` from parsed arguments; returns the exit code (module docstring)."""
    try:
        return _run(args)
    except DriftError as err:
        batch = Path(args.batch_files[0]).name if len(args.batch_files) == 1 else None
        emit(f"{PROG}: error: {with_file_names(err, Path(args.reference).name, batch)}")
        return EXIT_INPUT
    except OSError as err:
        emit(f"{PROG}: error: {err.strerror or err}" + (f": {err.filename}" if getattr(err, "filename",
                                                                                       None) else ""))
        return EXIT_INPUT


def _run(args: argparse.Namespace) -> int:
    if args.period and not args.time_col:
        raise DriftInputError("--period needs --time-col", fix="add --time-col COL, or drop --period")
    store = HistoryStore(args.store).check()     # a store that cannot be used fails now, not after the run
    ref_path = Path(args.reference)
    reference = load_table(ref_path)
    for flag, col in (("--target", args.target), ("--prediction", args.prediction)):
        if col is not None and col not in reference.columns:
            raise DriftInputError(f"no column named {col!r}", file=ref_path.name, column=col,
                                  fix=f"pass {flag} one of {list(map(str, reference.columns))[:12]}")
    pairs = _batches(args)
    emit(f"reference {ref_path.name}: {len(reference):,} rows; {len(pairs)} batch(es); store {store.path}")
    result = monitor(reference, pairs, target=args.target, prediction=args.prediction, alpha=args.alpha,
                     quantile=args.quantile, n_calibration=args.n_calibration, detectors=args.detectors,
                     rng=args.seed, progress=_progress(), batch_col=args.batch_col, time_col=args.time_col,
                     order=args.order, mute=args.mute, chunking=_chunking(args))
    emit(f"batches: {result.chunking}")
    if result.muted:
        emit(f"muted (shown, never alerting): {', '.join(result.muted)}; the score-based detectors compare "
             "each batch with the reference reweighted to its distribution of them")
    for note in result.notes:
        emit(f"note: {note}")
    run_params = {"reference_sha256": _sha256(ref_path), "target": result.params["target"],
                  "prediction": result.params["prediction"], "alpha": args.alpha, "quantile": args.quantile,
                  "n_calibration": args.n_calibration, "detectors": result.params["detectors"],
                  "seed": args.seed, "mute": list(result.muted)}
    run_id = store.find_run(ref_path.name, source="cli", params=run_params)
    if run_id is None:
        run_id = store.start_run(ref_path.name, source="cli", params=run_params)
    existing = set(store.batches(run_id)["label"])
    clash = [label for label in result.labels if label in existing]
    if clash and not args.skip_existing:
        raise DriftInputError(f"batch {clash[0]!r} is already recorded in run {run_id}", file=str(store.path),
                              fix="pass --skip-existing to skip it, --label to rename it, "
                                  "or use another --store")
    store.record_monitor(result, run_id=run_id, skip_existing=True)
    n_alerted = 0
    for b in result.batches.itertuples(index=False):
        skipped = " (already in the store: not recorded again)" if b.batch in clash else ""
        print(f"{b.batch}: {b.status.upper()} — {b.n_rows:,} rows, {b.n_alerts} alert(s){skipped}")
        if b.batch in clash:
            continue
        n_alerted += b.status == "alert"
        for a in result.alerts[result.alerts["batch"] == b.batch].itertuples(index=False):
            print(f"  - [{a.detector}] {a.reason}")
    recorded = len(result.labels) - len(clash)
    print(f"{n_alerted} of {recorded} recorded batch(es) alerted; run {run_id} in {store.path}")
    return EXIT_ALERT if n_alerted else EXIT_OK
