"""Dialogs: passphrases, import summary, settings, about, errors.

The passphrase dialog does not close itself on OK: it emits ``submitted`` and
waits, busy, while the caller runs the slow key derivation on a worker; a
wrong passphrase comes back as ``show_error`` with the dialog still open, so
nothing typed elsewhere is lost and the user simply tries again.
"""

from __future__ import annotations

import math
import platform
import sys
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, Signal, qVersion
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wallet import __version__

from .qtcompat import emit
from .theme import icon_color, status_icon, verdict_style

MIN_PASSPHRASE = 8

CREATE = "create"
UNLOCK = "unlock"
CHANGE = "change"
BACKUP = "backup"
RESTORE = "restore"
CURRENT = "current"


def strength(passphrase: str) -> tuple[int, str]:
    """A rough 0–3 score and a hint – guidance for the user, not a security guarantee."""
    if not passphrase:
        return 0, "Use at least 12 characters; a few unrelated words work well."
    pool = 0
    if any(c.islower() for c in passphrase):
        pool += 26
    if any(c.isupper() for c in passphrase):
        pool += 26
    if any(c.isdigit() for c in passphrase):
        pool += 10
    if any(not c.isalnum() for c in passphrase):
        pool += 33
    distinct = len(set(passphrase))
    bits = min(len(passphrase), distinct * 2) * math.log2(max(pool, 2))
    if len(passphrase) < MIN_PASSPHRASE:
        return 0, f"Too short: use at least {MIN_PASSPHRASE} characters (12 or more is better)."
    if bits < 45:
        return 1, "Weak: add more words or characters."
    if bits < 70:
        return 2, "Fair: a little longer would make it strong."
    return 3, "Strong."


