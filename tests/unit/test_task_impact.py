"""Business impact per task: regression (cost per unit over/under-forecast), multiclass (cost matrix) and the
entry point that dispatches on the task; hand-computed cases, independent recomputations of the bootstrap,
bad cost matrices and degenerate batches.  The binary arithmetic is tested in test_impact.py; here only
that it is unchanged and reached through the entry point."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_pinball_loss

import drift
from drift.core.errors import DriftError, DriftInputError, DriftParameterError, TooFewRowsError
from drift.core.jsonsafe import dumps
from drift.data.task import TaskInfo
from drift.model.cost_matrix import load_cost_matrix, multiclass_inputs, resolved_cost_matrix
from drift.model.impact import business_impact, impact_inputs
from drift.model.multiclass_impact import multiclass_impact
from drift.model.pricing import WITHIN_NOISE
from drift.model.regression_impact import regression_impact, regression_inputs
from drift.model.task_impact import default_inputs, task_business_impact, task_inputs, task_why_not_priced

QUARTER = 3


# ------------------------------------------------------------------------------------ regression
# 8 rows by hand.  Errors (forecast - actual): reference [2, -1, 0, 1, -2, 0, 3, 0] -> over 6/8, under 3/8;
# current [2, -3, -4, 1, -2, -5, 1, 0] -> over 4/8, under 14/8.
FORECAST = [12, 9, 10, 11, 18, 20, 23, 20]
REG_REF = pd.DataFrame({"units": [10, 10, 10, 10, 20, 20, 20, 20], "forecast": FORECAST})
REG_CUR = pd.DataFrame({"units": [10, 12, 14, 10, 20, 25, 22, 20], "forecast": FORECAST})
OVER, UNDER = 2.0, 5.0          # unsold unit vs lost sale


def _regression(**kw):
    figures = {"cost_per_unit_over": OVER, "cost_per_unit_under": UNDER, "volume_per_month": 1000}
    return regression_impact(REG_REF, REG_CUR, target="units", prediction="forecast",
                             **{**figures, "n_boot": 200, **kw})


def test_regression_by_hand_with_asymmetric_costs():
    ri = _regression()
    assert (ri.reference.over_units, ri.reference.under_units) == (0.75, 0.375)
    assert (ri.current.over_units, ri.current.under_units) == (0.5, 1.75)
    assert ri.reference.cost_per_decision == pytest.approx(2 * 0.75 + 5 * 0.375)      # 3.375
    assert ri.current.cost_per_decision == pytest.approx(2 * 0.5 + 5 * 1.75)          # 9.75
    assert ri.over_forecast.per_decision == pytest.approx(2 * (0.5 - 0.75))            # -0.5
    assert ri.under_forecast.per_decision == pytest.approx(5 * (1.75 - 0.375))         # 6.875
    scale = 1000 * QUARTER
    assert ri.over_forecast.amount == pytest.approx(-0.5 * scale)
    assert ri.under_forecast.amount == pytest.approx(6.875 * scale)
    assert ri.total.amount == pytest.approx(ri.over_forecast.amount + ri.under_forecast.amount)
    assert (ri.reference.mean_error, ri.current.mean_error) == (0.375, -1.25)
    assert ri.reference.mae == pytest.approx(ri.reference.over_units + ri.reference.under_units)
    assert ri.reference.over_share == 3 / 8 and ri.current.over_share == 3 / 8


def test_regression_cost_is_the_scaled_pinball_loss():
    """Independent: c_over·over + c_under·under = (c_over + c_under) · pinball(alpha = c_under / sum)."""
    ri = _regression()
    alpha = UNDER / (OVER + UNDER)
    for side, frame in ((ri.reference, REG_REF), (ri.current, REG_CUR)):
        loss = mean_pinball_loss(frame["units"], frame["forecast"], alpha=alpha)
        assert side.cost_per_decision == pytest.approx((OVER + UNDER) * loss)


def test_regression_interval_follows_the_documented_bootstrap():
    """Replicates drawn as drift.stats.bootstrap documents (current rows, then reference rows, each time)."""
    n_boot = 300
    ri = _regression(n_boot=n_boot, rng=7)
    gen = np.random.default_rng(7)
    ry, rp = REG_REF["units"].to_numpy(float), REG_REF["forecast"].to_numpy(float)
    cy, cp = REG_CUR["units"].to_numpy(float), REG_CUR["forecast"].to_numpy(float)

    def cost(y, p):
        return OVER * np.maximum(p - y, 0).mean() + UNDER * np.maximum(y - p, 0).mean()

    changes = []
    for _ in range(n_boot):
        c = gen.integers(0, 8, 8)
        r = gen.integers(0, 8, 8)
        changes.append(cost(cy[c], cp[c]) - cost(ry[r], rp[r]))
    lo, hi = np.quantile(changes, [0.025, 0.975])
    assert ri.total.per_decision_interval == pytest.approx((lo, hi))
    assert ri.total.interval == pytest.approx((3000 * lo, 3000 * hi))
    assert _regression(n_boot=n_boot, rng=7).to_dict() == ri.to_dict()        # seeded


def test_regression_formulas_sentence_and_assumed_inputs():
    ri = regression_impact(REG_REF, REG_CUR, target="units", prediction="forecast", cost_per_unit_under=5,
                           n_boot=100)
    assert ri.inputs.assumed("volume_per_month") and ri.inputs.assumed("cost_per_unit_over")
    assert not ri.inputs.assumed("cost_per_unit_under")
    assert ri.sentence.endswith("With assumed figures (forecasts per month 10,000, cost per unit "
                                "over-forecast $1.00 per unit): replace them with your own.")
    assert ri.under_forecast.formula.startswith(
        "10,000 forecasts/month × 3 months × $5.00 per unit × (1.75 now − 0.375 at reference, mean "
        "under-forecast per forecast) = $206,000")
    assert ri.total.formula.startswith("10,000 forecasts/month × 3 months × ($9.25 now − $2.62 at reference")
    assert "Mean error (forecast − actual) +0.375 → -1.25" in ri.sentence
    data = json.loads(dumps(ri.to_dict()))
    assert data["task"] == "regression" and data["inputs"]["cost_per_unit_over"]["assumed"] is True
    assert set(data) >= {"over_forecast", "under_forecast", "total", "reference", "current", "sentence"}
    mine = regression_inputs(volume_per_month=500, cost_per_unit_over=1, cost_per_unit_under=1, unit="kg")
    assert not mine.any_assumed and mine.display("cost_per_unit_over") == "$1.00 per kg"


def test_regression_constant_forecast_is_priced_not_refused():
    flat = REG_CUR.assign(forecast=15.0)
    ri = regression_impact(REG_REF, flat, target="units", prediction="forecast", volume_per_month=1000,
                           cost_per_unit_over=OVER, cost_per_unit_under=UNDER, n_boot=100)
    y = flat["units"].to_numpy(float)
    assert ri.current.over_units == pytest.approx(np.maximum(15 - y, 0).mean())
    assert ri.current.under_units == pytest.approx(np.maximum(y - 15, 0).mean())
    assert ri.current.mean_forecast == 15.0 and np.isfinite(ri.total.amount)


def test_regression_without_current_labels_says_what_is_needed():
    unlabelled = REG_CUR.assign(units=np.nan)
    with pytest.raises(TooFewRowsError, match="current: column 'units': 0 row.*label the production rows"):
        regression_impact(REG_REF, unlabelled, target="units", prediction="forecast")
    with pytest.raises(DriftInputError, match="current: column 'forecast': the column is missing"):
        regression_impact(REG_REF, REG_CUR.drop(columns="forecast"), target="units", prediction="forecast")
    with pytest.raises(DriftInputError, match="reference: column 'forecast'"):
        regression_impact(REG_REF.assign(forecast="high"), REG_CUR, target="units", prediction="forecast")


@pytest.mark.parametrize("kw, match", [
    ({"cost_per_unit_over": -1}, "'cost_per_unit_over' parameter of regression_inputs must be a finite"),
    ({"volume_per_month": float("inf")}, "'volume_per_month' parameter"),
    ({"inputs": impact_inputs()}, "'inputs' parameter of regression_impact must be a RegressionInputs"),
    ({"inputs": regression_inputs(), "cost_per_unit_over": 2}, "None when the figures are given"),
    ({"n_boot": 0}, "'n_boot' parameter"),
])
def test_regression_bad_parameters(kw, match):
    with pytest.raises(DriftParameterError, match=match):
        regression_impact(REG_REF, REG_CUR, target="units", prediction="forecast", **kw)


# ------------------------------------------------------------------------------------ multiclass
# 10 rows a side, 3 classes, cost matrix (true row, predicted column):
COSTS = [[0, 1, 4],
         [2, 0, 1],
         [8, 3, 0]]
MC_REF = pd.DataFrame({"y": list("aaaabbbccc"), "pred": list("aabaabbcbc")})
MC_CUR = pd.DataFrame({"y": list("aabbbccccc"), "pred": list("acbbcacbcc")})
# By hand.  Reference: a 4 cases cost 0,0,1,0 -> r=.25; b 3 cases 2,0,0 -> r=2/3; c 3 cases 0,3,0 -> r=1;
#   shares (.4,.3,.3), cost per decision 0.6.
# Current: a 2 cases 0,4 -> r=2; b 3 cases 0,0,1 -> r=1/3; c 5 cases 8,0,3,0,0 -> r=2.2; shares (.2,.3,.5),
#   cost 1.6.  Class mix  Σ Δπ·r̄ = -.2·1.125 + 0 + .2·1.6 = 0.095;
#   model error Σ π̄·Δr = .3·1.75 + .3·(-1/3) + .4·1.2 = 0.905; total 1.0.


def test_multiclass_by_hand_with_a_cost_matrix():
    mi = multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=COSTS,
                           decisions_per_month=1000, n_boot=200)
    assert mi.classes == ("a", "b", "c")
    assert mi.reference.shares == pytest.approx((0.4, 0.3, 0.3))
    assert mi.reference.cost_per_case == pytest.approx((0.25, 2 / 3, 1.0))
    assert mi.current.cost_per_case == pytest.approx((2.0, 1 / 3, 2.2))
    assert (mi.reference.cost_per_decision, mi.current.cost_per_decision) == pytest.approx((0.6, 1.6))
    assert mi.class_mix.per_decision == pytest.approx(0.095)
    assert mi.model_error.per_decision == pytest.approx(0.905)
    assert mi.total.per_decision == pytest.approx(1.0)
    assert mi.model_error.amount == pytest.approx(0.905 * 3000)
    assert (mi.reference.error_rate, mi.current.error_rate) == pytest.approx((0.3, 0.4))
    assert mi.note == "" and not mi.inputs.assumed("cost_matrix")


def test_multiclass_labelled_matrix_is_matched_by_class_not_position():
    shuffled = pd.DataFrame(COSTS, index=list("abc"), columns=list("abc")).loc[list("cab"), list("bca")]
    a = multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=shuffled, n_boot=50)
    b = multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=COSTS, n_boot=50)
    assert a.cost_matrix == b.cost_matrix == tuple(tuple(map(float, r)) for r in COSTS)
    assert a.total.per_decision == b.total.per_decision


def test_multiclass_interval_follows_the_documented_bootstrap():
    """Independent: multinomial cell counts, reference then current, each replicate's parts by plain loops."""
    n_boot, m = 300, np.array(COSTS, dtype=float)
    mi = multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=COSTS, n_boot=n_boot,
                           rng=3)
    index = {"a": 0, "b": 1, "c": 2}

    def cells(frame):
        out = np.zeros((3, 3))
        for y, p in zip(frame["y"], frame["pred"], strict=True):
            out[index[y], index[p]] += 1
        return out

    gen = np.random.default_rng(3)
    draws = [gen.multinomial(10, (c / 10).ravel(), size=n_boot) for c in (cells(MC_REF), cells(MC_CUR))]
    totals, models = [], []
    for b0, b1 in zip(draws[0], draws[1], strict=True):
        sides = []
        for counts in (b0.reshape(3, 3), b1.reshape(3, 3)):
            support = counts.sum(axis=1)
            r = [(counts[j] * m[j]).sum() / support[j] if support[j] else np.nan for j in range(3)]
            sides.append((support / 10, r))
        (p0, r0), (p1, r1) = sides
        r0 = [x if not np.isnan(x) else (y if not np.isnan(y) else 0) for x, y in zip(r0, r1, strict=True)]
        r1 = [y if not np.isnan(y) else x for x, y in zip(r0, r1, strict=True)]
        models.append(sum((p0[j] + p1[j]) / 2 * (r1[j] - r0[j]) for j in range(3)))
        totals.append((b1.reshape(3, 3) * m).sum() / 10 - (b0.reshape(3, 3) * m).sum() / 10)
    assert mi.model_error.per_decision_interval == pytest.approx(tuple(np.quantile(models, [0.025, 0.975])))
    assert mi.total.per_decision_interval == pytest.approx(tuple(np.quantile(totals, [0.025, 0.975])))


