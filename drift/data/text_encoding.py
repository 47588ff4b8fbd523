"""Which text encoding a file is in, and the bytes no text table holds.

UTF-8 first (with or without a byte-order mark), UTF-16 with a byte-order mark or by its NULs in every
other byte, else a legacy encoding (cp1252 for Latin text, charset_normalizer's guess otherwise).  A NUL
byte (a NUL unit in UTF-16) is refused with one message wherever it is: in the sniffed start of the file
(:func:`sniff_encoding`) or deep inside it, as the bytes stream to pandas (:class:`NulCheck`).  When a
later part of a file does not decode, :func:`first_undecodable` finds the byte, streaming, and
:func:`guess_rest` the encoding of what follows.
"""

from __future__ import annotations

import codecs
import re

import numpy as np
from charset_normalizer import from_bytes

from drift.core.errors import EncodingError, UnsupportedFormatError
from drift.core.limits import FileBytes
from drift.data.readers import EXPORT_FIX, SUPPORTED_FORMATS

__all__ = ["MAX_CONTROL_SHARE", "UTF16_NUL_SHARE", "UTF16_STRAY_NUL_SHARE", "NulCheck", "check_codec",
           "complete_lines", "first_undecodable", "guess_legacy_encoding", "guess_rest", "sniff_encoding"]

#: Share of control characters above which a "text" file is taken to be binary.
MAX_CONTROL_SHARE = 0.05
#: UTF-16 without a byte-order mark: at least this share of the 2-byte units have a NUL high byte and
#: a non-NUL low byte (ASCII letters, digits, delimiters) ...
UTF16_NUL_SHARE = 0.25
#: ... and at most this share the other way round (so the NULs sit in every other byte, not anywhere).
UTF16_STRAY_NUL_SHARE = 0.01
#: Bytes read per step when scanning a whole file.
SCAN_CHUNK = 2**20
#: Bytes kept on each side of an undecodable byte to guess the encoding of what follows.
_WINDOW = 128 * 1024


def check_codec(encoding: str, file: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise EncodingError(f"{encoding!r} is not a known text encoding", file=file,
                            fix="pass a Python codec name such as 'utf-8' or 'cp1252', or leave encoding "
                                "unset to sniff it") from exc
    return encoding


def _is_utf16(enc: str) -> bool:
    return enc.replace("-", "").replace("_", "").lower().startswith("utf16")


def sniff_encoding(head: bytes, complete: bool, file: str) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM) first, UTF-16 with a BOM or by its NULs, else a legacy-encoding guess."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "UTF-8 with a byte-order mark"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        _check_nul_units(head, "utf-16", file)
        return "utf-16", "decoded as UTF-16 (byte-order mark found)"
    utf16 = _utf16_without_bom(head, file)
    if utf16 is not None:
        _check_nul_units(head, utf16, file)
        return utf16, f"decoded as {utf16.upper()} (no byte-order mark; a NUL in every other byte)"
    nul = head.find(b"\x00")
    if nul >= 0:
        raise _nul_error(file, nul, head.count(b"\n", 0, nul) + 1)
    sample = complete_lines(head, not complete)
    control = sum(sample.count(bytes([b])) for b in range(1, 32) if b not in (9, 10, 12, 13))
    if sample and control > MAX_CONTROL_SHARE * len(sample):
        raise UnsupportedFormatError("is binary data, not a text table", file=file,
                                     fix=f"{EXPORT_FIX}; supported formats: {SUPPORTED_FORMATS}")
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        enc = guess_legacy_encoding(sample, file)
        return enc, f"not UTF-8 (byte {sample[exc.start]:#04x} at position {exc.start}): decoded as {enc}"
    return "utf-8", None


def _utf16_without_bom(head: bytes, file: str) -> str | None:
    """'utf-16-le' / 'utf-16-be' when NULs fill every other byte (ASCII text in UTF-16), else None."""
    n = len(head) // 2 * 2
    units = n // 2
    if units < 2:
        return None
    pairs = np.frombuffer(head[:n], dtype=np.uint8).reshape(-1, 2) == 0
    first_nul, second_nul = pairs[:, 0], pairs[:, 1]
    only_first = int((first_nul & ~second_nul).sum())  # a whole NUL unit is a NUL character: refused later
    only_second = int((second_nul & ~first_nul).sum())
    for enc, high, low in (("utf-16-le", only_second, only_first), ("utf-16-be", only_first, only_second)):
        if high >= UTF16_NUL_SHARE * units and low <= UTF16_STRAY_NUL_SHARE * units:
            text = head[:n].decode(enc, errors="replace")
            control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\f\r\x00")
            if control > MAX_CONTROL_SHARE * len(text):
                raise UnsupportedFormatError("is binary data, not a text table", file=file,
                                             fix=f"{EXPORT_FIX}; supported formats: {SUPPORTED_FORMATS}")
            return enc
    return None


