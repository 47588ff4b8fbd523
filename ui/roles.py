"""The column-roles form of the Data page: its table, its widget keys and its callbacks.

The form starts from the schema in force (inferred roles + the user's overrides).  *Apply* turns the
form's values into overrides relative to the inferred schema (:func:`ui.data.overrides_from_choices`),
stores them per data source, and bumps a version number that is part of every widget key, so the next
run draws a fresh form from the new roles (no stale edits are replayed on top of them).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from drift.schema import FEATURE_KINDS, ROLES, Schema

from . import data, safe, state

NONE = "— none —"
VERSION_KEY = state.ROLES_VERSION
ROLE_HELP = {
    "target": "The label the model predicts (e.g. default yes/no). Not tested as a feature.",
    "prediction": "The model's score or predicted class. Not tested as a feature.",
    "time": "A timestamp; not tested as a feature.",
    "batch": "Splits production into batches (e.g. month); pick a batch in the sidebar.",
}


def widget_keys(source_key: str, version: int) -> dict[str, str]:
    """Keys of the form's widgets for one data source and form version."""
    tag = f"{source_key}:{version}"
    keys = {role: f"{state.ROLES_EDITOR}:{role}:{tag}" for role in ROLES}
    keys["editor"] = f"{state.ROLES_EDITOR}:table:{tag}"
    keys["form"] = f"{state.ROLES_EDITOR}:form:{tag}"
    return keys


def _status(col: str, kind: str, schema: Schema, validation, role_of: dict[str, str]) -> str:
    excluded_by_check = {p.column: str(p.error) for p in validation.problems if p.action == "excluded"}
    if col in role_of:
        return f"role: {role_of[col]}"
    if col in excluded_by_check:
        return "left out: failed a check (see above)"
    if col in schema.excluded:
        return "excluded"
    if kind in FEATURE_KINDS:
        return "tested"
    return f"not tested ({kind})"


def editor_frame(requested: Schema, validation, profile: pd.DataFrame) -> pd.DataFrame:
    """One row per column of the requested schema: kind and exclusion (editable), status and profile."""
    role_of = requested.roles
    prof = profile.set_index("column")
    rows = []
    ordered = [*role_of, *(c for c in requested.kinds if c not in role_of)]  # roles first, then columns
    for col in ordered:
        kind = requested.kinds[col]
        p = prof.loc[col] if col in prof.index else None
        rows.append({
            "column": col,
            "kind": kind,
            "exclude": col in requested.excluded,
            "status": _status(col, kind, requested, validation, role_of),
            "type_ref": p["type_ref"] if p is not None else "—",
            "type_cur": p["type_cur"] if p is not None else "—",
            "missing_ref": p["missing_ref"] if p is not None else None,
            "missing_cur": p["missing_cur"] if p is not None else None,
            "distinct_ref": p["distinct_ref"] if p is not None else None,
        })
    return pd.DataFrame(rows)


def apply(ctx: data.Context, frame: pd.DataFrame, keys: dict[str, str]) -> None:
    """Form callback: store the form's roles, kinds and exclusions as overrides of the inferred schema."""
    ss = st.session_state
    chosen = {role: (None if ss[keys[role]] == NONE else ss[keys[role]]) for role in ROLES}
    edited = frame.copy()
    for row, changes in ss.get(keys["editor"], {}).get("edited_rows", {}).items():
        for column, value in changes.items():
            if column in ("kind", "exclude"):
                edited.loc[int(row), column] = value
    kinds = dict(zip(edited["column"], edited["kind"]))
    excluded = [c for c, x in zip(edited["column"], edited["exclude"]) if bool(x)]
    data.set_overrides(ctx.source.key, data.overrides_from_choices(ctx.inferred, chosen, kinds, excluded))


def reset(source_key: str) -> None:
    """Button callback: forget the overrides of one data source."""
    data.set_overrides(source_key, {})


def describe(overrides: data.RoleOverrides) -> str:
    """Overrides in one line of Markdown, e.g. "target → `default`; `age` as categorical; excluded `id`"
    (column names as literal code spans)."""
    parts = [f"{role} → {safe.code(col)}" if col else f"no {role}"
             for role, col in overrides.get("roles", {}).items()]
    parts += [f"{safe.code(col)} as {kind}" for col, kind in overrides.get("kinds", {}).items()]
    if "excluded" in overrides:
        cols = overrides["excluded"]
        parts.append("excluded " + ", ".join(safe.code(c) for c in cols) if cols else "nothing excluded")
    return "; ".join(parts) + "."
