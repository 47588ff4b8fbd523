"""Every rule that turns a number into a decision, in one place.

Pages, the report, the CLI and the monitor read these functions; none of them compares a statistic with
a cut-off on its own.  Every cut-off is a named constant below.

Per feature (DESIGN §4)
    ``severity`` is ``stable`` unless the difference is significant (corrected p-value < alpha), then
    ``minor`` / ``moderate`` / ``major`` by the PSI bands (< 0.1, 0.1–0.25, ≥ 0.25); ``drifted`` is severity
    ≥ :data:`DRIFTED_FROM`.
Levels of the multivariate tests and of the model's output (``ok`` / ``warning`` / ``alert``)
    *domain classifier*: significant when ``pvalue < alpha`` **and** the AUC interval excludes 0.5 (the
    fold-combined p-value and the DeLong interval can disagree near the edge; a claim needs both);
    then ``warning`` from AUC :data:`DOMAIN_AUC`, ``alert`` from :data:`DOMAIN_AUC_ALERT`.
    *MMD*: ``warning`` when ``pvalue < alpha``, ``alert`` when ``pvalue < alpha /`` :data:`MMD_ALERT_DIVISOR`.
    *prediction drift*: ``warning`` when the KS test is significant and the prediction PSI ≥ the first PSI
    band, ``alert`` from the second band.
Families of tests
    Several tests answer one question, so each family shares alpha (Bonferroni): the domain classifier and
    MMD both ask "did the joint distribution of the inputs move?" and each runs at ``alpha / k`` with ``k``
    the number of them that run (:func:`multivariate_alpha`); the recalibration slope and the fall of the
    realised AUC both ask "did P(y | x) change?" and each uses ``alpha / 2`` (:func:`concept_signals`); so do
    a regression model's calibration line and its residuals at equal forecast
    (:func:`regression_concept_signals`).  A multiclass model's one-vs-rest tests are corrected across
    classes (Benjamini–Hochberg) instead (:func:`multiclass_concept_signals`).
    Without this, random halves of real tables were called drifted about one time in six.
Regression and multiclass models
    The same levels in the task's metric: a multiclass model's prediction drift is the worst of its
    predicted-class shares and its per-class probabilities (:func:`class_prediction_level`); its concept
    step and a regression model's read :func:`task_concept_level`; label-free estimates warn by
    :func:`estimated_level`.  Their verdict rules are in :func:`verdict`.
Verdict
    See :func:`verdict`.  The confidence shown with a verdict is never a constant: it is how often the same
    verdict with the same strength of evidence was right in the verdict benchmark (``bench/verdicts.py``),
    whose table ships as ``verdict_benchmark.json`` next to this module (:func:`benchmark_record`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from drift.core.formatting import format_pvalue

# --- per feature ---------------------------------------------------------------------------------------
#: PSI cut-offs between small / moderate and moderate / major shift (:func:`drift.stats.psi.psi_band`).
PSI_BANDS = (0.1, 0.25)
SEVERITIES = ("stable", "minor", "moderate", "major")
#: Severity from which a feature counts as drifted.
DRIFTED_FROM = "moderate"
LEVELS = ("ok", "warning", "alert")


def severity(significant: bool, psi: float, psi_bands: tuple[float, float] = PSI_BANDS) -> str:
    """``stable`` unless significant; then ``minor`` / ``moderate`` / ``major`` by the PSI bands."""
    if not significant:
        return "stable"
    if np.isnan(psi) or psi < psi_bands[0]:
        return "minor"
    return "moderate" if psi < psi_bands[1] else "major"


def is_drifted(sev: str) -> bool:
    """True for a severity at or above :data:`DRIFTED_FROM`."""
    return SEVERITIES.index(sev) >= SEVERITIES.index(DRIFTED_FROM)


# --- multivariate tests and model output ----------------------------------------------------------------
#: Domain-classifier AUC from which inputs count as distinguishable (warning) / clearly moved (alert).
DOMAIN_AUC = 0.55
DOMAIN_AUC_ALERT = 0.65
#: MMD: an alert needs a p-value below alpha divided by this.
MMD_ALERT_DIVISOR = 10


def domain_level(auc: float, auc_ci: tuple[float, float], pvalue: float, alpha: float = 0.05, *,
                 min_auc: float = DOMAIN_AUC) -> str:
    """``ok`` / ``warning`` / ``alert`` of a domain classifier (module docstring)."""
    if not domain_significant(auc_ci, pvalue, alpha) or not auc >= min_auc:
        return "ok"
    return "alert" if auc >= max(DOMAIN_AUC_ALERT, min_auc) else "warning"


def domain_significant(auc_ci: tuple[float, float], pvalue: float, alpha: float = 0.05) -> bool:
    """``pvalue < alpha`` and the AUC interval above 0.5."""
    return bool(pvalue < alpha and auc_ci[0] > 0.5)


def domain_reading(auc: float, auc_ci: tuple[float, float], pvalue: float, alpha: float = 0.05) -> str:
    """One sentence on why the domain classifier counts as drift or not."""
    ci = f"[{auc_ci[0]:.3f}, {auc_ci[1]:.3f}]"
    p = format_pvalue(pvalue, prefix=True)
    if math.isnan(auc):
        return "The domain classifier could not run."
    if pvalue < alpha and not auc_ci[0] > 0.5:
        return (f"The fold test gives {p}, but the 95 % interval of the AUC {ci} "
                "contains 0.5: the evidence is not strong enough to call the sides distinguishable.")
    if not pvalue < alpha:
        return (f"AUC {auc:.3f} {ci}, {p}: the classifier cannot tell the sides apart "
                "better than chance.")
    level = domain_level(auc, auc_ci, pvalue, alpha)
    if level == "ok":
        return (f"AUC {auc:.3f} {ci} is significant ({p}) but below {DOMAIN_AUC:g}: a "
                "difference too small to matter for most models.")
    how = "clearly" if level == "alert" else "slightly"
    return (f"AUC {auc:.3f} {ci}, {p}: production rows are {how} distinguishable from "
            "training rows.")


def mmd_level(pvalue: float, alpha: float = 0.05) -> str:
    """``ok`` / ``warning`` / ``alert`` of an MMD permutation test."""
    if not pvalue < alpha:
        return "ok"
    return "alert" if pvalue < alpha / MMD_ALERT_DIVISOR else "warning"


def prediction_level(psi: float, pvalue: float, alpha: float = 0.05) -> str:
    """``ok`` / ``warning`` / ``alert`` of prediction drift (PSI of the scores and their KS test)."""
    if not (pvalue < alpha and psi >= PSI_BANDS[0]):
        return "ok"
    return "alert" if psi >= PSI_BANDS[1] else "warning"


def multivariate_alpha(alpha: float, n_tests: int) -> float:
    """The level of each multivariate test when ``n_tests`` of them (domain classifier, MMD) run."""
    return alpha / max(1, n_tests)


#: The concept-drift family: the slope test and the AUC fall each use alpha divided by this.
CONCEPT_TESTS = 2


def concept_signals(change, test, alpha: float = 0.05) -> tuple[bool, bool]:
    """``(slope_changed, auc_fell)`` from a :func:`drift.performance_change` result (whose interval was
    computed at ``1 - alpha /`` :data:`CONCEPT_TESTS`) and a :func:`drift.concept_drift_test` result.

    *slope changed*: ``pvalue_slope < alpha / 2`` and the slope ratio outside :data:`SLOPE_BAND`;
    *AUC fell*: by at least :data:`AUC_DROP` with the interval of the change below 0.
    """
    auc = change.table.loc["roc_auc"]
    level = alpha / CONCEPT_TESTS
    slope_changed = bool(test.pvalue_slope < level and not SLOPE_BAND[0] <= test.slope_ratio <= SLOPE_BAND[1])
    auc_fell = bool(auc["change"] <= -AUC_DROP and auc["hi"] < 0)
    return slope_changed, auc_fell


#: A change of E[y | forecast] at the reference's mean forecast counts from this many reference residual
#: standard deviations (a regression model's calibration-line shift).
CALIBRATION_SHIFT = 0.1


def regression_concept_signals(test, alpha: float = 0.05) -> tuple[bool, bool]:
    """``(calibration_changed, residuals_moved)`` from a :func:`drift.regression_concept_drift_test` result.

    The two tests ask one question ("did P(y | forecast) change?"), so each uses ``alpha /``
    :data:`CONCEPT_TESTS`.  *Calibration changed*: ``pvalue`` below that and the line moved by a size that
    matters -- slope ratio outside :data:`SLOPE_BAND`, or ``|shift_at_mean|`` at least
    :data:`CALIBRATION_SHIFT` reference residual standard deviations.  *Residuals moved*:
    ``residual_pvalue`` below that.  A nan (a test that could not run) never signals.
    """
    level = alpha / CONCEPT_TESTS
    sized = (not SLOPE_BAND[0] <= test.slope_ratio <= SLOPE_BAND[1]) \
        or abs(test.shift_at_mean) >= CALIBRATION_SHIFT * test.residual_sd
    calibration_changed = bool(test.pvalue < level and sized)
    residuals_moved = bool(test.residual_pvalue < level)
    return calibration_changed, residuals_moved


def multiclass_concept_signals(test, alpha: float = 0.05) -> tuple[tuple, tuple]:
    """``(slope_changed, intercept_shifted)``: the classes of a :func:`drift.multiclass_concept_drift_test`
    result whose one-vs-rest recalibration changed.

    As the binary :func:`concept_signals`, per class and with the p-values corrected across classes:
    *slope changed* (concept drift) when ``pvalue_slope_adjusted < alpha`` and the slope ratio is outside
    :data:`SLOPE_BAND`; *intercept shifted* (that class's prior moved) when ``pvalue_intercept_adjusted <
    alpha``.  Classes that could not be tested (nan) never signal.
    """
    table = test.per_class
    ratio = table["slope_ratio"].to_numpy(float)
    outside = ~((ratio >= SLOPE_BAND[0]) & (ratio <= SLOPE_BAND[1]))
    slope = (table["pvalue_slope_adjusted"].to_numpy(float) < alpha) & outside
    shift = table["pvalue_intercept_adjusted"].to_numpy(float) < alpha
    classes = table["class"].tolist()
    return (tuple(c for c, s in zip(classes, slope, strict=True) if s),
            tuple(c for c, s in zip(classes, shift, strict=True) if s))


#: Realised accuracy or macro-F1 fall of a multiclass model that counts as concept drift (with an interval
#: of the change below 0).
ACCURACY_DROP = 0.02
#: Estimated (label-free) MAE rise of a regression model, relative to the reference's estimate, that earns a
#: warning.
ESTIMATED_ERROR_RISE = 0.1


def class_prediction_level(result, alpha: float = 0.05) -> str:
    """``ok`` / ``warning`` / ``alert`` of a multiclass model's prediction drift
    (:func:`drift.model.prediction_tasks.class_prediction_drift`): the worst of
    :func:`prediction_level` of the predicted-class shares (their PSI and χ² p-value) and of each class's
    probability (its PSI and KS p-value corrected across classes)."""
    levels = [prediction_level(result.psi.statistic, result.chi2.pvalue, alpha)]
    levels += [prediction_level(o.psi.statistic, p, alpha)
               for o, p in zip(result.probabilities, result.pvalues_adjusted, strict=True)]
    return max(levels, key=LEVELS.index)


def target_mean_moved(change: dict, residual_sd: float) -> tuple[bool, bool]:
    """``(moved, strongly)`` for the change of a regression target's mean (``change``: ``{"change", "lo",
    "hi"}`` with ``[lo, hi]`` its interval): moved when the interval excludes 0 and ``|change|`` is at
    least :data:`CALIBRATION_SHIFT` reference residual standard deviations; strongly from twice that.  A nan
    never moves."""
    size = abs(change["change"])
    moved = bool((change["lo"] > 0 or change["hi"] < 0) and size >= CALIBRATION_SHIFT * residual_sd)
    return moved, bool(moved and size >= 2 * CALIBRATION_SHIFT * residual_sd)


def metric_fell(row, drop: float) -> bool:
    """A row ``{"change", "hi"}`` of a performance-change table fell: by at least ``drop`` with the interval
    of the change below 0."""
    return bool(row["change"] <= -drop and row["hi"] < 0)


def task_concept_level(task: str, change, test, alpha: float = 0.05) -> str:
    """Status of the concept step of a regression or multiclass model with labels.

    ``alert`` when a signal of concept drift fires -- regression: :func:`regression_concept_signals`;
    multiclass: a class's recalibration slope changed (:func:`multiclass_concept_signals` at ``alpha /``
    :data:`CONCEPT_TESTS`: the slopes and the fall of accuracy ask one question, as the binary slope and AUC
    fall do) or accuracy or macro-F1 fell (:func:`metric_fell` by :data:`ACCURACY_DROP`, its interval
    computed at ``1 - alpha /`` :data:`CONCEPT_TESTS`); ``warning`` when the joint test is
    significant at ``alpha`` without that (an intercept-only shift, a change too small to matter);
    ``ok`` otherwise.  ``test`` may be None for a multiclass model without per-class probabilities.
    """
    if task == "regression":
        fired = any(regression_concept_signals(test, alpha))
    else:
        slope = multiclass_concept_signals(test, alpha / CONCEPT_TESTS)[0] if test is not None else ()
        fired = bool(slope) or any(metric_fell(change.table.loc[m], ACCURACY_DROP)
                                   for m in ("accuracy", "macro_f1"))
    if fired:
        return "alert"
    return "warning" if test is not None and test.pvalue < alpha else "ok"


def estimated_level(estimate) -> str:
    """``warning`` / ``ok`` of a label-free performance estimate
    (:class:`drift.model.estimation.EstimatedTaskPerformance`): regression when the estimated MAE rose by at
    least :data:`ESTIMATED_ERROR_RISE` of the reference's estimate; multiclass when the estimated accuracy or
    macro-F1 fell by at least :data:`ESTIMATED_DROP`."""
    table = estimate.table
    if estimate.task == "regression":
        ref = table.loc["mae", "reference_estimated"]
        return "warning" if table.loc["mae", "change"] >= ESTIMATED_ERROR_RISE * ref else "ok"
    fell = min(table.loc["accuracy", "change"], table.loc["macro_f1", "change"]) <= -ESTIMATED_DROP
    return "warning" if fell else "ok"


def exceeds(value: float, threshold: float, direction: str) -> bool:
    """Alert rule over time: ``value`` beyond its calibrated ``threshold`` in ``direction`` (``up``:
    larger is worse, ``down``: smaller is worse, ``none``: never alerts).  A missing value never alerts."""
    if direction == "none" or math.isnan(value) or math.isnan(threshold):
        return False
    return value > threshold if direction == "up" else value < threshold


def summary_level(summary) -> str:
    """``ok`` / ``warning`` / ``alert`` of a feature-drift summary
    (:class:`drift.diagnosis.features.DriftSummary`):
    ``ok`` when no feature drifted, ``alert`` when one is major, ``warning`` otherwise."""
    if summary.n_drifted == 0:
        return "ok"
    return "alert" if summary.by_severity.get("major", 0) else "warning"


# --- which batch is the worst ----------------------------------------------------------------------------
def worst_batch(summaries) -> str | None:
    """The label of the most drifted batch among ``{label: DriftSummary}``: most major features, then most
    drifted features, then most minor ones; the earliest on ties.  None when no batch drifted at all (no
    significant feature anywhere)."""
    def rank(item):
        sev = item[1].by_severity
        return (sev.get("major", 0), item[1].n_drifted, sev.get("minor", 0))

    ranked = [item for item in summaries.items() if rank(item) != (0, 0, 0)]
    if not ranked:
        return None
    return max(ranked, key=rank)[0]  # max keeps the first of equal ranks


# --- the gate of `python -m drift check` ----------------------------------------------------------------
#: ``--fail-on`` level -> feature severities that fail the check.
FAIL_LEVELS = {"moderate": ("moderate", "major"), "major": ("major",)}


@dataclass(frozen=True, slots=True)
class GateResult:
    """Whether a batch fails the check, and why (failing features, breaks, prediction drift)."""

    failed: bool
    failing_features: tuple[str, ...]
    proxies: tuple[str, ...]
    breaks: tuple[str, ...]
    prediction_failed: bool


def gate(feature_table, breaks, *, fail_on: str = "moderate", prediction_psi: float | None = None,
         prediction_pvalue: float | None = None, alpha: float = 0.05,
         prediction_status: str | None = None) -> GateResult:
    """The check's rule: a batch fails on a pipeline break, on a feature at or above ``fail_on``
    (:data:`FAIL_LEVELS`; split proxies are reported, never failing), or on prediction drift at that level
    (:func:`prediction_level` ``alert`` for ``major``, any level other than ``ok`` for ``moderate``).
    ``prediction_status``, when given, is that level already decided (a multiclass model's
    :func:`class_prediction_level`)."""
    failing = FAIL_LEVELS[fail_on]
    is_proxy = feature_table["proxy"] != "" if "proxy" in feature_table.columns else False
    bad = feature_table[feature_table["severity"].isin(failing) & ~is_proxy]
    proxies = tuple(feature_table.loc[is_proxy, "feature"]) if "proxy" in feature_table.columns else ()
    pred_failed = False
    if prediction_status is not None or (prediction_psi is not None and prediction_pvalue is not None):
        level = prediction_status or prediction_level(prediction_psi, prediction_pvalue, alpha)
        pred_failed = level == "alert" if fail_on == "major" else level != "ok"
    names = tuple(dict.fromkeys(getattr(b, "feature", b) for b in breaks))
    return GateResult(bool(len(bad) or names or pred_failed), tuple(bad["feature"]), proxies, names,
                      pred_failed)


# --- verdict -------------------------------------------------------------------------------------------
VERDICTS = ("no_drift", "input_drift", "covariate_shift", "prediction_drift", "prior_shift", "concept_drift",
            "data_quality")
STRENGTHS = ("strong", "weak")
#: Realised ROC AUC fall that counts as concept drift.
AUC_DROP = 0.02
#: Base-rate change (absolute) that counts as a prior shift (twice this is strong evidence).
BASE_RATE_CHANGE = 0.03
#: Recalibration slope ratios inside this band are "unchanged ranking".
SLOPE_BAND = (0.8, 1.25)
#: Estimated (label-free) accuracy or AUC fall that earns a warning.
ESTIMATED_DROP = 0.02
#: A benchmark bucket needs this many cases before its hit rate is shown.
MIN_BENCHMARK_CASES = 10

VERDICT_LABELS = {
    "no_drift": "No meaningful drift",
    "input_drift": "Input drift: the inputs moved; how the model responds is unknown without its predictions",
    "covariate_shift": "Covariate shift: the inputs moved, the model's predictions did not",
    "prediction_drift": "Prediction drift: the inputs moved and the model's predictions moved with them",
    "prior_shift": "Prior shift: the outcome rate changed while the model's ranking still holds",
    "concept_drift": "Concept drift: the relationship between inputs and outcome changed",
    "data_quality": "Data-quality problem: the pipeline delivers broken inputs",
}
#: Per task, the labels that read differently from a binary classifier's (:data:`VERDICT_LABELS`): a
#: regression model's prior shift is a move of the target's mean and its outputs are forecasts; a
#: multiclass model's prior shift is a change of the class shares.
TASK_VERDICT_LABELS = {
    "regression": {
        "input_drift": "Input drift: the inputs moved; how the model responds is unknown without its "
                       "forecasts",
        "covariate_shift": "Covariate shift: the inputs moved, the model's forecasts did not",
        "prediction_drift": "Prediction drift: the inputs moved and the model's forecasts moved with them",
        "prior_shift": "Prior shift: the target's mean moved while the forecasts still follow the inputs",
        "concept_drift": "Concept drift: the relationship between the inputs and the target changed",
    },
    "multiclass": {
        "covariate_shift": "Covariate shift: the inputs moved, the model's predicted classes did not",
        "prediction_drift": "Prediction drift: the inputs moved and the model's predicted class shares "
                            "moved with them",
        "prior_shift": "Prior shift: the class shares changed while the model still tells the classes apart",
        "concept_drift": "Concept drift: the relationship between the inputs and the class changed",
    },
}


def verdict_label(kind: str, task: str = "binary") -> str:
    """The label of a verdict ``kind`` (:data:`VERDICTS`) in the words of the model's ``task``: a binary
    classifier's :data:`VERDICT_LABELS`, or the task's own (:data:`TASK_VERDICT_LABELS`) where they differ.

    >>> verdict_label("prior_shift", "regression")
    "Prior shift: the target's mean moved while the forecasts still follow the inputs"
    """
    return TASK_VERDICT_LABELS.get(task, {}).get(kind, VERDICT_LABELS[kind])


#: Order of precedence: each earlier cause also produces the later symptoms.
_PRECEDENCE = ("data_quality", "concept_drift", "prior_shift", "prediction_drift", "covariate_shift",
               "input_drift", "no_drift")


@dataclass(frozen=True, slots=True)
class BenchmarkRecord:
    """How often a verdict of this kind and strength was right in the verdict benchmark."""

    kind: str
    strength: str
    n: int
    right: int
    held_out_n: int = 0
    held_out_right: int = 0

    @property
    def rate(self) -> float:
        return self.right / self.n if self.n else float("nan")

    @property
    def sentence(self) -> str:
        """``"right in 47 of 52 comparable benchmark cases (held-out data: 12 of 14)"``."""
        text = f"right in {self.right} of {self.n} comparable benchmark cases"
        if self.held_out_n:
            text += f" (held-out data: {self.held_out_right} of {self.held_out_n})"
        return text

    def to_dict(self) -> dict:
        return {"kind": self.kind, "strength": self.strength, "n": self.n, "right": self.right,
                "held_out_n": self.held_out_n, "held_out_right": self.held_out_right,
                "sentence": self.sentence}


BENCHMARK_FILE = Path(__file__).with_name("verdict_benchmark.json")


@lru_cache(maxsize=1)
def _benchmark_table() -> dict:
    try:
        return json.loads(BENCHMARK_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def benchmark_record(kind: str, strength: str) -> BenchmarkRecord | None:
    """The measured hit rate of (kind, strength) from ``verdict_benchmark.json`` (its
    ``parts[part]["by_verdict"][kind][strength]`` counts); None when the benchmark has fewer than
    :data:`MIN_BENCHMARK_CASES` such cases (then no figure is shown)."""
    parts = _benchmark_table().get("parts", {})

    def counts(part: str) -> dict:
        return parts.get(part, {}).get("by_verdict", {}).get(kind, {}).get(strength, {})

    total = counts("all")
    if int(total.get("n", 0)) < MIN_BENCHMARK_CASES:
        return None
    held = counts("held_out")
    return BenchmarkRecord(kind, strength, int(total["n"]), int(total["n_right"]), int(held.get("n", 0)),
                           int(held.get("n_right", 0)))


@dataclass(frozen=True, slots=True)
class Finding:
    """A candidate explanation: its kind, the strength of its evidence, the evidence, the columns named."""

    kind: str
    strength: str
    evidence: tuple[str, ...]
    columns: tuple[str, ...] = ()
    task: str = "binary"

    @property
    def label(self) -> str:
        """The kind in the words of the model's task (:func:`verdict_label`)."""
        return verdict_label(self.kind, self.task)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label, "strength": self.strength,
                "evidence": list(self.evidence), "columns": list(self.columns)}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The dominant finding (``kind`` in :data:`VERDICTS`) and every finding that applies.

    ``benchmark`` is the measured hit rate of verdicts like this one (None: not measured, no figure shown);
    ``task`` the model's task, whose words the labels speak (:func:`verdict_label`).
    """

    kind: str
    strength: str
    evidence: tuple[str, ...]
    findings: tuple[Finding, ...]
    columns: tuple[str, ...] = ()
    benchmark: BenchmarkRecord | None = None
    task: str = "binary"

    @property
    def label(self) -> str:
        """The kind in the words of the model's task (:func:`verdict_label`)."""
        return verdict_label(self.kind, self.task)

    @property
    def confidence(self) -> float:
        """Measured hit rate (0–1) of verdicts like this in the benchmark; nan when not measured."""
        return self.benchmark.rate if self.benchmark else float("nan")

    @property
    def confidence_text(self) -> str:
        """How sure, in words backed by the benchmark (or a plain statement that it was not measured)."""
        if self.benchmark is None:
            return "not measured: too few comparable cases in the verdict benchmark"
        return self.benchmark.sentence

    @property
    def confidence_short(self) -> str:
        """``"47 of 52 right"`` or ``"not measured"``, for tables."""
        return f"{self.benchmark.right} of {self.benchmark.n} right" if self.benchmark else "not measured"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label, "strength": self.strength,
                "confidence": None if self.benchmark is None else self.benchmark.rate,
                "confidence_text": self.confidence_text,
                "benchmark": None if self.benchmark is None else self.benchmark.to_dict(),
                "evidence": list(self.evidence), "columns": list(self.columns),
                "findings": [f.to_dict() for f in self.findings]}


