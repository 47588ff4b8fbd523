"""Domain classifier test: can a model tell the reference rows from the current rows?

A gradient-boosted tree classifier learns to separate reference (label 0) from current (label 1) rows;
its out-of-fold ROC AUC measures how different the two sets are (0.5 = indistinguishable), the
permutation importances say *which* features make them different, and the out-of-fold P(current) of
each row says *where* the drift lives.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from drift.core import decisions
from drift.core.errors import (
    ColumnMismatchError,
    DriftInputError,
    DriftParameterError,
    MixedTypeError,
    check_int,
)
from drift.core.inputs import check_cells, find_unusable_cell
from drift.core.jsonsafe import json_float
from drift.data.schema import feature_kind
from drift.stats.metrics import roc_auc

__all__ = ["DomainClassifierResult", "domain_classifier_test", "cauchy_combination", "MAX_CATEGORIES",
           "AUC_CI_LEVEL", "min_rows_per_side"]

#: Categorical features keep their most frequent ``MAX_CATEGORIES`` values (pooled over both sides);
#: rarer values share one "other" code.  HistGradientBoosting allows at most 255 categories.
MAX_CATEGORIES = 250
#: Level of the DeLong confidence interval of the AUC.
AUC_CI_LEVEL = 0.95
#: Boosting iterations at most; early stopping on a 10 % validation split usually stops far sooner.
MAX_ITER = 100
#: Boosting rounds without improvement of the validation loss before stopping.
N_ITER_NO_CHANGE = 10
#: Share of each training fold held out for early stopping (stratified, rounded up as scikit-learn does).
VALIDATION_FRACTION = 0.1
#: Fewest rows in a leaf (scikit-learn's default): a tree splits only when its fitting rows fill two
#: leaves, so fewer than ``2 * MIN_SAMPLES_LEAF`` fitting rows give a constant model, an AUC of 0.5 or
#: below whatever the data (see :func:`min_rows_per_side`).
MIN_SAMPLES_LEAF = 20
#: A numeric feature with fewer non-missing values than this in the pooled sample is coded as categories
#: (its distinct values): a training fold may then hold none of its values, which the numeric binning of
#: HistGradientBoosting cannot handle, while its categorical coding can.
SPARSE_NUMERIC_VALUES = 50
LEARNING_RATE = 0.1
#: Leaves per tree: ``(small samples, large samples)``, the cut being :data:`SMALL_SAMPLE_ROWS` rows in
#: total.  Small trees overfit less on small samples (on weak shifts they raised the out-of-fold AUC by
#: about a third of its excess over 0.5 in our tests) and still model interactions of a few features;
#: large samples afford scikit-learn's default of 31, which fits interactions better.
MAX_LEAF_NODES = (8, 31)
#: Below this many rows in total (both sides) a sample is "small": trees have ``MAX_LEAF_NODES[0]`` leaves.
SMALL_SAMPLE_ROWS = 20_000
#: OpenMP threads for growing the trees (``None``: all cores).  HistGradientBoosting's threads spin-wait
#: at every barrier, so on a busy machine (other sessions, other computations) two threads ran 10-15x
#: slower than one on 2 cores (26-73 s instead of 2.8-6.7 s for the defaults on 20,000 rows per side),
#: while on an idle machine they are only about 1.6x faster.  One thread is the robust choice for a
#: shared app server.
OPENMP_THREADS: int | None = 1

SIDES = ("reference", "current")


@dataclass(frozen=True, slots=True, eq=False)
class DomainClassifierResult:
    """Result of :func:`domain_classifier_test`.

    Attributes
    ----------
    statistic : float
        Out-of-fold ROC AUC (same as ``auc``).
    auc : float
        Out-of-fold ROC AUC of P(current): 0.5 = the sets are indistinguishable, 1 = fully separable.
    auc_ci : tuple of float
        DeLong confidence interval ``(lo, hi)`` at level :data:`AUC_CI_LEVEL`, clipped to [0, 1].
    pvalue : float
        One-sided Mann-Whitney U p-values (current scores > reference scores) of the held-out folds,
        combined by the Cauchy combination rule (see :func:`domain_classifier_test`, Notes).
    fold_pvalues : tuple of float
        The per-fold Mann-Whitney p-values.
    n_reference, n_current : int
        Rows used per side (balanced subsample).
    importances : pandas.DataFrame
        Columns ``feature, importance``: drop in out-of-fold AUC when the feature is permuted, sorted
        from most to least important (can be slightly negative for useless features).
    scores : pandas.DataFrame
        One row per sampled row: ``index`` (original index label), ``position`` (row number in the
        input frame), ``side`` (``"reference"`` / ``"current"``), ``fold`` (held-out fold number),
        ``p_current`` (out-of-fold P(current)).
    drifted : bool
        ``pvalue < alpha`` and ``auc >= min_auc``.
    alpha, min_auc : float
        The thresholds used for ``drifted``.
    n_folds : int
        Folds used for the out-of-fold scores.
    features : tuple of str
        Features the classifier used.
    note : str
        Why the result is ``nan``, or other caveats; empty when there is nothing to say.
    """

    statistic: float
    auc: float
    auc_ci: tuple[float, float]
    pvalue: float
    fold_pvalues: tuple[float, ...]
    n_reference: int
    n_current: int
    importances: pd.DataFrame
    scores: pd.DataFrame
    drifted: bool
    alpha: float
    min_auc: float
    n_folds: int
    features: tuple[str, ...]
    note: str = ""

    def top_rows(self, k: int = 10, current: pd.DataFrame | None = None) -> pd.DataFrame:
        """The ``k`` most current-like rows of the current side (highest out-of-fold P(current)).

        Parameters
        ----------
        k : int, default 10
            Number of rows.
        current : DataFrame, optional
            The current frame given to :func:`domain_classifier_test`; when given, the rows' feature
            values are joined (by row position).

        Returns
        -------
        DataFrame
            ``index, position, p_current`` (+ the features), sorted by ``p_current`` descending.
        """
        cur = self.scores[self.scores["side"] == "current"]
        top = cur.sort_values("p_current", ascending=False, kind="stable").head(k)
        top = top.drop(columns=["side", "fold"]).reset_index(drop=True)
        if current is not None:
            values = current.iloc[top["position"].to_numpy()][list(self.features)].reset_index(drop=True)
            top = pd.concat([top, values], axis=1)
        return top

    def to_dict(self) -> dict:
        """JSON-safe dictionary (``nan`` becomes ``None``); per-row scores are left out."""
        return {
            "statistic": json_float(self.statistic),
            "auc": json_float(self.auc),
            "auc_ci": [json_float(v) for v in self.auc_ci],
            "pvalue": json_float(self.pvalue),
            "fold_pvalues": [json_float(v) for v in self.fold_pvalues],
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "importances": [{"feature": str(f), "importance": json_float(v)} for f, v in
                            zip(self.importances["feature"], self.importances["importance"], strict=True)],
            "drifted": bool(self.drifted),
            "alpha": self.alpha,
            "min_auc": self.min_auc,
            "n_folds": self.n_folds,
            "features": list(self.features),
            "note": self.note,
        }


def domain_classifier_test(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    features: list[str] | tuple[str, ...] | None = None,
    n_folds: int = 5,
    max_samples: int = 20_000,
    alpha: float = 0.05,
    min_auc: float = 0.55,
    rng: int | np.random.Generator | None = 0,
) -> DomainClassifierResult:
    """Test for multivariate drift with a classifier trained to tell reference from current rows.

    Parameters
    ----------
    reference, current : DataFrame
        The two samples.
    features : list of str, optional
        Columns to use.  Default: every column present in both frames that is numeric, boolean or
        categorical (object, string, category); datetime columns are left out (time always "drifts").
        Leave out ids, targets and predictions unless you mean to test them.
    n_folds : int, default 5
        Folds of the stratified cross-validation that gives the out-of-fold scores.
    max_samples : int, default 20000
        Rows per side: both sides are subsampled (seeded, without replacement) to
        ``min(len(reference), len(current), max_samples)`` rows, so the classes are balanced.
    alpha : float, default 0.05
        Significance level of the decision rule.
    min_auc : float, default 0.55
        Smallest AUC that counts as drift (effect-size cut-off, see the decision rule).
    rng : int or numpy.random.Generator, default 0
        Seed or generator: subsampling, fold assignment, the classifier, importance permutations.

    Returns
    -------
    DomainClassifierResult

    Notes
    -----
    **Model**: :class:`sklearn.ensemble.HistGradientBoostingClassifier` with native categorical
    support (categories are coded consistently over both sides; the :data:`MAX_CATEGORIES` most
    frequent kept, the rest pooled as "other"; missing values stay missing and are handled natively),
    trees of 8 leaves below :data:`SMALL_SAMPLE_ROWS` rows in total, 31 above
    (:data:`MAX_LEAF_NODES`), at most :data:`MAX_ITER` iterations with early stopping on a
    10 % validation split of each training fold.

    **Scores**: stratified ``n_folds``-fold cross-validation; each row's P(current) comes from the
    model that did not see it.  **AUC**: :func:`sklearn.metrics.roc_auc_score` on those scores, with
    a DeLong (1988) confidence interval (normal approximation, clipped to [0, 1]); the interval treats
    the fold models as fixed, so it ignores training variability.

    **p-value**: in each held-out fold, the one-sided :func:`scipy.stats.mannwhitneyu` test of
    current scores greater than reference scores (U / (n₁n₂) is that fold's AUC).  Each fold's test is
    exact: its model never saw those rows' labels.  The ``n_folds`` p-values are combined with the
    Cauchy combination rule (Liu & Xie 2020, JASA 115:393), ``T = mean(tan((1/2 - p_f) π))``,
    ``p = 1/2 - arctan(T) / π``, which stays approximately valid when the p-values are dependent.
    They are: every fold model was trained on the other folds' labels, which correlates the folds'
    statistics.  For that reason the Mann-Whitney test on all out-of-fold scores pooled is *not* used:
    under no drift it rejected 8-11 % of the time at alpha = 0.05 in our simulations (3 Gaussian
    features, 200-2,000 rows per side, 300-400 repetitions).  The combined p-value rejected
    5.8 % ± 0.7 % (60-400 rows per side, 1,200 repetitions; 1.0 % at alpha = 0.01), in line with the
    rule's known slight excess under positive dependence (5.5 % for equicorrelated normal statistics
    with correlation 0.2).

    **Importance** of a feature: AUC of the out-of-fold scores minus the AUC after shuffling that
    feature within each held-out fold (one seeded shuffle, scored by the same fold models).

    **Decision rule** (:func:`drift.core.decisions.domain_level`): ``drifted = pvalue < alpha and
    auc_ci[0] > 0.5 and auc >= min_auc``.  A claim needs the fold test and the interval to agree.  The
    p-value answers "is there any difference"; with tens of thousands of rows an AUC of 0.51 is
    significant but practically negligible, hence the effect-size cut-off ``min_auc`` (0.55 by default,
    a common "slight drift" level for domain classifiers).

    **Small samples**: with fewer than :func:`min_rows_per_side` rows per side (29 for 5 folds) some fold's
    trees cannot make a single split, so the model is constant and the AUC is 0.5 or below even for
    perfectly separated sides: the result is ``nan`` with a ``note`` rather than a fake "no drift".

    **Unusable columns**: by default, columns holding nested values (dicts, lists) are left out, like
    datetime columns, and named in ``note``; passed in ``features=`` they raise
    :class:`~drift.core.errors.UnsupportedValuesError`.  Features without any value in the sample are left
    out (named in ``note``); when none is left the result is ``nan`` with a ``note``.  Raw bytes are
    categories like any other value.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> gen = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"a": gen.normal(size=500), "b": gen.normal(size=500)})
    >>> cur = pd.DataFrame({"a": gen.normal(1, 1, size=500), "b": gen.normal(size=500)})
    >>> res = domain_classifier_test(ref, cur)
    >>> res.drifted, res.importances["feature"].iloc[0]
    (True, 'a')
    """
    func = "domain_classifier_test"
    check_int(n_folds, "n_folds", func, 2)
    check_int(max_samples, "max_samples", func, 2)
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise DriftParameterError.invalid("alpha", func, "a float in (0, 1)", alpha)
    if not (isinstance(min_auc, (int, float)) and 0.5 <= min_auc <= 1):
        raise DriftParameterError.invalid("min_auc", func, "a float in [0.5, 1]", min_auc)
    reference = _as_frame(reference, "reference")
    current = _as_frame(current, "current")
    feats, notes = _select_features(reference, current, features)
    gen = np.random.default_rng(rng)
    seed = int(gen.integers(0, 2**31 - 1))

    k = int(min(len(reference), len(current), max_samples))
    base = dict(n_folds=int(n_folds), alpha=float(alpha), min_auc=float(min_auc), features=tuple(feats))
    need = min_rows_per_side(int(n_folds))
    if k < need:
        return _nan_result(k, base, "; ".join(notes + [
            f"each side needs at least {need} rows with n_folds={n_folds} (got {len(reference)} reference, "
            f"{len(current)} current): with fewer, the trees cannot split and the AUC means nothing"]))
    pos_ref, pos_cur = _balanced(len(reference), k, gen), _balanced(len(current), k, gen)
    ref_s = reference.iloc[pos_ref]
    cur_s = current.iloc[pos_cur]
    empty = [c for c in feats if not (ref_s[c].notna().any() or cur_s[c].notna().any())]
    if empty:
        notes.append("left out (no value in the sample): " + ", ".join(map(str, empty)))
        feats = [c for c in feats if c not in empty]
        base["features"] = tuple(feats)
        if not feats:
            return _nan_result(k, base, "; ".join(notes))
    x, is_cat = _encode(ref_s, cur_s, feats)
    y = np.concatenate([np.zeros(k, np.int8), np.ones(k, np.int8)])

    oof, oof_perm, fold = _cross_fit(x, y, is_cat, int(n_folds), seed, gen)
    auc, ci, fold_p, pvalue, importances = _fold_statistics(y, oof, oof_perm, fold, int(n_folds), feats)
    scores = pd.DataFrame({
        "index": np.concatenate([ref_s.index.to_numpy(dtype=object), cur_s.index.to_numpy(dtype=object)]),
        "position": np.concatenate([pos_ref, pos_cur]),
        "side": pd.Categorical(np.repeat(SIDES, k), categories=SIDES),
        "fold": fold,
        "p_current": oof,
    })
    if len(reference) != len(current) or len(reference) > k:
        notes.insert(0, f"balanced sample of {k:,} rows per side (of {len(reference):,} reference, "
                        f"{len(current):,} current)")
    note = "; ".join(notes)
    return DomainClassifierResult(
        statistic=auc, auc=auc, auc_ci=ci, pvalue=pvalue, fold_pvalues=fold_p, n_reference=k, n_current=k,
        importances=importances, scores=scores,
        drifted=decisions.domain_level(auc, ci, pvalue, alpha, min_auc=min_auc) != "ok",
        note=note, **base)


# --- internals ---------------------------------------------------------------------------------
def _balanced(n: int, k: int, gen: np.random.Generator) -> np.ndarray:
    """Sorted positions of a seeded sample of ``k`` of ``n`` rows, without replacement (all when
    ``n == k``)."""
    return np.sort(gen.choice(n, k, replace=False)) if n > k else np.arange(k)


def _fold_statistics(y: np.ndarray, oof: np.ndarray, oof_perm: np.ndarray, fold: np.ndarray, n_folds: int,
                     feats: list[str]) -> tuple[float, tuple, tuple[float, ...], float, pd.DataFrame]:
    """AUC of the out-of-fold scores with its DeLong interval, the folds' one-sided Mann-Whitney
    p-values and their Cauchy combination, and each feature's importance (AUC drop when shuffled);
    :func:`domain_classifier_test`, Notes."""
    auc = roc_auc(y, oof)
    ci = _delong_ci(oof[y == 1], oof[y == 0], auc, AUC_CI_LEVEL)
    fold_p = tuple(float(stats.mannwhitneyu(oof[(fold == f) & (y == 1)], oof[(fold == f) & (y == 0)],
                                            alternative="greater").pvalue) for f in range(n_folds))
    drops = [auc - roc_auc(y, oof_perm[:, j]) for j in range(len(feats))]
    importances = (pd.DataFrame({"feature": feats, "importance": drops})
                   .sort_values("importance", ascending=False, kind="stable").reset_index(drop=True))
    return auc, ci, fold_p, cauchy_combination(fold_p), importances


def _cross_fit(x: np.ndarray, y: np.ndarray, is_cat: np.ndarray, n_folds: int, seed: int,
               gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold P(current), the same with each feature shuffled in the held-out fold, fold numbers."""
    from sklearn.ensemble import HistGradientBoostingClassifier  # deferred: scikit-learn
    from sklearn.model_selection import StratifiedKFold

    threads = threadpool_limits(limits=OPENMP_THREADS, user_api="openmp") if OPENMP_THREADS \
        else contextlib.nullcontext()
    leaves = MAX_LEAF_NODES[0] if len(y) < SMALL_SAMPLE_ROWS else MAX_LEAF_NODES[1]
    oof = np.empty(len(y))
    oof_perm = np.empty((len(y), x.shape[1]))
    fold = np.empty(len(y), np.int64)
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    with threads:
        for number, (train, test) in enumerate(folds.split(x, y)):
            fold[test] = number
            model = HistGradientBoostingClassifier(
                learning_rate=LEARNING_RATE, max_iter=MAX_ITER, max_leaf_nodes=leaves,
                min_samples_leaf=MIN_SAMPLES_LEAF, early_stopping=True, n_iter_no_change=N_ITER_NO_CHANGE,
                validation_fraction=VALIDATION_FRACTION,
                categorical_features=is_cat if is_cat.any() else None, random_state=seed)
            model.fit(x[train], y[train])
            held = x[test]
            oof[test] = model.predict_proba(held)[:, 1]
            for j in range(x.shape[1]):
                original = held[:, j].copy()
                held[:, j] = original[gen.permutation(len(original))]
                oof_perm[test, j] = model.predict_proba(held)[:, 1]
                held[:, j] = original
    return oof, oof_perm, fold


