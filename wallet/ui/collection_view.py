"""The collection page: the card grid/list and the friendly empty state.

The view is a plain ``QListView`` over ``CollectionModel`` with the card
delegate; switching grid/list changes the view mode and the delegate's
layout, not the model.  Sizes are uniform so a 10,000-row reset lays out in
constant time per row.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel, QListView, QPushButton, QWidget

from .cards import GRID_SIZE, CardDelegate
from .qtcompat import emit
from .widgets import vbox


class CollectionView(QListView):
    """Cards in a grid or rows in a list; Enter opens, Delete asks to remove."""

    open_requested = Signal()
    delete_requested = Signal()

    def __init__(self, delegate: CardDelegate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Collection")
        self.setAccessibleName("Badges")
        self._delegate = delegate
        self.setItemDelegate(delegate)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMouseTracking(True)
        self.setDragEnabled(False)
        self.setAcceptDrops(False)  # drops bubble up to the window, which imports them
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(400)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.set_grid(True)

    @property
    def grid(self) -> bool:
        return self._delegate.grid

    def set_grid(self, grid: bool) -> None:
        self._delegate.grid = grid
        if grid:
            self.setViewMode(QListView.ViewMode.IconMode)
            self.setFlow(QListView.Flow.LeftToRight)
            self.setWrapping(True)
            self.setResizeMode(QListView.ResizeMode.Adjust)
            self.setMovement(QListView.Movement.Static)
            self._fit_grid()
            self.setSpacing(0)
        else:
            self.setViewMode(QListView.ViewMode.ListMode)
            self.setFlow(QListView.Flow.TopToBottom)
            self.setWrapping(False)
            self.setResizeMode(QListView.ResizeMode.Adjust)
            self.setMovement(QListView.Movement.Static)
            self.setGridSize(QSize(-1, -1))
            self.setSpacing(0)
        self.scheduleDelayedItemsLayout()

    def _fit_grid(self) -> None:
        """Spread the columns over the whole width, so no strip of empty space is left on the right."""
        width = max(self.viewport().width() - 2, GRID_SIZE.width())
        columns = max(1, width // GRID_SIZE.width())
        cell = QSize(min(width // columns, int(GRID_SIZE.width() * 1.35)), GRID_SIZE.height())
        if cell != self._delegate.cell:
            self._delegate.cell = cell
            self.setGridSize(cell)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.grid:
            self._fit_grid()

    def updateGeometries(self) -> None:
        """Also called when a scroll bar appears and narrows the viewport."""
        super().updateGeometries()
        if self.grid:
            self._fit_grid()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            emit(self.open_requested)
            return
        if event.key() == Qt.Key.Key_Delete and self.currentIndex().isValid():
            emit(self.delete_requested)
            return
        super().keyPressEvent(event)


ART_SIZE = 96
TEXT_WIDTH = 520


class EmptyState(QWidget):
    """What an empty wallet (or a search with no match) shows instead of a blank grid."""

    import_clicked = Signal()
    check_clicked = Signal()
    clear_search_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EmptyState")
        layout = vbox(self, margins=40, spacing=12)
        layout.addStretch(2)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.button = QPushButton()
        self.button.setDefault(True)
        self.button.setMinimumWidth(200)
        self.button.clicked.connect(self._clicked)
        self.secondary = QLabel('<a href="check">Check a badge someone sent you</a>')
        self.secondary.setToolTip("Verify a badge without adding it to your wallet (Ctrl+K)")
        self.secondary.linkActivated.connect(self._check_link)
        self.text.setFixedWidth(TEXT_WIDTH)
        layout.addSpacing(ART_SIZE + 24)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(6)
        for widget in (self.button, self.secondary):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        self.mode = ""
        self.set_empty()

    def set_empty(self) -> None:
        self.mode = "empty"
        self.title.setText("Your wallet is empty")
        self.text.setText(
            "Add your first badge: drag badge files, folders, ZIP archives or links from your browser "
            "onto this window, paste a link with Ctrl+V, or choose files."
        )
        self.button.setText("Import badges…")
        self.button.setToolTip("Choose badge files to add (Ctrl+O)")
        self.secondary.show()
        self._fit_text()

    def set_no_match(self, query: str, scope_label: str) -> None:
        self.mode = "nomatch"
        if query:
            self.title.setText("No badge matches")
            self.text.setText(
                f"Nothing in {scope_label} matches “{query}”. Search looks at names, issuers, skills and tags."
            )
            self.button.setText("Clear search")
        else:
            self.title.setText("Nothing here yet")
            self.text.setText(f"There are no badges in {scope_label}.")
            self.button.setText("Show all badges")
        self.button.setToolTip("")
        self.secondary.hide()
        self._fit_text()

    def _fit_text(self) -> None:
        """A centred, wrapped label gets its width from the alignment, so give it the height it needs."""
        self.text.setFixedHeight(self.text.heightForWidth(TEXT_WIDTH))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """A dashed drop zone with a badge outline above the title, in palette colours."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        zone = QRectF(self.rect()).adjusted(28, 28, -28, -28)
        pen = QPen(muted, 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(zone, 14, 14)
        if self.mode == "empty":
            top = self.title.geometry().top() - ART_SIZE - 14
            centre = QPointF(self.width() / 2, top + ART_SIZE * 0.4)
            radius = ART_SIZE * 0.32
            painter.setPen(QPen(muted, 3))
            painter.drawEllipse(centre, radius, radius)
            painter.drawEllipse(centre, radius * 0.62, radius * 0.62)
            for side in (-1, 1):
                ribbon = QPolygonF(
                    [
                        QPointF(centre.x() + side * radius * 0.35, centre.y() + radius * 0.85),
                        QPointF(centre.x() + side * radius * 0.75, top + ART_SIZE),
                        QPointF(centre.x() + side * radius * 0.15, top + ART_SIZE * 0.9),
                    ]
                )
                painter.drawPolyline(ribbon)
        painter.end()

    def _check_link(self, _link: str) -> None:
        emit(self.check_clicked)

    def _clicked(self) -> None:
        if self.mode == "empty":
            emit(self.import_clicked)
        else:
            emit(self.clear_search_clicked)
