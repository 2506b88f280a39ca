"""``parse(bytes, name) -> list[Credential]``: the one entry point for a file.

The kind of input is sniffed from its content (magic bytes, first
non-blank character), never from the file name: badges get renamed, and a
``.json`` may hold a JWT.  Every failure leaves as ``FormatError`` (or its
subclasses ``LimitExceeded`` and ``NotABadge``) with the file name in front
of a message a user can act on; no other exception type escapes.
"""

from __future__ import annotations

from wallet.errors import FormatError, NotABadge
from wallet.formats import png, svg
from wallet.formats.common import (
    KEYWORD_OB2,
    KEYWORD_OB3,
    NS_OB3,
    ParseContext,
    check_size,
    payload_kind,
    with_prefix,
)
from wallet.formats.dispatch import credentials_from_text
from wallet.limits import DEFAULT_LIMITS, Limits
from wallet.model import Credential

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OTHER_KINDS = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"RIFF", "a RIFF file (WebP, WAV or AVI)"),
    (b"\x1f\x8b", "a gzip file"),
    (b"BM", "a BMP image"),
)


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def parse(data: bytes, name: str = "", limits: Limits = DEFAULT_LIMITS) -> list[Credential]:
    """Every credential in one file: baked PNG/SVG, JSON, JWT text or a link.

    A bare ``https://…`` link becomes one ``ob2-hosted`` credential with
    ``hosted_url`` set and an empty ``document``; the importer fetches it.
    ZIP archives are refused here: use ``parse_archive``/``parse_path``,
    which report on each entry.
    """
    try:
        return parse_content(data, name, limits)
    except FormatError as exc:
        labelled = with_prefix(exc, name)
        if labelled is exc:
            raise
        raise labelled from exc


def parse_content(data: bytes, name: str = "", limits: Limits = DEFAULT_LIMITS) -> list[Credential]:
    """``parse`` without the file name in front of error messages (for per-entry reports)."""
    try:
        return _parse(data, name, limits)
    except FormatError:
        raise
    except Exception as exc:  # any decoder surprise is a broken file, not a crash
        message = "The file could not be read as a badge (its data is damaged or of an unexpected shape)"
        raise FormatError(message, detail=repr(exc)) from exc


def _parse(data: bytes, name: str, limits: Limits) -> list[Credential]:
    check_size(len(data), limits.max_file_bytes)
    if png.is_png(data):
        return _parse_png(data, name, limits)
    if is_zip(data):
        raise FormatError("This is a ZIP archive; import it as an archive so each file in it is reported")
    for magic, what in _OTHER_KINDS:
        if data.startswith(magic):
            raise NotABadge(f"This is {what}; badges are baked only into PNG and SVG images")
    if data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<"):
        return _parse_svg(data, name, limits)  # expat honours the declared encoding
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotABadge("This is binary data of an unknown kind, not a badge") from None
    stripped = content.strip()
    if not stripped:
        raise NotABadge("The file is empty")
    kind = payload_kind(stripped)
    if kind is None:
        raise NotABadge(
            "This does not look like a badge: expected a PNG or SVG image, JSON, a compact JWT or an https link"
        )
    container = {"json": "json", "jws": "jwt", "url": "url"}[kind]
    return credentials_from_text(stripped, ParseContext(data, name, container, limits))


def _parse_png(data: bytes, name: str, limits: Limits) -> list[Credential]:
    texts = png.extract_baked_texts(data, limits)
    if not texts:
        raise NotABadge("The PNG image contains no badge (no openbadges or openbadgecredential text chunk)")
    ctx = ParseContext(data, name, "png", limits)
    return [c for baked in texts for c in credentials_from_text(baked.text, ctx, keyword=baked.keyword)]


def _parse_svg(data: bytes, name: str, limits: Limits) -> list[Credential]:
    if not svg.looks_like_svg(data):
        raise NotABadge("This is XML or HTML, not an SVG image")
    element = svg.extract_badge_element(data, limits)
    keyword = KEYWORD_OB3 if element.namespace == NS_OB3 else KEYWORD_OB2
    ctx = ParseContext(data, name, "svg", limits)
    return credentials_from_text(svg.element_payload(element), ctx, keyword=keyword)
