"""Fixtures for the store tests: a real in-memory keyring, no keyring, a ready store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from store_factory import CHEAP_KDF, PASSPHRASE, MemoryKeyring

from wallet.store import WalletStore


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The process keyring is a real (in-memory) backend for this test."""
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """The process keyring is the ``fail`` backend, as on a headless machine."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "wallet-home"


@pytest.fixture
def store(home: Path, no_keyring: None) -> Iterator[WalletStore]:
    """A passphrase store with cheap KDF parameters."""
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as opened:
        yield opened
