"""The ``dates`` and ``recipient`` checks.

Both read only the credential and the options (``now`` is a parameter), so
they are cheap and deterministic.  Expired is a state of the badge, not a
broken signature: it is reported after the proof check has passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wallet.model import Credential
from wallet.verify.ob2 import identity_matches
from wallet.verify.options import VerifyOptions
from wallet.verify.report import DATES, EXPIRED, FAIL, NOT_YET_VALID, PASS, RECIPIENT, SKIPPED, Check


def check_dates(credential: Credential, options: VerifyOptions) -> Check:
    """Compare the validity window (validFrom/validUntil, JWT nbf/exp, OB 2.0 expires) with ``now``."""
    skew = timedelta(seconds=options.clock_skew_seconds)
    now = options.now
    start = credential.valid_from
    end = credential.valid_until
    if start and now + skew < start:
        return Check(DATES, FAIL, f"This credential only becomes valid on {_day(start)}.", NOT_YET_VALID)
    if end and now - skew > end:
        return Check(DATES, FAIL, f"This credential expired on {_day(end)}.", EXPIRED)
    if end:
        return Check(DATES, PASS, f"Valid until {_day(end)}.")
    return Check(DATES, PASS, "The credential has no expiry date.")


def check_recipient(credential: Credential, options: VerifyOptions) -> Check:
    """Match the subject against the earner's own identifiers (plain or salted hash)."""
    known = [k.strip() for k in options.recipient_ids if k.strip()]
    if not known:
        return Check(RECIPIENT, SKIPPED, "No identifiers of yours are set, so the recipient was not compared.")
    subject = credential.subject
    for value in known:
        if subject.id and subject.id == value:
            return Check(RECIPIENT, PASS, f"Issued to {value}.")
        if subject.identity and identity_matches(subject.identity, subject.hashed, subject.salt, value):
            return Check(RECIPIENT, PASS, f"Issued to {value}.")
    return Check(RECIPIENT, FAIL, "This credential was issued to someone else (none of your identifiers match).")


def _day(value: datetime) -> str:
    return value.strftime("%d %B %Y").lstrip("0")
