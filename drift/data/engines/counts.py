"""Exact counting in DuckDB: the small results every drift statistic is scored from.

Nothing here collects a column to Python.  Per side, one pass gives every numeric column's values, ±inf
values and sum (:func:`numeric_facts`) and one ``GROUP BY GROUPING SETS`` pass every categorical column's
counts (:func:`category_counts`).  Per numeric column, :func:`cdf_summary` runs one pipeline: both sides'
**counts per distinct value** (one group-by over the two columns), a window ordered by value giving the
running counts ``ca, cb``, and one aggregate reading

* the KS statistic ``D = max |ca/n − cb/m|`` and the raw Wasserstein-1 distance (the two empirical CDFs
  merged in value order, as :func:`drift.stats.samples.compare_sorted` merges the sorted arrays: the same
  CDF gaps);
* order statistics by position: the value at sorted position ``k`` is the smallest ``v`` with ``ca > k``.
  The positions are those :func:`drift.stats.samples.sorted_quantiles` (the PSI edges) and
  :func:`drift.diagnosis.readings.numeric_movement` (median, quartiles) read, so the edges come out with the
  bits of ``numpy.quantile`` on the sorted sample (:class:`OrderStatistics` stands in for the array).

Then :func:`bin_counts` reads each side's column once more, without sorting, for its counts on the edges
(``v < e``: a value equal to an edge falls in the bin above it, ``searchsorted(side="right")``) and the
reference's squared deviations from its mean (its population standard deviation, two passes as NumPy).

Row-level readings (break signatures, split proxies, unit hints) need rows: :func:`row_sample` draws a
seeded uniform sample (reservoir sampling, ``REPEATABLE(seed)``; DuckDB repeats it exactly when it runs on
one thread), or every row, in file order, when the side has at most the sample's size.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.data.engines.sources import Source, insertion_order, quote
from drift.stats.samples import SortedSample

#: Rows per side that row-level readings look at (all of them up to this size).
SAMPLE_ROWS = 100_000
#: Seed of the reservoir sample.
SAMPLE_SEED = 0
_tables = itertools.count()
#: Running counts packed in one BIGINT window sum (``a·2³² + b``) below this many values a side.
_PACKED_MAX = 2**31
_LOW_BITS = 2**32 - 1
#: A column whose first rows are at least this share distinct values is counted without grouping
#: (:func:`cdf_summary`'s raw plan: grouping mostly distinct values only copies them).
DENSE_SHARE = 0.5
_WINDOW = "WINDOW w AS (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"


@dataclass(frozen=True, slots=True)
class OrderStatistics:
    """The values at some positions of ``n`` sorted values, indexed like the sorted array itself (``x[k]``,
    ``x[-1]``, ``x[array]``, ``len(x)``, ``x.shape``): code written for a sorted NumPy array reads them
    unchanged.  Reading a position that was not fetched is a bug (``KeyError``)."""

    n: int
    at: dict

    @property
    def shape(self) -> tuple[int]:
        return (self.n,)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, key):
        if isinstance(key, np.ndarray | list | tuple):
            return np.array([self[int(k)] for k in key], dtype=np.float64)
        k = int(key)
        return self.at[k + self.n if k < 0 else k]


@dataclass(frozen=True, slots=True)
class CountedSample:
    """A numeric column counted by the engine: the parts of a
    :class:`~drift.stats.samples.SortedSample` that the scoring functions read (``n``, ``n_missing``,
    ``n_total``, ``std``, and ``values`` at the positions fetched)."""

    values: OrderStatistics
    n_missing: int
    std: float = float("nan")

    @property
    def n(self) -> int:
        return self.values.n

    @property
    def n_total(self) -> int:
        return self.n + self.n_missing


@dataclass(frozen=True, slots=True)
class NumericFacts:
    """One numeric column of one side: rows, non-missing values, ±inf values."""

    n_rows: int
    n_valid: int
    n_inf: int
    total: float = 0.0            # sum of the non-missing values

    @property
    def n_missing(self) -> int:
        return self.n_rows - self.n_valid


def as_double(column: str) -> str:
    return f"CAST({quote(column)} AS DOUBLE)"


def valid(expr: str) -> str:
    """SQL: the value is not missing (neither NULL nor NaN; ``isnan(NULL)`` is NULL, which a ``WHERE``
    drops)."""
    return f"NOT isnan({expr})"


def present(expr: str) -> str:
    """SQL: the value, NaN turned into NULL (which ``count`` and ``sum`` skip; DuckDB's NaN equals
    itself)."""
    return f"nullif({expr}, 'NaN'::DOUBLE)"


def numeric_facts(con, source: Source, columns: list) -> tuple[int, dict[str, NumericFacts]]:
    """Rows of ``source`` and, in the same pass, the :class:`NumericFacts` of each numeric column."""
    parts = ["count(*)"]
    for c in columns:
        x = as_double(c)
        parts += [f"count({present(x)})", f"sum(isinf({x})::INTEGER)", f"sum({present(x)})"]
    row = con.execute(f"SELECT {', '.join(parts)} FROM {source.view}").fetchone()
    n = int(row[0])
    return n, {c: NumericFacts(n, int(row[1 + 3 * i]), int(row[2 + 3 * i] or 0), float(row[3 + 3 * i] or 0.0))
               for i, c in enumerate(columns)}


def rows_sql(source: Source, column: str) -> str:
    """SQL of one numeric column's non-missing values as counts of one (``v, c = 1``): what
    :func:`cdf_summary` groups, one pass for both sides."""
    x = as_double(column)
    return f"SELECT {x} AS v, 1 AS c FROM {source.view} WHERE {valid(x)}"


def value_counts_sql(source: Source, column: str) -> str:
    """SQL of the counts per distinct non-missing value (``v, c``) of one numeric column."""
    return f"SELECT v, count(*) AS c FROM ({rows_sql(source, column)}) GROUP BY v"


def cdf_summary(con, reference_sql: str, current_sql: str, *, n: int, m: int, shift: float, ref_positions,
                cur_positions, dense: bool = False) -> tuple[float, float, dict, dict]:
    """``D``, the raw Wasserstein-1 distance and the order statistics at the positions of both sides'
    values (``v, c`` counts: :func:`rows_sql` or a profile's counts; ``n`` / ``m`` values), in one
    pipeline ending in one aggregate; nothing is materialised.

    A window ordered by value gives the running counts ``ca, cb`` (both in one window sum of
    ``a·2³² + b`` while a side has fewer than 2³¹ values).  Two plans, the same numbers:

    * grouped (``dense=False``, few distinct values): both sides' counts per distinct value first (one
      group-by), then the window; the CDF gap after a value is ``g = |ca/n − cb/m|`` and before it
      ``gp`` (the value's own counts taken off), so ``W = Σ g_k·(v_{k+1} − v_k)`` is summed as
      ``Σ (v_k − shift)·(gp_k − g_k)`` (summation by parts: no neighbouring row needed; the gaps'
      differences sum to 0, so any ``shift`` gives the same sum, and the reference's mean keeps its terms
      small);
    * raw (``dense=True``, mostly distinct values, where a group-by would only copy the rows): the window
      runs over the rows themselves with ``lead(v)``, and only the last row of each run of equal values
      (``lead(v) ≠ v``) is read, once every copy of the value is counted on both sides.
    """
    packed = max(n, m) < _PACKED_MAX
    if dense:  # a: the reference's counts, packed high when one window sums both
        rows = (f"SELECT v, c{f' * {_LOW_BITS + 1}' if packed else ''} AS a, 0 AS b FROM ({reference_sql}) "
                f"UNION ALL SELECT v, 0 AS a, c AS b FROM ({current_sql})")
        sums, extra = ("a + b", ", lead(v) OVER w AS nv")
        reads = ["max(g) FILTER (WHERE nv IS DISTINCT FROM v)", "sum(g * (nv - v)) FILTER (WHERE nv > v)"]
        params = {}
    else:
        rows = (f"SELECT v, coalesce(sum(c) FILTER (WHERE s = 0), 0)::BIGINT AS a, "
                f"coalesce(sum(c) FILTER (WHERE s = 1), 0)::BIGINT AS b "
                f"FROM (SELECT v, c, 0 AS s FROM ({reference_sql}) "
                f"UNION ALL SELECT v, c, 1 AS s FROM ({current_sql})) GROUP BY v")
        sums, extra = (f"a * {_LOW_BITS + 1} + b", ", NULL::DOUBLE AS nv")
        reads = ["max(g)", "sum((v - $shift) * (gp - g))"]
        params = {"shift": shift}
    if packed:
        running = (f"SELECT v, nv, a, b, cab >> 32 AS ca, cab & {_LOW_BITS} AS cb FROM (SELECT v, a, b, "
                   f"sum({sums}) OVER w AS cab{extra} FROM ({rows}) {_WINDOW})")
    else:
        running = f"SELECT v, a, b, sum(a) OVER w AS ca, sum(b) OVER w AS cb{extra} FROM ({rows}) {_WINDOW}"
    parts = reads + [f"min(v) FILTER (WHERE ca > {int(k)})" for k in ref_positions]
    parts += [f"min(v) FILTER (WHERE cb > {int(k)})" for k in cur_positions]
    gaps = "abs(ca::DOUBLE / $n - cb::DOUBLE / $m) AS g" + (
        "" if dense else ", abs((ca - a)::DOUBLE / $n - (cb - b)::DOUBLE / $m) AS gp")
    row = con.execute(f"SELECT {', '.join(parts)} FROM (SELECT v, nv, ca, cb, {gaps} FROM ({running}))",
                      {"n": float(max(n, 1)), "m": float(max(m, 1)), **params}).fetchone()
    k = len(ref_positions)
    ref_at = dict(zip((int(p) for p in ref_positions), row[2:2 + k]))
    cur_at = dict(zip((int(p) for p in cur_positions), row[2 + k:]))
    d = float(row[0]) if n and m else float("nan")
    w = float(row[1] or 0.0) if n and m else float("nan")
    return d, w, ref_at, cur_at


def is_dense(values) -> bool:
    """True when at least :data:`DENSE_SHARE` of the non-missing ``values`` (a column's first rows) are
    distinct."""
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[~np.isnan(arr)]
    return bool(len(arr)) and len(np.unique(arr)) >= DENSE_SHARE * len(arr)


def bin_counts(con, sql: str, edges: np.ndarray, mean: float) -> tuple[np.ndarray, float]:
    """Counts of one side's values (``v, c``) per left-closed bin of ``edges`` (a value equal to an edge
    in the bin above it, as ``searchsorted(side="right")``) and ``Σ c·(v − mean)²``, in one grouped pass
    over that side's column."""
    case = " ".join(f"WHEN v < $e{i} THEN {i}" for i in range(len(edges)))
    key = f"CASE {case} ELSE {len(edges)} END" if len(edges) else "0"
    params = {"mean": mean, **{f"e{i}": float(e) for i, e in enumerate(edges)}}
    rows = con.execute(f"SELECT {key} AS k, sum(c), sum(c * ((v - $mean) * (v - $mean))) FROM ({sql}) "
                       "GROUP BY k", params).fetchall()
    out = np.zeros(len(edges) + 1, dtype=np.int64)
    for k, n, _ in rows:
        out[k] = int(n or 0)
    return out, float(sum(r[2] or 0.0 for r in rows))


def sorted_values(con, sql: str) -> SortedSample:
    """One side's values (``v, c``) sorted (for small sides only: it collects them)."""
    v, c = con.execute(f"SELECT v, sum(c) FROM ({sql}) GROUP BY v ORDER BY v").fetchnumpy().values()
    return SortedSample(np.repeat(np.asarray(v, dtype=np.float64), np.asarray(c, dtype=np.int64)), 0)


def with_std(sample: CountedSample, squares: float) -> CountedSample:
    """``sample`` with its population standard deviation from ``Σ (v − mean)²``."""
    std = float(np.sqrt(squares / sample.n)) if sample.n else float("nan")
    return dataclasses.replace(sample, std=std)


def category_counts(con, source: Source, columns: list) -> dict[str, tuple[pd.Series, int]]:
    """Counts per category (missing excluded; most frequent first, ties by label) and missing count of
    each column, in one ``GROUPING SETS`` pass over ``source``."""
    if not columns:
        return {}
    cols = [quote(c) for c in columns]
    flags = ", ".join(f"grouping({c})" for c in cols)
    sets = ", ".join(f"({c})" for c in cols)
    rows = con.execute(f"SELECT {flags}, {', '.join(cols)}, count(*) FROM {source.view} "
                   f"GROUP BY GROUPING SETS ({sets})").fetchall()
    k = len(columns)
    found: dict[str, dict] = {c: {} for c in columns}
    missing = dict.fromkeys(columns, 0)
    for row in rows:
        i = row[:k].index(0)
        value, count = row[k + i], int(row[-1])
        if value is None or (isinstance(value, float) and np.isnan(value)):
            missing[columns[i]] += count
        else:
            found[columns[i]][value] = found[columns[i]].get(value, 0) + count
    out = {}
    for c in columns:
        items = sorted(found[c].items(), key=lambda kv: (-kv[1], str(kv[0])))
        series = pd.Series([n for _, n in items], index=pd.Index([v for v, _ in items], dtype=object),
                           dtype=np.int64, name="count")
        out[c] = (series, missing[c])
    return out


def row_sample(con, source: Source, columns: list, n_rows: int, *, size: int | None = None,
               seed: int = SAMPLE_SEED) -> tuple[pd.DataFrame, bool]:
    """``columns`` of every row in file order when the side has at most ``size`` rows (default
    :data:`SAMPLE_ROWS`; ``False``: not sampled), else of a seeded reservoir sample of ``size`` rows
    (``True``)."""
    size = SAMPLE_ROWS if size is None else size
    select = ", ".join(f"{as_double(c)} AS {quote(c)}" for c in columns)
    if n_rows <= size:
        with insertion_order(con, True):
            return con.execute(f"SELECT {select} FROM {source.view}").df(), False
    return con.execute(f"SELECT {select} FROM {source.view} USING SAMPLE reservoir({int(size)} ROWS) "
                   f"REPEATABLE ({int(seed)})").df(), True
