"""A verified on-disk cache of deterministic results: tables in Parquet, arrays in ``.npy``, the rest in JSON.

Generating a scenario or replaying a year of retraining takes seconds to minutes, and gives the same result
for the same code, parameters and seed.  :class:`DiskCache` keeps such results between processes, in a
user cache folder (:func:`cache_dir`), and trusts nothing it reads:

* **Key.**  An entry's folder name is a SHA-256 over the namespace, the canonical JSON of the parameters
  (seed included) and a *fingerprint* of the code that computed it (:func:`fingerprint`: every source file
  of the given folders, the library's version and the versions of Python, NumPy, pandas, SciPy,
  scikit-learn, PyArrow, UMAP and numba).  Changing any of them gives another key: an entry can never be
  served to other code or other parameters.
* **Written atomically.**  An entry is written whole into a temporary folder next to its final place, each
  file flushed to disk, then renamed into place in one step; a reader sees a complete entry or none.
* **Verified when read.**  ``meta.json`` records the namespace, the parameters, the fingerprint and the
  SHA-256 of every data file.  A reader recomputes the hashes and compares everything; a missing, truncated,
  corrupted or stale entry is deleted and recomputed, never used.
* **Exact.**  Before an entry is written, its bytes are decoded again and compared with the value it came
  from (frames cell by cell, dtypes, index and ``attrs`` included); a value that would not come back
  identical is simply not cached.
* **Never pickle.**  Values are stored as data only: Parquet tables, ``.npy`` arrays read with
  ``allow_pickle=False``, and JSON.  A dataclass is rebuilt only if its class is defined in the ``drift``
  package (the JSON names the class; its fields are set from stored data, no code is run).

What can be stored: ``None``, bools, ints, floats (NaN and infinities included), strings, NumPy scalars,
tuples, lists, dicts with string keys, read-only mappings (``MappingProxyType``) whose keys are any of
these scalars, pandas DataFrames and Series with string column names, numeric or boolean NumPy arrays, and
dataclasses of the ``drift`` package made of these.  Anything else is computed and returned as usual,
without being cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import json
import math
import os
import platform
import secrets
import shutil
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CACHE_DIR_ENV", "DISABLE_VALUE", "DiskCache", "cache_dir", "fingerprint"]

#: Environment variable naming the cache folder; :data:`DISABLE_VALUE` turns the disk cache off.
CACHE_DIR_ENV = "DRIFT_CACHE_DIR"
DISABLE_VALUE = "off"
#: Folder name under the user cache folder (``$XDG_CACHE_HOME``, else ``~/.cache``).
APP_FOLDER = "drift-explorer"
#: Version of the entry layout; part of every key.
FORMAT = 1
META_FILE = "meta.json"
#: Suffixes of the source files a fingerprint covers.
SOURCE_SUFFIXES = (".py", ".json")
#: Distributions whose versions change what a computation returns (random streams, model fitting, Parquet);
#: read from their installed metadata, without importing them.
DEPENDENCIES = ("numpy", "pandas", "scipy", "scikit-learn", "pyarrow", "umap-learn", "numba")
#: Only dataclasses of modules under this package are rebuilt from the cache.
TRUSTED_PACKAGE = "drift"


def cache_dir() -> Path | None:
    """The cache folder: ``$DRIFT_CACHE_DIR``, else ``$XDG_CACHE_HOME/drift-explorer``, else
    ``~/.cache/drift-explorer``; ``None`` when ``DRIFT_CACHE_DIR=off``."""
    chosen = os.environ.get(CACHE_DIR_ENV, "").strip()
    if chosen.lower() == DISABLE_VALUE:
        return None
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base).expanduser() if base else Path.home() / ".cache") / APP_FOLDER


def _versions() -> dict[str, str]:
    from .. import __version__

    out = {"drift": __version__, "python": platform.python_version()}
    for name in DEPENDENCIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


@lru_cache(maxsize=16)
def _fingerprint(roots: tuple[str, ...]) -> str:
    digest = hashlib.sha256(json.dumps(_versions(), sort_keys=True).encode())
    for root in roots:
        base = Path(root)
        files = [base] if base.is_file() else sorted(
            p for p in base.rglob("*") if p.suffix in SOURCE_SUFFIXES and "__pycache__" not in p.parts)
        for path in files:
            name = path.relative_to(base.parent).as_posix().encode()
            digest.update(len(name).to_bytes(8, "big") + name + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def fingerprint(*roots: str | os.PathLike) -> str:
    """SHA-256 of every source file (``.py``, ``.json``) under ``roots`` (folders or single files) and of
    the versions in :data:`DEPENDENCIES`, Python's and the library's.  Computed once per process."""
    return _fingerprint(tuple(str(Path(r).resolve()) for r in roots))


# --- the codec: a value <-> JSON plus data files -------------------------------------------------------
class _Unstorable(Exception):
    """A value the codec does not store (the result is then returned uncached)."""


class _Corrupt(Exception):
    """An entry that does not decode; it is deleted and recomputed."""


def _encode(value: Any, files: dict[str, bytes]) -> Any:
    """The JSON form of ``value``; frames and arrays go to ``files`` (name -> bytes)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int) and type(value) is int:
        return value
    if isinstance(value, float) and type(value) is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, np.generic):
        if value.dtype.kind not in "biuf":
            raise _Unstorable(f"NumPy scalar of dtype {value.dtype}")
        return {"$np": value.dtype.str, "value": _encode(value.item(), files)}
    if type(value) in (tuple, list):
        return {"$" + type(value).__name__: [_encode(v, files) for v in value]}
    if isinstance(value, dict) and type(value) is dict:
        if not all(isinstance(k, str) for k in value):
            raise _Unstorable("a dict with non-string keys")
        return {"$dict": {k: _encode(v, files) for k, v in value.items()}}
    if type(value) is MappingProxyType:    # the read-only mappings of frozen results (Schema.kinds, the
        # TaskInfo's class -> column): (key, value) pairs, so a class label may be a number
        return {"$mappingproxy": [[_encode(k, files), _encode(v, files)] for k, v in value.items()]}
    if isinstance(value, pd.DataFrame) and type(value) is pd.DataFrame:
        return {"$frame": _put(files, _parquet(value)), "objects": _object_columns(value),
                "attrs": _encode(dict(value.attrs), files)}
    if isinstance(value, pd.Series) and type(value) is pd.Series:
        frame = value.to_frame(name="values")
        return {"$series": _put(files, _parquet(frame)), "objects": _object_columns(frame),
                "name": _encode(value.name, files), "attrs": _encode(dict(value.attrs), files)}
    if isinstance(value, np.ndarray) and type(value) is np.ndarray:
        if value.dtype.kind not in "biuf":
            raise _Unstorable(f"NumPy array of dtype {value.dtype}")
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        return {"$array": _put(files, buffer.getvalue())}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        if not _trusted(cls):
            raise _Unstorable(f"a dataclass outside the {TRUSTED_PACKAGE} package: {cls.__qualname__}")
        return {"$dataclass": f"{cls.__module__}:{cls.__qualname__}",
                "fields": {f.name: _encode(getattr(value, f.name), files) for f in dataclasses.fields(cls)}}
    return _unstorable(value)


