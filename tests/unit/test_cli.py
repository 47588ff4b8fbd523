"""``python -m drift``: exit codes, messages and outputs of ``check``, ``report`` and ``scenario``.

The commands run in a subprocess exactly as a CI job runs them (``sys.executable -m drift`` from the
repository root) for each exit code; the other messages, help texts and the internal-error path are
checked in-process with ``cli.main``, which is much faster.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import drift
from drift.cli import main as cli
from drift.core.decisions import verdict_label

ROOT = Path(__file__).resolve().parents[2]
REF = "data/credit_reference_sample.csv"
PROD = "data/credit_production_sample.csv"
TIMEOUT = 600


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drift", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=TIMEOUT)


def assert_clean_error(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    for word in words:
        assert word in proc.stderr


# ------------------------------------------------------------------------------------------- check
def in_process(capsys, *args: str) -> tuple[int, str, str]:
    """``main(args)`` in this interpreter (fast): exit code, stdout, stderr."""
    try:
        code = cli.main(list(args))
    except SystemExit as exc:  # argparse usage errors and --help
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_passes_on_a_clean_batch(tmp_path):
    proc = run("check", "--reference", REF, "--current", PROD, "--batch-col", "batch", "--batch", "2025-01",
               "--json", str(tmp_path / "check.json"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no drift at level 'moderate'" in proc.stdout
    data = json.loads((tmp_path / "check.json").read_text())
    assert data["passed"] and data["exit_code"] == 0 and data["batches"][0]["name"] == "2025-01"
    assert data["prediction"] == "score" and data["batches"][0]["prediction"]["failed"] is False


def test_check_fails_on_the_unit_change_at_major(tmp_path):
    proc = run("check", "--reference", REF, "--current", PROD, "--batch-col", "batch", "--batch", "2025-05",
               "--fail-on", "major", "--json", str(tmp_path / "check.json"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL" in proc.stdout and "income" in proc.stdout and "unit change" in proc.stdout
    data = json.loads((tmp_path / "check.json").read_text())
    assert data["exit_code"] == 1 and data["batches"][0]["failing_features"] == ["income"]


def test_check_bad_input_exits_2_with_a_clear_message(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert_clean_error(run("check", "--reference", REF, "--current", str(empty)), "empty.csv", "empty")
    proc = run("check", "--reference", REF, "--current", PROD, "--fail-on", "extreme")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr  # argparse's own usage error


def test_check_in_process_codes(capsys, tmp_path):
    code, out, _ = in_process(capsys, "check", "--reference", REF, "--current", REF)
    assert code == 0, out  # identical data
    code, out, _ = in_process(capsys, "check", "--reference", REF, "--current", PROD, "--batch-col", "batch")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("2025-01") and " ok " in lines[0] and "in 2 of 3 batches" in out
    for args, words in [
        (("--target", "no_such_col"), ("no column named 'no_such_col'", "--target")),
        (("--batch-col", "batch", "--batch", "2099-01"), ("no batch labelled '2099-01'", "2025-03")),
        (("--batch-col", "no_such_col"), ("no column named 'no_such_col'", "--batch-col")),
    ]:
        code, _, err = in_process(capsys, "check", "--reference", REF, "--current", PROD, *args)
        assert code == 2 and all(w in err for w in words), err
    code, _, err = in_process(capsys, "check", "--reference", REF, "--current", str(tmp_path / "nope.csv"))
    assert code == 2 and "does not exist" in err
    code, _, err = in_process(capsys, "check", "--reference", REF, "--current", PROD, "--batch", "2025-01")
    assert code == 2 and "--batch needs --batch-col" in err
    code, _, err = in_process(capsys, "report", "--reference", REF, "--current", PROD,
                              "--cost-false-negative", "-5")
    assert code == 2 and "--cost-false-negative" in err
    code, _, err = in_process(capsys, "check", "--reference", REF, "--current", PROD, "--alpha", "2")
    assert code == 2 and "must be a number in (0, 1), got '2'" in err


# ------------------------------------------------------------------------------------------ report
def test_report_writes_html_json_markdown_for_every_batch(tmp_path):
    out = tmp_path / "out"
    proc = run("report", "--reference", REF, "--current", PROD, "--batch-col", "batch",
               "--steps", "prediction,concept", "--html", str(out / "r.html"), "--json", str(out / "r.json"),
               "--markdown", str(out / "r.md"), "--decisions-per-month", "20000",
               "--cost-false-negative", "900")
    assert proc.returncode == 0, proc.stderr
    verdicts = {line.split(":")[0]: line.split()[1] for line in proc.stdout.splitlines()
                if not line.startswith(" ")}
    assert verdicts == {"2025-01": "no_drift", "2025-03": "prediction_drift", "2025-05": "data_quality"}
    assert "[1/3] data quality and per-feature drift" in proc.stderr  # progress on stderr
    assert "[3/3] concept drift" in proc.stderr and "[1/3]" not in proc.stdout
    data = json.loads((out / "r.json").read_text())
    kinds = [s["verdict"]["kind"] for s in data["sections"]]
    assert kinds == ["no_drift", "prediction_drift", "data_quality"]
    assert all(s["impact"] is not None for s in data["sections"])
    inputs = data["sections"][1]["impact"]["inputs"]
    assert {k: inputs[k]["assumed"] for k in ("decisions_per_month", "cost_false_positive",
                                              "cost_false_negative", "threshold")} == {
        "decisions_per_month": False, "cost_false_positive": True, "cost_false_negative": False,
        "threshold": True}
    assert data["sections"][1]["impact"]["threshold"] == pytest.approx(100 / 1000)   # cost-implied, not 0.5
    assert "With assumed figures" in proc.stdout and "Model error (measured on labels" in proc.stdout
    html_text = (out / "r.html").read_text()
    assert html_text.count("plotly.js v") == 1 and html_text.count('id="section-') == 3
    md = (out / "r.md").read_text()
    assert "Data-quality problem" in md and "## 2025-03" in md


def test_report_single_file_without_labels(capsys, tmp_path):
    code, out, err = in_process(capsys, "report", "--reference", REF, "--current", PROD, "--steps", "concept",
                                "--no-labels", "-q", "--json", str(tmp_path / "r.json"))
    assert code == 0, err
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["sections"][0]["current_name"] == "credit_production_sample.csv"
    assert data["sections"][0]["has_labels"] is False
    assert out.startswith("credit_production_sample.csv: ")
    assert "[1/" not in err  # --quiet


def test_report_goes_on_when_the_data_cannot_be_priced(capsys, tmp_path):
    """Scores in percent: the diagnosis runs, pricing refuses them, and the report says why."""
    paths = []
    for src in (REF, PROD):
        frame = pd.read_csv(ROOT / src)
        frame["score"] = frame["score"] * 100
        paths.append(tmp_path / Path(src).name)
        frame.to_csv(paths[-1], index=False)
    code, out, err = in_process(capsys, "report", "--reference", str(paths[0]), "--current", str(paths[1]),
                                "--target", "default", "--prediction", "score", "--steps", "prediction", "-q",
                                "--json", str(tmp_path / "r.json"))
    assert code == 0, err
    assert "business impact not priced: reference: column 'score': the score is not a probability" in err
    section = json.loads((tmp_path / "r.json").read_text())["sections"][0]
    assert section["impact"] is None
    assert section["summary"]["what_it_costs"].startswith("Not priced: reference: column 'score'")
    assert "What it costs: Not priced: reference: column 'score'" in out


# ---------------------------------------------------------------------------------------- scenario
def test_scenario_writes_files_the_other_commands_read(tmp_path):
    proc = run("scenario", "credit", "--out", str(tmp_path), "--batch-size", "300")
    assert proc.returncode == 0, proc.stderr
    for name in ("reference.csv", "production.csv", "manifest.csv"):
        assert (tmp_path / name).stat().st_size > 0
    assert "2025-05: data_quality" in proc.stdout and "--batch-col batch" in proc.stdout


# -------------------------------------------------------------------------------------------- help
def test_help_documents_every_option_with_an_example(capsys):
    proc = run("--help")
    assert proc.returncode == 0 and "report" in proc.stdout and "check" in proc.stdout
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(subparsers.choices) == {"report", "diagnose", "check", "scenario", "monitor"}
    for name, sub in subparsers.choices.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help and "e.g." in action.help, f"{name} {action.option_strings or action.dest}"
        with pytest.raises(SystemExit) as exc:
            cli.main([name, "--help"])
        assert exc.value.code == 0
        text = capsys.readouterr().out
        assert "examples:" in text and f"python -m drift {name}" in text
    assert "exit codes:" in cli.build_parser()._subparsers._group_actions[0].choices["check"].epilog


def test_an_internal_error_is_exit_3_not_1(monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("bug")

    monkeypatch.setattr(cli, "_check", boom)
    code = cli.main(["check", "--reference", REF, "--current", PROD])
    assert code == cli.EXIT_INTERNAL == 3
    assert "internal error" in capsys.readouterr().err


# ------------------------------------------------------------------ outputs and store checked first
def test_an_output_under_a_file_fails_before_any_data_is_read(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    started = time.perf_counter()
    # the reference does not exist: the output must be refused first, since it is checked before loading
    proc = run("report", "--reference", str(tmp_path / "missing.csv"), "--current", PROD,
               "--html", str(blocker / "report.html"))
    assert_clean_error(proc, f"{blocker / 'report.html'}: cannot write the --html output here",
                       f"'{blocker}' is a file, not a directory", "Fix: give --html a file path")
    assert "does not exist" not in proc.stderr                # before: "File exists", after the full run
    assert time.perf_counter() - started < 60


def test_bad_output_paths_in_process(capsys, tmp_path, monkeypatch):
    import drift.data.io

    def no_loading(*args, **kwargs):
        raise AssertionError("data was read before the outputs were checked")

    monkeypatch.setattr(drift.data.io, "load_table", no_loading)
    folder = tmp_path / "reports"
    folder.mkdir()
    cases = [
        (("report", "--html", str(folder)), ("cannot write the --html output here: it is a directory",
                                              "e.g. --html report.html")),       # before: "Is a directory"
        (("report", "--json", str(tmp_path / "r.json"), "--markdown", str(tmp_path / "r.json")),
         ("--markdown and --json name the same file",)),
        (("check", "--json", PROD), ("--json would overwrite an input file",)),  # before: overwrote it
        (("check", "--json", str(folder)), ("cannot write the --json output here",)),
    ]
    for (command, *options), words in cases:
        code, _, err = in_process(capsys, command, "--reference", REF, "--current", PROD, *options)
        assert code == 2 and all(w in err for w in words) and "Fix:" in err, err
    (tmp_path / "afile").write_text("x")
    code, _, err = in_process(capsys, "scenario", "credit", "--out", str(tmp_path / "afile"))
    assert code == 2 and "cannot write the scenario files here: it is a file, not a directory" in err, err


def test_a_full_disk_names_the_output(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    proc = run("check", "--reference", REF, "--current", PROD, "--batch-col", "batch", "--batch", "2025-01",
               "--json", "/dev/full")
    # the one failure no check can foresee: it comes after the run, but names the path (before: no path)
    assert_clean_error(proc, "/dev/full: cannot write the --json result (No space left on device)", "Fix:")


def test_an_unwritable_directory_is_refused_first(tmp_path, unprivileged):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        proc = subprocess.run(unprivileged([sys.executable, "-m", "drift", "report", "--reference",
                                            str(tmp_path / "missing.csv"), "--current", PROD, "--json",
                                            str(locked / "r.json")]),
                              cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    finally:
        locked.chmod(0o755)
    assert_clean_error(proc, f"the directory '{locked}' cannot be written (Permission denied)")


def test_monitor_checks_the_store_before_reading_data(tmp_path):
    theirs = tmp_path / "app.db"
    with sqlite3.connect(theirs) as conn:
        conn.execute("CREATE TABLE runs (owner TEXT)")
    conn.close()
    proc = run("monitor", "--reference", str(tmp_path / "missing.csv"), "--batch", str(tmp_path / "b.csv"),
               "--store", str(theirs))
    # before: "table runs already exists" as a traceback (exit 3), after the whole computation
    assert_clean_error(proc, f"{theirs}: not a Drift Explorer history store", "Fix: point --store at")
    assert "does not exist" not in proc.stderr


def test_input_errors_name_the_file_not_the_side(capsys, tmp_path):
    reference = pd.read_csv(ROOT / REF)
    reference.to_csv(tmp_path / "train.csv", index=False)
    reference.assign(score=["0.3%", "high"] * (len(reference) // 2) + ["0.1%"] * (len(reference) % 2)) \
        .to_csv(tmp_path / "prod.csv", index=False)
    code, _, err = in_process(capsys, "check", "--reference", str(tmp_path / "train.csv"), "--current",
                              str(tmp_path / "prod.csv"), "--prediction", "score")
    # before: "ValueError: could not convert string to float: '0.3%'" with a traceback, exit 3
    assert code == 2, err
    assert "error: prod.csv: column 'score': holds text, not numbers (e.g. '0.3%', 'high'" in err
    assert "Fix: give the model's scores as numbers" in err and "Traceback" not in err


def test_argument_types():
    from drift.cli.args import choice_list, name_list, non_negative, positive_int, probability

    assert probability("0.01") == 0.01 and non_negative("0") == 0.0 and positive_int("7") == 7
    assert name_list(" a, b,a,, ") == ("a", "b")
    assert choice_list("x,y", ("x", "y", "z"), "detector") == ("x", "y")
    for parse, text, message in [(probability, "1", "must be a number in (0, 1), got '1'"),
                                 (probability, "nan", "must be a number in (0, 1), got 'nan'"),
                                 (probability, "five", "must be a number in (0, 1), got 'five'"),
                                 (non_negative, "-1", "must be a finite number >= 0, got '-1'"),
                                 (non_negative, "inf", "must be a finite number >= 0, got 'inf'"),
                                 (positive_int, "0", "must be a whole number >= 1, got '0'"),
                                 (positive_int, "2.5", "must be a whole number >= 1, got '2.5'"),
                                 (name_list, " , ", "expected one or more column names"),
                                 (lambda t: choice_list(t, ("x",), "detector"), "x,q",
                                  "unknown detector(s) q; choose among x")]:
        with pytest.raises(argparse.ArgumentTypeError, match=re.escape(message)):
            parse(text)


def test_check_with_no_column_in_common_is_an_input_error_not_no_drift(capsys, tmp_path):
    """A reference that shares no column with the production file (wrong file, or one read with another
    delimiter) used to pass as "ok — 0 of 0 features, no drift", exit 0."""
    ref = tmp_path / "other.csv"
    ref.write_text("a;b\n1;2\n3;4\n5;6\n")
    production = ROOT / "data" / "credit_production_sample.csv"
    code, out, err = in_process(capsys, "check", "--reference", str(ref), "--current", str(production))
    assert code == 2, out
    assert "no feature could be compared" in err and "other.csv" in err and "same columns" in err
    assert "no drift" not in out


# -------------------------------------------------------------------------------------------- task
def _task_files(tmp_path: Path) -> tuple[str, str]:
    """A regression model's reference and production files: counts and a forecast, the forecasts moved."""
    import numpy as np

    gen = np.random.default_rng(0)
    paths = []
    for name, n, shift in (("ref.csv", 600, 0.0), ("prod.csv", 400, 0.8)):
        x = gen.normal(shift, 1, n)
        forecast = np.exp(0.5 + 0.4 * x)
        frame = pd.DataFrame({"x": x, "units": gen.poisson(forecast), "forecast": forecast.round(3)})
        frame.to_csv(tmp_path / name, index=False)
        paths.append(str(tmp_path / name))
    return paths[0], paths[1]


