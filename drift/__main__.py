"""``python -m drift``: the command line (see :mod:`drift.cli.main`)."""

from __future__ import annotations

from drift.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
