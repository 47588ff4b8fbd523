"""The command line: ``python -m drift report | diagnose | check | scenario``.

* ``report`` runs the guided diagnosis (:func:`drift.diagnose`) and writes the stakeholder report as
  self-contained HTML, JSON and/or Markdown.  With ``--batch-col`` and no ``--batch``, **every batch** is
  diagnosed, one section each (a scheduler or CI job sees the whole history in one file); ``--batch``
  picks one or more.  Verdicts go to stdout, progress to stderr.
* ``diagnose`` runs the same diagnosis as ``report`` and prints each verdict with its evidence and every
  step (status and finding) on stdout, or all of it as JSON with ``--json PATH`` (``--json -``: stdout);
  no report, no pricing.
* ``check`` is the fast gate for CI pipelines and schedulers: per-feature drift, data-quality checks and,
  when a prediction column is known, prediction drift.  Exit codes:

  ====  ==========================================================================================
  0     no feature (nor the prediction) reaches the ``--fail-on`` level, no data-quality issue
  1     drift at that level (the features are printed), or a data-quality issue
  2     bad input: unreadable or empty file, missing column, bad option, an output path or history
        store that cannot be written (message on stderr naming the file, the column and the fix)
  3     an internal error (a bug: the traceback is printed; please report it)
  ====  ==========================================================================================

  Output paths (``--html``, ``--json``, ``--markdown``, ``--out``) are checked before any data is read,
  so a typo costs nothing; each output is written whole (a temporary file renamed into place).

* ``scenario`` writes a built-in scenario's reference and production CSVs, to try the other commands.

Roles: ``--target`` / ``--prediction`` override what :func:`drift.infer_schema` guesses from the column
names and values (the roles used are printed on stderr).  ``--task binary|multiclass|regression``
overrides the model's task, otherwise read from the target and prediction (:func:`drift.infer_task`, with
the rule of :func:`drift.diagnosis.task_steps.resolve_task`); it is printed with the roles and written into
every JSON output.  A regression model's prediction drift is that of its forecasts, a multiclass model's
that of its predicted classes and per-class probabilities (``proba_<class>`` columns, kept out of the
features); the business impact is priced in the task's terms
(:func:`drift.model.task_impact.task_business_impact`: a binary classifier's false positives and negatives,
a regression model's cost per unit over- and under-forecast, a multiclass model's cost matrix).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from drift import __version__
from drift.cli.args import emit, non_negative, probability, renamed, with_file_names
from drift.cli.monitor import add_monitor_parser
from drift.core import decisions
from drift.core.errors import (
    DriftError,
    DriftInputError,
    DriftParameterError,
    OutputPathError,
    TaskContradictionError,
)
from drift.core.formatting import format_pvalue
from drift.core.jsonsafe import dumps
from drift.core.limits import LoadLimits
from drift.core.paths import check_writable, write_text
from drift.data.engines.profile import load_profile
from drift.data.engines.settings import DEFAULT_MEMORY_LIMIT, ENGINES, EngineSettings
from drift.data.io import load_table
from drift.data.quality import quality_issues
from drift.data.scenarios import SCENARIOS, load_scenario
from drift.data.schema import infer_schema
from drift.data.task import TASKS
from drift.diagnosis.features import feature_drift, profile_reference
from drift.model.cost_matrix import load_cost_matrix
from drift.model.impact import business_impact, why_not_priced
from drift.model.prediction import prediction_drift
from drift.model.prediction_tasks import task_prediction_drift
from drift.model.task_impact import task_business_impact, task_inputs, task_why_not_priced
from drift.report.build import build_batch_report
from drift.stats.psi import psi_band

#: Exit codes of :func:`main`.
EXIT_OK, EXIT_DRIFT, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
STEP_LABELS = {"inputs": "data quality and per-feature drift", "prediction": "prediction drift",
               "concept": "concept drift", "domain": "domain classifier", "mmd": "MMD on embeddings"}
#: Label given to rows whose batch value is missing.
MISSING_BATCH = "(missing)"
#: Decision threshold of the diagnosis and the check when ``--threshold`` is not given (the business impact
#: uses the cost-minimising threshold instead, marked assumed: :func:`drift.model.impact.cost_threshold`).
STATISTICS_THRESHOLD = 0.5

PROG = "python -m drift"

_MAIN_EPILOG = f"""\
commands:
  report    guided diagnosis -> verdict, HTML / JSON / Markdown report
  diagnose  guided diagnosis -> the verdict, its evidence and every step (text or JSON)
  check     fast drift gate for CI: exit 0 (no drift), 1 (drift), 2 (bad input)
  scenario  write a built-in scenario's CSV files to try the other commands

examples:
  {PROG} scenario credit --out demo
  {PROG} check --reference demo/reference.csv --current demo/production.csv --batch-col batch
  {PROG} report --reference demo/reference.csv --current demo/production.csv --batch-col batch \\
      --batch 2025-05 --html report.html --json report.json

'{PROG} COMMAND --help' documents each command.
"""

_REPORT_EPILOG = f"""\
examples:
  # one production file against the training data, all outputs
  {PROG} report --reference train.csv --current prod.parquet --target default --prediction score \\
      --html report.html --json report.json --markdown report.md

  # every monthly batch of one file, the business impact priced with your figures
  {PROG} report --reference train.csv --current prod.csv --batch-col batch --html report.html \\
      --decisions-per-month 20000 --cost-false-positive 120 --cost-false-negative 900 --threshold 0.2

  # a demand (regression) model: a unit of unsold stock costs 2, a lost sale 5
  {PROG} report --reference train.csv --current prod.csv --target units --prediction forecast \\
      --task regression --cost-per-unit-over 2 --cost-per-unit-under 5 --html report.html

  # a multiclass model priced with a cost matrix (rows: true class; columns: predicted class)
  {PROG} report --reference train.csv --current prod.csv --target sentiment --prediction predicted \\
      --cost-matrix costs.csv --decisions-per-month 50000 --markdown report.md

  # only the fast steps, one batch, no labels yet
  {PROG} report --reference train.csv --current prod.csv --batch-col batch --batch 2025-05 \\
      --steps prediction,concept --no-labels

