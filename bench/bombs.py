"""Upload full-size decompression bombs to the running app and measure the server's memory.

Run: ``.venv/bin/python bench/bombs.py`` (needs Chromium at /usr/bin/chromium and the dev requirements).

Starts ``streamlit run app.py`` (the browser test's helper, default limits), opens it in headless
Chromium, uploads the sample reference CSV with each bomb as the production file, waits for the refusal
on the page and prints, per bomb: its size on disk, what it would expand to, seconds from upload to the
message, the server's resident memory (VmRSS) before the upload, its peak during it (VmHWM, reset before
each upload through ``/proc/PID/clear_refs``) and after it.  Bombs:

* ``gzip``: 64 copies of one gzip member of 64 MiB of CSV rows -> 4 GiB of text in a few MiB;
* ``xlsx``: a shared-strings table of 5 million 100-byte strings (500 MB of XML) deflated in the zip.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.test_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    streamlit_server,
    upload_pair,
    wait_idle,
)
from tests.unit.test_io_limits import table_rows, xlsx  # noqa: E402

MiB = 2**20
REFERENCE = ROOT / "data" / "credit_reference_sample.csv"


def gzip_bomb(path: Path) -> int:
    """64 identical gzip members of 64 MiB each (a concatenation is one valid gzip stream)."""
    header = REFERENCE.read_text().splitlines()[0].encode() + b"\n"
    width = header.count(b",") + 1
    row = b",".join([b"1"] * width) + b"\n"
    member = gzip.compress(row * (64 * MiB // len(row)), compresslevel=9, mtime=0)
    with path.open("wb") as out:
        out.write(gzip.compress(header, mtime=0))
        for _ in range(64):
            out.write(member)
    return len(header) + 64 * (64 * MiB // len(row)) * len(row)


def xlsx_bomb(path: Path) -> int:
    strings = [b"a", b"b", b"x"] + [b"A" * 100] * 5_000_000
    path.write_bytes(xlsx(table_rows(), strings))
    return sum(len(s) + 7 for s in strings)          # each string inside <si><t>...</t></si>


def server_pid(port: str) -> int:
    """The process whose command line runs streamlit on this port."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
                return int(proc.name)
    raise RuntimeError(f"no streamlit process on port {port}")


def status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        bombs = {"gzip": (tmp / "production.csv.gz", gzip_bomb), "xlsx": (tmp / "production.xlsx", xlsx_bomb)}
        expanded = {name: make(path) for name, (path, make) in bombs.items()}
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"{'bomb':6} {'on disk':>9} {'expands to':>11} {'refused in':>11} "
              f"{'RSS before':>11} {'peak':>9} {'after':>9}  message")
        for name, (path, _) in bombs.items():
            with streamlit_server(tmp / f"server_{name}.log") as url:
                pid = server_pid(url.rsplit(":", 1)[1])
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.goto(url)
                page.get_by_test_id("stMetric").first.wait_for(timeout=240_000)
                wait_idle(page)
                time.sleep(2)
                before = status_mb(pid, "VmRSS")
                Path(f"/proc/{pid}/clear_refs").write_text("5")   # reset the peak (VmHWM)
                start = time.perf_counter()
                upload_pair(page, REFERENCE, path)
                alert = page.get_by_test_id("stAlertContentError").first
                try:
                    alert.wait_for(timeout=240_000)
                except Exception:
                    page.screenshot(path=str(ROOT / "tests" / "e2e" / "screenshots" / f"bomb_{name}.png"))
                    raise
                seconds = time.perf_counter() - start
                message = " ".join(alert.inner_text().split())
                time.sleep(3)
                peak, after = status_mb(pid, "VmHWM"), status_mb(pid, "VmRSS")
                page.close()
            print(f"{name:6} {path.stat().st_size / MiB:7.1f} MiB {expanded[name] / MiB:7.0f} MiB "
                  f"{seconds:9.1f} s {before:7.0f} MiB {peak:5.0f} MiB {after:5.0f} MiB  {message[:160]}")
        browser.close()


if __name__ == "__main__":
    main()