def test_check_and_report_carry_the_task(capsys, tmp_path):
    ref, prod = _task_files(tmp_path)
    code, out, err = in_process(capsys, "check", "--reference", ref, "--current", prod, "--target", "units",
                                "--prediction", "forecast", "--json", str(tmp_path / "c.json"))
    assert code == 1 and "task=regression (inferred)" in err
    data = json.loads((tmp_path / "c.json").read_text())
    assert data["task"]["task"] == "regression" and data["task"]["prediction_kind"] == "forecast"
    assert data["batches"][0]["prediction"]["failed"] and data["batches"][0]["prediction"]["level"] == "alert"
    code, out, err = in_process(capsys, "report", "--reference", ref, "--current", prod, "--target", "units",
                                "--prediction", "forecast", "--task", "regression", "--steps",
                                "prediction,concept", "-q", "--json", str(tmp_path / "r.json"), "--html",
                                str(tmp_path / "r.html"))
    assert code == 0, err
    assert "mean forecast" in (tmp_path / "r.html").read_text()
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["task"]["task"] == "regression" and data["sections"][0]["task"]["task"] == "regression"
    assert "mean forecast" in data["sections"][0]["steps"][1]["summary"]
    impact = data["sections"][0]["impact"]                     # priced in the task's terms
    assert impact["task"] == "regression" and impact["inputs"]["cost_per_unit_under"]["assumed"] is True
    assert "What it costs: Forecast errors (measured on labels" in out


