"""Overview: what the tool does, what is loaded, the verdict, and where to go next."""

from __future__ import annotations

import streamlit as st

import drift
from drift.core.errors import DriftError
from ui import boundary, charts, data, layout, pages, safe, state

st.title("Drift Explorer")
st.markdown(
    "Your model learnt from a **reference** dataset (its training data); in production it sees **current** "
    "data. When the two drift apart, the model's predictions quietly lose their footing. Drift Explorer "
    "answers, step by step: *has something changed, where, how much — and does it matter?*")

ctx = layout.require_data()
opts = data.settings()

st.subheader("What is loaded", divider="gray")
layout.source_caption(ctx, opts)
if ctx.source.description:
    st.markdown(ctx.source.description)
elif ctx.source.kind == "upload":
    st.markdown(f"Your files: **{safe.text(ctx.source.reference_name)}** (reference) and "
                f"**{safe.text(ctx.source.current_name)}** (production).")

st.subheader("Verdict", divider="gray")
try:
    table = data.drift_table(ctx, opts)
except DriftError as err:
    boundary.show_error(err)
    st.stop()
summary = drift.summarize(table)
if table.empty and ctx.schema.columns_of("text"):
    st.info("This data is text: there is no numeric or categorical feature to test here. The Text page "
            "compares the language itself (descriptors, embeddings, the terms that moved) — that is where "
            "its verdict is.", icon=":material/info:")
    st.page_link(pages.TEXT.page(), label="Open the Text page")
else:
    pooled = ctx.batches and data.effective_batch(ctx, opts) == state.ALL_BATCHES
    if pooled:
        st.caption(f"All {len(ctx.batches)} batches of {safe.code(ctx.batch_column)} pooled:")
    layout.show_verdict(summary)
    by_batch = layout.worst_batch_line(ctx, opts)
    if by_batch is not None:
        layout.show_verdict(summary, by_batch)
    layout.headline_metrics(summary)

movers = table[table["drifted"]].head(5)
if len(movers):
    st.markdown("**Largest shifts:** " + ", ".join(
        f"{safe.code(row.feature)} (PSI {row.psi:.2f}, {row.severity})" for row in movers.itertuples()))
if ctx.validation.problems:
    st.warning(f"{len(ctx.validation.problems)} column problem(s) found while checking the data; "
               "see the Data page.", icon=":material/report:")
st.caption(layout.SEVERITY_LEGEND)

if ctx.batches:
    st.subheader("When did it change?", divider="gray")
    has_truth = data.ground_truth(ctx, ctx.batches[0]) is not None
    st.markdown(
        f"The same test, batch by batch ({safe.code(ctx.batch_column)}): how many features drifted in each. "
        + ("The ground truth of each batch is written under its label. Per-feature tests see changes in the "
           "inputs; a shift in the label rate or in P(y | x) leaves the inputs alone: seeing it needs the "
           "model's predictions and outcomes." if has_truth
           else "Pick a batch in the sidebar to see its features."))
    if len(ctx.batches) <= data.MAX_BATCHES_CHARTED:
        st.plotly_chart(charts.batch_overview(data.batch_summaries(ctx, opts)), key="batch_overview")
    else:
        st.info(f"{len(ctx.batches)} batches are too many to test one by one here (the limit is "
                f"{data.MAX_BATCHES_CHARTED}); pick one in the sidebar.", icon=":material/info:")

st.subheader("Next steps", divider="gray")
left, right = st.columns(2)
with left.container(border=True):
    st.page_link(pages.FEATURE_DRIFT.page())
    st.caption("Which features moved and how much: every statistic per feature, distributions side by "
               "side, and what each number means.")
with right.container(border=True):
    st.page_link(pages.DATA.page())
    st.caption("Previews of both files, data-quality checks, and the column roles (target, prediction, "
               "time, batch) — change any of them.")

with st.expander("How the numbers are made"):
    st.markdown(
        "- **Significance and size are kept apart.** Each feature gets a test (Kolmogorov–Smirnov for "
        "numeric, χ² for categorical) whose p-value is corrected across features (Benjamini–Hochberg by "
        "default), *and* effect sizes: PSI, Wasserstein distance in reference standard deviations, "
        "Jensen–Shannon distance. With a million rows every feature is 'significant'; the effect size "
        "says whether it matters.\n"
        "- **PSI** uses the reference's quantiles as bin edges (numeric) or its categories plus an "
        "'unseen' bin (categorical); empty bins count as 0.01 %.\n"
        "- **Missing values** are left out of the tests and their rate is tested separately.")
