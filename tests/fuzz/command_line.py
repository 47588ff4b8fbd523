"""The command-line surface: ``python -m drift check`` and ``report`` on one fuzz case, as a real process.

Exit codes 0 (no drift), 1 (drift) and 2 (bad input, the message on stderr) are allowed; 3 (a bug), a
signal, or ``Traceback`` on stderr are not.  A refused file must give exit 2 with a message naming it and
its fix, and no output written; a run that succeeds must write outputs that parse (JSON) and escape every
name (HTML).  Time is the process's CPU seconds (``os.wait4``), with a wall-clock stop for a hang; memory
is the growth of its peak RSS over the same command on the clean pair (interpreter and imports are not
charged to a case).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tests.fuzz.budget import run_command
from tests.fuzz.corpus import HOSTILE_NAMES, Case
from tests.fuzz.outcomes import MEMORY_BUDGET_MB, TIME_BUDGET, Outcome

SURFACE = "cli"
ROOT = Path(__file__).resolve().parents[2]
#: The interpreter's start and the imports of pandas, SciPy and scikit-learn are part of every run:
#: CPU seconds a CLI run may take on top of :data:`TIME_BUDGET`.
START_SECONDS = 5.0
COMMANDS = ("check", "report")
EXIT_OK, EXIT_DRIFT, EXIT_INPUT = 0, 1, 2


def argv(command: str, case: Case, paths: tuple[Path, Path], out: Path) -> list[str]:
    args = [sys.executable, "-m", "drift", command, "--reference", str(paths[0]), "--current", str(paths[1])]
    for flag, col in (("--target", case.target), ("--prediction", case.prediction)):
        if col is not None:
            args += [flag, col]
    if command == "check":
        return args + ["--json", str(out / "check.json")]
    steps = "all" if case.full_diagnosis else "prediction,concept"
    return args + ["--steps", steps, "--html", str(out / "report.html"), "--json", str(out / "report.json")]


def environment(case: Case) -> dict[str, str]:
    env = {**os.environ, **case.limit_env(), "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    env.pop("PYTHONSTARTUP", None)
    return env


def output_flaws(command: str, out: Path) -> list[str]:
    """What is wrong with the files a successful run wrote."""
    flaws = []
    for name in ("check.json",) if command == "check" else ("report.json", "report.html"):
        path = out / name
        if not path.is_file():
            flaws.append(f"{name} not written")
        elif name.endswith(".json"):
            try:
                json.loads(path.read_text())
            except ValueError as err:
                flaws.append(f"{name} is not JSON ({err})")
        else:
            html = path.read_text()
            raw = [h for h in HOSTILE_NAMES if h.startswith("<") and h in html]
            if "<html" not in html.lower() or raw:
                flaws.append(f"report.html is no HTML page or holds raw markup {raw}")
    return flaws


def run_cli(command: str, case: Case, paths: tuple[Path, Path], workdir: Path,
            baseline_mb: float | None = None) -> tuple[Outcome, float]:
    """One command on one case, classified; returns the outcome and the run's peak RSS (MiB).

    ``baseline_mb`` is the peak of the same command on the clean pair; ``None`` for that run itself.
    """
    out = workdir / f"{case.name}-{command}"
    out.mkdir(parents=True, exist_ok=True)
    run = run_command(argv(command, case, paths, out), seconds=TIME_BUDGET + START_SECONDS, cwd=out,
                      env=environment(case))
    step = f"python -m drift {command}"

    def outcome(kind: str, detail: str) -> tuple[Outcome, float]:
        return Outcome(SURFACE, case.name, step, kind, detail, run.seconds), run.peak_mb

    grown = 0.0 if baseline_mb is None else run.peak_mb - baseline_mb
    if run.killed or run.seconds > TIME_BUDGET + START_SECONDS or grown > MEMORY_BUDGET_MB:
        return outcome("over_budget", f"{run.seconds:.1f} CPU seconds, peak {run.peak_mb:.0f} MiB "
                                      f"(+{grown:.0f})")
    if run.returncode not in (EXIT_OK, EXIT_DRIFT, EXIT_INPUT) or "Traceback" in run.stderr:
        return outcome("other", f"exit {run.returncode}: {run.stderr[-3000:]}")
    refused = [case.file(side).name for side in case.expect.sides]
    words = case.expect.cli_words
    if words and (run.returncode != EXIT_INPUT or not all(w in run.stderr for w in words)):
        return outcome("wrong", f"exit {run.returncode}, expected exit 2 saying {words}: {run.stderr[-500:]}")
    if run.returncode == EXIT_INPUT:
        message = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
        if f"{command}: error:" not in message:
            return outcome("wrong", f"exit 2 without an error line: {run.stderr[-500:]}")
        if refused and not (any(name in message for name in refused) and "Fix:" in message):
            return outcome("wrong", f"no refused file {refused} and its fix named: {message}")
        written = [p.name for p in out.iterdir() if not p.name.startswith(".")]
        if written:
            return outcome("wrong", f"outputs written although the input was refused: {written}")
        return outcome("drift_error", message)
    if refused:
        return outcome("wrong", f"exit {run.returncode}, expected the refusal of {refused}")
    flaws = output_flaws(command, out)
    if flaws:
        return outcome("wrong", "; ".join(flaws))
    return outcome("result", f"exit {run.returncode}")
