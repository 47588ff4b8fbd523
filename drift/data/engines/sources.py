"""What the user passes, opened as a DuckDB relation without reading it: :class:`Source`.

A source is one of

* a pandas DataFrame (scanned in place by DuckDB);
* a path or a glob of Parquet or CSV files (``"data/2025-*.parquet"``; every file is checked first: a
  column absent from some files, or numbers in one file and text in another, is a
  :class:`~drift.core.errors.DriftInputError` naming the file, the column and the fix);
* a DuckDB relation (of the connection given, or of DuckDB's default connection);
* the name of a table or view in the connection given.

Column names and DuckDB types come from metadata (Parquet footers, the CSV sniffer, the relation's
schema): nothing is read until a query runs.  Each source is registered in the engine's connection as a
view (:attr:`Source.view`) that the counting queries of :mod:`drift.data.engines.counts` read.
"""

from __future__ import annotations

import glob as globbing
import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from drift.core.errors import ColumnMismatchError, DriftInputError, DriftParameterError, MixedTypeError

#: File suffixes read as Parquet / CSV.
PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz")
_GLOB_CHARS = frozenset("*?[")
_views = itertools.count()


def type_family(duckdb_type: str) -> str:
    """``"numbers"``, ``"true/false"``, ``"text"``, ``"dates"`` or ``"other"`` for a DuckDB type name."""
    t = duckdb_type.upper()
    if t == "BOOLEAN":
        return "true/false"
    if t in ("VARCHAR", "CHAR", "TEXT", "STRING") or t.startswith(("VARCHAR", "ENUM")):
        return "text"
    if t.startswith(("DATE", "TIME", "INTERVAL")):
        return "dates"
    numeric = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
               "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "REAL", "DECIMAL")
    return "numbers" if t.startswith(numeric) else "other"


@dataclass(frozen=True, slots=True)
class Source:
    """One side's data, opened in a DuckDB connection.

    Attributes
    ----------
    name : str
        How messages name it: the file (or glob), the table, or ``"reference"`` / ``"current"``.
    view : str
        The quoted name of the view the counting queries read.
    columns : tuple of str
    types : tuple of str
        DuckDB type of every column (from metadata).
    files : tuple of str
        The files read (empty for a DataFrame, relation or table).
    frame : DataFrame or None
        The DataFrame it was opened from, if any.
    """

    name: str
    view: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    files: tuple[str, ...] = ()
    frame: pd.DataFrame | None = None

    @classmethod
    def open(cls, data, connection, *, side: str = "reference") -> Source:
        """Open ``data`` (see the module docstring) in ``connection``; ``side`` names it in messages when
        nothing else does."""
        view = f'"drift_{side}_{next(_views)}"'
        if isinstance(data, pd.DataFrame):
            connection.register(view.strip('"'), data)
            name = str(data.attrs.get("drift_load", {}).get("file") or side)
            return cls._of(connection, name, view, frame=data)
        if isinstance(data, str | Path) and not (isinstance(data, str) and _is_table(connection, data)):
            files = expand(data)
            relation = _read_files(connection, files, str(data))
            relation.create_view(view.strip('"'), replace=True)
            return cls._of(connection, str(data), view, files=tuple(files))
        if isinstance(data, str):  # a table or view of the connection
            connection.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {quote(data)}")
            return cls._of(connection, data, view)
        if hasattr(data, "create_view") and hasattr(data, "types"):  # a DuckDB relation
            data.create_view(view.strip('"'), replace=True)
            try:
                connection.execute(f"SELECT * FROM {view} LIMIT 0")
            except Exception as err:  # the relation lives in another connection
                raise DriftParameterError.invalid(
                    "connection", "the duckdb engine", "the connection the relation belongs to",
                    type(connection).__name__) from err
            return cls._of(connection, side, view)
        raise DriftParameterError.invalid(side, "the duckdb engine", "a DataFrame, a path or glob of "
                                          "Parquet/CSV files, a DuckDB relation or a table name",
                                          type(data).__name__)

    @classmethod
    def _of(cls, connection, name: str, view: str, **kw) -> Source:
        relation = connection.sql(f"SELECT * FROM {view}")
        return cls(name, view, tuple(relation.columns), tuple(str(t) for t in relation.types), **kw)

    def head(self, connection, n: int) -> pd.DataFrame:
        """The first ``n`` rows as a DataFrame (to infer kinds and roles)."""
        if self.frame is not None:
            return self.frame.iloc[:n]
        with insertion_order(connection, True):
            return connection.execute(f"SELECT * FROM {self.view} LIMIT {int(n)}").df()

    def type_of(self, column: str) -> str:
        return self.types[self.columns.index(column)]


