"""``feature_drift`` and ``profile_reference`` with DuckDB counting (``engine="duckdb"``).

The counts come from :mod:`drift.data.engines.counts` (exact, out of core); every statistic and reading is
scored by the same functions as the pandas path (:mod:`drift.diagnosis.feature_rows`), so on data that
fits in memory the table equals pandas' to 1e-9 (sums of many terms are added in another order).

Column by column, where each number comes from:

=================================================  ===========================================================
``statistic`` (KS D), ``wasserstein_norm``           exact: both sides' counts per distinct value, merged in
                                                    value order in DuckDB
``pvalue`` (numeric)                                 ``kstwo`` on D, n, m above 10,000 values a side; below,
                                                    the sides are small and SciPy's exact test runs on them
``psi``, ``js``, bins, ``missing_*``, ``n_*``        exact counts
``pvalue`` (categorical), ``unseen_cur``, ``entity`` exact category counts
``change``                                           exact order statistics (medians, quartiles)
categorical ``issue`` / ``proxy`` / ``finding``      exact category counts
numeric ``issue`` / ``proxy`` / ``finding``          a seeded row sample of each side (every row up to
                                                    :data:`~drift.data.engines.counts.SAMPLE_ROWS`); when a
                                                    side was sampled, ``note`` says "sample of n from N"
=================================================  ===========================================================

Validation: two DataFrames are validated by the pandas path's :func:`~drift.data.validation.validate_pair`
(the same problems, the same words).  Files, globs, relations and tables are validated from their
first :data:`~drift.data.schema.SAMPLE_ROWS` rows for types (one side only, numbers vs text) and from
exact counts for values (a side without values, ±inf with the pandas wording, too many categories); a
column constant on both sides gets NaN statistics with their note but no separate warning.

Two differences remain, both about rows: a sampled side has lost its row order, so a numeric split proxy is
never named ``index`` from it; and categories with equal counts are listed by label, not by first
appearance (which only the pandas path sees).

Not in this stage: ``diagnose`` and ``monitor`` on engines, Spark, reservoir samples for the multivariate
steps.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, MixedTypeError, TooManyCategoriesError
from drift.data.engines import counts as cnt
from drift.data.engines.profile import (
    CategoricalProfile,
    EngineProfile,
    NumericProfile,
    sql_string,
    write_categories,
    write_manifest,
    write_sample,
)
from drift.data.engines.settings import EngineSettings, connect
from drift.data.engines.sources import Source, type_family
from drift.data.schema import MAX_CATEGORIES, SAMPLE_ROWS, Schema, infer_schema
from drift.data.validation import (
    ColumnProblem,
    infinite_values_problem,
    missing_side_problems,
    validate_pair,
)
from drift.diagnosis.feature_rows import (
    BREAK_CHECK_D,
    assemble_detail,
    categorical_detail,
    detail_row,
    drift_table,
    feature_kinds,
    increasing,
    numeric_findings,
)
from drift.diagnosis.readings import movement_positions, numeric_movement
from drift.stats.binning import BinCounts, bins_from_counts, quantile_edges, quantile_levels
from drift.stats.samples import quantile_positions
from drift.stats.univariate import (
    KS_EXACT_MAX_N,
    TestResult,
    ks_asymptotic_pvalue,
    ks_sorted,
    too_few_note,
    wasserstein_from,
)


@dataclass(frozen=True, slots=True)
class _Side:
    """One side opened and counted: its rows, category counts and numeric facts (values, ±inf, sum; the
    values themselves are counted with the other side, one feature at a time: :func:`_counted`)."""

    source: Source
    n_rows: int
    categories: dict         # name -> (counts, missing)
    numeric: dict            # name -> NumericFacts

    def sample(self, con, columns: list) -> tuple[pd.DataFrame, bool]:
        """The row sample of ``columns`` (:func:`~drift.data.engines.counts.row_sample`)."""
        if not columns:
            return pd.DataFrame(), False
        return cnt.row_sample(con, self.source, columns, self.n_rows)


def _count_side(con, source: Source, categorical: list, numeric: list) -> _Side:
    n_rows, facts = cnt.numeric_facts(con, source, numeric)
    return _Side(source, n_rows, cnt.category_counts(con, source, categorical), facts)


# ----------------------------------------------------------------------------------- schema and checks
def _schema(con, ref: Source, cur: Source, schema: Schema | None) -> tuple[Schema, list[ColumnProblem]]:
    """Kinds and roles, with the problems decided by column types (one side only, numbers vs text): from
    the first :data:`~drift.data.schema.SAMPLE_ROWS` rows of each side, whose types are the files'."""
    head_r, head_c = ref.head(con, SAMPLE_ROWS), cur.head(con, SAMPLE_ROWS)
    schema = infer_schema(head_r, head_c) if schema is None else schema
    validation = validate_pair(head_r, head_c, schema, reference_name=ref.name, current_name=cur.name)
    typed = [p for p in validation.problems
             if isinstance(p.error, MixedTypeError) or p.problem == "ColumnMismatchError"]
    return schema, typed


