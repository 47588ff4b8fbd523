"""One entry point for the business impact of any model: binary, multiclass or regression.

:func:`task_business_impact` reads the task and the prediction columns from a
:class:`~drift.data.task.TaskInfo` and calls

* :func:`drift.model.impact.business_impact` for a binary classifier (a 2×2 cost matrix at the decision
  threshold: model error and a changed outcome rate; a target of two other labels, e.g. ``"no"`` /
  ``"yes"``, counts its positive class — the second in sorted order — as the event);
* :func:`drift.model.multiclass_impact.multiclass_impact` for a multiclass classifier (a cost matrix indexed
  (true class, predicted class): model error and a changed class mix);
* :func:`drift.model.regression_impact.regression_impact` for a regression model (a cost per unit of error,
  by its side: over- and under-forecasts).

Every result answers the same questions, so the report quotes any of them in one "What it costs" sentence
and one section: ``task``, ``sentence``, ``parts`` (each a :class:`~drift.model.impact.CostPart` with its
formula), ``describe(part)``, ``figure(part)``, ``range_text(part)``, ``how``, ``method_text``,
``to_dict()``, and ``inputs`` (which figures are assumed: ``names``, ``label(name)``, ``display(name)``,
``assumed(name)``, ``any_assumed``).
"""

from __future__ import annotations

import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError
from drift.data.task import TASKS, TaskInfo
from drift.model.cost_matrix import MulticlassInputs, multiclass_inputs
from drift.model.impact import BusinessImpact, ImpactInputs, business_impact, impact_inputs, why_not_priced
from drift.model.multiclass_impact import MulticlassImpact, multiclass_impact
from drift.model.regression_impact import (
    RegressionImpact,
    RegressionInputs,
    regression_impact,
    regression_inputs,
)
from drift.stats.bootstrap import CONFIDENCE, N_BOOT

#: The result of :func:`task_business_impact`, per task.
TaskImpact = BusinessImpact | MulticlassImpact | RegressionImpact
#: The inputs of :func:`task_business_impact`, per task.
TaskInputs = ImpactInputs | MulticlassInputs | RegressionInputs
#: The inputs of each task, and the function that builds them with every figure assumed.
INPUT_TYPES = {"binary": ImpactInputs, "multiclass": MulticlassInputs, "regression": RegressionInputs}
_DEFAULTS = {"binary": impact_inputs, "multiclass": multiclass_inputs, "regression": regression_inputs}


def default_inputs(task: str) -> ImpactInputs | MulticlassInputs | RegressionInputs:
    """The inputs of ``task`` with every figure assumed (its defaults)."""
    if task not in TASKS:
        raise DriftParameterError.invalid("task", "default_inputs", f"one of {TASKS}", task)
    return _DEFAULTS[task]()


#: The figures each task's inputs take, by the names of :func:`task_inputs`.
TASK_FIGURES = {"binary": ("volume_per_month", "cost_false_positive", "cost_false_negative", "threshold"),
                "multiclass": ("volume_per_month", "cost_matrix"),
                "regression": ("volume_per_month", "cost_per_unit_over", "cost_per_unit_under")}


def task_inputs(task: str, *, volume_per_month: float | None = None, cost_false_positive: float | None = None,
                cost_false_negative: float | None = None, threshold: float | None = None,
                cost_per_unit_over: float | None = None, cost_per_unit_under: float | None = None,
                cost_matrix=None, currency: str = "$"):
    """The inputs of ``task`` from one flat set of figures (a command line's options), and the names of the
    figures given that ``task`` does not use (:data:`TASK_FIGURES`), for the caller to say so.

    ``volume_per_month`` is the decisions (binary, multiclass) or forecasts (regression) a month.  A figure
    not given is assumed, as in :func:`~drift.model.impact.impact_inputs`,
    :func:`~drift.model.regression_impact.regression_inputs` and
    :func:`~drift.model.cost_matrix.multiclass_inputs`, which check them.

    Returns
    -------
    (inputs, unused) : inputs of the task's kind, and a tuple of names
    """
    if task not in TASKS:
        raise DriftParameterError.invalid("task", "task_inputs", f"one of {TASKS}", task)
    given = {"volume_per_month": volume_per_month, "cost_false_positive": cost_false_positive,
             "cost_false_negative": cost_false_negative, "threshold": threshold,
             "cost_per_unit_over": cost_per_unit_over, "cost_per_unit_under": cost_per_unit_under,
             "cost_matrix": cost_matrix}
    unused = tuple(n for n, v in given.items() if v is not None and n not in TASK_FIGURES[task])
    if task == "binary":
        inputs = impact_inputs(decisions_per_month=volume_per_month, cost_false_positive=cost_false_positive,
                               cost_false_negative=cost_false_negative, threshold=threshold,
                               currency=currency)
    elif task == "multiclass":
        inputs = multiclass_inputs(decisions_per_month=volume_per_month, cost_matrix=cost_matrix,
                                   currency=currency)
    else:
        inputs = regression_inputs(volume_per_month=volume_per_month, cost_per_unit_over=cost_per_unit_over,
                                   cost_per_unit_under=cost_per_unit_under, currency=currency)
    return inputs, unused


