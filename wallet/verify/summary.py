"""Several reports about one thing a person was sent, and the verdict on top.

A résumé bundle or a file with two badges gives more than one report; this is
the value both faces print, and the export layer builds for bundles and QR
images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wallet.verify.report import FAIL, INCOMPLETE, MALFORMED, UNKNOWN, VERDICT_TEXT, Check, Report, worst

STATUS_ICON = {"pass": "✔", "fail": "✘", "unknown": "?", "skipped": "–"}


@dataclass(frozen=True)
class CheckResult:
    """The reports for one target and the verdict on top."""

    target: str
    reports: tuple[Report, ...]
    extra_checks: tuple[Check, ...] = ()  # e.g. bundle manifest and presentation checks
    online: bool = True
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def verdict(self) -> str:
        """Worst of the reports and the extra checks; an extra check left ``unknown`` means ``incomplete``."""
        extra = [c.verdict or MALFORMED for c in self.extra_checks if c.status == FAIL]
        extra += [INCOMPLETE for c in self.extra_checks if c.status == UNKNOWN]
        return worst([*(r.verdict for r in self.reports), *extra]) if (self.reports or extra) else MALFORMED

    def to_json(self) -> dict[str, Any]:
        if len(self.reports) == 1 and not self.extra_checks:
            return self.reports[0].to_json()
        return {
            "verdict": self.verdict,
            "format": "bundle" if self.extra_checks else (self.reports[0].format if self.reports else "unknown"),
            "checks": [c.to_json() for c in self.extra_checks],
            "credential": None,
            "checked_at": self.checked_at.isoformat(),
            "online": self.online,
            "items": [r.to_json() for r in self.reports],
        }

    def render_text(self) -> str:
        lines = [f"{self.verdict.upper()}: {VERDICT_TEXT.get(self.verdict, self.verdict)} — {self.target}\n"]
        for check in self.extra_checks:
            lines.append(f"  {STATUS_ICON.get(check.status, '?')} {check.id:<10} {check.message}\n")
        for report in self.reports:
            lines.append(render_report(report, indent="  "))
        return "".join(lines)


def render_report(report: Report, *, indent: str = "") -> str:
    """Human text for one report: a title line, then one line per check."""
    name = report.credential_name or report.credential_id or "credential"
    issuer = f" from {report.issuer}" if report.issuer else ""
    mode = "online" if report.online else "offline"
    lines = [f"{indent}{name}{issuer}: {report.verdict} ({mode})\n"]
    for check in report.checks:
        lines.append(f"{indent}  {STATUS_ICON.get(check.status, '?')} {check.id:<10} {check.message}\n")
    for child in report.children:
        lines.append(render_report(child, indent=indent + "    "))
    for endorsement in report.endorsements:
        lines.append(f"{indent}    endorsement:\n")
        lines.append(render_report(endorsement, indent=indent + "      "))
    return "".join(lines)