Verdicts go to stdout, progress lines ("[2/5] prediction drift ...") to stderr.
Exit codes: 0 report written, 2 bad input, 3 internal error.
"""

_DIAGNOSE_EPILOG = f"""\
examples:
  {PROG} diagnose --reference train.csv --current prod.csv
  {PROG} diagnose --reference train.csv --current prod.csv --target units --prediction forecast \\
      --task regression --steps prediction,concept --json -

Each batch's verdict, its evidence and the finding of every step go to stdout (with --json -, the
diagnoses as JSON instead); progress lines to stderr.
Exit codes: 0 diagnosed, 2 bad input, 3 internal error.
"""

_CHECK_EPILOG = f"""\
examples:
  {PROG} check --reference train.csv --current prod.csv
  {PROG} check --reference train.csv --current prod.csv --batch-col batch --fail-on major --json drift.json
  # files larger than memory, exact statistics counted by DuckDB; the reference counted once, reused
  {PROG} check --engine duckdb --reference 'train/*.parquet' --current prod.parquet --save-profile train.prof
  {PROG} check --reference-profile train.prof --current 'prod/2025-06-*.parquet'

A feature fails when its drift is significant (corrected p-value < --alpha) and its severity reaches
--fail-on (PSI >= 0.1 moderate, >= 0.25 major).  The prediction fails when its KS test is significant
and its PSI band reaches --fail-on.  A data-quality issue (unit change, missing-value burst, new
category) always fails.  With --batch-col every batch is checked; the check fails if any batch fails.

exit codes:
  0  no drift at the --fail-on level
  1  drift at that level, or a data-quality issue (printed)
  2  bad input (unreadable / empty file, missing column, bad option)
  3  internal error (a bug; please report it)
"""

_SCENARIO_EPILOG = f"""\
examples:
  {PROG} scenario credit --out demo
  {PROG} scenario credit --out demo --batch-size 1000 --seed 7

Writes DIR/reference.csv, DIR/production.csv and, when the scenario knows its ground truth,
DIR/manifest.csv (what was injected into each batch).
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keep the epilog's layout; show a default when there is one worth showing."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS) and "%(default)" not in text
        if shown and action.option_strings:
            default = ",".join(action.default) if isinstance(action.default, tuple) else action.default
            text += f" (default: {str(default).replace('%', '%%')})"
        return text