def test_report_prices_each_task_with_its_own_figures(capsys, tmp_path):
    """Regression: costs per unit over/under-forecast; multiclass: a cost matrix file; the figures of another
    task are said to be unused, never silently applied."""
    import numpy as np

    ref, prod = _task_files(tmp_path)
    code, out, err = in_process(capsys, "report", "--reference", ref, "--current", prod, "--target", "units",
                                "--prediction", "forecast", "--task", "regression", "--steps",
                                "prediction,concept", "--cost-per-unit-under", "5", "--decisions-per-month",
                                "2000", "--cost-false-positive", "100", "--json", str(tmp_path / "r.json"))
    assert code == 0, err
    assert "not used for a regression model's business impact: --cost-false-positive" in err
    impact = json.loads((tmp_path / "r.json").read_text())["sections"][0]["impact"]
    expected = drift.regression_impact(pd.read_csv(ref), pd.read_csv(prod), target="units",
                                       prediction="forecast", cost_per_unit_under=5, volume_per_month=2000)
    assert impact["total"]["amount"] == pytest.approx(expected.total.amount)
    assert impact["inputs"]["volume_per_month"] == {"value": 2000.0, "label": "forecasts per month",
                                                    "assumed": False}

    gen = np.random.default_rng(1)
    classes = np.array(["neg", "neu", "pos"])
    for name, n in (("mref.csv", 300), ("mprod.csv", 200)):
        y = gen.integers(0, 3, n)
        right = gen.random(n) < (0.8 if name == "mref.csv" else 0.6)
        pred = np.where(right, y, gen.integers(0, 3, n))
        pd.DataFrame({"x": gen.normal(size=n), "label": classes[y], "pred": classes[pred]}).to_csv(
            tmp_path / name, index=False)
    (tmp_path / "costs.csv").write_text("true,neg,neu,pos\nneg,0,1,10\nneu,1,0,1\npos,3,1,0\n")
    code, out, err = in_process(capsys, "report", "--reference", str(tmp_path / "mref.csv"), "--current",
                                str(tmp_path / "mprod.csv"), "--target", "label", "--prediction", "pred",
                                "--steps", "concept", "--cost-matrix", str(tmp_path / "costs.csv"), "-q",
                                "--markdown", str(tmp_path / "m.md"))
    assert code == 0, err
    md = (tmp_path / "m.md").read_text()
    assert "| neg | $0 | $1.00 | $10.00 |" in md and "**Changed class mix:**" in md
    assert "Model error (measured on labels, priced by a 3×3 matrix ($1.00 to $10.00 per error)" in out
    (tmp_path / "bad.csv").write_text("true,neg,neu\nneg,0,1\nneu,-1,0\n")
    code, out, err = in_process(capsys, "report", "--reference", str(tmp_path / "mref.csv"), "--current",
                                str(tmp_path / "mprod.csv"), "--target", "label", "--prediction", "pred",
                                "--steps", "prediction", "--cost-matrix", str(tmp_path / "bad.csv"), "-q")
    assert code == 2 and "'cost_matrix' parameter holds a negative cost" in err


