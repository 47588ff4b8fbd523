"""The guided diagnosis: inputs → prediction drift → concept drift → domain classifier → MMD → verdict.

Each step returns a :class:`Step` with a status (``ok`` / ``warning`` / ``alert`` / ``skipped``), its
evidence (JSON-safe numbers), the underlying result object (for charts), why the step exists, what the
numbers mean and what to check next.  The statuses and the verdict come from :mod:`drift.core.decisions`, the
one home of every decision rule; this module only computes.

No claim without evidence: without a prediction column nothing is said about the model's outputs (the
verdict is ``input_drift`` at most); without labels nothing is said about concept drift beyond "cannot be
ruled out".  Pipeline breaks (:mod:`drift.data.quality`) are checked first; split proxies
(:mod:`drift.data.proxies`) and broken columns are left out of the domain classifier and MMD by default, and
the domain classifier's AUC with the proxies is reported beside it.

The model's task (binary, multiclass or regression) is read by :func:`drift.infer_task` (or given as
``task=``) and carried in :attr:`Diagnosis.task`; a binary model's steps are defined here, a regression or
multiclass model's prediction and concept steps in :mod:`drift.diagnosis.task_steps`, in the task's own
metrics, and the verdict applies the task's rules (:func:`drift.core.decisions.verdict`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.core import decisions
from drift.core.decisions import ESTIMATED_DROP, STRENGTHS, VERDICT_LABELS, VERDICTS, Finding, Verdict  # noqa: F401
from drift.core.errors import DriftError, DriftInputError, DriftParameterError
from drift.core.formatting import format_pvalue
from drift.core.jsonsafe import jsonable
from drift.data.proxies import TIME_LIKE
from drift.data.quality import quality_issues
from drift.data.schema import Schema, infer_schema
from drift.data.task import TaskInfo
from drift.data.validation import validate_pair
from drift.diagnosis.features import feature_drift, set_apart, summarize
from drift.diagnosis.steps import (  # noqa: F401  (Step and the keys are re-exported)
    CONCEPT_WHY,
    MIN_LABELS,
    PREDICTION_WHY,
    STATUSES,
    STEP_KEYS,
    STEP_TITLES,
    Step,
    labelled_rows,
    role_problem,
    skipped,
)
from drift.diagnosis.task_steps import outputs_problem, resolve_task, task_concept_step, task_prediction_step
from drift.model.performance import concept_drift_test, estimated_performance, performance_change
from drift.model.prediction import prediction_drift
from drift.multivariate.domain import domain_classifier_test
from drift.multivariate.embeddings import feature_embeddings, held_out_model_embeddings
from drift.multivariate.mmd import mmd_test

#: Features quoted by name in the inputs step's "largest moves".
MOVES_SHOWN = 5
#: Reference rows needed on each side of the split before MLP embeddings are fitted on one half of the
#: reference and compared on the other (fewer: the features themselves are compared).
MIN_HELD_OUT = 100


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Result of :func:`diagnose`.

    ``split_proxies`` names the features that on their own separate the sides (:mod:`drift.data.proxies`);
    ``has_predictions`` / ``has_labels`` say which model evidence was available; ``task`` is the model's
    task and the form of its predictions (:func:`drift.infer_task`; None without a target and a
    prediction).
    """

    steps: tuple[Step, ...]
    verdict: Verdict
    feature_table: pd.DataFrame
    schema: Schema
    n_reference: int
    n_current: int
    has_labels: bool
    has_predictions: bool = False
    split_proxies: tuple[str, ...] = ()
    task: TaskInfo | None = None

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)

    def to_dict(self) -> dict:
        return {"verdict": self.verdict.to_dict(), "steps": [s.to_dict() for s in self.steps],
                "n_reference": self.n_reference, "n_current": self.n_current, "has_labels": self.has_labels,
                "has_predictions": self.has_predictions, "split_proxies": list(self.split_proxies),
                "features": jsonable(self.feature_table), "schema": self.schema.to_dict(),
                "task": None if self.task is None else self.task.to_dict()}


