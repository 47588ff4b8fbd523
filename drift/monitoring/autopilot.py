"""The autopilot: detect -> decide -> retrain, batch by batch, with every decision logged and costed.

A *policy* (:class:`Policy`) turns detector readings into one action per batch (a week in the pricing
scenario): ``none``, ``alert``, ``retrain`` (fit a challenger on a recent labelled window, promote it
only if it beats the champion on held-out recent data) or ``rollback`` (restore the previous champion).
:func:`run_autopilot` replays a scenario's production stream under one policy; :func:`compare_policies`
replays several on the same stream and ranks them by a :class:`CostModel`.  Nothing here writes
anywhere: the action log is a DataFrame (``AutopilotRun.log``) for the caller to store.

The simulated week
------------------
At the end of production week ``t`` (0-based; the rows of week ``t`` were scored by the champion that
was in place when the week began):

1. **Detectors.**  Against the champion's *data window* -- the weeks it was fitted and validated on (the
   whole reference for the initial model):
   ``share_drifted`` -- the share of monitored features whose :func:`drift.feature_drift` severity is at
   least ``moderate`` (significant after Benjamini–Hochberg at ``alpha`` *and* PSI >= 0.1);
   ``max_feature_psi`` -- the largest PSI among significant features; ``prediction_psi`` -- the PSI of
   this week's scores against the champion's scores on its data window (:func:`drift.prediction_drift`;
   for the initial model the reference's own score column when it has one -- out of sample: pricing's
   reference is the model's validation set --, the model's own scores otherwise).
   On labelled data -- labels of week ``t - label_delay`` have just arrived -- ``excess_log_loss``
   (:func:`excess_log_loss`): the log-loss per row the champion would save on that week by a logistic
   recalibration ``logit p' = a + b logit p`` fitted on the same week.  It is ~1/n for a calibrated
   model (χ²₂ / 2n) and grows with miscalibration -- a prior shift, or a shift the trees cannot
   extrapolate.  Raw log-loss is no trigger: it *falls* when conversions get rarer (the price war),
   however wrong the model.  Excess log-loss cannot see a pure loss of ranking power; the weekly table
   keeps ROC AUC for that.
2. **Rollback check** (policies with ``rollback=True``, when a previous champion exists).  On the latest
   ``rollback_weeks`` labelled weeks *after* the champion's own data window: roll back when
   ``loss(previous) < loss(champion) * (1 - rollback_margin)``.  A rollback needs no training and takes
   effect next week; it restores the model the champion replaced (whose own predecessor becomes the
   previous champion again).  A rollback week takes no other action.
3. **Trigger:**

   ============  ==================================================================================
   kind          fires when
   ============  ==================================================================================
   never         never (detectors are still computed and logged)
   scheduled     ``t - last_retrain >= every_k`` (deployment counts as a retrain at ``t = -1``)
   drift         ``share_drifted >= share_drifted`` or ``max_feature_psi >= feature_psi`` or
                 ``prediction_psi >= prediction_psi`` (thresholds of the policy)
   performance   ``excess_log_loss >= performance_threshold`` on the latest labelled week
   ============  ==================================================================================

   For ``drift`` and ``performance`` the first week of an unbroken run of firing weeks is the *onset*
   (for ``drift`` the production week that drifted, for ``performance`` the labelled week that showed
   it); a week that does not fire, a promotion or a rollback clears it.  A firing trigger retrains when
   (a) at least ``settle_weeks`` labelled weeks since the onset exist (retraining before the new regime
   has labels only relearns the old one), (b) ``t - last_retrain >= min_gap`` and (c) fewer than
   ``max_rejections`` challengers were rejected since the onset -- after that the drift is *benign* for
   this champion (a model trained on it did not do better) and is only logged until the trigger clears.
   Waiting for (a) or (b) raises one ``alert``, on the onset week; later waiting weeks log their reason
   with action ``none``.  ``scheduled`` needs none of this.
4. **Retrain.**  The labelled weeks are the reference weeks and production weeks ``<= t - label_delay``.
   The window is the last ``window`` of them -- cut at the onset when ``window_from_onset`` (drift and
   performance only) -- whose last ``holdout_weeks`` are held out and the rest used to fit a challenger
   (``sklearn.base.clone`` of the scenario's model, every ``random_state`` set from ``rng``).  The
   challenger is promoted when ``challenger_score < champion_score * (1 - min_improvement)``, both
   log-losses on the hold-out weeks.  The attempt counts as a retrain (and costs one) either way.
   A promoted champion scores from week ``t + 1``.

A regression model
------------------
A scenario seen through a regression model (``scenario.task == "regression"``, e.g.
``load_scenario("pricing").with_task("regression")``: the demand model, target ``units_sold``) is replayed
by the same rules with the regression analogues, for a target ``y >= 0`` and forecasts ``ŷ > 0`` (the
Poisson family; anything else is refused with a :class:`~drift.core.errors.DriftInputError`):

* the decision loss -- challenger vs champion, rollback -- is the mean Poisson deviance
  (:func:`poisson_deviance`), the proper score of a count forecast as log-loss is of a probability;
* ``excess_log_loss`` is :func:`excess_poisson_log_loss`: the Poisson log-loss per row (nats, half the
  deviance) a log-linear recalibration ``ln ŷ' = a + b ln ŷ`` fitted on the week would save, so the
  ``performance`` trigger and ``degraded_threshold`` keep their meaning; ``prediction_psi`` is the PSI of
  the forecasts; ``calibration_gap`` the mean forecast minus the mean target (units);
* the weekly table has ``poisson_deviance``, ``mae`` and ``rmse`` in place of the binary metrics
  (:func:`weekly_columns`) and the log ``labelled_deviance`` in place of ``labelled_log_loss``
  (:func:`log_columns`); the cost model bills ``mae`` by default (:meth:`CostModel.for_task`), so the
  weekly error cost is ``cost_per_error_unit`` per unit of the target missed (``rows * MAE`` = the
  week's total absolute error).

Costs (:class:`CostModel`)
--------------------------
Per week: ``error_cost = cost_per_error_unit * rows * error`` (``error`` is the week's log-loss by
default, measured once its labels exist -- the accounting is retrospective, the decisions are not) plus
``retrain_cost`` per retrain attempt, ``alert_cost`` per alert and ``rollback_cost`` per rollback;
``cost`` is their sum and ``cumulative_cost`` its running total, whose last value is the run's
``total_cost``.  A week is *degraded* when the scoring champion's ``excess_log_loss`` on that week's
labels is at least ``degraded_threshold``.  Decisions never depend on the cost model, so a comparison's
``break_even_retrain_cost`` (the retrain cost at which a policy ties with the first) is exact.

Examples
--------
>>> from drift.monitoring.autopilot import compare_policies
>>> from drift.data.scenarios.pricing import generate
>>> result = compare_policies(generate(n_weeks=12, rows_per_week=500))
>>> list(result.summary["policy"])
['never retrain', 'every 4 weeks', 'drift-triggered', 'performance-triggered']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, xlogy
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from drift.core.errors import DriftInputError, DriftParameterError, check_int, check_parameter, is_int
from drift.core.jsonsafe import jsonable
from drift.data.scenarios.base import Scenario
from drift.data.schema import Schema
from drift.diagnosis.features import feature_drift, profile_reference
from drift.model.prediction import prediction_drift
from drift.model.regression_performance import REGRESSION_METRICS, regression_metrics
from drift.stats.metrics import brier_score, error_rate, log_loss, logit, roc_auc

__all__ = ["ACTIONS", "AUTOPILOT_TASKS", "DEFAULT_ERROR_METRIC", "DEFAULT_LABEL_DELAY", "DEGRADED_THRESHOLD",
           "ERROR_METRICS", "POLICY_KINDS", "REGRESSION_ERROR_METRICS", "TASK_ERROR_METRICS", "AutopilotRun",
           "CostModel", "Policy", "PolicyComparison", "compare_policies", "default_policies",
           "excess_log_loss", "excess_poisson_log_loss", "log_columns", "poisson_deviance", "run_autopilot",
           "weekly_columns"]

POLICY_KINDS = ("never", "scheduled", "drift", "performance")
ACTIONS = ("none", "alert", "retrain", "rollback")
ERROR_METRICS = ("log_loss", "brier", "error_rate")
#: Error metrics of a regression model the cost model can bill (in the target's units, or its deviance).
REGRESSION_ERROR_METRICS = ("mae", "rmse", "poisson_deviance")
#: Model tasks the autopilot replays, and the error metrics the cost model can bill for each.
AUTOPILOT_TASKS = ("binary", "regression")
TASK_ERROR_METRICS = {"binary": ERROR_METRICS, "regression": REGRESSION_ERROR_METRICS}
#: The cost model's error metric per task unless the caller picks one (:meth:`CostModel.for_task`).
DEFAULT_ERROR_METRIC = {"binary": "log_loss", "regression": "mae"}
#: Fewest rows a week needs for its excess log-loss (a recalibration fitted on it); nan below.
MIN_RECALIBRATION_ROWS = 10
#: Label delay (weeks) when neither the caller nor ``scenario.current.attrs["label_delay"]`` gives one.
DEFAULT_LABEL_DELAY = 1
#: A week is degraded when the scoring champion's excess log-loss on it reaches this (nats per row).
DEGRADED_THRESHOLD = 0.01

LOG_COLUMNS = ("week", "batch", "truth", "action", "reason", "promoted", "scored_by", "champion_version",
               "challenger_score", "champion_score", "previous_score", "train_weeks", "holdout_weeks",
               "share_drifted", "max_feature_psi", "top_feature", "prediction_psi", "labelled_through",
               "labelled_log_loss", "excess_log_loss", "calibration_gap", "onset")
WEEKLY_COLUMNS = ("week", "batch", "truth", "scored_by", "rows", "error", "log_loss", "brier", "error_rate",
                  "roc_auc", "excess_log_loss", "degraded", "action", "error_cost", "action_cost", "cost",
                  "cumulative_cost", "n_retrains")
#: The weekly metric columns of each task (those of a binary model in :data:`WEEKLY_COLUMNS`).
TASK_METRICS = {"binary": ("log_loss", "brier", "error_rate", "roc_auc"),
                "regression": ("poisson_deviance", "mae", "rmse")}
#: The decision loss of each task (challenger vs champion, rollback) and how reasons name it.
TASK_LOSS = {"binary": ("log_loss", "log-loss"), "regression": ("poisson_deviance", "Poisson deviance")}
#: What the excess (recalibration) reading is called in a reason, per task.
EXCESS_NAME = {"binary": "excess log-loss", "regression": "excess Poisson log-loss"}


def log_columns(task: str = "binary") -> tuple[str, ...]:
    """The columns of :attr:`AutopilotRun.log` for a model of ``task`` (:data:`LOG_COLUMNS` for binary;
    a regression log has ``labelled_deviance`` -- the champion's Poisson deviance on the latest labelled
    week -- in place of ``labelled_log_loss``)."""
    if task == "binary":
        return LOG_COLUMNS
    return tuple("labelled_deviance" if c == "labelled_log_loss" else c for c in LOG_COLUMNS)


def weekly_columns(task: str = "binary") -> tuple[str, ...]:
    """The columns of :attr:`AutopilotRun.weekly` for a model of ``task`` (:data:`WEEKLY_COLUMNS` for
    binary; a regression table has :data:`TASK_METRICS` ``["regression"]`` in place of the binary metrics)."""
    if task == "binary":
        return WEEKLY_COLUMNS
    binary = TASK_METRICS["binary"]
    start = WEEKLY_COLUMNS.index(binary[0])
    rest = WEEKLY_COLUMNS[start + len(binary):]
    return (*WEEKLY_COLUMNS[:start], *TASK_METRICS[task], *rest)


@dataclass(frozen=True, slots=True)
class Policy:
    """When to retrain, alert or roll back (decision rules in the module docstring).

    Parameters
    ----------
    name : str
        Label in tables and charts.
    kind : {"never", "scheduled", "drift", "performance"}
        Which trigger decides a retrain.
    every_k : int, default 4
        ``scheduled``: retrain every ``every_k`` weeks.
    share_drifted : float, default 0.2
        ``drift``: fire when at least this share of monitored features is drifted (severity >= moderate).
    feature_psi : float, default 0.25
        ``drift``: fire when a significant feature's PSI reaches this (``inf`` switches the rule off).
    prediction_psi : float, default 0.2
        ``drift``: fire when the prediction PSI reaches this (``inf`` switches it off).
    alpha : float, default 0.05
        Significance level of the per-feature tests (Benjamini–Hochberg across features).
    ignore_features : tuple of str, default ()
        Features left out of drift monitoring (still used by the model), e.g. calendar features that leave
        any short training window's range by construction.
    performance_threshold : float, default 0.01
        ``performance``: fire when the champion's excess log-loss on the latest labelled week reaches this
        (nats per row; for a regression model the excess Poisson log-loss, also nats per row).
    settle_weeks : int, default 2
        ``drift`` / ``performance``: labelled weeks since the onset needed before retraining.
    window : int, default 6
        Labelled weeks a retrain uses (training plus hold-out).
    window_from_onset : bool, default False
        ``drift`` / ``performance``: cut the window at the onset, so the challenger learns only the new
        regime.  Off by default: a few weeks before the onset keep the training set large, and when the
        regime shows in the inputs (a price war, a new segment) the model tells the weeks apart anyway.
    holdout_weeks : int, default 1
        Latest labelled weeks of the window held out to compare challenger and champion.
    min_improvement : float, default 0.01
        Relative log-loss improvement on the hold-out a challenger needs to be promoted (a coin-flip win
        of a near-identical model is not worth the risk).
    min_gap : int, default 2
        Weeks between two retrains (not for ``scheduled``, whose period is ``every_k``).
    max_rejections : int, default 1
        ``drift`` / ``performance``: once this many challengers trained since the onset were rejected,
        the drift is treated as benign for this champion (no more retrains) until the trigger clears.
    rollback : bool, default True
        Check every week whether the previous champion beats the current one.
    rollback_weeks : int, default 1
        Labelled weeks after the champion's own data the rollback check compares on.
    rollback_margin : float, default 0.01
        Relative log-loss margin by which the previous champion must win.
    """

    name: str
    kind: str = "never"
    every_k: int = 4
    share_drifted: float = 0.2
    feature_psi: float = 0.25
    prediction_psi: float = 0.2
    alpha: float = 0.05
    ignore_features: tuple[str, ...] = ()
    performance_threshold: float = 0.01
    settle_weeks: int = 2
    window: int = 6
    window_from_onset: bool = False
    holdout_weeks: int = 1
    min_improvement: float = 0.01
    min_gap: int = 2
    max_rejections: int = 1
    rollback: bool = True
    rollback_weeks: int = 1
    rollback_margin: float = 0.01

    def __post_init__(self) -> None:
        func = "Policy"
        object.__setattr__(self, "ignore_features", tuple(self.ignore_features))
        check_parameter(self.kind in POLICY_KINDS, "kind", func, f"one of {POLICY_KINDS}", self.kind)
        for name in ("every_k", "settle_weeks", "window", "holdout_weeks", "min_gap", "max_rejections",
                     "rollback_weeks"):
            value = getattr(self, name)
            check_int(value, name, func, 1)
        check_parameter(self.window > self.holdout_weeks, "window", func,
                        f"greater than holdout_weeks ({self.holdout_weeks})", self.window)
        if self.window_from_onset and self.kind in ("drift", "performance"):
            check_parameter(self.settle_weeks > self.holdout_weeks, "settle_weeks", func,
                            f"greater than holdout_weeks ({self.holdout_weeks}) when window_from_onset "
                            "is set",
                            self.settle_weeks)
        check_parameter(0 < self.share_drifted <= 1, "share_drifted", func, "in (0, 1]", self.share_drifted)
        for name in ("feature_psi", "prediction_psi", "performance_threshold"):
            value = getattr(self, name)
            check_parameter(value > 0, name, func, "> 0 (inf switches the rule off)", value)
        check_parameter(0 < self.alpha < 1, "alpha", func, "in (0, 1)", self.alpha)
        for name in ("min_improvement", "rollback_margin"):
            value = getattr(self, name)
            check_parameter(0 <= value < 1, name, func, "in [0, 1)", value)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["ignore_features"] = list(self.ignore_features)
        return out


@dataclass(frozen=True, slots=True)
class CostModel:
    """What errors and actions cost (any currency; defaults are illustrative).

    Parameters
    ----------
    retrain_cost : float, default 100
        Per retrain attempt (compute, validation, a reviewer's time), promoted or not.
    cost_per_error_unit : float, default 2
        Per unit of ``error_metric`` per row: with log-loss, the cost of one nat of surprise on one
        session (mispriced sessions cost more the more surprised the demand model is).  With ``mae`` (a
        regression model), the cost of one unit of the target missed: ``cost_per_error_unit * rows * MAE``
        is ``cost_per_error_unit`` times the week's total absolute error ``sum |y - ŷ|`` -- for the pricing
        scenario's demand model, the money lost per unit of demand over- or under-forecast (stock that
        sits, or sales missed).  The decisions read the Poisson deviance, whatever is billed: MAE is
        smallest for the *median* forecast, and a demand model forecasts the *mean* of a target that is 0
        for most sessions, so a better-calibrated challenger (lower deviance) can raise the MAE bill -- on
        the full pricing scenario the performance-triggered policy saves 3,055 billed by deviance and
        loses 1,597 billed by MAE (``bench/autopilot_tasks.py``).
    alert_cost : float, default 10
        Per alert (someone reads it).
    rollback_cost : float, default 20
        Per rollback (a deployment, no training).
    error_metric : str, default "log_loss"
        Per-row error the weekly error cost is proportional to.  Binary model: one of
        :data:`ERROR_METRICS` (``error_rate`` at threshold 0.5); regression model: one of
        :data:`REGRESSION_ERROR_METRICS` (``mae`` and ``rmse`` in the target's units, ``poisson_deviance``
        per row).  :meth:`for_task` picks the task's default (:data:`DEFAULT_ERROR_METRIC`).
    """

    retrain_cost: float = 100.0
    cost_per_error_unit: float = 2.0
    alert_cost: float = 10.0
    rollback_cost: float = 20.0
    error_metric: str = "log_loss"

    def __post_init__(self) -> None:
        for name in ("retrain_cost", "cost_per_error_unit", "alert_cost", "rollback_cost"):
            value = getattr(self, name)
            check_parameter(np.isfinite(value) and value >= 0, name, "CostModel", "a finite number >= 0",
                            value)
        known = tuple(dict.fromkeys(m for metrics in TASK_ERROR_METRICS.values() for m in metrics))
        check_parameter(self.error_metric in known, "error_metric", "CostModel", f"one of {known}",
                        self.error_metric)

    @classmethod
    def for_task(cls, task: str, **kwargs) -> CostModel:
        """A cost model billing ``task``'s default error metric (:data:`DEFAULT_ERROR_METRIC`: log-loss for
        a binary model, MAE for a regression one); ``kwargs`` set the other fields."""
        check_parameter(task in AUTOPILOT_TASKS, "task", "CostModel.for_task",
                        f"one of {AUTOPILOT_TASKS}", task)
        return cls(**{"error_metric": DEFAULT_ERROR_METRIC[task], **kwargs})

    def check_task(self, task: str, func: str) -> None:
        """Raise :class:`DriftParameterError` when :attr:`error_metric` does not measure a ``task`` model."""
        allowed = TASK_ERROR_METRICS[task]
        check_parameter(self.error_metric in allowed, "cost", func,
                        f"a CostModel whose error_metric is one of {allowed} for a {task} model "
                        f"(CostModel.for_task({task!r}) picks {DEFAULT_ERROR_METRIC[task]!r})",
                        self.error_metric)

    def action_cost(self, action: str) -> float:
        """Cost of one action (``none`` is free)."""
        return {"retrain": self.retrain_cost, "alert": self.alert_cost,
                "rollback": self.rollback_cost}.get(action, 0.0)

    def to_dict(self) -> dict:
        return asdict(self)


def default_policies(scenario: Scenario | None = None, *, every_k: int = 4) -> tuple[Policy, ...]:
    """The four baselines: never retrain, retrain every ``every_k`` weeks, drift- and performance-triggered.

    Every other setting is the :class:`Policy` default.  ``ignore_features`` (what drift monitoring skips)
    is ``scenario.current.attrs["calendar_features"]`` when the scenario declares calendar features (the
    pricing scenario's ``seasonality``), so the logged drift readings are comparable across policies.
    """
    ignore = tuple(scenario.current.attrs.get("calendar_features", ())) if scenario is not None else ()
    return (
        Policy("never retrain", "never", ignore_features=ignore),
        Policy(f"every {every_k} weeks", "scheduled", every_k=every_k, ignore_features=ignore),
        Policy("drift-triggered", "drift", ignore_features=ignore),
        Policy("performance-triggered", "performance", ignore_features=ignore),
    )


# --- metrics --------------------------------------------------------------------------------------------
def excess_log_loss(y_true, scores, *, max_iter: int = 50) -> float:
    """Log-loss per row that a logistic recalibration of ``scores`` on the same rows would remove.

    Fits ``logit P(y) = a + b · logit(score)`` by Newton's method (with step halving) and returns
    ``log_loss(scores) - log_loss(recalibrated)`` (>= 0).  About 1/n for calibrated scores (half a χ² with
    2 df, over n); a miscalibration in level (prior shift) or slope (over/under-confidence) raises it.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n,)
    scores : array-like of probabilities, shape (n,)

    Returns
    -------
    float
        ``nan`` when fewer than 10 rows or a single class (nothing to recalibrate on).
    """
    return _recalibration_gain(y_true, scores, ("labels", "scores"), logit, lambda z: np.logaddexp(0.0, z),
                               expit, lambda q: q * (1 - q), max_iter)


def poisson_deviance(y_true, forecasts) -> float:
    """Mean Poisson deviance ``2 mean(y ln(y / ŷ) - (y - ŷ))`` (``y ln y = 0`` at ``y = 0``).

    The regression autopilot's proper score: equals ``sklearn.metrics.mean_poisson_deviance``; needs
    ``y >= 0`` and ``ŷ > 0`` (the caller checks).  Half of it is the Poisson log-loss per row minus that
    of a perfect forecast, so differences of half-deviances are differences of log-loss in nats.
    """
    y = np.asarray(y_true, dtype=np.float64)
    mu = np.asarray(forecasts, dtype=np.float64)
    return float(np.mean(2 * (xlogy(y, y) - xlogy(y, mu) - y + mu)))


def excess_poisson_log_loss(y_true, forecasts, *, max_iter: int = 50) -> float:
    """Poisson log-loss per row that a log-linear recalibration of ``forecasts`` on the same rows would
    remove: the regression analogue of :func:`excess_log_loss`.

    Fits ``ln E[y] = a + b · ln(ŷ)`` (a Poisson GLM on the log forecast) by Newton's method (with step
    halving) and returns half the mean Poisson deviance it removes (>= 0, nats per row, so the
    :class:`Policy` thresholds read the same as for a binary model).  About ``φ/n`` for a calibrated
    forecast (``φ`` the target's dispersion); a level shift (demand up at the same inputs) or a slope
    error raises it.

    Parameters
    ----------
    y_true : array-like of numbers >= 0, shape (n,)
    forecasts : array-like of numbers > 0, shape (n,)

    Returns
    -------
    float
        ``nan`` when fewer than 10 rows or a constant target (nothing to recalibrate on).
    """
    with np.errstate(over="ignore"):       # an overshooting Newton step: inf loss, halved
        return _recalibration_gain(y_true, forecasts, ("targets", "forecasts"), np.log, np.exp, np.exp,
                                   lambda q: q, max_iter)


def _recalibration_gain(y_true, predicted, names: tuple[str, str], link: Callable, cumulant: Callable,
                        mean: Callable, variance: Callable, max_iter: int) -> float:
    """Mean negative log-likelihood removed by refitting ``z = a + b link(predicted)`` (from ``a = 0,
    b = 1``) in the canonical GLM whose per-row loss is ``cumulant(z) - y z``, mean ``mean(z)`` and
    variance ``variance(mean)``: logistic (binary) or Poisson (counts).

    Outcomes and predictions must have one shape (else :class:`DriftInputError`, naming them ``names``);
    nan when there is nothing to recalibrate on: fewer than :data:`MIN_RECALIBRATION_ROWS` rows or a
    constant outcome."""
    y = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    if y.shape != p.shape:
        raise DriftInputError(f"{y.size} {names[0]} but {p.size} {names[1]}",
                              fix=f"align {names[0]} and {names[1]}")
    if y.size < MIN_RECALIBRATION_ROWS or y.min() == y.max():
        return float("nan")
    design = np.c_[np.ones_like(y), link(p)]

    def loss(beta: np.ndarray) -> float:
        z = design @ beta
        return float(np.mean(cumulant(z) - y * z))

    beta = np.array([0.0, 1.0])
    current = before = loss(beta)
    for _ in range(max_iter):
        q = mean(design @ beta)
        grad = design.T @ (q - y)
        hess = design.T @ (design * variance(q)[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-6 and loss(beta - t * step) > current:
            t /= 2
        if t <= 1e-6:
            break
        beta = beta - t * step
        new = loss(beta)
        if current - new < 1e-12:
            current = new
            break
        current = new
    return max(0.0, before - current)


# --- the stream: weeks, models and cached readings --------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Champion:
    key: object
    version: int
    trained_through: int  # global index of the last week the model was fitted or validated on


def _replayable(scenario: Scenario) -> tuple[str, object]:
    """The task and the fitted model of a scenario the autopilot can replay; a DriftInputError naming the
    scenario and the fix otherwise (no batches or labels, a multiclass model, no fitted model)."""
    for role in ("batch", "target"):
        if getattr(scenario, role) is None:
            raise DriftInputError(f"the scenario has no {role} column", file=scenario.name,
                                  fix=f"the autopilot needs production batches and labels; set {role}")
    task = getattr(scenario, "task", "binary")
    if task not in AUTOPILOT_TASKS:
        raise DriftInputError(f"the scenario's model is a {task} model", file=scenario.name,
                              fix=f"the autopilot replays {' and '.join(AUTOPILOT_TASKS)} models; pick "
                                  "one with Scenario.with_task")
    model = scenario.fitted_model()
    method = "predict_proba" if task == "binary" else "predict"
    if model is None or not hasattr(model, method) or not hasattr(model, "fit"):
        kind = "classifier" if task == "binary" else "regressor"
        raise DriftInputError(f"the scenario carries no fitted scikit-learn {kind}", file=scenario.name,
                              fix="the autopilot clones the scenario's model for every challenger")
    return task, model


class _Stream:
    """A scenario cut into labelled weeks, with the models fitted on them and cached readings.

    Shared by the policies of one :func:`compare_policies` call: the same challenger (same training weeks,
    same seed) is fitted once, the same champion scores a week once, and so on.
    """

    def __init__(self, scenario: Scenario, label_delay: int) -> None:
        task, model = _replayable(scenario)
        self.task = task
        self.loss_metric, self.loss_label = TASK_LOSS[task]
        self.scenario = scenario
        self.label_delay = label_delay
        self.features = list(scenario.feature_names)
        ref = scenario.reference
        self.labels: list[str] = []
        self.frames: list[pd.DataFrame] = []
        if scenario.batch in ref.columns:
            for label in pd.unique(ref[scenario.batch].astype(str)):
                self.labels.append(str(label))
                self.frames.append(ref[ref[scenario.batch].astype(str) == label])
        else:
            self.labels.append("reference")
            self.frames.append(ref)
        self.n_ref = len(self.frames)
        self.production = scenario.batches()
        if not self.production:
            raise DriftInputError("the scenario has no production batches", file=scenario.name,
                                  fix="give the current data a batch column")
        for label in self.production:
            self.labels.append(label)
            self.frames.append(scenario.get_batch(label))
        self.x = [f[self.features] for f in self.frames]
        self.y = [f[scenario.target].to_numpy(dtype=np.float64, na_value=np.nan) for f in self.frames]
        for label, y in zip(self.labels, self.y, strict=True):
            _check_labels(y, task, label, scenario)
        self.times = [f[scenario.time].iloc[0] if scenario.time in f.columns and len(f) else pd.NaT
                      for f in self.frames[self.n_ref:]]
        truth = {}
        if scenario.manifest is not None:
            truth = dict(zip(scenario.manifest["batch"].astype(str), scenario.manifest["kind"], strict=True))
        self.truth = [truth.get(label, "") for label in self.production]
        self.schema = Schema({c: ("numeric" if pd.api.types.is_numeric_dtype(ref[c])
                                  and not pd.api.types.is_bool_dtype(ref[c]) else "categorical")
                              for c in self.features})
        self.models: dict[object, object] = {0: model}
        # The weeks each model was fitted and validated on: what the drift detectors compare against.
        self.windows: dict[object, tuple[int, ...]] = {0: tuple(range(self.n_ref))}
        self._pred: dict[tuple, np.ndarray] = {}
        self._profiles: dict[tuple, tuple] = {}
        self._drift: dict[tuple, tuple] = {}
        self._excess: dict[tuple, float] = {}
        self._metrics: dict[tuple, dict[str, float]] = {}
        # The initial model's scores on its own data (the reference's out-of-sample scores when it has them).
        if scenario.prediction in ref.columns:
            self.reference_scores = ref[scenario.prediction].to_numpy(dtype=np.float64)
        else:
            self.reference_scores = np.concatenate([self.predict(0, g) for g in range(self.n_ref)])

    # models
    def predict(self, key: object, g: int) -> np.ndarray:
        """Model ``key``'s scores (binary: P(class 1); regression: forecasts, checked > 0) of week ``g``."""
        if (key, g) not in self._pred:
            if self.task == "binary":
                self._pred[key, g] = self.models[key].predict_proba(self.x[g])[:, 1]
            else:
                forecasts = np.asarray(self.models[key].predict(self.x[g]), dtype=np.float64)
                _check_forecasts(forecasts, self.labels[g], self.scenario)
                self._pred[key, g] = forecasts
        return self._pred[key, g]

    def loss(self, key: object, weeks: Sequence[int]) -> float:
        """The task's decision loss (log-loss; Poisson deviance) of model ``key`` on ``weeks`` pooled."""
        y = np.concatenate([self.y[g] for g in weeks])
        p = np.concatenate([self.predict(key, g) for g in weeks])
        return log_loss(y, p) if self.task == "binary" else poisson_deviance(y, p)

    def metrics(self, key: object, g: int) -> dict[str, float]:
        """Error metrics of model ``key`` on week ``g``'s labels (computed once): :data:`TASK_METRICS` of
        the task and ``excess_log_loss``."""
        if (key, g) not in self._metrics:
            y, p = self.y[g], self.predict(key, g)
            if self.task == "binary":
                found = {"log_loss": log_loss(y, p), "brier": brier_score(y, p),
                         "error_rate": error_rate(y, p), "roc_auc": roc_auc(y, p)}
            else:
                values = regression_metrics(y, p)
                found = {"poisson_deviance": poisson_deviance(y, p),
                         **{m: float(values[REGRESSION_METRICS.index(m)]) for m in ("mae", "rmse")}}
            self._metrics[key, g] = {**found, "excess_log_loss": self.excess(key, g)}
        return self._metrics[key, g]

    def excess(self, key: object, g: int) -> float:
        """Excess log-loss (binary) or excess Poisson log-loss (regression) of model ``key`` on week ``g``."""
        if (key, g) not in self._excess:
            excess = excess_log_loss if self.task == "binary" else excess_poisson_log_loss
            self._excess[key, g] = excess(self.y[g], self.predict(key, g))
        return self._excess[key, g]

    def fit(self, train: tuple[int, ...], holdout: Sequence[int], seed: int) -> object:
        """Fit (once) a clone of the initial model on ``train``; its data window is train + holdout."""
        key = ("fit", seed, train)
        if key not in self.models:
            model = clone(self.models[0])
            params = {k: seed for k in model.get_params()
                      if k == "random_state" or k.endswith("__random_state")}
            if params:
                model.set_params(**params)
            x = pd.concat([self.x[g] for g in train], ignore_index=True)
            y = np.concatenate([self.y[g] for g in train])
            model.fit(x, y.astype(np.int64) if self.task == "binary" else y)
            self.models[key] = model
            self.windows[key] = (*train, *holdout)
        return key

    # detectors
    def drift(self, key: object, g: int, ignore: tuple[str, ...], alpha: float) -> tuple:
        """(share_drifted, max_feature_psi, top_feature, prediction_psi) of week ``g`` against ``key``."""
        cache = (key, g, ignore, alpha)
        if cache not in self._drift:
            if (key, ignore) not in self._profiles:
                monitored = [c for c in self.features if c not in ignore]
                window = self.windows[key]
                frame = pd.concat([self.x[w][monitored] for w in window], ignore_index=True)
                schema = Schema({c: self.schema.kinds[c] for c in monitored})
                profile = profile_reference(frame, schema=schema, n_jobs=1)
                if key == 0:
                    base = self.reference_scores
                else:
                    base = np.concatenate([self.predict(key, w) for w in window])
                self._profiles[key, ignore] = (profile, base, monitored)
            profile, base, monitored = self._profiles[key, ignore]
            table = feature_drift(profile, self.x[g][monitored], alpha=alpha, n_jobs=1)
            significant = table[table["severity"] != "stable"]
            if len(significant) and significant["psi"].notna().any():
                top = significant.loc[significant["psi"].idxmax()]
                max_psi, top_feature = float(top["psi"]), str(top["feature"])
            else:
                max_psi, top_feature = 0.0, ""
            share = float(table["drifted"].mean()) if len(table) else 0.0
            kind = "auto" if self.task == "binary" else "regression"
            pred_psi = float(prediction_drift(base, self.predict(key, g), kind=kind).statistic)
            self._drift[cache] = (share, max_psi, top_feature, pred_psi)
        return self._drift[cache]


def _check_labels(y: np.ndarray, task: str, label: str, scenario: Scenario) -> None:
    """Every row of a week needs its eventual label: 0/1 (binary), a count-like number >= 0 (regression,
    scored by Poisson deviance)."""
    if task == "binary":
        if np.isnan(y).any() or not np.isin(y, (0.0, 1.0)).all():
            raise DriftInputError(f"batch {label!r} has missing or non-0/1 labels", file=scenario.name,
                                  column=scenario.target,
                                  fix="the autopilot replays history: give every row its eventual label")
    elif not np.isfinite(y).all() or (y < 0).any():
        raise DriftInputError(f"batch {label!r} has missing, infinite or negative targets",
                              file=scenario.name, column=scenario.target,
                              fix="the regression autopilot scores by Poisson deviance: give every row its "
                                  "eventual target, a number >= 0 (a count, units, an amount)")


def _check_forecasts(forecasts: np.ndarray, label: str, scenario: Scenario) -> None:
    if not (np.isfinite(forecasts).all() and (forecasts > 0).all()):
        raise DriftInputError(f"the model forecasts a value <= 0 or not finite on batch {label!r}",
                              file=scenario.name, column=scenario.prediction,
                              fix="the regression autopilot scores by Poisson deviance, which needs "
                                  "forecasts > 0: use a model with a log link, e.g. "
                                  "HistGradientBoostingRegressor(loss='poisson')")


# --- results ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class AutopilotRun:
    """One policy replayed on one stream (``eq=False``: compared by identity, as it holds DataFrames).

    Attributes
    ----------
    policy : Policy
    cost : CostModel
    label_delay : int
    log : pandas.DataFrame
        One row per week, columns :data:`LOG_COLUMNS`: the action, its reason, the champion version
        after it, the challenger's and champion's hold-out log-losses (retrains), the previous champion's
        (rollbacks), every detector reading and the drift onset.
    weekly : pandas.DataFrame
        One row per week, columns :data:`WEEKLY_COLUMNS`: the scoring champion, its error metrics on
        the week's labels, costs and the cumulative count of retrains.
    total_cost, error_cost, action_cost : float
        ``total_cost = error_cost + action_cost`` (= the last ``cumulative_cost``).
    n_retrains, n_promotions, n_rollbacks, n_alerts : int
    mean_error : float
        Mean weekly ``error`` (the cost model's metric).
    weeks_degraded : int
        Weeks whose scoring champion had ``excess_log_loss >= degraded_threshold``.
    task : {"binary", "regression"}
        The task of the replayed model: it names the columns of :attr:`log` (:func:`log_columns`) and
        :attr:`weekly` (:func:`weekly_columns`).
    """

    policy: Policy
    cost: CostModel
    label_delay: int
    log: pd.DataFrame
    weekly: pd.DataFrame
    total_cost: float
    error_cost: float
    action_cost: float
    n_retrains: int
    n_promotions: int
    n_rollbacks: int
    n_alerts: int
    mean_error: float
    weeks_degraded: int
    task: str = "binary"

    def summary(self) -> dict:
        """The headline numbers (one row of :attr:`PolicyComparison.summary`)."""
        return {"policy": self.policy.name, "kind": self.policy.kind, "total_cost": self.total_cost,
                "error_cost": self.error_cost, "action_cost": self.action_cost, "retrains": self.n_retrains,
                "promotions": self.n_promotions, "rollbacks": self.n_rollbacks, "alerts": self.n_alerts,
                "mean_error": self.mean_error, "weeks_degraded": self.weeks_degraded}

    def to_dict(self) -> dict:
        return {**self.summary(), "policy": self.policy.to_dict(), "cost": self.cost.to_dict(),
                "label_delay": self.label_delay, "task": self.task, "log": jsonable(self.log),
                "weekly": jsonable(self.weekly)}


@dataclass(frozen=True, slots=True, eq=False)
class PolicyComparison:
    """Several policies on the same stream.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per policy (input order): ``policy, kind, total_cost, error_cost, action_cost, retrains,
        promotions, rollbacks, alerts, mean_error, weeks_degraded, saving_vs_first,
        break_even_retrain_cost``: ``saving_vs_first`` is the first policy's total cost minus this one's
        (positive = cheaper than the first, by default "never retrain"); ``break_even_retrain_cost`` the
        retrain cost at which this policy would cost exactly as much as the first (it is cheaper below
        it; nan without retrains).
    weekly, log : pandas.DataFrame
        The runs' weekly tables and logs stacked, with a leading ``policy`` column.
    runs : tuple of AutopilotRun
    """

    summary: pd.DataFrame
    weekly: pd.DataFrame
    log: pd.DataFrame
    runs: tuple[AutopilotRun, ...]

    @property
    def task(self) -> str:
        """The task of the replayed model (every run's)."""
        return self.runs[0].task

    def to_frame(self) -> pd.DataFrame:
        return self.summary.copy()

    def to_dict(self) -> dict:
        return {"summary": jsonable(self.summary), "runs": [r.to_dict() for r in self.runs]}


# --- the simulation ---------------------------------------------------------------------------------------
def _seed(rng: int | np.random.Generator) -> int:
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**31 - 1))
    check_parameter(is_int(rng), "rng", "run_autopilot", "an int or a numpy.random.Generator", rng)
    return int(np.random.default_rng(int(rng)).integers(2**31 - 1))


