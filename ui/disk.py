"""Results of the built-in scenarios kept on disk between server processes (``make run`` fills them).

:func:`on_disk` wraps a function that ``st.cache_data`` caches in memory, so that for a built-in scenario its
result also lives in :class:`drift.core.diskcache.DiskCache` (Parquet, ``.npy`` and JSON in
``$DRIFT_CACHE_DIR``, else ``~/.cache/drift-explorer``; verified on every read, never pickled).  The key is
the function's hashed arguments (those Streamlit hashes too: every one not starting with ``_``) and the
fingerprint of the code of ``drift/``, ``ui/``, ``pages/`` and ``app.py``, so any change of code or of an
argument computes afresh.  Uploads are never written to disk: only a data key ``"scenario:<name>"`` (or a
``scenario`` argument naming one) is, whose content the seeded generator fixes.

Usage, under the in-memory cache::

    @st.cache_data(show_spinner=False)
    @disk.on_disk("domain-classifier")
    def _domain(data_key: str, ..., _reference: pd.DataFrame, _current: pd.DataFrame): ...
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from drift.core.diskcache import DiskCache, fingerprint

__all__ = ["APP_CODE", "SCENARIO_PREFIX", "app_cache", "on_disk"]

ROOT = Path(__file__).resolve().parent.parent
#: The code whose results are kept: a change in any of these files gives new keys.
APP_CODE = (ROOT / "drift", ROOT / "ui", ROOT / "pages", ROOT / "app.py")
#: Data keys of built-in scenarios (``ui.data``'s content keys).
SCENARIO_PREFIX = "scenario:"
#: Prefix of this module's namespaces in the cache folder.
NAMESPACE_PREFIX = "app-"

F = TypeVar("F", bound=Callable[..., Any])


def app_cache() -> DiskCache:
    """The disk cache of the app's results (folder: :func:`drift.core.diskcache.cache_dir`)."""
    return DiskCache(code=fingerprint(*APP_CODE))


def _built_in(hashed: dict[str, Any]) -> bool:
    key = hashed.get("data_key")
    if key is None and isinstance(hashed.get("scenario"), str):
        key = SCENARIO_PREFIX + hashed["scenario"]
    return isinstance(key, str) and key.startswith(SCENARIO_PREFIX)


def on_disk(namespace: str) -> Callable[[F], F]:
    """Keep ``fn``'s results for built-in scenarios on disk under ``app-<namespace>`` (see the module)."""

    def wrap(fn: F) -> F:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            hashed = {k: v for k, v in bound.arguments.items() if not k.startswith("_")}
            if not _built_in(hashed):
                return fn(*args, **kwargs)
            return app_cache().get_or_compute(NAMESPACE_PREFIX + namespace, hashed,
                                              lambda: fn(*args, **kwargs))

        return wrapper  # type: ignore[return-value]

    return wrap
