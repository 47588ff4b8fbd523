"""Verdict benchmark: how often is ``drift.diagnose``'s verdict right, on cases whose truth is known?

Run from the repository root::

    .venv/bin/python bench/verdicts.py                    # full run (~500 cases), writes the JSON
    .venv/bin/python bench/verdicts.py --quick            # smoke run (a few cases per family)
    .venv/bin/python bench/verdicts.py --only break --jobs 1 --out /tmp/v.json

Cases (each seeded; ``part`` says whether the rules may be tuned on it):

* ``halves``  — random halves of a real table (truth ``no_drift``, nothing else acceptable);
* ``natural`` — one period or group of a real table against another (season vs season, decade vs
  decade, one group vs another); the split column is dropped.  Truth "drift": without a prediction
  column only ``input_drift`` is defensible; with a model's scores (and labels) the four model kinds
  are.  Mild shifts (same season a year apart) also accept ``no_drift``; none accepts ``data_quality``
  -- except Seattle's splits across years: the published weather labels were re-coded in 2013 (see
  ``real_cases``), a real break nobody injected, so those are ``data_quality`` naming ``weather``;
* ``break``   — one pipeline break (:mod:`drift.data.scenarios.breaks`) injected into one column of a random
  half: truth ``data_quality`` and the verdict should name that column;
* ``churn``   — random halves in which a modest share of current rows carries entities (countries,
  destinations, states) the reference never saw (:func:`drift.data.scenarios.realdata.churn_split`):
  not ``data_quality``;
* ``proxy``   — a natural split with a column that encodes the split kept as a feature (the year, a
  day number, the month): truth as the natural split, and whether ``Diagnosis.split_proxies`` flags
  the column is recorded;
* ``credit`` / ``pricing`` — the built-in scenarios over seeds and batch sizes, truth from their
  manifests.  Credit months also run *without the prediction column and the label* (truth: inputs moved
  -> ``input_drift``; a prior shift or concept drift leaves the inputs as they were -> ``no_drift``) and
  *without labels* in the current month (prior shift and concept drift cannot be seen -> ``no_drift``).
  Pricing drops its calendar feature ``seasonality`` (the scenario marks it as expected to move) except
  in its ``proxy`` cases; its clean weeks accept ``prior_shift`` as well, since the outcome rate swings
  with the season there.

Real tables and their part are fixed in :mod:`drift.data.scenarios.realdata` (``HELD_OUT``); the scenario
cases are all "tuned".  "Right" means the verdict kind is in the case's ``acceptable`` set.  Results go
to ``--out`` (default ``drift/verdict_benchmark.json``, shipped with the library): per part and per
(verdict kind, strength) how many cases got that verdict and how many of them were right, the
confusion matrices, per-family figures, every case's outcome, date, commit, machine and seeds.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")        # before numpy: 2 workers on a shared 2-core machine

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import machine  # noqa: E402

import drift  # noqa: E402
from drift.data.scenarios import load_scenario  # noqa: E402
from drift.data.scenarios.breaks import BREAKS  # noqa: E402
from drift.data.scenarios.realdata import (  # noqa: E402
    PREDICTION,
    REAL_DATASETS,
    add_model_scores,
    churn_split,
    load_real,
    random_halves,
)

FAMILIES = ("halves", "natural", "break", "churn", "proxy", "credit", "pricing")
PARTS = ("tuned", "held_out")
#: Verdict kinds; a case's truth is one of them, or "drift" (a real shift seen through a model: any of
#: the model kinds may be right, see ``acceptable``).
KINDS = ("no_drift", "input_drift", "covariate_shift", "prediction_drift", "prior_shift", "concept_drift",
         "data_quality")
#: Verdicts defensible for a real shift when a model's scores and labels are present / absent.
MODEL_KINDS = frozenset({"covariate_shift", "prediction_drift", "prior_shift", "concept_drift"})
INPUT_KINDS = frozenset({"input_drift"})
#: Scores without labels: concept drift and prior shift cannot be seen.
UNLABELLED_KINDS = frozenset({"covariate_shift", "prediction_drift"})
#: Rows per side above which a real case is subsampled (seeded), to keep a full run short.
MAX_ROWS = 1200
HALF_SEEDS = (0, 1, 2, 3)
SHIFT_SEEDS = (0, 1)
CREDIT = {"seeds": (0, 1, 2, 3, 4), "batch_sizes": (500, 2000), "n_train": 5000,
          "variant_seeds": (0, 1, 2), "variant_batch_size": 2000}
PRICING = {"seeds": (0, 1, 2), "rows_per_week": (500, 2000),
           "weeks": ("W02", "W04", "W08", "W11", "W15", "W18", "W22", "W24", "W28", "W32", "W35", "W38",
                     "W42", "W46", "W50", "W52"),
           "proxy_weeks": ("W18", "W28", "W38", "W50")}
QUICK_PER_FAMILY = 5


@dataclass(frozen=True, eq=False)
class Case:
    """One labelled benchmark case (see the module docstring for the families)."""

    name: str
    dataset: str
    family: str
    part: str
    reference: pd.DataFrame
    current: pd.DataFrame
    truth: str
    acceptable: frozenset
    target: str | None = None
    prediction: str | None = None
    truth_columns: tuple = ()
    proxy_columns: tuple = ()
    model_target: str | None = None      # fit a model on the reference in the worker, add its scores
    hide_labels: bool = False            # drop the target from the current side (labels not arrived)
    seed: int = 0
    note: str = ""
    meta: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------------ real data
def _cap(frame: pd.DataFrame, seed: int, n: int = MAX_ROWS) -> pd.DataFrame:
    if len(frame) <= n:
        return frame.reset_index(drop=True)
    return frame.sample(n=n, random_state=seed).reset_index(drop=True)


def _prepared(name: str) -> pd.DataFrame:
    """A real table with the split helpers some cases need (date parts), nothing else changed."""
    frame = load_real(name)
    if name == "seattle_weather":
        date = pd.to_datetime(frame.pop("date"))
        frame["year"], frame["month"] = date.dt.year, date.dt.month
        frame["day_number"] = (date - date.min()).dt.days
    if name in ("flights", "nyc_weather"):
        date = pd.to_datetime(dict(year=2013, month=frame["month"], day=frame["day"]))
        frame["day_number"] = date.dt.day_of_year
    return frame


#: Columns used only to split a table (dropped from every case unless a proxy case keeps one).
_SPLIT_HELPERS = {"seattle_weather": ("year", "month", "day_number"),
                  "flights": ("month", "day", "day_number"), "nyc_weather": ("month", "day", "day_number")}


class RealCases:
    """Builds the cases of one real table."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.spec = REAL_DATASETS[name]
        self.frame = _prepared(name)
        self.helpers = _SPLIT_HELPERS.get(name, ())
        self.cases: list[Case] = []

    def _inputs(self, frame: pd.DataFrame, keep: tuple = (), with_target: bool = False) -> pd.DataFrame:
        drop = [c for c in self.helpers if c not in keep]
        if self.spec.target and not with_target:
            drop.append(self.spec.target)
        return frame.drop(columns=drop)

    def _add(self, name: str, family: str, reference, current, truth: str, acceptable, *, model: bool,
             seed: int, keep: tuple = (), hide_labels: bool = False, **extra) -> None:
        ref = _cap(self._inputs(reference, keep, with_target=model), seed)
        cur = _cap(self._inputs(current, keep, with_target=model), seed + 1)
        self.cases.append(Case(
            name=f"{self.name}/{name}" + ("/model" if model else "") + ("/nolabels" if hide_labels else "")
            + f"/s{seed}", dataset=self.name, family=family, part=self.spec.part, reference=ref,
            current=cur, truth=truth, acceptable=frozenset(acceptable),
            model_target=self.spec.target if model else None, hide_labels=hide_labels, seed=seed, **extra))

    def _model_variants(self) -> tuple[bool, ...]:
        return (False, True) if self.spec.target else (False,)

    def halves(self, seeds=HALF_SEEDS) -> None:
        for model in self._model_variants():
            for seed in seeds:
                ref, cur = random_halves(self.frame, rng=seed)
                self._add("halves", "halves", ref, cur, "no_drift", {"no_drift"}, model=model, seed=seed)

    def shift(self, name: str, ref_rows, cur_rows, *, drop: tuple = (), mild: bool = False,
              proxy: tuple = (), labels_only: bool = False, real_break: tuple = (), seeds=SHIFT_SEEDS,
              note: str = "") -> None:
        """A natural shift between two masks of the table; ``drop`` = the split columns (left out).
        ``proxy``: also one case per seed keeping those columns (family ``proxy``).  ``labels_only``:
        the groups differ in the outcome only (a randomised experiment): prior shift / concept drift.
        ``real_break``: columns whose recording changed between the two groups in the data as published
        (no model variants then): truth ``data_quality`` naming them."""
        ref_all = self.frame.loc[ref_rows].drop(columns=list(drop))
        cur_all = self.frame.loc[cur_rows].drop(columns=list(drop))
        for seed in seeds:
            ref = ref_all.sample(frac=0.8, random_state=seed)
            cur = cur_all.sample(frac=0.8, random_state=seed + 100)
            for model in self._model_variants():
                if labels_only:
                    accept = {"prior_shift", "concept_drift"} if model else {"no_drift"}
                    truth = "prior_shift" if model else "no_drift"
                else:
                    accept = set(MODEL_KINDS if model else INPUT_KINDS) | ({"no_drift"} if mild else set())
                    truth = "drift" if model else "input_drift"
                if real_break:
                    truth, accept = "data_quality", {"data_quality"}
                self._add(name, "natural", ref, cur, truth, accept, model=model, seed=seed, note=note,
                          truth_columns=real_break)
                if model:                    # the same with the current labels not yet arrived
                    accept = ({"no_drift"} if labels_only
                              else UNLABELLED_KINDS | ({"no_drift"} if mild else set()))
                    self._add(name, "natural", ref, cur, "no_drift" if labels_only else "drift", accept,
                              model=True, seed=seed, hide_labels=True, note=note)
            if proxy:
                ref_p = self.frame.loc[ref_rows].sample(frac=0.8, random_state=seed)
                cur_p = self.frame.loc[cur_rows].sample(frac=0.8, random_state=seed + 100)
                keep_drop = [c for c in drop if c not in proxy]
                ref_p, cur_p = ref_p.drop(columns=keep_drop), cur_p.drop(columns=keep_drop)
                model = bool(self.spec.target)
                accept = set(MODEL_KINDS if model else INPUT_KINDS) | ({"no_drift"} if mild else set())
                truth = "drift" if model else "input_drift"
                if real_break:
                    truth, accept = "data_quality", {"data_quality"}
                self._add(name + "+proxy", "proxy", ref_p, cur_p, truth, accept, model=model, seed=seed,
                          keep=proxy, proxy_columns=tuple(proxy), truth_columns=real_break, note=note)

    def breaks(self, specs, seeds=(0,)) -> None:
        """``specs``: (break name, column, params) injected into the current half of random halves."""
        for kind, column, params in specs:
            for seed in seeds:
                for model in self._model_variants():
                    ref, cur = random_halves(self.frame, rng=100 + seed)
                    seeded = {} if kind == "rename_levels" else {"rng": seed}
                    cur = BREAKS[kind].inject(cur, column, **params, **seeded)
                    label = "_".join(f"{v}" for v in params.values()) if params else ""
                    self._add(f"{kind}:{column}" + (f":{label}" if label else ""), "break", ref, cur,
                              "data_quality", {"data_quality"}, model=model, seed=seed,
                              truth_columns=(column,))

    def churn(self, column: str, shares=(0.03, 0.08, 0.15), seeds=(0, 1)) -> None:
        for share in shares:
            for seed in seeds:
                for model in self._model_variants():
                    ref, cur = churn_split(self.frame, column, share, rng=seed)
                    accept = {"no_drift"} | (UNLABELLED_KINDS | {"prior_shift", "concept_drift"} if model
                                             else INPUT_KINDS)
                    self._add(f"churn:{column}:{share:g}", "churn", ref, cur, "no_drift", accept,
                              model=model, seed=seed, note="entity churn, not a break")


