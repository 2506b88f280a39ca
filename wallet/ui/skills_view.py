"""The Skills page: what the badges prove and how fresh, what builds on what, and the gap to a role.

Everything shown comes from ``wallet.skills``; this module only arranges and
draws it.  ``SkillsSource`` keeps one ``SkillIndex`` in step with the store:
when the session announces a change it diffs the store's summaries against
what the index holds, reads only new or re-verified records (in small store
tasks, so thumbnails and the detail pane keep getting their turn on the one
store thread), and applies them to the index on the background pool, where
the map, the stacks and "earn next" are computed too.  The GUI thread only
ever receives finished, immutable results, so a 10,000-badge wallet never
freezes the window.

Parts of the page:

* ``HeatMapView``: skills × years (or × issuers), a custom-painted grid with
  the skill names frozen on the left and the column labels frozen on top.
  A cell's hue says how fresh its badges are (fresh, not verified, only
  stale) and its strength how many there are; the count is written in it,
  so colour is never the only cue.  Clicking a cell (or a skill's name)
  lists the badges behind it below.
* stacks as chains of steps (held steps filled and ticked, the rest dashed
  and marked "not yet") and an "Earn next" list with links;
* a target panel: paste a posting or a skill list, or load a role file, and
  see each skill proven, stale or missing, with the badges, the reason each
  match was made, and what to earn for the missing ones.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from wallet.skills import (
    BY_ISSUER,
    BY_YEAR,
    FRESH,
    MISSING,
    PROVEN,
    STALE,
    STALE_ONLY,
    UNVERIFIED,
    EarnNext,
    GapItem,
    GapReport,
    HeatCell,
    Proof,
    Skill,
    SkillIndex,
    SkillInput,
    SkillMap,
    Stack,
    cell_proofs,
    earn_next,
    gap_report,
    heat_rows,
    parse_target,
    stacks,
)
from wallet.skills.map import UNKNOWN_YEAR

from . import dialogs
from .qtcompat import emit
from .session import Change, WalletSession
from .theme import CHECK, CLOCK, CROSS, DASH, QUESTION, format_date, icon_color, paint_shape, shape_icon, tone_colors
from .widgets import FlowLayout, vbox

log = logging.getLogger(__name__)

READ_CHUNK = 200  # records read per store task: the store thread stays free for thumbnails in between

# How each freshness looks (never by colour alone: the legend and tooltips name it, cells carry counts)
FRESHNESS_LOOK = {
    FRESH: ("good", CHECK, "Fresh", "valid and in date"),
    UNVERIFIED: ("info", QUESTION, "Not verified", "never checked, or checked offline"),
    STALE: ("warn", CLOCK, "Stale", "expired, revoked or failed verification"),
}
STATUS_LOOK = {
    PROVEN: ("good", CHECK, "Proven"),
    STALE_ONLY: ("warn", CLOCK, "Stale"),
    MISSING: ("bad", CROSS, "Missing"),
}
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
URL_ROLE = Qt.ItemDataRole.UserRole + 2


# =====================================================================================================================
# keeping the index in step with the store


@dataclass(frozen=True, slots=True)
class SkillsSnapshot:
    """One finished state of the page: the map and what is derived from it (immutable, made off the GUI thread)."""

    skill_map: SkillMap
    stacks: tuple[Stack, ...]
    earn_next: tuple[EarnNext, ...]
    records: int
    build_ms: float


@dataclass(slots=True)
class _Pass:
    """One refresh in flight: what the store said, and what has been read so far."""

    current: dict[str, tuple[Any, Any]]
    gone: list[str]
    wanted: list[str]
    loaded: list[SkillInput] = field(default_factory=list)  # slim, read through the session


class SkillsSource(QObject):
    """Keeps a ``SkillIndex`` in step with the wallet, reading through the session, computing on a worker.

    Refreshes never overlap: a change announced while one runs is picked up
    by one more pass at its end.  The index is only ever touched by the one
    background task of the pass in flight.
    """

    updated = Signal(object)  # SkillsSnapshot
    progress = Signal(int, int)  # records read, records to read
    failed = Signal(object)  # exception

    def __init__(self, session: WalletSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._index: SkillIndex | None = None
        self._known: dict[str, tuple[Any, Any]] = {}  # record id -> (verdict, verified at) the index holds
        self._busy = False
        self._again = False
        self.active = False  # the page has been shown: from then on, follow every change
        self.snapshot: SkillsSnapshot | None = None
        session.changed.connect(self._on_changed)

    @property
    def busy(self) -> bool:
        return self._busy

    def activate(self) -> None:
        """The page is shown: build now if never built, and follow changes from here on."""
        if not self.active:
            self.active = True
            self.refresh()

    def _on_changed(self, change: Change) -> None:
        if change.kind != "settings" and self.active:
            self.refresh()

    def refresh(self) -> None:
        if not self._session.is_open:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        self._session.load_summaries(self._summaries_loaded, self._failed)

    def _summaries_loaded(self, rows: list[Any]) -> None:
        current = {s.id: (s.verdict, s.verified_at) for s in rows}
        gone = [rid for rid in self._known if rid not in current]
        # summaries come newest first; read oldest first so a fresh index keeps the order records were added
        wanted = [s.id for s in reversed(rows) if self._known.get(s.id) != current[s.id]]
        if not gone and not wanted and self.snapshot is not None:
            self._finish()
            return
        self._read(_Pass(current, gone, wanted))

    def _read(self, job: _Pass) -> None:
        if not job.wanted:
            self._build(job)
            return
        chunk, job.wanted = job.wanted[:READ_CHUNK], job.wanted[READ_CHUNK:]
        total = len(job.loaded) + len(chunk) + len(job.wanted)
        emit(self.progress, len(job.loaded), total)

        def read(records: list[Any]) -> None:
            job.loaded.extend(records)
            self._read(job)

        self._session.load_skill_inputs(chunk, read, self._failed)

    def _build(self, job: _Pass) -> None:
        index = self._index
        records = job.loaded
        gone = job.gone
        previous = self.snapshot

        def work(_p: Any) -> tuple[SkillIndex, SkillsSnapshot]:
            started = time.perf_counter()
            inputs: list[SkillInput] = records
            now = datetime.now(UTC)
            if index is None:
                built = SkillIndex(inputs, now=now)
            else:
                built = index
                built.remove(gone)
                built.update(inputs)
                built.set_now(now)
            skill_map = built.map()
            if (
                previous is not None
                and skill_map.links == previous.skill_map.links
                and skill_map.achievements == previous.skill_map.achievements
            ):  # stacks and "earn next" read nothing else: a re-verified badge usually leaves them as they were
                found, suggested = previous.stacks, previous.earn_next
            else:
                found, suggested = tuple(stacks(skill_map)), tuple(earn_next(skill_map))
            elapsed = (time.perf_counter() - started) * 1000
            return built, SkillsSnapshot(skill_map, found, suggested, len(built), elapsed)

        def done(result: tuple[SkillIndex, SkillsSnapshot]) -> None:
            self._index, self.snapshot = result
            for rid in gone:
                self._known.pop(rid, None)
            for r in records:
                self._known[r.record_id] = job.current.get(r.record_id, (None, None))
            log.debug("skills map: %d records in %.1f ms", self.snapshot.records, self.snapshot.build_ms)
            emit(self.updated, self.snapshot)
            self._finish()

        self._session.tasks.run_background("skills", work, done=done, failed=self._failed)

    def _finish(self) -> None:
        self._busy = False
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._again = False
        emit(self.failed, exc)


# =====================================================================================================================
# the heat map


@dataclass(frozen=True, slots=True)
class HeatRow:
    """A row of the grid: a framework heading, or one skill."""

    group: str | None = None
    skill: Skill | None = None


@dataclass(frozen=True, slots=True)
class HeatTable:
    """The grid as drawn: rows (headings and skills), columns, and the cells by (skill key, column)."""

    rows: tuple[HeatRow, ...]
    columns: tuple[str, ...]
    cells: dict[tuple[str, str], HeatCell]
    max_weight: float
    max_count: int


def heat_table(skill_map: SkillMap, by: str, query: str = "") -> HeatTable:
    """Arrange the map's heat cells for drawing: skills by framework group, columns in reading order.

    Years run oldest to newest with undated last; issuers run busiest first.
    ``query`` keeps skills whose name, alias, framework or code contains it.
    """
    needle = query.strip().casefold()
    rows: list[HeatRow] = []
    for group in skill_map.groups:
        members = [skill_map.index[k] for k in group.skill_keys]
        if needle:
            members = [s for s in members if needle in _search_text(s)]
        if members:
            rows.append(HeatRow(group=group.name))
            rows += [HeatRow(skill=s) for s in members]
    shown = {r.skill.key for r in rows if r.skill is not None}
    cells = {(c.skill_key, c.column): c for c in heat_rows(skill_map, by) if c.skill_key in shown}
    if by == BY_ISSUER:
        totals: dict[str, int] = {}
        for c in cells.values():
            totals[c.column] = totals.get(c.column, 0) + c.count
        columns = sorted(totals, key=lambda col: (-totals[col], col.casefold()))
    else:
        found = {c.column for c in cells.values()}
        columns = sorted(found - {UNKNOWN_YEAR}) + ([UNKNOWN_YEAR] if UNKNOWN_YEAR in found else [])
    return HeatTable(
        rows=tuple(rows),
        columns=tuple(columns),
        cells=cells,
        max_weight=max((c.weight for c in cells.values()), default=1.0) or 1.0,
        max_count=max((c.count for c in cells.values()), default=0),
    )


def _search_text(skill: Skill) -> str:
    return " ".join((skill.name, *skill.aliases, skill.framework or "", skill.code or "")).casefold()


def skill_label(skill: Skill, *, framework: bool = True) -> str:
    """The name with its code, as a person reads it: ``SQL (ESCO S1.5.2)``, or ``SQL (S1.5.2)`` under a heading."""
    if not skill.code:
        return skill.name
    code = " ".join(x for x in (skill.framework if framework else None, skill.code) if x)
    return f"{skill.name} ({code})"


def cell_tone(cell: HeatCell) -> str:
    """Freshness shown by a cell: fresh if any badge is, stale if all are, else not verified."""
    if cell.fresh:
        return FRESH
    return STALE if cell.stale >= cell.count else UNVERIFIED


def cell_color(tone: str, strength: float, palette: QPalette) -> QColor:
    """The freshness hue mixed into the window's base colour: faint for one old badge, full for many fresh."""
    strong = icon_color(FRESHNESS_LOOK[tone][0], palette)
    base = palette.color(QPalette.ColorRole.Base)
    t = 0.22 + 0.78 * max(0.0, min(1.0, strength)) ** 0.55
    return QColor(
        round(base.red() + (strong.red() - base.red()) * t),
        round(base.green() + (strong.green() - base.green()) * t),
        round(base.blue() + (strong.blue() - base.blue()) * t),
    )


