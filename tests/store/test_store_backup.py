"""Backups: one encrypted file; restore merges without duplicates or loss; damage changes nothing."""

from __future__ import annotations

import dataclasses
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from store_factory import CHEAP_KDF, NOW, PASSPHRASE, make_credential, make_report

from wallet.errors import StoreCorrupt, StoreError, WrongPassphrase
from wallet.store import AddItem, RestoreResult, StoredRecord, WalletStore, restore_backup, write_backup
from wallet.store.backup import MAGIC

BACKUP_PASS = "backup passphrase"


def new_store(path: Path) -> WalletStore:
    return WalletStore.open(path, passphrase=PASSPHRASE, kdf=CHEAP_KDF)


def snapshot(store: WalletStore) -> list[tuple[object, ...]]:
    """Everything a user could lose, keyed by credential id (record ids differ between stores)."""
    out = []
    for record in store.records():
        c = record.credential
        out.append(
            (c.id, c, c.document, c.original, record.report, record.notes, record.tags, record.source,
             record.added_at, record.parent_id is not None)
        )  # fmt: skip
    return sorted(out, key=lambda row: str(row[0]))


def state(store: WalletStore) -> tuple[object, ...]:
    return (snapshot(store), store.settings(), store.holder_key())


@pytest.fixture
def source(tmp_path: Path, no_keyring: None) -> Iterator[WalletStore]:
    store = new_store(tmp_path / "source")
    clr = make_credential(0)
    store.add_many([AddItem(clr, make_report(clr), "clr.json"), AddItem(make_credential(1, parent_id=clr.id))])
    for n in range(2, 12):
        c = make_credential(n, endorsement=make_credential(n + 500))
        store.add(c, make_report(c), source=f"{n}.png", tags=[f"t{n}"], notes=f"note {n}" if n % 2 else "")
    store.set_setting("offline", True)
    store.set_setting("theme", "dark")
    store.set_holder_key(b"\x07" * 32)
    with store:
        yield store


def test_round_trip_into_an_empty_store(source: WalletStore, tmp_path: Path) -> None:
    path = tmp_path / "wallet.bwb"
    assert write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF) == 12
    assert path.read_bytes().startswith(MAGIC)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    with new_store(tmp_path / "target") as target:
        assert restore_backup(target, path, BACKUP_PASS) == RestoreResult(added=12, duplicates=0)
        assert state(target) == state(source)
        child = next(s for s in target.summaries() if s.source == "")
        assert target.summary(child.parent_id or "").source == "clr.json"
        assert restore_backup(target, path, BACKUP_PASS) == RestoreResult(added=0, duplicates=12)
        assert state(target) == state(source)


def test_small_segments_and_large_originals(source: WalletStore, tmp_path: Path) -> None:
    big = dataclasses.replace(make_credential(77), original=bytes(range(256)) * 4000)
    source.add(big, source="big.png")
    path = tmp_path / "b.bwb"
    write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF, segment_size=1000)
    with new_store(tmp_path / "target") as target:
        restore_backup(target, path, BACKUP_PASS)
        assert state(target) == state(source)


def test_merge_keeps_what_each_side_has(source: WalletStore, tmp_path: Path) -> None:
    path = tmp_path / "b.bwb"
    write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF)
    with new_store(tmp_path / "target") as target:
        three = make_credential(3)  # also in the backup, with tag t3 and "note 3"
        own = target.add(three, make_report(three, at=NOW - timedelta(days=1)), source="mine.png", tags=["mine"])
        target.set_notes(own.record_id, "my own note")
        target.add(make_credential(900), source="only-here.png")
        target.set_setting("theme", "light")
        target.set_holder_key(b"\x09" * 32)
        result = restore_backup(target, path, BACKUP_PASS)
        assert result == RestoreResult(added=11, duplicates=1)
        merged = target.get(own.record_id)
        assert merged.tags == ("mine", "t3")
        assert merged.notes == "my own note\n\nnote 3"
        assert merged.report is not None and merged.report.checked_at == NOW  # the newer report wins
        assert target.summary(own.record_id).verified_at == NOW
        assert target.settings() == {"theme": "light", "offline": True}  # ours kept, missing ones added
        assert target.holder_key() == b"\x09" * 32
        assert target.count() == 13
        added = [s.added_at for s in target.summaries()]
        assert added == sorted(added, reverse=True)  # restored records take their own place in time


def test_wrong_passphrase_changes_nothing(source: WalletStore, tmp_path: Path) -> None:
    path = tmp_path / "b.bwb"
    write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF)
    with new_store(tmp_path / "target") as target:
        target.add(make_credential(900), source="x")
        before = state(target)
        with pytest.raises(WrongPassphrase):
            restore_backup(target, path, "not it")
        assert state(target) == before


def expect_unchanged_failure(target: WalletStore, path: Path, data: bytes, before: object) -> type[Exception]:
    path.write_bytes(data)
    with pytest.raises((StoreCorrupt, StoreError)) as info:
        restore_backup(target, path, BACKUP_PASS)
    assert info.value.user_message
    assert state(target) == before
    return info.type


def test_truncation_anywhere_is_store_corrupt_and_changes_nothing(source: WalletStore, tmp_path: Path) -> None:
    good = tmp_path / "b.bwb"
    write_backup(source, good, BACKUP_PASS, kdf=CHEAP_KDF, segment_size=4096)
    data = good.read_bytes()
    offsets = sorted({*range(0, 120), *range(120, len(data), max(1, len(data) // 150)), len(data) - 1})
    with new_store(tmp_path / "target") as target:
        target.add(make_credential(900), source="x")
        before = state(target)
        for offset in offsets:
            kind = expect_unchanged_failure(target, tmp_path / "cut.bwb", data[:offset], before)
            assert kind is StoreCorrupt, offset


def test_flipped_bits_are_store_corrupt_and_change_nothing(source: WalletStore, tmp_path: Path) -> None:
    good = tmp_path / "b.bwb"
    write_backup(source, good, BACKUP_PASS, kdf=CHEAP_KDF, segment_size=4096)
    data = good.read_bytes()
    positions = sorted({*range(0, 200, 3), *range(200, len(data), max(1, len(data) // 120)), len(data) - 1})
    with new_store(tmp_path / "target") as target:
        before = state(target)
        for position in positions:
            damaged = bytearray(data)
            damaged[position] ^= 1 << (position % 8)
            kind = expect_unchanged_failure(target, tmp_path / "flip.bwb", bytes(damaged), before)
            assert kind is StoreCorrupt, position
        expect_unchanged_failure(target, tmp_path / "extra.bwb", data + b"\x00", before)


def test_not_a_backup(tmp_path: Path, no_keyring: None) -> None:
    path = tmp_path / "x.bwb"
    path.write_bytes(b"PK\x03\x04 something else")
    with new_store(tmp_path / "t") as target, pytest.raises(StoreCorrupt, match="not a Badge Wallet backup"):
        restore_backup(target, path, BACKUP_PASS)


def test_a_failed_write_leaves_the_old_backup_and_no_temp_file(
    source: WalletStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "b.bwb"
    write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF)
    old = path.read_bytes()

    def broken_records() -> list[StoredRecord]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(source, "records", broken_records)
    with pytest.raises(StoreError, match="could not be written"):
        write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF)
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.bwb", "source"]


def test_an_empty_backup_passphrase_is_refused(source: WalletStore, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="empty"):
        write_backup(source, tmp_path / "b.bwb", "", kdf=CHEAP_KDF)
