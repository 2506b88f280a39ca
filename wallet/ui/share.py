"""The Share dialog: every way to show one badge to somebody else, in one place.

What goes where is decided by ``wallet.export`` – ``verification_link`` picks
the public address, ``linkedin_link`` builds LinkedIn's "add to profile" URL,
``copy_fields`` lists the values to paste, ``site_page_url`` names the page a
published portfolio has for the badge, ``qr_png_bytes``/``make_qr`` draw the
code.  This module only lays those answers out and puts them on the
clipboard; ``share_targets`` is the one place that combines them, and it is a
plain function so the rules can be read (and tested) without a window.

The copy buttons are always there, even when there is a link: LinkedIn and
most job sites drop over-long values from a URL, and some forms take no URL
at all, so typing the values in by hand must stay easy.

Nothing here blocks the GUI thread on the network: a credential whose https
id still has to prove that it answers is fetched on the background pool
(never in offline mode), and the dialog updates when the answer comes back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from wallet.errors import ExportError
from wallet.export.links import (
    KIND_BADGE_PAGE,
    KIND_CREDENTIAL,
    KIND_HOSTED,
    LinkedInLink,
    VerificationLink,
    copy_fields,
    link_candidates,
    linkedin_link,
    verification_link,
)
from wallet.export.qr import make_qr, qr_png_bytes
from wallet.export.site import site_page_url
from wallet.model import Credential

from . import dialogs
from .qtcompat import emit
from .session import WalletSession
from .theme import icon_color
from .widgets import clear_layout

log = logging.getLogger(__name__)

#: QSettings key of the address the user published their portfolio site at
#: (``badgewallet export site --base-url``).  The session offers no generic
#: settings API, and this is a per-user preference like the window layout.
SETTING_BASE_URL = "share/base_url"
QR_SIDE = 232  # on-screen size of the code; large enough to scan straight off the screen

LINK_TEXT = {
    KIND_HOSTED: "The issuer's live copy of this award: anyone who opens it sees that you earned the badge.",
    KIND_CREDENTIAL: "This award's own address at the issuer; it answered when checked.",
    KIND_BADGE_PAGE: "The issuer's page about this badge. It describes the badge but does not show that you earned it.",
}
NO_LINK_TEXT = (
    "This badge has no public link: the issuer publishes no address for it. Share the badge file itself "
    "(Export…), add it to a résumé bundle, or publish your portfolio and enter its address below. "
    "The values below can still be copied into any form."
)


# --------------------------------------------------------------------------- what to share (no Qt)


@dataclass(frozen=True, slots=True)
class ShareTargets:
    """The addresses the dialog offers for one badge, and why.

    ``qr_url`` follows the portfolio site: a published page comes first
    (it shows the badge, its verdict and the original file, and links on to
    the issuer), else the verification link.  ``cert_url`` – LinkedIn's
    "credential URL" and the "Credential URL" copy field – prefers a link that
    proves the award, because the issuer's own copy is stronger evidence than
    a page the earner hosts; a badge's general page comes last.
    """

    link: VerificationLink | None
    page_url: str | None
    page_error: str | None
    qr_url: str | None
    cert_url: str | None


def share_targets(
    record_id: str, credential: Credential, link: VerificationLink | None, base_url: str | None
) -> ShareTargets:
    """Combine the verification link with the published portfolio page (see ``ShareTargets``)."""
    page_url: str | None = None
    page_error: str | None = None
    if base_url:
        try:
            page_url = site_page_url(base_url, record_id, credential)
        except ExportError as exc:
            page_error = exc.user_message
    proving = link.url if link is not None and link.proves_award else None
    cert_url = proving or page_url or (link.url if link is not None else None)
    qr_url = page_url or (link.url if link is not None else None)
    return ShareTargets(link, page_url, page_error, qr_url, cert_url)


def qr_caption(targets: ShareTargets) -> str:
    """What a scan of the code opens – said plainly, so nobody prints a code that proves less than they think."""
    if targets.qr_url is None:
        return "No QR code: this badge has no public link. Enter your published portfolio's address below to get one."
    if targets.page_url is not None:
        return "Scan to open this badge's page in your published portfolio."
    if targets.link is not None and targets.link.proves_award:
        return "Scan to verify this award at the issuer."
    return "Scan for the issuer's page about this badge (it does not show that you earned it)."


def open_url(url: str) -> bool:
    """Open ``url`` in the browser; the URL is already percent-encoded, so Qt must not encode it again."""
    return QDesktopServices.openUrl(QUrl.fromEncoded(QByteArray(url.encode("ascii", "ignore"))))


def _file_stem(name: str) -> str:
    return "".join(c if c.isalnum() or c in " -_" else "_" for c in name).strip() or "badge"


# --------------------------------------------------------------------------- the dialog


class ShareDialog(QDialog):
    """Link, LinkedIn, copy buttons and QR code for one stored record."""

    #: a short confirmation for the window's message bar ("Copied …", "Saved …")
    message = Signal(str)

    def __init__(self, record: Any, session: WalletSession, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ShareDialog")
        self._session = session
        self._settings = settings
        self._alive = True  # set False on close: late answers from workers are then ignored
        self.record_id: str = record.record_id
        self.credential: Credential = record.credential
        self.targets = share_targets(self.record_id, self.credential, None, None)
        self.linkedin: LinkedInLink | None = None
        self.qr_png: bytes | None = None  # exactly the PNG shown (tests decode it)
        self.qr_error: str | None = None
        self.checking: str | None = None  # an https id being fetched in the background
        self.copy_buttons: dict[str, QPushButton] = {}
        self.field_values: dict[str, str] = {}  # label → value, as on the copy buttons
        self.setWindowTitle(f"Share “{self.credential.display_name}”")
        self.setMinimumWidth(780)
        self._build()
        self.finished.connect(self._closed)
        self._base_url.setText(str(settings.value(SETTING_BASE_URL, "") or ""))
        self._resolve_link()
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter in the address field must not press a Copy button
        (self.copy_link_button if self.copy_link_button.isEnabled() else self.linkedin_button).setFocus()

    # ------------------------------------------------------------ construction

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setSpacing(10)
        columns = QHBoxLayout()
        columns.setSpacing(18)
        left = QVBoxLayout()
        left.setSpacing(6)

        left.addWidget(_heading("Verification link"))
        row = QHBoxLayout()
        self.link_field = _value_field("Verification link")
        self.copy_link_button = QPushButton("Copy")
        self.copy_link_button.setAccessibleName("Copy verification link")
        self.copy_link_button.clicked.connect(self._copy_link)
        row.addWidget(self.link_field, 1)
        row.addWidget(self.copy_link_button)
        left.addLayout(row)
        self.link_note = _note()
        left.addWidget(self.link_note)

        left.addSpacing(6)
        left.addWidget(_heading("LinkedIn"))
        row = QHBoxLayout()
        self.linkedin_button = QPushButton("Add to profile")
        self.linkedin_button.setToolTip("Open LinkedIn's “Add license or certification” form with this badge filled in")
        self.linkedin_button.clicked.connect(self._open_linkedin)
        self.copy_linkedin_button = QPushButton("Copy link")
        self.copy_linkedin_button.setAccessibleName("Copy LinkedIn link")
        self.copy_linkedin_button.setToolTip("Copy the “add to profile” address, to open it in another browser")
        self.copy_linkedin_button.clicked.connect(self._copy_linkedin)
        row.addWidget(self.linkedin_button)
        row.addWidget(self.copy_linkedin_button)
        row.addStretch(1)
        left.addLayout(row)
        self.linkedin_note = _note()
        left.addWidget(self.linkedin_note)

        left.addSpacing(6)
        left.addWidget(_heading("Copy one value at a time"))
        self._fields_box = QWidget()
        self._fields = QGridLayout(self._fields_box)
        self._fields.setContentsMargins(0, 0, 0, 0)
        self._fields.setHorizontalSpacing(8)
        self._fields.setVerticalSpacing(4)
        self._fields.setColumnStretch(1, 1)
        left.addWidget(self._fields_box)
        left.addStretch(1)

        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(_heading("QR code"))
        self.qr_label = QLabel()
        self.qr_label.setObjectName("QrCode")
        self.qr_label.setFixedSize(QR_SIDE, QR_SIDE)
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_label.setWordWrap(True)
        self.qr_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.qr_label.setAccessibleName("QR code")
        right.addWidget(self.qr_label)
        self.qr_caption = _note(QR_SIDE)
        self.qr_caption.setMaximumWidth(QR_SIDE)
        right.addWidget(self.qr_caption)
        row = QHBoxLayout()
        self.save_qr_button = QPushButton("Save…")
        self.save_qr_button.setToolTip("Save the code as a PNG or SVG file (SVG stays sharp at any print size)")
        self.save_qr_button.setAccessibleName("Save QR code")
        self.save_qr_button.clicked.connect(self._save_qr)
        self.copy_qr_button = QPushButton("Copy")
        self.copy_qr_button.setToolTip("Copy the code as an image, to paste into a document")
        self.copy_qr_button.setAccessibleName("Copy QR code image")
        self.copy_qr_button.clicked.connect(self._copy_qr)
        row.addWidget(self.save_qr_button)
        row.addWidget(self.copy_qr_button)
        row.addStretch(1)
        right.addLayout(row)
        right.addStretch(1)

        columns.addLayout(left, 1)
        columns.addLayout(right, 0)
        outer.addLayout(columns, 1)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(line)
        form = QHBoxLayout()
        label = QLabel("Published portfolio:")
        self._base_url = QLineEdit()
        self._base_url.setPlaceholderText("https://you.example.org/portfolio/  (optional)")
        self._base_url.setAccessibleName("Published portfolio address")
        self._base_url.setClearButtonEnabled(True)
        self._base_url.setToolTip(
            "The address of the folder you published the portfolio site in – where its index.html is "
            "(badgewallet export site --base-url …). The QR code then opens this badge's page there."
        )
        self._base_url.editingFinished.connect(self._base_url_edited)
        label.setBuddy(self._base_url)
        form.addWidget(label)
        form.addWidget(self._base_url, 1)
        outer.addLayout(form)
        self.base_note = _note()
        outer.addWidget(self.base_note)

        bottom = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("ShareStatus")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)
        outer.addLayout(bottom)

    # ------------------------------------------------------------ link resolution

    def _resolve_link(self) -> None:
        """Show the answer that needs no network now; fetch an unconfirmed https id in the background."""
        link = verification_link(self.credential, None)
        pending = next((c for c in link_candidates(self.credential) if not c.confirmed), None)
        if pending is not None and (link is None or link.kind == KIND_BADGE_PAGE) and not self._session.offline:
            self.checking = pending.url
            credential = self.credential
            from wallet.net import Fetcher

            def work(_p: Any) -> VerificationLink | None:
                return verification_link(credential, Fetcher(offline=False))

            self._session.tasks.run_background("share link", work, done=self._link_checked, failed=self._check_failed)
        self._apply(link)

    def _link_checked(self, link: VerificationLink | None) -> None:
        if self._alive:
            self.checking = None
            self._apply(link)

    def _check_failed(self, exc: BaseException) -> None:
        log.warning("checking the share link failed: %r", exc)
        if self._alive:
            self.checking = None
            self._apply(self.targets.link)

    def _base_url_edited(self) -> None:
        text = self._base_url.text().strip()
        targets = share_targets(self.record_id, self.credential, self.targets.link, text or None)
        if targets.page_error is None:
            self._settings.setValue(SETTING_BASE_URL, text)
        self._apply(self.targets.link)

    # ------------------------------------------------------------ showing

    def _apply(self, link: VerificationLink | None) -> None:
        """Recompute everything shown from ``link`` and the published address (both may change)."""
        base = self._base_url.text().strip() or None
        self.targets = targets = share_targets(self.record_id, self.credential, link, base)
        self._show_link(targets)
        self.linkedin = linkedin_link(self.credential, targets.cert_url)
        if self.linkedin.omitted:
            self.linkedin_note.setText(
                "Too long for LinkedIn's link, so type or copy it in by hand: " + ", ".join(self.linkedin.omitted) + "."
            )
        else:
            self.linkedin_note.setText("Opens LinkedIn with the name, organization, dates and link filled in.")
        self._show_fields(targets.cert_url)
        self._show_qr(targets)
        if targets.page_error:
            self.base_note.setText(targets.page_error)
            _tint(self.base_note, "bad")
        else:
            self.base_note.setText(
                "If you published your portfolio site, enter its address: the QR code then opens this badge's page."
            )
            _tint(self.base_note, None)

    def _show_link(self, targets: ShareTargets) -> None:
        link = targets.link
        self.link_field.setText(link.url if link else "")
        self.link_field.setPlaceholderText("No public link")
        self.link_field.setCursorPosition(0)
        self.copy_link_button.setEnabled(link is not None)
        if self.checking and (link is None or link.kind == KIND_BADGE_PAGE):
            note = f"Checking whether {self.checking} answers…"
        elif link is not None:
            note = LINK_TEXT.get(link.kind, "")
        else:
            unchecked = next((c for c in link_candidates(self.credential) if not c.confirmed), None)
            note = NO_LINK_TEXT
            if unchecked is not None:
                why = "offline mode is on" if self._session.offline else "it did not answer"
                note = (
                    f"The badge names {unchecked.url}, but it is not offered because {why}: a link that leads "
                    "nowhere makes a badge look fake. " + NO_LINK_TEXT
                )
        self.link_note.setText(note)

    def _show_fields(self, cert_url: str | None) -> None:
        clear_layout(self._fields)
        self.copy_buttons = {}
        self.field_values = {}
        for row, (label, value) in enumerate(copy_fields(self.credential, cert_url)):
            name = QLabel(label + ":")
            field = _value_field(label)
            field.setText(value)
            field.setCursorPosition(0)
            button = QPushButton("Copy")
            button.setAccessibleName(f"Copy {label}")
            button.setToolTip(f"Copy the {label[:1].lower() + label[1:]}")
            button.setAutoDefault(False)
            what = label[:1].lower() + label[1:]  # "credential URL", not "credential url"
            button.clicked.connect(lambda _c=False, w=what, v=value: self._copy_text(v, w))
            self._fields.addWidget(name, row, 0)
            self._fields.addWidget(field, row, 1)
            self._fields.addWidget(button, row, 2)
            self.copy_buttons[label] = button
            self.field_values[label] = value

    def _show_qr(self, targets: ShareTargets) -> None:
        self.qr_png = None
        self.qr_error = None
        self.qr_label.clear()
        self.qr_caption.setText(qr_caption(targets))
        _tint(self.qr_caption, None)
        if targets.qr_url is not None:
            try:
                self.qr_png = qr_png_bytes(targets.qr_url)
            except ExportError as exc:
                self.qr_error = exc.user_message
        if self.qr_png is not None:
            pixmap = QPixmap()
            pixmap.loadFromData(self.qr_png, "PNG")
            side = QR_SIDE - 8
            self.qr_label.setPixmap(
                pixmap.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)
            )
            self.qr_label.setToolTip(targets.qr_url or "")
        elif self.qr_error is not None:
            self.qr_label.setText(self.qr_error)
            self.qr_caption.setText("")
        else:
            self.qr_label.setText("No QR code")
        self.save_qr_button.setEnabled(self.qr_png is not None)
        self.copy_qr_button.setEnabled(self.qr_png is not None)

    # ------------------------------------------------------------ actions

    def _say(self, text: str) -> None:
        self.status.setText(text)
        _tint(self.status, None)
        emit(self.message, text)

    def _fail(self, text: str) -> None:
        self.status.setText(text)
        _tint(self.status, "bad")

    def _copy_text(self, value: str, what: str) -> None:
        QGuiApplication.clipboard().setText(value)
        self._say(f"Copied the {what}.")

    def _copy_link(self) -> None:
        if self.targets.link is not None:
            self._copy_text(self.targets.link.url, "verification link")

    def _copy_linkedin(self) -> None:
        if self.linkedin is not None:
            self._copy_text(self.linkedin.url, "LinkedIn link")

    def _open_linkedin(self) -> None:
        if self.linkedin is not None and not open_url(self.linkedin.url):
            self._fail("No web browser could be opened. Use Copy link and paste it into one.")

    def _copy_qr(self) -> None:
        if self.qr_png is not None:
            QGuiApplication.clipboard().setImage(QImage.fromData(self.qr_png))
            self._say("Copied the QR code image.")

    def _save_qr(self) -> None:
        payload = self.targets.qr_url
        if payload is None or self.qr_png is None:
            return
        suggested = _file_stem(self.credential.display_name) + " QR.png"
        chosen = dialogs.ask_save_path(
            self, "Save QR code", suggested, "PNG image (*.png);;SVG image, sharp at any size (*.svg)"
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() not in (".png", ".svg"):
            path = path.with_name(path.name + ".png")

        def saved(_r: Any) -> None:
            if self._alive:
                self._say(f"Saved {path}.")

        def failed(exc: BaseException) -> None:
            if self._alive:
                self._fail(getattr(exc, "user_message", None) or f"The QR code could not be saved: {exc}")

        self._session.tasks.run_background("save qr", lambda _p: make_qr(payload, path), done=saved, failed=failed)

    def _closed(self, _result: int) -> None:
        self._alive = False


# --------------------------------------------------------------------------- small pieces


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _note(min_width: int = 440) -> QLabel:
    """A wrapped explanation.  The minimum width matters: Qt sizes a wrapped label's minimum
    height for a narrow guess of its width, which left an empty band at the dialog's foot."""
    label = QLabel()
    label.setWordWrap(True)
    label.setMinimumWidth(min_width)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


def _value_field(name: str) -> QLineEdit:
    """A read-only line: long URLs and ids scroll instead of stretching the dialog, and can be selected."""
    field = QLineEdit()
    field.setReadOnly(True)
    field.setAccessibleName(name)
    field.setMinimumWidth(220)
    return field


def _tint(label: QLabel, tone: str | None) -> None:
    """Error text in the palette's "bad" colour; ``None`` goes back to the normal text colour."""
    palette = label.palette()
    parent = label.parentWidget()
    base = parent.palette() if parent is not None else QGuiApplication.palette()
    color = icon_color(tone, palette) if tone else base.color(label.foregroundRole())
    palette.setColor(label.foregroundRole(), color)
    label.setPalette(palette)


__all__ = ["SETTING_BASE_URL", "ShareDialog", "ShareTargets", "open_url", "qr_caption", "share_targets"]