def readable_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color`` (relative luminance)."""
    luminance = 0.2126 * color.redF() ** 2.2 + 0.7152 * color.greenF() ** 2.2 + 0.0722 * color.blueF() ** 2.2
    return QColor("#111111") if luminance > 0.23 else QColor("#ffffff")


class HeatMapView(QAbstractScrollArea):
    """Skills × columns, names frozen on the left and column labels on top; only visible rows are painted."""

    cell_clicked = Signal(str, object)  # skill key, column (None: every badge of the skill)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HeatMap")
        self.setAccessibleName("Skills heat map")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.table = HeatTable((), (), {}, 1.0, 0)
        self.by = BY_YEAR
        self.selected: tuple[str, str | None] | None = None
        self.empty_text = "Loading your skills…"
        self._name_w = 160
        self._header_h = 24
        self._row_h = 24
        self._cell_w = 44
        self._row_of: dict[str, int] = {}

    # ------------------------------------------------------------ data

    def set_table(self, table: HeatTable, by: str) -> None:
        self.table = table
        self.by = by
        self._row_of = {r.skill.key: i for i, r in enumerate(table.rows) if r.skill is not None}
        if self.selected is not None:
            key, column = self.selected
            if key not in self._row_of or (column is not None and column not in table.columns):
                self.selected = None
        self._relayout()
        self.viewport().update()

    def skill_keys(self) -> list[str]:
        return list(self._row_of)

    def cell(self, skill_key: str, column: str) -> HeatCell | None:
        return self.table.cells.get((skill_key, column))

    # ------------------------------------------------------------ geometry

    def _relayout(self) -> None:
        fm = self.fontMetrics()
        self._row_h = fm.height() + 10
        bold = QFont(self.font())
        bold.setBold(True)
        numbers = max((fm.horizontalAdvance(str(c.count)) for c in self.table.cells.values()), default=0)
        if self.by == BY_ISSUER:
            self._cell_w = max(self._row_h + 10, numbers + 14)
            longest = max((fm.horizontalAdvance(c) for c in self.table.columns), default=0)
            self._header_h = min(longest, 130) + 16  # full names in the tooltips
        else:
            self._cell_w = max(fm.horizontalAdvance("2024") + 18, numbers + 14)
            self._header_h = fm.height() + 14
        names = [fm.horizontalAdvance(skill_label(r.skill, framework=False)) for r in self.table.rows if r.skill]
        names += [QFontMetrics(bold).horizontalAdvance(r.group) for r in self.table.rows if r.group is not None]
        natural = max(names, default=120) + 34
        room = self.viewport().width()
        self._name_w = max(140, min(natural, max(180, int(room * 0.42))))
        if self.table.columns:  # few columns: wider cells rather than an empty band on the right
            fill = (room - self._name_w - 8) // len(self.table.columns)
            self._cell_w = max(self._cell_w, min(fill, 2 * self._cell_w, 96))
        cells_w = len(self.table.columns) * self._cell_w
        rows_h = len(self.table.rows) * self._row_h
        hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
        view_w = max(0, room - self._name_w)
        view_h = max(0, self.viewport().height() - self._header_h)
        hbar.setRange(0, max(0, cells_w - view_w))
        hbar.setPageStep(view_w)
        hbar.setSingleStep(self._cell_w)
        vbar.setRange(0, max(0, rows_h - view_h))
        vbar.setPageStep(view_h)
        vbar.setSingleStep(self._row_h)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._relayout()
            self.viewport().update()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def sizeHint(self) -> QSize:
        return QSize(640, 420)

    def cell_rect(self, skill_key: str, column: str | None) -> QRect:
        """Where a cell (or, for ``None``, a skill's name) is drawn in viewport coordinates."""
        row = self._row_of[skill_key]
        y = self._header_h + row * self._row_h - self.verticalScrollBar().value()
        if column is None:
            return QRect(0, y, self._name_w, self._row_h)
        col = self.table.columns.index(column)
        x = self._name_w + col * self._cell_w - self.horizontalScrollBar().value()
        return QRect(x, y, self._cell_w, self._row_h)

    def ensure_visible(self, skill_key: str, column: str | None) -> None:
        row = self._row_of[skill_key]
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        top = row * self._row_h
        view_h = self.viewport().height() - self._header_h
        if top < vbar.value():
            vbar.setValue(top)
        elif top + self._row_h > vbar.value() + view_h:
            vbar.setValue(top + self._row_h - view_h)
        if column is not None:
            left = self.table.columns.index(column) * self._cell_w
            view_w = self.viewport().width() - self._name_w
            if left < hbar.value():
                hbar.setValue(left)
            elif left + self._cell_w > hbar.value() + view_w:
                hbar.setValue(left + self._cell_w - view_w)

    def _hit(self, pos: QPoint) -> tuple[int, int | None] | None:
        """(row, column index or None for the name column), or None outside the grid."""
        if pos.y() < self._header_h:
            return None
        row = (pos.y() - self._header_h + self.verticalScrollBar().value()) // self._row_h
        if not 0 <= row < len(self.table.rows):
            return None
        if pos.x() < self._name_w:
            return row, None
        col = (pos.x() - self._name_w + self.horizontalScrollBar().value()) // self._cell_w
        return (row, col) if 0 <= col < len(self.table.columns) else None

    # ------------------------------------------------------------ input

    def select(self, skill_key: str, column: str | None, *, notify: bool = True) -> None:
        self.selected = (skill_key, column)
        self.ensure_visible(skill_key, column)
        self.viewport().update()
        if notify:
            emit(self.cell_clicked, skill_key, column)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position().toPoint())
        if hit is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        row, col = hit
        skill = self.table.rows[row].skill
        if skill is None:
            return
        column = None if col is None else self.table.columns[col]
        if column is not None and (skill.key, column) not in self.table.cells:
            return  # an empty cell proves nothing: keep the current list
        self.select(skill.key, column)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = Qt.Key
        skills = [r.skill.key for r in self.table.rows if r.skill is not None]
        if not skills or event.key() not in (keys.Key_Up, keys.Key_Down, keys.Key_Left, keys.Key_Right):
            super().keyPressEvent(event)
            return
        key, column = self.selected or (skills[0], None)
        row = skills.index(key) if key in skills else 0
        cols: list[str | None] = [None, *self.table.columns]
        col = cols.index(column) if column in cols else 0
        if event.key() == keys.Key_Up:
            row = max(0, row - 1)
        elif event.key() == keys.Key_Down:
            row = min(len(skills) - 1, row + 1)
        elif event.key() == keys.Key_Left:
            col = max(0, col - 1)
        else:
            col = min(len(cols) - 1, col + 1)
        self.select(skills[row], cols[col])

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            hit = self._hit(event.pos())  # type: ignore[attr-defined]
            text = self._tooltip(hit) if hit is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def _tooltip(self, hit: tuple[int, int | None]) -> str:
        row, col = hit
        skill = self.table.rows[row].skill
        if skill is None:
            return ""
        if col is None:
            parts = [skill_label(skill)]
            if skill.aliases:
                parts.append("Also named: " + ", ".join(skill.aliases))
            parts.append(f"{len(skill.proofs)} badge(s): {skill.fresh} fresh, {skill.unverified} not verified, "
                         f"{skill.stale} stale. Click to list them.")  # fmt: skip
            return "\n".join(parts)
        column = self.table.columns[col]
        cell = self.table.cells.get((skill.key, column))
        where = "undated" if column == UNKNOWN_YEAR else column
        if cell is None:
            return f"{skill.name} · {where}: no badge"
        other = cell.count - cell.fresh - cell.stale
        return (
            f"{skill.name} · {where}: {cell.count} badge{'s' if cell.count != 1 else ''} "
            f"({cell.fresh} fresh, {other} not verified, {cell.stale} stale). Click to list them."
        )

    # ------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        palette = self.palette()
        width, height = self.viewport().width(), self.viewport().height()
        painter.fillRect(0, 0, width, height, palette.color(QPalette.ColorRole.Base))
        if not self.table.rows:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                QRect(20, 20, width - 40, height - 40),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self.empty_text,
            )
            painter.end()
            return
        first = max(0, self.verticalScrollBar().value() // self._row_h)
        last = min(len(self.table.rows), first + (height - self._header_h) // self._row_h + 2)
        self._paint_cells(painter, first, last, width, height)
        self._paint_names(painter, first, last, height)
        self._paint_header(painter, width)
        painter.end()

    def _row_top(self, row: int) -> int:
        return self._header_h + row * self._row_h - self.verticalScrollBar().value()

    def _paint_cells(self, painter: QPainter, first: int, last: int, width: int, height: int) -> None:
        palette = self.palette()
        painter.save()
        painter.setClipRect(self._name_w, self._header_h, width - self._name_w, height - self._header_h)
        x0 = self._name_w - self.horizontalScrollBar().value()
        first_col = max(0, self.horizontalScrollBar().value() // self._cell_w)
        last_col = min(len(self.table.columns), first_col + (width - self._name_w) // self._cell_w + 2)
        empty = palette.color(QPalette.ColorRole.AlternateBase)
        band = palette.color(QPalette.ColorRole.Window)
        grid_right = x0 + len(self.table.columns) * self._cell_w
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        number_font = QFont(self.font())
        number_font.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.92))
        painter.setFont(number_font)
        for row in range(first, last):
            y = self._row_top(row)
            entry = self.table.rows[row]
            if entry.skill is None:
                painter.fillRect(QRect(self._name_w, y, max(0, grid_right - self._name_w), self._row_h), band)
                continue
            key = entry.skill.key
            for col in range(first_col, last_col):
                column = self.table.columns[col]
                rect = QRectF(x0 + col * self._cell_w + 1.5, y + 1.5, self._cell_w - 3, self._row_h - 3)
                cell = self.table.cells.get((key, column))
                if cell is None:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(empty)
                    painter.drawRoundedRect(rect, 3, 3)
                    continue
                fill = cell_color(cell_tone(cell), cell.weight / self.table.max_weight, palette)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(fill)
                painter.drawRoundedRect(rect, 3, 3)
                painter.setPen(readable_on(fill))
                painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(cell.count))
        if self.selected is not None and self.selected[0] in self._row_of:
            chosen_key, chosen_column = self.selected
            if chosen_column is not None and chosen_column in self.table.columns:
                rect = QRectF(self.cell_rect(chosen_key, chosen_column)).adjusted(0.5, 0.5, -0.5, -0.5)
                pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2.5)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect, 4, 4)
        painter.restore()

    def _paint_names(self, painter: QPainter, first: int, last: int, height: int) -> None:
        palette = self.palette()
        painter.save()
        painter.setClipRect(0, self._header_h, self._name_w, height - self._header_h)
        painter.fillRect(
            0, self._header_h, self._name_w, height - self._header_h, palette.color(QPalette.ColorRole.Base)
        )
        fm = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        selected_key = self.selected[0] if self.selected else None
        text_color = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        for row in range(first, last):
            y = self._row_top(row)
            entry = self.table.rows[row]
            rect = QRect(0, y, self._name_w, self._row_h)
            if entry.skill is None:
                painter.fillRect(rect, palette.color(QPalette.ColorRole.Window))
                painter.setFont(bold)
                painter.setPen(palette.color(QPalette.ColorRole.WindowText))
                painter.drawText(rect.adjusted(8, 0, -6, 0), int(Qt.AlignmentFlag.AlignVCenter),
                                 QFontMetrics(bold).elidedText(entry.group or "", Qt.TextElideMode.ElideRight,
                                                               self._name_w - 14))  # fmt: skip
                continue
            skill = entry.skill
            if skill.key == selected_key:
                painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
                painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            else:
                painter.setPen(text_color if skill.fresh or skill.unverified else muted)
            painter.setFont(self.font())
            # a small freshness mark before the name: the skill's best proof
            tone = FRESH if skill.fresh else UNVERIFIED if skill.unverified else STALE
            mark = QRectF(8, y + (self._row_h - 12) / 2, 12, 12)
            paint_shape(painter, mark, FRESHNESS_LOOK[tone][1], icon_color(FRESHNESS_LOOK[tone][0], palette))
            label = fm.elidedText(skill_label(skill, framework=False), Qt.TextElideMode.ElideRight, self._name_w - 34)
            painter.drawText(rect.adjusted(26, 0, -6, 0), int(Qt.AlignmentFlag.AlignVCenter), label)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(self._name_w - 1, self._header_h, self._name_w - 1, height)
        painter.restore()

    def _paint_header(self, painter: QPainter, width: int) -> None:
        palette = self.palette()
        painter.save()
        painter.fillRect(0, 0, width, self._header_h, palette.color(QPalette.ColorRole.Window))
        fm = self.fontMetrics()
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        skills = len(self._row_of)
        corner = f"{skills} skill{'s' if skills != 1 else ''}"
        axis = "by issuer" if self.by == BY_ISSUER else "by year"
        painter.drawText(
            QRect(8, 0, self._name_w - 14, self._header_h),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
            fm.elidedText(f"{corner} · {axis}", Qt.TextElideMode.ElideRight, self._name_w - 14),
        )
        painter.setClipRect(self._name_w, 0, width - self._name_w, self._header_h)
        x0 = self._name_w - self.horizontalScrollBar().value()
        for col, column in enumerate(self.table.columns):
            x = x0 + col * self._cell_w
            if x + self._cell_w < self._name_w or x > width:
                continue
            text = "?" if column == UNKNOWN_YEAR else column
            if self.by == BY_ISSUER:
                painter.save()
                painter.translate(x + self._cell_w / 2 + fm.ascent() / 2 - 2, self._header_h - 6)
                painter.rotate(-90)
                painter.drawText(0, 0, fm.elidedText(text, Qt.TextElideMode.ElideRight, self._header_h - 14))
                painter.restore()
            else:
                painter.drawText(
                    QRect(x, 0, self._cell_w, self._header_h - 4),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                    text,
                )
        painter.setClipping(False)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(0, self._header_h - 1, width, self._header_h - 1)
        painter.restore()


