"""A catalogue of degenerate and hostile inputs thrown at every public entry point of the multivariate,
model-output and text modules.

Each call must either return a result or raise a :class:`drift.DriftError` whose message names the side
(or file) and the fix; any other exception is a bug.  A result whose headline number is ``nan`` must say
why in its ``note`` (DESIGN §4: degenerate input gives nan with a note), and embeddings must be finite
with one row per input row.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import drift
from drift.core.errors import DriftError, DriftInputError
from drift.multivariate.embeddings import feature_embeddings


def _base(n: int, seed: int) -> pd.DataFrame:
    gen = np.random.default_rng(seed)
    return pd.DataFrame({"a": gen.normal(size=n), "b": gen.integers(0, 2, n).astype(float),
                         "c": gen.choice(["x", "y", "z"], n)})


def _pair(ref: dict, cur: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.DataFrame(ref), pd.DataFrame(cur)


N = 40
FRAMES = {
    **{f"{n}_rows": (lambda n=n: (_base(n, 0), _base(n, 1))) for n in (0, 1, 2, 3, 5, 9)},
    "current_empty": lambda: (_base(50, 0), _base(0, 1)),
    "constant": lambda: _pair({"a": [1.0] * N, "c": ["k"] * N}, {"a": [1.0] * N, "c": ["k"] * N}),
    "all_missing": lambda: _pair({"a": [np.nan] * N}, {"a": [np.nan] * N}),
    "mostly_missing": lambda: _pair({"a": [1.0] + [np.nan] * (N - 1), "n": np.arange(N * 1.0)},
                                    {"a": [np.nan] * N, "n": np.arange(N * 1.0)}),
    "dict_cells": lambda: _pair({"a": [{"k": i} for i in range(N)], "n": np.arange(N * 1.0)},
                                {"a": [{"k": i % 3} for i in range(N)], "n": np.arange(N * 1.0)}),
    "list_cells": lambda: _pair({"a": [[i, i + 1] for i in range(N)], "n": np.arange(N * 1.0)},
                                {"a": [[i] for i in range(N)], "n": np.arange(N * 1.0)}),
    "bytes_cells": lambda: _pair({"a": [bytes([i, 255]) for i in range(N)], "n": np.arange(N * 1.0)},
                                 {"a": [b"\xff\xfe"] * N, "n": np.arange(N * 1.0)}),
    "mixed_objects": lambda: _pair({"a": [1, "x", 2.5, None] * 10}, {"a": ["y", 3, None, 4.0] * 10}),
    "infinite": lambda: _pair({"a": [np.inf, 1.0, -np.inf, 2.0] * 10}, {"a": [1.0, 2.0] * 20}),
    "huge": lambda: _pair({"a": [1e308, -1e308, 0.0, 1e307] * 10}, {"a": [1e308] * N}),
    "text_only": lambda: _pair({"t": ["hello world", "", "!!!", "good day"] * 10},
                               {"t": ["bad day", "", "...", "hello"] * 10}),
    "no_columns": lambda: (pd.DataFrame(index=range(N)), pd.DataFrame(index=range(N))),
    "booleans": lambda: _pair({"a": [True, False] * 20}, {"a": [True] * N}),
    "integer_names": lambda: _pair({0: np.arange(N * 1.0), 1: np.arange(N) % 3},
                                   {0: np.arange(N * 1.0) + 1, 1: np.arange(N) % 2}),
    "none_objects": lambda: _pair({"a": pd.Series([None] * N, dtype=object)},
                                  {"a": pd.Series([None] * N, dtype=object)}),
    "complex": lambda: _pair({"a": np.arange(N) + 1j}, {"a": np.arange(N) + 2j}),
    "dates": lambda: _pair({"a": pd.date_range("2020", periods=N)}, {"a": pd.date_range("2021", periods=N)}),
}


def _first(frame: pd.DataFrame) -> pd.Series:
    return frame.iloc[:, 0] if frame.shape[1] else pd.Series([], dtype=float)


def _first_name(frame: pd.DataFrame, default: str = "y"):
    return frame.columns[0] if frame.shape[1] else default


CALLS = {
    "domain_classifier_test": lambda r, c: drift.domain_classifier_test(r, c),
    "mmd_test": lambda r, c: drift.mmd_test(r, c, n_permutations=20),
    "project_pca": lambda r, c: drift.project(r, c, method="pca"),
    "model_embeddings": lambda r, c: drift.model_embeddings(r, c, target=_first_name(r)),
    "feature_embeddings": lambda r, c: feature_embeddings(r, c),
    "embed": lambda r, c: drift.embed(r, c),
    "embed_column": lambda r, c: drift.embed(r, c, column=_first_name(r, "t")),
    "text_embeddings": lambda r, c: drift.text_embeddings(_first(r), _first(c)),
    "text_drift": lambda r, c: drift.text_drift(_first(r), _first(c), n_permutations=20),
    "text_descriptors": lambda r, c: drift.text_descriptors(_first(r)),
    "prediction_drift": lambda r, c: drift.prediction_drift(_first(r), _first(c)),
    "prediction_drift_frame": lambda r, c: drift.prediction_drift(r, c),
    "realised_performance": lambda r, c: drift.realised_performance(_first(r), _first(c), n_boot=20),
    "performance_change": lambda r, c: drift.performance_change(_first(r), _first(r), _first(c), _first(c),
                                                                n_boot=20),
    "concept_drift_test": lambda r, c: drift.concept_drift_test(_first(r), _first(r), _first(c), _first(c)),
    "estimated_performance": lambda r, c: drift.estimated_performance(_first(r), _first(r), _first(c)),
}
#: UMAP only on the tiny samples (its first fit compiles numba code for 10-35 s).
UMAP_CASES = ("2_rows", "3_rows", "5_rows", "9_rows")

# ---- one-column inputs: scores, labels, texts -------------------------------------------------------
GEN = np.random.default_rng(7)
OK_SCORES = pd.Series(GEN.uniform(size=50), name="score")
OK_LABELS = pd.Series(GEN.integers(0, 2, 50), name="default")
SCORES = {
    "empty": pd.Series([], dtype=float), "one": pd.Series([0.3]), "two": pd.Series([0.3, 0.7]),
    "constant": pd.Series([0.5] * 50), "all_missing": pd.Series([np.nan] * 50),
    "outside_0_1": pd.Series(np.linspace(-2, 3, 50)), "percent": pd.Series(np.linspace(0, 100, 50)),
    "infinite": pd.Series([np.inf, 0.2, 0.4, -np.inf] * 10), "booleans": pd.Series([True, False] * 25),
    "text": pd.Series(["0.3%", "yes"] * 25), "bytes": pd.Series([b"\x00\xff"] * 50),
    "dicts": pd.Series([{"a": 1}] * 50), "lists": pd.Series([[0.1, 0.2]] * 50),
    "mixed": pd.Series([0.1, "x", None, 0.4] * 10, dtype=object),
    "numbers_as_text": pd.Series(["0.1", "0.5"] * 25),
}
LABELS = {
    "one_class": pd.Series([1] * 50), "one_row": pd.Series([1]), "all_missing": pd.Series([np.nan] * 50),
    "yes_no": pd.Series(["yes", "no"] * 25), "three_classes": pd.Series([0, 1, 2] * 16 + [0, 1]),
    "booleans": pd.Series([True, False] * 25), "dicts": pd.Series([{"y": 1}] * 50),
}
SCORE_CALLS = {
    "prediction_drift_reference": lambda s: drift.prediction_drift(s, OK_SCORES),
    "prediction_drift_current": lambda s: drift.prediction_drift(OK_SCORES, s),
    "prediction_drift_binary": lambda s: drift.prediction_drift(s, s, kind="binary"),
    "realised_performance": lambda s: drift.realised_performance(OK_LABELS[:len(s)], s, n_boot=10),
    "performance_change": lambda s: drift.performance_change(OK_LABELS, OK_SCORES, OK_LABELS[:len(s)], s,
                                                             n_boot=10),
    "concept_drift_test": lambda s: drift.concept_drift_test(OK_LABELS, OK_SCORES, OK_LABELS[:len(s)], s),
    "estimated_performance_current": lambda s: drift.estimated_performance(OK_LABELS, OK_SCORES, s),
    "estimated_performance_reference": lambda s: drift.estimated_performance(OK_LABELS[:len(s)], s,
                                                                             OK_SCORES),
}
LABEL_CALLS = {
    "realised_performance": lambda y: drift.realised_performance(y, OK_SCORES[:len(y)], n_boot=10),
    "performance_change": lambda y: drift.performance_change(OK_LABELS, OK_SCORES, y, OK_SCORES[:len(y)],
                                                             n_boot=10),
    "concept_drift_test": lambda y: drift.concept_drift_test(OK_LABELS, OK_SCORES, y, OK_SCORES[:len(y)]),
    "estimated_performance": lambda y: drift.estimated_performance(y, OK_SCORES[:len(y)], OK_SCORES),
}
TEXTS = {
    "one": ["hello"], "empty_strings": [""] * 20, "punctuation": ["!!!", "...", "?!"] * 7,
    "emoji": ["🔥"] * 20, "missing": [np.nan] * 20, "bytes": [b"\xff"] * 20, "dicts": [{"a": 1}] * 20,
    "numbers": [1, 2.5] * 10, "ids": [f"id{i}" for i in range(60)],
    "ok": ["good day", "bad day", "hello you"] * 7,
}
TEXT_CALLS = {
    "text_drift_reference": lambda t: drift.text_drift(t, TEXTS["ok"], n_permutations=10),
    "text_drift_current": lambda t: drift.text_drift(TEXTS["ok"], t, n_permutations=10),
    "text_drift_both": lambda t: drift.text_drift(t, t, n_permutations=10),
    "text_embeddings_reference": lambda t: drift.text_embeddings(t, TEXTS["ok"]),
    "text_embeddings_current": lambda t: drift.text_embeddings(TEXTS["ok"], t),
    "text_descriptors": lambda t: drift.text_descriptors(t),
    "vocabulary": lambda t: drift.vocabulary(t),
}

#: outcome of every case, for the counts printed at the end of the run
OUTCOMES: dict[str, list[str]] = {"result": [], "nan with a note": [], "DriftError": []}


def _headline(result) -> tuple[float, str] | None:
    """The result's headline number and note, for results that have both."""
    for attr in ("auc", "overlap", "statistic"):
        if hasattr(result, attr) and hasattr(result, "note"):
            return float(getattr(result, attr)), result.note
    if hasattr(result, "mmd"):                       # TextDriftResult
        return float(result.mmd.statistic), result.note
    return None


