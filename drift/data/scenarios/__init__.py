"""Built-in scenarios: a registry of named, reproducible reference/production data sets.

Add a scenario by writing a module with a loader that returns a :class:`Scenario` and registering it
with :func:`register_scenario` (or adding a line to :data:`SCENARIOS` below).  Loaders are imported
lazily, so a heavy scenario costs nothing until it is used.

Examples
--------
>>> from drift.data.scenarios import SCENARIOS, load_scenario
>>> sorted(SCENARIOS)
['credit', 'german_credit', 'pricing', 'sentiment', 'vader']
>>> sc = load_scenario("credit", batch_size=500)
>>> len(sc.batches())
12
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, NamedTuple

from drift.core.errors import DriftParameterError
from drift.data.scenarios.base import (
    MANIFEST_COLUMNS,
    MANIFEST_KINDS,
    SCENARIO_TASKS,
    DeferredTask,
    Scenario,
    ScenarioTask,
)

__all__ = ["MANIFEST_COLUMNS", "MANIFEST_KINDS", "SCENARIOS", "SCENARIO_TASKS", "DeferredTask", "Scenario",
           "ScenarioEntry", "ScenarioTask", "load_scenario", "register_scenario"]


class ScenarioEntry(NamedTuple):
    """A registry entry: a human title and a loader ``(**kwargs) -> Scenario``."""

    title: str
    loader: Callable[..., Scenario]


def _lazy(module: str, function: str) -> Callable[..., Scenario]:
    """A loader that imports ``drift.data.scenarios.<module>`` only when called."""

    def loader(**kwargs: Any) -> Scenario:
        return getattr(import_module(f"{__name__}.{module}"), function)(**kwargs)

    loader.__name__ = f"{module}.{function}"
    loader.__qualname__ = loader.__name__
    loader.__doc__ = f"Call :func:`drift.data.scenarios.{module}.{function}` (imported on first use)."
    return loader


#: Name -> (title, loader).  Keys are what :func:`load_scenario` accepts.
SCENARIOS: dict[str, ScenarioEntry] = {
    "credit": ScenarioEntry("Credit scoring (synthetic, 12 monthly batches)", _lazy("credit", "generate")),
    "german_credit": ScenarioEntry("German Credit by age (real data)", _lazy("german", "load")),
    "pricing": ScenarioEntry("Dynamic pricing (synthetic)", _lazy("pricing", "generate")),
    "sentiment": ScenarioEntry("Brand sentiment on social media (synthetic)", _lazy("sentiment", "generate")),
    "vader": ScenarioEntry("Sentiment across text sources: VADER tweets vs reviews (real data)",
                           _lazy("vader", "load")),
}


def register_scenario(name: str, title: str, loader: Callable[..., Scenario]) -> None:
    """Add (or replace) a scenario in :data:`SCENARIOS`.

    Parameters
    ----------
    name : str
        Registry key.
    title : str
        Human title for menus.
    loader : callable
        ``loader(**kwargs) -> Scenario``.
    """
    SCENARIOS[name] = ScenarioEntry(title, loader)


def load_scenario(name: str, **kwargs: Any) -> Scenario:
    """Build a built-in scenario by name.

    Parameters
    ----------
    name : str
        A key of :data:`SCENARIOS`.
    **kwargs
        Passed to the scenario's loader (e.g. ``rng``, ``batch_size`` for ``"credit"``).

    Returns
    -------
    Scenario

    Raises
    ------
    DriftParameterError
        If ``name`` is not a registered scenario; the message lists the valid names.
    """
    if name not in SCENARIOS:
        valid = ", ".join(repr(n) for n in SCENARIOS)
        raise DriftParameterError.invalid("name", "load_scenario", f"one of {valid}", name)
    return SCENARIOS[name].loader(**kwargs)
