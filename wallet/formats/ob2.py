"""Open Badges 2.0 (and 1.x) Assertion → ``Credential``.

The assertion may embed its BadgeClass and issuer Profile or link them by
IRI; linked parts stay as ids (the hosted-verification step fetches them).
An issuer ``revocationList`` is an IRI only known after a fetch, so no status
entry is made here.
"""

from __future__ import annotations

from typing import Any

from wallet.formats.common import (
    ParseContext,
    as_bool,
    as_list,
    parse_datetime,
    ref_id,
    text,
    types_of,
)
from wallet.formats.parts import alignments, evidence, profile, strings
from wallet.model import (
    FORMAT_OB2_HOSTED,
    FORMAT_OB2_SIGNED,
    Achievement,
    Credential,
    Evidence,
    Related,
    Subject,
)

_OB2_CONTEXTS = ("w3id.org/openbadges/v2", "openbadgespec.org/v2")
_OB1_CONTEXTS = ("w3id.org/openbadges/v1", "openbadgespec.org/v1")


def is_assertion(doc: dict[str, Any]) -> bool:
    """An OB 2.0 ``Assertion``, or a 1.x one recognised by its required fields."""
    if "Assertion" in types_of(doc):
        return True
    return "recipient" in doc and "badge" in doc and ("verify" in doc or "verification" in doc or "uid" in doc)


def spec_version(doc: dict[str, Any]) -> str:
    contexts = [c for c in as_list(doc.get("@context")) if isinstance(c, str)]
    if any(marker in c for c in contexts for marker in _OB2_CONTEXTS):
        return "2.0"
    if any(marker in c for c in contexts for marker in _OB1_CONTEXTS):
        return "1.1"
    return "1.0" if "uid" in doc and not contexts else "2.0"


def ob2_credential(
    doc: dict[str, Any],
    ctx: ParseContext,
    *,
    payload: str,
    jwt_header: dict[str, Any] | None = None,
    parent_id: str | None = None,
) -> Credential:
    """Build the credential; ``jwt_header`` is set when it came inside a JWS (signed)."""
    verification = doc.get("verification", doc.get("verify"))
    method = (text(verification.get("type")) if isinstance(verification, dict) else None) or ""
    signed = jwt_header is not None or method.lower() in ("signed", "signedbadge")
    badge = doc.get("badge")
    badge_obj = badge if isinstance(badge, dict) else {}
    achievement = _achievement(badge)
    issuer = profile(badge_obj.get("issuer"))
    return Credential(
        id=text(doc.get("id")) or text(doc.get("uid")),
        format=FORMAT_OB2_SIGNED if signed else FORMAT_OB2_HOSTED,
        spec_version=spec_version(doc),
        name=achievement.name,
        issuer=issuer,
        achievement=achievement,
        payload=payload,
        original=ctx.original,
        document=doc,
        types=types_of(doc) or ("Assertion",),
        description=achievement.description,
        image=ref_id(doc.get("image")) or achievement.image,
        subject=_subject(doc.get("recipient")),
        issued=parse_datetime(doc.get("issuedOn")),
        valid_until=parse_datetime(doc.get("expires")),
        evidence=_evidence(doc),
        source_name=ctx.source_name,
        container=ctx.container,
        parent_id=parent_id,
        jwt_header=jwt_header,
        hosted_url=None if signed else hosted_url(doc),
    )


def hosted_url(doc: dict[str, Any]) -> str | None:
    """Where a hosted assertion lives: 1.x ``verify.url``, else an http(s) ``id``."""
    verification = doc.get("verification", doc.get("verify"))
    if isinstance(verification, dict):
        url = text(verification.get("url"))
        if url and url.lower().startswith(("https://", "http://")):
            return url
    ident = text(doc.get("id"))
    if ident and ident.lower().startswith(("https://", "http://")):
        return ident
    return None


def _achievement(badge: Any) -> Achievement:
    if not isinstance(badge, dict):
        return Achievement(id=ref_id(badge), name=None)
    criteria = badge.get("criteria")
    return Achievement(
        id=text(badge.get("id")),
        name=text(badge.get("name")),
        description=text(badge.get("description")),
        achievement_type=text(badge.get("achievementType")),
        criteria_narrative=text(criteria.get("narrative")) if isinstance(criteria, dict) else None,
        criteria_url=ref_id(criteria),
        image=ref_id(badge.get("image")),
        alignments=alignments(badge.get("alignment")),
        tags=strings(badge.get("tags")),
        version=text(badge.get("version")),
        related=tuple(Related(r) for r in (ref_id(x) for x in as_list(badge.get("related"))) if r),
        creator=None,
    )


def _subject(recipient: Any) -> Subject:
    if isinstance(recipient, str):  # OB 0.5 / 1.0 plain e-mail
        return Subject(identity=recipient, identity_type="email")
    if not isinstance(recipient, dict):
        return Subject()
    return Subject(
        identity=text(recipient.get("identity")),
        identity_type=text(recipient.get("type")),
        hashed=as_bool(recipient.get("hashed")),
        salt=text(recipient.get("salt")),
    )


def _evidence(doc: dict[str, Any]) -> tuple[Evidence, ...]:
    """Evidence IRIs or objects; an assertion-level ``narrative`` becomes one more entry."""
    items = evidence(doc.get("evidence"))
    narrative = text(doc.get("narrative"))
    if narrative:
        items.append(Evidence(narrative=narrative))
    return tuple(items)
