"""load_table: every supported format loads with what was sniffed recorded; every bad input gets its error."""

from __future__ import annotations

import gzip
import io
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import drift.io as drift_io
from drift.errors import (
    DelimiterError,
    DriftInputError,
    DuplicateColumnsError,
    EmptyFileError,
    EncodingError,
    TooFewRowsError,
    UnsupportedFormatError,
)
from drift.io import MIN_ROWS, SNIFF_BYTES, load_table

FRAME = pd.DataFrame({
    "id": [1, 2, 3, 4],
    "income": [52000.5, 61000.25, 48000.0, 75000.75],
    "city": ["Paris", "Lyon", "Nice", "Lille"],
    "default": [0, 1, 0, 0],
})


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def assert_message(err: DriftInputError, file: str, column: str | None = None, *extra: str) -> None:
    """The message names the file, the column (when relevant), says 'Fix', and any extra words."""
    msg = str(err)
    assert file in msg, msg
    assert "Fix" in msg, msg
    if column is not None:
        assert repr(column) in msg, msg
    for word in extra:
        assert word in msg, msg


def check_frame(df: pd.DataFrame) -> None:
    assert list(df.columns) == list(FRAME.columns)
    assert df["id"].tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(df["income"].to_numpy(float), FRAME["income"].to_numpy())
    assert df["city"].tolist() == FRAME["city"].tolist()
    assert pd.api.types.is_numeric_dtype(df["income"])


# --- formats that load ----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "sep"), [
    ("data.csv", ","), ("data.csv", ";"), ("data.tsv", "\t"), ("data.txt", "\t"), ("data.csv", "|"),
    ("data.dat", ";"),  # unknown extension, tabular content: read by content
])
def test_delimited_text_loads_with_sniffed_delimiter(tmp_path, name, sep):
    path = write(tmp_path, name, FRAME.to_csv(index=False, sep=sep).encode())
    df = load_table(path)
    check_frame(df)
    info = df.attrs["drift_load"]
    assert info == info | {"file": name, "format": "csv", "delimiter": sep, "encoding": "utf-8",
                           "rows": 4, "columns": 4}


def test_str_path_and_path_give_the_same_frame(tmp_path):
    path = write(tmp_path, "a.csv", FRAME.to_csv(index=False).encode())
    pd.testing.assert_frame_equal(load_table(str(path)), load_table(path))


def test_cp1252_text_is_decoded_with_a_note(tmp_path):
    text = "name;city;score\nJosé;Montréal;1\nZoë;Köln;2\nRenée;Besançon;3\n"
    df = load_table(write(tmp_path, "legacy.csv", text.encode("cp1252")))
    assert df["city"].tolist() == ["Montréal", "Köln", "Besançon"]
    info = df.attrs["drift_load"]
    assert info["encoding"] == "cp1252"
    assert any("cp1252" in n and "UTF-8" in n for n in info["notes"])


