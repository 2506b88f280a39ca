"""Baking: byte-identical round trips and replacement of existing badge data."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable, Iterator

import pytest
from fmt_builders import before_iend, chunk, itxt, pillow_png
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from wallet.errors import FormatError
from wallet.formats import bake_png, bake_svg, extract_payloads, parse
from wallet.model import FORMAT_OB2_HOSTED, FORMAT_OB2_SIGNED, FORMAT_OB3_JSON, FORMAT_OB3_JWT

Reader = Callable[[str], bytes]


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(type, data) of each chunk, read independently of the code under test."""
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack_from(">I", data, pos + 8 + length)
        assert zlib.crc32(kind + body) == crc
        yield kind, body
        pos += 12 + length


@pytest.fixture(scope="module")
def payloads(ob2_json: str, ob2_jws: str, ob3_json: str, ob3_jwt: str) -> dict[str, tuple[str, bool, str]]:
    return {
        "ob2-json": (ob2_json.strip(), False, FORMAT_OB2_HOSTED),
        "ob2-jws": (ob2_jws, False, FORMAT_OB2_SIGNED),
        "ob3-json": (ob3_json.strip(), True, FORMAT_OB3_JSON),
        "ob3-jwt": (ob3_jwt, True, FORMAT_OB3_JWT),
    }


@pytest.mark.parametrize("kind", ["ob2-json", "ob2-jws", "ob3-json", "ob3-jwt"])
def test_png_round_trip(kind: str, payloads: dict[str, tuple[str, bool, str]], plain_png: bytes) -> None:
    payload, ob3, fmt = payloads[kind]
    baked = bake_png(plain_png, payload, ob3=ob3)
    [cred] = parse(baked)
    assert cred.payload == payload
    assert cred.format == fmt
    kinds = [k for k, _ in _chunks(baked)]
    assert kinds[:2] == [b"IHDR", b"iTXt"]  # right after IHDR
    keyword, _, rest = dict(_chunks(baked))[b"iTXt"].partition(b"\x00")
    assert keyword == (b"openbadgecredential" if ob3 else b"openbadges")
    assert rest[:4] == b"\x00\x00\x00\x00"  # uncompressed, no language tag or translated keyword
    Image.open(__import__("io").BytesIO(baked)).load()  # Pillow still reads the image


@pytest.mark.parametrize("kind", ["ob2-json", "ob2-jws", "ob3-json", "ob3-jwt"])
def test_svg_round_trip(kind: str, payloads: dict[str, tuple[str, bool, str]], read_data: Reader) -> None:
    payload, ob3, fmt = payloads[kind]
    image = read_data("plain_badge.svg")
    baked = bake_svg(image, payload, ob3=ob3)
    [cred] = parse(baked)
    assert cred.payload == payload
    assert cred.format == fmt
    assert baked.endswith(image[image.index(b"<defs>") :])  # the artwork is untouched
    ns = b"https://purl.imsglobal.org/ob/v3p0" if ob3 else b"http://openbadges.org"
    assert b'xmlns:openbadges="' + ns + b'"' in baked


def test_svg_element_directly_after_svg_tag(ob3_json: str, read_data: Reader) -> None:
    baked = bake_svg(read_data("plain_badge.svg"), ob3_json, ob3=True)
    root_tag = b'data-note="a > inside an attribute" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
    assert baked[baked.index(root_tag) + len(root_tag) :].startswith(b"<openbadges:credential><![CDATA[{")


def test_svg_ob2_json_gets_verify_url(ob2_json: str, read_data: Reader) -> None:
    baked = bake_svg(read_data("plain_badge.svg"), ob2_json, ob3=False)
    assert b'<openbadges:assertion verify="https://example.org/beths-robotics-badge.json"><![CDATA[' in baked


def test_svg_cdata_terminator_and_carriage_returns_survive(read_data: Reader, ob3_json: str) -> None:
    doc = json.loads(ob3_json)
    doc["description"] = "tricky ]]> text & <tags>"
    payload = json.dumps(doc, indent=2).replace("\n", "\r\n")
    baked = bake_svg(read_data("plain_badge.svg"), payload, ob3=True)
    [cred] = parse(baked)
    assert cred.payload == payload
    assert cred.description == "tricky ]]> text & <tags>"


