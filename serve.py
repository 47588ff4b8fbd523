"""``make run``'s entry point: the app of ``app.py``, served once the modules its pages need are imported.

``streamlit run serve.py`` starts the same app as ``streamlit run app.py``; the server only accepts its
first connection after :func:`preload` has imported the library and the app's modules, so the first visitor
does not wait for those imports (two to five seconds here).  Nothing is computed here: results come from
the disk cache ``make run`` prepared (``python -m ui.warm``) or are computed on the first visit.
"""

from __future__ import annotations

import contextlib
import importlib
import time

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

#: Modules the pages import on their first run (the heavy ones: pandas, SciPy, numba, scikit-learn,
#: plotly, PyArrow come with them).
PRELOAD = ("ui.boundary", "ui.cache", "ui.pages", "ui.data", "ui.sidebar", "ui.layout", "ui.charts",
           "ui.multivariate", "ui.text", "ui.timeline", "ui.diagnosis", "drift.diagnosis.features",
           "drift.multivariate.domain", "drift.monitoring.monitor", "drift.data.scenarios.cache",
           "pyarrow.parquet", "plotly.express")


@contextlib.asynccontextmanager
async def preload(_app):
    # app.py registers pages/ with st.navigation; Streamlit only learns that on the first run, and until
    # then takes a folder named pages/ for its legacy pages directory, so a fresh server's first session
    # opened on a deep link (/feature-drift) got a "Page not found" dialog (streamlit issues 8860, 9992).
    # st.navigation sets this same flag on every run; here it is set before the first one.
    PagesManager.uses_pages_directory = False
    t0 = time.perf_counter()
    for name in PRELOAD:
        importlib.import_module(name)
    print(f"  Modules imported in {time.perf_counter() - t0:.1f} s.", flush=True)
    yield


app = st.App("app.py", lifespan=preload)