def _task_cost(cost: CostModel | None, task: str, func: str) -> CostModel:
    """``cost``, checked against the model's task; ``None``: :meth:`CostModel.for_task`."""
    if cost is None:
        return CostModel.for_task(task)
    if not isinstance(cost, CostModel):
        raise DriftParameterError.invalid("cost", func, "a CostModel", cost)
    cost.check_task(task, func)
    return cost


def _label_delay(scenario: Scenario, label_delay: int | None) -> int:
    if label_delay is None:
        label_delay = scenario.current.attrs.get("label_delay", DEFAULT_LABEL_DELAY)
    check_int(label_delay, "label_delay", "run_autopilot", 0)
    return int(label_delay)


def _drift_reasons(policy: Policy, share: float, max_psi: float, top: str, pred_psi: float) -> list[str]:
    reasons = []
    if share >= policy.share_drifted:
        reasons.append(f"{share:.0%} of monitored features drifted (>= {policy.share_drifted:.0%})")
    if max_psi >= policy.feature_psi:
        reasons.append(f"{top} PSI {max_psi:.2f} (>= {policy.feature_psi:g})")
    if pred_psi >= policy.prediction_psi:
        reasons.append(f"prediction PSI {pred_psi:.2f} (>= {policy.prediction_psi:g})")
    return reasons


