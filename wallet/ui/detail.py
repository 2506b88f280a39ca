"""The detail pane: everything about one badge and what verification found.

It renders a ``StoredRecord`` that the session loaded on the store thread; it
never parses or verifies anything itself.  The check list comes first after
the header because "can I trust this badge?" is the question a user opens the
pane with.  All text from a credential is HTML-escaped before it reaches a
rich-text label, and only https links are made clickable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .cards import paint_thumbnail
from .images import decode_image
from .session import WalletSession
from .theme import format_date, relative_time, verdict_style
from .widgets import CheckList, FlowLayout, VerdictChip, clear_layout, plain_label, rich_label, section_title, vbox

log = logging.getLogger(__name__)

IMAGE_SIDE = 128


def https(url: str | None) -> str | None:
    return url if url and url.startswith("https://") else None


def link(text: str, url: str | None) -> str:
    target = https(url)
    return f'<a href="{escape(target, quote=True)}">{escape(text)}</a>' if target else escape(text)


def share_link(credential: Any) -> str | None:
    """The best public address for the badge without a network round trip (``wallet.export.links``)."""
    from wallet.export.links import link_candidates

    candidates = link_candidates(credential)
    return candidates[0].url if candidates else None


class DetailPane(QScrollArea):
    """Shows one record; emits requests the window turns into operations."""

    remove_requested = Signal(str)
    reverify_requested = Signal(str)
    export_requested = Signal(str, str)  # record id, path
    open_record_requested = Signal(str)
    message = Signal(str)

    def __init__(self, session: WalletSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.record_id: str | None = None
        self.record: Any = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(320)
        self._body = QWidget()
        self._body.setObjectName("DetailBody")
        self._layout = vbox(self._body, margins=16, spacing=6)
        self.setWidget(self._body)
        self.check_list = CheckList()
        #: summaries of records carried inside a record (a CLR's achievements); the window sets it
        self.children_of: Callable[[str], list[Any]] = lambda _record_id: []
        self.show_placeholder("Select a badge to see its details.")

    # ------------------------------------------------------------ states

    def _clear(self) -> None:
        clear_layout(self._layout)

    def show_placeholder(self, text: str) -> None:
        self.record_id = None
        self.record = None
        self._clear()
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setEnabled(False)
        self._layout.addStretch(1)
        self._layout.addWidget(label)
        self._layout.addStretch(2)

    def show_record_id(self, record_id: str | None) -> None:
        """Load and show a record (asynchronously); ``None`` clears the pane."""
        if record_id is None:
            self.show_placeholder("Select a badge to see its details.")
            return
        if record_id == self.record_id and self.record is not None:
            return
        self.record_id = record_id
        self.record = None
        if not self._session.is_open:
            return
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
        self._render(record)

    # ------------------------------------------------------------ rendering

    def _render(self, record: Any) -> None:
        self._clear()
        credential = record.credential
        report = record.report
        self._layout.addLayout(self._header(record, credential, report))
        self._layout.addLayout(self._actions(record, credential))

        self._layout.addWidget(section_title("Verification"))
        verdict = report.verdict if report else None
        summary = QLabel(self._verdict_line(verdict, report))
        summary.setWordWrap(True)
        summary.setObjectName("VerdictSentence")
        self._layout.addWidget(summary)
        self.check_list = CheckList()
        self.check_list.set_checks(report.checks if report else ())
        self._layout.addWidget(self.check_list)

        achievement = credential.achievement
        description = credential.description or achievement.description
        if description:
            self._section("Description", escape(description).replace("\n", "<br>"))
        criteria = achievement.criteria_narrative
        if criteria or achievement.criteria_url:
            html = escape(criteria or "").replace("\n", "<br>")
            if https(achievement.criteria_url):
                html += ("<br>" if html else "") + link("Criteria page", achievement.criteria_url)
            self._section("Criteria", html)
        self._section("Issuer", self._issuer_html(credential.issuer))
        self._section("Recipient", self._recipient_html(credential.subject))
        self._section("Dates", self._dates_html(credential, record))
        if credential.evidence:
            self._section("Evidence", "<br>".join(self._evidence_html(e) for e in credential.evidence))
        if credential.results:
            self._section("Results", "<br>".join(self._result_html(r) for r in credential.results))
        skills = self._skills_html(achievement, getattr(record, "tags", ()))
        if skills:
            self._section("Skills and alignments", skills)
        if credential.endorsements or (report and report.endorsements):
            self._section("Endorsements", self._endorsements_html(credential, report))
        children = self.children_of(record.record_id)
        if children:
            self._child_records(children)
        elif report and report.children:
            self._children(report.children)
        self._section("Source", self._source_html(record, credential))
        self._layout.addStretch(1)

    def _header(self, record: Any, credential: Any, report: Any) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(14)
        self.image_label = QLabel()
        self.image_label.setFixedSize(IMAGE_SIDE, IMAGE_SIDE)
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setAccessibleName("Badge image")
        self._set_image(None, credential.display_name)
        self._load_image(record.record_id, credential.display_name)
        row.addWidget(self.image_label, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(4)
        title = plain_label(credential.display_name)
        title.setObjectName("DetailTitle")
        title.setWordWrap(True)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        title.setFont(font)
        column.addWidget(title)
        issuer = rich_label("Issued by " + link(credential.issuer_name, credential.issuer.url))
        column.addWidget(issuer)
        self.chip = VerdictChip(height=26)
        self.chip.set_verdict(report.verdict if report else None)
        column.addWidget(self.chip)
        column.addStretch(1)
        row.addLayout(column, 1)
        return row

    def _actions(self, record: Any, credential: Any) -> FlowLayout:
        row = FlowLayout(spacing=6)
        record_id = record.record_id

        def button(text: str, tip: str, slot: Any, enabled: bool = True) -> QPushButton:
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setEnabled(enabled)
            b.clicked.connect(slot)
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            row.addWidget(b)
            return b

        self.reverify_button = button(
            "Re-verify",
            "Check the signature, issuer, revocation and dates again",
            lambda: self.reverify_requested.emit(record_id),
        )
        url = share_link(credential)
        self.copy_button = button(
            "Copy link",
            "Copy the badge's public address" if url else "This badge has no public address to copy",
            lambda: self._copy(url),
            bool(url),
        )
        issuer_url = https(credential.issuer.url)
        self.issuer_button = button(
            "Issuer page",
            f"Open {issuer_url}" if issuer_url else "The issuer gave no https web page",
            lambda: QDesktopServices.openUrl(QUrl(issuer_url or "")),
            bool(issuer_url),
        )
        self.export_button = button("Export…", "Save this badge as a baked PNG or SVG image file", self._export)
        self.remove_button = button(
            "Remove", "Remove this badge from the wallet (you can undo)", lambda: self.remove_requested.emit(record_id)
        )
        return row

    def _copy(self, url: str | None) -> None:
        if url:
            QGuiApplication.clipboard().setText(url)
            self.message.emit("Link copied to the clipboard.")

    def _export(self) -> None:
        if self.record is None:
            return
        credential = self.record.credential
        suffix = ".svg" if getattr(credential, "container", None) == "svg" else ".png"
        base = "".join(c if c.isalnum() or c in " -_" else "_" for c in credential.display_name).strip() or "badge"
        path, _ = QFileDialog.getSaveFileName(self, "Export baked badge", base + suffix, "Baked badge (*.png *.svg)")
        if path:
            self.export_requested.emit(self.record.record_id, path)

    # ------------------------------------------------------------ image

    def _set_image(self, image: QImage | None, name: str) -> None:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(QSize(int(IMAGE_SIDE * ratio), int(IMAGE_SIDE * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        paint_thumbnail(painter, QRect(0, 0, IMAGE_SIDE, IMAGE_SIDE), image, name, self.palette())
        painter.end()
        self.image_label.setPixmap(pixmap)

    def _load_image(self, record_id: str, name: str) -> None:
        side = int(IMAGE_SIDE * self.devicePixelRatioF())
        session = self._session

        def decoded(image: QImage | None) -> None:
            if self.record_id == record_id and self.record is not None:
                self._set_image(image, name)

        def got_bytes(blobs: dict[str, bytes | None]) -> None:
            session.tasks.run_background("decode", lambda _p: decode_image(blobs.get(record_id), side), done=decoded)

        session.tasks.run_store("image", lambda _p: session.image_source([record_id]), done=got_bytes)

    # ------------------------------------------------------------ sections

    def _section(self, title: str, html: str) -> None:
        if not html:
            return
        self._layout.addWidget(section_title(title))
        self._layout.addWidget(rich_label(html))

    @staticmethod
    def _verdict_line(verdict: str | None, report: Any) -> str:
        style = verdict_style(verdict)
        if report is None:
            return "Not verified yet. Use Re-verify to check it."
        mode = "online" if report.online else "offline"
        return f"{style.text}. Checked {relative_time(report.checked_at)}, {mode}."

    @staticmethod
    def _issuer_html(issuer: Any) -> str:
        parts = [f"<b>{link(issuer.name or issuer.id or 'Unknown issuer', issuer.url)}</b>"]
        if issuer.description:
            parts.append(escape(issuer.description))
        if issuer.url:
            parts.append(link(issuer.url, issuer.url))
        if issuer.email:
            parts.append(escape(issuer.email))
        if issuer.id and issuer.id != issuer.url:
            parts.append(f"<small>{escape(issuer.id)}</small>")
        return "<br>".join(parts)

    @staticmethod
    def _recipient_html(subject: Any) -> str:
        if subject.hashed:
            kind = subject.identity_type or "identity"
            return f"Hashed {escape(kind)} (the badge names its earner without revealing the address)"
        value = subject.identity or subject.id
        if not value:
            return "Not named in the badge"
        kind = f" ({escape(subject.identity_type)})" if subject.identity_type else ""
        return escape(value) + kind

    @staticmethod
    def _dates_html(credential: Any, record: Any) -> str:
        rows = []
        for label, value in (
            ("Issued", credential.issued),
            ("Valid from", credential.valid_from if credential.valid_from != credential.issued else None),
            ("Valid until", credential.valid_until),
        ):
            if isinstance(value, datetime):
                rows.append(f"{label}: {escape(format_date(value))}")
        if not credential.valid_until:
            rows.append("Does not expire")
        return "<br>".join(rows)

    @staticmethod
    def _evidence_html(evidence: Any) -> str:
        title = evidence.name or evidence.id or "Evidence"
        text = link(title, evidence.id)
        extra = evidence.narrative or evidence.description
        return text + (f" — {escape(extra)}" if extra else "")

    @staticmethod
    def _result_html(result: Any) -> str:
        parts = [result.result_description or "Result", result.value or result.achieved_level or result.status or ""]
        return escape(": ".join(p for p in parts if p))

    @staticmethod
    def _skills_html(achievement: Any, tags: Sequence[str]) -> str:
        items = []
        for alignment in achievement.alignments:
            name = link(alignment.target_name, alignment.target_url)
            framework = f" <small>({escape(alignment.target_framework)})</small>" if alignment.target_framework else ""
            items.append(name + framework)
        badge_tags = [*achievement.tags, *(t for t in tags if t not in achievement.tags)]
        if badge_tags:
            items.append("Tags: " + escape(", ".join(badge_tags)))
        if achievement.achievement_type:
            items.append("Type: " + escape(achievement.achievement_type))
        return "<br>".join(items)

    @staticmethod
    def _endorsements_html(credential: Any, report: Any) -> str:
        rows = []
        reports = list(report.endorsements) if report else []
        for i, endorsement in enumerate(credential.endorsements):
            verdict = verdict_style(reports[i].verdict).label if i < len(reports) else "not checked"
            rows.append(f"{escape(endorsement.issuer_name)} — {escape(verdict)}")
        if not rows:
            rows = [f"{escape(r.issuer or 'Endorser')} — {escape(verdict_style(r.verdict).label)}" for r in reports]
        return "<br>".join(rows)

    def _children(self, children: Sequence[Any]) -> None:
        self._layout.addWidget(section_title(f"Achievements in this record ({len(children)})"))
        for child in children:
            row = QHBoxLayout()
            chip = VerdictChip(height=20)
            chip.set_verdict(child.verdict)
            name = plain_label(child.credential_name or child.credential_id or "Achievement")
            name.setWordWrap(True)
            row.addWidget(chip)
            row.addWidget(name, 1)
            self._layout.addLayout(row)

    def _child_records(self, children: Sequence[Any]) -> None:
        """A CLR's achievements that are records of their own: click one to open it."""
        self._layout.addWidget(section_title(f"Achievements in this record ({len(children)})"))
        for child in children:
            row = QHBoxLayout()
            chip = VerdictChip(height=20)
            chip.set_verdict(child.verdict)
            open_button = QPushButton(child.name or "Achievement")
            open_button.setFlat(True)
            open_button.setToolTip(f"Open “{child.name}”")
            open_button.setStyleSheet("text-align: left;")
            open_button.clicked.connect(lambda _=False, rid=child.id: self.open_record_requested.emit(rid))
            row.addWidget(chip)
            row.addWidget(open_button, 1)
            self._layout.addLayout(row)

    @staticmethod
    def _source_html(record: Any, credential: Any) -> str:
        parts = []
        if record.source:
            parts.append("Imported from " + escape(str(record.source)))
        if record.added_at:
            parts.append("Added " + escape(format_date(record.added_at)))
        parts.append(f"Format: {escape(credential.format)} {escape(credential.spec_version or '')}".strip())
        return "<br>".join(parts)
