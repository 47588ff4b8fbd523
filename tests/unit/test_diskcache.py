"""The disk cache (drift.core.diskcache), the scenario cache on it, and the app's on_disk wrapper.

Every test writes into its own temporary folder.  Equality is checked with pandas' and NumPy's own
assertions, never with the module's ``same``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from drift.core.diskcache import CACHE_DIR_ENV, META_FILE, DiskCache, cache_dir, fingerprint
from drift.core.errors import DriftParameterError
from drift.data.scenarios import load_scenario
from drift.data.scenarios.cache import NAMESPACE, cached_scenario, scenario_cache
from drift.multivariate.mmd import MMDResult

SMALL_CREDIT = {"n_train": 500, "batch_size": 50, "rng": 7}


class Counter:
    """A computation that counts its calls."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def sample_value() -> dict:
    """Every kind of part the cache stores: typed frames with attrs, a series, arrays, odd floats, a
    dataclass."""
    frame = pd.DataFrame({
        "x": [1.5, np.nan, -np.inf],
        "n": np.array([1, 2, 3], dtype=np.int32),
        "city": pd.Categorical(["a", "b", "a"]),
        "name": pd.array(["p", None, "r"], dtype="str"),
        "when": pd.to_datetime(["2025-01-01", "2025-02-01", None]),
        "mixed": pd.Series(["x", 2, None], dtype=object),
    }, index=pd.Index([10, 20, 30], name="row"))
    frame.attrs = {"label_delay": 1, "calendar_features": ("season",)}
    mmd = MMDResult(statistic=0.01, pvalue=0.5, bandwidth=1.0, n_reference=10, n_current=12, subsampled=False,
                    null=np.array([0.1, 0.2, np.nan]), n_permutations=3, note="hand-made")
    return {"frame": frame, "series": pd.Series([1.0, 2.0], name="s"),
            "matrix": np.arange(6.0).reshape(2, 3), "mask": np.array([True, False]), "nan": float("nan"),
            "inf": float("-inf"), "np": np.float32(0.25), "pair": (1, "two"), "list": [None, True],
            "mmd": mmd}


def assert_sample_equal(got: dict, want: dict) -> None:
    assert list(got) == list(want)
    pd.testing.assert_frame_equal(got["frame"], want["frame"], check_exact=True)
    assert got["frame"]["mixed"].dtype == object
    assert got["frame"].attrs == want["frame"].attrs
    assert isinstance(got["frame"].attrs["calendar_features"], tuple)
    pd.testing.assert_series_equal(got["series"], want["series"], check_exact=True)
    for key in ("matrix", "mask"):
        np.testing.assert_array_equal(got[key], want[key])
        assert got[key].dtype == want[key].dtype
    assert np.isnan(got["nan"]) and got["inf"] == -np.inf
    assert type(got["np"]) is np.float32 and got["np"] == want["np"]
    assert got["pair"] == (1, "two") and type(got["pair"]) is tuple and got["list"] == [None, True]
    assert type(got["mmd"]) is MMDResult and got["mmd"].note == "hand-made" and got["mmd"].pvalue == 0.5
    np.testing.assert_array_equal(got["mmd"].null, want["mmd"].null)


def entry_of(cache: DiskCache, namespace: str, params: dict) -> Path:
    return cache.path(namespace, params)


