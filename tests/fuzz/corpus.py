"""A seeded generator of hostile and broken file pairs: the fuzz corpus.

Each :class:`Case` is a (reference, current) pair of files (name and bytes), the outcome expected from
:func:`drift.load_table` and the checks that follow (:class:`Expect`), the lowered :class:`LoadLimits`
under which a bomb is generated small (same shape as a real one, a few kilobytes in absolute size but over
the lowered limit), the roles to pass, and which surfaces run it besides the library (the ``check`` and
``report`` commands, the ``app``).  Cases are registered by name with :func:`case`; :func:`build_case`
generates one from a seed (each case draws from its own generator, seeded by the corpus seed and its
name, so adding a case changes no other), :func:`build_corpus` all of them.  The seed comes from
``DRIFT_FUZZ_SEED`` (default 0): any seed must pass, the default one runs in ``make test``.

Families (``Case.family``): ``control``, ``text`` (delimited text gone wrong), ``encoding``, ``empty``,
``binary`` (not a table), ``bomb`` (expansion limits), ``json``, ``parquet``, ``excel``, ``values``
(degenerate and mismatched columns), ``names`` (hostile and odd names), ``roles`` (target / prediction
columns), ``tiny`` (1-5 rows a side), ``pickle`` (payloads that must never be unpickled).
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import pickle
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from drift.core.errors import (
    AllMissingError,
    ColumnMismatchError,
    ConstantColumnError,
    DelimiterError,
    DriftError,
    DriftInputError,
    DuplicateColumnsError,
    EmptyFileError,
    EncodingError,
    InfiniteValuesError,
    InputTooLargeError,
    MixedTypeError,
    TooFewRowsError,
    TypeChangeError,
    UnsupportedFormatError,
)
from drift.core.limits import ENV_VARS, LoadLimits
from tests.unit.test_io_limits import table_rows, xlsx

#: Environment variable that picks the corpus seed.
SEED_ENV = "DRIFT_FUZZ_SEED"
#: Rows a side of an ordinary case.
ROWS = 150
#: The sniffing window of :func:`drift.load_table` is 256 KiB: "late" bytes are placed past it.
PAST_SNIFF_WINDOW = 300 * 1024
MiB = 2**20
#: Names that Streamlit would render as Markdown / HTML / maths / directives if not escaped.
HOSTILE_NAMES = ("![t](http://x/y.png)", "<img src=x onerror=alert(1)>", "$x^2$", ":red[x]",
                 ":material/home:", "**b**", "a -> b", "www.example.com", "`c`", "=1+1")
SIDES = ("reference", "current")


@dataclass(frozen=True, slots=True)
class FileSpec:
    """One file of a case: its name (which carries the extension) and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Expect:
    """What a case must give.

    Parameters
    ----------
    refused : DriftInputError subclass, optional
        ``load_table`` must raise (a subclass of) this for every side in ``sides``, naming the file.
    sides : tuple of str
        The sides refused (``"reference"``, ``"current"``).
    problems : mapping of column -> DriftError subclass
        Columns ``validate_pair`` must exclude, with the class of their problem.
    frames : mapping of side -> DataFrame
        What a side must load as (values and column names; integer / float widths may differ).
    words : tuple of str
        Words the refusal's message must hold (what was found, where).
    results : tuple of str
        Library steps that must give a result, not even a ``DriftError`` (e.g. ``"diagnose"``: a role
        column that cannot be used skips the steps that need it, it does not stop the diagnosis).
    cli_words : tuple of str
        The commands must refuse the case (exit 2) with these words in their message.
    """

    refused: type[DriftInputError] | None = None
    sides: tuple[str, ...] = ()
    problems: Mapping[str, type[DriftError]] = field(default_factory=dict)
    frames: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    words: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    cli_words: tuple[str, ...] = ()

    @property
    def loads(self) -> bool:
        return self.refused is None


@dataclass(frozen=True, slots=True)
class Case:
    """A pair of files and what they must give (see the module docstring)."""

    name: str
    family: str
    reference: FileSpec
    current: FileSpec
    expect: Expect = Expect()
    limits: Mapping[str, float] = field(default_factory=dict)
    target: str | None = None
    prediction: str | None = None
    sentinel: Path | None = None
    surfaces: frozenset[str] = frozenset()
    full_diagnosis: bool = False

    def file(self, side: str) -> FileSpec:
        return self.reference if side == "reference" else self.current

    def load_limits(self) -> LoadLimits:
        """The limits this case is loaded under: the defaults, lowered where the case says."""
        return LoadLimits(**self.limits)

    def limit_env(self) -> dict[str, str]:
        """The same limits as ``DRIFT_MAX_*`` environment variables (for the CLI and the app)."""
        env = {}
        for name, value in self.limits.items():
            var, unit = ENV_VARS[name]
            env[var] = repr(value / unit)
        return env

    def write(self, directory: Path) -> tuple[Path, Path]:
        """Write both files under ``directory`` (``reference/`` and ``current/``, so names may coincide)."""
        paths = []
        for side in SIDES:
            spec = self.file(side)
            path = directory / self.name / side / spec.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(spec.content)
            paths.append(path)
        return paths[0], paths[1]


@dataclass(frozen=True, slots=True)
class Gen:
    """What a case maker gets: its seeded random generator and a directory for sentinel files."""

    rng: np.random.Generator
    workdir: Path


#: Surfaces a case may run on besides the library: the two commands and the app.
EXTRA_SURFACES = ("check", "report", "app")
_MAKERS: dict[str, tuple[str, frozenset[str], Callable[[Gen], dict]]] = {}


def case(name: str, family: str, *, surfaces: tuple[str, ...] = ()
         ) -> Callable[[Callable[[Gen], dict]], Callable[[Gen], dict]]:
    """Register a case maker: a function of a :class:`Gen` returning :class:`Case` fields.

    ``surfaces`` are the :data:`EXTRA_SURFACES` that also run the case (every case runs on the library).
    """
    unknown = set(surfaces) - set(EXTRA_SURFACES)
    if unknown:
        raise ValueError(f"fuzz case {name!r}: unknown surfaces {sorted(unknown)}")

    def register(maker: Callable[[Gen], dict]) -> Callable[[Gen], dict]:
        if name in _MAKERS:
            raise ValueError(f"two fuzz cases named {name!r}")
        _MAKERS[name] = (family, frozenset(surfaces), maker)
        return maker
    return register


def case_names(surface: str | None = None) -> tuple[str, ...]:
    """Registered cases (those that run on ``surface``, one of :data:`EXTRA_SURFACES`, when given), in
    registration order; cheap: nothing is generated."""
    return tuple(name for name, (_, surfaces, _) in _MAKERS.items() if surface is None or surface in surfaces)


def corpus_seed() -> int:
    return int(os.environ.get(SEED_ENV, "0"))


def build_case(name: str, *, seed: int, workdir: Path) -> Case:
    """Generate one case: its own generator is seeded by ``seed`` and the case's name."""
    family, surfaces, maker = _MAKERS[name]
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    return Case(name=name, family=family, surfaces=surfaces, **maker(Gen(rng, workdir)))


def build_corpus(*, seed: int, workdir: Path) -> list[Case]:
    return [build_case(name, seed=seed, workdir=workdir) for name in case_names()]


