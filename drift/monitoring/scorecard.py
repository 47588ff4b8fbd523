"""Detector scorecard: on data with known ground truth, which detector caught which injected drift.

Rules (every count is per detector; a detector *alerts on a batch* when any of its metrics alerts in
:func:`drift.monitor`'s result, see :meth:`MonitorResult.detector_alerts`):

* an **injection** is a run of consecutive manifest batches with the same ``kind`` (other than
  ``no_drift``) and the same description; a one-batch injection is the common case;
* the detector **caught** an injection when it alerted on at least one of its batches; its **delay** is
  the number of batches from the injection's first batch to the first alert within it (0 = caught at
  once; so a one-batch injection has delay 0 or is missed).  An alert after the injection has ended
  falls on another batch and is scored there;
* a **false alarm** is an alert on a ``no_drift`` batch; ``false_alarm_rate`` divides by the number of
  ``no_drift`` batches monitored;
* ``first_detectors`` of an injection: the detectors that caught it with the smallest delay.

Manifest batches that were not monitored are ignored; detectors that produced no value (e.g. MMD
without embeddings) are listed in :attr:`Scorecard.not_run` and left out of the tables.

False alarms over many runs
---------------------------
One run has a handful of clean batches, too few to judge a false-alarm rate.  :func:`false_alarm_rates`
pools the scorecards of many runs (scenarios x seeds) and sets each detector's pooled rate against the
bound the calibration promises: each detector alerts a clean batch with probability about ``level``
(``1 - quantile`` of :func:`drift.monitor`), and the bound is ``FALSE_ALARM_BOUND * level``.  The
row ``"any"`` counts clean batches on which at least one detector alerted.  ``pvalue`` is the one-sided
binomial probability of seeing at least that many false alarms if the true rate were ``level``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from drift.core.errors import DriftInputError, DriftParameterError
from drift.core.jsonsafe import jsonable
from drift.monitoring.monitor import DETECTORS, MonitorResult

CAUGHT, MISSED, FALSE_ALARM, QUIET = "caught", "missed", "false alarm", "quiet"
NO_DRIFT = "no_drift"
#: A detector's pooled false-alarm rate on clean batches should stay at or below this multiple of the
#: level (``1 - quantile``).
FALSE_ALARM_BOUND = 2.0
#: Columns of :func:`false_alarm_rates`.
FALSE_ALARM_COLUMNS = ("scenario", "detector", "label", "runs", "false_alarms", "n_clean", "rate", "bound",
                       "within", "pvalue")
#: The row of :func:`false_alarm_rates` that counts clean batches with an alert of any detector.
ANY_DETECTOR = "any"


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Result of :func:`scorecard`.

    Attributes
    ----------
    table : DataFrame
        Detector (index) × injected batch (columns, in order): ``"caught"`` / ``"missed"``.
    summary : DataFrame
        One row per detector: ``detector, label, caught, missed, n_injections, mean_delay,
        false_alarms, n_clean, false_alarm_rate``.
    injections : DataFrame
        One row per injection: ``first_batch, last_batch, n_batches, kind, description,
        caught_by, first_detectors`` (the two last as comma-separated detector names).
    grid : DataFrame
        Detector × every monitored manifest batch: ``caught`` / ``missed`` on injected batches,
        ``false alarm`` / ``quiet`` on clean ones (for a chart).
    delays : DataFrame
        Detector × injection (first batch): delay in batches, ``nan`` when missed.
    not_run : tuple of str
        Detectors of :data:`drift.monitoring.monitor.DETECTORS` without any value in the monitoring result
        (not requested, or skipped for lack of input).
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    injections: pd.DataFrame
    grid: pd.DataFrame
    delays: pd.DataFrame
    not_run: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """JSON-safe dictionary (``nan`` becomes ``None``)."""
        return jsonable({
            "summary": self.summary, "injections": self.injections,
            "table": {d: self.table.loc[d].to_dict() for d in self.table.index},
            "grid": {d: self.grid.loc[d].to_dict() for d in self.grid.index},
            "delays": {d: {b: (None if np.isnan(v) else int(v)) for b, v in self.delays.loc[d].items()}
                       for d in self.delays.index},
            "not_run": self.not_run})


def _injections(manifest: pd.DataFrame, labels: list[str]) -> list[tuple[list[str], str, str]]:
    """Runs of consecutive monitored batches with the same drift kind and description."""
    rows = manifest.set_index(manifest["batch"].astype(str))
    out: list[tuple[list[str], str, str]] = []
    for label in labels:
        if label not in rows.index:
            continue
        kind, desc = str(rows.loc[label, "kind"]), str(rows.loc[label, "description"])
        if kind == NO_DRIFT:
            out.append(([label], kind, desc))
        elif out and out[-1][1] == kind and out[-1][2] == desc and labels.index(out[-1][0][-1]) + 1 == \
                labels.index(label):
            out[-1][0].append(label)
        else:
            out.append(([label], kind, desc))
    return out


def scorecard(monitor_result: MonitorResult, manifest: pd.DataFrame) -> Scorecard:
    """Score each detector of a monitoring result against the ground truth (module docstring).

    Parameters
    ----------
    monitor_result : MonitorResult
        From :func:`drift.monitor` on batches whose truth is known.
    manifest : DataFrame
        Columns ``batch, kind`` (and ``description``), ``kind`` ``"no_drift"`` for clean batches, as
        :attr:`drift.data.scenarios.Scenario.manifest`.

    Returns
    -------
    Scorecard

    Raises
    ------
    DriftInputError
        The manifest lacks ``batch`` or ``kind``, or names none of the monitored batches.

    Examples
    --------
    >>> from drift.data.scenarios import load_scenario
    >>> from drift.monitoring.monitor import monitor
    >>> sc = load_scenario("credit", n_train=2000, batch_size=500)
    >>> res = monitor(sc.reference, sc.current, batch_col="batch", n_calibration=20, detectors=("quality",))
    >>> card = scorecard(res, sc.manifest)
    >>> card.table.loc["quality", "2025-05"]
    'caught'
    """
    for col in ("batch", "kind"):
        if col not in manifest.columns:
            raise DriftInputError(f"the manifest has no {col!r} column", file="manifest", column=col,
                                  fix="give one row per batch with columns batch, kind, description")
    if "description" not in manifest.columns:
        manifest = manifest.assign(description="")
    labels = monitor_result.labels
    episodes = _injections(manifest, labels)
    if not episodes:
        raise DriftInputError("the manifest names none of the monitored batches", file="manifest",
                              column="batch",
                              fix=f"use the monitored batch labels, e.g. {labels[:3]}")
    fired = monitor_result.detector_alerts()
    ran = list(fired.columns)
    not_run = tuple(d for d in DETECTORS if d not in ran)
    injected = [e for e in episodes if e[1] != NO_DRIFT]
    clean = [e[0][0] for e in episodes if e[1] == NO_DRIFT]

    table = pd.DataFrame(index=pd.Index(ran, name="detector"), columns=[e[0][0] for e in injected],
                         dtype=object)
    delays = pd.DataFrame(index=pd.Index(ran, name="detector"), columns=[e[0][0] for e in injected],
                          dtype=float)
    grid_cols = [b for e in episodes for b in e[0]]
    grid = pd.DataFrame(index=pd.Index(ran, name="detector"), columns=grid_cols, dtype=object)
    inj_rows, summary_rows = [], []
    for batches, kind, desc in injected:
        delay_of = {}
        for d in ran:
            hits = [i for i, b in enumerate(batches) if fired.loc[b, d]]
            delay_of[d] = hits[0] if hits else np.nan
            table.loc[d, batches[0]] = CAUGHT if hits else MISSED
            delays.loc[d, batches[0]] = delay_of[d]
            for b in batches:
                grid.loc[d, b] = CAUGHT if fired.loc[b, d] else MISSED
        caught_by = [d for d in ran if not np.isnan(delay_of[d])]
        best = min((delay_of[d] for d in caught_by), default=np.nan)
        inj_rows.append((batches[0], batches[-1], len(batches), kind, desc, ",".join(caught_by),
                         ",".join(d for d in caught_by if delay_of[d] == best)))
    for b in clean:
        for d in ran:
            grid.loc[d, b] = FALSE_ALARM if fired.loc[b, d] else QUIET
    for d in ran:
        caught = int((table.loc[d] == CAUGHT).sum()) if len(injected) else 0
        alarms = int(sum(bool(fired.loc[b, d]) for b in clean))
        d_delays = delays.loc[d].dropna()
        summary_rows.append((d, DETECTORS[d], caught, len(injected) - caught, len(injected),
                             float(d_delays.mean()) if len(d_delays) else np.nan, alarms, len(clean),
                             alarms / len(clean) if clean else np.nan))
    summary = pd.DataFrame(summary_rows, columns=["detector", "label", "caught", "missed", "n_injections",
                                                  "mean_delay", "false_alarms", "n_clean",
                                                  "false_alarm_rate"])
    injections = pd.DataFrame(inj_rows, columns=["first_batch", "last_batch", "n_batches", "kind",
                                                 "description",
                                                 "caught_by", "first_detectors"])
    return Scorecard(table, summary, injections, grid, delays, not_run)


def false_alarm_rates(cards: Mapping[str, Sequence[Scorecard]], *, level: float) -> pd.DataFrame:
    """Each detector's false alarms on clean batches, pooled over runs, per scenario (module docstring).

    Parameters
    ----------
    cards : mapping scenario name -> sequence of Scorecard
        The scorecards of several runs (e.g. seeds) of each scenario.
    level : float
        The per-detector false-alarm level the thresholds were calibrated for (``1 - quantile``).

    Returns
    -------
    DataFrame
        :data:`FALSE_ALARM_COLUMNS`: per scenario, one row per detector that ran in every run, then the
        ``"any"`` row; ``rate = false_alarms / n_clean``, ``bound = FALSE_ALARM_BOUND * level``,
        ``within = rate <= bound``, ``pvalue = P(Binomial(n_clean, level) >= false_alarms)``.

    Examples
    --------
    Two seeds of a small credit scenario, the data-quality detector alone:

    >>> from drift.monitoring.monitor import monitor
    >>> from drift.data.scenarios import load_scenario
    >>> runs = []
    >>> for seed in (0, 1):
    ...     sc = load_scenario("credit", n_train=2000, batch_size=500, rng=seed)
    ...     res = monitor(sc.reference, sc.current, batch_col="batch", n_calibration=20, detectors="quality")
    ...     runs.append(scorecard(res, sc.manifest))
    >>> rates = false_alarm_rates({"credit": runs}, level=0.05)
    >>> rates[["detector", "false_alarms", "n_clean", "bound"]].values.tolist()
    [['quality', 0, 10, 0.1], ['any', 0, 10, 0.1]]
    """
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise DriftParameterError.invalid("level", "false_alarm_rates", "in (0, 1)", level)
    rows = []
    for scenario, runs in cards.items():
        runs = list(runs)
        if not runs:
            continue
        ran = [d for d in DETECTORS if all(d in card.grid.index for card in runs)]
        counts = {d: [0, 0] for d in [*ran, ANY_DETECTOR]}
        for card in runs:
            clean = card.grid.loc[:, (card.grid == QUIET).any() | (card.grid == FALSE_ALARM).any()]
            for d in ran:
                counts[d][0] += int((clean.loc[d] == FALSE_ALARM).sum())
                counts[d][1] += clean.shape[1]
            counts[ANY_DETECTOR][0] += int((clean == FALSE_ALARM).any().sum())
            counts[ANY_DETECTOR][1] += clean.shape[1]
        for d, (alarms, n) in counts.items():
            rate = alarms / n if n else np.nan
            pvalue = float(stats.binom.sf(alarms - 1, n, level)) if n else np.nan
            rows.append((scenario, d, DETECTORS.get(d, "any detector (batch-level)"), len(runs), alarms, n,
                         rate, FALSE_ALARM_BOUND * level, bool(rate <= FALSE_ALARM_BOUND * level), pvalue))
    return pd.DataFrame(rows, columns=list(FALSE_ALARM_COLUMNS))
