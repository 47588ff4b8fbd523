"""The app's one error boundary: a bad file is a message, a bug is a short notice — never a raw traceback.

``app.py`` runs the sidebar and the page inside :func:`guard`; a fragment (which reruns on its own, without
``app.py``) is declared with :func:`fragment`, which runs its body inside the same guard.

* ``DriftError`` — the input cannot be analysed (the message names the file, the column and the fix):
  :func:`show_error`, an ``st.error`` with the message escaped (it quotes names from the file).
* Any other ``Exception`` — a bug: :data:`BUG_MESSAGE` and a collapsed "Copy details" expander with the
  traceback in a code block (copy button included), and the traceback in the server log.
* Streamlit's control flow — ``st.stop()``, ``st.rerun()``, ``st.switch_page()`` — raises exceptions
  derived from ``BaseException``, not ``Exception``: they pass through untouched.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import streamlit as st

from drift.core.errors import DriftError

from . import safe

#: First words of the notice shown for a bug (tests look for them).
BUG_MESSAGE = "Something went wrong on this page — this is a bug."
#: Label of the expander that holds the traceback.
DETAILS_LABEL = "Copy details"

_log = logging.getLogger("drift_explorer")


def show_error(err: DriftError) -> None:
    """An input problem as an error callout, its message shown as text."""
    st.error(safe.text(str(err)), icon=":material/error:")


def show_bug(err: Exception) -> None:
    """A bug as a short notice, with its traceback in a collapsed expander (and in the server log)."""
    _log.error("Uncaught error on a page", exc_info=err)
    st.error(f"{BUG_MESSAGE} The rest of the page could not be shown. Reloading may help; if it happens "
             f"again, please report it with the details below. ({safe.text(type(err).__name__)})",
             icon=":material/bug_report:")
    with st.expander(DETAILS_LABEL, expanded=False, icon=":material/content_copy:"):
        st.code("".join(traceback.format_exception(err)), language=None, wrap_lines=True)


@contextmanager
def guard() -> Iterator[None]:
    """Run a block: ``DriftError`` → :func:`show_error`, any other ``Exception`` → :func:`show_bug`."""
    try:
        yield
    except DriftError as err:
        show_error(err)
    except Exception as err:  # noqa: BLE001 - the boundary: every bug ends here, shown and logged
        show_bug(err)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` run inside :func:`guard` (same name and qualified name, which key a fragment)."""

    @wraps(func)
    def run(*args, **kwargs):
        with guard():
            return func(*args, **kwargs)

    return run


def fragment(func: Callable[..., Any] | None = None, **options: Any):
    """``st.fragment`` whose body runs inside :func:`guard`: a fragment rerun does not go through
    ``app.py``, so it needs the boundary of its own.  Use as ``@boundary.fragment`` or
    ``boundary.fragment(func, run_every=2)``."""
    if func is None:
        return lambda f: st.fragment(guarded(f), **options)
    return st.fragment(guarded(func), **options)
