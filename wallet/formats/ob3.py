"""OB 3.0 / VC 1.1 / VC 2.0 credentials (JSON or JWT) → ``Credential``.

Covers OpenBadgeCredential/AchievementCredential, EndorsementCredential, the
ClrCredential's own fields (its embedded credentials are split off by the
dispatcher) and any other verifiable credential (format ``vc``/``vc-jwt``).

JWT forms (OB 3.0 §JSON Web Token Proof Format, VC-JOSE-COSE):

* VC-JWT 1.1 — the credential sits in the ``vc`` claim; the registered
  claims may stand *instead of* its fields, so ``document`` is the ``vc``
  object with ``id``/``issuer``/``credentialSubject.id``/dates filled in
  from ``jti``/``iss``/``sub``/``nbf``/``exp`` where absent.
* VC-JOSE / VC 2.0 (``typ: vc+jwt``) — the payload *is* the credential and
  becomes ``document`` unchanged; ``nbf``/``exp`` only fill the validity
  window when the credential states none.
"""

from __future__ import annotations

import json
import re
from typing import Any

from wallet.errors import FormatError
from wallet.formats.common import (
    ParseContext,
    as_bool,
    as_float,
    as_list,
    first_dict,
    from_timestamp,
    iso_z,
    parse_datetime,
    ref_id,
    text,
    types_of,
)
from wallet.formats.jws import DecodedJws, decode_compact
from wallet.formats.parts import alignments, evidence, profile, strings
from wallet.model import (
    FORMAT_CLR2,
    FORMAT_OB3_JSON,
    FORMAT_OB3_JWT,
    FORMAT_VC,
    FORMAT_VC_JWT,
    Achievement,
    Credential,
    Related,
    Result,
    ResultDescription,
    StatusEntry,
    Subject,
)

VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"})
# The OB 3.0 context (3.0.0–3.0.3) and the pilot-era OB 3.0 context URLs.
_OB3_CONTEXT = re.compile(
    r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$"
    r"|^https://imsglobal\.github\.io/openbadges-specification/ob_v3p0\.html$"
)
_ENVELOPE_PREFIX = re.compile(r"^data:application/(?:vc\+jwt|vc-ld\+jwt|jwt)[^,]*,", re.IGNORECASE)
MAX_ENDORSEMENT_DEPTH = 2


def contexts(doc: dict[str, Any]) -> list[str]:
    return [c for c in as_list(doc.get("@context")) if isinstance(c, str)]


def is_credential(doc: dict[str, Any]) -> bool:
    """A verifiable credential: typed so, or shaped so under a VC context."""
    if "VerifiableCredential" in types_of(doc):
        return True
    ctx = contexts(doc)
    return bool(ctx) and ctx[0] in (VC1_CONTEXT, VC2_CONTEXT) and "credentialSubject" in doc


def is_open_badge(doc: dict[str, Any]) -> bool:
    return bool(OB_TYPES.intersection(types_of(doc))) or any(_OB3_CONTEXT.match(c) for c in contexts(doc))


def vc_version(doc: dict[str, Any]) -> str:
    """``vc2.0`` or ``vc1.1`` from the base context (or, lacking one, the date fields)."""
    ctx = contexts(doc)
    if ctx and ctx[0] == VC2_CONTEXT:
        return "vc2.0"
    if ctx and ctx[0] == VC1_CONTEXT:
        return "vc1.1"
    return "vc2.0" if "validFrom" in doc else "vc1.1"


def enveloped_token(obj: dict[str, Any]) -> str | None:
    """The JWT inside a VC 2.0 ``EnvelopedVerifiableCredential`` data: URL."""
    if "EnvelopedVerifiableCredential" not in types_of(obj):
        return None
    ident = text(obj.get("id")) or ""
    match = _ENVELOPE_PREFIX.match(ident)
    if not match:
        raise FormatError("An enveloped credential does not carry a JWT data: URL")
    return ident[match.end() :]


def jwt_document(decoded: DecodedJws) -> dict[str, Any] | None:
    """The credential a JWT carries (see module docstring), or None if none."""
    claims = decoded.payload
    vc = claims.get("vc")
    if isinstance(vc, dict):
        return _fill_from_claims(vc, claims)
    if is_credential(claims):
        return claims
    return None