def test_late_non_utf8_byte_beyond_the_sniffing_sample_is_handled(tmp_path):
    body = "".join(f"{i},plain\n" for i in range(SNIFF_BYTES // 8))
    data = ("id,city\n" + body + "99,Montréal\n").encode("cp1252")
    assert len(data) > SNIFF_BYTES
    df = load_table(write(tmp_path, "late.csv", data))
    assert df["city"].iloc[-1] == "Montréal"
    assert df.attrs["drift_load"]["encoding"] == "cp1252"


def test_cyrillic_legacy_text_is_not_read_as_cp1252(tmp_path):
    rows = "".join(f"{i};Москва;Привет мир как дела\n" for i in range(60))
    df = load_table(write(tmp_path, "ru.csv", ("id;city;comment\n" + rows).encode("cp1251")))
    assert df["city"].iloc[0] == "Москва"


def test_utf8_bom_is_stripped_from_the_first_column_name(tmp_path):
    df = load_table(write(tmp_path, "bom.csv", ("\ufeff" + FRAME.to_csv(index=False)).encode("utf-8")))
    check_frame(df)
    assert df.attrs["drift_load"]["encoding"] == "utf-8-sig"


def test_utf16_with_bom_loads(tmp_path):
    content = FRAME.to_csv(index=False, sep="\t").encode("utf-16")
    df = load_table(write(tmp_path, "excel_unicode.txt", content))
    check_frame(df)
    assert df.attrs["drift_load"]["encoding"] == "utf-16"


def test_decimal_comma_semicolon_file_reads_numbers(tmp_path):
    df = load_table(write(tmp_path, "eu.csv", b"a;b;c\n1,5;2;x\n3,25;4;y\n-0,5;6;z\n"))
    assert df["a"].tolist() == [1.5, 3.25, -0.5]
    assert df.attrs["drift_load"]["decimal"] == ","


def test_quoted_delimiters_and_newlines_inside_fields(tmp_path):
    content = b'id,comment,x\n1,"hello, world",2\n2,"two\nlines",3\n3,plain,4\n'
    df = load_table(write(tmp_path, "q.csv", content))
    assert df.shape == (3, 3)
    assert df["comment"].tolist() == ["hello, world", "two\nlines", "plain"]


def test_single_column_csv_is_fine(tmp_path):
    df = load_table(write(tmp_path, "one.csv", b"score\n0.1\n0.7\n0.4\n"))
    assert df.columns.tolist() == ["score"] and len(df) == 3


def test_index_column_and_trailing_delimiter(tmp_path):
    df = load_table(write(tmp_path, "idx.csv", b",a,b,\n0,1,x,\n1,2,y,\n2,3,z,\n"))
    assert df.columns.tolist() == ["Unnamed: 0", "a", "b"]  # the empty trailing column is dropped
    notes = " ".join(df.attrs["drift_load"]["notes"])
    assert "dropped 1 empty column" in notes and "Unnamed: 0" in notes


def test_large_csv_is_parsed_once_by_pandas(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    big = pd.DataFrame({"x": rng.normal(size=30_000), "c": rng.choice(["a", "b"], 30_000)})
    path = write(tmp_path, "big.csv", big.to_csv(index=False, sep=";").encode())
    assert path.stat().st_size > SNIFF_BYTES
    calls = []
    real = pd.read_csv

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(drift_io.pd, "read_csv", counting)
    df = load_table(path)
    assert len(calls) == 1 and calls[0]["engine"] == "c" and calls[0]["sep"] == ";"
    assert df.shape == (30_000, 2)
    np.testing.assert_allclose(df["x"].to_numpy(), big["x"].to_numpy())


def test_parquet(tmp_path):
    path = tmp_path / "data.parquet"
    FRAME.to_parquet(path)
    df = load_table(path)
    check_frame(df)
    assert df.attrs["drift_load"]["format"] == "parquet"


def test_content_beats_a_wrong_extension(tmp_path):
    buf = io.BytesIO()
    FRAME.to_parquet(buf)
    df = load_table(write(tmp_path, "actually_parquet.csv", buf.getvalue()))
    check_frame(df)
    assert df.attrs["drift_load"]["format"] == "parquet"
    assert any("named .csv" in n for n in df.attrs["drift_load"]["notes"])


def test_json_lines_and_json_array(tmp_path):
    path = tmp_path / "data.jsonl"
    FRAME.to_json(path, orient="records", lines=True)
    check_frame(load_table(path))
    assert load_table(path).attrs["drift_load"]["format"] == "jsonl"
    path = tmp_path / "data.json"
    FRAME.to_json(path, orient="records")
    check_frame(load_table(path))


def test_json_lines_with_vectors_keep_lists(tmp_path):
    path = write(tmp_path, "emb.jsonl", b'{"id": 1, "emb": [0.1, 0.2]}\n{"id": 2, "emb": [0.3, 0.4]}\n')
    df = load_table(path)
    assert df["emb"].iloc[1] == [0.3, 0.4]


def test_excel_first_sheet_with_note(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        FRAME.to_excel(writer, sheet_name="data", index=False)
        pd.DataFrame({"other": [1, 2]}).to_excel(writer, sheet_name="notes", index=False)
    df = load_table(path)
    check_frame(df)
    info = df.attrs["drift_load"]
    assert info["format"] == "excel" and info["sheet"] == "data"
    assert any("first of 2 sheets" in n for n in info["notes"])


def test_gzip_compressed_csv(tmp_path):
    content = gzip.compress(FRAME.to_csv(index=False, sep=";").encode())
    df = load_table(write(tmp_path, "data.csv.gz", content))
    check_frame(df)
    assert df.attrs["drift_load"]["compression"] == "gzip"


def test_buffer_with_name_attribute_like_streamlit_upload():
    buf = io.BytesIO(FRAME.to_csv(index=False, sep="|").encode())
    buf.name = "upload.csv"
    df = load_table(buf)
    check_frame(df)
    assert df.attrs["drift_load"]["file"] == "upload.csv"
    assert buf.tell() == 0  # the caller's buffer is left where it was


def test_name_argument_and_anonymous_buffer():
    content = FRAME.to_csv(index=False).encode()
    assert load_table(io.BytesIO(content), name="mine.csv").attrs["drift_load"]["file"] == "mine.csv"
    assert load_table(io.BytesIO(content)).attrs["drift_load"]["file"] == "uploaded file"
    with pytest.raises(EmptyFileError) as exc:
        load_table(io.BytesIO(b""))
    assert_message(exc.value, "uploaded file")


def test_excel_buffer_without_extension_is_sniffed():
    buf = io.BytesIO()
    FRAME.to_excel(buf, index=False)
    check_frame(load_table(io.BytesIO(buf.getvalue())))


# --- bad input ------------------------------------------------------------------------------------
def test_min_rows_constant():
    assert MIN_ROWS == 2


@pytest.mark.parametrize(("content", "words"), [
    (b"", "0 bytes"),
    (b"\n  \n\t\n", "blank"),
    (b"id,income,city\n", "has a header but no rows"),
])
def test_empty_files(tmp_path, content, words):
    with pytest.raises(EmptyFileError) as exc:
        load_table(write(tmp_path, "empty.csv", content))
    assert_message(exc.value, "empty.csv", None, words)


def test_header_only_parquet_is_empty(tmp_path):
    path = tmp_path / "none.parquet"
    FRAME.iloc[:0].to_parquet(path)
    with pytest.raises(EmptyFileError) as exc:
        load_table(path)
    assert_message(exc.value, "none.parquet", None, "header but no rows")


def test_one_row_is_too_few(tmp_path):
    with pytest.raises(TooFewRowsError) as exc:
        load_table(write(tmp_path, "one.csv", b"a,b\n1,2\n"))
    assert_message(exc.value, "one.csv", None, "1 data row", "at least 2")


def test_duplicate_columns_in_csv_are_named(tmp_path):
    with pytest.raises(DuplicateColumnsError) as exc:
        load_table(write(tmp_path, "dup.csv", b"age,income,age\n1,2,3\n4,5,6\n"))
    assert_message(exc.value, "dup.csv", "age", "2 times")


def test_duplicate_columns_in_excel_and_parquet(tmp_path):
    path = tmp_path / "dup.xlsx"
    pd.DataFrame([[1, 2], [3, 4]], columns=["x", "x"]).to_excel(path, index=False)
    with pytest.raises(DuplicateColumnsError) as exc:
        load_table(path)
    assert_message(exc.value, "dup.xlsx", "x")
    path = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array([1, 2]), pa.array([3, 4])], names=["y", "y"]), path)
    with pytest.raises(DuplicateColumnsError) as exc:
        load_table(path)
    assert_message(exc.value, "dup.parquet", "y")


def test_ragged_rows_give_a_delimiter_error_naming_the_delimiter(tmp_path):
    content = b"a;b;c\n1;2\n1;2;3;4\n5\n6;7\n"
    with pytest.raises(DelimiterError) as exc:
        load_table(write(tmp_path, "ragged.csv", content))
    assert_message(exc.value, "ragged.csv", None, "';'")


def test_forced_wrong_delimiter_lands_in_one_column(tmp_path):
    with pytest.raises(DelimiterError) as exc:
        load_table(write(tmp_path, "semi.csv", b"a;b;c\n1;2;3\n4;5;6\n"), delimiter=",")
    assert_message(exc.value, "semi.csv", "a;b;c", "';'", "one column")


def test_row_with_more_fields_than_the_header_beyond_the_sample(tmp_path):
    rows = "".join(f"{i},{i}\n" for i in range(SNIFF_BYTES // 6))
    with pytest.raises(DelimiterError) as exc:
        load_table(write(tmp_path, "late_bad.csv", ("a,b\n" + rows + "1,2,3\n").encode()))
    assert_message(exc.value, "late_bad.csv", None, "','")


def test_space_separated_values_are_refused(tmp_path):
    with pytest.raises(DelimiterError) as exc:
        load_table(write(tmp_path, "spaces.txt", b"a b c\n1 2 3\n4 5 6\n"))
    assert_message(exc.value, "spaces.txt", None, "spaces")


@pytest.mark.parametrize("name", ["junk.bin", "junk.csv", "junk"])
def test_binary_junk_is_unsupported(tmp_path, name):
    junk = np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, name, junk))
    assert_message(exc.value, name, None, "Parquet", "CSV")


def test_unknown_extension_with_non_tabular_text(tmp_path):
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, "notes.md", b"# Title\n\nsome prose here\nmore prose\n"))
    assert_message(exc.value, "notes.md", None, "Parquet", "Excel")


