"""How much an ``.xlsx`` really holds, measured before openpyxl reads it.

An xlsx is a zip of XML parts.  :func:`check_zip_archive` reads the zip's directory (how many members,
how many bytes each declares) and :func:`sheet_extent` the rectangle pandas will fill from the first
sheet, both in constant memory, so that :func:`drift.data.readers.read_excel` can refuse a bomb with
:class:`~drift.core.errors.InputTooLargeError` before openpyxl parses it.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from typing import IO
from xml.parsers import expat

from drift.core.errors import UnsupportedFormatError
from drift.core.limits import LoadLimits, MiB

__all__ = ["EXCEL_MAX_COLUMNS", "EXCEL_MAX_ROWS", "ZIP_DIRECTORY_BYTES_PER_MEMBER", "check_zip_archive",
           "sheet_extent"]

#: Bytes allowed per member in a zip's central directory (46 fixed bytes, the name and extra fields;
#: an xlsx member takes well under 200), so a directory of a few members cannot hide millions.
ZIP_DIRECTORY_BYTES_PER_MEMBER = 1024

# --- zip archives (xlsx) -------------------------------------------------------------------------
_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


def _directory_extent(f: IO[bytes], size: int) -> tuple[int, int] | None:
    """(members, central-directory bytes) from a zip's end records, or ``None`` if there are none."""
    tail_len = min(size, _EOCD.size + 65535)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    _, _, _, _, members, cd_bytes, _, _ = _EOCD.unpack_from(tail, at)
    if members == 0xFFFF or cd_bytes == 0xFFFFFFFF:
        loc = at - _ZIP64_LOCATOR.size
        if loc >= 0 and tail[loc:loc + 4] == b"PK\x06\x07":
            offset = _ZIP64_LOCATOR.unpack_from(tail, loc)[2]
            f.seek(offset)
            record = f.read(_ZIP64_EOCD.size)
            if len(record) == _ZIP64_EOCD.size and record[:4] == b"PK\x06\x06":
                fields64 = _ZIP64_EOCD.unpack(record)
                members, cd_bytes = fields64[7], fields64[8]
    return members, cd_bytes


def check_zip_archive(f: IO[bytes], size: int, file: str, limits: LoadLimits, *,
                      parsed_whole: Callable[[str], bool]) -> dict[str, int]:
    """Refuse a zip whose directory or declared sizes pass ``limits``, before any member is opened.

    Counts the members from the end records (both the count and the directory's byte size, which a
    forged count cannot hide), then checks the declared uncompressed sizes: together at most
    :meth:`LoadLimits.expansion_cap` of the archive size (overlapping members are counted each time),
    each member for which ``parsed_whole(name)`` is true at most ``max_document_bytes``.  Python's
    ``zipfile`` stops every member at its declared size, so these bounds hold while reading.

    Returns
    -------
    dict
        Declared uncompressed size of each member, by name.
    """
    extent = _directory_extent(f, size)
    if extent is not None:
        members, cd_bytes = extent
        most = limits.max_zip_members
        if members > most or cd_bytes > most * ZIP_DIRECTORY_BYTES_PER_MEMBER:
            raise limits.too_large(file, f"the zip archive lists {members:,} members in a {cd_bytes:,}-byte "
                                         "directory", "max_zip_members")
    f.seek(0)
    with zipfile.ZipFile(f) as zf:
        infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise limits.too_large(file, f"the zip archive holds {len(infos):,} members", "max_zip_members")
    cap, limit = limits.expansion_cap(size)
    total = 0
    for info in infos:
        total += info.file_size
        if total > cap:
            raise limits.too_large(file, f"its zip members declare {total:,}+ bytes uncompressed from "
                                         f"{size:,} bytes", limit)
        if parsed_whole(info.filename) and info.file_size > limits.max_document_bytes:
            raise limits.too_large(file, f"the part {info.filename!r} is {info.file_size:,} bytes "
                                         "uncompressed and would be parsed whole in memory",
                                   "max_document_bytes")
    return {info.filename: info.file_size for info in infos}


# --- the used rectangle of an xlsx sheet ---------------------------------------------------------
#: Excel's own bounds: a sheet has at most 1,048,576 rows and 16,384 columns (A to XFD).
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384
_SCAN_CHUNK = MiB
_RESAVE_FIX = "open it in Excel and save it again as .xlsx or CSV"
_PLAIN_ROW = re.compile(rb'<row r="(\d+)"')
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})\d+"')
#: anything the fast scan does not read exactly: a namespace prefix, unusual white space, a DOCTYPE
#: (whose entities could expand to cells)
_IRREGULAR = re.compile(rb"<[\w.-]+:(?:c|row)[\s/>]|<(?:c|row)[\t\r\n]|<!DOCTYPE|<!ENTITY")