def _check_nul_units(head: bytes, enc: str, file: str) -> None:
    """A NUL character (both bytes of a unit) in the first bytes of UTF-16 text: refused like a NUL byte."""
    units = np.frombuffer(head[: len(head) // 2 * 2], dtype=np.uint16)
    hits = np.flatnonzero(units == 0)
    if hits.size:
        position = 2 * int(hits[0])
        raise _nul_error(file, position, head[:position].decode(enc, errors="replace").count("\n") + 1)


def _nul_error(file: str, position: int, line: int) -> UnsupportedFormatError:
    """One message for a NUL byte wherever it is: in the sniffed start or deep in the file."""
    return UnsupportedFormatError(
        f"line {line:,} (byte {position:,}) holds a NUL byte (\\x00), which text never contains: the file is "
        "binary data or a damaged export", file=file,
        fix=f"{EXPORT_FIX}; if it is text, remove the NUL bytes (e.g. tr -d '\\000' < in.csv > out.csv); "
            f"supported formats: {SUPPORTED_FORMATS}")


class NulCheck:
    """Inspector for the parse stream: refuses a NUL byte (a NUL 2-byte unit in UTF-16) as it streams by."""

    def __init__(self, raw: FileBytes, enc: str) -> None:
        self.raw = raw
        self.enc = enc
        self.wide = _is_utf16(enc)
        self.odd = b""  # a UTF-16 byte whose partner is in the next chunk

    def __call__(self, chunk: bytes, offset: int) -> None:
        if not self.wide:
            at = chunk.find(b"\x00")
            if at >= 0:
                self._fail(offset + at)
            return
        data = self.odd + chunk
        start = offset - len(self.odd)
        even = len(data) // 2 * 2
        self.odd = data[even:]
        hits = np.flatnonzero(np.frombuffer(data[:even], dtype=np.uint16) == 0)
        if hits.size:
            self._fail(start + 2 * int(hits[0]))

    def _fail(self, position: int) -> None:
        raise _nul_error(self.raw.name, position, _line_at(self.raw, position, self.enc))


def _line_at(raw: FileBytes, position: int, enc: str) -> int:
    """Line number (from 1) of byte ``position``, counted by decoding the bytes before it."""
    decoder = codecs.getincrementaldecoder(enc)(errors="replace")
    lines, left = 1, position
    with raw.open() as f:
        while left > 0:
            chunk = f.read(min(SCAN_CHUNK, left))
            if not chunk:
                break
            lines += decoder.decode(chunk).count("\n")
            left -= len(chunk)
    return lines


def guess_legacy_encoding(sample: bytes, file: str) -> str:
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

    best = from_bytes(sample).best()
    if best is None:
        raise EncodingError("the text is neither UTF-8 nor any encoding that could be recognised", file=file,
                            fix="save the file again as CSV UTF-8 (in Excel: Save As > 'CSV UTF-8')")
    return best.encoding


def guess_rest(window: bytes, pos: int, enc: str, ascii_before: bool, file: str) -> str | None:
    """Encoding of a file whose start decoded as ``enc`` but byte ``pos`` (inside ``window``) does not."""
    window = complete_lines(window, True)
    if enc.replace("-", "").lower().startswith("utf8"):
        if not ascii_before:  # real UTF-8 before, something else after: re-decoding garbles one of them
            raise EncodingError(f"mixes encodings: UTF-8 text up to byte {pos}, then a byte that is not "
                                "UTF-8 (rows appended from another source)", file=file,
                                fix="save the file again as CSV UTF-8 after fixing the rows around that byte")
        return guess_legacy_encoding(window, file)

    best = from_bytes(window).best()
    return best.encoding if best is not None else None


def first_undecodable(raw: FileBytes, enc: str) -> tuple[int, int, bytes, bool] | None:
    """(position, byte, bytes around it, whether everything before it is ASCII) of the first byte that
    ``enc`` cannot decode, streaming through the file; ``None`` if it all decodes."""
    decoder = codecs.getincrementaldecoder(enc)()
    offset, before, ascii_before = 0, b"", True
    with raw.open() as f:
        while True:
            chunk = f.read(SCAN_CHUNK)
            held = decoder.getstate()[0]  # bytes of a character cut by the previous chunk
            data = held + chunk
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:  # exc.start indexes held + chunk
                at = exc.start
                ascii_before = ascii_before and _without_bom(data[:at], offset - len(held)).isascii()
                context = before[: len(before) - len(held)] + data + f.read(_WINDOW)
                at_context = len(before) - len(held) + at
                window = context[max(0, at_context - _WINDOW): at_context + _WINDOW]
                return offset - len(held) + at, data[at], window, ascii_before
            if not chunk:
                return None
            ascii_before = ascii_before and _without_bom(chunk, offset).isascii()
            before, offset = chunk[-_WINDOW:], offset + len(chunk)


def _without_bom(data: bytes, offset: int) -> bytes:
    return data[3:] if offset == 0 and data.startswith(b"\xef\xbb\xbf") else data


def complete_lines(head: bytes, truncated: bool) -> bytes:
    """Drop a partial last line (and so any cut multi-byte character) from a truncated sample."""
    if truncated:
        cut = head.rfind(b"\n")
        if cut > 0:
            return head[: cut + 1]
    return head
