"""The dynamic-pricing scenario's regression model: units sold per session, and the demand forecast.

A pricing team models *demand*: how many units an offer (a product shown at a price to a customer: one
session) sells.  Every session of :mod:`drift.data.scenarios.pricing` gets

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
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from drift.data.scenarios.base import ScenarioTask, category_effects
from drift.data.scenarios.pricing import (
    BATCH,
    CATEGORICAL_FEATURES,
    FEATURES,
    TARGET,
    category_encoder,
    conversion_probability,
    manifest,
    regime_of,
)

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