def _moved(step) -> bool:
    return bool(step is not None and step.status in ("warning", "alert"))


def verdict(steps: dict, alpha: float = 0.05, task: str = "binary") -> Verdict:
    """The dominant finding from the steps of :func:`drift.diagnose`.

    Rule, first match wins (each earlier cause also produces the later symptoms):

    1. ``data_quality`` — a pipeline break (:mod:`drift.data.quality`) in any column.  Strong when one
    break is of
       a kind that leaves no doubt (:data:`drift.data.quality.STRONG_BREAKS`, or a large missing burst).
    2. ``concept_drift`` — labels and predictions: the recalibration slope changed (p < alpha and the ratio
       outside :data:`SLOPE_BAND`), or the realised ROC AUC fell by at least :data:`AUC_DROP` with an interval
       below 0 while the inputs did not move.  Strong when both.
    3. ``prior_shift`` — labels and predictions: the base rate changed by at least :data:`BASE_RATE_CHANGE`
       (interval excluding 0) with a significant intercept-only recalibration shift, while predictions did
       not move.  Strong from twice that change.
    4. ``prediction_drift`` — a prediction column whose drift level is not ``ok``.  Strong at ``alert``.
    5. ``covariate_shift`` (a prediction column exists) / ``input_drift`` (it does not, so nothing is said
       about the model's outputs) — the inputs moved: a feature drifted (split proxies that are time-like
       aside), or the domain classifier or MMD (both without split proxies and broken columns) reached
       ``warning``, or an entity column shows churn beyond its own turnover
       (:func:`drift.data.quality.churn`).
       Strong with a major feature, a ``separates`` proxy, or a domain classifier ``alert``.
    6. ``no_drift`` — strong when the domain classifier ran and found nothing, weak otherwise.

    Without labels nothing is said about concept drift beyond "cannot be ruled out".

    Rules 2 and 3 read the task's metrics (``task``: ``binary`` above, or the task of the diagnosis):

    * ``regression`` -- *concept drift* when the calibration of the target on the forecast changed or the
      residuals moved at equal forecast (:func:`regression_concept_signals`), unless a prior shift
      explains it; strong when the realised MAE rose (its interval above 0).  *Prior shift* when the
      target's mean moved (:func:`target_mean_moved`) with a calibration change of the intercept only (the
      slope unchanged: p-value of the slope change at least ``alpha / 2`` or the ratio inside
      :data:`SLOPE_BAND`) while the forecasts did not move; strong when the mean moved strongly.  An
      additive change of the target at equal inputs also moves its residuals, so the prior shift, when it
      applies, is the reading given.
    * ``multiclass`` -- *concept drift* when a class's one-vs-rest recalibration slope changed
      (:func:`multiclass_concept_signals` at ``alpha / 2``, see :func:`task_concept_level`), or accuracy
      or macro-F1 fell (:func:`metric_fell` by :data:`ACCURACY_DROP`) while the inputs did not move;
      strong when both.  *Prior shift* when the true
      class shares changed (χ² p < alpha and a class's share by at least :data:`BASE_RATE_CHANGE`) with
      intercept-only shifts (some class's intercept shifted, no slope changed) while the predictions did not
      move; strong from twice that share change.
    """
    inputs = steps["inputs"].evidence
    findings: list[Finding] = []
    breaks = inputs.get("quality_issues", [])
    proxies = inputs.get("split_proxies", [])
    moving_proxies = [p for p in proxies if not p["time_like"]]
    pred, concept = steps.get("prediction"), steps.get("concept")
    dom, mmd = steps.get("domain"), steps.get("mmd")
    has_prediction = pred is not None and pred.status != "skipped"
    pred_moved = _moved(pred)
    dom_moved, mmd_moved = _moved(dom), _moved(mmd)
    churn = inputs.get("churn", [])
    inputs_moved = bool(inputs["n_drifted"] or moving_proxies or churn or dom_moved or mmd_moved)

    if breaks:
        ev = [b["message"] for b in breaks]
        if dom is not None and dom.status != "skipped":
            ev.append("apart from the broken column(s), the domain classifier "
                      + ("still tells the sides apart" if dom_moved else "finds no other difference")
                      + f" (AUC {dom.evidence['auc']:.3f})")
        findings.append(Finding("data_quality", "strong" if any(b["strong"] for b in breaks) else "weak",
                                tuple(ev), tuple(dict.fromkeys(b["feature"] for b in breaks))))
    if concept is not None and concept.status != "skipped" and concept.evidence.get("labels"):
        rule = {"regression": _regression_findings, "multiclass": _multiclass_findings}.get(task,
                                                                                          _label_findings)
        findings.extend(rule(concept, inputs_moved, pred_moved, alpha))
    if pred_moved:
        findings.append(Finding("prediction_drift", "strong" if pred.status == "alert" else "weak",
                                _prediction_evidence(pred.evidence)))
    if inputs_moved and not pred_moved:
        ev = list(_input_evidence(inputs, dom, mmd, dom_moved, mmd_moved))
        strong = bool(inputs["by_severity"]["major"] or moving_proxies or (dom and dom.status == "alert"))
        kind = "covariate_shift" if has_prediction else "input_drift"
        if has_prediction:
            ev.append(f"the model's {_OUTPUTS.get(task, 'predictions')} did not move (prediction PSI "
                      f"{pred.evidence['psi']:.3f})")
        else:
            ev.append("no prediction column: how the model responds is unknown — add its "
                      f"{_ADD_OUTPUTS.get(task, 'scores')} to find out")
        findings.append(Finding(kind, "strong" if strong else "weak", tuple(ev),
                                tuple(inputs["drifted"][:5]) + tuple(p["feature"] for p in moving_proxies)))
    if not findings:
        findings.append(_no_drift(inputs, pred, dom, concept, task))
    findings = sorted((replace(f, task=task) for f in findings), key=lambda f: _PRECEDENCE.index(f.kind))
    top = findings[0]
    return Verdict(top.kind, top.strength, top.evidence, tuple(findings), top.columns,
                   benchmark_record(top.kind, top.strength), task)