def test_a_task_the_data_contradicts_is_an_input_error(capsys, tmp_path):
    ref, prod = _task_files(tmp_path)
    code, out, err = in_process(capsys, "check", "--reference", ref, "--current", prod, "--target", "units",
                                "--prediction", "forecast", "--task", "binary")
    assert code == 2 and "--task binary does not fit" in err and "ref.csv" in err and "units" in err
    code, out, err = in_process(capsys, "check", "--reference", ref, "--current", prod, "--task", "tree")
    assert code == 2 and "invalid choice: 'tree'" in err


def test_a_contradicted_task_is_one_message_with_the_column_what_it_holds_and_the_fix(tmp_path):
    """The library's TaskContradictionError, said once in the command line's terms (it printed "Fix:" twice,
    in the terms of a Python parameter, with floats as 0.6599999999999999)."""
    for name, offset in (("ref.csv", 0.0), ("prod.csv", 0.33)):
        pd.DataFrame({"x": range(12), "units": [i * 1.1 + offset for i in range(12)],
                      "forecast": [i * 1.1 for i in range(12)]}).to_csv(tmp_path / name, index=False)
    proc = run("check", "--reference", str(tmp_path / "ref.csv"), "--current", str(tmp_path / "prod.csv"),
               "--target", "units", "--prediction", "forecast", "--task", "binary")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "python -m drift check: error: ref.csv, prod.csv: column 'units': --task binary does not fit this "
        "column: it has 24 distinct values (0, 0.33, 1.1, 1.43, 2.2, ...). Fix: pass --task regression, or "
        "leave --task out to infer the task\n")
    assert proc.stderr.count("Fix:") == 1


