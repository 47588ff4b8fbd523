"""The guided diagnosis: inputs → prediction drift → concept drift → domain classifier → MMD → verdict.

Each step returns a :class:`Step` with a status (``ok`` / ``warning`` / ``alert`` / ``skipped``), its
evidence (JSON-safe numbers), the underlying result object (for charts), why the step exists, what the
numbers mean and what to check next.  :func:`verdict` turns the steps into one dominant finding.

Verdict rule (every cut-off is a named constant below), first match wins, because each earlier cause
also produces the later symptoms:

1. ``data_quality`` — any :mod:`drift.quality` issue (missing burst, new category, unit change): fix the
   pipeline before reading any drift statistic.
2. ``concept_drift`` — with labels: the recalibration test's slope changed (p < alpha and slope ratio
   outside :data:`SLOPE_BAND`), or the realised ROC AUC fell by at least :data:`AUC_DROP` with an
   interval excluding 0 while inputs did not move.
3. ``prior_shift`` — with labels: the base rate changed (interval excludes 0 and by at least
   :data:`BASE_RATE_CHANGE`) with an intercept-only recalibration shift, while predictions did not move.
4. ``prediction_drift`` — prediction PSI ≥ :data:`PREDICTION_PSI` and the KS test significant: inputs
   moved and the model's outputs with them.
5. ``covariate_shift`` — inputs moved (a feature drifted, or the domain classifier's AUC ≥
   :data:`DOMAIN_AUC` and significant, or MMD significant) but predictions did not.
6. ``no_drift``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import DriftInputError, DriftParameterError
from .features import feature_drift, summarize
from .jsonsafe import jsonable
from .performance import concept_drift_test, estimated_performance, performance_change
from .prediction import prediction_drift
from .psi import PSI_BANDS
from .quality import quality_issues
from .schema import Schema, infer_schema
from .validation import validate_pair

STATUSES = ("ok", "warning", "alert", "skipped")
VERDICTS = ("no_drift", "covariate_shift", "prediction_drift", "prior_shift", "concept_drift", "data_quality")
STEP_KEYS = ("inputs", "prediction", "concept", "domain", "mmd")
STEP_TITLES = {"inputs": "0 · Inputs: data quality and per-feature drift",
               "prediction": "1 · Prediction drift",
               "concept": "2 · Concept drift", "domain": "3 · Domain classifier",
               "mmd": "4 · MMD on embeddings"}

#: Prediction PSI from which the outputs count as moved (the moderate band).
PREDICTION_PSI = PSI_BANDS[0]
#: Domain-classifier AUC from which inputs count as distinguishable (warning) / clearly moved (alert).
DOMAIN_AUC = 0.55
DOMAIN_AUC_ALERT = 0.65
#: Realised ROC AUC fall that counts as concept drift.
AUC_DROP = 0.02
#: Base-rate change (absolute) that counts as a prior shift.
BASE_RATE_CHANGE = 0.03
#: Recalibration slope ratios inside this band are "unchanged ranking".
SLOPE_BAND = (0.8, 1.25)
#: Estimated (label-free) accuracy or AUC fall that earns a warning.
ESTIMATED_DROP = 0.02

VERDICT_LABELS = {
    "no_drift": "No meaningful drift",
    "covariate_shift": "Covariate shift: the inputs moved, the model's predictions did not",
    "prediction_drift": "Prediction drift: the inputs moved and the model's predictions moved with them",
    "prior_shift": "Prior shift: the outcome rate changed while the inputs did not",
    "concept_drift": "Concept drift: the relationship between inputs and outcome changed",
    "data_quality": "Data-quality problem: the pipeline delivers broken inputs",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the diagnosis."""

    key: str
    title: str
    status: str
    summary: str
    why: str
    explanation: str
    next_step: str
    evidence: dict = field(default_factory=dict)
    result: object = None

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "status": self.status, "summary": self.summary,
                "why": self.why, "explanation": self.explanation, "next_step": self.next_step,
                "evidence": self.evidence}


