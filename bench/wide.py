"""Benchmark: a wide table (20,000 columns x 300 rows per side) from CSV to the feature-drift table.

Run: ``.venv/bin/python bench/wide.py [--cols 20000 5000] [--rows 300] [--before REF]``.  Prints a
Markdown table with, for each size and each version of the library, the seconds (wall, and CPU summed
over threads) of:

* ``load``: :func:`drift.load_table` of the two CSV files;
* ``infer_schema`` and ``validate_pair`` on their own (for the breakdown);
* ``feature_drift``: ``drift.feature_drift(ref, cur)``, the call users make (it infers the schema and
  validates the pair itself);
* ``total``: load + feature_drift (issue 10: under 30 s for 20,000 x 300 on 2 cores);
* the **floor**: the same arithmetic in plain NumPy/SciPy, one column at a time — each numeric column of
  both sides sorted once plus ``scipy.stats.ks_2samp``; ``value_counts`` plus ``chi2_contingency`` for a
  categorical one.

``--before REF`` also times the library as it is at the git revision ``REF`` (its ``drift/`` is extracted
with ``git archive`` into a temporary directory): one table, before and after.  Every version runs in
its own process, on the same CSV files, after a warm-up call (imports and compiled code loaded).

The data: columns ``f0`` ... of standard normals, one in 20 Poisson counts (ties), one in 20 with 5 %
missing values, one in 20 categorical (5 colours); one in 10 shifted in the current file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._common import machine, row  # noqa: E402

#: Colours of the categorical columns.
LEVELS = np.array(["red", "green", "blue", "amber", "violet"])
STAGES = ("load", "infer_schema", "validate_pair", "feature_drift", "total", "floor")


def make_data(n_rows: int, n_cols: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference and current frames of ``n_cols`` columns (see the module docstring)."""
    rng = np.random.default_rng(seed)
    ref, cur = {}, {}
    p = np.array([5, 4, 3, 2, 1]) / 15
    for j in range(n_cols):
        name = f"f{j}"
        shift = 0.5 if j % 10 == 3 else 0.0
        if j % 20 == 0:
            ref[name] = LEVELS[rng.choice(5, n_rows, p=p)]
            cur[name] = LEVELS[rng.choice(5, n_rows, p=np.roll(p, 1) if j % 40 == 0 else p)]
        elif j % 20 == 1:
            ref[name] = rng.poisson(3, n_rows).astype(float)
            cur[name] = rng.poisson(3 + 2 * shift, n_rows).astype(float)
        else:
            a, b = rng.normal(0, 1, n_rows), rng.normal(shift, 1, n_rows)
            if j % 20 == 2:
                a[rng.random(n_rows) < 0.05] = np.nan
                b[rng.random(n_rows) < 0.05] = np.nan
            ref[name], cur[name] = a, b
    return pd.DataFrame(ref), pd.DataFrame(cur)


def floor(ref: pd.DataFrame, cur: pd.DataFrame) -> int:
    """Plain NumPy/SciPy: per numeric column one sort per side and ks_2samp; chi2 per categorical."""
    for col in ref.columns:
        a, b = ref[col], cur[col]
        if a.dtype.kind == "f":
            a, b = np.sort(a.to_numpy()), np.sort(b.to_numpy())
            stats.ks_2samp(a[~np.isnan(a)], b[~np.isnan(b)])
        else:
            counts = pd.concat([a.value_counts(), b.value_counts()], axis=1).fillna(0)
            stats.chi2_contingency(counts.to_numpy().T)
    return len(ref.columns)


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def worker(code: str, ref_path: str, cur_path: str, with_floor: bool) -> dict:
    """Time every stage with the library found in ``code``; seconds as {stage: [wall, cpu]}."""
    sys.path.insert(0, code)
    import drift

    assert Path(drift.__file__).resolve().is_relative_to(Path(code).resolve()), drift.__file__
    warm_ref, warm_cur = make_data(50, 40, seed=1)
    drift.feature_drift(warm_ref, warm_cur)  # imports, compiled code
    out: dict = {}
    (ref, cur), *out["load"] = _timed(lambda: (drift.load_table(ref_path), drift.load_table(cur_path)))
    schema, *out["infer_schema"] = _timed(lambda: drift.infer_schema(ref, cur))
    _, *out["validate_pair"] = _timed(lambda: drift.validate_pair(ref, cur, schema))
    table, *out["feature_drift"] = _timed(lambda: drift.feature_drift(ref, cur))
    out["total"] = [out["load"][0] + out["feature_drift"][0], out["load"][1] + out["feature_drift"][1]]
    if with_floor:
        _, *out["floor"] = _timed(lambda: floor(ref, cur))
    out["features"] = len(table)
    out["drifted"] = int(table["drifted"].sum())
    return out


def _run_worker(code: Path, ref_path: Path, cur_path: Path, with_floor: bool) -> dict:
    cmd = [sys.executable, __file__, "--worker", str(code), str(ref_path), str(cur_path)]
    if with_floor:
        cmd.append("--floor")
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _extract(rev: str, into: Path) -> Path:
    """The ``drift/`` package of git revision ``rev``, extracted under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "drift"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cols", type=int, nargs="+", default=[20_000, 5_000])
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--before", help="git revision to compare with (e.g. main)")
    parser.add_argument("--worker", nargs=3, metavar=("CODE", "REF", "CUR"), help=argparse.SUPPRESS)
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker, with_floor=args.floor)))
        return

    load = os.getloadavg()
    print(f"{args.rows:,} rows per side; CSV files. Machine: {machine()}; load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the start.\n")
    print(row("columns", "version", *(f"{s} s (wall / CPU)" for s in STAGES)))
    print(row("---:", "---", *("---:" for _ in STAGES)))
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        versions = [("this checkout", ROOT)]
        if args.before:
            before = _extract(args.before, Path(tempfile.mkdtemp(dir=tmp)))
            versions.insert(0, (f"before ({args.before})", before))
        for n_cols in args.cols:
            ref, cur = make_data(args.rows, n_cols)
            ref_path, cur_path = tmp_path / f"ref_{n_cols}.csv", tmp_path / f"cur_{n_cols}.csv"
            ref.to_csv(ref_path, index=False)
            cur.to_csv(cur_path, index=False)
            for label, code in versions:
                res = _run_worker(code, ref_path, cur_path, with_floor=code == ROOT)
                cells = [f"{res[s][0]:.2f} / {res[s][1]:.2f}" if s in res else "" for s in STAGES]
                print(row(f"{n_cols:,}", f"{label} ({res['drifted']:,} of {res['features']:,} drifted)",
                          *cells), flush=True)
    load = os.getloadavg()
    print(f"\nLoad average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}.")


if __name__ == "__main__":
    main()