def test_multiclass_default_matrix_prices_each_error_at_one():
    mi = multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", n_boot=50)
    assert mi.cost_matrix == ((0.0, 1.0, 1.0), (1.0, 0.0, 1.0), (1.0, 1.0, 0.0))
    assert mi.reference.cost_per_decision == pytest.approx(mi.reference.error_rate)
    assert mi.total.per_decision == pytest.approx(0.4 - 0.3)
    assert mi.inputs.any_assumed and "default (every error costs $1.00, a right decision $0)" in mi.sentence
    assert "With assumed figures (decisions per month 10,000, cost matrix default" in mi.sentence


def test_multiclass_class_absent_from_the_current_batch():
    cur = pd.DataFrame({"y": list("aaabbbbbbb"), "pred": list("abcbbbbbab")})     # no true 'c'
    mi = multiclass_impact(MC_REF, cur, target="y", prediction="pred", cost_matrix=COSTS, n_boot=100)
    assert mi.current.shares[2] == 0 and np.isnan(mi.current.cost_per_case[2])
    assert "class 'c' absent from the current labels" in mi.note and "Note: class 'c'" in mi.sentence
    # the split stays exact: c's change of share is priced at its reference cost, its model error is 0
    assert mi.class_mix.per_decision + mi.model_error.per_decision == pytest.approx(
        mi.current.cost_per_decision - mi.reference.cost_per_decision)
    a0, a1 = 0.25, (0 + 1 + 4) / 3
    b0, b1 = 2 / 3, 2 / 7
    assert mi.model_error.per_decision == pytest.approx(0.35 * (a1 - a0) + 0.5 * (b1 - b0))
    assert all(np.isfinite(p.amount) and np.isfinite(p.interval).all() for p in mi.parts)


