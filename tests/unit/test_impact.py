"""Business impact: the 2×2 cost matrix by hand, the outcome-rate / model-error split, invariance to the
sample size, the "assumed" record of the inputs, and the no-label and no-prediction paths."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import drift
from drift.model.impact import (
    DEFAULT_INPUTS,
    INPUT_NAMES,
    MONTHS_PER_QUARTER,
    business_impact,
    cost_threshold,
    format_money,
    impact_inputs,
    why_not_priced,
)
from tests.conftest import SAMPLE_PRODUCTION, SAMPLE_REFERENCE

FIGURES = {"decisions_per_month": 1000, "cost_false_positive": 100, "cost_false_negative": 500,
           "threshold": 0.5}


def frame(cells: tuple[int, int, int, int]) -> pd.DataFrame:
    """Rows with these confusion cells (TP, FN, FP, TN) at threshold 0.5: scores 0.9 (flagged) / 0.1."""
    tp, fn, fp, tn = cells
    y = [1] * tp + [1] * fn + [0] * fp + [0] * tn
    p = [0.9] * tp + [0.1] * fn + [0.9] * fp + [0.1] * tn
    return pd.DataFrame({"y": y, "p": p})


def priced(reference, current, *, use_labels=True, n_boot=300, **figures):
    inputs = impact_inputs(**{**FIGURES, **figures})
    return business_impact(reference, current, target="y", prediction="p", inputs=inputs,
                           use_labels=use_labels, n_boot=n_boot, rng=0)


def parts_by_hand(ref: tuple[int, ...], cur: tuple[int, ...], c_fp: int, c_fn: int) -> dict[str, Fraction]:
    """The module docstring's formulas in exact fractions, written out independently."""
    def rates(tp, fn, fp, tn):
        n = tp + fn + fp + tn
        return Fraction(tp + fn, n), Fraction(fn, tp + fn), Fraction(fp, fp + tn)

    (p0, m0, a0), (p1, m1, a1) = rates(*ref), rates(*cur)
    pbar, mbar, abar = (p0 + p1) / 2, (m0 + m1) / 2, (a0 + a1) / 2
    cost0 = c_fn * p0 * m0 + c_fp * (1 - p0) * a0
    cost1 = c_fn * p1 * m1 + c_fp * (1 - p1) * a1
    return {"outcome_rate": (p1 - p0) * (c_fn * mbar - c_fp * abar),
            "model_error": c_fn * pbar * (m1 - m0) + c_fp * (1 - pbar) * (a1 - a0),
            "total": cost1 - cost0, "cost0": cost0, "cost1": cost1,
            "per_1000": 1000 * (pbar * (m1 - m0) + (1 - pbar) * (a1 - a0))}


# ---------------------------------------------------------------------------------- by hand
def test_cost_matrix_on_a_tiny_confusion_matrix_by_hand():
    ref_cells, cur_cells = (1, 1, 1, 7), (1, 2, 2, 5)
    bi = priced(frame(ref_cells), frame(cur_cells))
    hand = parts_by_hand(ref_cells, cur_cells, 100, 500)
    # expected cost per decision: (c_FN·FN + c_FP·FP) / n
    assert bi.reference.cost_per_decision == pytest.approx((500 * 1 + 100 * 1) / 10)      # 60
    assert bi.current.cost_per_decision == pytest.approx((500 * 2 + 100 * 2) / 10)        # 120
    assert float(hand["cost0"]) == pytest.approx(60) and float(hand["cost1"]) == pytest.approx(120)
    assert (bi.reference.base_rate, bi.reference.miss_rate, bi.reference.false_alarm_rate) == pytest.approx(
        (0.2, 0.5, 1 / 8))
    assert (bi.current.base_rate, bi.current.miss_rate, bi.current.false_alarm_rate) == pytest.approx(
        (0.3, 2 / 3, 2 / 7))
    scale = 1000 * MONTHS_PER_QUARTER
    for key in ("outcome_rate", "model_error", "total"):
        part = getattr(bi, key)
        assert part.per_decision == pytest.approx(float(hand[key]))
        assert part.amount == pytest.approx(scale * float(hand[key]))
    assert bi.total.amount == pytest.approx(scale * 60)                                    # $180,000
    assert bi.outcome_rate.amount + bi.model_error.amount == pytest.approx(bi.total.amount)
    assert bi.outcome_rate.amount == pytest.approx(81_339.2857, rel=1e-6)
    assert bi.model_error.amount == pytest.approx(98_660.7143, rel=1e-6)
    assert bi.extra_errors_per_1000 == pytest.approx(float(hand["per_1000"]))               # 162.2
    assert bi.source == "measured" and bi.months == 3


