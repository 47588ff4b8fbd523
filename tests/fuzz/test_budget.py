"""The budgets catch what they claim to: a hang is stopped, a memory blow-up killed, a peak measured in the
process that reached it, CPU seconds counted apart from other load."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.fuzz import probes
from tests.fuzz.budget import Worker, peak_growth_mb, reset_peak, run_command


def test_worker_measures_cpu_time_and_the_peak_of_freed_memory(worker: Worker) -> None:
    measured = worker.run(probes.hold_memory, 150, 0.1, seconds=10, memory_mb=500)
    assert measured.value == 150 * 2**20 and not measured.killed and not measured.error
    assert 140 <= measured.peak_mb <= 300, measured.peak_mb       # freed before the call returned
    burned = worker.run(probes.burn_cpu, 0.5, seconds=10, memory_mb=500)
    assert 0.45 <= burned.seconds <= 2, burned.seconds
    idle = worker.run(probes.sleep, 0.5, seconds=10, memory_mb=500)
    assert idle.seconds < 0.2, "sleeping costs no CPU time"


def test_worker_imports_no_app(worker: Worker) -> None:
    """The worker runs library calls only: not the app's script (a spawned child imports __main__, which an
    AppTest run leaves set to app.py), whose UMAP warm-up would burn CPU charged to the cases."""
    assert worker.run(probes.modules, "streamlit", seconds=10, memory_mb=500).value == []
    assert worker.run(probes.modules, "ui", seconds=10, memory_mb=500).value == []


def test_worker_reports_a_crash_and_survives(worker: Worker) -> None:
    measured = worker.run(probes.fail, seconds=10, memory_mb=500)
    assert "KeyError" in measured.error and measured.value is None
    assert worker.run(probes.burn_cpu, 0.01, seconds=10, memory_mb=500).value > 0


def test_worker_stops_a_hang_and_a_blow_up_then_starts_again(worker: Worker) -> None:
    hang = worker.run(probes.sleep, 60, seconds=0.5, memory_mb=500)
    assert hang.killed == "time" and hang.seconds < 60
    blow_up = worker.run(probes.hold_memory, 400, 30, seconds=60, memory_mb=50)
    assert blow_up.killed == "memory" and blow_up.peak_mb > 150
    assert worker.run(probes.burn_cpu, 0.01, seconds=10, memory_mb=500).value > 0


def test_command_peak_and_cpu_time_are_its_own(tmp_path: Path) -> None:
    code = "import numpy as np, time; b = np.ones(200 * 2**17); time.sleep(0.3); print(b.nbytes)"
    run = run_command([sys.executable, "-c", code], seconds=30, cwd=tmp_path, env={})
    assert run.returncode == 0 and run.stdout.strip() == str(200 * 2**20)
    assert 200 <= run.peak_mb < 600, run.peak_mb         # not this (larger) process's size at the fork
    assert run.seconds < 5
    hung = run_command([sys.executable, "-c", "import time; time.sleep(60)"], seconds=0.3, cwd=tmp_path,
                       env={})
    assert hung.killed and hung.returncode is None


def test_peak_growth_in_this_process() -> None:
    before = reset_peak()
    probes.hold_memory(100, 0)
    assert 90 <= peak_growth_mb(before) <= 250
    again = reset_peak()
    assert peak_growth_mb(again) < 50, "the peak starts again from the current size"