# ------------------------------------------------------------------------------------------ parser
def _data_options(p: argparse.ArgumentParser, *, engines: bool = False) -> None:
    g = p.add_argument_group("data")
    g.add_argument("--reference", required=not engines, metavar="PATH",
                   help="training (reference) data: CSV/TSV, Parquet, JSON lines or Excel"
                        + (" (with --engine duckdb: a Parquet/CSV file, directory or glob; not needed with "
                           "--reference-profile)" if engines else "") + ", e.g. --reference train.csv")
    g.add_argument("--current", required=True, metavar="PATH",
                   help="production (current) data in any of those formats"
                        + (" (with --engine duckdb: a file, directory or glob)" if engines else "")
                        + ", e.g. --current prod.parquet")
    g.add_argument("--target", metavar="COL", default=None,
                   help="label column (default: guessed from the column names), e.g. --target default")
    g.add_argument("--prediction", metavar="COL", default=None,
                   help="model score column, P(positive) for a classifier (default: guessed), "
                        "e.g. --prediction score")
    g.add_argument("--task", choices=TASKS, default=None,
                   help="the model's task (default: read from the target and prediction columns: 2 labels "
                        "binary, a few labels or class codes multiclass, numbers regression), "
                        "e.g. --task regression")
    g.add_argument("--batch-col", metavar="COL", default=None,
                   help="column of --current that splits it into batches; every batch is analysed "
                        "unless --batch picks some, e.g. --batch-col batch")
    g.add_argument("--batch", metavar="LABEL", action="append", default=None,
                   help="analyse only this batch (repeatable; needs --batch-col), e.g. --batch 2025-05")
    g.add_argument("--max-expanded-mb", type=non_negative, metavar="MB", default=None,
                   help="refuse a file that expands to more than MB MiB once decompressed (default: "
                        "$DRIFT_MAX_EXPANDED_MB, else 2048; see drift.core.limits), "
                        "e.g. --max-expanded-mb 4096")
    s = p.add_argument_group("statistics")
    s.add_argument("--alpha", type=probability, default=0.05,
                   help="significance level for the corrected p-values, e.g. --alpha 0.01")
    s.add_argument("--correction", choices=("bh", "bonferroni", "none"), default="bh",
                   help="multiple-testing correction across features, e.g. --correction bonferroni")
    s.add_argument("--threshold", type=probability, default=None,
                   help=f"the model's decision threshold on the score (default: {STATISTICS_THRESHOLD} for "
                        "the statistics; for the business impact, the cost of a false positive divided by "
                        "the sum of both costs, marked assumed), e.g. --threshold 0.3")


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m drift`` argument parser (subcommands ``report``, ``check``, ``scenario``,
    ``monitor``)."""
    parser = argparse.ArgumentParser(
        prog=PROG, formatter_class=_Formatter, epilog=_MAIN_EPILOG,
        description="Drift Explorer: find out whether production data drifted from the training data, "
                    "where, how much, whether it matters for the model, and what to do.")

    parser.add_argument("--version", action="version", version=f"Drift Explorer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_report_parser(sub)
    _add_diagnose_parser(sub)
    _add_check_parser(sub)
    _add_scenario_parser(sub)


    add_monitor_parser(sub)
    return parser


def _diagnosis_parser(sub, name: str, epilog: str, help_text: str, then: str) -> argparse.ArgumentParser:
    """A command that runs the guided diagnosis (``report``, ``diagnose``): its data and diagnosis options;
    ``then`` says what it does with the diagnoses."""
    p = sub.add_parser(name, formatter_class=_Formatter, epilog=epilog, help=help_text,
                       description="Run the guided diagnosis (inputs -> prediction drift -> concept drift -> "
                                   f"domain classifier -> MMD) and {then}.")
    _data_options(p)
    _diagnosis_options(p)
    return p


def _add_report_parser(sub) -> None:
    """``python -m drift report``: guided diagnosis and stakeholder report."""
    rep = _diagnosis_parser(sub, "report", _REPORT_EPILOG, "guided diagnosis and stakeholder report",
                            "write the stakeholder report")
    o = rep.add_argument_group("outputs (none given: only the verdicts are printed)")
    o.add_argument("--html", metavar="PATH", type=Path,
                   help="self-contained HTML report (opens offline), e.g. --html report.html")
    o.add_argument("--json", metavar="PATH", type=Path,
                   help="everything as JSON (verdicts, steps, evidence, features), e.g. --json report.json")
    o.add_argument("--markdown", metavar="PATH", type=Path,
                   help="copyable Markdown summary, e.g. --markdown report.md")
    o.add_argument("--title", default=None, help="report title (default: names the two files), "
                                                 "e.g. --title 'Credit model, May'")
    m = rep.add_argument_group("business impact (priced with a target and a prediction column; a figure "
                               "not given is assumed, and the report says so)")
    m.add_argument("--decisions-per-month", type=non_negative, metavar="N",
                   help="decisions (a regression model: forecasts) the model makes a month (default 10,000, "
                        "assumed), e.g. --decisions-per-month 20000")
    m.add_argument("--cost-false-positive", type=non_negative, metavar="C",
                   help="cost of one case flagged that turns out fine, e.g. a good applicant refused "
                        "(default 100, assumed), e.g. --cost-false-positive 120")
    m.add_argument("--cost-false-negative", type=non_negative, metavar="C",
                   help="cost of one case not flagged that turns out to be an event, e.g. a loan that "
                        "defaults (default 500, assumed), e.g. --cost-false-negative 900")
    m.add_argument("--cost-per-unit-over", type=non_negative, metavar="C",
                   help="regression model: cost of one unit forecast too high, e.g. stock that does not sell "
                        "(default 1, assumed), e.g. --cost-per-unit-over 2")
    m.add_argument("--cost-per-unit-under", type=non_negative, metavar="C",
                   help="regression model: cost of one unit forecast too low, e.g. a sale lost for want of "
                        "stock (default 1, assumed), e.g. --cost-per-unit-under 5")
    m.add_argument("--cost-matrix", metavar="PATH", type=Path,
                   help="multiclass model: a CSV whose first column names the true class and whose header "
                        "names the predicted classes, one cost per cell (default every error costs 1, "
                        "assumed), e.g. --cost-matrix costs.csv")
    m.add_argument("--currency", default="$", help="currency symbol in the sentences, e.g. --currency €")
    rep.set_defaults(func=_report)


def _diagnosis_options(p: argparse.ArgumentParser) -> None:
    """The diagnosis's options (``report`` and ``diagnose``): labels, steps, seed, quiet."""
    r = p.add_argument_group("diagnosis")
    r.add_argument("--no-labels", action="store_true",
                   help="ignore production labels: estimate performance from the model's confidence "
                        "instead (what you get before labels arrive), e.g. --no-labels")
    r.add_argument("--steps", default="all", metavar="LIST", type=_steps,
                   help="steps to run besides the input checks: 'all' or a comma list of prediction, "
                        "concept, domain, mmd (domain and mmd are the slow ones), "
                        "e.g. --steps prediction,concept")
    r.add_argument("--seed", type=int, default=0,
                   help="random seed (bootstrap, domain classifier, MMD), e.g. --seed 7")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr, e.g. -q")


def _add_diagnose_parser(sub) -> None:
    """``python -m drift diagnose``: the verdict and the steps, as text or JSON."""
    dia = _diagnosis_parser(sub, "diagnose", _DIAGNOSE_EPILOG,
                            "guided diagnosis: the verdict and every step, as text or JSON",
                            "print the verdict and every step")
    dia.add_argument_group("output").add_argument(
        "--json", metavar="PATH", type=Path,
        help="the diagnoses (verdict, steps, evidence, features) as JSON instead of text; '-' prints them "
             "on stdout, e.g. --json diagnosis.json")
    dia.set_defaults(func=_diagnose)


