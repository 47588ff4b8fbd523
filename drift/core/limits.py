"""What one input file may expand to, and the readers that enforce it while reading.

A file of a few hundred kilobytes can expand to gigabytes: a gzip of one repeated line, an ``.xlsx``
whose shared-strings table or sheet repeats one cell millions of times, a zip with overlapping or
countless members, a Parquet file of one long value repeated.  :class:`LoadLimits` names the bounds that
:func:`drift.load_table` checks *while* it reads, before the memory is spent; passing one raises
:class:`~drift.core.errors.InputTooLargeError`, which names the file, the limit and how to raise it.

Defaults and how to change them
-------------------------------
============================  ==========  ===============================  =============================
limit                         default     environment variable             what it bounds
============================  ==========  ===============================  =============================
``max_expanded_bytes``        2 GiB       ``DRIFT_MAX_EXPANDED_MB``        bytes after decompression
                                                                           (gzip, bz2, xz, zip members
                                                                           together; Parquet data read)
``max_cells``                 100 million ``DRIFT_MAX_CELLS``              rows x columns of the table
                                                                           (Parquet: every value of
                                                                           every leaf column)
``max_sheet_cells``           10 million  ``DRIFT_MAX_SHEET_CELLS``        the rectangle read from an
                                                                           Excel sheet (openpyxl takes
                                                                           a few microseconds a cell)
``max_compression_ratio``     100         ``DRIFT_MAX_COMPRESSION_RATIO``  expanded / compressed size
                                                                           (files expanding to less
                                                                           than 16 MiB are exempt)
``max_document_bytes``        256 MiB     ``DRIFT_MAX_DOCUMENT_MB``        a part parsed whole in
                                                                           memory: an xlsx part other
                                                                           than a sheet (shared
                                                                           strings, styles), a JSON
                                                                           array, one sniffed line
``max_zip_members``           10,000      ``DRIFT_MAX_ZIP_MEMBERS``        members of an xlsx archive
============================  ==========  ===============================  =============================

The environment variables are read on every :func:`~drift.load_table` call that is not given
``limits=`` (so they apply to the app and the CLI alike); the CLI also takes ``--max-expanded-mb``.
100 million cells is 10 million rows x 10 columns or 1 million x 100, about 0.8 GB as float64; the
ratio 100 is Apache POI's default zip-bomb threshold (``ZipSecureFile.setMinInflateRatio(0.01)``).
"""

from __future__ import annotations

import bz2
import ctypes
import ctypes.util
import gc
import gzip
import io
import lzma
import os
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import IO

from drift.core.errors import DriftParameterError, InputTooLargeError, UnsupportedFormatError

__all__ = ["COMPRESSIONS", "ENV_VARS", "RATIO_GRACE_BYTES", "BoundedReader", "FileBytes", "LoadLimits",
           "compression_of"]

MiB = 2**20
GiB = 2**30
#: Files that expand to fewer bytes than this are never refused for their compression ratio: a small
#: file of a repeated value is harmless.
RATIO_GRACE_BYTES = 16 * MiB
#: environment variable and the unit its value is given in, per limit
ENV_VARS: dict[str, tuple[str, int]] = {
    "max_expanded_bytes": ("DRIFT_MAX_EXPANDED_MB", MiB),
    "max_cells": ("DRIFT_MAX_CELLS", 1),
    "max_sheet_cells": ("DRIFT_MAX_SHEET_CELLS", 1),
    "max_compression_ratio": ("DRIFT_MAX_COMPRESSION_RATIO", 1),
    "max_document_bytes": ("DRIFT_MAX_DOCUMENT_MB", MiB),
    "max_zip_members": ("DRIFT_MAX_ZIP_MEMBERS", 1),
}
#: command-line options, per limit (the others are set through their environment variable)
CLI_OPTIONS = {"max_expanded_bytes": "--max-expanded-mb"}


