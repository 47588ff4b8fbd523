"""Load one table from a file or an upload, sniffing its format, delimiter and encoding.

Supported: CSV / TSV / TXT (comma, semicolon, tab or pipe separated, any common encoding), Parquet,
JSON lines (and a JSON array of records), Excel ``.xlsx`` (first sheet); each may be gzip-compressed.
Files are parsed as data only: nothing is unpickled, evaluated or executed.

What was sniffed is recorded in ``df.attrs["drift_load"]`` so a page can show it::

    {"file": "train.csv", "format": "csv", "delimiter": ";", "encoding": "cp1252",
     "decimal": ",", "rows": 1000, "columns": 12, "notes": ["decoded as cp1252 (not UTF-8)", ...]}
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import IO, Any

import pandas as pd

from .errors import (
    DelimiterError,
    DriftInputError,
    DuplicateColumnsError,
    EmptyFileError,
    EncodingError,
    TooFewRowsError,
    UnsupportedFormatError,
)

__all__ = ["DELIMITERS", "MIN_ROWS", "SUPPORTED_FORMATS", "load_table"]

#: A table needs at least this many data rows to be compared with anything.
MIN_ROWS = 2
#: Delimiters tried when sniffing a text table, in order of preference on ties.
DELIMITERS = (",", ";", "\t", "|")
#: Bytes read from the start of a file to sniff its format, encoding and delimiter.
SNIFF_BYTES = 256 * 1024
#: Rows of the sniffing sample checked for a consistent field count.
SNIFF_ROWS = 1000
#: Share of sampled rows that must have as many fields as the header for a delimiter to be accepted.
CONSISTENCY = 0.9
#: Share of control characters above which a "text" file is taken to be binary.
MAX_CONTROL_SHARE = 0.05
#: A gzip file may decompress to at most this many bytes (guards against decompression bombs).
MAX_DECOMPRESSED_BYTES = 2 * 2**30
#: Human description of what :func:`load_table` reads, used in error messages.
SUPPORTED_FORMATS = ("CSV/TSV/TXT (comma, semicolon, tab or pipe separated), Parquet, "
                     "JSON lines (.jsonl) or Excel (.xlsx), optionally gzip-compressed (.gz)")

_CSV_EXT = {".csv", ".tsv", ".tab", ".txt"}
_PARQUET_EXT = {".parquet", ".pq", ".parq"}
_JSON_EXT = {".jsonl", ".ndjson", ".json"}
_EXCEL_EXT = {".xlsx", ".xlsm"}
_DELIM_NAMES = {",": "',' (comma)", ";": "';' (semicolon)", "\t": "tab", "|": "'|' (pipe)", " ": "space"}
_EXPORT_FIX = "export the data as CSV (UTF-8), Parquet, JSON lines or .xlsx and upload that file"

_Source = str | PathLike | IO[bytes] | IO[str]


@dataclass(frozen=True, slots=True)
class _Raw:
    """The bytes of a file: a path to open, or the whole content already in memory."""

    name: str
    path: Path | None
    data: bytes | None
    head: bytes
    size: int

    def open(self) -> IO[bytes]:
        return open(self.path, "rb") if self.data is None else io.BytesIO(self.data)

    def read_all(self) -> bytes:
        if self.data is not None:
            return self.data
        return self.path.read_bytes()

    @property
    def truncated(self) -> bool:
        return len(self.head) < self.size


def load_table(source: _Source, *, name: str | None = None, delimiter: str | None = None,
               encoding: str | None = None) -> pd.DataFrame:
    """Read a table from a path or a binary file-like object, sniffing format, delimiter and encoding.

    Parameters
    ----------
    source : str, path-like or binary file-like
        A path, or an object with ``read()`` (``io.BytesIO``, Streamlit's ``UploadedFile``).  A
        file-like's ``name`` attribute, when present, names the file in messages and gives its extension.
    name : str, optional
        Display name used in messages and ``attrs`` (overrides the path / ``.name``).
    delimiter : str, optional
        Force the CSV delimiter instead of sniffing it among ``, ; <tab> |``.
    encoding : str, optional
        Force the text encoding instead of sniffing it (UTF-8 first, then a best guess).

    Returns
    -------
    pandas.DataFrame
        The table, with ``attrs["drift_load"]`` describing what was sniffed (file, format, delimiter,
        encoding, decimal, rows, columns, notes).

    Raises
    ------
    EmptyFileError
        0 bytes, only blank lines, or a header without rows.
    TooFewRowsError
        Fewer than :data:`MIN_ROWS` data rows.
    DelimiterError
        Rows do not split consistently on any delimiter, or everything landed in one column.
    EncodingError
        The text fits no known encoding.
    DuplicateColumnsError
        Two columns share a name (detected from the raw header; pandas would rename them silently).
    UnsupportedFormatError
        Binary junk, a pickle, an old ``.xls``, or a file whose content matches no supported format.

    Notes
    -----
    The format comes from the content first (magic bytes ``PAR1`` for Parquet, ``PK\\x03\\x04`` for
    xlsx, ``\\x1f\\x8b`` for gzip, a leading ``{`` for JSON lines), then from the extension.  A text
    table is read once, by pandas' C parser with the sniffed delimiter, so large files load at pandas
    speed; only the first :data:`SNIFF_BYTES` are examined by Python code.

    Examples
    --------
    >>> import io
    >>> df = load_table(io.BytesIO(b"a;b\\n1;x\\n2;y\\n"), name="demo.csv")
    >>> df.attrs["drift_load"]["delimiter"], df.shape
    (';', (2, 2))
    """
    raw = _read_source(source, name)
    notes: list[str] = []
    info: dict[str, Any] = {"file": raw.name, "format": None, "delimiter": None, "encoding": None,
                            "decimal": None, "notes": notes}
    df = _load_raw(raw, info, delimiter=delimiter, encoding=encoding)
    df = _finish(df, raw.name, notes)
    info["rows"], info["columns"] = int(df.shape[0]), int(df.shape[1])
    df.attrs["drift_load"] = info
    return df


# --- getting the bytes ---------------------------------------------------------------------------
def _read_source(source: _Source, name: str | None) -> _Raw:
    if isinstance(source, (str, PathLike)):
        path = Path(source)
        display = name or path.name
        if not path.is_file():
            what = "is a directory, not a file" if path.is_dir() else "does not exist"
            raise DriftInputError(f"the path {str(path)!r} {what}", file=display,
                                  fix="check the path and pass a single data file")
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
        return _Raw(display, path, None, head, path.stat().st_size)
    if hasattr(source, "getvalue"):  # BytesIO, Streamlit's UploadedFile: no need to move the cursor
        data = source.getvalue()
    elif hasattr(source, "read"):
        data = source.read()
    else:
        raise UnsupportedFormatError(f"cannot read a {type(source).__name__} object", file=name,
                                     fix="pass a file path or a binary file-like object such as io.BytesIO")
    if isinstance(data, str):  # a text-mode buffer: re-encode so every path below sees bytes
        data = data.encode("utf-8")
    display = name or _display_name(getattr(source, "name", None))
    return _Raw(display, None, bytes(data), bytes(data[:SNIFF_BYTES]), len(data))


def _display_name(attr: object) -> str:
    if isinstance(attr, (str, PathLike)) and str(attr):
        return Path(attr).name
    return "uploaded file"


def _ext(name: str) -> str:
    return Path(name).suffix.lower()


# --- format dispatch -----------------------------------------------------------------------------
def _load_raw(raw: _Raw, info: dict[str, Any], *, delimiter: str | None, encoding: str | None,
              ext_override: str | None = None) -> pd.DataFrame:
    notes: list[str] = info["notes"]
    ext = _ext(raw.name) if ext_override is None else ext_override
    head = raw.head
    if raw.size == 0:
        raise EmptyFileError("the file is empty (0 bytes)", file=raw.name,
                             fix="upload a file with a header row and at least 2 data rows")
    if head[:2] == b"\x1f\x8b" and ext_override is None:
        try:
            with raw.open() as f, gzip.GzipFile(fileobj=f) as gz:
                data = gz.read(MAX_DECOMPRESSED_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise UnsupportedFormatError(f"looks gzip-compressed but cannot be decompressed ({exc})",
                                         file=raw.name,
                                         fix="compress the file again, or upload it uncompressed") from exc
        if len(data) > MAX_DECOMPRESSED_BYTES:
            raise UnsupportedFormatError(f"decompresses to more than {MAX_DECOMPRESSED_BYTES // 2**20:,} MiB",
                                         file=raw.name, fix="upload a smaller file, or a sample of the rows")
        if not data:
            raise EmptyFileError("the compressed file holds 0 bytes", file=raw.name,
                                 fix="upload a file with a header row and at least 2 data rows")
        notes.append("decompressed gzip")
        info["compression"] = "gzip"
        inner_ext = _ext(raw.name[:-3]) if ext == ".gz" else ext
        return _load_raw(_Raw(raw.name, None, data, data[:SNIFF_BYTES], len(data)), info, delimiter=delimiter,
                         encoding=encoding, ext_override=inner_ext)
    if head[:4] == b"PAR1":
        _note_mismatch(notes, ext, _PARQUET_EXT, "Parquet")
        return _read_parquet(raw, info)
    if head[:4] == b"PK\x03\x04":
        _note_mismatch(notes, ext, _EXCEL_EXT, "an Excel workbook")
        return _read_excel(raw, info)
    _reject_known_binary(raw)
    if ext in _PARQUET_EXT | _EXCEL_EXT:
        kind = "Parquet" if ext in _PARQUET_EXT else "Excel (.xlsx)"
        raise UnsupportedFormatError(f"is named {ext} but its content is not {kind}", file=raw.name,
                                     fix=f"upload a real {kind} file, or rename it to match its content; "
                                         f"supported formats: {SUPPORTED_FORMATS}")
    enc, enc_note = (encoding, None) if encoding else _sniff_encoding(raw)
    if enc_note:
        notes.append(enc_note)
    info["encoding"] = enc
    text = _decode_sample(raw, enc)
    first = text.lstrip("\ufeff \t\r\n")[:1]
    if not first:
        raise EmptyFileError("the file holds only blank lines", file=raw.name,
                             fix="upload a file with a header row and at least 2 data rows")
    if first == "{" or (first == "[" and ext in _JSON_EXT):
        return _read_json(raw, info, lines=first == "{")
    if ext in _JSON_EXT:
        notes.append(f"named {ext} but the content is not JSON: read as delimited text")
    return _read_csv(raw, info, text, delimiter=delimiter, ext=ext, forced_encoding=encoding is not None)


def _note_mismatch(notes: list[str], ext: str, expected: set[str], what: str) -> None:
    if ext and ext not in expected:
        notes.append(f"named {ext} but the content is {what}: read as such")


def _reject_known_binary(raw: _Raw) -> None:
    head = raw.head
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnsupportedFormatError("is an old binary Excel (.xls) or other OLE2 document, which is not "
                                     "read", file=raw.name,
                                     fix="open it in Excel and save it as .xlsx or CSV (UTF-8)")
    if head[:6] == b"\x93NUMPY":
        raise UnsupportedFormatError("is a NumPy .npy array, not a table", file=raw.name,
                                     fix="upload it as an embeddings file, or upload the table itself")
    if len(head) > 1 and head[0] == 0x80 and 2 <= head[1] <= 5:
        raise UnsupportedFormatError("looks like a Python pickle, which is never loaded because unpickling "
                                     "can execute code", file=raw.name,
                                     fix="save the DataFrame with df.to_parquet(...) or df.to_csv(...)")


# --- encoding ------------------------------------------------------------------------------------
def _sniff_encoding(raw: _Raw) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM) first, UTF-16 with a BOM, else a legacy-encoding guess."""
    head = raw.head
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "UTF-8 with a byte-order mark"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "decoded as UTF-16 (byte-order mark found)"
    if b"\x00" in head:
        raise UnsupportedFormatError("contains NUL bytes: it is a binary file, not a text table",
                                     file=raw.name,
                                     fix=f"{_EXPORT_FIX}; supported formats: {SUPPORTED_FORMATS}")
    sample = _complete_lines(head, raw.truncated)
    control = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    if sample and control > MAX_CONTROL_SHARE * len(sample):
        raise UnsupportedFormatError("is binary data, not a text table", file=raw.name,
                                     fix=f"{_EXPORT_FIX}; supported formats: {SUPPORTED_FORMATS}")
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        enc = _guess_legacy_encoding(sample, raw.name)
        return enc, f"not UTF-8 (byte {sample[exc.start]:#04x} at position {exc.start}): decoded as {enc}"
    return "utf-8", None


def _guess_legacy_encoding(sample: bytes, file: str) -> str:
    """cp1252 when it reads as accented Latin text, else charset_normalizer's best guess.

    charset_normalizer is unreliable on short samples (it reads ``"Café"`` as cp775), while cp1252 is by
    far the most common non-UTF-8 export (Excel on Windows).  Latin text decoded with cp1252 has its
    non-ASCII letters inside otherwise-ASCII words; Cyrillic or Greek decoded with cp1252 gives whole words
    of accented letters, which sends the sample to charset_normalizer.
    """
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        words = [w for w in re.findall(r"\w+", text) if not w.isascii()]
        latin = sum(1 for w in words if len(w) <= 2 or re.search(r"[A-Za-z]", w))
        if not words or latin >= 0.8 * len(words):
            return "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise EncodingError("the text is neither UTF-8 nor any encoding that could be recognised", file=file,
                            fix="save the file again as CSV UTF-8 (in Excel: Save As > 'CSV UTF-8')")
    return best.encoding


def _guess_rest(data: bytes, pos: int, enc: str, file: str) -> str | None:
    """Encoding of a file whose first part decoded as ``enc`` but byte ``pos`` does not."""
    window = _complete_lines(data[max(0, pos - SNIFF_BYTES // 2): pos + SNIFF_BYTES // 2], True)
    if enc.replace("-", "").lower().startswith("utf8"):
        start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        if not data[start:pos].isascii():  # real UTF-8 before, something else after: re-decoding garbles one
            raise EncodingError(f"mixes encodings: UTF-8 text up to byte {pos}, then byte {data[pos]:#04x}, "
                                "which is not UTF-8 (rows appended from another source)", file=file,
                                fix="save the file again as CSV UTF-8 after fixing the rows around that byte")
        return _guess_legacy_encoding(window, file)
    from charset_normalizer import from_bytes

    best = from_bytes(window).best()
    return best.encoding if best is not None else None


def _complete_lines(head: bytes, truncated: bool) -> bytes:
    """Drop a partial last line (and so any cut multi-byte character) from a truncated sample."""
    if truncated:
        cut = head.rfind(b"\n")
        if cut > 0:
            return head[: cut + 1]
    return head


def _decode_sample(raw: _Raw, enc: str) -> str:
    head = raw.head
    if enc.replace("-", "").lower().startswith("utf16"):
        return head[: len(head) // 2 * 2].decode(enc, errors="ignore")
    try:
        return _complete_lines(head, raw.truncated).decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        raise EncodingError(f"cannot be decoded as {enc} ({exc})", file=raw.name,
                            fix="pass the right encoding, or save the file again as CSV UTF-8") from exc


# --- delimited text ------------------------------------------------------------------------------
def _read_csv(raw: _Raw, info: dict[str, Any], text: str, *, delimiter: str | None, ext: str,
              forced_encoding: bool) -> pd.DataFrame:
    notes: list[str] = info["notes"]
    info["format"] = "csv"
    rows_by_delim = {d: _split_rows(text, d, raw.truncated) for d in DELIMITERS}
    if delimiter is None:
        delimiter = _choose_delimiter(rows_by_delim, text, raw.name, ext)
    elif len(delimiter) != 1:
        raise DelimiterError(f"the delimiter must be one character, got {delimiter!r}", file=raw.name,
                             fix="pass one of ',', ';', '\\t', '|' or leave delimiter unset to sniff it")
    info["delimiter"] = delimiter
    rows = rows_by_delim.get(delimiter) or _split_rows(text, delimiter, raw.truncated)
    header = rows[0] if rows else []
    _check_duplicates(header, raw.name)
    decimal = _sniff_decimal(rows, delimiter)
    if decimal == ",":
        info["decimal"] = ","
        notes.append("numbers use a decimal comma (e.g. 1,5): read as decimals")
    # pandas' default chunked parsing (low_memory=True) is ~30% faster than one chunk; a column whose chunks
    # disagree (numbers, then text) comes back as object with a DtypeWarning, turned into a note below.
    kwargs = {"sep": delimiter, "engine": "c", "decimal": decimal or "."}
    df = _parse_csv(raw, info, kwargs, forced=forced_encoding)
    if df.shape[1] == 1:
        _check_single_column(df, rows_by_delim, raw.name, delimiter)
    return df


def _parse_csv(raw: _Raw, info: dict[str, Any], kwargs: dict[str, Any], *, forced: bool,
               tried: tuple[str, ...] = ()) -> pd.DataFrame:
    enc = info["encoding"]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.DtypeWarning)
            source = raw.path if raw.path is not None else io.BytesIO(raw.data)  # a path: pandas' fastest
            df = pd.read_csv(source, encoding=enc, **kwargs)
        for w in caught:
            if issubclass(w.category, pd.errors.DtypeWarning):
                cols = re.search(r"Columns \((.*?)\)", str(w.message))
                info["notes"].append(f"numbers and text mixed in column(s) {cols.group(1) if cols else '?'}")
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return df
    except UnicodeDecodeError as exc:
        # The sample decoded but a later part does not: guess again from the bytes around the first bad one.
        data = raw.read_all()
        try:
            data.decode(enc)
            pos = 0
        except UnicodeDecodeError as err:
            pos = err.start
        new_enc = None if forced else _guess_rest(data, pos, enc, raw.name)
        if new_enc is None or new_enc in (*tried, enc):
            raise EncodingError(f"cannot be decoded as {enc} (byte {data[pos]:#04x} at position {pos}: "
                                f"{exc.reason})", file=raw.name,
                                fix="save the file again as CSV UTF-8 (in Excel: Save As > 'CSV UTF-8'), or "
                                    "pass the right encoding") from exc
        info["encoding"] = new_enc
        info["notes"].append(f"not {enc} (byte {data[pos]:#04x} at position {pos}): decoded as {new_enc}")
        return _parse_csv(_Raw(raw.name, None, data, raw.head, raw.size), info, kwargs, forced=False,
                          tried=(*tried, enc))
    except pd.errors.EmptyDataError as exc:
        raise EmptyFileError("has no columns to read", file=raw.name,
                             fix="upload a file with a header row and at least 2 data rows") from exc
    except pd.errors.ParserError as exc:
        msg = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        sep = _DELIM_NAMES.get(kwargs["sep"], repr(kwargs["sep"]))
        raise DelimiterError(f"rows do not split consistently on {sep} ({msg})", file=raw.name,
                             fix="quote values that contain the delimiter, or repair the row named above; "
                                 "every row needs as many fields as the header") from exc


def _split_rows(text: str, delimiter: str, truncated: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append(row)
                if len(rows) > SNIFF_ROWS:
                    break
    except csv.Error:  # e.g. an unterminated quote in the sample: judge what was read
        pass
    if truncated and len(rows) > 2 and len(rows) <= SNIFF_ROWS:
        rows.pop()  # the last record may be cut (a quoted field spanning the sample's end)
    return rows


def _consistency(rows: list[list[str]]) -> tuple[int, float]:
    """(fields in the header, share of data rows with exactly that many fields)."""
    if not rows:
        return 0, 0.0
    n = len(rows[0])
    data = rows[1:]
    if not data:
        return n, 1.0
    return n, sum(len(r) == n for r in data) / len(data)


def _choose_delimiter(rows_by_delim: dict[str, list[list[str]]], text: str, file: str, ext: str) -> str:
    """Sniffer's pick, verified: the header must split into >= 2 fields and most rows into as many."""
    try:
        sniffed = csv.Sniffer().sniff(text[:32768], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    ext_hint = "\t" if ext in (".tsv", ".tab") else None
    stats = {d: _consistency(rows) for d, rows in rows_by_delim.items()}
    valid = [d for d, (n, share) in stats.items() if n >= 2 and share >= CONSISTENCY]
    if valid:
        return max(valid, key=lambda d: (stats[d][0], d == sniffed, d == ext_hint, -DELIMITERS.index(d)))
    if all(n <= 1 for n, _ in stats.values()):
        # One column: fine for a .csv/.txt, but an unknown extension with non-tabular text is not a table.
        _check_whitespace_table(text, file)
        if ext not in _CSV_EXT | _JSON_EXT:
            raise UnsupportedFormatError(
                f"has an unknown extension ({ext or 'none'}) and its content is not a table",
                file=file, fix=f"upload one of: {SUPPORTED_FORMATS}")
        return ","
    seen = max(stats, key=lambda d: (stats[d][0] >= 2, stats[d][1], stats[d][0]))
    n, share = stats[seen]
    rows = rows_by_delim[seen]
    counts = Counter(len(r) for r in rows[1:])
    other = ", ".join(str(k) for k, _ in counts.most_common(4) if k != n)
    bad = next((i + 2 for i, r in enumerate(rows[1:]) if len(r) != n), None)
    raise DelimiterError(
        f"cannot determine the delimiter: the header splits into {n} columns on {_DELIM_NAMES[seen]}, but "
        f"only {share:.0%} of the first {len(rows) - 1} rows have {n} fields (others have {other}; first at "
        f"line {bad})",
        file=file,
        fix="save the file again with one delimiter used consistently, quote values that contain it, "
            f"or pass delimiter={seen!r}")


def _check_whitespace_table(text: str, file: str) -> None:
    lines = [ln for ln in text.splitlines()[:SNIFF_ROWS] if ln.strip()]
    counts = {len(ln.split()) for ln in lines}
    if len(lines) >= 2 and len(counts) == 1 and counts.pop() >= 2:
        raise DelimiterError("values are separated by spaces, which is ambiguous and not supported",
                             file=file, fix="save the file with commas, semicolons or tabs between values")


def _check_single_column(df: pd.DataFrame, rows_by_delim: dict[str, list[list[str]]], file: str,
                         used: str) -> None:
    """Everything landed in one column although the header holds another delimiter: wrong delimiter."""
    header = str(df.columns[0])
    for d in DELIMITERS:
        if d != used and d in header and _consistency(rows_by_delim[d])[0] >= 2:
            raise DelimiterError(
                f"every row landed in one column although the header contains {_DELIM_NAMES[d]}: the file "
                f"looks separated by {_DELIM_NAMES[d]}, not by {_DELIM_NAMES.get(used, repr(used))}",
                file=file, column=header,
                fix=f"pass delimiter={d!r}, or leave delimiter unset so it is detected")


_COMMA_DECIMAL = re.compile(r"[+-]?\d+,\d+")
_DOT_DECIMAL = re.compile(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?")


def _sniff_decimal(rows: list[list[str]], delimiter: str) -> str | None:
    """',' when some column holds decimal-comma numbers (``1,5``) and no field is a dot decimal."""
    if delimiter == "," or len(rows) < 2:
        return None
    comma_cols = 0
    for j in range(len(rows[0])):
        cells = [r[j].strip() for r in rows[1:] if j < len(r) and r[j].strip()]
        if not cells:
            continue
        if any(_DOT_DECIMAL.fullmatch(c) for c in cells):
            return None
        if sum(bool(_COMMA_DECIMAL.fullmatch(c)) for c in cells) >= CONSISTENCY * len(cells):
            comma_cols += 1
    return "," if comma_cols else None


# --- binary formats and JSON ---------------------------------------------------------------------
def _read_parquet(raw: _Raw, info: dict[str, Any]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    info["format"] = "parquet"
    try:
        with raw.open() as f:
            names = pq.ParquetFile(f).schema_arrow.names
        _check_duplicates(names, raw.name)
        with raw.open() as f:
            df = pd.read_parquet(f, engine="pyarrow")
    except (pa.ArrowException, OSError) as exc:
        raise UnsupportedFormatError(f"starts like Parquet but cannot be read ({exc})", file=raw.name,
                                     fix="write the file again (e.g. df.to_parquet(...)); it may be truncated"
                                     ) from exc
    named = [n for n in df.index.names if n is not None]
    if named or not (isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1):
        # pandas metadata restored an index: a named one becomes column(s), an unnamed one is dropped
        df = df.reset_index(drop=not named)
        if named:
            info["notes"].append(f"index {', '.join(map(repr, named))} stored in the file: kept as column(s)")
    return df


def _read_excel(raw: _Raw, info: dict[str, Any]) -> pd.DataFrame:
    info["format"] = "excel"
    try:
        with raw.open() as f, zipfile.ZipFile(f) as zf:
            is_xlsx = "xl/workbook.xml" in zf.namelist()
    except zipfile.BadZipFile as exc:
        raise UnsupportedFormatError("starts like a zip archive but is damaged", file=raw.name,
                                     fix=f"{_EXPORT_FIX}") from exc
    if not is_xlsx:
        raise UnsupportedFormatError("is a zip archive, not an Excel workbook", file=raw.name,
                                     fix="unzip it and upload the data file inside; "
                                         f"supported: {SUPPORTED_FORMATS}")
    import openpyxl

    try:
        with raw.open() as f:
            wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
            try:
                sheets = wb.sheetnames
                header = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            finally:
                wb.close()
        _check_duplicates([str(h) for h in header if h is not None], raw.name)
        with raw.open() as f, warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # openpyxl's "no default style" chatter
            df = pd.read_excel(f, sheet_name=0, engine="openpyxl")
    except DriftInputError:
        raise
    except Exception as exc:  # openpyxl raises many unrelated types for damaged workbooks
        raise UnsupportedFormatError(f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc})",
                                     file=raw.name, fix="open it in Excel and save it again as .xlsx or CSV"
                                     ) from exc
    info["sheet"] = sheets[0]
    if len(sheets) > 1:
        info["notes"].append(f"read the first of {len(sheets)} sheets ({sheets[0]!r})")
    return df


def _read_json(raw: _Raw, info: dict[str, Any], *, lines: bool) -> pd.DataFrame:
    info["format"] = "jsonl" if lines else "json"
    try:
        with raw.open() as f:
            data = f.read()
        text = data.decode(info["encoding"] or "utf-8")
        df = pd.read_json(io.StringIO(text), lines=lines, orient=None if lines else "records",
                          precise_float=True)  # the default parser rounds 0.3 to 0.30000000000000004
    except (ValueError, UnicodeDecodeError) as exc:
        what = "JSON lines (one JSON object per line)" if lines else "a JSON array of records"
        raise UnsupportedFormatError(f"cannot be parsed as {what}: {exc}", file=raw.name,
                                     fix="write one JSON object per line, e.g. df.to_json(path, orient="
                                         "'records', lines=True)") from exc
    if not isinstance(df, pd.DataFrame):
        raise UnsupportedFormatError("holds JSON that is not a table of records", file=raw.name,
                                     fix="write one JSON object per line, one key per column")
    return df


# --- checks common to every format -----------------------------------------------------------------
def _check_duplicates(header: Sequence[object], file: str) -> None:
    names = [str(h) for h in header if h is not None and str(h).strip() != ""]
    dups = [n for n, c in Counter(names).items() if c > 1]
    if dups:
        listed = ", ".join(repr(d) for d in dups[:5]) + (" ..." if len(dups) > 5 else "")
        problem = (f"column names {listed} each appear more than once in the header" if len(dups) > 1
                   else f"the name appears {Counter(names)[dups[0]]} times in the header")
        raise DuplicateColumnsError(problem, file=file, column=dups[0],
            fix="rename the duplicates so that every column name is unique")


def _finish(df: pd.DataFrame, file: str, notes: list[str]) -> pd.DataFrame:
    if df.shape[1] == 0:
        raise EmptyFileError("has no columns", file=file,
                             fix="upload a file with a header row and at least 2 data rows")
    if not df.columns.is_unique:  # formats whose header could not be checked beforehand
        _check_duplicates(list(df.columns), file)
    unnamed = [c for c in df.columns if isinstance(c, str) and c.startswith("Unnamed: ")]
    blank = [c for c in unnamed if df[c].isna().all()]
    if blank and len(blank) < df.shape[1]:
        df = df.drop(columns=blank)
        notes.append(f"dropped {len(blank)} empty column(s) without a name (trailing delimiters?)")
    kept = [c for c in unnamed if c not in blank]
    if kept:
        notes.append(f"column(s) without a name in the header: {', '.join(map(repr, kept))} "
                     "(an index written with the data?)")
    if len(df) == 0:
        raise EmptyFileError("has a header but no rows", file=file,
                             fix=f"upload a file with at least {MIN_ROWS} data rows below the header")
    if len(df) < MIN_ROWS:
        raise TooFewRowsError(f"has only {len(df)} data row; at least {MIN_ROWS} are needed", file=file,
                              fix="upload more rows (drift statistics need a sample, ideally hundreds "
                                  "of rows)")
    return df
