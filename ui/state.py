"""Session-state keys and their defaults: the one place a key is spelled.

Session state holds small choices only (data source, settings, selected feature, role overrides; and the
uploaded files, as the uploader widgets hold them).  Data and results — tables, the resolved
:class:`ui.context.Context`, every analysis — are never stored here: they come back from the cache layer
(:mod:`ui.cache`), keyed on these choices.
"""

from __future__ import annotations

import streamlit as st

# --- sidebar: data source ---------------------------------------------------------------------
SOURCE_MODE = "source"                  # radio: SOURCE_SCENARIO | SOURCE_UPLOAD
SCENARIO = "scenario"                   # selectbox: a key of drift.data.scenarios.SCENARIOS
SCENARIO_TASK = "scenario_task"         # selectbox: the scenario's model, a task (ui.model.SCENARIO_MODELS)
UPLOAD_REFERENCE = "upload_reference"   # st.file_uploader: the training (reference) file
UPLOAD_CURRENT = "upload_current"       # st.file_uploader: the production (current) file
KEPT_UPLOADS = "kept_uploads"           # {uploader key: (file name, bytes)}: the last pair, both or none

# --- sidebar: settings ------------------------------------------------------------------------
BATCH = "batch"                         # selectbox: ALL_BATCHES or one batch label
ALPHA = "alpha"                         # segmented control: significance level
CORRECTION = "correction"               # radio: multiple-testing correction
BINS = "bins"                           # number input: PSI bins for numeric features
SEED = "seed"                           # number input: seed for every randomised step

