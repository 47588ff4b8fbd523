"""Practice: answer an interview question, then see the structured answer run live on a scenario."""

from __future__ import annotations

import streamlit as st

from drift.core.errors import DriftError
from drift.diagnosis import practice
from drift.model.impact import format_money, why_not_priced
from drift.monitoring.autopilot import AUTOPILOT_TASKS
from ui import boundary, data, pages, safe, state
from ui import impact as im
from ui import text as tx

STATUS_BADGES = {"ok": ":green-badge[ok]", "warning": ":orange-badge[warning]", "alert": ":red-badge[alert]",
                 "skipped": ":gray-badge[skipped]"}

st.title("Interview practice")
st.markdown(
    "Pick a question an ML-observability interviewer asks, write your answer as you would say it, then "
    "submit: the app reveals a structured answer and **runs each of its steps live** on a built-in "
    "scenario whose ground truth is known, so every claim comes with evidence. A rubric lists the points "
    "a strong answer covers and which of them your text mentions.")

# --- the question ------------------------------------------------------------------------------
prompts = practice.PROMPTS
if st.session_state.get(state.PRACTICE_PROMPT) not in prompts:
    st.session_state[state.PRACTICE_PROMPT] = next(iter(prompts))
titles = data.scenario_titles()
left, right = st.columns([3, 2])
prompt_id = left.selectbox("Question", list(prompts), key=state.PRACTICE_PROMPT,
                           format_func=lambda p: prompts[p].title)
prompt = prompts[prompt_id]
if st.session_state.get(state.PRACTICE_SCENARIO) not in prompt.scenarios:
    st.session_state[state.PRACTICE_SCENARIO] = prompt.scenarios[0]
scenario = right.selectbox("Scenario the evidence runs on", list(prompt.scenarios),
                           key=state.PRACTICE_SCENARIO,
                           format_func=lambda s: titles.get(s, s),
                           help="The scenarios this question fits; the first is the one it was written for.")

models = data.scenario_models(scenario)
task = data.OWN_TASK
if models:
    if st.session_state.get(state.PRACTICE_TASK) not in models:
        st.session_state[state.PRACTICE_TASK] = next(iter(models))
    task = right.selectbox("Model", list(models), format_func=models.get, key=state.PRACTICE_TASK,
                           help="This scenario has a second model on the same rows: the evidence runs on the "
                                "one picked here.")

st.markdown(f"> **{prompt.question}**")
st.caption(f"{prompt.kind.capitalize()} question.")

try:
    accuracy = tx.scenario_performance(scenario, task)
    wanted = prompt.batch_for(scenario)
    batch = practice.worst_batch(accuracy) if wanted == practice.WORST else wanted
except DriftError as err:
    boundary.show_error(err)
    st.stop()
metric = practice.METRIC_LABELS[accuracy.attrs["metric"]]
worse = "fell" if accuracy.attrs["higher_is_better"] else "rose"
how = (f"the batch whose {metric} {worse} most" if wanted == practice.WORST
       else "the batch this question was written for")
st.markdown(f"Practised on **{batch}** of *{titles.get(scenario, scenario)}* ({how}). What the scenario "
            "injected there stays hidden until you submit.")
st.plotly_chart(tx.accuracy_figure(accuracy, batch), key="practice_accuracy")
threshold = " (at a 0.5 threshold)" if task == "binary" else ""
st.caption(f"Realised {metric} of the scenario's model in each production batch{threshold}, "
           f"{len(tx.scenario_batch_rows(scenario, batch, task)):,} rows in {safe.text(batch)}.")

# --- the answer --------------------------------------------------------------------------------
with st.form("practice_form"):
    st.text_area("Your answer", key=state.PRACTICE_ANSWER, height=200,
                 placeholder="Write it as you would say it: the steps, what each would tell you, what you "
                             "would do…")
    submitted = st.form_submit_button("Submit and reveal the strategy", type="primary",
                                      icon=":material/play_arrow:")
if submitted:
    st.session_state[state.PRACTICE_SUBMITTED] = (prompt_id, scenario, task,
                                                  st.session_state.get(state.PRACTICE_ANSWER) or "")
done = st.session_state.get(state.PRACTICE_SUBMITTED)
if not done or tuple(done[:3]) != (prompt_id, scenario, task):
    st.caption("The rubric, the strategy and the live evidence appear once you submit (an empty answer is "
               "fine: you will see the model answer).")
    st.stop()
answer = done[3]

# --- rubric ------------------------------------------------------------------------------------
st.subheader("Rubric", divider="gray")
rubric = practice.score_answer(prompt_id, answer)
st.metric("Points your answer mentions", f"{len(rubric.covered)} / {len(rubric.matches)}",
          help="Keyword matching only, see below.")
st.caption("**How this is scored — simple keyword / phrase matching, nothing smarter:** a point counts as "
           "covered when your text contains one of the phrases listed for it (case-insensitive, whole "
           "words, `*` = any ending). It cannot tell a good explanation from a list of buzzwords, and it "
           "misses good points made in other words. Use it as a checklist, not a grade.")
