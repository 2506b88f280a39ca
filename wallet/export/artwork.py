"""The picture of a badge, for pages, PDFs and baking.

Where it comes from, best first:

1. the imported file itself when it is a baked PNG or SVG (the issuer's art);
2. the credential's or achievement's ``image`` when it is a ``data:`` URI;
3. a generated one: a coloured disc with the badge's initials.  The colour
   is derived from the issuer, so one issuer's badges look like a family.

Remote ``https`` images are never fetched here: exports must work offline
and must not tell an image host who is looking at a portfolio.  Embedded
images are re-encoded into a data URI of our own making only after their
type has been checked by magic bytes, so a page never carries a ``data:``
URI of some other media type (``text/html``) that an issuer slipped in.
"""

from __future__ import annotations

import base64
import binascii
import colorsys
import hashlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from PIL import Image, ImageDraw, ImageFont

from wallet.limits import DEFAULT_LIMITS, Limits
from wallet.model import Credential

SOURCE_ORIGINAL = "original"
SOURCE_EMBEDDED = "embedded"
SOURCE_GENERATED = "generated"

_SUFFIX = {
    "image/png": ".png",
    "image/svg+xml": ".svg",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
_SMALL_WORDS = {"a", "an", "and", "of", "the", "in", "for", "to", "on", "at", "by", "with", "&", "-", "–", "de", "la"}
_FONT_FILES = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf")


@dataclass(frozen=True, slots=True)
class Artwork:
    """Image bytes with their checked media type and where they came from."""

    data: bytes
    mime: str
    source: str

    @property
    def suffix(self) -> str:
        return _SUFFIX.get(self.mime, ".bin")

    @property
    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def sniff_image(data: bytes) -> str | None:
    """The media type of an image by its first bytes, or None."""
    head = data[:512]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    return None


def badge_artwork(credential: Credential, original: bytes | None = None, *, limits: Limits = DEFAULT_LIMITS) -> Artwork:
    """The best picture for ``credential`` (see module docstring); never fails."""
    source = original if original is not None else credential.original
    mime = sniff_image(source) if source else None
    if source and mime in ("image/png", "image/svg+xml"):
        return Artwork(source, mime, SOURCE_ORIGINAL)
    embedded = embedded_image(credential, limits=limits)
    if embedded is not None:
        return embedded
    return Artwork(
        generated_png(credential.display_name, credential.issuer.id or credential.issuer_name),
        "image/png",
        SOURCE_GENERATED,
    )


def embedded_image(credential: Credential, *, limits: Limits = DEFAULT_LIMITS) -> Artwork | None:
    """The credential's or achievement's image when it is carried inline as a ``data:`` URI."""
    for value in (credential.image, credential.achievement.image):
        if value and value.startswith("data:"):
            decoded = decode_data_uri(value, limits=limits)
            if decoded is not None:
                return Artwork(decoded[0], decoded[1], SOURCE_EMBEDDED)
    return None


def decode_data_uri(uri: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[bytes, str] | None:
    """``(bytes, media type)`` of an image ``data:`` URI, judged by content; None if not an image."""
    if len(uri) > limits.max_file_bytes * 2:
        return None
    header, sep, payload = uri.partition(",")
    if not sep or not header.startswith("data:"):
        return None
    try:
        if header.endswith(";base64"):
            data = base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
        else:
            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None
    if len(data) > limits.max_file_bytes:
        return None
    mime = sniff_image(data)
    return (data, mime) if mime else None


# ------------------------------------------------------------------ generated art


def badge_colour(key: str) -> tuple[int, int, int]:
    """A deep, saturated colour picked by hashing ``key`` (the issuer); white text stays readable on it."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    lightness = 0.36 + digest[2] / 255 * 0.06
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.62)
    return round(red * 255), round(green * 255), round(blue * 255)


def initials(name: str) -> str:
    """Up to three letters from the significant words of ``name`` ("Intro to Data Science" → "IDS")."""
    words = [w for w in re.split(r"[\s/_:,.()\[\]-]+", name) if w]
    significant = [w for w in words if w.lower() not in _SMALL_WORDS] or words
    letters = []
    for word in significant:
        first = next((c for c in word if c.isalnum()), "")
        if first:
            letters.append(first.upper())
        if len(letters) == 3:
            break
    return "".join(letters) or "★"


def generated_png(name: str, issuer_key: str, *, size: int = 512) -> bytes:
    """A simple badge: a disc in the issuer's colour, a light inner ring, the initials in white."""
    scale = 2  # draw large and shrink: Pillow's shapes are not anti-aliased
    big = size * scale
    colour = badge_colour(issuer_key)
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    pad = big * 0.02
    draw.ellipse((pad, pad, big - pad, big - pad), fill=(*colour, 255))
    ring = big * 0.085
    draw.ellipse((ring, ring, big - ring, big - ring), outline=(255, 255, 255, 150), width=max(2, big // 90))
    text = initials(name)
    font = _font(int(big * (0.32 if len(text) <= 2 else 0.26)))
    draw.text((big / 2, big / 2), text, font=font, fill=(255, 255, 255, 255), anchor="mm")
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def generated_svg(name: str, issuer_key: str) -> bytes:
    """The SVG twin of ``generated_png`` (for baking into an .svg when the badge has no art)."""
    red, green, blue = badge_colour(issuer_key)
    text = initials(name)
    font_size = 184 if len(text) <= 2 else 143
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">'
        f"<title>{_xml(name)}</title>"
        f'<circle cx="256" cy="256" r="251" fill="rgb({red},{green},{blue})"/>'
        '<circle cx="256" cy="256" r="212" fill="none" stroke="#fff" stroke-opacity="0.6" stroke-width="6"/>'
        f'<text x="256" y="256" dy="0.35em" text-anchor="middle" fill="#fff" font-size="{font_size}" '
        'font-weight="700" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">'
        f"{_xml(text)}</text></svg>\n"
    ).encode()


def to_png(artwork: Artwork, *, limits: Limits = DEFAULT_LIMITS) -> Artwork | None:
    """A PNG version of a raster ``artwork`` (SVG cannot be rasterised without Qt: None)."""
    if artwork.mime == "image/png":
        return artwork
    if artwork.mime == "image/svg+xml":
        return None
    try:
        with Image.open(io.BytesIO(artwork.data)) as image:
            if image.size[0] * image.size[1] > limits.max_image_pixels:
                return None
            out = io.BytesIO()
            image.convert("RGBA").save(out, "PNG")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return Artwork(out.getvalue(), "image/png", artwork.source)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in _FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _xml(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
