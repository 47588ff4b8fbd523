"""Pipeline-break signatures (drift.data.quality) and split proxies (drift.data.proxies) on hand-built cases.

Each signature must fire on the break it names and stay silent on the natural change that resembles it
(a younger population is not a stuck value, a 3x price is not a unit change, a new product code is
entity churn, a new year label is a split proxy, not renamed levels).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import drift
from drift.data import proxies, quality


def gen(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def sorted_(x) -> np.ndarray:
    return np.sort(np.asarray(x, dtype=float))


# --- numeric breaks ------------------------------------------------------------------------------------
@pytest.mark.parametrize("factor", [100.0, 1000.0, 0.001, 0.01, 1 / 60])
def test_unit_change_is_a_common_factor_on_every_quantile(factor):
    g = gen(1)
    ref = sorted_(g.lognormal(3, 1, 3000))
    cur = sorted_(g.lognormal(3, 1, 1500) * factor)
    found = quality.numeric_break(ref, cur)
    assert found is not None and found.kind == "unit_change"
    assert found.size == pytest.approx(factor, rel=0.15)
    assert "unit change" in found.message


def test_unit_change_of_a_zero_inflated_column_with_point_masses():
    g = gen(16)
    rain = np.where(g.random(3000) < 0.6, 0.0, np.round(g.gamma(1.2, 4.0, 3000), 1))   # mm, 60 % dry days
    ref, cur = sorted_(rain[:2000]), sorted_(rain[2000:] * 10)                          # then in tenths of mm
    found = quality.numeric_break(ref, cur)
    assert found is not None and found.kind == "unit_change" and found.size == 10.0     # snapped to 10


@pytest.mark.parametrize("factor", [1.5, 3.0, 0.4])
def test_natural_rescaling_is_not_a_unit_change(factor):
    g = gen(2)
    ref = sorted_(g.lognormal(3, 1, 3000))
    assert quality.numeric_break(ref, sorted_(g.lognormal(3, 1, 1500) * factor)) is None


def test_a_small_known_conversion_is_a_hint_not_a_break():
    g = gen(14)
    ref = sorted_(g.lognormal(8, 0.3, 3000))
    miles_to_km = sorted_(g.lognormal(8, 0.3, 1500) * 1.60934)
    assert quality.numeric_break(ref, miles_to_km) is None
    assert "miles to kilometres" in quality.unit_hint(ref, miles_to_km)
    assert quality.unit_hint(ref, sorted_(g.lognormal(8, 0.3, 1500) * 1.3)) == ""


def test_ten_times_richer_is_not_a_unit_change():
    # one group's incomes about ten times another's, but with a different spread (as Europe and Africa
    # in gapminder): every quantile ratio near 10, yet dividing by 10 does not give the same distribution
    g = gen(15)
    ref = sorted_(g.lognormal(7.0, 0.9, 600))
    cur = sorted_(g.lognormal(7.0 + np.log(10), 0.55, 400))
    assert quality.numeric_break(ref, cur) is None


def test_a_large_uneven_change_is_not_a_unit_change():
    g = gen(3)
    ref = sorted_(g.lognormal(2, 0.5, 3000))          # narrow
    cur = sorted_(g.lognormal(4.3, 1.5, 1500))        # ten times the median, much wider: a new population
    assert quality.scale_factor(ref, cur) is None


def test_stuck_value_and_default_fill_are_breaks():
    g = gen(4)
    ref = sorted_(g.normal(50, 10, 3000))
    stuck = g.normal(50, 10, 1500)
    stuck[:300] = 51.25
    found = quality.numeric_break(ref, sorted_(stuck))
    assert found.kind == "stuck_value" and found.size == pytest.approx(0.2, abs=0.01)
    filled = g.lognormal(3, 1, 1500)
    filled[:300] = 0.0
    found = quality.numeric_break(sorted_(g.lognormal(3, 1, 3000)), sorted_(filled))
    assert found.kind == "stuck_value" and "0" in found.message


def test_a_population_that_moves_towards_a_value_is_not_stuck():
    g = gen(5)
    ref = sorted_(np.round(g.normal(40, 10, 4000)))                                   # integer ages
    young = np.concatenate([np.round(g.normal(40, 10, 2400)), np.round(21 + g.gamma(2, 2.5, 1600))])
    assert quality.numeric_break(ref, sorted_(young)) is None


def test_sentinels_outside_the_range_are_breaks():
    g = gen(6)
    ref = sorted_(g.lognormal(3, 1, 3000))
    for sentinel in (-1.0, -999.0, 99999.0):
        cur = g.lognormal(3, 1, 1500)
        cur[:40] = sentinel                                   # 2.7 % of rows
        found = quality.numeric_break(ref, sorted_(cur))
        assert found is not None and found.kind == "out_of_range", sentinel
    winter = sorted_(g.normal(-2, 4, 1500))                   # natural negatives: many distinct values
    assert quality.numeric_break(sorted_(np.abs(g.normal(12, 4, 3000))), winter) is None
    # recorded in whole degrees F and converted (as Seattle's data): each value is a point mass, none a spike
    summer = sorted_(np.round((np.abs(g.normal(55, 6, 3000)) - 32) / 1.8 * 10) / 10)
    winter = sorted_(np.round((np.round(g.normal(36, 6, 1500)) - 32) / 1.8 * 10) / 10)
    assert summer[0] >= 0 and winter[0] < 0
    assert quality.numeric_break(summer, winter) is None


# --- categorical breaks and churn ---------------------------------------------------------------------------
def counts(values) -> pd.Series:
    return pd.Series(values).value_counts()


def test_renamed_levels_are_a_break_but_new_period_labels_are_not():
    g = gen(7)
    ref = counts(g.choice(["M", "F"], 2000, p=[0.48, 0.52]))
    renamed = counts(g.choice(["male", "female"], 1000, p=[0.48, 0.52]))
    found = quality.categorical_break(ref, renamed)
    assert found.kind == "replaced_levels" and "'male'" in found.message or "'female'" in found.message
    years = quality.categorical_break(counts(["2019"] * 500), counts(["2020"] * 500))
    assert years is None


def test_placeholder_level_is_a_break():
    g = gen(8)
    ref = counts(g.choice(list("abcdef"), 3000))
    cur_values = g.choice(list("abcdef"), 1000).astype(object)
    cur_values[:100] = "Unknown"
    found = quality.categorical_break(ref, counts(cur_values))
    assert found.kind == "placeholder" and found.size == pytest.approx(0.1)


def test_entity_churn_is_new_values_not_a_break():
    g = gen(9)
    names = [f"agent_{i}" for i in range(400)]
    ref = counts(g.choice(names[:300], 5000))
    cur = counts(g.choice(names[:300] + names[300:330], 2000, p=None))     # ~9 % of rows on new agents
    assert quality.categorical_break(ref, cur) is None
    assert quality.new_values_finding(ref, cur).startswith("new values:")


# --- the feature table carries both -------------------------------------------------------------------------
def frame(n: int, g: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame({"price": g.lognormal(3, 0.8, n), "qty": g.poisson(4, n).astype(float),
                         "segment": g.choice(list("abcd"), n), "sex": g.choice(["M", "F"], n)})


def test_feature_table_names_breaks_and_quality_issues_reads_them():
    g = gen(10)
    ref, cur = frame(3000, g), frame(1500, g)
    cur["price"] *= 100
    cur["sex"] = cur["sex"].map({"M": "male", "F": "female"})
    cur.loc[: 299, "qty"] = np.nan
    table = drift.feature_drift(ref, cur)
    got = {i.feature: i.kind for i in quality.quality_issues(None, None, None, table)}
    assert got == {"price": "unit_change", "sex": "replaced_levels", "qty": "missing_burst"}
    assert table.set_index("feature").loc["segment", "issue"] == ""


def test_a_type_change_from_validation_is_a_break():
    g = gen(11)
    ref, cur = frame(500, g), frame(500, g)
    cur["price"] = [f"{v:.2f} USD" for v in cur["price"]]
    validation = drift.validate_pair(ref, cur)
    table = drift.feature_drift(ref, cur)
    issues = quality.quality_issues(None, None, None, table, problems=validation.problems)
    assert [(i.feature, i.kind) for i in issues] == [("price", "type_change")]


# --- split proxies --------------------------------------------------------------------------------------
@pytest.mark.parametrize("make,reason", [
    (lambda n, side: np.full(n, 3.5 if side == 0 else 4.0), "constant_per_side"),
    (lambda n, side: np.random.default_rng(side).permutation(n) * 3 + side * 10_000, "identifier"),
    (lambda n, side: np.linspace(0, 1, n) + side * 2.0, "index"),
    (lambda n, side: np.random.default_rng(side).integers(20190101, 20191231, n) + side * 10_000,
     "date_number"),
])
def test_time_like_proxies_are_named(make, reason):
    n = 400
    ref = pd.DataFrame({"x": gen(0).normal(size=n), "p": make(n, 0)})
    cur = pd.DataFrame({"x": gen(1).normal(size=n), "p": make(n, 1)})
    table = drift.feature_drift(ref, cur)
    assert table.attrs["split_proxies"] == ("p",)
    row = table.set_index("feature").loc["p"]
    assert row["proxy"] == reason and reason in proxies.TIME_LIKE
    assert table["feature"].iloc[-1] == "p"                      # counted apart: listed last
    summary = drift.summarize(table)
    assert summary.proxies == ("p",) and summary.n_features == 1


def test_a_feature_that_changed_completely_separates_but_is_not_time_like():
    g = gen(12)
    ref = pd.DataFrame({"temp": g.normal(25, 2, 500), "x": g.normal(size=500)})
    cur = pd.DataFrame({"temp": g.normal(2, 2, 500), "x": g.normal(size=500)})
    row = drift.feature_drift(ref, cur).set_index("feature").loc["temp"]
    assert row["proxy"] == "separates" and "separates" not in proxies.TIME_LIKE


def test_a_unit_change_separates_the_sides_but_is_a_break_not_a_proxy():
    g = gen(13)
    ref = pd.DataFrame({"price": g.lognormal(3, 0.3, 500)})
    cur = pd.DataFrame({"price": g.lognormal(3, 0.3, 500) * 100})
    row = drift.feature_drift(ref, cur).set_index("feature").loc["price"]
    assert row["statistic"] >= proxies.SEPARATION_D
    assert row["issue"] == "unit_change" and row["proxy"] == ""