def _add_check_parser(sub) -> None:
    """``python -m drift check``: the fast drift gate for CI."""
    chk = sub.add_parser("check", formatter_class=_Formatter, epilog=_CHECK_EPILOG,
                         help="fast drift gate for CI (exit 0 / 1 / 2)",
                         description="Per-feature drift, data-quality checks and prediction drift; the exit "
                                     "code says whether anything reached the --fail-on level.")
    _data_options(chk, engines=True)
    e = chk.add_argument_group("engine (out of core: files larger than memory)")
    e.add_argument("--engine", choices=ENGINES, default="pandas",
                   help="who counts: pandas loads both files into memory; duckdb streams Parquet/CSV files "
                        "and globs with bounded memory and gives the same statistics (no prediction drift "
                        "or batches yet), e.g. --engine duckdb")
    e.add_argument("--reference-profile", metavar="DIR", type=Path, default=None,
                   help="a reference profile saved by --save-profile: only --current is read "
                        "(implies --engine duckdb), e.g. --reference-profile train.profile")
    e.add_argument("--save-profile", metavar="DIR", type=Path, default=None,
                   help="save the reference's profile (Parquet + JSON) to reuse with --reference-profile "
                        "(--engine duckdb), e.g. --save-profile train.profile")
    e.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT, metavar="SIZE",
                   help="DuckDB's memory limit; past it, it spills to disk, e.g. --memory-limit 1GB")
    e.add_argument("--threads", type=int, default=None, metavar="N",
                   help="DuckDB's threads (default: one per core), e.g. --threads 2")
    c = chk.add_argument_group("gate")
    c.add_argument("--fail-on", choices=tuple(decisions.FAIL_LEVELS), default="moderate",
                   help="lowest severity that fails the check (PSI >= 0.1 moderate, >= 0.25 major), "
                        "e.g. --fail-on major")
    c.add_argument("--json", metavar="PATH", type=Path,
                   help="the full result (every feature of every batch) as JSON, e.g. --json drift.json")
    chk.set_defaults(func=_check)


def _add_scenario_parser(sub) -> None:
    """``python -m drift scenario``: write a built-in scenario's CSV files."""

    sc = sub.add_parser("scenario", formatter_class=_Formatter, epilog=_SCENARIO_EPILOG,
                        help="write a built-in scenario's CSV files",
                        description="Write a built-in scenario's reference and production data as CSV files.")
    sc.add_argument("name", choices=sorted(SCENARIOS),
                    help="scenario: " + "; ".join(f"{k} = {v.title}" for k, v in SCENARIOS.items())
                         + ", e.g. credit")
    sc.add_argument("--out", required=True, metavar="DIR", type=Path,
                    help="output directory (created if needed), e.g. --out demo")
    sc.add_argument("--seed", type=int, default=0, help="generator seed (credit), e.g. --seed 7")
    sc.add_argument("--batch-size", type=int, default=None, metavar="N",
                    help="rows per production batch (credit; default 4000), e.g. --batch-size 1000")
    sc.set_defaults(func=_scenario)


def _steps(text: str) -> tuple[str, ...]:
    from drift.diagnosis.diagnose import STEP_KEYS  # deferred: loads scikit-learn, only `report` needs it

    if text.strip().lower() == "all":
        return STEP_KEYS
    chosen = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in chosen if s not in STEP_KEYS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"expected 'all' or a comma list of {', '.join(STEP_KEYS[1:])}; "
                                         f"got {text!r}")
    return ("inputs",) + tuple(s for s in STEP_KEYS[1:] if s in chosen)


# -------------------------------------------------------------------------------------------- data
@dataclass(frozen=True, slots=True)
class _Data:
    reference: pd.DataFrame
    current: pd.DataFrame
    batches: tuple[tuple[str, pd.DataFrame], ...]
    reference_name: str
    current_name: str


def _load(args: argparse.Namespace) -> _Data:

    mb = args.max_expanded_mb
    limits = LoadLimits.from_env() if mb is None else LoadLimits.from_env(max_expanded_bytes=int(mb * 2**20))
    ref_name, cur_name = Path(args.reference).name, Path(args.current).name
    if args.target is not None and args.target == args.prediction:
        raise DriftInputError("--target and --prediction name the same column", file=ref_name,
                              column=args.target,
                              fix="pass the label column to --target and the model's score column to "
                                  "--prediction")
    reference = load_table(args.reference, limits=limits)
    current = load_table(args.current, limits=limits)
    for flag, col in (("--target", args.target), ("--prediction", args.prediction)):
        if col is not None and col not in reference.columns:
            raise DriftInputError(f"no column named {col!r}", file=ref_name, column=col,
                                  fix=f"pass {flag} one of {_some(reference.columns)}")
    if args.batch_col is None:
        return _Data(reference, current, ((cur_name, current),), ref_name, cur_name)
    col = args.batch_col
    if col not in current.columns:
        raise DriftInputError(f"no column named {col!r}", file=cur_name, column=col,
                              fix=f"pass --batch-col one of {_some(current.columns)}")
    labels = current[col].astype("string").fillna(MISSING_BATCH)
    order = list(pd.unique(labels))
    wanted = list(dict.fromkeys(args.batch)) if args.batch else order
    unknown = [b for b in wanted if b not in order]
    if unknown:
        raise DriftInputError(f"no batch labelled {unknown[0]!r}", file=cur_name, column=col,
                              fix=f"pass --batch one of {_some(order)}")
    batches = tuple((label, current[(labels == label).to_numpy()].drop(columns=[col]).reset_index(drop=True))
                    for label in wanted)
    return _Data(reference.drop(columns=[col], errors="ignore"), current.drop(columns=[col]), batches,
                 ref_name, cur_name)


def _some(values, k: int = 12) -> str:
    values = [str(v) for v in values]
    return ", ".join(repr(v) for v in values[:k]) + (f" … ({len(values)} in all)" if len(values) > k else "")


def _schema(data: _Data, args: argparse.Namespace):
    """Kinds and roles guessed from both files, with --target / --prediction taking precedence."""

    schema = infer_schema(data.reference, data.current)
    if args.target or args.prediction:
        schema = schema.with_roles(target=args.target or schema.target,
                                   prediction=args.prediction or schema.prediction)
    return schema