def min_rows_per_side(n_folds: int) -> int:
    """Fewest rows per side with which every fold's trees can split.

    A training fold holds ``2k`` rows minus the largest held-out fold (``ceil(2k / n_folds)`` rows:
    scikit-learn's stratified folds deal the rows sorted by class round-robin); early stopping sets
    ``ceil(VALIDATION_FRACTION * rows)`` of them aside; the rest must fill two leaves of
    :data:`MIN_SAMPLES_LEAF` rows.  29 rows per side for 5 folds.
    """
    k = int(n_folds)
    while True:
        train = 2 * k - math.ceil(2 * k / n_folds)
        if train - math.ceil(VALIDATION_FRACTION * train) >= 2 * MIN_SAMPLES_LEAF:
            return k
        k += 1


def cauchy_combination(pvalues) -> float:
    """Combine p-values with the Cauchy combination rule (Liu & Xie 2020).

    ``T = mean(tan((1/2 - p) π))`` and ``p = 1/2 - arctan(T) / π``, computed as ``cot(p π)`` and
    ``arctan2(1, T) / π`` so tiny and unit p-values stay exact.  Exact for independent or identical
    p-values, approximately valid (slightly liberal at moderate alpha) under other dependence.
    """
    p = np.clip(np.asarray(pvalues, dtype=np.float64), 0.0, 1.0)
    if p.size == 0 or np.isnan(p).any():
        return math.nan
    with np.errstate(divide="ignore"):
        t = np.mean(1.0 / np.tan(p * np.pi))
    return float(min(1.0, max(0.0, np.arctan2(1.0, t) / np.pi)))


