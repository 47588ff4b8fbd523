"""Tests of the text scenarios: the synthetic brand-sentiment weeks and the real VADER corpora.

The synthetic checks run :func:`drift.text.text_drift.text_drift` on every production week against the
reference
(600 posts per week, seed 0, 200 permutations: the smallest p-value is 1/201 < 0.01) and compare with
the manifest: the weeks where the language changed must be detected, the stable weeks not, and the
words each change injected must be among the top distinguishing terms.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from drift.core.errors import DriftInputError, DriftParameterError
from drift.data.scenarios import MANIFEST_KINDS, SCENARIOS, Scenario, load_scenario, sentiment, vader
from drift.text.text_drift import text_drift

ROOT = Path(__file__).resolve().parents[2]
POSTS_PER_WEEK = 600
N_PERMUTATIONS = 200
#: Production weeks whose text distribution differs from the reference, per the scenario's plan.
CHANGED = [w for w in sentiment.WEEKS[sentiment.N_REFERENCE_WEEKS:] if sentiment.PLAN[w].kind != "no_drift"]
STABLE = [w for w in sentiment.WEEKS[sentiment.N_REFERENCE_WEEKS:] if sentiment.PLAN[w].kind == "no_drift"]


@pytest.fixture(scope="module")
def sc() -> Scenario:
    return sentiment.generate(posts_per_week=POSTS_PER_WEEK, rng=0)


@pytest.fixture(scope="module")
def weekly(sc: Scenario) -> dict:
    """text_drift of every production week against the reference."""
    ref = sc.reference["text"]
    return {w: text_drift(ref, sc.get_batch(w)["text"], n_permutations=N_PERMUTATIONS, rng=0)
            for w in sc.batches()}


# --- the synthetic scenario: structure -----------------------------------------------------------
def test_structure_and_manifest(sc: Scenario) -> None:
    assert sc.name == "sentiment" and sc.title == "Brand sentiment on social media (synthetic)"
    assert (sc.target, sc.prediction, sc.batch, sc.time) == ("label", "prediction", "batch", "date")
    columns = ["text", "batch", "date", "channel", "author_type", "label", "prediction"]
    assert list(sc.reference.columns) == columns and list(sc.current.columns) == columns
    assert sc.reference["batch"].unique().tolist() == ["W01", "W02", "W03"]
    assert sc.batches() == [f"W{w:02d}" for w in range(4, 15)]
    assert len(sc.reference) == 3 * POSTS_PER_WEEK and len(sc.current) == 11 * POSTS_PER_WEEK
    assert sc.manifest["batch"].tolist() == sc.batches()
    assert set(sc.manifest["kind"]) <= set(MANIFEST_KINDS)
    assert STABLE == ["W04", "W06", "W07", "W10"] and len(CHANGED) == 7
    for frame in (sc.reference, sc.current):
        assert set(frame["label"]) == {0, 1}
        assert frame["prediction"].between(0, 1).all()
        assert frame["text"].str.len().min() > 0
        assert frame["date"].is_monotonic_increasing
    dates = sc.get_batch("W05")["date"]                         # week 5 starts on Monday 2025-03-31
    assert dates.between(pd.Timestamp("2025-03-31"), pd.Timestamp("2025-04-07"), inclusive="left").all()
    assert sc.feature_names == ("text", "channel", "author_type")


def test_same_seed_same_data_and_model(sc: Scenario) -> None:
    a = sentiment.generate(posts_per_week=60, n_weeks=6, rng=3)
    b = sentiment.generate(posts_per_week=60, n_weeks=6, rng=np.random.default_rng(3))
    c = sentiment.generate(posts_per_week=60, n_weeks=6, rng=4)
    pd.testing.assert_frame_equal(a.reference, b.reference)
    pd.testing.assert_frame_equal(a.current, b.current)
    assert a.batches() == ["W04", "W05", "W06"] and a.manifest["batch"].tolist() == a.batches()
    assert not a.current["text"].equals(c.current["text"])
    # the stored model reproduces the prediction column from the feature columns
    cur = sc.current
    np.testing.assert_allclose(sc.model.predict_proba(cur[list(sc.feature_names)])[:, 1], cur["prediction"])


def test_registry_and_bad_parameters() -> None:
    assert {"sentiment", "vader"} <= set(SCENARIOS)
    assert SCENARIOS["sentiment"].title == "Brand sentiment on social media (synthetic)"
    small = load_scenario("sentiment", posts_per_week=50, n_weeks=4)
    assert small.batches() == ["W04"]
    for kwargs in ({"posts_per_week": 10}, {"posts_per_week": 100.0}, {"n_weeks": 3}, {"n_weeks": 15},
                   {"n_weeks": True}):
        with pytest.raises(DriftParameterError):
            sentiment.generate(**kwargs)


def test_labels_follow_the_plan(sc: Scenario) -> None:
    """Prior shift in the outage and crisis weeks only; stable weeks keep the reference's label share."""
    ref_pos, n_ref = int(sc.reference["label"].sum()), len(sc.reference)
    for week in sc.batches():
        rows = sc.get_batch(week)
        table = [[ref_pos, n_ref - ref_pos], [int(rows["label"].sum()), int((1 - rows["label"]).sum())]]
        p = stats.chi2_contingency(table).pvalue
        if sentiment.PLAN[week].kind == "prior_shift":
            assert rows["label"].mean() < 0.42 and p < 1e-6, week
        elif week in STABLE:
            assert p > 0.01, week


