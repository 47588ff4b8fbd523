"""Report: the diagnosis in plain language, what it costs, and the exports (HTML, JSON, Markdown)."""

from __future__ import annotations

import streamlit as st

from drift.errors import DriftError
from drift.impact import format_money
from drift.report import SUMMARY_HEADINGS, stakeholder_summary
from ui import boundary, data, layout, safe, state
from ui import diagnosis as dx

st.title("Report")
st.markdown("The diagnosis for people who do not read p-values: what changed, how sure we are, what it "
            "costs, and what we recommend — ready to share as a self-contained HTML file, JSON or Markdown.")

ctx = layout.require_data()
opts = data.settings()
layout.source_caption(ctx, opts)

batch = dx.choose_batch(ctx, opts)
if batch is None:
    st.stop()
labels = dx.use_labels(ctx)
try:
    diag = dx.run_with_progress(ctx, opts, batch, labels)
except DriftError as err:
    boundary.show_error(err)
    st.stop()

where = ("all batches pooled" if batch == state.ALL_BATCHES and ctx.batches else
         "production" if batch == state.ALL_BATCHES else f"batch {safe.text(batch)}")
labels_text = "used" if diag.has_labels else "not used — switch them on the Diagnosis page"
st.caption(f"Diagnosis of {where} ({diag.n_current:,} rows) against the reference "
           f"({diag.n_reference:,} rows); production labels {labels_text}.")

# The summary reads first but depends on the impact calculator below: keep its place, fill it later.
summary_box = st.container()

# --- business impact ---------------------------------------------------------------------------
st.subheader("What it costs", divider="gray")
for key, default in dx.IMPACT_DEFAULTS.items():
    st.session_state.setdefault(key, default)
c1, c2, c3 = st.columns(3)
decisions = c1.number_input("Decisions per month", min_value=0, step=1000, key=state.IMPACT_DECISIONS,
                            persist_state="session", help="How many decisions the model takes a month.")
value = c2.number_input(f"Value of a good decision ({dx.CURRENCY})", min_value=0.0, step=10.0,
                        key=state.IMPACT_VALUE, persist_state="session",
                        help="What one right decision earns, e.g. the margin on a good loan.")
cost = c3.number_input(f"Cost of an error ({dx.CURRENCY})", min_value=0.0, step=50.0, key=state.IMPACT_COST,
                       persist_state="session",
                       help="What one wrong decision costs on top of the lost value, e.g. a written-off "
                            "loan.")
try:
    bi = dx.impact(diag, decisions, value, cost)
except DriftError as err:
    boundary.show_error(err)
    st.stop()

if bi is None:
    st.info("Not priced: the cost follows from the model's accuracy, which needs a target and a prediction "
            "column (set them on the Data page).", icon=":material/info:")
else:
    def _range(pair) -> str | None:
        return None if pair is None else (f"Range {format_money(pair[0], bi.currency)} – "
                                          f"{format_money(pair[1], bi.currency)}").replace("$", "\\$")

    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Accuracy change", f"{bi.accuracy_change * 100:+.1f} pts", border=True,
              help=("Measured on labelled production data" if bi.source == "measured" else
                    "Estimated from the model's confidence, without labels")
              + (f"; interval {bi.accuracy_change_interval[0] * 100:+.1f} to "
                 f"{bi.accuracy_change_interval[1] * 100:+.1f} pts." if bi.accuracy_change_interval else "."))
    m2.metric("Extra wrong decisions / month", f"{bi.extra_errors_per_month:,.0f}", border=True)
    m3.metric("Monthly cost", format_money(bi.monthly_cost, bi.currency), border=True,
              help=_range(bi.monthly_cost_interval))
    m4.metric("Quarterly cost", format_money(bi.quarterly_cost, bi.currency), border=True,
              help=_range(bi.quarterly_cost_interval))
    if bi.monthly_cost_interval is not None and bi.quarterly_cost_interval is not None:
        (m_lo, m_hi), (q_lo, q_hi) = bi.monthly_cost_interval, bi.quarterly_cost_interval
        st.caption("Range, from the accuracy change's bootstrap interval: "
                   f"{format_money(m_lo, bi.currency)} – "
                   f"{format_money(m_hi, bi.currency)} a month, {format_money(q_lo, bi.currency)} – "
                   f"{format_money(q_hi, bi.currency)} a quarter.".replace("$", "\\$"))
    elif bi.source == "estimated":
        st.caption("Estimated without labels: no interval, and blind to concept drift.")
    st.caption("Cost = decisions × accuracy points lost × (value of a good decision + cost of an error); "
               "a quarter is three months. An accuracy gain costs nothing.")

# --- the summary (drawn above the calculator) --------------------------------------------------
summary = stakeholder_summary(diag, bi)
with summary_box:
    st.subheader("Summary", divider="gray")
    with st.container(border=True):
        st.caption("VERDICT")
        st.markdown(f"#### {safe.text(summary['headline'])}")
        v = diag.verdict
        st.markdown(f":blue-badge[{v.confidence_label} confidence · {v.confidence:.0%}]")
    keys = list(SUMMARY_HEADINGS)
    for row in (keys[:2], keys[2:]):
        for col, key in zip(st.columns(2), row, strict=True):
            with col.container(border=True, height="stretch"):
                st.markdown(f"**{SUMMARY_HEADINGS[key]}**")
                st.markdown(safe.text(summary[key]))

# --- exports -----------------------------------------------------------------------------------
st.subheader("Share it", divider="gray")
rep = dx.report(diag, ctx, batch, bi)
stem = dx.file_stem(ctx, batch)
impact_key = (float(decisions), float(value), float(cost))
d1, d2, _ = st.columns([1, 1, 2])
d1.download_button("Download the HTML report", dx.html_export(ctx, opts, batch, labels, rep, impact_key),
                   file_name=f"{stem}.html", mime="text/html", icon=":material/download:", type="primary",
                   key="download_html", on_click="ignore",
                   help="One self-contained file: charts included, opens offline in any browser.")
d2.download_button("Download JSON", rep.to_json(), file_name=f"{stem}.json", mime="application/json",
                   icon=":material/data_object:", key="download_json", on_click="ignore",
                   help="Every number of the diagnosis, for scripts and dashboards.")
st.markdown("**Markdown summary** — copy it into a ticket, a chat or a wiki (copy button at the top right).")
st.code(rep.to_markdown(), language="markdown", wrap_lines=True, height=360)

st.page_link(dx.DIAGNOSIS, label="Back to the step-by-step diagnosis", icon=":material/troubleshoot:")
