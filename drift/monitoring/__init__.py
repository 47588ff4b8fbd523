"""Drift over time: batch-by-batch monitoring with calibrated thresholds, the history store, the
scorecard and the autopilot that retrains."""