def _threshold(args: argparse.Namespace) -> float:
    return STATISTICS_THRESHOLD if args.threshold is None else args.threshold


def _in_batch(err: DriftError, name: str, data: _Data) -> None:
    """Re-raise ``err``, naming the batch when there are several."""
    if len(data.batches) > 1:
        if isinstance(err, DriftInputError) and err.file in ("current", data.current_name):
            raise renamed(err, f"{data.current_name} (batch {name!r})") from err
        raise DriftInputError(f"batch {name!r}: {err}", file=data.current_name) from err
    raise err


def _roles_line(schema, args: argparse.Namespace, info=None) -> str:
    def one(role: str, given: str | None) -> str:
        col = getattr(schema, role)
        if col is None:
            return f"{role}=none"
        return f"{role}={col!r}" + ("" if given else " (guessed)")

    task = "none" if info is None else info.task + ("" if args.task else " (inferred)")
    return "roles: " + ", ".join((one("target", args.target), one("prediction", args.prediction),
                                  f"task={task}"))


def _task(data: _Data, schema, args: argparse.Namespace):
    """The model's task over both files (``--task`` overrides; a contradiction is an input error)."""
    from drift.diagnosis.task_steps import resolve_task  # deferred: loads scikit-learn

    try:
        return resolve_task(data.reference, data.current, schema.target, schema.prediction, args.task)[0]
    except TaskContradictionError as err:
        raise _task_contradiction(err, f"{data.reference_name}, {data.current_name}") from err


def _task_contradiction(err: TaskContradictionError, files: str) -> DriftInputError:
    """The library's :class:`TaskContradictionError` said once in the terms of the command line: the files
    and the column, what the column holds, and the ``--task`` values that fit it."""
    fits = " or ".join(f"--task {t}" for t in err.tasks)
    return DriftInputError(f"--task {err.task} does not fit this column: it {err.found}", file=files,
                           column=err.column, fix=f"pass {fits}, or leave --task out to infer the task")


#: An example path per output option, for the fixes of output errors.
_OUTPUT_EXAMPLES = {"html": "report.html", "json": "report.json", "markdown": "report.md"}


def _check_outputs(args: argparse.Namespace, flags: Sequence[str]) -> None:
    """Refuse output paths that cannot be written, before any data is read (file, reason and fix)."""

    inputs = {Path(p).expanduser().resolve() for p in (args.reference, args.current)}
    seen: dict[Path, str] = {}
    for flag in flags:
        path = getattr(args, flag)
        if path is None:
            continue
        option, resolved = f"--{flag}", path.expanduser().resolve()
        if resolved in inputs:
            raise OutputPathError(f"{option} would overwrite an input file", file=str(path),
                                  fix=f"give {option} another path, e.g. {option} {_OUTPUT_EXAMPLES[flag]}")
        if resolved in seen and not (resolved.exists() and not resolved.is_file()):
            raise OutputPathError(f"{option} and {seen[resolved]} name the same file", file=str(path),
                                  fix="give each output its own path")
        seen[resolved] = option
        check_writable(path, what=f"the {option} output",
                       fix=f"give {option} a file path in a writable directory, e.g. {option} "
                           f"{_OUTPUT_EXAMPLES[flag]}")


def _write(path: Path, text: str, what: str) -> None:

    size = write_text(path, text, what=what)
    emit(f"wrote {path} ({size / 1024:,.0f} KB)" if size >= 1024 else f"wrote {path} ({size} bytes)")


# ------------------------------------------------------------------------------------------ report
def _report(args: argparse.Namespace) -> int:

    _check_outputs(args, ("html", "json", "markdown"))
    costs = load_cost_matrix(args.cost_matrix) if args.cost_matrix is not None else None
    data = _load(args)
    schema = _schema(data, args)
    info = _task(data, schema, args)
    inputs = _impact_inputs(args, "binary" if info is None else info.task, costs)
    diagnoses = _diagnoses(args, data, schema, info)
    impacts, not_priced = {}, {}
    for (name, frame), d in zip(data.batches, diagnoses.values(), strict=True):
        try:
            impacts[name] = _priced(args, data, frame, d, inputs)
        except DriftError as err:   # the data cannot be priced: the report says why, and goes on
            impacts[name] = None
            not_priced[name] = f"Not priced: {err}"
            emit(f"business impact not priced: {err}")
    title = args.title or f"Drift report: {data.current_name} vs {data.reference_name}"
    report = build_batch_report(diagnoses, title=title, impacts=impacts, reference_name=data.reference_name,
                                not_priced=not_priced)
    for section in report.sections:
        print(_verdict_line(section.name, section.diagnosis.verdict))
        for key, heading in (("what_changed", "What changed"), ("what_it_costs", "What it costs"),
                             ("recommendation", "Recommendation")):
            print(f"    {heading}: {section.summary[key]}")
    sys.stdout.flush()
    if args.html:
        _write(args.html, report.to_html(), "the --html report")
    if args.json:
        _write(args.json, _with_task(report.to_dict(), diagnoses, info), "the --json report")
    if args.markdown:
        _write(args.markdown, report.to_markdown(), "the --markdown report")
    return EXIT_OK


#: The report's figure options, by the names of :func:`drift.model.task_impact.task_inputs`.
_FIGURE_OPTIONS = {name: "--" + name.replace("_", "-")
                   for name in ("cost_false_positive", "cost_false_negative", "cost_per_unit_over",
                                "cost_per_unit_under", "cost_matrix")}