def _category_problems(names: list, ref: _Side, cur: _Side) -> list[ColumnProblem]:
    """Problems of categorical columns from their exact counts: a side without values, too many
    categories."""
    out: list[ColumnProblem] = []
    rn, cn = ref.source.name, cur.source.name
    for col in names:
        (rc, _), (cc, _) = ref.categories[col], cur.categories[col]
        out += missing_side_problems(col, rn, cn, len(rc) > 0, len(cc) > 0)
        levels = len(set(rc.index) | set(cc.index))
        if len(rc) and levels > MAX_CATEGORIES and ref.source.type_of(col) != "BOOLEAN":
            out.append(ColumnProblem(col, TooManyCategoriesError(
                f"{levels:,} distinct values across both files, more than max_categories={MAX_CATEGORIES}",
                file=f"{rn} and {cn}", column=col,
                fix="set its kind to id or text if it identifies rows or holds free text, bucket rare values "
                    "into 'other'"), "excluded"))
    return out


def _numeric_problems(names: list, ref: _Side, cur: _Side) -> list[ColumnProblem]:
    """Problems of numeric columns from their exact facts, in the pandas path's order and words: a side
    without values, then ±inf."""
    out: list[ColumnProblem] = []
    files = (ref.source.name, cur.source.name)
    for name in names:
        r, c = ref.numeric[name], cur.numeric[name]
        out += missing_side_problems(name, *files, r.n_valid > 0, c.n_valid > 0)
        if r.n_valid:
            inf = infinite_values_problem(name, {files[0]: r.n_inf, files[1]: c.n_inf})
            out += [inf] if inf is not None else []
    return out


def _raise_or_keep(problems: list[ColumnProblem], on_invalid: str) -> list[ColumnProblem]:
    if on_invalid == "raise":
        for p in problems:
            if p.action == "excluded":
                raise p.error
    return problems


def _excluding(schema: Schema, problems: list[ColumnProblem]) -> Schema:
    excluded = [p.column for p in problems if p.action == "excluded"]
    return schema.with_roles(excluded=tuple(dict.fromkeys((*schema.excluded, *excluded))))


# ------------------------------------------------------------------------------------ numeric counts
@dataclass(frozen=True, slots=True)
class _Counted:
    """One numeric feature's counts: both sides, the test, the raw Wasserstein distance and the bins."""

    reference: cnt.CountedSample
    current: cnt.CountedSample
    test: TestResult
    wasserstein: float
    counts: BinCounts


def _counted(con, f: NumericProfile, cur_sql: str, cur: cnt.NumericFacts, bins: int) -> _Counted:
    """Both sides of one numeric feature counted (``f.counts_sql`` and ``cur_sql``: their values as
    ``v, c``): the CDF summary in one pipeline, then each side's bins on the edges; the KS p-value by
    SciPy's exact test on the sorted samples when both sides are small."""
    n, m = f.n_total - f.n_missing, cur.n_valid
    mean = f.total / n if n else 0.0
    ref_pos = sorted(set(quantile_positions(n, quantile_levels(bins)).tolist())
                     | set(movement_positions(n))) if n else []
    d, w, ref_at, cur_at = cnt.cdf_summary(con, f.counts_sql, cur_sql, n=n, m=m, shift=mean, dense=f.dense,
                                           ref_positions=ref_pos, cur_positions=movement_positions(m))
    ref = cnt.CountedSample(cnt.OrderStatistics(n, ref_at), f.n_missing)
    current = cnt.CountedSample(cnt.OrderStatistics(m, cur_at), cur.n_missing)
    edges = quantile_edges(ref, bins)
    ref_bins, squares = cnt.bin_counts(con, f.counts_sql, edges, mean)
    cur_bins = cnt.bin_counts(con, cur_sql, edges, mean)[0] if m else np.zeros(len(edges) + 1, np.int64)
    ref = cnt.with_std(ref, squares)
    counts = bins_from_counts(ref_bins, cur_bins, edges, bins=bins, n_reference=n,
                              missing=(f.n_missing, cur.n_missing))
    note = too_few_note(n, m)
    if note:
        test, w = TestResult(float("nan"), float("nan"), n, m, note), float("nan")
    elif max(n, m) <= KS_EXACT_MAX_N:  # small sides: SciPy's exact p-value needs the values
        test = ks_sorted(cnt.sorted_values(con, f.counts_sql), cnt.sorted_values(con, cur_sql))[0]
    else:
        test = TestResult(d, ks_asymptotic_pvalue(d, n, m), n, m)
    return _Counted(ref, current, test, w, counts)


