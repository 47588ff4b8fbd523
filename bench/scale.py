"""Benchmark: exact feature drift out of core with DuckDB, against DuckDB's own floor and pandas.

Run: ``.venv/bin/python bench/scale.py [--rows 10000000] [--threads 2] [--memory-limit 2GB]
[--no-pandas]``.  Writes seeded Parquet per side (15 numeric and 5 categorical columns; cached under
``/tmp/drift-scale`` with the seed and size in the name), then times, **each in its own subprocess**
(peak RSS read from ``os.wait4``'s resource usage of that child):

* ``drift.feature_drift(ref.parquet, cur.parquet, engine="duckdb")``: the whole table (schema from the
  first rows, exact counts, statistics, readings), DuckDB with the memory limit and threads given;
* the **floor**: DuckDB itself doing the unavoidable work, with the same settings: per numeric column and
  side one ordered aggregation (the counts per distinct value in value order, consumed by a running sum),
  per categorical column and side one group-by;
* pandas (up to ``--pandas-max-rows`` rows): ``pd.read_parquet`` of both files + ``drift.feature_drift``.

Prints ``duckdb.__version__``, the cores, the load average at start and end, and a Markdown table: wall
seconds, peak RSS, and our time ÷ floor (the floor and ours run ``--repeat`` times, alternated, and the
fastest run of each is kept: the machine is shared).

The data: continuous columns (10M distinct values: the hardest case for exact counts), prices with two
decimals, integer counts, 1–2 % missing values in some, a shift in three of the current side's numeric
columns and two categorical ones; categorical columns of 3–200 levels.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine, row  # noqa: E402

CACHE = Path("/tmp/drift-scale")
#: Rows written per Parquet row group (and generated per step).
CHUNK = 1_000_000
N_NUMERIC, N_CATEGORICAL = 15, 5
LEVELS = (3, 8, 20, 50, 200)


def numeric_names() -> list[str]:
    return [f"num_{i:02d}" for i in range(N_NUMERIC)]


def categorical_names() -> list[str]:
    return [f"cat_{i}" for i in range(N_CATEGORICAL)]


def _chunk(rng: np.random.Generator, n: int, current: bool) -> dict:
    """One chunk of a side: columns 0–4 continuous, 5–9 prices (2 decimals), 10–14 counts; the current
    side shifts columns 0, 5, 10 and the first two categorical columns."""
    shift = 1.0 if current else 0.0
    cols: dict = {}
    for i in range(5):
        x = rng.normal(0.2 * shift * (i == 0), 1 + i * 0.5, n)
        if i in (3, 4):
            x[rng.random(n) < 0.01 * (i - 2)] = np.nan
        cols[f"num_{i:02d}"] = x
    for i in range(5, 10):
        cols[f"num_{i:02d}"] = np.round(rng.lognormal(3 + 0.1 * shift * (i == 5), 0.6, n), 2)
    for i in range(10, 15):
        x = rng.poisson(2 + i - 10 + 0.5 * shift * (i == 10), n).astype(np.float64)
        if i == 14:
            x[rng.random(n) < 0.02] = np.nan
        cols[f"num_{i:02d}"] = x
    for j, k in enumerate(LEVELS):
        p = np.linspace(1, 2 + shift * (j < 2), k)
        codes = rng.choice(k, n, p=p / p.sum())
        cols[f"cat_{j}"] = np.array([f"L{j}_{c:03d}" for c in range(k)], dtype=object)[codes]
    return cols


def write_side(path: Path, rows: int, seed: int, current: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng([seed, int(current)])
    tmp = path.with_suffix(".tmp")
    writer = None
    for start in range(0, rows, CHUNK):
        table = pa.table(_chunk(rng, min(CHUNK, rows - start), current))
        writer = writer or pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table)
    writer.close()
    tmp.rename(path)


def data(rows: int, seed: int) -> tuple[Path, Path]:
    CACHE.mkdir(parents=True, exist_ok=True)
    out = []
    for side in ("ref", "cur"):
        path = CACHE / f"{side}_seed{seed}_{rows}.parquet"
        if not path.exists():
            t0 = time.perf_counter()
            write_side(path, rows, seed, side == "cur")
            print(f"wrote {path} ({path.stat().st_size / 2**20:,.0f} MB, {time.perf_counter() - t0:.0f} s)",
                  file=sys.stderr)
        out.append(path)
    return out[0], out[1]


# ------------------------------------------------------------------------------- measured, in a child
def run_ours(ref: str, cur: str, memory: str, threads: int) -> dict:
    import drift

    t0 = time.perf_counter()
    table = drift.feature_drift(ref, cur, engine="duckdb", engine_settings=drift.EngineSettings(memory,
                                                                                               threads=threads))
    return {"seconds": time.perf_counter() - t0, "features": len(table),
            "drifted": int(table["drifted"].sum())}


def run_floor(ref: str, cur: str, memory: str, threads: int) -> dict:
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory, "threads": threads})
    t0 = time.perf_counter()
    for path in (ref, cur):
        src = f"read_parquet('{path}')"
        for c in numeric_names():
            con.execute(f"""SELECT max(cs) FROM (
                                SELECT sum(n) OVER (ORDER BY v ROWS UNBOUNDED PRECEDING) AS cs
                                FROM (SELECT {c} AS v, count(*) AS n FROM {src} WHERE {c} IS NOT NULL
                                      GROUP BY 1))""").fetchall()
        for c in categorical_names():
            con.execute(f"SELECT {c}, count(*) FROM {src} GROUP BY 1").fetchall()
    return {"seconds": time.perf_counter() - t0}


def run_pandas(ref: str, cur: str, memory: str, threads: int) -> dict:
    import pandas as pd

    import drift

    t0 = time.perf_counter()
    table = drift.feature_drift(pd.read_parquet(ref), pd.read_parquet(cur))
    return {"seconds": time.perf_counter() - t0, "features": len(table),
            "drifted": int(table["drifted"].sum())}


RUNS = {"ours": run_ours, "floor": run_floor, "pandas": run_pandas}


def measure_child(what: str, ref: Path, cur: Path, args: argparse.Namespace) -> dict:
    """Run ``what`` in a subprocess: its result, process wall time and peak RSS (``os.wait4``)."""
    cmd = [sys.executable, __file__, "--child", what, "--memory-limit", args.memory_limit, "--threads",
           str(args.threads), str(ref), str(cur)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode:
        return {"error": f"exit {proc.returncode}", "process_seconds": wall,
                "peak_mb": usage.ru_maxrss / 1024}
    result = json.loads(out.strip().splitlines()[-1])
    return {**result, "process_seconds": wall, "peak_mb": usage.ru_maxrss / 1024}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--memory-limit", default="2GB")
    p.add_argument("--pandas-max-rows", type=int, default=10_000_000)
    p.add_argument("--no-pandas", action="store_true")
    p.add_argument("--repeat", type=int, default=2, help="runs of the floor and of ours (fastest kept)")
    p.add_argument("--child", choices=sorted(RUNS), help=argparse.SUPPRESS)
    p.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(RUNS[args.child](*args.paths, args.memory_limit, args.threads)))
        return
    import duckdb

    ref, cur = data(args.rows, args.seed)
    load_start = os.getloadavg()
    plan = ["floor", "ours"] + ([] if args.no_pandas or args.rows > args.pandas_max_rows else ["pandas"])
    results: dict = {}
    for _ in range(args.repeat):  # alternated; the fastest run of each is kept (the machine is shared)
        for what in plan:
            r = measure_child(what, ref, cur, args)
            best = results.get(what, {}).get("seconds", float("inf"))
            if what not in results or r.get("seconds", float("inf")) < best:
                results[what] = r
            if what == "pandas":
                plan = [w for w in plan if w != "pandas"]  # once: minutes, and its RSS is the point
    load_end = os.getloadavg()
    floor = results["floor"].get("seconds")
    print(f"# bench/scale.py: {args.rows:,} rows x {N_NUMERIC + N_CATEGORICAL} columns "
          f"({N_NUMERIC} numeric, {N_CATEGORICAL} categorical) per side, seed {args.seed}")
    print(f"machine: {machine()}")
    print(f"duckdb {duckdb.__version__}; cores {os.cpu_count()}; DuckDB threads {args.threads}, memory limit "
          f"{args.memory_limit}")
    print(f"load average at start {' '.join(f'{x:.2f}' for x in load_start)}; at end "
          f"{' '.join(f'{x:.2f}' for x in load_end)}")
    print(f"files: {ref.stat().st_size / 2**20:,.0f} MB + {cur.stat().st_size / 2**20:,.0f} MB Parquet; "
          f"fastest of {args.repeat} alternated runs of the floor and of ours, pandas once")
    print()
    print(row("what", "wall s (in process)", "process wall s", "peak RSS MB", "÷ floor"))
    print(row(*["---"] * 5))
    labels = {"floor": "DuckDB floor (ordered value counts + group-bys)",
              "ours": "drift.feature_drift(engine='duckdb')",
              "pandas": "pandas: read_parquet + feature_drift"}
    for what, r in results.items():
        if "error" in r:
            print(row(labels[what], r["error"], f"{r['process_seconds']:.1f}", f"{r['peak_mb']:,.0f}", ""))
            continue
        ratio = f"{r['seconds'] / floor:.2f}" if floor else ""
        print(row(labels[what], f"{r['seconds']:.1f}", f"{r['process_seconds']:.1f}", f"{r['peak_mb']:,.0f}",
                  ratio))
    if "ours" in results and "features" in results["ours"]:
        print(f"\nfeatures {results['ours']['features']}, drifted {results['ours']['drifted']}"
              + (f" (pandas: {results['pandas']['drifted']})" if "drifted" in results.get("pandas", {})
                 else ""))


if __name__ == "__main__":
    main()
