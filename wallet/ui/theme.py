"""How verdicts and check statuses look: colour, a drawn icon and a short word.

A verdict is never shown by colour alone (colour-blind users, monochrome
screenshots): every chip has an icon shape *and* a text label.  Colours are
chosen per palette – a light tint with dark text on a light window, a dark
tint with light text on a dark one – so chips stay readable when the system
switches to a dark theme.  Icons are painted as vectors at the device pixel
ratio, so they are sharp on high-DPI screens and need no font glyphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

from wallet.verify.report import (
    EXPIRED,
    FAIL,
    INCOMPLETE,
    INVALID_SIGNATURE,
    MALFORMED,
    NOT_YET_VALID,
    PASS,
    REVOKED,
    SKIPPED,
    TAMPERED,
    UNKNOWN,
    UNRESOLVABLE_ISSUER,
    VALID,
    VERDICT_TEXT,
)

# Shapes
CHECK = "check"
CROSS = "cross"
CLOCK = "clock"
QUESTION = "question"
DASH = "dash"
BLOCK = "block"

# Tones: (light background, light-mode text, dark background, dark-mode text)
_TONES = {
    "good": ("#d6f0dc", "#14532d", "#173d22", "#a7e3b5"),
    "bad": ("#fbdada", "#7f1d1d", "#4a1818", "#fbb4b4"),
    "warn": ("#fdebc8", "#713f12", "#45330f", "#fcd98a"),
    "info": ("#dde6f3", "#1e3a5f", "#1f2f45", "#b9cdea"),
    "none": ("#e4e4e7", "#3f3f46", "#34343a", "#d4d4d8"),
}


@dataclass(frozen=True, slots=True)
class VerdictStyle:
    """What a verdict chip shows."""

    label: str  # short, fits a card
    text: str  # the sentence from the report vocabulary (tooltip, detail)
    shape: str
    tone: str


VERDICT_STYLES: dict[str, VerdictStyle] = {
    VALID: VerdictStyle("Valid", VERDICT_TEXT[VALID], CHECK, "good"),
    MALFORMED: VerdictStyle("Unreadable", VERDICT_TEXT[MALFORMED], CROSS, "bad"),
    UNRESOLVABLE_ISSUER: VerdictStyle("Issuer unknown", VERDICT_TEXT[UNRESOLVABLE_ISSUER], QUESTION, "warn"),
    INVALID_SIGNATURE: VerdictStyle("Bad signature", VERDICT_TEXT[INVALID_SIGNATURE], CROSS, "bad"),
    TAMPERED: VerdictStyle("Tampered", VERDICT_TEXT[TAMPERED], CROSS, "bad"),
    REVOKED: VerdictStyle("Revoked", VERDICT_TEXT[REVOKED], BLOCK, "bad"),
    EXPIRED: VerdictStyle("Expired", VERDICT_TEXT[EXPIRED], CLOCK, "warn"),
    NOT_YET_VALID: VerdictStyle("Not yet valid", VERDICT_TEXT[NOT_YET_VALID], CLOCK, "warn"),
    INCOMPLETE: VerdictStyle("Incomplete", VERDICT_TEXT[INCOMPLETE], QUESTION, "info"),
}
UNCHECKED = VerdictStyle("Not checked", "This badge has not been verified yet", DASH, "none")

STATUS_STYLES: dict[str, VerdictStyle] = {
    PASS: VerdictStyle("Passed", "This check passed", CHECK, "good"),
    FAIL: VerdictStyle("Failed", "This check failed", CROSS, "bad"),
    UNKNOWN: VerdictStyle("Unknown", "This check could not run", QUESTION, "warn"),
    SKIPPED: VerdictStyle("Skipped", "Not checked because an earlier check failed", DASH, "none"),
}

# Verdicts that put a badge under "Needs attention"
ATTENTION_VERDICTS = frozenset(
    {REVOKED, EXPIRED, INVALID_SIGNATURE, TAMPERED, MALFORMED, UNRESOLVABLE_ISSUER, INCOMPLETE}
)


def verdict_style(verdict: str | None) -> VerdictStyle:
    return VERDICT_STYLES.get(verdict or "", UNCHECKED)


def status_style(status: str) -> VerdictStyle:
    return STATUS_STYLES.get(status, STATUS_STYLES[UNKNOWN])


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone_colors(tone: str, palette: QPalette | None = None) -> tuple[QColor, QColor]:
    """(background, foreground) for a tone under the current palette."""
    light_bg, light_fg, dark_bg, dark_fg = _TONES.get(tone, _TONES["none"])
    if is_dark(palette):
        return QColor(dark_bg), QColor(dark_fg)
    return QColor(light_bg), QColor(light_fg)


def paint_shape(painter: QPainter, rect: QRectF, shape: str, color: QColor) -> None:
    """Draw one of the icon shapes inside ``rect`` (a circle outline plus a mark)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = min(rect.width(), rect.height())
    square = QRectF(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side)
    pen = QPen(color, max(1.2, side / 9))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inner = square.adjusted(side * 0.08, side * 0.08, -side * 0.08, -side * 0.08)
    painter.drawEllipse(inner)

    def at(fx: float, fy: float) -> QPointF:
        return QPointF(square.left() + fx * side, square.top() + fy * side)

    if shape == CHECK:
        path = QPainterPath(at(0.3, 0.52))
        path.lineTo(at(0.45, 0.67))
        path.lineTo(at(0.71, 0.36))
        painter.drawPath(path)
    elif shape == CROSS:
        painter.drawLine(at(0.35, 0.35), at(0.65, 0.65))
        painter.drawLine(at(0.65, 0.35), at(0.35, 0.65))
    elif shape == CLOCK:
        painter.drawLine(at(0.5, 0.5), at(0.5, 0.28))
        painter.drawLine(at(0.5, 0.5), at(0.67, 0.58))
    elif shape == QUESTION:
        path = QPainterPath(at(0.38, 0.38))
        path.cubicTo(at(0.38, 0.22), at(0.64, 0.22), at(0.63, 0.38))
        path.cubicTo(at(0.62, 0.49), at(0.5, 0.47), at(0.5, 0.58))
        painter.drawPath(path)
        painter.drawPoint(at(0.5, 0.72))
    elif shape == BLOCK:
        painter.drawLine(at(0.28, 0.72), at(0.72, 0.28))
    else:  # DASH
        painter.drawLine(at(0.33, 0.5), at(0.67, 0.5))
    painter.restore()


