"""The fuzz corpus itself: deterministic for a seed, every kind of the issue present, bombs small in
bytes yet over their lowered limit, expectations that name real sides and columns."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

from drift.core.errors import InputTooLargeError
from drift.core.limits import LoadLimits
from tests.fuzz.corpus import EXTRA_SURFACES, SIDES, build_case, case_names

FAMILIES = {"control", "text", "encoding", "empty", "binary", "bomb", "json", "parquet", "excel", "values",
            "names", "roles", "tiny", "pickle"}
#: A file of the corpus stays small whatever it stands for (100,000 columns, a 20 MiB gzip bomb...).
MAX_FILE_BYTES = 2 * 2**20
DECOMPRESS = {".gz": gzip.decompress, ".bz2": bz2.decompress, ".xz": lzma.decompress}


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    for name in ("clean_pair", "ragged_short_rows", "hostile_column_names"):
        first, again = (build_case(name, seed=0, workdir=tmp_path) for _ in range(2))
        assert (first.reference, first.current) == (again.reference, again.current)
        assert build_case(name, seed=1, workdir=tmp_path).current != first.current


def test_every_family_and_surface_is_covered(corpus) -> None:
    assert {case.family for case in corpus.values()} == FAMILIES
    assert len(corpus) == len(case_names()) >= 130
    for surface in EXTRA_SURFACES:
        assert case_names(surface), f"no case runs on {surface}"
    assert all(set(case.surfaces) <= set(EXTRA_SURFACES) for case in corpus.values())


def test_files_are_small_and_expectations_name_real_sides(corpus) -> None:
    for case in corpus.values():
        for side in SIDES:
            assert 0 <= len(case.file(side).content) <= MAX_FILE_BYTES, (case.name, side)
        assert set(case.expect.sides) <= set(SIDES), case.name
        assert (case.expect.refused is None) == (not case.expect.sides), case.name
        case.load_limits()   # every lowered limit is a valid LoadLimits field and value
        for column in case.expect.problems:
            assert any(column.encode() in case.file(side).content for side in SIDES), (case.name, column)


def test_bombs_expand_past_their_lowered_limit(corpus) -> None:
    """Each compressed bomb is a few kilobytes that expand past the limit it is loaded under."""
    for case in corpus.values():
        spec = case.current
        suffix = Path(spec.name).suffix
        if case.expect.refused is not InputTooLargeError or suffix not in DECOMPRESS:
            continue
        limit = LoadLimits(**case.limits).expansion_cap(len(spec.content))[0]
        assert len(spec.content) < 64 * 2**10 < limit < len(DECOMPRESS[suffix](spec.content)), case.name


def test_pickle_cases_carry_a_sentinel_that_does_not_exist(corpus, sentinel_dir: Path) -> None:
    sentinels = [case.sentinel for case in corpus.values() if case.family == "pickle"]
    assert len(sentinels) >= 4 and all(s is not None and s.parent == sentinel_dir for s in sentinels)
    assert not any(s.exists() for s in sentinels)
