"""Diagnosis: walk the four diagnostic steps (after an input check) to a verdict, one step at a time."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from drift.core.errors import DriftError
from drift.diagnosis.diagnose import STEP_KEYS
from drift.report.charts import METRIC_LABELS, step_figures
from ui import boundary, charts, data, layout, model, pages, safe, state
from ui import diagnosis as dx

st.title("Diagnosis")
st.markdown(
    "When a model degrades, walk a fixed path instead of staring at a wall of metrics: check the **inputs**, "
    "then the model's **output** (prediction drift), then whether the **outcome still follows the inputs** "
    "(concept drift), then look for change hidden in **combinations of features** (a domain classifier) and "
    "in what the model has **learned** (MMD on embeddings). The verdict names the dominant change.")

ctx = layout.require_data()
opts = data.settings()
layout.source_caption(ctx, opts)

batch = dx.choose_batch(ctx, opts)

# --- labels ------------------------------------------------------------------------------------
has_labels = dx.labels_available(ctx)
st.session_state.setdefault(state.DIAG_LABELS, True)
st.toggle("Production labels available", key=state.DIAG_LABELS, persist_state="session",
          disabled=not has_labels,
          help="Off simulates the common case where outcomes arrive weeks later: concept drift is then "
               "estimated from the model's own confidence, which cannot see a change in P(y | x).")
if not has_labels and ctx.schema.prediction is None:
    st.caption("No target and no prediction column: the steps about the model (prediction drift, concept "
               "drift) cannot run, and nothing is said about its outputs. Name them on the Data page.")
elif not has_labels:
    st.caption(f"Production has no labels ({safe.code(ctx.schema.target or 'no target column')}): the "
               "concept step estimates performance from the model's confidence.")
labels = dx.use_labels(ctx)

try:
    diag = dx.diagnosis(ctx, opts, batch, labels)
except DriftError as err:
    boundary.show_error(err)
    st.stop()

where = "all production batches pooled" if batch == state.ALL_BATCHES and ctx.batches else (
    "production" if batch == state.ALL_BATCHES else f"batch **{safe.text(batch)}**")
st.caption(f"Reference: {diag.n_reference:,} rows · {where}: {diag.n_current:,} rows · "
           f"labels {'used' if diag.has_labels else 'not used'} · seed {opts.seed}. All five steps ran "
           "once (cached); walk through them in order, or show them all.")

walk_key = f"{ctx.source.key}|{batch}"
steps = {s.key: s for s in diag.steps}
#: A regression or multiclass model: its figures, in its task's metrics, are in the Model section below the
#: steps (the steps' evidence and charts are drawn for a binary classifier's score).
task_apart = model.other_task(ctx)
#: ... and a diagnosis that does not read its task (``Diagnosis.task``, a TaskInfo, once ``drift.diagnose``
#: is task-aware): the verdict then rests on the inputs and the multivariate tests only.
task_unread = task_apart and not model.diagnosis_reads_task(ctx, diag)

# The conclusion first, so a shared link shows it; the stepper below shows how the evidence adds up.
with st.container(border=True):
    v = diag.verdict
    st.markdown(f"**Verdict: {safe.text(v.label)}** · :blue-badge[{v.strength} evidence] "
                f"· {safe.text(v.confidence_short)} in the verdict benchmark. Walk the steps below to see "
                "the evidence, or run them all at once.")
    if task_unread:
        st.caption(f"This is a {model.TASK_NAMES[model.task_name(ctx)]}: the verdict rests on the inputs and "
                   "the multivariate tests; the model's own outputs and performance, in its task's metrics, "
                   "are in the **Model** section below the steps.")


# --- evidence of each step ---------------------------------------------------------------------
def _fmt(x, spec: str = ".3f") -> str:
    return "—" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x, spec)


def _metrics(cells: list[tuple]) -> None:
    """A row of metrics: (label, value, help) or (label, value, help, delta, delta_color)."""
    for col, cell in zip(st.columns(len(cells)), cells, strict=True):
        label, value, help_text, *delta = cell
        col.metric(label, value, *delta, border=True, help=help_text)


def _cell(label: str, help_text: str, ref, cur, change, spec: str, *, neutral: bool = False) -> tuple:
    """A metric shown as the production value, with its change against the reference as the delta."""
    delta = f"{change * 100:+.1f} pts" if spec.endswith("%") else format(change, "+" + spec)
    return label, _fmt(cur, spec), help_text, f"{delta} vs {_fmt(ref, spec)}", "off" if neutral else "normal"


def _records_table(records: list[dict], columns: dict[str, str], key: str) -> None:
    frame = pd.DataFrame(records)
    frame["metric"] = [METRIC_LABELS.get(m, m) for m in frame["metric"]]
    frame = frame[list(columns)].rename(columns=columns)
    config = {label: st.column_config.NumberColumn(format="%.4f") for c, label in columns.items()
              if c != "metric"}
    st.dataframe(frame, hide_index=True, key=key, column_config=config)


def show_evidence(step) -> None:
    """The step's numbers (from its evidence) as metrics and tables."""
    ev = step.evidence
    if step.key == "inputs":
        sev = ev.get("by_severity", {})
        _metrics([("Features drifted", f"{ev['n_drifted']} / {ev['n_features']}",
                   "Severity moderate or major: significant after correction and PSI ≥ 0.1."),
                  ("Major (PSI ≥ 0.25)", str(sev.get("major", 0)), None),
                  ("Data-quality issues", str(len(ev.get("quality_issues", []))),
                   "Unit changes, missing-value bursts, new categories.")])
        for issue in ev.get("quality_issues", []):
            st.warning(safe.text(issue["message"]), icon=":material/report:")
    elif step.key in ("prediction", "concept") and task_apart:
        st.caption(f"For a {model.TASK_NAMES[model.task_name(ctx)]}, this step's figures in the task's terms "
                   "are in the **Model** section below the steps.")
    elif step.key == "prediction":
        cells = [("Prediction PSI", f"{_fmt(ev['psi'])} ({ev['band']})",
                  "PSI on the reference's deciles of the score; 0.1 moderate, 0.25 major."),
                 ("KS p-value", charts.format_pvalue(ev["ks_pvalue"]), None),
                 _cell("Mean score", "Average predicted probability, production vs reference.",
                       ev["mean_reference"], ev["mean_current"], ev["mean_current"] - ev["mean_reference"],
                       ".3f", neutral=True)]
        pr, pc = ev.get("positive_rate_reference"), ev.get("positive_rate_current")
        if pr is not None and pc is not None and math.isfinite(pr) and math.isfinite(pc):
            cells.append(("Predicted positive", _fmt(pc, ".1%"), "Share of rows above the 0.5 threshold.",
                          f"{(pc - pr) * 100:+.1f} pts vs {_fmt(pr, '.1%')}", "off"))
        _metrics(cells)
    elif step.key == "concept" and ev.get("labels"):
        perf = {r["metric"]: r for r in ev["performance"]}
        test = ev["test"]
        cells = []
        for m in ("roc_auc", "accuracy", "base_rate"):
            if m not in perf:
                continue
            r = perf[m]
            cells.append(_cell(METRIC_LABELS.get(m, m),
                               f"Production vs reference; change {r['change']:+.4f}, 95% bootstrap interval "
                               f"[{r['lo']:+.4f}, {r['hi']:+.4f}].",
                               r["reference"], r["current"], r["change"],
                               ".1%" if m == "base_rate" else ".3f", neutral=m == "base_rate"))
        cells.append(("P(y | score) test", charts.format_pvalue(test["pvalue"]),
                      f"Recalibration test: intercept shift {test['intercept_shift']:+.2f} log-odds "
                      f"({charts.format_pvalue(test['pvalue_intercept'], prefix=True)}), slope ratio "
                      f"{test['slope_ratio']:.2f} "
                      f"({charts.format_pvalue(test['pvalue_slope'], prefix=True)})."))
        _metrics(cells)
        with st.expander("Every metric, with its 95% bootstrap interval"):
            _records_table(ev["performance"], {"metric": "Metric", "reference": "Reference",
                                               "current": "Production", "change": "Change",
                                               "lo": "Interval low", "hi": "Interval high"}, "perf_table")
    elif step.key == "concept":
        est = {r["metric"]: r for r in ev["estimated"]}
        _metrics([_cell(f"Estimated {METRIC_LABELS.get(m, m)}",
                        "Estimated from the model's confidence on each side (no labels, so no interval).",
                        est[m]["reference_estimated"], est[m]["current_estimated"], est[m]["change"], ".3f")
                  for m in ("roc_auc", "accuracy") if m in est])
        st.info("No production labels: performance is *estimated* from the model's calibrated confidence. "
                "That estimate cannot see concept drift (a change in P(y | x)); only labels can.",
                icon=":material/visibility_off:")
    elif step.key == "domain":
        res = step.result
        _metrics([("Domain classifier AUC", _fmt(ev["auc"]),
                   "0.5 = production rows cannot be told from training rows."),
                  ("95% interval", f"[{_fmt(ev['auc_ci'][0])}, {_fmt(ev['auc_ci'][1])}]", None),
                  ("p-value", charts.format_pvalue(ev["pvalue"]), None),
                  ("Rows used", f"{res.n_reference:,} + {res.n_current:,}",
                   "Balanced reference + production.")])
    elif step.key == "mmd":
        _metrics([("MMD²", _fmt(ev["mmd2"], ".4g"), "Unbiased MMD², Gaussian kernel."),
                  ("Permutation p-value", charts.format_pvalue(ev["pvalue"]), None),
                  ("Rows compared", f"{ev['n_reference']:,} + {ev['n_current']:,}",
                   "Above the sample cap, a seeded subsample.")])
        st.caption(f"Embeddings: {safe.text(ev['source'])}.")


