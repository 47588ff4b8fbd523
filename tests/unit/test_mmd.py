"""mmd_test against a hand-worked case, a naive O(n²) loop implementation, and its null calibration."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

import drift.multivariate.mmd as mmd_module
from drift import DriftInputError, DriftParameterError, mmd_test


# --- an independent, deliberately naive implementation -----------------------------------------
def _naive_median_bandwidth(pooled: np.ndarray) -> float:
    dists = [math.dist(a, b) for a, b in itertools.combinations(pooled.tolist(), 2)]
    return float(np.median(dists))


def _naive_mmd2(x: list, y: list, sigma: float) -> float:
    def k(a, b):
        return math.exp(-sum((ai - bi) ** 2 for ai, bi in zip(a, b, strict=True)) / (2 * sigma**2))

    n, m = len(x), len(y)
    s_xx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if i != j)
    s_yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j)
    s_xy = sum(k(a, b) for a in x for b in y)
    return s_xx / (n * (n - 1)) + s_yy / (m * (m - 1)) - 2 * s_xy / (n * m)


# --- hand-worked case ---------------------------------------------------------------------------
def test_closed_form_tiny_case():
    # pooled {0, 1, 0, 2}: pairwise distances 1, 0, 2, 1, 1, 2 -> median 1 = sigma
    # k(0,1) = k(1,2) = e^-1/2, k(0,2) = e^-2, k(0,0) = 1
    # MMD² = k(0,1) + k(0,2) - (1 + k(0,2) + 2 k(0,1)) / 2 = (e^-2 - 1) / 2
    res = mmd_test([[0.0], [1.0]], [[0.0], [2.0]], n_permutations=20)
    assert res.bandwidth == pytest.approx(1.0)
    assert res.statistic == pytest.approx((math.exp(-2) - 1) / 2, rel=1e-12)
    assert res.n_reference == 2 and res.n_current == 2 and not res.subsampled


def test_given_bandwidth_is_used():
    x, y = [[0.0], [1.0]], [[0.0], [2.0]]
    res = mmd_test(x, y, bandwidth=2.0, n_permutations=10)
    assert res.bandwidth == 2.0
    assert res.statistic == pytest.approx(_naive_mmd2(x, y, 2.0), rel=1e-12)


# --- agreement with the naive loops, same permutations ------------------------------------------
def test_matches_naive_loops_including_permutation_pvalue():
    gen = np.random.default_rng(7)
    x, y = gen.normal(size=(14, 3)), gen.normal(0.4, 1.0, size=(17, 3))
    n_perm = 40
    res = mmd_test(x, y, n_permutations=n_perm, rng=3)

    sigma = _naive_median_bandwidth(np.vstack([x, y]))
    observed = _naive_mmd2(x.tolist(), y.tolist(), sigma)
    assert res.bandwidth == pytest.approx(sigma, rel=1e-12)
    assert res.statistic == pytest.approx(observed, rel=1e-10)

    # mmd_test draws nothing else from the generator at this size (no subsample, all pairs)
    labels = mmd_module._permutation_labels(np.random.default_rng(3), 14, 17, n_perm)
    pooled = np.vstack([x, y]).tolist()
    null = []
    for row in np.vstack(list(labels.blocks(n_perm))):
        px = [p for p, lab in zip(pooled, row, strict=True) if lab == 1]
        py = [p for p, lab in zip(pooled, row, strict=True) if lab == 0]
        null.append(_naive_mmd2(px, py, sigma))
    np.testing.assert_allclose(res.null, null, rtol=1e-9, atol=1e-12)
    expected_p = (1 + sum(v >= observed for v in null)) / (1 + n_perm)
    assert res.pvalue == pytest.approx(expected_p)


def test_float32_kernel_agrees_with_float64():
    gen = np.random.default_rng(11)
    x, y = gen.normal(size=(700, 20)), gen.normal(0.05, 1.0, size=(650, 20))   # pool > FLOAT32_MIN_POOL
    res = mmd_test(x, y, n_permutations=50, rng=0)
    assert res.null.dtype == np.float64
    pooled = np.vstack([x, y])
    d2 = ((pooled[:, None, :] - pooled[None, :, :]) ** 2).sum(-1)
    kern = np.exp(-d2 / (2 * res.bandwidth**2))
    np.fill_diagonal(kern, 0.0)
    n, m = len(x), len(y)
    exact = (kern[:n, :n].sum() / (n * (n - 1)) + kern[n:, n:].sum() / (m * (m - 1))
             - 2 * kern[:n, n:].sum() / (n * m))
    assert abs(res.statistic - exact) < 1e-3 * res.null.std()


def test_blocked_permutations_give_the_same_result(monkeypatch):
    gen = np.random.default_rng(5)
    x, y = gen.normal(size=(60, 4)), gen.normal(0.2, 1.0, size=(50, 4))
    whole = mmd_test(x, y, n_permutations=100, rng=1)
    monkeypatch.setattr(mmd_module, "PERM_BLOCK_BYTES", 110 * 8 * 3 * 7)   # blocks of 7 permutations
    blocked = mmd_test(x, y, n_permutations=100, rng=1)
    # same permutations; BLAS may round a row differently depending on its place in the block
    np.testing.assert_allclose(whole.null, blocked.null, rtol=1e-9, atol=1e-14)
    assert whole.statistic == pytest.approx(blocked.statistic, rel=1e-12)
    assert whole.pvalue == blocked.pvalue


def test_explicit_label_matrix_path_matches_generator_path():
    gen = np.random.default_rng(2)
    pooled = gen.normal(size=(30, 2))
    d2 = ((pooled[:, None] - pooled[None]) ** 2).sum(-1)
    kern = np.exp(-d2 / 2.0)
    np.fill_diagonal(kern, 0.0)
    labels = mmd_module._permutation_labels(np.random.default_rng(9), 12, 18, 25)
    matrix = np.vstack(list(mmd_module._permutation_labels(np.random.default_rng(9), 12, 18, 25).blocks(25)))
    obs_a, null_a, _ = mmd_module._mmd2_from_kernel(kern, 12, labels, block=4)
    obs_b, null_b, _ = mmd_module._mmd2_from_kernel(kern, 12, matrix, block=25)
    assert obs_a == pytest.approx(obs_b)
    np.testing.assert_allclose(null_a, null_b, rtol=1e-12)


# --- calibration and power ----------------------------------------------------------------------
def test_false_positive_rate_under_the_null_is_near_alpha():
    alpha, reps = 0.05, 200
    gen = np.random.default_rng(2024)
    pvalues = np.array([
        mmd_test(gen.normal(size=(20, 2)), gen.normal(size=(20, 2)), n_permutations=99, rng=gen).pvalue
        for _ in range(reps)])
    fpr = np.mean(pvalues < alpha)
    # Binomial(200, 0.05): mean 10, sd 3.1; 0.09 is ~2.6 sd above, 0.01 catches a test that never rejects
    assert 0.01 <= fpr <= alpha + 0.04
    assert 0.4 < pvalues.mean() < 0.6            # p-values roughly uniform


def test_power_on_a_mean_shift():
    gen = np.random.default_rng(3)
    res = mmd_test(gen.normal(size=(100, 5)), gen.normal(0.5, 1.0, size=(100, 5)), n_permutations=200)
    assert res.pvalue == pytest.approx(1 / 201)
    assert res.statistic > res.null.max()


def test_identical_samples_do_not_reject():
    x = np.random.default_rng(4).normal(size=(80, 3))
    res = mmd_test(x, x.copy(), n_permutations=100)
    assert res.statistic < 0 and res.pvalue > 0.5


# --- sampling, determinism, input handling ------------------------------------------------------
def test_subsampling_is_reported_and_seeded():
    gen = np.random.default_rng(0)
    x, y = gen.normal(size=(300, 3)), gen.normal(size=(120, 3))
    a = mmd_test(x, y, max_samples=100, n_permutations=30, rng=5)
    b = mmd_test(x, y, max_samples=100, n_permutations=30, rng=np.random.default_rng(5))
    assert a.subsampled and a.n_reference == 100 and a.n_current == 100
    assert a.statistic == b.statistic and np.array_equal(a.null, b.null)
    assert len(a.null) == 30
    c = mmd_test(x, y, max_samples=100, n_permutations=30, rng=6)
    assert c.statistic != a.statistic


def test_median_heuristic_uses_a_pair_subset_for_large_pools():
    gen = np.random.default_rng(1)
    x, y = gen.normal(size=(300, 2)), gen.normal(size=(300, 2))    # 179,700 pairs > MEDIAN_MAX_PAIRS
    res = mmd_test(x, y, n_permutations=10)
    pooled = np.vstack([x, y])
    d = np.sqrt(((pooled[:, None] - pooled[None]) ** 2).sum(-1))[np.triu_indices(600, 1)]
    assert res.bandwidth == pytest.approx(np.median(d), rel=0.02)
    assert "random pairs" in res.note


def test_dataframes_are_accepted_and_aligned_by_column():
    gen = np.random.default_rng(0)
    ref = pd.DataFrame(gen.normal(size=(40, 2)), columns=["a", "b"])
    cur = pd.DataFrame(gen.normal(size=(30, 2)), columns=["b", "a"])
    res = mmd_test(ref, cur, n_permutations=20)
    same = mmd_test(ref.to_numpy(), cur[["a", "b"]].to_numpy(), n_permutations=20)
    assert res.statistic == pytest.approx(same.statistic)


def test_degenerate_inputs_give_nan_with_a_note():
    res = mmd_test([[1.0]], [[2.0], [3.0]])
    assert math.isnan(res.statistic) and math.isnan(res.pvalue) and "at least 2" in res.note
    const = mmd_test(np.ones((5, 2)), np.ones((4, 2)))
    assert math.isnan(const.statistic) and "identical" in const.note
    json.dumps(const.to_dict(), allow_nan=False)


def test_mostly_duplicate_rows_fall_back_to_nonzero_distances():
    x = np.vstack([np.zeros((20, 1)), [[1.0]]])
    res = mmd_test(x, np.vstack([np.zeros((20, 1)), [[3.0]]]), n_permutations=10)
    assert res.bandwidth > 0 and "non-zero" in res.note


def test_to_dict_is_json_safe():
    gen = np.random.default_rng(0)
    res = mmd_test(gen.normal(size=(20, 2)), gen.normal(size=(20, 2)), n_permutations=15)
    out = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert out["n_permutations"] == 15 and len(out["null"]) == 15


@pytest.mark.parametrize("kwargs", [{"n_permutations": 0}, {"n_permutations": 2.5}, {"max_samples": 1},
                                    {"bandwidth": 0.0}, {"bandwidth": float("nan")}])
def test_bad_parameters_raise(kwargs):
    with pytest.raises(DriftParameterError, match="parameter of mmd_test"):
        mmd_test(np.zeros((5, 2)), np.ones((5, 2)), **kwargs)


def test_bad_inputs_raise():
    with pytest.raises(DriftInputError, match="missing values"):
        mmd_test([[1.0, np.nan], [2.0, 1.0]], [[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(DriftInputError, match="columns"):
        mmd_test(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(DriftInputError, match="infinite"):
        mmd_test([[np.inf], [1.0]], [[1.0], [2.0]])
    with pytest.raises(DriftInputError, match="numeric columns"):
        mmd_test(pd.DataFrame({"a": ["x", "y"]}), pd.DataFrame({"a": ["x", "z"]}))
    with pytest.raises(DriftInputError, match="one side only"):
        mmd_test(pd.DataFrame({"a": [1.0, 2.0]}), pd.DataFrame({"b": [1.0, 2.0]}))


def test_huge_values_are_scaled_exactly_not_overflowed():
    gen = np.random.default_rng(31)
    x, y = gen.normal(size=(60, 3)), gen.normal(0.4, 1, size=(50, 3))
    plain = mmd_test(x, y, n_permutations=99)
    big = mmd_test(x * 2.0**1000, y * 2.0**1000, n_permutations=99)     # ~1e301: squares overflow float64
    assert big.statistic == plain.statistic and big.pvalue == plain.pvalue
    assert big.bandwidth == plain.bandwidth * 2.0**1000
    given = mmd_test(x * 2.0**1000, y * 2.0**1000, n_permutations=99, bandwidth=3 * 2.0**1000)
    assert given.statistic == mmd_test(x, y, n_permutations=99, bandwidth=3.0).statistic
    # before: nan with the wrong note "all pooled rows are identical"
    huge = mmd_test(np.tile([[1e308], [-1e308], [0.0]], (10, 1)), np.full((20, 1), 1e308), n_permutations=99)
    assert huge.pvalue < 0.05 and math.isfinite(huge.statistic) and "identical" not in huge.note
