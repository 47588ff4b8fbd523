"""Business impact of a multiclass classifier: what its decisions cost under a cost matrix, reference vs
current, split into a changed class mix and model error.

The cost model: a cost matrix indexed (true class, predicted class)
-------------------------------------------------------------------
``M[j, k]`` is what one case of true class ``j`` decided as class ``k`` costs (the inputs and their
checks: :mod:`drift.model.cost_matrix`).  By default every error
costs 1 (of the currency) and a right decision 0 (``M = 1 − I``: the expected cost per decision is the
error rate); a user gives their own matrix, e.g. a negative post read as positive (a crisis missed) costing
more than a neutral one read as negative.  The matrix must be square over the classes, finite and
non-negative; a non-zero diagonal (a right decision that still costs, e.g. handling) is allowed and said.

With the class mix ``π_j`` (share of cases of true class ``j``) and the expected cost of a case of class
``j``, ``r_j = Σ_k P(predicted k | true j) · M[j, k]``, the expected cost per decision is::

    C = Σ_j π_j · r_j

Its change splits **exactly** (midpoint decomposition, as the binary cost of :mod:`drift.model.impact`;
a bar is the mean of reference and current, ``Δ`` current minus reference) into

* **changed class mix** ``Σ_j Δπ_j · r̄_j``: more cases of a class that is costly to get wrong (or fewer),
  handled as the model usually handles that class — a change in the business, not a model failure;
* **model error** ``Σ_j π̄_j · Δr_j``: at equal class mix, the model's decisions on each class cost more
  (or less);

with ``class mix + model error = ΔC``.  A class absent from one side's true labels has no ``r_j`` there:
it is taken as on the other side (no measured change for that class; the change of its share is priced in
the class mix, which keeps the split exact) and a note says so.

Money over the period is ``decisions_per_month × months × ΔC``.  Intervals: percentile bootstrap, both sides
resampled independently (rows drawn with replacement as multinomial counts over the cells of the confusion
matrix, reference first, ``n_boot`` times, seeded).

Without labels
--------------
When the current rows carry no label (or ``use_labels=False``), the parts are **estimated** as in the
estimated multiclass performance (:mod:`drift.model.class_estimation`): each class's probability is
calibrated one-vs-rest on the labelled reference, and each row counts in true class ``j`` with its
calibrated probability ``q_j`` (in the cell (``j``, its decision)), on both sides.  This needs the per-class
probability columns, is blind to concept drift (it assumes P(class | probabilities) did not change) and is
labelled "estimated without labels"; the bootstrap resamples the rows (multinomial counts over the rows).

Examples
--------
>>> import pandas as pd
>>> ref = pd.DataFrame({"y": list("aabbc"), "p": list("aabbb")})
>>> cur = pd.DataFrame({"y": list("aaabc"), "p": list("abbbb")})
>>> mi = multiclass_impact(ref, cur, target="y", prediction="p", decisions_per_month=1000, n_boot=50)
>>> mi.reference.cost_per_decision, mi.current.cost_per_decision
(0.2, 0.6)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from drift.core.errors import DriftInputError, DriftParameterError, TooFewRowsError
from drift.core.inputs import check_cells
from drift.core.jsonsafe import python_scalar
from drift.data.task import sorted_labels
from drift.model.cost_matrix import (
    MulticlassInputs,
    cost_matrix_error,
    multiclass_inputs,
    resolved_cost_matrix,
)
from drift.model.multiclass_performance import MIN_ROWS, probability_matrix
from drift.model.pricing import (
    MONTHS_PER_QUARTER,
    CostPart,
    PricedChange,
    format_money,
    format_points,
    format_share,
    percentile_interval,
    priced_part,
    require_columns,
    resampled_sums,
    resolve_inputs,
)
from drift.stats.bootstrap import CONFIDENCE, N_BOOT, check_bootstrap

#: Classes named in a sentence before "and N more".
CLASSES_SHOWN = 4
#: The parts of the change, in display order, with their plain names and what they mean.
MULTICLASS_PART_LABELS = {"model_error": "Model error", "class_mix": "Changed class mix",
                          "total": "Total change"}
MULTICLASS_PART_EXPLANATIONS = {
    "model_error": "At equal class mix: the change in what the model's decisions on each class cost, "
                   "priced by the cost matrix.",
    "class_mix": "More (or fewer) cases of each class, handled with the model's usual errors on that class: "
                 "a change in the business, not a model failure.",
    "total": "The change in the expected cost per decision: model error + changed class mix.",
}


# ------------------------------------------------------------------------------------------ result
@dataclass(frozen=True, slots=True)
class ClassDecisions:
    """The model's decisions on one side, per true class.

    Attributes
    ----------
    n : int
        Rows with both a true and a predicted class.
    classes : tuple
    shares : tuple of float
        ``π_j``, share of rows of each true class.
    cost_per_case : tuple of float
        ``r_j``, expected cost of a case of each true class (nan for a class absent from this side).
    error_rate : float
        Share of rows decided wrong.
    cost_per_decision : float
        ``Σ_j π_j · r_j``.
    """

    n: int
    classes: tuple
    shares: tuple[float, ...]
    cost_per_case: tuple[float, ...]
    error_rate: float
    cost_per_decision: float

    def to_dict(self) -> dict:
        return {"n": self.n, "classes": [python_scalar(c) for c in self.classes], "shares": list(self.shares),
                "cost_per_case": list(self.cost_per_case), "error_rate": self.error_rate,
                "cost_per_decision": self.cost_per_decision}


@dataclass(frozen=True, slots=True)
class MulticlassImpact(PricedChange):
    """What a multiclass model's decisions cost over a quarter, split into model error and class mix.

    Attributes
    ----------
    inputs : MulticlassInputs
    source : {"measured", "estimated"}
        Measured on labelled current rows, or estimated without labels (calibrated probabilities).
    cost_matrix : tuple of tuple of float
        The matrix used, over :attr:`classes` (rows true, columns predicted).
    classes : tuple
    reference, current : ClassDecisions
    model_error, class_mix, total : CostPart
        The parts (module docstring); ``total = model_error + class_mix``.
    months, confidence, n_boot : as in :class:`~drift.model.impact.BusinessImpact`
    note : str
        Classes absent from a side, a charged diagonal, matrix labels left out.
    """

    TASK: ClassVar[str] = "multiclass"

    inputs: MulticlassInputs
    source: str
    cost_matrix: tuple[tuple[float, ...], ...]
    classes: tuple
    reference: ClassDecisions
    current: ClassDecisions
    model_error: CostPart
    class_mix: CostPart
    total: CostPart
    months: int
    confidence: float
    n_boot: int
    note: str = ""

    @property
    def parts(self) -> tuple[CostPart, CostPart, CostPart]:
        return (self.model_error, self.class_mix, self.total)

    @property
    def matrix_text(self) -> str:
        """``"the default (every error costs $1.00, …) cost matrix"`` or ``"a 3×3 matrix (…) as …"``."""
        if self.inputs.cost_matrix is None:
            return f"the {self.inputs.display('cost_matrix')} cost matrix"
        return f"a {self.inputs.display('cost_matrix')} as cost matrix"

    @property
    def method_text(self) -> str:
        """How the figures were computed, in one paragraph (the report's business-impact section)."""
        return (f"Expected cost per decision under {self.matrix_text}, indexed (true class, predicted "
                f"class), reference vs current, {self.how}; model error at equal class mix and the changed "
                f"class mix by midpoint decomposition; {self.confidence:.0%} bootstrap ranges "
                f"({self.n_boot:,} resamples); a quarter is {self.months} months. The figures scale with the "
                "decisions per month, never with the number of rows compared.")

    def mix_text(self) -> str:
        """The class mix, reference → current: ``"negative 33.8% → 40.1%, neutral …"``."""
        pairs = [f"{python_scalar(c)} {format_share(r)} → {format_share(k)}"
                 for c, r, k in zip(self.classes, self.reference.shares, self.current.shares, strict=True)]
        more = len(pairs) - CLASSES_SHOWN
        return ", ".join(pairs[:CLASSES_SHOWN]) + (f" and {more} more" if more > 0 else "")

    @property
    def sentence(self) -> str:
        """The finding in plain language: model error, then the class mix."""
        text = (f"Model error ({self.how}, priced by {self.matrix_text}, at equal class mix; error rate "
                f"{format_share(self.reference.error_rate)} → {format_share(self.current.error_rate)}): "
                f"{self.describe(self.model_error)}. Changed class mix ({self.mix_text()}), a change in the "
                f"business, not a model failure: {self.describe(self.class_mix)}.")
        if self.source == "estimated":
            text += (" Estimated without labels (the true classes from the model's calibrated "
                     "probabilities): blind to a change in how the classes follow the inputs.")
        if self.note:
            text += f" Note: {self.note}."
        assumed = self.inputs.assumed_text()
        return text + (" " + assumed if assumed else "")

    def to_dict(self) -> dict:
        """JSON-safe: the inputs, the matrix used, both sides, the parts with formulas, the sentence."""
        return {"task": self.task, "inputs": self.inputs.to_dict(), "source": self.source,
                "months": self.months, "classes": [python_scalar(c) for c in self.classes],
                "cost_matrix": [list(r) for r in self.cost_matrix],
                "method": "expected cost per decision under a cost matrix (true class, predicted class), "
                          "reference vs current; class mix and model error by midpoint decomposition; "
                          "percentile bootstrap intervals",
                "reference": self.reference.to_dict(), "current": self.current.to_dict(),
                **{p.key: p.to_dict() for p in self.parts},
                "confidence": self.confidence, "n_boot": self.n_boot, "note": self.note,
                "sentence": self.sentence}


# ------------------------------------------------------------------------------------- computation
def _labels(frame: pd.DataFrame, column: str, side: str) -> pd.Series:
    require_columns(frame, (column,), side)
    series = frame[column]
    check_cells(series, side=side, column=column, allow_bytes=True)
    return series.reset_index(drop=True)


def _decided(frame: pd.DataFrame, prediction: str | None, probabilities: Sequence[str] | None,
             classes: tuple | None, side: str) -> pd.Series:
    """The predicted class per row: the prediction column, or the most probable class of the columns."""
    if prediction is not None:
        return _labels(frame, prediction, side)
    for column in probabilities:
        _labels(frame, column, side)
    proba = probability_matrix(frame[list(probabilities)], classes, len(frame), side, "multiclass_impact")
    best = np.argmax(np.where(np.isnan(proba), -np.inf, proba), axis=1)
    decided = pd.Series(np.asarray(classes, dtype=object)[best])
    decided[np.isnan(proba).all(axis=1)] = None
    return decided


def _cells(y: pd.Series, pred: pd.Series, index: dict, side: str, target: str) -> np.ndarray:
    """The confusion counts ``(k, k)`` of the rows with both a true and a predicted class."""
    ok = (y.notna() & pred.notna()).to_numpy()
    if ok.sum() < MIN_ROWS:
        fix = ("label the production rows (the true class) to price the model's decisions"
               if side == "current" else "label and score the reference rows")
        raise TooFewRowsError(f"{int(ok.sum())} row(s) with both a true and a predicted class: too few to "
                              "price the decisions", file=side, column=target, fix=fix)
    k = len(index)
    yi = np.fromiter((index[v] for v in y[ok]), dtype=np.int64, count=int(ok.sum()))
    pi = np.fromiter((index[v] for v in pred[ok]), dtype=np.int64, count=int(ok.sum()))
    return np.bincount(yi * k + pi, minlength=k * k).reshape(k, k).astype(np.float64)


def _per_class(cells: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(π, r)`` of confusion counts ``[..., k, k]``: class shares and cost per case (nan without cases)."""
    support = cells.sum(axis=-1)
    n = support.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return support / n, np.where(support > 0, (cells * m).sum(axis=-1) / support, np.nan)


def _filled(r0: np.ndarray, r1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Costs per case of each side, a class absent from one side taken as on the other (0 when absent from
    both: it has no share either)."""
    filled0, filled1 = np.where(np.isnan(r0), r1, r0), np.where(np.isnan(r1), r0, r1)
    return np.nan_to_num(filled0), np.nan_to_num(filled1)


def _parts(ref_cells: np.ndarray, cur_cells: np.ndarray, m: np.ndarray) -> dict[str, np.ndarray]:
    """Class mix and model error of the change (module docstring), vectorised over leading axes."""
    p0, r0 = _per_class(ref_cells, m)
    p1, r1 = _per_class(cur_cells, m)
    r0, r1 = _filled(r0, r1)
    mix = ((p1 - p0) * (r0 + r1) / 2).sum(axis=-1)
    model = ((p0 + p1) / 2 * (r1 - r0)).sum(axis=-1)
    return {"model_error": model, "class_mix": mix, "total": mix + model}


def _side(cells: np.ndarray, m: np.ndarray, classes: tuple) -> ClassDecisions:
    shares, per_case = _per_class(cells, m)
    n = cells.sum()
    return ClassDecisions(int(n), classes, tuple(map(float, shares)), tuple(map(float, per_case)),
                          float(1 - np.trace(cells) / n), float((cells * m).sum() / n))


def _formulas(inputs: MulticlassInputs, ref: ClassDecisions, cur: ClassDecisions, point: dict,
              scale: float) -> dict[str, str]:
    """The arithmetic of each part, class by class (the first :data:`CLASSES_SHOWN`)."""
    money = inputs.currency
    volume = f"{inputs.decisions_per_month:,.0f} decisions/month × {MONTHS_PER_QUARTER} months"
    r0, r1 = _filled(np.array(ref.cost_per_case), np.array(cur.cost_per_case))
    rows = list(zip(ref.classes, ref.shares, cur.shares, r0, r1, strict=True))
    more = f" + {len(rows) - CLASSES_SHOWN} more classes" if len(rows) > CLASSES_SHOWN else ""

    def result(key: str) -> str:
        return format_money(scale * point[key], money)

    model = " + ".join(f"{python_scalar(c)} {format_share((a + b) / 2)} × "
                       f"{format_money(y - x, money)} per case" for c, a, b, x, y in rows[:CLASSES_SHOWN])
    mix = " + ".join(f"{python_scalar(c)} {format_points(b - a)} × {format_money((x + y) / 2, money)} "
                     "per case" for c, a, b, x, y in rows[:CLASSES_SHOWN])
    return {"model_error": f"{volume} × ({model}{more}; share at midpoint × change in cost per case) = "
                           f"{result('model_error')}",
            "class_mix": f"{volume} × ({mix}{more}; change in share × mean cost per case) = "
                         f"{result('class_mix')}",
            "total": (f"{volume} × ({format_money(cur.cost_per_decision, money)} now − "
                      f"{format_money(ref.cost_per_decision, money)} at reference, expected cost per "
                      f"decision) = {result('total')}")}


def _classes(sides: list[tuple[pd.Series, pd.Series]], classes, inputs: MulticlassInputs) -> tuple:
    """The class order: given, else the labels seen in the library's order; labels seen outside the given
    classes are appended for the default matrix and refused for a user's matrix."""
    seen = set()
    for y, pred in sides:
        seen.update(y.dropna().tolist(), pred.dropna().tolist())
    if classes is None:
        return sorted_labels(seen)
    base = tuple(classes)
    known = {str(c) for c in base}
    extra = sorted_labels(v for v in seen if str(v) not in known)
    if extra and inputs.cost_matrix is not None:
        raise cost_matrix_error(f"has no row and column for class {python_scalar(extra[0])!r}, found in the "
                                "data", "add a row and a column for every class the model predicts or the "
                                        "target holds")
    return base + extra


def multiclass_impact(reference: pd.DataFrame, current: pd.DataFrame, *, target: str,
                      prediction: str | None = None, probabilities: Sequence[str] | None = None,
                      classes: Sequence | None = None, cost_matrix=None,
                      decisions_per_month: float | None = None,
                      inputs: MulticlassInputs | None = None, use_labels: bool = True,
                      n_boot: int = N_BOOT, confidence: float = CONFIDENCE, rng=0) -> MulticlassImpact:
    """What a multiclass model's decisions cost over a quarter, split into model error and class mix.

    Parameters
    ----------
    reference, current : DataFrame
        Rows with the true class and the model's decision (rows missing either are left out).
    target : str
        The true class column.
    prediction : str, optional
        The predicted class column; or, instead,
    probabilities : sequence of str, optional
        One probability column per class, in the order of ``classes`` (the decision is the most probable).
    classes : sequence, optional
        The class labels (required with ``probabilities``); default the labels seen on either side, in the
        library's order (:func:`drift.data.task.sorted_labels`).
    cost_matrix : DataFrame or 2-D array-like, optional
        Rows the true class, columns the predicted class (:func:`multiclass_inputs`); default every error
        costs 1.
    decisions_per_month : float, optional
    inputs : MulticlassInputs, optional
        The figures built by :func:`multiclass_inputs`, instead of ``cost_matrix`` and
        ``decisions_per_month``.
    use_labels : bool, default True
        Measure on the current rows' labels when there are any; False (or no label) estimates without
        labels from the per-class probabilities (module docstring; needs ``probabilities`` and ``classes``).
    n_boot : int, default 1000
    confidence : float, default 0.95
    rng : int or numpy.random.Generator, default 0

    Returns
    -------
    MulticlassImpact

    Raises
    ------
    DriftInputError
        A missing column, unusable cells, or fewer than 2 rows with a true and a predicted class on a side.
    DriftParameterError
        A bad figure or cost matrix (:func:`multiclass_inputs`, :func:`resolved_cost_matrix`), neither
        ``prediction`` nor ``probabilities`` (with ``classes``), figures given twice, bad ``n_boot`` or
        ``confidence``.
    """
    func = "multiclass_impact"
    check_bootstrap(n_boot, confidence, func)
    inputs = resolve_inputs(inputs, {"decisions_per_month": decisions_per_month, "cost_matrix": cost_matrix},
                            multiclass_inputs, MulticlassInputs, func)
    if prediction is None and (probabilities is None or classes is None):
        raise DriftParameterError.invalid("prediction", func, "a column name, or None with probabilities "
                                          "and classes", prediction)
    classes = None if classes is None else tuple(classes)
    gen = np.random.default_rng(rng)
    labelled = use_labels and target in current.columns and current[target].notna().any()
    frames = (reference, current)
    if labelled:
        order, m, notes, cells, boot = _measured(frames, target, prediction, probabilities, classes, inputs,
                                                 n_boot, gen)
    else:
        order, m, notes, cells, boot = _estimated(frames, target, prediction, probabilities, classes, inputs,
                                                  n_boot, gen)
    point = {k: float(v) for k, v in _parts(cells[0], cells[1], m).items()}
    replicates = _parts(boot[0], boot[1], m)
    ref, cur = _side(cells[0], m, order), _side(cells[1], m, order)
    for side, decisions in (("reference", ref), ("current", cur)):
        absent = [python_scalar(c) for c, s in zip(order, decisions.shares, strict=True) if s == 0]
        if absent:
            notes.append(f"class {', '.join(map(repr, absent))} absent from the {side} labels: its cost per "
                         "case there is taken as on the other side (its share change is priced in the class "
                         "mix)")
    scale = inputs.decisions_per_month * MONTHS_PER_QUARTER
    formulas = _formulas(inputs, ref, cur, point, scale)
    parts = {key: priced_part(key, point[key], percentile_interval(replicates[key], point[key], confidence),
                              scale, formulas[key], label, MULTICLASS_PART_EXPLANATIONS[key])
             for key, label in MULTICLASS_PART_LABELS.items()}
    return MulticlassImpact(inputs, "measured" if labelled else "estimated",
                            tuple(tuple(map(float, r)) for r in m), order, ref, cur, parts["model_error"],
                            parts["class_mix"], parts["total"], MONTHS_PER_QUARTER, float(confidence),
                            int(n_boot), "; ".join(notes))


def _measured(frames, target: str, prediction, probabilities, classes, inputs: MulticlassInputs, n_boot: int,
              gen: np.random.Generator):
    """Class order, cost matrix, notes, confusion counts of each side and their resampled counts
    ``(n_boot, k, k)``: rows drawn with replacement as multinomial counts over the cells, reference first."""
    sides = [(_labels(frame, target, side), _decided(frame, prediction, probabilities, classes, side))
             for frame, side in zip(frames, ("reference", "current"), strict=True)]
    order = _classes(sides, classes, inputs)
    m, notes = resolved_cost_matrix(inputs, order)
    index = {c: j for j, c in enumerate(order)}
    cells = [_cells(y, pred, index, side, target)
             for (y, pred), side in zip(sides, ("reference", "current"), strict=True)]
    boot = [gen.multinomial(int(c.sum()), (c / c.sum()).ravel(), size=n_boot).reshape(n_boot, *c.shape)
            .astype(np.float64) for c in cells]
    return order, m, notes, cells, boot


def _estimated(frames, target: str, prediction, probabilities, classes, inputs: MulticlassInputs, n_boot: int,
               gen: np.random.Generator):
    """As :func:`_measured`, without current labels: each row counts in every true class with its calibrated
    probability, on both sides (module docstring); rows resampled as multinomial counts over the rows."""
    from drift.model.class_estimation import fit_class_calibration  # deferred: loads scikit-learn

    if probabilities is None or classes is None:
        raise DriftInputError("no labelled row to price the model's decisions on, and no per-class "
                              "probabilities to estimate the true classes from", file="current",
                              column=target, fix="label the production rows, or give the model's "
                                                 "proba_<class> columns and classes")
    reference = frames[0]
    require_columns(reference, (target, *probabilities), "reference")
    calibration = fit_class_calibration(reference[target], reference[list(probabilities)], classes=classes,
                                        rng=gen)
    m, notes = resolved_cost_matrix(inputs, classes)
    index = {c: j for j, c in enumerate(classes)}
    contributions = []
    for frame, side in zip(frames, ("reference", "current"), strict=True):
        pred = _decided(frame, prediction, probabilities, classes, side)
        proba = probability_matrix(frame[list(probabilities)], classes, len(frame), side, "multiclass_impact")
        ok = (pred.notna() & ~np.isnan(proba).any(axis=1)).to_numpy()
        if ok.sum() < MIN_ROWS:
            raise TooFewRowsError(f"{int(ok.sum())} row(s) with a decision and its probabilities: too few "
                                  "to price", file=side, column=probabilities[0],
                                  fix="score the rows with the model")
        unknown = sorted({str(v) for v in pred[ok] if v not in index})
        if unknown:
            raise DriftInputError(f"predicted labels outside the classes {list(classes)}: {unknown[:5]}",
                                  file=side, column=prediction, fix="give one probability column per class")
        k, rows = len(classes), int(ok.sum())
        contribution = np.zeros((rows, k, k))
        decided = np.fromiter((index[v] for v in pred[ok]), dtype=np.int64, count=rows)
        contribution[np.arange(rows), :, decided] = calibration.calibrate(proba[ok])
        contributions.append(contribution.reshape(rows, k * k))
    cells = [c.sum(axis=0).reshape(len(classes), len(classes)) for c in contributions]
    boot = [resampled_sums(c, n_boot, gen).reshape(n_boot, len(classes), len(classes)) for c in contributions]
    return classes, m, notes, cells, boot
