"""Synthetic dynamic-pricing scenario: a year of weekly e-commerce sessions under a changing market.

Everything is drawn from a seeded generator (no downloads), so the true conversion probability of every
row and the ground truth of every week are known.  This is the stream the autopilot
(:mod:`drift.monitoring.autopilot`) runs on.

Sessions (12 features)
----------------------
One row is a product-page session: a customer sees a product at a price and buys it (``converted = 1``)
or not.  Sessions are spread evenly over the days of the week.

=====================  ==========  =============================================================
column                 unit        how it is drawn
=====================  ==========  =============================================================
``product_category``   --          electronics / home / fashion / grocery / toys (15/20/25/25/15 %)
``customer_segment``   --          new / returning / loyal / business (30/35/25/10 %); from the
                                   new-segment week on also ``student`` (:data:`STUDENT_SHARE`)
``channel``            --          web / app / marketplace, mix depends on the segment
``promotion``          0/1         Bernoulli(0.2)
``discount_pct``       fraction    0 without promotion; 0.10 / 0.15 / 0.20 / 0.30 with one
``own_price``          USD         list price (category base x lognormal(0, 0.25)) x markup
                                   N(1, 0.04) x (1 - discount); cents
``competitor_price``   USD         list price x N(1, 0.06); cents
``price_ratio``        --          own_price / competitor_price, 3 decimals
``demand_index``       --          product interest: 100 x exp(category effect + N(0, 0.25))
``stock_level``        units       0 (out of stock) with probability 3 %, else 1 + Gamma(2, 30)
``day_of_week``        --          Mon ... Sun
``seasonality``        --          sin(2 pi day-of-year / 365.25) of the session's date
=====================  ==========  =============================================================

Demand model (the truth)
------------------------
``converted`` is Bernoulli(expit(logit)) with the known model :class:`DemandModel` (see its fields for
every coefficient)::

    logit = intercept + segment + channel + category
            - elasticity[segment] * price_sensitivity * ln(price_ratio)
            + promotion_lift * promotion + discount_lift * discount_pct
            + demand * ln(demand_index / 100) + season * seasonality + weekend * [Sat, Sun]
            - stockout * [stock_level == 0] + holiday

Price elasticity (per unit of log price ratio) by segment: new 2.5, returning 2.0, loyal 1.0,
business 0.6, student 8.0.  Conversion is ~25 % over the reference year and swings between ~22 %
(autumn) and ~29 % (spring) with the seasons, in the reference as in normal production weeks.
:func:`conversion_probability` recomputes the true probability of any row from its recorded features
and its week.

Model
-----
A small :class:`~sklearn.ensemble.HistGradientBoostingClassifier` behind an ordinal encoder (unseen
categories -> missing, which go down the trees' default branch), stored as ``Scenario.model``.  It is
fitted on a *training set* of the same year of history as the reference (every history week draws
``2 x`` :func:`reference_rows` sessions: the first half trains the model, the second half is the
reference; the training rows are not returned).  ``conversion_score`` is its P(converted) on both
sides: the reference is the model's *validation* set, weeks of sessions it never saw, scored by the
deployed model itself -- as in :mod:`drift.data.scenarios.credit` (out-of-fold scores would come from five
other models whose scores spread differently from the deployed one's).  Trees do not extrapolate:
inputs outside the training range get the prediction of the nearest edge.

Timeline and injected regimes (ground truth in ``Scenario.manifest``)
---------------------------------------------------------------------
The reference is the :data:`REFERENCE_WEEKS` (52) weeks before deployment (batches ``"R01"``...``"R52"``,
8 July 2024 - 6 July 2025), all labelled: a normal year, every week drawn as a clean week (no injected
regime), with :func:`reference_rows` sessions a week (a quarter of ``rows_per_week``: 500 at the
default) -- a full seasonal cycle, so every production week's ``seasonality`` lies inside what the
reference saw.  Production is ``n_weeks`` weekly batches ``"W01"``, ``"W02"``, ...
(``week`` = the Monday, W01 = 7 July 2025).  Labels arrive ``label_delay`` weeks late: at the end of
week t only weeks <= t - label_delay are labelled (stored in ``current.attrs["label_delay"]``; the
autopilot reads it from there).  Outside the regimes below a week is drawn exactly as the reference
(``no_drift``; only the calendar's ``seasonality`` moves on, through the values the reference weeks of
the same season a year earlier had).

=========  ===============  ================================================================================
weeks      kind             what was injected
=========  ===============  ================================================================================
W07-W16    covariate_shift  competitor price war: competitor prices x N(0.825, 0.02) (15-20 % cheaper),
                            so ``competitor_price`` falls and ``price_ratio`` rises beyond the training
                            range; shoppers compare more: price sensitivity x :data:`PRICE_WAR_SENSITIVITY`
                            (2.5).  Conversion falls to ~15 %; the model, flat beyond its training range,
                            still predicts ~20 %.
W21-W25    prior_shift      holiday peak (Black Friday to Christmas): purchase intent up, intercept
                            + :data:`HOLIDAY_LIFT` (0.9); inputs drawn as usual.  Conversion ~41 %; scores
                            stay at the season's level (~24 %).
W31-W36    covariate_shift  supply shock: 30 % of sessions out of stock (``stock_level = 0``; 3 % normally),
                            the rest with thinner stock (1 + Gamma(2, 12)); own prices x 1.10 (costs passed
                            on), competitors x 1.04.  The demand model is unchanged and the model has seen
                            stock-outs, so it follows: conversion ~20 %, scores ~20 %.
W41-       concept_drift    new customer segment: a student programme brings ``student`` sessions
                            (:data:`STUDENT_SHARE` = 25 %, mostly on the app; segment effect -1.5,
                            elasticity 8) -- a category the model never saw (its encoder maps it to
                            missing).  Students convert ~14 %, the model says ~28 %.  Persists to the end.
=========  ===============  ================================================================================

Weeks beyond W52 (``n_weeks > 52``) continue the last regime (the student segment).  A manifest row
carries one kind: the price war is filed as ``covariate_shift`` (what monitoring sees first) although
its sensitivity change also alters P(converted | x).  ``seasonality`` follows the calendar: a week's
values cover a narrow slice of the reference year's, so it drifts by construction against the reference
as a whole; it is listed in :data:`CALENDAR_FEATURES` (and ``current.attrs["calendar_features"]``) so
that drift monitoring can mute it (and reweight the reference to each week's season).


Demand model (the regression view)
----------------------------------
A pricing team models *demand*: how many units an offer (a product shown at a price to a customer: one
session) sells.  Every session also gets

* ``units_sold`` -- 0 when the session does not convert (``converted = 0``), else ``1 + Poisson(rate)``
  units, the basket size of :class:`BasketModel`::

      ln rate = ln(base_rate) + category + segment + promotion_lift * promotion + holiday

  So the true expected demand is ``E[units | x] = P(converted | x) * (1 + rate(x))``
  (:func:`expected_units`): the conversion model of the scenario times the basket size;
* ``units_forecast`` -- the demand model's forecast of it: a gradient-boosting regressor with Poisson loss
  (the usual loss for counts) behind the scenario's category encoder (:func:`make_demand_model`), fitted on
  the same training sessions as the conversion model; the reference is its validation set, scored by the
  deployed model, as production is.

:meth:`Scenario.with_task("regression") <drift.data.scenarios.base.Scenario.with_task>` swaps them in for
``converted`` and ``conversion_score``.  Their ground truth (:func:`units_manifest`):

=========  ===============  ================================================================================
weeks      kind             what the demand target goes through
=========  ===============  ================================================================================
W07-W16    covariate_shift  price war: prices move beyond the training range; the price sensitivity that
                            lowers conversion also lowers ``E[units | x]`` (filed as for conversion: what
                            monitoring sees first is the inputs)
W21-W25    concept_drift    holiday peak: at the same inputs conversion rises (intercept + 0.9) and baskets
                            grow (rate x e^:data:`HOLIDAY_BASKET_LIFT`): ``E[units | x]`` about twice its
                            usual level; the forecast does not move
W31-W36    covariate_shift  supply shock: more stock-outs, dearer prices; the demand model is unchanged
W41-       concept_drift    student segment: a customer segment the model never saw, converting less and
                            buying single items (segment effect :data:`STUDENT_BASKET` on the rate)
=========  ===============  ================================================================================

The units are drawn from a random stream of their own, seeded from the scenario's generator after all of
its other draws: every column of the binary scenario is bit-identical with or without this model.

Examples
--------
>>> from drift.data.scenarios.pricing import generate
>>> sc = generate(n_weeks=12, rows_per_week=500, rng=0)
>>> sc.batches()[:3]
['W01', 'W02', 'W03']
>>> sc.manifest_row("W07")["kind"]
'covariate_shift'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder
from threadpoolctl import threadpool_limits

from drift.core.errors import DriftParameterError
from drift.data.scenarios.base import MANIFEST_COLUMNS, DeferredTask, Scenario, ScenarioTask, category_effects

#: Label, score, batch and time columns.
TARGET, PREDICTION, BATCH, TIME = "converted", "conversion_score", "batch", "week"

CATEGORICAL_FEATURES = ("product_category", "customer_segment", "channel", "day_of_week")
NUMERIC_FEATURES = ("promotion", "discount_pct", "own_price", "competitor_price", "price_ratio",
                    "demand_index", "stock_level", "seasonality")
#: Feature columns in the order they appear in the frames.
FEATURES = ("product_category", "customer_segment", "channel", "promotion", "discount_pct", "own_price",
            "competitor_price", "price_ratio", "demand_index", "stock_level", "day_of_week", "seasonality")

CATEGORIES = ("electronics", "home", "fashion", "grocery", "toys")
_CATEGORY_SHARE = (0.15, 0.20, 0.25, 0.25, 0.15)
_CATEGORY_LIST_PRICE = (250.0, 60.0, 45.0, 12.0, 30.0)
_CATEGORY_INTEREST = (0.10, -0.05, 0.0, 0.15, -0.10)
SEGMENTS = ("new", "returning", "loyal", "business", "student")
_SEGMENT_SHARE = (0.30, 0.35, 0.25, 0.10)
CHANNELS = ("web", "app", "marketplace")
#: P(channel | segment), rows in :data:`SEGMENTS` order.
_CHANNEL_BY_SEGMENT = ((0.45, 0.25, 0.30), (0.40, 0.40, 0.20), (0.30, 0.60, 0.10), (0.80, 0.10, 0.10),
                       (0.15, 0.75, 0.10))
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DISCOUNTS = (0.10, 0.15, 0.20, 0.30)

#: Weeks of labelled history before deployment (the reference: a full year) and the first production Monday.
REFERENCE_WEEKS = 52
#: Sessions per reference week (and per training week) as a share of ``rows_per_week``: keeps the
#: reference (26,000 rows at the default) and the model fit small; see :func:`reference_rows`.
REFERENCE_ROWS_SHARE = 0.25
FIRST_WEEK = pd.Timestamp("2025-07-07")
#: Default label delay in weeks.
LABEL_DELAY = 1
#: Features that follow the calendar: a week covers a narrow slice of the reference year's, so drift
#: monitoring should not count them (the autopilot's default policies skip them; stored in
#: ``current.attrs["calendar_features"]``).
CALENDAR_FEATURES = ("seasonality",)

# Regime settings (documented in the module docstring).
PROMOTION_RATE = 0.20
STOCKOUT_RATE = 0.03
PRICE_WAR_FACTOR = (0.825, 0.02)
PRICE_WAR_SENSITIVITY = 2.5
HOLIDAY_LIFT = 0.9
SHOCK_STOCKOUT_RATE = 0.30
SHOCK_OWN_PRICE = 1.10
SHOCK_COMPETITOR_PRICE = 1.04
STUDENT_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class DemandModel:
    """The known logistic model of P(converted | session).

    Attributes
    ----------
    intercept : float
        Log-odds of a returning web customer, weekday, fashion product in stock, priced at par with the
        competitor, no promotion, demand index 100, seasonality 0.
    segment, channel, category : tuple of (str, float)
        Additive effects (absent labels: 0).
    elasticity : tuple of (str, float)
        Per segment: change in log-odds per unit of ``ln(price_ratio)`` (a 10 % dearer price than the
        competitor costs ``elasticity * 0.095`` log-odds).
    price_sensitivity : float
        Multiplies every elasticity (2.5 in the price war).
    promotion_lift, discount_lift : float
        Per promotion flag / per unit of discount (on top of the lower price).
    demand : float
        Per unit of ``ln(demand_index / 100)``.
    season : float
        Per unit of ``seasonality``.
    weekend : float
        Saturday or Sunday.
    stockout : float
        Subtracted when ``stock_level == 0`` (only a back-order is possible).
    holiday : float
        Added to every row (the holiday peak).
    """

    intercept: float = -1.6
    segment: tuple[tuple[str, float], ...] = (("new", -0.5), ("loyal", 0.7), ("business", 0.3),
                                              ("student", -1.5))
    channel: tuple[tuple[str, float], ...] = (("app", 0.25), ("marketplace", -0.3))
    category: tuple[tuple[str, float], ...] = (("electronics", -0.4), ("home", -0.1), ("grocery", 0.6),
                                               ("toys", 0.1))
    elasticity: tuple[tuple[str, float], ...] = (("new", 2.5), ("returning", 2.0), ("loyal", 1.0),
                                                 ("business", 0.6), ("student", 8.0))
    price_sensitivity: float = 1.0
    promotion_lift: float = 0.3
    discount_lift: float = 1.5
    demand: float = 0.5
    season: float = 0.2
    weekend: float = 0.15
    stockout: float = 2.5
    holiday: float = 0.0

    def logit(self, rows: pd.DataFrame) -> np.ndarray:
        """Log-odds of conversion for each row of a session frame, shape (n,)."""
        segment = rows["customer_segment"].to_numpy(object)
        elasticity = np.zeros(len(rows))
        for label, value in self.elasticity:
            elasticity = np.where(segment == label, value, elasticity)
        z = (self.intercept + self.holiday
             - elasticity * self.price_sensitivity * np.log(rows["price_ratio"].to_numpy(float))
             + self.promotion_lift * rows["promotion"].to_numpy(float)
             + self.discount_lift * rows["discount_pct"].to_numpy(float)
             + self.demand * np.log(rows["demand_index"].to_numpy(float) / 100.0)
             + self.season * rows["seasonality"].to_numpy(float)
             + self.weekend * np.isin(rows["day_of_week"].to_numpy(object), ("Sat", "Sun"))
             - self.stockout * (rows["stock_level"].to_numpy(float) == 0))
        return z + category_effects(rows, (("customer_segment", self.segment), ("channel", self.channel),
                                           ("product_category", self.category)))

    def probability(self, rows: pd.DataFrame) -> np.ndarray:
        """P(converted | session), shape (n,)."""
        return expit(self.logit(rows))


#: The demand model outside the price war and the holiday peak.
BASELINE = DemandModel()
#: Price war: shoppers compare prices more.
PRICE_WAR = replace(BASELINE, price_sensitivity=PRICE_WAR_SENSITIVITY)
#: Holiday peak: more purchase intent at the same inputs.
HOLIDAY = replace(BASELINE, holiday=HOLIDAY_LIFT)


@dataclass(frozen=True, slots=True)
class Regime:
    """One injected regime: its weeks (1-based production week numbers, inclusive) and ground truth."""

    name: str
    first: int
    last: int | None
    kind: str
    description: str
    features: str

    def covers(self, week: int) -> bool:
        return week >= self.first and (self.last is None or week <= self.last)


#: The injected regimes, in time order (see the module docstring).
REGIMES: tuple[Regime, ...] = (
    Regime("price_war", 7, 16, "covariate_shift",
           "Competitor price war: competitor prices 15-20% lower, so price_ratio rises beyond the training "
           "range; shoppers compare more (price sensitivity x2.5). Conversion falls to ~15%.",
           "competitor_price,price_ratio"),
    Regime("holiday_peak", 21, 25, "prior_shift",
           "Holiday peak (Black Friday to Christmas): purchase intent up (intercept +0.9), inputs drawn as "
           "usual. Conversion rises to ~42%; the model's scores do not move.", ""),
    Regime("supply_shock", 31, 36, "covariate_shift",
           "Supply shock: 30% of sessions out of stock, thinner stock elsewhere, own prices +10%, "
           "competitors +4%. The demand model is unchanged; conversion falls to ~20%.",
           "stock_level,own_price,competitor_price,price_ratio"),
    Regime("student_segment", 41, None, "concept_drift",
           "New customer segment: a student programme brings 25% 'student' sessions (mostly app, price "
           "elasticity 8), a category the model never saw with its own P(converted | x): students convert "
           "~14%, the model says ~28%. Persists.",
           "customer_segment,channel"),
)
_NO_DRIFT = "Normal week: drawn as the reference (only the calendar's seasonality moves on)."


def week_label(week: int) -> str:
    """Production batch label of 1-based week ``week``: ``"W01"``, ..., ``"W52"``, ``"W53"``, ..."""
    return f"W{week:02d}"


def regime_of(week: int) -> Regime | None:
    """The regime covering production week ``week`` (1-based), or ``None`` for a normal week."""
    return next((r for r in REGIMES if r.covers(week)), None)


def _demand_model(regime: Regime | None) -> DemandModel:
    name = regime.name if regime is not None else ""
    return {"price_war": PRICE_WAR, "holiday_peak": HOLIDAY}.get(name, BASELINE)


def conversion_probability(rows: pd.DataFrame) -> np.ndarray:
    """The true P(converted) of session rows of this scenario, from their features and their ``batch``.

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows of ``Scenario.reference`` or ``Scenario.current`` (any subset), with the feature columns and
        ``batch`` (``"R.."`` reference weeks are normal; ``"Wnn"`` picks the regime of week nn).

    Returns
    -------
    numpy.ndarray
        Shape (n,).
    """
    out = np.empty(len(rows))
    labels = rows[BATCH].astype(str).to_numpy()
    for label in pd.unique(labels):
        mask = labels == label
        regime = regime_of(int(label[1:])) if label.startswith("W") else None
        out[mask] = _demand_model(regime).probability(rows.loc[mask])
    return out


def _draw(p: np.ndarray, labels: tuple[str, ...], n: int, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(labels, dtype=object)[rng.choice(len(labels), size=n, p=np.asarray(p) / np.sum(p))]


def _sessions(n: int, monday: pd.Timestamp, regime: Regime | None, rng: np.random.Generator) -> pd.DataFrame:
    """Draw ``n`` sessions of the week starting ``monday`` under ``regime`` (features only)."""
    name = regime.name if regime is not None else ""
    category_idx = rng.choice(len(CATEGORIES), size=n, p=_CATEGORY_SHARE)
    if name == "student_segment":
        share = np.r_[np.asarray(_SEGMENT_SHARE) * (1 - STUDENT_SHARE), STUDENT_SHARE]
    else:
        share = np.r_[_SEGMENT_SHARE, 0.0]
    segment_idx = rng.choice(len(SEGMENTS), size=n, p=share)
    cdf = np.cumsum(np.asarray(_CHANNEL_BY_SEGMENT), axis=1)[segment_idx]
    channel_idx = (rng.random(n)[:, None] > cdf[:, :-1]).sum(axis=1)

    promotion = (rng.random(n) < PROMOTION_RATE).astype(np.int64)
    discount = np.where(promotion == 1, rng.choice(_DISCOUNTS, size=n), 0.0)
    list_price = np.asarray(_CATEGORY_LIST_PRICE)[category_idx] * rng.lognormal(0.0, 0.25, n)
    own = list_price * rng.normal(1.0, 0.04, n) * (1 - discount)
    competitor = list_price * np.clip(rng.normal(1.0, 0.06, n), 0.75, 1.25)
    if name == "price_war":
        competitor = competitor * rng.normal(*PRICE_WAR_FACTOR, n)
    stockout_rate, stock_scale = STOCKOUT_RATE, 30.0
    if name == "supply_shock":
        own, competitor = own * SHOCK_OWN_PRICE, competitor * SHOCK_COMPETITOR_PRICE
        stockout_rate, stock_scale = SHOCK_STOCKOUT_RATE, 12.0
    own, competitor = np.round(np.maximum(own, 0.5), 2), np.round(np.maximum(competitor, 0.5), 2)
    stock = np.where(rng.random(n) < stockout_rate, 0, 1 + np.round(rng.gamma(2.0, stock_scale, n)))
    interest = np.asarray(_CATEGORY_INTEREST)[category_idx] + rng.normal(0.0, 0.25, n)
    demand = np.round(100 * np.exp(interest), 1)
    day = rng.integers(0, 7, n)
    dates = monday + pd.to_timedelta(day, unit="D")
    seasonality = np.round(np.sin(2 * np.pi * dates.day_of_year.to_numpy() / 365.25), 4)

    frame = pd.DataFrame({
        "product_category": np.asarray(CATEGORIES, dtype=object)[category_idx],
        "customer_segment": np.asarray(SEGMENTS, dtype=object)[segment_idx],
        "channel": np.asarray(CHANNELS, dtype=object)[channel_idx],
        "promotion": promotion, "discount_pct": discount, "own_price": own, "competitor_price": competitor,
        "price_ratio": np.round(own / competitor, 3), "demand_index": demand,
        "stock_level": stock.astype(np.int64), "day_of_week": np.asarray(DAYS, dtype=object)[day],
        "seasonality": seasonality,
    })
    for column in CATEGORICAL_FEATURES:
        frame[column] = frame[column].astype(str)
    return frame[list(FEATURES)]


def _week(label: str, monday: pd.Timestamp, n: int, regime: Regime | None,
          rng: np.random.Generator) -> pd.DataFrame:
    rows = _sessions(n, monday, regime, rng)
    rows[TARGET] = (rng.random(n) < _demand_model(regime).probability(rows)).astype(np.int64)
    rows[BATCH] = label
    rows[TIME] = monday
    return rows


def make_model(seed: int) -> Pipeline:
    """The production model: ordinal-encode categories (unseen -> missing), then gradient boosting.

    Small (60 trees of at most 8 leaves, at least 80 rows a leaf) so that a retrain takes a fraction of a
    second and barely overfits.  The autopilot clones it for every challenger.
    """
    booster = HistGradientBoostingClassifier(
        learning_rate=0.1, max_iter=60, max_leaf_nodes=8, min_samples_leaf=80,
        categorical_features=list(range(len(CATEGORICAL_FEATURES))), early_stopping=False, random_state=seed)
    return Pipeline([("encode", category_encoder()), ("model", booster)])


def category_encoder() -> ColumnTransformer:
    """Ordinal codes for :data:`CATEGORICAL_FEATURES` (first; unseen and missing -> nan), the numeric
    features passed through: the front of every model of this scenario."""
    return ColumnTransformer(
        [("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                                       encoded_missing_value=np.nan), list(CATEGORICAL_FEATURES))],
        remainder="passthrough", verbose_feature_names_out=False)


def manifest(n_weeks: int = 52, truth=None) -> pd.DataFrame:
    """Ground truth of production weeks 1..``n_weeks``: ``batch, kind, description, features``.

    ``truth(regime) -> (kind, description)`` says what a regime is for another target (default: the
    regime's own kind and description, for ``converted``)."""
    rows = []
    for week in range(1, n_weeks + 1):
        regime = regime_of(week)
        if regime is None:
            rows.append((week_label(week), "no_drift", _NO_DRIFT, ""))
        else:
            kind, description = (regime.kind, regime.description) if truth is None else truth(regime)
            rows.append((week_label(week), kind, description, regime.features))
    return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS))