@dataclass(frozen=True, slots=True)
class Finding:
    """A candidate explanation with its confidence (0–1) and supporting evidence."""

    kind: str
    confidence: float
    evidence: tuple[str, ...]

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.kind]

    def to_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label, "confidence": self.confidence,
                "evidence": list(self.evidence)}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The dominant finding (``kind`` in :data:`VERDICTS`) and every finding that applies."""

    kind: str
    confidence: float
    evidence: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.kind]

    @property
    def confidence_label(self) -> str:
        return "high" if self.confidence >= 0.8 else "medium" if self.confidence >= 0.6 else "low"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label, "confidence": self.confidence,
                "confidence_label": self.confidence_label, "evidence": list(self.evidence),
                "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Result of :func:`diagnose`."""

    steps: tuple[Step, ...]
    verdict: Verdict
    feature_table: pd.DataFrame
    schema: Schema
    n_reference: int
    n_current: int
    has_labels: bool

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)

    def to_dict(self) -> dict:
        return {"verdict": self.verdict.to_dict(), "steps": [s.to_dict() for s in self.steps],
                "n_reference": self.n_reference, "n_current": self.n_current, "has_labels": self.has_labels,
                "features": jsonable(self.feature_table), "schema": self.schema.to_dict()}


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


# --------------------------------------------------------------------------------------------- steps
def _inputs_step(reference, current, schema, alpha, correction) -> tuple[Step, pd.DataFrame, tuple]:
    table = feature_drift(reference, current, schema=schema, alpha=alpha, correction=correction,
                          on_invalid="exclude")
    issues = quality_issues(reference, current, schema, table, alpha=alpha)
    s = summarize(table)
    drifted = table.loc[table["drifted"], "feature"].tolist()
    status = "alert" if issues or s.by_severity["major"] else "warning" if s.n_drifted else "ok"
    summary = (f"{s.n_drifted} of {s.n_features} features drifted"
               + (f" ({', '.join(drifted[:4])}{'…' if len(drifted) > 4 else ''})" if drifted else "")
               + (f"; {len(issues)} data-quality issue(s)" if issues else ""))
    step = Step(
        "inputs", STEP_TITLES["inputs"], status, summary,
        why="Broken pipelines (unit changes, missing-value bursts, new codes) look like drift; rule them out "
            "first, and see which single features moved.",
        explanation=("Data-quality issues: " + "; ".join(i.message for i in issues) + ". "
                     if issues else "No data-quality issue found. ")
        + f"Per feature: KS / chi-square with {correction.upper()} correction for significance, "
        "PSI for size.",
        next_step="Check the prediction distribution: did the model's output move?",
        evidence={"n_features": s.n_features, "n_drifted": s.n_drifted, "drifted": drifted,
                  "by_severity": s.by_severity, "quality_issues": [i.to_dict() for i in issues]},
        result=table)
    return step, table, issues


def _prediction_step(reference, current, prediction, threshold) -> Step:
    why = ("The model's output is the cheapest signal and needs no labels: if the score distribution "
           "moved, the decisions the business sees moved too.")
    if prediction is None or prediction not in current.columns:
        return Step("prediction", STEP_TITLES["prediction"], "skipped", "No prediction column", why,
                    "Name the prediction (score) column on the Data page to run this step.",
                    "Continue with concept drift.", {})
    res = prediction_drift(reference[prediction], current[prediction], threshold=threshold)
    psi = res.statistic
    status = "alert" if psi >= PSI_BANDS[1] else "warning" if psi >= PSI_BANDS[0] else "ok"
    summary = f"Prediction PSI {res.statistic:.3f} ({res.band}); KS {_p(res.pvalue)}"
    expl = (f"PSI on reference-decile bins of the score is {res.statistic:.3f}. "
            f"Mean score {res.headline.mean_reference:.3f} → {res.headline.mean_current:.3f}")
    if res.kind == "binary":
        expl += (f"; share predicted positive at {threshold:g}: {res.positive_rate_reference:.1%} → "
                 f"{res.positive_rate_current:.1%}")
    return Step("prediction", STEP_TITLES["prediction"], status, summary, why, expl + ".",
                "Stable outputs do not prove a stable model: check whether the outcome still follows the "
                "score (concept drift).",
                {"psi": res.statistic, "ks_pvalue": res.pvalue, "band": res.band,
                 "mean_reference": res.headline.mean_reference, "mean_current": res.headline.mean_current,
                 "positive_rate_reference": res.positive_rate_reference,
                 "positive_rate_current": res.positive_rate_current}, res)


