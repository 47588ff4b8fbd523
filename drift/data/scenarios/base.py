"""The :class:`Scenario` container shared by every built-in scenario.

A scenario is a reference (training) table, a current (production) table, the names of the columns that
play a special role, and -- for synthetic scenarios -- a manifest saying what was injected into each
production batch, so the app can show which detectors caught what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from drift.core.errors import DriftParameterError
from drift.data.schema import Schema

#: Ground-truth kinds a manifest row can carry.
MANIFEST_KINDS = ("no_drift", "covariate_shift", "prediction_drift", "prior_shift", "concept_drift",
                  "data_quality")
#: Columns of a manifest, in order.
MANIFEST_COLUMNS = ("batch", "kind", "description", "features")
#: Tasks a scenario's model can have (:data:`drift.data.task.TASKS`); a scenario's own model is binary.
SCENARIO_TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True, slots=True, eq=False)
class DeferredTask:
    """A :class:`ScenarioTask` built on first use: its model is fitted only when someone asks for it.

    A scenario's second model (the pricing demand model, the three-class sentiment model) costs a third
    of the scenario's generation, and most uses of a scenario never look at it.  ``build`` must be
    deterministic (a seeded function of frames of its own): :meth:`Scenario.with_task` then gives exactly
    what an eager build gave.  Built once, then kept.
    """

    task: str
    build: Callable[[], ScenarioTask] = field(repr=False)
    _built: list = field(default_factory=list, repr=False)

    def get(self) -> ScenarioTask:
        """The task, built on the first call."""
        if not self._built:
            self._built.append(self.build())
        return self._built[0]


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioTask:
    """A second model on the same rows as a scenario's binary one: its columns, model and ground truth.

    :meth:`Scenario.with_task` swaps it in.  Its columns live here, not in the scenario's frames, so that
    nothing that reads the frames (feature drift, the domain classifier, the autopilot, the verdict
    benchmark) ever sees another model's target as a feature.

    Attributes
    ----------
    task : {"multiclass", "regression"}
    target : str
        The task's target column.
    prediction : str
        The model's forecast (regression) or predicted class (multiclass).
    probabilities : tuple of str
        Per-class probability columns ``proba_<class>`` in :attr:`classes` order (multiclass), else ``()``.
    classes : tuple
        Class labels in the library's order (:func:`drift.data.task.sorted_labels`), ``()`` for regression.
    reference, current : pandas.DataFrame
        The task's columns (target, prediction, probabilities), row-aligned with the scenario's frames.
    manifest : pandas.DataFrame
        Ground truth of the task's target, one row per batch, columns :data:`MANIFEST_COLUMNS`.
    model : object
        The fitted model that produced :attr:`prediction` from the scenario's feature columns.
    description : str
        A sentence on the target and the model, appended to the scenario's description.
    """

    task: str
    target: str
    prediction: str
    probabilities: tuple[str, ...]
    classes: tuple
    reference: pd.DataFrame
    current: pd.DataFrame
    manifest: pd.DataFrame
    model: object
    description: str

    @property
    def columns(self) -> tuple[str, ...]:
        """The task's columns in frame order: target, prediction, probabilities."""
        return (self.target, self.prediction, *self.probabilities)