def _column_number(letters: str | bytes) -> int:
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        if ch.isalpha():
            n = n * 26 + ord(ch.upper()) - 64
        elif ch != "$":
            break
    return n


def _count_tags(part: bytes, name: bytes) -> int:
    return part.count(b"<" + name + b" ") + part.count(b"<" + name + b">") + part.count(b"<" + name + b"/>")


def sheet_extent(open_sheet: Callable[[], IO[bytes]], file: str, limits: LoadLimits) -> tuple[int, int]:
    """(last row, last column) of an xlsx sheet from its XML, in one streaming pass.

    pandas (through openpyxl) fills the rectangle from A1 to the last row and the last used column:
    ``rows x columns`` is what reading a sheet costs, whatever the number of ``<c>`` elements (one cell
    in column XFD makes every row 16,384 cells wide; a row numbered 1,000,000 adds the empty rows
    before it).  The sheets written by Excel, openpyxl or XlsxWriter, where each ``<row>`` and ``<c>``
    starts with its reference (``<c r="B7"``), are read by a regular-expression scan; anything else
    (no references, namespace prefixes, a DOCTYPE) by an XML parser that numbers rows and cells as
    openpyxl does.  Reading stops once the rectangle passes ``limits.max_sheet_cells``.

    Parameters
    ----------
    open_sheet : callable
        Returns a fresh binary stream of the sheet's XML (called again for the XML-parser pass).

    Raises
    ------
    InputTooLargeError
        The rectangle passes ``max_sheet_cells``, or one XML tag is longer than ``max_document_bytes``.
    UnsupportedFormatError
        A row or column beyond Excel's own bounds.
    """
    last_row = last_col = 0
    carry = b""
    with open_sheet() as stream:
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            data = carry + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            if cut <= 0 and chunk:  # no new tag starts in this chunk: keep reading the open one
                if len(data) > limits.max_document_bytes:
                    raise limits.too_large(file, "one XML tag of the sheet is longer than "
                                                 f"{limits.max_document_bytes:,} bytes", "max_document_bytes")
                carry = data
                continue
            part, carry = data[:cut], data[cut:]
            rows = _PLAIN_ROW.findall(part)
            cols = _PLAIN_CELL.findall(part)
            if (len(rows) != _count_tags(part, b"row") or len(cols) != _count_tags(part, b"c")
                    or _IRREGULAR.search(part)):
                return _sheet_extent_parsed(open_sheet, file, limits)
            if rows:
                last_row = max(last_row, max(map(int, rows)))
            if cols:
                last_col = max(last_col, max(map(_column_number, set(cols))))
            _check_extent(last_row, last_col, file, limits)
            if not chunk:
                return last_row, last_col


def _sheet_extent_parsed(open_sheet: Callable[[], IO[bytes]], file: str, limits: LoadLimits
                         ) -> tuple[int, int]:
    """:func:`sheet_extent` by an XML parser: rows and cells numbered as openpyxl numbers them."""
    state = {"row": 0, "col": 0, "last_row": 0, "last_col": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition("}")[2]
        if local == "row":
            ref = attrs.get("r", "").strip()
            state["row"] = int(ref) if ref.isdigit() else state["row"] + 1
            state["col"] = 0
            state["last_row"] = max(state["last_row"], state["row"])
        elif local == "c":
            ref = attrs.get("r", "").strip()
            state["col"] = _column_number(ref) if ref else state["col"] + 1
            state["last_col"] = max(state["last_col"], state["col"])

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    with open_sheet() as stream:
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            try:
                parser.Parse(chunk, not chunk)
            except expat.ExpatError as exc:
                raise UnsupportedFormatError(f"its first sheet is not well-formed XML ({exc})", file=file,
                                             fix=_RESAVE_FIX) from exc
            _check_extent(state["last_row"], state["last_col"], file, limits)
            if not chunk:
                return state["last_row"], state["last_col"]


def _check_extent(rows: int, cols: int, file: str, limits: LoadLimits) -> None:
    if rows > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLUMNS:
        raise UnsupportedFormatError(f"its first sheet reaches row {rows:,} / column {cols:,}, beyond "
                                     f"Excel's {EXCEL_MAX_ROWS:,} rows x {EXCEL_MAX_COLUMNS:,} columns",
                                     file=file, fix=_RESAVE_FIX)
    limits.check_cells(file, rows, cols, "the first sheet", "max_sheet_cells")