# ------------------------------------------------------------------------------------------ profiles
def _one_off_profile(con, ref: _Side, kinds: dict, names: list, bins: int) -> EngineProfile:
    """The reference as a comparison reads it once: numeric counts straight from its source (grouped
    unless its first rows are mostly distinct: :func:`~drift.data.engines.counts.is_dense`), no sample
    until a feature needs one (:func:`_samples`)."""
    head = ref.source.head(con, SAMPLE_ROWS)
    features = []
    for name in names:
        family = type_family(ref.source.type_of(name))
        if kinds[name] == "numeric":
            facts = ref.numeric[name]
            features.append(NumericProfile(name, cnt.rows_sql(ref.source, name), ref.n_rows, facts.n_missing,
                                           None, False, False, family, total=facts.total,
                                           dense=cnt.is_dense(head[name].to_numpy(dtype=np.float64))))
        else:
            counts, missing = ref.categories[name]
            features.append(CategoricalProfile(name, counts, missing, family))
    return EngineProfile(tuple(features), bins, ref.n_rows, min(ref.n_rows, cnt.SAMPLE_ROWS), None)


_NO_ROWS = "SELECT 0.0::DOUBLE AS v, 0::BIGINT AS c WHERE false"


def _saved_numeric(con, side: _Side, name: str, i: int, bins: int, directory: Path,
                   sample: pd.DataFrame, sampled: bool) -> NumericProfile:
    """One numeric feature of a saved profile: its counts written to Parquet, its edges and spread."""
    file = f"numeric_{i}.parquet"
    path = str(directory / file)
    con.execute(f"COPY ({cnt.value_counts_sql(side.source, name)} ORDER BY v) TO {sql_string(path)} "
                "(FORMAT parquet)")
    values, facts = sample[name].to_numpy(dtype=np.float64), side.numeric[name]
    distinct = con.execute(f"SELECT count(*) FROM read_parquet({sql_string(path)})").fetchone()[0]
    f = NumericProfile(name, f"SELECT v, c FROM read_parquet({sql_string(path)})", side.n_rows,
                       facts.n_missing, values, sampled, not sampled and increasing(values),
                       type_family(side.source.type_of(name)), file, total=facts.total,
                       dense=distinct >= cnt.DENSE_SHARE * facts.n_valid)
    counted = _counted(con, f, _NO_ROWS, cnt.NumericFacts(0, 0, 0), bins)
    return dataclasses.replace(f, edges=tuple(counted.counts.edges.tolist()), std=counted.reference.std)


def engine_profile_reference(reference, *, schema: Schema | None = None, bins: int = 10,
                             settings: EngineSettings | None = None, connection=None,
                             path: str | None = None) -> EngineProfile:
    """:func:`drift.profile_reference` with DuckDB: the reference counted once, its counts written to the
    directory ``path`` (a new temporary directory when None) with its manifest; reuse it with
    :func:`engine_feature_drift` or save it with :meth:`EngineProfile.save`."""
    con = connection if connection is not None else connect(settings)
    try:
        src = _open(con, reference, "reference")
        if schema is None:
            schema = infer_schema(src.frame if src.frame is not None else src.head(con, SAMPLE_ROWS))
        names, kinds = list(schema.features), schema.kinds
        categorical = [c for c in names if kinds[c] == "categorical"]
        numeric = [c for c in names if kinds[c] == "numeric"]
        side = _count_side(con, src, categorical, numeric)
        _raise_or_keep(_category_problems(categorical, side, side) + _numeric_problems(numeric, side, side),
                       "raise")
        directory = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="drift-profile-"))
        directory.mkdir(parents=True, exist_ok=True)
        sample, sampled = side.sample(con, numeric)
        features = []
        for i, name in enumerate(names):
            if kinds[name] == "numeric":
                features.append(_saved_numeric(con, side, name, i, bins, directory, sample, sampled))
            else:
                counts, missing = side.categories[name]
                features.append(CategoricalProfile(name, counts, missing, type_family(src.type_of(name))))
                write_categories(counts, directory / f"categorical_{i}.parquet")
        profile = EngineProfile(tuple(features), bins, side.n_rows, len(sample) if len(sample) else 0,
                                str(directory))
        write_sample({i: f.sample for i, f in enumerate(features) if isinstance(f, NumericProfile)},
                     directory / "sample.parquet")
        write_manifest(profile, directory)
        if path is None:    # the temporary directory goes with the profile (save() copies it elsewhere)
            weakref.finalize(profile, shutil.rmtree, str(directory), ignore_errors=True)
        return profile
    finally:
        if connection is None:
            con.close()


