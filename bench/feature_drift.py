"""Benchmark: feature_drift on 1,000,000 rows x 50 columns per side against the floor and peers.

Run: ``.venv/bin/python bench/feature_drift.py [--rows N]``.  Prints a Markdown table:

* ``drift.feature_drift`` (2 threads, and 1 thread);
* the **floor**: the same five statistics with plain SciPy/NumPy, one column at a time
  (``ks_2samp``, reference-quantile PSI with ``np.quantile`` + ``np.searchsorted``, ``chi2_contingency``,
  ``wasserstein_distance``, ``jensenshannon``);
* NumPy sorting every numeric column of both sides once (the target);
* Evidently's data-drift preset, when ``evidently`` is importable (it needs pandas < 3: run this
  script from a venv that has it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine, measure, row  # noqa: E402

N_NUMERIC, N_CATEGORICAL = 35, 15


def make_data(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two frames; about a quarter of the columns of ``current`` are shifted."""
    rng = np.random.default_rng(seed)
    ref, cur = {}, {}
    for j in range(N_NUMERIC):
        shift = 0.5 if j % 4 == 0 else 0.0
        ref[f"num_{j}"] = rng.normal(0, 1, n)
        cur[f"num_{j}"] = rng.normal(shift, 1, n)
    levels = np.array([f"level_{k}" for k in range(12)])
    base = np.linspace(2, 1, 12)
    for j in range(N_CATEGORICAL):
        p = base / base.sum()
        q = np.roll(p, 1) if j % 4 == 0 else p
        ref[f"cat_{j}"] = pd.array(levels[rng.choice(12, n, p=p)], dtype="str")
        cur[f"cat_{j}"] = pd.array(levels[rng.choice(12, n, p=q)], dtype="str")
    return pd.DataFrame(ref), pd.DataFrame(cur)


def floor(ref: pd.DataFrame, cur: pd.DataFrame) -> int:
    """Plain SciPy/NumPy, one column at a time, same five statistics."""
    out = 0
    for col in ref.columns:
        if col.startswith("num_"):
            a, b = ref[col].to_numpy(), cur[col].to_numpy()
            stats.ks_2samp(a, b)
            edges = np.unique(np.quantile(a, np.arange(1, 10) / 10))
            r = np.bincount(np.searchsorted(edges, a, side="right"), minlength=10) / len(a)
            c = np.bincount(np.searchsorted(edges, b, side="right"), minlength=10) / len(b)
            r, c = np.where(r == 0, 1e-4, r), np.where(c == 0, 1e-4, c)
            np.sum((c - r) * np.log(c / r))
            stats.wasserstein_distance(a, b)
            jensenshannon(r, c, base=2)
        else:
            counts = pd.concat([ref[col].value_counts(), cur[col].value_counts()], axis=1).fillna(0)
            stats.chi2_contingency(counts.to_numpy().T)
            r = counts.iloc[:, 0].to_numpy() / len(ref)
            c = counts.iloc[:, 1].to_numpy() / len(cur)
            rc, cc = np.maximum(r, 1e-4), np.maximum(c, 1e-4)
            np.sum((cc - rc) * np.log(cc / rc))
            jensenshannon(r, c, base=2)
        out += 1
    return out


def sort_all(ref: pd.DataFrame, cur: pd.DataFrame) -> int:
    for df in (ref, cur):
        for col in df.columns[:N_NUMERIC]:
            np.sort(df[col].to_numpy())
    return 2 * N_NUMERIC


def evidently_preset(ref: pd.DataFrame, cur: pd.DataFrame):
    from evidently import Report  # type: ignore[import-not-found]
    from evidently.presets import DataDriftPreset  # type: ignore[import-not-found]

    return Report([DataDriftPreset()]).run(reference_data=ref, current_data=cur)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    import drift

    ref, cur = make_data(args.rows)
    input_mb = (ref.memory_usage(deep=True).sum() + cur.memory_usage(deep=True).sum()) / 2**20
    schema = drift.infer_schema(ref, cur)
    drift.feature_drift(ref.head(2000), cur.head(2000), schema=schema)  # warm imports
    contenders = [
        ("drift.feature_drift (2 threads)", lambda: drift.feature_drift(ref, cur, schema=schema)),
        ("drift.feature_drift (1 thread)", lambda: drift.feature_drift(ref, cur, schema=schema, n_jobs=1)),
        ("drift.feature_drift, schema inferred", lambda: drift.feature_drift(ref, cur)),
        ("floor: plain scipy/numpy, 5 statistics", lambda: floor(ref, cur)),
        ("numpy: sort every numeric column once", lambda: sort_all(ref, cur)),
    ]
    try:
        import evidently  # noqa: F401
        contenders.append(("Evidently DataDriftPreset", lambda: evidently_preset(ref, cur)))
    except ImportError:
        pass
    print(f"{args.rows:,} rows x {ref.shape[1]} columns per side ({N_NUMERIC} numeric, {N_CATEGORICAL} "
          f"categorical); input frames {input_mb:,.0f} MiB. Machine: {machine()}\n")
    print(row("what", "wall s", "peak extra MiB", "x sort time", "extra memory / inputs"))
    print(row("---", "---:", "---:", "---:", "---:"))
    results = []
    for name, fn in contenders:
        seconds, peak, out = measure(fn)
        if isinstance(out, pd.DataFrame):
            name = f"{name} ({int(out['drifted'].sum())} of {len(out)} drifted)"
        results.append((name, seconds, peak))
    sort_seconds = next(s for n, s, _ in results if n.startswith("numpy"))
    for name, seconds, peak in results:
        print(row(name, f"{seconds:.2f}", f"{peak / 2**20:,.0f}", f"{seconds / sort_seconds:.2f}",
                  f"{peak / 2**20 / input_mb:.2f}"))


if __name__ == "__main__":
    main()