table = rubric.to_frame()
table["covered"] = table["covered"].map({True: "✅ covered", False: "— missing"})
table["why"] = [p.why for p in practice.PROMPTS[prompt_id].rubric]
st.dataframe(table[["covered", "point", "found", "why", "listens_for"]], hide_index=True, key="rubric",
             column_config={"covered": st.column_config.TextColumn("", width="small"),
                            "point": st.column_config.TextColumn("Point", width="medium"),
                            "found": st.column_config.TextColumn("Found in your answer", width="small"),
                            "why": st.column_config.TextColumn("Why it matters", width="medium"),
                            "listens_for": st.column_config.TextColumn("Phrases matched", width="large")})

# --- the strategy, run live --------------------------------------------------------------------
st.subheader("The structured answer, run live", divider="gray")
st.caption(prompt.tip)
opts = data.settings()
try:
    diag = tx.diagnosis(scenario, batch, opts.seed, opts.alpha, task)
except DriftError as err:
    boundary.show_error(err)
    st.stop()
st.caption(f"`drift.diagnose` on {diag.n_reference:,} reference rows and {diag.n_current:,} rows of {batch} "
           f"(seed {opts.seed}, α = {opts.alpha:g}).")


def impact_panel():
    """The business impact of the practised batch in the model's terms: a binary classifier's four figures,
    a regression model's cost per unit over / under, a multiclass model's cost matrix."""
    other = task != "binary"
    if other:
        st.markdown(im.TASK_INTRO[task])
    else:
        sc = data.load_scenario(scenario)
        reason = why_not_priced(sc.target, sc.prediction)
        if reason is not None:
            st.info(reason, icon=":material/info:")
            return None
    try:
        if other:
            inputs = im.task_calculator(im.PRACTICE_TASK_KEYS, tx.practice_context(scenario, task).task)
            impact = tx.task_impact(scenario, batch, inputs, use_labels=diag.has_labels, seed=opts.seed,
                                    task=task)
        else:
            inputs = im.calculator(im.PRACTICE_KEYS, inherit=im.REPORT_KEYS)
            impact = tx.impact(scenario, batch, inputs, use_labels=diag.has_labels, seed=opts.seed)
    except DriftError as err:
        boundary.show_error(err)
        return None
    (im.show_task if other else im.show)(impact, key="practice_impact_rates")
    st.markdown(safe.text(impact.sentence))
    return impact


def step_panel(key: str) -> None:
    step = diag.step(key)
    st.markdown(f"{STATUS_BADGES.get(step.status, step.status)} **{step.title}** — {step.summary}")
    if step.explanation:
        st.caption(step.explanation)


def policies_panel() -> None:
    if task not in AUTOPILOT_TASKS:
        st.info(f"The autopilot retrains binary and regression models only, so the {models[task]} model is "
                "not replayed here.", icon=":material/info:")
        return
    try:
        summary = tx.policy_comparison(scenario, opts.seed, task)
    except DriftError as err:
        boundary.show_error(err)
        return
    view = summary[["policy", "total_cost", "error_cost", "action_cost", "retrains", "rollbacks",
                    "weeks_degraded", "saving_vs_first"]]
    st.dataframe(view, hide_index=True, key="policies",
                 column_config={c: st.column_config.NumberColumn(format="$%.0f")
                                for c in ("total_cost", "error_cost", "action_cost", "saving_vs_first")})
    best = summary.loc[summary["total_cost"].idxmin()]
    st.markdown(f"Cheapest policy over the year: **{best['policy']}** ({format_money(best['total_cost'])}, "
                f"{format_money(best['saving_vs_first'])} less than *{summary['policy'].iloc[0]}*).")
    st.caption(f"`drift.compare_policies` on {scenario}: every policy replayed on the same "
               f"{len(data.load_scenario(scenario).batches())} weeks with one cost model.")


impact = None
for i, step in enumerate(prompt.steps, start=1):
    with st.container(border=True):
        st.markdown(f"##### {i}. {step.title}")
        st.markdown(step.say_for(task))
        st.markdown("**Evidence on the data**")
        if step.evidence in ("inputs", "prediction", "concept", "domain", "mmd"):
            step_panel(step.evidence)
        elif step.evidence == "impact":
            impact = impact_panel()
        elif step.evidence == "autopilot":
            policies_panel()
        elif step.evidence == "star":
            impact = impact_panel()
            st.markdown("**Your STAR answer, filled with these numbers** (replace the [brackets]):")
            with st.container(border=True):
                model = f"the {scenario.replace('_', ' ')} model"
                st.markdown(practice.star_template(impact, diag, model=model, batch=batch))

st.subheader("Verdict and ground truth", divider="gray")
st.markdown(f"**Diagnosis:** {diag.verdict.label} ({diag.verdict.strength} evidence).")
manifest = getattr(tx.practice_context(scenario, task).scenario, "manifest", None)
truth = None
if manifest is not None:
    match = manifest[manifest["batch"].astype(str) == batch]
    truth = None if match.empty else match.iloc[0]
if truth is not None:
    hit = truth["kind"] == diag.verdict.kind
    (st.success if hit else st.warning)(
        f"**Ground truth of {batch}: {str(truth['kind']).replace('_', ' ')}** — {truth['description']}",
        icon=":material/visibility:")
else:
    st.caption("This scenario has no injected ground truth for the batch.")
st.caption(f"Sidebar settings used: α = {opts.alpha:g}, seed {opts.seed}. Your answer mentioned "
           f"{rubric.share:.0%} of the rubric's points.")
st.page_link(pages.TEXT.page(), label="Text drift: the same questions on posts")
