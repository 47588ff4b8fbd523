"""Real-data loaders (data/real extracts), the splits cut from them, and the seeded break injectors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from drift.core.errors import DriftInputError, DriftParameterError
from drift.data.scenarios.breaks import (
    BREAKS,
    NA_TEXT,
    default_renaming,
    missing_burst,
    rename_levels,
    stuck_value,
    type_change,
    unit_change,
)
from drift.data.scenarios.realdata import (
    DEFAULT_DATA_DIR,
    HELD_OUT,
    PREDICTION,
    REAL_DATASETS,
    add_model_scores,
    churn_split,
    load_real,
    random_halves,
)


@pytest.fixture(scope="module")
def penguins() -> pd.DataFrame:
    return load_real("penguins")


@pytest.fixture(scope="module")
def weather() -> pd.DataFrame:
    return load_real("seattle_weather")


# ------------------------------------------------------------------------------------------- loaders
@pytest.mark.parametrize("name", sorted(REAL_DATASETS))
def test_every_table_loads_with_its_roles(name):
    spec = REAL_DATASETS[name]
    frame = load_real(name)
    assert len(frame) >= 300 and frame.shape[1] >= 4
    assert not set(spec.drop) & set(frame.columns)
    assert set(spec.entities) <= set(frame.columns)
    if spec.target:
        assert set(frame[spec.target].unique()) == {0, 1}
        assert 0.05 < frame[spec.target].mean() < 0.95


@pytest.mark.parametrize("name", sorted(n for n, d in REAL_DATASETS.items() if not d.file.startswith("..")))
def test_every_extract_has_a_source_note(name):
    note = (DEFAULT_DATA_DIR / name / "SOURCE.md").read_text()
    for needed in ("Licence", "extract.py", "Columns"):
        assert needed in note, f"{name}/SOURCE.md lacks {needed!r}"


def test_held_out_part_is_fixed():
    assert HELD_OUT == ("nyc_weather", "anes96", "penguins", "diabetes", "airports")
    assert {n for n, d in REAL_DATASETS.items() if d.part == "tuned"} == set(REAL_DATASETS) - set(HELD_OUT)


def test_derived_targets_follow_the_documented_cuts():
    flights = load_real("flights")
    assert "arr_delay" not in flights.columns
    assert flights["delayed"].mean() == pytest.approx(0.24, abs=0.03)      # Jan/Apr/Jul/Oct 2013
    diabetes = load_real("diabetes")
    assert diabetes["high_progression"].sum() == 221                          # above the median, 140
    german = load_real("german_credit")
    assert german["default"].sum() == 300                                     # 300 "bad" of 1,000


def test_unknown_table_and_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(DriftParameterError, match="'name' parameter of load_real must be one of"):
        load_real("titanic")
    with pytest.raises(DriftInputError, match=r"penguins\.csv.*file not found.*extract\.py"):
        load_real("penguins", data_dir=tmp_path)


# -------------------------------------------------------------------------------------------- splits
def test_random_halves_are_disjoint_seeded_and_complete(penguins):
    ref, cur = random_halves(penguins, rng=3)
    assert len(ref) == len(cur) == len(penguins) // 2
    both = pd.concat([ref, cur])
    assert not both.duplicated().any()                    # no row on both sides (penguins has no dupes)
    pd.testing.assert_frame_equal(random_halves(penguins, rng=3)[0], ref)
    assert not random_halves(penguins, rng=4)[0].equals(ref)
    with pytest.raises(DriftParameterError, match="'n' parameter of random_halves"):
        random_halves(penguins, n=len(penguins))


@pytest.mark.parametrize("share", [0.03, 0.08, 0.15])
def test_churn_split_brings_unseen_entities_at_the_share_asked(share):
    frame = load_real("gapminder")
    ref, cur = churn_split(frame, "country", share, rng=1)
    unseen = ~cur["country"].isin(set(ref["country"]))
    # every set-aside country has 12 rows, so the share is reached by whole countries (at most 12 rows over)
    assert share <= unseen.mean() <= share + 12 / len(cur) + 1e-9
    assert len(ref) == len(cur)
    # outside the new entities the split is random: the continents' mix stays close
    seen = cur.loc[~unseen, "continent"].value_counts(normalize=True)
    gap = (seen - ref["continent"].value_counts(normalize=True)).abs().max()
    assert gap < 0.08
    pd.testing.assert_frame_equal(churn_split(frame, "country", share, rng=1)[1], cur)


def test_churn_split_bad_input():
    frame = load_real("gapminder")
    with pytest.raises(DriftInputError, match="column 'nation'"):
        churn_split(frame, "nation", 0.1)
    with pytest.raises(DriftParameterError, match="'share' parameter of churn_split"):
        churn_split(frame, "country", 0.7)


def test_model_scores_are_out_of_fold_on_the_reference_and_seeded():
    frame = load_real("breast_cancer")
    ref, cur = random_halves(frame, rng=0)
    ref_s, cur_s = add_model_scores(ref, cur, target="malignant", rng=0)
    assert PREDICTION not in ref.columns                        # inputs untouched
    assert ref_s[PREDICTION].between(0, 1).all() and cur_s[PREDICTION].between(0, 1).all()
    # a real signal: both sides rank well; out-of-fold scores are not in-sample (no perfect 1.0)
    assert 0.93 < roc_auc_score(ref_s["malignant"], ref_s[PREDICTION]) < 1.0
    assert roc_auc_score(cur_s["malignant"], cur_s[PREDICTION]) > 0.93
    again = add_model_scores(ref, cur, target="malignant", rng=0)[1]
    np.testing.assert_array_equal(again[PREDICTION], cur_s[PREDICTION])


def test_model_scores_a_broken_current_side_as_recorded():
    frame = load_real("flights").drop(columns=["month", "day"])
    ref, cur = random_halves(frame, rng=0, n=600)
    broken = type_change(cur, "distance", style="percent", rng=0)
    _, scored = add_model_scores(ref, broken, target="delayed", rng=0)
    _, clean = add_model_scores(ref, cur, target="delayed", rng=0)
    assert scored[PREDICTION].notna().all()
    assert not np.allclose(scored[PREDICTION], clean[PREDICTION])   # distance unreadable -> other scores


def test_model_scores_need_a_binary_target():
    frame = load_real("penguins")
    ref, cur = random_halves(frame, rng=0)
    with pytest.raises(DriftInputError, match="column 'outcome'"):
        add_model_scores(ref, cur, target="outcome")
    with pytest.raises(DriftInputError, match="0/1 with both classes"):
        add_model_scores(ref, cur, target="year")


# ---------------------------------------------------------------------------------------- injectors
def _others_untouched(before: pd.DataFrame, after: pd.DataFrame, column: str) -> None:
    pd.testing.assert_frame_equal(before.drop(columns=[column]), after.drop(columns=[column]))


@pytest.mark.parametrize("factor", [100, 1000, 0.001])
def test_unit_change_scales_every_row(weather, factor):
    out = unit_change(weather, "temp_max", factor=factor)
    np.testing.assert_allclose(out["temp_max"], weather["temp_max"] * factor)
    _others_untouched(weather, out, "temp_max")


def test_unit_change_on_a_share_of_rows_is_seeded(weather):
    out = unit_change(weather, "wind", factor=100, share=0.5, rng=7)
    nonzero = weather["wind"] != 0
    ratio = out.loc[nonzero, "wind"] / weather.loc[nonzero, "wind"]
    assert np.isclose(ratio, 1).sum() + np.isclose(ratio, 100).sum() == nonzero.sum()
    drawn = round(0.5 * len(weather))
    assert drawn - (~nonzero).sum() <= np.isclose(ratio, 100).sum() <= drawn
    pd.testing.assert_frame_equal(out, unit_change(weather, "wind", factor=100, share=0.5, rng=7))
    assert not out.equals(unit_change(weather, "wind", factor=100, share=0.5, rng=8))


def test_unit_change_bad_input(weather):
    with pytest.raises(DriftParameterError, match="'factor' parameter of unit_change"):
        unit_change(weather, "wind", factor=1)
    with pytest.raises(DriftInputError, match="column 'weather'.*needs a numeric column"):
        unit_change(weather, "weather", factor=100)
    with pytest.raises(DriftInputError, match="column 'winds'"):
        unit_change(weather, "winds", factor=100)


@pytest.mark.parametrize("column", ["flipper_length_mm", "sex", "year"])
def test_missing_burst_blanks_the_share_asked(penguins, column):
    out = missing_burst(penguins, column, share=0.4, rng=2)
    new = out[column].isna() & penguins[column].notna()
    drawn = round(0.4 * len(penguins))
    assert drawn - penguins[column].isna().sum() <= new.sum() <= drawn
    kept = out[column].notna()
    assert out.loc[kept, column].tolist() == penguins.loc[kept, column].tolist()      # 2007.0 == 2007
    _others_untouched(penguins, out, column)
    pd.testing.assert_frame_equal(out, missing_burst(penguins, column, share=0.4, rng=2))


def test_missing_burst_bad_share(penguins):
    with pytest.raises(DriftParameterError, match="'share' parameter of missing_burst"):
        missing_burst(penguins, "sex", share=0)


def test_rename_levels_replaces_every_level(penguins):
    out = rename_levels(penguins, "sex")
    assert set(out["sex"].dropna()) == {"M", "F"}
    assert out["sex"].isna().sum() == penguins["sex"].isna().sum()
    assert (out["sex"].dropna() == penguins["sex"].dropna().str[0].str.upper()).all()
    _others_untouched(penguins, out, "sex")


def test_rename_levels_of_codes_and_clashing_initials():
    diabetes = load_real("diabetes")
    out = rename_levels(diabetes, "sex", mapping={1: "M", 2: "F"})
    assert out["sex"].value_counts().to_dict() == {"M": (diabetes["sex"] == 1).sum(),
                                                   "F": (diabetes["sex"] == 2).sum()}
    assert default_renaming([1, 2]) == {1: "A", 2: "B"}
    # Seattle's weather has two levels starting with "s": initials clash, so the case is swapped
    assert default_renaming(["sun", "snow", "rain"]) == {"rain": "RAIN", "snow": "SNOW", "sun": "SUN"}
    assert default_renaming(["UA", "US", "AA"]) == {"AA": "aa", "UA": "ua", "US": "us"}
    assert default_renaming(["EWR", "JFK", "LGA"]) == {"EWR": "E", "JFK": "J", "LGA": "L"}


def test_rename_levels_bad_mapping(penguins):
    with pytest.raises(DriftParameterError, match="a dict covering"):
        rename_levels(penguins, "sex", mapping={"male": "M"})
    with pytest.raises(DriftParameterError, match="not old levels"):
        rename_levels(penguins, "sex", mapping={"male": "female", "female": "F"})


def test_type_change_percent_text_reads_back(weather):
    out = type_change(weather, "temp_min", style="percent", rng=0)
    text = out["temp_min"]
    assert text.map(type).eq(str).all()
    na = text == NA_TEXT
    assert na.sum() == round(0.05 * len(weather))
    numbers = text[~na].str.rstrip("%").astype(float)
    np.testing.assert_allclose(numbers, weather.loc[~na, "temp_min"], rtol=1e-5)
    _others_untouched(weather, out, "temp_min")
    pd.testing.assert_frame_equal(out, type_change(weather, "temp_min", style="percent", rng=0))


def test_type_change_bool_flags_above_median(weather):
    out = type_change(weather, "temp_max", style="bool")
    assert set(out["temp_max"]) == {True, False}
    assert (out["temp_max"] == (weather["temp_max"] > weather["temp_max"].median())).all()
    with pytest.raises(DriftParameterError, match="'style' parameter of type_change"):
        type_change(weather, "temp_max", style="date")


@pytest.mark.parametrize("value", [None, 0, -999])
def test_stuck_value_fills_the_share(weather, value):
    out = stuck_value(weather, "wind", share=0.3, value=value, rng=5)
    stuck = out["wind"].mode().iloc[0] if value is None else value
    if value is None:
        assert stuck in set(weather["wind"])                       # a reading the sensor really gave
    written = (out["wind"] == stuck) & (weather["wind"] != stuck)
    assert written.sum() <= round(0.3 * len(weather)) <= (out["wind"] == stuck).sum()
    _others_untouched(weather, out, "wind")
    pd.testing.assert_frame_equal(out, stuck_value(weather, "wind", share=0.3, value=value, rng=5))


def test_breaks_registry_names_each_injector_once():
    assert set(BREAKS) == {"unit_change", "missing_burst", "rename_levels", "type_change", "stuck_value"}
    assert {b.applies_to for b in BREAKS.values()} <= {"numeric", "categorical", "any"}
    assert len({b.inject for b in BREAKS.values()}) == len(BREAKS)
