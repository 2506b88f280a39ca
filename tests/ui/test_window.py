"""The window driven like a user would: drops, typing, keys, buttons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import WAIT_MS, wait_idle
from tests.ui.factory import write_badges
from wallet.ui.main_window import PAGE_COLLECTION, PAGE_EMPTY, PAGE_RECRUITER, sources_from_mime


def drop_files(window: Any, paths: list[Path] | list[str]) -> None:
    """A real drag-enter + drop of file URLs (or web links) onto the window."""
    mime = QMimeData()
    mime.setUrls([QUrl(str(p)) if str(p).startswith("http") else QUrl.fromLocalFile(str(p)) for p in paths])
    centre = window.rect().center()
    enter = QDragEnterEvent(
        centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()


def wait_import(qtbot: Any, app: Any) -> Any:
    window = app.window
    qtbot.waitUntil(lambda: window.last_import_summary is not None and not window.import_panel.running, timeout=WAIT_MS)
    wait_idle(qtbot, app)
    return window.last_import_summary


def test_empty_wallet_shows_how_to_add_the_first_badge(open_app: Any, make_store: Any) -> None:
    make_store()
    app = open_app()
    window = app.window
    assert window.stack.currentIndex() == PAGE_EMPTY
    assert window.empty_state.mode == "empty"
    assert "Import" in window.empty_state.button.text()
    assert window.empty_state.button.isVisibleTo(window)


def test_drop_badge_files_imports_them_and_shows_detail(
    qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path
) -> None:
    make_store()
    app = open_app()
    window = app.window
    files = write_badges(tmp_path / "in", 3)
    drop_files(window, files)
    summary = wait_import(qtbot, app)
    assert summary.count("imported") == 3, summary.outcomes
    qtbot.waitUntil(lambda: window.model.total == 3, timeout=WAIT_MS)
    assert window.stack.currentIndex() == PAGE_COLLECTION
    names = {window.model.summary(rid).name for rid in window.model.visible_ids()}
    assert names == {"Systems Programming in Rust", "Data Visualisation Basics", "Accessible Web Design"}
    # the first new badge is selected and its detail is painted with one row per check
    qtbot.waitUntil(lambda: window.detail.record is not None, timeout=WAIT_MS)
    record = window.detail.record
    assert record.record_id == window.current_id()
    assert window.detail.check_rows, "the check list is empty"
    assert [row[0] for row in window.detail.check_rows] == [c.id for c in record.report.checks]
    assert window.detail.verdict == record.report.verdict
    # the message bar offers the per-file summary
    assert "3 imported" in window.message_bar.text
    window.show_import_summary()
    dialog = window._summary_dialog
    assert dialog is not None and dialog.table.rowCount() == 3
    dialog.close()


def test_dropping_the_same_badge_twice_reports_a_duplicate_and_rejects_junk(
    qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path
) -> None:
    make_store()
    app = open_app()
    files = write_badges(tmp_path / "in", 1)
    junk = tmp_path / "in" / "notes.txt"
    junk.write_text("hello, not a badge")
    drop_files(app.window, files)
    wait_import(qtbot, app)
    app.window.last_import_summary = None
    drop_files(app.window, [*files, junk])
    summary = wait_import(qtbot, app)
    statuses = {Path(o.name).name: o.status for o in summary.outcomes}
    assert statuses[files[0].name] == "duplicate"
    assert statuses["notes.txt"] in ("rejected", "not_a_badge")
    assert next(o for o in summary.outcomes if o.name.endswith("notes.txt")).reason
    assert app.window.model.total == 1


def test_search_filters_as_you_type(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store(40)
    app = open_app()
    window = app.window
    assert window.model.rowCount() == 40
    qtbot.keyClicks(window.search, "rust")  # a tag and a name word
    expected = [rid for rid in window.model.visible_ids()]
    assert 0 < len(expected) < 40
    assert all(
        "rust" in window.model.summary(rid).name.lower() or "rust" in window.model.summary(rid).tags for rid in expected
    )
    window.search.clear()
    qtbot.keyClicks(window.search, "open skills")  # issuer, two words
    assert window.model.rowCount() == 8
    assert {window.model.summary(r).issuer for r in window.model.visible_ids()} == {"Open Skills Academy"}
    qtbot.keyClicks(window.search, " nothing-matches-this")
    assert window.model.rowCount() == 0
    assert window.stack.currentIndex() == PAGE_EMPTY and window.empty_state.mode == "nomatch"
    window.empty_state.button.click()
    assert window.search.text() == "" and window.model.rowCount() == 40


def test_sidebar_scopes_and_sorting(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store(30)
    app = open_app()
    window = app.window
    window.sidebar.setCurrentItem(window.sidebar.attention_item)
    attention = window.model.visible_ids()
    assert attention and all(window.model.summary(r).verdict != "valid" for r in attention)
    issuer_item = window.sidebar.issuers_item.child(0)
    window.sidebar.setCurrentItem(issuer_item)
    issuers = {window.model.summary(r).issuer for r in window.model.visible_ids()}
    assert len(issuers) == 1
    window.sidebar.select_all()
    window.sort.setCurrentIndex(window.sort.findData("name"))
    names = [window.model.summary(r).name.casefold() for r in window.model.visible_ids()]
    assert names == sorted(names)
    window.sort.setCurrentIndex(window.sort.findData("verdict"))
    first = window.model.summary(window.model.visible_ids()[0]).verdict
    assert first != "valid"


def test_remove_with_delete_key_and_undo(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store(5)
    app = open_app()
    window = app.window
    qtbot.waitUntil(lambda: window.detail.record is not None, timeout=WAIT_MS)
    victim = window.current_id()
    name = window.model.summary(victim).name
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.model.total == 4, timeout=WAIT_MS)
    assert window.model.summary(victim) is None
    assert window.message_bar.isVisible() and name in window.message_bar.text
    assert app.session.store.count() == 4
    assert window.current_id() not in (None, victim)
    window.undo_action.trigger()  # Edit → Undo (Ctrl+Z)
    qtbot.waitUntil(lambda: window.model.total == 5, timeout=WAIT_MS)
    assert window.model.summary(victim) is not None
    assert app.session.store.get(victim).credential.display_name == name
    qtbot.waitUntil(lambda: window.current_id() == victim, timeout=WAIT_MS)


def test_remove_button_in_detail_and_undo_button_in_the_bar(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store(2)
    app = open_app()
    window = app.window
    qtbot.waitUntil(lambda: window.detail.record is not None, timeout=WAIT_MS)
    window.detail.remove_button.click()
    qtbot.waitUntil(lambda: window.model.total == 1, timeout=WAIT_MS)
    undo = [b for b in window.message_bar.findChildren(type(window.detail.remove_button)) if b.text() == "Undo"]
    assert undo
    undo[0].click()
    qtbot.waitUntil(lambda: window.model.total == 2, timeout=WAIT_MS)


def test_keyboard_find_enter_and_arrows(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store(6)
    app = open_app()
    window = app.window
    window.activateWindow()
    window.find_action.trigger()
    assert window.search.hasFocus() or QApplication.focusWidget() is window.search
    window.view.setFocus()
    first = window.current_id()
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    assert window.current_id() != first
    qtbot.waitUntil(lambda: window.detail.record is not None and window.detail.record.record_id == window.current_id())
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert window.detail.isVisible()


def test_list_view_toggle_keeps_the_selection(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store(4)
    app = open_app()
    window = app.window
    selected = window.current_id()
    window.list_button.click()
    assert not window.view.grid
    assert window.current_id() == selected
    window.grid_button.click()
    assert window.view.grid


def test_paste_a_file_imports_it(qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path) -> None:
    make_store()
    app = open_app()
    files = write_badges(tmp_path / "in", 1)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(files[0]))])
    clipboard = QGuiApplication.clipboard()
    clipboard.setMimeData(mime)  # the clipboard owns it now
    try:
        app.window.paste_action.trigger()
        summary = wait_import(qtbot, app)
    finally:
        clipboard.clear()  # the clipboard must not outlive the app holding our object
    assert summary.count("imported") == 1


def test_sources_from_mime_accepts_files_folders_and_links(tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path)), QUrl("https://example.org/badge.json"), QUrl("ftp://x/y")])
    assert sources_from_mime(mime) == [str(tmp_path), "https://example.org/badge.json"]
    text = QMimeData()
    text.setText("https://example.org/a.json\nnot a thing\n")
    assert sources_from_mime(text) == ["https://example.org/a.json"]


def test_recruiter_mode_checks_without_storing(qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path) -> None:
    make_store(1)
    app = open_app()
    window = app.window
    window.sidebar.select_recruiter()
    assert window.stack.currentIndex() == PAGE_RECRUITER
    files = write_badges(tmp_path / "in", 1, start=5)
    drop_files(window, files)  # in recruiter mode a drop is checked, not imported
    qtbot.waitUntil(lambda: window.recruiter.result is not None, timeout=WAIT_MS)
    result = window.recruiter.result
    assert result.verdict
    assert window.recruiter.verdict == result.verdict
    assert window.recruiter.report_rows and window.recruiter.report_rows[0]
    wait_idle(qtbot, app)
    assert app.session.store.count() == 1
    assert window.last_import_summary is None


def test_geometry_and_view_are_remembered(qtbot: Any, open_app: Any, make_store: Any, qsettings: Any) -> None:
    make_store(1)
    app = open_app()
    app.window.list_button.click()
    app.window.sort.setCurrentIndex(app.window.sort.findData("issuer"))
    app.window.close()
    assert qsettings.value("window/geometry")
    second = open_app()
    assert not second.window.view.grid
    assert second.window.model.sort_kind == "issuer"


def test_about_box_lists_versions() -> None:
    from wallet.ui.dialogs import versions

    info = versions()
    for key in ("Badge Wallet", "Python", "Qt", "pyld", "cryptography"):
        assert info[key]


def test_unhandled_exception_becomes_a_dialog(qtbot: Any, open_app: Any, make_store: Any, monkeypatch: Any) -> None:
    import sys

    from PySide6.QtWidgets import QMessageBox

    from wallet.ui.app import install_excepthook

    make_store()
    app = open_app()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    import threading

    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_excepthook(app.window)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    boxes = [w for w in app.window.findChildren(QMessageBox) if w.objectName() == "ErrorBox"]
    assert boxes and "boom" in boxes[-1].text()
    assert "Traceback" in boxes[-1].detailedText()
    boxes[-1].close()