class PassphraseDialog(QDialog):
    """Asks for a passphrase (and a confirmation when one is being chosen)."""

    submitted = Signal(str)

    def __init__(self, mode: str, parent: QWidget | None = None, *, detail: str = "") -> None:
        super().__init__(parent)
        self.mode = mode
        self.setObjectName(f"PassphraseDialog-{mode}")
        self.setWindowTitle(
            {
                CREATE: "Protect your wallet",
                UNLOCK: "Unlock your wallet",
                CHANGE: "Change passphrase",
                BACKUP: "Backup passphrase",
                RESTORE: "Backup passphrase",
                CURRENT: "Current passphrase",
            }[mode]
        )
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = {
            CREATE: "No system keyring is available on this computer, so your wallet is protected by a passphrase. "
            "Choose one you will remember: it cannot be recovered.",
            UNLOCK: "Enter the passphrase that protects this wallet.",
            CHANGE: "Choose a new passphrase. Your badges stay as they are; only the key is re-wrapped.",
            BACKUP: "The backup file is encrypted with its own passphrase. You will need it to restore.",
            RESTORE: "Enter the passphrase the backup was made with.",
            CURRENT: "Enter the wallet's current passphrase.",
        }[mode]
        text = QLabel(intro + (f"<br><small>{escape(detail)}</small>" if detail else ""))
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setAccessibleName("Passphrase")
        form.addRow("&Passphrase:", self.passphrase)
        self.confirm: QLineEdit | None = None
        self.strength_label: QLabel | None = None
        if self.choosing:
            self.confirm = QLineEdit()
            self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
            self.confirm.setObjectName("confirm")
            self.confirm.setAccessibleName("Repeat passphrase")
            form.addRow("&Repeat:", self.confirm)
            self.strength_bar = QProgressBar()
            self.strength_bar.setRange(0, 3)
            self.strength_bar.setTextVisible(False)
            self.strength_bar.setMaximumHeight(6)
            self.strength_label = QLabel()
            self.strength_label.setWordWrap(True)
            form.addRow("", self.strength_bar)
            form.addRow("", self.strength_label)
            self.confirm.textChanged.connect(self._update)
        self.passphrase.textChanged.connect(self._update)
        layout.addLayout(form)
        show = QCheckBox("&Show passphrase")
        show.toggled.connect(self._show_text)
        layout.addWidget(show)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        palette = self.error_label.palette()
        palette.setColor(self.error_label.foregroundRole(), icon_color("bad", palette))
        self.error_label.setPalette(palette)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumHeight(6)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        layout.addWidget(self.busy_bar)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(
            {
                CREATE: "Create wallet",
                UNLOCK: "Unlock",
                CHANGE: "Change",
                BACKUP: "Continue",
                RESTORE: "Restore",
                CURRENT: "Continue",
            }[mode]
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    @property
    def choosing(self) -> bool:
        return self.mode in (CREATE, CHANGE, BACKUP)

    def _show_text(self, on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        if self.confirm is not None:
            self.confirm.setEchoMode(mode)

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        text = self.passphrase.text()
        if not self.choosing:
            ok.setEnabled(bool(text))
            return
        score, hint = strength(text)
        self.strength_bar.setValue(score)
        assert self.confirm is not None and self.strength_label is not None
        if self.confirm.text() and self.confirm.text() != text:
            hint += " The two passphrases differ."
        self.strength_label.setText(hint)
        ok.setEnabled(len(text) >= MIN_PASSPHRASE and self.confirm.text() == text)

    def _submit(self) -> None:
        text = self.passphrase.text()
        if self.choosing and (self.confirm is None or self.confirm.text() != text or len(text) < MIN_PASSPHRASE):
            self.show_error("The passphrases must match and be at least 8 characters long.")
            return
        emit(self.submitted, text)

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy_bar.setVisible(busy)
        self.passphrase.setEnabled(not busy)
        if self.confirm is not None:
            self.confirm.setEnabled(not busy)
        self.buttons.setEnabled(not busy)
        if busy:
            self.error_label.setText(text)
            self.error_label.setVisible(bool(text))

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.show()
        self.passphrase.selectAll()
        self.passphrase.setFocus()


OUTCOME_TEXT: dict[str, str] = {
    "imported": "Imported",
    "duplicate": "Already in wallet",
    "rejected": "Rejected",
    "not_a_badge": "Not a badge",
}
OUTCOME_ICON: dict[str, str] = {
    "imported": "pass",
    "duplicate": "skipped",
    "rejected": "fail",
    "not_a_badge": "unknown",
}


class ImportSummaryDialog(QDialog):
    """Every file of an import with what happened to it and why."""

    def __init__(self, summary: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImportSummaryDialog")
        self.setWindowTitle("Import results")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        headline = QLabel(f"<b>{escape(describe_summary(summary))}</b>")
        headline.setWordWrap(True)
        layout.addWidget(headline)
        outcomes: Sequence[Any] = summary.outcomes
        self.table = QTableWidget(len(outcomes), 3)
        self.table.setHorizontalHeaderLabels(["File", "Result", "Details"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 230)
        for row, outcome in enumerate(outcomes):
            name = _short_name(outcome.name)
            file_item = QTableWidgetItem(name)
            file_item.setToolTip(outcome.name)
            status = QTableWidgetItem(OUTCOME_TEXT.get(outcome.status, outcome.status))
            status.setIcon(status_icon(OUTCOME_ICON.get(outcome.status, "unknown")))
            if outcome.status == "imported":
                details = "; ".join(
                    f"{n} — {verdict_style(v).label}" for n, v in zip(outcome.names, outcome.verdicts, strict=False)
                )
            elif outcome.status == "duplicate":
                details = "; ".join(outcome.names) or "This badge is already in your wallet."
            else:
                details = outcome.reason or ""
            detail_item = QTableWidgetItem(details)
            detail_item.setToolTip(details)
            self.table.setItem(row, 0, file_item)
            self.table.setItem(row, 1, status)
            self.table.setItem(row, 2, detail_item)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def describe_summary(summary: Any) -> str:
    """'3 imported, 1 already in your wallet, 2 rejected' – zero counts left out."""
    parts = []
    for status, text in (
        ("imported", "imported"),
        ("duplicate", "already in your wallet"),
        ("rejected", "rejected"),
        ("not_a_badge", "not a badge"),
    ):
        n = summary.count(status)
        if n:
            parts.append(f"{n} {text}")
    line = ", ".join(parts) or "Nothing was imported"
    if summary.cancelled:
        line += " — import cancelled"
    return line[:1].upper() + line[1:] + "."


def _short_name(name: str) -> str:
    if name.startswith(("https://", "http://")):
        return name
    if "!" in name:
        outer, _, inner = name.partition("!")
        return f"{outer.replace(chr(92), '/').rsplit('/', 1)[-1]} › {inner}"
    return name.replace("\\", "/").rsplit("/", 1)[-1]


class SettingsDialog(QDialog):
    """Offline mode, where the store lives and how it is unlocked, passphrase, backup, restore."""

    offline_changed = Signal(bool)
    change_passphrase_requested = Signal()
    backup_requested = Signal()
    restore_requested = Signal()

    def __init__(self, *, offline: bool, location: str, key_source: str, count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("SettingsDialog")
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.offline = QCheckBox("Work offline (never contact issuers, status lists or links)")
        self.offline.setToolTip("Checks that need the network are reported as 'could not be checked'.")
        self.offline.setChecked(offline)
        self.offline.toggled.connect(self.offline_changed)
        form.addRow("Network:", self.offline)
        where = QLabel(location)
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        form.addRow("Wallet folder:", where)
        protected = "the system keyring" if key_source.startswith("keyring") else "your passphrase"
        source_label = QLabel(f"{protected} ({key_source or 'unknown'})")
        source_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Protected by:", source_label)
        form.addRow("Badges:", QLabel(str(count)))
        layout.addLayout(form)
        row = QHBoxLayout()
        self.passphrase_button = QPushButton("Change passphrase…")
        self._passphrase_allowed = not key_source.startswith("keyring")
        self.passphrase_button.setEnabled(self._passphrase_allowed)
        self.passphrase_button.setToolTip(
            "The wallet key is kept in the system keyring"
            if key_source.startswith("keyring")
            else "Re-wrap the key with a new passphrase"
        )
        self.passphrase_button.clicked.connect(self.change_passphrase_requested)
        self.backup_button = QPushButton("Back up…")
        self.backup_button.setToolTip("Write every badge to one encrypted file")
        self.backup_button.clicked.connect(self.backup_requested)
        self.restore_button = QPushButton("Restore…")
        self.restore_button.setToolTip("Merge a backup file into this wallet (nothing is lost or duplicated)")
        self.restore_button.clicked.connect(self.restore_requested)
        for b in (self.passphrase_button, self.backup_button, self.restore_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy until the first set_progress with a total
        self.progress.setFormat("%v of %m")
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelTask")
        self.cancel_button.setToolTip("Stop; nothing is written or changed")
        self.cancel_button.clicked.connect(self._cancel)
        self.cancel_button.hide()
        self._on_cancel: Callable[[], None] | None = None
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.progress, 1)
        busy_row.addWidget(self.cancel_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addLayout(busy_row)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_busy(self, text: str, on_cancel: Callable[[], None] | None = None) -> None:
        """Show a busy bar (determinate once ``set_progress`` has a total) and, with
        ``on_cancel``, a Cancel button that calls it; the actions wait until ``set_status``."""
        self.progress.setRange(0, 0)
        self.progress.setVisible(bool(text))
        self._on_cancel = on_cancel
        self.cancel_button.setText("Cancel")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(bool(text) and on_cancel is not None)
        self._set_actions_enabled(not text)
        self.status.setText(text)

    def set_progress(self, done: int, total: int) -> None:
        """Records done of ``total``; a total of 0 keeps the bar busy (total not known yet)."""
        if total <= 0:
            self.progress.setRange(0, 0)
            return
        self.progress.setRange(0, total)
        self.progress.setValue(min(done, total))

    def set_status(self, text: str) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self._on_cancel = None
        self._set_actions_enabled(True)
        self.status.setText(text)

    def _cancel(self) -> None:
        if self._on_cancel is not None:
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Cancelling…")
            self._on_cancel()

    def _set_actions_enabled(self, enabled: bool) -> None:
        self.backup_button.setEnabled(enabled)
        self.restore_button.setEnabled(enabled)
        self.passphrase_button.setEnabled(enabled and self._passphrase_allowed)


def versions() -> dict[str, str]:
    """Versions shown in the About box (and useful in bug reports)."""
    out = {
        "Badge Wallet": __version__,
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": pyside_version,
    }
    for name, module in (("pyld", "pyld"), ("cryptography", "cryptography")):
        try:
            from importlib.metadata import version

            out[name] = version(name if name != "pyld" else "PyLD")
        except Exception:  # not installed – say so rather than fail the About box
            out[name] = "not installed" if module not in sys.modules else "?"
    return out


def show_about(parent: QWidget | None) -> None:
    rows = "".join(f"<tr><td>{escape(k)}</td><td>&nbsp;{escape(v)}</td></tr>" for k, v in versions().items())
    QMessageBox.about(
        parent,
        "About Badge Wallet",
        "<h3>Badge Wallet</h3><p>A private wallet for your Open Badges and verifiable credentials.</p>"
        f"<table>{rows}</table>",
    )


def error_box(parent: QWidget | None, title: str, message: str, detail: str = "") -> QMessageBox:
    """A non-blocking error dialog (``open``, not ``exec``): the window keeps running."""
    box = QMessageBox(parent)
    box.setObjectName("ErrorBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(message)
    if detail:
        box.setDetailedText(detail)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


# --------------------------------------------------------------------------- file choosers
# One place for the native file dialogs, so the window's code reads as intent and
# tests can answer for the user by replacing these three functions.


def ask_save_path(parent: QWidget | None, title: str, suggested: str, filters: str) -> str:
    """A path to write to, or '' when the user cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path


def ask_open_path(parent: QWidget | None, title: str, filters: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path


def ask_open_paths(parent: QWidget | None, title: str, filters: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, "", filters)
    return list(paths)


def ask_folder(parent: QWidget | None, title: str) -> str:
    return QFileDialog.getExistingDirectory(parent, title)
