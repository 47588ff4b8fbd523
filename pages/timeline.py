"""Timeline: every production batch against the reference, with calibrated thresholds, alerts, the
detector scorecard on scenarios with ground truth, and the history of earlier runs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from drift.core.errors import DriftError
from drift.monitoring.monitor import DEFAULT_DETECTORS, DETECTORS
from ui import boundary, data, layout, pages, safe, state
from ui import timeline as tl

st.title("Timeline")
st.markdown(
    "Drift is a story over time. Each production batch is compared with the reference, and each detector's "
    "**alert thresholds are calibrated on the reference itself**: null batches of the same size are drawn "
    "from the training data and compared exactly like a real batch, and the thresholds are set so that a "
    "batch like the reference trips the detector only rarely. A threshold therefore means the same at 500 "
    "rows and at 500,000.")

ctx = layout.require_data()
opts = data.settings()
layout.source_caption(ctx)

# --- how to cut production into batches, and what to monitor -------------------------------------------
ss = st.session_state
ss.setdefault(state.TIMELINE_QUANTILE, tl.QUANTILES[0])
ss.setdefault(state.TIMELINE_DETECTORS, list(DEFAULT_DETECTORS))
ss.setdefault(state.TIMELINE_PERIOD, "W")
ss.setdefault(state.TIMELINE_SIZE, max(len(ctx.current) // 10, 50))
ss.setdefault(state.TIMELINE_ORDER, tl.ORDER_RANDOM)
features = list(ctx.schema.features)
mute_key = tl.mute_key(ctx)                          # one choice per data set, defaulting to its own marks
ss.setdefault(mute_key, tl.default_mute(ctx))

# --- without a batch or time column, the user says how to order the rows (never file order silently) ----
if not tl.has_time(ctx):
    candidates = tl.order_candidates(ctx)
    if ss[state.TIMELINE_ORDER] not in [tl.ORDER_RANDOM, *candidates, tl.ORDER_FILE]:
        ss[state.TIMELINE_ORDER] = tl.ORDER_RANDOM
    st.markdown("**This data has no time or batch column.** A timeline needs an order: choose a column that "
                "orders the rows in time (a date, an id that grows), or keep random chunks, which can only "
                "show noise.")
    left, right = st.columns([2, 1])
    left.selectbox("Order the rows by", [tl.ORDER_RANDOM, *candidates, tl.ORDER_FILE],
                   key=state.TIMELINE_ORDER, format_func=tl.order_label, persist_state="session",
                   help="Random chunks are seeded by the sidebar's seed. File order is the order the rows "
                        "were written in: if the file is sorted by some column, every batch differs for that "
                        "reason alone.")
    right.number_input("Rows per batch", min_value=50, max_value=max(len(ctx.current), 50), step=50,
                       key=state.TIMELINE_SIZE, persist_state="session")

with st.expander("Monitoring settings", icon=":material/tune:"):
    left, right = st.columns([1, 2])
    left.segmented_control(
        "Threshold quantile", list(tl.QUANTILES), key=state.TIMELINE_QUANTILE, persist_state="session",
        format_func=lambda q: f"{q:.0%}", required=True,
        help="A batch like the reference exceeds each metric's threshold with probability at most "
             "1 − quantile. 99 % gives fewer false alarms and later detections.")
    right.multiselect(
        "Detectors", list(DETECTORS), key=state.TIMELINE_DETECTORS, format_func=DETECTORS.get,
        persist_state="session",
        help="Detectors whose input is missing (no prediction, labels or embeddings) are skipped. The "
             "domain classifier trains one model per batch and per calibration draw: slow.")
    st.multiselect(
        "Muted features (expected to change)", features, key=mute_key, persist_state="session",
        help="A feature whose change is expected — a calendar or seasonal feature — is still compared and "
             "charted (in grey) with its threshold, but never raises an alert, and stays out of the "
             "domain classifier. The score-based detectors (prediction drift, realised and estimated "
             "performance) compare each batch with the reference reweighted to the batch's distribution "
             "of the muted features, so a model that reads the season is judged against the same "
             "season; a batch with muted values the reference never saw is compared with the whole "
             "reference, and a note says so.")
    if ctx.batch_column is None and tl.has_time(ctx):
        st.segmented_control("Batch period", list(tl.PERIODS), key=state.TIMELINE_PERIOD,
                             format_func=tl.PERIODS.get, required=True, persist_state="session",
                             help=f"The data has no batch column; {safe.code(ctx.schema.time)} is cut into "
                                  "periods.")

detectors = [d for d in ss[state.TIMELINE_DETECTORS] if d in DETECTORS]
quantile = float(ss[state.TIMELINE_QUANTILE])
mute = [f for f in ss[mute_key] if f in features]
spec = tl.split_spec(ctx, ss[state.TIMELINE_PERIOD], ss[state.TIMELINE_SIZE], ss[state.TIMELINE_ORDER])
if not detectors:
    st.info("Pick at least one detector in **Monitoring settings**.", icon=":material/tune:")
    st.stop()

try:
    result = tl.monitor_result(ctx, opts, spec, quantile=quantile, detectors=detectors, mute=mute)
except DriftError as err:
    boundary.show_error(err)
    st.stop()

batches = tl.batch_table(result, getattr(ctx.scenario, "manifest", None) if "batch_col" in spec else None)
alerted = batches.loc[batches["status"] == "alert", "batch"].tolist()
sizes = batches["n_rows"]
chunking = f"Batches: {safe.text(result.chunking)}."
if "shuffle" in spec:
    st.warning(chunking + " They can still show that production as a whole differs from the reference, "
               "never when it started.", icon=":material/shuffle:")
elif "size" in spec:
    st.info(chunking, icon=":material/sort:")
else:
    st.caption(chunking)
st.caption(f"Reference {result.reference['n_rows']:,} rows · batches of {sizes.min():,}–{sizes.max():,} "
           f"rows · each detector's thresholds set together at the {quantile:.0%} quantile of "
           f"{result.params['n_calibration']} null batches per size (more for the score-based detectors) · "
           f"α = {opts.alpha:g}, {state.CORRECTIONS[opts.correction]} (sidebar)")
if result.muted:
    st.caption(":material/volume_off: Muted (expected to change; shown in grey, never alerting; the scores "
               "are compared with the reference reweighted to each batch's values of them): "
               + ", ".join(safe.code(m) for m in result.muted) + ". Change it in **Monitoring settings**.")
for note in result.notes:
    st.caption(f":material/info: {safe.text(note)}")

# --- headline -----------------------------------------------------------------------------------------
cols = st.columns(4)
cols[0].metric("Batches monitored", len(batches), border=True)
cols[1].metric("Batches with an alert", f"{len(alerted)} / {len(batches)}", border=True,
               help="A batch alerts when any metric of any detector crosses its threshold.")
cols[2].metric("Alerts", len(result.alerts), border=True, help="Metric × batch crossings.")
cols[3].metric("Detectors run", len(result.detectors), border=True,
               help=", ".join(DETECTORS[d] for d in result.detectors))
if alerted:
    st.warning(f"{len(alerted)} of {len(batches)} batches crossed at least one threshold: "
               + ", ".join(safe.text(b) for b in alerted) + ".", icon=":material/notifications_active:")
else:
    st.success(f"No batch crossed a threshold at the {quantile:.0%} quantile.",
               icon=":material/check_circle:")
st.caption(f"Each detector alerts a clean batch with probability about {1 - quantile:.0%} (its metrics' "
           f"thresholds are set together); with {len(result.detectors)} detectors some clean batches alert "
           "too. The detector scorecard below (on scenarios with ground truth) counts those false alarms.")

# --- batches at a glance ------------------------------------------------------------------------------
st.subheader("Feature drift, batch by batch", divider="gray")
truth = dict(zip(batches["batch"], batches["truth"])) if "truth" in batches else None
st.plotly_chart(tl.severity_heatmap(result.severity, result.psi, alerted, truth), key="severity_heatmap")
st.caption(layout.SEVERITY_LEGEND + " ⚠ marks a batch with at least one alert (of any detector).")
st.dataframe(batches, hide_index=True, key="batch_table", height=38 + 35 * len(batches), column_config={
    "batch": "Batch", "n_rows": st.column_config.NumberColumn("Rows", format="localized"),
    "n_alerts": "Alerts", "status": "Status", "detectors": "Detectors that alerted",
    "truth": "Ground truth (injected)"})

# --- one feature over time ----------------------------------------------------------------------------
summary = result.feature_summary()
if result.feature_thresholds is not None and len(summary):
    st.subheader("One feature over the batches", divider="gray")
    st.markdown("Each feature has its **own threshold**: how far its PSI moves by chance at the batch's size "
                "(from the same null batches), scaled so that the features detector as a whole false-alarms "
                "at the chosen rate. A red ✕ is a batch where the feature is beyond it — the first one is "
                "when the feature started to move.")
    info = summary.set_index("feature")
    if ss.get(state.TIMELINE_FEATURE) not in info.index:
        ss[state.TIMELINE_FEATURE] = summary["feature"].iloc[0]

    def describe_feature(f: str) -> str:
        row = info.loc[f]
        if row["muted"]:
            return f"{f} — muted"
        if row["n_beyond"]:
            return f"{f} — beyond its threshold in {row['n_beyond']} batch(es), first {row['first_beyond']}"
        return f"{f} — within its threshold"

    feature = st.selectbox("Feature", list(summary["feature"]), key=state.TIMELINE_FEATURE,
                           format_func=describe_feature, persist_state="session",
                           help="Most alarming first.")
    st.plotly_chart(tl.feature_chart(result, feature), key="feature_chart")

# --- metrics over time --------------------------------------------------------------------------------
st.subheader("Metrics and their calibrated thresholds", divider="gray")
st.markdown("Red dashed line: the threshold calibrated on the reference at the batch's size; shaded: the "
            "alert zone; red ✕: an alert. Performance metrics alert on a **drop** below the reference's own "
            "value (dotted) minus its sampling noise.")
shown = [m for m in result.wide().columns if m != "n_rows" and result.metrics.loc[
    result.metrics["metric"] == m, "value"].notna().any()]
grid = st.columns(2)
for i, metric in enumerate(shown):
    with grid[i % 2]:
        st.plotly_chart(tl.metric_chart(result.metrics, metric), key=f"metric_{metric}")

# --- alerts -------------------------------------------------------------------------------------------
st.subheader("Alerts", divider="gray")
if result.alerts.empty:
    st.info("No alert: every metric stayed within its threshold.", icon=":material/check_circle:")
else:
    st.dataframe(tl.alert_table(result.alerts), hide_index=True, key="alert_table", column_config={
        "batch": "Batch", "detector": "Detector", "metric": "Metric",
        "value": st.column_config.NumberColumn("Value", format="%.4g"),
        "threshold": st.column_config.NumberColumn("Threshold", format="%.4g"),
        "reason": st.column_config.TextColumn("Reason", width="large")})


# --- open one batch -----------------------------------------------------------------------------------
@boundary.fragment
def open_batch() -> None:
    st.subheader("Open a batch", divider="gray")
    labels = result.labels
    if ss.get(state.TIMELINE_BATCH) not in labels:
        ss[state.TIMELINE_BATCH] = (ss[state.BATCH] if ss.get(state.BATCH) in labels
                                    else (alerted or labels)[0])
    status = dict(zip(batches["batch"], batches["n_alerts"]))

    def sync() -> None:
        if "batch_col" in spec:
            ss[state.BATCH] = ss[state.TIMELINE_BATCH]

    batch = st.selectbox("Batch", labels, key=state.TIMELINE_BATCH, on_change=sync,
                         format_func=lambda b: f"{b} — {status[b]} alert(s)" if status[b] else f"{b} — ok",
                         help="Also sets the sidebar's batch, so the other pages open on it.")
    rows = batches[batches["batch"] == batch].iloc[0]
    if "truth" in batches and rows["truth"]:
        info = data.ground_truth(ctx, batch)
        st.markdown(f"**Ground truth:** {safe.text(rows['truth'])}"
                    + (f" — {safe.text(info['description'])}" if info else ""))
    reasons = result.alerts[result.alerts["batch"] == batch]
    if reasons.empty:
        st.markdown(f"Batch **{safe.text(batch)}** ({rows['n_rows']:,} rows) stayed within every threshold.")
    else:
        st.markdown(f"Batch **{safe.text(batch)}** ({rows['n_rows']:,} rows) — why it alerted:")
        for reason in reasons["reason"]:
            st.markdown(f"- {safe.text(reason)}")

    if "batch_col" not in spec:
        st.caption("These batches are cut on this page only; set a batch column on the Data page to open one "
                   "batch on the other pages.")
        return

    def select() -> None:  # a callback: it runs before the sidebar's batch widget is drawn
        ss[state.BATCH] = batch

    left, right = st.columns(2)
    with left.container(border=True):
        if st.button("Open in Feature Drift", icon=":material/stacked_bar_chart:", key="open_feature_drift",
                     on_click=select):
            st.switch_page(pages.FEATURE_DRIFT.page())
        st.caption("Every feature of this batch against the reference: tests, effect sizes, distributions.")
    with right.container(border=True):
        if st.button("Open in Diagnosis", icon=":material/troubleshoot:", key="open_diagnosis",
                     on_click=select):
            st.switch_page(pages.DIAGNOSIS.page())
        st.caption("The guided diagnosis of this batch: prediction drift, concept drift, domain "
                   "classifier.")


open_batch()

# --- detector scorecard -------------------------------------------------------------------------------
card = None
try:
    card = tl.detector_scorecard(ctx, opts, spec, quantile=quantile, detectors=detectors, mute=mute)
except DriftError as err:
    boundary.show_error(err)
if card is not None:
    st.subheader("Detector scorecard", divider="gray")
    st.markdown("This scenario's ground truth says which batches carry injected drift. A detector **caught** "
                "an injection when it alerted on it; a **false alarm** is an alert on a clean batch.")
    summary = card.summary.assign(
        caught=[f"{c} / {n}" for c, n in zip(card.summary["caught"], card.summary["n_injections"])],
        false_alarms=[f"{a} / {n}" for a, n in zip(card.summary["false_alarms"], card.summary["n_clean"])])
    injections = card.injections.assign(
        kind=card.injections["kind"].str.replace("_", " "),
        caught_by=[[DETECTORS.get(d, d) for d in s.split(",") if d] for s in card.injections["caught_by"]],
        first_detectors=[[DETECTORS.get(d, d) for d in s.split(",") if d]
                         for s in card.injections["first_detectors"]])
    tab_table, tab_chart = st.tabs(["Table", "Chart"])
    with tab_table:
        st.dataframe(summary[["label", "caught", "mean_delay", "false_alarms", "false_alarm_rate"]],
                     hide_index=True, key="scorecard_summary", column_config={
                         "label": "Detector", "caught": "Injections caught",
                         "mean_delay": st.column_config.NumberColumn("Mean delay (batches)", format="%.1f"),
                         "false_alarms": "False alarms / clean batches",
                         "false_alarm_rate": st.column_config.NumberColumn("False-alarm rate",
                                                                           format="percent")})
        st.markdown("**Which detector caught each injection first**")
        st.dataframe(injections[["first_batch", "kind", "first_detectors", "caught_by", "description"]],
                     hide_index=True, key="scorecard_injections", column_config={
                         "first_batch": "Batch", "kind": "Injected drift",
                         "first_detectors": st.column_config.ListColumn("Caught first by", width="large"),
                         "caught_by": st.column_config.ListColumn("Caught by", width="large"),
                         "description": st.column_config.TextColumn("What happened", width="large")})
        st.caption("Empty: no detector caught it. Delay counts batches from an injection's first batch to "
                   "the first alert within it (0 = caught at once).")
    with tab_chart:
        st.plotly_chart(tl.scorecard_chart(card), key="scorecard_chart")
    if card.not_run:
        st.caption("Not run: " + ", ".join(DETECTORS[d] for d in card.not_run)
                   + " (not selected, or their input is missing).")

# --- history ------------------------------------------------------------------------------------------
history = tl.store()
run_id, problem = tl.record_run(history, ctx, result)


@boundary.fragment
def show_history() -> None:
    st.subheader("History", divider="gray")
    if problem:
        st.warning(safe.text(problem), icon=":material/database:")
    runs, read_problem = tl.history_runs(history)
    if read_problem:
        st.warning(safe.text(read_problem), icon=":material/database:")
        return
    st.caption(f"Every monitoring run is saved to {safe.code(history.path)} (set `DRIFT_EXPLORER_DATA` to "
               "choose the folder), so it is still here after a restart; `python -m drift monitor --store …` "
               "appends runs from a scheduler.")
    if runs.empty:
        st.info("No run recorded yet.", icon=":material/history:")
        return
    table = runs.assign(detectors=[list(p.get("detectors", [])) for p in runs["params"]],
                        quantile=[p.get("quantile") for p in runs["params"]],
                        created=pd.to_datetime(runs["created"], utc=True, format="ISO8601"))
    st.dataframe(table[["id", "created", "reference_name", "source", "n_batches", "n_alerts", "quantile",
                        "detectors"]], hide_index=True, key="history_runs", column_config={
        "id": "Run",
        "created": st.column_config.DatetimeColumn("Recorded (UTC)", format="YYYY-MM-DD HH:mm"),
        "reference_name": "Reference", "source": "Source", "n_batches": "Batches", "n_alerts": "Alerts",
        "quantile": st.column_config.NumberColumn("Quantile", format="%.2f"),
        "detectors": st.column_config.ListColumn("Detectors")})
    ids = runs["id"].tolist()
    if ss.get(state.HISTORY_RUN) not in ids:
        ss[state.HISTORY_RUN] = run_id if run_id in ids else ids[0]
    names = dict(zip(runs["id"], table["created"].dt.strftime("%Y-%m-%d %H:%M UTC") + " · "
                     + runs["reference_name"].astype(str)))
    chosen = st.selectbox("Look at a stored run", ids, key=state.HISTORY_RUN,
                          format_func=lambda i: f"run {i} — {names[i]}"
                          + (" (this page)" if i == run_id else ""))
    stored = history.batches(chosen)
    counts = history.alerts(chosen)["batch"].value_counts()
    stored = stored.assign(n_alerts=stored["label"].map(counts).fillna(0).astype(int),
                           created=pd.to_datetime(stored["created"], utc=True, format="ISO8601"))
    st.dataframe(stored[["label", "n_rows", "status", "n_alerts", "verdict", "created"]], hide_index=True,
                 key="history_batches", height=min(38 + 35 * len(stored), 460), column_config={
                     "label": "Batch", "n_rows": st.column_config.NumberColumn("Rows", format="localized"),
                     "status": "Status", "n_alerts": "Alerts", "verdict": "Verdict",
                     "created": st.column_config.DatetimeColumn("Recorded (UTC)",
                                                                format="YYYY-MM-DD HH:mm:ss")})
    severity = history.severity(chosen)
    if not severity.empty:
        alerted_then = stored.loc[stored["status"] == "alert", "label"].tolist()
        st.plotly_chart(tl.severity_heatmap(severity, alerted=alerted_then), key="history_heatmap")


show_history()

st.subheader("Next steps", divider="gray")
left, right = st.columns(2)
with left.container(border=True):
    st.page_link(pages.AUTOPILOT.page())
    st.caption("Close the loop: detect, decide and retrain by itself on the dynamic-pricing stream, "
               "compared with never retraining and a fixed schedule, with costs.")
with right.container(border=True):
    st.page_link(pages.FEATURE_DRIFT.page())
    st.caption("Every feature of the sidebar's batch in detail.")
