"""What every step of the guided diagnosis shares: the :class:`Step` record, the step keys and titles, and
the checks of the target and prediction columns a step needs.

:mod:`drift.diagnosis.diagnose` runs the binary steps and the workflow; :mod:`drift.diagnosis.task_steps`
the prediction and concept steps of regression and multiclass models.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

STATUSES = ("ok", "warning", "alert", "skipped")
STEP_KEYS = ("inputs", "prediction", "concept", "domain", "mmd")
STEP_TITLES = {"inputs": "0 · Inputs: data quality and per-feature drift",
               "prediction": "1 · Prediction drift",
               "concept": "2 · Concept drift", "domain": "3 · Domain classifier",
               "mmd": "4 · MMD on embeddings"}
#: Labelled current rows needed to measure performance (fewer: estimated instead).
MIN_LABELS = 10

CONCEPT_WHY = ("Stable inputs do not guarantee stable outcomes: the relationship between inputs and outcome "
               "(P(y | x)) can change on its own.  Only labels can show it.")
PREDICTION_WHY = ("The model's output is the cheapest signal and needs no labels: if the score distribution "
                  "moved, the decisions the business sees moved too.")
#: :data:`PREDICTION_WHY` in the words of a regression and of a multiclass model.
TASK_PREDICTION_WHY = {
    "regression": "The model's output is the cheapest signal and needs no labels: if the forecasts moved, "
                  "the plans built on them (stock, prices, staffing) moved too.",
    "multiclass": "The model's output is the cheapest signal and needs no labels: if the predicted class "
                  "shares moved, the decisions the business sees moved too.",
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


def skipped(key: str, summary: str, why: str, explanation: str, next_step: str = "") -> Step:
    """A step that could not run, saying why."""
    return Step(key, STEP_TITLES[key], "skipped", summary, why, explanation, next_step, {})


def sentence(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return f"{text[0].upper()}{text[1:]}" if text else text


def role_problem(frame: pd.DataFrame, col: str | None, role: str, side: str, *, binary: bool = True) -> str:
    """Why a target / prediction column cannot be used on one side ("" when it can).

    A binary model's target must be 0/1 and its score a number; a regression or multiclass model's
    columns (``binary=False``) need only be present and hold a value (their form is checked by
    :func:`drift.infer_task`).
    """
    if col is None:
        return f"no {role} column"
    if col not in frame.columns:
        return f"the {role} column {col!r} is not in the {side} data"
    values = frame[col]
    if not values.notna().any():
        return f"the {role} column {col!r} is empty in the {side} data"
    if not binary:
        return ""
    numeric = pd.to_numeric(values, errors="coerce")
    bad = values[numeric.isna() & values.notna()]
    if len(bad):
        examples = ", ".join(repr(str(v)) for v in bad.astype(str).unique()[:3])
        return (f"the {role} column {col!r} holds text in the {side} data ({examples}); "
                + ("map the classes to 0/1" if role == "target" else "give the model's score as numbers"))
    if role == "target" and not numeric.dropna().isin((0, 1)).all():
        return f"the target {col!r} is not 0/1 in the {side} data; map the positive class to 1"
    return ""


def labelled_rows(frame: pd.DataFrame, columns: list[str]) -> int:
    """Rows with a value in every one of ``columns`` (a label and the model's output)."""
    return int(frame[columns].notna().all(axis=1).sum())