#: Per task (a binary classifier's words when absent), what the model outputs and what to add without them.
_OUTPUTS = {"regression": "forecasts", "multiclass": "predicted classes"}
_ADD_OUTPUTS = {"regression": "forecasts", "multiclass": "predicted classes or class probabilities"}
#: Per task, what "concept drift ruled out" says when the labelled tests found nothing.
_UNCHANGED = {"binary": "realised performance and P(y | score) unchanged",
              "regression": "realised errors and the target's relation to the forecast unchanged",
              "multiclass": "realised performance and P(class | the model's probabilities) unchanged"}


def _label_findings(concept, inputs_moved: bool, pred_moved: bool, alpha: float) -> list[Finding]:
    change, test = concept.result
    auc = change.table.loc["roc_auc"]
    base = change.table.loc["base_rate"]
    out = []
    slope_changed, auc_fell = concept_signals(change, test, alpha)
    if slope_changed or (auc_fell and not inputs_moved):
        ev = (f"ROC AUC {auc['reference']:.3f} → {auc['current']:.3f} (95% interval of the change "
              f"[{auc['lo']:+.3f}, {auc['hi']:+.3f}])",
              f"recalibration slope ratio {test.slope_ratio:.2f} "
              f"({format_pvalue(test.pvalue_slope, prefix=True)})")
        out.append(Finding("concept_drift", "strong" if slope_changed and auc_fell else "weak", ev))
    base_changed = abs(base["change"]) >= BASE_RATE_CHANGE and (base["lo"] > 0 or base["hi"] < 0)
    if base_changed and test.pvalue_intercept < alpha and not slope_changed and not pred_moved:
        ev = (f"outcome rate {base['reference']:.1%} → {base['current']:.1%}",
              f"intercept shift {test.intercept_shift:+.2f} log-odds "
              f"({format_pvalue(test.pvalue_intercept, prefix=True)}), slope ratio {test.slope_ratio:.2f}",
              f"ROC AUC change {auc['change']:+.3f}")
        out.append(Finding("prior_shift", "strong" if abs(base["change"]) >= 2 * BASE_RATE_CHANGE else "weak",
                           ev))
    return out


