"""The stakeholder report: a plain-language summary of a diagnosis, exported as JSON, Markdown and HTML.

* :func:`stakeholder_summary` — four sentences for people who do not read p-values: *what changed*,
  *how sure we are*, *what it costs*, *what we recommend* (one recommendation per verdict kind).
* :func:`build_report` (one diagnosis) / :func:`build_batch_report` (one per production batch) return a
  :class:`Report` whose ``to_json()``, ``to_markdown()`` and ``to_html()`` give the exports.

The HTML is **one self-contained file** that opens offline: inline CSS, plotly.js embedded once in a
``<script>``, each figure a ``<div>`` with its own small script, no network request of any kind.

Escaping (every column name and value is data, never markup):

* HTML: every text goes through ``html.escape``; figure labels through
  :func:`drift.report.charts.label`; plotly serialises figure JSON with ``<``, ``>`` and ``/`` written as
  ``\\u003c``… so no string can close a ``<script>`` (checked again on every fragment, see
  :func:`_figure_html`).
* Markdown: ``\\``, ``|``, backticks, ``*``, ``_``, ``[``, ``]`` are backslash-escaped, ``<``/``>`` become
  ``&lt;``/``&gt;``, a ``&`` that would start an entity becomes ``&amp;``, newlines become spaces.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from drift import __version__
from drift.core.decisions import verdict_label
from drift.core.errors import DriftParameterError
from drift.core.formatting import format_pvalue
from drift.core.jsonsafe import dumps, jsonable
from drift.data.task import TASKS
from drift.model.impact import why_not_priced
from drift.model.pricing import format_money
from drift.model.task_impact import TaskImpact
from drift.report import palette

#: Keys of :func:`stakeholder_summary`, in reading order, with their headings.
SUMMARY_HEADINGS = {"what_changed": "What changed", "how_sure": "How sure we are",
                    "what_it_costs": "What it costs", "recommendation": "What we recommend"}
#: Drifted features listed in a Markdown section.
MARKDOWN_MAX_FEATURES = 30

_RECOMMENDATIONS = {
    "data_quality": "Fix the data pipeline, not the model: {subject}. Correct the upstream source, re-score "
                    "the affected rows, and do not retrain on this data — a model trained on broken inputs "
                    "learns the breakage. Add a check that stops such batches before they are scored.",
    "input_drift": "Find out whether the model noticed: add its predictions (a score column) to this "
                   "analysis — without them nothing can be said about its outputs. Meanwhile check the "
                   "change ({subject}) with the people who own those inputs: an expected change (a season, a "
                   "campaign, a new market) needs no action on the data; an unexplained one needs a look.",
    "covariate_shift": "No retraining needed yet: the model's predictions have not moved. Keep monitoring, "
                       "and as labels arrive check the model's performance on the segments that grew "
                       "({subject}).",
    "prediction_drift": "Review the decision thresholds and the expected volumes with the business: the "
                        "model now flags a different share of cases{subject}. If the new population is here "
                        "to stay, plan a retrain that includes it, and confirm with labels that the model "
                        "still ranks it well.",
    "prior_shift": "Recalibrate the model's probabilities to the new outcome rate, or adjust its decision "
                   "threshold; the ranking still holds, so a full retrain is not needed. Revisit when the "
                   "rate settles.",
    "concept_drift": "Retrain on recent labelled data: the patterns the model learned no longer hold. Until "
                     "the new model ships, consider a more conservative threshold or human review of "
                     "borderline cases.",
    "no_drift": "Keep monitoring on the usual schedule; no action is needed{subject}.",
}

#: Per task, the recommendations that differ from the binary classifier's (:data:`_RECOMMENDATIONS`).
_TASK_RECOMMENDATIONS = {
    ("regression", "prediction_drift"):
        "Review the plans built on the forecasts with the business: the model now forecasts "
        "differently{subject}. If the new population is here to stay, plan a retrain that includes it, and "
        "confirm with labels that the forecast errors did not grow.",
    ("regression", "prior_shift"):
        "Correct the forecasts' level (a bias correction fitted on recent labelled data); the model still "
        "follows the inputs, so a full retrain is not needed. Revisit when the level settles.",
    ("regression", "concept_drift"):
        "Retrain on recent labelled data: the patterns the model learned no longer hold. Until the new model "
        "ships, widen the safety margins built on its forecasts (e.g. stock buffers) or review the largest "
        "ones by hand.",
    ("multiclass", "concept_drift"):
        "Retrain on recent labelled data: the patterns the model learned no longer hold. Until the new model "
        "ships, send the cases it is least sure of (the lowest top-class probability) to human review.",
    ("multiclass", "prediction_drift"):
        "Review the volumes per class with the business: the model now assigns a different share of cases to "
        "each class. If the new population is here to stay, plan a retrain that includes it, and confirm "
        "with labels that the model still tells the classes apart.",
    ("multiclass", "prior_shift"):
        "Re-weight the model's class probabilities to the new class mix (a prior correction), or adjust its "
        "decision rule; the model still tells the classes apart, so a full retrain is not needed. Revisit "
        "when the mix settles.",
}
_TASK_RECOMMENDATIONS.update({(task, "input_drift"): _RECOMMENDATIONS["input_drift"].replace("a score column",
                                                                                            output)
                              for task, output in (("regression", "a forecast column"),
                                                   ("multiclass", "a predicted-class column"))})
_TASK_RECOMMENDATIONS.update({(task, "data_quality"): _RECOMMENDATIONS["data_quality"].replace(
    "re-score", redo).replace("they are scored", used)
    for task, redo, used in (("regression", "re-forecast", "they are forecast"),
                             ("multiclass", "re-classify", "they are classified"))})
#: Per task, what the model does with a case, in a sentence.
_TREATS = {"binary": "scoring", "multiclass": "classifying", "regression": "forecasting"}
#: Per task, what the model does with broken values, in a sentence.
_BROKEN_USE = {"binary": "scores these values", "multiclass": "classifies rows with these values",
               "regression": "forecasts from these values"}
#: Per task, how performance is estimated without labels, in a sentence.
_ESTIMATED_FROM = {"binary": "the model's own confidence",
                   "multiclass": "the model's own class probabilities",
                   "regression": "a model of its errors fitted on the reference (direct loss estimation)"}
#: Per task, what the model outputs, in a sentence.
_OUTPUTS = {"binary": "scores", "multiclass": "class probabilities", "regression": "forecasts"}
#: Per task, the realised-performance metric quoted for concept drift: (metric key, its name, format).
_HEADLINE_METRIC = {"binary": ("roc_auc", "ROC AUC", ".3f"), "multiclass": ("accuracy", "accuracy", ".3f"),
                    "regression": ("mae", "mean absolute error", ".4g")}
#: Classes whose shares a sentence quotes (the largest changes first).
CLASSES_QUOTED = 3
#: Per task, what "What it costs" says when pricing was not asked for.
_NOT_PRICED = {
    "binary": "Not priced in this report: price it with drift.business_impact (decisions per month, the cost "
              "of a false positive and of a false negative, the model's decision threshold).",
    "multiclass": "Not priced in this report: price it with drift.multiclass_impact (decisions per month, "
                  "a cost matrix indexed by true and predicted class).",
    "regression": "Not priced in this report: price it with drift.regression_impact (forecasts per month, "
                  "the cost of a unit over-forecast and of a unit under-forecast).",
}

_VERDICT_COLORS = palette.VERDICT_TEXT
_STATUS_COLORS = palette.LEVEL_TEXT
_SEVERITY_TEXT_COLORS = palette.SEVERITY_TEXT


# --------------------------------------------------------------------------------------- summary
def _pct(x: float) -> str:
    return f"{x:.1%}" if _finite(x) else "n/a"


def _finite(x) -> bool:
    try:
        return not isinstance(x, bool) and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _listing(names, limit: int = 4) -> str:
    names = [str(n) for n in names]
    if not names:
        return ""
    head = ", ".join(names[:limit])
    return head + (f" and {len(names) - limit} more" if len(names) > limit else "")


def report_task(diagnosis, impact: TaskImpact | None = None) -> str:
    """The model's task for the report's sentences: the diagnosis's (``Diagnosis.task``, a
    :class:`~drift.data.task.TaskInfo` or its name), else the priced impact's, else ``"binary"``."""
    info = getattr(diagnosis, "task", None)
    task = getattr(info, "task", info)
    if task in TASKS:
        return task
    task = getattr(impact, "task", None)
    return task if task in TASKS else "binary"


