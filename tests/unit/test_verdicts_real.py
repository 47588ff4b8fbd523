"""Verdicts on real data nobody on this project wrote (the extracts under data/real/).

Issue 9's acceptance cases: no claim about a model without its predictions; entity churn is not a
pipeline break; every injected break is ``data_quality`` and names its column; random halves show no
drift; a split proxy is flagged and left out of the domain classifier.  The rules were not tuned on the
held-out tables (``drift.data.scenarios.realdata.HELD_OUT``) used here for the halves and the breaks.
"""

from __future__ import annotations

import pytest

import drift
from drift.data.scenarios import breaks
from drift.data.scenarios.realdata import HELD_OUT, churn_split, load_real, random_halves

FAST = ("domain",)          # per-feature tests + the domain classifier: what these verdicts rest on


@pytest.fixture(scope="module")
def seattle():
    frame = load_real("seattle_weather")
    month = frame.pop("date").str.slice(5, 7).astype(int)
    summer, winter = month.isin((6, 7, 8)), month.isin((12, 1, 2))
    return frame[summer].reset_index(drop=True), frame[winter].reset_index(drop=True)


def test_the_held_out_tables_are_the_ones_used_here():
    assert {"penguins", "diabetes", "airports", "anes96", "nyc_weather"} <= set(HELD_OUT)


def test_without_predictions_a_seasonal_change_is_input_drift_naming_what_moved(seattle):
    summer, winter = seattle
    d = drift.diagnose(summer, winter, steps=FAST, rng=0)
    assert d.verdict.kind == "input_drift" and not d.has_predictions
    moves = " ".join(d.step("inputs").evidence["moves"])
    assert "temp_max" in moves and "median" in moves                 # the feature that moved, in plain words
    summary = drift.stakeholder_summary(d)
    assert "unknown" in summary["what_changed"]
    for claim in ("outputs are stable", "predictions did not", "No retraining needed"):
        assert claim not in " ".join(summary.values())


@pytest.mark.parametrize("name,column,share", [("airports", "state", 0.05), ("flights", "dest", 0.04),
                                               ("gapminder", "country", 0.1)])
def test_entity_churn_is_not_a_pipeline_break(name, column, share):
    reference, current = churn_split(load_real(name), column, share, rng=0)
    d = drift.diagnose(reference, current, steps=FAST, rng=0)
    assert d.verdict.kind != "data_quality", d.verdict.evidence
    assert not d.step("inputs").evidence["quality_issues"]
    assert any(v.startswith(column) for v in d.step("inputs").evidence["new_values"])


def _break_cases():
    return [
        ("penguins", "body_mass_g", breaks.unit_change, {"factor": 0.001}),
        ("diabetes", "bmi", breaks.unit_change, {"factor": 100.0}),
        ("penguins", "flipper_length_mm", breaks.missing_burst, {"share": 0.3}),
        ("penguins", "sex", breaks.rename_levels, {}),
        ("airports", "state", breaks.missing_burst, {"share": 0.2}),
        ("diabetes", "s5", breaks.type_change, {"style": "percent"}),
        ("diabetes", "bp", breaks.type_change, {"style": "bool"}),
        ("diabetes", "s1", breaks.stuck_value, {"share": 0.2}),
        ("airports", "latitude", breaks.stuck_value, {"share": 0.1, "value": -999.0}),
    ]


@pytest.mark.parametrize("name,column,inject,kwargs", _break_cases(),
                         ids=[f"{c[0]}-{c[1]}-{c[2].__name__}" for c in _break_cases()])
def test_each_injected_break_is_data_quality_and_names_its_column(name, column, inject, kwargs):
    reference, current = random_halves(load_real(name), rng=1)
    broken = inject(current, column, **kwargs)
    d = drift.diagnose(reference, broken, steps=FAST, rng=0)
    assert d.verdict.kind == "data_quality", d.verdict.evidence
    assert column in d.verdict.columns


@pytest.mark.parametrize("name", ["penguins", "diabetes", "airports", "anes96", "cars", "gapminder"])
@pytest.mark.parametrize("seed", [0, 1])
def test_random_halves_show_no_drift(name, seed):
    reference, current = random_halves(load_real(name), rng=seed)
    d = drift.diagnose(reference, current, steps=FAST, rng=0)
    assert d.verdict.kind == "no_drift", d.verdict.evidence


def test_a_split_proxy_is_flagged_and_left_out_of_the_domain_classifier():
    frame = load_real("gapminder")
    early, late = frame[frame["year"] <= 1977], frame[frame["year"] >= 1982]
    d = drift.diagnose(early, late, steps=FAST, rng=0)
    assert d.split_proxies == ("year",)
    table = d.feature_table.set_index("feature")
    assert table.loc["year", "proxy"] in ("date_number", "time_name")
    assert "year" not in set(d.step("domain").result.importances["feature"])
    assert d.step("domain").evidence["left_out"] == ["year"]
    assert d.step("domain").evidence["auc_with_proxies"] > d.step("domain").evidence["auc"]
    assert drift.summarize(d.feature_table).proxies == ("year",)
    # the rest of the table moved (life expectancy, income): that is input drift, said without the proxy
    assert d.verdict.kind == "input_drift" and "year" not in d.verdict.columns
