"""Scorecard of drift.monitor on the regression and multiclass scenarios (issue 12, stage 3d).

Run: ``.venv/bin/python bench/monitor_tasks.py [--seed 0] [--quantile 0.95]``.

Monitors, at full size and as the Timeline does (the scenario's roles, calendar features muted, default
detectors), the pricing scenario's demand model (``load_scenario("pricing").with_task("regression")``:
units sold, weekly batches) and the sentiment scenario's three-class model
(``load_scenario("sentiment").with_task("multiclass")``), and prints per detector the batches it
alerted on against each manifest: injections caught / missed and false alarms on clean (``no_drift``)
batches (:func:`drift.monitoring.scorecard.scorecard`), then the batch x detector grid.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine  # noqa: E402
from drift import infer_schema  # noqa: E402
from drift.data.scenarios import load_scenario  # noqa: E402
from drift.monitoring.monitor import monitor  # noqa: E402
from drift.monitoring.scorecard import scorecard  # noqa: E402

VIEWS = (("pricing", "regression"), ("sentiment", "multiclass"))
GRID = {"caught": "X", "missed": ".", "false alarm": "!", "quiet": " "}


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
    args = parser.parse_args()
    print(f"machine: {machine()}; seed {args.seed}, quantile {args.quantile}\n")
    for name, task in VIEWS:
        sc, res, card, seconds, muted = run(name, task, args.seed, args.quantile)
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
        print(summary.to_markdown(index=False, floatfmt=".2f"))
        print("\nMetrics per batch (value, then the threshold):\n")
        model = [m for m in res.wide().columns if m not in ("n_rows", "share_drifted", "psi_tail", "max_psi",
                                                             "quality_issues")]
        thresholds = res.wide("threshold")[model].round(3).astype(str)
        table = res.wide()[model].round(3).astype(str) + " / " + thresholds
        table.insert(0, "kind", [kinds.get(b, "") for b in table.index])
        print(table.to_markdown())
        print("\nGrid (X caught, . missed, ! false alarm, blank quiet):\n")
        grid = card.grid.replace(GRID)
        grid.loc["truth"] = [kinds.get(b, "")[:8] for b in grid.columns]
        print(pd.DataFrame(grid).to_markdown())
        print("\nNotes:\n" + "\n".join(f"- {n}" for n in res.notes) + "\n")


if __name__ == "__main__":
    main()