def test_multiclass_from_probability_columns_decides_the_most_probable_class():
    rng = np.random.default_rng(0)

    def scored(frame):
        proba = rng.dirichlet([1, 1, 1], len(frame))
        best = np.array(list("abc"))[proba.argmax(axis=1)]
        return frame.assign(**{f"proba_{c}": proba[:, j] for j, c in enumerate("abc")}, pred=best)

    ref, cur = scored(MC_REF), scored(MC_CUR)
    by_label = multiclass_impact(ref, cur, target="y", prediction="pred", cost_matrix=COSTS, n_boot=50)
    by_proba = multiclass_impact(ref, cur, target="y", probabilities=["proba_a", "proba_b", "proba_c"],
                                 classes=("a", "b", "c"), cost_matrix=COSTS, n_boot=50)
    assert by_label.to_dict() == by_proba.to_dict()


NOT_SQUARE = [[0, 1, 1], [1, 0, 1]]


@pytest.mark.parametrize("matrix, match", [
    (NOT_SQUARE, r"must be square with at least 2 classes; got shape \(2, 3\)\. Fix: give one row"),
    ([[0]], r"must be square with at least 2 classes"),
    ([[0, -1, 1], [1, 0, 1], [1, 1, 0]], r"negative cost \(-1 in row 0, column 1\)\. Fix: give costs >= 0"),
    ([[0, np.nan, 1], [1, 0, 1], [1, 1, 0]], r"missing or infinite cost\. Fix: give a finite cost"),
    ([[0, "x", 1], [1, 0, 1], [1, 1, 0]], r"not numbers\. Fix"),
    (pd.DataFrame(np.ones((3, 3)), index=list("abc"), columns=list("abd")), r"has rows .* and columns"),
])
def test_bad_cost_matrices_name_the_fix(matrix, match):
    with pytest.raises(DriftParameterError, match=match):
        multiclass_inputs(cost_matrix=matrix)
    with pytest.raises(DriftParameterError, match=match):
        multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=matrix)


