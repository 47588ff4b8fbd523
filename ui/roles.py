"""The column-roles form of the Data page: its table, its widget keys and its callbacks.

The form starts from the schema in force (inferred roles + the user's overrides).  *Apply* turns the
form's values into overrides relative to the inferred schema (:func:`ui.data.overrides_from_choices`),
stores them per data source, and bumps a version number that is part of every widget key, so the next
run draws a fresh form from the new roles (no stale edits are replayed on top of them).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from drift.data.schema import FEATURE_KINDS, ROLES, Schema

from . import cache, data, safe, state

NONE = "— none —"
VERSION_KEY = state.ROLES_VERSION
ROLE_HELP = {
    "target": "The label the model predicts (e.g. default yes/no). Not tested as a feature.",
    "prediction": "The model's score or predicted class. Not tested as a feature.",
    "time": "A timestamp; not tested as a feature.",
    "batch": "Splits production into batches (e.g. month); pick a batch in the sidebar.",
}


#: What the status table says for a role nobody set and nothing suggests.
NO_CANDIDATE = "not guessed: no column looks like one — pick one if the data has it"
#: ... and for a role with candidates but no unambiguous one.
PICK_ONE = "not guessed: pick one of the candidates (or leave it empty)"


def candidates(ctx: data.Context) -> pd.DataFrame:
    """:func:`drift.role_candidates` of the loaded data, on the inferred kinds (cached)."""
    return cache.role_candidates(ctx)


def scenario_roles(ctx: data.Context) -> dict[str, str | None]:
    """Roles a built-in scenario declares (empty for an upload)."""
    if ctx.source.kind != "scenario" or ctx.scenario is None:
        return {}
    return {role: getattr(ctx.scenario, role, None) for role in ROLES}


def status_frame(requested: Schema, table: pd.DataFrame, *, user_roles: Mapping[str, str | None],
                 declared: Mapping[str, str | None]) -> pd.DataFrame:
    """One row per role: the column in use, how it was chosen, and the other candidates (names).

    ``table`` is :func:`drift.role_candidates`; ``user_roles`` the roles the user set on this page,
    ``declared`` those a built-in scenario declares.  Names stay plain text (shown in a table, never
    as Markdown).
    """
    rows = []
    for role in ROLES:
        col = getattr(requested, role)
        mine = table[table["role"] == role]
        guess = mine[mine["chosen"]]
        others = mine[~mine["column"].isin(list(requested.roles))]  # not a column already given a role
        if role in user_roles:
            how = "your choice" if col is not None else "none: your choice"
        elif col is not None and declared.get(role) == col:
            how = "set by the scenario"
        elif col is not None and len(guess) and guess["column"].iloc[0] == col:
            how = str(guess["reason"].iloc[0])
        elif col is not None:
            how = "set by the data source"
        else:
            how = PICK_ONE if len(mine) else NO_CANDIDATE
        listed = ", ".join(str(c) for c in others["column"])
        rows.append({"role": role, "column": "—" if col is None else str(col), "how": how,
                     "candidates": listed})
    return pd.DataFrame(rows, columns=["role", "column", "how", "candidates"])


def role_options(role: str, columns: list, table: pd.DataFrame) -> list:
    """Choices of a role's selectbox: none, then the role's candidates, then every other column."""
    first = [c for c in table.loc[table["role"] == role, "column"] if c in columns]
    return [NONE, *first, *(c for c in columns if c not in first)]


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


def editor_frame(ctx: data.Context) -> pd.DataFrame:
    """One row per column of the requested schema: kind and exclusion (editable), status and profile."""
    requested, validation = ctx.schema_requested, ctx.validation
    role_of = requested.roles
    prof = data.column_profile(ctx).set_index("column")
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


def apply(source_key: str, keys: dict[str, str]) -> None:
    """Form callback: store the form's roles, kinds and exclusions as overrides of the inferred schema.

    Runs before the page, on the choices that drew the form: the context and the form's table come back
    from the cache layer (no table travels in the callback's arguments).
    """
    ss = st.session_state
    ctx = data.page_context()
    if not ctx.ready or ctx.source.key != source_key:
        return
    frame = editor_frame(ctx)
    chosen = {role: (None if ss[keys[role]] == NONE else ss[keys[role]]) for role in ROLES}
    edited = frame.copy()
    for row, changes in ss.get(keys["editor"], {}).get("edited_rows", {}).items():
        for column, value in changes.items():
            if column in ("kind", "exclude"):
                edited.loc[int(row), column] = value
    kinds = dict(zip(edited["column"], edited["kind"]))
    excluded = [c for c, x in zip(edited["column"], edited["exclude"]) if bool(x)]
    overrides = data.overrides_from_choices(ctx.inferred, chosen, kinds, excluded)
    if "task" in ctx.overrides:                   # the task forced below the form stays forced
        overrides["task"] = ctx.overrides["task"]
    data.set_overrides(ctx.source.key, overrides)


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
    if "task" in overrides:
        parts.append(f"task {safe.text(overrides['task'])}")
    return "; ".join(parts) + "."
