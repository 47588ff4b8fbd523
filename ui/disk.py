"""Results of the built-in scenarios kept on disk between server processes (``make run`` fills them).

:func:`on_disk` wraps a function that ``st.cache_data`` caches in memory, so that for a built-in scenario its
result also lives in :class:`drift.core.diskcache.DiskCache` (Parquet, ``.npy`` and JSON in
``$DRIFT_CACHE_DIR``, else ``~/.cache/drift-explorer``; verified on every read, never pickled).  The key is
the function's hashed arguments (those Streamlit hashes too: every one not starting with ``_``; a
:class:`~ui.context.Context` by its :attr:`~ui.context.Context.key`, as :data:`ui.cache.KEYED` does) and
the fingerprint of the code of ``drift/``, ``ui/``, ``pages/`` and ``app.py``, so any change of code or of
an argument computes afresh.  Uploads are never written to disk: only results whose ``Context`` is a
built-in scenario (source key ``"scenario:<name>"``), or whose ``scenario_arg`` names one, whose content
the seeded generator fixes.

Usage, under the in-memory cache of :mod:`ui.cache`::

    @st.cache_data(show_spinner=False, hash_funcs=KEYED)
    @disk.on_disk("domain-classifier")
    def domain_classifier(ctx: Context, batch: str, ...): ...
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from drift.core.diskcache import DiskCache, fingerprint

from .context import Context

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


def _key_part(value: Any) -> Any:
    """A hashed argument as it enters the key: a ``Context`` by its (source key, roles key)."""
    return list(value.key) if isinstance(value, Context) else value


def _built_in(hashed: dict[str, Any], scenario_arg: str | None) -> bool:
    if scenario_arg is not None:
        return isinstance(hashed.get(scenario_arg), str)
    keys = [v.key[0] for v in hashed.values() if isinstance(v, Context)]
    return bool(keys) and all(k.startswith(SCENARIO_PREFIX) for k in keys)


def on_disk(namespace: str, *, scenario_arg: str | None = None) -> Callable[[F], F]:
    """Keep ``fn``'s results for built-in scenarios on disk under ``app-<namespace>`` (see the module).

    ``scenario_arg`` names the argument that is a built-in scenario's name, for a function that takes no
    ``Context``; otherwise results are kept only when every ``Context`` argument is a built-in scenario.
    """

    def wrap(fn: F) -> F:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            hashed = {k: v for k, v in bound.arguments.items() if not k.startswith("_")}
            if not _built_in(hashed, scenario_arg):
                return fn(*args, **kwargs)
            return app_cache().get_or_compute(NAMESPACE_PREFIX + namespace,
                                              {k: _key_part(v) for k, v in hashed.items()},
                                              lambda: fn(*args, **kwargs))

        return wrapper  # type: ignore[return-value]

    return wrap
