"""Where the key comes from: keyring, passphrase, switching, and refusing the wrong one."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import keyring
import pytest
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordSetError
from store_factory import CHEAP_KDF, PASSPHRASE, MemoryKeyring, make_credential, make_report

from wallet.errors import PassphraseRequired, StoreCorrupt, StoreError, WrongPassphrase
from wallet.store import DEFAULT_KDF, KdfParams, KeyUnavailable, WalletStore


def record_blobs(home: Path) -> list[tuple[object, ...]]:
    """Every encrypted record byte, read straight from the file."""
    with sqlite3.connect(home / "wallet.db") as conn:
        rows: list[tuple[object, ...]] = []
        rows += conn.execute("SELECT id, summary FROM records ORDER BY id").fetchall()
        for table in ("documents", "originals", "reports", "notes"):
            rows += conn.execute(f"SELECT record_id, data FROM {table} ORDER BY record_id").fetchall()
    return rows


def db_bytes(home: Path) -> bytes:
    return (home / "wallet.db").read_bytes()


def fill(store: WalletStore) -> None:
    for n in range(3):
        c = make_credential(n)
        store.add(c, make_report(c), source=f"{n}.png", notes="n")


def test_keyring_present_means_no_passphrase(home: Path, memory_keyring: MemoryKeyring) -> None:
    with WalletStore.open(home) as store:
        store_id = store.store_id
        assert store.key_source == "keyring: store factory MemoryKeyring"
        fill(store)
    kek = base64.b64decode(memory_keyring.entries[("BadgeWallet", store_id)])
    assert len(kek) == 32
    with WalletStore.open(home) as store:
        assert store.count() == 3


def test_keyring_absent_needs_a_passphrase(home: Path, no_keyring: None) -> None:
    with pytest.raises(PassphraseRequired, match="passphrase"):
        WalletStore.open(home)
    assert list(home.iterdir()) == []  # no half-made wallet is left behind
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:
        assert store.key_source == "passphrase"
        fill(store)
    with pytest.raises(PassphraseRequired, match="Enter it"):
        WalletStore.open(home)
    with WalletStore.open(home, passphrase=PASSPHRASE) as store:
        assert store.count() == 3


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring(), None])
def test_unusable_backends_count_as_no_keyring(home: Path, backend: object) -> None:
    with pytest.raises(PassphraseRequired):
        WalletStore.open(home, keyring_backend=backend)  # type: ignore[arg-type]


def test_an_empty_chainer_is_no_keyring(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    with pytest.raises(PassphraseRequired, match="nothing to chain"):
        WalletStore.open(home, keyring_backend=chainer.ChainerBackend())


def test_a_passphrase_given_at_creation_wins_over_the_keyring(home: Path, memory_keyring: MemoryKeyring) -> None:
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:
        assert store.key_source == "passphrase"
    assert memory_keyring.entries == {}


def test_wrong_passphrase_is_refused_and_nothing_is_written(home: Path, no_keyring: None) -> None:
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:
        fill(store)
    before = db_bytes(home)
    with pytest.raises(WrongPassphrase, match="not correct"):
        WalletStore.open(home, passphrase="tr0ub4dor")
    assert db_bytes(home) == before
    assert sorted(p.name for p in home.iterdir()) == ["wallet.db"]


def test_a_keyring_that_cannot_save_asks_for_a_passphrase(home: Path) -> None:
    class ReadOnlyKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError("read-only")

    with pytest.raises(PassphraseRequired, match="could not be saved"):
        WalletStore.open(home, keyring_backend=ReadOnlyKeyring())


def test_locked_or_missing_keyring_entries_say_so(home: Path) -> None:
    ring = MemoryKeyring()
    with WalletStore.open(home, keyring_backend=ring) as store:
        store_id = store.store_id

    class LockedKeyring(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("locked")

    with pytest.raises(KeyUnavailable, match="locked"):
        WalletStore.open(home, keyring_backend=LockedKeyring())
    with pytest.raises(KeyUnavailable, match="missing"):
        WalletStore.open(home, keyring_backend=MemoryKeyring())
    with pytest.raises(KeyUnavailable, match="not available"):
        WalletStore.open(home, keyring_backend=fail.Keyring())
    other = MemoryKeyring()
    other.entries[("BadgeWallet", store_id)] = base64.b64encode(b"k" * 32).decode()
    with pytest.raises(KeyUnavailable, match="does not open"):
        WalletStore.open(home, keyring_backend=other)
    other.entries[("BadgeWallet", store_id)] = "not base64!"
    with pytest.raises(KeyUnavailable, match="damaged"):
        WalletStore.open(home, keyring_backend=other)


def test_change_passphrase_rewraps_without_touching_records(home: Path, no_keyring: None) -> None:
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:
        fill(store)
    before = record_blobs(home)
    with WalletStore.open(home, passphrase=PASSPHRASE) as store:
        with pytest.raises(WrongPassphrase):
            store.change_passphrase("wrong", "new secret", kdf=CHEAP_KDF)
        with pytest.raises(StoreError, match="empty"):
            store.change_passphrase(PASSPHRASE, "", kdf=CHEAP_KDF)
        store.change_passphrase(PASSPHRASE, "new secret", kdf=CHEAP_KDF)
    assert record_blobs(home) == before
    with pytest.raises(WrongPassphrase):
        WalletStore.open(home, passphrase=PASSPHRASE)
    with WalletStore.open(home, passphrase="new secret") as store:
        assert store.count() == 3
        assert store.get(store.summaries()[0].id).notes == "n"


def test_move_from_keyring_to_passphrase_and_back(home: Path, memory_keyring: MemoryKeyring) -> None:
    with WalletStore.open(home) as store:
        fill(store)
        with pytest.raises(StoreError, match="not protected"):
            store.change_passphrase("x", "y")
    before = record_blobs(home)
    with WalletStore.open(home) as store:
        store.use_passphrase(PASSPHRASE, kdf=CHEAP_KDF)
        assert store.key_source == "passphrase"
    assert memory_keyring.entries == {}  # the old key no longer lingers in the keyring
    with pytest.raises(PassphraseRequired):
        WalletStore.open(home)
    with WalletStore.open(home, passphrase=PASSPHRASE) as store:
        store.use_keyring()
        assert store.key_source.startswith("keyring: ")
        store.use_keyring()  # already there: nothing to do
    with WalletStore.open(home) as store:
        assert store.count() == 3
    assert record_blobs(home) == before


def test_use_keyring_without_a_keyring_keeps_the_passphrase(home: Path, no_keyring: None) -> None:
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:
        with pytest.raises(KeyUnavailable):
            store.use_keyring()
        assert store.key_source == "passphrase"
    WalletStore.open(home, passphrase=PASSPHRASE).close()


def test_a_tampered_key_header_does_not_open(home: Path, no_keyring: None) -> None:
    """The KDF cost is bound to the wrapped key: lowering it on disk breaks the unwrap."""
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=KdfParams(memory_kib=128, iterations=1, lanes=1)):
        pass
    with sqlite3.connect(home / "wallet.db") as conn:
        header = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()[0])
        header["kdf"]["memory_kib"] = 64
        conn.execute("UPDATE meta SET value = ? WHERE key = 'key'", (json.dumps(header).encode(),))
    with pytest.raises(WrongPassphrase):
        WalletStore.open(home, passphrase=PASSPHRASE)


@pytest.mark.parametrize(
    "kdf_json",
    [
        {"name": "scrypt"},
        {"name": "argon2id", "salt": "AAAA", "memory_kib": 64, "iterations": 1, "lanes": 1},
        {"name": "argon2id", "salt": "A" * 24, "memory_kib": 1 << 30, "iterations": 1, "lanes": 1},
        {"name": "argon2id", "salt": "A" * 24, "memory_kib": 64, "iterations": "1", "lanes": 1},
    ],
)
def test_a_hostile_kdf_header_is_refused_before_any_work(home: Path, no_keyring: None, kdf_json: dict) -> None:
    WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF).close()
    with sqlite3.connect(home / "wallet.db") as conn:
        header = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()[0])
        header["kdf"] = kdf_json
        conn.execute("UPDATE meta SET value = ? WHERE key = 'key'", (json.dumps(header).encode(),))
    with pytest.raises(StoreCorrupt):
        WalletStore.open(home, passphrase=PASSPHRASE)


def test_default_kdf_is_the_documented_cost() -> None:
    assert (DEFAULT_KDF.memory_kib, DEFAULT_KDF.iterations, DEFAULT_KDF.lanes) == (64 * 1024, 8, 4)
    with pytest.raises(ValueError):
        KdfParams(memory_kib=4, iterations=1, lanes=1)


def test_the_system_keyring_is_asked_at_call_time(home: Path) -> None:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        WalletStore.open(home).close()
    finally:
        keyring.set_keyring(before)
    assert len(ring.entries) == 1
