"""``verify(credential, options) -> Report``: the named checks in their order.

structure → issuer → proof → status → dates → recipient.  The first failing
check decides the verdict; once the issuer or proof has failed nothing after
it can be trusted, so the later checks are ``skipped``.  A bad credential is
a verdict, never an exception: only ``WalletError`` from a sub-step is turned
into a failed check here, and programming errors still surface.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from wallet.errors import WalletError
from wallet.formats import parse
from wallet.model import (
    FORMAT_OB2_HOSTED,
    FORMAT_OB2_SIGNED,
    FORMAT_OB3_JWT,
    FORMAT_VC_JWT,
    Credential,
)
from wallet.verify.dates import check_dates, check_recipient
from wallet.verify.documents import ContextLoader, default_loader
from wallet.verify.ob2 import verify_ob2
from wallet.verify.options import VerifyOptions
from wallet.verify.proofs.data_integrity import verify_proofs
from wallet.verify.proofs.jose import verify_jwt
from wallet.verify.report import (
    DATES,
    FAIL,
    ISSUER,
    MALFORMED,
    PROOF,
    RECIPIENT,
    SKIPPED,
    STATUS,
    Check,
    Report,
)
from wallet.verify.status import check_status
from wallet.verify.structure import check_structure

MAX_NESTING = 3  # CLR → achievement → status list credential


def verify(
    credential: Credential, options: VerifyOptions | None = None, *, loader: ContextLoader | None = None
) -> Report:
    """Run every check on ``credential`` and return the report (never raises for bad input)."""
    options = options or VerifyOptions()
    loader = loader or default_loader()
    checks: list[Check] = []
    document = credential.document

    structure = check_structure(credential, loader.knows)
    checks.append(structure)
    if structure.status == FAIL:
        return _report(credential, options, _skip_rest(checks))

    status_check: Check | None = None
    try:
        if credential.format in (FORMAT_OB2_HOSTED, FORMAT_OB2_SIGNED):
            outcome = verify_ob2(credential, options)
            checks += [outcome.issuer, outcome.proof]
            status_check = outcome.status
            if outcome.document:
                credential = _with_fetched(credential, outcome.document)
        elif credential.format in (FORMAT_OB3_JWT, FORMAT_VC_JWT) or credential.jwt_header is not None:
            issuer, proof, extra = verify_jwt(credential, options)
            checks += [issuer, proof, *extra]
        else:
            issuer, proof = verify_proofs(document, _issuer_id(document), options, loader)
            checks += [issuer, proof]
    except WalletError as exc:
        checks.append(Check(PROOF, FAIL, exc.user_message, MALFORMED))

    if any(c.status == FAIL for c in checks):
        # The embedded credentials carry their own proofs, so their reports still say something true.
        return _report(
            credential,
            options,
            _skip_rest(checks),
            children=_children(credential, options, loader),
            endorsements=_endorsements(credential, options, loader),
        )

    if status_check is None:
        status_check = check_status(
            credential,
            options,
            lambda doc: _verify_list(json.dumps(doc).encode("utf-8"), options, loader),
            verify_list_jwt=lambda token: _verify_list(token.encode("ascii", "replace"), options, loader),
        )
    checks.append(status_check)
    checks.append(check_dates(credential, options))
    checks.append(check_recipient(credential, options))
    return _report(
        credential,
        options,
        checks,
        children=_children(credential, options, loader),
        endorsements=_endorsements(credential, options, loader),
    )


def _verify_list(data: bytes, options: VerifyOptions, loader: ContextLoader) -> str:
    """Verify a status list credential (JSON or JWT); its verdict decides whether the list is trusted."""
    if options.depth >= MAX_NESTING:
        return MALFORMED
    try:
        creds = parse(data, "status-list")
    except WalletError:
        return MALFORMED
    if not creds:
        return MALFORMED
    # The list itself need not name a status of its own; recipient matching does not apply.
    nested = replace(options, depth=options.depth + 1, recipient_ids=())
    return verify(creds[0], nested, loader=loader).verdict


def _children(credential: Credential, options: VerifyOptions, loader: ContextLoader) -> tuple[Report, ...]:
    """Embedded credentials of a CLR (or presentation) each get a report of their own."""
    if options.depth >= MAX_NESTING:
        return ()
    subject = credential.document.get("credentialSubject")
    embedded = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if not isinstance(embedded, list):
        return ()
    nested = replace(options, depth=options.depth + 1, recipient_ids=())
    reports: list[Report] = []
    for item in embedded:
        data = item.encode("utf-8") if isinstance(item, str) else json.dumps(item).encode("utf-8")
        try:
            parsed = parse(data, credential.source_name or "embedded")
        except WalletError as exc:
            reports.append(_broken_report(str(exc), credential, options))
            continue
        reports.extend(verify(c, nested, loader=loader) for c in parsed[:1])
    return tuple(reports)


def _endorsements(credential: Credential, options: VerifyOptions, loader: ContextLoader) -> tuple[Report, ...]:
    if options.depth >= MAX_NESTING:
        return ()
    nested = replace(options, depth=options.depth + 1, recipient_ids=())
    return tuple(verify(e, nested, loader=loader) for e in credential.endorsements)


def _broken_report(message: str, parent: Credential, options: VerifyOptions) -> Report:
    return Report.malformed(message, issuer=parent.issuer.id, checked_at=options.now, online=options.online)


def _skip_rest(checks: list[Check]) -> list[Check]:
    done = {c.id for c in checks}
    reason = "Not checked: an earlier check failed, so nothing else in this credential can be trusted."
    for check_id in (ISSUER, PROOF, STATUS, DATES, RECIPIENT):
        if check_id not in done:
            checks.append(Check(check_id, SKIPPED, reason))
    return checks


def _report(
    credential: Credential,
    options: VerifyOptions,
    checks: list[Check],
    *,
    children: tuple[Report, ...] = (),
    endorsements: tuple[Report, ...] = (),
) -> Report:
    return Report(
        checks=tuple(checks),
        format=credential.format,
        credential_id=credential.id,
        credential_name=credential.display_name,
        issuer=credential.issuer.name or credential.issuer.id,
        checked_at=options.now,
        online=options.online,
        children=children,
        endorsements=endorsements,
    )


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        value = issuer.get("id")
        return value if isinstance(value, str) else None
    return issuer if isinstance(issuer, str) else None


def _with_fetched(credential: Credential, fetched: dict[str, Any]) -> Credential:
    """For hosted OB 2.0 the issuer's copy is the truth: re-read dates and names from it."""
    try:
        parsed = parse(json.dumps(fetched).encode("utf-8"), credential.source_name or "hosted.json")
    except WalletError:
        return credential
    if not parsed:
        return credential
    fresh = parsed[0]
    return replace(
        credential,
        valid_from=fresh.valid_from,
        valid_until=fresh.valid_until,
        issued=fresh.issued or credential.issued,
        subject=fresh.subject,
    )
