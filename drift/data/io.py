"""Load one table from a file or an upload, sniffing its format, delimiter and encoding.

Supported: CSV / TSV / TXT (comma, semicolon, tab or pipe separated, any common encoding), Parquet,
JSON lines (and a JSON array of records), Excel ``.xlsx`` (first sheet); each may be compressed with gzip,
bz2 or xz.  Files are parsed as data only: nothing is unpickled, evaluated or executed.  What one file
may expand to is bounded by :class:`~drift.core.limits.LoadLimits` (checked while reading, see
:mod:`drift.core.limits`); Parquet, Excel and JSON are read by :mod:`drift.data.readers`.

What was sniffed is recorded in ``df.attrs["drift_load"]`` so a page can show it::

    {"file": "train.csv", "format": "csv", "delimiter": ";", "encoding": "cp1252",
     "decimal": ",", "rows": 1000, "columns": 12, "notes": ["decoded as cp1252 (not UTF-8)", ...]}
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections import Counter
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import IO, Any

import pandas as pd

from drift.core.errors import (
    DelimiterError,
    DriftError,
    DriftInputError,
    EmptyFileError,
    EncodingError,
    InputTooLargeError,
    TooFewRowsError,
    UnsupportedFormatError,
)
from drift.core.limits import FileBytes, LoadLimits, compression_of, release_memory
from drift.data.readers import (
    EXPORT_FIX,
    SUPPORTED_FORMATS,
    check_duplicates,
    read_excel,
    read_json,
    read_parquet,
)
from drift.data.text_encoding import NulCheck, check_codec, first_undecodable, guess_rest, sniff_encoding

__all__ = ["DELIMITERS", "MIN_ROWS", "SUPPORTED_FORMATS", "LoadLimits", "load_table"]

#: A table needs at least this many data rows to be compared with anything.
MIN_ROWS = 2
#: Delimiters tried when sniffing a text table, in order of preference on ties.
DELIMITERS = (",", ";", "\t", "|")
#: Bytes read from the start of a file to sniff its format, encoding and delimiter.
SNIFF_BYTES = 256 * 1024
#: The delimiter sample holds at least this many whole lines (header and MIN_ROWS rows), read past
#: SNIFF_BYTES when lines are long (each line at most ``LoadLimits.max_document_bytes``).
SNIFF_MIN_LINES = 1 + MIN_ROWS
#: Rows of the sniffing sample checked for a consistent field count.
SNIFF_ROWS = 1000
#: Share of sampled rows that must have as many fields as the header for a delimiter to be accepted.
CONSISTENCY = 0.9

_CSV_EXT = {".csv", ".tsv", ".tab", ".txt"}
_PARQUET_EXT = {".parquet", ".pq", ".parq"}
_JSON_EXT = {".jsonl", ".ndjson", ".json"}
_EXCEL_EXT = {".xlsx", ".xlsm"}
_COMPRESSED_EXT = {".gz", ".gzip", ".bz2", ".xz"}
_DELIM_NAMES = {",": "',' (comma)", ";": "';' (semicolon)", "\t": "tab", "|": "'|' (pipe)", " ": "space"}
_ROWS_FIX = "upload a file with a header row and at least 2 data rows"

_Source = str | PathLike | IO[bytes] | IO[str]


def load_table(source: _Source, *, name: str | None = None, delimiter: str | None = None,
               encoding: str | None = None, limits: LoadLimits | None = None) -> pd.DataFrame:
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
    limits : LoadLimits, optional
        What the file may expand to (bytes after decompression, cells, ...).  Default:
        ``LoadLimits.from_env()``, the defaults of :class:`~drift.core.limits.LoadLimits` changed by the
        ``DRIFT_MAX_*`` environment variables.

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
    InputTooLargeError
        The file expands past one of ``limits`` (checked while reading, before the memory is spent).
    UnsupportedFormatError
        Binary junk, a NUL byte in text, a pickle, an old ``.xls``, a damaged file, or a file whose
        content matches no supported format.

    Notes
    -----
    The format comes from the content first (magic bytes ``PAR1`` for Parquet, ``PK\\x03\\x04`` for
    xlsx, ``\\x1f\\x8b`` for gzip, a leading ``{`` for JSON lines), then from the extension.  A text
    table is read once, by pandas' C parser with the sniffed delimiter, streaming through a reader that
    counts bytes and refuses NUL bytes, so large files load at pandas speed; only the first
    :data:`SNIFF_BYTES` (and at least :data:`SNIFF_MIN_LINES` whole lines) are examined by Python code.

    Examples
    --------
    >>> import io
    >>> df = load_table(io.BytesIO(b"a;b\\n1;x\\n2;y\\n"), name="demo.csv")
    >>> df.attrs["drift_load"]["delimiter"], df.shape
    (';', (2, 2))
    """
    limits = LoadLimits.from_env() if limits is None else limits
    raw = _read_source(source, name, limits)
    notes: list[str] = []
    info: dict[str, Any] = {"file": raw.name, "format": None, "delimiter": None, "encoding": None,
                            "decimal": None, "notes": notes}
    try:
        df = _load_raw(raw, info, delimiter=delimiter, encoding=encoding)
    except InputTooLargeError:
        release_memory()
        raise
    df = _finish(df, raw, notes)
    info["rows"], info["columns"] = int(df.shape[0]), int(df.shape[1])
    df.attrs["drift_load"] = info
    return df


