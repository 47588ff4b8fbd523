"""Benchmark: drift.domain_classifier_test on 100,000 × 20 per side against a plain 5-fold HGB fit.

Run from the repository root::

    .venv/bin/python bench/domain_classifier.py

Rows of the table (same data: 20 numeric features, drift in a mean, a scale and a correlation):

* ours with defaults (balanced subsample of 20,000 per side, 5 folds, importances included);
* ours on all rows (``max_samples=100_000``), importances included;
* the floor: scikit-learn ``HistGradientBoostingClassifier`` with its defaults, 5-fold stratified
  out-of-fold ``predict_proba`` on all 200,000 rows, then ``roc_auc_score`` — no importances, no test.

Alibi Detect's ``ClassifierDrift`` is a peer only when importable (not a dependency: licence).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drift import domain_classifier_test  # noqa: E402

N, D = 100_000, 20
TARGET = 10.0


def data(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    gen = np.random.default_rng(seed)
    cols = [f"f{i}" for i in range(D)]
    ref = pd.DataFrame(gen.normal(size=(N, D)), columns=cols)
    cur = pd.DataFrame(gen.normal(size=(N, D)), columns=cols)
    cur["f0"] += 0.05                                                   # small mean shift
    cur["f1"] *= 1.1                                                    # scale change
    z = gen.normal(size=N)                                              # f2-f3 become correlated
    cur["f2"], cur["f3"] = 0.6 * z + 0.8 * cur["f2"], 0.6 * z + 0.8 * cur["f3"]
    return ref, cur


def floor(ref: pd.DataFrame, cur: pd.DataFrame) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    x = np.vstack([ref.to_numpy(), cur.to_numpy()])
    y = np.r_[np.zeros(len(ref)), np.ones(len(cur))]
    oof = np.empty(len(y))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        model = HistGradientBoostingClassifier(random_state=0).fit(x[train], y[train])
        oof[test] = model.predict_proba(x[test])[:, 1]
    return float(roc_auc_score(y, oof))


def alibi_row(ref: pd.DataFrame, cur: pd.DataFrame) -> str:
    try:
        from alibi_detect.cd import ClassifierDrift  # type: ignore[import-not-found]
    except ImportError:
        return "not installed (benchmark-only peer: run this script where alibi-detect is installed)"
    from sklearn.ensemble import HistGradientBoostingClassifier

    start = time.perf_counter()
    ClassifierDrift(ref.to_numpy(), model=HistGradientBoostingClassifier(), backend="sklearn",
                    n_folds=5).predict(cur.to_numpy())
    return f"{time.perf_counter() - start:.2f} s"


def timed(func):
    start = time.perf_counter()
    out = func()
    return time.perf_counter() - start, out


def main() -> None:
    ref, cur = data()
    print(f"# domain_classifier_test benchmark — {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{N:,} × {D} per side, load average {os.getloadavg()[0]:.1f} at start")
    print()
    print("| run | rows used per side | seconds | AUC | p-value | top features |")
    print("|---|---:|---:|---:|---:|---|")
    domain_classifier_test(ref.iloc[:500], cur.iloc[:500])              # warm imports
    for label, kwargs in (("ours, defaults (incl. importances)", {}),
                          ("ours, all rows (incl. importances)", {"max_samples": N})):
        sec, res = timed(lambda kwargs=kwargs: domain_classifier_test(ref, cur, **kwargs))
        ok = (" ✓" if sec <= TARGET else " ✗") if not kwargs else ""
        top = ", ".join(res.importances["feature"].iloc[:4])
        print(f"| {label} | {res.n_reference:,} | {sec:.2f}{ok} | {res.auc:.4f} "
              f"[{res.auc_ci[0]:.3f}, {res.auc_ci[1]:.3f}] | {res.pvalue:.2g} | {top} |")
    sec, auc = timed(lambda: floor(ref, cur))
    print(f"| floor: plain 5-fold HGB (defaults), OOF AUC only | {N:,} | {sec:.2f} | {auc:.4f} | — | — |")
    print(f"| Alibi Detect ClassifierDrift (HGB, 5 folds) | {N:,} | {alibi_row(ref, cur)} | | | |")
    print()
    print(f"target: defaults ≤ {TARGET:.0f} s, importances included")


if __name__ == "__main__":
    main()
