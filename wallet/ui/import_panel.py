"""The import strip: progress with a count and Cancel, and the queue of drops.

Imports run one after another (a second drop while one runs is queued, not
mixed in), each on the background pool through ``WalletSession`` with a
cancel event.  Cancel stops between files: every file the importer finished
is committed whole, the rest are not touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from .qtcompat import emit
from .session import WalletSession
from .workers import TaskHandle


class ImportPanel(QFrame):
    """Shows while an import runs; emits ``finished(summary)`` or ``failed(exc)``."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, session: WalletSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._session = session
        self._handle: TaskHandle | None = None
        self._queue: list[list[str]] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.label = QLabel("Importing…")
        self.label.setMinimumWidth(200)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.bar = QProgressBar()
        self.bar.setMinimumWidth(220)
        self.bar.setFormat("%v / %m")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the current file; what was imported stays")
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    @property
    def running(self) -> bool:
        return self._handle is not None

    def start(self, sources: Sequence[str]) -> None:
        """Import ``sources`` now, or after the running import."""
        sources = [s for s in sources if s]
        if not sources:
            return
        if self.running:
            self._queue.append(list(sources))
            self.label.setText(f"{self.label.text()}  (+{sum(len(q) for q in self._queue)} waiting)")
            return
        self.bar.setRange(0, 0)
        self.label.setText(f"Reading {len(sources)} item{'s' if len(sources) != 1 else ''}…")
        self.cancel_button.setEnabled(True)
        self.show()
        self._handle = self._session.import_sources(
            sources, progress=self._progress, done=self._done, failed=self._failed
        )

    def cancel(self) -> None:
        """Stop the running import after the current file and drop the queue."""
        self._queue.clear()
        if self._handle is not None:
            self._handle.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling after the current file…")

    def _progress(self, done: int, total: int, outcome: Any) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        if self._handle is not None and self._handle.cancel_event.is_set():
            return
        name = getattr(outcome, "name", "") or ""
        short = name.replace("\\", "/").rsplit("/", 1)[-1]
        self.label.setText(f"Importing {done} of {total}: {short}")

    def _done(self, summary: Any) -> None:
        self._handle = None
        self.hide()
        emit(self.finished, summary)
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self._handle = None
        self.hide()
        emit(self.failed, exc)
        self._next()

    def _next(self) -> None:
        if self._queue:
            self.start(self._queue.pop(0))