def _impact_inputs(args: argparse.Namespace, task: str, costs):
    """The business-impact inputs of the model's task from the options; an option of another task's figures
    is said on stderr and left out."""
    inputs, unused = task_inputs(task, volume_per_month=args.decisions_per_month,
                                 cost_false_positive=args.cost_false_positive,
                                 cost_false_negative=args.cost_false_negative,
                                 threshold=args.threshold if task == "binary" else None,
                                 cost_per_unit_over=args.cost_per_unit_over,
                                 cost_per_unit_under=args.cost_per_unit_under, cost_matrix=costs,
                                 currency=args.currency)
    if unused:
        options = ", ".join(_FIGURE_OPTIONS[n] for n in unused)
        emit(f"not used for a {task} model's business impact: {options}")
    return inputs


def _priced(args: argparse.Namespace, data: _Data, frame: pd.DataFrame, d, inputs):
    """The business impact of one batch in its task's terms, or None when the roles cannot be priced.

    Without a model output read from the data (no task, or a binary score the task could not read: a score
    in percent) the roles are priced as a binary classifier's, so the report says what is wrong with them.
    """
    if d.task is None or d.task.prediction_kind is None and d.task.task == "binary":
        if why_not_priced(d.schema.target, d.schema.prediction) is not None:
            return None
        return business_impact(data.reference, frame, target=d.schema.target, prediction=d.schema.prediction,
                               inputs=inputs, use_labels=d.has_labels, rng=args.seed)
    if task_why_not_priced(d.task) is not None:
        return None
    return task_business_impact(data.reference, frame, d.task, inputs, use_labels=d.has_labels,
                                rng=args.seed)


def _with_task(payload: dict, diagnoses: dict, info) -> str:
    """The report's JSON with the model's task: for the run and for each section (as diagnosed)."""
    payload["task"] = None if info is None else info.to_dict()
    for section, d in zip(payload["sections"], diagnoses.values(), strict=True):
        section["task"] = None if d.task is None else d.task.to_dict()
    return dumps(payload, indent=2)


def _diagnoses(args: argparse.Namespace, data: _Data, schema, info) -> dict:
    """Batch name -> :func:`drift.diagnose` of that batch (``report`` and ``diagnose``), the data, the roles
    and each batch announced on stderr unless quiet."""
    if not args.quiet:
        emit(f"reference {data.reference_name}: {len(data.reference):,} rows; current {data.current_name}: "
             f"{len(data.current):,} rows in {len(data.batches)} set(s)")
        emit(_roles_line(schema, args, info))
    diagnoses = {}
    for b, (name, frame) in enumerate(data.batches, start=1):
        if not args.quiet and len(data.batches) > 1:
            emit(f"== {name} ({b} of {len(data.batches)}, {len(frame):,} rows)")
        diagnoses[name] = _diagnose_batch(args, data, schema, name, frame, info)
    return diagnoses


def _verdict_line(name: str, v) -> str:
    """``"2025-05: data_quality — Data-quality problem: … (strong evidence; right in 47 of 52 …)"``."""
    return f"{name}: {v.kind} — {v.label} ({v.strength} evidence; {v.confidence_text})"


def _diagnose(args: argparse.Namespace) -> int:
    """``diagnose``: each batch's verdict, its evidence and every step, as text or JSON (``--json``)."""
    to_stdout = args.json is not None and str(args.json) == "-"
    _check_outputs(args, () if to_stdout or args.json is None else ("json",))
    data = _load(args)
    schema = _schema(data, args)
    info = _task(data, schema, args)
    diagnoses = _diagnoses(args, data, schema, info)
    if args.json is not None:
        payload = {"task": None if info is None else info.to_dict(),
                   "sections": [{"current_name": name, **d.to_dict()} for name, d in diagnoses.items()]}
        text = dumps(payload, indent=2)
        if not to_stdout:
            _write(args.json, text, "the --json diagnosis")
            return EXIT_OK
        print(text)
        return EXIT_OK
    for name, d in diagnoses.items():
        print(_verdict_line(name, d.verdict))
        for line in d.verdict.evidence:
            print(f"    evidence: {line}")
        for step in d.steps:
            print(f"    {step.title} [{step.status}]: {step.summary}")
    return EXIT_OK


def _diagnose_batch(args: argparse.Namespace, data: _Data, schema, name: str, frame: pd.DataFrame, info):
    """:func:`drift.diagnose` of one production batch, its steps announced on stderr unless quiet."""
    from drift.diagnosis.diagnose import STEP_KEYS, diagnose  # deferred: loads scikit-learn

    plan = [k for k in STEP_KEYS if k in args.steps]
    started = time.perf_counter()

    def progress(key: str, i: int, n: int) -> None:
        if not args.quiet and key in plan:
            emit(f"[{plan.index(key) + 1}/{len(plan)}] {STEP_LABELS.get(key, key)} …")

    try:
        d = diagnose(data.reference, frame, target=schema.target, prediction=schema.prediction,
                     use_labels=not args.no_labels, threshold=_threshold(args), alpha=args.alpha,
                     correction=args.correction, steps=args.steps, rng=args.seed, progress=progress,
                     task=None if info is None else info.task)
    except DriftError as err:
        _in_batch(err, name, data)
    if not args.quiet:
        emit(f"done in {time.perf_counter() - started:.1f} s")
    return d


