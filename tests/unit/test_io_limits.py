"""Bounded input: what one file may expand to is checked while reading (drift.core.limits, load_table).

The bombs are small in absolute size but over a lowered limit, with the same shape as the real ones
(a gzip of one repeated line, an xlsx with a huge shared-strings table or a cell in column XFD, a zip of
thousands of members, a Parquet file of one long repeated value, a .npy header promising terabytes).
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from numpy.lib import format as npy_format

import drift
from drift.cli import main as cli
from drift.core.errors import DriftInputError, DriftParameterError, InputTooLargeError, UnsupportedFormatError
from drift.core.limits import ENV_VARS, RATIO_GRACE_BYTES, LoadLimits
from drift.data.io import load_table
from drift.data.xlsx_bounds import sheet_extent
from drift.multivariate.embeddings import load_embeddings_npy

MiB = 2**20


def assert_too_large(err: InputTooLargeError, file: str, limit: str, *words: str) -> None:
    """The message names the file, the limit and how to raise it (environment variable and Python)."""
    msg = str(err)
    assert file in msg and f"limit {limit} =" in msg, msg
    assert ENV_VARS[limit][0] in msg and f"LoadLimits({limit}=" in msg, msg
    for word in words:
        assert word in msg, msg


def repeated_csv(megabytes: int) -> bytes:
    return b"a,b\n" + b"1,2\n" * (megabytes * MiB // 4)


# --- LoadLimits ----------------------------------------------------------------------------------
def test_defaults_are_documented_values():
    limits = LoadLimits()
    assert limits.max_expanded_bytes == 2 * 2**30 and limits.max_cells == 100_000_000
    assert limits.max_sheet_cells == 10_000_000 and limits.max_compression_ratio == 100
    assert limits.max_document_bytes == 256 * MiB and limits.max_zip_members == 10_000
    assert drift.LoadLimits is LoadLimits


@pytest.mark.parametrize("bad", [0, -1, float("nan"), True, "10"])
def test_limits_must_be_positive_numbers(bad):
    with pytest.raises(DriftParameterError, match="'max_cells' parameter of LoadLimits must be a positive"):
        LoadLimits(max_cells=bad)


def test_environment_variables_set_the_limits_in_their_units():
    env = {"DRIFT_MAX_EXPANDED_MB": "8", "DRIFT_MAX_CELLS": "1e6", "DRIFT_MAX_COMPRESSION_RATIO": "12.5",
           "DRIFT_MAX_DOCUMENT_MB": "0.5", "DRIFT_MAX_ZIP_MEMBERS": "50", "DRIFT_MAX_SHEET_CELLS": "100"}
    limits = LoadLimits.from_env(env)
    assert limits == LoadLimits(max_expanded_bytes=8 * MiB, max_cells=1_000_000, max_compression_ratio=12.5,
                                max_document_bytes=MiB // 2, max_zip_members=50, max_sheet_cells=100)
    assert LoadLimits.from_env({}) == LoadLimits()
    assert LoadLimits.from_env(env, max_cells=7).max_cells == 7
    with pytest.raises(DriftParameterError, match="DRIFT_MAX_CELLS must be a positive number. Got 'lots'"):
        LoadLimits.from_env({"DRIFT_MAX_CELLS": "lots"})


def test_load_table_reads_the_environment_when_not_given_limits(tmp_path, monkeypatch):
    path = tmp_path / "big.csv.gz"
    path.write_bytes(gzip.compress(repeated_csv(2)))
    monkeypatch.setenv("DRIFT_MAX_EXPANDED_MB", "1")
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path)
    assert_too_large(exc.value, "big.csv.gz", "max_expanded_bytes", "--max-expanded-mb")
    monkeypatch.delenv("DRIFT_MAX_EXPANDED_MB")
    assert load_table(path).shape == (2 * MiB // 4, 2)


# --- compressed text -----------------------------------------------------------------------------
@pytest.mark.parametrize(("ext", "compress"), [(".gz", gzip.compress), (".bz2", bz2.compress),
                                               (".xz", lzma.compress)])
def test_small_bomb_over_a_lowered_limit_is_refused_while_decompressing(tmp_path, ext, compress):
    size = 64 if ext == ".gz" else 8  # bz2 and xz compress slowly: 8 MiB has the same shape
    content = compress(repeated_csv(size))  # 64 MiB of "1,2\n" in 64 KiB of gzip
    assert len(content) < 64 * 1024
    path = tmp_path / f"bomb.csv{ext}"
    path.write_bytes(content)
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_expanded_bytes=size * MiB // 8, max_compression_ratio=10**6))
    assert_too_large(exc.value, "bomb.csv" + ext, "max_expanded_bytes", "decompresses", f"{size // 8} MiB")


def test_compressed_csv_under_the_limits_loads_with_a_note(tmp_path):
    path = tmp_path / "ok.csv.xz"
    path.write_bytes(lzma.compress(b"a;b\n1;x\n2;y\n"))
    df = load_table(path)
    assert df.shape == (2, 2) and df.attrs["drift_load"]["compression"] == "xz"


def test_compression_ratio_refuses_what_the_byte_limit_allows(tmp_path):
    content = gzip.compress(repeated_csv(32), compresslevel=9)
    assert 32 * MiB > RATIO_GRACE_BYTES and 32 * MiB / len(content) > 100
    path = tmp_path / "dense.csv.gz"
    path.write_bytes(content)
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path)  # default limits: 2 GiB would allow it, the ratio does not
    assert_too_large(exc.value, "dense.csv.gz", "max_compression_ratio", f"from {len(content):,}")
    assert load_table(path, limits=LoadLimits(max_compression_ratio=10**5)).shape == (8 * MiB, 2)


def test_real_bomb_from_the_issue_is_refused_in_bounded_memory(tmp_path):
    """~256 KB of gzip holding 256 MiB of "1,2\\n" (2.5 GB peak before): peak RSS grows < 200 MB."""
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(b"a,b\n")
        for _ in range(64):
            f.write(b"1,2\n" * MiB)
    script = (
        "import resource, sys, drift\n"
        "import pandas, pyarrow, numpy\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    drift.load_table(sys.argv[1])\n"
        "    print('loaded')\n"
        "except drift.DriftError as err:\n"
        "    print(type(err).__name__)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).resolve().parents[2])
    kind, grown_mb = proc.stdout.split()
    assert kind == "InputTooLargeError", proc.stdout + proc.stderr
    assert int(grown_mb) < 200, proc.stdout


def test_plain_file_over_the_byte_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_bytes(repeated_csv(2))
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_expanded_bytes=MiB))
    assert_too_large(exc.value, "plain.csv", "max_expanded_bytes", f"{2 * MiB + 4:,} bytes")


# --- cells ---------------------------------------------------------------------------------------
def test_csv_cells_stop_the_parse_one_row_past_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "cells.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 501)
    calls = []
    real = pd.read_csv
    monkeypatch.setattr("drift.data.io.pd.read_csv", lambda *a, **k: calls.append(k) or real(*a, **k))
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_cells=1000))
    assert_too_large(exc.value, "cells.csv", "max_cells", "more than 500 rows of 2 columns")
    assert calls[0]["nrows"] == 501  # pandas never parses more than the limit allows, plus one row
    path.write_bytes(b"a,b\n" + b"1,2\n" * 500)
    assert load_table(path, limits=LoadLimits(max_cells=1000)).shape == (500, 2)


def test_json_lines_cells_are_counted_as_they_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr("drift.data.readers.JSON_CHUNK_LINES", 100)
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps({"a": i, "b": i}) + "\n" for i in range(1000)))
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_cells=500))
    assert_too_large(exc.value, "rows.jsonl", "max_cells", "300 rows x 2 columns")
    df = load_table(path)
    assert df.shape == (1000, 2) and df["b"].iloc[-1] == 999


def test_json_array_is_held_to_the_document_limit(tmp_path):
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"a": i} for i in range(2000)]))
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_document_bytes=10_000))
    assert_too_large(exc.value, "records.json", "max_document_bytes", "parsed whole")
    assert load_table(path).shape == (2000, 1)


def test_a_line_longer_than_the_document_limit_is_refused_while_sniffing(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(b"a,b\n1," + b"x" * (2 * MiB) + b"\n2,y\n")
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_document_bytes=MiB))
    assert_too_large(exc.value, "wide.csv", "max_document_bytes", "line 2 is longer than")
    assert load_table(path).shape == (2, 2)  # the default allows 256 MiB


# --- Parquet -------------------------------------------------------------------------------------
def write_parquet(path: Path, table: pa.Table, **kwargs) -> Path:
    pq.write_table(table, path, **kwargs)
    return path


def test_parquet_cells_are_checked_from_the_footer_before_reading(tmp_path, monkeypatch):
    path = write_parquet(tmp_path / "c.parquet", pa.table({"a": np.arange(600), "b": np.arange(600)}))

    def never(*args, **kwargs):
        raise AssertionError("the data must not be read")

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", never)
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_cells=1000))
    assert_too_large(exc.value, "c.parquet", "max_cells", "600 rows x 2 columns")


def test_parquet_list_column_counts_its_elements(tmp_path):
    table = pa.table({"v": pa.array([list(range(100))] * 20), "x": np.arange(20)})
    path = write_parquet(tmp_path / "lists.parquet", table)
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_cells=1000))
    assert_too_large(exc.value, "lists.parquet", "max_cells", "20 rows x 101 columns")
    assert load_table(path).shape == (20, 2)


def test_parquet_of_one_long_repeated_value_is_stopped_while_decoding(tmp_path):
    """Dictionary encoding stores the value once: tiny file, small footer sizes, gigabytes once decoded."""
    value = pa.array(["x" * 100_000])
    one_value = pa.DictionaryArray.from_arrays(np.zeros(100_000, dtype=np.int32), value)  # 10 GB decoded
    in_lists = pa.ListArray.from_arrays(np.arange(100_001, dtype=np.int32), one_value)
    path = tmp_path / "rep.parquet"
    for name, column in (("s", one_value), ("l", in_lists)):
        pq.write_table(pa.table({name: column}), path, store_schema=False)  # read back as plain text
        assert path.stat().st_size < 200_000
        with pytest.raises(InputTooLargeError) as exc:
            load_table(path, limits=LoadLimits(max_expanded_bytes=64 * MiB))
        assert_too_large(exc.value, "rep.parquet", "max_expanded_bytes", "decodes to more than")


# --- Excel ---------------------------------------------------------------------------------------
_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(rows_xml: bytes, strings: list[bytes] = (), *, sst_path: str = "xl/sharedStrings.xml",
         prolog: bytes = b"", extra: tuple = ()) -> bytes:
    """A minimal workbook: one sheet of ``rows_xml`` and a shared-strings table (openpyxl reads it)."""
    ct = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
          b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          b'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
          b'"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          b'<Override PartName="/' + sst_path.encode()
          + b'" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          b"</Types>")
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="' + _REL + b'/officeDocument" '
            b'Target="xl/workbook.xml"/></Relationships>')
    wb = (b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + _NS + b' xmlns:r="' + _REL + b'"><sheets>'
          b'<sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wb_rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
               b'package/2006/relationships"><Relationship Id="rId1" Type="' + _REL + b'/worksheet" '
               b'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="' + _REL + b'/sharedStrings" '
               b'Target="/' + sst_path.encode() + b'"/></Relationships>')
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?>' + prolog + b"<worksheet " + _NS + b"><sheetData>"
             + rows_xml + b"</sheetData></worksheet>")
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _NS + b">"
           + b"".join(b"<si><t>" + s + b"</t></si>" for s in strings) + b"</sst>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
                           ("xl/_rels/workbook.xml.rels", wb_rels), ("xl/worksheets/sheet1.xml", sheet),
                           (sst_path, sst), *extra):
            zf.writestr(name, data)
    return buf.getvalue()


def table_rows(n: int = 3) -> bytes:
    """Header a, b (shared strings 0 and 1), then n rows of a number and the shared string 2."""
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>']
    rows += [b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="s"><v>2</v></c></row>' % (r, r, r, r)
             for r in range(2, n + 2)]
    return b"".join(rows)


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_minimal_workbook_loads():
    df = load_table(io.BytesIO(xlsx(table_rows(), [b"a", b"b", b"x"])), name="min.xlsx")
    assert df.columns.tolist() == ["a", "b"] and df["a"].tolist() == [2, 3, 4] and set(df["b"]) == {"x"}


def test_shared_strings_bomb_is_refused_before_openpyxl_parses_it(tmp_path):
    content = xlsx(table_rows(), [b"a", b"b", b"x"] + [b"A" * 100] * 40_000)  # 4.7 MB of XML
    assert len(content) < 100_000
    path = write(tmp_path, "sst.xlsx", content)
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_document_bytes=MiB, max_compression_ratio=10**6))
    assert_too_large(exc.value, "sst.xlsx", "max_document_bytes", "xl/sharedStrings.xml", "parsed whole")
    with pytest.raises(InputTooLargeError) as exc:  # and with the defaults, by its compression ratio
        load_table(io.BytesIO(xlsx(table_rows(), [b"A" * 100] * 200_000)), name="sst.xlsx")
    assert_too_large(exc.value, "sst.xlsx", "max_compression_ratio", "zip members declare")


def test_shared_strings_hidden_in_the_worksheet_folder_are_still_held_to_the_limit(tmp_path):
    strings = [b"a", b"b", b"x"] + [b"A" * 100] * 20_000
    content = xlsx(table_rows(), strings, sst_path="xl/worksheets/sst.xml")
    with pytest.raises(InputTooLargeError) as exc:
        load_table(write(tmp_path, "hid.xlsx", content),
                   limits=LoadLimits(max_document_bytes=MiB, max_compression_ratio=10**6))
    assert_too_large(exc.value, "hid.xlsx", "max_document_bytes", "xl/worksheets/sst.xml")


def test_one_cell_in_column_xfd_makes_every_row_16384_wide(tmp_path):
    rows = table_rows() + b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r)
                                   for r in range(5, 1000))
    with pytest.raises(InputTooLargeError) as exc:
        load_table(write(tmp_path, "xfd.xlsx", xlsx(rows, [b"a", b"b", b"x"])))
    assert_too_large(exc.value, "xfd.xlsx", "max_sheet_cells", "999 rows x 16,384 columns")


def test_cells_without_references_and_entities_are_counted_by_the_xml_parser(tmp_path):
    no_refs = table_rows() + b'<row r="9">' + b"<c><v>1</v></c>" * 5000 + b"</row>" + b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(10, 3000))
    with pytest.raises(InputTooLargeError) as exc:
        load_table(write(tmp_path, "norefs.xlsx", xlsx(no_refs, [b"a", b"b", b"x"])))
    assert_too_large(exc.value, "norefs.xlsx", "max_sheet_cells", "2,999 rows x 5,000 columns")
    entity = b"<!DOCTYPE worksheet [<!ENTITY w '<c r=\"XFD1\"><v>1</v></c>'>]>"
    rows = table_rows() + b"".join(b'<row r="%d">&w;</row>' % r for r in range(10, 1000))
    with pytest.raises(InputTooLargeError) as exc:
        load_table(write(tmp_path, "entity.xlsx", xlsx(rows, [b"a", b"b", b"x"], prolog=entity)))
    assert_too_large(exc.value, "entity.xlsx", "max_sheet_cells", "16,384 columns")


def test_sheet_extent_fast_scan_and_xml_parser_agree(tmp_path):
    path = tmp_path / "gap.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"a": range(40), "b": ["x"] * 40}).to_excel(writer, index=False, startrow=3, startcol=2)
    limits = LoadLimits()
    with zipfile.ZipFile(path) as zf:
        fast = sheet_extent(lambda: zf.open("xl/worksheets/sheet1.xml"), "gap.xlsx", limits)
        sheet = zf.read("xl/worksheets/sheet1.xml")
        prefixed = sheet.replace(b"<row ", b"<x:row ").replace(b"</row>", b"</x:row>")
        prefixed = prefixed.replace(b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/'
                                                    b'spreadsheetml/2006/main" ')
        parsed = sheet_extent(lambda: io.BytesIO(prefixed), "gap.xlsx", limits)
    assert fast == parsed == (44, 4)


def test_rows_beyond_excel_are_refused(tmp_path):
    rows = table_rows() + b'<row r="5000000"><c r="A5000000"><v>1</v></c></row>'
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, "far.xlsx", xlsx(rows, [b"a", b"b", b"x"])))
    assert "beyond Excel's 1,048,576 rows" in str(exc.value) and "far.xlsx" in str(exc.value)


def test_many_member_zip_is_refused_from_its_directory(tmp_path):
    extra = tuple((f"junk/{i}.bin", b"") for i in range(200))
    path = write(tmp_path, "many.xlsx", xlsx(table_rows(), [b"a", b"b", b"x"], extra=extra))
    with pytest.raises(InputTooLargeError) as exc:
        load_table(path, limits=LoadLimits(max_zip_members=100))
    assert_too_large(exc.value, "many.xlsx", "max_zip_members", "206 members")
    assert load_table(path).shape == (3, 2)


def test_xml_entity_expansion_is_refused(tmp_path):
    entities = b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
                        for i in range(8))  # b = 10 a, c = 10 b, ... i = 10^8 a
    laughs = b'<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">' + entities + b"]>"
    content = xlsx(table_rows(), [b"a", b"b", b"&i;"]).replace(b"<sst ", laughs + b"<sst ", 1)
    with pytest.raises(UnsupportedFormatError) as exc:
        load_table(write(tmp_path, "laughs.xlsx", content))
    assert "laughs.xlsx" in str(exc.value)


# --- the command line ----------------------------------------------------------------------------
def test_cli_max_expanded_mb_refuses_a_bomb_with_a_clean_input_error(tmp_path, capsys):
    bomb = write(tmp_path, "bomb.csv.gz", gzip.compress(repeated_csv(4)))
    code = cli.main(["check", "--reference", str(bomb), "--current", str(bomb), "--max-expanded-mb", "1"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INPUT and "Traceback" not in err
    assert "bomb.csv.gz" in err and "max_expanded_bytes" in err and "--max-expanded-mb" in err


# --- .npy embeddings -----------------------------------------------------------------------------
def npy_header(shape: tuple, descr: str = "<f8") -> bytes:
    buf = io.BytesIO()
    npy_format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def test_npy_header_promising_terabytes_is_refused_before_allocating():
    with pytest.raises(InputTooLargeError) as exc:
        load_embeddings_npy(npy_header((10**12, 1)) + bytes(64), file="huge.npy")
    assert_too_large(exc.value, "huge.npy", "max_expanded_bytes", "1,000,000,000,000 x 1")
    with pytest.raises(InputTooLargeError):
        load_embeddings_npy(npy_header((1000, 100)) + bytes(800_000), file="a.npy",
                            limits=LoadLimits(max_expanded_bytes=100_000))


@pytest.mark.parametrize(("content", "words"), [
    (npy_header((4, 3)) + bytes(10), "truncated"),
    (npy_header((2, 2)).replace(b"}", b", " + b" " * 100, 1), "not a readable .npy"),  # broken header
    (npy_header((2, 2), "<c16") + bytes(64), "real numbers"),  # complex: the imaginary part was dropped
    (b"", "not a readable .npy"),
])
def test_broken_npy_files_give_input_errors(content, words):
    with pytest.raises(DriftInputError, match=words):
        load_embeddings_npy(content, file="e.npy")


def test_valid_npy_still_loads(tmp_path):
    arr = np.arange(6, dtype=np.float32).reshape(3, 2)
    np.save(tmp_path / "e.npy", arr)
    np.testing.assert_array_equal(load_embeddings_npy(tmp_path / "e.npy", n_rows=3), arr)


def test_a_table_refused_for_its_cells_is_not_kept_alive_by_the_error(monkeypatch):
    """The refusal's traceback must not hold the parsed table (an app keeps the error to show it), and the
    freed memory is handed back to the OS (release_memory is called)."""
    import pandas as pd

    import drift.data.io

    released = []
    monkeypatch.setattr(drift.data.io, "release_memory", lambda: released.append(True))
    content = b"a,b\n" + b"1,2\n" * 5000
    with pytest.raises(InputTooLargeError, match="max_cells") as caught:
        load_table(io.BytesIO(content), name="big.csv", limits=LoadLimits(max_cells=1000))
    tb, held = caught.value.__traceback__, []
    while tb is not None:
        held += [k for k, v in tb.tb_frame.f_locals.items() if isinstance(v, pd.DataFrame)]
        tb = tb.tb_next
    assert held == [] and released == [True]


def test_release_memory_runs_here():
    from drift.core.limits import release_memory

    release_memory()          # glibc's malloc_trim on Linux; a no-op elsewhere
