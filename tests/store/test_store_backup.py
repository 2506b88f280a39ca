"""Backups: one encrypted file; restore merges without duplicates or loss; damage changes nothing."""

from __future__ import annotations

import dataclasses
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from store_factory import CHEAP_KDF, NOW, PASSPHRASE, make_credential, make_report

from wallet.errors import StoreCorrupt, StoreError, WalletError, WrongPassphrase
from wallet.store import AddItem, RestoreResult, StoredRecord, WalletStore, restore_backup, write_backup
from wallet.store.backup import MAGIC, Cancelled

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


# --- progress and cancel ------------------------------------------------------


def test_progress_reaches_the_total_and_never_goes_down(source: WalletStore, tmp_path: Path) -> None:
    path = tmp_path / "b.bwb"
    calls: list[tuple[int, int]] = []
    assert write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF, progress=lambda d, t: calls.append((d, t))) == 12
    assert calls == [(n, 12) for n in range(13)]
    with new_store(tmp_path / "target") as target:
        calls.clear()
        result = restore_backup(target, path, BACKUP_PASS, progress=lambda d, t: calls.append((d, t)))
        assert result == RestoreResult(added=12, duplicates=0)
    assert calls[0] == (0, 0)  # the passphrase is right; the total is still being counted
    assert calls[1:] == [(n, 12) for n in range(13)]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_progress_of_an_empty_wallet(tmp_path: Path, no_keyring: None) -> None:
    calls: list[tuple[int, int]] = []
    with new_store(tmp_path / "empty") as empty:
        assert (
            write_backup(empty, tmp_path / "e.bwb", BACKUP_PASS, kdf=CHEAP_KDF, progress=lambda *a: calls.append(a))
            == 0
        )
        assert calls == [(0, 0)]
        calls.clear()
        restore_backup(empty, tmp_path / "e.bwb", BACKUP_PASS, progress=lambda *a: calls.append(a))
        assert calls == [(0, 0), (0, 0)]


def cancel_at(event: threading.Event, at: int, calls: list[tuple[int, int]]) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done == at and total:
            event.set()

    return progress


@pytest.mark.parametrize("at", [0, 5, 12])  # 12: after the last record, just before the rename
def test_a_cancelled_backup_writes_no_file(source: WalletStore, tmp_path: Path, at: int) -> None:
    path = tmp_path / "b.bwb"
    event, calls = threading.Event(), []
    with pytest.raises(Cancelled) as info:
        write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF, progress=cancel_at(event, at, calls), cancel=event)
    assert info.value.user_message == "Backup cancelled; nothing was written."
    assert isinstance(info.value, WalletError) and not isinstance(info.value, StoreError)
    assert calls[-1] == (at, 12)
    assert not path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source"]  # no temp file either


@pytest.mark.parametrize("at", [0, 5, 12])
def test_a_cancelled_backup_leaves_the_older_backup_byte_identical(
    source: WalletStore, tmp_path: Path, at: int
) -> None:
    path = tmp_path / "b.bwb"
    write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF)
    old, old_stat = path.read_bytes(), path.stat()
    source.add(make_credential(901), source="newer.png")  # the new backup would differ
    event = threading.Event()
    with pytest.raises(Cancelled):
        write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF, progress=cancel_at(event, at, []), cancel=event)
    assert path.read_bytes() == old
    assert path.stat().st_ino == old_stat.st_ino and path.stat().st_mtime_ns == old_stat.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.bwb", "source"]


def test_a_cancel_before_the_start_writes_nothing(source: WalletStore, tmp_path: Path) -> None:
    event = threading.Event()
    event.set()
    with pytest.raises(Cancelled):
        write_backup(source, tmp_path / "b.bwb", BACKUP_PASS, kdf=CHEAP_KDF, cancel=event)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source"]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("at", [None, 0, 5, 12])  # None: cancelled while the total is counted (pre-pass)
def test_a_cancelled_restore_changes_nothing(source: WalletStore, tmp_path: Path, at: int | None) -> None:
    path = tmp_path / "b.bwb"
    write_backup(source, path, BACKUP_PASS, kdf=CHEAP_KDF)
    home = tmp_path / "target"
    with new_store(home) as target:
        three = make_credential(3)  # also in the backup: a cancelled merge must not touch it either
        target.add(three, make_report(three, at=NOW - timedelta(days=1)), source="mine.png", tags=["mine"])
        target.set_setting("theme", "light")
    on_disk = folder_bytes(home)
    event, calls = threading.Event(), []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if (at is None and total == 0) or (at is not None and total and done == at):
            event.set()

    with new_store(home) as target:
        before, count = state(target), target.count()
        with pytest.raises(Cancelled) as info:
            restore_backup(target, path, BACKUP_PASS, progress=progress, cancel=event)
        assert info.value.user_message == "Restore cancelled; nothing was restored."
        assert target.count() == count == 1
        assert state(target) == before
        assert target.integrity_check() == ["ok"]
    assert folder_bytes(home) == on_disk
    assert calls[-1] == ((0, 0) if at is None else (at, 12))
    with new_store(home) as target:  # and a restore after the cancelled one still works
        assert restore_backup(target, path, BACKUP_PASS) == RestoreResult(added=11, duplicates=1)