@dataclass(frozen=True, slots=True)
class LoadLimits:
    """Bounds on what one file may expand to while it is loaded (see the module docstring).

    Parameters
    ----------
    max_expanded_bytes : int, default 2 GiB
        Bytes after decompression: a gzip/bz2/xz stream, the members of a zip (xlsx) together, the data
        a Parquet file decodes to.
    max_cells : int, default 100_000_000
        Rows x columns of the table read; for Parquet the values of every leaf column (a list column
        counts its elements).
    max_sheet_cells : int, default 10_000_000
        The rectangle of an Excel sheet from A1 to its last row and last column, which openpyxl and
        pandas fill cell by cell (a few microseconds each: 10 million cells take a minute or more).
    max_compression_ratio : float, default 100
        Expanded size over compressed size, once the expanded size passes :data:`RATIO_GRACE_BYTES`.
    max_document_bytes : int, default 256 MiB
        A part that is parsed whole into Python objects: an xlsx part other than a sheet (the
        shared-strings table, styles), a JSON array document, and each of the first lines of a text
        table (read whole to sniff the delimiter).
    max_zip_members : int, default 10_000
        Members of a zip archive (an xlsx holds a dozen or so).

    Examples
    --------
    >>> LoadLimits(max_expanded_bytes=8 * 2**20).max_cells
    100000000
    """

    max_expanded_bytes: int = 2 * GiB
    max_cells: int = 100_000_000
    max_sheet_cells: int = 10_000_000
    max_compression_ratio: float = 100.0
    max_document_bytes: int = 256 * MiB
    max_zip_members: int = 10_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise DriftParameterError.invalid(f.name, "LoadLimits", "a positive number", value)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: float) -> LoadLimits:
        """The defaults, changed by any of :data:`ENV_VARS` that is set, then by ``overrides``.

        Raises
        ------
        DriftParameterError
            A variable that is not a positive number.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, float] = {}
        for name, (var, unit) in ENV_VARS.items():
            text = environ.get(var, "").strip()
            if not text:
                continue
            try:
                number = float(text)
            except ValueError:
                number = float("nan")
            if not number > 0:
                raise DriftParameterError(f"The environment variable {var} must be a positive number. "
                                          f"Got {text!r} instead.")
            values[name] = number if name == "max_compression_ratio" else int(number * unit)
        return replace(cls(**values), **overrides)

    def expansion_cap(self, compressed_bytes: int) -> tuple[int, str]:
        """Bytes a file of ``compressed_bytes`` may expand to, and the name of the limit that binds."""
        by_ratio = max(RATIO_GRACE_BYTES, int(self.max_compression_ratio * compressed_bytes))
        if by_ratio < self.max_expanded_bytes:
            return by_ratio, "max_compression_ratio"
        return self.max_expanded_bytes, "max_expanded_bytes"

    def too_large(self, file: str, what: str, limit: str) -> InputTooLargeError:
        """The error for a file that passes ``limit``: ``what`` says what was found."""
        value = getattr(self, limit)
        var, unit = ENV_VARS[limit]
        shown = (f"{value / unit:,.0f} MiB" if unit == MiB
                 else f"{value:g}" if isinstance(value, float) else f"{value:,}")
        ways = [f"the environment variable {var}" + (" (in MiB)" if unit == MiB else ""),
                f"load_table(..., limits=LoadLimits({limit}=...)) in Python"]
        if limit in CLI_OPTIONS:
            ways.insert(0, f"{CLI_OPTIONS[limit]} on the command line")
        return InputTooLargeError(f"{what}, over the limit {limit} = {shown}", file=file,
                                  fix="upload a smaller file or a sample of its rows; if the file is "
                                      f"trusted, raise the limit with {', '.join(ways)}")

    def check_cells(self, file: str, rows: int, columns: int, what: str = "the table",
                    limit: str = "max_cells") -> None:
        """Raise when ``rows x columns`` passes the limit named ``limit`` (:attr:`max_cells`)."""
        most = getattr(self, limit)
        if rows * columns > most:
            raise self.too_large(file, f"{what} has {rows:,} rows x {columns:,} columns "
                                       f"(more than {most:,} cells)", limit)


#: compression formats read transparently: name -> (magic bytes, opener of a decompressing stream)
COMPRESSIONS: dict[str, tuple[bytes, Callable[[IO[bytes]], IO[bytes]]]] = {
    "gzip": (b"\x1f\x8b", lambda f: gzip.GzipFile(fileobj=f)),
    "bz2": (b"BZh", bz2.BZ2File),
    "xz": (b"\xfd7zXZ\x00", lzma.LZMAFile),
}
#: what the decompressors raise on damaged or truncated input
_DECOMPRESSION_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)


def compression_of(head: bytes) -> str | None:
    """The name of the compression whose magic bytes start ``head``, if any."""
    return next((name for name, (magic, _) in COMPRESSIONS.items() if head.startswith(magic)), None)


class BoundedReader(io.RawIOBase):
    """A binary stream of a file's expanded bytes that raises once more than ``cap`` bytes come out.

    Parameters
    ----------
    inner : binary file-like
        The expanded bytes (a ``gzip.GzipFile``, a plain file, a zip member).
    cap : int
        Most bytes that may be read.
    on_exceed : callable
        Returns the exception to raise when ``inner`` holds more than ``cap`` bytes.
    inspect : callable, optional
        Called as ``inspect(chunk, offset)`` on every chunk read (e.g. to refuse NUL bytes); it may raise.
    on_error : callable, optional
        Turns an exception of the decompressor (damaged or truncated data) into the one to raise.
    closing : sequence of file-likes
        Closed together with this reader (the compressed file under ``inner``).
    """

    def __init__(self, inner: IO[bytes], *, cap: int, on_exceed: Callable[[], Exception],
                 inspect: Callable[[bytes, int], None] | None = None,
                 on_error: Callable[[Exception], Exception] | None = None, closing: tuple = ()) -> None:
        super().__init__()
        self._inner = inner
        self._cap = cap
        self._on_exceed = on_exceed
        self._inspect = inspect
        self._on_error = on_error
        self._closing = (inner, *closing)
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        chunk = self.read(len(view))
        view[:len(chunk)] = chunk
        return len(chunk)

    def read(self, size: int = -1) -> bytes:  # pandas calls read(): no copy through readinto
        if size is None or size < 0:
            return self.readall()
        if size == 0:
            return b""
        want = min(size, self._cap + 1 - self.position)  # one byte past the cap tells "more" from "all"
        try:
            chunk = self._inner.read(want)
        except _DECOMPRESSION_ERRORS as exc:
            if self._on_error is None:
                raise
            raise self._on_error(exc) from exc
        if self.position + len(chunk) > self._cap:
            raise self._on_exceed()
        if self._inspect is not None and chunk:
            self._inspect(chunk, self.position)
        self.position += len(chunk)
        return chunk

    def close(self) -> None:
        if not self.closed:
            for f in self._closing:
                f.close()
        super().close()


@dataclass(frozen=True, slots=True)
class FileBytes:
    """One input file: a path to open or the content in memory, maybe compressed, with its limits.

    ``size`` is the stored size (compressed, when ``compression`` is set); :meth:`open` gives the
    expanded bytes through a :class:`BoundedReader` capped by :meth:`LoadLimits.expansion_cap`.
    """

    name: str
    path: Path | None
    data: bytes | None
    size: int
    limits: LoadLimits
    compression: str | None = None

    def open_stored(self) -> IO[bytes]:
        """The bytes as stored (compressed, if they are)."""
        return open(self.path, "rb") if self.data is None else io.BytesIO(self.data)

    def open(self, *, inspect: Callable[[bytes, int], None] | None = None) -> BoundedReader:
        """The expanded bytes, raising :class:`InputTooLargeError` past the cap (``inspect``: see
        :class:`BoundedReader`)."""
        stored = self.open_stored()
        if self.compression is None:
            cap, limit = self.limits.max_expanded_bytes, "max_expanded_bytes"
            what = f"the file holds more than {cap:,} bytes"
            return BoundedReader(stored, cap=cap, inspect=inspect,
                                 on_exceed=lambda: self.limits.too_large(self.name, what, limit))
        cap, limit = self.limits.expansion_cap(self.size)
        what = f"it decompresses ({self.compression}) to more than {cap:,} bytes from {self.size:,}"
        return BoundedReader(COMPRESSIONS[self.compression][1](stored), cap=cap, inspect=inspect,
                             on_exceed=lambda: self.limits.too_large(self.name, what, limit),
                             on_error=self._damaged, closing=(stored,))

    def _damaged(self, exc: Exception) -> UnsupportedFormatError:
        return UnsupportedFormatError(f"looks {self.compression}-compressed but cannot be decompressed "
                                      f"({str(exc) or type(exc).__name__})", file=self.name,
                                      fix="compress the file again (it may be truncated), or upload it "
                                          "uncompressed")

    def head(self, n: int) -> tuple[bytes, bool]:
        """The first ``n`` expanded bytes, and whether they are the whole content."""
        with self.open() as f:
            parts, got = [], 0
            while got < n:
                chunk = f.read(n - got)
                if not chunk:
                    return b"".join(parts), True
                parts.append(chunk)
                got += len(chunk)
            return b"".join(parts), not f.read(1)

    def read_all(self) -> bytes:
        """Every expanded byte (capped like :meth:`open`)."""
        if self.compression is None and self.data is not None:
            return self.data
        with self.open() as f:
            return f.read()


def release_memory() -> None:
    """Collect garbage and give freed heap pages back to the operating system (glibc's ``malloc_trim``).

    Called after a file was refused for its size: the parse that found it too large allocated up to the
    limit, and without the trim a long-running server (the app) keeps that memory as free heap, so its
    resident size stays near the peak.  A no-op where the C library has no ``malloc_trim`` (musl, macOS).
    """
    gc.collect()
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is not None:
        trim(0)
