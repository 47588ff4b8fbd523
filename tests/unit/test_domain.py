"""domain_classifier_test: null calibration, a correlation-only shift, importances, row scores."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import drift.core.errors as drift_errors
import drift.multivariate.domain as domain_module
from drift import DriftInputError, DriftParameterError, domain_classifier_test


def _normal_frame(gen: np.random.Generator, n: int, cols: str = "abc",
                  shift: dict | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(gen.normal(size=(n, len(cols))), columns=list(cols))
    for col, delta in (shift or {}).items():
        frame[col] += delta
    return frame


def _correlated(gen: np.random.Generator, n: int, rho: float) -> pd.DataFrame:
    z = gen.normal(size=(n, 3))
    return pd.DataFrame({"x1": z[:, 0], "x2": rho * z[:, 0] + math.sqrt(1 - rho**2) * z[:, 1], "x3": z[:, 2]})


def test_null_auc_near_half_and_false_positive_rate_at_most_alpha():
    alpha, reps = 0.05, 60
    gen = np.random.default_rng(123)
    results = [domain_classifier_test(_normal_frame(gen, 100, "ab"), _normal_frame(gen, 100, "ab"), rng=r)
               for r in range(reps)]
    pvalues = np.array([r.pvalue for r in results])
    aucs = np.array([r.auc for r in results])
    # Binomial(60, 0.05) >= 8 rejections has probability 0.01
    assert np.mean(pvalues < alpha) <= alpha + 0.07
    assert abs(aucs.mean() - 0.5) < 0.02
    assert not any(r.drifted for r in results if r.auc < 0.55)


def test_correlation_flip_is_detected_although_every_marginal_passes_ks():
    gen = np.random.default_rng(42)
    ref, cur = _correlated(gen, 1000, 0.8), _correlated(gen, 1000, -0.8)
    for col in ref.columns:                       # the marginals are the same distribution
        assert stats.ks_2samp(ref[col], cur[col]).pvalue > 0.05
    res = domain_classifier_test(ref, cur)
    assert res.pvalue < 1e-6 and res.auc > 0.75 and res.drifted
    assert set(res.importances["feature"].iloc[:2]) == {"x1", "x2"}
    assert res.importances.set_index("feature").loc["x3", "importance"] < 0.02


def test_importances_point_at_the_shifted_feature():
    gen = np.random.default_rng(1)
    ref, cur = _normal_frame(gen, 600, "abcde"), _normal_frame(gen, 600, "abcde", {"c": 0.6})
    res = domain_classifier_test(ref, cur)
    assert res.importances["feature"].iloc[0] == "c"
    assert res.importances["importance"].iloc[0] > 5 * res.importances["importance"].iloc[1:].abs().max()
    assert list(res.importances["importance"]) == sorted(res.importances["importance"], reverse=True)


def test_auc_pvalue_and_interval_are_consistent_with_the_scores():
    gen = np.random.default_rng(3)
    res = domain_classifier_test(_normal_frame(gen, 400), _normal_frame(gen, 400, shift={"a": 0.5}))
    s = res.scores
    cur, ref = s.loc[s["side"] == "current", "p_current"], s.loc[s["side"] == "reference", "p_current"]
    pooled = stats.mannwhitneyu(cur, ref, alternative="greater")
    assert res.statistic == res.auc == pytest.approx(pooled.statistic / (len(cur) * len(ref)))
    fold_p = [stats.mannwhitneyu(g.loc[g["side"] == "current", "p_current"],
                                 g.loc[g["side"] == "reference", "p_current"], alternative="greater").pvalue
              for _, g in s.groupby("fold")]
    assert res.fold_pvalues == pytest.approx(fold_p)
    assert res.pvalue == pytest.approx(domain_module.cauchy_combination(fold_p))
    assert res.pvalue < 0.01
    lo, hi = res.auc_ci
    assert lo < res.auc < hi and hi - lo < 0.2


def test_cauchy_combination():
    combine = domain_module.cauchy_combination
    for p in (1e-300, 1e-12, 0.03, 0.5, 0.97, 1.0):          # identical p-values combine to themselves
        assert combine([p] * 5) == pytest.approx(p, rel=1e-9)
    assert combine([0.0, 0.5]) == 0.0 and math.isnan(combine([]))
    # independent uniform p-values: the combination is (close to) uniform
    u = np.random.default_rng(0).random((20_000, 5))
    combined = np.array([combine(row) for row in u])
    assert abs(np.mean(combined < 0.05) - 0.05) < 0.006
    assert abs(np.mean(combined < 0.01) - 0.01) < 0.003


def test_delong_interval_matches_brute_force_structural_components():
    gen = np.random.default_rng(0)
    pos, neg = np.round(gen.normal(0.5, 1, 40), 1), np.round(gen.normal(0, 1, 30), 1)   # with ties
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    auc = psi.mean()
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    se = math.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg))
    lo, hi = domain_module._delong_ci(pos, neg, auc, 0.95)
    assert lo == pytest.approx(auc - 1.959963984540054 * se)
    assert hi == pytest.approx(auc + 1.959963984540054 * se)


def test_new_category_and_missing_value_burst_are_detected():
    gen = np.random.default_rng(5)
    n = 500
    ref = pd.DataFrame({"city": gen.choice(["a", "b", "c"], n), "income": gen.normal(50, 10, n)})
    cur = pd.DataFrame({"city": gen.choice(["a", "b", "c", "d"], n), "income": gen.normal(50, 10, n)})
    res = domain_classifier_test(ref, cur)
    assert res.drifted and res.importances["feature"].iloc[0] == "city"
    cur2 = pd.DataFrame({"city": gen.choice(["a", "b", "c"], n), "income": gen.normal(50, 10, n)})
    cur2.loc[gen.random(n) < 0.3, "income"] = np.nan
    res2 = domain_classifier_test(ref, cur2)
    assert res2.drifted and res2.importances["feature"].iloc[0] == "income"


def test_booleans_categories_and_many_levels_are_encoded():
    gen = np.random.default_rng(6)
    n = 300
    ref = pd.DataFrame({"flag": gen.random(n) < 0.5, "code": pd.Categorical(gen.choice(list("xyz"), n)),
                        "id": [f"u{i}" for i in gen.integers(0, 10_000, n)], "v": gen.normal(size=n)})
    cur = ref.sample(frac=1.0, random_state=2).reset_index(drop=True)
    res = domain_classifier_test(ref, cur)
    assert set(res.features) == {"flag", "code", "id", "v"}
    assert not math.isnan(res.auc)
    x, is_cat = domain_module._encode(ref, cur, list(res.features))
    assert is_cat.tolist() == [True, True, True, False]
    assert np.nanmax(x[:, 2]) <= domain_module.MAX_CATEGORIES


def test_scores_rows_index_and_top_rows():
    gen = np.random.default_rng(8)
    ref = _normal_frame(gen, 300).set_axis([f"r{i}" for i in range(300)])
    cur = _normal_frame(gen, 200, shift={"b": 1.0}).set_axis([f"c{i}" for i in range(200)])
    res = domain_classifier_test(ref, cur, rng=1)
    assert res.n_reference == res.n_current == 200 and "balanced sample" in res.note
    assert len(res.scores) == 400
    assert list(res.scores.columns) == ["index", "position", "side", "fold", "p_current"]
    assert res.scores["side"].value_counts().to_dict() == {"reference": 200, "current": 200}
    refs = res.scores[res.scores["side"] == "reference"]
    assert all(ref.index[p] == i for p, i in zip(refs["position"], refs["index"], strict=True))
    top = res.top_rows(5, current=cur)
    assert len(top) == 5 and top["p_current"].is_monotonic_decreasing
    assert top["p_current"].iloc[0] == res.scores.loc[res.scores["side"] == "current", "p_current"].max()
    assert all(str(i).startswith("c") for i in top["index"])
    np.testing.assert_array_equal(top["b"], cur["b"].iloc[top["position"]].to_numpy())
    assert top["b"].mean() > cur["b"].mean()      # the most current-like rows carry the shift


def test_seeded_and_deterministic():
    gen = np.random.default_rng(9)
    ref, cur = _normal_frame(gen, 300), _normal_frame(gen, 300, shift={"a": 0.2})
    a = domain_classifier_test(ref, cur, rng=4)
    b = domain_classifier_test(ref, cur, rng=np.random.default_rng(4))
    pd.testing.assert_frame_equal(a.scores, b.scores)
    pd.testing.assert_frame_equal(a.importances, b.importances)
    c = domain_classifier_test(ref, cur, rng=5)
    assert not np.array_equal(a.scores["p_current"], c.scores["p_current"])


def test_max_samples_caps_each_side():
    gen = np.random.default_rng(10)
    res = domain_classifier_test(_normal_frame(gen, 500), _normal_frame(gen, 400), max_samples=100)
    assert res.n_reference == res.n_current == 100 and len(res.scores) == 200


def test_degenerate_inputs_give_nan_with_a_note():
    gen = np.random.default_rng(11)
    res = domain_classifier_test(_normal_frame(gen, 50), _normal_frame(gen, 3))
    assert math.isnan(res.auc) and math.isnan(res.pvalue) and not res.drifted and "n_folds" in res.note
    json.dumps(res.to_dict(), allow_nan=False)
    const = domain_classifier_test(pd.DataFrame({"a": np.ones(50)}), pd.DataFrame({"a": np.ones(50)}))
    assert const.auc == 0.5 and not const.drifted


def test_to_dict_is_json_safe():
    gen = np.random.default_rng(12)
    res = domain_classifier_test(_normal_frame(gen, 100), _normal_frame(gen, 100))
    out = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert out["statistic"] == out["auc"] and len(out["importances"]) == 3 and len(out["auc_ci"]) == 2


@pytest.mark.parametrize("kwargs", [{"n_folds": 1}, {"max_samples": 1}, {"alpha": 1.5}, {"min_auc": 0.4},
                                    {"features": []}])
def test_bad_parameters_raise(kwargs):
    gen = np.random.default_rng(0)
    with pytest.raises(DriftParameterError, match="parameter of domain_classifier_test"):
        domain_classifier_test(_normal_frame(gen, 20), _normal_frame(gen, 20), **kwargs)


def test_bad_inputs_raise():
    gen = np.random.default_rng(0)
    ref = _normal_frame(gen, 20)
    with pytest.raises(DriftInputError, match="'zz'"):
        domain_classifier_test(ref, _normal_frame(gen, 20), features=["a", "zz"])
    mixed = _normal_frame(gen, 20).assign(a=lambda f: f["a"].astype(str))
    with pytest.raises(DriftInputError, match="numeric in the reference"):
        domain_classifier_test(ref, mixed)
    with pytest.raises(DriftInputError, match="no numeric or categorical"):
        domain_classifier_test(pd.DataFrame({"t": pd.date_range("2024", periods=5)}),
                               pd.DataFrame({"t": pd.date_range("2025", periods=5)}))


# --- small samples and unusable columns (issue 10) ---------------------------------------------------
def _min_rows_by_brute_force(n_folds: int) -> int:
    """Smallest k whose every stratified training fold, after the early-stopping split, fills two leaves."""
    from sklearn.model_selection import StratifiedKFold, train_test_split

    k = n_folds
    while True:
        y = np.r_[np.zeros(k), np.ones(k)]
        fits = []
        for train, _ in StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=0).split(y[:, None], y):
            try:
                fit, _ = train_test_split(train, test_size=domain_module.VALIDATION_FRACTION,
                                          stratify=y[train], random_state=0)
            except ValueError:                      # the held-out part cannot hold both classes
                fit = ()
            fits.append(len(fit))
        if min(fits) >= 2 * domain_module.MIN_SAMPLES_LEAF:
            return k
        k += 1


@pytest.mark.parametrize("n_folds", [2, 3, 5, 10])
def test_too_few_rows_to_split_give_nan_not_a_fake_auc(n_folds):
    need = domain_module.min_rows_per_side(n_folds)
    assert need == _min_rows_by_brute_force(n_folds)
    gen = np.random.default_rng(n_folds)
    apart = pd.DataFrame({"a": gen.normal(size=need)}), pd.DataFrame({"a": gen.normal(10, 1, size=need)})
    assert domain_classifier_test(*apart, n_folds=n_folds).auc == 1.0      # perfectly separated: found
    short = domain_classifier_test(apart[0].iloc[1:], apart[1].iloc[1:], n_folds=n_folds)
    # before: scikit-learn's "test_size" error below 8 rows, and AUC <= 0.5 ("no drift") up to 28 rows
    assert math.isnan(short.auc) and f"at least {need} rows" in short.note and not short.drifted
    tiny = domain_classifier_test(apart[0].iloc[:5], apart[1].iloc[:5], n_folds=n_folds)
    assert math.isnan(tiny.auc) and "cannot split" in tiny.note


def test_nested_cells_are_left_out_by_default_and_refused_when_named():
    gen = np.random.default_rng(21)
    ref = _normal_frame(gen, 80, "ab").assign(d=[{"k": i} for i in range(80)], l=[[i] for i in range(80)])
    cur = _normal_frame(gen, 80, "ab", shift={"a": 3}).assign(d=[{"k": 1}] * 80, l=[[0]] * 80)
    res = domain_classifier_test(ref, cur)                  # before: TypeError: unhashable type: 'dict'
    assert res.features == ("a", "b") and res.drifted and "'d'" not in res.note and "d, l" in res.note
    with pytest.raises(drift_errors.UnsupportedValuesError, match="column 'd': row 0 holds a dict"):
        domain_classifier_test(ref, cur, features=["a", "d"])
    raw = ref.assign(raw=[bytes([i % 3, 255]) for i in range(80)])      # bytes are categories
    assert not math.isnan(domain_classifier_test(raw, raw, features=["a", "raw"]).auc)


def test_empty_and_sparse_columns():
    gen = np.random.default_rng(22)
    ref, cur = _normal_frame(gen, 60, "ab"), _normal_frame(gen, 60, "ab")
    ref["gone"], cur["gone"] = np.nan, np.nan
    res = domain_classifier_test(ref, cur)                  # before: "window shape cannot be larger"
    assert res.features == ("a", "b") and "no value in the sample): gone" in res.note
    only = domain_classifier_test(ref[["gone"]], cur[["gone"]])
    assert math.isnan(only.auc) and "gone" in only.note
    ref["rare"] = np.nan
    ref.loc[3, "rare"] = 1.5                                # one value: some training fold has none
    cur["rare"] = np.nan
    assert not math.isnan(domain_classifier_test(ref[["a", "rare"]], cur[["a", "rare"]]).auc)
