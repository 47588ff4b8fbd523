"""Benchmark: feature_drift on 1,000,000 rows x 50 columns per side against the sort floor and peers.

Run: ``.venv/bin/python bench/feature_drift.py [--rows N] [--repeat 3] [--no-peers]``.  Prints the
machine, the load average, NumPy's SIMD extensions (as ``np.show_runtime()`` lists them) and a
Markdown table:

* ``drift.feature_drift`` (2 threads, 1 thread, and with the schema inferred);
* NumPy sorting every numeric column of both sides once, on one thread (the target: feature_drift
  within :data:`TARGET` times this);
* the plain SciPy/NumPy **floor**: the same five statistics one column at a time (``ks_2samp``,
  reference-quantile PSI with ``np.quantile`` + ``np.searchsorted``, ``chi2_contingency``,
  ``wasserstein_distance``, ``jensenshannon``);
* Evidently's data-drift preset, when ``evidently`` is importable (it needs pandas < 3: run this
  script from a venv that has it).

Each of the first four is timed ``--repeat`` times and the fastest run is kept (the machine is shared);
the peers run once (``--no-peers`` leaves them out).  Wall and CPU seconds (CPU summed over threads)
are both given, each as a ratio to the sort: on a loaded machine the CPU ratio is the steadier figure.

NumPy picks its sort kernel for the processor at import.  On AMD Zen 4 its AVX-512 kernel is several
times slower than its AVX2 one (a microcoded compress-store); run with
``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"`` to time both against the AVX2 sort.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine, measure, row  # noqa: E402

N_NUMERIC, N_CATEGORICAL = 35, 15
#: feature_drift should take at most this many times the single-thread sort of the numeric columns.
TARGET = 1.5


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


def simd_extensions() -> str:
    """NumPy's SIMD extensions as ``np.show_runtime()`` reports them (baseline, found, not found)."""
    from numpy._core._multiarray_umath import (  # what np.show_runtime() reads
        __cpu_baseline__,
        __cpu_dispatch__,
        __cpu_features__,
    )

    found = [f for f in __cpu_dispatch__ if __cpu_features__[f]]
    missing = [f for f in __cpu_dispatch__ if not __cpu_features__[f]]
    disabled = os.environ.get("NPY_DISABLE_CPU_FEATURES", "")
    return (f"NumPy {np.__version__} SIMD: baseline {', '.join(__cpu_baseline__)}; found {', '.join(found)}; "
            f"not found {', '.join(missing) or '-'}" + (f"; disabled by NPY_DISABLE_CPU_FEATURES: {disabled}"
                                                         if disabled else ""))


def best_of(fn, repeat: int) -> tuple[float, float, int, object]:
    """Fastest wall time of ``repeat`` runs, the fastest CPU time (all threads), peak extra memory."""
    walls, cpus, peaks = [], [], []
    for _ in range(repeat):
        cpu0 = time.process_time()
        seconds, peak, out = measure(fn)
        cpus.append(time.process_time() - cpu0)
        walls.append(seconds)
        peaks.append(peak)
    return min(walls), min(cpus), max(peaks), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of drift and of the sort; the fastest is kept")
    parser.add_argument("--no-peers", action="store_true", help="leave out the SciPy floor and Evidently")
    args = parser.parse_args()
    import drift

    ref, cur = make_data(args.rows)
    input_mb = (ref.memory_usage(deep=True).sum() + cur.memory_usage(deep=True).sum()) / 2**20
    schema = drift.infer_schema(ref, cur)
    drift.feature_drift(ref.head(2000), cur.head(2000), schema=schema)  # warm imports
    repeated = [
        ("numpy: sort every numeric column once (1 thread)", lambda: sort_all(ref, cur)),
        ("drift.feature_drift (2 threads)", lambda: drift.feature_drift(ref, cur, schema=schema)),
        ("drift.feature_drift (1 thread)", lambda: drift.feature_drift(ref, cur, schema=schema, n_jobs=1)),
        ("drift.feature_drift, schema inferred (2 threads)", lambda: drift.feature_drift(ref, cur)),
    ]
    once = [] if args.no_peers else [("floor: plain scipy/numpy, 5 statistics (run once)",
                                      lambda: floor(ref, cur))]
    try:
        import evidently  # noqa: F401
        if not args.no_peers:
            once.append(("Evidently DataDriftPreset (run once)", lambda: evidently_preset(ref, cur)))
    except ImportError:
        pass
    load_start = os.getloadavg()
    results = []
    for k, (name, fn) in enumerate(repeated + once):
        wall, cpu, peak, out = best_of(fn, args.repeat if k < len(repeated) else 1)
        if isinstance(out, pd.DataFrame):
            name = f"{name} ({int(out['drifted'].sum())} of {len(out)} drifted)"
        results.append((name, wall, cpu, peak))
    load_end = os.getloadavg()
    print(f"{args.rows:,} rows x {ref.shape[1]} columns per side ({N_NUMERIC} numeric, {N_CATEGORICAL} "
          f"categorical); input frames {input_mb:,.0f} MiB. Machine: {machine()}")
    print(simd_extensions())
    print(f"Load average (1 min) {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end; fastest of "
          f"{args.repeat} runs for the first four rows. Target: feature_drift <= {TARGET} x the sort.\n")
    print(row("what", "wall s", "CPU s", "x sort (wall)", "x sort (CPU)", "peak extra MiB"))
    print(row("---", "---:", "---:", "---:", "---:", "---:"))
    _, sort_wall, sort_cpu, _ = results[0]
    for name, wall, cpu, peak in results:
        print(row(name, f"{wall:.2f}", f"{cpu:.2f}", f"{wall / sort_wall:.2f}", f"{cpu / sort_cpu:.2f}",
                  f"{peak / 2**20:,.0f}"))


if __name__ == "__main__":
    main()
