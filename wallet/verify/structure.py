"""The ``structure`` check: is this a credential we can reason about at all?

It runs before any key is fetched, so hostile or broken input stops here with
``malformed`` and never reaches the network or the canonicalizer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from wallet.model import (
    FORMAT_CLR2,
    FORMAT_OB2_HOSTED,
    FORMAT_OB2_SIGNED,
    Credential,
)
from wallet.verify.report import FAIL, MALFORMED, PASS, STRUCTURE, Check

VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def check_structure(credential: Credential, knows_context: Callable[[str], bool]) -> Check:
    """Required fields, types and dates; every ``@context`` must be a bundled one."""
    problem = _problem(credential, knows_context)
    if problem:
        return Check(STRUCTURE, FAIL, problem, MALFORMED)
    return Check(STRUCTURE, PASS, "The credential has every required field and uses only known vocabularies.")


def _problem(credential: Credential, knows_context: Callable[[str], bool]) -> str | None:
    doc = credential.document
    if credential.format == FORMAT_OB2_HOSTED and not doc:
        return None  # a bare hosted URL: the issuer's copy is checked when fetched
    if not isinstance(doc, dict) or not doc:
        return "The file holds no credential data."
    if credential.format in (FORMAT_OB2_HOSTED, FORMAT_OB2_SIGNED):
        return _ob2_problem(doc)
    return _vc_problem(credential, doc, knows_context)


def _ob2_problem(doc: dict[str, Any]) -> str | None:
    missing = [f for f in ("id", "recipient", "badge", "issuedOn") if f not in doc]
    if "verification" not in doc and "verify" not in doc:
        missing.append("verification")
    if missing:
        return f"This Open Badges 2.0 assertion is missing required fields: {', '.join(missing)}."
    if not _parses(doc.get("issuedOn")):
        return "The issue date (issuedOn) is not a valid date."
    if "expires" in doc and not _parses(doc.get("expires")):
        return "The expiry date (expires) is not a valid date."
    return None


def _vc_problem(credential: Credential, doc: dict[str, Any], knows_context: Callable[[str], bool]) -> str | None:
    contexts = doc.get("@context")
    if not isinstance(contexts, list) or not contexts:
        return "The credential has no @context list."
    if contexts[0] not in (VC1_CONTEXT, VC2_CONTEXT):
        return "The first @context is not a Verifiable Credentials context."
    for ctx in contexts:
        if isinstance(ctx, str):
            if not knows_context(ctx):
                return f"The credential uses a vocabulary the wallet does not know: {ctx}."
        elif not isinstance(ctx, dict):
            return "An @context entry is neither a URL nor an object."
    types = doc.get("type")
    type_list = [types] if isinstance(types, str) else types
    if not isinstance(type_list, list) or "VerifiableCredential" not in type_list:
        return "The credential's type does not include VerifiableCredential."
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not issuer_id:
        return "The credential does not name its issuer."
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict | list) or not subject:
        return "The credential has no credentialSubject."
    problem = _date_problem(doc, contexts[0] == VC2_CONTEXT)
    if problem:
        return problem
    if credential.format != FORMAT_CLR2 and _is_open_badge(type_list) and isinstance(subject, dict):
        if "id" not in subject and not subject.get("identifier"):
            return "The badge does not say who earned it (no subject id or identifier)."
        if "achievement" not in subject:
            return "The badge's subject names no achievement."
    return None


def _date_problem(doc: dict[str, Any], is_v2: bool) -> str | None:
    start_field = "validFrom" if is_v2 else "issuanceDate"
    end_field = "validUntil" if is_v2 else "expirationDate"
    if is_v2:
        if "validFrom" in doc and not _parses(doc["validFrom"]):
            return "The start date (validFrom) is not a valid date."
    elif not _parses(doc.get(start_field)):
        return f"The issue date ({start_field}) is missing or not a valid date."
    if end_field in doc and not _parses(doc[end_field]):
        return f"The end date ({end_field}) is not a valid date."
    return None


def _is_open_badge(types: list[Any]) -> bool:
    return any(t in ("OpenBadgeCredential", "AchievementCredential") for t in types)


def _parses(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