def test_model_is_good_on_the_reference_and_fails_on_slang(sc: Scenario) -> None:
    ref_auc = roc_auc_score(sc.reference["label"], sc.reference["prediction"])
    assert 0.85 < ref_auc < 0.95
    accuracy = {w: ((d["prediction"] > 0.5) == d["label"]).mean()
                for w, d in sc.current.groupby("batch")}
    ref_accuracy = ((sc.reference["prediction"] > 0.5) == sc.reference["label"]).mean()
    assert all(abs(accuracy[w] - ref_accuracy) < 0.06 for w in STABLE)
    assert accuracy["W14"] < ref_accuracy - 0.1                  # 60% slang: the model is lost


# --- the synthetic scenario: text drift per week -----------------------------------------------
def test_mmd_detects_exactly_the_weeks_whose_language_changed(weekly: dict) -> None:
    pvalues = {w: r.mmd.pvalue for w, r in weekly.items()}
    assert all(pvalues[w] < 0.01 for w in CHANGED), pvalues
    assert all(pvalues[w] > 0.01 for w in STABLE), pvalues
    assert all(weekly[w].drifted for w in CHANGED) and not any(weekly[w].drifted for w in STABLE)


def test_distinguishing_terms_recover_the_injected_vocabulary(weekly: dict) -> None:
    for week in CHANGED:
        top = [t for t, _ in weekly[week].terms_current[:10]]
        hits = set(top) & set(sentiment.INJECTED_TERMS[week])
        assert len(hits) >= 3, (week, top)
    assert "outage" in [t for t, _ in weekly["W08"].terms_current[:5]]
    assert {"refund", "down again"} <= {t for t, _ in weekly["W09"].terms_current[:10]}
    assert {"mid", "💀", "🔥"} <= {t for t, _ in weekly["W12"].terms_current[:10]}
    assert "vexa" in [t for t, _ in weekly["W11"].terms_current[:3]]
    assert "fold" in [t for t, _ in weekly["W05"].terms_current[:3]]
    # stable weeks: the words do not tell the periods apart
    assert all(weekly[w].linear_auc < 0.58 for w in STABLE)
    assert all(weekly[w].linear_auc > 0.6 for w in CHANGED)


def test_descriptors_see_new_words_and_slang(weekly: dict) -> None:
    for week in CHANGED:
        table = weekly[week].descriptors.set_index("feature")
        assert table.loc["unseen_share", "pvalue_adjusted"] < 0.01, week
    slang = weekly["W14"].descriptors.set_index("feature")
    assert slang.loc["emoji_rate", "severity"] in ("moderate", "major")
    assert slang.loc["uppercase_share", "severity"] == "major"   # all lower case
    values = weekly["W14"].descriptor_values
    mean_lexicon = values.groupby("side", observed=True)["lexicon_score"].mean()
    assert mean_lexicon["current"] < mean_lexicon["reference"]   # slang sentiment is unknown to the lexicon
    for week in STABLE:
        assert (weekly[week].descriptors["severity"].isin(["stable", "minor"])).all(), week
    examples = weekly["W09"].examples_current["text"].str.lower()
    assert examples.str.contains("down again|refund|outage|ceo").all()


# --- the real VADER data -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def vd() -> Scenario:
    return vader.load()


