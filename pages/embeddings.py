"""Embeddings: both sets in one 2-D map, how much they overlap, and an MMD test on the embeddings."""

from __future__ import annotations

import streamlit as st

from drift.core.errors import DriftError
from ui import boundary, charts, data, layout, pages, safe, state
from ui import multivariate as mv

METHODS = {"umap": "UMAP", "pca": "PCA"}
COLOR_DATASET, COLOR_SCORE, COLOR_BATCH, COLOR_FEATURE = ("Dataset", "P(production)", "Batch", "A feature")

st.title("Embeddings")
ctx = layout.require_data()
opts = data.settings()
layout.source_caption(ctx, opts)
batch = data.effective_batch(ctx, opts)
st.markdown(
    "An embedding turns each row into a vector — the way a model (or a text encoder) sees it. Here both sets "
    "are embedded the same way, projected into **one** 2-D map by a single joint fit, and compared: the map "
    "shows *where* production sits relative to the training data, the overlap score puts a number on the "
    "picture, and the MMD test says whether the difference is more than chance.")

sources = mv.embedding_sources(ctx)
if not sources:
    st.info("This data offers no embedding: no `emb_0 … emb_n` columns or column of vectors, no numeric or "
            "categorical feature, and no text column. Check the column kinds on the Data page.",
            icon=":material/info:")
    left, right = st.columns(2)
    left.page_link(pages.DATA.page(), label="Open the Data page")
    right.page_link(pages.DOMAIN_CLASSIFIER.page(), label="Open the Domain Classifier")
    st.stop()

if st.session_state.get(state.EMB_SOURCE) not in sources:
    st.session_state[state.EMB_SOURCE] = next(iter(sources))
source = st.selectbox("Embedding source", list(sources), format_func=sources.get, key=state.EMB_SOURCE,
                      help="Provided embeddings are used as they are. The model's layer comes from an MLP "
                           "fitted on half of the reference (its MMD compares the other half, rows the model "
                           "never saw); text embeddings are fitted on both sides; the features themselves "
                           "are standardised on both sides — the map of the inputs when there is no model.")
try:
    with st.spinner("Computing the embeddings (once per data source)…"):
        ref_emb, cur_emb = mv.embeddings(ctx, opts, source)
except DriftError as err:
    boundary.show_error(err)
    st.stop()
cur_label = "production" if batch == state.ALL_BATCHES else f"batch {safe.text(batch)}"  # Markdown
st.caption(f"{ref_emb.shape[1]} dimensions · reference {len(ref_emb):,} rows · "
           f"{cur_label} {len(cur_emb):,} rows")

# The domain classifier's scores colour the map; its balanced sample is what gets projected.
try:
    with st.spinner("Scoring rows with the domain classifier…"):
        dc = mv.domain_result(ctx, opts) if mv.classifier_features(ctx) else None
except DriftError:
    dc = None
if dc is not None and not len(dc.scores):
    dc = None

# --- the map -----------------------------------------------------------------------------------------
st.subheader("Reference and production in one map", divider="gray")
warm = mv.start_umap_warm_up()
st.session_state.setdefault(state.EMB_METHOD, "umap")
st.session_state.setdefault(state.EMB_POINTS, mv.DEFAULT_POINTS)
umap_pending = st.session_state[state.EMB_METHOD] == "umap" and not warm.done.is_set()


