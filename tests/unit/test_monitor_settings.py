"""MonitorSettings: validated once, frozen, and the same run whether given whole or field by field."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from drift import DriftParameterError, MonitorSettings, monitor
from drift.monitoring.detectors import DEFAULT_DETECTORS
from drift.monitoring.settings import FIELDS


def frame(n: int, rng: np.random.Generator, shift: float = 0.0) -> pd.DataFrame:
    x = rng.normal(shift, 1, n)
    score = 1 / (1 + np.exp(-x))
    return pd.DataFrame({"x": x, "c": rng.choice(["a", "b"], n), "score": score,
                         "label": (rng.random(n) < score).astype(int)})


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(4)
    return frame(1500, rng), [("same", frame(300, rng)), ("moved", frame(300, rng, 0.6))]


def test_defaults_are_the_documented_ones():
    st = MonitorSettings()
    assert (st.alpha, st.quantile, st.n_calibration, st.detectors) == (0.05, 0.95, 40, DEFAULT_DETECTORS)
    assert (st.domain_max_samples, st.domain_n_folds, st.domain_calibration, st.mmd_max_samples) == \
        (2000, 3, 20, 1000)
    assert st.diagnose_steps == ("inputs", "prediction", "concept") and st.min_rows == 50


def test_names_are_normalised_and_the_settings_frozen_and_hashable():
    st = MonitorSettings(detectors="features", mute=["b", "a", "b"], diagnose_steps=["inputs"],
                         n_calibration=np.int64(12))
    assert st.detectors == ("features",) and st.mute == ("b", "a") and st.diagnose_steps == ("inputs",)
    assert type(st.n_calibration) is int and st.n_calibration == 12
    assert MonitorSettings(mute="season").mute == ("season",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.alpha = 0.1
    assert hash(st) == hash(MonitorSettings(detectors=("features",), mute=("b", "a"),
                                            diagnose_steps=("inputs",), n_calibration=12))


@pytest.mark.parametrize("options, match", [
    ({"alpha": 0}, "'alpha' parameter of monitor must be in \\(0, 1\\)"),
    ({"quantile": 1.5}, "'quantile' parameter of monitor"),
    ({"quantile": True}, "'quantile' parameter of monitor"),
    ({"n_calibration": 1}, "'n_calibration' parameter of monitor must be an int >= 2"),
    ({"n_calibration": 10.0}, "'n_calibration'"),
    ({"domain_max_samples": 10}, "'domain_max_samples' parameter of monitor must be an int >= 50"),
    ({"detectors": ("features", "psi")}, "'detectors' parameter of monitor must be a subset of"),
    ({"correction": "holm"}, "'correction' parameter of monitor must be one of"),
    ({"bins": 1}, "'bins' parameter of monitor must be an int >= 2"),
    ({"threshold": 1.5}, "'threshold' parameter of monitor must be a number in \\[0, 1\\]"),
    ({"diagnose_steps": ("inputs", "vibes")}, "'diagnose_steps' parameter of monitor must be a subset of"),
])
def test_bad_options_are_rejected_when_built_and_by_monitor(options, match, data):
    with pytest.raises(DriftParameterError, match=match):
        MonitorSettings(**options)
    reference, batches = data
    with pytest.raises(DriftParameterError, match=match):          # before any work
        monitor(reference, batches, **options)
    with pytest.raises(DriftParameterError, match=match):          # an override is validated too
        monitor(reference, batches, settings=MonitorSettings(), **options)


def test_an_unknown_option_is_a_type_error_listing_the_valid_ones(data):
    reference, batches = data
    with pytest.raises(TypeError, match="unexpected keyword argument 'n_draws'; its options are alpha, "
                                        "quantile, n_calibration"):
        monitor(reference, batches, n_draws=10)
    with pytest.raises(DriftParameterError, match="'settings' parameter of monitor must be a MonitorSett"):
        monitor(reference, batches, settings={"alpha": 0.1})
    assert set(FIELDS) == {f.name for f in dataclasses.fields(MonitorSettings)}


def test_settings_whole_or_by_field_give_the_same_run_and_options_override(data):
    reference, batches = data
    roles = dict(target="label", prediction="score", rng=3)
    detectors = ("features", "prediction")
    by_field = monitor(reference, batches, n_calibration=8, quantile=0.9, detectors=detectors, **roles)
    whole = monitor(reference, batches,
                    settings=MonitorSettings(n_calibration=8, quantile=0.9, detectors=detectors), **roles)
    base = MonitorSettings(n_calibration=8, quantile=0.5, detectors=detectors)
    overridden = monitor(reference, batches, settings=base, quantile=0.9, **roles)
    for res in (whole, overridden):
        pd.testing.assert_frame_equal(res.metrics, by_field.metrics)
        pd.testing.assert_frame_equal(res.calibration, by_field.calibration)
        assert res.params == by_field.params
    assert by_field.params["quantile"] == 0.9 and by_field.params["n_calibration"] == 8
    assert base.quantile == 0.5                                  # the override did not touch the original
    looser = monitor(reference, batches, settings=base, **roles)
    assert not looser.metrics["threshold"].equals(by_field.metrics["threshold"])
