"""Interview practice: prompts, the structured answer strategy, and a transparent rubric.

A candidate for an ML-observability role practises a spoken answer against a scenario with known ground
truth.  Each :class:`Prompt` holds

* the question and the scenarios it fits (the first is the default), with the batch it is best practised
  on (``"worst"``: the production batch whose realised accuracy fell the most, see :func:`batch_accuracy`);
* the **answer strategy**: ordered :class:`StrategyStep` s, each naming the *evidence* that backs it --
  a step of :func:`drift.diagnose` (``inputs``, ``prediction``, ``concept``, ``domain``, ``mmd``), the
  business impact (``impact``), the policy comparison of :func:`drift.compare_policies` (``autopilot``)
  or the STAR story (``star``) -- so the app can run every step live on the scenario's data;
* the **rubric**: :class:`RubricPoint` s a strong answer covers, each with the phrases that count as
  mentioning it.

Rubric matching (:func:`score_answer`) is deliberately simple and said as such on screen: a point is
*covered* when the answer contains at least one of its phrases -- case-insensitive, whole words (a phrase
must not start or end inside a word), any run of spaces or punctuation between a phrase's words, and a
trailing ``*`` matching any word ending (``retrain*`` finds *retrain*, *retrained*, *retraining*).  It
counts mentions, not understanding: a list of buzzwords scores well, and a good answer in other words
scores badly.  It is a checklist for self-review, not a grade.

Examples
--------
>>> res = score_answer("debug_accuracy", "First I check the data pipeline, then concept drift.")
>>> [m.point.key for m in res.matches if m.covered]
['pipeline', 'concept']
>>> round(res.share, 2)
0.25
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError
from drift.core.inputs import numeric_values

__all__ = [
    "EVIDENCE_KINDS", "PROMPTS", "PointMatch", "Prompt", "RubricPoint", "RubricResult",
    "StrategyStep", "batch_accuracy", "batch_performance", "phrase_pattern", "score_answer", "star_template",
    "worst_batch",
]

#: Evidence a strategy step can point to (diagnosis steps, then the others).
EVIDENCE_KINDS = ("inputs", "prediction", "concept", "domain", "mmd", "impact", "autopilot", "star")
#: ``Prompt.batch`` value meaning "the batch whose accuracy fell most" (:func:`worst_batch`).
WORST = "worst"


@dataclass(frozen=True, slots=True)
class RubricPoint:
    """One point a strong answer covers.

    Attributes
    ----------
    key : str
        Identifier, unique within a prompt.
    label : str
        The point in a few words, as shown in the rubric.
    phrases : tuple of str
        Any one of these in the answer covers the point (matching rules in the module docstring).
    why : str
        Why an interviewer listens for it.
    """

    key: str
    label: str
    phrases: tuple[str, ...]
    why: str = ""


@dataclass(frozen=True, slots=True)
class StrategyStep:
    """One step of the structured answer and the evidence that backs it.

    Attributes
    ----------
    title : str
        The step, imperative ("Rule out the pipeline").
    say : str
        What to say in the interview.
    evidence : str
        One of :data:`EVIDENCE_KINDS`: what the app runs on the data to show this step live.
    by_task : tuple of (str, str)
        ``(task, what to say)`` where a regression or multiclass model's answer differs from a binary
        classifier's (:meth:`say_for`).
    """

    title: str
    say: str
    evidence: str
    by_task: tuple[tuple[str, str], ...] = ()

    def say_for(self, task: str = "binary") -> str:
        """What to say for a model of ``task``: its own words where the step has them, else :attr:`say`."""
        return dict(self.by_task).get(task, self.say)


@dataclass(frozen=True, slots=True)
class Prompt:
    """An interview prompt with its strategy and rubric.

    Attributes
    ----------
    id : str
        Key of :data:`PROMPTS`.
    title : str
        Short name for menus.
    question : str
        The question as an interviewer asks it.
    kind : {"diagnostic", "communication", "design", "behavioural"}
    scenarios : tuple of str
        Built-in scenarios that fit (``drift.data.scenarios`` names); the first is the default.
    batch : str
        Production batch to practise on: a batch label, or ``"worst"`` (:func:`worst_batch`).
    steps : tuple of StrategyStep
    rubric : tuple of RubricPoint
    tip : str
        One sentence on how to structure the answer.
    """

    id: str
    title: str
    question: str
    kind: str
    scenarios: tuple[str, ...]
    batch: str
    steps: tuple[StrategyStep, ...]
    rubric: tuple[RubricPoint, ...]
    tip: str = ""

    def batch_for(self, scenario: str) -> str:
        """The batch to practise on in ``scenario``: the prompt's own label where it belongs to the
        prompt's default scenario, else ``"worst"``."""
        return self.batch if scenario == self.scenarios[0] else WORST


