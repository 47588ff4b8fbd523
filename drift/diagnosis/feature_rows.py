"""One feature's readings and the rows of the feature table, shared by every engine.

:mod:`drift.diagnosis.features` (pandas) and :mod:`drift.diagnosis.engine_drift` (DuckDB) count differently
but score and read the counts with these same functions: break signatures, split proxies and findings
(:func:`numeric_findings`, :func:`categorical_findings`), one :class:`FeatureDetail` per feature
(:func:`assemble_detail`), its table row (:func:`detail_row`) and the table with corrected p-values and
severities (:func:`drift_table`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drift.core.decisions import SEVERITIES, is_drifted, severity
from drift.core.errors import DriftParameterError
from drift.data import proxies, quality
from drift.data.quality import Break
from drift.data.schema import Schema, infer_schema
from drift.data.validation import validate_pair
from drift.diagnosis.readings import FeatureDetail, categorical_movement
from drift.stats.binning import BinCounts, categorical_bin_counts
from drift.stats.correction import CORRECTIONS, adjust_pvalues
from drift.stats.psi import DistanceResult, js_from_counts, psi_from_counts
from drift.stats.univariate import TestResult, chi2_bins, missing_rate_test

#: Break signatures are looked for only from this KS D / PSI on (a break moves the distribution at least
#: this much; the gate keeps the extra passes off stable features).
BREAK_CHECK_D = 0.02

COLUMNS = ("feature", "kind", "method", "statistic", "pvalue", "pvalue_adjusted", "psi", "wasserstein_norm",
           "js", "missing_ref", "missing_cur", "missing_pvalue", "missing_pvalue_adjusted", "severity",
           "drifted", "n_ref", "n_cur", "note", "change", "unseen_cur", "issue", "issue_size", "proxy",
           "entity", "finding")


#: Values looked at first by :func:`increasing` (most columns drop somewhere in them: no full pass).
_INCREASING_HEAD = 64


def increasing(values) -> bool:
    """The non-missing values increase (not strictly) with the row order, as pandas'
    ``dropna().is_monotonic_increasing`` says; plain NumPy numbers are checked without pandas."""
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values).ravel()
    if arr.dtype.kind in "iuf":
        head = arr[:_INCREASING_HEAD]
        if (head[1:] < head[:-1]).any():  # a drop between neighbours (neither missing): not increasing
            return False
        if arr.dtype.kind == "f":
            arr = arr[~np.isnan(arr)]
        return bool((arr[1:] >= arr[:-1]).all())
    s = values if isinstance(values, pd.Series) else pd.Series(arr)
    try:
        return bool(s.dropna().is_monotonic_increasing)
    except TypeError:
        return False


def numeric_findings(name: str, reference: np.ndarray, current: np.ndarray, d: float, *,
                     reference_increasing: bool, current_rows=None) -> tuple[Break | None, str, str]:
    """Break signature, split-proxy reason and unit hint of a numeric feature (``issue, proxy, finding``)
    from both sides' sorted values and their KS ``d``; ``current_rows`` are the current values in row order
    (read only to tell an index; None: not known, not increasing)."""
    issue, proxy = None, ""
    if d >= BREAK_CHECK_D:
        issue = quality.numeric_break(reference, current)
        if issue is None:
            cur_increasing = current_rows is not None and increasing(current_rows)
            proxy = proxies.numeric_proxy(name, reference, current, d, current_increasing=cur_increasing,
                                          reference_increasing=reference_increasing) or ""
    finding = quality.unit_hint(reference, current) if issue is None and not proxy \
        and d >= BREAK_CHECK_D else ""
    return issue, proxy, finding


def categorical_findings(name: str, reference: pd.Series,
                         current: pd.Series) -> tuple[float, bool, Break | None, str, str]:
    """Share of current rows on unseen levels, entity flag, break signature, split-proxy reason and new-values
    finding of a categorical feature (``unseen, entity, issue, proxy, finding``) from both sides' category
    counts (:func:`~drift.stats.binning.value_counts`, missing excluded)."""
    proxy = ""
    n_valid = int(current.sum())
    unseen = float(quality.unseen_levels(reference, current).sum() / n_valid) if n_valid else float("nan")
    entity = quality.is_entity(reference)
    issue = None if entity else quality.categorical_break(reference, current)
    if issue is None and not entity:
        proxy = proxies.categorical_proxy(name, reference, current) or ""
    finding = quality.new_values_finding(reference, current) if issue is None and not proxy else ""
    return unseen, entity, issue, proxy, finding


def categorical_detail(name: str, reference: tuple[pd.Series, int], current: tuple[pd.Series, int], *,
                       alpha: float) -> FeatureDetail:
    """Every statistic and reading of a categorical feature from both sides' category counts and missing
    counts (:func:`~drift.stats.binning.value_counts`), whichever engine counted them."""
    counts = categorical_bin_counts(reference, current)
    ref_c, cur_c = reference[0], current[0]
    unseen, entity, issue, proxy, finding = categorical_findings(name, ref_c, cur_c)
    return assemble_detail(name, "categorical", test=chi2_bins(counts), counts=counts,
                           wasserstein=DistanceResult(float("nan"), "numeric features only"),
                           missing=(reference[1], int(ref_c.sum()) + reference[1], current[1],
                                    int(cur_c.sum()) + current[1]),
                           alpha=alpha, change=categorical_movement(ref_c, cur_c), unseen=unseen, issue=issue,
                           proxy=proxy, finding=finding, entity=entity)


def assemble_detail(name: str, kind: str, *, test: TestResult, counts: BinCounts, wasserstein: DistanceResult,
                    missing: tuple[int, int, int, int], alpha: float, change: str, issue: Break | None,
                    proxy: str, finding: str, unseen: float = float("nan"),
                    entity: bool = False) -> FeatureDetail:
    """One feature's :class:`FeatureDetail` from its test, bin counts and readings (``missing``: missing
    values and rows of the reference, then of the current side); the finding says the break or the proxy
    when there is one."""
    if issue is not None:
        finding = issue.message
    elif proxy:
        finding = proxies.proxy_message(proxy, change)
    miss_r, n_r, miss_c, n_c = missing
    return FeatureDetail(
        feature=name, kind=kind, test=test, psi=psi_from_counts(counts), wasserstein=wasserstein,
        js=js_from_counts(counts), missing_ref=miss_r / n_r if n_r else float("nan"),
        missing_cur=miss_c / n_c if n_c else float("nan"),
        missing_pvalue=missing_rate_test(miss_r, n_r, miss_c, n_c), alpha=alpha, change=change,
        unseen_cur=unseen, issue=issue, proxy=proxy, finding=finding, entity=entity)


def feature_kinds(reference: pd.DataFrame, current: pd.DataFrame | None, schema: Schema | None,
                  on_invalid: str) -> tuple[Schema, list]:
    """The schema (inferred when None) with validation's problem columns excluded, and the problems
    (``on_invalid="raise"``: the first excluded problem is raised)."""
    if schema is None:
        schema = infer_schema(reference, current)
    problems: list = []
    if current is not None:
        validation = validate_pair(reference, current, schema)
        if on_invalid == "raise":
            validation.raise_for_excluded()
        schema, problems = validation.schema, list(validation.problems)
    return schema, problems


def check_drift_params(alpha, correction, psi_bands, on_invalid) -> None:
    """Reject a bad ``alpha``, ``correction``, ``psi_bands`` or ``on_invalid`` of :func:`feature_drift`."""
    if not 0 < alpha < 1:
        raise DriftParameterError.invalid("alpha", "feature_drift", "in (0, 1)", alpha)
    if correction not in CORRECTIONS:
        raise DriftParameterError.invalid("correction", "feature_drift", f"one of {CORRECTIONS}", correction)
    if len(psi_bands) != 2 or not 0 < psi_bands[0] < psi_bands[1]:
        raise DriftParameterError.invalid("psi_bands", "feature_drift", "two increasing positive numbers",
                                          psi_bands)
    if on_invalid not in ("raise", "exclude"):
        raise DriftParameterError.invalid("on_invalid", "feature_drift", "'raise' or 'exclude'", on_invalid)


#: The table's columns that depend on their feature alone (:func:`detail_row`); :func:`drift_table` adds
#: the others.
_OWN_COLUMNS = tuple(c for c in COLUMNS
                     if c not in ("pvalue_adjusted", "missing_pvalue_adjusted", "severity", "drifted"))


def detail_row(d: FeatureDetail) -> tuple:
    """One feature's cells of :data:`_OWN_COLUMNS` (a plain tuple: 20,000 of them cost the garbage
    collector nothing, unlike 20,000 detail objects kept until the table is built)."""
    notes = [n for n in (d.test.note, d.psi.note, d.wasserstein.note if d.kind == "numeric" else "") if n]
    return (d.feature, d.kind, d.method, d.test.statistic, d.test.pvalue, d.psi.statistic,
            d.wasserstein.statistic, d.js.statistic, d.missing_ref, d.missing_cur, d.missing_pvalue,
            d.test.n_reference, d.test.n_current, "; ".join(notes), d.change, d.unseen_cur,
            d.issue.kind if d.issue else "", d.issue.size if d.issue else float("nan"), d.proxy, d.entity,
            d.finding)


def drift_table(rows: list[tuple], *, alpha: float, correction: str,
               psi_bands: tuple[float, float]) -> pd.DataFrame:
    """The feature table from :func:`detail_row` tuples: corrected p-values, severity, most severe first
    (split proxies and entity columns last; then severity, then PSI, descending, missing PSI last; ties
    keep the features' order).

    The cells are completed and ordered in plain Python and NumPy and the frame is built once: on the
    short batches a monitor measures hundreds of times, pandas' per-call overhead of assigning, mapping
    and sorting columns was a third of a table's time.
    """
    if not rows:
        return pd.DataFrame([], columns=list(COLUMNS))
    at = {c: i for i, c in enumerate(_OWN_COLUMNS)}
    column = {c: [r[at[c]] for r in rows] for c in ("pvalue", "missing_pvalue", "psi", "proxy", "entity")}
    k = len(rows)
    family = np.concatenate([np.asarray(column["pvalue"], dtype=float),
                             np.asarray(column["missing_pvalue"], dtype=float)])
    adjusted = adjust_pvalues(family, correction)
    p_adj, miss_adj = adjusted[:k].tolist(), adjusted[k:].tolist()
    sev = ["stable" if entity else severity(bool((pa < alpha) or (ma < alpha)), psi, psi_bands)
           for pa, ma, psi, entity in zip(p_adj, miss_adj, column["psi"], column["entity"], strict=True)]
    extra = {"pvalue_adjusted": p_adj, "missing_pvalue_adjusted": miss_adj, "severity": sev,
             "drifted": [is_drifted(s) for s in sev]}
    psi = np.asarray(column["psi"], dtype=float)

    def key(i: int) -> tuple:
        apart = column["proxy"][i] != "" or bool(column["entity"][i])
        missing = bool(np.isnan(psi[i]))
        return (apart, -SEVERITIES.index(sev[i]), missing, 0.0 if missing else -psi[i])

    order = sorted(range(k), key=key)
    cells = [tuple(extra[c][i] if c in extra else rows[i][at[c]] for c in COLUMNS) for i in order]
    return pd.DataFrame(cells, columns=list(COLUMNS))
