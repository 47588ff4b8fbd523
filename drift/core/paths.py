"""Files the library writes: can a path be written, checked before any computation, and written whole.

A report that took minutes to compute must not be lost to a typo in its path, so the command line asks
:func:`unwritable_reason` about every output (and the history store about its file) *before* loading the
data.  The check creates nothing: it looks for a file standing where a directory is needed, for a directory
where a file is needed, and asks the operating system for write access by opening the existing target
for appending, or an unnamed temporary file in the nearest existing directory (both leave no trace).  A
failure it cannot foresee (a full disk: ``/dev/full``) surfaces when writing, and :func:`write_text`
turns it into an :class:`~drift.core.errors.OutputPathError` naming the path.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

from drift.core.errors import OutputPathError

__all__ = ["nearest_existing", "unwritable_reason", "check_writable", "write_text"]


def nearest_existing(path: Path) -> Path:
    """``path`` itself when it exists, else its nearest existing ancestor (``.`` at worst)."""
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(".")  # pragma: no cover - the root always exists


def unwritable_reason(path: str | os.PathLike, *, directory: bool = False) -> str | None:
    """Why a file (or, with ``directory=True``, a directory to write files in) cannot be created at ``path``;
    ``None`` when it can.

    Missing directories on the way count as creatable when their nearest existing ancestor is a writable
    directory.  Existing devices and pipes (``/dev/null``, ``/dev/stdout``) are accepted as they are.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        if not directory:
            return "it is a directory, not a file"
        return _probe_directory(target)
    if os.path.lexists(target):
        if directory:
            return "it is a file, not a directory"
        mode = os.stat(target).st_mode if target.exists() else 0
        if not stat.S_ISREG(mode):
            return None if mode else "it is a broken link"
        try:
            with open(target, "ab"):
                pass
        except OSError as err:
            return f"it cannot be written ({err.strerror or err})"
        return None
    base = nearest_existing(target.parent)
    if not base.is_dir():
        return f"{str(base)!r} is a file, not a directory"
    return _probe_directory(base)


def _probe_directory(directory: Path) -> str | None:
    try:
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as err:
        return f"the directory {str(directory)!r} cannot be written ({err.strerror or err})"
    return None


def check_writable(path: str | os.PathLike, *, what: str, fix: str, directory: bool = False) -> None:
    """Raise :class:`~drift.core.errors.OutputPathError` when :func:`unwritable_reason` finds a reason.

    Parameters
    ----------
    path : path-like
    what : str
        What would be written there, for the message (e.g. ``"the --html report"``).
    fix : str
        What the user can do.
    directory : bool, default False
        ``path`` is a directory to write files in (e.g. ``scenario --out``).
    """
    reason = unwritable_reason(path, directory=directory)
    if reason is not None:
        raise OutputPathError(f"cannot write {what} here: {reason}", file=str(path), fix=fix)


def write_text(path: str | os.PathLike, text: str, *, what: str) -> int:
    """Write ``text`` (UTF-8) to ``path``, creating missing directories; returns the bytes written.

    A regular file is written to a temporary file next to it and renamed over it, so a failure leaves
    the previous file (or none) rather than half a report; devices and pipes are written directly.

    Raises
    ------
    OutputPathError
        The operating system refused (no space, no permission ...), naming the path.
    """
    target = Path(path).expanduser()
    data = text.encode("utf-8")
    try:
        if target.exists() and not target.is_file():
            with open(target, "wb") as out:
                out.write(data)
            return len(data)
        target = Path(os.path.realpath(target))     # a link keeps pointing at the new file
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            with open(tmp, "xb") as out:                # created with the usual permissions (umask)
                out.write(data)
            if target.exists():
                os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as err:
        raise OutputPathError(f"cannot write {what} ({err.strerror or err})", file=str(path),
                              fix="check the free space and the permissions there, or choose another "
                                  "path") from None
    return len(data)
