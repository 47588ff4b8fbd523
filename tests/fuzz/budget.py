"""Time and memory budgets: a worker process for library calls, peak-RSS probes for the app and the CLI.

Time is **CPU seconds** of the process that ran the case (user + system, every thread), so the budget
means the same on a quiet machine and on one shared with other jobs; a wall-clock stop at
:data:`HANG_FACTOR` times the budget catches what burns no CPU (a deadlock, a sleep).  Memory is the
growth of the peak resident set size over the level before a case.  On Linux writing ``5`` to
``/proc/self/clear_refs`` resets the peak (``VmHWM`` in ``/proc/self/status``) to the current size, so the
peak reached *during* one case is read exactly, in the process that ran it, whatever ran before; a
command's peak is its own ``VmHWM``, polled while it runs.  A case that passes the wall-clock stop, or
whose process grows past :data:`KILL_FACTOR` times the memory budget, is killed (and the worker started
again): a hang or a blow-up costs seconds, never the machine.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
import traceback
import types
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: A call is abandoned (and its process killed) after this many times its time budget.
HANG_FACTOR = 3.0
#: A process is killed once its memory grows past this many times the memory budget.
KILL_FACTOR = 3.0
#: Seconds between two looks at a running call.
POLL_SECONDS = 0.1
#: Seconds between two looks at a running command's memory (a peak lasting less can be missed).
COMMAND_POLL_SECONDS = 0.02
#: Seconds the worker may take to start (imports on a loaded machine).
START_SECONDS = 120.0

_STATUS = Path("/proc/self/status")


def _status_kib(field: str, status: Path = _STATUS) -> int:
    for line in status.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(f"no {field} in {status}")


def rss_mb(pid: int | None = None) -> float:
    """Resident set size of a process (this one by default), in MiB."""
    status = _STATUS if pid is None else Path(f"/proc/{pid}/status")
    return _status_kib("VmRSS", status) / 1024


def reset_peak() -> float:
    """Reset this process's peak RSS to its current size; returns that size in MiB."""
    Path("/proc/self/clear_refs").write_text("5")
    return rss_mb()


def peak_growth_mb(before: float) -> float:
    """Peak RSS since :func:`reset_peak` returned ``before``, minus ``before``, in MiB."""
    return _status_kib("VmHWM") / 1024 - before


@dataclass(frozen=True, slots=True)
class Measured:
    """What a budgeted call gave: its value (or the traceback of a crash), CPU seconds, memory growth."""

    value: Any
    seconds: float
    peak_mb: float
    error: str = ""          # a traceback when the call itself raised (the worker survives)
    killed: str = ""         # "time" or "memory" when the call was stopped


def _serve(conn) -> None:
    """The worker's loop: warm the imports, then run each (function, args) it is sent, measured."""
    warnings.simplefilter("ignore")
    import drift  # noqa: F401 - warm the imports so the first case is not charged for them
    import drift.diagnosis.diagnose  # noqa: F401
    import drift.multivariate.domain  # noqa: F401
    import drift.multivariate.mmd  # noqa: F401

    conn.send("ready")
    while True:
        try:
            func, args = conn.recv()
        except EOFError:
            return
        before = reset_peak()
        started = time.process_time()
        try:
            value, error = func(*args), ""
        except Exception:  # noqa: BLE001 - reported to the parent, which decides
            value, error = None, traceback.format_exc()
        conn.send(Measured(value, time.process_time() - started, peak_growth_mb(before), error))


class Worker:
    """A spawned process that runs module-level functions under a time and memory budget."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._start()

    def _start(self) -> None:
        self.conn, child = self._context.Pipe()
        self.process = self._context.Process(target=_serve, args=(child,), daemon=True, name="fuzz-worker")
        # A spawned child imports the parent's __main__ module.  After an AppTest run that is the app's
        # script (Streamlit leaves it there), whose import starts the app's UMAP warm-up in the worker:
        # the child gets an empty __main__ instead.
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            self.process.start()
        finally:
            sys.modules["__main__"] = main
        child.close()
        if not self.conn.poll(START_SECONDS) or self.conn.recv() != "ready":
            self.close()
            raise RuntimeError("the fuzz worker did not start")

    def run(self, func: Callable[..., Any], *args: Any, seconds: float, memory_mb: float) -> Measured:
        """``func(*args)`` in the worker; killed after ``HANG_FACTOR * seconds`` of wall-clock time or past
        ``KILL_FACTOR * memory_mb`` of growth (the worker is then started again)."""
        base = rss_mb(self.process.pid)
        started = time.perf_counter()
        self.conn.send((func, args))
        while not self.conn.poll(POLL_SECONDS):
            elapsed = time.perf_counter() - started
            grown = rss_mb(self.process.pid) - base
            if elapsed > HANG_FACTOR * seconds or grown > KILL_FACTOR * memory_mb:
                self.close()
                self._start()
                killed = "time" if elapsed > HANG_FACTOR * seconds else "memory"
                return Measured(None, elapsed, grown, killed=killed)
        return self.conn.recv()

    def close(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()


@dataclass(frozen=True, slots=True)
class Finished:
    """A command run to its end (or killed): exit code, output, CPU seconds, peak RSS in MiB."""

    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    killed: bool = False


def _peak_after_exec(pid: int, argv: Sequence[str]) -> float:
    """``VmHWM`` of a running command in MiB, once it runs ``argv`` (0 before its ``exec``, while the
    forked child still holds a copy of this process)."""
    proc = Path(f"/proc/{pid}")
    try:
        if (proc / "cmdline").read_bytes().split(b"\0")[:len(argv)] != [os.fsencode(a) for a in argv]:
            return 0.0
        return _status_kib("VmHWM", proc / "status") / 1024
    except (OSError, LookupError):   # the process is gone, or a zombie without memory
        return 0.0


def run_command(argv: Sequence[str], *, seconds: float, cwd: Path, env: dict[str, str]) -> Finished:
    """Run a command, killed after ``HANG_FACTOR * seconds`` of wall-clock time; its CPU time comes from
    ``os.wait4``, its peak RSS is polled from ``/proc`` (``wait4``'s ``ru_maxrss`` would not do: a forked
    child's peak starts at this process's size)."""
    out_path, err_path = cwd / ".stdout", cwd / ".stderr"
    started = time.perf_counter()
    peak = 0.0
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                                env=env)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _peak_after_exec(proc.pid, argv))
            if time.perf_counter() - started > HANG_FACTOR * seconds:
                proc.kill()
                killed = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(COMMAND_POLL_SECONDS)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(None if killed else proc.returncode, out_path.read_text(errors="replace"),
                    err_path.read_text(errors="replace"), usage.ru_utime + usage.ru_stime, peak, killed)
