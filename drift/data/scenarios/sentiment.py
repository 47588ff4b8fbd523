"""Synthetic brand-sentiment scenario: social-media posts about a gadget brand whose language evolves.

Everything is drawn from a seeded generator (no downloads), so the ground truth of every week is known.

The posts
---------
Short posts mentioning **Lumio**, a fictional consumer-electronics brand (the *X2* phone, *Buds*
earphones, the *Watch* and the *Lumio app*), written from templates filled from vocabulary pools
(products and their features, positive and negative adjectives, intensifiers, openers, emoji, hashtags,
@mentions, URLs with random short codes).  Each post has a **topic** and a **style**:

=============  ================================================================================  ==========
topic          what the posts talk about                                                         P(positive)
               (before the 7 % label noise below; after it, base posts are ~0.60 positive)
=============  ================================================================================  ==========
``base``       everyday product talk: battery, camera, sound, fit, app updates, support            0.62
``launch``     the *Lumio Fold* launch event: foldable screen, hinge, crease, preorder, keynote     0.75
``outage``     a Lumio Cloud outage: servers down, can't sync or log in, status page, support       0.06
``crisis``     the outage returns ("down again"), refunds, a tone-deaf CEO statement, boycott;       0.05
               includes sarcasm ("great, Lumio Cloud is down again") whose positive words mean the opposite
``competitor`` rival **Vexa**'s #SwitchToVexa campaign: comparisons, trade-in deals, switching        0.40
=============  ================================================================================  ==========

Style ``standard`` is the training-era language; style ``slang`` is a new generation's: sentiment carried
by words the model (and the lexicon) never saw -- ``mid``, ``slaps``, ``no cap``, ``lowkey``, ``goated``,
``it's giving`` ... -- new emoji (💀 🔥 😭 🫠), all lower case, more TikTok.  Slang posts are written
about the same products with the same share of positive posts, so their label distribution is unchanged.

``label`` (1 = positive, 0 = negative) is drawn first; the text is then written with that polarity,
except that 7 % of the labels are flipped afterwards (:data:`LABEL_NOISE`, annotator disagreement) and
15 % of standard posts use mixed or neutral templates ("the camera is ok i guess") that carry little
signal.  Like real posts, the text has a long tail of rare words: 15 % of posts carry a typo (two
neighbouring letters swapped, :data:`TYPO_SHARE`) and half the @mentions name a random user
(:data:`RANDOM_HANDLE_SHARE`).  ``channel`` (x, instagram, tiktok, reddit, youtube) and
``author_type`` (consumer, influencer, media, brand) are drawn with topic- and style-dependent shares.
``date`` is the post's timestamp, uniform within its week; weeks start on Monday 2025-03-03
(:data:`START`).

The model
---------
``prediction`` is P(positive) from a TF-IDF (word 1-2 grams, sublinear tf, ``min_df=2``) + logistic
regression (C = 4) pipeline fitted on a training draw of the reference weeks W01-W03; the reference is
another draw of those weeks, its validation set, scored by the same model -- as production is.
``Scenario.model`` is that pipeline; ``model.predict_proba(frame[["text", "channel", "author_type"]])``
reproduces the column (only ``text`` is used).  Its reference ROC AUC is ~0.90 (accuracy ~0.87 at a 0.5
cut-off); on the changed weeks it loses accuracy: ~0.74 in the outage and competitor weeks, ~0.71 in
W14, where most posts are slang it cannot read.

Weeks and the injected changes (ground truth in ``Scenario.manifest``)
-----------------------------------------------------------------------
``batch`` labels ``"W01"`` ... ``"W14"`` (week number ``int(batch[1:])``); reference = W01-W03,
current = W04-W14, ``posts_per_week`` posts each.

=====  ================  =========================================================================
week   kind              what changes (shares of the week's posts)
=====  ================  =========================================================================
W01-3  reference         100 % base / standard
W04    no_drift          as the reference
W05    covariate_shift   product launch event: 45 % launch posts (new name *Lumio Fold*, new feature
                         words); more influencer, media and YouTube posts; positive share ~0.65
W06    no_drift          as the reference (the Fold ships in the autumn; talk returns to normal)
W07    no_drift          as the reference
W08    prior_shift       cloud outage: 50 % outage posts -- positive share ~0.60 -> ~0.36, new words
                         (outage, servers, status page, #LumioDown), more X and Reddit
W09    prior_shift       PR crisis: 55 % crisis posts -- positive share ~0.33, "down again", refund,
                         apology, boycott, #RefundLumio; sarcastic posts flip known positive words
W10    no_drift          as the reference (service restored, credits paid)
W11    covariate_shift   competitor campaign: 35 % competitor posts -- Vexa, #SwitchToVexa, trade-in,
                         "better than", "vs"; positive share ~0.54
W12    covariate_shift   new slang and emoji arrive: 30 % of posts in the new style
W13    covariate_shift   slang spreads: 45 %
W14    covariate_shift   slang is the norm: 60 % -- the model reads these posts as ~neutral
=====  ================  =========================================================================

Stable weeks are drawn exactly as the reference.  The injected terms of each week are in
:data:`INJECTED_TERMS` (what the distinguishing-terms view should find).


Three classes (the multiclass view)
-----------------------------------
*The label.*  Annotators read every post again and give it one of three classes (``sentiment``):

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

*The model.*  TF-IDF (as the binary model) + multinomial logistic regression (:data:`MULTICLASS_C` = 4),
fitted on the same training posts as the binary model: ``predicted_sentiment`` is its most probable class
and ``proba_negative``, ``proba_neutral``, ``proba_positive`` its probabilities
(:data:`PROBABILITY_COLUMNS`: :data:`drift.data.task.PROBA_PREFIX` + class).  The reference is its
validation set, scored by the deployed model, as production is.
:meth:`Scenario.with_task("multiclass") <drift.data.scenarios.base.Scenario.with_task>` swaps these
columns in for ``label`` and ``prediction``.

Ground truth: the kinds of the binary manifest (the weeks change in the same way), each description
followed by the week's expected class shares.  The labels are drawn from a random stream of their own,
seeded from the scenario's generator after all of its other draws: every column of the binary scenario is
bit-identical with or without this model.

Examples
--------
>>> from drift.data.scenarios.sentiment import generate
>>> sc = generate(posts_per_week=300, rng=0)
>>> sc.batches()[:3]
['W04', 'W05', 'W06']
>>> sc.manifest_row("W08")["kind"]
'prior_shift'
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from drift.core.errors import DriftParameterError
from drift.data.scenarios.base import MANIFEST_COLUMNS, DeferredTask, Scenario, ScenarioTask
from drift.data.task import PROBA_PREFIX

#: Text, label, score, batch and time columns.
TEXT, TARGET, PREDICTION, BATCH, TIME = "text", "label", "prediction", "batch", "date"
#: Internal column (dropped from the frames): the post was written from a neutral template.
NEUTRAL_TEMPLATE = "neutral_template"
#: Categorical context columns.
CHANNEL, AUTHOR = "channel", "author_type"
#: Monday of week W01.
START = pd.Timestamp("2025-03-03")
#: Weeks W01 .. W14; the first :data:`N_REFERENCE_WEEKS` are the reference.
N_WEEKS, N_REFERENCE_WEEKS = 14, 3
#: Share of labels flipped after the text is written (annotator disagreement).
LABEL_NOISE = 0.07
#: Share of standard posts written from mixed / neutral templates.
NEUTRAL_SHARE = 0.15
#: Share of posts with a typo (two neighbouring letters of one word swapped): the long tail of rare words
#: real text always has.
TYPO_SHARE = 0.15
#: Share of @mentions that name a random user (``@name`` + digits, nearly always unique).
RANDOM_HANDLE_SHARE = 0.5

TOPICS = ("base", "launch", "outage", "crisis", "competitor")
#: P(label = 1) of each topic.
P_POSITIVE = {"base": 0.62, "launch": 0.75, "outage": 0.06, "crisis": 0.05, "competitor": 0.40}
CHANNELS = ("x", "instagram", "tiktok", "reddit", "youtube")
AUTHOR_TYPES = ("consumer", "influencer", "media", "brand")
_CHANNEL_SHARE = {
    "base": (0.40, 0.22, 0.13, 0.15, 0.10), "launch": (0.28, 0.22, 0.12, 0.10, 0.28),
    "outage": (0.55, 0.05, 0.05, 0.33, 0.02), "crisis": (0.55, 0.05, 0.05, 0.33, 0.02),
    "competitor": (0.35, 0.35, 0.15, 0.10, 0.05), "slang": (0.18, 0.18, 0.56, 0.04, 0.04),
}
_AUTHOR_SHARE = {
    "base": (0.82, 0.10, 0.05, 0.03), "launch": (0.52, 0.22, 0.22, 0.04),
    "outage": (0.88, 0.02, 0.08, 0.02), "crisis": (0.85, 0.03, 0.11, 0.01),
    "competitor": (0.62, 0.20, 0.04, 0.14), "slang": (0.85, 0.13, 0.01, 0.01),
}


@dataclass(frozen=True, slots=True)
class WeekPlan:
    """What one week's posts are made of, and its ground truth.

    Attributes
    ----------
    topics : tuple of (str, float)
        Topic shares other than ``base`` (``base`` takes the rest).
    slang : float
        Share of posts written in the new slang style.
    kind, description, features : str
        The manifest row (``features``: affected columns, comma-separated).
    """

    topics: tuple[tuple[str, float], ...] = ()
    slang: float = 0.0
    kind: str = "no_drift"
    description: str = "Stable week: drawn exactly as the reference (weeks W01-W03)."
    features: str = ""


_STABLE = WeekPlan()
#: The plan of every week; W01-W03 are the reference.
PLAN: dict[str, WeekPlan] = {
    "W01": _STABLE, "W02": _STABLE, "W03": _STABLE, "W04": _STABLE,
    "W05": WeekPlan((("launch", 0.45),), 0.0, "covariate_shift",
                    "Product launch event: 45% of posts discuss the new Lumio Fold (new product name and "
                    "feature words: foldable, hinge, crease, preorder, keynote); more influencer, media and "
                    "YouTube posts; positive share up slightly (~0.60 -> ~0.65).",
                    "text,channel,author_type"),
    "W06": WeekPlan(description="Stable week: the launch buzz is over (the Fold ships in the autumn); "
                                "drawn exactly as the reference."),
    "W07": _STABLE,
    "W08": WeekPlan((("outage", 0.50),), 0.0, "prior_shift",
                    "Cloud outage: 50% of posts complain that Lumio Cloud is down (new words: outage, "
                    "servers, status page, #LumioDown); positive share ~0.60 -> ~0.36; more X and Reddit.",
                    "text,channel"),
    "W09": WeekPlan((("crisis", 0.55),), 0.0, "prior_shift",
                    "PR crisis: the outage returns and the CEO's statement backfires. 55% of posts: 'down "
                    "again', refund, apology, boycott, #RefundLumio; sarcasm turns known positive words "
                    "negative ('great, down again'). Positive share ~0.33.",
                    "text,channel"),
    "W10": WeekPlan(description="Stable week: service restored and credits paid; drawn exactly as the "
                                "reference."),
    "W11": WeekPlan((("competitor", 0.35),), 0.0, "covariate_shift",
                    "Competitor campaign: 35% of posts react to rival Vexa's #SwitchToVexa campaign "
                    "(competitor brand, trade-in deals, comparison phrases 'better than', 'vs', 'switched "
                    "to'); positive share ~0.54; more Instagram and brand accounts.",
                    "text,channel,author_type"),
    "W12": WeekPlan((), 0.30, "covariate_shift",
                    "New slang and emoji arrive: 30% of posts use words and emoji unseen in training "
                    "('mid', 'slaps', 'no cap', 'lowkey', 💀 🔥) to carry their sentiment; label shares "
                    "unchanged; more TikTok.",
                    "text,channel"),
    "W13": WeekPlan((), 0.45, "covariate_shift",
                    "Slang spreads: 45% of posts in the new style (same words and emoji as W12).",
                    "text,channel"),
    "W14": WeekPlan((), 0.60, "covariate_shift",
                    "Slang is the new normal: 60% of posts in the new style; the model reads most of them "
                    "as neutral, so its accuracy falls.",
                    "text,channel"),
}
WEEKS = tuple(PLAN)

# --- vocabulary -----------------------------------------------------------------------------------
_PRODUCTS = {  # names (used after "the" / "my" or alone) -> feature words
    "phone": (("Lumio X2", "X2", "Lumio phone"),
              ("battery", "camera", "screen", "charging", "night mode", "display", "speaker", "storage",
               "face unlock", "zoom")),
    "buds": (("Lumio Buds", "Buds", "Lumio earbuds"),
             ("sound", "bass", "noise cancelling", "fit", "case", "bluetooth", "mic", "battery",
              "transparency mode", "pairing")),
    "watch": (("Lumio Watch", "Watch", "Lumio smartwatch"),
              ("strap", "step tracking", "heart rate", "sleep tracking", "display", "battery",
               "workout mode", "notifications", "gps")),
    "app": (("Lumio app", "app", "companion app"),
            ("update", "sync", "dark mode", "notifications", "login", "interface", "widgets", "backup",
             "settings")),
}
_POS_ADJ = ("great", "amazing", "awesome", "excellent", "solid", "impressive", "fantastic", "smooth",
            "reliable", "perfect", "brilliant", "crisp", "super fast", "gorgeous", "so good", "top notch",
            "really nice", "spot on", "incredible", "flawless", "stunning", "wonderful")
_NEG_ADJ = ("terrible", "awful", "disappointing", "broken", "so slow", "useless", "laggy", "buggy",
            "overpriced", "frustrating", "poor", "the worst", "garbage", "flimsy", "unreliable", "annoying",
            "a mess", "painful", "cheap feeling", "horrible", "mediocre", "pathetic")
_INTENS = ("really", "so", "very", "honestly", "seriously", "pretty", "absolutely", "genuinely")
_POS_OPENERS = ("ok", "wow", "yes", "finally", "honestly", "love it", "not gonna lie", "update:", "psa:",
                "day 3 with it and")
_NEG_OPENERS = ("ugh", "seriously", "sigh", "wow", "honestly", "not again", "update:", "psa:", "again",
                "day 3 and")
_POS_VERBS = ("love", "really like", "am obsessed with", "can't stop using", "recommend", "enjoy")
_NEG_VERBS = ("hate", "regret buying", "am done with", "can't stand", "want to return", "am tired of")
_POS_CLOSERS = ("worth every penny", "10/10", "highly recommend", "no complaints", "best purchase this year",
                "happy customer", "well done Lumio", "thanks Lumio")
_NEG_CLOSERS = ("want my money back", "never again", "so disappointed", "fix it please", "not impressed",
                "huge letdown", "returning it", "do better Lumio")
_STANDARD_EMOJI = {1: ("😍", "👍", "🙌", "✨", "💯", "😊", "❤️", "👏", "🎉"),
                   0: ("😡", "👎", "🙄", "😤", "😒", "😩", "😞", "🤬")}
_SLANG_EMOJI = {1: ("🔥", "🔥", "🔥🔥", "🙏", "🤌", "😭🔥"), 0: ("💀", "💀", "💀💀", "😭", "🫠", "🤡")}
_MENTIONS = ("@Lumio", "@LumioSupport", "@gadgetgrace", "@techwithtom", "@jess_k", "@dailydevice",
             "@mkbreviews_fan", "@sam_writes")
_HANDLE_NAMES = ("jess", "tom", "maria", "dev", "alex", "sam", "kim", "leo", "nina", "raj", "zoe", "omar",
                 "lucy", "ben", "ana", "max", "ivy", "theo", "mia", "kai")
_HASHTAGS = ("#Lumio", "#LumioX2", "#LumioBuds", "#tech", "#gadgets", "#newphone", "#music", "#fitness",
             "#review")
_URL_HOSTS = ("https://t.co/", "https://lum.io/", "https://youtu.be/", "https://imgur.com/")
_CODE_CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

_BASE_POS = (
    "{opener} {product} {feature} is {pos}",
    "just got {product} and the {feature} is {pos}",
    "{intens} {pos} {feature} on {product}",
    "can't believe how {pos} the {feature} is on {product}",
    "I {pos_verb} {product}, the {feature} is {pos}",
    "{product} {feature} has been {pos} all week",
    "the new {feature} update on {product} is {pos}. {closer}",
    "honestly the best {feature} I've had. {product} is {pos}",
    "shoutout to {mention} for the {pos} support with {product}",
    "{product} {feature} is {intens} {pos}, {closer}",
    "switched from my old phone and {product} {feature} is {pos}",
    "two months in and {product} is still {pos}. {closer}",
)
_BASE_NEG = (
    "{opener} {product} {feature} is {neg}",
    "{product} {feature} stopped working again. {neg}",
    "why is the {feature} on {product} so {neg}",
    "{mention} the {feature} on {product} is {neg}, please fix",
    "returned {product}. the {feature} was {neg}",
    "I {neg_verb} {product}, the {feature} is {neg}",
    "the {feature} update made {product} {neg}. {closer}",
    "{product} {feature} is {intens} {neg}. {closer}",
    "paid full price and {product} {feature} is {neg}",
    "third replacement and {product} {feature} is still {neg}",
    "not happy with {product}, the {feature} is {neg}",
    "support took 2 weeks and {product} {feature} is still {neg}",
)
_BASE_NEUTRAL = (
    "anyone else getting the {feature} update on {product}?",
    "{product} {feature} is ok i guess",
    "thinking about getting {product}, how is the {feature}?",
    "{product} or wait for next year? the {feature} matters most to me",
    "does {product} {feature} work with older phones?",
    "the {feature} on {product} is fine, nothing special",
)
_LAUNCH_POS = (
    "the #LumioFold looks {pos}, preorder locked in",
    "watching the Lumio Fold launch event, that foldable screen is {pos}",
    "that hinge on the Lumio Fold is {pos} {emoji}",
    "Lumio Fold keynote was {pos}. the cover display is {pos}",
    "preordered the Lumio Fold, the foldable display looks {pos} #LumioLaunch",
    "no visible crease on the Lumio Fold?? {pos}",
    "hands-on with the Lumio Fold: hinge feels {pos}, crease barely there",
    "the Lumio Fold launch was {intens} {pos}, folding screen done right",
)
_LAUNCH_NEG = (
    "Lumio Fold preorder price is {neg}",
    "the crease on the Lumio Fold is {neg} in every hands-on video",
    "Lumio Fold hinge looks {neg}, not paying that preorder price",
    "the Lumio Fold keynote was {neg}. foldable for that price? no",
    "#LumioFold cover display is {neg}",
)
_OUTAGE = {
    1: ("props to {mention} for the quick updates during the outage",
        "Lumio Cloud back up already, {pos} response from the team",
        "the status page was {pos} during the outage, thanks {mention}"),
    0: ("{mention} Lumio Cloud is down, can't sync my {feature}",
        "Lumio Cloud outage for 6 hours now. {neg}",
        "servers down and the status page says all good? {neg} #LumioDown",
        "can't log in to the Lumio app, is there an outage? {neg}",
        "{product} won't sync, Lumio Cloud outage again #LumioDown",
        "the outage wiped my backup. {neg} {mention}",
        "Lumio servers down all morning, {neg}",
        "is Lumio Cloud down for everyone? #LumioDown {emoji}"),
}
_CRISIS = {
    1: ("Lumio CEO apology was fair, mistakes happen",
        "still loyal after the outage, the refund came fast {mention}"),
    0: ("Lumio is down again. I want a refund {mention}",
        "great, Lumio Cloud is down again {emoji}",
        "love paying for a service that's down again #RefundLumio",
        "that CEO statement about the outage was tone deaf. boycott time",
        "down again?? refund my subscription {mention} #RefundLumio",
        "second outage in two weeks, where is the refund #LumioDown",
        "the CEO apology reads like a joke. {neg}",
        "class action against Lumio when? down again",
        "amazing how Lumio is down again, just amazing #boycottLumio",
        "requested a refund, support says wait for the CEO statement. {neg}"),
}
_COMPETITOR = {
    1: ("Vexa Pods vs Lumio Buds? Lumio still wins on {feature}",
        "tried the Vexa One, going back to {product}, the {feature} is better",
        "the #SwitchToVexa ads are everywhere but {product} is still better than the Vexa One",
        "Vexa could never, {product} {feature} is {pos}",
        "compared the Vexa One to {product} and Lumio is better on {feature}"),
    0: ("switched to the Vexa One, the trade-in deal was too good #SwitchToVexa",
        "Vexa Pods sound way better than Lumio Buds honestly",
        "the #SwitchToVexa ad roasting Lumio is brutal and fair",
        "Vexa One vs {product}: Vexa wins on {feature}, sorry Lumio",
        "thinking of switching to Vexa, {product} {feature} is {neg}",
        "got the Vexa trade-in offer for {product}. bye Lumio #SwitchToVexa",
        "Vexa One {feature} is better than {product} and cheaper"),
}
_SLANG = {
    1: ("{sproduct} {feature} lowkey slaps no cap {semoji}",
        "ngl {sproduct} {feature} goes hard {semoji}",
        "{sproduct} is goated fr {semoji}",
        "the {feature} on {sproduct} hits different {semoji}",
        "{sproduct} {feature} bussin fr fr",
        "not me obsessed w {sproduct} {feature} {semoji}",
        "{sproduct} {feature} is a whole vibe no cap",
        "{sproduct} understood the assignment {semoji}"),
    0: ("{sproduct} {feature} is mid {semoji}",
        "{sproduct} {feature} so mid fr {semoji}",
        "{sproduct} took an L with the {feature} {semoji}",
        "the {feature} on {sproduct}? it's giving broke {semoji}",
        "bro {sproduct} {feature} is cooked {semoji}",
        "{sproduct} {feature} is lowkey trash ngl {semoji}",
        "ratio + {sproduct} {feature} is mid",
        "{sproduct} {feature} be flopping fr {semoji}"),
}
#: How the new style names each product.
_SLANG_PRODUCTS = {"phone": ("the x2", "lumio x2", "my x2"), "buds": ("lumio buds", "the buds", "my buds"),
                   "watch": ("the lumio watch", "my watch"), "app": ("the lumio app", "the app")}

#: Terms each changed week injects (lower case, as :func:`drift.text.text_drift.tokenize` returns them); the
#: distinguishing-terms view of that week should find some of them.
INJECTED_TERMS: dict[str, tuple[str, ...]] = {
    "W05": ("fold", "lumio fold", "hinge", "crease", "preorder", "foldable", "keynote", "#lumiofold",
            "launch", "cover display"),
    "W08": ("outage", "down", "servers", "cloud", "lumio cloud", "#lumiodown", "status page", "sync"),
    "W09": ("down again", "refund", "again", "ceo", "statement", "apology", "#refundlumio", "boycott",
            "outage"),
    "W11": ("vexa", "#switchtovexa", "vexa one", "trade-in", "switched", "switching", "than", "vs", "pods",
            "vexa pods", "better than", "trade", "in"),
    "W12": ("mid", "slaps", "no cap", "lowkey", "fr", "ngl", "💀", "🔥", "goated", "hits different",
            "cooked", "bussin", "😭", "🫠", "🤡", "🙏", "🤌"),
}
INJECTED_TERMS["W13"] = INJECTED_TERMS["W12"]
INJECTED_TERMS["W14"] = INJECTED_TERMS["W12"]


class _Writer:
    """Fills templates from the pools with a seeded :class:`random.Random`."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        #: Whether the last standard post came from a neutral template (read by the three-class label).
        self.neutral = False

    def pick(self, pool):
        return pool[self.r.randrange(len(pool))]

    def mention(self) -> str:
        if self.r.random() < RANDOM_HANDLE_SHARE:
            return f"@{self.pick(_HANDLE_NAMES)}{self.pick(('', '_'))}{self.r.randrange(10, 10_000)}"
        return self.pick(_MENTIONS)

    def typo(self, text: str) -> str:
        """Swap two neighbouring inner letters of one word of at least 5 letters (if any)."""
        words = text.split(" ")
        long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not long:
            return text
        i = self.pick(long)
        w = words[i]
        j = self.r.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        return " ".join(words)

    def url(self) -> str:
        return self.pick(_URL_HOSTS) + "".join(self.r.choices(_CODE_CHARS, k=7))

    def slots(self, label: int) -> dict[str, str]:
        group = self.pick(tuple(_PRODUCTS))
        names, features = _PRODUCTS[group]
        name = self.pick(names)
        determiner = self.pick(("the ", "my ", "") if name.startswith("Lumio") else ("the ", "my "))
        return {
            "product": determiner + name, "feature": self.pick(features), "pos": self.pick(_POS_ADJ),
            "neg": self.pick(_NEG_ADJ), "intens": self.pick(_INTENS),
            "opener": self.pick(_POS_OPENERS if label else _NEG_OPENERS),
            "pos_verb": self.pick(_POS_VERBS), "neg_verb": self.pick(_NEG_VERBS),
            "closer": self.pick(_POS_CLOSERS if label else _NEG_CLOSERS), "mention": self.mention(),
            "emoji": self.pick(_STANDARD_EMOJI[label]), "sproduct": self.pick(_SLANG_PRODUCTS[group]),
            "semoji": self.pick(_SLANG_EMOJI[label]),
        }

    def standard(self, topic: str, label: int) -> str:
        """A standard-style post of one topic, with its decorations."""
        r = self.r
        s = self.slots(label)
        self.neutral = False
        if topic == "base":
            if r.random() < NEUTRAL_SHARE:
                pool = _BASE_NEUTRAL
                self.neutral = True
            else:
                pool = _BASE_POS if label else _BASE_NEG
        elif topic == "launch":
            pool = _LAUNCH_POS if label else _LAUNCH_NEG
        else:
            pool = {"outage": _OUTAGE, "crisis": _CRISIS, "competitor": _COMPETITOR}[topic][label]
        text = self.pick(pool).format(**s)
        if r.random() < 0.5:
            text = text[0].upper() + text[1:]
        if r.random() < (0.35 if label else 0.25):
            text += " " + s["emoji"] * (1 + (r.random() < 0.25))
        if r.random() < 0.20:
            text += "!" * (1 + (r.random() < 0.4) + (r.random() < 0.2))
        if r.random() < 0.18:
            tags = {"launch": ("#LumioFold", "#LumioLaunch", "#foldable"),
                    "outage": ("#LumioDown", "#outage"), "crisis": ("#RefundLumio", "#LumioDown"),
                    "competitor": ("#SwitchToVexa", "#VexaOne")}.get(topic, _HASHTAGS)
            text += " " + self.pick(tags)
        if r.random() < 0.10:
            text = self.mention() + " " + text
        if r.random() < TYPO_SHARE:
            text = self.typo(text)
        if r.random() < 0.10:
            text += " " + self.url()
        if label == 0 and r.random() < (0.15 if topic in ("outage", "crisis") else 0.05):
            text = text.upper()
        return text

    def slang(self, label: int) -> str:
        """A new-style post: slang and new emoji carry the sentiment; all lower case."""
        r = self.r
        text = self.pick(_SLANG[label]).format(**self.slots(label))
        if r.random() < TYPO_SHARE:
            text = self.typo(text)
        if r.random() < 0.20:
            text += " " + self.pick(("#fyp", "#techtok", "#lumio"))
        if r.random() < 0.10:
            text += " " + self.url()
        return text.lower()


