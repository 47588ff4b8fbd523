"""Readers of the structured formats :func:`drift.load_table` accepts: Parquet, Excel and JSON.

Each reads one :class:`~drift.core.limits.FileBytes` into a DataFrame as data only (nothing evaluated or
unpickled), checks the file's :class:`~drift.core.limits.LoadLimits` before and while it reads, and turns
whatever the format's library raises on a damaged file into a :class:`~drift.core.errors.DriftInputError`
that names the file.  Sniffing which reader applies, and delimited text, live in :mod:`drift.data.io`.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from drift.core.errors import DriftInputError, DuplicateColumnsError, UnsupportedFormatError
from drift.core.limits import FileBytes
from drift.data.xlsx_bounds import check_zip_archive, sheet_extent

__all__ = ["EXPORT_FIX", "JSON_CHUNK_LINES", "PARQUET_BATCH_ROWS", "SUPPORTED_FORMATS", "check_duplicates",
           "read_excel", "read_json", "read_parquet"]

#: Rows read per step from Parquet; each step's decoded size is checked before its text is decoded.
PARQUET_BATCH_ROWS = 1_048_576
#: Lines parsed per step when reading JSON lines (the cells are counted after each step).
JSON_CHUNK_LINES = 100_000
#: Human description of what :func:`drift.load_table` reads, used in error messages.
SUPPORTED_FORMATS = ("CSV/TSV/TXT (comma, semicolon, tab or pipe separated), Parquet, "
                     "JSON lines (.jsonl) or Excel (.xlsx), optionally compressed (.gz, .bz2, .xz)")
#: The usual fix for a file that cannot be read as it is.
EXPORT_FIX = "export the data as CSV (UTF-8), Parquet, JSON lines or .xlsx and upload that file"
_JSON_FIX = "write one JSON object per line, e.g. df.to_json(path, orient='records', lines=True)"
_WORKSHEET_FOLDER = "xl/worksheets/"


def check_duplicates(header: Sequence[object], file: str) -> None:
    """Refuse a header in which a (non-empty) name appears twice; pandas would rename them silently."""
    names = [str(h) for h in header if h is not None and str(h).strip() != ""]
    counts = Counter(names)
    dups = [n for n, c in counts.items() if c > 1]
    if dups:
        listed = ", ".join(repr(d) for d in dups[:5]) + (" ..." if len(dups) > 5 else "")
        problem = (f"column names {listed} each appear more than once in the header" if len(dups) > 1
                   else f"the name appears {counts[dups[0]]} times in the header")
        raise DuplicateColumnsError(problem, file=file, column=dups[0],
                                    fix="rename the duplicates so that every column name is unique")


# --- Parquet -------------------------------------------------------------------------------------
def read_parquet(raw: FileBytes, info: dict[str, Any]) -> pd.DataFrame:
    """Read Parquet: footer checks (cells, uncompressed bytes) first, then batches while counting bytes.

    Text and binary columns are read dictionary-encoded, so the size a batch decodes to is known
    exactly before it is decoded (a file of one long value repeated is tiny on disk and in its footer).
    Columns of raw bytes become text: UTF-8 when every value decodes, else hexadecimal (``"ff00"``), with
    a note; half-precision floats become float32 (pandas cannot index float16), with a note; nested
    columns (struct, list, map) arrive as dicts, arrays and lists of pairs.
    """
    import pyarrow.parquet as pq  # deferred: the Parquet reader, for .parquet files only

    info["format"] = "parquet"
    limits = raw.limits
    try:
        with raw.open_stored() as f:
            pf = pq.ParquetFile(f)
            meta, schema, arrow_schema = pf.metadata, pf.schema, pf.schema_arrow
            check_duplicates(arrow_schema.names, raw.name)
            limits.check_cells(raw.name, meta.num_rows, _values_per_row(pf))
            declared = _declared_bytes(pf)
            if declared > limits.max_expanded_bytes:
                raise limits.too_large(raw.name, f"its footer declares {declared:,} bytes uncompressed",
                                       "max_expanded_bytes")
            byte_arrays = [schema.column(j).path for j in range(meta.num_columns)
                           if schema.column(j).physical_type == "BYTE_ARRAY"]
            f.seek(0)
            pf = pq.ParquetFile(f, read_dictionary=byte_arrays)
            batches, decoded = [], 0
            for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                targets = [arrow_schema.field(name).type for name in batch.schema.names]
                decoded += sum(_decoded_bytes(col, t) for col, t in zip(batch.columns, targets, strict=True))
                if decoded > limits.max_expanded_bytes:
                    raise limits.too_large(raw.name, f"it decodes to more than {decoded:,} bytes",
                                           "max_expanded_bytes")
                batches.append(pa.RecordBatch.from_arrays(
                    [col.cast(t) for col, t in zip(batch.columns, targets, strict=True)],
                    names=batch.schema.names))
            table = (pa.Table.from_batches(batches) if batches
                     else arrow_schema.empty_table()).replace_schema_metadata(None)
    except (pa.ArrowException, OSError) as exc:
        raise UnsupportedFormatError(f"starts like Parquet but cannot be read ({exc})", file=raw.name,
                                     fix="write the file again (e.g. df.to_parquet(...)); it may be truncated"
                                     ) from exc
    table = _half_floats_as_float32(_binary_as_text(table, info["notes"]), info["notes"])
    try:
        df = table.replace_schema_metadata(arrow_schema.metadata).to_pandas()
    except Exception:  # noqa: BLE001 - a damaged "pandas" entry in the footer: read the columns without it
        df = table.to_pandas()
        info["notes"].append("ignored the file's damaged pandas metadata (index, column types)")
    named = [n for n in df.index.names if n is not None]
    if named or not (isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1):
        # pandas metadata restored an index: a named one becomes column(s), an unnamed one is dropped
        df = df.reset_index(drop=not named)
        if named:
            info["notes"].append(f"index {', '.join(map(repr, named))} stored in the file: kept as column(s)")
    return df


def _values_per_row(pf) -> int:
    """Leaf columns, with a list column counted by its elements per row (an upper bound of its cells)."""
    meta = pf.metadata
    schema = pf.schema
    total = 0
    rows = max(meta.num_rows, 1)
    for j in range(meta.num_columns):
        if schema.column(j).max_repetition_level == 0:
            total += 1
        else:  # values of a repeated (list/map) leaf, over all row groups, per row
            values = sum(meta.row_group(i).column(j).num_values for i in range(meta.num_row_groups))
            total += -(-values // rows)
    return total


def _declared_bytes(pf) -> int:
    """Uncompressed bytes the footer declares, plus what fixed-width byte columns take once decoded."""
    meta, schema = pf.metadata, pf.schema
    total = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    for j in range(meta.num_columns):
        column = schema.column(j)
        if column.physical_type == "FIXED_LEN_BYTE_ARRAY":
            values = sum(meta.row_group(i).column(j).num_values for i in range(meta.num_row_groups))
            total += column.length * values
    return total


def _decoded_bytes(array, target) -> int:
    """Bytes ``array`` takes once cast to ``target`` (dictionary-encoded text counted value by value)."""
    kind = array.type
    if pa.types.is_dictionary(kind) and not pa.types.is_dictionary(target):
        lengths = pc.binary_length(array.dictionary).cast(pa.int64())
        return int(pc.sum(pc.take(lengths, array.indices)).as_py() or 0) + 8 * len(array)
    if pa.types.is_map(kind):
        return (8 * len(array) + _decoded_bytes(array.keys, target.key_type)
                + _decoded_bytes(array.items, target.item_type))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return 8 * len(array) + _decoded_bytes(array.flatten(), target.value_type)
    if pa.types.is_struct(kind):
        return sum(_decoded_bytes(child, target.field(i).type) for i, child in enumerate(array.flatten()))
    return array.nbytes


def _half_floats_as_float32(table, notes: list[str]):
    """Half-precision floats (float16) widened to float32, exactly: pandas cannot index float16 (sorting,
    ranks, ``is_monotonic_increasing`` raise ``NotImplementedError``)."""
    for i, field in enumerate(table.schema):
        if pa.types.is_float16(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.float32()))
            notes.append(f"column {field.name!r} holds half-precision floats: read as float32")
    return table


def _binary_as_text(table, notes: list[str]):
    for i, field in enumerate(table.schema):
        if not (pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type)
                or pa.types.is_fixed_size_binary(field.type)):
            continue
        column = table.column(i)
        try:
            text = column.cast(pa.large_string() if pa.types.is_large_binary(field.type) else pa.string())
            how = "decoded as UTF-8 text"
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            text = pa.array([None if v is None else v.hex() for v in column.to_pylist()], pa.string())
            how = "not UTF-8: kept as hexadecimal text"
        table = table.set_column(i, field.name, text)
        notes.append(f"column {field.name!r} holds raw bytes: {how}")
    return table


# --- Excel ---------------------------------------------------------------------------------------
def read_excel(raw: FileBytes, info: dict[str, Any]) -> pd.DataFrame:
    """Read the first worksheet of an ``.xlsx``: cached values only (formulas are never evaluated).

    Before openpyxl parses anything: the zip's member count and declared sizes
    (:func:`~drift.data.xlsx_bounds.check_zip_archive`), then every part parsed whole in memory (shared
    strings,
    styles, workbook...) is held to ``max_document_bytes``; only the worksheets themselves may be
    larger, and the first one is measured (:func:`~drift.data.xlsx_bounds.sheet_extent`) before it is read.
    """
    info["format"] = "excel"
    limits = raw.limits
    try:
        with raw.open_stored() as f:
            members = check_zip_archive(f, raw.size, raw.name, limits, parsed_whole=_parsed_whole)
            if "xl/workbook.xml" not in members:
                raise UnsupportedFormatError("is a zip archive, not an Excel workbook", file=raw.name,
                                             fix="unzip it and upload the data file inside; supported: "
                                                 f"{SUPPORTED_FORMATS}")
            big = {name for name, size in members.items() if size > limits.max_document_bytes}
            df, sheets = _read_workbook(f, raw, big)
    except DriftInputError:
        raise
    except zipfile.BadZipFile as exc:
        raise UnsupportedFormatError(f"starts like a zip archive but is damaged ({exc})", file=raw.name,
                                     fix=EXPORT_FIX) from exc
    except Exception as exc:  # openpyxl raises many unrelated types for damaged workbooks
        raise UnsupportedFormatError(f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc})",
                                     file=raw.name, fix="open it in Excel and save it again as .xlsx or CSV"
                                     ) from exc
    info["sheet"] = sheets[0]
    if len(sheets) > 1:
        info["notes"].append(f"read the first of {len(sheets)} sheets ({sheets[0]!r})")
    return df


def _parsed_whole(name: str) -> bool:
    """Parts openpyxl may parse whole: all but the worksheets (relationship files always are)."""
    return not name.startswith(_WORKSHEET_FOLDER) or name.endswith(".rels")


def _read_workbook(f, raw: FileBytes, big: set[str]) -> tuple[pd.DataFrame, list[str]]:
    """``big``: members over ``max_document_bytes``, allowed only if they are worksheets openpyxl streams."""
    from openpyxl.reader.excel import ExcelReader  # deferred: openpyxl, for Excel files only

    limits = raw.limits
    reader = ExcelReader(f, read_only=True, keep_vba=False, data_only=True, keep_links=False)

    def refuse(names: set[str]) -> None:
        if names:
            name = sorted(names)[0]
            size = reader.archive.getinfo(name).file_size
            raise limits.too_large(raw.name, f"the part {name!r} is {size:,} bytes uncompressed and would be "
                                             "parsed whole in memory",
                                   "max_document_bytes")

    try:
        reader.read_manifest()
        refuse(big & {o.PartName.lstrip("/") for o in reader.package.Override
                      if "worksheet+xml" not in o.ContentType})
        reader.read_workbook()
        sheets = [(s, rel) for s, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
        refuse(big - {rel.target for _, rel in sheets})
        if not sheets:
            raise UnsupportedFormatError("holds no worksheet", file=raw.name,
                                         fix="add the data to a worksheet (not a chart sheet) and save again")
        first = sheets[0][1].target
        sheet_extent(lambda: reader.archive.open(first), raw.name, limits)
        reader.read()
        wb = reader.wb
        ws = wb.worksheets[0]
        header = next(ws.iter_rows(max_row=1, values_only=True), ())
        check_duplicates([h for h in header if h is not None], raw.name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # openpyxl's "no default style" chatter
            df = pd.read_excel(wb, sheet_name=0, engine="openpyxl")
        return df, [ws.title for ws in wb.worksheets]
    finally:
        reader.archive.close()


# --- JSON ----------------------------------------------------------------------------------------
_BAD_LINE_START = re.compile(rb"\n[ \t\r]*([^{\s])")
_LEADING_BLANKS = re.compile(rb"[ \t\r\n]*")


class _ObjectLines:
    """Inspector for :class:`~drift.core.limits.BoundedReader`: every non-blank line must start with ``{``.

    pandas raises ``TypeError`` on a line that is an array or a scalar, and silently turns a line such
    as ``[["a", 1]]`` into a record; this refuses both with the line number, as the bytes stream by.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.line = 1  # line of the first byte of the next chunk
        self.fresh = True  # only blanks seen so far on the current line

    def __call__(self, chunk: bytes, offset: int) -> None:
        start = 3 if offset == 0 and chunk.startswith(b"\xef\xbb\xbf") else 0
        if self.fresh:
            lead = _LEADING_BLANKS.match(chunk, start).end()
            if lead < len(chunk) and chunk[lead:lead + 1] != b"{":
                self._fail(chunk, lead)
        bad = _BAD_LINE_START.search(chunk, start)
        if bad is not None:
            self._fail(chunk, bad.start(1))
        last = chunk.rfind(b"\n")
        if last >= 0:
            self.fresh = not chunk[last + 1:].strip()
        elif self.fresh:
            self.fresh = not chunk.strip()
        self.line += chunk.count(b"\n")

    def _fail(self, chunk: bytes, at: int) -> None:
        line = self.line + chunk.count(b"\n", 0, at)
        first = chunk[at:at + 1]
        what = {b"[": "an array", b'"': "a string", b"n": "null", b"t": "true", b"f": "false"}.get(
            first, "a number" if first in b"-0123456789" else "not JSON")
        raise UnsupportedFormatError(f"line {line:,} is {what}, not a JSON object", file=self.file,
                                     fix=f"{_JSON_FIX}; every line must be one object {{...}}")


def read_json(raw: FileBytes, info: dict[str, Any], *, lines: bool, encoding: str | None) -> pd.DataFrame:
    """Read JSON lines in steps of :data:`JSON_CHUNK_LINES` lines, or a JSON array of records whole.

    JSON lines are checked line by line as they stream (each must be an object) and their cells are
    counted after each step; a JSON array must be parsed whole, so it is held to ``max_document_bytes``.
    """
    info["format"] = "jsonl" if lines else "json"
    limits = raw.limits
    encoding = encoding or "utf-8"
    what = "JSON lines (one JSON object per line)" if lines else "a JSON array of records"
    try:
        if lines:
            ascii_based = not encoding.replace("-", "").lower().startswith("utf16")
            with raw.open(inspect=_ObjectLines(raw.name) if ascii_based else None) as stream:
                frames, rows, width = [], 0, 0
                # precise_float: the default parser rounds 0.3 to 0.30000000000000004
                reader = pd.read_json(stream, lines=True, chunksize=JSON_CHUNK_LINES, encoding=encoding,
                                      precise_float=True)
                for frame in reader:
                    rows, width = rows + len(frame), max(width, frame.shape[1])
                    limits.check_cells(raw.name, rows, width)
                    frames.append(frame)
            df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0] if frames else None
        else:
            with raw.open() as stream:
                data = stream.read(limits.max_document_bytes + 1)
            if len(data) > limits.max_document_bytes:
                raise limits.too_large(raw.name, f"the JSON document is more than "
                                                 f"{limits.max_document_bytes:,} bytes and is parsed whole",
                                       "max_document_bytes")
            df = pd.read_json(io.StringIO(data.decode(encoding)), orient="records", precise_float=True)
    except DriftInputError:
        raise
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise UnsupportedFormatError(f"cannot be parsed as {what}: {exc}", file=raw.name,
                                     fix=_JSON_FIX) from exc
    if not isinstance(df, pd.DataFrame) or not all(isinstance(c, str) for c in df.columns):
        raise UnsupportedFormatError("holds JSON that is not a table of records (objects with one key per "
                                     "column)", file=raw.name, fix=_JSON_FIX)
    if lines and len(df) == 1 and all(isinstance(v, dict | list) for v in df.iloc[0]):
        raise UnsupportedFormatError("holds one JSON object whose values are whole columns or rows (what "
                                     "DataFrame.to_json() writes by default), not one object per row",
                                     file=raw.name, fix=_JSON_FIX)
    return df
