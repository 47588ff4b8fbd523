"""Benchmark: drift.project on 10,000 × 384 (5,000 per side): UMAP cold and warm, PCA.

Run from the repository root::

    .venv/bin/python bench/projection.py

*Cold* is a fresh Python process: ``import umap`` plus numba's compilation on the first fit, split into
``warm_up_umap()`` (what the app runs in a background thread at start) and the first real projection.
*Warm* is a second projection in a process that has already compiled.  The floor is umap-learn's own
``UMAP(random_state=0).fit_transform`` (its approximate NN-descent search, 500 epochs below 10,000
rows) on the same standardised data, warm.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N_SIDE, D = 5000, 384
TARGET_WARM = 10.0


def data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.default_rng(seed)
    centres = gen.normal(0, 1.0, size=(8, D))                    # clustered, like real embeddings
    ref = centres[gen.integers(0, 8, N_SIDE)] + gen.normal(0, 0.8, size=(N_SIDE, D))
    cur = centres[gen.integers(0, 8, N_SIDE)] + gen.normal(0, 0.8, size=(N_SIDE, D))
    cur[: N_SIDE // 5] += 1.5 * gen.normal(size=D)              # a fifth of production moves
    return ref.astype(np.float32), cur.astype(np.float32)


def cold_child() -> None:
    """Fresh process: import, warm-up, first projection, second projection."""
    t0 = time.perf_counter()
    import umap  # noqa: F401

    from drift.multivariate.projection import project, warm_up_umap
    t_import = time.perf_counter() - t0
    t_warm = warm_up_umap()
    ref, cur = data()
    t0 = time.perf_counter()
    first = project(ref, cur, method="umap", max_samples=2 * N_SIDE)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    project(ref, cur, method="umap", max_samples=2 * N_SIDE)
    t_second = time.perf_counter() - t0
    print(json.dumps({"import": t_import, "warm_up": t_warm, "first": t_first, "second": t_second,
                      "overlap": first.overlap}))


def main() -> None:
    if "--child" in sys.argv:
        cold_child()
        return
    out = subprocess.run([sys.executable, __file__, "--child"], capture_output=True, text=True, check=True)
    cold = json.loads(out.stdout.strip().splitlines()[-1])

    from drift.multivariate.projection import project, warm_up_umap

    warm_up_umap()
    ref, cur = data()
    rows = []
    for label, kwargs in (("ours, UMAP, 10,000 points (warm)", {"method": "umap", "max_samples": 2 * N_SIDE}),
                          ("ours, UMAP, default max_samples=5,000 (warm)", {"method": "umap"}),
                          ("ours, PCA, 10,000 points", {"method": "pca", "max_samples": 2 * N_SIDE})):
        start = time.perf_counter()
        res = project(ref, cur, **kwargs)
        rows.append((label, res.n_reference + res.n_current, time.perf_counter() - start, res.overlap))

    import umap

    z = np.vstack([ref, cur]).astype(np.float64)
    z = ((z - z.mean(0)) / z.std(0)).astype(np.float32)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        umap.UMAP(random_state=0, n_jobs=1).fit_transform(z)
    floor = time.perf_counter() - start

    print(f"# project benchmark — {platform.machine()}, {os.cpu_count()} CPUs, {2 * N_SIDE:,} × {D}, "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    print()
    print("| run | points | seconds | overlap |")
    print("|---|---:|---:|---:|")
    print(f"| cold process: `import umap` | | {cold['import']:.1f} | |")
    print(f"| cold process: `warm_up_umap()` (numba compilation) | 600 | {cold['warm_up']:.1f} | |")
    print(f"| cold process: first UMAP projection after warm-up | {2 * N_SIDE:,} | {cold['first']:.1f} "
          f"| {cold['overlap']:.3f} |")
    print(f"| cold process: second UMAP projection | {2 * N_SIDE:,} | {cold['second']:.1f} | |")
    for label, n, sec, overlap in rows:
        ok = (" ✓" if sec <= TARGET_WARM else " ✗") if "10,000 points (warm)" in label else ""
        print(f"| {label} | {n:,} | {sec:.2f}{ok} | {overlap:.3f} |")
    print(f"| floor: umap-learn defaults (NN-descent, 500 epochs), warm | {2 * N_SIDE:,} | {floor:.2f} | — |")
    print()
    print(f"target: 10,000 points warm ≤ {TARGET_WARM:.0f} s")


if __name__ == "__main__":
    main()
