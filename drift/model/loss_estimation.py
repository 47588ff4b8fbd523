"""Estimated performance of a regression model without labels: direct loss estimation (DLE).

As NannyML's DLE.

Two gradient-boosted models (scikit-learn's ``HistGradientBoostingRegressor``, Poisson loss: a model of
the conditional mean of a non-negative target that cannot predict below 0) learn the absolute error
``|y - ŷ|`` and the squared error ``(y - ŷ)²`` from the features and the forecast ``ŷ`` on the
reference.  On current rows, the estimated MAE is the mean predicted absolute error ``d̂_i`` and the
estimated RMSE the square root of the mean predicted squared error ``ŝ_i``.

Interval (a prediction interval of the batch's realised value): the realised MAE differs from the
estimate by ``mean_i(|e_i| - d̂_i)``.  Its variance has two parts:

* the rows' own noise, ``Σ v_i / n²`` with ``v_i = κ₁ · max(ŝ_i - d̂_i², 0)`` (the conditional variance
  of ``|e|``); for the mean squared error, ``mean_i(e_i² - ŝ_i)``, ``v_i = κ₂ · ŝ_i²``.  The factors are
  measured on the reference with out-of-fold predictions (:data:`DLE_FOLDS`-fold cross-fitting):
  ``κ₁ = mean((|e| - d̂)²) / mean(max(ŝ - d̂², 0))`` and ``κ₂ = mean((e² - ŝ)²) / mean(ŝ²)``;
* the loss models' own uncertainty: the delete-a-fold jackknife variance of the batch's mean prediction
  over the K fold models, ``(K - 1) / K · Σ_k (m_k - m̄)²``.  It grows where the reference is thin, as
  under covariate shift.

Normal bounds ``± z·σ`` (the MAE's clipped at 0); the RMSE's are the square roots of the mean squared
error's.  The reference's estimates are the out-of-fold ones.

Categorical features enter the loss models as categories (the reference's levels; unseen and missing
values go down the trees' missing-value branch); text, datetime and columns with more than
:data:`MAX_LOSS_CATEGORIES` levels are left out, with a note.

See :mod:`drift.model.estimation` for what such an estimate can and cannot see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from drift.core.errors import (
    DriftInputError,
    DriftParameterError,
    TooFewRowsError,
    check_fraction,
    check_int,
)
from drift.core.inputs import check_cells, numeric_values
from drift.model.estimation import (
    EstimatedTaskPerformance,
    estimate_table,
)
from drift.model.regression_performance import check_finite, target_and_forecast
from drift.stats.bootstrap import CONFIDENCE

#: Estimated metrics, in table order.
REGRESSION_ESTIMATES = ("mae", "rmse")
#: Fewest labelled reference rows to learn the loss from.
MIN_LOSS_ROWS = 100
#: Folds of the reference's cross-fitting.
DLE_FOLDS = 5
#: A categorical feature with more levels than this is left out of the loss models.
MAX_LOSS_CATEGORIES = 200
#: The loss models' settings (small and regularised: they learn a conditional mean from one hold-out).
LOSS_MAX_ITER = 100
LOSS_LEARNING_RATE = 0.1
LOSS_MAX_LEAF_NODES = 15
LOSS_MIN_SAMPLES_LEAF = 40


@dataclass(frozen=True, slots=True, eq=False)
class LossModel:
    """Models of a regression model's absolute and squared error, fitted on the labelled reference.

    Attributes
    ----------
    target, prediction : str
        The columns the errors were computed from.
    features : tuple of str
        The feature columns the loss models read (then the forecast).
    categories : tuple
        Per feature, the reference's levels (a tuple) for a categorical feature, ``None`` for a numeric one.
    abs_model, sq_model : object
        The fitted regressors of ``|y - ŷ|`` and ``(y - ŷ)²``.
    fold_models : tuple of (object, object)
        The same pair fitted on each cross-fitting fold's training rows (their spread is the models' own
        uncertainty, module docstring).
    kappa_abs, kappa_sq : float
        Variance factors of the interval (module docstring).
    reference_estimated, reference_realised : tuple of float
        ``(mae, rmse)`` of the reference: out-of-fold estimates, and realised.
    n_reference : int
    notes : tuple of str
    """

    target: str
    prediction: str
    features: tuple[str, ...]
    categories: tuple
    abs_model: object
    sq_model: object
    fold_models: tuple
    kappa_abs: float
    kappa_sq: float
    reference_estimated: tuple[float, float]
    reference_realised: tuple[float, float]
    n_reference: int
    notes: tuple[str, ...] = ()

    def design(self, frame: pd.DataFrame, forecast: np.ndarray, side: str) -> np.ndarray:
        """The loss models' input of ``frame``'s rows: the features (categories as codes of the reference's
        levels, unseen -> nan), then the forecast."""
        return _design(frame, self.features, self.categories, forecast, side)

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predicted absolute and squared errors of design rows ``x``."""
        with threadpool_limits(limits=1):
            return self.abs_model.predict(x), self.sq_model.predict(x)

    def jackknife_variance(self, x: np.ndarray) -> tuple[float, float]:
        """Delete-a-fold jackknife variance of the mean predicted absolute and squared error over rows
        ``x``: ``(K - 1) / K · Σ_k (m_k - m̄)²`` over the K fold models' means."""
        with threadpool_limits(limits=1):
            means = np.array([[m.predict(x).mean() for m in pair] for pair in self.fold_models])
        k = means.shape[0]
        return tuple(float((k - 1) / k * np.sum((means[:, j] - means[:, j].mean()) ** 2)) for j in (0, 1))