def test_png_unicode_payload_round_trip(plain_png: bytes, ob3_json: str) -> None:
    doc = json.loads(ob3_json) | {"name": "Zusammenarbeit – Teamwork ✓ 協力"}
    payload = json.dumps(doc, ensure_ascii=False)
    [cred] = parse(bake_png(plain_png, payload, ob3=True))
    assert cred.payload == payload
    assert cred.name == "Zusammenarbeit – Teamwork ✓ 協力"


def test_png_rebake_drops_every_old_badge_chunk(ob2_json: str, ob3_json: str) -> None:
    info = PngInfo()
    info.add_text("openbadges", "https://example.org/old")  # tEXt
    info.add_text("openbadgecredential", ob3_json, zip=True)  # zTXt
    info.add_itxt("openbadges", ob2_json)  # iTXt
    info.add_text("Software", "Pillow")
    image = before_iend(pillow_png(info), itxt("openbadgecredential", ob3_json))
    baked = bake_png(image, ob3_json, ob3=True)
    texts = [(k, body.split(b"\x00", 1)[0]) for k, body in _chunks(baked) if k in (b"tEXt", b"zTXt", b"iTXt")]
    assert texts == [(b"iTXt", b"openbadgecredential"), (b"tEXt", b"Software")]
    assert [c.format for c in parse(baked)] == [FORMAT_OB3_JSON]
    assert bake_png(baked, ob3_json, ob3=True) == baked  # idempotent


def test_png_other_chunks_copied_verbatim(plain_png: bytes, ob3_json: str) -> None:
    image = before_iend(plain_png, chunk(b"tIME", bytes([7, 232, 1, 2, 3, 4, 5])))
    baked = bake_png(image, ob3_json, ob3=True)
    original = [c for c in _chunks(image)]
    kept = [c for c in _chunks(baked) if c[0] != b"iTXt"]
    assert kept == original


def test_svg_rebake_replaces_old_element(read_data: Reader, ob2_jws: str, ob3_jwt: str) -> None:
    spec_svg = read_data("ob2_baked_spec.svg")
    baked = bake_svg(spec_svg, ob3_jwt, ob3=True)
    assert baked.count(b"openbadges:assertion") == 0
    assert baked.count(b"<openbadges:credential") == 1
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    assert b"http://openbadges.org" not in baked
    [cred] = parse(baked)
    assert cred.payload == ob3_jwt
    rebaked = bake_svg(baked, ob2_jws, ob3=False)
    assert [c.format for c in parse(rebaked)] == [FORMAT_OB2_SIGNED]
    assert rebaked.count(b"openbadges:") == 1


def test_self_closing_svg_root(ob3_jwt: str) -> None:
    baked = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', ob3_jwt, ob3=True)
    assert baked.endswith(b"/></svg>")
    assert parse(baked)[0].payload == ob3_jwt


def test_extract_payloads(plain_png: bytes, read_data: Reader, ob3_json: str) -> None:
    assert extract_payloads(bake_png(plain_png, ob3_json, ob3=True)) == [("openbadgecredential", ob3_json.strip())]
    [(keyword, payload)] = extract_payloads(read_data("ob2_baked_spec.svg"))
    assert keyword == "openbadges" and payload.startswith("{")
    assert extract_payloads(read_data("plain_badge.svg")) == []
    assert extract_payloads(plain_png) == []


@pytest.mark.parametrize("payload", ["", "   ", "hello", "<xml/>"])
def test_unbakeable_payloads(payload: str, plain_png: bytes) -> None:
    with pytest.raises(FormatError, match="can be baked"):
        bake_png(plain_png, payload, ob3=False)


def test_ob3_link_is_not_baked(read_data: Reader) -> None:
    with pytest.raises(FormatError, match="not a link"):
        bake_svg(read_data("plain_badge.svg"), "https://example.org/a", ob3=True)


def test_non_utf8_svg_is_not_baked(ob3_jwt: str) -> None:
    svg = b'<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    with pytest.raises(FormatError, match="UTF-8"):
        bake_svg(svg, ob3_jwt, ob3=True)


def test_broken_png_is_not_baked(plain_png: bytes, ob3_jwt: str) -> None:
    with pytest.raises(FormatError, match="CRC"):
        bake_png(plain_png[:20] + bytes([plain_png[20] ^ 0xFF]) + plain_png[21:], ob3_jwt, ob3=True)
