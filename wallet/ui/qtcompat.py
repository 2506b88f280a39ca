"""Work-arounds for bugs in the Qt binding, kept in one place with a test each.

PySide6 6.12.0: ``SignalInstance.emit()`` returns ``True`` without taking a
reference to it, so every emit from Python lowers ``True``'s reference count
by one.  After a few thousand emits (an import reports progress per file)
CPython frees ``True`` and aborts with "bool_dealloc: deallocating True or
False" – usually at exit, sometimes in the middle of a session.

``emit(signal, *args)`` emits and then gives ``True`` back the reference the
binding took, but only when a probe at first use shows the installed binding
has the bug; with a fixed binding it is a plain emit.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

_lock = threading.Lock()
_steals: bool | None = None


class _Probe(QObject):
    ping = Signal()


def emit_steals_true() -> bool:
    """Whether this binding's ``emit`` drops a reference to ``True`` (measured once)."""
    global _steals
    if _steals is None:
        with _lock:
            if _steals is None:
                probe = _Probe()
                rounds = 64
                before = sys.getrefcount(True)
                for _ in range(rounds):
                    probe.ping.emit()
                lost = before - sys.getrefcount(True)
                if lost > 0:
                    _give_back(lost)
                _steals = lost >= rounds // 2
    return _steals


def _give_back(count: int) -> None:
    true = ctypes.py_object(True)
    for _ in range(count):
        ctypes.pythonapi.Py_IncRef(true)


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)`` without the binding's reference leak (see module docstring)."""
    signal.emit(*args)
    if emit_steals_true():
        _give_back(1)