def _delong_ci(pos: np.ndarray, neg: np.ndarray, auc: float, level: float) -> tuple[float, float]:
    """DeLong (1988) normal-approximation interval for the AUC, clipped to [0, 1].

    Structural components via mid-ranks (Sun & Xu 2014): for each positive, the share of negatives
    below it (ties count 1/2); for each negative, the share of positives above it.
    """
    m, n = len(pos), len(neg)
    ranks = stats.rankdata(np.concatenate([pos, neg]))
    v10 = (ranks[:m] - stats.rankdata(pos)) / n
    v01 = 1.0 - (ranks[m:] - stats.rankdata(neg)) / m
    se = math.sqrt(np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n)
    z = stats.norm.ppf(0.5 + level / 2)
    return (float(max(0.0, auc - z * se)), float(min(1.0, auc + z * se)))


def _as_frame(data, name: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    arr = np.asarray(data)
    if arr.ndim != 2:
        raise DriftInputError(f"expected a table (2-D), got {arr.ndim} dimensions", file=name,
                              fix="pass a DataFrame")
    return pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])


def _select_features(reference: pd.DataFrame, current: pd.DataFrame, features) -> tuple[list[str], list[str]]:
    """The features to use and notes on the columns left out."""
    notes = []
    if features is None:
        feats = [c for c in reference.columns if c in current.columns
                 and feature_kind(reference[c]) is not None and feature_kind(current[c]) is not None]
        nested = [c for c in feats if find_unusable_cell(reference[c], allow_bytes=True) is not None
                  or find_unusable_cell(current[c], allow_bytes=True) is not None]
        if nested:
            notes.append("left out (nested values such as dicts or lists): " + ", ".join(map(str, nested)))
            feats = [c for c in feats if c not in nested]
        if not feats:
            raise DriftInputError("no numeric or categorical column is present on both sides"
                                  + (f" (left out for nested values: {', '.join(map(str, nested))})"
                                     if nested else ""),
                                  file="current", fix="check the column names, or pass features=")
    else:
        feats = list(features)
        if not feats:
            raise DriftParameterError.invalid("features", "domain_classifier_test",
                                              "a non-empty list of columns or None", features)
        for name, frame in (("reference", reference), ("current", current)):
            for col in feats:
                if col not in frame.columns:
                    raise ColumnMismatchError("the column is missing", file=name, column=str(col),
                                              fix="pass only columns present on both sides")
                if feature_kind(frame[col]) is None:
                    raise DriftInputError(f"unsupported type {frame[col].dtype} for the domain classifier",
                                          file=name, column=str(col),
                                          fix="convert it to a number or a category, or leave it out")
                check_cells(frame[col], side=name, column=col, allow_bytes=True,
                            fix="flatten it into columns of numbers or categories, or leave it out of "
                                "features=")
    for col in feats:
        kr, kc = feature_kind(reference[col]), feature_kind(current[col])
        if kr != kc and reference[col].notna().any() and current[col].notna().any():
            raise MixedTypeError(f"the column is {kr} in the reference but {kc} in the current data",
                                 file="current", column=str(col),
                                 fix="make the column the same type on both sides")
    return feats, notes


