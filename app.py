"""Drift Explorer: entry point.

Page config, the shared sidebar (data source, batch, statistics settings) and the navigation (the page
registry of :mod:`ui.pages`); the sidebar and the page run inside the app's one error boundary
(:mod:`ui.boundary`).
Run with ``make run`` or ``streamlit run app.py`` (settings in ``.streamlit/config.toml``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import boundary, multivariate, pages, sidebar, state

#: A local SVG: Streamlit inlines it as a data URI.  A ":material/…:" page icon would be fetched from a
#: font CDN on every page load.
PAGE_ICON = Path(__file__).resolve().parent / "ui" / "assets" / "page_icon.svg"

st.set_page_config(page_title="Drift Explorer", page_icon=PAGE_ICON, layout="wide")

state.init()
page = st.navigation(pages.navigation())   # the registry in ui/pages.py: one entry per page
try:
    with boundary.guard():
        sidebar.render()
        page.run()
finally:
    # UMAP compiles once per server process, in a background thread, and only once a page has been drawn:
    # the compilation holds the interpreter for 10-35 s and would delay the first page of a fresh server.
    multivariate.release_umap_warm_up()