def test_vader_ships_with_source_and_licence() -> None:
    folder = ROOT / "data" / "vader_sentiment_ground_truth"
    for name in ("SOURCE.md", "LICENSE-vaderSentiment.txt", "_README_.txt", *vader.SOURCES.values()):
        assert (folder / name).is_file(), name
    assert "MIT" in (folder / "LICENSE-vaderSentiment.txt").read_text()


def test_vader_loads_all_sources(vd: Scenario) -> None:
    assert vd.name == "vader" and vd.time is None and vd.batch == "batch"
    assert len(vd.reference) == 4200 and set(vd.reference["batch"]) == {"tweets"}
    assert vd.batches() == ["amazon", "movies", "nyt"]
    assert [len(vd.get_batch(b)) for b in vd.batches()] == [3708, 10605, 5190]
    assert vd.manifest["batch"].tolist() == vd.batches()
    assert vd.reference["rating"].between(-4, 4).all()
    assert ((vd.reference["rating"] > 0).astype(int) == vd.reference["label"]).all()
    shares = {b: vd.get_batch(b)["label"].mean() for b in vd.batches()}
    shares["tweets"] = vd.reference["label"].mean()
    expected = {"tweets": 0.690, "amazon": 0.574, "movies": 0.494, "nyt": 0.425}
    assert shares == pytest.approx(expected, abs=0.002)
    text = vd.reference.loc[vd.reference["id"] == "2", "text"].item()
    assert text == "Yay. Another good phone interview."


def test_vader_model_loses_accuracy_across_domains(vd: Scenario) -> None:
    ref_auc = roc_auc_score(vd.reference["label"], vd.reference["prediction"])
    assert ref_auc > 0.85
    for batch in vd.batches():
        rows = vd.get_batch(batch)
        assert roc_auc_score(rows["label"], rows["prediction"]) < ref_auc - 0.15, batch


def test_vader_domain_shift_is_detected(vd: Scenario) -> None:
    """Tweets vs product-review sentences (the nearest domain): drift everywhere one looks."""
    res = text_drift(vd.reference["text"], vd.get_batch("amazon")["text"], max_samples=1500,
                     n_permutations=N_PERMUTATIONS, rng=0)
    assert res.mmd.pvalue < 0.01 and res.domain.auc > 0.8 and res.linear_auc > 0.9
    table = res.descriptors.set_index("feature")
    for feature in ("mention_rate", "emoji_rate", "exclamation_rate", "uppercase_share"):
        assert table.loc[feature, "pvalue_adjusted"] < 0.01 and table.loc[feature, "drifted"], feature
    assert res.terms_reference[0][0] == "@anonymous"            # tweets' anonymised mentions
    assert {"camera", "player", "phone"} & {t for t, _ in res.terms_current[:10]}


def test_vader_same_source_halves_show_no_drift(vd: Scenario) -> None:
    """Two random halves of the movie snippets: the pooled embedding keeps the MMD test honest."""
    texts = vd.get_batch("movies")["text"].to_numpy()
    order = np.random.default_rng(0).permutation(len(texts))[:3000]
    res = text_drift(texts[order[:1500]].tolist(), texts[order[1500:]].tolist(),
                     n_permutations=N_PERMUTATIONS, rng=0)
    assert res.mmd.pvalue > 0.05 and res.domain.auc < 0.56 and res.linear_auc < 0.56
    assert (res.descriptors["severity"] == "stable").all()


def test_vader_options_and_errors(tmp_path: Path) -> None:
    small = tmp_path / "small"                   # the first 80 lines of each file: fast to load
    small.mkdir()
    for name in vader.SOURCES.values():
        lines = (vader.DEFAULT_DATA_DIR / name).read_text(encoding="utf-8").splitlines()[:80]
        (small / name).write_text("\n".join(lines), encoding="utf-8")
    other = vader.load(small, reference="nyt")
    assert other.batches() == ["tweets", "amazon", "movies"] and len(other.reference) == 80
    assert other.reference["id"].iloc[0] == "1_1" and len(other.current) == 240
    with pytest.raises(DriftParameterError, match="reference"):
        vader.load(reference="reddit")
    with pytest.raises(DriftInputError, match="file not found"):
        vader.load(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in vader.SOURCES.values():
        (bad / name).write_text("1\tnot a number\tsome text\n", encoding="utf-8")
    with pytest.raises(DriftInputError, match="line 1"):
        vader.read_source("tweets", bad)
