"""Baking: put one badge payload into a PNG or SVG, replacing any old one.

PNG (SPECS §1): every ``openbadges``/``openbadgecredential`` text chunk
(``iTXt``, ``tEXt``, ``zTXt``) is dropped, and one uncompressed ``iTXt`` goes
right after IHDR; all other chunks are copied byte for byte.

SVG: existing badge elements (either namespace) are cut out and one new
element is spliced in directly after the ``<svg …>`` start tag, with the
``xmlns:openbadges`` declaration added to (or corrected on) that tag.  The
rest of the file is left exactly as the author wrote it.

Round trip: ``parse(bake_x(image, payload))`` yields a credential whose
``payload`` equals ``payload.strip()`` byte for byte.  In SVG, ``]]>`` inside
JSON is split across two CDATA sections and carriage returns are written as
``&#13;``, because XML parsers would otherwise end the section early or turn
``\\r\\n`` into ``\\n``.
"""

from __future__ import annotations

import re
from typing import Any

from wallet.errors import FormatError, NotABadge
from wallet.formats import png, svg
from wallet.formats.common import (
    KEYWORD_OB2,
    KEYWORD_OB3,
    NS_OB2,
    NS_OB3,
    payload_kind,
)
from wallet.formats.jsonsafe import loads_limited
from wallet.formats.jws import compact_form
from wallet.formats.ob2 import hosted_url
from wallet.limits import DEFAULT_LIMITS, Limits

_XMLNS_OPENBADGES = re.compile(rb"""\sxmlns:openbadges\s*=\s*("[^"]*"|'[^']*')""")
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def bake_png(image: bytes, payload: str, *, ob3: bool, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A copy of ``image`` carrying ``payload`` in one uncompressed iTXt chunk."""
    text = _checked_payload(payload)
    keyword = KEYWORD_OB3 if ob3 else KEYWORD_OB2
    itxt = keyword.encode("latin-1") + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")
    parts = [png.SIGNATURE]
    for chunk in png.walk_chunks(image, limits):
        if png.is_badge_chunk(chunk):
            continue
        parts.append(image[chunk.offset : chunk.end])
        if chunk.type == b"IHDR":
            parts.append(png.build_chunk(b"iTXt", itxt))
    return b"".join(parts)


def bake_svg(image: bytes, payload: str, *, ob3: bool, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A copy of the SVG ``image`` carrying ``payload`` (see module docstring)."""
    text = _checked_payload(payload)
    _require_utf8(image)
    scan = svg.scan_svg(image, limits)
    if scan.root_tag_end < 0 or any(old.end < 0 for old in scan.elements):
        raise FormatError("The SVG markup could not be located byte for byte, so it cannot be baked")
    element = _badge_element(text, ob3, limits)
    namespace = NS_OB3 if ob3 else NS_OB2

    head = image[: scan.root_start]
    start_tag = _with_namespace(image[scan.root_start : scan.root_tag_end], namespace)
    body = bytearray(image[scan.root_tag_end :])
    for old in reversed(scan.elements):  # cut from the end so earlier offsets stay valid
        del body[old.start - scan.root_tag_end : old.end - scan.root_tag_end]
    if scan.root_self_closing:
        start_tag = start_tag[:-2].rstrip() + b">"
        return head + start_tag + element + b"</svg>" + bytes(body)
    return head + start_tag + element + bytes(body)


def extract_payloads(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, str]]:
    """``(keyword, payload)`` for each badge in a baked PNG or SVG.

    SVG elements report the PNG keyword of their namespace
    (``openbadges`` for OB 2.0, ``openbadgecredential`` for OB 3.0).
    """
    if png.is_png(data):
        return [(t.keyword, t.text.strip()) for t in png.extract_baked_texts(data, limits)]
    try:
        element = svg.extract_badge_element(data, limits)
    except NotABadge:
        return []
    keyword = KEYWORD_OB3 if element.namespace == NS_OB3 else KEYWORD_OB2
    return [(keyword, svg.element_payload(element))]


def _checked_payload(payload: str) -> str:
    """Strip surrounding blanks (not part of the credential) and refuse what no reader could take."""
    text = payload.strip()
    kind = payload_kind(text)
    if kind is None:
        raise FormatError("Only JSON, a compact JWS/JWT or an https link can be baked")
    return compact_form(text) if kind == "jws" else text


def _require_utf8(image: bytes) -> None:
    """Splicing UTF-8 bytes into a file is only sound when the file is UTF-8 (or ASCII)."""
    declared = _XML_ENCODING.match(image.removeprefix(b"\xef\xbb\xbf"))
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if image.startswith((b"\xff\xfe", b"\xfe\xff")) or encoding not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise FormatError("Only UTF-8 SVG files can be baked; save the image as UTF-8 first")


def _badge_element(text: str, ob3: bool, limits: Limits) -> bytes:
    kind = payload_kind(text)
    if ob3:
        if kind == "json":
            return b"<openbadges:credential>" + _cdata(text) + b"</openbadges:credential>"
        if kind == "jws":
            return b'<openbadges:credential verify="' + _attr(text) + b'"/>'
        raise FormatError("An OB 3.0 badge bakes the credential itself (JSON or JWT), not a link")
    if kind == "json":
        verify = _verify_url(loads_limited(text, limits))
        attr = b' verify="' + _attr(verify) + b'"' if verify else b""
        return b"<openbadges:assertion" + attr + b">" + _cdata(text) + b"</openbadges:assertion>"
    return b'<openbadges:assertion verify="' + _attr(text) + b'"/>'


def _verify_url(doc: Any) -> str | None:
    """OB 2.0 SVG ``verify``: the hosted URL of the assertion, if it has one."""
    return hosted_url(doc) if isinstance(doc, dict) else None


def _cdata(text: str) -> bytes:
    """CDATA that parses back to exactly ``text``."""
    inner = text.replace("]]>", "]]]]><![CDATA[>").replace("\r", "]]>&#13;<![CDATA[")
    return b"<![CDATA[" + inner.encode("utf-8") + b"]]>"


def _attr(value: str) -> bytes:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return escaped.encode("utf-8")


def _with_namespace(start_tag: bytes, namespace: str) -> bytes:
    """Declare ``xmlns:openbadges`` on the root tag, replacing a stale declaration."""
    declaration = b' xmlns:openbadges="' + _attr(namespace) + b'"'
    if _XMLNS_OPENBADGES.search(start_tag):
        return _XMLNS_OPENBADGES.sub(lambda _m: declaration, start_tag, count=1)
    end = len(start_tag) - (2 if start_tag.endswith(b"/>") else 1)
    return start_tag[:end].rstrip() + declaration + start_tag[end:]
