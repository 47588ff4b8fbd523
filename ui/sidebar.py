"""The shared sidebar: data source, batch and statistical settings.

Rendered by ``app.py`` on every run, whatever the page, so these widgets (and their values) live as
long as the session.  Every widget's key is a constant of :mod:`ui.state`.
"""

from __future__ import annotations

import streamlit as st

from . import data, safe, state


def _format_alpha(alpha: float) -> str:
    return f"{alpha:.2f}"


def render() -> data.Context:
    """Draw the sidebar and return the :class:`ui.data.Context` its choices resolve to."""
    with st.sidebar:
        st.header("Data", divider="gray")
        st.radio("Source", [state.SOURCE_SCENARIO, state.SOURCE_UPLOAD], key=state.SOURCE_MODE,
                 help="A built-in scenario with known ground truth, or your own reference and "
                      "production files.")
        if st.session_state[state.SOURCE_MODE] == state.SOURCE_SCENARIO:
            titles = data.scenario_titles()
            if st.session_state.get(state.SCENARIO) not in titles:
                st.session_state[state.SCENARIO] = next(iter(titles))
            st.selectbox("Scenario", list(titles), format_func=titles.get, key=state.SCENARIO,
                         persist_state="session")
            models = data.scenario_models(st.session_state[state.SCENARIO])
            if models:
                if st.session_state.get(state.SCENARIO_TASK) not in models:
                    st.session_state[state.SCENARIO_TASK] = next(iter(models))
                st.selectbox("Model", list(models), format_func=models.get, key=state.SCENARIO_TASK,
                             persist_state="session",
                             help="This scenario has a second model on the same rows: pick the one to "
                                  "analyse. Every page follows (the binary model is the scenario's own).")
        else:
            formats = ", ".join(f".{t}" for t in state.UPLOAD_TYPES)
            helps = {state.UPLOAD_REFERENCE: f"The data the model was trained on. Formats: {formats}.",
                     state.UPLOAD_CURRENT: "Recent data to compare with the reference. A batch or time "
                                           f"column splits it into batches. Formats: {formats}."}
            labels = {state.UPLOAD_REFERENCE: "Reference (training) data",
                      state.UPLOAD_CURRENT: "Production (current) data"}
            for key, label in labels.items():
                st.file_uploader(label, type=list(state.UPLOAD_TYPES), key=key, help=helps[key],
                                 on_change=data.forget_kept_pair, args=(key,))
            kept = data.kept_pair()
            if kept is not None and not any(st.session_state.get(key) for key in labels):
                st.caption(f"Still using **{safe.text(kept[0][0])}** and **{safe.text(kept[1][0])}** "
                           "(uploaded earlier); upload both files again to analyse another pair.")
            st.caption("No data at hand? Try `data/credit_reference_sample.csv` and "
                       "`data/credit_production_sample.csv` from the repository.")

        ctx = data.build_context()

        if ctx.ready and ctx.batches:
            options = [state.ALL_BATCHES, *ctx.batches]
            if st.session_state.get(state.BATCH) not in options:
                st.session_state[state.BATCH] = state.ALL_BATCHES
            st.selectbox(f"Production batch ({safe.text(ctx.batch_column)})", options, key=state.BATCH,
                         help="Compare the reference with one production batch, or with all of them "
                              "pooled.")

        st.header("Statistics", divider="gray")
        st.radio("Significance level α", list(state.ALPHAS), key=state.ALPHA, horizontal=True,
                 format_func=_format_alpha,
                 help="A feature's difference is significant when its corrected p-value "
                      "is below α.")
        st.radio("Multiple-testing correction", list(state.CORRECTIONS), key=state.CORRECTION,
                 format_func=state.CORRECTIONS.get, horizontal=True,
                 help="Benjamini–Hochberg controls the false discovery rate across features; "
                      "Bonferroni the chance of any false alarm (stricter).")
        st.number_input("PSI bins (numeric features)", min_value=state.BINS_RANGE[0],
                        max_value=state.BINS_RANGE[1], step=1, key=state.BINS,
                        help="Numeric features are cut at this many reference quantiles for PSI and "
                             "Jensen–Shannon.")
        st.number_input("Random seed", min_value=0, max_value=2**31 - 1, step=1, key=state.SEED,
                        help="Seeds every randomised step (sampling, permutations, classifiers), so "
                             "results are reproducible.")
    return ctx
