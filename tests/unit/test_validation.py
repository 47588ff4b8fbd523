"""validate_pair: each column check, its action (excluded / kept), and a message naming file, column, fix."""

from __future__ import annotations

import io
import pickle
import time

import numpy as np
import pandas as pd
import pytest

from drift.core.errors import (
    AllMissingError,
    ColumnMismatchError,
    ConstantColumnError,
    DriftInputError,
    DriftParameterError,
    DuplicateColumnsError,
    InfiniteValuesError,
    MixedTypeError,
    TooManyCategoriesError,
    TypeChangeError,
)
from drift.data.io import load_table
from drift.data.schema import Schema, infer_schema, role_candidates
from drift.data.validation import ColumnProblem, Validation, validate_pair
from drift.diagnosis.features import feature_drift

REF, CUR = "train.csv", "prod.csv"


def frames(n: int = 200, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)

    def one(m: int) -> pd.DataFrame:
        return pd.DataFrame({
            "income": rng.lognormal(10, 0.5, m),
            "age": rng.integers(18, 80, m),
            "region": rng.choice(["north", "south", "east"], m),
            "default": rng.integers(0, 2, m),
        })

    return one(n), one(n)


def check(ref: pd.DataFrame, cur: pd.DataFrame, schema=None, **kwargs) -> Validation:
    return validate_pair(ref, cur, schema, reference_name=REF, current_name=CUR, **kwargs)


def only(v: Validation, column: str) -> ColumnProblem:
    found = [p for p in v.problems if p.column == column]
    assert len(found) == 1, v.problems
    return found[0]


def assert_message(err: DriftInputError, file: str, column: str, *extra: str) -> None:
    msg = str(err)
    for word in (file, repr(column), "Fix", *extra):
        assert word in msg, f"{word!r} not in {msg!r}"


def test_clean_pair_has_no_problems():
    ref, cur = frames()
    v = check(ref, cur)
    assert v.problems == () and v.ok and v.excluded == ()
    assert v.schema == infer_schema(ref, cur)
    assert v.schema.features == ("income", "age", "region")
    v.raise_for_excluded()  # nothing to raise
    table = v.to_frame()
    assert table.empty and list(table.columns) == ["column", "problem", "action", "file", "message", "fix"]


def test_column_in_one_file_only_is_excluded_with_a_spelling_hint():
    ref, cur = frames()
    ref["tenure"] = 1.0
    cur = cur.rename(columns={"age": "Age"})
    v = check(ref, cur)
    p = only(v, "tenure")
    assert isinstance(p.error, ColumnMismatchError) and p.action == "excluded"
    assert_message(p.error, CUR, "tenure", REF)
    p = only(v, "age")
    assert p.action == "excluded"
    assert_message(p.error, CUR, "age", "rename 'Age'")
    assert {"tenure", "age", "Age"} <= set(v.schema.excluded)
    assert v.schema.features == ("income", "region")


def test_target_missing_in_current_is_kept_with_a_warning():
    ref, cur = frames()
    v = check(ref, cur.drop(columns="default"))
    p = only(v, "default")
    assert isinstance(p.error, ColumnMismatchError) and p.action == "kept"
    assert_message(p.error, CUR, "default", "target")
    assert "default" not in v.schema.excluded and v.schema.target == "default"
    assert v.warnings == (p,) and v.ok