def test_cost_matrix_against_the_classes():
    with pytest.raises(DriftParameterError, match=r"is 2×2 but the model has 3 classes \('a', 'b', 'c'\)"):
        multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=[[0, 1], [1, 0]])
    two = pd.DataFrame([[0, 1], [1, 0]], index=list("ab"), columns=list("ab"))
    with pytest.raises(DriftParameterError, match="no row and column for class 'c'"):
        multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=two)
    with pytest.raises(DriftParameterError, match="no row and column for class 'c', found in the data"):
        multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=two, classes=("a", "b"))
    four = pd.DataFrame(1 - np.eye(4), index=list("abcz"), columns=list("abcz"))
    m, notes = resolved_cost_matrix(multiclass_inputs(cost_matrix=four), ("a", "b", "c"))
    assert m.shape == (3, 3) and "left out: 'z'" in notes[0]
    charged = np.array(COSTS, dtype=float) + np.eye(3)
    mi = multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=charged, n_boot=50)
    assert "diagonal is not zero" in mi.note
    assert mi.reference.cost_per_decision == pytest.approx(0.6 + 0.7)     # 7 right decisions pay 1 each


def test_multiclass_without_current_labels_says_what_is_needed():
    with pytest.raises(DriftInputError, match="current: column 'y': no labelled row .* no per-class "
                                              "probabilities.*Fix: label the production rows"):
        multiclass_impact(MC_REF, MC_CUR.assign(y=None), target="y", prediction="pred")
    with pytest.raises(TooFewRowsError, match="current: column 'y': 1 row.*label the production rows"):
        multiclass_impact(MC_REF, MC_CUR.assign(y=["a"] + [None] * 9), target="y", prediction="pred")
    with pytest.raises(DriftParameterError, match="'prediction' parameter of multiclass_impact"):
        multiclass_impact(MC_REF, MC_CUR, target="y", probabilities=["proba_a"])


