"""The app's cache layer, page registry and session-state rule.

* Every ``st.cache_data`` / ``st.cache_resource`` lives in ``ui/cache.py``, and its cached functions take
  no callback and draw nothing (an AST scan of ``app.py``, ``pages/`` and ``ui/``).
* No page and no other ui module calls a heavy ``drift`` function itself: heavy work goes through the
  cache layer (an AST scan that resolves each call to the ``drift`` name it imports).
* Pages link to each other by ``st.Page`` object from the registry (``ui/pages.py``), never by path.
* After visiting every page, session state holds small choices only: no table, array or ``Context``.
"""

from __future__ import annotations

import ast
import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.app.test_pages import new_app, open_page, upload
from ui import pages, state
from ui.context import Context

ROOT = Path(__file__).resolve().parents[2]
APP_SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])
CACHE_LAYER = ROOT / "ui" / "cache.py"
#: ``drift`` functions that compute a result a page shows (seconds on real data): only the cache layer
#: calls them.  ``ui/warmup.py`` compiles UMAP in the background thread the cache layer starts.
HEAVY = frozenset({
    "load_table", "infer_schema", "validate_pair", "role_candidates", "load_scenario",
    "feature_drift", "feature_detail", "profile_reference",
    "domain_classifier_test", "mmd_test", "embed", "model_embeddings", "text_embeddings",
    "held_out_model_embeddings", "feature_embeddings", "embeddings_from_frame", "project",
    "diagnose", "business_impact", "build_report", "build_batch_report", "prediction_drift",
    "realised_performance", "estimated_performance", "concept_drift_test", "performance_change",
    "monitor", "scorecard", "compare_policies", "run_autopilot", "batch_accuracy", "batch_performance",
    "text_drift", "warm_up_umap", "infer_task", "resolve_task", "task_prediction_drift", "forecast_drift",
    "class_prediction_drift",
    "regression_performance_change", "multiclass_performance_change", "regression_performance",
    "multiclass_performance", "fit_loss_model", "estimated_regression_performance",
    "estimated_multiclass_performance",
})
HEAVY_ALLOWED = {CACHE_LAYER, ROOT / "ui" / "warmup.py"}
CACHE_DECORATORS = {"cache_data", "cache_resource"}
#: Session-state keys that hold the user's uploaded files by design (the uploader widgets and the pair
#: kept for a detour through a built-in scenario): bytes, never parsed tables.
UPLOAD_KEYS = {state.UPLOAD_REFERENCE, state.UPLOAD_CURRENT, state.KEPT_UPLOADS}
#: A "small choice" pickles to less than this.
SMALL_BYTES = 20_000


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# --- st.cache_* only in ui/cache.py ------------------------------------------------------------------
def cache_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) of every mention of ``cache_data`` / ``cache_resource`` (decorator, call, import)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in CACHE_DECORATORS:
            out.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Name) and node.id in CACHE_DECORATORS:
            out.append((node.lineno, node.id))
        elif isinstance(node, ast.ImportFrom) and any(a.name in CACHE_DECORATORS for a in node.names):
            out.append((node.lineno, ast.unparse(node)))
    return out


