""" "Check a badge": verify what somebody sent you, and keep nothing.

A file dropped here, chosen, pasted or a link typed in goes to
``wallet.recruiter.check_target`` on the background pool (it never touches
the store).  The answer is the verdict on top and a check list per credential
the file held.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from . import dialogs
from .qtcompat import emit
from .report_html import checks_html, esc, resources_for, section
from .session import WalletSession
from .theme import relative_time, verdict_style
from .widgets import vbox


class RecruiterView(QWidget):
    """Drop zone, link field and the result of the last check."""

    check_finished = Signal(object)  # CheckResult

    def __init__(self, session: WalletSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RecruiterView")
        self._session = session
        self.result: Any = None
        self.busy = False
        layout = vbox(self, margins=18, spacing=10)
        title = QLabel("Check a badge")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        intro = QLabel(
            "Drop a badge file someone sent you anywhere on this window, choose one, or paste its link. "
            "It is verified and shown here; nothing is added to your wallet."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://… link to a badge, or a file path")
        self.link.setAccessibleName("Badge link")
        self.link.setClearButtonEnabled(True)
        self.link.returnPressed.connect(self._check_link)
        self.check_button = QPushButton("Check")
        self.check_button.setToolTip("Verify the badge at this link")
        self.check_button.clicked.connect(self._check_link)
        choose = QPushButton("Choose file…")
        choose.setToolTip("Pick a badge file (PNG, SVG, JSON, JWT or a résumé bundle)")
        choose.clicked.connect(self._choose)
        row.addWidget(self.link, 1)
        row.addWidget(self.check_button)
        row.addWidget(choose)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(8)
        self.progress.setTextVisible(False)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.browser = QTextBrowser()
        self.browser.setObjectName("RecruiterResult")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName("Check result")
        layout.addWidget(self.browser, 1)
        self.verdict: str | None = None
        self.report_rows: list[list[tuple[str, str, str]]] = []  # per report: (check id, status, message)
        self._show_hint()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.result is not None and not self.busy:
            self._render(self.result)

    # ------------------------------------------------------------ input

    def _choose(self) -> None:
        path = dialogs.ask_open_path(
            self, "Choose a badge to check", "Badges (*.png *.svg *.json *.jwt *.jws *.txt *.zip);;All files (*)"
        )
        if path:
            self.check(path)

    def _check_link(self) -> None:
        text = self.link.text().strip()
        if text:
            self.check(text)

    def check(self, target: str) -> None:
        """Verify ``target`` (a path or a URL) on a worker and show the answer."""
        self.busy = True
        self.link.setText(target)
        self.progress.show()
        self.check_button.setEnabled(False)
        self._show_message(f"Checking {target}…")
        self._session.check_target(target, self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.busy = False
        self.progress.hide()
        self.check_button.setEnabled(True)
        self.result = result
        self._render(result)
        emit(self.check_finished, result)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.progress.hide()
        self.check_button.setEnabled(True)
        message = getattr(exc, "user_message", None) or f"The check could not run ({type(exc).__name__}: {exc})."
        self._show_message(message)

    # ------------------------------------------------------------ output

    def _clear(self) -> None:
        self.verdict = None
        self.report_rows = []

    def _show_message(self, text: str) -> None:
        self._clear()
        self.browser.setHtml(f"<p>{esc(text)}</p>")

    def _show_hint(self) -> None:
        self._clear()
        self.browser.setHtml(
            '<p align="center" style="margin-top: 60px; font-size: large">Drop a badge file here</p>'
            '<p align="center">PNG or SVG badge images, JSON or JWT credentials, résumé bundles (ZIP) and QR images '
            "are accepted.</p>"
        )

    def _render(self, result: Any) -> None:
        self._clear()
        self.verdict = result.verdict
        res = resources_for(self.browser.document(), self)
        style = verdict_style(result.verdict)
        mode = "online" if result.online else "offline"
        parts = [
            '<table cellspacing="0" cellpadding="0"><tr>'
            f'<td valign="middle" style="padding-right: 12px">{res.chip(result.verdict, 30)}</td>'
            f'<td valign="middle"><b>{esc(style.text)}</b><br><small>{esc(result.target)} — checked '
            f"{esc(relative_time(result.checked_at))}, {mode}. Nothing was added to your wallet.</small></td>"
            "</tr></table>"
        ]
        if result.extra_checks:
            parts.append(section("Bundle", checks_html(result.extra_checks, res)))
            self.report_rows.append([(c.id, c.status, c.message) for c in result.extra_checks])
        for report in result.reports:
            parts.append(self._report_html(report, res, 0))
        self.browser.setHtml("".join(parts))

    def _report_html(self, report: Any, res: Any, depth: int) -> str:
        self.report_rows.append([(c.id, c.status, c.message) for c in report.checks])
        name = report.credential_name or report.credential_id or "Credential"
        issuer = f" — {report.issuer}" if report.issuer else ""
        indent = depth * 24
        html = (
            f'<div style="margin-left: {indent}px">'
            f'<h4 style="margin-top: 16px; margin-bottom: 4px">{esc(name + issuer)}</h4>'
            f"<p>{res.chip(report.verdict, 20)}</p>{checks_html(report.checks, res)}</div>"
        )
        for child in report.children:
            html += self._report_html(child, res, depth + 1)
        for endorsement in report.endorsements:
            html += self._report_html(endorsement, res, depth + 1)
        return html
