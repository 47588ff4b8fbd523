"""Report: the diagnosis in plain language, what it costs, and the exports (HTML, JSON, Markdown)."""

from __future__ import annotations

import streamlit as st

from drift.core.errors import DriftError
from drift.model.impact import why_not_priced
from drift.report.build import SUMMARY_HEADINGS, stakeholder_summary
from ui import boundary, data, layout, model, pages, safe, state
from ui import diagnosis as dx
from ui import impact as im

st.title("Report")
st.markdown("The diagnosis for people who do not read p-values: what changed, how sure we are, what it "
            "costs, and what we recommend — ready to share as a self-contained HTML file, JSON or Markdown.")

ctx = layout.require_data()
opts = data.settings()
layout.source_caption(ctx, opts)

batch = dx.choose_batch(ctx, opts)
labels = dx.use_labels(ctx)
try:
    diag = dx.diagnosis(ctx, opts, batch, labels)
except DriftError as err:
    boundary.show_error(err)
    st.stop()

where = ("all batches pooled" if batch == state.ALL_BATCHES and ctx.batches else
         "production" if batch == state.ALL_BATCHES else f"batch {safe.text(batch)}")
task_unread = model.other_task(ctx) and not model.diagnosis_reads_task(ctx, diag)
labels_text = ("used for the model's own figures below (the diagnosis does not read them yet)"
               if task_unread and labels else
               "used" if diag.has_labels else "not used — switch them on the Diagnosis page"
               if dx.labels_available(ctx) else "not available")
st.caption(f"Diagnosis of {where} ({diag.n_current:,} rows) against the reference "
           f"({diag.n_reference:,} rows); production labels {labels_text}.")

# The summary reads first but depends on the impact calculator below: keep its place, fill it later.
summary_box = st.container()

# --- business impact ---------------------------------------------------------------------------
st.subheader("What it costs", divider="gray")
other = model.other_task(ctx)                  # a regression or multiclass model: its own cost model
st.markdown(im.TASK_INTRO[model.task_name(ctx) if other else "binary"])
bi, not_priced = None, None
try:
    inputs = im.task_calculator(im.REPORT_TASK_KEYS, ctx.task) if other else im.calculator(im.REPORT_KEYS)
except DriftError as err:                      # a figure the library rejects: fix it in the calculator
    boundary.show_error(err)
    st.stop()
try:
    bi = (dx.task_impact(ctx, opts, batch, inputs, diag.has_labels) if other
          else dx.impact(ctx, opts, batch, diag, inputs))
except DriftError as err:                      # the data cannot be priced: say why, keep the report
    not_priced = f"Not priced: {err}"
if bi is not None:
    (im.show_task if other else im.show)(bi, key="impact_rates")
else:
    not_priced = not_priced or why_not_priced(diag.schema.target, diag.schema.prediction)
    st.info(safe.text(not_priced), icon=":material/info:")

if model.other_task(ctx):
    st.subheader("The model", divider="gray")
    model.show_model(ctx, opts, batch, labels)

# --- the summary (drawn above the calculator) --------------------------------------------------
summary = stakeholder_summary(diag, bi, not_priced=not_priced)
with summary_box:
    st.subheader("Summary", divider="gray")
    with st.container(border=True):
        st.caption("VERDICT")
        st.markdown(f"#### {safe.text(summary['headline'])}")
        v = diag.verdict
        st.markdown(f":blue-badge[{v.strength} evidence] {safe.text(v.confidence_text.capitalize())}")
    keys = list(SUMMARY_HEADINGS)
    for row in (keys[:2], keys[2:]):
        for col, key in zip(st.columns(2), row, strict=True):
            with col.container(border=True, height="stretch"):
                st.markdown(f"**{SUMMARY_HEADINGS[key]}**")
                st.markdown(safe.text(summary[key]))
    if task_unread:
        st.caption(f"The summary reads the diagnosis, which does not read a "
                   f"{model.TASK_NAMES[model.task_name(ctx)]}'s outputs and labels yet: its performance, in "
                   "its task's metrics, is under **The model** below.")

# --- exports -----------------------------------------------------------------------------------
st.subheader("Share it", divider="gray")
rep = dx.report(ctx, opts, batch, labels, inputs, not_priced)
stem = dx.file_stem(ctx, batch)
d1, d2, _ = st.columns([1, 1, 2])
d1.download_button("Download the HTML report", dx.html_export(ctx, opts, batch, labels, inputs, not_priced),
                   file_name=f"{stem}.html", mime="text/html", icon=":material/download:", type="primary",
                   key="download_html", on_click="ignore",
                   help="One self-contained file: charts included, opens offline in any browser.")
d2.download_button("Download JSON", rep.to_json(), file_name=f"{stem}.json", mime="application/json",
                   icon=":material/data_object:", key="download_json", on_click="ignore",
                   help="Every number of the diagnosis, for scripts and dashboards.")
if model.other_task(ctx):
    st.caption(f"The exports carry the diagnosis (inputs, multivariate tests, verdict) and what the change "
               f"costs; the {model.TASK_NAMES[model.task_name(ctx)]}'s performance figures shown above are "
               "not in them yet.")
st.markdown("**Markdown summary** — copy it into a ticket, a chat or a wiki (copy button at the top right).")
st.code(rep.to_markdown(), language="markdown", wrap_lines=True, height=360)

st.page_link(pages.DIAGNOSIS.page(), label="Back to the step-by-step diagnosis")