def test_formulas_show_the_arithmetic():
    """Ten rows a side: every range includes 0, so each formula says its result is a point estimate."""
    bi = priced(frame((1, 1, 1, 7)), frame((1, 2, 2, 5)))
    noise = " (point estimate; its range includes 0)"
    assert bi.model_error.formula == ("1,000 decisions/month × 3 months × (+4.17 pp false negatives × $500 + "
                                      "12.05 pp false positives × $100) = $98,700" + noise)
    assert bi.outcome_rate.formula == ("1,000 decisions/month × 3 months × +10.00 pp outcome rate × ($500 × "
                                       "58.3% missed − $100 × 20.5% of non-events flagged) = $81,300" + noise)
    assert bi.total.formula == ("1,000 decisions/month × 3 months × ($120 now − $60.00 at reference, "
                                "expected cost per decision) = $180,000" + noise)
    assert not any(p.measurable for p in bi.parts)
    assert bi.describe(bi.total).startswith("no measurable cost (range ")
    # the same rates on 100 times the rows are measurable: the formula then stands alone
    big = priced(pd.concat([frame((1, 1, 1, 7))] * 100), pd.concat([frame((1, 2, 2, 5))] * 100))
    assert big.total.measurable and big.total.formula.endswith("= $180,000")


def test_threshold_is_the_models_not_half():
    """Scores 0.3 and 0.1: at 0.5 nothing is flagged; at the cost threshold (1/6) the 0.3 rows are."""
    ref = pd.DataFrame({"y": [1, 0, 0, 0, 0, 0] * 10, "p": [0.3, 0.3, 0.1, 0.1, 0.1, 0.1] * 10})
    inputs = impact_inputs(decisions_per_month=1000, cost_false_positive=100, cost_false_negative=500)
    assert inputs.threshold == pytest.approx(1 / 6) and inputs.assumed("threshold")
    bi = business_impact(ref, ref, target="y", prediction="p", inputs=inputs, n_boot=50)
    assert bi.reference.flag_rate == pytest.approx(2 / 6) and bi.reference.miss_rate == 0
    at_half = business_impact(ref, ref, target="y", prediction="p", n_boot=50,
                              inputs=impact_inputs(threshold=0.5))
    assert at_half.reference.flag_rate == 0 and at_half.reference.miss_rate == 1
    assert cost_threshold(100, 500) == pytest.approx(1 / 6) and cost_threshold(0, 0) == 0.5


# ------------------------------------------------------------------ outcome rate vs model error
def _simulated(n: int, base_rate: float, rng: np.random.Generator, *, events=(4, 2), others=(2, 4)):
    """Scores drawn from fixed class-conditional Beta distributions: P(score | y) is the model's quality."""
    y = rng.random(n) < base_rate
    p = np.where(y, rng.beta(*events, size=n), rng.beta(*others, size=n))
    return pd.DataFrame({"y": y.astype(int), "p": p})


def test_a_pure_outcome_rate_change_is_not_model_error():
    """More events, the model unchanged (same score distribution per class): the cost is the outcome rate's,
    and it matches the formula with the exact Beta error rates."""
    rng = np.random.default_rng(1)
    ref, cur = _simulated(200_000, 0.10, rng), _simulated(200_000, 0.25, rng)
    t, c_fp, c_fn = 0.6, 100, 500
    bi = priced(ref, cur, threshold=t, n_boot=400)
    assert not bi.model_error.measurable
    assert bi.model_error.interval[0] < 0 < bi.model_error.interval[1]
    assert bi.outcome_rate.measurable and bi.outcome_rate.amount > 0
    miss, alarm = stats.beta.cdf(t, 4, 2), stats.beta.sf(t, 2, 4)     # exact rates of the simulation
    expected = 0.15 * (c_fn * miss - c_fp * alarm) * 1000 * MONTHS_PER_QUARTER
    assert bi.outcome_rate.amount == pytest.approx(expected, rel=0.04)
    assert "no measurable cost" in bi.sentence and "not a model failure" in bi.sentence


def test_a_worse_model_at_equal_outcome_rate_is_model_error():
    rng = np.random.default_rng(2)
    ref = _simulated(100_000, 0.2, rng)
    cur = _simulated(100_000, 0.2, rng, events=(3, 2.5), others=(2.5, 3))   # the classes overlap more
    bi = priced(ref, cur, threshold=0.4)
    assert bi.model_error.measurable and bi.model_error.amount > 0
    assert not bi.outcome_rate.measurable
    assert bi.extra_errors_interval[0] > 0
    assert bi.describe(bi.model_error).startswith("costs about")


