"""Per-feature drift: every statistic for every feature, corrected p-values and a severity.

The decision rule (DESIGN §4), written once here:

* a feature's difference is **significant** when its distribution test (KS for numeric, chi-square for
  categorical) or its missing-rate test has a corrected p-value below ``alpha``; all those p-values form
  one family, corrected by Benjamini–Hochberg (default) or Bonferroni;
* ``severity`` is ``"stable"`` unless significant, then ``"minor"`` / ``"moderate"`` / ``"major"`` by
  the PSI bands (< 0.1, 0.1–0.25, ≥ 0.25 by default);
* ``drifted`` is severity ≥ moderate.

So a p-value says *whether* anything changed, PSI says *how much*, and a million-row file no longer
flags every feature.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from drift.core.decisions import DRIFTED_FROM, SEVERITIES, severity
from drift.core.errors import DriftInputError, DriftParameterError
from drift.data.engines.profile import EngineProfile
from drift.data.engines.settings import EngineSettings, resolve_engine
from drift.data.schema import Schema
from drift.diagnosis.feature_rows import (
    COLUMNS,
    assemble_detail,
    categorical_detail,
    check_drift_params,
    detail_row,
    drift_table,
    feature_kinds,
    numeric_findings,
)
from drift.diagnosis.feature_rows import increasing as _increasing
from drift.diagnosis.readings import FeatureDetail, numeric_movement
from drift.stats.binning import (
    check_bins,
    numeric_bin_counts,
    quantile_edges,
    value_counts,
)
from drift.stats.psi import PSI_BANDS
from drift.stats.samples import SORT_BLOCK_CELLS, SortedColumns, SortedSample, sort_columns, sort_sample
from drift.stats.univariate import ks_sorted, wasserstein_from

__all__ = ["COLUMNS", "DRIFTED_FROM", "SEVERITIES", "FeatureDetail", "ReferenceProfile", "feature_detail",
           "feature_drift", "profile_reference", "severity", "summarize"]

#: Worker threads (NumPy's sorts release the GIL, so two cores sort two columns at once).
N_JOBS = 2
#: Features are compared on threads only from this many rows (both sides together): below it a
#: feature's work is mostly Python holding the GIL, and threads add their overhead to nothing.
PARALLEL_MIN_ROWS = 20_000
@dataclass(frozen=True, slots=True)
class FeatureProfile:
    """What the reference contributes to every comparison of one feature (reusable across batches)."""

    name: str
    kind: str
    sample: SortedSample | None = None            # numeric
    edges: np.ndarray | None = None               # numeric PSI edges
    categories: tuple[pd.Series, int] | None = None  # categorical counts and missing count
    increasing: bool = False                      # numeric: values increase with the row order

    @property
    def n_total(self) -> int:
        if self.sample is not None:
            return self.sample.n_total
        return int(self.categories[0].sum()) + self.categories[1]


@dataclass(frozen=True, slots=True)
class ReferenceProfile:
    """Sorted samples, PSI edges and category counts of the reference: compute once, compare many."""

    features: tuple[FeatureProfile, ...]
    bins: int
    n_rows: int

    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)


def profile_feature(name: str, kind: str, values, bins: int, *,
                    sample: SortedSample | None = None) -> FeatureProfile:
    """Profile one reference column (numeric: sort once, unless ``sample`` is its sorted sample already,
    and take the quantile edges)."""
    if kind == "numeric":
        sample = sort_sample(values) if sample is None else sample
        return FeatureProfile(name, kind, sample=sample, edges=quantile_edges(sample, bins),
                              increasing=_increasing(values))
    if kind == "categorical":
        return FeatureProfile(name, kind, categories=value_counts(values))
    raise DriftParameterError.invalid("kind", "profile_feature", "'numeric' or 'categorical'", kind)


def compare_feature(profile: FeatureProfile, values, *, alpha: float = 0.05,
                    sample: SortedSample | None = None) -> FeatureDetail:
    """All statistics of one feature from the reference profile and the current column (``sample``: its
    sorted sample, when sorted already), with its break signature (:mod:`drift.data.quality`) or split-proxy
    reason (:mod:`drift.data.proxies`) when it has one."""
    if profile.kind != "numeric":
        return categorical_detail(profile.name, profile.categories, value_counts(values), alpha=alpha)
    cur = sort_sample(values) if sample is None else sample
    test, raw_w = ks_sorted(profile.sample, cur)
    ref_v, cur_v = profile.sample.values, cur.values
    change = numeric_movement(ref_v, cur_v)
    issue, proxy, finding = numeric_findings(profile.name, ref_v, cur_v, test.statistic,
                                             reference_increasing=profile.increasing, current_rows=values)
    return assemble_detail(profile.name, profile.kind, test=test,
                           counts=numeric_bin_counts(profile.sample, cur, edges=profile.edges),
                           wasserstein=wasserstein_from(raw_w, profile.sample),
                           missing=(profile.sample.n_missing, profile.sample.n_total, cur.n_missing,
                                    cur.n_total),
                           alpha=alpha, change=change, issue=issue, proxy=proxy, finding=finding)


def feature_detail(reference_col, current_col, *, kind: str, bins: int = 10, alpha: float = 0.05,
                   name: str | None = None) -> FeatureDetail:
    """Every statistic of one feature with its plain-language reading (uncorrected p-value).

    Parameters
    ----------
    reference_col, current_col : Series or array-like
    kind : {"numeric", "categorical"}
    bins : int, default 10
        PSI quantile bins (numeric).
    """
    check_bins(bins, "feature_detail")
    if name is None:
        name = str(getattr(reference_col, "name", None) or "feature")
    return compare_feature(profile_feature(name, kind, reference_col, bins), current_col, alpha=alpha)


def profile_reference(reference, *, schema: Schema | None = None, bins: int = 10, n_jobs: int = N_JOBS,
                      engine: str | None = None, engine_settings: EngineSettings | None = None,
                      connection=None, path: str | None = None) -> ReferenceProfile | EngineProfile:
    """Profile every feature of the reference once, to compare many batches against it.

    ``engine`` (``"pandas"``, ``"duckdb"``; None: pandas for a DataFrame, DuckDB for a path, glob, relation
    or table) picks who counts.  DuckDB returns an :class:`~drift.data.engines.profile.EngineProfile` whose
    counts live in the directory ``path`` (a temporary one when None; ``profile.save(path)`` copies it),
    made with ``engine_settings`` or in ``connection`` (see :func:`feature_drift`).
    """
    check_bins(bins, "profile_reference")
    if resolve_engine(engine, reference, None, "profile_reference") == "duckdb":
        from drift.diagnosis.engine_drift import engine_profile_reference  # deferred: loads duckdb

        return engine_profile_reference(reference, schema=schema, bins=bins, settings=engine_settings,
                                        connection=connection, path=path)
    reference = _in_memory(reference)
    schema, _ = feature_kinds(reference, None, schema, "raise")
    kinds, feats = schema.kinds, list(schema.features)
    if len(reference) < PARALLEL_MIN_ROWS:
        profiles = []
        for chunk in _chunks(feats, len(reference)):
            ref_sorted = sort_columns(reference, [c for c in chunk if kinds[c] == "numeric"])
            profiles += [_profile(c, kinds[c], reference, ref_sorted, bins) for c in chunk]
    else:
        profiles = _map(lambda c: profile_feature(c, kinds[c], reference[c], bins), feats, n_jobs=n_jobs)
    return ReferenceProfile(tuple(profiles), bins, len(reference))


def _in_memory(data) -> pd.DataFrame:
    """A DataFrame for the pandas engine: as given, or read from one file (:func:`drift.load_table`)."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, str | Path):
        from drift.data.io import load_table  # deferred: only a path needs the readers

        return load_table(data)
    raise DriftParameterError.invalid("engine", "feature_drift", "'duckdb' for this input (pandas reads "
                                      "DataFrames and single files)", "pandas")


