"""Property test: any bytes → a list of credentials or a FormatError, quickly.

Seeds are valid baked PNG/SVG files and JSON/JWT text; hypothesis flips,
deletes, inserts and truncates bytes in them, and also feeds plain random
bytes.  Anything other than ``list[Credential]`` or ``FormatError`` (or a
call slower than the deadline) fails the test.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from fmt_builders import DATA, make_jwt, pillow_png
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallet.errors import FormatError
from wallet.formats import bake_png, bake_svg, parse
from wallet.model import Credential

FUZZ = settings(
    max_examples=400,
    deadline=timedelta(seconds=1),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@cache
def seeds() -> tuple[bytes, ...]:
    ob3 = (DATA / "ob3_basic.json").read_text("utf-8")
    ob2 = (DATA / "ob2_assertion_embedded.json").read_text("utf-8")
    svg = (DATA / "plain_badge.svg").read_bytes()
    jwt = make_jwt({"alg": "EdDSA", "typ": "vc+jwt"}, {"@context": [], "type": "VerifiableCredential", "name": "x"})
    png = pillow_png(size=(4, 4))
    return (
        bake_png(png, ob3, ob3=True),
        bake_png(png, ob2, ob3=False),
        bake_svg(svg, ob3, ob3=True),
        bake_svg(svg, jwt, ob3=True),
        (DATA / "ob2_baked_spec.svg").read_bytes(),
        (DATA / "clr_realistic.json").read_bytes(),
        ob3.encode(),
        jwt.encode(),
        (DATA / "ob2_signed_spec.jws").read_bytes(),
    )


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds())))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 16))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "truncate":
            del data[pos:]
        else:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 64))]
    return bytes(data)


def _check(data: bytes) -> None:
    try:
        result = parse(data, "fuzz")
    except FormatError:
        return
    assert isinstance(result, list)
    assert all(isinstance(c, Credential) for c in result)


@FUZZ
@given(mutated())
def test_mutated_badges_never_crash(data: bytes) -> None:
    _check(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_never_crash(data: bytes) -> None:
    _check(data)


@FUZZ
@given(st.sampled_from([b"\x89PNG\r\n\x1a\n", b"<svg ", b"{", b"[", b"eyJ", b"https://", b"PK\x03\x04"]), st.binary())
def test_magic_prefixes_never_crash(prefix: bytes, rest: bytes) -> None:
    _check(prefix + rest)
