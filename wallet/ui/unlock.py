"""Opening the store: silently from the keyring, or with a passphrase dialog.

Every attempt runs ``WalletStore.open`` on the store thread – Argon2id takes
about half a second and must not freeze the window.  The order follows the
store's own rules: try without a passphrase (keyring, or create with the
keyring on first run); when the store answers ``PassphraseRequired`` ask for
one – with a confirmation field and a strength hint when the wallet is new.
A wrong passphrase keeps the dialog open with a message; nothing is written
by a failed attempt, so retrying is always safe.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from wallet.errors import PassphraseRequired, WalletError, WrongPassphrase

from .dialogs import CREATE, UNLOCK, PassphraseDialog
from .qtcompat import emit
from .workers import TaskManager

log = logging.getLogger(__name__)

PASSPHRASE_ENV = "BADGEWALLET_PASSPHRASE"


def store_exists(home: Path) -> bool:
    """A wallet already set up here (an empty file left by an interrupted first run counts as new)."""
    from wallet.store.paths import DB_NAME

    path = home / DB_NAME
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


class Unlocker(QObject):
    """Drives the unlock conversation; emits ``unlocked(store)`` or ``failed(message)``."""

    unlocked = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    #: the passphrase dialog is up (the window says it is waiting for it)
    asking = Signal(bool)

    def __init__(
        self,
        tasks: TaskManager,
        home: Path,
        parent_widget: QWidget | None,
        *,
        open_options: dict[str, Any] | None = None,
        passphrase: str | None = None,
        interactive: bool = True,
    ) -> None:
        super().__init__(parent_widget)
        self._interactive = interactive
        self._tasks = tasks
        self._home = home
        self._parent_widget = parent_widget
        self._options = dict(open_options or {})
        self._initial = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV) or None
        self.new_wallet = not store_exists(home)
        self.dialog: PassphraseDialog | None = None

    def start(self) -> None:
        self._attempt(self._initial)

    # ------------------------------------------------------------ attempts

    def _attempt(self, passphrase: str | None) -> None:
        from wallet.store import WalletStore

        home, options = self._home, self._options

        def work(_p: Any) -> Any:
            return WalletStore.open(home, passphrase=passphrase, create=True, **options)

        self._tasks.run_store("unlock", work, done=self._opened, failed=self._refused)

    def _opened(self, store: Any) -> None:
        if self.dialog is not None:
            self.dialog.accept()
            self.dialog = None
        emit(self.unlocked, store)

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, PassphraseRequired):
            self._ask(None)
        elif isinstance(exc, WrongPassphrase):
            self._ask(exc.user_message)
        elif isinstance(exc, WalletError):
            if self.dialog is not None:
                self.dialog.show_error(exc.user_message)
            else:
                emit(self.failed, exc.user_message)
        else:
            log.error("the wallet could not be opened", exc_info=exc)
            message = f"The wallet could not be opened ({type(exc).__name__}: {exc})."
            if self.dialog is not None:
                self.dialog.show_error(message)
            else:
                emit(self.failed, message)

    # ------------------------------------------------------------ the dialog

    def _ask(self, error: str | None) -> None:
        if not self._interactive:
            emit(self.failed, error or f"The wallet needs a passphrase: set {PASSPHRASE_ENV}.")
            return
        if self.dialog is None:
            self.dialog = PassphraseDialog(
                CREATE if self.new_wallet else UNLOCK, self._parent_widget, detail=str(self._home)
            )
            self.dialog.submitted.connect(self._submitted)
            self.dialog.rejected.connect(self._rejected)
            self.dialog.open()
            emit(self.asking, self.new_wallet)
        if error:
            self.dialog.show_error(error)
        else:
            self.dialog.set_busy(False)

    def _submitted(self, passphrase: str) -> None:
        assert self.dialog is not None
        self.dialog.set_busy(True, "Creating your wallet…" if self.new_wallet else "Unlocking…")
        self._attempt(passphrase)

    def _rejected(self) -> None:
        self.dialog = None
        emit(self.cancelled)