# ---------------------------------------------------------------------------------------- comparison
def _samples(con, profile: EngineProfile, ref: _Side | None, cur: _Side,
             names: list) -> tuple[dict, dict, str]:
    """Sorted row samples of ``names`` on both sides (reference: the profile's, else drawn now), the
    current values in row order (None when sampled), and the sample note ("" when no side was
    sampled)."""
    if not names:
        return {}, {}, ""
    by_name = {f.name: f for f in profile.features}
    cur_df, cur_sampled = cur.sample(con, names)
    if ref is not None:
        ref_df, ref_sampled = ref.sample(con, names)
        ref_rows = {c: ref_df[c].to_numpy(dtype=np.float64) for c in names}
    else:
        ref_rows, ref_sampled = {c: by_name[c].sample for c in names}, profile.sampled
    sorted_ref = {c: np.sort(v[~np.isnan(v)]) for c, v in ref_rows.items()}
    rows = {c: cur_df[c].to_numpy(dtype=np.float64) for c in names}
    sorted_cur = {c: (np.sort(v[~np.isnan(v)]), None if cur_sampled else v) for c, v in rows.items()}
    increasing_ref = {c: (not ref_sampled) and increasing(ref_rows[c]) for c in names}
    note = ""
    if ref_sampled or cur_sampled:
        note = (f"break and proxy checks on a row sample of {len(next(iter(ref_rows.values()))):,} from "
                f"{profile.n_rows:,} reference and {len(cur_df):,} from {cur.n_rows:,} current rows")
    return {c: (sorted_ref[c], increasing_ref[c]) for c in names}, sorted_cur, note


def _count_numeric(con, profile: EngineProfile, cur: _Side) -> dict:
    """Every numeric feature counted (:func:`_counted`)."""
    return {f.name: _counted(con, f, cnt.rows_sql(cur.source, f.name), cur.numeric[f.name], profile.bins)
            for f in profile.features if isinstance(f, NumericProfile)}


def _compare(con, profile: EngineProfile, ref: _Side | None, cur: _Side, alpha: float,
             counted: dict) -> tuple[list, dict]:
    """The table rows of every feature, and the sample note of those whose row readings used a sample."""
    need = [c for c, k in counted.items() if k.test.statistic >= BREAK_CHECK_D]
    ref_samples, cur_samples, note = _samples(con, profile, ref, cur, need)
    rows, notes = [], {}
    for f in profile.features:
        if not isinstance(f, NumericProfile):
            rows.append(detail_row(categorical_detail(f.name, (f.counts, f.n_missing), cur.categories[f.name],
                                                      alpha=alpha)))
            continue
        k = counted[f.name]
        issue, proxy, finding = None, "", ""
        if f.name in ref_samples:
            (ref_v, ref_inc), (cur_v, cur_rows) = ref_samples[f.name], cur_samples[f.name]
            issue, proxy, finding = numeric_findings(f.name, ref_v, cur_v, k.test.statistic,
                                                     reference_increasing=ref_inc, current_rows=cur_rows)
            if note:
                notes[f.name] = note
        r, c = k.reference, k.current
        rows.append(detail_row(assemble_detail(
            f.name, "numeric", test=k.test, counts=k.counts, wasserstein=wasserstein_from(k.wasserstein, r),
            missing=(r.n_missing, r.n_total, c.n_missing, c.n_total), alpha=alpha,
            change=numeric_movement(r.values, c.values), issue=issue, proxy=proxy, finding=finding)))
    return rows, notes


