"""Data: what was loaded, its quality, and the role of every column (which the user can change)."""

from __future__ import annotations

import streamlit as st

from drift.data.schema import KINDS, ROLES
from ui import data, layout, model, pages, roles, safe

st.title("Data")
ctx = layout.require_data()
layout.source_caption(ctx)

# --- quality summary ---------------------------------------------------------------------------
st.subheader("Data quality", divider="gray")
profile = data.column_profile(ctx)
ref_cols, cur_cols = set(ctx.reference.columns), set(ctx.current.columns)
with_role = set(ctx.schema.roles)  # a batch or time column often exists in production only: expected
only_ref = [c for c in ctx.reference.columns if c not in cur_cols and c not in with_role]
only_cur = [c for c in ctx.current.columns if c not in ref_cols and c not in with_role]
problems = ctx.validation.problems

cols = st.columns(5)
cols[0].metric("Reference rows", f"{len(ctx.reference):,}", border=True)
cols[1].metric("Production rows", f"{len(ctx.current):,}", border=True)
cols[2].metric("Columns in both", len(ref_cols & cur_cols), border=True)
cols[3].metric("Features tested", len(ctx.schema.features), border=True,
               help="Numeric and categorical columns with no special role and not excluded.")
cols[4].metric("Problems", len(problems), border=True,
               help="Columns that validation flagged; each is listed below with what was done.")

if only_ref or only_cur:
    st.warning(
        "Columns on one side only — they cannot be compared: "
        + "; ".join(part for part in (
            f"reference only: {', '.join(safe.code(c) for c in only_ref)}" if only_ref else "",
            f"production only: {', '.join(safe.code(c) for c in only_cur)}" if only_cur else "") if part),
        icon=":material/compare_arrows:")
if problems:
    for problem in problems:
        action = "left out of the analysis" if problem.action == "excluded" else "kept in the analysis"
        st.warning(f"{safe.text(problem.error)} — **{action}**.", icon=":material/report:")
else:
    st.success("Every column passed the checks (empty, constant, infinite values, mixed types, "
               "too many categories).", icon=":material/check_circle:")

if ctx.source.kind == "upload":
    for frame in (ctx.reference, ctx.current):
        how = layout.load_summary(frame)
        if how:
            st.caption(how)

missing_ref = profile["missing_ref"].fillna(0).mean()
missing_cur = profile["missing_cur"].fillna(0).mean()
st.caption(f"Missing cells: {missing_ref:.1%} of the reference, {missing_cur:.1%} of production. "
           "Per-column types and missing shares are in the roles table below.")

# --- previews ----------------------------------------------------------------------------------
st.subheader("Preview", divider="gray")
PREVIEW_ROWS = 200
tab_ref, tab_cur = st.tabs([f"Reference · {safe.text(ctx.source.reference_name)}",
                            f"Production · {safe.text(ctx.source.current_name)}"])
with tab_ref:
    st.dataframe(ctx.reference.head(PREVIEW_ROWS), height=300)
with tab_cur:
    st.dataframe(ctx.current.head(PREVIEW_ROWS), height=300)
st.caption(f"First {PREVIEW_ROWS} rows of each side.")

# --- roles -------------------------------------------------------------------------------------
st.subheader("Column roles", divider="gray")
st.markdown(
    "Every column has a **kind** (only *numeric* and *categorical* columns are tested) and may play a "
    "**role**: the *target* (label), the model's *prediction*, a *time* stamp or a *batch* label. "
    "Columns with a role are not tested as features. The guesses below come from the data"
    + (" and the scenario" if ctx.source.kind == "scenario" else "")
    + "; change any of them and press **Apply**.")

requested = ctx.schema_requested
candidates = roles.candidates(ctx)
st.caption("A role is guessed only from an unambiguous name (e.g. *target*, *label*, a yes/no *default*) "
           "or content; a column that could play it but is as often a feature (an *is_…* flag, *class*, "
           "a *month* found in both files) is listed as a candidate for you to pick.")
st.dataframe(
    roles.status_frame(requested, candidates, user_roles=ctx.overrides.get("roles", {}),
                       declared=roles.scenario_roles(ctx)),
    hide_index=True,
    column_config={
        "role": st.column_config.TextColumn("Role"),
        "column": st.column_config.TextColumn("Column in use"),
        "how": st.column_config.TextColumn("How it was chosen", width="large"),
        "candidates": st.column_config.TextColumn("Other candidates", width="medium"),
    })
if not candidates.empty:
    st.caption("Every candidate and why it was (or was not) guessed:")
    st.dataframe(candidates, hide_index=True, column_config={
        "role": st.column_config.TextColumn("Role", width="small"),
        "column": st.column_config.TextColumn("Column"),
        "reason": st.column_config.TextColumn("Why", width="large"),
        "chosen": st.column_config.CheckboxColumn("Guessed", width="small"),
    })
editor_frame = roles.editor_frame(ctx)
version = st.session_state[roles.VERSION_KEY]
keys = roles.widget_keys(ctx.source.key, version)

with st.form(keys["form"], border=True):
    role_cols = st.columns(len(ROLES))
    for col, role in zip(role_cols, ROLES):
        current = getattr(requested, role)
        options = roles.role_options(role, list(requested.kinds), candidates)
        col.selectbox(role.capitalize(), options, index=options.index(current) if current in options else 0,
                      key=keys[role], help=roles.ROLE_HELP[role] + " Candidates come first.")
    st.data_editor(
        editor_frame, key=keys["editor"], hide_index=True, height=min(38 + 35 * len(editor_frame), 900),
        placeholder="—",
        disabled=[c for c in editor_frame.columns if c not in ("kind", "exclude")],
        column_config={
            "column": st.column_config.TextColumn("Column"),
            "kind": st.column_config.SelectboxColumn("Kind", options=list(KINDS), required=True,
                                                     help="How the column is treated."),
            "exclude": st.column_config.CheckboxColumn("Exclude",
                                                       help="Leave the column out of the analysis."),
            "status": st.column_config.TextColumn("Status", help="What the analysis does with the column."),
            "type_ref": st.column_config.TextColumn("Type (ref)"),
            "type_cur": st.column_config.TextColumn("Type (cur)"),
            "missing_ref": st.column_config.NumberColumn("Missing ref", format="percent"),
            "missing_cur": st.column_config.NumberColumn("Missing cur", format="percent"),
            "distinct_ref": st.column_config.NumberColumn("Distinct (ref)"),
        })
    st.form_submit_button("Apply", type="primary", icon=":material/check:", on_click=roles.apply,
                          args=(ctx.source.key, keys))

if ctx.overrides:
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.info("You changed the inferred roles: " + roles.describe(ctx.overrides), icon=":material/edit:")
    right.button("Reset to inferred roles", on_click=roles.reset, args=(ctx.source.key,))
if ctx.schema.notes:
    with st.expander("Why these kinds and roles were guessed"):
        st.text("\n".join(ctx.schema.notes))  # plain text: column names are data, never Markdown

# --- the model's task --------------------------------------------------------------------------
st.subheader("The model", divider="gray")
model.show_task(ctx)

st.page_link(pages.FEATURE_DRIFT.page(), label="Next: see which features drifted",
             icon=":material/arrow_forward:")