# --- getting the bytes ---------------------------------------------------------------------------
def _read_source(source: _Source, name: str | None, limits: LoadLimits) -> FileBytes:
    if isinstance(source, (str, PathLike)):
        path = Path(source)
        display = name or path.name
        if not path.is_file():
            what = "is a directory, not a file" if path.is_dir() else "does not exist"
            raise DriftInputError(f"the path {str(path)!r} {what}", file=display,
                                  fix="check the path and pass a single data file")
        return FileBytes(display, path, None, path.stat().st_size, limits)
    display = name or _display_name(getattr(source, "name", None))
    if hasattr(source, "getvalue"):  # BytesIO, Streamlit's UploadedFile: no need to move the cursor
        data = source.getvalue()
    elif hasattr(source, "read"):
        data = source.read(limits.max_expanded_bytes + 1)
    else:
        raise UnsupportedFormatError(f"cannot read a {type(source).__name__} object", file=name,
                                     fix="pass a file path or a binary file-like object such as io.BytesIO")
    if isinstance(data, str):  # a text-mode buffer: re-encode so every path below sees bytes
        data = data.encode("utf-8")
    return FileBytes(display, None, bytes(data), len(data), limits)


def _display_name(attr: object) -> str:
    if isinstance(attr, (str, PathLike)) and str(attr):
        return Path(attr).name
    return "uploaded file"


def _ext(name: str) -> str:
    return Path(name).suffix.lower()