def _performance_row(diagnosis, metric: str) -> dict | None:
    ev = diagnosis.step("concept").evidence
    return next((r for r in ev.get("performance", ()) if r.get("metric") == metric), None)


def _what_changed(d, task: str = "binary") -> str:
    kind = d.verdict.kind
    inputs = d.step("inputs").evidence
    pred = d.step("prediction")
    drifted = inputs.get("drifted", [])
    n_feat = inputs.get("n_features", 0)
    if kind == "data_quality":
        issues = [i["message"] for i in inputs.get("quality_issues", [])] or list(d.verdict.evidence)
        return ("The data pipeline is delivering broken inputs: " + "; ".join(issues[:3])
                + ("; …" if len(issues) > 3 else "") + f". The model {_BROKEN_USE[task]} as if they were "
                "real, so its decisions on this data cannot be trusted until the pipeline is fixed.")
    if kind in ("covariate_shift", "input_drift"):
        moves = inputs.get("moves", [])
        moved = ("; ".join(moves[:3]) if moves else f"{_listing(drifted)} moved" if drifted else
                 "no single feature moved much, but their combination did (the domain classifier or the "
                 "embedding test tells production from training)")
        if kind == "input_drift":
            return (f"The incoming data changed — {moved}. The data holds no model predictions, so whether "
                    "the model's outputs moved with it is unknown.")
        return (f"The mix of incoming cases changed — {moved} — but the model's predictions did not: it is "
                f"seeing different cases and {_TREATS[task]} them as before.")
    if kind == "prediction_drift":
        text = "The incoming population changed"
        text += f" ({_listing(drifted)} moved)" if drifted else ""
        return text + _predictions_moved(pred.evidence, task) + "."
    if kind == "prior_shift":
        return _prior_shift(d, task)
    if kind == "concept_drift":
        metric, name, spec = _HEADLINE_METRIC[task]
        row = _performance_row(d, metric)
        text = ("The relationship between the inputs and the outcome changed: similar cases now turn out "
                f"differently, so the model's {_OUTPUTS[task]} no longer mean what they meant at training")
        if row and _finite(row.get("reference")) and _finite(row.get("current")):
            text += f" ({name} {row['reference']:{spec}} → {row['current']:{spec}})"
        return text + "."
    text = f"Nothing meaningful changed: none of the {n_feat} features drifted"
    if pred.status != "skipped":
        text += f", and the model's predictions are stable (PSI {pred.evidence.get('psi', float('nan')):.3f})"
    proxies = [p["feature"] for p in inputs.get("split_proxies", [])]
    if proxies:
        text += (f" (set apart: {_listing(proxies)}, which only say when or where a row was taken)")
    return text + "."


