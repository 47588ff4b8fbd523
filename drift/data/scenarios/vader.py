"""Real data: the VADER human-rated sentiment corpora, a domain shift between sources of text.

Hutto & Gilbert (2014) had every text rated by 20 people on a scale from -4 (extremely negative) to +4
(extremely positive); the files hold the mean rating.  Four sources of text, shipped in
``data/vader_sentiment_ground_truth/`` with their ``SOURCE.md``, the authors' ``_README_.txt`` and the
MIT licence (``LICENSE-vaderSentiment.txt``); nothing is downloaded:

==================  ====================  =======  ===============================================
source (``batch``)  file                  texts    what
==================  ====================  =======  ===============================================
``tweets``          tweets_GroundTruth     4,200   tweet-like posts (usernames / URLs anonymised)
``amazon``          amazonReviewSnippets   3,708   sentences of 309 Amazon product reviews
``movies``          movieReviewSnippets   10,605   movie-review snippets (Pang & Lee 2004)
``nyt``             nytEditorialSnippets   5,190   sentences of 500 New York Times opinion pieces
==================  ====================  =======  ===============================================

The split is a *natural* domain shift, not an injected one.  By default:

- **reference** = the tweets -- what a social-media sentiment model is trained on;
- **current** = the three other sources, one batch each, from the nearest domain to the farthest:
  product reviews (consumer voice, but longer and without emoji), movie reviews (critics' prose), news
  editorials (formal, argumentative, rarely positive).

This is the most telling choice: it is the classic "train on social media, deploy elsewhere" mistake, the
language changes in ways every lens shows (no emoji, mentions or slang; longer, more formal sentences;
new topics), the share of positive texts falls (tweets ~0.69, amazon ~0.57, movies ~0.49, nyt ~0.42 --
a prior shift on top of the covariate shift), and the model's accuracy falls with it.  Any source can be
the reference (``reference=``); the others become the batches, in the order of :data:`SOURCES`.

Columns: ``text``, ``batch`` (the source), ``id`` (the file's id; ``review_sentence`` or
``article_sentence`` for amazon and nyt), ``rating`` (mean human rating, -4..4), ``label`` (1 when the
rating is > 0, else 0 -- the few texts rated exactly 0 count as not positive) and ``prediction``:
P(positive) from the TF-IDF + logistic-regression pipeline of
:func:`drift.data.scenarios.sentiment.make_model`
fitted on the reference (5-fold out-of-fold predictions on the reference, as a validation set shows;
the fitted model's predictions on the batches).  There is no time column.

``Scenario.manifest`` describes each batch's domain (kind ``covariate_shift``; the label shares are in
the descriptions): it is known by construction which source each text comes from, but nothing was
injected, so it says what differs rather than by how much.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError
from drift.data.scenarios.base import MANIFEST_COLUMNS, Scenario

#: Where the data lives, relative to the repository root.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "vader_sentiment_ground_truth"
#: Source name -> file, in the order batches appear (nearest to tweets first).
SOURCES = {
    "tweets": "tweets_GroundTruth.txt",
    "amazon": "amazonReviewSnippets_GroundTruth.txt",
    "movies": "movieReviewSnippets_GroundTruth.txt",
    "nyt": "nytEditorialSnippets_GroundTruth.txt",
}
#: What each source is (for the manifest and the app).
SOURCE_DESCRIPTIONS = {
    "tweets": "Tweet-like social-media posts (usernames and URLs anonymised): short, informal, emoticons, "
              "slang and exclamation marks.",
    "amazon": "Sentences from 309 Amazon product reviews (Hu & Liu 2004): a consumer's voice like the "
              "tweets, but longer sentences about product features, without emoticons, mentions or slang.",
    "movies": "Movie-review snippets (Pang & Lee 2004): critics' prose, long sentences, film vocabulary, "
              "names of actors and directors.",
    "nyt": "Sentences from 500 New York Times opinion pieces: formal, argumentative, politics and policy "
           "vocabulary, the most negative source.",
}
TEXT, BATCH, ID, RATING, TARGET, PREDICTION = "text", "batch", "id", "rating", "label", "prediction"
#: A text is positive when its mean human rating is above this.
POSITIVE_ABOVE = 0.0


def read_source(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Read one source file: columns ``id`` (str), ``rating`` (float), ``text`` (str).

    Parameters
    ----------
    name : str
        A key of :data:`SOURCES`.
    data_dir : str or Path, optional
        Folder holding the files; default ``data/vader_sentiment_ground_truth`` in the repository.

    Raises
    ------
    DriftParameterError
        Unknown source name.
    DriftInputError
        The file is missing or a line is not ``id <TAB> rating <TAB> text``.
    """
    if name not in SOURCES:
        raise DriftParameterError.invalid("name", "vader.read_source", f"one of {tuple(SOURCES)}", name)
    path = Path(DEFAULT_DATA_DIR if data_dir is None else data_dir) / SOURCES[name]
    if not path.is_file():
        raise DriftInputError("file not found", file=str(path),
                              fix="restore data/vader_sentiment_ground_truth/ from the repository or pass "
                                  "data_dir")
    ids, ratings, texts = [], [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle.read().splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split("\t", 2)
            try:
                rating = float(parts[1])
            except (IndexError, ValueError):
                raise DriftInputError(f"line {number} is not 'id<TAB>rating<TAB>text'", file=str(path),
                                      fix="restore the original file") from None
            ids.append(parts[0].strip())
            ratings.append(rating)
            texts.append(parts[2].strip() if len(parts) > 2 else "")
    return pd.DataFrame({ID: pd.array(ids, dtype="str"), RATING: np.asarray(ratings, dtype=np.float64),
                         TEXT: pd.array(texts, dtype="str")})


def load(data_dir: str | Path | None = None, *, reference: str = "tweets") -> Scenario:
    """Load the VADER corpora: one source as the reference, the other three as batches.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder holding the four ``*_GroundTruth.txt`` files; default ``data/vader_sentiment_ground_truth``.
    reference : {"tweets", "amazon", "movies", "nyt"}, default "tweets"
        Source used as the reference (the model's training data).

    Returns
    -------
    Scenario
        ``reference`` and ``current`` with columns ``text, batch, id, rating, label, prediction``;
        ``batch`` names the source; a manifest describing each batch's domain; the fitted model.

    Raises
    ------
    DriftParameterError
        Unknown ``reference``.
    DriftInputError
        A file is missing or malformed.
    """
    if reference not in SOURCES:
        raise DriftParameterError.invalid("reference", "vader.load", f"one of {tuple(SOURCES)}", reference)
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from drift.data.scenarios.sentiment import make_model

    frames = {}
    for name in SOURCES:
        frame = read_source(name, data_dir)
        frame.insert(1, BATCH, name)
        frame[TARGET] = (frame[RATING] > POSITIVE_ABOVE).astype(np.int64)
        frames[name] = frame
    batches = [name for name in SOURCES if name != reference]
    ref = frames[reference]
    cur = pd.concat([frames[name] for name in batches], ignore_index=True)

    seed = 0
    features = [TEXT]
    model = make_model(seed)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    ref[PREDICTION] = cross_val_predict(model, ref[features], ref[TARGET], cv=folds,
                                        method="predict_proba")[:, 1]
    model.fit(ref[features], ref[TARGET])
    cur[PREDICTION] = model.predict_proba(cur[features])[:, 1]
    ref[BATCH] = ref[BATCH].astype("str")
    cur[BATCH] = cur[BATCH].astype("str")

    rows = []
    for name in batches:
        share = frames[name][TARGET].mean()
        rows.append((name, "covariate_shift",
                     f"{SOURCE_DESCRIPTIONS[name]} Positive share {share:.2f} "
                     f"(reference {reference}: {ref[TARGET].mean():.2f}).", TEXT))
    manifest = pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS))

    sizes = ", ".join(f"{name} ({len(frames[name]):,})" for name in batches)
    description = (
        f"Real human-rated texts from the VADER study (Hutto & Gilbert 2014): label = mean rating of 20 "
        f"people > 0. Reference: {len(ref):,} {reference}; one batch per other source: {sizes}. The "
        f"language changes (length, formality, emoticons, vocabulary) and so does the share of positive "
        f"texts. 'prediction': P(positive) from a TF-IDF + logistic-regression model trained on the "
        f"{reference}. Not tested: 'id' (row ids) and 'rating' (the label is computed from it)."
    )
    return Scenario(
        name="vader", title=f"Sentiment across text sources: VADER {reference} vs others (real data)",
        description=description, reference=ref, current=cur, target=TARGET, prediction=PREDICTION,
        batch=BATCH, time=None, manifest=manifest, model=model, excluded=(ID, RATING),
        source="VADER sentiment ground truth (Hutto & Gilbert, ICWSM 2014), files from the vaderSentiment "
               "3.3.2 sdist; MIT licence (c) 2016 C.J. Hutto -- see data/vader_sentiment_ground_truth/"
               "SOURCE.md and LICENSE-vaderSentiment.txt",
    )