def show_charts(step) -> None:
    if task_apart and step.key in ("prediction", "concept"):
        return                                    # drawn as a binary score: the Model section has them
    figures = step_figures(step)
    if not figures:
        return
    cols = st.columns(len(figures)) if len(figures) > 1 else [st.container()]
    for i, (col, fig) in enumerate(zip(cols, figures, strict=True)):
        with col:
            st.plotly_chart(fig, theme=None, key=f"chart_{step.key}_{i}")


def show_step(step, *, full: bool) -> None:
    """One step: why, finding, evidence, charts, explanation, what next."""
    if step.why:
        st.markdown(f"**Why this step.** {safe.text(step.why)}")
    st.markdown(f"{dx.status_badge(step.status)} **{safe.text(step.summary)}**")
    if step.status == "skipped":
        if step.explanation:
            st.caption(safe.text(step.explanation))
        if task_apart and step.key in ("prediction", "concept"):
            show_evidence(step)
        return
    show_evidence(step)
    if full:
        show_charts(step)
    st.markdown(f"**What it means.** {safe.text(step.explanation)}")
    if step.next_step:
        st.markdown(f"**What to check next.** {safe.text(step.next_step)}")


# --- the stepper -------------------------------------------------------------------------------
def _go(position: int) -> None:
    dx.set_walk_position(walk_key, position)