# --- format dispatch -----------------------------------------------------------------------------
def _load_raw(raw: FileBytes, info: dict[str, Any], *, delimiter: str | None, encoding: str | None
              ) -> pd.DataFrame:
    notes: list[str] = info["notes"]
    ext = _ext(raw.name)
    if raw.size == 0:
        raise EmptyFileError("the file is empty (0 bytes)", file=raw.name, fix=_ROWS_FIX)
    codec = compression_of(raw.head(8)[0])
    if codec is not None:
        raw = replace(raw, compression=codec)
        head, complete = raw.head(SNIFF_BYTES)
        if not head:
            raise EmptyFileError(f"the {codec}-compressed file holds 0 bytes", file=raw.name, fix=_ROWS_FIX)
        twice = compression_of(head)
        if twice is not None:
            raise UnsupportedFormatError(f"is compressed twice ({codec}, then {twice})", file=raw.name,
                                         fix="decompress it and compress the data file once")
        notes.append(f"decompressed {codec}")
        info["compression"] = codec
        if ext in _COMPRESSED_EXT:
            ext = _ext(raw.name[: -len(ext)])
    else:
        if raw.size > raw.limits.max_expanded_bytes:
            raise raw.limits.too_large(raw.name, f"the file is {raw.size:,} bytes", "max_expanded_bytes")
        head, complete = raw.head(SNIFF_BYTES)
    if head[:4] == b"PAR1":
        _note_mismatch(notes, ext, _PARQUET_EXT, "Parquet")
        return read_parquet(_seekable(raw), info)
    if head[:4] == b"PK\x03\x04":
        _note_mismatch(notes, ext, _EXCEL_EXT, "an Excel workbook")
        return read_excel(_seekable(raw), info)
    _reject_known_binary(head, raw.name)
    if ext in _PARQUET_EXT | _EXCEL_EXT:
        kind = "Parquet" if ext in _PARQUET_EXT else "Excel (.xlsx)"
        raise UnsupportedFormatError(f"is named {ext} but its content is not {kind}", file=raw.name,
                                     fix=f"upload a real {kind} file, or rename it to match its content; "
                                         f"supported formats: {SUPPORTED_FORMATS}")
    if encoding:
        enc, enc_note = check_codec(encoding, raw.name), None
    else:
        enc, enc_note = sniff_encoding(head, complete, raw.name)
    if enc_note:
        notes.append(enc_note)
    info["encoding"] = enc
    first = head.decode(enc, errors="ignore").lstrip("\ufeff \t\r\n")[:1]
    if not first and complete:
        raise EmptyFileError("the file holds only blank lines", file=raw.name, fix=_ROWS_FIX)
    if first == "{" or (first == "[" and ext in _JSON_EXT):
        return read_json(raw, info, lines=first == "{", encoding=enc)
    if ext in _JSON_EXT:
        notes.append(f"named {ext} but the content is not JSON: read as delimited text")
    text, complete = _sample_text(raw, enc, head, complete)
    if not text.strip():
        raise EmptyFileError("the file holds only blank lines", file=raw.name, fix=_ROWS_FIX)
    return _read_csv(raw, info, text, complete, delimiter=delimiter, ext=ext,
                     forced_encoding=encoding is not None)


def _seekable(raw: FileBytes) -> FileBytes:
    """Parquet and zip need random access: a compressed one is expanded (within its cap) into memory."""
    if raw.compression is None:
        return raw
    data = raw.read_all()
    return FileBytes(raw.name, None, data, len(data), raw.limits)


def _note_mismatch(notes: list[str], ext: str, expected: set[str], what: str) -> None:
    if ext and ext not in expected:
        notes.append(f"named {ext} but the content is {what}: read as such")


def _reject_known_binary(head: bytes, file: str) -> None:
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnsupportedFormatError("is an old binary Excel (.xls) or other OLE2 document, which is not "
                                     "read", file=file,
                                     fix="open it in Excel and save it as .xlsx or CSV (UTF-8)")
    if head[:6] == b"\x93NUMPY":
        raise UnsupportedFormatError("is a NumPy .npy array, not a table", file=file,
                                     fix="upload it as an embeddings file, or upload the table itself")
    if len(head) > 1 and head[0] == 0x80 and 2 <= head[1] <= 5:
        raise UnsupportedFormatError("looks like a Python pickle, which is never loaded because unpickling "
                                     "can execute code", file=file,
                                     fix="save the DataFrame with df.to_parquet(...) or df.to_csv(...)")
    if head[:4] in (b"PK\x05\x06", b"PK\x07\x08"):
        raise UnsupportedFormatError("is an empty or split zip archive", file=file, fix=EXPORT_FIX)
    if head[:4] == b"\x28\xb5\x2f\xfd":
        raise UnsupportedFormatError("is zstd-compressed, which is not read", file=file,
                                     fix="decompress it (zstd -d), or compress it with gzip instead")