def reference_rows(rows_per_week: int) -> int:
    """Sessions per reference week (and per training week) for ``rows_per_week`` production sessions."""
    return max(1, int(round(REFERENCE_ROWS_SHARE * rows_per_week)))


def _check_int(value, name: str, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise DriftParameterError.invalid(name, "pricing.generate", f"an int >= {low}", value)


def generate(*, n_weeks: int = 52, rows_per_week: int = 2000, label_delay: int = LABEL_DELAY,
             rng: int | np.random.Generator = 0) -> Scenario:
    """Generate the dynamic-pricing scenario.

    Parameters
    ----------
    n_weeks : int, default 52
        Production weeks (batches ``"W01"`` ...); at least 1.
    rows_per_week : int, default 2000
        Sessions per production week; at least 200.  Reference (and training) weeks have
        :func:`reference_rows` of them (a quarter: 500 at the default).
    label_delay : int, default 1
        Weeks until a week's labels arrive (0 = at the end of the week itself); stored in
        ``current.attrs["label_delay"]`` for :func:`drift.monitoring.autopilot.run_autopilot`.
    rng : int or numpy.random.Generator, default 0
        Seed or generator.  The same int always gives identical frames and model.

    Returns
    -------
    Scenario
        ``reference`` (52 weeks x :func:`reference_rows`: 12 features, ``converted``,
        ``conversion_score`` (the deployed model's, on rows it was not fitted on), ``batch``
        ``"R01"``..``"R52"``, ``week``), ``current`` (``n_weeks`` x ``rows_per_week``, same columns), the
        manifest and the fitted model.

    Raises
    ------
    DriftParameterError
        If a size is too small or ``label_delay`` is negative.
    """
    _check_int(n_weeks, "n_weeks", 1)
    _check_int(rows_per_week, "rows_per_week", 200)
    _check_int(label_delay, "label_delay", 0)
    seed_text = f"rng={rng}" if isinstance(rng, (int, np.integer)) else "a caller-supplied numpy Generator"
    gen = np.random.default_rng(rng)
    n = int(rows_per_week)

    m = reference_rows(n)
    # Each history week: the first m sessions train the model, the other m are the reference (its
    # validation set).  Rows of a week are i.i.d., so this is a random split, balanced week by week.
    history = [_week(f"R{k + 1:02d}", FIRST_WEEK - pd.Timedelta(weeks=REFERENCE_WEEKS - k), 2 * m, None, gen)
               for k in range(REFERENCE_WEEKS)]
    training = pd.concat([week.iloc[:m] for week in history], ignore_index=True)
    reference = pd.concat([week.iloc[m:] for week in history], ignore_index=True)
    weeks = [_week(week_label(w), FIRST_WEEK + pd.Timedelta(weeks=w - 1), n, regime_of(w), gen)
             for w in range(1, int(n_weeks) + 1)]
    model_seed = int(gen.integers(2**31 - 1))
    # Drawn after everything above, so the demand model's stream leaves the binary scenario as it was.
    demand_seed = int(gen.integers(2**63 - 1))

    # One thread: OpenMP busy-waiting makes gradient boosting crawl on a loaded 2-core machine.
    with threadpool_limits(limits=1):
        model = make_model(model_seed).fit(training[list(FEATURES)], training[TARGET].to_numpy())
        reference.insert(len(FEATURES) + 1, PREDICTION, model.predict_proba(reference[list(FEATURES)])[:, 1])
        current = pd.concat(weeks, ignore_index=True)
        current.insert(len(FEATURES) + 1, PREDICTION, model.predict_proba(current[list(FEATURES)])[:, 1])
    current[BATCH] = current[BATCH].astype(str)
    reference[BATCH] = reference[BATCH].astype(str)
    current.attrs["label_delay"] = int(label_delay)
    current.attrs["calendar_features"] = CALENDAR_FEATURES
    # fitted on first use (Scenario.with_task), on copies of the rows as they are now
    demand = DeferredTask("regression", partial(units_task, training, reference.copy(), current.copy(),
                                                int(n_weeks), demand_seed))

    description = (
        f"Synthetic e-commerce sessions (12 features: prices, competitor price, promotion, demand, stock, "
        f"segment, channel, calendar) with a known demand model; 'converted' is the outcome and "
        f"'conversion_score' a gradient-boosting model's P(converted). Reference: the {REFERENCE_WEEKS} "
        f"weeks (a year) before deployment ({REFERENCE_WEEKS * m:,} labelled sessions, {m:,} a week: the "
        f"model's validation set, scored by the deployed model). Current: {n_weeks} weekly "
        f"batches W01... of {n:,} sessions; labels arrive {label_delay} week(s) late. Injected: a competitor "
        "price war (W07-W16), a holiday peak (W21-W25, prior shift), a supply shock with stock-outs "
        "(W31-W36) and a new 'student' customer segment (from W41). The manifest holds the ground truth."
    )
    return Scenario(
        name="pricing", title="Dynamic pricing (synthetic)", description=description,
        reference=reference, current=current, target=TARGET, prediction=PREDICTION, batch=BATCH, time=TIME,
        manifest=manifest(int(n_weeks)), model=model, tasks=(demand,),
        source=f"synthetic: drift.data.scenarios.pricing.generate(n_weeks={n_weeks}, rows_per_week={n}, "
               f"label_delay={label_delay}, {seed_text}); no external data",
    )


# --- the demand model (regression view) ----------------------------------------------------------------
#: The regression target (units sold in the session) and the demand model's forecast.
UNITS, UNITS_FORECAST = "units_sold", "units_forecast"
#: Log basket-rate lift in the holiday peak (gift buying) and the student segment's basket effect.
HOLIDAY_BASKET_LIFT = 0.4
STUDENT_BASKET = -0.8
#: Regimes whose effect on the demand target differs in kind from their effect on conversion.
UNITS_KIND = {"price_war": "covariate_shift", "holiday_peak": "concept_drift",
              "supply_shock": "covariate_shift", "student_segment": "concept_drift"}
_UNITS_DESCRIPTION = {
    "price_war": "Competitor price war: price_ratio beyond the training range, and shoppers' higher price "
                 "sensitivity lowers demand (units per session) at the same inputs too.",
    "holiday_peak": "Holiday peak: at the same inputs more sessions convert and baskets are larger (gift "
                    "buying): expected units per session about twice the usual; the forecast does not move.",
    "supply_shock": "Supply shock: 30% of sessions out of stock and dearer prices; the demand model is "
                    "unchanged and the forecast follows.",
    "student_segment": "New student segment: a category the model never saw, converting less and buying "
                       "single items; the forecast overstates their demand. Persists.",
}


@dataclass(frozen=True, slots=True)
class BasketModel:
    """Units bought by a converting session: ``1 + Poisson(rate)``.

    Attributes
    ----------
    base_rate : float
        Extra units of a returning customer's fashion purchase without promotion.
    category, segment : tuple of (str, float)
        Additive effects on ``ln rate`` (absent labels: 0): groceries come by the dozen, electronics one at
        a time; business accounts buy in bulk, students single items.
    promotion_lift : float
        On ``ln rate`` when the product is on promotion (customers stock up).
    holiday : float
        Added to ``ln rate`` of every session (the holiday peak).
    """

    base_rate: float = 0.5
    category: tuple[tuple[str, float], ...] = (("electronics", -1.6), ("home", -0.2), ("grocery", 1.0),
                                               ("toys", 0.2))
    segment: tuple[tuple[str, float], ...] = (("business", 1.2), ("loyal", 0.2), ("new", -0.2),
                                              ("student", STUDENT_BASKET))
    promotion_lift: float = 0.5
    holiday: float = 0.0

    def rate(self, rows: pd.DataFrame) -> np.ndarray:
        """Poisson rate of the extra units of each row, shape (n,)."""
        z = (np.log(self.base_rate) + self.holiday
             + self.promotion_lift * rows["promotion"].to_numpy(float)
             + category_effects(rows, (("product_category", self.category),
                                       ("customer_segment", self.segment))))
        return np.exp(z)


#: The basket model outside the holiday peak, and in it.
BASKET = BasketModel()
HOLIDAY_BASKET = replace(BASKET, holiday=HOLIDAY_BASKET_LIFT)


def basket_rate(rows: pd.DataFrame) -> np.ndarray:
    """The Poisson rate of the extra units of session rows of the scenario, from their features and
    ``batch`` (``"R.."`` reference weeks are normal; ``"Wnn"`` picks the regime of week nn), shape (n,)."""
    out = np.empty(len(rows))
    labels = rows[BATCH].astype(str).to_numpy()
    for label in pd.unique(labels):
        mask = labels == label
        regime = regime_of(int(label[1:])) if label.startswith("W") else None
        model = HOLIDAY_BASKET if regime is not None and regime.name == "holiday_peak" else BASKET
        out[mask] = model.rate(rows.loc[mask])
    return out


def expected_units(rows: pd.DataFrame) -> np.ndarray:
    """The true ``E[units_sold | x]`` of session rows: ``P(converted | x) * (1 + rate(x))``, shape (n,)."""
    return conversion_probability(rows) * (1.0 + basket_rate(rows))


def draw_units(rows: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Units sold per session: 0 without conversion, else ``1 + Poisson(rate)`` (int64, shape (n,))."""
    extra = rng.poisson(basket_rate(rows))
    return np.where(rows[TARGET].to_numpy() == 1, 1 + extra, 0).astype(np.int64)


def make_demand_model(seed: int) -> Pipeline:
    """The demand model: the scenario's category encoder, then gradient boosting with Poisson loss (as small
    as the conversion model: 100 trees of at most 8 leaves, at least 80 rows a leaf)."""
    booster = HistGradientBoostingRegressor(
        loss="poisson", learning_rate=0.1, max_iter=100, max_leaf_nodes=8, min_samples_leaf=80,
        categorical_features=list(range(len(CATEGORICAL_FEATURES))), early_stopping=False, random_state=seed)
    return Pipeline([("encode", category_encoder()), ("model", booster)])


def units_manifest(n_weeks: int = 52) -> pd.DataFrame:
    """Ground truth of the demand target in production weeks 1..``n_weeks`` (module docstring)."""
    return manifest(n_weeks, truth=lambda regime: (UNITS_KIND[regime.name], _UNITS_DESCRIPTION[regime.name]))


def units_task(training: pd.DataFrame, reference: pd.DataFrame, current: pd.DataFrame, n_weeks: int,
               seed: int) -> ScenarioTask:
    """Draw the units of every session, fit the demand model on the training sessions and forecast the
    reference and production sessions (one random stream, seeded by ``seed``)."""
    gen = np.random.default_rng(seed)
    train_units = draw_units(training, gen)
    frames = [pd.DataFrame({UNITS: draw_units(frame, gen)}) for frame in (reference, current)]
    model_seed = int(gen.integers(2**31 - 1))
    with threadpool_limits(limits=1):     # gradient boosting crawls when its threads contend on 2 cores
        model = make_demand_model(model_seed).fit(training[list(FEATURES)], train_units)
        for frame, rows in zip(frames, (reference, current), strict=True):
            frame[UNITS_FORECAST] = model.predict(rows[list(FEATURES)])
    description = ("Regression view: 'units_sold' is the units each session sells (0 without a purchase) and "
                   "'units_forecast' a Poisson gradient-boosting demand model's forecast of it, trained on "
                   "the same history; the holiday peak and the student segment are concept drift for it.")
    return ScenarioTask("regression", UNITS, UNITS_FORECAST, (), (), frames[0], frames[1],
                        units_manifest(n_weeks), model, description)