#: What the strategy steps say for a regression or a multiclass model, where a binary classifier's words
#: (a score, its AUC, an outcome rate, a threshold) do not apply.
_OUTPUTS_SAY = (
    ("regression", "PSI, KS and the Wasserstein distance on the forecasts need no labels, and the mean "
                   "forecast's move is in the target's own units. Stable forecasts with growing errors point "
                   "away from covariate shift."),
    ("multiclass", "χ² and PSI on the predicted-class shares, and KS on each class's probability, need no "
                   "labels. Stable predictions with falling accuracy point away from covariate shift."),
)
_CONCEPT_SAY = (
    ("regression", "Compare the realised MAE, RMSE and bias with the reference, and test whether E[y | "
                   "forecast] changed: a shift of its level with the slope unchanged is a prior shift (the "
                   "target's mean moved); a changed slope, or residuals that moved at equal forecast, is "
                   "concept drift: P(y | x) itself moved."),
    ("multiclass", "Compare realised accuracy, macro-F1 and the true class shares with the reference, and "
                   "test each class's one-vs-rest recalibration: an intercept-only shift is a prior (label) "
                   "shift, the class mix moved; a changed slope or lower accuracy is concept drift: P(y | x) "
                   "itself moved."),
)
_IMPACT_SAY = (
    ("regression", "Price the forecast errors per unit over- and under-forecast (stock that sits, sales "
                   "missed), then recommend: retrain on recent labelled data (concept drift), correct the "
                   "forecasts' level (prior shift) or fix the pipeline, and add the missing monitor."),
    ("multiclass", "Price it with a cost matrix (what deciding a case of one class as another costs), "
                   "keeping model error apart from a changed class mix, then recommend: retrain on recent "
                   "labelled data (concept drift), re-weight the class priors (prior shift) or fix the "
                   "pipeline, and add the missing monitor."),
)