def _week(label: str, n: int, gen: np.random.Generator, writer: _Writer) -> pd.DataFrame:
    """Draw one week of posts (rows in time order)."""
    plan = PLAN[label]
    shares = dict(plan.topics)
    names = ["base", *shares]
    p = np.array([1.0 - sum(shares.values()), *shares.values()])
    topic = np.asarray(names, dtype=object)[gen.choice(len(names), size=n, p=p)]
    slang = gen.random(n) < plan.slang
    p_pos = np.array([P_POSITIVE[t] for t in topic])
    y_text = (gen.random(n) < p_pos).astype(np.int64)
    flip = gen.random(n) < LABEL_NOISE
    y = np.where(flip, 1 - y_text, y_text)
    style = np.where(slang, "slang", topic)
    channel = np.empty(n, dtype=object)
    author = np.empty(n, dtype=object)
    for key in np.unique(style):
        rows = np.flatnonzero(style == key)
        channel[rows] = np.asarray(CHANNELS, dtype=object)[gen.choice(len(CHANNELS), rows.size,
                                                                       p=_CHANNEL_SHARE[key])]
        author[rows] = np.asarray(AUTHOR_TYPES, dtype=object)[gen.choice(len(AUTHOR_TYPES), rows.size,
                                                                          p=_AUTHOR_SHARE[key])]
    seconds = np.sort(gen.integers(0, 7 * 24 * 3600, n))
    week_start = START + pd.Timedelta(days=7 * (int(label[1:]) - 1))
    texts, neutral = [], np.zeros(n, dtype=bool)
    for i, (t, s, yt) in enumerate(zip(topic, slang, y_text, strict=True)):
        texts.append(writer.slang(int(yt)) if s else writer.standard(t, int(yt)))
        neutral[i] = not s and writer.neutral
    return pd.DataFrame({
        TEXT: texts, BATCH: label, TIME: week_start + pd.to_timedelta(seconds, unit="s"),
        CHANNEL: channel, AUTHOR: author, TARGET: y, NEUTRAL_TEMPLATE: neutral,
    })