class _Pilot:
    """The decision state of one policy replaying one stream (see the module docstring for the rules)."""

    def __init__(self, stream: _Stream, policy: Policy, seed: int) -> None:
        self.stream, self.policy, self.seed = stream, policy, seed
        self.champion = _Champion(0, 0, stream.n_ref - 1)
        self.previous: list[_Champion] = []
        self.next_version, self.last_retrain = 1, -1
        self.onset: int | None = None     # production index where the current trigger run began
        self.rejections = 0               # challengers rejected since that onset

    def _clear_onset(self) -> None:
        self.onset, self.rejections = None, 0

    def rollback(self, lab: int) -> tuple[str, dict] | None:
        """Restore the previous champion if it wins on the latest labelled weeks after the champion's data."""
        policy, stream, champion = self.policy, self.stream, self.champion
        if not (policy.rollback and self.previous and lab >= 0):
            return None
        after = [w for w in range(stream.n_ref, stream.n_ref + lab + 1) if w > champion.trained_through]
        if len(after) < policy.rollback_weeks:
            return None
        weeks = after[-policy.rollback_weeks:]
        mine, theirs = stream.loss(champion.key, weeks), stream.loss(self.previous[-1].key, weeks)
        if not theirs < mine * (1 - policy.rollback_margin):
            return None
        restored = self.previous.pop()
        span = ", ".join(stream.labels[w] for w in weeks)
        reason = (f"previous champion v{restored.version} beats v{champion.version} on {span}: "
                  f"{stream.loss_label} {theirs:.4f} < {mine:.4f} x (1 - {policy.rollback_margin:g})")
        self.champion = restored
        self._clear_onset()
        return reason, {"champion_score": mine, "previous_score": theirs}

    def trigger(self, t: int, lab: int, readings: dict) -> tuple[str, str, bool]:
        """(action, reason, retrain?) from this week's readings; ``action`` is ``alert`` or ``none``."""
        policy, stream = self.policy, self.stream
        if policy.kind == "never":
            return "none", "policy never retrains", False
        gap = t - self.last_retrain
        if policy.kind == "scheduled":
            if gap >= policy.every_k:
                return "none", f"schedule: {gap} weeks since the last retrain (every {policy.every_k})", True
            return "none", "not due yet", False
        if policy.kind == "drift":
            reasons = _drift_reasons(policy, readings["share_drifted"], readings["max_feature_psi"],
                                     readings["top_feature"], readings["prediction_psi"])
            fired_week = t
        else:
            value = readings["excess_log_loss"]
            fired = lab >= 0 and np.isfinite(value) and value >= policy.performance_threshold
            reasons = [f"{EXCESS_NAME[stream.task]} {value:.4f} on {readings['labelled_through']} "
                       f"(>= {policy.performance_threshold:g})"] if fired else []
            fired_week = lab
        if not reasons:
            self._clear_onset()
            return "none", "no trigger fired", False
        if self.onset is None:
            self.onset = fired_week
        what = "; ".join(reasons) + f" (onset {stream.production[self.onset]})"
        if self.rejections >= policy.max_rejections:
            return "none", (what + f"; {self.rejections} challenger(s) trained since the onset did not beat "
                            "the champion: treated as benign until the trigger clears"), False
        since = lab - self.onset + 1
        if since >= policy.settle_weeks and gap >= policy.min_gap:
            return "none", what, True
        waits = []
        if since < policy.settle_weeks:
            waits.append(f"{max(since, 0)} of {policy.settle_weeks} labelled weeks since onset")
        if gap < policy.min_gap:
            waits.append(f"{gap} of {policy.min_gap} weeks since the last retrain")
        # Alert once, on the onset week; later firing weeks wait silently (and say so in the log).
        action = "alert" if self.onset == fired_week else "none"
        return action, what + "; waiting: " + ", ".join(waits), False

    def retrain(self, t: int, lab: int) -> tuple[str, bool, dict, dict]:
        """Fit a challenger on the recent labelled window; promote it if it wins on the hold-out weeks."""
        policy, stream, champion = self.policy, self.stream, self.champion
        self.last_retrain = t
        window = list(range(stream.n_ref + max(lab, -1) + 1))[-policy.window:]
        if policy.window_from_onset and self.onset is not None and policy.kind in ("drift", "performance"):
            window = [w for w in window if w >= stream.n_ref + self.onset]
        holdout, train = window[-policy.holdout_weeks:], tuple(window[:-policy.holdout_weeks])
        windows = {"train_weeks": ",".join(stream.labels[w] for w in train),
                   "holdout_weeks": ",".join(stream.labels[w] for w in holdout)}
        key = stream.fit(train, holdout, self.seed)
        challenger_score, champion_score = stream.loss(key, holdout), stream.loss(champion.key, holdout)
        promoted = bool(challenger_score < champion_score * (1 - policy.min_improvement))
        verdict = f"challenger v{self.next_version} promoted" if promoted else "challenger rejected"
        reason = (f"{verdict}: hold-out {stream.loss_label} {challenger_score:.4f} vs champion "
                  f"v{champion.version} {champion_score:.4f}")
        if promoted:
            self.previous.append(champion)
            self.champion = _Champion(key, self.next_version, holdout[-1])
            self.next_version += 1
            self._clear_onset()
        else:
            self.rejections += 1
        scores = {"challenger_score": challenger_score, "champion_score": champion_score}
        return reason, promoted, scores, windows