def test_the_fits_of_a_contradicted_task_follow_the_values(capsys, tmp_path):
    from drift.core.errors import TaskContradictionError

    ref, prod = _task_files(tmp_path)              # integer counts: class codes or counts
    code, out, err = in_process(capsys, "report", "--reference", ref, "--current", prod, "--target", "units",
                                "--prediction", "forecast", "--task", "binary", "-q")
    assert code == 2 and err.count("Fix:") == 1
    assert "--task binary does not fit this column: it has " in err
    assert "Fix: pass --task multiclass or --task regression, or leave --task out to infer the task" in err
    text = pd.DataFrame({"y": ["a", "b", "c"] * 5, "p": ["a", "b", "c"] * 5})
    with pytest.raises(TaskContradictionError) as exc:
        drift.infer_task(text, text, "y", "p", task="regression")
    assert (exc.value.task, exc.value.column, exc.value.tasks) == ("regression", "y", ("multiclass",))
    assert str(exc.value).startswith("The 'task' parameter of infer_task is 'regression', but target column "
                                     "'y' holds text or booleans ('a', 'b', 'c')")
    import pickle
    again = pickle.loads(pickle.dumps(exc.value))
    assert (str(again), again.tasks, again.found) == (str(exc.value), exc.value.tasks, exc.value.found)


