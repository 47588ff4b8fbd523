"""One palette for the app and the exported report: the two sides, the severities, the levels, the verdicts.

``ui.charts`` (the app) and ``drift.report.charts`` / ``drift.report.build`` (the HTML report) read these,
so a "major" feature or a production batch has the same colour on screen and in a shared report.  Colours of
marks (bars, points) are the Tableau-10 hues the app always used; ``*_TEXT`` are darker shades of the same
hues for text on white (WCAG AA contrast), ``*_TINT`` light shades for table rows.
"""

from __future__ import annotations

#: The reference (training) side and the current (production) side, on every chart.
REFERENCE = "#4C78A8"
CURRENT = "#F58518"

#: Severity -> colour of marks.
SEVERITY = {"stable": "#54A24B", "minor": "#D4B100", "moderate": "#F58518", "major": "#E45756"}
#: Severity -> light tint for table rows.
SEVERITY_TINT = {"stable": "#EEF7EC", "minor": "#FFF9DB", "moderate": "#FFE8D1", "major": "#FFD9D8"}
#: Severity -> the same hue dark enough for text on white.
SEVERITY_TEXT = {"stable": "#2F6B29", "minor": "#7A6500", "moderate": "#A3520B", "major": "#B3261E"}
#: Streamlit's named badge colour of each severity (the closest of its fixed set).
SEVERITY_BADGE = {"stable": "green", "minor": "yellow", "moderate": "orange", "major": "red"}

#: Step / test level -> text colour (ok reads like "stable", warning like "moderate", alert like "major").
LEVEL_TEXT = {"ok": SEVERITY_TEXT["stable"], "warning": SEVERITY_TEXT["moderate"],
              "alert": SEVERITY_TEXT["major"], "skipped": "#6E7781"}
#: Verdict kind -> text colour: no drift reads as stable, a data-quality problem as the most severe.
VERDICT_TEXT = {"no_drift": SEVERITY_TEXT["stable"], "input_drift": SEVERITY_TEXT["minor"],
                "covariate_shift": SEVERITY_TEXT["minor"], "prediction_drift": SEVERITY_TEXT["moderate"],
                "prior_shift": "#6F42C1", "concept_drift": SEVERITY_TEXT["major"], "data_quality": "#8B1A1A"}
#: Good and bad outcomes (a metric that improved / worsened).
GOOD = SEVERITY_TEXT["stable"]
BAD = SEVERITY_TEXT["major"]
