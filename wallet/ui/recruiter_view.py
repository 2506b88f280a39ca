""" "Check a badge": verify what somebody sent you, and keep nothing.

A file dropped here, chosen, pasted or a link typed in goes to
``wallet.recruiter.check_target`` on the background pool (it never touches
the store).  The answer is the verdict on top and a check list per credential
the file held.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QWidget,
)

from .session import WalletSession
from .theme import relative_time, verdict_style
from .widgets import CheckList, VerdictChip, clear_layout, plain_label, section_title, vbox


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
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._results = QWidget()
        self._results_layout = vbox(self._results, spacing=8)
        self._scroll.setWidget(self._results)
        layout.addWidget(self._scroll, 1)
        self.check_lists: list[CheckList] = []
        self._show_hint()

    # ------------------------------------------------------------ input

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a badge to check", "", "Badges (*.png *.svg *.json *.jwt *.jws *.txt *.zip);;All files (*)"
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
        self._clear()
        waiting = plain_label(f"Checking {target}…")
        self._results_layout.addWidget(waiting)
        self._results_layout.addStretch(1)
        self._session.check_target(target, self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.busy = False
        self.progress.hide()
        self.check_button.setEnabled(True)
        self.result = result
        self._render(result)
        self.check_finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.progress.hide()
        self.check_button.setEnabled(True)
        self._clear()
        message = getattr(exc, "user_message", None) or f"The check could not run ({type(exc).__name__}: {exc})."
        label = plain_label(message)
        self._results_layout.addWidget(label)
        self._results_layout.addStretch(1)

    # ------------------------------------------------------------ output

    def _clear(self) -> None:
        self.check_lists = []
        clear_layout(self._results_layout)

    def _show_hint(self) -> None:
        self._clear()
        zone = QLabel("Drop a badge file here")
        zone.setObjectName("DropZone")
        zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        zone.setMinimumHeight(160)
        zone.setFrameShape(QFrame.Shape.StyledPanel)
        zone.setFrameShadow(QFrame.Shadow.Sunken)
        zone.setEnabled(False)
        self._results_layout.addWidget(zone)
        self._results_layout.addStretch(1)

    def _render(self, result: Any) -> None:
        self._clear()
        head = QHBoxLayout()
        chip = VerdictChip(height=28)
        chip.set_verdict(result.verdict)
        self.verdict_chip = chip
        head.addWidget(chip)
        style = verdict_style(result.verdict)
        mode = "online" if result.online else "offline"
        sentence = QLabel(
            f"<b>{escape(style.text)}</b><br><small>{escape(result.target)} — checked "
            f"{escape(relative_time(result.checked_at))}, {mode}. Nothing was added to your wallet.</small>"
        )
        sentence.setWordWrap(True)
        sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(sentence, 1)
        self._results_layout.addLayout(head)
        if result.extra_checks:
            self._results_layout.addWidget(section_title("Bundle"))
            extra = CheckList()
            extra.set_checks(result.extra_checks)
            self.check_lists.append(extra)
            self._results_layout.addWidget(extra)
        for report in result.reports:
            self._report(report, 0)
        self._results_layout.addStretch(1)

    def _report(self, report: Any, depth: int) -> None:
        name = report.credential_name or report.credential_id or "Credential"
        issuer = f" — {report.issuer}" if report.issuer else ""
        title = section_title(f"{'   ' * depth}{name}{issuer}")
        title.setWordWrap(True)
        row = QHBoxLayout()
        chip = VerdictChip(height=22)
        chip.set_verdict(report.verdict)
        row.addWidget(title, 1)
        row.addWidget(chip, 0, Qt.AlignmentFlag.AlignBottom)
        self._results_layout.addLayout(row)
        checks = CheckList()
        checks.set_checks(report.checks)
        checks.setContentsMargins(depth * 18, 0, 0, 0)
        self.check_lists.append(checks)
        self._results_layout.addWidget(checks)
        for child in report.children:
            self._report(child, depth + 1)
        for endorsement in report.endorsements:
            self._report(endorsement, depth + 1)