def _prediction_evidence(e: dict) -> tuple[str, str]:
    if "headline" in e:     # a regression or multiclass model: its test and its headline in its terms
        return f"prediction PSI {e['psi']:.3f} ({e['test']} {format_pvalue(e['pvalue'], prefix=True)})", \
            e["headline"]
    return (f"prediction PSI {e['psi']:.3f} ({format_pvalue(e['ks_pvalue'], prefix=True)})",
            f"mean score {e['mean_reference']:.3g} → {e['mean_current']:.3g}")


def _interval(row, digits: str = ".3g") -> str:
    return f"[{row['lo']:+{digits}}, {row['hi']:+{digits}}]"


def _regression_findings(concept, inputs_moved: bool, pred_moved: bool, alpha: float) -> list[Finding]:
    change, test, target = concept.result
    calibration_changed, residuals_moved = regression_concept_signals(test, alpha)
    slope_changed = bool(test.pvalue_slope < alpha / CONCEPT_TESTS
                         and not SLOPE_BAND[0] <= test.slope_ratio <= SLOPE_BAND[1])
    moved, strongly = target_mean_moved(target, test.residual_sd)
    prior = moved and calibration_changed and not slope_changed and not pred_moved
    mae = change.table.loc["mae"]
    level = f"{change.confidence:.1%}".replace(".0%", "%")
    out = []
    if (calibration_changed or residuals_moved) and not prior:
        ev = (f"MAE {mae['reference']:.3g} → {mae['current']:.3g} ({level} interval of the change "
              f"{_interval(mae)})",
              f"target on forecast: slope ratio {test.slope_ratio:.2f}, shift at the mean forecast "
              f"{test.shift_at_mean:+.3g} ({format_pvalue(test.pvalue, prefix=True)})",
              f"residuals at equal forecast: {format_pvalue(test.residual_pvalue, prefix=True)}")
        out.append(Finding("concept_drift", "strong" if mae["lo"] > 0 else "weak", ev))
    if prior:
        name = concept.evidence.get("target") or "target"
        ev = (f"mean {name} {target['reference']:.3g} → {target['current']:.3g}, in the target's units "
              f"(interval of the change {_interval(target)})",
              f"intercept-only shift of the target on the forecast: {test.shift_at_mean:+.3g} at the mean "
              f"forecast ({format_pvalue(test.pvalue, prefix=True)}), slope ratio {test.slope_ratio:.2f}",
              f"MAE change {mae['change']:+.3g}")
        out.append(Finding("prior_shift", "strong" if strongly else "weak", ev))
    return out