def test_multiclass_exports_are_json_with_the_matrix():
    mi = multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=COSTS, n_boot=50)
    data = json.loads(dumps(mi.to_dict()))
    assert data["cost_matrix"] == COSTS and data["classes"] == ["a", "b", "c"]
    assert data["inputs"]["cost_matrix"] == {"value": COSTS, "label": "cost matrix", "assumed": False,
                                             "classes": None}
    assert data["model_error"]["formula"].startswith("10,000 decisions/month × 3 months × (a 30.0% × $1.75 "
                                                     "per case + b 30.0% × -$0.33 per case + c 40.0% × $1.20")
    assert data["class_mix"]["label"] == "Changed class mix"


# ------------------------------------------------------------------------------------ entry point
BIN_REF = pd.DataFrame({"y": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0], "p": [.9, .2, .6, .1, .1, .1, .1, .1, .1, .1]})
BIN_CUR = pd.DataFrame({"y": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], "p": [.9, .2, .2, .6, .6, .1, .1, .1, .1, .1]})
BIN_INPUTS = {"decisions_per_month": 1000, "cost_false_positive": 100, "cost_false_negative": 500}


def test_binary_output_is_unchanged_and_reached_through_the_entry_point():
    """Figures pinned from main before the task-aware impact (commit 5936eb7)."""
    info = drift.infer_task(BIN_REF, BIN_CUR, "y", "p")
    via_task = task_business_impact(BIN_REF, BIN_CUR, info, impact_inputs(**BIN_INPUTS), n_boot=200, rng=0)
    direct = business_impact(BIN_REF, BIN_CUR, target="y", prediction="p", inputs=impact_inputs(**BIN_INPUTS),
                             n_boot=200, rng=0)
    assert via_task.to_dict() == direct.to_dict()
    d = direct.to_dict()
    assert d["model_error"]["amount"] == pytest.approx(36160.71428571428)
    assert d["model_error"]["interval"] == pytest.approx([-49822.91666666666, 117166.66666666658])
    assert d["outcome_rate"]["interval"] == pytest.approx([-37499.99999999999, 22247.023809523802])
    assert d["total"]["interval"] == pytest.approx([-60000.0, 120000.0])
    assert d["extra_errors_interval"] == pytest.approx([-166.07638888888886, 390.55555555555526])
    assert d["outcome_rate"]["formula"] == (
        "1,000 decisions/month × 3 months × +10.00 pp outcome rate × ($500 × 0.0% missed − $100 × 20.5% of "
        f"non-events flagged) = -$6,160 ({WITHIN_NOISE})")
    assert d["sentence"] == (
        "Model error (measured on labels, at the model's decision threshold 0.167 and equal outcome rate): "
        "no measurable cost (range -$49,800 to $117,000 per quarter). Changed outcome rate (20.0% → 30.0%), "
        "a change in the business, not a model failure: no measurable cost (range -$37,500 to $22,200 per "
        "quarter). With assumed figures (decision threshold 0.167): replace them with your own.")
    assert via_task.task == "binary"
    assert via_task.method_text.startswith("Expected cost per decision under a 2×2")