def _probability_problem(frame: pd.DataFrame, col: str, side: str) -> str:
    """Why a score column is not a probability on one side ("" when it is)."""
    values = pd.to_numeric(frame[col], errors="coerce").dropna()
    if len(values) and not values.between(0, 1).all():
        return (f"the prediction {col!r} holds values outside [0, 1] in the {side} data "
                f"({values.min():.3g} to {values.max():.3g}); give the probability of the positive class")
    return ""


# --------------------------------------------------------------------------------------------- steps
def _inputs_step(reference, current, schema, problems, alpha, correction) -> tuple[Step, pd.DataFrame, tuple]:
    table = feature_drift(reference, current, schema=schema, alpha=alpha, correction=correction,
                          on_invalid="exclude")
    issues = quality_issues(None, None, schema, table, alpha=alpha, problems=problems)
    s = summarize(table)
    plain = table[~set_apart(table)]
    drifted = plain.loc[plain["drifted"], "feature"].tolist()
    proxies = [{"feature": r.feature, "reason": r.proxy, "message": r.finding,
                "time_like": r.proxy in TIME_LIKE} for r in table[table["proxy"] != ""].itertuples()]
    movers = plain[plain["drifted"].astype(bool)].sort_values("psi", ascending=False).head(MOVES_SHOWN)
    moves = [f"{r.feature}: {r.change} (PSI {r.psi:.2f}, {r.severity})" for r in movers.itertuples()]
    broken = {i.feature for i in issues}
    new_values = [f"{r.feature}: {r.finding}" for r in table.itertuples()
                  if r.finding.startswith("new values") and r.feature not in broken]
    churn = [f"{r.feature}: {r.finding}" for r in table[table["entity"].astype(bool)].itertuples()
             if r.finding.endswith("(churn)")]
    status = "alert" if issues or s.by_severity["major"] else "warning" if s.n_drifted or proxies else "ok"
    summary = (f"{s.n_drifted} of {s.n_features} features drifted"
               + (f" ({', '.join(drifted[:4])}{'…' if len(drifted) > 4 else ''})" if drifted else "")
               + (f"; {len(issues)} pipeline break(s)" if issues else "")
               + (f"; {len(proxies)} split prox{'y' if len(proxies) == 1 else 'ies'} set apart"
                  if proxies else ""))
    parts = []
    if issues:
        parts.append("Pipeline breaks: " + "; ".join(i.message for i in issues) + ".")
    else:
        parts.append("No pipeline break found (unit change, missing burst, type change, stuck or "
                     "out-of-range values, renamed levels).")
    if moves:
        parts.append("Largest moves: " + "; ".join(moves) + ".")
    if new_values:
        parts.append("New values (entity churn, not a break): " + "; ".join(new_values[:4]) + ".")
    if proxies:
        parts.append("Split proxies (separate the sides on their own; left out of the domain classifier and "
                     "MMD): " + "; ".join(f"{p['feature']} — {p['message']}" for p in proxies) + ".")
    if s.entities:
        parts.append(f"Entity columns (names or ids, new values expected; set apart and left out of the "
                     f"domain classifier and MMD): {', '.join(s.entities)}.")
    parts.append(f"Per feature: KS / chi-square with {correction.upper()} correction for significance, "
                 "PSI for size.")
    step = Step(
        "inputs", STEP_TITLES["inputs"], status, summary,
        why="Broken pipelines (unit changes, missing-value bursts, placeholder codes) look like drift; rule "
            "them out first, and see which single features moved.",
        explanation=" ".join(parts),
        next_step="Check the prediction distribution: did the model's output move?",
        evidence={"n_features": s.n_features, "n_drifted": s.n_drifted, "drifted": drifted,
                  "by_severity": s.by_severity, "quality_issues": [i.to_dict() for i in issues],
                  "split_proxies": proxies, "entity_columns": list(s.entities), "churn": churn,
                  "moves": moves, "new_values": new_values},
        result=table)
    return step, table, issues


