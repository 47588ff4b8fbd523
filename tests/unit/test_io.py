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

import drift.data.io as drift_io
from drift.core.errors import (
    DelimiterError,
    DriftInputError,
    DuplicateColumnsError,
    EmptyFileError,
    EncodingError,
    InputTooLargeError,
    TooFewRowsError,
    UnsupportedFormatError,
)
from drift.core.limits import LoadLimits
from drift.data.io import MIN_ROWS, SNIFF_BYTES, load_table

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


def test_gzip_bomb_is_refused(tmp_path):
    with pytest.raises(InputTooLargeError) as exc:
        load_table(write(tmp_path, "bomb.csv.gz", gzip.compress(b"a,b\n" + b"1,2\n" * 1000)),
                   limits=LoadLimits(max_expanded_bytes=1000))
    assert_message(exc.value, "bomb.csv.gz", None, "decompresses (gzip) to more than", "max_expanded_bytes")


def test_numbers_then_text_deep_in_a_column_is_noted_not_hidden(tmp_path):
    n = 300_000  # beyond one chunk of pandas' low-memory parser
    x = np.arange(n).astype(str).astype(object)
    x[-5] = "unknown"
    content = pd.DataFrame({"x": x, "y": np.arange(n)}).to_csv(index=False).encode()
    path = write(tmp_path, "late_text.csv", content)
    df = load_table(path)
    assert (df["x"] == "unknown").sum() == 1  # kept as is for validation to report, not coerced to NaN
    assert any("numbers and text mixed in column(s) 0: x" in note for note in df.attrs["drift_load"]["notes"])


# --- hostile and broken input: each case gave a traceback or a wrong answer before -----------------
def test_header_longer_than_the_sniff_window_is_read_whole(tmp_path):
    """The sniffer cut a 400 KB header at 256 KiB and reported a false "column 'c3' appears 2 times"."""
    n = 60_000
    header = ",".join(f"c{i}" for i in range(n))
    assert len(header) > SNIFF_BYTES
    content = (header + "\n" + ",".join("1" * n) + "\n" + ",".join("2" * n) + "\n").encode()
    df = load_table(write(tmp_path, "wide.csv", content))
    assert df.shape == (2, n) and df.columns[-1] == f"c{n - 1}" and df.iloc[1, -1] == 2


@pytest.mark.slow
def test_100k_columns_load(tmp_path):
    n = 100_000
    content = (",".join(f"col{i}" for i in range(n)) + "\n" + ",".join(["1.5"] * n) + "\n"
               + ",".join(["2.5"] * n) + "\n").encode()
    df = load_table(write(tmp_path, "cols.csv", content))
    assert df.shape == (2, n) and df["col99999"].tolist() == [1.5, 2.5]


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_decoded(tmp_path, enc):
    """It was called "a binary file" because of the NULs in every other byte."""
    text = "name,city,score\nJosé,Montréal,1\nZoë,Köln,2\nRenée,Besançon,3\n"
    df = load_table(write(tmp_path, "u16.csv", text.encode(enc)))
    assert df["city"].tolist() == ["Montréal", "Köln", "Besançon"] and df["score"].tolist() == [1, 2, 3]
    assert df.attrs["drift_load"]["encoding"] == enc
    assert any("no byte-order mark" in n for n in df.attrs["drift_load"]["notes"])


@pytest.mark.parametrize(("where", "line"), [("early", 2), ("late", 70_002)])
def test_nul_bytes_are_refused_alike_wherever_they_are(tmp_path, where, line):
    """A NUL byte in the first 256 KiB was refused as binary; one after it loaded as part of a category."""
    rows = b"1,x\n" * (70_000 if where == "late" else 0)
    content = b"a,b\n" + rows + b"2,y\x00z\n3,w\n4,v\n"
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, "nul.csv", content))
    assert_message(exc.value, "nul.csv", None, f"line {line:,} ", "NUL byte", "tr -d")


def test_nul_character_in_utf16_text_is_refused_like_a_nul_byte(tmp_path):
    content = ("a,b\n" + "1,x\n" * 70_000 + "2,y\x00z\n3,w\n").encode("utf-16")
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, "nul16.csv", content))
    assert_message(exc.value, "nul16.csv", None, "line 70,002 ", "NUL byte")


@pytest.mark.parametrize(("line", "what"), [
    (b"[1, 2]", "an array"), (b"7", "a number"), (b'"text"', "a string"), (b"null", "null"),
    (b'[["a", 1], ["b", 2]]', "an array"),  # pandas read this one silently as the record {"a": 1, "b": 2}
])
def test_json_line_that_is_not_an_object_names_its_line(tmp_path, line, what):
    content = b'{"a": 1, "b": 2}\n{"a": 3, "b": 4}\n  ' + line + b'\n{"a": 5, "b": 6}\n'
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, "lines.jsonl", content))
    assert_message(exc.value, "lines.jsonl", None, f"line 3 is {what}, not a JSON object")


def test_json_lines_with_a_bom_blank_lines_and_crlf_still_load(tmp_path):
    content = b'\xef\xbb\xbf{"a": 1}\r\n\r\n  {"a": 2}\r\n{"a": 3}\r\n'
    assert load_table(write(tmp_path, "ok.jsonl", content))["a"].tolist() == [1, 2, 3]


def test_json_array_of_arrays_is_not_a_table_of_records(tmp_path):
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, "arr.json", b"[[1, 2], [3, 4], [5, 6]]"))
    assert_message(exc.value, "arr.json", None, "not a table of records")