def test_entry_point_dispatches_on_the_task():
    reg = TaskInfo("regression", "forecast", "units", "forecast")
    ri = task_business_impact(REG_REF, REG_CUR, reg, regression_inputs(cost_per_unit_over=OVER,
                                                                       cost_per_unit_under=UNDER), n_boot=50)
    assert ri.task == "regression" and ri.under_forecast.per_decision == pytest.approx(6.875)
    info = drift.infer_task(MC_REF, MC_CUR, "y", "pred")
    mi = task_business_impact(MC_REF, MC_CUR, info, multiclass_inputs(cost_matrix=COSTS), n_boot=50)
    assert mi.task == "multiclass" and mi.total.per_decision == pytest.approx(1.0)
    probs = TaskInfo("multiclass", "class_probabilities", "y", None, ("a", "b", "c"),
                     {c: f"proba_{c}" for c in "abc"})
    onehot = {f"proba_{c}": [float(v == c) for v in MC_REF["pred"]] for c in "abc"}
    onehot_cur = {f"proba_{c}": [float(v == c) for v in MC_CUR["pred"]] for c in "abc"}
    by_proba = task_business_impact(MC_REF.assign(**onehot), MC_CUR.assign(**onehot_cur), probs,
                                    multiclass_inputs(cost_matrix=COSTS), n_boot=50)
    assert by_proba.total.per_decision == pytest.approx(1.0)
    for parts in (ri, mi, by_proba):      # the protocol the report reads
        assert len(parts.parts) == 3 and parts.sentence and parts.method_text and parts.how
        assert all(isinstance(parts.figure(p), str) and parts.range_text(p) for p in parts.parts)


def test_entry_point_refuses_the_wrong_inputs_and_missing_roles():
    reg = TaskInfo("regression", "forecast", "units", "forecast")
    with pytest.raises(DriftParameterError, match="must be a RegressionInputs for a regression model "
                                                  r"\(see regression_inputs\)\. Got 'ImpactInputs'"):
        task_business_impact(REG_REF, REG_CUR, reg, impact_inputs())
    with pytest.raises(DriftInputError, match="current: column 'units': pricing a regression model's "
                                              "forecast errors needs the observed target"):
        task_business_impact(REG_REF, REG_CUR, reg, use_labels=False)
    with pytest.raises(DriftParameterError, match="'task_info' parameter"):
        task_business_impact(REG_REF, REG_CUR, "regression")
    no_output = TaskInfo("regression", None, "units", None)
    assert "needs the model's forecasts" in task_why_not_priced(no_output)
    with pytest.raises(DriftInputError, match="the forecast, in the target's units"):
        task_business_impact(REG_REF, REG_CUR, no_output)
    mc = TaskInfo("multiclass", None, "y", None, ("a", "b"))
    assert "one proba_<class> column per class" in task_why_not_priced(mc)
    assert isinstance(default_inputs("multiclass"), type(multiclass_inputs()))
    with pytest.raises(DriftError, match="'task' parameter of default_inputs"):
        default_inputs("ranking")


# -------------------------------------------------------------------------- multiclass without labels
PROBA = ["proba_a", "proba_b", "proba_c"]


def _calibrated_sample(n: int, seed: int, prior=(1.0, 1.0, 1.0)) -> pd.DataFrame:
    """Rows whose true class is drawn from the model's own probabilities (a calibrated model)."""
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(prior, n)
    y = np.array([rng.choice(3, p=p) for p in proba])
    return pd.DataFrame({"y": np.array(list("abc"))[y], **{c: proba[:, j] for j, c in enumerate(PROBA)}})