def _run(stream: _Stream, policy: Policy, cost: CostModel, seed: int, degraded_threshold: float,
         progress: Callable[[int], None] | None) -> AutopilotRun:
    """Replay the production weeks under one policy: each week the detectors' readings, the pilot's
    action, and what the week cost."""
    n_ref, delay = stream.n_ref, stream.label_delay
    pilot = _Pilot(stream, policy, seed)
    log_rows, weekly_rows = [], []
    cumulative, n_retrains = 0.0, 0

    for t, label in enumerate(stream.production):
        g, scorer = n_ref + t, pilot.champion
        y = stream.y[g]
        lab = t - delay  # latest labelled production week (index); < 0: none yet
        readings = _readings(stream, policy, scorer.key, g, lab)          # 1. against this week's champion
        action, reason, promoted, scores, windows = _act(pilot, t, lab, readings)    # 2.-4.
        n_retrains += action == "retrain"

        metrics = stream.metrics(scorer.key, g)
        error = metrics[cost.error_metric]
        error_cost = cost.cost_per_error_unit * len(y) * error
        action_cost = cost.action_cost(action)
        cumulative += error_cost + action_cost
        truth, onset = stream.truth[t], pilot.onset
        excess_now = metrics["excess_log_loss"]
        log_rows.append({
            "week": stream.times[t], "batch": label, "truth": truth, "action": action, "reason": reason,
            "promoted": promoted, "scored_by": scorer.version, "champion_version": pilot.champion.version,
            **scores, **windows, **readings,
            "onset": stream.production[onset] if onset is not None and onset >= 0 else ""})
        weekly_rows.append({
            "week": stream.times[t], "batch": label, "truth": truth, "scored_by": scorer.version,
            "rows": len(y),
            "error": error, **metrics,
            "degraded": bool(np.isfinite(excess_now) and excess_now >= degraded_threshold),
            "action": action, "error_cost": error_cost, "action_cost": action_cost,
            "cost": error_cost + action_cost, "cumulative_cost": cumulative, "n_retrains": n_retrains})
        if progress is not None:
            progress(1)
    return _summary(policy, cost, delay, log_rows, weekly_rows, cumulative, stream.task)


