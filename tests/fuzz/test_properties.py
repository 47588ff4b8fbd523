"""Property-based tests (Hypothesis, derandomized: the same examples on every run) of the loaders and of
``feature_drift``.

* ``load_table`` on arbitrary bytes (behind the magic bytes of every format it sniffs) and on arbitrary
  delimited text in several encodings returns a table that passes the loader checks or raises a
  ``DriftError`` naming the file — nothing else;
* a frame of plain columns (integers, floats, booleans, words) written by pandas to CSV or Parquet loads
  back with the same names and values;
* ``feature_drift`` on random frames (missing, infinite, huge, constant, mixed and type-changed columns)
  returns a table or a ``DriftError``; p-values are in [0, 1], PSI is >= 0, and a frame compared with
  itself has no drifted feature.
"""

from __future__ import annotations

import bz2
import io
import os

import numpy as np
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import drift
from drift.core.limits import LoadLimits
from tests.fuzz.corpus import gz
from tests.fuzz.library import check_loaded, check_no_drift, check_table
from tests.fuzz.outcomes import attempt

#: Multiplies every example count: ``DRIFT_FUZZ_SCALE=20`` for a deeper (slower) hunt than ``make test``'s.
SCALE = float(os.environ.get("DRIFT_FUZZ_SCALE", "1"))


def examples(n: int) -> int:
    return max(1, round(n * SCALE))


#: Small limits: a random input never costs more than a few MiB.
LIMITS = LoadLimits(max_expanded_bytes=4 * 2**20, max_cells=200_000, max_document_bytes=2**20)
#: The magic bytes of every format load_table sniffs (and a pickle's, an OLE2 file's, a CSV header).
MAGIC = [b"", b"PAR1", b"PK\x03\x04", b"\x1f\x8b\x08\x00", b"BZh91AY&SY", b"\xfd7zXZ\x00", b"{", b"[{",
         b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x80\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
         b"a,b\n"]
EXTENSIONS = [".csv", ".tsv", ".txt", ".jsonl", ".json", ".parquet", ".xlsx", ".csv.gz", ".bin", ""]
#: Words pandas reads as missing values or booleans, and number words: not plain words for a round trip.
SPECIAL_WORDS = {"na", "nan", "null", "none", "n/a", "true", "false", "inf", "infinity", "nat"}


def assert_loads_or_refuses(content: bytes, name: str) -> None:
    outcome, _ = attempt("library", "hypothesis", "load_table",
                         lambda: drift.load_table(io.BytesIO(content), name=name, limits=LIMITS),
                         lambda df: check_loaded(df, name), file=name)
    assert outcome.allowed, str(outcome)


# --- loaders: anything in, a table or a DriftError out -------------------------------------------
@settings(max_examples=examples(150))
@given(st.sampled_from(MAGIC), st.binary(max_size=1500), st.sampled_from(EXTENSIONS),
       st.sampled_from([None, gz, bz2.compress]))
def test_load_table_on_arbitrary_bytes(magic: bytes, body: bytes, ext: str, compress) -> None:
    content = magic + body
    assert_loads_or_refuses(compress(content) if compress else content, f"fuzz{ext}")


CELLS = st.text(st.sampled_from(list("ab1.-e ,;\t|\"'\n\r\x00éß€中\u202e")), max_size=6) | st.sampled_from(
    ["1.5", "-3", "1e5", "NaN", "", "x" * 40])


@settings(max_examples=examples(150))
@given(st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=1, max_size=12),
       st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le",
                                                              "cp1252", "latin-1"]),
       st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from([".csv", ".txt", ".tsv", ".jsonl"]))
def test_load_table_on_arbitrary_delimited_text(rows, delimiter, encoding, newline, ext) -> None:
    text = newline.join(delimiter.join(row) for row in rows) + newline
    assert_loads_or_refuses(text.encode(encoding, errors="replace"), f"fuzz{ext}")


# --- loaders: plain frames round trip -----------------------------------------------------------
WORDS = st.text(st.sampled_from(list("abcxyzAÉéßøЖж")), min_size=1, max_size=8).filter(
    lambda w: w.lower() not in SPECIAL_WORDS)
NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)


