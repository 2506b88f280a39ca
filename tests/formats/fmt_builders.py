"""Builders for the formats tests: real PNGs from Pillow, hand-made chunks and tokens.

Chunks and JWTs are assembled here with ``struct``/``zlib``/``base64``
directly (not with the code under test), so a bug in the parser cannot be
mirrored by the same bug in the fixture.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from PIL import Image
from PIL.PngImagePlugin import PngInfo

DATA = Path(__file__).resolve().parent.parent / "data" / "formats"


def chunk(chunk_type: bytes, data: bytes) -> bytes:
    """A PNG chunk with its CRC, built by hand."""
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))


def itxt(keyword: str, text: str, *, compressed: bool = False, lang: str = "", translated: str = "") -> bytes:
    body = zlib.compress(text.encode()) if compressed else text.encode()
    head = keyword.encode("latin-1") + b"\x00" + bytes([1 if compressed else 0, 0])
    return chunk(b"iTXt", head + lang.encode() + b"\x00" + translated.encode() + b"\x00" + body)


def before_iend(png: bytes, *chunks: bytes) -> bytes:
    """Insert chunks just before IEND (so after IDAT); IEND is always the last 12 bytes."""
    assert png[-8:-4] == b"IEND"
    return png[:-12] + b"".join(chunks) + png[-12:]


def pillow_png(info: PngInfo | None = None, size: tuple[int, int] = (16, 16)) -> bytes:
    """A real PNG written by Pillow's encoder, optionally with text chunks."""
    image = Image.new("RGB", size, (40, 120, 200))
    for x in range(size[0]):
        image.putpixel((x, x % size[1]), (250, 200, 0))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"not-a-real-signature") -> str:
    """A compact JWS with the given parts (never verified by the formats layer)."""
    return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()), b64url(signature)])