# --- pages ------------------------------------------------------------------------------------
FEATURE = "feature"                     # Feature Drift: the feature shown in detail
DRIFT_TABLE = "drift_table"             # Feature Drift: row selection of the drift table
ROLE_OVERRIDES = "role_overrides"       # Data: {source key: overrides dict}, see ui.context.RoleOverrides
ROLES_EDITOR = "roles_editor"           # Data: prefix of the role form's widget keys
ROLES_VERSION = "roles_version"         # Data: bumped on apply/reset so the form starts from the new roles
TASK_OVERRIDE = "task_override"         # Data: prefix of the task select's key (per data source and version)
TEXT_PERIOD_A = "text_period_a"         # Text: the first period compared (default the reference)
TEXT_PERIOD_B = "text_period_b"         # Text: the second period compared
TEXT_MAP_METHOD = "text_map_method"     # Text: "pca" | "umap" for the map of post embeddings
PRACTICE_PROMPT = "practice_prompt"     # Practice: id of the prompt (drift.diagnosis.practice.PROMPTS)
PRACTICE_SCENARIO = "practice_scenario"  # Practice: built-in scenario the evidence runs on
PRACTICE_TASK = "practice_task"         # Practice: the scenario's model the evidence runs on (its task)
PRACTICE_ANSWER = "practice_answer"     # Practice: the user's answer (text area)
PRACTICE_SUBMITTED = "practice_submitted"  # Practice: (prompt, scenario, task, answer) submitted last
PRACTICE_DECISIONS = "practice_decisions"  # Practice: business impact, decisions per month
PRACTICE_COST_FP = "practice_cost_fp"   # Practice: business impact, cost of a false positive
PRACTICE_COST_FN = "practice_cost_fn"   # Practice: business impact, cost of a false negative
PRACTICE_THRESHOLD = "practice_threshold"  # Practice: business impact, the model's decision threshold
PRACTICE_SUPPLIED = "practice_supplied"  # Practice: impact inputs the user edited (the rest are assumed)
PRACTICE_VOLUME = "practice_volume"     # Practice, regression or multiclass: forecasts/decisions a month
PRACTICE_COST_OVER = "practice_cost_over"    # Practice, regression model: cost per unit over-forecast
PRACTICE_COST_UNDER = "practice_cost_under"  # Practice, regression model: cost per unit under-forecast
PRACTICE_COST_MATRIX = "practice_cost_matrix"  # Practice, multiclass model: prefix of the cost-matrix editor
PRACTICE_TASK_SUPPLIED = "practice_task_supplied"  # Practice, regression or multiclass: inputs edited
TIMELINE_QUANTILE = "timeline_quantile"     # Timeline: threshold quantile (ui.timeline.QUANTILES)
# Timeline: detectors monitored (keys of drift.monitoring.monitor.DETECTORS)
TIMELINE_DETECTORS = "timeline_detectors"
TIMELINE_PERIOD = "timeline_period"         # Timeline: period of the time column (no batch column)
TIMELINE_SIZE = "timeline_size"             # Timeline: rows per batch when there is neither batch nor time
TIMELINE_BATCH = "timeline_batch"           # Timeline: the batch opened (mirrored into BATCH)
TIMELINE_ORDER = "timeline_order"           # Timeline: order of the rows when there is neither batch nor time
TIMELINE_MUTE = "timeline_mute"             # Timeline: muted features, prefix of a per-data-source key
TIMELINE_FEATURE = "timeline_feature"       # Timeline: the feature whose PSI is charted over the batches
HISTORY_RUN = "history_run"                 # Timeline: the stored run shown in the History section
# Autopilot: policy kinds compared (drift.monitoring.autopilot.POLICY_KINDS)
AUTOPILOT_POLICIES = "autopilot_policies"
AUTOPILOT_EVERY_K = "autopilot_every_k"     # Autopilot: weeks between retrains of the scheduled policy
AUTOPILOT_RETRAIN_COST = "autopilot_retrain_cost"  # Autopilot: cost of one retrain
AUTOPILOT_ERROR_COST = "autopilot_error_cost"      # Autopilot: cost per unit of error per session
AUTOPILOT_LOG_POLICY = "autopilot_log_policy"      # Autopilot: policy whose action log is shown
AUTOPILOT_QUIET = "autopilot_quiet"         # Autopilot: also list weeks without an action
DIAG_LABELS = "diag_labels"             # Diagnosis: toggle, production labels available (off = not yet)
DIAG_PICK = "diag_pick"                 # Diagnosis / Report: page-level batch picker (sets BATCH)
DIAG_POOLED = "diag_pooled"             # Diagnosis / Report: diagnose all batches pooled (bool)
DIAG_WALK = "diag_walk"                 # Diagnosis: {data key|batch: steps revealed, 0…5; 5 = verdict}
IMPACT_DECISIONS = "impact_decisions"   # Report: decisions per month
IMPACT_COST_FP = "impact_cost_fp"       # Report: cost of a false positive
IMPACT_COST_FN = "impact_cost_fn"       # Report: cost of a false negative
IMPACT_THRESHOLD = "impact_threshold"   # Report: the model's decision threshold
IMPACT_SUPPLIED = "impact_supplied"     # Report: impact inputs the user edited (the rest are assumed)
IMPACT_VOLUME = "impact_volume"         # Report, regression or multiclass model: forecasts/decisions a month
IMPACT_COST_OVER = "impact_cost_over"   # Report, regression model: cost per unit over-forecast
IMPACT_COST_UNDER = "impact_cost_under"  # Report, regression model: cost per unit under-forecast
IMPACT_COST_MATRIX = "impact_cost_matrix"  # Report, multiclass model: prefix of the cost-matrix editor's key
IMPACT_TASK_SUPPLIED = "impact_task_supplied"  # Report, regression or multiclass: inputs the user edited
MV_TOP_ROWS = "mv_top_rows"             # Multivariate: how many production-like rows the table lists
EMB_SOURCE = "emb_source"               # Embeddings: a key of ui.multivariate.embedding_sources
EMB_METHOD = "emb_method"               # Embeddings: projection method, "umap" | "pca"
EMB_POINTS = "emb_points"               # Embeddings: points projected at most (both sides together)
EMB_COLOR = "emb_color"                 # Embeddings: colour by dataset / P(production) / batch / feature
EMB_COLOR_FEATURE = "emb_color_feature" # Embeddings: the feature that colours the map

# --- values -----------------------------------------------------------------------------------
SOURCE_SCENARIO = "Built-in scenario"
SOURCE_UPLOAD = "Upload your own"
ALL_BATCHES = "All batches"
ALPHAS = (0.01, 0.05, 0.10)
CORRECTIONS = {"bh": "Benjamini–Hochberg", "bonferroni": "Bonferroni"}
BINS_RANGE = (2, 50)
#: Extensions the uploaders accept; a compressed file (``data.csv.gz``) is read through the same bounded
#: decompression as in the library (``drift.core.limits``).
UPLOAD_TYPES = ("csv", "tsv", "txt", "parquet", "jsonl", "json", "xlsx", "gz", "bz2", "xz")

DEFAULTS: dict[str, object] = {
    SOURCE_MODE: SOURCE_SCENARIO,
    SCENARIO: "credit",
    SCENARIO_TASK: "binary",
    BATCH: ALL_BATCHES,
    ALPHA: 0.05,
    CORRECTION: "bh",
    BINS: 10,
    SEED: 0,
}


def init() -> None:
    """Give every shared key its default value on a session's first run (e.g. a shared link)."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(ROLE_OVERRIDES, {})
    st.session_state.setdefault(ROLES_VERSION, 0)
    st.session_state.setdefault(KEPT_UPLOADS, {})