# --- the text sample -------------------------------------------------------------------------------
def _line_breaks(text: str) -> tuple[int, int]:
    """(line breaks in ``text``, characters after the last one): ``\\r\\n`` is one break, a lone ``\\r``
    too."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    last = max(text.rfind("\n"), text.rfind("\r"))
    return breaks, len(text) - last - 1


def _sample_text(raw: FileBytes, enc: str, head: bytes, complete: bool) -> tuple[str, bool]:
    """The text to sniff the delimiter from, and whether it is the whole file.

    Whole lines only: at least :data:`SNIFF_BYTES` and at least :data:`SNIFF_MIN_LINES` lines (read past
    the first bytes when lines are long, e.g. a header of 100,000 columns), each line at most
    ``max_document_bytes`` characters.
    """
    decoder = codecs.getincrementaldecoder(enc)()
    try:
        text = decoder.decode(head, final=complete)
    except UnicodeDecodeError as exc:
        cut = head.rfind(b"\n")
        if complete or exc.start <= cut or cut < 0:
            raise EncodingError(f"cannot be decoded as {enc} ({exc})", file=raw.name,
                                fix="pass the right encoding, or save the file again as CSV UTF-8") from exc
        return _cut_partial_line(head[:cut + 1].decode(enc, errors="replace")), False
    breaks, tail = _line_breaks(text)
    if complete or breaks >= SNIFF_MIN_LINES:
        return (text, True) if complete else (_cut_partial_line(text), False)
    pieces = [text]
    limit = raw.limits.max_document_bytes
    with raw.open() as f:
        f.read(len(head))
        while breaks < SNIFF_MIN_LINES:
            chunk = f.read(SNIFF_BYTES)
            try:
                piece = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:  # a later byte of another encoding: pandas' pass will say which
                break
            if not chunk:
                return "".join(pieces), True
            pieces.append(piece)
            more, after = _line_breaks(piece)
            tail = after if more else tail + len(piece)
            breaks += more
            if tail > limit:
                raise raw.limits.too_large(raw.name, f"line {breaks + 1:,} is longer than {limit:,} "
                                                     "characters", "max_document_bytes")
    return _cut_partial_line("".join(pieces)), False


def _cut_partial_line(text: str) -> str:
    last = max(text.rfind("\n"), text.rfind("\r"))
    return text[: last + 1] if last >= 0 else text


# --- delimited text ------------------------------------------------------------------------------
def _read_csv(raw: FileBytes, info: dict[str, Any], text: str, complete: bool, *, delimiter: str | None,
              ext: str, forced_encoding: bool) -> pd.DataFrame:
    notes: list[str] = info["notes"]
    info["format"] = "csv"
    truncated = not complete
    rows_by_delim = {d: _split_rows(text, d, truncated) for d in DELIMITERS}
    if delimiter is None:
        delimiter = _choose_delimiter(rows_by_delim, text, raw.name, ext)
    elif len(delimiter) != 1:
        raise DelimiterError(f"the delimiter must be one character, got {delimiter!r}", file=raw.name,
                             fix="pass one of ',', ';', '\\t', '|' or leave delimiter unset to sniff it")
    info["delimiter"] = delimiter
    rows = rows_by_delim.get(delimiter) or _split_rows(text, delimiter, truncated)
    header = rows[0] if rows else []
    check_duplicates(header, raw.name)
    decimal = _sniff_decimal(rows, delimiter)
    if decimal == ",":
        info["decimal"] = ","
        notes.append("numbers use a decimal comma (e.g. 1,5): read as decimals")
    # pandas' default chunked parsing (low_memory=True) is ~30% faster than one chunk; a column whose chunks
    # disagree (numbers, then text) comes back as object with a DtypeWarning, turned into a note below.
    # nrows stops the parse one row past the cell limit, so a huge table costs no more than an allowed one.
    max_rows = raw.limits.max_cells // max(len(header), 1)
    kwargs = {"sep": delimiter, "engine": "c", "decimal": decimal or ".", "nrows": max_rows + 1}
    df = _parse_csv(raw, info, kwargs, forced=forced_encoding)
    if len(df) > max_rows:
        del df          # the traceback keeps this frame alive: drop the table before raising
        what = (f"the table has more than {max_rows:,} rows of {len(header):,} columns" if max_rows
                else f"one row of {len(header):,} columns is {len(header):,} cells")
        raise raw.limits.too_large(raw.name, what, "max_cells")
    if df.shape[1] == 1:
        _check_single_column(df, rows_by_delim, raw.name, delimiter)
    return df


def _parse_csv(raw: FileBytes, info: dict[str, Any], kwargs: dict[str, Any], *, forced: bool,
               tried: tuple[str, ...] = ()) -> pd.DataFrame:
    enc = info["encoding"]
    try:
        with warnings.catch_warnings(record=True) as caught, raw.open(inspect=NulCheck(raw, enc)) as stream:
            warnings.simplefilter("always", pd.errors.DtypeWarning)
            df = pd.read_csv(stream, encoding=enc, **kwargs)
        for w in caught:
            if issubclass(w.category, pd.errors.DtypeWarning):
                cols = re.search(r"Columns \((.*?)\)", str(w.message))
                info["notes"].append(f"numbers and text mixed in column(s) {cols.group(1) if cols else '?'}")
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return df
    except UnicodeDecodeError as exc:
        # The sample decoded but a later part does not: guess again from the bytes around the first bad one.
        found = first_undecodable(raw, enc)
        pos, byte, window, ascii_before = found if found is not None else (0, 0, b"", False)
        new_enc = None if forced or found is None else guess_rest(window, pos, enc, ascii_before, raw.name)
        if new_enc is None or new_enc in (*tried, enc):
            raise EncodingError(f"cannot be decoded as {enc} (byte {byte:#04x} at position {pos}: "
                                f"{exc.reason})", file=raw.name,
                                fix="save the file again as CSV UTF-8 (in Excel: Save As > 'CSV UTF-8'), or "
                                    "pass the right encoding") from exc
        info["encoding"] = new_enc
        info["notes"].append(f"not {enc} (byte {byte:#04x} at position {pos}): decoded as {new_enc}")
        return _parse_csv(raw, info, kwargs, forced=False, tried=(*tried, enc))
    except pd.errors.EmptyDataError as exc:
        raise EmptyFileError("has no columns to read", file=raw.name, fix=_ROWS_FIX) from exc
    except pd.errors.ParserError as exc:
        msg = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        sep = _DELIM_NAMES.get(kwargs["sep"], repr(kwargs["sep"]))
        raise DelimiterError(f"rows do not split consistently on {sep} ({msg})", file=raw.name,
                             fix="quote values that contain the delimiter, or repair the row named above; "
                                 "every row needs as many fields as the header") from exc
    except DriftError:
        raise
    except (ValueError, OverflowError) as exc:  # anything else pandas says about the content
        raise UnsupportedFormatError(f"cannot be read as delimited text ({type(exc).__name__}: {exc})",
                                     file=raw.name, fix=f"{EXPORT_FIX}") from exc


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


# --- checks common to every format -----------------------------------------------------------------
def _text_column_names(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Column names are text: numbers (an Excel header of years) become strings, blanks 'Unnamed: i'."""
    names = list(df.columns)
    fixed = [f"Unnamed: {i}" if not str(c).strip() else str(c) for i, c in enumerate(names)]
    if fixed == names:
        return df
    blank = [i for i, c in enumerate(names) if not str(c).strip() and not str(c).startswith("Unnamed")]
    if blank:
        notes.append(f"{len(blank)} column(s) with an empty name renamed 'Unnamed: <position>'")
    return df.set_axis(fixed, axis=1)


def _finish(df: pd.DataFrame, raw: FileBytes, notes: list[str]) -> pd.DataFrame:
    file = raw.name
    if df.shape[1] == 0:
        raise EmptyFileError("has no columns", file=file, fix=_ROWS_FIX)
    raw.limits.check_cells(file, *df.shape)
    df = _text_column_names(df, notes)
    if not df.columns.is_unique:  # formats whose header could not be checked beforehand
        check_duplicates(list(df.columns), file)
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
