"""The main window: sidebar, collection, detail pane, and the actions around them.

The window wires widgets to the ``WalletSession`` and reacts to its
``changed`` announcements by reloading summaries (Anki's OpChanges idea): it
holds no business rules of its own.  Drops, File → Import and paste all end in
``ImportPanel.start``; in "Check a badge" mode they go to the recruiter view
instead, so nothing is stored by accident.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QTreeWidgetItem,
    QWidget,
)

from . import dialogs
from .bundle_dialog import BundleDialog, open_bundle_dialog
from .cards import GRID_THUMB, CardDelegate
from .collection_view import CollectionView, EmptyState
from .detail import DetailPane
from .dialogs import (
    ImportSummaryDialog,
    describe_summary,
    error_box,
    show_about,
)
from .images import ThumbnailCache
from .import_panel import ImportPanel
from .models import SORT_KEYS, CollectionModel, Scope
from .qtcompat import emit
from .recruiter_view import RecruiterView
from .session import Change, WalletSession
from .settings_flow import open_settings
from .share import ShareDialog
from .sidebar import SCOPE_ROLE, Sidebar
from .skills_view import SkillsView
from .widgets import MessageBar, vbox

log = logging.getLogger(__name__)

PAGE_LOCKED, PAGE_EMPTY, PAGE_COLLECTION, PAGE_RECRUITER = range(4)
PAGE_SKILLS = 4  # the Skills page (skills_view.py)
SKILLS = "skills"  # the sidebar entry's data
UNDO_SECONDS = 12
REFRESH_DURING_IMPORT_MS = 700


def sources_from_mime(mime: QMimeData) -> list[str]:
    """Local paths and http(s) links from a drop or the clipboard (files, folders, ZIPs, URLs)."""
    out: list[str] = []
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                out.append(url.toLocalFile())
            elif url.scheme() in ("https", "http"):
                out.append(url.toString())
    if not out and mime.hasText():
        for line in mime.text().splitlines():
            text = line.strip()
            if text.startswith(("https://", "http://")):
                out.append(text)
            elif text.startswith("file://"):
                out.append(QUrl(text).toLocalFile())
            elif text and Path(text).expanduser().exists():
                out.append(str(Path(text).expanduser()))
    return list(dict.fromkeys(out))


class MainWindow(QMainWindow):
    """Badge Wallet's one window."""

    #: the collection and the first item's detail have been painted (screenshot mode, bench)
    ready = Signal()
    #: the user asked to try opening the store again (after a keyring error)
    retry_unlock = Signal()

    def __init__(self, session: WalletSession, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.setObjectName("MainWindow")
        self.setWindowTitle("Badge Wallet")
        self.setAcceptDrops(True)
        self.resize(1180, 760)
        self.undo_stack: list[Any] = []
        self.last_import_summary: Any = None
        self._summary_dialog: ImportSummaryDialog | None = None
        self._share_dialog: ShareDialog | None = None
        self._bundle_dialog: BundleDialog | None = None
        self._pending_select: str | None = None
        self._ready_emitted = False

        ratio = self.devicePixelRatioF()
        self.thumbnails = ThumbnailCache(session.tasks, session.image_source, int(GRID_THUMB * max(ratio, 1.0)))
        self.model = CollectionModel(self)
        self.model.set_thumbnail_source(self.thumbnails.get)
        self.thumbnails.ready.connect(self.model.thumbnail_ready)
        self.delegate = CardDelegate(self.thumbnails, self)

        self._build_widgets()
        self._build_actions()
        self._connect()
        self._restore_state()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DURING_IMPORT_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.show_locked("Opening your wallet…", busy=True)

    # ================================================================ construction

    def _build_widgets(self) -> None:
        central = QWidget()
        outer = vbox(central, spacing=0)
        outer.addWidget(self._build_toolbar())

        self.sidebar = Sidebar()
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_locked_page())
        self.empty_state = EmptyState()
        self.stack.addWidget(self.empty_state)
        self.view = CollectionView(self.delegate)
        self.view.setModel(self.model)
        self.stack.addWidget(self.view)
        self.recruiter = RecruiterView(self.session)
        self.stack.addWidget(self.recruiter)
        self.skills = SkillsView(self.session)
        self.stack.addWidget(self.skills)
        self.detail = DetailPane(self.session)
        self.detail.children_of = self._children_of

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([200, 560, 420])
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        self.message_bar = MessageBar()
        self.import_panel = ImportPanel(self.session)
        outer.addWidget(self.import_panel)
        outer.addWidget(self.message_bar)
        self.setCentralWidget(central)
        self.count_label = QLabel()
        self.key_label = QLabel()
        self.statusBar().addWidget(self.count_label, 1)
        self.statusBar().addPermanentWidget(self.key_label)

    def _build_toolbar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("TopBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 8, 10, 8)
        self.search = QLineEdit()
        self.search.setObjectName("Search")
        self.search.setPlaceholderText("Search names, issuers, skills, tags  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search badges")
        self.search.setToolTip("Filters as you type; every word must match")
        self.search.setMinimumWidth(260)
        self.sort = QComboBox()
        self.sort.setToolTip("Sort badges")
        self.sort.setAccessibleName("Sort by")
        for key, label in SORT_KEYS.items():
            self.sort.addItem(f"Sort: {label}", key)
        self.grid_button = QToolButton()
        self.grid_button.setText("Grid")
        self.grid_button.setCheckable(True)
        self.grid_button.setChecked(True)
        self.grid_button.setToolTip("Show badges as cards (Ctrl+1)")
        self.list_button = QToolButton()
        self.list_button.setText("List")
        self.list_button.setCheckable(True)
        self.list_button.setToolTip("Show badges as a list (Ctrl+2)")
        group = QButtonGroup(bar)
        group.setExclusive(True)
        group.addButton(self.grid_button)
        group.addButton(self.list_button)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip(
            "Add badge files, folders or ZIP archives (Ctrl+O). You can also drop them on the window."
        )
        row.addWidget(self.search, 1)
        row.addWidget(self.sort)
        row.addWidget(self.grid_button)
        row.addWidget(self.list_button)
        row.addSpacing(12)
        row.addWidget(self.import_button)
        self.bundle_button = QPushButton("Résumé bundle…")
        self.bundle_button.setToolTip("One signed ZIP of chosen badges for a recruiter (Ctrl+Shift+E)")
        row.addWidget(self.bundle_button)
        return bar

    def _build_locked_page(self) -> QWidget:
        page = QWidget()
        layout = vbox(page, margins=40, spacing=12)
        layout.addStretch(1)
        self.locked_label = QLabel()
        self.locked_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.locked_label.setWordWrap(True)
        self.locked_bar = QProgressBar()
        self.locked_bar.setRange(0, 0)
        self.locked_bar.setMaximumWidth(240)
        self.locked_bar.setTextVisible(False)
        self.retry_button = QPushButton("Try again")
        layout.addWidget(self.locked_label)
        layout.addWidget(self.locked_bar, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(4)  # the text sits high, clear of a passphrase dialog over the window
        return page

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.import_action = self._action(
            "&Import badges…", self.choose_import, QKeySequence.StandardKey.Open, "Add badge files, folders or ZIPs"
        )
        self.import_folder_action = self._action("Import &folder…", self.choose_import_folder)
        self.paste_action = self._action("&Paste badge or link", self.paste, QKeySequence.StandardKey.Paste)
        self.export_action = self._action("&Export baked badge…", self.detail._export)
        self.bundle_action = self._action(
            "&Résumé bundle…", self.open_bundle, "Ctrl+Shift+E", "One signed ZIP of chosen badges for a recruiter"
        )
        self.settings_action = self._action("&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences)
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        for a in (self.import_action, self.import_folder_action, self.paste_action, None, self.export_action,
                  self.bundle_action, None, self.settings_action, None, self.quit_action):  # fmt: skip
            file_menu.addSeparator() if a is None else file_menu.addAction(a)
        edit_menu = menu.addMenu("&Edit")
        self.undo_action = self._action("&Undo remove", self.undo, QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.find_action = self._action("&Find", self.focus_search, QKeySequence.StandardKey.Find)
        self.remove_action = self._action("&Remove badge", self.remove_current, QKeySequence(Qt.Key.Key_Delete))
        self.reverify_action = self._action("Re-&verify badge", self.reverify_current, "Ctrl+R")
        self.reverify_all_action = self._action("Re-verify &all badges", self.reverify_all)
        for a in (self.undo_action, None, self.find_action, None, self.remove_action, self.reverify_action,
                  self.reverify_all_action):  # fmt: skip
            edit_menu.addSeparator() if a is None else edit_menu.addAction(a)
        view_menu = menu.addMenu("&View")
        self.grid_action = self._action("&Grid", lambda: self.set_grid(True), "Ctrl+1")
        self.list_action = self._action("&List", lambda: self.set_grid(False), "Ctrl+2")
        self.recruiter_action = self._action("&Check a badge", self.sidebar.select_recruiter, "Ctrl+K")
        for a in (self.grid_action, self.list_action, self.recruiter_action):
            view_menu.addAction(a)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action("&About Badge Wallet", lambda: show_about(self)))

    def _connect(self) -> None:
        self.session.changed.connect(self._on_changed)
        self.session.imported_some.connect(self._schedule_refresh)
        self.session.tasks.unhandled_error.connect(self.show_error)
        self.search.textChanged.connect(self._on_search)
        self.sort.currentIndexChanged.connect(lambda _i: self._on_sort())
        self.grid_button.clicked.connect(lambda: self.set_grid(True))
        self.list_button.clicked.connect(lambda: self.set_grid(False))
        self.import_button.clicked.connect(self.choose_import)
        self.sidebar.scope_selected.connect(self._on_scope)
        self.sidebar.recruiter_selected.connect(self._show_recruiter)
        self._connect_skills()
        self.model.visible_changed.connect(self._on_visible_changed)
        self.model.modelReset.connect(self._restore_selection)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.view.open_requested.connect(self.open_detail)
        self.view.doubleClicked.connect(lambda _i: self.open_detail())
        self.view.delete_requested.connect(self.remove_current)
        self.empty_state.import_clicked.connect(self.choose_import)
        self.empty_state.check_clicked.connect(self.sidebar.select_recruiter)
        self.empty_state.clear_search_clicked.connect(self._clear_filters)
        self.detail.remove_requested.connect(self.remove)
        self.detail.reverify_requested.connect(lambda rid: self.reverify([rid]))
        self.detail.export_requested.connect(self.export_baked)
        self.detail.open_record_requested.connect(self.select_record)
        self.detail.share_requested.connect(self.open_share)
        self.bundle_button.clicked.connect(self.open_bundle)
        self.detail.message.connect(lambda text: self.message_bar.show_message(text, timeout_ms=4000))
        self.import_panel.finished.connect(self._import_finished)
        self.import_panel.failed.connect(self._import_failed)
        self.retry_button.clicked.connect(self._retry_unlock)

    # ================================================================ state

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(geometry)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray | bytes) and splitter:
            self.splitter.restoreState(splitter)
        grid = str(self.settings.value("view/grid", "true")).lower() != "false"
        self.set_grid(grid)
        sort = str(self.settings.value("view/sort", "date"))
        index = self.sort.findData(sort)
        if index >= 0:
            self.sort.setCurrentIndex(index)
        self.model.set_sort(self.sort.currentData())

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("view/grid", "true" if self.view.grid else "false")
        self.settings.setValue("view/sort", self.model.sort_kind)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.import_panel.running:
            self.import_panel.cancel()
        self.save_state()
        self.session.close()
        super().closeEvent(event)

    # ================================================================ unlock

    def show_locked(self, text: str, *, busy: bool = False, retry: bool = False) -> None:
        self.locked_label.setText(text)
        self.locked_bar.setVisible(busy)
        self.retry_button.setVisible(retry)
        self.stack.setCurrentIndex(PAGE_LOCKED)
        self.detail.hide()
        for w in (self.search, self.sort, self.grid_button, self.list_button, self.import_button, self.sidebar):
            w.setEnabled(False)

    def _retry_unlock(self) -> None:
        self.show_locked("Opening your wallet…", busy=True)
        emit(self.retry_unlock)

    def attach_store(self, store: Any) -> None:
        """The store is open: show the collection."""
        self.session.attach(store)
        for w in (self.search, self.sort, self.grid_button, self.list_button, self.import_button, self.sidebar):
            w.setEnabled(True)
        source = self.session.key_source()
        self.key_label.setText(f"Protected by {source}" if source else "")
        self.key_label.setToolTip(f"Wallet folder: {self.session.home}")
        self.refresh()

    # ================================================================ collection

    def refresh(self) -> None:
        """Reload the summaries from the store (after any change)."""
        if self.session.is_open:
            self.session.load_summaries(self._summaries_loaded, self.show_error)

    def _schedule_refresh(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _summaries_loaded(self, rows: list[Any]) -> None:
        current = self.current_id()
        self._pending_select = self._pending_select or current
        self.model.set_summaries(rows)
        self.sidebar.set_counts(
            self.model.total,
            self.model.count_in(Scope("attention")),
            self.model.count_in(Scope("recent")),
            self.model.issuers(),
        )
        if self.stack.currentIndex() not in (PAGE_RECRUITER, PAGE_SKILLS):
            self._show_collection_page()
        self._maybe_ready()

    def _on_changed(self, change: Change) -> None:
        if change.kind == "reverify":
            self.detail.refresh()
        if change.kind == "settings":
            return
        self.refresh()

    def _on_search(self, text: str) -> None:
        self.model.set_query(text)
        if self.stack.currentIndex() in (PAGE_RECRUITER, PAGE_SKILLS) and text:
            self.sidebar.select_all()

    def _on_sort(self) -> None:
        self.model.set_sort(self.sort.currentData())

    def _on_scope(self, scope: Scope) -> None:
        self.model.set_scope(scope)
        self._show_collection_page()

    def _clear_filters(self) -> None:
        self.search.clear()
        self.sidebar.select_all()

    def _on_visible_changed(self, visible: int, total: int) -> None:
        if self.stack.currentIndex() in (PAGE_EMPTY, PAGE_COLLECTION):
            self._show_collection_page()
        shown = f"{visible} of {total} badges" if visible != total else f"{total} badge{'s' if total != 1 else ''}"
        self.count_label.setText(shown)

    def _show_collection_page(self) -> None:
        if not self.session.is_open:
            return
        if self.model.total == 0:
            self.empty_state.set_empty()
            self.stack.setCurrentIndex(PAGE_EMPTY)
            self.detail.hide()
            return
        if self.model.rowCount() == 0:
            item = self.sidebar.currentItem()
            scope_label = item.text(0) if item is not None else "your wallet"
            self.empty_state.set_no_match(self.search.text().strip(), scope_label)
            self.stack.setCurrentIndex(PAGE_EMPTY)
            self.detail.show_placeholder("No badge selected.")
            self.detail.show()
            return
        self.stack.setCurrentIndex(PAGE_COLLECTION)
        self.detail.show()

    def _restore_selection(self) -> None:
        """After a reset (filter, sort, refresh) keep the same badge selected, or the first."""
        want = self._pending_select or self.detail.record_id
        self._pending_select = None
        index = self.model.index_of(want) if want else QModelIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0, 0)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
        else:
            self.detail.show_record_id(None)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record_id = self.model.id_at(current.row()) if current.isValid() else None
        if record_id is not None:
            self.detail.show_record_id(record_id)

    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select_record(self, record_id: str) -> None:
        if self.model.index_of(record_id).isValid() is False:
            self.search.clear()
            self.sidebar.select_all()
        index = self.model.index_of(record_id)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def _children_of(self, record_id: str) -> list[Any]:
        return [s for s in self.model.all_summaries() if getattr(s, "parent_id", None) == record_id]

    def set_grid(self, grid: bool) -> None:
        self.view.set_grid(grid)
        self.grid_button.setChecked(grid)
        self.list_button.setChecked(not grid)

    def focus_search(self) -> None:
        if self.stack.currentIndex() in (PAGE_RECRUITER, PAGE_SKILLS):
            self.sidebar.select_all()
        self.search.setFocus()
        self.search.selectAll()

    def open_detail(self) -> None:
        """Enter on a card: make sure the detail pane is visible and move focus into it."""
        if self.detail.isHidden():
            self.detail.show()
        sizes = self.splitter.sizes()
        if sizes[2] < 200:
            self.splitter.setSizes([sizes[0], max(300, sizes[1] - 320), 420])
        self.detail.setFocus()

    def _show_recruiter(self) -> None:
        self.stack.setCurrentIndex(PAGE_RECRUITER)
        self.detail.hide()
        self.recruiter.link.setFocus()

    # ================================================================ skills page

    def _connect_skills(self) -> None:
        """A "Skills" sidebar entry above "Check a badge"; the page asks to show badges in the collection."""
        self.skills_item = QTreeWidgetItem(["Skills"])
        self.skills_item.setData(0, SCOPE_ROLE, SKILLS)
        self.skills_item.setToolTip(0, "What your badges prove: heat map, stacks, what to earn next, gap to a role")
        self.sidebar.insertTopLevelItem(self.sidebar.indexOfTopLevelItem(self.sidebar.recruiter_item), self.skills_item)
        self.sidebar.currentItemChanged.connect(
            lambda item, _prev: self.show_skills() if item is not None and item.data(0, SCOPE_ROLE) == SKILLS else None
        )
        self.skills.open_record.connect(self._show_badge_from_skills)
        self.skills.message.connect(lambda text: self.message_bar.show_message(text, status="fail"))

    def show_skills(self) -> None:
        current = self.sidebar.currentItem()
        if current is None or current.data(0, SCOPE_ROLE) != SKILLS:
            self.sidebar.setCurrentItem(self.skills_item)  # comes back here through currentItemChanged
            return
        self.stack.setCurrentIndex(PAGE_SKILLS)
        self.detail.hide()

    def _show_badge_from_skills(self, record_id: str) -> None:
        self.search.clear()
        self.sidebar.select_all()
        self.select_record(record_id)
        self.open_detail()

    # ================================================================ ready (screenshots, bench)

    def _maybe_ready(self) -> None:
        if self._ready_emitted:
            return
        if self.model.total and self.detail.record is None:
            QTimer.singleShot(30, self._maybe_ready)
            return
        if not self.thumbnails.is_idle():
            QTimer.singleShot(30, self._maybe_ready)
            return
        self._ready_emitted = True
        self.repaint()
        emit(self.ready)

    # ================================================================ import

    def import_sources(self, sources: Iterable[str]) -> None:
        sources = list(sources)
        if not sources:
            return
        if not self.session.is_open:
            self.message_bar.show_message("Open your wallet first.", status="unknown", timeout_ms=4000)
            return
        if self.stack.currentIndex() == PAGE_RECRUITER:
            self.recruiter.check(sources[0])
            return
        self.import_panel.start(sources)

    def choose_import(self) -> None:
        files = dialogs.ask_open_paths(
            self, "Import badges", "Badges (*.png *.svg *.json *.jsonld *.jwt *.jws *.txt *.zip);;All files (*)"
        )
        self.import_sources(files)

    def choose_import_folder(self) -> None:
        folder = dialogs.ask_folder(self, "Import a folder of badges")
        if folder:
            self.import_sources([folder])

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        sources = sources_from_mime(mime) if mime is not None else []
        if not sources:
            self.message_bar.show_message(
                "The clipboard holds no badge file or link.", status="unknown", timeout_ms=4000
            )
            return
        self.import_sources(sources)

    def _import_finished(self, summary: Any) -> None:
        self.last_import_summary = summary
        text = describe_summary(summary)
        failed = summary.count("rejected") + summary.count("not_a_badge")
        status = (
            "pass" if not failed and not summary.cancelled else ("unknown" if summary.count("imported") else "fail")
        )
        self.message_bar.show_message(text, status=status, actions=[("Details…", self.show_import_summary)])
        ids = [rid for o in summary.outcomes if o.status == "imported" for rid in o.record_ids]
        if ids:
            self._pending_select = ids[0]
        self.refresh()

    def _import_failed(self, exc: BaseException) -> None:
        self.refresh()
        self.show_error(exc)

    def show_import_summary(self) -> None:
        if self.last_import_summary is None:
            return
        self._summary_dialog = ImportSummaryDialog(self.last_import_summary, self)
        self._summary_dialog.open()

    # ---------------------------------------------------------------- drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if sources_from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        sources = sources_from_mime(event.mimeData())
        if not sources:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_sources(sources)

    # ================================================================ remove and undo

    def remove_current(self) -> None:
        if self.stack.currentIndex() != PAGE_COLLECTION:
            return
        record_id = self.current_id()
        if record_id:
            self.remove(record_id)

    def remove(self, record_id: str) -> None:
        summary = self.model.summary(record_id)
        name = summary.name if summary else "badge"
        row = self.model.index_of(record_id).row()
        next_id = self.model.id_at(row + 1) or self.model.id_at(row - 1)
        self._pending_select = next_id

        def removed(value: Any) -> None:
            self.undo_stack.append(value)
            self.undo_action.setEnabled(True)
            self.thumbnails.forget(record_id)
            self.message_bar.show_message(
                f"Removed “{name}”.", status="skipped", actions=[("Undo", self.undo)], timeout_ms=UNDO_SECONDS * 1000
            )

        self.session.remove(record_id, removed, self.show_error)

    def undo(self) -> None:
        if not self.undo_stack:
            return
        removed = self.undo_stack.pop()
        self.undo_action.setEnabled(bool(self.undo_stack))
        record_id = removed.summary.id
        self._pending_select = record_id
        self.message_bar.dismiss()
        self.session.restore_removed(
            removed,
            lambda _r: self._say(f"Restored “{removed.summary.name}”."),
            self.show_error,
        )

    # ================================================================ verify and export

    def reverify_current(self) -> None:
        record_id = self.current_id()
        if record_id:
            self.reverify([record_id])

    def reverify_all(self) -> None:
        self.reverify([s.id for s in self.model.all_summaries()])

    def reverify(self, record_ids: list[str]) -> None:
        if not record_ids:
            return
        mode = "offline" if self.session.offline else "online"
        self.message_bar.show_message(f"Verifying {len(record_ids)} badge(s) again ({mode})…", status="unknown")

        def done(results: Any) -> None:
            valid = sum(1 for _, v in results if v == "valid")
            self.message_bar.show_message(
                f"Verified {len(results)} badge(s): {valid} valid.",
                status="pass" if valid == len(results) else "unknown",
                timeout_ms=6000,
            )

        self.session.reverify(record_ids, done, self.show_error)

    def export_baked(self, record_id: str, path: str) -> None:
        self.session.export_baked(
            record_id,
            Path(path),
            lambda out: self._say(f"Saved {out}."),
            self.show_error,
        )

    # ================================================================ share and résumé bundle

    def open_share(self, record_id: str) -> None:
        """The Share dialog for the record the detail pane shows (it holds the loaded credential)."""
        record = self.detail.record
        if record is None or record.record_id != record_id:
            return
        if self._share_dialog is not None:
            self._share_dialog.close()
            self._share_dialog.deleteLater()
        self._share_dialog = ShareDialog(record, self.session, self.settings, self)
        self._share_dialog.open()

    def open_bundle(self) -> None:
        """Choose badges for a résumé bundle; the current badge starts ticked."""
        if not self.session.is_open or not self.model.total:
            self.message_bar.show_message("Add badges to your wallet first.", status="unknown", timeout_ms=4000)
            return
        if self._bundle_dialog is not None and self._bundle_dialog.busy:
            self._bundle_dialog.show()
            self._bundle_dialog.raise_()
            return
        if self._bundle_dialog is not None:
            self._bundle_dialog.deleteLater()
        current = self.current_id()
        self._bundle_dialog = open_bundle_dialog(
            self,
            self.session,
            self.model.all_summaries(),
            [current] if current else [],
            lambda result: self._say(f"Saved the résumé bundle to {result.path}."),
        )

    # ================================================================ settings

    def open_settings(self) -> None:
        if self.session.is_open:
            self._settings_dialog = open_settings(self, self.session, self.model.total)

    # ================================================================ errors

    def _say(self, text: str) -> None:
        self.message_bar.show_message(text, timeout_ms=5000)

    def show_error(self, exc: BaseException | str) -> None:
        """Every failure reaches the user: a message for expected errors, a dialog for bugs."""
        if isinstance(exc, str):
            self.message_bar.show_message(exc, status="fail")
            return
        message = getattr(exc, "user_message", None)
        if message:
            log.warning("operation failed: %s", getattr(exc, "detail", message))
            self.message_bar.show_message(message, status="fail")
            return
        log.error("unexpected error", exc_info=exc)
        error_box(self, "Something went wrong", f"An unexpected error occurred: {type(exc).__name__}: {exc}")


__all__ = ["MainWindow", "sources_from_mime"]
