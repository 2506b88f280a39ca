"""Small widgets shared by the window's parts.

* ``StatusIcon`` – a status drawn as a shape (never colour alone);
* ``FlowLayout`` – buttons that wrap to the next line in a narrow pane;
* ``MessageBar`` – a non-modal bar for "Removed … Undo", import results and errors,
  so the user is told without a dialog stealing focus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from wallet.verify.report import DATES, ISSUER, PROOF, RECIPIENT, STATUS, STRUCTURE

from .qtcompat import emit
from .theme import icon_color, paint_shape, status_style, tone_colors

CHECK_TITLES = {
    STRUCTURE: "Structure",
    ISSUER: "Issuer",
    PROOF: "Signature",
    STATUS: "Revocation",
    DATES: "Dates",
    RECIPIENT: "Recipient",
}


def check_title(check_id: str) -> str:
    return CHECK_TITLES.get(check_id, check_id.replace("_", " ").replace("-", " ").capitalize())


class StatusIcon(QWidget):
    """A check status drawn as a shape in its tone colour."""

    def __init__(self, status: str, size: int = 18, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status = status
        self.setFixedSize(size, size)
        style = status_style(status)
        self.setToolTip(style.label)
        self.setAccessibleName(style.label)

    def paintEvent(self, event: QPaintEvent) -> None:
        style = status_style(self._status)
        painter = QPainter(self)
        paint_shape(
            painter, QRectF(self.rect()).adjusted(1, 1, -1, -1), style.shape, icon_color(style.tone, self.palette())
        )
        painter.end()


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps to the next line when out of room.

    The detail pane's action buttons use it so a narrow pane wraps them
    instead of forcing a horizontal scroll bar or clipping "Remove".
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line > 0:
                x = rect.x()
                y += line + self._spacing
                line = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


class MessageBar(QFrame):
    """An inline, non-modal notice with optional action buttons and a close button.

    Used for undo ("Removed … [Undo]"), import results ("12 imported …
    [Details]") and errors that need no decision.  It hides itself after
    ``timeout_ms`` unless the mouse is over it.
    """

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self._icon = StatusIcon("pass", 18, self)
        self._text = QLabel(self)
        self._text.setWordWrap(True)
        self._text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self._icon)
        layout.addWidget(self._text, 1)
        self._actions = QHBoxLayout()
        layout.addLayout(self._actions)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss")
        close.clicked.connect(self.dismiss)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._maybe_hide)
        self.hide()

    @property
    def text(self) -> str:
        return self._text.text()

    def show_message(
        self,
        text: str,
        *,
        status: str = "pass",
        actions: Sequence[tuple[str, Callable[[], None]]] = (),
        timeout_ms: int = 0,
    ) -> list[QPushButton]:
        tone = status_style(status).tone
        bg, fg = tone_colors(tone, self.palette())
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, bg)
        palette.setColor(QPalette.ColorRole.WindowText, fg)
        self.setPalette(palette)
        layout = self.layout()
        old_icon = self._icon
        self._icon = StatusIcon(status, 18, self)
        if isinstance(layout, QHBoxLayout):
            layout.replaceWidget(old_icon, self._icon)
        old_icon.deleteLater()
        self._text.setText(text)
        clear_layout(self._actions)
        buttons = []
        for label, callback in actions:
            button = QPushButton(label, self)
            button.clicked.connect(callback)
            self._actions.addWidget(button)
            buttons.append(button)
        self.show()
        if timeout_ms:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()
        return buttons

    def _maybe_hide(self) -> None:
        if self.underMouse():
            self._timer.start(2000)
        else:
            self.dismiss()

    def dismiss(self) -> None:
        self._timer.stop()
        self.hide()
        emit(self.closed)


def vbox(parent: QWidget, margins: int = 0, spacing: int = 6) -> QVBoxLayout:
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return layout


def clear_layout(layout: Any) -> None:
    """Remove and delete every widget and sub-layout of ``layout`` (the layout itself stays).

    Widgets are hidden at once: ``deleteLater`` only acts when the event loop
    next runs, and until then they would still be painted.
    """
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())
            item.layout().deleteLater()
