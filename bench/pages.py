"""Benchmark: seconds from the first request to each page's first real result, in a real browser.

Run: ``.venv/bin/python bench/pages.py [--pages home,text,...] [--skip-warm-step] [--fresh-numba]
[--screenshots DIR]``.

For every page the app is started the way ``make run`` starts it (``python -m streamlit run app.py
--server.headless true`` with the Makefile's flags, on a free port), Debian's Chromium is driven by
Playwright, and two visits are timed:

* **cold**: a fresh server process, and the first browser session ever to open the page, by its deep
  link.  The project's on-disk caches are emptied first (the disk cache in ``DRIFT_CACHE_DIR``, pointed at a
  folder of this run; the numba cache files of ``drift/``), then ``make run``'s preparation step runs as
  ``make run`` runs it before starting the server (``python -m ui.warm``, when the checkout has it): once
  with the caches empty (the first ``make run`` after an update of the code) and once more (any later
  ``make run``); both durations are printed.  Every page then gets its own fresh server on what that step
  left on disk.  With ``--skip-warm-step`` the caches are emptied before each page's server and the step
  is not run (what the first visit costs without it).
* **warm**: a second browser session opening the same link on the same server (Streamlit's in-process
  caches are filled, the UMAP compilation of the first session has had its time).

The clock starts just before ``page.goto`` and stops when the page's *first result* is in the DOM: a
page-specific element that only appears once the page has computed something (a verdict metric, the drift
table, a chart), never the page's static text.  An exception element or an error callout stops the clock
too and is reported as such.  The time the server took to answer its health check is printed beside
(``make run`` starts the server; the issue's clock starts at the first request).

``--fresh-numba`` also points ``NUMBA_CACHE_DIR`` at an empty folder, as on the first ``make run`` of a new
``.venv`` (UMAP's and pynndescent's compiled code is then cached nowhere yet).

The history store of the Timeline page is written to the run's temporary folder, never the user's home.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._common import machine, row  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 1000}
#: Seconds for the server to answer its health check, and for one page's first result.
STARTUP_TIMEOUT = 180
RESULT_TIMEOUT = 300
#: Environment variable naming the disk cache folder (``drift.core.diskcache`` reads it).
CACHE_ENV = "DRIFT_CACHE_DIR"
#: ``make run``'s step before the server starts, when the checkout has it.
WARM_MODULE = "ui.warm"
#: The script ``make run`` serves: ``serve.py`` (app.py behind a server that imports first) when the
#: checkout has it, else ``app.py``.
MAKE_RUN_SCRIPT = "serve.py" if (ROOT / "serve.py").is_file() else "app.py"
#: The goals of issue 11 (seconds to the first result on a first visit).
HOME_GOAL = 3.0
HEAVY_GOAL = 8.0

Locate = Callable[[object], object]   # a Playwright Page -> a Locator


def _main(page):
    return page.get_by_test_id("stMain")


def _test_id(test_id: str, has_text: str | None = None) -> Locate:
    def locate(page):
        found = _main(page).get_by_test_id(test_id)
        return found.filter(has_text=has_text) if has_text else found
    return locate


def _text(text: str) -> Locate:
    return lambda page: _main(page).get_by_text(text, exact=False)


def _any_of(*locates: Locate) -> Locate:
    def locate(page):
        found = locates[0](page)
        for other in locates[1:]:
            found = found.or_(other(page))
        return found
    return locate


@dataclass(frozen=True)
class Milestone:
    """One timed event of a page: what it means, how to find it, the goal in seconds (``None``: none)."""

    label: str
    locate: Locate
    goal: float | None = None


@dataclass(frozen=True)
class PageCase:
    """A page, its deep link (``url_path`` of ``app.py``; ``""`` for the root) and its milestones in order."""

    name: str
    url_path: str
    milestones: tuple[Milestone, ...]


#: Every page measured, in the order of the printout.  The selectors were checked on screenshots: each
#: appears only once the page has shown a computed result of the default (credit-scoring) scenario, or,
#: for Text and Autopilot, of the scenario those pages use (brand sentiment, dynamic pricing).
PAGES: dict[str, PageCase] = {case.name: case for case in (
    PageCase("home", "", (
        Milestone("scenario described", _text("Synthetic loan applicants")),
        Milestone("verdict", _test_id("stMetric"), HOME_GOAL),
    )),
    PageCase("overview", "home", (Milestone("verdict", _test_id("stMetric"), HOME_GOAL),)),
    PageCase("feature-drift", "feature-drift", (Milestone("drift table", _test_id("stDataFrame")),)),
    PageCase("embeddings", "embedding-map", (
        Milestone("projection chart", _test_id("stPlotlyChart"), HEAVY_GOAL),
        Milestone("UMAP map", _text("UMAP of ")),
    )),
    PageCase("diagnosis", "diagnose", (Milestone("verdict", _text("Verdict: ")),)),
    PageCase("timeline", "batch-timeline", (Milestone("batches monitored", _text("Batches monitored")),)),
    PageCase("autopilot", "retrain-autopilot", (
        Milestone("policy costs", _test_id("stMetric"), HEAVY_GOAL),
    )),
    PageCase("text", "text-drift", (
        Milestone("first text-drift result", _any_of(_test_id("stPlotlyChart"), _test_id("stMetric")),
                  HEAVY_GOAL),
        Milestone("two periods compared", _test_id("stMetric", "MMD p-value")),
    )),
)}


# --- the server -------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clear_project_caches(cache_dir: Path) -> None:
    """Empty the scenario cache folder and delete the numba cache files of ``drift/``."""
    shutil.rmtree(cache_dir, ignore_errors=True)
    cache_dir.mkdir(parents=True)
    for pattern in ("*.nbi", "*.nbc"):
        for path in (ROOT / "drift").rglob(pattern):
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def app_server(env: dict[str, str], log_path: Path, script: str = MAKE_RUN_SCRIPT
               ) -> Iterator[tuple[str, float]]:
    """``streamlit run <script>`` with ``make run``'s flags on a free port; yields (URL, seconds until
    healthy)."""
    port = _free_port()
    t0 = time.perf_counter()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {proc.returncode}: see {log_path}")
                with contextlib.suppress(OSError), \
                        urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
                if time.perf_counter() - t0 > STARTUP_TIMEOUT:
                    raise RuntimeError(f"streamlit did not answer within {STARTUP_TIMEOUT} s: see {log_path}")
                time.sleep(0.1)
            yield url, time.perf_counter() - t0
        finally:
            stop_group(proc)


def stop_group(proc: subprocess.Popen) -> None:
    """End the server's process group: SIGTERM, then SIGKILL after 20 s."""
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, None)):
        os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
            return


