"""``python -m ui.warm``: fill the disk cache with the built-in scenarios' results before the server starts.

``make run`` calls it before ``streamlit run``.  It runs the app headless (Streamlit's ``AppTest``, the same
scripts and the same default settings a first visitor gets) on the pages whose first visit computes the
most, so their results land in the disk cache of :mod:`ui.disk`; the server then reads them instead of
computing them on the first request.  Nothing is computed again until the code changes: the run itself is
an entry of the cache, keyed on the same code fingerprint, and a second ``make run`` finds it at once.
Entries written by older code are deleted first.

A page that fails here is reported and skipped: the server still starts, and computes that page on its
first visit as it would without this step.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback

import streamlit.logger as streamlit_logger

from drift.core.diskcache import cache_dir
from drift.data.scenarios.cache import NAMESPACE as SCENARIO_NAMESPACE
from drift.data.scenarios.cache import scenario_cache

from . import disk, pages, state

#: Pages visited, in order: the default page, then those whose first visit is slow.
PAGES = (pages.OVERVIEW, pages.FEATURE_DRIFT, pages.EMBEDDINGS, pages.DOMAIN_CLASSIFIER, pages.TIMELINE,
         pages.AUTOPILOT, pages.TEXT)
#: Session state set before a page's visit: the Embeddings page of a fresh server shows its PCA map
#: while UMAP compiles, so that is the projection to prepare (UMAP may be ready in this process already).
PRESETS = {pages.EMBEDDINGS: {state.EMB_METHOD: "pca"}}
#: Seconds one page may take here before it is given up.
PAGE_TIMEOUT = 900
NAMESPACE = "warm"


class _Incomplete(Exception):
    """A page failed while warming: the run is not recorded, so the next ``make run`` tries again."""


def visit_pages() -> dict[str, float]:
    """Run the app headless on every page of :data:`PAGES`; seconds per page (``nan`` for a failure)."""
    from streamlit.testing.v1 import AppTest

    seconds: dict[str, float] = {}
    at = AppTest.from_file(str(disk.ROOT / "app.py"), default_timeout=PAGE_TIMEOUT)
    for entry in PAGES:
        page = f"{pages.PAGES_DIR.name}/{entry.file}"
        t0 = time.perf_counter()
        try:
            for key, value in PRESETS.get(entry, {}).items():
                at.session_state[key] = value
            (at.run() if entry == PAGES[0] else at.switch_page(page).run())
            failed = [e.value for e in at.exception]
        except Exception:  # noqa: BLE001 - any failure: report it, let the server compute the page
            failed = [traceback.format_exc(limit=3)]
        seconds[page] = float("nan") if failed else round(time.perf_counter() - t0, 1)
        print(f"  {page}: " + (f"failed, computed on its first visit instead ({failed[0][:300]})" if failed
                                else f"{seconds[page]:.1f} s"), flush=True)
    return seconds


#: Streamlit's loggers whose warnings are noise when pages run headless here.
QUIET_LOGGERS = ("streamlit.runtime.scriptrunner_utils.script_run_context",
                 "streamlit.runtime.caching.cache_data_api", "streamlit.runtime.caching.cache_resource_api")


def main() -> int:
    root = cache_dir()
    if root is None:
        print("Disk cache off (DRIFT_CACHE_DIR=off): the pages compute on their first visit.")
        return 0
    streamlit_logger.set_log_level("error")   # AppTest warns "No runtime found", "missing ScriptRunContext"
    for name in QUIET_LOGGERS:                  # ... and resets the level when a page runs: silence them
        logging.getLogger(name).disabled = True
    app = disk.app_cache()
    app_namespaces = [p.name for p in root.iterdir() if p.name.startswith(disk.NAMESPACE_PREFIX)] \
        if root.is_dir() else []
    removed = app.prune(app_namespaces)
    removed += scenario_cache().prune([SCENARIO_NAMESPACE])
    t0 = time.perf_counter()
    computed = []

    def warm() -> dict[str, float]:
        print(f"Preparing the built-in scenarios' results in {root} (once after each update of the code)…",
              flush=True)
        computed.append(True)
        seconds = visit_pages()
        if any(s != s for s in seconds.values()):   # a page failed: try again on the next make run
            raise _Incomplete
        return seconds

    try:
        app.get_or_compute(disk.NAMESPACE_PREFIX + NAMESPACE, {"pages": [p.file for p in PAGES]}, warm)
    except _Incomplete:
        pass
    what = "prepared" if computed else "already prepared"
    print(f"Disk cache {what} in {time.perf_counter() - t0:.1f} s ({root}"
          + (f"; {removed} entries of older code deleted" if removed else "") + ").", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
