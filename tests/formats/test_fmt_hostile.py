"""One test per hostile input: each is refused with a message naming the problem, in under a second.

Expensive inputs (bombs) are built in module fixtures so only the parse is timed.
"""

from __future__ import annotations

import http.server
import io
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fmt_builders import before_iend, chunk, itxt, pillow_png
from PIL.PngImagePlugin import PngInfo

from wallet.errors import FormatError, LimitExceeded
from wallet.formats import NotABadge, parse, parse_archive
from wallet.limits import MB

SECOND = 1.0


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def refused(data: bytes, error: type[FormatError], message: str) -> None:
    """Assert ``parse`` refuses ``data`` with ``error`` and ``message``, within a second."""
    start = time.perf_counter()
    with pytest.raises(error) as info:
        parse(data, "hostile")
    elapsed = time.perf_counter() - start
    assert message in info.value.user_message
    assert info.value.user_message.startswith("hostile: ")
    assert elapsed < SECOND, f"took {elapsed:.2f}s"


@pytest.fixture(scope="module")
def itxt_bomb() -> bytes:
    """A compressed iTXt that inflates to 64 MB of spaces (about 64 KB compressed)."""
    compressor = zlib.compressobj(9)
    block = b" " * MB
    body = compressor.compress(b"{") + b"".join(compressor.compress(block) for _ in range(64)) + compressor.flush()
    head = b"openbadgecredential\x00\x01\x00\x00\x00"
    return before_iend(pillow_png(), chunk(b"iTXt", head + body))


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """One 100 MB entry of zeros, deflated to about 100 KB (ratio ~1000)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("badge.json", "w") as entry:
        block = b"\x00" * MB
        for _ in range(100):
            entry.write(block)
    return out.getvalue()


def test_file_over_20_mb() -> None:
    refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * (20 * MB), LimitExceeded, "File is larger than the 20 MB limit")


def test_decompression_bomb_in_compressed_itxt(itxt_bomb: bytes) -> None:
    assert len(itxt_bomb) < 2 * MB
    refused(itxt_bomb, LimitExceeded, "inflates past the 5 MB decompressed-size limit")


def test_400_megapixel_ihdr() -> None:
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0))
    data = b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    refused(data, LimitExceeded, "20,000 × 20,000 pixels, over the 50 megapixel limit")


def test_chunk_length_past_end_of_file(ob3_json: str) -> None:
    info = PngInfo()
    info.add_itxt("openbadgecredential", ob3_json)
    data = bytearray(pillow_png(info))
    pos = data.index(b"iTXt") - 4
    data[pos : pos + 4] = struct.pack(">I", 0x7FFF_FFF0)
    refused(
        bytes(data), FormatError, "PNG chunk 'iTXt' at byte 33 claims 2,147,483,632 bytes, more than the file holds"
    )


def test_bad_crc(plain_png: bytes, ob3_json: str) -> None:
    data = bytearray(before_iend(plain_png, itxt("openbadgecredential", ob3_json)))
    data[data.index(b"Teamwork")] ^= 0x20
    refused(bytes(data), FormatError, "PNG chunk 'iTXt'")
    refused(bytes(data), FormatError, "is damaged (CRC mismatch)")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
  <openbadges:assertion>&lol9;</openbadges:assertion>
</svg>
"""


def test_xml_billion_laughs() -> None:
    refused(BILLION_LAUGHS, FormatError, "declares XML entities, which are refused")


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        body = b'<!ENTITY leak "fetched">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def dtd_server() -> Iterator[str]:
    """A local HTTP server that counts requests: any fetch of the DTD would show up."""
    _CountingHandler.hits = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/evil.dtd"
    finally:
        server.shutdown()
        server.server_close()


def test_external_dtd_is_refused_and_never_fetched(dtd_server: str) -> None:
    svg = (
        f'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "{dtd_server}">'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        "<openbadges:assertion>&leak;</openbadges:assertion></svg>"
    ).encode()
    refused(svg, FormatError, f"refers to an external DTD or entity ({dtd_server}), which is refused and never fetched")
    assert _CountingHandler.hits == 0


def test_external_entity_to_local_file_and_url(tmp_path: Path, dtd_server: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    for target in (secret.as_uri(), dtd_server):
        svg = (
            f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "{target}">]>'
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
            "<openbadges:assertion>&xxe;</openbadges:assertion></svg>"
        ).encode()
        start = time.perf_counter()
        with pytest.raises(FormatError) as info:
            parse(svg, "xxe.svg")
        assert time.perf_counter() - start < SECOND
        assert "declares XML entities, which are refused" in info.value.user_message
        assert "TOP-SECRET" not in info.value.user_message + info.value.detail
    assert _CountingHandler.hits == 0


def test_standard_svg_doctype_is_still_accepted(read_data: Callable[[str], bytes]) -> None:
    """The SVG 1.1 public DTD is declared by many editors; it is allowed but never loaded."""
    with pytest.raises(NotABadge):
        parse(read_data("plain_badge.svg"))


def test_json_nested_100000_deep() -> None:
    refused(b"[" * 100_000 + b"]" * 100_000, LimitExceeded, "nested deeper than the 64-level limit")
    refused(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, LimitExceeded, "nested deeper than the 64-level limit")


def test_json_nesting_inside_png_and_jwt(plain_png: bytes) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    refused(before_iend(plain_png, itxt("openbadges", deep)), LimitExceeded, "nested deeper than the 64-level limit")
    import base64

    payload = base64.urlsafe_b64encode(deep.encode()).rstrip(b"=")
    refused(b"eyJhbGciOiJub25lIn0." + payload + b".", LimitExceeded, "nested deeper than the 64-level limit")


def test_brackets_inside_strings_do_not_count() -> None:
    text = b'{"@context": "' + b"[" * 100_000 + b'", "type": "Thing"}'
    refused(text, NotABadge, "not a badge")


def test_zip_bomb(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 1 * MB
    start = time.perf_counter()
    [outcome] = parse_archive(zip_bomb, "bomb.zip")
    assert time.perf_counter() - start < SECOND
    assert outcome.status == "rejected"
    assert "expands more than 100 times its compressed size" in (outcome.reason or "")


def test_zip_bomb_with_lying_header(zip_bomb: bytes) -> None:
    """Headers claiming a tiny size must not make the reader trust it."""
    data = bytearray(zip_bomb)
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.index(signature)
        data[pos + size_at : pos + size_at + 4] = struct.pack("<I", 100)
    start = time.perf_counter()
    [outcome] = parse_archive(bytes(data), "liar.zip")
    assert time.perf_counter() - start < SECOND
    assert outcome.status == "rejected"
    assert "damaged (Bad CRC-32" in (outcome.reason or "")  # read only as far as claimed, then caught


def test_zip_with_too_many_entries() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for i in range(2_001):
            archive.writestr(f"{i}.json", b"{}")
    data = out.getvalue()
    start = time.perf_counter()
    [outcome] = parse_archive(data, "many.zip")
    assert time.perf_counter() - start < SECOND
    assert outcome.name == "many.zip"
    assert outcome.status == "rejected"
    assert outcome.reason == "The ZIP archive has more than the 2,000-entry limit"


def test_png_without_badge(plain_png: bytes) -> None:
    refused(plain_png, NotABadge, "The PNG image contains no badge")


def test_png_with_too_many_chunks(plain_png: bytes) -> None:
    data = before_iend(plain_png, *([chunk(b"tEXt", b"k\x00v")] * 10_001))
    refused(data, LimitExceeded, "more than the 10,000-chunk limit")