def _prediction_step(reference, current, prediction, problem, threshold, alpha) -> Step:
    why = PREDICTION_WHY
    if problem:
        return skipped("prediction", "No usable prediction column", why,
                        f"{problem[0].upper()}{problem[1:]}. Without the model's predictions nothing can be "
                        "said about its outputs: name the prediction (score) column on the Data page.",
                        "Continue with concept drift.")
    res = prediction_drift(reference[prediction], current[prediction], threshold=threshold)
    status = decisions.prediction_level(res.statistic, res.pvalue, alpha)
    summary = f"Prediction PSI {res.statistic:.3f} ({res.band}); KS {format_pvalue(res.pvalue, prefix=True)}"
    expl = (f"PSI on reference-decile bins of the score is {res.statistic:.3f}. "
            f"Mean score {res.headline.mean_reference:.3f} → {res.headline.mean_current:.3f}")
    if res.kind == "binary":
        expl += (f"; share predicted positive at {threshold:g}: {res.positive_rate_reference:.1%} → "
                 f"{res.positive_rate_current:.1%}")
    return Step("prediction", STEP_TITLES["prediction"], status, summary, why, expl + ".",
                "Stable outputs do not prove a stable model: check whether the outcome still follows the "
                "score (concept drift).",
                {"psi": res.statistic, "ks_pvalue": res.pvalue, "band": res.band, "level": status,
                 "mean_reference": res.headline.mean_reference, "mean_current": res.headline.mean_current,
                 "positive_rate_reference": res.positive_rate_reference,
                 "positive_rate_current": res.positive_rate_current}, res)


def _concept_step(reference, current, target, prediction, problems, threshold, use_labels, rng,
                  alpha) -> Step:
    why = CONCEPT_WHY
    title = STEP_TITLES["concept"]
    ref_target, ref_pred, cur_target, cur_pred = problems
    if not (ref_target or ref_pred or cur_pred):
        ref_pred = _probability_problem(reference, prediction, "reference")
        cur_pred = _probability_problem(current, prediction, "current")
    if not (ref_target or ref_pred) and labelled_rows(reference, [target, prediction]) < MIN_LABELS:
        ref_target = f"fewer than {MIN_LABELS} reference rows have both a label and a score"
    if ref_target or ref_pred or cur_pred:
        reason = ref_target or ref_pred or cur_pred
        return skipped("concept", "Concept drift cannot be ruled out: not enough to test it", why,
                        f"{reason[0].upper()}{reason[1:]}. Testing concept drift needs the model's "
                        "predictions and the outcomes (labels) of the reference; measuring it needs the "
                        "current outcomes too.",
                        "Continue with the domain classifier.")
    labelled = use_labels and not cur_target and labelled_rows(current, [target, prediction]) >= MIN_LABELS
    if not labelled:
        est = estimated_performance(reference[target], reference[prediction], current[prediction],
                                    threshold=threshold)
        d_auc, d_acc = est.change("roc_auc"), est.change("accuracy")
        status = "warning" if min(d_auc, d_acc) <= -ESTIMATED_DROP else "ok"
        why_none = cur_target or "labels are not used in this run"
        return Step("concept", title, status,
                    f"No labels: concept drift cannot be ruled out; estimated AUC change {d_auc:+.3f}, "
                    f"accuracy {d_acc:+.3f}", why,
                    f"{why_none[0].upper()}{why_none[1:]}. Performance estimated from the model's calibrated "
                    "confidence (CBPE) assumes the outcome still follows the score, so it cannot see concept "
                    "drift. " + est.caveat,
                    "Labels will settle it; meanwhile the domain classifier shows where the inputs moved.",
                    {"labels": False, "estimated": est.to_dict()["table"]}, est)
    ref_lab = reference[[target, prediction]].dropna()
    cur_lab = current[[target, prediction]].dropna()
    change = performance_change(ref_lab[target], ref_lab[prediction], cur_lab[target], cur_lab[prediction],
                                threshold=threshold, confidence=1 - alpha / decisions.CONCEPT_TESTS, rng=rng)
    test = concept_drift_test(ref_lab[target], ref_lab[prediction], cur_lab[target], cur_lab[prediction])
    auc = change.table.loc["roc_auc"]
    base = change.table.loc["base_rate"]
    slope_changed, auc_fell = decisions.concept_signals(change, test, alpha)
    status = "alert" if slope_changed or auc_fell else "warning" if test.pvalue < alpha else "ok"
    summary = (f"ROC AUC {auc['reference']:.3f} → {auc['current']:.3f} ({auc['change']:+.3f}); "
               f"outcome rate {base['reference']:.1%} → {base['current']:.1%}; "
               f"P(y | score) test {format_pvalue(test.pvalue, prefix=True)}")
    expl = (f"Realised performance on {change.current.n:,} labelled rows vs the reference. The recalibration "
            f"test (logit P(y) on logit(score), per period) gives an intercept shift of "
            f"{test.intercept_shift:+.2f} log-odds ({format_pvalue(test.pvalue_intercept, prefix=True)}) "
            f"and a slope ratio of {test.slope_ratio:.2f} ({format_pvalue(test.pvalue_slope, prefix=True)}). "
            "An intercept-only shift is what a change in "
            "the outcome rate (prior shift) produces; a changed slope or a lower AUC means the model's "
            "ranking no longer fits (concept drift).")
    return Step("concept", title, status, summary, why, expl,
                "Whatever the outcome, train a domain classifier to see whether and where the inputs moved.",
                {"labels": True, "performance": change.to_dict()["table"], "test": test.to_dict()},
                (change, test))