def map_panel(pending: bool) -> None:
    if pending and warm.done.is_set():
        st.rerun(scope="app")                  # UMAP is ready: redraw without the progress poll
    left, mid, right = st.columns([1, 1.4, 2])
    method = left.segmented_control(
        "Projection", list(METHODS), format_func=METHODS.get, key=state.EMB_METHOD, required=True,
        help="UMAP keeps neighbourhoods (clusters) but distances between clusters mean little; PCA is "
             "linear and fast, distances are faithful but clusters can overlap.")
    points = mid.select_slider("Points at most (both sides)", options=list(mv.POINT_CHOICES),
                               key=state.EMB_POINTS, format_func=lambda n: f"{n:,}")
    colors = [COLOR_DATASET]
    if dc is not None:
        colors.append(COLOR_SCORE)
    if ctx.batches and batch == state.ALL_BATCHES:
        colors.append(COLOR_BATCH)
    colors.append(COLOR_FEATURE)
    if st.session_state.get(state.EMB_COLOR) not in colors:
        st.session_state[state.EMB_COLOR] = COLOR_DATASET
    color_by = right.segmented_control("Colour by", colors, key=state.EMB_COLOR, required=True)

    use = method
    if method == "umap" and not warm.ready:
        use = "pca"
        if warm.failed:
            st.warning(f"UMAP is not available here ({safe.text(warm.error)}); showing PCA.",
                       icon=":material/warning:")
        else:
            share = min(warm.elapsed / mv.UMAP_EXPECTED_SECONDS, 0.95)
            st.progress(share, text=f"Preparing UMAP (a one-time compilation when the server starts, "
                                    f"{warm.elapsed:.0f} s so far) — showing PCA meanwhile; the map switches "
                                    "by itself.")
    with st.spinner(f"Projecting with {METHODS[use]}…"):
        try:
            proj, pts = mv.projection(ctx, opts, source, use, int(points), dc)
        except DriftError as err:
            boundary.show_error(err)
            return

    color, color_name = None, ""
    if color_by == COLOR_SCORE:
        color, color_name = pts["p_production"], "P(production)"
    elif color_by == COLOR_BATCH:
        color = mv.point_values(ctx, opts, pts, ctx.batch_column)
        color = color.where(pts["side"] != "reference", "reference")
        color_name = "batch"
    elif color_by == COLOR_FEATURE:
        options = [c for c in (*ctx.schema.features, ctx.schema.target, ctx.schema.prediction)
                   if c is not None and c in ctx.reference.columns]
        if not options:
            st.info("No feature to colour by.", icon=":material/info:")
        else:
            if st.session_state.get(state.EMB_COLOR_FEATURE) not in options:
                st.session_state[state.EMB_COLOR_FEATURE] = options[0]
            color_name = st.selectbox("Feature", options, key=state.EMB_COLOR_FEATURE)
            color = mv.point_values(ctx, opts, pts, color_name)

    level, text = mv.overlap_reading(proj.overlap)
    mv.show_reading(level, text)
    st.plotly_chart(mv.projection_scatter(pts, color=color, color_name=color_name, method=use),
                    key="emb_map")
    sample = ("the domain classifier's balanced sample (so every point has a P(production))" if dc is not None
              else "all rows")
    st.caption(
        f"{METHODS[use]} of {proj.n_reference:,} reference and {proj.n_current:,} {cur_label} points, one "
        f"joint fit on {sample} · {proj.seconds:.1f} s · lines: density "
        f"contours of each side · overlap uses the {proj.n_neighbors} nearest neighbours in the full "
        f"{ref_emb.shape[1]}-dimensional space, not the picture."
        + (f" Note: {safe.text(proj.note)}." if proj.note else ""))


boundary.fragment(map_panel, run_every=2 if umap_pending else None)(umap_pending)


# --- MMD -----------------------------------------------------------------------------------------
@boundary.fragment
def mmd_panel() -> None:
    st.subheader("Is the difference more than chance? (MMD)", divider="gray")
    st.markdown("Maximum Mean Discrepancy compares the two clouds of embeddings as a whole (Gaussian "
                "kernel). Shuffling the reference / production labels shows the values MMD² takes when "
                "nothing changed; the observed value is compared with them.")
    with st.spinner(f"Running {mv.MMD_PERMUTATIONS} permutations…"):
        try:
            res = mv.mmd_result(ctx, opts, source)
        except DriftError as err:
            boundary.show_error(err)
            return
    level, text = mv.mmd_reading(res, opts.alpha)
    mv.show_reading(level, text)
    left, right = st.columns([1, 2.2])
    with left:
        st.metric("MMD² (unbiased)", charts.format_number(res.statistic, 5), border=True)
        st.metric("p-value", charts.format_pvalue(res.pvalue), border=True,
                  help="(1 + shuffles with MMD² ≥ observed) / (1 + shuffles).")
        st.metric("Rows used", f"{res.n_reference:,} + {res.n_current:,}", border=True,
                  help=f"Reference + {cur_label}; at most {mv.MMD_MAX_SAMPLES:,} per side (seeded sample).")
        st.caption(f"Kernel bandwidth σ = {res.bandwidth:.3g} (median heuristic) · {res.n_permutations} "
                   "permutations" + (" · subsampled" if res.subsampled else "")
                   + (f" · {safe.text(res.note)}" if res.note else ""))
    with right:
        st.plotly_chart(mv.mmd_null_histogram(res), key="emb_mmd_null")


mmd_panel()

st.subheader("Next steps", divider="gray")
left, right = st.columns(2)
with left.container(border=True):
    st.page_link(pages.DOMAIN_CLASSIFIER.page())
    st.caption("Which features and which rows make production recognisable.")
with right.container(border=True):
    st.page_link(pages.FEATURE_DRIFT.page())
    st.caption("Each feature on its own: tests, effect sizes and distributions side by side.")
