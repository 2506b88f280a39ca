"""The detail pane: everything about one badge and what verification found.

It renders a ``StoredRecord`` that the session loaded on the store thread; it
never parses or verifies anything itself.  The actions sit in a row at the
top; below, one ``QTextBrowser`` holds the badge image, name, issuer, the
verdict and check list – first, because "can I trust this badge?" is the
question the pane is opened with – then description, criteria, recipient,
dates, evidence, results, skills, endorsements and a CLR's achievements.
A text document wraps long messages (DIDs, URLs) exactly to the pane's
width, which nested word-wrapped labels do not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QFrame, QPushButton, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from . import dialogs
from .cards import paint_thumbnail
from .images import decode_image
from .qtcompat import emit
from .report_html import Resources, checks_html, esc, https, link, resources_for, section
from .session import WalletSession
from .theme import format_date, relative_time, verdict_style
from .widgets import FlowLayout

log = logging.getLogger(__name__)

IMAGE_SIDE = 112
RECORD_SCHEME = "record"


def share_link(credential: Any) -> str | None:
    """The best public address for the badge without a network round trip (``wallet.export.links``)."""
    from wallet.export.links import link_candidates

    candidates = link_candidates(credential)
    return candidates[0].url if candidates else None


class DetailPane(QWidget):
    """Shows one record; emits requests the window turns into operations."""

    remove_requested = Signal(str)
    reverify_requested = Signal(str)
    export_requested = Signal(str, str)  # record id, path
    open_record_requested = Signal(str)
    share_requested = Signal(str)  # record id: the window opens the Share dialog
    message = Signal(str)

    def __init__(self, session: WalletSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPane")
        self._session = session
        self.record_id: str | None = None
        self.record: Any = None
        self.verdict: str | None = None
        self.check_rows: list[tuple[str, str, str]] = []  # (id, status, message) of the shown report
        self._image: QImage | None = None
        #: summaries of records carried inside a record (a CLR's achievements); the window sets it
        self.children_of: Callable[[str], list[Any]] = lambda _record_id: []
        self.setMinimumWidth(320)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 6, 0)
        layout.setSpacing(8)
        self._actions_box = QWidget()
        self._actions_layout = FlowLayout(self._actions_box, spacing=6)
        self._build_actions()
        layout.addWidget(self._actions_box)
        self.browser = QTextBrowser()
        self.browser.setObjectName("DetailText")
        self.browser.setFrameShape(QFrame.Shape.NoFrame)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._anchor)
        self.browser.setAccessibleName("Badge details")
        self.browser.viewport().setAutoFillBackground(False)  # the window colour, from the palette
        self.browser.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.browser)
        layout.addWidget(self.browser, 1)
        self.show_placeholder("Select a badge to see its details.")

    def changeEvent(self, event: QEvent) -> None:
        """The system switched light/dark: icons and chips are painted per palette, so paint them again."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.record is not None:
            self.render_record()

    # ------------------------------------------------------------ actions

    def _build_actions(self) -> None:
        def button(text: str, tip: str, slot: Any) -> QPushButton:
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            self._actions_layout.addWidget(b)
            return b

        self.reverify_button = button(
            "Re-verify", "Check signature, issuer, revocation and dates again (Ctrl+R)", self._reverify
        )
        self.copy_button = button("Copy link", "Copy the badge's public address", self._copy)
        self.share_button = button("Share…", "Link, LinkedIn, QR code and values to copy for this badge", self._share)
        self.issuer_button = button("Issuer page", "Open the issuer's web page", self._open_issuer)
        self.export_button = button("Export…", "Save this badge as a baked PNG or SVG image file", self._export)
        self.remove_button = button("Remove", "Remove this badge from the wallet (Delete; you can undo)", self._remove)

    def _set_actions(self, record: Any | None) -> None:
        credential = record.credential if record is not None else None
        self._actions_box.setVisible(record is not None)
        if credential is None:
            return
        url = share_link(credential)
        self.copy_button.setEnabled(bool(url))
        self.copy_button.setToolTip(f"Copy {url}" if url else "This badge has no public address to copy")
        issuer_url = https(credential.issuer.url)
        self.issuer_button.setEnabled(bool(issuer_url))
        self.issuer_button.setToolTip(f"Open {issuer_url}" if issuer_url else "The issuer gave no https web page")

    def _reverify(self) -> None:
        if self.record_id:
            emit(self.reverify_requested, self.record_id)

    def _remove(self) -> None:
        if self.record_id:
            emit(self.remove_requested, self.record_id)

    def _copy(self) -> None:
        url = share_link(self.record.credential) if self.record is not None else None
        if url:
            QGuiApplication.clipboard().setText(url)
            emit(self.message, "Link copied to the clipboard.")

    def _share(self) -> None:
        if self.record is not None:
            emit(self.share_requested, self.record.record_id)

    def _open_issuer(self) -> None:
        url = https(self.record.credential.issuer.url) if self.record is not None else None
        if url:
            QDesktopServices.openUrl(QUrl(url))

    def _export(self) -> None:
        if self.record is None:
            return
        credential = self.record.credential
        suffix = ".svg" if getattr(credential, "container", None) == "svg" else ".png"
        base = "".join(c if c.isalnum() or c in " -_" else "_" for c in credential.display_name).strip() or "badge"
        path = dialogs.ask_save_path(self, "Export baked badge", base + suffix, "Baked badge (*.png *.svg)")
        if path:
            emit(self.export_requested, self.record.record_id, path)

    def _anchor(self, url: QUrl) -> None:
        if url.scheme() == RECORD_SCHEME:
            emit(self.open_record_requested, url.path())
        elif url.scheme() == "https":
            QDesktopServices.openUrl(url)

    # ------------------------------------------------------------ states

    def show_placeholder(self, text: str) -> None:
        self.record_id = None
        self.record = None
        self.verdict = None
        self.check_rows = []
        self._set_actions(None)
        self.browser.setHtml(f'<p align="center" style="margin-top: 80px">{esc(text)}</p>')

    def show_record_id(self, record_id: str | None) -> None:
        """Load and show a record (asynchronously); ``None`` clears the pane."""
        if record_id is None:
            self.show_placeholder("Select a badge to see its details.")
            return
        if record_id == self.record_id and self.record is not None:
            return
        self.record_id = record_id
        self.record = None
        if self._session.is_open:
            self._session.load_record(record_id, self._loaded, self._load_failed)

    def refresh(self) -> None:
        """Reload the shown record (after a re-verify)."""
        if self.record_id is not None:
            record_id, self.record_id = self.record_id, None
            self.record = None
            self.show_record_id(record_id)

    def _load_failed(self, exc: BaseException) -> None:
        log.warning("record could not be loaded: %r", exc)
        self.show_placeholder(getattr(exc, "user_message", None) or "This badge could not be loaded.")

    def _loaded(self, record: Any) -> None:
        if record.record_id != self.record_id:
            return  # the user moved on while it loaded
        self.record = record
        self._image = None
        self._set_actions(record)
        self.render_record()
        self._load_image(record.record_id)

    # ------------------------------------------------------------ image

    def _load_image(self, record_id: str) -> None:
        side = int(IMAGE_SIDE * max(self.devicePixelRatioF(), 1.0))
        session = self._session

        def decoded(image: QImage | None) -> None:
            if self.record is not None and self.record.record_id == record_id and image is not None:
                self._image = image
                self.render_record()

        def got_bytes(blobs: dict[str, bytes | None]) -> None:
            session.tasks.run_background("decode", lambda _p: decode_image(blobs.get(record_id), side), done=decoded)

        session.tasks.run_store("image", lambda _p: session.image_source([record_id]), done=got_bytes)

    def _picture(self, name: str) -> QImage:
        """The badge image, or the lettered placeholder, at the screen's pixel ratio."""
        ratio = max(self.devicePixelRatioF(), 1.0)
        canvas = QImage(
            QSize(int(IMAGE_SIDE * ratio), int(IMAGE_SIDE * ratio)), QImage.Format.Format_ARGB32_Premultiplied
        )
        canvas.setDevicePixelRatio(ratio)
        canvas.fill(Qt.GlobalColor.transparent)
        painter = QPainter(canvas)
        paint_thumbnail(painter, QRect(0, 0, IMAGE_SIDE, IMAGE_SIDE), self._image, name, self.palette())
        painter.end()
        return canvas

    # ------------------------------------------------------------ rendering

    def render_record(self) -> None:
        record = self.record
        if record is None:
            return
        credential = record.credential
        report = record.report
        self.verdict = report.verdict if report else None
        self.check_rows = [(c.id, c.status, c.message) for c in (report.checks if report else ())]
        document = self.browser.document()
        res = resources_for(document, self)
        res.add("badge:image", self._picture(credential.display_name))
        achievement = credential.achievement
        parts = [self._header_html(credential, report, res)]
        parts.append(section("Verification", f"<p>{esc(self._verdict_line(report))}</p>"
                             + checks_html(report.checks if report else (), res)))  # fmt: skip
        description = credential.description or achievement.description
        parts.append(section("Description", _paragraphs(description)))
        criteria = _paragraphs(achievement.criteria_narrative)
        if https(achievement.criteria_url):
            criteria += link("Criteria page", achievement.criteria_url)
        parts.append(section("Criteria", criteria))
        parts.append(section("Issuer", self._issuer_html(credential.issuer)))
        parts.append(section("Recipient", self._recipient_html(credential.subject)))
        parts.append(section("Dates", self._dates_html(credential)))
        if credential.evidence:
            parts.append(section("Evidence", "<br>".join(self._evidence_html(e) for e in credential.evidence)))
        if credential.results:
            parts.append(section("Results", "<br>".join(self._result_html(r) for r in credential.results)))
        parts.append(section("Skills and alignments", self._skills_html(achievement, getattr(record, "tags", ()))))
        if credential.endorsements or (report and report.endorsements):
            parts.append(section("Endorsements", self._endorsements_html(credential, report, res)))
        children = self.children_of(record.record_id)
        if children:
            parts.append(section(f"Achievements in this record ({len(children)})", self._child_records(children, res)))
        elif report and report.children:
            parts.append(
                section(
                    f"Achievements in this record ({len(report.children)})", self._child_reports(report.children, res)
                )
            )
        parts.append(section("Source", self._source_html(record, credential)))
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml("".join(parts))
        self.browser.verticalScrollBar().setValue(scroll)

    @staticmethod
    def _header_html(credential: Any, report: Any, res: Resources) -> str:
        verdict = report.verdict if report else None
        return (
            '<table cellspacing="0" cellpadding="0"><tr>'
            f'<td valign="top" style="padding-right: 14px"><img src="badge:image" width="{IMAGE_SIDE}" '
            f'height="{IMAGE_SIDE}" alt="Badge image"></td>'
            f'<td valign="top"><p style="font-size: large; font-weight: bold; margin-bottom: 4px">'
            f"{esc(credential.display_name)}</p>"
            f"<p>Issued by {link(credential.issuer_name, credential.issuer.url)}</p>"
            f"<p>{res.chip(verdict, 26)}</p></td></tr></table>"
        )

    @staticmethod
    def _verdict_line(report: Any) -> str:
        if report is None:
            return "Not verified yet. Use Re-verify to check it."
        style = verdict_style(report.verdict)
        mode = "online" if report.online else "offline"
        return f"{style.text}. Checked {relative_time(report.checked_at)}, {mode}."

    @staticmethod
    def _issuer_html(issuer: Any) -> str:
        parts = [f"<b>{link(issuer.name or issuer.id or 'Unknown issuer', issuer.url)}</b>"]
        if issuer.description:
            parts.append(esc(issuer.description))
        if issuer.url:
            parts.append(link(issuer.url, issuer.url))
        if issuer.email:
            parts.append(esc(issuer.email))
        if issuer.id and issuer.id != issuer.url:
            parts.append(f"<small>{esc(issuer.id)}</small>")
        return "<br>".join(parts)

    @staticmethod
    def _recipient_html(subject: Any) -> str:
        if subject.hashed:
            kind = subject.identity_type or "identity"
            return f"Hashed {esc(kind)} (the badge names its earner without revealing the address)"
        value = subject.identity or subject.id
        if not value:
            return "Not named in the badge"
        kind = f" ({esc(subject.identity_type)})" if subject.identity_type else ""
        return esc(value) + kind

    @staticmethod
    def _dates_html(credential: Any) -> str:
        rows = []
        for label, value in (
            ("Issued", credential.issued),
            ("Valid from", credential.valid_from if credential.valid_from != credential.issued else None),
            ("Valid until", credential.valid_until),
        ):
            if isinstance(value, datetime):
                rows.append(f"{label}: {esc(format_date(value))}")
        if not credential.valid_until:
            rows.append("Does not expire")
        return "<br>".join(rows)

    @staticmethod
    def _evidence_html(evidence: Any) -> str:
        title = evidence.name or evidence.id or "Evidence"
        extra = evidence.narrative or evidence.description
        return link(title, evidence.id) + (f" — {esc(extra)}" if extra else "")

    @staticmethod
    def _result_html(result: Any) -> str:
        parts = [result.result_description or "Result", result.value or result.achieved_level or result.status or ""]
        return esc(": ".join(p for p in parts if p))

    @staticmethod
    def _skills_html(achievement: Any, tags: Sequence[str]) -> str:
        items = []
        for alignment in achievement.alignments:
            framework = f" <small>({esc(alignment.target_framework)})</small>" if alignment.target_framework else ""
            items.append(link(alignment.target_name, alignment.target_url) + framework)
        badge_tags = [*achievement.tags, *(t for t in tags if t not in achievement.tags)]
        if badge_tags:
            items.append("Tags: " + esc(", ".join(badge_tags)))
        if achievement.achievement_type:
            items.append("Type: " + esc(achievement.achievement_type))
        return "<br>".join(items)

    @staticmethod
    def _endorsements_html(credential: Any, report: Any, res: Resources) -> str:
        reports = list(report.endorsements) if report else []
        rows = []
        for i, endorsement in enumerate(credential.endorsements):
            verdict = reports[i].verdict if i < len(reports) else None
            rows.append(f"{res.chip(verdict, 18)}&nbsp; {esc(endorsement.issuer_name)}")
        if not rows:
            rows = [f"{res.chip(r.verdict, 18)}&nbsp; {esc(r.issuer or 'Endorser')}" for r in reports]
        return "<br>".join(rows)

    @staticmethod
    def _child_records(children: Sequence[Any], res: Resources) -> str:
        """A CLR's achievements that are records of their own: click one to open it."""
        return "<br>".join(
            f'{res.chip(child.verdict, 18)}&nbsp; <a href="{RECORD_SCHEME}:{esc(child.id)}">{esc(child.name)}</a>'
            for child in children
        )

    @staticmethod
    def _child_reports(children: Sequence[Any], res: Resources) -> str:
        return "<br>".join(
            f"{res.chip(child.verdict, 18)}&nbsp; {esc(child.credential_name or child.credential_id or 'Achievement')}"
            for child in children
        )

    @staticmethod
    def _source_html(record: Any, credential: Any) -> str:
        parts = []
        if record.source:
            parts.append("Imported from " + esc(record.source))
        if record.added_at:
            parts.append("Added " + esc(format_date(record.added_at)))
        parts.append(f"Format: {esc(credential.format)} {esc(credential.spec_version or '')}".strip())
        return "<br>".join(parts)


def _paragraphs(text: str | None) -> str:
    if not text:
        return ""
    return "".join(f"<p>{esc(p)}</p>" for p in text.split("\n\n") if p.strip())