def shape_icon(shape: str, color: QColor, size: int = 16, ratio: float | None = None) -> QIcon:
    """A QIcon of a shape, rendered at the screen's device pixel ratio."""
    ratio = ratio or (QApplication.primaryScreen().devicePixelRatio() if QApplication.primaryScreen() else 1.0)
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_shape(painter, QRectF(0, 0, size, size), shape, color)
    painter.end()
    return QIcon(pixmap)


def status_icon(status: str, size: int = 16) -> QIcon:
    style = status_style(status)
    return shape_icon(style.shape, icon_color(style.tone), size)


def icon_color(tone: str, palette: QPalette | None = None) -> QColor:
    """A saturated colour for a bare icon on the window background."""
    dark = is_dark(palette)
    return QColor(
        {
            "good": ("#1f8a3b", "#6ad38a"),
            "bad": ("#c62828", "#ff8a80"),
            "warn": ("#b26a00", "#ffc861"),
            "info": ("#2f5f9e", "#8fb5ea"),
            "none": ("#6b6b73", "#a1a1aa"),
        }[tone if tone in _TONES else "none"][1 if dark else 0]
    )


def chip_width(label: str, font: QFont, height: int) -> int:
    from PySide6.QtGui import QFontMetrics

    return QFontMetrics(font).horizontalAdvance(label) + height + 10


def paint_chip(painter: QPainter, rect: QRectF, verdict: str | None, font: QFont, palette: QPalette) -> QRectF:
    """Paint a verdict chip starting at ``rect``'s left; returns the rectangle used."""
    style = verdict_style(verdict)
    bg, fg = tone_colors(style.tone, palette)
    height = rect.height()
    width = min(rect.width(), float(chip_width(style.label, font, int(height))))
    chip = QRectF(rect.left(), rect.top(), width, height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(bg)
    painter.drawRoundedRect(chip, height / 2, height / 2)
    icon_rect = QRectF(chip.left() + 4, chip.top() + 2, height - 4, height - 4)
    paint_shape(painter, icon_rect, style.shape, fg)
    painter.setPen(fg)
    painter.setFont(font)
    text_rect = chip.adjusted(height + 1, 0, -6, 0)
    painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), style.label)
    painter.restore()
    return chip


def relative_time(when: datetime, now: datetime | None = None) -> str:
    """'just now', '5 minutes ago', '3 days ago' – for "checked … ago"."""
    now = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = int((now - when).total_seconds())
    if seconds < 0:
        return "just now"
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def format_date(value: datetime | None) -> str:
    """A date as the user's locale writes it (the time is rarely meaningful for a badge)."""
    if value is None:
        return ""
    from PySide6.QtCore import QDate, QLocale

    return QLocale().toString(QDate(value.year, value.month, value.day), "d MMM yyyy")


def dark_palette() -> QPalette:
    """A dark palette for platforms whose style does not follow a dark colour scheme by itself."""
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, "#202124"),
        (roles.WindowText, "#e8eaed"),
        (roles.Base, "#17181a"),
        (roles.AlternateBase, "#2a2b2e"),
        (roles.ToolTipBase, "#2a2b2e"),
        (roles.ToolTipText, "#e8eaed"),
        (roles.Text, "#e8eaed"),
        (roles.PlaceholderText, "#9aa0a6"),
        (roles.Button, "#2d2e31"),
        (roles.ButtonText, "#e8eaed"),
        (roles.BrightText, "#ffffff"),
        (roles.Light, "#3c3d40"),
        (roles.Midlight, "#333437"),
        (roles.Mid, "#45464a"),
        (roles.Dark, "#101112"),
        (roles.Shadow, "#000000"),
        (roles.Highlight, "#3d7fd6"),
        (roles.HighlightedText, "#ffffff"),
        (roles.Link, "#8ab4f8"),
        (roles.LinkVisited, "#c58af9"),
    ):
        palette.setColor(role, QColor(color))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7b7f85"))
    return palette
