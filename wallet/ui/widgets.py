"""Small widgets shared by the detail pane, the recruiter view and the window.

* ``VerdictChip`` – the verdict as colour + icon + word (never colour alone);
* ``CheckList`` – one row per verification check with its status icon and message;
* ``MessageBar`` – a non-modal bar for "Removed … Undo", import results and errors,
  so the user is told without a dialog stealing focus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
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

from .theme import chip_width, icon_color, paint_chip, paint_shape, status_style, tone_colors, verdict_style

CHECK_TITLES = {
    STRUCTURE: "Structure",
    ISSUER: "Issuer",
    PROOF: "Signature",
    STATUS: "Revocation",
    DATES: "Dates",
    RECIPIENT: "Recipient",
}


def check_title(check_id: str) -> str:
    return CHECK_TITLES.get(check_id, check_id.replace("_", " ").capitalize())


class VerdictChip(QWidget):
    """A painted chip; its accessible name and tooltip carry the full sentence."""

    def __init__(self, parent: QWidget | None = None, height: int = 24) -> None:
        super().__init__(parent)
        self._verdict: str | None = None
        self._height = height
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_verdict(None)

    def set_verdict(self, verdict: str | None) -> None:
        self._verdict = verdict
        style = verdict_style(verdict)
        self.setToolTip(style.text)
        self.setAccessibleName(f"Verdict: {style.label}")
        self.updateGeometry()
        self.update()

    @property
    def verdict(self) -> str | None:
        return self._verdict

    def _font(self):
        font = self.font()
        font.setBold(True)
        return font

    def sizeHint(self) -> QSize:
        return QSize(chip_width(verdict_style(self._verdict).label, self._font(), self._height), self._height)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_chip(painter, QRectF(self.rect()), self._verdict, self._font(), self.palette())
        painter.end()


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


class CheckList(QWidget):
    """The checks of one report, in order: a status icon, then the check's name, status and message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CheckList")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(8)
        self._grid.setColumnStretch(1, 1)
        self.rows: list[tuple[str, str, str]] = []  # (id, status, message) – tests read this

    def set_checks(self, checks: Sequence[Any]) -> None:
        clear_layout(self._grid)
        self.rows = []
        for row, check in enumerate(checks):
            style = status_style(check.status)
            icon = StatusIcon(check.status, parent=self)
            text = QLabel(
                f"<b>{escape(check_title(check.id))}</b> — {escape(style.label)}<br>{escape(check.message)}", self
            )
            text.setTextFormat(Qt.TextFormat.RichText)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            text.setAccessibleName(f"{check_title(check.id)}: {style.label}. {check.message}")
            self._grid.addWidget(icon, row, 0, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(text, row, 1)
            self.rows.append((check.id, check.status, check.message))


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
        while self._actions.count():
            item = self._actions.takeAt(0)
            if item and item.widget():
                item.widget().deleteLater()
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
        self.closed.emit()


def plain_label(text: str, parent: QWidget | None = None, *, wrap: bool = True) -> QLabel:
    """A label that never interprets its text as HTML (badge names are untrusted input)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    return label


def section_title(text: str, parent: QWidget | None = None) -> QLabel:
    label = plain_label(text, parent, wrap=True)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.05)
    label.setFont(font)
    label.setContentsMargins(0, 8, 0, 0)
    return label


def rich_label(html: str, parent: QWidget | None = None) -> QLabel:
    """A wrapping, selectable label whose https links open in the browser."""
    label = QLabel(html, parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def vbox(parent: QWidget | None = None, margins: int = 0, spacing: int = 6) -> QVBoxLayout:
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return layout


def clear_layout(layout: Any) -> None:
    """Remove and delete every widget and sub-layout of ``layout`` (the layout itself stays)."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())
            item.layout().deleteLater()
