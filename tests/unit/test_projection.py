"""project: shapes, determinism, the k-NN overlap score, PCA and one small UMAP run."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import drift.multivariate.projection as projection_module
from drift import DriftInputError, DriftParameterError, project


def _naive_overlap(z: np.ndarray, side: np.ndarray, k: int) -> float:
    """Share of other-side neighbours over its no-drift expectation, by brute force."""
    d = ((z[:, None, :] - z[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    nbrs = np.argsort(d, axis=1, kind="stable")[:, :k]
    share = (side[nbrs] != side[:, None]).mean(axis=1)
    n_ref, n_cur = (side == 0).sum(), (side == 1).sum()
    expected = np.where(side == 0, n_cur, n_ref) / (len(side) - 1)
    return share.mean() / expected.mean()


def test_pca_shapes_columns_and_index_labels():
    gen = np.random.default_rng(0)
    ref = pd.DataFrame(gen.normal(size=(120, 6)), index=[f"r{i}" for i in range(120)])
    cur = pd.DataFrame(gen.normal(size=(80, 6)), index=[f"c{i}" for i in range(80)])
    res = project(ref, cur, method="pca")
    c = res.coords
    assert list(c.columns) == ["x", "y", "side", "index", "position", "mixing"]
    assert len(c) == 200 and res.n_reference == 120 and res.n_current == 80 and not res.subsampled
    assert c["side"].value_counts().to_dict() == {"reference": 120, "current": 80}
    assert c["index"].iloc[0] == "r0" and c["index"].iloc[-1] == "c79"
    assert np.isfinite(c[["x", "y"]].to_numpy()).all() and res.seconds > 0
    json.dumps(res.to_dict(), allow_nan=False)


def test_pca_is_one_joint_fit_on_standardised_data():
    gen = np.random.default_rng(1)
    x, y = gen.normal(size=(100, 3)), gen.normal(size=(60, 3))
    res = project(x, y, method="pca")
    z = np.vstack([x, y])
    z = (z - z.mean(0)) / z.std(0)
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    expected = z @ vt[:2].T
    got = res.coords[["x", "y"]].to_numpy()
    np.testing.assert_allclose(np.abs(got), np.abs(expected), rtol=1e-5, atol=1e-5)   # up to sign


def test_overlap_matches_brute_force_and_reads_one_under_no_drift():
    gen = np.random.default_rng(2)
    x, y = gen.normal(size=(150, 5)), gen.normal(size=(100, 5))
    res = project(x, y, method="pca", n_neighbors=7)
    z = np.vstack([x, y])
    z = (z - z.mean(0)) / z.std(0)
    side = np.r_[np.zeros(150, int), np.ones(100, int)]
    assert res.overlap == pytest.approx(_naive_overlap(z, side, 7), rel=1e-6)
    assert 0.85 < res.overlap < 1.15
    assert res.coords["mixing"].mean() == pytest.approx(1.0, abs=0.15)


def test_overlap_is_near_one_on_average_under_the_null_and_low_under_a_big_shift():
    gen = np.random.default_rng(3)
    nulls = [project(gen.normal(size=(200, 4)), gen.normal(size=(100, 4)), method="pca").overlap
             for _ in range(10)]
    assert abs(np.mean(nulls) - 1.0) < 0.05
    shifted = project(gen.normal(size=(200, 4)), gen.normal(4.0, 1.0, size=(100, 4)), method="pca")
    assert shifted.overlap < 0.05
    mild = project(gen.normal(size=(200, 4)), gen.normal(0.7, 1.0, size=(100, 4)), method="pca")
    assert shifted.overlap < mild.overlap < 0.9


def test_proportional_seeded_subsample():
    gen = np.random.default_rng(4)
    x, y = gen.normal(size=(3000, 3)), gen.normal(size=(1000, 3))
    a = project(x, y, method="pca", max_samples=400, rng=7)
    b = project(x, y, method="pca", max_samples=400, rng=np.random.default_rng(7))
    assert a.subsampled and (a.n_reference, a.n_current) == (300, 100) and "400 of 4,000" in a.note
    pd.testing.assert_frame_equal(a.coords, b.coords)
    c = project(x, y, method="pca", max_samples=400, rng=8)
    assert not np.array_equal(a.coords["position"], c.coords["position"])
    assert a.coords["position"].max() < 3000


@pytest.mark.slow   # numba compiles UMAP on first use in a process: 6-35 s on 2 cores, whatever the size
def test_small_umap_run_is_deterministic_and_separates_a_shift():
    gen = np.random.default_rng(5)
    x, y = gen.normal(size=(150, 8)), gen.normal(3.0, 1.0, size=(100, 8))
    a = project(x, y, method="umap", n_neighbors=10, rng=0)
    b = project(x, y, method="umap", n_neighbors=10, rng=0)
    assert a.method == "umap" and a.coords.shape == (250, 6)
    np.testing.assert_array_equal(a.coords[["x", "y"]].to_numpy(), b.coords[["x", "y"]].to_numpy())
    centres = a.coords.groupby("side", observed=True)[["x", "y"]].mean()
    spread = a.coords[["x", "y"]].std().mean()
    assert np.linalg.norm(centres.loc["reference"] - centres.loc["current"]) > spread
    assert a.overlap < 0.1


def test_missing_values_are_imputed_and_said():
    gen = np.random.default_rng(6)
    x = gen.normal(size=(50, 3))
    x[::5, 1] = np.nan
    res = project(x, gen.normal(size=(40, 3)), method="pca")
    assert "10 missing values replaced" in res.note and np.isfinite(res.coords[["x", "y"]]).all().all()


def test_degenerate_inputs_give_nan_with_a_note():
    res = project(np.zeros((1, 2)), np.ones((5, 2)), method="pca")
    assert math.isnan(res.overlap) and res.coords.empty and "at least 2" in res.note
    tiny = project(np.zeros((2, 2)), np.ones((2, 2)), method="pca")      # k capped at N - 1
    assert tiny.n_neighbors == 3 and tiny.overlap == pytest.approx(1.0)
    const = project(np.ones((10, 2)), np.ones((10, 2)), method="pca")
    assert np.isfinite(const.coords[["x", "y"]]).all().all()


@pytest.mark.parametrize("kwargs", [{"method": "tsne"}, {"max_samples": 2}, {"n_neighbors": 1},
                                    {"n_neighbors": 2.5}])
def test_bad_parameters_raise(kwargs):
    with pytest.raises(DriftParameterError, match="parameter of project"):
        project(np.zeros((5, 2)), np.ones((5, 2)), **kwargs)


def test_bad_inputs_raise():
    with pytest.raises(DriftInputError, match="columns"):
        project(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(DriftInputError, match="infinite"):
        project(np.array([[np.inf, 1.0]] * 3), np.zeros((3, 2)))
    with pytest.raises(DriftInputError, match="numeric columns"):
        project(pd.DataFrame({"a": ["x"] * 3}), pd.DataFrame({"a": ["y"] * 3}))
    with pytest.raises(DriftInputError, match="one side only"):
        project(pd.DataFrame({"a": [1.0] * 3}), pd.DataFrame({"b": [1.0] * 3}))


@pytest.mark.slow
def test_warm_up_runs_the_same_path():
    seconds = projection_module.warm_up_umap(n=30)
    assert seconds > 0


def test_huge_values_are_standardised_without_overflow():
    gen = np.random.default_rng(32)
    x, y = gen.normal(size=(40, 3)), gen.normal(1, 1, size=(30, 3))
    plain = project(x, y, method="pca")
    big = project(x * 2.0**1020, y * 2.0**1020, method="pca")            # before: NaN in NearestNeighbors
    assert big.overlap == plain.overlap
    np.testing.assert_array_equal(big.coords[["x", "y"]].to_numpy(), plain.coords[["x", "y"]].to_numpy())