def _design(frame: pd.DataFrame, features, categories, forecast: np.ndarray, side: str) -> np.ndarray:
    columns = []
    for name, levels in zip(features, categories, strict=True):
        if name not in frame.columns:
            raise DriftInputError("the column is missing", file=side, column=name,
                                  fix="give the current data the reference's feature columns")
        if levels is None:
            columns.append(numeric_values(frame[name], side=side, column=name,
                                          fix="give this feature as numbers, as in the reference"))
        else:
            codes = pd.Index(levels, dtype=object).get_indexer(frame[name].astype(object))
            columns.append(np.where(codes < 0, np.nan, codes).astype(np.float64))
    columns.append(forecast)
    return np.column_stack(columns)


def _feature_kinds(reference: pd.DataFrame, features: Sequence[str]) -> tuple[list, list, list[str]]:
    """The features the loss models can read, their levels (None for numeric), and notes on the others."""
    kept, levels, notes = [], [], []
    for name in features:
        column = reference[name]
        if pd.api.types.is_bool_dtype(column) or (pd.api.types.is_numeric_dtype(column)
                                                   and not pd.api.types.is_timedelta64_dtype(column)):
            kept.append(name)
            levels.append(None)
            continue
        if pd.api.types.is_datetime64_any_dtype(column) or pd.api.types.is_timedelta64_dtype(column):
            notes.append(f"feature {name!r} left out of the loss models: a date or duration")
            continue
        check_cells(column, side="reference", column=name)
        values = pd.unique(column.dropna().astype(object))
        if len(values) > MAX_LOSS_CATEGORIES:
            notes.append(f"feature {name!r} left out of the loss models: {len(values)} levels (more than "
                         f"{MAX_LOSS_CATEGORIES}: text or an id)")
            continue
        kept.append(name)
        levels.append(tuple(values))
    return kept, levels, notes


def _loss_regressor(categorical: np.ndarray, seed: int):
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(
        loss="poisson", learning_rate=LOSS_LEARNING_RATE, max_iter=LOSS_MAX_ITER,
        max_leaf_nodes=LOSS_MAX_LEAF_NODES, min_samples_leaf=LOSS_MIN_SAMPLES_LEAF,
        categorical_features=categorical, early_stopping=False, random_state=seed)


def _column(frame: pd.DataFrame, name: str, side: str) -> pd.Series:
    if name not in frame.columns:
        raise DriftInputError("the column is missing", file=side, column=name,
                              fix="name the target and forecast columns of the data")
    return frame[name]