def _predictions_moved(e: Mapping, task: str) -> str:
    """``" and the model's predictions moved with it: …"`` in the task's terms (a 0/1 rate: binary only)."""
    before, after = e.get("mean_reference"), e.get("mean_current")
    if task == "regression":
        text = " and the model's forecasts moved with it"
        if _finite(before) and _finite(after):
            text += f": the average forecast went from {before:.4g} to {after:.4g}"
        return text
    if task == "multiclass":
        moved = _shares_moved(e.get("shares"))
        return (" and the model's predictions moved with it: it assigns a different share of cases to each "
                "class" + (f" (predicted {moved})" if moved else ""))
    text = (f" and the model's predictions moved with it: the average score went from "
            f"{e.get('mean_reference', float('nan')):.3f} to {e.get('mean_current', float('nan')):.3f}")
    if _finite(e.get("positive_rate_reference")) and _finite(e.get("positive_rate_current")):
        text += (f", and the share of cases flagged went from {_pct(e['positive_rate_reference'])} to "
                 f"{_pct(e['positive_rate_current'])}")
    return text


def _shares_moved(records) -> str:
    """``"negative 33.8% → 40.1%, neutral 16.9% → 9.7%"``: the classes whose share moved most (records with
    ``class``, ``reference_share``, ``current_share``); ``""`` without them."""
    rows = [r for r in records or () if _finite(r.get("reference_share")) and _finite(r.get("current_share"))]
    rows.sort(key=lambda r: -abs(r["current_share"] - r["reference_share"]))
    return ", ".join(f"{r['class']} {_pct(r['reference_share'])} → {_pct(r['current_share'])}"
                     for r in rows[:CLASSES_QUOTED])


def _prior_shift(d, task: str) -> str:
    concept = d.step("concept").evidence
    if task == "regression":
        level = concept.get("target_mean") or {}
        name = f"{concept['target']} " if concept.get("target") else ""
        mean = (f" (mean {name}{level['reference']:.4g} → {level['current']:.4g}, in the target's units)"
                if _finite(level.get("reference")) and _finite(level.get("current")) else "")
        return (f"The level of the outcome changed{mean} while the inputs and the model's forecasts did "
                "not: the model still follows the inputs, but its forecasts are now off in one direction (a "
                "bias).")
    if task == "multiclass":
        moved = _shares_moved(concept.get("label_shares"))
        return (f"The mix of classes changed{f' ({moved})' if moved else ''} while the inputs and the "
                "model's predictions did not: the model still tells the classes apart, but its probabilities "
                "no longer match how often each class occurs.")
    base = _performance_row(d, "base_rate")
    rate = (f" from {_pct(base['reference'])} to {_pct(base['current'])}" if base else "")
    return (f"The outcome rate changed{rate} while the inputs and the model's scores did not: the "
            "model still ranks cases well, but its probabilities no longer match how often the outcome "
            "happens.")


def _how_sure(d, task: str = "binary") -> str:
    v = d.verdict
    text = (f"Verdicts like this one were {v.confidence_text}" if v.benchmark else
            "How often verdicts like this one are right is not measured yet: too few comparable cases in the "
            "verdict benchmark")
    if v.evidence:
        text += ": " + "; ".join(v.evidence[:4])
    text += ". "
    concept = d.step("concept")
    if d.has_labels:
        text += "Model performance was measured on labelled production data."
    elif concept.status != "skipped":
        text += ("No production labels were used, so a change in how outcomes follow the inputs (concept "
                 f"drift) cannot be ruled out; performance was estimated from {_ESTIMATED_FROM[task]}.")
    else:
        text += ("Model performance and concept drift were not assessed (they need a target and a prediction "
                 "column): concept drift cannot be ruled out.")
    others = [verdict_label(f.kind, task).split(':')[0].lower() for f in v.findings[1:]]
    if others:
        text += " Also consistent with: " + ", ".join(others) + "."
    return text


def _what_it_costs(d, impact: TaskImpact | None, not_priced: str | None, task: str = "binary") -> str:
    if impact is not None:
        return impact.sentence
    reason = not_priced or why_not_priced(d.schema.target, _model_output(d), task=task)
    return reason if reason is not None else _NOT_PRICED[task]


def _model_output(d) -> str | None:
    """The prediction column, or the per-class probability columns of a model given by them alone."""
    if d.schema.prediction is not None:
        return d.schema.prediction
    info = getattr(d, "task", None)
    if info is None or info.prediction is not None or not info.probability_columns:
        return None
    return ", ".join(info.probability_columns.values())