def make_model(seed: int):
    """TF-IDF (word 1-2 grams) + logistic regression, reading the ``text`` column of a frame."""
    from sklearn.linear_model import LogisticRegression

    return text_pipeline(LogisticRegression(C=4.0, max_iter=2000, solver="liblinear", random_state=seed))


def text_pipeline(classifier):
    """TF-IDF of the ``text`` column (word 1-2 grams, sublinear tf, ``min_df=2``), then ``classifier``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

    words = ColumnTransformer([("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                                TEXT)], remainder="drop")
    return Pipeline([("words", words), ("model", classifier)])


def manifest() -> pd.DataFrame:
    """Ground truth of the production weeks W04-W14: ``batch, kind, description, features``."""
    rows = [(w, PLAN[w].kind, PLAN[w].description, PLAN[w].features) for w in WEEKS[N_REFERENCE_WEEKS:]]
    return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS))


def generate(*, n_weeks: int = N_WEEKS, posts_per_week: int = 1500,
             rng: int | np.random.Generator = 0) -> Scenario:
    """Generate the brand-sentiment scenario.

    Parameters
    ----------
    n_weeks : int, default 14
        Weeks generated, 4 to 14: the reference W01-W03 and production weeks W04 .. ``W{n_weeks}``
        (the manifest is cut to match).
    posts_per_week : int, default 1500
        Posts per week; at least 50.
    rng : int or numpy.random.Generator, default 0
        Seed or generator.  The same int always gives identical frames and model.

    Returns
    -------
    Scenario
        ``reference`` (weeks W01-W03) and ``current`` (W04 ..): columns ``text, batch, date, channel,
        author_type, label, prediction``; the manifest of the production weeks and the fitted model.

    Raises
    ------
    DriftParameterError
        If ``n_weeks`` or ``posts_per_week`` is out of range.
    """
    func = "sentiment.generate"
    if isinstance(n_weeks, bool) or not isinstance(n_weeks, (int, np.integer)) \
            or not N_REFERENCE_WEEKS + 1 <= n_weeks <= N_WEEKS:
        raise DriftParameterError.invalid("n_weeks", func, f"an int in [{N_REFERENCE_WEEKS + 1}, {N_WEEKS}]",
                                          n_weeks)
    if isinstance(posts_per_week, bool) or not isinstance(posts_per_week, (int, np.integer)) \
            or posts_per_week < 50:
        raise DriftParameterError.invalid("posts_per_week", func, "an int >= 50", posts_per_week)
    seed_text = f"rng={rng}" if isinstance(rng, (int, np.integer)) else "a caller-supplied numpy Generator"
    gen = np.random.default_rng(rng)
    writer = _Writer(int(gen.integers(2**31 - 1)))
    weeks = [_week(w, int(posts_per_week), gen, writer) for w in WEEKS[:n_weeks]]
    model_seed = int(gen.integers(2**31 - 1))

    # The model is trained on other posts of the reference weeks; the reference is its validation set,
    # scored by the deployed model itself (out-of-fold scores come from five other models and lifted the
    # prediction PSI of clean weeks above its null level).
    training = pd.concat([_week(w, int(posts_per_week), gen, writer) for w in WEEKS[:N_REFERENCE_WEEKS]],
                         ignore_index=True)
    reference = pd.concat(weeks[:N_REFERENCE_WEEKS], ignore_index=True)
    current = pd.concat(weeks[N_REFERENCE_WEEKS:], ignore_index=True)
    features = [TEXT, CHANNEL, AUTHOR]
    model = make_model(model_seed).fit(training[features], training[TARGET])
    reference[PREDICTION] = model.predict_proba(reference[features])[:, 1]
    current[PREDICTION] = model.predict_proba(current[features])[:, 1]
    labels = WEEKS[N_REFERENCE_WEEKS:n_weeks]
    # Drawn after everything above, so the three-class stream leaves the binary scenario as it was.
    # fitted on first use (Scenario.with_task), on copies of the rows as they are now
    classes = DeferredTask("multiclass", partial(sentiment_task, training, reference.copy(), current.copy(),
                                                 labels, int(gen.integers(2**63 - 1))))
    columns = [TEXT, BATCH, TIME, CHANNEL, AUTHOR, TARGET, PREDICTION]
    reference, current = reference[columns], current[columns]

    truth = manifest()
    truth = truth[truth["batch"].isin(labels)].reset_index(drop=True)
    description = (
        f"Synthetic social-media posts mentioning Lumio, a fictional gadget brand, {posts_per_week:,} per "
        f"week. Reference: weeks W01-W03 ({len(reference):,} posts). Current: weeks "
        f"{labels[0]}-{labels[-1]}. 'label' is the post's sentiment (1 = positive); 'prediction' is "
        "P(positive) from a TF-IDF + logistic-regression model trained on the reference. The language "
        "changes in documented steps: a product launch (W05), a cloud outage and a PR crisis that turn "
        "the mood (W08-W09), a competitor's campaign (W11) and new slang and emoji that spread from W12 "
        "on; W04, W06, W07 and W10 are stable. The manifest holds the ground truth of each week."
    )
    return Scenario(
        name="sentiment", title="Brand sentiment on social media (synthetic)", description=description,
        reference=reference, current=current, target=TARGET, prediction=PREDICTION, batch=BATCH, time=TIME,
        manifest=truth, model=model, tasks=(classes,),
        source=f"synthetic: drift.data.scenarios.sentiment.generate(n_weeks={n_weeks}, "
               f"posts_per_week={posts_per_week}, {seed_text}); no external data",
    )


# --- three classes (multiclass view) --------------------------------------------------------------------
#: The three-class target and the model's predicted class.
SENTIMENT, PREDICTED_SENTIMENT = "sentiment", "predicted_sentiment"
#: Classes in the library's order (sorted text).
SENTIMENT_CLASSES = ("negative", "neutral", "positive")
#: The model's per-class probability columns, in :data:`SENTIMENT_CLASSES` order.
PROBABILITY_COLUMNS = tuple(f"{PROBA_PREFIX}{c}" for c in SENTIMENT_CLASSES)
#: P(a post from a neutral template is called neutral).
NEUTRAL_AGREEMENT = 0.85
#: P(a polar post is called neutral).
HEDGE_SHARE = 0.05
#: Inverse regularisation of the multinomial logistic regression.
MULTICLASS_C = 4.0


def three_classes(frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """The ``sentiment`` of each post of a frame with ``label`` and the internal neutral-template flag
    (module docstring), as an object array of :data:`SENTIMENT_CLASSES`."""
    template = frame[NEUTRAL_TEMPLATE].to_numpy(bool)
    called_neutral = rng.random(len(frame)) < np.where(template, NEUTRAL_AGREEMENT, HEDGE_SHARE)
    polar = np.where(frame[TARGET].to_numpy() == 1, "positive", "negative")
    return np.where(called_neutral, "neutral", polar).astype(object)


def expected_shares(week: str) -> dict[str, float]:
    """Expected share of each class among a week's posts, from its plan (module docstring)."""
    plan = PLAN[week]
    topics = dict(plan.topics)
    topics = {"base": 1.0 - sum(topics.values()), **topics}
    out = dict.fromkeys(SENTIMENT_CLASSES, 0.0)
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
    return ", ".join(f"{c} {shares[c]:.0%}" for c in SENTIMENT_CLASSES)


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

    return text_pipeline(LogisticRegression(C=MULTICLASS_C, max_iter=2000))


