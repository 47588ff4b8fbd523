"""Each per-feature statistic against an independent computation (SciPy or a hand-worked case)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from drift import (
    PSI_EPSILON,
    DriftParameterError,
    chi2_test,
    jensen_shannon_score,
    ks_test,
    psi_score,
    wasserstein_score,
)


@pytest.mark.parametrize("n,m,ties", [(30, 45, False), (800, 1200, True), (9_000, 10_000, False),
                                      (20_000, 15_000, False), (50_000, 60_000, True)])
def test_ks_matches_scipy_exact_and_asymptotic(n, m, ties):
    rng = np.random.default_rng(n)
    a, b = rng.normal(size=n), rng.normal(0.03, 1.1, size=m)
    if ties:
        a, b = np.round(a, 1), np.round(b, 1)
    ours, ref = ks_test(a, b), stats.ks_2samp(a, b, method="auto")
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-12, abs=1e-15)
    assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-300)


def test_ks_excludes_missing_and_handles_degenerate():
    a = np.array([1.0, 2.0, np.nan, 3.0, 4.0])
    b = pd.Series([2.0, None, 5.0, 6.0, 7.0], dtype="Float64")
    ref = stats.ks_2samp([1, 2, 3, 4], [2, 5, 6, 7])
    assert ks_test(a, b).statistic == pytest.approx(ref.statistic)
    assert ks_test(a, b).pvalue == pytest.approx(ref.pvalue)
    res = ks_test([1.0], [1.0, 2.0])
    assert math.isnan(res.statistic) and math.isnan(res.pvalue) and "at least 2" in res.note
    assert ks_test([np.nan, np.nan], [1.0, 2.0]).n_reference == 0


def test_psi_hand_computed():
    ref = np.arange(1, 11)                   # median 5.5 -> bins (-inf, 5.5), [5.5, inf)
    cur = np.array([1, 2, 6, 7, 8, 9, 10, 11, 12, 13])
    res = psi_score(ref, cur, bins=2)
    expected = 0.3 * math.log(2.5) + 0.3 * math.log(1.6)
    assert res.statistic == pytest.approx(expected, rel=1e-12)
    assert list(res.table["ref_count"]) == [5, 5] and list(res.table["cur_count"]) == [2, 8]
    assert res.table["contribution"].sum() == pytest.approx(res.statistic)


def test_psi_value_on_edge_goes_to_bin_above_and_quantiles_are_numpy_linear():
    ref = np.array([1.0, 2.0, 2.0, 3.0])     # 0.5 quantile = 2.0 exactly
    res = psi_score(ref, ref, bins=2)
    assert list(res.table["ref_count"]) == [1, 3]
    rng = np.random.default_rng(3)
    x, y = rng.gamma(2.0, size=1001), rng.gamma(2.2, size=777)
    edges = np.unique(np.quantile(x, np.arange(1, 10) / 10))
    idx_x = np.searchsorted(edges, x, side="right")
    idx_y = np.searchsorted(edges, y, side="right")
    r = np.bincount(idx_x, minlength=10) / len(x)
    c = np.bincount(idx_y, minlength=10) / len(y)
    r, c = np.where(r == 0, PSI_EPSILON, r), np.where(c == 0, PSI_EPSILON, c)
    assert psi_score(x, y).statistic == pytest.approx(np.sum((c - r) * np.log(c / r)), rel=1e-12)


def test_psi_epsilon_without_renormalising_and_missing_bin():
    ref = np.array([1.0, 2.0, 3.0, 4.0])
    cur = np.array([3.5, 3.6, 3.7, np.nan])    # nothing below the median, one missing
    res = psi_score(ref, cur, bins=2)
    table = res.table
    assert list(table["bin"])[-1] == "(missing)"
    r = np.array([0.5, 0.5, PSI_EPSILON])
    c = np.array([PSI_EPSILON, 0.75, 0.25])
    assert res.statistic == pytest.approx(np.sum((c - r) * np.log(c / r)), rel=1e-12)


def test_psi_identical_is_zero_and_tied_quantiles_are_noted():
    x = np.repeat([1.0, 2.0, 3.0], 100)
    res = psi_score(x, x, bins=10)
    assert res.statistic == 0.0
    assert "10 bins requested" in res.note
    # each tied quantile (a point mass) gets its own bin: (-inf,1), =1, (1,2), =2, (2,3), =3, (3,inf)
    assert list(res.table["bin"]) == ["(-inf, 1)", "= 1", "(1, 2)", "= 2", "(2, 3)", "= 3", "(3, inf)"]
    assert list(res.table["ref_count"]) == [0, 100, 0, 100, 0, 100, 0]


def test_psi_sees_a_change_in_a_zero_inflated_feature():
    rng = np.random.default_rng(13)
    ref = np.where(rng.uniform(size=10_000) < 0.95, 0, rng.poisson(2, 10_000) + 1)
    cur = np.where(rng.uniform(size=10_000) < 0.80, 0, rng.poisson(2, 10_000) + 1)
    table = psi_score(ref, cur).table
    assert list(table["bin"][:2]) == ["(-inf, 0)", "= 0"]
    assert table["ref_pct"].iloc[1] == pytest.approx(np.mean(ref == 0))
    assert psi_score(ref, cur).statistic > 0.2        # 5 % -> 20 % non-zero is a major shift


def test_psi_categorical_bins_unseen_and_missing():
    ref = pd.Series(["a"] * 6 + ["b"] * 3 + [None])
    cur = pd.Series(["a"] * 3 + ["b"] * 3 + ["c", "d"] + [None] * 2)
    res = psi_score(ref, cur, kind="categorical")
    t = res.table.set_index("bin")
    assert list(t.index) == ["a", "b", "(unseen)", "(missing)"]
    assert list(t["ref_count"]) == [6, 3, 0, 1] and list(t["cur_count"]) == [3, 3, 2, 2]
    r = np.array([0.6, 0.3, PSI_EPSILON, 0.1])
    c = np.array([0.3, 0.3, 0.2, 0.2])
    assert res.statistic == pytest.approx(np.sum((c - r) * np.log(c / r)), rel=1e-12)


def test_chi2_matches_scipy_contingency():
    rng = np.random.default_rng(5)
    ref = pd.Series(rng.choice(list("abcd"), size=900, p=[0.4, 0.3, 0.2, 0.1]))
    cur = pd.Series(rng.choice(list("abcde"), size=700, p=[0.35, 0.3, 0.2, 0.1, 0.05]))
    cur[:20] = None
    table = pd.crosstab(np.r_[np.zeros(len(ref)), np.ones(len(cur) - 20)],
                        np.r_[ref.to_numpy(), cur.dropna().to_numpy()])
    expected = stats.chi2_contingency(table.to_numpy())
    ours = chi2_test(ref, cur)
    assert ours.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert ours.pvalue == pytest.approx(expected.pvalue, rel=1e-9)
    # 2x2 goes through scipy's default Yates correction, too
    two = chi2_test(pd.Series(["x"] * 30 + ["y"] * 20), pd.Series(["x"] * 20 + ["y"] * 30))
    assert two.pvalue == pytest.approx(stats.chi2_contingency([[30, 20], [20, 30]]).pvalue)


def test_wasserstein_normalised_by_reference_population_std():
    rng = np.random.default_rng(7)
    a, b = rng.exponential(size=3000), rng.exponential(1.3, size=2000)
    expected = stats.wasserstein_distance(a, b) / np.std(a)
    assert wasserstein_score(a, b).statistic == pytest.approx(expected, rel=1e-10)
    big_a, big_b = np.round(rng.normal(size=200_000), 2), rng.normal(0.2, size=150_000)
    expected = stats.wasserstein_distance(big_a, big_b) / np.std(big_a)
    assert wasserstein_score(big_a, big_b).statistic == pytest.approx(expected, rel=1e-9)
    const = wasserstein_score(np.ones(50), rng.normal(size=50))
    assert math.isnan(const.statistic) and "constant" in const.note


def test_jensen_shannon_on_psi_bins_without_epsilon():
    ref = pd.Series(list("aaabbc"))
    cur = pd.Series(list("abbbcc"))
    expected = jensenshannon([3 / 6, 2 / 6, 1 / 6], [1 / 6, 3 / 6, 2 / 6], base=2)
    assert jensen_shannon_score(ref, cur, kind="categorical").statistic == pytest.approx(expected)
    x = np.arange(100.0)
    assert jensen_shannon_score(x, x).statistic == 0.0
    far = jensen_shannon_score(x, x + 1000)       # every current value lands in the top decile bin
    assert far.statistic == pytest.approx(jensenshannon([0.1] * 10, [0] * 9 + [1], base=2))


@pytest.mark.parametrize("bins", [1, 0, -3, 2.5, True])
def test_bad_bins_parameter(bins):
    with pytest.raises(DriftParameterError, match="'bins' parameter of psi_score must be an int >= 2"):
        psi_score([1, 2, 3], [1, 2, 3], bins=bins)


def test_unknown_kind():
    with pytest.raises(DriftParameterError, match="'kind'"):
        psi_score([1, 2], [1, 2], kind="text")


def test_ks_false_positive_rate_under_null_is_near_alpha():
    rng = np.random.default_rng(11)
    rejections = [ks_test(rng.normal(size=200), rng.normal(size=300)).pvalue < 0.05 for _ in range(400)]
    assert 0.02 <= np.mean(rejections) <= 0.08


def test_big_shift_detected():
    rng = np.random.default_rng(12)
    assert ks_test(rng.normal(size=500), rng.normal(1.0, size=500)).pvalue < 1e-10
    assert psi_score(rng.normal(size=500), rng.normal(1.0, size=500)).statistic > 0.25


# scipy needs ~2 s per value at n = 1,000,000 in the exact range, so only its cheapest point is used there
@pytest.mark.parametrize("n,nx2", [(n, x) for n in (141, 5_000, 60_000, 499_999, 1_000_001, 3_000_000)
                                   for x in (0.3, 2.2, 5.0, 40.0, 300.0)] + [(1_000_000, 300.0)])
def test_fast_asymptotic_ks_pvalue_equals_scipy_kstwo(n, nx2):
    from drift.stats.univariate import kstwo_sf

    d = np.sqrt(nx2 / n)
    expected = stats.kstwo.sf(d, n)
    assert kstwo_sf(d, n) == pytest.approx(expected, rel=2e-9, abs=1e-300)


# --- shortcuts for wide tables: each gives SciPy's / NumPy's own numbers ------------------------------------
@pytest.mark.filterwarnings("ignore:ks_2samp. Exact calculation unsuccessful")  # SciPy falls back: so do we
def test_exact_ks_is_scipy_bit_for_bit_and_reuses_each_lattice_distance(monkeypatch):
    import drift.stats.univariate as univariate

    rng = np.random.default_rng(21)
    cases = []
    for trial in range(600):
        n, m = int(rng.integers(2, 60)), int(rng.integers(2, 60))
        if trial % 3 == 0:
            m = n                                            # SciPy's equal-size method
        a, b = rng.normal(size=n), rng.normal(rng.choice([0.0, 0.5, 3.0]), size=m)
        if trial % 2:
            a, b = np.round(a), np.round(b)                  # ties
        cases.append((a, b))
    cases += [(np.ones(5), np.ones(7)), (np.arange(300.0), np.arange(300.0) + 0.5),
              (np.arange(300.0), -np.arange(300.0))]
    for a, b in cases:                                       # twice: computed, then reused from the cache
        for _ in range(2):
            ours, ref = ks_test(a, b), stats.ks_2samp(a, b, method="auto")
            assert (ours.statistic, ours.pvalue) == (float(ref.statistic), float(ref.pvalue))
    calls = []
    real = univariate.stats.ks_2samp
    monkeypatch.setattr(univariate.stats, "ks_2samp", lambda *a, **k: calls.append(1) or real(*a, **k))
    univariate._ks_exact_cache.clear()
    for _ in range(50):                                      # 50 columns, one (n, m, D): one SciPy call
        ks_test(rng.permutation(np.arange(40.0)), np.arange(40.0) + 10)
    assert len(calls) == 1


@pytest.mark.filterwarnings("ignore:ks_2samp. Exact calculation unsuccessful")
def test_ks_cache_is_bounded(monkeypatch):
    import drift.stats.univariate as univariate

    monkeypatch.setattr(univariate, "KS_EXACT_CACHE_SIZE", 5)
    univariate._ks_exact_cache.clear()
    for n in range(3, 20):
        ks_test(np.arange(float(n)), np.arange(float(n)) + 1)
        assert len(univariate._ks_exact_cache) <= 5


def test_jensenshannon_base2_is_scipy_bit_for_bit():
    from drift.stats.psi import jensenshannon_base2

    rng = np.random.default_rng(22)
    for trial in range(3000):
        k = int(rng.integers(1, 30))
        p, q = rng.integers(0, 50, k).astype(float), rng.integers(0, 50, k).astype(float)
        if trial % 4 == 0:
            p[rng.random(k) < 0.5] = 0                       # empty bins on one side
        if p.sum() == 0 or q.sum() == 0:
            continue
        p, q = p / p.sum(), q / q.sum()
        assert jensenshannon_base2(p, q) == float(jensenshannon(p, q, base=2))


def test_missing_rate_test_is_chi2_contingency_on_the_2x2_table():
    from drift.stats.univariate import missing_rate_test

    for table in ([[3, 297], [40, 260]], [[0, 300], [5, 295]], [[10, 90], [10, 90]], [[1, 1], [0, 5]]):
        (a, b), (c, d) = table
        expected = float(stats.chi2_contingency(np.array(table)).pvalue)
        assert missing_rate_test(a, a + b, c, c + d) == expected
        assert missing_rate_test(np.int64(a), np.int64(a + b), c, c + d) == expected   # cached under ints
    assert missing_rate_test(5, 5, 3, 3) == 1.0                # all missing on both sides
    assert math.isnan(missing_rate_test(0, 10, 0, 20))


def test_psi_table_and_labels_are_built_when_asked_for():
    rng = np.random.default_rng(23)
    a = np.r_[rng.normal(size=200), [np.nan] * 5]
    res = psi_score(a, rng.normal(0.5, 1, 200))
    counts = res.counts
    assert counts.has_missing and counts.categories == ()
    table = res.table
    assert list(table["bin"]) == list(counts.labels) and counts.labels[-1] == "(missing)"
    assert len(counts.labels) == len(counts.reference) == 11
    assert table["contribution"].sum() == pytest.approx(res.statistic, rel=1e-12)
    pd.testing.assert_frame_equal(res.table, table)          # the same table every time it is asked for