# --- one visit ------------------------------------------------------------------------------------------
def _failure(page):
    main = _main(page)
    return main.get_by_test_id("stException").or_(main.get_by_test_id("stAlertContentError"))


def visit(browser, url: str, case: PageCase, shots: Path | None, tag: str) -> list[float | str]:
    """Open ``case`` in a new browser session: seconds from ``goto`` to each milestone (or what went
    wrong)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    out: list[float | str] = []
    try:
        t0 = time.perf_counter()
        page.goto(f"{url}/{case.url_path}", wait_until="commit")
        for milestone in case.milestones:
            found = milestone.locate(page)
            try:
                found.or_(_failure(page)).first.wait_for(timeout=RESULT_TIMEOUT * 1000)
            except Exception:  # noqa: BLE001 - a Playwright timeout: say so in the table
                out.append("timeout")
                break
            elapsed = time.perf_counter() - t0
            if found.count() == 0:
                out.append("error: " + _failure(page).first.inner_text()[:80].replace("\n", " "))
                break
            out.append(elapsed)
            if shots is not None:
                shots.mkdir(parents=True, exist_ok=True)
                label = milestone.label.replace(" ", "_")
                page.screenshot(path=str(shots / f"{case.name}-{label}-{tag}.png"))
    finally:
        context.close()
    return out


@dataclass(frozen=True)
class Measured:
    case: PageCase
    startup: float
    cold: list[float | str]
    warm: list[float | str]


def environment(workdir: Path, fresh_numba: bool) -> dict[str, str]:
    """The server's environment: the disk cache and the history store in ``workdir``."""
    env = {**os.environ, CACHE_ENV: str(workdir / "cache"), "DRIFT_EXPLORER_DATA": str(workdir / "history")}
    if fresh_numba:
        env["NUMBA_CACHE_DIR"] = str(workdir / "numba")
    return env


def reset(workdir: Path, fresh_numba: bool) -> None:
    """Empty the project's caches (and the numba cache folder of ``--fresh-numba``)."""
    clear_project_caches(workdir / "cache")
    if fresh_numba:
        shutil.rmtree(workdir / "numba", ignore_errors=True)