def fit_loss_model(reference: pd.DataFrame, *, target: str, prediction: str,
                   features: Sequence[str] | None = None, n_folds: int = DLE_FOLDS, rng=0) -> LossModel:
    """Learn the size of a regression model's error from the labelled reference (DLE; module docstring).

    Parameters
    ----------
    reference : pandas.DataFrame
        The labelled reference hold-out (rows the model was not trained on), with the features, the target
        and the forecast.
    target, prediction : str
        The target and forecast columns.
    features : sequence of str, optional
        Feature columns; by default every other column the loss models can read (module docstring).
    n_folds : int, default :data:`DLE_FOLDS`
        Folds of the cross-fitting behind the reference's estimates and the interval's factors.
    rng : int or numpy.random.Generator, default 0

    Returns
    -------
    LossModel

    Raises
    ------
    TooFewRowsError
        Fewer than :data:`MIN_LOSS_ROWS` rows with a target and a forecast.
    DriftInputError
        Missing or non-numeric target / forecast, or a forecast equal to the target on every row (no
        error to learn).
    """
    from sklearn.model_selection import KFold

    func = "fit_loss_model"
    if not isinstance(reference, pd.DataFrame):
        raise DriftParameterError.invalid("reference", func, "a pandas DataFrame", type(reference).__name__)
    check_int(n_folds, "n_folds", func, 2)
    y, p = target_and_forecast(_column(reference, target, "reference"),
                               _column(reference, prediction, "reference"), "reference")
    ok = ~(np.isnan(y) | np.isnan(p))
    notes = [f"reference: {int((~ok).sum())} row(s) without a target or a forecast left out"] if (~ok).any() \
        else []
    if ok.sum() < MIN_LOSS_ROWS:
        raise TooFewRowsError(f"{int(ok.sum())} reference row(s) with a target and a forecast: too few to "
                              f"learn the error from (at least {MIN_LOSS_ROWS})", file="reference",
                              column=target,
                              fix="use a larger labelled hold-out of the reference")
    if features is None:
        features = [c for c in reference.columns if c not in (target, prediction)]
    else:
        features = list(features)
        missing = [c for c in features if c not in reference.columns]
        if missing:
            raise DriftParameterError.invalid("features", func, "columns of the reference", missing)
    kept, levels, feature_notes = _feature_kinds(reference, features)
    notes += feature_notes
    rows = reference.loc[ok]
    y, p = y[ok], p[ok]
    error = y - p
    absolute, squared = np.abs(error), error ** 2
    if not absolute.sum() > 0:
        raise DriftInputError("the forecast equals the target on every row: there is no error to learn",
                              file="reference", column=prediction,
                              fix="check that the forecast column is the model's output, not the target")
    if np.ptp(p) == 0:
        notes.append("reference: the forecast is constant; the loss models learn from the features alone")
    x = _design(rows, kept, levels, p, "reference")
    categorical = np.array([lv is not None for lv in levels] + [False])
    gen = np.random.default_rng(rng)
    seed = int(gen.integers(2**31 - 1))
    d_oof, s_oof = np.empty(y.size), np.empty(y.size)
    folds = []
    with threadpool_limits(limits=1):     # OpenMP threads crawl when they contend on a busy host
        for train, test in KFold(n_splits=n_folds, shuffle=True, random_state=seed).split(x):
            pair = (_loss_regressor(categorical, seed).fit(x[train], absolute[train]),
                    _loss_regressor(categorical, seed).fit(x[train], squared[train]))
            d_oof[test], s_oof[test] = pair[0].predict(x[test]), pair[1].predict(x[test])
            folds.append(pair)
        abs_model = _loss_regressor(categorical, seed).fit(x, absolute)
        sq_model = _loss_regressor(categorical, seed).fit(x, squared)
    spread = np.maximum(s_oof - d_oof ** 2, 0.0)
    kappa_abs = float(np.mean((absolute - d_oof) ** 2) / spread.mean()) if spread.mean() > 0 else 1.0
    kappa_sq = float(np.mean((squared - s_oof) ** 2) / np.mean(s_oof ** 2))
    return LossModel(target, prediction, tuple(kept), tuple(levels), abs_model, sq_model, tuple(folds),
                     kappa_abs, kappa_sq,
                     (float(d_oof.mean()), float(np.sqrt(s_oof.mean()))),
                     (float(absolute.mean()), float(np.sqrt(squared.mean()))), int(y.size), tuple(notes))