def _unstorable(value: Any):
    raise _Unstorable(f"a value of type {type(value).__qualname__}")


def _trusted(cls: type) -> bool:
    module = cls.__module__ or ""
    return ((module == TRUSTED_PACKAGE or module.startswith(TRUSTED_PACKAGE + "."))
            and "<locals>" not in cls.__qualname__)


def _put(files: dict[str, bytes], content: bytes) -> str:
    name = f"part{len(files):03d}"
    files[name] = content
    return name


def _parquet(frame: pd.DataFrame) -> bytes:
    if not all(isinstance(c, str) for c in frame.columns) or frame.columns.has_duplicates:
        raise _Unstorable("a frame whose column names are not distinct strings")
    plain = frame.copy(deep=False)
    plain.attrs = {}
    buffer = io.BytesIO()
    try:
        plain.to_parquet(buffer, engine="pyarrow")
    except Exception as err:  # noqa: BLE001 - pyarrow refuses mixed object columns, nested cells, ...
        raise _Unstorable(f"a frame Parquet cannot hold ({type(err).__name__}: {err})") from err
    return buffer.getvalue()


def _object_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of dtype ``object``: Parquet reads them back typed (``str``, ``int64``), so they are named in
    the JSON and turned back into ``object`` when read."""
    return [c for c in frame.columns if frame[c].dtype == object]


def _read_frame(content: bytes, objects: list[str]) -> pd.DataFrame:
    frame = pd.read_parquet(io.BytesIO(content), engine="pyarrow")
    for column in objects:
        frame[column] = frame[column].astype(object)
    return frame


def _decode(node: Any, files: Mapping[str, bytes]) -> Any:
    if node is None or isinstance(node, bool | int | float | str):
        return node
    if not isinstance(node, dict) or len(node) < 1:
        raise _Corrupt(f"unexpected JSON node {node!r:.80}")
    tag = next(iter(node))
    if tag == "$float":
        return float(node["$float"])
    if tag == "$np":
        return np.dtype(node["$np"]).type(_decode(node["value"], files))
    if tag == "$tuple":
        return tuple(_decode(v, files) for v in node["$tuple"])
    if tag == "$list":
        return [_decode(v, files) for v in node["$list"]]
    if tag == "$dict":
        return {k: _decode(v, files) for k, v in node["$dict"].items()}
    if tag == "$mappingproxy":
        try:
            return MappingProxyType({_decode(k, files): _decode(v, files) for k, v in node["$mappingproxy"]})
        except TypeError as err:             # a key that decodes to something unhashable
            raise _Corrupt(f"a mapping key cannot be rebuilt: {err}") from err
    if tag == "$frame":
        frame = _read_frame(files[node["$frame"]], node["objects"])
        frame.attrs = _decode(node["attrs"], files)
        return frame
    if tag == "$series":
        series = _read_frame(files[node["$series"]], node["objects"])["values"]
        series.name = _decode(node["name"], files)
        series.attrs = _decode(node["attrs"], files)
        return series
    if tag == "$array":
        return np.load(io.BytesIO(files[node["$array"]]), allow_pickle=False)
    if tag == "$dataclass":
        return _rebuild(node["$dataclass"], {k: _decode(v, files) for k, v in node["fields"].items()})
    raise _Corrupt(f"unknown tag {tag!r}")


def _rebuild(path: str, values: dict[str, Any]) -> Any:
    """An instance of the ``drift`` dataclass ``module:qualname`` with these field values (no code run)."""
    module_name, _, qualname = path.partition(":")
    if not (module_name == TRUSTED_PACKAGE or module_name.startswith(TRUSTED_PACKAGE + ".")):
        raise _Corrupt(f"class {path!r} is outside the {TRUSTED_PACKAGE} package")
    cls: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and _trusted(cls)):
        raise _Corrupt(f"{path!r} is not a dataclass of the {TRUSTED_PACKAGE} package")
    names = [f.name for f in dataclasses.fields(cls)]
    if sorted(names) != sorted(values):
        raise _Corrupt(f"{path}: stored fields {sorted(values)} differ from the class's {sorted(names)}")
    obj = cls.__new__(cls)
    for name in names:
        object.__setattr__(obj, name, values[name])
    return obj


def same(a: Any, b: Any) -> bool:
    """Whether two stored values are identical: same types, frames equal cell by cell with their dtypes,
    index and ``attrs``, arrays equal with their dtype and shape, NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, pd.DataFrame | pd.Series):
        try:
            check = pd.testing.assert_frame_equal if isinstance(a, pd.DataFrame) else \
                pd.testing.assert_series_equal
            check(a, b, check_exact=True)
        except AssertionError:
            return False
        return same(dict(a.attrs), dict(b.attrs))
    if isinstance(a, np.ndarray):
        return (a.dtype == b.dtype and a.shape == b.shape
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f")))
    if isinstance(a, float | np.floating):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict | MappingProxyType):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if dataclasses.is_dataclass(a):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    return bool(a == b)


