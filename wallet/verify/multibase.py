"""Multibase and multicodec, just the parts verification meets (W3C CID §Multibase, §Multikey).

* ``z`` + base58btc (Bitcoin alphabet) – Multikey public keys, Data Integrity
  ``proofValue``, did:key identifiers.
* ``u`` + base64url without padding – Bitstring Status List ``encodedList``.
* Multicodec: an unsigned LEB128 varint code in front of the key bytes.
  ``0xed`` Ed25519 (bytes ``ed 01``), ``0x1200`` P-256 (``80 24``),
  ``0x1201`` P-384 (``81 24``).

Decoders are strict (unknown characters, wrong prefixes and truncated varints
raise ``ValueError``) because every input here comes from a credential that may
be hostile.
"""

from __future__ import annotations

import base64
import binascii

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}

ED25519_PUB = 0xED
P256_PUB = 0x1200
P384_PUB = 0x1201
SECP256K1_PUB = 0xE7
X25519_PUB = 0xEC
ED25519_PRIV = 0x1300
P256_PRIV = 0x1306
P384_PRIV = 0x1307

# Raw key length per multicodec code (did:key decode algorithm).
KEY_LENGTHS = {
    ED25519_PUB: 32,
    P256_PUB: 33,
    P384_PUB: 49,
    SECP256K1_PUB: 33,
    X25519_PUB: 32,
}

MAX_ENCODED_CHARS = 4096  # far above any key or signature; keeps base58 (quadratic) cheap


def b58encode(data: bytes) -> str:
    """Base58btc without the multibase prefix; leading zero bytes become ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(B58_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Inverse of ``b58encode``; rejects characters outside the alphabet."""
    if len(text) > MAX_ENCODED_CHARS:
        raise ValueError("base58 value is too long")
    number = 0
    for char in text:
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise ValueError(f"invalid base58 character {char!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """base64url with optional padding; anything else (``+``, ``/``, junk) raises ``ValueError``."""
    stripped = text.rstrip("=")
    if any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in stripped):
        raise ValueError("invalid base64url character")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("invalid base64url value") from exc


def encode(data: bytes, base: str = "z") -> str:
    """Multibase-encode ``data`` as ``z`` (base58btc) or ``u`` (base64url)."""
    if base == "z":
        return "z" + b58encode(data)
    if base == "u":
        return "u" + b64url_encode(data)
    raise ValueError(f"unsupported multibase prefix {base!r}")


def decode(value: str) -> bytes:
    """Decode a ``z`` or ``u`` multibase string."""
    if not isinstance(value, str) or not value:
        raise ValueError("multibase value must be a non-empty string")
    prefix, rest = value[0], value[1:]
    if prefix == "z":
        return b58decode(rest)
    if prefix == "u":
        return b64url_decode(rest)
    raise ValueError(f"unsupported multibase prefix {prefix!r}")


def varint_encode(code: int) -> bytes:
    """Unsigned LEB128 (multiformats unsigned-varint)."""
    if code < 0:
        raise ValueError("varint must be non-negative")
    out = bytearray()
    while True:
        byte = code & 0x7F
        code >>= 7
        if code:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def varint_decode(data: bytes) -> tuple[int, int]:
    """Return ``(code, bytes_used)``; at most 9 bytes and minimal encoding (multiformats rule)."""
    code = 0
    for i, byte in enumerate(data[:9]):
        code |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            if i > 0 and byte == 0:
                raise ValueError("varint is not minimally encoded")
            return code, i + 1
    raise ValueError("truncated varint")


def multicodec_wrap(code: int, key: bytes) -> bytes:
    return varint_encode(code) + key


def multicodec_unwrap(data: bytes) -> tuple[int, bytes]:
    code, used = varint_decode(data)
    return code, data[used:]


def encode_multikey(code: int, key: bytes) -> str:
    """``z`` + base58btc(varint(code) + key) – the Multikey ``publicKeyMultibase`` form."""
    return encode(multicodec_wrap(code, key), "z")


def decode_multikey(value: str) -> tuple[int, bytes]:
    """Decode a Multikey value; the raw key length must match its codec when the codec is known."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("Multikey values must be base58btc (start with 'z')")
    code, key = multicodec_unwrap(decode(value))
    expected = KEY_LENGTHS.get(code)
    if expected is not None and len(key) != expected:
        raise ValueError(f"invalid public key length {len(key)} for multicodec 0x{code:x} (expected {expected})")
    return code, key