def _domain_step(reference, current, feats, proxies, entities, broken, rng, alpha) -> Step:
    why = ("Per-feature tests miss drift that lives in combinations of features. A classifier trained to "
           "tell training rows from production rows finds it: AUC 0.5 means indistinguishable.")
    apart = {"split proxy": proxies, "entity column": entities, "broken": broken}
    used = [f for f in feats if not any(f in cols for cols in apart.values())]
    left_out = [f for f in feats if f not in used]
    if not used:
        return skipped("domain", "No features to train on", why,
                        "Every feature is a split proxy, an entity column or broken" if left_out
                        else "The data has no features.")
    res = domain_classifier_test(reference[used], current[used], rng=rng, alpha=alpha)
    status = decisions.domain_level(res.auc, res.auc_ci, res.pvalue, alpha)
    top = res.importances.head(3)
    top_txt = ", ".join(f"{r.feature} ({r.importance:+.3f})" for r in top.itertuples())
    evidence = {"auc": res.auc, "auc_ci": list(res.auc_ci), "pvalue": res.pvalue, "level": status,
                "importances": top.to_dict("records"), "left_out": left_out, "auc_with_proxies": None}
    expl = (f"Out-of-fold ROC AUC of a gradient-boosted classifier on {res.n_reference:,} + "
            f"{res.n_current:,} balanced rows. "
            f"{decisions.domain_reading(res.auc, res.auc_ci, res.pvalue, alpha)} "
            f"The features it relies on most (AUC drop when permuted): {top_txt}.")
    summary = (f"AUC {res.auc:.3f} [{res.auc_ci[0]:.3f}, {res.auc_ci[1]:.3f}], "
               f"{format_pvalue(res.pvalue, prefix=True)}")
    if left_out:
        expl += " Left out: " + "; ".join(f"{', '.join(f for f in left_out if f in cols)} ({why_out})"
                                          for why_out, cols in apart.items()
                                          if any(f in cols for f in left_out)) + "."
    with_proxies = used + [f for f in feats if f in proxies]
    if len(with_proxies) > len(used):
        full = domain_classifier_test(reference[with_proxies], current[with_proxies], rng=rng, alpha=alpha)
        evidence["auc_with_proxies"] = full.auc
        summary += f" without split proxies ({full.auc:.3f} with them)"
        expl += (f" With the split proxies the AUC is {full.auc:.3f}: they tell the sides apart on their "
                 "own, which says when or where a row was taken, not what the model sees.")
    return Step("domain", STEP_TITLES["domain"], status, summary, why, expl,
                "Compare learned representations: MMD on embeddings catches shifts in what the model sees.",
                evidence, res)


