"""2-D projection of reference and current rows from one joint fit, with a k-NN overlap score.

Both sets are projected by a single UMAP (or PCA) fit, so they share one map; the overlap score is
computed in the original (standardised) space, so the number does not depend on the picture.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from drift.core.errors import DriftParameterError, check_int
from drift.core.inputs import numeric_matrices, scale_exponents
from drift.core.jsonsafe import json_float

__all__ = ["Projection", "project", "warm_up_umap", "METHODS", "UMAP_EPOCHS"]

METHODS = ("umap", "pca")
#: UMAP optimisation epochs (UMAP's own default for more than 10,000 rows; it uses 500 below).
UMAP_EPOCHS = 200
SIDES = ("reference", "current")


@dataclass(frozen=True, slots=True, eq=False)
class Projection:
    """Result of :func:`project`.

    Attributes
    ----------
    coords : pandas.DataFrame
        One row per projected point: ``x, y`` (2-D coordinates), ``side`` (``"reference"`` /
        ``"current"``), ``index`` (original index label), ``position`` (row number in the input),
        ``mixing`` (the point's share of other-side neighbours divided by its expectation under no
        drift; 1 = as mixed as chance).
    method : str
        ``"umap"`` or ``"pca"``.
    overlap : float
        k-NN mixing score (see :func:`project`): about 1 when the sets are mixed, 0 when separated.
    n_reference, n_current : int
        Points projected from each side.
    subsampled : bool
        Whether the inputs were subsampled to ``max_samples``.
    n_neighbors : int
        Neighbours used by the overlap score (and UMAP).
    seconds : float
        Wall-clock time of the call.
    note : str
        Imputation, subsampling or degeneracy notes; empty when there is nothing to say.
    """

    coords: pd.DataFrame
    method: str
    overlap: float
    n_reference: int
    n_current: int
    subsampled: bool
    n_neighbors: int
    seconds: float
    note: str = ""

    def to_dict(self) -> dict:
        """JSON-safe summary (``nan`` becomes ``None``); coordinates are left out."""
        return {
            "method": self.method,
            "overlap": json_float(self.overlap),
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "subsampled": self.subsampled,
            "n_neighbors": self.n_neighbors,
            "seconds": json_float(self.seconds),
            "note": self.note,
        }


def project(
    reference,
    current,
    *,
    method: str = "umap",
    max_samples: int = 5000,
    n_neighbors: int = 15,
    rng: int | np.random.Generator | None = 0,
) -> Projection:
    """Project both sets to 2-D with one joint fit and score how well they overlap.

    Parameters
    ----------
    reference, current : array-like of shape (n, d) / (m, d), or DataFrame of numeric columns
        E.g. embeddings from :mod:`drift.multivariate.embeddings`.
    method : {"umap", "pca"}, default "umap"
        UMAP (Euclidean, ``min_dist=0.1``, spectral initialisation, :data:`UMAP_EPOCHS` epochs) or
        PCA (first two components; fast).
    max_samples : int, default 5000
        At most this many points in total; above it, each side is subsampled in proportion to its
        size (seeded, without replacement), so the pool keeps the sides' shares.
    n_neighbors : int, default 15
        ``k`` of the overlap score and UMAP's neighbourhood size.
    rng : int or numpy.random.Generator, default 0
        Seed or generator: subsampling, UMAP, PCA's randomised solver.

    Returns
    -------
    Projection

    Notes
    -----
    **Preprocessing**: the pooled sample is standardised (pooled mean and standard deviation; constant
    columns are only centred), after scaling each column by a power of two (exact, so values near 1e308
    cannot overflow the moments).  Missing values are replaced by the pooled column mean (said in
    ``note``).

    **Overlap score**: with the exact ``k`` nearest neighbours of every pooled point (Euclidean,
    standardised space, the point itself excluded), ``s_i`` = share of point i's neighbours from
    the other side.  Under no drift the labels are exchangeable, so ``E[s_i] = n_other / (N - 1)``
    (the point cannot be its own neighbour).  The score is ``mean(s_i) / mean(E[s_i])``: 1 = as mixed
    as two samples of one distribution (it can exceed 1 slightly by chance), 0 = no point has a
    neighbour from the other side.  Reading: below about 0.8 the sets occupy visibly different regions.

    **UMAP** is given these exact neighbours (``precomputed_knn``, each point first), so it does
    not run its approximate search, and the ``random_state`` makes it deterministic (single
    threaded).  The first UMAP fit in a process compiles numba code (10–35 s); call
    :func:`warm_up_umap` early, e.g. in a background thread.
    """
    func = "project"
    start = time.perf_counter()
    if method not in METHODS:
        raise DriftParameterError.invalid("method", func, f"one of {METHODS}", method)
    check_int(max_samples, "max_samples", func, 4)
    check_int(n_neighbors, "n_neighbors", func, 2)
    gen = np.random.default_rng(rng)
    seed = int(gen.integers(0, 2**31 - 1))
    x, y, idx_ref, idx_cur = numeric_matrices(reference, current, purpose="projection",
                                              column_fix="drop the column, or project embeddings instead")

    notes: list[str] = []
    pos_ref, pos_cur = _proportional_sample(len(x), len(y), max_samples, gen, notes)
    subsampled = len(x) + len(y) > max_samples
    kr, kc = len(pos_ref), len(pos_cur)
    if kr < 2 or kc < 2:
        return _empty(method, kr, kc, subsampled, n_neighbors, start,
                      f"each side needs at least 2 rows (got {kr} reference, {kc} current)")
    z = _standardised(np.vstack([x[pos_ref], y[pos_cur]]), notes)

    size = kr + kc
    side = np.r_[np.zeros(kr, np.int8), np.ones(kc, np.int8)]
    k = int(min(n_neighbors, size - 1))
    dist, ind = _knn(z, k)
    other = side[ind] != side[:, None]
    share = other.mean(axis=1)
    expected = np.where(side == 0, kc, kr) / (size - 1.0)
    overlap = float(share.mean() / expected.mean())

    if method == "umap":
        xy = _umap(z, dist, ind, seed)
    else:
        xy = _pca(z, seed)
    coords = pd.DataFrame({
        "x": xy[:, 0], "y": xy[:, 1],
        "side": pd.Categorical(np.asarray(SIDES)[side], categories=SIDES),
        "index": np.concatenate([np.asarray(idx_ref, dtype=object)[pos_ref],
                                 np.asarray(idx_cur, dtype=object)[pos_cur]]),
        "position": np.concatenate([pos_ref, pos_cur]),
        "mixing": share / expected,
    })
    return Projection(coords=coords, method=method, overlap=overlap, n_reference=kr, n_current=kc,
                      subsampled=subsampled, n_neighbors=k, seconds=time.perf_counter() - start,
                      note="; ".join(notes))


def _proportional_sample(nr: int, nc: int, max_samples: int, gen: np.random.Generator,
                         notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Positions kept on each side: all of them, or above ``max_samples`` points in total a seeded
    sample of each side in proportion to its size (said in ``notes``)."""
    if nr + nc <= max_samples:
        return np.arange(nr), np.arange(nc)
    kr = min(nr, max(1 if nr else 0, round(max_samples * nr / (nr + nc))))
    kc = min(nc, max_samples - kr)
    pos_ref = np.sort(gen.choice(nr, kr, replace=False))
    pos_cur = np.sort(gen.choice(nc, kc, replace=False))
    notes.append(f"proportional sample of {kr + kc:,} of {nr + nc:,} points")
    return pos_ref, pos_cur


