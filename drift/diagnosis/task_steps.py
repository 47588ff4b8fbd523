"""The prediction and concept steps of the guided diagnosis for regression and multiclass models.

:func:`drift.diagnose` reads the model's task with :func:`resolve_task` and, for a ``regression`` or
``multiclass`` model, runs these steps in place of the binary ones; every number is in the task's metric.

Prediction drift
    Regression: :func:`drift.model.prediction_tasks.forecast_drift` (KS, PSI on reference-quantile bins,
    Wasserstein, the mean shift in the target's units), level :func:`drift.core.decisions.prediction_level`.
    Multiclass: :func:`drift.model.prediction_tasks.class_prediction_drift` (predicted-class shares by χ²
    and PSI, each class's probability by KS and PSI when ``proba_<class>`` columns exist), level
    :func:`drift.core.decisions.class_prediction_level`.
Concept drift, with labels
    Regression: :func:`drift.model.regression_performance.regression_performance_change` (MAE, RMSE, R²,
    mean error, MAPE where the target is positive; bootstrap intervals at ``1 - alpha / 2``),
    :func:`drift.model.concept_tasks.regression_concept_drift_test`, and the change of the target's mean
    (:func:`mean_change`).  Multiclass:
    :func:`~drift.model.multiclass_performance.multiclass_performance_change`,
    :func:`~drift.model.concept_tasks.multiclass_concept_drift_test` (needs the per-class probabilities)
    and the change of the true class shares (χ² and PSI).  Status
    :func:`drift.core.decisions.task_concept_level`.
Without labels
    :func:`~drift.model.loss_estimation.estimated_regression_performance` (direct loss estimation) or
    :func:`~drift.model.class_estimation.estimated_multiclass_performance` (CBPE; needs the per-class
    probabilities), status :func:`drift.core.decisions.estimated_level`, and "concept drift cannot be ruled
    out", as for a binary model.

Degenerate input (a class absent from a batch, a constant forecast, zeros in the target) is noted by the
computations themselves; an input they refuse skips the step with the reason (:func:`drift.diagnose`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from drift.core import decisions
from drift.core.errors import DriftInputError, DriftParameterError, TaskContradictionError, TaskMismatchError
from drift.core.formatting import format_pvalue
from drift.core.inputs import numeric_values
from drift.core.jsonsafe import python_scalar
from drift.data.task import TASKS, TaskInfo, infer_task, sorted_labels
from drift.diagnosis.steps import (
    CONCEPT_WHY,
    MIN_LABELS,
    PREDICTION_WHY,
    STEP_TITLES,
    TASK_PREDICTION_WHY,
    Step,
    labelled_rows,
    role_problem,
    sentence,
    skipped,
)
from drift.model.class_estimation import estimated_multiclass_performance
from drift.model.concept_tasks import multiclass_concept_drift_test, regression_concept_drift_test
from drift.model.loss_estimation import estimated_regression_performance
from drift.model.multiclass_performance import multiclass_performance_change
from drift.model.prediction_tasks import class_prediction_drift, task_prediction_drift
from drift.model.regression_performance import regression_performance_change
from drift.stats.psi import psi_band

#: Classes quoted by name in a step's explanation.
CLASSES_SHOWN = 6
_NEXT_CONCEPT = "Whatever the outcome, train a domain classifier to see whether and where the inputs moved."


# --------------------------------------------------------------------------------------------- task
def resolve_task(reference: pd.DataFrame, current: pd.DataFrame, target: str | None, prediction: str | None,
                 task: str | None = None) -> tuple[TaskInfo | None, str]:
    """The model's task for :func:`drift.diagnose`, and why it could not be read in full ("" when it could).

    With a target: :func:`drift.infer_task` (``task`` overrides; a contradiction raises its
    DriftParameterError).  A prediction column that does not fit the target (say, a binary score outside
    [0, 1]) is not an error here: the task is read from the target alone and the reason returned, so that
    the steps say why they skip.  A target that cannot be read (empty, a single value) gives None and the
    reason.  An integer target with 3 to :data:`drift.data.task.MAX_INTEGER_CLASSES` values (read as class
    codes) whose prediction holds fractional numbers is a regression: counts with their forecast.  Without
    a target, the prediction alone: numbers in [0, 1] are a binary probability, other
    numbers a regression forecast, text a multiclass label (``task`` overrides).  Neither: None.
    """
    if task is not None and task not in TASKS:
        raise DriftParameterError.invalid("task", "diagnose", f"one of {TASKS} or None", task)
    if target is None:
        return (None, "") if prediction is None else (_task_from_prediction(reference, current, prediction,
                                                                            task), "")
    try:
        return infer_task(reference, current, target, prediction, task=task), ""
    except DriftParameterError:
        raise
    except TaskMismatchError as err:
        info, why = _from_target(reference, current, target, task, err)
        codes = info is not None and info.task == "multiclass" and all(
            isinstance(c, int) for c in info.classes)
        if task is None and codes and _numbers(reference, current, prediction):
            info = infer_task(reference, current, target, prediction, task="regression")
            note = (f"task regression: the prediction {prediction!r} holds fractional numbers, a forecast of "
                    f"the integer target {target!r} (counts, not class codes); pass task= to override")
            return replace(info, notes=(*info.notes, note)), ""
        return info, why
    except DriftInputError as err:
        return _from_target(reference, current, target, task, err) if prediction is not None \
            else (None, str(err))


def _numbers(reference: pd.DataFrame, current: pd.DataFrame, column: str) -> bool:
    values = pd.concat([f[column] for f in (reference, current) if column in f.columns]).dropna()
    return bool(len(values)) and bool(pd.to_numeric(values, errors="coerce").notna().all())


def _from_target(reference, current, target, task, err) -> tuple[TaskInfo | None, str]:
    """The task from the target alone, with the reason the prediction was set aside."""
    try:
        return infer_task(reference, current, target, None, task=task), str(err)
    except DriftInputError:
        return None, str(err)


def _task_from_prediction(reference: pd.DataFrame, current: pd.DataFrame, prediction: str,
                          task: str | None) -> TaskInfo:
    values = pd.concat([f[prediction] for f in (reference, current) if prediction in f.columns]).dropna()
    numbers = pd.to_numeric(values, errors="coerce")
    numeric = bool(len(values)) and bool(numbers.notna().all())
    if task is None:
        task = ("binary" if numbers.between(0, 1).all() else "regression") if numeric else "multiclass"
    if task == "regression" and not numeric:
        raise TaskContradictionError(f"The 'task' parameter of diagnose is 'regression', but prediction "
                                     f"column {prediction!r} holds text. Fix: pass task='multiclass', or "
                                     "choose the forecast column.", task=task, column=prediction,
                                     found="holds text", tasks=("multiclass",))
    kind = {"binary": "probability" if numeric else "label", "regression": "forecast",
            "multiclass": "label"}[task]
    classes = () if task != "multiclass" else sorted_labels(python_scalar(v) for v in values.unique())
    note = f"task {task} read from the prediction {prediction!r} alone (no target column)"
    return TaskInfo(task, kind, None, prediction, classes, {}, (note,))


def output_columns(info: TaskInfo) -> list[str]:
    """The columns that hold the model's output: the prediction, then any per-class probability columns."""
    cols = [info.prediction] if info.prediction is not None else []
    if info.task == "multiclass":
        cols += [info.probability_columns[c] for c in info.classes if c in info.probability_columns]
    return cols


