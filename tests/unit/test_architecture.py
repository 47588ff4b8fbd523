"""The library's architecture, checked: layers, no circles, no streamlit, no private names across modules.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``) and are checked by import-linter's
``lint-imports``, which reads every import, function-local and ``TYPE_CHECKING`` ones included:

* layers, each importing only those below it: cli > report > monitoring | text > diagnosis >
  multivariate | model > data > stats > core (``|``: siblings that do not import each other);
* ``drift`` never imports ``streamlit`` or the app (``ui``);
* no import cycle between the modules of any ``drift`` package.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "drift"


def test_import_contracts_are_kept():
    # lint-imports is installed next to the interpreter by requirements-dev.txt
    run = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"lint-imports found a broken contract:\n{run.stdout}\n{run.stderr}"
    assert "0 broken" in run.stdout and "kept" in run.stdout, run.stdout


def _private_imports(path: Path) -> list[str]:
    """``from module import _name`` statements in ``path`` that take a private name from another module."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    is_package = parts[-1] == "__init__"
    parts = parts[:-1] if is_package else parts
    module = ".".join(parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.ImportFrom):
            continue
        source = node.module or ""
        if node.level:  # relative: ``.`` is this module's package, each further dot one level up
            base = list(parts if is_package else parts[:-1])
            base = base[:len(base) - node.level + 1]
            source = ".".join(base + ([source] if source else []))
        for alias in node.names:
            private = alias.name.startswith("_") and not alias.name.startswith("__")
            if private and source != module:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from {source} import {alias.name}")
    return found


def test_no_private_name_is_imported_across_modules():
    found = [hit for path in sorted(LIBRARY.rglob("*.py")) for hit in _private_imports(path)]
    assert not found, "private names imported from another module (make them public or move them):\n" \
        + "\n".join(found)


def test_the_private_import_scan_can_fail(tmp_path, monkeypatch):
    """The scan sees absolute and relative imports of a private name, and allows public and dunder ones."""
    pkg = tmp_path / "drift" / "sub"
    pkg.mkdir(parents=True)
    (pkg / "a.py").write_text("from drift.sub.b import _x, y\nfrom .b import _z\nfrom . import __version__\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _private_imports(pkg / "a.py") == ["drift/sub/a.py:1: from drift.sub.b import _x",
                                              "drift/sub/a.py:2: from drift.sub.b import _z"]
