"""First run and unlocking: the passphrase dialog, wrong then right, off the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.conftest import WAIT_MS, wait_loaded
from tests.ui.factory import PASSPHRASE
from wallet.ui.dialogs import CREATE, UNLOCK, PassphraseDialog, strength
from wallet.ui.main_window import PAGE_EMPTY, PAGE_LOCKED


def wait_dialog(qtbot: Any, app: Any) -> PassphraseDialog:
    qtbot.waitUntil(lambda: app.unlocker is not None and app.unlocker.dialog is not None, timeout=WAIT_MS)
    dialog = app.unlocker.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    return dialog


def ok_button(dialog: PassphraseDialog) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_first_run_without_keyring_asks_for_a_new_passphrase(qtbot: Any, open_app: Any, home: Any) -> None:
    app = open_app(passphrase=None, wait=False)
    dialog = wait_dialog(qtbot, app)
    assert dialog.mode == CREATE
    assert app.window.stack.currentIndex() == PAGE_LOCKED
    assert dialog.confirm is not None and dialog.strength_label is not None
    qtbot.keyClicks(dialog.passphrase, "short")
    assert not ok_button(dialog).isEnabled()
    assert "Too short" in dialog.strength_label.text()
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClicks(dialog.confirm, PASSPHRASE + "x")
    assert not ok_button(dialog).isEnabled()
    assert "differ" in dialog.strength_label.text()
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, PASSPHRASE)
    assert ok_button(dialog).isEnabled()
    ok_button(dialog).click()
    wait_loaded(qtbot, app)
    assert (home / "wallet.db").stat().st_size > 0
    assert app.session.key_source() == "passphrase"
    assert app.window.stack.currentIndex() == PAGE_EMPTY


def test_unlock_with_a_wrong_then_the_right_passphrase(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store(3)
    app = open_app(passphrase=None, wait=False)
    dialog = wait_dialog(qtbot, app)
    assert dialog.mode == UNLOCK and dialog.confirm is None
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    ok_button(dialog).click()
    # the derivation runs on the store thread: the dialog shows it is busy meanwhile
    qtbot.waitUntil(lambda: dialog.error_label.isVisible() and dialog.passphrase.isEnabled(), timeout=WAIT_MS)
    assert "not correct" in dialog.error_label.text()
    assert dialog.isVisible() and not app.session.is_open
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    ok_button(dialog).click()
    wait_loaded(qtbot, app)
    assert not dialog.isVisible()
    assert app.window.model.total == 3


def test_cancelling_the_unlock_dialog_leaves_the_window_locked_with_a_retry(
    qtbot: Any, open_app: Any, make_store: Any
) -> None:
    make_store(1)
    app = open_app(passphrase=None, wait=False)
    dialog = wait_dialog(qtbot, app)
    dialog.reject()
    assert app.window.stack.currentIndex() == PAGE_LOCKED
    assert app.window.retry_button.isVisibleTo(app.window)
    app.window.retry_button.click()
    dialog = wait_dialog(qtbot, app)
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    ok_button(dialog).click()
    wait_loaded(qtbot, app)
    assert app.window.model.total == 1


def test_strength_hint_grows_with_the_passphrase() -> None:
    scores = [strength(p)[0] for p in ("", "abc", "abcdefgh", "correct horse battery staple")]
    assert scores[0] == 0 and scores[1] == 0
    assert scores[2] < scores[3] == 3