def _probability_frame(frame: pd.DataFrame, info: TaskInfo) -> pd.DataFrame | None:
    """The ``proba_<class>`` columns in class order, named by class (None without them)."""
    if not info.probability_columns or info.task != "multiclass":
        return None
    cols = [info.probability_columns[c] for c in info.classes]
    return frame[cols].set_axis(list(info.classes), axis=1)


def outputs_problem(reference: pd.DataFrame, current: pd.DataFrame, info: TaskInfo, given: str = "") -> str:
    """Why the model's output columns cannot be used ("" when they can); ``given``: why the prediction
    column was set aside when the task was read (:func:`resolve_task`)."""
    if info.prediction_kind is None:
        return given or "no prediction column and no per-class probability columns (proba_<class>)"
    for frame, side in ((reference, "reference"), (current, "current")):
        for col in output_columns(info):
            problem = role_problem(frame, col, "prediction", side, binary=False)
            if problem:
                return problem
    return ""


# --------------------------------------------------------------------------------------- prediction
def task_prediction_step(reference: pd.DataFrame, current: pd.DataFrame, info: TaskInfo, alpha: float,
                         task_problem: str = "") -> Step:
    """Step 1 for a regression or multiclass model (module docstring); ``task_problem`` as
    :func:`resolve_task` returned it."""
    problem = outputs_problem(reference, current, info, task_problem)
    if problem:
        return skipped("prediction", "No usable prediction column", TASK_PREDICTION_WHY.get(info.task,
                                                                                           PREDICTION_WHY),
                       f"{sentence(problem)}. Without the model's predictions nothing can be said about its "
                       "outputs: name the prediction column on the Data page.",
                       "Continue with concept drift.")
    res = task_prediction_drift(reference, current, info, alpha=alpha)
    if info.task == "regression":
        return _forecast_step(res, info, alpha)
    return _class_step(res, alpha)


