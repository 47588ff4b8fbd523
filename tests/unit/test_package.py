"""`pip install .` gives a working library and command: the wheel holds every subpackage and the
verdict benchmark table, carries the library's version, the MIT licence and the `drift-explorer` console
command, and the installed copy runs a drift check outside this checkout."""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import drift

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    src = tmp_path_factory.mktemp("src")  # a copy: building in place would leave build/ in the checkout
    shutil.copytree(ROOT / "drift", src / "drift", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(out)], check=True, cwd=out, timeout=300)
    (found,) = out.glob("drift_explorer-*.whl")
    return found


def test_wheel_holds_the_library_its_data_version_licence_and_command(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "drift").rglob("__init__.py")}
    assert {f"{p}/__init__.py" for p in packages} <= names
    assert "drift/core/verdict_benchmark.json" in names
    assert not any(n.startswith(("tests/", "ui/", "pages/", "bench/")) for n in names)
    info = next(n for n in names if n.endswith(".dist-info/METADATA"))
    meta = email.message_from_bytes(zipfile.ZipFile(wheel).read(info))
    assert meta["Version"] == drift.__version__
    assert meta["Name"] == "drift-explorer"
    streamlit = [r for r in meta.get_all("Requires-Dist") if r.startswith("streamlit")]
    assert streamlit and all('extra == "app"' in r for r in streamlit)  # the app is an extra
    entry = zipfile.ZipFile(wheel).read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "drift-explorer = drift.cli.main:main" in entry
    assert any(n.endswith(".dist-info/LICENSE") or "licenses/LICENSE" in n for n in names)


def test_installed_copy_runs_a_check_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"income": rng.normal(50, 10, 500).round(2), "c": rng.choice(["a", "b"], 500)})
    cur = pd.DataFrame({"income": rng.normal(60, 10, 500).round(2), "c": rng.choice(["a", "b"], 500)})
    ref.to_csv(tmp_path / "ref.csv", index=False)
    cur.to_csv(tmp_path / "cur.csv", index=False)
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import drift; print(drift.__file__)"], env=env,
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert Path(where.strip()).is_relative_to(target)  # the installed copy, not this checkout
    command = target / "bin" / "drift-explorer"
    args = ["check", "--reference", "ref.csv", "--current", "cur.csv", "--json", "out.json"]
    run = subprocess.run([sys.executable, str(command), *args], env=env, cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 1, run.stderr  # 1: drift found (income moved by one sd)
    assert json.loads((tmp_path / "out.json").read_text())["version"] == drift.__version__
    version = subprocess.run([sys.executable, str(command), "--version"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout
    assert drift.__version__ in version