def _readings(stream: _Stream, policy: Policy, key, g: int, lab: int) -> dict:
    """Step 1: the detectors' readings of week ``g`` against the model ``key``, and of the latest
    labelled production week ``lab`` (``< 0``: none yet)."""
    share, max_psi, top, pred_psi = stream.drift(key, g, policy.ignore_features, policy.alpha)
    labelled = "labelled_log_loss" if stream.task == "binary" else "labelled_deviance"
    readings = {"share_drifted": share, "max_feature_psi": max_psi, "top_feature": top,
                "prediction_psi": pred_psi, "labelled_through": "", labelled: np.nan,
                "excess_log_loss": np.nan, "calibration_gap": np.nan}
    if lab >= 0:
        gl = stream.n_ref + lab
        pl, yl = stream.predict(key, gl), stream.y[gl]
        readings.update({"labelled_through": stream.labels[gl], labelled: stream.loss(key, [gl]),
                         "excess_log_loss": stream.excess(key, gl),
                         "calibration_gap": float(np.mean(pl) - np.mean(yl))})
    return readings


def _act(pilot: _Pilot, t: int, lab: int, readings: dict) -> tuple[str, str, bool | None, dict, dict]:
    """Steps 2-4: roll back, else trigger and maybe retrain.  Returns the action, its reason, whether a
    challenger was promoted (``None`` without a retrain), the scores and the retrain's windows."""
    scores = {"challenger_score": np.nan, "champion_score": np.nan, "previous_score": np.nan}
    windows = {"train_weeks": "", "holdout_weeks": ""}
    promoted = None
    rolled = pilot.rollback(lab)
    if rolled is not None:
        action, (reason, found) = "rollback", rolled
        scores.update(found)
    else:
        action, reason, retrain = pilot.trigger(t, lab, readings)
        if retrain:
            verdict, promoted, found, windows = pilot.retrain(t, lab)
            action, reason = "retrain", f"{reason}; {verdict}"
            scores.update(found)
    return action, reason, promoted, scores, windows


