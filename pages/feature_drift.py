"""Feature Drift: which features moved, how much, and what each statistic says about one of them."""

from __future__ import annotations

import streamlit as st

import drift
from drift.core.errors import DriftError
from ui import boundary, charts, data, layout, pages, safe, state

st.title("Feature Drift")
ctx = layout.require_data()
opts = data.settings()
layout.source_caption(ctx, opts)
batch = data.effective_batch(ctx, opts)

try:
    table = data.drift_table(ctx, opts)
except DriftError as err:
    boundary.show_error(err)
    st.stop()

# --- headline ----------------------------------------------------------------------------------
summary = drift.summarize(table)
layout.show_verdict(summary)
layout.headline_metrics(summary)

if ctx.batches and batch == state.ALL_BATCHES:
    st.caption(f"Production pools all {len(ctx.batches)} batches of {safe.code(ctx.batch_column)}. Pick one "
               "batch in the sidebar to see when a change happened.")
layout.show_ground_truth(ctx, batch)
for problem in table.attrs.get("problems", ()):
    st.warning(f"{safe.text(problem.error)} — left out of this comparison.", icon=":material/report:")

if table.empty:
    if ctx.schema.columns_of("text"):
        st.info("This data is text: there is no numeric or categorical feature to test here. The Text page "
                "compares the language itself (descriptors, embeddings, the terms that moved).",
                icon=":material/info:")
        st.page_link(pages.TEXT.page(), label="Open the Text page")
    else:
        st.info("There is no numeric or categorical feature to test. Check the column roles and kinds on the "
                "Data page.", icon=":material/info:")
    st.page_link(pages.DATA.page(), label="Open the Data page")
    st.stop()

# --- every feature -----------------------------------------------------------------------------
st.subheader("All features", divider="gray")
features = table["feature"].tolist()


def _select_row() -> None:
    """Table callback: a clicked row opens that feature below (rows are positions in ``table``)."""
    rows = st.session_state[state.DRIFT_TABLE].selection.rows
    if rows:
        st.session_state[state.FEATURE] = features[rows[0]]


tab_table, tab_chart = st.tabs(["Table", "Effect size chart"])
with tab_table:
    st.dataframe(charts.drift_table_styler(table), key=state.DRIFT_TABLE, hide_index=True,
                 on_select=_select_row, selection_mode="single-row", placeholder="—",
                 height=min(38 + 35 * len(table), 600), column_config=charts.DRIFT_TABLE_CONFIG)
    st.caption(layout.SEVERITY_LEGEND + " Click a column header to sort, a row to open the feature below.")
with tab_chart:
    st.plotly_chart(charts.psi_overview(table), key="psi_overview")

# --- one feature -------------------------------------------------------------------------------
st.subheader("One feature in detail", divider="gray")
by_name = table.set_index("feature")
if st.session_state.get(state.FEATURE) not in features:
    st.session_state[state.FEATURE] = features[0]
# Options are the bare names (in table order: most severe first).  A label carrying the numbers would go
# stale in the browser when the batch changes but the selected name stays the same.
feature = st.selectbox("Feature", features, key=state.FEATURE, persist_state="session",
                       help="Ordered like the table: most severe first.")
row = by_name.loc[feature]
detail = data.feature_detail(ctx, opts, feature)
readings = detail.readings
cur_label = "production" if batch == state.ALL_BATCHES else f"batch {batch}"

test_name = "KS statistic D" if detail.kind == "numeric" else "χ² statistic"
cells = [
    (test_name, charts.format_number(detail.test.statistic), readings.get("test", ""),
     f"p-value {charts.format_pvalue(detail.test.pvalue)}; corrected across features "
     f"{charts.format_pvalue(row['pvalue_adjusted'])}"),
    ("PSI", charts.format_number(detail.psi.statistic), readings.get("psi", ""), None),
    ("Wasserstein (σ of reference)",
     "—" if detail.kind != "numeric" else charts.format_number(detail.wasserstein.statistic),
     readings.get("wasserstein", "Numeric features only."), None),
    ("Jensen–Shannon distance", charts.format_number(detail.js.statistic), readings.get("js", ""), None),
]
st.markdown(f"**{safe.code(feature)}** · {detail.kind} · {charts.severity_markdown(row['severity'])}"
            + (f" · {safe.text(row['note'])}" if row["note"] else ""))
for col, (label, value, reading, extra) in zip(st.columns(len(cells)), cells):
    with col.container(border=True, height="stretch"):
        st.metric(label, value)
        if extra:
            st.caption(extra)
        st.caption(safe.text(reading))   # readings quote bins, i.e. category values: text, never HTML
if "missing" in readings:
    st.info(readings["missing"], icon=":material/block:")

reference_col = ctx.reference[feature]
current_col = data.current_rows(ctx, batch)[feature]
if detail.kind == "numeric":
    st.plotly_chart(charts.numeric_distribution(reference_col, current_col, current_name=cur_label),
                    key="distribution")
else:
    st.plotly_chart(charts.category_shares(detail.psi.table, current_name=cur_label), key="distribution")

st.markdown("**PSI bin by bin**" + (" — bins cut at the reference's quantiles" if detail.kind == "numeric"
                                     else " — one bin per reference category"))
left, right = st.columns([1, 1])
with left:
    st.plotly_chart(charts.psi_bins(detail.psi.table, current_name=cur_label,
                                    shares=detail.kind == "numeric"), key="psi_bins")
with right:
    st.dataframe(charts.psi_table_styler(detail.psi.table), hide_index=True, key="psi_table",
                 placeholder="—", height=min(38 + 35 * len(detail.psi.table), 600))
    if detail.psi.note:
        st.caption(detail.psi.note)
