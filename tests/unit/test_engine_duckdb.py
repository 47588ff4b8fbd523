"""engine="duckdb": the feature table equals the pandas path's on data that fits in memory, from files,
globs, relations, tables and saved profiles; bad input through the engine names the file, the column and
the fix."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import drift
from drift.core.errors import (
    ColumnMismatchError,
    DriftInputError,
    DriftParameterError,
    InfiniteValuesError,
    MixedTypeError,
)
from drift.data.engines import counts as cnt
from drift.data.engines.profile import load_profile
from drift.data.engines.settings import EngineSettings
from drift.data.engines.sources import Source
from drift.diagnosis.readings import movement_positions, numeric_movement
from drift.stats.binning import quantile_edges, quantile_levels
from drift.stats.samples import quantile_positions, sort_sample
from tests.unit.test_features_equality import CASES, mixed_frames

#: Float columns of the table compared to this relative tolerance (sums of many terms in another order).
RTOL = 1e-9
_EXAMPLES = re.compile(r"\(e\.g\. [^)]*\)")


def assert_same_table(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    """Every column of two feature tables equal (floats to RTOL); the examples quoted in a finding may
    differ in order among levels of equal count (module docstring of drift.diagnosis.engine_drift)."""
    assert list(got.columns) == list(expected.columns)
    a, b = expected.set_index("feature").sort_index(), got.set_index("feature").sort_index()
    assert list(a.index) == list(b.index)
    for col in a.columns:
        x, y = a[col], b[col]
        if x.dtype.kind == "f":
            np.testing.assert_allclose(y.to_numpy(float), x.to_numpy(float), rtol=RTOL, atol=1e-12,
                                       equal_nan=True, err_msg=col)
        else:
            if col == "finding":
                x, y = x.str.replace(_EXAMPLES, "", regex=True), y.str.replace(_EXAMPLES, "", regex=True)
            assert x.astype(str).tolist() == y.astype(str).tolist(), col
    assert [str(p.error) for p in got.attrs["problems"]] == [str(p.error) for p in expected.attrs["problems"]]


@pytest.mark.parametrize("case", list(CASES))
def test_golden_frames_equal_the_pandas_path(case):
    # continuous, tied and point-mass columns, NaN, constants, proxies, every break, unseen categories,
    # churn, an entity column; the "large" pair takes the asymptotic KS p-value
    ref, cur = mixed_frames(*CASES[case])
    assert_same_table(drift.feature_drift(ref, cur), drift.feature_drift(ref, cur, engine="duckdb"))


@pytest.mark.parametrize("setting", [("_PACKED_MAX", 0), ("DENSE_SHARE", 0.0), ("DENSE_SHARE", 2.0)])
def test_every_counting_plan_gives_the_same_table(monkeypatch, setting):
    # above 2**31 values a side the running counts are two window sums instead of one packed sum; every
    # column grouped first (DENSE_SHARE 2) or none (0): the same table, to RTOL (sums in another order)
    ref, cur = mixed_frames(300, 250, 1)
    expected = drift.feature_drift(ref, cur, engine="duckdb")
    monkeypatch.setattr(cnt, *setting)
    assert_same_table(expected, drift.feature_drift(ref, cur, engine="duckdb"))


def edge_frames(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n, m = 400, 350
    ref = pd.DataFrame({
        "ties5": rng.integers(0, 5, n), "ints": rng.integers(-50, 50, n),
        "floats_of_ints": rng.integers(0, 30, n).astype(float),
        "all_nan": np.full(n, np.nan), "constant": np.full(n, 3.0),
        "skewed": np.concatenate([np.zeros(n - 20), rng.exponential(5, 20)]),
        "cat": rng.choice(["a", "b", "c"], n), "flag": rng.random(n) < 0.3,
        "nan_cat": np.where(rng.random(n) < 0.2, None, rng.choice(["x", "y"], n)).astype(object),
    })
    cur = pd.DataFrame({
        "ties5": rng.integers(1, 6, m), "ints": rng.integers(-20, 80, m),
        "floats_of_ints": rng.integers(0, 30, m).astype(float),
        "all_nan": np.full(m, np.nan), "constant": np.full(m, 3.0),
        "skewed": rng.exponential(5, m) + 1000,   # every current value above the reference: empty bins
        "cat": rng.choice(["a", "b", "d", "e"], m), "flag": rng.random(m) < 0.6,
        "nan_cat": np.where(rng.random(m) < 0.5, None, rng.choice(["x", "y", "z"], m)).astype(object),
    })
    return ref, cur


@pytest.mark.parametrize("seed", [0, 1])
def test_edge_cases_equal_the_pandas_path(seed):
    # heavy ties, ints vs floats, an all-NaN column (excluded), a constant column, empty bins, unseen
    # categories, booleans, missing categories
    ref, cur = edge_frames(seed)
    expected = drift.feature_drift(ref, cur)
    assert "all_nan" not in set(expected["feature"]) and expected.attrs["problems"]
    assert_same_table(expected, drift.feature_drift(ref, cur, engine="duckdb"))


def test_one_row_current_and_one_value_side():
    ref, cur = edge_frames(3)
    one = cur.iloc[:1]
    assert_same_table(drift.feature_drift(ref, one), drift.feature_drift(ref, one, engine="duckdb"))


def test_order_statistics_give_numpy_quantile_edges_and_the_movement():
    # the positions fetched are exactly those the edges and the medians/quartiles read (a missing one
    # would raise KeyError), and the edges have numpy.quantile's bits
    rng = np.random.default_rng(5)
    for n in (1, 2, 3, 7, 10, 11, 99, 1000):
        for values in (rng.normal(size=n), rng.integers(0, 3, n).astype(float)):
            s = sort_sample(values)
            for bins in (2, 4, 10, 13):
                pos = set(quantile_positions(n, quantile_levels(bins)).tolist()) | set(movement_positions(n))
                view = cnt.CountedSample(cnt.OrderStatistics(n, {k: s.values[k] for k in pos}), 0)
                np.testing.assert_array_equal(quantile_edges(view, bins), quantile_edges(s, bins))
                np.testing.assert_array_equal(np.quantile(s.values, np.arange(1, bins) / bins),
                                              np.quantile(s.values, list(quantile_levels(bins))))
                assert numeric_movement(view.values, view.values) == numeric_movement(s.values, s.values)


def test_csv_path_and_parquet_glob_of_three_files(tmp_path):
    ref, cur = mixed_frames(300, 250, 1)
    cur = cur.drop(columns=["flag"], errors="ignore")
    ref.to_csv(tmp_path / "ref.csv", index=False)
    parts = np.array_split(np.arange(len(cur)), 3)
    for i, rows in enumerate(parts):
        cur.iloc[rows].to_parquet(tmp_path / f"cur_{i}.parquet", index=False)
    ref_read = drift.load_table(tmp_path / "ref.csv")
    cur_read = pd.concat([pd.read_parquet(tmp_path / f"cur_{i}.parquet") for i in range(3)],
                         ignore_index=True)
    expected = drift.feature_drift(ref_read, cur_read)
    got = drift.feature_drift(str(tmp_path / "ref.csv"), str(tmp_path / "cur_*.parquet"))  # engine: duckdb
    assert got.attrs["engine"] == "duckdb"
    expected.attrs["problems"] = [p for p in expected.attrs["problems"] if p.action == "excluded"]
    got.attrs["problems"] = [p for p in got.attrs["problems"] if p.action == "excluded"]
    for p in (*expected.attrs["problems"], *got.attrs["problems"]):  # file names differ: compare columns
        object.__setattr__(p.error, "args", (p.column,))
    assert_same_table(expected, got)


def test_relation_and_table_name_of_a_connection():
    ref, cur = edge_frames(4)
    con = duckdb.connect()
    con.register("ref_df", ref)
    con.execute("CREATE TABLE cur_t AS SELECT * FROM cur")
    expected = drift.feature_drift(ref, cur)
    got = drift.feature_drift(con.sql("SELECT * FROM ref_df"), "cur_t", connection=con)
    expected.attrs["problems"] = got.attrs["problems"] = []
    cols = ["feature", "statistic", "pvalue", "psi", "wasserstein_norm", "js", "missing_ref", "missing_cur"]
    pd.testing.assert_frame_equal(got[cols].sort_values("feature").reset_index(drop=True),
                                  expected[cols].sort_values("feature").reset_index(drop=True), rtol=RTOL)


def test_saved_profile_reloads_to_identical_results(tmp_path):
    ref, cur = mixed_frames(300, 250, 1)
    ref.to_parquet(tmp_path / "ref.parquet", index=False)
    cur.to_parquet(tmp_path / "cur.parquet", index=False)
    profile = drift.profile_reference(str(tmp_path / "ref.parquet"))
    saved = profile.save(tmp_path / "profile")
    assert sorted(p.name for p in saved.iterdir())[-1] == "sample.parquet"
    assert not any(p.suffix == ".pkl" for p in saved.iterdir())
    loaded = load_profile(saved)
    first = drift.feature_drift(profile, str(tmp_path / "cur.parquet"))
    again = drift.feature_drift(loaded, str(tmp_path / "cur.parquet"), engine="duckdb")
    pd.testing.assert_frame_equal(first, again)
    expected = drift.feature_drift(str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"))
    assert_same_table(expected.assign(note=expected["note"]), first)
    # the manifest's edges are those of the pandas profile
    pandas_profile = drift.profile_reference(pd.read_parquet(tmp_path / "ref.parquet"))
    edges = {f.name: f.edges for f in pandas_profile.features if f.kind == "numeric"}
    for f in loaded.features:
        if f.kind == "numeric":
            np.testing.assert_array_equal(np.asarray(f.edges), edges[f.name])


def test_a_temporary_profile_leaves_no_directory_behind(tmp_path):
    """Made without ``path``, the profile's files live in a temporary directory removed with the object;
    one made with ``path`` stays."""
    import gc

    ref, _ = mixed_frames(300, 250, 2)
    ref.to_parquet(tmp_path / "ref.parquet", index=False)
    profile = drift.profile_reference(str(tmp_path / "ref.parquet"))
    temporary = Path(profile.directory)
    assert (temporary / "manifest.json").is_file()
    kept = drift.profile_reference(str(tmp_path / "ref.parquet"), path=str(tmp_path / "kept"))
    del profile, kept
    gc.collect()
    assert not temporary.exists() and (tmp_path / "kept" / "manifest.json").is_file()


def test_sampled_sides_say_so(monkeypatch):
    ref, cur = mixed_frames(300, 300, 0)
    monkeypatch.setattr(cnt, "SAMPLE_ROWS", 120)
    table = drift.feature_drift(ref, cur, engine="duckdb").set_index("feature")
    said = "row sample of 120 from 300 reference and 120 from 300 current rows"
    assert said in table.loc["num_shift", "note"]
    quiet = table[(table["kind"] == "categorical") | (table["statistic"] < 0.02)]
    assert len(quiet) and not quiet["note"].str.contains("sample").any()  # no row reading: no sample
    exact = drift.feature_drift(ref, cur).set_index("feature")
    assert table.loc["num_shift", "statistic"] == exact.loc["num_shift", "statistic"]  # counts stay exact


def test_inf_is_rejected_with_the_pandas_wording(tmp_path):
    ref, cur = edge_frames(0)
    cur = cur.astype({"ints": float})
    cur.loc[3, "ints"] = np.inf
    with pytest.raises(InfiniteValuesError) as pandas_err:
        drift.feature_drift(ref, cur, on_invalid="raise")
    with pytest.raises(InfiniteValuesError) as duck_err:
        drift.feature_drift(ref, cur, on_invalid="raise", engine="duckdb")
    assert str(duck_err.value) == str(pandas_err.value)
    ref.to_parquet(tmp_path / "r.parquet", index=False)
    cur.to_parquet(tmp_path / "c.parquet", index=False)
    with pytest.raises(InfiniteValuesError) as file_err:  # from the exact counts, same words
        drift.feature_drift(str(tmp_path / "r.parquet"), str(tmp_path / "c.parquet"), on_invalid="raise")
    named = str(file_err.value).replace(str(tmp_path / "c.parquet"), "current")
    assert named.replace(str(tmp_path / "r.parquet"), "reference") == str(pandas_err.value)


# ------------------------------------------------------------------------------------------ bad input
def test_missing_file_names_it(tmp_path):
    with pytest.raises(DriftInputError, match=r"nope\.parquet.*does not exist.*Fix: check the path"):
        drift.feature_drift(str(tmp_path / "nope.parquet"), str(tmp_path / "nope.parquet"))


def test_glob_matching_nothing(tmp_path):
    with pytest.raises(DriftInputError, match=r"matches no file.*Fix: check the directory and the pattern"):
        drift.feature_drift(str(tmp_path / "*.parquet"), str(tmp_path / "x*.csv"), engine="duckdb")


def test_column_absent_from_some_files(tmp_path):
    pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]}).to_parquet(tmp_path / "p1.parquet")
    pd.DataFrame({"a": [3.0]}).to_parquet(tmp_path / "p2.parquet")
    with pytest.raises(ColumnMismatchError) as err:
        drift.feature_drift(str(tmp_path / "p*.parquet"), str(tmp_path / "p1.parquet"))
    assert err.value.file.endswith("p2.parquet") and err.value.column == "b" and "Fix:" in str(err.value)


def test_type_differs_between_files(tmp_path):
    pd.DataFrame({"a": [1.0, 2.0]}).to_csv(tmp_path / "f1.csv", index=False)
    pd.DataFrame({"a": ["x", "y"]}).to_csv(tmp_path / "f2.csv", index=False)
    with pytest.raises(MixedTypeError) as err:
        drift.feature_drift(str(tmp_path / "f1.csv"), str(tmp_path / "f*.csv"))
    assert err.value.file.endswith("f2.csv") and err.value.column == "a" and "Fix:" in str(err.value)
    assert "text here but numbers in f1.csv" in str(err.value)


def test_engine_none_picks_pandas_for_dataframes_and_duckdb_for_the_rest(tmp_path):
    ref, cur = edge_frames(0)
    assert isinstance(drift.profile_reference(ref), drift.ReferenceProfile)
    assert "engine" not in drift.feature_drift(ref, cur).attrs
    ref.to_parquet(tmp_path / "r.parquet")
    assert isinstance(drift.profile_reference(str(tmp_path / "r.parquet")), drift.EngineProfile)
    assert drift.feature_drift(ref, str(tmp_path / "r.parquet")).attrs["engine"] == "duckdb"


def test_unknown_engine_name():
    ref, cur = edge_frames(0)
    with pytest.raises(DriftParameterError, match="The 'engine' parameter of feature_drift must be one of"):
        drift.feature_drift(ref, cur, engine="spark")


def test_settings_are_checked():
    with pytest.raises(DriftParameterError, match="memory_limit"):
        EngineSettings(memory_limit="lots")
    with pytest.raises(DriftParameterError, match="threads"):
        EngineSettings(threads=0)
    assert EngineSettings("512MB", threads=1).config() == {"memory_limit": "512MB", "threads": 1}


def test_source_reads_metadata_only(tmp_path):
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_parquet(tmp_path / "s.parquet")
    src = Source.open(str(tmp_path / "s.parquet"), duckdb.connect())
    assert src.columns == ("a", "b") and src.types == ("BIGINT", "VARCHAR")
