"""Rich text for the detail pane and the recruiter view, with painted icons as resources.

Long, wrapping content (descriptions, check messages with DIDs in them) is
laid out by ``QTextDocument``, which wraps text exactly to the available
width – nested widget layouts of word-wrapped labels leave gaps or clip
lines.  Status icons and verdict chips are painted by ``theme`` at the
screen's pixel ratio and added to the document as image resources, so the
rich text still shows shape + word, not colour alone.

Every string that comes from a credential goes through ``esc``; only https
links become anchors.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QRectF, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication

from .theme import chip_width, icon_color, paint_chip, paint_shape, status_style, verdict_style
from .widgets import check_title

ICON = 16
CHIP_HEIGHT = 22


def esc(text: object) -> str:
    return escape(str(text)) if text is not None else ""


def https(url: str | None) -> str | None:
    return url if url and url.startswith("https://") else None


def link(text: str, url: str | None) -> str:
    target = https(url)
    return f'<a href="{escape(target, quote=True)}">{esc(text)}</a>' if target else esc(text)


class Resources:
    """Paints icons and chips once per document and hands out their ``src`` names."""

    def __init__(self, document: QTextDocument, palette: QPalette, font: QFont, ratio: float) -> None:
        self._doc = document
        self._palette = palette
        self._font = font
        self._ratio = max(ratio, 1.0)
        self._added: set[str] = set()

    def _image(self, width: int, height: int) -> QImage:
        image = QImage(int(width * self._ratio), int(height * self._ratio), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(self._ratio)
        image.fill(QColor(0, 0, 0, 0))
        return image

    def add(self, name: str, image: QImage) -> str:
        self._doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        self._added.add(name)
        return name

    def status(self, status: str) -> str:
        name = f"status:{status}"
        if name not in self._added:
            style = status_style(status)
            image = self._image(ICON, ICON)
            painter = QPainter(image)
            paint_shape(painter, QRectF(0, 0, ICON, ICON), style.shape, icon_color(style.tone, self._palette))
            painter.end()
            self.add(name, image)
        return f'<img src="{name}" width="{ICON}" height="{ICON}">'

    def chip(self, verdict: str | None, height: int = CHIP_HEIGHT) -> str:
        name = f"chip:{verdict or 'none'}:{height}"
        font = QFont(self._font)
        font.setBold(True)
        width = chip_width(verdict_style(verdict).label, font, height)
        if name not in self._added:
            image = self._image(width, height)
            painter = QPainter(image)
            paint_chip(painter, QRectF(0, 0, width, height), verdict, font, self._palette)
            painter.end()
            self.add(name, image)
        label = esc(verdict_style(verdict).label)
        return f'<img src="{name}" width="{width}" height="{height}" alt="{label}" title="{label}">'


def resources_for(document: QTextDocument, widget: Any) -> Resources:
    ratio = widget.devicePixelRatioF() if widget is not None else QApplication.primaryScreen().devicePixelRatio()
    palette = widget.palette() if widget is not None else QApplication.palette()
    font = widget.font() if widget is not None else QApplication.font()
    return Resources(document, palette, font, ratio)


def checks_html(checks: Sequence[Any], res: Resources) -> str:
    """One table row per check: icon, then the check name, its status word and the message."""
    if not checks:
        return "<p>No checks were recorded.</p>"
    rows = []
    for check in checks:
        style = status_style(check.status)
        rows.append(
            f'<tr><td valign="top" width="{ICON + 8}">{res.status(check.status)}</td>'
            f"<td><b>{esc(check_title(check.id))}</b> — {esc(style.label)}<br>"
            f"{esc(check.message)}</td></tr>"
        )
    return '<table cellspacing="0" cellpadding="3">' + "".join(rows) + "</table>"


def section(title: str, body: str) -> str:
    if not body:
        return ""
    return f'<h4 style="margin-top: 14px; margin-bottom: 4px">{esc(title)}</h4><div>{body}</div>'