class _Boom:
    """Unpickling this would call os.system: load_table must refuse pickles without opening them."""

    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


@pytest.mark.parametrize("name", ["model.pkl", "data.csv"])
def test_pickles_are_never_unpickled(tmp_path, monkeypatch, name):
    def fail(*args, **kwargs):
        raise AssertionError("pickle.loads must not be called")

    monkeypatch.setattr(pickle, "loads", fail)
    monkeypatch.setattr(pickle, "load", fail)
    monkeypatch.setattr(pd, "read_pickle", fail)
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, name, pickle.dumps(_Boom(), protocol=4)))
    assert_message(exc.value, name, None, "pickle")


@pytest.mark.parametrize(("name", "content", "words"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ".xls"),
    ("fake.parquet", b"a,b\n1,2\n3,4\n", "not Parquet"),
    ("broken.parquet", b"PAR1" + b"garbage" * 20, "Parquet"),
    ("fake.xlsx", b"a,b\n1,2\n3,4\n", "not Excel"),
    ("bad.jsonl", b'{"a": 1}\n{"a": \n', "JSON"),
])
def test_damaged_or_misnamed_files(tmp_path, name, content, words):
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, name, content))
    assert_message(exc.value, name, None, words)


def test_zip_that_is_not_a_workbook(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner.csv", "a,b\n1,2\n")
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, "archive.zip", buf.getvalue()))
    assert_message(exc.value, "archive.zip", None, "zip")


