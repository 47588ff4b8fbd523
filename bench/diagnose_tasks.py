"""Does ``drift.diagnose``'s verdict match the truth for regression and multiclass models?

Run from the repository root::

    .venv/bin/python bench/diagnose_tasks.py              # every batch of both views + real halves
    .venv/bin/python bench/diagnose_tasks.py --quick      # a few batches, one real table

Cases:

* ``pricing`` -- the dynamic-pricing scenario's regression view (``units_sold`` and the demand model's
  ``units_forecast``; ``load_scenario("pricing").with_task("regression")``), every production week against
  the reference year, with the current labels and without them.  The calendar feature ``seasonality`` is
  dropped, as in ``bench/verdicts.py`` (the scenario marks it as expected to move).
* ``sentiment`` -- the brand-sentiment scenario's three-class view (``sentiment``, ``predicted_sentiment``
  and the ``proba_<class>`` columns), every week, with and without labels.  The posts' text is no tabular
  feature, so the MMD step is given its TF-IDF + SVD embeddings (``drift.embed(..., column="text")``, fitted
  on both sides): that is how the diagnosis sees the text move.
* ``halves`` -- random halves of real tables with a regression or multiclass target (truth: no drift).
  The model (scikit-learn's HistGradientBoosting regressor or classifier) is fitted on half of the
  reference half; the other half of it is the reference, scored by that model, as production is.

Truth: the scenario manifests (``ScenarioTask.manifest``).  With labels a verdict is right when it equals
the injected kind.  Without labels concept drift and prior shift cannot be seen, so for those weeks any
label-free verdict (``no_drift``, ``covariate_shift``, ``prediction_drift``) counts as right; for the others
the verdict must equal the kind.  Prints the confusion tables (rows: truth, columns: verdict).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")        # before numpy: a shared 2-core machine

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import machine  # noqa: E402

import drift  # noqa: E402
from drift.data.scenarios import load_scenario  # noqa: E402
from drift.data.scenarios.realdata import load_real, random_halves  # noqa: E402

KINDS = ("no_drift", "input_drift", "covariate_shift", "prediction_drift", "prior_shift", "concept_drift",
         "data_quality")
#: Verdicts a batch can defensibly get without labels when its truth is invisible without them.
LABEL_FREE = frozenset({"no_drift", "covariate_shift", "prediction_drift"})
INVISIBLE = frozenset({"concept_drift", "prior_shift"})
#: Real tables with a numeric (regression) or class (multiclass) target, and the columns left out.
REAL = (("cars", "Miles_per_Gallon", "regression", ("Name",)),
        ("gapminder", "lifeExp", "regression", ("country",)),
        ("nyc_weather", "temp", "regression", ()),
        ("seattle_weather", "temp_max", "regression", ("date",)),
        ("penguins", "body_mass_g", "regression", ()),
        ("penguins", "species", "multiclass", ()),
        ("seattle_weather", "weather", "multiclass", ("date",)))
HALF_SEEDS = (0, 1, 2, 3)
PRICING = {"n_weeks": 52, "rows_per_week": 1000}
SENTIMENT = {"posts_per_week": 1500}


def _right(truth: str, verdict: str, labels: bool) -> bool:
    if not labels and truth in INVISIBLE:
        return verdict in LABEL_FREE
    return verdict == truth


def _views(names) -> list:
    loaders = {"pricing": lambda: load_scenario("pricing", **PRICING).with_task("regression"),
               "sentiment": lambda: load_scenario("sentiment", **SENTIMENT).with_task("multiclass")}
    return [(name, loaders[name]()) for name in names]


def scenario_cases(quick: bool, names=("pricing", "sentiment")) -> list[dict]:
    """Every batch of the views ``names``, with and without labels."""
    rows = []
    for name, sc in _views(names):
        drop = [c for c in sc.current.attrs.get("calendar_features", ()) if c in sc.reference.columns]
        reference = sc.reference.drop(columns=drop)
        schema = sc.with_known_roles(drift.infer_schema(reference, sc.current.drop(columns=drop)))
        batches = sc.batches()[::8] if quick else sc.batches()
        for batch in batches:
            current = sc.get_batch(batch).drop(columns=drop)
            truth = sc.manifest_row(batch)["kind"]
            text = (drift.embed(reference, current, column="text", rng=0) if "text" in current.columns
                    else None)
            for labels in (True, False):
                t0 = time.perf_counter()
                cur = current if labels else current.drop(columns=[sc.target])
                d = drift.diagnose(reference, cur, schema=schema, task=sc.task, embeddings=text, rng=0)
                rows.append({"case": name, "batch": batch, "labels": labels, "truth": truth,
                             "verdict": d.verdict.kind, "strength": d.verdict.strength,
                             "right": _right(truth, d.verdict.kind, labels),
                             "seconds": time.perf_counter() - t0})
                print(f"{name} {batch} labels={labels}: truth {truth}, verdict {d.verdict.kind} "
                      f"({d.verdict.strength}) {rows[-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
    return rows


def with_model(frame: pd.DataFrame, target: str, task: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random halves of ``frame``: the reference half is split again, a model fitted on one part and the
    other part, scored by it, is the reference; the current half is scored by the same model."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    frame = frame[frame[target].notna()].reset_index(drop=True)
    first, current = random_halves(frame, rng=seed)
    train, reference = random_halves(first, rng=seed + 100)
    features = [c for c in frame.columns if c != target]
    categorical = [c for c in features if not pd.api.types.is_numeric_dtype(frame[c])]

    def design(rows: pd.DataFrame) -> pd.DataFrame:
        x = rows[features].copy()
        for c in categorical:
            x[c] = pd.Categorical(x[c].astype("string"), categories=sorted(train[c].dropna().astype(str)
                                                                             .unique()))
        return x

    kwargs = dict(max_iter=150, learning_rate=0.1, max_leaf_nodes=15, random_state=seed,
                  categorical_features="from_dtype")
    model = (HistGradientBoostingRegressor(**kwargs) if task == "regression"
             else HistGradientBoostingClassifier(**kwargs)).fit(design(train), train[target])
    out = []
    for rows in (reference, current):
        rows = rows.copy()
        if task == "regression":
            rows["forecast"] = model.predict(design(rows))
        else:
            proba = model.predict_proba(design(rows))
            rows["forecast"] = model.classes_[proba.argmax(axis=1)]
            for j, c in enumerate(model.classes_):
                rows[f"proba_{c}"] = proba[:, j]
        out.append(rows)
    return out[0], out[1]


def halves_cases(quick: bool) -> list[dict]:
    rows = []
    for name, target, task, drop in (REAL[:1] if quick else REAL):
        frame = load_real(name).drop(columns=list(drop))
        for seed in (HALF_SEEDS[:1] if quick else HALF_SEEDS):
            reference, current = with_model(frame, target, task, seed)
            t0 = time.perf_counter()
            d = drift.diagnose(reference, current, target=target, prediction="forecast", task=task, rng=seed)
            rows.append({"case": f"halves {name}/{target}", "batch": f"seed {seed}", "labels": True,
                         "truth": "no_drift", "verdict": d.verdict.kind, "strength": d.verdict.strength,
                         "right": d.verdict.kind == "no_drift", "seconds": time.perf_counter() - t0})
            print(f"{name}/{target} ({task}) seed {seed}: verdict {d.verdict.kind} ({d.verdict.strength}); "
                  + "; ".join(f"{s.key} {s.status}" for s in d.steps), file=sys.stderr, flush=True)
    return rows


def confusion(rows: pd.DataFrame) -> str:
    """Markdown confusion table, rows the truth and columns the verdict (kinds that occur)."""
    seen = [k for k in KINDS if k in set(rows["verdict"]) | set(rows["truth"])]
    lines = ["| truth \\ verdict | " + " | ".join(seen) + " |", "|---|" + "---:|" * len(seen)]
    for truth in [k for k in seen if k in set(rows["truth"])]:
        sub = rows[rows["truth"] == truth]
        cells = [str(int((sub["verdict"] == v).sum())) for v in seen]
        cells = [f"**{c}**" if v == truth and c != "0" else c for c, v in zip(cells, seen, strict=True)]
        lines.append(f"| {truth} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few batches and one real table")
    parser.add_argument("--skip-halves", action="store_true", help="scenarios only")
    parser.add_argument("--views", default="pricing,sentiment",
                        help="scenario views to run, comma-separated (pricing, sentiment)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    names = tuple(v.strip() for v in args.views.split(",") if v.strip())
    rows = scenario_cases(args.quick, names) + ([] if args.skip_halves else halves_cases(args.quick))
    table = pd.DataFrame(rows)
    print(f"# drift.diagnose per task — {time.strftime('%Y-%m-%d')}, {machine()}, "
          f"{time.perf_counter() - started:.0f} s\n")
    groups = [("pricing", True, "Demand (regression) view of the pricing scenario, with labels"),
              ("pricing", False, "… without labels"),
              ("sentiment", True, "Three-class view of the sentiment scenario, with labels"),
              ("sentiment", False, "… without labels")]
    for case, labels, title in groups:
        sub = table[(table["case"] == case) & (table["labels"] == labels)]
        if sub.empty:
            continue
        print(f"{title}: right {int(sub['right'].sum())} of {len(sub)}\n\n{confusion(sub)}\n")
        wrong = sub[~sub["right"]]
        if len(wrong):
            print("wrong: " + ", ".join(f"{r.batch} ({r.truth} → {r.verdict})" for r in wrong.itertuples())
                  + "\n")
    halves = table[table["case"].str.startswith("halves")]
    if len(halves):
        print(f"Random halves of real tables (truth no_drift): right {int(halves['right'].sum())} of "
              f"{len(halves)}\n")
        for case, sub in halves.groupby("case", sort=False):
            print(f"- {case}: " + ", ".join(f"{r.verdict}" for r in sub.itertuples()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
