"""PNG chunk walking and baked-badge text extraction (OB 2.0/3.0 Baking).

Every chunk is walked up to IEND — badge chunks may sit before or after IDAT —
and every CRC is checked, so a damaged file is reported rather than half read.
``iTXt`` is split field by field (PNG spec §11.3.4.5), never by regex: a
non-empty language tag or translated keyword must not leak into the payload.
Compressed text is inflated incrementally against a hard output cap.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from wallet.errors import FormatError, LimitExceeded
from wallet.formats.common import BADGE_KEYWORDS, human_bytes
from wallet.limits import Limits

SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")
_MAX_CHUNK_LENGTH = 2**31 - 1  # PNG spec §5.3
_INFLATE_STEP = 64 * 1024


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk: its type, where it starts in the file, and its data."""

    type: bytes
    offset: int  # of the length field
    data: bytes

    @property
    def end(self) -> int:
        return self.offset + 12 + len(self.data)

    @property
    def name(self) -> str:
        return self.type.decode("latin-1")


@dataclass(frozen=True, slots=True)
class BakedText:
    """The text of one ``openbadges``/``openbadgecredential`` chunk."""

    keyword: str
    chunk_type: str  # iTXt | tEXt | zTXt
    text: str


def is_png(data: bytes) -> bool:
    return data.startswith(SIGNATURE)


def build_chunk(chunk_type: bytes, data: bytes) -> bytes:
    """Length, type, data and CRC-32 over type+data."""
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))


def walk_chunks(data: bytes, limits: Limits) -> Iterator[Chunk]:
    """Yield every chunk from IHDR to IEND, checking lengths, CRCs and IHDR size."""
    if not is_png(data):
        raise FormatError("This is not a PNG file (bad signature)")
    pos = len(SIGNATURE)
    count = 0
    while True:
        if pos + 8 > len(data):
            raise FormatError("The PNG file is truncated (it ends before the IEND chunk)")
        length, chunk_type = struct.unpack_from(">I4s", data, pos)
        name = chunk_type.decode("latin-1")
        if not chunk_type.isalpha():
            raise FormatError(f"The PNG file has a damaged chunk header at byte {pos}")
        if length > _MAX_CHUNK_LENGTH or pos + 12 + length > len(data):
            raise FormatError(
                f"The PNG chunk '{name}' at byte {pos} claims {length:,} bytes, "
                f"more than the file holds ({len(data):,} bytes in all)"
            )
        count += 1
        if count > limits.max_png_chunks:
            raise LimitExceeded(f"The PNG file has more than the {limits.max_png_chunks:,}-chunk limit")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        if zlib.crc32(chunk_type + body) != crc:
            raise FormatError(f"The PNG chunk '{name}' at byte {pos} is damaged (CRC mismatch)")
        chunk = Chunk(chunk_type, pos, body)
        if count == 1:
            _check_ihdr(chunk, limits)
        yield chunk
        if chunk_type == b"IEND":
            return
        pos = chunk.end


def _check_ihdr(chunk: Chunk, limits: Limits) -> None:
    if chunk.type != b"IHDR" or len(chunk.data) != 13:
        raise FormatError("The PNG file does not start with a valid IHDR chunk")
    width, height = struct.unpack_from(">II", chunk.data)
    if width == 0 or height == 0:
        raise FormatError("The PNG image has a zero width or height")
    if width * height > limits.max_image_pixels:
        raise LimitExceeded(
            f"The PNG image is {width:,} × {height:,} pixels, over the "
            f"{limits.max_image_pixels / 1_000_000:g} megapixel limit"
        )


def chunk_keyword(chunk: Chunk) -> str | None:
    """The keyword of a text chunk (Latin-1, 1–79 bytes, then NUL), or None."""
    if chunk.type not in TEXT_CHUNKS:
        return None
    end = chunk.data.find(b"\x00", 0, 80)
    if end < 1:
        return None
    return chunk.data[:end].decode("latin-1")