def _check_outcome(case: str, call, n_rows: tuple[int, int] | None = None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = call()
        except DriftError as err:
            message = str(err)
            assert message, case
            if isinstance(err, DriftInputError):
                assert err.file and err.fix, f"{case}: the message must name the side and the fix: {message}"
            OUTCOMES["DriftError"].append(case)
            return
    head = _headline(result)
    if head is not None and math.isnan(head[0]):
        assert head[1], f"{case}: nan without a note"
        OUTCOMES["nan with a note"].append(case)
        return
    if isinstance(result, tuple) and all(isinstance(a, np.ndarray) for a in result):
        assert all(np.isfinite(a).all() for a in result), f"{case}: embeddings must be finite"
        if n_rows is not None:
            assert (len(result[0]), len(result[1])) == n_rows, case
    OUTCOMES["result"].append(case)


@pytest.mark.parametrize("case", sorted(FRAMES))
@pytest.mark.parametrize("call", sorted(CALLS))
def test_degenerate_frames(call: str, case: str) -> None:
    reference, current = FRAMES[case]()
    _check_outcome(f"{call}/{case}", lambda: CALLS[call](reference, current),
                   n_rows=(len(reference), len(current)) if "embed" in call else None)


@pytest.mark.parametrize("case", UMAP_CASES)
def test_umap_on_tiny_samples(case: str) -> None:
    reference, current = FRAMES[case]()
    numeric = [c for c in reference.columns if c != "c"]
    _check_outcome(f"project_umap/{case}",
                   lambda: drift.project(reference[numeric], current[numeric], method="umap", n_neighbors=50))


@pytest.mark.parametrize("case", sorted(SCORES))
@pytest.mark.parametrize("call", sorted(SCORE_CALLS))
def test_degenerate_scores(call: str, case: str) -> None:
    _check_outcome(f"{call}/scores {case}", lambda: SCORE_CALLS[call](SCORES[case]))


@pytest.mark.parametrize("case", sorted(LABELS))
@pytest.mark.parametrize("call", sorted(LABEL_CALLS))
def test_degenerate_labels(call: str, case: str) -> None:
    _check_outcome(f"{call}/labels {case}", lambda: LABEL_CALLS[call](LABELS[case]))


@pytest.mark.parametrize("case", sorted(TEXTS))
@pytest.mark.parametrize("call", sorted(TEXT_CALLS))
def test_degenerate_texts(call: str, case: str) -> None:
    _check_outcome(f"{call}/texts {case}", lambda: TEXT_CALLS[call](TEXTS[case]))


def test_zz_catalogue_counts() -> None:
    """Runs last (pytest keeps file order): prints how the catalogue came out."""
    total = sum(map(len, OUTCOMES.values()))
    print(f"\ncatalogue: {total} calls -> " + ", ".join(f"{len(v)} {k}" for k, v in OUTCOMES.items()))
    if total:
        assert len(OUTCOMES["DriftError"]) < total
