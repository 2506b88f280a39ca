"""Share dialog and résumé bundle dialog, driven through the real window.

The Share tests read back what a user would get: the clipboard's text, the
QR code shown (decoded with the same reader the recruiter view uses) and the
file "Save…" wrote.  The bundle test writes a real ZIP from real signed
badges (the JS-generated corpus, did:key issuers, so everything verifies
offline) and checks it the way a recruiter would, with ``check_target``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QSettings
from PySide6.QtGui import QGuiApplication, QImage

from tests.ui.conftest import WAIT_MS, wait_idle
from tests.ui.factory import PASSPHRASE, credential_json, fake_report, open_options
from wallet.export.qr import decode_qr_image
from wallet.ui import dialogs, share
from wallet.ui.bundle_dialog import BundleDialog
from wallet.ui.share import SETTING_BASE_URL, ShareDialog

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "gen" / "js" / "out" / "baked"
SIGNED = ("ob_vc2_eddsa_valid.png", "ob_vc2_ecdsa-p256_valid.png")
CRITERIA_PAGE = "https://academy.example.net/badges/data-vis?lang=en&v=2"
CREDENTIAL_URL = "https://academy.example.net/credentials/7"
CHALLENGE = "interview-7f3a"
DOMAIN = "jobs.example.com"


@pytest.fixture(autouse=True)
def _no_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The "Add to profile" button must never start a real browser from a test run."""
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(share, "open_url", fake_open)
    return opened


def _store_with(home: Path, files: list[tuple[bytes, str]], *, verify_now: bool = False) -> None:
    """A wallet holding exactly these files: real parsing, a real offline report or a recorded one."""
    from wallet.formats import parse
    from wallet.store import WalletStore
    from wallet.verify import VerifyOptions, verify

    with WalletStore.open(home, passphrase=PASSPHRASE, **open_options()) as store:
        for data, name in files:
            credential = parse(data, name)[0]
            report = verify(credential, VerifyOptions(now=datetime.now(UTC))) if verify_now else None
            store.add(credential, report or fake_report(credential, "valid"), source=name)


def _doc(index: int, **changes: Any) -> bytes:
    doc = json.loads(credential_json(index, valid_until=datetime(2027, 3, 15, tzinfo=UTC)))
    if "criteria_id" in changes:
        doc["credentialSubject"]["achievement"]["criteria"]["id"] = changes["criteria_id"]
    if "credential_id" in changes:
        doc["id"] = changes["credential_id"]
    return json.dumps(doc).encode()


@pytest.fixture
def open_share(qtbot: Any, open_app: Any) -> Callable[[], tuple[Any, ShareDialog]]:
    def start() -> tuple[Any, ShareDialog]:
        app = open_app()
        window = app.window
        qtbot.waitUntil(lambda: window.detail.record is not None, timeout=WAIT_MS)
        window.detail.share_button.click()
        dialog = window._share_dialog
        assert isinstance(dialog, ShareDialog) and dialog.isVisible()
        return app, dialog

    return start