def _multiclass_findings(concept, inputs_moved: bool, pred_moved: bool, alpha: float) -> list[Finding]:
    change, test, shares = concept.result
    slope = multiclass_concept_signals(test, alpha / CONCEPT_TESTS)[0] if test is not None else ()
    intercept = multiclass_concept_signals(test, alpha)[1] if test is not None else ()
    acc = change.table.loc["accuracy"]
    fell = any(metric_fell(change.table.loc[m], ACCURACY_DROP) for m in ("accuracy", "macro_f1"))
    out = []
    if slope or (fell and not inputs_moved):
        ev = [f"accuracy {acc['reference']:.3f} → {acc['current']:.3f} (interval of the change "
              f"{_interval(acc, '.3f')})"]
        if test is not None:
            rows = test.per_class[test.per_class["class"].isin(slope)]
            named = ", ".join(f"{r['class']} (ratio {r['slope_ratio']:.2f}, "
                              f"{format_pvalue(r['pvalue_slope_adjusted'], prefix=True)})"
                              for r in rows.to_dict("records")) or "no class"
            ev.append(f"one-vs-rest recalibration slope changed for {named}, corrected across classes")
        out.append(Finding("concept_drift", "strong" if slope and fell else "weak", tuple(ev)))
    moved_shares = shares.shares.dropna(subset=["change"])
    biggest = moved_shares.loc[moved_shares["change"].abs().idxmax()] if len(moved_shares) else None
    size = abs(biggest["change"]) if biggest is not None else float("nan")
    moved = bool(shares.pvalue < alpha and size >= BASE_RATE_CHANGE)
    if moved and intercept and not slope and not pred_moved:
        ev = (f"share of class {biggest['class']} {biggest['reference_share']:.1%} → "
              f"{biggest['current_share']:.1%} (χ² {format_pvalue(shares.pvalue, prefix=True)})",
              f"intercept-only recalibration shift for {', '.join(map(str, intercept))}, no slope changed",
              f"accuracy change {acc['change']:+.3f}")
        out.append(Finding("prior_shift", "strong" if size >= 2 * BASE_RATE_CHANGE else "weak", ev))
    return out