def warm_step(env: dict[str, str], log_path: Path) -> float | None:
    """Run ``make run``'s preparation step (``python -m ui.warm``); seconds, ``None`` when there is none."""
    if not (ROOT / (WARM_MODULE.replace(".", "/") + ".py")).is_file():
        return None
    t0 = time.perf_counter()
    with open(log_path, "a") as log:
        subprocess.run([sys.executable, "-m", WARM_MODULE], cwd=ROOT, env=env, stdout=log,
                       stderr=subprocess.STDOUT, check=True)
    return time.perf_counter() - t0


def measure_page(browser, case: PageCase, env: dict[str, str], log_path: Path,
                 shots: Path | None) -> Measured:
    """A fresh server: the cold visit, then the warm one."""
    with app_server(env, log_path) as (url, startup):
        cold = visit(browser, url, case, shots, "cold")
        warm = visit(browser, url, case, shots, "warm")
    return Measured(case, startup, cold, warm)


# --- the printout ---------------------------------------------------------------------------------------
def _seconds(value: float | str | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if isinstance(value, float) else value


def _verdict(goal: float | None, cold) -> str:
    """The issue's goals are about the first visit after ``make run``: judged on the cold time."""
    if goal is None:
        return "—"
    return "met" if isinstance(cold, float) and cold <= goal else "not met"


def table(results: list[Measured]) -> list[str]:
    lines = [row("page", "first result", "cold s", "warm s", "goal s (cold)", "goal", "server start s"),
             row("---", "---", "---:", "---:", "---:", "---", "---:")]
    for res in results:
        for i, milestone in enumerate(res.case.milestones):
            cold = res.cold[i] if i < len(res.cold) else None
            warm = res.warm[i] if i < len(res.warm) else None
            goal = "—" if milestone.goal is None else f"≤ {milestone.goal:g}"
            lines.append(row(res.case.name if i == 0 else "", milestone.label, _seconds(cold), _seconds(warm),
                             goal, _verdict(milestone.goal, cold),
                             f"{res.startup:.1f}" if i == 0 else ""))
    return lines


def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"comma-separated pages to measure (default: all of {', '.join(PAGES)})")
    parser.add_argument("--fresh-numba", action="store_true",
                        help="also start each cold server with an empty NUMBA_CACHE_DIR (a new .venv)")
    parser.add_argument("--skip-warm-step", action="store_true",
                        help=f"do not run make run's preparation step ({WARM_MODULE}); empty the caches "
                             "before each page's server instead")
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="save a screenshot at every milestone into this folder")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.pages.split(",") if n.strip()]
    unknown = [n for n in names if n not in PAGES]
    if unknown:
        parser.error(f"unknown page(s) {unknown}: choose from {list(PAGES)}")

    from playwright.sync_api import sync_playwright

    print(f"Machine: {machine()}")
    print(f"Load average (1/5/15 min) at start: {_load()}")
    wall = time.perf_counter()
    results = []
    steps: list[float | None] = []
    with tempfile.TemporaryDirectory(prefix="pagesbench-") as tmp, sync_playwright() as pw:
        workdir = Path(tmp)
        env = environment(workdir, args.fresh_numba)
        if not args.skip_warm_step:
            reset(workdir, args.fresh_numba)
            steps = [warm_step(env, workdir / "warm.log") for _ in range(2)]
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name in names:
                if args.skip_warm_step:
                    reset(workdir, args.fresh_numba)
                results.append(measure_page(browser, PAGES[name], env, workdir / f"server-{name}.log",
                                            args.screenshots))
                print(f"  {name}: cold {[_seconds(t) for t in results[-1].cold]}, "
                      f"warm {[_seconds(t) for t in results[-1].warm]}", flush=True)
        finally:
            browser.close()
    print()
    if steps and steps[0] is not None:
        print(f"make run's preparation step ({WARM_MODULE}) before the server starts: {steps[0]:.1f} s with "
              f"the caches empty (first make run after an update of the code), {steps[1]:.1f} s the next "
              "time.")
    elif not args.skip_warm_step:
        print(f"make run has no preparation step in this checkout ({WARM_MODULE} absent).")
    numba = " and an empty NUMBA_CACHE_DIR" if args.fresh_numba else ""
    if args.skip_warm_step:
        how = f"a fresh server with the project's caches emptied{numba} and no preparation step"
    else:
        how = (f"a fresh server started after make run's preparation step (run on emptied caches{numba}), "
               "first session")
    print(f"Seconds from the first request (page.goto) to the first result; cold = {how}; warm = a second "
          "session on the same server.")
    print()
    print("\n".join(table(results)))
    print()
    print(f"Load average (1/5/15 min) at end: {_load()}; whole run {time.perf_counter() - wall:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