def _recommendation(d, task: str = "binary") -> str:
    kind = d.verdict.kind
    inputs = d.step("inputs").evidence
    subject = ""
    if kind == "data_quality":
        feats = list(dict.fromkeys(i["feature"] for i in inputs.get("quality_issues", [])))
        subject = f"check {_listing(feats)}" if feats else "check the upstream source"
    elif kind in ("covariate_shift", "input_drift"):
        subject = _listing(inputs.get("drifted", [])) or "the rows the domain classifier finds most unusual"
    elif kind == "no_drift" and d.step("prediction").status == "skipped":
        subject = " on the data; add the model's predictions and outcomes to watch the model itself"
    elif kind == "prediction_drift":
        e = d.step("prediction").evidence
        if task == "regression":
            before, after = e.get("mean_reference"), e.get("mean_current")
            if _finite(before) and _finite(after):
                subject = f" (average forecast {before:.4g} → {after:.4g})"
        elif _finite(e.get("positive_rate_reference")) and _finite(e.get("positive_rate_current")):
            subject = f" ({_pct(e['positive_rate_reference'])} → {_pct(e['positive_rate_current'])})"
    text = _TASK_RECOMMENDATIONS.get((task, kind), _RECOMMENDATIONS[kind])
    return text.format(subject=subject)


def stakeholder_summary(diagnosis, impact: TaskImpact | None = None, *,
                        not_priced: str | None = None) -> dict[str, str]:
    """The diagnosis in four plain-language sentences, for people who do not read p-values.

    Parameters
    ----------
    diagnosis : drift.diagnosis.diagnose.Diagnosis
        Result of :func:`drift.diagnose`.
    impact : BusinessImpact, MulticlassImpact or RegressionImpact, optional
        From :func:`drift.model.task_impact.task_business_impact` (or the task's own function) on the same
        rows; without it "What it costs" says what pricing needs (a prediction column, a target) or that it
        was not asked for.
    not_priced : str, optional
        Why there is no impact when pricing failed on the data (e.g. a target that is not 0/1), said in
        "What it costs" instead.

    Returns
    -------
    dict
        ``headline`` (the verdict's label), ``what_changed``, ``how_sure``, ``what_it_costs`` and
        ``recommendation``.  The recommendation follows the verdict kind: data quality → fix the
        pipeline (no retrain); covariate shift → monitor and check segment performance; prediction
        drift → review thresholds and volumes, plan a retrain; prior shift → recalibrate or move the
        threshold; concept drift → retrain on recent labelled data; no drift → keep monitoring.  Every
        sentence is in the terms of the model's task (:func:`report_task`): a regression model's forecasts
        and errors, a multiclass model's classes — never a ROC AUC or a 0/1 rate but for a binary model.
    """
    task = report_task(diagnosis, impact)
    return {"headline": verdict_label(diagnosis.verdict.kind, task),
            "what_changed": _what_changed(diagnosis, task),
            "how_sure": _how_sure(diagnosis, task),
            "what_it_costs": _what_it_costs(diagnosis, impact, not_priced, task),
            "recommendation": _recommendation(diagnosis, task)}


# ---------------------------------------------------------------------------------------- report
@dataclass(frozen=True, slots=True, eq=False)
class ReportSection:
    """One diagnosed production set (a file, or one batch of it) inside a :class:`Report`."""

    name: str
    diagnosis: object
    impact: TaskImpact | None
    summary: dict

    def to_dict(self) -> dict:
        d = self.diagnosis
        return jsonable({
            "current_name": self.name, "n_reference": d.n_reference, "n_current": d.n_current,
            "task": None if getattr(d, "task", None) is None else d.task.to_dict(),
            "has_labels": d.has_labels, "verdict": d.verdict.to_dict(), "summary": self.summary,
            "impact": self.impact.to_dict() if self.impact is not None else None,
            "steps": [s.to_dict() for s in d.steps],
            "features": d.feature_table, "schema": d.schema.to_dict()})


