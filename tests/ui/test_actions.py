"""Detail actions and settings: re-verify, export, copy link, CLR children, offline, backup, passphrase."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.conftest import WAIT_MS, wait_idle
from tests.ui.factory import PASSPHRASE, credential_json, open_options
from tests.ui.test_window import drop_files, wait_import
from wallet.ui import dialogs
from wallet.ui.dialogs import BACKUP, CHANGE, CURRENT, RESTORE, PassphraseDialog

ROOT = Path(__file__).resolve().parents[2]


def visible_dialog(qtbot: Any, window: Any, mode: str) -> PassphraseDialog:
    def find() -> PassphraseDialog | None:
        found = [d for d in window.findChildren(PassphraseDialog) if d.mode == mode and d.isVisible()]
        return found[-1] if found else None

    qtbot.waitUntil(lambda: find() is not None, timeout=WAIT_MS)
    dialog = find()
    assert dialog is not None
    return dialog


def submit(qtbot: Any, dialog: PassphraseDialog, text: str) -> None:
    qtbot.keyClicks(dialog.passphrase, text)
    if dialog.confirm is not None:
        qtbot.keyClicks(dialog.confirm, text)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_reverify_replaces_the_report_and_updates_card_and_detail(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store(1, verdicts=["valid"])  # a recorded "valid" report on an unsigned demo badge
    app = open_app()
    window = app.window
    qtbot.waitUntil(lambda: window.detail.record is not None, timeout=WAIT_MS)
    before = window.detail.record.report.checked_at
    assert window.detail.verdict == "valid"
    window.detail.reverify_button.click()
    qtbot.waitUntil(
        lambda: window.detail.record is not None and window.detail.record.report.checked_at > before, timeout=WAIT_MS
    )
    wait_idle(qtbot, app)
    record_id = window.current_id()
    assert window.detail.verdict == "invalid_signature"  # the real verifier: it carries no proof
    assert window.model.summary(record_id).verdict == "invalid_signature"
    assert ("proof", "fail") in [(c, s) for c, s, _ in window.detail.check_rows]
    assert "Verified 1 badge" in window.message_bar.text


def test_export_baked_badge_writes_a_file_that_parses_back(
    qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wallet.formats import parse

    make_store(1)
    app = open_app()
    window = app.window
    qtbot.waitUntil(lambda: window.detail.record is not None, timeout=WAIT_MS)
    target = tmp_path / "exported.png"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(target))
    window.detail.export_button.click()
    qtbot.waitUntil(target.exists, timeout=WAIT_MS)
    wait_idle(qtbot, app)
    exported = parse(target.read_bytes(), target.name)
    assert exported[0].id == window.detail.record.credential.id
    assert "Saved" in window.message_bar.text


def test_copy_link_and_issuer_page_follow_the_credential(
    qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path
) -> None:
    make_store()
    app = open_app()
    doc = json.loads(credential_json(3))
    doc["id"] = "https://academy.example.net/credentials/3"
    path = tmp_path / "linked.json"
    path.write_text(json.dumps(doc))
    drop_files(app.window, [path])
    wait_import(qtbot, app)
    detail = app.window.detail
    qtbot.waitUntil(lambda: detail.record is not None, timeout=WAIT_MS)
    assert detail.copy_button.isEnabled() and detail.issuer_button.isEnabled()
    detail.copy_button.click()
    assert QGuiApplication.clipboard().text() == "https://academy.example.net/credentials/3"
    assert "copied" in app.window.message_bar.text


def test_clr_detail_lists_its_achievements_and_opens_them(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store()
    app = open_app()
    window = app.window
    drop_files(window, [ROOT / "tests" / "data" / "formats" / "clr_realistic.json"])
    summary = wait_import(qtbot, app)
    assert summary.count("imported") == 1
    qtbot.waitUntil(lambda: window.model.total == 3, timeout=WAIT_MS)
    clr = next(s for s in window.model.all_summaries() if s.parent_id is None)
    children = [s for s in window.model.all_summaries() if s.parent_id == clr.id]
    assert len(children) == 2
    window.select_record(clr.id)
    qtbot.waitUntil(lambda: window.detail.record is not None and window.detail.record.record_id == clr.id)
    text = window.detail.browser.toPlainText()
    assert "Achievements in this record (2)" in text
    assert all(child.name in text for child in children)
    window.detail._anchor(QUrl(f"record:{children[0].id}"))  # what clicking the link does
    qtbot.waitUntil(lambda: window.current_id() == children[0].id, timeout=WAIT_MS)


def test_settings_offline_mode_is_kept_in_the_store(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store(1)
    app = open_app()
    window = app.window
    window.open_settings()
    settings = window._settings_dialog
    assert str(app.session.home) in [w.text() for w in settings.findChildren(type(settings.status))]
    settings.offline.setChecked(True)
    assert app.session.offline
    wait_idle(qtbot, app)
    assert app.session.store.get_setting("ui.offline") == "1"
    settings.close()
    window.close()
    second = open_app()
    assert second.session.offline


def test_backup_then_restore_brings_a_removed_badge_back(
    qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(3)
    app = open_app()
    window = app.window
    backup = tmp_path / "wallet.bwbackup"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(backup))
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *_a: str(backup))
    window.open_settings()
    settings = window._settings_dialog
    settings.backup_requested.emit()
    submit(qtbot, visible_dialog(qtbot, window, BACKUP), "backup passphrase 1")
    qtbot.waitUntil(lambda: "Backed up 3" in settings.status.text(), timeout=WAIT_MS)
    assert backup.stat().st_size > 0
    victim = window.current_id()
    window.remove(victim)
    qtbot.waitUntil(lambda: window.model.total == 2, timeout=WAIT_MS)
    settings.restore_requested.emit()
    dialog = visible_dialog(qtbot, window, RESTORE)
    submit(qtbot, dialog, "wrong")
    qtbot.waitUntil(lambda: dialog.error_label.isVisible() and dialog.passphrase.isEnabled(), timeout=WAIT_MS)
    dialog.passphrase.clear()
    submit(qtbot, dialog, "backup passphrase 1")
    qtbot.waitUntil(lambda: "Restored 1" in settings.status.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.model.total == 3, timeout=WAIT_MS)
    settings.close()


def test_change_passphrase_from_settings(qtbot: Any, open_app: Any, make_store: Any, home: Path) -> None:
    from wallet.store import WalletStore

    make_store(1)
    app = open_app()
    window = app.window
    window.open_settings()
    settings = window._settings_dialog
    assert settings.passphrase_button.isEnabled()
    settings.passphrase_button.click()
    submit(qtbot, visible_dialog(qtbot, window, CURRENT), PASSPHRASE)
    submit(qtbot, visible_dialog(qtbot, window, CHANGE), "a brand new passphrase")
    qtbot.waitUntil(lambda: settings.status.text() == "Passphrase changed.", timeout=WAIT_MS)
    settings.close()
    window.close()
    with WalletStore.open(home, passphrase="a brand new passphrase", **open_options()) as store:
        assert store.count() == 1


def gate_second(items: Any, reached: threading.Event, gate: threading.Event) -> Any:
    """Yield ``items``, pausing (on the store thread) once the first one has been handled."""
    for index, item in enumerate(items):
        if index == 1:
            reached.set()
            gate.wait(WAIT_MS / 1000)
        yield item


def test_backup_shows_determinate_progress_and_completes(
    qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(3)
    app = open_app()
    window = app.window
    backup = tmp_path / "wallet.bwbackup"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(backup))
    window.open_settings()
    settings = window._settings_dialog
    values: list[int] = []
    settings.progress.valueChanged.connect(values.append)
    settings.backup_requested.emit()
    submit(qtbot, visible_dialog(qtbot, window, BACKUP), "backup passphrase 1")
    qtbot.waitUntil(lambda: "Backed up 3" in settings.status.text(), timeout=WAIT_MS)
    assert (settings.progress.minimum(), settings.progress.maximum()) == (0, 3)  # determinate: records
    assert values and values[-1] == 3 and values == sorted(values)
    assert settings.progress.isHidden() and settings.cancel_button.isHidden()
    assert settings.backup_button.isEnabled() and settings.restore_button.isEnabled()
    assert backup.stat().st_size > 0
    settings.close()


def test_a_cancelled_backup_leaves_no_file(
    qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(3)
    app = open_app()
    window = app.window
    out = tmp_path / "out"
    out.mkdir()
    backup = out / "wallet.bwbackup"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(backup))
    store = app.session.store
    reached, gate = threading.Event(), threading.Event()
    records = store.records
    monkeypatch.setattr(store, "records", lambda: gate_second(records(), reached, gate))
    window.open_settings()
    settings = window._settings_dialog
    settings.backup_requested.emit()
    submit(qtbot, visible_dialog(qtbot, window, BACKUP), "backup passphrase 1")
    try:
        qtbot.waitUntil(lambda: reached.is_set() and settings.progress.value() == 1, timeout=WAIT_MS)
        assert settings.progress.maximum() == 3
        assert settings.cancel_button.isVisible() and settings.cancel_button.isEnabled()
        assert not settings.backup_button.isEnabled()
        settings.cancel_button.click()
        assert settings.cancel_button.text() == "Cancelling…"
    finally:
        gate.set()
    qtbot.waitUntil(lambda: "Backup cancelled; nothing was written." in settings.status.text(), timeout=WAIT_MS)
    wait_idle(qtbot, app)
    assert list(out.iterdir()) == []  # neither the backup nor its temp file
    assert settings.cancel_button.isHidden() and settings.backup_button.isEnabled()
    settings.close()


def test_a_cancelled_restore_changes_nothing(
    qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(3)
    app = open_app()
    window = app.window
    backup = tmp_path / "wallet.bwbackup"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(backup))
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *_a: str(backup))
    window.open_settings()
    settings = window._settings_dialog
    settings.backup_requested.emit()
    submit(qtbot, visible_dialog(qtbot, window, BACKUP), "backup passphrase 1")
    qtbot.waitUntil(lambda: "Backed up 3" in settings.status.text(), timeout=WAIT_MS)
    window.remove(window.current_id())
    qtbot.waitUntil(lambda: window.model.total == 2, timeout=WAIT_MS)
    wait_idle(qtbot, app)
    store = app.session.store
    before = sorted((r.record_id, r.credential.original, r.notes, r.tags) for r in store.records())
    reached, gate = threading.Event(), threading.Event()
    merge = store.merge_records
    monkeypatch.setattr(store, "merge_records", lambda records, **kw: merge(gate_second(records, reached, gate), **kw))
    settings.restore_requested.emit()
    dialog = visible_dialog(qtbot, window, RESTORE)
    submit(qtbot, dialog, "backup passphrase 1")
    try:
        qtbot.waitUntil(lambda: reached.is_set() and settings.progress.value() == 1, timeout=WAIT_MS)
        assert not dialog.isVisible()  # the passphrase was right: progress moved to the settings dialog
        assert settings.progress.maximum() == 3 and settings.cancel_button.isVisible()
        settings.cancel_button.click()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: "Restore cancelled; nothing was restored." in settings.status.text(), timeout=WAIT_MS)
    wait_idle(qtbot, app)
    assert store.count() == 2 and window.model.total == 2
    assert sorted((r.record_id, r.credential.original, r.notes, r.tags) for r in store.records()) == before
    settings.close()