def _map(work, items, *, n_jobs: int) -> list:
    """``work`` on every item, on ``n_jobs`` threads."""
    if n_jobs <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        return list(pool.map(work, items))


def _chunks(names: list, n_rows: int) -> list[list]:
    """Consecutive slices of ``names`` holding at most SORT_BLOCK_CELLS cells of ``n_rows`` rows each."""
    width = max(1, SORT_BLOCK_CELLS // max(1, n_rows))
    return [names[i:i + width] for i in range(0, len(names), width)]


def _profile(name, kind: str, reference: pd.DataFrame, ref_sorted: SortedColumns,
             bins: int) -> FeatureProfile:
    """:func:`profile_feature` of a reference column, from its block-sorted sample when it has one."""
    if name in ref_sorted:
        sample, values = ref_sorted[name]
        return profile_feature(name, kind, values, bins, sample=sample)
    return profile_feature(name, kind, reference[name], bins)


def _compare(profile: FeatureProfile, current: pd.DataFrame, cur_sorted: SortedColumns,
             alpha: float) -> FeatureDetail:
    """:func:`compare_feature` of a current column, from its block-sorted sample when it has one."""
    if profile.name in cur_sorted:
        sample, values = cur_sorted[profile.name]
        return compare_feature(profile, values, alpha=alpha, sample=sample)
    return compare_feature(profile, current[profile.name], alpha=alpha)


def _compare_short(reference: pd.DataFrame | ReferenceProfile, current: pd.DataFrame, names: list,
                   kinds: dict, *, bins: int, alpha: float) -> list[tuple]:
    """The table rows (:func:`detail_row`) of every feature of short (often wide) frames, one block of
    columns at a time: numeric columns are read and sorted block by block
    (:func:`~drift.stats.samples.sort_columns`), then compared one by one on this thread (the per-feature
    work holds the GIL: threads would only add overhead)."""
    profiles = {p.name: p for p in reference.features} if isinstance(reference, ReferenceProfile) else None
    n_rows = len(current) if profiles is not None else max(len(reference), len(current))
    rows = []
    for chunk in _chunks(names, n_rows):
        numeric = [c for c in chunk if kinds[c] == "numeric"]
        cur_sorted = sort_columns(current, numeric)
        ref_sorted = sort_columns(reference, numeric) if profiles is None else None
        for c in chunk:  # one feature's objects at a time: they die before the next is made
            p = profiles[c] if profiles is not None else _profile(c, kinds[c], reference, ref_sorted, bins)
            rows.append(detail_row(_compare(p, current, cur_sorted, alpha)))
    return rows


def feature_drift(reference, current, *, schema: Schema | None = None, alpha: float = 0.05,
                  correction: str = "bh", bins: int = 10, psi_bands: tuple[float, float] = PSI_BANDS,
                  on_invalid: str = "exclude", n_jobs: int = N_JOBS, engine: str | None = None,
                  engine_settings: EngineSettings | None = None, connection=None) -> pd.DataFrame:
    """Drift of every feature: test, corrected p-value, effect sizes, missing rates and severity.

    Parameters
    ----------
    reference : DataFrame or ReferenceProfile
        Training data, or its profile from :func:`profile_reference` (reused across batches).
    current : DataFrame
        Production data with the same feature columns.
    schema : Schema, optional
        Column kinds and roles; inferred with :func:`drift.infer_schema` when omitted.
    alpha : float, default 0.05
        Significance level applied to the corrected p-values.
    correction : {"bh", "bonferroni", "none"}, default "bh"
        Multiple-testing correction across features (see :mod:`drift.stats.correction`).
    bins : int, default 10
        PSI quantile bins for numeric features.
    psi_bands : (float, float), default (0.1, 0.25)
        PSI cut-offs minor|moderate and moderate|major.
    on_invalid : {"exclude", "raise"}, default "exclude"
        What to do with columns validation rejects (all missing, ±inf, mismatched types, one side only…):
        leave them out and list them, with their message, in ``table.attrs["problems"]`` (one degenerate
        column does not stop the table), or raise their :class:`~drift.core.errors.DriftInputError` (strict).
    n_jobs : int, default 2
        Threads comparing features, used from :data:`PARALLEL_MIN_ROWS` rows (both sides together);
        shorter frames are compared a block of columns at a time on one thread.
    engine : {"pandas", "duckdb"}, optional
        Who counts.  None: pandas when both sides are DataFrames (or ``reference`` is a
        :class:`ReferenceProfile`), DuckDB otherwise.  DuckDB reads DataFrames, paths or globs of
        Parquet/CSV files, DuckDB relations and table names (of ``connection``), and an
        :class:`~drift.data.engines.profile.EngineProfile` as ``reference``; it counts out of core and
        gives the same table (:mod:`drift.diagnosis.engine_drift` says where each column comes from).
    engine_settings : EngineSettings, optional
        DuckDB's memory limit, spill directory and threads (:class:`~drift.data.engines.settings.
        EngineSettings`; default 2 GB, DuckDB's spill directory and threads); unused with ``connection``.
    connection : duckdb.DuckDBPyConnection, optional
        Run in this connection (needed for a relation or table name of your own connection).

    Returns
    -------
    DataFrame
        One row per feature, columns :data:`COLUMNS`: split proxies and entity columns last, the others
        most severe first.
        ``change`` says how the feature moved in plain words (median or the share that changed most);
        ``unseen_cur`` is the share of current rows on categories absent from the reference;
        ``issue`` / ``issue_size`` name a pipeline break signature (:mod:`drift.data.quality`); ``proxy`` the
        reason a feature is a split proxy (:mod:`drift.data.proxies`); ``entity`` marks an entity column
        (names or
        ids, new values expected: set apart, severity ``stable``); ``finding`` says any of these in a sentence
        (or lists new values).  ``attrs`` holds ``alpha``, ``correction``, ``bins``, ``problems``,
        ``split_proxies`` and ``entity_columns``.
    """
    check_drift_params(alpha, correction, psi_bands, on_invalid)
    check_bins(bins, "feature_drift")
    if resolve_engine(engine, reference, current, "feature_drift") == "duckdb":
        from drift.diagnosis.engine_drift import engine_feature_drift  # deferred: loads duckdb

        return engine_feature_drift(reference, current, schema=schema, alpha=alpha, correction=correction,
                                    bins=bins, psi_bands=psi_bands, on_invalid=on_invalid,
                                    settings=engine_settings, connection=connection)
    reference = reference if isinstance(reference, ReferenceProfile) else _in_memory(reference)
    current = _in_memory(current)
    problems: list = []
    if isinstance(reference, ReferenceProfile):
        profiles = reference.features
        missing = [p.name for p in profiles if p.name not in current.columns]
        if missing:
            raise DriftInputError(f"the current data lacks the feature(s) {missing}", file="current",
                                  column=missing[0], fix="send every feature column of the reference")
        names, kinds = [p.name for p in profiles], {p.name: p.kind for p in profiles}
        n_rows = reference.n_rows + len(current)

        def work(p: FeatureProfile) -> FeatureDetail:
            return compare_feature(p, current[p.name], alpha=alpha)
        items = profiles
    else:
        schema, problems = feature_kinds(reference, current, schema, on_invalid)
        names, kinds = list(schema.features), schema.kinds
        n_rows = len(reference) + len(current)

        def work(col: str) -> FeatureDetail:
            return compare_feature(profile_feature(col, kinds[col], reference[col], bins),
                                   current[col], alpha=alpha)
        items = names
    if n_rows < PARALLEL_MIN_ROWS:
        rows = _compare_short(reference, current, names, kinds, bins=bins, alpha=alpha)
    else:
        rows = [detail_row(d) for d in _map(work, items, n_jobs=n_jobs)]
    table = drift_table(rows, alpha=alpha, correction=correction, psi_bands=psi_bands)
    table.attrs.update(alpha=alpha, correction=correction, bins=bins, problems=problems,
                       split_proxies=tuple(table.loc[table["proxy"] != "", "feature"]),
                       entity_columns=tuple(table.loc[table["entity"].astype(bool), "feature"]))
    return table


@dataclass(frozen=True, slots=True)
class DriftSummary:
    """Headline numbers of a feature-drift table; split proxies and entity columns are counted apart.

    ``n_features``, ``n_drifted``, ``share_drifted`` and ``by_severity`` cover the other features;
    ``proxies`` names the split proxies (:mod:`drift.data.proxies`), ``entities`` the entity columns (names or
    ids whose new values are expected, :mod:`drift.data.quality`).
    """

    n_features: int
    n_drifted: int
    share_drifted: float
    by_severity: dict
    proxies: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()

    @property
    def n_proxies(self) -> int:
        return len(self.proxies)

    @property
    def n_set_apart(self) -> int:
        return len(self.proxies) + len(self.entities)

    def to_dict(self) -> dict:
        return {"n_features": self.n_features, "n_drifted": self.n_drifted,
                "share_drifted": self.share_drifted, "by_severity": dict(self.by_severity),
                "split_proxies": list(self.proxies), "entity_columns": list(self.entities)}


def set_apart(table: pd.DataFrame) -> pd.Series:
    """Rows of split proxies and entity columns (counted apart from the other features)."""
    out = pd.Series(False, index=table.index)
    if "proxy" in table.columns:
        out |= table["proxy"] != ""
    if "entity" in table.columns:
        out |= table["entity"].astype(bool)
    return out


def summarize(table: pd.DataFrame) -> DriftSummary:
    """Features drifted / total, their share, and the count at each severity; split proxies and entity
    columns apart."""
    apart = set_apart(table)
    proxies_ = tuple(table.loc[table["proxy"] != "", "feature"]) if "proxy" in table.columns else ()
    entities = tuple(table.loc[table["entity"].astype(bool), "feature"]) if "entity" in table.columns else ()
    rest = table.loc[~apart]
    n = len(rest)
    drifted = int(rest["drifted"].sum()) if n else 0
    counts = rest["severity"].value_counts() if n else pd.Series(dtype=int)
    return DriftSummary(n, drifted, drifted / n if n else float("nan"),
                        {s: int(counts.get(s, 0)) for s in SEVERITIES}, proxies_, entities)