_DEBUG = Prompt(
    id="debug_accuracy",
    title="Accuracy dropped, inputs look stable",
    question="Our model's accuracy dropped, but the input features look stable. How do you debug it?",
    kind="diagnostic",
    scenarios=("credit", "pricing", "german_credit", "sentiment"),
    batch="2025-10",
    tip="Go from the cheapest, label-free checks to the expensive ones, and say what each result would "
        "rule in or out.",
    steps=(
        StrategyStep("Rule out the pipeline and confirm the inputs really are stable",
                     "Broken joins, unit changes and missing-value bursts look like model failure. Check "
                     "data quality, then per-feature tests (KS / χ² with a multiple-testing correction) "
                     "with an effect size (PSI) so that 'stable' means 'no material change'.", "inputs"),
        StrategyStep("Look at the model's outputs: prediction drift",
                     "PSI and KS on the score distribution need no labels. Stable scores with falling "
                     "accuracy point away from covariate shift.", "prediction", _OUTPUTS_SAY),
        StrategyStep("With labels: separate prior shift from concept drift",
                     "Compare realised AUC, accuracy and base rate with the reference, and test whether "
                     "P(y | score) changed: an intercept-only shift is a prior (label) shift, a changed "
                     "slope or a lower AUC is concept drift: P(y | x) itself moved.", "concept",
                     _CONCEPT_SAY),
        StrategyStep("Catch multivariate shift the per-feature tests miss",
                     "A domain classifier trained to tell reference from production rows (AUC 0.5 = "
                     "indistinguishable) finds changes that live in combinations of features, and says "
                     "which features carry them.", "domain"),
        StrategyStep("Compare what the model sees: MMD on embeddings",
                     "A kernel two-sample test on learned representations tests the whole distribution "
                     "at once.", "mmd"),
        StrategyStep("Size it and act",
                     "Price it at the model's own threshold, keeping model error apart from a changed "
                     "outcome rate (more defaults is a business change), then recommend: retrain on "
                     "recent labelled data (concept drift), recalibrate the intercept (prior shift) or fix "
                     "the pipeline, and add the missing monitor.", "impact", _IMPACT_SAY),
    ),
    rubric=(
        RubricPoint("pipeline", "Rule out data-quality / pipeline problems",
                    ("pipeline", "data quality", "schema", "missing value*", "null*", "unit*", "upstream",
                     "logging", "feature store", "bug*"),
                    "The most common cause of a sudden drop is broken data, not a changed world."),
        RubricPoint("labels", "Question the labels themselves (delay, definition, quality)",
                    ("label*", "ground truth", "annotat*", "feedback delay"),
                    "A metric is only as good as its labels; late or redefined labels fake a drop."),
        RubricPoint("prediction", "Check prediction drift (the score distribution)",
                    ("prediction drift", "score distribution", "output distribution", "prediction "
                     "distribution", "psi", "population stability"),
                    "The cheapest label-free signal."),
        RubricPoint("concept", "Name concept drift: P(y | x) changed",
                    ("concept drift", "concept shift", "p(y|x)", "p y x", "relationship between",
                     "decision boundary", "conditional distribution", "mapping"),
                    "Stable inputs with falling accuracy is the textbook sign of concept drift."),
        RubricPoint("prior", "Consider prior / label shift (the base rate changed)",
                    ("prior shift", "label shift", "prior probability", "base rate", "class balance",
                     "class imbalance", "class distribution", "prevalence", "default rate"),
                    "A different outcome rate lowers accuracy with no change in the inputs."),
        RubricPoint("multivariate", "Test multivariate shift (domain classifier / MMD)",
                    ("domain classifier", "adversarial validation", "multivariate", "joint distribution",
                     "interaction*", "combination*", "mmd", "maximum mean discrepancy", "embedding*"),
                    "Univariate tests miss changes in feature combinations."),
        RubricPoint("segments", "Slice the error by segment",
                    ("segment*", "slice*", "cohort*", "subgroup*", "subpopulation*", "breakdown",
                     "per region", "by region"),
                    "A drop concentrated in one segment has a local cause."),
        RubricPoint("action", "Quantify the impact and say what to do",
                    ("retrain*", "recalibrat*", "roll back", "rollback", "business impact", "cost*",
                     "revenue", "fallback", "monitor*"),
                    "An answer ends with a decision, not a statistic."),
    ),
)