def is_badge_chunk(chunk: Chunk) -> bool:
    return chunk_keyword(chunk) in BADGE_KEYWORDS


def extract_baked_texts(data: bytes, limits: Limits) -> list[BakedText]:
    """The first text chunk of each badge keyword, in file order.

    A keyword must appear once (baking specs); if it repeats, the first wins.
    """
    found: dict[str, BakedText] = {}
    for chunk in walk_chunks(data, limits):
        keyword = chunk_keyword(chunk)
        if keyword in BADGE_KEYWORDS and keyword not in found:
            found[keyword] = BakedText(keyword, chunk.name, decode_text_chunk(chunk, keyword, limits))
    return list(found.values())


def decode_text_chunk(chunk: Chunk, keyword: str, limits: Limits) -> str:
    """Decode a tEXt, zTXt or iTXt body whose keyword is already known."""
    rest = chunk.data[len(keyword) + 1 :]
    if chunk.type == b"tEXt":
        return _decode_legacy_text(rest)
    if chunk.type == b"zTXt":
        if not rest or rest[0] != 0:
            raise FormatError(f"The PNG zTXt chunk '{keyword}' uses an unknown compression method")
        return _decode_legacy_text(inflate_capped(rest[1:], limits, keyword))
    return _decode_itxt(rest, keyword, limits)


def _decode_itxt(rest: bytes, keyword: str, limits: Limits) -> str:
    """compression flag, method, language tag NUL, translated keyword NUL, text."""
    if len(rest) < 4:
        raise FormatError(f"The PNG iTXt chunk '{keyword}' is too short")
    flag, method = rest[0], rest[1]
    lang_end = rest.find(b"\x00", 2)
    if lang_end < 0:
        raise FormatError(f"The PNG iTXt chunk '{keyword}' has no end to its language tag")
    translated_end = rest.find(b"\x00", lang_end + 1)
    if translated_end < 0:
        raise FormatError(f"The PNG iTXt chunk '{keyword}' has no end to its translated keyword")
    body = rest[translated_end + 1 :]
    if flag == 1:
        if method != 0:
            raise FormatError(f"The PNG iTXt chunk '{keyword}' uses an unknown compression method")
        body = inflate_capped(body, limits, keyword)
    elif flag != 0:
        raise FormatError(f"The PNG iTXt chunk '{keyword}' has an invalid compression flag")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(f"The PNG iTXt chunk '{keyword}' is not valid UTF-8 text") from None


def _decode_legacy_text(raw: bytes) -> str:
    """tEXt/zTXt are Latin-1 by the PNG spec; bakers that wrote UTF-8 are read as UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def inflate_capped(compressed: bytes, limits: Limits, keyword: str) -> bytes:
    """zlib-inflate in steps, never producing more than ``max_inflated_bytes``.

    ``decompressobj.decompress(data, max_length)`` stops at the cap, so a
    bomb costs at most the cap in memory and time, whatever it claims.
    """
    cap = limits.max_inflated_bytes
    inflater = zlib.decompressobj()
    out = bytearray()
    try:
        for start in range(0, len(compressed), _INFLATE_STEP):
            pending = compressed[start : start + _INFLATE_STEP]
            while pending:
                out += inflater.decompress(pending, cap + 1 - len(out))
                if len(out) > cap:
                    raise _too_big(keyword, cap)
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error as exc:
        raise FormatError(f"The compressed PNG text chunk '{keyword}' is damaged", detail=str(exc)) from None
    # Output below the cap means inflate stopped for want of input, so nothing is left buffered.
    if not inflater.eof:
        raise FormatError(f"The compressed PNG text chunk '{keyword}' is truncated")
    return bytes(out)


def _too_big(keyword: str, cap: int) -> LimitExceeded:
    return LimitExceeded(
        f"The compressed PNG text chunk '{keyword}' inflates past the {human_bytes(cap)} decompressed-size limit"
    )