@dataclass(frozen=True, slots=True, eq=False)
class Scenario:
    """A built-in scenario: reference and production data, column roles and the ground truth.

    ``eq=False``: two scenarios compare (and hash) by identity, since DataFrames have no truth value.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"credit"``.
    title : str
        Short human title.
    description : str
        A paragraph for the app: what the data is, how reference and current were formed.
    reference : pandas.DataFrame
        Training data, shape (n_reference, n_columns).
    current : pandas.DataFrame
        All production rows; when ``batch`` is set it holds the batch column, rows in batch order.
    target, prediction, batch, time : str or None
        Names of the label, model-score, batch and timestamp columns (``None`` when absent).
    manifest : pandas.DataFrame or None
        One row per batch with columns ``batch, kind, description, features``; ``kind`` is one of
        :data:`MANIFEST_KINDS` and ``features`` is a comma-separated list of the affected features
        (``""`` for none).  ``None`` when there is no known ground truth.
    model : object or None
        The fitted model whose ``predict_proba(X)[:, 1]`` produced the ``prediction`` column, where
        ``X`` is the frame restricted to :attr:`feature_names`.  ``None`` when there is none, or when it
        was not kept (a scenario read from the disk cache): use :meth:`fitted_model`, which regenerates it.
    source : str
        Provenance: generator and seed, or the dataset, its origin and licence.
    excluded : tuple of str
        Columns that are neither features nor roles (row ids, a rating the label is computed from): left
        out of every test.
    task : str
        The task of :attr:`model` (one of :data:`SCENARIO_TASKS`); ``"binary"`` unless the scenario is a
        :meth:`with_task` view.
    tasks : tuple of ScenarioTask or DeferredTask
        Other models on the same rows, reachable with :meth:`with_task` (the built-in scenarios defer
        them: fitted on the first :meth:`with_task`).
    model_loader : callable or None
        ``() -> model`` for a scenario whose :attr:`model` was not kept (:mod:`.cache`): called by
        :meth:`fitted_model` on first use.
    """

    name: str
    title: str
    description: str
    reference: pd.DataFrame
    current: pd.DataFrame
    target: str | None
    prediction: str | None
    batch: str | None
    time: str | None
    manifest: pd.DataFrame | None
    model: object | None
    source: str
    excluded: tuple[str, ...] = ()
    task: str = "binary"
    tasks: tuple[ScenarioTask | DeferredTask, ...] = ()
    model_loader: Callable[[], object] | None = field(default=None, repr=False)

    def fitted_model(self) -> object | None:
        """:attr:`model`, or, when it was not kept, the model :attr:`model_loader` regenerates (``None``
        without either)."""
        if self.model is not None:
            return self.model
        return self.model_loader() if self.model_loader is not None else None

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Reference columns that are not the target, prediction, batch or time column, nor excluded."""
        special = {self.target, self.prediction, self.batch, self.time, *self.excluded}
        return tuple(c for c in self.reference.columns if c not in special)

    def with_known_roles(self, schema: Schema) -> Schema:
        """``schema`` (usually inferred) with the scenario's target, prediction, batch and time columns and
        its excluded columns applied."""
        excluded = tuple(dict.fromkeys((*schema.excluded, *self.excluded)))
        return schema.with_roles(target=self.target, prediction=self.prediction, batch=self.batch,
                                 time=self.time, excluded=excluded)

    def available_tasks(self) -> tuple[str, ...]:
        """This scenario's task, then those :meth:`with_task` can switch to."""
        return (self.task, *(t.task for t in self.tasks))

    def with_task(self, task: str) -> Scenario:
        """The scenario seen through its ``task`` model: that model's target and prediction columns replace
        the binary ones (which are dropped: the binary label is a coarser copy of the other target), its
        probability columns follow (and are :attr:`excluded`, as model outputs, not features), and the
        manifest, model and description are the task's.

        Parameters
        ----------
        task : str
            One of :meth:`available_tasks`; this scenario's own task returns it unchanged.

        Raises
        ------
        DriftParameterError
            If the scenario has no model of that task.

        Examples
        --------
        >>> from drift.data.scenarios import load_scenario
        >>> sc = load_scenario("pricing", n_weeks=2, rows_per_week=200).with_task("regression")
        >>> sc.task, sc.target, sc.prediction
        ('regression', 'units_sold', 'units_forecast')
        """
        if task == self.task:
            return self
        view = next((t for t in self.tasks if t.task == task), None)
        if view is None:
            raise DriftParameterError.invalid("task", "Scenario.with_task",
                                              f"one of {self.available_tasks()}", task)
        if isinstance(view, DeferredTask):
            view = view.get()
        frames = []
        for own, extra in ((self.reference, view.reference), (self.current, view.current)):
            parts = []
            for column in own.columns:
                if column == self.target:
                    parts.append(extra[list(view.columns)])
                elif column != self.prediction:
                    parts.append(own[[column]])
            frame = pd.concat(parts, axis=1)
            frame.attrs = dict(own.attrs)
            frames.append(frame)
        return replace(self, description=f"{self.description} {view.description}", reference=frames[0],
                       current=frames[1], target=view.target, prediction=view.prediction,
                       manifest=view.manifest, model=view.model, model_loader=None, task=view.task, tasks=(),
                       excluded=tuple(dict.fromkeys((*self.excluded, *view.probabilities))))

    def batches(self) -> list[str]:
        """Batch labels in the order they appear in :attr:`current` (``[]`` without a batch column)."""
        if self.batch is None:
            return []
        return [str(b) for b in pd.unique(self.current[self.batch])]

    def get_batch(self, label: str) -> pd.DataFrame:
        """The production rows of one batch, with a fresh ``RangeIndex``.

        (Named ``get_batch`` because ``batch`` is the field holding the batch column's name.)

        Parameters
        ----------
        label : str
            A batch label from :meth:`batches`.

        Returns
        -------
        pandas.DataFrame
            A copy of the rows of :attr:`current` whose batch column equals ``label``.

        Raises
        ------
        DriftParameterError
            If the scenario has no batches or ``label`` is not one of them.
        """
        labels = self.batches()
        if label not in labels:
            allowed = f"one of {labels}" if labels else "unused: this scenario has no batches"
            raise DriftParameterError.invalid("label", "Scenario.get_batch", allowed, label)
        rows = self.current[self.current[self.batch].astype(str) == label]
        return rows.reset_index(drop=True)

    def with_holdout_reference(self, *, share: float = 0.5, rng: int | np.random.Generator = 0) -> Scenario:
        """The scenario as a deployed model is monitored: a fresh copy of :attr:`model` is fitted on a
        random ``1 - share`` of the reference rows; the other ``share`` becomes the reference, scored by
        that model, and production is scored again by it.

        Prediction drift compares production scores with reference scores, so both must come from the
        model that is deployed.  Some built-in references (German credit, VADER) carry 5-fold out-of-fold
        scores (honest for performance; credit and pricing ship a validation set scored by the deployed
        model), which come from five fold models trained on 80 % of the rows and spread a little
        differently from the deployed model's: on the credit scenario's clean months the prediction PSI
        runs ~20 % above its null level (``bench/false_alarms.py``); with this reference, at its level.

        An int ``rng`` seeds a stream of its own (a child of ``SeedSequence(rng)``), so the split is
        independent of data generated with the same seed.

        Raises
        ------
        DriftParameterError
            Without a model, target and prediction column, or with ``share`` outside (0, 1).
        """
        from sklearn.base import clone
        from threadpoolctl import threadpool_limits

        fitted = self.fitted_model()
        if fitted is None or self.target is None or self.prediction is None or self.task != "binary":
            raise DriftParameterError.invalid("self", "Scenario.with_holdout_reference",
                                              "a binary scenario with a model, a target and a prediction",
                                              f"{self.name} ({self.task})")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share < 1:
            raise DriftParameterError.invalid("share", "Scenario.with_holdout_reference", "in (0, 1)", share)
        # An int seed starts its own stream: the generators draw their data from default_rng(seed), and a
        # split drawn from the same stream would follow the data (a biased half).
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(
            np.random.SeedSequence(int(rng)).spawn(1)[0])
        held = gen.random(len(self.reference)) < share
        columns = list(self.feature_names)
        with threadpool_limits(limits=1):     # gradient boosting crawls when its threads contend on 2 cores
            model = clone(fitted).fit(self.reference.loc[~held, columns],
                                          self.reference.loc[~held, self.target])
            reference = self.reference.loc[held].reset_index(drop=True)
            reference[self.prediction] = model.predict_proba(reference[columns])[:, 1]
            current = self.current.copy()
            current[self.prediction] = model.predict_proba(current[columns])[:, 1]
        return replace(self, reference=reference, current=current, model=model,
                       source=f"{self.source}; reference: the held-out {share:.0%} of the rows, scored by a "
                              "model fitted on the rest (Scenario.with_holdout_reference)")

    def manifest_row(self, label: str) -> dict[str, str]:
        """The manifest entry of one batch as a dict (``batch, kind, description, features``).

        Raises
        ------
        DriftParameterError
            If there is no manifest or ``label`` is not in it.
        """
        if self.manifest is None:
            raise DriftParameterError.invalid("label", "Scenario.manifest_row", "unused: no manifest", label)
        if label not in set(self.manifest["batch"]):
            allowed = f"one of {list(self.manifest['batch'])}"
            raise DriftParameterError.invalid("label", "Scenario.manifest_row", allowed, label)
        row = self.manifest.loc[self.manifest["batch"] == label].iloc[0]
        return {c: str(row[c]) for c in MANIFEST_COLUMNS}


def category_effects(frame: pd.DataFrame, effects) -> np.ndarray:
    """Sum of per-category log-odds effects: ``effects`` is ``((column, ((category, effect), …)), …)``;
    a category not listed contributes 0.  Shared by the scenarios' known label models."""
    z = np.zeros(len(frame))
    for column, pairs in effects:
        values = frame[column].to_numpy(object)
        for category, effect in pairs:
            z = z + effect * (values == category)
    return z