def tracker(position: int) -> None:
    """Where we are: one chip per step (status once reached) and the verdict."""
    cols = st.columns(len(STEP_KEYS) + 1)
    for i, (col, key) in enumerate(zip(cols[:-1], STEP_KEYS, strict=True)):
        reached = i <= position
        badge = dx.status_badge(steps[key].status) if reached else ":gray-badge[not yet]"
        marker = "**" if i == position else ""
        col.markdown(f"{marker}{i} · {dx.STEP_NAMES[key]}{marker}  \n{badge}")
    done = position >= dx.VERDICT_STEP
    cols[-1].markdown(("**Verdict**" if done else "Verdict") + "  \n"
                      + (":blue-badge[:material/flag: ready]" if done else ":gray-badge[not yet]"))


def verdict_card() -> None:
    v = diag.verdict
    truth = data.ground_truth(ctx, batch)
    left, right = st.columns([3, 2]) if truth else (st.container(), None)
    with left.container(border=True):
        st.caption("VERDICT")
        st.subheader(v.label, anchor=False)
        st.markdown(f":blue-badge[{v.strength} evidence] {safe.text(v.confidence_text.capitalize())}")
        if v.evidence:
            st.markdown("**Evidence**\n" + "\n".join(f"- {safe.text(e)}" for e in v.evidence))
        others = v.findings[1:]
        if others:
            st.markdown("**Also found**\n" + "\n".join(
                f"- {safe.text(f.label)} ({f.strength} evidence): {safe.text('; '.join(f.evidence))}"
                for f in others))
    if truth:
        with right.container(border=True):
            st.caption("WHAT THE SCENARIO INJECTED (GROUND TRUTH)")
            st.markdown(f"**{safe.text(truth['kind'].replace('_', ' ').capitalize())}** — "
                        f"{safe.text(truth['description'])}")
            if truth["features"]:
                st.caption(f"Affected features: {safe.text(truth['features'].replace(',', ', '))}")
            if dx.ground_truth_matches(truth, diag):
                st.success("The verdict matches the injected change.", icon=":material/check_circle:")
            else:
                why = ("; the diagnosis does not read this model's labels yet: its performance is in the "
                       "Model section below." if task_unread
                       else "; with labels off, a change in P(y | x) is invisible." if not diag.has_labels
                       else ".")
                st.warning("The verdict differs from the injected change" + why, icon=":material/help:")


