"""The "Résumé bundle…" dialog: choose badges, optionally a recruiter's challenge, and write one ZIP.

The bundle itself is ``wallet.export.bundle.write_bundle``; this dialog only
collects its arguments and runs it.  It runs on the session's *store*
thread, not the background pool, because it reads records and originals and
– the first time – creates the holder key and saves it in the store; the
single store thread keeps that one writer.  The PDF is drawn there too with
``wallet.ui.pdf.render_pdf`` (Qt paints text documents off the GUI thread),
so the window stays responsive while a large bundle is written.

``write_bundle`` reports no progress, so the dialog shows a busy bar rather
than a percentage it would have to invent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from . import dialogs
from .qtcompat import emit
from .session import WalletSession
from .theme import format_date, icon_color, shape_icon, verdict_style

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole + 1
TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
DEFAULT_NAME = "badge-portfolio.zip"
CHALLENGE_HELP = (
    "Optional. Given by the recruiter, signed into the presentation: it shows the bundle was made for them, "
    "now, and is not a copy sent to somebody else earlier. Leave both empty if you were given none."
)


def describe_result(result: Any, count: int) -> str:
    """The result as rich text: where it went, who signed it, and every note ``write_bundle`` left."""
    from wallet.export.presentation import short_did

    lines = [
        f"<b>Wrote {escape(str(result.path))}</b>: {count} badge{'s' if count != 1 else ''}, "
        f"signed by your wallet key <code>{escape(short_did(result.holder))}</code>."
    ]
    if result.notes:
        lines.append("<ul>" + "".join(f"<li>{escape(note)}</li>" for note in result.notes) + "</ul>")
    else:
        lines.append("Send the ZIP as it is: changing any file inside makes the check fail.")
    return "<br>".join(lines)


class BundleDialog(QDialog):
    """Choose badges and a file; writes the résumé bundle on the store thread."""

    #: the bundle was written (``BundleResult``) – the window confirms it in its message bar
    written = Signal(object)

    def __init__(
        self,
        session: WalletSession,
        summaries: Iterable[Any],
        selected: Iterable[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("BundleDialog")
        self.setWindowTitle("Résumé bundle")
        self.setMinimumSize(620, 600)
        self._session = session
        self._alive = True
        self.busy = False
        self.result: Any = None
        self.error: str | None = None
        self._build()
        self._fill(summaries, set(selected))
        self.finished.connect(self._closed)
        self._update()

    # ------------------------------------------------------------ construction

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        intro = QLabel(
            "One ZIP file for a recruiter: a portfolio page and PDF, your badges exactly as issued, and a "
            "presentation signed with your wallet's key. Badge Wallet's “Check a badge” verifies all of it."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by name or issuer")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter badges")
        self.search.textChanged.connect(self._filter)
        self.all_button = QPushButton("Select all")
        self.all_button.setToolTip("Tick every badge shown (the filter narrows them)")
        self.all_button.clicked.connect(lambda: self._check_visible(True))
        self.none_button = QPushButton("Select none")
        self.none_button.setToolTip("Untick every badge shown")
        self.none_button.clicked.connect(lambda: self._check_visible(False))
        row.addWidget(self.search, 1)
        row.addWidget(self.all_button)
        row.addWidget(self.none_button)
        layout.addLayout(row)

        self.badges = QListWidget()
        self.badges.setAccessibleName("Badges to include")
        self.badges.setUniformItemSizes(True)
        self.badges.itemChanged.connect(lambda _item: self._update())
        layout.addWidget(self.badges, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)

        help_label = QLabel(CHALLENGE_HELP)
        help_label.setWordWrap(True)
        layout.addWidget(help_label)
        form = QFormLayout()
        self.challenge = QLineEdit()
        self.challenge.setAccessibleName("Challenge")
        self.challenge.setPlaceholderText("e.g. 7f3a-interview-42")
        self.domain = QLineEdit()
        self.domain.setAccessibleName("Domain")
        self.domain.setPlaceholderText("e.g. jobs.example.com")
        form.addRow("&Challenge:", self.challenge)
        form.addRow("&Domain:", self.domain)
        path_row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setAccessibleName("Save as")
        self.path.setPlaceholderText("Choose where to save the .zip")
        self.path.textChanged.connect(lambda _t: self._update())
        self.choose_button = QPushButton("Save as…")
        self.choose_button.clicked.connect(self._choose_path)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.choose_button)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path)
        form.addRow(file_label, path_row)
        layout.addLayout(form)

        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(8)
        self.busy_bar.hide()
        layout.addWidget(self.busy_bar)
        self.message = QLabel()
        self.message.setObjectName("BundleMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.write_button = self.buttons.addButton("Write bundle", QDialogButtonBox.ButtonRole.AcceptRole)
        self.write_button.setDefault(True)
        self.buttons.accepted.connect(self.write)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        for button in (self.all_button, self.none_button, self.choose_button, close):
            button.setAutoDefault(False)  # Enter in a field means "Write bundle", never "Select all"

    def _fill(self, summaries: Iterable[Any], selected: set[str]) -> None:
        rows = sorted(summaries, key=lambda s: ((s.name or "").casefold(), (s.issuer or "").casefold()))
        icons: dict[str, Any] = {}
        self.badges.blockSignals(True)
        for summary in rows:
            style = verdict_style(summary.verdict)
            if style.label not in icons:
                icons[style.label] = shape_icon(style.shape, icon_color(style.tone, self.palette()), 16)
            issued = format_date(summary.issued)
            item = QListWidgetItem(f"{summary.name} — {summary.issuer}" + (f" · {issued}" if issued else ""))
            item.setIcon(icons[style.label])
            item.setToolTip(f"{style.label}: {style.text}")
            item.setData(ID_ROLE, summary.id)
            item.setData(TEXT_ROLE, f"{summary.name}\n{summary.issuer}".casefold())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if summary.id in selected else Qt.CheckState.Unchecked)
            self.badges.addItem(item)
        self.badges.blockSignals(False)
        first = next((self.badges.item(i) for i in range(self.badges.count()) if self._checked(i)), None)
        if first is not None:
            self.badges.scrollToItem(first)

    # ------------------------------------------------------------ choosing

    def _items(self) -> list[QListWidgetItem]:
        return [self.badges.item(i) for i in range(self.badges.count())]

    def _checked(self, row: int) -> bool:
        return self.badges.item(row).checkState() == Qt.CheckState.Checked

    def selected_ids(self) -> list[str]:
        """The ticked badges, in the list's order (which is the bundle's order)."""
        return [str(item.data(ID_ROLE)) for item in self._items() if item.checkState() == Qt.CheckState.Checked]

    def set_checked(self, record_ids: Iterable[str], checked: bool = True) -> None:
        wanted = set(record_ids)
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for item in self._items():
            if item.data(ID_ROLE) in wanted:
                item.setCheckState(state)

    def _filter(self, text: str) -> None:
        terms = text.casefold().split()
        for item in self._items():
            haystack = str(item.data(TEXT_ROLE))
            item.setHidden(not all(term in haystack for term in terms))
        self._update()

    def _check_visible(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.badges.blockSignals(True)
        for item in self._items():
            if not item.isHidden():
                item.setCheckState(state)
        self.badges.blockSignals(False)
        self._update()

    def _choose_path(self) -> None:
        current = self.path.text().strip() or DEFAULT_NAME
        chosen = dialogs.ask_save_path(self, "Save résumé bundle", current, "Résumé bundle (*.zip)")
        if chosen:
            self.path.setText(chosen)

    def target_path(self) -> Path | None:
        text = self.path.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix.lower() == ".zip" else path.with_name(path.name + ".zip")

    def _update(self) -> None:
        chosen = len(self.selected_ids())
        shown = sum(1 for item in self._items() if not item.isHidden())
        total = self.badges.count()
        extra = f" ({shown} shown)" if shown != total else ""
        self.count_label.setText(f"{chosen} of {total} badge{'s' if total != 1 else ''} chosen{extra}")
        self.write_button.setEnabled(not self.busy and chosen > 0 and self.target_path() is not None)
        self.write_button.setDefault(self.write_button.isEnabled())  # Qt drops a disabled default button
        if not self.busy and chosen and self.target_path() is None:
            self.write_button.setToolTip("Choose where to save the bundle first")
        elif not self.busy and not chosen:
            self.write_button.setToolTip("Tick at least one badge")
        else:
            self.write_button.setToolTip("")

    # ------------------------------------------------------------ writing

    def write(self) -> None:
        """Start writing (the Write button); the dialog stays open to show the result."""
        ids = self.selected_ids()
        path = self.target_path()
        if self.busy or not ids or path is None or not self._session.is_open:
            return
        self.path.setText(str(path))
        self._set_busy(True)
        self.result = None
        self.error = None
        count = len(ids)

        def done(result: Any) -> None:
            self.result = result
            if self._alive:
                self._set_busy(False)
                self._show(describe_result(result, count), error=False)
            emit(self.written, result)

        def failed(exc: BaseException) -> None:
            message = getattr(exc, "user_message", None)
            if not message:
                log.error("writing the résumé bundle failed", exc_info=exc)
                message = f"The bundle could not be written: {type(exc).__name__}: {exc}"
            self.error = message
            if self._alive:
                self._set_busy(False)
                self._show(escape(message), error=True)

        challenge = self.challenge.text().strip() or None
        domain = self.domain.text().strip() or None
        self._session.write_bundle(ids, path, challenge=challenge, domain=domain, done=done, failed=failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_bar.setVisible(busy)
        for widget in (self.search, self.all_button, self.none_button, self.badges, self.challenge, self.domain,
                       self.path, self.choose_button):  # fmt: skip
            widget.setEnabled(not busy)
        if busy:
            self._show("Writing the bundle: checking each badge, drawing the PDF and signing…", error=False)
        self._update()

    def _show(self, html: str, *, error: bool) -> None:
        palette = self.message.palette()
        role = self.message.foregroundRole()
        palette.setColor(role, icon_color("bad", palette) if error else self.palette().color(role))
        self.message.setPalette(palette)
        self.message.setText(html)
        self.message.show()

    def _closed(self, _result: int) -> None:
        self._alive = False


def open_bundle_dialog(
    parent: QWidget,
    session: WalletSession,
    summaries: Iterable[Any],
    selected: Iterable[str],
    on_written: Callable[[Any], None] | None = None,
) -> BundleDialog:
    """Show the dialog without blocking the event loop (``open``, not ``exec``)."""
    dialog = BundleDialog(session, summaries, selected, parent)
    if on_written is not None:
        dialog.written.connect(on_written)
    dialog.open()
    return dialog


__all__ = ["BundleDialog", "describe_result", "open_bundle_dialog"]
