"""Autopilot: detect → decide → retrain on the dynamic-pricing stream, policies compared with a cost model."""

from __future__ import annotations

import streamlit as st

from drift.core.errors import DriftError
from drift.monitoring.autopilot import CostModel
from ui import boundary, data, safe, state
from ui import timeline as tl

SCENARIO = "pricing"
#: Per task of the replayed model: the error the charts draw (and the cost model bills), its label, the
#: excess (recalibration) reading's label, and what a cost per error unit means.
TASK_WORDS = {
    "binary": {"error": "log-loss", "axis": "log-loss per session", "excess": "excess log-loss",
               "mean": "Mean log-loss", "mean_format": "%.4f",
               "cost_help": "Per session and per unit of log-loss: what a surprised demand model costs in "
                            "mispriced sessions."},
    "regression": {"error": "MAE", "axis": "MAE per session (units)", "excess": "excess Poisson log-loss",
                   "mean": "Mean MAE (units)", "mean_format": "%.4f",
                   "cost_help": "Per unit of demand mis-forecast: a week costs this × its sessions × its MAE "
                                "(the units over- or under-forecast: stock that sits, or sales missed)."},
}
#: Policy kind -> label in the picker (the scheduled one's name depends on its period).
KIND_LABELS = {"never": "Never retrain", "scheduled": "Retrain on a fixed schedule",
               "drift": "Drift-triggered", "performance": "Performance-triggered"}

st.title("Autopilot")
st.markdown(
    "A dynamic-pricing model lives in a market that changes every week. The autopilot watches each week's "
    "sessions, **decides** what to do — nothing, alert, retrain on a recent window, or roll back to the "
    "previous model — and **retrains by itself**: a challenger fitted on recent labelled weeks replaces the "
    "champion only if it does better on held-out recent data. Every decision is logged with its reasons. "
    "Here several policies replay the same year of data, and a cost model says which one pays.")
st.info("This page always uses the built-in **dynamic-pricing** scenario, whatever data source the sidebar "
        "shows (the replay needs a model to retrain and labels that arrive over time). The sidebar's random "
        "seed applies.", icon=":material/info:")
# The model the sidebar picked for this scenario (its own binary one when another source is shown).
task = data.scenario_task(SCENARIO) if st.session_state.get(state.SCENARIO) == SCENARIO else "binary"
if task not in TASK_WORDS:
    st.caption(f"The replay retrains the scenario's {safe.text(data.scenario_models(SCENARIO)['binary'])} "
               f"model; retraining its {safe.text(data.scenario_models(SCENARIO)[task])} model is not "
               "available here.")
    task = "binary"
words = TASK_WORDS[task]
st.caption(f"Model replayed: the {safe.text(data.scenario_models(SCENARIO).get(task, task))} model"
           + (" (chosen in the sidebar): errors in units sold per session (MAE), decisions on the Poisson "
              "deviance." if task == "regression" else "."))

try:
    sc = data.load_scenario(SCENARIO)
except DriftError as err:
    boundary.show_error(err)
    st.stop()
if task != "binary":        # the view's description and ground truth (for its target)
    view = data.scenario_context(SCENARIO, task)
    if view.error:
        st.error(safe.text(view.error), icon=":material/error:")
        st.stop()
    sc = view.scenario
opts = data.settings()
delay = sc.current.attrs.get("label_delay", 1)
manifest = getattr(sc, "manifest", None)
n_weeks = sc.current[sc.batch].nunique()
st.caption(f"**{sc.title}** · reference {len(sc.reference):,} labelled sessions · production {n_weeks} weeks,"
           " "
           f"{len(sc.current):,} sessions ({len(sc.current) // max(n_weeks, 1):,} a week) · labels arrive "
           f"{delay} week(s) late · seed {opts.seed}")
with st.expander("What happens in this year", icon=":material/event:"):
    st.markdown(sc.description)

# --- policies and costs -------------------------------------------------------------------------------
ss = st.session_state
defaults = CostModel()
ss.setdefault(state.AUTOPILOT_POLICIES, list(KIND_LABELS))
ss.setdefault(state.AUTOPILOT_EVERY_K, tl.DEFAULT_EVERY_K)
ss.setdefault(state.AUTOPILOT_RETRAIN_COST, float(defaults.retrain_cost))
ss.setdefault(state.AUTOPILOT_ERROR_COST, float(defaults.cost_per_error_unit))

