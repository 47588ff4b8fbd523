"""What a page works with: the data source, the sidebar's settings, and the data they resolve to.

A :class:`Context` is built by :mod:`ui.data` from the sidebar's small choices and cached by
:mod:`ui.cache` on its :attr:`Context.key` (the source's content key and the roles key); the cache layer
hashes a ``Context`` argument by that key, never by its tables.  It is shared between runs and sessions,
so nobody mutates it or its tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from drift.data.schema import Schema
from drift.data.task import TaskInfo

from . import state

#: Overrides of the inferred roles for one data source: ``{"roles": {role: column or None},
#: "kinds": {column: kind}, "excluded": [column, ...], "task": task}``; every part optional (``task``: the
#: model's task forced on an upload, one of :data:`drift.data.task.TASKS`).
RoleOverrides = dict[str, Any]
#: An uploaded file: (file name, bytes).
UploadedBytes = tuple[str, bytes]
#: Period label of the reference where periods are picked (the Text page); production periods are batches.
REFERENCE_PERIOD = "Reference"


@dataclass(frozen=True)
class Source:
    """Identity and names of the data being analysed."""

    key: str
    kind: str                      # "scenario" | "upload"
    title: str
    reference_name: str
    current_name: str
    description: str = ""
    scenario: str | None = None
    reference_digest: str = ""     # uploads: content digests of the two files (shown, so a pair is known)
    current_digest: str = ""
    task: str | None = None        # built-in scenarios: the task of the model chosen (Scenario.with_task)


@dataclass(frozen=True)
class Settings:
    """The statistical settings chosen in the sidebar."""

    alpha: float
    correction: str
    bins: int
    batch: str
    seed: int


@dataclass(frozen=True, eq=False)
class Context:
    """Everything resolved from the sidebar for this run.

    Exactly one of three states: ``error`` set (a ``DriftError`` message to show), ``waiting`` set
    (nothing to analyse yet, e.g. an upload missing), or data present.  Compared by identity (``eq=False``):
    two contexts of the same data are told apart by :attr:`key`, never by comparing their tables.
    """

    source: Source | None = None
    reference: pd.DataFrame | None = None
    current: pd.DataFrame | None = None
    scenario: Any = None
    inferred: Schema | None = None          # inferred roles (+ the scenario's known roles)
    schema_requested: Schema | None = None  # after the user's overrides, before validation
    validation: Any = None                  # drift.Validation
    overrides: RoleOverrides = field(default_factory=dict)
    roles_key: str = "{}"
    task: TaskInfo | None = None            # the model's task (drift.infer_task); None without a target
    task_error: str | None = None           # why the task could not be read, or the override was refused
    error: str | None = None
    waiting: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """What the data depends on: the source's content key and the roles key (the cache key part)."""
        return (self.source.key if self.source is not None else "", self.roles_key)

    @property
    def ready(self) -> bool:
        return self.error is None and self.waiting is None and self.validation is not None

    @property
    def schema(self) -> Schema:
        """The schema the analysis uses: overrides applied, problem columns excluded."""
        return self.validation.schema

    @property
    def batch_column(self) -> str | None:
        col = self.schema.batch if self.ready else None
        return col if col is not None and col in self.current.columns else None

    @cached_property
    def batches(self) -> tuple[str, ...]:
        """Batch labels in order of appearance in production (empty without a batch column)."""
        col = self.batch_column
        if col is None:
            return ()
        return tuple(str(b) for b in pd.unique(self.current[col].astype(str)))

    def batch_mask(self, batch: str) -> np.ndarray | None:
        """Which production rows belong to ``batch`` (``None``: all of them, for
        :data:`ui.state.ALL_BATCHES` or without a batch column)."""
        col = self.batch_column
        if col is None or batch == state.ALL_BATCHES:
            return None
        return (self.current[col].astype(str) == batch).to_numpy()

    def rows(self, batch: str) -> pd.DataFrame:
        """Production rows of one batch (all rows for :data:`ui.state.ALL_BATCHES`); a batch's rows are a
        new frame, renumbered from 0."""
        mask = self.batch_mask(batch)
        return self.current if mask is None else self.current[mask].reset_index(drop=True)

    def period_rows(self, period: str) -> pd.DataFrame:
        """The rows of one period: the reference (:data:`REFERENCE_PERIOD`), a production batch, or all of
        production when there are no batches."""
        if period == REFERENCE_PERIOD:
            return self.reference
        if not self.batches:
            return self.current
        return self.rows(period)


#: The task of a built-in scenario's own model (:attr:`drift.data.scenarios.base.Scenario.task`).
OWN_TASK = "binary"


def scenario_key(name: str, task: str = OWN_TASK) -> str:
    """Content key of a built-in scenario seen through one of its models: its generator is seeded, so the
    name (and the model's task, :meth:`~drift.data.scenarios.base.Scenario.with_task`) fix the content.
    The scenario's own model keeps the bare ``scenario:<name>``."""
    return f"scenario:{name}" if task == OWN_TASK else f"scenario:{name}:{task}"


def roles_key(overrides: RoleOverrides) -> str:
    """Canonical JSON of role overrides: the cache key part that stands for them."""
    return json.dumps(overrides, sort_keys=True, default=list)


def apply_overrides(base: Schema, overrides: RoleOverrides) -> Schema:
    """The base schema with the user's role, kind and exclusion overrides applied."""
    kwargs: dict[str, Any] = dict(overrides.get("roles", {}))
    if "excluded" in overrides:
        kwargs["excluded"] = tuple(overrides["excluded"])
    kinds = overrides.get("kinds") or None
    return base.with_roles(kinds=kinds, **kwargs)


def current_rows(ctx: Context, batch: str) -> pd.DataFrame:
    """Production rows of one batch (all rows for :data:`ui.state.ALL_BATCHES`): :meth:`Context.rows`."""
    return ctx.rows(batch)


def effective_batch(ctx: Context, opts: Settings) -> str:
    """The selected batch if it exists in this data, else all batches."""
    return opts.batch if opts.batch in ctx.batches else state.ALL_BATCHES