@contextmanager
def insertion_order(con, keep: bool):
    """DuckDB's ``preserve_insertion_order`` set to ``keep`` for a block, then restored: counting needs no
    order (and is faster without it); a head or a full-side "sample" must come in file order."""
    before = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    if bool(before) == keep:
        yield
        return
    con.execute(f"SET preserve_insertion_order = {str(keep).lower()}")
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {str(bool(before)).lower()}")


def quote(name: str) -> str:
    """A SQL identifier for any column name (double quotes doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def _is_table(connection, name: str) -> bool:
    rows = connection.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = $1 UNION ALL "
                              "SELECT 1 FROM duckdb_views() WHERE view_name = $1", [name]).fetchall()
    return bool(rows)


def expand(path: str | Path) -> list[str]:
    """The files a path or glob names, sorted; a missing file or a glob matching nothing is an input
    error naming it."""
    text = str(Path(path).expanduser())
    if _GLOB_CHARS & set(text):
        files = sorted(f for f in globbing.glob(text, recursive=True) if Path(f).is_file())
        if not files:
            raise DriftInputError(f"the glob {text!r} matches no file", file=text,
                                  fix="check the directory and the pattern (e.g. 'data/*.parquet')")
        return files
    p = Path(text)
    if p.is_dir():
        files = sorted(str(f) for f in p.iterdir() if _format(str(f)) is not None)
        if not files:
            raise DriftInputError(f"the directory {text!r} holds no Parquet or CSV file", file=text,
                                  fix="pass a file, a glob such as 'dir/*.parquet', or a directory of them")
        return files
    if not p.is_file():
        raise DriftInputError(f"the path {text!r} does not exist", file=text,
                              fix="check the path (a file, a directory or a glob of Parquet/CSV files)")
    return [text]


def _format(path: str) -> str | None:
    low = path.lower()
    if low.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if low.endswith(CSV_SUFFIXES):
        return "csv"
    return None


def _read_files(connection, files: list[str], given: str):
    """One relation over ``files`` after checking that they share columns and type families."""
    formats = {_format(f) for f in files}
    if None in formats or len(formats) > 1:
        bad = next((f for f in files if _format(f) is None), files[-1])
        raise DriftInputError("the engine reads Parquet or CSV files, one format per side", file=bad,
                              fix=f"name files ending in {PARQUET_SUFFIXES + CSV_SUFFIXES}, all of one "
                                  "format")
    fmt = formats.pop()
    read = connection.read_parquet if fmt == "parquet" else connection.read_csv
    schemas = []
    for f in files:
        try:
            rel = read(f)
        except Exception as err:  # unreadable: DuckDB says why
            raise DriftInputError(f"cannot be read as {fmt}: {str(err).splitlines()[0]}", file=f,
                                  fix=f"check that the file is a valid {fmt} file") from err
        schemas.append((f, dict(zip(rel.columns, (type_family(str(t)) for t in rel.types)))))
    check_same_columns(schemas)
    return read(files, union_by_name=True) if len(files) > 1 else read(files[0])


def check_same_columns(schemas: list[tuple[str, dict]]) -> None:
    """Every file (``(file, {column: type family})``) has the first file's columns, of the same type
    family; else a :class:`ColumnMismatchError` or :class:`MixedTypeError` naming the file and column."""
    first, cols = schemas[0]
    every = dict.fromkeys(c for _, s in schemas for c in s)
    for f, s in schemas:
        absent = [c for c in every if c not in s]
        if absent:
            has = next(g for g, t in schemas if absent[0] in t)
            raise ColumnMismatchError(f"is in {Path(has).name} but not in this file (of {len(schemas)} "
                                      "files)",
                                      file=f, column=absent[0],
                                      fix="write every file with the same columns, or leave this file out of "
                                          "the glob")
        for c, family in s.items():
            ref = next(t[c] for _, t in schemas if c in t)
            if family != ref:
                other = next(g for g, t in schemas if c in t)
                raise MixedTypeError(f"holds {family} here but {ref} in {Path(other).name}", file=f, column=c,
                                     fix="write the column with one type in every file (cast it upstream)")
