"""Benchmark: monitor 24 batches of 50,000 rows x 30 features against a 200,000-row reference (issue 5).

Run: ``.venv/bin/python bench/monitor.py [--batches 24] [--rows 50000] [--ref-rows 200000] [--domain]``.
Target: <= 60 s without embeddings.  Prints a Markdown table:

* ``drift.monitor`` with its default detectors (features, prediction, realised and estimated
  performance, data quality) — everything included: profiling the reference once, calibrating the
  thresholds (``n_calibration`` = 40 null batches of 50,000 rows, each compared with a 150,000-row
  pseudo-reference) and the 24 batches;
* the same with the domain classifier (``--domain``; 20 calibration fits + one per batch);
* the **floor**: the per-feature statistics alone with plain SciPy/NumPy, batch after batch
  (``ks_2samp``, reference-quantile PSI with ``np.quantile`` + ``np.searchsorted``,
  ``chi2_contingency``) — no calibration, no prediction or performance metrics;
* the floor x (1 + 40/24): the same plain statistics for the batches *and* for 40 calibration draws, the
  arithmetic a calibrated monitor cannot avoid.

The data: 22 numeric and 8 categorical features, a score and a label; a quarter of the batches are
shifted on a few features.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine, measure, row  # noqa: E402
from drift.monitoring.monitor import DEFAULT_DETECTORS, monitor  # noqa: E402

N_NUMERIC, N_CATEGORICAL = 22, 8
#: The defaults: features, prediction, performance, CBPE, quality (MMD is skipped: no embeddings).
ROW_DETECTORS = DEFAULT_DETECTORS


def make_frame(n: int, rng: np.random.Generator, shift: float = 0.0) -> pd.DataFrame:
    """``n`` rows; ``shift`` moves the first three numeric features and re-weights one category."""
    cols: dict[str, object] = {}
    z = rng.normal(size=n)
    for j in range(N_NUMERIC):
        s = shift if j < 3 else 0.0
        cols[f"num_{j}"] = 10.0 + 0.5 * z + rng.normal(s, 1.0, n)
    levels = np.array([f"level_{k}" for k in range(10)])
    base = np.linspace(2, 1, 10)
    for j in range(N_CATEGORICAL):
        p = base / base.sum()
        if j == 0 and shift:
            p = np.roll(p, 1)
        cols[f"cat_{j}"] = pd.array(levels[rng.choice(10, n, p=p)], dtype="str")
    frame = pd.DataFrame(cols)
    score = expit(-2 + 0.8 * (frame["num_0"] - 10) - 0.5 * (frame["num_1"] - 10) + 0.3 * z)
    frame["score"] = score
    frame["label"] = (rng.random(n) < score).astype(np.int64)
    return frame


def make_data(n_ref: int, n_batches: int, rows: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    reference = make_frame(n_ref, rng)
    batches = [(f"b{k + 1:02d}", make_frame(rows, rng,
                                            shift=0.1 if k % 4 == 3 else 0.0)) for k in range(n_batches)]
    return reference, batches


def floor(reference: pd.DataFrame, batches) -> int:
    """Plain SciPy/NumPy per-feature statistics (KS + PSI numeric, chi-square + PSI categorical)."""
    done = 0
    feats = [c for c in reference.columns if c.startswith(("num_", "cat_"))]
    for _, cur in batches:
        for col in feats:
            if col.startswith("num_"):
                a, b = reference[col].to_numpy(), cur[col].to_numpy()
                stats.ks_2samp(a, b)
                edges = np.unique(np.quantile(a, np.arange(1, 10) / 10))
                r = np.bincount(np.searchsorted(edges, a, side="right"), minlength=10) / len(a)
                c = np.bincount(np.searchsorted(edges, b, side="right"), minlength=10) / len(b)
                r, c = np.where(r == 0, 1e-4, r), np.where(c == 0, 1e-4, c)
                np.sum((c - r) * np.log(c / r))
            else:
                counts = pd.concat([reference[col].value_counts(), cur[col].value_counts()], axis=1).fillna(0)
                stats.chi2_contingency(counts.to_numpy().T)
                r = np.maximum(counts.iloc[:, 0].to_numpy() / len(reference), 1e-4)
                c = np.maximum(counts.iloc[:, 1].to_numpy() / len(cur), 1e-4)
                np.sum((c - r) * np.log(c / r))
            done += 1
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=24)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--ref-rows", type=int, default=200_000)
    parser.add_argument("--n-calibration", type=int, default=40)
    parser.add_argument("--domain", action="store_true", help="also time the run with the domain classifier")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    reference, batches = make_data(args.ref_rows, args.batches, args.rows)
    n_feat = N_NUMERIC + N_CATEGORICAL
    print(f"# monitor: {args.batches} batches x {args.rows:,} rows x {n_feat} features vs a "
          f"{args.ref_rows:,}-row reference, n_calibration={args.n_calibration}\n")
    print(f"machine: {machine()}; load average at start {os.getloadavg()[0]:.1f} (a shared machine: "
          "times scale with it)\n")
    print(row("what", "wall s", "peak MB", "alerted batches"))
    print(row("---", "---:", "---:", "---:"))

    def ours(detectors):
        return monitor(reference, batches, target="label", prediction="score", detectors=detectors,
                       n_calibration=args.n_calibration, rng=0)

    t, mem, res = measure(lambda: ours(ROW_DETECTORS))
    alerted = ", ".join(res.batches.loc[res.batches["status"] == "alert", "batch"])
    print(row("drift.monitor, default detectors", f"{t:.1f}", f"{mem / 2**20:.0f}", alerted))
    if args.domain:
        t_d, mem_d, res_d = measure(lambda: ours(ROW_DETECTORS + ("domain",)))
        alerted = ", ".join(res_d.batches.loc[res_d.batches["status"] == "alert", "batch"])
        print(row("drift.monitor + domain classifier", f"{t_d:.1f}", f"{mem_d / 2**20:.0f}", alerted))
    t_f, mem_f, _ = measure(lambda: floor(reference, batches))
    print(row("floor: plain SciPy per-feature statistics, batches only", f"{t_f:.1f}",
              f"{mem_f / 2**20:.0f}", "—"))
    scale = 1 + args.n_calibration / args.batches
    print(row(f"floor x {scale:.2f} (batches + {args.n_calibration} calibration draws)", f"{t_f * scale:.1f}",
              "—", "—"))
    print()
    print(res.calibration.to_string(index=False))


if __name__ == "__main__":
    main()