# --- building blocks ----------------------------------------------------------------------------
def tabular(rng: np.random.Generator, n: int = ROWS, shift: float = 0.0) -> pd.DataFrame:
    """An ordinary table: numbers, a category, a 0/1 target and a model score."""
    x = rng.normal(shift, 1.0, n).round(4)
    score = (1 / (1 + np.exp(-(x - 0.2)))).round(4)
    return pd.DataFrame({
        "x": x,
        "amount": rng.lognormal(3.0 + shift / 4, 0.5, n).round(2),
        "n_items": rng.integers(0, 9, n),
        "segment": rng.choice(["retail", "online", "branch"], n, p=[0.5, 0.3, 0.2]),
        "default": (rng.uniform(size=n) < score).astype(int),
        "score": score,
    })


def csv_bytes(frame: pd.DataFrame, encoding: str = "utf-8", **kwargs) -> bytes:
    return frame.to_csv(index=False, **kwargs).encode(encoding)


def gz(data: bytes) -> bytes:
    """gzip without a time stamp in its header: the same bytes on every run."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def parquet_bytes(table) -> bytes:
    """A pyarrow Table (or a DataFrame) as Parquet bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def xlsx_bytes(frame: pd.DataFrame, *, formulas: Mapping[str, list[str]] = (), sheets: int = 1) -> bytes:
    """An .xlsx written by openpyxl (formula cells are written without cached values, as openpyxl does)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    columns = list(frame.columns) + list(dict(formulas))
    ws.append(columns)
    for i, row in enumerate(frame.itertuples(index=False)):
        ws.append([*(v.item() if hasattr(v, "item") else v for v in row),
                   *(f[i % len(f)] for f in dict(formulas).values())])
    for k in range(1, sheets):
        wb.create_sheet(f"other{k}").append(["unrelated", "sheet"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def clean(gen: Gen, name: str = "reference.csv", n: int = ROWS, shift: float = 0.0) -> FileSpec:
    return FileSpec(name, csv_bytes(tabular(gen.rng, n, shift)))


def pair(reference: FileSpec, current: FileSpec, **fields) -> dict:
    return {"reference": reference, "current": current, **fields}


def hostile_current(gen: Gen, current: FileSpec, expect: Expect = Expect(), **fields) -> dict:
    """A clean reference and a hostile current file."""
    return pair(clean(gen), current, expect=expect, **fields)


def refused(error: type[DriftInputError], *sides: str, words: tuple[str, ...] = ()) -> Expect:
    return Expect(refused=error, sides=sides or ("current",), words=words)


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A real (tiny, grey) PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(range(width)) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class _Touch:
    """Unpickling this object creates the sentinel directory (``os.mkdir``): proof a payload ran."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return os.mkdir, (self.path,)


def pickle_payload(sentinel: Path, protocol: int) -> bytes:
    return pickle.dumps(_Touch(sentinel), protocol=protocol)


def sentinel_path(gen: Gen, name: str) -> Path:
    return gen.workdir / f"UNPICKLED-{name}"


# --- control ------------------------------------------------------------------------------------
@case("clean_pair", "control", surfaces=("check", "report", "app"))
def _clean_pair(gen: Gen) -> dict:
    return pair(clean(gen), clean(gen, "current.csv", shift=0.8), target="default", prediction="score",
                full_diagnosis=True)


@case("gzip_clean", "control")
def _gzip_clean(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    return hostile_current(gen, FileSpec("current.csv.gz", gz(csv_bytes(frame))),
                           Expect(frames={"current": frame}))


# --- delimited text -----------------------------------------------------------------------------
def _lines(frame: pd.DataFrame) -> list[str]:
    return frame.to_csv(index=False).splitlines()


@case("ragged_extra_fields", "text")
def _ragged_extra(gen: Gen) -> dict:
    lines = _lines(tabular(gen.rng))
    lines[40] += ",1,2"
    return hostile_current(gen, FileSpec("current.csv", "\n".join(lines).encode()), refused(DelimiterError))


@case("ragged_short_rows", "text")
def _ragged_short(gen: Gen) -> dict:
    lines = _lines(tabular(gen.rng))
    for i in gen.rng.choice(np.arange(1, len(lines)), 8, replace=False):
        lines[i] = lines[i].rsplit(",", 2)[0]
    return hostile_current(gen, FileSpec("current.csv", "\n".join(lines).encode()))


@case("ragged_every_row", "text")
def _ragged_every(gen: Gen) -> dict:
    lines = ["a,b,c,d"] + [",".join(["1"] * int(gen.rng.integers(1, 9))) for _ in range(60)]
    return hostile_current(gen, FileSpec("current.csv", "\n".join(lines).encode()), refused(DelimiterError))


@case("unterminated_quote", "text")
def _unterminated_quote(gen: Gen) -> dict:
    lines = _lines(tabular(gen.rng))
    for word in ("retail", "online", "branch"):   # an opening quote that is never closed
        lines[30] = lines[30].replace(word, '"' + word)
    return hostile_current(gen, FileSpec("current.csv", "\n".join(lines).encode()))


@case("quoted_newlines_and_delimiters", "text")
def _quoted(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    frame["segment"] = frame["segment"].map({"retail": "re,tail", "online": 'on "line"',
                                             "branch": "bra\nnch"})
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame)), Expect(frames={"current": frame}))


@case("cr_only_line_endings", "text")
def _cr_only(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame, lineterminator="\r")),
                           Expect(frames={"current": frame}))


@case("mixed_line_endings", "text")
def _mixed_endings(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    ends = gen.rng.choice(["\n", "\r\n", "\r"], len(frame) + 1)
    text = "".join(line + end for line, end in zip(_lines(frame), ends))
    return hostile_current(gen, FileSpec("current.csv", text.encode()), Expect(frames={"current": frame}))


@case("semicolon_decimal_comma", "text")
def _decimal_comma(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame, sep=";", decimal=",")),
                           Expect(frames={"current": frame}))


@case("space_separated", "text")
def _space_separated(gen: Gen) -> dict:
    frame = tabular(gen.rng).drop(columns="segment")
    return hostile_current(gen, FileSpec("current.txt", csv_bytes(frame, sep=" ")), refused(DelimiterError))


@case("trailing_delimiters", "text")
def _trailing(gen: Gen) -> dict:
    text = "\n".join(line + ",," for line in _lines(tabular(gen.rng)))
    return hostile_current(gen, FileSpec("current.csv", text.encode()))


@case("very_long_cell", "text")
def _long_cell(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    frame["note"] = "short"
    frame.loc[3, "note"] = "y" * PAST_SNIFF_WINDOW
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame)))


@case("huge_single_line", "text")
def _huge_line(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv", b"a," * (3 * MiB // 4)), refused(InputTooLargeError),
                           limits={"max_document_bytes": MiB})


@case("wide_100k_columns", "text", surfaces=("check",))
def _wide_100k(gen: Gen) -> dict:
    """100,000 columns, one data row (1.2 MB), over a lowered cell limit."""
    k = 100_000
    header = ",".join(f"c{i}" for i in range(k))
    row = ",".join(map(str, gen.rng.integers(0, 10, k)))
    return hostile_current(gen, FileSpec("current.csv", f"{header}\n{row}\n".encode()),
                           refused(InputTooLargeError, words=("one row of 100,000 columns",)),
                           limits={"max_cells": 50_000})