def _summary(policy: Policy, cost: CostModel, delay: int, log_rows: list[dict], weekly_rows: list[dict],
             cumulative: float, task: str) -> AutopilotRun:
    """The run's tables and totals."""
    log = pd.DataFrame(log_rows, columns=list(log_columns(task)))
    log["promoted"] = log["promoted"].astype("boolean")
    weekly = pd.DataFrame(weekly_rows, columns=list(weekly_columns(task)))
    actions = weekly["action"]
    return AutopilotRun(
        policy=policy, cost=cost, label_delay=delay, log=log, weekly=weekly,
        total_cost=float(cumulative), error_cost=float(weekly["error_cost"].sum()),
        action_cost=float(weekly["action_cost"].sum()), n_retrains=int((actions == "retrain").sum()),
        n_promotions=int(log["promoted"].fillna(False).sum()), n_rollbacks=int((actions == "rollback").sum()),
        n_alerts=int((actions == "alert").sum()), mean_error=float(weekly["error"].mean()),
        weeks_degraded=int(weekly["degraded"].sum()), task=task)


def run_autopilot(scenario: Scenario, policy: Policy, *, cost: CostModel | None = None,
                  label_delay: int | None = None, degraded_threshold: float = DEGRADED_THRESHOLD,
                  rng: int | np.random.Generator = 0,
                  progress: Callable[[float], None] | None = None) -> AutopilotRun:
    """Replay a scenario's production batches under one policy (rules in the module docstring).

    Parameters
    ----------
    scenario : Scenario
        Needs a batch column, a target, and ``model`` (a fitted scikit-learn classifier on
        ``scenario.feature_names`` -- or a regressor when ``scenario.task`` is ``"regression"``, see the
        module docstring; challengers are its clones).  Reference rows with a batch column form
        labelled weeks of history; without one, the reference is a single labelled block.
    policy : Policy
    cost : CostModel, optional
        Default ``CostModel.for_task(scenario.task)`` (log-loss for a binary model, MAE for a regression
        one); its ``error_metric`` must measure the scenario's task.
    label_delay : int, optional
        Weeks until a week's labels arrive; default ``scenario.current.attrs["label_delay"]`` or
        :data:`DEFAULT_LABEL_DELAY`.
    degraded_threshold : float, default 0.01
        Excess log-loss (nats per row) from which a week counts as degraded.
    rng : int or numpy.random.Generator, default 0
        Seeds the challengers' ``random_state``; the same int gives an identical run.
    progress : callable, optional
        Called with the fraction of weeks done (0-1) after each week.

    Returns
    -------
    AutopilotRun

    Raises
    ------
    DriftInputError
        If the scenario lacks batches, labels or a model, or its model is neither binary nor regression.
    DriftParameterError
        For a bad ``label_delay``, ``degraded_threshold``, ``rng``, or a ``cost`` whose error metric does
        not fit the task.

    Examples
    --------
    >>> from drift.data.scenarios.pricing import generate
    >>> sc = generate(n_weeks=10, rows_per_week=500)
    >>> run = run_autopilot(sc, Policy("every 4 weeks", "scheduled", every_k=4))
    >>> list(run.log["action"]).count("retrain")
    2
    """
    if not isinstance(policy, Policy):
        raise DriftParameterError.invalid("policy", "run_autopilot", "a Policy", policy)
    check_parameter(degraded_threshold > 0, "degraded_threshold", "run_autopilot", "> 0", degraded_threshold)
    seed = _seed(rng)
    stream = _Stream(scenario, _label_delay(scenario, label_delay))
    cost = _task_cost(cost, stream.task, "run_autopilot")
    n = len(stream.production)
    done = [0]

    def tick(k: int) -> None:
        done[0] += k
        progress(done[0] / n)

    with threadpool_limits(limits=1):
        return _run(stream, policy, cost, seed, degraded_threshold, tick if progress else None)


