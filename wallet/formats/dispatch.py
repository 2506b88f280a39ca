"""From badge *text* (JSON, compact JWS/JWT, link) to credentials.

Containers (PNG chunk, SVG element, plain file) hand their text here; this
module decides what the content is — never from the file name — and calls
the OB 2.0, OB 3.0/VC and CLR builders.  Presentations and CLRs fan out into
the credentials they hold, each linked to its parent.
"""

from __future__ import annotations

import json
from typing import Any

from wallet.errors import FormatError, NotABadge
from wallet.formats import clr, ob2, ob3
from wallet.formats.common import (
    KEYWORD_OB3,
    ParseContext,
    as_list,
    looks_like_jws,
    payload_kind,
    text,
    types_of,
)
from wallet.formats.jsonsafe import loads_limited
from wallet.formats.jws import decode_compact
from wallet.model import FORMAT_OB2_HOSTED, Achievement, Credential, Issuer

MAX_NESTING = 8  # presentation → CLR → credential → … ; JSON depth bounds it too
_MAX_URL = 2048


def credentials_from_text(text_value: str, ctx: ParseContext, *, keyword: str | None = None) -> list[Credential]:
    """Baked or pasted text: JSON, a compact JWS/JWT, or a hosted-assertion link."""
    kind = payload_kind(text_value)
    if kind == "json":
        return credentials_from_json(text_value, ctx)
    if kind == "jws":
        return credentials_from_jws(text_value, ctx)
    if kind == "url":
        if keyword == KEYWORD_OB3:
            raise FormatError("The OB 3.0 badge holds only a link; OB 3.0 bakes the credential itself")
        return [hosted_link(text_value.strip(), ctx)]
    raise FormatError("The badge data is neither JSON, a link, nor a compact JWS")


def credentials_from_json(text_value: str, ctx: ParseContext) -> list[Credential]:
    """A JSON document: one credential, a presentation, a CLR, or a list of them."""
    value = loads_limited(text_value, ctx.limits)
    if isinstance(value, list):
        if not value or not all(isinstance(i, dict) or (isinstance(i, str) and looks_like_jws(i)) for i in value):
            raise NotABadge("The JSON list does not hold badges or credentials")
        return [c for item in value for c in credentials_from_embedded(item, ctx, parent_id=None, nesting=1)]
    if not isinstance(value, dict):
        raise NotABadge("The JSON is not a badge or credential")
    return credentials_from_object(value, ctx, payload=text_value.strip())


def credentials_from_jws(
    token: str, ctx: ParseContext, *, parent_id: str | None = None, nesting: int = 0
) -> list[Credential]:
    """A compact JWS: VC-JWT (``vc``), VC-JOSE, VP-JWT (``vp``) or an OB 2.0 signed assertion."""
    _check_nesting(nesting)
    decoded = decode_compact(token, ctx.limits)
    claims = decoded.payload
    vp = claims.get("vp")
    if isinstance(vp, dict):
        vp_id = text(vp.get("id")) or text(claims.get("jti"))
        return _presentation(vp, ctx, vp_id, nesting)
    doc = ob3.jwt_document(decoded)
    if doc is None and ob2.is_assertion(claims):
        return [
            ob2.ob2_credential(claims, ctx, payload=decoded.compact, jwt_header=decoded.header, parent_id=parent_id)
        ]
    if doc is None:
        raise NotABadge("The token holds neither a badge nor a verifiable credential")
    return credentials_from_object(
        doc,
        ctx,
        payload=decoded.compact,
        jwt_header=decoded.header,
        claims=claims,
        parent_id=parent_id,
        nesting=nesting,
    )


def credentials_from_object(
    doc: dict[str, Any],
    ctx: ParseContext,
    *,
    payload: str,
    jwt_header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
    parent_id: str | None = None,
    nesting: int = 0,
) -> list[Credential]:
    """Classify one parsed JSON object and build its credential(s)."""
    _check_nesting(nesting)
    types = types_of(doc)
    if "VerifiablePresentation" in types:
        return _presentation(doc, ctx, text(doc.get("id")), nesting)
    token = ob3.enveloped_token(doc)
    if token is not None:
        return credentials_from_jws(token, ctx, parent_id=parent_id, nesting=nesting + 1)
    if ob3.is_credential(doc):
        built = ob3.vc_credential(doc, ctx, payload=payload, jwt_header=jwt_header, claims=claims, parent_id=parent_id)
        if not clr.is_clr(doc):
            return [built]
        children = [
            c
            for item in clr.embedded_items(doc)
            for c in credentials_from_embedded(item, ctx, parent_id=built.id, nesting=nesting + 1)
        ]
        return [built, *clr.link_associations(doc, children)]
    if ob2.is_assertion(doc):
        return [ob2.ob2_credential(doc, ctx, payload=payload, jwt_header=jwt_header, parent_id=parent_id)]
    raise NotABadge(_not_a_badge_reason(types, doc))


def credentials_from_embedded(item: Any, ctx: ParseContext, *, parent_id: str | None, nesting: int) -> list[Credential]:
    """One entry of a CLR or presentation: a JSON object or a compact JWT string."""
    if isinstance(item, str):
        return credentials_from_jws(item, ctx, parent_id=parent_id, nesting=nesting)
    if isinstance(item, dict):
        payload = json.dumps(item, ensure_ascii=False)
        return credentials_from_object(item, ctx, payload=payload, parent_id=parent_id, nesting=nesting)
    raise FormatError("An embedded credential is neither a JSON object nor a JWT")


def _presentation(vp: dict[str, Any], ctx: ParseContext, vp_id: str | None, nesting: int) -> list[Credential]:
    found = [
        c
        for item in as_list(vp.get("verifiableCredential"))
        for c in credentials_from_embedded(item, ctx, parent_id=vp_id, nesting=nesting + 1)
    ]
    if not found:
        raise NotABadge("The presentation holds no credentials")
    return found


def hosted_link(url: str, ctx: ParseContext) -> Credential:
    """A hosted OB 2.0 assertion known only by its URL; the importer fetches it.

    ``document`` stays empty until then (verification treats an empty hosted
    document as "fetch me", see ``wallet.verify.structure``).
    """
    if len(url) > _MAX_URL:
        raise FormatError(f"The link is longer than {_MAX_URL} characters")
    return Credential(
        id=url,
        format=FORMAT_OB2_HOSTED,
        spec_version="2.0",
        name=None,
        issuer=Issuer(id=None),
        achievement=Achievement(id=None, name=None),
        payload=url,
        original=ctx.original,
        document={},
        source_name=ctx.source_name,
        container=ctx.container,
        hosted_url=url,
    )


def _check_nesting(nesting: int) -> None:
    if nesting > MAX_NESTING:
        raise FormatError(f"Credentials are nested more than {MAX_NESTING} levels deep")


def _not_a_badge_reason(types: tuple[str, ...], doc: dict[str, Any]) -> str:
    if "BadgeClass" in types:
        return "The JSON is an Open Badges BadgeClass (a badge definition), not an awarded badge"
    if {"Issuer", "Profile"} & set(types):
        return "The JSON is an issuer profile, not a badge"
    if doc.get("revoked") is True:
        return "The JSON is a revocation notice, not a badge"
    return "The JSON is not a badge or verifiable credential"