with st.form("autopilot_settings", border=True):
    st.markdown("**Policies and costs**")
    left, mid, right = st.columns([3, 1, 1])
    left.multiselect("Policies to compare", list(KIND_LABELS), key=state.AUTOPILOT_POLICIES,
                     format_func=KIND_LABELS.get, persist_state="session",
                     help="Savings are measured against the first one picked (in this order): never "
                          "retraining, when it is picked.")
    left.number_input("Fixed schedule: retrain every … weeks", min_value=1, max_value=26, step=1,
                      key=state.AUTOPILOT_EVERY_K, persist_state="session")
    mid.number_input("Cost of a retrain", min_value=0.0, step=50.0, key=state.AUTOPILOT_RETRAIN_COST,
                     persist_state="session",
                     help="Compute, validation and a reviewer's time, per retrain attempt (promoted or not).")
    right.number_input("Cost per error unit", min_value=0.0, step=0.5, key=state.AUTOPILOT_ERROR_COST,
                       persist_state="session", help=words["cost_help"])
    st.caption(f"Also counted: {defaults.alert_cost:g} per alert, {defaults.rollback_cost:g} per rollback. "
               "The decisions do not depend on the costs; only the bill does.")
    st.form_submit_button("Compare policies", icon=":material/play_arrow:", type="primary")

kinds = [k for k in KIND_LABELS if k in ss[state.AUTOPILOT_POLICIES]]
if not kinds:
    st.info("Pick at least one policy above.", icon=":material/rule:")
    st.stop()
try:
    comparison = tl.autopilot_comparison(SCENARIO, kinds, every_k=ss[state.AUTOPILOT_EVERY_K],
                                         retrain_cost=ss[state.AUTOPILOT_RETRAIN_COST],
                                         cost_per_error_unit=ss[state.AUTOPILOT_ERROR_COST], seed=opts.seed,
                                         task=task)
except DriftError as err:
    boundary.show_error(err)
    st.stop()
summary, weekly = comparison.summary, comparison.weekly
policies = summary["policy"].tolist()

# --- verdict ------------------------------------------------------------------------------------------
st.subheader("Which policy pays", divider="gray")
level, text = tl.autopilot_conclusion(summary)
(st.success if level == "success" else st.info)(text, icon=":material/insights:")
cols = st.columns(len(policies))
best = summary["total_cost"].min()
for col, row in zip(cols, summary.itertuples(index=False)):
    delta = None if row.policy == policies[0] else f"{-row.saving_vs_first:+,.0f} vs {policies[0]}"
    col.metric(row.policy, f"{row.total_cost:,.0f}", delta=delta, delta_color="inverse", border=True,
               help=f"Total cost: errors {row.error_cost:,.0f} + actions {row.action_cost:,.0f}."
               + (" Cheapest." if row.total_cost == best else ""))

# --- over time ----------------------------------------------------------------------------------------
st.subheader("Error over time, with every action", divider="gray")
st.markdown(f"Each week's {words['axis']} for the model in place that week (measured once its labels "
            "arrive). Markers: ▲ retrain, ▼ rollback, ◇ alert. Shaded: the regimes the scenario injected. "
            "Click a policy in the legend to hide it.")
tab_loss, tab_excess = st.tabs([words["error"][0].upper() + words["error"][1:],
                                f"{words['excess'][0].upper() + words['excess'][1:]} (miscalibration)"])
with tab_loss:
    st.plotly_chart(tl.error_chart(weekly, manifest, label=words["axis"]), key="error_chart")
    st.caption(f"Most of the {words['error']} is the demand's own randomness and moves with the regime for "
               "every policy alike; the gaps between the lines are what the policies change.")
with tab_excess:
    st.plotly_chart(tl.error_chart(weekly, manifest, metric="excess_log_loss",
                                   label=f"{words['excess']} per session"), key="excess_chart")
    st.caption("What a recalibration fitted on the week itself would save per session: near 0 for a model "
               "that still fits, large when the world moved away from it. A week counts as *degraded* from "
               "0.01.")