_EXEC = Prompt(
    id="explain_executive",
    title="Explain the drift to an executive",
    question="How would you explain this drift to a non-technical executive?",
    kind="communication",
    scenarios=("credit", "pricing", "german_credit", "sentiment"),
    batch=WORST,
    tip="Lead with the decision and the money, then one sentence of cause, then the plan; keep the "
        "statistics in your pocket for follow-up questions.",
    steps=(
        StrategyStep("Open with the headline in business terms",
                     "“The model's mistakes cost about $X more per quarter (range …); more defaults, a "
                     "change in our customers and not in the model, add $Y.” Numbers with a range, no "
                     "jargon.", "impact",
                     (("regression", "“The forecasts' errors cost about $X more per quarter (range …): "
                                     "$Y in stock that sits, $Z in sales missed.” Numbers with a range, no "
                                     "jargon."),
                      ("multiclass", "“The model's wrong calls cost about $X more per quarter (range …); a "
                                     "different mix of cases, a change in the world and not in the model, "
                                     "adds $Y.” Numbers with a range, no jargon."))),
        StrategyStep("Say what changed, in one plain sentence",
                     "Describe the world, not the test: “our applicants/customers changed” or “the same "
                     "customers now behave differently”. The diagnosis verdict is your sentence.",
                     "concept"),
        StrategyStep("Show you checked the obvious",
                     "“It is not a data bug and not a reporting artefact: the inputs arrive intact.” "
                     "Executives need to know the number can be trusted.", "inputs"),
        StrategyStep("Recommend a decision with a timeline",
                     "Retrain / recalibrate / roll back, by when, what it costs, and how we will know it "
                     "worked (the monitor that would have caught it earlier).", "prediction"),
    ),
    rubric=(
        RubricPoint("money", "Business impact in money or decisions",
                    ("$", "€", "£", "dollar*", "cost*", "revenue", "loss*", "money", "per quarter",
                     "per month", "profit", "wrong decisions"),
                    "Executives weigh money and risk, not p-values."),
        RubricPoint("plain", "Plain language, an analogy, no jargon",
                    ("in plain", "plain language", "analogy", "like a", "in other words", "simply put",
                     "without jargon", "no jargon", "imagine"),
                    "Jargon loses the room; an analogy lands."),
        RubricPoint("cause", "What changed in the world (customers, market)",
                    ("customer*", "applicant*", "market", "campaign", "population", "behavio*",
                     "economy", "recession", "competitor*"),
                    "The cause is a business fact, not a statistic."),
        RubricPoint("action", "A recommended action",
                    ("recommend*", "retrain*", "recalibrat*", "roll back", "rollback", "plan", "next step*",
                     "propose*", "decision"),
                    "The point of the conversation is a decision."),
        RubricPoint("uncertainty", "Honest uncertainty (a range, a confidence)",
                    ("range", "confiden*", "uncertain*", "estimate*", "roughly", "approximately",
                     "at least", "at most", "somewhere between"),
                    "A range is more credible than a precise-looking number."),
        RubricPoint("follow_up", "How we will know it is fixed / monitoring",
                    ("monitor*", "alert*", "dashboard", "track*", "report back", "check back", "next week",
                     "weekly"),
                    "Close the loop: when they will hear from you again."),
    ),
)

_PRICING = Prompt(
    id="pricing_autopilot",
    title="Design drift detection and retraining for dynamic pricing",
    question="Design automatic drift detection and retraining for a dynamic-pricing model.",
    kind="design",
    scenarios=("pricing",),
    batch=WORST,
    tip="Structure it as detect → decide → act → verify, and justify each choice with its cost.",
    steps=(
        StrategyStep("Detect: monitor inputs and outputs every batch",
                     "Per-feature drift (PSI / KS, thresholds calibrated on the reference) and prediction "
                     "drift need no labels, so they fire first.", "inputs"),
        StrategyStep("Watch the model's outputs",
                     "The score distribution moves before conversions are known.", "prediction",
                     (("regression", "The demand forecasts move before the week's sales are known."),)),
        StrategyStep("Confirm with delayed labels: realised performance",
                     "Conversions arrive with a delay; when they do, performance (log-loss, AUC) "
                     "confirms or refutes the alarm.", "concept",
                     (("regression", "Sales arrive with a delay; when they do, the forecast errors (MAE, "
                                     "bias) confirm or refute the alarm."),)),
        StrategyStep("Decide with a cost model, retrain safely, compare baselines",
                     "Ignore / alert / retrain / roll back by expected cost; train a challenger, promote "
                     "it only if it beats the champion on a recent hold-out, keep the old one to roll "
                     "back; show it beats never-retrain and a fixed schedule.", "autopilot"),
    ),
    rubric=(
        RubricPoint("detect", "Drift detectors on inputs and predictions",
                    ("drift detect*", "psi", "ks test", "kolmogorov", "feature drift", "prediction drift",
                     "distribution shift", "monitor*"),
                    "Label-free detectors are the early warning."),
        RubricPoint("thresholds", "Calibrated thresholds, false alarms",
                    ("threshold*", "calibrat*", "false alarm*", "false positive*", "alert fatigue",
                     "significance", "multiple testing"),
                    "An alert that always fires is ignored."),
        RubricPoint("labels", "Label delay / performance monitoring",
                    ("label delay", "delayed label*", "delay*", "ground truth", "conversion*",
                     "realised performance", "realized performance", "log loss", "log-loss"),
                    "Pricing outcomes arrive late: detection cannot wait for them."),
        RubricPoint("champion", "Champion / challenger validation before promotion",
                    ("champion", "challenger", "shadow", "a/b", "ab test", "canary", "hold-out",
                     "holdout", "backtest*", "validation"),
                    "A retrained model is not automatically better."),
        RubricPoint("rollback", "Rollback and guardrails",
                    ("roll back", "rollback", "revert", "guardrail*", "fallback", "kill switch",
                     "price floor*", "price cap*", "bounds"),
                    "Bad prices cost money immediately."),
        RubricPoint("cost", "A cost model for the decision (retrain cost vs error cost)",
                    ("cost model", "retrain cost", "cost of", "trade-off", "tradeoff", "expected cost",
                     "roi", "budget"),
                    "Retraining is not free; the policy should be cheaper than its alternatives."),
        RubricPoint("baselines", "Compare against never-retrain and a fixed schedule",
                    ("schedule*", "periodic*", "every week", "every month", "baseline*", "never retrain",
                     "fixed cadence", "cadence"),
                    "The simplest alternative is the bar to beat."),
        RubricPoint("feedback", "The model's own prices change the data (feedback loop)",
                    ("feedback loop", "own price*", "causal", "exploration", "counterfactual",
                     "selection bias", "self-fulfilling", "competitor*"),
                    "Pricing models shape the demand they learn from."),
    ),
)

