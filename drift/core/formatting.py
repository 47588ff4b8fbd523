"""How a p-value is written, everywhere: tables, sentences, the CLI, the reports and the app.

The convention, in one place (the APA style for p-values, with a leading zero):

* three decimals, rounded: ``0.034``, ``0.500``, ``1.000``;
* below :data:`PVALUE_FLOOR` the value is not written, only its bound: ``< 0.001`` (more digits claim a
  precision the tests do not have: asymptotic p-values that small are not accurate);
* a p-value that could not be computed (``nan`` or ``None``) is :data:`MISSING` (``—``) in a table;
* in a sentence, with ``prefix=True``: ``p = 0.034``, ``p < 0.001``, ``p n/a``.

Decisions never read these strings: they compare the exact value with ``alpha``, so a p-value of 0.0496
is written ``0.050`` and still counts as below 0.05.
"""

from __future__ import annotations

import math

__all__ = ["PVALUE_FLOOR", "MISSING", "format_pvalue"]

#: Smallest p-value written out; smaller ones are written ``< 0.001``.
PVALUE_FLOOR = 0.001
#: A value that could not be computed, in a table cell.
MISSING = "—"


def format_pvalue(p: float | None, *, prefix: bool = False) -> str:
    """A p-value as display text (convention in the module docstring).

    Parameters
    ----------
    p : float or None
        The p-value (NumPy scalars accepted).
    prefix : bool, default False
        Write it for a sentence: ``"p = 0.034"``, ``"p < 0.001"``, ``"p n/a"``.

    Returns
    -------
    str

    Examples
    --------
    >>> format_pvalue(0.0342), format_pvalue(2e-9), format_pvalue(float("nan"))
    ('0.034', '< 0.001', '—')
    >>> format_pvalue(0.0342, prefix=True), format_pvalue(2e-9, prefix=True)
    ('p = 0.034', 'p < 0.001')
    """
    if p is None or math.isnan(p):
        return "p n/a" if prefix else MISSING
    if p < PVALUE_FLOOR:
        text = f"< {PVALUE_FLOOR:g}"
        return f"p {text}" if prefix else text
    text = f"{p:.3f}"
    return f"p = {text}" if prefix else text
