"""Drift Explorer: entry point.

Page config, the shared sidebar (data source, batch, statistics settings) and the navigation; the
sidebar and the page run inside the app's one error boundary (:mod:`ui.boundary`).
Run with ``make run`` or ``streamlit run app.py`` (settings in ``.streamlit/config.toml``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import boundary, multivariate, sidebar, state

#: A local SVG: Streamlit inlines it as a data URI.  A ":material/…:" page icon would be fetched from a
#: font CDN on every page load.
PAGE_ICON = Path(__file__).resolve().parent / "ui" / "assets" / "page_icon.svg"

st.set_page_config(page_title="Drift Explorer", page_icon=PAGE_ICON, layout="wide")

# One entry per page, in story order: explore, multivariate, diagnose, monitor, text & practice.
# Every url_path must differ from its file's stem: because the folder is called ``pages/``, Streamlit
# still knows the old file-based routes, and a URL equal to a stem (e.g. "/data") can run that page
# without this entry point (no sidebar) on a fresh server and on AppTest reruns.
PAGES = {
    "Explore": [
        st.Page("pages/overview.py", title="Overview", icon=":material/home:", url_path="home", default=True),
        st.Page("pages/data.py", title="Data", icon=":material/table_view:", url_path="dataset"),
        st.Page("pages/feature_drift.py", title="Feature Drift", icon=":material/stacked_bar_chart:",
                url_path="feature-drift"),
    ],
    "Multivariate": [
        st.Page("pages/multivariate.py", title="Domain Classifier", icon=":material/join_inner:",
                url_path="domain-classifier"),
        st.Page("pages/embeddings.py", title="Embeddings", icon=":material/scatter_plot:",
                url_path="embedding-map"),
    ],
    "Diagnose": [
        st.Page("pages/diagnosis.py", title="Diagnosis", icon=":material/troubleshoot:", url_path="diagnose"),
        st.Page("pages/report.py", title="Report", icon=":material/summarize:",
                url_path="stakeholder-report"),
    ],
    "Monitor": [
        st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:", url_path="batch-timeline"),
        st.Page("pages/autopilot.py", title="Autopilot", icon=":material/autoplay:",
                url_path="retrain-autopilot"),
    ],
    "Text & practice": [
        st.Page("pages/text.py", title="Text", icon=":material/text_fields:", url_path="text-drift"),
        st.Page("pages/practice.py", title="Practice", icon=":material/school:",
                url_path="interview-practice"),
    ],
}

state.init()
page = st.navigation(PAGES)
try:
    with boundary.guard():
        st.session_state[state.CONTEXT] = sidebar.render()
        page.run()
finally:
    # UMAP compiles once per server process, in a background thread, and only once a page has been drawn:
    # the compilation holds the interpreter for 10-35 s and would delay the first page of a fresh server.
    multivariate.release_umap_warm_up()