@case("wide_600_columns", "text")
def _wide_600(gen: Gen) -> dict:
    """Wide but allowed: loads and runs within the time budget (a step quadratic in the columns would not:
    4,000 columns took 20 s to infer before issue 10)."""
    k, n = 600, 12
    frames = [pd.DataFrame(gen.rng.integers(0, 50, (n, k)), columns=[f"c{i}" for i in range(k)])
              for _ in SIDES]
    return pair(*(FileSpec(f"{side}.csv", csv_bytes(frame)) for side, frame in zip(SIDES, frames)))


@case("tsv_named_csv", "text")
def _tsv(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame, sep="\t")),
                           Expect(frames={"current": frame}))


@case("pipe_with_quotes_everywhere", "text")
def _pipe_quoted(gen: Gen) -> dict:
    import csv

    frame = tabular(gen.rng)
    return hostile_current(gen, FileSpec("current.txt", csv_bytes(frame, sep="|", quoting=csv.QUOTE_ALL)),
                           Expect(frames={"current": frame}))


@case("html_named_csv", "text")
def _html(gen: Gen) -> dict:
    rows = "".join(f"<tr><td>{v}</td></tr>" for v in gen.rng.integers(0, 9, 40))
    return hostile_current(gen, FileSpec("current.csv", f"<html><body><table>{rows}</table></body></html>"
                                         .encode()))


# --- encodings ----------------------------------------------------------------------------------
def _accented(gen: Gen) -> pd.DataFrame:
    frame = tabular(gen.rng)
    frame["segment"] = frame["segment"].map({"retail": "détail", "online": "en ligne", "branch": "agence é"})
    return frame


@case("utf8_bom", "encoding")
def _utf8_bom(gen: Gen) -> dict:
    frame = _accented(gen)
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame, "utf-8-sig")),
                           Expect(frames={"current": frame}))


@case("utf16_with_bom", "encoding")
def _utf16_bom(gen: Gen) -> dict:
    frame = _accented(gen)
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame, "utf-16")),
                           Expect(frames={"current": frame}))


@case("utf16le_without_bom", "encoding")
def _utf16le(gen: Gen) -> dict:
    frame = _accented(gen)
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame, "utf-16-le")),
                           Expect(frames={"current": frame}))


@case("utf16be_without_bom", "encoding")
def _utf16be(gen: Gen) -> dict:
    frame = _accented(gen)
    return hostile_current(gen, FileSpec("current.tsv", csv_bytes(frame, "utf-16-be", sep="\t")),
                           Expect(frames={"current": frame}))


@case("utf32_with_bom", "encoding")
def _utf32(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(_accented(gen), "utf-32")))


@case("cp1252_text", "encoding")
def _cp1252(gen: Gen) -> dict:
    frame = _accented(gen)
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame, "cp1252")),
                           Expect(frames={"current": frame}))


@case("cp1251_cyrillic", "encoding")
def _cp1251(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    frame["segment"] = frame["segment"].map({"retail": "розница", "online": "онлайн", "branch": "филиал"})
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame, "cp1251")),
                           Expect(frames={"current": frame}))


@case("latin1_line_early_in_utf8", "encoding")
def _latin1_early(gen: Gen) -> dict:
    """UTF-8 accents, then a row appended in Latin-1, all inside the sniffed start of the file."""
    content = csv_bytes(_accented(gen)) + "0.5,1.0,1,crème brûlée,0,0.5\n".encode("latin-1")
    return hostile_current(gen, FileSpec("current.csv", content))


@case("latin1_line_late_in_utf8", "encoding")
def _latin1_late(gen: Gen) -> dict:
    frame = _accented(gen)
    body = csv_bytes(frame)
    repeats = PAST_SNIFF_WINDOW // len(body) + 1
    content = body + b"".join(csv_bytes(frame, header=False) for _ in range(repeats))
    content += "0.5,1.0,1,crème brûlée,0,0.5\n".encode("latin-1")
    return hostile_current(gen, FileSpec("current.csv", content), refused(EncodingError))