def _mmd_step(reference, current, feats, target, target_ok, embeddings, left_out, rng, alpha,
              task: str | None = None) -> Step:
    why = ("A model sees its inputs through what it has learned. Comparing embeddings (its penultimate "
           "layer, or text embeddings) with MMD tests the whole distribution at once.")
    title = STEP_TITLES["mmd"]
    used = [f for f in feats if f not in left_out]
    if embeddings is not None:
        ref_emb, cur_emb = embeddings
        source = "provided embeddings"
    elif not used:
        return skipped("mmd", "No features to embed", why, "Every feature is a split proxy or broken.")
    elif target_ok and len(reference) >= 2 * MIN_HELD_OUT:
        ref_all, cur_emb, held = held_out_model_embeddings(reference[used + [target]], current[used],
                                                           target=target, features=used, rng=rng, task=task)
        ref_emb = ref_all[held]
        mlp = {"regression": f"MLP regressor of {target}", "multiclass": f"MLP classifier of {target}"}
        source = (f"penultimate layer of a small {mlp.get(task, 'MLP')} fitted on half of the reference; "
                  "the other "
                  f"{len(ref_emb):,} reference rows, unseen by it, are compared (rows a model was fitted on "
                  "look different to it)")
    else:
        ref_emb, cur_emb = feature_embeddings(reference[used], current[used], features=used)
        source = "the features themselves, standardised (no target to fit a model on)"
    res = mmd_test(ref_emb, cur_emb, rng=rng)
    status = decisions.mmd_level(res.pvalue, alpha)
    extra = (f" Left out: {', '.join(left_out)} (split proxies, entity columns, broken columns)."
             if left_out and embeddings is None else "")
    summary = f"MMD² {res.statistic:.4g}, permutation {format_pvalue(res.pvalue, prefix=True)}"
    return Step("mmd", title, status, summary, why,
                f"Embeddings: {source}; {res.n_reference:,} + {res.n_current:,} rows, Gaussian kernel with "
                f"bandwidth {res.bandwidth:.3g} (median heuristic).{extra}",
                "Read the verdict; open the Report page for the stakeholder summary.",
                {"mmd2": res.statistic, "pvalue": res.pvalue, "bandwidth": res.bandwidth, "source": source,
                 "level": status, "n_reference": res.n_reference, "n_current": res.n_current}, res)


# ------------------------------------------------------------------------------------------ workflow
def _check_arguments(reference, current, target, prediction, steps) -> None:
    for arg, frame in (("reference", reference), ("current", current)):
        if not isinstance(frame, pd.DataFrame):
            raise DriftParameterError.invalid(arg, "diagnose", "a pandas DataFrame", type(frame).__name__)
    for name, value in (("target", target), ("prediction", prediction)):
        if value is not None and value not in reference.columns:
            raise DriftInputError(f"no column named {value!r}", file="reference", column=str(value),
                                  fix=f"choose the {name} among {list(reference.columns)[:10]}")
    if target is not None and target == prediction:
        raise DriftParameterError.invalid("prediction", "diagnose", "a column other than the target",
                                          prediction)
    unknown = set(steps) - set(STEP_KEYS)
    if unknown:
        raise DriftParameterError.invalid("steps", "diagnose", f"a subset of {STEP_KEYS}", sorted(unknown))


