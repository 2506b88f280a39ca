"""The two primitives the store is built from: sealing bytes and deriving keys.

Every encrypted value in the wallet – a record column, an original file, the
wrapped data key, a backup segment – is AES-256-GCM under a key that is never
reused with the same nonce.  ``Sealer.seal`` draws a fresh random 96-bit nonce
per call and stores it in front of the ciphertext, so a blob is
``nonce (12) || ciphertext || tag (16)`` and carries everything needed to open
it except the key and the associated data.

The associated data binds a blob to where it lives (``"records:<id>"``,
``"originals:<id>"`` …): a ciphertext copied into another row or table no
longer opens.  Random nonces are safe here because one data key encrypts far
fewer than the 2**32 messages GCM allows per key with random nonces.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
OVERHEAD = NONCE_BYTES + TAG_BYTES

__all__ = ["KEY_BYTES", "NONCE_BYTES", "OVERHEAD", "TAG_BYTES", "InvalidTag", "Sealer", "derive_subkey", "random_key"]


def random_key() -> bytes:
    """A fresh 256-bit key from the OS CSPRNG."""
    return os.urandom(KEY_BYTES)


def derive_subkey(root: bytes, purpose: bytes) -> bytes:
    """A 256-bit key for one purpose, so one root key never does two jobs.

    HKDF-SHA256 without salt is the textbook expand step for a root key that is
    already uniformly random (the data key is ``os.urandom``).
    """
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(root)


class Sealer:
    """AES-256-GCM with a fresh nonce per message; the nonce travels with the blob."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("AES-256-GCM needs a 32-byte key")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, ad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, ad)

    def open(self, blob: bytes, ad: bytes) -> bytes:
        """The plaintext, or ``InvalidTag`` if the key, the AD or any byte is wrong."""
        if len(blob) < OVERHEAD:
            raise InvalidTag()
        return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], ad)