def _concept_step(reference, current, target, prediction, threshold, use_labels, rng) -> Step:
    why = ("Stable inputs do not guarantee stable outcomes: the relationship between inputs and outcome "
           "(P(y | x)) can change on its own.  With labels we measure it; without, we estimate.")
    title = STEP_TITLES["concept"]
    if prediction is None or target is None or target not in reference.columns:
        return Step("concept", title, "skipped", "Needs a target and a prediction column", why,
                    "Name the target and prediction columns on the Data page to run this step.",
                    "Continue with the domain classifier.", {})
    has_labels = use_labels and target in current.columns and current[target].notna().sum() >= 10
    if not has_labels:
        est = estimated_performance(reference[target], reference[prediction], current[prediction],
                                    threshold=threshold)
        d_auc, d_acc = est.change("roc_auc"), est.change("accuracy")
        status = "warning" if min(d_auc, d_acc) <= -ESTIMATED_DROP else "ok"
        return Step("concept", title, status,
                    f"No labels: estimated AUC change {d_auc:+.3f}, accuracy {d_acc:+.3f}", why,
                    "Performance estimated from the model's calibrated confidence (CBPE). " + est.caveat,
                    "Labels will settle it; meanwhile the domain classifier shows where the inputs moved.",
                    {"labels": False, "estimated": est.to_dict()["table"]}, est)
    ref_lab = reference[[target, prediction]].dropna()
    cur_lab = current[[target, prediction]].dropna()
    change = performance_change(ref_lab[target], ref_lab[prediction], cur_lab[target], cur_lab[prediction],
                                threshold=threshold, rng=rng)
    test = concept_drift_test(ref_lab[target], ref_lab[prediction], cur_lab[target], cur_lab[prediction])
    auc = change.table.loc["roc_auc"]
    base = change.table.loc["base_rate"]
    slope_changed = test.pvalue_slope < 0.05 and not SLOPE_BAND[0] <= test.slope_ratio <= SLOPE_BAND[1]
    auc_fell = auc["change"] <= -AUC_DROP and auc["hi"] < 0
    status = "alert" if slope_changed or auc_fell else "warning" if test.pvalue < 0.05 else "ok"
    summary = (f"ROC AUC {auc['reference']:.3f} → {auc['current']:.3f} ({auc['change']:+.3f}); "
               f"default/base rate {base['reference']:.1%} → {base['current']:.1%}; "
               f"P(y | score) test {_p(test.pvalue)}")
    expl = (f"Realised performance on {change.current.n:,} labelled rows vs the reference. The recalibration "
            f"test (logit P(y) on logit(score), per period) gives an intercept shift of "
            f"{test.intercept_shift:+.2f} log-odds ({_p(test.pvalue_intercept)}) and a slope ratio of "
            f"{test.slope_ratio:.2f} ({_p(test.pvalue_slope)}). An intercept-only shift is what a change in "
            "the outcome rate (prior shift) produces; a changed slope or a lower AUC means the model's "
            "ranking no longer fits (concept drift).")
    return Step("concept", title, status, summary, why, expl,
                "Whatever the outcome, train a domain classifier to see whether and where the inputs moved.",
                {"labels": True, "performance": change.to_dict()["table"], "test": test.to_dict()},
                (change, test))


def _domain_step(reference, current, schema, rng, alpha) -> Step:
    from .domain import domain_classifier_test

    why = ("Per-feature tests miss drift that lives in combinations of features. A classifier trained to "
           "tell training rows from production rows finds it: AUC 0.5 means indistinguishable.")
    feats = list(schema.features)
    if not feats:
        return Step("domain", STEP_TITLES["domain"], "skipped", "No features to train on", why, "", "", {})
    res = domain_classifier_test(reference[feats], current[feats], rng=rng, alpha=alpha)
    auc = res.auc
    status = ("alert" if auc >= DOMAIN_AUC_ALERT and res.pvalue < alpha else
              "warning" if auc >= DOMAIN_AUC and res.pvalue < alpha else "ok")
    top = res.importances.head(3)
    top_txt = ", ".join(f"{r.feature} ({r.importance:+.3f})" for r in top.itertuples())
    return Step("domain", STEP_TITLES["domain"], status,
                f"AUC {auc:.3f} [{res.auc_ci[0]:.3f}, {res.auc_ci[1]:.3f}], {_p(res.pvalue)}", why,
                f"Out-of-fold ROC AUC of a gradient-boosted classifier on {res.n_reference:,} + "
                f"{res.n_current:,} balanced rows. The features it relies on most (AUC drop when permuted): "
                f"{top_txt}.",
                "Compare learned representations: MMD on embeddings catches shifts in what the model sees.",
                {"auc": auc, "auc_ci": list(res.auc_ci), "pvalue": res.pvalue,
                 "importances": top.to_dict("records")}, res)