def test_mixed_encodings_raise_an_encoding_error(tmp_path):
    body = "".join(f"{i},plain\n" for i in range(SNIFF_BYTES // 8))
    data = ("id,city\n" + body + "1,Montréal\n").encode("utf-8") + "2,Café\n".encode("cp1252")
    with pytest.raises(EncodingError) as exc:
        load_table(write(tmp_path, "mixed.csv", data))
    assert_message(exc.value, "mixed.csv", None, "UTF-8")


def test_forced_encoding_that_does_not_fit(tmp_path):
    with pytest.raises(EncodingError) as exc:
        load_table(write(tmp_path, "latin.csv", "a,b\n1,é\n2,è\n".encode("cp1252")), encoding="ascii")
    assert_message(exc.value, "latin.csv", None, "ascii")


def test_missing_path(tmp_path):
    with pytest.raises(DriftInputError) as exc:
        load_table(tmp_path / "nope.csv")
    assert_message(exc.value, "nope.csv", None, "does not exist")


def test_errors_survive_pickling_for_streamlit_cache(tmp_path):
    with pytest.raises(DuplicateColumnsError) as exc:
        load_table(write(tmp_path, "dup.csv", b"a,a\n1,2\n3,4\n"))
    again = pickle.loads(pickle.dumps(exc.value))
    assert type(again) is DuplicateColumnsError and str(again) == str(exc.value)


def test_parquet_index_named_becomes_a_column_unnamed_is_dropped(tmp_path):
    path = tmp_path / "indexed.parquet"
    FRAME.set_index("id").to_parquet(path)
    df = load_table(path)
    assert list(df.columns) == list(FRAME.columns) and isinstance(df.index, pd.RangeIndex)
    assert any("'id'" in n for n in df.attrs["drift_load"]["notes"])
    FRAME.iloc[[0, 2, 3]].to_parquet(path)  # a filtered frame: unnamed, non-contiguous index
    assert list(load_table(path).columns) == list(FRAME.columns)


def test_gzip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(drift_io, "MAX_DECOMPRESSED_BYTES", 1000)
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, "bomb.csv.gz", gzip.compress(b"a,b\n" + b"1,2\n" * 1000)))
    assert_message(exc.value, "bomb.csv.gz", None, "decompresses to more than")


def test_numbers_then_text_deep_in_a_column_is_noted_not_hidden(tmp_path):
    n = 300_000  # beyond one chunk of pandas' low-memory parser
    x = np.arange(n).astype(str).astype(object)
    x[-5] = "unknown"
    content = pd.DataFrame({"x": x, "y": np.arange(n)}).to_csv(index=False).encode()
    path = write(tmp_path, "late_text.csv", content)
    df = load_table(path)
    assert (df["x"] == "unknown").sum() == 1  # kept as is for validation to report, not coerced to NaN
    assert any("numbers and text mixed in column(s) 0: x" in note for note in df.attrs["drift_load"]["notes"])
