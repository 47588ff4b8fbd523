"""infer_schema: kinds and suggested roles on realistic frames; overrides through Schema.with_roles."""

from __future__ import annotations

import pickle
import time

import numpy as np
import pandas as pd
import pytest

from drift.errors import DriftParameterError, DuplicateColumnsError
from drift.schema import SAMPLE_ROWS, Schema, infer_schema

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


def test_is_flag_target_only_when_unambiguous():
    rng = np.random.default_rng(3)
    one = pd.DataFrame({"x": rng.normal(size=40), "is_fraud_case": rng.integers(0, 2, 40)})
    assert infer_schema(one).target == "is_fraud_case"
    two = one.assign(is_weekend=rng.integers(0, 2, 40))
    schema = infer_schema(two)
    assert schema.target is None
    assert any("several binary is_* columns" in n for n in schema.notes)


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