# ----------------------------------------------------------------------------- sample size
@pytest.fixture(scope="module")
def credit_sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    ref = pd.read_csv(SAMPLE_REFERENCE)
    prod = pd.read_csv(SAMPLE_PRODUCTION)
    batch = prod[prod["batch"] == "2025-03"].reset_index(drop=True)
    names = {"default": "y", "score": "p"}
    return ref.rename(columns=names), batch.rename(columns=names)


def test_the_figure_does_not_grow_with_the_sample(credit_sample):
    """The same rates on 1,000 and on 1,000,000 rows give the same money; only the range narrows."""
    ref, batch = credit_sample
    assert len(batch) == 1000
    small = priced(ref, batch, decisions_per_month=10_000)
    big = priced(ref, pd.concat([batch] * 1000, ignore_index=True), decisions_per_month=10_000)
    assert big.current.n == 1_000_000
    for key in ("model_error", "outcome_rate", "total"):
        s, b = getattr(small, key), getattr(big, key)
        assert b.amount == pytest.approx(s.amount, rel=1e-9, abs=1e-6)
        assert np.diff(b.interval)[0] < np.diff(s.interval)[0]
    # the volume, and only the volume, scales it
    double = priced(ref, batch, decisions_per_month=20_000)
    assert double.total.amount == pytest.approx(2 * small.total.amount)


def test_the_figure_is_invariant_when_one_batch_is_resampled_at_two_sizes(credit_sample):
    ref, batch = credit_sample
    rng = np.random.default_rng(3)
    figures = {}
    for n in (1_000, 1_000_000):
        rows = batch.iloc[rng.integers(0, len(batch), size=n)].reset_index(drop=True)
        figures[n] = priced(ref, rows, decisions_per_month=10_000)
    exact = priced(ref, batch, decisions_per_month=10_000)
    for key in ("model_error", "outcome_rate", "total"):
        small, big, truth = (getattr(figures[1_000], key), getattr(figures[1_000_000], key),
                             getattr(exact, key))
        # a million draws from the batch reproduce the batch's rates, hence its money
        assert big.amount == pytest.approx(truth.amount, abs=15_000)   # ~4 standard errors of 10^6 draws
        # the thousand-row resample is noisier, not bigger: its range covers the large sample's figure
        assert small.interval[0] <= big.amount <= small.interval[1]


# -------------------------------------------------------------------------------- assumed
def test_inputs_record_what_the_user_supplied():
    every = impact_inputs()
    assert every.supplied == frozenset() and every.any_assumed
    assert all(every.assumed(n) for n in INPUT_NAMES)
    assert every.decisions_per_month == DEFAULT_INPUTS["decisions_per_month"]
    some = impact_inputs(decisions_per_month=2500, cost_false_negative=800)
    assert some.supplied == {"decisions_per_month", "cost_false_negative"}
    assert some.to_dict()["decisions_per_month"] == {"value": 2500.0, "label": "decisions per month",
                                                     "assumed": False}
    assert some.to_dict()["threshold"]["assumed"] is True
    assert some.threshold == pytest.approx(100 / 900)
    text = some.assumed_text()
    assert text.startswith("With assumed figures (cost of a false positive $100, decision threshold 0.111)")
    # a form that always sends every value says which ones the user edited
    form = impact_inputs(decisions_per_month=10_000, cost_false_positive=100, cost_false_negative=500,
                         threshold=0.2, supplied=["threshold"])
    assert form.assumed("decisions_per_month") and not form.assumed("threshold") and form.threshold == 0.2
    mine = impact_inputs(**FIGURES)
    assert not mine.any_assumed and mine.assumed_text() == ""
    with pytest.raises(drift.DriftParameterError, match="'name' parameter of ImpactInputs.assumed"):
        mine.assumed("value_per_good_decision")


def test_the_sentence_says_with_assumed_figures_until_every_input_is_given():
    ref, cur = frame((1, 1, 1, 7)), frame((1, 2, 2, 5))
    assumed = business_impact(ref, cur, target="y", prediction="p", n_boot=50)
    assert "With assumed figures" in assumed.sentence
    assert assumed.to_dict()["inputs"]["any_assumed"] is True
    given = priced(ref, cur, n_boot=50)
    assert "assumed" not in given.sentence
    assert all(given.to_dict()["inputs"][n]["assumed"] is False for n in INPUT_NAMES)


