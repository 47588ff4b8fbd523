"""The app's pages: one registry entry per page; ``app.py`` builds the navigation from it and every link
between pages goes through it, by ``st.Page`` object (never by a path string).

An ``st.Page`` carries per-run state (``st.navigation`` marks the one page the run may execute), so an
entry builds its ``st.Page`` for the run that asks (:meth:`AppPage.page`) rather than sharing one object
between sessions; both objects of a run (navigation and link) come from the same entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

#: Folder of the page scripts.
PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


@dataclass(frozen=True)
class AppPage:
    """One page: its script in ``pages/``, title, icon and URL path.

    Every ``url_path`` differs from its file's stem: because the folder is called ``pages/``, Streamlit
    still knows the old file-based routes, and a URL equal to a stem (e.g. "/data") can run that page
    without the entry point (no sidebar) on a fresh server and on AppTest reruns.
    """

    file: str
    title: str
    icon: str
    url_path: str
    default: bool = False

    def page(self) -> st.Page:
        """The ``st.Page`` of this entry, for ``st.navigation``, ``st.page_link`` and ``st.switch_page``."""
        return st.Page(PAGES_DIR / self.file, title=self.title, icon=self.icon, url_path=self.url_path,
                       default=self.default)


OVERVIEW = AppPage("overview.py", "Overview", ":material/home:", "home", default=True)
DATA = AppPage("data.py", "Data", ":material/table_view:", "dataset")
FEATURE_DRIFT = AppPage("feature_drift.py", "Feature Drift", ":material/stacked_bar_chart:", "feature-drift")
DOMAIN_CLASSIFIER = AppPage("multivariate.py", "Domain Classifier", ":material/join_inner:",
                            "domain-classifier")
EMBEDDINGS = AppPage("embeddings.py", "Embeddings", ":material/scatter_plot:", "embedding-map")
DIAGNOSIS = AppPage("diagnosis.py", "Diagnosis", ":material/troubleshoot:", "diagnose")
REPORT = AppPage("report.py", "Report", ":material/summarize:", "stakeholder-report")
TIMELINE = AppPage("timeline.py", "Timeline", ":material/timeline:", "batch-timeline")
AUTOPILOT = AppPage("autopilot.py", "Autopilot", ":material/autoplay:", "retrain-autopilot")
TEXT = AppPage("text.py", "Text", ":material/text_fields:", "text-drift")
PRACTICE = AppPage("practice.py", "Practice", ":material/school:", "interview-practice")

#: The navigation, in story order: explore, multivariate, diagnose, monitor, text & practice.
SECTIONS: dict[str, tuple[AppPage, ...]] = {
    "Explore": (OVERVIEW, DATA, FEATURE_DRIFT),
    "Multivariate": (DOMAIN_CLASSIFIER, EMBEDDINGS),
    "Diagnose": (DIAGNOSIS, REPORT),
    "Monitor": (TIMELINE, AUTOPILOT),
    "Text & practice": (TEXT, PRACTICE),
}


def navigation() -> dict[str, list[st.Page]]:
    """The sections of ``st.navigation``: every registered page, built for this run."""
    return {section: [entry.page() for entry in entries] for section, entries in SECTIONS.items()}