def _forecast_step(res, info: TaskInfo, alpha: float) -> Step:
    status = decisions.prediction_level(res.statistic, res.pvalue, alpha)
    unit = f" {info.target}" if info.target else " (in the target's units)"
    headline = f"mean forecast {res.mean_reference:.3g} → {res.mean_current:.3g}{unit}"
    band = psi_band(res.statistic)
    summary = (f"Forecast PSI {res.statistic:.3f} ({band}); KS {format_pvalue(res.pvalue, prefix=True)}; "
               f"{headline}")
    expl = (f"PSI on reference-decile bins of the forecast is {res.statistic:.3f}; KS D = "
            f"{res.ks.statistic:.3f}. "
            f"Wasserstein distance {res.wasserstein:.3g} in the target's units "
            f"({res.wasserstein_norm.statistic:.3f} reference standard deviations). Mean forecast "
            f"{res.mean_reference:.3g} → {res.mean_current:.3g} (shift {res.mean_shift:+.3g}).")
    if res.note:
        expl += f" Note: {res.note}."
    evidence = {"task": "regression", "psi": res.statistic, "pvalue": res.pvalue, "test": "KS",
                "ks_pvalue": res.pvalue, "band": band, "level": status, "headline": headline,
                "mean_reference": res.mean_reference, "mean_current": res.mean_current,
                "mean_shift": res.mean_shift, "wasserstein": res.wasserstein,
                "wasserstein_norm": res.wasserstein_norm.statistic}
    return Step("prediction", STEP_TITLES["prediction"], status, summary, TASK_PREDICTION_WHY["regression"],
                expl, "Stable forecasts do not prove a stable model: check whether the target still follows "
                "the forecast (concept drift).", evidence, res)


def _largest_change(shares: pd.DataFrame) -> pd.Series | None:
    moved = shares.dropna(subset=["change"])
    return None if moved.empty else moved.loc[moved["change"].abs().idxmax()]


def _shares_text(shares: pd.DataFrame) -> str:
    return ", ".join(f"{r['class']} {r['reference_share']:.0%} → {r['current_share']:.0%}"
                     for r in shares.head(CLASSES_SHOWN).to_dict("records"))


