"""Which engine counts, and the DuckDB settings that bound its memory: :class:`EngineSettings`.

``engine="pandas"`` holds both tables in memory (the default for DataFrames); ``engine="duckdb"`` streams
files, globs, DuckDB relations and tables through DuckDB with a memory limit and a spill directory (the
default for anything that is not a DataFrame).  :func:`resolve_engine` applies that rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from drift.core.errors import DriftParameterError, check_int, check_parameter
from drift.data.engines.profile import EngineProfile

#: The engines :func:`resolve_engine` accepts.
ENGINES = ("pandas", "duckdb")
#: DuckDB's memory limit by default: well under the 4 GB of peak RSS issue 13 allows (DuckDB's own
#: buffers; Python, pandas and the results add a few hundred MB).
DEFAULT_MEMORY_LIMIT = "2GB"
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """How DuckDB may use the machine.

    Attributes
    ----------
    memory_limit : str, default "2GB"
        DuckDB's ``memory_limit`` (``"500MB"``, ``"2GB"``, ``"1.5GiB"``...): past it, sorts and hash tables
        spill to ``temp_directory``.
    temp_directory : str or Path, optional
        Where DuckDB spills (default: DuckDB's own, ``.tmp`` next to a database or in the working
        directory).
    threads : int, optional
        Worker threads (default: DuckDB's, one per core).
    """

    memory_limit: str = DEFAULT_MEMORY_LIMIT
    temp_directory: str | Path | None = None
    threads: int | None = None

    def __post_init__(self) -> None:
        check_parameter(isinstance(self.memory_limit, str) and bool(_MEMORY.match(self.memory_limit)),
                        "memory_limit", "EngineSettings", "a size such as '2GB' or '512MB'",
                        self.memory_limit)
        check_parameter(self.temp_directory is None or isinstance(self.temp_directory, str | Path),
                        "temp_directory", "EngineSettings", "a directory path or None", self.temp_directory)
        if self.threads is not None:
            check_int(self.threads, "threads", "EngineSettings", 1)

    def config(self) -> dict:
        """The ``duckdb.connect(config=...)`` entries."""
        out = {"memory_limit": self.memory_limit.replace(" ", "")}
        if self.temp_directory is not None:
            out["temp_directory"] = str(self.temp_directory)
        if self.threads is not None:
            out["threads"] = self.threads
        return out


def connect(settings: EngineSettings | None = None):
    """A new in-memory DuckDB connection with ``settings`` applied (insertion order kept: a scan reads
    rows in file order)."""
    import duckdb  # deferred: only the duckdb engine needs it

    settings = settings or EngineSettings()
    return duckdb.connect(config={**settings.config(), "preserve_insertion_order": True})


def resolve_engine(engine: str | None, reference, current, func: str) -> str:
    """The engine to run: ``engine`` when given (checked against :data:`ENGINES`); otherwise pandas when both
    inputs are DataFrames (or pandas-made profiles), DuckDB for anything else (paths, globs, relations,
    tables, engine profiles)."""
    if engine is not None:
        if engine not in ENGINES:
            raise DriftParameterError.invalid("engine", func, f"one of {ENGINES} or None", engine)
        return engine
    out_of_core = [isinstance(x, EngineProfile | str | Path) or _is_duckdb(x)
                   for x in (reference, current) if x is not None and not isinstance(x, pd.DataFrame)]
    return "duckdb" if any(out_of_core) else "pandas"


def _is_duckdb(x) -> bool:
    return type(x).__module__.split(".")[0] in ("duckdb", "_duckdb")