def _months(frame, months) -> pd.Series:
    return frame["month"].isin(months)


def real_cases() -> list[Case]:
    """Every real-data case."""
    out: list[Case] = []

    c = RealCases("seattle_weather")
    f = c.frame
    c.halves()
    c.shift("winter_vs_summer", _months(f, [12, 1, 2]), _months(f, [6, 7, 8]), proxy=("month",))
    c.shift("spring_vs_autumn", _months(f, [3, 4, 5]), _months(f, [9, 10, 11]), mild=True)
    # The published `weather` labels were re-coded from 2013 on: "rain" on 191 days of 2012 and 3 of 2014,
    # "fog" on 5 and 151.  A real recording break nobody injected: splits across those years are breaks.
    recoded = {"real_break": ("weather",), "note": "weather labels re-coded between 2012 and 2014"}
    c.shift("q1_2012_vs_q1_2014", _months(f, [1, 2, 3]) & (f["year"] == 2012),
            _months(f, [1, 2, 3]) & (f["year"] == 2014), **recoded)
    c.shift("2012_13_vs_2014_15", f["year"] <= 2013, f["year"] >= 2014, proxy=("day_number",), **recoded)
    c.breaks([("unit_change", "temp_max", {"factor": 10}), ("unit_change", "precipitation", {"factor": 10}),
              ("missing_burst", "wind", {"share": 0.3}), ("rename_levels", "weather", {}),
              ("type_change", "temp_min", {"style": "bool"}), ("stuck_value", "temp_max", {"share": 0.4}),
              ("stuck_value", "wind", {"share": 0.2, "value": -999})])
    out += c.cases

    c = RealCases("cars")
    f = c.frame
    c.halves()
    c.shift("usa_vs_europe_japan", f["Origin"] == "USA", f["Origin"] != "USA", drop=("Origin",))
    c.shift("europe_vs_japan", f["Origin"] == "Europe", f["Origin"] == "Japan", drop=("Origin",), mild=True)
    c.shift("1970_74_vs_1979_82", f["Year"] <= 1974, f["Year"] >= 1979, drop=("Year",), proxy=("Year",))
    c.breaks([("unit_change", "Weight_in_lbs", {"factor": 0.4536}),
              ("unit_change", "Displacement", {"factor": 16.387}),
              ("missing_burst", "Horsepower", {"share": 0.3}), ("rename_levels", "Origin", {}),
              ("type_change", "Acceleration", {"style": "percent"}),
              ("stuck_value", "Miles_per_Gallon", {"share": 0.25, "value": 0})])
    out += c.cases

    c = RealCases("gapminder")
    f = c.frame
    c.halves()
    c.shift("1952_67_vs_1992_2007", f["year"] <= 1967, f["year"] >= 1992, drop=("year",), proxy=("year",))
    c.shift("europe_vs_africa", f["continent"] == "Europe", f["continent"] == "Africa", drop=("continent",))
    c.shift("1997_vs_2002_07", f["year"] == 1997, f["year"] >= 2002, drop=("year",), mild=True)
    c.churn("country", seeds=(0, 1, 2))
    c.breaks([("unit_change", "pop", {"factor": 0.001}), ("unit_change", "gdpPercap", {"factor": 100}),
              ("missing_burst", "lifeExp", {"share": 0.4}), ("rename_levels", "continent", {}),
              ("type_change", "gdpPercap", {"style": "percent"}), ("stuck_value", "lifeExp", {"share": 0.3})])
    out += c.cases

    c = RealCases("flights")
    f = c.frame
    c.halves(seeds=(0, 1, 2))
    c.shift("jan_vs_jul", f["month"] == 1, f["month"] == 7)
    c.shift("apr_vs_oct", f["month"] == 4, f["month"] == 10, mild=True)
    c.shift("jan_apr_vs_jul_oct", f["month"].isin([1, 4]), f["month"].isin([7, 10]), seeds=(0,),
            proxy=("day_number",))
    c.churn("dest", shares=(0.05, 0.12), seeds=(0, 1))
    c.breaks([("unit_change", "distance", {"factor": 1.609}), ("unit_change", "distance", {"factor": 1000}),
              ("type_change", "sched_dep_time", {"style": "percent"}), ("rename_levels", "origin", {}),
              ("rename_levels", "carrier", {}), ("missing_burst", "dest", {"share": 0.2}),
              ("stuck_value", "sched_dep_time", {"share": 0.5})])
    out += c.cases

    c = RealCases("randhie")
    f = c.frame
    plan = ("lncoins", "idp", "lpi", "fmde")
    c.halves(seeds=(0, 1, 2))
    # `disea` is left out of the arms comparison: its missing values were filled with site means that
    # differ between the arms (11.84 on 11.5 % of the coinsurance rows, never in free care), so the recorded
    # inputs do differ there -- the arms are alike only in the other covariates.
    c.shift("free_care_vs_95pct_coinsurance", f["lncoins"] == 0, (f["lncoins"] - 4.564348).abs() < 1e-3,
            drop=(*plan, "disea"), labels_only=True,
            note="randomised arms: inputs alike (disea left out: site-mean imputation differs), "
                 "visit rate 72% vs 55%")
    c.shift("good_vs_fair_poor_health", f["hlthg"] == 1, (f["hlthf"] == 1) | (f["hlthp"] == 1),
            drop=("hlthg", "hlthf", "hlthp"))
    c.breaks([("unit_change", "disea", {"factor": 100}), ("missing_burst", "physlm", {"share": 0.5}),
              ("stuck_value", "lpi", {"share": 0.5}), ("type_change", "fmde", {"style": "bool"})])
    out += c.cases

    c = RealCases("breast_cancer")
    c.halves(seeds=(0, 1, 2))
    c.breaks([("unit_change", "mean_area", {"factor": 0.01}),
              ("missing_burst", "mean_radius", {"share": 0.5}),
              ("stuck_value", "worst_texture", {"share": 0.15, "value": -999}),
              ("type_change", "mean_smoothness", {"style": "percent"})])
    out += c.cases

    c = RealCases("german_credit")
    f = c.frame
    c.halves(seeds=(0, 1, 2))
    c.shift("age_30plus_vs_under_30", f["age_in_years"] >= 30, f["age_in_years"] < 30, drop=("age_in_years",),
            proxy=("age_in_years",))
    c.breaks([("unit_change", "credit_amount", {"factor": 0.001}),
              ("unit_change", "duration_in_month", {"factor": 30}), ("rename_levels", "housing", {}),
              ("missing_burst", "savings_account_and_bonds", {"share": 0.3})])
    out += c.cases

    # ---- held out ----------------------------------------------------------------------------------
    c = RealCases("nyc_weather")
    f = c.frame
    c.halves()
    c.shift("jan_vs_jul", _months(f, [1]), _months(f, [7]))
    c.shift("winter_vs_summer", _months(f, [12, 1, 2]), _months(f, [6, 7, 8]), proxy=("month",))
    c.shift("apr_vs_oct", _months(f, [4]), _months(f, [10]), mild=True)
    c.shift("ewr_vs_jfk", f["origin"] == "EWR", f["origin"] == "JFK", drop=("origin",), mild=True)
    c.shift("h1_vs_h2", f["month"] <= 6, f["month"] >= 7, seeds=(0,), proxy=("day_number",))
    c.breaks([("unit_change", "pressure", {"factor": 100}), ("unit_change", "visib", {"factor": 1609}),
              ("missing_burst", "wind_speed", {"share": 0.4}), ("rename_levels", "origin", {}),
              ("type_change", "humid", {"style": "percent"}),
              ("stuck_value", "temp", {"share": 0.1, "value": -999}),
              ("stuck_value", "wind_dir", {"share": 0.3, "value": 0})])
    out += c.cases

    c = RealCases("anes96")
    f = c.frame
    c.halves(seeds=(0, 1, 2))
    c.shift("age_under_35_vs_55plus", f["age"] < 35, f["age"] >= 55, drop=("age",), proxy=("age",))
    c.shift("educ_low_vs_high", f["educ"] <= 3, f["educ"] >= 6, drop=("educ",))
    c.breaks([("unit_change", "popul", {"factor": 1000}), ("missing_burst", "TVnews", {"share": 0.3}),
              ("rename_levels", "PID", {}), ("type_change", "age", {"style": "bool"}),
              ("stuck_value", "selfLR", {"share": 0.4})])
    out += c.cases

    c = RealCases("penguins")
    f = c.frame
    c.halves()
    c.shift("biscoe_vs_dream", f["island"] == "Biscoe", f["island"] == "Dream", drop=("island",))
    c.shift("adelie_vs_gentoo", f["species"] == "Adelie", f["species"] == "Gentoo", drop=("species",))
    c.shift("2007_vs_2009", f["year"] == 2007, f["year"] == 2009, drop=("year",), mild=True, proxy=("year",))
    c.breaks([("rename_levels", "sex", {}), ("unit_change", "body_mass_g", {"factor": 0.001}),
              ("missing_burst", "flipper_length_mm", {"share": 0.3}),
              ("type_change", "bill_length_mm", {"style": "percent"}),
              ("stuck_value", "bill_depth_mm", {"share": 0.4})])
    out += c.cases

    c = RealCases("diabetes")
    f = c.frame
    c.halves(seeds=(0, 1, 2))
    c.shift("sex_1_vs_2", f["sex"] == 1, f["sex"] == 2, drop=("sex",), mild=True)
    c.shift("age_under_45_vs_60plus", f["age"] < 45, f["age"] >= 60, drop=("age",))
    c.breaks([("rename_levels", "sex", {"mapping": {1: "M", 2: "F"}}), ("unit_change", "age", {"factor": 12}),
              ("missing_burst", "bmi", {"share": 0.25}), ("stuck_value", "bp", {"share": 0.2, "value": 0}),
              ("type_change", "s5", {"style": "bool"})])
    out += c.cases

    c = RealCases("airports")
    f = c.frame
    c.halves()
    c.shift("west_vs_east", f["longitude"] < -100, f["longitude"] > -90, drop=("longitude",),
            proxy=("longitude",))
    c.churn("state", shares=(0.03, 0.08, 0.15), seeds=(0, 1, 2))
    c.breaks([("unit_change", "latitude", {"factor": 1e6}), ("missing_burst", "longitude", {"share": 0.2}),
              ("stuck_value", "longitude", {"share": 0.1, "value": 0})])
    out += c.cases
    return out


