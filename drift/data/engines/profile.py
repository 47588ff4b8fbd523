"""A reference counted once by an engine, reusable for every batch and kept on disk: :class:`EngineProfile`.

What a comparison needs of the reference, exactly: per numeric feature its **counts per distinct value**
(``v, c``; every order statistic, bin count, KS and Wasserstein term is read off them), its missing count
and a row sample for the row-level readings; per categorical feature its counts per category and missing
count.

On disk (:meth:`EngineProfile.save`, :func:`load_profile`) a profile is a directory in open formats, never
a pickle:

``manifest.json``
    ``{"format": "drift-reference-profile", "version": 1, "bins", "n_rows", "sample": {...},
    "features": [{"name", "kind", "family", "n_total", "n_missing", "file", "sum", "dense", "edges",
    "std", "increasing"}, ...]}`` (``sum``: of the values, for the mean; ``dense``: mostly distinct
    values; ``edges`` and ``std`` are for readers: comparisons recompute them from the counts, with the
    same bits).
``numeric_<i>.parquet``
    ``v`` (DOUBLE, ascending, distinct) and ``c`` (BIGINT): the counts per distinct value of feature ``i``.
``categorical_<i>.parquet``
    ``value`` and ``count``.
``sample.parquet``
    The numeric features of the reference's row sample (``x<i>``), in row order when not sampled.

A profile made by :func:`drift.profile_reference` with the DuckDB engine lives in a directory from the
start (a temporary one unless ``path`` is given); :meth:`~EngineProfile.save` copies it.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError

FORMAT = "drift-reference-profile"
#: Version written; a profile of a higher version is refused.
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SAMPLE_FILE = "sample.parquet"


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class NumericProfile:
    """One numeric feature of the reference (see the module docstring).

    ``counts_sql`` is the SQL of its counts per distinct value (``v, c``): a Parquet file of the profile,
    or a query over the reference itself for a one-off comparison.  ``sample`` holds its values in the
    reference's row sample (NaN for missing), ``sampled`` whether that is a sample (else every row, in
    order), ``increasing`` whether the values increase with the row order (False when sampled: the order
    is lost).
    """

    name: str
    counts_sql: str
    n_total: int
    n_missing: int
    sample: np.ndarray | None
    sampled: bool
    increasing: bool
    family: str = "numbers"
    file: str = ""
    edges: tuple[float, ...] = ()
    std: float = float("nan")
    total: float = 0.0            # sum of the non-missing values
    dense: bool = False           # mostly distinct values (counted without grouping)

    kind = "numeric"


@dataclass(frozen=True, slots=True)
class CategoricalProfile:
    """One categorical feature of the reference: counts per category (missing excluded) and missing
    count."""

    name: str
    counts: pd.Series
    n_missing: int
    family: str = "text"

    kind = "categorical"

    @property
    def n_total(self) -> int:
        return int(self.counts.sum()) + self.n_missing


@dataclass(frozen=True, slots=True, weakref_slot=True)
class EngineProfile:
    """The reference as an engine counted it (module docstring).  ``sample_rows`` / ``sample_of``: the
    size of the row sample and the rows it was drawn from.  A profile made without a ``path`` keeps its
    files in a temporary directory removed with the object (:meth:`save` keeps a copy)."""

    features: tuple[NumericProfile | CategoricalProfile, ...]
    bins: int
    n_rows: int
    sample_rows: int
    directory: str | None = None

    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    @property
    def sampled(self) -> bool:
        return self.sample_rows < self.n_rows

    def save(self, path: str | Path) -> Path:
        """Write the profile to the directory ``path`` (created; files in it are replaced)."""
        if self.directory is None:
            raise DriftInputError("this profile was made for one comparison and has no files to save",
                                  file=str(path), fix="make it with drift.profile_reference(..., "
                                                      "engine='duckdb') and save that")
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        src = Path(self.directory)
        if src.resolve() != out.resolve():
            for f in src.iterdir():
                shutil.copy2(f, out / f.name)
        write_manifest(self, out)
        return out


def write_manifest(profile: EngineProfile, directory: Path) -> None:
    features = []
    for f in profile.features:
        entry = {"name": f.name, "kind": f.kind, "family": f.family, "n_total": int(f.n_total),
                 "n_missing": int(f.n_missing)}
        if isinstance(f, NumericProfile):
            entry.update(file=f.file, sum=float(f.total), dense=bool(f.dense),
                         edges=[float(e) for e in f.edges], std=None if np.isnan(f.std) else float(f.std),
                         increasing=bool(f.increasing))
        features.append(entry)
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "bins": profile.bins, "n_rows": profile.n_rows,
                "sample": {"rows": profile.sample_rows, "file": SAMPLE_FILE}, "features": features}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def write_categories(counts: pd.Series, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"value": pa.array(counts.index.tolist()),
                             "count": pa.array(counts.to_numpy(), type=pa.int64())}), path)


def write_sample(columns: dict[int, np.ndarray], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({f"x{i}": pa.array(v, type=pa.float64()) for i, v in columns.items()}), path)


def load_profile(path: str | Path) -> EngineProfile:
    """Read a profile written by :meth:`EngineProfile.save` (its manifest, categories and sample; the
    numeric counts stay on disk and are read by each comparison)."""
    import pyarrow.parquet as pq

    directory = Path(path)
    manifest = _manifest(directory)
    sample = pq.read_table(directory / manifest["sample"]["file"])
    n_rows, rows = int(manifest["n_rows"]), int(manifest["sample"]["rows"])
    features = []
    for i, f in enumerate(manifest["features"]):
        if f["kind"] == "numeric":
            file = directory / f["file"]
            features.append(NumericProfile(
                f["name"], f"SELECT v, c FROM read_parquet({sql_string(file)})", int(f["n_total"]),
                int(f["n_missing"]), sample.column(f"x{i}").to_numpy(zero_copy_only=False).astype(np.float64),
                rows < n_rows, bool(f["increasing"]), f["family"], f["file"], tuple(f["edges"]),
                float("nan") if f["std"] is None else float(f["std"]), float(f["sum"]), bool(f["dense"])))
        else:
            table = pq.read_table(directory / f"categorical_{i}.parquet")
            counts = pd.Series(table.column("count").to_numpy(), dtype=np.int64, name="count",
                               index=pd.Index(table.column("value").to_pylist(), dtype=object))
            features.append(CategoricalProfile(f["name"], counts, int(f["n_missing"]), f["family"]))
    return EngineProfile(tuple(features), int(manifest["bins"]), n_rows, rows, str(directory))


def _manifest(directory: Path) -> dict:
    file = directory / MANIFEST
    if not file.is_file():
        raise DriftInputError(f"no {MANIFEST} in {str(directory)!r}: not a saved reference profile",
                              file=str(directory), fix="pass the directory written by profile.save(path) "
                                                       "or --save-profile")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except ValueError as err:
        raise DriftInputError(f"the manifest is not valid JSON ({err})", file=str(file),
                              fix="save the profile again") from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DriftInputError(f"not a {FORMAT} manifest", file=str(file), fix="save the profile again")
    if int(manifest.get("version", 0)) > FORMAT_VERSION:
        raise DriftInputError(f"written by a newer version (format {manifest['version']}; this library reads "
                              f"up to {FORMAT_VERSION})", file=str(file), fix="upgrade drift to read it")
    return manifest
