"""The library surface: one fuzz case through the public API, the way a notebook user would call it.

``load_table`` on both files (under the case's limits), then on the two tables ``infer_schema``,
``validate_pair``, ``feature_drift`` (and ``feature_drift`` of the reference's first columns against
themselves, which must flag nothing), ``diagnose`` (inputs and prediction steps; all five on the cases
marked ``full_diagnosis``, which also go through ``monitor`` as one batch), ``domain_classifier_test`` and
``mmd_test`` (on the shared numeric columns, if any) on small samples.  Each call is
classified by :func:`tests.fuzz.outcomes.attempt` with the checks of its result below.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

import drift
from drift.data.io import MIN_ROWS
from drift.data.schema import KINDS
from drift.diagnosis.diagnose import STATUSES, STEP_KEYS
from tests.fuzz.corpus import SIDES, Case
from tests.fuzz.outcomes import Outcome, attempt, in_unit_interval

SURFACE = "library"
#: Rows a side given to the multivariate tests (they are the slow calls; their logic is the same), and
#: the domain classifier's folds (3 folds need 22 rows a side: the smallest cases still fall short).
MULTIVARIATE_ROWS = 40
DOMAIN_FOLDS = 3
#: Permutations of the MMD test (the p-value resolution is 1 / 51: enough to check its range).
MMD_PERMUTATIONS = 50
#: Columns of the reference compared with themselves (identical data: no feature may drift).
SELF_COLUMNS = 50
#: Null draws of each monitoring threshold (a resolution of 1/5: enough to exercise the calibration).
MONITOR_CALIBRATION = 5
MONITOR_BATCH = "batch 1"
#: The quick diagnosis: inputs (always) and prediction drift; the concept step (bootstraps) runs on the
#: ``full_diagnosis`` cases, which include every case about the target and prediction columns.
QUICK_STEPS = ("prediction",)


# --- checks of each result --------------------------------------------------------------------------
def check_loaded(df: pd.DataFrame, name: str, expected: pd.DataFrame | None = None) -> list[str]:
    problems = []
    if not isinstance(df, pd.DataFrame):
        return [f"load_table returned a {type(df).__name__}"]
    if len(df) < MIN_ROWS or df.shape[1] == 0:
        problems.append(f"a table of shape {df.shape} was accepted")
    if not df.columns.is_unique or not all(isinstance(c, str) for c in df.columns):
        problems.append(f"column names not unique text: {list(df.columns)[:5]}")
    if df.attrs.get("drift_load", {}).get("file") != name:
        problems.append("attrs['drift_load'] does not name the file")
    if expected is not None:
        problems += frame_differences(df, expected)
    return problems


def frame_differences(got: pd.DataFrame, expected: pd.DataFrame) -> list[str]:
    """How ``got`` differs from ``expected`` in names and values (numbers compared as float64)."""
    if list(got.columns) != [str(c) for c in expected.columns] or len(got) != len(expected):
        return [f"loaded {got.shape} {list(got.columns)[:6]}, expected {expected.shape} "
                f"{list(expected.columns)[:6]}"]
    problems = []
    for col_got, col_exp in zip(got.columns, expected.columns):
        a, b = got[col_got], expected[col_exp]
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            same = pd.api.types.is_numeric_dtype(a) and np.allclose(a.to_numpy(float), b.to_numpy(float),
                                                                    rtol=1e-12, atol=0, equal_nan=True)
        else:
            same = a.astype(str).tolist() == b.astype(str).tolist()
        if not same:
            problems.append(f"column {col_got!r} loaded as {a.head(3).tolist()}, "
                            f"expected {b.head(3).tolist()}")
    return problems


def check_schema(schema, reference: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    problems = [f"kind {k!r} of {c!r}" for c, k in schema.kinds.items() if k not in KINDS]
    missing = [c for c in reference.columns if c not in schema.kinds]
    if missing:
        problems.append(f"no kind for {missing[:3]}")
    return problems


def check_validation(validation, case: Case) -> list[str]:
    problems = []
    for column, error in case.expect.problems.items():
        found = [p for p in validation.problems if p.column == column]
        if not any(isinstance(p.error, error) for p in found):
            problems.append(f"column {column!r}: expected a {error.__name__}, got "
                            f"{[p.problem for p in found] or 'no problem'}")
    for p in validation.problems:
        if not p.error.file or not p.error.fix:
            problems.append(f"problem of {p.column!r} names no file or fix: {p.message}")
    return problems


def check_table(table: pd.DataFrame, reference: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    problems = []
    features = set(table["feature"])
    if not features <= set(reference.columns) & set(current.columns):
        problems.append(f"features not in both tables: {sorted(features - set(reference.columns))[:3]}")
    bad_p = table[~table["pvalue"].map(in_unit_interval) | ~table["pvalue_adjusted"].map(in_unit_interval)]
    if len(bad_p):
        problems.append(f"p-values outside [0, 1]: {bad_p[['feature', 'pvalue']].values.tolist()[:3]}")
    psi = table["psi"].astype(float)
    if (psi < 0).any():
        problems.append(f"negative PSI: {table.loc[psi < 0, 'feature'].tolist()[:3]}")
    if not table["drifted"].isin([True, False]).all():
        problems.append("drifted is not boolean")
    return problems


def check_no_drift(table: pd.DataFrame) -> list[str]:
    drifted = table.loc[table["drifted"].astype(bool), "feature"].tolist()
    return [f"a table compared with itself drifted in {drifted[:3]}"] if drifted else []


def check_diagnosis(d, n_steps: int = len(STEP_KEYS)) -> list[str]:
    problems = []
    if len(d.steps) != n_steps or [s.key for s in d.steps] != list(STEP_KEYS):
        problems.append(f"steps {[s.key for s in d.steps]}")
    problems += [f"step {s.key} has status {s.status!r}" for s in d.steps if s.status not in STATUSES]
    if not isinstance(d.verdict.kind, str) or not d.verdict.kind:
        problems.append("no verdict")
    return problems


def check_monitor(result, batch: str) -> list[str]:
    batches = result.batches["batch"].astype(str).tolist()
    problems = [] if batches == [batch] else [f"batches {batches}, expected [{batch!r}]"]
    values = result.metrics["value"].astype(float)
    if (values.abs() == float("inf")).any():
        problems.append("infinite metric values")
    return problems


def check_domain(result) -> list[str]:
    problems = []
    if not in_unit_interval(result.auc) or not in_unit_interval(result.pvalue):
        problems.append(f"AUC {result.auc} / p-value {result.pvalue} outside [0, 1]")
    if math.isnan(result.auc) and not result.note:
        problems.append("nan AUC without a note")
    return problems


def check_mmd(result) -> list[str]:
    if math.isnan(result.pvalue):
        return [] if result.note else ["nan p-value without a note"]
    return [] if 0 < result.pvalue <= 1 else [f"p-value {result.pvalue} outside (0, 1]"]


# --- the chain ----------------------------------------------------------------------------------
def run_library(case: Case, paths: tuple[Path, Path]) -> list[Outcome]:
    """Every library call on ``case`` (files already written at ``paths``), classified."""
    outcomes: list[Outcome] = []

    def step(name, call, check=lambda value: (), **kwargs):
        outcome, value = attempt(SURFACE, case.name, name, call, check, **kwargs)
        outcomes.append(outcome)
        return value

    limits = case.load_limits()
    frames = {}
    for side, path in zip(SIDES, paths):
        spec, expected = case.file(side), case.expect.frames.get(side)
        refused = case.expect.refused if side in case.expect.sides else None
        frames[side] = step(f"load_table({side})", lambda path=path: drift.load_table(path, limits=limits),
                            lambda df, spec=spec, expected=expected: check_loaded(df, spec.name, expected),
                            expected_error=refused, file=spec.name, words=case.expect.words,
                            required=expected is not None or bool(case.expect.problems))
    ref, cur = frames["reference"], frames["current"]
    if ref is None or cur is None:
        return outcomes
    schema = step("infer_schema", lambda: drift.infer_schema(ref, cur), lambda s: check_schema(s, ref, cur))
    if schema is None:
        return outcomes
    step("validate_pair", lambda: drift.validate_pair(ref, cur, schema), lambda v: check_validation(v, case),
         required=bool(case.expect.problems))
    step("feature_drift", lambda: drift.feature_drift(ref, cur, schema=schema),
         lambda t: check_table(t, ref, cur))
    few = ref[ref.columns[:SELF_COLUMNS]]
    step("feature_drift(reference, reference)", lambda: drift.feature_drift(few, few),
         lambda t: check_table(t, few, few) + check_no_drift(t))
    steps = STEP_KEYS if case.full_diagnosis else QUICK_STEPS
    step(f"diagnose({'all steps' if case.full_diagnosis else 'quick'})",
         lambda: drift.diagnose(ref, cur, target=case.target, prediction=case.prediction, steps=steps),
         check_diagnosis, required="diagnose" in case.expect.results)
    if case.full_diagnosis:
        step("monitor", lambda: drift.monitor(ref, [(MONITOR_BATCH, cur)], target=case.target,
                                              prediction=case.prediction, n_calibration=MONITOR_CALIBRATION),
             lambda m: check_monitor(m, MONITOR_BATCH))
    step("domain_classifier_test",
         lambda: drift.domain_classifier_test(ref, cur, max_samples=MULTIVARIATE_ROWS, n_folds=DOMAIN_FOLDS),
         check_domain)
    shared = [c for c in ref.columns if c in set(cur.columns)]
    numeric = [c for c in shared
               if pd.api.types.is_numeric_dtype(ref[c]) and pd.api.types.is_numeric_dtype(cur[c])]
    shared = numeric or shared   # numbers when there are some (the test's use); else what there is
    step("mmd_test", lambda: drift.mmd_test(ref[shared], cur[shared], n_permutations=MMD_PERMUTATIONS,
                                            max_samples=MULTIVARIATE_ROWS), check_mmd)
    return outcomes
