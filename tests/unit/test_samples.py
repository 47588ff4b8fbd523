"""Sorted samples: the shortcuts that replace NumPy calls give NumPy's bits; block sorting equals sorting
one column at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from drift.stats.samples import SortedSample, compare_sorted, sort_columns, sort_sample, sorted_quantiles

QUANTILE_SETS = [np.arange(1, 10) / 10, (0.1, 0.25, 0.5, 0.75, 0.9), np.arange(1, 20) / 20,
                 np.arange(1, 7) / 7, (0.0, 1.0, 0.5)]


def _samples(rng: np.random.Generator, count: int):
    """Sorted arrays of many sizes and shapes: continuous, tied, heavy-tailed, with infinities."""
    for trial in range(count):
        n = int(rng.integers(1, 40)) if trial % 3 else int(rng.integers(1, 2000))
        kind = trial % 5
        if kind == 0:
            v = rng.normal(size=n)
        elif kind == 1:
            v = rng.integers(0, 5, n).astype(float)
        elif kind == 2:
            v = rng.lognormal(0, 5, n) * rng.choice([-1, 1], n)
        elif kind == 3:
            v = rng.normal(size=n)
            v[rng.random(n) < 0.1] = np.inf
            v[rng.random(n) < 0.1] = -np.inf
        else:
            v = np.round(rng.normal(size=n) * 1e6) / 7 + 1e9
        yield np.sort(v)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_sorted_quantiles_are_numpy_quantile_bit_for_bit():
    for values in _samples(np.random.default_rng(0), 3000):
        for q in QUANTILE_SETS:
            ours, numpy = sorted_quantiles(values, q), np.quantile(values, q)
            assert np.array_equal(ours, numpy, equal_nan=True), (values, q)
            assert np.array_equal(np.signbit(ours), np.signbit(numpy))


def _cdf_walk(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """KS D and raw W1 the plain way: both CDFs at every distinct value (``searchsorted``), the gaps
    summed one by one in ascending order."""
    values = np.unique(np.concatenate([a, b]))
    gaps = np.abs(np.searchsorted(a, values, side="right") / len(a)
                  - np.searchsorted(b, values, side="right") / len(b))
    w = 0.0
    for k in range(1, len(values)):
        w += float(gaps[k - 1]) * float(values[k] - values[k - 1])
    return float(gaps.max()), w


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_compare_sorted_is_the_cdf_walk_bit_for_bit():
    rng = np.random.default_rng(3)
    samples = list(_samples(rng, 400))
    pairs = list(zip(samples[::2], samples[1::2]))
    pairs += [(np.sort(rng.normal(size=3000)), np.sort(rng.normal(5, size=200))),   # separated sides
              (np.array([0.0, -0.0, 1.0]), np.array([-0.0, 0.0, 0.0, 2.0])),         # signed zeros
              (np.full(7, 3.0), np.full(4, 3.0)), (np.array([1.0]), np.array([2.0]))]
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            np.testing.assert_equal(compare_sorted(x, y), _cdf_walk(x, y))
            if np.isfinite(x).all() and np.isfinite(y).all():  # SciPy's exact method rounds D to h / lcm
                assert compare_sorted(x, y)[0] == pytest.approx(stats.ks_2samp(x, y).statistic, rel=1e-12)


def test_std_is_numpy_std_bit_for_bit():
    for values in _samples(np.random.default_rng(1), 3000):
        if np.isinf(values).any():
            continue
        assert SortedSample(values, 0).std == float(np.std(values))
    assert np.isnan(SortedSample(np.empty(0), 3).std)


def test_sort_columns_equals_sort_sample_column_by_column():
    rng = np.random.default_rng(2)
    n = 40
    frame = pd.DataFrame({
        "f": rng.normal(size=n),
        "f_nan": np.where(rng.random(n) < 0.3, np.nan, rng.normal(size=n)),
        "all_nan": np.full(n, np.nan),
        "i": rng.integers(-5, 5, n),
        "big": rng.integers(2**60, 2**62, n, dtype=np.int64),     # float64 rounds these: as sort_sample does
        "u8": rng.integers(0, 255, n).astype(np.uint8),
        "f32": rng.normal(size=n).astype(np.float32),
        "text": rng.choice(["a", "b"], n),
        "nullable": pd.array(rng.integers(0, 3, n), dtype="Int64"),
        "flag": rng.random(n) < 0.5,
    })
    frame["f_again"] = frame["f"] * 2
    numeric = ["f", "f_nan", "all_nan", "i", "big", "u8", "f32", "f_again"]
    wanted = [*numeric, "text", "nullable", "flag", "absent"]
    sorted_ = sort_columns(frame, wanted)
    assert [c for c in wanted if c in sorted_] == numeric      # other dtypes: sort_sample, column by column
    for col in numeric:
        sample, values = sorted_[col]
        expected = sort_sample(frame[col])
        assert np.array_equal(sample.values, expected.values) and sample.n_missing == expected.n_missing, col
        assert sample.values.flags.c_contiguous
        assert np.array_equal(values, frame[col].to_numpy(), equal_nan=True)
        assert values.dtype == frame[col].dtype


def test_sort_columns_blocks_are_bounded(monkeypatch):
    import drift.stats.samples as samples

    monkeypatch.setattr(samples, "SORT_BLOCK_CELLS", 25)       # 10 rows: two columns per block
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(10, 7)), columns=[f"c{i}" for i in range(7)])
    sorted_ = samples.sort_columns(frame, list(frame.columns))
    assert len(sorted_.blocks) == 4 and all(b[1].shape == (min(2, b[1].shape[0]), 10) for b in sorted_.blocks)
    for col in frame.columns:
        assert np.array_equal(sorted_[col][0].values, np.sort(frame[col].to_numpy()))


def test_sort_columns_leaves_duplicate_names_to_the_caller():
    frame = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=["a", "a"])
    assert "a" not in sort_columns(frame, ["a"])
