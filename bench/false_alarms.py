"""Benchmark: each detector's false-alarm rate on the clean batches of the built-in scenarios, over seeds.

Run: ``.venv/bin/python bench/false_alarms.py [--seeds 5] [--quantile 0.95] [--scenarios credit,pricing]
[--reference shipped|holdout|both] [--no-mute]``.

For every scenario and seed, the scenario is generated with that seed and :func:`drift.monitor` runs on it
as the Timeline page runs it (the scenario's roles, one batch per value of its batch column, the default
detectors, ``rng`` = the seed, and the features a scenario marks as following the calendar muted:
``current.attrs["calendar_features"]``, the pricing scenario's ``seasonality``).  Each run is scored
against the scenario's manifest (:func:`drift.monitoring.scorecard.scorecard`) and the runs are pooled per
scenario
(:func:`drift.monitoring.scorecard.false_alarm_rates`).  Printed: a Markdown table detector x scenario with
the false
alarms / clean batches, the rate, the bound ``2 * (1 - quantile)``, and the binomial p-value of seeing
that many false alarms if the true rate were ``1 - quantile``; then the seconds each run took.

Two references (``--reference``, default both, one table each):

* ``shipped``: the scenario as generated -- each built-in reference here is the model's validation set,
  scored by the deployed model;
* ``holdout``: :meth:`drift.data.scenarios.Scenario.with_holdout_reference` -- the model is refitted on half
  of the reference and the other half, scored by that model, is the reference; production is scored by
  it too.  Prediction drift needs reference and production scores from the same (deployed) model; the
  fold models of out-of-fold scores spread their scores differently.

``--no-mute`` monitors every feature (the behaviour before muting existed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine, row  # noqa: E402
from drift import infer_schema  # noqa: E402
from drift.data.scenarios import load_scenario  # noqa: E402
from drift.monitoring.monitor import DEFAULT_DETECTORS, monitor  # noqa: E402
from drift.monitoring.scorecard import false_alarm_rates, scorecard  # noqa: E402

#: Built-in scenarios with ground truth (a manifest with ``no_drift`` batches).
SCENARIOS = ("credit", "pricing", "sentiment")
REFERENCES = {"shipped": "as shipped (the model's validation set, scored by the deployed model)",
              "holdout": "held-out half of the reference, scored by the deployed model"}


def run_one(name: str, seed: int, *, quantile: float, mute: bool, holdout: bool):
    """Monitor one seeded scenario as the Timeline page does; its scorecard and the seconds it took."""
    sc = load_scenario(name, rng=seed)
    if holdout:
        sc = sc.with_holdout_reference(rng=seed)
    schema = infer_schema(sc.reference, sc.current).with_roles(
        target=sc.target, prediction=sc.prediction, batch=sc.batch, time=sc.time)
    muted = tuple(sc.current.attrs.get("calendar_features", ())) if mute else ()
    t0 = time.perf_counter()
    res = monitor(sc.reference, sc.current, schema=schema, batch_col=sc.batch, quantile=quantile,
                  detectors=DEFAULT_DETECTORS, rng=seed, mute=muted)
    return scorecard(res, sc.manifest), time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quantile", type=float, default=0.95)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--no-mute", action="store_true", help="monitor calendar features too")
    parser.add_argument("--reference", choices=("shipped", "holdout", "both"), default="both")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    level = 1 - args.quantile
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    print(f"# false alarms on clean batches: {', '.join(names)} x seeds 0-{args.seeds - 1}, "
          f"quantile {args.quantile:g} (level {level:.2g})\n")
    print(f"machine: {machine()}; load average at start {os.getloadavg()[0]:.1f}\n")
    for reference in ("shipped", "holdout") if args.reference == "both" else (args.reference,):
        cards, seconds = {}, {}
        for name in names:
            cards[name], seconds[name] = [], []
            for seed in range(args.seeds):
                card, t = run_one(name, seed, quantile=args.quantile, mute=not args.no_mute,
                                  holdout=reference == "holdout")
                cards[name].append(card)
                seconds[name].append(t)
        print(f"## reference: {REFERENCES[reference]}\n")
        print_table(false_alarm_rates(cards, level=level), names)
        print("\nseconds per monitor run: " + ", ".join(
            f"{name} {pd.Series(t).mean():.1f}" for name, t in seconds.items()) + "\n")


def print_table(table: pd.DataFrame, names: list[str]) -> None:
    """Detector x scenario: false alarms / clean batches, rate, binomial p; flagged above the bound."""
    print(row("detector", *names))
    print(row("---", *["---:"] * len(names)))
    for detector in dict.fromkeys(table["detector"]):
        cells, label = [], detector
        for name in names:
            hit = table[(table["scenario"] == name) & (table["detector"] == detector)]
            if hit.empty:
                cells.append("—")
                continue
            r = hit.iloc[0]
            label = r["label"]
            flag = "" if r["within"] else " **> bound**"
            cells.append(f"{r['false_alarms']} / {r['n_clean']} = {r['rate']:.1%} "
                         f"(p {r['pvalue']:.2f}){flag}")
        print(row(label, *cells))
    print(f"\nbound: {table['bound'].iloc[0]:.0%} of clean batches per detector (2 x level); "
          "p: P(at least that many | rate = level).")


if __name__ == "__main__":
    main()
