"""infer_schema: kinds and suggested roles on realistic frames; overrides through Schema.with_roles."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from drift.core.errors import DriftParameterError, DuplicateColumnsError
from drift.data.schema import SAMPLE_ROWS, Schema, infer_schema, role_candidates

WORDS = ("the delivery was late again and support never answered my question about the refund "
         "great product fast shipping would buy again from this brand").split()


def realistic(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "customer_id": np.arange(10_000, 10_000 + n),
        "age": rng.integers(18, 80, n),
        "income": rng.lognormal(10, 0.5, n),
        "n_children": rng.integers(0, 4, n),  # few distinct integers: still numeric
        "region": rng.choice(["north", "south", "east"], n),
        "has_card": rng.choice([True, False], n),
        "review": [" ".join(rng.choice(WORDS, 12)) for _ in range(n)],
        "signup_date": pd.date_range("2021-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "event_time": pd.date_range("2022-01-01", periods=n, freq="h"),
        "session_uuid": [f"{rng.integers(1 << 40):010x}-{i:05d}" for i in range(n)],
        "emb_0": rng.normal(size=n), "emb_1": rng.normal(size=n), "emb_2": rng.normal(size=n),
        "emb_3": rng.normal(size=n),
        "vector": [rng.normal(size=8) for _ in range(n)],
        "postcode": [f"0{rng.integers(1000, 9999)}" for _ in range(n)],
        "notes_empty": np.full(n, np.nan),
        "credit_score": rng.integers(300, 850, n),  # named *_score, but not a probability
        "default": rng.integers(0, 2, n),
        "p_default": rng.uniform(size=n),
    })


EXPECTED_KINDS = {
    "customer_id": "id", "age": "numeric", "income": "numeric", "n_children": "numeric",
    "region": "categorical", "has_card": "categorical", "review": "text", "signup_date": "datetime",
    "event_time": "datetime", "session_uuid": "id", "emb_0": "embedding", "emb_1": "embedding",
    "emb_2": "embedding", "emb_3": "embedding", "vector": "embedding", "postcode": "categorical",
    "notes_empty": "empty", "credit_score": "numeric", "default": "numeric", "p_default": "numeric",
}


def test_kinds_of_a_realistic_frame():
    schema = infer_schema(realistic())
    assert dict(schema.kinds) == EXPECTED_KINDS


def test_suggested_roles_and_features():
    schema = infer_schema(realistic())
    assert (schema.target, schema.prediction, schema.time) == ("default", "p_default", "event_time")
    assert schema.batch is None
    assert schema.features == ("age", "income", "n_children", "region", "has_card", "postcode",
                               "credit_score")


def test_every_column_and_role_has_a_reason():
    schema = infer_schema(realistic())
    text = "\n".join(schema.notes)
    for col in EXPECTED_KINDS:
        if not col.startswith("emb_"):
            assert repr(col) in text, col
    assert "'emb_0' … 'emb_3' (4 columns)" in text  # a block of embedding dims gets one note
    for role in ("target → 'default'", "prediction → 'p_default'", "time → 'event_time'"):
        assert role in text


def test_override_roles_and_kinds_with_with_roles():
    schema = infer_schema(realistic())
    changed = schema.with_roles(target="has_card", prediction=None, kinds={"n_children": "categorical"},
                                excluded=("postcode",))
    assert changed.target == "has_card" and changed.prediction is None
    assert changed.kinds["n_children"] == "categorical"
    assert "has_card" not in changed.features and "postcode" not in changed.features
    assert "default" in changed.features  # no longer the target: a numeric feature
    assert schema.target == "default"  # the original is untouched (frozen)
    with pytest.raises(DriftParameterError, match="an existing column"):
        schema.with_roles(target="nope")


def test_target_from_strong_name_wins_over_weaker_names():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"y": rng.normal(size=50), "churn": rng.integers(0, 2, 50),
                       "label": rng.choice(["cat", "dog"], 50), "x": rng.normal(size=50)})
    assert infer_schema(df).target == "label"


def test_weak_target_name_needs_few_classes():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"default": rng.normal(size=50), "x": rng.normal(size=50)})  # continuous: not a label
    assert infer_schema(df).target is None


def test_is_flag_is_a_candidate_never_the_guess():
    # An unrelated is_* binary column used to become the target when it was the only one (issue 9): the
    # Embeddings page then fitted a model to it.  The prefix says nothing; it is listed, not chosen.
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"x": rng.normal(size=40), "is_weekend": rng.integers(0, 2, 40)})
    schema = infer_schema(df)
    assert schema.target is None and "is_weekend" in schema.features
    table = role_candidates(df)
    row = table[(table["role"] == "target") & (table["column"] == "is_weekend")]
    assert len(row) == 1 and not row["chosen"].item()
    assert "yes/no flag" in row["reason"].item()
    assert any(n.startswith("target: not guessed") and "'is_weekend'" in n for n in schema.notes)
    assert infer_schema(df.assign(isFraud=rng.integers(0, 2, 40))).target is None  # camelCase alike
    assert infer_schema(df.rename(columns={"is_weekend": "is_fraud_case"})).target is None


def test_prediction_matching_the_target_labels():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"label": rng.choice(["a", "b"], 60), "model_pred": rng.choice(["a", "b"], 60),
                       "x": rng.normal(size=60)})
    schema = infer_schema(df)
    assert (schema.target, schema.prediction) == ("label", "model_pred")


def test_batch_column_judged_on_current_and_current_only_columns_get_kinds():
    ref = realistic(200)
    cur = realistic(300, seed=5).assign(batch=np.repeat(["week 1", "week 2", "week 3"], 100))
    schema = infer_schema(ref, cur)
    assert schema.batch == "batch"
    assert schema.kinds["batch"] == "categorical"
    assert list(schema.kinds)[-1] == "batch"
    assert any("'batch'" in n and "current only" in n for n in schema.notes)


def test_batch_with_too_many_values_is_not_suggested():
    rng = np.random.default_rng(6)
    cur = pd.DataFrame({"x": rng.normal(size=500), "period": np.arange(500) % 250})
    assert infer_schema(cur, cur).batch is None


def test_column_empty_in_reference_is_judged_on_current():
    ref = pd.DataFrame({"x": [1.0, 2.0, 3.0], "z": [np.nan] * 3})
    cur = pd.DataFrame({"x": [1.0, 2.0, 3.0], "z": [0.5, 0.1, 0.2]})
    schema = infer_schema(ref, cur)
    assert schema.kinds["z"] == "numeric"
    assert any("no values in reference" in n for n in schema.notes)


def test_numbers_stored_as_text_are_numeric_with_the_offending_values_in_the_note():
    values = [str(v) for v in np.round(np.random.default_rng(7).normal(size=99), 3)] + ["n/a"]
    schema = infer_schema(pd.DataFrame({"amount": pd.Series(values, dtype="str")}))
    assert schema.kinds["amount"] == "numeric"
    assert any("numbers stored as text" in n and "'n/a'" in n for n in schema.notes)


def test_string_kinds_text_id_categorical():
    rng = np.random.default_rng(8)
    n = 300
    df = pd.DataFrame({
        "comment": [" ".join(rng.choice(WORDS, 10)) for _ in range(n)],  # long, unique -> text
        "email": [f"user{i}@example.com" for i in range(n)],  # every value distinct -> id
        "city": rng.choice([f"city_{k}" for k in range(40)], n),  # manageable -> categorical
        "code": [f"c{i % 150}" for i in range(n)],  # too many for max_categories=100 -> note
    })
    schema = infer_schema(df, max_categories=100)
    assert dict(schema.kinds) == {"comment": "text", "email": "id", "city": "categorical",
                                  "code": "categorical"}
    assert any("'code'" in n and "more than 100 categories" in n for n in schema.notes)


def test_dates_in_other_formats_and_bool_and_category_dtypes():
    df = pd.DataFrame({
        "when": ["03/15/2021", "04/01/2021", "12/31/2020", "01/02/2022"] * 10,
        "flag": [True, False] * 20,
        "tier": pd.Categorical(["gold", "silver"] * 20),
        "few_ints": [0, 1, 2, 1] * 10,
    })
    assert dict(infer_schema(df).kinds) == {"when": "datetime", "flag": "categorical", "tier": "categorical",
                                            "few_ints": "numeric"}


def test_integer_ids_need_a_name_or_to_count_rows():
    rng = np.random.default_rng(9)
    df = pd.DataFrame({
        "Unnamed: 0": np.arange(100),  # an index written with the data
        "amount_cents": rng.permutation(np.arange(5000, 5100)),  # unique but not an id
        "store_id": rng.integers(0, 5, 100),  # id-like name, 5 values: codes
        "userId": rng.permutation(100),
    })
    kinds = infer_schema(df).kinds
    assert dict(kinds) == {"Unnamed: 0": "id", "amount_cents": "numeric", "store_id": "categorical",
                           "userId": "id"}


def test_lists_that_are_not_vectors_are_not_embeddings():
    df = pd.DataFrame({"tags": [["a", "b"], ["c"]] * 10, "x": range(20)})
    assert infer_schema(df).kinds["tags"] == "text"


def test_durations_are_excluded_with_a_reason():
    df = pd.DataFrame({"wait": pd.to_timedelta(np.arange(10), unit="s"), "x": np.arange(10.0)})
    schema = infer_schema(df)
    assert schema.excluded == ("wait",) and "wait" not in schema.features


def test_bad_arguments():
    df = pd.DataFrame({"x": [1, 2]})
    with pytest.raises(DriftParameterError, match="max_categories"):
        infer_schema(df, max_categories=0)
    with pytest.raises(DriftParameterError, match="reference"):
        infer_schema([[1, 2]])
    dup = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(DuplicateColumnsError) as exc:
        infer_schema(df, dup)
    assert "current" in str(exc.value) and "'a'" in str(exc.value) and "Fix" in str(exc.value)


def test_schema_pickles_for_caching():
    schema = infer_schema(realistic(50))
    again = pickle.loads(pickle.dumps(schema))
    assert again == schema and isinstance(again, Schema)


def test_fast_on_many_rows_because_content_checks_are_sampled():
    rng = np.random.default_rng(10)
    n = 400_000
    cats = np.array([f"cat_{k}" for k in range(30)])
    when = pd.Series(pd.date_range("2020", periods=n, freq="min").astype(str), dtype="str")
    df = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(10)}
                      | {f"c{i}": pd.Series(cats[rng.integers(0, 30, n)], dtype="str") for i in range(4)}
                      | {"when": when})
    assert n > SAMPLE_ROWS
    start = time.perf_counter()
    schema = infer_schema(df, df)
    elapsed = time.perf_counter() - start
    assert schema.kinds["when"] == "datetime" and schema.kinds["c0"] == "categorical"
    assert elapsed < 5, elapsed


def test_object_column_of_numbers_is_numeric():
    df = pd.DataFrame({"x": pd.Series([1.5, 2.0, None, 4.25] * 5, dtype=object)})
    schema = infer_schema(df)
    assert schema.kinds["x"] == "numeric"
    assert not any("stored as text" in n for n in schema.notes)


# --- roles: guessed only from unambiguous evidence; the rest are candidates ---------------------------
def candidates(ref: pd.DataFrame, cur: pd.DataFrame | None = None, role: str | None = None) -> dict:
    """column -> (chosen, reason) for one role."""
    table = role_candidates(ref, cur)
    table = table[table["role"] == role]
    return {c: (bool(ch), r) for c, ch, r in zip(table["column"], table["chosen"], table["reason"])}


def test_role_candidates_table_shape_and_public_export():
    import drift

    table = drift.role_candidates(realistic(60))
    assert list(table.columns) == ["role", "column", "reason", "chosen"]
    assert table["chosen"].dtype == bool
    assert set(table["role"]) <= {"target", "prediction", "time", "batch"}
    chosen = table[table["chosen"]]
    assert not chosen["role"].duplicated().any()  # at most one guess per role, listed first in its role
    for role, rows in table.groupby("role", sort=False):
        assert not rows["chosen"].iloc[1:].any(), role
    schema = infer_schema(realistic(60))
    assert {r: c for c, r in schema.roles.items()} == dict(zip(chosen["role"], chosen["column"]))
    assert chosen.set_index("role").loc["target", "reason"] == ("guessed from the name 'default': a yes/no "
                                                                "outcome with 2 values")


def test_outcome_words_are_guessed_only_with_two_values():
    rng = np.random.default_rng(11)
    base = pd.DataFrame({"x": rng.normal(size=80)})
    for name in ("default", "churn", "converted", "fraud", "survived", "Churned"):
        assert infer_schema(base.assign(**{name: rng.integers(0, 2, 80)})).target == name, name
    many = base.assign(default=rng.integers(0, 5, 80))  # e.g. a default setting with five levels
    assert infer_schema(many).target is None
    assert "5 distinct values, not 2" in candidates(many, role="target")["default"][1]


def test_ambiguous_target_names_are_candidates_with_a_reason():
    rng = np.random.default_rng(12)
    titanic = pd.DataFrame({"class": rng.choice(["First", "Second", "Third"], 90),
                            "age": rng.normal(30, 9, 90), "survived": rng.integers(0, 2, 90),
                            "status": rng.choice(["a", "b"], 90)})
    schema = infer_schema(titanic)
    assert schema.target == "survived" and "class" in schema.features  # passenger class is a feature
    found = candidates(titanic, role="target")
    assert found["survived"][0] and not found["class"][0] and not found["status"][0]
    assert "passenger" in found["class"][1]
    no_outcome = titanic.drop(columns="survived")
    assert infer_schema(no_outcome).target is None
    assert set(candidates(no_outcome, role="target")) == {"class", "status"}


def test_y_beside_x_is_a_coordinate_and_a_label_of_names_is_not_a_target():
    rng = np.random.default_rng(13)
    points = pd.DataFrame({"x": rng.normal(size=60), "y": rng.normal(size=60)})
    assert infer_schema(points).target is None
    assert "coordinates" in candidates(points, role="target")["y"][1]
    assert infer_schema(points.drop(columns="x").assign(z=1.0)).target == "y"
    songs = pd.DataFrame({"tempo": rng.normal(120, 10, 400),
                          "label": [f"Records {k}" for k in rng.integers(0, 300, 400)]})  # record labels
    assert infer_schema(songs).kinds["label"] == "categorical"
    assert infer_schema(songs).target is None
    assert "distinct values" in candidates(songs, role="target")["label"][1]


def test_prediction_needs_its_name_and_fitting_content():
    rng = np.random.default_rng(14)
    n = 120
    df = pd.DataFrame({"default": rng.integers(0, 2, n), "risk_score": rng.random(n),
                       "credit_score": rng.integers(300, 850, n), "x": rng.normal(size=n)})
    assert infer_schema(df).prediction is None  # a vendor's risk score in [0, 1] is as often a feature
    found = candidates(df, role="prediction")
    assert set(found) == {"risk_score"} and not found["risk_score"][0]  # credit_score: not in [0, 1]
    assert infer_schema(df.assign(p_default=rng.random(n))).prediction == "p_default"
    assert infer_schema(df.assign(default_proba=rng.random(n))).prediction == "default_proba"
    named = df.assign(probability=rng.normal(size=n))  # not a probability: listed with why
    assert infer_schema(named).prediction is None
    assert "not in [0, 1]" in candidates(named, role="prediction")["probability"][1]
    pricing = pd.DataFrame({"converted": rng.integers(0, 2, n), "conversion_score": rng.random(n)})
    assert infer_schema(pricing).prediction == "conversion_score"  # named after the target's stem
    assert infer_schema(df.assign(y_pred=rng.normal(size=n))).prediction == "y_pred"


def test_time_is_the_only_or_the_time_named_datetime_and_never_a_number():
    n = 50
    two = pd.DataFrame({"birth_date": pd.date_range("1960-01-01", periods=n, freq="D"),
                        "signup_date": pd.date_range("2021-01-01", periods=n, freq="D"),
                        "x": np.arange(n) * 0.5})
    assert infer_schema(two).time is None
    assert set(candidates(two, role="time")) == {"birth_date", "signup_date"}
    assert infer_schema(two.assign(event_time=pd.date_range("2024-01-01", periods=n, freq="h"))).time \
        == "event_time"
    assert infer_schema(two.drop(columns="birth_date")).time == "signup_date"  # the only datetime column
    numeric = pd.DataFrame({"date": 20240101 + np.arange(n) % 28, "x": np.arange(n) * 0.5})
    schema = infer_schema(numeric)
    assert schema.kinds["date"] == "numeric" and schema.time is None and "date" in schema.features
    chosen, reason = candidates(numeric, role="time")["date"]
    assert not chosen and "20240101" in reason
    months = pd.DataFrame({"period": 202301 + np.arange(n) % 12, "x": np.arange(n) * 0.5})
    assert "202301" in candidates(months, role="time")["period"][1]
    assert "x" not in candidates(months, role="time")


def test_batch_from_a_batch_name_or_a_period_found_only_in_production():
    rng = np.random.default_rng(15)
    ref = pd.DataFrame({"x": rng.normal(size=120), "month": rng.integers(1, 13, 120)})  # a seasonal feature
    cur = ref.assign(month=rng.integers(1, 13, 120))
    assert infer_schema(ref, cur).batch is None and "month" in infer_schema(ref, cur).features
    assert "seasonal feature" in candidates(ref, cur, role="batch")["month"][1]
    split = cur.assign(week=np.repeat(["W1", "W2", "W3"], 40))  # production only
    assert infer_schema(ref, split).batch == "week"
    other = cur.assign(source=np.repeat(["a", "b"], 60))
    assert infer_schema(ref, other).batch is None
    chosen, reason = candidates(ref, other, role="batch")["source"]
    assert not chosen and "only in the production data" in reason


def test_built_in_scenarios_keep_their_guessed_roles():
    import drift
    from drift.data.scenarios import load_scenario

    data = Path(__file__).resolve().parents[2] / "data"
    ref = drift.load_table(data / "credit_reference_sample.csv")  # the credit scenario's sample files
    cur = drift.load_table(data / "credit_production_sample.csv")
    assert infer_schema(ref, cur).roles == {"default": "target", "score": "prediction", "month": "time",
                                            "batch": "batch"}
    sc = load_scenario("pricing", n_weeks=8, rows_per_week=200)
    assert infer_schema(sc.reference, sc.current).roles == {
        "converted": "target", "conversion_score": "prediction", "week": "time", "batch": "batch"}


def test_role_candidates_reuses_a_given_schema_and_checks_it():
    rng = np.random.default_rng(16)
    df = pd.DataFrame({"x": rng.normal(size=40), "is_weekend": rng.integers(0, 2, 40)})
    schema = infer_schema(df).with_roles(kinds={"is_weekend": "text"})  # no longer a usable label
    assert role_candidates(df, schema=schema).empty
    with pytest.raises(DriftParameterError, match="schema"):
        role_candidates(df, schema={"x": "numeric"})