def _png(image: QImage) -> bytes:
    """What the clipboard or the label holds, as PNG bytes for the QR reader."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs miss the QIODevice overload
    return bytes(buffer.data().data())


def test_share_offers_link_fields_linkedin_and_a_qr_code_that_scans(
    qtbot: Any, open_share: Any, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _no_browser: list[str]
) -> None:
    _store_with(home, [(_doc(1, criteria_id=CRITERIA_PAGE), "datavis.json")])
    app, dialog = open_share()
    clipboard = QGuiApplication.clipboard()

    # the verification link (here the issuer's badge page, and said to be only that)
    assert dialog.link_field.text() == CRITERIA_PAGE
    assert "does not show that you earned it" in dialog.link_note.text()
    dialog.copy_link_button.click()
    assert clipboard.text() == CRITERIA_PAGE

    # one copy button per value, each putting exactly that value on the clipboard
    credential = dialog.credential
    expected = {
        "Name": "Data Visualisation Basics",
        "Issuing organization": "Open Skills Academy",
        "Issue date": "February 2022",
        "Expiration date": "March 2027",
        "Credential ID": credential.id,
        "Credential URL": CRITERIA_PAGE,
    }
    assert {k: dialog.field_values[k] for k in expected} == expected
    for label, value in expected.items():
        dialog.copy_buttons[label].click()
        assert clipboard.text() == value, label

    # LinkedIn: the button opens the encoded URL, "Copy link" copies the same one
    dialog.linkedin_button.click()
    assert len(_no_browser) == 1 and _no_browser[0].startswith("https://www.linkedin.com/profile/add?")
    assert "certUrl=" + "https%3A%2F%2Facademy.example.net%2Fbadges%2Fdata-vis%3Flang%3Den%26v%3D2" in _no_browser[0]
    dialog.copy_linkedin_button.click()
    assert clipboard.text() == _no_browser[0]

    # the QR code shown decodes to the link; Copy puts a scannable image on the clipboard
    assert dialog.qr_png is not None and dialog.qr_label.pixmap() is not None
    assert decode_qr_image(dialog.qr_png) == [CRITERIA_PAGE]
    assert decode_qr_image(_png(dialog.qr_label.pixmap().toImage())) == [CRITERIA_PAGE]
    dialog.copy_qr_button.click()
    assert decode_qr_image(_png(clipboard.image())) == [CRITERIA_PAGE]

    # Save… writes a PNG (suffix added when missing) and an SVG
    target = tmp_path / "qr-code"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(target))
    dialog.save_qr_button.click()
    saved = tmp_path / "qr-code.png"
    qtbot.waitUntil(saved.exists, timeout=WAIT_MS)
    assert decode_qr_image(saved.read_bytes()) == [CRITERIA_PAGE]
    svg = tmp_path / "qr.svg"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(svg))
    dialog.save_qr_button.click()
    qtbot.waitUntil(svg.exists, timeout=WAIT_MS)
    assert svg.read_text().lstrip().startswith("<?xml")
    wait_idle(qtbot, app)
    assert "Saved" in dialog.status.text()
    dialog.close()


def test_published_portfolio_address_moves_the_qr_code_and_is_remembered(
    qtbot: Any, open_share: Any, make_store: Any, qsettings: QSettings
) -> None:
    from wallet.export.site import site_page_url

    make_store(1)  # a demo badge with an urn:uuid id and no page: no public link at all
    _app, dialog = open_share()
    assert dialog.link_field.text() == "" and not dialog.copy_link_button.isEnabled()
    assert "no public link" in dialog.link_note.text()
    assert dialog.qr_png is None and not dialog.save_qr_button.isEnabled()
    assert "Credential URL" not in dialog.field_values and "Name" in dialog.field_values  # copy fields stay

    dialog._base_url.setText("not a url")
    dialog._base_url.editingFinished.emit()
    assert "plain http(s) URL" in dialog.base_note.text()
    assert not qsettings.value(SETTING_BASE_URL)

    dialog._base_url.setText("https://me.example.org/badges")
    dialog._base_url.editingFinished.emit()
    page = site_page_url("https://me.example.org/badges", dialog.record_id, dialog.credential)
    assert dialog.qr_png is not None and decode_qr_image(dialog.qr_png) == [page]
    assert dialog.field_values["Credential URL"] == page
    assert "published portfolio" in dialog.qr_caption.text()
    assert qsettings.value(SETTING_BASE_URL) == "https://me.example.org/badges"
    dialog.close()


def test_an_https_id_is_offered_once_it_answers(
    qtbot: Any, open_share: Any, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wallet.export.links as links

    asked: list[str] = []

    def answers(url: str, _fetcher: Any) -> bool:  # no network in tests: the id "answers 200"
        asked.append(url)
        return True

    monkeypatch.setattr(links, "_answers_200", answers)
    _store_with(home, [(_doc(2, credential_id=CREDENTIAL_URL), "linked.json")])
    _app, dialog = open_share()
    qtbot.waitUntil(lambda: dialog.checking is None, timeout=WAIT_MS)
    assert asked == [CREDENTIAL_URL]
    assert dialog.link_field.text() == CREDENTIAL_URL
    assert dialog.targets.link is not None and dialog.targets.link.proves_award
    assert decode_qr_image(dialog.qr_png or b"") == [CREDENTIAL_URL]
    dialog.close()


def test_a_link_too_long_for_a_qr_code_shows_why(qtbot: Any, open_share: Any, home: Path) -> None:
    long_page = "https://academy.example.net/badges/" + "x" * 900
    _store_with(home, [(_doc(3, criteria_id=long_page), "long.json")])
    _app, dialog = open_share()
    assert dialog.qr_png is None and dialog.qr_error is not None
    assert "too long for a QR code" in dialog.qr_label.text()
    assert not dialog.save_qr_button.isEnabled() and not dialog.copy_qr_button.isEnabled()
    assert dialog.field_values["Name"]  # everything else is still offered
    dialog.close()


@pytest.fixture
def signed_wallet(home: Path) -> Iterator[None]:
    files = [((CORPUS / name).read_bytes(), name) for name in SIGNED]
    _store_with(home, files, verify_now=True)
    yield


def test_bundle_dialog_writes_a_bundle_a_recruiter_can_check(
    qtbot: Any, qapp: Any, open_app: Any, signed_wallet: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wallet.recruiter import check_target

    app = open_app()
    window = app.window
    qtbot.waitUntil(lambda: window.model.total == 2 and window.detail.record is not None, timeout=WAIT_MS)
    current = window.current_id()
    assert window.bundle_action.shortcut().toString() == "Ctrl+Shift+E"
    assert window.bundle_action in window.menuBar().actions()[0].menu().actions()  # File menu
    window.bundle_action.trigger()
    dialog = window._bundle_dialog
    assert isinstance(dialog, BundleDialog) and dialog.isVisible()
    assert dialog.selected_ids() == [current]  # the badge the user was looking at starts ticked
    assert not dialog.write_button.isEnabled()  # no file chosen yet

    dialog.search.setText("no such badge")
    dialog.all_button.click()
    assert dialog.selected_ids() == [current]  # select all acts on the badges shown
    dialog.search.clear()
    dialog.none_button.click()
    assert dialog.selected_ids() == []
    dialog.all_button.click()
    assert len(dialog.selected_ids()) == 2

    dialog.challenge.setText(CHALLENGE)
    dialog.domain.setText(DOMAIN)
    out = tmp_path / "out" / "my bundle"
    out.parent.mkdir()
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *_a: str(out))
    dialog.choose_button.click()
    assert dialog.write_button.isEnabled()
    dialog.write_button.click()
    assert dialog.busy and dialog.busy_bar.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert dialog.error is None, dialog.error
    zip_path = tmp_path / "out" / "my bundle.zip"
    assert dialog.result is not None and dialog.result.path == zip_path
    assert "portfolio.pdf" in dialog.result.files
    assert "Wrote" in dialog.message.text()
    assert "résumé bundle" in window.message_bar.text

    result = check_target(str(zip_path), offline=True, challenge=CHALLENGE, domain=DOMAIN)
    assert result.verdict == "valid", result.render_text()
    assert len(result.reports) == 2
    wrong = check_target(str(zip_path), offline=True, challenge="someone else's", domain=DOMAIN)
    assert wrong.verdict != "valid"
    dialog.close()


def test_bundle_errors_are_shown_in_the_dialog(
    qtbot: Any, open_app: Any, make_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(1)
    app = open_app()
    window = app.window
    qtbot.waitUntil(lambda: window.detail.record is not None, timeout=WAIT_MS)
    window.open_bundle()
    dialog = window._bundle_dialog
    assert isinstance(dialog, BundleDialog)
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    dialog.path.setText(str(blocker / "bundle.zip"))  # its folder is a file: the write must fail
    dialog.write_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert dialog.error and dialog.message.text()
    assert dialog.result is None
    dialog.close()


def test_bundle_needs_badges(qtbot: Any, open_app: Any, make_store: Any) -> None:
    make_store()
    app = open_app()
    app.window.open_bundle()
    assert app.window._bundle_dialog is None
    assert "Add badges" in app.window.message_bar.text