def test_multiclass_estimated_without_labels_by_an_independent_computation():
    ref, cur = _calibrated_sample(600, 1), _calibrated_sample(400, 2, prior=(3.0, 1.0, 1.0))
    est = multiclass_impact(ref, cur.assign(y=None), target="y", probabilities=PROBA, classes=("a", "b", "c"),
                            cost_matrix=COSTS, n_boot=200, rng=0)
    assert est.source == "estimated" and est.how == "estimated without labels"
    assert "Estimated without labels" in est.sentence
    calibration = drift.fit_class_calibration(ref["y"], ref[PROBA], classes=("a", "b", "c"),
                                              rng=np.random.default_rng(0))
    m = np.array(COSTS, dtype=float)
    for side, frame in ((est.reference, ref), (est.current, cur)):
        p = frame[PROBA].to_numpy()
        q, decided = calibration.calibrate(p), p.argmax(axis=1)
        expected = np.mean([q[i] @ m[:, decided[i]] for i in range(len(p))])  # Σ_j q_ij · M[j, ŷ_i]
        assert side.cost_per_decision == pytest.approx(expected)
        assert side.shares == pytest.approx(tuple(q.mean(axis=0)))
    # the same rows with their labels: the estimate is close to the measured cost when calibration holds
    measured = multiclass_impact(ref, cur, target="y", probabilities=PROBA, classes=("a", "b", "c"),
                                 cost_matrix=COSTS, n_boot=200, rng=0)
    assert measured.source == "measured"
    assert measured.total.per_decision == pytest.approx(est.total.per_decision, abs=0.15)   # 0.37 vs 0.27
    assert est.reference.cost_per_decision == pytest.approx(measured.reference.cost_per_decision, abs=0.05)
    assert est.total.per_decision == pytest.approx(
        est.model_error.per_decision + est.class_mix.per_decision)
    unlabelled_by_choice = multiclass_impact(ref, cur, target="y", probabilities=PROBA,
                                             classes=("a", "b", "c"), cost_matrix=COSTS, use_labels=False,
                                             n_boot=200, rng=0)
    assert unlabelled_by_choice.to_dict() == est.to_dict()


def test_binary_target_of_two_labels_counts_the_positive_class_as_the_event():
    words = {0: "no", 1: "yes"}
    info = drift.infer_task(BIN_REF.assign(y=BIN_REF["y"].map(words)), None, "y", "p")
    assert info.positive_class == "yes"
    ref, cur = BIN_REF.assign(y=BIN_REF["y"].map(words)), BIN_CUR.assign(y=BIN_CUR["y"].map(words))
    cur.loc[0, "y"] = None
    inputs = impact_inputs(**BIN_INPUTS)
    by_label = task_business_impact(ref, cur, info, inputs, n_boot=50)
    expected = business_impact(BIN_REF, BIN_CUR.assign(y=[np.nan] + list(BIN_CUR["y"][1:])), target="y",
                               prediction="p", inputs=inputs, n_boot=50)
    assert by_label.to_dict() == expected.to_dict()
    assert ref["y"].iloc[0] == "yes"                           # the caller's frames are left as they were


def test_multiclass_integer_classes_and_a_matrix_labelled_as_text():
    ref = MC_REF.replace({"a": 0, "b": 1, "c": 2}).astype(int)
    cur = MC_CUR.replace({"a": 0, "b": 1, "c": 2}).astype({"pred": int})
    cur.loc[0, "y"] = None                                     # the target column becomes float with a NaN
    costs = pd.DataFrame(COSTS, index=["0", "1", "2"], columns=["0", "1", "2"])
    mi = multiclass_impact(ref, cur, target="y", prediction="pred", cost_matrix=costs, n_boot=50)
    assert mi.classes == (0, 1, 2) and mi.current.n == 9
    assert mi.reference.cost_per_decision == pytest.approx(0.6)


