"""Built-in scenarios read from the disk cache: generated once, then read back from Parquet in a fraction of
a second.

:func:`cached_scenario` returns exactly what :func:`drift.data.scenarios.load_scenario` returns (frames equal
cell by cell, with their dtypes, index and ``attrs``; the same roles, manifest and texts), from a verified
entry of :class:`drift.core.diskcache.DiskCache` keyed by the scenario's name, its parameters (the seed
included) and the fingerprint of the library's code and dependencies.  Only the seeded generators are
cached (:data:`CACHED`): the real-data scenarios read files of the repository, which their key would not
cover.

The fitted model is not stored (it would need pickle): a cached scenario has ``model=None`` and a
``model_loader`` that regenerates the scenario once, on first use of :meth:`Scenario.fitted_model`, and
takes its model.  The app's pages that need the model (the Autopilot) call it; the others never do.  The
second models of :attr:`Scenario.tasks` are not kept either (a cached scenario has ``tasks=()``, so
:meth:`Scenario.with_task` offers only its binary task); for another task use
:func:`~drift.data.scenarios.load_scenario` (the app's ``ui.cache.scenario_view`` does, and keeps the view in
its own disk cache).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache, partial
from pathlib import Path
from typing import Any

from drift.core.diskcache import DiskCache, fingerprint

from . import load_scenario
from .base import Scenario

__all__ = ["CACHED", "NAMESPACE", "cached_scenario", "scenario_cache"]

#: Scenarios generated from a seed alone (the ones worth caching and fully covered by the key).
CACHED = frozenset({"credit", "pricing", "sentiment"})
#: Folder of the scenario entries in the cache.
NAMESPACE = "scenarios"
#: The library's source folder: its fingerprint is part of every key.
LIBRARY = Path(__file__).resolve().parents[2]


def scenario_cache(root=None) -> DiskCache:
    """The disk cache scenarios are kept in (``root`` default: :func:`drift.core.diskcache.cache_dir`)."""
    return DiskCache(root, code=fingerprint(LIBRARY))


@cache
def _regenerated_model(name: str, params: tuple[tuple[str, Any], ...]) -> object:
    return load_scenario(name, **dict(params)).model


def cached_scenario(name: str, *, cache_root=None, **kwargs: Any) -> Scenario:
    """:func:`~drift.data.scenarios.load_scenario` through the disk cache.

    Parameters
    ----------
    name : str
        A scenario of :data:`~drift.data.scenarios.SCENARIOS`; names outside :data:`CACHED`, and parameters
        that are not plain numbers or strings (a ``numpy`` Generator as ``rng``), are generated afresh.
    cache_root : path-like, optional
        The cache folder (default :func:`drift.core.diskcache.cache_dir`, which honours
        ``DRIFT_CACHE_DIR``; ``DRIFT_CACHE_DIR=off`` turns the cache off).
    **kwargs
        Passed to the scenario's loader.

    Returns
    -------
    Scenario
        Equal to a fresh generation (frames, roles, manifest, texts); when it came from the cache, its
        ``model`` is ``None`` (:meth:`Scenario.fitted_model` regenerates it) and its ``tasks`` are empty.
    """
    plain = all(isinstance(v, bool | int | float | str) for v in kwargs.values())
    if name not in CACHED or not plain:
        return load_scenario(name, **kwargs)
    params = {"name": name, "kwargs": dict(sorted(kwargs.items()))}
    fresh: list[Scenario] = []

    def generate() -> Scenario:
        fresh.append(load_scenario(name, **kwargs))
        return replace(fresh[0], model=None, tasks=())      # models are never stored

    stored = scenario_cache(cache_root).get_or_compute(NAMESPACE, params, generate)
    if fresh:                                     # generated in this call: keep the real model
        return fresh[0]
    # a partial of a module function, not a lambda: the app's in-memory cache pickles the scenario
    return replace(stored, model_loader=partial(_regenerated_model, name, tuple(sorted(kwargs.items()))))
