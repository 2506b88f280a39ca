"""Compact JWS / JWT decoding — structure only, never the signature.

Signature checks (and the algorithm allow-list) live in ``wallet.verify``.
Here ``alg: none`` or an empty signature is not an error: the credential is
read, and verification later says ``invalid_signature``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from wallet.errors import FormatError
from wallet.formats.common import check_size
from wallet.formats.jsonsafe import loads_limited
from wallet.limits import Limits

_SEGMENT = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class DecodedJws:
    """The three parts of a compact JWS, with header and payload parsed."""

    compact: str  # exactly as signed: header.payload.signature, no whitespace
    header: dict[str, Any] = field(repr=False)
    payload: Any = field(repr=False)  # parsed JSON claims
    payload_text: str = field(repr=False)


def b64url_decode(segment: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2)."""
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        raise FormatError("The token contains characters that are not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise FormatError("The token is not valid base64url", detail=str(exc)) from None


def compact_form(text: str) -> str:
    """The token without the whitespace or line breaks people paste around it."""
    return "".join(text.split())


def decode_compact(text: str, limits: Limits) -> DecodedJws:
    """Split ``header.payload.signature`` and parse header and payload as JSON."""
    compact = compact_form(text)
    # base64url of the largest allowed JSON payload, plus room for header and signature
    check_size(len(compact), limits.max_json_bytes * 2, "The token")
    parts = compact.split(".")
    if len(parts) != 3:
        raise FormatError(f"A compact JWS has 3 dot-separated parts; this text has {len(parts)}")
    header_seg, payload_seg, signature_seg = parts
    if not header_seg or not payload_seg:
        raise FormatError("The token has an empty header or payload")
    header_bytes = b64url_decode(header_seg)
    payload_bytes = b64url_decode(payload_seg)
    b64url_decode(signature_seg)  # well-formed even if empty (alg none)
    header = loads_limited(header_bytes, limits, "The token header")
    if not isinstance(header, dict):
        raise FormatError("The token header is not a JSON object")
    payload = loads_limited(payload_bytes, limits, "The token payload")
    if not isinstance(payload, dict):
        raise FormatError("The token payload is not a JSON object")
    try:
        payload_text = payload_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:  # pragma: no cover - loads_limited already decoded it
        raise FormatError("The token payload is not UTF-8") from None
    return DecodedJws(compact=compact, header=header, payload=payload, payload_text=payload_text)
