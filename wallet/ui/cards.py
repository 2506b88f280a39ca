"""Painting badge cards: one delegate for the grid and the list layout.

A delegate paints from the model's row cache, so 10,000 cards cost no
widgets.  All colours come from the palette (Base, Text, PlaceholderText,
Highlight …) except the verdict chip, whose tones ``theme`` picks per
light/dark palette.  Sizes are in device-independent pixels; Qt scales them
and the thumbnails are decoded at the screen's pixel ratio.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .models import SUMMARY_ROLE
from .theme import chip_width, format_date, paint_chip, verdict_style

GRID_SIZE = QSize(180, 228)
GRID_THUMB = 100
LIST_HEIGHT = 60
LIST_THUMB = 44
CHIP_HEIGHT = 20
MAX_UPSCALE = 3


def placeholder_color(name: str) -> QColor:
    """A stable, muted colour per badge name for the letter placeholder."""
    hue = sum(ord(c) for c in name) * 37 % 360
    return QColor.fromHsl(hue, 90, 140)


def paint_thumbnail(painter: QPainter, rect: QRect, image: QImage | None, name: str, palette: QPalette) -> None:
    """The badge image centred in ``rect``, or a lettered disc while it loads or when there is none."""
    if image is not None and not image.isNull():
        ratio = image.devicePixelRatio() or 1.0
        natural = QSize(int(image.width() / ratio), int(image.height() / ratio))
        # a tiny image blown up to fill the card looks broken; enlarge at most 3×
        bound = rect.size().boundedTo(natural * MAX_UPSCALE)
        size = natural.scaled(bound, Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, size.width(), size.height())
        target.moveCenter(rect.center())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, image)
        painter.restore()
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = min(rect.width(), rect.height())
    disc = QRectF(rect.center().x() - side / 2 + 0.5, rect.center().y() - side / 2 + 0.5, side - 1, side - 1)
    color = placeholder_color(name)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(disc)
    font = QFont(painter.font())
    font.setPixelSize(max(10, int(side * 0.42)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff") if color.lightness() < 150 else QColor("#1a1a1a"))
    initial = next((c for c in name if c.isalnum()), "?").upper()
    painter.drawText(disc, int(Qt.AlignmentFlag.AlignCenter), initial)
    painter.restore()


class CardDelegate(QStyledItemDelegate):
    """Paints a card (grid) or a row (list); the view switches ``grid``."""

    def __init__(self, thumbnails, parent=None) -> None:
        super().__init__(parent)
        self._thumbnails = thumbnails
        self.grid = True
        self.cell = GRID_SIZE  # the grid cell; the view widens it to fill its width

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        if self.grid:
            return self.cell
        return QSize(max(option.rect.width(), 400), LIST_HEIGHT)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        row = index.data(SUMMARY_ROLE)
        if row is None:
            return
        image = self._thumbnails.get(row.id)
        painter.save()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if self.grid:
            self._paint_card(painter, option.rect, row, image, palette, selected, focused, hovered)
        else:
            self._paint_row(painter, option.rect, row, image, palette, selected, focused, hovered)
        painter.restore()

    # ---------------------------------------------------------------- shared bits

    @staticmethod
    def _background(
        painter: QPainter, rect: QRectF, palette: QPalette, selected: bool, focused: bool, hovered: bool, radius: float
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        base = palette.color(QPalette.ColorRole.Base)
        border = palette.color(QPalette.ColorRole.Mid)
        if selected:
            highlight = palette.color(QPalette.ColorRole.Highlight)
            fill = QColor(highlight)
            fill.setAlpha(48)
            painter.setBrush(base)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(rect, radius, radius)
            painter.setBrush(fill)
            border = highlight
        elif hovered:
            painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
        else:
            painter.setBrush(base)
        path = QPainterPath()
        path.addRoundedRect(rect, radius, radius)
        painter.setPen(border)
        painter.drawPath(path)
        if focused:
            pen = painter.pen()
            pen.setColor(palette.color(QPalette.ColorRole.Highlight))
            pen.setWidthF(2.0)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), radius, radius)

    @staticmethod
    def _chip_font(base: QFont) -> QFont:
        font = QFont(base)
        font.setPointSizeF(max(7.0, base.pointSizeF() * 0.92))
        font.setBold(True)
        return font

    # ---------------------------------------------------------------- grid card

    def _paint_card(self, painter, rect: QRect, row, image, palette, selected, focused, hovered) -> None:
        card = QRectF(rect).adjusted(6, 6, -6, -6)
        self._background(painter, card, palette, selected, focused, hovered, 10)
        inner = card.adjusted(10, 10, -10, -10).toRect()
        thumb = QRect(inner.left(), inner.top(), inner.width(), GRID_THUMB)
        paint_thumbnail(painter, thumb, image, row.name or "", palette)

        text_color = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        font = QFont(painter.font())
        bold = QFont(font)
        bold.setBold(True)
        y = thumb.bottom() + 8
        metrics = QFontMetrics(bold)
        name_text = _elide_lines(row.name or "Untitled badge", metrics, inner.width(), 2)
        lines = name_text.count("\n") + 1
        name_rect = QRect(inner.left(), y, inner.width(), metrics.lineSpacing() * lines)
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(
            name_rect,
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
            name_text,
        )
        y = name_rect.bottom() + 2
        small = QFontMetrics(font)
        painter.setFont(font)
        painter.setPen(muted)
        issuer = small.elidedText(row.issuer or "", Qt.TextElideMode.ElideRight, inner.width())
        painter.drawText(
            QRect(inner.left(), y, inner.width(), small.height()), int(Qt.AlignmentFlag.AlignHCenter), issuer
        )
        y += small.height()
        issued = format_date(row.issued)
        if issued:
            painter.drawText(
                QRect(inner.left(), y, inner.width(), small.height()), int(Qt.AlignmentFlag.AlignHCenter), issued
            )
        chip_font = self._chip_font(font)
        chip_rect = QRectF(inner.left(), inner.bottom() - CHIP_HEIGHT + 1, inner.width(), CHIP_HEIGHT)
        # centre the chip: measure, then paint at the offset
        width = min(inner.width(), chip_width(verdict_style(row.verdict).label, chip_font, CHIP_HEIGHT))
        chip_rect.moveLeft(inner.left() + (inner.width() - width) / 2)
        chip_rect.setWidth(width)
        paint_chip(painter, chip_rect, row.verdict, chip_font, palette)

    # ---------------------------------------------------------------- list row

    def _paint_row(self, painter, rect: QRect, row, image, palette, selected, focused, hovered) -> None:
        band = QRectF(rect).adjusted(4, 2, -4, -2)
        self._background(painter, band, palette, selected, focused, hovered, 6)
        inner = band.adjusted(8, 6, -10, -6).toRect()
        thumb = QRect(inner.left(), inner.top() + (inner.height() - LIST_THUMB) // 2, LIST_THUMB, LIST_THUMB)
        paint_thumbnail(painter, thumb, image, row.name or "", palette)

        font = QFont(painter.font())
        chip_font = self._chip_font(font)
        chip_w = chip_width(verdict_style(row.verdict).label, chip_font, CHIP_HEIGHT)
        date_w = QFontMetrics(font).horizontalAdvance("00 September 0000") + 12
        right = inner.right()
        chip_rect = QRectF(right - chip_w, inner.center().y() - CHIP_HEIGHT / 2, chip_w, CHIP_HEIGHT)
        paint_chip(painter, chip_rect, row.verdict, chip_font, palette)
        date_rect = QRect(int(chip_rect.left()) - date_w - 8, inner.top(), date_w, inner.height())
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            date_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), format_date(row.issued)
        )

        text_left = thumb.right() + 12
        text_w = max(40, date_rect.left() - text_left - 8)
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        small = QFontMetrics(font)
        top = inner.center().y() - (metrics.height() + small.height()) // 2
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            QRect(text_left, top, text_w, metrics.height()),
            int(Qt.AlignmentFlag.AlignLeft),
            metrics.elidedText(row.name or "Untitled badge", Qt.TextElideMode.ElideRight, text_w),
        )
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            QRect(text_left, top + metrics.height(), text_w, small.height()),
            int(Qt.AlignmentFlag.AlignLeft),
            small.elidedText(row.issuer or "", Qt.TextElideMode.ElideRight, text_w),
        )


def _elide_lines(text: str, metrics: QFontMetrics, width: int, lines: int) -> str:
    """Word-wrap into at most ``lines`` lines, eliding the last one."""
    words = text.split()
    out: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if metrics.horizontalAdvance(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines - 1:
            rest = " ".join(words[i:])
            out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
            return "\n".join(out)
    if current:
        out.append(metrics.elidedText(current, Qt.TextElideMode.ElideRight, width))
    return "\n".join(out[:lines])
