"""Tests of drift.text.text_drift: tokens and descriptors on hand-made posts, and text_drift's contract.

The scenario-level checks (injected vocabulary recovered, MMD per week, the real VADER data) are in
``test_sentiment.py``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from drift.core.errors import DriftInputError, DriftParameterError, TooFewRowsError
from drift.text.text_drift import (
    DESCRIPTORS,
    MIN_TEXTS,
    URL_TOKEN,
    TextDriftResult,
    text_descriptors,
    text_drift,
    tokenize,
    vocabulary,
)


# --- tokens ------------------------------------------------------------------------------------------
def test_tokenize_kinds_of_tokens() -> None:
    assert tokenize("LOVE the new @Lumio buds 🔥🔥 #blessed https://t.co/x1 :)") == [
        "love", "the", "new", "@lumio", "buds", "🔥", "🔥", "#blessed", URL_TOKEN, ":)"]


def test_tokenize_emoji_sequences_are_one_token() -> None:
    # skin tone, zero-width-joined sequence, flag, heart with variation selector
    assert tokenize("👍🏽 👩\u200d💻 🇫🇷 ❤️") == ["👍🏽", "👩\u200d💻", "🇫🇷", "❤️"]


def test_tokenize_words_urls_emoticons() -> None:
    assert tokenize("I don’t know :D ;-) <3 http://a.b/c?d=1 www.x.com 10:30") == [
        "i", "don't", "know", ":d", ";-)", "<3", URL_TOKEN, URL_TOKEN, "10", "30"]
    assert tokenize("") == []
    assert tokenize("...!!! ,,,") == []


# --- descriptors ---------------------------------------------------------------------------------------
def test_descriptor_counts_on_hand_made_posts() -> None:
    posts = [
        "LOVE the new @Lumio buds 🔥🔥 #blessed https://t.co/x1 :)",  # 10 tokens
        "This is NOT good!!! 👎 @a @b #c #d",                          # 9 tokens
        "see https://a.co/1 and https://b.co/2 😍",                    # 5 tokens
    ]
    d = text_descriptors(posts)
    assert list(d.columns) == list(DESCRIPTORS)
    assert d["n_tokens"].tolist() == [10, 9, 5]
    assert d["n_chars"].tolist() == [len(p) for p in posts]
    counts = d[["emoji_rate", "url_rate", "hashtag_rate", "mention_rate", "exclamation_rate"]].mul(
        d["n_tokens"], axis=0).round(9)
    assert counts.values.tolist() == [[3, 1, 1, 1, 0], [1, 0, 2, 2, 3], [1, 2, 0, 0, 0]]
    # letters: LOVE the new Lumio buds blessed https t co x -> 5 upper of 35
    assert d.loc[0, "uppercase_share"] == pytest.approx(5 / 35)
    assert d.loc[1, "uppercase_share"] == pytest.approx(4 / 17)   # T, N, O, T of 17 letters
    assert d["unseen_share"].isna().all()                          # no reference vocabulary given


def test_lexicon_score_sign_and_negation() -> None:
    d = text_descriptors([
        "the camera is great and the battery is amazing",
        "the camera is terrible, awful battery",
        "the camera is not good",
        "never disappointed with it",
        "the camera is mid 💀",                                     # slang: unknown to the lexicon
        "not bad at all 👍",
    ])
    score = d["lexicon_score"].tolist()
    assert score[0] == pytest.approx(2 / 9)
    assert score[1] == pytest.approx(-2 / 6)
    assert score[2] == pytest.approx(-1 / 5)                       # negated positive word
    assert score[3] > 0                                            # negated negative word
    assert score[4] == 0
    assert score[5] == pytest.approx(2 / 5)                        # "not bad" +1, 👍 +1 (never negated)


def test_empty_and_emoji_only_posts_are_nan_not_zero() -> None:
    d = text_descriptors(["", "🙂🙂", None, float("nan")])
    assert d.loc[0, "n_tokens"] == 0 and d.loc[0, "n_chars"] == 0
    assert d.loc[[0, 2, 3], ["emoji_rate", "lexicon_score", "uppercase_share"]].isna().all().all()
    assert d.loc[1, "emoji_rate"] == 1.0 and d.loc[1, "lexicon_score"] == 1.0
    assert math.isnan(d.loc[1, "uppercase_share"])                  # no letters


def test_unseen_share_against_a_vocabulary() -> None:
    d = text_descriptors(["the outage again", "the app", "outage outage the"],
                         reference_vocabulary={"the", "app"})
    assert d["unseen_share"].tolist() == pytest.approx([2 / 3, 0.0, 2 / 3])
    # a list and a document-frequency mapping give the same
    same = text_descriptors(["the outage again"], reference_vocabulary=["the", "app"])
    assert same["unseen_share"].iloc[0] == pytest.approx(2 / 3)
    mapping = text_descriptors(["the outage again"], reference_vocabulary={"the": 5, "outage": 0})
    assert mapping["unseen_share"].iloc[0] == pytest.approx(2 / 3)


def test_vocabulary_and_leave_one_out() -> None:
    texts = ["a b", "a c", "a b b"]
    counts = vocabulary(texts)
    assert counts == {"a": 3, "b": 2, "c": 1}                      # document frequencies
    plain = text_descriptors(texts, reference_vocabulary=counts)
    assert plain["unseen_share"].tolist() == [0.0, 0.0, 0.0]       # every token is in its own vocabulary
    loo = text_descriptors(texts, reference_vocabulary=counts, leave_one_out=True)
    assert loo["unseen_share"].tolist() == pytest.approx([0.0, 0.5, 0.0])   # only "c" is in no other text
    with pytest.raises(DriftParameterError, match="reference_vocabulary"):
        text_descriptors(texts, reference_vocabulary={"a", "b"}, leave_one_out=True)
    with pytest.raises(DriftParameterError, match="reference_vocabulary"):
        text_descriptors(texts, reference_vocabulary="a b")


def test_descriptors_keep_a_series_index() -> None:
    s = pd.Series(["hi there", "bye"], index=[10, 20])
    assert text_descriptors(s).index.tolist() == [10, 20]
    with pytest.raises(DriftInputError, match="single string"):
        text_descriptors("just one string")


# --- text_drift ----------------------------------------------------------------------------------------
def _posts(n: int, gen: np.random.Generator, words: list[str]) -> list[str]:
    base = ["the", "battery", "camera", "screen", "is", "great", "bad", "my", "phone", "love", "app", "sound"]
    pool = np.array(base + words)
    return [" ".join(gen.choice(pool, gen.integers(4, 10))) for _ in range(n)]


@pytest.fixture(scope="module")
def shifted() -> tuple[list[str], list[str], TextDriftResult]:
    gen = np.random.default_rng(0)
    ref = _posts(400, gen, [])
    cur = _posts(400, gen, ["outage", "refund", "💀"])
    return ref, cur, text_drift(ref, cur, n_permutations=200, rng=0)


def test_text_drift_finds_new_words(shifted) -> None:
    ref, cur, res = shifted
    assert res.drifted and res.mmd.pvalue < 0.01
    assert res.domain.auc > 0.7 and res.linear_auc > 0.8
    top = [t for t, _ in res.terms_current[:3]]
    assert set(top) == {"outage", "refund", "💀"}
    assert all(w > 0 for _, w in res.terms_current) and all(w < 0 for _, w in res.terms_reference)
    weights = [abs(w) for _, w in res.terms_current]
    assert weights == sorted(weights, reverse=True)
    table = res.descriptors.set_index("feature")
    assert table.loc["unseen_share", "pvalue_adjusted"] < 0.01
    assert table.loc["emoji_rate", "pvalue_adjusted"] < 0.01
    terms = res.terms.set_index("term")
    assert terms.loc["outage", "share_reference"] == 0 and terms.loc["outage", "share_current"] > 0.2


def test_examples_point_back_to_the_inputs(shifted) -> None:
    ref, cur, res = shifted
    assert len(res.examples_current) == 5 and len(res.examples_reference) == 5
    for frame, texts in ((res.examples_current, cur), (res.examples_reference, ref)):
        assert [texts[p] for p in frame["position"]] == frame["text"].tolist()
    assert res.examples_current["p_current"].min() > res.examples_reference["p_current"].max()
    assert any(w in t for t in res.examples_current["text"] for w in ("outage", "refund", "💀"))
    values = res.descriptor_values
    assert len(values) == len(ref) + len(cur)
    assert values.groupby("side", observed=True).size().tolist() == [len(ref), len(cur)]


def test_no_drift_between_halves_of_one_sample() -> None:
    gen = np.random.default_rng(1)
    posts = _posts(800, gen, ["outage"])
    res = text_drift(posts[:400], posts[400:], n_permutations=200, rng=1)
    assert not res.drifted and res.mmd.pvalue > 0.05
    assert res.linear_auc < 0.6 and res.domain.auc < 0.6
    assert (res.descriptors["severity"] == "stable").all()


def test_text_drift_is_deterministic_and_subsamples(shifted) -> None:
    ref, cur, _ = shifted
    a = text_drift(ref, cur, max_samples=150, n_permutations=50, rng=3)
    b = text_drift(ref, cur, max_samples=150, n_permutations=50, rng=np.random.default_rng(3))
    assert a.n_reference == a.n_current == 150 and a.n_reference_total == 400
    assert "sample of 150" in a.note
    assert a.terms_current == b.terms_current and a.terms_reference == b.terms_reference
    assert a.mmd.pvalue == b.mmd.pvalue and a.domain.auc == b.domain.auc
    pd.testing.assert_frame_equal(a.descriptors, b.descriptors)
    pd.testing.assert_frame_equal(a.examples_current, b.examples_current)
    c = text_drift(ref, cur, max_samples=150, n_permutations=50, rng=4)
    assert c.examples_current["position"].tolist() != a.examples_current["position"].tolist()


def test_to_dict_is_json(shifted) -> None:
    _, _, res = shifted
    out = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert out["drifted"] is True
    assert out["terms_current"][0][0] in {"outage", "refund", "💀"}
    assert {r["feature"] for r in out["descriptors"]} <= set(DESCRIPTORS)
    assert set(out["examples_current"][0]) == {"position", "text", "p_current"}


def test_reference_fitted_embedding_cannot_see_new_words(shifted) -> None:
    """The drift here is new vocabulary only: a TF-IDF fitted on the reference embeds those words as
    nothing, so its MMD sees (almost) no difference, while the pooled fit does."""
    ref, cur, pooled = shifted
    res = text_drift(ref, cur, embedding_fit="reference", n_permutations=200, rng=0)
    assert res.embedding_fit == "reference"
    assert pooled.mmd.pvalue < 0.01 < 0.05 < res.mmd.pvalue
    assert res.terms_current == pooled.terms_current        # the terms never depend on the embedding


def test_bad_input() -> None:
    ok = [f"post number {i} is fine" for i in range(MIN_TEXTS)]
    with pytest.raises(DriftParameterError, match="'embeddings' parameter of text_drift"):
        text_drift(ok, ok, embeddings="bert")
    with pytest.raises(DriftParameterError, match="embedding_fit"):
        text_drift(ok, ok, embedding_fit="current")
    for name, value in (("n_terms", 0), ("max_samples", 5), ("n_permutations", 0), ("n_examples", -1),
                        ("n_components", 1.5)):
        with pytest.raises(DriftParameterError, match=name):
            text_drift(ok, ok, **{name: value})
    with pytest.raises(DriftParameterError, match="alpha"):
        text_drift(ok, ok, alpha=1.0)
    with pytest.raises(TooFewRowsError, match="at least"):
        text_drift(ok, ok[:3])
    with pytest.raises(DriftInputError, match="single string"):
        text_drift("one string", ok)
    with pytest.raises(DriftInputError, match="no words"):
        text_drift([""] * MIN_TEXTS, ["!!!"] * MIN_TEXTS)


def test_bytes_and_nested_cells_are_refused_and_no_words_names_both_sides() -> None:
    ok = ["good day", "bad day", "hello you"] * 4
    posts = pd.Series(ok[:-1] + [b"\xffraw"], name="post")
    with pytest.raises(DriftInputError, match=r"current: column 'post': row 11 holds raw bytes.*decode"):
        text_drift(ok, posts, n_permutations=10)           # before: analysed the text "b'\\xffraw'"
    with pytest.raises(DriftInputError, match="texts: row 0 holds a dict"):
        text_descriptors([{"text": "hi"}])
    with pytest.raises(DriftInputError, match="reference and current: the texts have no words"):
        text_drift(["!!!"] * MIN_TEXTS, ["🔥"] * MIN_TEXTS, n_permutations=10)
