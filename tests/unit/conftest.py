"""Fixtures shared by the unit tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import pytest


@pytest.fixture
def unprivileged() -> Callable[[list[str]], list[str]]:
    """Wrap a command so file permissions apply to it: as root, ``setpriv`` drops the capabilities that
    bypass them (root would otherwise write into a read-only directory); other users need nothing."""
    if os.geteuid() != 0:
        return lambda cmd: list(cmd)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return lambda cmd: [setpriv, "--bounding-set=-dac_override,-dac_read_search", *cmd]