def estimated_regression_performance(reference: pd.DataFrame | None, current: pd.DataFrame, *, target: str,
                                     prediction: str, features: Sequence[str] | None = None,
                                     loss_model: LossModel | None = None, confidence: float = CONFIDENCE,
                                     rng=0) -> EstimatedTaskPerformance:
    """Estimated MAE and RMSE of a regression model on unlabelled data (DLE; module docstring).

    Parameters
    ----------
    reference : pandas.DataFrame or None
        The labelled reference hold-out (ignored, and may be None, when ``loss_model`` is given).
    current : pandas.DataFrame
        The current batch: the features and the forecast (its target, if any, is not read).
    target, prediction : str
        The target and forecast columns.
    features : sequence of str, optional
        Feature columns for :func:`fit_loss_model`.
    loss_model : LossModel, optional
        From :func:`fit_loss_model`, to learn once and estimate many batches; its target and forecast must
        be ``target`` and ``prediction``.
    confidence : float, default 0.95
    rng : int or numpy.random.Generator, default 0
        Seed of the loss models' cross-fitting.

    Returns
    -------
    EstimatedTaskPerformance

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> gen = np.random.default_rng(0)
    >>> def side(n, shift):
    ...     x = gen.normal(shift, 1, n)
    ...     return pd.DataFrame({"x": x, "y": x + gen.normal(0, np.exp(x / 2)), "f": x})
    >>> est = estimated_regression_performance(side(4000, 0), side(1000, 1), target="y", prediction="f")
    >>> est.change("mae") > 0        # errors grow with x: the batch moved where the model errs more
    True
    """
    func = "estimated_regression_performance"
    check_fraction(confidence, "confidence", func)
    if not isinstance(current, pd.DataFrame):
        raise DriftParameterError.invalid("current", func, "a pandas DataFrame", type(current).__name__)
    if loss_model is None:
        loss_model = fit_loss_model(reference, target=target, prediction=prediction, features=features,
                                    rng=rng)
    elif not isinstance(loss_model, LossModel):
        raise DriftParameterError.invalid("loss_model", func, "a LossModel or None",
                                          type(loss_model).__name__)
    elif (loss_model.target, loss_model.prediction) != (target, prediction):
        raise DriftParameterError.invalid("loss_model", func, f"fitted for target {target!r} and prediction "
                                          f"{prediction!r}", (loss_model.target, loss_model.prediction))
    p = numeric_values(_column(current, prediction, "current"), side="current", column=prediction,
                       fix="give the model's forecasts as numbers in the target's units")
    check_finite(p, "current", prediction)
    ok = ~np.isnan(p)
    notes = list(loss_model.notes)
    if (~ok).any():
        notes.append(f"current: {int((~ok).sum())} row(s) without a forecast left out")
    if not ok.any():
        raise DriftInputError("no forecast to estimate performance from", file="current", column=prediction,
                              fix="score the current rows with the model")
    x = loss_model.design(current.loc[ok], p[ok], "current")
    d, s = loss_model.predict(x)
    jack_mae, jack_mse = loss_model.jackknife_variance(x)
    n = d.size
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    mae, mse = float(d.mean()), float(s.mean())
    sd_mae = np.sqrt(loss_model.kappa_abs * np.maximum(s - d ** 2, 0.0).sum() / n ** 2 + jack_mae)
    sd_mse = np.sqrt(loss_model.kappa_sq * np.sum(s ** 2) / n ** 2 + jack_mse)
    lo = [max(mae - z * sd_mae, 0.0), np.sqrt(max(mse - z * sd_mse, 0.0))]
    hi = [mae + z * sd_mae, np.sqrt(mse + z * sd_mse)]
    table = estimate_table(REGRESSION_ESTIMATES, loss_model.reference_estimated,
                           loss_model.reference_realised, [mae, np.sqrt(mse)], lo, hi)
    return EstimatedTaskPerformance("regression", table, int(n), float(confidence), tuple(notes))