# ---------------------------------------------------------------------------------------- scenarios
def _scenario_kind_without_model(kind: str) -> tuple[str, frozenset]:
    """Truth of a credit month when neither the score nor the label is given: only the inputs count."""
    if kind in ("covariate_shift", "prediction_drift"):
        return "input_drift", INPUT_KINDS
    if kind in ("prior_shift", "concept_drift"):
        return "no_drift", frozenset({"no_drift"})
    return kind, frozenset({kind})


def _scenario_kind_without_labels(kind: str) -> tuple[str, frozenset]:
    """Truth of a credit month with the score but no label: prior shift and concept drift are unseen."""
    if kind in ("prior_shift", "concept_drift"):
        return "no_drift", frozenset({"no_drift"})
    return kind, frozenset({kind})


def credit_cases(seeds=CREDIT["seeds"], sizes=CREDIT["batch_sizes"],
                 variant_seeds=CREDIT["variant_seeds"]) -> list[Case]:
    out = []
    for seed in seeds:
        for size in sizes:
            with_variants = seed in variant_seeds and size == CREDIT["variant_batch_size"]
            sc = load_scenario("credit", rng=seed, batch_size=size, n_train=CREDIT["n_train"])
            ref = sc.reference
            for month in sc.batches():
                row = sc.manifest_row(month)
                cur = sc.get_batch(month).drop(columns=[sc.batch, sc.time])
                cols = tuple(c for c in row["features"].split(",") if c)
                base = dict(dataset="credit", family="credit", part="tuned", seed=seed,
                            truth_columns=cols if row["kind"] == "data_quality" else (),
                            note=row["description"])
                kind = row["kind"]
                out.append(Case(name=f"credit/{month}/n{size}/s{seed}", reference=ref, current=cur,
                                truth=kind, acceptable=frozenset({kind}), target=sc.target,
                                prediction=sc.prediction, **base))
                if not with_variants:
                    continue
                truth, accept = _scenario_kind_without_model(kind)
                out.append(Case(name=f"credit/{month}/n{size}/s{seed}/inputs_only",
                                reference=ref.drop(columns=[sc.target, sc.prediction]),
                                current=cur.drop(columns=[sc.target, sc.prediction]), truth=truth,
                                acceptable=accept, **base))
                truth, accept = _scenario_kind_without_labels(kind)
                out.append(Case(name=f"credit/{month}/n{size}/s{seed}/nolabels", reference=ref,
                                current=cur.drop(columns=[sc.target]), truth=truth, acceptable=accept,
                                target=sc.target, prediction=sc.prediction, **base))
    return out


