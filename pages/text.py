"""Text: has the language of the posts changed, which week, and which words carry the change?"""

from __future__ import annotations

import streamlit as st

import drift
from drift.core.errors import DriftError
from ui import boundary, charts, data, layout, pages, safe, state
from ui import text as tx

st.title("Text drift")
st.markdown(
    "A model that reads text sees language, not columns: new slang, a product launch or an outage "
    "change the words people use long before anyone re-labels data. This page compares the posts of two "
    "periods through three lenses — simple **descriptors** (length, emoji, unseen words, a sentiment "
    "lexicon), **embeddings** (a whole-distribution MMD test and a domain classifier) and the **words** "
    "that tell the periods apart.")

ctx = layout.require_data()
opts = data.settings()
column = tx.text_column(ctx)


def _use_sentiment() -> None:
    st.session_state[state.SOURCE_MODE] = state.SOURCE_SCENARIO
    st.session_state[state.SCENARIO] = "sentiment"
    st.session_state[state.BATCH] = state.ALL_BATCHES


if column is None:
    layout.source_caption(ctx)
    with st.container(border=True):
        st.info("The data loaded has no text column, so this page shows the built-in **brand sentiment** "
                "scenario instead (posts over 14 weeks with a launch, an outage, a PR crisis, a competitor "
                "campaign and new slang). Your own data stays loaded on the other pages; to analyse your own "
                "texts, upload files with a column of free text (mark it as *text* on the Data page if it is "
                "not recognised).", icon=":material/text_fields:")
        st.button("Switch the whole app to the brand-sentiment scenario", icon=":material/swap_horiz:",
                  on_click=_use_sentiment)
    ctx = data.scenario_context("sentiment")
    column = tx.text_column(ctx)

layout.source_caption(ctx)
st.caption(f"Text column: {safe.code(column)}.")

# --- when did it change? -----------------------------------------------------------------------
if ctx.batches:
    st.subheader("When did the language change?", divider="gray")
    st.markdown(
        f"Every production batch against the reference: the **domain-classifier AUC** (how well a model "
        f"tells the batch's posts from the reference's; 0.5 = not at all) with bars coloured where the "
        f"**MMD test** on the embeddings is significant at α = {opts.alpha:g}, and below, what the model "
        f"does: its **share of positive predictions** and, where labels exist, its **accuracy**.")
    if ctx.task is not None and ctx.task.task != "binary":
        st.caption(f"The model loaded is a {ctx.task.task} model: the panel of the model's share of positive "
                   "predictions reads the binary model, so it is left out here. Pick the binary model "
                   "(**Model** in the sidebar) to see it; the Diagnosis page shows this model's own figures.")

    @boundary.fragment
    def _timeline() -> None:
        bar = st.progress(0.0, text="Testing each batch…")

        def tick(i: int, n: int, batch: str) -> None:
            bar.progress(i / n, text=f"Testing batch {safe.text(batch)} ({i + 1} of {n})…")

        try:
            points = tx.timeline(ctx, column, opts.seed, on_batch=tick)
        except DriftError as err:
            bar.empty()
            boundary.show_error(err)
            return
        bar.empty()
        st.plotly_chart(tx.timeline_figure(points, opts.alpha), key="text_timeline")
        changed = points.loc[points["mmd_pvalue"] < opts.alpha, "batch"].tolist()
        st.caption(
            f"Each batch: a seeded sample of up to {tx.TIMELINE_MAX:,} posts per side, "
            f"{tx.TIMELINE_PERMUTATIONS} MMD permutations (smallest possible p ≈ "
            f"{1 / (tx.TIMELINE_PERMUTATIONS + 1):.3f}). Hover a bar for the words that are new that week. "
            + (f"Language changed (MMD p < {opts.alpha:g}) in: **{', '.join(map(safe.text, changed))}**."
               if changed else "No batch's language differs significantly from the reference."))

    _timeline()

# --- two periods -------------------------------------------------------------------------------
st.subheader("Compare two periods", divider="gray")
options = tx.periods(ctx)
if st.session_state.get(state.TEXT_PERIOD_A) not in options:
    st.session_state[state.TEXT_PERIOD_A] = tx.REFERENCE
if st.session_state.get(state.TEXT_PERIOD_B) not in options:
    chosen = data.effective_batch(ctx, opts)
    st.session_state[state.TEXT_PERIOD_B] = chosen if chosen in options else options[-1]
left, right = st.columns(2)
period_a = left.selectbox("Period A (the baseline)", options, key=state.TEXT_PERIOD_A,
                          format_func=lambda p: tx.describe_period(ctx, p))
period_b = right.selectbox("Period B (compared with A)", options, key=state.TEXT_PERIOD_B,
                           format_func=lambda p: tx.describe_period(ctx, p),
                           help="A week against the reference, or one week against another.")
if period_a == period_b:
    st.info("Pick two different periods.", icon=":material/compare_arrows:")
    st.stop()
a_md, b_md = safe.text(period_a), safe.text(period_b)   # the periods' labels, for Markdown

if period_b != tx.REFERENCE:
    layout.show_ground_truth(ctx, period_b, what="")

try:
    res = tx.text_drift(ctx, column, period_a, period_b, opts.seed, opts.alpha)
except DriftError as err:
    boundary.show_error(err)
    st.stop()

if res.drifted:
    st.warning(f"The language of **{b_md}** differs from **{a_md}**: MMD on the post embeddings "
               f"{charts.format_pvalue(res.mmd.pvalue, prefix=True)} (< α = {opts.alpha:g}).",
               icon=":material/warning:")