class HeatLegend(QWidget):
    """What the cell colours mean: one swatch per freshness, and strength for how many badges."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_count = 0
        self.setAccessibleName("Heat map legend")
        self.setToolTip(
            "Colour says how fresh a cell's badges are; a stronger colour means more of them. "
            "The number is the count of badges."
        )

    def set_max(self, count: int) -> None:
        self.max_count = count
        self.updateGeometry()
        self.update()

    def _items(self) -> list[tuple[str, str]]:
        return [(tone, FRESHNESS_LOOK[tone][2]) for tone in (FRESH, UNVERIFIED, STALE)]

    def _ramp_label(self) -> str:
        return f"1 … {self.max_count} badges" if self.max_count > 1 else "1 badge"

    def _layout(self) -> tuple[list[tuple[str, str, int, int]], int, int, int]:
        """(tone, label, swatch x, text x) per freshness, the ramp's x, its label's x, and the total width."""
        fm = self.fontMetrics()
        side = fm.height() - 2
        x = 0
        items = []
        for tone, label in self._items():
            items.append((tone, label, x, x + side + 5))
            x += side + 5 + fm.horizontalAdvance(label) + 16
        ramp = x
        text = ramp + 5 * (side + 2) + 5
        return items, ramp, text, text + fm.horizontalAdvance(self._ramp_label()) + 4

    def sizeHint(self) -> QSize:
        return QSize(self._layout()[3], self.fontMetrics().height() + 8)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        fm = self.fontMetrics()
        side = fm.height() - 2
        y = (self.height() - side) // 2
        items, ramp, text_x, width = self._layout()
        for tone, label, x, tx in items:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(cell_color(tone, 0.8, palette))
            painter.drawRoundedRect(QRectF(x, y, side, side), 3, 3)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(QRect(tx, 0, fm.horizontalAdvance(label) + 4, self.height()),
                             int(Qt.AlignmentFlag.AlignVCenter), label)  # fmt: skip
        for i in range(5):  # strength ramp, in the fresh hue
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(cell_color(FRESH, i / 4, palette))
            painter.drawRoundedRect(QRectF(ramp + i * (side + 2), y, side, side), 3, 3)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(QRect(text_x, 0, width - text_x, self.height()), int(Qt.AlignmentFlag.AlignVCenter),
                         self._ramp_label())  # fmt: skip
        painter.end()


# =====================================================================================================================
# stacks and "earn next"


class StepPill(QWidget):
    """One step of a stack: held (filled, ticked) or not yet (dashed outline, muted, "not yet")."""

    def __init__(self, name: str, held: bool, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.held = held
        self.setToolTip(tip)
        self.setAccessibleName(f"{name}: {'held' if held else 'not yet held'}")

    def _label(self) -> str:
        return self.name if self.held else f"{self.name} · not yet"

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(min(fm.horizontalAdvance(self._label()) + fm.height() + 34, 380), fm.height() + 12)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        radius = rect.height() / 2
        if self.held:
            bg, fg = tone_colors("good", palette)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(bg)
            painter.drawRoundedRect(rect, radius, radius)
            shape = CHECK
        else:
            fg = palette.color(QPalette.ColorRole.PlaceholderText)
            pen = QPen(fg, 1.3, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, radius, radius)
            shape = DASH
        icon = QRectF(rect.left() + 6, rect.top() + 3, rect.height() - 6, rect.height() - 6)
        paint_shape(painter, icon, shape, fg)
        painter.setPen(fg)
        text_rect = rect.adjusted(rect.height() + 4, 0, -10, 0)
        text = self.fontMetrics().elidedText(self._label(), Qt.TextElideMode.ElideRight, int(text_rect.width()))
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter), text)
        painter.end()


class StackCard(QFrame):
    """A stack: its top as the title, "n of m held", and the chain of steps in order."""

    def __init__(self, stack: Stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stack = stack
        self.setObjectName("StackCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = vbox(self, margins=10, spacing=6)
        title = QLabel(f"<b>{_esc(stack.name)}</b>")
        title.setWordWrap(True)
        meta = QLabel(
            f"{stack.held_count} of {len(stack.steps)} held"
            + (f" · {', '.join(stack.issuers)}" if stack.issuers else "")
        )
        meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(title)
        layout.addWidget(meta)
        chain = QWidget()
        flow = FlowLayout(chain, spacing=4)
        self.pills: list[StepPill] = []
        for i, step in enumerate(stack.steps):
            if i:
                arrow = QLabel("→")
                arrow.setAccessibleName("then")
                arrow.setAlignment(Qt.AlignmentFlag.AlignCenter)
                arrow.setFixedHeight(self.fontMetrics().height() + 12)  # a pill's height: centred between them
                flow.addWidget(arrow)
            when = f", first on {format_date(step.date)}" if step.date else ""
            tip = f"Held: {len(step.record_ids)} badge(s){when}" if step.held else "Not yet held: earn it to move up"
            pill = StepPill(step.name, step.held, f"{step.name}\n{tip}")
            self.pills.append(pill)
            flow.addWidget(pill)
        layout.addWidget(chain)


class StacksPanel(QScrollArea):
    """Every stack, biggest first, as cards."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Stacks")
        self.cards: list[StackCard] = []
        self._body = QWidget()
        self._layout = vbox(self._body, margins=2, spacing=8)
        self.setWidget(self._body)

    def set_stacks(self, found: Sequence[Stack]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.cards = [StackCard(s) for s in found]
        for card in self.cards:
            self._layout.addWidget(card)
        if not found:
            hint = QLabel(
                "No stacks yet. A stack appears when two or more of your badges build on each other "
                "(an issuer says one precedes or is part of another)."
            )
            hint.setWordWrap(True)
            hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            self._layout.addWidget(hint)
        self._layout.addStretch(1)


class EarnNextList(QTreeWidget):
    """Achievements your badges point to that you do not hold yet; Enter or double-click opens the page given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EarnNext")
        self.setAccessibleName("Earn next")
        self.setHeaderLabels(["Earn next", "Why", "Issuer"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # full text in each cell's tooltip
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.header().setStretchLastSection(True)
        self.itemActivated.connect(lambda item, _col: self.open_url(item.data(0, URL_ROLE)))
        self.opener: Callable[[QUrl], Any] = QDesktopServices.openUrl

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = self.viewport().width()
        self.setColumnWidth(0, int(width * 0.36))
        self.setColumnWidth(1, int(width * 0.40))

    def set_items(self, found: Sequence[EarnNext]) -> None:
        self.clear()
        for e in found:
            why = {"next": "next after", "parent": "includes", "newer version": "newer version of"}.get(
                e.relation, "related to"
            )
            url = e.url or e.issuer_url
            item = QTreeWidgetItem([_short_name(e.name), f"{why} {', '.join(e.via_names)}", e.issuer or ""])
            item.setData(0, URL_ROLE, url)
            tip = [e.name]
            if e.skills:
                tip.append("Skills: " + ", ".join(e.skills))
            if url:
                tip.append(f"{url}\nDouble-click to open")
            for col in range(3):
                item.setToolTip(col, "\n".join(tip) if col == 0 else item.text(col))
            self.addTopLevelItem(item)
        if not found:
            item = QTreeWidgetItem(["Nothing yet: no badge names a next step you lack.", "", ""])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addTopLevelItem(item)

    def current_url(self) -> str | None:
        item = self.currentItem()
        url = item.data(0, URL_ROLE) if item is not None else None
        return str(url) if url else None

    def open_url(self, url: str | None) -> None:
        """Open a suggestion's page in the browser (only http and https links)."""
        if url and url.startswith(("https://", "http://")):
            self.opener(QUrl(url))


def _short_name(name: str) -> str:
    """An achievement known only by its URL reads better as the URL's last part."""
    if name.startswith(("https://", "http://")):
        tail = name.rstrip("/").rsplit("/", 1)[-1]
        return tail.replace("-", " ").replace("_", " ").strip() or name
    return name


# =====================================================================================================================
# the badges behind a cell


class BadgeList(QTreeWidget):
    """Badges proving a skill (in one column of the map), newest last; Enter or double-click shows one."""

    open_record = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SkillBadges")
        self.setAccessibleName("Badges proving the selected skill")
        self.setHeaderLabels(["Badge", "Issuer", "Awarded", "Freshness", "Read from"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.itemActivated.connect(self._activated)

    def set_proofs(self, proofs: Sequence[Proof]) -> None:
        self.clear()
        for p in proofs:
            tone, shape, label, why = FRESHNESS_LOOK[p.freshness]
            reason = p.reason.replace("_", " ")
            item = QTreeWidgetItem([p.badge, p.issuer, format_date(p.date) or "undated", label, p.source])
            item.setData(0, RECORD_ROLE, p.record_id)
            item.setIcon(3, shape_icon(shape, icon_color(tone, self.palette()), 14))
            item.setToolTip(3, f"{label}: {why} ({reason})")
            item.setToolTip(0, p.badge + (f"\nAssessed: {p.assessment}" if p.assessment else ""))
            self.addTopLevelItem(item)

    def record_ids(self) -> list[str]:
        items = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return [str(item.data(0, RECORD_ROLE)) for item in items if item is not None]

    def current_record(self) -> str | None:
        item = self.currentItem()
        return str(item.data(0, RECORD_ROLE)) if item is not None and item.data(0, RECORD_ROLE) else None

    def _activated(self, item: QTreeWidgetItem, _col: int) -> None:
        record_id = item.data(0, RECORD_ROLE)
        if record_id:
            emit(self.open_record, str(record_id))


# =====================================================================================================================
# the target panel


class TargetPanel(QWidget):
    """Paste a role or load a role file; shows each skill as proven, stale or missing, and why."""

    compare_requested = Signal(str, object)  # text, role name (None: from the text)
    open_record = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TargetPanel")
        self.report: GapReport | None = None
        self._name: str | None = None
        layout = vbox(self, margins=0, spacing=8)
        intro = QLabel(
            "Paste a job posting or a list of skills (one per line), or load a role file (JSON). "
            "Each skill is shown as proven, stale or missing, with the badges and why they match."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.text = QPlainTextEdit()
        self.text.setObjectName("TargetText")
        self.text.setAccessibleName("Target role or job posting")
        self.text.setPlaceholderText("e.g.\nSQL\nData visualisation\nPython\n\n…or paste the whole job posting")
        self.text.setMaximumHeight(self.fontMetrics().height() * 7)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Compare your skills with this target (Ctrl+Enter)")
        self.compare_button.clicked.connect(self.compare)
        self.load_button = QPushButton("Load role file…")
        self.load_button.setToolTip('A JSON file: {"name": …, "skills": [names or {name, framework, code, synonyms}]}')
        self.load_button.clicked.connect(self._load)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear)
        self.counts = QLabel()
        self.counts.setObjectName("GapCounts")
        row.addWidget(self.compare_button)
        row.addWidget(self.load_button)
        row.addWidget(self.clear_button)
        row.addSpacing(12)
        row.addWidget(self.counts, 1)
        layout.addLayout(row)
        self.tree = QTreeWidget()
        self.tree.setObjectName("GapReport")
        self.tree.setAccessibleName("Gap report")
        self.tree.setHeaderLabels(["Skill", "Status", "Evidence"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.notes)
        self.opener: Callable[[QUrl], Any] = QDesktopServices.openUrl

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.compare()
            return
        super().keyPressEvent(event)

    def compare(self) -> None:
        text = self.text.toPlainText()
        if not text.strip():
            self.show_message("Paste a job posting or a list of skills first, or load a role file.")
            return
        emit(self.compare_requested, text, self._name)

    def set_text(self, text: str, name: str | None = None) -> None:
        self._name = name
        self.text.setPlainText(text)

    def clear(self) -> None:
        self._name = None
        self.report = None
        self.text.clear()
        self.tree.clear()
        self.counts.clear()
        self.notes.clear()

    def _load(self) -> None:
        path = dialogs.ask_open_path(self, "Load a role file", "Role files (*.json *.txt);;All files (*)")
        if not path:
            return
        from pathlib import Path

        try:
            file = Path(path)
            if file.stat().st_size > 1_000_000:
                raise ValueError("The role file is over 1 MB.")
            text = file.read_text(encoding="utf-8")
            # a role file (JSON) names itself; a plain list or posting is named after its file
            self.set_text(text, None if text.lstrip()[:1] in ("{", "[") else file.stem)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self.show_message(f"Could not read {path}: {exc}")
            return
        self.compare()

    def show_message(self, text: str) -> None:
        self.report = None
        self.tree.clear()
        self.counts.setText(text)
        self.notes.clear()

    def show_report(self, report: GapReport) -> None:
        self.report = report
        counts = report.counts()
        self.counts.setText(
            f"<b>{_esc(report.target.name)}</b>: {counts[PROVEN]} proven · {counts[STALE_ONLY]} stale · "
            f"{counts[MISSING]} missing"
        )
        self.tree.clear()
        for item in report.items:
            self.tree.addTopLevelItem(self._item(item))
        if report.items:
            self.tree.resizeColumnToContents(0)
            self.tree.setColumnWidth(0, min(self.tree.columnWidth(0) + 24, max(220, self.width() // 2)))
        else:
            empty = QTreeWidgetItem(["None of the skills your badges name occur in this text.", "", ""])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.tree.addTopLevelItem(empty)
        self.notes.setText("\n".join(report.notes))

    def rows(self) -> list[tuple[str, str]]:
        """(skill, status) per target skill, as shown."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            status = item.data(1, Qt.ItemDataRole.UserRole) if item is not None else None
            if item is not None and status:
                out.append((item.text(0), str(status)))
        return out

    def _item(self, gap: GapItem) -> QTreeWidgetItem:
        tone, shape, label = STATUS_LOOK[gap.status]
        code = " ".join(x for x in (gap.skill.framework, gap.skill.code) if x)
        name = f"{gap.skill.name} ({code})" if code else gap.skill.name
        evidence = self._summary(gap)
        top = QTreeWidgetItem([name, label, evidence])
        top.setData(1, Qt.ItemDataRole.UserRole, gap.status)
        top.setIcon(1, shape_icon(shape, icon_color(tone, self.palette()), 14))
        top.setToolTip(2, evidence)
        for m in gap.matches:
            why = f"matched “{m.skill_name}”: {m.reason} ({m.matched})" + (f", {m.detail}" if m.detail else "")
            child = QTreeWidgetItem(["", "", why])
            child.setToolTip(2, why)
            top.addChild(child)
        for p in gap.proofs:
            look = FRESHNESS_LOOK[p.freshness]
            when = format_date(p.date) or "undated"
            text = f"{p.badge} · {p.issuer} · {when} · {look[2].lower()}" + (
                f" · {p.assessment}" if p.assessment else ""
            )
            child = QTreeWidgetItem(["", look[2], text])
            child.setIcon(1, shape_icon(look[1], icon_color(look[0], self.palette()), 12))
            child.setData(0, RECORD_ROLE, p.record_id)
            child.setToolTip(2, text + "\nDouble-click to show this badge")
            top.addChild(child)
        for s in gap.suggestions:
            url = s.url or s.issuer_url
            text = f"earn {s.name}" + (f" from {s.issuer}" if s.issuer else "") + f" ({s.reason})"
            child = QTreeWidgetItem(["", "Suggestion", text + (f" – {url}" if url else "")])
            child.setData(0, URL_ROLE, url)
            child.setToolTip(2, (url or text) + ("\nDouble-click to open" if url else ""))
            top.addChild(child)
        return top

    def _summary(self, gap: GapItem) -> str:
        if gap.status == MISSING:
            if gap.suggestions:
                return f"no badge names it; {len(gap.suggestions)} you could earn"
            return "no badge names it"
        fresh = sum(1 for p in gap.proofs if p.freshness == FRESH)
        stale = sum(1 for p in gap.proofs if p.freshness == STALE)
        other = len(gap.proofs) - fresh - stale
        parts = [f"{n} {w}" for n, w in ((fresh, "fresh"), (other, "not verified"), (stale, "stale")) if n]
        first = gap.matches[0].reason if gap.matches else ""
        return f"{len(gap.proofs)} badge{'s' if len(gap.proofs) != 1 else ''} ({', '.join(parts)}) · {first}"

    def _activated(self, item: QTreeWidgetItem, _col: int) -> None:
        record_id = item.data(0, RECORD_ROLE)
        url = item.data(0, URL_ROLE)
        if record_id:
            emit(self.open_record, str(record_id))
        elif url and str(url).startswith(("https://", "http://")):
            self.opener(QUrl(str(url)))


# =====================================================================================================================
# the page


class SkillsView(QWidget):
    """The Skills page: header, then tabs for the heat map, stacks and earn next, and the target."""

    open_record = Signal(str)  # show this badge in the collection
    message = Signal(str)

    def __init__(self, session: WalletSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SkillsView")
        self._session = session
        self.source = SkillsSource(session, self)
        self.snapshot: SkillsSnapshot | None = None
        self.by = BY_YEAR
        self._cell: tuple[str, str | None] | None = None
        self._gap_text: tuple[str, str | None] | None = None

        layout = vbox(self, margins=14, spacing=8)
        top = QHBoxLayout()
        title = QLabel("Skills")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.summary = QLabel()
        self.summary.setObjectName("SkillsSummary")
        self.summary.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setMaximumHeight(10)
        self.progress.setTextVisible(False)
        self.progress.hide()
        top.addWidget(title)
        top.addSpacing(10)
        top.addWidget(self.summary, 1)
        top.addWidget(self.progress)
        layout.addLayout(top)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_map_tab(), "Heat map")
        self.tabs.addTab(self._build_stacks_tab(), "Stacks && next")
        self.target = TargetPanel()
        target_page = QWidget()
        vbox(target_page, margins=8).addWidget(self.target)
        self.tabs.addTab(target_page, "Target")

        self.source.updated.connect(self._updated)
        self.source.progress.connect(self._progress)
        self.source.failed.connect(self._failed)
        self.target.compare_requested.connect(self.compare)
        self.target.open_record.connect(lambda rid: emit(self.open_record, rid))

    # ------------------------------------------------------------ building

    def _build_map_tab(self) -> QWidget:
        page = QWidget()
        layout = vbox(page, margins=8, spacing=6)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Columns:"))
        self.years_button = QToolButton()
        self.years_button.setText("Years")
        self.years_button.setCheckable(True)
        self.years_button.setChecked(True)
        self.years_button.setToolTip("One column per year a badge was awarded")
        self.issuers_button = QToolButton()
        self.issuers_button.setText("Issuers")
        self.issuers_button.setCheckable(True)
        self.issuers_button.setToolTip("One column per issuer")
        group = QButtonGroup(page)
        group.setExclusive(True)
        group.addButton(self.years_button)
        group.addButton(self.issuers_button)
        self.years_button.clicked.connect(lambda: self.set_columns(BY_YEAR))
        self.issuers_button.clicked.connect(lambda: self.set_columns(BY_ISSUER))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter skills")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter skills")
        self.filter.setMaximumWidth(220)
        self.filter.textChanged.connect(lambda _t: self._show_map())
        self.legend = HeatLegend()
        bar.addWidget(self.years_button)
        bar.addWidget(self.issuers_button)
        bar.addSpacing(8)
        bar.addWidget(self.filter)
        bar.addStretch(1)
        bar.addWidget(self.legend)
        layout.addLayout(bar)

        self.map_splitter = QSplitter(Qt.Orientation.Vertical)
        self.heat = HeatMapView()
        self.heat.cell_clicked.connect(self._cell_clicked)
        self.map_splitter.addWidget(self.heat)
        lower = QWidget()
        lower_layout = vbox(lower, margins=0, spacing=4)
        row = QHBoxLayout()
        self.cell_title = QLabel("Click a cell to see the badges behind it, or a skill's name for all of its badges.")
        self.cell_title.setObjectName("CellTitle")
        self.cell_title.setWordWrap(True)
        self.show_button = QPushButton("Show in collection")
        self.show_button.setToolTip("Open the selected badge in your collection (or double-click it)")
        self.show_button.setEnabled(False)
        self.show_button.clicked.connect(self._show_selected_badge)
        row.addWidget(self.cell_title, 1)
        row.addWidget(self.show_button)
        lower_layout.addLayout(row)
        self.badges = BadgeList()
        self.badges.open_record.connect(lambda rid: emit(self.open_record, rid))
        self.badges.itemSelectionChanged.connect(
            lambda: self.show_button.setEnabled(bool(self.badges.current_record()))
        )
        lower_layout.addWidget(self.badges, 1)
        self.map_splitter.addWidget(lower)
        self.map_splitter.setStretchFactor(0, 3)
        self.map_splitter.setStretchFactor(1, 2)
        self.map_splitter.setChildrenCollapsible(False)
        layout.addWidget(self.map_splitter, 1)
        return page

    def _build_stacks_tab(self) -> QWidget:
        page = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = vbox(left, margins=8, spacing=6)
        heading = QLabel("<b>Stacks</b> – badges that build on each other, in order")
        left_layout.addWidget(heading)
        self.stacks_panel = StacksPanel()
        left_layout.addWidget(self.stacks_panel, 1)
        right = QWidget()
        right_layout = vbox(right, margins=8, spacing=6)
        right_layout.addWidget(QLabel("<b>Earn next</b> – what your badges point to that you do not hold yet"))
        self.earn = EarnNextList()
        right_layout.addWidget(self.earn, 1)
        self.open_link_button = QPushButton("Open page")
        self.open_link_button.setToolTip("Open the selected achievement's page in your browser")
        self.open_link_button.setEnabled(False)
        self.open_link_button.clicked.connect(lambda: self.earn.open_url(self.earn.current_url()))
        self.earn.itemSelectionChanged.connect(lambda: self.open_link_button.setEnabled(bool(self.earn.current_url())))
        links = QHBoxLayout()
        links.addStretch(1)
        links.addWidget(self.open_link_button)
        right_layout.addLayout(links)
        page.addWidget(left)
        page.addWidget(right)
        page.setStretchFactor(0, 3)
        page.setStretchFactor(1, 2)
        page.setChildrenCollapsible(False)
        return page

    # ------------------------------------------------------------ life cycle

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.source.activate()

    def refresh(self) -> None:
        self.source.activate()
        self.source.refresh()

    def _progress(self, done: int, total: int) -> None:
        if total < 2 * READ_CHUNK:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.show()
        self.summary.setText(f"Reading badges… {done:,} of {total:,}")

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        text = getattr(exc, "user_message", None) or f"The skills map could not be built: {exc}"
        log.warning("skills map failed", exc_info=exc)
        self.summary.setText(text)
        emit(self.message, text)

    def _updated(self, snapshot: SkillsSnapshot) -> None:
        self.progress.hide()
        self.snapshot = snapshot
        data = snapshot.skill_map
        fresh = sum(1 for s in data.skills if s.fresh)
        stale = sum(1 for s in data.skills if not s.fresh and not s.unverified)
        self.summary.setText(
            f"{len(data.skills)} skill{'s' if len(data.skills) != 1 else ''} from {len(data.credentials):,} "
            f"badge{'s' if len(data.credentials) != 1 else ''} · {fresh} fresh · {stale} only stale · "
            f"{len(snapshot.stacks)} stack{'s' if len(snapshot.stacks) != 1 else ''}"
        )
        self.heat.empty_text = (
            "No skills yet. Badges name skills in their alignments (framework codes) and tags; "
            "import some and they show up here."
        )
        self._show_map()
        self.stacks_panel.set_stacks(snapshot.stacks)
        self.earn.set_items(snapshot.earn_next)
        if self._gap_text is not None:  # the wallet changed under an open comparison: redo it
            self.compare(*self._gap_text)

    # ------------------------------------------------------------ heat map

    def set_columns(self, by: str) -> None:
        self.by = by
        self.years_button.setChecked(by == BY_YEAR)
        self.issuers_button.setChecked(by == BY_ISSUER)
        self._show_map()

    def _show_map(self) -> None:
        if self.snapshot is None:
            return
        table = heat_table(self.snapshot.skill_map, self.by, self.filter.text())
        self.heat.set_table(table, self.by)
        self.legend.set_max(table.max_count)
        if self._cell is not None and self._cell[0] in self.snapshot.skill_map.index:
            key, column = self._cell
            if column is not None and column not in table.columns:
                column = None
            self.heat.selected = (key, column)
            self._list_cell(key, column)
        else:
            self._cell = None
            self.badges.clear()

    def _cell_clicked(self, skill_key: str, column: str | None) -> None:
        self._cell = (skill_key, column)
        self._list_cell(skill_key, column)

    def _list_cell(self, skill_key: str, column: str | None) -> None:
        if self.snapshot is None:
            return
        skill = self.snapshot.skill_map.index.get(skill_key)
        if skill is None:
            return
        proofs = cell_proofs(self.snapshot.skill_map, skill_key, column, self.by)
        where = ""
        if column is not None:
            where = " · undated" if column == UNKNOWN_YEAR else f" · {column}"
        self.cell_title.setText(
            f"<b>{_esc(skill_label(skill))}</b>{_esc(where)} – {len(proofs)} badge{'s' if len(proofs) != 1 else ''}"
        )
        self.badges.set_proofs(proofs)
        self.show_button.setEnabled(False)

    def _show_selected_badge(self) -> None:
        record_id = self.badges.current_record()
        if record_id:
            emit(self.open_record, record_id)

    # ------------------------------------------------------------ target

    def compare(self, text: str, name: str | None = None) -> None:
        """Gap report of ``text`` (a posting, a list or a role file) against the current map, on a worker."""
        self._gap_text = (text, name)
        if self.snapshot is None:
            self.target.show_message("Your skills are still being read…")
            return
        skill_map = self.snapshot.skill_map

        def work(_p: Any) -> GapReport:
            return gap_report(skill_map, parse_target(text, name=name))

        def failed(exc: BaseException) -> None:
            self.target.show_message(getattr(exc, "user_message", None) or f"Could not compare: {exc}")

        self.target.compare_button.setEnabled(False)

        def done(report: GapReport) -> None:
            self.target.compare_button.setEnabled(True)
            self.target.show_report(report)

        def broke(exc: BaseException) -> None:
            self.target.compare_button.setEnabled(True)
            failed(exc)

        self._session.tasks.run_background("skills gap", work, done=done, failed=broke)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


__all__ = ["HeatMapView", "SkillsSnapshot", "SkillsSource", "SkillsView", "heat_table"]