def _input_evidence(inputs: dict, dom, mmd, dom_moved: bool, mmd_moved: bool):
    if inputs["n_drifted"]:
        yield f"{inputs['n_drifted']} of {inputs['n_features']} features drifted"
    moves = inputs.get("moves", [])
    if moves:
        yield "largest moves: " + "; ".join(moves[:3])
    for p in inputs.get("split_proxies", []):
        if not p["time_like"]:
            yield f"{p['feature']}: {p['message']}"
    yield from inputs.get("churn", [])[:3]
    if dom_moved:
        yield (f"domain classifier AUC {dom.evidence['auc']:.3f} {_ci(dom.evidence['auc_ci'])} "
               f"({format_pvalue(dom.evidence['pvalue'], prefix=True)})")
    if mmd_moved:
        yield f"embedding MMD {format_pvalue(mmd.evidence['pvalue'], prefix=True)}"
    yield from [v for v in inputs.get("new_values", []) if v not in inputs.get("churn", [])][:3]
    left_out = [p["feature"] for p in inputs.get("split_proxies", []) if p["time_like"]]
    if left_out:
        yield f"split proxies not counted as drift: {', '.join(left_out[:4])}"


def _ci(ci) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _no_drift(inputs: dict, pred, dom, concept, task: str = "binary") -> Finding:
    ev = [f"{inputs['n_features']} features, none drifted"]
    if pred is not None and pred.status != "skipped":
        ev.append(f"prediction PSI {pred.evidence['psi']:.3f}")
    if dom is not None and dom.status != "skipped":
        ev.append(f"domain classifier AUC {dom.evidence['auc']:.3f} {_ci(dom.evidence['auc_ci'])}")
    if concept is not None and concept.status != "skipped":
        ev.append(_UNCHANGED.get(task, _UNCHANGED["binary"]) if concept.evidence.get("labels")
                  else "no labels: concept drift cannot be ruled out")
    elif concept is not None:
        ev.append("no labels or no predictions: concept drift cannot be ruled out")
    left_out = [p["feature"] for p in inputs.get("split_proxies", []) if p["time_like"]]
    if left_out:
        ev.append(f"split proxies not counted as drift: {', '.join(left_out[:4])}")
    strong = dom is not None and dom.status == "ok"
    return Finding("no_drift", "strong" if strong else "weak", tuple(ev))