def test_diagnose_prints_the_verdict_and_every_step(capsys, tmp_path):
    """``diagnose``: the verdict line of ``report``, its evidence and each step, equal to drift.diagnose."""
    ref, prod = _task_files(tmp_path)
    pair = ("diagnose", "--reference", ref, "--current", prod)
    code, out, err = in_process(capsys, *pair, "--target", "units",
                                "--prediction", "forecast", "--task", "regression", "--steps",
                                "prediction,concept")
    assert code == 0, err
    d = drift.diagnose(pd.read_csv(ref), pd.read_csv(prod), target="units", prediction="forecast",
                       task="regression", steps=("prediction", "concept"), threshold=0.5, rng=0)
    v = d.verdict
    expected = [f"prod.csv: {v.kind} — {v.label} ({v.strength} evidence; {v.confidence_text})",
                *(f"    evidence: {e}" for e in v.evidence),
                *(f"    {s.title} [{s.status}]: {s.summary}" for s in d.steps)]
    assert out.splitlines() == expected
    assert v.task == "regression" and "forecasts" in v.label + " ".join(out.splitlines()[1:3])
    assert "[1/3] data quality and per-feature drift" in err and "task=regression" in err
    code, out, err = in_process(capsys, *pair, "--target", "units",
                                "--prediction", "forecast", "--steps", "prediction", "--json", "-", "-q")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["task"]["task"] == "regression" and len(data["sections"]) == 1
    section = data["sections"][0]
    assert section["current_name"] == "prod.csv"
    assert section["verdict"]["label"] == verdict_label(section["verdict"]["kind"], "regression")
    assert [s["key"] for s in section["steps"]] == ["inputs", "prediction", "concept", "domain", "mmd"]
    assert section["steps"][1]["evidence"]["task"] == "regression"
    code, out, err = in_process(capsys, *pair, "--steps",
                                "prediction", "--json", str(tmp_path / "d.json"), "-q")
    assert code == 0 and out == "" and json.loads((tmp_path / "d.json").read_text())["sections"]
    code, out, err = in_process(capsys, *pair, "--json", ref)
    assert code == 2 and "--json would overwrite an input file" in err
    code, out, err = in_process(capsys, *pair, "--target", "units",
                                "--task", "binary")
    assert code == 2 and err.count("Fix:") == 1 and "--task binary does not fit" in err


def test_diagnose_is_listed_and_documented(capsys):
    code, out, _ = in_process(capsys, "--help")
    assert code == 0 and "diagnose  guided diagnosis -> the verdict" in out
    code, out, _ = in_process(capsys, "diagnose", "--help")
    assert code == 0 and "--json PATH" in out and "--steps LIST" in out and "--no-labels" in out


def test_report_without_labels_does_not_price_a_regression_model(capsys, tmp_path):
    ref, prod = _task_files(tmp_path)
    code, out, err = in_process(capsys, "report", "--reference", ref, "--current", prod, "--target", "units",
                                "--prediction", "forecast", "--steps", "prediction,concept", "--no-labels",
                                "-q")
    assert code == 0, err
    assert ("What it costs: Not priced: current: column 'units': pricing a regression model's forecast "
            "errors needs the observed target") in out
