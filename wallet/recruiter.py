"""Check something somebody sent you, without adding it to your wallet.

``badgewallet verify`` and the app's "Check a badge" mode both come here: a
file (baked image, JSON, JWT), a URL, and – through ``wallet.export`` – a
résumé bundle or a QR image.  The answer is one verdict on top (the worst of
the items) plus a report per credential.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wallet.errors import LimitExceeded, NetworkError, WalletError
from wallet.formats import parse
from wallet.limits import DEFAULT_LIMITS
from wallet.net import Fetcher
from wallet.verify import Report, VerifyOptions, verify
from wallet.verify.report import FAIL, MALFORMED, STRUCTURE, VERDICT_TEXT, Check, worst

STATUS_ICON = {"pass": "✔", "fail": "✘", "unknown": "?", "skipped": "–"}


@dataclass(frozen=True)
class CheckResult:
    """The reports for one target and the verdict on top."""

    target: str
    reports: tuple[Report, ...]
    extra_checks: tuple[Check, ...] = ()  # e.g. bundle manifest and presentation checks
    online: bool = True
    checked_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def verdict(self) -> str:
        extra_fail = [c.verdict or MALFORMED for c in self.extra_checks if c.status == FAIL]
        return worst([*(r.verdict for r in self.reports), *extra_fail]) if (self.reports or extra_fail) else MALFORMED

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


def check_target(
    target: str,
    *,
    offline: bool = False,
    recipient_ids: tuple[str, ...] = (),
    now: datetime | None = None,
) -> CheckResult:
    """Verify a file or URL and everything in it; never raises for bad input."""
    fetcher = Fetcher(offline=offline)
    options = VerifyOptions(fetcher=fetcher, recipient_ids=recipient_ids, **({"now": now} if now else {}))
    try:
        data, name = _load(target, fetcher)
    except WalletError as exc:
        return CheckResult(target, (_failed(exc.user_message, options),), online=not offline)
    try:
        credentials = parse(data, name)
    except WalletError as exc:
        return CheckResult(target, (_failed(exc.user_message, options),), online=not offline)
    reports = tuple(verify(c, options) for c in credentials if c.parent_id is None or not _is_child_of(c, credentials))
    return CheckResult(target, reports, online=not offline)


def _is_child_of(credential: Any, credentials: list[Any]) -> bool:
    return any(other.id == credential.parent_id for other in credentials if other is not credential)


def _load(target: str, fetcher: Fetcher) -> tuple[bytes, str]:
    if target.startswith(("https://", "http://")):
        try:
            response = fetcher.get(target, accept="application/ld+json, application/json, image/png, image/svg+xml, */*")
        except NetworkError as exc:
            raise WalletError(f"Could not fetch {target}: {exc.user_message}") from exc
        return response.body, target
    path = Path(target)
    if not path.exists():
        raise WalletError(f"{target}: no such file.")
    if path.is_dir():
        raise WalletError(f"{target} is a folder; verify one file at a time.")
    if path.stat().st_size > DEFAULT_LIMITS.max_file_bytes:
        raise LimitExceeded(f"{target} is larger than the {DEFAULT_LIMITS.max_file_bytes // (1024 * 1024)} MB limit.")
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise WalletError(f"Could not read {target}: {exc.strerror or exc}.") from exc


def _failed(message: str, options: VerifyOptions) -> Report:
    return Report(
        checks=(Check(STRUCTURE, FAIL, message, MALFORMED),),
        format="unknown",
        credential_id=None,
        credential_name=None,
        issuer=None,
        checked_at=options.now,
        online=options.online,
    )