def _fill_from_claims(vc: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """VC DM 1.1 §6.3.1 decoding: registered claims fill absent credential fields."""
    doc = dict(vc)
    v2 = vc_version(doc) == "vc2.0"
    if "id" not in doc and isinstance(claims.get("jti"), str):
        doc["id"] = claims["jti"]
    iss = claims.get("iss")
    if isinstance(iss, str):
        issuer = doc.get("issuer")
        if issuer is None:
            doc["issuer"] = iss
        elif isinstance(issuer, dict) and "id" not in issuer:
            doc["issuer"] = {**issuer, "id": iss}
    subject = doc.get("credentialSubject")
    if isinstance(claims.get("sub"), str) and isinstance(subject, dict) and "id" not in subject:
        doc["credentialSubject"] = {**subject, "id": claims["sub"]}
    _fill_date(doc, claims.get("nbf"), "validFrom" if v2 else "issuanceDate", ("validFrom", "issuanceDate"))
    _fill_date(doc, claims.get("exp"), "validUntil" if v2 else "expirationDate", ("validUntil", "expirationDate"))
    return doc


def _fill_date(doc: dict[str, Any], claim: Any, field: str, present: tuple[str, ...]) -> None:
    if any(name in doc for name in present) or isinstance(claim, bool) or not isinstance(claim, int | float):
        return
    moment = from_timestamp(claim)
    if moment is not None:
        doc[field] = iso_z(moment)


def vc_credential(
    doc: dict[str, Any],
    ctx: ParseContext,
    *,
    payload: str,
    jwt_header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
    parent_id: str | None = None,
    depth: int = 0,
) -> Credential:
    """One credential from its JSON object (``claims`` set when it came in a JWT)."""
    types = types_of(doc)
    subject = first_dict(doc.get("credentialSubject")) or {}
    achievement_obj = first_dict(subject.get("achievement")) or {}
    achievement = _achievement(achievement_obj)
    own_id = text(doc.get("id")) or (text(claims.get("jti")) if claims else None)
    fmt, version = _format(doc, types, jwt=jwt_header is not None)
    return Credential(
        id=own_id,
        format=fmt,
        spec_version=version,
        name=text(doc.get("name")) or achievement.name,
        issuer=profile(doc.get("issuer") if "issuer" in doc else (claims or {}).get("iss")),
        achievement=achievement,
        payload=payload,
        original=ctx.original,
        document=doc,
        types=types,
        description=text(doc.get("description")) or achievement.description,
        image=ref_id(doc.get("image")) or ref_id(subject.get("image")) or achievement.image,
        subject=_subject(subject),
        issued=_first_date(doc, "awardedDate", "issuanceDate", "validFrom") or _claim_date(claims, "nbf", "iat"),
        valid_from=_first_date(doc, "validFrom", "issuanceDate") or _claim_date(claims, "nbf"),
        valid_until=_first_date(doc, "validUntil", "expirationDate") or _claim_date(claims, "exp"),
        evidence=tuple(evidence(doc.get("evidence"))),
        results=tuple(_result(r) for r in as_list(subject.get("result")) if isinstance(r, dict)),
        endorsements=_endorsements((doc, achievement_obj), ctx, own_id, depth),
        status=tuple(_status(s) for s in as_list(doc.get("credentialStatus")) if isinstance(s, dict)),
        source_name=ctx.source_name,
        container=ctx.container,
        parent_id=parent_id,
        jwt_header=jwt_header,
    )


def jwt_credential(token: str, ctx: ParseContext, *, parent_id: str | None = None, depth: int = 0) -> Credential:
    """A single VC from a compact JWT (used for ``endorsementJwt`` entries)."""
    decoded = decode_compact(token, ctx.limits)
    doc = jwt_document(decoded)
    if doc is None:
        raise FormatError("The token does not hold a verifiable credential")
    return vc_credential(
        doc,
        ctx,
        payload=decoded.compact,
        jwt_header=decoded.header,
        claims=decoded.payload,
        parent_id=parent_id,
        depth=depth,
    )


def _format(doc: dict[str, Any], types: tuple[str, ...], *, jwt: bool) -> tuple[str, str]:
    if "ClrCredential" in types:
        return FORMAT_CLR2, "clr2.0"
    if is_open_badge(doc):
        return (FORMAT_OB3_JWT if jwt else FORMAT_OB3_JSON), "3.0"
    return (FORMAT_VC_JWT if jwt else FORMAT_VC), vc_version(doc)


def _first_date(doc: dict[str, Any], *fields: str) -> Any:
    for name in fields:
        moment = parse_datetime(doc.get(name))
        if moment is not None:
            return moment
    return None


def _claim_date(claims: dict[str, Any] | None, *names: str) -> Any:
    for name in names:
        value = (claims or {}).get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return from_timestamp(value)
    return None


def _achievement(obj: dict[str, Any]) -> Achievement:
    criteria = obj.get("criteria")
    creator = obj.get("creator")
    return Achievement(
        id=text(obj.get("id")),
        name=text(obj.get("name")),
        description=text(obj.get("description")),
        achievement_type=text(obj.get("achievementType")),
        criteria_narrative=text(criteria.get("narrative")) if isinstance(criteria, dict) else None,
        criteria_url=ref_id(criteria),
        image=ref_id(obj.get("image")),
        alignments=alignments(obj.get("alignment")),
        tags=strings(obj.get("tag")),
        credits_available=as_float(obj.get("creditsAvailable")),
        field_of_study=text(obj.get("fieldOfStudy")),
        specialization=text(obj.get("specialization")),
        human_code=text(obj.get("humanCode")),
        version=text(obj.get("version")),
        related=tuple(Related(r) for r in (ref_id(x) for x in as_list(obj.get("related"))) if r),
        result_descriptions=tuple(
            _result_description(r) for r in as_list(obj.get("resultDescription")) if isinstance(r, dict)
        ),
        creator=profile(creator) if creator is not None else None,
    )


def _result_description(obj: dict[str, Any]) -> ResultDescription:
    return ResultDescription(
        id=text(obj.get("id")),
        name=text(obj.get("name")) or "",
        result_type=text(obj.get("resultType")),
        required_level=text(obj.get("requiredLevel")),
        required_value=text(obj.get("requiredValue")),
    )


def _result(obj: dict[str, Any]) -> Result:
    return Result(
        result_description=text(obj.get("resultDescription")),
        value=text(obj.get("value")),
        achieved_level=text(obj.get("achievedLevel")),
        status=text(obj.get("status")),
    )


def _subject(subject: dict[str, Any]) -> Subject:
    """``id`` and/or the first IdentityObject in ``identifier``."""
    identity = first_dict(subject.get("identifier")) or {}
    return Subject(
        id=text(subject.get("id")),
        identity=text(identity.get("identityHash")),
        identity_type=text(identity.get("identityType")),
        hashed=as_bool(identity.get("hashed")),
        salt=text(identity.get("salt")),
    )


def _status(obj: dict[str, Any]) -> StatusEntry:
    size = obj.get("statusSize", 1)
    return StatusEntry(
        type=next(iter(types_of(obj)), ""),
        id=text(obj.get("id")),
        purpose=text(obj.get("statusPurpose")),
        index=text(obj.get("statusListIndex")),
        list_url=ref_id(obj.get("statusListCredential")),
        status_size=size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else 1,
    )


def _endorsements(
    holders: tuple[dict[str, Any], ...], ctx: ParseContext, parent_id: str | None, depth: int
) -> tuple[Credential, ...]:
    """``endorsement[]`` and ``endorsementJwt[]`` on the credential and its achievement.

    An endorsement that cannot be read is left out rather than failing the
    badge it endorses: it never changes that badge's verdict (DESIGN.md).
    """
    if depth >= MAX_ENDORSEMENT_DEPTH:
        return ()
    found: list[Credential] = []
    for holder in holders:
        for obj in as_list(holder.get("endorsement")):
            if isinstance(obj, dict):
                payload = json.dumps(obj, ensure_ascii=False)
                found.append(vc_credential(obj, ctx, payload=payload, parent_id=parent_id, depth=depth + 1))
        for token in as_list(holder.get("endorsementJwt")):
            if isinstance(token, str):
                try:
                    found.append(jwt_credential(token, ctx, parent_id=parent_id, depth=depth + 1))
                except FormatError:
                    continue
    return tuple(found)
