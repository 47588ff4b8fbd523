"""monitor and split_batches: calibrated thresholds, the tiny last batch, the credit scenario, bad input."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

import drift.monitoring.reference as reference_module
from drift import DriftInputError, DriftParameterError, feature_drift, profile_reference
from drift.core.errors import MixedTypeError
from drift.data.batching import describe_split, split_batches
from drift.data.quality import QualityBaseline, quality_issues
from drift.data.scenarios import load_scenario
from drift.model.performance import classification_metrics
from drift.monitoring.calibration import draw_weights, size_buckets
from drift.monitoring.metrics import PREDICTION_BINS, measure, score_nulls
from drift.monitoring.monitor import (
    DETECTORS,
    METRIC_COLUMNS,
    MonitorResult,
    calibrated_threshold,
    exceeds,
    joint_thresholds,
    monitor,
)
from drift.monitoring.reference import Reference

ROWS = ("features", "prediction", "performance", "estimated_performance")


def make_frame(n: int, rng: np.random.Generator, shift: float = 0.0) -> pd.DataFrame:
    """Four numeric and two categorical features, a calibrated score and its 0/1 label."""
    z = rng.normal(size=n)
    x1 = 5 + z + rng.normal(shift, 1, n)
    frame = pd.DataFrame({
        "x1": x1, "x2": rng.gamma(2.0, 2.0, n), "x3": rng.poisson(3, n).astype(float),
        "x4": 3 + 0.5 * z + rng.normal(size=n),
        "c1": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1]),
        "c2": rng.choice(["u", "v"], n),
    })
    frame["score"] = expit(-1 + 0.8 * (x1 - 5) - 0.3 * (frame["x4"] - 3) + 0.5 * (frame["c1"] == "a"))
    frame["label"] = (rng.random(n) < frame["score"]).astype(np.int64)
    return frame


@pytest.fixture(scope="module")
def credit():
    return load_scenario("credit")


# ------------------------------------------------------------------------------------ split_batches
def test_split_by_column_keeps_order_of_first_appearance():
    df = pd.DataFrame({"b": ["x"] * 60 + ["a"] * 70 + ["x"] * 5, "v": range(135)})
    out = split_batches(df, batch_col="b")
    assert [(label, len(rows)) for label, rows in out] == [("x", 65), ("a", 70)]
    assert list(out[0][1]["v"]) == list(range(60)) + list(range(130, 135))   # row order kept
    assert out[1][1].index.equals(pd.RangeIndex(70))


def test_split_by_time_period_week_and_month():
    df = pd.DataFrame({"t": pd.date_range("2025-01-01", periods=120, freq="D").astype(str), "v": 1})
    df = df.sample(frac=1, random_state=0)                 # chronological order comes from the stamps
    weeks = split_batches(df, time_col="t", period="W", min_rows=1)
    assert weeks[0][0] == "2024-12-30" and len(weeks[0][1]) == 5       # Wed 1 Jan .. Sun 5 Jan
    assert weeks[1] == ("2025-01-06", weeks[1][1]) and len(weeks[1][1]) == 7
    months = split_batches(df, time_col="t", period="M", min_rows=30)
    expected = [("2025-01", 31), ("2025-02", 28), ("2025-03", 31), ("2025-04", 30)]
    assert [(label, len(rows)) for label, rows in months] == expected


def test_tiny_last_batch_is_merged_with_a_warning():
    df = pd.DataFrame({"v": range(1020)})
    with pytest.warns(UserWarning, match="merged into 'rows 501-1000'"):
        out = split_batches(df, size=500)
    assert [(label, len(rows)) for label, rows in out] == [("rows 1-500", 500), ("rows 501-1020", 520)]
    times = pd.DataFrame({"t": ["2025-01-05"] * 100 + ["2025-02-01"] * 3})
    with pytest.warns(UserWarning, match="has 3 row"):
        out = split_batches(times, time_col="t", period="M")
    assert [(label, len(rows)) for label, rows in out] == [("2025-01+2025-02", 103)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(split_batches(df.head(10), size=500)) == 1          # a lone batch is kept as it is


@pytest.mark.parametrize("kwargs, match", [
    ({}, "exactly one"), ({"batch_col": "b", "size": 10}, "exactly one"), ({"size": 0}, ">= 1"),
    ({"time_col": "t", "period": "Y"}, "one of"), ({"size": 10, "period": "M"}, "only with time_col"),
])
def test_split_rejects_bad_options(kwargs, match):
    df = pd.DataFrame({"b": ["a"] * 20, "t": ["2025-01-01"] * 20})
    with pytest.raises(DriftParameterError, match=match):
        split_batches(df, **kwargs)


def test_split_by_size_in_a_chosen_order():
    df = pd.DataFrame({"x": [5, 3, np.nan, 1, 4, 2, 0], "v": range(7)})
    out = split_batches(df, size=3, order="x", min_rows=1)
    assert [(label, list(rows["v"])) for label, rows in out] == [
        ("x 0–2", [6, 3, 5]), ("x 3–5", [1, 4, 0]), ("x missing", [2])]      # missing values last
    ties = split_batches(pd.DataFrame({"x": [7] * 6}), size=2, order="x", min_rows=1)
    assert [label for label, _ in ties] == ["x 7–7", "x 7–7 #2", "x 7–7 #3"]       # labels stay unique
    days = pd.DataFrame({"d": pd.to_datetime(["2025-01-03", "2025-01-01", "2025-01-02", "2025-01-04"])})
    assert [label for label, _ in split_batches(days, size=2, order="d", min_rows=1)] == [
        "d 2025-01-01–2025-01-02", "d 2025-01-03–2025-01-04"]
    big = pd.DataFrame({"x": [12_000.0, 34_500.0, 0.125, 1e9]})
    assert [label for label, _ in split_batches(big, size=2, order="x", min_rows=1)] == ["x 0.125–12,000",
                                                                             "x 34,500–1e+09"]


def test_split_in_random_chunks_is_seeded_and_keeps_every_row():
    df = pd.DataFrame({"v": range(1000)})
    a = split_batches(df, size=300, shuffle=True, rng=4, min_rows=1)
    b = split_batches(df, size=300, shuffle=True, rng=4, min_rows=1)
    c = split_batches(df, size=300, shuffle=True, rng=5, min_rows=1)
    assert [label for label, _ in a] == ["chunk 1", "chunk 2", "chunk 3", "chunk 4"]
    expected = np.random.default_rng(4).permutation(1000)                    # the documented permutation
    assert np.array_equal(np.concatenate([rows["v"] for _, rows in a]), expected)
    assert all(x[1].equals(y[1]) for x, y in zip(a, b)) and not a[0][1].equals(c[0][1])
    with pytest.warns(UserWarning, match="'chunk 4' has 100 row"):
        merged = split_batches(df, size=300, shuffle=True, min_rows=150)
    assert [(label, len(rows)) for label, rows in merged][-1] == ("chunk 3+4", 400)


@pytest.mark.parametrize("kwargs, match", [
    ({"batch_col": "b", "order": "v"}, "used only with size"), ({"batch_col": "b", "shuffle": True},
                                                                  "used only with size"),
    ({"size": 10, "order": "v", "shuffle": True}, "not both"),
])
def test_split_rejects_order_options_out_of_place(kwargs, match):
    df = pd.DataFrame({"b": ["a"] * 20, "v": range(20)})
    with pytest.raises(DriftParameterError, match=match):
        split_batches(df, **kwargs)


def test_split_rejects_an_order_column_it_cannot_use():
    with pytest.raises(DriftInputError, match="column 'when': no column named 'when'"):
        split_batches(pd.DataFrame({"v": range(5)}), size=2, order="when")
    mixed = pd.DataFrame({"v": pd.Series([1, "a", 2.5, "b"], dtype=object)})
    with pytest.raises(DriftInputError, match="column 'v': its values cannot be put in order"):
        split_batches(mixed, size=2, order="v")


def test_describe_split_says_which_order():
    assert describe_split(batch_col="month") == "one batch per value of column 'month'"
    assert describe_split(time_col="date", period="W") == \
        "one batch per week (Monday to Sunday) of time column 'date'"
    assert describe_split(size=2000, shuffle=True, rng=3).startswith(
        "random chunks of 2,000 rows (seed 3): every batch is a random sample of the same rows, so batches "
        "can only differ by noise")
    assert describe_split(size=500).startswith("consecutive runs of 500 rows in file order")
    assert describe_split(size=500, order="id").startswith("runs of 500 rows after sorting the rows by "
                                                           "column 'id'")
    assert describe_split() == "one batch: all the rows"


def test_split_rejects_missing_labels_and_bad_dates():
    with pytest.raises(DriftInputError, match="no batch label"):
        split_batches(pd.DataFrame({"b": ["a", None]}), batch_col="b")
    with pytest.raises(DriftInputError, match="do not parse"):
        split_batches(pd.DataFrame({"t": ["2025-01-01", "yesterday"]}), time_col="t", period="D")
    with pytest.raises(DriftInputError, match="no column named 'nope'"):
        split_batches(pd.DataFrame({"t": [1]}), batch_col="nope")


# ------------------------------------------------------------------------------------ decision rule
def test_threshold_is_the_conformal_order_statistic():
    x = np.arange(1.0, 41.0)                       # 40 null values 1..40
    assert calibrated_threshold(x, 0.95, "up") == 39.0        # ceil(41 * 0.95) = 39th smallest
    assert calibrated_threshold(x, 0.95, "down") == 2.0       # 39th largest
    assert calibrated_threshold(x[:10], 0.95, "up") == 10.0   # too few draws: the largest
    assert math.isnan(calibrated_threshold([np.nan], 0.95, "up"))
    assert exceeds(39.5, 39.0, "up") and not exceeds(39.0, 39.0, "up")
    assert exceeds(1.5, 2.0, "down") and not exceeds(np.nan, 2.0, "down") and not exceeds(5, 1, "none")


# ------------------------------------------------------------------------------------- calibration
def test_pseudo_reference_matches_profiling_the_rest():
    """The re-weighted profile of the calibration equals profiling the other rows from scratch."""
    rng = np.random.default_rng(3)
    ref = make_frame(2000, rng)
    ref.loc[ref.index[:40], "x2"] = np.nan                       # missing values too
    chunk = make_frame(300, rng)
    schema = drift_schema(ref)
    context = Reference(ref, schema, target="label", prediction="score", bins=10,
                        threshold=0.5, embeddings=None, detectors=set(DETECTORS))
    keep = np.ones(len(ref), dtype=np.int64)
    keep[rng.choice(len(ref), 500, replace=False)] = 0
    pseudo = context.pseudo(keep)
    rest = ref[keep.astype(bool)]
    expected = feature_drift(profile_reference(rest, schema=schema), chunk)
    got = feature_drift(pseudo.profile, chunk)
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.parametrize("size", [300, 2000])                   # split and bootstrap draws
def test_score_nulls_equal_measuring_the_chunk_against_the_other_rows(size):
    """The score-based null values, computed from weights on the presorted reference, equal the library
    functions run on the chunk's rows and on the pseudo-reference's rows (repeated by their weights)."""
    from drift.model.performance import expected_metrics
    from drift.model.prediction import prediction_drift

    rng = np.random.default_rng(5)
    ref = make_frame(4000, rng)
    ref.loc[ref.index[:50], "label"] = np.nan                      # some rows without a label
    ref.loc[ref.index[50:80], "score"] = np.nan                    # and some without a score
    context = Reference(ref, drift_schema(ref), target="label", prediction="score", bins=10,
                        threshold=0.5, embeddings=None, detectors=set(DETECTORS))
    gen = np.random.default_rng(2)
    draws = [draw_weights(gen, len(ref), size) for _ in range(3)]
    block = [(chunk, weights) for chunk, weights, _ in draws]
    split = draws[0][2] == "split"
    assert split == (size == 300)
    got = score_nulls(context, block, {"prediction", "performance", "estimated_performance"}, split)
    for j, (chunk, weights) in enumerate(block):
        rows = ref.iloc[chunk]
        other = ref.loc[ref.index.repeat(weights)]
        a, b = rows.dropna(subset=["score"]), other.dropna(subset=["score"])
        psi = prediction_drift(b["score"], a["score"], bins=PREDICTION_BINS).statistic
        assert got["prediction_psi"][j] == pytest.approx(psi, rel=1e-12)
        la, lb = a.dropna(subset=["label"]), b.dropna(subset=["label"])
        ma = classification_metrics(la["label"].to_numpy(), la["score"].to_numpy())
        mb = classification_metrics(lb["label"].to_numpy(), lb["score"].to_numpy())
        assert got["roc_auc"][j] == pytest.approx(ma["roc_auc"] - mb["roc_auc"], abs=1e-12)
        assert got["accuracy"][j] == pytest.approx(ma["accuracy"] - mb["accuracy"], abs=1e-12)
        ea = expected_metrics(context.cbpe.iso.predict(a["score"].to_numpy()), a["score"].to_numpy())
        eb = expected_metrics(context.cbpe.iso.predict(b["score"].to_numpy()), b["score"].to_numpy())
        assert got["estimated_roc_auc"][j] == pytest.approx(ea["roc_auc"] - eb["roc_auc"], abs=1e-12)
        assert got["estimated_accuracy"][j] == pytest.approx(ea["accuracy"] - eb["accuracy"], abs=1e-12)


def test_chunks_cut_as_categoricals_give_the_same_numbers():
    """Null chunks are cut from a copy with Categorical features: no statistic changes."""
    rng = np.random.default_rng(0)
    ref = make_frame(3000, rng)
    ref.loc[ref.index[:30], "c1"] = None
    context = Reference(ref, drift_schema(ref), target="label", prediction="score", bins=10,
                        threshold=0.5, embeddings=None, detectors=set(DETECTORS))
    assert isinstance(context.chunk_source["c1"].dtype, pd.CategoricalDtype)
    gen = np.random.default_rng(1)
    for size in (300, 2000):                                   # split and bootstrap draws
        chunk, weights, _ = draw_weights(gen, len(ref), size)
        base = context.pseudo(weights)
        dets = {"features", "quality"}                          # the detectors that read the chunk's rows
        options = dict(alpha=0.05, correction="bh")
        a = measure(context, base, ref.iloc[chunk], dets, **options)
        b = measure(context, base, context.chunk_source.iloc[chunk], dets, **options)
        pd.testing.assert_frame_equal(a.table, b.table)
        assert a.values == b.values and a.issues == b.issues


def drift_schema(frame: pd.DataFrame):
    from drift import infer_schema

    return infer_schema(frame).with_roles(target="label", prediction="score")


@pytest.mark.parametrize("n_ref, size, mode", [(6000, 300, "split"), (4000, 2000, "bootstrap")])
def test_each_detector_false_alarms_near_the_level_on_null_batches(n_ref, size, mode):
    """Batches drawn from the reference's distribution make each *detector* alert at about 1 - quantile.

    300-row batches are calibrated by splitting a 6,000-row reference, 2,000-row ones (half of a
    4,000-row reference) by the bootstrap.  Four calibration seeds x 40 null batches = 160 batches per
    detector; the conformal rule gives 2/41 = 4.9 % on average.  Observed (features, prediction,
    performance, estimated performance): 4.4, 3.7, 1.9, 6.9 % and 6.9, 6.2, 3.1, 3.1 %.  With one
    threshold per metric at 0.95 (before the joint calibration), a two-metric detector alerts at up to
    twice the level, and the old per-feature detector's share-drifted + max-PSI pair did too.
    A detector above 2 x 5 % of 160 (16) fails; a calibrated one exceeds 16 with probability < 1 %
    (binomial(160, 0.049) >= 17 is 0.3 %).
    """
    fired_total: dict[str, int] = {}
    for seed in range(4):
        rng = np.random.default_rng(100 + seed)
        ref = make_frame(n_ref, rng)
        batches = [(f"b{k}", make_frame(size, rng)) for k in range(40)]
        res = monitor(ref, batches, target="label", prediction="score", detectors=ROWS, rng=seed)
        assert set(res.calibration["mode"]) == {mode} and set(res.calibration["size"]) == {size}
        assert res.metrics.loc[res.metrics["direction"] != "none", "threshold"].notna().all()
        for d, n in res.detector_alerts().sum().items():
            fired_total[d] = fired_total.get(d, 0) + int(n)
    assert set(fired_total) == set(ROWS)
    assert all(n <= 16 for n in fired_total.values()), fired_total
    assert 0.02 <= sum(fired_total.values()) / (4 * 160) <= 0.08, fired_total


def test_thresholds_scale_with_batch_size_and_shifts_are_caught():
    rng = np.random.default_rng(7)
    ref = make_frame(6000, rng)
    batches = [("small", make_frame(300, rng)), ("large", make_frame(1500, rng)),
               ("shifted", make_frame(1500, rng, shift=0.4))]
    res = monitor(ref, batches, target="label", prediction="score", detectors=ROWS)
    thr = res.wide("threshold")
    feature_thr = res.feature_thresholds
    assert (feature_thr["small"] > 3 * feature_thr["large"]).all()            # PSI noise ~ 1/n
    assert thr.loc["small", "roc_auc"] < thr.loc["large", "roc_auc"]         # wider band when small
    assert sorted(res.calibration["size"].unique()) == [300, 1500]           # equal sizes share one
    alerts = res.wide("alert")
    assert alerts.loc["shifted", "psi_tail"] and alerts.loc["shifted", "prediction_psi"]
    assert not alerts.loc["shifted", "max_psi"] and np.isnan(thr.loc["shifted", "max_psi"])  # shown only
    assert res.batches.set_index("batch").loc["shifted", "status"] == "alert"
    assert res.feature_beyond()["shifted"].loc["x1"]
    reasons = res.alerts[res.alerts["batch"] == "shifted"].set_index("metric")["reason"]
    assert "x1 (PSI" in reasons["psi_tail"] and "below its threshold" in reasons["psi_tail"]


def test_size_buckets_share_calibrations():
    assert size_buckets([1000, 1050, 1190, 1300, 5000]) == {1000: 1050, 1050: 1050, 1190: 1050,
                                                            1300: 1300, 5000: 5000}


def test_reference_is_profiled_once_and_results_are_reproducible(monkeypatch):
    calls = []
    original = reference_module.profile_reference

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(reference_module, "profile_reference", counting)
    rng = np.random.default_rng(11)
    ref = make_frame(3000, rng)
    batches = [(f"b{k}", make_frame(400, rng)) for k in range(3)]
    a = monitor(ref, batches, target="label", prediction="score", detectors=ROWS, n_calibration=10)
    assert len(calls) == 1
    b = monitor(ref, batches + [("extra", make_frame(900, rng))], target="label", prediction="score",
                detectors=ROWS, n_calibration=10)
    # the same seed gives the same numbers, and adding a batch of another size changes no other threshold
    pd.testing.assert_frame_equal(a.metrics, b.metrics[b.metrics["batch"] != "extra"].reset_index(drop=True))


def test_tiny_and_degenerate_batches_do_not_crash():
    rng = np.random.default_rng(5)
    ref = make_frame(3000, rng)
    frame = pd.concat([make_frame(500, rng), make_frame(520, rng)], ignore_index=True)
    with pytest.warns(UserWarning, match="merged"):
        res = monitor(ref, frame, size=500, target="label", prediction="score", detectors=ROWS,
                      n_calibration=10,
                      min_rows=50)
    assert res.labels == ["rows 1-500", "rows 501-1020"]
    res = monitor(ref, [("normal", make_frame(500, rng)), ("five", make_frame(5, rng)),
                        ("one", make_frame(1, rng))],
                  target="label", prediction="score", detectors=ROWS, n_calibration=10)
    w = res.wide()
    assert w.loc["five", "n_rows"] == 5 and math.isnan(w.loc["five", "roc_auc"])      # < 30 labels
    assert not math.isnan(res.wide("threshold").loc["five", "psi_tail"])              # calibrated at 5 rows
    assert w.loc["one"].drop("n_rows").isna().all()
    assert not res.wide("alert").loc["one"].any()
    json.dumps(res.to_dict(), allow_nan=False)


# ------------------------------------------------------------------------------------ credit scenario
def test_credit_scenario_flags_the_drifted_months(credit):
    """Observed with the defaults (n_calibration=40, quantile=0.95, rng=0), domain classifier off.

    Every injected month alerts.  Clean month 2025-04 carries a false alarm on the two score-based
    detectors: its applicants came out a little riskier by chance (mean score 0.121 against 0.116),
    prediction PSI 0.0059 over a threshold of 0.0056.  The realised performance catches the campaign, the
    recession (accuracy) and the concept drift (ROC AUC).  (With
    one threshold per metric and 40 draws for the score-based detectors, three clean months carried a
    performance alert: accuracy on 2025-01 and 2025-02, estimated accuracy on 2025-04.)
    """
    res = monitor(credit.reference, credit.current, batch_col="batch", target="default", prediction="score",
                  detectors=("features", "prediction", "performance", "estimated_performance", "quality"))
    fired = res.detector_alerts()
    caught = {d: sorted(fired.index[fired[d]]) for d in fired.columns}
    assert caught["features"] == ["2025-03", "2025-05", "2025-06", "2025-08", "2025-11"]
    assert caught["quality"] == ["2025-05", "2025-08", "2025-11"]
    assert caught["prediction"] == ["2025-03", "2025-04", "2025-05", "2025-08"]
    assert caught["performance"] == ["2025-03", "2025-07", "2025-10"]
    assert caught["estimated_performance"] == ["2025-03", "2025-04", "2025-05", "2025-08", "2025-11"]
    injected = credit.manifest.loc[credit.manifest["kind"] != "no_drift", "batch"].tolist()
    clean = credit.manifest.loc[credit.manifest["kind"] == "no_drift", "batch"].tolist()
    assert fired.loc[injected].any(axis=1).all()                           # every injected month alerts
    false_alarms = fired.loc[clean]
    assert false_alarms.sum().to_dict() == {"features": 0, "prediction": 1, "performance": 0,
                                            "estimated_performance": 1, "quality": 0}
    quiet = [b for b in clean if b != "2025-04"]
    assert list(res.batches.loc[res.batches["status"] == "ok", "batch"]) == quiet
    assert res.chunking == "one batch per value of column 'batch'"
    n_draws = res.calibration.set_index("metric")["n_draws"]
    assert n_draws["psi_tail"] == 40 and n_draws["roc_auc"] == n_draws["prediction_psi"] == 200
    wide = res.wide()
    assert wide.loc["2025-10", "roc_auc"] < res.wide("threshold").loc["2025-10", "roc_auc"] < 0.79
    assert wide.loc["2025-05", "quality_issues"] == 1 and wide.loc["2025-08", "quality_issues"] == 2
    assert set(res.calibration["size"]) == {4000} and set(res.calibration["mode"]) == {"split"}
    # tables for the timeline page
    assert res.severity.shape == (15, 12) and res.severity.loc["income", "2025-05"] == "major"
    assert res.severity.loc["region", "2025-06"] == "major" and res.psi.loc["region", "2025-01"] < 0.01
    assert tuple(res.metrics.columns) == METRIC_COLUMNS
    assert res.notes == ()
    json.dumps(res.to_dict(), allow_nan=False)


def test_quality_baseline_finds_the_same_issues_as_the_reference(credit):
    schema = drift_schema_credit(credit)
    baseline = QualityBaseline.of(credit.reference, schema)
    profile = profile_reference(credit.reference, schema=schema)
    for label in ("2025-05", "2025-08", "2025-11", "2025-01"):
        batch = credit.get_batch(label)
        table = feature_drift(profile, batch)
        expected = quality_issues(credit.reference, batch, schema, table)
        assert quality_issues(baseline, batch, schema, table) == expected


def drift_schema_credit(credit):
    from drift import infer_schema

    return infer_schema(credit.reference).with_roles(target="default", prediction="score")


def test_diagnose_alerts_gives_verdicts_for_alerted_batches_only():
    sc = load_scenario("credit", n_train=2000, batch_size=500)
    pairs = [(label, sc.get_batch(label)) for label in ("2025-01", "2025-05", "2025-06")]
    res = monitor(sc.reference, pairs, target="default", prediction="score", detectors=("features",
                                                                                        "quality"),
                  n_calibration=20, diagnose_alerts=True)
    alerted = list(res.batches.loc[res.batches["status"] == "alert", "batch"])
    assert alerted == ["2025-05", "2025-06"]
    verdicts = res.verdicts.set_index("batch")["verdict"]
    assert list(verdicts.index) == alerted
    assert verdicts["2025-05"] == "data_quality"                     # income recorded in thousands
    assert res.batches.set_index("batch").loc["2025-01", "verdict"] == ""


def test_mmd_on_embedding_columns():
    rng = np.random.default_rng(2)

    def emb(n, shift=0.0):
        return pd.DataFrame(rng.normal(shift, 1, size=(n, 4)), columns=[f"emb_{i}" for i in range(4)]).assign(
            x=rng.normal(size=n))

    res = monitor(emb(2000), [("same", emb(300)), ("moved", emb(300, 0.5))], embeddings="auto",
                  detectors=("mmd",), n_calibration=20, mmd_max_samples=300)
    alerts = res.wide("alert")["mmd"]
    assert not alerts["same"] and alerts["moved"]


# ------------------------------------------------------------------------------------------ bad input
def test_bad_parameters_and_inputs_raise_clear_errors():
    rng = np.random.default_rng(1)
    ref = make_frame(500, rng)
    batch = make_frame(100, rng)
    with pytest.raises(DriftParameterError, match="'detectors' parameter of monitor must be a subset of"):
        monitor(ref, [("b", batch)], detectors=("psi",))
    with pytest.raises(DriftParameterError, match="'quantile'"):
        monitor(ref, [("b", batch)], quantile=1.5)
    with pytest.raises(DriftParameterError, match="distinct labels"):
        monitor(ref, [("b", batch), ("b", batch)])
    with pytest.raises(DriftInputError, match="lacks the feature"):
        monitor(ref, [("b", batch.drop(columns="x2"))], detectors=("features",))
    with pytest.raises(MixedTypeError, match="x1"):
        monitor(ref, [("b", batch.assign(x1="n/a"))], detectors=("features",))
    with pytest.raises(DriftInputError, match="no column named 'y'"):
        monitor(ref, [("b", batch)], target="y")
    res = monitor(ref.drop(columns=["score", "label"]), [("b", batch)], n_calibration=5,
                  detectors=("features", "quality", "prediction", "performance"))
    assert any("no prediction column" in n for n in res.notes)
    assert set(res.detectors) == {"features", "quality"}
    assert isinstance(res, MonitorResult)


# ------------------------------------------------------------------------------ joint thresholds
def test_joint_thresholds_of_one_metric_are_the_conformal_order_statistic():
    rng = np.random.default_rng(8)
    for k in (5, 19, 20, 40, 100):
        for q in (0.9, 0.95, 0.99):
            x = rng.normal(size=k)
            x[rng.random(k) < 0.2] = 0.0                          # ties
            x[rng.random(k) < 0.1] = np.nan                       # left out
            for direction in ("up", "down"):
                got = joint_thresholds({"m": x}, {"m": direction}, q)["m"]
                assert got == calibrated_threshold(x, q, direction), (k, q, direction)
    assert math.isnan(joint_thresholds({"m": [1.0, 2.0]}, {"m": "none"}, 0.95)["m"])


def test_joint_thresholds_by_hand():
    """40 draws of two metrics.  Perfectly opposed (the worst draw of one is the best of the other):
    one threshold per metric at rank 39 would let two draws cross, so both move to the most extreme
    value.  Perfectly together: the two metrics act as one and keep rank 39."""
    a = np.arange(1.0, 41.0)
    opposed = joint_thresholds({"a": a, "b": a[::-1].copy()}, {"a": "up", "b": "up"}, 0.95)
    assert opposed == {"a": 40.0, "b": 40.0}
    together = joint_thresholds({"a": a, "b": 2 * a}, {"a": "up", "b": "up"}, 0.95)
    assert together == {"a": 39.0, "b": 78.0}
    mixed = joint_thresholds({"a": a, "b": -a}, {"a": "up", "b": "down"}, 0.95)   # a drop is bad for b
    assert mixed == {"a": 39.0, "b": -39.0}


def test_joint_thresholds_hold_the_detector_level():
    """Two independent continuous metrics, 40 null draws: a fresh null draw crosses at least one
    threshold about 2/41 = 4.9 % of the time (one threshold per metric at 0.95 would give ~9.5 %),
    and never more than one calibration draw crosses in-sample."""
    rng = np.random.default_rng(0)
    crossed, reps = 0, 4000
    for _ in range(reps):
        null = rng.normal(size=(41, 2))
        thr = joint_thresholds({"a": null[:40, 0], "b": null[:40, 1]}, {"a": "up", "b": "up"}, 0.95)
        inside = (null[:40, 0] > thr["a"]) | (null[:40, 1] > thr["b"])
        assert inside.sum() <= 1
        crossed += bool(null[40, 0] > thr["a"] or null[40, 1] > thr["b"])
    assert 0.04 <= crossed / reps <= 0.06, crossed / reps


def test_feature_thresholds_follow_the_documented_rule():
    """Recompute the features detector's calibration from the module docstring, independently: the
    same null draws (seeded as documented), each compared with a profile of the other rows; per-feature
    mean PSI (levels), chi-square tail probabilities with leave-one-out levels, the joint rule."""
    from scipy.stats import chi2

    from drift.stats.binning import quantile_edges
    from drift.stats.samples import SortedSample

    rng = np.random.default_rng(3)
    ref = make_frame(2000, rng)
    schema = drift_schema(ref)
    res = monitor(ref, [("b", make_frame(300, rng))], schema=schema, detectors=("features",),
                  n_calibration=20, rng=3)
    gen = np.random.default_rng([3, 0, 300])
    psi, share = [], []
    for _ in range(20):
        chunk, weights, _ = draw_weights(gen, len(ref), 300)
        table = feature_drift(profile_reference(ref[weights.astype(bool)], schema=schema), ref.iloc[chunk])
        psi.append(table.set_index("feature")["psi"])
        share.append(float(table["drifted"].mean()))
    null = pd.DataFrame(psi).reset_index(drop=True)
    dofs = {}
    for f in null.columns:                                   # non-empty reference bins - 1
        if schema.kinds[f] == "numeric":
            x = np.sort(ref[f].to_numpy(float))
            edges = quantile_edges(SortedSample(x, 0), 10)
            dofs[f] = len(np.unique(np.searchsorted(edges, x, side="right"))) - 1
        else:
            dofs[f] = ref[f].nunique() - 1
    assert dofs["x1"] == 9 and dofs["c1"] == 3 and dofs["c2"] == 1
    d = pd.Series(dofs)[null.columns]
    tails = [min(chi2.sf(d * null.iloc[j] / null.drop(index=null.index[j]).mean(), d)) for j in range(20)]
    expected = joint_thresholds({"share_drifted": share, "psi_tail": tails},
                                {"share_drifted": "up", "psi_tail": "down"}, 0.95)
    assert res.wide("threshold").loc["b", "psi_tail"] == pytest.approx(expected["psi_tail"])
    bands = null.mean() / d * chi2.isf(expected["psi_tail"], d)
    pd.testing.assert_series_equal(res.feature_thresholds["b"], bands.reindex(res.feature_thresholds.index),
                                   check_names=False)


# ------------------------------------------------------------------------------------ chunking
def test_monitor_says_how_it_chunked_and_file_order_is_never_silent():
    """A production file sorted by one column: cut in file order every chunk looks drifted (the issue's
    "7 of 7 batches crossed" on clean data); random chunks of the same rows are clean, and say that
    they can only show noise; ordering by a column leaves that column out of the monitored features."""
    rng = np.random.default_rng(21)
    ref = make_frame(4000, rng)
    cur = make_frame(1600, rng).sort_values("x2", ignore_index=True)
    options = dict(target="label", prediction="score", detectors=("features",), n_calibration=20)
    in_file = monitor(ref, cur, size=400, **options)
    assert in_file.chunking.startswith("consecutive runs of 400 rows in file order")
    assert in_file.detector_alerts()["features"].all()
    shuffled = monitor(ref, cur, size=400, shuffle=True, **options)
    assert shuffled.chunking.startswith("random chunks of 400 rows (seed 0)")
    assert shuffled.labels == ["chunk 1", "chunk 2", "chunk 3", "chunk 4"]
    assert not shuffled.detector_alerts()["features"].any()
    ordered = monitor(ref, cur, size=400, order="x2", **options)
    assert ordered.chunking.startswith("runs of 400 rows after sorting the rows by column 'x2'")
    assert "x2" not in ordered.psi.index
    assert any("'x2' orders the batches, so it is not monitored itself" in n for n in ordered.notes)
    given = monitor(ref, [("a", cur.head(400)), ("b", cur.tail(400))], **options)
    assert given.chunking == "2 batch(es) as given by the caller"
    assert monitor(ref, [("a", cur)], chunking="one file per day", **options).chunking == "one file per day"
    assert in_file.to_dict()["chunking"] == in_file.chunking


# ------------------------------------------------------------------------------------ muting
def seasonal_frame(n: int, rng: np.random.Generator, season: float) -> pd.DataFrame:
    """``make_frame`` plus a calendar feature around ``season`` (the reference sees a narrow range)."""
    return make_frame(n, rng).assign(season=np.round(rng.normal(season, 0.05, n), 3))


def test_a_muted_feature_is_shown_but_never_alerts():
    rng = np.random.default_rng(9)
    ref = seasonal_frame(4000, rng, 0.0)
    batches = [(f"w{k}", seasonal_frame(500, rng, 0.3 * (k + 1))) for k in range(4)]
    options = dict(target="label", prediction="score", detectors=("features", "quality"), n_calibration=20)
    loud = monitor(ref, batches, **options)
    assert loud.detector_alerts()["features"].all()                      # the season moves every week
    quiet = monitor(ref, batches, mute=("season",), **options)
    assert quiet.muted == ("season",) and quiet.params["mute"] == ["season"]
    assert not quiet.detector_alerts().any().any()
    assert (quiet.psi.loc["season"] > quiet.feature_thresholds.loc["season"]).all()  # computed and shown
    assert not quiet.feature_beyond().loc["season"].any()
    summary = quiet.feature_summary()
    assert summary["feature"].iloc[-1] == "season" and summary["muted"].iloc[-1]
    assert summary["n_beyond"].sum() == 0
    # the others are corrected among themselves, as if the muted feature were not there
    schema = drift_schema(ref)
    alone = feature_drift(ref, batches[0][1], schema=schema.with_roles(excluded=("season",)))
    pd.testing.assert_series_equal(quiet.severity["w0"].drop("season").sort_index(),
                                   alone.set_index("feature")["severity"].sort_index(), check_names=False)


def test_muting_a_unit_change_silences_the_quality_check_on_it():
    rng = np.random.default_rng(4)
    ref = make_frame(3000, rng)
    broken = make_frame(500, rng).assign(x2=lambda f: f["x2"] * 1000)
    options = dict(target="label", prediction="score", detectors=("quality",), n_calibration=10)
    assert monitor(ref, [("b", broken)], **options).wide().loc["b", "quality_issues"] == 1
    assert monitor(ref, [("b", broken)], mute="x2", **options).wide().loc["b", "quality_issues"] == 0


def test_bad_mute_arguments():
    rng = np.random.default_rng(1)
    ref = make_frame(500, rng)
    with pytest.raises(DriftInputError, match="column 'nope': cannot mute 'nope': it is not a monitored"):
        monitor(ref, [("b", make_frame(100, rng))], mute=("nope",), target="label", prediction="score")
    everything = ("x1", "x2", "x3", "x4", "c1", "c2")
    res = monitor(ref, [("b", make_frame(100, rng))], mute=everything, target="label", prediction="score",
                  detectors=("features", "quality", "prediction"), n_calibration=5)
    assert set(res.detectors) == {"prediction"} and res.feature_thresholds is None
    assert any("every feature is muted" in n for n in res.notes)


# ------------------------------------------------------------------------------- in-sample scores
def test_in_sample_reference_scores_get_a_note(credit):
    """A model scored on its own training rows (in sample) puts every month below the reference; the
    shipped reference (the deployed model's validation set) does not."""
    from sklearn.base import clone

    from drift.data.scenarios.credit import FEATURES

    options = dict(batch_col="batch", target="default", prediction="score", detectors=("performance",))
    honest = monitor(credit.reference, credit.current, **options)
    assert not any("in-sample" in n for n in honest.notes)
    refit = clone(credit.model).fit(credit.reference[list(FEATURES)], credit.reference["default"])
    own_rows = refit.predict_proba(credit.reference[list(FEATURES)])[:, 1]
    in_sample = credit.reference.assign(score=own_rows)
    res = monitor(in_sample, credit.current, **options)
    note = next(n for n in res.notes if "in-sample" in n)
    assert "below the reference's 0.8" in note and "out of sample" in note
    assert res.detector_alerts()["performance"].sum() > honest.detector_alerts()["performance"].sum()


# ------------------------------------------------------------------------------------------ CLI
def test_cli_monitor_orders_mutes_and_says_how_it_cut(tmp_path, capsys):
    import argparse

    from drift.cli.monitor import add_monitor_parser

    def run(*argv: str) -> int:
        parser = argparse.ArgumentParser(prog="python -m drift")
        add_monitor_parser(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(["monitor", *argv])
        return args.func(args)

    rng = np.random.default_rng(2)
    seasonal_frame(3000, rng, 0.0).to_csv(tmp_path / "train.csv", index=False)
    seasonal_frame(1200, rng, 1.0).sort_values("x2").to_csv(tmp_path / "prod.csv", index=False)
    common = ["--reference", str(tmp_path / "train.csv"), "--batch", str(tmp_path / "prod.csv"), "--store",
              str(tmp_path / "history.sqlite"), "--detectors", "features", "--n-calibration", "10",
              "--size", "400"]
    assert run(*common, "--shuffle", "--mute", "season") == 0
    out, err = capsys.readouterr()
    assert "batches: random chunks of 400 rows (seed 0)" in err
    assert "muted (shown, never alerting): season" in err and "prod chunk 1: OK" in out
    assert run(*common, "--mute", "season", "--skip-existing") == 1        # the sorted file, in file order
    assert "batches: consecutive runs of 400 rows in file order" in capsys.readouterr().err
    with pytest.raises(SystemExit):                                        # argparse: not both
        run(*common, "--order", "x2", "--shuffle")
    capsys.readouterr()
    assert run("--reference", str(tmp_path / "train.csv"), "--batch", str(tmp_path / "prod.csv"),
               "--store", str(tmp_path / "h2.sqlite"), "--order", "x2") == 2
    assert "--order and --shuffle say how to cut --size batches" in capsys.readouterr().err
    assert run(*common, "--mute", "nope") == 2
    assert "cannot mute 'nope'" in capsys.readouterr().err


def test_reweighted_draws_are_numpys_choice_with_the_cdf_built_once():
    """A reweighted null draw (:func:`draw_weights` with a :func:`reweight_cdf` built once per batch) takes
    the rows ``Generator.choice(n, size, p=...)`` would take from the same stream, and leaves the stream
    where ``choice`` leaves it."""
    from drift.monitoring.calibration import reweight_cdf

    weights = np.random.default_rng(3).gamma(0.5, size=2_000)
    weights[::7] = 0.0                                            # rows the batch's season never reaches
    cdf = reweight_cdf(weights)
    ours, numpys = np.random.default_rng(11), np.random.default_rng(11)
    for size in (1, 7, 300, 5_000):
        chunk, pseudo, mode = draw_weights(ours, weights.size, size, weights, cdf)
        expected = numpys.choice(weights.size, size, replace=True, p=weights / weights.sum())
        np.testing.assert_array_equal(chunk, expected)
        boot = np.bincount(numpys.integers(0, weights.size, weights.size), minlength=weights.size)
        np.testing.assert_array_equal(pseudo, boot * weights)
        assert mode == "reweighted" and not np.isin(chunk, np.flatnonzero(weights == 0)).any()
    assert ours.integers(2**62) == numpys.integers(2**62)
