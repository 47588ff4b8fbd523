"""Synthetic credit-scoring scenario: loan applicants, a default model, and a year of production batches.

Everything is drawn from a seeded generator (no downloads), so the ground truth of every batch is known.

Applicants (15 features)
------------------------
A latent *financial stress* factor ``z ~ N(0, 1)`` (never shown) ties the credit-behaviour features
together; age drives employment, credit history and income.

==========================  ===========  ==========================================================
column                      unit         how it is drawn
==========================  ===========  ==========================================================
``age``                     years        21 + Gamma(4, 5), rounded, clipped to 21..80 (mean ~41)
``employment_years``        years        Beta(2.5, 2) share of (age - 20) years, 0.1-year steps
``credit_history_years``    years        age - 18 - Exp(4), at least 0, 0.1-year steps
``region``                  --           6 US regions, fixed shares; shifts income a little
``income``                  USD / year   lognormal: log-income rises with age (concave), employment
                                         and region, falls with stress; median ~ $60k
``home_ownership``          --           rent / mortgage / own; older and richer -> mortgage / own
``channel``                 --           branch / online / broker; younger -> online
``purpose``                 --           debt_consolidation, credit_card, home_improvement, car,
                                         medical, small_business, other
``loan_amount``             USD          lognormal, grows with income; depends on purpose; $100 steps
``term``                    months       36 or 60; larger loans -> 60 more often
``debt_to_income``          percent      17 + 6 z + loan/income term + noise, clipped to 0..60
``credit_utilization``      percent      100 * logistic(0.7 z + noise - age term)
``open_accounts``           count        Poisson, grows with credit history and stress
``delinquencies_2y``        count        Poisson(exp(-2.3 + 0.8 z))
``num_inquiries_6m``        count        Poisson, more for stressed, young and online applicants
==========================  ===========  ==========================================================

Label and model
---------------
``default`` (1 = the loan defaulted) is Bernoulli(``expit(logit)``) with the known logistic model
:data:`BASELINE` (:class:`LabelModel`; see its fields for every coefficient): debt-to-income,
utilisation, delinquencies, inquiries, a 60-month term, larger loans and some purposes raise the risk;
income, age and employment lower it; ``region`` carries no signal.  Base default rate ~11.7 %.  The
true probabilities reach a ROC AUC of ~0.80; the fitted model ~0.79.

A small :class:`~sklearn.ensemble.HistGradientBoostingClassifier` (behind an ordinal encoder that maps
unseen categories to missing; missing values go down the trees' default branch) is fitted on a training
set of ``n_train`` applicants drawn like the reference, and stored as ``Scenario.model``.  Its
P(default) is the ``score`` column of both sides: the reference is the model's *validation* set, rows it
never saw, scored by the deployed model itself -- as a monitored model's reference is.  (In-sample scores
would be optimistic, ROC AUC ~0.82 instead of ~0.79, and make every production month look worse;
out-of-fold scores come from five other models and spread differently from the deployed one's, which
lifted the prediction PSI of clean months ~20 % above its null level.)  On production rows the score is
computed on the inputs *as recorded* -- broken ones included, as a real pipeline would.

Production batches and the injected drift (ground truth in ``Scenario.manifest``)
---------------------------------------------------------------------------------
Twelve monthly batches ``"2025-01"`` ... ``"2025-12"`` (``batch``; ``month`` is the first day of the
month as a datetime), ``batch_size`` rows each, all labelled.  Labels always come from the *true*
applicant (before any pipeline break).

========  ===============  ===============================================================================
batch     kind             what was injected
========  ===============  ===============================================================================
2025-01   no_drift         none: drawn exactly as the training set
2025-02   no_drift         none
2025-03   prediction_drift online marketing campaign: 40 % of applicants come from a new population --
                           age 21 + Gamma(2, 2.5) (mean ~26, so shorter employment and credit history,
                           median income ~$29k instead of ~$60k), log-income a further -0.15, stress
                           +0.3, all online, more credit_card / car / other.  P(default | x) unchanged;
                           inputs, scores and the default rate (~18 %) all move: by the diagnosis'
                           taxonomy this is *prediction drift* (inputs moved, predictions with them).
2025-04   no_drift         none
2025-05   data_quality     unit change: ``income`` recorded in thousands of USD (divided by 1000).
                           The model scores the broken value, so scores jump; labels do not.
2025-06   covariate_shift  regional expansion: region shares move to southwest 38 % and mountain 30 %
                           (from 14 % and 8 %).  Region carries no default risk, so the inputs move
                           and the scores (and default rate) do not.
2025-07   prior_shift      recession: the label model's intercept rises by 1.1 (default rate ~11.7 % ->
                           ~24 %); the inputs are drawn exactly as in training, so P(y) changes,
                           P(x) and the scores do not.
2025-08   data_quality     missing-value burst: a failed join blanks ``employment_years`` and
                           ``debt_to_income`` together on 40 % of rows.  Scores on those rows follow the
                           trees' default branches, so the score distribution moves a little (mean down).
2025-09   no_drift         none
2025-10   concept_drift    P(default | x) changes; inputs drawn as in training and the default rate kept
                           (~11.6 %, intercept +0.3): rising rates double the ``debt_to_income`` effect
                           (0.55 -> 1.10 per 8 points), a wave of credit-limit increases reverses the
                           ``credit_utilization`` effect (+0.50 -> -0.75 per 25 points), a payment-holiday
                           programme makes ``delinquencies_2y`` uninformative (0.55 -> 0).  Scores do
                           not move; the labels do: ROC AUC falls from ~0.79 to ~0.72-0.75, and among
                           high-utilisation applicants defaults fall far below the scores.
2025-11   data_quality     new category: a geocoding outage writes ``region = "unknown"`` on 20 % of rows.
2025-12   no_drift         none
========  ===============  ===============================================================================

Examples
--------
>>> from drift.data.scenarios.credit import generate
>>> sc = generate(rng=0)
>>> sc.batches()[:3]
['2025-01', '2025-02', '2025-03']
>>> sc.manifest_row("2025-07")["kind"]
'prior_shift'
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder
from threadpoolctl import threadpool_limits

from drift.core.errors import DriftParameterError
from drift.data.scenarios.base import MANIFEST_COLUMNS, Scenario, category_effects

#: Label, score, batch and time columns.
TARGET, PREDICTION, BATCH, TIME = "default", "score", "batch", "month"

NUMERIC_FEATURES = (
    "age", "income", "employment_years", "credit_history_years", "loan_amount", "term",
    "debt_to_income", "credit_utilization", "open_accounts", "delinquencies_2y", "num_inquiries_6m",
)
CATEGORICAL_FEATURES = ("purpose", "home_ownership", "region", "channel")
#: Feature columns in the order they appear in the frames.
FEATURES = (
    "age", "income", "employment_years", "credit_history_years", "home_ownership", "region", "channel",
    "purpose", "loan_amount", "term", "debt_to_income", "credit_utilization", "open_accounts",
    "delinquencies_2y", "num_inquiries_6m",
)

REGIONS = ("northeast", "southeast", "midwest", "southwest", "mountain", "pacific")
_REGION_SHARE = (0.18, 0.22, 0.20, 0.14, 0.08, 0.18)
_REGION_LOG_INCOME = (0.10, -0.06, -0.04, -0.05, 0.0, 0.12)
#: 2025-06 regional expansion: region shares of the month.
_EXPANSION_REGION_SHARE = (0.06, 0.08, 0.08, 0.38, 0.30, 0.10)
PURPOSES = (
    "debt_consolidation", "credit_card", "home_improvement", "car", "medical", "small_business", "other",
)
_PURPOSE_SHARE = (0.38, 0.20, 0.12, 0.10, 0.06, 0.05, 0.09)
_CAMPAIGN_PURPOSE_SHARE = (0.25, 0.32, 0.03, 0.18, 0.06, 0.04, 0.12)
_PURPOSE_LOG_AMOUNT = (0.10, -0.20, 0.30, 0.10, -0.40, 0.50, -0.30)
HOME_OWNERSHIP = ("rent", "mortgage", "own")
CHANNELS = ("branch", "online", "broker")

#: Month labels of the production batches.
MONTHS = tuple(f"2025-{m:02d}" for m in range(1, 13))

# Injection settings (documented in the module docstring).
CAMPAIGN_SHARE = 0.40
RECESSION_INTERCEPT_SHIFT = 1.1
MISSING_SHARE = 0.40
UNKNOWN_REGION_SHARE = 0.20


@dataclass(frozen=True, slots=True)
class LabelModel:
    """The known logistic model of P(default | applicant).

    ``logit = intercept + Σ coefficient · term``; each numeric term is centred (and scaled) by fixed
    constants, so a coefficient reads "change in log-odds per unit of the term".

    Attributes
    ----------
    intercept : float
        Log-odds for the reference applicant (all terms 0).
    debt_to_income : float
        Per 8 percentage points of DTI above 18 %.
    credit_utilization : float
        Per 25 percentage points of utilisation above 45 %.
    delinquencies_2y, num_inquiries_6m : float
        Per delinquency / per inquiry.
    log_income : float
        Per unit of ``log(income / 50_000)``.
    age, employment_years : float
        Per year (age from 40; employment capped at 20 years, from 8).
    term_60 : float
        60-month term instead of 36.
    log_loan_amount : float
        Per unit of ``log(loan_amount / 9_000)``.
    purpose, home_ownership, channel : tuple of (str, float)
        Category effects (missing categories: 0).  ``region`` has none.
    """

    intercept: float = -2.74
    debt_to_income: float = 0.55
    credit_utilization: float = 0.50
    delinquencies_2y: float = 0.55
    num_inquiries_6m: float = 0.15
    log_income: float = -0.60
    age: float = -0.015
    employment_years: float = -0.04
    term_60: float = 0.35
    log_loan_amount: float = 0.25
    purpose: tuple[tuple[str, float], ...] = (
        ("small_business", 0.6), ("medical", 0.3), ("other", 0.2), ("debt_consolidation", 0.1),
        ("home_improvement", -0.2), ("car", -0.3),
    )
    home_ownership: tuple[tuple[str, float], ...] = (("rent", 0.2), ("own", -0.1))
    channel: tuple[tuple[str, float], ...] = (("broker", 0.25), ("online", 0.1))

    def logit(self, applicants: pd.DataFrame) -> np.ndarray:
        """Log-odds of default for each row of a clean applicant frame, shape (n,)."""
        a = applicants
        z = (self.intercept
             + self.debt_to_income * (a["debt_to_income"].to_numpy(float) - 18.0) / 8.0
             + self.credit_utilization * (a["credit_utilization"].to_numpy(float) - 45.0) / 25.0
             + self.delinquencies_2y * a["delinquencies_2y"].to_numpy(float)
             + self.num_inquiries_6m * a["num_inquiries_6m"].to_numpy(float)
             + self.log_income * np.log(a["income"].to_numpy(float) / 50_000.0)
             + self.age * (a["age"].to_numpy(float) - 40.0)
             + self.employment_years * (np.minimum(a["employment_years"].to_numpy(float), 20.0) - 8.0)
             + self.term_60 * (a["term"].to_numpy() == 60)
             + self.log_loan_amount * np.log(a["loan_amount"].to_numpy(float) / 9_000.0))
        return z + category_effects(a, (("purpose", self.purpose), ("home_ownership", self.home_ownership),
                                        ("channel", self.channel)))

    def probability(self, applicants: pd.DataFrame) -> np.ndarray:
        """P(default | applicant), shape (n,)."""
        return expit(self.logit(applicants))


#: The label model of the training set and of every month except the prior- and concept-drift ones.
BASELINE = LabelModel()
#: 2025-07: recession -- same inputs, higher base rate.
RECESSION = replace(BASELINE, intercept=round(BASELINE.intercept + RECESSION_INTERCEPT_SHIFT, 2))
#: 2025-10: the relationship changes -- DTI matters twice as much, the utilisation effect flips, past
#: delinquencies stop mattering; the intercept is nudged so the default rate stays about the same.
CONCEPT = replace(BASELINE, intercept=round(BASELINE.intercept + 0.3, 2),
                  debt_to_income=2 * BASELINE.debt_to_income, credit_utilization=-0.75, delinquencies_2y=0.0)

#: Ground truth of each month: (kind, description, affected features).  For the covariate shift the
#: features are those whose distribution moves markedly; ``term`` and ``delinquencies_2y`` move only
#: slightly (through loan size and stress) and ``region`` not at all.
PLAN: dict[str, tuple[str, str, str]] = {
    "2025-01": ("no_drift", "Clean month: drawn exactly as the training set.", ""),
    "2025-02": ("no_drift", "Clean month: drawn exactly as the training set.", ""),
    "2025-03": ("prediction_drift",
                "Online marketing campaign: 40% of applicants are a new, younger (mean age ~26), "
                "lower-income, more stressed online population; P(default | x) unchanged, so the inputs "
                "and the model's scores move together.",
                "age,income,employment_years,credit_history_years,home_ownership,channel,purpose,loan_amount,"
                "debt_to_income,credit_utilization,open_accounts,num_inquiries_6m"),
    "2025-04": ("no_drift", "Clean month: drawn exactly as the training set.", ""),
    "2025-05": ("data_quality",
                "Pipeline unit change: income recorded in thousands of USD (divided by 1000).", "income"),
    "2025-06": ("covariate_shift",
                "Regional expansion: most applicants now come from the southwest and mountain regions "
                "(region carries no default risk); the inputs move, the model's scores do not.",
                "region"),
    "2025-07": ("prior_shift",
                "Recession: default base rate rises (label intercept +1.1, ~11.7% -> ~24%); "
                "inputs and scores drawn as in training.", ""),
    "2025-08": ("data_quality",
                "Missing-value burst: a failed join blanks employment_years and debt_to_income "
                "on 40% of rows.",
                "employment_years,debt_to_income"),
    "2025-09": ("no_drift", "Clean month: drawn exactly as the training set.", ""),
    "2025-10": ("concept_drift",
                "P(default | x) changes, inputs and default rate as in training: the debt_to_income effect "
                "doubles, the credit_utilization effect flips sign, delinquencies_2y stops mattering.",
                "debt_to_income,credit_utilization,delinquencies_2y"),
    "2025-11": ("data_quality", "New category: a geocoding outage writes region = 'unknown' on 20% of rows.",
                "region"),
    "2025-12": ("no_drift", "Clean month: drawn exactly as the training set.", ""),
}


def _choice(rng: np.random.Generator, labels: tuple[str, ...], logits: np.ndarray) -> np.ndarray:
    """Draw one label per row from row-wise softmax(logits), logits shape (n, k)."""
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    idx = (rng.random(len(logits))[:, None] > cdf[:, :-1]).sum(axis=1)
    return np.asarray(labels, dtype=object)[idx]


def _applicants(n: int, rng: np.random.Generator, *, campaign: bool = False,
                region_share: tuple[float, ...] = _REGION_SHARE) -> pd.DataFrame:
    """Draw ``n`` clean applicants; ``campaign=True`` draws the 2025-03 online-campaign population,
    ``region_share`` the regional mix (2025-06 expansion)."""
    if campaign:
        age = 21 + rng.gamma(2.0, 2.5, n)
        stress = rng.normal(0.3, 1.0, n)
        income_shift, purpose_share = -0.15, _CAMPAIGN_PURPOSE_SHARE
    else:
        age = 21 + rng.gamma(4.0, 5.0, n)
        stress = rng.normal(0.0, 1.0, n)
        income_shift, purpose_share = 0.0, _PURPOSE_SHARE
    age = np.clip(np.round(age), 21, 80)
    employment = np.round(rng.beta(2.5, 2.0, n) * (age - 20), 1)
    history = np.round(np.maximum(age - 18 - rng.exponential(4.0, n), 0.0), 1)
    region_idx = rng.choice(len(REGIONS), size=n, p=region_share)
    log_income = (10.80 + 0.018 * (age - 40) - 0.0006 * (age - 40) ** 2 + 0.02 * np.minimum(employment, 25)
                  - 0.12 * stress + np.asarray(_REGION_LOG_INCOME)[region_idx] + income_shift
                  + rng.normal(0.0, 0.38, n))
    income = np.maximum(np.round(np.exp(log_income)), 8_000.0)
    log_income = np.log(income)

    ones = np.ones(n)
    home = _choice(rng, HOME_OWNERSHIP, np.column_stack([
        0 * ones, -2.2 + 0.07 * (age - 21) + 0.9 * (log_income - 10.8), -4.0 + 0.08 * (age - 21)]))
    if campaign:
        channel = np.full(n, "online", dtype=object)
    else:
        channel = _choice(rng, CHANNELS, np.column_stack([0.2 + 0.03 * (age - 40), 0.3 - 0.03 * (age - 40),
                                                          -1.0 * ones]))
    purpose_logits = np.tile(np.log(purpose_share), (n, 1))
    purpose_logits[:, PURPOSES.index("home_improvement")] += np.where(home == "rent", -1.0, 0.5)
    purpose = _choice(rng, PURPOSES, purpose_logits)

    purpose_effect = pd.Series(_PURPOSE_LOG_AMOUNT, index=PURPOSES)[purpose].to_numpy()
    log_loan = 9.0 + 0.45 * (log_income - 10.8) + purpose_effect + rng.normal(0.0, 0.45, n)
    loan = np.clip(np.round(np.exp(log_loan), -2), 1_000.0, 40_000.0)
    term = np.where(rng.random(n) < expit(-1.6 + 1.3 * (np.log(loan) - 9.2)), 60, 36)

    dti = 17 + 6.0 * stress + 4.0 * (np.log(loan) - log_income + 1.6) + rng.normal(0.0, 4.0, n)
    dti = np.round(np.clip(dti, 0.0, 60.0), 1)
    util = np.round(100 * expit(-0.2 + 0.7 * stress + rng.normal(0.0, 0.7, n) - 0.01 * (age - 40)), 1)
    open_accounts = rng.poisson(np.exp(1.6 + 0.02 * np.minimum(history, 30) + 0.1 * stress))
    delinquencies = rng.poisson(np.exp(-2.3 + 0.8 * stress))
    inquiries = rng.poisson(np.exp(-0.1 + 0.35 * stress - 0.015 * (age - 40) + 0.3 * (channel == "online")))

    frame = pd.DataFrame({
        "age": age.astype(np.int64), "income": income, "employment_years": employment,
        "credit_history_years": history, "home_ownership": home,
        "region": np.asarray(REGIONS, dtype=object)[region_idx],
        "channel": channel, "purpose": purpose, "loan_amount": loan, "term": term.astype(np.int64),
        "debt_to_income": dti, "credit_utilization": util, "open_accounts": open_accounts.astype(np.int64),
        "delinquencies_2y": delinquencies.astype(np.int64), "num_inquiries_6m": inquiries.astype(np.int64),
    })
    for column in CATEGORICAL_FEATURES:
        frame[column] = frame[column].astype(str)
    return frame[list(FEATURES)]


def _label(applicants: pd.DataFrame, model: LabelModel, rng: np.random.Generator) -> np.ndarray:
    """Bernoulli draws from ``model``, as int64 0/1."""
    return (rng.random(len(applicants)) < model.probability(applicants)).astype(np.int64)


def _make_model(seed: int) -> object:
    """The production model: ordinal-encode categories (unseen -> missing), then gradient boosting.

    Deliberately small (100 trees of 6 leaves) so that it is fast and barely overfits.
    """
    encoder = ColumnTransformer(
        [("categories", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                                       encoded_missing_value=np.nan), list(CATEGORICAL_FEATURES))],
        remainder="passthrough", verbose_feature_names_out=False)
    booster = HistGradientBoostingClassifier(
        learning_rate=0.1, max_iter=100, max_leaf_nodes=6, min_samples_leaf=200,
        categorical_features=list(range(len(CATEGORICAL_FEATURES))), early_stopping=False, random_state=seed)
    return Pipeline([("encode", encoder), ("model", booster)])


def _fit(x: pd.DataFrame, y: np.ndarray, seed: int) -> object:
    """The deployed model, fitted on the training applicants (not the reference)."""
    return _make_model(seed).fit(x, y)


def _score(model: object, frame: pd.DataFrame) -> np.ndarray:
    """P(default) of the fitted model for the rows of ``frame``, as recorded."""
    return model.predict_proba(frame[list(FEATURES)])[:, 1]


def _month(label: str, size: int, rng: np.random.Generator) -> pd.DataFrame:
    """One production month: draw true applicants, label them, then apply any pipeline break."""
    kind = PLAN[label][0]
    if label == "2025-03":
        n_new = int(round(CAMPAIGN_SHARE * size))
        rows = pd.concat([_applicants(size - n_new, rng), _applicants(n_new, rng, campaign=True)],
                         ignore_index=True)
        rows = rows.iloc[rng.permutation(size)].reset_index(drop=True)
    elif label == "2025-06":
        rows = _applicants(size, rng, region_share=_EXPANSION_REGION_SHARE)
    else:
        rows = _applicants(size, rng)
    label_model = {"prior_shift": RECESSION, "concept_drift": CONCEPT}.get(kind, BASELINE)
    rows[TARGET] = _label(rows, label_model, rng)

    if label == "2025-05":
        rows["income"] = rows["income"] / 1000.0
    elif label == "2025-08":
        blank = rng.random(size) < MISSING_SHARE
        rows.loc[blank, ["employment_years", "debt_to_income"]] = np.nan
    elif label == "2025-11":
        unknown = rng.random(size) < UNKNOWN_REGION_SHARE
        rows.loc[unknown, "region"] = "unknown"
    return rows


def manifest() -> pd.DataFrame:
    """Ground truth of the twelve production months: ``batch, kind, description, features``."""
    rows = [(month, *PLAN[month]) for month in MONTHS]
    return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS))


def generate(*, n_train: int = 20_000, batch_size: int = 4_000,
             rng: int | np.random.Generator = 0) -> Scenario:
    """Generate the credit-scoring scenario.

    Parameters
    ----------
    n_train : int, default 20_000
        Rows of the reference (the model's validation set) and of the training set it was fitted on; at
        least 500.
    batch_size : int, default 4_000
        Rows of each of the 12 monthly production batches; at least 50.
    rng : int or numpy.random.Generator, default 0
        Seed or generator.  The same int always gives identical frames and model.

    Returns
    -------
    Scenario
        ``reference`` (``n_train`` rows: 15 features, ``default``, ``score``), ``current``
        (12 * ``batch_size`` rows, plus ``batch`` and ``month``), the manifest and the fitted model.

    Raises
    ------
    DriftParameterError
        If ``n_train`` or ``batch_size`` is too small.
    """
    if isinstance(n_train, bool) or not isinstance(n_train, (int, np.integer)) or n_train < 500:
        raise DriftParameterError.invalid("n_train", "credit.generate", "an int >= 500", n_train)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 50:
        raise DriftParameterError.invalid("batch_size", "credit.generate", "an int >= 50", batch_size)
    seed_text = f"rng={rng}" if isinstance(rng, (int, np.integer)) else "a caller-supplied numpy Generator"
    gen = np.random.default_rng(rng)

    reference = _applicants(int(n_train), gen)
    reference[TARGET] = _label(reference, BASELINE, gen)
    months = [_month(label, int(batch_size), gen) for label in MONTHS]
    model_seed = int(gen.integers(2**31 - 1))
    training = _applicants(int(n_train), gen)
    training[TARGET] = _label(training, BASELINE, gen)

    # One thread: OpenMP busy-waiting makes gradient boosting crawl on a loaded 2-core machine.
    with threadpool_limits(limits=1):
        model = _fit(training[list(FEATURES)], training[TARGET].to_numpy(), model_seed)
        reference[PREDICTION] = _score(model, reference)
        for label, rows in zip(MONTHS, months, strict=True):
            rows[PREDICTION] = _score(model, rows)
            rows[BATCH] = label
            rows[TIME] = pd.Timestamp(f"{label}-01")
    current = pd.concat(months, ignore_index=True)
    current[BATCH] = current[BATCH].astype(str)

    description = (
        f"Synthetic loan applicants with 15 correlated features. Reference: {n_train:,} validation rows "
        "(the model was trained on as many others). "
        f"Current: 12 monthly batches (2025-01 to 2025-12) of {batch_size:,} rows, all labelled. "
        "'default' is drawn from a known logistic model; 'score' is a gradient-boosting model's P(default), "
        "fitted on a separate training set and computed on the reference and on production inputs as "
        "recorded (broken ones included). "
        "Five months are clean; the others carry prediction drift (an online campaign brings riskier "
        "applicants, 2025-03), a covariate shift the model ignores (regional expansion, 2025-06), a prior "
        "shift (recession, 2025-07), concept drift (2025-10) and three pipeline breaks (income in "
        "thousands 2025-05, missing-value burst 2025-08, new region 'unknown' 2025-11). "
        "The manifest holds the ground truth of each month."
    )
    return Scenario(
        name="credit", title="Credit scoring (synthetic)", description=description,
        reference=reference, current=current, target=TARGET, prediction=PREDICTION, batch=BATCH, time=TIME,
        manifest=manifest(), model=model,
        source=f"synthetic: drift.data.scenarios.credit.generate(n_train={n_train}, batch_size={batch_size}, "
               f"{seed_text}); no external data",
    )