# ------------------------------------------------------------------------------------------ coverage
def test_intervals_cover_the_true_change():
    """Seeded repetitions from known populations: the 95 % ranges of the total cover the true change of the
    expected cost per decision about 95 % of the time (here 0.95 of 100 multiclass, 0.93 of 60 regression;
    0.94 and 0.92 over 200 repetitions each)."""
    from scipy import stats

    rng = np.random.default_rng(1)
    m = np.array(COSTS, dtype=float)
    decide = (np.array([[.8, .15, .05], [.2, .7, .1], [.1, .2, .7]]),       # P(predicted | true), reference
              np.array([[.6, .3, .1], [.2, .7, .1], [.2, .2, .6]]))         # current
    mix = (np.array([.4, .3, .3]), np.array([.2, .3, .5]))
    true_mc = sum(sign * (pi * (c * m).sum(axis=1)).sum() for sign, pi, c in zip((-1, 1), mix, decide,
                                                                                   strict=True))

    def classes(pi, c, n=300):
        y = rng.choice(3, n, p=pi)
        pred = (rng.random(n)[:, None] > np.cumsum(c[y], axis=1)).sum(axis=1)
        return pd.DataFrame({"y": np.array(list("abc"))[y], "pred": np.array(list("abc"))[pred]})

    def pinball(mu, s):                    # E[2·max(f − y, 0) + 5·max(y − f, 0)] for y − f ~ N(mu, s)
        over = s * stats.norm.pdf(mu / s) - mu * stats.norm.cdf(-mu / s)
        return OVER * over + UNDER * (over + mu)

    true_reg = pinball(0.5, 1.5) - pinball(0.0, 1.0)
    covered = {"multiclass": [], "regression": []}
    for rep in range(100):
        mi = multiclass_impact(classes(mix[0], decide[0]), classes(mix[1], decide[1]), target="y",
                               prediction="pred", cost_matrix=COSTS, n_boot=200, rng=rep)
        lo, hi = mi.total.per_decision_interval
        covered["multiclass"].append(lo <= true_mc <= hi)
        if rep < 60:
            x0, x1 = rng.normal(10, 2, 300), rng.normal(12, 2, 300)
            ri = regression_impact(pd.DataFrame({"y": x0 + rng.normal(0, 1, 300), "f": x0}),
                                   pd.DataFrame({"y": x1 + rng.normal(0.5, 1.5, 300), "f": x1}), target="y",
                                   prediction="f", cost_per_unit_over=OVER, cost_per_unit_under=UNDER,
                                   n_boot=200, rng=rep)
            lo, hi = ri.total.per_decision_interval
            covered["regression"].append(lo <= true_reg <= hi)
    assert np.mean(covered["multiclass"]) >= 0.88, np.mean(covered["multiclass"])
    assert np.mean(covered["regression"]) >= 0.85, np.mean(covered["regression"])


def test_task_inputs_from_one_set_of_figures():
    inputs, unused = task_inputs("regression", volume_per_month=500, cost_per_unit_under=4,
                                 cost_false_positive=100)
    assert isinstance(inputs, type(regression_inputs())) and unused == ("cost_false_positive",)
    assert inputs.volume_per_month == 500 and inputs.assumed("cost_per_unit_over")
    inputs, unused = task_inputs("binary", volume_per_month=500, cost_false_negative=900)
    assert unused == () and inputs.decisions_per_month == 500 and not inputs.assumed("cost_false_negative")
    inputs, unused = task_inputs("multiclass", cost_matrix=COSTS, threshold=0.3)
    assert unused == ("threshold",) and not inputs.assumed("cost_matrix") and inputs.assumed(
        "decisions_per_month")
    with pytest.raises(DriftParameterError, match="'cost_per_unit_over' parameter of regression_inputs"):
        task_inputs("regression", cost_per_unit_over=-1)


def test_cost_matrix_from_a_file(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text(",c,a,b\nb,1,2,0\na,4,0,1\nc,0,8,3\n", encoding="utf-8")   # any order, first cell empty
    mi = multiclass_impact(MC_REF, MC_CUR, target="y", prediction="pred", cost_matrix=load_cost_matrix(path),
                           n_boot=50)
    assert mi.cost_matrix == tuple(tuple(map(float, r)) for r in COSTS)
    (tmp_path / "one.csv").write_text("true,a\na,0\nb,1\n", encoding="utf-8")
    with pytest.raises(DriftInputError, match="one.csv: a cost matrix needs a column of true classes"):
        load_cost_matrix(tmp_path / "one.csv")
    (tmp_path / "text.csv").write_text("true,a,b\na,0,high\nb,1,0\n", encoding="utf-8")
    with pytest.raises(DriftParameterError, match="not numbers"):
        multiclass_inputs(cost_matrix=load_cost_matrix(tmp_path / "text.csv"))