def _class_step(res, alpha: float) -> Step:
    status = decisions.class_prediction_level(res, alpha)
    top = _largest_change(res.shares)
    headline = "share predicted " + (f"{top['class']} {top['reference_share']:.0%} → "
                                     f"{top['current_share']:.0%}" if top is not None else "unknown")
    band = psi_band(res.statistic)
    summary = (f"Predicted-class PSI {res.statistic:.3f} ({band}); "
               f"χ² {format_pvalue(res.pvalue, prefix=True)}; {headline}")
    expl = f"Shares of the predicted classes: {_shares_text(res.shares)}."
    probs = res.probability_frame()
    if len(probs):
        expl += (" Each class's probability (PSI; KS p-value corrected across classes): "
                 + "; ".join(f"{r['output']} {r['psi']:.3f} "
                             f"({format_pvalue(r['pvalue_adjusted'], prefix=True)})"
                             for r in probs.to_dict("records")) + ".")
    if res.note:
        expl += f" Note: {res.note}."
    evidence = {"task": "multiclass", "psi": res.statistic, "pvalue": res.pvalue, "test": "χ²",
                "chi2_pvalue": res.pvalue, "band": band, "level": status, "headline": headline,
                "shares": res.shares.to_dict("records"), "probabilities": probs.to_dict("records")}
    return Step("prediction", STEP_TITLES["prediction"], status, summary, TASK_PREDICTION_WHY["multiclass"],
                expl, "Stable predictions do not prove a stable model: check whether the classes still "
                "follow the model's probabilities (concept drift).", evidence, res)


# ------------------------------------------------------------------------------------------ concept
def mean_change(reference, current, confidence: float) -> dict:
    """The change of a numeric target's mean, current minus reference, with Welch's interval.

    Returns ``{"reference", "current", "change", "lo", "hi", "pvalue"}``: the two means, their difference,
    its ``confidence`` interval and the two-sided p-value of Welch's t-test
    (``scipy.stats.ttest_ind(current, reference, equal_var=False)``); missing values left out.
    """
    fix = "give the observed target as numbers"
    ref, cur = (numeric_values(values, side=side, column=str(getattr(values, "name", "target")), fix=fix)
                for values, side in ((reference, "reference"), (current, "current")))
    ref, cur = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    res = stats.ttest_ind(cur, ref, equal_var=False)
    lo, hi = res.confidence_interval(confidence)
    return {"reference": float(ref.mean()), "current": float(cur.mean()),
            "change": float(cur.mean() - ref.mean()), "lo": float(lo), "hi": float(hi),
            "pvalue": float(res.pvalue)}


def task_concept_step(reference: pd.DataFrame, current: pd.DataFrame, info: TaskInfo, features: list[str],
                      use_labels: bool, rng, alpha: float, task_problem: str = "") -> Step:
    """Step 2 for a regression or multiclass model (module docstring); ``features`` are the inputs of the
    label-free estimate of a regression model's error, ``task_problem`` as :func:`resolve_task` returned
    it."""
    target = info.target
    outputs = output_columns(info)
    reason = (role_problem(reference, target, "target", "reference", binary=False)
              or outputs_problem(reference, current, info, task_problem))
    if not reason and labelled_rows(reference, [target, *outputs]) < MIN_LABELS:
        reason = f"fewer than {MIN_LABELS} reference rows have both a label and the model's output"
    if reason:
        return skipped("concept", "Concept drift cannot be ruled out: not enough to test it", CONCEPT_WHY,
                       f"{sentence(reason)}. Testing concept drift needs the model's predictions and the "
                       "outcomes (labels) of the reference; measuring it needs the current outcomes too.",
                       "Continue with the domain classifier.")
    cur_target = role_problem(current, target, "target", "current", binary=False)
    if not cur_target and labelled_rows(current, [target, *outputs]) < MIN_LABELS:
        cur_target = f"fewer than {MIN_LABELS} current rows have both a label and the model's output"
    if not use_labels or cur_target:
        return _estimated_step(reference, current, info, features, cur_target or "labels are not used in "
                               "this run", rng)
    ref = reference[[target, *outputs]].dropna().reset_index(drop=True)
    cur = current[[target, *outputs]].dropna().reset_index(drop=True)
    if info.task == "regression":
        return _regression_concept(ref, cur, info, rng, alpha)
    return _multiclass_concept(ref, cur, info, rng, alpha)