def _mmd_step(reference, current, schema, target, embeddings, rng, alpha) -> Step:
    from .embeddings import model_embeddings
    from .mmd import mmd_test

    why = ("A model sees its inputs through what it has learned. Comparing embeddings (its penultimate "
           "layer, or text embeddings) with MMD tests the whole distribution at once.")
    title = STEP_TITLES["mmd"]
    source = "provided embeddings"
    if embeddings is None:
        if target is None or target not in reference.columns or not schema.features:
            return Step("mmd", title, "skipped", "No embeddings and no target to learn them from", why,
                        "Provide embedding columns, or name a target so a small network can be fitted.",
                        "", {})
        feats = list(schema.features)
        ref_emb, cur_emb = model_embeddings(reference[feats + [target]], current[feats], target=target,
                                            features=feats, rng=rng)
        source = "penultimate layer of a small MLP fitted on the reference"
    else:
        ref_emb, cur_emb = embeddings
    res = mmd_test(ref_emb, cur_emb, rng=rng)
    status = "alert" if res.pvalue < alpha / 10 else "warning" if res.pvalue < alpha else "ok"
    return Step("mmd", title, status, f"MMD² {res.statistic:.4g}, permutation {_p(res.pvalue)}", why,
                f"Embeddings: {source}; {res.n_reference:,} + {res.n_current:,} rows, Gaussian kernel with "
                f"bandwidth {res.bandwidth:.3g} (median heuristic).",
                "Read the verdict; open the Report page for the stakeholder summary.",
                {"mmd2": res.statistic, "pvalue": res.pvalue, "bandwidth": res.bandwidth, "source": source,
                 "n_reference": res.n_reference, "n_current": res.n_current}, res)


# -------------------------------------------------------------------------------------------- verdict
def verdict(steps: dict[str, Step], issues: tuple, alpha: float = 0.05) -> Verdict:
    """The dominant finding from the steps (module docstring for the rule)."""
    findings: list[Finding] = []
    if issues:
        findings.append(Finding("data_quality", 0.95 if len(issues) > 0 else 0.7,
                                tuple(i.message for i in issues)))
    pred = steps.get("prediction")
    pred_moved = bool(pred and pred.status != "skipped" and pred.evidence["psi"] >= PREDICTION_PSI
                      and pred.evidence["ks_pvalue"] < alpha)
    dom = steps.get("domain")
    mmd = steps.get("mmd")
    inputs = steps["inputs"].evidence
    dom_moved = bool(dom and dom.status in ("warning", "alert"))
    mmd_moved = bool(mmd and mmd.status in ("warning", "alert"))
    inputs_moved = inputs["n_drifted"] > 0 or dom_moved or mmd_moved
    concept = steps.get("concept")
    if concept and concept.status != "skipped" and concept.evidence.get("labels"):
        change, test = concept.result
        auc = change.table.loc["roc_auc"]
        base = change.table.loc["base_rate"]
        slope_changed = test.pvalue_slope < alpha and not SLOPE_BAND[0] <= test.slope_ratio <= SLOPE_BAND[1]
        auc_fell = auc["change"] <= -AUC_DROP and auc["hi"] < 0
        if slope_changed or (auc_fell and not inputs_moved):
            ev = [f"ROC AUC {auc['reference']:.3f} → {auc['current']:.3f} (95% interval of the change "
                  f"[{auc['lo']:+.3f}, {auc['hi']:+.3f}])",
                  f"recalibration slope ratio {test.slope_ratio:.2f} ({_p(test.pvalue_slope)})"]
            conf = 0.9 if (slope_changed and auc_fell) else 0.7
            findings.append(Finding("concept_drift", conf, tuple(ev)))
        base_changed = abs(base["change"]) >= BASE_RATE_CHANGE and (base["lo"] > 0 or base["hi"] < 0)
        if base_changed and test.pvalue_intercept < alpha and not slope_changed and not pred_moved:
            ev = [f"outcome rate {base['reference']:.1%} → {base['current']:.1%}",
                  f"intercept shift {test.intercept_shift:+.2f} log-odds ({_p(test.pvalue_intercept)}), "
                  f"slope ratio {test.slope_ratio:.2f}",
                  f"ROC AUC change {auc['change']:+.3f}"]
            conf = 0.85 if abs(base["change"]) >= 2 * BASE_RATE_CHANGE else 0.65
            findings.append(Finding("prior_shift", conf, tuple(ev)))
    if pred_moved:
        e = pred.evidence
        findings.append(Finding("prediction_drift", 0.9 if e["psi"] >= PSI_BANDS[1] else 0.7,
                                (f"prediction PSI {e['psi']:.3f} ({_p(e['ks_pvalue'])})",
                                 f"mean score {e['mean_reference']:.3f} → {e['mean_current']:.3f}")))
    if inputs_moved and not pred_moved:
        ev = []
        if inputs["n_drifted"]:
            ev.append(f"{inputs['n_drifted']} feature(s) drifted: {', '.join(inputs['drifted'][:5])}")
        if dom_moved:
            ev.append(f"domain classifier AUC {dom.evidence['auc']:.3f} ({_p(dom.evidence['pvalue'])})")
        if mmd_moved:
            ev.append(f"embedding MMD {_p(mmd.evidence['pvalue'])}")
        strong = (dom and dom.status == "alert") or inputs["by_severity"]["major"]
        findings.append(Finding("covariate_shift", 0.85 if strong else 0.6, tuple(ev)))
    if not findings:
        ev = [f"{inputs['n_features']} features, none drifted"]
        if pred and pred.status != "skipped":
            ev.append(f"prediction PSI {pred.evidence['psi']:.3f}")
        if dom and dom.status != "skipped":
            ev.append(f"domain classifier AUC {dom.evidence['auc']:.3f}")
        if concept and concept.status == "ok":
            ev.append("performance and P(y | score) unchanged" if concept.evidence.get("labels")
                      else "estimated performance unchanged "
                           "(labels would be needed to rule out concept drift)")
        findings.append(Finding("no_drift", 0.8 if dom and dom.status == "ok" else 0.6, tuple(ev)))
    order = {k: i for i, k in enumerate(("data_quality", "concept_drift", "prior_shift", "prediction_drift",
                                         "covariate_shift", "no_drift"))}
    findings.sort(key=lambda f: order[f.kind])
    top = findings[0]
    return Verdict(top.kind, top.confidence, top.evidence, tuple(findings))


