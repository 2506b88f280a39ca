"""Check something somebody sent you, without adding it to your wallet.

``badgewallet verify`` and the app's "Check a badge" mode both come here: a
file (baked image, JSON, JWT), a URL, and – through
``wallet.export.recruiter_checks`` – a résumé bundle or a QR image.  The answer is one verdict on top (the worst of
the items) plus a report per credential.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wallet.errors import LimitExceeded, NetworkError, WalletError
from wallet.export.recruiter_checks import check_special
from wallet.formats import parse
from wallet.limits import DEFAULT_LIMITS
from wallet.net import Fetcher
from wallet.verify import Report, VerifyOptions, verify
from wallet.verify.summary import CheckResult, render_report

__all__ = ["CheckResult", "check_target", "render_report"]


def check_target(
    target: str,
    *,
    offline: bool = False,
    recipient_ids: tuple[str, ...] = (),
    now: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> CheckResult:
    """Verify a file or URL and everything in it; never raises for bad input."""
    fetcher = Fetcher(offline=offline)
    options = VerifyOptions(
        fetcher=fetcher, recipient_ids=recipient_ids, now=now or datetime.now(UTC), challenge=challenge, domain=domain
    )
    try:
        data, name = _load(target, fetcher)
    except WalletError as exc:
        return CheckResult(target, (_failed(exc.user_message, options),), online=not offline)
    special = check_special(data, name, options)  # résumé bundle or QR image
    if special is not None:
        return special
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
            response = fetcher.get(
                target, accept="application/ld+json, application/json, image/png, image/svg+xml, */*"
            )
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
    return Report.malformed(message, checked_at=options.now, online=options.online)
