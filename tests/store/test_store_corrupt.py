"""Damaged, truncated and foreign files give ``StoreCorrupt`` with a message, never a traceback."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from store_factory import CHEAP_KDF, PASSPHRASE, make_credential, make_report

from wallet.errors import StoreCorrupt, StoreError
from wallet.store import WalletStore


@pytest.fixture
def filled(tmp_path: Path, no_keyring: None) -> Path:
    home = tmp_path / "filled"
    with WalletStore.open(home, passphrase=PASSPHRASE, kdf=CHEAP_KDF) as store:
        for n in range(25):
            c = make_credential(n)
            store.add(c, make_report(c), source=f"{n}.png", notes="x" * 50)
    return home


def open_and_read_all(home: Path) -> int:
    with WalletStore.open(home, passphrase=PASSPHRASE) as store:
        for summary in store.summaries():
            store.get(summary.id)
        return store.count()


def test_truncated_at_many_offsets_is_a_valid_state_or_store_corrupt(filled: Path, tmp_path: Path) -> None:
    data = (filled / "wallet.db").read_bytes()
    page = 4096
    offsets = sorted({*range(0, len(data), page), *range(100, len(data), page * 3 + 517), len(data) - 1})
    outcomes = {"ok": 0, "corrupt": 0}
    for offset in offsets:
        home = tmp_path / f"cut{offset}"
        home.mkdir()
        (home / "wallet.db").write_bytes(data[:offset])
        try:
            count = open_and_read_all(home)
        except StoreCorrupt as exc:
            assert exc.user_message and "Traceback" not in str(exc)
            outcomes["corrupt"] += 1
        else:
            assert count in (0, 25)  # nothing, or an intact wallet; never half of one
            outcomes["ok"] += 1
        shutil.rmtree(home)
    assert outcomes == {"ok": 1, "corrupt": len(offsets) - 1}  # only the empty file opens (as a new wallet)


def test_garbage_is_not_a_wallet(tmp_path: Path) -> None:
    home = tmp_path / "g"
    home.mkdir()
    (home / "wallet.db").write_bytes(b"this is not a database at all, sorry" * 200)
    with pytest.raises(StoreCorrupt, match="damaged"):
        WalletStore.open(home, passphrase=PASSPHRASE)


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    for app_id in (0, 1234):
        home = tmp_path / f"f{app_id}"
        home.mkdir()
        with sqlite3.connect(home / "wallet.db") as conn:
            conn.execute(f"PRAGMA application_id = {app_id}")
            conn.execute("CREATE TABLE photos (id INTEGER)")
        with pytest.raises(StoreCorrupt, match="not a Badge Wallet"):
            WalletStore.open(home, passphrase=PASSPHRASE)


def flip_blob(home: Path, table: str, column: str, key: str, record_id: str) -> None:
    with sqlite3.connect(home / "wallet.db") as conn:
        blob = bytearray(conn.execute(f"SELECT {column} FROM {table} WHERE {key} = ?", (record_id,)).fetchone()[0])
        blob[len(blob) // 2] ^= 0x01
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (bytes(blob), record_id))


def first_id(home: Path) -> str:
    with sqlite3.connect(home / "wallet.db") as conn:
        return str(conn.execute("SELECT id FROM records ORDER BY rowid LIMIT 1").fetchone()[0])


def test_a_flipped_bit_in_a_summary_stops_the_open(filled: Path) -> None:
    flip_blob(filled, "records", "summary", "id", first_id(filled))
    with pytest.raises(StoreCorrupt, match="damaged"):
        WalletStore.open(filled, passphrase=PASSPHRASE)


@pytest.mark.parametrize("table", ["documents", "originals", "reports", "notes"])
def test_a_flipped_bit_in_a_record_part_is_reported_when_read(filled: Path, table: str) -> None:
    record_id = first_id(filled)
    flip_blob(filled, table, "data", "record_id", record_id)
    with WalletStore.open(filled, passphrase=PASSPHRASE) as store:
        with pytest.raises(StoreCorrupt, match="damaged"):
            store.get(record_id)
        store.get(store.summaries()[0].id)  # the others still read


def test_a_blob_moved_to_another_row_does_not_open(filled: Path) -> None:
    """The record id is associated data: ciphertexts cannot be swapped between records."""
    with sqlite3.connect(filled / "wallet.db") as conn:
        a, b = (r[0] for r in conn.execute("SELECT id FROM records ORDER BY rowid LIMIT 2"))
        blob = conn.execute("SELECT data FROM originals WHERE record_id = ?", (a,)).fetchone()[0]
        conn.execute("UPDATE originals SET data = ? WHERE record_id = ?", (blob, b))
        blob = conn.execute("SELECT data FROM documents WHERE record_id = ?", (a,)).fetchone()[0]
        conn.execute("UPDATE originals SET data = ? WHERE record_id = ?", (blob, a))  # wrong table, same id
    with WalletStore.open(filled, passphrase=PASSPHRASE) as store:
        for record_id in (a, b):
            with pytest.raises(StoreCorrupt):
                store.original(record_id)


def test_a_missing_part_is_reported(filled: Path) -> None:
    record_id = first_id(filled)
    with sqlite3.connect(filled / "wallet.db") as conn:
        conn.execute("DELETE FROM originals WHERE record_id = ?", (record_id,))
    with WalletStore.open(filled, passphrase=PASSPHRASE) as store, pytest.raises(StoreCorrupt, match="incomplete"):
        store.get(record_id)


def test_a_folder_where_the_file_should_be_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "w" / "wallet.db").mkdir(parents=True)
    with pytest.raises(StoreError):
        WalletStore.open(tmp_path / "w", passphrase=PASSPHRASE)
