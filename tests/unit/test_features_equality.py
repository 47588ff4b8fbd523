"""feature_drift gives the same numbers, to the last bit, as the snapshot taken before the wide-frame work.

The snapshot (``tests/unit/golden/*.parquet``) was written by the per-feature code of main at 71f225f
(issue 10, before the speed-up); every column of the table — statistics, p-values, corrected p-values,
severity, notes, change, unseen share, issue, proxy, entity, finding — must still be identical.  KS is also
checked against ``scipy.stats.ks_2samp(method="auto")`` directly: the same bits for the exact p-values
(up to 10,000 values per side), 1e-9 relative for the asymptotic ones (see
``drift.stats.univariate.kstwo_sf``).

The frames mix what takes different code paths: continuous, tied and point-mass numeric columns, missing
values (equal and unequal sample sizes, so both of SciPy's exact KS methods run), constant columns,
columns that separate the sides (split proxies), every break signature, categorical shifts, placeholders,
renamed levels, churn and an entity column; a third pair has more than 10,000 rows (asymptotic KS p-values).

The snapshot depends on the NumPy / SciPy / pandas versions (and the machine's vectorised ``log``) only
through their arithmetic; if an upgrade changes a last digit, regenerate it with
``python tests/unit/test_features_equality.py`` *on the code before the change under test* and review the
diff.  A change of a rule changes the snapshot on purpose: regenerate it in the same commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import drift  # noqa: E402
from drift import feature_detail, feature_drift, profile_reference  # noqa: E402
from drift.stats.univariate import KS_EXACT_MAX_N  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = {"equal": (300, 300, 0), "unequal": (300, 250, 1), "large": (12_000, 11_000, 2)}


def mixed_frames(n_ref: int, n_cur: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two frames whose columns exercise every path of feature_drift (see the module docstring)."""
    rng = np.random.default_rng(seed)
    ref: dict = {}
    cur: dict = {}

    def both(name, make_ref, make_cur):
        ref[name], cur[name] = make_ref(n_ref), make_cur(n_cur)

    def with_nan(x, share):
        x = x.astype(float)
        x[rng.random(len(x)) < share] = np.nan
        return x

    both("num_same", lambda n: rng.normal(0, 1, n), lambda n: rng.normal(0, 1, n))
    both("num_shift", lambda n: rng.normal(0, 1, n), lambda n: rng.normal(0.3, 1, n))
    both("num_wider", lambda n: rng.normal(0, 1, n), lambda n: rng.normal(0, 1.6, n))
    both("num_nan", lambda n: with_nan(rng.normal(5, 2, n), 0.1),
         lambda n: with_nan(rng.normal(5, 2, n), 0.1))
    both("num_burst", lambda n: with_nan(rng.gamma(2, 3, n), 0.03),
         lambda n: with_nan(rng.gamma(2, 3, n), 0.4))
    both("ties", lambda n: rng.poisson(3, n).astype(float), lambda n: rng.poisson(3, n).astype(float))
    both("ties_shift", lambda n: rng.poisson(3, n), lambda n: rng.poisson(4, n))
    both("zeros", lambda n: np.where(rng.random(n) < 0.9, 0.0, rng.exponential(2, n)),
         lambda n: np.where(rng.random(n) < 0.7, 0.0, rng.exponential(2, n)))
    both("constant", lambda n: np.full(n, 7.0), lambda n: np.full(n, 7.0))
    both("const_ref", lambda n: np.full(n, 1.5), lambda n: rng.normal(1.5, 0.1, n))
    both("separated", lambda n: rng.normal(0, 1, n), lambda n: rng.normal(12, 1, n))
    both("serial", lambda n: np.arange(n) * 3, lambda n: 10 * n_ref + np.arange(n) * 3)
    both("position", lambda n: np.sort(rng.uniform(0, 1, n)), lambda n: np.sort(rng.uniform(2, 3, n)))
    both("yyyymm", lambda n: rng.choice([202301, 202302, 202303], n),
         lambda n: rng.choice([202401, 202402], n))
    both("week_no", lambda n: rng.uniform(0, 1, n), lambda n: rng.uniform(5, 6, n))
    both("income", lambda n: rng.lognormal(10, 0.5, n), lambda n: 1000 * rng.lognormal(10, 0.5, n))
    both("sentinel", lambda n: rng.uniform(1, 50, n),
         lambda n: np.where(rng.random(n) < 0.06, -999.0, rng.uniform(1, 50, n)))
    both("stuck", lambda n: rng.normal(20, 4, n), lambda n: np.where(rng.random(n) < 0.25, 20.5,
                                                                     rng.normal(20, 4, n)))
    both("sparse_cur", lambda n: rng.normal(0, 1, n),
         lambda n: np.where(np.arange(n) == 0, 0.5, np.nan))
    levels = np.array(["north", "south", "east", "west"])
    both("cat_same", lambda n: rng.choice(levels, n, p=[0.4, 0.3, 0.2, 0.1]),
         lambda n: rng.choice(levels, n, p=[0.4, 0.3, 0.2, 0.1]))
    both("cat_shift", lambda n: rng.choice(levels, n, p=[0.4, 0.3, 0.2, 0.1]),
         lambda n: rng.choice(levels, n, p=[0.1, 0.2, 0.3, 0.4]))
    both("cat_nan", lambda n: np.where(rng.random(n) < 0.1, None, rng.choice(levels[:3], n)).astype(object),
         lambda n: np.where(rng.random(n) < 0.2, None, rng.choice(levels[:3], n)).astype(object))
    both("cat_placeholder", lambda n: rng.choice(["a", "b", "c"], n),
         lambda n: np.where(rng.random(n) < 0.1, "unknown", rng.choice(["a", "b", "c"], n)))
    both("sex", lambda n: rng.choice(["M", "F"], n), lambda n: rng.choice(["male", "female"], n))
    both("agent", lambda n: rng.choice([f"agent_{i}" for i in range(40)], n),
         lambda n: rng.choice([f"agent_{i}" for i in range(25, 70)], n))
    both("cohort", lambda n: rng.choice(["2023-01-01", "2023-02-01"], n),
         lambda n: rng.choice(["2024-01-01", "2024-02-01"], n))
    both("store", lambda n: rng.choice([f"s{i}" for i in range(30)], n),
         lambda n: rng.choice([f"s{i}" for i in range(30, 60)], n))
    both("plan", lambda n: np.full(n, "basic"), lambda n: np.full(n, "premium"))
    both("cat_rare", lambda n: rng.choice(["x", "y", "z", "w"], n, p=[0.97, 0.01, 0.01, 0.01]),
         lambda n: rng.choice(["x", "y", "v"], n, p=[0.9, 0.05, 0.05]))
    both("customer", lambda n: rng.choice([f"name {i}" for i in range(n)], n),     # an entity column
         lambda n: rng.choice([f"name {i}" for i in range(n // 2, 2 * n)], n))
    return pd.DataFrame(ref), pd.DataFrame(cur)


def _attrs(table: pd.DataFrame) -> pd.DataFrame:
    """The table's attrs as text: settings, split proxies and each problem with its error type."""
    a = table.attrs
    rows = [("settings", f"alpha={a['alpha']} correction={a['correction']} bins={a['bins']}"),
            *(("split_proxy", str(f)) for f in a["split_proxies"]),
            *(("entity_column", str(f)) for f in a["entity_columns"]),
            *(("problem", f"{p.column}: {type(p.error).__name__}: {p.error} ({p.action})")
              for p in a["problems"])]
    return pd.DataFrame(rows, columns=["attr", "value"])


def _snapshot(case: str) -> dict[str, pd.DataFrame]:
    """The table, the PSI bin tables and the readings of every feature of one case."""
    ref, cur = mixed_frames(*CASES[case])
    table = feature_drift(ref, cur)
    bins, readings = [], []
    for row in table.itertuples(index=False):
        detail = feature_detail(ref[row.feature], cur[row.feature], kind=row.kind, name=row.feature)
        bins.append(detail.psi.table.assign(feature=row.feature))
        readings += [(row.feature, key, text) for key, text in detail.readings.items()]
    return {"table": table, "attrs": _attrs(table), "bins": pd.concat(bins, ignore_index=True),
            "readings": pd.DataFrame(readings, columns=["feature", "key", "text"])}


def _path(case: str, part: str) -> Path:
    return GOLDEN / f"feature_drift_{case}_{part}.parquet"


def write_golden() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for case in CASES:
        for part, frame in _snapshot(case).items():
            frame = frame.copy()
            frame.attrs = {}
            frame.to_parquet(_path(case, part), index=False)


def _golden(case: str, part: str) -> pd.DataFrame:
    return pd.read_parquet(_path(case, part))


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    return request.param, _snapshot(request.param)


def test_the_table_is_identical_to_the_snapshot(case):
    name, snap = case
    pd.testing.assert_frame_equal(snap["table"], _golden(name, "table"), check_exact=True)
    pd.testing.assert_frame_equal(snap["attrs"], _golden(name, "attrs"), check_exact=True)


def test_psi_bin_tables_and_readings_are_identical_to_the_snapshot(case):
    name, snap = case
    pd.testing.assert_frame_equal(snap["bins"], _golden(name, "bins"), check_exact=True)
    pd.testing.assert_frame_equal(snap["readings"], _golden(name, "readings"), check_exact=True)


def test_ks_is_scipy_ks_2samp_auto_to_the_last_bit(case):
    name, snap = case
    ref, cur = mixed_frames(*CASES[name])
    numeric = snap["table"][snap["table"]["kind"] == "numeric"]
    assert len(numeric) >= 15
    for row in numeric.itertuples(index=False):
        a = ref[row.feature].dropna().to_numpy(dtype=float)
        b = cur[row.feature].dropna().to_numpy(dtype=float)
        if min(len(a), len(b)) < 2:
            assert np.isnan(row.statistic) and np.isnan(row.pvalue), row.feature
            continue
        res = stats.ks_2samp(a, b, method="auto")
        assert row.statistic == float(res.statistic), row.feature
        if max(len(a), len(b)) <= KS_EXACT_MAX_N:  # SciPy's exact p-value: the same bits
            assert row.pvalue == float(res.pvalue), row.feature
        else:  # Smirnov's asymptotic sum, evaluated in log space (drift.stats.univariate.kstwo_sf)
            assert row.pvalue == pytest.approx(float(res.pvalue), rel=1e-9, abs=1e-300), row.feature


def test_profile_and_single_thread_paths_give_the_same_table(case):
    name, snap = case
    ref, cur = mixed_frames(*CASES[name])
    schema = drift.validate_pair(ref, cur).schema
    expected = snap["table"]
    for table in (feature_drift(profile_reference(ref, schema=schema), cur),
                  feature_drift(ref, cur, schema=schema, n_jobs=1)):
        pd.testing.assert_frame_equal(table, expected, check_exact=True)


def test_block_path_and_column_path_give_the_same_table(case, monkeypatch):
    import drift.diagnosis.features as features

    name, snap = case
    ref, cur = mixed_frames(*CASES[name])
    for threshold in (0, 10**9):  # every frame column by column on threads / every frame block by block
        monkeypatch.setattr(features, "PARALLEL_MIN_ROWS", threshold)
        pd.testing.assert_frame_equal(feature_drift(ref, cur), snap["table"], check_exact=True)


if __name__ == "__main__":
    write_golden()
