"""The settings dialog and the conversations it starts: passphrase change, backup, restore.

Each step that needs a secret opens a ``PassphraseDialog`` and hands the slow
part (Argon2id, encrypting every record) to the session's store thread; the
dialogs stay responsive and show progress and errors in place.

Backup and restore show records done of the total in the settings dialog with
a Cancel button wired to the task's cancel event: a cancelled backup leaves no
file (an older one at that path stays as it was), a cancelled restore changes
nothing.  A restore keeps its passphrase dialog open until the passphrase is
known to be right (its first progress report), so a typo can simply be retried.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from . import dialogs
from .dialogs import BACKUP, CHANGE, CURRENT, RESTORE, PassphraseDialog, SettingsDialog
from .session import WalletSession
from .workers import TaskHandle


def open_settings(parent: QWidget, session: WalletSession, count: int) -> SettingsDialog:
    """Show the settings dialog (non-modal to the event loop: ``open``, not ``exec``)."""
    dialog = SettingsDialog(
        offline=session.offline,
        location=str(session.home),
        key_source=session.key_source(),
        count=count,
        parent=parent,
    )
    dialog.offline_changed.connect(session.set_offline)
    dialog.change_passphrase_requested.connect(lambda: change_passphrase(parent, session, dialog))
    dialog.backup_requested.connect(lambda: backup(parent, session, dialog, count))
    dialog.restore_requested.connect(lambda: restore(parent, session, dialog))
    dialog.open()
    return dialog


def change_passphrase(parent: QWidget, session: WalletSession, settings: SettingsDialog) -> None:
    old_dialog = PassphraseDialog(CURRENT, parent)

    def got_old(old: str) -> None:
        old_dialog.accept()
        new_dialog = PassphraseDialog(CHANGE, parent)

        def got_new(new: str) -> None:
            new_dialog.set_busy(True, "Re-wrapping the key…")

            def done(_r: Any) -> None:
                new_dialog.accept()
                settings.set_status("Passphrase changed.")

            def failed(exc: BaseException) -> None:
                new_dialog.reject()
                settings.set_status(getattr(exc, "user_message", str(exc)))

            session.change_passphrase(old, new, done, failed)

        new_dialog.submitted.connect(got_new)
        new_dialog.open()

    old_dialog.submitted.connect(got_old)
    old_dialog.open()


def backup(parent: QWidget, session: WalletSession, settings: SettingsDialog, count: int) -> None:
    path = dialogs.ask_save_path(parent, "Back up the wallet", "badgewallet-backup.bwbackup", "Backup (*.bwbackup)")
    if not path:
        return
    dialog = PassphraseDialog(BACKUP, parent)

    def got(passphrase: str) -> None:
        dialog.accept()
        handles: list[TaskHandle] = []
        settings.set_busy("Writing the backup…", on_cancel=_canceller(handles))
        handles.append(
            session.write_backup(
                Path(path),
                passphrase,
                lambda written: settings.set_status(f"Backed up {written} badges to {path}."),
                lambda exc: settings.set_status(getattr(exc, "user_message", str(exc))),
                progress=lambda done, total, _payload: settings.set_progress(done, total),
            )
        )

    dialog.submitted.connect(got)
    dialog.open()


def restore(parent: QWidget, session: WalletSession, settings: SettingsDialog) -> None:
    path = dialogs.ask_open_path(parent, "Restore from a backup", "Backup (*.bwbackup);;All files (*)")
    if not path:
        return
    dialog = PassphraseDialog(RESTORE, parent)

    def got(passphrase: str) -> None:
        dialog.set_busy(True, "Reading the backup…")
        handles: list[TaskHandle] = []
        moved = False  # progress and errors go to the settings dialog once the passphrase is right

        def progress(done: int, total: int, _payload: Any) -> None:
            nonlocal moved
            if not moved:
                moved = True
                dialog.accept()
                settings.set_busy("Restoring the backup…", on_cancel=_canceller(handles))
            settings.set_progress(done, total)

        def done(result: Any) -> None:
            dialog.accept()
            settings.set_status(f"Restored {result.added} badges ({result.duplicates} were already in the wallet).")

        def failed(exc: BaseException) -> None:
            message = getattr(exc, "user_message", None) or str(exc)
            if moved:
                settings.set_status(message)
            else:
                dialog.show_error(message)

        handles.append(session.restore_backup(Path(path), passphrase, done, failed, progress=progress))

    dialog.submitted.connect(got)
    dialog.open()


def _canceller(handles: list[TaskHandle]) -> Callable[[], None]:
    """The Cancel button's slot: sets the cancel event of the task started after it was made."""

    def cancel() -> None:
        for handle in handles:
            handle.cancel()

    return cancel
