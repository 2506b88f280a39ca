"""The emit work-around keeps ``True`` alive however often the window emits."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

from wallet.ui.qtcompat import emit, emit_steals_true


class _Source(QObject):
    changed = Signal(int)


def test_many_emits_leave_the_refcount_of_true_alone(qapp: Any) -> None:
    source = _Source()
    seen: list[int] = []
    source.changed.connect(seen.append)
    emit_steals_true()  # probe first: it restores what it measured with
    before = sys.getrefcount(True)
    for i in range(5000):
        emit(source.changed, i)
    assert len(seen) == 5000
    assert abs(sys.getrefcount(True) - before) < 50