def task_why_not_priced(task_info: TaskInfo) -> str | None:
    """What pricing needs that the task lacks: a prediction (or per-class probabilities) and a target."""
    has_output = task_info.prediction is not None or bool(task_info.probability_columns)
    return why_not_priced(task_info.target, "output" if has_output else None, task=task_info.task)


def task_business_impact(reference: pd.DataFrame, current: pd.DataFrame, task_info: TaskInfo,
                         inputs: ImpactInputs | MulticlassInputs | RegressionInputs | None = None, *,
                         use_labels: bool = True, n_boot: int = N_BOOT, confidence: float = CONFIDENCE,
                         rng=0) -> TaskImpact:
    """The business impact of the change, priced the way the model's task needs (module docstring).

    Parameters
    ----------
    reference, current : DataFrame
    task_info : TaskInfo
        From :func:`drift.infer_task`: the task, the target, and the prediction column or the per-class
        probability columns.
    inputs : ImpactInputs, MulticlassInputs or RegressionInputs, optional
        The figures, of the task's kind (:data:`INPUT_TYPES`); default every figure assumed.
    use_labels : bool, default True
        False (or current rows without labels) estimates without labels: a binary model from its calibrated
        score, a multiclass model from its calibrated per-class probabilities.  A regression model is priced
        on the current rows' labels only: False raises DriftInputError.
    n_boot, confidence, rng
        The bootstrap (see each function).

    Returns
    -------
    BusinessImpact, MulticlassImpact or RegressionImpact

    Raises
    ------
    DriftInputError
        No target or no model output (:func:`task_why_not_priced`), and every data error of the task's
        function.
    DriftParameterError
        Inputs of another task, or a bad figure.
    """
    func = "task_business_impact"
    if not isinstance(task_info, TaskInfo):
        raise DriftParameterError.invalid("task_info", func, "a TaskInfo (see drift.infer_task)",
                                          type(task_info).__name__)
    task = task_info.task
    inputs = default_inputs(task) if inputs is None else inputs
    if not isinstance(inputs, INPUT_TYPES[task]):
        wanted = f"a {INPUT_TYPES[task].__name__} for a {task} model (see {_DEFAULTS[task].__name__})"
        raise DriftParameterError.invalid("inputs", func, wanted, type(inputs).__name__)
    reason = task_why_not_priced(task_info)
    if reason is not None:
        raise DriftInputError(reason, fix="set the roles, or call without pricing")
    boot = {"n_boot": n_boot, "confidence": confidence, "rng": rng}
    target = task_info.target
    if task == "regression":
        if not use_labels:
            raise DriftInputError("pricing a regression model's forecast errors needs the observed target, "
                                  "and this run does not use the production labels", file="current",
                                  column=target,
                                  fix="use the production labels (or price it once they arrive)")
        return regression_impact(reference, current, target=target, prediction=task_info.prediction,
                                 inputs=inputs, **boot)
    if task == "multiclass":
        columns = ([task_info.probability_columns[c] for c in task_info.classes]
                   if task_info.probability_columns else None)
        return multiclass_impact(reference, current, target=target, prediction=task_info.prediction,
                                 probabilities=columns, classes=task_info.classes, inputs=inputs,
                                 use_labels=use_labels, **boot)
    prediction = task_info.probability_columns.get(task_info.positive_class, task_info.prediction)
    reference, current = (_events(frame, task_info) for frame in (reference, current))
    return business_impact(reference, current, target=target, prediction=prediction, inputs=inputs,
                           use_labels=use_labels, **boot)


def _events(frame: pd.DataFrame, task_info: TaskInfo) -> pd.DataFrame:
    """A binary target of two labels other than 0/1 (``"no"``/``"yes"``) as 1 for the positive class
    (``TaskInfo.positive_class``) and 0 for the other; missing labels stay missing; 0/1 targets unchanged."""
    target, positive = task_info.target, task_info.positive_class
    if target not in frame.columns or set(task_info.classes) <= {0, 1}:
        return frame
    labels = frame[target]
    return frame.assign(**{target: (labels == positive).astype(float).where(labels.notna())})
