"""Baked PNGs: Pillow-written files, hand-placed chunks, legacy and compressed text."""

from __future__ import annotations

import json

import pytest
from fmt_builders import before_iend, chunk, itxt, pillow_png
from PIL.PngImagePlugin import PngInfo

from wallet.errors import FormatError
from wallet.formats import NotABadge, extract_payloads, parse
from wallet.model import FORMAT_OB2_HOSTED, FORMAT_OB2_SIGNED, FORMAT_OB3_JSON, FORMAT_OB3_JWT


def _info(kind: str, key: str, value: str, **kwargs: object) -> PngInfo:
    info = PngInfo()
    getattr(info, kind)(key, value, **kwargs)
    return info


def test_pillow_itxt_ob3_json(ob3_json: str) -> None:
    data = pillow_png(_info("add_itxt", "openbadgecredential", ob3_json))
    [cred] = parse(data, "teamwork.png")
    assert cred.format == FORMAT_OB3_JSON
    assert cred.container == "png"
    assert cred.payload == ob3_json.strip()
    assert cred.original == data
    assert cred.source_name == "teamwork.png"
    assert cred.achievement.name == "Teamwork"


def test_pillow_itxt_ob2_json(ob2_json: str) -> None:
    [cred] = parse(pillow_png(_info("add_itxt", "openbadges", ob2_json)), "robot.png")
    assert cred.format == FORMAT_OB2_HOSTED
    assert cred.spec_version == "2.0"
    assert cred.issuer.name == "An Example Badge Issuer"
    assert cred.hosted_url == "https://example.org/beths-robotics-badge.json"


def test_pillow_compressed_itxt_is_inflated(ob3_json: str) -> None:
    data = pillow_png(_info("add_itxt", "openbadgecredential", ob3_json, zip=True))
    assert b"Teamwork" not in data  # really compressed
    [cred] = parse(data)
    assert cred.payload == ob3_json.strip()


def test_pillow_ztxt_is_read(ob2_json: str) -> None:
    [cred] = parse(pillow_png(_info("add_text", "openbadges", ob2_json, zip=True)))
    assert cred.id == "https://example.org/beths-robotics-badge.json"


def test_legacy_text_chunk_with_hosted_url() -> None:
    url = "https://example.org/assertions/legacy-1.json"
    [cred] = parse(pillow_png(_info("add_text", "openbadges", url)), "legacy.png")
    assert cred.format == FORMAT_OB2_HOSTED
    assert cred.hosted_url == url
    assert cred.document == {}
    assert cred.container == "png"


def test_ob2_signed_jws_in_itxt(ob2_jws: str) -> None:
    [cred] = parse(pillow_png(_info("add_itxt", "openbadges", ob2_jws)))
    assert cred.format == FORMAT_OB2_SIGNED
    assert cred.payload == ob2_jws
    assert cred.jwt_header == {"alg": "RS256"}
    assert cred.is_jwt


def test_ob3_jwt_in_itxt(ob3_jwt: str) -> None:
    [cred] = parse(pillow_png(_info("add_itxt", "openbadgecredential", ob3_jwt)))
    assert cred.format == FORMAT_OB3_JWT
    assert cred.payload == ob3_jwt


def test_chunk_after_idat_is_found(plain_png: bytes, ob3_json: str) -> None:
    data = before_iend(plain_png, itxt("openbadgecredential", ob3_json))
    assert data.index(b"iTXt") > data.index(b"IDAT")
    [cred] = parse(data)
    assert cred.id == "http://example.com/credentials/3527"


def test_itxt_fields_parsed_not_regexed(plain_png: bytes, ob3_json: str) -> None:
    """A language tag and translated keyword must not leak into the payload."""
    data = before_iend(plain_png, itxt("openbadgecredential", ob3_json, lang="en-GB", translated="Open Badge"))
    [cred] = parse(data)
    assert cred.payload == ob3_json.strip()


def test_both_ob2_and_ob3_chunks_give_two_credentials(plain_png: bytes, ob2_json: str, ob3_json: str) -> None:
    data = before_iend(plain_png, itxt("openbadges", ob2_json), itxt("openbadgecredential", ob3_json))
    creds = parse(data)
    assert [c.format for c in creds] == [FORMAT_OB2_HOSTED, FORMAT_OB3_JSON]
    assert [k for k, _ in extract_payloads(data)] == ["openbadges", "openbadgecredential"]


def test_repeated_keyword_uses_first(plain_png: bytes, ob3_json: str) -> None:
    other = json.loads(ob3_json) | {"id": "urn:uuid:second"}
    data = before_iend(plain_png, itxt("openbadgecredential", ob3_json), itxt("openbadgecredential", json.dumps(other)))
    [cred] = parse(data)
    assert cred.id == "http://example.com/credentials/3527"


def test_unrelated_text_chunks_are_ignored(ob3_json: str) -> None:
    info = PngInfo()
    info.add_text("Software", "Pillow")
    info.add_itxt("Description", "not a badge", zip=True)
    info.add_itxt("openbadgecredential", ob3_json)
    [cred] = parse(pillow_png(info))
    assert cred.name == "Teamwork Badge"


def test_png_without_badge_is_not_a_badge(plain_png: bytes) -> None:
    with pytest.raises(NotABadge, match="contains no badge"):
        parse(plain_png, "photo.png")


def test_badge_chunk_with_garbage_text(plain_png: bytes) -> None:
    with pytest.raises(FormatError, match="neither JSON, a link, nor a compact JWS"):
        parse(before_iend(plain_png, itxt("openbadges", "hello world")))


def test_link_in_ob3_chunk_is_refused(plain_png: bytes) -> None:
    with pytest.raises(FormatError, match=r"OB 3\.0"):
        parse(before_iend(plain_png, itxt("openbadgecredential", "https://example.org/x")))


def test_invalid_compression_flag(plain_png: bytes) -> None:
    bad = chunk(b"iTXt", b"openbadges\x00\x07\x00\x00\x00{}")
    with pytest.raises(FormatError, match="invalid compression flag"):
        parse(before_iend(plain_png, bad))


def test_truncated_itxt_fields(plain_png: bytes) -> None:
    with pytest.raises(FormatError, match="iTXt"):
        parse(before_iend(plain_png, chunk(b"iTXt", b"openbadges\x00\x00\x00en")))


def test_damaged_compressed_text(plain_png: bytes) -> None:
    bad = chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + b"not zlib at all")
    with pytest.raises(FormatError, match="damaged"):
        parse(before_iend(plain_png, bad))


def test_missing_iend_is_truncated(ob3_json: str) -> None:
    data = pillow_png(_info("add_itxt", "openbadgecredential", ob3_json))
    with pytest.raises(FormatError, match="truncated"):
        parse(data[:-12])


def test_error_message_names_the_file(plain_png: bytes) -> None:
    with pytest.raises(NotABadge) as info:
        parse(plain_png, "holiday.png")
    assert info.value.user_message.startswith("holiday.png: ")
