"""Scorecard of drift.monitor on the regression and multiclass scenarios (issue 12, stage 3d).

Run: ``.venv/bin/python bench/monitor_tasks.py [--seed 0] [--quantile 0.95] [--seeds 1]``.

Monitors, at full size and as the Timeline does (the scenario's roles, calendar features muted, default
detectors), the pricing scenario's demand model (``load_scenario("pricing").with_task("regression")``:
units sold, weekly batches) and the sentiment scenario's three-class model
(``load_scenario("sentiment").with_task("multiclass")``), and prints per detector the batches it
alerted on against each manifest: injections caught / missed and false alarms on clean (``no_drift``)
batches (:func:`drift.monitoring.scorecard.scorecard`), then the batch x detector grid.  With
``--seeds N`` (> 1) it then pools the false alarms on clean batches over seeds ``seed .. seed + N - 1``
(:func:`drift.monitoring.scorecard.false_alarm_rates`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine, row  # noqa: E402
from drift import infer_schema  # noqa: E402
from drift.data.scenarios import load_scenario  # noqa: E402
from drift.monitoring.monitor import monitor  # noqa: E402
from drift.monitoring.scorecard import false_alarm_rates, scorecard  # noqa: E402

VIEWS = (("pricing", "regression"), ("sentiment", "multiclass"))
GRID = {"caught": "X", "missed": ".", "false alarm": "!", "quiet": " "}


def markdown(table: pd.DataFrame, index: bool = True) -> str:
    """A DataFrame as a Markdown table (floats to 2 decimals)."""
    cells = table.reset_index() if index else table
    fmt = [[f"{v:.2f}" if isinstance(v, float) else v for v in r] for r in cells.itertuples(index=False)]
    lines = [row(*cells.columns), row(*["---"] * cells.shape[1])]
    return "\n".join(lines + [row(*r) for r in fmt])


def run(name: str, task: str, seed: int, quantile: float):
    sc = load_scenario(name, rng=seed).with_task(task)
    schema = sc.with_known_roles(infer_schema(sc.reference, sc.current))
    muted = tuple(sc.current.attrs.get("calendar_features", ()))
    t0 = time.perf_counter()
    res = monitor(sc.reference, sc.current, schema=schema, batch_col=sc.batch, rng=seed, mute=muted,
                  quantile=quantile, task=sc.task)
    return sc, res, scorecard(res, sc.manifest), time.perf_counter() - t0, muted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quantile", type=float, default=0.95)
    parser.add_argument("--seeds", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {machine()}; seed {args.seed}, quantile {args.quantile}\n")
    cards: dict[str, list] = {}
    for name, task in VIEWS:
        sc, res, card, seconds, muted = run(name, task, args.seed, args.quantile)
        cards[f"{name} ({task})"] = [card]
        kinds = sc.manifest.set_index("batch")["kind"]
        monitored = [b for b in res.labels if b in kinds.index]
        n_drift = int((kinds[monitored] != "no_drift").sum())
        print(f"## {name} ({task}): {len(sc.reference):,} reference rows, {len(monitored)} batches "
              f"({n_drift} drifted, {len(monitored) - n_drift} clean), muted {list(muted)}, "
              f"{seconds:.0f} s\n")
        summary = card.summary[["detector", "caught", "n_injections", "mean_delay", "false_alarms",
                                "n_clean", "false_alarm_rate"]]
        alerts = res.detector_alerts()
        drifted = [b for b in monitored if kinds[b] != "no_drift"]
        summary = summary.assign(
            drifted_batches_alerted=[f"{int(alerts.loc[drifted, d].sum())}/{len(drifted)}"
                                     if d in alerts.columns else "" for d in summary["detector"]])
        print(markdown(summary, index=False))
        print("\nMetrics per batch (value, then the threshold):\n")
        model = [m for m in res.wide().columns if m not in ("n_rows", "share_drifted", "psi_tail", "max_psi",
                                                             "quality_issues")]
        thresholds = res.wide("threshold")[model].round(3).astype(str)
        table = res.wide()[model].round(3).astype(str) + " / " + thresholds
        table.insert(0, "kind", [kinds.get(b, "") for b in table.index])
        print(markdown(table))
        print("\nGrid (X caught, . missed, ! false alarm, blank quiet):\n")
        grid = card.grid.replace(GRID)
        grid.loc["truth"] = [kinds.get(b, "")[:8] for b in grid.columns]
        print(markdown(grid))
        print("\nNotes:\n" + "\n".join(f"- {n}" for n in res.notes) + "\n")
    if args.seeds > 1:
        for (name, task), key in zip(VIEWS, cards, strict=True):
            for seed in range(args.seed + 1, args.seed + args.seeds):
                cards[key].append(run(name, task, seed, args.quantile)[2])
        rates = false_alarm_rates(cards, level=1 - args.quantile)
        print(f"## False alarms on clean batches, seeds {args.seed}-{args.seed + args.seeds - 1} pooled\n")
        print(markdown(rates.drop(columns=["label"]), index=False))


if __name__ == "__main__":
    main()