@boundary.fragment
def stepper() -> None:
    position = dx.walk_position(walk_key)
    st.subheader("Walk through the steps", divider="gray")
    tracker(position)
    bar = st.container(horizontal=True)
    bar.button("Run all steps at once", icon=":material/fast_forward:", key="diag_all",
                on_click=_go, args=(dx.VERDICT_STEP,), disabled=position >= dx.VERDICT_STEP,
                help="Show every step and the verdict.")
    bar.button("Start over", icon=":material/restart_alt:", key="diag_restart", on_click=_go, args=(0,),
               disabled=position == 0)

    # steps already walked: collapsed, one line each
    for key in STEP_KEYS[:position]:
        step = steps[key]
        color, label, icon = dx.STATUS_BADGES[step.status]
        with st.expander(f"{step.title} — :{color}[{label}]", icon=icon):
            show_step(step, full=True)

    if position < dx.VERDICT_STEP:
        step = steps[STEP_KEYS[position]]
        with st.container(border=True):
            st.markdown(f"### {step.title}")
            show_step(step, full=True)
            nav = st.container(horizontal=True)
            nav.button("Back", icon=":material/arrow_back:", key="diag_back", on_click=_go,
                        args=(position - 1,), disabled=position == 0)
            following = (dx.STEP_NAMES[STEP_KEYS[position + 1]] if position + 1 < len(STEP_KEYS)
                         else "the verdict")
            nav.button(f"Next step: {following}", icon=":material/arrow_forward:", type="primary",
                       key="diag_next", on_click=_go, args=(position + 1,))
        return

    st.subheader("Verdict", divider="gray")
    verdict_card()


stepper()

if model.other_task(ctx):
    st.subheader("Model", divider="gray")
    model.show_model(ctx, opts, batch, labels)
elif ctx.task_error:
    st.subheader("Model", divider="gray")
    st.warning(f"The model's task could not be read: {safe.text(ctx.task_error)}", icon=":material/help:")
    st.page_link(pages.DATA.page(), label="Set the task on the Data page (The model)")

# --- where to look next ------------------------------------------------------------------------
st.subheader("Look closer", divider="gray")
links = [
    (pages.FEATURE_DRIFT, "Every feature of this batch: tests, effect sizes, distributions side by side."),
    (pages.DOMAIN_CLASSIFIER,
     "Step 3 in detail: which features and which rows let a model tell production apart."),
    (pages.EMBEDDINGS, "Step 4 in detail: both data sets on one map, and where they stop overlapping."),
    (pages.REPORT,
     "The verdict for stakeholders, its business cost, and the HTML / JSON / Markdown exports."),
]
for col, (target, caption) in zip(st.columns(len(links)), links, strict=True):
    with col.container(border=True):
        st.page_link(target.page())
        st.caption(caption)
if ctx.batches:
    shown = data.effective_batch(ctx, opts)
    st.caption(f"The other pages show the batch selected in the sidebar ({safe.text(shown)}).")