# ------------------------------------------------------------------------------------------- check
def _check(args: argparse.Namespace) -> int:
    if args.engine == "duckdb" or args.reference_profile is not None:
        return _check_engine(args)
    if args.reference is None or args.save_profile is not None:
        raise DriftParameterError.invalid("--reference-profile / --save-profile", "check",
                                          "used with --engine duckdb (and --reference given otherwise)",
                                          args.engine)
    _check_outputs(args, ("json",))
    data = _load(args)
    schema = _schema(data, args)
    info = _task(data, schema, args)
    emit(_roles_line(schema, args, info))
    if info is not None and info.task == "multiclass":     # model outputs, not features
        schema = schema.with_roles(excluded=(*schema.excluded, *info.probability_columns.values()))
    results = [_gate_batch(args, data, schema, name, frame, info) for name, frame in data.batches]
    any_failed = any(r["failed"] for r in results)
    code = EXIT_DRIFT if any_failed else EXIT_OK
    n_failed = sum(r["failed"] for r in results)
    print(f"result: {'drift' if any_failed else 'no drift'} at level '{args.fail_on}'"
          + (f" in {n_failed} of {len(results)} batches" if len(results) > 1 else "") + f" (exit {code})")
    sys.stdout.flush()
    if args.json:
        payload = {"version": __version__, "reference": data.reference_name, "current": data.current_name,
                   "fail_on": args.fail_on, "alpha": args.alpha, "correction": args.correction,
                   "target": schema.target, "prediction": schema.prediction,
                   "task": None if info is None else info.to_dict(), "exit_code": code,
                   "passed": not any_failed, "batches": results}
        _write(args.json, dumps(payload, indent=2),
               "the --json result")
    return code


def _gate_batch(args: argparse.Namespace, data: _Data, schema, name: str, frame: pd.DataFrame,
                info=None) -> dict:
    """The gate of one production batch: computed, printed, and returned as its JSON record.  A batch in
    which no feature could be compared is an input error, never "no drift"."""
    pred = schema.prediction
    try:
        table = feature_drift(data.reference, frame, schema=schema, alpha=args.alpha,
                              correction=args.correction)
        if table.empty:
            problems = table.attrs.get("problems", ())
            raise DriftInputError(
                "no feature could be compared" + (f" (first of {len(problems)} problems: "
                                                  f"{problems[0].error})" if problems else ""),
                file="reference and current",
                fix="check that both files hold the same columns, read with the same delimiter")
        issues = quality_issues(data.reference, frame, schema, table, alpha=args.alpha,
                                problems=table.attrs.get("problems", ()))
        pd_res, level = None, None
        if info is not None and info.task != "binary":
            pd_res, level = _task_prediction(data.reference, frame, info, args.alpha)
        elif pred is not None and pred in data.reference.columns and pred in frame.columns:
            pd_res = prediction_drift(data.reference[pred], frame[pred], threshold=_threshold(args))
        elif args.prediction is not None:
            raise DriftInputError(f"no column named {pred!r}", file=data.current_name, column=pred,
                                  fix="score the production rows, or leave out --prediction")
    except DriftError as err:
        _in_batch(err, name, data)
    return _gate_record(args, name, len(frame), table, issues, pd_res, level, info, pred)


def _gate_record(args: argparse.Namespace, name: str, n_rows: int, table: pd.DataFrame, issues, pd_res, level,
                 info, pred) -> dict:
    """The gate's verdict on one batch's feature table, printed, and its JSON record."""
    verdict = decisions.gate(table, issues, fail_on=args.fail_on, alpha=args.alpha,
                             prediction_psi=None if pd_res is None else pd_res.statistic,
                             prediction_pvalue=None if pd_res is None else pd_res.pvalue,
                             prediction_status=level)
    bad = table[table["feature"].isin(verdict.failing_features)]
    pred_failed, failed = verdict.prediction_failed, verdict.failed
    counts = table["severity"].value_counts()
    tally = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in ("major", "moderate", "minor")
                      if counts.get(s, 0))
    print(f"{name} ({n_rows:,} rows): {'FAIL' if failed else 'ok'} — "
          f"{len(bad)} of {len(table)} feature(s) at {args.fail_on} or above"
          + (f" [{tally}]" if tally else "")
          + (f"; prediction PSI {pd_res.statistic:.3f} ({psi_band(pd_res.statistic)})"
             if pd_res is not None else ""))
    for r in bad.itertuples(index=False):
        print(f"    {r.severity:<8} {r.feature}  PSI {r.psi:.3f}  "
              f"adjusted p {format_pvalue(r.pvalue_adjusted)}")
    if pred_failed:
        print(f"    prediction {pred or 'proba_<class>'}  PSI {pd_res.statistic:.3f} "
              f"({psi_band(pd_res.statistic)})  {_test_name(info)} p {format_pvalue(pd_res.pvalue)}")
    for issue in issues:
        print(f"    data quality: {issue.message}")
    for r in table[table["feature"].isin(verdict.proxies)].itertuples(index=False):
        print(f"    not counted  {r.feature}  {r.finding}")
    return {"name": name, "n_rows": n_rows, "failed": failed,
            "failing_features": bad["feature"].tolist(), "split_proxies": list(verdict.proxies),
            "features": table,
            "quality_issues": [i.to_dict() for i in issues],
            "prediction": None if pd_res is None else
            {"column": pred, "psi": pd_res.statistic, "band": psi_band(pd_res.statistic),
             "ks_pvalue" if _test_name(info) == "KS" else "chi2_pvalue": pd_res.pvalue,
             "failed": pred_failed, "level": level}}