st.subheader("Cumulative cost", divider="gray")
tab_gap, tab_total = st.tabs([f"Compared with {policies[0]}", "Total"])
with tab_gap:
    st.plotly_chart(tl.cost_chart(weekly, manifest, relative=True), key="cost_gap")
    st.caption(f"Below zero: cheaper so far than {policies[0]}. A retrain costs at once; its gain, if any, "
               "accumulates in the weeks after.")
with tab_total:
    st.plotly_chart(tl.cost_chart(weekly, manifest), key="cost_total")

st.subheader("Summary", divider="gray")
st.dataframe(summary.drop(columns=["kind"]), hide_index=True, key="autopilot_summary", column_config={
    "policy": "Policy", "total_cost": st.column_config.NumberColumn("Total cost", format="%,.0f"),
    "error_cost": st.column_config.NumberColumn("Error cost", format="%,.0f"),
    "action_cost": st.column_config.NumberColumn("Action cost", format="%,.0f"),
    "retrains": "Retrains", "promotions": "Promoted", "rollbacks": "Rollbacks", "alerts": "Alerts",
    "mean_error": st.column_config.NumberColumn(words["mean"], format=words["mean_format"]),
    "weeks_degraded": st.column_config.NumberColumn(
        "Weeks degraded", help="Weeks whose model was measurably miscalibrated (excess log-loss ≥ 0.01)."),
    "saving_vs_first": st.column_config.NumberColumn(f"Saving vs {policies[0]}", format="%,.0f"),
    "break_even_retrain_cost": st.column_config.NumberColumn(
        "Break-even retrain cost", format="%,.0f",
        help=f"The retrain cost at which the policy would cost as much as {policies[0]}.")})


# --- the log ------------------------------------------------------------------------------------------
@boundary.fragment
def action_log() -> None:
    st.subheader("Action log", divider="gray")
    if ss.get(state.AUTOPILOT_LOG_POLICY) not in policies:
        ss[state.AUTOPILOT_LOG_POLICY] = policies[-1] if len(policies) < 3 else policies[2]
    left, right = st.columns([2, 1])
    policy = left.selectbox("Policy", policies, key=state.AUTOPILOT_LOG_POLICY)
    quiet = right.toggle("Also weeks without an action", key=state.AUTOPILOT_QUIET)
    log = comparison.log[comparison.log["policy"] == policy]
    if not quiet:
        log = log[log["action"] != "none"]
    if log.empty:
        st.info(f"{policy} took no action in {n_weeks} weeks.", icon=":material/do_not_disturb_on:")
        return
    log = log.assign(truth=log["truth"].str.replace("_", " "))
    st.dataframe(log[["batch", "action", "reason", "champion_version", "truth", "share_drifted",
                      "max_feature_psi", "top_feature", "prediction_psi", "excess_log_loss"]],
                 hide_index=True, key="action_log", height=min(38 + 35 * len(log), 600), column_config={
                     "batch": "Week", "truth": "Injected (truth)", "action": "Action",
                     "reason": st.column_config.TextColumn("Why", width=760),
                     "champion_version": "Model after",
                     "share_drifted": st.column_config.NumberColumn("Share drifted", format="percent"),
                     "max_feature_psi": st.column_config.NumberColumn("Max feature PSI", format="%.3f"),
                     "top_feature": "Top feature",
                     "prediction_psi": st.column_config.NumberColumn("Prediction PSI", format="%.3f"),
                     "excess_log_loss": st.column_config.NumberColumn(
                         words["excess"][0].upper() + words["excess"][1:], format="%.4f")})
    st.caption("Hover a reason to read it whole. Readings are against the model in place that week; "
               f"{words['excess']} is measured on the latest labelled week ({delay} week(s) behind).")


action_log()

history = tl.store()
problem = tl.record_autopilot(history, comparison, scenario=SCENARIO)
if problem:
    st.warning(safe.text(problem), icon=":material/database:")
else:
    st.caption(f"The actions of each policy are saved to the history store {safe.code(history.path)}.")