_BEHAVIOURAL = Prompt(
    id="behavioural_star",
    title="A time you caught a model problem (STAR)",
    question="Tell me about a time you caught a model problem in production.",
    kind="behavioural",
    scenarios=("credit", "pricing", "sentiment"),
    batch=WORST,
    tip="Situation, Task, Action, Result: one or two sentences each, the Action in the first person and "
        "specific, the Result in numbers, then what you changed so it cannot happen again.",
    steps=(
        StrategyStep("Situation: the model, its stakes, what you noticed",
                     "One sentence of context: which model, what decisions it takes, the first signal.",
                     "prediction"),
        StrategyStep("Task: what you were responsible for",
                     "Your role and the question you had to answer.", "concept"),
        StrategyStep("Action: how you diagnosed it, step by step",
                     "Ruled out the pipeline, checked prediction drift, measured performance on labels, "
                     "localised the change; what you decided and why.", "domain"),
        StrategyStep("Result: the numbers, and what changed afterwards",
                     "Impact avoided or recovered in money, and the monitor you added.", "star"),
    ),
    rubric=(
        RubricPoint("situation", "Situation: the model and its stakes",
                    ("situation", "production", "we had", "our model", "the model", "context", "at my",
                     "company", "team"),
                    "The interviewer needs the stakes in one breath."),
        RubricPoint("task", "Task: your own responsibility",
                    ("i was responsible", "my role", "my task", "i owned", "i was asked", "responsib*",
                     "on call", "on-call", "my job"),
                    "Behavioural questions are about *you*."),
        RubricPoint("action", "Action: specific diagnostic steps",
                    ("i checked", "i ran", "i built", "i compared", "investigat*", "analys*", "analyz*",
                     "diagnos*", "root cause", "domain classifier", "psi", "drift"),
                    "Specific steps prove competence."),
        RubricPoint("result", "Result: quantified",
                    ("%", "$", "percent", "saved", "reduced", "improv*", "recovered", "restored",
                     "points", "per quarter", "per month"),
                    "A result without a number is a story without an ending."),
        RubricPoint("prevention", "What you changed so it does not happen again",
                    ("since then", "now we", "prevent*", "monitor*", "alert*", "automat*", "runbook",
                     "post-mortem", "postmortem", "learn*", "lesson*"),
                    "Shows you improve systems, not only fix incidents."),
    ),
)

#: The prompts, by id, in menu order.
PROMPTS: dict[str, Prompt] = {p.id: p for p in (_DEBUG, _EXEC, _PRICING, _BEHAVIOURAL)}