# --- where the cache lives -------------------------------------------------------------------------------
def test_cache_dir_follows_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.setenv(CACHE_DIR_ENV, "off")
    assert cache_dir() is None
    monkeypatch.delenv(CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "drift-explorer"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "drift-explorer"


def test_off_computes_every_time(monkeypatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, "off")
    compute = Counter(1)
    cache = DiskCache(code="c")
    assert cache.get_or_compute("ns", {"seed": 0}, compute) == 1
    assert cache.get_or_compute("ns", {"seed": 0}, compute) == 1
    assert compute.calls == 2


# --- keys --------------------------------------------------------------------------------------------------
def test_key_covers_namespace_parameters_seed_and_code() -> None:
    cache, params = DiskCache("unused", code="code-a"), {"name": "credit", "kwargs": {"rng": 0, "n": 5}}
    base = cache.key("scenarios", params)
    assert base == cache.key("scenarios", {"kwargs": {"n": 5, "rng": 0}, "name": "credit"})  # order-free
    others = {cache.key("scenarios", {"name": "credit", "kwargs": {"rng": 1, "n": 5}}),
              cache.key("scenarios", {"name": "pricing", "kwargs": {"rng": 0, "n": 5}}),
              cache.key("other", {"name": "credit", "kwargs": {"rng": 0, "n": 5}}),
              DiskCache("unused", code="code-b").key("scenarios", params)}
    assert base not in others and len(others) == 4


def test_fingerprint_changes_with_a_source_file(tmp_path) -> None:
    (tmp_path / "pkg").mkdir()
    source = tmp_path / "pkg" / "a.py"
    source.write_text("x = 1\n")
    before = fingerprint(tmp_path / "pkg")
    source.write_text("x = 2\n")
    assert fingerprint(tmp_path / "pkg") == before          # computed once per process (the app's case)
    from drift.core import diskcache

    diskcache._fingerprint.cache_clear()                # a new process
    assert fingerprint(tmp_path / "pkg") != before


# --- round trip -------------------------------------------------------------------------------------------
def test_round_trip_is_exact_and_computes_once(tmp_path) -> None:
    cache = DiskCache(tmp_path, code="c")
    compute = Counter(sample_value())
    first = cache.get_or_compute("ns", {"seed": 3}, compute)
    second = DiskCache(tmp_path, code="c").get_or_compute("ns", {"seed": 3}, compute)
    assert compute.calls == 1
    assert first is compute.value                      # the computed value itself on a miss
    assert_sample_equal(second, compute.value)         # the stored one on a hit, equal part by part
    assert not list(tmp_path.glob("ns/.tmp-*"))        # the atomic write left nothing behind


def test_unstorable_values_are_returned_but_never_written(tmp_path) -> None:
    cache = DiskCache(tmp_path, code="c")
    for i, value in enumerate([{"f": lambda: 1}, {"path": Path("x")}, pd.DataFrame({1: [1.0]}),
                               np.array(["a"], dtype=object)]):
        compute = Counter(value)
        assert cache.get_or_compute("ns", {"i": i}, compute) is value
        assert cache.get_or_compute("ns", {"i": i}, compute) is value
        assert compute.calls == 2
        assert not entry_of(cache, "ns", {"i": i}).exists()


def test_read_only_mappings_and_a_whole_diagnosis_round_trip(tmp_path) -> None:
    """A Schema holds its kinds in a ``MappingProxyType``; a Diagnosis holds a Schema, frames, results and
    nested tuples: both come back equal and of the same types (the app keeps diagnoses of the built-in
    scenarios on disk); a mapping's keys may be numbers (a TaskInfo's classes)."""
    from types import MappingProxyType

    import drift

    gen = np.random.default_rng(0)
    ref = pd.DataFrame({"a": gen.normal(size=300), "b": gen.choice(["x", "y"], 300),
                        "y": gen.integers(0, 2, 300), "p": gen.uniform(size=300)})
    cur = ref.assign(a=ref["a"] + 0.5)
    diagnosis = drift.diagnose(ref, cur, target="y", prediction="p", steps=("inputs", "prediction",
                                                                            "concept", "domain"))
    cache = DiskCache(tmp_path, code="c")
    for i, value in enumerate([drift.infer_schema(ref), diagnosis]):
        compute = Counter(value)
        cache.get_or_compute("ns", {"i": i}, compute)
        back = DiskCache(tmp_path, code="c").get_or_compute("ns", {"i": i}, compute)
        assert compute.calls == 1 and back is not value and type(back) is type(value)
    assert type(back.schema.kinds) is MappingProxyType
    assert dict(back.schema.kinds) == dict(diagnosis.schema.kinds)
    assert back.verdict == diagnosis.verdict and back.to_dict() == diagnosis.to_dict()
    pd.testing.assert_frame_equal(back.feature_table, diagnosis.feature_table, check_exact=True)
    assert back.step("domain").result.auc == diagnosis.step("domain").result.auc
    assert back.task == diagnosis.task and dict(back.task.probability_columns) == {1: "p"}   # int class key
    compute = Counter(MappingProxyType({(1, 2): "a"}))        # a tuple key comes back a tuple
    cache.get_or_compute("ns", {"i": 9}, compute)
    assert DiskCache(tmp_path, code="c").get_or_compute("ns", {"i": 9}, compute) == {(1, 2): "a"}
    assert compute.calls == 1


def test_parameters_that_are_not_json_are_not_cached(tmp_path) -> None:
    cache = DiskCache(tmp_path, code="c")
    compute = Counter(5)
    assert cache.get_or_compute("ns", {"rng": np.random.default_rng(0)}, compute) == 5
    assert cache.get_or_compute("ns", {"rng": np.random.default_rng(0)}, compute) == 5
    assert compute.calls == 2 and not (tmp_path / "ns").exists()


def test_an_unwritable_folder_only_costs_the_computation(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    compute = Counter({"a": 1.0})
    assert DiskCache(blocker, code="c").get_or_compute("ns", {}, compute) == {"a": 1.0}


# --- corruption and staleness --------------------------------------------------------------------------
def stored(tmp_path: Path, value=None) -> tuple[DiskCache, Path, Counter]:
    cache = DiskCache(tmp_path, code="c")
    compute = Counter(sample_value() if value is None else value)
    cache.get_or_compute("ns", {"seed": 1}, compute)
    return cache, entry_of(cache, "ns", {"seed": 1}), compute


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "delete a part", "bad meta", "no meta"])
def test_a_damaged_entry_is_recomputed_and_rewritten(tmp_path, damage: str) -> None:
    cache, where, compute = stored(tmp_path)
    part = sorted(p for p in where.iterdir() if p.name != META_FILE)[0]
    if damage == "flip a byte":
        content = bytearray(part.read_bytes())
        content[len(content) // 2] ^= 0xFF
        part.write_bytes(bytes(content))
    elif damage == "truncate":
        part.write_bytes(part.read_bytes()[:20])
    elif damage == "delete a part":
        part.unlink()
    elif damage == "bad meta":
        (where / META_FILE).write_text("{not json")
    else:
        (where / META_FILE).unlink()
    got = cache.get_or_compute("ns", {"seed": 1}, compute)
    assert compute.calls == 2 and got is compute.value
    assert_sample_equal(cache.get_or_compute("ns", {"seed": 1}, compute), compute.value)
    assert compute.calls == 2                          # rewritten whole: the next read is a hit


def test_an_entry_of_other_parameters_or_code_is_not_trusted(tmp_path) -> None:
    """A stale entry standing at the right place (copied, or left by other code) is recomputed."""
    cache, where, compute = stored(tmp_path, {"v": 1.0})
    meta = json.loads((where / META_FILE).read_text())
    for field, stale in (("params", {"seed": 2}), ("code", "older code"), ("namespace", "other")):
        (where / META_FILE).write_text(json.dumps({**meta, field: stale}))
        calls = compute.calls
        assert cache.get_or_compute("ns", {"seed": 1}, compute) == {"v": 1.0}
        assert compute.calls == calls + 1
        meta = json.loads((where / META_FILE).read_text())


def test_a_class_outside_the_package_is_never_rebuilt(tmp_path) -> None:
    cache, where, compute = stored(tmp_path, {"v": 1.0})
    meta = json.loads((where / META_FILE).read_text())
    for target in ("os:system", "pathlib:Path", "drift.multivariate.mmd:np"):
        meta["value"] = {"$dataclass": target, "fields": {}}
        (where / META_FILE).write_text(json.dumps(meta))
        assert cache.get_or_compute("ns", {"seed": 1}, compute) == {"v": 1.0}
    assert compute.calls == 4


def test_prune_deletes_entries_of_other_code(tmp_path) -> None:
    old = DiskCache(tmp_path, code="old")
    old.get_or_compute("ns", {"a": 1}, lambda: 1.0)
    new = DiskCache(tmp_path, code="new")
    new.get_or_compute("ns", {"a": 1}, lambda: 2.0)
    (tmp_path / "ns" / ".tmp-left-by-a-crash").mkdir()
    assert new.prune(["ns", "absent"]) == 2
    assert [p.name for p in (tmp_path / "ns").iterdir()] == [new.key("ns", {"a": 1})]


# --- scenarios ---------------------------------------------------------------------------------------------
def test_a_cached_scenario_equals_a_fresh_generation(tmp_path) -> None:
    miss = cached_scenario("credit", cache_root=tmp_path, **SMALL_CREDIT)
    assert miss.model is not None                      # generated in this call: the real model
    hit = cached_scenario("credit", cache_root=tmp_path, **SMALL_CREDIT)
    fresh = load_scenario("credit", **SMALL_CREDIT)
    for part in ("reference", "current", "manifest"):
        pd.testing.assert_frame_equal(getattr(hit, part), getattr(fresh, part), check_exact=True)
    for name in ("name", "title", "description", "target", "prediction", "batch", "time", "source",
                 "excluded"):
        assert getattr(hit, name) == getattr(fresh, name)
    assert hit.current.attrs == fresh.current.attrs
    assert hit.model is None                           # never stored; regenerated on demand
    x = fresh.reference[list(fresh.feature_names)]
    np.testing.assert_array_equal(hit.fitted_model().predict_proba(x), fresh.model.predict_proba(x))
    np.testing.assert_array_equal(hit.fitted_model().predict_proba(x)[:, 1], hit.reference["score"])


def test_scenario_attrs_survive(tmp_path) -> None:
    """Pricing keeps its label delay and calendar features in ``current.attrs`` (a tuple stays a tuple)."""
    cache = scenario_cache(tmp_path)
    fresh = load_scenario("pricing", n_weeks=12, rows_per_week=200)
    cache.write(cache.path(NAMESPACE, {"probe": 1}), NAMESPACE, {"probe": 1}, fresh.current)
    back = cache.read(cache.path(NAMESPACE, {"probe": 1}), NAMESPACE, {"probe": 1})
    pd.testing.assert_frame_equal(back, fresh.current, check_exact=True)
    assert back.attrs == fresh.current.attrs and fresh.current.attrs


def test_a_corrupted_scenario_is_regenerated(tmp_path) -> None:
    cached_scenario("credit", cache_root=tmp_path, **SMALL_CREDIT)
    where = scenario_cache(tmp_path).path(NAMESPACE, {"name": "credit", "kwargs": dict(sorted(
        SMALL_CREDIT.items()))})
    part = next(p for p in where.iterdir() if p.suffix != ".json")
    part.write_bytes(b"PAR1 broken")
    again = cached_scenario("credit", cache_root=tmp_path, **SMALL_CREDIT)
    assert again.model is not None                     # regenerated, not read
    pd.testing.assert_frame_equal(again.current, load_scenario("credit", **SMALL_CREDIT).current,
                                  check_exact=True)


def test_a_cached_scenario_keeps_no_second_models(tmp_path) -> None:
    """Pricing's regression model (``tasks``) is not stored: a hit offers only the binary task."""
    small = {"n_weeks": 12, "rows_per_week": 200}
    assert cached_scenario("pricing", cache_root=tmp_path, **small).available_tasks() != ("binary",)
    hit = cached_scenario("pricing", cache_root=tmp_path, **small)
    assert hit.tasks == () and hit.available_tasks() == ("binary",)
    with pytest.raises(DriftParameterError, match="regression"):
        hit.with_task("regression")
    fresh = load_scenario("pricing", **small)
    x = fresh.reference[list(fresh.feature_names)]
    np.testing.assert_array_equal(hit.fitted_model().predict_proba(x), fresh.model.predict_proba(x))


def test_generators_and_real_data_are_not_cached(tmp_path) -> None:
    cached_scenario("credit", cache_root=tmp_path, n_train=500, batch_size=50, rng=np.random.default_rng(0))
    cached_scenario("german_credit", cache_root=tmp_path)
    assert not (tmp_path / NAMESPACE).exists()


# --- the app's wrapper ------------------------------------------------------------------------------------
def test_on_disk_keeps_scenarios_and_never_uploads(monkeypatch, tmp_path) -> None:
    from ui import disk
    from ui.context import Context, Source

    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    calls = []

    @disk.on_disk("probe")
    def result(ctx: Context, seed: int, _frame: pd.DataFrame) -> pd.DataFrame:
        calls.append(ctx.key[0])
        return _frame.assign(seed=seed)

    def context(key: str, roles_key: str = "{}") -> Context:
        return Context(source=Source(key=key, kind=key.split(":")[0], title="t", reference_name="r",
                                     current_name="c"), roles_key=roles_key)

    frame = pd.DataFrame({"a": [1.0, 2.0]})
    for key in ("scenario:credit", "scenario:credit", "upload:abc", "upload:abc"):
        pd.testing.assert_frame_equal(result(context(key), 3, frame), frame.assign(seed=3))
    assert calls == ["scenario:credit", "upload:abc", "upload:abc"]
    assert len(list((tmp_path / "app-probe").iterdir())) == 1
    result(context("scenario:credit"), 4, frame)                 # another hashed argument: another entry
    result(context("scenario:credit", '{"kinds": {"a": "numeric"}}'), 3, frame)   # other roles: another
    assert len(list((tmp_path / "app-probe").iterdir())) == 3
    result(context("scenario:credit"), 4, frame.assign(a=0.0))   # "_" arguments are not part of the key
    assert calls.count("scenario:credit") == 3


def test_on_disk_with_a_scenario_name(monkeypatch, tmp_path) -> None:
    from ui import disk

    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path))
    compute = Counter(pd.DataFrame({"cost": [1.0]}))

    @disk.on_disk("probe-name", scenario_arg="name")
    def comparison(name: str, seed: int):
        return compute()

    for _ in range(2):
        pd.testing.assert_frame_equal(comparison("pricing", 0), compute.value)
    assert compute.calls == 1