def test_parquet_bytes_become_text_nested_columns_load(tmp_path):
    """Raw bytes gave UnicodeDecodeError downstream; struct, list and map columns load as data."""
    path = tmp_path / "odd.parquet"
    pq.write_table(pa.table({
        "utf8": pa.array([b"caf\xc3\xa9", b"ok", None], pa.binary()),
        "raw": pa.array([b"\xff\x00", b"ok", None], pa.binary()),
        "s": pa.array([{"k": 1}, {"k": 2}, None]),
        "l": pa.array([[1, 2], [], None]),
        "m": pa.array([[("k", 1)], [], None], pa.map_(pa.string(), pa.int64())),
        "x": [1, 2, 3],
    }), path)
    df = load_table(path)
    assert df["utf8"].tolist()[:2] == ["café", "ok"] and df["raw"].tolist()[:2] == ["ff00", "6f6b"]
    assert df["s"].iloc[0] == {"k": 1} and list(df["l"].iloc[0]) == [1, 2] and df["m"].iloc[0] == [("k", 1)]
    notes = " ".join(df.attrs["drift_load"]["notes"])
    assert "'utf8' holds raw bytes: decoded as UTF-8" in notes and "'raw'" in notes and "hexadecimal" in notes
    assert df["raw"].astype("string").tolist()[:2] == ["ff00", "6f6b"]  # what the schema step does


def test_parquet_with_damaged_pandas_metadata_loads_its_columns(tmp_path):
    table = pa.table({"a": [1, 2, 3]}).replace_schema_metadata({b"pandas": b'{"index_columns": 5}'})
    pq.write_table(table, tmp_path / "meta.parquet")
    df = load_table(tmp_path / "meta.parquet")
    assert df["a"].tolist() == [1, 2, 3]
    assert any("damaged pandas metadata" in n for n in df.attrs["drift_load"]["notes"])


def test_parquet_loads_like_pandas(tmp_path):
    when = pd.to_datetime(["2020-01-01", None, "2021-05-01", "2022-01-01"]).tz_localize("UTC")
    frame = FRAME.assign(when=when, cat=pd.Categorical(["x", "y", "x", "y"]),
                         n=pd.array([1, None, 3, 4], "Int64"), flag=[True, False, True, True])
    path = tmp_path / "types.parquet"
    frame.to_parquet(path)
    pd.testing.assert_frame_equal(load_table(path), pd.read_parquet(path))


def test_excel_formulas_are_data_only_never_evaluated(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", "b"])
    for i, formula in enumerate(["=A2*2", '=HYPERLINK("http://example.invalid","x")', "=1/0"], start=1):
        ws.append([i, formula])
    wb.save(tmp_path / "f.xlsx")  # openpyxl stores formulas without cached values
    df = load_table(tmp_path / "f.xlsx")
    assert df["a"].tolist() == [1, 2, 3] and df["b"].isna().all()  # no formula text, no computed value


def test_excel_numbers_and_blanks_in_the_header_become_text_names(tmp_path):
    path = tmp_path / "years.xlsx"
    pd.DataFrame([[2020, 2021, "x"], [1, 2, "y"], [3, 4, "z"]]).to_excel(path, index=False, header=False)
    df = load_table(path)
    assert df.columns.tolist() == ["2020", "2021", "x"]
    pq.write_table(pa.table({"": [1, 2], "b": [3, 4]}), tmp_path / "blank.parquet")
    df = load_table(tmp_path / "blank.parquet")
    assert df.columns.tolist() == ["Unnamed: 0", "b"]
    assert any("empty name" in n for n in df.attrs["drift_load"]["notes"])


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    FRAME.to_excel(buf, index=False)
    return buf.getvalue()


def _parquet_bytes() -> bytes:
    buf = io.BytesIO()
    FRAME.to_parquet(buf)
    return buf.getvalue()


_GZ = gzip.compress(FRAME.to_csv(index=False).encode() * 50, mtime=0)
_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.mark.parametrize(("name", "content"), [
    ("truncated.parquet", _parquet_bytes()[:-40]),
    ("truncated.parquet", _parquet_bytes()[: len(_parquet_bytes()) // 2]),
    ("truncated.csv.gz", _GZ[: len(_GZ) // 2]),
    ("badcrc.csv.gz", _GZ[:-8] + bytes(8)),
    ("truncated.csv.bz2", __import__("bz2").compress(b"a,b\n1,2\n3,4\n")[:-10]),
    ("truncated.csv.xz", __import__("lzma").compress(b"a,b\n1,2\n3,4\n")[:-10]),
    ("twice.csv.gz", gzip.compress(gzip.compress(b"a,b\n1,2\n3,4\n", mtime=0), mtime=0)),
    ("truncated.xlsx", _xlsx_bytes()[: len(_xlsx_bytes()) // 2]),
    ("empty.zip", b"PK\x05\x06" + bytes(18)),
    ("empty.xlsx", b"PK\x05\x06" + bytes(18)),
    ("renamed_csv.xlsx", b"a,b\n1,2\n3,4\n"),
    ("renamed_png.csv", _PNG),
    ("zstd.csv", b"\x28\xb5\x2f\xfd" + bytes(20)),
    ("zero.parquet", b""),
    ("only_bom.csv", b"\xef\xbb\xbf"),
    ("only_utf16_bom.csv", b"\xff\xfe"),
    ("only_newlines.csv", b"\n\r\n\n"),
    ("only_header.csv", b"a,b,c\n"),
    ("only_header.jsonl", b'{"a": 1}\n'),
    ("magic.parquet", b"PAR1PAR1"),
    ("not_a_sheet.xlsx", _xlsx_bytes().replace(b"xl/workbook.xml", b"xl/workbook.xmm")),
])
def test_hostile_files_give_input_errors_naming_the_file(tmp_path, name, content):
    with pytest.raises(DriftInputError) as exc:
        load_table(write(tmp_path, name, content))
    assert_message(exc.value, name)
