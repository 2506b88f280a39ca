"""QR codes: render → decode (also scaled down and noisy), the version limit, hostile images."""

from __future__ import annotations

import io
import random
import struct
import time
import zlib
from pathlib import Path

import pytest
from export_factory import rasterise_svg
from PIL import Image, ImageFilter

from wallet.errors import ExportError, LimitExceeded, NotABadge
from wallet.export.qr import MAX_VERSION, decode_qr_image, make_qr, qr_png_bytes, qr_svg_text, qr_version

URLS = [
    "https://badges.example.org/assertions/8d9f0c1e-2b3a-4c5d-9e8f-7a6b5c4d3e2f",
    "https://example.org/p?name=C%2B%2B%20%26%20C%23&x=1#frag",
    "https://例え.jp/バッジ/1",
]


def noisy(png: bytes, *, scale: float, speckle: float, grain: float, seed: int = 7) -> bytes:
    """Like a phone photo of a printed page: smaller, slightly blurred, grainy, with speckles."""
    rng = random.Random(seed)
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    image = image.resize((int(width * scale), int(height * scale)), Image.Resampling.BILINEAR)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    values = [max(0, min(255, int(v + rng.gauss(0, grain)))) for v in image.tobytes()]
    for _ in range(int(len(values) * speckle)):
        i = rng.randrange(len(values))
        values[i] = 255 - values[i]
    image = Image.frombytes("L", image.size, bytes(values))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("url", URLS)
def test_png_round_trip(url: str) -> None:
    assert decode_qr_image(qr_png_bytes(url)) == [url]


@pytest.mark.parametrize("url", URLS)
def test_svg_round_trip(url: str) -> None:
    assert decode_qr_image(rasterise_svg(qr_svg_text(url))) == [url]


@pytest.mark.parametrize("scale", [0.5, 0.35, 0.3])
@pytest.mark.parametrize(("speckle", "grain"), [(0.0, 0.0), (0.02, 0.0), (0.0, 30.0), (0.05, 30.0)])
def test_decodes_after_scaling_down_and_noise(scale: float, speckle: float, grain: float) -> None:
    url = URLS[0]
    assert decode_qr_image(noisy(qr_png_bytes(url), scale=scale, speckle=speckle, grain=grain)) == [url]


def test_the_densest_allowed_code_still_reads_when_small() -> None:
    payload = "https://example.org/" + "a" * 380
    assert qr_version(payload) == MAX_VERSION
    assert decode_qr_image(noisy(qr_png_bytes(payload), scale=0.45, speckle=0.01, grain=20)) == [payload]


def test_several_codes_in_one_image() -> None:
    first, second = (Image.open(io.BytesIO(qr_png_bytes(u))).convert("L") for u in URLS[:2])
    sheet = Image.new("L", (first.width + second.width + 40, max(first.height, second.height)), 255)
    sheet.paste(first, (0, 0))
    sheet.paste(second, (first.width + 40, 0))
    out = io.BytesIO()
    sheet.save(out, "JPEG", quality=80)
    assert sorted(decode_qr_image(out.getvalue())) == sorted(URLS[:2])


def test_version_over_15_is_refused_with_a_reason() -> None:
    ok = "https://example.org/" + "a" * 392  # 412 bytes: the most version 15-M holds
    assert qr_version(ok) == 15
    with pytest.raises(ExportError) as caught:
        qr_png_bytes(ok + "a")
    message = caught.value.user_message
    assert "version 16" in message and "too dense" in message
    with pytest.raises(ExportError):
        qr_svg_text("x" * 5000)  # beyond even version 40


def test_make_qr_by_suffix(tmp_path: Path) -> None:
    make_qr(URLS[1], tmp_path / "code.png")
    make_qr(URLS[1], tmp_path / "code.svg")
    assert decode_qr_image((tmp_path / "code.png").read_bytes()) == [URLS[1]]
    svg = (tmp_path / "code.svg").read_text("utf-8")
    assert svg.startswith("<?xml") and decode_qr_image(rasterise_svg(svg)) == [URLS[1]]
    with pytest.raises(ExportError):
        make_qr(URLS[1], tmp_path / "code.gif")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["code.png", "code.svg"]


def test_svg_title_is_escaped() -> None:
    svg = qr_svg_text("https://x.example", title='<script>"&')
    assert "<script>" not in svg and "&lt;script&gt;&quot;&amp;" in svg


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge image (a decompression bomb's opening)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def test_pixel_bomb_is_refused_before_decoding() -> None:
    started = time.monotonic()
    with pytest.raises(LimitExceeded):
        decode_qr_image(_png_claiming(60_000, 60_000))
    assert time.monotonic() - started < 1.0


def test_not_an_image() -> None:
    with pytest.raises(NotABadge):
        decode_qr_image(b"%PDF-1.7 definitely not an image")


def test_image_without_a_code() -> None:
    out = io.BytesIO()
    Image.new("RGB", (200, 200), (120, 30, 200)).save(out, "PNG")
    assert decode_qr_image(out.getvalue()) == []
