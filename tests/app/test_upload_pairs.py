"""Uploaded files are analysed as a pair: a result is never computed or served for a reference with another
production file than the one beside it (issue 10: "3 of 72 rounds analysed a new reference with the
previous production file").

Every round uses the same two file names with other contents, as a user re-exporting files would: only
the content can tell the rounds apart.  The pairs differ in row counts (the Data page's metrics say which
files were read) and in drift (the headline says which pair was compared, against ``drift`` itself).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import drift
from tests.app.test_pages import assert_headline, expected, metric, new_app, open_page
from ui import data, layout, state

NAMES = ("reference.csv", "production.csv")
FEATURE_DRIFT, DATA = "pages/feature_drift.py", "pages/data.py"


@pytest.fixture(scope="module")
def rounds(sample_files: tuple[Path, Path]) -> list[tuple[bytes, bytes]]:
    """Two pairs of (reference, production) CSV bytes under the same names, different rows."""
    reference, production = (pd.read_csv(p) for p in sample_files)
    pairs = [(reference.iloc[:1500], production[production["batch"] == "2025-01"]),
             (reference.iloc[1500:2700], production[production["batch"] != "2025-01"])]
    return [(r.to_csv(index=False).encode(), c.to_csv(index=False).encode()) for r, c in pairs]


def give(at: AppTest, key: str, name: str, content: bytes) -> None:
    at.file_uploader(key=key).set_value((name, content, "text/csv"))


def upload_round(at: AppTest, pair: tuple[bytes, bytes]) -> AppTest:
    if at.session_state[state.SOURCE_MODE] != state.SOURCE_UPLOAD:
        at.radio(key=state.SOURCE_MODE).set_value(state.SOURCE_UPLOAD).run()
    give(at, state.UPLOAD_REFERENCE, NAMES[0], pair[0])
    give(at, state.UPLOAD_CURRENT, NAMES[1], pair[1])
    return at.run()


def assert_analyses(at: AppTest, reference: bytes, current: bytes) -> None:
    """The session's pages show the analysis of exactly this pair."""
    ref, cur = (drift.load_table(io.BytesIO(b), name=n) for b, n in zip((reference, current), NAMES))
    open_page(at, DATA)
    assert metric(at, "Reference rows") == f"{len(ref):,}"
    assert metric(at, "Production rows") == f"{len(cur):,}"
    open_page(at, FEATURE_DRIFT)
    table, _ = expected(ref, cur, drift.infer_schema(ref, cur))
    assert_headline(at, table)
    captions = " ".join(c.value for c in at.caption)
    for content in (reference, current):
        assert f"#{data.content_digest(content)[:layout.DIGEST_SHOWN]}" in captions


def test_pair_key_stands_for_both_files_and_their_names() -> None:
    a, b, c = (b"x\n1\n", b"x\n2\n", b"x\n3\n")
    key = data.pair_key(("r.csv", a), ("c.csv", b))
    assert key == data.pair_key(("r.csv", a), ("c.csv", b))
    others = [data.pair_key(("r.csv", c), ("c.csv", b)), data.pair_key(("r.csv", a), ("c.csv", c)),
              data.pair_key(("c.csv", b), ("r.csv", a)), data.pair_key(("r.tsv", a), ("c.csv", b)),
              data.pair_key(("r.csv", a + b), ("c.csv", b"")), data.pair_key(("r.csvx", a), ("\n1\n", b))]
    assert len({key, *others}) == len(others) + 1


def test_re_uploading_both_files_analyses_the_new_pair(rounds) -> None:
    (ref1, cur1), (ref2, cur2) = rounds
    at = upload_round(new_app(), (ref1, cur1))
    assert_analyses(at, ref1, cur1)
    # the reference replaced, the production file not yet: what the two uploaders hold, said on screen
    give(at, state.UPLOAD_REFERENCE, NAMES[0], ref2)
    at.run()
    assert_analyses(at, ref2, cur1)
    give(at, state.UPLOAD_CURRENT, NAMES[1], cur2)
    at.run()
    assert_analyses(at, ref2, cur2)


def test_two_sessions_with_the_same_file_names_keep_their_own_pair(rounds) -> None:
    """Caches are shared by every session of the server: each result is keyed on its own pair."""
    (ref1, cur1), (ref2, cur2) = rounds
    first = upload_round(new_app(), (ref1, cur1))
    second = upload_round(new_app(), (ref2, cur2))
    assert_analyses(first, ref1, cur1)
    assert_analyses(second, ref2, cur2)
    mixed = upload_round(new_app(), (ref2, cur1))
    assert_analyses(mixed, ref2, cur1)
    assert_analyses(first, ref1, cur1)


def test_a_kept_file_is_never_paired_with_a_new_one(rounds) -> None:
    """After a detour through a scenario the uploaders are redrawn empty and the kept pair is analysed;
    a new reference then waits for its production file instead of meeting the kept one."""
    (ref1, cur1), (ref2, cur2) = rounds
    at = upload_round(new_app(), (ref1, cur1))
    at.radio(key=state.SOURCE_MODE).set_value(state.SOURCE_SCENARIO).run()
    at.radio(key=state.SOURCE_MODE).set_value(state.SOURCE_UPLOAD).run()
    assert_analyses(at, ref1, cur1)                                  # both kept files, together
    give(at, state.UPLOAD_REFERENCE, NAMES[0], ref2)
    at.run()
    for page in (DATA, FEATURE_DRIFT):
        open_page(at, page)
        assert not at.metric and not at.dataframe, "a new reference was analysed with a kept file"
        assert any("production (current) file" in i.value and "not used" in i.value for i in at.info)
    give(at, state.UPLOAD_CURRENT, NAMES[1], cur2)
    at.run()
    assert_analyses(at, ref2, cur2)