def _profile_problems(profile: EngineProfile, cur: Source) -> None:
    """A current side that lacks a feature of the profile, or holds it with another type."""
    missing = [name for name in profile.names() if name not in cur.columns]
    if missing:
        raise DriftInputError(f"the current data lacks the feature(s) {missing}", file=cur.name,
                              column=missing[0], fix="send every feature column of the reference")
    for f in profile.features:
        family = type_family(cur.type_of(f.name))
        if family != f.family:
            raise MixedTypeError(f"held {f.family} in the reference profile but {family} here", file=cur.name,
                                 column=f.name, fix="write the column with the reference's type")


def _against_profile(con, profile: EngineProfile, cur_src: Source, on_invalid: str):
    """The profile without the features the current side cannot give (±inf), the counted current side and
    the problems of a comparison with a profile."""
    _profile_problems(profile, cur_src)
    cur = _count_side(con, cur_src, [f.name for f in profile.features if f.kind == "categorical"],
                      [f.name for f in profile.features if f.kind == "numeric"])
    infinite = {name: facts.n_inf for name, facts in cur.numeric.items() if facts.n_inf}
    problems = _raise_or_keep([infinite_values_problem(name, {"reference profile": 0, cur_src.name: n})
                               for name, n in infinite.items()], on_invalid)
    kept = tuple(f for f in profile.features if f.name not in infinite)
    profile = dataclasses.replace(profile, features=kept)
    return profile, cur, problems


def _against_reference(con, ref_src: Source, cur_src: Source, schema, bins: int, on_invalid: str):
    """The one-off profile of a reference read from its source, both sides counted, and the problems
    (the pandas path's validation for two DataFrames; otherwise types from the first rows, values from the
    exact counts)."""
    frames = ref_src.frame is not None and cur_src.frame is not None
    if frames:
        schema, problems = feature_kinds(ref_src.frame, cur_src.frame, schema, on_invalid)
    else:
        schema, problems = _schema(con, ref_src, cur_src, schema)
        schema = _excluding(schema, _raise_or_keep(problems, on_invalid))
    names, kinds = list(schema.features), schema.kinds
    categorical = [c for c in names if kinds[c] == "categorical"]
    numeric = [c for c in names if kinds[c] == "numeric"]
    ref = _count_side(con, ref_src, categorical, numeric)
    cur = _count_side(con, cur_src, categorical, numeric)
    if not frames:
        found = _category_problems(categorical, ref, cur) + _numeric_problems(numeric, ref, cur)
        order = {c: i for i, c in enumerate(ref_src.columns)}
        problems = sorted(problems + _raise_or_keep(found, on_invalid),
                          key=lambda p: order.get(p.column, len(order)))
        schema = _excluding(schema, found)
    return _one_off_profile(con, ref, kinds, list(schema.features), bins), ref, cur, problems


def engine_feature_drift(reference, current, *, schema: Schema | None, alpha: float, correction: str,
                         bins: int, psi_bands: tuple[float, float], on_invalid: str,
                         settings: EngineSettings | None = None, connection=None) -> pd.DataFrame:
    """:func:`drift.feature_drift` with DuckDB counting (module docstring); ``reference`` may be an
    :class:`EngineProfile` (only ``current`` is read).  Parameters are checked by the caller."""
    con = connection if connection is not None else connect(settings)
    try:
        cur_src = _open(con, current, "current")
        if isinstance(reference, EngineProfile):
            ref = None
            profile, cur, problems = _against_profile(con, reference, cur_src, on_invalid)
        else:
            profile, ref, cur, problems = _against_reference(con, _open(con, reference, "reference"), cur_src,
                                                             schema, bins, on_invalid)
        rows, notes = _compare(con, profile, ref, cur, alpha, _count_numeric(con, profile, cur))
    finally:
        if connection is None:
            con.close()
    table = drift_table(rows, alpha=alpha, correction=correction, psi_bands=psi_bands)
    if notes:
        table["note"] = ["; ".join(x for x in (n, notes.get(f, "")) if x)
                         for f, n in zip(table["feature"], table["note"])]
    table.attrs.update(alpha=alpha, correction=correction, bins=profile.bins, problems=problems,
                       split_proxies=tuple(table.loc[table["proxy"] != "", "feature"]),
                       entity_columns=tuple(table.loc[table["entity"].astype(bool), "feature"]),
                       engine="duckdb", n_current_rows=cur.n_rows)
    return table


def _open(con, data, side: str) -> Source:
    return Source.open(data, con, side=side)