def _encode(ref: pd.DataFrame, cur: pd.DataFrame, feats: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Float matrix (reference rows first) and the categorical mask; categories coded over both sides."""
    k_ref, k_cur = len(ref), len(cur)
    x = np.empty((k_ref + k_cur, len(feats)))
    is_cat = np.zeros(len(feats), bool)
    for j, col in enumerate(feats):
        r, c = ref[col], cur[col]
        kind = feature_kind(r) if r.notna().any() else feature_kind(c)
        if kind == "numeric" and r.count() + c.count() >= SPARSE_NUMERIC_VALUES:
            x[:k_ref, j] = r.to_numpy(dtype=np.float64, na_value=np.nan)
            x[k_ref:, j] = c.to_numpy(dtype=np.float64, na_value=np.nan)
            continue
        is_cat[j] = True
        pooled = pd.concat([r.astype(object), c.astype(object)], ignore_index=True)
        missing = pooled.isna().to_numpy()
        keep = pooled[~missing].value_counts(sort=True).index[:MAX_CATEGORIES]
        codes = pd.Index(keep).get_indexer(pooled).astype(np.float64)
        codes[codes < 0] = len(keep)                 # the "other" code
        codes[missing] = np.nan
        x[:, j] = codes
    return x, is_cat


def _nan_result(k: int, base: dict, note: str) -> DomainClassifierResult:
    return DomainClassifierResult(
        statistic=math.nan, auc=math.nan, auc_ci=(math.nan, math.nan), pvalue=math.nan, fold_pvalues=(),
        n_reference=k, n_current=k,
        importances=pd.DataFrame({"feature": list(base["features"]),
                                  "importance": [math.nan] * len(base["features"])}),
        scores=pd.DataFrame({"index": pd.Series([], dtype=object),
                             "position": pd.Series([], dtype=np.int64),
                             "side": pd.Categorical([], categories=SIDES),
                             "fold": pd.Series([], dtype=np.int64),
                             "p_current": pd.Series([], dtype=float)}),
        drifted=False, note=note, **base)
