"""Benchmark: drift.text_drift on 20,000 posts per side (target: <= 20 s with the default embeddings).

Run: ``.venv/bin/python bench/text_drift.py [--posts N] [--repeat R]``.  Data: the sentiment scenario
(``drift.data.scenarios.sentiment``) generated with enough posts per week that the reference (weeks W01-W03)
and the current side (the slang weeks W12-W14) each hold about ``N`` posts.  Prints two Markdown tables:

1. ``text_drift`` end to end at several sizes (default ``max_samples=5000``, and with every post used);
2. each step on the default sample (5,000 posts per side) next to the **floor** -- the same step written
   plainly with scikit-learn / NumPy / SciPy and no extras (regex counts with pandas, default
   ``TfidfVectorizer`` + ``TruncatedSVD``, a NumPy MMD with the same kernel and permutations, one
   gradient-boosting cross-validation without importances, one logistic regression without
   out-of-fold scores).

No peer library computes the same set of text-drift views (Evidently's text descriptors and Alibi
Detect's MMD need older pandas / TensorFlow; neither is installed here).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine, measure, row  # noqa: E402


def make_data(posts: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """About ``posts`` reference posts (W01-W03) and as many current posts (W12-W14)."""
    from drift.data.scenarios.sentiment import generate

    sc = generate(posts_per_week=-(-posts // 3), rng=seed)
    current = sc.current[sc.current["batch"].isin(["W12", "W13", "W14"])]
    return sc.reference["text"].tolist()[:posts], current["text"].tolist()[:posts]


# --- the floor ---------------------------------------------------------------------------------
def floor_descriptors(ref: list[str], cur: list[str]) -> int:
    from scipy import stats

    frames = []
    for texts in (ref, cur):
        s = pd.Series(texts, dtype="str")
        n = s.str.split().str.len().clip(lower=1)
        frames.append(pd.DataFrame({
            "n_chars": s.str.len(), "n_tokens": n,
            "emoji": s.str.count("[\U0001F300-\U0001FAFF\u2600-\u27BF]") / n,
            "url": s.str.count(r"https?://\S+") / n, "hashtag": s.str.count(r"#\w+") / n,
            "mention": s.str.count(r"@\w+") / n, "exclamation": s.str.count("!") / n,
            "upper": s.str.count("[A-Z]") / s.str.count("[A-Za-z]").clip(lower=1),
        }))
    for col in frames[0].columns:
        stats.ks_2samp(frames[0][col], frames[1][col])
    return len(frames[0].columns)


def floor_embed(ref: list[str], cur: list[str]) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    x = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2).fit_transform(ref + cur)
    return normalize(TruncatedSVD(64, random_state=0).fit_transform(x))


def floor_mmd(emb: np.ndarray, n_ref: int, n_perm: int = 500, max_samples: int = 2000) -> float:
    gen = np.random.default_rng(0)
    x = emb[:n_ref][gen.choice(n_ref, min(n_ref, max_samples), replace=False)]
    y = emb[n_ref:][gen.choice(len(emb) - n_ref, min(len(emb) - n_ref, max_samples), replace=False)]
    z = np.vstack([x, y]).astype(np.float32)
    sq = (z * z).sum(1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * z @ z.T, 0)
    sigma2 = np.median(d2[np.triu_indices(len(z), 1)])
    k = np.exp(-d2 / (2 * sigma2))
    np.fill_diagonal(k, 0)
    n, m = len(x), len(y)
    labels = np.array([gen.permutation(np.r_[np.ones(n), np.zeros(m)]) for _ in range(n_perm)], np.float32)
    q = ((labels @ k) * labels).sum(1)
    u = labels @ k.sum(1)
    total = k.sum()
    stat = q / (n * (n - 1)) + (total - 2 * u + q) / (m * (m - 1)) - 2 * (u - q) / (n * m)
    return float(stat.mean())


def floor_domain(emb: np.ndarray, n_ref: int) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    y = np.r_[np.zeros(n_ref), np.ones(len(emb) - n_ref)]
    p = cross_val_predict(HistGradientBoostingClassifier(max_iter=100, early_stopping=True), emb, y, cv=5,
                          method="predict_proba")[:, 1]
    return float(roc_auc_score(y, p))


def floor_terms(ref: list[str], cur: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    x = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=3).fit_transform(ref + cur)
    y = np.r_[np.zeros(len(ref)), np.ones(len(cur))]
    return LogisticRegression(class_weight="balanced", solver="liblinear").fit(x, y).coef_[0]


# --- our steps -----------------------------------------------------------------------------------
def our_steps(ref: list[str], cur: list[str]) -> list[tuple[str, object]]:
    from drift.multivariate.domain import domain_classifier_test
    from drift.multivariate.mmd import mmd_test
    from drift.text.text_drift import MMD_MAX_SAMPLES, _descriptor_drift, _embed, _linear_terms, _scan

    pos_ref, pos_cur = np.arange(len(ref)), np.arange(len(cur))
    state: dict = {}

    def scan():
        state["scans_ref"] = [_scan(t) for t in ref]
        state["scans_cur"] = [_scan(t) for t in cur]

    def descriptors():
        return _descriptor_drift(ref, cur, state["scans_ref"], state["scans_cur"], pos_ref, pos_cur, 0.05)

    def embed():
        state["emb"] = _embed(ref, cur, "tfidf", "pooled", 64, 0)

    def mmd():
        return mmd_test(*state["emb"], max_samples=MMD_MAX_SAMPLES, rng=0)

    def domain():
        cols = [f"emb_{j}" for j in range(state["emb"][0].shape[1])]
        return domain_classifier_test(pd.DataFrame(state["emb"][0], columns=cols),
                                      pd.DataFrame(state["emb"][1], columns=cols), rng=0)

    def terms():
        tokens = [t for t, _ in state["scans_ref"] + state["scans_cur"]]
        return _linear_terms(tokens, len(ref), 20, 0)

    return [("tokenize", scan), ("descriptors + feature_drift", descriptors),
            ("embeddings (TF-IDF + SVD)", embed), ("MMD test (2,000 per side, 500 permutations)", mmd),
            ("domain classifier (5 folds + importances)", domain),
            ("distinguishing terms (5 folds + final fit)", terms)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000, help="posts per side")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (the best is shown)")
    args = parser.parse_args()
    from drift.text.text_drift import text_drift

    t0 = time.perf_counter()
    ref, cur = make_data(args.posts)
    print(f"Data: {len(ref):,} reference and {len(cur):,} current posts (sentiment scenario W01-W03 vs "
          f"W12-W14), generated in {time.perf_counter() - t0:.1f} s. Machine: {machine()}\n")
    text_drift(ref[:200], cur[:200], n_permutations=50)           # warm the imports

    def best(fn):
        runs = [measure(fn) for _ in range(args.repeat)]
        return min(runs, key=lambda r: r[0])

    print(row("text_drift end to end", "posts per side", "texts analysed per side", "wall s",
              "peak extra MiB", "MMD p", "domain AUC", "linear AUC"))
    print(row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"))
    sizes = [(n, 5000) for n in (2_000, 5_000, args.posts) if n <= args.posts] + [(args.posts, args.posts)]
    for n, cap in sizes:
        seconds, peak, res = best(lambda n=n, cap=cap: text_drift(ref[:n], cur[:n], max_samples=cap))
        label = "default (max_samples=5000)" if cap == 5000 else f"max_samples={cap:,} (every post)"
        print(row(label, f"{n:,}", f"{res.n_reference:,}", f"{seconds:.2f}", f"{peak / 2**20:,.0f}",
                  f"{res.mmd.pvalue:.3f}", f"{res.domain.auc:.3f}", f"{res.linear_auc:.3f}"))

    gen = np.random.default_rng(0)
    k = min(5000, len(ref), len(cur))
    sref = [ref[i] for i in np.sort(gen.choice(len(ref), k, replace=False))]
    scur = [cur[i] for i in np.sort(gen.choice(len(cur), k, replace=False))]
    ours = our_steps(sref, scur)
    timings = {name: best(fn)[0] for name, fn in ours}
    emb_floor = floor_embed(sref, scur)
    floors = {
        "descriptors + feature_drift": lambda: floor_descriptors(sref, scur),
        "embeddings (TF-IDF + SVD)": lambda: floor_embed(sref, scur),
        "MMD test (2,000 per side, 500 permutations)": lambda: floor_mmd(emb_floor, k),
        "domain classifier (5 folds + importances)": lambda: floor_domain(emb_floor, k),
        "distinguishing terms (5 folds + final fit)": lambda: floor_terms(sref, scur),
    }
    print(f"\nSteps on the default sample ({k:,} posts per side):\n")
    print(row("step", "ours s", "floor s", "floor does"))
    print(row("---", "---:", "---:", "---"))
    does = {
        "tokenize": "(inside the other steps)",
        "descriptors + feature_drift": "pandas regex counts, 8 columns, KS only",
        "embeddings (TF-IDF + SVD)": "default TfidfVectorizer + TruncatedSVD, all BLAS threads",
        "MMD test (2,000 per side, 500 permutations)": "NumPy kernel + one permutation matrix product",
        "domain classifier (5 folds + importances)": "cross_val_predict, no importances, no CI",
        "distinguishing terms (5 folds + final fit)": "one LogisticRegression fit, no out-of-fold scores",
    }
    for name, _ in ours:
        floor_s = f"{best(floors[name])[0]:.2f}" if name in floors else "-"
        print(row(name, f"{timings[name]:.2f}", floor_s, does[name]))
    print(row("**sum of steps**", f"**{sum(timings.values()):.2f}**", "", ""))


if __name__ == "__main__":
    main()