def _estimated_step(reference, current, info: TaskInfo, features: list[str], why_none: str, rng) -> Step:
    if info.task == "regression":
        feats = [f for f in features if f in current.columns]
        est = estimated_regression_performance(reference, current, target=info.target,
                                               prediction=info.prediction, features=feats, rng=rng)
        ref_mae, cur_mae = est.table.loc["mae", "reference_estimated"], est.estimate("mae")
        headline = f"estimated MAE {ref_mae:.3g} → {cur_mae:.3g} ({est.change('mae'):+.3g})"
        how = ("Performance estimated by direct loss estimation (a model of the forecast's absolute and "
               "squared error given the inputs, learnt on the reference)")
    else:
        probs = _probability_frame(reference, info)
        if probs is None:
            raise DriftInputError("estimating a multiclass model's performance without labels needs its "
                                  "per-class probabilities", file="reference",
                                  fix="add one proba_<class> column per class, or supply current labels")
        lab = reference[info.target].notna().to_numpy()
        est = estimated_multiclass_performance(reference.loc[lab, info.target], probs[lab],
                                               _probability_frame(current, info), classes=info.classes,
                                               rng=rng)
        headline = (f"estimated accuracy change {est.change('accuracy'):+.3f}, macro-F1 "
                    f"{est.change('macro_f1'):+.3f}")
        how = "Performance estimated from the model's calibrated one-vs-rest probabilities (CBPE)"
    notes = f" Notes: {'; '.join(est.notes)}." if est.notes else ""
    return Step("concept", STEP_TITLES["concept"], decisions.estimated_level(est),
                f"No labels: concept drift cannot be ruled out; {headline}", CONCEPT_WHY,
                f"{sentence(why_none)}. {how} assumes the outcome still follows the inputs as in the "
                f"reference, so it cannot see concept drift. {est.caveat}{notes}",
                "Labels will settle it; meanwhile the domain classifier shows where the inputs moved.",
                {"labels": False, "task": info.task, "estimated": est.to_dict()["table"]}, est)


def _metric_text(row: pd.Series, name: str, digits: str = ".3g") -> str:
    if np.isnan(row["reference"]) or np.isnan(row["current"]):
        return f"{name} undefined"
    text = f"{name} {row['reference']:{digits}} → {row['current']:{digits}}"
    if np.isnan(row["lo"]):
        return text
    return text + f" ({row['change']:+{digits}} [{row['lo']:+{digits}}, {row['hi']:+{digits}}])"


def _regression_concept(ref: pd.DataFrame, cur: pd.DataFrame, info: TaskInfo, rng, alpha: float) -> Step:
    t, p = info.target, info.prediction
    confidence = 1 - alpha / decisions.CONCEPT_TESTS
    change = regression_performance_change(ref[t], ref[p], cur[t], cur[p], confidence=confidence, rng=rng)
    test = regression_concept_drift_test(ref[t], ref[p], cur[t], cur[p], rng=rng)
    target = mean_change(ref[t], cur[t], confidence)
    status = decisions.task_concept_level("regression", change, test, alpha)
    table = change.table
    summary = (f"{_metric_text(table.loc['mae'], 'MAE')}; mean {t} {target['reference']:.3g} → "
               f"{target['current']:.3g}; calibration {format_pvalue(test.pvalue, prefix=True)}, "
               f"residuals at equal forecast {format_pvalue(test.residual_pvalue, prefix=True)}")
    metrics = "; ".join(_metric_text(table.loc[m], name) for m, name in
                        (("mae", "MAE"), ("rmse", "RMSE"), ("r2", "R²"), ("mean_error", "bias (forecast − "
                                                                          "target)"), ("mape", "MAPE")))
    notes = change.notes + test.notes
    expl = (f"Realised performance on {change.current.n:,} labelled rows vs the reference (change and its "
            f"{confidence:.1%} bootstrap interval): {metrics}. The calibration test (least squares of the "
            f"target on the forecast, per period, robust errors) gives a slope ratio of "
            f"{test.slope_ratio:.2f} ({format_pvalue(test.pvalue_slope, prefix=True)}) and a shift of "
            f"{test.shift_at_mean:+.3g} in the target's units at the reference's mean forecast "
            f"({format_pvalue(test.pvalue, prefix=True)}); the residuals at equal forecast (each current "
            f"target ranked among the targets of the {test.neighbours} reference rows with the nearest "
            f"forecasts) give KS D = {test.residual_statistic:.3f} "
            f"({format_pvalue(test.residual_pvalue, prefix=True)}). "
            "A shift of the target at equal forecast with the slope unchanged is what a change in the "
            "target's level produces; a changed slope, or residuals that moved otherwise, mean the forecasts "
            "no longer fit (concept drift).")
    if notes:
        expl += f" Notes: {'; '.join(notes)}."
    evidence = {"labels": True, "task": "regression", "target": t,
                "performance": change.to_dict()["table"], "target_mean": target, "test": test.to_dict(),
                "notes": list(notes)}
    return Step("concept", STEP_TITLES["concept"], status, summary, CONCEPT_WHY, expl, _NEXT_CONCEPT,
                evidence, (change, test, target))