# --- rubric matching --------------------------------------------------------------------------------
def _normalise(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def phrase_pattern(phrase: str) -> re.Pattern:
    """The regular expression a rubric phrase stands for (rules in the module docstring).

    Words of the phrase are separated by any run of non-word characters; a trailing ``*`` on a word
    matches any ending; a phrase that starts (ends) with a word character must start (end) a word.

    Examples
    --------
    >>> bool(phrase_pattern("retrain*").search("we retrained it"))
    True
    >>> bool(phrase_pattern("psi").search("psilocybin"))
    False
    >>> bool(phrase_pattern("p(y|x)").search("P(y | x) changed"))
    True
    """
    if not isinstance(phrase, str) or not phrase.strip():
        raise DriftParameterError.invalid("phrase", "phrase_pattern", "a non-empty string", phrase)
    text = _normalise(phrase.strip())
    # Split into word runs, stars and single other characters; spaces are free between parts.
    parts = re.findall(r"\w+\*?|[^\w\s]", text)
    pieces = []
    for part in parts:
        if part.endswith("*") and len(part) > 1:
            pieces.append(re.escape(part[:-1]) + r"\w*")
        else:
            pieces.append(re.escape(part))
    # Two words need at least one separator between them; next to punctuation any (or none) will do.
    body = pieces[0]
    for prev, part, piece in zip(parts, parts[1:], pieces[1:]):
        words = re.match(r"\w", prev) and re.match(r"\w", part)
        body += (r"[\W_]+" if words else r"[\W_]*") + piece
    left = r"(?<!\w)" if re.match(r"\w", text) else ""
    right = r"(?!\w)" if re.search(r"\w\*?$", text) else ""
    return re.compile(left + body + right, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PointMatch:
    """Whether one rubric point is covered, and by which phrases (as found in the answer)."""

    point: RubricPoint
    covered: bool
    matched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RubricResult:
    """Result of :func:`score_answer`.

    Attributes
    ----------
    prompt_id : str
    matches : tuple of PointMatch
        One per rubric point, in rubric order.
    n_words : int
        Words in the answer.
    """

    prompt_id: str
    matches: tuple[PointMatch, ...]
    n_words: int

    @property
    def covered(self) -> tuple[RubricPoint, ...]:
        return tuple(m.point for m in self.matches if m.covered)

    @property
    def missing(self) -> tuple[RubricPoint, ...]:
        return tuple(m.point for m in self.matches if not m.covered)

    @property
    def share(self) -> float:
        """Covered points / all points (0 for an empty rubric)."""
        return len(self.covered) / len(self.matches) if self.matches else 0.0

    def to_frame(self) -> pd.DataFrame:
        """One row per point: ``point, covered, found, listens_for`` (found: the answer's words)."""
        return pd.DataFrame({
            "point": [m.point.label for m in self.matches],
            "covered": [m.covered for m in self.matches],
            "found": [", ".join(m.matched) for m in self.matches],
            "listens_for": [", ".join(m.point.phrases) for m in self.matches],
        })

    def to_dict(self) -> dict:
        return {"prompt_id": self.prompt_id, "share": self.share, "n_words": self.n_words,
                "points": [{"key": m.point.key, "label": m.point.label, "covered": m.covered,
                            "matched": list(m.matched)} for m in self.matches]}


def _prompt(prompt_id: str, func: str) -> Prompt:
    if prompt_id not in PROMPTS:
        raise DriftParameterError.invalid("prompt_id", func, f"one of {tuple(PROMPTS)}", prompt_id)
    return PROMPTS[prompt_id]


def score_answer(prompt_id: str, text: str) -> RubricResult:
    """Which rubric points of a prompt an answer mentions (keyword / phrase matching, nothing more).

    Parameters
    ----------
    prompt_id : str
        A key of :data:`PROMPTS`.
    text : str
        The answer; an empty answer covers nothing.

    Returns
    -------
    RubricResult
        Per point: covered or not, and the answer's words that matched (each distinct match once, in
        order of appearance).

    Raises
    ------
    DriftParameterError
        Unknown ``prompt_id``, or ``text`` not a string.
    """
    prompt = _prompt(prompt_id, "score_answer")
    if not isinstance(text, str):
        raise DriftParameterError.invalid("text", "score_answer", "a string", type(text).__name__)
    answer = _normalise(text)
    matches = []
    for point in prompt.rubric:
        found: list[str] = []
        for phrase in point.phrases:
            for m in phrase_pattern(phrase).finditer(answer):
                word = text[m.start():m.end()].strip()
                if word and word.lower() not in (f.lower() for f in found):
                    found.append(word)
        matches.append(PointMatch(point, bool(found), tuple(found)))
    return RubricResult(prompt.id, tuple(matches), len(re.findall(r"\w+", answer)))


# --- evidence helpers ---------------------------------------------------------------------------------
#: The metric :func:`batch_performance` reads per batch for each task, and whether higher is better.
BATCH_METRICS = {"binary": ("accuracy", True), "multiclass": ("accuracy", True), "regression": ("mae", False)}
#: How each metric is named on screen.
METRIC_LABELS = {"accuracy": "accuracy", "mae": "mean absolute error"}


def batch_performance(reference: pd.DataFrame, current: pd.DataFrame, *, target: str, prediction: str,
                      batch: str | None, task: str = "binary", threshold: float = 0.5) -> pd.DataFrame:
    """Realised performance of the model on the reference and on each production batch, in the task's
    metric (:data:`BATCH_METRICS`).

    Parameters
    ----------
    reference, current : DataFrame
        Both hold the ``target`` and ``prediction`` columns; rows with either missing are left out.
        ``binary``: a 0/1 target and P(1) scored at ``threshold``; ``multiclass``: the true and the
        predicted class (accuracy: the share equal); ``regression``: the target and the forecast, as
        numbers (mean absolute error, in the target's unit).
    target, prediction : str
    batch : str or None
        Batch column of ``current``; ``None`` treats all of it as one batch named ``"production"``.
    task : {"binary", "multiclass", "regression"}, default "binary"
    threshold : float, default 0.5
        Binary only: scores at or above it predict 1.

    Returns
    -------
    DataFrame
        One row per batch (in order of appearance): ``batch, n, <metric>, change`` (``change`` = batch
        minus reference); ``attrs`` holds ``metric``, ``higher_is_better`` and ``reference_<metric>``.

    Raises
    ------
    DriftInputError
        A column is missing, or a regression target or forecast holds text.
    DriftParameterError
        An unknown task.
    """
    if task not in BATCH_METRICS:
        raise DriftParameterError.invalid("task", "batch_performance", f"one of {tuple(BATCH_METRICS)}", task)
    for side, frame in (("reference", reference), ("current", current)):
        for col in (target, prediction):
            if col not in frame.columns:
                raise DriftInputError(f"no column named {col!r}", file=side, column=col,
                                      fix="name the target and prediction columns")
    if batch is not None and batch not in current.columns:
        raise DriftInputError(f"no column named {batch!r}", file="current", column=batch,
                              fix="name the batch column, or pass batch=None")
    metric, higher = BATCH_METRICS[task]

    def score(frame: pd.DataFrame, side: str) -> tuple[int, float]:
        rows = frame[[target, prediction]].dropna()
        if rows.empty:
            return 0, float("nan")
        return len(rows), _batch_metric(rows[target], rows[prediction], task, threshold, side)

    _, ref_value = score(reference, "reference")
    groups = [("production", current)] if batch is None else [
        (str(b), part) for b, part in current.groupby(current[batch].astype(str), sort=False)]
    rows = [(label, *score(part, f"current (batch {label})")) for label, part in groups]
    out = pd.DataFrame(rows, columns=["batch", "n", metric])
    out["change"] = out[metric] - ref_value
    out.attrs.update({"metric": metric, "higher_is_better": higher, f"reference_{metric}": ref_value})
    return out


def _batch_metric(y: pd.Series, p: pd.Series, task: str, threshold: float, side: str) -> float:
    """The task's :data:`BATCH_METRICS` value of one side's labelled rows."""
    if task == "multiclass":
        return float((y.to_numpy() == p.to_numpy()).mean())
    fix = "give the target and the predictions as numbers"
    yy, pp = (numeric_values(v, side=side, column=v.name, fix=fix) for v in (y, p))
    if task == "regression":
        return float(np.abs(yy - pp).mean())
    from drift.model.performance import classification_metrics  # deferred: loads scikit-learn
    return classification_metrics(yy, pp, threshold)["accuracy"]


def batch_accuracy(reference: pd.DataFrame, current: pd.DataFrame, *, target: str, prediction: str,
                   batch: str | None, threshold: float = 0.5) -> pd.DataFrame:
    """:func:`batch_performance` of a binary classifier: columns ``batch, n, accuracy, change``, the
    reference's accuracy in ``attrs["reference_accuracy"]``."""
    return batch_performance(reference, current, target=target, prediction=prediction, batch=batch,
                             task="binary", threshold=threshold)


def worst_batch(table: pd.DataFrame) -> str:
    """The batch of a :func:`batch_performance` table whose performance got worst (accuracy fell most, or
    the error rose most; the first on ties)."""
    if table.empty or table["change"].isna().all():
        raise DriftInputError("no batch has labelled rows", file="current", fix="check the target column")
    change = table["change"].to_numpy(dtype=float)
    pick = np.nanargmin(change) if table.attrs.get("higher_is_better", True) else np.nanargmax(change)
    return str(table.loc[int(pick), "batch"])


# --- the STAR story -----------------------------------------------------------------------------------
#: What a regression or multiclass model outputs, in a sentence (a binary classifier's: scores).
_OUTPUTS = {"regression": "forecasts", "multiclass": "predicted classes"}
#: The STAR story's blank for the money when no impact was priced, per task.
_UNPRICED = {
    "binary": "[what it costs: the model's error at its threshold, apart from the change in the outcome "
              "rate, priced with your decisions a month and the costs of a false positive and a false "
              "negative]",
    "regression": "[what it costs: the forecast errors priced per unit over- and under-forecast, times your "
                  "forecasts a month]",
    "multiclass": "[what it costs: the model's wrong calls priced by a cost matrix (true class × predicted "
                  "class), apart from the change in the class mix, times your decisions a month]",
}
def star_template(impact, diagnosis, *, model: str = "the model", batch: str | None = None) -> str:
    """A STAR answer (Situation, Task, Action, Result) filled with a diagnosis and its business impact.

    Parameters
    ----------
    impact : BusinessImpact, RegressionImpact, MulticlassImpact or None
        From :func:`drift.task_business_impact` (or :func:`drift.business_impact`) on the same batch;
        ``None`` leaves the money as a blank, worded for the diagnosis's task.
    diagnosis : drift.diagnosis.diagnose.Diagnosis
        From :func:`drift.diagnose` on the batch the story is about.
    model : str
        How to name the model ("our credit-default model").
    batch : str, optional
        The batch's name ("the October batch").

    Returns
    -------
    str
        Markdown: four bold-labelled paragraphs.  Bracketed ``[...]`` parts are for the candidate to
        replace with their own words.
    """
    when = f"the {batch} batch" if batch else "a recent production batch"
    steps = {s.key: s for s in diagnosis.steps}

    def said(key: str) -> str | None:
        step = steps.get(key)
        return None if step is None or step.status == "skipped" else step.summary

    signal = said("concept") or said("prediction") or "the monitoring dashboard"
    task = getattr(getattr(diagnosis, "task", None), "task", "binary")
    actions = []
    for key, what in (("inputs", "ruled out the data pipeline and checked every input feature"),
                      ("prediction", f"checked whether the model's {_OUTPUTS.get(task, 'scores')} had moved"),
                      ("concept", "measured performance on the labelled rows against the training period"),
                      ("domain", "trained a domain classifier to tell training rows from production rows"),
                      ("mmd", "ran an MMD test on the model's embeddings")):
        summary = said(key)
        if summary:
            actions.append(f"{what} ({summary})")
    verdict = diagnosis.verdict
    if impact is None:
        money = _UNPRICED.get(task, _UNPRICED["binary"])
    else:
        money = impact.sentence
    n = f"{diagnosis.n_current:,}"
    return "\n\n".join([
        f"**Situation.** [Company / team]: {model} takes [decisions] in production. In {when} ({n} rows) "
        f"I noticed a change: {signal}.",
        "**Task.** I [was on call for / owned] the model's health, and had to find out whether this was "
        "a data bug, a changed world, or noise — and what it cost.",
        "**Action.** I " + "; I ".join(actions) + ". "
        f"The evidence pointed to one cause: {verdict.label.lower()} ({verdict.strength} evidence; verdicts "
        f"like it were {verdict.confidence_text}). [What you decided: retrain on recent labels / "
        "recalibrate / fix the pipeline.]",
        f"**Result.** {money} [What the fix recovered, e.g. accuracy back within X points in Y weeks.] "
        "Since then [the monitor or alert you added so this is caught the same day].",
    ])
