"""columnwise: block-wise per-column facts agree with pandas computed one column at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drift.data import columnwise
from drift.data.columnwise import any_values, numeric_facts


def mixed_frame(n: int = 64, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    floats = rng.normal(size=n)
    floats[::7] = np.nan
    with_inf = rng.normal(size=n)
    with_inf[[1, 5]] = [np.inf, -np.inf]
    return pd.DataFrame({
        "f": floats,
        "s": rng.choice(["a", "b"], n),                         # a string column between numeric runs
        "i": rng.integers(-3, 4, n),
        "u": rng.integers(0, 5, n).astype(np.uint64),
        "whole": np.round(rng.normal(size=n) * 10),             # floats holding whole numbers
        "inf": with_inf,
        "b": rng.random(n) < 0.5,                               # bool: left to the per-column path
        "nullable": pd.array(rng.integers(0, 3, n), dtype="Int64"),
        "empty": np.full(n, np.nan),
        "f32": rng.normal(size=n).astype(np.float32),
        "zero": np.r_[0.0, -0.0, np.zeros(n - 2)],              # -0.0 and 0.0 are one value
    })


def expected(s: pd.Series) -> columnwise.NumericFacts:
    values = s.dropna().to_numpy(dtype=float)
    finite_ok = np.isfinite(values)
    return columnwise.NumericFacts(
        n_values=len(values), n_unique=int(s.nunique()),
        integral=bool(np.all(finite_ok & (np.mod(np.where(finite_ok, values, 0), 1) == 0))),
        n_inf=int(np.isinf(values).sum()),
        minimum=float(values.min()) if len(values) else float("nan"),
        maximum=float(values.max()) if len(values) else float("nan"))


@pytest.mark.parametrize("max_cells", [columnwise.MAX_BLOCK_CELLS, 64, 1])  # one block, one column a block
def test_numeric_facts_match_pandas_column_by_column(monkeypatch, max_cells):
    monkeypatch.setattr(columnwise, "MAX_BLOCK_CELLS", max_cells)
    df = mixed_frame()
    facts = numeric_facts(df, unique=True)
    assert list(facts) == ["f", "i", "u", "whole", "inf", "empty", "f32", "zero"]
    for col, got in facts.items():
        want = expected(df[col])
        assert got.n_values == want.n_values and got.n_unique == want.n_unique, col
        assert got.integral == want.integral and got.n_inf == want.n_inf, col
        np.testing.assert_equal([got.minimum, got.maximum], [want.minimum, want.maximum], err_msg=col)
    assert facts["whole"].integral and facts["i"].integral and not facts["f"].integral
    assert not facts["inf"].integral and facts["inf"].n_inf == 2
    assert facts["zero"].n_unique == 1 and facts["empty"].n_values == 0


def test_numeric_facts_see_a_fraction_or_an_infinity_past_the_first_rows():
    # Whole-number and infinity checks look at the first rows of a column first: what only appears
    # further down must still count (a whole-number column with one fraction at the end is not integral).
    n = 5 * columnwise._INTEGRAL_HEAD
    whole = np.arange(n, dtype=float)
    df = pd.DataFrame({
        "late_fraction": np.r_[whole[:-1], 0.5],
        "late_inf": np.r_[whole[:-1], np.inf],
        "late_minus_inf_fraction": np.r_[np.linspace(0.5, 1.5, n - 1), -np.inf],
        "late_nan": np.r_[whole[:-1], np.nan],
        "whole": whole,
        "fraction_first": np.r_[0.5, whole[1:]],
        "nan_then_inf": np.r_[np.nan, whole[1:-1], np.inf],
    })
    facts = numeric_facts(df)
    for col, got in facts.items():
        want = expected(df[col])
        assert (got.n_values, got.integral, got.n_inf) == (want.n_values, want.integral, want.n_inf), col
    assert [facts[c].integral for c in df.columns] == [False, False, False, True, True, False, False]
    assert [facts[c].n_inf for c in df.columns] == [0, 1, 1, 0, 0, 0, 1]
    assert facts["nan_then_inf"].n_values == n - 1 and facts["nan_then_inf"].maximum == np.inf


def test_numeric_facts_on_a_subset_without_unique_and_on_no_rows():
    df = mixed_frame()
    facts = numeric_facts(df, ["i", "s", "inf"])
    assert list(facts) == ["i", "inf"] and facts["i"].n_unique is None
    assert numeric_facts(df.iloc[:0], unique=True) == {}


def test_numeric_facts_read_a_frame_of_separately_stored_columns():
    # A CSV reader returns one block per column: facts come from position runs, not label look-ups.
    rng = np.random.default_rng(1)
    parts = {f"c{i}": rng.normal(size=10) for i in range(50)}
    df = pd.concat([pd.DataFrame({k: v}) for k, v in parts.items()], axis=1)
    facts = numeric_facts(df, unique=True)
    assert [facts[k].maximum for k in parts] == [float(v.max()) for v in parts.values()]


def test_any_values_matches_notna_any():
    df = mixed_frame()
    assert any_values(df) == df.notna().any().to_dict()
    assert any_values(df, ["empty", "s"]) == {"empty": False, "s": True}
    assert any_values(df, facts=numeric_facts(df)) == df.notna().any().to_dict()  # numeric from facts