def _multiclass_concept(ref: pd.DataFrame, cur: pd.DataFrame, info: TaskInfo, rng, alpha: float) -> Step:
    t = info.target
    label = info.prediction if info.prediction_kind == "label" else None
    ref_p, cur_p = _probability_frame(ref, info), _probability_frame(cur, info)
    change = multiclass_performance_change(ref[t], ref[label] if label else None, cur[t],
                                           cur[label] if label else None, reference_probabilities=ref_p,
                                           current_probabilities=cur_p, classes=info.classes,
                                           confidence=1 - alpha / decisions.CONCEPT_TESTS, rng=rng)
    test = (multiclass_concept_drift_test(ref[t], ref_p, cur[t], cur_p, classes=info.classes)
            if ref_p is not None else None)
    shares = class_prediction_drift(ref[t], cur[t], classes=info.classes, alpha=alpha)
    status = decisions.task_concept_level("multiclass", change, test, alpha)
    table = change.table
    top = _largest_change(shares.shares)
    summary = (f"{_metric_text(table.loc['accuracy'], 'accuracy', '.3f')}; "
               + (f"share of {top['class']} {top['reference_share']:.0%} → {top['current_share']:.0%}; "
                  if top is not None else "")
               + ("one-vs-rest test " + format_pvalue(test.pvalue, prefix=True) if test is not None
                  else "no per-class probabilities to test calibration"))
    notes = change.reference.notes + change.current.notes + (test.notes if test is not None else ())
    expl = (f"Realised performance on {change.current.n:,} labelled rows vs the reference: "
            f"{_metric_text(table.loc['accuracy'], 'accuracy', '.3f')}; "
            f"{_metric_text(table.loc['macro_f1'], 'macro-F1', '.3f')}; "
            f"{_metric_text(table.loc['log_loss'], 'log-loss', '.3f')}. True class shares: "
            f"{_shares_text(shares.shares)} (χ² {format_pvalue(shares.pvalue, prefix=True)}).")
    if test is not None:
        expl += (" The one-vs-rest recalibration test (logit P(class) on logit(probability), per period, "
                 "corrected across classes) per class: "
                 + "; ".join(_class_test_text(r) for r in test.per_class.to_dict("records"))
                 + ". A shifted intercept alone is what a change in that class's share (prior shift) "
                 "produces; a changed slope means the probabilities no longer rank that class (concept "
                 "drift).")
    if notes:
        expl += f" Notes: {'; '.join(notes)}."
    evidence = {"labels": True, "task": "multiclass", "performance": change.to_dict()["table"],
                "per_class": change.per_class.to_dict("records"),
                "label_shares": shares.shares.to_dict("records"), "label_shares_pvalue": shares.pvalue,
                "test": None if test is None else test.to_dict(), "notes": list(notes)}
    return Step("concept", STEP_TITLES["concept"], status, summary, CONCEPT_WHY, expl, _NEXT_CONCEPT,
                evidence, (change, test, shares))


def _class_test_text(row: dict) -> str:
    if np.isnan(row["pvalue_adjusted"]):
        return f"{row['class']} not tested"
    return (f"{row['class']} slope ratio {row['slope_ratio']:.2f} "
            f"({format_pvalue(row['pvalue_slope_adjusted'], prefix=True)}), intercept shift "
            f"{row['intercept_shift']:+.2f} ({format_pvalue(row['pvalue_intercept_adjusted'], prefix=True)})")