# --- the store ------------------------------------------------------------------------------------------
def _canonical(params: Mapping[str, Any]) -> str:
    try:
        return json.dumps(params, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise _Unstorable(f"parameters that are not plain JSON: {err}") from err


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class DiskCache:
    """Results of deterministic computations kept on disk (see the module docstring).

    Parameters
    ----------
    root : path-like, optional
        The cache folder; default :func:`cache_dir`.  ``None`` there (``DRIFT_CACHE_DIR=off``) gives a cache
        that stores nothing.
    code : str
        The fingerprint of the code whose results are kept (:func:`fingerprint`); part of every key.

    Examples
    --------
    >>> cache = DiskCache(code=fingerprint(Path(__file__).parent))          # doctest: +SKIP
    >>> table = cache.get_or_compute("demo", {"seed": 0}, lambda: make_table(seed=0))  # doctest: +SKIP
    """

    def __init__(self, root: str | os.PathLike | None = None, *, code: str) -> None:
        self.root = Path(root) if root is not None else cache_dir()
        self.code = code

    def key(self, namespace: str, params: Mapping[str, Any]) -> str:
        """The entry name of ``params`` in ``namespace`` (raises ``_Unstorable`` for non-JSON parameters)."""
        text = _canonical({"format": FORMAT, "namespace": namespace, "params": params, "code": self.code})
        return _sha256(text.encode())[:40]

    def path(self, namespace: str, params: Mapping[str, Any]) -> Path | None:
        """Where the entry of ``params`` lives (``None`` when the cache is off or the parameters are not
        plain JSON)."""
        if self.root is None:
            return None
        try:
            return self.root / namespace / self.key(namespace, params)
        except _Unstorable:
            return None

    def get_or_compute(self, namespace: str, params: Mapping[str, Any], compute: Callable[[], Any]) -> Any:
        """The stored result of ``params`` if a verified entry exists, else ``compute()`` (stored when
        storable).  Errors of ``compute`` propagate; problems of the cache itself never do."""
        where = self.path(namespace, params)
        if where is None:
            return compute()
        found = self.read(where, namespace, params)
        if found is not _MISSING:
            return found
        value = compute()
        self.write(where, namespace, params, value)
        return value

    def read(self, where: Path, namespace: str, params: Mapping[str, Any]) -> Any:
        """The verified value at ``where``, or ``_MISSING`` (a bad entry is deleted)."""
        meta_path = where / META_FILE
        if not meta_path.is_file():
            return _MISSING
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            expected = {"format": FORMAT, "namespace": namespace, "params": json.loads(_canonical(params)),
                        "code": self.code}
            if {k: meta.get(k) for k in expected} != expected:
                raise _Corrupt("the entry was written for other parameters or other code")
            files = {}
            for name, digest in meta["files"].items():
                content = (where / name).read_bytes()
                if _sha256(content) != digest:
                    raise _Corrupt(f"{name} does not match its checksum")
                files[name] = content
            return _decode(meta["value"], files)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, ImportError, _Corrupt,
                _Unstorable):
            shutil.rmtree(where, ignore_errors=True)
            return _MISSING

    def write(self, where: Path, namespace: str, params: Mapping[str, Any], value: Any) -> bool:
        """Store ``value`` at ``where`` atomically; ``False`` when it is not storable or the disk refuses."""
        files: dict[str, bytes] = {}
        try:
            node = _encode(value, files)
            if not same(_decode(node, files), value):
                return False
            meta = {"format": FORMAT, "namespace": namespace, "params": json.loads(_canonical(params)),
                    "code": self.code, "files": {name: _sha256(b) for name, b in files.items()},
                    "value": node}
            text = json.dumps(meta, allow_nan=False)
        except (_Unstorable, _Corrupt, ValueError, TypeError):
            return False
        tmp = where.parent / f".tmp-{where.name}-{secrets.token_hex(6)}"
        try:
            tmp.mkdir(parents=True)
            for name, content in (*files.items(), (META_FILE, text.encode("utf-8"))):
                with open(tmp / name, "wb") as f:
                    f.write(content)
                    f.flush()
                    os.fsync(f.fileno())
            if where.exists():   # a bad entry left by a crash or another writer: replace it
                shutil.rmtree(where, ignore_errors=True)
            os.rename(tmp, where)
            return True
        except OSError:
            return False
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def prune(self, namespaces: Iterable[str]) -> int:
        """Delete the entries of ``namespaces`` written by other code (another fingerprint) and leftover
        temporary folders; returns how many were deleted."""
        if self.root is None:
            return 0
        removed = 0
        for namespace in namespaces:
            folder = self.root / namespace
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                try:
                    stale = entry.name.startswith(".tmp-") or json.loads(
                        (entry / META_FILE).read_text(encoding="utf-8")).get("code") != self.code
                except (OSError, ValueError):
                    stale = True
                if stale:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
        return removed


_MISSING = object()