def test_batch_in_current_only_is_normal():
    ref, cur = frames()
    cur["batch"] = np.repeat(["b1", "b2"], len(cur) // 2)
    v = check(ref, cur)
    assert v.schema.batch == "batch" and v.problems == ()


def test_schema_column_in_neither_file():
    ref, cur = frames()
    schema = infer_schema(ref, cur).with_roles(kinds={"ghost": "numeric"})
    p = only(check(ref, cur, schema), "ghost")
    assert p.action == "excluded" and isinstance(p.error, ColumnMismatchError)
    assert_message(p.error, CUR, "ghost", "neither")


def test_numbers_in_reference_text_in_current_is_mixed_type_with_examples():
    ref, cur = frames()
    cur["income"] = cur["income"].astype(object)
    cur.loc[:9, "income"] = "n/a"
    cur.loc[10:11, "income"] = "unknown"
    cur["income"] = cur["income"].astype("str")
    v = check(ref, cur)
    p = only(v, "income")
    assert isinstance(p.error, MixedTypeError) and p.action == "excluded"
    assert_message(p.error, CUR, "income", "'n/a'", "'unknown'", "12 values", REF)
    assert "income" in v.schema.excluded


def test_categorical_codes_read_as_numbers_on_one_side_only():
    ref, cur = frames()
    ref["grade"] = np.tile(["1", "2", "A"], len(ref) // 3 + 1)[: len(ref)]
    cur["grade"] = np.tile([1, 2], len(cur) // 2)
    schema = infer_schema(ref, cur)
    assert schema.kinds["grade"] == "categorical"
    p = only(check(ref, cur, schema), "grade")
    assert isinstance(p.error, MixedTypeError) and p.action == "excluded"
    assert_message(p.error, REF, "grade", "'A'")


def test_all_missing_in_reference_is_excluded():
    ref, cur = frames()
    ref["income"] = np.nan
    p = only(check(ref, cur), "income")
    assert isinstance(p.error, AllMissingError) and p.action == "excluded"
    assert_message(p.error, REF, "income")


def test_all_missing_in_current_is_kept_as_a_pipeline_break_signal():
    ref, cur = frames()
    cur["income"] = np.nan
    v = check(ref, cur)
    p = only(v, "income")
    assert isinstance(p.error, AllMissingError) and p.action == "kept"
    assert_message(p.error, CUR, "income", "pipeline")
    assert "income" in v.schema.features  # still tested: the tests must see the break


def test_constant_on_both_sides_is_kept_as_information():
    ref, cur = frames()
    ref["country"], cur["country"] = "FR", "FR"
    ref["fee"], cur["fee"] = 2.5, 2.5
    v = check(ref, cur)
    for col, value in (("country", "'FR'"), ("fee", "2.5")):
        p = only(v, col)
        assert isinstance(p.error, ConstantColumnError) and p.action == "kept"
        assert_message(p.error, REF, col, CUR, value)
    assert v.ok


def test_different_constants_are_drift_not_a_problem():
    ref, cur = frames()
    ref["fee"], cur["fee"] = 2.5, 3.0
    ref["fee"] = ref["fee"].where(ref.index > 0)  # a missing value does not make it non-constant
    assert check(ref, cur).problems == ()


def test_infinite_values_are_excluded_with_count_and_fix():
    ref, cur = frames()
    cur.loc[:4, "income"] = np.inf
    cur.loc[5:6, "income"] = -np.inf
    v = check(ref, cur)
    p = only(v, "income")
    assert isinstance(p.error, InfiniteValuesError) and p.action == "excluded"
    assert_message(p.error, CUR, "income", "7 values", "NaN", "cap")
    with pytest.raises(InfiniteValuesError, match="income"):
        v.raise_for_excluded()


def test_too_many_categories_in_one_file_or_across_both():
    rng = np.random.default_rng(3)
    n = 600
    ref = pd.DataFrame({"code": [f"c{i % 300}" for i in range(n)], "x": rng.normal(size=n)})
    cur = pd.DataFrame({"code": [f"c{i % 300}" for i in range(n)], "x": rng.normal(size=n)})
    p = only(check(ref, cur, max_categories=100), "code")
    assert isinstance(p.error, TooManyCategoriesError) and p.action == "excluded"
    assert_message(p.error, REF, "code", "300 distinct", "max_categories=100", "bucket")
    # 80 categories on each side, but disjoint: 160 across both files
    ref["code"] = [f"a{i % 80}" for i in range(n)]
    cur["code"] = [f"b{i % 80}" for i in range(n)]
    p = only(check(ref, cur, max_categories=100), "code")
    assert isinstance(p.error, TooManyCategoriesError)
    assert_message(p.error, REF, "code", CUR, "160 distinct")


def test_missing_values_are_not_counted_as_categories():
    # 50 categories per side plus missing values of every spelling: 50 distinct values, not 51-53.
    n = 300
    codes = [f"c{i % 50}" for i in range(n)]
    holes = [None, np.nan, pd.NA]
    with_holes = [holes[i % 3] if i % 7 == 0 else c for i, c in enumerate(codes)]
    for values in (pd.Series(with_holes, dtype=object), pd.Series(with_holes, dtype="str"),
                   pd.Series(with_holes, dtype="category")):
        ref = pd.DataFrame({"code": values, "x": np.arange(n, dtype=float)})
        cur = pd.DataFrame({"code": values, "x": np.arange(n, dtype=float)})
        schema = Schema({"code": "categorical", "x": "numeric"})
        assert not check(ref, cur, schema, max_categories=50).excluded, values.dtype
        p = only(check(ref, cur, schema, max_categories=49), "code")
        assert_message(p.error, REF, "code", "50 distinct", "max_categories=49")


def test_columns_already_excluded_by_the_schema_are_not_checked():
    ref, cur = frames()
    cur["income"] = np.inf
    schema = infer_schema(ref, cur).with_roles(excluded=("income",))
    v = check(ref, cur, schema)
    assert v.problems == () and v.schema.excluded == ("income",)


def test_raise_for_excluded_raises_the_first_excluded_error_only():
    ref, cur = frames()
    cur["income"] = np.nan  # kept: not raised
    cur["age"] = cur["age"].astype(float)
    cur.loc[0, "age"] = np.inf  # excluded
    ref["extra"] = 1.0  # excluded, after age
    v = check(ref, cur)
    assert [p.action for p in v.problems] == ["kept", "excluded", "excluded"]
    with pytest.raises(InfiniteValuesError):
        v.raise_for_excluded()
    assert v.excluded == ("age", "extra")
    table = v.to_frame()
    assert table["problem"].tolist() == ["AllMissingError", "InfiniteValuesError", "ColumnMismatchError"]


def test_validation_pickles_for_caching():
    ref, cur = frames()
    cur.loc[0, "income"] = np.inf
    v = check(ref, cur)
    again = pickle.loads(pickle.dumps(v))
    assert again.schema == v.schema and str(again.problems[0].error) == str(v.problems[0].error)


def test_bad_arguments():
    ref, cur = frames()
    with pytest.raises(DriftParameterError, match="current"):
        validate_pair(ref, cur.to_numpy())
    with pytest.raises(DriftParameterError, match="max_categories"):
        validate_pair(ref, cur, max_categories=-1)
    with pytest.raises(DriftParameterError, match="schema"):
        validate_pair(ref, cur, {"income": "numeric"})
    dup = pd.concat([cur, cur[["age"]]], axis=1)
    with pytest.raises(DuplicateColumnsError) as exc:
        check(ref, dup)
    assert_message(exc.value, CUR, "age")


def test_fast_on_many_rows():
    rng = np.random.default_rng(4)
    n = 300_000
    cats = np.array([f"cat_{k}" for k in range(40)])
    data = {f"x{i}": rng.normal(size=n) for i in range(20)}
    data |= {f"c{i}": pd.Series(cats[rng.integers(0, 40, n)], dtype="str") for i in range(4)}
    ref = pd.DataFrame(data)
    cur = ref.copy()
    schema = infer_schema(ref, cur)
    start = time.perf_counter()
    v = validate_pair(ref, cur, schema)
    elapsed = time.perf_counter() - start
    assert v.problems == ()
    assert elapsed < 3, elapsed


def test_object_column_of_numbers_is_not_mixed():
    ref, cur = frames()
    cur["income"] = cur["income"].astype(object)  # Python floats in an object column: numbers, not text
    assert check(ref, cur).problems == ()


# --- type changes: a pipeline break, reported as such (not as drift) ----------------------------------
def test_float_column_arriving_as_booleans_is_a_type_change_not_drift():
    # Issue 10: a float column that arrives as True/False was scored as major drift (PSI 6.8).
    ref, cur = frames()
    cur["income"] = np.random.default_rng(5).random(len(cur)) < 0.5
    v = check(ref, cur)
    p = only(v, "income")
    assert isinstance(p.error, TypeChangeError) and isinstance(p.error, MixedTypeError)
    assert p.action == "excluded" and p.column == "income" == p.error.column and p.error.file == CUR
    assert_message(p.error, CUR, "income", "float64 numbers in train.csv", "true/false in prod.csv",
                   "changed type", ".astype(float)")
    assert not str(p.error).startswith("current")
    table = feature_drift(ref, cur, on_invalid="exclude")
    assert "income" not in set(table["feature"])
    assert [type(q.error) for q in table.attrs["problems"]] == [TypeChangeError]
    with pytest.raises(TypeChangeError, match="true/false in current"):
        feature_drift(ref, cur, on_invalid="raise")


def test_the_words_true_and_false_are_a_type_change_too():
    ref, cur = frames()
    cur["income"] = np.where(np.arange(len(cur)) % 3 == 0, "True", "false")
    p = only(check(ref, cur), "income")
    assert isinstance(p.error, TypeChangeError)
    assert_message(p.error, CUR, "income", "float64 numbers in train.csv", "true/false in prod.csv")


def test_numbers_arriving_as_text_are_a_type_change_and_stray_words_are_not():
    ref, cur = frames()
    cur["income"] = np.where(np.arange(len(cur)) % 2 == 0, "low", "high")
    p = only(check(ref, cur), "income")
    assert isinstance(p.error, TypeChangeError) and p.action == "excluded"
    assert_message(p.error, CUR, "income", "float64 numbers in train.csv", "text in prod.csv", "'low'",
                   "pd.to_numeric")
    # a few stray words in a numeric column: dirty values (MixedTypeError listing them), not a new type
    ref, cur = frames()
    cur["income"] = cur["income"].astype(object)
    cur.loc[:4, "income"] = "n/a"
    cur["income"] = cur["income"].astype("str")
    p = only(check(ref, cur), "income")
    assert type(p.error) is MixedTypeError


def test_booleans_becoming_numbers_or_text_and_bool_words_against_booleans():
    ref, cur = frames()
    ref["active"] = np.arange(len(ref)) % 2 == 0
    cur["active"] = (np.arange(len(cur)) % 2).astype(float)
    p = only(check(ref, cur), "active")
    assert isinstance(p.error, TypeChangeError)
    assert_message(p.error, CUR, "active", "true/false in train.csv", "float64 numbers in prod.csv",
                   ".astype(bool)")
    cur["active"] = np.where(np.arange(len(cur)) % 2 == 0, "true", "false")  # same values, read as words
    p = only(check(ref, cur), "active")
    assert type(p.error) is MixedTypeError and "read both files the same way" in p.error.fix
    cur["active"] = np.where(np.arange(len(cur)) % 2 == 0, "yes", "maybe")
    assert isinstance(only(check(ref, cur), "active").error, TypeChangeError)


def test_int_and_float_or_object_numbers_are_the_same_type():
    ref, cur = frames()
    cur["age"] = cur["age"].astype(float)
    cur["income"] = cur["income"].astype(object)
    assert check(ref, cur).problems == ()


# --- messages name the files -----------------------------------------------------------------------
def load(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    buffer = io.BytesIO(frame.to_csv(index=False).encode())
    buffer.name = name
    return load_table(buffer)


def test_messages_name_the_loaded_files_not_the_sides():
    ref, cur = frames()
    cur["income"] = np.where(np.arange(len(cur)) % 2 == 0, "low", "high")
    ref["extra"] = 1.5
    r, c = load(ref, "train.csv"), load(cur, "prod_2025-03.csv")
    v = validate_pair(r, c)  # no names given: they come from the loader
    for p in v.problems:
        msg = str(p.error)
        assert msg.startswith("prod_2025-03.csv: column"), msg
        assert "train.csv" in msg and "current" not in msg and "reference" not in msg
    with pytest.raises(TypeChangeError, match=r"^prod_2025-03\.csv: column 'income'"):
        feature_drift(r, c, on_invalid="raise")  # the library path names the file too
    same = validate_pair(r, load(cur, "train.csv"))  # two files of one name: still tell them apart
    assert_message(only(same, "income").error, "train.csv (current)", "income", "train.csv (reference)")
    in_memory = validate_pair(ref, cur, reference_name=REF)  # a frame not read from a file: the side
    assert_message(only(in_memory, "extra").error, "current", "extra", REF)


# --- linear time in the number of columns ---------------------------------------------------------
def test_20000_columns_by_300_rows_are_inferred_and_validated_correctly():
    # Issue 10: schema inference was quadratic in the number of columns (20,000 did not finish in 300 s).
    # This asserts results, not time; it takes about two seconds.
    rng = np.random.default_rng(20)
    n, k = 300, 20_000
    names = [f"f{i}" for i in range(k)]
    ref = pd.DataFrame(rng.normal(size=(n, k)), columns=names)
    cur = pd.DataFrame(rng.normal(size=(n, k)), columns=names)
    cur["f1"] = rng.random(n) < 0.5                              # type change: float -> bool
    cur["f2"] = np.where(np.arange(n) % 2 == 0, "low", "high")   # type change: float -> text
    cur.loc[:2, "f3"] = np.inf                                   # infinite values
    ref["f4"], cur["f4"] = 7.0, 7.0                              # constant on both sides
    cur["f5"] = np.nan                                           # empty in production
    moved = names[10:3010]
    cur = cur.rename(columns={c: c.upper() for c in moved})      # 3,000 columns renamed: case only
    ref["default"], cur["default"] = rng.integers(0, 2, n), rng.integers(0, 2, n)
    ref["city"], cur["city"] = rng.choice(["a", "b", "c"], n), rng.choice(["a", "b", "c"], n)
    ref["is_weekend"], cur["is_weekend"] = rng.integers(0, 2, n), rng.integers(0, 2, n)

    schema = infer_schema(ref, cur)
    assert len(schema.kinds) == k + 3 + len(moved)
    assert all(schema.kinds[c] == "numeric" for c in names) and schema.kinds["city"] == "categorical"
    assert all(schema.kinds[c.upper()] == "numeric" for c in moved)
    assert schema.roles == {"default": "target"}
    table = role_candidates(ref, cur, schema=schema)
    assert table[table["role"] == "target"]["column"].tolist() == ["default", "is_weekend"]

    v = check(ref, cur, schema)
    kinds = {p.column: (type(p.error), p.action) for p in v.problems}
    assert kinds.pop("f1") == (TypeChangeError, "excluded")
    assert kinds.pop("f2") == (TypeChangeError, "excluded")
    assert kinds.pop("f3") == (InfiniteValuesError, "excluded")
    assert kinds.pop("f4") == (ConstantColumnError, "kept")
    assert kinds.pop("f5") == (AllMissingError, "kept")
    assert set(kinds) == set(moved) | {c.upper() for c in moved}
    assert set(kinds.values()) == {(ColumnMismatchError, "excluded")}
    hint = only(v, "f10").error.fix
    assert "rename 'F10' in prod.csv to 'f10'" in hint
    gone = {"f1", "f2", "f3", *moved}
    expected = [c for c in names if c not in gone] + ["city", "is_weekend"]
    assert v.schema.features == tuple(expected)  # f4 (constant) and f5 (empty in production) stay