def _standardised(z: np.ndarray, notes: list[str]) -> np.ndarray:
    """The pooled sample standardised (:func:`project`, Notes, "Preprocessing"), as
    contiguous float32; missing values replaced by the column mean (said in ``notes``)."""
    z = np.ldexp(z, -scale_exponents(z, axis=0))   # exact; keeps huge values from overflowing the moments
    missing = np.isnan(z)
    if missing.any():
        col_mean = np.nanmean(np.where(missing.all(axis=0), 0.0, z), axis=0)
        z = np.where(missing, col_mean, z)
        notes.append(f"{int(missing.sum()):,} missing values replaced by the column mean")
    z = z - z.mean(axis=0)
    sd = z.std(axis=0)
    z = z / np.where(sd > 0, sd, 1.0)
    return np.ascontiguousarray(z, dtype=np.float32)


def warm_up_umap(*, n: int = 300, rng: int = 0) -> float:
    """Run one tiny UMAP projection so numba compiles its code now rather than on first use.

    Uses the same code path as :func:`project` (same array types), so later calls in this process
    start at once.  Safe to call from a background thread; returns the seconds it took (10–35 s the
    first time in a process on a 2-core machine, well under a second afterwards).
    """
    start = time.perf_counter()
    gen = np.random.default_rng(rng)
    project(gen.normal(size=(n, 8)), gen.normal(size=(n, 8)), method="umap", rng=rng)
    return time.perf_counter() - start


# --- internals ---------------------------------------------------------------------------------
def _knn(z: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours of every row among the others (brute force, BLAS)."""
    from sklearn.neighbors import NearestNeighbors  # deferred: scikit-learn

    dist, ind = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(z).kneighbors()
    return dist.astype(np.float32), ind.astype(np.int64)


def _umap(z: np.ndarray, dist: np.ndarray, ind: np.ndarray, seed: int) -> np.ndarray:
    import umap  # deferred: numba compiles it

    size, k = ind.shape
    n_umap = min(k + 1, size - 1)
    # UMAP expects each point as its own first neighbour, at distance 0.
    knn_ind = np.hstack([np.arange(size, dtype=np.int64)[:, None], ind[:, :n_umap - 1]])
    knn_dist = np.hstack([np.zeros((size, 1), np.float32), dist[:, :n_umap - 1]])
    model = umap.UMAP(n_neighbors=n_umap, n_components=2, metric="euclidean", min_dist=0.1,
                      n_epochs=UMAP_EPOCHS, init="spectral", random_state=seed, n_jobs=1,
                      precomputed_knn=(knn_ind, knn_dist, None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")    # "no knn_search_index: transform unavailable", spectral fallbacks
        return np.asarray(model.fit_transform(z), dtype=np.float64)


def _pca(z: np.ndarray, seed: int) -> np.ndarray:
    from sklearn.decomposition import PCA  # deferred: scikit-learn

    n_comp = min(2, z.shape[1], z.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # explained variance ratio of constant data
        xy = PCA(n_components=n_comp, random_state=seed).fit_transform(z.astype(np.float64))
    if n_comp < 2:
        xy = np.hstack([xy, np.zeros((len(xy), 2 - n_comp))])
    return xy


def _empty(method, kr, kc, subsampled, n_neighbors, start, note) -> Projection:
    coords = pd.DataFrame({"x": pd.Series([], dtype=float), "y": pd.Series([], dtype=float),
                           "side": pd.Categorical([], categories=SIDES), "index": pd.Series([], dtype=object),
                           "position": pd.Series([], dtype=np.int64), "mixing": pd.Series([], dtype=float)})
    return Projection(coords=coords, method=method, overlap=math.nan, n_reference=kr, n_current=kc,
                      subsampled=subsampled, n_neighbors=int(n_neighbors),
                      seconds=time.perf_counter() - start, note=note)
