"""The brand-sentiment scenario's three-class model: negative / neutral / positive.

The label
---------
Annotators read every post of :mod:`drift.data.scenarios.sentiment` again and give it one of three classes
(``sentiment``):

* a post written from a neutral template ("the camera is ok i guess", questions) is called ``neutral``
  with probability :data:`NEUTRAL_AGREEMENT` (0.85), otherwise by the polarity of its binary ``label``;
* any other post is called ``neutral`` with probability :data:`HEDGE_SHARE` (0.05, annotators hedging),
  otherwise ``positive`` when ``label = 1`` and ``negative`` when ``label = 0``.

So ``positive`` always has ``label = 1`` and ``negative`` ``label = 0``.  Only everyday (``base``)
posts in the standard style use neutral templates: the topics of the changed weeks (launch, outage,
crisis, competitor) and the new slang are written with a polarity, so the neutral share falls in those
weeks -- by the mix of posts, not by what a post means: ``P(sentiment | text)`` is unchanged.  The expected
shares of every week follow from the plan (:func:`expected_shares`): ~17 % neutral in the reference,
~11 % in the outage and crisis weeks, ~10 % at 60 % slang.

The model
---------
TF-IDF (as the binary model) + multinomial logistic regression (``C = 4``), fitted on the same training
posts as the binary model: ``predicted_sentiment`` is its most probable class and ``proba_negative``,
``proba_neutral``, ``proba_positive`` its probabilities (:data:`drift.data.task.PROBA_PREFIX` + class).
The reference is its validation set, scored by the deployed model, as production is.
:meth:`Scenario.with_task("multiclass") <drift.data.scenarios.base.Scenario.with_task>` swaps these
columns in for ``label`` and ``prediction``.

Ground truth: the kinds of the binary manifest (the weeks change in the same way), each description
followed by the week's expected class shares.  The labels are drawn from a random stream of their own,
seeded from the scenario's generator after all of its other draws: every column of the binary scenario is
bit-identical with or without this model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drift.data.scenarios.base import ScenarioTask
from drift.data.scenarios.sentiment import (
    AUTHOR,
    CHANNEL,
    LABEL_NOISE,
    N_REFERENCE_WEEKS,
    NEUTRAL_SHARE,
    NEUTRAL_TEMPLATE,
    P_POSITIVE,
    PLAN,
    TARGET,
    TEXT,
    manifest,
    text_pipeline,
)
from drift.data.task import PROBA_PREFIX

#: The three-class target and the model's predicted class.
SENTIMENT, PREDICTED_SENTIMENT = "sentiment", "predicted_sentiment"
#: Classes in the library's order (sorted text).
CLASSES = ("negative", "neutral", "positive")
#: The model's per-class probability columns, in :data:`CLASSES` order.
PROBABILITIES = tuple(f"{PROBA_PREFIX}{c}" for c in CLASSES)
#: P(a post from a neutral template is called neutral).
NEUTRAL_AGREEMENT = 0.85
#: P(a polar post is called neutral).
HEDGE_SHARE = 0.05
#: Inverse regularisation of the multinomial logistic regression.
C = 4.0


def three_classes(frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """The ``sentiment`` of each post of a frame with ``label`` and the internal neutral-template flag
    (module docstring), as an object array of :data:`CLASSES`."""
    template = frame[NEUTRAL_TEMPLATE].to_numpy(bool)
    called_neutral = rng.random(len(frame)) < np.where(template, NEUTRAL_AGREEMENT, HEDGE_SHARE)
    polar = np.where(frame[TARGET].to_numpy() == 1, "positive", "negative")
    return np.where(called_neutral, "neutral", polar).astype(object)


def expected_shares(week: str) -> dict[str, float]:
    """Expected share of each class among a week's posts, from its plan (module docstring)."""
    plan = PLAN[week]
    topics = dict(plan.topics)
    topics = {"base": 1.0 - sum(topics.values()), **topics}
    out = dict.fromkeys(CLASSES, 0.0)
    for topic, share in topics.items():
        positive = P_POSITIVE[topic] * (1 - LABEL_NOISE) + (1 - P_POSITIVE[topic]) * LABEL_NOISE
        for slang, weight in ((True, plan.slang), (False, 1 - plan.slang)):
            template = NEUTRAL_SHARE if topic == "base" and not slang else 0.0
            neutral = template * NEUTRAL_AGREEMENT + (1 - template) * HEDGE_SHARE
            w = share * weight
            out["neutral"] += w * neutral
            out["positive"] += w * positive * (1 - neutral)
            out["negative"] += w * (1 - positive) * (1 - neutral)
    return out


def _shares_text(week: str) -> str:
    shares = expected_shares(week)
    return ", ".join(f"{c} {shares[c]:.0%}" for c in CLASSES)


def sentiment_manifest(weeks) -> pd.DataFrame:
    """Ground truth of the three-class target in production ``weeks``: the binary manifest's kinds, each
    description followed by the week's expected class shares (against the reference's)."""
    truth = manifest()
    truth = truth[truth["batch"].isin(list(weeks))].reset_index(drop=True)
    reference = _shares_text("W01")
    truth["description"] = [f"{d} Three classes: {_shares_text(w)} (reference: {reference})."
                            for d, w in zip(truth["description"], truth["batch"], strict=True)]
    return truth


def make_multiclass_model():
    """TF-IDF of the text, then multinomial logistic regression (lbfgs: deterministic)."""
    from sklearn.linear_model import LogisticRegression

    return text_pipeline(LogisticRegression(C=C, max_iter=2000))


def sentiment_task(training: pd.DataFrame, reference: pd.DataFrame, current: pd.DataFrame, weeks,
                   seed: int) -> ScenarioTask:
    """Label every post with three classes, fit the model on the training posts and score the reference and
    production posts (one random stream, seeded by ``seed``)."""
    gen = np.random.default_rng(seed)
    train_labels = three_classes(training, gen)
    frames = [pd.DataFrame({SENTIMENT: three_classes(frame, gen)}) for frame in (reference, current)]
    features = [TEXT, CHANNEL, AUTHOR]
    model = make_multiclass_model().fit(training[features], train_labels)
    order = [list(model.classes_).index(c) for c in CLASSES]
    for frame, rows in zip(frames, (reference, current), strict=True):
        proba = model.predict_proba(rows[features])[:, order]
        frame[PREDICTED_SENTIMENT] = np.asarray(CLASSES, dtype=object)[proba.argmax(axis=1)]
        for j, column in enumerate(PROBABILITIES):
            frame[column] = proba[:, j]
    description = (f"Multiclass view: 'sentiment' is the post's class ({', '.join(CLASSES)}; weeks "
                   f"W01-W{N_REFERENCE_WEEKS:02d} ~17% neutral) and 'predicted_sentiment' with "
                   f"{', '.join(repr(c) for c in PROBABILITIES)} a TF-IDF + multinomial logistic-regression "
                   "model's class and probabilities, trained on the reference weeks.")
    return ScenarioTask("multiclass", SENTIMENT, PREDICTED_SENTIMENT, PROBABILITIES, CLASSES, frames[0],
                        frames[1], sentiment_manifest(weeks), model, description)