# ------------------------------------------------------------------------------------------ workflow
def diagnose(reference: pd.DataFrame, current: pd.DataFrame, *, schema: Schema | None = None,
             target: str | None = None, prediction: str | None = None, embeddings=None,
             use_labels: bool = True, threshold: float = 0.5, alpha: float = 0.05, correction: str = "bh",
             steps: tuple[str, ...] = STEP_KEYS, rng=0,
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
        small MLP fitted on the reference (needs a target).
    use_labels : bool, default True
        False simulates "no labels yet": the concept step estimates performance instead.
    steps : tuple of str
        Which of :data:`STEP_KEYS` to run (``inputs`` always runs); the others are ``skipped``.
    progress : callable(step_key, i, n), optional
        Called before each step (the app's progress bar, the CLI's stderr).
    """
    for name, value in (("target", target), ("prediction", prediction)):
        if value is not None and value not in reference.columns:
            raise DriftInputError(f"no column named {value!r}", file="reference", column=value,
                                  fix=f"choose the {name} among {list(reference.columns)[:10]}")
    unknown = set(steps) - set(STEP_KEYS)
    if unknown:
        raise DriftParameterError.invalid("steps", "diagnose", f"a subset of {STEP_KEYS}", sorted(unknown))
    if schema is None:
        schema = infer_schema(reference, current)
    schema = schema.with_roles(target=target or schema.target, prediction=prediction or schema.prediction)
    schema = validate_pair(reference, current, schema).schema
    target, prediction = schema.target, schema.prediction
    gen = np.random.default_rng(rng)
    seeds = gen.integers(0, 2**31 - 1, size=4)
    done: dict[str, Step] = {}
    plan = [k for k in STEP_KEYS if k == "inputs" or k in steps]
    for i, key in enumerate(STEP_KEYS):
        if progress:
            progress(key, i, len(STEP_KEYS))
        if key not in plan:
            done[key] = Step(key, STEP_TITLES[key], "skipped", "Not requested in this run", "", "", "", {})
            continue
        if key == "inputs":
            done[key], table, issues = _inputs_step(reference, current, schema, alpha, correction)
        elif key == "prediction":
            done[key] = _prediction_step(reference, current, prediction, threshold)
        elif key == "concept":
            done[key] = _concept_step(reference, current, target, prediction, threshold, use_labels, seeds[0])
        elif key == "domain":
            done[key] = _domain_step(reference, current, schema, int(seeds[1]), alpha)
        else:
            done[key] = _mmd_step(reference, current, schema, target, embeddings, int(seeds[2]), alpha)
    has_labels = bool(done["concept"].evidence.get("labels"))
    return Diagnosis(tuple(done.values()), verdict(done, issues, alpha), table, schema, len(reference),
                     len(current), has_labels)