#: Acceptable verdicts of a pricing week by manifest kind (module docstring of pricing.py for why).
PRICING_ACCEPT = {
    "no_drift": frozenset({"no_drift", "prior_shift"}),       # conversion swings with the season
    "covariate_shift": frozenset({"covariate_shift", "prediction_drift", "concept_drift"}),
    "prior_shift": frozenset({"prior_shift"}),
    "concept_drift": frozenset({"concept_drift"}),
}


def pricing_cases(seeds=PRICING["seeds"], sizes=PRICING["rows_per_week"], weeks=PRICING["weeks"],
                  proxy_weeks=PRICING["proxy_weeks"]) -> list[Case]:
    out = []
    for seed in seeds:
        for size in sizes:
            sc = load_scenario("pricing", rng=seed, rows_per_week=size)
            drop = [sc.batch, sc.time]
            ref_full = sc.reference.drop(columns=drop)
            ref = ref_full.drop(columns=["seasonality"])
            for week in weeks:
                row = sc.manifest_row(week)
                cur_full = sc.get_batch(week).drop(columns=drop)
                kind = row["kind"]
                base = dict(dataset="pricing", part="tuned", seed=seed, target=sc.target,
                            prediction=sc.prediction, truth=kind, note=row["description"])
                out.append(Case(name=f"pricing/{week}/n{size}/s{seed}", family="pricing", reference=ref,
                                current=cur_full.drop(columns=["seasonality"]),
                                acceptable=PRICING_ACCEPT[kind], **base))
                if week in proxy_weeks and size == sizes[0]:
                    out.append(Case(name=f"pricing/{week}/n{size}/s{seed}+seasonality", family="proxy",
                                    reference=ref_full, current=cur_full,
                                    acceptable=PRICING_ACCEPT[kind] | {"covariate_shift"},
                                    proxy_columns=("seasonality",), **base))
    return out