@st.composite
def plain_frames(draw) -> pd.DataFrame:
    """2-25 rows of 1-5 columns: int64, float64 (finite, some missing), bool or words."""
    n = draw(st.integers(2, 25))
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(["int", "float", "bool", "word"]))
        if kind == "int":
            columns[name] = np.array(draw(st.lists(st.integers(-(10**15), 10**15), min_size=n, max_size=n)),
                                     dtype=np.int64)
        elif kind == "float":
            values = st.floats(allow_infinity=False, allow_subnormal=True, width=64) | st.just(float("nan"))
            columns[name] = np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=np.float64)
        elif kind == "bool":
            columns[name] = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        else:
            columns[name] = draw(st.lists(WORDS, min_size=n, max_size=n))
    frame = pd.DataFrame(columns)
    # A row missing in every column is a blank line in CSV, which no reader can tell from none.
    assume(not frame.isna().all(axis=1).any())
    return frame


def assert_same_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for col in expected.columns:
        a, b = got[col], expected[col]
        if pd.api.types.is_float_dtype(b):
            assert pd.api.types.is_float_dtype(a), (col, a.dtype)
            np.testing.assert_array_equal(a.to_numpy(float), b.to_numpy(float))   # bit for bit, nan == nan
        else:
            assert a.tolist() == b.tolist(), (col, a.tolist()[:5], b.tolist()[:5])


@settings(max_examples=examples(50))
@given(plain_frames())
def test_plain_frames_round_trip_through_csv(frame: pd.DataFrame) -> None:
    loaded = drift.load_table(io.BytesIO(frame.to_csv(index=False).encode()), name="frame.csv")
    assert_same_frame(loaded, frame)


@settings(max_examples=examples(40))
@given(plain_frames())
def test_plain_frames_round_trip_through_parquet(frame: pd.DataFrame) -> None:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    loaded = drift.load_table(io.BytesIO(buf.getvalue()), name="frame.parquet")
    assert_same_frame(loaded, frame)
    assert list(loaded.dtypes.astype(str)) == list(frame.dtypes.astype(str)) or all(
        pd.api.types.is_string_dtype(a) or a == b for a, b in zip(loaded.dtypes, frame.dtypes))


# --- feature_drift on random frames ---------------------------------------------------------------
FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
LEVELS = st.sampled_from(["a", "b", "c", "![t](http://x/y.png)", "", " ", "1", "None"])


def column(kind: str, n: int) -> st.SearchStrategy:
    strategies = {
        "float": st.lists(FLOATS, min_size=n, max_size=n),
        "small": st.lists(st.floats(-3, 3) | st.just(float("nan")), min_size=n, max_size=n),
        "int": st.lists(st.integers(-5, 5), min_size=n, max_size=n),
        "constant": st.just([7.0] * n),
        "missing": st.just([None] * n),
        "bool": st.lists(st.booleans(), min_size=n, max_size=n),
        "category": st.lists(LEVELS | st.none(), min_size=n, max_size=n),
        "many_levels": st.just([f"id{i}" for i in range(n)]),
        "mixed": st.lists(st.one_of(st.integers(-3, 3), LEVELS, st.none()), min_size=n, max_size=n),
    }
    return strategies[kind]


KINDS = ["float", "small", "int", "constant", "missing", "bool", "category", "many_levels", "mixed"]


@st.composite
def frame_pairs(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two frames with the same column names; a column's kind may differ between them (a type change)."""
    n_ref, n_cur = draw(st.integers(2, 60)), draw(st.integers(2, 60))
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    ref, cur = {}, {}
    for name in names:
        kind = draw(st.sampled_from(KINDS))
        other = draw(st.sampled_from(KINDS)) if draw(st.integers(0, 4)) == 0 else kind
        ref[name] = draw(column(kind, n_ref))
        cur[name] = draw(column(other, n_cur))
    return pd.DataFrame(ref), pd.DataFrame(cur)


@settings(max_examples=examples(80))
@given(frame_pairs())
def test_feature_drift_on_random_frames(pair) -> None:
    reference, current = pair
    outcome, _ = attempt("library", "hypothesis", "feature_drift",
                         lambda: drift.feature_drift(reference, current),
                         lambda table: check_table(table, reference, current))
    assert outcome.allowed, str(outcome)
    outcome, _ = attempt("library", "hypothesis", "feature_drift(reference, reference)",
                         lambda: drift.feature_drift(reference, reference),
                         lambda table: check_table(table, reference, reference) + check_no_drift(table))
    assert outcome.allowed, str(outcome)