def diagnose(reference: pd.DataFrame, current: pd.DataFrame, *, schema: Schema | None = None,
             target: str | None = None, prediction: str | None = None, embeddings=None,
             use_labels: bool = True, threshold: float = 0.5, alpha: float = 0.05, correction: str = "bh",
             steps: tuple[str, ...] = STEP_KEYS, rng=0, task: str | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> Diagnosis:
    """Run the diagnostic workflow in order and return every step and the verdict.

    Parameters
    ----------
    reference, current : DataFrame
        Training data (with target and prediction when known) and one production batch.
    schema : Schema, optional
        Column kinds and roles; inferred when omitted.  ``target`` / ``prediction`` override its roles.
    embeddings : (ndarray, ndarray), optional
        Embeddings of reference and current rows for the MMD step; by default the penultimate layer of a
        small MLP fitted on the reference (with a usable target: a classifier, or a regressor for a
        regression model), else the standardised features.
    use_labels : bool, default True
        False simulates "no labels yet": the concept step estimates performance instead.
    threshold : float, default 0.5
        The model's decision threshold on its score.
    steps : tuple of str
        Which of :data:`STEP_KEYS` to run (``inputs`` always runs); the others are ``skipped``.
    task : {"binary", "multiclass", "regression"}, optional
        The model's task; inferred by :func:`drift.infer_task` from the target and prediction when omitted
        (a task the data contradicts raises its DriftParameterError).  A regression or multiclass model
        gets the prediction and concept steps of :mod:`drift.diagnosis.task_steps`, in its own metrics,
        and its ``proba_<class>`` columns are model outputs, left out of the features.
    progress : callable(step_key, i, n), optional
        Called before each step (the app's progress bar, the CLI's stderr).

    Notes
    -----
    A target or prediction column that is missing from the current data (normal before scores or labels
    arrive), empty, or holds text is not an error: the steps that need it are skipped and say why; so are
    labels the concept step cannot measure (one class only, too few) and scores outside [0, 1].  The
    verdict rule is :func:`drift.core.decisions.verdict`.
    """
    _check_arguments(reference, current, target, prediction, steps)
    schema, validation, info, task_problem = _roles_and_task(reference, current, schema, target, prediction,
                                                             task)
    target, prediction = schema.target, schema.prediction
    binary = info is None or info.task == "binary"
    role_problems = (role_problem(reference, target, "target", "reference"),
                     role_problem(reference, prediction, "prediction", "reference"),
                     role_problem(current, target, "target", "current"),
                     role_problem(current, prediction, "prediction", "current"))
    gen = np.random.default_rng(rng)
    seeds = gen.integers(0, 2**31 - 1, size=4)
    done: dict[str, Step] = {}
    plan = [k for k in STEP_KEYS if k == "inputs" or k in steps]
    alpha_multi = decisions.multivariate_alpha(alpha, sum(k in plan for k in ("domain", "mmd")))
    proxies: tuple[str, ...] = ()
    apart: tuple[str, ...] = ()
    broken: set[str] = set()
    for i, key in enumerate(STEP_KEYS):
        if progress:
            progress(key, i, len(STEP_KEYS))
        if key not in plan:
            done[key] = Step(key, STEP_TITLES[key], "skipped", "Not requested in this run", "", "", "", {})
            continue
        if key == "inputs":
            done[key], table, issues = _inputs_step(reference, current, schema, validation.problems, alpha,
                                                    correction)
            proxies = tuple(table.attrs.get("split_proxies", ()))
            apart = proxies + tuple(table.attrs.get("entity_columns", ()))
            broken = {i.feature for i in issues}
        elif key == "prediction" and binary:
            problem = role_problems[1] or role_problems[3]
            done[key] = _prediction_step(reference, current, prediction, problem, threshold, alpha)
        elif key == "prediction":
            done[key] = _safely(key, task_prediction_step, reference, current, info, alpha, task_problem)
        elif key == "concept" and binary:
            done[key] = _safe_concept(reference, current, target, prediction, role_problems, threshold,
                                      use_labels, seeds[0], alpha)
        elif key == "concept":
            done[key] = _safely(key, task_concept_step, reference, current, info, list(schema.features),
                                use_labels, int(seeds[0]), alpha, task_problem)
        elif key == "domain":
            entities = tuple(table.attrs.get("entity_columns", ()))
            done[key] = _domain_step(reference, current, list(schema.features), proxies, entities, broken,
                                     int(seeds[1]), alpha_multi)
        else:
            left_out = [f for f in schema.features if f in apart or f in broken]
            target_ok = not (role_problems[0] if binary else
                             role_problem(reference, target, "target", "reference", binary=False))
            done[key] = _safe_mmd(reference, current, list(schema.features), target, target_ok, embeddings,
                                  left_out, int(seeds[2]), alpha_multi, None if binary else info.task)
    has_labels = bool(done["concept"].evidence.get("labels"))
    has_predictions = not (role_problems[1] or role_problems[3] if binary else
                           outputs_problem(reference, current, info, task_problem))
    verdict = decisions.verdict(done, alpha, task="binary" if binary else info.task)
    return Diagnosis(tuple(done.values()), verdict, table, schema, len(reference), len(current), has_labels,
                     has_predictions, proxies, info)


def _roles_and_task(reference, current, schema, target, prediction, task):
    """The schema with the given roles, validated; the model's task (:func:`resolve_task`) and why it could
    not be read in full.  A regression or multiclass model's ``proba_<class>`` columns are excluded from the
    features (model outputs)."""
    if schema is None:
        schema = infer_schema(reference, current)
    schema = schema.with_roles(target=target or schema.target, prediction=prediction or schema.prediction)
    if schema.target is not None and schema.target == schema.prediction:
        schema = schema.with_roles(prediction=None)
    validation = validate_pair(reference, current, schema)
    schema = validation.schema
    info, task_problem = resolve_task(reference, current, schema.target, schema.prediction, task)
    if info is not None and info.task != "binary" and info.probability_columns:
        schema = schema.with_roles(excluded=(*schema.excluded, *info.probability_columns.values()))
    return schema, validation, info, task_problem


def _safe_concept(reference, current, target, prediction, problems, threshold, use_labels, rng,
                  alpha) -> Step:
    """The concept step; labels it cannot measure (one class only) skip the step with the reason instead of
    stopping the diagnosis."""
    return _safely("concept", _concept_step, reference, current, target, prediction, problems, threshold,
                   use_labels, rng, alpha)


_COULD_NOT = {"prediction": ("The model's output cannot be compared", PREDICTION_WHY, "Continue with concept "
                                                                                      "drift."),
              "concept": ("Concept drift cannot be ruled out: these labels or scores cannot measure it",
                          CONCEPT_WHY, "Continue with the domain classifier.")}


def _safely(key: str, run: Callable[..., Step], *args) -> Step:
    """``run(*args)``; an input the computation refuses (a DriftInputError) skips the step with the reason
    instead of stopping the diagnosis."""
    try:
        return run(*args)
    except DriftInputError as err:
        summary, why, next_step = _COULD_NOT[key]
        return skipped(key, summary, why, f"{err}", next_step)


def _safe_mmd(reference, current, feats, target, target_ok, embeddings, left_out, seed, alpha,
              task: str | None = None) -> Step:
    """The MMD step; an input the embedding cannot use skips the step with the reason instead of failing."""
    try:
        return _mmd_step(reference, current, feats, target, target_ok, embeddings, left_out, seed, alpha,
                         task)
    except DriftError as err:
        return skipped("mmd", "Could not embed the data", "", f"{err}", "")