def build_cases(*, quick: bool = False, only: str | None = None) -> list[Case]:
    """All cases, or a few per family (``quick``), or one family (``only``)."""
    cases: list[Case] = []
    if only in (None, "halves", "natural", "break", "churn", "proxy"):
        cases += real_cases()
    if only in (None, "credit"):
        cases += credit_cases(seeds=(0,), sizes=(1000,), variant_seeds=(0,)) if quick else credit_cases()
    if only in (None, "pricing", "proxy"):
        cases += (pricing_cases(seeds=(0,), sizes=(500,), weeks=("W04", "W11", "W22", "W32", "W46"),
                                proxy_weeks=("W28",)) if quick else pricing_cases())
    if only:
        cases = [c for c in cases if c.family == only]
    if quick:
        picked = []
        for family in FAMILIES:
            members = [c for c in cases if c.family == family]
            step = max(1, len(members) // QUICK_PER_FAMILY)
            picked += members[::step][:QUICK_PER_FAMILY]
        cases = picked
    return cases


# ------------------------------------------------------------------------------------------- running
_CASES: list[Case] = []


def _quality_issues(diagnosis) -> list[tuple[str, str]]:
    try:
        issues = diagnosis.step("inputs").evidence.get("quality_issues", [])
    except (StopIteration, AttributeError, KeyError):
        return []
    return [(str(i.get("feature")), str(i.get("kind"))) for i in issues]


def _drifted(diagnosis) -> list[str]:
    try:
        return [str(c) for c in diagnosis.step("inputs").evidence.get("drifted", [])][:6]
    except (StopIteration, AttributeError, KeyError):
        return []


def run_case(index: int) -> dict:
    """Diagnose one case (in a worker) and return its outcome."""
    case = _CASES[index]
    start, cpu = time.perf_counter(), time.process_time()
    ref, cur, target, prediction = case.reference, case.current, case.target, case.prediction
    record = {"name": case.name, "dataset": case.dataset, "family": case.family, "part": case.part,
              "truth": case.truth, "acceptable": sorted(case.acceptable), "seed": case.seed,
              "truth_columns": list(case.truth_columns), "proxy_columns": list(case.proxy_columns),
              "n_reference": len(ref), "n_current": len(cur)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if case.model_target:
                ref, cur = add_model_scores(ref, cur, target=case.model_target, rng=case.seed)
                target, prediction = case.model_target, PREDICTION
                if case.hide_labels:
                    cur = cur.drop(columns=[target])
            d = drift.diagnose(ref, cur, target=target, prediction=prediction, rng=case.seed)
        v = d.verdict
        issues = _quality_issues(d)
        columns = [str(c) for c in (getattr(v, "columns", None) or ())]
        if not columns and v.kind == "data_quality":
            columns = sorted({f for f, _ in issues})
        proxies = [str(c) for c in (getattr(d, "split_proxies", ()) or ())]
        record.update(verdict=v.kind, strength=str(getattr(v, "strength", "n/a")),
                      confidence=getattr(v, "confidence", None), columns=columns, issues=issues,
                      drifted=_drifted(d), split_proxies=proxies,
                      has_split_proxies=hasattr(d, "split_proxies"),
                      steps={s.key: s.status for s in d.steps if s.status != "skipped"})
    except Exception as err:  # noqa: BLE001 - a crash is an outcome of the benchmark, recorded per case
        record.update(verdict="error", strength="n/a", confidence=None, columns=[], issues=[], drifted=[],
                      split_proxies=[], has_split_proxies=False, error=f"{type(err).__name__}: {err}"[:300])
    record["right"] = record["verdict"] in case.acceptable
    record["seconds"] = round(time.perf_counter() - start, 3)
    record["cpu_seconds"] = round(time.process_time() - cpu, 3)
    return record


def run_all(cases: list[Case], jobs: int, log: Callable[[str], None]) -> list[dict]:
    global _CASES
    _CASES = cases
    results: list[dict] = [None] * len(cases)  # type: ignore[list-item]
    start = time.perf_counter()
    if jobs <= 1:
        iterator = ((i, run_case(i)) for i in range(len(cases)))
        pool = None
    else:
        pool = mp.get_context("fork").Pool(jobs)
        iterator = pool.imap_unordered(_indexed, range(len(cases)), chunksize=1)
    try:
        for done, (i, record) in enumerate(iterator, 1):
            results[i] = record
            if done % 10 == 0 or done == len(cases):
                right = sum(r["right"] for r in results if r)
                log(f"  {done}/{len(cases)} cases, {right} right, {time.perf_counter() - start:.0f} s")
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return results


def _indexed(index: int) -> tuple[int, dict]:
    return index, run_case(index)


# ------------------------------------------------------------------------------------------ summary
def _confusion(records: list[dict]) -> dict:
    table: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        table[r["truth"]][r["verdict"]] += 1
    return {t: dict(c) for t, c in table.items()}


def _by_verdict(records: list[dict]) -> dict:
    out: dict[str, dict] = {}
    for r in records:
        entry = out.setdefault(r["verdict"], {"all": {"n": 0, "n_right": 0}})
        for key in ("all", r["strength"]):
            cell = entry.setdefault(key, {"n": 0, "n_right": 0})
            cell["n"] += 1
            cell["n_right"] += int(r["right"])
    return out


def _rate(num: int, den: int) -> str:
    return f"{num}/{den} ({num / den:.0%})" if den else "—"


def summarise(records: list[dict]) -> dict:
    """Everything the JSON stores besides the cases, per part and for both parts together."""
    parts = {}
    for part in (*PARTS, "all"):
        rs = [r for r in records if part == "all" or r["part"] == part]
        breaks = [r for r in rs if r["truth"] == "data_quality"]       # injected, real and scenario breaks
        caught = [r for r in breaks if r["verdict"] == "data_quality"]
        named = [r for r in caught if set(r["truth_columns"]) <= set(r["columns"])]
        natural = [r for r in rs if r["family"] in ("natural", "churn") and r["truth"] != "data_quality"]
        proxies = [r for r in rs if r["proxy_columns"]]
        flagged = [r for r in proxies if set(r["proxy_columns"]) <= set(r["split_proxies"])]
        parts[part] = {
            "n": len(rs), "n_right": sum(r["right"] for r in rs),
            "by_verdict": _by_verdict(rs), "confusion": _confusion(rs),
            "families": {f: {"n": sum(r["family"] == f for r in rs),
                             "n_right": sum(r["right"] for r in rs if r["family"] == f)} for f in FAMILIES},
            "data_quality_recall": {"n": len(breaks), "n_caught": len(caught), "n_named_column": len(named)},
            "false_data_quality": {"n": len(natural), "n_data_quality":
                                   sum(r["verdict"] == "data_quality" for r in natural)},
            "split_proxies": {"n": len(proxies), "n_flagged": len(flagged)},
        }
    return parts


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def print_report(records: list[dict], summary: dict, seconds: float, log: Callable[[str], None]) -> None:
    verdicts = [k for k in (*KINDS, "error") if any(r["verdict"] == k for r in records)]
    for part in (*PARTS, "all"):
        s = summary[part]
        if not s["n"]:
            continue
        log("")
        log(f"== {part}: {s['n_right']} of {s['n']} right ({s['n_right'] / s['n']:.0%})")
        log("confusion (rows: truth, columns: verdict)")
        width = max(len(k) for k in verdicts) + 1
        log("truth".ljust(18) + "".join(v[:width].rjust(width) for v in verdicts))
        for truth in [k for k in (*KINDS, "drift") if k in s["confusion"]]:
            row = s["confusion"][truth]
            log(truth.ljust(18) + "".join(str(row.get(v, 0) or ".").rjust(width) for v in verdicts))
        log("precision per verdict (right / cases with that verdict), and per strength")
        for kind, entry in sorted(s["by_verdict"].items()):
            per = ", ".join(f"{k} {_rate(c['n_right'], c['n'])}" for k, c in entry.items() if k != "all")
            log(f"  {kind:<18} {_rate(entry['all']['n_right'], entry['all']['n']):<14} [{per}]")
        log("per family: " + ", ".join(f"{f} {_rate(c['n_right'], c['n'])}"
                                       for f, c in s["families"].items() if c["n"]))
        dq, fa, px = s["data_quality_recall"], s["false_data_quality"], s["split_proxies"]
        log(f"data_quality recall (truth data_quality): {_rate(dq['n_caught'], dq['n'])}; "
            f"names the right column: {_rate(dq['n_named_column'], dq['n_caught'])}")
        log(f"false data_quality on natural shifts and churn: {_rate(fa['n_data_quality'], fa['n'])}")
        has_proxies = any(r["has_split_proxies"] for r in records)
        log("split-proxy detection: " + (_rate(px["n_flagged"], px["n"]) if has_proxies
                                         else f"n/a (this diagnose has no split_proxies; {px['n']} cases)"))
    log("")
    log("wrong cases by family (truth -> verdict [strength]: quality issues / drifted features "
        "(steps that fired))")
    for family in FAMILIES:
        wrong = [r for r in records if r["family"] == family and not r["right"]]
        if not wrong:
            continue
        log(f"-- {family}: {len(wrong)} wrong")
        for r in wrong:
            issues = "; ".join(f"{k}:{c}" for c, k in r["issues"][:3])
            extra = r.get("error") or issues or ",".join(r["drifted"][:4])
            fired = " ".join(f"{k}={v}" for k, v in r.get("steps", {}).items() if v != "ok")
            log(f"  {r['name']:<58} {r['truth']} -> {r['verdict']} [{r['strength']}]  {extra}  ({fired})")
    alarms = Counter((k, r["dataset"], c) for r in records
                     if r["family"] in ("natural", "churn", "halves", "proxy")
                     and r["truth"] != "data_quality" and r["verdict"] == "data_quality"
                     for c, k in r["issues"])
    if alarms:
        log("")
        log("data_quality false alarms on halves / natural / churn / proxy "
            "(issue kind, data set, column: cases)")
        for (kind, dataset, column), n in alarms.most_common():
            log(f"  {kind:<14} {dataset:<16} {column:<28} {n}")
    times = [r["seconds"] for r in records]
    cpu = [r["cpu_seconds"] for r in records]
    log("")
    log(f"run time {seconds:.0f} s wall for {len(records)} cases (load average {os.getloadavg()[0]:.1f}); "
        f"per case wall median {np.median(times):.1f} s, max {max(times):.1f} s; "
        f"CPU {sum(cpu):.0f} s in all, median {np.median(cpu):.1f} s per case")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Verdict benchmark of drift.diagnose on labelled cases.")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PER_FAMILY} cases per family")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--only", choices=FAMILIES, help="one family of cases")
    parser.add_argument("--out", type=Path, default=ROOT / "drift" / "verdict_benchmark.json",
                        help="where to write the JSON (default drift/verdict_benchmark.json)")
    args = parser.parse_args(argv)

    def log(text: str) -> None:
        print(text, flush=True)

    start = time.perf_counter()
    cases = build_cases(quick=args.quick, only=args.only)
    counts = Counter((c.family, c.part) for c in cases)
    log(f"# verdict benchmark — {len(cases)} cases built in {time.perf_counter() - start:.0f} s; {machine()}")
    log("cases per family and part: " + ", ".join(f"{f}/{p} {n}" for (f, p), n in sorted(counts.items())))
    records = run_all(cases, args.jobs, log)
    seconds = time.perf_counter() - start
    summary = summarise(records)
    print_report(records, summary, seconds, log)
    payload = {
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "git_commit": _git_commit(),
        "machine": machine(),
        "command": "bench/verdicts.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "quick": args.quick, "only": args.only, "seconds": round(seconds, 1),
        "seeds": {"halves": HALF_SEEDS, "shifts": SHIFT_SEEDS, "credit": CREDIT, "pricing": PRICING,
                  "max_rows_per_side": MAX_ROWS},
        "datasets": {n: {"part": d.part, "source": d.source, "title": d.title}
                     for n, d in REAL_DATASETS.items()},
        "api": {"strength": any(r["strength"] != "n/a" for r in records),
                "split_proxies": any(r["has_split_proxies"] for r in records)},
        "parts": summary,
        "cases": [{k: r[k] for k in ("name", "family", "part", "truth", "verdict", "strength", "right",
                                     "columns", "split_proxies") if k in r} | ({"error": r["error"]}
                                                                               if "error" in r else {})
                  for r in records],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1, default=list) + "\n")
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