def sentiment_task(training: pd.DataFrame, reference: pd.DataFrame, current: pd.DataFrame, weeks,
                   seed: int) -> ScenarioTask:
    """Label every post with three classes, fit the model on the training posts and score the reference and
    production posts (one random stream, seeded by ``seed``)."""
    gen = np.random.default_rng(seed)
    train_labels = three_classes(training, gen)
    frames = [pd.DataFrame({SENTIMENT: three_classes(frame, gen)}) for frame in (reference, current)]
    features = [TEXT, CHANNEL, AUTHOR]
    model = make_multiclass_model().fit(training[features], train_labels)
    order = [list(model.classes_).index(c) for c in SENTIMENT_CLASSES]
    for frame, rows in zip(frames, (reference, current), strict=True):
        proba = model.predict_proba(rows[features])[:, order]
        frame[PREDICTED_SENTIMENT] = np.asarray(SENTIMENT_CLASSES, dtype=object)[proba.argmax(axis=1)]
        for j, column in enumerate(PROBABILITY_COLUMNS):
            frame[column] = proba[:, j]
    description = (f"Multiclass view: 'sentiment' is the post's class ({', '.join(SENTIMENT_CLASSES)}; "
                   f"weeks W01-W{N_REFERENCE_WEEKS:02d} ~17% neutral) and 'predicted_sentiment' with "
                   f"{', '.join(repr(c) for c in PROBABILITY_COLUMNS)} a TF-IDF + multinomial "
                   "logistic-regression model's class and probabilities, trained on the reference weeks.")
    return ScenarioTask("multiclass", SENTIMENT, PREDICTED_SENTIMENT, PROBABILITY_COLUMNS, SENTIMENT_CLASSES,
                        frames[0], frames[1], sentiment_manifest(weeks), model, description)