def compare_policies(scenario: Scenario, policies: Sequence[Policy] | None = None, *,
                     cost: CostModel | None = None, label_delay: int | None = None,
                     degraded_threshold: float = DEGRADED_THRESHOLD, rng: int | np.random.Generator = 0,
                     progress: Callable[[float], None] | None = None) -> PolicyComparison:
    """Replay several policies on the same stream and rank them by cost.

    All policies share one seed (so two policies that fit a challenger on the same weeks fit the same
    model -- computed once) and the same cost model.

    Parameters
    ----------
    scenario : Scenario
    policies : sequence of Policy, optional
        Default :func:`default_policies` of the scenario.  Names must be unique.
    cost, label_delay, degraded_threshold, rng
        As :func:`run_autopilot`.
    progress : callable, optional
        Called with the fraction done (0-1) across all policies.

    Returns
    -------
    PolicyComparison
        ``summary`` (one row per policy; ``saving_vs_first`` against the first policy), stacked ``weekly``
        and ``log`` tables, and the runs.
    """
    policies = default_policies(scenario) if policies is None else tuple(policies)
    check_parameter(len(policies) > 0 and all(isinstance(p, Policy) for p in policies), "policies",
                    "compare_policies", "a non-empty sequence of Policy", policies)
    names = [p.name for p in policies]
    check_parameter(len(set(names)) == len(names), "policies", "compare_policies",
                    "policies with unique names", names)
    check_parameter(degraded_threshold > 0, "degraded_threshold", "compare_policies", "> 0",
                    degraded_threshold)
    seed = _seed(rng)
    stream = _Stream(scenario, _label_delay(scenario, label_delay))
    cost = _task_cost(cost, stream.task, "compare_policies")
    total = len(stream.production) * len(policies)
    done = [0]

    def tick(k: int) -> None:
        done[0] += k
        progress(done[0] / total)

    with threadpool_limits(limits=1):
        runs = tuple(_run(stream, p, cost, seed, degraded_threshold, tick if progress else None)
                     for p in policies)
    summary = pd.DataFrame([r.summary() for r in runs])
    summary["saving_vs_first"] = summary["total_cost"].iloc[0] - summary["total_cost"]
    # The retrain cost at which a policy would cost exactly as much as the first one.
    other_actions = summary["action_cost"] - summary["retrains"] * cost.retrain_cost
    slack = summary["total_cost"].iloc[0] - summary["error_cost"] - other_actions
    summary["break_even_retrain_cost"] = slack / summary["retrains"].where(summary["retrains"] > 0)
    weekly = pd.concat([r.weekly.assign(policy=r.policy.name) for r in runs], ignore_index=True)
    log = pd.concat([r.log.assign(policy=r.policy.name) for r in runs], ignore_index=True)
    weekly = weekly[["policy", *weekly_columns(stream.task)]]
    log = log[["policy", *log_columns(stream.task)]]
    return PolicyComparison(summary, weekly, log, runs)