@case("ascii_then_latin1_late", "encoding")
def _ascii_latin1(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    body = csv_bytes(frame)
    rows = b"".join(csv_bytes(frame, header=False) for _ in range(PAST_SNIFF_WINDOW // len(body) + 1))
    content = body + rows
    content += "0.5,1.0,1,café,0,0.5\n".encode("latin-1")
    return hostile_current(gen, FileSpec("current.csv", content))


@case("invalid_utf8_bytes", "encoding")
def _invalid_utf8(gen: Gen) -> dict:
    lines = _lines(tabular(gen.rng))
    junk = bytes(gen.rng.integers(0x80, 0x100, 12).astype(np.uint8))
    content = ("\n".join(lines[:20]).encode() + b"\n1.0,2.0,3," + junk + b",0,0.5\n"
               + "\n".join(lines[20:]).encode())
    return hostile_current(gen, FileSpec("current.csv", content))


@case("nul_byte_early", "encoding", surfaces=("app",))
def _nul_early(gen: Gen) -> dict:
    content = csv_bytes(tabular(gen.rng)).replace(b"retail", b"ret\x00ail", 1)
    return hostile_current(gen, FileSpec("current.csv", content), refused(UnsupportedFormatError))


@case("nul_byte_late", "encoding")
def _nul_late(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    body = csv_bytes(frame)
    rows = b"".join(csv_bytes(frame, header=False) for _ in range(PAST_SNIFF_WINDOW // len(body) + 1))
    content = body + rows + b"0.5,1.0,1,ret\x00ail,0,0.5\n"
    return hostile_current(gen, FileSpec("current.csv", content), refused(UnsupportedFormatError))


@case("control_characters", "encoding")
def _control(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    frame["segment"] = frame["segment"].map({"retail": "\x1b[31mred\x1b[0m", "online": "a\x07b",
                                             "branch": "\u202eevil\u200b"})
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(frame)))


# --- empty --------------------------------------------------------------------------------------
@case("empty_file", "empty")
def _empty(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv", b""), refused(EmptyFileError))


@case("only_header", "empty")
def _only_header(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv", b"x,amount,n_items,segment,default,score\n"),
                           refused(EmptyFileError))


@case("only_bom", "empty", surfaces=("app",))
def _only_bom(gen: Gen) -> dict:
    return pair(FileSpec("reference.csv", b"\xef\xbb\xbf"), clean(gen, "current.csv"),
                expect=refused(EmptyFileError, "reference"))


@case("only_blank_lines", "empty")
def _blank_lines(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv", b"\n \r\n\t\n\n"), refused(EmptyFileError))


@case("one_data_row", "empty")
def _one_row(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(tabular(gen.rng, 1))),
                           refused(TooFewRowsError))


@case("gzip_of_nothing", "empty")
def _gzip_empty(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv.gz", gz(b"")), refused(EmptyFileError))


# --- not a table --------------------------------------------------------------------------------
@case("png_named_csv", "binary", surfaces=("app",))
def _png(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv", png_bytes(64, 64)), refused(DriftInputError))


@case("random_bytes", "binary")
def _random_bytes(gen: Gen) -> dict:
    content = bytes(gen.rng.integers(0, 256, 4096).astype(np.uint8))
    return hostile_current(gen, FileSpec("current.csv", content), refused(DriftInputError))


@case("ole2_xls", "binary")
def _ole2(gen: Gen) -> dict:
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return hostile_current(gen, FileSpec("current.xls", content), refused(UnsupportedFormatError))


@case("npy_named_csv", "binary")
def _npy(gen: Gen) -> dict:
    buf = io.BytesIO()
    np.save(buf, gen.rng.normal(size=(20, 3)))
    return hostile_current(gen, FileSpec("current.csv", buf.getvalue()), refused(UnsupportedFormatError))


@case("zstd_magic", "binary")
def _zstd(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv.zst", b"\x28\xb5\x2f\xfd" + bytes(60)),
                           refused(UnsupportedFormatError))


@case("zip_of_a_csv", "binary")
def _zip_csv(gen: Gen) -> dict:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data.csv", csv_bytes(tabular(gen.rng)))
    return hostile_current(gen, FileSpec("current.zip", buf.getvalue()), refused(UnsupportedFormatError))


@case("csv_named_parquet", "binary")
def _csv_as_parquet(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.parquet", csv_bytes(tabular(gen.rng))),
                           refused(UnsupportedFormatError))


# --- bombs: small in bytes, over a lowered limit --------------------------------------------------
def _repeated_csv(size: int) -> bytes:
    return b"a,b\n" + b"1,2\n" * (size // 4)


@case("gzip_bomb", "bomb", surfaces=("check", "app"))
def _gzip_bomb(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv.gz", gz(_repeated_csv(4 * MiB))),
                           refused(InputTooLargeError), limits={"max_expanded_bytes": MiB})


@case("bz2_bomb", "bomb")
def _bz2_bomb(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv.bz2", bz2.compress(_repeated_csv(4 * MiB))),
                           refused(InputTooLargeError), limits={"max_expanded_bytes": MiB})


@case("xz_bomb", "bomb")
def _xz_bomb(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv.xz", lzma.compress(_repeated_csv(4 * MiB))),
                           refused(InputTooLargeError), limits={"max_expanded_bytes": MiB})


@case("gzip_ratio_bomb_default_limits", "bomb")
def _gzip_ratio(gen: Gen) -> dict:
    """Past 16 MiB expanded, a ratio over 100 is refused even under the default limits."""
    content = gz(_repeated_csv(20 * MiB))
    return hostile_current(gen, FileSpec("current.csv.gz", content), refused(InputTooLargeError))


@case("gzip_twice", "bomb")
def _gzip_twice(gen: Gen) -> dict:
    content = gz(gz(csv_bytes(tabular(gen.rng))))
    return hostile_current(gen, FileSpec("current.csv.gz", content), refused(UnsupportedFormatError))


@case("gzip_truncated", "bomb")
def _gzip_truncated(gen: Gen) -> dict:
    content = gz(csv_bytes(tabular(gen.rng)))
    return hostile_current(gen, FileSpec("current.csv.gz", content[: len(content) // 2]),
                           refused(DriftInputError))


@case("jsonl_gzip_bomb", "bomb")
def _jsonl_bomb(gen: Gen) -> dict:
    content = gz(b'{"a": 1, "b": 2}\n' * (4 * MiB // 17))
    return hostile_current(gen, FileSpec("current.jsonl.gz", content), refused(InputTooLargeError),
                           limits={"max_expanded_bytes": MiB})


@case("json_array_over_document_limit", "bomb")
def _json_array(gen: Gen) -> dict:
    records = [{"a": i, "b": "x" * 20} for i in range(40_000)]
    return hostile_current(gen, FileSpec("current.json", json.dumps(records).encode()),
                           refused(InputTooLargeError), limits={"max_document_bytes": MiB})


@case("csv_cells_over_limit", "bomb")
def _csv_cells(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.csv", csv_bytes(tabular(gen.rng, 2000))),
                           refused(InputTooLargeError), limits={"max_cells": 5_000})


@case("xlsx_shared_strings_bomb", "bomb", surfaces=("report", "app"))
def _sst_bomb(gen: Gen) -> dict:
    content = xlsx(table_rows(), [b"a", b"b", b"x"] + [b"A" * 100] * 40_000)
    return hostile_current(gen, FileSpec("current.xlsx", content), refused(InputTooLargeError),
                           limits={"max_document_bytes": MiB, "max_compression_ratio": 1e6})


@case("xlsx_sheet_bomb_column_xfd", "bomb")
def _xfd_bomb(gen: Gen) -> dict:
    rows = table_rows() + b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r)
                                   for r in range(5, 100))
    return hostile_current(gen, FileSpec("current.xlsx", xlsx(rows, [b"a", b"b", b"x"])),
                           refused(InputTooLargeError), limits={"max_sheet_cells": 100_000})


@case("xlsx_many_members", "bomb")
def _many_members(gen: Gen) -> dict:
    extra = tuple((f"junk/{i}.bin", b"") for i in range(200))
    return hostile_current(gen, FileSpec("current.xlsx", xlsx(table_rows(), [b"a", b"b", b"x"], extra=extra)),
                           refused(InputTooLargeError), limits={"max_zip_members": 50})


@case("xlsx_billion_laughs", "bomb")
def _laughs(gen: Gen) -> dict:
    entities = b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
                        for i in range(8))
    laughs = b'<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">' + entities + b"]>"
    content = xlsx(table_rows(), [b"a", b"b", b"&i;"]).replace(b"<sst ", laughs + b"<sst ", 1)
    return hostile_current(gen, FileSpec("current.xlsx", content), refused(DriftInputError))


@case("parquet_repeated_value_bomb", "bomb")
def _parquet_bomb(gen: Gen) -> dict:
    """One 1 MiB string repeated: 50 KB on disk (dictionary-encoded), 64 MiB once decoded."""
    table = {"s": ["A" * MiB] * 64, "x": np.arange(64.0)}
    return hostile_current(gen, FileSpec("current.parquet", parquet_bytes(pd.DataFrame(table))),
                           refused(InputTooLargeError),
                           limits={"max_expanded_bytes": 16 * MiB, "max_compression_ratio": 1e9})


@case("parquet_repeated_value_as_category", "parquet")
def _parquet_category(gen: Gen) -> dict:
    """The same value stored as a categorical column: read as a category, it stays 1 MiB in memory."""
    table = pd.DataFrame({"s": pd.Categorical(["A" * MiB] * 64), "x": np.arange(64.0)})
    return hostile_current(gen, FileSpec("current.parquet", parquet_bytes(table)),
                           limits={"max_expanded_bytes": 16 * MiB, "max_compression_ratio": 1e9})


@case("parquet_cells_over_limit", "bomb")
def _parquet_cells(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.parquet", parquet_bytes(tabular(gen.rng, 2000))),
                           refused(InputTooLargeError), limits={"max_cells": 5_000})


# --- JSON ---------------------------------------------------------------------------------------
def _jsonl(records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def _records(gen: Gen, n: int = ROWS) -> list[dict]:
    return tabular(gen.rng, n).to_dict("records")


@case("jsonl_clean", "json")
def _jsonl_clean(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    content = frame.to_json(orient="records", lines=True).encode()
    return hostile_current(gen, FileSpec("current.jsonl", content), Expect(frames={"current": frame}))


@case("jsonl_array_line", "json", surfaces=("app",))
def _jsonl_array_line(gen: Gen) -> dict:
    content = _jsonl(_records(gen)[:50]) + b'[1, 2, 3]\n' + _jsonl(_records(gen)[:50])
    return hostile_current(gen, FileSpec("current.jsonl", content), refused(UnsupportedFormatError))


@case("jsonl_scalar_lines", "json")
def _jsonl_scalars(gen: Gen) -> dict:
    content = _jsonl(_records(gen)[:50]) + b'42\n"text"\nnull\n'
    return hostile_current(gen, FileSpec("current.jsonl", content), refused(UnsupportedFormatError))


@case("jsonl_lines_of_arrays_named_json", "json")
def _arrays_only(gen: Gen) -> dict:
    rows = gen.rng.integers(0, 9, (30, 3))
    content = b"".join(json.dumps(list(map(int, r))).encode() + b"\n" for r in rows)
    return hostile_current(gen, FileSpec("current.json", content), refused(DriftInputError))


@case("jsonl_deep_nesting", "json")
def _deep(gen: Gen) -> dict:
    depth = 100_000
    content = _jsonl(_records(gen)[:40]) + b'{"x": ' + b"[" * depth + b"]" * depth + b"}\n"
    return hostile_current(gen, FileSpec("current.jsonl", content))


@case("jsonl_nested_objects", "json", surfaces=("app",))
def _nested_objects(gen: Gen) -> dict:
    records = _records(gen)
    for i, r in enumerate(records):
        r["meta"] = {"k": i % 3, "tags": ["a", "b"][: i % 3]}
    return hostile_current(gen, FileSpec("current.jsonl", _jsonl(records)))


@case("jsonl_nested_both_sides", "json")
def _nested_both(gen: Gen) -> dict:
    files = []
    for side in SIDES:
        records = _records(gen)
        for i, r in enumerate(records):
            r["meta"] = {"k": i % 3}
            r["vec"] = [float(i % 5), 1.0]
        files.append(FileSpec(f"{side}.jsonl", _jsonl(records)))
    return pair(*files, full_diagnosis=True)


@case("jsonl_mixed_keys", "json")
def _mixed_keys(gen: Gen) -> dict:
    records = _records(gen)
    for i, r in enumerate(records):
        if i % 3 == 0:
            r.pop("amount")
            r[f"extra{i % 2}"] = i
    return hostile_current(gen, FileSpec("current.jsonl", _jsonl(records)))


@case("jsonl_truncated_last_line", "json")
def _jsonl_truncated(gen: Gen) -> dict:
    content = _jsonl(_records(gen))
    return hostile_current(gen, FileSpec("current.jsonl", content[:-25]), refused(DriftInputError))


@case("jsonl_huge_numbers", "json")
def _huge_numbers(gen: Gen) -> dict:
    lines = [b'{"x": %d, "y": %s}' % (i, v) for i, v in
             enumerate([b"1e400", b"-1e400", b"123456789012345678901234567890", b"1.5"] * 20)]
    return hostile_current(gen, FileSpec("current.jsonl", b"\n".join(lines) + b"\n"))


@case("json_dict_of_columns", "json")
def _dict_of_columns(gen: Gen) -> dict:
    """``DataFrame.to_json()`` with its default orient: one object of columns, not a row per line."""
    frame = tabular(gen.rng)
    return hostile_current(gen, FileSpec("current.json", frame.to_json().encode()),
                           refused(UnsupportedFormatError, words=("one JSON object", "orient='records'")))


@case("json_split_orient", "json")
def _split_orient(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    return hostile_current(gen, FileSpec("current.json", frame.to_json(orient="split").encode()),
                           refused(UnsupportedFormatError, words=("one JSON object",)))


@case("json_array_of_mixed", "json")
def _array_mixed(gen: Gen) -> dict:
    content = json.dumps([{"a": 1}, [1, 2], "x", {"a": 2}, None]).encode()
    return hostile_current(gen, FileSpec("current.json", content), refused(DriftInputError))


# --- Parquet ------------------------------------------------------------------------------------
def _nested_table(gen: Gen, n: int = ROWS):
    import pyarrow as pa

    base = tabular(gen.rng, n)
    k = gen.rng.integers(0, 4, n)
    return pa.table({
        "x": base["x"], "segment": base["segment"],
        "point": pa.array([{"lat": float(a), "lon": float(b)} for a, b in gen.rng.normal(size=(n, 2))]),
        "tags": pa.array([["t"] * int(i) for i in k], pa.list_(pa.string())),
        "attrs": pa.array([[("k", int(i))] for i in k], pa.map_(pa.string(), pa.int64())),
    })


@case("parquet_nested_columns", "parquet", surfaces=("report", "app"))
def _parquet_nested(gen: Gen) -> dict:
    return pair(FileSpec("reference.parquet", parquet_bytes(_nested_table(gen))),
                FileSpec("current.parquet", parquet_bytes(_nested_table(gen))), full_diagnosis=True)


@case("parquet_raw_bytes_column", "parquet", surfaces=("app",))
def _parquet_bytes(gen: Gen) -> dict:
    import pyarrow as pa

    files = []
    for side in SIDES:
        base = tabular(gen.rng)
        raw = [bytes(gen.rng.integers(0, 256, 6).astype(np.uint8)) for _ in range(ROWS)]
        utf8 = [s.encode() for s in base["segment"]]
        table = pa.table({"x": base["x"], "blob": pa.array(raw, pa.binary()),
                          "label": pa.array(utf8, pa.binary()),
                          "fixed": pa.array([b[:4] for b in raw], pa.binary(4))})
        files.append(FileSpec(f"{side}.parquet", parquet_bytes(table)))
    return pair(*files)


@case("parquet_odd_types", "parquet")
def _parquet_odd(gen: Gen) -> dict:
    import pyarrow as pa

    files = []
    for side in SIDES:
        n = ROWS
        table = pa.table({
            "x": gen.rng.normal(size=n),
            "dec": pa.array([round(float(v), 2) for v in gen.rng.uniform(0, 100, n)])
                     .cast(pa.decimal128(10, 2)),
            "f16": pa.array(gen.rng.normal(size=n).astype(np.float16)),
            "u64": pa.array(gen.rng.integers(0, 2**63, n, dtype=np.uint64) * 2, pa.uint64()),
            "when": pa.array(pd.date_range("2024-01-01", periods=n, freq="h", tz="Europe/Paris")),
            "day": pa.array(pd.date_range("2024-01-01", periods=n).date, pa.date32()),
            "dur": pa.array(gen.rng.integers(0, 10**9, n), pa.duration("ns")),
            "nothing": pa.nulls(n),
            "cat": pa.array(gen.rng.choice(["a", "b"], n)).dictionary_encode(),
            "big": pa.array(gen.rng.choice(["u", "v"], n), pa.large_string()),
        })
        files.append(FileSpec(f"{side}.parquet", parquet_bytes(table)))
    return pair(*files, expect=Expect(problems={"nothing": AllMissingError}))


@case("parquet_zero_rows", "parquet")
def _parquet_empty(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.parquet", parquet_bytes(tabular(gen.rng).iloc[:0])),
                           refused(EmptyFileError))


@case("parquet_duplicate_names", "parquet")
def _parquet_dups(gen: Gen) -> dict:
    import pyarrow as pa

    table = pa.Table.from_arrays([pa.array(gen.rng.normal(size=20)), pa.array(gen.rng.normal(size=20))],
                                 names=["x", "x"])
    return hostile_current(gen, FileSpec("current.parquet", parquet_bytes(table)),
                           refused(DuplicateColumnsError))


@case("parquet_truncated", "parquet")
def _parquet_truncated(gen: Gen) -> dict:
    content = parquet_bytes(tabular(gen.rng))
    return hostile_current(gen, FileSpec("current.parquet", content[: len(content) // 2]),
                           refused(UnsupportedFormatError))


@case("parquet_damaged_pandas_metadata", "parquet")
def _parquet_meta(gen: Gen) -> dict:
    import pyarrow as pa

    frame = tabular(gen.rng)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({b"pandas": b'{"index_columns": [{"kind": "range", "start": "x"}], '
                                                      b'"columns": 7}'})
    return hostile_current(gen, FileSpec("current.parquet", parquet_bytes(table)),
                           Expect(frames={"current": frame}))


@case("parquet_with_named_index", "parquet")
def _parquet_index(gen: Gen) -> dict:
    frame = tabular(gen.rng).set_index("n_items")
    import pyarrow as pa

    return hostile_current(gen, FileSpec("current.parquet", parquet_bytes(pa.Table.from_pandas(frame))))


# --- Excel --------------------------------------------------------------------------------------
@case("xlsx_formula_cells", "excel", surfaces=("app",))
def _xlsx_formulas(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    formulas = {"f": ["=1+1", "=SUM(A2:A9)", '=HYPERLINK("http://x/y.png","x")', "=cmd|' /C calc'!A0"]}
    return hostile_current(gen, FileSpec("current.xlsx", xlsx_bytes(frame, formulas=formulas)),
                           Expect(problems={"f": ColumnMismatchError}))


@case("xlsx_formulas_both_sides", "excel")
def _xlsx_formulas_both(gen: Gen) -> dict:
    formulas = {"f": ["=1+1", "=A2*2"]}
    return pair(FileSpec("reference.xlsx", xlsx_bytes(tabular(gen.rng), formulas=formulas)),
                FileSpec("current.xlsx", xlsx_bytes(tabular(gen.rng), formulas=formulas)),
                expect=Expect(problems={"f": AllMissingError}))


@case("xlsx_two_sheets", "excel")
def _xlsx_sheets(gen: Gen) -> dict:
    frame = tabular(gen.rng)
    return hostile_current(gen, FileSpec("current.xlsx", xlsx_bytes(frame, sheets=2)),
                           Expect(frames={"current": frame}))


@case("xlsx_empty_sheet", "excel")
def _xlsx_empty(gen: Gen) -> dict:
    return hostile_current(gen, FileSpec("current.xlsx", xlsx(b"", [])), refused(EmptyFileError))


@case("xlsx_truncated", "excel")
def _xlsx_truncated(gen: Gen) -> dict:
    content = xlsx_bytes(tabular(gen.rng))
    return hostile_current(gen, FileSpec("current.xlsx", content[: len(content) * 2 // 3]),
                           refused(UnsupportedFormatError))


@case("xlsx_numbers_and_dates_mixed", "excel")
def _xlsx_mixed(gen: Gen) -> dict:
    import datetime

    frame = tabular(gen.rng)
    frame["when"] = [datetime.datetime(2024, 1, 1 + i % 28) if i % 2 else float(i) for i in range(len(frame))]
    return hostile_current(gen, FileSpec("current.xlsx", xlsx_bytes(frame)))


@case("xlsx_numeric_header", "excel")
def _xlsx_header(gen: Gen) -> dict:
    frame = pd.DataFrame(gen.rng.normal(size=(40, 3)), columns=[2023, 2024, 2025])
    return pair(FileSpec("reference.xlsx", xlsx_bytes(frame)),
                FileSpec("current.xlsx", xlsx_bytes(frame + 1)))


# --- values ---------------------------------------------------------------------------------------
def _with(gen: Gen, side_frames: Callable[[pd.DataFrame, pd.DataFrame], None], **fields) -> dict:
    """A clean pair whose frames ``side_frames(reference, current)`` edits in place, as CSV."""
    ref, cur = tabular(gen.rng), tabular(gen.rng, shift=0.3)
    side_frames(ref, cur)
    return pair(FileSpec("reference.csv", csv_bytes(ref)), FileSpec("current.csv", csv_bytes(cur)), **fields)


def _set(frame: pd.DataFrame, column: str, values) -> None:
    frame[column] = values


@case("inf_values", "values")
def _inf(gen: Gen) -> dict:
    def edit(ref, cur):
        cur.loc[::7, "x"] = np.inf
        cur.loc[3, "x"] = -np.inf
    return _with(gen, edit, expect=Expect(problems={"x": InfiniteValuesError}))


@case("all_missing_column", "values")
def _all_missing(gen: Gen) -> dict:
    return _with(gen, lambda ref, cur: _set(cur, "amount", np.nan),
                 expect=Expect(problems={"amount": AllMissingError}))


@case("constant_column", "values")
def _constant(gen: Gen) -> dict:
    def edit(ref, cur):
        ref["k"] = 7
        cur["k"] = 7
    return _with(gen, edit, expect=Expect(problems={"k": ConstantColumnError}))


@case("huge_categorical", "values")
def _huge_cat(gen: Gen) -> dict:
    def edit(ref, cur):
        ref["city"] = [f"city{v}" for v in gen.rng.integers(0, 5000, len(ref))]
        cur["city"] = [f"city{v}" for v in gen.rng.integers(0, 5000, len(cur))]
    return _with(gen, edit)


@case("huge_categorical_many_rows", "values")
def _huge_cat_rows(gen: Gen) -> dict:
    n = 6000
    files = []
    for side in SIDES:
        frame = tabular(gen.rng, n)
        frame["code"] = [f"k{v}" for v in gen.rng.integers(0, 3000, n)]
        files.append(FileSpec(f"{side}.csv", csv_bytes(frame)))
    return pair(*files)


@case("numeric_vs_text", "values")
def _num_text(gen: Gen) -> dict:
    return _with(gen, lambda ref, cur: _set(cur, "amount", gen.rng.choice(["low", "high", "n/k"], len(cur))),
                 expect=Expect(problems={"amount": MixedTypeError}))


@case("bools_vs_floats", "values")
def _bool_float(gen: Gen) -> dict:
    return _with(gen, lambda ref, cur: _set(cur, "x", cur["x"] > 0),
                 expect=Expect(problems={"x": TypeChangeError}))


@case("dates_vs_numbers", "values")
def _dates_numbers(gen: Gen) -> dict:
    def edit(ref, cur):
        ref["when"] = pd.date_range("2024-01-01", periods=len(ref), freq="D").strftime("%Y-%m-%d")
        cur["when"] = gen.rng.integers(20240101, 20241231, len(cur))
    return _with(gen, edit)


@case("extreme_floats", "values")
def _extreme(gen: Gen) -> dict:
    def edit(ref, cur):
        ref["big"] = gen.rng.choice([1e308, -1e308, 5e-324, 0.0, 1.7976931348623157e308], len(ref))
        cur["big"] = gen.rng.choice([1e308, 1e307, -5e-324], len(cur))
    return _with(gen, edit, full_diagnosis=True)


@case("overflowing_spread", "values")
def _overflow(gen: Gen) -> dict:
    """Same median, an interquartile range that overflows to inf in the reference (1.5e308 - -1.5e308)."""
    def edit(ref, cur):
        ref["big"] = gen.rng.permutation([-1.5e308, 1.5e308] * (len(ref) // 2))
        cur["big"] = gen.rng.permutation([-1e300, 1e300] * (len(cur) // 2))
    return _with(gen, edit, full_diagnosis=True)


@case("huge_integers", "values")
def _huge_ints(gen: Gen) -> dict:
    def edit(ref, cur):
        ref["id_like"] = [str(2**70 + int(v)) for v in gen.rng.integers(0, 10**6, len(ref))]
        cur["id_like"] = [str(-(2**65) - int(v)) for v in gen.rng.integers(0, 10**6, len(cur))]
    return _with(gen, edit)


@case("mixed_objects_in_a_column", "values")
def _mixed_objects(gen: Gen) -> dict:
    def edit(ref, cur):
        ref["m"] = gen.rng.choice(["1", "x", "2.5", "", "True", "2024-01-01"], len(ref))
        cur["m"] = gen.rng.choice(["3", "y", "-", "NaN", "None"], len(cur))
    return _with(gen, edit)


@case("missing_value_spellings", "values")
def _na_spellings(gen: Gen) -> dict:
    def edit(ref, cur):
        cur["amount"] = cur["amount"].astype(object)
        cur.loc[::5, "amount"] = gen.rng.choice(["NA", "null", "N/A", "-", "?", "nan", "#N/A"], len(cur[::5]))
    return _with(gen, edit)


@case("numbers_with_units_and_percents", "values")
def _units(gen: Gen) -> dict:
    def edit(ref, cur):
        ref["weight"] = [f"{v:.1f} kg" for v in gen.rng.uniform(50, 90, len(ref))]
        cur["weight"] = [f"{v:.1f}%" for v in gen.rng.uniform(0, 100, len(cur))]
    return _with(gen, edit)


@case("all_missing_everywhere", "values")
def _all_missing_all(gen: Gen) -> dict:
    frame = pd.DataFrame({"a": [np.nan] * 30, "b": [""] * 30})
    content = csv_bytes(frame)
    return pair(FileSpec("reference.csv", content), FileSpec("current.csv", content))


@case("only_constant_columns", "values", surfaces=("app",))
def _only_constant(gen: Gen) -> dict:
    content = csv_bytes(pd.DataFrame({"a": [1] * 30, "b": ["k"] * 30}))
    return pair(FileSpec("reference.csv", content), FileSpec("current.csv", content), full_diagnosis=True)


@case("no_shared_columns", "values", surfaces=("app",))
def _no_shared(gen: Gen) -> dict:
    ref = tabular(gen.rng)
    cur = tabular(gen.rng).add_prefix("new_")
    return pair(FileSpec("reference.csv", csv_bytes(ref)), FileSpec("current.csv", csv_bytes(cur)))


@case("free_text_column", "values")
def _text(gen: Gen) -> dict:
    words = np.array(["good", "bad", "service", "late", "refund", "great", "app", "crash", "love", "hate"])

    def posts(n: int) -> list[str]:
        return [" ".join(gen.rng.choice(words, int(gen.rng.integers(3, 12)))) for _ in range(n)]
    def edit(ref, cur):
        ref["post"], cur["post"] = posts(len(ref)), posts(len(cur))
    return _with(gen, edit)


@case("embedding_vectors_as_lists", "values")
def _vectors(gen: Gen) -> dict:
    files = []
    for side in SIDES:
        frame = tabular(gen.rng)
        frame["embedding"] = [list(map(float, v.round(3))) for v in gen.rng.normal(size=(ROWS, 8))]
        files.append(FileSpec(f"{side}.jsonl", frame.to_json(orient="records", lines=True).encode()))
    return pair(*files, full_diagnosis=True)


@case("hundred_tiny_batches", "values", surfaces=("check", "app"))
def _many_batches(gen: Gen) -> dict:
    """A batch column of 100 labels (the most a batch column may have), 3 rows each, one of them hostile:
    every per-batch view computes 100 times on samples too small for most tests."""
    labels = [f"b{i:03d}" for i in range(99)] + [":red[b]"]
    current = tabular(gen.rng, 3 * len(labels), shift=0.5)
    current["batch"] = np.repeat(labels, 3)
    return pair(clean(gen), FileSpec("current.csv", csv_bytes(current)), target="default", prediction="score",
                full_diagnosis=True)


# --- names ----------------------------------------------------------------------------------------
@case("hostile_column_names", "names", surfaces=("report", "app"))
def _hostile_columns(gen: Gen) -> dict:
    renames = dict(zip(["x", "amount", "n_items", "segment"], HOSTILE_NAMES))
    files = []
    for side, shift in zip(SIDES, (0.0, 0.8)):
        frame = tabular(gen.rng, shift=shift).rename(columns=renames)
        files.append(FileSpec(f"{side}.csv", csv_bytes(frame)))
    return pair(*files, target="default", prediction="score")


@case("hostile_file_names_and_values", "names", surfaces=("app",))
def _hostile_values(gen: Gen) -> dict:
    files = []
    for i, (side, shift) in enumerate(zip(SIDES, (0.0, 1.0))):
        frame = tabular(gen.rng, shift=shift)
        frame["segment"] = gen.rng.choice(list(HOSTILE_NAMES[:6]), ROWS)
        frame["batch"] = gen.rng.choice([":red[b1]", "![b](http://x/b.png)"], ROWS)
        files.append(FileSpec(f"{HOSTILE_NAMES[2 * i + 1].replace('/', '')} {side}.csv", csv_bytes(frame)))
    return pair(*files)


@case("duplicate_column_names", "names", surfaces=("app",))
def _duplicate(gen: Gen) -> dict:
    lines = _lines(tabular(gen.rng))
    lines[0] = lines[0].replace("amount", "x")
    return hostile_current(gen, FileSpec("current.csv", "\n".join(lines).encode()),
                           refused(DuplicateColumnsError))


@case("empty_column_names", "names")
def _empty_names(gen: Gen) -> dict:
    lines = _lines(tabular(gen.rng))
    lines[0] = lines[0].replace("amount", "").replace("segment", " ")
    return pair(FileSpec("reference.csv", "\n".join(lines).encode()),
                FileSpec("current.csv", "\n".join(lines).encode()))


@case("unnamed_prefix_names", "names")
def _unnamed(gen: Gen) -> dict:
    frame = tabular(gen.rng).rename(columns={"x": "Unnamed: 0", "amount": "Unnamed: 7"})
    return pair(FileSpec("reference.csv", csv_bytes(frame)), FileSpec("current.csv", csv_bytes(frame)))


@case("numeric_column_names", "names")
def _numeric_names(gen: Gen) -> dict:
    frame = pd.DataFrame(gen.rng.normal(size=(60, 4)), columns=["1", "2.5", "-3", "1e5"])
    return pair(FileSpec("reference.csv", csv_bytes(frame)), FileSpec("current.csv", csv_bytes(frame + 0.5)))


@case("very_long_column_name", "names")
def _long_name(gen: Gen) -> dict:
    frame = tabular(gen.rng).rename(columns={"x": "x" * 100_000})
    return pair(FileSpec("reference.csv", csv_bytes(frame)), FileSpec("current.csv", csv_bytes(frame)))


@case("newlines_and_unicode_in_names", "names", surfaces=("app",))
def _unicode_names(gen: Gen) -> dict:
    frame = tabular(gen.rng).rename(columns={"x": "a\nb", "amount": "\u202eeulav", "n_items": "🙂 items",
                                             "segment": "seg\u200bment"})
    return pair(FileSpec("reference.csv", csv_bytes(frame)), FileSpec("current.csv", csv_bytes(frame)))


@case("same_file_name_both_sides", "names", surfaces=("check", "app"))
def _same_name(gen: Gen) -> dict:
    return pair(clean(gen, "data.csv"), FileSpec("data.csv", csv_bytes(tabular(gen.rng).assign(x="text"))),
                expect=Expect(problems={"x": MixedTypeError}))


# --- roles ----------------------------------------------------------------------------------------
def _roles(gen: Gen, edit: Callable[[pd.DataFrame, pd.DataFrame], None], **fields) -> dict:
    """A clean pair with edited target / prediction columns: the diagnosis must run to its verdict."""
    fields = {"target": "default", "prediction": "score", "full_diagnosis": True,
              "expect": Expect(results=("diagnose",)), **fields}
    return _with(gen, edit, **fields)


@case("prediction_missing_in_current", "roles", surfaces=("report", "app"))
def _pred_missing(gen: Gen) -> dict:
    return _roles(gen, lambda ref, cur: cur.pop("score"))


@case("target_missing_in_current", "roles")
def _target_missing(gen: Gen) -> dict:
    return _roles(gen, lambda ref, cur: cur.pop("default"))


@case("prediction_as_percent_text", "roles", surfaces=("check", "app"))
def _pred_text(gen: Gen) -> dict:
    def edit(ref, cur):
        cur["score"] = [f"{v * 100:.1f}%" for v in cur["score"]]
    return _roles(gen, edit)


@case("target_as_yes_no", "roles")
def _target_text(gen: Gen) -> dict:
    def edit(ref, cur):
        for frame in (ref, cur):
            frame["default"] = frame["default"].map({0: "no", 1: "yes"})
    return _roles(gen, edit)


@case("prediction_text_in_reference", "roles")
def _pred_text_ref(gen: Gen) -> dict:
    return _roles(gen, lambda ref, cur: _set(ref, "score", gen.rng.choice(["high", "low"], len(ref))))


@case("target_equals_prediction", "roles", surfaces=("check", "report"))
def _same_role(gen: Gen) -> dict:
    """One column given as both roles: the library's argument check, the commands' option check."""
    return _roles(gen, lambda ref, cur: None, prediction="default",
                  expect=Expect(cli_words=("--target and --prediction",)))


@case("identical_target_and_prediction_columns", "roles")
def _identical(gen: Gen) -> dict:
    def edit(ref, cur):
        ref["score"] = ref["default"]
        cur["score"] = cur["default"]
    return _roles(gen, edit)


@case("prediction_out_of_range", "roles")
def _pred_range(gen: Gen) -> dict:
    return _roles(gen, lambda ref, cur: _set(cur, "score", gen.rng.normal(0, 5, len(cur))))


@case("target_multiclass_and_missing", "roles")
def _multiclass(gen: Gen) -> dict:
    def edit(ref, cur):
        ref["default"] = gen.rng.choice([0, 1, 2], len(ref))
        cur["default"] = gen.rng.choice([0.0, 1.0, np.nan], len(cur))
    return _roles(gen, edit)


@case("target_one_class_in_current", "roles")
def _one_class(gen: Gen) -> dict:
    return _roles(gen, lambda ref, cur: _set(cur, "default", 1))


@case("target_all_missing_in_current", "roles")
def _target_empty(gen: Gen) -> dict:
    return _roles(gen, lambda ref, cur: _set(cur, "default", np.nan))


# --- tiny -----------------------------------------------------------------------------------------
def _tiny(gen: Gen, n_ref: int, n_cur: int, **fields) -> dict:
    fields = {"target": "default", "prediction": "score", "full_diagnosis": True,
              "expect": Expect(results=("diagnose",)), **fields}
    return pair(clean(gen, n=n_ref), clean(gen, "current.csv", n=n_cur, shift=1.0), **fields)


@case("rows_2_per_side", "tiny", surfaces=("report", "app"))
def _rows2(gen: Gen) -> dict:
    return _tiny(gen, 2, 2)


@case("rows_3_per_side", "tiny")
def _rows3(gen: Gen) -> dict:
    return _tiny(gen, 3, 3)


@case("rows_4_per_side", "tiny")
def _rows4(gen: Gen) -> dict:
    return _tiny(gen, 4, 4)


@case("rows_5_per_side", "tiny")
def _rows5(gen: Gen) -> dict:
    return _tiny(gen, 5, 5)


@case("rows_2_against_500", "tiny")
def _rows2_500(gen: Gen) -> dict:
    return _tiny(gen, 500, 2)


@case("rows_1_per_side", "tiny")
def _rows1(gen: Gen) -> dict:
    return pair(clean(gen, n=1), clean(gen, "current.csv", n=1),
                expect=refused(TooFewRowsError, "reference", "current"))


# --- pickle payloads: never unpickled -------------------------------------------------------------
def _pickled(gen: Gen, name: str, protocol: int, file_name: str, wrap=lambda b: b, **fields) -> dict:
    sentinel = sentinel_path(gen, name)
    return hostile_current(gen, FileSpec(file_name, wrap(pickle_payload(sentinel, protocol))),
                           sentinel=sentinel, **fields)


@case("pickle_protocol2_named_pkl", "pickle", surfaces=("report", "app"))
def _pickle2(gen: Gen) -> dict:
    return _pickled(gen, "pickle_protocol2_named_pkl", 2, "current.pkl",
                    expect=refused(UnsupportedFormatError))


@case("pickle_protocol5_named_csv", "pickle")
def _pickle5(gen: Gen) -> dict:
    return _pickled(gen, "pickle_protocol5_named_csv", 5, "current.csv",
                    expect=refused(UnsupportedFormatError))


@case("pickle_protocol0_named_csv", "pickle")
def _pickle0(gen: Gen) -> dict:
    """Protocol 0 is printable text: it may be read as (odd) text, never unpickled."""
    return _pickled(gen, "pickle_protocol0_named_csv", 0, "current.csv")


@case("pickle_gzipped_named_parquet", "pickle")
def _pickle_gz(gen: Gen) -> dict:
    return _pickled(gen, "pickle_gzipped_named_parquet", 4, "current.parquet.gz", wrap=gz,
                    expect=refused(UnsupportedFormatError))


@case("pickle_in_parquet_extension_type", "pickle", surfaces=("app",))
def _pickle_parquet(gen: Gen) -> dict:
    """A Parquet column declaring pyarrow's old pickled extension type (CVE-2023-47248)."""
    import pyarrow as pa

    sentinel = sentinel_path(gen, "pickle_in_parquet_extension_type")
    field_ = pa.field("payload", pa.binary(), metadata={
        b"ARROW:extension:name": b"arrow.py_extension_type",
        b"ARROW:extension:metadata": pickle_payload(sentinel, 4)})
    table = pa.Table.from_arrays([pa.array([b"a", b"b", b"c"]), pa.array([1.0, 2.0, 3.0])],
                                 schema=pa.schema([field_, pa.field("x", pa.float64())]))
    return hostile_current(gen, FileSpec("current.parquet", parquet_bytes(table)), sentinel=sentinel)