@pytest.mark.parametrize(("bad", "match"), [
    ({"decisions_per_month": -1}, "'decisions_per_month' parameter of impact_inputs"),
    ({"cost_false_positive": float("nan")}, "'cost_false_positive'"),
    ({"cost_false_negative": float("inf")}, "'cost_false_negative'"),
    ({"threshold": 1.5}, "'threshold' parameter of impact_inputs must be a number in \\[0, 1\\]"),
    ({"supplied": ["value_per_good_decision"]}, "'supplied' parameter of impact_inputs must be names among"),
    ({"supplied": ["threshold"]}, "must be names of inputs given a value"),
    ({"currency": 5}, "'currency'"),
])
def test_impact_inputs_reject_bad_figures(bad, match):
    with pytest.raises(drift.DriftParameterError, match=match):
        impact_inputs(**bad)


# ---------------------------------------------------------------------------- no labels
def test_without_labels_the_cost_is_estimated_from_calibrated_scores_by_hand():
    """Reference: score 0.2 → 2 of 10 events, 0.8 → 8 of 10: the isotonic calibration is the identity.
    Current (no labels): 5 rows at 0.2 and 15 at 0.8, so the expected cells are TP 12, FP 3, FN 1, TN 4."""
    ref = pd.DataFrame({"y": [1] * 2 + [0] * 8 + [1] * 8 + [0] * 2, "p": [0.2] * 10 + [0.8] * 10})
    cur = pd.DataFrame({"p": [0.2] * 5 + [0.8] * 15})
    bi = priced(ref, cur)
    assert bi.source == "estimated" and bi.how == "estimated without labels"
    hand = {k: float(v) for k, v in parts_by_hand((8, 2, 2, 8), (12, 1, 3, 4), 100, 500).items()}
    assert bi.current.cost_per_decision == pytest.approx((500 * 1 + 100 * 3) / 20)
    for key in ("outcome_rate", "model_error", "total"):
        assert getattr(bi, key).per_decision == pytest.approx(hand[key])
    assert "Estimated without labels" in bi.sentence
    # labels in the current rows are ignored when asked to
    labelled = cur.assign(y=[0] * 5 + [1] * 15)
    assert priced(ref, labelled, use_labels=False).total.amount == pytest.approx(bi.total.amount)
    assert priced(ref, labelled).source == "measured"


def test_no_prediction_column_prices_nothing_and_says_what_is_needed():
    assert "prediction column" in why_not_priced("y", None)
    assert "target" in why_not_priced(None, "p")
    assert why_not_priced("y", "p") is None
    with pytest.raises(drift.DriftInputError, match="needs the model's scores"):
        business_impact(frame((1, 1, 1, 7)), frame((1, 1, 1, 7)), target="y", prediction=None)


@pytest.mark.parametrize(("mutate", "match"), [
    (lambda f: f.assign(y=f["y"] * 2), "current: column 'y': the target is not binary 0/1"),
    (lambda f: f.assign(p=f["p"] * 10), "current: column 'p': the score is not a probability"),
    (lambda f: f.drop(columns="p"), "current: column 'p': the column is missing"),
])
def test_bad_data_names_the_column(mutate, match):
    with pytest.raises(drift.DriftInputError, match=match):
        business_impact(frame((1, 1, 1, 7)), mutate(frame((1, 2, 2, 5))), target="y", prediction="p")


def test_bad_parameters():
    ref = frame((1, 1, 1, 7))
    with pytest.raises(drift.DriftParameterError, match="'n_boot' parameter of business_impact"):
        business_impact(ref, ref, target="y", prediction="p", n_boot=0)
    with pytest.raises(drift.DriftParameterError, match="'inputs' parameter"):
        business_impact(ref, ref, target="y", prediction="p", inputs={"decisions_per_month": 5})


def test_a_side_without_events_gives_nan_with_a_note():
    bi = priced(frame((1, 1, 1, 7)), frame((0, 0, 2, 8)), n_boot=50)
    assert np.isnan(bi.model_error.amount) and "no event" in bi.note
    assert "cannot be computed" in bi.sentence


def test_format_money():
    assert format_money(150_000) == "$150,000"
    assert format_money(123_456) == "$123,000"
    assert format_money(2_450_000) == "$2.45M"
    assert format_money(34.5) == "$34.50"
    assert format_money(0) == "$0"
    assert format_money(-8_925) == "-$8,920"


@pytest.mark.parametrize("use_labels", [True, False])
def test_an_empty_batch_is_a_clear_error_with_or_without_labels(credit_sample, use_labels):
    """An empty current table names the file, the column and the fix (without labels it used to reach
    scikit-learn's calibration first and fail with its bare "Found array with 0 sample(s)")."""
    reference, current = credit_sample
    with pytest.raises(drift.DriftInputError) as err:
        drift.business_impact(reference, current.iloc[:0], target="y", prediction="p", use_labels=use_labels)
    assert "current" in str(err.value) and "'p'" in str(err.value) and "Fix: score the production rows" \
        in str(err.value), str(err.value)