else:
    st.success(f"No significant difference in language between **{a_md}** and **{b_md}** "
               f"(MMD {charts.format_pvalue(res.mmd.pvalue, prefix=True)}).",
               icon=":material/check_circle:")
cols = st.columns(4)
cols[0].metric("MMD p-value", charts.format_pvalue(res.mmd.pvalue), border=True,
               help="Permutation test of the whole embedding distribution (TF-IDF + SVD); the verdict.")
cols[1].metric("Domain classifier AUC", charts.format_number(res.domain.auc), border=True,
               help="Gradient-boosted trees on the embeddings, out-of-fold; 0.5 = the periods are "
                    "indistinguishable.")
cols[2].metric("Words classifier AUC", charts.format_number(res.linear_auc), border=True,
               help="A linear classifier on the words themselves (the one that names the terms below).")
summary = drift.summarize(res.descriptors)
cols[3].metric("Descriptors drifted", f"{summary.n_drifted} / {summary.n_features}", border=True,
               help="Descriptors with severity moderate or major (significant and PSI ≥ 0.1).")
sample = (f"Sample sizes: {res.n_reference:,} posts of {a_md} (of {res.n_reference_total:,}) and "
          f"{res.n_current:,} of {b_md} (of {res.n_current_total:,}); MMD on "
          f"{res.mmd.n_reference:,} + {res.mmd.n_current:,}.")
st.caption(sample + (f" {safe.text(res.note)}." if res.note else ""))

# --- words -------------------------------------------------------------------------------------
st.markdown("#### The words that tell the periods apart")
if res.linear_auc < 0.6:
    st.info(f"The words classifier's AUC is {res.linear_auc:.2f}, close to 0.5: it cannot tell the periods "
            "apart, so the terms below are **noise** — the strongest of many tiny random differences, "
            "not a change.", icon=":material/info:")
else:
    st.caption(f"A linear classifier on words and word pairs tells the periods apart with AUC "
               f"{res.linear_auc:.2f} (0.5 = chance); its largest weights name the terms most typical of "
               "each side. Were that AUC near 0.5, the terms would be noise.")
left, right = st.columns(2)
with left:
    st.plotly_chart(tx.terms_figure(res.terms, "reference", f"A: {period_a}"), key="terms_a")
with right:
    st.plotly_chart(tx.terms_figure(res.terms, "current", f"B: {period_b}"), key="terms_b")

st.markdown("#### Example posts")
st.caption("The posts the words classifier finds most typical of each side (out-of-fold P(B)).")
left, right = st.columns(2)
example_config = {"text": st.column_config.TextColumn("Post", width="large"),
                  "p_current": st.column_config.ProgressColumn("P(B)", format="%.2f", min_value=0.0,
                                                               max_value=1.0, width="small")}
with left:
    st.markdown(f"**Most typical of A: {a_md}**")
    st.dataframe(res.examples_reference[["text", "p_current"]], hide_index=True, key="examples_a",
                 column_config=example_config)
with right:
    st.markdown(f"**Most typical of B: {b_md}**")
    st.dataframe(res.examples_current[["text", "p_current"]], hide_index=True, key="examples_b",
                 column_config=example_config)

# --- descriptors -------------------------------------------------------------------------------
st.markdown("#### Descriptors")
st.caption("Readable numbers per post, tested like any feature (KS with Benjamini–Hochberg for significance, "
           "PSI for size). `unseen_share`: share of a post's tokens never seen in A (A measured leave-one-"
           "out); `lexicon_score`: (positive − negative lexicon words) / tokens — new slang the lexicon does "
           "not know pulls it towards 0.")
st.dataframe(charts.drift_table_styler(res.descriptors), hide_index=True, key="descriptors",
             column_config=charts.DRIFT_TABLE_CONFIG, placeholder="—")
st.caption(layout.SEVERITY_LEGEND)

# --- map ---------------------------------------------------------------------------------------
st.subheader("Map of the posts", divider="gray")


@boundary.fragment
def _map() -> None:
    ready = tx.umap_ready()
    if state.TEXT_MAP_METHOD not in st.session_state:
        st.session_state[state.TEXT_MAP_METHOD] = "umap" if ready else "pca"
    method = st.segmented_control("Projection", list(tx.MAP_METHODS), key=state.TEXT_MAP_METHOD,
                                  format_func=tx.MAP_METHODS.get) or "pca"
    if method == "umap" and not ready:
        st.info("UMAP is compiling in the background (once per server, 10–35 s); showing PCA until it is "
                "ready — switch again in a moment.", icon=":material/hourglass_top:")
        method = "pca"
    try:
        proj, coords = tx.embedding_map(ctx, column, opts.seed, method)
    except DriftError as err:
        boundary.show_error(err)
        return
    highlight = (period_a, period_b)
    st.plotly_chart(tx.map_figure(coords, proj.method, highlight), key="text_map")
    st.caption(
        f"{proj.n_reference + proj.n_current:,} posts (up to {tx.MAP_PER_PERIOD} per week, seeded), embedded "
        f"with TF-IDF + SVD and projected with {proj.method.upper()}; one colour per week, "
        f"{a_md} and {b_md} in full colour. Overlap score "
        f"{proj.overlap:.2f} (1 = production as mixed with the reference as chance; below ~0.8 they occupy "
        "different regions). Hover a point to read the post.")


_map()

st.subheader("Next steps", divider="gray")
left, right = st.columns(2)
with left.container(border=True):
    st.page_link(pages.PRACTICE.page())
    st.caption("Practise the interview answer: the structured diagnosis run live on a scenario.")
with right.container(border=True):
    st.page_link(pages.FEATURE_DRIFT.page())
    st.caption("The non-text columns (channel, author type, the model's score), one by one.")
