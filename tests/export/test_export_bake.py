"""Baked export: every stored credential round-trips through PNG and SVG to the same payload."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from export_factory import NOW, Wallet, add_file, credential_from, json_bytes, make_issuer, ob3_document, sign
from PIL import Image

from wallet.errors import ExportError
from wallet.export.artwork import generated_png, generated_svg, initials, sniff_image
from wallet.export.bake import export_baked
from wallet.verify import VerifyOptions, verify


@pytest.mark.parametrize("index", [0, 1, 2], ids=["json", "baked-png", "jwt"])
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_round_trip_keeps_the_payload(wallet: Wallet, tmp_path: Path, index: int, suffix: str) -> None:
    record_id = wallet.ids[index]
    stored = wallet.store.get(record_id).credential
    out = tmp_path / f"badge{suffix}"
    export_baked(wallet.store, record_id, out)
    data = out.read_bytes()
    assert sniff_image(data) == ("image/png" if suffix == ".png" else "image/svg+xml")
    again = credential_from(data, out.name)
    assert again.payload == stored.payload
    assert again.format == stored.format
    assert verify(again, VerifyOptions(now=NOW)).verdict == "valid"


def test_a_baked_original_keeps_its_own_picture(wallet: Wallet, tmp_path: Path) -> None:
    out = tmp_path / "again.png"
    export_baked(wallet.store, wallet.ids[1], out)
    before = Image.open(io.BytesIO(wallet.originals[1]))
    after = Image.open(io.BytesIO(out.read_bytes()))
    assert after.size == before.size
    assert after.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()


def test_embedded_data_uri_image_is_used(wallet: Wallet, tmp_path: Path) -> None:
    issuer = make_issuer("art", "Art School")
    art = generated_png("Watercolour", "someone else", size=64)
    import base64

    uri = "data:image/png;base64," + base64.b64encode(art).decode()
    record_id = add_file(
        wallet.store, json_bytes(sign(issuer, ob3_document(issuer, "Watercolour", image=uri))), "w.json"
    )
    out = tmp_path / "w.png"
    export_baked(wallet.store, record_id, out)
    assert Image.open(io.BytesIO(out.read_bytes())).size == (64, 64)


def test_unknown_suffix_is_refused(wallet: Wallet, tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        export_baked(wallet.store, wallet.ids[0], tmp_path / "badge.jpg")
    assert not list(tmp_path.glob("badge*"))


def test_generated_art() -> None:
    assert initials("Introduction to Data Science") == "IDS"
    assert initials("The Art of War") == "AW"
    assert initials("日本語") == "日"
    assert initials("!!!") == "★"
    png = generated_png("Cloud Basics", "did:web:a.example", size=128)
    assert Image.open(io.BytesIO(png)).size == (128, 128)
    # One issuer, one colour: the centre-left pixel of two badges matches.
    other = generated_png("Other", "did:web:a.example", size=128)
    assert Image.open(io.BytesIO(png)).getpixel((12, 64)) == Image.open(io.BytesIO(other)).getpixel((12, 64))
    svg = generated_svg('<b>"x"</b> & co', "i")
    assert b"<b>" not in svg and sniff_image(svg) == "image/svg+xml"