def cached_functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """The functions of a module decorated with ``st.cache_data`` / ``st.cache_resource``."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if isinstance(target, ast.Attribute) and target.attr in CACHE_DECORATORS:
                    out[node.name] = node
    return out


def test_every_cached_function_is_in_the_cache_layer() -> None:
    outside = {rel(p): uses for p in APP_SOURCES if p != CACHE_LAYER and (uses := cache_uses(parse(p)))}
    assert not outside, f"st.cache_* outside ui/cache.py: {outside}"
    listed = cached_functions(parse(CACHE_LAYER))
    # the listing: what the cache layer holds (a function missing here was cached somewhere else before)
    for name in ("scenario", "upload_context", "scenario_context", "drift_table", "feature_detail",
                 "domain_classifier", "embeddings", "mmd", "projection", "diagnosis", "impact", "report",
                 "monitor", "scorecard", "policy_comparison", "text_drift", "week_point", "embedding_map",
                 "scenario_view", "task_prediction_drift", "task_performance", "loss_model", "task_estimate",
                 "model_sample"):
        assert name in listed, f"{name} is not a cached function of ui/cache.py: {sorted(listed)}"
    assert len(cache_uses(parse(CACHE_LAYER))) == len(listed), "a cache decorator not on a module function"


def test_the_cache_scan_finds_a_cached_function_anywhere() -> None:
    """The scan above is not blind: decorators, calls and imports of the decorators are all found."""
    source = ("import streamlit as st\nfrom streamlit import cache_resource\n"
              "@st.cache_data(max_entries=2)\ndef f(x): return x\n"
              "g = st.cache_resource(lambda: 1)\n")
    assert [line for line, _ in cache_uses(ast.parse(source))] == [2, 3, 5]
    assert list(cached_functions(ast.parse(source))) == ["f"]


def test_cached_functions_take_no_callback_and_draw_nothing() -> None:
    """Progress reaches the page through ui.progress (events), never through an argument; no cached
    function calls ``st.*`` (Streamlit would record it and replay it on every hit)."""
    for name, fn in cached_functions(parse(CACHE_LAYER)).items():
        for arg in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs):
            annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
            assert "progress" not in arg.arg and "callback" not in arg.arg and "Callable" not in annotation, \
                f"cached function {name} takes a callback: {arg.arg}: {annotation}"
        drawn = [ast.unparse(n) for n in ast.walk(fn) if isinstance(n, ast.Attribute)
                 and isinstance(n.value, ast.Name) and n.value.id == "st"
                 and n not in {d.func if isinstance(d, ast.Call) else d for d in fn.decorator_list}]
        assert not drawn, f"cached function {name} uses Streamlit: {drawn}"


# --- heavy drift work only through the cache layer ---------------------------------------------------
def drift_names(tree: ast.Module) -> dict[str, str]:
    """Local name -> the ``drift`` path it stands for, from the module's imports."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "drift" or alias.name.startswith("drift."):
                    local = alias.asname or alias.name.split(".")[0]
                    names[local] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and (node.module == "drift" or node.module.startswith("drift.")):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def dotted(node: ast.AST) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"]; ``None`` for anything else (a call's result, a subscript)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def heavy_calls(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, drift path) of every call of a heavy ``drift`` function, however it was imported."""
    names = drift_names(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (parts := dotted(node.func)) and parts[0] in names:
            path = ".".join([names[parts[0]], *parts[1:]])
            if path.rsplit(".", 1)[-1] in HEAVY:
                out.append((node.lineno, path))
    return out


def test_no_page_or_helper_calls_heavy_drift_functions() -> None:
    found = {rel(p): calls for p in APP_SOURCES
             if p not in HEAVY_ALLOWED and (calls := heavy_calls(parse(p)))}
    assert not found, f"heavy drift work outside the cache layer (ui/cache.py): {found}"
    assert heavy_calls(parse(CACHE_LAYER)), "the scan finds nothing even in the cache layer"


def test_the_heavy_scan_resolves_every_import_style() -> None:
    source = ("import drift\nimport drift.multivariate.mmd as m\nfrom drift.diagnosis import practice\n"
              "from drift.monitoring.monitor import monitor as run\nfrom ui import cache\n"
              "drift.feature_drift(a, b)\nm.mmd_test(x, y)\npractice.batch_accuracy(r, c)\nrun(r, c)\n"
              "drift.summarize(t)\ncache.drift_table(ctx)\nmonitor(r, c)\n")
    assert heavy_calls(ast.parse(source)) == [
        (6, "drift.feature_drift"), (7, "drift.multivariate.mmd.mmd_test"),
        (8, "drift.diagnosis.practice.batch_accuracy"), (9, "drift.monitoring.monitor.monitor")]


# --- the page registry -------------------------------------------------------------------------------
def test_every_page_is_registered_once_and_linked_by_object() -> None:
    entries = [entry for section in pages.SECTIONS.values() for entry in section]
    assert sorted(e.file for e in entries) == sorted(p.name for p in (ROOT / "pages").glob("*.py"))
    assert len({e.url_path for e in entries}) == len(entries)
    assert all(e.url_path != Path(e.file).stem for e in entries), "a url_path equal to its file's stem"
    assert sum(e.default for e in entries) == 1
    by_path = []
    for path in APP_SOURCES:
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.startswith("pages/") and node.value.endswith(".py"):
                by_path.append(f"{rel(path)}:{node.lineno} {node.value}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("page_link", "switch_page") and node.args \
                    and isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
                by_path.append(f"{rel(path)}:{node.lineno} {ast.unparse(node)}")
    assert not by_path, f"pages linked by path string, not by st.Page object: {by_path}"


# --- session state: small choices only ---------------------------------------------------------------
def data_in(value: object, where: str, seen: set[int] | None = None) -> list[str]:
    """Where ``value`` holds a table, an array or a Context (searched through containers and objects)."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, (str, bytes, int, float, bool, type(None))):
        return []
    seen.add(id(value))
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index, np.ndarray, Context)):
        return [f"{where}: {type(value).__name__}"]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = enumerate(value)
    elif dataclasses.is_dataclass(value):
        items = ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    else:
        items = getattr(value, "__dict__", {}).items()
    return [hit for k, v in items for hit in data_in(v, f"{where}[{k!r}]", seen)]


def small_choices_only(at) -> None:
    found, large = [], []
    for key, value in at.session_state.to_dict().items():
        found += data_in(value, key)
        if key not in UPLOAD_KEYS and (size := len(pickle.dumps(value))) > SMALL_BYTES:
            large.append(f"{key}: {size:,} bytes")
    assert not found, f"data in session state: {found}"
    assert not large, f"session-state values that are not small choices: {large}"


def test_the_session_state_check_finds_a_context() -> None:
    assert data_in({"a": [1, (Context(),)]}, "x") == ["x['a'][1][0]: Context"]
    assert data_in(pd.DataFrame({"a": [1]}), "y") == ["y: DataFrame"]


@pytest.mark.parametrize("scenario", ["german_credit"])
def test_session_state_holds_no_data_after_every_page(scenario: str) -> None:
    at = new_app(timeout=600, **{state.SCENARIO: scenario})
    small_choices_only(at)
    for section in pages.SECTIONS.values():
        for entry in section:
            open_page(at, f"pages/{entry.file}")
            assert not at.error, (entry.title, [e.value for e in at.error])
            small_choices_only(at)
    at.button[0].click().run()              # Practice: submit, so its diagnosis and evidence run
    assert at.subheader, "the Practice page did not reveal its answer"
    small_choices_only(at)


def test_session_state_holds_no_data_with_an_upload(sample_files) -> None:
    at = upload(new_app(), *sample_files)
    for entry in (pages.OVERVIEW, pages.DATA, pages.FEATURE_DRIFT):
        open_page(at, f"pages/{entry.file}")
        assert not at.error, (entry.title, [e.value for e in at.error])
        small_choices_only(at)
