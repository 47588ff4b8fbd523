"""Text drift: has the language of the posts changed, how, and which words carry the change?

Three lenses on two collections of short texts (reference = training period, current = now):

1. **Descriptors** -- simple, readable numbers per text (:func:`text_descriptors`: length, share of
   tokens unseen in the reference vocabulary, emoji / URL / hashtag / mention / exclamation rates,
   uppercase share, a lexicon sentiment score), compared feature by feature with
   :func:`drift.feature_drift`.
2. **Embeddings** -- every text as a vector (TF-IDF + truncated SVD, or MiniLM when installed), compared
   as a whole with the MMD permutation test (:func:`drift.mmd_test`, the verdict) and a domain
   classifier (:func:`drift.domain_classifier_test`).
3. **Distinguishing terms** -- a *linear* domain classifier (logistic regression on TF-IDF words and word
   pairs) whose coefficients name the terms most typical of each side, and whose out-of-fold scores
   pick the example texts most typical of each side.

:func:`text_drift` runs all three on the same seeded sample of each side.

Tokens
------
:func:`tokenize` splits a text into, in order of precedence: URLs (``http(s)://…``, ``www.…``; all
become the single token ``"<url>"``), @mentions, #hashtags, Western emoticons (``:)``, ``:-(``,
``:D``, ``;)``, ``:/``, ``:P``, ``:'(``, ``<3`` ...), emoji (one pictograph with its skin-tone
modifiers, variation selectors and zero-width-joined parts; a flag is one token), and words
(``\\w+`` with inner apostrophes, so ``don't`` is one token; digits count).  Words, mentions, hashtags
and emoticons are lower-cased.  Punctuation is not a token.

Lexicon
-------
:data:`POSITIVE_WORDS` and :data:`NEGATIVE_WORDS` (about 150 each) are common English opinion words
written for this project (in the spirit of Hu & Liu's opinion lexicon, not copied from it), plus a few
unambiguous emoji and emoticons (:data:`POSITIVE_EMOJI`, :data:`NEGATIVE_EMOJI`).  Deliberately
left out: words whose polarity depends on context or generation (``fire``, ``sick`` as praise, ``mid``,
``slaps``; the emoji 🔥 and 💀), so new slang shows up as a lexicon score drifting towards 0.  A
polar *word* preceded within :data:`NEGATION_WINDOW` tokens by a negator (:data:`NEGATORS`) counts
with the opposite sign (emoji are never negated).
``lexicon_score = (positive - negative) / n_tokens``, in [-1, 1].
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from drift.core import decisions
from drift.core.errors import DriftInputError, DriftParameterError, TooFewRowsError, check_fraction, check_int
from drift.core.inputs import check_cells
from drift.core.jsonsafe import json_float
from drift.data.schema import Schema
from drift.multivariate.embeddings import text_embeddings
from drift.multivariate.mmd import mmd_test
from drift.stats.metrics import roc_auc

if TYPE_CHECKING:  # pragma: no cover - imported lazily at run time
    from drift.multivariate.domain import DomainClassifierResult
    from drift.multivariate.mmd import MMDResult

__all__ = [
    "DESCRIPTORS", "EMBEDDING_FITS", "MIN_TEXTS", "MMD_MAX_SAMPLES", "NEGATIVE_EMOJI", "NEGATIVE_WORDS",
    "NEGATORS", "POSITIVE_EMOJI", "POSITIVE_WORDS", "TERM_MIN_DF", "TEXT_EMBEDDINGS", "TextDriftResult",
    "URL_TOKEN", "text_descriptors", "text_drift", "tokenize", "vocabulary",
]

#: Descriptor columns of :func:`text_descriptors`, in order.
DESCRIPTORS = ("n_chars", "n_tokens", "unseen_share", "emoji_rate", "url_rate", "hashtag_rate",
               "mention_rate", "exclamation_rate", "uppercase_share", "lexicon_score")
#: Embedding methods of :func:`text_drift` (those of :func:`drift.multivariate.embeddings.text_embeddings`).
TEXT_EMBEDDINGS = ("tfidf", "minilm")
#: Where the TF-IDF + SVD embedding is fitted: on both sides' texts (default) or on the reference only.
EMBEDDING_FITS = ("pooled", "reference")
#: Rows per side given to the MMD test (a seeded subsample above; its cost grows as the square).
MMD_MAX_SAMPLES = 2000
#: Fewest texts per side :func:`text_drift` accepts.
MIN_TEXTS = 10
#: Folds of the linear classifier's out-of-fold scores.
TERM_FOLDS = 5
#: A term must occur in at least this many sampled texts (both sides together) to be a candidate.
TERM_MIN_DF = 3
#: Inverse L2 regularisation strength of the linear (terms) classifier.
TERM_C = 1.0
#: Token that stands for every URL.
URL_TOKEN = "<url>"
#: A polar word is negated when one of the previous ``NEGATION_WINDOW`` tokens is a negator.
NEGATION_WINDOW = 3

# --- the lexicon ---------------------------------------------------------------------------------
POSITIVE_WORDS = frozenset("""
amazing awesome beautiful beloved best better blessed bliss brilliant bright calm champion charming cheer
cheerful classic clean clever comfortable compelling confident congrats congratulations cool creative
crisp cute dazzling delight delighted delightful easier easy effective elegant enjoy enjoyable enjoyed
enjoying engaging entertaining epic excellent exceptional excited exciting exquisite fabulous fantastic
fast favorable favorite favourite fine flawless fresh friendly fun funny generous genius gift glad
glorious good gorgeous graceful grateful great haha happy heartwarming helpful hilarious hope hopeful
ideal impressed impressive incredible inspiring intelligent intuitive joy kind legendary like liked
lively lol love loved lovely loves loving lucky magnificent marvelous masterpiece moving neat nice
optimistic outstanding peaceful perfect perfectly phenomenal pleasant pleased pleasure polished positive
powerful praise pretty proud quick recommend recommended refreshing reliable remarkable responsive
rewarding satisfied satisfying seamless sharp sleek smart smooth solid spectacular splendid stellar
strong stunning success successful super superb superior sweet terrific thank thankful thanks
thoughtful thrilled top touching upgrade useful value vibrant warm win winner wins wise witty wonderful
worth wow yay
""".split())
NEGATIVE_WORDS = frozenset("""
abysmal angry annoyed annoying anxious appalling ashamed atrocious awful bad badly bitter bland bored
boredom boring broke broken buggy careless cheap clunky complain complaint complicated confusing corrupt
crap crappy crash crashed crashes creepy cringe cruel cry crying damaged damn dead defective depressing
disappointed disappointing disappointment disaster disgusting dislike dissatisfied dreadful dull dumb
embarrassing error evil fail failed fails failure fake fault faulty fear flawed flimsy frustrated
frustrating furious garbage glitch glitchy gross guilty hate hated hates hell helpless hopeless horrible
horrid hurt idiotic ignored inferior insult irritating junk lag laggy lame lies lonely lousy mad
mediocre meh mess messy miserable missing nasty nightmare noisy obnoxious offensive outrage outrageous
overpriced pain painful pathetic pointless poor poorly problem problems regret ridiculous rubbish rude
sad scam scary shame shoddy slow sloppy sorry stupid suck sucks terrible tired trash ugly unacceptable
unbearable unfortunately unhappy unreliable unusable upset useless waste wasted weak worse worst
worthless wrong
""".split())
#: Emoji and emoticons with an unambiguous polarity (tokens as :func:`tokenize` returns them).
POSITIVE_EMOJI = frozenset(["😀", "😃", "😄", "😁", "😊", "🙂", "😍", "🥰", "😘", "👍", "👏", "🎉", "❤",
                            "❤️", "💕", "💯", "🙌", "✨", "😎", "🤩", "🥳", "💪", ":)", ":-)", ":d", ":-d",
                            ";)", ";-)", "<3", ":p", ":-p", "=)"])
NEGATIVE_EMOJI = frozenset(["😞", "😠", "😡", "😢", "😭", "👎", "💔", "😤", "😒", "🙄", "😩", "😫", "🤬",
                            ":(", ":-(", ":'(", ":/", ":-/", "=("])
NEGATORS = frozenset("""
not no never none nobody nothing neither nor cannot can't cant don't dont doesn't doesnt didn't didnt
isn't isnt wasn't wasnt aren't arent won't wont wouldn't wouldnt shouldn't shouldnt couldn't couldnt
ain't aint hardly without
""".split())

# --- tokens ----------------------------------------------------------------------------------------
_PICT = ("\U0001F000-\U0001F1E5\U0001F200-\U0001F3FA\U0001F400-\U0001FAFF"
         "\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF")
_MOD = "\U0001F3FB-\U0001F3FF\uFE0F\uFE0E"
_TOKEN_RE = re.compile(
    r"(?P<url>https?://\S+|www\.\S+)"
    r"|(?P<mention>@\w+)"
    r"|(?P<hashtag>\#\w+)"
    r"|(?P<emoticon>(?<!\w)(?:[:;=][\-']?[)(\]\[DPp/\\|]|<3)(?!\w))"
    r"|(?P<emoji>[\U0001F1E6-\U0001F1FF]{2}|[" + _PICT + r"][" + _MOD + r"]*(?:\u200D[" + _PICT + r"][" + _MOD
    + r"]*)*)"
    r"|(?P<word>\w+(?:['’]\w+)*)"
)
_SIMPLE_KINDS = ("mention", "hashtag", "emoticon", "word")


def _scan(text: str) -> tuple[list[str], list[str]]:
    """Tokens of one text and the kind of each (``url, mention, hashtag, emoticon, emoji, word``)."""
    tokens, kinds = [], []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind == "url":
            tokens.append(URL_TOKEN)
        elif kind == "emoji":
            tokens.append(match.group())
        else:
            tokens.append(match.group().lower().replace("’", "'"))
        kinds.append(kind)
    return tokens, kinds


def tokenize(text: str) -> list[str]:
    """Split one text into tokens (see the module docstring for the rules).

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("LOVE the new @Lumio buds 🔥🔥 #blessed https://t.co/x1 :)")
    ['love', 'the', 'new', '@lumio', 'buds', '🔥', '🔥', '#blessed', '<url>', ':)']
    """
    return _scan(_as_text(text))[0]


def _as_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return value if isinstance(value, str) else str(value)


def _as_texts(texts, name: str) -> tuple[list[str], pd.Index]:
    """Texts as a list of str (missing -> ""), with the index to give the rows."""
    if isinstance(texts, str):
        raise DriftInputError("got a single string, expected a collection of texts", file=name,
                              fix="pass a list or Series of texts")
    if isinstance(texts, pd.DataFrame):
        raise DriftInputError("got a table, expected a collection of texts", file=name,
                              fix="pass the text column, e.g. frame['text']")
    if isinstance(texts, pd.Series):
        values, index = texts.tolist(), texts.index
    else:
        try:
            values = list(texts)
        except TypeError as exc:
            raise DriftInputError(f"expected a collection of texts, got {type(texts).__name__}", file=name,
                                  fix="pass a list or Series of texts") from exc
        index = pd.RangeIndex(len(values))
    check_cells(values, side=name, column=getattr(texts, "name", None))
    return [_as_text(v) for v in values], index


def vocabulary(texts: Iterable[str]) -> Counter:
    """Document frequency of every token: in how many texts it occurs.

    Parameters
    ----------
    texts : iterable of str

    Returns
    -------
    collections.Counter
        token -> number of texts containing it; pass it as ``reference_vocabulary`` to
        :func:`text_descriptors`.
    """
    values, _ = _as_texts(texts, "texts")
    return _document_frequencies(_scan(text)[0] for text in values)


def _document_frequencies(token_lists: Iterable[list[str]]) -> Counter:
    counts: Counter = Counter()
    for tokens in token_lists:
        counts.update(set(tokens))
    return counts


# --- descriptors -----------------------------------------------------------------------------------
def text_descriptors(texts: Sequence[str] | pd.Series, *,
                     reference_vocabulary: Mapping[str, int] | Iterable[str] | None = None,
                     leave_one_out: bool = False) -> pd.DataFrame:
    """Readable numbers describing each text.

    Parameters
    ----------
    texts : sequence of str or Series
        Missing values count as empty texts.
    reference_vocabulary : Mapping of str to int, or collection of str, optional
        The reference's tokens: a document-frequency mapping from :func:`vocabulary`, or any
        collection of tokens (as :func:`tokenize` returns them).  Without it ``unseen_share`` is NaN.
    leave_one_out : bool, default False
        Use when ``texts`` *are* the reference texts and ``reference_vocabulary`` is their
        :func:`vocabulary`: a token then counts as unseen when no *other* text has it.  Without this,
        every reference text would score 0 by construction while new texts score above 0 even with no
        drift (a long-tailed vocabulary always has rare words); with it both sides are measured alike.

    Returns
    -------
    DataFrame
        One row per text (the Series' index, else 0..n-1), columns :data:`DESCRIPTORS`:

        ================== =============================================================================
        ``n_chars``        characters (Unicode code points)
        ``n_tokens``       tokens (:func:`tokenize`)
        ``unseen_share``   share of the tokens not in ``reference_vocabulary``
        ``emoji_rate``     emoji and emoticons per token
        ``url_rate``       URLs per token
        ``hashtag_rate``   hashtags per token
        ``mention_rate``   @mentions per token
        ``exclamation_rate`` ``!`` characters per token
        ``uppercase_share`` share of the letters that are upper case
        ``lexicon_score``  (positive - negative lexicon tokens) / tokens, negation-aware, in [-1, 1]
        ================== =============================================================================

        Rates and shares are NaN for a text without tokens (``uppercase_share``: without letters):
        undefined, not 0.

    Raises
    ------
    DriftParameterError
        ``leave_one_out`` without a document-frequency mapping.

    Examples
    --------
    >>> d = text_descriptors(["Love it!! 😍 #win", "meh"], reference_vocabulary={"love", "it", "meh"})
    >>> columns = ["n_tokens", "unseen_share", "emoji_rate", "hashtag_rate", "lexicon_score"]
    >>> d[columns].round(2).values.tolist()
    [[4.0, 0.5, 0.25, 0.25, 0.5], [1.0, 0.0, 0.0, 0.0, -1.0]]
    """
    values, index = _as_texts(texts, "texts")
    counts: Mapping[str, int] | None = None
    vocab: frozenset | set | None = None
    if isinstance(reference_vocabulary, Mapping):
        counts = reference_vocabulary
    elif reference_vocabulary is not None:
        if isinstance(reference_vocabulary, str):
            raise DriftParameterError.invalid("reference_vocabulary", "text_descriptors",
                                              "a mapping or a collection of tokens", reference_vocabulary)
        vocab = reference_vocabulary if isinstance(reference_vocabulary, (set, frozenset)) \
            else set(reference_vocabulary)
    if leave_one_out and counts is None:
        raise DriftParameterError.invalid("reference_vocabulary", "text_descriptors",
                                          "a document-frequency mapping (drift.text.text_drift.vocabulary) "
                                          "when leave_one_out=True", type(reference_vocabulary).__name__)
    return _descriptor_frame(values, [_scan(t) for t in values], index, counts=counts, vocab=vocab,
                             leave_one_out=leave_one_out)


def _descriptor_frame(texts: list[str], scans: list[tuple[list[str], list[str]]], index: pd.Index, *,
                      counts: Mapping[str, int] | None = None, vocab: set | frozenset | None = None,
                      leave_one_out: bool = False) -> pd.DataFrame:
    """:func:`text_descriptors` from texts already scanned by :func:`_scan`."""
    has_vocab = counts is not None or vocab is not None
    own = 1 if leave_one_out else 0
    out = np.full((len(texts), len(DESCRIPTORS)), np.nan)
    for i, (text, (tokens, kinds)) in enumerate(zip(texts, scans)):
        k = len(tokens)
        letters = sum(map(str.isalpha, text))
        row = out[i]
        row[0] = len(text)
        row[1] = k
        if letters:
            row[8] = sum(map(str.isupper, text)) / letters
        if not k:
            continue
        if has_vocab:
            if counts is not None:
                unseen = sum(1 for t in tokens if counts.get(t, 0) - own < 1)
            else:
                unseen = sum(1 for t in tokens if t not in vocab)
            row[2] = unseen / k
        kind_counts = Counter(kinds)
        row[3] = (kind_counts["emoji"] + kind_counts["emoticon"]) / k
        row[4] = kind_counts["url"] / k
        row[5] = kind_counts["hashtag"] / k
        row[6] = kind_counts["mention"] / k
        row[7] = text.count("!") / k
        row[9] = _lexicon_sum(tokens, kinds) / k
    frame = pd.DataFrame(out, columns=list(DESCRIPTORS), index=index)
    frame["n_chars"] = frame["n_chars"].astype(np.int64)
    frame["n_tokens"] = frame["n_tokens"].astype(np.int64)
    return frame


def _lexicon_sum(tokens: list[str], kinds: list[str]) -> int:
    """Positive minus negative lexicon tokens; a word (not an emoji) after a negator counts reversed."""
    total = 0
    for j, (token, kind) in enumerate(zip(tokens, kinds)):
        if kind == "word":
            if token in POSITIVE_WORDS:
                sign = 1
            elif token in NEGATIVE_WORDS:
                sign = -1
            else:
                continue
            if any(t in NEGATORS for t in tokens[max(0, j - NEGATION_WINDOW):j]):
                sign = -sign
        elif token in POSITIVE_EMOJI:
            sign = 1
        elif token in NEGATIVE_EMOJI:
            sign = -1
        else:
            continue
        total += sign
    return total


# --- the result --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class TextDriftResult:
    """Result of :func:`text_drift`.

    Attributes
    ----------
    descriptors : DataFrame
        :func:`drift.feature_drift` table of the :data:`DESCRIPTORS` (one row per descriptor, most
        severe first; ``attrs["problems"]`` lists descriptors no test could use, e.g. constant ones).
    descriptor_values : DataFrame
        The descriptors of every sampled text: ``side`` (``"reference"`` / ``"current"``), ``position``
        (row number in the input), then the :data:`DESCRIPTORS`.
    mmd : MMDResult
        :func:`drift.mmd_test` on the embeddings (at most :data:`MMD_MAX_SAMPLES` rows per side).
    domain : DomainClassifierResult
        :func:`drift.domain_classifier_test` on the embeddings (columns ``emb_0 …``); its ``scores``'
        ``index`` column holds the input row numbers.
    terms_reference, terms_current : tuple of (str, float)
        The ``n_terms`` terms (words, word pairs, emoji, hashtags …) most typical of each side, strongest
        first, with the linear classifier's coefficient: negative for the reference, positive for the
        current side.
    terms : DataFrame
        Both lists as a table: ``side, term, coefficient, share_reference, share_current`` (share of the
        sampled texts of each side containing the term).
    examples_reference, examples_current : DataFrame
        The ``n_examples`` texts the linear classifier finds most typical of each side (out-of-fold,
        distinct texts): ``position, text, p_current``; reference examples have the lowest
        ``p_current``, current examples the highest.
    linear_auc : float
        Out-of-fold ROC AUC of the linear classifier (0.5 = the words do not tell the sides apart).
    embeddings : str
        Embedding method (``"tfidf"`` or ``"minilm"``).
    embedding_fit : str
        Where the TF-IDF + SVD was fitted (``"pooled"`` or ``"reference"``; ignored by MiniLM).
    n_reference, n_current : int
        Texts used per side (after subsampling); ``n_reference_total``, ``n_current_total`` before.
    n_reference_total, n_current_total : int
    alpha : float
        Significance level of ``drifted``.
    drifted : bool
        The verdict: ``mmd.pvalue < alpha``.
    note : str
        Subsampling and other caveats; empty when there is nothing to say.
    """

    descriptors: pd.DataFrame
    descriptor_values: pd.DataFrame
    mmd: MMDResult
    domain: DomainClassifierResult
    terms_reference: tuple[tuple[str, float], ...]
    terms_current: tuple[tuple[str, float], ...]
    terms: pd.DataFrame
    examples_reference: pd.DataFrame
    examples_current: pd.DataFrame
    linear_auc: float
    embeddings: str
    embedding_fit: str
    n_reference: int
    n_current: int
    n_reference_total: int
    n_current_total: int
    alpha: float
    drifted: bool
    note: str = ""

    def to_dict(self) -> dict:
        """JSON-safe dictionary (``nan`` becomes ``None``); per-text descriptor values are left out."""
        return {
            "drifted": bool(self.drifted),
            "alpha": self.alpha,
            "descriptors": _records(self.descriptors),
            "mmd": self.mmd.to_dict(),
            "domain": self.domain.to_dict(),
            "terms_reference": [[t, json_float(w)] for t, w in self.terms_reference],
            "terms_current": [[t, json_float(w)] for t, w in self.terms_current],
            "examples_reference": _records(self.examples_reference),
            "examples_current": _records(self.examples_current),
            "linear_auc": json_float(self.linear_auc),
            "embeddings": self.embeddings,
            "embedding_fit": self.embedding_fit,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "n_reference_total": self.n_reference_total,
            "n_current_total": self.n_current_total,
            "note": self.note,
        }


# --- the workflow ----------------------------------------------------------------------------------
def text_drift(
    reference_texts: Sequence[str] | pd.Series,
    current_texts: Sequence[str] | pd.Series,
    *,
    embeddings: str = "tfidf",
    embedding_fit: str = "pooled",
    n_components: int = 64,
    n_terms: int = 20,
    n_examples: int = 5,
    max_samples: int = 5000,
    n_permutations: int = 500,
    alpha: float = 0.05,
    rng: int | np.random.Generator | None = 0,
) -> TextDriftResult:
    """Compare two collections of texts: descriptors, embeddings and the words that separate them.

    Parameters
    ----------
    reference_texts, current_texts : sequence of str or Series
        The two periods' texts (missing values count as empty texts); at least :data:`MIN_TEXTS` each.
    embeddings : {"tfidf", "minilm"}, default "tfidf"
        Embedding of :func:`drift.multivariate.embeddings.text_embeddings`: TF-IDF (word 1-2 grams) +
        truncated SVD,
        or the all-MiniLM-L6-v2 sentence-transformer (optional extra; much slower on a CPU).
    embedding_fit : {"pooled", "reference"}, default "pooled"
        Fit the TF-IDF + SVD on both sides' sampled texts together (label-blind, so the permutation
        test stays exact, and new vocabulary gets its own directions), or on the reference only (the
        model's view; see Notes for why that biases the tests).
    n_components : int, default 64
        SVD dimensions of the TF-IDF embedding.
    n_terms : int, default 20
        Terms listed per side.
    n_examples : int, default 5
        Example texts per side.
    max_samples : int, default 5000
        Texts per side: a larger side is subsampled (seeded, without replacement), and every part of
        the analysis uses that sample.  The MMD test further uses at most :data:`MMD_MAX_SAMPLES`.
    n_permutations : int, default 500
        Permutations of the MMD test.
    alpha : float, default 0.05
        Significance level of the verdict ``drifted`` and of the descriptor table.
    rng : int or numpy.random.Generator, default 0
        Seed or generator for the subsamples, the SVD, the MMD permutations, the classifiers' folds.

    Returns
    -------
    TextDriftResult

    Raises
    ------
    DriftParameterError
        An option outside its allowed values.
    TooFewRowsError
        A side has fewer than :data:`MIN_TEXTS` texts.
    DriftInputError
        The texts hold no words at all.

    Notes
    -----
    **Decision rule**: ``drifted = mmd.pvalue < alpha`` -- the MMD test on the embeddings is the one
    omnibus verdict; the descriptors, the domain classifier and the terms explain it.

    **Descriptors**: :func:`text_descriptors` with the reference sample's :func:`vocabulary`, the
    reference side measured leave-one-out (so ``unseen_share`` is comparable on both sides), then
    :func:`drift.feature_drift` (numeric kinds, KS + PSI, Benjamini-Hochberg across descriptors).

    **Embedding fit**: an SVD fitted on the reference alone captures some of the reference sample's own
    noise, so reference texts project with more energy than new texts from the *same* distribution;
    on four random splits of one corpus into halves (VADER movie-review snippets, 5,300 per half) the
    MMD test (200 permutations) then gave p = 0.005, the smallest possible, every time.  The pooled fit
    does not look at which side a text is on, so under "no drift" the sides are exchangeable and the
    permutation p-value is exact (p = 0.14-0.76 on the same splits; 2 of 90 stable sentiment-scenario
    weeks below 0.01).  A reference fit also embeds words it never saw as nothing, so drift made of new
    vocabulary alone is invisible to it; the pooled fit gives frequent new words their own directions.

    **Terms**: TF-IDF (tokens of :func:`tokenize`, 1-2 grams, sublinear tf, terms in at least
    :data:`TERM_MIN_DF` texts) fitted on both sides' sampled texts; L2 logistic regression
    (``C =`` :data:`TERM_C`, ``class_weight="balanced"``, label 1 = current).  Positive coefficients are
    current-typical, negative reference-typical.  Coefficients come from the fit on all sampled texts;
    ``p_current`` of the examples and ``linear_auc`` from :data:`TERM_FOLDS`-fold out-of-fold fits.

    Examples
    --------
    >>> ref = ["the battery is great", "love the camera", "screen is bad"] * 20
    >>> cur = ["the app is down again", "outage again, refund please", "love the camera"] * 20
    >>> res = text_drift(ref, cur, n_permutations=100)
    >>> res.drifted, res.terms_current[0][0] in {"again", "down", "outage", "refund"}
    (True, True)
    """
    _check_options(embeddings, embedding_fit, alpha, n_components=n_components, n_terms=n_terms,
                   n_examples=n_examples, max_samples=max_samples, n_permutations=n_permutations)
    sample = _TextSample.draw(reference_texts, current_texts, int(max_samples), rng)
    ref, cur, seeds, notes = sample.ref, sample.cur, sample.seeds, list(sample.notes)
    scans_ref = [_scan(t) for t in ref]
    scans_cur = [_scan(t) for t in cur]

    # 1. descriptors
    descriptor_table, descriptor_values = _descriptor_drift(ref, cur, scans_ref, scans_cur, sample.pos_ref,
                                                            sample.pos_cur, alpha)
    # 2. embeddings: MMD (the verdict) and the domain classifier
    mmd, domain = _embedding_tests(sample, embeddings, embedding_fit, int(n_components), int(n_permutations),
                                   int(max_samples), alpha)
    # 3. the words that separate the sides
    token_lists = [tokens for tokens, _ in scans_ref + scans_cur]
    terms, linear_auc, p_current = _linear_terms(token_lists, len(ref), int(n_terms), int(seeds[3]))
    k = int(n_examples)
    examples_reference = _examples(ref, scans_ref, sample.pos_ref, p_current[:len(ref)], k, lowest=True)
    examples_current = _examples(cur, scans_cur, sample.pos_cur, p_current[len(ref):], k, lowest=False)
    if mmd.note and not mmd.note.startswith("median heuristic"):
        notes.append(f"MMD: {mmd.note}")
    if domain.note and math.isnan(domain.auc):
        notes.append(f"domain classifier: {domain.note}")

    by_side = {side: tuple((str(t), float(c)) for t, c in zip(part["term"], part["coefficient"]))
               for side, part in terms.groupby("side", sort=False, observed=True)}
    return TextDriftResult(
        descriptors=descriptor_table, descriptor_values=descriptor_values, mmd=mmd, domain=domain,
        terms_reference=by_side.get("reference", ()), terms_current=by_side.get("current", ()),
        terms=terms, examples_reference=examples_reference, examples_current=examples_current,
        linear_auc=linear_auc, embeddings=embeddings, embedding_fit=embedding_fit,
        n_reference=len(ref), n_current=len(cur), n_reference_total=sample.n_reference_total,
        n_current_total=sample.n_current_total, alpha=float(alpha),
        drifted=decisions.mmd_level(mmd.pvalue, alpha) != "ok",
        note="; ".join(notes))


def _check_options(embeddings: str, embedding_fit: str, alpha: float, **counts) -> None:
    """The options of :func:`text_drift` are allowed values (``counts``: the integer options)."""
    func = "text_drift"
    if embeddings not in TEXT_EMBEDDINGS:
        raise DriftParameterError.invalid("embeddings", func, f"one of {TEXT_EMBEDDINGS}", embeddings)
    if embedding_fit not in EMBEDDING_FITS:
        raise DriftParameterError.invalid("embedding_fit", func, f"one of {EMBEDDING_FITS}", embedding_fit)
    lows = {"n_components": 1, "n_terms": 1, "n_examples": 0, "max_samples": MIN_TEXTS, "n_permutations": 1}
    for name, value in counts.items():
        check_int(value, name, func, lows[name])
    check_fraction(alpha, "alpha", func)


@dataclass(frozen=True)
class _TextSample:
    """The texts :func:`text_drift` analyses: a seeded sample of at most ``max_samples`` per side, their
    positions in the input, the seeds of the later steps, and a note when a side was subsampled."""

    ref: list[str]
    cur: list[str]
    pos_ref: np.ndarray
    pos_cur: np.ndarray
    seeds: np.ndarray          # SVD, MMD permutations, domain classifier, term classifier
    n_reference_total: int
    n_current_total: int
    notes: tuple[str, ...]

    @classmethod
    def draw(cls, reference_texts, current_texts, max_samples: int, rng) -> _TextSample:
        ref_all, _ = _as_texts(reference_texts, "reference")
        cur_all, _ = _as_texts(current_texts, "current")
        for name, values in (("reference", ref_all), ("current", cur_all)):
            if len(values) < MIN_TEXTS:
                raise TooFewRowsError(f"{len(values)} texts, text drift needs at least {MIN_TEXTS}",
                                      file=name, fix=f"compare periods with at least {MIN_TEXTS} texts each")
        gen = np.random.default_rng(rng)
        pos_ref = _sample_positions(len(ref_all), max_samples, gen)
        pos_cur = _sample_positions(len(cur_all), max_samples, gen)
        seeds = gen.integers(0, 2**31 - 1, size=4)
        notes = ()
        if len(pos_ref) < len(ref_all) or len(pos_cur) < len(cur_all):
            notes = (f"seeded sample of {len(pos_ref):,} reference and {len(pos_cur):,} current texts "
                     f"(of {len(ref_all):,} and {len(cur_all):,})",)
        return cls([ref_all[i] for i in pos_ref], [cur_all[i] for i in pos_cur], pos_ref, pos_cur, seeds,
                   len(ref_all), len(cur_all), notes)


def _embedding_tests(sample: _TextSample, embeddings: str, embedding_fit: str, n_components: int,
                     n_permutations: int, max_samples: int, alpha: float):
    """The MMD test (the verdict) and the domain classifier on the two sides' embeddings."""
    from drift.multivariate.domain import domain_classifier_test  # deferred: scipy.stats

    emb_ref, emb_cur = _embed(sample.ref, sample.cur, embeddings, embedding_fit, n_components,
                              int(sample.seeds[0]))
    mmd = mmd_test(emb_ref, emb_cur, n_permutations=n_permutations, max_samples=MMD_MAX_SAMPLES,
                   rng=int(sample.seeds[1]))
    columns = [f"emb_{j}" for j in range(emb_ref.shape[1])]
    domain = domain_classifier_test(pd.DataFrame(emb_ref, columns=columns, index=sample.pos_ref),
                                    pd.DataFrame(emb_cur, columns=columns, index=sample.pos_cur),
                                    max_samples=max_samples, alpha=alpha, rng=int(sample.seeds[2]))
    return mmd, domain


# --- internals ---------------------------------------------------------------------------------------
def _sample_positions(n: int, k: int, gen: np.random.Generator) -> np.ndarray:
    return np.sort(gen.choice(n, k, replace=False)) if n > k else np.arange(n)


def _descriptor_drift(ref: list[str], cur: list[str], scans_ref: list, scans_cur: list, pos_ref: np.ndarray,
                      pos_cur: np.ndarray, alpha: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    from drift.diagnosis.features import feature_drift  # deferred: scipy.stats

    counts = _document_frequencies(tokens for tokens, _ in scans_ref)
    d_ref = _descriptor_frame(ref, scans_ref, pd.RangeIndex(len(ref)), counts=counts, leave_one_out=True)
    d_cur = _descriptor_frame(cur, scans_cur, pd.RangeIndex(len(cur)), counts=counts)
    schema = Schema(kinds={name: "numeric" for name in DESCRIPTORS})
    table = feature_drift(d_ref, d_cur, schema=schema, alpha=alpha, on_invalid="exclude")
    values = pd.concat([
        pd.DataFrame({"side": "reference", "position": pos_ref}).join(d_ref),
        pd.DataFrame({"side": "current", "position": pos_cur}).join(d_cur),
    ], ignore_index=True)
    values["side"] = pd.Categorical(values["side"], categories=["reference", "current"])
    return table, values


def _embed(ref: list[str], cur: list[str], method: str, fit: str, n_components: int,
           seed: int) -> tuple[np.ndarray, np.ndarray]:
    if method == "minilm":
        return text_embeddings(ref, cur, method=method, rng=seed)
    # One BLAS thread: the randomised SVD's many small LU steps run 3-5x slower with two threads on a
    # busy 2-core machine (threads spin waiting for each other).
    with threadpool_limits(limits=1, user_api="blas"):
        if fit == "pooled":
            try:
                pooled, _ = text_embeddings(ref + cur, ref[:1], method="tfidf", n_components=n_components,
                                            rng=seed)
            except DriftInputError as err:           # fitted on both sides: neither has a word
                raise DriftInputError(err.problem.replace("the reference texts", "the texts"),
                                      file="reference and current", fix=err.fix) from err
            return pooled[:len(ref)], pooled[len(ref):]
        return text_embeddings(ref, cur, method="tfidf", n_components=n_components, rng=seed)


def _with_bigrams(tokens: list[str]) -> list[str]:
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def _linear_terms(tokens: list[list[str]], n_ref: int, n_terms: int, seed: int
                  ) -> tuple[pd.DataFrame, float, np.ndarray]:
    """Top terms per side, out-of-fold AUC and out-of-fold P(current) of every sampled text.

    ``tokens`` holds the token lists of the reference texts, then those of the current texts.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer  # deferred: scikit-learn
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    y = np.r_[np.zeros(n_ref, np.int8), np.ones(len(tokens) - n_ref, np.int8)]
    min_df = TERM_MIN_DF if len(tokens) >= 10 * TERM_MIN_DF else 1
    vectorizer = TfidfVectorizer(analyzer=_with_bigrams, min_df=min_df, sublinear_tf=True, dtype=np.float64)
    try:
        x = vectorizer.fit_transform(tokens)
    except ValueError as exc:                        # empty vocabulary
        raise DriftInputError("the texts have no words", file="reference and current",
                              fix="check the text column") from exc

    def model() -> LogisticRegression:
        return LogisticRegression(C=TERM_C, class_weight="balanced", solver="liblinear", max_iter=1000,
                                  random_state=seed)

    p_current = np.empty(len(tokens))
    folds = StratifiedKFold(n_splits=TERM_FOLDS, shuffle=True, random_state=seed)
    for train, test in folds.split(x, y):
        p_current[test] = model().fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    auc = roc_auc(y, p_current)
    coef = model().fit(x, y).coef_[0]

    names = vectorizer.get_feature_names_out()
    present = x > 0
    share_ref = np.asarray(present[:n_ref].mean(axis=0)).ravel()
    share_cur = np.asarray(present[n_ref:].mean(axis=0)).ravel()
    order = np.argsort(coef, kind="stable")
    top_ref = [j for j in order[:n_terms] if coef[j] < 0]
    top_cur = [j for j in order[::-1][:n_terms] if coef[j] > 0]
    rows = [(side, names[j], coef[j], share_ref[j], share_cur[j])
            for side, idx in (("reference", top_ref), ("current", top_cur)) for j in idx]
    terms = pd.DataFrame(rows, columns=["side", "term", "coefficient", "share_reference", "share_current"])
    terms["side"] = pd.Categorical(terms["side"], categories=["reference", "current"])
    return terms, auc, p_current


def _examples(texts: list[str], scans: list, positions: np.ndarray, p_current: np.ndarray, k: int,
              lowest: bool) -> pd.DataFrame:
    """The ``k`` most typical texts of one side by out-of-fold P(current).

    Texts with the same words (ignoring mentions, hashtags, emoji, URLs and case) are shown once.
    """
    order = np.argsort(p_current if lowest else -p_current, kind="stable")
    seen: set[str] = set()
    rows = []
    for i in order:
        if len(rows) >= k:
            break
        tokens, kinds = scans[i]
        key = " ".join(t for t, kind in zip(tokens, kinds) if kind == "word")
        if key in seen or not key:
            continue
        seen.add(key)
        rows.append((int(positions[i]), texts[i], float(p_current[i])))
    return pd.DataFrame(rows, columns=["position", "text", "p_current"]).astype(
        {"position": np.int64, "text": object, "p_current": np.float64})


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for record in frame.to_dict(orient="records"):
        out.append({str(k): _json_value(v) for k, v in record.items()})
    return out


def _json_value(value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return json_float(value)
    if value is None or value is pd.NA:
        return None
    return str(value)
