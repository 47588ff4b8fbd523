"""No function in drift/ has a body over MAX_BODY_LINES lines unless its docstring says why.

The body is measured from its first statement after the docstring to its last line: the signature and
the numpydoc docstring (which the house style asks to be complete) do not count.  A long function that
is clearest as one piece says so in its docstring with a sentence starting "Kept as one function:".
"""

from __future__ import annotations

import ast
from pathlib import Path

MAX_BODY_LINES = 60
REASON = "Kept as one function:"
DRIFT = Path(__file__).resolve().parents[2] / "drift"


def body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body[1:] if ast.get_docstring(node) is not None else node.body
    return node.end_lineno - body[0].lineno + 1 if body else 0


def long_functions(source: str, limit: int = MAX_BODY_LINES) -> list[tuple[str, int]]:
    """``(name, body lines)`` of the functions of ``source`` over ``limit`` without a reason."""
    return [(node.name, body_lines(node)) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and body_lines(node) > limit
            and REASON not in (ast.get_docstring(node) or "")]


def test_no_long_function_without_a_reason():
    found = [f"{path.relative_to(DRIFT.parent)}: {name} ({n} lines)" for path in sorted(DRIFT.rglob("*.py"))
             for name, n in long_functions(path.read_text(encoding="utf-8"))]
    assert not found, "split these into named steps, or say why not in the docstring: " + "; ".join(found)


def test_the_measure_skips_the_docstring_and_honours_a_reason():
    steps = "\n".join(f"    x{i} = {i}" for i in range(5))
    plain = f'def f(a,\n      b):\n    """Doc.\n\n    More doc.\n    """\n{steps}\n    return a\n'
    assert long_functions(plain, limit=6) == [] and long_functions(plain, limit=5) == [("f", 6)]
    kept = plain.replace("More doc.", f"{REASON} one flat list reads best.")
    assert long_functions(kept, limit=5) == []
    assert long_functions("def g():\n    pass\n", limit=0) == [("g", 1)]
