"""Benchmark: the autopilot's policy comparison on the pricing scenario, per model task.

Run: ``.venv/bin/python bench/autopilot_tasks.py [--task regression|binary|both] [--seeds 1]
[--weeks 52] [--rows 2000] [--retrain-cost 100] [--cost-per-error-unit 2] [--error-metric mae]``.

For each seed the pricing scenario is generated with that seed (full size by default: 52 production weeks
of 2,000 sessions, a year of reference history) and seen through the chosen model: ``binary`` -- the
conversion classifier, billed by log-loss --, ``regression`` -- the demand model (``units_sold``, a
Poisson gradient-boosting forecast), billed by MAE: a week's error cost is ``cost_per_error_unit`` times
its total absolute error in units sold (``--error-metric`` bills another metric of the task: the decisions
stay the same, only the bill changes).  :func:`drift.monitoring.autopilot.compare_policies` replays the
four default policies (never, every 4 weeks, drift-triggered, performance-triggered) with seed 0.

Printed per task and seed: the summary table (Markdown), the weekly error of each policy in the injected
regimes (mean over the regime's weeks, with the never-retrain model's excess log-loss -- for regression
the excess Poisson log-loss, nats per session), every retrain and rollback with its reason, and the
wall time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import machine, row  # noqa: E402
from drift.data.scenarios import load_scenario  # noqa: E402
from drift.monitoring.autopilot import CostModel, compare_policies, default_policies  # noqa: E402

TASKS = ("binary", "regression")
SUMMARY = ("policy", "total_cost", "error_cost", "action_cost", "retrains", "promotions", "rollbacks",
           "alerts", "mean_error", "weeks_degraded", "saving_vs_first", "break_even_retrain_cost")


def _cell(column: str, value) -> str:
    if column == "mean_error":
        return f"{value:.4f}"
    return f"{value:,.0f}" if isinstance(value, float) else str(value)


def report(task: str, seed: int, weeks: int, rows: int, costs: dict) -> None:
    start = time.perf_counter()
    sc = load_scenario("pricing", n_weeks=weeks, rows_per_week=rows, rng=seed).with_task(task)
    cost = CostModel.for_task(task, **costs)
    result = compare_policies(sc, default_policies(sc), cost=cost, rng=0)
    elapsed = time.perf_counter() - start
    print(f"\n## {task} model ({sc.target} / {sc.prediction}), seed {seed}: {weeks} weeks x {rows:,} "
          f"sessions, error billed as {cost.error_metric} x {cost.cost_per_error_unit:g} per session, "
          f"retrain {cost.retrain_cost:g}\n")
    print(row(*SUMMARY))
    print(row(*["---"] * len(SUMMARY)))
    for r in result.summary.itertuples(index=False):
        print(row(*(_cell(c, getattr(r, c)) for c in SUMMARY)))

    metric = cost.error_metric
    regimes = sc.manifest.set_index("batch")["description"].str.split(":").str[0]
    weekly = result.weekly.assign(regime=result.weekly["batch"].map(regimes).where(
        result.weekly["truth"] != "no_drift", "no drift"))
    table = weekly.pivot_table(index="regime", columns="policy", values="error", aggfunc="mean", sort=False)
    excess = weekly[weekly["policy"] == result.summary["policy"].iloc[0]].groupby(
        "regime", sort=False)["excess_log_loss"].mean()
    print(f"\nMean weekly {metric} per regime (and the never-retrain model's excess log-loss):\n")
    print(row("regime", *table.columns, "excess (never)"))
    print(row(*["---"] * (len(table.columns) + 2)))
    for regime, values in table.iterrows():
        print(row(regime, *(f"{v:.4f}" for v in values), f"{excess[regime]:.4f}"))

    acted = result.log[result.log["action"].isin(["retrain", "rollback"])]
    print(f"\nRetrains and rollbacks ({len(acted)}):")
    for r in acted.itertuples(index=False):
        print(f"- {r.policy} · {r.batch} ({r.truth}): {r.action}: {r.reason}")
    print(f"\nWall time {elapsed:.1f} s (generation and the four replays)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=(*TASKS, "both"), default="regression")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--retrain-cost", type=float, default=CostModel().retrain_cost)
    parser.add_argument("--cost-per-error-unit", type=float, default=CostModel().cost_per_error_unit)
    parser.add_argument("--error-metric", default=None,
                        help="the metric billed (default: the task's, DEFAULT_ERROR_METRIC)")
    args = parser.parse_args()
    costs = {"retrain_cost": args.retrain_cost, "cost_per_error_unit": args.cost_per_error_unit}
    if args.error_metric is not None:
        costs["error_metric"] = args.error_metric
    print(f"# Autopilot policy comparison per task\n\n{machine()}")
    for task in TASKS if args.task == "both" else (args.task,):
        for seed in range(args.seeds):
            report(task, seed, args.weeks, args.rows, costs)


if __name__ == "__main__":
    main()
