"""feature_drift: the decision rule, corrections, properties under the null and under shift."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats import false_discovery_control

import drift
from drift import DriftParameterError, feature_drift, profile_reference, summarize
from drift.core.errors import InfiniteValuesError
from drift.diagnosis.features import COLUMNS


def make_frame(n: int, rng: np.random.Generator, shift: float = 0.0, cat_p=(0.5, 0.3, 0.2)) -> pd.DataFrame:
    return pd.DataFrame({
        "income": rng.lognormal(10 + shift, 0.5, n),
        "age": rng.normal(40, 10, n).round(),
        "util": rng.beta(2, 5, n),
        "accounts": rng.poisson(4, n).astype(float),
        "region": rng.choice(["north", "south", "east"], n, p=list(cat_p)),
        "channel": rng.choice(["web", "branch"], n),
    })


def test_columns_and_identical_samples_are_stable():
    df = make_frame(2000, np.random.default_rng(0))
    table = feature_drift(df, df.copy())
    assert tuple(table.columns) == COLUMNS
    assert set(table["feature"]) == set(df.columns)
    assert (table["psi"] == 0).all() and (table["severity"] == "stable").all() and not table["drifted"].any()
    assert set(table["method"]) == {"ks", "chi2"}


def test_rows_agree_with_the_standalone_statistics():
    rng = np.random.default_rng(1)
    ref, cur = make_frame(3000, rng), make_frame(2500, rng, shift=0.1, cat_p=(0.4, 0.4, 0.2))
    table = feature_drift(ref, cur).set_index("feature")
    for col in ["income", "age", "util", "accounts"]:
        assert table.loc[col, "statistic"] == pytest.approx(drift.ks_test(ref[col], cur[col]).statistic)
        assert table.loc[col, "pvalue"] == pytest.approx(drift.ks_test(ref[col], cur[col]).pvalue)
        assert table.loc[col, "psi"] == pytest.approx(drift.psi_score(ref[col], cur[col]).statistic)
        assert table.loc[col, "wasserstein_norm"] == pytest.approx(
            drift.wasserstein_score(ref[col], cur[col]).statistic)
    for col in ["region", "channel"]:
        assert table.loc[col, "statistic"] == pytest.approx(drift.chi2_test(ref[col], cur[col]).statistic)
        assert table.loc[col, "psi"] == pytest.approx(
            drift.psi_score(ref[col], cur[col], kind="categorical").statistic)
        assert math.isnan(table.loc[col, "wasserstein_norm"])


def test_bh_and_bonferroni_corrections():
    rng = np.random.default_rng(2)
    ref, cur = make_frame(1500, rng), make_frame(1500, rng, shift=0.05)
    bh = feature_drift(ref, cur)
    family = np.r_[bh["pvalue"].to_numpy(), bh["missing_pvalue"].to_numpy()]
    family = family[~np.isnan(family)]          # no missing values here: the family is the 6 tests
    assert len(family) == 6
    np.testing.assert_allclose(np.sort(bh["pvalue_adjusted"]), np.sort(false_discovery_control(family)))
    bonf = feature_drift(ref, cur, correction="bonferroni").set_index("feature")
    np.testing.assert_allclose(bonf["pvalue_adjusted"], np.minimum(1, bonf["pvalue"] * 6))


def test_false_positive_rate_under_the_null_is_at_most_alpha():
    rng = np.random.default_rng(3)
    flagged = []
    for _ in range(200):
        table = feature_drift(make_frame(300, rng), make_frame(250, rng))
        flagged.append((table["severity"] != "stable").any())
    # BH under the global null controls the family-wise rate at alpha
    assert np.mean(flagged) <= 0.05 + 0.03


def test_big_shift_is_major_and_others_stay_stable():
    rng = np.random.default_rng(4)
    ref, cur = make_frame(5000, rng), make_frame(5000, rng)
    cur["age"] = cur["age"] + 10
    table = feature_drift(ref, cur).set_index("feature")
    assert table.loc["age", "severity"] == "major" and table.loc["age", "drifted"]
    assert (table.drop(index="age")["severity"] == "stable").sum() >= 4


def test_significance_and_size_are_separate_on_large_samples():
    rng = np.random.default_rng(5)
    ref = pd.DataFrame({"x": rng.normal(size=300_000)})
    cur = pd.DataFrame({"x": rng.normal(0.03, 1, size=300_000)})
    row = feature_drift(ref, cur).iloc[0]
    assert row["pvalue_adjusted"] < 1e-6          # "different" ...
    assert row["severity"] == "minor" and not row["drifted"]  # ... but tiny


def test_missing_burst_is_detected_and_reported():
    rng = np.random.default_rng(6)
    ref, cur = make_frame(4000, rng), make_frame(4000, rng)
    cur.loc[cur.sample(frac=0.4, random_state=1).index, "util"] = np.nan
    cur.loc[cur.sample(frac=0.3, random_state=2).index, "region"] = None
    table = feature_drift(ref, cur).set_index("feature")
    for col, rate in [("util", 0.4), ("region", 0.3)]:
        assert table.loc[col, "missing_ref"] == 0
        assert table.loc[col, "missing_cur"] == pytest.approx(rate)
        assert table.loc[col, "missing_pvalue_adjusted"] < 1e-10
        assert table.loc[col, "drifted"]


def test_all_missing_current_column_is_kept_and_flagged():
    rng = np.random.default_rng(7)
    ref, cur = make_frame(1000, rng), make_frame(1000, rng)
    cur["income"] = np.nan
    row = feature_drift(ref, cur).set_index("feature").loc["income"]
    assert math.isnan(row["pvalue"]) and "at least 2" in row["note"]
    assert row["missing_cur"] == 1.0 and row["severity"] == "major"


def test_profile_path_equals_frame_path_and_is_deterministic():
    rng = np.random.default_rng(8)
    ref, cur = make_frame(3000, rng), make_frame(2000, rng, shift=0.2)
    direct = feature_drift(ref, cur)
    again = feature_drift(ref, cur)
    pd.testing.assert_frame_equal(direct, again)
    profile = profile_reference(ref)
    via_profile = feature_drift(profile, cur)
    pd.testing.assert_frame_equal(direct, via_profile)
    single = feature_drift(ref, cur, n_jobs=1)
    pd.testing.assert_frame_equal(direct, single)


def test_infinite_values_are_excluded_by_default_or_raise_when_strict():
    rng = np.random.default_rng(9)
    ref, cur = make_frame(500, rng), make_frame(500, rng)
    cur.loc[3, "util"] = np.inf
    with pytest.raises(InfiniteValuesError, match="util"):
        feature_drift(ref, cur, on_invalid="raise")
    table = feature_drift(ref, cur)
    assert "util" not in set(table["feature"])
    assert any(p.column == "util" for p in table.attrs["problems"])


def test_an_all_missing_column_does_not_stop_the_table():
    rng = np.random.default_rng(10)
    ref, cur = make_frame(500, rng), make_frame(500, rng)
    ref["empty"] = np.nan
    cur["empty"] = np.nan
    table = feature_drift(ref, cur)
    assert set(make_frame(5, rng).columns) <= set(table["feature"])     # every other feature is there
    assert "empty" not in set(table["feature"])


@pytest.mark.parametrize("kwargs,name", [({"alpha": 0}, "alpha"), ({"alpha": 1.5}, "alpha"),
                                         ({"correction": "holm"}, "correction"),
                                         ({"psi_bands": (0.3, 0.1)}, "psi_bands"),
                                         ({"on_invalid": "ignore"}, "on_invalid")])
def test_bad_parameters_say_what_is_allowed(kwargs, name):
    df = make_frame(50, np.random.default_rng(0))
    with pytest.raises(DriftParameterError, match=f"The '{name}' parameter of feature_drift must be"):
        feature_drift(df, df, **kwargs)


def test_summary():
    rng = np.random.default_rng(10)
    ref, cur = make_frame(3000, rng), make_frame(3000, rng)
    cur["age"] += 15
    cur["region"] = "north"
    summary = summarize(feature_drift(ref, cur))
    assert summary.n_features == 6 and summary.n_drifted == 2
    assert summary.share_drifted == pytest.approx(2 / 6)
    assert sum(summary.by_severity.values()) == 6


def test_feature_detail_readings():
    rng = np.random.default_rng(11)
    d = drift.feature_detail(pd.Series(rng.normal(size=3000), name="x"), rng.normal(1, 1, 3000),
                             kind="numeric")
    assert d.feature == "x"
    assert set(d.readings) >= {"test", "psi", "wasserstein", "js"}
    assert "major" in d.readings["psi"] and "real difference" in d.readings["test"]


def test_20000_columns_by_300_rows_give_the_numbers_of_one_column_at_a_time():
    # Issue 10: a wide, short table is compared a block of columns at a time on one thread.  This asserts
    # results, not time (it takes about ten seconds).
    rng, n, k = np.random.default_rng(30), 300, 20_000
    ref, cur = (pd.DataFrame(rng.normal(size=(n, k)), columns=[f"f{i}" for i in range(k)]) for _ in "rc")
    cur["f1"] += 1.5                                             # shifted: drifted after 20,001 tests
    cur["f2"] *= 1000                                            # unit change
    ref["f3"], cur["f3"] = rng.poisson(3, n), rng.poisson(4, n)  # integers, ties
    ref.loc[:29, "f4"] = np.nan                                  # missing values on one side
    ref["city"], cur["city"] = rng.choice(["a", "b", "c"], n), rng.choice(["a", "b", "c", "d"], n)
    table = feature_drift(ref, cur)
    assert len(table) == k + 1 and table["feature"].is_unique
    by_name = table.set_index("feature")
    for col in ["f0", "f1", "f2", "f3", "f4", "f19999"]:
        row = by_name.loc[col]
        a, b = ref[col].dropna().to_numpy(dtype=float), cur[col].dropna().to_numpy(dtype=float)
        ks = stats.ks_2samp(a, b, method="auto")
        assert (row["statistic"], row["pvalue"]) == (float(ks.statistic), float(ks.pvalue)), col
        one = drift.feature_detail(ref[col], cur[col], kind="numeric", name=col)   # one column alone
        assert row["psi"] == one.psi.statistic and row["js"] == one.js.statistic, col
        assert row["wasserstein_norm"] == one.wasserstein.statistic, col
        w = stats.wasserstein_distance(a, b) / np.std(a)
        assert row["wasserstein_norm"] == pytest.approx(w, rel=1e-9), col
        np.testing.assert_equal([row["missing_ref"], row["missing_pvalue"]],
                                [one.missing_ref, one.missing_pvalue])
        assert row["change"] == one.change and row["finding"] == one.finding, col
    assert by_name.loc["f4", "missing_ref"] == 0.1 and by_name.loc["f4", "n_ref"] == n - 30
    assert by_name.loc["f2", "issue"] == "unit_change" and by_name.loc["f1", "drifted"]
    city = drift.chi2_test(ref["city"], cur["city"])
    assert (by_name.loc["city", "statistic"], by_name.loc["city", "pvalue"]) == (city.statistic, city.pvalue)
    family = np.r_[table["pvalue"].to_numpy(), table["missing_pvalue"].to_numpy()]
    adjusted = np.r_[table["pvalue_adjusted"].to_numpy(), table["missing_pvalue_adjusted"].to_numpy()]
    tested = ~np.isnan(family)
    assert tested.sum() == k + 2                                 # 20,001 tests and f4's missing-rate test
    assert np.array_equal(adjusted[tested], false_discovery_control(family[tested], method="bh"))


def test_increasing_is_pandas_dropna_is_monotonic_increasing():
    from drift.diagnosis.features import _increasing

    rng = np.random.default_rng(31)
    for trial in range(3000):
        n = int(rng.integers(0, 150))
        x = np.sort(rng.normal(size=n)) if trial % 2 else rng.normal(size=n)
        if trial % 3 == 0 and n:
            x[rng.random(n) < 0.3] = np.nan
        if trial % 5 == 0 and n > 70:
            x[70] = -10.0                                        # a single drop past the first values
        if trial % 7 == 0:
            x = np.round(x * 3)                                  # ties
        s = pd.Series(x)
        expected = bool(s.dropna().is_monotonic_increasing)
        assert _increasing(s) == _increasing(x) == expected
        ints = pd.Series(rng.integers(0, 3, n).cumsum() if trial % 2 else rng.integers(0, 3, n))
        assert _increasing(ints) == bool(ints.is_monotonic_increasing)
    assert _increasing(pd.Series(["a", "b", None, "c"])) and not _increasing(pd.Series([2, 1], dtype="Int64"))