@dataclass(frozen=True, slots=True, eq=False)
class Report:
    """A drift report: one or more diagnosed sections, exportable as JSON, Markdown and HTML.

    Attributes
    ----------
    title : str
    reference_name : str
        Name of the training (reference) data, shown in the header.
    sections : tuple of ReportSection
        One per diagnosed production set (one per batch for a batch report).
    generated_at : str
        ISO-8601 UTC timestamp.
    version : str
        ``drift.__version__`` that built the report.
    """

    title: str
    reference_name: str
    sections: tuple[ReportSection, ...]
    generated_at: str
    version: str

    def to_dict(self) -> dict:
        """Everything: metadata, an overview of the verdicts, and every section in full."""
        first = self.sections[0].diagnosis
        return {
            "title": self.title,
            "metadata": {"generator": "Drift Explorer", "version": self.version,
                         "generated_at": self.generated_at, "reference_name": self.reference_name,
                         "n_reference": first.n_reference,
                         "rows": {s.name: s.diagnosis.n_current for s in self.sections}},
            "overview": [{"current_name": s.name, "verdict": s.diagnosis.verdict.kind,
                          "label": s.summary["headline"], "confidence": s.diagnosis.verdict.confidence,
                          "confidence_text": s.diagnosis.verdict.confidence_text}
                         for s in self.sections],
            "sections": [s.to_dict() for s in self.sections],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Strict JSON (no ``NaN``): :meth:`to_dict` serialised."""
        return dumps(self.to_dict(), indent=indent)

    def to_markdown(self) -> str:
        """A copyable summary: verdict, the four sentences, the steps and the drifted features."""
        return _markdown(self)

    def to_html(self) -> str:
        """One self-contained HTML document (inline CSS, plotly.js embedded once, works offline)."""
        return _html(self)


def build_report(diagnosis, *, title: str = "Drift report", impact: TaskImpact | None = None,
                 reference_name: str = "reference", current_name: str = "current",
                 not_priced: str | None = None) -> Report:
    """A :class:`Report` of one diagnosis.

    Parameters
    ----------
    diagnosis : drift.diagnosis.diagnose.Diagnosis
        Result of :func:`drift.diagnose`.
    title : str, default "Drift report"
    impact : BusinessImpact, MulticlassImpact or RegressionImpact, optional
        Priced impact (:func:`drift.model.task_impact.task_business_impact`), shown in the summary and its
        section.
    reference_name, current_name : str
        Names of the two data sets (file names, batch labels) shown in the report.
    """
    return build_batch_report({current_name: diagnosis}, title=title, impacts={current_name: impact},
                              reference_name=reference_name,
                              not_priced={current_name: not_priced} if not_priced else None)


def build_batch_report(diagnoses: Mapping[str, object], *, title: str = "Drift report",
                       impacts: Mapping[str, TaskImpact | None] | None = None,
                       reference_name: str = "reference",
                       not_priced: Mapping[str, str] | None = None) -> Report:
    """A :class:`Report` with one section per diagnosed production set (e.g. per batch), in order.

    Parameters
    ----------
    diagnoses : mapping of name -> Diagnosis
        Non-empty; keys name the sections (batch labels or file names).
    impacts : mapping of name -> priced impact (any task) or None, optional
    not_priced : mapping of name -> str, optional
        Why a section has no impact (pricing failed on its data); see :func:`stakeholder_summary`.
    """
    if not diagnoses:
        raise DriftParameterError.invalid("diagnoses", "build_batch_report", "a non-empty mapping", diagnoses)
    if not isinstance(title, str):
        raise DriftParameterError.invalid("title", "build_batch_report", "a string", title)

    impacts, not_priced = impacts or {}, not_priced or {}
    sections = tuple(ReportSection(str(name), d, impacts.get(name),
                                   stakeholder_summary(d, impacts.get(name), not_priced=not_priced.get(name)))
                     for name, d in diagnoses.items())
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    return Report(title, str(reference_name), sections, now, __version__)


# -------------------------------------------------------------------------------------- formatting
def _fmt(x, spec: str = ".3g") -> str:
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else "no"
    if x is None or (isinstance(x, (float, np.floating)) and not np.isfinite(x)):
        return "—"
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        return format(float(x), spec)
    return str(x)


def _cell(column: str, value) -> str:
    """A feature-table value as display text."""
    if column in ("pvalue", "pvalue_adjusted"):
        return format_pvalue(value)
    if column in ("missing_ref", "missing_cur"):
        return _pct(value) if _finite(value) else "—"
    if column in ("psi", "wasserstein_norm", "js", "statistic"):
        tiny = _finite(value) and 0 < abs(value) < 0.001
        return f"{value:.1e}" if tiny else _fmt(value, ".3g")
    return _fmt(value)


# ---------------------------------------------------------------------------------------- markdown
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")


def md_escape(text: object) -> str:
    """Text safe inside Markdown (and a Markdown table cell): no markup, no HTML, one line."""
    s = _MD_ENTITY.sub("&amp;", str(text))
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = s.replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"\s*[\r\n]+\s*", " ", s)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _cost_matrix_rows(bi: TaskImpact) -> tuple[list[str], list[list[str]]]:
    """A multiclass impact's cost matrix as text: the header and one row per true class (empty otherwise)."""
    matrix = getattr(bi, "cost_matrix", None)
    if matrix is None:
        return [], []
    money = bi.inputs.currency
    header = ["true \\ predicted"] + [str(c) for c in bi.classes]
    rows = [[str(c)] + [format_money(v, money) for v in row]
            for c, row in zip(bi.classes, matrix, strict=True)]
    return header, rows


def _md_impact(bi: TaskImpact) -> list[str]:
    """The business-impact section: the inputs (each marked assumed or not), the cost matrix of a multiclass
    model, each part with its formula."""
    e = md_escape
    inputs = bi.inputs
    flag = " — with assumed figures" if inputs.any_assumed else ""
    lines = [f"**Business impact**{flag} ({e(bi.how)}, per quarter, {bi.confidence:.0%} ranges)", ""]
    lines += _md_table(["Input", "Value", "Assumed"],
                       [[e(inputs.label(n).capitalize()), e(inputs.display(n)),
                         "yes — edit to your figures" if inputs.assumed(n) else "no — your figure"]
                        for n in inputs.names]) + [""]
    header, rows = _cost_matrix_rows(bi)
    if rows:
        lines += ["Cost matrix (rows: true class, columns: predicted class):", ""]
        lines += _md_table([e(h) for h in header], [[e(c) for c in r] for r in rows]) + [""]
    for part in bi.parts:
        lines.append(f"- **{e(part.label)}:** {e(bi.figure(part))} (range {e(bi.range_text(part))}). "
                     f"{e(part.explanation)} Formula: {e(part.formula)}")
    return lines + [""]


def _markdown(report: Report) -> str:
    e = md_escape
    first = report.sections[0].diagnosis
    lines = [f"# {e(report.title)}", "",
             f"Reference: **{e(report.reference_name)}** ({first.n_reference:,} rows) · generated "
             f"{e(_when(report.generated_at))} · Drift Explorer {e(report.version)}", ""]
    if len(report.sections) > 1:
        lines += _md_table(["Data", "Verdict", "Confidence"],
                           [[e(s.name), e(s.summary["headline"]),
                             s.diagnosis.verdict.confidence_short]
                            for s in report.sections]) + [""]
    for s in report.sections:
        d, v = s.diagnosis, s.diagnosis.verdict
        lines += [f"## {e(s.name)}: {e(s.summary['headline'])}", "",
                  f"**Verdict:** {e(s.summary['headline'])} — {e(v.confidence_text)}; "
                  f"{d.n_current:,} rows compared with {d.n_reference:,}.", ""]
        lines += [f"- **{SUMMARY_HEADINGS[k]}:** {e(s.summary[k])}" for k in SUMMARY_HEADINGS] + [""]
        if s.impact is not None:
            lines += _md_impact(s.impact)
        lines += ["**Steps**", ""]
        lines += _md_table(["Step", "Status", "Finding"],
                           [[e(st.title), st.status, e(st.summary)] for st in d.steps]) + [""]
        t = d.feature_table
        drifted = t[t["drifted"]] if len(t) else t
        if len(drifted):
            shown = drifted.head(MARKDOWN_MAX_FEATURES)
            more = f" (first {len(shown)})" if len(drifted) > len(shown) else ""
            lines += [f"**Drifted features:** {len(drifted)} of {len(t)}{more}", ""]
            lines += _md_table(
                ["Feature", "Kind", "Severity", "PSI", "Adjusted p", "Missing (ref → cur)"],
                [[e(r["feature"]), e(r["kind"]), e(r["severity"]), _cell("psi", r["psi"]),
                  format_pvalue(r["pvalue_adjusted"]),
                  f"{_cell('missing_ref', r['missing_ref'])} → {_cell('missing_cur', r['missing_cur'])}"]
                 for r in shown.to_dict("records")]) + [""]
        else:
            lines += [f"**Drifted features:** none of {len(t)} (severity moderate or major).", ""]
    return "\n".join(lines).rstrip() + "\n"


# -------------------------------------------------------------------------------------------- html
_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;--accent:#0969da}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",
Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:32px 24px 48px}
header.doc{margin-bottom:24px}
header.doc h1{font-size:28px;line-height:1.25;margin:0 0 6px;font-weight:650;letter-spacing:-.01em}
.meta{color:var(--muted);font-size:13px}
.meta b{color:var(--fg);font-weight:600}
h2{font-size:22px;margin:40px 0 14px;font-weight:650;letter-spacing:-.01em}
h3{font-size:16px;margin:0 0 10px;font-weight:650}
section.batch{border-top:1px solid var(--line);padding-top:8px}
section.batch:first-of-type{border-top:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;
margin:0 0 16px}
.banner{border-left:6px solid var(--vc);background:linear-gradient(90deg,var(--vbg),#fff 60%)}
.banner .kicker{text-transform:uppercase;letter-spacing:.06em;font-size:12px;font-weight:700;color:var(--vc)}
.banner .label{font-size:21px;font-weight:650;margin:2px 0 8px;line-height:1.3}
.banner ul{margin:8px 0 0;padding-left:20px;color:var(--muted);font-size:14px}
.chip{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:600;
border:1px solid currentColor;white-space:nowrap}
.grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px;margin-bottom:16px}
.grid .card{margin:0}
.summary h3{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em;margin-bottom:6px}
.summary p{margin:0}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}
.kpi{flex:1 1 180px;border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.kpi .v{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.kpi .k{color:var(--muted);font-size:12px}
.step header{display:flex;justify-content:space-between;align-items:baseline;gap:12px;flex-wrap:wrap}
.step .finding{font-weight:600;margin:4px 0 8px}
.step p{margin:6px 0}
.step .why,.step .next{color:var(--muted);font-size:14px}
.step.skipped{opacity:.75}
.charts{display:grid;grid-template-columns:minmax(0,1fr);gap:12px;margin-top:12px}
.charts.two{grid-template-columns:repeat(2,minmax(0,1fr))}
.chart{border:1px solid #eaeef2;border-radius:8px;padding:6px;min-width:0}
.tablewrap{overflow-x:auto;border:1px solid var(--line);border-radius:10px;background:#fff}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 10px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600;position:sticky;top:0;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.name{font-weight:600;overflow-wrap:anywhere;min-width:150px;max-width:260px}
td.note{color:var(--muted);font-size:12px;min-width:180px}
table.features td,table.features th{padding:6px 8px}
td.kind{white-space:nowrap}
tr:last-child td{border-bottom:0}
tbody tr:hover{background:#f6f8fa}
.overview td a{color:var(--accent);text-decoration:none;font-weight:600}
.muted{color:var(--muted)}
.impact .part{display:grid;grid-template-columns:minmax(180px,1fr) minmax(0,2.2fr);gap:14px;align-items:start;
margin-top:10px}
.impact .part p{margin:2px 0;font-size:13px}
.impact .formula{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.impact td.assumed{color:#A3520B;font-weight:600}
.impact .tablewrap.costs{margin:6px 0 10px;display:inline-block;max-width:100%}
.impact table.costs{width:auto}
.impact table.costs td.num{min-width:90px}
footer{color:var(--muted);font-size:12px;margin-top:40px;border-top:1px solid var(--line);padding-top:12px}
@media (max-width:760px){.grid,.charts.two{grid-template-columns:minmax(0,1fr)}}
@media print{body{background:#fff}.card,.chart{break-inside:avoid}main{max-width:none}}
"""

_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                  "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
                  "toImageButtonOptions": {"format": "png", "scale": 2}}


# Figures are drawn while the page is parsed, before every grid cell has its final width: redraw them
# at their container's size once the layout is complete.
_RESIZE_JS = ("window.addEventListener('load',function(){document.querySelectorAll('.js-plotly-plot')"
              ".forEach(function(el){window.Plotly.Plots.resize(el);});});")


def _when(iso: str) -> str:
    """``2025-06-01T09:30:00+00:00`` as ``2025-06-01 09:30 UTC`` (unchanged when not parseable)."""
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso


def _esc(x) -> str:
    return html.escape(str(x), quote=True)


def _plotly_js() -> str:
    import plotly.offline  # deferred: plotly, for the HTML report only

    js = plotly.offline.get_plotlyjs()
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)  # a no-op today; a guard for later


def _figure_html(fig) -> str:
    """One figure as a ``<div>`` + ``<script>`` fragment (no plotly.js), checked not to break out."""
    import plotly.io as pio  # deferred: plotly, for the HTML report only

    height = fig.layout.height or 360
    frag = pio.to_html(fig, include_plotlyjs=False, full_html=False, config=_PLOTLY_CONFIG,
                       default_width="100%", default_height=f"{height}px")
    low = frag.lower()
    if low.count("</script") != low.count("<script") or "<!--" in frag:
        raise RuntimeError("a figure's script could close early: refusing to embed it")  # pragma: no cover
    return frag


def _status_chip(status: str) -> str:
    return f'<span class="chip" style="color:{_STATUS_COLORS.get(status, "#6e7781")}">{_esc(status)}</span>'


def _severity_chip(severity: str) -> str:
    color = _SEVERITY_TEXT_COLORS.get(severity, "#6e7781")
    return f'<span class="chip" style="color:{color}">{_esc(severity)}</span>'


def _html_banner(s: ReportSection) -> str:
    v = s.diagnosis.verdict
    color = _VERDICT_COLORS.get(v.kind, "#57606a")
    ev = "".join(f"<li>{_esc(x)}</li>" for x in v.evidence)
    return (f'<div class="card banner" style="--vc:{color};--vbg:{color}14">'
            f'<div class="kicker">Verdict · {_esc(v.kind.replace("_", " "))}</div>'
            f'<div class="label">{_esc(s.summary["headline"])}</div>'
            f'<span class="chip" style="color:{color}">{_esc(v.confidence_text)}</span>'
            f'<span class="meta" style="margin-left:10px">{s.diagnosis.n_current:,} rows compared with '
            f'{s.diagnosis.n_reference:,}</span>'
            + (f"<ul>{ev}</ul>" if ev else "") + "</div>")


def _html_summary(s: ReportSection) -> str:
    cards = "".join(f'<div class="card summary"><h3>{_esc(h)}</h3><p>{_esc(s.summary[k])}</p></div>'
                    for k, h in SUMMARY_HEADINGS.items())
    return f'<div class="grid">{cards}</div>'


def _html_cost_matrix(bi: TaskImpact) -> str:
    header, rows = _cost_matrix_rows(bi)
    if not rows:
        return ""
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    cells = ["".join(f'<td class="num">{_esc(v)}</td>' for v in r[1:]) for r in rows]
    body = "".join(f"<tr><td>{_esc(r[0])}</td>{c}</tr>" for r, c in zip(rows, cells, strict=True))
    return ('<p class="muted" style="font-size:13px;margin:10px 0 0">Cost matrix (rows: true class, columns: '
            'predicted class)</p><div class="tablewrap costs"><table class="costs">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _html_impact(s: ReportSection) -> str:
    bi = s.impact
    if bi is None:  # "What it costs" above already says why there is no price
        return ""
    inputs = bi.inputs
    chip = ('<span class="chip" style="color:#A3520B;margin-left:8px">with assumed figures</span>'
            if inputs.any_assumed else "")
    rows = "".join(
        f'<tr><td>{_esc(inputs.label(n).capitalize())}</td><td class="num">{_esc(inputs.display(n))}</td>'
        + ('<td class="assumed">assumed — edit to your figures</td>' if inputs.assumed(n)
           else '<td class="muted">your figure</td>') + "</tr>"
        for n in inputs.names)
    table = (f'<div class="tablewrap" style="margin:10px 0"><table class="inputs"><thead><tr><th>Input</th>'
             f"<th>Value</th><th>Source</th></tr></thead><tbody>{rows}</tbody></table></div>")
    parts = "".join(
        f'<div class="part"><div class="kpi"><div class="v">{_esc(bi.figure(p))}</div>'
        f'<div class="k">{_esc(p.label)} · range {_esc(bi.range_text(p))}</div></div>'
        f'<div><p class="formula">{_esc(p.formula)}</p><p class="muted">{_esc(p.explanation)}</p></div></div>'
        for p in bi.parts)
    return (f'<div class="card impact"><h3>Business impact{chip}</h3>'
            f'<p class="muted" style="font-size:13px;margin:0">{_esc(bi.method_text)}</p>{table}'
            f'{_html_cost_matrix(bi)}<div class="parts">{parts}</div></div>')


def _html_step(step, with_charts: bool) -> str:
    from drift.report.charts import step_figures  # deferred: loads plotly

    charts = ""
    if with_charts:
        figs = step_figures(step)
        if figs:
            cls = "charts two" if len(figs) == 2 else "charts"
            charts = f'<div class="{cls}">' + "".join(f'<div class="chart">{_figure_html(f)}</div>'
                                                        for f in figs) + "</div>"
    parts = [f'<div class="card step {_esc(step.status)}"><header><h3>{_esc(step.title)}</h3>'
             f"{_status_chip(step.status)}</header>",
             f'<div class="finding">{_esc(step.summary)}</div>']
    if step.explanation:
        parts.append(f"<p>{_esc(step.explanation)}</p>")
    if step.why:
        parts.append(f'<p class="why"><b>Why this step:</b> {_esc(step.why)}</p>')
    if step.next_step and step.status != "skipped":
        parts.append(f'<p class="next"><b>Next:</b> {_esc(step.next_step)}</p>')
    return "".join(parts) + charts + "</div>"


def _html_features(table: pd.DataFrame) -> str:
    if not len(table):
        return '<p class="muted">No feature was compared.</p>'
    heads = ["feature", "kind · test", "severity", "PSI", "statistic", "p", "adjusted p", "Wasserstein",
             "Jensen–Shannon", "missing ref → cur", "note"]
    rows = []
    for r in table.to_dict("records"):
        method = {"ks": "KS", "chi2": "χ²"}.get(str(r.get("method")), str(r.get("method") or ""))
        nums = [_cell(c, r.get(c)) for c in ("psi", "statistic", "pvalue", "pvalue_adjusted",
                                              "wasserstein_norm", "js")]
        missing = (f"{_cell('missing_ref', r.get('missing_ref'))} → "
                   f"{_cell('missing_cur', r.get('missing_cur'))}")
        kind = f'{_esc(r.get("kind") or "")} <span class="muted">· {_esc(method)}</span>'
        rows.append(f'<tr><td class="name">{_esc(r["feature"])}</td><td class="kind">{kind}</td>'
                    f"<td>{_severity_chip(str(r.get('severity')))}</td>"
                    + "".join(f'<td class="num">{_esc(v)}</td>' for v in nums)
                    + f'<td class="num">{_esc(missing)}</td>'
                    f'<td class="note">{_esc(r.get("note") or "")}</td></tr>')
    head = "".join(f"<th>{_esc(h)}</th>" for h in heads)
    return (f'<div class="tablewrap"><table class="features"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _html_section(s: ReportSection, idx: int, many: bool) -> str:
    d = s.diagnosis
    parts = [f'<section class="batch" id="section-{idx}">',
             f"<h2>{_esc(s.name)}</h2>" if many else "",
             _html_banner(s), _html_summary(s), _html_impact(s),
             "<h2>The diagnosis, step by step</h2>" if not many else "<h3>The diagnosis, step by step</h3>"]
    parts += [_html_step(st, with_charts=True) for st in d.steps]
    t = d.feature_table
    n_drift = int(t["drifted"].sum()) if len(t) else 0
    parts.append(("<h2>" if not many else '<h3 style="margin-top:20px">') + "All features"
                 + ("</h2>" if not many else "</h3>"))
    parts.append(f'<p class="muted">{n_drift} of {len(t)} features drifted (severity moderate or major). '
                 "Significance from KS (numeric) or chi-square (categorical) with multiple-testing "
                 "correction; size from PSI (moderate ≥ 0.1, major ≥ 0.25).</p>")
    parts.append(_html_features(t))
    return "".join(parts) + "</section>"


def _html_overview(report: Report) -> str:
    rows = []
    for i, s in enumerate(report.sections):
        v = s.diagnosis.verdict
        color = _VERDICT_COLORS.get(v.kind, "#57606a")
        chip = f'<span class="chip" style="color:{color}">{_esc(v.kind.replace("_", " "))}</span>'
        rows.append(f'<tr><td><a href="#section-{i}">{_esc(s.name)}</a></td><td>{chip}</td>'
                    f"<td>{_esc(s.summary['headline'])}</td><td class=\"num\">{_esc(v.confidence_short)}</td>"
                    f'<td class="num">{s.diagnosis.n_current:,}</td></tr>')
    return ('<div class="tablewrap overview" style="margin-bottom:8px"><table><thead><tr><th>Data</th>'
            "<th>Verdict</th><th>Meaning</th><th>Confidence</th><th>Rows</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div>")


def _html(report: Report) -> str:
    many = len(report.sections) > 1
    first = report.sections[0]
    compared = (f"{len(report.sections)} production sets" if many
                else f"<b>{_esc(first.name)}</b> ({first.diagnosis.n_current:,} rows)")
    head = (f'<header class="doc"><h1>{_esc(report.title)}</h1><div class="meta">Reference '
            f"<b>{_esc(report.reference_name)}</b> ({first.diagnosis.n_reference:,} rows) compared with "
            f"{compared} · generated {_esc(_when(report.generated_at))} · Drift Explorer "
            f"{_esc(report.version)}"
            "</div></header>")
    body = [head]
    if many:
        body += ["<h2>Overview</h2>", _html_overview(report)]
    body += [_html_section(s, i, many) for i, s in enumerate(report.sections)]
    body.append("<footer>Generated by Drift Explorer. This file is self-contained: the charts are drawn by "
                "the copy of plotly.js embedded in it, and it makes no network request.</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"generator\" content=\"Drift Explorer {_esc(report.version)}\">\n"
            f"<title>{_esc(report.title)}</title>\n<style>{_CSS}</style>\n"
            f"<script type=\"text/javascript\">{_plotly_js()}</script>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + f"\n</main>\n<script>{_RESIZE_JS}</script>\n</body>\n</html>\n")
