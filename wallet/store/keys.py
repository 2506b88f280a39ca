"""Where the data key comes from: a wrapped DEK and the two ways to unwrap it.

The wallet encrypts everything under one random 256-bit data key (DEK).  The
DEK itself is stored only *wrapped* (AES-GCM) by a key-encryption key (KEK),
so changing how the wallet is unlocked rewrites one small header and never the
records.  The KEK comes from one of two places, in this order of preference:

1. the OS keyring (``keyring``): a random 256-bit KEK stored under service
   ``BadgeWallet`` and the store id, when a usable backend exists;
2. a passphrase stretched by Argon2id, whose salt and cost live in the header
   next to the wrapped DEK.

``key_source`` always says which one is in use (style anchor: never a silent
fallback).  A keyring that cannot be used is reported with its reason and is
never replaced by something weaker, such as the key in the clear next to the
data (Vorta's ``VortaDBKeyring`` is the counter-example).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import unicodedata
from dataclasses import dataclass
from typing import Any, Final

import keyring
import keyring.errors
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from wallet.errors import PassphraseRequired, StoreCorrupt, StoreError, WrongPassphrase

from .crypto import KEY_BYTES, InvalidTag, Sealer

log = logging.getLogger(__name__)

KEYRING_SERVICE: Final = "BadgeWallet"
SOURCE_KEYRING: Final = "keyring"
SOURCE_PASSPHRASE: Final = "passphrase"
SALT_BYTES: Final = 16
HEADER_VERSION: Final = 1
# Ceilings for KDF costs read back from a file: a hostile backup must not be
# able to ask for gigabytes of memory or minutes of work.
MAX_MEMORY_KIB: Final = 1024 * 1024
MAX_ITERATIONS: Final = 64
MAX_LANES: Final = 64


class KeyUnavailable(StoreError):
    """The store is keyed by the OS keyring, and the keyring cannot give the key."""


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost: 64 MiB, 4 lanes, and as many passes as fit the unlock budget.

    RFC 9106's second recommendation (64 MiB, 3 passes, 4 lanes) took 0.14 s
    (median of 12) on the 2-core reference machine, below the 0.3–0.6 s unlock
    budget.  Passes cost about 0.035–0.045 s each there, so the default uses 8
    (0.3–0.35 s unloaded; bench/store_open.py prints it).  Time is bought with passes,
    not memory: 256 MiB would hit the 300 MB RSS budget.  Tests pass a cheap
    ``KdfParams`` explicitly; nothing reads a global override.
    """

    memory_kib: int = 64 * 1024
    iterations: int = 8
    lanes: int = 4

    def __post_init__(self) -> None:
        if not (1 <= self.lanes <= MAX_LANES):
            raise ValueError("Argon2id lanes must be between 1 and 64")
        if not (1 <= self.iterations <= MAX_ITERATIONS):
            raise ValueError("Argon2id iterations must be between 1 and 64")
        if not (8 * self.lanes <= self.memory_kib <= MAX_MEMORY_KIB):
            raise ValueError("Argon2id memory must be at least 8 KiB per lane and at most 1 GiB")

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        """The 256-bit KEK for ``passphrase`` (NFC-normalised, so the same text typed
        on another keyboard layout or OS gives the same key)."""
        secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
        kdf = Argon2id(
            salt=salt, length=KEY_BYTES, iterations=self.iterations, lanes=self.lanes, memory_cost=self.memory_kib
        )
        return kdf.derive(secret)

    def to_json(self, salt: bytes) -> dict[str, Any]:
        return {
            "name": "argon2id",
            "salt": _b64(salt),
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }

    @classmethod
    def from_json(cls, data: Any) -> tuple[KdfParams, bytes]:
        """Params and salt from a header; ``StoreCorrupt`` for anything out of range."""
        try:
            if data["name"] != "argon2id":
                raise ValueError("unknown KDF")
            salt = _unb64(data["salt"])
            if len(salt) != SALT_BYTES:
                raise ValueError("bad salt length")
            params = cls(
                memory_kib=_int(data["memory_kib"]), iterations=_int(data["iterations"]), lanes=_int(data["lanes"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt("The key settings in the file are damaged.", detail=f"bad KDF header: {exc}") from exc
        return params, salt


DEFAULT_KDF: Final = KdfParams()


def check_new_passphrase(passphrase: str) -> None:
    if not passphrase:
        raise StoreError("The passphrase must not be empty.")


@dataclass(frozen=True, slots=True)
class KeyHeader:
    """What the ``meta`` table says about the DEK: who wraps it and how.

    The associated data of the wrapped DEK covers every other field, so a header
    edited on disk (another store id, a cheaper KDF, another source) no longer
    opens.
    """

    store_id: str
    source: str  # SOURCE_KEYRING | SOURCE_PASSPHRASE
    wrapped_dek: bytes
    kdf: KdfParams | None = None
    salt: bytes | None = None

    def _ad(self) -> bytes:
        fields = {"v": HEADER_VERSION, "store_id": self.store_id, "source": self.source, "kdf": self._kdf_json()}
        return b"meta:key:" + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def _kdf_json(self) -> dict[str, Any] | None:
        return self.kdf.to_json(self.salt) if self.kdf and self.salt else None

    @classmethod
    def wrap(
        cls,
        dek: bytes,
        kek: bytes,
        *,
        store_id: str,
        source: str,
        kdf: KdfParams | None = None,
        salt: bytes | None = None,
    ) -> KeyHeader:
        unsigned = cls(store_id, source, b"", kdf, salt)
        return cls(store_id, source, Sealer(kek).seal(dek, unsigned._ad()), kdf, salt)

    def unwrap(self, kek: bytes) -> bytes:
        """The DEK; ``InvalidTag`` when ``kek`` is not the key this header was wrapped with."""
        return Sealer(kek).open(self.wrapped_dek, self._ad())

    def to_bytes(self) -> bytes:
        data = {
            "v": HEADER_VERSION,
            "store_id": self.store_id,
            "source": self.source,
            "wrapped_dek": _b64(self.wrapped_dek),
            "kdf": self._kdf_json(),
        }
        return json.dumps(data, sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyHeader:
        try:
            data = json.loads(raw)
            if data["v"] != HEADER_VERSION:
                raise ValueError(f"key header version {data['v']!r}")
            source = data["source"]
            if source not in (SOURCE_KEYRING, SOURCE_PASSPHRASE):
                raise ValueError(f"unknown key source {source!r}")
            store_id = data["store_id"]
            if not isinstance(store_id, str):
                raise ValueError("store id")
            wrapped = _unb64(data["wrapped_dek"])
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt("The wallet's key header is damaged.", detail=str(exc)) from exc
        if source == SOURCE_PASSPHRASE:
            kdf, salt = KdfParams.from_json(data.get("kdf"))
            return cls(store_id, source, wrapped, kdf, salt)
        return cls(store_id, source, wrapped)


# --- the OS keyring ---------------------------------------------------------


class _SystemKeyring:
    """Sentinel: ask ``keyring.get_keyring()`` at call time (tests call ``keyring.set_keyring``)."""

    def __repr__(self) -> str:
        return "SYSTEM_KEYRING"


SYSTEM_KEYRING: Final = _SystemKeyring()
KeyringChoice = KeyringBackend | _SystemKeyring | None
"""``SYSTEM_KEYRING`` (the default), a backend object, or ``None`` for "never use a keyring"."""


@dataclass(frozen=True, slots=True)
class Keyring:
    """A usable keyring backend and the label shown to the user."""

    backend: KeyringBackend
    label: str

    def get_kek(self, store_id: str) -> bytes | None:
        try:
            value = self.backend.get_password(KEYRING_SERVICE, store_id)
        except keyring.errors.KeyringLocked as exc:
            raise KeyUnavailable(
                f"The system keyring ({self.label}) is locked. Unlock it and try again.", detail=repr(exc)
            ) from exc
        except keyring.errors.KeyringError as exc:
            raise KeyUnavailable(f"The system keyring ({self.label}) could not be read.", detail=repr(exc)) from exc
        if value is None:
            return None
        try:
            kek = base64.b64decode(value, validate=True)
        except ValueError:
            kek = b""
        if len(kek) != KEY_BYTES:
            raise KeyUnavailable(f"The wallet key in the system keyring ({self.label}) is damaged.")
        return kek

    def put_kek(self, store_id: str, kek: bytes) -> None:
        try:
            self.backend.set_password(KEYRING_SERVICE, store_id, _b64(kek))
        except keyring.errors.KeyringError as exc:
            raise KeyUnavailable(
                f"The wallet key could not be saved in the system keyring ({self.label}).", detail=repr(exc)
            ) from exc

    def delete_kek(self, store_id: str) -> None:
        """Best effort: a stale entry only holds a key that no longer opens anything."""
        try:
            self.backend.delete_password(KEYRING_SERVICE, store_id)
        except keyring.errors.KeyringError as exc:
            log.warning("Could not remove the old wallet key from the %s keyring: %r", self.label, exc)


def find_keyring(choice: KeyringChoice) -> tuple[Keyring | None, str]:
    """The keyring to use, or ``None`` and the reason there is none.

    The ``fail`` and ``null`` backends and a chainer with nothing to chain are
    what ``keyring`` returns on a headless machine: they look like backends but
    cannot keep a secret, so they count as "no keyring".
    """
    if choice is None:
        return None, "keyring disabled"
    backend: KeyringBackend
    if isinstance(choice, _SystemKeyring):
        try:
            backend = keyring.get_keyring()
        except Exception as exc:  # a broken third-party backend plug-in must not stop the wallet
            log.warning("The system keyring could not be loaded: %r", exc)
            return None, f"keyring failed to load ({type(exc).__name__})"
    else:
        backend = choice
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None, f"no usable keyring ({backend.name})"
    if isinstance(backend, chainer.ChainerBackend):
        inner = list(backend.backends)
        if not inner:
            return None, "no usable keyring (nothing to chain)"
        return Keyring(backend, inner[0].name), ""
    return Keyring(backend, backend.name), ""


def describe_source(source: str, ring: Keyring | None) -> str:
    """``"keyring: SecretService Keyring"`` or ``"passphrase"`` – shown in the UI and CLI."""
    if source == SOURCE_KEYRING:
        return f"keyring: {ring.label}" if ring else "keyring"
    return SOURCE_PASSPHRASE


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise TypeError("expected base64 text")
    return base64.b64decode(text, validate=True)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


# --- unlocking and re-keying -------------------------------------------------


def unlock(header: KeyHeader, passphrase: str | None, keyring_backend: KeyringChoice) -> tuple[bytes, Keyring | None]:
    """The DEK from the source the header names (a passphrase given for a keyring wallet is not needed)."""
    if header.source == SOURCE_PASSPHRASE:
        if passphrase is None:
            raise PassphraseRequired("This wallet is protected by a passphrase. Enter it to open the wallet.")
        return unlock_with_passphrase(header, passphrase), None
    ring, why = find_keyring(keyring_backend)
    if ring is None:
        raise KeyUnavailable(f"This wallet's key is kept in the system keyring, which is not available here ({why}).")
    kek = ring.get_kek(header.store_id)
    if kek is None:
        raise KeyUnavailable(
            f"The key for this wallet is missing from the system keyring ({ring.label}). "
            "Restore the wallet from a backup."
        )
    try:
        return header.unwrap(kek), ring
    except InvalidTag:
        raise KeyUnavailable(f"The key in the system keyring ({ring.label}) does not open this wallet.") from None


def unlock_with_passphrase(header: KeyHeader, passphrase: str) -> bytes:
    """The DEK, or ``WrongPassphrase``.  (Header damage also reads as a wrong
    passphrase: GCM cannot tell the two apart, and guessing would be worse.)"""
    assert header.kdf is not None and header.salt is not None
    try:
        return header.unwrap(header.kdf.derive(passphrase, header.salt))
    except InvalidTag:
        raise WrongPassphrase("The passphrase is not correct. Check it and try again.") from None


def passphrase_header(dek: bytes, store_id: str, passphrase: str, kdf: KdfParams) -> KeyHeader:
    check_new_passphrase(passphrase)
    salt = os.urandom(SALT_BYTES)
    kek = kdf.derive(passphrase, salt)
    return KeyHeader.wrap(dek, kek, store_id=store_id, source=SOURCE_PASSPHRASE, kdf=kdf, salt=salt)
