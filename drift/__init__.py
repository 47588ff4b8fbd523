"""Drift Explorer's library: data drift statistics for machine-learning models.

Pure Python (never imports streamlit); the app, the CLI and notebooks all use these names::

    import drift
    table = drift.feature_drift(reference_df, current_df)

Names are imported lazily, so ``import drift`` stays fast and the heavy parts (scikit-learn, UMAP)
load only when used.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS = {
    # errors
    "DriftError": "errors", "DriftInputError": "errors", "DriftParameterError": "errors",
    "InputTooLargeError": "errors",
    # data in
    "load_table": "io", "LoadLimits": "limits", "infer_schema": "schema", "Schema": "schema",
    "validate_pair": "validation", "role_candidates": "schema",
    # per-feature statistics
    "ks_test": "univariate", "chi2_test": "univariate", "wasserstein_score": "univariate",
    "psi_score": "psi", "jensen_shannon_score": "psi", "PSI_BANDS": "psi", "PSI_EPSILON": "psi",
    "adjust_pvalues": "correction",
    "feature_drift": "features", "feature_detail": "features", "summarize": "features",
    "profile_reference": "features", "ReferenceProfile": "features", "severity": "features",
    # multivariate
    "domain_classifier_test": "domain", "mmd_test": "mmd",
    "model_embeddings": "embeddings", "text_embeddings": "embeddings", "embeddings_from_frame": "embeddings",
    "embedding_columns": "embeddings", "embed": "embeddings", "load_embeddings_npy": "embeddings",
    "feature_embeddings": "embeddings", "held_out_model_embeddings": "embeddings",
    "project": "projection", "warm_up_umap": "projection",
    # model output and diagnosis
    "prediction_drift": "prediction", "realised_performance": "performance",
    "performance_change": "performance",
    "concept_drift_test": "performance", "estimated_performance": "performance",
    "infer_task": "task", "TaskInfo": "task",
    "forecast_drift": "prediction_tasks", "class_prediction_drift": "prediction_tasks",
    "task_prediction_drift": "prediction_tasks", "ForecastDrift": "prediction_tasks",
    "ClassPredictionDrift": "prediction_tasks",
    "regression_performance": "regression_performance",
    "regression_performance_change": "regression_performance",
    "multiclass_performance": "multiclass_performance",
    "multiclass_performance_change": "multiclass_performance",
    "quality_issues": "quality", "diagnose": "diagnosis",
    # reporting
    "business_impact": "impact", "impact_inputs": "impact", "ImpactInputs": "impact",
    "stakeholder_summary": "report",
    "build_report": "report", "build_batch_report": "report",
    # text
    "text_drift": "text", "text_descriptors": "text", "TextDriftResult": "text", "tokenize": "text",
    "vocabulary": "text",
    # over time
    "monitor": "monitor", "split_batches": "batching", "HistoryStore": "store", "scorecard": "scorecard",
    "run_autopilot": "autopilot", "compare_policies": "autopilot", "Policy": "autopilot",
    "CostModel": "autopilot", "default_policies": "autopilot",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'drift' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))

