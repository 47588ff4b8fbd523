"""Domain Classifier: can a model tell production rows from training rows — and by which features?"""

from __future__ import annotations

import streamlit as st

from drift.core.errors import DriftError
from ui import boundary, charts, data, layout, pages, safe, state
from ui import multivariate as mv

st.title("Domain Classifier")
ctx = layout.require_data()
opts = data.settings()
layout.source_caption(ctx, opts)
batch = data.effective_batch(ctx, opts)
st.markdown(
    "Per-feature tests look at one column at a time, so they miss a change that lives in a *combination* "
    "of columns. Here a gradient-boosted classifier is trained to tell **reference** rows (label 0) from "
    "**production** rows (label 1). If it cannot do better than a coin flip (ROC AUC ≈ 0.5), production "
    "looks like the training data; the better it does, the further production has moved — and the "
    "features it relies on, and the rows it is surest about, show where.")

if not layout.show_ground_truth(ctx, batch) and ctx.batches and batch == state.ALL_BATCHES:
    st.caption(f"Production pools all {len(ctx.batches)} batches; pick one in the sidebar to test it alone.")

features = mv.classifier_features(ctx)
if not features:
    st.info("There is no numeric or categorical feature for the classifier to learn from. Check the column "
            "roles and kinds on the Data page.", icon=":material/info:")
    st.page_link(pages.DATA.page(), label="Open the Data page")
    st.stop()


@boundary.fragment
def classifier_panel() -> None:
    with st.spinner(f"Training the domain classifier ({mv.DC_FOLDS} folds, up to {mv.DC_MAX_SAMPLES:,} rows "
                    "per side)…"):
        try:
            res = mv.domain_result(ctx, opts)
        except DriftError as err:
            boundary.show_error(err)
            return

    # --- verdict ----------------------------------------------------------------------------------
    st.subheader("Can production be told apart?", divider="gray")
    level, text = mv.auc_reading(res)
    mv.show_reading(level, text)
    cols = st.columns(4)
    lo, hi = res.auc_ci
    cols[0].metric("Domain classifier AUC", charts.format_number(res.auc), border=True,
                   help="Out-of-fold ROC AUC: 0.5 = indistinguishable, 1 = every row is recognisable.")
    cols[1].metric("95 % interval", f"{charts.format_number(lo)} – {charts.format_number(hi)}", border=True,
                   help="DeLong interval of the AUC (treats the fold models as fixed).")
    cols[2].metric("p-value", charts.format_pvalue(res.pvalue), border=True,
                   help=f"One-sided Mann–Whitney test per held-out fold, {res.n_folds} folds combined by "
                        f"the Cauchy rule. Drift is flagged when p < α = {res.alpha:g} and AUC ≥ "
                        f"{res.min_auc:g}.")
    cols[3].metric("Rows per side", f"{res.n_reference:,}", border=True,
                   help=f"A balanced, seeded sample (at most {mv.DC_MAX_SAMPLES:,} per side).")
    st.caption(f"{len(res.features)} features · {res.n_folds}-fold cross-validation · seed {opts.seed}"
               + (f" · {safe.text(res.note)}" if res.note else "")
               + ". Every score below comes from a model that did not see the row.")
    if not len(res.scores):
        return

    # --- where ------------------------------------------------------------------------------------
    st.subheader("Which features give production away", divider="gray")
    left, right = st.columns(2)
    with left:
        st.plotly_chart(mv.importance_bars(res.importances), key="dc_importances")
        st.caption("Importance = how much the AUC falls when one feature is shuffled (the classifier loses "
                   "that clue). Near 0: the feature did not help tell the sides apart.")
    with right:
        st.plotly_chart(mv.score_histogram(res.scores), key="dc_scores")
        st.caption("Without drift both histograms pile up around 0.5. Production rows pushed to the right "
                   "are the ones that look new; reference rows on the right are training rows that "
                   "resemble production.")
    top = str(res.importances["feature"].iloc[0])
    if res.importances["importance"].iloc[0] > 0 and top in ctx.schema.features:
        if st.button(f"See {safe.text(top)} on Feature Drift", icon=":material/stacked_bar_chart:",
                     key="dc_to_feature",
                     help="Opens the Feature Drift page on this feature: its distributions side by side."):
            st.session_state[state.FEATURE] = top
            st.switch_page(pages.FEATURE_DRIFT.page())

    # --- which rows ---------------------------------------------------------------------------------
    st.subheader("The most production-like rows", divider="gray")
    k = st.select_slider("Rows to list", options=[10, 20, 50, 100], value=20, key=state.MV_TOP_ROWS)
    table = mv.production_like_rows(res, ctx.reference, data.current_rows(ctx, batch), k)
    fmt = {f: st.column_config.NumberColumn(f, format="%.4g") for f in table.columns[3:]
           if table[f].dtype.kind in "fi"}
    st.dataframe(table, hide_index=True, key="dc_rows", placeholder="—",
                 height=min(38 + 35 * len(table), 560),
                 column_config={
                     "P(production)": st.column_config.ProgressColumn(
                         "P(production)", min_value=0.0, max_value=1.0, format="%.3f",
                         help="Out-of-fold probability that the row is from production."),
                     "row": st.column_config.TextColumn(
                         "Row", help="Index label in the production data; the first line is the reference's "
                                     "median (numeric) or most common value (categorical)."),
                     "stands out on": st.column_config.TextColumn(
                         "Stands out on", width="large",
                         help=f"Important features where the row is unusual for the reference: outside its "
                              f"{mv.OUTSIDE_PERCENTILES[0]:g}th–{mv.OUTSIDE_PERCENTILES[1]:g}th percentiles, "
                              f"or a category held by fewer than {mv.RARE_SHARE:.0%} of reference rows."),
                     **fmt})
    st.caption(f"The production rows the classifier is surest about, with their values on the "
               f"{len(table.columns) - 3} most important features. The first line, **reference**, holds the "
               "reference's median (numeric) or most common value (categorical), for comparison.")


classifier_panel()

st.subheader("Next steps", divider="gray")
left, right = st.columns(2)
with left.container(border=True):
    st.page_link(pages.EMBEDDINGS.page())
    st.caption("See both sets in one 2-D map (UMAP or PCA), coloured by P(production), and test the "
               "embeddings with MMD.")
with right.container(border=True):
    st.page_link(pages.FEATURE_DRIFT.page())
    st.caption("Each feature on its own: tests, effect sizes and distributions side by side.")
