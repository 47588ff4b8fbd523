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
    "DriftError": "core.errors", "DriftInputError": "core.errors", "DriftParameterError": "core.errors",
    "InputTooLargeError": "core.errors",
    # data in
    "load_table": "data.io", "LoadLimits": "core.limits", "infer_schema": "data.schema",
    "Schema": "data.schema",
    "validate_pair": "data.validation", "role_candidates": "data.schema",
    # per-feature statistics
    "ks_test": "stats.univariate", "chi2_test": "stats.univariate", "wasserstein_score": "stats.univariate",
    "psi_score": "stats.psi", "jensen_shannon_score": "stats.psi", "PSI_BANDS": "stats.psi",
    "PSI_EPSILON": "stats.psi",
    "adjust_pvalues": "stats.correction",
    "feature_drift": "diagnosis.features", "feature_detail": "diagnosis.features",
    "summarize": "diagnosis.features",
    "profile_reference": "diagnosis.features", "ReferenceProfile": "diagnosis.features",
    "severity": "diagnosis.features",
    # engines (out of core)
    "EngineSettings": "data.engines.settings", "EngineProfile": "data.engines.profile",
    "load_profile": "data.engines.profile",
    # multivariate
    "domain_classifier_test": "multivariate.domain", "mmd_test": "multivariate.mmd",
    "model_embeddings": "multivariate.embeddings", "text_embeddings": "multivariate.embeddings",
    "embeddings_from_frame": "multivariate.embeddings",
    "embedding_columns": "multivariate.embeddings", "embed": "multivariate.embeddings",
    "load_embeddings_npy": "multivariate.embeddings",
    "feature_embeddings": "multivariate.embeddings", "held_out_model_embeddings": "multivariate.embeddings",
    "project": "multivariate.projection", "warm_up_umap": "multivariate.projection",
    # model output and diagnosis
    "prediction_drift": "model.prediction", "realised_performance": "model.performance",
    "performance_change": "model.performance",
    "concept_drift_test": "model.performance", "estimated_performance": "model.performance",
    "infer_task": "data.task", "TaskInfo": "data.task",
    "forecast_drift": "model.prediction_tasks", "class_prediction_drift": "model.prediction_tasks",
    "task_prediction_drift": "model.prediction_tasks", "ForecastDrift": "model.prediction_tasks",
    "ClassPredictionDrift": "model.prediction_tasks",
    "regression_performance": "model.regression_performance",
    "regression_performance_change": "model.regression_performance",
    "multiclass_performance": "model.multiclass_performance",
    "multiclass_performance_change": "model.multiclass_performance",
    "estimated_multiclass_performance": "model.class_estimation",
    "fit_class_calibration": "model.class_estimation", "ClassCalibration": "model.class_estimation",
    "estimated_regression_performance": "model.loss_estimation", "fit_loss_model": "model.loss_estimation",
    "LossModel": "model.loss_estimation", "EstimatedTaskPerformance": "model.estimation",
    "regression_concept_drift_test": "model.concept_tasks",
    "multiclass_concept_drift_test": "model.concept_tasks",
    "RegressionConceptDrift": "model.concept_tasks", "MulticlassConceptDrift": "model.concept_tasks",
    "quality_issues": "data.quality", "diagnose": "diagnosis.diagnose",
    # reporting
    "business_impact": "model.impact", "impact_inputs": "model.impact", "ImpactInputs": "model.impact",
    "regression_impact": "model.regression_impact", "regression_inputs": "model.regression_impact",
    "multiclass_impact": "model.multiclass_impact", "multiclass_inputs": "model.cost_matrix",
    "task_business_impact": "model.task_impact", "task_inputs": "model.task_impact",
    "load_cost_matrix": "model.cost_matrix",
    "stakeholder_summary": "report.build",
    "build_report": "report.build", "build_batch_report": "report.build",
    # text
    "text_drift": "text.text_drift", "text_descriptors": "text.text_drift",
    "TextDriftResult": "text.text_drift", "tokenize": "text.text_drift",
    "vocabulary": "text.text_drift",
    # over time
    "monitor": "monitoring.monitor", "MonitorSettings": "monitoring.settings",
    "split_batches": "data.batching", "HistoryStore": "monitoring.store",
    "scorecard": "monitoring.scorecard",
    "run_autopilot": "monitoring.autopilot", "compare_policies": "monitoring.autopilot",
    "Policy": "monitoring.autopilot",
    "CostModel": "monitoring.autopilot", "default_policies": "monitoring.autopilot",
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