def _check_engine(args: argparse.Namespace) -> int:
    """``check --engine duckdb``: the feature table counted by DuckDB (files, directories, globs; a saved
    reference profile), gated as the pandas path gates one batch."""
    if args.batch_col is not None:
        raise DriftParameterError.invalid("--batch-col", "check --engine duckdb",
                                          "left out (split the batches into files or globs)", args.batch_col)
    if args.reference is None and args.reference_profile is None:
        raise DriftParameterError.invalid("--reference", "check --engine duckdb",
                                          "given (or --reference-profile)", None)
    if args.json is not None:
        check_writable(args.json, what="the --json output",
                       fix="give --json a file path in a writable directory")
    settings = EngineSettings(args.memory_limit, threads=args.threads)
    if args.reference_profile is not None:
        reference, ref_name = load_profile(args.reference_profile), str(args.reference_profile)
    else:
        reference, ref_name = args.reference, Path(args.reference).name
    if args.save_profile is not None:
        if args.reference is None:
            raise DriftParameterError.invalid("--save-profile", "check", "used with --reference", None)
        reference = profile_reference(args.reference, engine="duckdb", engine_settings=settings,
                                      path=str(args.save_profile))
        emit(f"wrote the reference profile to {args.save_profile}")
    table = feature_drift(reference, args.current, engine="duckdb", engine_settings=settings,
                          alpha=args.alpha, correction=args.correction)
    if table.empty:
        raise DriftInputError("no feature could be compared", file="reference and current",
                              fix="check that both sides hold the same columns")
    issues = quality_issues(None, None, None, table, alpha=args.alpha,
                            problems=table.attrs.get("problems", ()))
    emit("engine duckdb: per-feature drift and data quality (prediction drift needs --engine pandas)")
    cur_name = Path(args.current).name
    record = _gate_record(args, cur_name, int(table.attrs["n_current_rows"]), table, issues, None, None, None,
                          None)
    code = EXIT_DRIFT if record["failed"] else EXIT_OK
    print(f"result: {'drift' if record['failed'] else 'no drift'} at level '{args.fail_on}' (exit {code})")
    sys.stdout.flush()
    if args.json:
        payload = {"version": __version__, "reference": ref_name, "current": cur_name, "engine": "duckdb",
                   "fail_on": args.fail_on, "alpha": args.alpha, "correction": args.correction,
                   "exit_code": code, "passed": not record["failed"], "batches": [record]}
        _write(args.json, dumps(payload, indent=2), "the --json result")
    return code


def _test_name(info) -> str:
    """The test of the prediction's distribution: χ² of a multiclass model's classes, KS otherwise."""
    return "chi2" if info is not None and info.task == "multiclass" else "KS"


def _task_prediction(reference: pd.DataFrame, frame: pd.DataFrame, info, alpha: float):
    """Prediction drift of a regression or multiclass model and its level; (None, None) when the batch has
    no model output."""
    from drift.diagnosis.task_steps import outputs_problem  # deferred: loads scikit-learn

    if outputs_problem(reference, frame, info):
        return None, None
    res = task_prediction_drift(reference, frame, info, alpha=alpha)
    level = decisions.prediction_level(res.statistic, res.pvalue, alpha) if info.task == "regression" \
        else decisions.class_prediction_level(res, alpha)
    return res, level


# ---------------------------------------------------------------------------------------- scenario
def _scenario(args: argparse.Namespace) -> int:
    kwargs = {}
    if args.name == "credit":
        kwargs["rng"] = args.seed
        if args.batch_size is not None:
            if args.batch_size < 10:
                raise DriftParameterError.invalid("--batch-size", "scenario", "an integer >= 10",
                                                  args.batch_size)
            kwargs["batch_size"] = args.batch_size
    out: Path = args.out
    check_writable(out, what="the scenario files", directory=True,
                   fix="give --out a directory that exists or can be created, e.g. --out demo")
    emit(f"generating scenario {args.name!r} …")
    sc = load_scenario(args.name, **kwargs)
    _write(out / "reference.csv", sc.reference.to_csv(index=False), "the reference CSV")
    _write(out / "production.csv", sc.current.to_csv(index=False), "the production CSV")
    if sc.manifest is not None:
        _write(out / "manifest.csv", sc.manifest.to_csv(index=False), "the manifest CSV")
    print(f"{sc.title}: {len(sc.reference):,} reference rows, {len(sc.current):,} production rows"
          + (f" in {len(sc.batches())} batches (column {sc.batch!r})" if sc.batch else ""))
    if sc.manifest is not None:
        for row in sc.manifest.itertuples(index=False):
            print(f"    {row.batch}: {row.kind}")
    batch = f" --batch-col {sc.batch}" if sc.batch else ""
    print("try:\n"
          f"    {PROG} check --reference {out / 'reference.csv'} --current {out / 'production.csv'}{batch}\n"
          f"    {PROG} report --reference {out / 'reference.csv'} --current {out / 'production.csv'}{batch} "
          f"--html {out / 'report.html'}")
    return EXIT_OK


# -------------------------------------------------------------------------------------------- main
def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits with 2 on a usage error
    if getattr(args, "batch", None) and not args.batch_col:
        parser.error("--batch needs --batch-col (the column that holds the batch labels)")
    try:
        return args.func(args)
    except DriftError as err:
        named = with_file_names(err, *(Path(p).name if p else None for p in (getattr(args, "reference", None),
                                                                            getattr(args, "current", None))))
        emit(f"{PROG} {args.command}: error: {named}")
        return EXIT_INPUT
    except OSError as err:       # a file the OS would not read or write (loading reports its own errors)
        where = f"{err.filename}: " if getattr(err, "filename", None) else ""
        emit(f"{PROG} {args.command}: error: {where}{err.strerror or err}. Fix: check the path and its "
             "permissions")
        return EXIT_INPUT
    except KeyboardInterrupt:
        emit("interrupted")
        return 130
    except Exception:  # a bug: never exit 1, which would read as "drift found"
        emit(f"{PROG} {args.command}: internal error (a bug — please report it with this traceback):")
        traceback.print_exc()
        return EXIT_INTERNAL
